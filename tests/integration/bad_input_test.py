#!/usr/bin/env python3
"""Bad input end to end: malformed and hostile lines, an unreadable input and a
registry with broken objects give clear messages with file and line, counted
rejections, and no crash; the good lines still become a mail.

usage: bad_input_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import pathlib
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import outbox  # noqa: E402

GOOD = ('198.18.0.7 - - [18/Sep/2001:09:12:44 -0400] "GET /scripts/root.exe?/c+dir HTTP/1.0" '
        '404 284 "-" "-"')

REGISTRY = """\
inetnum:        198.18.0.0 - 198.18.0.255
netname:        GOOD-NET
descr:          Good Net
country:        NL
abuse-c:        GN1-DEMO
source:         DEMO

role:           Good Net Abuse
nic-hdl:        GN1-DEMO
abuse-mailbox:  abuse@good-net.example
source:         DEMO

inetnum:        198.18.9.0 - 198.18.1.0
netname:        BACKWARDS
source:         DEMO

this line has no colon
netname:        NO-CLASS

inetnum:        300.1.1.1 - 300.1.1.9
netname:        IMPOSSIBLE
source:         DEMO
"""


from live_common import fail  # noqa: E402  (the shared failure exit)


def main():
    binary, work = sys.argv[1], pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    log = work / "bad.log"
    with open(log, "wb") as f:
        f.write(GOOD.encode() + b"\n")
        f.write(b"\x00\x01\x02binary junk\xff\xfe\n")
        f.write(b'999.1.1.1 - - [18/Sep/2001:09:12:44 -0400] "GET / HTTP/1.0" 200 1 "-" "-"\n')
        f.write(b'198.18.0.8 - - [31/Feb/2001:09:12:44 -0400] "GET /scripts/root.exe?/c+dir HTTP/1.0" 404 1\n')
        f.write(b'198.18.0.9 - - [18/Sep/2001:09:1\n')
        f.write(b"A" * (70 * 1024) + b"\n")
        f.write(GOOD.replace("198.18.0.7", "198.18.0.10").encode() + b"\n")
        f.write(b'198.18.0.11 - - [18/Sep/2001:09:12:44 -0400] "GET /\xc3\x28 HTTP/1.0" 404 1\n')
    registry = work / "broken.db"
    registry.write_text(REGISTRY)
    result = subprocess.run(
        [binary, "run", "--input", f"apache:{log}", "--input", f"netfilter:{work}/missing.log",
         "--registry", str(registry), "--state", str(work / "state"), "--outbox",
         str(work / "outbox")], capture_output=True, text=True, errors="replace", timeout=120)
    print(result.stdout)
    print(result.stderr)
    if result.returncode < 0:
        fail(f"abuseflow crashed with signal {-result.returncode}")
    if result.returncode != 1:
        fail(f"an unreadable input must make the run exit 1, got {result.returncode}")
    for needle in (f"{work}/missing.log", f"{log}", "too-long", "bad-address", "bad-time"):
        if needle not in result.stdout + result.stderr:
            fail(f"output does not mention {needle!r}")
    if f"{registry}:" not in result.stderr:
        fail("the broken registry objects are not reported with file:line")
    if f"file={log} line=2" not in result.stderr:
        fail("the first rejected line is not logged with its file and line")
    mails = outbox.read_mails(work / "outbox")
    if len(mails) != 1:
        fail(f"expected one mail for the good lines, got {len(mails)}")
    listed = outbox.addresses_in(outbox.body_text(next(iter(mails.values()))))
    if not {"198.18.0.7", "198.18.0.10"} <= listed:
        fail(f"the good sources are not in the mail: {listed}")
    print("ok: bad input reported and counted, good lines reported")


if __name__ == "__main__":
    main()
