#!/usr/bin/env python3
"""The release version, from one place: the core crate's `version` in Cargo.toml.

Every other manifest repeats it, because its format cannot read another file (npm, Maven,
CMake, pyproject.toml, the workspace's other crates). This script checks that they all
agree (`make lint` runs it), and sets a new version in every one of them at once.

    python3 packaging/versions.py            # check: exit 1, naming each file that disagrees
    python3 packaging/versions.py --set 0.2.0
    python3 packaging/versions.py --print    # the version, for scripts
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEMVER = r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?"

# (file, pattern whose group 1 is the version): the first match in each file is the one.
PLACES: list[tuple[str, str]] = [
    ("bindings/c/Cargo.toml", rf'(?m)^version = "({SEMVER})"'),
    ("bindings/cli/Cargo.toml", rf'(?m)^version = "({SEMVER})"'),
    ("bindings/sandbox/Cargo.toml", rf'(?m)^version = "({SEMVER})"'),
    ("bindings/uniffi/Cargo.toml", rf'(?m)^version = "({SEMVER})"'),
    ("bindings/wasm/Cargo.toml", rf'(?m)^version = "({SEMVER})"'),
    ("bindings/wasm-rsa/Cargo.toml", rf'(?m)^version = "({SEMVER})"'),
    ("npm/package.json", rf'(?m)^  "version": "({SEMVER})"'),
    ("bindings/kotlin/pom.xml", rf"<artifactId>unionpay-acp</artifactId>\s*<version>({SEMVER})</version>"),
    ("python/pyproject.toml", rf'(?m)^version = "({SEMVER})"'),
    ("c-header/CMakeLists.txt", rf"project\(unionpay_acp VERSION ({SEMVER})"),
]


def source_version() -> str:
    text = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    found = re.search(rf'\[package\]\nname = "unionpay-acp"\nversion = "({SEMVER})"', text)
    if not found:
        raise SystemExit("Cargo.toml: no [package] version for unionpay-acp")
    return found.group(1)


def lock_versions() -> list[tuple[str, str]]:
    """npm/package-lock.json names the package's version twice."""
    lock = json.loads((ROOT / "npm/package-lock.json").read_text(encoding="utf-8"))
    return [("npm/package-lock.json (version)", lock["version"]),
            ('npm/package-lock.json (packages."")', lock["packages"][""]["version"])]


def found_versions() -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for path, pattern in PLACES:
        m = re.search(pattern, (ROOT / path).read_text(encoding="utf-8"))
        out.append((path, m.group(1) if m else None))
    out.extend(lock_versions())
    return out


def check() -> int:
    want = source_version()
    wrong = [(p, v) for p, v in found_versions() if v != want]
    for path, v in wrong:
        print(f"versions: {path} has {v or 'no readable version'}, Cargo.toml has {want}", file=sys.stderr)
    if wrong:
        print("versions: run `python3 packaging/versions.py --set X.Y.Z` to set one version everywhere",
              file=sys.stderr)
        return 1
    print(f"versions: {want} in Cargo.toml and all {len(found_versions())} other places")
    return 0


def set_version(new: str) -> None:
    if not re.fullmatch(SEMVER, new):
        raise SystemExit(f"not a version: {new}")
    old = source_version()
    path = ROOT / "Cargo.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'name = "unionpay-acp"\nversion = "{old}"',
                                 f'name = "unionpay-acp"\nversion = "{new}"', 1), encoding="utf-8")
    for rel, pattern in PLACES:
        path = ROOT / rel
        text = path.read_text(encoding="utf-8")
        m = re.search(pattern, text)
        if m:
            text = text[: m.start(1)] + new + text[m.end(1):]
            path.write_text(text, encoding="utf-8")
    path = ROOT / "npm/package-lock.json"
    lock = json.loads(path.read_text(encoding="utf-8"))
    lock["version"] = new
    lock["packages"][""]["version"] = new
    path.write_text(json.dumps(lock, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"versions: {old} -> {new}; Cargo.lock follows at the next cargo build")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--set"] and len(sys.argv) == 3:
        set_version(sys.argv[2])
        sys.exit(check())
    if sys.argv[1:] == ["--print"]:
        print(source_version())
        sys.exit(0)
    if sys.argv[1:]:
        raise SystemExit(__doc__)
    sys.exit(check())
