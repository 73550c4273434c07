# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by the benchmarks (bench-*.sh), never run: what they share. A benchmark sets
# BENCH_NAME (its name in messages) and then sources this file; it gets
#
#   SCRIPT, BENCH_DIR, REPO_ROOT, PY    the benchmark itself, this folder, the repository, and
#                                       the Python that has Debian's modules (gi, dbusmock)
#   die, note                           "BENCH_NAME: error: ..." (exit 1), "BENCH_NAME: ..."
#   bench_parse_args SPEC... -- ARGS... the options (see there); --help prints the benchmark's
#                                       header comment
#   pid_alive, stop_pid, RUN_PIDS, teardown_run
#                                       processes a run starts, each ended by its own pid
#   wait_for, wait_file                 polls with a deadline
#   cpu_ticks, smaps                    what /proc says of a process
#   gate                                a program that starts when the probe opens a fifo
#   bench_start_x RUN_DIR               Xvfb (1280x800x24) and a session bus for one run
#   bench_in_sandbox ARGS..., bench_inside_sandbox
#                                       the benchmark again, inside tests/sandbox/sandbox.sh
#
# Nothing here measures: what each benchmark times and how stays in its own file.

# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables are for the benchmark that sources this

SCRIPT=$(readlink -f "${BASH_SOURCE[${#BASH_SOURCE[@]} - 1]}")
BENCH_DIR=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
REPO_ROOT=$(cd "$BENCH_DIR/../.." && pwd)
PY=/usr/bin/python3
: "${BENCH_NAME:=$(basename "$SCRIPT" .sh)}"

die() { echo "$BENCH_NAME: error: $*" >&2; exit 1; }
# Under set -e a failed command ends the benchmark without a word: say which, and where (in
# functions too: errtrace).
set -o errtrace
trap 'echo "$BENCH_NAME: error: \"$BASH_COMMAND\" failed (status $?) at ${BASH_SOURCE[0]##*/}:$LINENO" >&2' ERR
note() { echo "$BENCH_NAME: $*" >&2; }

# bench_parse_args SPEC... -- ARGS...
#   SPEC is one of
#     --name=VAR        the option takes a value: --name=VALUE sets VAR
#     --name=@VAR       the same, for a path: VAR gets it made absolute (readlink -f)
#     --name:VAR=VALUE  a flag: --name sets VAR to VALUE
#   -h or --help prints the benchmark's header comment (its lines from the 4th to the first
#   empty one) and exits; any other argument dies with "unknown option". The benchmark checks
#   the values afterwards.
bench_parse_args() {
    local -a specs=()
    while (($# > 0)) && [[ $1 != -- ]]; do
        specs+=("$1")
        shift
    done
    (($# > 0)) || die "bench_parse_args: no -- before the arguments"
    shift
    local a s name var value matched
    for a in "$@"; do
        case $a in
        -h | --help) sed -n '4,/^$/s/^# \{0,1\}//p' "$SCRIPT"; exit 0 ;;
        esac
        matched=0
        for s in "${specs[@]}"; do
            if [[ $s == *=* && $s != *:* ]]; then     # --name=VAR or --name=@VAR
                name=${s%%=*} var=${s#*=}
                [[ $a == "$name="* ]] || continue
                value=${a#*=}
                if [[ $var == @* ]]; then
                    var=${var#@}
                    value=$(readlink -f "$value")
                fi
            else                                       # --name:VAR=VALUE
                name=${s%%:*} var=${s#*:}
                [[ $a == "$name" ]] || continue
                value=${var#*=} var=${var%%=*}
            fi
            printf -v "$var" '%s' "$value"
            matched=1
            break
        done
        ((matched)) || die "unknown option $a (see --help)"
    done
}

# --- processes ------------------------------------------------------------------------------

pid_alive() { [[ -e /proc/$1 ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# stop_pid PID [SECONDS]: SIGTERM, up to SECONDS (default 5) for it to end, then SIGKILL. Only
# for processes this benchmark started.
stop_pid() {
    local pid=$1 limit=${2:-5} i
    [[ -n $pid ]] && pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < limit * 100; i++)); do pid_alive "$pid" || break; sleep 0.01; done
    # (It may end between the look and the kill.)
    if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
    # Not our child (activated by a bus): give its parent a moment to reap it before the parent
    # goes too; an orphaned zombie would stay, as pid 1 may not reap.
    for ((i = 0; i < 40; i++)); do [[ -e /proc/$pid ]] || break; sleep 0.025; done
}

# RUN_PIDS: what one run started, in start order; teardown_run ends them in reverse.
RUN_PIDS=()
teardown_run() {
    local i
    for ((i = ${#RUN_PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${RUN_PIDS[i]}"; done
    RUN_PIDS=()
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 50 ms until it succeeds.
wait_for() {
    local timeout=$1 what=$2
    shift 2
    local deadline=$((SECONDS + timeout))
    while ! "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || { echo "$BENCH_NAME: error: timed out waiting for $what" >&2; return 1; }
        sleep 0.05
    done
}

# wait_file SECONDS FILE: until FILE is not empty.
wait_file() {
    local deadline=$((SECONDS + $1))
    while [[ ! -s $2 ]]; do
        ((SECONDS < deadline)) || return 1
        sleep 0.02
    done
}

# cpu_ticks PID: utime + stime of the whole process (all threads, dead ones included).
cpu_ticks() {
    local stat
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || { echo -; return; }
    stat=${stat##*) }
    # shellcheck disable=SC2086  # split into fields on purpose
    set -- $stat
    echo $((${12} + ${13}))
}

# smaps PID FIELD: FIELD of /proc/PID/smaps_rollup, in kB.
smaps() {
    awk -v f="$2:" '$1 == f { print $2; exit }' "/proc/$1/smaps_rollup" 2>/dev/null || echo -
}

# gate LOG PROGRAM...: forks a subshell that waits on a fifo, then execs PROGRAM with the
# current environment, output to $RUN_DIR/LOG; sets GATE and GATE_PID. The probe opens the gate.
gate() {
    local log=$RUN_DIR/$1
    shift
    GATE=$RUN_DIR/gate.$RANDOM
    mkfifo "$GATE"
    ( read -r _ <"$GATE"; exec "$@" ) </dev/null >>"$log" 2>&1 &
    GATE_PID=$!
    RUN_PIDS+=("$GATE_PID")
}

# --- X ---------------------------------------------------------------------------------------

# bench_start_x RUN_DIR: an Xvfb of its own (1280x800x24, no TCP; the display number it picks)
# and a session bus, both in RUN_PIDS; exports DISPLAY and DBUS_SESSION_BUS_ADDRESS and sets
# XVFB_PID. Returns 1, having said why, when either does not start.
bench_start_x() {
    local dir=$1
    Xvfb -displayfd 9 -screen 0 1280x800x24 -nolisten tcp -noreset 9>"$dir/display" \
        </dev/null >"$dir/xvfb.log" 2>&1 &
    XVFB_PID=$!
    RUN_PIDS+=("$XVFB_PID")
    wait_file 20 "$dir/display" || { note "Xvfb did not start"; return 1; }
    DISPLAY=":$(head -n1 "$dir/display")"
    export DISPLAY

    dbus-daemon --session --nofork --address="unix:path=$dir/session_bus" \
        --print-address=3 3>"$dir/session.addr" </dev/null >/dev/null 2>&1 &
    RUN_PIDS+=("$!")
    wait_file 10 "$dir/session.addr" || { note "session bus did not start"; return 1; }
    DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$dir/session.addr")
    export DBUS_SESSION_BUS_ADDRESS
}

# --- the sandbox -----------------------------------------------------------------------------

# bench_in_sandbox ARGS...: runs this benchmark again as `SCRIPT --inside-sandbox ARGS...` in
# tests/sandbox/sandbox.sh (own mount, network and pid namespaces; system bus, polkitd,
# virtlogd, libvirtd, and vireo-hypervisor when VIREO_HYPERVISOR is set; see sandbox.sh for the
# VIREO_SANDBOX_* it reads, such as VIREO_SANDBOX_HOST). Quiet unless VERBOSE=1. Returns its
# status.
bench_in_sandbox() {
    [[ -x $REPO_ROOT/tests/sandbox/sandbox.sh ]] || die "tests/sandbox/sandbox.sh is missing"
    local quiet=1
    ((${VERBOSE:-0})) && quiet=0
    VIREO_SANDBOX_QUIET=${VIREO_SANDBOX_QUIET:-$quiet} \
        "$REPO_ROOT/tests/sandbox/sandbox.sh" "$SCRIPT" --inside-sandbox "$@"
}

# bench_inside_sandbox ARGS...: true when ARGS start with --inside-sandbox (then this run is
# the one bench_in_sandbox started).
bench_inside_sandbox() {
    [[ ${1:-} == --inside-sandbox && ${VIREO_SANDBOX:-} == 1 ]]
}
