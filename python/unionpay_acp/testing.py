"""For tests only: encryption with a fixed random stream (the shared vectors'
contract) and raising any error code. Never use fixed randomness for real data."""

from __future__ import annotations

from typing import Optional

from . import _ffi
from ._errors import mapped
from ._keys import CustomerInfo, EncryptionCert, InfoMode, ffi_mode

__all__ = ["encrypt_field_with_random", "customer_info_with_random", "raise_error"]


@mapped
def encrypt_field_with_random(cert: EncryptionCert, plaintext: bytes, random: bytes) -> str:
    return str(_ffi.testing_encrypt_field(cert._inner, bytes(plaintext), bytes(random)))


@mapped
def customer_info_with_random(
    cert: EncryptionCert,
    info: CustomerInfo,
    random: bytes,
    *,
    mode: Optional[InfoMode] = None,
    encrypted_pin: Optional[str] = None,
) -> str:
    return str(
        _ffi.testing_customer_info(
            cert._inner, info._to_ffi(), ffi_mode(mode), encrypted_pin, bytes(random)
        )
    )


@mapped
def raise_error(code: int) -> None:
    """Raises the error of number `code` through the binding's error mapping."""
    _ffi.testing_raise_error(code)
