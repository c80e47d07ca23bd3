#!/usr/bin/env python3
"""The demo end to end: `abuseflow run` in one process, then the same config
through four processes over tcp on loopback. Checks that every source address
of the sample is in exactly one mail, addressed to its own contact, one mail per
contact, and that both modes write the same mails.

usage: demo_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR [one|multi|both]
"""

import csv
import pathlib
import random
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import outbox  # noqa: E402

TIMEOUT = 300


from live_common import fail  # noqa: E402  (the shared failure exit)


def write_config(src, work, ports):
    """The demo config with absolute paths, a private state and outbox, and the given ports."""
    demo = src / "demo"
    text = (demo / "abuseflow.toml").read_text()
    text = text.replace('"logs/', f'"{demo}/logs/').replace('"registry/', f'"{demo}/registry/')
    text = text.replace('"../demo-out/state"', f'"{work}/state"')
    text = text.replace('"../demo-out/outbox"', f'"{work}/outbox"')
    for old, new in zip(("7301", "7302", "7303"), ports):
        text = text.replace(f"127.0.0.1:{old}", f"127.0.0.1:{new}")
    path = work / "abuseflow.toml"
    path.write_text(text)
    return path


def check_outbox(src, out_dir):
    expected = {}
    with open(src / "demo" / "expected.tsv") as f:
        for row in csv.reader(f, delimiter="\t"):
            if row and not row[0].startswith("#"):
                expected[row[0]] = row[1].lower()
    mails = outbox.read_mails(out_dir)
    if not mails:
        fail(f"no mails in {out_dir}")
    seen_in = {}
    for name, mail in mails.items():
        listed = outbox.addresses_in(outbox.body_text(mail)) & expected.keys()
        if not listed:
            fail(f"{name} lists no source address")
        for address in listed:
            seen_in.setdefault(address, []).append(name)
            if expected[address] not in outbox.recipients(mail):
                fail(f"{address} is in {name} to {mail['To']}, expected {expected[address]}")
    missing = sorted(set(expected) - set(seen_in))
    if missing:
        fail(f"{len(missing)} sources in no mail, e.g. {missing[:5]}")
    doubled = {a: n for a, n in seen_in.items() if len(n) > 1}
    if doubled:
        fail(f"{len(doubled)} sources in more than one mail, e.g. {list(doubled.items())[:3]}")
    contacts = set(expected.values())
    if len(mails) != len(contacts):
        fail(f"{len(mails)} mails for {len(contacts)} distinct contacts")
    print(f"ok: {len(mails)} mails, {len(expected)} sources, each in one mail to its own contact")
    return mails


def run_one(binary, src, work):
    config = write_config(src, work, ("7301", "7302", "7303"))
    result = subprocess.run([binary, "run", "--config", str(config)], capture_output=True,
                            text=True, timeout=TIMEOUT)
    print(result.stdout)
    if result.returncode != 0:
        fail(f"run exited {result.returncode}: {result.stderr}")
    if "mails written" not in result.stdout:
        fail("no summary printed")
    return check_outbox(src, work / "outbox")


def run_multi(binary, src, work):
    base = random.Random().randrange(20000, 60000, 3)
    config = write_config(src, work, tuple(str(base + i) for i in range(3)))
    procs = {}
    for stage in ("notify", "dedup", "enrich", "ingest"):
        procs[stage] = subprocess.Popen([binary, stage, "--config", str(config)],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for stage, proc in procs.items():
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            for p in procs.values():
                p.kill()
            fail(f"{stage} did not finish")
        if proc.returncode != 0:
            fail(f"{stage} exited {proc.returncode}: {err}")
    return check_outbox(src, work / "outbox")


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    mode = sys.argv[4] if len(sys.argv) > 4 else "both"
    shutil.rmtree(work, ignore_errors=True)
    (work / "one").mkdir(parents=True)
    (work / "multi").mkdir(parents=True)
    if mode in ("one", "both"):
        run_one(binary, src, work / "one")
    if mode in ("multi", "both"):
        run_multi(binary, src, work / "multi")
    if mode == "both":
        one = sorted((work / "one" / "outbox").glob("*.eml"))
        multi = sorted((work / "multi" / "outbox").glob("*.eml"))
        if [p.name for p in one] != [p.name for p in multi]:
            fail("the two modes wrote differently named mails")
        for a, b in zip(one, multi):
            if outbox.comparable(a.read_bytes()) != outbox.comparable(b.read_bytes()):
                fail(f"{a.name} differs between one process and four")
        print(f"ok: one process and four processes wrote the same {len(one)} mails")


if __name__ == "__main__":
    main()
