#!/usr/bin/env python3
"""Replies end to end: the demo writes its 38 notices; a Maildir and an mbox of
replies (an RFC 3464 bounce quoting a notice's Message-ID, a human answer by
In-Reply-To saying it is fixed, an auto-reply found only by the ticket in its
subject, an abuse desk's acknowledgement, the same pre-written answer about
two notices, an unrelated message; encoded ones: an Exchange NDR with its
delivery status in base64, a quoted-printable Latin-1 answer saying it is
fixed, an RT agent's answer sent with Precedence: bulk) are imported
with `abuseflow replies import`, recorded in dedup's history, not twice when
imported again, and counted by `abuseflow report monthly`.

usage: replies_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import base64
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

Thank you. The machine was infected with Nimda; it has been disconnected and reinstalled.

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


def b64(text):
    return base64.encodebytes(text.replace("\n", "\r\n").encode()).decode()


def exchange_ndr(notice):
    dsn = (f"Reporting-MTA: dns;EXCH01.corp.example\n\n"
           f"Final-Recipient: rfc822;{outbox.recipients(notice).pop()}\n"
           f"Action: failed\nStatus: 5.1.1\n")
    returned = f"Message-ID: {notice['Message-ID']}\nFrom: abuse-desk@example.net\n"
    return f"""From: Microsoft Outlook <postmaster@corp.example>
To: abuse-desk@example.net
Subject: =?utf-8?B?{base64.b64encode(b"Undeliverable: Probes").decode()}?=
Message-ID: <ndr-1@EXCH01.corp.example>
Date: Wed, 19 Sep 2001 16:30:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="_000_"

--_000_
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

{b64("Delivery has failed to these recipients or groups.")}
--_000_
Content-Type: message/delivery-status
Content-Transfer-Encoding: base64

{b64(dsn)}
--_000_
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: base64

{b64(returned)}
--_000_--
"""


def latin1_fixed(notice):
    return f"""From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <noc@koeln-net.example>
Subject: AW: {notice['Subject']}
Message-ID: <4711@koeln-net.example>
In-Reply-To: {notice['Message-ID']}
Date: Thu, 20 Sep 2001 09:12:00 +0200
MIME-Version: 1.0
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

Hallo, der Rechner war infiziert. Er ist gepr=FCft und ges=E4ubert (cle=
aned). Gr=FC=DFe aus K=F6ln
"""


def rt_agent(notice):
    return f"""From: "Tom Baker via RT" <abuse@hanriver-bb.example>
To: abuse-desk@example.net
Subject: Re: [hanriver-bb.example #88123] {notice['Subject']}
Message-ID: <rt-88123-1@hanriver-bb.example>
In-Reply-To: {notice['Message-ID']}
Date: Thu, 20 Sep 2001 10:00:00 +0000
Precedence: bulk
X-RT-Loop-Prevention: hanriver-bb.example
RT-Ticket: hanriver-bb.example #88123
RT-Originator: tbaker@hanriver-bb.example

Hello, the customer has been told to clean the hosts. Tom
"""


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    work = work.resolve()
    notices = demo(binary, src, work)
    if len(notices) < 9:
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
    (maildir / "new" / "7.host").write_text(exchange_ndr(notices[6]))
    (maildir / "new" / "8.host").write_bytes(latin1_fixed(notices[7]).encode("ascii"))
    (maildir / "new" / "9.host").write_text(rt_agent(notices[8]))
    (work / "replies.mbox").write_text("From abuse@bigisp.example Wed Sep 19 05:00:01 2001\n" +
                                      ack(notices[3]))
    state = str(work / "state")
    out = run(binary, "replies", "import", "--state", state, str(maildir), str(work / "replies.mbox"))
    summary = out.strip().splitlines()[-1]
    for part in ("messages 10", "linked 9", "bounces 2", "automated 3", "human 4",
                 "says fixed 2", "unlinked 1"):
        if part not in summary:
            fail(f"import summary lacks {part!r}: {summary}\n{out}")
    again = run(binary, "replies", "import", "--state", state, str(maildir),
                str(work / "replies.mbox")).strip().splitlines()[-1]
    if "same text as an earlier reply" not in out:
        fail(f"the repeated canned text was not recognised:\n{out}")
    ndr_to = outbox.recipients(notices[6]).pop()
    if f"bounce (rfc3464), 1 notice(s)" not in out or f"failing: {ndr_to}" not in out:
        fail(f"the base64 NDR did not mark {ndr_to} failing:\n{out}")
    if "human (human despite precedence (rt correspondence from tbaker@" not in out:
        fail(f"the RT agent's answer was not taken as human:\n{out}")
    if "already imported 9" not in again or "recorded 0" not in again:
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
    expected = {"mails": len(notices), "actual": 4, "automated": 3, "bounced": 2,
                "none": len(notices) - 9, "says_fixed": 2, "admits_compromise": 1}
    for key, value in expected.items():
        if total[key] != value:
            fail(f"monthly report {key} = {total[key]}, expected {value}: {total}")
    if [m["month"] for m in report["months"]] != ["2001-09"]:
        fail(f"months {report['months']}")
    text = run(binary, "report", "monthly", "--state", state, "--month", "2001-09")
    if "2001-09" not in text or "mails by contact domain" not in text:
        fail(f"text report: {text}")
    print(f"ok: 9 of 10 replies linked and classified (a repeated canned text as automated, "
          f"base64 and quoted-printable ones decoded, an RT agent's answer as human), "
          f"recorded once, and the monthly report counts {len(notices)} mails: 4 actual, "
          f"3 automated, 2 bounced")


if __name__ == "__main__":
    main()
