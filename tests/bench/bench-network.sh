#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-network.sh: a benchmark, not a test. Inside tests/sandbox/sandbox.sh (its own network
# namespace: nothing reaches the host's), two things:
#   - a NAT network made and started: `vireoctl network create` (the helper builds the XML,
#     checks the subnets, defines and starts it) against `virsh "net-define FILE; net-start
#     NAME"` (one virsh process, the same XML as Vireo's network, read back with net-dumpxml
#     without its UUID and MAC), each a whole process from exec to exit; the network deleted
#     after each run; RUNS of each, alternating, after one untimed warm-up of each;
#   - a DHCP lease's way to the Machine's Nics: a TCG guest boots from a new NAT network
#     (SeaBIOS's iPXE asks its dnsmasq); the time from the lease's appearance in libvirt's
#     status file (/var/lib/libvirt/dnsmasq/<bridge>.status, read every 2 ms) to the
#     PropertiesChanged that brings the address in Nics; LEASE_RUNS guests, each on a new
#     network (a new MAC, no old lease).
#
# Usage: sudo tests/bench/bench-network.sh [OPTIONS]
#   --runs=N         timed network runs of each (default 7)
#   --lease-runs=N   guests for the lease delay (default 3)
#   --verbose        print every run, and the sandbox's messages
#
# Environment: VIREOCTL (default <repo>/build/app/vireoctl), VIREO_HYPERVISOR (default
# <repo>/build/hypervisor/vireo-hypervisor).
#
# The last two lines printed are
#   network: create+start vireo X s, virsh Y s, ratio R
#   lease→Vireo: Z s
# (medians; ratio = vireo / virsh; Z the median delay from the status file to Nics).

set -uo pipefail

BENCH_NAME=bench-network
# shellcheck source=common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"
VIREOCTL=${VIREOCTL:-$REPO_ROOT/build/app/vireoctl}
VIREO_HYPERVISOR=${VIREO_HYPERVISOR:-$REPO_ROOT/build/hypervisor/vireo-hypervisor}

RUNS=7
LEASE_RUNS=3
VERBOSE=0
NET=bench-net
NET_IPV4=10.77.60.1/24       # inside the sandbox only
LEASE_NET=bench-lease
LEASE_IPV4=10.77.61.1/24

WORK=
cleanup() {
    virsh -q net-destroy "$NET" >/dev/null 2>&1 || true
    virsh -q net-undefine "$NET" >/dev/null 2>&1 || true
    [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
}

# seconds COMMAND...: runs COMMAND (output discarded) and prints how long it took, in s.
seconds() {
    local t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || die "$* failed"
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f\n", b - a }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ctl() { "$VIREOCTL" --no-user-interaction "$@"; }

vireo_run() {
    seconds ctl network create "$NET" --mode nat --ipv4 "$NET_IPV4"
    ctl network delete "$NET" >/dev/null || die "vireoctl network delete failed"
}

virsh_run() {
    seconds virsh -q -c qemu:///system "net-define $WORK/net.xml; net-start $NET"
    virsh -q net-destroy "$NET" >/dev/null && virsh -q net-undefine "$NET" >/dev/null || die "virsh could not remove $NET"
}

# The lease's delay, measured by a D-Bus client (Python, GLib): prints one delay per guest.
lease_probe() {
    "$PY" - "$VIREOCTL" "$LEASE_RUNS" "$LEASE_NET" "$LEASE_IPV4" <<'EOF'
import json
import subprocess
import sys
import time

import gi
gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

vireoctl, runs, net, ipv4 = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
seen = []   # (monotonic time of dispatch, path, Nics)


def on_props(conn, sender, path, iface, signal, params):
    changed_iface, changed, _ = params.unpack()
    if changed_iface == "org.vireo.Hypervisor1.Machine" and "Nics" in changed:
        seen.append((time.monotonic(), path, changed["Nics"]))


bus.signal_subscribe("org.vireo.Hypervisor1", "org.freedesktop.DBus.Properties", "PropertiesChanged",
                     None, None, Gio.DBusSignalFlags.NONE, on_props)
ctx = GLib.MainContext.default()


def ctl(*args):
    return subprocess.run([vireoctl, "--no-user-interaction", *args], check=True, capture_output=True,
                          text=True, timeout=120).stdout


for run in range(runs):
    ctl("network", "create", net, "--mode", "nat", "--ipv4", ipv4)
    bridge = json.loads(ctl("--json", "network", "info", net))["bridge"]
    status = f"/var/lib/libvirt/dnsmasq/{bridge}.status"
    ctl("create", "--name", "bench-pxe", "--pxe", "--network", net, "--disk-size", "0", "--memory", "128",
        "--vcpus", "1", "--no-start")
    mac = json.loads(ctl("--json", "nic", "list", "bench-pxe"))[0]["mac"]
    path = "/org/vireo/Hypervisor1/machines/" + Gio.dbus_escape_object_path(
        json.loads(ctl("--json", "info", "bench-pxe"))["uuid"])
    del seen[:]
    ctl("start", "bench-pxe")
    t0 = time.monotonic()
    t_file = t_nics = None
    while t_file is None or t_nics is None:
        while ctx.pending():
            ctx.iteration(False)
        now = time.monotonic()
        if t_file is None:
            try:
                with open(status) as f:
                    if mac in f.read():
                        t_file = now
            except FileNotFoundError:
                pass
        if t_nics is None:
            for when, p, nics in seen:
                if p == path and any(n[0] == mac and n[5] for n in nics):
                    t_nics = when
                    break
        if now - t0 > 120:
            sys.exit(f"no lease for {mac} after 120 s (file: {t_file}, Nics: {t_nics})")
        time.sleep(0.002)
    print(f"{max(0.0, t_nics - t_file):.4f} {t_file - t0:.1f}", flush=True)
    ctl("force-off", "bench-pxe")
    ctl("delete", "bench-pxe")
    ctl("network", "delete", net)
EOF
}

inside() {
    WORK=$(mktemp -d /tmp/bench-network.XXXXXX)
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    wait_for 30 "the helper to connect to libvirtd" \
        bash -c "'$VIREOCTL' --json host 2>/dev/null | grep -q '\"connected\" : true'" || die "the helper did not connect"

    # The XML Vireo makes, for virsh: without its UUID and MAC, which virsh then makes up.
    ctl network create "$NET" --mode nat --ipv4 "$NET_IPV4" >/dev/null || die "vireoctl network create failed"
    virsh -q net-dumpxml --inactive "$NET" | sed -e '/<uuid>/d' -e '/<mac address=/d' >"$WORK/net.xml"
    ctl network delete "$NET" >/dev/null || die "vireoctl network delete failed"
    ((VERBOSE)) && note "the network's XML: $(tr -d '\n' <"$WORK/net.xml")"

    vireo_run >/dev/null
    virsh_run >/dev/null
    : >"$WORK/vireo" && : >"$WORK/virsh"
    local r a b
    for ((r = 1; r <= RUNS; r++)); do
        if ((r % 2)); then
            a=$(vireo_run) b=$(virsh_run)
        else
            b=$(virsh_run) a=$(vireo_run)
        fi
        echo "$a" >>"$WORK/vireo"
        echo "$b" >>"$WORK/virsh"
        ((VERBOSE)) && note "run $r: vireo $a s, virsh $b s"
    done

    lease_probe >"$WORK/lease" || die "the lease probe failed"
    ((VERBOSE)) && note "lease delays (s, and the lease's time after start): $(tr '\n' ' ' <"$WORK/lease")"

    a=$(median <"$WORK/vireo") b=$(median <"$WORK/virsh")
    echo "bench-network: $(nproc) CPUs; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "  runs, vireo (s): $(tr '\n' ' ' <"$WORK/vireo")"
    echo "  runs, virsh (s): $(tr '\n' ' ' <"$WORK/virsh")"
    echo "  leases, status file → Nics (s; the lease's time after start): $(awk '{ printf "%s (%s s) ", $1, $2 }' "$WORK/lease")"
    awk -v a="$a" -v b="$b" 'BEGIN { printf "network: create+start vireo %.3f s, virsh %.3f s, ratio %.2f\n", a, b, a / b }'
    awk '{ print $1 }' "$WORK/lease" | median | awk '{ printf "lease→Vireo: %.3f s\n", $1 }'
}

main() {
    if bench_inside_sandbox "$@"; then
        shift
        bench_parse_args --runs=RUNS --lease-runs=LEASE_RUNS --verbose:VERBOSE=1 -- "$@"
        inside
        return
    fi
    bench_parse_args --runs=RUNS --lease-runs=LEASE_RUNS --verbose:VERBOSE=1 -- "$@"
    [[ $RUNS =~ ^[1-9][0-9]*$ && $LEASE_RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs and --lease-runs take numbers"
    [[ $(id -u) == 0 ]] || die "run me as root: the sandbox needs it"
    [[ -x $VIREOCTL && -x $VIREO_HYPERVISOR ]] || die "build first: ninja -C $REPO_ROOT/build"
    command -v virsh >/dev/null || die "virsh is missing (libvirt-clients)"
    export VIREOCTL VIREO_HYPERVISOR VERBOSE
    local -a args=(--runs="$RUNS" --lease-runs="$LEASE_RUNS")
    ((VERBOSE)) && args+=(--verbose)
    bench_in_sandbox "${args[@]}"
}

main "$@"
