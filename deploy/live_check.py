#!/usr/bin/env python3
"""Live end-to-end check of abuseflow on a test machine (run as root):

    deploy/live_check.py [--binary PATH] [--keep] [--work DIR]

Makes two network namespaces linked by a veth pair, nothing else attached
(the traffic never leaves them):

- "sensor" (192.0.2.10, a documentation address no registry block covers)
  with an nftables (or iptables) rule that LOGs TCP SYNs to port 23 with the
  prefix "AFLIVE<pid>: "; portsentry 1.x (Debian's) listening on TCP ports
  143 and 31337 with blocking off, in a private mount namespace with its
  config bind-mounted over /etc/portsentry/portsentry.conf and /dev/log
  leading to the private rsyslogd; a private rsyslogd (own config, pid file
  and work folder in a temp folder; the system's is never touched) that reads
  the kernel log from /dev/kmsg (imkmsg) and portsentry's syslog(3) lines and
  forwards the LOG lines over UDP and portsentry's over TCP to `abuseflow
  run`'s two syslog receivers (formats netfilter and portsentry), which
  looks owners up in the bundled offline registry (demo/registry/demo.db) and
  writes notices to an outbox in the temp folder;
- "attacker" (198.18.30.50, Skyline Cable in the demo registry), from which
  nmap connect-scans the sensor's three ports.

Kernel LOG lines from a network namespace other than the initial one are
printed only with net.netfilter.nf_log_all_netns=1: the check sets it and
restores the old value. Where the kernel lines still do not arrive (no
nf_log, no LOG support) it says so and checks portsentry alone.

Then abuseflow is drained (SIGTERM: it writes every open report and exits
0) and the outbox must hold a notice to the attacker's abuse contact (as
`abuseflow whois` finds it in the registry) listing the attacker's address
with portsentry's lines (and the netfilter line when the kernel logged it).

Prints what it saw and PASS or FAIL. Exit 0 PASS, 1 FAIL, 77 a prerequisite
is missing (not root; ip, nft or iptables, portsentry, rsyslogd, nmap,
unshare, ss; no network or mount namespaces). Everything it made (processes,
namespaces, the sysctl, the temp folder unless --keep) is undone at the end,
on failure and on Ctrl-C too. Python 3 standard library only.
"""

import argparse
import email
import email.policy
import ipaddress
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

PASS, FAIL, SKIP = 0, 1, 77
DEADLINE = 20.0  # seconds any single wait may take
HERE = pathlib.Path(__file__).resolve().parent
REGISTRY = HERE.parent / "demo" / "registry" / "demo.db"

SENSOR_ADDR = "192.0.2.10"  # TEST-NET-1: deliberately not covered by the demo registry
ATTACKER_ADDR = "198.18.30.50"  # Skyline Cable Inc. (198.18.0.0/18) in demo/registry/demo.db
PORTSENTRY_PORTS = (143, 31337)  # with the LOG line 4 events: the notice shows the first 5
LOGGED_PORT = 23  # the netfilter rule logs SYNs to this (closed) port
NETFILTER_PORT, PORTSENTRY_PORT = 5514, 5515  # abuseflow's receivers, on the sensor's loopback
SYSCTL = pathlib.Path("/proc/sys/net/netfilter/nf_log_all_netns")
ALERT = re.compile(r"attackalert: Connect from host: \S+ to TCP port: (\d+)")
TAG = f"af-live-{os.getpid()}"
PREFIX = f"AFLIVE{os.getpid()}: "  # under nf_log's 29-character limit for iptables


class Missing(Exception):
    """A prerequisite is missing: exit 77."""


class Failed(Exception):
    """The check failed: exit 1."""


class Stop(BaseException):
    """SIGTERM or SIGHUP: clean up as for Ctrl-C."""


def say(*args):
    print("live-check:", *args, flush=True)


def tool(name):
    path = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/sbin/{name}")
                                       if os.access(p, os.X_OK)), None)
    return path


def run(cmd, check=True, timeout=30, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise Failed(f"{' '.join(map(str, cmd))} exited {r.returncode}: {(r.stderr or r.stdout).strip()}")
    return r


def wait_for(condition, what, deadline=DEADLINE, proc=None):
    """Polls condition() until true; False after the deadline. Raises if proc exits meanwhile."""
    end = time.monotonic() + deadline
    while True:
        if condition():
            return True
        if proc is not None and proc.poll() is not None:
            name = os.path.basename(str(proc.args[4] if len(proc.args) > 4 else proc.args[0]))
            raise Failed(f"{name} exited {proc.returncode} while waiting for {what}")
        if time.monotonic() >= end:
            return False
        time.sleep(0.05)


def read(path):
    try:
        return pathlib.Path(path).read_text(errors="replace")
    except OSError:
        return ""


class Check:
    def __init__(self, binary, keep, work=None):
        self.binary = binary
        self.keep = keep
        self.work_arg = work
        self.work = None
        self.namespaces = []
        self.procs = {}  # name: Popen
        self.token = uuid.uuid4().hex  # finds the portsentry daemon by its environment
        self.sysctl_old = None
        self.netfilter = None  # "nft", "iptables" or None
        self.seen = []  # summary lines

    def note(self, text):
        say("NOTE: " + text)
        self.seen.append("NOTE: " + text)

    # ---- prerequisites, namespaces, sysctl ----

    def prerequisites(self):
        if os.geteuid() != 0:
            raise Missing("not root (namespaces, nftables and portsentry's bind mounts need root)")
        for name, package in (("ip", "iproute2"), ("ss", "iproute2"), ("portsentry", "portsentry"),
                              ("rsyslogd", "rsyslog"), ("nmap", "nmap"), ("unshare", "util-linux"),
                              ("mount", "mount")):
            if tool(name) is None:
                raise Missing(f"no {name} (Debian package {package}; scripts/setup.sh installs it)")
        self.netfilter = "nft" if tool("nft") else "iptables" if tool("iptables") else None
        if self.netfilter is None:
            raise Missing("neither nft nor iptables (Debian package nftables; scripts/setup.sh installs it)")
        if not os.path.exists("/etc/portsentry/portsentry.conf"):
            raise Missing("/etc/portsentry/portsentry.conf is missing: portsentry 1.x reads only that path")
        if not os.access(self.binary, os.X_OK):  # a wrong path is a failure, never a skip
            raise Failed(f"no abuseflow binary at {self.binary} (give --binary PATH)")
        if not REGISTRY.exists():
            raise Failed(f"the bundled registry {REGISTRY} is missing")
        probe = run(["unshare", "--mount", "--propagation", "private", "true"], check=False)
        if probe.returncode != 0:
            raise Missing("no private mount namespace here (unshare --mount: " + probe.stderr.strip() + ")")

    def ns(self, role):
        return f"{TAG}-{role}"

    def in_ns(self, role, cmd):
        return ["ip", "netns", "exec", self.ns(role), *map(str, cmd)]

    def make_namespaces(self):
        for role in ("sensor", "attacker"):
            r = run(["ip", "netns", "add", self.ns(role)], check=False)
            if r.returncode != 0:
                raise Missing(f"cannot make a network namespace (ip netns add: {r.stderr.strip()})")
            self.namespaces.append(self.ns(role))
            run(["ip", "-n", self.ns(role), "link", "set", "lo", "up"])
        s_end, a_end = f"afls{os.getpid()}"[:15], f"afla{os.getpid()}"[:15]
        run(["ip", "link", "add", s_end, "netns", self.ns("sensor"), "type", "veth",
             "peer", "name", a_end, "netns", self.ns("attacker")])
        for role, dev, mine, peer in (("sensor", s_end, SENSOR_ADDR, ATTACKER_ADDR),
                                      ("attacker", a_end, ATTACKER_ADDR, SENSOR_ADDR)):
            run(["ip", "-n", self.ns(role), "addr", "add", f"{mine}/32", "dev", dev])
            run(["ip", "-n", self.ns(role), "link", "set", dev, "up"])
            run(["ip", "-n", self.ns(role), "route", "add", f"{peer}/32", "dev", dev])
        self.seen.append(f"namespaces {self.ns('sensor')} ({SENSOR_ADDR}) and "
                         f"{self.ns('attacker')} ({ATTACKER_ADDR}), one veth pair")

    def set_sysctl(self):
        try:
            self.sysctl_old = SYSCTL.read_text().strip()
            if self.sysctl_old != "1":
                SYSCTL.write_text("1\n")
            return True
        except OSError as e:
            self.sysctl_old = None
            self.note(f"cannot set net.netfilter.nf_log_all_netns=1 ({e}): "
                      "the kernel will not log from the sensor namespace")
            return False

    def netfilter_rule(self):
        """The LOG rule in the sensor namespace; False (with the reason said) when it cannot be added."""
        if self.netfilter == "nft":
            ruleset = (f"table inet {TAG.replace('-', '_')} {{\n chain input {{\n"
                       "  type filter hook input priority 0; policy accept;\n"
                       f"  tcp dport {LOGGED_PORT} tcp flags & (syn | ack) == syn log prefix \"{PREFIX}\" level warn\n"
                       " }\n}\n")
            path = self.work / "sensor.nft"
            path.write_text(ruleset)
            r = run(self.in_ns("sensor", ["nft", "-f", path]), check=False)
            rule = f'nft: tcp dport {LOGGED_PORT} SYN log prefix "{PREFIX}"'
        else:
            r = run(self.in_ns("sensor", ["iptables", "-A", "INPUT", "-p", "tcp", "--dport", LOGGED_PORT,
                                          "--syn", "-j", "LOG", "--log-prefix", PREFIX]), check=False)
            rule = f'iptables: -p tcp --dport {LOGGED_PORT} --syn -j LOG --log-prefix "{PREFIX}"'
        if r.returncode != 0:
            self.note(f"the netfilter LOG rule could not be added ({r.stderr.strip()}); "
                      "going on with portsentry alone")
            return False
        self.seen.append("netfilter rule in the sensor namespace, " + rule)
        return True

    # ---- processes ----

    def start(self, name, cmd, **kw):
        out = open(self.work / f"{name}.out", "w")
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, text=True, **kw)  # Ctrl-C reaches only us
        out.close()
        self.procs[name] = proc
        return proc

    def listening(self, proto, port):
        r = run(self.in_ns("sensor", ["ss", "-Hn" + ("lt" if proto == "tcp" else "lu"), f"sport = :{port}"]),
                check=False)
        return r.returncode == 0 and r.stdout.strip() != ""

    def start_abuseflow(self):
        config = self.work / "abuseflow.toml"
        config.write_text(f"""# written by deploy/live_check.py
state_dir = "{self.work}/state"

[[ingest.input]]
format = "netfilter"
listen = "udp://127.0.0.1:{NETFILTER_PORT}"

[[ingest.input]]
format = "portsentry"
listen = "tcp://127.0.0.1:{PORTSENTRY_PORT}"

[enrich]
registry = ["{REGISTRY}"]

[notify]
outbox = "{self.work}/outbox"
from = "abuse-desk@example.net"
site = "abuseflow live check"
""")
        check = run([self.binary, "config", "check", config], check=False)
        if check.returncode != 0:
            raise Failed(f"abuseflow config check: {check.stdout}{check.stderr}")
        proc = self.start("abuseflow", self.in_ns("sensor", [self.binary, "run", "--config", config,
                                                             "--log-target", "stderr"]))
        if not wait_for(lambda: self.listening("tcp", PORTSENTRY_PORT) and self.listening("udp", NETFILTER_PORT),
                        "abuseflow's syslog receivers", proc=proc):
            raise Failed("abuseflow's syslog receivers did not listen in time")
        self.seen.append(f"abuseflow run in the sensor namespace, receivers udp://127.0.0.1:{NETFILTER_PORT} "
                         f"(netfilter) and tcp://127.0.0.1:{PORTSENTRY_PORT} (portsentry), "
                         f"registry {REGISTRY.name}")

    def start_rsyslog(self):
        w = self.work
        (w / "rsyslog-work").mkdir()
        conf = w / "rsyslog.conf"
        conf.write_text(f"""# written by deploy/live_check.py: a private rsyslogd, the system's is not touched
global(workDirectory="{w}/rsyslog-work" localHostname="af-sensor" maxMessageSize="64k")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="{w}/log.sock" ratelimit.interval="0")
module(load="imkmsg")
if $syslogfacility-text == "kern" and $msg contains "{PREFIX.strip()}" then {{
  action(type="omfile" file="{w}/kernel.log")
  action(type="omfwd" target="127.0.0.1" port="{NETFILTER_PORT}" protocol="udp"
         template="RSYSLOG_TraditionalForwardFormat")
  stop
}}
if $programname == "portsentry" then {{
  action(type="omfile" file="{w}/portsentry.log")
  action(type="omfwd" target="127.0.0.1" port="{PORTSENTRY_PORT}" protocol="tcp"
         TCP_Framing="octet-counted" template="RSYSLOG_TraditionalForwardFormat"
         queue.type="LinkedList" action.resumeRetryCount="-1")
  stop
}}
if $programname == "live-check" then {{
  action(type="omfile" file="{w}/ready.log")
}}
stop
""")
        rsyslogd = tool("rsyslogd")
        check = run([rsyslogd, "-N1", "-f", conf], check=False)
        if check.returncode != 0:
            raise Failed(f"rsyslog rejected its config: {check.stderr.strip()}")
        proc = self.start("rsyslogd", self.in_ns("sensor", [rsyslogd, "-n", "-f", conf, "-i", w / "rsyslogd.pid"]))
        if not wait_for(lambda: (w / "log.sock").exists(), "rsyslogd's socket", proc=proc):
            raise Failed("rsyslogd made no socket in time: " + read(w / "rsyslogd.out")[-1000:])
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as probe:  # queued until rsyslogd reads it
            probe.sendto(f"<13>live-check[{os.getpid()}]: ready {self.token}".encode(), str(w / "log.sock"))
        if not wait_for(lambda: self.token in read(w / "ready.log"), "rsyslogd to start", proc=proc):
            raise Failed("rsyslogd did not start in time: " + read(w / "rsyslogd.out")[-1000:])
        self.seen.append(f"private rsyslogd (imkmsg, imuxsock {w}/log.sock) forwarding kernel LOG lines "
                         "over udp and portsentry's over tcp")

    def start_portsentry(self):
        w = self.work
        for name in ("portsentry.ignore", "portsentry.history", "portsentry.blocked"):
            (w / name).write_text("")
        (w / "portsentry.conf").write_text(f"""# written by deploy/live_check.py: listen, log, never block
TCP_PORTS="{','.join(map(str, PORTSENTRY_PORTS))}"
UDP_PORTS=""
ADVANCED_PORTS_TCP="1024"
ADVANCED_PORTS_UDP="1024"
IGNORE_FILE="{w}/portsentry.ignore"
HISTORY_FILE="{w}/portsentry.history"
BLOCKED_FILE="{w}/portsentry.blocked"
RESOLVE_HOST="0"
BLOCK_UDP="0"
BLOCK_TCP="0"
SCAN_TRIGGER="0"
""")
        dev = w / "dev"
        dev.mkdir()
        (dev / "null").write_text("")
        (dev / "log").symlink_to(w / "log.sock")
        script = (f"set -e\nmount --bind /dev/null {dev}/null\nmount --bind {dev} /dev\n"
                  f"mount --bind {w}/portsentry.conf /etc/portsentry/portsentry.conf\n"
                  "exec /usr/sbin/portsentry -tcp\n")
        env = dict(os.environ, ABUSEFLOW_LIVE_CHECK=self.token)
        launcher = run(self.in_ns("sensor", ["unshare", "--mount", "--propagation", "private", "sh", "-c", script]),
                       check=False, env=env)
        if launcher.returncode != 0:
            raise Failed(f"portsentry did not start (exit {launcher.returncode}): {launcher.stderr.strip()}")
        if not wait_for(lambda: "now active and listening" in read(w / "portsentry.log"),
                        "portsentry to listen"):
            raise Failed("portsentry did not say it listens: " + read(w / "portsentry.log")[-1000:])
        self.seen.append(f"portsentry -tcp on ports {','.join(map(str, PORTSENTRY_PORTS))} "
                         "(pid " + ",".join(map(str, self.portsentry_pids())) + ", blocking off)")

    def portsentry_pids(self):
        pids = []
        for entry in pathlib.Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    env = (entry / "environ").read_bytes().split(b"\0")
                except OSError:
                    continue
                if ("ABUSEFLOW_LIVE_CHECK=" + self.token).encode() in env:
                    pids.append(int(entry.name))
        return pids

    # ---- the scan and what came of it ----

    def scan(self):
        ports = ",".join(map(str, (*PORTSENTRY_PORTS, LOGGED_PORT)))
        r = run(self.in_ns("attacker", ["nmap", "-sT", "-Pn", "-n", "-p", ports, SENSOR_ADDR]),
                check=False, timeout=60)
        if r.returncode != 0:
            raise Failed(f"nmap exited {r.returncode}: {r.stderr.strip()}")
        states = re.findall(r"^(\d+)/tcp\s+(\S+)", r.stdout, re.M)
        self.seen.append(f"nmap -sT from {ATTACKER_ADDR} to {SENSOR_ADDR}: " +
                         ", ".join(f"{p} {s}" for p, s in states))

    def alerted_ports(self):
        return {int(p) for p in ALERT.findall(read(self.work / "portsentry.log"))}

    def kernel_lines(self):
        return [l for l in read(self.work / "kernel.log").splitlines() if f"DPT={LOGGED_PORT} " in l]

    def wait_evidence(self, kernel_expected):
        if not wait_for(lambda: self.alerted_ports() >= set(PORTSENTRY_PORTS), "portsentry's attack alerts"):
            raise Failed(f"portsentry alerted on ports {sorted(self.alerted_ports())}, scanned "
                         f"{list(PORTSENTRY_PORTS)}:\n{read(self.work / 'portsentry.log')[-2000:]}")
        self.seen.append(f"portsentry logged attack alerts for ports {sorted(self.alerted_ports())}")
        if not kernel_expected:
            return False
        if wait_for(lambda: self.kernel_lines(), "the kernel's LOG line", deadline=10):
            self.seen.append(f"the kernel logged {len(self.kernel_lines())} LOG line(s) from the sensor "
                             f"namespace, e.g. {self.kernel_lines()[0].strip()[:160]}")
            return True
        self.note(f"no kernel LOG line with prefix {PREFIX.strip()} arrived through /dev/kmsg within 10 s: "
                  "kernel logging from a network namespace does not work on this machine; "
                  "checking portsentry alone")
        return False

    def saved_lines(self, origin):
        name = re.sub(r"[^A-Za-z0-9._-]", "_", origin)[:60]
        total = 0
        for pos in (self.work / "state" / "ingest" / "positions").glob(name + "*.pos"):
            fields = read(pos).split()
            if len(fields) >= 5 and fields[4].isdigit():
                total += int(fields[4])
        return total

    def wait_received(self, kernel):
        """Until abuseflow has saved the positions of every line rsyslog forwarded."""
        want = {f"portsentry:tcp://127.0.0.1:{PORTSENTRY_PORT}": len(read(self.work / "portsentry.log").splitlines())}
        if kernel:
            want[f"netfilter:udp://127.0.0.1:{NETFILTER_PORT}"] = len(read(self.work / "kernel.log").splitlines())
        flow = self.procs["abuseflow"]
        if not wait_for(lambda: all(self.saved_lines(o) >= n for o, n in want.items()),
                        "abuseflow to receive the forwarded lines", proc=flow):
            got = {o: self.saved_lines(o) for o in want}
            raise Failed(f"abuseflow received {got} lines, rsyslog forwarded {want}")

    def drain(self):
        flow = self.procs["abuseflow"]
        flow.send_signal(signal.SIGTERM)
        try:
            flow.wait(timeout=60)
        except subprocess.TimeoutExpired:
            raise Failed("abuseflow did not end within 60 s of SIGTERM")
        out = read(self.work / "abuseflow.out")
        if flow.returncode != 0:
            raise Failed(f"abuseflow exited {flow.returncode} after SIGTERM (expected 0):\n{out[-2000:]}")
        for m in re.finditer(r"input (\S+) \((\w+)\): (\d+) lines, (\d+) events", out):
            self.seen.append(f"abuseflow input {m.group(1)} ({m.group(2)}): {m.group(3)} lines, {m.group(4)} events")
        self.seen.append("abuseflow drained on SIGTERM and exited 0")

    def check_outbox(self, kernel):
        who = run([self.binary, "whois", ATTACKER_ADDR, "--registry", REGISTRY])
        owner = json.loads(who.stdout)
        contacts = {a.lower() for a in owner.get("abuse", [])}
        if not contacts:
            raise Failed(f"the registry names no abuse contact for {ATTACKER_ADDR}: {who.stdout}")
        self.seen.append(f"owner of {ATTACKER_ADDR}: {owner.get('owner')} ({owner.get('netblock')}), "
                         f"abuse contact {', '.join(sorted(contacts))}")
        mails = sorted((self.work / "outbox").glob("*.eml"))
        if not mails:
            raise Failed("the outbox is empty")
        found = []
        for path in mails:
            with open(path, "rb") as f:
                mail = email.message_from_binary_file(f, policy=email.policy.default)
            to = {a.addr_spec.lower() for a in mail["To"].addresses} if mail["To"] else set()
            if not to & contacts:
                continue
            part = mail.get_body(preferencelist=("plain",)) if mail.is_multipart() else mail
            body = part.get_content()
            found.append(path.name)
            missing = []
            if ATTACKER_ADDR not in addresses_in(body):
                missing.append(f"the address {ATTACKER_ADDR}")
            if "portsentry" not in body or "attackalert" not in body:
                missing.append("portsentry's lines")
            if kernel and PREFIX.strip() not in body:
                missing.append(f"the netfilter line (prefix {PREFIX.strip()})")
            if missing:
                raise Failed(f"{path.name} to {mail['To']} lacks {', '.join(missing)}:\n{body[:3000]}")
            evidence = [l.strip() for l in body.splitlines() if "attackalert" in l or PREFIX.strip() in l]
            self.seen.append(f"notice {path.name}: To {mail['To']}, Subject {mail['Subject']!r}, lists "
                             f"{ATTACKER_ADDR} with {len(evidence)} evidence line(s)")
            for line in evidence[:6]:
                self.seen.append("    " + line[:200])
            return path
        raise Failed(f"no notice to {', '.join(sorted(contacts))} among {[p.name for p in mails]}")

    # ---- cleanup ----

    def cleanup(self):
        for name, proc in self.procs.items():
            if proc.poll() is None:
                proc.kill()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    say(f"WARNING: {name} (pid {proc.pid}) did not end")
        for pid in self.portsentry_pids():
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        if not wait_for(lambda: not self.portsentry_pids(), "portsentry to end", deadline=10):
            for pid in self.portsentry_pids():
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        for ns in self.namespaces:  # takes the veth pair and the netfilter rules with it
            r = run(["ip", "netns", "del", ns], check=False)
            if r.returncode != 0:
                say(f"WARNING: ip netns del {ns}: {r.stderr.strip()}")
        self.namespaces.clear()
        if self.sysctl_old is not None and self.sysctl_old != "1":
            try:
                SYSCTL.write_text(self.sysctl_old + "\n")
            except OSError as e:
                say(f"WARNING: could not restore net.netfilter.nf_log_all_netns={self.sysctl_old}: {e}")
        self.sysctl_old = None
        if self.work is not None:
            if self.keep:
                say(f"kept {self.work} (configs, logs, state, outbox)")
            else:
                shutil.rmtree(self.work, ignore_errors=True)

    def main(self):
        self.prerequisites()
        if self.work_arg:
            self.work = pathlib.Path(self.work_arg).resolve()
            shutil.rmtree(self.work, ignore_errors=True)
            self.work.mkdir(parents=True)
        else:
            self.work = pathlib.Path(tempfile.mkdtemp(prefix="abuseflow-live-check-"))
        os.chmod(self.work, 0o755)
        self.make_namespaces()
        kernel = self.set_sysctl()
        kernel = self.netfilter_rule() and kernel
        self.start_abuseflow()
        self.start_rsyslog()
        self.start_portsentry()
        self.scan()
        kernel = self.wait_evidence(kernel)
        self.wait_received(kernel)
        self.drain()
        self.check_outbox(kernel)
        return kernel


ADDRESS_TOKEN = re.compile(r"[0-9A-Fa-f:.]{3,}")


def addresses_in(text):
    found = set()
    for token in ADDRESS_TOKEN.findall(text):
        try:
            found.add(str(ipaddress.ip_address(token.strip(".:"))))
        except ValueError:
            pass
    return found


def default_binary():
    for candidate in (HERE.parent / "build" / "cli" / "abuseflow", shutil.which("abuseflow")):
        if candidate and os.access(candidate, os.X_OK):
            return str(candidate)
    return str(HERE.parent / "build" / "cli" / "abuseflow")


def stop(signum, _frame):
    raise Stop(signal.Signals(signum).name)


def main():
    parser = argparse.ArgumentParser(description="Live end-to-end check: portsentry and netfilter in a "
                                     "sensor namespace, rsyslog forwarding to abuseflow, nmap from an "
                                     "attacker namespace, the notice in the outbox.")
    parser.add_argument("--binary", default=default_binary(), help="the abuseflow binary (default: %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (configs, logs, state, outbox)")
    parser.add_argument("--work", metavar="DIR", help="work in DIR (emptied first, kept) instead of a temp folder")
    args = parser.parse_args()
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with SIGINT ignored
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    check = Check(os.path.abspath(args.binary), args.keep or args.work is not None, args.work)
    code, verdict, kernel = FAIL, "", False
    try:
        kernel = check.main()
        code = PASS
    except Missing as e:
        code, verdict = SKIP, f"SKIP (exit 77): a prerequisite is missing: {e}"
    except Failed as e:
        verdict = f"FAIL: {e}"
    except (KeyboardInterrupt, Stop) as e:
        verdict = f"FAIL: interrupted ({str(e) or 'SIGINT'})"
    except Exception as e:  # an unexpected error still cleans up and fails
        verdict = f"FAIL: {type(e).__name__}: {e}"
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if code != PASS and check.work is not None and not check.keep:
            for name in ("abuseflow.out", "rsyslogd.out"):
                tail = read(check.work / name)[-1500:]
                if tail.strip():
                    say(f"--- {name} (last lines) ---\n{tail}")
        check.cleanup()
    if check.seen:
        print("live-check: what was seen:")
    for line in check.seen:
        print("  " + line)
    if code == PASS:
        evidence = "portsentry and netfilter" if kernel else \
            "portsentry only (netfilter: the kernel did not log from the namespace here)"
        verdict = f"PASS: the notice to the attacker's abuse contact lists {ATTACKER_ADDR} with evidence from {evidence}"
    print("live-check:", verdict, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
