#!/usr/bin/env python3
"""A bounce moves the next notice to the next abuse contact: the demo writes
its notices (Meridian Telecom's registry entry names two abuse mailboxes,
abuse@ then noc@); an RFC 3464 bounce of that notice for abuse@ is imported
with `abuseflow replies import`, which marks abuse@ failing (`abuseflow
contacts failing` lists it); a second run with a new Code Red source in
Meridian's block writes a notice to noc@ alone, with X-Abuseflow-Instead-Of
and a line in the body saying why, and the stage warns. When noc@ bounces
too, a third run writes to the upstream provider (the covering block's
contact in this test's own registry file, failing_contact_registry.db,
added to the demo's) with both Meridian mailboxes in X-Abuseflow-Instead-Of
and a body line saying so. When the upstream bounces as well, a fourth run
mails nobody and counts the incident as not reported. `contacts failing
--clear` brings a mailbox back.

usage: failing_contact_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import pathlib
import re
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import outbox  # noqa: E402
from live_common import fail  # noqa: E402
from replies_test import demo, run  # noqa: E402

FIRST = "abuse@meridian-telecom.example"
NEXT = "noc@meridian-telecom.example"
UPSTREAM = "abuse@transalp-transit.example"


def add_upstream_registry(src, work):
    """Adds the upstream's covering block to the config's registries (read
    at every start; rpsl answers are cached in memory only)."""
    config = work / "abuseflow.toml"
    text = config.read_text()
    demo_db = f'"{src}/demo/registry/demo.db"'
    if demo_db not in text:
        fail(f"the demo config does not name {demo_db}")
    extra = src / "tests" / "integration" / "failing_contact_registry.db"
    config.write_text(text.replace(demo_db, f'{demo_db}, "{extra}"'))


def dsn(notice, recipient, n):
    return f"""Return-Path: <>
From: MAILER-DAEMON@mx.meridian-telecom.example
To: abuse-desk@example.net
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-{n}@mx.meridian-telecom.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.meridian-telecom.example

Final-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.1

--B
Content-Type: text/rfc822-headers

Message-ID: {notice['Message-ID']}
Subject: {notice['Subject']}

--B--
"""


def import_bounce(binary, work, notice, recipient, n):
    maildir = work / f"bounces-{n}"
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    (maildir / "new" / f"{n}.host").write_text(dsn(notice, recipient, n))
    out = run(binary, "replies", "import", "--state", str(work / "state"), str(maildir))
    if "bounces 1" not in out or "failing contacts marked 1" not in out:
        fail(f"the bounce for {recipient} was not recorded as failing: {out}")
    if f"failing: {recipient}" not in out:
        fail(f"replies import does not say which contact is failing: {out}")


def run_more(binary, src, work, address, day):
    """Runs again with one Code Red line from `address` on September `day`;
    returns the new mails by file name and the run's stderr."""
    line = next(l for l in (src / "demo" / "logs" / "access.log").read_text().splitlines()
                if l.startswith("198.19.40.123 ") and "default.ida" in l)
    line = address + line[len("198.19.40.123"):].replace("18/Sep/2001", f"{day}/Sep/2001")
    log = work / f"more-{day}.log"
    log.write_text(line + "\n")
    before = set(outbox.read_mails(work / "outbox"))
    r = subprocess.run([binary, "run", "--config", str(work / "abuseflow.toml"), "--input",
                        f"apache:{log}"], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        fail(f"run with {log} exited {r.returncode}: {r.stderr}")
    mails = outbox.read_mails(work / "outbox")
    return {name: mail for name, mail in mails.items() if name not in before}, r.stdout + r.stderr


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    notices = demo(binary, src, work)
    meridian = [m for m in notices if FIRST in outbox.recipients(m)]
    if len(meridian) != 1 or outbox.recipients(meridian[0]) != {FIRST, NEXT}:
        fail(f"expected one demo notice to {FIRST} and {NEXT}, got {len(meridian)}")
    if meridian[0]["X-Abuseflow-Instead-Of"] is not None:
        fail("a notice to working contacts names a failing one")
    add_upstream_registry(src, work)

    import_bounce(binary, work, meridian[0], FIRST, 1)
    listed = run(binary, "contacts", "failing", "--state", str(work / "state"))
    if not re.search(rf"^{re.escape(FIRST)}\tsince .*\tbounces 1\tlast <dsn-1@", listed, re.M) \
            or "1 failing" not in listed or "status 5.1.1" not in listed:
        fail(f"contacts failing does not list {FIRST}: {listed}")

    new, log = run_more(binary, src, work, "198.19.40.201", 20)
    if len(new) != 1:
        fail(f"the second run wrote {len(new)} mails, expected 1: {sorted(new)}")
    (name, mail), = new.items()
    if outbox.recipients(mail) != {NEXT} or NEXT not in name:
        fail(f"the second notice went to {outbox.recipients(mail)} ({name}), not {NEXT} alone")
    if mail["X-Abuseflow-Instead-Of"] != FIRST:
        fail(f"X-Abuseflow-Instead-Of is {mail['X-Abuseflow-Instead-Of']!r}")
    body = outbox.body_text(mail)
    if f"our notices to {FIRST} could not be\ndelivered" not in body or "198.19.40.201" not in body:
        fail(f"the body does not say why it came to {NEXT}:\n{body[:800]}")
    if "infected with Code Red" not in body:
        fail(f"a Code Red notice without the worm opening:\n{body[:800]}")
    if "abuse contact failing" not in log or f'failing="{FIRST}"' not in log:
        fail(f"the notify stage did not warn about the failing contact:\n{log[-2000:]}")

    import_bounce(binary, work, mail, NEXT, 2)
    new, log = run_more(binary, src, work, "198.19.40.202", 24)
    if len(new) != 1:
        fail(f"the third run wrote {len(new)} mails, expected 1: {sorted(new)}")
    (name, mail), = new.items()
    if outbox.recipients(mail) != {UPSTREAM}:
        fail(f"the third notice went to {outbox.recipients(mail)} ({name}), not {UPSTREAM}")
    if mail["X-Abuseflow-Instead-Of"] != f"{FIRST}, {NEXT}":
        fail(f"X-Abuseflow-Instead-Of is {mail['X-Abuseflow-Instead-Of']!r}")
    body = outbox.body_text(mail)
    if "the owner's own abuse contacts could not be" not in body \
            or "upstream provider" not in body or "198.19.40.202" not in body:
        fail(f"the body does not say it came to the upstream:\n{body[:800]}")
    if "report sent to the upstream's" not in log or f'to="{UPSTREAM}"' not in log:
        fail(f"the notify stage did not warn about the upstream:\n{log[-2000:]}")

    import_bounce(binary, work, mail, UPSTREAM, 3)
    held, log = run_more(binary, src, work, "198.19.40.203", 28)
    if held:
        fail(f"a mail went to failing mailboxes: {sorted(held)}")
    if "every abuse mailbox is failing" not in log or "NOT REPORTED" not in log:
        fail(f"the held incident is not shown:\n{log[-2000:]}")

    cleared = run(binary, "contacts", "failing", "--state", str(work / "state"), "--clear", FIRST)
    if f"cleared {FIRST}" not in cleared:
        fail(f"--clear: {cleared}")
    listed = run(binary, "contacts", "failing", "--state", str(work / "state"))
    if FIRST in listed or NEXT not in listed or UPSTREAM not in listed \
            or "2 failing" not in listed:
        fail(f"after --clear: {listed}")
    r = subprocess.run([binary, "contacts", "failing", "--state", str(work / "state"), "--clear",
                        FIRST], capture_output=True, text=True, timeout=60)
    if r.returncode != 1 or "not marked failing" not in r.stdout:
        fail(f"clearing an unmarked mailbox: exit {r.returncode} {r.stdout}")
    print("ok: bounce marks the contact failing, the next notice goes to the next contact, "
          "then to the upstream's")


if __name__ == "__main__":
    main()
