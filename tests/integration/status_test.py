#!/usr/bin/env python3
"""`abuseflow status` shows what is still on its way, and the end of a stream
waits for notify: the demo through ingest, enrich and dedup processes while
notify is not running yet. Ingest journals the whole stream and its end but
cannot finish; dedup keeps every incident batch (and the end) for notify;
`status` says so. Then notify starts: every process ends by itself, the
demo's mails are written and `status` shows nothing left.

usage: status_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import json
import pathlib
import shutil
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import demo_test  # noqa: E402
from live_common import fail, free_port  # noqa: E402

DEADLINE = 60


def status(binary, state):
    r = subprocess.run([binary, "status", "--state", str(state), "--json"], capture_output=True, text=True,
                       timeout=30)
    if r.returncode != 0:
        fail(f"status exited {r.returncode}: {r.stderr}")
    return json.loads(r.stdout)


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    config = demo_test.write_config(src, work, tuple(str(free_port()) for _ in range(3)))
    state = work / "state"
    procs = {}
    for stage in ("dedup", "enrich", "ingest"):
        with open(work / f"{stage}.log", "w") as log:
            procs[stage] = subprocess.Popen([binary, stage, "--config", str(config)], stdout=log,
                                            stderr=subprocess.STDOUT)
    try:
        end = time.monotonic() + DEADLINE
        while True:
            s = status(binary, state) if state.exists() else None
            if s and s["ingest_journal"].get("stream_ended") and s["dedup"] and \
                    s["dedup"][0].get("streams_ending") == 1:
                break
            if time.monotonic() > end:
                fail(f"without notify, the stream never reached dedup's end: {s}")
            time.sleep(0.2)
        pending = s["dedup"][0]["incident_batches_unacknowledged"]
        if pending < 2:
            fail(f"dedup holds {pending} incident batches for notify, expected the demo's batches and the end")
        if procs["ingest"].poll() is not None:
            fail("ingest finished although notify never acknowledged the stream's end")
        text = subprocess.run([binary, "status", "--state", str(state)], capture_output=True, text=True).stdout
        if "stream ended" not in text or "not yet acknowledged by notify" not in text:
            fail(f"status text: {text}")
        print(f"ok: without notify, ingest waits and dedup holds {pending} batches for it")
        with open(work / "notify.log", "w") as log:
            procs["notify"] = subprocess.Popen([binary, "notify", "--config", str(config)], stdout=log,
                                               stderr=subprocess.STDOUT)
        end = time.monotonic() + DEADLINE
        while any(p.poll() is None for p in procs.values()):
            if time.monotonic() > end:
                fail(f"{[n for n, p in procs.items() if p.poll() is None]} did not finish")
            time.sleep(0.1)
        for name, p in procs.items():
            if p.returncode != 0:
                fail(f"{name} exited {p.returncode}: {(work / f'{name}.log').read_text()[-2000:]}")
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
    demo_test.check_outbox(src, work / "outbox")
    s = status(binary, state)
    left = (s["dedup"][0]["incident_batches_unacknowledged"], s["dedup"][0]["streams_ending"],
            s["notify"]["open_report_incidents"], s["notify"]["streams_ending"])
    if left != (0, 0, 0, 0):
        fail(f"after the run, status still shows {left}")
    print("ok: notify started late; every process ended, the demo's mails are written, nothing is left")


if __name__ == "__main__":
    main()
