#!/usr/bin/env python3
"""The [metrics] endpoint of `abuseflow run` and of a stage process.

`run` with a followed file and `[metrics] listen = "127.0.0.1:0"`: /health is
200 with the four stages, /metrics is valid Prometheus text (checked line by
line) with the process metrics; SIGTERM drains and the process exits 0.
`abuseflow enrich` serves its own stage name; a metrics port in use stops the
command with a clear error; a bad listen is a config error.

usage: metrics_endpoint_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import http.client
import json
import pathlib
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"({NAME})(\{{{LABEL}(?:,{LABEL})*\}})? (-?[0-9.eE+-]+|\+Inf|-Inf|NaN)")


def parse_exposition(text):
    """Prometheus text format 0.0.4 -> {series: value}; fails on any bad line."""
    if not text.endswith("\n"):
        fail("metrics text does not end with a newline")
    samples, typed, helped = {}, {}, set()
    for line in text.splitlines():
        if m := re.fullmatch(rf"# HELP ({NAME}) .*", line):
            if m[1] in helped:
                fail(f"two HELP lines for {m[1]}")
            helped.add(m[1])
        elif m := re.fullmatch(rf"# TYPE ({NAME}) (counter|gauge|histogram|summary|untyped)", line):
            if m[1] in typed:
                fail(f"two TYPE lines for {m[1]}")
            typed[m[1]] = m[2]
        elif m := SAMPLE.fullmatch(line):
            if m[1] not in typed:
                fail(f"sample before its TYPE: {line}")
            series = m[1] + (m[2] or "")
            if series in samples:
                fail(f"series twice: {series}")
            samples[series] = float(m[3])
        else:
            fail(f"not a metrics line: {line!r}")
    return samples


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read().decode()
    conn.close()
    return r.status, r.getheader("Content-Type"), body


class Process:
    """An abuseflow process whose stderr is read line by line on a thread."""

    def __init__(self, binary, *args):
        self.proc = subprocess.Popen([str(binary), *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.stderr = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            self.stderr.append(line)
            self.lines.put(line)

    def metrics_port(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if m := re.search(r"metrics endpoint listening .* port=(\d+)", line):
                return int(m[1])
        self.proc.kill()
        fail(f"no 'metrics endpoint listening' line: {''.join(self.stderr)}")

    def stop(self, timeout=60):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("did not exit after SIGTERM")
        return self.proc.returncode


def write_config(work, name, body):
    path = work / f"{name}.toml"
    path.write_text(body)
    return path


def check_run(binary, work):
    (work / "live.log").write_text("")
    config = write_config(work, "run", f"""
state_dir = "{work}/run-state"
[[ingest.input]]
format = "netfilter"
path = "{work}/live.log"
follow = true
[notify]
outbox = "{work}/run-outbox"
[metrics]
listen = "127.0.0.1:0"
""")
    before = time.time()
    p = Process(binary, "run", "--config", str(config))
    port = p.metrics_port()
    status, ctype, body = get(port, "/health")
    health = json.loads(body)
    if status != 200 or health["status"] != "ok" or health["stages"] != ["ingest", "enrich", "dedup", "notify"]:
        fail(f"/health of run: {status} {body}")
    if ctype != "application/json" or not 0 <= health["uptime_seconds"] < 600:
        fail(f"/health of run: {ctype} {body}")
    status, ctype, body = get(port, "/metrics")
    if status != 200 or ctype != "text/plain; version=0.0.4; charset=utf-8":
        fail(f"/metrics of run: {status} {ctype}")
    samples = parse_exposition(body)
    if samples.get("abuseflow_up") != 1:
        fail(f"abuseflow_up: {samples}")
    if not before - 60 <= samples.get("abuseflow_start_time_seconds", 0) <= time.time():
        fail(f"abuseflow_start_time_seconds: {samples}")
    if not any(s.startswith('abuseflow_build_info{version="') for s in samples):
        fail(f"abuseflow_build_info: {samples}")
    if get(port, "/nothing")[0] != 404:
        fail("/nothing is not 404")
    code = p.stop()
    if code != 0:
        fail(f"run exited {code} after SIGTERM (a drain): {''.join(p.stderr)}")
    print(f"ok: run serves /health and /metrics ({len(samples)} series) and drains on SIGTERM")


def check_stage(binary, work):
    config = write_config(work, "enrich", f"""
state_dir = "{work}/enrich-state"
[endpoints]
enrich = "ipc://{work}/enrich.ipc"
dedup = "ipc://{work}/dedup.ipc"
[metrics]
listen = "127.0.0.1:0"
""")
    # --log-level after the command (as the units append ABUSEFLOW_ARGS) works too.
    p = Process(binary, "enrich", "--config", str(config), "--log-level", "info")
    port = p.metrics_port()
    status, _, body = get(port, "/health")
    if status != 200 or json.loads(body)["stages"] != ["enrich"]:
        fail(f"/health of enrich: {status} {body}")
    parse_exposition(get(port, "/metrics")[2])
    p.stop()  # a stage stopped by a signal exits 1 (docs/operations.md); not checked here
    print("ok: a stage process serves its own stage name")

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    taken = busy.getsockname()[1]
    config.write_text(config.read_text().replace('listen = "127.0.0.1:0"', f'listen = "127.0.0.1:{taken}"'))
    r = subprocess.run([str(binary), "enrich", "--config", str(config)], capture_output=True, text=True,
                       timeout=60)
    busy.close()
    if r.returncode != 1 or f"127.0.0.1:{taken}" not in r.stderr:
        fail(f"enrich with its metrics port in use: {r.returncode} {r.stderr}")
    print("ok: a metrics port in use stops the command with a clear error")

    bad = write_config(work, "bad", '[metrics]\nlisten = "127.0.0.1"\n')
    r = subprocess.run([str(binary), "config", "check", str(bad)], capture_output=True, text=True, timeout=60)
    if r.returncode == 0 or "metrics.listen" not in r.stderr:
        fail(f"config check of a bad listen: {r.returncode} {r.stderr}")
    print("ok: a bad [metrics] listen is a config error")


def main():
    binary, src, work = (pathlib.Path(a).resolve() for a in sys.argv[1:4])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    check_run(binary, work)
    check_stage(binary, work)


if __name__ == "__main__":
    main()
