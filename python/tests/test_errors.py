"""Every code of errors.json maps to the exception subclass of its kind."""

from __future__ import annotations

import json

import pytest

import unionpay_acp
from conftest import REPO
from unionpay_acp import ERROR_CLASSES, AcpError, lowlevel, testing

CATALOGUE = json.loads((REPO / "errors.json").read_text(encoding="utf-8"))


def test_catalogue_matches_the_binding() -> None:
    ours = [(e.code, e.name, e.kind, e.summary) for e in lowlevel.error_catalogue()]
    assert ours == [(e["code"], e["name"], e["kind"], e["summary"]) for e in CATALOGUE]


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: f"{e['code']}-{e['name']}")
def test_code_maps_to_its_subclass(entry: dict[str, object]) -> None:
    with pytest.raises(AcpError) as info:
        testing.raise_error(int(entry["code"]))  # type: ignore[call-overload]
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
    verifier = lowlevel.Verifier("test")
    with pytest.raises(unionpay_acp.SignatureError) as info:
        verifier.verify_fields({"version": "5.1.0", "signMethod": "01", "respCode": "00"})
    assert info.value.step == "parse"
