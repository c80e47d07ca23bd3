#!/usr/bin/env python3
"""Crash and stall tests of the whole pipeline (docs/guarantees.md).

A worm flood of more than a million events goes through separate processes
on loopback: ingest, two enrich workers, two dedup shards and notify.

1. reference: the flood, uninterrupted.
2. kills: the same flood while every process is killed with SIGKILL several
   times at random moments and started again at once. At the end the
   per-address histories of both shards and the set of mails must be
   identical to the reference: no event lost, none counted twice, no mail
   missing or doubled.
3. stall: the same flood while notify is stopped (SIGSTOP) for a minute.
   Memory of every process stays bounded (its peak resident size is
   reported and checked against a bound), nothing is dropped, the backlog
   clears after, and the result again equals the reference.

usage: fault_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR [--events N] [--stall SECONDS]
"""

import argparse
import json
import os
import pathlib
import random
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from live_common import fail, free_port  # noqa: E402

STAGES = ["notify", "dedup-0", "dedup-1", "enrich-0", "enrich-1", "ingest"]
RUN_TIMEOUT = 900
KILLS_EACH = 3
MEMORY_BOUND_MB = 1024  # per process, while notify stalls with the whole flood behind it

CONFIG = """\
state_dir = "{work}/state"
[ingest]
batch_size = 512
[[ingest.input]]
format = "apache"
path = "{flood}/access.log"
sensor = "www1"
year = 2001
[enrich]
registry = ["{flood}/registry.db"]
[notify]
outbox = "{work}/outbox"
[endpoints]
enrich = ["tcp://127.0.0.1:{p[0]}", "tcp://127.0.0.1:{p[1]}"]
dedup = ["tcp://127.0.0.1:{p[2]}", "tcp://127.0.0.1:{p[3]}"]
notify = "tcp://127.0.0.1:{p[4]}"
"""


def command(binary, config, stage):
    if stage.startswith("enrich-"):
        return [binary, "enrich", "--config", str(config), "--worker", stage[-1]]
    if stage.startswith("dedup-"):
        return [binary, "dedup", "--config", str(config), "--shard", stage[-1]]
    return [binary, stage, "--config", str(config)]


class Pipeline:
    """The six processes of one run, each restartable, output appended to a log."""

    def __init__(self, binary, flood, work):
        self.work = work
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        self.config = work / "abuseflow.toml"
        ports = [free_port() for _ in range(5)]
        self.config.write_text(CONFIG.format(work=work, flood=flood, p=ports))
        self.binary = binary
        self.procs = {}
        self.kills = {s: 0 for s in STAGES}
        self.peak_rss_kb = {s: 0 for s in STAGES}
        for stage in STAGES:
            self.start(stage)

    def start(self, stage):
        with open(self.work / f"{stage}.log", "a") as log:
            self.procs[stage] = subprocess.Popen(command(self.binary, self.config, stage),
                                                 stdout=log, stderr=subprocess.STDOUT)

    def running(self, stage):
        return self.procs[stage].poll() is None

    def check_exits(self):
        for stage, proc in self.procs.items():
            if proc.poll() not in (None, 0):
                log = (self.work / f"{stage}.log").read_text()[-3000:]
                fail(f"{self.work.name}: {stage} exited {proc.returncode}:\n{log}")

    def kill_and_restart(self, stage):
        proc = self.procs[stage]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.kills[stage] += 1
        self.start(stage)

    def sample_memory(self):
        for stage, proc in self.procs.items():
            try:
                for line in pathlib.Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        self.peak_rss_kb[stage] = max(self.peak_rss_kb[stage], int(line.split()[1]))
            except (FileNotFoundError, ProcessLookupError):
                pass

    def wait_done(self, on_tick=None):
        """Until ingest has ended: its end of stream is acknowledged only once
        every stage is done with it, notify's mails written. Then the others
        end by themselves or, past a grace period, are stopped with SIGTERM
        (a stage killed right at the end may wait for an acknowledgement its
        finished downstream no longer sends; docs/guarantees.md)."""
        end = time.monotonic() + RUN_TIMEOUT
        while self.running("ingest"):
            self.check_exits()
            if on_tick:
                on_tick()
            if time.monotonic() > end:
                fail(f"{self.work.name}: ingest did not finish in {RUN_TIMEOUT} s")
            time.sleep(0.1)
        self.check_exits()
        grace = time.monotonic() + 30
        while any(self.running(s) for s in STAGES) and time.monotonic() < grace:
            time.sleep(0.1)
        lingering = [s for s in STAGES if self.running(s)]
        for s in lingering:
            self.procs[s].send_signal(signal.SIGTERM)
        for s in lingering:
            try:
                self.procs[s].wait(timeout=30)
            except subprocess.TimeoutExpired:
                fail(f"{self.work.name}: {s} did not stop on SIGTERM")
        for s in STAGES:
            if s not in lingering and self.procs[s].returncode != 0:
                fail(f"{self.work.name}: {s} exited {self.procs[s].returncode}")
        return lingering

    def histories(self, shard):
        r = subprocess.run([self.binary, "history", "--all", "--state", str(self.work / "state" / f"shard-{shard}")],
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            fail(f"history --all exited {r.returncode}: {r.stderr}")
        return r.stdout.splitlines()

    def mails(self):
        """Every mail by file name, without its Date header (the time it was written)."""
        out = {}
        for path in sorted((self.work / "outbox").glob("*.eml")):
            lines = path.read_text(errors="replace").splitlines()
            out[path.name] = "\n".join(line for line in lines if not line.startswith("Date: "))
        return out


def events_in(lines):
    return sum(json.loads(line)["count"] for line in lines)


def compare(name, ref, run, expected_events):
    for shard in (0, 1):
        a, b = ref.histories(shard), run.histories(shard)
        if a != b:
            diff = [(x, y) for x, y in zip(a, b) if x != y][:1]
            fail(f"{name}: shard {shard} histories differ from the reference "
                 f"({len(a)} vs {len(b)} addresses; first difference {diff})")
    total = events_in(run.histories(0)) + events_in(run.histories(1))
    if total != expected_events:
        fail(f"{name}: the histories count {total} events, the flood has {expected_events}")
    ma, mb = ref.mails(), run.mails()
    if set(ma) != set(mb):
        fail(f"{name}: mails missing {sorted(set(ma) - set(mb))[:5]}, extra {sorted(set(mb) - set(ma))[:5]}")
    different = [n for n in ma if ma[n] != mb[n]]
    if different:
        fail(f"{name}: {len(different)} mails differ from the reference, e.g. {different[0]}")
    print(f"ok: {name}: {total} events, the same histories and the same {len(mb)} mails as the reference")


def events_read(pipeline):
    text = (pipeline.work / "ingest.log").read_text()
    counts = [int(part.split("=")[1]) for line in text.splitlines() if "ingest: done" in line
              for part in line.split() if part.startswith("events=")]
    return counts[-1] if counts else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("source", type=pathlib.Path)
    parser.add_argument("work", type=pathlib.Path)
    parser.add_argument("--events", type=int, default=1_170_000)
    parser.add_argument("--stall", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    binary, work = str(pathlib.Path(args.binary).resolve()), args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    flood = work / "flood"
    subprocess.run([sys.executable, str(args.source / "bench" / "flood" / "generate.py"), "--events",
                    str(args.events), "--out", str(flood)], check=True, stdout=subprocess.DEVNULL)
    lines = sum(1 for _ in open(flood / "access.log", "rb"))
    print(f"flood: {lines} lines in {flood / 'access.log'}; seed {args.seed}")

    started = time.monotonic()
    ref = Pipeline(binary, flood, work / "reference")
    lingering = ref.wait_done()
    if lingering:
        fail(f"reference: {lingering} did not end by themselves")
    expected = events_read(ref)
    if expected is None or expected < 1_000_000:
        fail(f"reference: ingest read {expected} events, the test needs at least a million")
    print(f"reference: {expected} events in {time.monotonic() - started:.0f} s, "
          f"{len(ref.mails())} mails")

    rng = random.Random(args.seed)
    started = time.monotonic()
    run = Pipeline(binary, flood, work / "kills")
    state = {"next": time.monotonic() + rng.uniform(0.5, 2.0)}

    def killer():
        # Each process KILLS_EACH times, the least killed running one next,
        # at random moments.
        if time.monotonic() < state["next"]:
            return
        state["next"] = time.monotonic() + rng.uniform(0.3, 1.2)
        candidates = [s for s in STAGES if run.running(s) and run.kills[s] < KILLS_EACH]
        if candidates:
            fewest = min(run.kills[s] for s in candidates)
            run.kill_and_restart(rng.choice([s for s in candidates if run.kills[s] == fewest]))

    lingering = run.wait_done(killer)
    print(f"kills: {run.kills} in {time.monotonic() - started:.0f} s; stopped with SIGTERM after ingest "
          f"ended: {lingering}")
    compare("kills", ref, run, expected)
    if min(run.kills.values()) < 2:
        fail(f"kills: only {run.kills} kills happened before the end; make the flood larger")

    started = time.monotonic()
    run = Pipeline(binary, flood, work / "stall")
    stall = {"at": time.monotonic() + 3.0, "until": None}

    def staller():
        now = time.monotonic()
        run.sample_memory()
        if stall["until"] is None and now >= stall["at"]:
            run.procs["notify"].send_signal(signal.SIGSTOP)
            stall["until"] = now + args.stall
        elif stall["until"] is not None and now >= stall["until"] and stall["at"] is not None:
            run.procs["notify"].send_signal(signal.SIGCONT)
            stall["at"] = None

    lingering = run.wait_done(staller)
    if lingering:
        fail(f"stall: {lingering} did not end by themselves")
    peaks = {s: kb // 1024 for s, kb in run.peak_rss_kb.items()}
    print(f"stall: notify stopped {args.stall:.0f} s; done in {time.monotonic() - started:.0f} s; "
          f"peak resident MiB {peaks}")
    over = {s: mb for s, mb in peaks.items() if mb > MEMORY_BOUND_MB}
    if over:
        fail(f"stall: memory not bounded: {over} MiB over {MEMORY_BOUND_MB}")
    compare("stall", ref, run, expected)


if __name__ == "__main__":
    main()
