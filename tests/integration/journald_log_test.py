#!/usr/bin/env python3
"""Logs to the systemd journal (core/log_journald.h), against a journal
socket the test makes itself.

The test re-runs itself in a private mount namespace (unshare), mounts a
tmpfs on /run there and binds /run/systemd/journal/socket, the socket
sd_journal_sendv writes to, so nothing reaches the host's journal. Then:
`--log-target journald` sends every log line of a demo run as a structured
entry (MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, ABUSEFLOW_MODULE and one
ABUSEFLOW_<KEY> per key=value) and nothing to stderr; `--log-target auto`
does the same when JOURNAL_STREAM names stderr (as systemd sets it), and
writes to stderr when it does not. Exits 77 (skipped) where a mount
namespace cannot be made.

usage: journald_log_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import os
import pathlib
import shutil
import socket
import struct
import subprocess
import sys
import threading

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from live_common import fail  # noqa: E402

SOCKET = "/run/systemd/journal/socket"


def parse_entry(data):
    """The journal's native protocol: KEY=VALUE lines, or KEY, newline, a
    64-bit little-endian length and that many bytes, newline."""
    fields, i = {}, 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            key, value = line.split(b"=", 1)
            i = nl + 1
        else:
            key = line
            size = struct.unpack("<Q", data[nl + 1:nl + 9])[0]
            value = data[nl + 9:nl + 9 + size]
            i = nl + 9 + size + 1
        fields[key.decode()] = value.decode()
    return fields


class Journal:
    def __init__(self):
        os.makedirs(os.path.dirname(SOCKET), exist_ok=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(SOCKET)
        self.sock.settimeout(0.2)
        self.entries, self.stopped = [], False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while not self.stopped:
            try:
                self.entries.append(parse_entry(self.sock.recv(1 << 20)))
            except socket.timeout:
                continue

    def take(self):
        self.stopped = True
        self.thread.join()
        entries, self.entries, self.stopped = self.entries, [], False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        return entries


def demo_config(src, work):
    text = (src / "demo" / "abuseflow.toml").read_text()
    text = text.replace('"logs/', f'"{src}/demo/logs/').replace('"registry/', f'"{src}/demo/registry/')
    text = text.replace('"../demo-out/state"', f'"{work}/state"')
    text = text.replace('"../demo-out/outbox"', f'"{work}/outbox"')
    path = work / "abuseflow.toml"
    path.write_text(text)
    return path


def run(binary, config, target, work, journal_stream=False):
    shutil.rmtree(work / "state", ignore_errors=True)
    shutil.rmtree(work / "outbox", ignore_errors=True)
    read_end, write_end = os.pipe()
    env = dict(os.environ)
    env.pop("JOURNAL_STREAM", None)
    if journal_stream:
        st = os.fstat(write_end)
        env["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
    proc = subprocess.Popen([str(binary), "--log-target", target, "run", "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=write_end, env=env, text=True)
    os.close(write_end)
    with os.fdopen(read_end) as err:
        stderr = err.read()
    stdout = proc.communicate(timeout=300)[0]
    if proc.returncode != 0:
        fail(f"--log-target {target}: exit {proc.returncode}\n{stderr}")
    return stdout, stderr


def check_entries(entries, what):
    ours = [e for e in entries if e.get("SYSLOG_IDENTIFIER") == "abuseflow"]
    if not ours:
        fail(f"{what}: no journal entries ({len(entries)} datagrams)")
    modules = {e.get("ABUSEFLOW_MODULE") for e in ours}
    if not {"ingest", "enrich", "dedup", "notify"} <= modules:
        fail(f"{what}: modules {modules}")
    done = [e for e in ours if e["MESSAGE"].startswith("done lines=")]
    if len(done) != 1 or done[0]["PRIORITY"] != "6":
        fail(f"{what}: ingest's done line: {done}")
    lines = done[0]["MESSAGE"].split()[1].split("=")[1]
    if done[0].get("ABUSEFLOW_LINES") != lines or int(lines) <= 0:
        fail(f"{what}: ABUSEFLOW_LINES {done[0]} vs {lines}")
    return len(ours)


def inside(binary, src, work):
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run"], check=True)
    journal = Journal()
    config = demo_config(src, work)
    _, stderr = run(binary, config, "journald", work)
    n = check_entries(journal.take(), "--log-target journald")
    if " info ingest: " in stderr:
        fail(f"--log-target journald still wrote log lines to stderr:\n{stderr}")
    print(f"ok: --log-target journald: {n} structured entries, none on stderr")
    _, stderr = run(binary, config, "auto", work, journal_stream=True)
    n = check_entries(journal.take(), "--log-target auto under JOURNAL_STREAM")
    print(f"ok: --log-target auto with JOURNAL_STREAM naming stderr: {n} journal entries")
    _, stderr = run(binary, config, "auto", work)
    if journal.take() or " info ingest: done lines=" not in stderr:
        fail(f"--log-target auto without JOURNAL_STREAM: expected stderr lines only:\n{stderr}")
    print("ok: --log-target auto without JOURNAL_STREAM writes to stderr")


def main():
    binary, src, work = (pathlib.Path(a).resolve() for a in sys.argv[1:4])
    if os.environ.get("ABUSEFLOW_JOURNALD_TEST_NS") == "1":
        inside(binary, src, work)
        return
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if os.geteuid() != 0 or not shutil.which("unshare"):
        print("SKIP: needs root and unshare(1) to make a private mount namespace for the journal socket")
        sys.exit(77)
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    if probe.returncode != 0:
        print(f"SKIP: cannot make a mount namespace here: {probe.stderr.decode().strip()}")
        sys.exit(77)
    env = dict(os.environ, ABUSEFLOW_JOURNALD_TEST_NS="1")
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable, __file__,
                        *sys.argv[1:4]], env=env)
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
