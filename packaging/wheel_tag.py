#!/usr/bin/env python3
"""Checks a wheel's platform tag against its binary (auditwheel): the tag in the file name
must be one the wheel's versioned symbols allow, and, given --want, the wheel must allow
that tag (e.g. manylinux_2_17_x86_64, the manylinux2014 of glibc 2.17).

    python packaging/wheel_tag.py unionpay_acp-X-py3-none-manylinux_2_17_x86_64.whl [--want TAG]

Run with a Python that has auditwheel (python/test.sh's venv, make dist's tools).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

TAG_ORDER = re.compile(r"(many|musl)linux_(\d+)_(\d+)_(\w+)")
LEGACY = {"manylinux2014_": "manylinux_2_17_", "manylinux2010_": "manylinux_2_12_", "manylinux1_": "manylinux_2_5_"}


def pep600(tag: str) -> str:
    """manylinux2014_x86_64 is manylinux_2_17_x86_64 (PEP 600's aliases)."""
    for old, new in LEGACY.items():
        if tag.startswith(old):
            return new + tag[len(old):]
    return tag


def main(argv: list[str]) -> int:
    wheel = Path(argv[0])
    want = argv[argv.index("--want") + 1] if "--want" in argv else None
    shown = subprocess.run([sys.executable, "-m", "auditwheel", "show", str(wheel)],
                           capture_output=True, text=True)
    text = " ".join(shown.stdout.split())
    found = re.search(r'consistent with the following platform tag: "([^"]+)"', text)
    if shown.returncode != 0 or not found:
        print(f"wheel tag: auditwheel show failed on {wheel.name}:\n{shown.stdout}{shown.stderr}", file=sys.stderr)
        return 1
    allowed = found.group(1)  # the most compatible tag the symbols allow
    named = wheel.name.removesuffix(".whl").split("-")[-1].split(".")
    # Every tag in the name must be at least as new as what the symbols allow.
    a = TAG_ORDER.fullmatch(allowed)
    problems = []
    for tag in named:
        t = TAG_ORDER.fullmatch(pep600(tag))
        if not (a and t and t.group(1) == a.group(1) and t.group(4) == a.group(4)
                and (int(t.group(2)), int(t.group(3))) >= (int(a.group(2)), int(a.group(3)))):
            problems.append(f"the name says {tag}, the symbols allow only {allowed} or newer")
    if want and want not in map(pep600, named):
        problems.append(f"wanted {want}, the name says {'.'.join(named)}")
    for p in problems:
        print(f"wheel tag: {wheel.name}: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"wheel tag: {wheel.name}: {'.'.join(named)} (auditwheel: the symbols allow {allowed})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
