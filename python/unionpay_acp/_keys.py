"""Keys, certificates and trust profiles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Optional, Sequence, Union

from . import _ffi
from ._errors import mapped

Backend = Literal["native", "portable"]
InfoMode = Literal["encrypted", "plain"]

_BACKENDS = {"native": _ffi.Backend.NATIVE, "portable": _ffi.Backend.PORTABLE}
_MODES = {"encrypted": _ffi.InfoMode.ENCRYPTED, "plain": _ffi.InfoMode.PLAIN}


def ffi_backend(backend: Optional[Backend]) -> object:
    return None if backend is None else _BACKENDS[backend]


def ffi_mode(mode: Optional[InfoMode]) -> object:
    return None if mode is None else _MODES[mode]


@dataclass(frozen=True)
class CertificateInfo:
    """What a certificate says. `cert_id` is its serial in decimal."""

    cert_id: str
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    key_bits: int
    modulus: bytes
    sha256_hex: str
    der: bytes

    @classmethod
    def _from_ffi(cls, c: _ffi.CertificateInfo) -> CertificateInfo:
        return cls(
            cert_id=c.cert_id,
            subject=c.subject,
            issuer=c.issuer,
            not_before=c.not_before,
            not_after=c.not_after,
            key_bits=c.key_bits,
            modulus=c.modulus,
            sha256_hex=c.sha256_hex,
            der=c.der,
        )


class MerchantKey:
    """The merchant's signing key and certificate (from UnionPay's ``.pfx``).

    RSA operations run on the native AWS-LC backend unless ``backend="portable"``.
    """

    __slots__ = ("_inner",)

    def __init__(self, inner: _ffi.MerchantKey) -> None:
        self._inner = inner

    @classmethod
    @mapped
    def from_pkcs12(
        cls, pfx: bytes, password: str, *, backend: Optional[Backend] = None
    ) -> MerchantKey:
        """Loads PKCS#12 bytes; a wrong password raises `KeyMaterialError` (2001)."""
        return cls(_ffi.MerchantKey.from_pkcs12(bytes(pfx), password, ffi_backend(backend)))

    @classmethod
    @mapped
    def from_pem(
        cls, key_pem: bytes, cert: bytes, *, backend: Optional[Backend] = None
    ) -> MerchantKey:
        """Loads a PEM private key (PKCS#8 or PKCS#1) and its PEM or DER certificate."""
        return cls(_ffi.MerchantKey.from_pem(bytes(key_pem), bytes(cert), ffi_backend(backend)))

    @property
    def cert_id(self) -> str:
        """The ``certId`` sent with every signMethod-01 request."""
        return str(self._inner.cert_id())

    @property
    def certificate(self) -> CertificateInfo:
        return CertificateInfo._from_ffi(self._inner.certificate())

    @mapped
    def decrypt_field(self, ciphertext_base64: str) -> bytes:
        """Decrypts a value UnionPay encrypted to this key (``accNo``, ``encryptedInfo``)."""
        return bytes(self._inner.decrypt_field(ciphertext_base64))

    def __repr__(self) -> str:
        return f"MerchantKey(cert_id={self.cert_id!r})"


@dataclass(frozen=True)
class CustomerInfo:
    """The cardholder fields of ``customerInfo`` (all optional). `pin` is the clear PIN."""

    certif_tp: Optional[str] = None
    certif_id: Optional[str] = None
    customer_nm: Optional[str] = None
    phone_no: Optional[str] = None
    sms_code: Optional[str] = None
    pin: Optional[str] = None
    cvn2: Optional[str] = None
    expired: Optional[str] = None

    def __repr__(self) -> str:  # personal and card data stay out of logs
        present = [k for k, v in self.__dict__.items() if v is not None]
        return f"CustomerInfo(<{', '.join(present)} redacted>)"

    def _to_ffi(self) -> _ffi.CustomerInfo:
        return _ffi.CustomerInfo(
            certif_tp=self.certif_tp,
            certif_id=self.certif_id,
            customer_nm=self.customer_nm,
            phone_no=self.phone_no,
            sms_code=self.sms_code,
            pin=self.pin,
            cvn2=self.cvn2,
            expired=self.expired,
        )


class EncryptionCert:
    """UnionPay's encryption certificate (``encryptCertId``): all that is needed to
    encrypt card data. No private key is involved."""

    __slots__ = ("_inner",)

    def __init__(self, inner: _ffi.EncryptionCert) -> None:
        self._inner = inner

    @classmethod
    @mapped
    def parse(cls, cert: Union[bytes, str]) -> EncryptionCert:
        """From PEM (bytes or text) or DER bytes."""
        data = cert.encode() if isinstance(cert, str) else bytes(cert)
        return cls(_ffi.EncryptionCert.parse(data))

    @property
    def cert_id(self) -> str:
        return str(self._inner.cert_id())

    @property
    def certificate(self) -> CertificateInfo:
        return CertificateInfo._from_ffi(self._inner.certificate())

    @mapped
    def encrypt_pan(self, pan: str) -> str:
        """The encrypted card number for ``accNo`` (base64)."""
        return str(self._inner.encrypt_pan(pan))

    @mapped
    def encrypt_field(self, plaintext: Union[bytes, str]) -> str:
        """Any value, encrypted (base64 of RSA PKCS#1 v1.5)."""
        data = plaintext.encode() if isinstance(plaintext, str) else bytes(plaintext)
        return str(self._inner.encrypt_field(data))

    @mapped
    def customer_info(
        self,
        info: CustomerInfo,
        *,
        mode: Optional[InfoMode] = None,
        pan: Optional[str] = None,
        encrypted_pin: Optional[str] = None,
    ) -> str:
        """The ``customerInfo`` value. A clear PIN needs `pan`; a PIN block encrypted
        elsewhere (a PIN pad) goes in as `encrypted_pin`."""
        if encrypted_pin is not None:
            return str(
                self._inner.customer_info_with_encrypted_pin(
                    info._to_ffi(), ffi_mode(mode), encrypted_pin
                )
            )
        return str(self._inner.customer_info(info._to_ffi(), ffi_mode(mode), pan))

    def __repr__(self) -> str:
        return f"EncryptionCert(cert_id={self.cert_id!r})"


@dataclass(frozen=True)
class Trust:
    """Which certificates answers and notifications must chain to.

    ``"production"`` and ``"test"`` name UnionPay's embedded roots; `Trust.custom` takes
    your own (PEM or DER), e.g. the sandbox's ``GET /_sandbox/trust``.
    """

    roots: tuple[bytes, ...]
    middles: tuple[bytes, ...]

    @classmethod
    def custom(cls, roots: Sequence[bytes], middles: Sequence[bytes]) -> Trust:
        return cls(tuple(bytes(r) for r in roots), tuple(bytes(m) for m in middles))


TrustLike = Union[Literal["production", "test"], Trust]


def ffi_trust(trust: TrustLike) -> object:
    if trust == "production":
        return _ffi.Trust.PRODUCTION()
    if trust == "test":
        return _ffi.Trust.TEST()
    if isinstance(trust, Trust):
        return _ffi.Trust.CUSTOM(roots=list(trust.roots), middles=list(trust.middles))
    raise TypeError(f"trust must be 'production', 'test' or a Trust, not {trust!r}")
