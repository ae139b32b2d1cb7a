"""UnionPay online payments (ACP 5.1.0, token / no-redirect product) for Python.

A sans-IO Rust core builds, signs, encrypts and verifies every message; this package
adds the host parts: the clock, the OS random source, and HTTP through httpx
(`Client`, `AsyncClient`). Errors are `AcpError`, with one subclass per kind.
"""

from ._errors import (
    ERROR_CLASSES,
    AcpError,
    CertificateError,
    FormatError,
    GatewayRejectedError,
    InternalError,
    InvalidInputError,
    KeyMaterialError,
    SignatureError,
    TransportError,
)
from ._keys import CertificateInfo, CustomerInfo, EncryptionCert, MerchantKey, Trust
from ._types import (
    FORM_CONTENT_TYPE,
    ArchiveLimits,
    BizTypes,
    Endpoints,
    KeyUpdate,
    NamedFile,
    Notification,
    Outcome,
    OutgoingRequest,
    QueriedTxn,
    ReconciliationSummary,
    Response,
    TokenPayData,
)
from .client import AsyncClient, Client
from .lowlevel import Verifier, api_names, error_catalogue
from .notifications import NotificationReceiver, NotificationResult

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
    "CertificateInfo",
    "CustomerInfo",
    "EncryptionCert",
    "MerchantKey",
    "Trust",
    "FORM_CONTENT_TYPE",
    "ArchiveLimits",
    "BizTypes",
    "Endpoints",
    "KeyUpdate",
    "NamedFile",
    "Notification",
    "Outcome",
    "OutgoingRequest",
    "QueriedTxn",
    "ReconciliationSummary",
    "Response",
    "TokenPayData",
    "Client",
    "AsyncClient",
    "Verifier",
    "api_names",
    "error_catalogue",
    "NotificationReceiver",
    "NotificationResult",
]
