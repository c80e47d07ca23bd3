#!/usr/bin/env python3
"""`abuseflow whois ADDRESS` shows what the enrich stage would do around the
registries' answer: an [[enrich.override]] (by prefix, or by ASN through
enrich.asn_table) answers with no query sent, and the country of the RIR
delegated statistics (enrich.delegated) is applied as the stage applies it
("fill": only where the answer has none, unresolved addresses included;
"always": replacing it), in the text and the --json output. Runs against
fixture registries on loopback (tests/fixtures/whois_server.py).

usage: whois_rules_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import json
import pathlib
import select
import shutil
import subprocess
import sys


from live_common import fail  # noqa: E402  (the shared failure exit)


def start_fixture(src, work):
    log = work / "queries.log"
    spec = {"log": str(log), "servers": {
        "whois.arin.net": {"answers": [{"match": "8.0.0.0/8", "file": "arin_8_18.txt"}]},
        "whois.ripe.net": {"answers": [{"match": "194.160.0.0/22", "file": "ripe_194_160.txt"}]},
        "whois.iana.org": {"answers": []},
    }}
    (work / "spec.json").write_text(json.dumps(spec))
    proc = subprocess.Popen([sys.executable, str(src / "tests" / "fixtures" / "whois_server.py"),
                             str(work / "spec.json")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    if not ready:
        proc.kill()
        fail("fixture WHOIS server did not start within 30 s")
    return proc, json.loads(proc.stdout.readline()), log


def write_config(work, src, ports, mode):
    offline = src / "tests" / "fixtures" / "offline"
    (work / "pfx2as").write_text("198.51.100.0\t24\t64500\n")
    servers = "".join(f'"{name}" = "127.0.0.1:{port}"\n' for name, port in ports.items())
    config = work / f"abuseflow-{mode}.toml"
    config.write_text(f"""state_dir = "{work}/state"
[enrich]
sources = ["whois"]
delegated = ["{offline}/delegated-arin-extended-20241130", "{offline}/delegated-ripencc-extended-20241130"]
delegated_country = "{mode}"
asn_table = "{work}/pfx2as"
never_mail = ["abuse@fjord-net.example.net"]
[[enrich.override]]
prefixes = ["194.160.2.0/24"]
contact = "liaison@example.edu"
owner = "Campus network"
[[enrich.override]]
asns = [64500]
contact = "noc@asn-override.example"
[enrich.whois]
only_listed = true
timeout = "2s"
more_specifics = false
[enrich.whois.servers]
{servers}""")
    return config


def whois(binary, config, address, code=0, json_output=True):
    args = [binary, "whois", "--config", str(config), address] + (["--json"] if json_output else [])
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if r.returncode != code:
        fail(f"whois {address}: exit {r.returncode}, expected {code}\n{r.stdout}\n{r.stderr}")
    return json.loads(r.stdout) if json_output else r.stdout


def queried(log, address):
    return log.exists() and any(line.split("\t")[1].startswith(address)
                                for line in log.read_text().splitlines())


def check_overrides(binary, config, log):
    j = whois(binary, config, "194.160.2.10")
    if j["steps"] or "override" not in j or j["abuse"] != ["liaison@example.edu"]:
        fail(f"prefix override not shown as such: {j}")
    if j["source"] != "override" or j["cache"]["state"] != "skipped" or "delegated" in j:
        fail(f"prefix override: {j}")
    j = whois(binary, config, "198.51.100.7")
    if j["override"]["netname"] != "override-AS64500" or j["abuse"] != ["noc@asn-override.example"]:
        fail(f"ASN override not shown: {j}")
    text = whois(binary, config, "194.160.2.10", json_output=False)
    if "override: override (194.160.2.0/24), no query sent" not in text or "asked" in text:
        fail(f"override text output:\n{text}")
    if queried(log, "194.160.2.10") or queried(log, "198.51.100.7"):
        fail(f"a query was sent for an overridden address: {log.read_text()}")
    print("ok: prefix and ASN overrides shown, no query sent")


def check_fill(binary, config):
    j = whois(binary, config, "8.18.1.1")
    d = j["delegated"]
    if j["country"] != "US" or d["country"] != "CA" or d["applied"] or d["mode"] != "fill":
        fail(f"fill must keep the answer's country: {j}")
    j = whois(binary, config, "194.160.0.5")  # the never-mail entry is removed, as in the stage
    if "abuse@fjord-net.example.net" in j["abuse"]:
        fail(f"never-mail mailbox shown: {j}")
    j = whois(binary, config, "193.0.0.1", code=1)  # no registry knows it; delegated says NL
    if j.get("country") != "NL" or not j["delegated"]["applied"] or "netblock" in j:
        fail(f"unresolved address without the delegated country: {j}")
    text = whois(binary, config, "193.0.0.1", code=1, json_output=False)
    if "country: NL" not in text or "delegated: NL (ripencc 193.0.0.0/21, fill, applied)" not in text:
        fail(f"unresolved text output:\n{text}")
    print("ok: fill keeps the answer's country and fills an unresolved address's")


def check_always(binary, config):
    j = whois(binary, config, "8.18.1.1")
    d = j["delegated"]
    if j["country"] != "CA" or not d["applied"] or d["answer_country"] != "US" or d["mode"] != "always":
        fail(f"always must replace the answer's country: {j}")
    if d["prefix"] != "8.18.0.0/16" or d["registry"] != "arin":
        fail(f"delegated match: {d}")
    text = whois(binary, config, "8.18.1.1", json_output=False)
    if "country: CA" not in text or "delegated: CA (arin 8.18.0.0/16, always, applied)" not in text:
        fail(f"always text output:\n{text}")
    j = whois(binary, config, "194.160.2.10")
    if j["country"] != "" or "delegated" in j:
        fail(f"the delegated country was applied to an override: {j}")
    print("ok: always replaces the answer's country, never an override's")


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    proc, ports, log = start_fixture(src, work)
    try:
        fill = write_config(work, src, ports, "fill")
        check_overrides(binary, fill, log)
        check_fill(binary, fill)
        check_always(binary, write_config(work, src, ports, "always"))
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
