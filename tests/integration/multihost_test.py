#!/usr/bin/env python3
"""Several hosts in network namespaces the test makes itself: a central host
(central ingest binding [endpoints] ingest for the agents, enrich, dedup and
notify, all with CURVE on) and two sensor hosts, each linked to the central
host by its own veth pair (10.231.1.0/24 and 10.231.2.0/24). Each sensor runs
an `abuseflow ingest` agent over a firewall log whose probes come from
addresses of one provider of the demo registry (Skyline Cable,
198.18.0.0/18) and pushes over CURVE-authenticated tcp across the namespaces.

- An agent with CURVE off pointing at the central host is refused at start
  (plain tcp to a host that is not loopback needs allow_plain_tcp).
- The two CURVE agents' events end in ONE owner report in the outbox: one
  .eml to Skyline's abuse mailbox listing every address of both sensors and
  the log lines of both.

Needs root and `ip` (iproute2); otherwise it prints why and exits 77, which
CMake registers as SKIP_RETURN_CODE (ctest shows it skipped). The namespaces
are deleted at the end, also on failure.

usage: multihost_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import atexit
import os
import pathlib
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import curve_agents_test  # noqa: E402
import live_agents_test  # noqa: E402
import outbox  # noqa: E402
from live_common import fail, wait_for  # noqa: E402

SKIP = 77
PORT = 7300  # the central ingest's agents endpoint, inside the central namespace
CONTACT = "abuse@skylinecable.example"
SENSORS = {  # name: (link subnet, probing addresses of Skyline Cable)
    "sensora": ("10.231.1", ("198.18.30.11", "198.18.30.12")),
    "sensorb": ("10.231.2", ("198.18.31.21", "198.18.31.22")),
}
NAMESPACES = []


def ip(*args, check=True):
    r = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)
    if check and r.returncode != 0:
        fail(f"ip {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
    return r


@atexit.register
def delete_namespaces():
    for ns in NAMESPACES:
        ip("netns", "del", ns, check=False)  # takes its veth ends with it
    NAMESPACES.clear()


def skip(why):
    print(f"SKIP: the multi-host test needs network namespaces: {why}")
    sys.exit(SKIP)


def make_hosts():
    """{'central': ns, name: ns}; skips when namespaces cannot be made."""
    if os.geteuid() != 0:
        skip("not root (ip netns add needs CAP_SYS_ADMIN)")
    if shutil.which("ip") is None:
        skip("no `ip` command (iproute2)")
    tag = f"af{os.getpid()}"
    hosts = {"central": f"{tag}-central"}
    hosts.update({name: f"{tag}-{name}" for name in SENSORS})
    for ns in hosts.values():
        r = ip("netns", "add", ns, check=False)
        if r.returncode != 0:
            skip(f"ip netns add {ns}: {r.stderr.strip()}")
        NAMESPACES.append(ns)
        ip("-n", ns, "link", "set", "lo", "up")
    for i, (name, (subnet, _)) in enumerate(SENSORS.items()):
        central_end, sensor_end = f"{tag}c{i}", f"{tag}s{i}"
        ip("link", "add", central_end, "netns", hosts["central"], "type", "veth",
           "peer", "name", sensor_end, "netns", hosts[name])
        ip("-n", hosts["central"], "addr", "add", f"{subnet}.1/24", "dev", central_end)
        ip("-n", hosts[name], "addr", "add", f"{subnet}.2/24", "dev", sensor_end)
        ip("-n", hosts["central"], "link", "set", central_end, "up")
        ip("-n", hosts[name], "link", "set", sensor_end, "up")
    return hosts


def in_ns(ns, cmd):
    return ["ip", "netns", "exec", ns, *cmd]


def write_log(work, name, addresses):
    """A netfilter log of the sensor host `name`: SYNs from each address to ports 80 and 445."""
    lines = []
    for i, src in enumerate(addresses):
        for j, dpt in enumerate((80, 445, 80)):
            lines.append(f"Sep 18 0{i + 1}:1{j}:07 {name} kernel: [1203844.65723{j}] DROP-IN: IN=eth0 OUT= "
                         f"MAC=00:50:56:3c:1a:02:00:d0:bc:21:7e:80:08:00 SRC={src} DST=192.0.2.{40 + i} LEN=48 "
                         f"TOS=0x00 PREC=0x00 TTL=119 ID={3184 + j} DF PROTO=TCP SPT={1600 + j} DPT={dpt} "
                         "WINDOW=64240 RES=0x00 SYN URGP=0")
    path = work / f"{name}.log"
    path.write_text("\n".join(lines) + "\n")
    return path


def agent_config(work, name, log, subnet, curve=True):
    suffix = "" if curve else "-plain"
    path = work / f"agent-{name}{suffix}.toml"
    text = (f'state_dir = "{work}/agent-{name}{suffix}-state"\n'
            f'[[ingest.input]]\nformat = "netfilter"\npath = "{log}"\nsensor = "{name}"\n'
            'year = 2001\nutc_offset = "-04:00"\ntz_name = "EDT"\n'
            f'[endpoints]\nenrich = "tcp://{subnet}.1:{PORT}"\n')
    if curve:
        text += curve_agents_test.security_section(work, name)
    path.write_text(text)
    return path


def central_config(src, work):
    """The demo config without inputs, its stages on the central host's loopback, the agents'
    endpoint on every address of the central host, CURVE on, both sensors' keys allowed."""
    path = live_agents_test.central_config(src, work, [str(PORT), "7301", "7302", "7303"])
    text = path.read_text().replace(f'ingest = "tcp://127.0.0.1:{PORT}"', f'ingest = "tcp://0.0.0.0:{PORT}"')
    if f"tcp://0.0.0.0:{PORT}" not in text:
        fail("the central config has no agents' endpoint to bind on every address")
    path.write_text(text + curve_agents_test.security_section(work, "central", ("central", *SENSORS)))
    return path


def check_plain_tcp_refused(binary, work, hosts, logs):
    name = "sensora"
    cmd = in_ns(hosts[name], [binary, "ingest", "--config",
                              str(agent_config(work, name, logs[name], SENSORS[name][0], curve=False))])
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if r.returncode == 0 or "allow_plain_tcp" not in r.stdout + r.stderr:
        fail(f"an agent with plain tcp to the central host was not refused ({r.returncode}): {r.stdout}{r.stderr}")
    print("ok: plain tcp across hosts refused without allow_plain_tcp")


def check_one_report(work):
    mails = outbox.read_mails(work / "outbox")
    if len(mails) != 1:
        fail(f"expected one owner report, the outbox has {sorted(mails)}")
    (name, mail), = mails.items()
    if outbox.recipients(mail) != {CONTACT}:
        fail(f"{name} is to {mail['To']}, expected {CONTACT}")
    body = outbox.body_text(mail)
    expected = {a for _, addresses in SENSORS.values() for a in addresses}
    listed = outbox.addresses_in(body)
    if not expected <= listed:
        fail(f"{name} does not list {sorted(expected - listed)}: {body[:2000]}")
    for sensor in SENSORS:
        if f" {sensor} kernel:" not in body:
            fail(f"{name} has no log line of {sensor}: {body[:2000]}")
    print(f"ok: one report {name} to {CONTACT} with the addresses and lines of both sensors")


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    hosts = make_hosts()
    for name in ("central", *SENSORS):
        r = subprocess.run([binary, "keys", "generate", "--dir", str(work / "keys"), "--name", name],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            fail(f"keys generate --name {name} exited {r.returncode}: {r.stderr}")
    logs = {name: write_log(work, name, addresses) for name, (_, addresses) in SENSORS.items()}
    check_plain_tcp_refused(binary, work, hosts, logs)
    central = central_config(src, work)
    procs = curve_agents_test.Processes(work)
    try:
        for stage in ("notify", "dedup", "enrich"):
            procs.start(stage, in_ns(hosts["central"], [binary, stage, "--config", str(central)]))
        procs.start("central-ingest", in_ns(hosts["central"], [binary, "ingest", "--config", str(central),
                                                              "--producers", str(len(SENSORS))]))
        wait_for(lambda: subprocess.run(in_ns(hosts["central"], ["ss", "-Hltn", f"sport = :{PORT}"]),
                                        capture_output=True, text=True).stdout.strip() != "",
                 "the central ingest to bind its agents' endpoint", deadline=60)
        for name, (subnet, _) in SENSORS.items():
            procs.start(f"agent-{name}", in_ns(hosts[name], [binary, "ingest", "--config",
                                                             str(agent_config(work, name, logs[name], subnet))]))
        live_agents_test.wait_all(procs.procs, work)
    finally:
        procs.kill_all()
        delete_namespaces()
    check_one_report(work)
    print("ok: two sensor hosts pushed over CURVE across namespaces into one owner report")


if __name__ == "__main__":
    main()
