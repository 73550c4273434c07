#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""vireoctl against the real vireo-hypervisor on a private bus, over libvirt's test driver.

The helper serves the copy of tests/fixtures/machines.xml that tests/fixtures/with-fixture.py
made (VIREO_FIXTURE), whose disks live in its temporary directory (VIREO_FIXTURE_DIR), so that
`delete --disk` removes only files made for the test; polkit is python3-dbusmock's polkitd
template. Each case runs the vireoctl binary as a user would and checks its output, its exit
status and what the helper says afterwards.

    VIREOCTL=build/app/vireoctl VIREO_HYPERVISOR=build/hypervisor/vireo-hypervisor \
        tests/fixtures/with-fixture.py /usr/bin/python3 tests/test-vireoctl.py [-v] [CASE...]

Prints TAP (tests/vireotest.py); every time limit is scaled by vireotest.scaled.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata

import dbus
import dbusmock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vireotest  # noqa: E402

N_FIXTURE = 27
ALL_ACTIONS = ["org.vireo.hypervisor1." + a for a in ("read", "console", "lifecycle", "modify", "host-network")]
TIMEOUT = vireotest.scaled(20)

VIREOCTL = os.environ.get("VIREOCTL", "")
HYPERVISOR = os.environ.get("VIREO_HYPERVISOR", "")


class Env:
    """A private system bus with the polkit mock and the helper on the test driver."""

    def __init__(self):
        self.fixture = os.environ.get("VIREO_FIXTURE", "")
        if not self.fixture or not os.environ.get("VIREO_FIXTURE_DIR"):
            raise RuntimeError("run me through tests/fixtures/with-fixture.py (VIREO_FIXTURE is not set)")
        self.images = os.path.join(os.environ["VIREO_FIXTURE_DIR"], "images")
        self.tmp = tempfile.mkdtemp(prefix="vireo-ctl-test.")

        dbusmock.DBusTestCase.start_system_bus()
        self.address = os.environ["DBUS_SYSTEM_BUS_ADDRESS"]
        self.polkit, self.polkit_obj = dbusmock.DBusTestCase.spawn_server_template(
            "polkitd", {}, stdout=subprocess.DEVNULL)
        self.allow(ALL_ACTIONS)
        self.helper = None
        self.start_helper()

    def allow(self, actions):
        self.polkit_obj.SetAllowed(dbus.Array(actions, signature="s"))

    def start_helper(self):
        self.helper_log = open(os.path.join(self.tmp, "helper.log"), "ab")
        self.helper = subprocess.Popen(
            [HYPERVISOR, "--address=" + self.address, "--libvirt-uri=test://" + self.fixture, "--replace"],
            stdout=self.helper_log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            r = ctl("host", "--json", check=False)
            if r.returncode == 0 and json.loads(r.stdout)["connected"]:
                return
            time.sleep(0.05)
        raise AssertionError("the helper did not connect to the test driver")

    def restart_helper(self):
        """A fresh helper: the test driver starts from the fixture again."""
        self.stop_helper()
        self.start_helper()

    def stop_helper(self):
        if self.helper is not None:
            self.helper.terminate()
            self.helper.wait(timeout=TIMEOUT)
            self.helper = None
            self.helper_log.close()

    def close(self):
        self.stop_helper()
        self.polkit.terminate()
        self.polkit.wait()
        dbusmock.DBusTestCase.stop_dbus(dbusmock.DBusTestCase.system_bus_pid)
        shutil.rmtree(self.tmp, ignore_errors=True)


def ctl(*args, check=True, env=None, stdin=None):
    r = subprocess.run([VIREOCTL, *args], capture_output=True, text=True, timeout=TIMEOUT,
                       env=env, stdin=stdin if stdin is not None else subprocess.DEVNULL)
    if check and r.returncode != 0:
        raise AssertionError(f"vireoctl {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
    return r


def ctl_json(*args):
    return json.loads(ctl(*args, "--json").stdout)


def machine(name):
    return ctl_json("info", name)


def expect_failure(args, status, words):
    r = ctl(*args, check=False)
    assert r.returncode == status, f"vireoctl {' '.join(args)}: exit {r.returncode}, wanted {status}: {r.stderr}"
    for w in words:
        assert w in r.stderr, f"vireoctl {' '.join(args)}: {w!r} not in {r.stderr!r}"
    # One line of error from the helper's sentence (usage errors add the usage line).
    if status == 1:
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("vireoctl: "), r.stderr
    return r


# --- cases ------------------------------------------------------------------------------

def case_usage(env):
    r = ctl("--help")
    for command in ("list", "info", "start", "shutdown", "reboot", "force-off", "reset", "pause",
                    "resume", "save", "delete", "xml", "console", "serial", "host", "jobs", "create", "nic", "network",
                    "bridge", "catalogue", "download"):
        assert f"\n  {command} " in r.stdout, f"{command} missing from --help"
    assert ctl("help").stdout == r.stdout
    r = ctl("start", "--help")
    assert "Usage: vireoctl start MACHINE" in r.stdout
    # A command's help lists its options, with what each takes.
    r = ctl("delete", "--help")
    assert "--disk=DISK " in r.stdout and "repeat for more" in r.stdout, r.stdout
    r = ctl("help", "console")
    assert "--protocol=PROTOCOL " in r.stdout and "spice or vnc" in r.stdout, r.stdout
    assert "--force " in ctl("serial", "--help").stdout
    assert "Options:" not in ctl("start", "--help").stdout
    expect_failure(["frobnicate"], 2, ["unknown command"])
    expect_failure(["help", "frobnicate"], 2, ["unknown command “frobnicate”"])
    expect_failure(["start", "tiny", "--bogus"], 2, ["Usage: vireoctl start MACHINE"])
    expect_failure(["start"], 2, ["Usage: vireoctl start MACHINE"])
    expect_failure(["start", "a", "b"], 2, ["Usage"])
    expect_failure(["start", "tiny", "--json"], 2, ["prints nothing"])
    expect_failure(["list", "--bogus"], 2, ["Usage"])
    assert ctl("--version").stdout.startswith("vireoctl ")


def case_list(env):
    rows = ctl_json("list")
    assert len(rows) == N_FIXTURE, len(rows)
    names = [m["name"] for m in rows]
    assert names == sorted(names), names
    web = next(m for m in rows if m["name"] == "debian-web")
    assert web["state"] == "running" and web["vcpus"] == 2 and web["memory-mib"] == 2048, web
    assert web["uuid"] == "5e1f0a00-0000-4000-8000-000000000001", web
    assert web["persistent"] is True
    assert next(m for m in rows if m["name"] == "transient-scratch")["persistent"] is False
    assert ctl("list", "--names").stdout.splitlines() == names
    table = ctl("list").stdout.splitlines()
    assert table[0].split() == ["NAME", "STATE", "VCPUS", "MEMORY"], table[0]
    assert len(table) == N_FIXTURE + 1
    line = next(l for l in table if l.startswith("debian-web "))
    assert line.split() == ["debian-web", "running", "2", "2048", "MiB"], line
    # Columns line up on a terminal whatever the name's script: 虚拟机 takes six columns, not
    # its nine bytes or three characters.
    def width(text):
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    columns = {}
    for name, line in zip(names, table[1:]):
        assert line.startswith(name + " "), (name, line)
        rest = line[len(name):]
        if width(name) < 32:
            columns[name] = width(name) + len(rest) - len(rest.lstrip(" "))
    assert set(columns.values()) == {33}, columns
    assert any(l.startswith("虚拟机 ") for l in table) and any(l.startswith("Überprüfung-ü ") for l in table)


def case_info(env):
    info = machine("debian-web")
    assert info["os-id"] == "http://debian.org/debian/12", info
    # libosinfo's name, once the helper has read its database.
    vireotest.wait_until(lambda: machine("debian-web")["os-name"] == "Debian 12", 20, "os-name Debian 12")
    assert info["graphics"] == ["spice", "vnc"], info
    assert [d["target"] for d in info["disks"]] == ["vda", "hdc"], info["disks"]
    assert info["disks"][0]["path"] == os.path.join(env.images, "debian-web.qcow2")
    assert info["disks"][0]["size"] == 20 * 1024 ** 3 and info["disks"][0]["type"] == "file", info["disks"][0]
    # By UUID, in any case; the CJK name as given.
    assert machine("5E1F0A00-0000-4000-8000-000000000001")["name"] == "debian-web"
    assert machine("虚拟机")["title"] != ""
    text = ctl("info", "debian-web").stdout.splitlines()
    assert "name: debian-web" in text and "state: running" in text and "graphics: spice, vnc" in text, text
    assert "os-name: Debian 12" in text, text
    assert "description: nginx and PostgreSQL for the intranet.\\nSecond line of the description." in text, text
    assert f"disk: vda, disk, file, 20.0\u00a0GiB, {env.images}/debian-web.qcow2" in text, text
    # The link state, and the guest's addresses ("-": the test driver has no leases).
    assert "nic: 52:54:00:0a:00:01, network, default, virtio, up, -" in text, text
    assert info["nics"] == [{"mac": "52:54:00:0a:00:01", "type": "network", "source": "default", "model": "virtio",
                             "link": "up", "addresses": []}], info["nics"]
    expect_failure(["info", "no-such-machine"], 1, ["There is no machine named “no-such-machine”."])


def case_host(env):
    host = ctl_json("host")
    assert host["connected"] is True and host["connection-error"] == "", host
    assert host["libvirt-uri"] == "test://" + env.fixture, host
    assert host["cpu-count"] == 8 and host["memory-mib"] == 32 * 1024, host
    assert host["accelerator"] in ("kvm", "tcg") and host["accelerator-reason"] != "", host
    text = ctl("host").stdout.splitlines()
    assert "connected: yes" in text and "cpu-count: 8" in text, text


def state(name):
    return machine(name)["state"]


def case_lifecycle(env):
    # Each command, and what the helper says after it.
    ctl("start", "tiny")
    assert state("tiny") == "running"
    expect_failure(["start", "tiny"], 1, ["“tiny” is already running."])
    ctl("pause", "tiny")
    assert state("tiny") == "paused"
    expect_failure(["pause", "tiny"], 1, ["already paused"])
    expect_failure(["start", "tiny"], 1, ["“tiny” is paused: resume it, or force it off"])
    ctl("resume", "tiny")
    assert state("tiny") == "running"
    ctl("reset", "tiny")
    assert state("tiny") == "running"
    ctl("reboot", "tiny")
    ctl("save", "tiny")
    assert state("tiny") == "saved"
    ctl("start", "tiny")
    assert state("tiny") == "running"
    ctl("shutdown", "tiny")
    assert state("tiny") == "shutoff", state("tiny")
    expect_failure(["shutdown", "tiny"], 1, ["“tiny” is not running."])
    ctl("start", "5e1f0a00-0000-4000-8000-000000000016")   # tiny, by UUID
    ctl("force-off", "tiny")
    assert state("tiny") == "shutoff"
    expect_failure(["force-off", "no-such-machine"], 1, ["There is no machine named"])


def case_xml(env):
    xml = ctl("xml", "debian-web").stdout
    assert xml.lstrip().startswith("<domain") and "<name>debian-web</name>" in xml, xml[:200]
    inactive = ctl("xml", "debian-web", "--inactive").stdout
    assert "<name>debian-web</name>" in inactive
    assert ctl_json("xml", "debian-web")["xml"] == xml.rstrip("\n") or \
        ctl_json("xml", "debian-web")["xml"] == xml
    expect_failure(["xml", "nope"], 1, ["There is no machine named"])


def case_delete(env):
    disk = os.path.join(env.images, "big-compute.qcow2")
    with open(disk, "w") as f:
        f.write("disk")
    # A disk that is not the machine's: refused, nothing deleted.
    expect_failure(["delete", "big-compute", "--disk", "/etc/hostname"], 1, ["is not a disk of “big-compute”"])
    assert os.path.exists(disk) and "big-compute" in ctl("list", "--names").stdout.split()
    # By target: the machine and its named disk go; another machine's file stays.
    other = os.path.join(env.images, "balloon-memory.qcow2")
    with open(other, "w") as f:
        f.write("disk")
    ctl("delete", "big-compute", "--disk", "vda")
    assert "big-compute" not in ctl("list", "--names").stdout.split()
    assert not os.path.exists(disk) and os.path.exists(other)
    # Without --disk: the disks are kept.
    ctl("delete", "balloon-memory")
    assert "balloon-memory" not in ctl("list", "--names").stdout.split()
    assert os.path.exists(other)
    env.restart_helper()


def case_console(env):
    stub = os.path.join(env.tmp, "fake-viewer")
    out = os.path.join(env.tmp, "viewer-args")
    with open(stub, "w") as f:
        f.write(f"#!/bin/sh\necho \"$@\" > {out}\n")
    os.chmod(stub, 0o755)
    e = dict(os.environ, VIREO_VIEWER=stub)
    r = subprocess.run([VIREOCTL, "console", "debian-web", "--protocol=vnc"], env=e,
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr
    with open(out) as f:
        assert f.read().split() == ["--protocol=vnc", "5e1f0a00-0000-4000-8000-000000000001"]
    r = subprocess.run([VIREOCTL, "console", "tiny"], env=e, capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 1 and "is not running" in r.stderr, r.stderr
    expect_failure(["console", "debian-web", "--protocol=rdp"], 2, ["Usage"])


def case_serial(env):
    # The test driver has no serial consoles to open: the helper's sentence, one line.
    r = ctl("serial", "headless-router", check=False)
    assert r.returncode == 1 and r.stderr.startswith("vireoctl: ") and "serial console" in r.stderr, r.stderr
    expect_failure(["serial", "nope"], 1, ["There is no machine named"])


def case_refused(env):
    env.allow([])
    try:
        # The refusal in words a person reads, then the polkit action's id.
        expect_failure(["start", "tiny"], 1, ["You are not allowed to start, stop, pause or save virtual machines",
                                              "org.vireo.hypervisor1.lifecycle"])
        expect_failure(["delete", "tiny"], 1, ["You are not allowed to create or delete virtual machines"])
        expect_failure(["serial", "headless-router"], 1,
                       ["You are not allowed to see and use the screens and serial consoles of virtual machines"])
        assert state("tiny") == "shutoff"
        assert "tiny" in ctl("list", "--names").stdout.split()
        # Reading is open to every local user (docs/ARCHITECTURE.md, "Security").
        assert "<name>tiny</name>" in ctl("xml", "tiny").stdout
        assert ctl_json("info", "tiny")["name"] == "tiny"
    finally:
        env.allow(ALL_ACTIONS)


def make_iso(env, name, volume_id, publisher=None, files=None):
    """A bootable GRUB ISO carrying @volume_id (and @publisher): what libosinfo reads to tell
    which system a medium installs, and @files ({path: bytes}: an installer's kernel and
    initrd where the system's libosinfo entry says they are). Made here, nothing downloaded."""
    path = os.path.join(env.tmp, name)
    if not os.path.exists(path):
        root = os.path.join(env.tmp, "iso-root-" + name)
        os.makedirs(os.path.join(root, "boot", "grub"), exist_ok=True)
        for rel, data in (files or {}).items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "wb") as f:
                f.write(data)
        with open(os.path.join(root, "boot", "grub", "grub.cfg"), "w") as f:
            f.write("set timeout=-1\n")
        extra = ["-publisher", publisher] if publisher else []
        subprocess.run(["grub-mkrescue", "-o", path, root, "--", "-volid", volume_id, *extra],
                       check=True, capture_output=True, timeout=vireotest.scaled(120))
    return path


DEBIAN = ("debian.iso", "Debian 11.5.0 amd64 n")
WINDOWS = ("windows.iso", "CENA_X64FREV_EN-US_DV5", "MICROSOFT CORPORATION")
UNKNOWN = ("unknown.iso", "NOTHING LIBOSINFO KNOWS")
FEDORA = ("fedora-server.iso", "Fedora-S-dvd-x86_64-37")
UBUNTU = ("ubuntu.iso", "Ubuntu 22.04.1 LTS amd64")


def case_create(env):
    debian = make_iso(env, *DEBIAN)
    windows = make_iso(env, *WINDOWS)
    unknown = make_iso(env, *UNKNOWN)
    names_before = ctl("list", "--names").stdout.split()

    # What libosinfo says of each medium, and what Vireo proposes from it.
    d = ctl_json("create", "--detect", debian)
    assert d == {"os-id": "http://debian.org/debian/11", "os-name": "Debian 11", "express": True,
                 "memory-mib": 1024, "vcpus": 1, "disk-gib": 20, "firmware": "bios", "secure-boot": False,
                 "tpm": False, "name": "debian11"}, d
    w = ctl_json("create", "--detect", windows)
    # Windows 10's recommendation (Windows 8's) is below its own minimum: the minimum wins.
    assert (w["os-id"], w["memory-mib"], w["disk-gib"], w["name"]) == \
        ("http://microsoft.com/win/10", 2048, 40, "win10"), w
    # A Fedora and an Ubuntu medium: each its system, its recommendations, virtio devices.
    for iso, os_id, name, memory, disk in ((make_iso(env, *FEDORA), "http://fedoraproject.org/fedora/37", "fedora37", 2048, 20),
                                           (make_iso(env, *UBUNTU), "http://ubuntu.com/ubuntu/22.04", "ubuntu22.04", 4096, 25)):
        d = ctl_json("create", "--detect", iso)
        assert (d["os-id"], d["name"], d["memory-mib"], d["disk-gib"]) == (os_id, name, memory, disk), d
        xml = ctl("create", "--iso", iso, "--print-xml").stdout
        assert 'bus="virtio"' in xml and '<model type="virtio"/>' in xml and 'machine="q35"' not in xml \
            or 'bus="virtio"' in xml, xml
    text = ctl("create", "--detect", unknown).stdout
    assert text.splitlines() == ["os-id: ", "os-name: Unknown operating system", "express: no",
                                 "memory-mib: 2048", "vcpus: 2", "disk-gib: 20", "firmware: bios",
                                 "secure-boot: no", "tpm: no", "name: machine"], text
    # A relative path is the working directory's, as in a shell.
    r = subprocess.run([VIREOCTL, "create", "--detect", os.path.basename(debian)], cwd=env.tmp,
                       capture_output=True, text=True, timeout=TIMEOUT, check=True)
    assert "os-name: Debian 11\n" in r.stdout, r.stdout
    expect_failure(["create", "--detect", "/nonexistent/x.iso"], 1, ["is not a file"])
    notes = os.path.join(env.tmp, "notes.iso")
    with open(notes, "w") as f:
        f.write("hello\n")
    expect_failure(["create", "--detect", notes], 1, ["is not an ISO image"])
    expect_failure(["create", "--detect", debian, "--no-start"], 2, ["--detect only reads"])
    expect_failure(["create", "--memory", "0"], 2, ["must be positive"])

    # --print-xml: the helper's own choice of devices for Windows (SATA, no virtio), the
    # system in the metadata, and nothing defined.
    xml = ctl("create", "--iso", windows, "--print-xml").stdout
    assert "<name>win10</name>" in xml and 'bus="sata"' in xml and "virtio" not in xml.split("<devices>")[1] \
        .split("<channel")[0], xml
    assert '<libosinfo:os id="http://microsoft.com/win/10"/>' in xml, xml
    # Windows 11 gets UEFI with Secure Boot and a TPM; --firmware bios takes them back.
    xml = ctl("create", "--os", "win11", "--disk-size", "0", "--print-xml").stdout
    assert '<os firmware="efi">' in xml and '<feature enabled="yes" name="secure-boot"/>' in xml \
        and '<tpm model="tpm-crb">' in xml, xml
    xml = ctl("create", "--os", "win11", "--disk-size", "0", "--firmware", "bios", "--print-xml").stdout
    assert 'firmware="efi"' not in xml and "secure-boot" not in xml, xml
    assert ctl("list", "--names").stdout.split() == names_before

    # The test driver's pool has 12 GiB free: the proposed 20 GiB disk is refused, saying so,
    # and nothing is left behind.
    expect_failure(["create", "--iso", debian, "--no-start"], 1,
                   ["The machine would need 20.0 GiB of disk space; the default storage pool has 12.0 GiB free. "
                    "Choose a smaller disk, or make room in "])
    assert ctl("list", "--names").stdout.split() == names_before

    # Created from the medium with what was proposed; the next one gets the next name.
    r = ctl("create", "--iso", debian, "--no-start", "--disk-size", "1")
    assert r.stdout == "Created “debian11”.\n", r.stdout
    m = machine("debian11")
    assert (m["os-id"], m["memory-mib"], m["vcpus"], m["state"]) == \
        ("http://debian.org/debian/11", 1024, 1, "shutoff"), m
    assert sorted(d["device"] for d in m["disks"]) == ["cdrom", "disk"], m["disks"]
    assert next(d for d in m["disks"] if d["device"] == "disk")["size"] == 1024 ** 3
    # A network card on libvirt's default network (the fixture has none: it was made), virtio
    # for Debian.
    assert [(n["type"], n["source"], n["model"]) for n in m["nics"]] == [("network", "default", "virtio")], m["nics"]
    r = ctl_json("create", "--iso", debian, "--no-start", "--disk-size", "1")
    assert r["name"] == "debian11-2" and r["started"] is False, r

    # Every choice can be given instead; the system by its short id.
    ctl("create", "--iso", unknown, "--os", "fedora37", "--name", "chosen", "--memory", "700",
        "--vcpus", "2", "--disk-size", "0", "--network", "none", "--no-start")
    m = machine("chosen")
    assert (m["os-id"], m["memory-mib"], m["vcpus"]) == ("http://fedoraproject.org/fedora/37", 700, 2), m
    assert [d["device"] for d in m["disks"]] == ["cdrom"], m["disks"]
    assert m["nics"] == [], m["nics"]
    expect_failure(["create", "--name", "on-nothing", "--disk-size", "0", "--network", "nosuch"], 1,
                   ["There is no virtual network named “nosuch”."])

    # A disk image imported (copied in as the caller): its format kept, no new disk beside it.
    image = os.path.join(env.tmp, "old.qcow2")
    with open(image, "wb") as f:
        f.write(b"QFI\xfb" + bytes(508))
    r = ctl_json("create", "--import", image, "--name", "imported", "--no-start")
    m = machine("imported")
    assert [(d["device"], os.path.basename(d["path"])) for d in m["disks"]] == [("disk", "imported.qcow2")], m["disks"]
    expect_failure(["create", "--import", image, "--disk-size", "5"], 2, ["--import gives the machine its disk"])

    # Booting from the network: first in the boot order; without a network, refused.
    xml = ctl("create", "--pxe", "--name", "netboot", "--disk-size", "0", "--print-xml").stdout
    assert '<boot dev="network"/>' in xml and "<source network=\"default\"/>" in xml, xml
    expect_failure(["create", "--pxe", "--network", "none", "--disk-size", "0"], 1,
                   ["Booting from the network needs a network"])

    # Started unless told not to.
    ctl("create", "--iso", unknown, "--name", "started-one", "--disk-size", "0")
    assert state("started-one") == "running"

    # A long copy (6 sparse gigabytes read as the caller): `vireoctl jobs` lists it, and
    # Ctrl+C on `vireoctl create` cancels it, leaving nothing.
    big = os.path.join(env.tmp, "big.iso")
    with open(big, "wb") as f:
        f.truncate(6 << 30)
        f.seek(32769)
        f.write(b"CD001")   # an ISO 9660 volume descriptor's mark, as vireoctl checks
    proc = subprocess.Popen([VIREOCTL, "create", "--iso", big, "--name", "interrupted", "--disk-size", "0",
                             "--no-start"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        jobs = vireotest.wait_until(lambda: [j for j in ctl_json("jobs") if j["target"] == "interrupted"], 20,
                                    "the creation in `vireoctl jobs`")
        assert jobs[0]["operation"] == "create-machine" and "installation medium" in jobs[0]["description"], jobs
        # (First "Adding the installation medium…", then, the test driver having no files to
        # link, the copy.)
        vireotest.wait_until(lambda: ctl("jobs").stdout.startswith(
            "interrupted: create-machine, Copying the installation medium"), 20, "the copy in `vireoctl jobs`")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.unlink(big)
    assert proc.returncode == 1 and "cancelled" in err, (proc.returncode, err)
    assert "interrupted" not in ctl("list", "--names").stdout.split()
    assert ctl_json("jobs") == []

    # Refused, with the helper's sentence; nothing made.
    expect_failure(["create", "--os", "nosuch-os"], 1, ["libosinfo knows no operating system “nosuch-os”"])
    expect_failure(["create", "--name", "debian-web", "--disk-size", "0"], 1, ["already exists"])
    expect_failure(["create", "--iso", "/nonexistent/x.iso", "--os", "debian11"], 1, [])
    env.allow([])
    try:
        expect_failure(["create", "--iso", debian, "--name", "not-allowed", "--no-start"], 1,
                       ["You are not allowed to create or delete virtual machines"])
        # Previewing changes nothing: open to everyone, as reading is.
        assert "<name>not-allowed</name>" in ctl("create", "--name", "not-allowed", "--print-xml").stdout
    finally:
        env.allow(ALL_ACTIONS)
    assert "not-allowed" not in ctl("list", "--names").stdout.split()
    env.restart_helper()


def case_express(env):
    """Express installation over the test driver: the install phase's definition (the
    installer's kernel and initrd with the script, or the script's CD-ROM), and refusals.
    What the script holds is test-install.c's; the real boot, the sandbox's."""
    installer = {"install.amd/vmlinuz": b"a kernel", "install.amd/initrd.gz": b"an initrd"}
    debian = make_iso(env, "debian-netinst.iso", "Debian 11.5.0 amd64 n", files=installer)
    windows = make_iso(env, *WINDOWS)
    unknown = make_iso(env, *UNKNOWN)
    secret = "Sekr3t pass-phrase"
    password = os.path.join(env.tmp, "password")
    with open(password, "w") as f:
        f.write(secret + "\n")
    settings = "user=ann,name=Ann Example,hostname=annbox,timezone=Europe/Paris,keyboard=fr"

    assert ctl_json("create", "--detect", debian)["express"] is True
    xml = ctl("create", "--iso", debian, "--express", settings, "--password-file", password,
              "--disk-size", "1", "--print-xml").stdout
    pool = xml.split("<kernel>")[1].split("debian11-install-kernel</kernel>")[0]
    assert pool.endswith("/") and f"<kernel>{pool}debian11-install-kernel</kernel>" in xml \
        and f"<initrd>{pool}debian11-install-initrd</initrd>" in xml, xml
    assert "<cmdline>" in xml and "keyboard-configuration/xkb-keymap=fr" in xml, xml
    assert "<on_reboot>destroy</on_reboot>" in xml, xml
    assert f'<vireo:volume path="{pool}debian11-install-initrd"/>' in xml and "https://vireo.org/xmlns/libvirt/domain/1" in xml, xml
    assert secret not in xml

    # Defined for real (the test driver keeps volumes in memory): the same, and the password
    # in neither the definition nor the helper's log.
    r = ctl("create", "--iso", debian, "--express", settings, "--password-file", password,
            "--name", "express-debian", "--disk-size", "1", "--no-start")
    assert r.stdout == "Created “express-debian”.\n", r.stdout
    xml = ctl("xml", "express-debian", "--inactive").stdout
    assert "express-debian-install-initrd</initrd>" in xml and "<on_reboot>destroy</on_reboot>" in xml, xml
    assert secret not in xml
    with open(os.path.join(env.tmp, "helper.log"), encoding="utf-8", errors="replace") as f:
        log = f.read()
    assert secret not in log, "the password is in the helper's log"

    # Windows: the script on a CD-ROM of its own, no kernel; the password from standard input.
    r = subprocess.run([VIREOCTL, "create", "--iso", windows, "--express", "user=ann,hostname=WINBOX",
                        "--password-file", "-", "--disk-size", "1", "--print-xml"],
                       input=secret + "\n", capture_output=True, text=True, timeout=TIMEOUT, check=True)
    xml = r.stdout
    assert "<kernel>" not in xml and "on_reboot" not in xml, xml
    assert xml.count('device="cdrom"') == 2 and f"{pool}win10-install-script.iso" in xml, xml
    assert secret not in xml

    # Refusals: in words, nothing made.
    names = ctl("list", "--names").stdout.split()
    expect_failure(["create", "--iso", debian, "--express", "user=ann", "--disk-size", "1"], 1,
                   ["needs a password for the user"])
    expect_failure(["create", "--iso", debian, "--express", "user=Root!", "--password-file", password], 2,
                   ["A user name is up to 32 lower-case letters"])
    expect_failure(["create", "--iso", debian, "--express", "password=x"], 2, ["--password-file FILE"])
    expect_failure(["create", "--iso", debian, "--express", "timezone=Mars/Olympus", "--password-file", password], 2,
                   ["Unknown time zone"])
    expect_failure(["create", "--iso", debian, "--express", "colour=blue"], 2, ["Unknown express installation setting"])
    expect_failure(["create", "--express", "default", "--disk-size", "1"], 2, ["it needs --iso"])
    expect_failure(["create", "--iso", unknown, "--express", "default"], 1,
                   ["libosinfo does not recognise this medium"])
    # The system chosen by hand is not the medium's: the helper refuses what it cannot inject.
    expect_failure(["create", "--iso", unknown, "--os", "debian11", "--express", "default", "--password-file", password,
                    "--disk-size", "1"], 1, ["Express installation needs an installation medium of Debian 11"])
    assert ctl("list", "--names").stdout.split() == names
    env.restart_helper()


class TreeServer:
    """An installation tree served on the loopback address: a .treeinfo of Fedora 37 Server
    and its installer's kernel and initrd (a few bytes each), with the paths asked for."""

    def __init__(self, mirror):
        import http.server
        import threading
        root = os.path.join(mirror, "fedora", "37")
        os.makedirs(os.path.join(root, "images", "pxeboot"), exist_ok=True)
        with open(os.path.join(root, ".treeinfo"), "w") as f:
            f.write("[general]\nfamily = Fedora\nversion = 37\narch = x86_64\nvariant = Server\n\n"
                    "[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n")
        for name, data in (("vmlinuz", b"a kernel"), ("initrd.img", b"an initrd")):
            with open(os.path.join(root, "images", "pxeboot", name), "wb") as f:
                f.write(data)
        self.asked = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=mirror, **kwargs)

            def do_GET(self):
                server.asked.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/fedora/37/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def case_location(env):
    """An installation tree (--location): what libosinfo reads of its .treeinfo, and the
    machine that boots its installer, downloaded by the helper from the loopback address."""
    tree = TreeServer(os.path.join(env.tmp, "mirror"))
    try:
        d = ctl_json("create", "--detect", tree.url)
        assert (d["os-id"], d["name"], d["express"]) == ("http://fedoraproject.org/fedora/37", "fedora37", False), d
        xml = ctl("create", "--location", tree.url, "--disk-size", "1", "--print-xml").stdout
        assert "fedora37-install-kernel</kernel>" in xml and f"<cmdline>inst.repo={tree.url}</cmdline>" in xml \
            and "<on_reboot>destroy</on_reboot>" in xml, xml
        assert not any("pxeboot" in p for p in tree.asked), "--print-xml downloaded the installer"

        r = ctl("create", "--location", tree.url, "--disk-size", "1", "--name", "from-tree", "--no-start")
        assert r.stdout == "Created “from-tree”.\n", r.stdout
        assert "/fedora/37/images/pxeboot/vmlinuz" in tree.asked and "/fedora/37/images/pxeboot/initrd.img" in tree.asked, \
            tree.asked
        xml = ctl("xml", "from-tree", "--inactive").stdout
        assert "from-tree-install-initrd</initrd>" in xml and "inst.repo=" in xml, xml
        assert machine("from-tree")["os-id"] == "http://fedoraproject.org/fedora/37"

        # Refusals: in words, nothing made.
        names = ctl("list", "--names").stdout.split()
        expect_failure(["create", "--location", tree.url.replace("/37/", "/36/"), "--disk-size", "1"], 1,
                       ["Vireo could not read an installation tree at", ": Not Found."])
        expect_failure(["create", "--location", "file:///etc/", "--disk-size", "1"], 2, ["http://, https:// or ftp://"])
        expect_failure(["create", "--location", tree.url, "--iso", "/x.iso"], 2, ["--location is the machine’s source"])
        # The helper checks for itself what a client sends.
        expect_failure(["create", "--os", "fedora37", "--location", "http:///nohost", "--disk-size", "1"], 1,
                       ["is not the address of an installation tree"])
        assert ctl("list", "--names").stdout.split() == names
    finally:
        tree.close()
    env.restart_helper()


def network(name):
    return ctl_json("network", "info", name)


def case_network(env):
    # Subnets in 198.18.0.0/15 (for benchmarks), which no host has on its own network: the
    # helper checks new networks against the host's addresses and routes as well.
    try:
        assert ctl_json("network", "list") == []
        assert ctl("network", "list").stdout.strip() == "No networks."
        r = ctl("network", "create", "lab", "--mode", "nat", "--ipv4", "198.19.150.1/24",
                "--ipv6", "fd5c:7a1e:150::1/64", "--domain", "lab.test")
        assert r.stdout.strip() == "Created and started the network “lab”.", r.stdout
        info = network("lab")
        assert info["mode"] == "nat" and info["active"] is True and info["autostart"] is False, info
        assert info["ipv4"] == ["198.19.150.1/24"] and info["ipv6"] == ["fd5c:7a1e:150::1/64"], info
        assert info["domain"] == "lab.test" and info["persistent"] is True, info
        assert info["dhcp-ranges"][0] == {"first": "198.19.150.2", "last": "198.19.150.254"}, info
        # --json prints the new network.
        made = ctl_json("network", "create", "closed", "--mode", "isolated", "--ipv4", "198.18.7.1/24",
                        "--no-dhcp", "--autostart")
        assert made["name"] == "closed" and made["mode"] == "isolated" and made["autostart"] is True, made
        assert made["dhcp-ranges"] == [], made
        assert [n["name"] for n in ctl_json("network", "list")] == ["closed", "lab"]
        assert ctl("network", "list", "--names").stdout.split() == ["closed", "lab"]
        table = ctl("network", "list").stdout.splitlines()
        assert table[0].split() == ["NAME", "MODE", "STATE", "AUTOSTART", "BRIDGE", "IPV4"], table
        assert table[2].split()[:4] == ["lab", "nat", "active", "no"] and table[2].endswith("198.19.150.1/24"), table
        text = ctl("network", "info", "lab").stdout.splitlines()
        assert "mode: nat" in text and "active: yes" in text and "domain: lab.test" in text, text
        assert "dhcp-range: 198.19.150.2 - 198.19.150.254" in text, text
        # By UUID as well.
        assert network(info["uuid"].upper())["name"] == "lab"

        ctl("network", "stop", "lab")
        assert network("lab")["active"] is False
        expect_failure(["network", "stop", "lab"], 1, ["is not running"])
        ctl("network", "start", "lab")
        assert network("lab")["active"] is True
        ctl("network", "autostart", "lab", "on")
        assert network("lab")["autostart"] is True
        ctl("network", "autostart", "lab", "off")
        assert network("lab")["autostart"] is False
        # The test driver keeps no leases: said in one line.
        expect_failure(["network", "leases", "lab"], 1, ["leases"])

        # Refusals, in one sentence, and nothing made.
        expect_failure(["network", "create", "x", "--mode", "nat", "--ipv4", "198.19.150.9/24"], 1,
                       ["overlaps 198.19.150.0/24 of the virtual network “lab”"])
        expect_failure(["network", "create", "x/y", "--mode", "nat", "--ipv4", "198.18.9.1/24"], 1,
                       ["cannot name a network"])
        expect_failure(["network", "create", "x", "--mode", "bridge", "--ipv4", "198.18.9.1/24"], 1, ["Unknown mode"])
        expect_failure(["network", "create", "x", "--mode", "nat", "--ipv4", "198.18.9.1"], 1, ["prefix"])
        expect_failure(["network", "create", "lab", "--mode", "nat", "--ipv4", "198.18.9.1/24"], 1, ["already"])
        expect_failure(["network", "info", "nope"], 1, ["There is no network named “nope”."])
        assert ctl("network", "list", "--names").stdout.split() == ["closed", "lab"]

        # Usage errors.
        expect_failure(["network"], 2, ["Usage: vireoctl network"])
        expect_failure(["network", "frob"], 2, ["Usage: vireoctl network"])
        expect_failure(["network", "create", "x", "--ipv4", "198.18.9.1/24"], 2, ["--mode and --ipv4"])
        expect_failure(["network", "start", "lab", "--mode", "nat"], 2, ["Usage"])
        expect_failure(["network", "autostart", "lab", "maybe"], 2, ["Usage"])
        expect_failure(["network", "stop", "lab", "--json"], 2, ["prints nothing"])
        assert "--forward-dev=IF " in ctl("network", "--help").stdout

        # Refused by polkit: the host-network action.
        env.allow([a for a in ALL_ACTIONS if not a.endswith("host-network")])
        expect_failure(["network", "stop", "lab"], 1, ["You are not allowed to change this computer’s networks"])
        expect_failure(["network", "create", "x", "--mode", "nat", "--ipv4", "198.18.9.1/24"], 1,
                       ["org.vireo.hypervisor1.host-network"])
        assert network("lab")["active"] is True
        env.allow(ALL_ACTIONS)

        # A machine of the fixture is on "default": deleting it needs --force.
        ctl("network", "create", "default", "--mode", "nat", "--ipv4", "198.18.122.1/24")
        expect_failure(["network", "delete", "default"], 1, ["in use by", "debian-web"])
        ctl("network", "delete", "default", "--force")
        ctl("network", "delete", "lab")
        ctl("network", "delete", "closed")
        assert ctl_json("network", "list") == []
    finally:
        env.allow(ALL_ACTIONS)
        env.restart_helper()


def nics(name):
    return ctl_json("nic", "list", name)


def case_nic(env):
    """nic add, set, remove and list on a shut-off machine: its definition alone ("at next
    boot"), the machine's Nics afterwards; list --json and info show the link and the
    addresses; refusals change nothing."""
    try:
        assert ctl("nic", "list", "tiny").stdout.strip() == "No network interfaces."
        assert nics("tiny") == []
        assert [m["nics"] for m in ctl_json("list") if m["name"] == "debian-web"] == [[
            {"mac": "52:54:00:0a:00:01", "type": "network", "source": "default", "model": "virtio",
             "link": "up", "addresses": []}]]
        ctl("network", "create", "lab", "--mode", "nat", "--ipv4", "198.19.150.1/24")

        r = ctl("nic", "add", "tiny", "--type", "network", "--source", "lab")
        mac, when = r.stdout.strip().split(" ", 1)
        assert mac.startswith("52:54:00:") and len(mac) == 17 and when == "at next boot", r.stdout
        vireotest.wait_until(lambda: len(nics("tiny")) == 1, 10, "the new NIC in Nics")
        assert nics("tiny") == [{"mac": mac, "type": "network", "source": "lab", "model": "virtio",
                                 "link": "up", "addresses": []}], nics("tiny")
        added = ctl_json("nic", "add", "tiny", "--type", "user", "--mac", "52:54:00:AA:BB:01", "--model", "e1000e",
                         "--link", "down")
        assert added == {"mac": "52:54:00:aa:bb:01", "when": "next-boot"}, added
        vireotest.wait_until(lambda: len(nics("tiny")) == 2, 10, "the second NIC in Nics")
        table = ctl("nic", "list", "tiny").stdout.splitlines()
        assert table[0].split() == ["MAC", "TYPE", "SOURCE", "MODEL", "LINK", "ADDRESSES"], table
        assert table[2].split() == ["52:54:00:aa:bb:01", "user", "-", "e1000e", "down", "-"], table
        assert "nic: 52:54:00:aa:bb:01, user, -, e1000e, down, -" in ctl("info", "tiny").stdout.splitlines()

        r = ctl("nic", "set", "tiny", "52:54:00:aa:bb:01", "--link", "up", "--model", "rtl8139")
        assert r.stdout.strip() == "52:54:00:aa:bb:01 at next boot", r.stdout
        vireotest.wait_until(lambda: nics("tiny")[1]["model"] == "rtl8139", 10, "the new model in Nics")
        assert nics("tiny")[1]["link"] == "up", nics("tiny")
        xml = ctl("xml", "tiny", "--inactive").stdout
        assert "rtl8139" in xml and "52:54:00:aa:bb:01" in xml, xml

        # Refused, changing nothing.
        before = ctl("xml", "tiny", "--inactive").stdout
        expect_failure(["nic", "add", "tiny", "--type", "bridge", "--source", "nosuchbr0"], 1, ["no bridge named “nosuchbr0”"])
        expect_failure(["nic", "add", "tiny", "--type", "network", "--source", "nosuch"], 1, ["no virtual network named “nosuch”"])
        expect_failure(["nic", "add", "tiny", "--type", "tap"], 1, ["Unknown interface type"])
        expect_failure(["nic", "add", "tiny", "--type", "user", "--model", "fancy"], 1, ["Unknown interface model"])
        expect_failure(["nic", "add", "tiny", "--type", "user", "--mac", "01:00:5e:00:00:01"], 1, ["multicast"])
        expect_failure(["nic", "add", "tiny", "--type", "user", "--mac", "52:54:00:aa:bb:01"], 1, ["already has"])
        expect_failure(["nic", "remove", "tiny", "52:54:00:00:00:99"], 1, ["no network interface with the MAC address"])
        expect_failure(["nic", "set", "tiny", "52:54:00:00:00:99", "--link", "down"], 1, ["no network interface"])
        expect_failure(["nic", "list", "nope"], 1, ["There is no machine named “nope”."])
        # Usage errors: exit 2, nothing sent.
        expect_failure(["nic"], 2, ["Usage: vireoctl nic"])
        expect_failure(["nic", "frob", "tiny"], 2, ["Usage: vireoctl nic"])
        expect_failure(["nic", "add", "tiny"], 2, ["--type"])
        expect_failure(["nic", "set", "tiny", "52:54:00:aa:bb:01"], 2, ["at least one"])
        expect_failure(["nic", "set", "tiny", "52:54:00:aa:bb:01", "--link", "sideways"], 2, ["Usage"])
        expect_failure(["nic", "set", "tiny", "52:54:00:aa:bb:01", "--mac", "52:54:00:aa:bb:02"], 2, ["Usage"])
        expect_failure(["nic", "remove", "tiny"], 2, ["Usage"])
        expect_failure(["nic", "remove", "tiny", "52:54:00:aa:bb:01", "--link", "up"], 2, ["Usage"])
        assert "--source=SOURCE " in ctl("nic", "--help").stdout
        # Refused by polkit: modify.
        env.allow([a for a in ALL_ACTIONS if not a.endswith("modify")])
        expect_failure(["nic", "remove", "tiny", "52:54:00:aa:bb:01"], 1, ["org.vireo.hypervisor1.modify"])
        env.allow(ALL_ACTIONS)
        assert ctl("xml", "tiny", "--inactive").stdout == before

        r = ctl("nic", "remove", "tiny", mac)
        assert r.stdout.strip() == f"{mac} at next boot", r.stdout
        vireotest.wait_until(lambda: len(nics("tiny")) == 1, 10, "the NIC gone from Nics")
        assert [n["mac"] for n in nics("tiny")] == ["52:54:00:aa:bb:01"]
    finally:
        env.allow(ALL_ACTIONS)
        env.restart_helper()


def case_bridge(env):
    """host interfaces and bridge over the real host's interfaces (read only) and the helper's
    refusals: on libvirt's test driver the helper changes nothing on the host's network (the
    e2e-bridge suite makes bridges in the sandbox)."""
    ifaces = ctl_json("host", "interfaces")
    names = [i["name"] for i in ifaces]
    assert names == sorted(names) and "lo" not in names, names
    for i in ifaces:
        assert i["kind"] in ("ethernet", "wifi", "bridge", "bond", "vlan", "virtual"), i
        assert isinstance(i["bridgeable"], bool) and isinstance(i["addresses"], list), i
        assert i["bridgeable"] == ("why-not" not in i), i
    table = ctl("host", "interfaces").stdout.splitlines()
    assert table[0].split() == ["NAME", "KIND", "STATE", "MASTER", "ADDRESSES"], table
    assert [line.split()[0] for line in table[1:]] == names, table
    bridges = ctl_json("bridge", "list")
    assert [b["name"] for b in bridges] == [i["name"] for i in ifaces if i["kind"] == "bridge"], bridges
    for b in bridges:
        assert b["vireo"] is False and isinstance(b["ports"], list), b
    text = ctl("bridge", "list").stdout
    assert (text.strip() == "No bridges.") == (bridges == []), text

    # Refusals, in one sentence, and no bridge made.
    expect_failure(["bridge", "create", "x/y", "vireo-nosuch0"], 1, ["cannot name a bridge"])
    expect_failure(["bridge", "create", "vbr-t", "vireo-nosuch0"], 1, ["There is no interface named vireo-nosuch0."])
    expect_failure(["bridge", "create", "vbr-t", "lo"], 1, ["loopback"])
    expect_failure(["bridge", "create", "lo", "vireo-nosuch0"], 1, ["already an interface named lo"])
    expect_failure(["bridge", "delete", "vireo-nosuch0"], 1, ["There is no bridge named vireo-nosuch0."])
    assert ctl_json("bridge", "list") == bridges

    # Usage errors.
    expect_failure(["bridge"], 2, ["Usage: vireoctl bridge"])
    expect_failure(["bridge", "frob"], 2, ["Usage: vireoctl bridge"])
    expect_failure(["bridge", "create", "vbr-t"], 2, ["Usage: vireoctl bridge"])
    expect_failure(["bridge", "delete"], 2, ["Usage: vireoctl bridge"])
    expect_failure(["bridge", "delete", "a", "b"], 2, ["Usage: vireoctl bridge"])
    expect_failure(["bridge", "list", "--stp"], 2, ["Usage: vireoctl bridge"])
    expect_failure(["bridge", "delete", "vbr-t", "--json"], 2, ["prints nothing"])
    expect_failure(["host", "frob"], 2, ["Usage: vireoctl host"])
    assert "--stp " in ctl("bridge", "--help").stdout

    # Refused by polkit: the host-network action; the list is open to all.
    try:
        env.allow([a for a in ALL_ACTIONS if not a.endswith("host-network")])
        expect_failure(["bridge", "create", "vbr-t", "vireo-nosuch0"], 1, ["org.vireo.hypervisor1.host-network"])
        expect_failure(["bridge", "delete", "vbr-t"], 1, ["org.vireo.hypervisor1.host-network"])
        env.allow([])
        assert ctl_json("bridge", "list") == bridges
    finally:
        env.allow(ALL_ACTIONS)


CATALOGUE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "osinfo")


def case_download(env):
    """catalogue over the test catalogue, and download's refusals (the test driver keeps no
    files: the e2e-download suite downloads for real)."""
    cat_env = dict(os.environ, OSINFO_SYSTEM_DIR=CATALOGUE, OSINFO_LOCAL_DIR="/nonexistent",
                   OSINFO_USER_DIR="/nonexistent")
    r = ctl("catalogue", env=cat_env)
    assert r.stdout.splitlines() == [
        "Another Vendor",
        "  othermageia9\tMágeia Other 9\thttp://127.0.0.1:8080/download?id=9",
        "Debian Project",
        "  debian11\tDebian 11\thttp://127.0.0.1:8080/debian-11-amd64-netinst.iso",
        "Vireo Test Project",
        "  vireotest2\tVireo Test OS 2\thttp://127.0.0.1:8080/vireotest-2-amd64.iso",
        "  vireotest2\tVireo Test OS 2 (live)\thttp://127.0.0.1:8080/vireotest-2-live-amd64.iso",
        "  vireotest1\tVireo Test OS 1\thttp://127.0.0.1:8080/vireotest-1-amd64.iso"], r.stdout
    media = json.loads(ctl("catalogue", "--json", "--search", "MAGEIA", env=cat_env).stdout)
    assert media == [{"vendor": "Another Vendor", "os-id": "http://other.test/mageia/9",
                      "short-id": "othermageia9", "os-name": "Mágeia Other 9", "release-date": "2023-03-03",
                      "live": False, "url": "http://127.0.0.1:8080/download?id=9", "name": "othermageia9.iso"}], media
    assert json.loads(ctl("catalogue", "--json", "--search", "nothing like it", env=cat_env).stdout) == []
    assert "download" in ctl("--help").stdout and "catalogue" in ctl("--help").stdout
    assert "--sha256=HEX" in ctl("download", "--help").stdout

    expect_failure(["download"], 2, ["--os", "--url"])
    expect_failure(["download", "--os", "debian11", "--url", "http://127.0.0.1/a.iso"], 2, ["--os", "--url"])
    expect_failure(["download", "--url", "file:///etc/shadow", "--name", "a.iso"], 1, ["http://"])
    expect_failure(["download", "--url", "http://127.0.0.1/a.iso", "--name", "../a.iso"], 1, ["cannot name"])
    expect_failure(["download", "--url", "http://127.0.0.1/dir/"], 1, ["--name"])
    expect_failure(["download", "--url", "http://127.0.0.1/a.iso", "--sha256", "abc"], 1, ["SHA-256"])
    r = ctl("download", "--os", "nosuch", env=cat_env, check=False)
    assert r.returncode == 1 and "no medium to download" in r.stderr, r.stderr
    # Reaches the helper, which says why not.
    expect_failure(["download", "--url", "http://127.0.0.1:9/a.iso"], 1, ["test driver keeps no files"])
    expect_failure(["create", "--iso-volume", "missing.iso", "--name", "from-volume", "--disk-size", "0"], 1,
                   ["no installation medium named “missing.iso”"])
    r = ctl("create", "--iso-volume", "downloaded.iso", "--name", "from-volume", "--print-xml")
    assert "downloaded.iso" in r.stdout, r.stdout
    assert ctl("list", "--names").stdout.count("from-volume") == 0


def case_no_helper(env):
    env.stop_helper()
    try:
        start = time.monotonic()
        r = ctl("list", check=False)
        assert r.returncode == 1 and "helper" in r.stderr and "not running" in r.stderr, r.stderr
        assert time.monotonic() - start < 5, "vireoctl waited for a helper that is not there"
        r = ctl("host", check=False)
        assert r.returncode == 1, r.stderr
    finally:
        env.start_helper()


suite = vireotest.Suite("vireoctl")
for _case in (case_usage, case_list, case_info, case_host, case_lifecycle, case_xml, case_delete,
              case_console, case_serial, case_refused, case_create, case_express, case_location, case_nic, case_network, case_bridge, case_download,
              case_no_helper):
    suite.add(_case.__name__[len("case_"):].replace("_", "-"), _case)


def main():
    if not VIREOCTL or not HYPERVISOR:
        print("VIREOCTL and VIREO_HYPERVISOR must be set", file=sys.stderr)
        return 2
    return suite.main(sys.argv[1:], setup=Env, cleanup=Env.close)


if __name__ == "__main__":
    sys.exit(main())
