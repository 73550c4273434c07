#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Probes and the summary for bench-app-scale.sh; python3-gi (Gio) only, run with /usr/bin/python3.

helper-ready and shown start the process they time themselves, through a "gate": the shell
has already forked `( read <FIFO; exec PROGRAM ) &`, so the process is the shell's own child
and its pid is known; the probe finishes its own set-up, takes t0, then writes one line into
FIFO, which lets the exec happen. Neither the probe's start nor its set-up is part of what it times.

  bench-app-scale.py helper-ready --gate=FIFO --machines=N [--timeout=S]
      Bus: $DBUS_SYSTEM_BUS_ADDRESS. Opens the gate of vireo-hypervisor, then polls every 20 ms
      until org.vireo.Hypervisor1 is owned, Manager.Connected is true and GetManagedObjects
      lists exactly N objects with org.vireo.Hypervisor1.Machine. Prints "ready SECONDS".

  bench-app-scale.py shown --gate=FIFO --pid=PID [--name-re=RE] [--timeout=S]
                                 [--screenshot=FILE]
      Bus: $DBUS_SESSION_BUS_ADDRESS (its org.a11y.Bus gives the accessibility bus). Starts the
      accessibility bus and its registry first (as on a desktop session, where they already
      run), opens the gate of the application, then polls its accessible tree until the list
      is shown with rows: some accessible whose role is list, list box, table, tree or tree
      table has, among its first 16 children, a row whose own name or whose children's or
      grandchildren's names begin with a machine name (RE, default "vm-[0-9]{4,}"; the
      fixture's names), and that accessible has a non-empty extent on screen (Component.
      GetExtents): GTK 4 creates a GtkListView's row widgets, and so their accessibles, as
      soon as the model has items, but gives them a size only when it lays the list out, in
      the frame that then paints it; GTK 3 gives a tree view's cells their area in the same
      way. Prints "shown SECONDS POLLS ROWS", ROWS being when the first poll saw a machine's
      row, with or without a size. With --screenshot, then saves the screen
      (ImageMagick's import) to check by eye what "shown" looked like. PID's descendants count
      as the application too (for runs under strace or perf).

  bench-app-scale.py rows FIXTURE OUT
      Writes the rows Vireo shows for FIXTURE's machines (gen-fixture.py's: no titles), one
      "name<TAB>State · N vCPUs · MEMORY" per line, for the floor (bench-floor.c).

  bench-app-scale.py summary RESULTS.tsv
      Prints medians and ratios from the runs bench-app-scale.sh recorded, ending with one line
      per size.

The probe talks AT-SPI over D-Bus itself (no libatspi: no client-side cache that could lag),
and never asks a list for all its children: GetChildren on a GtkTreeView of 1000 rows would
make GTK 3 create an accessible for every cell and would distort what is measured. A list is
read with ChildCount and GetChildAtIndex for its first 16 children only.
"""

import argparse
import os
import re
import subprocess
import sys
import time

from gi.repository import Gio, GLib

ACC = "org.a11y.atspi.Accessible"
ROOT = "/org/a11y/atspi/accessible/root"
# AT-SPI roles (atspi-constants.h).
ROLE_LIST, ROLE_TABLE, ROLE_TREE, ROLE_TREE_TABLE, ROLE_LIST_BOX = 31, 55, 65, 66, 98
LIST_ROLES = {ROLE_LIST, ROLE_TABLE, ROLE_TREE, ROLE_TREE_TABLE, ROLE_LIST_BOX}
# Leaves and menus: never hold the machine list; skipping them keeps a walk short.
SKIP_ROLES = {29, 43, 27, 48, 34, 33, 35, 62, 8, 50, 57, 61, 79}
ROWS_LOOKED_AT = 16


def connect(address):
    return Gio.DBusConnection.new_for_address_sync(
        address,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
        | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None, None)


def call(conn, dest, path, iface, method, args=None, reply=None, timeout_ms=10000):
    return conn.call_sync(dest, path, iface, method, args,
                          GLib.VariantType.new(reply) if reply else None,
                          Gio.DBusCallFlags.NONE, timeout_ms, None).unpack()


def open_gate(fifo):
    """Lets the gated exec happen; returns t0 (time.monotonic) taken just before."""
    fd = os.open(fifo, os.O_WRONLY)
    t0 = time.monotonic()
    os.write(fd, b"go\n")
    os.close(fd)
    return t0


def wall_deadline(timeout):
    return time.monotonic() + timeout


# ------------------------------------------------------------------------------------------
# helper-ready

def helper_ready(args):
    conn = connect(os.environ["DBUS_SYSTEM_BUS_ADDRESS"])
    t0 = open_gate(args.gate)
    deadline = wall_deadline(args.timeout)
    last = "no org.vireo.Hypervisor1 on the bus"
    while time.monotonic() < deadline:
        try:
            owned = call(conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                         "org.freedesktop.DBus", "NameHasOwner",
                         GLib.Variant("(s)", ("org.vireo.Hypervisor1",)), "(b)")[0]
            if owned:
                connected = call(conn, "org.vireo.Hypervisor1", "/org/vireo/Hypervisor1/Manager",
                                 "org.freedesktop.DBus.Properties", "Get",
                                 GLib.Variant("(ss)", ("org.vireo.Hypervisor1.Manager",
                                                       "Connected")),
                                 "(v)")[0]
                if connected:
                    objs = call(conn, "org.vireo.Hypervisor1", "/org/vireo/Hypervisor1",
                                "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", None,
                                "(a{oa{sa{sv}}})", timeout_ms=60000)[0]
                    n = sum(1 for ifaces in objs.values()
                            if "org.vireo.Hypervisor1.Machine" in ifaces)
                    if n == args.machines:
                        print("ready %.4f" % (time.monotonic() - t0))
                        return 0
                    last = "%d of %d machines exported" % (n, args.machines)
                else:
                    last = "Manager.Connected is false"
        except GLib.Error as e:
            last = e.message
        time.sleep(0.02)
    sys.stderr.write("bench-app-scale: helper not ready after %d s: %s\n" % (args.timeout, last))
    return 1


# ------------------------------------------------------------------------------------------
# shown

class App:
    """One application's accessible tree on the accessibility bus."""

    def __init__(self, conn, name):
        self.conn, self.name = conn, name

    def _acc(self, path, method, args=None, reply=None):
        return call(self.conn, self.name, path, ACC, method, args, reply)

    def prop(self, path, prop, reply_type):
        v = call(self.conn, self.name, path, "org.freedesktop.DBus.Properties", "Get",
                 GLib.Variant("(ss)", (ACC, prop)), "(v)")[0]
        return v

    def role(self, path):
        return self._acc(path, "GetRole", None, "(u)")[0]

    def children(self, path):
        return [p for (n, p) in self._acc(path, "GetChildren", None, "(a(so))")[0]
                if n == self.name]

    def child_at(self, path, i):
        n, p = self._acc(path, "GetChildAtIndex", GLib.Variant("(i)", (i,)), "((so))")[0]
        return p if n == self.name and p != "/org/a11y/atspi/null" else None

    def find_lists(self):
        """Paths of every list-like accessible, walking the tree but not into lists."""
        found, stack, seen = [], [ROOT], set()
        while stack:
            path = stack.pop()
            if path in seen:
                continue
            seen.add(path)
            r = self.role(path)
            if r in LIST_ROLES:
                found.append(path)
            elif r not in SKIP_ROLES:
                stack.extend(reversed(self.children(path)))
        return found

    def extents(self, path):
        """(x, y, width, height) of an accessible; GTK 4 gives 0 x 0 until it is allocated."""
        return call(self.conn, self.name, path, "org.a11y.atspi.Component", "GetExtents",
                    GLib.Variant("(u)", (0,)), "((iiii))")[0]

    def named_below(self, path, depth):
        """(name, path) of path and of its descendants down to depth, 8 children a level."""
        out = [(self.prop(path, "Name", "s"), path)]
        if depth > 0:
            n = self.prop(path, "ChildCount", "i")
            for i in range(min(n, 8)):
                c = self.child_at(path, i)
                if c:
                    out.extend(self.named_below(c, depth - 1))
        return out

    def list_has_machine_row(self, path, name_re):
        """2 when one of the first rows is a machine's and has a place on screen, 1 when such
        a row exists but has no size yet, 0 otherwise."""
        found = 0
        n = self.prop(path, "ChildCount", "i")
        for i in range(min(n, ROWS_LOOKED_AT)):
            c = self.child_at(path, i)
            if not c:
                continue
            for name, p in self.named_below(c, 2):
                if name_re.match(name):
                    x, y, w, h = self.extents(p)
                    if w > 0 and h > 0:
                        return 2
                    found = 1
        return found


def a11y_bus(session):
    # org.a11y.Bus is activatable: this starts at-spi-bus-launcher if it is not running yet.
    return call(session, "org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress", None, "(s)",
                timeout_ms=30000)[0]


def descends_from(p, pid):
    """Whether process p is pid or one of its descendants (e.g. under strace or perf)."""
    for _ in range(16):
        if p == pid:
            return True
        try:
            with open("/proc/%d/stat" % p) as f:
                p = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
        if p <= 1:
            return False
    return False


def find_app(a11y, pid):
    names = call(a11y, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                 "ListNames", None, "(as)")[0]
    for name in names:
        if not name.startswith(":"):
            continue
        try:
            p = call(a11y, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                     "GetConnectionUnixProcessID", GLib.Variant("(s)", (name,)), "(u)")[0]
        except GLib.Error:
            continue
        if descends_from(p, pid):
            app = App(a11y, name)
            try:
                if app.prop(ROOT, "ChildCount", "i") > 0:
                    return app
            except GLib.Error:
                pass
    return None


def shown(args):
    name_re = re.compile(args.name_re)
    session = connect(os.environ["DBUS_SESSION_BUS_ADDRESS"])
    a11y = connect(a11y_bus(session))
    # The registry is activatable on the accessibility bus; start it now, as a desktop would have.
    call(a11y, "org.a11y.atspi.Registry", ROOT, "org.freedesktop.DBus.Peer", "Ping",
         timeout_ms=30000)

    t0 = open_gate(args.gate)
    deadline = wall_deadline(args.timeout)
    app, lists, polls, last_walk, t_rows = None, [], 0, 0.0, None
    while time.monotonic() < deadline:
        polls += 1
        try:
            if app is None:
                app = find_app(a11y, args.pid)
            if app is not None:
                now = time.monotonic()
                if not lists or now - last_walk > 0.5:
                    lists, last_walk = app.find_lists(), now
                for path in lists:
                    state = app.list_has_machine_row(path, name_re)
                    if state and t_rows is None:
                        t_rows = time.monotonic() - t0
                    if state == 2:
                        t = time.monotonic() - t0
                        print("shown %.4f %d %.4f" % (t, polls, t_rows), flush=True)
                        if args.screenshot:
                            subprocess.run(["import", "-window", "root", args.screenshot],
                                           check=False)
                        return 0
        except GLib.Error:
            # The application went away or is rebuilding its tree: look again.
            lists = []
            if not os.path.exists("/proc/%d" % args.pid):
                break
        time.sleep(args.interval)
    sys.stderr.write("bench-app-scale: no machine row shown by pid %d within %d s (%d polls)\n"
                     % (args.pid, args.timeout, polls))
    return 1


# ------------------------------------------------------------------------------------------
# rows

def rows(args):
    import xml.etree.ElementTree as ET
    ns = {"test": "http://libvirt.org/schemas/domain/test/1.0"}
    states = {"1": "Running", "2": "Running", "3": "Paused", "5": "Shut Off"}
    out = []
    for dom in ET.parse(args.fixture).getroot().iter("domain"):
        name = dom.findtext("name")
        vcpus = int(dom.findtext("vcpu"))
        mem = dom.find("memory")
        mib = int(mem.text) // (1024 if mem.get("unit", "KiB") == "KiB" else 1)
        # As g_format_size_full (IEC units) writes it, which Vireo uses.
        size = "%.1f\u00a0MiB" % mib if mib < 1024 else "%.1f\u00a0GiB" % (mib / 1024)
        state = states.get(dom.findtext("test:runstate", "5", ns), "Unknown")
        out.append("%s\t%s · %d vCPU%s · %s" % (name, state, vcpus, "" if vcpus == 1 else "s", size))
    with open(args.out, "w") as f:
        f.write("\n".join(sorted(out)) + "\n")
    return 0


# ------------------------------------------------------------------------------------------
# summary

FIELDS = ("size app variant kind round shown polls rss pss rss_end pss_end cpu "
          "helper_ready helper_pss helper_cpu").split()


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def fmt(x, spec, unit=""):
    return "n/a" if x is None else (spec % x) + unit


def ratio(a, b):
    return None if a is None or not b else a / b


def summary(args):
    rows = []
    with open(args.results) as f:
        for line in f:
            vals = line.rstrip("\n").split("\t")
            if len(vals) != len(FIELDS):
                continue
            r = dict(zip(FIELDS, vals))
            for k in FIELDS[5:]:
                r[k] = float(r[k]) if r[k] not in ("", "-") else None
            r["size"] = int(r["size"])
            rows.append(r)

    def pick(size, app, variant, kind, field, scale=1.0):
        return [r[field] * scale for r in rows
                if r["size"] == size and r["app"] == app and r["variant"] == variant
                and r["kind"] in kind and r[field] is not None]

    mib = 1 / 1024
    finals = []
    for size in sorted({r["size"] for r in rows}):
        running, paused = size * 4 // 10, size // 10
        series = {
            "v_time": pick(size, "vireo", "gl", ("time",), "shown"),
            "v_time_own": pick(size, "vireo", "own", ("full",), "shown"),
            "m_time": pick(size, "virt-manager", "-", ("full",), "shown"),
            "f_time": pick(size, "floor", "-", ("time",), "shown"),
            "v_rss": pick(size, "vireo", "own", ("full",), "rss", mib),
            "v_pss": pick(size, "vireo", "own", ("full",), "pss", mib),
            "v_pss_end": pick(size, "vireo", "own", ("full",), "pss_end", mib),
            "v_rss_end": pick(size, "vireo", "own", ("full",), "rss_end", mib),
            "m_rss_end": pick(size, "virt-manager", "-", ("full",), "rss_end", mib),
            "vgl_rss": pick(size, "vireo", "gl", ("mem",), "rss", mib),
            "vgl_pss": pick(size, "vireo", "gl", ("mem",), "pss", mib),
            "m_rss": pick(size, "virt-manager", "-", ("full",), "rss", mib),
            "m_pss": pick(size, "virt-manager", "-", ("full",), "pss", mib),
            "m_pss_end": pick(size, "virt-manager", "-", ("full",), "pss_end", mib),
            "v_cpu": pick(size, "vireo", "own", ("full",), "cpu"),
            "m_cpu": pick(size, "virt-manager", "-", ("full",), "cpu"),
            "h_ready": pick(size, "vireo", "gl", ("time", "mem"), "helper_ready")
            + pick(size, "vireo", "own", ("full",), "helper_ready"),
            "h_pss": pick(size, "vireo", "own", ("full",), "helper_pss", mib),
            "h_cpu": pick(size, "vireo", "own", ("full",), "helper_cpu"),
        }
        med = {k: median(v) for k, v in series.items()}
        v_time, v_time_own, m_time = series["v_time"], series["v_time_own"], series["m_time"]
        v_pss, vgl_pss, m_pss = series["v_pss"], series["vgl_pss"], series["m_pss"]
        v_cpu, m_cpu = series["v_cpu"], series["m_cpu"]

        print("%d machines (%d running, %d paused, %d shut off); medians of %d/%d runs "
              "(vireo/virt-manager):" % (size, running, paused, size - running - paused,
                                         len(v_time), len(m_time)))
        print("  vireo-hypervisor load (exec to Connected with all %d machines exported): %s"
              % (size, fmt(med["h_ready"], "%.2f", " s")))
        print("  list shown: vireo %s (with GSK_RENDERER=gl %s), virt-manager %s, ratio %s"
              % (fmt(med["v_time_own"], "%.2f", " s"), fmt(med["v_time"], "%.2f", " s"),
                 fmt(med["m_time"], "%.2f", " s"), fmt(ratio(med["v_time_own"], med["m_time"]), "%.2f")))
        print("  RSS %d s after shown: vireo %s (GL renderer %s), virt-manager %s, ratio %s "
              "(GL: %s)" % (args.memory_at, fmt(med["v_rss"], "%.0f", " MiB"),
                            fmt(med["vgl_rss"], "%.0f", " MiB"), fmt(med["m_rss"], "%.0f", " MiB"),
                            fmt(ratio(med["v_rss"], med["m_rss"]), "%.2f"),
                            fmt(ratio(med["vgl_rss"], med["m_rss"]), "%.2f")))
        print("  PSS %d s after shown: vireo %s (GL renderer %s), virt-manager %s, ratio %s "
              "(GL: %s)" % (args.memory_at, fmt(med["v_pss"], "%.0f", " MiB"),
                            fmt(med["vgl_pss"], "%.0f", " MiB"), fmt(med["m_pss"], "%.0f", " MiB"),
                            fmt(ratio(med["v_pss"], med["m_pss"]), "%.2f"),
                            fmt(ratio(med["vgl_pss"], med["m_pss"]), "%.2f")))
        print("  at the end of the idle window: RSS vireo %s, virt-manager %s; PSS vireo %s, "
              "virt-manager %s" % (fmt(med["v_rss_end"], "%.0f", " MiB"),
                                   fmt(med["m_rss_end"], "%.0f", " MiB"),
                                   fmt(med["v_pss_end"], "%.0f", " MiB"),
                                   fmt(med["m_pss_end"], "%.0f", " MiB")))
        print("  idle CPU (%s): vireo %s, virt-manager %s; vireo-hypervisor meanwhile %s, PSS %s"
              % (args.idle_window, fmt(med["v_cpu"], "%.1f", "%"), fmt(med["m_cpu"], "%.1f", "%"),
                 fmt(med["h_cpu"], "%.1f", "%"), fmt(med["h_pss"], "%.0f", " MiB")))
        print("  floor (bench-floor.c: a bare GTK 4 + libadwaita window with a list view of the "
              "same rows): %s; vireo/floor %s" % (fmt(med["f_time"], "%.2f", " s"),
                                                 fmt(ratio(med["v_time_own"], med["f_time"]), "%.1f")))
        print("  runs, list shown (s): vireo %s; GL %s; virt-manager %s; floor %s"
              % (" ".join("%.2f" % x for x in v_time_own), " ".join("%.2f" % x for x in v_time),
                 " ".join("%.2f" % x for x in m_time), " ".join("%.2f" % x for x in series["f_time"])))
        print("  runs, PSS (MiB): vireo %s; GL %s; virt-manager %s"
              % (" ".join("%.0f" % x for x in v_pss), " ".join("%.0f" % x for x in vgl_pss),
                 " ".join("%.0f" % x for x in m_pss)))
        print("  runs, idle CPU (%%): vireo %s; virt-manager %s"
              % (" ".join("%.2f" % x for x in v_cpu), " ".join("%.1f" % x for x in m_cpu)))
        finals.append(
            "%d machines: list shown vireo %s s, virt-manager %s s, ratio %s; PSS vireo %s MiB, "
            "virt-manager %s MiB, ratio %s; idle CPU vireo %s%%, virt-manager %s%%; "
            "floor %s s, vireo/floor %s"
            % (size, fmt(med["v_time_own"], "%.2f"), fmt(med["m_time"], "%.2f"),
               fmt(ratio(med["v_time_own"], med["m_time"]), "%.2f"), fmt(med["v_pss"], "%.0f"),
               fmt(med["m_pss"], "%.0f"), fmt(ratio(med["v_pss"], med["m_pss"]), "%.2f"),
               fmt(med["v_cpu"], "%.1f"), fmt(med["m_cpu"], "%.1f"), fmt(med["f_time"], "%.2f"),
               fmt(ratio(med["v_time_own"], med["f_time"]), "%.1f")))
    print()
    for line in finals:
        print(line)
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("helper-ready")
    h.add_argument("--gate", required=True)
    h.add_argument("--machines", type=int, required=True)
    h.add_argument("--timeout", type=int, default=120)
    s = sub.add_parser("shown")
    s.add_argument("--gate", required=True)
    s.add_argument("--pid", type=int, required=True)
    s.add_argument("--name-re", default=r"vm-[0-9]{4,}")
    s.add_argument("--timeout", type=int, default=120)
    s.add_argument("--screenshot")
    s.add_argument("--interval", type=float, default=0.05, help="pause between polls, s")
    w = sub.add_parser("rows")
    w.add_argument("fixture")
    w.add_argument("out")
    m = sub.add_parser("summary")
    m.add_argument("results")
    m.add_argument("--memory-at", type=int, default=10)
    m.add_argument("--idle-window", default="20 s")
    args = ap.parse_args()
    return {"helper-ready": helper_ready, "shown": shown, "rows": rows, "summary": summary}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
