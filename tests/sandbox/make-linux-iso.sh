#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make-linux-iso.sh OUT.iso
#
# Builds a small BIOS-bootable Linux ISO for tests that need an OS behind the serial console
# (ARCHITECTURE.md, "Tests"): Debian's kernel (linux-image-amd64, as installed in /boot) and an
# initramfs of busybox-static alone, booted by GRUB (grub-mkrescue; grub-pc-bin, xorriso,
# mtools) with `console=ttyS0`. The initramfs's /init mounts /proc, /sys and /dev, prints
#
#     VIREO-LINUX-READY
#
# on /dev/console (the serial line) and runs a shell there. No kernel modules: Debian's kernel
# has the 8250 serial driver, devtmpfs and gzip initramfs support built in. About 10 MB; under
# TCG it reaches the shell in about a minute. Nothing is downloaded. Needs no root.
#
# Environment: VIREO_LINUX_KERNEL   the kernel image (default: the newest /boot/vmlinuz-*)
#              VIREO_LINUX_CMDLINE  extra kernel arguments (default: quiet)

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
kernel=${VIREO_LINUX_KERNEL:-}
if [[ -z $kernel ]]; then
    kernel=$(find /boot -maxdepth 1 -name 'vmlinuz-*' -readable 2>/dev/null | sort -V | tail -n 1)
fi
[[ -n $kernel && -r $kernel ]] || { echo "$0: no readable kernel in /boot ($need)" >&2; exit 1; }

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
    -o "$tmp/out.iso" "$tmp/iso" -- -volid VIREO_LINUX >"$tmp/log" 2>&1 || {
    cat "$tmp/log" >&2
    exit 1
}
chmod 0644 "$tmp/out.iso"
mv -f "$tmp/out.iso" "$out"
