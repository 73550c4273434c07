#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of vireo-viewer's consoles with real guests (docs/ARCHITECTURE.md, "Tests", 3).

Run inside the hermetic sandbox, with the helper started by it:

    VIREO_HYPERVISOR=build/hypervisor/vireo-hypervisor VIREO_VIEWER=build/viewer/vireo-viewer \\
        tests/sandbox/sandbox.sh /usr/bin/python3 tests/sandbox/test-console.py [-v] [CASE...]

Cases: vnc, spice, vnc-gl, vnc-relative, fullscreen-key, screenshot-error, keyboard (the
graphical console of a GRUB ISO machine, made with make-grub-iso.sh) and serial (the serial
console of a Linux ISO machine, made with make-linux-iso.sh; under TCG it boots in 20 s to a
minute). Without CASE, all of them.

The viewer runs as `vireo-viewer --test-commands` under Xvfb (a display of its own) and
dbus-run-session, and answers commands on its standard input (state, size, renderer, screenshot
PATH, save-screenshot PATH, dialog, status, reconnect, focus, focused, text, keys, held,
fullscreen, quit). Keys are typed as real X key events with xdotool, so they go through GTK's
event handling. What the viewer holds is compared pixel for pixel with what libvirt sees
(`virsh screenshot`); no OCR: the echo of what was typed is recognised by its glyphs, which
must equal the glyphs of the typed command one text row above. `screenshot` saves the
framebuffer the backend decodes into, whatever the renderer; that the renderer shows new frames
is checked on the X screen, which the frame is scaled to. Under Xvfb GL is Mesa's llvmpipe, so
the viewer picks GTK's cairo renderer by itself (vnc, spice); vnc-gl asks for the GL renderer
(GSK_RENDERER=gl) and so runs the console's own GL texture path.
The viewer can lag many seconds behind the guest after a burst of updates (a boot), so
equality with libvirt is awaited, each libvirt screenshot given 3 s to be caught up with.

Screenshots of the whole X screen and of the viewer's framebuffer are kept in
$VIREO_TEST_ARTIFACTS (default: $VIREO_BUILD_DIR/tests/console-artifacts) for a human to look
at. Speaks TAP (tests/vireotest.py). Waits poll with deadlines; nothing sleeps for a fixed time
to let something happen.
"""

import ctypes
import ctypes.util
import os
import re
import select
import shutil
import subprocess
import sys
import threading
import time

import gi

gi.require_version("Gio", "2.0")
gi.require_version("GLib", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import vireotest  # noqa: E402
from vireotest import log, scaled, wait_until  # noqa: E402

BUS_NAME = "org.vireo.Hypervisor1"
MANAGER_PATH = "/org/vireo/Hypervisor1/Manager"
MANAGER_IFACE = "org.vireo.Hypervisor1.Manager"
MACHINE_IFACE = "org.vireo.Hypervisor1.Machine"
PROPS_IFACE = "org.freedesktop.DBus.Properties"

IMAGES_DIR = "/var/lib/libvirt/images"
PREFIX = "e2e-console-"   # every machine this test makes is named so
HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("VIREO_SANDBOX_WORK", "")
LOG_DIR = os.environ.get("VIREO_SANDBOX_LOG_DIR", "")
BUILD_DIR = os.environ.get("VIREO_BUILD_DIR") or os.path.join(HERE, "..", "..", "build")
VIEWER = os.environ.get("VIREO_VIEWER") or os.path.join(BUILD_DIR, "viewer", "vireo-viewer")
ARTIFACTS = os.environ.get("VIREO_TEST_ARTIFACTS") or \
    os.path.join(BUILD_DIR, "tests", "console-artifacts")

TYPED_WORD = "vireo-123"          # typed as `echo vireo-123` at the grub> prompt
SERIAL_BANNER = "VIREO-LINUX-READY"
SERIAL_WORD = "serial-ok"
# GRUB's text screen: VGA text mode, 80 x 25 cells (QEMU: 9 x 16 pixels each).
COLUMNS, ROWS = 80, 25
PROMPT_CELLS = 6                  # "grub> "
# "(vireo-viewer:123): Gtk-DEBUG: 12:00:00.000: ..." or "Gtk-Message: ...", as GLib logs
GLIB_LOG_LINE = re.compile(rb"(\([^)\n]*:\d+\): )?[\w-]+-(DEBUG|INFO|Message): ")
# Differing pixels that a blinking text cursor alone can account for (one 9 x 16 cell is 144).
CURSOR_PIXELS = 200


# virsh's words and numbers are parsed: always in the C locale.
C_LOCALE = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="")


def virsh(*args, check=True, timeout=60):
    r = subprocess.run(["virsh", "-q", "-c", "qemu:///system", *args],
                       capture_output=True, text=True, timeout=scaled(timeout), env=C_LOCALE)
    if check and r.returncode != 0:
        raise AssertionError(f"virsh {' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout.strip()


def virsh_names():
    return set(virsh("list", "--all", "--name").split())


def images():
    return set(os.listdir(IMAGES_DIR)) if os.path.isdir(IMAGES_DIR) else set()


# --- pictures -------------------------------------------------------------------------------

class Image:
    """An RGB picture, 8 bits a channel, read through ImageMagick (no PIL here)."""

    def __init__(self, path):
        r = subprocess.run(["convert", path, "-alpha", "off", "-depth", "8", "ppm:-"],
                           capture_output=True, timeout=scaled(60))
        if r.returncode != 0:
            raise AssertionError(f"convert {path}: {r.stderr.decode(errors='replace').strip()}")
        data = r.stdout
        fields, pos = [], 0
        while len(fields) < 4:   # P6 W H MAXVAL, separated by whitespace (no comments here)
            while data[pos:pos + 1].isspace():
                pos += 1
            start = pos
            while not data[pos:pos + 1].isspace():
                pos += 1
            fields.append(data[start:pos])
        assert fields[0] == b"P6" and fields[3] == b"255", f"{path}: not an 8-bit PPM: {fields}"
        self.path = path
        self.width, self.height = int(fields[1]), int(fields[2])
        self.pixels = data[pos + 1:pos + 1 + self.width * self.height * 3]
        assert len(self.pixels) == self.width * self.height * 3, f"{path}: short PPM"

    def __eq__(self, other):
        return (self.width, self.height, self.pixels) == (other.width, other.height, other.pixels)

    def size(self):
        return (self.width, self.height)

    def count_different(self, other):
        """How many pixels differ (all of them when the sizes do)."""
        if self.size() != other.size():
            return max(self.width * self.height, other.width * other.height)
        a, b = self.pixels, other.pixels
        if a == b:
            return 0
        # Compare 3-byte pixels in blocks, to stay fast in pure Python.
        n, step = 0, 3 * 64
        for i in range(0, len(a), step):
            if a[i:i + step] != b[i:i + step]:
                n += sum(1 for j in range(i, min(i + step, len(a)), 3) if a[j:j + 3] != b[j:j + 3])
        return n

    def differences_in(self, screen):
        """Where this picture appears in screen at 1:1, as (x, y, pixels that differ), found by
        its first row that is not one colour; None when that row is nowhere on the screen."""
        stride, sstride = self.width * 3, screen.width * 3
        key = next((y for y in range(self.height)
                    if self.pixels[y * stride:(y + 1) * stride] != self.pixels[y * stride:y * stride + 3] * self.width),
                   None)
        if key is None or self.width > screen.width or self.height > screen.height:
            return None
        row = self.pixels[key * stride:(key + 1) * stride]
        for sy in range(key, screen.height - (self.height - key) + 1):
            line = screen.pixels[sy * sstride:(sy + 1) * sstride]
            sx = line.find(row)
            while sx >= 0 and sx % 3:
                sx = line.find(row, sx + 1)
            if sx < 0:
                continue
            x, y = sx // 3, sy - key
            crop = b"".join(screen.pixels[(y + r) * sstride + x * 3:(y + r) * sstride + x * 3 + stride]
                            for r in range(self.height))
            other = Image.__new__(Image)
            other.width, other.height, other.pixels = self.width, self.height, crop
            return x, y, self.count_different(other)
        return None

    def dimmed_from(self, other):
        """How many pixels that are bright in other are at most 60 % as bright here."""
        if self.size() != other.size():
            return 0
        return sum(1 for a, b in zip(other.pixels[1::3], self.pixels[1::3])
                   if a >= 128 and b * 10 <= a * 6)

    # The text screen, cell by cell.
    def cell_size(self):
        cw, ch = self.width // COLUMNS, self.height // ROWS
        assert cw * COLUMNS == self.width and ch * ROWS == self.height, \
            f"{self.width}x{self.height} is not an {COLUMNS}x{ROWS} text screen"
        return cw, ch

    def cell(self, row, col):
        cw, ch = self.cell_size()
        stride = self.width * 3
        return b"".join(self.pixels[(row * ch + y) * stride + col * cw * 3:
                                    (row * ch + y) * stride + (col + 1) * cw * 3]
                        for y in range(ch))

    def blank(self, row, col):
        c = self.cell(row, col)
        return c.count(0) == len(c)          # GRUB's background is black

    def nonblank_cells(self, row):
        return {c for c in range(COLUMNS) if not self.blank(row, c)}

    def prompt_row(self):
        """The row of a `grub> ` prompt at the bottom of the text, or None: the last non-blank
        row shows five non-blank cells, a blank one, and at most the cursor after them."""
        try:
            self.cell_size()
        except AssertionError:
            return None
        for row in range(ROWS - 1, -1, -1):
            cells = self.nonblank_cells(row)
            if not cells:
                continue
            if set(range(5)) <= cells <= set(range(5)) | {6}:
                return row
            return None
        return None

    def echo_rows(self, word_len):
        """The rows where `echo WORD` (typed after the prompt) printed WORD: their first
        word_len cells equal cells 11.. of the row above ("grub> echo " is 11 cells), and the
        cells after WORD, "grub>" and "echo" are blank."""
        start = PROMPT_CELLS + len("echo ")
        try:
            self.cell_size()
        except AssertionError:
            return []
        return [row for row in range(1, ROWS)
                if not self.blank(row, 0)
                and all(not self.blank(row, c)
                        and self.cell(row, c) == self.cell(row - 1, start + c)
                        for c in range(word_len))
                and self.blank(row, word_len) and self.blank(row - 1, start + word_len)
                and self.blank(row - 1, PROMPT_CELLS - 1) and self.blank(row - 1, start - 1)]


def save_artifact(src, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    dst = os.path.join(ARTIFACTS, name)
    shutil.copyfile(src, dst)
    return dst


# --- the helper -----------------------------------------------------------------------------

class Helper:
    """The few helper calls this test needs, on the sandbox's system bus."""

    def __init__(self):
        self.conn = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)

    def call(self, path, iface, method, args=None, signature=None, timeout=120):
        params = GLib.Variant(signature, args) if signature else None
        try:
            r = self.conn.call_sync(BUS_NAME, path, iface, method, params, None,
                                    Gio.DBusCallFlags.NONE, int(scaled(timeout) * 1000), None)
        except GLib.Error as e:
            raise AssertionError(f"{method} failed: {e.message}") from None
        return r.unpack() if r is not None else ()

    def get(self, path, iface, name):
        (v,) = self.call(path, PROPS_IFACE, "Get", (iface, name), "(ss)", timeout=10)
        return v

    def machine(self, path, method):
        return self.call(path, MACHINE_IFACE, method, ({},), "(a{sv})")

    def state(self, path):
        return self.get(path, MACHINE_IFACE, "State")

    def create(self, name, iso, memory_mib, graphics=None):
        spec = {"name": GLib.Variant("s", name),
                "memory-mib": GLib.Variant("t", memory_mib),
                "vcpus": GLib.Variant("u", 1),
                "iso": GLib.Variant("s", iso)}
        if graphics:
            spec["graphics"] = GLib.Variant("as", graphics)
        (path,) = self.call(MANAGER_PATH, MANAGER_IFACE, "CreateMachine", (spec,), "(a{sv})")
        return path

    def open_serial(self, path, force=False):
        """Machine.OpenSerial: the serial console's socket, as another program would have it."""
        params = GLib.Variant("(a{sv})", ({"force": GLib.Variant("b", force)},))
        try:
            r, fds = self.conn.call_with_unix_fd_list_sync(
                BUS_NAME, path, MACHINE_IFACE, "OpenSerial", params, GLib.VariantType("(h)"),
                Gio.DBusCallFlags.NONE, int(scaled(60) * 1000), None, None)
        except GLib.Error as e:
            raise AssertionError(f"OpenSerial failed: {e.message}") from None
        (index,) = r.unpack()
        owned = fds.steal_fds()
        for i, fd in enumerate(owned):
            if i != index:
                os.close(fd)
        return owned[index]

    def start(self, path):
        self.machine(path, "Start")
        wait_until(lambda: self.state(path) == "running", 30, f"{path} running")

    def force_off(self, path):
        self.machine(path, "ForceOff")
        wait_until(lambda: self.state(path) == "shutoff", 30, f"{path} shut off")


# --- X and the viewer -----------------------------------------------------------------------

class Xvfb:
    """An X server of our own, invisible outside the sandbox: it listens on an abstract socket
    only (those belong to the sandbox's network namespace), and its lock file goes to a tmpfs
    on /tmp of its own mount namespace (the real /tmp is shared with the host, where an Xvfb
    would take another's lock for stale: that one's pid is not in our pid namespace)."""

    def __init__(self):
        self.proc = None
        self.display = None
        last = ""
        for n in range(99, 110):
            proc = subprocess.Popen(
                ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                 'mount -t tmpfs -o mode=1777 tmpfs /tmp && exec "$@"', "sh",
                 "Xvfb", f":{n}", "-screen", "0", "1024x768x24", "-nolisten", "tcp",
                 "-nolisten", "unix", "-noreset"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            env = dict(os.environ, DISPLAY=f":{n}")
            deadline = time.monotonic() + scaled(30)
            while proc.poll() is None and time.monotonic() < deadline:
                if subprocess.run(["xdotool", "getdisplaygeometry"], env=env,
                                  capture_output=True).returncode == 0:
                    self.proc, self.display = proc, f":{n}"
                    log(f"Xvfb on {self.display}")
                    return
                time.sleep(0.05)
            if proc.poll() is None:
                proc.terminate()
            last = proc.communicate(timeout=scaled(10))[1].decode(errors="replace")[-500:]
        raise AssertionError(f"could not start Xvfb: {last}")

    def env(self):
        return dict(os.environ, DISPLAY=self.display)

    def xdotool(self, *args):
        subprocess.run(["xdotool", *args], env=self.env(), check=True, timeout=scaled(60))

    def screenshot(self, name):
        """The whole X screen, kept as an artefact. Returns its path."""
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, name)
        subprocess.run(["import", "-window", "root", path], env=self.env(), check=True,
                       timeout=scaled(60), capture_output=True)
        log(f"screenshot {path}")
        return path

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(scaled(10))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Viewer:
    """vireo-viewer --test-commands under dbus-run-session, one reply line per command."""

    def __init__(self, xvfb, machine, args, name, extra_env=None):
        self.name = name
        os.makedirs(ARTIFACTS, exist_ok=True)
        self.log_path = os.path.join(ARTIFACTS, f"{name}-viewer.log")
        env = xvfb.env()
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        env["GSETTINGS_BACKEND"] = "memory"
        env.update(extra_env or {})
        self.logf = open(self.log_path, "wb")
        # Only the viewer may write to the pipe of answers: the session bus and the services it
        # starts (AT-SPI's registry prints "SpiRegistry daemon is running ...") inherit
        # dbus-run-session's standard output, which goes to the log.
        answers_r, answers_w = os.pipe()
        self.proc = subprocess.Popen(
            ["dbus-run-session", "--", "/bin/bash", "-c", f'exec "$0" "$@" >&{answers_w}',
             VIEWER, *args, "--test-commands", machine],
            stdin=subprocess.PIPE, stdout=self.logf, stderr=self.logf, env=env,
            pass_fds=(answers_w,), bufsize=0)
        os.close(answers_w)
        self.answers = os.fdopen(answers_r, "rb", buffering=0)
        self.buf = b""

    def log_tail(self, n=25):
        try:
            with open(self.log_path, errors="replace") as f:
                lines = [line for line in f if not line.startswith("dbus-daemon[")]
        except OSError:
            return ""
        return "".join("      | " + line for line in lines[-n:]).rstrip()

    def command(self, line, timeout=30):
        timeout = scaled(timeout)
        try:
            self.proc.stdin.write(line.encode() + b"\n")
        except BrokenPipeError:
            raise AssertionError(f"the viewer exited ({self.proc.poll()}) before `{line}`:\n"
                                 + self.log_tail()) from None
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self.buf and GLIB_LOG_LINE.match(self.buf):
                # GLib writes debug and info messages to standard output too (with
                # G_MESSAGES_DEBUG set): not answers.
                noise, self.buf = self.buf.split(b"\n", 1)
                self.logf.write(b"[stdout] " + noise + b"\n")
                self.logf.flush()
            if b"\n" in self.buf:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no answer to `{line}` within {timeout:g} s:\n"
                                     + self.log_tail())
            ready, _, _ = select.select([self.answers], [], [], remaining)
            if ready:
                chunk = os.read(self.answers.fileno(), 65536)
                if not chunk:
                    raise AssertionError(f"the viewer exited ({self.proc.wait()}) after "
                                         f"`{line}`:\n" + self.log_tail())
                self.buf += chunk
        answer, self.buf = self.buf.split(b"\n", 1)
        answer = answer.decode(errors="replace")
        if line != "text":
            log(f"{self.name}: {line} -> {answer}")
        return answer

    def state(self):
        return self.command("state")

    def wait_state(self, want, timeout):
        seen = []

        def check():
            s = self.state()
            if not seen or seen[-1] != s:
                seen.append(s)
            return s == want
        try:
            wait_until(check, timeout, f"state {want}", interval=0.2)
        except AssertionError as e:
            raise AssertionError(f"{e} (states seen: {' -> '.join(seen)})\n"
                                 + self.log_tail()) from None

    def framebuffer(self, name="fb.png"):
        path = os.path.join(WORK, f"{self.name}-{name}")
        answer = self.command(f"screenshot {path}")
        if answer != "ok":
            raise AssertionError(f"screenshot: {answer}")
        return Image(path)

    def text(self):
        answer = self.command("text")
        return answer.replace("\\\\", "\0").replace("\\n", "\n").replace("\0", "\\")

    def quit(self):
        problems = []
        if self.proc.poll() is None:
            try:
                answer = self.command("quit", timeout=15)
                if answer != "bye":
                    problems.append(f"quit answered {answer!r}")
                self.proc.wait(scaled(15))
            except (AssertionError, subprocess.TimeoutExpired) as e:
                problems.append(f"did not quit: {e}")
        self.kill()
        if self.proc.returncode not in (0, None):
            problems.append(f"exit status {self.proc.returncode}")
        return problems

    def kill(self):
        if self.proc.poll() is None:
            self.proc.terminate()   # dbus-run-session passes it on to the viewer
            try:
                self.proc.wait(scaled(10))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()
        self.answers.close()

    def wait_exit(self, timeout, what):
        """Waits for the viewer to exit by itself (its window closed)."""
        try:
            self.proc.wait(scaled(timeout))
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the viewer did not exit after {what}:\n" + self.log_tail()) from None
        log(f"{self.name}: exited ({self.proc.returncode}) after {what}")

    def criticals(self):
        with open(self.log_path, errors="replace") as f:
            return [line.rstrip() for line in f
                    if "CRITICAL" in line or "-WARNING" in line or "ERROR" in line]

    def assert_clean(self, problems):
        """Fails with the problems a case noted, and with any critical or warning the viewer
        logged; call once the viewer has quit."""
        bad = self.criticals()
        if bad:
            problems.append("criticals or warnings in the viewer's log:\n        "
                            + "\n        ".join(bad[:10]))
        assert not problems, "; ".join(problems)


class FullscreenWM(threading.Thread):
    """The one thing a window manager does that the fullscreen-key case needs, on an X server
    that has none: it answers a window's _NET_WM_STATE request (a client message to the root
    window, EWMH) for _NET_WM_STATE_FULLSCREEN by setting the window's _NET_WM_STATE property,
    which is how GTK learns that it is fullscreen. Runs on its own X connection."""

    def __init__(self, display):
        super().__init__(daemon=True)
        x = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XInternAtom.restype = ctypes.c_ulong
        x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        x.XPending.argtypes = [ctypes.c_void_p]
        x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        x.XFlush.argtypes = [ctypes.c_void_p]
        x.XConnectionNumber.argtypes = [ctypes.c_void_p]
        x.XChangeProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                                      ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
        self.x = x
        self.dpy = x.XOpenDisplay(display.encode())
        assert self.dpy, f"cannot open {display}"
        self.root = x.XDefaultRootWindow(self.dpy)
        self.state = x.XInternAtom(self.dpy, b"_NET_WM_STATE", False)
        self.fullscreen = x.XInternAtom(self.dpy, b"_NET_WM_STATE_FULLSCREEN", False)
        supported = (ctypes.c_ulong * 2)(self.state, self.fullscreen)
        x.XChangeProperty(self.dpy, self.root, x.XInternAtom(self.dpy, b"_NET_SUPPORTED", False),
                          4, 32, 0, supported, 2)   # XA_ATOM, PropModeReplace
        x.XSelectInput(self.dpy, self.root, 1 << 19)   # SubstructureNotifyMask
        x.XFlush(self.dpy)
        self.stopping = False

    def run(self):
        class ClientMessage(ctypes.Structure):
            _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                        ("display", ctypes.c_void_p), ("window", ctypes.c_ulong),
                        ("message_type", ctypes.c_ulong), ("format", ctypes.c_int),
                        ("data", ctypes.c_long * 5)]
        event = ctypes.create_string_buffer(192)
        fd = self.x.XConnectionNumber(self.dpy)
        while not self.stopping:
            if not self.x.XPending(self.dpy):
                select.select([fd], [], [], 0.2)
                continue
            self.x.XNextEvent(self.dpy, event)
            m = ClientMessage.from_buffer(event)
            if m.type != 33 or m.message_type != self.state:   # ClientMessage
                continue
            if self.fullscreen not in (m.data[1], m.data[2]):
                continue
            action = m.data[0]   # 0 remove, 1 add, 2 toggle
            on = action == 1 or (action == 2 and not getattr(self, "on", False))
            self.on = on
            atoms = (ctypes.c_ulong * 1)(self.fullscreen)
            self.x.XChangeProperty(self.dpy, m.window, self.state, 4, 32, 0, atoms, 1 if on else 0)
            self.x.XFlush(self.dpy)

    def stop(self):
        self.stopping = True
        self.join(5)


# --- the cases ------------------------------------------------------------------------------

class ConsoleTest:
    def __init__(self):
        self.h = Helper()
        wait_until(lambda: self.h.get(MANAGER_PATH, MANAGER_IFACE, "Connected"), 30,
                   "Manager.Connected")
        self.initial_names = virsh_names()
        self.initial_images = images()
        self.xvfb = None
        self.grub = None     # (name, path) of the GRUB machine
        self.linux = None
        os.makedirs(ARTIFACTS, exist_ok=True)

    def clean_artifacts(self, case):
        """Removes what an earlier run of this case left in ARTIFACTS."""
        pattern = re.compile(re.escape(case) + r"-(\d|viewer\.log|text\.txt|no-prompt)")
        for f in os.listdir(ARTIFACTS):
            if pattern.match(f):
                os.unlink(os.path.join(ARTIFACTS, f))

    def x(self):
        if self.xvfb is None:
            self.xvfb = Xvfb()
        return self.xvfb

    def grub_machine(self):
        if self.grub is None:
            iso = os.path.join(WORK, "console-grub.iso")
            subprocess.run([os.path.join(HERE, "make-grub-iso.sh"), iso], check=True)
            name = PREFIX + "grub"
            self.grub = (name, self.h.create(name, iso, 64, ["spice", "vnc"]))
        return self.grub

    # --- the graphical console ----------------------------------------------------------

    def libvirt_screen(self, name, tag):
        path = os.path.join(WORK, f"{tag}-virsh.ppm")
        virsh("screenshot", name, path)
        return Image(path)

    def wait_prompt(self, viewer, timeout=90):
        """Waits until the viewer shows GRUB's prompt at the bottom of its text."""
        last = []

        def ready():
            try:
                fb = viewer.framebuffer("wait.png")
            except AssertionError as e:
                # Not connected yet (SPICE opens its display channel after the main one): wait.
                if "not connected" in str(e):
                    return None
                raise
            last[:] = [fb]
            return fb if fb.prompt_row() is not None else None
        try:
            return wait_until(ready, timeout, "the grub> prompt in the viewer", interval=0.3)
        except AssertionError:
            if last:
                save_artifact(last[0].path, f"{viewer.name}-no-prompt.png")
            raise

    def assert_same_as_libvirt(self, viewer, name, tag, timeout=90):
        """The viewer's framebuffer equals, pixel for pixel, a screenshot libvirt takes at the
        same moment: it must catch up with a libvirt screenshot within 3 s (the text cursor
        blinks, so the screen changes about twice a second); libvirt's is taken again until
        that happens or timeout seconds have passed (both scaled)."""
        timeout = scaled(timeout)
        best = None
        t0 = time.monotonic()
        deadline = t0 + timeout
        tries = 0
        while time.monotonic() < deadline:
            screen = self.libvirt_screen(name, tag)
            tries += 1
            catch_up = time.monotonic() + scaled(3)
            while True:
                fb = viewer.framebuffer(f"{tag}.png")
                if fb == screen:
                    save_artifact(fb.path, f"{tag}-framebuffer.png")
                    log(f"{tag}: equal to libvirt's screenshot after {time.monotonic() - t0:.2f} s "
                        f"({tries} screenshots)")
                    return fb
                diff = fb.count_different(screen)
                if best is None or diff <= best[0]:
                    best = (diff, fb, screen)
                if time.monotonic() >= catch_up:
                    break
            log(f"{tag}: {best[0]} pixels differ from libvirt's screenshot")
        diff, fb, screen = best
        a = save_artifact(fb.path, f"{tag}-framebuffer-MISMATCH.png")
        b = os.path.join(ARTIFACTS, f"{tag}-libvirt-MISMATCH.png")
        subprocess.run(["convert", screen.path, b], check=False)
        raise AssertionError(f"the viewer's framebuffer ({fb.width}x{fb.height}) never equalled "
                             f"libvirt's screenshot ({screen.width}x{screen.height}) in "
                             f"{timeout:g} s ({tries} screenshots); closest: {diff} pixels differ "
                             f"({a}, {b})")

    def type_at_grub(self, viewer):
        x = self.x()
        assert viewer.command("focus") == "ok"
        # `c` first, as a user would to reach GRUB's command line from its menu; this ISO is
        # at the prompt already, where it types a `c`: BackSpace takes it back, so the line is
        # exactly `echo vireo-123`.
        x.xdotool("key", "--delay", "100", "c", "BackSpace")
        x.xdotool("type", "--delay", "100", f"echo {TYPED_WORD}")
        x.xdotool("key", "Return")

    def graphical_case(self, tag, protocol, extra_env=None, renderer="cairo GskCairoRenderer",
                       power_cycle=True):
        name, path = self.grub_machine()
        if self.h.state(path) != "running":
            self.h.start(path)
        x = self.x()
        viewer = Viewer(x, name, [f"--protocol={protocol}"], tag, extra_env)
        problems = []
        try:
            t = time.monotonic()
            viewer.wait_state("connected", 60)
            log(f"{tag}: connected {time.monotonic() - t:.2f} s after the viewer started")
            r = viewer.command("renderer")
            if r != renderer:
                problems.append(f"renderer is {r!r}, expected {renderer!r}")
            path_kind = renderer.split()[0]

            # At the prompt, and all of it: the viewer may lag behind the guest (it shows a mix
            # of older and newer screens while it catches up).
            self.wait_prompt(viewer)
            before = self.assert_same_as_libvirt(viewer, name, f"{tag}-1-before")
            size = viewer.command("size")
            assert size == f"{before.width} {before.height}", \
                f"size says {size!r}, the framebuffer is {before.width}x{before.height}"
            screen = self.libvirt_screen(name, tag)
            assert screen.size() == before.size(), \
                f"the viewer's framebuffer is {before.size()}, libvirt's screen {screen.size()}"
            window_before = Image(x.screenshot(f"{tag}-1-before-window.png"))

            t = time.monotonic()
            self.type_at_grub(viewer)

            echoes_before = len(before.echo_rows(len(TYPED_WORD)))

            def echoed():
                fb = viewer.framebuffer("typed.png")
                return fb if len(fb.echo_rows(len(TYPED_WORD))) > echoes_before else None
            try:
                wait_until(echoed, 30, f"`{TYPED_WORD}` echoed on the viewer's screen",
                           interval=0.3)
            except AssertionError:
                last = viewer.framebuffer("typed.png")
                save_artifact(last.path, f"{tag}-2-not-echoed-framebuffer.png")
                x.screenshot(f"{tag}-2-not-echoed-window.png")
                raise
            log(f"{tag}: echo seen {time.monotonic() - t:.2f} s after typing began")
            after = self.assert_same_as_libvirt(viewer, name, f"{tag}-2-after")
            changed = after.count_different(before)
            assert changed > CURSOR_PIXELS, \
                f"only {changed} pixels changed after typing (a blinking cursor makes that many)"
            # On screen too, through the renderer in use (the framebuffer is scaled to the
            # window, so this compares with the window before, not with libvirt).
            shown = []

            def drawn():
                window = Image(x.screenshot(f"{tag}-2-after-window.png"))
                shown[:] = [window, window.count_different(window_before)]
                return shown[1] > CURSOR_PIXELS
            try:
                wait_until(drawn, 10, "the new frame on screen", interval=0.3)
            except AssertionError:
                problems.append(f"the window on screen changed in only {shown[1]} pixels after "
                                f"typing: the {path_kind} path did not show the new frame")
            window_after = shown[0]

            # And what is on screen is the guest's screen itself: the window shows it 1:1 (fit,
            # and the window is as large as the guest), so the framebuffer appears in the X
            # screenshot pixel for pixel, but for a blinking cursor.
            found = []

            def on_screen():
                fb = viewer.framebuffer("on-screen.png")
                where = fb.differences_in(Image(x.screenshot(f"{tag}-2-on-screen-window.png")))
                found[:] = [where]
                return where is not None and where[2] <= CURSOR_PIXELS
            try:
                wait_until(on_screen, 10, "the guest's screen shown 1:1 in the window", interval=0.3)
                log(f"{tag}: the framebuffer is on screen at {found[0][:2]}, "
                    f"{found[0][2]} pixels differ")
            except AssertionError:
                raise AssertionError(f"the {path_kind} path does not show the guest's screen as it is: "
                                     + ("its first row is nowhere on screen" if found[0] is None
                                        else f"{found[0][2]} pixels differ at {found[0][:2]}"))

            if power_cycle:
                window_on = window_after
                self.h.force_off(path)
                viewer.wait_state("disconnected", 30)
                # The last frame stays, dimmed, with a status over it: the guest's text (grey
                # on black) gets darker where the status does not cover it.
                wait_until(lambda: Image(x.screenshot(f"{tag}-3-off-window.png"))
                           .dimmed_from(window_on) > 1000, 10, "the last frame to be dimmed",
                           interval=0.3)
                self.h.start(path)
                t = time.monotonic()
                viewer.wait_state("connected", 60)
                log(f"{tag}: reconnected {time.monotonic() - t:.2f} s after Start")
                self.wait_prompt(viewer)
                self.assert_same_as_libvirt(viewer, name, f"{tag}-4-reconnected")
                x.screenshot(f"{tag}-4-reconnected-window.png")
        finally:
            problems += viewer.quit()
        viewer.assert_clean(problems)

    def test_vnc(self):
        self.graphical_case("vnc", "vnc")

    def test_spice(self):
        self.graphical_case("spice", "spice")

    def test_vnc_gl(self):
        self.graphical_case("vnc-gl", "vnc", {"GSK_RENDERER": "gl"},
                            renderer="gl GskGLRenderer", power_cycle=False)

    def test_vnc_relative(self):
        """A guest without a tablet: a relative pointer, held in the window and put back in its
        middle while grabbed, so the host pointer never meets a screen edge."""
        self.grub_machine()   # builds the ISO
        iso = os.path.join(WORK, "console-grub.iso")
        name = PREFIX + "relative"
        path = self.h.create(name, iso, 64, ["vnc"])
        xml = virsh("dumpxml", "--inactive", name)
        no_tablet = re.sub(r"\s*<input type=['\"]tablet['\"][^>]*?(/>|>.*?</input>)", "", xml,
                           flags=re.S)
        assert no_tablet != xml, "the machine has no tablet to take away"
        xml_path = os.path.join(WORK, "relative.xml")
        with open(xml_path, "w") as f:
            f.write(no_tablet)
        virsh("define", xml_path)
        self.h.start(path)
        x = self.x()
        viewer = Viewer(x, name, ["--protocol=vnc"], "vnc-relative")
        problems = []
        try:
            viewer.wait_state("connected", 60)
            wait_until(lambda: viewer.command("pointer").startswith("relative "), 15,
                       "the VNC server to say the pointer is relative")
            fb = self.wait_prompt(viewer)
            where = []

            def located():
                where[:] = [fb.differences_in(Image(x.screenshot("vnc-relative-1-window.png")))]
                return where[0] is not None
            wait_until(located, 10, "the guest's screen in the window", interval=0.3)
            # The display is as large as the guest's screen here (fit, 1:1), so its middle is
            # the middle of the framebuffer on screen.
            cx, cy = where[0][0] + fb.width // 2, where[0][1] + fb.height // 2

            def mouse():
                r = subprocess.run(["xdotool", "getmouselocation", "--shell"], env=x.env(),
                                   capture_output=True, text=True, check=True,
                                   timeout=scaled(30))
                v = dict(line.split("=", 1) for line in r.stdout.split())
                return int(v["X"]), int(v["Y"])

            def sent():
                _, dx, dy = viewer.command("pointer").split()
                return int(dx), int(dy)

            # A click into a relative console grabs it; the pointer is then put in the middle.
            x.xdotool("mousemove", str(cx - 100), str(cy - 50))
            x.xdotool("click", "1")
            wait_until(lambda: viewer.command("grabbed") == "yes", 10, "the grab after a click")
            wait_until(lambda: abs(mouse()[0] - cx) <= 2 and abs(mouse()[1] - cy) <= 2, 10,
                       f"the pointer in the middle of the display ({cx}, {cy})")
            dx0, dy0 = sent()
            # 600 px right and 150 down, in steps: beyond the window's edge, had the pointer not
            # been put back each time. The display is 1:1, so the guest gets all of it, no more
            # and no less, however the moves and the warps back interleave (a busy machine
            # merges moves, and sends some the server made before a warp after it).
            for _ in range(15):
                x.xdotool("mousemove_relative", "--", "40", "10")
            try:
                wait_until(lambda: sent()[0] - dx0 >= 598 and sent()[1] - dy0 >= 148, 10,
                           "the relative moves sent to the guest")
            except AssertionError:
                pass
            dx1, dy1 = sent()
            log(f"relative: sent {dx1 - dx0}, {dy1 - dy0} for 600, 150; pointer at {mouse()}")
            if abs(dx1 - dx0 - 600) > 2 or abs(dy1 - dy0 - 150) > 2:
                problems.append(f"sent {dx1 - dx0}, {dy1 - dy0} for 600, 150")
            px, py = mouse()
            if abs(px - cx) > 50 or abs(py - cy) > 50:
                problems.append(f"the host pointer ended at ({px}, {py}), not near the "
                                f"display's middle ({cx}, {cy})")

            # Ctrl+Alt lets go: the pointer moves freely and nothing more is sent.
            x.xdotool("key", "ctrl+alt")
            wait_until(lambda: viewer.command("grabbed") == "no", 10, "the grab let go")
            before = mouse()
            x.xdotool("mousemove_relative", "--", "60", "0")
            after = mouse()
            if after[0] - before[0] != 60:
                problems.append(f"after the grab the pointer moved {after[0] - before[0]} px "
                                "for 60: still held")
            if sent() != (dx1, dy1):
                problems.append(f"motion sent after the grab ended: {sent()} after {(dx1, dy1)}")
        finally:
            problems += viewer.quit()
        viewer.assert_clean(problems)

    def test_fullscreen_key(self):
        """F11, the key the console's toolbar and the app's shortcuts window advertise, makes
        the window fullscreen while the keyboard is not grabbed (the guest does not get it);
        while grabbed it goes to the guest like every other key."""
        name, path = self.grub_machine()
        if self.h.state(path) != "running":
            self.h.start(path)
        x = self.x()
        viewer = Viewer(x, name, ["--protocol=vnc"], "fullscreen-key")
        wm = FullscreenWM(x.display)
        wm.start()
        problems = []
        try:
            viewer.wait_state("connected", 60)
            assert viewer.command("focus") == "ok"
            assert viewer.command("fullscreen") == "no", "fullscreen from the start"
            keys = int(viewer.command("keys"))
            x.xdotool("key", "F11")
            wait_until(lambda: viewer.command("fullscreen") == "yes", 10, "fullscreen after F11")
            x.xdotool("key", "F11")
            wait_until(lambda: viewer.command("fullscreen") == "no", 10, "back from fullscreen after F11")
            if int(viewer.command("keys")) != keys:
                problems.append("F11 went to the guest while the keyboard was not grabbed")

            x.xdotool("key", "ctrl+alt")
            wait_until(lambda: viewer.command("grabbed") == "yes", 10, "the keyboard grabbed")
            keys = int(viewer.command("keys"))
            x.xdotool("key", "F11")
            wait_until(lambda: int(viewer.command("keys")) > keys, 10, "F11 sent to the guest")
            if viewer.command("fullscreen") != "no":
                problems.append("F11 made the window fullscreen while the keyboard was grabbed")
            x.xdotool("key", "ctrl+alt")
            wait_until(lambda: viewer.command("grabbed") == "no", 10, "the grab let go")
        finally:
            problems += viewer.quit()
            wm.stop()
        viewer.assert_clean(problems)

    def test_screenshot_error(self):
        """A screenshot that cannot be written is said in a dialog naming the file, and
        nothing is logged as a warning."""
        name, path = self.grub_machine()
        if self.h.state(path) != "running":
            self.h.start(path)
        x = self.x()
        viewer = Viewer(x, name, ["--protocol=vnc"], "screenshot-error")
        problems = []
        try:
            viewer.wait_state("connected", 60)
            self.wait_prompt(viewer)
            assert viewer.command("dialog") == "none", "a dialog before any screenshot"
            target = "/proc/guest-shot.png"
            assert viewer.command(f"save-screenshot {target}") == "ok"
            text = []

            def dialog():
                text[:] = [viewer.command("dialog")]
                return text[0] != "none"
            wait_until(dialog, 15, "the dialog saying the screenshot was not saved", interval=0.3)
            x.screenshot("screenshot-error-1-dialog-window.png")
            if target not in text[0]:
                problems.append(f"the dialog does not name {target}: {text[0]!r}")
        finally:
            problems += viewer.quit()
        viewer.assert_clean(problems)

    def test_keyboard(self):
        """The keyboard can always leave the guest's screen. Connected and not grabbed, keys go to
        the guest but Ctrl+Tab and Ctrl+Shift+Tab move the focus out (the Ctrl the guest got is
        released), and Ctrl+Q closes the window; grabbed, all of those go to the guest; not
        connected, the screen takes no key: Tab moves the focus, Ctrl+W closes the window."""
        name, path = self.grub_machine()
        if self.h.state(path) != "running":
            self.h.start(path)
        x = self.x()

        def focus_leaves(viewer, key):
            assert viewer.command("focus") == "ok"
            assert viewer.command("focused") == "display", "the screen does not take the focus"
            x.xdotool("key", key)
            wait_until(lambda: viewer.command("focused") != "display", 10,
                       f"{key} to move the focus out of the screen")
            wait_until(lambda: viewer.command("held") == "0", 10,
                       f"every key released in the guest after {key}")

        viewer = Viewer(x, name, ["--protocol=vnc"], "keyboard")
        problems = []
        try:
            viewer.wait_state("connected", 60)
            # The keyboard starts on the screen, not on the toolbar.
            assert viewer.command("focused") == "display", \
                f"the viewer starts with the focus on {viewer.command('focused')}"
            self.wait_prompt(viewer)
            x.screenshot("keyboard-1-connected-window.png")
            # Connected: Tab is the guest's (GRUB completes with it).
            assert viewer.command("focus") == "ok"
            keys = int(viewer.command("keys"))
            x.xdotool("key", "Tab")
            wait_until(lambda: int(viewer.command("keys")) > keys, 10, "Tab sent to the guest")
            if viewer.command("focused") != "display":
                problems.append("Tab moved the focus while the screen was connected")
            focus_leaves(viewer, "ctrl+Tab")
            focus_leaves(viewer, "ctrl+shift+Tab")

            # Grabbed: Ctrl+Tab, Ctrl+Q and Ctrl+W are the guest's too.
            assert viewer.command("focus") == "ok"
            x.xdotool("key", "ctrl+alt")
            wait_until(lambda: viewer.command("grabbed") == "yes", 10, "the keyboard grabbed")
            for key in ("ctrl+Tab", "ctrl+q", "ctrl+w"):
                keys = int(viewer.command("keys"))
                x.xdotool("key", key)
                wait_until(lambda: int(viewer.command("keys")) >= keys + 2, 10,
                           f"{key} sent to the guest while grabbed")
                if viewer.command("focused") != "display":
                    problems.append(f"{key} moved the focus while the keyboard was grabbed")
                if viewer.proc.poll() is not None:
                    raise AssertionError(f"{key} closed the viewer while the keyboard was grabbed")
            x.xdotool("key", "ctrl+alt")
            wait_until(lambda: viewer.command("grabbed") == "no", 10, "the grab let go")
            wait_until(lambda: viewer.command("held") == "0", 10, "every key released after the grab")

            # Not grabbed, the screen focused: Ctrl+Q closes the window.
            assert viewer.command("focus") == "ok"
            x.xdotool("key", "ctrl+q")
            viewer.wait_exit(10, "Ctrl+Q on the screen, not grabbed")
        finally:
            problems += viewer.quit()
        viewer.assert_clean(problems)

        # Not connected (the machine stopped under it): the screen takes no key.
        viewer = Viewer(x, name, ["--protocol=vnc"], "keyboard-off")
        problems = []
        try:
            viewer.wait_state("connected", 60)
            self.h.force_off(path)
            viewer.wait_state("disconnected", 30)
            focus_leaves(viewer, "Tab")
            x.screenshot("keyboard-2-not-running-window.png")
            focus_leaves(viewer, "shift+Tab")
            if viewer.command("keys") != "0":
                problems.append("keys went to a guest that is not connected")
            assert viewer.command("focus") == "ok"
            x.xdotool("key", "ctrl+w")
            viewer.wait_exit(10, "Ctrl+W on a screen that is not connected")
        finally:
            problems += viewer.quit()
        viewer.assert_clean(problems)

    # --- the serial console -------------------------------------------------------------

    def test_serial(self):
        iso = os.path.join(WORK, "console-linux.iso")
        t = time.monotonic()
        subprocess.run([os.path.join(HERE, "make-linux-iso.sh"), iso], check=True)
        log(f"Linux ISO built in {time.monotonic() - t:.2f} s "
            f"({os.path.getsize(iso) / 1e6:.1f} MB)")
        name = PREFIX + "linux"
        path = self.h.create(name, iso, 256)
        self.linux = (name, path)
        assert self.h.get(path, MACHINE_IFACE, "HasSerial") is True, "HasSerial is false"
        x = self.x()
        # The viewer first: it opens the serial console by itself when the machine starts,
        # so nothing the guest prints is missed.
        viewer = Viewer(x, name, ["--serial"], "serial")
        problems = []
        text = ""
        try:
            viewer.wait_state("disconnected", 30)
            t0 = time.monotonic()
            self.h.start(path)
            viewer.wait_state("connected", 30)
            log(f"serial: connected {time.monotonic() - t0:.2f} s after Start")

            def banner():
                nonlocal text
                text = viewer.text()
                return SERIAL_BANNER in text
            try:
                wait_until(banner, 240, f"{SERIAL_BANNER} on the serial console", interval=1)
            except AssertionError as e:
                raise AssertionError(f"{e}; the terminal shows:\n{text}") from None
            log(f"serial: banner {time.monotonic() - t0:.2f} s after Start")
            x.screenshot("serial-1-banner-window.png")

            assert viewer.command("focus") == "ok"
            x.xdotool("type", "--delay", "100", f"echo {SERIAL_WORD}")

            def lines():
                nonlocal text
                text = viewer.text()
                return [line.rstrip() for line in text.split("\n")]
            try:
                # The guest's tty echoes what it got: every key, in order.
                wait_until(lambda: any(line.endswith(f"# echo {SERIAL_WORD}") for line in lines()),
                           60, f"`echo {SERIAL_WORD}` echoed after the prompt", interval=0.5)
            except AssertionError as e:
                x.screenshot("serial-2-not-typed-window.png")
                raise AssertionError(f"{e}; the terminal shows:\n{text}") from None
            typed = Image(x.screenshot("serial-2-typed-window.png"))
            x.xdotool("key", "Return")
            try:
                wait_until(lambda: SERIAL_WORD in lines(), 60, f"`{SERIAL_WORD}` alone on a line",
                           interval=0.5)
            except AssertionError as e:
                x.screenshot("serial-3-not-echoed-window.png")
                raise AssertionError(f"{e}; the terminal shows:\n{text}") from None
            with open(os.path.join(ARTIFACTS, "serial-text.txt"), "w") as f:
                f.write(text)
            try:   # for the human who looks: the terminal drawn with the answer
                wait_until(lambda: Image(x.screenshot("serial-3-echoed-window.png"))
                           .count_different(typed) > CURSOR_PIXELS, 10, "the answer on screen",
                           interval=0.3)
            except AssertionError as e:
                problems.append(f"{e}: the terminal has it, the window does not show it")

            # Another program takes the serial console over (vireoctl serial --force): the
            # viewer says so, not that the machine stopped, and its Reconnect takes it back.
            other = self.h.open_serial(path, force=True)
            try:
                viewer.wait_state("disconnected", 30)
                status = viewer.command("status")
                x.screenshot("serial-4-taken-over-window.png")
                assert "Another program took the serial console over" in status, \
                    f"taken over, the viewer says {status!r}"
                assert "_Reconnect" in status, f"taken over, no Reconnect button: {status!r}"
                assert self.h.state(path) == "running", "the machine stopped"
                assert viewer.command("reconnect") == "ok"
                viewer.wait_state("connected", 30)

                def other_ended():
                    ready, _, _ = select.select([other], [], [], 0)
                    return bool(ready) and os.read(other, 4096) == b""
                wait_until(other_ended, 15, "the other program's serial console to end",
                           interval=0.2)
            finally:
                os.close(other)

            self.h.force_off(path)
            viewer.wait_state("disconnected", 30)
            wait_until(lambda: "the machine stopped" in viewer.command("status"), 10,
                       "the viewer to say that the machine stopped")
            x.screenshot("serial-5-off-window.png")
            # Started again, it opens the serial console by itself.
            self.h.start(path)
            viewer.wait_state("connected", 30)

            # Ctrl+W is the terminal's (it erases a word); Ctrl+Shift+W closes the window.
            assert viewer.command("focus") == "ok"
            x.xdotool("key", "ctrl+w")
            if viewer.state() != "connected":
                problems.append("Ctrl+W in the serial console closed it")
            x.xdotool("key", "ctrl+shift+w")
            viewer.wait_exit(10, "Ctrl+Shift+W in the serial console")
        finally:
            problems += viewer.quit()
        viewer.assert_clean(problems)

    # --- teardown -----------------------------------------------------------------------

    def teardown(self):
        if self.xvfb is not None:
            self.xvfb.stop()
        for name in virsh_names() - self.initial_names:
            virsh("destroy", name, check=False)
            virsh("undefine", "--managed-save", "--snapshots-metadata", "--nvram", name,
                  check=False)
        for f in images() - self.initial_images:
            p = os.path.join(IMAGES_DIR, f)
            virsh("vol-delete", p, check=False)
            if os.path.exists(p):
                os.unlink(p)
        for f in ("console-grub.iso", "console-linux.iso"):
            try:
                os.unlink(os.path.join(WORK, f))
            except FileNotFoundError:
                pass

    def test_teardown_leaves_nothing(self):
        self.teardown()
        left = virsh_names() - self.initial_names
        assert not left, f"domains left: {left}"
        left = images() - self.initial_images
        assert not left, f"images left in {IMAGES_DIR}: {left}"
        hv_log = os.path.join(LOG_DIR, "vireo-hypervisor.log") if LOG_DIR else ""
        if hv_log and os.path.exists(hv_log):
            with open(hv_log, errors="replace") as f:
                bad = [line.rstrip() for line in f
                       if "CRITICAL" in line or "WARNING" in line or "ERROR" in line]
            assert not bad, "criticals or warnings in the helper's log:\n        " + \
                "\n        ".join(bad[:10])


CASES = [
    ("vnc", "test_vnc"),
    ("spice", "test_spice"),
    ("vnc-gl", "test_vnc_gl"),
    ("vnc-relative", "test_vnc_relative"),
    ("fullscreen-key", "test_fullscreen_key"),
    ("screenshot-error", "test_screenshot_error"),
    ("keyboard", "test_keyboard"),
    ("serial", "test_serial"),
    ("teardown", "test_teardown_leaves_nothing"),
]
# (name, method of ConsoleTest), in the order they run; teardown runs whatever cases were
# asked for.
ALWAYS = ("teardown",)

suite = vireotest.Suite("e2e-console")


def add_case(name, method, **kwargs):
    """A case that first removes what an earlier run of it left in ARTIFACTS."""
    def run(t):
        t.clean_artifacts(name)
        method(t)
    suite.add(name, run, **kwargs)


for _name, _method in CASES:
    add_case(_name, getattr(ConsoleTest, _method), always=_name in ALWAYS)


def helper_log_tail():
    hv_log = os.path.join(LOG_DIR, "vireo-hypervisor.log") if LOG_DIR else ""
    if not hv_log or not os.path.exists(hv_log):
        return ""
    with open(hv_log, errors="replace") as f:
        lines = f.readlines()[-30:]
    return (f"artefacts in {ARTIFACTS}; last lines of {hv_log}:\n"
            + "".join("  | " + line for line in lines))


suite.on_failure.append(helper_log_tail)


def setup():
    if os.environ.get("VIREO_SANDBOX") != "1" or not WORK:
        raise RuntimeError("test-console.py runs inside tests/sandbox/sandbox.sh "
                           "(with VIREO_HYPERVISOR set)")
    missing = [t for t in ("Xvfb", "xdotool", "import", "convert", "dbus-run-session", "virsh")
               if shutil.which(t) is None]
    if missing or not os.access(VIEWER, os.X_OK):
        raise RuntimeError(f"missing {', '.join(missing) or VIEWER} (TEST_PACKAGES in "
                           ".ci/common.sh; VIREO_VIEWER)")
    try:
        return ConsoleTest()
    except Exception as e:
        if not os.environ.get("VIREO_HYPERVISOR_PID"):
            raise RuntimeError(f"{e} (the sandbox started no helper: set VIREO_HYPERVISOR "
                               "to vireo-hypervisor's path)") from e
        raise


if __name__ == "__main__":
    sys.exit(suite.main(sys.argv[1:], setup=setup, cleanup=ConsoleTest.teardown))
