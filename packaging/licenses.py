#!/usr/bin/env python3
"""The license files (MIT OR Apache-2.0) in the repository and in every artifact we build.

npm does not pack symbolic links and maturin takes license files only from below
pyproject.toml, so npm/ and python/licenses/ carry copies of the root's LICENSE-MIT and LICENSE-APACHE; this checks that
each copy is byte for byte the root's. Given artifacts, it opens each (wheel, sdist,
npm tarball, .crate, JAR) and checks that both files are inside and equal to the root's.

    python3 packaging/licenses.py                     # the repository's copies
    python3 packaging/licenses.py dist/*.whl x.tgz    # and these artifacts
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("LICENSE-MIT", "LICENSE-APACHE")
COPIES = ("npm", "python/licenses")


def members(artifact: Path) -> dict[str, bytes]:
    """Every member whose file name is one of NAMES, by its path inside the artifact."""
    found: dict[str, bytes] = {}
    if zipfile.is_zipfile(artifact):  # wheel, JAR
        with zipfile.ZipFile(artifact) as z:
            for name in z.namelist():
                if name.rsplit("/", 1)[-1] in NAMES:
                    found[name] = z.read(name)
    else:  # sdist, npm tarball, .crate: gzipped tar
        with tarfile.open(artifact) as t:
            for m in t.getmembers():
                if m.isfile() and m.name.rsplit("/", 1)[-1] in NAMES:
                    f = t.extractfile(m)
                    assert f is not None
                    found[m.name] = f.read()
    return found


def main(artifacts: list[str]) -> int:
    want = {n: (ROOT / n).read_bytes() for n in NAMES}
    problems: list[str] = []
    for d in COPIES:
        for n in NAMES:
            p = ROOT / d / n
            if not p.is_file() or p.is_symlink() or p.read_bytes() != want[n]:
                problems.append(f"{d}/{n} is missing or differs from the root's {n} (copy it: cp {n} {d}/)")
    for a in map(Path, artifacts):
        inside = members(a)
        for n in NAMES:
            paths = [p for p in inside if p.rsplit("/", 1)[-1] == n]
            if not paths:
                problems.append(f"{a.name}: no {n}")
            elif any(inside[p] != want[n] for p in paths):
                problems.append(f"{a.name}: {n} differs from the repository's")
    for p in problems:
        print(f"licenses: {p}", file=sys.stderr)
    if problems:
        return 1
    what = f" and in {len(artifacts)} artifact(s): " + ", ".join(Path(a).name for a in artifacts) if artifacts else ""
    print(f"licenses: {', '.join(NAMES)} in the repository ({', '.join(COPIES)} copies equal){what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
