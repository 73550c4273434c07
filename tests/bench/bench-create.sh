#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-create.sh: a benchmark, not a test. A novice's way from an ISO in ~/Downloads to the
# guest's first frame on the console: Vireo's New Machine assistant (build/app/vireo, through
# vireo-hypervisor) against virt-manager's New VM wizard (Debian's package, installed here with
# apt-get when missing), on the same GRUB ISO (tests/sandbox/make-grub-iso.sh, built at run
# time), each with its defaults, inside tests/sandbox/sandbox.sh (real libvirtd, the helper
# with --accel=tcg, its own network namespace), under Xvfb.
#
# Each run has a fresh Xvfb (1280x800x24), session bus (and AT-SPI bus), HOME (mode 0700, as
# Debian 12 makes a home) with the ISO in HOME/Downloads and a user-dirs.dirs naming it, and
# no machine defined (every guest, volume and extra pool of the run before is removed; the
# default network runs and the default pool exists, as on a host that has been used once).
# bench-create.py starts the application, waits until it is ready (not timed), then drives it
# through AT-SPI and the pointer (xdotool) as a novice would, counting every page of the
# assistant it sees, every mouse click and every key; the clock runs from just before the first
# click to the first poll of the screen (XGetImage every 30 ms, once the last click is done)
# that shows the guest's picture: black with light grey text (SeaBIOS's banner, then GRUB),
# found by its pixels, the same rule for both (see bench-create.py). The driver acts as soon as
# a widget is there: the time is the applications', not a human's reading and pointing.
# After an untimed warm-up of each, RUNS rounds whose order alternates (vireo first, then
# virt-manager first).
#
# Usage: sudo tests/bench/bench-create.sh [OPTIONS]
#   --runs=N           timed rounds (default 3)
#   --tools=LIST       vireo,virt-manager (default both)
#   --no-warmup        skip the untimed warm-up runs
#   --timeout=S        seconds to wait for the guest's picture after the last click (default 120)
#   --iso-size=MIB     pad the ISO with zeros to MIB MiB (default: as built, under 1 MiB), the
#                      size of a real installer: Vireo's helper copies the medium into the
#                      default pool before it defines the machine, virt-manager uses it in place
#   --results=FILE     also keep every run's figures (tab-separated) in FILE
#   --screenshots=DIR  save the screen (PPM) at every first frame into DIR (and a PNG where a
#                      run fails)
#   --logs=DIR         keep each run's logs in DIR: the driver's, the application's, and
#                      virt-manager's own debug log (virt-manager.log)
#   --verbose          print every step of every run
#
# Environment: VIREO_APP (default <repo>/build/app/vireo), VIREO_HYPERVISOR (default
# <repo>/build/hypervisor/vireo-hypervisor); build them first with `ninja -C build`.
#
# The last lines printed:
#   vireo novice path: pages P, clicks C, keystrokes K, seconds S to the guest's first frame
#   virt-manager novice path: pages P, clicks C, keystrokes K, seconds S to the guest's first frame
#   ratio S(vireo)/S(virt-manager): R
# (medians over the runs).

set -uo pipefail

BENCH_NAME=bench-create
# shellcheck source=common.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"
DRIVER=$BENCH_DIR/bench-create.py
VIREO_APP=${VIREO_APP:-$REPO_ROOT/build/app/vireo}
VIREO_HYPERVISOR=${VIREO_HYPERVISOR:-$REPO_ROOT/build/hypervisor/vireo-hypervisor}
ISO_NAME=grub-rescue.iso

RUNS=3
TOOLS=vireo,virt-manager
WARMUP=1
TIMEOUT=120
ISO_SIZE=0
SHOTS=
LOGS=
KEEP_RESULTS=
VERBOSE=0

parse_args() {
    bench_parse_args --runs=RUNS --tools=TOOLS --no-warmup:WARMUP=0 --timeout=TIMEOUT --iso-size=ISO_SIZE \
        --results=@KEEP_RESULTS --screenshots=@SHOTS --logs=@LOGS --verbose:VERBOSE=1 -- "$@"
    [[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs must be at least 1"
    [[ $TOOLS =~ ^(vireo|virt-manager)(,(vireo|virt-manager))*$ ]] || die "--tools takes vireo and/or virt-manager"
    [[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "--timeout takes whole seconds"
    [[ $ISO_SIZE =~ ^[0-9]+$ ]] || die "--iso-size takes MiB"
}

has_tool() { [[ ,$TOOLS, == *,$1,* ]]; }

check_tools() {
    ((EUID == 0)) || die "run as root"
    [[ -x $VIREO_APP ]] || die "no $VIREO_APP: build with ninja -C $REPO_ROOT/build"
    [[ -x $VIREO_HYPERVISOR ]] || die "no $VIREO_HYPERVISOR: build with ninja -C $REPO_ROOT/build"
    [[ -f $REPO_ROOT/build/data/gschemas.compiled ]] || die "no build/data/gschemas.compiled"
    local t
    for t in Xvfb dbus-daemon gdbus virsh xdotool grub-mkrescue xorriso mformat; do
        command -v "$t" >/dev/null ||
            die "$t is missing (apt-get install xvfb dbus libvirt-clients xdotool grub-pc-bin xorriso mtools)"
    done
    [[ -x /usr/libexec/at-spi-bus-launcher ]] || die "at-spi2-core is missing"
    "$PY" -c 'import dogtail, pyatspi' 2>/dev/null || die "python3-dogtail is needed"
}

# virt-manager: Debian's package, installed for this benchmark only when it is missing.
ensure_virt_manager() {
    command -v virt-manager >/dev/null && return 0
    note "virt-manager is missing: apt-get install virt-manager"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y virt-manager \
        >"$WORK/apt.log" 2>&1 || { tail -n 5 "$WORK/apt.log" >&2; return 1; }
}

# teardown_run: ends this run's processes, last started first, each after what it started
# (what the session bus activated: the accessibility bus launcher, its dbus-daemon, the
# registry), deepest first, so that every process is reaped by its own parent. (As in
# bench-app-scale.sh.)
teardown_run() {
    local i p line rest
    local -A kids=()
    for p in /proc/[0-9]*/stat; do
        { read -r line <"$p"; } 2>/dev/null || continue
        rest=${line##*) }
        # shellcheck disable=SC2086  # split into fields on purpose
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

# ---------------------------------------------------------------------------------------------
# Outside the sandbox.

WORK=
outer_cleanup() { [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"; }

outer_main() {
    parse_args "$@"
    check_tools
    WORK=$(mktemp -d /tmp/bench-create.XXXXXX)
    chmod 0755 "$WORK"
    trap outer_cleanup EXIT
    trap 'exit 130' INT TERM
    if has_tool virt-manager; then
        ensure_virt_manager || die "cannot install virt-manager"
    fi
    mkdir -p "$WORK/bin"
    # The build may change under us (someone runs ninja): every run uses these copies.
    cp "$VIREO_APP" "$WORK/bin/vireo" && cp "$VIREO_HYPERVISOR" "$WORK/bin/vireo-hypervisor" ||
        die "cannot copy the binaries"
    cp -r "$REPO_ROOT/build/data" "$WORK/schemas" || die "cannot copy the GSettings schemas"
    "$REPO_ROOT/tests/sandbox/make-grub-iso.sh" "$WORK/$ISO_NAME" || die "cannot build the GRUB ISO"
    local have
    have=$(stat -c %s "$WORK/$ISO_NAME")
    if ((ISO_SIZE * 1048576 > have)); then
        # Zeros written, not a hole: read as a real medium is.
        head -c $((ISO_SIZE * 1048576 - have)) /dev/zero >>"$WORK/$ISO_NAME" || die "cannot pad the ISO"
    fi
    local version
    version=$(git -C "$REPO_ROOT" log -1 --format='%h %s' 2>/dev/null | cut -c1-60)
    git -C "$REPO_ROOT" diff --quiet HEAD -- app hypervisor lib ui viewer data 2>/dev/null ||
        version+=" (+ uncommitted changes)"
    note "start: $(uptime)"
    # Both under TCG: the helper runs with --accel=tcg, and virt-manager picks KVM whenever
    # /dev/kvm is there (on the development machines that is kvm_pvm, which QEMU cannot use:
    # "failed to set MSR"), so the sandbox has none unless VIREO_SANDBOX_HOST says otherwise.
    BENCH_WORK=$WORK BENCH_VERSION=$version VIREO_SANDBOX_QUIET=1 \
        VIREO_SANDBOX_HOST=${VIREO_SANDBOX_HOST:-no-kvm} \
        VIREO_HYPERVISOR=$WORK/bin/vireo-hypervisor VIREO_APP=$WORK/bin/vireo \
        bench_in_sandbox "$@"
}

# ---------------------------------------------------------------------------------------------
# Inside the sandbox.

# forget_guests: no domain, no volume in the default pool, no pool but the default one (virt-
# manager makes one for the ISO's folder): what the next run starts from.
forget_guests() {
    local d p v
    while read -r d; do
        [[ -n $d ]] || continue
        virsh -q destroy "$d" >/dev/null 2>&1
        virsh -q undefine "$d" --nvram >/dev/null 2>&1 || virsh -q undefine "$d" >/dev/null 2>&1
    done < <(virsh -q list --all --name)
    while read -r p _; do
        [[ -n $p && $p != default ]] || continue
        virsh -q pool-destroy "$p" >/dev/null 2>&1
        virsh -q pool-undefine "$p" >/dev/null 2>&1
    done < <(virsh -q pool-list --all)
    while read -r v _; do
        [[ -n $v ]] && virsh -q vol-delete --pool default "$v" >/dev/null 2>&1
    done < <(virsh -q vol-list default 2>/dev/null)
    [[ -z $(virsh -q list --all --name) ]]
}

setup_host() {
    local i
    for ((i = 0; i < 200; i++)); do
        gdbus call --system -d org.vireo.Hypervisor1 -o /org/vireo/Hypervisor1/Manager \
            -m org.freedesktop.DBus.Properties.Get org.vireo.Hypervisor1.Manager Connected 2>/dev/null |
            grep true >/dev/null && break
        sleep 0.1
    done
    # The default network, as Debian's libvirt-daemon-config-network defines and starts it.
    if ! virsh -q net-info default >/dev/null 2>&1; then
        virsh -q net-define /usr/share/libvirt/networks/default.xml >/dev/null || return 1
    fi
    virsh -q net-start default >/dev/null 2>&1
    [[ $(virsh -q net-info default) =~ Active:\ *yes ]] || { note "the default network does not start"; return 1; }
    # The default pool, as virt-manager or Vireo makes it the first time.
    if ! virsh -q pool-info default >/dev/null 2>&1; then
        mkdir -p /var/lib/libvirt/images
        virsh -q pool-define-as default dir --target /var/lib/libvirt/images >/dev/null &&
            virsh -q pool-start default >/dev/null && virsh -q pool-autostart default >/dev/null || return 1
    fi
}

# run_one TOOL KIND ROUND: KIND warmup (not recorded) or timed. Appends one line to $RESULTS.
RUN_N=0
run_one() {
    local tool=$1 kind=$2 round=$3 out t_start=$EPOCHREALTIME
    RUN_N=$((RUN_N + 1))
    RUN_DIR=$BENCH_WORK/run-$RUN_N
    mkdir -m 700 "$RUN_DIR"
    mkdir "$RUN_DIR/home" "$RUN_DIR/home/Downloads" "$RUN_DIR/config" "$RUN_DIR/runtime"
    chmod 0700 "$RUN_DIR/home" "$RUN_DIR/config" "$RUN_DIR/runtime"
    # (A link: the same file for every run, at no cost whatever its size.)
    ln "$BENCH_WORK/$ISO_NAME" "$RUN_DIR/home/Downloads/$ISO_NAME"
    chmod 0644 "$RUN_DIR/home/Downloads/$ISO_NAME"
    chmod 0755 "$RUN_DIR/home/Downloads"
    echo "XDG_DOWNLOAD_DIR=\"$RUN_DIR/home/Downloads\"" >"$RUN_DIR/config/user-dirs.dirs"
    # No animations in either toolkit: the driver clicks as soon as a widget is there, and a
    # page sliding in would move it under the pointer.
    mkdir -p "$RUN_DIR/config/gtk-3.0" "$RUN_DIR/config/gtk-4.0"
    printf '[Settings]\ngtk-enable-animations=0\n' >"$RUN_DIR/config/gtk-3.0/settings.ini"
    cp "$RUN_DIR/config/gtk-3.0/settings.ini" "$RUN_DIR/config/gtk-4.0/settings.ini"

    unset GTK_A11Y NO_AT_BRIDGE GSK_RENDERER GDK_DEBUG DBUS_SESSION_BUS_ADDRESS DISPLAY
    export HOME=$RUN_DIR/home XDG_CONFIG_HOME=$RUN_DIR/config XDG_RUNTIME_DIR=$RUN_DIR/runtime
    export XDG_CACHE_HOME=$BENCH_WORK/cache XDG_DATA_HOME=$RUN_DIR/data GSETTINGS_BACKEND=memory
    rm -f "$XDG_CACHE_HOME/virt-manager/virt-manager.log"
    export GSETTINGS_SCHEMA_DIR=$BENCH_WORK/schemas GDK_BACKEND=x11

    bench_start_x "$RUN_DIR" || { teardown_run; return 1; }

    local args=(--iso="$ISO_NAME" --timeout="$TIMEOUT" --log="$RUN_DIR/app.log")
    [[ $tool == vireo ]] && args+=(--app="$VIREO_APP")
    [[ -n $SHOTS ]] && args+=(--screenshot="$SHOTS/$tool-$kind-$round.ppm"
        --failure-screenshot="$SHOTS/$tool-$kind-$round-failed.png")
    ((VERBOSE)) && args+=(--trace)
    "$PY" "$DRIVER" "$tool" "${args[@]}" >"$RUN_DIR/result" 2>"$RUN_DIR/driver.log" &
    RUN_PIDS+=("$!")
    local driver=$!
    wait "$driver"
    local status=$?
    if [[ -n $LOGS ]]; then
        local f
        for f in "$RUN_DIR/driver.log" "$RUN_DIR/app.log" "$XDG_CACHE_HOME/virt-manager/virt-manager.log"; do
            [[ -f $f ]] && cp "$f" "$LOGS/$tool-$kind-$round-$(basename "$f")"
        done
    fi
    ((VERBOSE)) && cat "$RUN_DIR/driver.log" >&2
    out=$(grep '^result ' "$RUN_DIR/result")
    if ((status != 0)) || [[ -z $out ]]; then
        ((VERBOSE)) || tail -n 15 "$RUN_DIR/driver.log" >&2
        note "the driver ended with status $status; the end of $tool's log:"
        tail -n 15 "$RUN_DIR/app.log" >&2
        teardown_run
        forget_guests
        return 1
    fi
    teardown_run
    forget_guests || note "warning: a guest of $tool's run is still defined"
    rm -rf "$RUN_DIR"

    local _ pages clicks keys secs wizard waited driver steps
    read -r _ _ pages clicks keys secs wizard waited driver steps <<<"$out"
    note "$(printf '%-12s %-6s %s: pages %s, clicks %s, keystrokes %s, %s s to the first frame (wizard %s s: waiting %s s, driver %s s); run %.1f s' \
        "$tool" "$kind" "$round" "$pages" "$clicks" "$keys" "$secs" "$wizard" "$waited" "$driver" \
        "$(awk -v a="$t_start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')")"
    ((VERBOSE)) && note "  steps: $steps"
    [[ $kind == warmup ]] && return 0
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$round" "$pages" "$clicks" "$keys" "$secs" \
        "$wizard" "$waited" "$driver" "$steps" >>"$RESULTS"
}

inner_main() {
    parse_args "$@"
    mkdir -p "$BENCH_WORK/cache"
    [[ -n $SHOTS ]] && mkdir -p "$SHOTS"
    [[ -n $LOGS ]] && mkdir -p "$LOGS"
    RESULTS=$BENCH_WORK/results.tsv
    : >"$RESULTS"
    trap teardown_run EXIT
    trap 'exit 130' INT TERM
    local t0=$SECONDS r tool
    local -a order=()
    has_tool vireo && order+=(vireo)
    has_tool virt-manager && order+=(virt-manager)

    setup_host || die "cannot set up the sandbox's libvirt"
    forget_guests || die "cannot clear the sandbox's guests"
    note "load before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
    if ((WARMUP)); then
        for tool in "${order[@]}"; do run_one "$tool" warmup 0 || die "$tool failed (warm-up)"; done
    fi
    for ((r = 1; r <= RUNS; r++)); do
        if ((r % 2)); then
            for tool in "${order[@]}"; do run_one "$tool" timed "$r" || die "$tool failed (round $r)"; done
        else
            for ((i = ${#order[@]} - 1; i >= 0; i--)); do
                run_one "${order[i]}" timed "$r" || die "${order[i]} failed (round $r)"
            done
        fi
    done
    note "end: $(uptime); $((SECONDS - t0)) s in the sandbox"
    [[ -n $KEEP_RESULTS ]] && cp "$RESULTS" "$KEEP_RESULTS"
    echo "bench-create: vireo at $BENCH_VERSION, virt-manager $(virt-manager --version 2>&1 || echo -);" \
        "$(nproc) CPUs; Xvfb 1280x800; TCG guests; the ISO: $ISO_NAME (make-grub-iso.sh," \
        "$(($(stat -c %s "$BENCH_WORK/$ISO_NAME") / 1024)) KiB) in ~/Downloads;" \
        "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$PY" "$DRIVER" summary "$RESULTS"
}

if bench_inside_sandbox "$@"; then
    shift
    inner_main "$@"
else
    outer_main "$@"
fi
