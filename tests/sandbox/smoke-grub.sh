#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# smoke-grub.sh OUTDIR [SECONDS]
#
# A manual check of the sandbox and the GRUB ISO, with virsh only (no Vireo):
#
#     tests/sandbox/sandbox.sh tests/sandbox/smoke-grub.sh /tmp/shots
#
# Builds the GRUB rescue ISO, `virsh create`s a transient TCG domain (type='qemu', q35, the ISO
# as a SATA cdrom, VNC and SPICE on 127.0.0.1 with autoport), takes a screenshot after SECONDS
# (default 8), types `echo hello` with `virsh send-key`, takes another, and destroys the
# domain. Look at OUTDIR/1-boot.png (a `grub>` prompt) and OUTDIR/2-typed.png (`hello` below
# `echo hello`).

set -euo pipefail

[[ ${VIREO_SANDBOX:-} == 1 ]] || { echo "$0: run me inside tests/sandbox/sandbox.sh" >&2; exit 2; }
(($# >= 1)) || { echo "usage: $0 OUTDIR [SECONDS]" >&2; exit 2; }
out=$1
wait_s=${2:-8}
here=$(dirname "$(readlink -f "$0")")
virsh=(virsh -q -c qemu:///system)
iso=$VIREO_SANDBOX_WORK/smoke-grub.iso
name=smoke-grub
mkdir -p "$out"

t0=$EPOCHREALTIME
elapsed() { awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f s", b-a}'; }

"$here/make-grub-iso.sh" "$iso"
echo "ISO built: $(elapsed)"

cat >"$VIREO_SANDBOX_WORK/$name.xml" <<EOF
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type><boot dev='cdrom'/></os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='$iso'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
    <graphics type='spice' autoport='yes' listen='127.0.0.1'/>
    <video><model type='qxl'/></video>
  </devices>
</domain>
EOF
trap '"${virsh[@]}" destroy "$name" >/dev/null 2>&1 || true' EXIT
"${virsh[@]}" create "$VIREO_SANDBOX_WORK/$name.xml" >/dev/null
echo "domain started: $(elapsed); displays: $("${virsh[@]}" domdisplay --all "$name" | tr '\n' ' ')"

sleep "$wait_s"
"${virsh[@]}" screenshot "$name" "$out/1-boot.png" >/dev/null   # QEMU writes PNG
echo "screenshot $out/1-boot.png: $(elapsed)"

"${virsh[@]}" send-key "$name" KEY_E KEY_C KEY_H KEY_O KEY_SPACE KEY_H KEY_E KEY_L KEY_L KEY_O KEY_ENTER
sleep 1
"${virsh[@]}" screenshot "$name" "$out/2-typed.png" >/dev/null
echo "screenshot $out/2-typed.png: $(elapsed)"
