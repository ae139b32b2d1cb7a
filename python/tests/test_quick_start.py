"""The Python quick start (python/examples/quick_start.py, shown in README.md) runs as it
is against the local sandbox."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO, Sandbox

EXAMPLE = REPO / "python" / "examples" / "quick_start.py"


def run_quick_start(sandbox: Sandbox) -> list[str]:
    r = subprocess.run(
        [sys.executable, str(EXAMPLE), sandbox.base_url], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_quick_start_runs_against_the_sandbox(sandbox: Sandbox) -> None:
    first = run_quick_start(sandbox)
    assert first[0] == "consume: accepted"
    assert first[1] == "status: final success 00"
    assert "notification: 200 00 1000" in first
    assert first[-1] == "refund: accepted"
    # A second run pays again: each run makes its own orderIds.
    assert run_quick_start(sandbox)[1] == "status: final success 00"
