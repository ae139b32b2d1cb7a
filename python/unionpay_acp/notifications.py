"""Receiving UnionPay's notifications in any web framework.

Pass the **raw request body** (bytes), never the framework's parsed form or decoded
text (a `dict` or `str` raises `TypeError`)::

    receiver = NotificationReceiver(client)

    # Django
    def back_url(request):
        receipt = receiver.handle(request.body, on_notification=book)
        return HttpResponse(receipt.reply.body, status=receipt.reply.status)

    # Flask
    @app.post("/unionpay/back")
    def back_url():
        receipt = receiver.handle(request.get_data(), on_notification=book)
        return receipt.reply.body, receipt.reply.status

    # FastAPI
    @app.post("/unionpay/back")
    async def back_url(request: Request):
        receipt = await receiver.handle_async(await request.body(), on_notification=book)
        return PlainTextResponse(receipt.reply.body, status_code=receipt.reply.status)

`book` runs only for a verified notification, before the reply is sent; make it
idempotent (UnionPay repeats notifications) and store what it needs. If it raises, the
exception propagates: the framework answers 500 and UnionPay tries again later. A money
notification is confirmed by a status query: ``client.core.next_step_after_notification``.
"""

from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable, Optional, Union

from ._ffi import Notification, NotificationReceipt

__all__ = ["NotificationReceiver"]


class NotificationReceiver:
    """Verifies back notification bodies for one client (`Client` or `AsyncClient`)
    with the core's ``receive_notification``: the `NotificationReceipt` it returns holds
    the reply to send (``receipt.reply.status``, ``.body``), the verified notification,
    or the error (with its code and step, to log)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def handle(
        self, body: bytes, on_notification: Optional[Callable[[Notification], object]] = None
    ) -> NotificationReceipt:
        """Verifies `body` and, when it verified, calls `on_notification` with it."""
        receipt = self._client.receive_notification(body)
        if receipt.notification is not None and on_notification is not None:
            on_notification(receipt.notification)
        return receipt

    async def handle_async(
        self,
        body: bytes,
        on_notification: Optional[Callable[[Notification], Union[Awaitable[object], object]]] = None,
    ) -> NotificationReceipt:
        """`handle` for async frameworks; `on_notification` may be a coroutine function."""
        receipt = self._client.receive_notification(body)
        if receipt.notification is not None and on_notification is not None:
            ret = on_notification(receipt.notification)
            if inspect.isawaitable(ret):
                await ret
        return receipt
