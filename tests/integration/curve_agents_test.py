#!/usr/bin/env python3
"""CURVE on the stage links (docs/security.md): a central pipeline on loopback
with `[security] curve = true` (ingest binding [endpoints] ingest for the
agents, enrich, dedup and notify, every process with the central key pair and
the allowed keys) and remote sensor agents pushing to it.

- A stranger (an agent with its own key pair, not listed, but the right server
  key) gets nothing in: its handshake is refused by the central ingest's ZAP
  handler (the refusal is logged with its key), it never finishes (it waits for
  acknowledgements that never come), and none of its events is counted by the
  central ingest or reaches the outbox.
- Two listed agents (the demo's web and firewall logs) get through: every
  process ends with 0 and the outbox has the demo's mails.
- Plain tcp to a host that is not loopback, without curve, is refused at start
  with an error naming allow_plain_tcp, before any connect (checked with
  strace where it can run).

usage: curve_agents_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import pathlib
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import demo_test  # noqa: E402
import live_agents_test  # noqa: E402
from live_common import fail, free_port, tcp_accepts, wait_for  # noqa: E402

KEYS = ("central", "sensor-a", "sensor-b", "stranger")
REFUSED = re.compile(r"CURVE client refused address=(\S+) key=(\S+) reason=\"([^\"]*)\"")
ACCEPTED = re.compile(r"CURVE client accepted address=\S+ key=(\S+)")
READ_ALL = re.compile(r"info ingest: done lines=\d+ events=\d+")
STUCK_WAIT = 3  # seconds the stranger, done reading, is given to (wrongly) finish


def generate_keys(binary, work):
    """{name: public key} for KEYS, made by `abuseflow keys generate`."""
    public = {}
    for name in KEYS:
        r = subprocess.run([binary, "keys", "generate", "--dir", str(work / "keys"), "--name", name],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            fail(f"keys generate --name {name} exited {r.returncode}: {r.stderr}")
        public[name] = r.stdout.strip()
    return public


def security_section(work, name, allowed=()):
    keys = work / "keys"
    allowed_list = ", ".join(f'"{keys}/{a}.pub"' for a in allowed)
    return (f'\n[security]\ncurve = true\nkey_file = "{keys}/{name}.key"\n'
            f'allowed_keys = [{allowed_list}]\nserver_key = "{keys}/central.pub"\n')


def central_config(src, work, ports):
    """The demo config without inputs, with the agents' endpoint and CURVE on."""
    path = live_agents_test.central_config(src, work, ports)
    path.write_text(path.read_text()
                    + security_section(work, "central", ("central", "sensor-a", "sensor-b")))
    return path


def agent_config(src, work, name, log, fmt, central_port):
    path = live_agents_test.agent_config(src, work, name, log, fmt, central_port)
    path.write_text(path.read_text() + security_section(work, name))
    return path


class Processes:
    """Started processes with their output in WORK/NAME.log (a full pipe would block a stage)."""

    def __init__(self, work):
        self.work = work
        self.procs = {}

    def start(self, name, cmd):
        with open(self.work / f"{name}.log", "w") as log:
            self.procs[name] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        return self.procs[name]

    def log(self, name):
        return (self.work / f"{name}.log").read_text(errors="replace")

    def check_running(self, names):
        for name in names:
            if self.procs[name].poll() is not None:
                fail(f"{name} exited {self.procs[name].returncode}: {self.log(name)[-2000:]}")

    def kill(self, name):
        proc = self.procs.pop(name)
        if proc.poll() is None:
            proc.kill()
        proc.wait()

    def kill_all(self):
        for name in list(self.procs):
            self.kill(name)


def refusals(text):
    return [m.groups() for m in REFUSED.finditer(text)]


def check_stranger_refused(procs, binary, src, work, ports, public):
    """The stranger's handshake is refused and logged with its key, it does not
    finish, and nothing of it is written."""
    stranger = procs.start("agent-stranger", [binary, "ingest", "--config", str(
        agent_config(src, work, "stranger", "firewall.log", "netfilter", ports[0]))])
    central = ("notify", "dedup", "enrich", "central-ingest")
    wait_for(lambda: refusals(procs.log("central-ingest")),
             "the refusal of the stranger in the central ingest's log", deadline=60)
    wait_for(lambda: READ_ALL.search(procs.log("agent-stranger")), "the stranger to read its whole log",
             deadline=60)
    try:  # it has read everything: only the acknowledgements it waits for could end it now
        stranger.wait(timeout=STUCK_WAIT)
        fail(f"the stranger finished ({stranger.returncode}) although nothing of it was let in: "
             f"{procs.log('agent-stranger')[-2000:]}")
    except subprocess.TimeoutExpired:
        pass
    procs.check_running(central)
    for address, key, reason in refusals(procs.log("central-ingest")):
        if key != public["stranger"] or not address.startswith("127.0.0.1"):
            fail(f"refusal of address={address} key={key}, expected the stranger {public['stranger']}")
        if not reason:
            fail("a refusal without a reason")
    for key in ACCEPTED.findall(procs.log("central-ingest")):
        if key == public["stranger"]:
            fail("the central ingest accepted the stranger's key")
    outbox = work / "outbox"
    if outbox.exists() and any(outbox.glob("*.eml")):
        fail(f"mails in the outbox while only the stranger ran: {sorted(outbox.glob('*.eml'))}")
    procs.kill("agent-stranger")
    print(f"ok: the stranger was refused ({len(refusals(procs.log('central-ingest')))} logged refusals) "
          "and had not finished")


def done_events(text):
    """The events count of the stage's `ingest: done` line."""
    m = re.search(r"info ingest: done lines=\d+ events=(\d+)", text)
    if not m:
        fail(f"no `ingest: done` line in {text[-2000:]}")
    return int(m.group(1))


def check_allowed_agents(procs, binary, src, work, ports, public):
    procs.start("agent-a", [binary, "ingest", "--config",
                            str(agent_config(src, work, "sensor-a", "access.log", "apache", ports[0]))])
    procs.start("agent-b", [binary, "ingest", "--config",
                            str(agent_config(src, work, "sensor-b", "firewall.log", "netfilter", ports[0]))])
    live_agents_test.wait_all(procs.procs, work)
    central_log = procs.log("central-ingest")
    accepted = set(ACCEPTED.findall(central_log))
    for name in ("sensor-a", "sensor-b"):
        if public[name] not in accepted:
            fail(f"the central ingest did not log {name}'s key {public[name]} as accepted: {central_log[-2000:]}")
    if public["stranger"] in accepted:
        fail("the stranger's key was accepted")
    counts = [done_events(procs.log(name)) for name in ("central-ingest", "agent-a", "agent-b")]
    if counts[0] != counts[1] + counts[2]:  # the stranger's 594 events would be on top
        fail(f"the central ingest forwarded {counts[0]} events, the listed agents sent {counts[1]} + {counts[2]}")
    demo_test.check_outbox(src, work / "outbox")


def check_plain_tcp_refused(binary, src, work):
    """A dedup stage whose notify endpoint is plain tcp to 192.0.2.1 (TEST-NET-1)
    exits non-zero naming allow_plain_tcp, and never calls connect() there."""
    plain = work / "plain"
    plain.mkdir()
    config = demo_test.write_config(src, plain, (str(free_port()), str(free_port()), "7303"))
    text = config.read_text().replace("tcp://127.0.0.1:7303", "tcp://192.0.2.1:7303")
    if "192.0.2.1" not in text:
        fail("the demo config has no notify endpoint to replace")
    config.write_text(text)
    cmd = [binary, "dedup", "--config", str(config)]
    strace = shutil.which("strace")
    trace = plain / "strace.txt"
    if strace and subprocess.run([strace, "-f", "-o", "/dev/null", "true"], capture_output=True).returncode == 0:
        cmd = [strace, "-f", "-e", "trace=connect", "-o", str(trace)] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if r.returncode == 0:
        fail("a plain tcp endpoint to 192.0.2.1 was accepted")
    if "allow_plain_tcp" not in r.stdout + r.stderr or "192.0.2.1" not in r.stdout + r.stderr:
        fail(f"the error does not name allow_plain_tcp and the endpoint: {r.stdout}{r.stderr}")
    if trace.exists():
        traced = trace.read_text()
        if "exited with" not in traced:
            fail(f"strace did not follow the stage to its exit: {traced[-2000:]}")
        connects = [line for line in traced.splitlines() if "192.0.2.1" in line]
        if connects:
            fail(f"connect() to 192.0.2.1 before the refusal: {connects}")
        print("ok: plain tcp to 192.0.2.1 refused before any connect (strace)")
    else:
        print("ok: plain tcp to 192.0.2.1 refused at start (strace not usable here)")


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    check_plain_tcp_refused(binary, src, work)
    public = generate_keys(binary, work)
    ports = [str(free_port()) for _ in range(4)]
    central = central_config(src, work, ports)
    procs = Processes(work)
    try:
        for stage in ("notify", "dedup", "enrich"):
            procs.start(stage, [binary, stage, "--config", str(central)])
        procs.start("central-ingest", [binary, "ingest", "--config", str(central), "--producers", "2"])
        wait_for(lambda: tcp_accepts(int(ports[0])), "the central ingest to bind its agents' endpoint",
                 deadline=60)
        procs.check_running(("notify", "dedup", "enrich", "central-ingest"))
        check_stranger_refused(procs, binary, src, work, ports, public)
        check_allowed_agents(procs, binary, src, work, ports, public)
    finally:
        procs.kill_all()
    print("ok: the stranger got nothing in, the listed agents wrote the demo's mails")


if __name__ == "__main__":
    main()
