"""The protocol's building blocks, for diagnostics and for the shared test vectors:
canonical string, signing, verification, forms, certificates, PIN blocks."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Mapping, Optional, Sequence

from . import _ffi
from ._errors import mapped
from ._keys import Backend, CertificateInfo, MerchantKey, TrustLike, ffi_backend, ffi_trust
from dataclasses import dataclass

__all__ = [
    "api_names",
    "canonical_string",
    "sign_fields",
    "SignedFields",
    "Verifier",
    "Pkcs12Info",
    "parse_pkcs12",
    "parse_certificate",
    "parse_sync_body",
    "parse_notify_body",
    "encode_form",
    "pin_block",
    "parse_sign_method",
    "ErrorInfo",
    "error_catalogue",
]


def api_names() -> list[str]:
    """The 23 product API names (``consume``, ``sms_open``, …)."""
    return list(_ffi.api_names())


def canonical_string(fields: Mapping[str, str]) -> str:
    """The signing string: non-empty values except ``signature``, keys in byte order."""
    return str(_ffi.canonical_string(dict(fields)))


@dataclass(frozen=True)
class SignedFields:
    fields: dict[str, str]
    canonical: str
    digest_hex: str


def sign_fields(
    fields: Mapping[str, str],
    *,
    key: Optional[MerchantKey] = None,
    secure_key: Optional[str] = None,
    sign_method: Literal["11", "12"] = "11",
) -> SignedFields:
    """Signs `fields` (which carry ``version``) with the merchant key (01) or a secure key."""
    try:
        if key is not None:
            s = key._inner.sign_fields(fields if type(fields) is dict else dict(fields))
        else:
            cred = _ffi.Credentials.SECURE_KEY(sign_method=sign_method, key=secure_key or "")
            s = _ffi.sign_fields(dict(fields), cred)
    except (_ffi.AcpError, _ffi.InternalError) as e:
        from ._errors import raise_converted

        raise_converted(e)
    return SignedFields(s.fields, s.canonical, s.digest_hex)


class Verifier:
    """Verifies UnionPay's messages: parse → chain → name → validity → signature.
    Keep one: it caches validated certificates."""

    __slots__ = ("_inner",)

    @mapped
    def __init__(
        self,
        trust: TrustLike,
        *,
        secure_key: Optional[str] = None,
        verify_certs_500: Sequence[bytes] = (),
        backend: Optional[Backend] = None,
    ) -> None:
        self._inner = _ffi.Verifier(
            ffi_trust(trust), secure_key, [bytes(c) for c in verify_certs_500], ffi_backend(backend)
        )

    @mapped
    def verify_fields(self, fields: Mapping[str, str], now: Optional[datetime] = None) -> None:
        self._inner.verify_fields(dict(fields), now)

    @mapped
    def verify_sync_body(self, body: bytes, now: Optional[datetime] = None) -> dict[str, str]:
        return self._inner.verify_sync_body(bytes(body), now)  # type: ignore[no-any-return]

    @mapped
    def verify_notify_body(self, body: bytes, now: Optional[datetime] = None) -> dict[str, str]:
        return self._inner.verify_notify_body(bytes(body), now)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Pkcs12Info:
    certificate: CertificateInfo
    extra_certificates: list[CertificateInfo]


@mapped
def parse_pkcs12(pfx: bytes, password: str) -> Pkcs12Info:
    """Describes a PKCS#12 file (load the key itself with `MerchantKey.from_pkcs12`)."""
    p = _ffi.parse_pkcs12(bytes(pfx), password)
    return Pkcs12Info(
        CertificateInfo._from_ffi(p.certificate),
        [CertificateInfo._from_ffi(c) for c in p.extra_certificates],
    )


@mapped
def parse_certificate(cert: bytes) -> CertificateInfo:
    return CertificateInfo._from_ffi(_ffi.parse_certificate(bytes(cert)))


@mapped
def parse_sync_body(body: bytes) -> dict[str, str]:
    """Parses a synchronous answer (brace-aware, values raw). No verification."""
    return _ffi.parse_sync_body(bytes(body))  # type: ignore[no-any-return]


@mapped
def parse_notify_body(body: bytes) -> dict[str, str]:
    """Parses a form-encoded notification body. No verification."""
    return _ffi.parse_notify_body(bytes(body))  # type: ignore[no-any-return]


def encode_form(fields: Mapping[str, str]) -> str:
    """Form-encodes fields (keys in byte order, Java ``URLEncoder`` rules)."""
    return str(_ffi.encode_form(dict(fields)))


@mapped
def pin_block(pin: str, pan: str) -> bytes:
    """The ISO 9564 format-0 PIN block (8 bytes, before encryption)."""
    return bytes(_ffi.pin_block(pin, pan))


@mapped
def parse_sign_method(sign_method: str) -> str:
    """Checks a ``signMethod`` value (``01``, ``11``, ``12``)."""
    return str(_ffi.parse_sign_method(sign_method))


@dataclass(frozen=True)
class ErrorInfo:
    code: int
    name: str
    kind: str
    summary: str


def error_catalogue() -> list[ErrorInfo]:
    """Every error code, as ``errors.json`` lists them."""
    return [ErrorInfo(e.code, e.name, e.kind, e.summary) for e in _ffi.error_catalogue()]
