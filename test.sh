#!/bin/bash
# Installs what Vireo needs, builds it, and runs every test suite: data, unit, D-Bus, the
# same unit and D-Bus suites under AddressSanitizer and UBSan, the sandboxed end-to-end
# suite with real libvirtd and QEMU guests (its console cases once more under ASan+UBSan),
# and the UI suite. Ends with one line "N passed, N failed".
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
cd "$(dirname "$(readlink -f "$0")")" || exit 1
. .ci/common.sh

require_root
install_packages $BUILD_PACKAGES $RUNTIME_PACKAGES $TEST_PACKAGES

build_tree build
build_tree build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

passed=0
failed=0
skipped=0

# Runs one meson test invocation and adds its results to the totals.
run_suites() {
    local dir=$1
    shift
    local log="$dir/meson-logs/testlog.json"
    rm -f "$log"
    meson test -C "$dir" --print-errorlogs "$@"
    if [ -f "$log" ]; then
        local counts
        counts=$(/usr/bin/python3 -c '
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): p += 1
    elif r == "SKIP": s += 1
    else: f += 1
print(p, f, s)' "$log")
        set -- $counts
        passed=$((passed + $1)); failed=$((failed + $2)); skipped=$((skipped + $3))
    else
        failed=$((failed + 1))
    fi
}

start=$(date +%s)
echo "== data, unit and D-Bus suites"
run_suites build --suite data --suite unit --suite dbus
echo "== unit and D-Bus suites under ASan+UBSan"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
run_suites build-asan --suite unit --suite dbus
unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
echo "== end-to-end suite (sandbox, real libvirtd and QEMU guests, consoles under Xvfb)"
run_suites build --suite e2e
# The consoles copy guest pixels around in C: their e2e cases once more with vireo-viewer and the
# helper under ASan+UBSan (no leak check: GTK's and spice-glib's caches are not leaks).
echo "== console end-to-end cases under ASan+UBSan"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
run_suites build-asan e2e-console
unset ASAN_OPTIONS UBSAN_OPTIONS
echo "== UI suite (the app under Xvfb, driven through AT-SPI)"
run_suites build --suite ui
echo "== took $(( $(date +%s) - start )) s"

if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
