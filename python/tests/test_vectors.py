"""The shared vector set (tests/vectors/*.json), consumed as tests/vectors.rs does."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import pytest

from conftest import case_id, each_test, expect_outcome, read
from unionpay_acp import (
    AcpError,
    Backend,
    Credentials,
    CustomerInfo,
    CustomerInfoMode,
    EncryptionCert,
    MerchantKey,
    danger,
    lowlevel,
)
from unionpay_acp.lowlevel import Verifier, settings_json

BACKENDS = [Backend.NATIVE, Backend.PORTABLE]


def rfc3339(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_now(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def data_of(test: dict[str, Any], hex_key: str, text_key: str) -> bytes:
    return bytes.fromhex(test[hex_key]) if hex_key in test else test[text_key].encode()


@pytest.mark.parametrize("case", each_test("canonical.json"), ids=case_id)
def test_canonical(case: Any) -> None:
    _, t = case
    canonical = lowlevel.canonical_string(t["fields"])
    assert canonical == t["canonical"]
    assert hashlib.sha256(canonical.encode()).hexdigest() == t["sha256"]
    assert hashlib.sha1(canonical.encode()).hexdigest() == t["sha1"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", each_test("sign.json"), ids=case_id)
def test_sign(case: Any, backend: Any) -> None:
    g, t = case

    def run() -> Any:
        method = lowlevel.parse_sign_method(t["fields"].get("signMethod", "01"))
        if "pfx" in g:
            key = MerchantKey.from_pkcs12(read(g["pfx"]), g["password"], backend)
            return key.sign_fields(t["fields"])
        return lowlevel.sign_fields(t["fields"], Credentials.secure_key(method, g["secureKey"]))

    def check(s: Any) -> None:
        assert s.canonical == t["canonical"]
        assert s.digest_hex == t["digestHex"]
        assert s.fields.get("signature") == t["signature"]
        assert s.fields == t["signedFields"]

    expect_outcome(t, run, check)


def verifier_for(g: dict[str, Any], backend: Any) -> Any:
    files = lambda key: [read(p) for p in g.get(key, [])]  # noqa: E731
    profile = g.get("trust")
    trust: Any = {"roots": files("roots"), "middles": files("middles")} if profile == "custom" else "test"
    if profile == "production":
        trust = "production"
    settings = {"trust": trust, "verifySecureKey": g.get("secureKey"), "verifyCerts500": files("verifyCerts")}
    return Verifier(settings_json(settings), backend)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", each_test("verify.json"), ids=case_id)
def test_verify(case: Any, backend: Any) -> None:
    g, t = case
    verifier = verifier_for(g, backend)
    now = parse_now(t["now"])
    for _ in range(2):  # the second call exercises the certificate cache

        def run() -> dict[str, str]:
            if t["bodyKind"] == "fields":
                verifier.verify_fields(t["input"], now)
                return dict(t["input"])
            if t["bodyKind"] == "sync":
                return verifier.verify_sync_body(t["input"].encode(), now)
            return verifier.verify_notify_body(t["input"].encode(), now)

        expect_outcome(t, run, lambda fields: _eq(fields, t["fields"]))


def _eq(a: Any, b: Any) -> None:
    assert a == b


@pytest.mark.parametrize("case", each_test("encrypt.json"), ids=case_id)
def test_encrypt(case: Any) -> None:
    g, t = case
    cert = EncryptionCert.parse(read(g["cert"]))
    assert cert.cert_id() == g["encryptCertId"]
    plaintext = data_of(t, "plaintextHex", "plaintext")
    random = bytes.fromhex(t.get("random", ""))
    expect_outcome(
        t,
        lambda: danger.encrypt_field(cert, plaintext, random),
        lambda ct: _eq(ct, t["ciphertext"]),
    )


@pytest.mark.parametrize("case", each_test("customer_info.json"), ids=case_id)
def test_customer_info_and_pin_blocks(case: Any) -> None:
    g, t = case
    if g["operation"] == "pinBlock":
        expect_outcome(
            t,
            lambda: lowlevel.pin_block(t["pin"], t["pan"]),
            lambda block: _eq(block.hex().upper(), t["pinBlockHex"]),
        )
        return
    cert = EncryptionCert.parse(read(g["cert"]))
    v = t["customerInfo"]
    mode = CustomerInfoMode.PLAIN if t["mode"] == "plain" else CustomerInfoMode.ENCRYPTED
    random = bytes.fromhex(t.get("random", ""))

    def run() -> str:
        info = CustomerInfo(
            certif_tp=v.get("certifTp"),
            certif_id=v.get("certifId"),
            customer_nm=v.get("customerNm"),
            phone_no=v.get("phoneNo"),
            sms_code=v.get("smsCode"),
            cvn2=v.get("cvn2"),
            expired=v.get("expired"),
        )
        return str(danger.customer_info(cert, info, mode, v.get("pin"), random))

    expect_outcome(t, run, lambda value: _eq(value, t["value"]))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", each_test("decrypt.json"), ids=case_id)
def test_decrypt(case: Any, backend: Any) -> None:
    g, t = case
    key = MerchantKey.from_pkcs12(read(g["pfx"]), g["password"], backend)

    def run() -> str:
        # The library's own text check decides a wrong key (4008), not this harness.
        return str(key.decrypt_text(t["ciphertext"]))

    expect_outcome(t, run, lambda plain: _eq(plain, t["plaintext"]))


@pytest.mark.parametrize("case", each_test("pkcs12.json"), ids=case_id)
def test_pkcs12(case: Any) -> None:
    _, t = case

    def check(p: Any) -> None:
        c = p.certificate
        assert c.cert_id == t["certId"]
        assert c.subject == t["subject"]
        assert rfc3339(c.not_before) == t["notBefore"]
        assert rfc3339(c.not_after) == t["notAfter"]
        assert c.key_bits == t["keyBits"]
        assert hashlib.sha256(c.modulus).hexdigest() == t["modulusSha256"]

    expect_outcome(t, lambda: lowlevel.parse_pkcs12(read(t["file"]), t["password"]), check)


@pytest.mark.parametrize("case", each_test("forms.json"), ids=case_id)
def test_forms(case: Any) -> None:
    g, t = case
    op = g["operation"]
    if op == "parseSync":
        expect_outcome(t, lambda: danger.parse_sync_body(data_of(t, "inputHex", "input")), lambda f: _eq(f, t["fields"]))
    elif op == "parseNotify":
        expect_outcome(t, lambda: danger.parse_notify_body(data_of(t, "inputHex", "input")), lambda f: _eq(f, t["fields"]))
    else:
        assert lowlevel.encode_form(t["fields"]) == t["body"]


def test_every_api_is_a_client_method() -> None:
    from unionpay_acp import AsyncClient, Client, api_names

    for name in api_names():
        assert callable(getattr(Client, name)), name
        assert callable(getattr(AsyncClient, name)), name
    assert len(api_names()) == 23


def test_errors_are_acp_errors() -> None:
    with pytest.raises(AcpError):
        MerchantKey.from_pkcs12(b"not a pfx", "000000")
