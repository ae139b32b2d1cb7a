"""A whole token payment flow against the local sandbox, with `Client` and with
`AsyncClient`: sms_open → back_open (token) → sms_consume → consume (accepted) → back
notification (verified by our own listener through `NotificationReceiver`) → the core's
next step after it → `query_until_final` → partial refund; and the other API shapes.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

from conftest import REPO, Sandbox
from unionpay_acp import (
    AsyncClient,
    Client,
    InvalidInputError,
    KeyUpdate,
    MerchantKey,
    NextStep,
    Notification,
    NotificationReceiver,
    NotificationSource,
    Outcome,
    Sent,
    StopReason,
    TransportError,
    request_to_json,
)

FIXTURES = REPO / "tests" / "fixtures" / "sandbox"
CARD = dict(acc_no="6221558812340000", phone_no="13552535506", cvn2="123", expired="2311")
KEY = MerchantKey.from_pkcs12((FIXTURES / "merchant.pfx").read_bytes(), "000000")


class Listener:
    """The merchant's backUrl on 127.0.0.1: verifies each notification it receives."""

    def __init__(self) -> None:
        self.received: "queue.Queue[Notification]" = queue.Queue()
        self.bodies: list[bytes] = []
        self.receiver: NotificationReceiver | None = None
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                assert listener.receiver is not None
                listener.bodies.append(body)
                receipt = listener.receiver.handle(body, on_notification=listener.received.put)
                self.send_response(receipt.reply.status)
                self.end_headers()
                self.wfile.write(receipt.reply.body.encode())

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


def settings(sandbox: Sandbox, **more: Any) -> dict[str, Any]:
    root, middle = sandbox.trust_pems()
    return {
        "merId": "777290058110097",
        "environment": {"baseUrl": sandbox.base_url},  # every gateway path under the sandbox
        "trust": {"roots": [root], "middles": [middle]},
        "encryptionCert": (FIXTURES / "enc.pem").read_bytes(),
        **more,
    }


def outcome(sent: Sent) -> Outcome:
    o = sent.outcome()
    assert o is not None, sent.step
    return o


def test_token_payment_flow(sandbox: Sandbox, listener: Listener) -> None:
    client = Client(settings(sandbox), KEY)
    listener.receiver = NotificationReceiver(client)

    # Open the card for token payments: SMS code, then back open → token.
    open_id = order_id("OPEN")
    sms = client.sms_open(order_id=open_id, **CARD)
    assert sms.step.name() == "final" and outcome(sms).name() == "success"
    opened = client.back_open(order_id=open_id, txn_time=sms.request.txn_time, sms_code="111111", **CARD)
    assert outcome(opened).is_success(), opened.step
    tpd = outcome(opened).response().token_pay_data()
    assert tpd is not None and tpd.token
    token = tpd.token

    # Pay with the token: SMS for the amount, then consume: accepted, not paid yet.
    pay_id = order_id("PAY")
    sms = client.sms_consume(order_id=pay_id, token=token, txn_amt=1000)
    assert outcome(sms).name() == "success"
    paid = client.consume(
        order_id=pay_id, txn_time=sms.request.txn_time, txn_amt=1000, token=token,
        sms_code="111111", back_url=listener.url,
    )
    assert isinstance(paid.step, NextStep.QUERY) and isinstance(outcome(paid), Outcome.ACCEPTED)
    assert outcome(paid).decisive_code() == "00" and outcome(paid).query_at() is not None

    # UnionPay notifies backUrl; the listener verified it; the core confirms it by a query.
    note = listener.next()
    assert note.success and note.source == NotificationSource.BACK and note.api == "consume"
    assert client.core.notification_matches(note, paid.request) and note.txn_amt == 1000
    # A verified notification that cannot be stored: the core's 503, so UnionPay resends it.
    def broken_store(_: Notification) -> None:
        raise OSError("disk full")

    again = NotificationReceiver(client).handle(listener.bodies[-1], on_notification=broken_store)
    assert again.reply.status == 503 and again.notification is not None and again.error is None
    after = client.core.next_step_after_notification(paid.request, note)
    assert after.is_query()
    final = client.query_until_final(after)
    assert final.name() == "final" and final.outcome().name() == "success"
    assert final.outcome().decisive_code() == "00"
    assert final.outcome().response().get("queryId") == note.query_id

    # A stored request resumes: the core plans from it as from a request without answer.
    stored = client.core.request_from_json(request_to_json(paid.request))
    assert stored == paid.request
    assert client.query_until_final(stored).outcome().is_success()

    # A partial refund.
    refund = client.refund(order_id=order_id("REFUND"), orig_qry_id=note.query_id, txn_amt=300, back_url=listener.url)
    assert outcome(refund).name() == "accepted", refund.step
    refunded = listener.next()
    assert refunded.api == "refund" and refunded.orig_qry_id == note.query_id

    # The other API shapes: status query by name, key update, file transfer, front open.
    by_name = client.status_query(orig_order_id=pay_id, orig_txn_time=paid.request.txn_time, queried="consume", txn_amt=1000)
    assert outcome(by_name).is_success() and outcome(by_name).response().get("queryId") == note.query_id
    again = client.query(paid.request)
    assert again.request.queried.api == "consume" and outcome(again).is_success()
    update, same = client.key_update_query(order_id=order_id("KEY"))
    assert isinstance(update, KeyUpdate.UNCHANGED) and update.cert_id == "7000000000021"
    assert same.core.encryption_cert_id() == update.cert_id
    assert note.settle_date
    files = client.file_transfer(settle_date=note.settle_date)
    assert outcome(files).name() == "success", files.step
    assert outcome(files).response().files() and outcome(files).response().reconciliation().zm
    front = client.front_open(order_id=order_id("FRONT"), front_url="http://127.0.0.1:9/front", back_url=listener.url)
    assert front.html and "<form" in front.html and front.is_front()
    # A browser form is never POSTed by the host: the core refuses before anything is sent.
    with pytest.raises(InvalidInputError, match="posted by the browser"):
        client.send(front)
    client.close()


def test_query_until_final_follows_the_core_with_an_injected_clock(sandbox: Sandbox) -> None:
    client = Client(settings(sandbox), KEY)
    request = client.build(
        "consume", order_id=order_id("NOANSWER"), txn_amt=100, token="6235240000020757577",
        back_url="http://127.0.0.1:9/back",
    )
    # No answer for a money request: the core plans a status query, never a failure.
    step = client.core.next_step(request, None, b"")
    assert step.is_query() and step.outcome() is None
    t = [datetime.now(timezone.utc)]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        t[0] += timedelta(seconds=seconds)

    # The sandbox never saw it: "not found" on every query until the bound is hit; the
    # last step is a query that can be passed back later.
    last = client.query_until_final(step, max_queries=3, now=lambda: t[0], sleep=sleep)
    assert last.is_query() and last.query.attempt == 4 and len(slept) >= 2
    assert json.loads(last.outcome().to_json())["pendingReason"] == "not_found"
    # max_wait bounds the waiting: nothing is sent when the next query is too far.
    assert client.query_until_final(last, max_wait=0.0, now=lambda: t[0], sleep=sleep) is last
    client.close()


def test_no_answer_stops_a_request_that_moves_no_money() -> None:
    nowhere = {"baseUrl": "http://127.0.0.1:9"}  # nothing listens: no answer
    client = Client(
        {"merId": "777290058110097", "environment": nowhere, "trust": "test",
         "encryptionCert": (FIXTURES / "enc.pem").read_bytes()},
        KEY,
    )
    sent = client.sms_open(order_id=order_id("SMS"), acc_no="6221558812340000", phone_no="13552535506")
    assert sent.outcome() is None and sent.step.reason == StopReason.NO_ANSWER
    with pytest.raises(TransportError) as info:
        client.key_update_query(order_id=order_id("KEY"))
    assert info.value.next.is_stop()
    client.close()


async def test_token_payment_flow_async(sandbox: Sandbox, listener: Listener) -> None:
    async with AsyncClient(settings(sandbox), KEY) as client:
        listener.receiver = NotificationReceiver(client)
        open_id = order_id("AOPEN")
        sms = await client.sms_open(order_id=open_id, **CARD)
        opened = await client.back_open(order_id=open_id, txn_time=sms.request.txn_time, sms_code="111111", **CARD)
        tpd = outcome(opened).response().token_pay_data()
        assert outcome(opened).is_success() and tpd is not None and tpd.token
        pay_id = order_id("APAY")
        sms = await client.sms_consume(order_id=pay_id, token=tpd.token, txn_amt=2000)
        paid = await client.consume(
            order_id=pay_id, txn_time=sms.request.txn_time, txn_amt=2000, token=tpd.token,
            sms_code="111111", back_url=listener.url,
        )
        assert outcome(paid).name() == "accepted"
        final = await client.query_until_final(paid)
        assert final.is_final() and final.outcome().is_success()
        note = listener.next()
        assert note.success and client.core.notification_matches(note, paid.request)
        status = await client.query(paid.request)
        assert outcome(status).is_success()
        update, same = await client.key_update_query(order_id=order_id("AKEY"))
        assert update.is_unchanged() and same.core.encryption_cert_id() == update.cert_id
        refund = await client.refund(
            order_id=order_id("AREFUND"), orig_qry_id=note.query_id, txn_amt=500, back_url=listener.url
        )
        assert outcome(refund).name() == "accepted"


async def test_forged_notification_is_rejected(sandbox: Sandbox) -> None:
    client = Client(settings(sandbox), KEY)
    receipt = NotificationReceiver(client).handle(b"merId=777290058110097&respCode=00")
    assert receipt.reply.status == 400 and receipt.error is not None
    assert receipt.error.kind == "Signature"
    booked: list[Notification] = []
    receipt = await NotificationReceiver(client).handle_async(b"respCode=00", booked.append)
    assert receipt.reply.status == 400 and not booked
    client.close()


@pytest.mark.parametrize("parsed", [{"respCode": "00"}, "merId=777290058110097&respCode=00"])
def test_a_parsed_notification_is_a_type_error(sandbox: Sandbox, parsed: Any) -> None:
    client = Client(settings(sandbox), KEY)
    with pytest.raises(TypeError, match="raw request body"):
        NotificationReceiver(client).handle(parsed)
    with pytest.raises(TypeError, match="raw request body"):
        client.receive_notification(parsed)
    client.close()
