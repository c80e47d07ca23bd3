#!/usr/bin/env python3
"""The [metrics] endpoint of `abuseflow run` and of a stage process.

`run` with a followed file and `[metrics] listen = "127.0.0.1:0"`: /health is
200 with the four stages, /metrics is valid Prometheus text (checked line by
line) with the process metrics; SIGTERM drains and the process exits 0.
`abuseflow enrich` serves its own stage name; a metrics port in use stops the
command with a clear error; a bad listen is a config error.

Then every stage series docs/operations.md names moves in a real replay:
`run` against the fixture WHOIS servers (a tight rate, one server answering
with its limit message first) and the fixture SMTP server, with a malformed
line and a block policy, writing `[metrics] textfile`; a second run after a
bounce was imported shows the replies.

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


from live_common import fail  # noqa: E402  (the shared failure exit)


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


# series -> why it must have moved in the replay (docs/operations.md, "Metrics")
MOVED = {
    'abuseflow_stage_events_in_total{stage="ingest"}': "lines read",
    'abuseflow_stage_events_out_total{stage="ingest"}': "events journaled",
    'abuseflow_stage_rejected_total{reason="bad-time",stage="ingest"}': "the malformed line",
    'abuseflow_ingest_lines_total{format="apache"}': "lines per format",
    'abuseflow_ingest_events_total{format="apache"}': "events per format",
    'abuseflow_stage_events_in_total{stage="enrich"}': "events enriched",
    'abuseflow_stage_events_out_total{stage="enrich"}': "events forwarded",
    'abuseflow_enrich_cache_hits_total': "the second line of each address",
    'abuseflow_enrich_cache_misses_total': "the first line of each block",
    'abuseflow_whois_queries_total{server="whois.ripe.net"}': "queries per server",
    'abuseflow_whois_rate_limit_waits_total{server="whois.apnic.net"}': "burst 1: its second query waits",
    'abuseflow_whois_rate_limited_total{server="whois.lacnic.net"}': "LACNIC's limit message",
    'abuseflow_stage_events_in_total{stage="dedup"}': "events applied",
    'abuseflow_stage_events_out_total{stage="dedup"}': "incidents",
    'abuseflow_dedup_blocks_active{shard="0"}': "block_after_notices = 1, each address's second line a minute later",
    'abuseflow_stage_events_in_total{stage="notify"}': "incidents batched",
    'abuseflow_stage_events_out_total{stage="notify"}': "mails written",
    'abuseflow_notify_deliveries_total{result="sent"}': "mails the SMTP fixture took",
    'abuseflow_link_batches_sent_total{link="dedup"}': "dedup's link",
    'abuseflow_link_batches_received_total{endpoint="inproc://notify"}': "notify's endpoint",
}


def replay_metrics(binary, config, textfile):
    r = subprocess.run([str(binary), "run", "--config", str(config)], capture_output=True, text=True,
                       timeout=300)
    if r.returncode != 0:
        fail(f"run exited {r.returncode}: {r.stderr}")
    if not textfile.exists():
        fail(f"no metrics textfile {textfile}")
    return parse_exposition(textfile.read_text())


def check_counters_move(binary, src, work):
    import outbox
    import replies_test
    import smtp_delivery_test
    import whois_test
    work = work / "replay"
    work.mkdir()
    whois, ports, _ = whois_test.start_fixture(src, work)
    python = smtp_delivery_test.fixture_python()
    if not python:
        fail("python3-aiosmtpd is not installed (scripts/setup.sh installs it)")
    smtp = smtp_delivery_test.SmtpFixture(python, src, work / "smtp.log")
    try:
        config = whois_test.write_config(work, ports)
        with open(work / "access.log", "a") as log:
            log.write('194.160.0.5 - - [18/Sep/2001:99:99:99 -0400] "GET / HTTP/1.0" 404 1\n')
        # One query per server per 0.5 s: a server asked twice in a row waits.
        text = config.read_text().replace("burst = 100", "burst = 1")
        text = text.replace("queries_per_minute = 60000", "queries_per_minute = 120")
        # One line per batch, so that each address's second line, a minute
        # after its first, comes after the first notice and escalates.
        text = text.replace("[[ingest.input]]", "[ingest]\nbatch_size = 1\n[[ingest.input]]", 1)
        # Lookups on enrich's thread: with asynchronous ones both lines of an
        # address wait for the same answer and reach dedup in one batch.
        text = text.replace("[enrich]\n", "[enrich]\nlookup_threads = 0\n", 1)
        text = text.replace("[notify]\n", f"""[dedup.policy]
block_after_notices = 1
report_window = "1s"
repeat_interval = "30s"
[notify]
delivery = "smtp"
""")
        textfile = work / "abuseflow.prom"
        text += f"""[notify.smtp]
url = "smtp://127.0.0.1:{smtp.port}"
domain_per_minute = 100000
contact_per_day = 100
[metrics]
textfile = "{textfile}"
"""
        config.write_text(text)
        samples = replay_metrics(binary, config, textfile)
        missing = [f"{series} ({why}): {samples.get(series)}" for series, why in MOVED.items()
                   if not samples.get(series, 0) > 0]
        if missing:
            fail("series that did not move:\n  " + "\n  ".join(missing))
        # Gauges that are back at 0 once the replay is over must still be there.
        for gauge in ('abuseflow_whois_pending_lookups{server="whois.ripe.net"}',
                      'abuseflow_stage_held_batches{stage="dedup"}', 'abuseflow_stage_held_batches{stage="notify"}',
                      'abuseflow_link_batches_in_flight{link="enrich"}',
                      'abuseflow_ingest_journal_unacked_bytes', 'abuseflow_ingest_journal_unacked_batches'):
            if samples.get(gauge) != 0:
                fail(f"{gauge} after the replay: {samples.get(gauge)} (expected present and 0)")
        if samples.get('abuseflow_link_batches_dropped_total{link="dedup"}') != 0:
            fail("a link dropped batches")
        print(f"ok: {len(MOVED)} stage series moved in a replay (textfile {len(samples)} series)")

        notice = sorted(outbox.read_mails(work / "outbox").values(), key=lambda m: m["Message-ID"])[0]
        maildir = work / "Maildir"
        for sub in ("new", "cur", "tmp"):
            (maildir / sub).mkdir(parents=True)
        (maildir / "new" / "1.host").write_text(replies_test.bounce(notice))
        r = subprocess.run([str(binary), "replies", "import", "--state", str(work / "state"), str(maildir)],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0 or "bounces 1" not in r.stdout:
            fail(f"replies import: {r.returncode} {r.stdout} {r.stderr}")
        samples = replay_metrics(binary, config, textfile)
        if samples.get('abuseflow_notify_replies{kind="bounce"}') != 1:
            fail(f"replies after the import: {[k for k in samples if 'replies' in k]}")
        print("ok: notify shows the imported bounce at its next start")
    finally:
        whois.stdin.close()
        whois.wait(timeout=30)
        smtp.stop()


def main():
    binary, src, work = (pathlib.Path(a).resolve() for a in sys.argv[1:4])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    check_run(binary, work)
    check_stage(binary, work)
    check_counters_move(binary, src, work)


if __name__ == "__main__":
    main()
