"""Importing the package does no HTTP set-up: httpx (with ssl) and asyncio are loaded by
the first POST, not by `import unionpay_acp` (issue 14: they were about half of a cold
start that only signs or verifies)."""

from __future__ import annotations

import subprocess
import sys


def test_import_loads_neither_httpx_nor_asyncio() -> None:
    probe = "import sys, unionpay_acp; print(sorted(m for m in ('httpx', 'ssl', 'asyncio') if m in sys.modules))"
    # -I: the installed package, not the source folder.
    out = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_http_holder_makes_one_client_and_closes_only_its_own() -> None:
    probe = """
import sys, unionpay_acp
from unionpay_acp.client import _Http
made = []
h = _Http(None, lambda: made.append(object()) or made[-1])
assert h.made() is None and 'httpx' not in sys.modules
first = h.get()
assert h.get() is first and h.made() is first and len(made) == 1
given = object()
assert _Http(given, lambda: 1 / 0).get() is given and _Http(given, lambda: 1 / 0).made() is None
print("ok")
"""
    out = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
