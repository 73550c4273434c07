#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Screen probe and summary for bench-console.sh; Python's standard library and libX11 (ctypes).

  bench-console-probe.py first-frame --gate=FIFO [--timeout=S] [--interval=S] [--settle=S]
                                      [--min-pixels=N] [--screenshot=FILE]
      Display: $DISPLAY. The shell has already forked `( read <FIFO; exec VIEWER ) &`. The probe
      connects to the X server, takes t0 and writes one line into FIFO (the exec happens), then
      reads the whole root window (XGetImage, ZPixmap) every INTERVAL s (default 0.02) and counts
      the pixels of the guest's background colour, VGA blue (0x0000A8 on 24-bit TrueColor: bytes
      A8 00 00 in the image). The benchmark's guest paints its whole 720x400 text screen in that
      colour, so the count is the on-screen area of the guest's picture, whatever the viewer's
      scale. The probe stops once the count has been at least MIN-PIXELS (default 20000) and
      unchanged within 2% for SETTLE s (default 0.6); the final count F is that last value.
      First frame = the time of the first poll whose count was >= 90% of F. With --settle=0
      (for a guest that scrolls, whose blue area keeps changing), the first poll with at least
      MIN-PIXELS blue pixels is the first frame, and F is its count. Prints
      "frame SECONDS POLLS FINAL_PIXELS WIDTHxHEIGHT", the last being the bounding box of the
      blue pixels in the final image (the guest's picture as shown).

  bench-console-probe.py count [--screenshot=FILE]
      One poll: prints "blue PIXELS WIDTHxHEIGHT" (the same count and bounding box).

  bench-console-probe.py frames --seconds=S
      Counts the frames drawn on the screen over S seconds: a DAMAGE object on the root window
      (XDamageReportNonEmpty, which covers every window under it) is emptied at each event; an
      event more than 4 ms after the one before starts a new frame (a viewer's frame can take
      a few drawing requests). Prints "frames N SECONDS".

  bench-console-probe.py summary RESULTS.tsv
      Medians, ratios and each run's figures; ends with one line per protocol.

The pixel test is the same for both viewers: nothing from either viewer is asked; only what the
X server holds in the root window is read.
"""

import argparse
import ctypes
import ctypes.util
import os
import select
import statistics
import sys
import time

BLUE = b"\xa8\x00\x00"  # B, G, R of 0x0000A8 in a 32-bit ZPixmap (LSBFirst)
ZPIXMAP = 2
ALL_PLANES = 0xFFFFFFFF


class XImage(ctypes.Structure):
    # The head of Xlib's XImage; the function table after it is not needed.
    _fields_ = [
        ("width", ctypes.c_int), ("height", ctypes.c_int), ("xoffset", ctypes.c_int),
        ("format", ctypes.c_int), ("data", ctypes.c_void_p), ("byte_order", ctypes.c_int),
        ("bitmap_unit", ctypes.c_int), ("bitmap_bit_order", ctypes.c_int),
        ("bitmap_pad", ctypes.c_int), ("depth", ctypes.c_int), ("bytes_per_line", ctypes.c_int),
        ("bits_per_pixel", ctypes.c_int),
    ]


class Screen:
    def __init__(self):
        x = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XDisplayWidth.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XDisplayHeight.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XGetImage.restype = ctypes.POINTER(XImage)
        x.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                                ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
        x.XFree.argtypes = [ctypes.c_void_p]
        self.x = x
        self.dpy = x.XOpenDisplay(None)
        if not self.dpy:
            sys.exit("bench-console-probe: cannot open display %s" % os.environ.get("DISPLAY"))
        self.root = x.XDefaultRootWindow(self.dpy)
        self.w = x.XDisplayWidth(self.dpy, 0)
        self.h = x.XDisplayHeight(self.dpy, 0)

    def grab(self):
        img = self.x.XGetImage(self.dpy, self.root, 0, 0, self.w, self.h, ALL_PLANES, ZPIXMAP)
        if not img:
            sys.exit("bench-console-probe: XGetImage failed")
        i = img.contents
        if i.bits_per_pixel != 32 or i.byte_order != 0:
            sys.exit("bench-console-probe: need a 24-bit TrueColor screen (Xvfb -screen 0 WxHx24)")
        data = ctypes.string_at(i.data, i.bytes_per_line * i.height)
        bpl = i.bytes_per_line
        self.x.XFree(i.data)
        self.x.XFree(img)
        return data, bpl

    @staticmethod
    def count(data):
        return data.count(BLUE)

    def bbox(self, data, bpl):
        """Bounding box (w, h) of the blue pixels, from rows and columns that hold some."""
        rows = [y for y in range(self.h) if data.find(BLUE, y * bpl, (y + 1) * bpl) >= 0]
        if not rows:
            return 0, 0
        xs = []
        for y in rows[:: max(1, len(rows) // 16)]:
            row = data[y * bpl:(y + 1) * bpl]
            first = next((p for p in range(0, self.w * 4, 4) if row[p:p + 3] == BLUE), None)
            last = next((p for p in range(self.w * 4 - 4, -1, -4) if row[p:p + 3] == BLUE), None)
            if first is not None:
                xs += [first // 4, last // 4]
        return (max(xs) - min(xs) + 1 if xs else 0), rows[-1] - rows[0] + 1

    def save(self, data, bpl, path):
        """Writes a PPM of the root window (convert it with ImageMagick if need be)."""
        with open(path, "wb") as f:
            f.write(b"P6\n%d %d\n255\n" % (self.w, self.h))
            for y in range(self.h):
                row = data[y * bpl:y * bpl + self.w * 4]
                out = bytearray(self.w * 3)
                out[0::3] = row[2::4]
                out[1::3] = row[1::4]
                out[2::3] = row[0::4]
                f.write(out)


def open_gate(fifo):
    fd = os.open(fifo, os.O_WRONLY)
    t0 = time.monotonic()
    os.write(fd, b"go\n")
    os.close(fd)
    return t0


def first_frame(args):
    scr = Screen()
    scr.grab()  # the first XGetImage pays for the connection's set-up: not inside the timing
    t0 = open_gate(args.gate)
    if args.trace:
        print("t0 %s" % time.strftime("%H:%M:%S", time.localtime()) + ("%.3f" % (time.time() % 1))[1:],
              file=sys.stderr)
    samples = []
    stable_since = None
    last = None
    deadline = t0 + args.timeout
    while True:
        data, bpl = scr.grab()
        t = time.monotonic()
        n = scr.count(data)
        samples.append((t - t0, n))
        if args.trace:
            print("poll %.4f %d" % (t - t0, n), file=sys.stderr)
        if n >= args.min_pixels and args.settle <= 0:
            break
        if n >= args.min_pixels:
            if last is not None and abs(n - last) <= 0.02 * max(n, 1):
                if stable_since is None:
                    stable_since = t
            else:
                stable_since = None
            last = n
            if stable_since is not None and t - stable_since >= args.settle:
                break
        else:
            stable_since, last = None, None
        if t > deadline:
            print("bench-console-probe: no stable guest picture after %.0f s (last count %d)"
                  % (args.timeout, n), file=sys.stderr)
            return 1
        time.sleep(args.interval)
    final = samples[-1][1]
    t_first = next(s for s, n in samples if n >= 0.9 * final)
    w, h = scr.bbox(data, bpl)
    if args.screenshot:
        scr.save(data, bpl, args.screenshot)
    print("frame %.4f %d %d %dx%d" % (t_first, len(samples), final, w, h))
    return 0


def frames(args):
    scr = Screen()
    x, dpy = scr.x, scr.dpy
    xd = ctypes.CDLL(ctypes.util.find_library("Xdamage") or "libXdamage.so.1")
    x.XConnectionNumber.argtypes = [ctypes.c_void_p]
    x.XPending.argtypes = [ctypes.c_void_p]
    x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    x.XFlush.argtypes = [ctypes.c_void_p]
    xd.XDamageQueryExtension.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int),
                                         ctypes.POINTER(ctypes.c_int)]
    xd.XDamageCreate.restype = ctypes.c_ulong
    xd.XDamageCreate.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int]
    xd.XDamageSubtract.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    event_base, error_base = ctypes.c_int(), ctypes.c_int()
    if not xd.XDamageQueryExtension(dpy, ctypes.byref(event_base), ctypes.byref(error_base)):
        sys.exit("bench-console-probe: the X server has no DAMAGE extension")
    report_non_empty = 3
    damage = xd.XDamageCreate(dpy, scr.root, report_non_empty)
    x.XFlush(dpy)
    fd = x.XConnectionNumber(dpy)
    event = ctypes.create_string_buffer(192)  # sizeof (XEvent)
    n, last = 0, None
    t0 = time.monotonic()
    end = t0 + args.seconds
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if not x.XPending(dpy):
            select.select([fd], [], [], end - now)
            continue
        x.XNextEvent(dpy, event)
        if ctypes.c_int.from_buffer(event).value == event_base.value:  # DamageNotify
            xd.XDamageSubtract(dpy, damage, 0, 0)
            x.XFlush(dpy)
            now = time.monotonic()
            if last is None or now - last > 0.004:
                n += 1
            last = now
    print("frames %d %.3f" % (n, time.monotonic() - t0))
    return 0


def count(args):
    scr = Screen()
    data, bpl = scr.grab()
    w, h = scr.bbox(data, bpl)
    if args.screenshot:
        scr.save(data, bpl, args.screenshot)
    print("blue %d %dx%d" % (scr.count(data), w, h))
    return 0


# ---------------------------------------------------------------------------------------------
# Summary. RESULTS.tsv columns (bench-console.sh writes them):
#   protocol viewer variant kind round first_s polls blue_px shown_wh rss_kb pss_kb
#   idle_cpu xvfb_idle_cpu qemu_idle_cpu redraw_cpu xvfb_redraw_cpu qemu_redraw_cpu
# kind: static (first frame, memory, idle CPU) or redraw (redraw CPU); "-" = not measured.
COLS = ("protocol viewer variant kind round first polls blue shown rss pss idle xidle qidle "
        "redraw xredraw qredraw fps").split()
VIEWERS = [("vireo", "default", "vireo (own choice)"), ("vireo", "gl", "vireo (GL)"),
           ("remote-viewer", "-", "remote-viewer")]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def fmt(x, spec, unit=""):
    return "-" if x is None else format(x, spec) + unit


def ratio(a, b):
    return None if a is None or not b else a / b


def summary(args):
    rows = []
    with open(args.results) as f:
        for line in f:
            v = line.rstrip("\n").split("\t")
            if len(v) == len(COLS):
                rows.append(dict(zip(COLS, v)))
    protocols = []
    for r in rows:
        if r["protocol"] not in protocols:
            protocols.append(r["protocol"])

    def pick(proto, viewer, variant, kind, field, scale=1.0):
        xs = [num(r[field]) for r in rows if r["protocol"] == proto and r["viewer"] == viewer
              and r["variant"] == variant and r["kind"] == kind]
        xs = [x * scale for x in xs if x is not None]
        return xs

    finals = []
    rates = []
    for proto in protocols:
        print()
        print("== %s ==" % proto)
        print("%-20s %9s %9s %9s %10s %11s %11s %10s %11s %11s %8s %s" % (
            "viewer", "1st frame", "RSS", "PSS", "idle CPU", "Xvfb idle", "QEMU idle",
            "redraw CPU", "Xvfb redraw", "QEMU redraw", "frames/s", "guest picture on screen"))
        m = {}
        for viewer, variant, label in VIEWERS:
            d = {}
            d["first"] = med(pick(proto, viewer, variant, "static", "first"))
            d["rss"] = med(pick(proto, viewer, variant, "static", "rss", 1 / 1024))
            d["pss"] = med(pick(proto, viewer, variant, "static", "pss", 1 / 1024))
            d["idle"] = med(pick(proto, viewer, variant, "static", "idle"))
            d["xidle"] = med(pick(proto, viewer, variant, "static", "xidle"))
            d["qidle"] = med(pick(proto, viewer, variant, "static", "qidle"))
            d["redraw"] = med(pick(proto, viewer, variant, "redraw", "redraw"))
            d["xredraw"] = med(pick(proto, viewer, variant, "redraw", "xredraw"))
            d["qredraw"] = med(pick(proto, viewer, variant, "redraw", "qredraw"))
            d["fps"] = med(pick(proto, viewer, variant, "redraw", "fps"))
            shown = [r["shown"] for r in rows if r["protocol"] == proto and r["viewer"] == viewer
                     and r["variant"] == variant and r["shown"] != "-"]
            d["shown"] = max(set(shown), key=shown.count) if shown else "-"
            m[(viewer, variant)] = d
            n_static = len(pick(proto, viewer, variant, "static", "first"))
            n_redraw = len(pick(proto, viewer, variant, "redraw", "redraw"))
            print("%-20s %9s %9s %9s %10s %11s %11s %10s %11s %11s %8s %s (runs: %d static, %d redraw)" % (
                label, fmt(d["first"], ".3f", " s"), fmt(d["rss"], ".0f", " MiB"),
                fmt(d["pss"], ".0f", " MiB"), fmt(d["idle"], ".2f", "%"), fmt(d["xidle"], ".2f", "%"),
                fmt(d["qidle"], ".1f", "%"), fmt(d["redraw"], ".1f", "%"),
                fmt(d["xredraw"], ".1f", "%"), fmt(d["qredraw"], ".1f", "%"), fmt(d["fps"], ".1f"), d["shown"],
                n_static, n_redraw))
        v, vn, rv = m[("vireo", "default")], m[("vireo", "gl")], m[("remote-viewer", "-")]
        print("ratios vireo/remote-viewer, the renderer Vireo picks:  first frame %s, RSS %s, PSS %s, "
              "idle CPU %s, redraw CPU %s" % tuple(fmt(ratio(v[k], rv[k]), ".2f")
                                                    for k in ("first", "rss", "pss", "idle", "redraw")))
        print("ratios vireo/remote-viewer, GSK_RENDERER=gl:           first frame %s, RSS %s, PSS %s, "
              "idle CPU %s, redraw CPU %s" % tuple(fmt(ratio(vn[k], rv[k]), ".2f")
                                                    for k in ("first", "rss", "pss", "idle", "redraw")))
        print("per run (first frame s / RSS MiB / idle CPU %; redraw CPU %):")
        for viewer, variant, label in VIEWERS:
            st = [r for r in rows if r["protocol"] == proto and r["viewer"] == viewer
                  and r["variant"] == variant and r["kind"] == "static"]
            rd = [r for r in rows if r["protocol"] == proto and r["viewer"] == viewer
                  and r["variant"] == variant and r["kind"] == "redraw"]
            print("  %-20s %s; %s" % (
                label,
                "  ".join("%s/%s/%s" % (fmt(num(r["first"]), ".3f"), fmt(ratio(num(r["rss"]), 1024), ".0f"),
                                         fmt(num(r["idle"]), ".2f")) for r in st),
                " ".join(fmt(num(r["redraw"]), ".1f") for r in rd)))
        # CPU per second depends on how many frames a viewer takes in: per frame too.
        per_frame = {k: (None if d["redraw"] is None or not d["fps"] else d["redraw"] * 10 / d["fps"])
                     for k, d in m.items()}
        rates.append("%s redraw: frames/s vireo %s, remote-viewer %s; CPU per frame vireo %s ms, "
                     "remote-viewer %s ms, ratio %s; Xvfb CPU vireo %s%%, remote-viewer %s%%" % (
                         proto, fmt(v["fps"], ".1f"), fmt(rv["fps"], ".1f"),
                         fmt(per_frame[("vireo", "default")], ".2f"),
                         fmt(per_frame[("remote-viewer", "-")], ".2f"),
                         fmt(ratio(per_frame[("vireo", "default")], per_frame[("remote-viewer", "-")]), ".2f"),
                         fmt(v["xredraw"], ".1f"), fmt(rv["xredraw"], ".1f")))
        finals.append(
            "%s first frame: vireo %s s, remote-viewer %s s, ratio %s; RSS vireo %s MiB, "
            "remote-viewer %s MiB, ratio %s; redraw CPU vireo %s%%, remote-viewer %s%%, ratio %s" % (
                proto, fmt(v["first"], ".2f"), fmt(rv["first"], ".2f"), fmt(ratio(v["first"], rv["first"]), ".2f"),
                fmt(v["rss"], ".0f"), fmt(rv["rss"], ".0f"), fmt(ratio(v["rss"], rv["rss"]), ".2f"),
                fmt(v["redraw"], ".0f"), fmt(rv["redraw"], ".0f"), fmt(ratio(v["redraw"], rv["redraw"]), ".2f")))
    print()
    for line in rates:
        print(line)
    for line in finals:
        print(line)
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("first-frame")
    f.add_argument("--gate", required=True)
    f.add_argument("--timeout", type=float, default=60)
    f.add_argument("--interval", type=float, default=0.02)
    f.add_argument("--settle", type=float, default=0.6)
    f.add_argument("--min-pixels", type=int, default=20000)
    f.add_argument("--screenshot")
    f.add_argument("--trace", action="store_true", help="print every poll (time, count) on stderr")
    fr = sub.add_parser("frames")
    fr.add_argument("--seconds", type=float, required=True)
    c = sub.add_parser("count")
    c.add_argument("--screenshot")
    s = sub.add_parser("summary")
    s.add_argument("results")
    args = ap.parse_args()
    return {"first-frame": first_frame, "count": count, "summary": summary, "frames": frames}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
