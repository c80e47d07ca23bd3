#!/usr/bin/env python3
"""Remote sensor agents: two `abuseflow ingest` agents (one with the demo's web
log, one with its firewall log) push their events over ZeroMQ tcp on loopback
to a central `abuseflow ingest` that binds [endpoints] ingest with
--producers 2 and forwards to the central enrich, dedup and notify processes.
Checks the same mails as the demo in one process: every source in exactly one
mail to its own contact.

usage: live_agents_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import pathlib
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import demo_test  # noqa: E402
from live_common import fail, free_port  # noqa: E402

TIMEOUT = 300


def central_config(src, work, ports):
    """The demo config without its inputs, with the agents endpoint."""
    path = demo_test.write_config(src, work, ports[1:])
    text = re.sub(r"\[\[ingest\.input\]\]\n(?:[^\[\n][^\n]*\n|\n)*", "", path.read_text())
    text = text.replace("[endpoints]\n", f'[endpoints]\ningest = "tcp://127.0.0.1:{ports[0]}"\n')
    if "[endpoints]" not in text:
        fail("demo config has no [endpoints] section")
    path.write_text(text)
    return path


def agent_config(src, work, name, log, fmt, central_port):
    path = work / f"agent-{name}.toml"
    path.write_text(f'state_dir = "{work}/agent-{name}-state"\n'
                    f'[[ingest.input]]\nformat = "{fmt}"\npath = "{src}/demo/logs/{log}"\n'
                    f'year = 2001\nutc_offset = "-04:00"\ntz_name = "EDT"\n'
                    + ('sensor = "www1"\n' if fmt == "apache" else "")
                    + f'[endpoints]\nenrich = "tcp://127.0.0.1:{central_port}"\n')
    return path


def wait_all(running, work):
    """Waits for every process to end with 0; fails as soon as one does not."""
    end = time.monotonic() + TIMEOUT
    while running and time.monotonic() < end:
        for name, proc in list(running.items()):
            if proc.poll() is None:
                continue
            if proc.returncode != 0:
                log = work / f"{name}.log"
                fail(f"{name} exited {proc.returncode}: {log.read_text()[-2000:]}")
            del running[name]
        time.sleep(0.05)
    if running:
        fail(f"{sorted(running)} did not finish")


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ports = [str(free_port()) for _ in range(4)]
    central = central_config(src, work, ports)
    procs = {}
    for stage in ("notify", "dedup", "enrich"):
        procs[stage] = [binary, stage, "--config", str(central)]
    procs["central-ingest"] = [binary, "ingest", "--config", str(central), "--producers", "2"]
    procs["agent-www"] = [binary, "ingest", "--config",
                          str(agent_config(src, work, "www", "access.log", "apache", ports[0]))]
    procs["agent-fw"] = [binary, "ingest", "--config",
                         str(agent_config(src, work, "fw", "firewall.log", "netfilter", ports[0]))]
    running = {}
    for name, cmd in procs.items():  # output to files: a full pipe would block a stage
        with open(work / f"{name}.log", "w") as log:
            running[name] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_all(running, work)
    finally:
        for proc in running.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    demo_test.check_outbox(src, work / "outbox")
    print("ok: two agents through a central ingest wrote the demo's mails")


if __name__ == "__main__":
    main()
