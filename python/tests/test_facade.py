"""What the facade itself adds: no dangerous name at the top level, settings passed
through as the core's JSON, the merchant key's expiry, the snake_case keywords."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import unionpay_acp
from conftest import read
from unionpay_acp import Client, Credentials, MerchantKey, danger, settings_json


def test_nothing_dangerous_at_the_top_level() -> None:
    for name in dir(unionpay_acp):
        assert "danger" not in name or name == "danger", name
        assert "parse_sync_body" not in name and "parse_notify_body" not in name, name
        assert "random" not in name.lower(), name
    assert {"parse_sync_body", "parse_notify_body", "encrypt_field", "customer_info"} <= set(danger.__all__)


def test_settings_are_the_cores_json() -> None:
    der = read("fixtures/sandbox/root.pem")
    pem_text = der.decode()
    as_der = base64.b64decode("".join(pem_text.strip().splitlines()[1:-1]))
    doc = json.loads(settings_json({"trust": {"roots": [der], "middles": [as_der]}, "trId": None}))
    assert doc["trust"]["roots"] == [pem_text]  # PEM bytes: the text
    assert doc["trust"]["middles"] == [base64.b64encode(as_der).decode()]  # DER: base64
    assert doc["trId"] is None
    assert settings_json('{"merId": "x"}') == '{"merId": "x"}'  # JSON text passes through


def test_merchant_key_tells_when_its_certificate_expires() -> None:
    key = MerchantKey.from_pkcs12(read("fixtures/sandbox/merchant.pfx"), "000000")
    assert key.not_after() == key.certificate().not_after
    assert key.not_after() > datetime(2030, 1, 1, tzinfo=timezone.utc)
    official = MerchantKey.from_pkcs12(read("fixtures/official-certs/acp_test_sign.pfx"), "000000")
    assert official.not_after() < datetime.now(timezone.utc)  # UnionPay's test leaf: expired


def test_snake_case_keywords_are_the_protocols_fields() -> None:
    settings = {"merId": "777290058110097", "environment": {"baseUrl": "http://127.0.0.1:9"}, "trust": "test"}
    with Client(settings, Credentials.secure_key("11", "88888888")) as client:
        now = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
        request = client.build("status_query", now=now, orig_order_id="ORDER0001", orig_txn_time="20261125120000",
                               queried="consume", txnAmt=100)
        assert request.fields["orderId"] == "ORDER0001" and request.fields["txnTime"] == "20261125120000"
        assert request.queried.api == "consume" and request.queried.txn_amt == 100
        assert request.url == "http://127.0.0.1:9/gateway/api/queryTrans.do"


def test_records_print_as_the_core_logs_them_without_tokens() -> None:
    token = "6235240000020757577"
    fields = {"orderId": "PRINT0001", "respCode": "00", "tokenPayData": "{token=" + token + "&trId=62000000001}"}
    response = unionpay_acp.Response(fields=fields)
    tpd = unionpay_acp.TokenPayData(
        token=token, tr_id="62000000001", token_type="01", token_begin=None, token_end=None, token_level=None
    )
    for text in (str(response), repr(response), str(tpd), repr(tpd)):
        assert token not in text, text
    assert "PRINT0001" in str(response) and "0757577"[-4:] in str(tpd)
    # A secure key and card data are objects: they never print their values.
    creds = Credentials.secure_key("11", "88888888")
    info = unionpay_acp.CustomerInfo(cvn2="123", phone_no="13552535506")
    assert "88888888" not in repr(creds) and "13552535506" not in repr(info)
