"""The WHOIS source end to end: `abuseflow run` against fixture registries on
loopback (tests/fixtures/whois_server.py), then `whois` and `cache` commands.

Checks that every mail goes to the contact the registries give (also a
customer block inside a provider block asked first), that a cold run asks
each server exactly once per distinct covering block (a referral chain costs
one query per server on it) plus one "-m" per RPSL block (ARIN: "n >"), that a second run starts warm and
asks nothing, and that hostile servers (slow, endless, garbage, huge,
referrals to hosts or ports the config does not allow) give bounded failures.

usage: whois_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import collections
import json
import pathlib
import select
import shutil
import subprocess
import sys

import outbox

# address -> expected abuse contact, in the order of the log. The provider's
# RIPE /22 is asked first; the customer /25 inside it comes after, and must
# still get the customer's contact: the resolver asks "-m" for the /22's
# children and caches the /22's answer only outside them (enrich/README.md).
EXPECTED = {
    "194.160.0.5": "abuse@fjord-net.example.net",
    "194.160.2.10": "security@kaffe-bar.example.org",
    "194.160.2.77": "security@kaffe-bar.example.org",
    "194.160.1.7": "abuse@fjord-net.example.net",
    "194.160.3.200": "abuse@fjord-net.example.net",
    "8.18.1.1": "abuse@prairie-cloud.example.com",
    "8.18.2.2": "abuse@prairie-cloud.example.com",
    "8.18.3.7": "abuse@kaffe-roastery.example.com",  # customer /25 inside ARIN's /22: "n >"
    "200.3.13.4": "abuse@andes-tel.example.cl",
    "200.3.14.5": "abuse@andes-tel.example.cl",
    "203.119.81.9": "abuse@coral-isp.example.au",
    "202.11.70.1": "hostmaster@nic.ad.jp.example",
    "202.11.65.3": "hostmaster@nic.ad.jp.example",
    "196.44.100.1": "abuse@savanna-link.example.com",
    "211.234.100.7": "abuse@dalmaji.example.kr",
    "61.220.3.4": "abuse@formosa-net.example.tw",
    # ARIN's 24.90.0.0/16 refers to the ISP's RWhois server, which knows the
    # customer /22 (its Abuse-Contact handle resolved through a contact
    # object); outside it "%error 230 No Objects Found" keeps ARIN's contact.
    "24.90.9.7": "security@harbor-dental.example.org",
    "24.90.200.1": "abuse@example-cable.example.com",
}

# Queries per server in a cold run: one per distinct block on its chain, plus
# the one LACNIC answers with its rate-limit message first (and the RWhois
# server with "%error 501 Service Not Available"), plus one "-m"
# per block an RPSL server answered (RIPE 2, APNIC 1, AFRINIC 1) and one
# "n >" per block ARIN answered (2); the national registries' and LACNIC's
# blocks have no such query.
EXPECTED_QUERIES = {
    "whois.ripe.net": 4, "whois.arin.net": 6, "whois.lacnic.net": 2, "whois.apnic.net": 5,
    "whois.nic.ad.jp": 1, "whois.kisa.or.kr": 1, "whois.twnic.net.tw": 1, "whois.iana.org": 1,
    "whois.afrinic.net": 2, "rwhois.example-cable.example.com": 3,
}
# The "-m" queries the cold run sends, in order per server.
EXPECTED_MORE = {
    "whois.ripe.net": ["-m 194.160.0.0 - 194.160.3.255", "-m 194.160.2.0 - 194.160.2.127"],
    "whois.arin.net": ["n > 8.18.0.0/22", "n > 8.18.3.0/25"],
}

APNIC_KRNIC = """% [whois.apnic.net]
% Abuse contact for '211.234.0.0 - 211.234.255.255' is 'irt@krnic.example.kr'

inetnum:        211.234.0.0 - 211.234.255.255
netname:        KRNIC-KR
descr:          KRNIC
country:        KR
remarks:        This information has been partially mirrored by APNIC from
remarks:        KRNIC. To obtain more specific information, please use the
remarks:        KRNIC whois server at whois.kisa.or.kr.
source:         KRNIC
"""

APNIC_TWNIC = """% [whois.apnic.net]
% Abuse contact for '61.220.0.0 - 61.220.255.255' is 'irt@twnic.example.tw'

inetnum:        61.220.0.0 - 61.220.255.255
netname:        TWNIC-TW
descr:          Taiwan Network Information Center
country:        TW
source:         APNIC
"""


from live_common import fail  # noqa: E402  (the shared failure exit)


def spec(log):
    ans = lambda match, **kw: dict(match=match, **kw)
    return {
        "log": str(log),
        "servers": {
            "whois.iana.org": {"answers": [
                ans("196.0.0.0/8", text="refer:        whois.afrinic.net\n"),
                ans("198.51.100.0/24", text="refer:        whois.arin.net\n"),
                ans("192.0.2.0/25", text="refer:        whois://evil.example.net\n"),
                ans("192.0.2.128/25", text="refer:        whois.ripe.net:4444\n")]},
            "whois.ripe.net": {"answers": [ans("194.160.0.0/22", file="ripe_194_160.txt"),
                                           ans("194.160.2.0/25", file="ripe_194_160_2.txt")],
                               "more_specific": [ans("194.160.0.0/22",
                                                     file="ripe_194_160_more.txt")]},
            "whois.arin.net": {"answers": [
                ans("8.0.0.0/8", file="arin_8_18.txt"), ans("8.18.3.0/25", file="arin_8_18_3.txt"),
                ans("24.90.0.0/16", file="arin_rwhois.txt"),
                ans("198.51.100.0/26", mode="slow"), ans("198.51.100.64/26", mode="endless"),
                ans("198.51.100.128/26", mode="garbage"), ans("198.51.100.192/26", mode="huge")],
                               "more_specific": [ans("8.18.0.0/22", file="arin_8_18_more.txt")]},
            "whois.lacnic.net": {"answers": [ans("200.3.12.0/22", file="lacnic_200_3_12.txt")],
                                 "rate_limit_first": 1},
            "whois.apnic.net": {"answers": [
                ans("203.119.80.0/20", file="apnic_203_119.txt"),
                ans("202.11.0.0/16", file="apnic_jpnic_202_11.txt"),
                ans("211.234.0.0/16", text=APNIC_KRNIC), ans("61.220.0.0/16", text=APNIC_TWNIC)]},
            "whois.nic.ad.jp": {"answers": [ans("202.11.64.0/20", file="jpnic_202_11_64.txt")]},
            "whois.kisa.or.kr": {"answers": [ans("211.234.0.0/16", file="krnic_211_234.txt")]},
            "whois.twnic.net.tw": {"answers": [ans("61.220.0.0/16", file="twnic_61_220.txt")]},
            "whois.afrinic.net": {"answers": [ans("196.44.64.0/18", file="afrinic_196_44.txt")]},
            "rwhois.example-cable.example.com": {
                "protocol": "rwhois", "answers": [ans("24.90.8.0/22", file="rwhois_24_90_8.txt")],
                "rate_limit_first": 1, "rate_limit_file": "rwhois_ratelimit.txt"},
        },
    }


def start_fixture(src, work):
    log = work / "queries.log"
    spec_path = work / "whois_spec.json"
    spec_path.write_text(json.dumps(spec(log)))
    proc = subprocess.Popen([sys.executable, str(src / "tests" / "fixtures" / "whois_server.py"),
                             str(spec_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    if not ready:
        proc.kill()
        fail("fixture WHOIS server did not start within 30 s")
    return proc, json.loads(proc.stdout.readline()), log


def write_config(work, ports):
    log = work / "access.log"
    log.write_text("".join(
        f'{ip} - - [18/Sep/2001:09:12:{i % 60:02d} -0400] "GET /scripts/root.exe?/c+dir HTTP/1.0" 404 1\n'
        f'{ip} - - [18/Sep/2001:09:13:{i % 60:02d} -0400] "GET /MSADC/root.exe?/c+dir HTTP/1.0" 404 1\n'
        for i, ip in enumerate(EXPECTED)))
    # ARIN refers to the RWhois server on its port 4321: the map names it so.
    servers = "".join(f'"{name}{":4321" if name.startswith("rwhois.") else ""}" = "127.0.0.1:{port}"\n'
                      for name, port in ports.items())
    config = work / "abuseflow.toml"
    config.write_text(f"""state_dir = "{work}/state"
[[ingest.input]]
format = "apache"
path = "{log}"
year = 2001
[enrich]
sources = ["whois"]
[enrich.whois]
only_listed = true
timeout = "1s"
max_answer_bytes = 65536
queries_per_minute = 60000
burst = 100
backoff = "1s"
max_wait = "5s"
[enrich.whois.servers]
{servers}[notify]
outbox = "{work}/outbox"
""")
    return config


def run(binary, *args, code=0):
    r = subprocess.run([binary, *args], capture_output=True, text=True, timeout=120)
    if r.returncode != code:
        fail(f"{' '.join(args)}: exit {r.returncode}, expected {code}\n{r.stdout}\n{r.stderr}")
    return r


def queries(log):
    if not log.exists():
        return collections.Counter()
    return collections.Counter(line.split("\t")[0] for line in log.read_text().splitlines())


def check_mails(work):
    mails = outbox.read_mails(work / "outbox")
    seen = set()
    for name, mail in mails.items():
        for address in outbox.addresses_in(outbox.body_text(mail)) & EXPECTED.keys():
            seen.add(address)
            if EXPECTED[address] not in outbox.recipients(mail):
                fail(f"{address} is in {name} to {mail['To']}, expected {EXPECTED[address]}")
    if seen != EXPECTED.keys():
        fail(f"sources in no mail: {sorted(EXPECTED.keys() - seen)}")
    if len(mails) != len(set(EXPECTED.values())):
        fail(f"{len(mails)} mails for {len(set(EXPECTED.values()))} contacts")
    print(f"ok: {len(mails)} mails, each source to its registry's contact")


def check_hostile(binary, config):
    cases = {"198.51.100.1": "timeout", "198.51.100.65": "larger than", "198.51.100.200": "larger than",
             "192.0.2.1": "evil.example.net refused", "192.0.2.200": "port 4444"}
    for address, needle in cases.items():
        r = run(binary, "whois", "--config", str(config), "--json", address, code=1)
        steps = json.loads(r.stdout)["steps"]
        if not any(needle in s["outcome"] for s in steps):
            fail(f"whois {address}: no step says '{needle}': {steps}")
    r = run(binary, "whois", "--config", str(config), "--json", "198.51.100.130", code=1)
    result = json.loads(r.stdout)
    if "abuse" in result:
        fail(f"garbage answer gave a record: {result}")
    print("ok: slow, endless, huge, garbage and refused referrals fail bounded")


def check_commands(binary, config):
    r = json.loads(run(binary, "whois", "--config", str(config), "--json", "202.11.70.1").stdout)
    servers = [s["server"] for s in r["steps"]]
    if servers != ["whois.apnic.net", "whois.nic.ad.jp"] or r["abuse"][0] != "hostmaster@nic.ad.jp.example":
        fail(f"whois 202.11.70.1: {r}")
    for key in ("netblock", "owner", "netname", "country", "abuse", "source"):
        if key not in r:
            fail(f"whois --json lacks {key}")
    if "SAKURA-LAB" not in r["raw"] or "JPNIC-NET-JP" not in r["raw"]:
        fail("whois --json raw lacks the answers the record came from")
    if r["cache"]["state"] != "hit":
        fail(f"whois 202.11.70.1 cache state {r['cache']}")
    r = json.loads(run(binary, "whois", "--config", str(config), "--json", "24.90.9.7").stdout)
    servers = [s["server"] for s in r["steps"]]
    if servers != ["whois.arin.net", "rwhois.example-cable.example.com"] or \
            r["abuse"] != ["security@harbor-dental.example.org"] or \
            "network:IP-Network:24.90.8.0/22" not in r["raw"]:
        fail(f"whois 24.90.9.7 (rwhois referral): {r}")
    # The ISP's customer block keeps ARIN's contact as the upstream's.
    if r["upstream_abuse"] != ["abuse@example-cable.example.com"] or \
            r["cache"]["record"]["upstream_abuse"] != ["abuse@example-cable.example.com"]:
        fail(f"whois 24.90.9.7 upstream_abuse: {r}")
    text = run(binary, "whois", "--config", str(config), "24.90.9.7").stdout
    if "abuse: security@harbor-dental.example.org\nupstream abuse: abuse@example-cable.example.com\n" \
            not in text:
        fail(f"whois 24.90.9.7 text output lacks the upstream abuse line:\n{text}")
    r = json.loads(run(binary, "whois", "--config", str(config), "--json", "24.90.200.1").stdout)
    if r["upstream_abuse"] != []:  # ARIN's own block: no upstream
        fail(f"whois 24.90.200.1 upstream_abuse: {r}")
    text = run(binary, "whois", "--config", str(config), "211.234.100.7").stdout
    if "whois.kisa.or.kr" not in text or "abuse: abuse@dalmaji.example.kr" not in text or \
            "upstream abuse: irt@krnic.example.kr" not in text:
        fail(f"whois text output:\n{text}")
    stats = json.loads(run(binary, "cache", "stats", "--config", str(config), "--json").stdout)
    if stats["positive"] < 9 or stats["by_source"].get("whois", 0) < 9:
        fail(f"cache stats {stats}")
    purged = run(binary, "cache", "purge", "--config", str(config), "194.160.0.0/16").stdout
    after = json.loads(run(binary, "cache", "stats", "--config", str(config), "--json").stdout)
    if after["entries"] >= stats["entries"] or "purged" not in purged:
        fail(f"purge 194.160.0.0/16: {purged} {stats} -> {after}")
    run(binary, "cache", "purge", "--config", str(config), "not-a-prefix", code=2)
    print(f"ok: whois shows the chain, cache stats {stats['entries']} entries, purge by prefix")


def check_rates(binary, work, ports, log):
    """A cold run with a tight limit (2 per second, burst 2): no server is
    asked faster than its token bucket allows, whatever the lookup threads
    do, and the mails are the same."""
    rated = work / "rated"
    rated.mkdir()
    config = write_config(rated, ports)
    text = config.read_text().replace("queries_per_minute = 60000", "queries_per_minute = 120")
    config.write_text(text.replace("burst = 100", "burst = 2"))
    before = len(log.read_text().splitlines())
    run(binary, "run", "--config", str(config))
    check_mails(rated)
    times = collections.defaultdict(list)
    for line in log.read_text().splitlines()[before:]:
        server, _, when = line.split("\t")
        times[server].append(float(when))
    worst = 0.0
    for server, ts in times.items():
        ts.sort()
        for i in range(len(ts)):
            for j in range(i, len(ts)):
                allowed = 2 + (ts[j] - ts[i]) * 2 + 1  # burst + rate x span, one for clock skew
                worst = max(worst, (j - i + 1) / allowed)
                if j - i + 1 > allowed:
                    fail(f"{server}: {j - i + 1} queries in {ts[j] - ts[i]:.2f} s, more than its limit allows")
    print(f"ok: with 2 queries/s and burst 2 per server, {sum(map(len, times.values()))} queries "
          f"kept every server's rate (worst window at {worst:.0%} of the bound)")


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    proc, ports, log = start_fixture(src, work)
    try:
        config = write_config(work, ports)
        run(binary, "run", "--config", str(config))
        check_mails(work)
        cold = queries(log)
        if dict(cold) != EXPECTED_QUERIES:
            fail(f"cold run queries {dict(cold)}, expected {EXPECTED_QUERIES}")
        for server, prefix in (("whois.ripe.net", "-m "), ("whois.arin.net", "n > ")):
            more = [l.split("\t")[1] for l in log.read_text().splitlines()
                    if l.startswith(f"{server}\t{prefix}")]
            if more != EXPECTED_MORE[server]:
                fail(f"{server} more specific queries {more}, expected {EXPECTED_MORE[server]}")
        print(f"ok: cold run asked {sum(cold.values())} times for 12 blocks and 18 addresses")
        shutil.rmtree(work / "outbox")
        run(binary, "run", "--config", str(config))
        if queries(log) != cold:
            fail(f"warm run asked again: {dict(queries(log) - cold)}")
        print("ok: a restart starts warm and asks nothing")
        check_commands(binary, config)
        check_hostile(binary, config)
        check_rates(binary, work, ports, log)
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
