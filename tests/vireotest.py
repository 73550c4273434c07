# SPDX-License-Identifier: GPL-3.0-or-later
"""vireotest: the case runner of Vireo's Python test suites, speaking TAP to meson.

Import it by path (it needs nothing but the standard library, and no environment of the
sandbox or of the UI run):

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import vireotest

    suite = vireotest.Suite("e2e-hypervisor")

    @suite.case("create-machine")
    def create_machine(t):                 # t: what the setup function returned
        ...

    @suite.case("start", needs=["create-machine"])
    def start(t):
        ...

    @suite.case("teardown", always=True)   # runs even when other cases were selected
    def teardown(t):
        ...

    sys.exit(suite.main(sys.argv[1:], setup=Context, cleanup=Context.teardown))

`main` takes `[-v] [CASE...]`: without CASE every case runs, in the order they were
declared; a selected case brings the cases it needs. It prints TAP on standard output:
the plan `1..N`, then `ok N - name`, `not ok N - name` with the failure and its traceback as
`# ` lines, `ok N - name # SKIP reason` for a case that raised `vireotest.Skip`, and a last
`# N passed, N failed` line. A case whose needed case failed is `not ok` without being run.
Whatever else is printed (by the cases, or by programs they run without capturing their
output) goes to standard error, so that it cannot break the TAP stream. With VIREO_TAP_FD set,
the TAP stream goes to that descriptor instead of standard output: for a suite run under
dbus-run-session, whose daemons print on the standard output they were given. SIGTERM (meson's
timeout) and SIGINT stop the current case, run the cleanup and end with `Bail out!`.
The exit status is 0 when every case passed, 1 when one failed, 2 for a usage error.

Time limits: every limit of a suite goes through `scaled(seconds)`, which multiplies it by
`timeout_scale()`: VIREO_TEST_TIMEOUT_SCALE (default 1; raise it on a slow machine), times
3 when VIREO_TEST_SANITIZED=1 (meson sets it in a build with -Db_sanitize). `wait_until`
polls with such a scaled deadline.
"""

import os
import signal
import sys
import time
import traceback

__all__ = ["Suite", "Skip", "log", "verbose", "scaled", "timeout_scale", "wait_until"]

SANITIZER_FACTOR = 3.0

_verbose = False
_tap = None          # the TAP stream (the original standard output)
_t0 = time.monotonic()


class Skip(Exception):
    """Raised by a case that cannot run here; its message is the reason. ./test.sh counts a
    skipped case as a failure: skip only what the run asked not to do."""


class _Stop(BaseException):
    """Raised in the running case by SIGTERM or SIGINT."""


def timeout_scale():
    """The one multiplier of every time limit in the Python and shell suites."""
    text = os.environ.get("VIREO_TEST_TIMEOUT_SCALE", "") or "1"
    try:
        scale = float(text)
    except ValueError:
        raise SystemExit(f"VIREO_TEST_TIMEOUT_SCALE must be a positive number, not {text!r}")
    if not scale > 0:
        raise SystemExit(f"VIREO_TEST_TIMEOUT_SCALE must be a positive number, not {text!r}")
    if os.environ.get("VIREO_TEST_SANITIZED") == "1":
        scale *= SANITIZER_FACTOR
    return scale


def scaled(seconds):
    """seconds, multiplied by timeout_scale()."""
    return seconds * timeout_scale()


def verbose():
    return _verbose


def log(*args):
    """A progress line on standard error, shown with -v only."""
    if _verbose:
        print(f"    {time.monotonic() - _t0:7.2f}", *args, file=sys.stderr, flush=True)


def wait_until(cond, timeout, what, interval=0.1):
    """Polls cond() every interval seconds until it returns something true, and returns that;
    raises AssertionError after scaled(timeout) seconds."""
    limit = scaled(timeout)
    deadline = time.monotonic() + limit
    while True:
        r = cond()
        if r:
            return r
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {limit:g} s waiting for {what}")
        time.sleep(interval)


def _diag(text):
    for line in str(text).rstrip("\n").split("\n"):
        _tap.write(f"# {line}\n" if line else "#\n")
    _tap.flush()


def _line(text):
    _tap.write(text + "\n")
    _tap.flush()


class _Case:
    def __init__(self, name, fn, needs, always):
        self.name, self.fn, self.needs, self.always = name, fn, list(needs), always


class Suite:
    """Named cases, run in the order they were declared."""

    def __init__(self, name):
        self.name = name
        self.cases = []
        self.on_failure = []    # functions returning text shown as diagnostics after a failure

    def case(self, name, needs=(), always=False):
        """Declares a case (a decorator). needs: names of cases that must have passed;
        always: run even when the command line selected other cases."""
        def add(fn):
            if any(c.name == name for c in self.cases):
                raise ValueError(f"case {name!r} declared twice")
            for n in needs:
                if not any(c.name == n for c in self.cases):
                    raise ValueError(f"case {name!r} needs {n!r}, which is not declared before it")
            self.cases.append(_Case(name, fn, needs, always))
            return fn
        return add

    def add(self, name, fn, needs=(), always=False):
        """The same as the decorator, for a function made elsewhere."""
        self.case(name, needs, always)(fn)

    def select(self, names):
        """The cases to run for the names given (all when none), with what they need."""
        known = {c.name: c for c in self.cases}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise KeyError(f"unknown case(s) {', '.join(unknown)}; known: "
                           f"{', '.join(c.name for c in self.cases)}")
        if not names:
            return list(self.cases)
        chosen = set(names)
        pending = list(names)
        while pending:
            for n in known[pending.pop()].needs:
                if n not in chosen:
                    chosen.add(n)
                    pending.append(n)
        return [c for c in self.cases if c.name in chosen or c.always]

    def main(self, argv, setup=None, cleanup=None):
        """Runs the cases named in argv (see the module's doc). setup() makes the object given
        to every case (None without setup); cleanup(obj) runs at the end, whatever happened."""
        global _verbose, _tap
        args = list(argv)
        if "-v" in args:
            _verbose = True
            args = [a for a in args if a != "-v"]
        if any(a.startswith("-") for a in args):
            print(f"usage: {self.name} [-v] [CASE...]", file=sys.stderr)
            return 2

        # TAP on the original standard output; everything else on standard error.
        sys.stdout.flush()
        # (VIREO_TAP_FD: another descriptor carries the TAP stream, when standard output is
        # shared with programs that print on it, such as the daemons dbus-run-session starts.)
        tap_fd = int(os.environ.get("VIREO_TAP_FD") or 1)
        _tap = os.fdopen(os.dup(tap_fd), "w", buffering=1)
        if tap_fd != 1:
            os.close(tap_fd)
        os.dup2(2, 1)
        sys.stdout = sys.stderr

        try:
            cases = self.select(args)
        except KeyError as e:
            _line("1..0")
            _line(f"Bail out! {e.args[0]}")
            return 2

        def stop(signum, frame):
            raise _Stop(signal.Signals(signum).name)
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

        _line(f"1..{len(cases)}")
        start = time.monotonic()
        scale = timeout_scale()
        if scale != 1:
            _diag(f"time limits scaled by {scale:g}")
        results = {}
        passed = failed = skipped = 0
        obj = None
        set_up = False
        try:
            try:
                obj = setup() if setup is not None else None
                set_up = True
            except _Stop:
                raise
            except Exception as e:
                _diag(f"setup failed: {_describe(e)}")
                print(f"{self.name}: setup failed: {_describe(e)}", file=sys.stderr, flush=True)
                _diag(_traceback(e))
                self._after_failure()
                _line(f"Bail out! setup failed: {_first_line(e)}")
                return 1

            for number, case in enumerate(cases, 1):
                failed_needs = [n for n in case.needs if results.get(n) is not True]
                t = time.monotonic()
                if failed_needs:
                    results[case.name] = False
                    failed += 1
                    _line(f"not ok {number} - {case.name}")
                    _diag(f"not run: it needs {', '.join(failed_needs)}, which did not pass")
                    continue
                try:
                    case.fn(obj)
                except Skip as e:
                    results[case.name] = None
                    skipped += 1
                    _line(f"ok {number} - {case.name} # SKIP {_first_line(e)}")
                    continue
                except _Stop:
                    raise
                except Exception as e:
                    results[case.name] = False
                    failed += 1
                    _line(f"not ok {number} - {case.name}")
                    why = f"{_describe(e)}  ({time.monotonic() - t:.2f} s)"
                    where = (_traceback(e) if _verbose or not isinstance(e, AssertionError)
                             else _where(e))
                    _diag(why)
                    _diag(where)
                    # Also on standard error, which test runners (meson) print for a failed
                    # test, so that a CI log says why without the TAP log file.
                    print(f"{self.name}: {case.name} failed: {why}\n{where}", file=sys.stderr,
                          flush=True)
                    self._after_failure()
                    continue
                results[case.name] = True
                passed += 1
                _line(f"ok {number} - {case.name}")
                _diag(f"{case.name}: {time.monotonic() - t:.2f} s")
        except _Stop as e:
            _diag(f"stopped by {e.args[0]} while running")
            self._after_failure()
            if cleanup is not None and set_up:
                self._cleanup(cleanup, obj)
            _line(f"Bail out! stopped by {e.args[0]}")
            return 1
        if cleanup is not None and set_up:
            if not self._cleanup(cleanup, obj):
                failed += 1
        _diag(f"total {time.monotonic() - start:.1f} s")
        _diag(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
        return 1 if failed else 0

    def _cleanup(self, cleanup, obj):
        try:
            cleanup(obj)
            return True
        except BaseException as e:   # noqa: B902 (a second signal during cleanup included)
            _diag(f"cleanup failed: {_describe(e)}")
            _diag(_traceback(e))
            return False

    def _after_failure(self):
        for fn in self.on_failure:
            try:
                text = fn()
            except Exception as e:
                text = f"(could not gather more: {_describe(e)})"
            if text:
                _diag(text)


def _first_line(e):
    text = str(e).strip() or type(e).__name__
    return text.split("\n", 1)[0]


def _describe(e):
    text = str(e).strip()
    if isinstance(e, AssertionError) and text:
        return text
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def _traceback(e):
    return "".join(traceback.format_exception(type(e), e, e.__traceback__)).rstrip()


def _where(e):
    """The innermost frame of the test code that failed, as 'file:line in function'."""
    frames = traceback.extract_tb(e.__traceback__)
    here = os.path.abspath(__file__)
    frames = [f for f in frames if os.path.abspath(f.filename) != here]
    if not frames:
        return ""
    f = frames[-1]
    return f"at {os.path.basename(f.filename)}:{f.lineno} in {f.name}"
