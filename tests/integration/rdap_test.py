#!/usr/bin/env python3
"""The RDAP source end to end: `abuseflow run` against a fixture RDAP service
over HTTPS on loopback (tests/fixtures/rdap_server.py) with a self-signed
certificate made here with the openssl CLI and trusted through rdap.ca_file.

Checks that every mail goes to the contact the RDAP answers give (nested abuse
entity, redirect from one RIR to another, 429 with Retry-After honoured, IPv6,
cidr0), that an operator override answers before RDAP and a never-mail
mailbox is never used, that one request serves a whole block, that hostile
answers (garbage, megabytes, too slow) fail bounded, that the client refuses a
server whose certificate it does not trust, and that a second run starts warm
and asks nothing.

usage: rdap_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import collections
import json
import pathlib
import select
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import outbox  # noqa: E402

EXPECTED = {
    "23.5.1.1": "abuse@prairie-hosting.example.com",
    "23.5.77.2": "abuse@prairie-hosting.example.com",
    "23.5.200.7": "liaison@example.edu",           # [[enrich.override]]
    "81.2.3.4": "abuse@fjord-net.example.net",     # ARIN redirects to RIPE, which says 429 first
    "81.2.100.9": "abuse@fjord-net.example.net",
    "2400:cb00::1": "irt@coral-isp.example.au",    # security@ is on the never-mail list
}
HOSTILE = ["198.51.100.1", "198.51.100.70", "198.51.100.130"]  # garbage, huge, slow
# Requests per registry in a cold run: (registry, status) -> count.
EXPECTED_REQUESTS = {
    ("arin", "200"): 4, ("arin", "301"): 1, ("ripe", "429"): 1, ("ripe", "200"): 1,
    ("apnic", "200"): 1,
}

BOOTSTRAP = {
    "version": "1.0", "publication": "2026-12-01T00:00:00Z",
    "description": "test bootstrap: 81/8 still listed under ARIN, which redirects",
    "services": [
        [["23.0.0.0/8", "81.0.0.0/8", "198.51.100.0/24"], ["https://rdap.arin.net/registry/"]],
        [["2400::/12"], ["https://rdap.apnic.net/"]],
    ],
}


from live_common import fail  # noqa: E402  (the shared failure exit)


def make_certificate(work):
    cert, key = work / "cert.pem", work / "key.pem"
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(cert)], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"openssl could not make a certificate: {r.stderr}")
    return cert, key


def start_fixture(src, work, cert, key):
    route = lambda registry, match, **kw: dict(registry=registry, match=match, **kw)
    spec = {
        "cert": str(cert), "key": str(key), "log": str(work / "requests.log"),
        "fixtures": str(src / "tests" / "fixtures" / "rdap"),
        "routes": [
            route("arin", "23.5.0.0/16", file="arin_23_5.json"),
            route("arin", "81.2.0.0/16", redirect="https://rdap.db.ripe.net/ip/{addr}"),
            route("arin", "198.51.100.0/26", mode="garbage"),
            route("arin", "198.51.100.64/26", mode="huge"),
            route("arin", "198.51.100.128/26", mode="slow"),
            route("ripe", "81.2.0.0/17", file="ripe_81_2.json", rate_limit_first=1),
            route("apnic", "2400:cb00::/32", file="apnic_v6.json"),
        ],
    }
    spec_path = work / "rdap_spec.json"
    spec_path.write_text(json.dumps(spec))
    proc = subprocess.Popen([sys.executable, str(src / "tests" / "fixtures" / "rdap_server.py"),
                             str(spec_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    if not ready:
        proc.kill()
        fail("fixture RDAP server did not start within 30 s")
    return proc, json.loads(proc.stdout.readline())["port"], work / "requests.log"


def write_config(work, port, ca_file, name="abuseflow.toml"):
    log = work / "access.log"
    log.write_text("".join(
        f'{ip} - - [18/Sep/2001:09:12:{i % 60:02d} -0400] "GET /scripts/root.exe?/c+dir HTTP/1.0" 404 1\n'
        for i, ip in enumerate(list(EXPECTED) + HOSTILE)))
    bootstrap = work / "ipv4_and_ipv6.json"
    bootstrap.write_text(json.dumps(BOOTSTRAP))
    base = f"https://127.0.0.1:{port}"
    config = work / name
    config.write_text(f"""state_dir = "{work}/state"
[[ingest.input]]
format = "apache"
path = "{log}"
year = 2001
[enrich]
# The source's own behaviour, one request after the other, so the request
# counts are exact (a slow answer is not asked again as the asynchronous
# lookups do; enrich/enrich_async_test.cc covers those).
lookup_threads = 0
sources = ["rdap"]
never_mail = ["security@coral-isp.example.au"]
[[enrich.override]]
prefixes = ["23.5.200.0/24"]
contact = "liaison@example.edu"
owner = "Our campus"
[enrich.rdap]
bootstrap = ["{bootstrap}"]
ca_file = "{ca_file}"
only_listed = true
timeout = "1s"
max_answer_bytes = 65536
backoff = "1s"
max_wait = "5s"
[enrich.whois]
only_listed = true  # `abuseflow whois` below asks no WHOIS server (none listed)
[enrich.rdap.servers]
"https://rdap.arin.net/registry/" = "{base}/arin/"
"https://rdap.db.ripe.net/" = "{base}/ripe/"
"https://rdap.apnic.net/" = "{base}/apnic/"
[notify]
outbox = "{work}/outbox"
""")
    return config


def run(binary, *args, code=0):
    r = subprocess.run([binary, *args], capture_output=True, text=True, timeout=120)
    if r.returncode != code:
        fail(f"{' '.join(args)}: exit {r.returncode}, expected {code}\n{r.stdout}\n{r.stderr}")
    return r


def requests(log):
    if not log.exists():
        return collections.Counter()
    return collections.Counter((line.split("\t")[0], line.split("\t")[2])
                               for line in log.read_text().splitlines())


def check_mails(work):
    mails = outbox.read_mails(work / "outbox")
    seen = set()
    for name, mail in mails.items():
        for address in outbox.addresses_in(outbox.body_text(mail)):
            if address in HOSTILE:
                fail(f"{address} (hostile answer) was mailed in {name}")
            if address not in EXPECTED:
                continue
            seen.add(address)
            if outbox.recipients(mail) != {EXPECTED[address]}:
                fail(f"{address} is in {name} to {mail['To']}, expected only {EXPECTED[address]}")
    if seen != EXPECTED.keys():
        fail(f"sources in no mail: {sorted(EXPECTED.keys() - seen)}")
    if len(mails) != len(set(EXPECTED.values())):
        fail(f"{len(mails)} mails for {len(set(EXPECTED.values()))} contacts")
    print(f"ok: {len(mails)} mails, each source to its RDAP contact or its override")


def check_raw_json(binary, src, config):
    """The raw JSON of each RDAP answer is persisted (`r/` keys) and shown by
    `abuseflow whois --json` under cache.raw, byte for byte the body served."""
    fixtures = src / "tests" / "fixtures" / "rdap"
    for address, file in (("23.5.1.1", "arin_23_5.json"), ("81.2.100.9", "ripe_81_2.json")):
        r = json.loads(run(binary, "whois", "--config", str(config), "--json", address, code=1).stdout)
        cache = r["cache"]
        if cache["state"] != "hit" or cache["record"]["source"] != "rdap":
            fail(f"whois {address}: cache {cache}")
        if cache.get("raw") != (fixtures / file).read_text():
            fail(f"whois {address}: cached raw is not the served {file}: {cache.get('raw')!r:.200}")
    text = run(binary, "whois", "--config", str(config), "23.5.1.1", code=1).stdout
    if "cached raw answer:" not in text:
        fail(f"whois text output lacks the cached raw answer:\n{text}")
    stats = json.loads(run(binary, "cache", "stats", "--config", str(config), "--json").stdout)
    if stats["raw_answers"] < 3:
        fail(f"cache stats count {stats['raw_answers']} raw answers for 3 RDAP blocks: {stats}")
    print("ok: the raw RDAP JSON is persisted with each answer and shown by whois --json")


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    cert, key = make_certificate(work)
    proc, port, log = start_fixture(src, work, cert, key)
    try:
        config = write_config(work, port, cert)
        r = run(binary, "run", "--config", str(config))
        print(r.stdout)
        check_mails(work)
        got = requests(log)
        if dict(got) != EXPECTED_REQUESTS:
            fail(f"requests {dict(got)}, expected {EXPECTED_REQUESTS}")
        print("ok: one request per block; redirect, 429 retry and hostile answers as expected")
        run(binary, "run", "--config", str(config))
        if requests(log) != got:
            fail(f"the warm run asked again: {dict(requests(log) - got)}")
        print("ok: a second run starts warm and asks nothing")
        check_raw_json(binary, src, config)
        # A client that trusts another CA refuses the fixture: nothing is mailed.
        (work / "other").mkdir()
        other, _ = make_certificate(work / "other")
        shutil.rmtree(work / "state")
        shutil.rmtree(work / "outbox")
        untrusting = write_config(work, port, other, "untrusting.toml")
        r = run(binary, "run", "--config", str(untrusting))
        if requests(log) != got:
            fail("a client that does not trust the certificate still got HTTP answers")
        # Only the override (no network) still answers.
        names = [p.name for p in (work / "outbox").glob("*.eml")]
        if len(names) != 1 or "liaison@example.edu" not in names[0] or "unresolved 8" not in r.stdout:
            fail(f"mails {names} although the certificate is not trusted:\n{r.stdout}")
        print("ok: an untrusted certificate gives no RDAP answer; the override still does")
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
