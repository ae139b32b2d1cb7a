"""Starting `acp sandbox` on 127.0.0.1 for the tests and the conformance runner."""

from __future__ import annotations

import subprocess
from pathlib import Path


def spawn_sandbox(binary: Path, *extra: str) -> tuple[str, subprocess.Popen[str]]:
    """`acp sandbox --port 0 --bind 127.0.0.1 …extra`: (its base URL, the process)."""
    proc = subprocess.Popen(
        [str(binary), "sandbox", "--port", "0", "--bind", "127.0.0.1", *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline().strip()
    if not first.startswith("http"):
        proc.kill()
        raise RuntimeError(f"acp sandbox did not print its URL: {first!r}")
    return first.rstrip("/"), proc
