#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of "Download an operating system" (issue 9): Manager.DownloadMedia, its Job,
CreateMachine's "iso-volume", and vireoctl's catalogue, download and create --iso-volume.

Run inside the hermetic sandbox, with the helper started by it:

    VIREO_HYPERVISOR=build/hypervisor/vireo-hypervisor VIREO_BUILD_DIR=build \\
        tests/sandbox/run-e2e.sh tests/sandbox/test-download.py [-v] [CASE...]

A loopback HTTP server of this test (in a thread, on the sandbox's own 127.0.0.1) serves a
fixture file made at test time, with Range and ETag, slowly when asked, or dropping the
connection part way. Nothing is fetched from anywhere else: the test catalogue
(tests/fixtures/osinfo, copied with this server's port) lists 127.0.0.1 only. Speaks TAP
(tests/vireotest.py).
"""

import hashlib
import http.server
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import gi

gi.require_version("Gio", "2.0")
gi.require_version("GLib", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import vireotest  # noqa: E402
from vireotest import log, scaled  # noqa: E402

# The helpers of the main e2e suite (its Helper mirror of the bus, virsh, expect_error...).
_spec = importlib.util.spec_from_file_location("vireo_e2e", os.path.join(HERE, "test-e2e.py"))
e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(e2e)

BUS_NAME, MANAGER_PATH, MANAGER_IFACE = e2e.BUS_NAME, e2e.MANAGER_PATH, e2e.MANAGER_IFACE
JOB_IFACE = "org.vireo.Hypervisor1.Job"
MACHINE_IFACE = e2e.MACHINE_IFACE
ERR = e2e.ERR
IMAGES_DIR = e2e.IMAGES_DIR
WORK = os.environ.get("VIREO_SANDBOX_WORK", "")
BUILD = os.environ.get("VIREO_BUILD_DIR", os.path.join(HERE, "..", "..", "build"))
VIREOCTL = os.path.join(BUILD, "app", "vireoctl")
FIXTURE_CATALOGUE = os.path.join(HERE, "..", "fixtures", "osinfo")
SIZE = 6 * 1024 * 1024 + 12345          # not a multiple of any chunk size
PREFIX = "dl-e2e-"


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, files):
        super().__init__(("127.0.0.1", 0), Handler)
        self.files = files               # path -> bytes
        self.requests = []               # (path, Range header or None)
        self.delay = 0.0                 # seconds between chunks
        self.drop_after = None           # bytes of body sent before the connection is cut
        self.lock = threading.Lock()

    @property
    def port(self):
        return self.server_address[1]

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    CHUNK = 64 * 1024

    def log_message(self, fmt, *args):
        log("http: " + fmt % args)

    def do_GET(self):
        srv = self.server
        rng = self.headers.get("Range")
        with srv.lock:
            srv.requests.append((self.path, rng))
            delay, drop_after = srv.delay, srv.drop_after
        if self.path == "/huge.iso":
            # Announces a size no disk of the sandbox has, and sends nothing of it.
            self.send_response(200)
            self.send_header("Content-Length", str(1 << 50))
            self.end_headers()
            self.close_connection = True
            return
        data = srv.files.get(self.path)
        if data is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        start = 0
        m = re.fullmatch(r"bytes=(\d+)-", rng or "")
        if_range = self.headers.get("If-Range")
        if m and (if_range is None or if_range == etag):
            start = int(m.group(1))
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data) - start))
        self.send_header("ETag", etag)
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        sent = 0
        try:
            for off in range(start, len(data), self.CHUNK):
                chunk = data[off:off + self.CHUNK]
                if drop_after is not None and sent + len(chunk) > drop_after:
                    self.wfile.write(chunk[:drop_after - sent])
                    self.wfile.flush()
                    log(f"http: dropping the connection after {drop_after} bytes")
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.wfile.write(chunk)
                sent += len(chunk)
                if delay:
                    time.sleep(delay)
        except (BrokenPipeError, ConnectionResetError):
            log("http: the client went away")


def copy_catalogue(dst, port):
    """The test catalogue in dst, its addresses on a server's port."""
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(FIXTURE_CATALOGUE, dst)
    for root, _, files in os.walk(dst):
        for f in files:
            p = os.path.join(root, f)
            with open(p) as fh:
                text = fh.read()
            with open(p, "w") as fh:
                fh.write(text.replace("127.0.0.1:8080", f"127.0.0.1:{port}"))
    os.chmod(dst, 0o755)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def pool_files():
    return set(os.listdir(IMAGES_DIR)) if os.path.isdir(IMAGES_DIR) else set()


class Download:
    def __init__(self):
        self.h = e2e.Helper()
        self.h.wait(lambda: self.h.prop(MANAGER_PATH, MANAGER_IFACE, "Connected"), 30,
                    "Manager.Connected == true")
        self.data = os.urandom(SIZE)
        self.other = os.urandom(1024 * 1024)
        self.server = Server({"/fixture.iso": self.data, "/other.iso": self.other,
                              "/vireotest-2-amd64.iso": self.data,
                              "/debian-11-amd64-netinst.iso": self.other})
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.catalogue = os.path.join(WORK, "osinfo")
        copy_catalogue(self.catalogue, self.server.port)
        self.initial_names = e2e.virsh_names()
        self.initial_files = pool_files()

    # --- helpers ------------------------------------------------------------------------
    def start_download(self, options):
        """Calls DownloadMedia without waiting; returns a dict that gets "path" or "error"."""
        out = {}
        params = GLib.Variant("(a{sv})", ({k: GLib.Variant("s", v) for k, v in options.items()},))

        def done(conn, res):
            try:
                (out["path"],) = conn.call_finish(res).unpack()
            except GLib.Error as e:
                out["error"] = e2e.to_dbus_failure(e)
        self.h.conn.call(BUS_NAME, MANAGER_PATH, MANAGER_IFACE, "DownloadMedia", params,
                         GLib.VariantType("(s)"), Gio.DBusCallFlags.NONE,
                         int(scaled(300) * 1000), None, done)
        return out

    def finish(self, out, timeout=120):
        self.h.wait(lambda: out, timeout, "DownloadMedia's answer")
        return out

    def download(self, options, timeout=120):
        out = self.finish(self.start_download(options), timeout)
        if "error" in out:
            raise out["error"]
        return out["path"]

    def job_for(self, name):
        for path, ifaces in self.h.objects.items():
            job = ifaces.get(JOB_IFACE)
            if job is not None and job.get("Target") == name:
                return path, job
        return None

    def vireoctl(self, *args, check=True, catalogue=True):
        env = dict(os.environ, LC_ALL="C.UTF-8")
        if catalogue:
            env.update(OSINFO_SYSTEM_DIR=self.catalogue, OSINFO_LOCAL_DIR="/nonexistent",
                       OSINFO_USER_DIR="/nonexistent")
        r = subprocess.run([VIREOCTL, "--no-user-interaction", *args], capture_output=True,
                           text=True, timeout=scaled(120), env=env)
        log(f"vireoctl {' '.join(args)} -> {r.returncode}\n{r.stdout}{r.stderr}")
        if check and r.returncode != 0:
            raise AssertionError(f"vireoctl {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
        return r

    def assert_file(self, name, data):
        path = os.path.join(IMAGES_DIR, name)
        with open(path, "rb") as f:
            got = f.read()
        assert got == data, f"{path}: {len(got)} bytes, sha256 {sha256(got)}; expected " \
                            f"{len(data)} bytes, {sha256(data)}"

    def assert_no_partial(self, name):
        left = [f for f in pool_files() if name in f]
        assert not left, f"left in {IMAGES_DIR}: {left}"

    # --- cases --------------------------------------------------------------------------
    def test_progress(self):
        """A download runs as a Job whose Progress rises to 1; the file is the server's, byte
        for byte, and a volume of the default pool."""
        name = PREFIX + "progress.iso"
        self.server.delay = 0.02
        try:
            out = self.start_download({"url": self.server.url("/fixture.iso"), "name": name})
            self.h.wait(lambda: self.job_for(name) or out, 30, "the download's Job")
            assert "error" not in out, out.get("error")
            path, job = self.job_for(name)
            assert job["Operation"] == "download-medium", job
            seen = set()

            def progressing():
                j = self.job_for(name)
                if j is not None and 0 < j[1].get("Progress", -1) < 1:
                    seen.add(round(j[1]["Progress"], 3))
                return out
            self.h.wait(progressing, 120, "the download to end")
        finally:
            self.server.delay = 0.0
        assert "path" in out, out.get("error")
        assert len(seen) >= 2, f"Progress did not rise between 0 and 1: {sorted(seen)}"
        assert out["path"] == os.path.join(IMAGES_DIR, name), out["path"]
        self.assert_file(name, self.data)
        self.h.settle()
        assert self.job_for(name) is None, "the Job is still on the bus"
        vols = e2e.virsh("vol-list", "default")
        assert name in vols, f"{name} is not a volume of the default pool:\n{vols}"
        self.assert_no_partial(name + ".part")
        self.progress_volume = name

    def test_cancel(self):
        """Cancel by the caller ends the call with Cancelled and removes the partial file."""
        name = PREFIX + "cancel.iso"
        self.server.delay = 0.05
        try:
            out = self.start_download({"url": self.server.url("/fixture.iso"), "name": name})
            self.h.wait(lambda: (self.job_for(name) and self.job_for(name)[1].get("Progress", -1) > 0)
                        or out, 60, "the download to make progress")
            assert "error" not in out and "path" not in out, out
            part = os.path.join(IMAGES_DIR, f".{name}.part")
            assert os.path.exists(part), f"no partial file {part} while it downloads"
            self.h.call(self.job_for(name)[0], JOB_IFACE, "Cancel")
            self.finish(out, 60)
        finally:
            self.server.delay = 0.0
        assert "error" in out, f"the cancelled download succeeded: {out}"
        assert out["error"].name == ERR + "Cancelled", out["error"]
        self.assert_no_partial(name)

    def test_resume(self):
        """A connection dropped part way leaves the partial file; the next call continues it
        with a Range request, and the result is byte-equal to the server's."""
        name = PREFIX + "resume.iso"
        cut = 2 * 1024 * 1024 + 1000
        self.server.drop_after = cut
        try:
            out = self.finish(self.start_download({"url": self.server.url("/fixture.iso"), "name": name}))
        finally:
            self.server.drop_after = None
        assert "error" in out, "the download succeeded though the connection dropped"
        assert out["error"].name == ERR + "Failed", out["error"]
        assert "continue" in out["error"].text, out["error"].text
        part = os.path.join(IMAGES_DIR, f".{name}.part")
        assert os.path.getsize(part) == cut, f"{part} has {os.path.getsize(part)} bytes, not {cut}"
        assert not os.path.exists(os.path.join(IMAGES_DIR, name))
        # libvirt lists every file of the pool's folder, the partial one too: it is never
        # taken as a medium.
        spec = e2e.spec(PREFIX + "half-made", disk_gib=0)
        spec["iso-volume"] = GLib.Variant("s", f".{name}.part")
        e2e.expect_error("InvalidArgument", self.h.create_machine, spec)
        del self.server.requests[:]
        self.download({"url": self.server.url("/fixture.iso"), "name": name})
        assert ("/fixture.iso", f"bytes={cut}-") in self.server.requests, \
            f"no Range request from {cut}: {self.server.requests}"
        self.assert_file(name, self.data)
        self.assert_no_partial(name + ".part")

    def test_resume_after_restart(self):
        """The helper killed during a download (SIGKILL: nothing of it runs after) leaves the
        partial file; a helper started again continues it."""
        name = PREFIX + "restart.iso"
        self.server.delay = 0.05
        try:
            out = self.start_download({"url": self.server.url("/fixture.iso"), "name": name})
            self.h.wait(lambda: (self.job_for(name) and self.job_for(name)[1].get("Progress", -1) > 0.05)
                        or out, 60, "the download to make progress")
            assert not out, out
            os.kill(int(os.environ["VIREO_HYPERVISOR_PID"]), signal.SIGKILL)
            self.finish(out, 30)
        finally:
            self.server.delay = 0.0
        assert "error" in out, out
        part = os.path.join(IMAGES_DIR, f".{name}.part")
        e2e.poll(lambda: os.path.exists(part), 10, "the partial file")
        size = os.path.getsize(part)
        assert 0 < size < SIZE, f"{part} has {size} bytes"
        log_dir = os.environ.get("VIREO_SANDBOX_LOG_DIR") or WORK
        helper = subprocess.Popen([os.environ["VIREO_HYPERVISOR"], "--system",
                                   "--accel=" + os.environ.get("VIREO_SANDBOX_ACCEL", "tcg")],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=open(os.path.join(log_dir, "vireo-hypervisor-restarted.log"), "w"))
        os.environ["VIREO_HYPERVISOR_PID"] = str(helper.pid)
        e2e.poll(lambda: self.h.name_owner(), 30, "the helper on the bus again")
        self.h = e2e.Helper()
        self.h.wait(lambda: self.h.prop(MANAGER_PATH, MANAGER_IFACE, "Connected"), 30,
                    "Manager.Connected == true")
        del self.server.requests[:]
        self.download({"url": self.server.url("/fixture.iso"), "name": name})
        assert ("/fixture.iso", f"bytes={size}-") in self.server.requests, \
            f"no Range request from {size}: {self.server.requests}"
        self.assert_file(name, self.data)
        self.assert_no_partial(name + ".part")

    def test_resume_other_address(self):
        """A partial file from another address is not continued: the download starts again."""
        name = PREFIX + "other.iso"
        self.server.drop_after = 300000
        try:
            out = self.finish(self.start_download({"url": self.server.url("/fixture.iso"), "name": name}))
        finally:
            self.server.drop_after = None
        assert "error" in out, out
        del self.server.requests[:]
        self.download({"url": self.server.url("/other.iso"), "name": name})
        assert self.server.requests == [("/other.iso", None)], self.server.requests
        self.assert_file(name, self.other)

    def test_checksum(self):
        """A wrong SHA-256 is reported and the file removed, never used; the right one passes."""
        name = PREFIX + "checksum.iso"
        wrong = sha256(b"not the medium")
        e = e2e.expect_error("Failed", self.download,
                             {"url": self.server.url("/other.iso"), "name": name, "sha256": wrong})
        assert "checksum" in e.text and wrong in e.text and sha256(self.other) in e.text, e.text
        self.assert_no_partial(name)
        assert name not in e2e.virsh("vol-list", "default")
        self.download({"url": self.server.url("/other.iso"), "name": name,
                       "sha256": sha256(self.other).upper()})
        self.assert_file(name, self.other)

    def test_refusals(self):
        """Other schemes, bad names and a name in use are refused with nothing written; an
        unknown address fails with the server's status."""
        before = pool_files()
        url = self.server.url("/other.iso")
        for bad_url in ("file:///etc/shadow", "ftp://127.0.0.1/x.iso", "/etc/shadow",
                        "http://user:secret@127.0.0.1/x.iso", "http:///x.iso"):
            e = e2e.expect_error("InvalidArgument", self.download, {"url": bad_url, "name": PREFIX + "x.iso"})
            log(e.text)
        for bad_name in ("../x.iso", "a/b.iso", "x.img", ".x.iso", "x", "", "x.iso.part",
                         "-x.iso", "a..b.iso"):
            e2e.expect_error("InvalidArgument", self.download, {"url": url, "name": bad_name})
        e2e.expect_error("InvalidArgument", self.download, {"url": url, "name": PREFIX + "x.iso", "sha256": "abc"})
        e2e.expect_error("InvalidArgument", self.download, {"url": url})
        e2e.expect_error("InvalidArgument", self.h.call, MANAGER_PATH, MANAGER_IFACE, "DownloadMedia",
                         ({"url": GLib.Variant("s", url), "name": GLib.Variant("s", PREFIX + "x.iso"),
                           "bogus": GLib.Variant("s", "1")},), "(a{sv})")
        e = e2e.expect_error("Failed", self.download, {"url": self.server.url("/missing.iso"), "name": PREFIX + "x.iso"})
        assert "404" in e.text, e.text
        # A size that does not fit: refused before anything is written, in words.
        e = e2e.expect_error("InvalidArgument", self.download, {"url": self.server.url("/huge.iso"), "name": PREFIX + "x.iso"})
        assert "1.0\u00a0PiB" in e.text and "free" in e.text, e.text
        log(e.text)
        # Nothing listens on port 9 of the sandbox's loopback: refused, nothing left.
        e = e2e.expect_error("Failed", self.download, {"url": "http://127.0.0.1:9/x.iso", "name": PREFIX + "x.iso"})
        log(e.text)
        assert pool_files() == before, f"written: {pool_files() - before}"
        # A name in use: nothing overwritten.
        existing = PREFIX + "exists.iso"
        with open(os.path.join(IMAGES_DIR, existing), "wb") as f:
            f.write(b"keep me")
        e2e.expect_error("Exists", self.download, {"url": url, "name": existing})
        with open(os.path.join(IMAGES_DIR, existing), "rb") as f:
            assert f.read() == b"keep me"
        assert pool_files() == before | {existing}, f"written: {pool_files() - before}"

    def test_refused_unprivileged(self):
        """polkit refuses DownloadMedia to a user who may not modify, before anything is fetched."""
        uid, gid = int(os.environ["VIREO_TEST_UID"]), int(os.environ["VIREO_TEST_GID"])
        del self.server.requests[:]
        before = pool_files()
        out = e2e.run_as(uid, gid, False, e2e.CLIENT, [{
            "path": MANAGER_PATH, "iface": MANAGER_IFACE, "method": "DownloadMedia",
            "options": {"url": self.server.url("/other.iso"), "name": PREFIX + "denied.iso"}}])
        assert not out[0]["ok"] and out[0]["error"] == ERR + "NotAuthorized", out
        assert self.server.requests == [], self.server.requests
        assert pool_files() == before

    def test_create_from_volume(self):
        """CreateMachine's "iso-volume" uses the downloaded medium in place: the CD-ROM is that
        file, read-only, and no copy is made; PreviewMachine names the same file."""
        vol = getattr(self, "progress_volume", None) or PREFIX + "progress.iso"
        path = os.path.join(IMAGES_DIR, vol)
        name = PREFIX + "from-volume"
        spec = e2e.spec(name, disk_gib=0)
        spec["iso-volume"] = GLib.Variant("s", vol)
        (xml,) = self.h.call(MANAGER_PATH, MANAGER_IFACE, "PreviewMachine", (spec,), "(a{sv})")
        assert f"<source file='{path}'/>" in xml or f'<source file="{path}"/>' in xml, xml
        before = pool_files()
        self.h.create_machine(spec)
        dom = e2e.virsh("dumpxml", name)
        assert re.search(r"<disk type='file' device='cdrom'>.*?<source file='%s'/>.*?<readonly/>"
                         % re.escape(path), dom, re.S), dom
        assert pool_files() == before, f"copied: {pool_files() - before}"
        # Missing, and together with "iso": refused.
        spec = e2e.spec(PREFIX + "no-volume", disk_gib=0)
        spec["iso-volume"] = GLib.Variant("s", PREFIX + "missing.iso")
        e2e.expect_error("NotFound", self.h.create_machine, spec)
        spec["iso"] = GLib.Variant("s", "/tmp/x.iso")
        e2e.expect_error("InvalidArgument", self.h.create_machine, spec)
        spec = e2e.spec(PREFIX + "bad-volume", disk_gib=0)
        spec["iso-volume"] = GLib.Variant("s", "../../etc/shadow")
        e2e.expect_error("InvalidArgument", self.h.create_machine, spec)

    def test_express_from_volume(self):
        """An express installation from a downloaded medium: the helper reads the volume (an
        ISO made here with Debian 11's netinst volume id and installer paths) and makes the
        install phase's kernel and initrd with the script; the CD-ROM is the volume itself."""
        root = os.path.join(WORK, "express-iso-root")
        iso = os.path.join(WORK, "express.iso")
        for rel, data in (("install.amd/vmlinuz", b"a kernel"), ("install.amd/initrd.gz", b"an initrd"),
                          ("boot/grub/grub.cfg", b"set timeout=-1\n")):
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "wb") as f:
                f.write(data)
        subprocess.run(["grub-mkrescue", "-o", iso, root, "--", "-volid", "Debian 11.5.0 amd64 n"],
                       check=True, capture_output=True, timeout=scaled(120))
        with open(iso, "rb") as f:
            self.server.files["/debian-express.iso"] = f.read()
        vol = PREFIX + "debian-express.iso"
        path = self.download({"url": self.server.url("/debian-express.iso"), "name": vol})
        name = PREFIX + "express"
        secret = "Sekr3t pass-phrase"
        spec = e2e.spec(name, memory_mib=256, disk_gib=1)
        spec["iso-volume"] = GLib.Variant("s", vol)
        spec["os-id"] = GLib.Variant("s", "http://debian.org/debian/11")
        spec["express"] = GLib.Variant("a{sv}", {k: GLib.Variant("s", v) for k, v in
                                                 (("user", "ann"), ("password", secret), ("hostname", "annbox"))})
        self.h.create_machine(spec)
        dom = e2e.virsh("dumpxml", "--inactive", name)
        assert f"<kernel>{IMAGES_DIR}/{name}-install-kernel</kernel>" in dom, dom
        assert f"<initrd>{IMAGES_DIR}/{name}-install-initrd</initrd>" in dom and "<cmdline>" in dom, dom
        assert f"<source file='{path}'/>" in dom, dom
        assert secret not in dom
        assert not os.path.exists(os.path.join(IMAGES_DIR, name + ".iso")), "the medium was copied"

    def test_vireoctl(self):
        """vireoctl catalogue lists the test catalogue; download --os fetches its medium and
        prints the path; create --iso-volume takes the system from the catalogue."""
        r = self.vireoctl("--json", "catalogue", "--search", "vireo test 2")
        media = json.loads(r.stdout)
        assert [m["url"] for m in media] == [self.server.url("/vireotest-2-amd64.iso"),
                                            self.server.url("/vireotest-2-live-amd64.iso")], media
        r = self.vireoctl("catalogue")
        assert r.stdout.splitlines()[0] == "Another Vendor", r.stdout
        assert "  vireotest2\tVireo Test OS 2\t" + self.server.url("/vireotest-2-amd64.iso") in r.stdout, r.stdout

        r = self.vireoctl("--json", "download", "--os", "vireotest2")
        out = json.loads(r.stdout)
        assert out["path"] == os.path.join(IMAGES_DIR, "vireotest-2-amd64.iso"), out
        self.assert_file("vireotest-2-amd64.iso", self.data)
        r = self.vireoctl("download", "--os", "vireotest2", check=False)
        assert r.returncode == 1 and "already exists" in r.stderr, r.stderr
        r = self.vireoctl("download", "--url", "file:///etc/shadow", "--name", PREFIX + "x.iso", check=False)
        assert r.returncode == 1 and "http://" in r.stderr, r.stderr
        r = self.vireoctl("download", "--os", "vireotest2", "--url", "http://127.0.0.1/x.iso", check=False)
        assert r.returncode == 2, r.returncode
        r = self.vireoctl("download", "--url", self.server.url("/other.iso"), "--name", PREFIX + "ctl.iso",
                          "--sha256", sha256(b"wrong"), check=False)
        assert r.returncode == 1 and "checksum" in r.stderr, r.stderr
        self.assert_no_partial(PREFIX + "ctl.iso")

        # The test catalogue's Debian 11 (a real id, which the helper's database knows): the
        # system comes from the catalogue medium of the volume's name.
        vol = "debian-11-amd64-netinst.iso"
        self.vireoctl("download", "--os", "debian11")
        # On a terminal, the job's progress on one line that it rewrites, cleared at the end.
        self.server.delay = 0.02
        master, slave = os.openpty()
        try:
            proc = subprocess.Popen([VIREOCTL, "--no-user-interaction", "download", "--url",
                                     self.server.url("/fixture.iso"), "--name", PREFIX + "tty.iso"],
                                    stdout=subprocess.PIPE, stderr=slave, text=True,
                                    env=dict(os.environ, LC_ALL="C.UTF-8"))
            os.close(slave)
            shown = b""
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                shown += chunk
            out, _ = proc.communicate(timeout=scaled(60))
        finally:
            os.close(master)
            self.server.delay = 0.0
        text = shown.decode(errors="replace")
        assert proc.returncode == 0 and out.strip() == os.path.join(IMAGES_DIR, PREFIX + "tty.iso"), (proc.returncode, out)
        assert re.search(r"\rDownloading the installation medium… \d+%", text), repr(text)
        assert text.endswith("\r"), f"the progress line was not cleared: {text[-80:]!r}"

        # Ctrl+C cancels: the helper removes the partial file, vireoctl says so.
        self.server.delay = 0.05
        try:
            env = dict(os.environ, LC_ALL="C.UTF-8")
            proc = subprocess.Popen([VIREOCTL, "--no-user-interaction", "download", "--url",
                                     self.server.url("/fixture.iso"), "--name", PREFIX + "ctrl-c.iso"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            part = os.path.join(IMAGES_DIR, f".{PREFIX}ctrl-c.iso.part")
            e2e.poll(lambda: os.path.exists(part) and os.path.getsize(part) > 0, 30, "the partial file")
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=scaled(30))
        finally:
            self.server.delay = 0.0
        assert proc.returncode == 1 and "cancelled" in err, (proc.returncode, err)
        self.assert_no_partial(PREFIX + "ctrl-c.iso")

        name = PREFIX + "ctl-machine"
        self.vireoctl("create", "--iso-volume", vol, "--name", name,
                      "--disk-size", "0", "--memory", "128", "--no-start", "--network", "none")
        dom = e2e.virsh("dumpxml", name)
        assert "<source file='%s'/>" % os.path.join(IMAGES_DIR, vol) in dom, dom
        assert re.search(r"<libosinfo:os id=.http://debian.org/debian/11./>", dom), dom
        r = self.vireoctl("create", "--iso-volume", "../x.iso", "--name", PREFIX + "bad", check=False)
        assert r.returncode == 1 and "cannot name" in r.stderr, r.stderr

    def teardown(self):
        for name in e2e.virsh_names() - self.initial_names:
            e2e.virsh("destroy", name, check=False)
            e2e.virsh("undefine", "--nvram", name, check=False)
        for f in pool_files() - self.initial_files:
            p = os.path.join(IMAGES_DIR, f)
            if os.path.exists(p):
                os.unlink(p)
        e2e.virsh("pool-refresh", "default", check=False)
        self.server.shutdown()


CASES = [
    ("progress", "test_progress", []),
    ("cancel", "test_cancel", []),
    ("resume", "test_resume", []),
    ("resume-after-restart", "test_resume_after_restart", []),
    ("resume-other-address", "test_resume_other_address", []),
    ("checksum", "test_checksum", []),
    ("refusals", "test_refusals", []),
    ("refused-unprivileged", "test_refused_unprivileged", []),
    ("create-from-volume", "test_create_from_volume", ["progress"]),
    ("express-from-volume", "test_express_from_volume", []),
    ("vireoctl", "test_vireoctl", []),
]

suite = vireotest.Suite("e2e-download")
for _name, _method, _needs in CASES:
    suite.add(_name, getattr(Download, _method), needs=_needs)
suite.on_failure.append(e2e.helper_log_tail)


def setup():
    if os.environ.get("VIREO_SANDBOX") != "1" or not WORK:
        raise RuntimeError("test-download.py runs inside tests/sandbox/sandbox.sh (with VIREO_HYPERVISOR set)")
    return Download()


if __name__ == "__main__":
    sys.exit(suite.main(sys.argv[1:], setup=setup, cleanup=Download.teardown))
