"""`Client` (sync) and `AsyncClient`: the core builds, signs, verifies and decides what
happens next; this module POSTs with httpx, reads the clock and sleeps.

Every product API is one method named like the core's API (``client.consume(...)``,
``client.sms_open(...)``, …) taking the protocol's fields as snake_case keywords
(``order_id`` → ``orderId``, ``txn_amt`` → ``txnAmt``; camelCase keys pass through).
A back API POSTs and returns `Sent`: the request and the core's `NextStep` after it.
The front APIs (``front_open``, ``open_and_pay``) return the `OutgoingRequest` whose
`html` the browser must post. ``client.core`` is the core's sans-IO client (every
method: ``next_step``, ``handle_response``, ``verify_notification``, …) for your own
HTTP stack.
"""

from __future__ import annotations

import base64
import copy
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import (
    Any,
    Awaitable,
    Callable,
    Generic,
    Mapping,
    NamedTuple,
    TYPE_CHECKING,
    Optional,
    TypeVar,
    Union,
)

from . import _ffi
from ._errors import TransportError
from ._ffi import KeyUpdate, NextStep, NotificationReceipt, Outcome, OutgoingRequest

if TYPE_CHECKING:
    # Imported where the first POST happens (_Http): httpx and ssl are about 40 ms of a
    # process's cold start, and a process that only signs or verifies never needs them.
    import httpx

__all__ = ["Client", "AsyncClient", "Sent", "Param", "settings_json", "FORM_CONTENT_TYPE"]

#: The `Content-Type` requests are POSTed with (the core's).
FORM_CONTENT_TYPE: str = _ffi.form_content_type()

#: A parameter value: text, or an integer (amounts in fen).
Param = Union[str, int]
Clock = Callable[[], datetime]
Settings = Union[Mapping[str, Any], str]

T = TypeVar("T")
H = TypeVar("H")
TSelf = TypeVar("TSelf", bound="_Base")


class _Http(Generic[H]):
    """The httpx client of a client and of the clients derived from it (`copy.copy`
    shares this holder): the one given, or one made at the first POST, so that importing
    the package does not import httpx."""

    def __init__(self, given: Optional[H], make: Callable[[], H]) -> None:
        self._client = given
        self._owned = given is None
        self._make = make
        self._lock = threading.Lock()

    def get(self) -> H:
        client = self._client
        if client is None:
            with self._lock:  # Client is thread-safe: one httpx client, not one per thread
                if self._client is None:
                    self._client = self._make()
                client = self._client
        return client

    def made(self) -> Optional[H]:
        """The client this holder made (to close), if any."""
        return self._client if self._owned else None


def _new_client() -> httpx.Client:
    import httpx

    return httpx.Client()


def _new_async_client() -> httpx.AsyncClient:
    import httpx

    return httpx.AsyncClient()


class Sent(NamedTuple):
    """A request that was POSTed, and the core's next step after it."""

    request: OutgoingRequest
    step: NextStep

    def outcome(self) -> Optional[Outcome]:
        """The verified answer (the step's `Outcome`), or None when no usable answer came."""
        return self.step.outcome()


def settings_json(settings: Settings) -> str:
    """The core's settings JSON (every name: ``settings.json``). A JSON string passes
    through; a dict is dumped, with certificate bytes as PEM text (PEM) or base64 (DER)."""
    if isinstance(settings, str):
        return settings
    return json.dumps(settings, default=_document)


def _document(value: object) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        if b"-----BEGIN" in data:
            return data.decode("ascii")
        return base64.b64encode(data).decode("ascii")
    raise TypeError(
        f"a setting cannot be a {type(value).__name__}: use text, numbers, lists, dicts or certificate bytes"
    )


def protocol_params(params: Mapping[str, Optional[Param]]) -> dict[str, str]:
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


def raw_body(body: object) -> bytes:
    """A notification body as bytes; a parsed form or decoded text is refused."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise TypeError(
        f"pass the raw request body as bytes, not a {type(body).__name__}: Django request.body, "
        "Flask request.get_data(), FastAPI await request.body(). A parsed form or decoded "
        "text is not what UnionPay signed."
    )


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class _Base:
    """What `Client` and `AsyncClient` share: the core client, the clock, building."""

    def __init__(
        self,
        settings: Settings,
        credentials: Any,
        *,
        backend: Optional[Any] = None,
        clock: Optional[Clock] = None,
        timeout: float = 30.0,
    ) -> None:
        if isinstance(credentials, _ffi.MerchantKey):
            credentials = _ffi.Credentials.rsa(credentials)
        self.core = _ffi.Client(settings_json(settings), credentials, backend)
        self._clock = clock
        self._timeout = timeout

    def _now(self) -> Optional[datetime]:
        return None if self._clock is None else self._clock()

    def _derive(self: TSelf, core: Any) -> TSelf:
        other = copy.copy(self)
        other.core = core
        return other

    def with_encryption_cert(self: TSelf, cert: Any) -> TSelf:
        """The same client (and HTTP client) with another `EncryptionCert`."""
        return self._derive(self.core.with_encryption_cert(cert))

    def with_encryption_cert_pem(self: TSelf, pem: str) -> TSelf:
        """The same client (and HTTP client) with UnionPay's encryption certificate `pem`.
        This client is not changed."""
        return self._derive(self.core.with_encryption_cert_pem(pem))

    def build(
        self, api: str, *, now: Optional[datetime] = None, **params: Optional[Param]
    ) -> OutgoingRequest:
        """Builds and signs the request of `api` (`api_names()`); nothing is sent."""
        return self._build(api, params, now)

    def _build(
        self, api: str, params: Mapping[str, Optional[Param]], now: Optional[datetime] = None
    ) -> OutgoingRequest:
        return self.core.build(api, protocol_params(params), now or self._now())

    def receive_notification(self, body: bytes, *, now: Optional[datetime] = None) -> NotificationReceipt:
        """Verifies the raw body UnionPay POSTed to backUrl: answer with ``receipt.reply``
        (status, body) once ``receipt.notification`` is stored; ``receipt.error`` says
        why a body was refused."""
        return self.core.receive_notification(raw_body(body), now or self._now())

    def _request(self, request: OutgoingRequest, timeout: Optional[float]) -> tuple[str, dict[str, Any]]:
        if request.is_front():
            # A browser form is never POSTed by the host: the core refuses to plan it.
            self.core.next_step(request, None, b"", self._now())
        return request.url, {
            "content": request.body.encode(),
            "headers": {"Content-Type": FORM_CONTENT_TYPE},
            "timeout": self._timeout if timeout is None else timeout,
        }

    def _next(
        self, request: OutgoingRequest, answer: Optional[httpx.Response], now: Optional[datetime]
    ) -> NextStep:
        status, body = (None, b"") if answer is None else (answer.status_code, answer.content)
        return self.core.next_step(request, status, body, now or self._now())

    def _key_update(
        self: TSelf, request: OutgoingRequest, answer: Optional[httpx.Response]
    ) -> tuple[KeyUpdate, TSelf]:
        step = self._next(request, answer, None)
        if answer is None or step.outcome() is None:
            what = "no answer" if answer is None else f"HTTP {answer.status_code}"
            raise TransportError(f"the key update query got no usable answer ({what})", request, step)
        update = self.core.handle_key_update(request, answer.content, self._now())
        return update, self._derive(self.core.after_key_update(update))


class _Apis(Generic[T]):
    """One method per product API; `_call` builds, POSTs and plans (sync or async)."""

    def _build(
        self, api: str, params: Mapping[str, Optional[Param]], now: Optional[datetime] = None
    ) -> OutgoingRequest:
        raise NotImplementedError

    def _call(self, api: str, params: dict[str, Optional[Param]]) -> T:
        raise NotImplementedError

    def consume(self, **params: Optional[Param]) -> T:
        """01/01 consume (``token`` or ``acc_no``; after an SMS pass its ``txn_time``)."""
        return self._call("consume", params)

    def reversal(self, **params: Optional[Param]) -> T:
        """99/01 reversal of a consume (``orig_order_id``, ``orig_txn_time``)."""
        return self._call("reversal", params)

    def back_open(self, **params: Optional[Param]) -> T:
        """79/00 open a card server-to-server (token)."""
        return self._call("back_open", params)

    def open_query(self, **params: Optional[Param]) -> T:
        """78/02 open query."""
        return self._call("open_query", params)

    def apply_token(self, **params: Optional[Param]) -> T:
        """79/05 apply for a token by orderId."""
        return self._call("apply_token", params)

    def delete_token(self, **params: Optional[Param]) -> T:
        """74/01 delete a token."""
        return self._call("delete_token", params)

    def update_token(self, **params: Optional[Param]) -> T:
        """79/03 update a token."""
        return self._call("update_token", params)

    def sms_open(self, **params: Optional[Param]) -> T:
        """77/00 SMS before an open."""
        return self._call("sms_open", params)

    def sms_real_name_auth(self, **params: Optional[Param]) -> T:
        """77/01 real-name authentication SMS."""
        return self._call("sms_real_name_auth", params)

    def sms_consume(self, **params: Optional[Param]) -> T:
        """77/02 SMS before a consume."""
        return self._call("sms_consume", params)

    def sms_withholding(self, **params: Optional[Param]) -> T:
        """77/03 withholding SMS."""
        return self._call("sms_withholding", params)

    def sms_pre_auth(self, **params: Optional[Param]) -> T:
        """77/04 SMS before a pre-auth."""
        return self._call("sms_pre_auth", params)

    def consume_undo(self, **params: Optional[Param]) -> T:
        """31/00 consume undo."""
        return self._call("consume_undo", params)

    def refund(self, **params: Optional[Param]) -> T:
        """04/00 refund (partial or repeated: one call per refund)."""
        return self._call("refund", params)

    def status_query(self, **params: Optional[Param]) -> T:
        """00/00 status query by ``orig_order_id``, ``orig_txn_time`` and ``queried``
        (see also `query`)."""
        return self._call("status_query", params)

    def pre_auth(self, **params: Optional[Param]) -> T:
        """02/01 pre-authorization."""
        return self._call("pre_auth", params)

    def pre_auth_undo(self, **params: Optional[Param]) -> T:
        """32/00 pre-authorization undo."""
        return self._call("pre_auth_undo", params)

    def pre_auth_completion(self, **params: Optional[Param]) -> T:
        """03/00 pre-authorization completion."""
        return self._call("pre_auth_completion", params)

    def completion_undo(self, **params: Optional[Param]) -> T:
        """33/00 completion undo."""
        return self._call("completion_undo", params)

    def file_transfer(self, **params: Optional[Param]) -> T:
        """76/01 reconciliation file download (``settle_date`` MMDD); then
        ``sent.outcome().response().reconciliation()``."""
        return self._call("file_transfer", params)

    def front_open(self, **params: Optional[Param]) -> OutgoingRequest:
        """79/00 open a card in the browser: serve ``request.html`` (nothing is sent)."""
        return self._build("front_open", params)

    def open_and_pay(self, **params: Optional[Param]) -> OutgoingRequest:
        """01/01 open and pay in the browser: serve ``request.html`` (nothing is sent)."""
        return self._build("open_and_pay", params)


def _start(client: _Base, target: Any, clock: Clock) -> NextStep:
    """The step `query_until_final` starts from: a `Sent`, a `NextStep`, or a request
    that got no answer (e.g. read back with ``client.core.request_from_json``)."""
    if isinstance(target, Sent):
        return target.step
    if isinstance(target, _ffi.OutgoingRequest):
        return client.core.next_step(target, None, b"", clock())
    return target


def _raise_if_untrusted(error: httpx.RequestError) -> None:
    """A server certificate the HTTP client does not trust is the host's configuration, not
    a lost answer: the TLS handshake failed before anything was sent, so it is raised as it
    is (``httpx.ConnectError``, ``[SSL: CERTIFICATE_VERIFY_FAILED] …``) instead of being
    planned as "no answer". Trust a private CA with ``httpx.Client(verify=ssl_context)``."""
    import ssl  # loaded with httpx already, at the first POST

    cause = error.__cause__ or error.__context__
    if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(error):
        raise error


class Client(_Base, _Apis[Sent]):
    """A merchant client doing its HTTP with a blocking `httpx.Client`.

    ``Client(settings, MerchantKey.from_pkcs12(pfx, password))``. `settings`: the core's
    settings (``settings.json``: ``merId``, ``environment``, ``trust``,
    ``encryptionCert``, …) as a dict (certificate bytes as they are) or JSON text; an
    unknown name is the core's error 1005. `credentials`: a `MerchantKey` (signMethod 01)
    or a `Credentials`. `timeout`: seconds per POST. `clock`: returns an aware
    `datetime` (default: the system clock). `backend`: the RSA `Backend`.

    Thread-safe; keep one per merchant. Pass `http` to share a configured `httpx.Client`
    (it is then not closed by `close`; clients derived by `with_encryption_cert*` and
    `key_update_query` share this one's).
    """

    def __init__(
        self,
        settings: Settings,
        credentials: Any,
        *,
        http: Optional[httpx.Client] = None,
        timeout: float = 30.0,
        clock: Optional[Clock] = None,
        backend: Optional[Any] = None,
    ) -> None:
        super().__init__(settings, credentials, backend=backend, clock=clock, timeout=timeout)
        self._http = _Http(http, _new_client)

    def close(self) -> None:
        made = self._http.made()
        if made is not None:
            made.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _post(self, request: OutgoingRequest, timeout: Optional[float] = None) -> Optional[httpx.Response]:
        import httpx  # the first POST loads it (see _Http); afterwards a sys.modules look-up

        url, kw = self._request(request, timeout)
        try:
            return self._http.get().post(url, **kw)
        except httpx.RequestError as e:  # no answer: connection failed, reset, timed out
            _raise_if_untrusted(e)
            return None

    def send(
        self, request: OutgoingRequest, *, timeout: Optional[float] = None, now: Optional[datetime] = None
    ) -> NextStep:
        """POSTs `request` and returns the core's next step after what came back (an
        answer with its status, or none: a failed connection or `timeout` seconds
        passing). `now`: when the answer came (default: the clock, read after the POST)."""
        return self._next(request, self._post(request, timeout), now)

    def _call(self, api: str, params: dict[str, Optional[Param]]) -> Sent:
        request = self._build(api, params)
        return Sent(request, self.send(request))

    def query(self, request: OutgoingRequest, attempt: int = 1) -> Sent:
        """Sends status query number `attempt` of an earlier request."""
        query = self.core.build_query_for(request, attempt, self._now())
        return Sent(query, self.send(query))

    def key_update_query(self, **params: Optional[Param]) -> tuple[KeyUpdate, Client]:
        """95/00 encryption-key update query: ``(update, client)``, where `client` is the
        client to go on with (a new one when UnionPay's certificate was replaced: store
        ``update.pem``). This client is not changed."""
        request = self._build("key_update_query", params)
        return self._key_update(request, self._post(request))

    def query_until_final(
        self,
        target: Any,
        *,
        max_queries: int = 10,
        max_wait: Optional[float] = 120.0,
        timeout: Optional[float] = None,
        now: Optional[Clock] = None,
        sleep: Optional[Callable[[float], object]] = None,
    ) -> NextStep:
        """Follows the core's planner until it says final or stop: sleeps until each
        query step's `at`, POSTs its status query and asks `next_step` again.

        `target`: a `Sent`, a `NextStep`, or a request that got no answer. Bounded by
        `max_queries` and `max_wait` (seconds, None for no bound); `timeout` is each
        POST's; `now` and `sleep(seconds)` replace the clock and `time.sleep`. Returns the
        last `NextStep`: ``step.outcome()``, and for a stop its `reason`; a query step (a
        bound was hit) can be passed back later.
        """
        clock = now or self._clock or _utcnow
        pause = sleep or time.sleep
        step = _start(self, target, clock)
        deadline = None if max_wait is None else clock() + timedelta(seconds=max_wait)
        for _ in range(max_queries):
            if not step.is_query():
                break
            t = clock()
            wait = (step.at - t).total_seconds()
            if deadline is not None and t + timedelta(seconds=max(0.0, wait)) > deadline:
                break
            if wait > 0:
                pause(wait)
            answer = self._post(step.query, timeout)
            step = self._next(step.query, answer, clock())
        return step


class AsyncClient(_Base, _Apis[Awaitable[Sent]]):
    """A merchant client doing its HTTP with `httpx.AsyncClient`; every back API is
    awaitable (``sent = await client.consume(...)``). The sans-IO parts (`build`,
    `receive_notification`, ``client.core``) are as on `Client`."""

    def __init__(
        self,
        settings: Settings,
        credentials: Any,
        *,
        http: Optional[httpx.AsyncClient] = None,
        timeout: float = 30.0,
        clock: Optional[Clock] = None,
        backend: Optional[Any] = None,
    ) -> None:
        super().__init__(settings, credentials, backend=backend, clock=clock, timeout=timeout)
        self._http = _Http(http, _new_async_client)

    async def aclose(self) -> None:
        made = self._http.made()
        if made is not None:
            await made.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _post(
        self, request: OutgoingRequest, timeout: Optional[float] = None
    ) -> Optional[httpx.Response]:
        import httpx

        url, kw = self._request(request, timeout)
        try:
            return await self._http.get().post(url, **kw)
        except httpx.RequestError as e:  # no answer: connection failed, reset, timed out
            _raise_if_untrusted(e)
            return None

    async def send(
        self, request: OutgoingRequest, *, timeout: Optional[float] = None, now: Optional[datetime] = None
    ) -> NextStep:
        """POSTs `request` and returns the core's next step after what came back."""
        return self._next(request, await self._post(request, timeout), now)

    async def _sent(self, request: OutgoingRequest) -> Sent:
        return Sent(request, await self.send(request))

    def _call(self, api: str, params: dict[str, Optional[Param]]) -> Awaitable[Sent]:
        # Built before the first await: a bad parameter raises at the call.
        return self._sent(self._build(api, params))

    def query(self, request: OutgoingRequest, attempt: int = 1) -> Awaitable[Sent]:
        """Sends status query number `attempt` of an earlier request."""
        return self._sent(self.core.build_query_for(request, attempt, self._now()))

    async def key_update_query(self, **params: Optional[Param]) -> tuple[KeyUpdate, AsyncClient]:
        """As `Client.key_update_query`."""
        request = self._build("key_update_query", params)
        return self._key_update(request, await self._post(request))

    async def query_until_final(
        self,
        target: Any,
        *,
        max_queries: int = 10,
        max_wait: Optional[float] = 120.0,
        timeout: Optional[float] = None,
        now: Optional[Clock] = None,
        sleep: Optional[Callable[[float], Awaitable[object]]] = None,
    ) -> NextStep:
        """As `Client.query_until_final`; `sleep` is awaited (default `asyncio.sleep`)."""
        clock = now or self._clock or _utcnow
        if sleep is None:
            import asyncio  # not at import: about 15 ms of a cold start without httpx

            sleep = asyncio.sleep
        pause = sleep
        step = _start(self, target, clock)
        deadline = None if max_wait is None else clock() + timedelta(seconds=max_wait)
        for _ in range(max_queries):
            if not step.is_query():
                break
            t = clock()
            wait = (step.at - t).total_seconds()
            if deadline is not None and t + timedelta(seconds=max(0.0, wait)) > deadline:
                break
            if wait > 0:
                await pause(wait)
            answer = await self._post(step.query, timeout)
            step = self._next(step.query, answer, clock())
        return step
