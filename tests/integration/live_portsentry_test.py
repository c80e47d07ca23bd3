#!/usr/bin/env python3
"""Live sensor: a private portsentry 1.x (Debian's portsentry) listens on three
free TCP ports in its port-bound mode (-tcp) with blocking off (BLOCK_TCP=0, no
KILL_ROUTE, no KILL_HOSTS_DENY); nmap connect-scans those ports on 127.0.0.1;
the attackalert lines portsentry logged are parsed with
`abuseflow parse --format portsentry` and must be connection attempts from
127.0.0.1 to exactly those ports.

portsentry 1.2 reads only /etc/portsentry/portsentry.conf, logs only through
syslog(3) to /dev/log and always turns into a daemon. So it runs in a private
mount namespace (`unshare --mount --propagation private`, nothing is visible
outside it): our config is bind-mounted over the system path and /dev is a
folder of the test whose `log` leads to a datagram socket this test reads
(the test plays the syslog daemon and writes the file lines, host "sensor1").
The daemon is found by a token in its environment and stopped by its pid.
Without portsentry, nmap or mount namespaces the test is skipped (77) with
the reason printed.

usage: live_portsentry_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from live_common import fail, free_port  # noqa: E402

SKIP = 77  # ctest's skip code (SKIP_RETURN_CODE)
DEADLINE = 30.0
ALERT = re.compile(r"attackalert: Connect from host: \S+ to TCP port: (\d+)")


def skip(reason):
    print("SKIP:", reason)
    sys.exit(SKIP)


def check_prerequisites():
    for tool in ("portsentry", "nmap", "unshare", "mount"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            skip(f"{tool} is not installed (Debian packages portsentry, nmap, util-linux, mount)")
    if not os.path.exists("/etc/portsentry/portsentry.conf"):
        skip("/etc/portsentry/portsentry.conf is missing: portsentry 1.x reads only that path")
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        skip("no private mount namespace here (unshare --mount: " + probe.stderr.strip() + ")")


def write_config(work, ports):
    for name in ("portsentry.ignore", "portsentry.history", "portsentry.blocked"):
        (work / name).write_text("")
    (work / "portsentry.conf").write_text(f"""
TCP_PORTS="{','.join(map(str, ports))}"
UDP_PORTS=""
ADVANCED_PORTS_TCP="1024"
ADVANCED_PORTS_UDP="1024"
IGNORE_FILE="{work}/portsentry.ignore"
HISTORY_FILE="{work}/portsentry.history"
BLOCKED_FILE="{work}/portsentry.blocked"
RESOLVE_HOST="0"
BLOCK_UDP="0"
BLOCK_TCP="0"
SCAN_TRIGGER="0"
""")


def start_portsentry(work, token):
    """Starts the daemon in its namespace; returns its pid (found by token)."""
    dev = work / "dev"
    dev.mkdir()
    (dev / "null").write_text("")
    (dev / "log").symlink_to(work / "log.sock")
    script = f"""set -e
mount --bind /dev/null {dev}/null
mount --bind {dev} /dev
mount --bind {work}/portsentry.conf /etc/portsentry/portsentry.conf
exec /usr/sbin/portsentry -tcp
"""
    env = dict(os.environ, ABUSEFLOW_TEST_TOKEN=token)
    launcher = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                              env=env, capture_output=True, text=True, timeout=DEADLINE)
    if launcher.returncode != 0:
        skip(f"portsentry did not start (exit {launcher.returncode}): {launcher.stderr.strip()}")
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        for pid in daemon_pids(token):
            return pid
        time.sleep(0.05)
    skip("portsentry exited right after start: " + launcher.stdout.strip() + launcher.stderr.strip())


def daemon_pids(token):
    pids = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if ("ABUSEFLOW_TEST_TOKEN=" + token).encode() in (entry / "environ").read_bytes().split(b"\0"):
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def receive(sock, messages, want, what):
    """Reads syslog datagrams into messages until want(messages) or the deadline."""
    end = time.monotonic() + DEADLINE
    while not want(messages):
        left = end - time.monotonic()
        if left <= 0:
            fail(f"timed out waiting for {what}; portsentry said: {messages}")
        sock.settimeout(left)
        try:
            messages.append(sock.recv(65536).decode("utf-8", "replace"))
        except socket.timeout:
            pass


def as_file_line(message):
    """'<38>Dec  1 08:00:00 portsentry[42]: text' as a syslog daemon writes it."""
    m = re.match(r"<\d+>(\w{3} [ \d]\d \d\d:\d\d:\d\d) (.*)", message)
    if not m:
        fail("not a syslog message: " + message)
    return f"{m.group(1)} sensor1 {m.group(2)}"


def main():
    binary, _source, work = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    check_prerequisites()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ports = sorted({free_port() for _ in range(3)})
    write_config(work, ports)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(work / "log.sock"))
    token = uuid.uuid4().hex
    pid = start_portsentry(work, token)
    messages = []
    try:
        receive(sock, messages, lambda m: any("now active and listening" in x for x in m), "portsentry to listen")
        scan = subprocess.run(["nmap", "-sT", "-Pn", "-n", "-p", ",".join(map(str, ports)), "127.0.0.1"],
                              capture_output=True, text=True, timeout=120)
        if scan.returncode != 0:
            fail("nmap failed: " + scan.stderr)
        alerted = lambda m: {int(p) for x in m for p in ALERT.findall(x)} >= set(ports)  # noqa: E731
        receive(sock, messages, alerted, "an attackalert for every scanned port")
    finally:
        if pid in daemon_pids(token):
            os.kill(pid, signal.SIGTERM)
        end = time.monotonic() + DEADLINE
        while pid in daemon_pids(token) and time.monotonic() < end:
            time.sleep(0.05)
    log = work / "portsentry.log"
    log.write_text("".join(as_file_line(m) + "\n" for m in messages))
    parsed = subprocess.run([binary, "parse", "--format", "portsentry", str(log)], capture_output=True, text=True)
    if parsed.returncode != 0:
        fail("abuseflow parse failed: " + parsed.stderr)
    events = [json.loads(line) for line in parsed.stdout.splitlines()]
    connects = [e for e in events if e["signature"] == "connect"]
    if {e["dst_port"] for e in connects} != set(ports):
        fail(f"events for ports {sorted(e['dst_port'] for e in connects)}, scanned {ports}:\n{log.read_text()}")
    for e in events:
        if e["src"] != "127.0.0.1" or e["sensor"] != "sensor1" or e["format"] != "portsentry":
            fail("unexpected event " + json.dumps(e))
    for e in connects:
        if e["kind"] != "connection-attempt" or e["proto"] != "tcp":
            fail("not a TCP connection attempt: " + json.dumps(e))
    # portsentry 1.2 says "Host: 127.0.0.1 is already blocked" for the ports
    # after the first (its blocked list is kept even with blocking off).
    others = [e for e in events if e["signature"] != "connect"]
    if any(e["signature"] != "already-blocked" or e["kind"] != "port-scan" for e in others):
        fail("unexpected non-connect events: " + json.dumps(others))
    if daemon_pids(token):
        fail("portsentry is still running after SIGTERM")
    print(f"ok: portsentry on ports {ports} reported the nmap scan as {len(events)} events from 127.0.0.1")


if __name__ == "__main__":
    main()
