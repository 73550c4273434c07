#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-vireoctl.sh: a benchmark, not a test. `vireoctl list` against `virsh list --all`, each
# a whole process from exec to exit, on the same libvirt test-driver fixture of N machines
# (tests/fixtures/gen-fixture.py): what a shell user or a script waits for. vireoctl asks
# vireo-hypervisor, which serves the fixture on a private bus (started once, and ready before
# the first run: a helper runs all the time); virsh opens the fixture itself, as it must. The
# runs alternate between the two, RUNS of each after one untimed warm-up of each.
#
# Usage: tests/bench/bench-vireoctl.sh [OPTIONS]
#   --machines=N     machines in the fixture (default 1000)
#   --runs=N         timed runs of each (default 15)
#   --verbose        print every run
#
# Environment: VIREOCTL (default <repo>/build/app/vireoctl), VIREO_HYPERVISOR (default
# <repo>/build/hypervisor/vireo-hypervisor).
#
# The last line printed is
#   N machines: vireoctl list X ms, virsh list --all Y ms, ratio R
# (medians; ratio = vireoctl / virsh).

set -uo pipefail

BENCH_NAME=bench-vireoctl
# shellcheck source=common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"
VIREOCTL=${VIREOCTL:-$REPO_ROOT/build/app/vireoctl}
VIREO_HYPERVISOR=${VIREO_HYPERVISOR:-$REPO_ROOT/build/hypervisor/vireo-hypervisor}

MACHINES=1000
RUNS=15
VERBOSE=0

WORK=
cleanup() {
    teardown_run
    [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
}

# time_ms COMMAND...: runs COMMAND (output discarded) and prints how long it took, in ms.
time_ms() {
    local t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || die "$1 failed"
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f\n", (b - a) * 1000 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

main() {
    bench_parse_args --machines=MACHINES --runs=RUNS --verbose:VERBOSE=1 -- "$@"
    [[ $MACHINES =~ ^[1-9][0-9]*$ && $RUNS =~ ^[1-9][0-9]*$ ]] || die "--machines and --runs take numbers"
    [[ -x $VIREOCTL && -x $VIREO_HYPERVISOR ]] || die "build first: ninja -C $REPO_ROOT/build"
    command -v virsh >/dev/null || die "virsh is missing (libvirt-clients)"
    "$PY" -c 'import dbusmock' 2>/dev/null || die "python3-dbusmock is needed"

    WORK=$(mktemp -d /tmp/bench-vireoctl.XXXXXX)
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    local fixture=$WORK/fixture.xml
    "$PY" "$REPO_ROOT/tests/fixtures/gen-fixture.py" "$MACHINES" "$fixture" || die "gen-fixture.py failed"

    dbus-daemon --session --nofork --address="unix:path=$WORK/system_bus" --print-address=3 \
        3>"$WORK/bus.addr" </dev/null >/dev/null 2>&1 &
    RUN_PIDS+=("$!")
    wait_file 10 "$WORK/bus.addr" || die "the bus did not start"
    export DBUS_SYSTEM_BUS_ADDRESS
    DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$WORK/bus.addr")
    "$PY" -m dbusmock --template polkitd </dev/null >/dev/null 2>&1 &
    RUN_PIDS+=("$!")
    "$VIREO_HYPERVISOR" --address="$DBUS_SYSTEM_BUS_ADDRESS" --libvirt-uri="test://$fixture" \
        </dev/null >"$WORK/helper.log" 2>&1 &
    RUN_PIDS+=("$!")
    wait_for 60 "the helper to serve $MACHINES machines" \
        bash -c "[[ \$('$VIREOCTL' list --names 2>/dev/null | wc -l) == $MACHINES ]]" ||
        die "the helper did not come up; $(tail -n 5 "$WORK/helper.log")"

    local n_ctl n_virsh
    n_ctl=$("$VIREOCTL" list | wc -l)
    n_virsh=$(LC_ALL=C.UTF-8 virsh -c "test://$fixture" list --all | grep -c '^ ')
    ((n_ctl == MACHINES + 1 && n_virsh == MACHINES + 1)) ||
        die "unexpected output: vireoctl $n_ctl lines, virsh $n_virsh"

    time_ms "$VIREOCTL" list >/dev/null
    time_ms virsh -c "test://$fixture" list --all >/dev/null
    : >"$WORK/ctl" && : >"$WORK/virsh"
    local r a b
    for ((r = 1; r <= RUNS; r++)); do
        if ((r % 2)); then
            a=$(time_ms "$VIREOCTL" list) b=$(time_ms virsh -c "test://$fixture" list --all)
        else
            b=$(time_ms virsh -c "test://$fixture" list --all) a=$(time_ms "$VIREOCTL" list)
        fi
        echo "$a" >>"$WORK/ctl"
        echo "$b" >>"$WORK/virsh"
        ((VERBOSE)) && note "run $r: vireoctl $a ms, virsh $b ms"
    done

    a=$(median <"$WORK/ctl") b=$(median <"$WORK/virsh")
    echo "bench-vireoctl: $(nproc) CPUs; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "  runs, vireoctl (ms): $(tr '\n' ' ' <"$WORK/ctl")"
    echo "  runs, virsh (ms): $(tr '\n' ' ' <"$WORK/virsh")"
    awk -v n="$MACHINES" -v a="$a" -v b="$b" \
        'BEGIN { printf "%d machines: vireoctl list %.1f ms, virsh list --all %.1f ms, ratio %.2f\n", n, a, b, a / b }'
}

main "$@"
