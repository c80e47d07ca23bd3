#!/usr/bin/env python3
"""Replies end to end: the demo writes its 38 notices; a Maildir and an mbox of
replies (an RFC 3464 bounce quoting a notice's Message-ID, a human answer by
In-Reply-To saying it is fixed, an auto-reply found only by the ticket in its
subject, an abuse desk's acknowledgement, the same pre-written answer about
two notices, an unrelated message) are imported
with `abuseflow replies import`, recorded in dedup's history, not twice when
imported again, and counted by `abuseflow report monthly`.

usage: replies_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import json
import pathlib
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import outbox  # noqa: E402


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def run(binary, *args):
    r = subprocess.run([binary, *args], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        fail(f"{' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r.stdout


def demo(binary, src, work):
    text = (src / "demo" / "abuseflow.toml").read_text()
    text = text.replace('"logs/', f'"{src}/demo/logs/').replace('"registry/',
                                                                 f'"{src}/demo/registry/')
    text = text.replace('"../demo-out/state"', f'"{work}/state"')
    text = text.replace('"../demo-out/outbox"', f'"{work}/outbox"')
    (work / "abuseflow.toml").write_text(text)
    run(binary, "run", "--config", str(work / "abuseflow.toml"))
    return sorted(outbox.read_mails(work / "outbox").values(), key=lambda m: m["Message-ID"])


def bounce(notice):
    return f"""Return-Path: <>
From: MAILER-DAEMON@mx.example (Mail Delivery System)
To: abuse-desk@example.net
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-1@mx.example>
Date: Wed, 19 Sep 2001 03:12:22 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered: 550 5.1.1 User unknown

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: rfc822; {outbox.recipients(notice).pop()}
Action: failed
Status: 5.1.1

--B
Content-Type: text/rfc822-headers

From: abuse-desk@example.net
Subject: {notice['Subject']}
Message-ID: {notice['Message-ID']}

--B--
"""


def human(notice):
    return f"""From: Network Operations <noc@example.org>
To: abuse-desk@example.net
Subject: Re: {notice['Subject']}
Message-ID: <human-1@example.org>
In-Reply-To: {notice['Message-ID']}
References: {notice['Message-ID']}
Date: Thu, 20 Sep 2001 09:00:00 +0200

Thank you. The machine had Nimda; it has been disconnected and reinstalled.

On Tue, 18 Sep 2001, abuse-desk@example.net wrote:
> Our logs show the following machine on your network probing machines
"""


def auto(notice):
    ticket = notice["Subject"][1:12]
    return f"""From: abuse@example.com
Subject: Automatic reply: [{ticket}] Probes
Message-ID: <auto-1@example.com>
Auto-Submitted: auto-replied
Date: Wed, 19 Sep 2001 05:00:00 +0000

I am out of the office until Monday.
"""


def ack(notice):
    return f"""From: abuse@bigisp.example
Subject: [Ticket#2001091810000123] Re: {notice['Subject']}
Message-ID: <ack-1@bigisp.example>
In-Reply-To: {notice['Message-ID']}
Date: Wed, 19 Sep 2001 05:00:01 +0000

Dear reporter, we have received your report. A ticket has been created.
"""


def canned(notice, n):
    return f"""From: Abuse Team <abuse@cannedisp.example>
Subject: Re: {notice['Subject']}
Message-ID: <canned-{n}@cannedisp.example>
In-Reply-To: {notice['Message-ID']}
Date: Wed, 19 Sep 2001 06:00:0{n} +0000

Thank you for your report.
We will look into it.
"""


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    work = work.resolve()
    notices = demo(binary, src, work)
    if len(notices) < 6:
        fail(f"{len(notices)} notices")
    maildir = work / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.host").write_text(bounce(notices[0]))
    (maildir / "cur" / "2.host:2,S").write_text(human(notices[1]))
    (maildir / "new" / "3.host").write_text(auto(notices[2]))
    (maildir / "new" / "4.host").write_text("From: spam@x.example\nSubject: hello\n\nbuy\n")
    # The same pre-written text about two notices: the second counts as automated.
    (maildir / "new" / "5.host").write_text(canned(notices[4], 1))
    (maildir / "new" / "6.host").write_text(canned(notices[5], 2))
    (work / "replies.mbox").write_text("From abuse@bigisp.example Wed Sep 19 05:00:01 2001\n" +
                                      ack(notices[3]))
    state = str(work / "state")
    out = run(binary, "replies", "import", "--state", state, str(maildir), str(work / "replies.mbox"))
    summary = out.strip().splitlines()[-1]
    for part in ("messages 7", "linked 6", "bounces 1", "automated 3", "human 2",
                 "says fixed 1", "unlinked 1"):
        if part not in summary:
            fail(f"import summary lacks {part!r}: {summary}\n{out}")
    again = run(binary, "replies", "import", "--state", state, str(maildir),
                str(work / "replies.mbox")).strip().splitlines()[-1]
    if "same text as an earlier reply" not in out:
        fail(f"the repeated canned text was not recognised:\n{out}")
    if "already imported 6" not in again or "recorded 0" not in again:
        fail(f"a second import recorded again: {again}")
    body = outbox.body_text(notices[1])
    address = sorted(outbox.addresses_in(body) & outbox.addresses_in(
        (src / "demo" / "expected.tsv").read_text()))[0]
    history = json.loads(run(binary, "history", "--state", state, "--json", address))
    replies = history.get("replies", [])
    if not any(r.get("kind") in ("human", "KIND_HUMAN") and r.get("says_fixed") for r in replies):
        fail(f"{address}: no says-fixed human reply in its history: {replies}")
    report = json.loads(run(binary, "report", "monthly", "--state", state, "--format", "json"))
    total = report["total"]
    expected = {"mails": len(notices), "actual": 2, "automated": 3, "bounced": 1,
                "none": len(notices) - 6, "says_fixed": 1}
    for key, value in expected.items():
        if total[key] != value:
            fail(f"monthly report {key} = {total[key]}, expected {value}: {total}")
    if [m["month"] for m in report["months"]] != ["2001-09"]:
        fail(f"months {report['months']}")
    text = run(binary, "report", "monthly", "--state", state, "--month", "2001-09")
    if "2001-09" not in text or "mails by contact domain" not in text:
        fail(f"text report: {text}")
    print(f"ok: 6 of 7 replies linked and classified (a repeated canned text as automated), "
          f"recorded once, and the monthly report counts {len(notices)} mails: 2 actual, "
          f"3 automated, 1 bounced")


if __name__ == "__main__":
    main()
