#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of vireo-hypervisor with real guests (docs/ARCHITECTURE.md, "Tests", 3).

Run inside the hermetic sandbox, with the helper started by it:

    VIREO_HYPERVISOR=build/hypervisor/vireo-hypervisor \\
        tests/sandbox/sandbox.sh /usr/bin/python3 tests/sandbox/test-e2e.py [-v] [CASE...]

Talks to the helper on the sandbox's system bus with Gio, as the app would; uses virsh only
to arrange or check things behind the helper's back. Guests run under TCG from a GRUB rescue
ISO built at test time (make-grub-iso.sh). Speaks TAP (tests/vireotest.py). Every case waits
for D-Bus signals with a bounded main-loop wait, never a fixed sleep.
"""

import collections
import gzip
import hashlib
import json
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid as uuidlib
import xml.etree.ElementTree as ET

import gi

gi.require_version("Gio", "2.0")
gi.require_version("GLib", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import vireotest  # noqa: E402
from vireotest import log, scaled  # noqa: E402

BUS_NAME = "org.vireo.Hypervisor1"
ROOT_PATH = "/org/vireo/Hypervisor1"
MANAGER_PATH = "/org/vireo/Hypervisor1/Manager"
MACHINES_PATH = "/org/vireo/Hypervisor1/machines"
MANAGER_IFACE = "org.vireo.Hypervisor1.Manager"
MACHINE_IFACE = "org.vireo.Hypervisor1.Machine"
NETWORKS_PATH = "/org/vireo/Hypervisor1/networks"
NETWORK_IFACE = "org.vireo.Hypervisor1.Network"
ERR = "org.vireo.Hypervisor1.Error."
OM_IFACE = "org.freedesktop.DBus.ObjectManager"
PROPS_IFACE = "org.freedesktop.DBus.Properties"

IMAGES_DIR = "/var/lib/libvirt/images"
PREFIX = "e2e-"  # every machine this test makes is named so; teardown removes them all
GIB = 1024 ** 3

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ.get("VIREO_SANDBOX_WORK", "")
SANDBOX_DIR = os.environ.get("VIREO_SANDBOX_DIR", "")
LOG_DIR = os.environ.get("VIREO_SANDBOX_LOG_DIR", "")


# virsh's words ("shut off") and numbers are parsed: always in the C locale.
C_LOCALE = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="")


def virsh(*args, check=True):
    r = subprocess.run(["virsh", "-q", "-c", "qemu:///system", *args],
                       capture_output=True, text=True, timeout=scaled(60), env=C_LOCALE)
    if check and r.returncode != 0:
        raise AssertionError(f"virsh {' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout.strip()


def virsh_names():
    return set(virsh("list", "--all", "--name").split())


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def qemu_pid(name):
    with open(f"/run/libvirt/qemu/{name}.pid") as f:
        return int(f.read().strip())


def open_files(pid):
    """The targets of a process's open descriptors."""
    out = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            out.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except FileNotFoundError:
            pass
    return out


def images():
    return set(os.listdir(IMAGES_DIR)) if os.path.isdir(IMAGES_DIR) else set()


HOST_KIND = os.environ.get("VIREO_SANDBOX_HOST", "real")
ACCEL = os.environ.get("VIREO_SANDBOX_ACCEL", "tcg")
KVM_DEVICE = os.environ.get("VIREO_SANDBOX_KVM_DEVICE", "")
VENDOR_MODULES = ("kvm_intel", "kvm_amd")


class KvmFacts:
    """What this host says about KVM, found out apart from the helper: whether /dev/kvm exists
    and opens read-write (as root, as the helper does), and which kvm modules are loaded."""

    def __init__(self, dev="/dev/kvm", sys_module="/sys/module"):
        self.dev_exists = os.path.exists(dev)
        try:
            os.close(os.open(dev, os.O_RDWR | os.O_CLOEXEC))
            self.dev_opens = True
        except OSError:
            self.dev_opens = False
        names = sorted(os.listdir(sys_module)) if os.path.isdir(sys_module) else []
        self.modules = [n for n in names if n == "kvm" or n.startswith("kvm_")]
        self.vendor = next((m for m in VENDOR_MODULES if m in self.modules), None)
        self.other = next((m for m in self.modules if m.startswith("kvm_")
                           and m not in VENDOR_MODULES), None)
        self.kvm_usable = self.dev_opens and self.vendor is not None

    def __str__(self):
        dev = "/dev/kvm opens" if self.dev_opens else \
            ("/dev/kvm does not open" if self.dev_exists else "no /dev/kvm")
        return f"{dev}, kvm modules: {', '.join(self.modules) or 'none'}"

    def check_kind(self, kind):
        """That the sandbox made the kind of host it was asked for (host.sh)."""
        want = {"no-kvm": (False, []), "kvm-intel": (True, ["kvm", "kvm_intel"]),
                "kvm-amd": (True, ["kvm", "kvm_amd"]), "kvm-pvm": (True, ["kvm", "kvm_pvm"])}
        if kind in want:
            dev, modules = want[kind]
            assert (self.dev_opens if dev else not self.dev_exists) and self.modules == modules, \
                f"VIREO_SANDBOX_HOST={kind}, but here {self}"

    def expect(self, accel):
        """The Accelerator the helper must pick with --accel=accel, and words its reason must
        have (hypervisor/vireo-host.c, vireo_accel_choose)."""
        if accel == "tcg":
            return "tcg", ["--accel=tcg"]
        if accel == "kvm":
            return "kvm", ["--accel=kvm"]
        if not self.dev_exists:
            return "tcg", ["/dev/kvm does not exist"]
        if not self.dev_opens:
            return "tcg", ["/dev/kvm cannot be opened"]
        if self.vendor is not None:
            return "kvm", [self.vendor]
        if self.other is not None:
            return "tcg", [self.other]
        return "tcg", ["kvm_intel", "kvm_amd"]


def machine_path(uuid):
    return MACHINES_PATH + "/" + Gio.dbus_escape_object_path(uuid)


def spec(name, memory_mib=128, vcpus=1, iso=None, disk_gib=None, graphics=None, network=None):
    s = {"name": GLib.Variant("s", name),
         "memory-mib": GLib.Variant("t", memory_mib),
         "vcpus": GLib.Variant("u", vcpus)}
    if iso is not None:
        s["iso"] = GLib.Variant("s", iso)
    if disk_gib is not None:
        s["disk-gib"] = GLib.Variant("t", disk_gib)
    if graphics is not None:
        s["graphics"] = GLib.Variant("as", graphics)
    if network is not None:
        s["network"] = GLib.Variant("s", network)
    return s


def poll(cond, timeout, what, interval=0.2):
    """Checks cond() every interval seconds (dispatching D-Bus signals meanwhile) until it is
    true; fails after timeout seconds. For things no signal tells about (screens, /proc)."""
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    while True:
        r = cond()
        if r:
            return r
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        source = GLib.timeout_source_new(int(interval * 1000))
        source.set_callback(lambda *a: False)
        source.attach(ctx)
        ctx.iteration(True)
        source.destroy()
        while ctx.pending():
            ctx.iteration(False)


# --- A GRUB guest's text screen, from libvirt's screenshots ------------------------------------
# GRUB shows an 80x25 VGA text screen (9x16 cells, black background). A cell is blank when all
# its pixels are black; the hardware cursor is an underline in one cell, so a cell may blink.

COLUMNS, ROWS = 80, 25
PROMPT = set(range(5))                       # "grub>"
MARK = "echo vireo"                          # typed after "grub> ", without Enter
MARK_CELLS = {6 + i for i, c in enumerate(MARK) if c != " "}


class Screen:
    def __init__(self, name):
        path = os.path.join(WORK, "screen.img")
        virsh("screenshot", name, path)
        # PNG or PPM, as QEMU gives it: as 8-bit PPM through ImageMagick.
        r = subprocess.run(["convert", path, "-alpha", "off", "-depth", "8", "ppm:-"],
                           capture_output=True, timeout=60)
        assert r.returncode == 0, f"convert: {r.stderr.decode(errors='replace').strip()}"
        data = r.stdout
        fields, pos = [], 0
        while len(fields) < 4:   # P6 W H 255, separated by whitespace
            while data[pos:pos + 1].isspace():
                pos += 1
            start = pos
            while not data[pos:pos + 1].isspace():
                pos += 1
            fields.append(data[start:pos])
        assert fields[0] == b"P6", f"not a PPM screenshot: {fields}"
        self.width, self.height = int(fields[1]), int(fields[2])
        self.pixels = data[pos + 1:]
        self.text = self.width == COLUMNS * 9 and self.height == ROWS * 16

    def cells(self, row):
        """The non-blank cells of a text row."""
        stride = self.width * 3
        out = set()
        for col in range(COLUMNS):
            x0 = col * 27
            if any(self.pixels[(row * 16 + y) * stride + x0:(row * 16 + y) * stride + x0 + 27].strip(b"\0")
                   for y in range(16)):
                out.add(col)
        return out

    def rows(self):
        """{row: cells} for every non-blank row, or {} when this is no text screen."""
        if not self.text:
            return {}
        return {r: c for r in range(ROWS) if (c := self.cells(r))}

    def last_row(self):
        rows = self.rows()
        return (max(rows), rows[max(rows)]) if rows else (None, set())

    def bands(self):
        """(top, bottom, left, right) of each run of pixel rows with something lit, top down:
        the text lines of a graphical (UEFI GOP) screen."""
        stride = self.width * 3
        out, start, left, right = [], None, self.width, -1
        for y in range(self.height + 1):
            row = self.pixels[y * stride:(y + 1) * stride] if y < self.height else b""
            lit = [i // 3 for i, b in enumerate(row) if b > 48]
            if lit:
                start = y if start is None else start
                left, right = min(left, lit[0]), max(right, lit[-1])
            elif start is not None:
                out.append((start, y - 1, left, right))
                start, left, right = None, self.width, -1
        return out

    def at_efi_prompt(self):
        """GRUB's prompt on a UEFI graphical console: its help text, then a last line as
        short as "grub> _" (OVMF's own lines before it are long, its logo tall)."""
        bands = self.bands()
        if len(bands) < 2:
            return False
        top, bottom, left, right = bands[-1]
        above = bands[-2]
        return right - left < 120 and bottom - top < 30 and above[3] - above[2] > 400

    def at_prompt(self):
        """A fresh "grub> " prompt on the last row: nothing typed after it (the cursor may be)."""
        _, cells = self.last_row()
        return PROMPT <= cells <= PROMPT | {6}

    def marked(self):
        """MARK typed after the prompt on the last row."""
        _, cells = self.last_row()
        return PROMPT | MARK_CELLS <= cells

    def layout(self):
        """The rows and cells, the cursor's cell after the prompt left out."""
        rows = self.rows()
        if rows:
            rows[max(rows)] = rows[max(rows)] - {6}
        return rows


KEYS = {" ": "KEY_SPACE", "\n": "KEY_ENTER"}


def type_keys(name, text):
    """Types text on the guest's keyboard, one key at a time (virsh send-key)."""
    cmds = "".join(f"send-key {name} {KEYS.get(ch, 'KEY_' + ch.upper())}\n" for ch in text)
    r = subprocess.run(["virsh", "-q", "-c", "qemu:///system"], input=cmds, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, f"send-key failed: {r.stderr.strip()}"


def clear_line(name):
    """Ctrl+U: GRUB's line editor forgets what was typed at the prompt."""
    virsh("send-key", name, "KEY_LEFTCTRL", "KEY_U")


def wait_prompt(name, timeout=60):
    """Waits for GRUB's prompt with nothing typed; returns that screen."""
    screens = []
    poll(lambda: screens.append(Screen(name)) or screens[-1].at_prompt(), timeout,
         f"GRUB's prompt on {name}'s screen")
    return screens[-1]


class Events:
    """libvirt's events for one domain, as `virsh event --loop` prints them."""

    def __init__(self, name):
        self.name = name
        self.proc = subprocess.Popen(["virsh", "-q", "-c", "qemu:///system", "event", "--domain",
                                      name, "--all", "--loop"], stdout=subprocess.PIPE)
        self.lines = []
        self.partial = ""
        # Listening once an event of ours comes through: a title change on the live domain.
        probe = 0

        def listening():
            nonlocal probe
            probe += 1
            virsh("desc", name, "--live", "--title", f"vireo-probe-{probe}")
            return self.seen("metadata-change", 0.3)
        poll(listening, 20, f"virsh event listening on {name}")
        virsh("desc", name, "--live", "--title", "")

    def seen(self, what, timeout):
        # Raw reads: a buffered readline() would keep a second line that came with the first
        # where select() cannot see it.
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while not any(what in line for line in self.lines):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return False
            data = os.read(fd, 65536)
            if not data:
                return False
            self.partial += data.decode(errors="replace")
            *lines, self.partial = self.partial.split("\n")
            for line in lines:
                log(f"libvirt: {line}")
            self.lines += lines
        return True

    def wait(self, what, timeout):
        assert self.seen(what, timeout), f"no libvirt event \"{what}\" for {self.name} " \
            f"within {timeout} s (seen: {[line.strip() for line in self.lines]})"

    def close(self):
        self.proc.terminate()
        self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DBusFailure(Exception):
    """A D-Bus error reply: .name is the D-Bus error name, .text the helper's message."""

    def __init__(self, name, text):
        super().__init__(f"{name}: {text}")
        self.name = name
        self.text = text


def to_dbus_failure(e):
    name = Gio.DBusError.get_remote_error(e) or ""
    text = e.message
    prefix = f"GDBus.Error:{name}: "
    if text.startswith(prefix):
        text = text[len(prefix):]
    return DBusFailure(name, text)


class Helper:
    """The helper on the system bus, with a mirror of its objects kept by its signals."""

    def __init__(self):
        self.conn = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
        self.objects = {}   # path -> {interface -> {property -> value}}
        self.history = []   # (monotonic time, kind, path, detail)
        self.conn.signal_subscribe(BUS_NAME, OM_IFACE, "InterfacesAdded", ROOT_PATH, None,
                                   Gio.DBusSignalFlags.NONE, self._on_added)
        self.conn.signal_subscribe(BUS_NAME, OM_IFACE, "InterfacesRemoved", ROOT_PATH, None,
                                   Gio.DBusSignalFlags.NONE, self._on_removed)
        self.conn.signal_subscribe(BUS_NAME, PROPS_IFACE, "PropertiesChanged", None, None,
                                   Gio.DBusSignalFlags.NONE, self._on_props)
        self.objects = self.get_managed_objects()
        self.owner = self.name_owner()

    def name_owner(self):
        try:
            (owner,) = self.conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "GetNameOwner",
                                           GLib.Variant("(s)", (BUS_NAME,)), None,
                                           Gio.DBusCallFlags.NONE, int(scaled(5000)), None).unpack()
            return owner
        except GLib.Error:
            return None

    # --- signals ------------------------------------------------------------------------
    def _on_added(self, conn, sender, path, iface, signal, params):
        obj_path, ifaces = params.unpack()
        self.history.append((time.monotonic(), "added", obj_path, sorted(ifaces)))
        log(f"InterfacesAdded {obj_path} {sorted(ifaces)}")
        self.objects.setdefault(obj_path, {}).update(ifaces)

    def _on_removed(self, conn, sender, path, iface, signal, params):
        obj_path, ifaces = params.unpack()
        self.history.append((time.monotonic(), "removed", obj_path, ifaces))
        log(f"InterfacesRemoved {obj_path} {ifaces}")
        obj = self.objects.get(obj_path, {})
        for i in ifaces:
            obj.pop(i, None)
        if not obj:
            self.objects.pop(obj_path, None)

    def _on_props(self, conn, sender, path, iface, signal, params):
        changed_iface, changed, invalidated = params.unpack()
        if not path.startswith(ROOT_PATH):
            return
        self.history.append((time.monotonic(), "props", path, (changed_iface, changed)))
        log(f"PropertiesChanged {path} {changed_iface} {changed} {invalidated}")
        props = self.objects.setdefault(path, {}).setdefault(changed_iface, {})
        props.update(changed)
        for p in invalidated:
            props.pop(p, None)

    # --- waiting ------------------------------------------------------------------------
    def wait(self, cond, timeout, what):
        """Iterates the main context until cond() is true; fails after scaled(timeout) s."""
        timeout = scaled(timeout)
        ctx = GLib.MainContext.default()
        deadline = time.monotonic() + timeout
        while True:
            while ctx.pending():
                ctx.iteration(False)
            r = cond()
            if r:
                return r
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
            source = GLib.timeout_source_new(max(1, int(remaining * 1000)))
            source.set_callback(lambda *a: False)
            source.attach(ctx)
            ctx.iteration(True)
            source.destroy()

    def settle(self):
        """Dispatches whatever has arrived, via a round trip to the bus."""
        self.conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus", "GetId", None, None,
                            Gio.DBusCallFlags.NONE, int(scaled(5000)), None)
        ctx = GLib.MainContext.default()
        while ctx.pending():
            ctx.iteration(False)

    def prop(self, path, iface, name):
        """A property as the mirror (signals) knows it."""
        return self.objects.get(path, {}).get(iface, {}).get(name)

    # --- calls --------------------------------------------------------------------------
    def call(self, path, iface, method, args=None, signature=None, timeout=60):
        try:
            params = GLib.Variant(signature, args) if signature else None
            r = self.conn.call_sync(BUS_NAME, path, iface, method, params, None,
                                    Gio.DBusCallFlags.NONE, int(scaled(timeout) * 1000), None)
        except GLib.Error as e:
            raise to_dbus_failure(e) from None
        return r.unpack() if r is not None else ()

    def call_fd(self, path, iface, method, args, signature, timeout=30):
        try:
            r, fds = self.conn.call_with_unix_fd_list_sync(
                BUS_NAME, path, iface, method, GLib.Variant(signature, args),
                GLib.VariantType("(h)"), Gio.DBusCallFlags.NONE, int(scaled(timeout) * 1000),
                None, None)
        except GLib.Error as e:
            raise to_dbus_failure(e) from None
        (index,) = r.unpack()
        assert fds is not None and fds.get_length() > index, f"{method}: reply carries no fd"
        return fds.get(index)   # a dup; ours to close

    def get_managed_objects(self):
        (objs,) = self.call(ROOT_PATH, OM_IFACE, "GetManagedObjects")
        return objs

    def get(self, path, iface, name):
        (v,) = self.call(path, PROPS_IFACE, "Get", (iface, name), "(ss)")
        return v

    def machine(self, path, method, options=None, timeout=60):
        return self.call(path, MACHINE_IFACE, method, (options or {},), "(a{sv})", timeout=timeout)

    def create_machine(self, s, timeout=120):
        (path,) = self.call(MANAGER_PATH, MANAGER_IFACE, "CreateMachine", (s,), "(a{sv})",
                            timeout=timeout)
        return path

    def machines_by_name(self):
        return {ifaces[MACHINE_IFACE]["Name"]: p
                for p, ifaces in self.objects.items() if MACHINE_IFACE in ifaces}


def expect_error(names, fn, *args, **kwargs):
    """Calls fn, which must fail with a D-Bus error named ERR + one of names."""
    if isinstance(names, str):
        names = (names,)
    try:
        r = fn(*args, **kwargs)
    except DBusFailure as e:
        assert e.name in [ERR + n for n in names], \
            f"expected {' or '.join(ERR + n for n in names)}, got {e.name}: {e.text}"
        return e
    raise AssertionError(f"expected {' or '.join(ERR + n for n in names)}, but the call "
                         f"succeeded and returned {r!r}")


def recv_exactly(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise AssertionError(f"connection closed after {len(buf)} of {n} bytes "
                                 f"(got {buf!r})")
        buf += chunk
    return buf


def run_as(uid, gid, init_groups, code, args):
    """Runs Python code as another user (setpriv), returns its JSON output. The user keeps
    its supplementary groups from /etc/group when init_groups, else has none."""
    cmd = ["setpriv", f"--reuid={uid}", f"--regid={gid}"]
    cmd += ["--init-groups"] if init_groups else ["--clear-groups"]
    cmd += ["/usr/bin/python3", "-c", code, json.dumps(args)]
    env = {"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8", "HOME": WORK}
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=scaled(120), env=env)
    if r.returncode != 0:
        raise AssertionError(f"client as uid {uid} failed ({r.returncode}): {r.stderr.strip()}")
    return json.loads(r.stdout)


# A client for other users: calls methods and reports each result or D-Bus error name.
CLIENT = r'''
import json, sys
from gi.repository import Gio, GLib
calls = json.loads(sys.argv[1])
conn = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
out = []
for c in calls:
    try:
        if "in" in c:
            # [[signature, value], ...]; an a{sv} value maps keys to [type, value]
            vals = [{k: GLib.Variant(t, v) for k, (t, v) in val.items()} if sig == "a{sv}" else val
                    for sig, val in c["in"]]
            params = GLib.Variant("(" + "".join(sig for sig, _ in c["in"]) + ")", tuple(vals))
        elif c["method"] == "CreateMachine":
            s = {"name": GLib.Variant("s", c["name"]), "memory-mib": GLib.Variant("t", 128),
                 "vcpus": GLib.Variant("u", 1), "disk-gib": GLib.Variant("t", c.get("disk", 0))}
            if c.get("iso"):
                s["iso"] = GLib.Variant("s", c["iso"])
            params = GLib.Variant("(a{sv})", (s,))
        elif "disks" in c:
            params = GLib.Variant("(a{sv})", ({"disks": GLib.Variant("as", c["disks"])},))
        elif "sig" in c:
            params = GLib.Variant(c["sig"], tuple(c["args"])) if c["sig"] else None
        elif "options" in c:
            kinds = {bool: "b", str: "s", list: "as"}
            params = GLib.Variant("(a{sv})", ({k: GLib.Variant(kinds[type(v)], v)
                                               for k, v in c["options"].items()},))
        else:
            params = GLib.Variant("(a{sv})", ({},))
        r = conn.call_sync("org.vireo.Hypervisor1", c["path"], c["iface"], c["method"], params,
                           None, Gio.DBusCallFlags.NONE, 120000, None)
        out.append({"ok": True, "result": r.unpack()})
    except GLib.Error as e:
        name = Gio.DBusError.get_remote_error(e) or ""
        out.append({"ok": False, "error": name, "message": e.message})
print(json.dumps(out))
'''


# A FUSE file system that never answers: it takes each request and keeps it, like an NFS
# server that went away. The kernel then waits for the answer even through SIGKILL, until
# the file system is aborted (this process ends). No FUSE library: the raw /dev/fuse protocol.
HUNG_FS = r'''
import ctypes, os, struct, sys
mnt = sys.argv[1]
fd = os.open("/dev/fuse", os.O_RDWR)
libc = ctypes.CDLL(None, use_errno=True)
opts = f"fd={fd},rootmode=40000,user_id=0,group_id=0,allow_other".encode()
if libc.mount(b"vireo-hung", mnt.encode(), b"fuse", 0, opts) != 0:
    raise OSError(ctypes.get_errno(), "mount")
while True:
    req = os.read(fd, 1 << 21)
    length, opcode, unique = struct.unpack("<IIQ", req[:16])
    if opcode == 26:  # FUSE_INIT: answer it, so that the mount comes up
        major, minor, readahead, flags = struct.unpack("<IIII", req[40:56])
        out = struct.pack("<IIIIHHIIHHI7I", 7, 31, readahead, 0, 0, 0, 65536, 0, 0, 0, 0,
                          *([0] * 7))
        os.write(fd, struct.pack("<IiQ", 16 + len(out), 0, unique) + out)
        print("ready", flush=True)
    # every other request: never answered
'''


class E2E:
    def __init__(self):
        self.h = Helper()
        self.iso = os.path.join(WORK, "grub.iso")
        self.machine = None       # path of the GRUB machine
        self.disk = None          # its disk's path
        self.leftover_disks = set()
        # The helper owns its name first and connects to libvirtd afterwards, as the app sees it.
        t = time.monotonic()
        try:
            self.h.wait(lambda: self.h.prop(MANAGER_PATH, MANAGER_IFACE, "Connected"), 30,
                        "Manager.Connected == true")
            log(f"helper connected to libvirtd after {time.monotonic() - t:.2f} s")
        except AssertionError as e:
            log(e)
        self.initial_names = virsh_names()    # teardown removes every other domain
        self.initial_images = images()        # and every other image

    # --- cases, in order ----------------------------------------------------------------
    def test_manager(self):
        objs = self.h.get_managed_objects()
        assert MANAGER_PATH in objs, f"no {MANAGER_PATH} in GetManagedObjects: {sorted(objs)}"
        m = objs[MANAGER_PATH][MANAGER_IFACE]
        log({k: v for k, v in m.items()})
        assert m["Connected"] is True, f"Connected is false: {m.get('ConnectionError')!r}"
        assert m["LibvirtUri"] == "qemu:///system", m["LibvirtUri"]

    def test_accelerator(self):
        """Accelerator, AcceleratorReason and KvmUsable against what this host (the sandbox's
        /dev/kvm and /sys/module, of the kind VIREO_SANDBOX_HOST asked for) says; with --accel=auto
        a new machine's domain type follows the accelerator."""
        facts = KvmFacts()
        log(f"host kind {HOST_KIND}, helper --accel={ACCEL}: {facts}")
        facts.check_kind(HOST_KIND)
        m = self.h.get_managed_objects()[MANAGER_PATH][MANAGER_IFACE]
        accel, reason, usable = m["Accelerator"], m["AcceleratorReason"], m["KvmUsable"]
        log(f"Accelerator {accel!r}, KvmUsable {usable}, AcceleratorReason {reason!r}")
        problems = []
        if usable is not facts.kvm_usable:
            problems.append(f"KvmUsable is {usable}, but here {facts}")
        want, words = facts.expect(ACCEL)
        if accel != want:
            problems.append(f"Accelerator is {accel!r}, expected {want!r} with --accel={ACCEL}, "
                            f"since here {facts}")
        if not all(w in reason for w in words):
            problems.append(f"AcceleratorReason does not say {' and '.join(map(repr, words))}: "
                            f"{reason!r}")
        assert not problems, "; ".join(problems)
        if ACCEL != "auto":
            return   # create-machine checks the domain type of TCG machines

        # A machine made by this helper: defined only, never started (a kvm_pvm /dev/kvm
        # faked as kvm_intel's would hang it).
        name = PREFIX + "accel"
        want_type = "kvm" if accel == "kvm" else "qemu"
        try:
            path = self.h.create_machine(spec(name))
        except DBusFailure as e:
            if accel == "kvm" and KVM_DEVICE == "stand-in":
                # libvirtd cannot use the stand-in /dev/kvm, so it refuses KVM domains: what a
                # real host with a broken /dev/kvm would do. Nothing more to check here.
                log(f"CreateMachine refused on a stand-in /dev/kvm, as expected: {e}")
                return
            raise
        self.h.wait(lambda: path in self.h.objects, 5, f"InterfacesAdded {path}")
        first = virsh("dumpxml", "--inactive", name).split("\n", 1)[0]
        self.h.machine(path, "Delete")
        self.h.wait(lambda: path not in self.h.objects, 10, f"InterfacesRemoved {path}")
        log(f"the new machine: {first}")
        assert f"type='{want_type}'" in first or f'type="{want_type}"' in first, \
            f"Accelerator is {accel!r} but the new domain is {first}"

    def test_create_machine(self):
        t = time.monotonic()
        subprocess.run([os.path.join(HERE, "make-grub-iso.sh"), self.iso], check=True)
        log(f"GRUB ISO built in {time.monotonic() - t:.2f} s")
        before = images()
        path = self.h.create_machine(spec(PREFIX + "grub", iso=self.iso, disk_gib=1,
                                          graphics=["spice", "vnc"]))
        self.machine = path
        # Note every new image at once, so that teardown removes it whatever fails next.
        self.leftover_disks |= {os.path.join(IMAGES_DIR, f) for f in images() - before}
        objs = self.h.get_managed_objects()
        assert path in objs, f"{path} is not in GetManagedObjects: {sorted(objs)}"
        m = objs[path][MACHINE_IFACE]
        log(m)
        assert path == machine_path(m["Uuid"]), f"{path} is not named after Uuid {m['Uuid']}"
        assert m["Name"] == PREFIX + "grub", m["Name"]
        assert m["State"] == "shutoff", m["State"]
        assert m["Persistent"] is True
        assert m["MemoryMiB"] == 128, m["MemoryMiB"]
        # An unnamed system gets the host's entropy through virtio-rng (started below with it).
        assert re.search(r"<rng model='virtio'>\s*<backend model='random'>/dev/urandom</backend>",
                         virsh("dumpxml", "--inactive", PREFIX + "grub")), "no virtio RNG"
        assert m["Vcpus"] == 1, m["Vcpus"]
        assert list(m["GraphicsTypes"]) == ["spice", "vnc"], m["GraphicsTypes"]
        disks = [d for d in m["Disks"] if d[2] == "disk"]
        cdroms = [d for d in m["Disks"] if d[2] == "cdrom"]
        assert len(disks) == 1, f"expected one disk, got Disks={m['Disks']}"
        # The ISO is copied into the default pool: the CD-ROM is the copy, not the caller's file.
        copy = os.path.join(IMAGES_DIR, PREFIX + "grub.iso")
        assert [d[1] for d in cdroms] == [copy], f"expected one cdrom {copy}: {m['Disks']}"
        assert sha256(copy) == sha256(self.iso), f"{copy} is not a copy of {self.iso}"
        target, self.disk, _, size, kind = disks[0]
        assert kind == "file", f"the new disk is of type {kind!r}, not file"
        self.leftover_disks.add(self.disk)
        assert os.path.dirname(self.disk) == IMAGES_DIR, \
            f"disk {self.disk} is not in the default pool's {IMAGES_DIR}"
        assert size == GIB, f"Disks says {size} bytes, expected {GIB}"
        info = json.loads(subprocess.run(["qemu-img", "info", "-U", "--output=json", self.disk],
                                         check=True, capture_output=True, text=True).stdout)
        assert info["format"] == "qcow2", f"{self.disk} is {info['format']}, not qcow2"
        assert info["virtual-size"] == GIB, f"{self.disk} has {info['virtual-size']} bytes"
        pools = virsh("pool-list", "--all", "--name").split()
        assert "default" in pools, f"no libvirt pool 'default' (pools: {pools})"
        vols = virsh("vol-list", "default").split()
        assert self.disk in vols, f"{self.disk} not among the default pool's volumes: {vols}"
        # The domain type follows the helper's accelerator (tcg, pinned by the sandbox).
        accel = self.h.prop(MANAGER_PATH, MANAGER_IFACE, "Accelerator")
        want = "kvm" if accel == "kvm" else "qemu"
        first = virsh("dumpxml", "--inactive", m["Name"]).split("\n", 1)[0]
        assert f"type='{want}'" in first or f'type="{want}"' in first, \
            f"Accelerator is {accel!r} but the domain is {first}"

    def test_start(self):
        assert self.machine, "no machine (create failed)"
        t = time.monotonic()
        self.h.machine(self.machine, "Start")
        self.h.wait(lambda: self.h.prop(self.machine, MACHINE_IFACE, "State") == "running", 30,
                    "PropertiesChanged State == 'running'")
        log(f"running {time.monotonic() - t:.2f} s after Start")
        assert virsh("domstate", PREFIX + "grub") == "running"
        # What a freshly started GRUB shows: Reset and Reboot must bring it back.
        self.fresh = wait_prompt(PREFIX + "grub").layout()

    def test_vnc_console(self):
        assert self.machine, "no machine (create failed)"
        fd = self.h.call_fd(self.machine, MACHINE_IFACE, "OpenConsole", ("vnc", {}), "(sa{sv})")
        with socket.socket(fileno=fd) as s:
            s.settimeout(scaled(15))
            greeting = recv_exactly(s, 12)
            assert greeting[:8] == b"RFB 003." and greeting[11:] == b"\n", \
                f"not an RFB greeting: {greeting!r}"
            minor = int(greeting[8:11])
            minor = 8 if minor >= 8 else (7 if minor == 7 else 3)
            s.sendall(b"RFB 003.%03d\n" % minor)
            if minor >= 7:
                (n,) = struct.unpack("B", recv_exactly(s, 1))
                if n == 0:
                    (ln,) = struct.unpack(">I", recv_exactly(s, 4))
                    raise AssertionError(f"server refused: {recv_exactly(s, ln)!r}")
                types = recv_exactly(s, n)
                assert 1 in types, f"security type None not offered: {list(types)}"
                s.sendall(b"\x01")
                if minor == 8:
                    (res,) = struct.unpack(">I", recv_exactly(s, 4))
                    assert res == 0, f"SecurityResult {res}"
            else:
                (sec,) = struct.unpack(">I", recv_exactly(s, 4))
                assert sec == 1, f"security type {sec}, expected None (1)"
            s.sendall(b"\x01")  # ClientInit, shared
            w, hgt = struct.unpack(">HH", recv_exactly(s, 4))
            recv_exactly(s, 16)  # pixel format
            (ln,) = struct.unpack(">I", recv_exactly(s, 4))
            name = recv_exactly(s, ln)
            log(f"VNC ServerInit {w}x{hgt} {name!r}")
            assert w > 0 and hgt > 0, f"framebuffer {w}x{hgt}"
            s.sendall(struct.pack(">BBHHHH", 3, 0, 0, 0, w, hgt))  # FramebufferUpdateRequest
            while True:
                (mtype,) = struct.unpack("B", recv_exactly(s, 1))
                if mtype == 0:
                    break
                if mtype == 2:  # Bell
                    continue
                if mtype == 3:  # ServerCutText
                    recv_exactly(s, 3)
                    (ln,) = struct.unpack(">I", recv_exactly(s, 4))
                    recv_exactly(s, ln)
                    continue
                raise AssertionError(f"unexpected server message type {mtype}")
            _, nrects = struct.unpack(">BH", recv_exactly(s, 3))
            assert nrects >= 1, "FramebufferUpdate without rectangles"
            x, y, rw, rh, enc = struct.unpack(">HHHHi", recv_exactly(s, 12))
            log(f"FramebufferUpdate {nrects} rect(s), first {rw}x{rh}+{x}+{y} encoding {enc}")

    def test_spice_console(self):
        assert self.machine, "no machine (create failed)"
        fd = self.h.call_fd(self.machine, MACHINE_IFACE, "OpenConsole", ("spice", {}),
                            "(sa{sv})")
        with socket.socket(fileno=fd) as s:
            s.settimeout(scaled(15))
            # SpiceLinkMess: connection_id, channel_type 1 (main), channel_id 0, no caps.
            mess = struct.pack("<IBBIII", 0, 1, 0, 0, 0, 18)
            s.sendall(b"REDQ" + struct.pack("<III", 2, 2, len(mess)) + mess)
            magic, major, minor, size = struct.unpack("<4sIII", recv_exactly(s, 16))
            assert magic == b"REDQ", f"reply magic {magic!r}"
            assert major == 2, f"reply version {major}.{minor}"
            assert size >= 4, f"reply size {size}"
            body = recv_exactly(s, size)
            (error,) = struct.unpack("<I", body[:4])
            log(f"SPICE link reply {major}.{minor}, {size} bytes, error {error}")
            assert error == 0, f"SpiceLinkReply error {error}"

    def grub_name(self):
        assert self.machine, "no machine (create failed)"
        assert self.h.prop(self.machine, MACHINE_IFACE, "State") == "running", "not running"
        return PREFIX + "grub"

    def test_getxml_inactive(self):
        # The persistent definition, not the live one: a title set in it alone shows only
        # there, and only the live one carries the running domain's id.
        name = self.grub_name()
        virsh("desc", name, "--config", "--title", "vireo-inactive-only")
        try:
            (live,) = self.h.machine(self.machine, "GetXml")
            (inactive,) = self.h.machine(self.machine, "GetXml",
                                         {"inactive": GLib.Variant("b", True)})
        finally:
            virsh("desc", name, "--config", "--title", "")
        problems = []
        if "<title>vireo-inactive-only</title>" not in inactive:
            problems.append("the inactive XML lacks the title set in the persistent definition")
        if "vireo-inactive-only" in live:
            problems.append("the live XML shows the title of the persistent definition")
        if not re.search(r"<domain [^>]*\bid='\d+'", live):
            problems.append("the live XML has no domain id")
        if re.search(r"<domain [^>]*\bid=", inactive):
            problems.append("the inactive XML has a domain id")
        for xml in (live, inactive):
            if f"<name>{name}</name>" not in xml:
                problems.append(f"not {name}'s XML")
        assert not problems, "; ".join(problems)

    def test_reset(self):
        # Reset is the reset button: what was typed at GRUB's prompt is gone, GRUB starts
        # again, and libvirt says the guest reset.
        name = self.grub_name()
        clear_line(name)
        wait_prompt(name)
        type_keys(name, MARK)
        poll(lambda: Screen(name).marked(), 15, f"'{MARK}' typed at the prompt")
        with Events(name) as events:
            self.h.machine(self.machine, "Reset")
            events.wait("event 'reboot'", 30)
        poll(lambda: Screen(name).layout() == self.fresh, 60, "a freshly started GRUB after Reset")
        assert virsh("domstate", name) == "running"

    def test_reboot(self):
        # Reboot asks the guest to reboot (the ACPI button), and libvirt turns the guest's next
        # power-off into a reset. GRUB ignores the button; `halt` powers it off, which without
        # Reboot shuts the machine off (tried when this test was written). So: Reboot, then halt,
        # and the machine must come back, freshly started, with libvirt's reboot event.
        name = self.grub_name()
        clear_line(name)
        wait_prompt(name)
        with Events(name) as events:
            self.h.machine(self.machine, "Reboot")
            type_keys(name, "halt\n")
            events.wait("event 'reboot'", 30)
        poll(lambda: Screen(name).layout() == self.fresh, 60, "a freshly started GRUB after Reboot")
        assert virsh("domstate", name) == "running", "the machine is not running"
        self.h.settle()
        assert self.h.prop(self.machine, MACHINE_IFACE, "State") == "running"

    def test_save_restore(self):
        # Save keeps the memory; Start restores it: what was typed is still on the screen,
        # where a fresh start would show an empty prompt.
        name = self.grub_name()
        clear_line(name)
        wait_prompt(name)
        type_keys(name, MARK)
        poll(lambda: Screen(name).marked(), 15, f"'{MARK}' typed at the prompt")
        self.h.machine(self.machine, "Save", timeout=180)
        self.h.wait(lambda: self.h.prop(self.machine, MACHINE_IFACE, "State") == "saved", 60,
                    "State == 'saved'")
        assert virsh("domstate", name) == "shut off"
        assert re.search(r"Managed save:\s+yes", virsh("dominfo", name)), "no managed save image"
        self.h.machine(self.machine, "Start", timeout=180)
        self.h.wait(lambda: self.h.prop(self.machine, MACHINE_IFACE, "State") == "running", 60,
                    "State == 'running'")
        screen = Screen(name)
        assert screen.marked(), f"after Start the screen does not show '{MARK}': restored from " \
            f"nothing, or started afresh (last row {screen.last_row()})"
        assert not re.search(r"Managed save:\s+yes", virsh("dominfo", name)), \
            "the managed save image is still there"
        clear_line(name)

    # --- the helper's descriptors ---------------------------------------------------------
    def helper_fds(self):
        """The helper's open descriptors by kind ("socket", "pipe", a path...)."""
        pid = os.environ["VIREO_HYPERVISOR_PID"]
        kinds = collections.Counter()
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                kinds[re.sub(r":\[\d+\]$", "", os.readlink(f"/proc/{pid}/fd/{fd}"))] += 1
            except FileNotFoundError:
                pass
        return kinds

    def wait_fds(self, baseline, after):
        """The helper's descriptors come back to baseline (closing may take a moment)."""
        try:
            poll(lambda: self.helper_fds() == baseline, 20, "the helper's descriptors")
        except AssertionError:
            now = self.helper_fds()
            raise AssertionError(f"after {after} the helper keeps descriptors it did not have: "
                                 f"{now - baseline}, and lost {baseline - now}") from None

    def still_serves(self, path=None):
        """The helper answers a call that goes to libvirtd, and GetManagedObjects."""
        path = path or self.machine
        self.h.get_managed_objects()
        if path:
            self.h.machine(path, "GetXml")

    def call_async(self, path, method):
        """Calls a Machine method without waiting; the result lands in the returned dict."""
        result = {}

        def done(conn, res):
            try:
                conn.call_finish(res)
                result["ok"] = True
            except GLib.Error as e:
                result["error"] = to_dbus_failure(e)
        self.h.conn.call(BUS_NAME, path, MACHINE_IFACE, method, GLib.Variant("(a{sv})", ({},)),
                         None, Gio.DBusCallFlags.NONE, 120000, None, done)
        return result

    def test_console_client_vanishes(self):
        # A client opens the screen twice and the serial console, then dies with the sockets
        # open: the helper keeps nothing of it, and the serial console is free again (libvirt
        # refuses a second reader while the first one's stream lives).
        name = self.grub_name()
        baseline = self.helper_fds()
        code = r'''
import sys, time
from gi.repository import Gio, GLib
conn = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
fds = []
for method, args in (("OpenConsole", ("vnc", {})), ("OpenConsole", ("spice", {})),
                     ("OpenSerial", ({},))):
    sig = "(sa{sv})" if method == "OpenConsole" else "(a{sv})"
    r, fdl = conn.call_with_unix_fd_list_sync("org.vireo.Hypervisor1", sys.argv[1],
        "org.vireo.Hypervisor1.Machine", method, GLib.Variant(sig, args), GLib.VariantType("(h)"),
        Gio.DBusCallFlags.NONE, 30000, None, None)
    fds.append(fdl.steal_fds())
print("open", flush=True)
time.sleep(3600)
'''
        client = subprocess.Popen(["/usr/bin/python3", "-c", code, self.machine],
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert client.stdout.readline().strip() == "open", "the client could not open them"
            during = self.helper_fds()
            log(f"while the client holds them: {during - baseline}")
            assert during != baseline, "the serial bridge holds no socket while open?"
        finally:
            client.kill()
            client.wait()
        self.wait_fds(baseline, "the client died")
        # The serial console is free: opened again without "force".
        fd = self.h.call_fd(self.machine, MACHINE_IFACE, "OpenSerial", ({},), "(a{sv})")
        os.close(fd)
        self.wait_fds(baseline, "the serial console was closed again")
        self.still_serves()
        assert virsh("domstate", name) == "running"

    def test_on_network(self):
        """A machine on libvirt's default network, taken away first (the sandbox's private
        /etc/libvirt has the package's one): the helper makes it (NAT on 192.168.122.0/24,
        inside the sandbox's own network namespace), starts it, and the guest runs with its
        NIC on the network's bridge."""
        if "default" in virsh("net-list", "--all", "--name").split():
            virsh("net-destroy", "default", check=False)
            virsh("net-undefine", "default")
        name = PREFIX + "net"
        path = self.h.create_machine(spec(name, iso=self.iso, network="default"))
        assert virsh("net-list", "--name").split() == ["default"], virsh("net-list", "--all")
        info = virsh("net-info", "default")
        assert re.search(r"^Autostart:\s+yes$", info, re.M) and re.search(r"^Bridge:\s+virbr0$", info, re.M), info
        xml = virsh("dumpxml", "--inactive", name)
        assert re.search(r"<interface type='network'>.*<source network='default'/>.*<model type='virtio'/>", xml, re.S), xml
        self.h.machine(path, "Start")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "running", 30, "State == 'running'")
        iflist = virsh("domiflist", name)
        assert re.search(r"^\s*vnet\d+\s+network\s+default\s+virtio\s+52:54:00:", iflist, re.M), iflist
        bridge = subprocess.run(["ip", "-o", "link", "show", "master", "virbr0"], capture_output=True, text=True,
                                check=True).stdout
        assert re.search(r"vnet\d+", bridge), f"no tap on virbr0: {bridge!r}"
        nics = self.h.prop(path, MACHINE_IFACE, "Nics")
        assert [(t, src, model) for _, t, src, model, *_ in nics] == [("network", "default", "virtio")], nics
        self.h.machine(path, "ForceOff")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "shutoff", 30, "State == 'shutoff'")
        # A network that does not exist is refused, and nothing is left.
        try:
            self.h.create_machine(spec(PREFIX + "nonet", network="no-such-network"))
            raise AssertionError("a machine was made on a network that does not exist")
        except DBusFailure as e:
            assert "There is no virtual network named “no-such-network”." in str(e), str(e)
        assert PREFIX + "nonet" not in virsh_names()

    def test_import(self):
        """A qcow2 image imported: copied into the default pool through libvirt as
        <name>.qcow2 (read as the caller, here root), still qcow2 with its virtual size, and
        the machine starts from it."""
        name = PREFIX + "imported"
        uid, gid = int(os.environ["VIREO_TEST_UID"]), int(os.environ["VIREO_TEST_GID"])
        image = os.path.join(WORK, "import.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", image, "64M"], check=True)
        os.chown(image, uid, gid)
        os.chmod(image, 0o600)
        s = spec(name)
        s["import"] = GLib.Variant("s", image)
        before = images()
        path = self.h.create_machine(s)
        self.leftover_disks |= {os.path.join(IMAGES_DIR, f) for f in images() - before}
        copy = os.path.join(IMAGES_DIR, name + ".qcow2")
        info = json.loads(subprocess.run(["qemu-img", "info", "-U", "--output=json", copy],
                                         check=True, capture_output=True, text=True).stdout)
        assert info["format"] == "qcow2" and info["virtual-size"] == 64 * 1024 * 1024, info
        disks = self.h.get_managed_objects()[path][MACHINE_IFACE]["Disks"]
        assert [(d[1], d[2], d[4]) for d in disks] == [(copy, "disk", "file")], disks
        self.h.machine(path, "Start")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "running", 30, "State == 'running'")
        self.h.machine(path, "ForceOff")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "shutoff", 30, "State == 'shutoff'")

    def test_pxe(self):
        """Boot from the network: the firmware's iPXE asks the default network's DHCP (its
        dnsmasq, in the sandbox's namespace) and gets a lease for the machine's MAC."""
        name = PREFIX + "pxe"
        s = spec(name, network="default")
        s["pxe"] = GLib.Variant("b", True)
        path = self.h.create_machine(s)
        xml = virsh("dumpxml", "--inactive", name)
        assert re.search(r"<boot dev='network'/>\s*<boot dev='hd'/>", xml), xml
        mac = re.search(r"<mac address='([0-9a-f:]+)'/>", xml).group(1)
        self.h.machine(path, "Start")
        poll(lambda: mac in virsh("net-dhcp-leases", "default"), 90, f"a DHCP lease for {mac} on the default network")
        log(virsh("net-dhcp-leases", "default"))
        self.h.machine(path, "ForceOff")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "shutoff", 30, "State == 'shutoff'")

    def test_express(self):
        """Express installation for real: a Linux ISO with a Debian medium's volume id and its
        kernel and initramfs where Debian's installer has them. The helper reads them out of
        its copy, appends the preseed to the initramfs and boots that kernel; the guest finds
        /preseed.cfg (with the host name given), says so and reboots, as an installer does;
        the helper ends the install phase: the definition loses the kernel and the CD-ROM
        boot, the installation files go, and the machine starts again. The password is in no
        definition."""
        name = PREFIX + "express"
        iso = os.path.join(WORK, "debian-installer.iso")
        env = dict(os.environ, VIREO_LINUX_VOLID="Debian 11.5.0 amd64 n")
        subprocess.run([os.path.join(HERE, "make-linux-iso.sh"), iso], check=True, env=env)
        secret = "Sekr3t pass-phrase"
        s = spec(name, memory_mib=256, iso=iso, disk_gib=1)
        s["os-id"] = GLib.Variant("s", "http://debian.org/debian/11")
        s["network"] = GLib.Variant("s", "")
        s["express"] = GLib.Variant("a{sv}", {"user": GLib.Variant("s", "ann"),
                                              "password": GLib.Variant("s", secret),
                                              "hostname": GLib.Variant("s", "expressbox"),
                                              "timezone": GLib.Variant("s", "Europe/Paris")})
        before = images()
        path = self.h.create_machine(s)
        self.leftover_disks |= {os.path.join(IMAGES_DIR, f) for f in images() - before}
        kernel = os.path.join(IMAGES_DIR, name + "-install-kernel")
        initrd = os.path.join(IMAGES_DIR, name + "-install-initrd")
        # Root's alone; the initramfs ends with the preseed.
        for f in (kernel, initrd):
            st = os.stat(f)
            assert (st.st_uid, st.st_mode & 0o777) == (0, 0o600), (f, st)
        with open(initrd, "rb") as f:
            data = f.read()
        tail = data[data.rindex(b"\x1f\x8b\x08"):]
        preseed = gzip.decompress(tail)
        assert b"preseed.cfg" in preseed and b"netcfg/get_hostname string expressbox" in preseed \
            and b"time/zone select Europe/Paris" in preseed, preseed[:400]
        xml = virsh("dumpxml", "--inactive", name)
        assert f"<kernel>{kernel}</kernel>" in xml and "<on_reboot>destroy</on_reboot>" in xml, xml
        assert secret not in xml and secret not in virsh("dumpxml", "--security-info", "--inactive", name)

        self.h.machine(path, "Start")
        assert secret not in virsh("dumpxml", name)
        # The guest reboots only when it finds /preseed.cfg (make-linux-iso.sh): that ends the
        # phase, and the helper starts it again from its disk.
        poll(lambda: "<kernel>" not in virsh("dumpxml", "--inactive", name) and not os.path.exists(kernel), 180,
             "the install phase's end (no <kernel> in the definition, its files gone)")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "running", 60, "State == 'running' again")
        xml = virsh("dumpxml", "--inactive", name)
        assert "cmdline" not in xml and "<on_reboot>destroy" not in xml and "<boot dev='cdrom'/>" not in xml \
            and "vireo.org" not in xml, xml
        assert not os.path.exists(kernel) and not os.path.exists(initrd)
        qemu_log = f"/var/log/libvirt/qemu/{name}.log"
        if os.path.exists(qemu_log):
            with open(qemu_log, errors="replace") as f:
                assert secret not in f.read()
        self.h.machine(path, "ForceOff")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "shutoff", 30, "State == 'shutoff'")

        # The installer's reboot while no helper listens: the next helper ends the phase when
        # it connects (the shutoff reason says the guest stopped by itself), and does not
        # start the machine: that moment has passed.
        name = PREFIX + "express-offline"
        s = spec(name, memory_mib=256, iso=iso, disk_gib=1)
        s["os-id"] = GLib.Variant("s", "http://debian.org/debian/11")
        s["express"] = GLib.Variant("a{sv}", {"user": GLib.Variant("s", "ann"),
                                              "password": GLib.Variant("s", secret)})
        before = images()
        self.h.create_machine(s)
        self.leftover_disks |= {os.path.join(IMAGES_DIR, f) for f in images() - before}
        kernel = os.path.join(IMAGES_DIR, name + "-install-kernel")
        pid = int(os.environ["VIREO_HYPERVISOR_PID"])
        os.kill(pid, signal.SIGTERM)
        poll(lambda: not os.path.exists(f"/proc/{pid}") or "Z" in open(f"/proc/{pid}/stat").read().split()[2], 30,
             "the helper's exit")
        virsh("start", name)
        poll(lambda: virsh("domstate", "--reason", name).strip() == "shut off (shutdown)", 180,
             "the installer's reboot with no helper")
        assert os.path.exists(kernel)
        with open(os.path.join(LOG_DIR, "vireo-hypervisor.log"), "ab") as log_file:
            helper = subprocess.Popen([os.environ["VIREO_HYPERVISOR"], "--system",
                                       "--accel=" + os.environ.get("VIREO_SANDBOX_ACCEL", "tcg")],
                                      stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT)
        os.environ["VIREO_HYPERVISOR_PID"] = str(helper.pid)
        old_owner = self.h.owner
        poll(lambda: self.h.name_owner() not in (None, old_owner), 30, "the new helper on the bus")
        self.h.owner = self.h.name_owner()   # restarted on purpose: helper-survived checks this one
        # (The definition changes first, the files go after.)
        poll(lambda: "<kernel>" not in virsh("dumpxml", "--inactive", name) and not os.path.exists(kernel), 60,
             "the phase ended by the next helper")
        assert virsh("domstate", name).strip() == "shut off", "the machine was started again"
        self.h.wait(lambda: self.h.prop(MANAGER_PATH, MANAGER_IFACE, "Connected"), 30, "the new helper connected")

    def test_location(self):
        """An installation tree served on the sandbox's loopback address (a Fedora 37
        .treeinfo, make-linux-iso.sh's kernel and initramfs): the helper downloads the
        installer into the pool and boots it with inst.repo= pointing at the tree; the guest,
        seeing it, reboots as an installer does; the install phase ends as for express."""
        name = PREFIX + "tree"
        mirror = os.path.join(WORK, "mirror")
        env = dict(os.environ, VIREO_LINUX_TREE=os.path.join(mirror, "fedora"))
        subprocess.run([os.path.join(HERE, "make-linux-iso.sh"), os.path.join(WORK, "tree-linux.iso")],
                       check=True, env=env)
        server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", mirror, "0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            port = re.search(r"port (\d+)", server.stdout.readline()).group(1)
            url = f"http://127.0.0.1:{port}/fedora/"
            s = spec(name, memory_mib=256, disk_gib=1)
            s["os-id"] = GLib.Variant("s", "http://fedoraproject.org/fedora/37")
            s["location"] = GLib.Variant("s", url)
            before = images()
            path = self.h.create_machine(s)
            self.leftover_disks |= {os.path.join(IMAGES_DIR, f) for f in images() - before}
        finally:
            server.terminate()
            server.wait()
        kernel = os.path.join(IMAGES_DIR, name + "-install-kernel")
        with open(kernel, "rb") as f, open(os.path.join(mirror, "fedora", "images", "pxeboot", "vmlinuz"), "rb") as g:
            assert f.read() == g.read(), "the kernel in the pool is not the tree's"
        xml = virsh("dumpxml", "--inactive", name)
        assert f"<cmdline>inst.repo={url}</cmdline>" in xml and "<on_reboot>destroy</on_reboot>" in xml, xml
        self.h.machine(path, "Start")
        poll(lambda: "<kernel>" not in virsh("dumpxml", "--inactive", name) and not os.path.exists(kernel), 180,
             "the installer's reboot (no <kernel> in the definition, its files gone)")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "running", 60, "State == 'running' again")
        assert not os.path.exists(kernel)
        self.h.machine(path, "ForceOff")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "shutoff", 30, "State == 'shutoff'")

    def test_vireoctl_create(self):
        """`vireoctl create` for each kind of source against the sandbox's libvirtd: an ISO
        (started, GRUB's prompt on its screen), an imported image, the network (PXE), an
        installation tree, an express installation and nothing; each as the helper makes it."""
        ctl = os.path.join(os.environ["VIREO_BUILD_DIR"], "app", "vireoctl")

        def create(*args):
            r = subprocess.run([ctl, "create", *args], capture_output=True, text=True, timeout=scaled(120))
            assert r.returncode == 0, f"vireoctl create {' '.join(args)}: {r.stderr.strip()}"
            return r.stdout

        def inactive(name):
            return virsh("dumpxml", "--inactive", name)

        before = images()
        try:
            name = PREFIX + "ctl-iso"
            out = create("--iso", self.iso, "--name", name, "--memory", "64", "--vcpus", "1", "--disk-size", "1",
                         "--network", "none")
            assert out == f"Created and started “{name}”.\n", out
            wait_prompt(name)
            virsh("destroy", name)

            image = os.path.join(WORK, "ctl-import.qcow2")
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", image, "64M"], check=True)
            create("--import", image, "--name", PREFIX + "ctl-import", "--memory", "64", "--no-start")
            assert f"{IMAGES_DIR}/{PREFIX}ctl-import.qcow2" in inactive(PREFIX + "ctl-import")

            create("--pxe", "--name", PREFIX + "ctl-pxe", "--memory", "64", "--disk-size", "0", "--no-start")
            assert re.search(r"<boot dev='network'/>", inactive(PREFIX + "ctl-pxe"))

            create("--name", PREFIX + "ctl-empty", "--memory", "64", "--disk-size", "1", "--network", "none",
                   "--no-start")
            xml = inactive(PREFIX + "ctl-empty")
            assert "<interface" not in xml and f"{PREFIX}ctl-empty.qcow2" in xml, xml

            password = os.path.join(WORK, "ctl-password")
            with open(password, "w") as f:
                f.write("Sekr3t\n")
            create("--iso", os.path.join(WORK, "debian-installer.iso"), "--name", PREFIX + "ctl-express",
                   "--express", "user=ann,hostname=ctlbox", "--password-file", password, "--memory", "256",
                   "--disk-size", "1", "--network", "none", "--no-start")
            assert f"{PREFIX}ctl-express-install-initrd</initrd>" in inactive(PREFIX + "ctl-express")

            mirror = os.path.join(WORK, "mirror")
            server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
                                       mirror, "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            try:
                port = re.search(r"port (\d+)", server.stdout.readline()).group(1)
                out = create("--location", f"http://127.0.0.1:{port}/fedora/", "--name", PREFIX + "ctl-tree",
                             "--memory", "256", "--disk-size", "1", "--network", "none", "--no-start")
            finally:
                server.terminate()
                server.wait()
            assert "inst.repo=" in inactive(PREFIX + "ctl-tree")
        finally:
            self.leftover_disks |= {os.path.join(IMAGES_DIR, f) for f in images() - before}

    def test_uefi(self):
        """UEFI (OVMF) with Secure Boot off: the GRUB ISO (grub-mkrescue puts an EFI image in
        it too) reaches its prompt. With Secure Boot on and a TPM: libvirt runs the Secure
        Boot firmware with Microsoft's keys enrolled, and swtpm beside the guest."""
        plain, secure = PREFIX + "uefi", PREFIX + "uefi-sb"
        efi_iso = os.path.join(WORK, "grub-efi.iso")
        subprocess.run([os.path.join(HERE, "make-grub-iso.sh"), "--efi", efi_iso], check=True)
        s = spec(plain, memory_mib=256, iso=efi_iso)
        s["firmware"] = GLib.Variant("s", "efi")
        path = self.h.create_machine(s)
        self.h.machine(path, "Start")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "running", 30, "State == 'running'")
        live = virsh("dumpxml", plain)
        assert re.search(r"<loader [^>]*type='pflash'[^>]*>[^<]*OVMF[^<]*</loader>", live), live
        assert "secure='yes'" not in live.split("<loader")[1].split("</loader>")[0], live
        poll(lambda: Screen(plain).at_efi_prompt(), 90, f"GRUB's prompt on {plain}'s UEFI screen")
        self.h.machine(path, "ForceOff")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "shutoff", 30, "State == 'shutoff'")

        s = spec(secure, memory_mib=256, iso=efi_iso)
        s["firmware"] = GLib.Variant("s", "efi")
        s["secure-boot"] = GLib.Variant("b", True)
        s["tpm"] = GLib.Variant("b", True)
        path = self.h.create_machine(s)
        self.h.machine(path, "Start")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "running", 30, "State == 'running'")
        live = virsh("dumpxml", secure)
        loader = live.split("<loader")[1].split("</loader>")[0]
        assert "secure='yes'" in loader, loader
        # Microsoft's keys enrolled: Debian's OVMF_VARS_4M.ms.fd.
        assert re.search(r"<nvram[^>]*template='[^']*\.ms\.fd'", live), live
        assert re.search(r"<tpm model='tpm-crb'>\s*<backend type='emulator' version='2.0'", live), live
        swtpm = subprocess.run(["pgrep", "-f", f"swtpm.*{secure}"], capture_output=True, text=True).stdout.split()
        assert swtpm, "no swtpm runs beside the guest"
        self.h.machine(path, "ForceOff")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "shutoff", 30, "State == 'shutoff'")

    def test_force_off(self):
        assert self.machine, "no machine (create failed)"
        self.h.machine(self.machine, "ForceOff")
        self.h.wait(lambda: self.h.prop(self.machine, MACHINE_IFACE, "State") == "shutoff", 30,
                    "PropertiesChanged State == 'shutoff'")
        assert virsh("domstate", PREFIX + "grub") == "shut off"

    # Reads are open to every local user (see the API XML); every other method is refused to
    # a user polkit does not allow.
    # Reads, and PreviewMachine, which makes nothing (docs/ARCHITECTURE.md, "Security").
    OPEN_METHODS = {(MACHINE_IFACE, "GetXml"), (MANAGER_IFACE, "PreviewMachine"), (NETWORK_IFACE, "GetLeases"),
                    (MANAGER_IFACE, "ListHostInterfaces")}

    def methods(self, path):
        """(interface, method, in-signatures) of every org.vireo method at path, from the
        helper's own introspection: a method added later is covered without a word here."""
        (xml,) = self.h.call(path, "org.freedesktop.DBus.Introspectable", "Introspect")
        out = []
        for iface in ET.fromstring(xml).findall("interface"):
            if iface.get("name").startswith("org.vireo."):
                for m in iface.findall("method"):
                    out.append((iface.get("name"), m.get("name"),
                                [a.get("type") for a in m.findall("arg")
                                 if a.get("direction", "in") == "in"]))
        return out

    def args_for(self, iface, method, sigs):
        """Valid arguments, so that only polkit can refuse the call."""
        if (iface, method) in ((MANAGER_IFACE, "CreateMachine"), (MANAGER_IFACE, "PreviewMachine")):
            return [["a{sv}", {"name": ["s", PREFIX + "unprivileged"], "memory-mib": ["t", 128],
                               "iso": ["s", self.iso], "disk-gib": ["t", 1]}]]
        if (iface, method) == (MANAGER_IFACE, "CreateNetwork"):
            return [["a{sv}", {"name": ["s", PREFIX + "unprivileged"], "mode": ["s", "nat"],
                               "ipv4": ["s", "10.77.250.1/24"]}]]
        if (iface, method) == (MACHINE_IFACE, "AddNic"):
            return [["a{sv}", {"type": ["s", "user"]}], ["a{sv}", {}]]
        if (iface, method) == (MACHINE_IFACE, "RemoveNic"):
            return [["s", "52:54:00:00:00:01"], ["a{sv}", {}]]
        if (iface, method) == (MACHINE_IFACE, "UpdateNic"):
            return [["s", "52:54:00:00:00:01"], ["a{sv}", {"link": ["b", False]}], ["a{sv}", {}]]
        defaults = {"a{sv}": {}, "s": "vnc", "b": False, "u": 0, "t": 0, "as": [], "au": []}
        assert all(sig in defaults for sig in sigs), f"{method}: no value for {sigs}"
        return [[sig, defaults[sig]] for sig in sigs]

    def test_unprivileged_refused(self):
        # Every method of every interface, as a user polkit refuses (the real polkitd), on the
        # shut-off machine and on the Manager: refused, and nothing changes.
        assert self.machine, "no machine (create failed)"
        uid, gid = int(os.environ["VIREO_TEST_UID"]), int(os.environ["VIREO_TEST_GID"])
        before_names, before_images = virsh_names(), images()
        before_xml = virsh("dumpxml", "--inactive", PREFIX + "grub")
        calls, labels = [], []
        for path in (MANAGER_PATH, self.machine):
            for iface, method, sigs in self.methods(path):
                calls.append({"path": path, "iface": iface, "method": method,
                              "in": self.args_for(iface, method, sigs)})
                labels.append((iface, method))
        log(f"calling {len(calls)} methods: {[m for _, m in labels]}")
        assert len(calls) >= 13, f"only {len(calls)} methods introspected: {labels}"
        for method in ("AddNic", "RemoveNic", "UpdateNic"):
            assert (MACHINE_IFACE, method) in labels, f"{method} not introspected: {labels}"
        out = run_as(uid, gid, False, CLIENT, calls)
        problems = []
        for (iface, method), r in zip(labels, out):
            if (iface, method) in self.OPEN_METHODS:
                if not r["ok"]:
                    problems.append(f"{method} (open to all) as uid {uid}: {r}")
            elif r["ok"] or r["error"] != ERR + "NotAuthorized":
                problems.append(f"{method} as uid {uid}: expected {ERR}NotAuthorized, got {r}")
        self.h.settle()
        if virsh("domstate", PREFIX + "grub") != "shut off":
            problems.append("the machine was started anyway")
        if virsh("dumpxml", "--inactive", PREFIX + "grub") != before_xml:
            problems.append("the machine's definition changed")
        if virsh_names() != before_names or images() != before_images:
            problems.append(f"something was created or deleted: domains {virsh_names() ^ before_names}, "
                            f"images {images() ^ before_images}")
        assert not problems, "\n      ".join(problems)

    def test_bad_input(self):
        before_names, before_images = virsh_names(), images()
        before_objs = set(self.h.get_managed_objects())
        problems = []

        def refused(label, fn, names=("InvalidArgument",), mention=None):
            try:
                e = expect_error(names, fn)
                log(f"{label}: {e.name}: {e.text}")
                if mention and not any(m in e.text.lower() for m in mention):
                    problems.append(f"{label}: message does not say why: {e.text!r}")
            except AssertionError as e:
                problems.append(f"{label}: {e}")

        for name in ("bad/name", "", "x" * 65, "../x", "a\nb"):
            refused(f"name {name!r}",
                    lambda: self.h.create_machine(spec(name, iso=self.iso, disk_gib=1)))
        refused("missing ISO", lambda: self.h.create_machine(
            spec(PREFIX + "noiso", iso=os.path.join(WORK, "does-not-exist.iso"), disk_gib=1)),
            names=("InvalidArgument", "NotFound"))
        refused("relative ISO path", lambda: self.h.create_machine(
            spec(PREFIX + "reliso", iso="grub.iso", disk_gib=1)))

        # A caller whom polkit allows (group libvirt) but who cannot read the ISO: the helper
        # must check readability as the caller, not as root.
        secret = os.path.join(WORK, "root-only.iso")
        with open(self.iso, "rb") as src, open(secret, "wb") as dst:
            dst.write(src.read())
        os.chown(secret, 0, 0)
        os.chmod(secret, 0o600)
        uid = int(os.environ["VIREO_TEST_LIBVIRT_UID"])
        gid = int(os.environ["VIREO_TEST_LIBVIRT_GID"])
        out = run_as(uid, gid, True, CLIENT, [
            {"path": MANAGER_PATH, "iface": MANAGER_IFACE, "method": "CreateMachine",
             "name": PREFIX + "secret", "iso": secret, "disk": 1},
        ])
        r = out[0]
        log(f"root-only ISO as uid {uid} (group libvirt): {r}")
        if r["ok"] or r["error"] != ERR + "InvalidArgument":
            problems.append(f"root-only ISO as uid {uid} in group libvirt: expected "
                            f"{ERR}InvalidArgument, got {r}")
        elif not any(w in r["message"].lower() for w in ("read", "permission", "access")):
            problems.append(f"root-only ISO: the message does not say it cannot be read: "
                            f"{r['message']!r}")
        os.unlink(secret)

        self.h.settle()
        if virsh_names() != before_names:
            problems.append(f"domains were created: {virsh_names() - before_names}")
        if images() != before_images:
            problems.append(f"images were created: {images() - before_images}")
            self.leftover_disks |= {os.path.join(IMAGES_DIR, f) for f in images() - before_images}
        new_objs = set(self.h.get_managed_objects()) - before_objs
        if new_objs:
            problems.append(f"objects were exported: {new_objs}")
        assert not problems, "\n      ".join(problems)

    def test_read_rule(self):
        # One read rule: a local user whom polkit allows nothing reads every property,
        # GetManagedObjects and GetXml (without secrets), and nothing more.
        uid, gid = int(os.environ["VIREO_TEST_UID"]), int(os.environ["VIREO_TEST_GID"])
        u = str(uuidlib.uuid4())
        name = PREFIX + "secret-vnc"
        xml = os.path.join(WORK, f"{name}.xml")
        with open(xml, "w") as f:
            f.write(f"<domain type='qemu'><name>{name}</name><uuid>{u}</uuid>"
                    f"<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                    f"<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
                    f"<graphics type='vnc' autoport='yes' listen='127.0.0.1' "
                    f"passwd='vireopw8'/></devices></domain>")
        virsh("define", xml)
        path = machine_path(u)
        self.h.wait(lambda: path in self.h.objects, 5, f"InterfacesAdded {path}")
        out = run_as(uid, gid, False, CLIENT, [
            {"path": ROOT_PATH, "iface": OM_IFACE, "method": "GetManagedObjects", "sig": None},
            {"path": MANAGER_PATH, "iface": PROPS_IFACE, "method": "GetAll", "sig": "(s)",
             "args": [MANAGER_IFACE]},
            {"path": path, "iface": PROPS_IFACE, "method": "Get", "sig": "(ss)",
             "args": [MACHINE_IFACE, "Name"]},
            {"path": path, "iface": MACHINE_IFACE, "method": "GetXml", "options": {}},
            {"path": path, "iface": MACHINE_IFACE, "method": "GetXml",
             "options": {"inactive": True}},
            {"path": path, "iface": MACHINE_IFACE, "method": "Start"},
        ])
        problems = []
        labels = ("GetManagedObjects", "GetAll(Manager)", "Get(Name)", "GetXml",
                  "GetXml {'inactive': true}")
        for what, r in zip(labels, out):
            if not r["ok"]:
                problems.append(f"{what} as uid {uid}: {r}")
        if out[0]["ok"] and path not in out[0]["result"][0]:
            problems.append(f"GetManagedObjects as uid {uid} lacks {path}")
        if out[2]["ok"] and out[2]["result"][0] != name:
            problems.append(f"Get(Name) is {out[2]['result']}")
        for r in out[3:5]:
            if r["ok"] and ("<name>" + name) not in r["result"][0]:
                problems.append(f"GetXml is not {name}'s XML")
            if r["ok"] and "vireopw8" in r["result"][0]:
                problems.append("GetXml shows the VNC password")
        if out[5]["ok"] or out[5]["error"] != ERR + "NotAuthorized":
            problems.append(f"Start as uid {uid}: expected {ERR}NotAuthorized, got {out[5]}")
        virsh("undefine", name)
        assert not problems, "\n      ".join(problems)

    def test_libvirt_group_allowed(self):
        # The positive control of the two cases above: the same user in group libvirt, with a
        # readable ISO, may create a machine (polkit rules file + readability check as caller).
        uid = int(os.environ["VIREO_TEST_LIBVIRT_UID"])
        gid = int(os.environ["VIREO_TEST_LIBVIRT_GID"])
        before = images()
        out = run_as(uid, gid, True, CLIENT, [
            {"path": MANAGER_PATH, "iface": MANAGER_IFACE, "method": "CreateMachine",
             "name": PREFIX + "libvirt-user", "iso": self.iso, "disk": 0},
        ])
        self.leftover_disks |= {os.path.join(IMAGES_DIR, f) for f in images() - before}
        r = out[0]
        assert r["ok"], f"CreateMachine as uid {uid} in group libvirt failed: {r}"
        (path,) = r["result"]
        self.h.wait(lambda: path in self.h.objects, 5, f"InterfacesAdded {path}")
        self.h.machine(path, "Delete")
        self.h.wait(lambda: path not in self.h.objects, 10, f"InterfacesRemoved {path}")

    def test_iso_linked(self):
        """An ISO readable by all, in a private folder of the caller's (0700, as Debian makes
        homes): linked into the pool (the same inode, no copy), never relabelled (its owner
        stays the user while the guest runs), and the guest boots from it to GRUB's prompt.
        One only its owner may read is copied instead. (The folder is on the pool's mount, as
        /home is on a one-partition system: the other cases' ISOs, in WORK, are on another
        mount, where no link can be made, and are copied.)"""
        uid = int(os.environ["VIREO_TEST_LIBVIRT_UID"])
        gid = int(os.environ["VIREO_TEST_LIBVIRT_GID"])
        home = os.path.join(os.path.dirname(IMAGES_DIR), "link-home")
        os.makedirs(home, exist_ok=True)
        os.chown(home, uid, gid)
        os.chmod(home, 0o700)
        shared, private = os.path.join(home, "shared.iso"), os.path.join(home, "private.iso")
        for f, mode in ((shared, 0o644), (private, 0o600)):
            shutil.copyfile(self.iso, f)
            os.chown(f, uid, gid)
            os.chmod(f, mode)
        before = images()
        out = run_as(uid, gid, True, CLIENT, [
            {"path": MANAGER_PATH, "iface": MANAGER_IFACE, "method": "CreateMachine",
             "name": PREFIX + "linked", "iso": shared, "disk": 0},
            {"path": MANAGER_PATH, "iface": MANAGER_IFACE, "method": "CreateMachine",
             "name": PREFIX + "copied", "iso": private, "disk": 0},
        ])
        self.leftover_disks |= {os.path.join(IMAGES_DIR, f) for f in images() - before}
        assert out[0]["ok"] and out[1]["ok"], out
        linked = os.path.join(IMAGES_DIR, PREFIX + "linked.iso")
        copied = os.path.join(IMAGES_DIR, PREFIX + "copied.iso")
        assert os.stat(linked).st_ino == os.stat(shared).st_ino, "the shared ISO was not linked"
        assert os.stat(copied).st_ino != os.stat(private).st_ino, "the private ISO was linked"
        assert sha256(copied) == sha256(private)
        xml = virsh("dumpxml", "--inactive", PREFIX + "linked")
        assert "<seclabel model='dac' relabel='no'/>" in xml, xml
        (path,) = out[0]["result"]
        self.h.wait(lambda: path in self.h.objects, 5, f"InterfacesAdded {path}")
        self.h.machine(path, "Start")
        wait_prompt(PREFIX + "linked")
        st = os.stat(shared)
        assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (uid, gid, 0o644), \
            f"the user's ISO changed while the guest ran: {st}"
        self.h.machine(path, "ForceOff")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "shutoff", 30, "State == 'shutoff'")
        # Deleting the machine's ISO volume removes the link, never the user's file.
        self.h.machine(path, "Delete", {"disks": GLib.Variant("as", [linked])})
        assert not os.path.exists(linked) and os.path.exists(shared)
        shutil.rmtree(home)

    def test_iso_swap(self):
        # A caller (group libvirt) creates a machine from an ISO in a folder of their own, then
        # swaps the file for a link to a file only root may read. QEMU opens a CD-ROM's file at
        # every start: the guest must still get what the caller could read at creation.
        uid = int(os.environ["VIREO_TEST_LIBVIRT_UID"])
        gid = int(os.environ["VIREO_TEST_LIBVIRT_GID"])
        home = os.path.join(WORK, "swap-home")
        os.makedirs(home, exist_ok=True)
        os.chown(home, uid, gid)
        user_iso = os.path.join(home, "medium.iso")
        shutil.copyfile(self.iso, user_iso)
        os.chown(user_iso, uid, gid)
        os.chmod(user_iso, 0o644)
        secret = os.path.join(WORK, "swap-secret.img")
        with open(secret, "wb") as f:
            f.write(b"only root may read this\n" * 4096)
        os.chmod(secret, 0o600)
        name = PREFIX + "swap"
        before = images()
        out = run_as(uid, gid, True, CLIENT, [
            {"path": MANAGER_PATH, "iface": MANAGER_IFACE, "method": "CreateMachine",
             "name": name, "iso": user_iso, "disk": 0},
        ])
        self.leftover_disks |= {os.path.join(IMAGES_DIR, f) for f in images() - before}
        r = out[0]
        assert r["ok"], f"CreateMachine as uid {uid} failed: {r}"
        (path,) = r["result"]
        self.h.wait(lambda: path in self.h.objects, 5, f"InterfacesAdded {path}")

        os.unlink(user_iso)
        os.symlink(secret, user_iso)
        self.h.machine(path, "Start")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "running", 30,
                    "State == 'running'")
        files = open_files(qemu_pid(name))
        log(f"QEMU has open: {sorted(f for f in files if f.startswith('/'))}")
        copy = os.path.join(IMAGES_DIR, name + ".iso")
        problems = []
        if os.path.realpath(secret) in files:
            problems.append(f"QEMU opened the root-only {secret} through the swapped link")
        if copy not in files:
            problems.append(f"QEMU has not opened the copy {copy}")
        if not os.path.exists(copy) or sha256(copy) != sha256(self.iso):
            problems.append(f"{copy} is not what the caller could read")
        self.h.machine(path, "ForceOff")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "shutoff", 30,
                    "State == 'shutoff'")
        assert not problems, "; ".join(problems)   # teardown removes the machine
        # The copy is a volume of the default pool: Delete removes it when asked to.
        self.h.machine(path, "Delete", {"disks": GLib.Variant("as", [copy])})
        self.h.wait(lambda: path not in self.h.objects, 10, f"InterfacesRemoved {path}")
        if os.path.exists(copy):
            problems.append(f"Delete kept the copy {copy}")
        if sha256(secret) != hashlib.sha256(b"only root may read this\n" * 4096).hexdigest():
            problems.append(f"{secret} changed")
        os.unlink(user_iso)
        os.unlink(secret)
        assert not problems, "; ".join(problems)

    def test_iso_hung_fs(self):
        # An ISO on a file system that hangs (FUSE that never answers, as a dead NFS server):
        # CreateMachine gives up after the helper's time limit, the helper serves on, and its
        # child is reaped once the file system goes.
        mnt = os.path.join(WORK, "hung")
        os.makedirs(mnt, exist_ok=True)
        fs = subprocess.Popen(["/usr/bin/python3", "-c", HUNG_FS, mnt], stdout=subprocess.PIPE,
                              text=True)
        problems = []
        try:
            assert fs.stdout.readline().strip() == "ready", "the FUSE file system did not start"
            pid = int(os.environ["VIREO_HYPERVISOR_PID"])
            before = images()
            t = time.monotonic()
            e = expect_error("Failed", self.h.create_machine,
                             spec(PREFIX + "hung", iso=os.path.join(mnt, "medium.iso")))
            took = time.monotonic() - t
            log(f"CreateMachine failed after {took:.1f} s: {e.text}")
            if not 9 <= took <= 30:
                problems.append(f"CreateMachine took {took:.1f} s, not the 10 s time limit")
            if "did not answer" not in e.text:
                problems.append(f"the message does not say why: {e.text!r}")
            t = time.monotonic()
            self.h.get_managed_objects()
            self.h.get(MANAGER_PATH, MANAGER_IFACE, "Connected")
            if time.monotonic() - t > 2:
                problems.append("the helper answered slowly meanwhile")
            if images() != before or PREFIX + "hung" in virsh_names():
                problems.append("something was created")
        finally:
            fs.kill()
            fs.wait()
            subprocess.run(["umount", "-l", mnt], capture_output=True)

        def children():
            out = []
            for p in os.listdir("/proc"):
                if p.isdigit():
                    try:
                        with open(f"/proc/{p}/status") as f:
                            if f"\nPPid:\t{pid}\n" in f.read():
                                out.append(p)
                    except OSError:
                        pass
            return out
        try:
            self.h.wait(lambda: not children(), 10, "the helper's child reaped")
        except AssertionError:
            problems.append(f"children of the helper left: {children()}")
        assert not problems, "; ".join(problems)

    def test_delete_keeps_disks(self):
        assert self.machine and self.disk, "no machine (create failed)"
        path = self.machine
        self.h.machine(path, "Delete")
        self.h.wait(lambda: path not in self.h.objects, 10, f"InterfacesRemoved {path}")
        assert path not in self.h.get_managed_objects()
        assert PREFIX + "grub" not in virsh_names(), "the domain is still defined"
        assert os.path.exists(self.disk), f"Delete({{}}) removed the disk {self.disk}"
        self.machine = None

    def test_delete_with_disks(self):
        before = images()
        path = self.h.create_machine(spec(PREFIX + "disk", disk_gib=1))
        new = {os.path.join(IMAGES_DIR, f) for f in images() - before}
        self.leftover_disks |= new
        disks = self.h.get_managed_objects()[path][MACHINE_IFACE]["Disks"]
        disk_paths = [d[1] for d in disks if d[2] == "disk"]
        assert len(disk_paths) == 1, f"expected one disk: {disks}"
        disk = disk_paths[0]
        assert os.path.exists(disk), f"{disk} does not exist"
        self.h.machine(path, "Delete", {"disks": GLib.Variant("as", [disk])})
        self.h.wait(lambda: path not in self.h.objects, 10, f"InterfacesRemoved {path}")
        assert PREFIX + "disk" not in virsh_names(), "the domain is still defined"
        assert not os.path.exists(disk), f"Delete({{'disks': [{disk}]}}) kept the disk"

    def define_external(self, name):
        u = str(uuidlib.uuid4())
        xml = os.path.join(WORK, f"{name}.xml")
        with open(xml, "w") as f:
            f.write(f"""<domain type='qemu'>
  <name>{name}</name>
  <uuid>{u}</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices>
</domain>
""")
        virsh("define", xml)
        return machine_path(u)

    def define_with_disks(self, name, disks):
        """Defines (behind the helper's back) a shut-off machine with these (device, path)."""
        u = str(uuidlib.uuid4())
        devs = "".join(f"<disk type='file' device='{dev}'><driver name='qemu' type='raw'/>"
                       f"<source file='{path}'/><target dev='{'sd' if dev == 'cdrom' else 'vd'}"
                       f"{chr(ord('a') + i)}' bus='{'sata' if dev == 'cdrom' else 'virtio'}'/>"
                       + ("<readonly/>" if dev == "cdrom" else "") + "</disk>"
                       for i, (dev, path) in enumerate(disks))
        xml = os.path.join(WORK, f"{name}.xml")
        with open(xml, "w") as f:
            f.write(f"<domain type='qemu'><name>{name}</name><uuid>{u}</uuid>"
                    f"<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                    f"<os><type arch='x86_64' machine='pc'>hvm</type></os>"
                    f"<devices>{devs}</devices></domain>")
        virsh("define", xml)
        path = machine_path(u)
        self.h.wait(lambda: path in self.h.objects, 5, f"InterfacesAdded {path}")
        return path

    def test_delete_as_caller(self):
        # Delete removes a disk only as a volume of a storage pool, or as the caller: a caller
        # allowed to delete machines (group libvirt) must not remove a file they could not.
        uid = int(os.environ["VIREO_TEST_LIBVIRT_UID"])
        gid = int(os.environ["VIREO_TEST_LIBVIRT_GID"])
        rootdir = os.path.join(WORK, "x")                  # root's, as /etc is
        home = os.path.join(WORK, "del-home")              # the caller's
        for d, owner in ((rootdir, 0), (home, uid), (os.path.join(home, "sub"), uid)):
            os.makedirs(d, exist_ok=True)
            os.chown(d, owner, owner and gid)
            os.chmod(d, 0o755)
        passwd = os.path.join(rootdir, "passwd")
        behind = os.path.join(rootdir, "disk.img")
        own = os.path.join(home, "own.img")
        swapped = os.path.join(home, "sub", "disk.img")
        for path, owner in ((passwd, 0), (behind, 0), (own, uid), (swapped, uid)):
            with open(path, "w") as f:
                f.write("root:x:0:0:root:/root:/bin/bash\n" if path == passwd else "disk\n")
            os.chown(path, owner, owner and gid)
            os.chmod(path, 0o644)
        m_passwd = self.define_with_disks(PREFIX + "del-passwd", [("cdrom", passwd)])
        m_own = self.define_with_disks(PREFIX + "del-own", [("disk", own)])
        m_swap = self.define_with_disks(PREFIX + "del-swap", [("disk", swapped)])
        before = images()
        out = run_as(uid, gid, True, CLIENT, [
            {"path": MANAGER_PATH, "iface": MANAGER_IFACE, "method": "CreateMachine",
             "name": PREFIX + "del-volume", "disk": 1},
        ])
        self.leftover_disks |= {os.path.join(IMAGES_DIR, f) for f in images() - before}
        assert out[0]["ok"], f"CreateMachine as uid {uid} failed: {out[0]}"
        (m_volume,) = out[0]["result"]
        volume = os.path.join(IMAGES_DIR, PREFIX + "del-volume.qcow2")
        assert os.path.exists(volume), f"no {volume}"

        # The swap, arranged before the call: the caller's folder becomes a link to root's.
        os.rename(os.path.join(home, "sub"), os.path.join(home, "sub.old"))
        os.symlink(rootdir, os.path.join(home, "sub"))

        out = run_as(uid, gid, True, CLIENT, [
            {"path": m_passwd, "iface": MACHINE_IFACE, "method": "Delete", "disks": [passwd]},
            {"path": m_swap, "iface": MACHINE_IFACE, "method": "Delete", "disks": [swapped]},
            {"path": m_own, "iface": MACHINE_IFACE, "method": "Delete", "disks": [own]},
            {"path": m_volume, "iface": MACHINE_IFACE, "method": "Delete", "disks": [volume]},
        ])
        log(f"Delete as uid {uid}: {out}")
        problems = []
        for what, r in zip(("root's passwd", "a path through a swapped link"), out[:2]):
            if r["ok"] or r["error"] != ERR + "InvalidArgument":
                problems.append(f"{what}: expected {ERR}InvalidArgument, got {r}")
        for what, r in zip(("the caller's own file", "a pool volume"), out[2:]):
            if not r["ok"]:
                problems.append(f"{what}: {r}")
        self.h.settle()
        if not os.path.isfile(passwd) or not os.path.isfile(behind):
            problems.append("a root-owned file was removed")
        for name in ("del-passwd", "del-swap"):
            if PREFIX + name not in virsh_names():
                problems.append(f"{PREFIX + name} was deleted although the call was refused")
        if os.path.exists(own):
            problems.append(f"the caller's own {own} is still there")
        if os.path.exists(volume):
            problems.append(f"the volume {volume} is still there")
        for name in ("del-own", "del-volume"):
            if PREFIX + name in virsh_names():
                problems.append(f"{PREFIX + name} is still defined")
        shutil.rmtree(home)
        shutil.rmtree(rootdir)
        assert not problems, "\n      ".join(problems)

    def test_external_define(self):
        name = PREFIX + "external"
        path = self.define_external(name)
        t = time.monotonic()
        self.h.wait(lambda: path in self.h.objects, 2, f"InterfacesAdded {path} after virsh define")
        log(f"appeared {time.monotonic() - t:.2f} s after virsh define")
        assert self.h.prop(path, MACHINE_IFACE, "Name") == name
        virsh("undefine", name)
        t = time.monotonic()
        self.h.wait(lambda: path not in self.h.objects, 2,
                    f"InterfacesRemoved {path} after virsh undefine")
        log(f"disappeared {time.monotonic() - t:.2f} s after virsh undefine")

    def test_libvirtd_restart(self):
        path = self.define_external(PREFIX + "survivor")
        self.h.wait(lambda: path in self.h.objects, 3, f"InterfacesAdded {path}")
        assert self.h.prop(MANAGER_PATH, MANAGER_IFACE, "Connected") is True
        mark = len(self.h.history)

        def connected_seen(value):
            return any(kind == "props" and p == MANAGER_PATH and d[0] == MANAGER_IFACE
                       and d[1].get("Connected") is value for _, kind, p, d in self.h.history[mark:])

        subprocess.run([os.path.join(SANDBOX_DIR, "stop-libvirtd.sh")], check=True)
        t = time.monotonic()
        try:
            self.h.wait(lambda: connected_seen(False), 15, "Connected = false after libvirtd stopped")
        except AssertionError:
            subprocess.run([os.path.join(SANDBOX_DIR, "start-libvirtd.sh")], check=True)
            raise
        log(f"Connected false {time.monotonic() - t:.2f} s after libvirtd stopped; "
            f"ConnectionError {self.h.prop(MANAGER_PATH, MANAGER_IFACE, 'ConnectionError')!r}")
        subprocess.run([os.path.join(SANDBOX_DIR, "start-libvirtd.sh")], check=True)
        t = time.monotonic()
        self.h.wait(lambda: connected_seen(True), 30, "Connected = true after libvirtd restarted")
        log(f"Connected true {time.monotonic() - t:.2f} s after libvirtd restarted")
        self.h.wait(lambda: path in self.h.objects, 10, f"{path} back after the restart")
        objs = self.h.get_managed_objects()
        assert path in objs, f"{path} is not in GetManagedObjects after the restart"
        assert objs[MANAGER_PATH][MANAGER_IFACE]["Connected"] is True
        virsh("undefine", PREFIX + "survivor")
        self.h.wait(lambda: path not in self.h.objects, 3, f"InterfacesRemoved {path}")

    def test_guest_crash(self):
        # The guest's QEMU dies (SIGKILL): the machine shows shut off, the helper keeps nothing
        # of it, and it starts again.
        assert self.machine, "no machine (create failed)"
        name = PREFIX + "grub"
        self.h.machine(self.machine, "Start")
        self.h.wait(lambda: self.h.prop(self.machine, MACHINE_IFACE, "State") == "running", 30,
                    "State == 'running'")
        baseline = self.helper_fds()
        os.kill(qemu_pid(name), 9)
        self.h.wait(lambda: self.h.prop(self.machine, MACHINE_IFACE, "State") in ("shutoff", "crashed"),
                    30, "State == 'shutoff' after QEMU was killed")
        assert virsh("domstate", name) == "shut off"
        self.wait_fds(baseline, "the guest crashed")
        self.still_serves()
        self.h.machine(self.machine, "Start")
        self.h.wait(lambda: self.h.prop(self.machine, MACHINE_IFACE, "State") == "running", 30,
                    "State == 'running' again")
        self.h.machine(self.machine, "ForceOff")
        self.h.wait(lambda: self.h.prop(self.machine, MACHINE_IFACE, "State") == "shutoff", 30,
                    "State == 'shutoff'")

    def libvirtd_pid(self):
        return int(subprocess.run([os.path.join(SANDBOX_DIR, "libvirtd-pid.sh")],
                                  capture_output=True, text=True, check=True).stdout)

    def connected_is(self, value, since):
        return any(kind == "props" and p == MANAGER_PATH and d[0] == MANAGER_IFACE
                   and d[1].get("Connected") is value for _, kind, p, d in self.h.history[since:])

    def test_libvirtd_killed_mid_call(self):
        # A call is waiting on libvirtd when libvirtd dies (SIGKILL): the call fails at once,
        # the helper reconnects when libvirtd is back, and keeps nothing of the old connection.
        path = self.define_external(PREFIX + "fault")
        self.h.wait(lambda: path in self.h.objects, 5, f"InterfacesAdded {path}")
        self.still_serves(path)
        baseline = self.helper_fds()
        mark = len(self.h.history)
        pid = self.libvirtd_pid()
        os.kill(pid, 19)   # SIGSTOP: the call waits for libvirtd...
        try:
            result = self.call_async(path, "GetXml")
            try:
                self.h.wait(lambda: result, 1, "")
            except AssertionError:
                pass   # still waiting on libvirtd, as it must
            assert not result, f"the call returned while libvirtd was stopped: {result}"
            subprocess.run([os.path.join(SANDBOX_DIR, "stop-libvirtd.sh"), "KILL"], check=True)
        except BaseException:
            os.kill(pid, 18)
            raise
        # ...and fails as soon as libvirtd is gone.
        t = time.monotonic()
        self.h.wait(lambda: result, 10, "the call's answer after libvirtd was killed")
        log(f"answer {time.monotonic() - t:.2f} s after libvirtd died: {result}")
        assert "error" in result, f"the call succeeded without libvirtd: {result}"
        assert result["error"].name == ERR + "NotConnected", \
            f"expected {ERR}NotConnected, got {result['error']}"
        self.h.wait(lambda: self.connected_is(False, mark), 10, "Connected = false")
        subprocess.run([os.path.join(SANDBOX_DIR, "start-libvirtd.sh")], check=True)
        self.h.wait(lambda: self.connected_is(True, mark), 30, "Connected = true")
        self.h.wait(lambda: path in self.h.objects, 10, f"{path} back")
        self.wait_fds(baseline, "libvirtd was killed and came back")
        self.still_serves(path)
        virsh("undefine", PREFIX + "fault")

    def test_libvirtd_hung(self):
        # libvirtd stops answering (SIGSTOP): libvirt's keepalive gives the connection up
        # after about 15-20 s, the waiting call fails, Connected turns false; when libvirtd
        # answers again the helper reconnects and keeps nothing of the old connection.
        path = self.define_external(PREFIX + "fault")
        self.h.wait(lambda: path in self.h.objects, 5, f"InterfacesAdded {path}")
        self.still_serves(path)
        baseline = self.helper_fds()
        mark = len(self.h.history)
        pid = self.libvirtd_pid()
        os.kill(pid, 19)
        try:
            t = time.monotonic()
            result = self.call_async(path, "GetXml")
            self.h.wait(lambda: result, 40, "the call's answer while libvirtd hangs")
            log(f"answer {time.monotonic() - t:.2f} s after libvirtd stopped: {result}")
            assert "error" in result, f"the call succeeded while libvirtd was stopped: {result}"
            assert result["error"].name == ERR + "NotConnected", \
                f"expected {ERR}NotConnected, got {result['error']}"
            assert 10 <= time.monotonic() - t <= 35, "not libvirt's keepalive (5 s x 3)"
            self.h.wait(lambda: self.connected_is(False, mark), 10, "Connected = false")
            # Meanwhile the machines are not on the bus, and the Manager says why at once.
            assert path not in self.h.objects, "a machine is exported while disconnected"
            e = expect_error(("NotConnected",), self.h.create_machine, spec(PREFIX + "meanwhile"))
            log(f"while disconnected: {e.text}")
        finally:
            os.kill(pid, 18)   # SIGCONT
        self.h.wait(lambda: self.connected_is(True, mark), 60, "Connected = true after SIGCONT")
        self.h.wait(lambda: path in self.h.objects, 10, f"{path} back")
        self.wait_fds(baseline, "libvirtd hung and came back")
        self.still_serves(path)
        virsh("undefine", PREFIX + "fault")

    def test_helper_survived(self):
        pid = os.environ.get("VIREO_HYPERVISOR_PID")
        problems = []
        if pid and not os.path.exists(f"/proc/{pid}"):
            problems.append(f"the helper (pid {pid}) exited")
        owner = self.h.name_owner()
        if owner != self.h.owner:
            problems.append(f"{BUS_NAME} is owned by {owner}, not by {self.h.owner} as at the start")
        hv_log = os.path.join(LOG_DIR, "vireo-hypervisor.log") if LOG_DIR else ""
        if hv_log and os.path.exists(hv_log):
            with open(hv_log, errors="replace") as f:
                bad = [line.rstrip() for line in f
                       if "CRITICAL" in line or "WARNING" in line or "ERROR" in line]
            if bad:
                problems.append("criticals or warnings in its log:\n        " +
                                "\n        ".join(bad[:10]))
        assert not problems, "; ".join(problems)

    def test_helper_exits_clean(self):
        # SIGTERM ends the helper cleanly; under ASan+UBSan its log then has no sanitizer
        # report (LeakSanitizer runs at exit). The last case that needs the helper.
        pid = int(os.environ["VIREO_HYPERVISOR_PID"])
        os.kill(pid, 15)
        poll(lambda: not os.path.exists(f"/proc/{pid}") or
             "Z" in open(f"/proc/{pid}/stat").read().split()[2], 30, "the helper's exit")
        hv_log = os.path.join(LOG_DIR, "vireo-hypervisor.log")
        with open(hv_log, errors="replace") as f:
            text = f.read()
        bad = [line for line in text.splitlines()
               if "Sanitizer" in line or "runtime error" in line or "CRITICAL" in line]
        self.h.objects = {}   # its objects went with it; no signal says so
        assert "Terminating" in text, "the helper did not say it was terminating"
        assert not bad, "\n      ".join(bad[:20])

    # --- virtual networks (inside the sandbox's own network namespace only) --------------
    def create_network(self, name, mode, ipv4, **extra):
        s = {"name": GLib.Variant("s", name), "mode": GLib.Variant("s", mode), "ipv4": GLib.Variant("s", ipv4)}
        for key, value in extra.items():
            s[key.replace("_", "-")] = GLib.Variant("b" if isinstance(value, bool) else "s", value)
        (path,) = self.h.call(MANAGER_PATH, MANAGER_IFACE, "CreateNetwork", (s,), "(a{sv})")
        self.dispatch()
        return path

    def network(self, path, method, options=None):
        r = self.h.call(path, NETWORK_IFACE, method, (options or {},), "(a{sv})")
        self.dispatch()
        return r

    @staticmethod
    def dispatch():
        """Dispatches the signals that came before a method's answer: the helper sends the
        object's change before it answers."""
        ctx = GLib.MainContext.default()
        while ctx.pending():
            ctx.iteration(False)

    def networks_by_name(self):
        return {ifaces[NETWORK_IFACE]["Name"]: p
                for p, ifaces in self.h.objects.items() if NETWORK_IFACE in ifaces}

    @staticmethod
    def link_exists(dev):
        return subprocess.run(["ip", "link", "show", "dev", dev], capture_output=True).returncode == 0

    @staticmethod
    def dnsmasq_of(name):
        """The pids of the dnsmasq libvirt runs for the network name (its configuration file)."""
        conf = f"/var/lib/libvirt/dnsmasq/{name}.conf"
        pids = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    argv = f.read().split(b"\0")
            except OSError:
                continue
            if argv and argv[0].endswith(b"dnsmasq") and any(a.endswith(conf.encode()) for a in argv):
                pids.append(int(pid))
        return pids

    @staticmethod
    def firewall():
        """The sandbox's firewall rules as libvirt made them here (iptables, nat and filter)."""
        out = ""
        for table in ("nat", "filter"):
            r = subprocess.run(["iptables", "-w", "-t", table, "-S"], capture_output=True, text=True)
            out += r.stdout
        return out

    def check_network_running(self, path, name, subnet, nat):
        props = self.h.objects[path][NETWORK_IFACE]
        bridge = props["Bridge"]
        assert props["Active"] is True and bridge, props
        assert self.link_exists(bridge), f"no bridge {bridge} in ip link"
        addr = subprocess.run(["ip", "-o", "addr", "show", "dev", bridge], capture_output=True, text=True).stdout
        assert props["Ipv4"][0].split("/")[0] in addr, addr
        poll(lambda: self.dnsmasq_of(name), 10, f"dnsmasq for {name}")
        rules = self.firewall()
        masquerade = [r for r in rules.splitlines() if subnet in r and "MASQUERADE" in r]
        if nat:
            assert masquerade, f"no MASQUERADE rule for {subnet}:\n{rules}"
        else:
            assert not masquerade, f"an isolated network is masqueraded: {masquerade}"
        return bridge

    def check_network_stopped(self, path, name, bridge, subnet):
        assert self.h.objects[path][NETWORK_IFACE]["Active"] is False
        assert not self.link_exists(bridge), f"{bridge} is still there"
        poll(lambda: not self.dnsmasq_of(name), 10, f"dnsmasq for {name} gone")
        assert subnet not in self.firewall(), f"rules for {subnet} left:\n{self.firewall()}"

    def network_lifecycle(self, name, mode, ipv4, subnet, nat):
        t = time.monotonic()
        path = self.create_network(name, mode, ipv4, domain="e2e.test")
        log(f"{name} created and started in {time.monotonic() - t:.2f} s")
        assert path in self.h.objects, f"{path} not on the bus when CreateNetwork answered"
        assert self.h.objects[path][NETWORK_IFACE]["Mode"] == mode
        assert name in virsh("net-list", "--name").split()
        bridge = self.check_network_running(path, name, subnet, nat)
        (leases,) = self.h.call(path, NETWORK_IFACE, "GetLeases", ({},), "(a{sv})")
        assert leases == [], leases
        self.network(path, "Stop")
        self.check_network_stopped(path, name, bridge, subnet)
        self.network(path, "Start")
        self.check_network_running(path, name, subnet, nat)
        self.h.call(path, NETWORK_IFACE, "SetAutostart", (True, {}), "(ba{sv})")
        self.dispatch()
        assert self.h.objects[path][NETWORK_IFACE]["Autostart"] is True
        assert re.search(r"^Autostart:\s+yes$", virsh("net-info", name), re.M)
        self.network(path, "Delete")
        assert path not in self.h.objects, f"{path} still on the bus after Delete answered"
        assert name not in virsh("net-list", "--all", "--name").split()
        assert not self.link_exists(bridge), f"{bridge} is still there after Delete"
        poll(lambda: not self.dnsmasq_of(name), 10, f"dnsmasq for {name} gone")
        assert subnet not in self.firewall()

    def test_network_nat(self):
        """A NAT network made, started (its bridge, its dnsmasq, libvirt's MASQUERADE rules
        for its subnet), stopped (all gone), started, set to autostart and deleted."""
        self.network_lifecycle(PREFIX + "nat", "nat", "10.77.1.1/24", "10.77.1.0/24", True)

    def test_network_isolated(self):
        """The same for an isolated network, which has no NAT rule."""
        self.network_lifecycle(PREFIX + "iso", "isolated", "10.77.2.1/24", "10.77.2.0/24", False)

    def test_network_overlap(self):
        """A subnet overlapping another network's, or the sandbox's own interfaces', is refused
        with a sentence naming it, and nothing is made."""
        path = self.create_network(PREFIX + "taken", "isolated", "10.77.3.1/24", dhcp=False)
        before = set(virsh("net-list", "--all", "--name").split())
        e = expect_error("InvalidArgument", self.create_network, PREFIX + "overlap", "nat", "10.77.3.129/25")
        assert f"10.77.3.0/24 of the virtual network “{PREFIX}taken”" in e.text, e.text
        e = expect_error("InvalidArgument", self.create_network, PREFIX + "overlap", "nat", "10.77.0.1/16")
        assert "overlaps" in e.text, e.text
        e = expect_error("InvalidArgument", self.create_network, PREFIX + "overlap", "nat", "127.0.1.1/16")
        assert "interface lo" in e.text, e.text
        e = expect_error("InvalidArgument", self.create_network, PREFIX + "bad name", "nat", "10.77.4.1/24")
        assert "cannot name a network" in e.text, e.text
        assert set(virsh("net-list", "--all", "--name").split()) == before
        self.h.settle()
        assert PREFIX + "overlap" not in self.networks_by_name()
        self.network(path, "Delete")

    def test_network_unprivileged(self):
        """Every Network method and CreateNetwork as a user polkit refuses (the real polkitd):
        refused, but GetLeases, a read; nothing changes."""
        uid, gid = int(os.environ["VIREO_TEST_UID"]), int(os.environ["VIREO_TEST_GID"])
        name = PREFIX + "guarded"
        path = self.create_network(name, "isolated", "10.77.5.1/24")
        before = virsh("net-dumpxml", name)
        calls, labels = [], []
        for iface, method, sigs in self.methods(path) + [m for m in self.methods(MANAGER_PATH)
                                                          if m[1] == "CreateNetwork"]:
            target = MANAGER_PATH if method == "CreateNetwork" else path
            calls.append({"path": target, "iface": iface, "method": method, "in": self.args_for(iface, method, sigs)})
            labels.append((iface, method))
        assert len(calls) == 6, labels
        out = run_as(uid, gid, False, CLIENT, calls)
        problems = []
        for (iface, method), r in zip(labels, out):
            if (iface, method) in self.OPEN_METHODS:
                if not r["ok"]:
                    problems.append(f"{method} (open to all) as uid {uid}: {r}")
            elif r["ok"] or r["error"] != ERR + "NotAuthorized":
                problems.append(f"{method} as uid {uid}: expected {ERR}NotAuthorized, got {r}")
        self.h.settle()
        if virsh("net-dumpxml", name) != before or not self.h.objects[path][NETWORK_IFACE]["Active"]:
            problems.append("the network changed")
        if PREFIX + "unprivileged" in virsh("net-list", "--all", "--name").split():
            problems.append("a network was created")
        assert not problems, "\n      ".join(problems)
        self.network(path, "Delete")

    def test_network_external(self):
        """A network made with virsh appears on the bus by libvirt's events, follows its
        start and stop, and goes when undefined."""
        name = PREFIX + "virsh"
        xml = os.path.join(WORK, "net.xml")
        with open(xml, "w") as f:
            f.write(f"<network><name>{name}</name><bridge name='virbr77' stp='on' delay='0'/>"
                    "<ip address='10.77.6.1' prefix='24'/></network>")
        virsh("net-define", xml)
        os.unlink(xml)
        t = time.monotonic()
        self.h.wait(lambda: name in self.networks_by_name(), 3, f"{name} on the bus after virsh net-define")
        log(f"appeared {time.monotonic() - t:.2f} s after virsh net-define")
        path = self.networks_by_name()[name]
        uuid = virsh("net-uuid", name)
        assert path == NETWORKS_PATH + "/" + uuid.replace("-", "_2d"), path
        props = self.h.objects[path][NETWORK_IFACE]
        assert props["Mode"] == "isolated" and props["Active"] is False and props["Bridge"] == "virbr77", props
        assert props["Ipv4"] == ["10.77.6.1/24"], props
        virsh("net-start", name)
        self.h.wait(lambda: self.h.prop(path, NETWORK_IFACE, "Active") is True, 3, "Active after virsh net-start")
        virsh("net-destroy", name)
        self.h.wait(lambda: self.h.prop(path, NETWORK_IFACE, "Active") is False, 3, "inactive after virsh net-destroy")
        virsh("net-undefine", name)
        self.h.wait(lambda: path not in self.h.objects, 3, f"{path} gone after virsh net-undefine")

    def test_network_libvirtd_restart(self):
        """A network's object comes back, the same, after libvirtd restarts."""
        path = self.create_network(PREFIX + "lasting", "nat", "10.77.7.1/24")
        mark = len(self.h.history)

        def connected_seen(value):
            return any(kind == "props" and p == MANAGER_PATH and d[0] == MANAGER_IFACE
                       and d[1].get("Connected") is value for _, kind, p, d in self.h.history[mark:])

        subprocess.run([os.path.join(SANDBOX_DIR, "stop-libvirtd.sh")], check=True)
        try:
            self.h.wait(lambda: connected_seen(False), 15, "Connected = false after libvirtd stopped")
            assert path not in self.h.objects
        finally:
            subprocess.run([os.path.join(SANDBOX_DIR, "start-libvirtd.sh")], check=True)
        self.h.wait(lambda: connected_seen(True), 30, "Connected = true after libvirtd restarted")
        self.h.wait(lambda: path in self.h.objects, 5, f"{path} back after the restart")
        assert self.h.objects[path][NETWORK_IFACE]["Active"] is True
        self.network(path, "Delete")

    def test_network_leases(self):
        """A guest booting from a new NAT network (SeaBIOS's iPXE asks its dnsmasq) gets a
        lease, which GetLeases returns, and vireoctl network leases prints. Deleting the network is refused while the machine is
        on it, naming the machine."""
        net = PREFIX + "pxenet"
        net_path = self.create_network(net, "nat", "10.77.8.1/24")
        name = PREFIX + "netboot"
        s = spec(name, network=net)
        s["pxe"] = GLib.Variant("b", True)
        path = self.h.create_machine(s)
        mac = re.search(r"<mac address='([0-9a-f:]+)'/>", virsh("dumpxml", "--inactive", name)).group(1)
        self.h.machine(path, "Start")
        t = time.monotonic()

        def lease():
            (leases,) = self.h.call(net_path, NETWORK_IFACE, "GetLeases", ({},), "(a{sv})")
            return [entry for entry in leases if entry[0] == mac]
        # The lease file libvirt's lease helper rewrites, read here every 10 ms: when the lease
        # appears in it, and when the machine's Nics shows the address (event-driven in the
        # helper: inotify on the file, then virNetworkGetDHCPLeases).
        status = f"/var/lib/libvirt/dnsmasq/{self.h.objects[net_path][NETWORK_IFACE]['Bridge']}.status"

        def in_file():
            try:
                with open(status) as f:
                    return mac in f.read()
            except FileNotFoundError:
                return False

        def nics_address():
            return [a for m, *_, addrs in self.h.prop(path, MACHINE_IFACE, "Nics") or [] if m == mac for a in addrs]
        t_file = t_nics = None
        ctx = GLib.MainContext.default()
        deadline = time.monotonic() + scaled(90)
        while t_file is None or t_nics is None:
            while ctx.pending():
                ctx.iteration(False)
            now = time.monotonic()
            if t_file is None and in_file():
                t_file = now
            if t_nics is None and nics_address():
                t_nics = now
            assert now < deadline, f"no lease for {mac} after 90 s (file: {t_file}, Nics: {t_nics})"
            time.sleep(0.01)
        log(f"lease in {status} after {t_file - t:.1f} s; in Nics {1000 * (t_nics - t_file):.0f} ms later "
            "(both read every 10 ms)")
        assert t_nics - t_file < 1.0, f"Nics showed the lease {t_nics - t_file:.2f} s after the file had it"
        found = poll(lease, 10, f"a lease for {mac} in GetLeases")
        log(f"lease after {time.monotonic() - t:.1f} s: {found}")
        assert nics_address() == [found[0][1]], (nics_address(), found)
        assert found[0][1].startswith("10.77.8.") and found[0][1].endswith("/24"), found
        assert found[0][4] > time.time(), found
        # vireoctl says the same, as root here (reading is open to all anyway).
        vireoctl = os.path.join(os.environ.get("VIREO_BUILD_DIR", ""), "app", "vireoctl")
        r = subprocess.run([vireoctl, "--json", "--no-user-interaction", "network", "leases", net],
                           capture_output=True, text=True, timeout=scaled(30), env=C_LOCALE)
        assert r.returncode == 0, r.stderr
        assert [(entry["mac"], entry["address"]) for entry in json.loads(r.stdout)] == [(mac, found[0][1])], r.stdout
        r = subprocess.run([vireoctl, "--no-user-interaction", "network", "leases", net],
                           capture_output=True, text=True, timeout=scaled(30), env=C_LOCALE)
        assert r.returncode == 0 and re.search(rf"^{mac}\s+{re.escape(found[0][1])}\s", r.stdout, re.M), r.stdout
        # and vireoctl nic list shows the guest's address.
        r = subprocess.run([vireoctl, "--json", "--no-user-interaction", "nic", "list", name],
                           capture_output=True, text=True, timeout=scaled(30), env=C_LOCALE)
        assert r.returncode == 0 and json.loads(r.stdout)[0]["addresses"] == [found[0][1]], r.stdout + r.stderr
        e = expect_error("InvalidState", self.network, net_path, "Delete")
        assert name in e.text, e.text
        self.h.machine(path, "ForceOff")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "shutoff", 30, "State == 'shutoff'")
        # A stopped machine has no addresses.
        self.h.wait(lambda: not nics_address(), 5, "no address in Nics once stopped")
        self.h.machine(path, "Delete")
        self.network(net_path, "Delete")

    # --- a machine's network interfaces (AddNic, UpdateNic, RemoveNic) -----------------
    def nic_call(self, path, method, *args):
        sig = {"AddNic": "(a{sv}a{sv})", "RemoveNic": "(sa{sv})", "UpdateNic": "(sa{sv}a{sv})"}[method]
        r = self.h.call(path, MACHINE_IFACE, method, tuple(args) + ({},), sig, timeout=60)
        self.dispatch()
        return r

    def nics_of(self, path):
        return {n[0]: n for n in self.h.prop(path, MACHINE_IFACE, "Nics") or []}

    def nic_machine(self):
        """A GRUB machine of its own (no disk: it boots the ISO), as CreateMachine makes it:
        q35, with spare PCI Express root ports; made once for the nic-* cases."""
        name = PREFIX + "nic"
        if name not in self.h.machines_by_name():
            self.h.create_machine(spec(name, iso=self.iso))
            self.dispatch()
        return name, self.h.machines_by_name()[name]

    def test_nic_hotplug(self):
        """On a running GRUB guest (q35: CreateMachine leaves spare pcie-root-ports):
        AddNic hot-plugs ("now": virsh domiflist and the definition have it); UpdateNic
        takes the cable out live ("now": <link state='down'/> in the live XML) and a new
        model for the next boot only; RemoveNic, which GRUB does not acknowledge (it ignores
        the PCIe unplug request), says "next-boot": the definition lost it, the running guest
        has it until it stops."""
        name, path = self.nic_machine()
        net = PREFIX + "nicnet"
        self.create_network(net, "isolated", "10.77.9.1/24")
        self.h.machine(path, "Start")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "running", 30, "running")
        spare = virsh("dumpxml", name).count("model='pcie-root-port'")
        log(f"{spare} pcie-root-ports in the live XML")
        t = time.monotonic()
        mac, when = self.nic_call(path, "AddNic", {"type": GLib.Variant("s", "network"),
                                                           "source": GLib.Variant("s", net)})
        log(f"AddNic: {mac} {when} in {time.monotonic() - t:.2f} s")
        assert when == "now", when
        iflist = virsh("domiflist", name)
        assert re.search(rf"^\s*vnet\d+\s+network\s+{net}\s+virtio\s+{mac}$", iflist, re.M), iflist
        assert mac in virsh("dumpxml", "--inactive", name)
        self.h.wait(lambda: mac in self.nics_of(path), 5, f"{mac} in Nics")
        assert self.nics_of(path)[mac][1:5] == ("network", net, "virtio", True), self.nics_of(path)

        t = time.monotonic()
        (when,) = self.nic_call(path, "UpdateNic", mac, {"link": GLib.Variant("b", False)})
        log(f"UpdateNic link down: {when} in {time.monotonic() - t:.2f} s")
        assert when == "now", when
        live = virsh("dumpxml", name)
        assert re.search(rf"<mac address='{mac}'/>.*?<link state='down'/>.*?</interface>", live, re.S), live
        self.h.wait(lambda: self.nics_of(path)[mac][4] is False, 5, "link down in Nics")
        (when,) = self.nic_call(path, "UpdateNic", mac, {"model": GLib.Variant("s", "e1000e")})
        assert when == "next-boot", when
        assert re.search(rf"<mac address='{mac}'/>.*?<model type='e1000e'/>", virsh("dumpxml", "--inactive", name), re.S)
        assert re.search(rf"<mac address='{mac}'/>.*?<model type='virtio'/>", virsh("dumpxml", name), re.S)

        t = time.monotonic()
        (when,) = self.nic_call(path, "RemoveNic", mac)
        log(f"RemoveNic: {when} in {time.monotonic() - t:.2f} s")
        assert when == "next-boot", f"RemoveNic said {when!r}, but GRUB acknowledges no unplug"
        assert mac not in virsh("dumpxml", "--inactive", name)
        assert mac in virsh("dumpxml", name), "the guest let go of it after all: then the answer should be now"
        self.h.machine(path, "ForceOff")
        self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "shutoff", 30, "shutoff")
        self.h.wait(lambda: mac not in self.nics_of(path), 5, f"{mac} gone from Nics after the stop")
        self.network(self.networks_by_name()[net], "Delete")

    def test_nic_stopped(self):
        """On a stopped machine: the definition alone, "next-boot"; and the refusals, which
        change nothing."""
        name, path = self.nic_machine()
        if self.h.prop(path, MACHINE_IFACE, "State") != "shutoff":
            self.h.machine(path, "ForceOff")
            self.h.wait(lambda: self.h.prop(path, MACHINE_IFACE, "State") == "shutoff", 30, "shutoff")
        mac, when = self.nic_call(path, "AddNic", {"type": GLib.Variant("s", "user"),
                                                           "mac": GLib.Variant("s", "52:54:00:77:00:01"),
                                                           "link": GLib.Variant("b", False)})
        assert (mac, when) == ("52:54:00:77:00:01", "next-boot"), (mac, when)
        xml = virsh("dumpxml", "--inactive", name)
        assert re.search(r"<interface type='user'>\s*<mac address='52:54:00:77:00:01'/>.*?<link state='down'/>", xml, re.S), xml
        self.h.wait(lambda: mac in self.nics_of(path), 5, f"{mac} in Nics")

        before = virsh("dumpxml", "--inactive", name)
        refusals = [
            ("InvalidArgument", "AddNic", {"type": GLib.Variant("s", "bridge"), "source": GLib.Variant("s", "nosuchbr0")}),
            ("InvalidArgument", "AddNic", {"type": GLib.Variant("s", "bridge"), "source": GLib.Variant("s", "lo")}),
            ("InvalidArgument", "AddNic", {"type": GLib.Variant("s", "direct"), "source": GLib.Variant("s", "nosuchif0")}),
            ("InvalidArgument", "AddNic", {"type": GLib.Variant("s", "network"), "source": GLib.Variant("s", "no-such-net")}),
            ("InvalidArgument", "AddNic", {"type": GLib.Variant("s", "user"), "model": GLib.Variant("s", "fancy")}),
            ("InvalidArgument", "AddNic", {"type": GLib.Variant("s", "user"), "mac": GLib.Variant("s", "33:33:00:00:00:01")}),
            ("InvalidArgument", "AddNic", {"type": GLib.Variant("s", "user"), "mac": GLib.Variant("s", mac)}),
            ("InvalidArgument", "AddNic", {"type": GLib.Variant("s", "user"), "colour": GLib.Variant("s", "red")}),
        ]
        for error, method, arg in refusals:
            e = expect_error(error, self.nic_call, path, method, arg)
            log(f"{method} {arg}: {e.text}")
        expect_error("NotFound", self.nic_call, path, "RemoveNic", "52:54:00:77:00:99")
        expect_error("NotFound", self.nic_call, path, "UpdateNic", "52:54:00:77:00:99", {"link": GLib.Variant("b", True)})
        assert virsh("dumpxml", "--inactive", name) == before, "a refusal changed the definition"

        (when,) = self.nic_call(path, "UpdateNic", mac, {"link": GLib.Variant("b", True)})
        assert when == "next-boot", when
        (when,) = self.nic_call(path, "RemoveNic", mac)
        assert when == "next-boot", when
        assert mac not in virsh("dumpxml", "--inactive", name)
        self.h.wait(lambda: mac not in self.nics_of(path), 5, f"{mac} gone from Nics")
        self.h.machine(path, "Delete")

    # --- teardown -----------------------------------------------------------------------
    def teardown(self):
        for name in virsh("net-list", "--all", "--name", check=False).split():
            if name.startswith(PREFIX):
                virsh("net-destroy", name, check=False)
                virsh("net-undefine", name, check=False)
        for name in virsh_names():
            if name not in self.initial_names:
                virsh("destroy", name, check=False)
                virsh("undefine", "--managed-save", "--snapshots-metadata", "--nvram", name,
                      check=False)
        for d in self.leftover_disks | {os.path.join(IMAGES_DIR, f)
                                        for f in images() - self.initial_images}:
            if os.path.exists(d):
                virsh("vol-delete", d, check=False)
            if os.path.exists(d):
                os.unlink(d)
        for f in ("grub.iso", "root-only.iso", "swap-secret.img"):
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
        self.h.settle()
        left = [n for n in self.h.machines_by_name() if n.startswith(PREFIX)]
        assert not left, f"machine objects left on the bus: {left}"
        left = [n for n in virsh("net-list", "--all", "--name").split() if n.startswith(PREFIX)]
        assert not left, f"networks left: {left}"


CASES = [
    ("manager", "test_manager", []),
    ("accelerator", "test_accelerator", []),
    ("create-machine", "test_create_machine", []),
    ("start", "test_start", ["create-machine"]),
    ("vnc-console", "test_vnc_console", ["start"]),
    ("spice-console", "test_spice_console", ["start"]),
    ("getxml-inactive", "test_getxml_inactive", ["start"]),
    ("reset", "test_reset", ["start"]),
    ("reboot", "test_reboot", ["start"]),
    ("save-restore", "test_save_restore", ["start"]),
    ("console-client-vanishes", "test_console_client_vanishes", ["start"]),
    ("on-network", "test_on_network", ["create-machine"]),
    ("import", "test_import", []),
    ("pxe", "test_pxe", ["on-network"]),
    ("express", "test_express", ["create-machine"]),
    ("location", "test_location", ["create-machine"]),
    ("vireoctl-create", "test_vireoctl_create", ["express", "location"]),
    ("uefi", "test_uefi", ["create-machine"]),
    ("force-off", "test_force_off", ["start"]),
    ("guest-crash", "test_guest_crash", ["create-machine"]),
    ("unprivileged-refused", "test_unprivileged_refused", ["create-machine"]),
    ("bad-input", "test_bad_input", ["create-machine"]),
    ("read-rule", "test_read_rule", []),
    ("libvirt-group-allowed", "test_libvirt_group_allowed", ["create-machine"]),
    ("iso-linked", "test_iso_linked", ["create-machine"]),
    ("iso-swap", "test_iso_swap", ["create-machine"]),
    ("iso-hung-fs", "test_iso_hung_fs", []),
    ("delete-keeps-disks", "test_delete_keeps_disks", ["create-machine"]),
    ("delete-with-disks", "test_delete_with_disks", []),
    ("delete-as-caller", "test_delete_as_caller", []),
    ("external-define", "test_external_define", []),
    ("libvirtd-restart", "test_libvirtd_restart", []),
    ("libvirtd-killed-mid-call", "test_libvirtd_killed_mid_call", []),
    ("libvirtd-hung", "test_libvirtd_hung", []),
    ("network-nat", "test_network_nat", []),
    ("network-isolated", "test_network_isolated", []),
    ("network-overlap", "test_network_overlap", []),
    ("network-unprivileged", "test_network_unprivileged", []),
    ("network-external", "test_network_external", []),
    ("network-libvirtd-restart", "test_network_libvirtd_restart", []),
    ("network-leases", "test_network_leases", []),
    ("nic-hotplug", "test_nic_hotplug", ["create-machine"]),
    ("nic-stopped", "test_nic_stopped", ["create-machine"]),
    ("helper-survived", "test_helper_survived", []),
    ("helper-exits-clean", "test_helper_exits_clean", []),
    ("teardown", "test_teardown_leaves_nothing", []),
]
# (name, method of E2E, the cases it needs), in the order they run; these two run whatever
# cases were asked for.
ALWAYS = ("helper-survived", "teardown")

suite = vireotest.Suite("e2e-hypervisor")
for _name, _method, _needs in CASES:
    suite.add(_name, getattr(E2E, _method), needs=_needs, always=_name in ALWAYS)


def helper_log_tail():
    hv_log = os.path.join(LOG_DIR, "vireo-hypervisor.log") if LOG_DIR else ""
    if not hv_log or not os.path.exists(hv_log):
        return ""
    with open(hv_log, errors="replace") as f:
        lines = f.readlines()[-40:]
    return f"last lines of {hv_log}:\n" + "".join("  | " + line for line in lines)


suite.on_failure.append(helper_log_tail)


def setup():
    if os.environ.get("VIREO_SANDBOX") != "1" or not WORK:
        raise RuntimeError("test-e2e.py runs inside tests/sandbox/sandbox.sh "
                           "(with VIREO_HYPERVISOR set)")
    try:
        return E2E()
    except Exception as e:
        if not os.environ.get("VIREO_HYPERVISOR_PID"):
            raise RuntimeError(f"{e} (the sandbox started no helper: set VIREO_HYPERVISOR "
                               "to vireo-hypervisor's path)") from e
        raise


if __name__ == "__main__":
    sys.exit(suite.main(sys.argv[1:], setup=setup, cleanup=E2E.teardown))
