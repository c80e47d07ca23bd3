#!/usr/bin/env python3
"""The notice as abuse desks parse it: every demo mail is multipart/mixed with
the notice first, an X-ARF (v0.2) report and evidence part per incident class
carrying every required field, and an RFC 4180 CSV with one row per address;
a repeat notice carries the same kind of ticket, says it is the second, quotes
the earlier occurrences and is threaded (In-Reply-To, References) to the first
notice about its address. Parsed with Python's email, csv and yaml packages,
none of which wrote the mails.

usage: notice_format_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import csv
import io
import ipaddress
import os
import pathlib
import re
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import outbox  # noqa: E402

try:
    import yaml
except ImportError:  # Debian's python3-yaml lives with /usr/bin/python3
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    print("SKIP: no yaml module (python3-yaml)")
    sys.exit(77)

TICKET = re.compile(r"^\[AF-[0-9a-f]{8}\] ")
XARF_REQUIRED = ["Reported-From", "Category", "Report-Type", "Report-ID", "Date", "Source",
                 "Source-Type", "Attachment", "Schema-URL", "User-Agent"]
CSV_HEADER = ["address", "first_seen", "last_seen", "count", "kind", "signature", "sample_line"]

REGISTRY = """\
inetnum:        198.18.0.0 - 198.18.0.255
netname:        KESTREL-NET
descr:          Kestrel Networks
country:        NL
abuse-mailbox:  abuse@kestrel.example
source:         DEMO

inet6num:       2001:db8:7::/48
netname:        KESTREL-V6
descr:          Kestrel Networks
country:        NL
abuse-mailbox:  abuse@kestrel.example
source:         DEMO
"""


from live_common import fail  # noqa: E402  (the shared failure exit)


def run(binary, config):
    r = subprocess.run([binary, "run", "--config", str(config)], capture_output=True, text=True,
                       timeout=300)
    if r.returncode != 0:
        fail(f"run exited {r.returncode}: {r.stderr}")
    return r


def parts_of(mail):
    return [p for p in mail.walk() if not p.is_multipart()]


def check_xarf(name, mail, body_addresses):
    for header, value in (("X-ARF", "YES"), ("X-XARF", "PLAIN"),
                          ("Auto-Submitted", "auto-generated")):
        if mail[header] != value:
            fail(f"{name}: {header} is {mail[header]!r}")
    reports = [p for p in parts_of(mail) if (p.get_filename() or "").endswith(".yaml")]
    if not reports:
        fail(f"{name}: no X-ARF report part")
    covered = set()
    for part in reports:
        kind = part.get_filename()[len("xarf-"):-len(".yaml")]
        evidence = [p for p in parts_of(mail) if p.get_filename() == f"xarf-{kind}-evidence.txt"]
        if len(evidence) != 1:
            fail(f"{name}: no evidence part for {kind}")
        for doc in yaml.safe_load_all(part.get_content()):
            missing = [f for f in XARF_REQUIRED if not doc.get(f)]
            if missing:
                fail(f"{name}: X-ARF {kind} document lacks {missing}: {doc}")
            if doc["Report-Type"] != kind or doc["Category"] != "abuse":
                fail(f"{name}: X-ARF document {doc['Report-Type']}/{doc['Category']} in {kind}")
            source = ipaddress.ip_address(doc["Source"])
            if doc["Source-Type"] != f"ipv{source.version}":
                fail(f"{name}: Source-Type {doc['Source-Type']} for {source}")
            if kind == "login-attack" and ("Service" not in doc or "Port" not in doc):
                fail(f"{name}: login-attack without Service/Port: {doc}")
            if doc["Reported-From"] != mail["From"].addresses[0].addr_spec:
                fail(f"{name}: Reported-From {doc['Reported-From']}")
            if str(source) not in evidence[0].get_content():
                fail(f"{name}: {source} missing from the {kind} evidence")
            covered.add(str(source))
    if covered != body_addresses:
        fail(f"{name}: X-ARF covers {len(covered)} addresses, the notice {len(body_addresses)}")


def check_csv(name, mail, body_addresses):
    attachments = [p for p in parts_of(mail) if p.get_content_type() == "text/csv"]
    if len(attachments) != 1 or attachments[0]["Content-Transfer-Encoding"] != "base64":
        fail(f"{name}: expected one base64 text/csv attachment")
    data = attachments[0].get_payload(decode=True)
    if b"\r\n" not in data or data.replace(b"\r\n", b"").count(b"\n") > data.count(b"\r\n"):
        fail(f"{name}: CSV rows do not end in CRLF")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    if rows[0] != CSV_HEADER:
        fail(f"{name}: CSV header {rows[0]}")
    addresses = [r[0] for r in rows[1:]]
    if any(len(r) != len(CSV_HEADER) for r in rows):
        fail(f"{name}: CSV row with the wrong number of fields")
    if len(addresses) != len(set(addresses)) or set(addresses) != body_addresses:
        fail(f"{name}: CSV lists {len(addresses)} rows for {len(body_addresses)} addresses")
    for r in rows[1:]:
        if int(r[3]) < 1 or not r[4] or r[1] > r[2]:
            fail(f"{name}: CSV row {r}")


def check_mail(name, mail, known=None):
    if mail.get_content_type() != "multipart/mixed":
        fail(f"{name}: {mail.get_content_type()}, expected multipart/mixed")
    first = parts_of(mail)[0]
    if first.get_content_type() != "text/plain" or first.is_attachment():
        fail(f"{name}: the first part is not the inline notice")
    body = outbox.body_text(mail)
    if body != first.get_content():
        fail(f"{name}: body_text is not the first part")
    if not TICKET.match(mail["Subject"]):
        fail(f"{name}: no ticket in {mail['Subject']!r}")
    ticket = mail["Subject"][1:12]
    if mail["X-Abuseflow-Ticket"] != ticket or f"[{ticket}]" not in body:
        fail(f"{name}: ticket {ticket} not in the header and the notice")
    addresses = outbox.addresses_in(body)
    if known is not None:
        addresses &= known
    check_xarf(name, mail, addresses)
    check_csv(name, mail, addresses)
    return addresses


def check_demo(binary, src, work):
    text = (src / "demo" / "abuseflow.toml").read_text()
    text = text.replace('"logs/', f'"{src}/demo/logs/').replace('"registry/',
                                                                 f'"{src}/demo/registry/')
    text = text.replace('"../demo-out/state"', f'"{work}/state"')
    text = text.replace('"../demo-out/outbox"', f'"{work}/outbox"')
    config = work / "abuseflow.toml"
    config.write_text(text)
    run(binary, config)
    with open(src / "demo" / "expected.tsv") as f:
        known = {r[0] for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")}
    mails = outbox.read_mails(work / "outbox")
    listed = set()
    for name, mail in mails.items():
        listed |= check_mail(name, mail, known)
    if listed != known:
        fail(f"demo: {len(known - listed)} sources in no X-ARF/CSV")
    print(f"ok: {len(mails)} demo mails parse: notice first, X-ARF per class, CSV per address")


def apache(address, day, hour):
    return (f'{address} - - [{day:02d}/Sep/2001:{hour:02d}:12:44 -0400] '
            f'"GET /scripts/root.exe?/c+dir HTTP/1.0" 404 284 "-" "-"\n')


def config_for(work, log, outbox_dir):
    return f"""
state_dir = "{work}/state"
[[ingest.input]]
format = "apache"
path = "{log}"
sensor = "www1"
year = 2001
utc_offset = "-04:00"
tz_name = "EDT"
[enrich]
registry = ["{work}/registry.db"]
[notify]
outbox = "{outbox_dir}"
from = "abuse-desk@example.net"
"""


def check_repeat(binary, work):
    """A first notice, then the same addresses ten days later: the second notice threads."""
    (work / "registry.db").write_text(REGISTRY)
    addresses = ["198.18.0.7", "2001:db8:7::9"]
    for run_no, day in ((1, 1), (2, 11)):
        log = work / f"access{run_no}.log"
        log.write_text("".join(apache(a, day, h) for a in addresses for h in (9, 10)))
        config = work / f"run{run_no}.toml"
        config.write_text(config_for(work, log, work / f"outbox{run_no}"))
        run(binary, config)
    first = list(outbox.read_mails(work / "outbox1").values())
    second = list(outbox.read_mails(work / "outbox2").values())
    if len(first) != 1 or len(second) != 1:
        fail(f"repeat: {len(first)} and {len(second)} mails, expected one each")
    first, second = first[0], second[0]
    for name, mail in (("first", first), ("second", second)):
        if check_mail(name, mail, set(addresses)) != set(addresses):
            fail(f"repeat: the {name} notice does not list {addresses}")
    if first["In-Reply-To"] or first["References"]:
        fail("repeat: the first notice is threaded to something")
    if second["In-Reply-To"] != first["Message-ID"]:
        fail(f"repeat: In-Reply-To {second['In-Reply-To']!r}, expected {first['Message-ID']}")
    if first["Message-ID"] not in (second["References"] or ""):
        fail(f"repeat: References {second['References']!r} lacks {first['Message-ID']}")
    if second["Message-ID"] == first["Message-ID"] or second["Subject"][:13] == first["Subject"][:13]:
        fail("repeat: the second notice reuses the first one's Message-ID or ticket")
    body = outbox.body_text(second)
    for text in ("This is our second notice about this address.",
                 "the earlier occurrences were:", "2001-09-01 13:12:44 UTC to"):
        if text not in body:
            fail(f"repeat: {text!r} not in the second notice:\n{body}")
    print("ok: the repeat notice says it is the second, quotes the earlier occurrences, and threads")


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    (work / "demo").mkdir(parents=True)
    (work / "repeat").mkdir(parents=True)
    check_demo(binary, src, (work / "demo").resolve())
    check_repeat(binary, (work / "repeat").resolve())


if __name__ == "__main__":
    main()
