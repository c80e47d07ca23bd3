#!/usr/bin/env python3
"""`abuseflow rdap bootstrap update` against a loopback HTTPS file server
(tests/fixtures/https_files_server.py) with a certificate made here by the
openssl CLI and trusted through [enrich.rdap] ca_file.

Checks that good files replace the old ones (versions and publication dates
reported, nothing left beside them, `--dir` honoured), and that a broken JSON file, a file of the wrong family and a 404 are
refused with a clear error, leaving the old files byte for byte and no
temporary file behind.

usage: rdap_bootstrap_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import json
import pathlib
import select
import shutil
import subprocess
import sys


from live_common import fail  # noqa: E402  (the shared failure exit)


def bootstrap(family, publication):
    prefixes = ["23.0.0.0/8", "81.0.0.0/8"] if family == 4 else ["2400::/12"]
    return json.dumps({"version": "1.0", "publication": publication,
                       "description": f"test IPv{family} bootstrap",
                       "services": [[prefixes, ["https://rdap.arin.net/registry/"]]]}, indent=2)


def make_certificate(work):
    cert, key = work / "cert.pem", work / "key.pem"
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(cert)], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"openssl could not make a certificate: {r.stderr}")
    return cert, key


def served_tree(root):
    """good/: new files; broken/: ipv6.json cut short; swapped/: the IPv4 file
    as ipv6.json; missing/: no ipv6.json (404)."""
    v4, v6 = bootstrap(4, "2027-03-01T12:00:00Z"), bootstrap(6, "2027-03-01T12:00:01Z")
    for name, files in {"good": {"ipv4.json": v4, "ipv6.json": v6},
                        "broken": {"ipv4.json": v4, "ipv6.json": v6[:len(v6) // 2]},
                        "swapped": {"ipv4.json": v4, "ipv6.json": v4},
                        "missing": {"ipv4.json": v4}}.items():
        (root / name).mkdir(parents=True)
        for file, text in files.items():
            (root / name / file).write_text(text)
    return v4, v6


def start_server(src, cert, key, root):
    proc = subprocess.Popen([sys.executable, str(src / "tests" / "fixtures" / "https_files_server.py"),
                             str(cert), str(key), str(root)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    if not ready:
        proc.kill()
        fail("fixture HTTPS server did not start within 30 s")
    return proc, json.loads(proc.stdout.readline())["port"]


def run(binary, *args, code=0):
    r = subprocess.run([binary, *args], capture_output=True, text=True, timeout=60)
    if r.returncode != code:
        fail(f"{' '.join(args)}: exit {r.returncode}, expected {code}\n{r.stdout}\n{r.stderr}")
    return r


def check_refused(binary, config, base, case, needle, data, old):
    r = run(binary, "rdap", "bootstrap", "update", "-c", str(config), "--from", f"{base}/{case}/", code=1)
    if needle not in r.stderr or "unchanged" not in r.stderr:
        fail(f"{case}: the error does not say '{needle}' and unchanged: {r.stderr}")
    now = {p.name: p.read_text() for p in data.iterdir()}
    if now != old:
        fail(f"{case}: the bootstrap folder changed: {sorted(now)}")
    print(f"ok: {case} refused ({r.stderr.strip()})")


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    cert, key = make_certificate(work)
    v4, v6 = served_tree(work / "www")
    data = work / "bootstrap"
    data.mkdir()
    for name in ("ipv4.json", "ipv6.json"):
        shutil.copy(src / "enrich" / "rdap" / name, data / name)
    old = {p.name: p.read_text() for p in data.iterdir()}
    config = work / "abuseflow.toml"
    config.write_text(f"""state_dir = "{work}/state"
[enrich]
sources = ["rdap"]
[enrich.rdap]
bootstrap = ["{data}/ipv4.json", "{data}/ipv6.json"]
ca_file = "{cert}"
timeout = "5s"
""")
    proc, port = start_server(src, cert, key, work / "www")
    base = f"https://127.0.0.1:{port}"
    try:
        check_refused(binary, config, base, "broken", "ipv6.json: bootstrap file is not JSON", data, old)
        check_refused(binary, config, base, "swapped", "IPv6 prefixes only", data, old)
        check_refused(binary, config, base, "missing", "HTTP status 404", data, old)
        r = run(binary, "rdap", "bootstrap", "update", "--from", f"http://127.0.0.1:{port}/good/",
                "-c", str(config), code=1)
        if "https" not in r.stderr:
            fail(f"plain http was not refused clearly: {r.stderr}")
        r = run(binary, "rdap", "bootstrap", "update", "-c", str(config), "--from", f"{base}/good")
        if (data / "ipv4.json").read_text() != v4 or (data / "ipv6.json").read_text() != v6:
            fail("the good files were not written")
        if sorted(p.name for p in data.iterdir()) != ["ipv4.json", "ipv6.json"]:
            fail(f"files left in the folder: {sorted(p.name for p in data.iterdir())}")
        for needle in ("ipv4.json: version 1.0, published 2027-03-01T12:00:00Z",
                       "ipv6.json: version 1.0, published 2027-03-01T12:00:01Z",
                       "(was published 2026-12-01T00:00:00Z)"):
            if needle not in r.stdout:
                fail(f"update output lacks '{needle}':\n{r.stdout}")
        run(binary, "config", "check", str(config))
        other = work / "other"
        other.mkdir()
        run(binary, "rdap", "bootstrap", "update", "--from", f"{base}/good/", "--dir", str(other),
            "-c", str(config))
        if (other / "ipv6.json").read_text() != v6:
            fail("--dir was not written")
        r = run(binary, "rdap", "bootstrap", "update", "--from", f"{base}/good/", code=2)
        if "--dir" not in r.stderr:
            fail(f"without a config or --dir: {r.stderr}")
        print("ok: good files replace the old ones, --dir, versions and dates reported")
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
