#!/usr/bin/env python3
"""A WHOIS server on 127.0.0.1 for the flood benchmark: answers for the
flood's registry (registry.db from generate.py) the way the real registries
do, with a realistic latency and a rate limit.

    whois_server.py REGISTRY_DB [--latency-ms 80] [--per-minute 0]

Listens on two ports the system picks and prints one JSON line
{"whois.iana.org": PORT, "whois.ripe.net": PORT, ...} when ready:
- "whois.iana.org" answers every query with "refer: whois.ripe.net", as IANA
  does for space a RIR manages;
- "whois.ripe.net" answers in RIPE's format: the most specific inetnum that
  holds the queried address, preceded by the "% Abuse contact for" line
  (the contact inherited from the covering block when the block has none),
  then the role objects it references; to "-m FIRST - LAST" (or "-m PREFIX",
  RIPE's first-level more specific query) the inetnums directly inside that
  block, each with its "% Abuse contact for" line, or
  "%ERROR:101: no entries found" when it has none.
Every answer waits --latency-ms first. With --per-minute N, a query beyond N
in the last 60 seconds gets RIPE's "access denied ... limit" answer instead.
Counts per server are printed to stderr at exit ("queries whois.ripe.net N",
"more whois.ripe.net N" for the "-m" queries among them, "denied
whois.ripe.net N" for the queries over the limit).
Runs until stdin closes or SIGTERM. Python standard library only.
"""

import argparse
import asyncio
import bisect
import collections
import ipaddress
import json
import signal
import sys
import time

LIMIT_TEXT = ("%ERROR:201: access denied for 127.0.0.1\n"
              "%\n% Queries from your IP address have passed the daily limit of controlled objects.\n")


def read_objects(path):
    obj = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if obj:
                    yield obj
                obj = []
            elif not line.startswith(("%", "#")):
                key, _, value = line.partition(":")
                obj.append((key.strip(), value.strip()))
    if obj:
        yield obj


class Registry:
    def __init__(self, path):
        self.blocks = []  # (first, last, text lines, abuse-c or None)
        self.roles = {}
        for obj in read_objects(path):
            attrs = dict(obj)
            if obj[0][0] == "inetnum":
                first, _, last = attrs["inetnum"].partition("-")
                self.blocks.append((int(ipaddress.ip_address(first.strip())),
                                    int(ipaddress.ip_address(last.strip())), obj, attrs.get("abuse-c")))
            elif obj[0][0] == "role":
                self.roles[attrs["nic-hdl"]] = obj
        self.blocks.sort(key=lambda b: (b[0], -b[1]))
        self.firsts = [b[0] for b in self.blocks]

    def covering(self, address):
        """Every block holding the address, most specific first."""
        i = bisect.bisect_right(self.firsts, address)
        found = [b for b in self.blocks[max(0, i - 64):i] if b[0] <= address <= b[1]]
        return sorted(found, key=lambda b: b[1] - b[0])

    def children(self, first, last):
        """The blocks directly inside first..last (first level), in order."""
        lo = bisect.bisect_left(self.firsts, first)
        hi = bisect.bisect_right(self.firsts, last)
        out = []
        for b in self.blocks[lo:hi]:  # sorted by first, widest first
            if b[1] > last or (b[0], b[1]) == (first, last):
                continue
            if out and out[-1][0] <= b[0] and b[1] <= out[-1][1]:
                continue  # inside a child already listed
            out.append(b)
        return out

    def more_specific(self, query):
        text = query.strip()[3:].strip()
        try:
            if "-" in text:
                a, _, b = text.partition("-")
                first, last = int(ipaddress.ip_address(a.strip())), int(ipaddress.ip_address(b.strip()))
            else:
                net = ipaddress.ip_network(text, strict=False)
                first, last = int(net.network_address), int(net.broadcast_address)
        except ValueError:
            return "%ERROR:101: no entries found\n"
        kids = self.children(first, last)
        if not kids:
            return "%ERROR:101: no entries found\n"
        out = ["% This is the RIPE Database query service.", ""]
        for b in kids:
            handle = next((c[3] for c in self.covering(b[0]) if c[3] and c[0] <= b[0] and b[1] <= c[1]),
                          None)
            rng = dict(b[2])["inetnum"]
            if handle and handle in self.roles:
                mailbox = dict(self.roles[handle]).get("abuse-mailbox", "")
                out += [f"% Abuse contact for '{rng}' is '{mailbox}'", ""]
            out += [f"{k + ':':<16}{v}" for k, v in b[2]] + [""]
        return "\n".join(out) + "\n"

    def answer(self, query):
        if query.strip().startswith("-m "):
            return self.more_specific(query)
        try:
            address = int(ipaddress.ip_address(query.split()[-1]))
        except (ValueError, IndexError):
            return "%ERROR:101: no entries found\n"
        blocks = self.covering(address)
        if not blocks:
            return "%ERROR:101: no entries found\n"
        block = blocks[0]
        handle = next((b[3] for b in blocks if b[3]), None)
        out = ["% This is the RIPE Database query service.", ""]
        if handle and handle in self.roles:
            mailbox = dict(self.roles[handle]).get("abuse-mailbox", "")
            rng = dict(block[2])["inetnum"]
            out += [f"% Abuse contact for '{rng}' is '{mailbox}'", ""]
        out += [f"{k + ':':<16}{v}" for k, v in block[2]] + [""]
        if block[3] and block[3] in self.roles:
            out += [f"{k + ':':<16}{v}" for k, v in self.roles[block[3]]] + [""]
        return "\n".join(out) + "\n"


class Server:
    def __init__(self, name, registry, latency, per_minute):
        self.name, self.registry, self.latency, self.per_minute = name, registry, latency, per_minute
        self.queries = 0
        self.denied = 0
        self.more = 0
        self.recent = collections.deque()

    async def handle(self, reader, writer):
        try:
            query = (await asyncio.wait_for(reader.readline(), 30)).decode(errors="replace").strip()
            self.queries += 1
            self.more += query.startswith("-m ")
            await asyncio.sleep(self.latency)
            now = time.monotonic()
            while self.recent and now - self.recent[0] > 60:
                self.recent.popleft()
            if self.per_minute and len(self.recent) >= self.per_minute:
                self.denied += 1
                text = LIMIT_TEXT
            else:
                self.recent.append(now)
                text = ("refer:        whois.ripe.net\n" if self.registry is None
                        else self.registry.answer(query))
            writer.write(text.encode())
            await writer.drain()
        except (asyncio.TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()


async def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("registry")
    ap.add_argument("--latency-ms", type=float, default=80)
    ap.add_argument("--per-minute", type=int, default=0)
    args = ap.parse_args()
    registry = Registry(args.registry)
    servers = {"whois.iana.org": Server("whois.iana.org", None, args.latency_ms / 1000, 0),
               "whois.ripe.net": Server("whois.ripe.net", registry, args.latency_ms / 1000,
                                        args.per_minute)}
    ports = {}
    listeners = []
    for name, server in servers.items():
        listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
        listeners.append(listener)
        ports[name] = listener.sockets[0].getsockname()[1]
    print(json.dumps(ports), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_reader(sys.stdin, lambda: stop.set() if not sys.stdin.readline() else None)
    await stop.wait()
    for name, server in servers.items():
        print(f"queries {name} {server.queries}", file=sys.stderr, flush=True)
        print(f"denied {name} {server.denied}", file=sys.stderr, flush=True)
        print(f"more {name} {server.more}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
