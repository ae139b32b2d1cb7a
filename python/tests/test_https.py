"""HTTPS (`acp sandbox --tls`): the token flow over TLS with an `httpx.Client` that trusts
the sandbox's test CA the way the README says to trust a private CA
(``httpx.Client(verify=ssl.create_default_context(cafile=…))``), and the default client
(system roots) refusing the sandbox's certificate with a clear error before anything is
sent."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from conftest import acp_binary
from sandbox_process import spawn_sandbox
from test_flow import CARD, FIXTURES, KEY, order_id
from unionpay_acp import Client, NextStep, Outcome


@pytest.fixture(scope="module")
def tls_sandbox() -> Iterator[tuple[str, Path]]:
    """`acp sandbox --tls`: (its https:// base URL, the binary)."""
    binary = acp_binary()
    if binary is None or not binary.exists():
        pytest.skip("the acp binary (cargo build -p acp-cli) is absent: no sandbox flow")
    url, proc = spawn_sandbox(binary, "--tls")
    try:
        yield url, binary
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def settings(base_url: str) -> dict[str, object]:
    return {
        "merId": "777290058110097",
        "environment": {"baseUrl": base_url},
        "trust": {"roots": [(FIXTURES / "root.pem").read_bytes()], "middles": [(FIXTURES / "middle.pem").read_bytes()]},
        "encryptionCert": (FIXTURES / "enc.pem").read_bytes(),
    }


def test_token_flow_over_https_trusting_the_sandbox_ca(tls_sandbox: tuple[str, Path], tmp_path: Path) -> None:
    base_url, binary = tls_sandbox
    assert base_url.startswith("https://127.0.0.1:")
    # The private CA as a file (`acp sandbox --print-trust > sandbox-trust.pem`).
    trust = tmp_path / "sandbox-trust.pem"
    trust.write_text(subprocess.run([str(binary), "sandbox", "--print-trust"], check=True, capture_output=True, text=True).stdout)
    http = httpx.Client(verify=ssl.create_default_context(cafile=str(trust)))
    client = Client(settings(base_url), KEY, http=http)

    open_id = order_id("TLSOPEN")
    sms = client.sms_open(order_id=open_id, **CARD)
    assert sms.outcome() is not None and sms.outcome().name() == "success", sms.step
    opened = client.back_open(order_id=open_id, txn_time=sms.request.txn_time, sms_code="111111", **CARD)
    tpd = opened.outcome().response().token_pay_data()
    assert tpd is not None and tpd.token
    pay_id = order_id("TLSPAY")
    sms = client.sms_consume(order_id=pay_id, token=tpd.token, txn_amt=1000)
    paid = client.consume(
        order_id=pay_id, txn_time=sms.request.txn_time, txn_amt=1000, token=tpd.token,
        sms_code="111111", back_url="http://127.0.0.1:9/back",
    )
    assert isinstance(paid.step, NextStep.QUERY) and isinstance(paid.outcome(), Outcome.ACCEPTED)
    queried = client.query(paid.request)
    assert queried.outcome() is not None and queried.outcome().is_success(), queried.step
    client.close()
    http.close()


def test_an_untrusted_certificate_is_refused_with_a_clear_error(tls_sandbox: tuple[str, Path]) -> None:
    base_url, _ = tls_sandbox
    client = Client(settings(base_url), KEY)  # httpx's default: the system roots
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        client.sms_open(order_id=order_id("TLSNO"), **CARD)
    client.close()
