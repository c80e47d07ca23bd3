#!/usr/bin/env python3
"""Live syslog: a private rsyslogd (own config, pid file and work folder in the
test's folder; the system's rsyslog is never touched) receives netfilter lines
from `logger` over TCP and forwards each to abuseflow's syslog receivers: over
UDP in the traditional RFC 3164 format and over TCP in RFC 5424 with
octet-counting framing (RFC 6587). Checks that abuseflow got every line exactly
once on each, as events from the logger's host, and ends cleanly on SIGINT.

usage: live_syslog_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import json
import pathlib
import shutil
import socket
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from live_common import (RUNNING, fail, free_port, input_counts, interrupt, safe_name, saved_lines,  # noqa: E402
                         start, tcp_accepts, wait_for)

LINES = 200
SKIP = 77  # ctest's skip code (SKIP_RETURN_CODE)


def rsyslog_config(work, listen_port, udp_port, tcp_port):
    return f"""
global(workDirectory="{work}/rsyslog-work" maxMessageSize="64k")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="{listen_port}")
action(type="omfwd" target="127.0.0.1" port="{udp_port}" protocol="udp"
       template="RSYSLOG_TraditionalForwardFormat")
action(type="omfwd" target="127.0.0.1" port="{tcp_port}" protocol="tcp"
       TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"
       queue.type="LinkedList" action.resumeRetryCount="-1")
"""


def abuseflow_config(work, udp_port, tcp_port):
    return f"""
state_dir = "{work}/state"
[[ingest.input]]
format = "netfilter"
listen = "udp://127.0.0.1:{udp_port}"
[[ingest.input]]
format = "netfilter"
listen = "tcp://127.0.0.1:{tcp_port}"
[notify]
outbox = "{work}/outbox"
"""


def start_rsyslog(work, port, udp_port, tcp_port):
    rsyslogd = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
    if not pathlib.Path(rsyslogd).exists():
        print("SKIP: rsyslogd is not installed (Debian package rsyslog, scripts/setup.sh)")
        sys.exit(SKIP)
    (work / "rsyslog-work").mkdir()
    conf = work / "rsyslog.conf"
    conf.write_text(rsyslog_config(work, port, udp_port, tcp_port))
    check = subprocess.run([rsyslogd, "-N1", "-f", str(conf)], capture_output=True, text=True)
    if check.returncode != 0:
        fail(f"rsyslog config rejected: {check.stderr}")
    proc = subprocess.Popen([rsyslogd, "-n", "-f", str(conf), "-i", str(work / "rsyslogd.pid")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    RUNNING.append(proc)
    try:
        wait_for(lambda: tcp_accepts(port), "rsyslogd to listen", proc, deadline=20)
    except SystemExit:
        proc.kill()
        print("SKIP: rsyslogd cannot run in this sandbox")
        sys.exit(SKIP)
    return proc


def netfilter_line(i):
    return (f"DROP-IN: IN=eth0 OUT= SRC=198.18.{i // 250}.{i % 250 + 1} DST=192.0.2.33 LEN=48 "
            f"TOS=0x00 PREC=0x00 TTL=119 ID={i} DF PROTO=TCP SPT={20000 + i} DPT=80 WINDOW=64240 SYN")


def check_histories(binary, work):
    host = socket.gethostname()
    for i in range(0, LINES, 17):
        address = f"198.18.{i // 250}.{i % 250 + 1}"
        r = subprocess.run([binary, "history", "--json", "--state", str(work / "state"), address],
                           capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"history {address}: {r.stderr}")
        h = json.loads(r.stdout)
        if h.get("count") != 2:  # once over UDP, once over TCP
            fail(f"{address} seen {h.get('count')} times, expected 2: {h}")
        sensors = json.dumps(h.get("sensors", ""))
        if host.split(".")[0] not in sensors:
            fail(f"{address}: sensors {sensors} do not name the sending host {host}")


def main():
    binary, work = sys.argv[1], pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    udp_port, tcp_port, rs_port = free_port(socket.SOCK_DGRAM), free_port(), free_port()
    config = work / "abuseflow.toml"
    config.write_text(abuseflow_config(work, udp_port, tcp_port))
    flow = start(binary, config)
    wait_for(lambda: tcp_accepts(tcp_port), "abuseflow's tcp receiver", flow)
    rsyslog = start_rsyslog(work, rs_port, udp_port, tcp_port)
    try:
        text = "".join(netfilter_line(i) + "\n" for i in range(LINES))
        subprocess.run(["logger", "--server", "127.0.0.1", "--port", str(rs_port), "--tcp",
                        "--octet-count", "-t", "kernel", "-p", "kern.warning"],
                       input=text, text=True, check=True, timeout=60)
        udp, tcp = (safe_name(f"netfilter:{p}://127.0.0.1:{port}")
                    for p, port in (("udp", udp_port), ("tcp", tcp_port)))
        wait_for(lambda: saved_lines(work / "state", udp) >= LINES and
                 saved_lines(work / "state", tcp) >= LINES, f"{LINES} lines on each receiver", flow)
    finally:
        rsyslog.terminate()
        rsyslog.wait(timeout=30)
    code, out, err = interrupt(flow)
    if code != 0:
        fail(f"abuseflow exited {code} after SIGINT: {err[-2000:]}")
    counts = input_counts(out)
    for listen in (f"udp://127.0.0.1:{udp_port}", f"tcp://127.0.0.1:{tcp_port}"):
        if counts.get(listen) != (LINES, LINES):
            fail(f"{listen}: (lines, events) {counts.get(listen)}, expected {LINES} each:\n{out}")
    check_histories(binary, work)
    print(f"ok: {LINES} logger lines via rsyslog, each received once over udp and once over tcp")


if __name__ == "__main__":
    main()
