"""Helpers of the integration tests: the failure exit every test uses
(fail), and for the live-input tests free ports, waiting on a condition with
a deadline, the saved input positions, and a running `abuseflow run`."""

import atexit
import pathlib
import re
import signal
import socket
import subprocess
import sys
import time

DEADLINE = 60  # seconds any single wait may take before the test fails


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, what, proc=None, deadline=DEADLINE):
    """Polls condition() until it is true; fails naming `what` after the deadline
    or if `proc` exits meanwhile."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            fail(f"process exited {proc.returncode} while waiting for {what}: {err[-2000:]}")
        time.sleep(0.05)
    fail(f"timed out waiting for {what}")


def tcp_accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def saved_lines(state, origin_prefix):
    """The line count saved for the input whose position file starts with
    origin_prefix (its origin with unsafe characters as '_'), or 0."""
    total = 0
    for pos in (pathlib.Path(state) / "ingest" / "positions").glob(origin_prefix + "*.pos"):
        try:
            fields = pos.read_text().split()
        except OSError:
            continue
        if len(fields) >= 5:
            total += int(fields[4])
    return total


def safe_name(origin):
    return re.sub(r"[^A-Za-z0-9._-]", "_", origin)[:60]


RUNNING = []  # started processes, killed at exit if a check failed meanwhile


def start(binary, config):
    proc = subprocess.Popen([binary, "run", "--config", str(config)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    RUNNING.append(proc)
    return proc


@atexit.register
def _kill_leftovers():
    for proc in RUNNING:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def interrupt(proc):
    """SIGINT, then the exit code, stdout and stderr (fails if it does not end)."""
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("abuseflow did not end after SIGINT")
    return proc.returncode, out, err


def input_counts(summary):
    """{input path or listen address: (lines, events)} from the run summary."""
    counts = {}
    for m in re.finditer(r"input (\S+) \(\w+\): (\d+) lines, (\d+) events", summary):
        counts[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return counts
