#!/usr/bin/env python3
"""The utilities: parse, whois, history, blocks, reply, policy and config check, as a user calls them.

usage: cli_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import csv
import json
import pathlib
import shutil
import subprocess
import sys

FIELDS = ["time", "sensor", "src", "src_port", "dst", "dst_port", "proto", "kind", "signature",
          "format", "raw"]


from live_common import fail  # noqa: E402  (the shared failure exit)


def run(binary, *args, stdin=None, code=0):
    r = subprocess.run([binary, *args], input=stdin, capture_output=True, text=True, timeout=120)
    if r.returncode != code:
        fail(f"{' '.join(args)} exited {r.returncode}, expected {code}: {r.stderr}")
    return r


def check_parse(binary):
    line = ('198.18.0.7 - - [18/Sep/2001:09:12:44 -0400] "GET /scripts/root.exe?/c+dir HTTP/1.0" '
            '404 284 "-" "-"\n'
            '198.18.0.8 - - [18/Sep/2001:09:12:45 -0400] "GET /index.html HTTP/1.0" 200 9 "-" "-"\n')
    r = run(binary, "parse", "--format", "apache", "-", stdin=line)
    events = [json.loads(l) for l in r.stdout.splitlines()]
    if len(events) != 1:
        fail(f"parse gave {len(events)} events, expected 1 (the second line is no probe)")
    e = events[0]
    if list(e.keys()) != FIELDS:
        fail(f"parse fields {list(e.keys())}")
    if (e["src"], e["kind"], e["signature"], e["time"]) != ("198.18.0.7", "worm", "nimda",
                                                             "2001-09-18T13:12:44Z"):
        fail(f"parse event {e}")
    if "1 not probes" not in r.stderr:
        fail(f"parse summary: {r.stderr}")
    run(binary, "parse", "--format", "no-such-format", "-", stdin="", code=2)
    print("ok: parse")


def check_whois(binary, src):
    registry = src / "demo" / "registry" / "demo.db"
    with open(src / "demo" / "expected.tsv") as f:
        rows = [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]
    for address, contact in rows[:: max(1, len(rows) // 20)]:
        r = run(binary, "whois", "--registry", str(registry), address)
        owner = json.loads(r.stdout)
        for key in ("netblock", "owner", "netname", "country", "abuse", "source"):
            if key not in owner:
                fail(f"whois output lacks {key}: {owner}")
        if owner["abuse"][0].lower() != contact.lower():
            fail(f"whois {address}: abuse {owner['abuse']}, expected {contact}")
    run(binary, "whois", "--registry", str(registry), "not-an-address", code=2)
    run(binary, "whois", "--registry", str(registry), "203.0.113.1", code=1)
    print("ok: whois")


def check_history(binary, work):
    log = work / "one.log"
    log.write_text(
        '198.18.0.7 - - [18/Sep/2001:09:12:44 -0400] "GET /scripts/root.exe?/c+dir HTTP/1.0" 404 1\n'
        '198.18.0.7 - - [18/Sep/2001:09:12:45 -0400] "GET /MSADC/root.exe?/c+dir HTTP/1.0" 404 1\n')
    run(binary, "run", "--input", f"apache:{log}", "--state", str(work / "state"), "--outbox",
        str(work / "outbox"))
    h = json.loads(run(binary, "history", "--state", str(work / "state"), "198.18.0.7", "--json").stdout)
    if (h["address"], h["count"], h["first_seen"], h["last_seen"]) != (
            "198.18.0.7", 2, "2001-09-18T13:12:44Z", "2001-09-18T13:12:45Z"):
        fail(f"history {h}")
    if h["kinds"] != [{"kind": "worm", "signature": "nimda", "count": 2}] or len(h["samples"]) != 2:
        fail(f"history kinds/samples {h}")
    if [n["notice_number"] for n in h["notice_log"]] != [1] or h["block"]["active"]:
        fail(f"history notice_log/block {h}")
    text = run(binary, "history", "--state", str(work / "state"), "198.18.0.7").stdout
    if "198.18.0.7" not in text or "#1 " not in text or "worm/nimda 2" not in text:
        fail(f"history text: {text}")
    run(binary, "history", "--state", str(work / "state"), "198.18.0.99", code=1)
    print("ok: history")
    check_blocks(binary, work)


def check_blocks(binary, work):
    """Blocks by hand, a reply that lifts one, the block files and policy explain."""
    state = str(work / "state")
    run(binary, "blocks", "add", "--state", state, "198.18.0.7", "--for", "10d")
    run(binary, "blocks", "add", "--state", state, "2001:db8::9")
    listed = json.loads(run(binary, "blocks", "list", "--state", state, "--json").stdout)
    if sorted(b["address"] for b in listed) != ["198.18.0.7", "2001:db8::9"]:
        fail(f"blocks list {listed}")
    blocks = work / "state" / "blocks"
    if (blocks / "blocklist.txt").read_text() != "198.18.0.7\n2001:db8::9\n":
        fail(f"blocklist.txt: {(blocks / 'blocklist.txt').read_text()!r}")
    if "add element inet abuseflow blocked_v4 { 198.18.0.7 }" not in (blocks / "nftables.nft").read_text():
        fail("nftables.nft lacks the address")
    if "add abuseflow-v6 2001:db8::9" not in (blocks / "ipset.restore").read_text():
        fail("ipset.restore lacks the address")
    run(binary, "reply", "record", "--state", state, "198.18.0.7", "--kind", "human", "--fixed")
    run(binary, "blocks", "lift", "--state", state, "2001:db8::9")
    run(binary, "blocks", "lift", "--state", state, "2001:db8::9", code=1)
    if json.loads(run(binary, "blocks", "list", "--state", state, "--json").stdout) != []:
        fail("blocks remain after the reply and the lift")
    if (blocks / "blocklist.txt").read_text() != "":
        fail("blocklist.txt not emptied")
    h = json.loads(run(binary, "history", "--state", state, "198.18.0.7", "--json").stdout)
    if h["block"]["lifted_by"] != "reply" or h["replies"][0]["kind"] != "human":
        fail(f"reply not recorded: {h}")
    run(binary, "reply", "record", "--state", state, "198.18.0.7", "--kind", "pigeon", code=2)
    explain = run(binary, "policy", "explain", "--state", state, "198.18.0.7").stdout
    for needle in ("rule worm", "rule manual", "lift-reply", "next event"):
        if needle not in explain:
            fail(f"policy explain lacks {needle!r}: {explain}")
    print("ok: blocks, reply record, policy explain")


def check_config(binary, src, work):
    r = run(binary, "config", "check", str(src / "demo" / "abuseflow.toml"))
    if "ok" not in r.stdout:
        fail(f"config check: {r.stdout}")
    bad = work / "bad.toml"
    bad.write_text('[notify]\nwindow = "24h"\nwindwo = "1h"\n')
    r = run(binary, "config", "check", str(bad), code=1)
    if "notify.windwo" not in r.stderr:
        fail(f"unknown key not named: {r.stderr}")
    print("ok: config check")


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    check_parse(binary)
    check_whois(binary, src)
    check_history(binary, work)
    check_config(binary, src, work)


if __name__ == "__main__":
    main()
