#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of host bridges (issue 10): Manager.ListHostInterfaces, CreateBridge and
DeleteBridge, through netlink and through NetworkManager, and vireoctl's host interfaces and
bridge commands.

Run inside the hermetic sandbox (its own network namespace: nothing here touches the host's
network), with the helper started by it:

    VIREO_HYPERVISOR=build/hypervisor/vireo-hypervisor VIREO_BUILD_DIR=build \\
        tests/sandbox/run-e2e.sh tests/sandbox/test-bridge.py [-v] [CASE...]

The ports are veth pairs made here (vtest0/vtest1) with addresses of 198.18.0.0/15 and
fd00::/8 only. The rollback case restarts the helper with VIREO_TEST_BRIDGE_FAIL_FILE, a
test-only fault injection the helper honours only in the sandbox. The networkmanager case
starts NetworkManager (and udevd, which it needs to manage a device) on the sandbox's own
system bus, with its configuration and state in the sandbox's scratch directory, and ends
them by pid. Speaks TAP (tests/vireotest.py).
"""

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import vireotest  # noqa: E402
from vireotest import log, scaled  # noqa: E402

_spec = importlib.util.spec_from_file_location("vireo_e2e", os.path.join(HERE, "test-e2e.py"))
e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(e2e)

MANAGER_PATH, MANAGER_IFACE, ERR = e2e.MANAGER_PATH, e2e.MANAGER_IFACE, e2e.ERR
NETWORK_IFACE = "org.vireo.Hypervisor1.Network"
WORK = os.environ.get("VIREO_SANDBOX_WORK", "")
STATE_DIR = os.environ.get("VIREO_SANDBOX_STATE_DIR", "")
BUILD = os.environ.get("VIREO_BUILD_DIR", os.path.join(HERE, "..", "..", "build"))
VIREOCTL = os.path.join(BUILD, "app", "vireoctl")
FAIL_FILE = os.path.join(WORK, "bridge-fail") if WORK else ""

V4, V4_PEER, V4_NET = "198.18.0.2/24", "198.18.0.1", "198.19.0.0/16"
V6, V6_PEER, V6_NET = "fd00:10::2/64", "fd00:10::1", "fd00:20::/64"


def ip(*args, check=True):
    r = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=scaled(30))
    if check and r.returncode != 0:
        raise AssertionError(f"ip {' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout


def ip_json(*args):
    return json.loads(ip("-j", *args) or "[]")


# What must be the same before CreateBridge and after DeleteBridge (or a refusal, or a
# rollback): every link's name, flags, master and MAC; every address (lifetimes aside); every
# route of both families (dst, gateway, dev, metric, protocol, scope, source).
def state():
    links = sorted((link["ifname"], tuple(sorted(link.get("flags", []))), link.get("master"),
                    link.get("address")) for link in ip_json("link"))
    addrs = []
    for link in ip_json("addr"):
        for a in link.get("addr_info", []):
            flags = tuple(sorted(k for k in ("nodad", "noprefixroute", "secondary", "deprecated", "dynamic",
                                             "tentative", "dadfailed") if a.get(k)))
            addrs.append((link["ifname"], a["family"], a["local"], a["prefixlen"], a.get("scope"),
                          a.get("broadcast"), a.get("label"), flags))
    routes = []
    for family in ("-4", "-6"):
        for r in ip_json(family, "route"):
            routes.append((family, r.get("dst"), r.get("gateway"), r.get("dev"), r.get("metric"),
                           r.get("protocol"), r.get("scope"), r.get("prefsrc"), tuple(r.get("flags", []))))
    return {"links": links, "addrs": sorted(addrs, key=repr), "routes": sorted(routes, key=repr)}


def assert_same(before, after, what):
    for key in before:
        if before[key] != after[key]:
            gone = [x for x in before[key] if x not in after[key]]
            new = [x for x in after[key] if x not in before[key]]
            raise AssertionError(f"{what}: the {key} differ; gone: {gone}; new: {new}")


def settled():
    """No address still doing DAD: the state can be compared."""
    return not any(a.get("tentative") for link in ip_json("addr") for a in link.get("addr_info", []))


class Bridges:
    def __init__(self):
        self.h = e2e.Helper()
        self.h.wait(lambda: self.h.prop(MANAGER_PATH, MANAGER_IFACE, "Connected"), 30,
                    "Manager.Connected == true")
        self.nm = []          # processes of the networkmanager case, ended by pid
        self.faulty = False   # the helper reads FAIL_FILE
        self.make_ports()

    # --- helpers ------------------------------------------------------------------------
    def make_ports(self, nodad=True):
        ip("link", "del", "vtest0", check=False)
        ip("link", "add", "vtest0", "type", "veth", "peer", "name", "vtest1")
        ip("link", "set", "vtest1", "up")
        ip("link", "set", "vtest0", "up")
        ip("addr", "add", V4, "dev", "vtest0")
        ip("addr", "add", V6, "dev", "vtest0", *(["nodad"] if nodad else []))
        ip("route", "add", V4_NET, "via", V4_PEER, "dev", "vtest0", "metric", "50")
        ip("-6", "route", "add", V6_NET, "via", V6_PEER, "dev", "vtest0", "metric", "60")
        e2e.poll(settled, 10, "the addresses past DAD")

    def create(self, name, ports, options=None):
        return self.h.call(MANAGER_PATH, MANAGER_IFACE, "CreateBridge", (name, ports, options or {}),
                           "(sasa{sv})", timeout=60)

    def delete(self, name):
        return self.h.call(MANAGER_PATH, MANAGER_IFACE, "DeleteBridge", (name, {}), "(sa{sv})", timeout=60)

    def interfaces(self):
        (ifaces,) = self.h.call(MANAGER_PATH, MANAGER_IFACE, "ListHostInterfaces", ({},), "(a{sv})")
        return {name: {"kind": kind, "up": up, "carrier": carrier, **details}
                for name, kind, up, carrier, details in ifaces}

    def vireoctl(self, *args, check=True):
        r = subprocess.run([VIREOCTL, "--no-user-interaction", *args], capture_output=True, text=True,
                           timeout=scaled(120), env=dict(os.environ, LC_ALL="C.UTF-8"))
        log(f"vireoctl {' '.join(args)} -> {r.returncode}\n{r.stdout}{r.stderr}")
        if check and r.returncode != 0:
            raise AssertionError(f"vireoctl {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
        return r

    def restart_helper(self, env=None):
        pid = int(os.environ["VIREO_HYPERVISOR_PID"])
        os.kill(pid, signal.SIGTERM)
        e2e.poll(lambda: not self.h.name_owner(), 30, "the helper gone")
        log_dir = os.environ.get("VIREO_SANDBOX_LOG_DIR") or WORK
        helper = subprocess.Popen([os.environ["VIREO_HYPERVISOR"], "--system",
                                   "--accel=" + os.environ.get("VIREO_SANDBOX_ACCEL", "tcg"),
                                   "--state-dir=" + STATE_DIR],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=open(os.path.join(log_dir, "vireo-hypervisor.log"), "a"),
                                  env=dict(os.environ, **(env or {})))
        os.environ["VIREO_HYPERVISOR_PID"] = str(helper.pid)
        e2e.poll(lambda: self.h.name_owner(), 30, "the helper on the bus again")
        self.h = e2e.Helper()
        self.h.wait(lambda: self.h.prop(MANAGER_PATH, MANAGER_IFACE, "Connected"), 30,
                    "Manager.Connected == true")

    def assert_bridged(self, bridge, port):
        addrs = {(a["family"], f"{a['local']}/{a['prefixlen']}")
                 for link in ip_json("addr", "show", "dev", bridge) for a in link["addr_info"]}
        assert {("inet", V4), ("inet6", V6)} <= addrs, f"{bridge}'s addresses: {addrs}"
        port_addrs = [a for link in ip_json("addr", "show", "dev", port) for a in link["addr_info"]
                      if a.get("scope") != "link"]
        assert port_addrs == [], f"{port} kept {port_addrs}"
        (link,) = ip_json("link", "show", "dev", port)
        assert link.get("master") == bridge, link
        routes = ip_json("route", "show", V4_NET)
        assert [(r.get("gateway"), r.get("dev")) for r in routes] == [(V4_PEER, bridge)], routes
        routes6 = ip_json("-6", "route", "show", V6_NET)
        assert [(r.get("gateway"), r.get("dev")) for r in routes6] == [(V6_PEER, bridge)], routes6
        (br,) = ip_json("link", "show", "dev", bridge)
        assert "UP" in br["flags"], br
        assert br["address"] == link["address"], f"{bridge} has {br['address']}, {port} {link['address']}"

    # --- cases --------------------------------------------------------------------------
    def test_netlink(self):
        """A veth with IPv4 and IPv6 addresses and routes bridged through netlink, listed,
        and put back exactly by DeleteBridge."""
        before = state()
        ifaces = self.interfaces()
        assert "lo" not in ifaces, ifaces.keys()
        v = ifaces["vtest0"]
        assert v["kind"] == "virtual" and v["bridgeable"] and "why-not" not in v, v
        assert V4 in v["addresses"] and V6 in v["addresses"], v
        assert "networkmanager" not in v, v

        t0 = time.monotonic()
        self.create("vbr0", ["vtest0"])
        log(f"CreateBridge took {time.monotonic() - t0:.2f} s")
        self.assert_bridged("vbr0", "vtest0")
        assert os.path.exists(os.path.join(STATE_DIR, "bridges", "vbr0.json"))
        ifaces = self.interfaces()
        br = ifaces["vbr0"]
        assert br["kind"] == "bridge" and br["vireo-bridge"] and br["ports"] == ["vtest0"], br
        assert not br["bridgeable"], br
        assert V4 in br["addresses"] and V6 in br["addresses"], br
        assert ifaces["vtest0"]["master"] == "vbr0" and not ifaces["vtest0"]["bridgeable"], ifaces["vtest0"]
        assert ifaces["vtest0"]["addresses"] == [], ifaces["vtest0"]

        # vireoctl sees it too.
        out = json.loads(self.vireoctl("--json", "bridge", "list").stdout)
        assert [(b["name"], b["ports"], b["vireo"]) for b in out] == [("vbr0", ["vtest0"], True)], out
        out = json.loads(self.vireoctl("--json", "host", "interfaces").stdout)
        assert {i["name"]: i["kind"] for i in out}.get("vbr0") == "bridge", out

        # Made already: refused, nothing changed.
        bridged = state()
        e2e.expect_error("Exists", self.create, "vbr0", ["vtest1"])
        e2e.expect_error("InvalidArgument", self.create, "vbr1", ["vtest0"])   # already a port
        e2e.expect_error("InvalidArgument", self.create, "vbr1", ["vbr0"])     # a bridge
        assert_same(bridged, state(), "after refusals")

        t0 = time.monotonic()
        self.delete("vbr0")
        log(f"DeleteBridge took {time.monotonic() - t0:.2f} s")
        e2e.poll(settled, 10, "the addresses past DAD")
        assert_same(before, state(), "after DeleteBridge")
        assert not os.path.exists(os.path.join(STATE_DIR, "bridges", "vbr0.json"))
        e2e.expect_error("NotFound", self.delete, "vbr0")

    def test_vireoctl(self):
        """vireoctl bridge create and delete, text output."""
        before = state()
        r = self.vireoctl("bridge", "create", "vbr2", "vtest0")
        assert "vbr2" in r.stdout, r.stdout
        r = self.vireoctl("bridge", "list")
        assert "vbr2" in r.stdout and "vtest0" in r.stdout and V4 in r.stdout, r.stdout
        r = self.vireoctl("host", "interfaces")
        assert "vbr2" in r.stdout and "bridge" in r.stdout, r.stdout
        r = self.vireoctl("bridge", "create", "vbr3", "vtest0", check=False)
        assert r.returncode == 1 and "already a port of vbr2" in r.stderr, r.stderr
        self.vireoctl("bridge", "delete", "vbr2")
        e2e.poll(settled, 10, "the addresses past DAD")
        assert_same(before, state(), "after vireoctl bridge delete")

    def test_refusals(self):
        """Every refusal changes nothing: bad names, missing interfaces, lo, a name in use, a
        bridge, a port of another bridge, a libvirt network's bridge, a bridge Vireo did not
        make, options."""
        ip("link", "add", "mbr0", "type", "bridge")
        ip("link", "add", "vtest2", "type", "veth", "peer", "name", "vtest3")
        ip("link", "set", "vtest2", "master", "mbr0")
        (net_path,) = self.h.call(MANAGER_PATH, MANAGER_IFACE, "CreateNetwork", ({
            "name": e2e.GLib.Variant("s", "brtest"), "mode": e2e.GLib.Variant("s", "isolated"),
            "ipv4": e2e.GLib.Variant("s", "198.18.50.1/24")},), "(a{sv})")
        try:
            self.h.wait(lambda: self.h.prop(net_path, NETWORK_IFACE, "Bridge"), 30, "the network's bridge")
            virbr = self.h.prop(net_path, NETWORK_IFACE, "Bridge")
            ifaces = self.interfaces()
            assert ifaces[virbr].get("libvirt-network") == "brtest" and not ifaces[virbr]["bridgeable"], ifaces[virbr]
            assert not ifaces["mbr0"]["vireo-bridge"], ifaces["mbr0"]
            # A new bridge without ports loses its carrier by itself a moment later.
            e2e.poll(lambda: "NO-CARRIER" in ip_json("link", "show", "dev", virbr)[0]["flags"], 10,
                     f"{virbr} without carrier")
            before = state()
            G = e2e.GLib.Variant
            cases = [
                ("InvalidArgument", "bad name", ("bad/name", ["vtest0"])),
                ("InvalidArgument", "too long", ("a" * 16, ["vtest0"])),
                ("InvalidArgument", "empty", ("", ["vtest0"])),
                ("InvalidArgument", "no ports", ("vbr5", [])),
                ("InvalidArgument", "twice", ("vbr5", ["vtest0", "vtest0"])),
                ("NotFound", "missing", ("vbr5", ["nosuch0"])),
                ("InvalidArgument", "lo", ("vbr5", ["lo"])),
                ("Exists", "name in use", ("vtest1", ["vtest0"])),
                ("Exists", "lo's name", ("lo", ["vtest0"])),
                ("InvalidArgument", "a bridge", ("vbr5", ["mbr0"])),
                ("InvalidArgument", "a port", ("vbr5", ["vtest2"])),
                ("InvalidArgument", "libvirt's bridge", ("vbr5", [virbr])),
                ("InvalidArgument", "unknown option", ("vbr5", ["vtest0"], {"colour": G("s", "red")})),
                ("InvalidArgument", "stp type", ("vbr5", ["vtest0"], {"stp": G("s", "yes")})),
                ("InvalidArgument", "delay", ("vbr5", ["vtest0"], {"forward-delay": G("u", 99)})),
            ]
            for name, what, args in cases:
                e = e2e.expect_error(name, self.create, *args)
                log(f"{what}: {e.text}")
                assert e.text, what
            e = e2e.expect_error("InvalidArgument", self.delete, "mbr0")
            assert "did not make" in e.text, e.text
            e2e.expect_error("InvalidArgument", self.delete, virbr)
            e2e.expect_error("NotFound", self.delete, "nosuch0")
            e2e.expect_error("InvalidArgument", self.delete, "bad/name")
            assert_same(before, state(), "after refusals")
        finally:
            self.h.call(net_path, NETWORK_IFACE, "Stop", ({},), "(a{sv})")
            self.h.call(net_path, NETWORK_IFACE, "Delete", ({},), "(a{sv})")
            ip("link", "del", "vtest2", check=False)
            ip("link", "del", "mbr0", check=False)

    def test_unprivileged(self):
        """polkit (the real polkitd) refuses CreateBridge and DeleteBridge to a plain user;
        ListHostInterfaces is open to all."""
        uid, gid = int(os.environ["VIREO_TEST_UID"]), int(os.environ["VIREO_TEST_GID"])
        before = state()
        out = e2e.run_as(uid, gid, False, e2e.CLIENT, [
            {"path": MANAGER_PATH, "iface": MANAGER_IFACE, "method": "CreateBridge",
             "sig": "(sasa{sv})", "args": ["vbr6", ["vtest0"], {}]},
            {"path": MANAGER_PATH, "iface": MANAGER_IFACE, "method": "DeleteBridge",
             "sig": "(sa{sv})", "args": ["vbr6", {}]},
            {"path": MANAGER_PATH, "iface": MANAGER_IFACE, "method": "ListHostInterfaces",
             "sig": "(a{sv})", "args": [{}]},
        ])
        assert [o.get("error") for o in out[:2]] == [ERR + "NotAuthorized"] * 2, out
        assert out[2]["ok"] and "vtest0" in [i[0] for i in out[2]["result"][0]], out[2]
        assert_same(before, state(), "after polkit's refusals")

    def fail_at(self, step):
        """Makes the helper's next CreateBridge fail at step ("" for none)."""
        with open(FAIL_FILE, "w") as f:
            f.write(step)
        if not self.faulty:
            self.restart_helper({"VIREO_TEST_BRIDGE_FAIL_FILE": FAIL_FILE})
            self.faulty = True

    def test_rollback(self):
        """CreateBridge failing at each step puts everything back exactly, and keeps no record."""
        self.fail_at("")
        before = state()
        for step in ("after-create", "after-enslave", "after-addresses", "wait"):
            with open(FAIL_FILE, "w") as f:
                f.write(step)
            e = e2e.expect_error("Failed", self.create, "vbr0", ["vtest0"])
            assert step in e.text and "put back" in e.text, e.text
            e2e.poll(settled, 10, "the addresses past DAD")
            assert_same(before, state(), f"after a failure {step}")
            assert not os.path.exists(os.path.join(STATE_DIR, "bridges", "vbr0.json")), step
        with open(FAIL_FILE, "w") as f:
            f.write("")

    # --- NetworkManager -------------------------------------------------------------------
    def start_nm(self):
        nm = shutil.which("NetworkManager") or "/usr/sbin/NetworkManager"
        udevd = shutil.which("systemd-udevd") or "/lib/systemd/systemd-udevd"
        if not os.path.exists(nm) or not os.path.exists(udevd):
            raise vireotest.Skip("NetworkManager or systemd-udevd is not installed")
        root = os.path.join(WORK, "nm")
        for d in ("etc", "etc/conf.d", "etc/system-connections", "etc/dispatcher.d", "var", "run"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        os.chmod(os.path.join(root, "etc/system-connections"), 0o700)
        # In conf.d: read after the distribution's /usr/lib/NetworkManager/conf.d, so it wins.
        with open(os.path.join(root, "etc/conf.d/99-vireo-test.conf"), "w") as f:
            f.write("[main]\nplugins=keyfile\nno-auto-default=*\ndhcp=internal\ndns=none\n"
                    "[keyfile]\nunmanaged-devices=except:interface-name:vtest*;except:interface-name:vbr*\n"
                    "[logging]\nlevel=INFO\n")
        with open(os.path.join(root, "etc/NetworkManager.conf"), "w") as f:
            f.write("")
        log_dir = os.environ.get("VIREO_SANDBOX_LOG_DIR") or WORK
        # udevd: NetworkManager manages only devices udev has seen (initialized).
        os.makedirs("/run/udev", exist_ok=True)
        udev = subprocess.Popen([udevd], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=open(os.path.join(log_dir, "udevd.log"), "w"))
        self.nm.append(udev)
        e2e.poll(lambda: os.path.exists("/run/udev/control"), 20, "udevd's control socket")
        subprocess.run(["udevadm", "trigger", "--subsystem-match=net", "--action=add"], check=True)
        subprocess.run(["udevadm", "settle", "-t", "20"], check=False)
        for d in ("/etc/NetworkManager", "/var/lib/NetworkManager"):
            os.makedirs(d, exist_ok=True)
        subprocess.run(["mount", "--bind", os.path.join(root, "etc"), "/etc/NetworkManager"], check=True)
        subprocess.run(["mount", "--bind", os.path.join(root, "var"), "/var/lib/NetworkManager"], check=True)
        proc = subprocess.Popen([nm, "--no-daemon"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=open(os.path.join(log_dir, "NetworkManager.log"), "w"))
        self.nm.append(proc)
        e2e.poll(lambda: subprocess.run(["nmcli", "-t", "general", "status"], capture_output=True).returncode == 0,
                 30, "NetworkManager on the bus")

    def stop_nm(self):
        for p in reversed(self.nm):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(scaled(15))
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.nm = []
        for d in ("/etc/NetworkManager", "/var/lib/NetworkManager"):
            subprocess.run(["umount", d], check=False, capture_output=True)

    def nmcli(self, *args, check=True):
        r = subprocess.run(["nmcli", *args], capture_output=True, text=True, timeout=scaled(60))
        log(f"nmcli {' '.join(args)} -> {r.returncode}\n{r.stdout}{r.stderr}")
        if check and r.returncode != 0:
            raise AssertionError(f"nmcli {' '.join(args)} failed: {r.stderr.strip()}")
        return r.stdout

    def test_networkmanager(self):
        """A port NetworkManager manages: CreateBridge adds a bridge and a bridge-slave
        connection, the port's own connection is kept inactive; DeleteBridge deletes them and
        brings the port's connection back, with its addresses."""
        ip("link", "del", "vtest0", check=False)
        ip("route", "flush", V4_NET, check=False)
        ip("link", "add", "vtest0", "type", "veth", "peer", "name", "vtest1")
        ip("link", "set", "vtest1", "up")
        self.start_nm()
        try:
            e2e.poll(lambda: "vtest0" in self.nmcli("-t", "-f", "DEVICE", "device", "status"), 30,
                     "NetworkManager sees vtest0")
            self.nmcli("device", "set", "vtest0", "managed", "yes")
            self.nmcli("connection", "add", "type", "ethernet", "ifname", "vtest0", "con-name", "vtest0-own",
                       "ipv4.method", "manual", "ipv4.addresses", V4, "ipv4.routes", f"{V4_NET} {V4_PEER} 50",
                       "ipv6.method", "manual", "ipv6.addresses", V6, "autoconnect", "no")
            self.nmcli("connection", "up", "vtest0-own")
            e2e.poll(lambda: V4 in self.interfaces()["vtest0"]["addresses"], 30, "vtest0's address")
            v = self.interfaces()["vtest0"]
            assert v.get("networkmanager") is True, v
            own_before = self.nmcli("-t", "-f", "NAME,UUID", "connection", "show")

            # A failure once NetworkManager activated the connections: they are deleted, the
            # port's own is active again with its addresses.
            self.fail_at("wait")
            e = e2e.expect_error("Failed", self.create, "vbr0", ["vtest0"])
            assert "put back" in e.text, e.text
            self.fail_at("")
            e2e.poll(lambda: "vtest0-own" in self.nmcli("-t", "-f", "NAME", "connection", "show",
                                                        "--active").split(), 30, "vtest0-own active again")
            e2e.poll(lambda: V4 in self.interfaces()["vtest0"]["addresses"], 30, "vtest0's address back")
            assert self.nmcli("-t", "-f", "NAME,UUID", "connection", "show") == own_before
            assert not os.path.exists(os.path.join(STATE_DIR, "bridges", "vbr0.json"))
            e2e.poll(lambda: "vbr0" not in self.interfaces(), 30, "vbr0 gone")

            self.create("vbr0", ["vtest0"])
            ifaces = self.interfaces()
            br = ifaces["vbr0"]
            assert V4 in br["addresses"] and V6 in br["addresses"], br
            assert br["ports"] == ["vtest0"] and br["vireo-bridge"], br
            names = self.nmcli("-t", "-f", "NAME,TYPE", "connection", "show")
            assert "vbr0:bridge" in names and "vbr0-port-vtest0:" in names, names
            active = self.nmcli("-t", "-f", "NAME", "connection", "show", "--active")
            assert "vtest0-own" not in active.split(), active
            assert "vtest0-own" in names, names
            with open(os.path.join(STATE_DIR, "bridges", "vbr0.json")) as f:
                assert json.load(f)["method"] == "networkmanager"

            self.delete("vbr0")
            e2e.poll(lambda: "vtest0-own" in self.nmcli("-t", "-f", "NAME", "connection", "show",
                                                        "--active").split(), 30, "vtest0-own active again")
            e2e.poll(lambda: V4 in self.interfaces()["vtest0"]["addresses"]
                     and V6 in self.interfaces()["vtest0"]["addresses"], 30, "vtest0's addresses back")
            e2e.poll(lambda: "vbr0" not in self.interfaces(), 30, "vbr0 gone")
            assert self.nmcli("-t", "-f", "NAME,UUID", "connection", "show") == own_before
        finally:
            if os.path.exists(os.path.join(STATE_DIR, "bridges", "vbr0.json")):
                try:
                    self.delete("vbr0")
                except e2e.DBusFailure as e:
                    log(f"DeleteBridge vbr0: {e}")
            self.nmcli("connection", "delete", "vtest0-own", check=False)
            self.stop_nm()
            ip("link", "del", "vbr0", check=False)
            self.make_ports()

    def teardown(self):
        self.stop_nm()
        for name in ("vbr0", "vbr2", "vbr5", "vbr6"):
            if os.path.exists(os.path.join(STATE_DIR, "bridges", f"{name}.json")):
                try:
                    self.delete(name)
                except e2e.DBusFailure as e:
                    log(f"DeleteBridge {name}: {e}")
        ip("link", "del", "vtest0", check=False)


CASES = [
    ("netlink", "test_netlink", []),
    ("vireoctl", "test_vireoctl", []),
    ("refusals", "test_refusals", []),
    ("unprivileged", "test_unprivileged", []),
    ("rollback", "test_rollback", []),
    ("networkmanager", "test_networkmanager", []),
]

suite = vireotest.Suite("e2e-bridge")
for _name, _method, _needs in CASES:
    suite.add(_name, getattr(Bridges, _method), needs=_needs)
suite.on_failure.append(e2e.helper_log_tail)


def setup():
    if os.environ.get("VIREO_SANDBOX") != "1" or not WORK or not STATE_DIR:
        raise RuntimeError("test-bridge.py runs inside tests/sandbox/sandbox.sh (with VIREO_HYPERVISOR set)")
    return Bridges()


if __name__ == "__main__":
    sys.exit(suite.main(sys.argv[1:], setup=setup, cleanup=Bridges.teardown))
