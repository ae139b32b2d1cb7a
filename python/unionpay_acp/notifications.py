"""Receiving UnionPay's notifications in any web framework.

Pass the **raw request body** (bytes), never the framework's parsed form::

    receiver = NotificationReceiver(client)

    # Django
    def back_url(request):
        result = receiver.handle(request.body, on_notification=book)
        return HttpResponse(result.body, status=result.status)

    # Flask
    @app.post("/unionpay/back")
    def back_url():
        result = receiver.handle(request.get_data(), on_notification=book)
        return result.body, result.status

    # FastAPI
    @app.post("/unionpay/back")
    async def back_url(request: Request):
        result = await receiver.handle_async(await request.body(), on_notification=book)
        return PlainTextResponse(result.body, status_code=result.status)

`book` runs only for a verified notification; make it idempotent (UnionPay repeats
notifications). If it raises, the exception propagates: the framework answers 500 and
UnionPay tries again later.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Optional, Union

from ._errors import AcpError
from ._types import Notification

__all__ = ["NotificationReceiver", "NotificationResult"]


@dataclass(frozen=True)
class NotificationResult:
    """What to answer: `status` and `body`; `notification` when it verified, `error`
    (with its code and step, to log) when it did not."""

    status: int
    body: str
    notification: Optional[Notification] = None
    error: Optional[AcpError] = None


class NotificationReceiver:
    """Verifies notification bodies for one client (`Client` or `AsyncClient`).

    `front=True` verifies the browser's POST to ``frontUrl`` instead (never proof of
    payment: book on the back notification or a status query).
    """

    def __init__(self, client: Any, *, front: bool = False) -> None:
        self._verify: Callable[[bytes], Notification] = (
            client.verify_front_notification if front else client.verify_notification
        )

    def verify(self, body: bytes) -> NotificationResult:
        """Verifies without side effects: 200 with the notification, or 400 with the error."""
        try:
            return NotificationResult(200, "ok", notification=self._verify(bytes(body)))
        except AcpError as e:
            return NotificationResult(400, f"rejected: {e.code} {e.name}", error=e)

    def handle(
        self, body: bytes, on_notification: Optional[Callable[[Notification], object]] = None
    ) -> NotificationResult:
        """Verifies `body` and, when it verified, calls `on_notification` with it."""
        result = self.verify(body)
        if result.notification is not None and on_notification is not None:
            on_notification(result.notification)
        return result

    async def handle_async(
        self,
        body: bytes,
        on_notification: Optional[
            Callable[[Notification], Union[Awaitable[object], object]]
        ] = None,
    ) -> NotificationResult:
        """`handle` for async frameworks; `on_notification` may be a coroutine function."""
        result = self.verify(body)
        if result.notification is not None and on_notification is not None:
            ret = on_notification(result.notification)
            if inspect.isawaitable(ret):
                await ret
        return result
