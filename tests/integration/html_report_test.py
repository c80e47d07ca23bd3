#!/usr/bin/env python3
"""The statistics end to end: `abuseflow report --html` and `abuseflow export dshield`.

The bundled demo writes its September notices, a second replay adds October
probes from the demo's busiest address (a repeat notice) and from a block
whose registry record is hostile (`<script>` in its country), replies are
imported (a bounce, a human answer, an auto-reply); then:

- `report --html --output` writes one page, the same as
  `report monthly --format html`; it loads nothing and has no script;
- headless Chromium renders it: no console error, a 1200x1600 screenshot
  that is not blank and shows the charts' colours, and a DOM with every
  chart, the table and the hostile text escaped (no element made of it);
- `export dshield` writes one tab-separated DShield line per event of the
  inputs (compared with `abuseflow parse`), which the dshield parser reads
  back to the same events.

Fails (it does not skip) when chromium is missing: scripts/setup.sh installs it.

usage: html_report_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR
"""

import json
import pathlib
import re
import shutil
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from live_common import fail  # noqa: E402
import replies_test  # noqa: E402  (the demo run and its reply messages)

HOSTILE_COUNTRY = '<script>alert("country")</script>'
HOSTILE_REGISTRY = f"""inetnum:        198.51.100.128 - 198.51.100.255
netname:        EVIL-NET
descr:          Evil & Sons <b>hosting</b>
country:        {HOSTILE_COUNTRY}
abuse-mailbox:  abuse@evil-net.example
source:         DEMO
"""
FW = ("Oct  3 {t} fw1 kernel: [1.0] DROP-IN: IN=eth0 OUT= MAC=00:50:56:3c:1a:02:00:d0:bc:21:7e:80:08:00 "
      "SRC={src} DST=192.0.2.33 LEN=48 TOS=0x00 PREC=0x00 TTL=119 ID=1 DF PROTO={proto} {ports}")
OCTOBER = [
    FW.format(t="10:00:01", src="198.51.100.200", proto="TCP", ports="SPT=1606 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0"),
    FW.format(t="10:00:04", src="198.51.100.200", proto="TCP", ports="SPT=1607 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0"),
    FW.format(t="10:02:00", src="198.51.100.201", proto="UDP", ports="SPT=1028 DPT=137 LEN=58"),
    FW.format(t="10:03:00", src="198.51.100.202", proto="ICMP", ports="TYPE=8 CODE=0 ID=512 SEQ=1"),
    FW.format(t="11:00:00", src="198.19.68.210", proto="TCP", ports="SPT=2001 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0"),
]


def abuseflow(binary, *args):
    r = subprocess.run([binary, *args], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        fail(f"abuseflow {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r


def october_run(binary, work):
    """A second replay into the demo's state: the October lines above."""
    (work / "hostile.db").write_text(HOSTILE_REGISTRY)
    (work / "october.log").write_text("\n".join(OCTOBER) + "\n")
    text = (work / "abuseflow.toml").read_text()
    text = re.sub(r'registry = \[([^\]]*)\]', lambda m: f'registry = [{m.group(1)}, "{work}/hostile.db"]', text)
    text = re.sub(r'\[\[ingest\.input\]\].*?(?=\n\[enrich\])', f"""[[ingest.input]]
format = "netfilter"
path = "{work}/october.log"
year = 2001
utc_offset = "-04:00"
tz_name = "EDT"
""", text, flags=re.S)
    (work / "october.toml").write_text(text)
    abuseflow(binary, "run", "--config", str(work / "october.toml"))


def import_replies(binary, work, notices):
    maildir = work / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.host").write_text(replies_test.bounce(notices[0]))
    (maildir / "new" / "2.host").write_text(replies_test.human(notices[1]))
    (maildir / "new" / "3.host").write_text(replies_test.auto(notices[2]))
    abuseflow(binary, "replies", "import", "--state", str(work / "state"), str(maildir))


def check_page(html):
    for needle in ('id="chart-notices"', 'id="chart-responses"', 'id="chart-countries"',
                   'id="chart-domains"', 'id="monthly-table"', "2001-09", "2001-10"):
        if needle not in html:
            fail(f"the page has no {needle}")
    if "<script" in html.lower():
        fail("the page has a <script> (the hostile country was not escaped)")
    if "&lt;SCRIPT&gt;ALERT(&quot;COUNTRY&quot;)&lt;/SCRIPT&gt;" not in html:
        fail("the hostile country is not in the page, escaped")
    external = re.findall(r'(?:src|href)\s*=|url\(|@import|https?://(?!www\.w3\.org/2000/svg)', html)
    if external:
        fail(f"the page refers to something outside itself: {external}")
    print("ok: one self-contained page, every chart and the table, the hostile country escaped")


def chromium(work, page, *args):
    exe = shutil.which("chromium")
    if not exe:
        fail("chromium is not installed (Debian package chromium; scripts/setup.sh installs it)")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
           "--force-device-scale-factor=1", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
           f"--user-data-dir={work / 'chromium-profile'}", *args, page.as_uri()]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if r.returncode != 0:
        fail(f"chromium {' '.join(args)} exited {r.returncode}: {r.stderr[-3000:]}")
    errors = [line for line in r.stderr.splitlines()
              if "CONSOLE" in line or "Refused to" in line or "Uncaught" in line]
    if errors:
        fail(f"chromium reported page errors: {errors}")
    return r.stdout


def png_pixels(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA PNG, unfiltered."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        fail(f"unexpected PNG layout: depth {depth}, colour type {colour}, interlace {interlace}")
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def check_screenshot(work, page):
    shot = work / "report.png"
    chromium(work, page, f"--screenshot={shot}", "--window-size=1200,1600")
    if not shot.is_file():
        fail("chromium wrote no screenshot")
    width, height, rows = png_pixels(shot)
    if (width, height) != (1200, 1600):
        fail(f"the screenshot is {width}x{height}, not 1200x1600")
    colours = {}
    for row in rows:
        for pixel in row:
            colours[pixel] = colours.get(pixel, 0) + 1
    if len(colours) < 2:
        fail("the screenshot is blank: every pixel is the same colour")
    # The bars' fills (html_report.cc): first notices, repeat notices, actual, no response.
    for name, rgb in [("first", (0x48, 0x78, 0xa8)), ("repeat", (0xe0, 0xa0, 0x30)),
                      ("actual", (0x3c, 0x9a, 0x50)), ("none", (0xa8, 0xa8, 0xa8))]:
        if colours.get(rgb, 0) < 20:
            fail(f"the screenshot shows no {name} bars (colour {rgb}: {colours.get(rgb, 0)} pixels)")
    print(f"ok: chromium renders the page: {width}x{height}, {len(colours)} colours, the bars visible")


def check_dom(work, page):
    dom = chromium(work, page, "--dump-dom")
    if len(re.findall(r'<rect class="bar (?:first|repeat)"', dom)) < 2:
        fail("the rendered DOM has no notice bars")
    for needle in ('<svg id="chart-responses"', '<svg id="chart-countries"', '<table id="monthly-table"',
                   "evil-net.example", "&lt;SCRIPT&gt;ALERT(\"COUNTRY\")&lt;/SCRIPT&gt;"):
        if needle not in dom:
            fail(f"the rendered DOM has no {needle}")
    if "<script" in dom.lower():
        fail("the rendered DOM has a script element")
    print("ok: the rendered DOM has the charts and the table; the hostile country is text, not markup")


def dshield_fields(line):
    f = line.split("\t")
    if len(f) != 9:
        fail(f"DShield line has {len(f)} fields, not 9: {line!r}")
    if not re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d", f[0]) or f[1] != "4711" or f[2] != "1":
        fail(f"bad DShield time, user id or count: {line!r}")
    return f


def check_dshield(binary, src, work):
    out = work / "dshield.tsv"
    r = abuseflow(binary, "export", "dshield", "--config", str(work / "abuseflow.toml"), "--userid", "4711",
                  "--target", "192.0.2.80", "--output", str(out))
    parsed = []
    for log, fmt in (("access.log", "apache"), ("firewall.log", "netfilter")):
        p = abuseflow(binary, "parse", "-f", fmt, "--year", "2001", str(src / "demo" / "logs" / log))
        parsed += [json.loads(line) for line in p.stdout.splitlines()]
    lines = out.read_text().splitlines()
    if len(lines) != len(parsed) or f"{len(parsed)} lines written" not in r.stderr:
        fail(f"{len(lines)} DShield lines for {len(parsed)} events: {r.stderr}")
    for event, line in zip(parsed, lines):
        f = dshield_fields(line)
        want = [event["src"], str(event["src_port"] or "???"), event["dst"] or "192.0.2.80",
                str(event["dst_port"] or "???"), event["proto"].upper()]
        if [f[3], f[4], f[5], f[6], f[7]] != want:
            fail(f"DShield line {line!r} does not match the event {event}")
        # `parse` reads the firewall's syslog stamps as UTC; the export puts
        # them at the input's configured offset, -04:00.
        if event["format"] == "netfilter" and f[0] != event["time"][:19].replace("T", " ") + " -04:00":
            fail(f"DShield line {line!r} is not at the input's offset: {event['time']}")
    back = abuseflow(binary, "parse", "-f", "dshield", str(out))
    again = [json.loads(line) for line in back.stdout.splitlines()]
    key = ("src", "src_port", "dst_port", "proto")
    if [[e[k] for k in key] for e in again] != [[e[k] for k in key] for e in parsed]:
        fail("the dshield parser does not read the export back to the same events")
    apache = [(a["time"], e["time"]) for a, e in zip(again, parsed) if e["format"] == "apache"]
    if not apache or any(a != e for a, e in apache):
        fail("the web server events' times do not survive the export")
    print(f"ok: export dshield: {len(lines)} lines, one per event, read back by the dshield parser")
    r = subprocess.run([binary, "export", "dshield", "--config", str(work / "abuseflow.toml"),
                        "--output", str(work / "no-target.tsv")], capture_output=True, text=True, timeout=120)
    if r.returncode != 0 or "skipped no-target" not in r.stderr:
        fail(f"events without a target are not counted as skipped: {r.returncode} {r.stderr}")


def main():
    binary, src, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    work = work.resolve()
    notices = replies_test.demo(binary, src, work)
    october_run(binary, work)
    import_replies(binary, work, notices)
    page = work / "report.html"
    abuseflow(binary, "report", "--html", "--state", str(work / "state"), "--top", "50", "--output", str(page))
    html = page.read_text()
    same = abuseflow(binary, "report", "monthly", "--format", "html", "--state", str(work / "state"),
                     "--top", "50").stdout
    if same != html:
        fail("report --html and report monthly --format html differ")
    check_page(html)
    check_screenshot(work, page)
    check_dom(work, page)
    check_dshield(binary, src, work)


if __name__ == "__main__":
    main()
