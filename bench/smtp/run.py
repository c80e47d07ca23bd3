#!/usr/bin/env python3
"""Mails per second to an SMTP server on loopback: a generated flood
(bench/flood/generate.py) through `abuseflow run` with `notify.delivery =
"smtp"` against the tests' SMTP fixture (tests/fixtures/smtp_server.py,
aiosmtpd), which accepts every mail and logs the time of each answer.

Figures: mails written, mails the server accepted (each exactly once),
mails per second from the first answer to the last, and the whole run's
time. Nothing leaves 127.0.0.1.

    python3 bench/smtp/run.py --abuseflow build/cli/abuseflow --events 200000
"""

import argparse
import collections
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "integration"))
sys.path.insert(0, str(ROOT / "bench" / "flood"))
import outbox  # noqa: E402
import run as flood_run  # noqa: E402
import smtp_delivery_test  # noqa: E402

CONFIG = """\
state_dir = "{work}/state"
[ingest]
batch_size = 512
[[ingest.input]]
format = "apache"
path = "{flood}/access.log"
sensor = "www1"
year = 2001
[enrich]
registry = ["{flood}/registry.db"]
[notify]
outbox = "{work}/outbox"
delivery = "smtp"
[notify.smtp]
url = "smtp://127.0.0.1:{port}"
domain_per_minute = 100000
contact_per_day = 1000
drain_timeout = "10m"
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--abuseflow", default="build/cli/abuseflow")
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    work = Path(args.work or f"/tmp/abuseflow-smtp-{args.events}").resolve()
    flood = work.parent / f"abuseflow-flood-{args.events}" / "flood"
    flood.mkdir(parents=True, exist_ok=True)
    flood_run.generate(flood, args.events)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    python = smtp_delivery_test.fixture_python()
    if not python:
        sys.exit("python3-aiosmtpd is not installed (scripts/setup.sh installs it)")
    smtp = smtp_delivery_test.SmtpFixture(python, ROOT, work / "smtp.log")
    try:
        config = work / "abuseflow.toml"
        config.write_text(CONFIG.format(work=work, flood=flood, port=smtp.port))
        start = time.monotonic()
        r = subprocess.run([args.abuseflow, "run", "--config", str(config)], capture_output=True, text=True)
        wall = time.monotonic() - start
        if r.returncode != 0:
            sys.exit(f"run exited {r.returncode}: {r.stderr[-2000:]}")
    finally:
        smtp.stop()
    answers = [a for a in smtp.answers() if a["code"] == 250]
    written = len(outbox.read_mails(work / "outbox"))
    per_id = collections.Counter(a["message_id"] for a in answers)
    twice = sum(1 for n in per_id.values() if n > 1)
    span = max(a["time"] for a in answers) - min(a["time"] for a in answers) if len(answers) > 1 else 0
    result = {"events": args.events, "mails_written": written, "mails_accepted": len(per_id),
              "accepted_twice": twice, "mails_per_second": round(len(answers) / span, 1) if span else None,
              "delivery_span_s": round(span, 2), "run_s": round(wall, 1)}
    (work / "result.json").write_text(json.dumps(result, indent=2))
    for k, v in result.items():
        print(f"{k:>18}: {v}")
    if written != len(per_id) or twice:
        sys.exit("FAIL: every written mail must be accepted exactly once")


if __name__ == "__main__":
    main()
