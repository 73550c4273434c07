#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks tests/vireotest.py, the runner of the Python suites: runs small suites in a child
process and compares the TAP they print. Speaks TAP itself (through vireotest)."""

import os
import subprocess
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vireotest  # noqa: E402

SAMPLE = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {here!r})
    import vireotest
    suite = vireotest.Suite("sample")

    @suite.case("passes")
    def passes(t):
        print("stray output from a case")
        os.system("echo stray output from a child")

    @suite.case("fails")
    def fails(t):
        assert 1 == 2, "one is not two"

    @suite.case("needs-failed", needs=["fails"])
    def needs_failed(t):
        raise RuntimeError("must not run")

    @suite.case("skips")
    def skips(t):
        raise vireotest.Skip("not here")

    @suite.case("crashes")
    def crashes(t):
        {{}}["missing"]

    @suite.case("scale")
    def scale(t):
        assert vireotest.scaled(2) == 2 * float(os.environ.get("EXPECT_SCALE", "1")), \\
            vireotest.scaled(2)

    @suite.case("slow")
    def slow(t):
        if os.environ.get("SLOW"):
            print("slow started", flush=True)
            time.sleep(60)

    @suite.case("final", always=True)
    def final(t):
        pass

    def cleanup(t):
        print("cleanup ran", flush=True)

    sys.exit(suite.main(sys.argv[1:], setup=lambda: None, cleanup=cleanup))
""").format(here=HERE)


def run_sample(*args, env=None, signal_after=None):
    full_env = dict(os.environ, **(env or {}))
    for k in ("VIREO_TEST_TIMEOUT_SCALE", "VIREO_TEST_SANITIZED"):
        if k not in (env or {}):
            full_env.pop(k, None)
    proc = subprocess.Popen([sys.executable, "-c", SAMPLE, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=full_env)
    if signal_after is not None:
        # Wait for the case to say it started (a line on standard error), then stop it.
        for line in proc.stderr:
            if signal_after in line:
                break
        proc.terminate()
    out, err = proc.communicate(timeout=vireotest.scaled(30))
    return proc.returncode, out.splitlines(), err


suite = vireotest.Suite("test-vireotest")


@suite.case("tap-stream")
def tap_stream(t):
    status, out, err = run_sample()
    assert status == 1, f"exit status {status}, expected 1 (a case failed)"
    tap = [line for line in out if not line.startswith("#")]
    assert tap == [
        "1..8",
        "ok 1 - passes",
        "not ok 2 - fails",
        "not ok 3 - needs-failed",
        "ok 4 - skips # SKIP not here",
        "not ok 5 - crashes",
        "ok 6 - scale",
        "ok 7 - slow",
        "ok 8 - final",
    ], "\n".join(out)
    text = "\n".join(out)
    assert "# one is not two" in text, text
    assert "needs fails, which did not pass" in text, text
    assert "KeyError" in text and "Traceback" in text, text
    assert "stray output" not in text, "a case's output reached the TAP stream"
    assert "stray output from a case" in err and "stray output from a child" in err, err
    assert "cleanup ran" in err, err
    assert out[-1] == "# 4 passed, 3 failed, 1 skipped", out[-1]


@suite.case("selection")
def selection(t):
    status, out, _ = run_sample("needs-failed")
    tap = [line for line in out if not line.startswith("#")]
    assert tap == ["1..3", "not ok 1 - fails", "not ok 2 - needs-failed", "ok 3 - final"], tap
    status, out, _ = run_sample("passes")
    assert status == 0, (status, out)
    status, out, err = run_sample("no-such-case")
    assert status == 2 and out[-1].startswith("Bail out! unknown case(s) no-such-case"), out


@suite.case("timeout-scale")
def timeout_scale(t):
    status, out, _ = run_sample("scale", env={"VIREO_TEST_TIMEOUT_SCALE": "2.5",
                                              "EXPECT_SCALE": "2.5"})
    assert status == 0, out
    status, out, _ = run_sample("scale", env={"VIREO_TEST_TIMEOUT_SCALE": "2",
                                              "VIREO_TEST_SANITIZED": "1", "EXPECT_SCALE": "6"})
    assert status == 0, out
    status, out, err = run_sample("scale", env={"VIREO_TEST_TIMEOUT_SCALE": "fast"})
    assert status != 0 and "VIREO_TEST_TIMEOUT_SCALE must be a positive number" in err, err


@suite.case("sigterm")
def sigterm(t):
    status, out, err = run_sample("slow", env={"SLOW": "1"}, signal_after="slow started")
    assert status == 1, (status, out)
    assert out[-1] == "Bail out! stopped by SIGTERM", out
    assert "cleanup ran" in err, err


if __name__ == "__main__":
    sys.exit(suite.main(sys.argv[1:]))
