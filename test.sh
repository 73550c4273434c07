#!/bin/bash
# Installs what Vireo needs, builds it, and runs every test suite: data, unit, D-Bus, the
# same unit and D-Bus suites under AddressSanitizer and UBSan, the sandboxed end-to-end
# suite with real libvirtd and QEMU guests (its console cases once more under ASan+UBSan),
# the UI suite (once more under ASan+UBSan), and the app against real guests in the sandbox.
# The whole D-Bus and end-to-end suites run as this host; as other kinds of host
# (tests/sandbox/host.sh: one without /dev/kvm, one with kvm_intel, kvm_pvm, kvm_amd) the
# helper's D-Bus suite and the end-to-end cases that depend on the kind. Ends with one line
# "N passed, N failed": a test that was skipped counts as failed, since every suite can run
# once what this script installs is there.
#
# Environment: VIREO_TEST_TIMEOUT_SCALE multiplies every time limit of the suites (default 1;
#              3 more under ASan); VIREO_TEST_HOSTS the kinds of host to run as (default:
#              "real no-kvm kvm-intel kvm-pvm kvm-amd").
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
cd "$(dirname "$(readlink -f "$0")")" || exit 1
. .ci/common.sh

require_root
install_packages $BUILD_PACKAGES $RUNTIME_PACKAGES $TEST_PACKAGES

# Every program and module the suites run is required: one that is missing fails here.
build_tree build -Dtest_dependencies=enabled
build_tree build-asan -Dtest_dependencies=enabled -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

passed=0
failed=0
not_passed=()
scale=${VIREO_TEST_TIMEOUT_SCALE:-1}
awk -v s="$scale" 'BEGIN { exit !(s + 0 > 0) }' || die "VIREO_TEST_TIMEOUT_SCALE must be a positive number, not \"$scale\""
export VIREO_TEST_TIMEOUT_SCALE=$scale

# run_suites LABEL DIR [MESON TEST ARGS...]: runs one meson test invocation and adds its
# results to the totals; a test that did not pass (failed, timed out, or skipped) is noted
# with LABEL.
run_suites() {
    local label=$1 dir=$2
    shift 2
    local log="$dir/meson-logs/testlog.json" multiplier=$scale
    # meson's own limits (the `timeout:` of each test) grow with the suites' ones.
    [[ $dir == build-asan ]] && multiplier=$(awk -v s="$scale" 'BEGIN { print s * 3 }')
    rm -f "$log"
    meson test -C "$dir" --print-errorlogs --timeout-multiplier "$multiplier" "$@"
    if [ -f "$log" ]; then
        local line
        while IFS= read -r line; do
            case $line in
            "OK "*) passed=$((passed + 1)) ;;
            *) failed=$((failed + 1)); not_passed+=("$label: $line") ;;
            esac
        done < <(/usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    ok = r["result"] in ("OK", "EXPECTEDFAIL")
    print(("OK " if ok else "") + r["name"] + " " + r["result"])' "$log")
    else
        failed=$((failed + 1))
        not_passed+=("$label: meson test $* wrote no log")
    fi
}

start=$(date +%s)
phase_label=""
phase_start=$start
timings=()
# phase LABEL: starts the next phase; notes how long the one before took.
phase() {
    local now
    now=$(date +%s)
    [[ -n $phase_label ]] && timings+=("$((now - phase_start)) s  $phase_label")
    phase_label=$1
    phase_start=$now
    [[ -n $phase_label ]] && echo "== $phase_label"
}

phase "data and unit suites"
run_suites "this host" build --suite data --suite unit
phase "unit and D-Bus suites under ASan+UBSan"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
run_suites "ASan" build-asan --suite unit --suite dbus
unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS

# The D-Bus and end-to-end suites as each kind of host. The first kind runs them all; the
# others run the helper's D-Bus suite (vireoctl's reads the same properties through it) and
# what of the end-to-end suite depends on the kind of host
# (e2e-host-kind: the accelerator properties, a guest started beside that kind's /dev/kvm;
# e2e-accel-auto: the helper's own choice): the other cases pin their guests to TCG and ask
# nothing of the host's kind, which keeps the whole run under 20 minutes on 2 CPUs.
first_kind=""
for kind in ${VIREO_TEST_HOSTS:-real no-kvm kvm-intel kvm-pvm kvm-amd}; do
    export VIREO_SANDBOX_HOST=$kind
    if [[ -z $first_kind ]]; then
        first_kind=$kind
        phase "as a $kind host: D-Bus and end-to-end suites (sandbox, real libvirtd and QEMU guests, consoles under Xvfb)"
        run_suites "$kind host" build --suite dbus --suite e2e
    else
        phase "as a $kind host: the helper's D-Bus suite, the end-to-end cases that depend on the host"
        run_suites "$kind host" build hypervisor-dbus e2e-host-kind e2e-accel-auto
    fi
done
unset VIREO_SANDBOX_HOST

# The consoles copy guest pixels around in C: their e2e cases once more with vireo-viewer and the
# helper under ASan+UBSan (no leak check: GTK's and spice-glib's caches are not leaks).
phase "console end-to-end cases under ASan+UBSan"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
run_suites "ASan" build-asan e2e-console
unset ASAN_OPTIONS UBSAN_OPTIONS
phase "UI suite (the app under Xvfb, driven through AT-SPI)"
run_suites "this host" build --suite ui
phase "the app against real guests (sandbox: consoles back and forth, an ignored shutdown, the helper restarted)"
run_suites "this host" build --suite e2e-ui
# The app once more with AddressSanitizer and UBSan: two launches, consoles switched, the
# assistant, the helper restarted under it (no leak check, as for the consoles). Its run against
# real guests (e2e-app) once only, above: the whole under 20 minutes on 2 CPUs.
phase "UI suite under ASan+UBSan"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# A third of its cases (states, consoles, the helper restarted, networks, NICs, quit): the whole
# under 20 minutes on 2 CPUs. The assistant runs under ASan in no suite now: its UI case (t) is
# the longest, and the helper's side of it runs under ASan in the D-Bus suite.
run_suites "ASan" build-asan --suite ui --test-args "a h j v w p"
unset ASAN_OPTIONS UBSAN_OPTIONS
phase ""
printf '== %s\n' "${timings[@]}"
echo "== took $(($(date +%s) - start)) s"

if [ "${#not_passed[@]}" -gt 0 ]; then
    echo "Did not pass (a skip counts as a failure):"
    printf '  %s\n' "${not_passed[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
