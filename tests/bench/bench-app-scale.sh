#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-app-scale.sh: a benchmark, not a test. Vireo's window (build/app/vireo, talking to
# vireo-hypervisor over a private system bus) and Debian's virt-manager, side by side, on libvirt
# test-driver fixtures of 10, 200 and 1000 machines (40% running, 10% paused, 50% shut off,
# from tests/fixtures/gen-fixture.py), under Xvfb. For each size: one untimed warm-up of each,
# then RUNS rounds, interleaved (the order alternates from round to round), each of
#   - vireo with GTK's GL renderer (GSK_RENDERER=gl): time from exec to the machine list shown
#     with rows;
#   - vireo with the renderer it picks itself (cairo under Xvfb, where GL would be Mesa's
#     llvmpipe: viewer/vireo-renderer.c), and virt-manager: the same time, then RSS and PSS
#     (/proc/PID/smaps_rollup) MEMORY_AT s after shown, and idle CPU (utime+stime from
#     /proc/PID/stat) over IDLE s starting SETTLE s after shown;
#   - the floor (bench-floor.c): a bare GTK 4 + libadwaita window showing a GtkListView of the
#     same rows, started the same way, with the renderer Vireo picks under Xvfb: the time;
# and finally one more vireo with the GL renderer for its memory. Every run starts its own
# Xvfb, session bus (with the accessibility bus the probe starts), and for vireo its own system
# bus, polkit mock and vireo-hypervisor, whose load time (exec to Manager.Connected with every
# machine exported) is reported but not counted: the window is launched once it is ready.
# "Shown" is read through AT-SPI; see bench-app-scale.py and tests/bench/README.md. A full run
# takes 16-18 minutes on 2 CPUs (30 runs of 25 s of settling and idling, plus the launches);
# --runs=3 about 11, --sizes=10 --runs=1 under 2.
#
# Usage: sudo tests/bench/bench-app-scale.sh [OPTIONS]
#   --sizes=LIST     comma-separated machine counts (default 10,200,1000)
#   --runs=N         timed rounds per size (default 5)
#   --settle=S       idle CPU window starts S s after shown (default 5) ...
#   --idle=S         ... and lasts S s (default 20)
#   --memory-at=S    RSS/PSS read S s after shown (default 10)
#   --no-warmup      skip the warm-up runs
#   --poll-interval=S  pause between two AT-SPI polls (default 0.05)
#   --results=FILE   also keep every run's figures (tab-separated) in FILE
#   --screenshots=DIR  save a screenshot of every run just after "shown" into DIR (kept)
#   --verbose        print every run as it ends
#
# Environment: VIREO_APP (default <repo>/build/app/vireo), VIREO_HYPERVISOR (default
# <repo>/build/hypervisor/vireo-hypervisor); build them first with `ninja -C build`.
#
# The last lines printed are one per size:
#   N machines: list shown vireo X s, virt-manager Y s, ratio R; PSS vireo A MiB,
#   virt-manager B MiB, ratio Q; idle CPU vireo C%, virt-manager D%; floor F s, vireo/floor V
# (medians; ratios are vireo / virt-manager; vireo with the renderer it picks).

set -uo pipefail

BENCH_NAME=bench-app-scale
# shellcheck source=common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"
PROBE=$BENCH_DIR/bench-app-scale.py
VIREO_APP=${VIREO_APP:-$REPO_ROOT/build/app/vireo}
VIREO_HYPERVISOR=${VIREO_HYPERVISOR:-$REPO_ROOT/build/hypervisor/vireo-hypervisor}

SIZES=10,200,1000
RUNS=5
SETTLE=5
IDLE=20
MEMORY_AT=10
WARMUP=1
SHOTS=
POLL_INTERVAL=0.05
KEEP_RESULTS=
VERBOSE=0

parse_args() {
    bench_parse_args --sizes=SIZES --runs=RUNS --settle=SETTLE --idle=IDLE --memory-at=MEMORY_AT \
        --no-warmup:WARMUP=0 --screenshots=@SHOTS --poll-interval=POLL_INTERVAL \
        --results=@KEEP_RESULTS --verbose:VERBOSE=1 -- "$@"
    [[ $SIZES =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--sizes must be numbers separated by commas"
    [[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs must be at least 1"
    [[ $SETTLE =~ ^[0-9]+$ && $IDLE =~ ^[1-9][0-9]*$ && $MEMORY_AT =~ ^[0-9]+$ ]] ||
        die "--settle, --idle and --memory-at take whole seconds"
}

check_tools() {
    ((EUID == 0)) || die "run as root"
    [[ -x $VIREO_APP ]] || die "no $VIREO_APP: build with ninja -C $REPO_ROOT/build"
    [[ -x $VIREO_HYPERVISOR ]] || die "no $VIREO_HYPERVISOR: build with ninja -C $REPO_ROOT/build"
    [[ -f $REPO_ROOT/build/data/gschemas.compiled ]] || die "no build/data/gschemas.compiled"
    local t
    for t in Xvfb dbus-daemon gdbus virt-manager; do
        command -v "$t" >/dev/null || die "$t is missing (apt-get install xvfb dbus virt-manager)"
    done
    [[ -x /usr/libexec/at-spi-bus-launcher ]] || die "at-spi2-core is missing"
    "$PY" -c 'import dbusmock, gi' 2>/dev/null || die "python3-dbusmock and python3-gi are needed"
    [[ -z $SHOTS ]] || command -v import >/dev/null || die "--screenshots needs imagemagick"
}

# ---------------------------------------------------------------------------------------------
# Processes: every one is started here, recorded, and ended by its pid.

# teardown_run: ends this run's processes, last started first, each after what it started
# (what a bus daemon activated: the accessibility bus launcher, its dbus-daemon, the registry),
# deepest first, so that every process is reaped by its own parent.
teardown_run() { # replaces common.sh's: the whole tree of each process
    local i p line rest c
    local -A kids=()
    for p in /proc/[0-9]*/stat; do # one snapshot of the process tree
        { read -r line <"$p"; } 2>/dev/null || continue
        rest=${line##*) }
        set -- $rest
        kids[$2]+=" ${line%% *}"
    done
    _stop_tree() {
        local c
        for c in ${kids[$1]:-}; do _stop_tree "$c"; done
        stop_pid "$1"
    }
    for ((i = ${#RUN_PIDS[@]} - 1; i >= 0; i--)); do _stop_tree "${RUN_PIDS[i]}"; done
    RUN_PIDS=()
}

WORK=
cleanup() {
    teardown_run
    [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
}

# ---------------------------------------------------------------------------------------------
# One run.

name_owned() { # name_owned ADDRESS NAME
    gdbus call --address "$1" --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.NameHasOwner "$2" 2>/dev/null | grep -q true
}

sleep_until() { # sleep_until EPOCH (from $EPOCHREALTIME)
    local d
    d=$(awk -v t="$1" -v n="$EPOCHREALTIME" \
        'BEGIN { d = t - n; if (d > 0) printf "%.3f", d; else print 0 }')
    sleep "$d"
}

at() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a + b }'; }

# run_one SIZE APP VARIANT KIND ROUND: APP vireo|virt-manager; VARIANT gl|own|- (renderer);
# KIND warmup (time only, not recorded), time, full (time, memory, idle CPU) or mem (time and
# memory). Appends one line to $RESULTS.
RUN_N=0
run_one() {
    local size=$1 app=$2 variant=$3 kind=$4 round=$5
    local fixture=$WORK/fixture-$size.xml
    local out shown polls t_shown app_pid helper_pid='' helper_ready=-
    local rss=- pss=- rss_end=- pss_end=- cpu=- hpss=- hcpu=-
    local t_start=$EPOCHREALTIME t_launch
    RUN_N=$((RUN_N + 1))
    RUN_DIR=$WORK/run-$RUN_N
    mkdir -m 700 "$RUN_DIR"

    # Fresh processes for every run; the environment below is what they all see.
    unset GDK_DEBUG GSK_RENDERER GTK_A11Y GSETTINGS_SCHEMA_DIR DBUS_SYSTEM_BUS_ADDRESS
    export XDG_RUNTIME_DIR=$RUN_DIR GSETTINGS_BACKEND=memory NO_AT_BRIDGE=0
    # Caches and settings of the whole benchmark (the warm-up fills Mesa's shader cache).
    export XDG_CONFIG_HOME=$WORK/xdg/config XDG_CACHE_HOME=$WORK/xdg/cache
    export XDG_DATA_HOME=$WORK/xdg/data XDG_STATE_HOME=$WORK/xdg/state

    bench_start_x "$RUN_DIR" || { teardown_run; return 1; }

    if [[ $app == vireo ]]; then
        dbus-daemon --session --nofork --address="unix:path=$RUN_DIR/system_bus" \
            --print-address=3 3>"$RUN_DIR/system.addr" </dev/null >/dev/null 2>&1 &
        RUN_PIDS+=("$!")
        wait_file 10 "$RUN_DIR/system.addr" ||
            { note "system bus did not start"; teardown_run; return 1; }
        export DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$RUN_DIR/system.addr")
        "$PY" -m dbusmock --template polkitd </dev/null >"$RUN_DIR/polkit-mock.log" 2>&1 &
        RUN_PIDS+=("$!")
        local i
        for ((i = 0; i < 400; i++)); do
            name_owned "$DBUS_SYSTEM_BUS_ADDRESS" org.freedesktop.PolicyKit1 && break
            sleep 0.025
        done
        gdbus call --address "$DBUS_SYSTEM_BUS_ADDRESS" -d org.freedesktop.PolicyKit1 \
            -o /org/freedesktop/PolicyKit1/Authority \
            -m org.freedesktop.DBus.Mock.AllowUnknown true >/dev/null ||
            { note "polkit mock did not start"; teardown_run; return 1; }

        gate vireo-hypervisor.log "$VIREO_HYPERVISOR" --address="$DBUS_SYSTEM_BUS_ADDRESS" \
            --libvirt-uri="test://$fixture"
        helper_pid=$GATE_PID
        out=$("$PY" "$PROBE" helper-ready --gate="$GATE" --machines="$size") || {
            tail -n 20 "$RUN_DIR/vireo-hypervisor.log" >&2
            teardown_run
            return 1
        }
        helper_ready=${out#ready }

        export GSETTINGS_SCHEMA_DIR=$REPO_ROOT/build/data
        [[ $variant == gl ]] && export GSK_RENDERER=gl
        gate app.log "$VIREO_APP"
    elif [[ $app == floor ]]; then
        # The renderer Vireo picks under Xvfb (viewer/vireo-renderer.c): GL off.
        export GDK_DEBUG=gl-disable
        gate app.log "$WORK/bin/bench-floor" "$WORK/rows-$size.tsv"
    else
        gate app.log virt-manager --connect "test://$fixture" --no-fork
    fi
    app_pid=$GATE_PID

    t_launch=$EPOCHREALTIME
    local shot=()
    [[ -n $SHOTS ]] && shot=(--screenshot="$SHOTS/$size-$app-$variant-$kind-$round.png")
    out=$("$PY" "$PROBE" shown --gate="$GATE" --pid="$app_pid" --interval="$POLL_INTERVAL" \
        "${shot[@]}") || {
        tail -n 20 "$RUN_DIR/app.log" >&2
        teardown_run
        return 1
    }
    t_shown=$EPOCHREALTIME
    read -r _ shown polls _ <<<"$out"

    if [[ $kind == full || $kind == mem ]]; then
        local c0 c1 h0 h1 events=() e
        # Events in time order: memory at MEMORY_AT; idle window [SETTLE, SETTLE + IDLE].
        events+=("$MEMORY_AT mem")
        [[ $kind == full ]] && events+=("$SETTLE cpu0" "$((SETTLE + IDLE)) cpu1")
        while read -r when e; do
            sleep_until "$(at "$t_shown" "$when")"
            case $e in
            mem)
                rss=$(smaps "$app_pid" Rss) pss=$(smaps "$app_pid" Pss)
                [[ -n $helper_pid ]] && hpss=$(smaps "$helper_pid" Pss)
                ;;
            cpu0) c0=$(cpu_ticks "$app_pid") h0=$(cpu_ticks "${helper_pid:-0}") ;;
            cpu1)
                c1=$(cpu_ticks "$app_pid") h1=$(cpu_ticks "${helper_pid:-0}")
                rss_end=$(smaps "$app_pid" Rss) pss_end=$(smaps "$app_pid" Pss)
                ;;
            esac
        done < <(printf '%s\n' "${events[@]}" | sort -n -k1,1)
        pid_alive "$app_pid" || { note "$app exited during the run"; teardown_run; return 1; }
        if [[ $kind == full && $c0 != - && $c1 != - ]]; then
            cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$CLK_TCK" -v s="$IDLE" \
                'BEGIN { printf "%.3f", (b - a) / hz / s * 100 }')
            [[ -n $helper_pid && $h0 != - && $h1 != - ]] &&
                hcpu=$(awk -v a="$h0" -v b="$h1" -v hz="$CLK_TCK" -v s="$IDLE" \
                    'BEGIN { printf "%.3f", (b - a) / hz / s * 100 }')
        fi
    fi
    teardown_run
    rm -rf "$RUN_DIR"

    if ((VERBOSE)); then
        note "$(printf '%5d %-12s %-4s %-6s %s: shown %.3f s (%d polls), helper %s s,' \
            "$size" "$app" "$variant" "$kind" "$round" "$shown" "$polls" "$helper_ready")" \
            "PSS $pss kB, RSS $rss kB, idle CPU $cpu%;" \
            "run $(awk -v a="$t_start" -v b="$t_launch" -v c="$EPOCHREALTIME" \
                'BEGIN { printf "%.1f s, set-up %.1f s", c - a, b - a }')"
    fi
    [[ $kind == warmup ]] && return 0
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$app" \
        "$variant" "$kind" "$round" "$shown" "$polls" "$rss" "$pss" "$rss_end" "$pss_end" "$cpu" \
        "$helper_ready" "$hpss" "$hcpu" >>"$RESULTS"
}

# ---------------------------------------------------------------------------------------------

main() {
    parse_args "$@"
    check_tools
    CLK_TCK=$(getconf CLK_TCK)
    WORK=$(mktemp -d /tmp/bench-app-scale.XXXXXX)
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    # The build may change under us (someone runs ninja): every run uses these copies.
    mkdir -p "$WORK/bin"
    cp "$VIREO_APP" "$WORK/bin/vireo" && cp "$VIREO_HYPERVISOR" "$WORK/bin/vireo-hypervisor" ||
        die "cannot copy the binaries"
    VIREO_APP=$WORK/bin/vireo VIREO_HYPERVISOR=$WORK/bin/vireo-hypervisor
    # The floor: a bare GTK 4 + libadwaita window with the same rows (bench-floor.c).
    ${CC:-cc} -O2 -o "$WORK/bin/bench-floor" "$BENCH_DIR/bench-floor.c" \
        $(pkg-config --cflags --libs libadwaita-1) || die "cannot build bench-floor.c"
    VERSION=$(git -C "$REPO_ROOT" log -1 --format='%h %s' 2>/dev/null | cut -c1-60)
    git -C "$REPO_ROOT" diff --quiet HEAD -- app hypervisor ui data 2>/dev/null ||
        VERSION+=" (+ uncommitted changes)"
    mkdir -p "$WORK"/xdg/{config,cache,data,state}
    chmod 700 "$WORK"/xdg/*
    [[ -n $SHOTS ]] && mkdir -p "$SHOTS"
    RESULTS=$WORK/results.tsv
    : >"$RESULTS"

    local size r t0=$SECONDS
    note "start: $(uptime)"
    IFS=, read -ra sizes <<<"$SIZES"
    for size in "${sizes[@]}"; do
        "$PY" "$REPO_ROOT/tests/fixtures/gen-fixture.py" "$size" "$WORK/fixture-$size.xml" ||
            die "gen-fixture.py failed"
        "$PY" "$PROBE" rows "$WORK/fixture-$size.xml" "$WORK/rows-$size.tsv" || die "rows failed"
        note "$size machines: warm-up and $RUNS rounds ($(uptime | sed 's/.*load/load/'))"
        if ((WARMUP)); then
            run_one "$size" vireo gl warmup 0 || die "vireo failed (warm-up, $size machines)"
            run_one "$size" virt-manager - warmup 0 ||
                die "virt-manager failed (warm-up, $size machines)"
            run_one "$size" floor - warmup 0 || die "the floor failed (warm-up, $size machines)"
        fi
        for ((r = 1; r <= RUNS; r++)); do
            if ((r % 2)); then
                run_one "$size" vireo gl time "$r" || die "vireo (GSK_RENDERER=gl) failed"
                run_one "$size" vireo own full "$r" || die "vireo failed"
                run_one "$size" floor - time "$r" || die "the floor failed"
                run_one "$size" virt-manager - full "$r" || die "virt-manager failed"
            else
                run_one "$size" virt-manager - full "$r" || die "virt-manager failed"
                run_one "$size" floor - time "$r" || die "the floor failed"
                run_one "$size" vireo own full "$r" || die "vireo failed"
                run_one "$size" vireo gl time "$r" || die "vireo (GSK_RENDERER=gl) failed"
            fi
        done
        run_one "$size" vireo gl mem 1 || die "vireo (memory, GSK_RENDERER=gl) failed"
    done
    note "end: $(uptime); $((SECONDS - t0)) s"
    [[ -n $KEEP_RESULTS ]] && cp "$RESULTS" "$KEEP_RESULTS"
    echo "bench-app-scale: vireo at $VERSION, virt-manager $(virt-manager --version 2>&1);" \
        "Xvfb 1280x800; $(nproc) CPUs; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$PY" "$PROBE" summary "$RESULTS" --memory-at="$MEMORY_AT" \
        --idle-window="$IDLE s from $SETTLE s after shown"
}

main "$@"
