"""Shared helpers: the repository's tests/ folder (vectors, fixtures) and the sandbox."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from sandbox_process import spawn_sandbox

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"

import unionpay_acp  # noqa: E402

# The suite tests the installed wheel, never the source folder (which has no _ffi).
assert Path(unionpay_acp.__file__).resolve().parent != REPO / "python" / "unionpay_acp", (
    "unionpay_acp was imported from the source folder: install the wheel (python/test.sh)"
)


def read(rel: str) -> bytes:
    return (TESTS / rel).read_bytes()


def load(name: str) -> dict[str, Any]:
    return json.loads((TESTS / "vectors" / name).read_text(encoding="utf-8"))


def each_test(name: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(group, test) pairs of a vector file; the count must match its header."""
    doc = load(name)
    cases = [(g, t) for g in doc["testGroups"] for t in g["tests"]]
    assert len(cases) == doc["numberOfTests"] > 0, name
    return cases


def case_id(case: tuple[dict[str, Any], dict[str, Any]]) -> str:
    return f"tc{case[1]['tcId']}"


def expect_outcome(test: dict[str, Any], run: Callable[[], Any], check: Callable[[Any], None]) -> None:
    """Runs `run`; a valid case must succeed and pass `check`, an invalid one must raise
    the expected code (and verification step)."""
    from unionpay_acp import AcpError

    try:
        value = run()
    except AcpError as e:
        assert test["result"] != "valid", f"tcId {test['tcId']} ({test['comment']}): unexpected {e}"
        assert e.code == test["errorCode"], f"tcId {test['tcId']} ({test['comment']}): {e}"
        if "errorStep" in test:
            assert e.step == test["errorStep"], f"tcId {test['tcId']}: step of {e}"
        return
    assert test["result"] == "valid", (
        f"tcId {test['tcId']} ({test['comment']}): expected error {test.get('errorCode')}"
    )
    check(value)


def acp_binary() -> Path | None:
    """The `acp` command (with `acp sandbox`): $ACP_BIN, or the workspace build."""
    env = os.environ.get("ACP_BIN")
    if env:
        return Path(env)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    for profile in ("release", "debug"):
        p = target / profile / "acp"
        if p.exists():
            return p
    found = shutil.which("acp")
    return Path(found) if found else None


class Sandbox:
    def __init__(self, base_url: str, proc: subprocess.Popen[str]) -> None:
        self.base_url = base_url
        self.proc = proc

    def trust_pems(self) -> tuple[bytes, bytes]:
        """(root, middle) from GET /_sandbox/trust."""
        import httpx

        text = httpx.get(self.base_url + "/_sandbox/trust").text
        blocks = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\s*", text, re.S)
        assert len(blocks) == 2, text
        return blocks[0].encode(), blocks[1].encode()


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """`acp sandbox --port 0` on 127.0.0.1, stopped at the end of the session."""
    binary = acp_binary()
    if binary is None or not binary.exists():
        pytest.skip("the acp binary (cargo build -p acp-cli) is absent: no sandbox flow")
    url, proc = spawn_sandbox(binary)
    try:
        yield Sandbox(url, proc)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
