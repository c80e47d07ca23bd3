#!/usr/bin/env python3
"""`abuseflow keys generate|show` and a [security] config through `config check`, as a user calls them.

usage: keys_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import os
import pathlib
import re
import shutil
import stat
import subprocess
import sys

Z85 = re.compile(r"^[0-9a-zA-Z.\-:+=^!/*?&<>()\[\]{}@%$#]{40}$")


from live_common import fail  # noqa: E402  (the shared failure exit)


def run(binary, *args, code=0):
    r = subprocess.run([binary, *args], capture_output=True, text=True, timeout=60)
    if r.returncode != code:
        fail(f"{' '.join(args)} exited {r.returncode}, expected {code}: {r.stderr}")
    return r


def check_generate_and_show(binary, work):
    keys = work / "keys"
    r = run(binary, "keys", "generate", "--dir", str(keys), "--name", "sensor1")
    public = r.stdout.strip()
    if not Z85.match(public):
        fail(f"generate printed {r.stdout!r}, not a Z85 key")
    secret_file, public_file = keys / "sensor1.key", keys / "sensor1.pub"
    if stat.S_IMODE(secret_file.stat().st_mode) != 0o600:
        fail(f"{secret_file} has mode {oct(secret_file.stat().st_mode)}")
    if "secret-key" in public_file.read_text():
        fail(f"{public_file} holds a secret key")
    for path in (public_file, secret_file):
        if run(binary, "keys", "show", str(path)).stdout.strip() != public:
            fail(f"keys show {path} did not print the generated public key")
    before = secret_file.read_text()
    r = run(binary, "keys", "generate", "--dir", str(keys), "--name", "sensor1", code=1)
    if "refusing to overwrite" not in r.stderr or secret_file.read_text() != before:
        fail(f"second generate did not refuse: {r.stderr}")
    os.chmod(secret_file, 0o644)
    r = run(binary, "keys", "show", str(secret_file), code=1)
    if "chmod 600" not in r.stderr:
        fail(f"a world-readable secret key was not refused: {r.stderr}")
    os.chmod(secret_file, 0o600)
    (work / "bad.pub").write_text('public-key = "tooshort"\n')
    r = run(binary, "keys", "show", str(work / "bad.pub"), code=1)
    if "bad.pub" not in r.stderr:
        fail(f"a malformed key was not reported with its file: {r.stderr}")
    run(binary, "keys", "generate", "--dir", str(keys), "--name", "../x", code=1)
    r = subprocess.run([binary, "keys", "generate", "--dir", str(keys)], capture_output=True, text=True, timeout=60)
    if r.returncode == 0 or "--name" not in r.stderr + r.stdout:
        fail(f"generate without --name exited {r.returncode}: {r.stderr}")
    return public


def check_config(binary, work):
    run(binary, "keys", "generate", "--dir", str(work / "keys"), "--name", "central")
    good = work / "central.toml"
    good.write_text('[security]\ncurve = true\nkey_file = "keys/central.key"\n'
                    'allowed_keys = ["keys/sensor1.pub"]\nserver_key = "keys/central.pub"\n')
    run(binary, "config", "check", str(good))
    bad = work / "bad.toml"
    bad.write_text('[security]\ncurve = true\nkey_file = "keys/central.key"\nallowed_keys = ["nokey"]\n')
    r = run(binary, "config", "check", str(bad), code=1)
    if "security.allowed_keys[0]" not in r.stdout + r.stderr:
        fail(f"config check did not name the bad key: {r.stdout}{r.stderr}")


def main():
    binary, _, work = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    check_generate_and_show(binary, work)
    check_config(binary, work)
    print("ok")


if __name__ == "__main__":
    main()
