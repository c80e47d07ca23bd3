#!/usr/bin/env python3
"""docs/abuseflow.1: renders without warnings, names every command and option
of the built binary's --help, and is installed by `cmake --install`.

Skipped (exit 77) when groff is not installed (Debian: groff-base).

usage: man_page_test.py ABUSEFLOW_BINARY SOURCE_DIR WORK_DIR BUILD_DIR
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys


from live_common import fail  # noqa: E402  (the shared failure exit)


def render(page):
    env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80")
    r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", str(page)], capture_output=True, text=True,
                       env=env, timeout=60)
    if r.returncode != 0 or r.stderr.strip():
        fail(f"groff -man -ww: exit {r.returncode}: {r.stderr}")
    if shutil.which("man"):
        r = subprocess.run(["man", "--warnings", "-l", str(page)], capture_output=True, text=True,
                           env=env, timeout=60)
        if r.returncode != 0 or r.stderr.strip():
            fail(f"man --warnings -l: exit {r.returncode}: {r.stderr}")
    # Overstrike (bold, underline) removed, as col -b does.
    return re.sub(r".\x08", "", r.stdout)


def help_of(binary, path):
    r = subprocess.run([str(binary), *path, "--help"], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        fail(f"abuseflow {' '.join(path)} --help exited {r.returncode}")
    return r.stdout


def commands_and_options(binary, path=()):
    """Every command path below `path` with the long options of each."""
    text = help_of(binary, path)
    options = set(re.findall(r"^\s+(?:-\w,)?(--[a-z][a-z0-9-]*)", text, re.M)) - {"--help"}
    found = {path: options}
    section = text.split("Subcommands:\n", 1)
    if len(section) == 2:
        for name in re.findall(r"^  ([a-z][a-z-]*)\s", section[1], re.M):
            found.update(commands_and_options(binary, path + (name,)))
    return found


def main():
    binary, src, work, build = (pathlib.Path(a).resolve() for a in sys.argv[1:5])
    if not shutil.which("groff"):
        print("SKIP: groff is not installed (Debian package groff-base)")
        sys.exit(77)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    page = src / "docs" / "abuseflow.1"
    text = render(page)
    if "ABUSEFLOW(1)" not in text or "SYNOPSIS" not in text:
        fail("the rendered page has no header or SYNOPSIS")
    print("ok: the man page renders without warnings")

    words = set(re.findall(r"[a-z][a-z0-9-]*", text))
    found = commands_and_options(binary)
    missing = []
    for path, options in sorted(found.items()):
        for name in path:
            if name not in words:
                missing.append(f"command {' '.join(path)}")
        for option in sorted(options):
            if option not in text:
                missing.append(f"{' '.join(('abuseflow',) + path)} {option}")
    if missing:
        fail("the man page does not name: " + ", ".join(sorted(set(missing))))
    print(f"ok: the man page names all {len(found) - 1} commands and their options")

    prefix = work / "prefix"
    r = subprocess.run(["cmake", "--install", str(build), "--component", "doc", "--prefix", str(prefix)],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        fail(f"cmake --install --component doc: {r.stdout}{r.stderr}")
    for installed, source in [(prefix / "share/man/man1/abuseflow.1", page),
                              (prefix / "share/doc/abuseflow/operations.md", src / "docs/operations.md"),
                              (prefix / "share/doc/abuseflow/deploy/systemd/abuseflow-run.service",
                               src / "deploy/systemd/abuseflow-run.service")]:
        if not installed.is_file() or installed.read_bytes() != source.read_bytes():
            fail(f"cmake --install did not install {installed.relative_to(prefix)}")
    print("ok: cmake --install puts the man page, the runbook and deploy/ in place")


if __name__ == "__main__":
    main()
