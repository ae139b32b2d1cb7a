"""Every code of errors.json maps to the exception subclass of its kind, whatever raises
it: a facade call, a core object's method, a core record's method, a receipt."""

from __future__ import annotations

import json

import pytest

import unionpay_acp
from conftest import REPO
from unionpay_acp import ERROR_CLASSES, AcpError, Credentials, lowlevel

CATALOGUE = json.loads((REPO / "errors.json").read_text(encoding="utf-8"))
SETTINGS = {"merId": "777290058110097", "environment": {"baseUrl": "http://127.0.0.1:9"}, "trust": "test"}
SECURE = Credentials.secure_key("11", "88888888")


def test_catalogue_matches_the_binding() -> None:
    ours = [(e.code, e.name, e.kind, e.summary) for e in unionpay_acp.error_catalogue()]
    assert ours == [(e["code"], e["name"], e["kind"], e["summary"]) for e in CATALOGUE]


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: f"{e['code']}-{e['name']}")
def test_code_maps_to_its_subclass(entry: dict[str, object]) -> None:
    with pytest.raises(AcpError) as info:
        lowlevel.testing_raise_error(int(entry["code"]))  # type: ignore[call-overload]
    e = info.value
    assert type(e) is ERROR_CLASSES[str(entry["kind"])]
    assert (e.code, e.name, e.kind) == (entry["code"], entry["name"], entry["kind"])
    assert str(e).startswith(f"[{entry['code']} {entry['name']}]")


def test_every_kind_has_an_exported_subclass() -> None:
    kinds = {e["kind"] for e in CATALOGUE}
    assert kinds == set(ERROR_CLASSES)
    for cls in ERROR_CLASSES.values():
        assert issubclass(cls, AcpError)
        assert getattr(unionpay_acp, cls.__name__) is cls


def test_verification_errors_carry_step_and_digest() -> None:
    verifier = unionpay_acp.Verifier(lowlevel.settings_json({"trust": "test"}))
    with pytest.raises(unionpay_acp.SignatureError) as info:
        verifier.verify_fields({"version": "5.1.0", "signMethod": "01", "respCode": "00"})
    assert info.value.step == "parse"


def test_an_unknown_setting_is_the_cores_1005() -> None:
    with pytest.raises(unionpay_acp.InvalidInputError) as info:
        unionpay_acp.Client({**SETTINGS, "merchantId": "x"}, SECURE)
    assert info.value.code == 1005 and "merchantId" in info.value.detail
    with pytest.raises(unionpay_acp.InvalidInputError) as info:
        unionpay_acp.Verifier(lowlevel.settings_json({"trust": "test", "merId": "x"}))
    assert info.value.code == 1005


def test_a_bad_api_name_and_a_bad_field_are_invalid_input() -> None:
    with unionpay_acp.Client(SETTINGS, SECURE) as client:
        with pytest.raises(unionpay_acp.InvalidInputError):
            client.build("no_such_api", order_id="ORDER0001")
        with pytest.raises(unionpay_acp.InvalidInputError):
            client.consume(order_id="x", txn_amt=1, token="6235240000020757577")


def test_a_refused_notification_carries_the_mapped_error() -> None:
    with unionpay_acp.Client(SETTINGS, SECURE) as client:
        receipt = client.receive_notification(b"merId=777290058110097&respCode=00")
    assert receipt.reply.status == 400 and receipt.notification is None
    assert isinstance(receipt.error, unionpay_acp.SignatureError)
