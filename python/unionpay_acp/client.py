"""`Client` (sync) and `AsyncClient`: the core builds, signs and verifies; httpx posts.

Every product API is one method named like the core's API (``client.consume(...)``,
``client.sms_open(...)``, …) taking the protocol's fields as snake_case keywords
(``order_id`` → ``orderId``, ``txn_amt`` → ``txnAmt``; camelCase keys pass through).
Back APIs post and return the verified `Outcome`; the front APIs (``front_open``,
``open_and_pay``) return the `OutgoingRequest` whose `html` the browser must post.
The sans-IO methods (`build`, `handle_response`, …) are there for your own HTTP stack.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any, Awaitable, Callable, Generic, Literal, Optional, Sequence, TypeVar, Union

import httpx

from . import _ffi
from ._errors import TransportError, mapped
from ._keys import (
    Backend,
    EncryptionCert,
    InfoMode,
    MerchantKey,
    TrustLike,
    ffi_backend,
    ffi_mode,
    ffi_trust,
)
from ._types import (
    FORM_CONTENT_TYPE,
    BizTypes,
    Endpoints,
    KeyUpdate,
    Notification,
    Outcome,
    OutgoingRequest,
)

__all__ = ["Client", "AsyncClient", "Param"]

#: A parameter value: text, or an integer (amounts in fen).
Param = Union[str, int]

Clock = Callable[[], datetime]

TOutcome = TypeVar("TOutcome")
TKeyUpdate = TypeVar("TKeyUpdate")


def protocol_params(params: dict[str, Param]) -> dict[str, str]:
    """snake_case keywords → the protocol's camelCase field names, values as text."""
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if "_" in key:
            head, *rest = key.split("_")
            key = head + "".join(p[:1].upper() + p[1:] for p in rest)
        out[key] = value if isinstance(value, str) else str(value)
    return out


class _Core:
    """The sans-IO part shared by `Client` and `AsyncClient`."""

    def __init__(
        self,
        mer_id: str,
        *,
        environment: str,
        trust: TrustLike,
        key: Optional[MerchantKey] = None,
        secure_key: Optional[str] = None,
        sign_method: Literal["11", "12"] = "11",
        encryption_cert: Optional[EncryptionCert] = None,
        access_type: Optional[str] = None,
        channel_type: Optional[str] = None,
        tr_id: Optional[str] = None,
        customer_info_mode: Optional[InfoMode] = None,
        version: Optional[str] = None,
        verify_secure_key: Optional[str] = None,
        verify_certs_500: Sequence[bytes] = (),
        order_id_max_len: Optional[int] = None,
        biz_types: Optional[BizTypes] = None,
        backend: Optional[Backend] = None,
        clock: Optional[Clock] = None,
    ) -> None:
        """`environment` is ``"production"``, ``"test"`` or a base URL (the sandbox's
        ``http://127.0.0.1:PORT``); `trust` is ``"production"``, ``"test"`` or a
        `Trust`. Sign with `key` (signMethod 01) or `secure_key` (11/12). `clock`
        supplies ``now`` (default: the system clock)."""
        if (key is None) == (secure_key is None):
            raise TypeError("give exactly one of key= (signMethod 01) or secure_key= (11/12)")
        credentials = (
            _ffi.Credentials.RSA(key=key._inner)
            if key is not None
            else _ffi.Credentials.SECURE_KEY(sign_method=sign_method, key=secure_key)
        )
        if environment == "production":
            env = _ffi.Environment.PRODUCTION()
        elif environment == "test":
            env = _ffi.Environment.TEST()
        else:
            env = _ffi.Environment.CUSTOM(base_url=environment)
        config = _ffi.ClientConfig(
            mer_id=mer_id,
            credentials=credentials,
            environment=env,
            trust=ffi_trust(trust),
            encryption_cert=None if encryption_cert is None else encryption_cert._inner,
            access_type=access_type,
            channel_type=channel_type,
            tr_id=tr_id,
            customer_info_mode=ffi_mode(customer_info_mode),
            version=version,
            verify_secure_key=verify_secure_key,
            verify_certs_500=[bytes(c) for c in verify_certs_500],
            order_id_max_len=order_id_max_len,
            biz_types=None if biz_types is None else _ffi.BizTypes(**biz_types.__dict__),
            backend=ffi_backend(backend),
        )
        self._clock = clock
        self._inner = mapped(_ffi.Client)(config)

    def _now(self) -> Optional[datetime]:
        return None if self._clock is None else self._clock()

    # --- the sans-IO core -------------------------------------------------------------

    @property
    def mer_id(self) -> str:
        return str(self._inner.mer_id())

    @property
    def encryption_cert_id(self) -> Optional[str]:
        return self._inner.encryption_cert_id()  # type: ignore[no-any-return]

    @property
    def endpoints(self) -> Endpoints:
        e = self._inner.endpoints()
        return Endpoints(e.front, e.back, e.query, e.file, e.app)

    def with_encryption_cert(self: TSelf, cert: EncryptionCert) -> TSelf:
        """The same client with another encryption certificate (after a key update)."""
        other = copy.copy(self)
        other._inner = self._inner.with_encryption_cert(cert._inner)
        return other

    @mapped
    def build(self, api: str, **params: Param) -> OutgoingRequest:
        """Builds and signs the request of `api` (`api_names()`); nothing is sent."""
        return OutgoingRequest._from_ffi(
            self._inner.build(api, protocol_params(params), self._now())
        )

    @mapped
    def build_query_for(self, request: OutgoingRequest, attempt: int = 1) -> OutgoingRequest:
        """The status query (00/00) of an earlier request; `attempt` counts from 1."""
        return OutgoingRequest._from_ffi(
            self._inner.build_query_for(request._to_ffi(), attempt, self._now())
        )

    @mapped
    def handle_response(self, request: OutgoingRequest, body: bytes) -> Outcome:
        """Verifies and classifies the synchronous answer to `request`."""
        o = self._inner.handle_response(request._to_ffi(), bytes(body), self._now())
        return Outcome._from_ffi(o, self._inner, request)

    @mapped
    def handle_key_update(self, request: OutgoingRequest, body: bytes) -> KeyUpdate:
        """Reads the answer to a ``key_update_query``."""
        return KeyUpdate._from_ffi(
            self._inner.handle_key_update(request._to_ffi(), bytes(body), self._now())
        )

    @mapped
    def verify_notification(self, body: bytes) -> Notification:
        """Verifies the raw body UnionPay POSTed to ``backUrl`` (never a framework's
        parsed parameters: a query string on backUrl would break the signature)."""
        n = self._inner.verify_notification(bytes(body), self._now())
        return Notification._from_ffi(n, self._inner)

    @mapped
    def verify_front_notification(self, body: bytes) -> Notification:
        """Verifies the browser's POST to ``frontUrl``: never proof of payment."""
        n = self._inner.verify_front_notification(bytes(body), self._now())
        return Notification._from_ffi(n, self._inner)

    # --- the front APIs: no HTTP from here, the browser posts the page ---------------

    def front_open(self, **params: Param) -> OutgoingRequest:
        """79/00 open a card in the browser; serve `request.html`."""
        return self.build("front_open", **params)

    def open_and_pay(self, **params: Param) -> OutgoingRequest:
        """01/01 open and pay in the browser; serve `request.html`."""
        return self.build("open_and_pay", **params)


TSelf = TypeVar("TSelf", bound=_Core)


class _Apis(Generic[TOutcome, TKeyUpdate]):
    """One method per back API; `_exchange` does the HTTP (sync or async)."""

    def _exchange(self, api: str, params: dict[str, Param]) -> TOutcome:
        raise NotImplementedError

    def _key_update(self, params: dict[str, Param]) -> TKeyUpdate:
        raise NotImplementedError

    def consume(self, **params: Param) -> TOutcome:
        """01/01 consume (``token`` or ``acc_no``; after an SMS pass its ``txn_time``)."""
        return self._exchange("consume", params)

    def reversal(self, **params: Param) -> TOutcome:
        """99/01 reversal of a consume (``orig_order_id``, ``orig_txn_time``)."""
        return self._exchange("reversal", params)

    def back_open(self, **params: Param) -> TOutcome:
        """79/00 open a card server-to-server (token)."""
        return self._exchange("back_open", params)

    def open_query(self, **params: Param) -> TOutcome:
        """78/02 open query."""
        return self._exchange("open_query", params)

    def apply_token(self, **params: Param) -> TOutcome:
        """79/05 apply for a token by orderId."""
        return self._exchange("apply_token", params)

    def delete_token(self, **params: Param) -> TOutcome:
        """74/01 delete a token."""
        return self._exchange("delete_token", params)

    def update_token(self, **params: Param) -> TOutcome:
        """79/03 update a token."""
        return self._exchange("update_token", params)

    def sms_open(self, **params: Param) -> TOutcome:
        """77/00 SMS before an open."""
        return self._exchange("sms_open", params)

    def sms_real_name_auth(self, **params: Param) -> TOutcome:
        """77/01 real-name authentication SMS."""
        return self._exchange("sms_real_name_auth", params)

    def sms_consume(self, **params: Param) -> TOutcome:
        """77/02 SMS before a consume."""
        return self._exchange("sms_consume", params)

    def sms_withholding(self, **params: Param) -> TOutcome:
        """77/03 withholding SMS."""
        return self._exchange("sms_withholding", params)

    def sms_pre_auth(self, **params: Param) -> TOutcome:
        """77/04 SMS before a pre-auth."""
        return self._exchange("sms_pre_auth", params)

    def consume_undo(self, **params: Param) -> TOutcome:
        """31/00 consume undo."""
        return self._exchange("consume_undo", params)

    def refund(self, **params: Param) -> TOutcome:
        """04/00 refund (partial or repeated: one call per refund)."""
        return self._exchange("refund", params)

    def status_query(self, **params: Param) -> TOutcome:
        """00/00 status query by ``orig_order_id`` and ``orig_txn_time`` (see also `query`)."""
        return self._exchange("status_query", params)

    def pre_auth(self, **params: Param) -> TOutcome:
        """02/01 pre-authorization."""
        return self._exchange("pre_auth", params)

    def pre_auth_undo(self, **params: Param) -> TOutcome:
        """32/00 pre-authorization undo."""
        return self._exchange("pre_auth_undo", params)

    def pre_auth_completion(self, **params: Param) -> TOutcome:
        """03/00 pre-authorization completion."""
        return self._exchange("pre_auth_completion", params)

    def completion_undo(self, **params: Param) -> TOutcome:
        """33/00 completion undo."""
        return self._exchange("completion_undo", params)

    def file_transfer(self, **params: Param) -> TOutcome:
        """76/01 reconciliation file download (``settle_date`` MMDD); then
        ``outcome.response.files()`` / ``.reconciliation()``."""
        return self._exchange("file_transfer", params)

    def key_update_query(self, **params: Param) -> TKeyUpdate:
        """95/00 encryption-key update query; returns a `KeyUpdate`."""
        return self._key_update(params)


class Client(_Core, _Apis[Outcome, KeyUpdate]):
    """A merchant client that does its HTTP with a blocking `httpx.Client`.

    Thread-safe; keep one per merchant. Pass `http` to share a configured
    `httpx.Client` (it is then not closed by `close`).
    """

    def __init__(
        self,
        mer_id: str,
        *,
        http: Optional[httpx.Client] = None,
        timeout: float = 30.0,
        **config: Any,
    ) -> None:
        super().__init__(mer_id, **config)
        self._own_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=timeout)

    def close(self) -> None:
        if self._own_http:
            self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, request: OutgoingRequest) -> bytes:
        """POSTs `request` and returns the raw answer body."""
        try:
            r = self._http.post(
                request.url,
                content=request.body.encode(),
                headers={"Content-Type": FORM_CONTENT_TYPE},
            )
        except httpx.HTTPError as e:
            raise TransportError(f"{request.api}: {e!r}", request) from e
        if not r.is_success:
            raise TransportError(f"{request.api}: HTTP {r.status_code}", request)
        return r.content

    def _exchange(self, api: str, params: dict[str, Param]) -> Outcome:
        request = self.build(api, **params)
        return self.handle_response(request, self.send(request))

    def _key_update(self, params: dict[str, Param]) -> KeyUpdate:
        request = self.build("key_update_query", **params)
        return self.handle_key_update(request, self.send(request))

    def query(self, request: OutgoingRequest, attempt: int = 1) -> Outcome:
        """Sends the status query of an earlier request."""
        query = self.build_query_for(request, attempt)
        return self.handle_response(query, self.send(query))


class AsyncClient(_Core, _Apis[Awaitable[Outcome], Awaitable[KeyUpdate]]):
    """A merchant client that does its HTTP with `httpx.AsyncClient`; every back API is
    awaitable (``outcome = await client.consume(...)``)."""

    def __init__(
        self,
        mer_id: str,
        *,
        http: Optional[httpx.AsyncClient] = None,
        timeout: float = 30.0,
        **config: Any,
    ) -> None:
        super().__init__(mer_id, **config)
        self._own_http = http is None
        self._http = http if http is not None else httpx.AsyncClient(timeout=timeout)

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def send(self, request: OutgoingRequest) -> bytes:
        """POSTs `request` and returns the raw answer body."""
        try:
            r = await self._http.post(
                request.url,
                content=request.body.encode(),
                headers={"Content-Type": FORM_CONTENT_TYPE},
            )
        except httpx.HTTPError as e:
            raise TransportError(f"{request.api}: {e!r}", request) from e
        if not r.is_success:
            raise TransportError(f"{request.api}: HTTP {r.status_code}", request)
        return r.content

    async def _send_and_handle(self, request: OutgoingRequest) -> Outcome:
        return self.handle_response(request, await self.send(request))

    def _exchange(self, api: str, params: dict[str, Param]) -> Awaitable[Outcome]:
        # Built before the first await: a bad parameter raises at the call.
        return self._send_and_handle(self.build(api, **params))

    async def _key_update_async(self, request: OutgoingRequest) -> KeyUpdate:
        return self.handle_key_update(request, await self.send(request))

    def _key_update(self, params: dict[str, Param]) -> Awaitable[KeyUpdate]:
        return self._key_update_async(self.build("key_update_query", **params))

    async def query(self, request: OutgoingRequest, attempt: int = 1) -> Outcome:
        """Sends the status query of an earlier request."""
        query = self.build_query_for(request, attempt)
        return self.handle_response(query, await self.send(query))
