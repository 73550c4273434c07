# Shared by run.sh and test.sh: the Debian packages Vireo needs, and the system services it
# talks to. Sourced, not run.
# SPDX-License-Identifier: GPL-3.0-or-later

BUILD_PACKAGES="meson ninja-build pkg-config gcc gettext libglib2.0-dev libglib2.0-bin
  libpolkit-gobject-1-dev libpolkit-agent-1-dev libjson-glib-dev libxml2-dev libarchive-dev libsoup-3.0-dev libvirt-dev libvirt-glib-1.0-dev libosinfo-1.0-dev libxml2-utils
  libgtk-4-dev libadwaita-1-dev desktop-file-utils appstream libglib-testing-0-dev
  libspice-client-glib-2.0-dev libgvnc-1.0-dev libvte-2.91-gtk4-dev libepoxy-dev libxi-dev"
RUNTIME_PACKAGES="dbus dbus-daemon dbus-x11 at-spi2-core adwaita-icon-theme polkitd libvirt-daemon-system libvirt-daemon-driver-qemu
  libvirt-clients qemu-system-x86 qemu-utils ovmf swtpm swtpm-tools dnsmasq-base iproute2 util-linux"
TEST_PACKAGES="python3-gi python3-dbusmock python3-dogtail gir1.2-atspi-2.0 xvfb xauth xdotool imagemagick grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools
  libvirt-dbus linux-image-amd64 busybox-static cpio libgl1-mesa-dri libegl-mesa0 libglx-mesa0
  network-manager udev"

die() {
    echo "$0: $*" >&2
    exit 1
}

require_root() {
    [ "$(id -u)" = 0 ] || die "run me as root: I install Debian packages and start libvirtd"
}

# Installs whatever of the given packages is missing, with one apt-get call.
install_packages() {
    local missing="" p
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "Installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null || die "apt-get update failed"
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >/dev/null || die "apt-get install failed:$missing"
}

# Configures and builds into $1 with the remaining arguments for meson setup. An existing
# build dir is configured again every time: it may predate a package installed since (a
# program or module found missing then stays missing for meson until it looks again).
build_tree() {
    local dir=$1
    shift
    if [ -f "$dir/build.ninja" ]; then
        set -- --reconfigure "$@"
    fi
    meson setup "$@" "$dir" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; die "meson setup $dir failed"; }
    ninja -C "$dir" >"$dir.ninja.log" 2>&1 || { tail -50 "$dir.ninja.log"; die "build in $dir failed"; }
}
