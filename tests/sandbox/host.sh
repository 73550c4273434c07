# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by sandbox.sh and as-host.sh, never run: makes the current (private) mount namespace
# look like another kind of host, so that the suites run here as they would there.
#
# VIREO_SANDBOX_HOST picks the kind:
#   real       what this machine has (default)
#   no-kvm     no /dev/kvm, no kvm module in /sys/module: a machine without hardware
#              virtualization, or a VM without nested virtualization
#   kvm-intel  /dev/kvm, and kvm plus kvm_intel in /sys/module
#   kvm-amd    /dev/kvm, and kvm plus kvm_amd in /sys/module
#   kvm-pvm    /dev/kvm, and kvm plus kvm_pvm in /sys/module (a /dev/kvm that runs SeaBIOS,
#              then hangs an ordinary guest: what the helper must not pick)
#
# What is faked, and how (the host is never touched: everything is mounted in the caller's
# private mount namespace, and goes away with it):
#   /dev         a private tmpfs with copies of the host's nodes and symlinks, its /dev/pts
#                (and any other mount below /dev) bound in, a /dev/shm of its own, and
#                /dev/kvm only for kinds that have one. That /dev/kvm is a copy of the host's
#                node (root:kvm 0660, as udev makes it, whatever the host's mode) when the host
#                has one; on a host without it, a kvm-* kind gets a stand-in: a node with
#                /dev/null's numbers, root:root 0600. The helper (root) can open it, so it sees
#                a usable /dev/kvm as it would there; libvirtd finds it unusable by its qemu
#                user, and QEMU finds no KVM behind it when libvirtd probes it, so libvirtd
#                never re-probes and guests run under TCG.
#   /sys/module  (only for kinds other than real) a tmpfs with a symlink to each of the host's
#                modules but kvm and kvm_*, and empty directories for the kvm modules of the
#                kind. Only the names matter: the helper looks for /sys/module/kvm_intel,
#                kvm_amd or another kvm_* (hypervisor/vireo-host.c).
# Exported: VIREO_SANDBOX_HOST (checked), VIREO_SANDBOX_KVM_DEVICE: "host" (a copy of the
# host's node), "stand-in" (the file above) or "none".
#
# Needs root, and a private mount namespace (unshare --mount --propagation private).

# shellcheck shell=bash

HOST_KINDS="real no-kvm kvm-intel kvm-amd kvm-pvm"

# host_kind_check: normalizes and checks VIREO_SANDBOX_HOST; prints an error and returns 1 for
# a kind it does not know.
host_kind_check() {
    : "${VIREO_SANDBOX_HOST:=real}"
    case " $HOST_KINDS " in
    *" $VIREO_SANDBOX_HOST "*) export VIREO_SANDBOX_HOST ;;
    *)
        echo "VIREO_SANDBOX_HOST=$VIREO_SANDBOX_HOST is no kind of host I know: use one of $HOST_KINDS" >&2
        return 1
        ;;
    esac
}

# host_kvm_modules KIND: the kvm modules /sys/module shows on KIND (nothing for real).
host_kvm_modules() {
    case $1 in
    no-kvm) echo "" ;;
    kvm-intel) echo "kvm kvm_intel" ;;
    kvm-amd) echo "kvm kvm_amd" ;;
    kvm-pvm) echo "kvm kvm_pvm" ;;
    *) echo "" ;;
    esac
}

# host_make_dev WORKDIR: replaces /dev with a private copy for VIREO_SANDBOX_HOST's kind.
host_make_dev() {
    local work=$1 dev=$1/dev target major minor want_kvm=1
    [[ $VIREO_SANDBOX_HOST == no-kvm ]] && want_kvm=0
    [[ $VIREO_SANDBOX_HOST == real && ! -e /dev/kvm ]] && want_kvm=0

    mkdir -p "$dev"
    # Not nodev: it holds device nodes.
    mount -t tmpfs -o mode=0755,nosuid,size=16m tmpfs "$dev"
    # Nodes, symlinks and directories of the devtmpfs itself; -x stops at the mounts below it.
    cp -ax /dev/. "$dev/"
    rm -f "$dev/kvm"
    # The mounts below /dev (pts, mqueue, hugepages, ...), but /dev/shm: one of its own.
    findmnt -rn -o TARGET --submounts /dev | sort -u | while read -r target; do
        case $target in
        /dev | /dev/shm | /dev/shm/*) continue ;;
        esac
        mkdir -p "$dev${target#/dev}"
        mount --rbind "$target" "$dev${target#/dev}"
    done
    mkdir -p "$dev/shm"
    mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$dev/shm"

    if ((want_kvm)) && [[ -c /dev/kvm ]]; then
        major=$((16#$(stat -c %t /dev/kvm)))
        minor=$((16#$(stat -c %T /dev/kvm)))
        mknod -m 0660 "$dev/kvm" c "$major" "$minor"
        # (sandbox.sh has made group kvm by now; as-host.sh uses the host's, if any)
        if getent group kvm >/dev/null; then chown root:kvm "$dev/kvm"; fi
        VIREO_SANDBOX_KVM_DEVICE=host
    elif ((want_kvm)); then
        # /dev/null's numbers: a device node (libvirt gives each guest's private /dev a copy of
        # /dev/kvm, and refuses a plain file there), root-only.
        mknod -m 0600 "$dev/kvm" c 1 3
        VIREO_SANDBOX_KVM_DEVICE=stand-in
    else
        VIREO_SANDBOX_KVM_DEVICE=none
    fi
    export VIREO_SANDBOX_KVM_DEVICE
    # The old /dev goes (lazily: open files stay valid), so that /proc/mounts, which libvirtd
    # reads to build each guest's own /dev, shows only the new one.
    umount -R -l /dev
    mount --move "$dev" /dev
}

# host_fake_sys_module WORKDIR: for a kind other than real, replaces /sys/module with one that
# lists the kind's kvm modules instead of the host's.
host_fake_sys_module() {
    local work=$1 m
    [[ $VIREO_SANDBOX_HOST == real ]] && return 0
    mkdir -p "$work/sys-module-host"
    mount --bind /sys/module "$work/sys-module-host"
    mount -t tmpfs -o mode=0755,nosuid,nodev,noexec tmpfs /sys/module
    ln -s "$work/sys-module-host/"* /sys/module/
    rm -f /sys/module/kvm /sys/module/kvm_*
    for m in $(host_kvm_modules "$VIREO_SANDBOX_HOST"); do
        mkdir -p "/sys/module/$m/parameters"
    done
}

# host_describe: one line on what this namespace looks like, for logs.
host_describe() {
    local kvm=none mods="" m
    if [[ -e /dev/kvm ]]; then kvm=$(stat -c '%F %U:%G %a' /dev/kvm); fi
    for m in /sys/module/kvm /sys/module/kvm_*; do
        if [[ -e $m ]]; then mods+=" ${m##*/}"; fi
    done
    echo "host kind $VIREO_SANDBOX_HOST: /dev/kvm: $kvm (${VIREO_SANDBOX_KVM_DEVICE:-?}); kvm modules:${mods:- none}"
}
