#!/usr/bin/env python3
"""Replies over IMAP: the demo writes its notices; a private dovecot on
127.0.0.1 (tests/fixtures/dovecot_imap.py) holds the reporting mailbox, into
which the test drops an RFC 3464 bounce, an auto-reply, a human answer and a
message over the 4 MiB cap. An empty mailbox imports nothing; then
`abuseflow replies import --config F` (credentials in [notify.imap], the
password from a file) fetches the three over imap:// and classifies them,
the big one counted too large and never fetched; a
second import fetches nothing; a reply dropped later is the only one the
third import fetches; a wrong password fails with a clear error and exit 1.
A second dovecot requires STARTTLS (a self-signed certificate made with
openssl): with `starttls` alone the certificate is refused, with `ca_file`
too the import works and dovecot logs a login over TLS.

usage: replies_imap_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
exit 77 (skipped) when dovecot is not installed.
"""

import pathlib
import re
import shutil
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "fixtures"))
import replies_test  # noqa: E402  (the demo run and the reply texts)
from dovecot_imap import DovecotImap  # noqa: E402


def fail(message, server=None):
    print("FAIL:", message)
    if server is not None:
        print("dovecot log:\n" + server.log())
    sys.exit(1)


def import_replies(binary, state, config):
    return subprocess.run([binary, "replies", "import", "--state", state, "--config", config],
                          capture_output=True, text=True, timeout=120)


def wait_for_log(server, pattern, deadline_s=20):
    """Whether dovecot's log shows `pattern` before the deadline (its
    processes write the log after our client has gone)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if re.search(pattern, server.log()):
            return True
        time.sleep(0.05)  # poll interval of the condition, not a wait for it
    return False


def summary_number(out, name):
    match = re.search(name + r" (\d+)", out)
    return int(match.group(1)) if match else -1


def write_config(work, url, password, tls_lines=""):
    (work / "imap.password").write_text(password + "\n")
    config = work / "imap.toml"
    config.write_text(f"""[notify.imap]
mailboxes = ["{url}"]
{tls_lines}user = "reports"
password_file = "{work / 'imap.password'}"
connect_timeout = "10s"
timeout = "30s"
""")
    return str(config)


def main():
    if shutil.which("dovecot") is None:
        print("skipped: dovecot (dovecot-imapd) is not installed")
        sys.exit(77)
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    work = work.resolve()
    notices = replies_test.demo(binary, src, work)
    if len(notices) < 4:
        fail(f"{len(notices)} notices")
    state = str(work / "state")
    with DovecotImap(work / "dovecot") as server:
        config = write_config(work, server.url(), server.password)
        empty = import_replies(binary, state, config)
        if empty.returncode != 0 or summary_number(empty.stdout, "messages") != 0:
            fail(f"an empty mailbox: exit {empty.returncode}\n{empty.stdout}{empty.stderr}", server)
        server.drop("1.bounce", replies_test.bounce(notices[0]))
        server.drop("2.auto", replies_test.auto(notices[2]))
        server.drop("3.human", replies_test.human(notices[1]))
        big = "From: someone@example.org\nSubject: big\nMessage-ID: <big@example.org>\n\n"
        server.drop("4.big", big + ("x" * 99 + "\n") * 46000)  # 4.6 MB: over the 4 MiB cap

        first = import_replies(binary, state, config)
        out = first.stdout
        if first.returncode != 0:
            fail(f"import exited {first.returncode}: {first.stderr}", server)
        for line, kind in ((";UID=1: bounce", "bounce"), (";UID=2: automated", "auto-reply"),
                           (";UID=3: human admits fixed", "human reply")):
            if line not in out:
                fail(f"the {kind} was not imported as such over IMAP:\n{out}", server)
        expected = {"messages": 3, "bounces": 1, "automated": 1, "human": 1,
                    "fetched over IMAP": 3, "too large": 1, "failing contacts marked": 1}
        for name, value in expected.items():
            if summary_number(out, name) != value:
                fail(f"first import: {name} is not {value}:\n{out}", server)

        if not wait_for_log(server, r"Logged out .* body_count=3 "):
            fail("dovecot did not send exactly three message bodies", server)

        second = import_replies(binary, state, config)
        if second.returncode != 0 or summary_number(second.stdout, "messages") != 0 or \
                summary_number(second.stdout, "fetched over IMAP") != 0:
            fail(f"a second import fetched again:\n{second.stdout}{second.stderr}", server)

        server.drop("5.ack", replies_test.ack(notices[3]))
        third = import_replies(binary, state, config)
        if third.returncode != 0 or summary_number(third.stdout, "fetched over IMAP") != 1 or \
                ";UID=5: automated" not in third.stdout:
            fail(f"the third import did not fetch just the new reply:\n{third.stdout}"
                 f"{third.stderr}", server)

        bad = write_config(work, server.url(), "wrong-password")
        denied = import_replies(binary, state, bad)
        if denied.returncode != 1 or "IMAP imap://127.0.0.1" not in denied.stderr:
            fail(f"a refused login: exit {denied.returncode}, stderr {denied.stderr!r}", server)

    # STARTTLS required by the server, our certificate checked against ca_file.
    with DovecotImap(work / "dovecot-tls", tls=True) as server:
        server.drop("1.latin1", replies_test.latin1_fixed(notices[4]))
        untrusted = import_replies(binary, state, write_config(
            work, server.url(), server.password, "starttls = true\n"))
        if untrusted.returncode != 1 or "certificate" not in untrusted.stderr.lower():
            fail(f"a self-signed certificate not in ca_file was accepted: "
                 f"{untrusted.stdout}{untrusted.stderr}", server)
        config = write_config(work, server.url(), server.password,
                              f'starttls = true\nca_file = "{server.cert}"\n')
        tls = import_replies(binary, state, config)
        if tls.returncode != 0 or summary_number(tls.stdout, "fetched over IMAP") != 1 or \
                ";UID=1: human" not in tls.stdout:
            fail(f"the import over STARTTLS: exit {tls.returncode}\n{tls.stdout}{tls.stderr}",
                 server)
        if not wait_for_log(server, r"Login: user=<reports>.*\bTLS\b"):
            fail("dovecot logged no login over TLS", server)

    failing = subprocess.run([binary, "contacts", "failing", "--state", state],
                             capture_output=True, text=True, timeout=60).stdout
    if "1 failing" not in failing:
        fail(f"the bounce fetched over IMAP marked no contact failing:\n{failing}")
    print("ok: a bounce, an auto-reply and a human answer fetched from dovecot over imap:// "
          "and classified, a message over the cap not fetched; a second import fetched nothing, a third only the new reply; "
          "a refused login is an error; STARTTLS with a checked certificate works")


if __name__ == "__main__":
    main()
