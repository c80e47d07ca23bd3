#!/usr/bin/env python3
"""deploy/: the systemd units, the sysusers file and the example configurations.

Every unit has the keys an operator relies on (own user, state directory,
hardening, restart, drain on SIGTERM) and passes `systemd-analyze verify`
where systemd-analyze exists; every example passes `abuseflow config check`;
the multi-host example is wired consistently (every connect has exactly one
binder, --producers and --streams match the processes that send, CURVE keys:
each binder allows exactly the keys of the processes that connect to it and
they expect its key; one enrich worker list and one dedup shard list, one
metrics port per process).

usage: deploy_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import pathlib
import re
import shutil
import subprocess
import sys
import tomllib


from live_common import fail  # noqa: E402  (the shared failure exit)


REQUIRED = {
    "Unit": {"Description": None, "Documentation": None, "After": None},
    "Service": {
        "User": "abuseflow", "Group": "abuseflow", "StateDirectory": "abuseflow",
        "ProtectSystem": "strict", "NoNewPrivileges": "yes", "PrivateTmp": "yes",
        "ProtectHome": "yes", "Restart": "on-failure", "KillSignal": "SIGTERM",
        "TimeoutStopSec": None, "ExecStart": None, "ReadWritePaths": None,
        "EnvironmentFile": None, "CapabilityBoundingSet": None,
    },
    "Install": {"WantedBy": "multi-user.target"},
}
# unit file -> (subcommand, config file the unit reads, EnvironmentFile)
UNITS = {
    "abuseflow-run.service": ("run", "abuseflow.toml", "abuseflow-run"),
    "abuseflow-ingest.service": ("ingest", "ingest.toml", "abuseflow-ingest"),
    "abuseflow-agent.service": ("ingest", "agent.toml", "abuseflow-agent"),
    "abuseflow-enrich@.service": ("enrich", "enrich-%i.toml", "abuseflow-enrich@%i"),
    "abuseflow-dedup@.service": ("dedup", "dedup-%i.toml", "abuseflow-dedup@%i"),
    "abuseflow-notify.service": ("notify", "notify.toml", "abuseflow-notify"),
}


def parse_unit(path):
    """A unit file as {section: {key: value}}; duplicate keys and stray lines fail."""
    sections, current = {}, None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith(("#", ";")):
            continue
        if m := re.fullmatch(r"\[(\w+)\]", line):
            current = sections.setdefault(m[1], {})
            continue
        m = re.fullmatch(r"([A-Za-z]+)=(.*)", line)
        if not m or current is None:
            fail(f"{path.name}:{number}: not a key=value line in a section: {line!r}")
        if m[1] in current:
            fail(f"{path.name}:{number}: {m[1]} given twice")
        current[m[1]] = m[2]
    return sections


def seconds(text):
    m = re.fullmatch(r"(\d+)(s|min|h)", text)
    if not m:
        fail(f"TimeoutStopSec={text} is not like 90s, 5min, 1h")
    return int(m[1]) * {"s": 1, "min": 60, "h": 3600}[m[2]]


def check_units(binary, src, work):
    unit_dir = src / "deploy" / "systemd"
    found = sorted(p.name for p in unit_dir.glob("*.service"))
    if found != sorted(UNITS):
        fail(f"deploy/systemd has {found}, expected {sorted(UNITS)}")
    for name, (command, config, env) in UNITS.items():
        unit = parse_unit(unit_dir / name)
        for section, keys in REQUIRED.items():
            for key, want in keys.items():
                got = unit.get(section, {}).get(key)
                if got is None or (want is not None and got != want):
                    fail(f"{name}: [{section}] {key}={got}, expected {want or 'set'}")
        service = unit["Service"]
        exec_start = service["ExecStart"].split()
        want = ["/usr/bin/abuseflow", command, "--config", f"/etc/abuseflow/{config}"]
        if exec_start[:4] != want or exec_start[-1] != "$ABUSEFLOW_ARGS":
            fail(f"{name}: ExecStart={service['ExecStart']}")
        instance = {"dedup": ["--shard", "%i"], "enrich": ["--worker", "%i"]}.get(command)
        if instance and exec_start[4:6] != instance:
            fail(f"{name}: the instance is not {instance[0]}: {service['ExecStart']}")
        if service["EnvironmentFile"] != f"-/etc/default/{env}":
            fail(f"{name}: EnvironmentFile={service['EnvironmentFile']}")
        if "/var/lib/abuseflow" not in service["ReadWritePaths"].split():
            fail(f"{name}: ReadWritePaths does not hold the state")
        if seconds(service["TimeoutStopSec"]) < 60:
            fail(f"{name}: TimeoutStopSec leaves no time to drain")
    print(f"ok: {len(UNITS)} units have their keys")
    verify_units(binary, unit_dir, work)


def verify_units(binary, unit_dir, work):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        print("skipped: systemd-analyze not installed; the units were checked by the parser only")
        return
    out = work / "units"
    out.mkdir()
    for path in unit_dir.glob("*.service"):
        # verify checks that the ExecStart binary exists: point it at the one built.
        text = path.read_text().replace("/usr/bin/abuseflow", str(binary))
        (out / path.name.replace("@.", "@0.")).write_text(text)
    r = subprocess.run([analyze, "verify", "--man=no", *sorted(map(str, out.glob("*.service")))],
                       capture_output=True, text=True, timeout=120)
    # verify exits 0 on unknown keys and bad values (it only warns): any output fails.
    if r.returncode != 0 or r.stderr.strip() or r.stdout.strip():
        fail(f"systemd-analyze verify exited {r.returncode}: {r.stdout}{r.stderr}")
    print("ok: systemd-analyze verify")
    sysusers = shutil.which("systemd-sysusers")
    conf = unit_dir.parent / "sysusers.d" / "abuseflow.conf"
    if sysusers:
        root = work / "sysroot"
        root.mkdir()
        r = subprocess.run([sysusers, "--dry-run", f"--root={root}", str(conf)],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0 or "Creating user 'abuseflow'" not in r.stdout + r.stderr:
            fail(f"systemd-sysusers --dry-run: {r.returncode} {r.stdout}{r.stderr}")
        print("ok: sysusers.d/abuseflow.conf creates the user")


def make_keys(binary, examples):
    """The keys the example configs name: each process's pair made with
    `abuseflow keys generate` beside its config, every public key copied to
    every host's keys/ folder (as an operator hands them out)."""
    configs = sorted(examples.rglob("*.toml"))
    for path in configs:
        security = tomllib.loads(path.read_text()).get("security", {})
        if security.get("curve"):
            key = pathlib.Path(security["key_file"])
            r = subprocess.run([str(binary), "keys", "generate", "--dir", str(path.parent / key.parent),
                                "--name", key.stem], capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                fail(f"keys generate for {path}: {r.returncode} {r.stderr}")
    public = list(examples.rglob("keys/*.pub"))
    for folder in {p.parent for p in public}:
        for pub in public:
            if not (folder / pub.name).exists():
                shutil.copy(pub, folder / pub.name)


def check_examples(binary, src, work):
    examples = work / "examples"
    shutil.copytree(src / "deploy" / "examples", examples)
    make_keys(binary, examples)
    configs = sorted(examples.rglob("*.toml"))
    if len(configs) < 8:
        fail(f"only {len(configs)} example configs")
    for path in configs:
        r = subprocess.run([str(binary), "config", "check", str(path)], capture_output=True,
                           text=True, timeout=60)
        if r.returncode != 0 or ": ok (" not in r.stdout:
            fail(f"config check {path.relative_to(examples)}: {r.returncode} {r.stdout}{r.stderr}")
        if "listen" not in tomllib.loads(path.read_text()).get("metrics", {}):
            fail(f"{path.relative_to(examples)} has no [metrics] listen")
    print(f"ok: {len(configs)} example configs pass config check (with their CURVE keys made)")


def option_of(host_dir, env, option):
    """--producers/--streams N from the host's /etc/default/<unit> (1 without it)."""
    path = host_dir / "default" / env
    if not path.exists():
        return 1
    m = re.search(rf'ABUSEFLOW_ARGS="[^"]*{option} (\d+)', path.read_text())
    return int(m[1]) if m else 1


def multi_host_processes(root):
    """(host/name, kind, index, env file name, config) of every process of the layout."""
    processes = []
    for path in sorted(root.glob("*/abuseflow/*.toml")):
        host, name = path.parent.parent.name, path.stem
        m = re.fullmatch(r"(enrich|dedup)-(\d+)", name)
        if not m and name not in ("agent", "ingest", "notify"):
            fail(f"{path}: no unit reads a config named {path.name}")
        kind, index = (m[1], int(m[2])) if m else (name, None)
        env = f"abuseflow-{kind}@{index}" if m else f"abuseflow-{name}"
        processes.append((f"{host}/{name}", kind, index, env, tomllib.loads(path.read_text())))
    for path in root.glob("*/default/*"):
        if not (path.parent.parent / "abuseflow" / (path.name.split("-", 1)[1].replace("@", "-") + ".toml")).exists():
            fail(f"{path}: no config of that process on {path.parent.parent.name}")
    return processes


def as_list(value):
    return value if isinstance(value, list) else [value]


def links_of(kind, index, ep):
    """(the endpoint a process binds or None, the endpoints it connects to)."""
    if kind == "agent":
        return None, as_list(ep["enrich"])
    if kind == "ingest":
        return ep.get("ingest"), as_list(ep["enrich"])
    if kind == "enrich":
        return as_list(ep["enrich"])[index], as_list(ep["dedup"])
    if kind == "dedup":
        return as_list(ep["dedup"])[index], [ep["notify"]]
    return ep["notify"], []


def check_multi_host(src):
    root = src / "deploy" / "examples" / "multi-host"
    binds, connects, metrics, lists = {}, [], set(), {"enrich": set(), "dedup": set()}
    keys, allowed, server_key, kinds = {}, {}, {}, {}
    processes = multi_host_processes(root)
    for who, kind, index, env, config in processes:
        ep = config.get("endpoints", {})
        kinds[who] = kind
        bound, targets = links_of(kind, index, ep)
        if bound:
            if bound in binds:
                fail(f"{bound} bound by {binds[bound]} and {who}")
            binds[bound] = who
        connects += [(who, t) for t in targets]
        # Who must know the worker list (ingest sends to each, dedup counts them)
        # and the shard list (enrich routes over it, dedup binds its entry).
        for key, needed_by in (("enrich", ("ingest", "enrich", "dedup")), ("dedup", ("enrich", "dedup"))):
            if kind in needed_by:
                lists[key].add(tuple(as_list(ep.get(key, ""))))
        security = config.get("security", {})
        if not security.get("curve"):
            fail(f"{who}: a link between hosts without [security] curve = true")
        keys[who] = pathlib.Path(security["key_file"]).stem
        allowed[who] = sorted(pathlib.Path(k).stem for k in security.get("allowed_keys", []))
        for t in targets:
            server_key[(who, t)] = pathlib.Path(
                security.get("server_keys", {}).get(t, security.get("server_key", ""))).stem
        listen = config["metrics"]["listen"]
        if listen in metrics:
            fail(f"{who}: metrics listen {listen} used twice")
        metrics.add(listen)
        if bound and listen.rsplit(":", 1)[0] not in bound:
            fail(f"{who} binds {bound} but serves metrics on {listen}")
    for key, found in lists.items():
        if len(found) != 1:
            fail(f"the configs disagree on the [endpoints] {key} list: {found}")
    for who, target in connects:
        if target not in binds:
            fail(f"{who} connects to {target}, which no process binds")
    # The ingest streams: every ingest or agent that sends to the enrich workers.
    workers = set(next(iter(lists["enrich"])))
    streams = sorted({w for w, t in connects if kinds[w] in ("agent", "ingest") and t in workers})
    for endpoint, who in binds.items():
        senders = sorted({w for w, t in connects if t == endpoint})
        host_dir = root / who.split("/")[0]
        env = next(e for w, _, _, e, _ in processes if w == who)
        if kinds[who] == "ingest" and option_of(host_dir, env, "--producers") != len(senders):
            fail(f"{who} expects --producers {option_of(host_dir, env, '--producers')}, "
                 f"but {senders} push to it")
        if kinds[who] != "ingest" and option_of(host_dir, env, "--streams") != len(streams):
            fail(f"{who} expects --streams {option_of(host_dir, env, '--streams')}, "
                 f"but the ingest streams are {streams}")
        if allowed[who] != sorted(keys[w] for w in senders):
            fail(f"{who} allows the keys {allowed[who]}, but {senders} connect to it")
        for sender in senders:
            if server_key[(sender, endpoint)] != keys[who]:
                fail(f"{sender} expects the server key {server_key[(sender, endpoint)]!r} at {endpoint}, "
                     f"where {who} has {keys[who]!r}")
    print(f"ok: multi-host layout: {len(binds)} bound endpoints, {len(connects)} links, "
          f"{len(streams)} ingest streams, {len(metrics)} metrics endpoints, CURVE keys match")


def main():
    binary, src, work = (pathlib.Path(a).resolve() for a in sys.argv[1:4])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    check_units(binary, src, work)
    check_examples(binary, src, work)
    check_multi_host(src)


if __name__ == "__main__":
    main()
