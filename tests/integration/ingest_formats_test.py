#!/usr/bin/env python3
"""User-defined formats, time zones and host names through the command line and
the pipeline: `config check` accepts a config with [[ingest.format]] tables and
an IANA time_zone and names the key of each bad value; `parse --format NAME
--config F` reads a user-defined format; `run` reads it too, and host names
logged instead of addresses (only "localhost": nothing leaves the machine) are
kept, or resolved with resolve_hosts, and never crash enrich or dedup: the
unresolved ones are counted as rejected by enrich, the resolved one goes on.

usage: ingest_formats_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import json
import pathlib
import re
import shutil
import subprocess
import sys

FORMATS = r"""
[[ingest.format]]
name = "edgefw"
kind = "connection-attempt"
pattern = '^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) DROP proto=(?P<proto>\w+) src=(?P<host>[0-9a-fA-F.:]+?):(?P<src_port>\d+) dst=(?P<dst>[0-9a-fA-F.:]+?):(?P<dst_port>\d+)$'
time_format = "%Y-%m-%d %H:%M:%S"

[[ingest.format]]
name = "f2b-sshd"
kind = "brute-force"
syslog = true
signature = "sshd-auth"
pattern = '^(?:Failed \S+ for (?:invalid user )?\S+|Invalid user \S+) from (?P<host>\S+)(?: port (?P<src_port>\d+))?'
"""

FW_LINES = [
    "2001-10-28 00:30:00 DROP proto=TCP src=192.0.2.7:4242 dst=198.51.100.2:23",  # EDT
    "2001-10-28 03:00:00 DROP proto=udp src=192.0.2.7:4243 dst=198.51.100.2:1434",  # EST, Slammer's port
    "2001-10-28 03:00:01 ACCEPT proto=TCP src=192.0.2.8:1 dst=198.51.100.2:80",  # no match: no probe
]
AUTH_LINES = [
    "Oct 28 09:12:44 gw sshd[4242]: Invalid user oracle from localhost port 4711",
    "Oct 28 09:12:45 gw sshd[4242]: Failed password for root from 192.0.2.9 port 4712 ssh2",
]


from live_common import fail  # noqa: E402  (the shared failure exit)


def run(args, expect_rc=0):
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if r.returncode != expect_rc:
        fail(f"{' '.join(map(str, args))}: exit {r.returncode}, wanted {expect_rc}\n{r.stdout}\n{r.stderr}")
    return r


def check_config_errors(binary, work):
    input_ = '[[ingest.input]]\nformat = "sshd"\npath = "auth.log"\n'
    cases = {
        "ingest.format[0].pattern": FORMATS.replace("(?P<host>[0-9a-fA-F.:]+?)", "(?P<host>([0-9a-fA-F.:]+?)"),
        "ingest.input[0].time_zone": input_ + 'time_zone = "Europe/Atlantis"\n',
        "ingest.format[1].time_format": FORMATS.replace('syslog = true\n', 'syslog = true\ntime_format = "%Y"\n'),
    }
    for key, text in cases.items():
        path = work / "bad.toml"
        path.write_text(text)
        r = run([binary, "config", "check", str(path)], expect_rc=1)
        if key not in r.stderr:
            fail(f"config error does not name {key}: {r.stderr}")


def check_parse(binary, work, config):
    r = run([binary, "parse", "--format", "edgefw", "--config", str(config), str(work / "fw.log")])
    events = [json.loads(line) for line in r.stdout.splitlines()]
    if len(events) != 2 or "3 lines, 2 events, 1 not probes, 0 rejected" not in r.stderr:
        fail("parse of the user format: " + r.stdout + r.stderr)
    first, second = events
    if (first["src"], first["src_port"], first["dst"], first["dst_port"], first["proto"], first["kind"]) != (
            "192.0.2.7", 4242, "198.51.100.2", 23, "tcp", "connection-attempt"):
        fail("first event: " + json.dumps(first))
    if (second["kind"], second["signature"], second["proto"]) != ("worm", "sql-slammer", "udp"):
        fail("second event: " + json.dumps(second))
    r = run([binary, "parse", "--format", "edgefw", str(work / "fw.log")], expect_rc=2)
    if "unknown format 'edgefw'" not in r.stderr:
        fail("without --config the user format must be unknown: " + r.stderr)


def main():
    binary, _source, work = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    (work / "fw.log").write_text("\n".join(FW_LINES) + "\n")
    (work / "auth.log").write_text("\n".join(AUTH_LINES) + "\n")
    (work / "auth2.log").write_text(AUTH_LINES[0] + "\n")
    config = work / "abuseflow.toml"
    config.write_text(f"""state_dir = "{work}/state"
[notify]
outbox = "{work}/outbox"
[ingest]
{FORMATS}
[[ingest.input]]
format = "edgefw"
path = "{work}/fw.log"
sensor = "edge1"
time_zone = "America/New_York"
[[ingest.input]]
format = "f2b-sshd"
path = "{work}/auth.log"
year = 2001
[[ingest.input]]
format = "sshd"
path = "{work}/auth2.log"
year = 2001
resolve_hosts = true
""")
    r = run([binary, "config", "check", str(config)])
    if "3 inputs" not in r.stdout:
        fail("config check: " + r.stdout)
    check_config_errors(binary, work)
    check_parse(binary, work, config)
    r = run([binary, "run", "--config", str(config)])
    counts = re.findall(r"input \S+ \(([\w-]+)\): (\d+) lines, (\d+) events", r.stdout + r.stderr)
    if counts != [("edgefw", "3", "2"), ("f2b-sshd", "2", "2"), ("sshd", "1", "1")]:
        fail(f"ingest counts {counts}:\n{r.stdout}{r.stderr}")
    # Four events have an address (two firewall lines, 192.0.2.9, localhost resolved);
    # the kept host name has none: enrich counts it as rejected and passes on four.
    m = re.search(r"enrich: done events=(\d+)", r.stderr)
    if not m or m.group(1) != "4":
        fail("enrich did not pass on exactly the 4 events with an address:\n" + r.stderr)
    if "source=127.0.0.1" not in r.stderr and "127.0.0.1" not in r.stdout:
        fail("the resolved localhost event did not reach notify:\n" + r.stdout + r.stderr)
    print("ok: user formats, time zones and host names through config check, parse and run")


if __name__ == "__main__":
    main()
