#!/usr/bin/env python3
"""A CycloneDX 1.5 SBOM (JSON) of what the release artifacts carry, from the lock files.

Rust: for each shipped crate (the core; acp-uniffi in the wheels and the JAR; acp-c in
the C packages; acp-wasm and acp-wasm-rsa in the npm package) `cargo tree --locked -e
normal --target all` lists the crates compiled into it (build-time only crates such as
cc or cmake are not shipped and not listed); versions and SHA-256 checksums are
Cargo.lock's. npm: package-lock.json's non-dev packages (the package has none today).
JVM: the JAR's compile-scope dependencies from bindings/kotlin/pom.xml (Maven has no lock
file: their own dependencies are Maven's to resolve). Python: the wheel's Requires-Dist
ranges from python/pyproject.toml (resolved at install time).

A small generator instead of a tool: cargo-cyclonedx writes one SBOM per crate and knows
nothing of npm or Maven; this one stays within the repository's own lock files.

    python3 packaging/sbom.py > dist/unionpay-acp-X.cdx.json
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = {  # crate -> the artifacts it is compiled into
    "unionpay-acp": "crate",
    "acp-uniffi": "wheel, jar",
    "acp-c": "c",
    "acp-wasm": "npm",
    "acp-wasm-rsa": "npm",
}


def version() -> str:
    return subprocess.run([sys.executable, str(ROOT / "packaging/versions.py"), "--print"],
                          check=True, capture_output=True, text=True).stdout.strip()


def cargo_components() -> list[dict]:
    lock = tomllib.loads((ROOT / "Cargo.lock").read_text(encoding="utf-8"))
    checksums = {(p["name"], p["version"]): p.get("checksum") for p in lock["package"]}
    used: dict[tuple[str, str], set[str]] = {}
    for crate, artifacts in SHIPPED.items():
        tree = subprocess.run(
            ["cargo", "tree", "--locked", "--offline", "-q", "-e", "normal", "--target", "all", "-p", crate,
             "--prefix", "none", "-f", "{p}"],
            cwd=ROOT, check=True, capture_output=True, text=True).stdout
        for line in tree.splitlines():
            m = re.match(r"^(\S+) v(\S+)(.*)$", line.strip())
            if not m or "(/" in m.group(3):  # the workspace's own crates
                continue
            used.setdefault((m.group(1), m.group(2)), set()).update(a.strip() for a in artifacts.split(","))
    out = []
    for (name, ver), artifacts in sorted(used.items()):
        c: dict = {"type": "library", "bom-ref": f"pkg:cargo/{name}@{ver}", "name": name, "version": ver,
                   "purl": f"pkg:cargo/{name}@{ver}",
                   "properties": [{"name": "unionpay-acp:artifacts", "value": ", ".join(sorted(artifacts))}]}
        if checksums.get((name, ver)):
            c["hashes"] = [{"alg": "SHA-256", "content": checksums[(name, ver)]}]
        out.append(c)
    return out


def npm_components() -> list[dict]:
    lock = json.loads((ROOT / "npm/package-lock.json").read_text(encoding="utf-8"))
    out = []
    for path, p in sorted(lock.get("packages", {}).items()):
        if not path or p.get("dev") or p.get("devOptional"):
            continue
        name = path.split("node_modules/")[-1]
        c = {"type": "library", "bom-ref": f"pkg:npm/{name}@{p['version']}", "name": name,
             "version": p["version"], "purl": f"pkg:npm/{name.replace('@', '%40')}@{p['version']}",
             "properties": [{"name": "unionpay-acp:artifacts", "value": "npm"}]}
        if p.get("integrity"):
            alg, _, digest = p["integrity"].partition("-")
            c["properties"].append({"name": "npm:integrity", "value": f"{alg}-{digest}"})
        out.append(c)
    return out


def maven_components() -> list[dict]:
    pom = (ROOT / "bindings/kotlin/pom.xml").read_text(encoding="utf-8")
    props = dict(re.findall(r"<([\w.]+)>([^<]*)</\1>", pom.split("<properties>")[1].split("</properties>")[0]))
    out = []
    for dep in re.findall(r"<dependency>(.*?)</dependency>", pom, re.S):
        field = lambda tag: (re.search(rf"<{tag}>([^<]*)</{tag}>", dep) or [None, None])[1]  # noqa: E731
        if field("scope") in ("test", "provided"):
            continue
        ver = re.sub(r"\$\{([\w.]+)\}", lambda m: props[m.group(1)], field("version") or "")
        g, a = field("groupId"), field("artifactId")
        out.append({"type": "library", "bom-ref": f"pkg:maven/{g}/{a}@{ver}", "group": g, "name": a,
                    "version": ver, "purl": f"pkg:maven/{g}/{a}@{ver}",
                    "properties": [{"name": "unionpay-acp:artifacts", "value": "jar"}]})
    return out


def python_components() -> list[dict]:
    project = tomllib.loads((ROOT / "python/pyproject.toml").read_text(encoding="utf-8"))["project"]
    out = []
    for req in project.get("dependencies", []):
        name = re.match(r"[A-Za-z0-9_.-]+", req).group(0)  # type: ignore[union-attr]
        out.append({"type": "library", "bom-ref": f"pkg:pypi/{name.lower()}", "name": name,
                    "purl": f"pkg:pypi/{name.lower()}",
                    "properties": [{"name": "unionpay-acp:artifacts", "value": "wheel"},
                                   {"name": "python:requires-dist", "value": req}]})
    return out


def main() -> None:
    v = version()
    components = cargo_components() + npm_components() + maven_components() + python_components()
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": f"urn:uuid:{uuid.uuid4()}",
        "version": 1,
        "metadata": {
            "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tools": {"components": [{"type": "application", "name": "unionpay-acp packaging/sbom.py"}]},
            "component": {"type": "library", "bom-ref": f"unionpay-acp@{v}", "name": "unionpay-acp", "version": v,
                          "licenses": [{"expression": "MIT OR Apache-2.0"}]},
        },
        "components": components,
        "dependencies": [{"ref": f"unionpay-acp@{v}", "dependsOn": [c["bom-ref"] for c in components]}],
    }
    json.dump(bom, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
