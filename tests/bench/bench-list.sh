#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-list.sh: a benchmark, not a test. How long does a D-Bus client take to learn the name,
# state, vCPU count and memory of every one of 1000 machines, through vireo-hypervisor (one
# GetManagedObjects call) and through Debian's libvirt-dbus (ListDomains, then calls per
# domain, pipelined; and its one-call GetAllDomainStats)? Needs root.
#
# Usage: tests/bench/bench-list.sh [OPTIONS]
#   --mode=all|qemu|test   qemu: inside tests/sandbox/sandbox.sh, 1000 machines defined on its
#                          qemu:///system, a few of them running under TCG, both services on its
#                          system bus. test: vireo-hypervisor alone, on a private dbus-daemon,
#                          against test:///<generated 1000-machine fixture>. all (default): test,
#                          then qemu.
#   --machines=N           machines (default 1000)
#   --running=N            of them started under TCG (default 4) ...
#   --paused=N             ... and then paused (default 1; started first, so 5 QEMUs in all)
#   --runs=N               timed runs per method (default 7)
#   --window=N             per-domain calls in flight at once (default 120; the system bus
#                          allows 128 pending replies per connection)
#   --compare=fastest|per-domain|all-stats
#                          which libvirt-dbus median the last line uses (default per-domain:
#                          ListDomains then each domain's properties, the way the issue names;
#                          the lines before it give the ratio against both ways)
#   --libvirt-dbus-threads=N  libvirt-dbus --threads (default: its own default, 4)
#   --verbose              print each run and the sandbox's progress
#
# Environment: VIREO_HYPERVISOR (default <repo>/build/hypervisor/vireo-hypervisor); when it is
# missing, only libvirt-dbus is measured. CC (default cc).
#
# The last line printed is
#   N machines: vireo X.X ms, libvirt-dbus Y.Y ms, ratio Z.ZZ
# (ratio = vireo / libvirt-dbus; medians).

set -euo pipefail

BENCH_NAME=bench-list
# shellcheck source=common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"

MODE=all
MACHINES=1000
RUNNING=4
PAUSED=1
RUNS=7
WINDOW=120
COMPARE=per-domain
LDBUS_THREADS=
VERBOSE=0

name_owned() { # name_owned BUSARGS... NAME
    local name=${*: -1}
    gdbus call "${@:1:$#-1}" --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.NameHasOwner "$name" 2>/dev/null | grep -q true
}

parse_args() {
    bench_parse_args --mode=MODE --machines=MACHINES --running=RUNNING --paused=PAUSED \
        --runs=RUNS --window=WINDOW --compare=COMPARE --libvirt-dbus-threads=LDBUS_THREADS \
        --verbose:VERBOSE=1 -- "$@"
    case $MODE in all | qemu | test) ;; *) die "--mode must be all, qemu or test" ;; esac
    case $COMPARE in per-domain | all-stats | fastest) ;; *) die "bad --compare" ;; esac
    [[ $MACHINES =~ ^[0-9]+$ && $RUNNING =~ ^[0-9]+$ && $PAUSED =~ ^[0-9]+$ ]] || die "bad count"
    ((RUNNING + PAUSED <= MACHINES)) || die "--running + --paused exceeds --machines"
}

client_flags() {
    local f=(--expect="$MACHINES" --runs="$RUNS" --window="$WINDOW" --compare="$COMPARE")
    ((VERBOSE)) && f+=(--verbose)
    printf '%s\n' "${f[@]}"
}

# ---------------------------------------------------------------------------------------------
# qemu mode, inside the sandbox (pid 1's child; the pid namespace ends all we leave running).

# domain_xml I: a QEMU definition. Running ones: 128 MiB, 1 vCPU, no disk (SeaBIOS finds no
# boot device and waits). Others: 512-8192 MiB, 1-4 vCPUs, a disk whose file need not exist.
domain_xml() {
    local i=$1 name mem vcpus disk='' gfx
    name=$(printf 'vm-%04d' "$i")
    if ((i <= RUNNING + PAUSED)); then
        mem=128 vcpus=1
    else
        local mems=(512 1024 2048 4096 8192 768 1536 3072)
        mem=${mems[(i * 3) % 8]} vcpus=$((1 + (i * 7) % 4))
        disk="<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/$name.qcow2'/><target dev='vda' bus='virtio'/></disk>"
    fi
    if ((i % 2)); then
        gfx="<graphics type='vnc' autoport='yes' listen='127.0.0.1'/>"
    else
        gfx="<graphics type='spice' autoport='yes' listen='127.0.0.1'/>"
    fi
    cat <<EOF
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>$mem</memory>
  <currentMemory unit='MiB'>$mem</currentMemory>
  <vcpu>$vcpus</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <devices>
    $disk
    $gfx
    <video><model type='vga'/></video>
  </devices>
</domain>
EOF
}

inner_qemu() {
    local work=$1 client=$2 hv=$3 out=$4 i t0 ldbus_pid='' hv_pid='' methods status=0
    local defs=$work/defs
    mkdir -p "$defs"

    t0=$EPOCHREALTIME
    {
        for ((i = 1; i <= MACHINES; i++)); do
            domain_xml "$i" >"$defs/$i.xml"
            echo "define --file $defs/$i.xml"
        done
        for ((i = 1; i <= RUNNING + PAUSED; i++)); do printf 'start vm-%04d\n' "$i"; done
        for ((i = RUNNING + 1; i <= RUNNING + PAUSED; i++)); do printf 'suspend vm-%04d\n' "$i"; done
    } >"$work/virsh-cmds"
    virsh -q -c qemu:///system <"$work/virsh-cmds" >"$work/virsh.log" 2>&1 ||
        { tail -n 20 "$work/virsh.log" >&2; die "defining or starting the machines failed"; }
    local n
    n=$(virsh -q -c qemu:///system list --all --name | grep -c .)
    ((n == MACHINES)) || die "libvirtd has $n machines, expected $MACHINES"
    note "defined $MACHINES machines, started $((RUNNING + PAUSED)) under TCG, paused $PAUSED" \
        "($(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}') s)"
    virsh -q -c qemu:///system list --state-running --state-paused >&2

    # libvirt-dbus runs as its own user, as Debian's unit does: the bus policy lets only
    # libvirtdbus own org.libvirt, and polkit lets libvirtdbus use libvirtd.
    local ldbus_args=(--system)
    [[ -n $LDBUS_THREADS ]] && ldbus_args+=(--threads="$LDBUS_THREADS")
    setpriv --reuid=libvirtdbus --regid=libvirtdbus --init-groups \
        /usr/sbin/libvirt-dbus "${ldbus_args[@]}" </dev/null >"$work/libvirt-dbus.log" 2>&1 &
    ldbus_pid=$!
    wait_for 30 "libvirt-dbus on org.libvirt" name_owned --system org.libvirt ||
        { cat "$work/libvirt-dbus.log" >&2; return 1; }
    methods=per-domain,all-stats

    if [[ -n $hv ]]; then
        t0=$EPOCHREALTIME
        "$hv" --system </dev/null >"$work/vireo-hypervisor.log" 2>&1 &
        hv_pid=$!
        if ! wait_for 60 "vireo-hypervisor on org.vireo.Hypervisor1" name_owned --system \
            org.vireo.Hypervisor1; then
            tail -n 30 "$work/vireo-hypervisor.log" >&2
            return 1
        fi
        note "vireo-hypervisor owns its name after" \
            "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b-a}') s"
        methods=vireo,$methods
    fi

    mapfile -t flags < <(client_flags)
    # All but the last line now; the outer script prints the last line after the sandbox ends.
    "$client" --system --methods="$methods" --wait=120 "${flags[@]}" >"$out" || status=$?
    head -n -1 "$out"
    if ((status != 0)); then
        for f in vireo-hypervisor libvirt-dbus; do
            [[ -s $work/$f.log ]] && { echo "--- last lines of $f's log:"; tail -n 15 "$work/$f.log"; } >&2
        done
    fi

    stop_pid "$hv_pid" 10
    stop_pid "$ldbus_pid" 10
    # The guests go with the sandbox's pid namespace anyway: a virsh that fails here is no
    # reason to fail the benchmark.
    local names
    if names=$(virsh -q -c qemu:///system list --name 2>&1); then
        for n in $names; do
            virsh -q -c qemu:///system destroy "$n" >/dev/null 2>&1 || note "could not destroy $n"
        done
    else
        note "virsh list: $names"
    fi
    return "$status"
}

# ---------------------------------------------------------------------------------------------
# test mode: the helper on a private bus against the test driver.

run_test_mode() {
    local work=$1 client=$2 hv=$3 bus_pid="" hv_pid=""
    local fixture=$work/fixture-$MACHINES.xml
    local addr t0 status=0

    python3 "$REPO_ROOT/tests/fixtures/gen-fixture.py" "$MACHINES" "$fixture"
    mkfifo "$work/bus-address"
    dbus-daemon --session --nofork --nopidfile --nosyslog --print-address=3 \
        3>"$work/bus-address" </dev/null >"$work/dbus-daemon.log" 2>&1 &
    bus_pid=$!
    read -r addr <"$work/bus-address" || die "the private dbus-daemon printed no address"

    t0=$EPOCHREALTIME
    "$hv" --libvirt-uri="test://$fixture" --address="$addr" </dev/null \
        >"$work/vireo-hypervisor-test.log" 2>&1 &
    hv_pid=$!
    if ! wait_for 60 "vireo-hypervisor on the private bus" name_owned --address="$addr" \
        org.vireo.Hypervisor1; then
        tail -n 30 "$work/vireo-hypervisor-test.log" >&2
        stop_pid "$hv_pid" 10; stop_pid "$bus_pid" 10
        return 1
    fi
    note "test driver: vireo-hypervisor owns its name after" \
        "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b-a}') s"

    mapfile -t flags < <(client_flags)
    "$client" --address="$addr" --methods=vireo --wait=60 \
        --label="vireo GetManagedObjects, test driver" "${flags[@]}" || status=$?
    if ((status != 0)); then
        echo "--- last lines of vireo-hypervisor's log:" >&2
        tail -n 15 "$work/vireo-hypervisor-test.log" >&2
    fi

    stop_pid "$hv_pid" 10
    stop_pid "$bus_pid" 10
    return "$status"
}

# ---------------------------------------------------------------------------------------------

main() {
    parse_args "$@"
    [[ $EUID == 0 ]] || die "needs root"

    local hv=${VIREO_HYPERVISOR:-$REPO_ROOT/build/hypervisor/vireo-hypervisor} work client
    if [[ ! -x $hv ]]; then
        note "no vireo-hypervisor at $hv (set VIREO_HYPERVISOR or build it): measuring" \
            "libvirt-dbus only"
        hv=
    fi
    for t in gdbus dbus-daemon pkg-config python3 setpriv virsh /usr/sbin/libvirt-dbus; do
        command -v "$t" >/dev/null || die "missing $t"
    done

    work=$(mktemp -d /tmp/vireo-bench.XXXXXX)
    chmod 0755 "$work"
    # shellcheck disable=SC2064
    trap "rm -rf --one-file-system '$work'" EXIT

    client=$work/bench-list-client
    # shellcheck disable=SC2046
    ${CC:-cc} -O2 -Wall -o "$client" "$BENCH_DIR/bench-list-client.c" \
        $(pkg-config --cflags --libs gio-2.0) || die "cannot build the client"

    echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work skews the figures)"
    if [[ $MODE != qemu ]]; then
        if [[ -n $hv ]]; then
            echo "== test driver: $MACHINES machines from gen-fixture.py, private bus"
            run_test_mode "$work" "$client" "$hv" || die "test-driver mode failed"
        else
            note "skipping test-driver mode: it needs vireo-hypervisor"
        fi
    fi

    if [[ $MODE != test ]]; then
        echo "== qemu:///system in tests/sandbox/sandbox.sh: $MACHINES machines"
        [[ -x $REPO_ROOT/tests/sandbox/sandbox.sh ]] || die "tests/sandbox/sandbox.sh is missing"
        local out=$work/qemu-result.txt
        # The sandbox must not start the helper itself: it is started after the machines exist.
        (unset VIREO_HYPERVISOR; bench_in_sandbox "$@" --inner-work="$work" --inner-hv="$hv") ||
            die "the sandboxed benchmark failed"
        # The result line comes last, after whatever the sandbox printed.
        tail -n 1 "$out"
    fi
}

if bench_inside_sandbox "$@"; then
    shift
    args=() work='' hv=''
    for a in "$@"; do
        case $a in
        --inner-work=*) work=${a#*=} ;;
        --inner-hv=*) hv=${a#*=} ;;
        *) args+=("$a") ;;
        esac
    done
    parse_args "${args[@]}"
    inner_qemu "$work" "$work/bench-list-client" "$hv" "$work/qemu-result.txt"
else
    main "$@"
fi
