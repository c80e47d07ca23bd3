#!/usr/bin/env python3
"""The operator's live end-to-end check (deploy/live_check.py) with the built
binary: portsentry and a netfilter LOG rule in a sensor namespace, a private
rsyslogd forwarding to `abuseflow run`'s syslog receivers, nmap from an
attacker namespace. It must print PASS and exit 0; the outbox it keeps
(--work) must hold a notice to the attacker's abuse contact whose text lists
the attacker's address with portsentry's lines (and the kernel's LOG line
when the check says netfilter worked). Afterwards its namespaces are gone and
net.netfilter.nf_log_all_netns has its old value.

The check exits 77 when a prerequisite is missing (not root, no ip, nft or
iptables, portsentry, rsyslogd, nmap, unshare, namespaces); so does this test
(ctest's SKIP_RETURN_CODE), with the check's reason printed.

usage: live_check_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import outbox  # noqa: E402
from live_common import fail  # noqa: E402

SKIP = 77
ATTACKER = "198.18.30.50"
CONTACT = "abuse@skylinecable.example"
SYSCTL = pathlib.Path("/proc/sys/net/netfilter/nf_log_all_netns")


def sysctl():
    try:
        return SYSCTL.read_text().strip()
    except OSError:
        return None


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3]).resolve()
    before = sysctl()
    try:
        r = subprocess.run([sys.executable, str(src / "deploy" / "live_check.py"), "--binary", binary,
                            "--work", str(work)], capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired as e:
        fail(f"deploy/live_check.py did not end within 240 s: {e.stdout}{e.stderr}")
    print(r.stdout, end="")
    print(r.stderr, end="", file=sys.stderr)
    if r.returncode == SKIP:
        print("SKIP: the live check's prerequisites are missing here (see above)")
        sys.exit(SKIP)
    if r.returncode != 0 or "live-check: PASS" not in r.stdout:
        fail(f"deploy/live_check.py exited {r.returncode} without PASS")
    if sysctl() != before:
        fail(f"net.netfilter.nf_log_all_netns is {sysctl()} after the check, was {before}")
    left = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    if "af-live-" in left:
        fail(f"namespaces left behind: {left}")
    mails = {n: m for n, m in outbox.read_mails(work / "outbox").items() if CONTACT in outbox.recipients(m)}
    if len(mails) != 1:
        fail(f"expected one notice to {CONTACT}, found {sorted(mails)}")
    (name, mail), = mails.items()
    body = outbox.body_text(mail)
    if ATTACKER not in outbox.addresses_in(body):
        fail(f"{name} does not list {ATTACKER}: {body[:2000]}")
    if "portsentry[" not in body or f"Connect from host: {ATTACKER}/{ATTACKER}" not in body:
        fail(f"{name} has no portsentry line: {body[:2000]}")
    netfilter = "evidence from portsentry and netfilter" in r.stdout
    if netfilter and not any(" kernel: AFLIVE" in l and f"SRC={ATTACKER} " in l and "DPT=23 " in l
                             for l in body.splitlines()):
        fail(f"the check saw netfilter work, but {name} has no kernel LOG line: {body[:2000]}")
    print(f"ok: the live check passed; {name} to {CONTACT} lists {ATTACKER} with portsentry's"
          + (" and the kernel's lines" if netfilter else " lines (the kernel did not log from the namespace)"))


if __name__ == "__main__":
    main()
