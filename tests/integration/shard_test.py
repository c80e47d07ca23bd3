#!/usr/bin/env python3
"""Dedup partitioning: the demo through ingest, enrich, two dedup shards and
notify as separate processes over tcp on loopback writes the same mails as
`abuseflow run`, and each source address's history is in exactly one shard,
the one the documented hash names (FNV-1a 64 of the address bytes modulo the
shard count, enrich/shard_router.h). `abuseflow run` with the sharded config
runs the two shards in its own process (inproc) with the same result.

usage: shard_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import ipaddress
import pathlib
import random
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import demo_test  # noqa: E402
import outbox  # noqa: E402

SHARDS = 2
SAMPLE = 24  # addresses whose shard is checked one by one with `abuseflow history`


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def sharded_config(src, work):
    """The demo config with [endpoints] dedup as a list of two shards."""
    base = random.Random().randrange(20000, 60000, 4)
    ports = [str(base + i) for i in range(4)]
    path = demo_test.write_config(src, work, (ports[0], ports[1], ports[2]))
    text = path.read_text()
    single = f'dedup = "tcp://127.0.0.1:{ports[1]}"'
    if single not in text:
        demo_test.fail("demo config has no [endpoints] dedup line")
    text = text.replace(single, f'dedup = ["tcp://127.0.0.1:{ports[1]}", "tcp://127.0.0.1:{ports[3]}"]')
    path.write_text(text)
    return path


def run_sharded(binary, src, work):
    config = sharded_config(src, work)
    commands = {
        "notify": ["notify"],
        "dedup-0": ["dedup", "--shard", "0"],
        "dedup-1": ["dedup", "--shard", "1"],
        "enrich": ["enrich"],
        "ingest": ["ingest"],
    }
    procs = {}
    for name, args in commands.items():
        procs[name] = subprocess.Popen([binary, *args, "--config", str(config)],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for name, proc in procs.items():
        try:
            _, err = proc.communicate(timeout=demo_test.TIMEOUT)
        except subprocess.TimeoutExpired:
            for p in procs.values():
                p.kill()
            demo_test.fail(f"{name} did not finish")
        if proc.returncode != 0:
            demo_test.fail(f"{name} exited {proc.returncode}: {err}")
    return demo_test.check_outbox(src, work / "outbox")


def run_in_process_sharded(binary, src, work):
    """`abuseflow run` over the sharded config: one dedup thread per shard."""
    config = sharded_config(src, work)
    result = subprocess.run([binary, "run", "--config", str(config)], capture_output=True,
                            text=True, timeout=demo_test.TIMEOUT)
    if result.returncode != 0:
        demo_test.fail(f"run with two dedup shards exited {result.returncode}: {result.stderr}")
    return demo_test.check_outbox(src, work / "outbox")


def has_history(binary, state, address):
    result = subprocess.run([binary, "history", "--state", str(state), "--json", address],
                            capture_output=True, text=True, timeout=60)
    if result.returncode not in (0, 1):
        demo_test.fail(f"history {address} in {state} exited {result.returncode}: {result.stderr}")
    return result.returncode == 0


def check_shards(binary, src, work):
    addresses = sorted(read_expected(src))
    per_shard = [0] * SHARDS
    for address in addresses:
        per_shard[fnv1a64(ipaddress.ip_address(address).packed) % SHARDS] += 1
    if min(per_shard) == 0:
        demo_test.fail(f"the demo's addresses do not spread over the shards: {per_shard}")
    sample = random.Random(7).sample(addresses, min(SAMPLE, len(addresses)))
    for address in sample:
        owner = fnv1a64(ipaddress.ip_address(address).packed) % SHARDS
        holders = [k for k in range(SHARDS) if has_history(binary, work / "state" / f"shard-{k}", address)]
        if holders != [owner]:
            demo_test.fail(f"history of {address} is in shards {holders}, expected only [{owner}]")
    if (work / "state" / "history").exists():
        demo_test.fail("a sharded dedup wrote the unsharded state/history")
    print(f"ok: {len(sample)} sampled addresses each in exactly its own shard "
          f"(expected split {per_shard})")


def read_expected(src):
    out = []
    with open(src / "demo" / "expected.tsv") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                out.append(line.split("\t")[0])
    return out


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    (work / "one").mkdir(parents=True)
    (work / "sharded").mkdir(parents=True)
    (work / "run-sharded").mkdir(parents=True)
    demo_test.run_one(binary, src, work / "one")
    run_sharded(binary, src, work / "sharded")
    check_shards(binary, src, work / "sharded")
    run_in_process_sharded(binary, src, work / "run-sharded")
    check_shards(binary, src, work / "run-sharded")
    one = sorted((work / "one" / "outbox").glob("*.eml"))
    for other, what in (("sharded", "two dedup shard processes"), ("run-sharded", "run with two dedup shards")):
        mails = sorted((work / other / "outbox").glob("*.eml"))
        if [p.name for p in one] != [p.name for p in mails]:
            demo_test.fail(f"run and {what} wrote differently named mails")
        for a, b in zip(one, mails):
            if outbox.comparable(a.read_bytes()) != outbox.comparable(b.read_bytes()):
                demo_test.fail(f"{a.name} differs between run and {what}")
        print(f"ok: run and {what} wrote the same {len(one)} mails")


if __name__ == "__main__":
    main()
