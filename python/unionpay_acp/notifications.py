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
reply is the core's 503 "retry later" (UnionPay sends the notification again) and the
exception is logged to the ``unionpay_acp`` logger. A money notification is confirmed by
a status query: ``client.core.next_step_after_notification``.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Awaitable, Callable, Optional, Union

from ._ffi import Notification, NotificationReceipt, notification_reply_retry_later

_log = logging.getLogger("unionpay_acp")

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
            try:
                on_notification(receipt.notification)
            except Exception:
                return _retry_later(receipt)
        return receipt

    async def handle_async(
        self,
        body: bytes,
        on_notification: Optional[Callable[[Notification], Union[Awaitable[object], object]]] = None,
    ) -> NotificationReceipt:
        """`handle` for async frameworks; `on_notification` may be a coroutine function."""
        receipt = self._client.receive_notification(body)
        if receipt.notification is not None and on_notification is not None:
            try:
                ret = on_notification(receipt.notification)
                if inspect.isawaitable(ret):
                    await ret
            except Exception:
                return _retry_later(receipt)
        return receipt


def _retry_later(receipt: NotificationReceipt) -> NotificationReceipt:
    """The verified notification could not be stored: the core's 503, so UnionPay sends
    it again."""
    _log.exception("storing a verified notification failed; answering 503 (UnionPay retries)")
    return NotificationReceipt(
        reply=notification_reply_retry_later(), notification=receipt.notification, error=None
    )
