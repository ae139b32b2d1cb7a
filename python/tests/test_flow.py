"""A whole token payment flow against the local sandbox: the README quick start.

sms_open → back_open (token) → sms_consume → consume → back notification (verified by
our own listener) → status query → partial refund; once with `Client`, once with
`AsyncClient`.
"""

from __future__ import annotations

import queue
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

from conftest import REPO, Sandbox
from unionpay_acp import (
    AsyncClient,
    Client,
    EncryptionCert,
    MerchantKey,
    Notification,
    NotificationReceiver,
    Trust,
)

FIXTURES = REPO / "tests" / "fixtures" / "sandbox"
CARD = dict(acc_no="6221558812340000", phone_no="13552535506", cvn2="123", expired="2311")


class Listener:
    """The merchant's backUrl on 127.0.0.1: verifies each notification it receives."""

    def __init__(self) -> None:
        self.received: "queue.Queue[Notification]" = queue.Queue()
        self.receiver: NotificationReceiver | None = None
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                assert listener.receiver is not None
                result = listener.receiver.handle(body, on_notification=listener.received.put)
                self.send_response(result.status)
                self.end_headers()
                self.wfile.write(result.body.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/unionpay/back"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self, timeout: float = 10.0) -> Notification:
        return self.received.get(timeout=timeout)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


def order_id(tag: str) -> str:
    return f"{tag}{time.time_ns()}"[:32]


def client_options(sandbox: Sandbox) -> dict[str, Any]:
    root, middle = sandbox.trust_pems()
    return dict(
        environment=sandbox.base_url,  # every gateway path under the sandbox's URL
        trust=Trust.custom(roots=[root], middles=[middle]),
        key=MerchantKey.from_pkcs12((FIXTURES / "merchant.pfx").read_bytes(), "000000"),
        encryption_cert=EncryptionCert.parse((FIXTURES / "enc.pem").read_bytes()),
    )


def test_token_payment_flow(sandbox: Sandbox, listener: Listener) -> None:
    # --- quick start (Python) ---
    client = Client("777290058110097", **client_options(sandbox))
    listener.receiver = NotificationReceiver(client)

    # 1. Open the card for token payments: SMS code, then back open → token.
    open_id = order_id("OPEN")
    sms = client.sms_open(order_id=open_id, **CARD)
    assert sms.name == "success", sms
    opened = client.back_open(
        order_id=open_id, txn_time=sms.request.txn_time, sms_code="111111", **CARD
    )
    assert opened.name == "success", (opened.decisive_code, opened.failed_msg)
    tpd = opened.response.token_pay_data()
    assert tpd is not None and tpd.token
    token = tpd.token

    # 2. Pay with the token: SMS for the amount, then consume (accepted, not paid yet).
    pay_id = order_id("PAY")
    sms = client.sms_consume(order_id=pay_id, token=token, txn_amt=1000)
    assert sms.name == "success", sms
    paid = client.consume(
        order_id=pay_id, txn_time=sms.request.txn_time, txn_amt=1000, token=token,
        sms_code="111111", back_url=listener.url,
    )
    assert paid.name == "accepted", (paid.decisive_code, paid.failed_msg)
    assert paid.query_at is not None

    # 3. UnionPay notifies backUrl; the listener verified it.
    note = listener.next()
    assert note.success and note.source == "back" and note.api == "consume"
    assert note.matches(paid.request) and note.txn_amt == 1000
    query_id = note.query_id
    assert query_id

    # 4. The status query confirms the payment.
    status = client.query(paid.request)
    assert status.name == "success" and status.decisive_code == "00"
    assert status.response.query_id == query_id

    # 5. A partial refund.
    refund = client.refund(
        order_id=order_id("REFUND"), orig_qry_id=query_id, txn_amt=300, back_url=listener.url
    )
    assert refund.name == "accepted", (refund.decisive_code, refund.failed_msg)
    # --- end of quick start ---
    refunded = listener.next()
    assert refunded.api == "refund" and refunded.orig_qry_id == query_id

    # The other API shapes: status query by name, key update, file transfer, front open.
    by_name = client.status_query(
        orig_order_id=pay_id, orig_txn_time=paid.request.txn_time, queried="consume", txn_amt=1000
    )
    assert by_name.is_success and by_name.response.query_id == query_id
    update = client.key_update_query(order_id=order_id("KEY"))
    assert update.cert_id == "7000000000021" and not update.replaced
    assert note.settle_date
    files = client.file_transfer(settle_date=note.settle_date)
    assert files.name == "success", (files.decisive_code, files.failed_msg)
    assert files.response.files() and files.response.reconciliation().zm_records >= 1
    front = client.front_open(
        order_id=order_id("FRONT"), front_url="http://127.0.0.1:9/front", back_url=listener.url
    )
    assert front.endpoint == "front" and front.html and "<form" in front.html
    client.close()


async def test_token_payment_flow_async(sandbox: Sandbox, listener: Listener) -> None:
    async with AsyncClient("777290058110097", **client_options(sandbox)) as client:
        listener.receiver = NotificationReceiver(client)
        open_id = order_id("AOPEN")
        sms = await client.sms_open(order_id=open_id, **CARD)
        opened = await client.back_open(
            order_id=open_id, txn_time=sms.request.txn_time, sms_code="111111", **CARD
        )
        tpd = opened.response.token_pay_data()
        assert opened.name == "success" and tpd is not None and tpd.token
        pay_id = order_id("APAY")
        sms = await client.sms_consume(order_id=pay_id, token=tpd.token, txn_amt=2000)
        paid = await client.consume(
            order_id=pay_id, txn_time=sms.request.txn_time, txn_amt=2000, token=tpd.token,
            sms_code="111111", back_url=listener.url,
        )
        assert paid.name == "accepted", (paid.decisive_code, paid.failed_msg)
        note = listener.next()
        assert note.success and note.matches(paid.request)
        status = await client.query(paid.request)
        assert status.is_success
        refund = await client.refund(
            order_id=order_id("AREFUND"), orig_qry_id=note.query_id or "", txn_amt=500,
            back_url=listener.url,
        )
        assert refund.name == "accepted"


async def test_forged_notification_is_rejected(sandbox: Sandbox) -> None:
    client = Client("777290058110097", **client_options(sandbox))
    result = NotificationReceiver(client).handle(b"merId=777290058110097&respCode=00")
    assert result.status == 400 and result.error is not None
    assert result.error.kind == "Signature"
    booked: list[Notification] = []
    result = await NotificationReceiver(client).handle_async(b"respCode=00", booked.append)
    assert result.status == 400 and not booked
    client.close()
