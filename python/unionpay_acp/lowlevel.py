"""The protocol's building blocks, for diagnostics and for the shared test vectors:
canonical string, signing, verification outside a client, forms, certificates, PIN
blocks. All are the core's (generated) functions and objects.

``Verifier(settings_json({"trust": ...}), backend=None)`` takes the verification part of
the client settings (``trust``, ``verifySecureKey``, ``verifyCerts500``,
``legacy500Keys``); ``sign_fields(fields, Credentials.secure_key(...))`` or
``key.sign_fields(fields)`` sign; ``testing_raise_error(code)`` raises the error of a
code through the binding's mapping (for tests).
"""

from ._ffi import (
    Verifier,
    canonical_string,
    encode_form,
    parse_certificate,
    parse_pkcs12,
    parse_sign_method,
    pin_block,
    sign_fields,
    testing_raise_error,
)
from .client import settings_json

__all__ = [
    "Verifier",
    "canonical_string",
    "encode_form",
    "parse_certificate",
    "parse_pkcs12",
    "parse_sign_method",
    "pin_block",
    "settings_json",
    "sign_fields",
    "testing_raise_error",
]
