#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-console.sh: a benchmark, not a test. Vireo's console window (build/viewer/vireo-viewer)
# against Debian's remote-viewer (package virt-viewer), side by side in one run, for VNC and for
# SPICE, on one guest inside tests/sandbox/sandbox.sh (with vireo-hypervisor), under Xvfb.
#
# The guest boots a GRUB ISO built here (grub-mkrescue) whose grub.cfg paints the whole 720x400
# text screen VGA blue (0x0000A8) and defines a function `spin` that echoes two lines forever.
# vireo-viewer gets its sockets from the helper (Machine.OpenConsole: an fd from
# virDomainOpenGraphicsFD); remote-viewer connects by TCP to the address `virsh domdisplay`
# gives (127.0.0.1 in the sandbox's network namespace). That difference is part of what a
# user gets.
#
# Two phases, each a warm-up and RUNS rounds per protocol, the order alternating from round to
# round (vireo first, then remote-viewer first); every run starts its own Xvfb (1280x800x24),
# session bus and viewer, and ends them by pid:
#   static  the guest sits at the grub> prompt (paused by default: see --static-guest);
#           first frame = exec of the viewer to the first poll of the root window (XGetImage
#           every 20 ms) that shows >= 90% of the blue area the viewer settles on (the same
#           on-screen rule for both; bench-console-probe.py); then, SETTLE s later, RSS and PSS
#           (/proc/PID/smaps_rollup), then idle CPU over IDLE s (utime+stime of /proc/PID/stat,
#           all threads; Xvfb's and QEMU's over the same window are printed beside it);
#   redraw  the guest runs `spin` (typed with virsh send-key), which scrolls the whole text
#           screen continuously; each viewer, one after the other (QEMU's SPICE server takes one
#           client at a time), is launched, and SETTLE s after its first frame its CPU is read
#           over REDRAW s, with the same guest load for every run.
# Vireo runs with the renderer it picks itself (cairo where GL would be Mesa's llvmpipe, as
# under Xvfb: viewer/vireo-renderer.c) and, in odd rounds, with GSK_RENDERER=gl (GTK's default
# elsewhere, on llvmpipe here); remote-viewer is GTK 3 (cairo, no GL).
#
# Usage: sudo tests/bench/bench-console.sh [OPTIONS]
#   --protocols=LIST   vnc,spice (default both)
#   --runs=N           rounds per phase and protocol (default 5)
#   --settle=S         wait S s after the first frame before measuring (default 2)
#   --idle=S           idle CPU window (default 10)
#   --redraw=S         redraw CPU window (default 10)
#   --phases=LIST      static,redraw (default both)
#   --static-guest=paused|running   the guest during the static phase (default paused: a GRUB
#                      prompt under TCG busy-polls the keyboard and keeps one CPU busy)
#   --no-warmup        skip the untimed warm-up runs
#   --results=FILE     also keep every run's figures (tab-separated) in FILE
#   --screenshots=DIR  save the screen (PPM) at every first frame into DIR
#   --verbose          print every run as it ends
#
# Environment: VIREO_VIEWER (default <repo>/build/viewer/vireo-viewer), VIREO_HYPERVISOR
# (default <repo>/build/hypervisor/vireo-hypervisor).
#
# The last lines printed are one per protocol:
#   vnc first frame: vireo X s, remote-viewer Y s, ratio R; RSS vireo A MiB, remote-viewer
#   B MiB, ratio Q; redraw CPU vireo C%, remote-viewer D%, ratio P
# (medians; ratios vireo / remote-viewer; vireo with the renderer it picks).

set -uo pipefail

BENCH_NAME=bench-console
# shellcheck source=common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"
PROBE=$BENCH_DIR/bench-console-probe.py
VIREO_VIEWER=${VIREO_VIEWER:-$REPO_ROOT/build/viewer/vireo-viewer}
VIREO_HYPERVISOR=${VIREO_HYPERVISOR:-$REPO_ROOT/build/hypervisor/vireo-hypervisor}
MACHINE=bench-console

PROTOCOLS=vnc,spice
PHASES=static,redraw
RUNS=5
SETTLE=2
IDLE=10
REDRAW=10
STATIC_GUEST=paused
WARMUP=1
SHOTS=
KEEP_RESULTS=
VERBOSE=0

parse_args() {
    bench_parse_args --protocols=PROTOCOLS --phases=PHASES --runs=RUNS --settle=SETTLE \
        --idle=IDLE --redraw=REDRAW --static-guest=STATIC_GUEST --no-warmup:WARMUP=0 \
        --results=@KEEP_RESULTS --screenshots=@SHOTS --verbose:VERBOSE=1 -- "$@"
    [[ $PROTOCOLS =~ ^(vnc|spice)(,(vnc|spice))*$ ]] || die "--protocols takes vnc and/or spice"
    [[ $PHASES =~ ^(static|redraw)(,(static|redraw))*$ ]] || die "--phases takes static and/or redraw"
    [[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs must be at least 1"
    [[ $SETTLE =~ ^[0-9]+$ && $IDLE =~ ^[1-9][0-9]*$ && $REDRAW =~ ^[1-9][0-9]*$ ]] ||
        die "--settle, --idle and --redraw take whole seconds"
    [[ $STATIC_GUEST == paused || $STATIC_GUEST == running ]] || die "--static-guest: paused or running"
}

check_tools() {
    ((EUID == 0)) || die "run as root"
    [[ -x $VIREO_VIEWER ]] || die "no $VIREO_VIEWER: build with ninja -C $REPO_ROOT/build"
    [[ -x $VIREO_HYPERVISOR ]] || die "no $VIREO_HYPERVISOR: build with ninja -C $REPO_ROOT/build"
    local t
    for t in Xvfb dbus-daemon gdbus virsh remote-viewer grub-mkrescue xorriso mformat; do
        command -v "$t" >/dev/null ||
            die "$t is missing (apt-get install xvfb dbus libvirt-clients virt-viewer grub-pc-bin xorriso mtools)"
    done
    [[ -d /usr/lib/grub/i386-pc ]] || die "grub-pc-bin is missing"
}

# ---------------------------------------------------------------------------------------------
# Outside the sandbox: copies the binaries, builds the ISO, enters the sandbox.

make_iso() { # make_iso OUT.iso
    local tmp
    tmp=$(mktemp -d "$WORK/iso.XXXXXX")
    mkdir -p "$tmp/root/boot/grub"
    # White on VGA blue, screen cleared: the whole guest screen is 0x0000A8 but for the text, a
    # colour neither viewer draws by itself. `spin` scrolls the screen forever (the guest's
    # redraw load); typed at the prompt by the benchmark.
    cat >"$tmp/root/boot/grub/grub.cfg" <<'EOF'
set pager=0
set timeout=-1
terminal_input console
terminal_output console
set color_normal=white/blue
set color_highlight=white/blue
clear
function spin {
  while true; do
    echo "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789"
    echo "   9876543210 ZYXWVUTSRQPONMLKJIHGFEDCBA zyxwvutsrqponmlkjihgfedcba 9876543210"
  done
}
EOF
    grub-mkrescue -d /usr/lib/grub/i386-pc --locales= --fonts= --themes= --compress=xz \
        --install-modules="normal configfile echo test true sleep minicmd" \
        -o "$1" "$tmp/root" -- -volid VIREO_BENCH >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; return 1; }
    chmod 0644 "$1"
    rm -rf "$tmp"
}

WORK=
outer_cleanup() { [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"; }

outer_main() {
    parse_args "$@"
    check_tools
    WORK=$(mktemp -d /tmp/bench-console.XXXXXX)
    chmod 0755 "$WORK"
    trap outer_cleanup EXIT
    trap 'exit 130' INT TERM
    mkdir -p "$WORK/bin"
    # The build may change under us (someone runs ninja): every run uses these copies.
    if ! cp "$VIREO_VIEWER" "$WORK/bin/vireo-viewer" || ! cp "$VIREO_HYPERVISOR" "$WORK/bin/vireo-hypervisor"; then
        die "cannot copy the binaries"
    fi
    make_iso "$WORK/guest.iso" || die "cannot build the GRUB ISO"
    local version
    version=$(git -C "$REPO_ROOT" log -1 --format='%h %s' 2>/dev/null | cut -c1-60)
    git -C "$REPO_ROOT" diff --quiet HEAD -- viewer hypervisor 2>/dev/null || version+=" (+ uncommitted changes)"
    note "start: $(uptime)"
    BENCH_WORK=$WORK BENCH_VERSION=$version VIREO_SANDBOX_QUIET=1 \
        VIREO_HYPERVISOR=$WORK/bin/vireo-hypervisor VIREO_VIEWER=$WORK/bin/vireo-viewer \
        bench_in_sandbox "$@"
}

# ---------------------------------------------------------------------------------------------
# Inside the sandbox. Processes: every one is started here, recorded (RUN_PIDS), and ended by
# its pid (teardown_run, common.sh).

percent() { # percent TICKS0 TICKS1 SECONDS: CPU in percent of one CPU
    [[ $1 == - || $2 == - ]] && { echo -; return; }
    awk -v a="$1" -v b="$2" -v hz="$CLK_TCK" -v s="$3" 'BEGIN { printf "%.3f", (b - a) / hz / s * 100 }'
}

hv() { # hv OBJECT-PATH METHOD ARGS...: a call to the helper
    local path=$1 method=$2
    shift 2
    gdbus call --system -d org.vireo.Hypervisor1 -o "$path" -m "$method" "$@"
}

guest_blue() { # the number of VGA-blue pixels in the guest's own screen (QEMU's screendump)
    local f=$VIREO_SANDBOX_WORK/screendump.ppm
    rm -f "$f"
    virsh -q qemu-monitor-command "$MACHINE" --hmp "screendump $f" >/dev/null 2>&1 || { echo 0; return; }
    "$PY" -c 'import sys; print(open(sys.argv[1], "rb").read().count(b"\x00\x00\xa8"))' "$f" 2>/dev/null || echo 0
}

type_spin() { # types "spin" and Enter at the grub> prompt
    virsh -q send-key "$MACHINE" KEY_S KEY_P KEY_I KEY_N KEY_ENTER >/dev/null
}

setup_guest() {
    local i path iso=$VIREO_SANDBOX_WORK/guest.iso
    cp "$BENCH_WORK/guest.iso" "$iso" && chmod 0644 "$iso" || return 1
    for ((i = 0; i < 200; i++)); do
        hv /org/vireo/Hypervisor1/Manager org.freedesktop.DBus.Properties.Get \
            org.vireo.Hypervisor1.Manager Connected 2>/dev/null | grep -q true && break
        sleep 0.1
    done
    path=$(hv /org/vireo/Hypervisor1/Manager org.vireo.Hypervisor1.Manager.CreateMachine \
        "{'name': <'$MACHINE'>, 'memory-mib': <uint64 64>, 'iso': <'$iso'>, 'graphics': <['spice', 'vnc']>}") ||
        return 1
    path=${path#*\'}
    path=${path%%\'*}
    hv "$path" org.vireo.Hypervisor1.Machine.Start {} >/dev/null || return 1
    # Until GRUB has cleared the screen to blue and printed its prompt.
    for ((i = 0; i < 120; i++)); do
        (($(guest_blue) > 250000)) && break
        sleep 0.5
    done
    (($(guest_blue) > 250000)) || { note "the guest did not reach GRUB's prompt"; return 1; }
    sleep 1
    QEMU_PID=$(cat "/run/libvirt/qemu/$MACHINE.pid")
    local vnc spice
    vnc=$(virsh -q domdisplay --type vnc "$MACHINE") && spice=$(virsh -q domdisplay --type spice "$MACHINE") ||
        return 1
    # domdisplay gives the VNC display number (vnc://127.0.0.1:N); remote-viewer takes the port.
    VNC_URI=vnc://127.0.0.1:$((5900 + ${vnc##*:}))
    SPICE_URI=$spice
    note "guest up: $(virsh -q dominfo "$MACHINE" | awk '/^OS Type|^State/ {printf "%s ", $0}')" \
        "qemu pid $QEMU_PID, $VNC_URI, $SPICE_URI"
}

# run_one PROTOCOL VIEWER VARIANT KIND ROUND: VIEWER vireo|remote-viewer; VARIANT default|gl|-;
# KIND warmup (first frame only, not recorded), static or redraw. Appends one line to $RESULTS.
RUN_N=0
run_one() {
    local proto=$1 viewer=$2 variant=$3 kind=$4 round=$5
    local out first=- polls=- blue=- shown=- rss=- pss=- idle=- xidle=- qidle=- redraw=- xredraw=- qredraw=-
    local fps=-
    local viewer_pid xvfb_pid t_start=$EPOCHREALTIME
    RUN_N=$((RUN_N + 1))
    RUN_DIR=$BENCH_WORK/run-$RUN_N
    mkdir -m 700 "$RUN_DIR"

    unset GDK_DEBUG GSK_RENDERER DBUS_SESSION_BUS_ADDRESS DISPLAY
    export XDG_RUNTIME_DIR=$RUN_DIR GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory
    # Caches and settings of the whole benchmark (the warm-up fills Mesa's shader cache).
    export HOME=$BENCH_WORK/home XDG_CONFIG_HOME=$BENCH_WORK/xdg/config
    export XDG_CACHE_HOME=$BENCH_WORK/xdg/cache XDG_DATA_HOME=$BENCH_WORK/xdg/data
    export XDG_STATE_HOME=$BENCH_WORK/xdg/state

    bench_start_x "$RUN_DIR" || { teardown_run; return 1; }
    xvfb_pid=$XVFB_PID

    if [[ $viewer == vireo ]]; then
        [[ $variant == gl ]] && export GSK_RENDERER=gl
        gate viewer.log "$VIREO_VIEWER" --protocol="$proto" "$MACHINE"
    elif [[ $proto == vnc ]]; then
        gate viewer.log remote-viewer "$VNC_URI"
    else
        gate viewer.log remote-viewer "$SPICE_URI"
    fi
    viewer_pid=$GATE_PID

    local shot=()
    [[ -n $SHOTS ]] && shot=(--screenshot="$SHOTS/$proto-$viewer-$variant-$kind-$round.ppm")
    # A scrolling guest never gives a stable picture: there, the first poll that shows the guest.
    local settle=()
    [[ $kind == redraw ]] && settle=(--settle=0)
    out=$("$PY" "$PROBE" first-frame --gate="$GATE" "${settle[@]}" "${shot[@]}") || {
        tail -n 20 "$RUN_DIR/viewer.log" >&2
        teardown_run
        return 1
    }
    read -r _ first polls blue shown <<<"$out"

    if [[ $kind != warmup ]]; then
        local c0 c1 x0 x1 q0 q1 window
        sleep "$SETTLE"
        if [[ $kind == static ]]; then
            rss=$(smaps "$viewer_pid" Rss) pss=$(smaps "$viewer_pid" Pss)
            window=$IDLE
        else
            window=$REDRAW
        fi
        c0=$(cpu_ticks "$viewer_pid") x0=$(cpu_ticks "$xvfb_pid") q0=$(cpu_ticks "$QEMU_PID")
        if [[ $kind == static ]]; then
            sleep "$window"
        else
            # The frames the viewer draws meanwhile (DAMAGE events on the root window).
            local nframes secs
            read -r _ nframes secs < <("$PY" "$PROBE" frames --seconds="$window")
            fps=$(awk -v n="$nframes" -v s="$secs" 'BEGIN { if (s > 0) printf "%.1f", n / s; else print "-" }')
        fi
        c1=$(cpu_ticks "$viewer_pid") x1=$(cpu_ticks "$xvfb_pid") q1=$(cpu_ticks "$QEMU_PID")
        pid_alive "$viewer_pid" || { note "$viewer exited during the run"; teardown_run; return 1; }
        if [[ $kind == static ]]; then
            idle=$(percent "$c0" "$c1" "$window") xidle=$(percent "$x0" "$x1" "$window")
            qidle=$(percent "$q0" "$q1" "$window")
        else
            redraw=$(percent "$c0" "$c1" "$window") xredraw=$(percent "$x0" "$x1" "$window")
            qredraw=$(percent "$q0" "$q1" "$window")
        fi
    fi
    teardown_run
    rm -rf "$RUN_DIR"

    if ((VERBOSE)); then
        note "$(printf '%-5s %-13s %-4s %-6s %s: first frame %s s (%s polls, %s px, %s), RSS %s kB, PSS %s kB,' \
            "$proto" "$viewer" "$variant" "$kind" "$round" "$first" "$polls" "$blue" "$shown" "$rss" "$pss")" \
            "idle CPU $idle% (Xvfb $xidle%, QEMU $qidle%), redraw CPU $redraw% (Xvfb $xredraw%, QEMU $qredraw%), $fps frames/s;" \
            "$(awk -v a="$t_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }')"
    fi
    [[ $kind == warmup ]] && return 0
    printf '%s\t' "$proto" "$viewer" "$variant" "$kind" "$round" "$first" "$polls" "$blue" "$shown" \
        "$rss" "$pss" "$idle" "$xidle" "$qidle" "$redraw" "$xredraw" >>"$RESULTS"
    printf '%s\t%s\n' "$qredraw" "$fps" >>"$RESULTS"
}

# round PROTOCOL KIND ROUND: vireo (its own choice), vireo (GL, odd rounds only) and remote-viewer,
# vireo first in odd rounds, remote-viewer first in even ones.
round() {
    local proto=$1 kind=$2 r=$3
    if ((r % 2)); then
        run_one "$proto" vireo default "$kind" "$r" || die "vireo failed ($proto, $kind, round $r)"
        run_one "$proto" vireo gl "$kind" "$r" || die "vireo (GSK_RENDERER=gl) failed ($proto, $kind, round $r)"
        run_one "$proto" remote-viewer - "$kind" "$r" || die "remote-viewer failed ($proto, $kind, round $r)"
    else
        run_one "$proto" remote-viewer - "$kind" "$r" || die "remote-viewer failed ($proto, $kind, round $r)"
        run_one "$proto" vireo default "$kind" "$r" || die "vireo failed ($proto, $kind, round $r)"
    fi
}

inner_main() {
    parse_args "$@"
    CLK_TCK=$(getconf CLK_TCK)
    mkdir -p "$BENCH_WORK/home" "$BENCH_WORK"/xdg/{config,cache,data,state}
    chmod 700 "$BENCH_WORK/home" "$BENCH_WORK"/xdg/*
    [[ -n $SHOTS ]] && mkdir -p "$SHOTS"
    RESULTS=$BENCH_WORK/results.tsv
    : >"$RESULTS"
    trap teardown_run EXIT
    trap 'exit 130' INT TERM

    local t0=$SECONDS proto r
    setup_guest || die "cannot set up the guest"
    IFS=, read -ra protos <<<"$PROTOCOLS"

    if [[ ,$PHASES, == *,static,* ]]; then
        [[ $STATIC_GUEST == paused ]] && { virsh -q suspend "$MACHINE" >/dev/null || die "cannot pause the guest"; }
        for proto in "${protos[@]}"; do
            note "static, $proto: warm-up and $RUNS rounds ($(uptime | sed 's/.*load/load/'))"
            if ((WARMUP)); then
                run_one "$proto" vireo default warmup 0 || die "vireo failed (warm-up, $proto)"
                run_one "$proto" vireo gl warmup 0 || die "vireo (GSK_RENDERER=gl) failed (warm-up, $proto)"
                run_one "$proto" remote-viewer - warmup 0 || die "remote-viewer failed (warm-up, $proto)"
            fi
            for ((r = 1; r <= RUNS; r++)); do round "$proto" static "$r"; done
        done
        [[ $STATIC_GUEST == paused ]] && { virsh -q resume "$MACHINE" >/dev/null || die "cannot resume the guest"; }
    fi

    if [[ ,$PHASES, == *,redraw,* ]]; then
        type_spin || die "cannot type at the guest's prompt"
        sleep 2
        local b1 b2
        b1=$(guest_blue)
        sleep 0.3
        b2=$(guest_blue)
        ((b1 != b2)) || note "warning: the guest's screen did not change in 0.3 s: is spin running?"
        for proto in "${protos[@]}"; do
            note "redraw, $proto: $RUNS rounds ($(uptime | sed 's/.*load/load/'))"
            for ((r = 1; r <= RUNS; r++)); do round "$proto" redraw "$r"; done
        done
    fi

    note "end: $(uptime); $((SECONDS - t0)) s in the sandbox"
    [[ -n $KEEP_RESULTS ]] && cp "$RESULTS" "$KEEP_RESULTS"
    echo "bench-console: vireo at $BENCH_VERSION, remote-viewer $(remote-viewer --version 2>&1 | sed 's/.*version //');" \
        "Xvfb 1280x800; $(nproc) CPUs; static phase: guest $STATIC_GUEST at grub>; windows: first frame" \
        "(90% of the final blue area), then $SETTLE s, then idle $IDLE s / redraw $REDRAW s;" \
        "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$PY" "$PROBE" summary "$RESULTS"
}

if bench_inside_sandbox "$@"; then
    shift
    inner_main "$@"
else
    outer_main "$@"
fi
