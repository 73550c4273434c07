#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The novice's driver, the screen probe and the summary of bench-create.sh.

  bench-create.py vireo --app=PATH --iso=NAME [--timeout=S] [--screenshot=FILE]
                        [--failure-screenshot=FILE] [--log=FILE] [--trace]
  bench-create.py virt-manager --iso=NAME [the same options]
      Display: $DISPLAY, session bus with AT-SPI: the caller's (one Xvfb and one bus per run).
      Starts the application (and ends it, by its pid), waits until it is ready to be used
      (not timed), then does what a novice does, through AT-SPI and the pointer (xdotool), and
      counts it: every press of a mouse button is a click (a double click is two), every key
      pressed is a keystroke, every page of the assistant shown ("Step N of M" in its header)
      is a page. The clock starts just before the first click and stops at the first poll of
      the screen that shows the guest's picture (see FrameProbe). Prints one line:
          result TOOL PAGES CLICKS KEYSTROKES SECONDS WIZARD WAITING DRIVER STEPS
      WIZARD: seconds from the first click to the last; WAITING: the part of it spent waiting
      for the application (pages, media detection); DRIVER: the driver's own part (its last
      AT-SPI look-up in each wait, and running xdotool); STEPS: what was done, comma-separated,
      no spaces. The driver acts as soon as what it needs is on screen: no human reading time.

  bench-create.py summary RESULTS.tsv
      Per-run figures, medians, the two "novice path" lines and the ratio line.

Vireo (GTK 4): the empty state's "New Machine" button (not Ctrl+N: that would be a keystroke),
the ISO offered under "Installation Media in Downloads", Create once the review is ready.
virt-manager (GTK 3): New; Forward (local media); Browse…, Browse Local, Downloads in the file
chooser's sidebar, a double click on the ISO; it cannot name the system on this ISO, so
"Automatically detect" is unticked and "generic" typed into the OS search, its "Generic or
unknown OS" row clicked; Forward, Forward, Forward (memory and CPUs, storage: the defaults),
Finish, and Yes to any question on the way (the search permissions of the ISO's folder).
"""

import argparse
import ctypes
import importlib.util
import os
import statistics
import subprocess
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TRACE = False
T0 = None
STEPS = []          # what the driver did, for the message when it fails
FAILURE_SHOT = None  # the screen is saved there when the driver fails, before the app is ended


def trace(msg):
    if TRACE:
        t = "" if T0 is None else "%7.3f " % (time.monotonic() - T0)
        print("bench-create: %s%s" % (t, msg), file=sys.stderr, flush=True)


# --- the screen ------------------------------------------------------------------------------

def band(lo, hi):
    """A bytes.translate table: 1 for the byte values lo..hi, 0 for the others."""
    return bytes(1 if lo <= v <= hi else 0 for v in range(256))


DARK = band(0, 0x10)          # the guest's black background, at any scale
LIT = band(0x50, 0xF0)        # its text: light grey (VGA 0xA8A8A8), blended by scaling
ROOT_COLOUR = 0x406080        # neither dark nor grey: the empty screen around the windows


class FrameProbe(threading.Thread):
    """Polls the root window (XGetImage every INTERVAL s) once armed, until the screen shows a
    guest's picture: a console's text screen is black with light grey text, and nothing else
    on this screen is (the root window is painted ROOT_COLOUR first; the applications' windows
    are Adwaita, light). A poll shows the guest when at least MIN_DARK pixels are black
    (green channel <= 0x10) and, in the rows that hold at least 120 black pixels, between the
    first and the last black pixel of the row, at least MIN_LIT pixels are light grey (each
    channel 0x50-0xF0): text on the black. A black console that shows nothing yet (connected,
    no frame, or a blank guest screen) is not enough: the first frame is the first with
    something on it. SeaBIOS prints its banner first, so that is usually the frame caught."""

    MIN_DARK = 30000
    MIN_LIT = 60
    INTERVAL = 0.03

    def __init__(self, screenshot=None):
        super().__init__(daemon=True)
        probe = load("bench_console_probe", os.path.join(HERE, "bench-console-probe.py"))
        self.screen = probe.Screen()
        self.screenshot = screenshot
        self.armed = threading.Event()
        self.done = threading.Event()
        self.t_frame = None
        self.polls = 0
        self.last = (0, 0)
        self.paint_root()
        self.screen.grab()   # the first XGetImage pays for the set-up: not in the timing

    def paint_root(self):
        x, s = self.screen.x, self.screen
        x.XSetWindowBackground.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
        x.XClearWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        x.XFlush.argtypes = [ctypes.c_void_p]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XSetWindowBackground(s.dpy, s.root, ROOT_COLOUR)
        x.XClearWindow(s.dpy, s.root)
        x.XSync(s.dpy, 0)

    def check(self, data, bpl):
        """(black pixels, light grey pixels on the black) of one grab. Bytes are B, G, R, X."""
        w, h = self.screen.w, self.screen.h
        if bpl != w * 4:
            data = b"".join(data[y * bpl:y * bpl + w * 4] for y in range(h))
        dark = data[1::4].translate(DARK)   # the green channel: nothing else here is that dark
        ndark = dark.count(1)
        if ndark < self.MIN_DARK:
            return ndark, 0
        # 1 for every byte in LIT's band; the X byte (0 or 0xff) is 0: a pixel whose three
        # channels are in the band reads 01 01 01 00, which cannot match across two pixels.
        lit = data.translate(LIT)
        nlit = 0
        for y in range(h):
            row = dark[y * w:(y + 1) * w]
            if row.count(1) < 120:
                continue
            a, z = row.find(1), row.rfind(1)
            nlit += lit.count(b"\x01\x01\x01\x00", (y * w + a) * 4, (y * w + z) * 4)
        return ndark, nlit

    def run(self):
        self.armed.wait()
        while not self.done.is_set():
            t = time.monotonic()
            data, bpl = self.screen.grab()
            self.polls += 1
            ndark, nlit = self.last = self.check(data, bpl)
            if ndark >= self.MIN_DARK and nlit >= self.MIN_LIT:
                self.t_frame = t
                if self.screenshot:
                    self.screen.save(data, bpl, self.screenshot)
                self.done.set()
                return
            time.sleep(max(0.0, self.INTERVAL - (time.monotonic() - t)))


# --- the novice ------------------------------------------------------------------------------

class Novice:
    """What the driver did: clicks, keystrokes, pages seen, time spent waiting."""

    def __init__(self, ui, gtk3):
        self.ui = ui
        self.gtk3 = gtk3
        self.clicks = 0
        self.keys = 0
        self.pages = []
        self.steps = []
        self.waited = 0.0   # in wait(), but for the last (successful) look: the application's time
        self.driver = 0.0   # the driver's own: that last look, and running xdotool
        self.at_last = None  # (waited, driver) just before the last click

    def last_click(self):
        self.at_last = (self.waited, self.driver)
        return time.monotonic()

    def step(self, what):
        self.steps.append(what)
        STEPS.append(what)
        trace(what)

    def wait(self, fn, what, timeout=60):
        """Polls fn until it gives something (test-ui.py's wait_until). The last call found what
        was there: its duration is the driver's cost of looking (AT-SPI over D-Bus, walking
        the window's tree), the rest is time spent waiting for the application."""
        t = time.monotonic()
        last = [0.0]

        def timed():
            t1 = time.monotonic()
            try:
                return fn()
            finally:
                last[0] = time.monotonic() - t1
        try:
            return self.ui.wait_until(timed, what, timeout=timeout)
        finally:
            self.waited += time.monotonic() - t - last[0]
            self.driver += last[0]

    def xdotool(self, *argv):
        t = time.monotonic()
        subprocess.run(["xdotool", *argv], check=True, timeout=20)
        self.driver += time.monotonic() - t

    def point(self, node):
        import pyatspi
        coords = pyatspi.DESKTOP_COORDS if self.gtk3 else pyatspi.WINDOW_COORDS
        e = node.queryComponent().getExtents(coords)
        return e.x + e.width // 2, e.y + e.height // 2, e

    def click(self, node, what, double=False, x=None):
        """A click with the pointer in the middle of NODE (at X from its left edge if given):
        with no window manager every window sits at the screen's origin, and GTK 4 gives
        window coordinates, GTK 3 screen ones."""
        cx, cy, e = self.point(node)
        if x is not None:
            cx = e.x + x
        n = 2 if double else 1
        self.xdotool("mousemove", str(cx), str(cy), "click", "--repeat", str(n), "--delay", "80", "1")
        self.clicks += n
        self.step(("double-click " if double else "click ") + what)

    def type(self, text):
        self.xdotool("type", "--delay", "40", text)
        self.keys += len(text)
        self.step("type " + text)

    def page(self, label):
        if label and label not in self.pages:
            self.pages.append(label)
            trace("page: " + label)


def search(root, match, hidden, want=1):
    """Up to WANT nodes under ROOT for which MATCH is true, depth first, skipping the subtrees
    of nodes for which HIDDEN is true, and stopping as soon as it has them: the driver's
    look-ups cost D-Bus round trips per node, and should cost the application as little as
    they can."""
    found = []

    def walk(node):
        for child in node:
            if child is None or len(found) >= want:
                continue
            try:
                if hidden(child):
                    continue
                if match(child):
                    found.append(child)
                    continue
            except Exception:  # noqa: BLE001  (a node that went away meanwhile)
                continue
            walk(child)
    walk(root)
    return found


def gtk4_hidden(ui):
    """GTK 4 sets no SHOWING state: a subtree of no size (a stack page never shown, a
    revealer folded) is hidden."""
    def hidden(n):
        e = ui.extents(n)
        return e is not None and (e[2] <= 0 or e[3] <= 0)
    return hidden


def gtk3_hidden(n):
    import pyatspi
    return not n.getState().contains(pyatspi.STATE_SHOWING)


def role_name(role, name=None, startswith=None):
    return lambda n: (n.getRoleName() == role and (name is None or n.name == name)
                      and (startswith is None or n.name.startswith(startswith)))


def start_app(argv, log, match):
    """Starts the application; returns (process, its AT-SPI application)."""
    from dogtail import tree
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def find():
        if proc.poll() is not None:
            raise SystemExit("bench-create: %s exited with status %d" % (argv[0], proc.returncode))
        for app in tree.root:
            if app is not None and app.name == match and app.get_process_id() == proc.pid:
                return app
        return None
    return proc, find


def failure_shot():
    if FAILURE_SHOT:
        subprocess.run(["import", "-window", "root", FAILURE_SHOT], check=False, timeout=30,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_app(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def finish(tool, novice, probe, t0, t_last, timeout):
    """Waits for the first frame, prints the result line. WAITING and DRIVER are as they were
    at t_last (the last click's own xdotool is after it)."""
    ok = probe.done.wait(timeout)
    probe.done.set()
    if not ok or probe.t_frame is None:
        raise SystemExit("bench-create: %s: no guest picture on the screen %d s after the last click "
                         "(%d polls; last: %d black, %d grey pixels)"
                         % (tool, timeout, probe.polls, probe.last[0], probe.last[1]))
    steps = ",".join("_".join(s.replace(",", ";").split()) for s in novice.steps)
    print("result %s %d %d %d %.3f %.3f %.3f %.3f %s" % (
        tool, len(novice.pages), novice.clicks, novice.keys, probe.t_frame - t0, t_last - t0,
        novice.at_last[0], novice.at_last[1], steps), flush=True)


def run_vireo(args, ui):
    global T0
    novice = Novice(ui, gtk3=False)
    log = open(args.log, "w") if args.log else subprocess.DEVNULL
    proc, find_app = start_app([args.app], log, "vireo")
    try:
        app = ui.wait_until(find_app, "Vireo on the AT-SPI bus", timeout=60)
        win = ui.wait_until(lambda: next((w for w in app if w is not None and w.getRoleName() == "frame"
                                          and w.name == "Vireo"), None), "Vireo's window", timeout=60)
        # The empty state's button (the header's New Machine is an icon, and hidden here).
        button = ui.wait_until(lambda: next(iter(ui.find_all(win, "push button", "New Machine", pred=ui.shown)), None),
                               'the empty state\'s "New Machine" button', timeout=60)
        probe = FrameProbe(args.screenshot)
        probe.start()

        T0 = t0 = time.monotonic()
        novice.click(button, "New Machine")

        def assistant():
            for w in app:
                if w is not None and w.name == "New Machine":
                    e = ui.extents(w)
                    if e is not None and e[2] > 0:
                        return w
            return None

        dialog = novice.wait(assistant, "the New Machine assistant")
        # Its header's subtitle says the page ("Step 1 of 3: Source"): found once, then read.
        hidden = gtk4_hidden(ui)
        subtitle = novice.wait(lambda: next(iter(search(dialog, role_name("label", startswith="Step "), hidden)), None),
                               "the assistant's first page")
        novice.page(subtitle.name)
        row = novice.wait(lambda: next(iter(search(dialog, role_name("list item", args.iso), hidden)), None),
                          "%s offered from Downloads" % args.iso)
        novice.click(row, args.iso)

        # The review: Create (not in the tree while hidden, on the first page) becomes
        # sensitive once the medium is read.
        found = []

        def create_ready():
            novice.page(subtitle.name)
            if not subtitle.name.startswith("Step 2"):
                return None
            if not found:
                found.extend(search(dialog, lambda n: n.getRoleName() == "push button" and ui.name_is(n, "Create"),
                                    hidden))
            return next((n for n in found if ui.shown(n) and ui.sensitive(n)), None)
        create = novice.wait(create_ready, "the review, Create sensitive")
        t_last = novice.last_click()
        probe.armed.set()
        novice.click(create, "Create")

        # Pages from here on: the assistant's third one, while it lasts.
        def watch():
            try:
                novice.page(subtitle.name)
            except Exception:  # noqa: BLE001  (the assistant went away under the question)
                return True
            return probe.done.is_set() or ui.extents(dialog) is None
        try:
            ui.wait_until(watch, "the assistant to go", timeout=args.timeout)
        except ui.Failure:
            pass
        finish("vireo", novice, probe, t0, t_last, args.timeout)
    except BaseException:
        failure_shot()
        raise
    finally:
        stop_app(proc)


def run_virt_manager(args, ui):
    global T0
    import pyatspi
    novice = Novice(ui, gtk3=True)
    log = open(args.log, "w") if args.log else subprocess.DEVNULL
    proc, find_app = start_app(["virt-manager", "--connect", "qemu:///system", "--no-fork"], log, "virt-manager")

    def window(name, roles=None):
        def find():
            for w in app:
                if w is not None and w.name == name and (roles is None or w.getRoleName() in roles):
                    return w
            return None
        return find

    def named(root, role, name, pred=None):
        match = role_name(role, name)
        return next(iter(search(root, lambda n: match(n) and (pred is None or pred(n)), gtk3_hidden)), None)

    def visible(n):
        st = n.getState()
        return st.contains(pyatspi.STATE_SHOWING) and st.contains(pyatspi.STATE_VISIBLE)

    def sensitive(n):
        return n.getState().contains(pyatspi.STATE_SENSITIVE)

    def locate(root, wanted):
        """The shown nodes of ROOT with these (role, name), in one walk that skips what is not
        shown (GTK 3 keeps every page of the wizard in its tree)."""
        nodes = search(root, lambda n: (n.getRoleName(), n.name) in wanted, gtk3_hidden, want=len(wanted))
        found = {(n.getRoleName(), n.name): n for n in nodes}
        return found if len(found) == len(wanted) else None

    def text(node):
        return node.queryText().getText(0, -1)

    def answer_questions():
        """Yes to whatever virt-manager asks (an alert over the wizard); returns whether it asked."""
        for w in app:
            if w is None or w.getRoleName() not in ("alert", "dialog"):
                continue
            yes = named(w, "push button", "Yes") or named(w, "push button", "OK")
            if yes is not None:
                texts = [n.name for n in ui.find_all(w, "label") if n.name]
                novice.step("asked: " + " / ".join(texts)[:200])
                novice.click(yes, "Yes")
                return True
        return False

    try:
        app = ui.wait_until(find_app, "virt-manager on the AT-SPI bus", timeout=60)
        manager = ui.wait_until(window("Virtual Machine Manager"), "virt-manager's window", timeout=60)
        # Connected: the connection's row says QEMU/KVM and nothing more (not "Connecting").
        ui.wait_until(lambda: named(manager, "table cell", "QEMU/KVM"), "the connection to qemu:///system",
                      timeout=60)
        new = ui.wait_until(lambda: named(manager, "push button", "New", pred=sensitive), "the New button", timeout=60)
        probe = FrameProbe(args.screenshot)
        probe.start()

        T0 = t0 = time.monotonic()
        novice.click(new, "New")
        wizard = novice.wait(window("New VM"), "the New VM wizard")
        DETECT = "Automatically detect from the installation media / source"
        nodes = novice.wait(lambda: locate(wizard, [("label", "pagenum-label"), ("push button", "Forward")]),
                            "the wizard's first page")
        pagenum = nodes[("label", "pagenum-label")]
        forward_button = nodes[("push button", "Forward")]
        novice.page(novice.wait(lambda: text(pagenum), "the wizard's first page"))

        def forward(expect):
            novice.wait(lambda: visible(forward_button) and sensitive(forward_button), "Forward")
            novice.click(forward_button, "Forward")
            novice.page(novice.wait(lambda: text(pagenum) if (answer_questions() or True) and text(pagenum) == expect
                                    else None, expect))

        forward("Step 2 of 5")
        nodes = novice.wait(lambda: locate(wizard, [("push button", "install-iso-browse"), ("check box", DETECT),
                                                    ("text", "oslist-entry")]), "the second page's widgets")
        novice.click(nodes[("push button", "install-iso-browse")], "Browse…")
        browser = novice.wait(window("vmm-storage-browser"), "the storage browser")
        novice.click(novice.wait(lambda: named(browser, "push button", "Browse Local"), "Browse Local"), "Browse Local")
        chooser = novice.wait(window("Locate ISO media"), "the file chooser")
        downloads = novice.wait(lambda: named(chooser, "label", "Downloads"), "Downloads in the sidebar")
        novice.click(downloads, "Downloads")
        iso = novice.wait(lambda: named(chooser, "table cell", args.iso), "%s in Downloads" % args.iso)
        novice.click(iso, args.iso, double=True, x=30)
        novice.wait(lambda: window("Locate ISO media")() is None, "the file chooser to close")

        # Detection: Forward is insensitive while it runs (up to 20 s in virt-manager).
        detect = nodes[("check box", DETECT)]
        entry = nodes[("text", "oslist-entry")]
        novice.wait(lambda: sensitive(forward_button), "the OS detection to end", timeout=40)
        detected = entry.queryText().getText(0, -1)
        novice.step("detected: " + detected)
        if detected in ("None detected", "Detecting...", ""):
            # Not told by the medium: the system must be named.
            novice.click(detect, "Automatically detect (untick)")
            novice.wait(lambda: sensitive(entry), "the OS search to be sensitive")
            novice.click(entry, "the OS search")
            novice.type("generic")
            # The popover offers "Generic Linux 2022 (linux2022)", selected, and "Generic or
            # unknown OS. Usage is not recommended. (generic)": the one that says what this is.
            row = novice.wait(lambda: next(iter(search(
                wizard, lambda c: c.getRoleName() == "table cell" and c.name.endswith("(generic)"), gtk3_hidden)),
                None), 'the "Generic or unknown OS" row')
            novice.click(row, "Generic or unknown OS", x=40)
            novice.wait(lambda: entry.queryText().getText(0, -1).startswith("Generic or unknown OS"),
                        "Generic or unknown OS chosen")
        forward("Step 3 of 5")
        forward("Step 4 of 5")
        forward("Step 5 of 5")
        # Finish takes Forward's place, in the same box.
        finish_button = novice.wait(lambda: next(iter(search(forward_button.parent, role_name("push button", "Finish"),
                                                             gtk3_hidden)), None), "Finish")
        novice.wait(lambda: sensitive(finish_button), "Finish sensitive")
        t_last = novice.last_click()
        probe.armed.set()
        novice.click(finish_button, "Finish")

        def after():
            answer_questions()
            if window("New VM")() is not None:
                try:
                    novice.page(text(pagenum))
                except Exception:  # noqa: BLE001
                    pass
            return probe.done.is_set()
        try:
            ui.wait_until(after, "the guest's picture", timeout=args.timeout)
        except ui.Failure:
            pass
        finish("virt-manager", novice, probe, t0, t_last, args.timeout)
    except BaseException:
        failure_shot()
        raise
    finally:
        stop_app(proc)


# --- the summary -----------------------------------------------------------------------------

def summary(args):
    runs = {"vireo": [], "virt-manager": []}
    notes = {}
    with open(args.results) as f:
        for line in f:
            tool, rnd, pages, clicks, keys, secs, wizard, waited, driver, steps = line.rstrip("\n").split("\t")[:10]
            runs[tool].append((int(rnd), int(pages), int(clicks), int(keys), float(secs), float(wizard),
                               float(waited), float(driver)))
            # virt-manager gives up reading the medium after DETECT_TIMEOUT (20 s); its entry
            # still says "Detecting...".
            if "detected:_Detecting..." in steps:
                notes[(tool, int(rnd))] = "OS detection gave up after 20 s"
    print("round tool          pages clicks keys  seconds   wizard  (waiting  driver)")
    for tool in ("vireo", "virt-manager"):
        for r in sorted(runs[tool]):
            note = notes.get((tool, r[0]))
            print("%5d %-13s %5d %6d %4d  %7.2f  %7.2f  (%7.2f %7.2f)%s" % (r[0], tool, *r[1:],
                                                                       "  " + note if note else ""))
    med = {}
    for tool, rs in runs.items():
        if not rs:
            continue
        med[tool] = [statistics.median(r[i] for r in rs) for i in range(1, 8)]
        print("%s: %d runs, seconds %.2f-%.2f; medians: wizard %.2f s (first click to last), of which "
              "%.2f s waiting for the application and %.2f s the driver's own (AT-SPI look-ups, xdotool); "
              "seconds less the driver's own %.2f"
              % (tool, len(rs), min(r[4] for r in rs), max(r[4] for r in rs), *med[tool][4:7],
                 statistics.median(r[4] - r[7] for r in rs)))
        marked = [r for r in rs if (tool, r[0]) in notes]
        if marked and len(marked) < len(rs):
            print("%s: %d of %d runs gave up detecting the OS after 20 s; the median of the %d others: %.2f s"
                  % (tool, len(marked), len(rs), len(rs) - len(marked),
                     statistics.median(r[4] for r in rs if (tool, r[0]) not in notes)))
        elif marked:
            print("%s: every run gave up detecting the OS after 20 s" % tool)
    for tool in ("vireo", "virt-manager"):
        if tool in med:
            p, c, k, s = med[tool][:4]
            print("%s novice path: pages %d, clicks %d, keystrokes %d, seconds %.1f to the guest's first frame"
                  % (tool, p, c, k, s))
    if "vireo" in med and "virt-manager" in med:
        print("ratio S(vireo)/S(virt-manager): %.2f (medians %.2f s / %.2f s)"
              % (med["vireo"][3] / med["virt-manager"][3], med["vireo"][3], med["virt-manager"][3]))
        clean = [r[4] for r in runs["virt-manager"] if ("virt-manager", r[0]) not in notes]
        if clean and len(clean) < len(runs["virt-manager"]):
            print("  (against virt-manager's runs whose OS detection did not give up: %.2f, %.2f s / %.2f s)"
                  % (med["vireo"][3] / statistics.median(clean), med["vireo"][3], statistics.median(clean)))


def main():
    global TRACE
    p = argparse.ArgumentParser(prog="bench-create.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("vireo", "virt-manager"):
        s = sub.add_parser(name)
        s.add_argument("--iso", required=True)
        s.add_argument("--timeout", type=float, default=120)
        s.add_argument("--screenshot")
        s.add_argument("--log")
        s.add_argument("--failure-screenshot")
        s.add_argument("--trace", action="store_true")
        if name == "vireo":
            s.add_argument("--app", required=True)
    s = sub.add_parser("summary")
    s.add_argument("results")
    args = p.parse_args()
    if args.cmd == "summary":
        summary(args)
        return 0
    TRACE = args.trace
    global FAILURE_SHOT
    FAILURE_SHOT = args.failure_screenshot
    os.environ.setdefault("VIREO_UI_ARTIFACTS", os.environ.get("XDG_RUNTIME_DIR", "/tmp"))
    ui = load("test_ui", os.path.join(HERE, "..", "ui", "test-ui.py"))
    try:
        if args.cmd == "vireo":
            run_vireo(args, ui)
        else:
            run_virt_manager(args, ui)
    except BaseException as e:
        print("bench-create: %s failed after: %s" % (args.cmd, " ".join(STEPS)), file=sys.stderr)
        if not isinstance(e, SystemExit):
            traceback.print_exc()
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
