"""The one error of the library: `AcpError`, with one subclass per kind.

The core's error crosses as the generated `AcpError` with one variant per kind; this
module makes those variants *be* the classes below (the generated converter looks them
up by name when it lifts an error), so every call, including the methods of the core's
records (``outcome.response().token_pay_data()``), raises these classes and nothing
needs converting.
"""

from __future__ import annotations

from typing import ClassVar, Optional

from . import _ffi

__all__ = [
    "AcpError",
    "InvalidInputError",
    "KeyMaterialError",
    "CertificateError",
    "SignatureError",
    "FormatError",
    "GatewayRejectedError",
    "InternalError",
    "TransportError",
    "ERROR_CLASSES",
]


class AcpError(Exception):
    """A failure reported by the core.

    `code` is the stable number listed in `errors.json` (1xxx your input, 2xxx keys and
    certificates, 3xxx verification, 4xxx received formats, 5xxx the gateway, 9xxx
    internal), `name` its identifier (e.g. ``Pkcs12WrongPassword``), `kind` the coarse
    kind this subclass stands for, `detail` what to check next. Verification failures
    also carry `step` (``parse``, ``chain``, ``name``, ``validity``, ``signature``) and
    `canonical_sha256`, the SHA-256 of the canonical string that was checked.
    Messages never contain card data or keys.
    """

    kind: ClassVar[str] = ""

    def __init__(
        self,
        code: int,
        name: str,
        detail: str,
        step: Optional[str] = None,
        canonical_sha256: Optional[str] = None,
    ) -> None:
        super().__init__(code, name, detail, step, canonical_sha256)
        self.code = code
        self.name = name
        self.detail = detail
        self.step = step
        self.canonical_sha256 = canonical_sha256

    def __str__(self) -> str:
        text = f"[{self.code} {self.name}] {self.detail}"
        if self.step is not None:
            text += f" (step: {self.step}"
            if self.canonical_sha256:
                text += f"; canonical string SHA-256 {self.canonical_sha256}"
            text += ")"
        return text


class InvalidInputError(AcpError):
    """You passed something invalid: a field, an amount, a time, card data, a setting (1xxx)."""

    kind = "InvalidInput"


class KeyMaterialError(AcpError):
    """A private key, PKCS#12 file or password problem (2001-2005)."""

    kind = "Key"


class CertificateError(AcpError):
    """A certificate or PEM document could not be parsed or used (2006-2008)."""

    kind = "Certificate"


class SignatureError(AcpError):
    """What was received does not verify (3xxx); see `step`."""

    kind = "Signature"


class FormatError(AcpError):
    """A received body, value or file is malformed (4xxx)."""

    kind = "Format"


class GatewayRejectedError(AcpError):
    """UnionPay answered, and the answer does not fit the call (5xxx)."""

    kind = "GatewayRejected"


class InternalError(AcpError):
    """A bug or an environment failure: RNG, crypto backend (9xxx)."""

    kind = "Internal"


ERROR_CLASSES: dict[str, type[AcpError]] = {
    cls.kind: cls
    for cls in (
        InvalidInputError,
        KeyMaterialError,
        CertificateError,
        SignatureError,
        FormatError,
        GatewayRejectedError,
        InternalError,
    )
}

# The generated error's variants are named by kind; each becomes the class above.
for _kind, _cls in ERROR_CLASSES.items():
    setattr(_ffi.AcpError, _kind, _cls)


class TransportError(Exception):
    """The key update query got no usable answer (no answer, a status other than 200).

    `request` is what was sent, `next` the core's next step after it.
    """

    def __init__(self, message: str, request: object, next: object) -> None:
        super().__init__(message)
        self.request = request
        self.next = next
