"""The one error of the library: `AcpError`, with one subclass per kind."""

from __future__ import annotations

import functools
from typing import Callable, ClassVar, NoReturn, Optional, ParamSpec, TypeVar

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
    kind this subclass stands for, `message` what to check next. Verification failures
    also carry `step` (``parse``, ``chain``, ``name``, ``validity``, ``signature``) and
    `canonical_sha256`, the SHA-256 of the canonical string that was checked.
    Messages never contain card data or keys.
    """

    kind: ClassVar[str] = ""

    def __init__(
        self,
        code: int,
        name: str,
        message: str,
        step: Optional[str] = None,
        canonical_sha256: Optional[str] = None,
    ) -> None:
        super().__init__(code, name, message, step, canonical_sha256)
        self.code = code
        self.name = name
        self.message = message
        self.step = step
        self.canonical_sha256 = canonical_sha256

    def __str__(self) -> str:
        text = f"[{self.code} {self.name}] {self.message}"
        if self.step is not None:
            text += f" (step: {self.step}"
            if self.canonical_sha256:
                text += f"; canonical string SHA-256 {self.canonical_sha256}"
            text += ")"
        return text


class InvalidInputError(AcpError):
    """You passed something invalid: a field, an amount, a time, card data (1xxx)."""

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

# The generated exception classes, by kind (their variant names are the kinds).
_FFI_KINDS: dict[type, str] = {
    getattr(_ffi.AcpError, kind): kind for kind in ERROR_CLASSES
}


class TransportError(Exception):
    """The HTTP exchange failed (connection, timeout, non-2xx status).

    For a money-moving request the result is then unknown: query it with
    ``client.query(error.request)`` before assuming anything.
    """

    def __init__(self, message: str, request: object) -> None:
        super().__init__(message)
        self.request = request


def convert(e: BaseException) -> AcpError:
    """The facade exception for an exception raised by the generated module."""
    kind = _FFI_KINDS.get(type(e))
    if kind is None:  # a panic or a conversion failure inside the binding
        return InternalError(9999, "Bug", f"the binding failed unexpectedly: {e}")
    cls = ERROR_CLASSES[kind]
    return cls(e.code, e.name, e.detail, e.step, e.canonical_sha256)  # type: ignore[attr-defined]


def raise_converted(e: BaseException) -> NoReturn:
    raise convert(e) from None


P = ParamSpec("P")
R = TypeVar("R")

_FFI_ERRORS = (_ffi.AcpError, _ffi.InternalError)


def mapped(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorates a facade function: errors of the generated module become `AcpError`s."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except _FFI_ERRORS as e:
            raise convert(e) from None

    return wrapper
