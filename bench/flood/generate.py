#!/usr/bin/env python3
"""Writes a deterministic worm flood for the end-to-end benchmark: one day of
Code Red I, Code Red II and Nimda seen by a web server (Apache combined log)
a firewall (netfilter LOG lines) and a portsentry host, from a configurable number of infected
hosts spread over a few thousand provider blocks with a heavy-tailed
distribution, nested customer blocks and shared upstream abuse desks; the
matching offline registry (RPSL); and the expected result per contact.

    python3 bench/flood/generate.py --events 1000000 --out /tmp/flood

writes into --out: access.log, firewall.log, portsentry.log, registry.db, expected.tsv
(address, contact) and meta.json (counts: events, hosts, blocks, covering
blocks, contacts). All addresses are fictional: sources come from 10.0.0.0/8,
"our" network is 192.0.2.0/24. Nothing here touches a network.
"""

import argparse
import ipaddress
import json
import random
from pathlib import Path

BASE = int(ipaddress.ip_address("10.0.0.0"))
SPACE = 1 << 24  # 10.0.0.0/8
OUR = int(ipaddress.ip_address("192.0.2.0"))
DAY_START = 1000785600  # 2001-09-18 00:00:00 EDT in Unix seconds
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

SHELL = ("%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090"
         "%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a")
CODE_RED = {"code-red-i": "/default.ida?" + "N" * 224 + SHELL,
            "code-red-ii": "/default.ida?" + "X" * 224 + SHELL}
NIMDA = [
    "/scripts/root.exe?/c+dir", "/MSADC/root.exe?/c+dir", "/c/winnt/system32/cmd.exe?/c+dir",
    "/d/winnt/system32/cmd.exe?/c+dir", "/scripts/..%5c../winnt/system32/cmd.exe?/c+dir",
    "/_vti_bin/..%5c../..%5c../..%5c../winnt/system32/cmd.exe?/c+dir",
    "/_mem_bin/..%5c../..%5c../..%5c../winnt/system32/cmd.exe?/c+dir",
    "/msadc/..%5c../..%5c../..%5c/..\\xc1\\x1c../..\\xc1\\x1c../..\\xc1\\x1c../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..\\xc1\\x1c../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..\\xc0/../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..\\xc0\\xaf../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..\\xc1\\x9c../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..%35c../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..%35c../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..%25%35%63../winnt/system32/cmd.exe?/c+dir",
    "/scripts/..%252f../winnt/system32/cmd.exe?/c+dir",
]


def ip(n):
    return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


class Registry:
    """Provider blocks (/16 to /20) in 10.0.0.0/8, some with customer blocks
    (/24 to /26) inside; contacts shared between some providers."""

    def __init__(self, rng, blocks):
        self.blocks = []  # (first, size, contact or None, netname, parent index or None)
        self.desks = []
        cursor = BASE
        providers = max(1, int(blocks * 0.8))
        for p in range(providers):
            size = 1 << rng.choice((12, 12, 13, 14, 16))
            cursor = (cursor + size - 1) // size * size
            if cursor + size > BASE + SPACE:
                break
            if p % 7 == 3 and self.desks:
                contact = rng.choice(self.desks)  # a shared upstream abuse desk
            else:
                contact = f"abuse@isp{p}.example"
                self.desks.append(contact)
            self.blocks.append((cursor, size, contact, f"ISP{p}-NET", None))
            cursor += size
        parents = len(self.blocks)
        for c in range(blocks - parents):
            parent = rng.randrange(parents)
            first, size, _, _, _ = self.blocks[parent]
            csize = 1 << rng.choice((6, 7, 8))
            start = first + rng.randrange(size // csize) * csize
            # A third of the customer blocks have no contact and inherit it.
            contact = None if c % 3 == 0 else f"abuse@customer{c}.example"
            self.blocks.append((start, csize, contact, f"CUST{c}-NET", parent))
        self._dedup_children()

    def _dedup_children(self):
        """Drops customer blocks that overlap an earlier one, so that every
        customer block sits directly in its provider's block."""
        taken, kept = {}, []
        for b in self.blocks:
            if b[4] is not None:
                spans = taken.setdefault(b[4], [])
                if any(f < b[0] + b[1] and b[0] < f + n for f, n in spans):
                    continue
                spans.append((b[0], b[1]))
            kept.append(b)
        self.blocks = kept
        self.children = {}
        for i, b in enumerate(self.blocks):
            if b[4] is not None:
                self.children.setdefault(b[4], []).append(i)

    def covering(self, provider, address):
        """The index of the most specific block of `provider` holding `address`."""
        for child in self.children.get(provider, ()):
            first, size = self.blocks[child][0], self.blocks[child][1]
            if first <= address < first + size:
                return child
        return provider

    def contact(self, index):
        first, size, contact, _, parent = self.blocks[index]
        return contact if contact is not None else self.blocks[parent][2]

    def write(self, path):
        with open(path, "w") as f:
            for i, (first, size, contact, netname, parent) in enumerate(self.blocks):
                f.write(f"inetnum:        {ip(first)} - {ip(first + size - 1)}\n"
                        f"netname:        {netname}\ndescr:          {netname.title()} Networks\n"
                        f"country:        {('NL', 'US', 'CN', 'KR', 'BR', 'DE', 'JP')[i % 7]}\n")
                if contact is not None:
                    f.write(f"abuse-c:        AR{self.desks_handle(contact)}-FLOOD\n")
                f.write("source:         FLOOD\n\n")
            for contact in sorted(self._all_contacts()):
                f.write(f"role:           Abuse desk {contact}\n"
                        f"nic-hdl:        AR{self.desks_handle(contact)}-FLOOD\n"
                        f"abuse-mailbox:  {contact}\nsource:         FLOOD\n\n")

    def _all_contacts(self):
        return {b[2] for b in self.blocks if b[2] is not None}

    def desks_handle(self, contact):
        if not hasattr(self, "_handles"):
            self._handles = {c: n for n, c in enumerate(sorted(self._all_contacts()))}
        return self._handles[contact]


def wall(t):
    """(hh, mm, ss) of second `t` of the day in EDT."""
    h, r = divmod(t % 86400, 3600)
    m, s = divmod(r, 60)
    return h, m, s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000, help="about this many events")
    ap.add_argument("--hosts", type=int, default=0, help="infected hosts (default events/10)")
    ap.add_argument("--blocks", type=int, default=3000, help="registry blocks")
    ap.add_argument("--seed", type=int, default=2001)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    registry = Registry(rng, args.blocks)
    providers = [i for i, b in enumerate(registry.blocks) if b[4] is None]
    hosts = args.hosts or max(1, args.events // 10)
    # Heavy tail: provider k gets weight 1/(k+1).
    weights = [1.0 / (k + 1) for k in range(len(providers))]
    chosen = rng.choices(providers, weights=weights, k=hosts)
    sources = {}
    for p in chosen:
        first, size = registry.blocks[p][0], registry.blocks[p][1]
        for _ in range(8):
            a = first + rng.randrange(size)
            if a not in sources:
                sources[a] = registry.covering(p, a)
                break
    plan = sorted((rng.randrange(86000), a) for a in sources)
    events = access_lines = fw_lines = ps_lines = 0
    per_host = max(1, args.events // max(1, len(plan)))
    with open(out / "access.log", "w") as acc, open(out / "firewall.log", "w") as fw, \
            open(out / "portsentry.log", "w") as ps:
        for t, a in plan:
            host = ip(a)
            kind = rng.random()
            n = per_host
            if kind < 0.7:  # Nimda: its scan, repeated to the host's share
                targets = [NIMDA[i % 16] for i in range(n - 1)]
                sig_lines = [(t + i // 4, tg) for i, tg in enumerate(targets)]
            else:
                cr = CODE_RED["code-red-i" if kind < 0.85 else "code-red-ii"]
                sig_lines = [(t + i, cr) for i in range(n - 1)]
            for ts, target in sig_lines:
                h, m, s = wall(ts)
                acc.write(f'{host} - - [18/Sep/2001:{h:02d}:{m:02d}:{s:02d} -0400] "GET {target} HTTP/1.0" 404 284 "-" "-"\n')
            h, m, s = wall(t)
            fw.write(f"Sep 18 {h:02d}:{m:02d}:{s:02d} fw1 kernel: [1234567.123456] DROP-IN: IN=eth0 OUT= "
                     f"MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC={host} DST={ip(OUR + 10 + a % 200)} "
                     f"LEN=48 TOS=0x00 PREC=0x00 TTL=113 ID={a & 65535} DF PROTO=TCP SPT={1024 + a % 60000} "
                     "DPT=80 WINDOW=8192 RES=0x00 SYN URGP=0\n")
            access_lines += len(sig_lines)
            fw_lines += 1
            events += len(sig_lines) + 1
            if a % 5 == 0:  # a fifth of the hosts also probe the portsentry host
                h, m, s = wall(t + 1)
                port = (21, 23, 111, 143, 1433)[(a // 5) % 5]
                ps.write(f"Sep 18 {h:02d}:{m:02d}:{s:02d} gw portsentry[412]: attackalert: "
                         f"Connect from host: {host}/{host} to TCP port: {port}\n")
                ps_lines += 1
                events += 1
    registry.write(out / "registry.db")
    contacts = set()
    with open(out / "expected.tsv", "w") as f:
        f.write("# address\tcontact\n")
        for a, b in sorted(sources.items()):
            c = registry.contact(b)
            contacts.add(c)
            f.write(f"{ip(a)}\t{c}\n")
    meta = {"events": events, "access_lines": access_lines, "firewall_lines": fw_lines,
            "portsentry_lines": ps_lines,
            "hosts": len(sources), "blocks": len(registry.blocks),
            "covering_blocks": len(set(sources.values())), "contacts": len(contacts)}
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
