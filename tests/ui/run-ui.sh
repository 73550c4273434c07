#!/bin/bash
# Runs a UI test against the real app, hermetically enough for a shared machine:
#   run-ui.sh TESTSCRIPT [ARGS...]
#
# Starts, each with its own pid and torn down by that pid at the end:
#   - Xvfb on a free display (-displayfd picks it);
#   - a private dbus-daemon used as the *system* bus (DBUS_SYSTEM_BUS_ADDRESS);
#   - the polkit mock (python3-dbusmock's polkitd template, AllowUnknown(true));
#   - vireo-hypervisor with libvirt's test driver on $VIREO_FIXTURE (without it, on a private
#     copy of tests/fixtures/machines.xml made by tests/fixtures/with-fixture.py);
# then runs TESTSCRIPT (with /usr/bin/python3 when it ends in .py) under dbus-run-session,
# which gives the test and the app their session bus and, through at-spi2-core's bus
# launcher, the AT-SPI bus. The script's exit status is this script's exit status.
#
# Exported to the test:
#   VIREO_APP, VIREO_HYPERVISOR, VIREO_FIXTURE    what to run, and on what
#   VIREO_HELPER_CTL                              "$VIREO_HELPER_CTL stop|start|status"
#   VIREO_HELPER_STOP, VIREO_HELPER_START         the same two commands, spelled out
#   VIREO_UI_RUNDIR                               scratch dir (pid files, bus socket, logs)
#   VIREO_UI_APP_PIDFILE                          the test writes the app's pid here; it is
#                                                 ended at teardown if the test could not
#   VIREO_UI_ARTIFACTS                            screenshots and logs (kept)
#   DISPLAY, DBUS_SYSTEM_BUS_ADDRESS, GSETTINGS_SCHEMA_DIR, GSETTINGS_BACKEND=dconf with a
#   private XDG_CONFIG_HOME (settings kept between launches of the app in one run),
#   XDG_RUNTIME_DIR (private), LC_ALL=C.UTF-8
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u

if [ $# -lt 1 ]; then
    echo "usage: $0 TESTSCRIPT [ARGS...]" >&2
    exit 2
fi

HERE=$(dirname "$(readlink -f "$0")")
SRC=$(readlink -f "$HERE/../..")
# The fixture's disks name host paths: never hand those to a helper that may delete them. Without
# VIREO_FIXTURE, run on a private copy of machines.xml (tests/fixtures/with-fixture.py).
if [ -z "${VIREO_FIXTURE:-}" ]; then
    exec /usr/bin/python3 "$SRC/tests/fixtures/with-fixture.py" "$(readlink -f "$0")" "$@"
fi
: "${VIREO_APP:=$SRC/build/app/vireo}"
: "${VIREO_HYPERVISOR:=$SRC/build/hypervisor/vireo-hypervisor}"
: "${VIREO_VIEWER:=$SRC/build/viewer/vireo-viewer}"
: "${VIREO_UI_ARTIFACTS:=$(dirname "$(dirname "$(readlink -f "$VIREO_APP")")")/tests/ui-artifacts}"
: "${GSETTINGS_SCHEMA_DIR:=$(dirname "$(dirname "$(readlink -f "$VIREO_APP")")")/data}"
PYTHON=/usr/bin/python3

for f in "$VIREO_APP" "$VIREO_HYPERVISOR"; do
    if [ ! -x "$f" ]; then
        echo "run-ui: $f is missing; build first (ninja -C build)" >&2
        exit 1
    fi
done
# Missing tools are an installation problem (./test.sh installs them), not a reason to skip.
for tool in Xvfb dbus-daemon dbus-run-session gdbus import xdotool; do
    if ! command -v "$tool" >/dev/null; then
        echo "run-ui: $tool is not installed" >&2
        exit 1
    fi
done
if ! "$PYTHON" -c 'import dbusmock, pyatspi, dogtail' 2>/dev/null; then
    echo "run-ui: $PYTHON lacks dbusmock, pyatspi or dogtail" >&2
    exit 1
fi

VIREO_APP=$(readlink -f "$VIREO_APP")
VIREO_HYPERVISOR=$(readlink -f "$VIREO_HYPERVISOR")
VIREO_FIXTURE=$(readlink -f "$VIREO_FIXTURE")
mkdir -p "$VIREO_UI_ARTIFACTS"
VIREO_UI_ARTIFACTS=$(readlink -f "$VIREO_UI_ARTIFACTS")
RUNDIR=$(mktemp -d /tmp/vireo-ui.XXXXXX)

XVFB_PID='' BUS_PID='' MOCK_PID='' RUN_PID=''

log() { echo "run-ui: $*" >&2; }

end_pid() {  # end_pid PID NAME: TERM, then KILL after 3 s
    local pid=$1
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$2 ($pid) did not end on TERM; KILL"
        kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    return 0
}

descendants() {  # descendants PID: its children's pids, theirs, ... (deepest first)
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        descendants "$child"
        echo "$child"
    done
}

teardown() {
    local pid pids
    if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then
        # Interrupted: the test, the app, the session bus and the AT-SPI bus are all below it.
        pids="$(descendants "$RUN_PID") $RUN_PID"
        log "interrupted; ending the test ($pids)"
        kill -TERM $pids 2>/dev/null
        for _ in $(seq 30); do
            pid=
            for p in $pids; do kill -0 "$p" 2>/dev/null && pid=$p; done
            [ -z "$pid" ] && break
            sleep 0.1
        done
        kill -KILL $pids 2>/dev/null
        wait "$RUN_PID" 2>/dev/null
    fi
    if [ -s "$RUNDIR/app.pid" ]; then
        pid=$(cat "$RUNDIR/app.pid")
        if kill -0 "$pid" 2>/dev/null; then
            log "the app ($pid) outlived the test; ending it"
            end_pid "$pid" app
        fi
    fi
    "$RUNDIR/helper-ctl" stop >/dev/null 2>&1
    end_pid "$MOCK_PID" polkit-mock
    end_pid "$BUS_PID" dbus-daemon
    end_pid "$XVFB_PID" Xvfb
    cp -f "$RUNDIR"/*.log "$VIREO_UI_ARTIFACTS"/ 2>/dev/null
    rm -rf "$RUNDIR"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

# Xvfb on a free display from :100 up (low numbers are what people type by hand; the
# AT-SPI bus launcher names its socket after the display number, so sharing one would
# also share the accessibility bus).
DISPLAY_NUM=
for n in $(seq 100 199); do
    [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
    Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp -noreset >"$RUNDIR/xvfb.log" 2>&1 &
    XVFB_PID=$!
    for _ in $(seq 100); do
        [ -e "/tmp/.X11-unix/X$n" ] && break
        kill -0 $XVFB_PID 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 $XVFB_PID 2>/dev/null && [ -e "/tmp/.X11-unix/X$n" ]; then
        DISPLAY_NUM=$n
        break
    fi
    end_pid "$XVFB_PID" Xvfb     # lost a race for :$n; try the next one
    XVFB_PID=
done
if [ -z "$DISPLAY_NUM" ]; then
    log "Xvfb did not start"; cat "$RUNDIR/xvfb.log" >&2; exit 1
fi
export DISPLAY=:$DISPLAY_NUM

# A private bus standing in for the system bus: anyone may own and call anything.
cat >"$RUNDIR/system-bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$RUNDIR/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
CONF
dbus-daemon --config-file="$RUNDIR/system-bus.conf" --nofork --nopidfile --print-address=6 \
    6>"$RUNDIR/bus-address" >"$RUNDIR/system-bus.log" 2>&1 &
BUS_PID=$!
for _ in $(seq 100); do
    [ -s "$RUNDIR/bus-address" ] && break
    kill -0 $BUS_PID 2>/dev/null || break
    sleep 0.1
done
if [ ! -s "$RUNDIR/bus-address" ]; then
    log "dbus-daemon did not start"; cat "$RUNDIR/system-bus.log" >&2; exit 1
fi
DBUS_SYSTEM_BUS_ADDRESS=$(head -1 "$RUNDIR/bus-address")
export DBUS_SYSTEM_BUS_ADDRESS

# polkit: allow everything.
"$PYTHON" -m dbusmock --template polkitd >"$RUNDIR/polkit-mock.log" 2>&1 &
MOCK_PID=$!
if ! gdbus wait --system --timeout 10 org.freedesktop.PolicyKit1; then
    log "the polkit mock did not appear"; cat "$RUNDIR/polkit-mock.log" >&2; exit 1
fi
gdbus call --system -d org.freedesktop.PolicyKit1 -o /org/freedesktop/PolicyKit1/Authority \
    -m org.freedesktop.DBus.Mock.AllowUnknown true >/dev/null || exit 1

# The helper, startable and stoppable by the test.
cat >"$RUNDIR/helper-ctl" <<CTL
#!/bin/bash
# helper-ctl stop|start|status: the helper of this UI run (pid in $RUNDIR/helper.pid).
set -u
PIDFILE="$RUNDIR/helper.pid"
running() { [ -s "\$PIDFILE" ] && kill -0 "\$(cat "\$PIDFILE")" 2>/dev/null; }
case "\${1:-}" in
start)
    if running; then echo "helper already running (\$(cat "\$PIDFILE"))"; exit 0; fi
    DBUS_SYSTEM_BUS_ADDRESS='$DBUS_SYSTEM_BUS_ADDRESS' '$VIREO_HYPERVISOR' \\
        --address='$DBUS_SYSTEM_BUS_ADDRESS' --libvirt-uri='test://$VIREO_FIXTURE' \\
        </dev/null >>"$RUNDIR/helper.log" 2>&1 &
    echo \$! >"\$PIDFILE"
    if ! DBUS_SYSTEM_BUS_ADDRESS='$DBUS_SYSTEM_BUS_ADDRESS' gdbus wait --system --timeout 15 org.vireo.Hypervisor1; then
        echo "helper did not take its bus name" >&2; exit 1
    fi
    echo "helper started (\$(cat "\$PIDFILE"))";;
stop)
    if ! running; then rm -f "\$PIDFILE"; echo "helper not running"; exit 0; fi
    pid=\$(cat "\$PIDFILE")
    kill -TERM "\$pid"
    for i in \$(seq 50); do kill -0 "\$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "\$pid" 2>/dev/null && kill -KILL "\$pid"
    rm -f "\$PIDFILE"
    echo "helper stopped (\$pid)";;
status)
    if running; then echo "running \$(cat "\$PIDFILE")"; else echo stopped; exit 1; fi;;
*)
    echo "usage: \$0 stop|start|status" >&2; exit 2;;
esac
CTL
chmod +x "$RUNDIR/helper-ctl"
"$RUNDIR/helper-ctl" start >&2 || { cat "$RUNDIR/helper.log" >&2; exit 1; }

export VIREO_APP VIREO_HYPERVISOR VIREO_VIEWER VIREO_FIXTURE VIREO_UI_ARTIFACTS GSETTINGS_SCHEMA_DIR
export VIREO_UI_RUNDIR=$RUNDIR
export VIREO_UI_APP_PIDFILE=$RUNDIR/app.pid
export VIREO_HELPER_CTL=$RUNDIR/helper-ctl
export VIREO_HELPER_STOP="$RUNDIR/helper-ctl stop"
export VIREO_HELPER_START="$RUNDIR/helper-ctl start"
# Settings in a real backend (dconf, started on the session bus), kept from one launch of the
# app to the next within this run, and starting empty for each run.
export GSETTINGS_BACKEND=dconf
export XDG_CONFIG_HOME=$RUNDIR/config
mkdir -p "$XDG_CONFIG_HOME/gtk-4.0"
# No animations: a click that lands while the leaflet still slides is lost (as it would be for
# a person), and AT-SPI gives the final place of a widget, not where it is drawn meanwhile.
printf '[Settings]\ngtk-enable-animations=0\n' >"$XDG_CONFIG_HOME/gtk-4.0/settings.ini"
export GDK_BACKEND=x11
export LC_ALL=C.UTF-8
# A runtime dir of our own: the AT-SPI bus launcher puts its socket there (at-spi/bus_N)
# instead of in ~/.cache, where another run on the same display number would find it.
export XDG_RUNTIME_DIR=$RUNDIR/runtime
mkdir -m 0700 "$XDG_RUNTIME_DIR"
unset WAYLAND_DISPLAY GTK_A11Y NO_AT_BRIDGE GTK_MODULES
log "DISPLAY=$DISPLAY system bus $DBUS_SYSTEM_BUS_ADDRESS artefacts in $VIREO_UI_ARTIFACTS"

SCRIPT=$1; shift
case "$SCRIPT" in
*.py) set -- "$PYTHON" "$SCRIPT" "$@";;
*)    set -- "$SCRIPT" "$@";;
esac
# In the background, so that a signal to this script is handled at once (bash runs traps
# only between commands) and the teardown can end the test's whole tree.
# The TAP stream on descriptor 3: what dbus-run-session's daemons print (the AT-SPI registry
# says it runs) goes to standard error.
VIREO_TAP_FD=3 dbus-run-session -- "$@" 3>&1 1>&2 &
RUN_PID=$!
wait $RUN_PID
status=$?
RUN_PID=
exit $status
