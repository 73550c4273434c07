#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# as-host.sh COMMAND [ARGS...]
#
# Runs COMMAND on this machine as if it were the kind of host VIREO_SANDBOX_HOST names (real,
# no-kvm, kvm-intel, kvm-amd, kvm-pvm; see host.sh): in a private mount namespace with a /dev
# and a /sys/module of that kind. Nothing else changes: same network, same processes, same
# files. For suites that need no sandbox of daemons, such as the D-Bus suite (meson runs it
# through this script). With VIREO_SANDBOX_HOST unset or real, COMMAND just runs. Needs root
# otherwise. COMMAND's exit status is the script's.

set -euo pipefail

HERE=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=host.sh
. "$HERE/host.sh"

die() { echo "as-host.sh: $*" >&2; exit 2; }

(($# > 0)) || die "usage: $0 COMMAND [ARGS...] (with VIREO_SANDBOX_HOST set)"
host_kind_check || exit 2

if [[ ${_VIREO_AS_HOST_INNER:-} != "" ]]; then
    work=$_VIREO_AS_HOST_INNER
    unset _VIREO_AS_HOST_INNER
    mount --make-rprivate /
    host_fake_sys_module "$work"
    host_make_dev "$work"
    [[ ${VIREO_SANDBOX_QUIET:-} == 1 ]] || echo "as-host.sh: $(host_describe)" >&2
    exec "$@"
fi

if [[ $VIREO_SANDBOX_HOST == real ]]; then
    exec "$@"
fi
[[ $EUID == 0 ]] || die "VIREO_SANDBOX_HOST=$VIREO_SANDBOX_HOST needs root (a private mount namespace)"
command -v unshare >/dev/null || die "missing unshare (util-linux)"

work=$(mktemp -d /tmp/vireo-as-host.XXXXXX)
status=0
_VIREO_AS_HOST_INNER=$work unshare --mount --propagation private "$HERE/as-host.sh" "$@" || status=$?
rm -rf --one-file-system "$work"
exit "$status"
