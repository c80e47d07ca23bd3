#!/usr/bin/env python3
"""The end-to-end flood benchmark: a generated worm day (generate.py: access,
netfilter and portsentry logs) through
`abuseflow run` (one process) and through the four stage processes over tcp
on loopback, with the figures an operator cares about:

  events per second end to end, peak resident memory, CPU seconds per million
  events, registry queries against distinct covering blocks, mails against
  distinct contacts, and time from the start to the first mail written.

    python3 bench/flood/run.py --abuseflow build/cli/abuseflow --events 1000000

Prints a table and writes result.json into the work folder (default
/tmp/abuseflow-flood-<events>). The flood is generated once per size and
reused. Nothing here touches a network other than 127.0.0.1.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "tests" / "integration"))
import outbox  # noqa: E402  (the integration tests' outbox reader)

CONFIG = """\
state_dir = "{work}/state"
[ingest]
batch_size = 512
[[ingest.input]]
format = "apache"
path = "{flood}/access.log"
sensor = "www1"
year = 2001
[[ingest.input]]
format = "netfilter"
path = "{flood}/firewall.log"
year = 2001
utc_offset = "-04:00"
tz_name = "EDT"
[[ingest.input]]
format = "portsentry"
path = "{flood}/portsentry.log"
year = 2001
utc_offset = "-04:00"
tz_name = "EDT"
{enrich}
[notify]
outbox = "{work}/outbox"
[endpoints]
enrich = "tcp://127.0.0.1:{p0}"
dedup = "tcp://127.0.0.1:{p1}"
notify = "tcp://127.0.0.1:{p2}"
"""


def generate(flood, events):
    if (flood / "meta.json").exists():
        return json.loads((flood / "meta.json").read_text())
    print(f"generating {events} events into {flood} ...", file=sys.stderr)
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--events", str(events), "--out",
                    str(flood)], check=True, stdout=subprocess.DEVNULL)
    return json.loads((flood / "meta.json").read_text())


OFFLINE = '[enrich]\nregistry = ["{flood}/registry.db"]'

WHOIS = """[enrich]
sources = ["whois"]
[enrich.whois]
only_listed = true
queries_per_minute = {per_minute}
burst = 100
more_specifics = {more}
[enrich.whois.servers]
"whois.iana.org" = "127.0.0.1:{iana}"
"whois.ripe.net" = "127.0.0.1:{ripe}"
"""


class WhoisFixture:
    """bench/flood/whois_server.py serving the flood's registry."""

    def __init__(self, flood, latency_ms, per_minute, more_specifics=True):
        self.per_minute = per_minute
        self.more_specifics = more_specifics
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "whois_server.py"), str(flood / "registry.db"),
             "--latency-ms", str(latency_ms), "--per-minute", str(per_minute)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.ports = json.loads(self.proc.stdout.readline())

    def enrich_section(self):
        # The client's own limit sits just under the server's, as an operator
        # would set it; 0 (no server limit) leaves the client unlimited.
        limit = max(1, self.per_minute - 1) if self.per_minute else 1000000
        return WHOIS.format(per_minute=limit, more=str(self.more_specifics).lower(),
                            iana=self.ports["whois.iana.org"],
                            ripe=self.ports["whois.ripe.net"])

    def stop(self):
        self.proc.stdin.close()
        err = self.proc.stderr.read()
        self.proc.wait(timeout=30)
        return {f"{m.group(1)} {m.group(2)}": int(m.group(3))
                for m in re.finditer(r"(queries|denied|more) (\S+) (\d+)", err)}


def fresh(work, flood, enrich=None):
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    base = random.Random().randrange(20000, 60000, 3)
    path = work / "abuseflow.toml"
    enrich = enrich or OFFLINE.format(flood=flood)
    path.write_text(CONFIG.format(work=work, flood=flood, enrich=enrich, p0=base, p1=base + 1,
                                  p2=base + 2))
    return path


def first_mail_seconds(outbox, start):
    times = [p.stat().st_mtime for p in Path(outbox).glob("*.eml")]
    return min(times) - start if times else None


def summary_numbers(text):
    def grab(pattern):
        m = re.search(pattern, text)
        return int(m.group(1)) if m else None
    return {"events": grab(r"events read:\s+(\d+)"), "queries": grab(r"registry queries:\s+(\d+)"),
            "mails": grab(r"mails written:\s+(\d+)")}


def log_numbers(text):
    """The same figures from the stages' final log lines (multi-process mode)."""
    def grab(pattern):
        m = re.search(pattern, text)
        return int(m.group(1)) if m else None
    return {"events": grab(r"ingest: done lines=\d+ events=(\d+)"),
            "queries": grab(r"registry_queries=(\d+)"), "mails": grab(r"notify: done .*mails=(\d+)")}


def start_stage(binary, args, work, name):
    """Starts abuseflow with stdout and stderr in files of the work folder."""
    out = open(work / f"{name}.out", "w")
    err = open(work / f"{name}.err", "w")
    return subprocess.Popen([binary, *args], stdout=out, stderr=err)


def wait_stage(proc, work, name):
    """Waits for one process; returns its resource usage. Exits on failure."""
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"abuseflow {name} failed ({code}): {(work / f'{name}.err').read_text()[-2000:]}")
    return usage


def run_one(binary, work, flood, enrich=None):
    config = fresh(work, flood, enrich)
    start = time.time()
    ru = wait_stage(start_stage(binary, ["run", "--config", str(config)], work, "run"), work, "run")
    wall = time.time() - start
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "peak_rss_mib": ru.ru_maxrss / 1024,
            "first_mail": first_mail_seconds(work / "outbox", start),
            **summary_numbers((work / "run.out").read_text())}


def run_multi(binary, work, flood):
    config = fresh(work, flood)
    start = time.time()
    stages = ("notify", "dedup", "enrich", "ingest")
    procs = {s: start_stage(binary, [s, "--config", str(config)], work, s) for s in stages}
    cpu, peak = 0.0, {}
    for stage, proc in procs.items():
        ru = wait_stage(proc, work, stage)
        cpu += ru.ru_utime + ru.ru_stime
        peak[stage] = ru.ru_maxrss / 1024
    wall = time.time() - start
    logs = "".join((work / f"{s}.err").read_text() for s in stages)
    return {"wall": wall, "cpu": cpu, "peak_rss_mib": max(peak.values()),
            "peak_rss_by_stage_mib": peak, "first_mail": first_mail_seconds(work / "outbox", start),
            **log_numbers(logs)}


def routing(outbox_dir, expected_tsv):
    """Compares the outbox with expected.tsv: (misrouted addresses, addresses in no mail).
    An address is misrouted when a mail naming it is not to its expected contact."""
    expected = {}
    for line in Path(expected_tsv).read_text().splitlines():
        if line and not line.startswith("#"):
            address, contact = line.split("\t")[:2]
            expected[address] = contact.lower()
    misrouted, seen = set(), set()
    for mail in outbox.read_mails(outbox_dir).values():
        for address in outbox.addresses_in(outbox.body_text(mail)) & expected.keys():
            seen.add(address)
            if expected[address] not in outbox.recipients(mail):
                misrouted.add(address)
    return sorted(misrouted), sorted(expected.keys() - seen)


def report(meta, results):
    print(f"flood: {meta['events']} events from {meta['hosts']} hosts in {meta['covering_blocks']} "
          f"covering blocks of {meta['blocks']}, {meta['contacts']} contacts")
    print(f"{'mode':<14}{'events/s':>12}{'wall s':>9}{'CPU s/M':>9}{'peak MiB':>10}"
          f"{'queries':>9}{'blocks':>8}{'mails':>7}{'contacts':>9}{'1st mail s':>11}")
    for mode, r in results.items():
        eps = r["events"] / r["wall"] if r["events"] else 0
        cpu_per_m = r["cpu"] / (r["events"] / 1e6) if r["events"] else 0
        first = f"{r['first_mail']:.2f}" if r["first_mail"] is not None else "-"
        print(f"{mode:<14}{eps:>12,.0f}{r['wall']:>9.2f}{cpu_per_m:>9.2f}{r['peak_rss_mib']:>10.0f}"
              f"{r['queries']:>9}{meta['covering_blocks']:>8}{r['mails']:>7}{meta['contacts']:>9}"
              f"{first:>11}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--abuseflow", default="build/cli/abuseflow")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--work", default=None)
    ap.add_argument("--modes", default="one,multi",
                    help="comma-separated: one (offline registry, one process), multi (four "
                         "processes), whois (one process, cold, against the WHOIS fixture)")
    ap.add_argument("--latency-ms", type=float, default=50, help="WHOIS answer latency")
    ap.add_argument("--per-minute", type=int, default=0, help="WHOIS server rate limit (0: none)")
    ap.add_argument("--no-more-specifics", action="store_true",
                    help="whois mode with [enrich.whois] more_specifics = false (no -m queries)")
    args = ap.parse_args()
    binary = str(Path(args.abuseflow).resolve())
    root = Path(args.work or f"/tmp/abuseflow-flood-{args.events}")
    flood = root / "flood"
    meta = generate(flood, args.events)
    results = {}
    modes = args.modes.split(",")
    if "one" in modes:
        results["one process"] = run_one(binary, root / "one", flood)
    if "multi" in modes:
        results["four procs"] = run_multi(binary, root / "multi", flood)
    if "whois" in modes:
        fixture = WhoisFixture(flood, args.latency_ms, args.per_minute, not args.no_more_specifics)
        try:
            r = run_one(binary, root / "whois", flood, fixture.enrich_section())
        finally:
            counts = fixture.stop()
        r["queries"] = counts.get("queries whois.ripe.net", 0)
        r["iana_queries"] = counts.get("queries whois.iana.org", 0)
        r["denied"] = counts.get("denied whois.ripe.net", 0)
        r["more_specific_queries"] = counts.get("more whois.ripe.net", 0)
        misrouted, missing = routing(root / "whois" / "outbox", flood / "expected.tsv")
        r["misrouted"], r["missing"] = len(misrouted), len(missing)
        print(f"whois: {r['queries']} RIPE queries ({r['more_specific_queries']} of them -m), "
              f"{r['iana_queries']} IANA; {len(misrouted)} misrouted addresses, "
              f"{len(missing)} expected addresses in no mail"
              + (f" (e.g. {', '.join(misrouted[:5])})" if misrouted else ""))
        results[f"whois {args.latency_ms:g}ms"] = r
    report(meta, results)
    (root / "result.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))


if __name__ == "__main__":
    main()
