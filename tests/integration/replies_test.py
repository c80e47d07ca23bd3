#!/usr/bin/env python3
"""Replies end to end: the demo writes its 38 notices; a Maildir and an mbox of
replies (an RFC 3464 bounce quoting a notice's Message-ID, a human answer by
In-Reply-To saying it is fixed, an auto-reply found only by the ticket in its
subject, an abuse desk's acknowledgement, the same pre-written answer about
two notices, an unrelated message; encoded ones: an Exchange NDR with its
delivery status in base64, a quoted-printable Latin-1 answer saying it is
fixed, an RT agent's answer sent with Precedence: bulk; three linked only by
a ticket that is encoded: an Outlook German reply with a base64 UTF-8
subject, a help desk's quoted-printable body quoting it, a Japanese
ISO-2022-JP subject) are imported
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


from live_common import fail  # noqa: E402  (the shared failure exit)


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


def ticket_of(notice):
    return notice["Subject"][1:12]


def b_words(text, charset):
    """RFC 2047 B encoded-words of at most 45 bytes each, folded."""
    words, word = [], ""
    for ch in text:
        if word and len((word + ch).encode(charset)) > 45:
            words.append(word)
            word = ""
        word += ch
    words.append(word)
    return "\n ".join(f"=?{charset}?B?{base64.b64encode(w.encode(charset)).decode()}?="
                       for w in words)


def outlook_german(notice):
    """Outlook: the ticket only inside a B-encoded UTF-8 subject, no id of ours."""
    subject = f"AW: Missbrauchsmeldung [{ticket_of(notice)}] Probes \u2013 vom Netz genommen"
    body = ("Sehr geehrte Damen und Herren,\n\nder betroffene Rechner wurde vom Netz "
            "genommen.\n\nMit freundlichen Gr\u00fc\u00dfen\nJ\u00fcrgen M\u00fcller\n")
    return f"""From: =?iso-8859-1?Q?M=FCller=2C_J=FCrgen?= <j.mueller@bahnhof-net.example>
To: abuse-desk@example.net
Subject: {b_words(subject, "utf-8")}
Thread-Index: AQHXrP3kQ2VmYm9xS0yBuV7cJ8Tg1qkR7x0A
Message-ID: <AM6PR0402MB3368D1@AM6PR0402MB3368.eurprd04.prod.outlook.example>
In-Reply-To: <AM6PR0402MB3368F0@AM6PR0402MB3368.eurprd04.prod.outlook.example>
Date: Wed, 19 Sep 2001 09:14:03 +0000
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64
MIME-Version: 1.0

{base64.encodebytes(body.encode()).decode()}"""


def helpdesk_qp(notice):
    """A help desk's own subject; its quoted-printable body quotes the ticket,
    cut by a soft line break."""
    ticket = ticket_of(notice)
    return f"""From: Kestrel Networks Support <support@kestrel.example>
To: abuse-desk@example.net
Subject: [#INC-4711] Your report
Message-ID: <4711.1001c0de@helpdesk.kestrel.example>
Date: Thu, 20 Sep 2001 08:02:41 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

Hello, we have disconnected the customer=E2=80=99s server.

-------- Original Message --------
> Subject: Probes =E2=80=93 please keep the reference [{ticket[:7]}=
{ticket[7:]}]
"""


def japanese(notice):
    """A Japanese ISP: the ticket inside an ISO-2022-JP B-encoded subject."""
    subject = f"Re: \u3010\u3054\u9023\u7d61\u3011[{ticket_of(notice)}] Probes \u306b\u3064\u3044\u3066"
    body = "\u3054\u9023\u7d61\u3042\u308a\u304c\u3068\u3046\u3054\u3056\u3044\u307e\u3059\u3002\n"
    head = f"""From: abuse@sakura-isp.example
To: abuse-desk@example.net
Subject: {b_words(subject, "iso-2022-jp")}
Message-ID: <20010921103000.5F3A@mail.sakura-isp.example>
Date: Fri, 21 Sep 2001 10:30:00 +0900
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

"""
    return head.encode("ascii") + body.encode("iso-2022-jp")


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    work = work.resolve()
    notices = demo(binary, src, work)
    if len(notices) < 12:
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
    # Linked only by a ticket that is encoded: none of it is in the raw message.
    encoded = {"10.host": outlook_german(notices[9]).encode(),
               "11.host": helpdesk_qp(notices[10]).encode(), "12.host": japanese(notices[11])}
    for (name, raw), notice in zip(encoded.items(), notices[9:12]):
        if ticket_of(notice).encode() in raw:
            fail(f"{name} carries its ticket unencoded")
        (maildir / "new" / name).write_bytes(raw)
    (work / "replies.mbox").write_text("From abuse@bigisp.example Wed Sep 19 05:00:01 2001\n" +
                                      ack(notices[3]))
    state = str(work / "state")
    out = run(binary, "replies", "import", "--state", state, str(maildir), str(work / "replies.mbox"))
    summary = out.strip().splitlines()[-1]
    for part in ("messages 13", "linked 12", "bounces 2", "automated 3", "human 7",
                 "says fixed 3", "unlinked 1"):
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
    for name in encoded:
        if not any(f"/{name}: human" in l and "1 notice(s)" in l for l in out.splitlines()):
            fail(f"{name} (ticket only encoded) was not linked to its notice:\n{out}")
    if "already imported 12" not in again or "recorded 0" not in again:
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
    expected = {"mails": len(notices), "actual": 7, "automated": 3, "bounced": 2,
                "none": len(notices) - 12, "says_fixed": 3, "admits_compromise": 1}
    for key, value in expected.items():
        if total[key] != value:
            fail(f"monthly report {key} = {total[key]}, expected {value}: {total}")
    if [m["month"] for m in report["months"]] != ["2001-09"]:
        fail(f"months {report['months']}")
    text = run(binary, "report", "monthly", "--state", state, "--month", "2001-09")
    if "2001-09" not in text or "mails by contact domain" not in text:
        fail(f"text report: {text}")
    print(f"ok: 12 of 13 replies linked and classified (a repeated canned text as automated, "
          f"base64 and quoted-printable ones decoded, an RT agent's answer as human, tickets "
          f"only in encoded subjects and bodies found), recorded once, and the monthly report "
          f"counts {len(notices)} mails: 7 actual, 3 automated, 2 bounced")


if __name__ == "__main__":
    main()
