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


def musl_check(wheel: Path, named: list[str], want: str | None) -> int:
    """auditwheel cannot analyse a musllinux wheel on a glibc machine (it looks for musl's
    libc among the host's libraries): here the libraries may need musl's libc and nothing
    of glibc (no NEEDED glibc library, no GLIBC_ symbol version). zig names musl's libc
    `libc.so`, which musl's dynamic linker resolves to itself, as it does libc.musl-*."""
    import io
    import zipfile

    from elftools.elf.dynamic import DynamicSection
    from elftools.elf.elffile import ELFFile
    from elftools.elf.gnuversions import GNUVerNeedSection

    problems = []
    with zipfile.ZipFile(wheel) as z:
        libs = [n for n in z.namelist() if n.endswith(".so") or ".so." in n]
        for name in libs:
            elf = ELFFile(io.BytesIO(z.read(name)))
            needed = [t.needed for sec in elf.iter_sections() if isinstance(sec, DynamicSection)
                      for t in sec.iter_tags() if t.entry.d_tag == "DT_NEEDED"]
            versions = [aux.name for sec in elf.iter_sections() if isinstance(sec, GNUVerNeedSection)
                        for _, auxs in sec.iter_versions() for aux in auxs]
            bad = [n for n in needed if not (n == "libc.so" or n.startswith("libc.musl-"))]
            if bad or any(v.startswith("GLIBC_") for v in versions):
                problems.append(f"{name} needs {bad or 'glibc symbol versions'}")
    if not libs:
        problems.append("no shared library inside")
    if want and want not in named:
        problems.append(f"wanted {want}, the name says {'.'.join(named)}")
    for p in problems:
        print(f"wheel tag: {wheel.name}: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"wheel tag: {wheel.name}: {'.'.join(named)} (its libraries need musl's libc only)")
    return 0


def main(argv: list[str]) -> int:
    wheel = Path(argv[0])
    want = argv[argv.index("--want") + 1] if "--want" in argv else None
    if "musllinux" in wheel.name:
        return musl_check(wheel, wheel.name.removesuffix(".whl").split("-")[-1].split("."), want)
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
