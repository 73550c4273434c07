#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make-grub-iso.sh OUT.iso
#
# Builds a tiny BIOS-bootable GRUB rescue ISO (grub-mkrescue; grub-pc-bin, xorriso, mtools)
# that boots under TCG in a few seconds to an interactive `grub>` prompt reading the keyboard
# (PS/2 or USB keyboard, VGA text console), so that a test can type `echo hello` through a
# console and read `hello` back on screen. Nothing is downloaded. Needs no root.

set -euo pipefail

efi=0
if [[ ${1:-} == --efi ]]; then
    efi=1
    shift
fi
(($# == 1)) || { echo "usage: $0 [--efi] OUT.iso" >&2; exit 2; }
out=$1
platform_dir=/usr/lib/grub/i386-pc
for t in grub-mkrescue xorriso mformat; do
    command -v "$t" >/dev/null || { echo "$0: missing $t (apt-get install grub-pc-bin xorriso mtools)" >&2; exit 1; }
done
[[ -d $platform_dir ]] || { echo "$0: missing $platform_dir (apt-get install grub-pc-bin)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/root/boot/grub"
# No menu: no default entry means GRUB stops at its command line at once. The config only
# makes the console predictable (text mode, no pager, no timeout).
cat >"$tmp/root/boot/grub/grub.cfg" <<'EOF'
set pager=0
set timeout=-1
terminal_input console
terminal_output console
EOF

# i386-pc only (-d): no EFI images; no locales, fonts or themes; only the modules a prompt
# needs: an ISO of about 600 KB, built in under a second. With --efi, an x86_64 EFI image too
# (grub-efi-amd64-bin), for UEFI firmware.
if ((efi)); then
    [[ -d /usr/lib/grub/x86_64-efi ]] || { echo "$0: missing /usr/lib/grub/x86_64-efi (apt-get install grub-efi-amd64-bin)" >&2; exit 1; }
    platform_args=()
    modules="normal configfile echo ls cat test true reboot halt sleep minicmd part_msdos part_gpt iso9660"
else
    platform_args=(-d "$platform_dir")
    modules="normal configfile echo ls cat test true reboot halt sleep minicmd part_msdos part_gpt iso9660 biosdisk"
fi
grub-mkrescue "${platform_args[@]}" --locales= --fonts= --themes= --compress=xz \
    --install-modules="$modules" \
    -o "$tmp/out.iso" "$tmp/root" -- -volid VIREO_GRUB >"$tmp/log" 2>&1 || {
    cat "$tmp/log" >&2
    exit 1
}
chmod 0644 "$tmp/out.iso"
mv -f "$tmp/out.iso" "$out"
