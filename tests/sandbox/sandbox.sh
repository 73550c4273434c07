#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# sandbox.sh COMMAND [ARGS...]
#
# Runs COMMAND in a hermetic host for Vireo's end-to-end tests (docs/ARCHITECTURE.md, "Tests"):
# new mount, network and pid namespaces; a private tmpfs on /run; private /etc/libvirt,
# /var/lib/libvirt, /var/log/libvirt, /var/cache/libvirt; private /etc/passwd and /etc/group
# with unprivileged test users, and with the groups kvm and libvirt and the user libvirt-qemu
# added when the host lacks them; Vireo's bus policy and polkit policy/rules installed privately;
# its own system dbus-daemon, polkitd, virtlogd, libvirtd and, when VIREO_HYPERVISOR is set,
# the helper (`$VIREO_HYPERVISOR --system`). COMMAND's exit status is the script's.
#
# The pid namespace ends every daemon (and every guest) when COMMAND returns; the per-run
# directory is then removed from outside the namespace. Needs root.
#
# Environment (input):
#   VIREO_HYPERVISOR         path to vireo-hypervisor; started and awaited when set
#   VIREO_BUILD_DIR          meson build dir (default: <repo>/build), for the built polkit policy
#   VIREO_SANDBOX_LOG_DIR    where daemons log (default: a new /tmp/vireo-sandbox-log.XXXXXX,
#                            removed after a successful run unless VIREO_SANDBOX_KEEP_LOGS=1)
#   VIREO_SANDBOX_TIMEOUT    seconds to wait for each daemon (default 30)
#   VIREO_SANDBOX_HYPERVISOR_TIMEOUT  seconds to wait for the helper to own its name (default 20)
#   VIREO_TEST_TIMEOUT_SCALE, VIREO_TEST_SANITIZED  every wait above is multiplied by the
#                            scale (default 1), and by 3 more when VIREO_TEST_SANITIZED=1: the
#                            one multiplier of the test suites (tests/vireotest.py)
#   VIREO_SANDBOX_QUIET=1    don't print progress on stderr
#   VIREO_SANDBOX_HOST       the kind of host to look like: real (default), no-kvm, kvm-intel,
#                            kvm-amd or kvm-pvm: /dev/kvm and /sys/module are faked in the
#                            sandbox (see host.sh)
#   VIREO_SANDBOX_ACCEL      the helper's --accel (default tcg: guests boot the same, and fast
#                            enough, on every kind of host; auto lets the helper choose)
#
# Environment given to COMMAND:
#   VIREO_SANDBOX=1, VIREO_SANDBOX_DIR (per-run dir, mode 0755), VIREO_SANDBOX_WORK (scratch
#   dir, mode 1777, traversable by every user), VIREO_SANDBOX_LOG_DIR, VIREO_REPO_ROOT,
#   VIREO_BUILD_DIR, VIREO_SANDBOX_HOST, VIREO_SANDBOX_ACCEL, VIREO_SANDBOX_KVM_DEVICE (host,
#   stand-in or none: see host.sh), VIREO_TEST_USER/UID/GID (unprivileged, in no extra group: polkit refuses
#   it), VIREO_TEST_LIBVIRT_USER/UID/GID (unprivileged, member of group libvirt: polkit allows
#   it via data/50-org.vireo.hypervisor1.rules), VIREO_LIBVIRT_GID, VIREO_HYPERVISOR_PID,
#   VIREO_SANDBOX_STATE_DIR (the helper's --state-dir: its records of the bridges it made).
#   Control scripts in $VIREO_SANDBOX_DIR: stop-libvirtd.sh [SIGNAL] (kills it by pid, TERM by
#   default, and waits until it is gone), start-libvirtd.sh (starts it, waits until it
#   answers), restart-libvirtd.sh [SIGNAL] (both), libvirtd-pid.sh (prints its pid); the same
#   as `sandbox.sh --libvirtd start | stop [SIGNAL] | restart [SIGNAL] | pid`.
#
# Guests: run them under TCG (<domain type='qemu'>); the sandbox has no network but `lo`
# (libvirt's NAT network can be started inside it), and graphics listen on its own 127.0.0.1.

# shellcheck disable=SC2317  # functions run indirectly (wait_for, wait_daemon, traps)
set -euo pipefail

SANDBOX_SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
SANDBOX_SRC=$(dirname "$SANDBOX_SCRIPT")
REPO_ROOT=$(cd "$SANDBOX_SRC/../.." && pwd)
# shellcheck source=host.sh
. "$SANDBOX_SRC/host.sh"
: "${VIREO_BUILD_DIR:=$REPO_ROOT/build}"
: "${VIREO_SANDBOX_TIMEOUT:=30}"

# scaled SECONDS: SECONDS times the suites' one time multiplier, rounded up.
scaled() {
    awk -v t="$1" -v s="${VIREO_TEST_TIMEOUT_SCALE:-1}" -v z="${VIREO_TEST_SANITIZED:-0}" 'BEGIN {
        if (!(s + 0 > 0)) { print "VIREO_TEST_TIMEOUT_SCALE must be a positive number, not \"" s "\"" > "/dev/stderr"; exit 1 }
        v = t * s * (z == 1 ? 3 : 1); printf "%d\n", (v == int(v)) ? v : int(v) + 1 }'
}

log() { [[ ${VIREO_SANDBOX_QUIET:-} == 1 ]] || echo "sandbox: $*" >&2; }
die() { echo "sandbox: error: $*" >&2; exit 1; }

# wait_for TIMEOUT DESCRIPTION COMMAND...: polls COMMAND every 50 ms until it succeeds.
wait_for() {
    local timeout what=$2
    timeout=$(scaled "$1") || exit 1
    shift 2
    local deadline=$((SECONDS + timeout)) start=$EPOCHREALTIME
    while ! "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            echo "sandbox: error: timed out after ${timeout}s waiting for $what" >&2
            return 1
        fi
        sleep 0.05
    done
    log "$what ($(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b-a}') s)"
}

# wait_daemon PID LOGFILE TIMEOUT DESCRIPTION COMMAND...: like wait_for, but gives up at once
# when the daemon PID exits, and shows the end of its log on failure.
wait_daemon() {
    local pid=$1 logfile=$2 timeout what=$4
    timeout=$(scaled "$3") || exit 1
    shift 4
    local deadline=$((SECONDS + timeout)) start=$EPOCHREALTIME why=
    while :; do
        if "$@" >/dev/null 2>&1; then
            log "$what ($(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b-a}') s)"
            return 0
        fi
        if ! pid_alive "$pid"; then
            local status=0
            wait "$pid" 2>/dev/null || status=$?
            why="it exited with status $status"
            break
        fi
        if ((SECONDS >= deadline)); then
            why="timed out after ${timeout} s"
            break
        fi
        sleep 0.05
    done
    echo "sandbox: error: waiting for $what: $why; the end of $logfile:" >&2
    tail -n 40 "$logfile" | sed 's/^/  | /' >&2
    return 1
}

bus_name_owned() {
    gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.NameHasOwner "$1" 2>/dev/null | grep -q true
}

pid_alive() { [[ -e /proc/$1 ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# libvirtd control, usable from inside COMMAND (the daemon then becomes a child of the caller;
# the pid namespace still ends it).

LIBVIRTD_PIDFILE=/run/libvirtd.pid

libvirtd_pid() {
    local pid
    pid=$(cat "$LIBVIRTD_PIDFILE" 2>/dev/null) || return 1
    [[ -n $pid ]] && pid_alive "$pid" && echo "$pid"
}

libvirtd_answers() { virsh -q -c qemu:///system uri; }

libvirtd_start() {
    local pid
    if pid=$(libvirtd_pid); then die "libvirtd already runs (pid $pid)"; fi
    echo "=== libvirtd start $(date +%T.%N)" >>"$VIREO_SANDBOX_LOG_DIR/libvirtd.log"
    libvirtd --pid-file "$LIBVIRTD_PIDFILE" </dev/null >>"$VIREO_SANDBOX_LOG_DIR/libvirtd.log" 2>&1 &
    pid=$!
    wait_daemon "$pid" "$VIREO_SANDBOX_LOG_DIR/libvirtd.log" "$VIREO_SANDBOX_TIMEOUT" \
        "libvirtd (pid $pid) is ready" libvirtd_answers || return 1
    disown "$pid"   # no job notice when it is killed later
}

libvirtd_stop() {
    local pid signal=${1:-TERM}
    pid=$(libvirtd_pid) || die "libvirtd is not running"
    kill -s "$signal" "$pid"
    if ! wait_for "$VIREO_SANDBOX_TIMEOUT" "libvirtd (pid $pid) has exited" eval '! pid_alive '"$pid"; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$LIBVIRTD_PIDFILE"
}

libvirtd_ctl() {
    [[ ${VIREO_SANDBOX:-} == 1 ]] || die "--libvirtd works only inside the sandbox"
    case ${1:-} in
    start) libvirtd_start ;;
    stop) libvirtd_stop "${2:-TERM}" ;;
    restart) libvirtd_stop "${2:-TERM}"; libvirtd_start ;;
    pid) libvirtd_pid ;;
    *) die "usage: $0 --libvirtd start | stop [SIGNAL] | restart [SIGNAL] | pid" ;;
    esac
}

# ---------------------------------------------------------------------------------------------
# Inside the namespaces: pid 1 of the new pid namespace.

# The private /etc/passwd and /etc/group: the host's, plus whatever the sandbox needs that the
# host lacks (a host without libvirt-daemon-system's postinst run, or a container image, has no
# libvirt, kvm or libvirt-qemu), plus the test users. Ids are taken from the private files, so
# a new one never collides with one the host uses.
PRIVATE_ETC=

# next_free_id FIRST [FILE...]: the first id from FIRST up that no entry of the FILEs (default:
# both) uses.
next_free_id() {
    local id=$1
    shift
    (($# > 0)) || set -- passwd group
    while awk -F: -v id="$id" '$3 == id { found = 1 } END { exit !found }' "${@/#/$PRIVATE_ETC/}"; do
        id=$((id + 1))
    done
    echo "$id"
}

# ensure_group NAME FIRST_GID: NAME's gid, after adding NAME when it is missing.
ensure_group() {
    local name=$1 gid
    gid=$(awk -F: -v n="$name" '$1 == n { print $3; exit }' "$PRIVATE_ETC/group")
    if [[ -z $gid ]]; then
        gid=$(next_free_id "$2" group)
        echo "$name:x:$gid:" >>"$PRIVATE_ETC/group"
        log "group $name did not exist: created it in the sandbox (gid $gid)"
    fi
    echo "$gid"
}

# ensure_user NAME FIRST_UID GID GECOS HOME: NAME's uid, after adding NAME when it is missing.
ensure_user() {
    local name=$1 uid
    uid=$(awk -F: -v n="$name" '$1 == n { print $3; exit }' "$PRIVATE_ETC/passwd")
    if [[ -z $uid ]]; then
        uid=$(next_free_id "$2" passwd)
        echo "$name:x:$uid:$3:$4:$5:/usr/sbin/nologin" >>"$PRIVATE_ETC/passwd"
        log "user $name did not exist: created it in the sandbox (uid $uid)"
    fi
    echo "$uid"
}

# add_member GROUP USER: USER in GROUP's member list (once).
add_member() {
    awk -F: -v OFS=: -v g="$1" -v u="$2" '
        $1 == g { n = split($4, m, ","); found = 0
                  for (i = 1; i <= n; i++) if (m[i] == u) found = 1
                  if (!found) $4 = ($4 == "" ? u : $4 "," u) }
        { print }' "$PRIVATE_ETC/group" >"$PRIVATE_ETC/group.new"
    mv "$PRIVATE_ETC/group.new" "$PRIVATE_ETC/group"
}

write_private_etc() {
    local uid gid kvm_gid
    PRIVATE_ETC=$1
    mkdir -p "$PRIVATE_ETC"
    cp /etc/passwd "$PRIVATE_ETC/passwd"
    cp /etc/group "$PRIVATE_ETC/group"

    # What Debian's libvirt-daemon-system and qemu packages make: groups kvm and libvirt, and
    # the user QEMU runs as (libvirt-qemu, in group kvm, with a group of its own).
    kvm_gid=$(ensure_group kvm 100)
    VIREO_LIBVIRT_GID=$(ensure_group libvirt 100)
    ensure_group libvirt-qemu 64055 >/dev/null
    ensure_user libvirt-qemu 64055 "$kvm_gid" "Libvirt Qemu" /var/lib/libvirt >/dev/null
    add_member libvirt-qemu libvirt-qemu

    # Two unprivileged users, each with its own group: one plain (polkit refuses it), one
    # in group libvirt (polkit allows it; polkitd reads membership from /etc/group).
    uid=$(next_free_id 4242)
    gid=$uid
    echo "vireo-test:x:$gid:" >>"$PRIVATE_ETC/group"
    echo "vireo-test:x:$uid:$gid:Vireo test user:/nonexistent:/usr/sbin/nologin" >>"$PRIVATE_ETC/passwd"
    export VIREO_TEST_USER=vireo-test VIREO_TEST_UID=$uid VIREO_TEST_GID=$gid
    uid=$(next_free_id "$((uid + 1))")
    gid=$uid
    echo "vireo-test-libvirt:x:$gid:" >>"$PRIVATE_ETC/group"
    echo "vireo-test-libvirt:x:$uid:$gid:Vireo test user in group libvirt:/nonexistent:/usr/sbin/nologin" >>"$PRIVATE_ETC/passwd"
    add_member libvirt vireo-test-libvirt
    export VIREO_TEST_LIBVIRT_USER=vireo-test-libvirt VIREO_TEST_LIBVIRT_UID=$uid
    export VIREO_TEST_LIBVIRT_GID=$gid VIREO_LIBVIRT_GID
    chmod 0644 "$PRIVATE_ETC/passwd" "$PRIVATE_ETC/group"
}

policy_file() {
    if [[ -f $VIREO_BUILD_DIR/data/org.vireo.hypervisor1.policy ]]; then
        echo "$VIREO_BUILD_DIR/data/org.vireo.hypervisor1.policy"
    else
        echo "$REPO_ROOT/data/org.vireo.hypervisor1.policy.in"
    fi
}

inner_main() {
    local dir=$VIREO_SANDBOX_DIR logs=$VIREO_SANDBOX_LOG_DIR d policy

    set -E
    trap 'echo "sandbox: error: setting up failed at line $LINENO: $BASH_COMMAND" >&2' ERR

    # --- filesystem ---------------------------------------------------------------------
    mount --make-rprivate /
    mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
    mkdir -p /run/dbus /run/lock /run/user /run/libvirt
    # A sysfs of the new network namespace: /sys/class/net shows only its own interfaces, and
    # the host's cgroup hierarchies (mounted below /sys/fs/cgroup) are gone, so libvirtd
    # neither looks at the host's NICs nor creates cgroups outside the sandbox.
    # (Unmount the old one first: shadowed mounts below it would stay in /proc/mounts.)
    umount -R -l /sys
    mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
    # The kvm modules of the kind of host asked for (host.sh).
    host_fake_sys_module "$dir"

    # Users and groups first: what follows gives files to libvirt-qemu and kvm.
    write_private_etc "$dir/etc"
    mount --bind "$dir/etc/passwd" /etc/passwd
    mount --bind "$dir/etc/group" /etc/group

    # A /dev of its own, with /dev/kvm as the kind of host has it (host.sh). Guests here run
    # under TCG, but libvirtd still looks at /dev/kvm: without udev the host's node may be
    # root-only (0600), and libvirtd would find it "not usable" by the qemu user while its
    # capability probe (run as root) used it, and re-probe QEMU about 15 times (~13 s) on
    # every domain start. The private node has a distribution's udev permissions (root:kvm
    # 0660); the host's node is not touched.
    host_make_dev "$dir"
    log "$(host_describe)"

    mkdir -p "$dir/etc-libvirt" "$dir/var-lib-libvirt" "$dir/var-log-libvirt" "$dir/var-cache-libvirt"
    cp -a /etc/libvirt/. "$dir/etc-libvirt/"
    # Forget whatever the host defined; keep configuration files and nwfilters.
    rm -rf "$dir/etc-libvirt/qemu/autostart" "$dir/etc-libvirt/qemu/networks/autostart" \
        "$dir/etc-libvirt/storage"
    find "$dir/etc-libvirt/qemu" -maxdepth 1 -name '*.xml' -delete 2>/dev/null || true
    (
        cd "$dir/var-lib-libvirt"
        mkdir -p images boot dnsmasq network filesystems qemu/channel/target qemu/nvram \
            qemu/save qemu/snapshot qemu/dump qemu/checkpoint qemu/ram swtpm
        chmod 0711 images boot
        chmod 0700 qemu/save qemu/snapshot qemu/dump qemu/checkpoint
        chown -R libvirt-qemu:libvirt-qemu qemu/channel qemu/nvram qemu/ram
        chown libvirt-qemu:libvirt-qemu qemu
        chmod 0751 qemu
        mkdir -p "$dir/var-log-libvirt/qemu" "$dir/var-cache-libvirt/qemu"
        chmod 0711 "$dir/var-cache-libvirt" "$dir/var-cache-libvirt/qemu"
    )
    mount --bind "$dir/etc-libvirt" /etc/libvirt
    mount --bind "$dir/var-lib-libvirt" /var/lib/libvirt
    mount --bind "$dir/var-log-libvirt" /var/log/libvirt
    mount --bind "$dir/var-cache-libvirt" /var/cache/libvirt

    # polkit: the real actions plus Vireo's policy; the real rules plus Vireo's rules.
    policy=$(policy_file)
    mkdir -p "$dir/polkit-actions" "$dir/polkit-rules"
    cp -a /usr/share/polkit-1/actions/. "$dir/polkit-actions/"
    cp "$policy" "$dir/polkit-actions/org.vireo.hypervisor1.policy"
    cp -a /usr/share/polkit-1/rules.d/. "$dir/polkit-rules/"
    cp "$REPO_ROOT/data/50-org.vireo.hypervisor1.rules" "$dir/polkit-rules/"
    chmod 0644 "$dir/polkit-actions/"* "$dir/polkit-rules/"*
    chmod 0755 "$dir/polkit-actions"
    chown --reference=/usr/share/polkit-1/rules.d "$dir/polkit-rules"
    chmod --reference=/usr/share/polkit-1/rules.d "$dir/polkit-rules"
    mount --bind "$dir/polkit-actions" /usr/share/polkit-1/actions
    mount --bind "$dir/polkit-rules" /usr/share/polkit-1/rules.d

    # D-Bus: the distribution's system bus configuration plus Vireo's bus policy.
    mkdir -p "$dir/dbus/system.d"
    cp "$REPO_ROOT/data/org.vireo.Hypervisor1.conf" "$dir/dbus/system.d/"
    cat >"$dir/dbus/system.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <include>/usr/share/dbus-1/system.conf</include>
  <includedir>$dir/dbus/system.d</includedir>
</busconfig>
EOF
    chmod -R a+rX "$dir/dbus"

    mkdir -p "$dir/work"
    chmod 1777 "$dir/work"

    # Control scripts for COMMAND.
    for d in start stop restart; do
        printf '#!/bin/sh\nexec %q --libvirtd %s "$@"\n' "$SANDBOX_SCRIPT" "$d" >"$dir/$d-libvirtd.sh"
    done
    printf '#!/bin/sh\nexec %q --libvirtd pid\n' "$SANDBOX_SCRIPT" >"$dir/libvirtd-pid.sh"
    chmod 0755 "$dir"/*.sh

    # --- network ------------------------------------------------------------------------
    ip link set lo up

    # --- daemons ------------------------------------------------------------------------
    unset DBUS_SYSTEM_BUS_ADDRESS DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR DISPLAY WAYLAND_DISPLAY
    # The daemons' messages, virsh's words, the helper's sentences: the same on every host.
    export LANG=C.UTF-8 LC_ALL=C.UTF-8
    unset LANGUAGE
    export VIREO_SANDBOX=1 VIREO_REPO_ROOT=$REPO_ROOT VIREO_BUILD_DIR
    export VIREO_SANDBOX_WORK=$dir/work
    # The helper's records (bridges it made): never the host's /var/lib/vireo.
    export VIREO_SANDBOX_STATE_DIR=$dir/var-lib-vireo
    mkdir -p "$VIREO_SANDBOX_STATE_DIR"

    dbus-daemon --config-file="$dir/dbus/system.conf" --nofork --nopidfile --nosyslog \
        </dev/null >"$logs/dbus-daemon.log" 2>&1 &
    wait_daemon $! "$logs/dbus-daemon.log" "$VIREO_SANDBOX_TIMEOUT" "dbus-daemon (pid $!) is ready" \
        gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.GetId || return 1

    /usr/lib/polkit-1/polkitd --no-debug </dev/null >"$logs/polkitd.log" 2>&1 &
    wait_daemon $! "$logs/polkitd.log" "$VIREO_SANDBOX_TIMEOUT" "polkitd (pid $!) is ready" \
        bus_name_owned org.freedesktop.PolicyKit1 || return 1

    virtlogd </dev/null >"$logs/virtlogd.log" 2>&1 &
    wait_daemon $! "$logs/virtlogd.log" "$VIREO_SANDBOX_TIMEOUT" "virtlogd (pid $!) is ready" \
        test -S /run/libvirt/virtlogd-sock || return 1

    libvirtd_start || return 1

    if [[ -n ${VIREO_HYPERVISOR:-} ]]; then
        local hv_pid hv_timeout=${VIREO_SANDBOX_HYPERVISOR_TIMEOUT:-20}
        [[ -x $VIREO_HYPERVISOR ]] || die "VIREO_HYPERVISOR=$VIREO_HYPERVISOR is not an executable"
        "$VIREO_HYPERVISOR" --system --accel="$VIREO_SANDBOX_ACCEL" --state-dir="$VIREO_SANDBOX_STATE_DIR" </dev/null >"$logs/vireo-hypervisor.log" 2>&1 &
        hv_pid=$!
        export VIREO_HYPERVISOR_PID=$hv_pid
        wait_daemon "$hv_pid" "$logs/vireo-hypervisor.log" "$hv_timeout" \
            "vireo-hypervisor (pid $hv_pid) owns org.vireo.Hypervisor1" \
            bus_name_owned org.vireo.Hypervisor1 || return 1
    fi

    # --- the command --------------------------------------------------------------------
    trap - ERR
    set +E
    log "running: $*"
    local status=0
    "$@" || status=$?
    return "$status"   # errexit then exits with it
}

# ---------------------------------------------------------------------------------------------
# Outside: prepares the per-run directories, enters the namespaces, cleans up.

outer_main() {
    local status=0 sandbox_dir log_dir keep_logs=${VIREO_SANDBOX_KEEP_LOGS:-0} own_log_dir=0
    [[ $EUID == 0 ]] || die "needs root"
    (($# > 0)) || die "usage: $0 COMMAND [ARGS...]"
    host_kind_check || exit 2
    case ${VIREO_SANDBOX_ACCEL:=tcg} in
    auto | tcg | kvm) export VIREO_SANDBOX_ACCEL ;;
    *) die "VIREO_SANDBOX_ACCEL=$VIREO_SANDBOX_ACCEL: use auto, tcg or kvm" ;;
    esac
    for t in unshare dbus-daemon gdbus libvirtd virtlogd virsh ip /usr/lib/polkit-1/polkitd; do
        command -v "$t" >/dev/null || die "missing $t"
    done

    sandbox_dir=$(mktemp -d /tmp/vireo-sandbox.XXXXXX)
    chmod 0755 "$sandbox_dir"
    if [[ -n ${VIREO_SANDBOX_LOG_DIR:-} ]]; then
        log_dir=$VIREO_SANDBOX_LOG_DIR
        mkdir -p "$log_dir"
        keep_logs=1
    else
        log_dir=$(mktemp -d /tmp/vireo-sandbox-log.XXXXXX)
        own_log_dir=1
    fi
    log_dir=$(readlink -f "$log_dir")
    chmod 0755 "$log_dir"

    local child=
    cleanup() {
        trap - EXIT INT TERM HUP
        if [[ -n $child ]] && kill -0 "$child" 2>/dev/null; then
            # Interrupted: unshare ignores SIGTERM and SIGINT, and the namespace's pid 1 ignores
            # signals it has no handler for. SIGKILL to that pid 1 ends every process in the
            # namespace; unshare then reaps it and exits.
            local init
            for init in $(ps -o pid= --ppid "$child"); do
                kill -KILL "$init" 2>/dev/null || true
            done
            wait "$child" 2>/dev/null || true
        fi
        rm -rf --one-file-system "$sandbox_dir"
        if ((status != 0)); then
            echo "sandbox: failed with status $status; daemon logs in $log_dir" >&2
        elif ((own_log_dir)) && [[ $keep_logs != 1 ]]; then
            rm -rf "$log_dir"
        else
            log "logs in $log_dir"
        fi
    }
    trap 'status=130; cleanup; exit 130' INT
    trap 'status=143; cleanup; exit 143' TERM HUP
    trap cleanup EXIT

    # --kill-child: should unshare die, pid 1 of the namespace gets SIGKILL, and with it every
    # process in the namespace. stdin is passed on explicitly (a background job's would be
    # /dev/null) so that an interactive COMMAND works.
    _VIREO_SANDBOX_INNER=1 VIREO_SANDBOX_DIR=$sandbox_dir VIREO_SANDBOX_LOG_DIR=$log_dir \
        VIREO_BUILD_DIR=$VIREO_BUILD_DIR \
        unshare --mount --net --pid --fork --mount-proc --propagation private --kill-child \
        "$SANDBOX_SCRIPT" "$@" <&0 &
    child=$!
    wait "$child" || status=$?
    child=
    exit "$status"
}

main() {
    if [[ ${1:-} == --libvirtd ]]; then
        shift
        libvirtd_ctl "$@"
    elif [[ ${_VIREO_SANDBOX_INNER:-} == 1 ]]; then
        unset _VIREO_SANDBOX_INNER
        [[ $$ == 1 ]] || die "inner part must run as pid 1 of a new pid namespace"
        inner_main "$@"   # under errexit: a failed step, or COMMAND's status, ends the script
    else
        outer_main "$@"
    fi
}

# One line, parsed before it runs: editing this file while a sandbox runs cannot derail it.
main "$@"; exit $?
