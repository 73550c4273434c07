#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make-linux-iso.sh OUT.iso
#
# Builds a small BIOS-bootable Linux ISO for tests that need an OS behind the serial console
# (docs/ARCHITECTURE.md, "Tests"): Debian's kernel (linux-image-amd64, as installed in /boot) and an
# initramfs of busybox-static alone, booted by GRUB (grub-mkrescue; grub-pc-bin, xorriso,
# mtools) with `console=ttyS0`. The initramfs's /init mounts /proc, /sys and /dev, prints
#
#     VIREO-LINUX-READY
#
# on /dev/console (the serial line) and runs a shell there. No kernel modules: Debian's kernel
# has the 8250 serial driver, devtmpfs and gzip initramfs support built in. About 10 MB; under
# TCG it reaches the shell in about a minute. Nothing is downloaded. Needs no root.
#
# The kernel: the newest /boot/vmlinuz-VERSION that can boot this ISO, not simply the newest
# one. /boot may hold kernels that cannot: a custom or cloud build without the 8250 serial
# console or devtmpfs built in, a kernel of another architecture, or one left behind by a
# removed package. So a kernel is taken only when /boot/config-VERSION (its build
# configuration, shipped beside every Debian kernel) says the options below are built in
# (=y, not =m: the initramfs has no modules), and /lib/modules/VERSION exists (its package is
# installed, not a leftover). The kernel this machine runs is never needed.
#
# An installer, for express installation's tests: with VIREO_LINUX_VOLID set to a Debian
# medium's volume id, the kernel and initramfs are also where Debian's installer has them
# (install.amd/vmlinuz, install.amd/initrd.gz), and /init, finding a /preseed.cfg appended to
# its initramfs (as the helper injects it), says so on the first serial line,
#
#     VIREO-PRESEED-FOUND <its host name line>
#
# and reboots at once, as an installer does when it is done.
#
# An installation tree, for --location's tests: with VIREO_LINUX_TREE=DIR, the kernel and the
# initramfs also go into DIR as a Fedora 37 tree has them (.treeinfo, images/pxeboot/), and
# /init, booted with Anaconda's inst.repo= on its command line, prints VIREO-TREE-BOOTED on
# the first serial line and reboots.
#
# Environment: VIREO_LINUX_KERNEL   the kernel image (default: chosen as above; no check)
#              VIREO_LINUX_CMDLINE  extra kernel arguments (default: quiet)
#              VIREO_LINUX_VOLID    the ISO's volume id (default: VIREO_LINUX)

set -euo pipefail

(($# == 1)) || { echo "usage: $0 OUT.iso" >&2; exit 2; }
out=$1
platform_dir=/usr/lib/grub/i386-pc
busybox=/bin/busybox
need="apt-get install linux-image-amd64 busybox-static cpio grub-pc-bin xorriso mtools"

for t in grub-mkrescue xorriso mformat cpio gzip; do
    command -v "$t" >/dev/null || { echo "$0: missing $t ($need)" >&2; exit 1; }
done
[[ -d $platform_dir ]] || { echo "$0: missing $platform_dir ($need)" >&2; exit 1; }
# busybox-static's binary; the dynamically linked one (package busybox) would need libc
# (no PT_INTERP program header).
is_static() {
    python3 - "$1" <<'PY'
import struct, sys
with open(sys.argv[1], "rb") as f:
    elf = f.read(65536)
phoff, = struct.unpack_from("<Q", elf, 0x20)
phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
sys.exit(any(struct.unpack_from("<I", elf, phoff + i * phentsize)[0] == 3 for i in range(phnum)))
PY
}
if ! [[ -x $busybox ]] || ! is_static "$busybox"; then
    echo "$0: missing a static $busybox ($need)" >&2
    exit 1
fi
# What /init and the boot need built in: a 64-bit kernel, an initramfs (gzip, a #! script as
# /init), devtmpfs, /proc and /sys, and the console on the 8250 serial line.
REQUIRED_CONFIG="CONFIG_X86_64 CONFIG_BLK_DEV_INITRD CONFIG_RD_GZIP CONFIG_BINFMT_SCRIPT
    CONFIG_DEVTMPFS CONFIG_PROC_FS CONFIG_SYSFS CONFIG_TTY CONFIG_SERIAL_8250
    CONFIG_SERIAL_8250_CONSOLE"

# kernel_unfit VERSION: why /boot/vmlinuz-VERSION cannot boot this ISO; nothing when it can.
kernel_unfit() {
    local version=$1 option missing=""
    [[ -r /boot/vmlinuz-$version ]] || { echo "not readable"; return; }
    [[ -d /lib/modules/$version ]] || { echo "no /lib/modules/$version (no installed package)"; return; }
    [[ -r /boot/config-$version ]] || { echo "no /boot/config-$version"; return; }
    for option in $REQUIRED_CONFIG; do
        grep -qx "$option=y" "/boot/config-$version" || missing="$missing $option"
    done
    [[ -z $missing ]] || echo "not built in:$missing"
}

kernel=${VIREO_LINUX_KERNEL:-}
if [[ -z $kernel ]]; then
    rejected=""
    while read -r version; do
        [[ -n $version ]] || continue
        why=$(kernel_unfit "$version")
        if [[ -z $why ]]; then
            kernel=/boot/vmlinuz-$version
            break
        fi
        rejected="$rejected
  /boot/vmlinuz-$version: $why"
    done < <(find /boot -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' 2>/dev/null | sed 's/^vmlinuz-//' | sort -V -r)
    if [[ -z $kernel ]]; then
        echo "$0: no kernel in /boot can boot the test ISO ($need)${rejected:-; there is none}" >&2
        exit 1
    fi
fi
[[ -r $kernel ]] || { echo "$0: cannot read the kernel $kernel" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The initramfs: busybox, its applets as links, and /init.
rootfs=$tmp/initramfs
mkdir -p "$rootfs"/{bin,sbin,dev,proc,sys,tmp,root,etc}
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
    [[ $applet == busybox || -e $rootfs/bin/$applet ]] || ln -s busybox "$rootfs/bin/$applet"
done
cat >"$rootfs/init" <<'EOF'
#!/bin/busybox sh
# No /dev/console node in the archive (making one needs root): the kernel starts /init without
# a console, so mount devtmpfs first and take the console from it.
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
export PATH=/bin:/sbin HOME=/root TERM=vt100 PS1='vireo# '
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# Booted as an installer with a script injected: the kernel's command line is the script's,
# with no console=, so the serial line is written directly.
if grep -q inst.repo= /proc/cmdline; then
    echo "VIREO-TREE-BOOTED $(cat /proc/cmdline)" >/dev/ttyS0
    sleep 1
    reboot -f
fi
if [ -f /preseed.cfg ]; then
    echo "VIREO-PRESEED-FOUND $(grep -m1 get_hostname /preseed.cfg)" >/dev/ttyS0
    sleep 1
    reboot -f
fi
echo
echo "VIREO-LINUX-READY $(uname -r)"
# A shell on the console with it as its controlling tty (so ^C works); again if it exits.
while :; do
    setsid cttyhack sh -l
done
EOF
chmod 0755 "$rootfs/init"
mkdir -p "$tmp/iso/boot/grub"
(cd "$rootfs" && find . -print0 | LC_ALL=C sort -z |
    cpio --null --create --format=newc --owner=0:0 --quiet) | gzip -9 >"$tmp/iso/boot/initrd.gz"
cp "$kernel" "$tmp/iso/boot/vmlinuz"
if [[ -n ${VIREO_LINUX_TREE:-} ]]; then
    mkdir -p "$VIREO_LINUX_TREE/images/pxeboot"
    cp "$tmp/iso/boot/vmlinuz" "$VIREO_LINUX_TREE/images/pxeboot/vmlinuz"
    cp "$tmp/iso/boot/initrd.gz" "$VIREO_LINUX_TREE/images/pxeboot/initrd.img"
    printf '[general]\nfamily = Fedora\nversion = 37\narch = x86_64\nvariant = Server\n\n[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n' \
        >"$VIREO_LINUX_TREE/.treeinfo"
fi
if [[ -n ${VIREO_LINUX_VOLID:-} ]]; then
    mkdir -p "$tmp/iso/install.amd"
    cp "$tmp/iso/boot/vmlinuz" "$tmp/iso/install.amd/vmlinuz"
    cp "$tmp/iso/boot/initrd.gz" "$tmp/iso/install.amd/initrd.gz"
fi

# GRUB boots the one entry at once; its own menu stays on the VGA screen, the kernel's console
# is the serial line.
cat >"$tmp/iso/boot/grub/grub.cfg" <<EOF
set timeout=0
set default=0
terminal_input console
terminal_output console
menuentry "Vireo test Linux" {
    linux /boot/vmlinuz console=ttyS0,115200 panic=-1 ${VIREO_LINUX_CMDLINE-quiet}
    initrd /boot/initrd.gz
}
EOF

grub-mkrescue -d "$platform_dir" --locales= --fonts= --themes= --compress=xz \
    --install-modules="normal configfile linux echo test sleep minicmd" \
    -o "$tmp/out.iso" "$tmp/iso" -- -volid "${VIREO_LINUX_VOLID:-VIREO_LINUX}" >"$tmp/log" 2>&1 || {
    cat "$tmp/log" >&2
    exit 1
}
chmod 0644 "$tmp/out.iso"
mv -f "$tmp/out.iso" "$out"
