#!/usr/bin/env python3
"""Follow mode, live: `abuseflow run` follows a netfilter log while a writer
appends to it, rotates it by rename (logrotate's default) and later by
copytruncate; then it is interrupted (SIGINT: drains, exit 0), lines are
appended while it is down, and it is started again. Checks that every line
became exactly one event: per-run line counts from the summaries and one
occurrence per source address in the history. Also checks the progress line
of a replay: shown when stderr is a terminal, absent otherwise.

usage: live_follow_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import json
import os
import pathlib
import pty
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from live_common import (fail, input_counts, interrupt, safe_name, saved_lines, start,  # noqa: E402
                         wait_for)


def line(i):
    return (f"Dec  1 07:12:{i % 60:02d} fw1 kernel: DROP-IN: IN=eth0 OUT= SRC=198.18.{i // 250}."
            f"{i % 250 + 1} DST=192.0.2.33 LEN=48 TTL=119 ID={i} DF PROTO=TCP SPT={20000 + i} DPT=23 SYN\n")


class Writer:
    """Appends numbered lines to the log like a syslog daemon: one open file."""

    def __init__(self, path):
        self.path, self.next, self.file = path, 0, open(path, "a")

    def write(self, n, partial_tail=False):
        for _ in range(n):
            text = line(self.next)
            self.next += 1
            if partial_tail and _ == n - 1:  # the last line arrives in two writes
                self.file.write(text[:30])
                self.file.flush()
                text = text[30:]
            self.file.write(text)
            self.file.flush()

    def reopen(self):
        self.file.close()
        self.file = open(self.path, "a")


def check_history(binary, state, total):
    for i in range(total):
        address = f"198.18.{i // 250}.{i % 250 + 1}"
        r = subprocess.run([binary, "history", "--json", "--state", str(state), address],
                           capture_output=True, text=True)
        count = json.loads(r.stdout).get("count") if r.returncode == 0 else None
        if count != 1:
            fail(f"line {i} ({address}) became {count} events, expected 1")


def follow_phase(binary, work, config, log, origin, writer):
    flow = start(binary, config)
    state = work / "state"
    writer.write(100, partial_tail=True)
    wait_for(lambda: saved_lines(state, origin) >= 100, "the first 100 lines", flow)
    os.rename(log, f"{log}.1")           # rename rotation while the writer keeps going
    writer.write(20)                      # still into the renamed file
    writer.reopen()                       # the daemon's reopen after the rotation
    writer.write(30)
    wait_for(lambda: saved_lines(state, origin) >= 150, "150 lines across the rename", flow)
    shutil.copy(log, f"{log}.2")          # copytruncate
    os.truncate(log, 0)
    writer.write(10)
    wait_for(lambda: saved_lines(state, origin) >= 160, "160 lines after copytruncate", flow)
    code, out, err = interrupt(flow)
    if code != 0:
        fail(f"first run exited {code} after SIGINT: {err[-2000:]}")
    if input_counts(out).get(str(log)) != (160, 160):
        fail(f"first run counts {input_counts(out)}, expected 160 lines and events:\n{out}")
    if "rotations: 1, truncations: 1" not in out:
        fail(f"first run did not report one rotation and one truncation:\n{out}")


def restart_phase(binary, work, config, origin, writer):
    writer.write(40)                      # written while abuseflow is down
    flow = start(binary, config)
    wait_for(lambda: saved_lines(work / "state", origin) >= 200, "the 40 lines written while down", flow)
    code, out, err = interrupt(flow)
    if code != 0:
        fail(f"second run exited {code}: {err[-2000:]}")
    counts = list(input_counts(out).values())
    if counts != [(40, 40)]:
        fail(f"second run read {counts}, expected only the 40 new lines:\n{out}")


def check_progress(binary, work, log):
    args = [binary, "run", "--input", f"netfilter:{log}", "--state", str(work / "replay-state"),
            "--outbox", str(work / "replay-outbox")]
    quiet = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if quiet.returncode != 0 or "lines/s" in quiet.stderr:
        fail(f"replay with stderr not a terminal: exit {quiet.returncode}, stderr {quiet.stderr[-500:]}")
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    if proc.wait(timeout=120) != 0:
        fail("replay under a terminal failed")
    if b"(100%)" not in shown or b"lines/s" not in shown:
        fail(f"no progress line on the terminal: {shown[-500:]!r}")


def main():
    binary, work = sys.argv[1], pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    log = work / "fw.log"
    config = work / "abuseflow.toml"
    config.write_text(f'state_dir = "{work}/state"\n[[ingest.input]]\nformat = "netfilter"\n'
                      f'path = "{log}"\nfollow = true\n[notify]\noutbox = "{work}/outbox"\n')
    origin = safe_name(f"netfilter:{log}")
    writer = Writer(log)
    follow_phase(binary, work, config, log, origin, writer)
    restart_phase(binary, work, config, origin, writer)
    check_history(binary, work / "state", 200)
    print("ok: 200 lines followed across rename, copytruncate and a restart, each once")
    check_progress(binary, work, f"{log}.1")
    print("ok: progress line on a terminal only")


if __name__ == "__main__":
    main()
