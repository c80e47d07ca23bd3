#!/usr/bin/env python3
"""Side by side: the same worm-day access log through fail2ban-regex with a
Code Red/Nimda filter, through CrowdSec's replay mode (apache2 parser and the
hub's scenarios), and through abuseflow (`parse`, and the whole pipeline with
`run`); lines per second for each, printed in one table.

    python3 bench/compare/compare.py --abuseflow build/cli/abuseflow --lines 100000

Installs the Debian packages fail2ban and crowdsec when they are missing (as
root; CrowdSec's registration with its central API is disabled first, since
nothing here may reach the internet). CrowdSec's replay needs its local API:
a private one is started on 127.0.0.1:8080 for the run and stopped after.
The log comes from bench/flood/generate.py. Writes compare.json in the work
folder.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CAPI = Path("/etc/crowdsec/online_api_credentials.yaml")

# The fail2ban filter: the requests of Code Red I/II and Nimda as Apache logs them.
FAIL2BAN_FILTER = r"""[Definition]
failregex = ^<HOST> -.*"GET /default\.ida\?[NX]{100,}
            ^<HOST> -.*"GET /\S*(?:root\.exe|cmd\.exe)\?
ignoreregex =
datepattern = ^[^\[]*\[({DATE})
"""


def installed(package):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return "install ok installed" in r.stdout


def ensure_packages():
    missing = [p for p in ("fail2ban", "crowdsec") if not installed(p)]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"missing {missing}; run as root to install them")
    CAPI.parent.mkdir(parents=True, exist_ok=True)
    if not CAPI.exists() or CAPI.stat().st_size == 0:
        CAPI.write_text("# central API registration disabled: no internet access here\n")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                   check=True, env=env, stdout=subprocess.DEVNULL)


def timed(cmd, **kwargs):
    start = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    elapsed = time.monotonic() - start
    if r.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({r.returncode}): {r.stderr[-1500:]}")
    return elapsed, r


def wait_port(port, deadline):
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def run_fail2ban(log, work):
    filt = work / "abuseflow-worms.conf"
    filt.write_text(FAIL2BAN_FILTER)
    elapsed, r = timed(["fail2ban-regex", "--print-no-missed", "--print-no-ignored", "-r",
                        str(log), str(filt)])
    matched = next((l for l in r.stdout.splitlines() if l.startswith("Lines:")), "")
    return elapsed, matched.strip()


def run_crowdsec(log):
    lapi = subprocess.Popen(["crowdsec", "-c", "/etc/crowdsec/config.yaml", "-no-cs"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_port(8080, time.monotonic() + 30):
            sys.exit("CrowdSec's local API did not start on 127.0.0.1:8080")
        elapsed, r = timed(["crowdsec", "-c", "/etc/crowdsec/config.yaml", "-dsn",
                            f"file://{log}", "-type", "apache2", "-no-api"])
    finally:
        lapi.terminate()
        lapi.wait(timeout=30)
    return elapsed, ""


def run_abuseflow_parse(binary, log):
    with open(os.devnull, "w") as null:
        start = time.monotonic()
        r = subprocess.run([binary, "parse", "--format", "apache", "--year", "2001", str(log)],
                           stdout=null, stderr=subprocess.PIPE, text=True)
        elapsed = time.monotonic() - start
    if r.returncode != 0:
        sys.exit(f"abuseflow parse failed: {r.stderr[-1500:]}")
    return elapsed, r.stderr.strip().splitlines()[-1]


def run_abuseflow_pipeline(binary, log, registry, work):
    state = work / "state"
    shutil.rmtree(state, ignore_errors=True)
    shutil.rmtree(work / "outbox", ignore_errors=True)
    elapsed, r = timed([binary, "run", "--input", f"apache:{log}", "--registry", str(registry),
                        "--state", str(state), "--outbox", str(work / "outbox")])
    mails = next((l.strip() for l in r.stdout.splitlines() if "mails written" in l), "")
    return elapsed, mails


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--abuseflow", default="build/cli/abuseflow")
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--work", default=None)
    ap.add_argument("--skip", default="", help="comma-separated: fail2ban, crowdsec")
    args = ap.parse_args()
    binary = str(Path(args.abuseflow).resolve())
    work = Path(args.work or f"/tmp/abuseflow-compare-{args.lines}")
    flood = work / "flood"
    if not (flood / "meta.json").exists():
        subprocess.run([sys.executable, str(HERE.parent / "flood" / "generate.py"), "--events",
                        str(args.lines * 10 // 9 + 1), "--out", str(flood)], check=True,
                       stdout=subprocess.DEVNULL)
    log = work / "access.log"
    with open(flood / "access.log") as src, open(log, "w") as dst:
        for i, line in enumerate(src):
            if i >= args.lines:
                break
            dst.write(line)
    lines = sum(1 for _ in open(log))
    skip = set(filter(None, args.skip.split(",")))
    if not {"fail2ban", "crowdsec"} <= skip:
        ensure_packages()
    rows = {}
    if "fail2ban" not in skip:
        rows["fail2ban-regex (worm filter)"] = run_fail2ban(log, work)
    if "crowdsec" not in skip:
        rows["crowdsec replay (apache2)"] = run_crowdsec(log)
    rows["abuseflow parse --format apache"] = run_abuseflow_parse(binary, log)
    rows["abuseflow run (whole pipeline)"] = run_abuseflow_pipeline(binary, log,
                                                                    flood / "registry.db", work)
    print(f"{lines} access-log lines ({log})")
    print(f"{'tool':<34}{'seconds':>9}{'lines/s':>12}  note")
    result = {}
    for name, (elapsed, note) in rows.items():
        print(f"{name:<34}{elapsed:>9.2f}{lines / elapsed:>12,.0f}  {note}")
        result[name] = {"seconds": elapsed, "lines_per_second": lines / elapsed, "note": note}
    (work / "compare.json").write_text(json.dumps({"lines": lines, "tools": result}, indent=2))


if __name__ == "__main__":
    main()
