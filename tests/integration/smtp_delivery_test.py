#!/usr/bin/env python3
"""Delivery over SMTP to a real server on loopback (tests/fixtures/smtp_server.py,
aiosmtpd): the demo with notify.delivery = "smtp" delivers every mail of the
outbox exactly once; a 451 is retried and then accepted; a 550 is given up
and logged; a restart sends nothing twice; mails queued while the server
only answers 451 are sent once by the next start; and a notify killed while
the server holds a message (no answer yet) sends it once after the restart;
STARTTLS and AUTH are used when configured.
Skipped (77) when no python3 with aiosmtpd is found.

usage: smtp_delivery_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import csv
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import outbox  # noqa: E402

TIMEOUT = 120


from live_common import fail  # noqa: E402  (the shared failure exit)


def fixture_python():
    for candidate in (sys.executable, "/usr/bin/python3"):
        if candidate and os.path.exists(candidate) and subprocess.run(
                [candidate, "-c", "import aiosmtpd"], capture_output=True).returncode == 0:
            return candidate
    return None


def wait_for(predicate, what, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)  # polling a condition with a deadline, not a fixed wait
    fail(f"timed out waiting for {what}")


class SmtpFixture:
    def __init__(self, python, src, log, default="accept", rules=(), extra=()):
        args = [python, str(src / "tests" / "fixtures" / "smtp_server.py"), str(log),
                "--default", default, *extra]
        for mailbox, rule in rules:
            args += ["--rule", f"{mailbox}={rule}"]
        self.log = log
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().split()
        if len(line) != 2 or line[0] != "LISTENING":
            self.proc.kill()
            fail(f"smtp fixture did not start: {line}")
        self.port = int(line[1])

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def answers(self):
        if not self.log.exists():
            return []
        return [json.loads(l) for l in self.log.read_text().splitlines() if l.strip()]


def write_config(src, work, port, drain="60s", smtp_extra=""):
    demo = src / "demo"
    text = (demo / "abuseflow.toml").read_text()
    text = text.replace('"logs/', f'"{demo}/logs/').replace('"registry/', f'"{demo}/registry/')
    text = text.replace('"../demo-out/state"', f'"{work}/state"')
    text = text.replace('"../demo-out/outbox"', f'"{work}/outbox"')
    text = text.replace("[notify]\n", '[notify]\ndelivery = "smtp"\n')
    text = text.replace("[endpoints]", f"""[notify.smtp]
url = "smtp://127.0.0.1:{port}"
retry_initial = "1s"
retry_max = "2s"
max_attempts = 4
domain_per_minute = 100000
contact_per_day = 100
connect_timeout = "10s"
timeout = "30s"
drain_timeout = "{drain}"
{smtp_extra}

[endpoints]""")
    path = work / "abuseflow.toml"
    path.write_text(text)
    return path


def run(binary, config):
    r = subprocess.run([binary, "run", "--config", str(config)], capture_output=True, text=True,
                       timeout=300)
    if r.returncode != 0:
        fail(f"run exited {r.returncode}: {r.stderr}")
    return r


def outbox_ids(work):
    return {m["Message-ID"]: m for m in outbox.read_mails(work / "outbox").values()}


def accepted_counts(answers):
    counts = {}
    for a in answers:
        if a["code"] == 250:
            counts[a["message_id"]] = counts.get(a["message_id"], 0) + 1
    return counts


def contacts(src):
    with open(src / "demo" / "expected.tsv") as f:
        rows = [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]
    return sorted({r[1].lower() for r in rows})


def outbox_list(binary, work, *extra):
    r = subprocess.run([binary, "outbox", "list", "--state", str(work / "state"), *extra],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        fail(f"outbox list {' '.join(extra)} exited {r.returncode}: {r.stderr}")
    return r.stdout


def check_outbox_list(binary, work, sent, gone, retried_id):
    """`outbox list` after the run: every delivered mail sent, the 550 one failed with its
    reason, the 451 one sent on its second attempt; the text form agrees."""
    files = {m["Message-ID"]: name for name, m in outbox.read_mails(work / "outbox").items()}
    listing = {m["message_id"]: m for m in json.loads(outbox_list(binary, work, "--json"))}
    if set(listing) != set(files):
        fail(f"outbox list names {len(listing)} mails, the outbox has {len(files)}")
    for mid, m in listing.items():
        want = "sent" if mid in sent else "failed"
        if m["state"] != want or m["file"] != files[mid]:
            fail(f"outbox list: {mid} is {m['state']} in {m['file']}, expected {want} "
                 f"in {files[mid]}")
    failed = [m for m in listing.values() if m["state"] == "failed"]
    if len(failed) != 1 or gone not in failed[0]["recipients"] or failed[0]["last_code"] != 550 \
            or failed[0]["attempts"] != 1 or failed[0]["next_attempt"] is not None:
        fail(f"outbox list: the permanent failure is not recorded as such: {failed}")
    retried = listing[retried_id]
    if retried["state"] != "sent" or retried["attempts"] != 2 or retried["done"] is None:
        fail(f"outbox list: the 451 mail is not sent on its second attempt: {retried}")
    text = outbox_list(binary, work, "--only", "failed").splitlines()
    if len(text) != 3 or text[1].split("\t")[:3] != [failed[0]["file"], "failed", "1"] or \
            not text[1].split("\t")[4].startswith("550") or \
            text[2] != "1 mail: 0 queued, 0 sending, 0 sent, 1 failed":
        fail(f"outbox list --only failed: {text}")
    print(f"ok: outbox list shows {len(sent)} mails sent and the 550 one failed")


def check_delivery_and_restart(binary, python, src, work):
    temp, gone = contacts(src)[:2]
    smtp = SmtpFixture(python, src, work / "smtp.log",
                       rules=((temp, "tempfail-once"), (gone, "reject")))
    try:
        config = write_config(src, work, smtp.port)
        first = run(binary, config)
        mails = outbox_ids(work)
        answers = smtp.answers()
        counts = accepted_counts(answers)
        rejected = [a for a in answers if a["code"] == 550]
        expected = {mid for mid, m in mails.items() if gone not in outbox.recipients(m)}
        if set(counts) != expected or any(n != 1 for n in counts.values()):
            fail(f"{len(counts)} mails accepted (counts {sorted(set(counts.values()))}), "
                 f"expected {len(expected)} once each")
        if len(rejected) != 1 or rejected[0]["rcpt"][0] != gone:
            fail(f"expected one 550 for {gone}, got {rejected}")
        if "mail given up" not in first.stderr or "code=550" not in first.stderr:
            fail(f"the 550 was not logged: {first.stderr[-2000:]}")
        tempfails = [a for a in answers if a["code"] == 451]
        if len(tempfails) != 1 or tempfails[0]["rcpt"][0] != temp or \
                counts.get(tempfails[0]["message_id"]) != 1:
            fail(f"expected one 451 for {temp} and then its delivery: {tempfails}")
        for mid in counts:
            if mid not in mails:
                fail(f"{mid} was sent but is not in the outbox")
        print(f"ok: {len(counts)} of {len(mails)} mails delivered once each, "
              f"a 451 retried, a 550 given up and logged")
        check_outbox_list(binary, work, expected, gone, tempfails[0]["message_id"])
        second = run(binary, config)
        if len(smtp.answers()) != len(answers):
            fail(f"the restart talked to the server again: {smtp.answers()[len(answers):]}")
        if "sent=0" not in second.stderr:
            fail(f"the restart reports deliveries: {second.stderr[-2000:]}")
        print("ok: a restart with the same state sends nothing again")
    finally:
        smtp.stop()


def check_queue_survives(binary, python, src, work):
    """A server that only answers 451: everything stays queued; the next start sends it once."""
    down = SmtpFixture(python, src, work / "down.log", default="tempfail")
    try:
        config = write_config(src, work, down.port, drain="1s")
        r = run(binary, config)
        if "left_queued=0" in r.stderr:
            fail("nothing was left queued while the server answered 451")
    finally:
        down.stop()
    if accepted_counts(down.answers()):
        fail("a 451 server accepted mail")
    up = SmtpFixture(python, src, work / "up.log")
    try:
        run(binary, write_config(src, work, up.port))
        counts = accepted_counts(up.answers())
        if set(counts) != set(outbox_ids(work)) or any(n != 1 for n in counts.values()):
            fail(f"after the restart {len(counts)} mails arrived, expected "
                 f"{len(outbox_ids(work))} once each")
    finally:
        up.stop()
    print(f"ok: {len(counts)} mails queued behind a 451 server arrive once after a restart")


def check_kill_mid_send(binary, python, src, work):
    """notify killed while the server holds a message: after the restart it arrives once."""
    held = contacts(src)[0]
    smtp = SmtpFixture(python, src, work / "smtp.log", rules=((held, "hold-once"),))
    try:
        config = write_config(src, work, smtp.port)
        proc = subprocess.Popen([binary, "run", "--config", str(config)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: any(a["code"] == "held" for a in smtp.answers()), "the held message")
        proc.kill()
        proc.wait(timeout=30)
        run(binary, config)
        counts = accepted_counts(smtp.answers())
        held_ids = [a["message_id"] for a in smtp.answers() if a["code"] == "held"]
        if any(n != 1 for n in counts.values()) or counts.get(held_ids[0]) != 1:
            fail(f"after the kill: counts {counts}, held {held_ids}")
        missing = set(outbox_ids(work)) - set(counts)
        if missing:
            fail(f"{len(missing)} mails of the outbox never arrived, e.g. {sorted(missing)[:3]}")
    finally:
        smtp.stop()
    print(f"ok: killed mid-send, {len(counts)} mails arrive once each after the restart")


def check_starttls_and_auth(binary, python, src, work):
    """STARTTLS required and AUTH: every mail goes encrypted and authenticated; a wrong
    password is a permanent failure recorded for every mail, not a crash."""
    cert, key = work / "cert.pem", work / "key.pem"
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(cert)], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"openssl could not make a certificate: {r.stderr}")
    smtp = SmtpFixture(python, src, work / "smtp.log",
                       extra=("--tls", str(cert), str(key), "--auth", "notify:s3cret"))
    try:
        tls = f'starttls = true\nca_file = "{cert}"\nuser = "notify"\npassword = "s3cret"'
        run(binary, write_config(src, work, smtp.port, smtp_extra=tls))
        answers = smtp.answers()
        counts = accepted_counts(answers)
        if set(counts) != set(outbox_ids(work)) or any(n != 1 for n in counts.values()):
            fail(f"STARTTLS: {len(counts)} mails accepted of {len(outbox_ids(work))}")
        if not all(a["tls"] and a["auth"] for a in answers):
            fail("a mail went without TLS or AUTH")
        bad = work / "bad"
        bad.mkdir()
        wrong = tls.replace("s3cret", "wrong")
        out = run(binary, write_config(src, bad, smtp.port, smtp_extra=wrong))
        if len(smtp.answers()) != len(answers) or "mail given up" not in out.stderr:
            fail(f"a wrong password delivered mail or was not logged: {out.stderr[-1500:]}")
    finally:
        smtp.stop()
    print(f"ok: {len(counts)} mails over STARTTLS with AUTH; a wrong password gives up, logged")


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    python = fixture_python()
    if python is None:
        print("SKIP: no python3 with aiosmtpd (Debian python3-aiosmtpd)")
        sys.exit(77)
    shutil.rmtree(work, ignore_errors=True)
    for name in ("delivery", "queue", "kill", "tls"):
        (work / name).mkdir(parents=True)
    check_delivery_and_restart(binary, python, src, (work / "delivery").resolve())
    check_queue_survives(binary, python, src, (work / "queue").resolve())
    check_kill_mid_send(binary, python, src, (work / "kill").resolve())
    check_starttls_and_auth(binary, python, src, (work / "tls").resolve())


if __name__ == "__main__":
    main()
