#!/usr/bin/env python3
"""Gzip-compressed offline data: `abuseflow run` over the demo with
`enrich.registry` pointing at a gzip copy of demo/registry/demo.db writes the
same mails as with the plain file; the same copy cut in half stops the run
with an error naming the file (enrich/input_file.h).

usage: gz_registry_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import gzip
import pathlib
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import demo_test  # noqa: E402
import outbox  # noqa: E402


def gz_config(src, work, registry):
    """The demo config (demo_test.write_config) with enrich.registry = [registry]."""
    path = demo_test.write_config(src, work, ("7301", "7302", "7303"))
    text = path.read_text()
    plain = f'"{src}/demo/registry/demo.db"'
    if plain not in text:
        demo_test.fail("demo config names no registry/demo.db")
    path.write_text(text.replace(plain, f'"{registry}"'))
    return path


def run(binary, config):
    return subprocess.run([binary, "run", "--config", str(config)], capture_output=True,
                          text=True, timeout=demo_test.TIMEOUT)


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    for name in ("plain", "gz", "cut"):
        (work / name).mkdir(parents=True)
    data = (src / "demo" / "registry" / "demo.db").read_bytes()
    packed = gzip.compress(data)
    (work / "demo.db.gz").write_bytes(packed)
    (work / "cut.db.gz").write_bytes(packed[: len(packed) // 2])

    demo_test.run_one(binary, src, work / "plain")
    result = run(binary, gz_config(src, work / "gz", work / "demo.db.gz"))
    if result.returncode != 0:
        demo_test.fail(f"run over demo.db.gz exited {result.returncode}: {result.stderr}")
    demo_test.check_outbox(src, work / "gz" / "outbox")
    plain = sorted((work / "plain" / "outbox").glob("*.eml"))
    packed_mails = sorted((work / "gz" / "outbox").glob("*.eml"))
    if [p.name for p in plain] != [p.name for p in packed_mails]:
        demo_test.fail("the plain and the gzip registry gave differently named mails")
    for a, b in zip(plain, packed_mails):
        if outbox.comparable(a.read_bytes()) != outbox.comparable(b.read_bytes()):
            demo_test.fail(f"{a.name} differs between the plain and the gzip registry")
    print(f"ok: the gzip registry gave the same {len(plain)} mails")

    cut = work / "cut.db.gz"
    result = run(binary, gz_config(src, work / "cut", cut))
    if result.returncode == 0:
        demo_test.fail("run over a truncated registry.gz succeeded")
    expected = f"cannot read registry {cut}: truncated gzip data"
    if expected not in result.stderr + result.stdout:
        demo_test.fail(f"no '{expected}' in the output: {result.stderr}")
    if list((work / "cut" / "outbox").glob("*.eml")):
        demo_test.fail("a run over a truncated registry wrote mails")
    print("ok: a truncated registry.gz stops the run naming the file")


if __name__ == "__main__":
    main()
