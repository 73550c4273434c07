#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The app against real guests (docs/ARCHITECTURE.md, "Tests", 3 and 4).

Run inside the hermetic sandbox, with the helper started by it:

    VIREO_HYPERVISOR=build/hypervisor/vireo-hypervisor VIREO_APP=build/app/vireo \\
        tests/sandbox/sandbox.sh /usr/bin/python3 tests/sandbox/test-app.py [-v] [CASE...]

What the UI suite (tests/ui/test-ui.py) cannot do on libvirt's test driver, which opens no
screens and shuts a machine down at once: two GRUB machines (make-grub-iso.sh) run under TCG,
one with a VNC screen and one with SPICE, and the app, under an Xvfb of its own and driven
through AT-SPI with test-ui.py's driver, with G_DEBUG=fatal-criticals:

  consoles          back and forth three times between the two machines' Console tabs, each
                    console connected every time (the app's own display, not a status page)
  shutdown-ignored  Shut Down on GRUB, which ignores ACPI: after VIREO_SHUTDOWN_PATIENCE (3 s
                    here) a toast says the machine is still running and offers Force Off;
                    its button, then the dialog's Force Off, stop it
  screenshot        the console's screenshot saved through the file chooser as a PNG; one
                    that cannot be written (/proc) told in a toast naming the file
  helper-restart    the helper killed and started again with a console open: the same
                    machine comes back on its Console tab, connected again
  new-machine       a novice's path: a GRUB ISO in the Downloads folder, Ctrl+N, the ISO,
                    the proposal accepted, Create: the machine is made (its ISO and disk in
                    the pool), started and shown on its console, connected, while the guest
                    reaches GRUB's prompt. Refused first, on the review page, with nothing
                    made: a disk larger than the pool's free space, a name in use
  networks          the Networks window: a NAT and an isolated network made, a guest booting
                    from the NAT one (iPXE) with its address under the network and on its
                    page; a veth of the sandbox shared with machines through a bridge and
                    given back, its address and route where they were
  download          Download an Operating System on a test catalogue served by a loopback
                    server of the test: Stop removes the partial file; a finished download
                    goes on to the review with the catalogue's system, and the machine's
                    CD-ROM is the downloaded volume, not a copy

Screenshots in $VIREO_TEST_ARTIFACTS (default $VIREO_BUILD_DIR/tests/app-artifacts). Speaks
TAP (tests/vireotest.py).
"""

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import vireotest  # noqa: E402
from vireotest import log, scaled  # noqa: E402

BUILD_DIR = os.environ.get("VIREO_BUILD_DIR") or os.path.join(HERE, "..", "..", "build")
ARTIFACTS = os.environ.get("VIREO_TEST_ARTIFACTS") or os.path.join(BUILD_DIR, "tests", "app-artifacts")
WORK = os.environ.get("VIREO_SANDBOX_WORK", "")
PREFIX = "e2e-app-"
VNC, SPICE = PREFIX + "vnc", PREFIX + "spice"


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# test-console.py's helper calls and Xvfb, outside and inside the session.
console = load("test_console", os.path.join(HERE, "test-console.py"))


class Context:
    """Inside the session bus: the machines, and the app through test-ui.py's driver."""

    def __init__(self):
        self.h = console.Helper()
        vireotest.wait_until(lambda: self.h.get(console.MANAGER_PATH, console.MANAGER_IFACE, "Connected"),
                             30, "Manager.Connected")
        iso = os.path.join(WORK, "app-grub.iso")
        subprocess.run([os.path.join(HERE, "make-grub-iso.sh"), iso], check=True,
                       stdout=subprocess.DEVNULL)
        # A novice's Downloads folder (user-dirs.dirs, in XDG_CONFIG_HOME), with the ISO.
        downloads = os.path.join(WORK, "Downloads")
        os.makedirs(downloads, exist_ok=True)
        shutil.copy(iso, os.path.join(downloads, "grub-rescue.iso"))
        with open(os.path.join(os.environ["XDG_CONFIG_HOME"], "user-dirs.dirs"), "w") as f:
            f.write(f'XDG_DOWNLOAD_DIR="{downloads}"\n')
        self.paths = {}
        for name, graphics in ((VNC, ["vnc"]), (SPICE, ["spice"])):
            self.paths[name] = self.h.create(name, iso, 64, graphics)
            self.h.start(self.paths[name])
        os.environ.update(VIREO_UI_ARTIFACTS=ARTIFACTS)
        self.ui = load("test_ui", os.path.join(HERE, "..", "ui", "test-ui.py"))
        self.vireo = self.ui.vireo
        self.vireo.all_rows = 2
        self.vireo.start()

    def machine_state(self, name):
        return self.h.state(self.paths[name])

    def console_connected(self):
        """The console shows the machine's screen: the display is there and on screen, and no
        status (Connecting…, Disconnected, Not Running) covers it."""
        ui = self.ui
        screens = ui.find_all(self.vireo.win, None, "Machine screen", pred=ui.shown)
        status = ui.find_all(self.vireo.win, "label",
                             pred=lambda n: n.name in ("Connecting…", "Disconnected", "Not Running")
                             and ui.shown(n))
        return bool(screens) and not status

    def open_console(self, name):
        self.vireo.select_only_row(name)
        self.vireo.show_tab("Console")
        self.ui.wait_until(self.console_connected, f"the console of {name} to connect", timeout=60)

    def check_log(self):
        problems = self.vireo.log_problems()
        if problems:
            raise AssertionError("the app logged:\n    " + "\n    ".join(problems))

    def close(self):
        if getattr(self, "vireo", None) is not None:
            self.vireo.stop()
        for path in getattr(self, "paths", {}).values():
            try:
                if self.h.state(path) != "shutoff":
                    self.h.force_off(path)
                self.h.machine(path, "Delete")
            except AssertionError as e:
                log(f"cleanup: {e}")


suite = vireotest.Suite("e2e-app")


@suite.case("consoles")
def consoles(c):
    for round_ in range(3):
        for name in (VNC, SPICE):
            c.open_console(name)
            c.check_log()
        log(f"round {round_ + 1}: both consoles connected")
    c.ui.screenshot("app-consoles")
    c.vireo.show_tab("Overview")


@suite.case("shutdown-ignored")
def shutdown_ignored(c):
    ui, vireo = c.ui, c.vireo
    vireo.select_only_row(VNC)
    ui.click(vireo.button("Shut Down"))
    toast = f"“{VNC}” is still running: its system did not answer the request to shut down."
    ui.wait_until(lambda: [n for n in ui.find_all(vireo.win, "label", pred=ui.shown) if n.name == toast],
                  "the toast that says the machine is still running", timeout=30)
    ui.screenshot("app-shutdown-ignored")
    if c.machine_state(VNC) != "running":
        raise AssertionError(f"{VNC} is {c.machine_state(VNC)}: GRUB was expected to ignore ACPI")
    force = ui.wait_until(lambda: ui.find_all(vireo.win, "push button", "Force Off…", pred=ui.shown),
                          "the toast's Force Off button")[0]
    ui.click(force)
    dialog = ui.wait_until(lambda: vireo.dialog_with_heading(f"Force “{VNC}” Off?"), "the Force Off dialog")
    ui.click(vireo.button("Force Off", dialog))
    vireotest.wait_until(lambda: c.machine_state(VNC) == "shutoff", 30, f"{VNC} to be off")
    ui.wait_until(lambda: vireo.page_state() == "Shut Off", "the page to say Shut Off")
    c.check_log()
    c.h.start(c.paths[VNC])


@suite.case("screenshot")
def screenshot(c):
    """The console's screenshot through GTK's file chooser: saved where asked, as a PNG of the
    guest's screen; where it cannot be written, a toast naming the file and why."""
    ui, vireo = c.ui, c.vireo
    c.open_console(VNC)
    good = os.path.join(WORK or "/tmp", "app-shot.png")
    for target in (good, "/proc/guest-shot.png"):
        button = ui.wait_until(lambda: ui.find_all(vireo.win, "push button", "Save a screenshot",
                                                   pred=lambda n: ui.shown(n) and ui.sensitive(n)),
                               "the screenshot button, sensitive")[0]
        ui.click(button)
        chooser = ui.wait_until(lambda: [w for w in vireo.app if w is not None and w.name == "Save Screenshot"],
                                "the Save Screenshot dialog")[0]
        # The name entry takes a whole path.
        entry = ui.wait_until(lambda: [n for n in ui.find_all(chooser, "text") if ui.shown(n)], "the name entry")[0]
        entry.queryEditableText().setTextContents(target)
        ui.click(ui.wait_until(lambda: ui.find_all(chooser, "push button", "Save", pred=ui.shown)
                               or ui.find_all(chooser, "push button", "_Save", pred=ui.shown), "its Save button")[0])
        ui.wait_until(lambda: not [w for w in vireo.app if w is not None and w.name == "Save Screenshot"],
                      "the dialog to close")
    vireotest.wait_until(lambda: os.path.exists(good) and os.path.getsize(good) > 0, 15, f"{good} to be written")
    with open(good, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n", f"{good} is not a PNG"
    os.unlink(good)
    words = "Could not save the screenshot as “/proc/guest-shot.png”"
    ui.wait_until(lambda: [n for n in ui.find_all(vireo.win, "label", pred=ui.shown) if words in n.name],
                  "the toast saying the screenshot was not saved", timeout=15)
    ui.screenshot("app-screenshot-error")
    c.check_log()


@suite.case("helper-restart")
def helper_restart(c):
    ui, vireo = c.ui, c.vireo
    c.open_console(SPICE)
    pid = int(os.environ["VIREO_HYPERVISOR_PID"])
    os.kill(pid, signal.SIGTERM)
    ui.wait_until(lambda: ui.shown(vireo.problem), '"Cannot Reach the Machines"', timeout=30)
    helper = subprocess.Popen([os.environ["VIREO_HYPERVISOR"], "--system",
                               "--accel=" + os.environ.get("VIREO_SANDBOX_ACCEL", "tcg")],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(ARTIFACTS, "helper-restarted.log"), "w"))
    os.environ["VIREO_HYPERVISOR_PID"] = str(helper.pid)
    ui.wait_until(lambda: vireo.shown_machine() == SPICE and vireo.current_tab() == "Console",
                  f"{SPICE} and its Console tab back", timeout=60)
    ui.wait_until(c.console_connected, "the console to connect again", timeout=60)
    ui.screenshot("app-helper-restarted")
    c.check_log()


@suite.case("new-machine")
def new_machine(c):
    ui, vireo = c.ui, c.vireo
    before = console.virsh_names()
    # The header's button: Ctrl+N would go to the guest if a console had the keyboard.
    vireo.focus()
    ui.click(vireo.button("New Machine", vireo.leaflet))
    dialog = ui.wait_until(ui.assistant, "the New Machine assistant from the header's button")
    ui.activate_row(ui.wait_until(lambda: ui.find_all(dialog, "list item", "grub-rescue.iso", pred=ui.shown),
                                  "the ISO of the Downloads folder offered")[0])
    ui.wait_until(lambda: ui.find_all(dialog, "list item", "Unknown Operating System", pred=ui.shown),
                  "the medium read (libosinfo does not know GRUB's)")
    ui.screenshot("app-new-machine-review")
    disk = ui.find_one(dialog, "spin button", "Disk Size", pred=ui.shown)
    proposed = disk.queryValue().currentValue
    # Refused in words, on the same page: a disk the pool has no room for, a name in use.
    disk.queryValue().currentValue = 65536
    ui.click(vireo.button("Create", dialog))
    ui.wait_until(lambda: ui.find_all(dialog, "label", pred=lambda n: ui.shown(n) and "disk space" in n.name),
                  "the refusal of a disk larger than the free space")
    disk.queryValue().currentValue = proposed
    ui.activate_row(ui.find_one(dialog, "text", pred=lambda n: ui.shown(n) and n.name in ("Name", "_Name")))
    ui.keys("ctrl+a")
    ui.type_text(VNC)
    ui.click(vireo.button("Create", dialog))
    ui.wait_until(lambda: ui.find_all(dialog, "label", pred=lambda n: ui.shown(n) and "already exists" in n.name),
                  "the refusal of a name in use")
    assert console.virsh_names() == before, "a refused creation left a machine"
    ui.activate_row(ui.find_one(dialog, "text", pred=lambda n: ui.shown(n) and n.name in ("Name", "_Name")))
    ui.keys("ctrl+a")
    ui.type_text(PREFIX + "novice")
    ui.click(vireo.button("Create", dialog))
    ui.assistant_closed("the assistant to close once the machine is made")
    ui.wait_until(lambda: vireo.shown_machine() == PREFIX + "novice" and vireo.current_tab() == "Console",
                  "the new machine on its Console tab", timeout=60)
    ui.wait_until(c.console_connected, "its console to connect", timeout=60)
    def at_prompt():
        path = os.path.join(WORK, "novice.ppm")
        console.virsh("screenshot", PREFIX + "novice", path)
        return console.Image(path).prompt_row() is not None
    ui.wait_until(at_prompt, "the guest's grub> prompt", timeout=60)
    ui.screenshot("app-new-machine-console")
    images = set(os.listdir("/var/lib/libvirt/images"))
    assert {PREFIX + "novice.iso", PREFIX + "novice.qcow2"} <= images, images
    # On libvirt's default NAT network, which the helper made and started for it.
    iflist = console.virsh("domiflist", PREFIX + "novice")
    assert " network " in iflist and " default " in iflist, iflist
    c.check_log()
    # Gone again, with its disk and its copy of the ISO (asked for by name, as Delete does).
    console.virsh("destroy", PREFIX + "novice")
    console.virsh("undefine", PREFIX + "novice")
    for volume in (PREFIX + "novice.iso", PREFIX + "novice.qcow2"):
        console.virsh("vol-delete", "--pool", "default", volume, check=False)


def ip_json(*args):
    return json.loads(subprocess.run(["ip", "-j", *args], check=True, capture_output=True, text=True).stdout)


def addresses_of(dev):
    """(family, address, prefix) of DEV but link-local ones, sorted."""
    return sorted((a["family"], a["local"], a["prefixlen"]) for link in ip_json("addr", "show", "dev", dev)
                  for a in link.get("addr_info", []) if a.get("scope") != "link")


@suite.case("networks")
def networks(c):
    ui, vireo = c.ui, c.vireo
    # A wired interface of the sandbox's own network namespace: a veth with an address and a
    # route (nothing here touches the host's network).
    subprocess.run(["ip", "link", "add", "vtapp0", "type", "veth", "peer", "name", "vtapp1"], check=True)
    try:
        subprocess.run(["ip", "addr", "add", "10.77.95.2/24", "dev", "vtapp0"], check=True)
        subprocess.run(["ip", "link", "set", "vtapp1", "up"], check=True)
        subprocess.run(["ip", "link", "set", "vtapp0", "up"], check=True)
        subprocess.run(["ip", "route", "add", "10.77.96.0/24", "via", "10.77.95.1", "dev", "vtapp0"], check=True)
        networks_in_window(c)
    finally:
        subprocess.run(["ip", "link", "del", "vtapp0"], check=False)
        for name in ("applab", "appclosed"):
            console.virsh("net-destroy", name, check=False)
            console.virsh("net-undefine", name, check=False)


def scroll_down(ui, window, up=False):
    """The wheel over the window's page: what is below the fold is not "shown" to AT-SPI."""
    # (Waited for: a refresh just asked for may be replacing the rows around it.)
    heading = ui.wait_until(lambda: ui.find_one(window, "label", "Host Interfaces", pred=ui.shown),
                            "the Host Interfaces heading")
    x, y, w, h = ui.extents(heading)
    subprocess.run(["xdotool", "mousemove", str(x), str(y + h), "click", "--repeat", "15", "4" if up else "5"],
                   check=True, timeout=10)


def networks_in_window(c):
    ui, vireo = c.ui, c.vireo
    # Out of any console (which would take the keys), then Ctrl+Shift+N.
    vireo.select_only_row(VNC)
    vireo.focus()
    ui.keys("ctrl+shift+n")
    window = ui.wait_until(ui.networks_window, "the Networks window")

    # A NAT network and an isolated one, made from the window: their bridges exist.
    ui.new_network(window, "applab", "NAT", "10.77.90.1/24")
    ui.wait_until(lambda: ui.managed_networks().get("applab", {}).get("Active"), "applab running", timeout=30)
    ui.new_network(window, "appclosed", "Isolated", "10.77.91.1/24")
    ui.wait_until(lambda: ui.managed_networks().get("appclosed", {}).get("Active"), "appclosed running", timeout=30)
    for name in ("applab", "appclosed"):
        bridge = ui.managed_networks()[name]["Bridge"]
        assert ip_json("link", "show", "dev", bridge), f"no bridge {bridge} for {name}"
    ui.wait_until(lambda: ui.find_all(window, "label", "Isolated · 10.77.91.0/24 · Running", pred=ui.shown),
                  "appclosed in the window")

    # A wired interface shared with machines through a bridge, and given back: its address and
    # route on the bridge, then on it again, exactly.
    before = (addresses_of("vtapp0"), ip_json("route", "show", "dev", "vtapp0"))
    ui.click(ui.find_one(window, "push button", "Refresh Host Interfaces", pred=ui.shown))
    scroll_down(ui, window)
    ui.screenshot("app-networks-interfaces")
    share = ui.wait_until(lambda: ui.find_all(window, "push button", pred=lambda n: ui.shown(n) and "Share vtapp0 With Machines" in n.name),
                          "Share… on vtapp0")[0]
    ui.click(share)
    confirm = ui.wait_until(lambda: vireo.dialog_with_heading("Share “vtapp0” With Machines?"), "the confirmation")
    ui.click(vireo.button("Share", confirm))
    ui.wait_until(lambda: ip_json("link", "show", "dev", "vtapp0")[0].get("master") == "br-vtapp0",
                  "vtapp0 a port of br-vtapp0", timeout=40)
    ui.wait_until(lambda: addresses_of("br-vtapp0") == before[0], "vtapp0's address on br-vtapp0", timeout=40)
    ui.screenshot("app-bridge-shared")
    unshare = ui.wait_until(lambda: ui.find_all(window, "push button", pred=lambda n: ui.shown(n) and "Stop Sharing Through br-vtapp0" in n.name),
                            "Stop Sharing… on br-vtapp0", timeout=40)[0]
    ui.click(unshare)
    confirm = ui.wait_until(lambda: vireo.dialog_with_heading("Stop Sharing Through “br-vtapp0”?"), "the confirmation")
    ui.click(vireo.button("Stop Sharing", confirm))
    ui.wait_until(lambda: not subprocess.run(["ip", "link", "show", "dev", "br-vtapp0"], capture_output=True).returncode == 0,
                  "br-vtapp0 gone", timeout=40)
    ui.wait_until(lambda: (addresses_of("vtapp0"), ip_json("route", "show", "dev", "vtapp0")) == before,
                  "vtapp0's address and route back", timeout=20)

    # A guest booting from applab (iPXE asks its dnsmasq): its address under the network.
    spec = {"name": console.GLib.Variant("s", PREFIX + "pxe"), "memory-mib": console.GLib.Variant("t", 128),
            "vcpus": console.GLib.Variant("u", 1), "network": console.GLib.Variant("s", "applab"),
            "pxe": console.GLib.Variant("b", True), "graphics": console.GLib.Variant("as", ["vnc"])}
    (path,) = c.h.call(console.MANAGER_PATH, console.MANAGER_IFACE, "CreateMachine", (spec,), "(a{sv})")
    c.paths[PREFIX + "pxe"] = path
    c.h.start(path)
    t = time.monotonic()
    scroll_down(ui, window, up=True)
    ui.activate_row(ui.wait_until(lambda: ui.find_all(window, "list item", "applab", pred=ui.shown), "applab's row")[0])
    member = ui.wait_until(lambda: ui.find_all(window, "label", pred=lambda n: ui.shown(n) and n.name.startswith("10.77.90.")),
                           "the guest's address under applab", timeout=90)[0]
    log(f"the guest's address {member.name} shown {time.monotonic() - t:.1f} s after it started")
    ui.screenshot("app-networks")

    ui.keys("ctrl+w")
    ui.wait_until(lambda: ui.networks_window() is None, "the Networks window closed")

    # The address on the machine page too (below the fold).
    vireo.select_only_row(PREFIX + "pxe")
    ui.scroll_page_down()
    ui.wait_until(lambda: ui.find_all(vireo.win, "label", pred=lambda n: ui.shown(n) and n.name.startswith("10.77.90.")),
                  "the guest's address on its page")
    ui.screenshot("app-machine-nic-address")
    c.check_log()


# test-download.py's loopback HTTP server and test catalogue (tests/fixtures/osinfo).
download = load("test_download", os.path.join(HERE, "test-download.py"))


@suite.case("download")
def download_os(c):
    """Download an Operating System: the app on the test catalogue (its addresses on a loopback
    server of this test); Stop removes the partial file; a download that ends goes on to the
    review with the catalogue's system chosen, and the machine's CD-ROM is the downloaded
    volume, used in place."""
    ui, vireo = c.ui, c.vireo
    data = os.urandom(4 * 1024 * 1024 + 777)
    server = download.Server({"/debian-11-amd64-netinst.iso": data, "/vireotest-1-amd64.iso": data})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    catalogue = os.path.join(WORK, "app-osinfo")
    download.copy_catalogue(catalogue, server.port)
    env = {"OSINFO_SYSTEM_DIR": catalogue, "OSINFO_LOCAL_DIR": "/nonexistent", "OSINFO_USER_DIR": "/nonexistent"}
    pool = download.IMAGES_DIR
    medium = os.path.join(pool, "debian-11-amd64-netinst.iso")
    vireo.stop()
    os.environ.update(env)
    try:
        vireo.start()
        vireo.focus()
        ui.keys("ctrl+n")
        dialog = ui.wait_until(ui.assistant, "the New Machine assistant")
        ui.activate_row(ui.wait_until(lambda: ui.find_all(dialog, "list item", "Download an Operating System…",
                                                          pred=ui.shown), "Download an Operating System…")[0])
        systems = ui.wait_until(lambda: ui.find_one(dialog, "list", "Operating Systems to Download"), "the catalogue")
        ui.wait_until(lambda: len(ui.find_all(systems, "list item")) == 5, "the test catalogue listed")

        # Stopped: the partial file goes.
        server.delay = 0.05
        ui.activate_row(ui.find_one(systems, "list item", "Vireo Test OS 1"))
        ui.wait_until(lambda: ui.find_all(dialog, "progress bar", "Download Progress", pred=ui.shown),
                      "the download's progress")
        vireotest.wait_until(lambda: os.path.exists(os.path.join(pool, ".vireotest-1-amd64.iso.part")), 30,
                             "the partial file")
        ui.screenshot("app-download-progress")
        ui.click(ui.find_one(dialog, "push button", "Stop", pred=ui.shown))
        ui.wait_until(lambda: ui.find_all(dialog, "label", pred=lambda n: ui.shown(n) and "download was stopped" in n.name),
                      "the page saying the download was stopped")
        assert not [f for f in os.listdir(pool) if "vireotest-1" in f], os.listdir(pool)

        # Downloaded: on to the review, Debian 11 from the catalogue, the volume used in place.
        server.delay = 0.01
        ui.activate_row(ui.find_one(systems, "list item", "Debian 11"))
        ui.wait_until(lambda: ui.find_all(dialog, "label", "Downloaded as debian-11-amd64-netinst.iso", pred=ui.shown),
                      "the review of the downloaded medium", timeout=60)
        ui.wait_until(lambda: ui.find_all(dialog, "list item", "Debian 11", pred=ui.shown), "Debian 11 chosen")
        ui.screenshot("app-download-review")
        with open(medium, "rb") as f:
            assert f.read() == data, f"{medium} is not what the server sent"
        ui.find_one(dialog, "spin button", "Disk Size", pred=ui.shown).queryValue().currentValue = 0
        ui.find_one(dialog, "check box", "Customize Before Starting", pred=ui.shown).doActionNamed("toggle")
        before = set(os.listdir(pool))
        ui.click(vireo.button("Create", dialog))
        vireotest.wait_until(lambda: "debian11" in download.e2e.virsh_names(), 30, "debian11 defined")
        dom = download.e2e.virsh("dumpxml", "debian11")
        assert f"<source file='{medium}'/>" in dom, dom
        assert "http://debian.org/debian/11" in dom, dom
        assert set(os.listdir(pool)) == before, f"copied into the pool: {set(os.listdir(pool)) - before}"
        ui.assistant_closed("the assistant to close once the machine is made")
        c.check_log()
    finally:
        server.shutdown()
        for key in env:
            del os.environ[key]
        vireo.stop()
        download.e2e.virsh("undefine", "debian11", check=False)
        for f in os.listdir(pool):
            if "debian-11-amd64" in f or "vireotest-1" in f:
                os.unlink(os.path.join(pool, f))
        vireo.start()


def outer(argv):
    """Outside the session: an X server of our own, then this script again under a session bus
    (for AT-SPI), with the app's settings in memory."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    xvfb = console.Xvfb()
    runtime = os.path.join(WORK or "/tmp", "app-runtime")
    os.makedirs(runtime, mode=0o700, exist_ok=True)
    # No animations, as in the UI suite (tests/ui/run-ui.sh).
    config = os.path.join(WORK or "/tmp", "app-config")
    os.makedirs(os.path.join(config, "gtk-4.0"), exist_ok=True)
    with open(os.path.join(config, "gtk-4.0", "settings.ini"), "w") as f:
        f.write("[Settings]\ngtk-enable-animations=0\n")
    env = dict(xvfb.env(), VIREO_APP_TEST_INNER="1", XDG_RUNTIME_DIR=runtime, XDG_CONFIG_HOME=config,
               GSETTINGS_BACKEND="memory", GDK_BACKEND="x11", LC_ALL="C.UTF-8",
               GSETTINGS_SCHEMA_DIR=os.path.join(BUILD_DIR, "data"), VIREO_SHUTDOWN_PATIENCE="3")
    for var in ("GTK_A11Y", "NO_AT_BRIDGE", "WAYLAND_DISPLAY"):
        env.pop(var, None)
    env.setdefault("VIREO_APP", os.path.join(BUILD_DIR, "app", "vireo"))
    # The TAP stream on a descriptor of its own: what dbus-run-session's daemons print goes to
    # standard error.
    tap = os.dup(1)
    env["VIREO_TAP_FD"] = str(tap)
    try:
        return subprocess.run(["dbus-run-session", "--", sys.executable, os.path.abspath(__file__), *argv],
                              env=env, stdout=2, pass_fds=(tap,)).returncode
    finally:
        os.close(tap)
        xvfb.stop()


if __name__ == "__main__":
    if os.environ.get("VIREO_APP_TEST_INNER") != "1":
        sys.exit(outer(sys.argv[1:]))
    sys.exit(suite.main(sys.argv[1:], setup=Context, cleanup=Context.close))
