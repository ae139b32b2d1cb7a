"""The values requests, answers and notifications come back as."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Optional

from . import _ffi
from ._errors import mapped
from ._keys import EncryptionCert

#: The `Content-Type` to POST a request body with.
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=UTF-8"


@dataclass(frozen=True)
class QueriedTxn:
    """What a status query asks about: the queried transaction's API name, amount (fen)
    and, for a browser transaction, its payTimeout."""

    api: str
    txn_amt: int
    pay_timeout: Optional[datetime] = None


@dataclass(frozen=True)
class OutgoingRequest:
    """A signed request: POST `body` to `url` (`FORM_CONTENT_TYPE`), or for a front API
    serve `html` to the browser. Keep it (e.g. as a JSON of its fields): answers,
    notifications and status queries are checked against it."""

    api: str
    endpoint: str
    url: str
    fields: dict[str, str] = field(repr=False)
    body: str = field(repr=False)
    order_id: Optional[str]
    txn_time: str
    txn_amt: Optional[int]
    html: Optional[str] = field(repr=False)
    pay_timeout: Optional[datetime]
    #: Status query only: what it queried.
    queried: Optional[QueriedTxn]
    #: Status query only: which attempt (1 for the first).
    attempt: int

    @classmethod
    def _from_ffi(cls, r: Any) -> OutgoingRequest:
        q = r.queried
        return cls(
            api=r.api,
            endpoint=r.endpoint,
            url=r.url,
            fields=r.fields,
            body=r.body,
            order_id=r.order_id,
            txn_time=r.txn_time,
            txn_amt=r.txn_amt,
            html=r.html,
            pay_timeout=r.pay_timeout,
            queried=None if q is None else QueriedTxn(q.api, q.txn_amt, q.pay_timeout),
            attempt=r.attempt,
        )

    def _to_ffi(self) -> Any:
        q = self.queried
        queried = (
            None
            if q is None
            else _ffi.QueriedTxn(api=q.api, txn_amt=q.txn_amt, pay_timeout=q.pay_timeout)
        )
        return _ffi.OutgoingRequest(
            api=self.api,
            endpoint=self.endpoint,
            url=self.url,
            fields=self.fields,
            body=self.body,
            order_id=self.order_id,
            txn_time=self.txn_time,
            txn_amt=self.txn_amt,
            html=self.html,
            pay_timeout=self.pay_timeout,
            queried=queried,
            attempt=self.attempt,
        )


@dataclass(frozen=True)
class TokenPayData:
    """``tokenPayData`` as received. The token pays like a card number: store it like one."""

    token: Optional[str] = field(repr=False)
    tr_id: Optional[str]
    token_type: Optional[str]
    token_begin: Optional[str]
    token_end: Optional[str]
    token_level: Optional[str]

    @classmethod
    def _from_ffi(cls, t: Any) -> Optional[TokenPayData]:
        if t is None:
            return None
        return cls(t.token, t.tr_id, t.token_type, t.token_begin, t.token_end, t.token_level)


@dataclass(frozen=True)
class NamedFile:
    """One member of a file-transfer archive."""

    name: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps for decoding a file-transfer archive."""

    max_total_bytes: int = 64 * 1024 * 1024
    max_entry_bytes: int = 32 * 1024 * 1024
    max_entries: int = 64


@dataclass(frozen=True)
class ReconciliationSummary:
    """Sums over the ZM records of a reconciliation archive (signed sums in fen)."""

    zm_records: int
    zme_lines: int
    amount_fen: int
    merchant_fee_fen: int
    settle_fen: int
    net_settle_fen: int
    other_files: list[str]


class Response:
    """A verified message from UnionPay (only the client makes these)."""

    __slots__ = ("_inner", "_client", "_fields")

    def __init__(self, inner: Any, client: Any) -> None:
        self._inner = inner
        self._client = client
        self._fields: Optional[dict[str, str]] = None

    @property
    def fields(self) -> dict[str, str]:
        """Every field as received."""
        if self._fields is None:
            self._fields = self._inner.fields()
        return self._fields

    def get(self, key: str) -> Optional[str]:
        return self.fields.get(key)

    @property
    def resp_code(self) -> str:
        return str(self._inner.resp_code())

    @property
    def resp_msg(self) -> str:
        return str(self._inner.resp_msg())

    @property
    def orig_resp_code(self) -> Optional[str]:
        return self._inner.orig_resp_code()  # type: ignore[no-any-return]

    @property
    def orig_resp_msg(self) -> Optional[str]:
        return self._inner.orig_resp_msg()  # type: ignore[no-any-return]

    @property
    def query_id(self) -> Optional[str]:
        """``queryId``: keep it for undo and refund."""
        return self._inner.query_id()  # type: ignore[no-any-return]

    @property
    def orig_qry_id(self) -> Optional[str]:
        return self._inner.orig_qry_id()  # type: ignore[no-any-return]

    @property
    def order_id(self) -> Optional[str]:
        return self._inner.order_id()  # type: ignore[no-any-return]

    @property
    def txn_time(self) -> Optional[str]:
        return self._inner.txn_time()  # type: ignore[no-any-return]

    @property
    def settle_date(self) -> Optional[str]:
        return self._inner.settle_date()  # type: ignore[no-any-return]

    @property
    def trace_no(self) -> Optional[str]:
        return self._inner.trace_no()  # type: ignore[no-any-return]

    @property
    def activate_status(self) -> Optional[str]:
        return self._inner.activate_status()  # type: ignore[no-any-return]

    @property
    def encrypt_pub_key_cert(self) -> Optional[str]:
        return self._inner.encrypt_pub_key_cert()  # type: ignore[no-any-return]

    @property
    def file_name(self) -> Optional[str]:
        return self._inner.file_name()  # type: ignore[no-any-return]

    @mapped
    def txn_amt(self) -> Optional[int]:
        """``txnAmt`` in fen."""
        return self._inner.txn_amt()  # type: ignore[no-any-return]

    @mapped
    def settle_amt(self) -> Optional[int]:
        return self._inner.settle_amt()  # type: ignore[no-any-return]

    @mapped
    def token_pay_data(self) -> Optional[TokenPayData]:
        return TokenPayData._from_ffi(self._inner.token_pay_data())

    @mapped
    def customer_info(self) -> Optional[dict[str, str]]:
        """``customerInfo`` without decrypting (``encryptedInfo`` stays as it came)."""
        return self._inner.customer_info()  # type: ignore[no-any-return]

    @mapped
    def decrypt_customer_info(self) -> Optional[dict[str, str]]:
        """``customerInfo`` with ``encryptedInfo`` decrypted by the merchant key."""
        return self._inner.decrypt_customer_info(self._client)  # type: ignore[no-any-return]

    @mapped
    def decrypt_acc_no(self) -> Optional[str]:
        """``accNo`` in the clear (decrypted when UnionPay encrypted it)."""
        return self._inner.decrypt_acc_no(self._client)  # type: ignore[no-any-return]

    @mapped
    def files(self, limits: Optional[ArchiveLimits] = None) -> list[NamedFile]:
        """The members of a file-transfer answer (base64 → zlib → ZIP)."""
        return [NamedFile(f.name, f.data) for f in self._inner.files(_limits(limits))]

    @mapped
    def reconciliation(self, limits: Optional[ArchiveLimits] = None) -> ReconciliationSummary:
        r = self._inner.reconciliation(_limits(limits))
        return ReconciliationSummary(
            r.zm_records, r.zme_lines, r.amount_fen, r.merchant_fee_fen,
            r.settle_fen, r.net_settle_fen, list(r.other_files),
        )

    def __repr__(self) -> str:
        return f"Response(resp_code={self.resp_code!r}, resp_msg={self.resp_msg!r})"


def _limits(limits: Optional[ArchiveLimits]) -> Any:
    if limits is None:
        return None
    return _ffi.ArchiveLimits(
        max_total_bytes=limits.max_total_bytes,
        max_entry_bytes=limits.max_entry_bytes,
        max_entries=limits.max_entries,
    )


OutcomeName = Literal["success", "accepted", "pending", "failed", "no_file"]


@dataclass(frozen=True)
class Outcome:
    """The verified, classified answer to `request`.

    `name`: ``success``; ``accepted`` (a back money request was taken: this is not
    payment; wait for the notification or query at `query_at`); ``pending`` (unknown:
    query at `query_at`, see `pending_reason`); ``failed`` (UnionPay said no:
    `failed_code`, `failed_msg`); ``no_file`` (file transfer: nothing yet).
    """

    name: OutcomeName
    decisive_code: str
    failed_code: Optional[str]
    failed_msg: Optional[str]
    query_at: Optional[datetime]
    pending_reason: Optional[str]
    response: Response
    request: OutgoingRequest

    @property
    def is_success(self) -> bool:
        return self.name == "success"

    @classmethod
    def _from_ffi(cls, o: Any, client: Any, request: OutgoingRequest) -> Outcome:
        return cls(
            name=o.name,
            decisive_code=o.decisive_code,
            failed_code=o.failed_code,
            failed_msg=o.failed_msg,
            query_at=o.query_at,
            pending_reason=o.pending_reason,
            response=Response(o.response, client),
            request=request,
        )


@dataclass(frozen=True)
class Notification:
    """A verified notification. Answer the POST with HTTP 200 quickly and handle
    repeats idempotently; `success` says whether respCode is 00/A6. A ``front``
    notification (the browser) is never proof of payment."""

    source: Literal["back", "front"]
    api: Optional[str]
    txn_type: str
    txn_sub_type: str
    biz_type: str
    success: bool
    resp_code: str
    resp_msg: str
    mer_id: str
    order_id: Optional[str]
    txn_time: Optional[str]
    txn_amt: Optional[int]
    query_id: Optional[str]
    orig_qry_id: Optional[str]
    settle_date: Optional[str]
    settle_amt: Optional[int]
    trace_no: Optional[str]
    trace_time: Optional[str]
    token_pay_data: Optional[TokenPayData]
    response: Response
    _inner: Any = field(repr=False, compare=False)
    _client: Any = field(repr=False, compare=False)

    @classmethod
    def _from_ffi(cls, n: Any, client: Any) -> Notification:
        return cls(
            source=n.source, api=n.api, txn_type=n.txn_type, txn_sub_type=n.txn_sub_type,
            biz_type=n.biz_type, success=n.success, resp_code=n.resp_code,
            resp_msg=n.resp_msg, mer_id=n.mer_id, order_id=n.order_id, txn_time=n.txn_time,
            txn_amt=n.txn_amt, query_id=n.query_id, orig_qry_id=n.orig_qry_id,
            settle_date=n.settle_date, settle_amt=n.settle_amt, trace_no=n.trace_no,
            trace_time=n.trace_time, token_pay_data=TokenPayData._from_ffi(n.token_pay_data),
            response=Response(n.response, client), _inner=n, _client=client,
        )

    @mapped
    def matches(self, request: OutgoingRequest) -> bool:
        """Whether this reports on `request` (merId, orderId, txnTime, txnType/SubType,
        and txnAmt when both carry one)."""
        return bool(self._client.notification_matches(self._inner, request._to_ffi()))


@dataclass(frozen=True)
class KeyUpdate:
    """What the encryption-key update query found. When `replaced`, store `pem` and
    switch with ``client = client.with_encryption_cert(update.cert)``."""

    replaced: bool
    cert_id: str
    pem: Optional[str] = field(repr=False)
    cert: Optional[EncryptionCert]
    next_check_at: datetime

    @classmethod
    def _from_ffi(cls, k: Any) -> KeyUpdate:
        cert = None if k.cert is None else EncryptionCert(k.cert)
        return cls(k.replaced, k.cert_id, k.pem, cert, k.next_check_at)


@dataclass(frozen=True)
class Endpoints:
    front: str
    back: str
    query: str
    file: str
    app: str


@dataclass(frozen=True)
class BizTypes:
    """``bizType`` per API family; see the core's `BizTypes` for the defaults."""

    token: str
    standard: str
    open_and_pay: str
    undo_refund: str
    query: str
    generic: str
    preauth: str
