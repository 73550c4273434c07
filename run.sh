#!/bin/bash
# Installs what Vireo needs, builds it, brings up what it talks to (system D-Bus, polkitd,
# virtlogd, libvirtd, the vireo-hypervisor helper) where none is running, then starts Vireo's
# window (or, with no display, lists the machines on the terminal).
# Run as root on Debian 12.
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
cd "$(dirname "$(readlink -f "$0")")" || exit 1
. .ci/common.sh

require_root
install_packages $BUILD_PACKAGES $RUNTIME_PACKAGES
build_tree build

LOG_DIR=/var/log/vireo
mkdir -p "$LOG_DIR"

bus_call() {
    dbus-send --system --print-reply --reply-timeout=2000 --dest=org.freedesktop.DBus \
        /org/freedesktop/DBus "org.freedesktop.DBus.$1" ${2:+"$2"}
}
name_has_owner() {
    bus_call NameHasOwner "string:$1" 2>/dev/null | grep -q "boolean true"
}
# wait_for SECONDS WHAT COMMAND...
wait_for() {
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || die "$what did not come up; see $LOG_DIR"
        sleep 0.1
    done
}

# /dev/kvm for libvirt's qemu user (Debian's libvirt-qemu is in group kvm). Whether KVM is
# really used is the helper's decision: it says why in its log and on the bus.
if [ -e /dev/kvm ]; then
    getent group kvm >/dev/null && chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
fi

# The helper's bus policy and polkit files, where the system bus and polkitd read them.
install -m 0644 data/org.vireo.Hypervisor1.conf /usr/share/dbus-1/system.d/
install -m 0644 build/data/org.vireo.hypervisor1.policy /usr/share/polkit-1/actions/
install -d /usr/share/polkit-1/rules.d
install -m 0644 data/50-org.vireo.hypervisor1.rules /usr/share/polkit-1/rules.d/

if bus_call GetId >/dev/null 2>&1; then
    bus_call ReloadConfig >/dev/null 2>&1 || true
else
    echo "Starting the system D-Bus"
    mkdir -p /run/dbus
    rm -f /run/dbus/pid
    dbus-daemon --system --fork || die "cannot start the system dbus-daemon"
    wait_for 10 "the system D-Bus" bus_call GetId
fi

if ! name_has_owner org.freedesktop.PolicyKit1; then
    echo "Starting polkitd"
    nohup /usr/lib/polkit-1/polkitd --no-debug >"$LOG_DIR/polkitd.log" 2>&1 &
    wait_for 15 polkitd name_has_owner org.freedesktop.PolicyKit1
fi

if ! [ -S /run/libvirt/virtlogd-sock ]; then
    echo "Starting virtlogd"
    virtlogd -d || die "cannot start virtlogd"
    wait_for 10 virtlogd test -S /run/libvirt/virtlogd-sock
fi

if ! virsh -q -c qemu:///system version >/dev/null 2>&1; then
    echo "Starting libvirtd"
    libvirtd -d || die "cannot start libvirtd"
    wait_for 30 libvirtd virsh -q -c qemu:///system version
fi

# The helper just built replaces any older one.
echo "Starting vireo-hypervisor (log: $LOG_DIR/vireo-hypervisor.log)"
nohup build/hypervisor/vireo-hypervisor --system --replace >"$LOG_DIR/vireo-hypervisor.log" 2>&1 &
wait_for 20 vireo-hypervisor name_has_owner org.vireo.Hypervisor1

# What the helper sees, on the terminal too.
build/app/vireoctl list || true

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo
    echo "No display here: start the window from your desktop session with"
    echo "  GSETTINGS_SCHEMA_DIR=$PWD/build/data $PWD/build/app/vireo"
    exit 0
fi

# The window runs as the desktop user, never as root, when there is one (sudo ./run.sh).
export GSETTINGS_SCHEMA_DIR=$PWD/build/data
if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
    exec runuser -u "$SUDO_USER" -- env GSETTINGS_SCHEMA_DIR="$GSETTINGS_SCHEMA_DIR" \
        ${DISPLAY:+DISPLAY=$DISPLAY} ${WAYLAND_DISPLAY:+WAYLAND_DISPLAY=$WAYLAND_DISPLAY} \
        ${XAUTHORITY:+XAUTHORITY=$XAUTHORITY} ${XDG_RUNTIME_DIR:+XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR} \
        build/app/vireo
fi
exec build/app/vireo
