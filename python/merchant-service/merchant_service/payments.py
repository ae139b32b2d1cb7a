"""What the service does with the library: orders, SMS, consume, refunds, notifications,
the worker's queries and the daily reconciliation, each state change in one transaction.

The rule that makes a crash safe: a request is inserted into the outbox (status `outbox`)
in the same transaction as the state change that causes it, and only then sent. What
came back is applied in a second transaction through the library's planner. A process
killed in between leaves an `outbox` row, which the worker hands to the planner as a
request that got no answer: a money request is then queried, never sent again.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, Callable, Optional

import unionpay_acp as acp
from sqlalchemy import Engine

from . import ledger
from .db import transaction

Clock = Callable[[], datetime]

# What the library's step means for the order (consume, SMS) or the refund.
_CONSUME_STATE = {"success": "succeeded", "failed": "failed", "waiting": "paying", "stopped": "unknown"}
_SMS_STATE = {"success": "sms_sent", "failed": "created", "waiting": "created", "stopped": "created"}
_REFUND_STATE = {"success": "succeeded", "failed": "failed", "waiting": "pending", "stopped": "unknown"}

_ID = re.compile(r"^[A-Za-z0-9]{8,32}$")


class Refused(Exception):
    """A request the service refuses: `code` and an HTTP status for the API."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def unix(t: datetime) -> int:
    return int(t.timestamp())


class Payments:
    def __init__(self, engine: Engine, client: acp.Client, clock: Clock, public_url: str) -> None:
        self.engine = engine
        self.client = client
        self.clock = clock
        self.back_url = f"{public_url}/notify"

    # --- orders ------------------------------------------------------------------------

    def create_order(self, order_id: str, amount_fen: int, token: str) -> tuple[bool, dict[str, Any]]:
        if not _ID.match(order_id):
            raise Refused(400, "bad_order_id", "orderId: 8-32 letters and digits")
        if amount_fen <= 0:
            raise Refused(400, "bad_amount", "amountFen must be a positive integer")
        if not token:
            raise Refused(400, "bad_token", "token is required")
        with transaction(self.engine) as conn:
            created = ledger.insert_order(conn, order_id, amount_fen, token, unix(self.clock()))
            row = ledger.order(conn, order_id)
            assert row is not None
            if not created and (row["amount_fen"] != amount_fen or row["token"] != token):
                raise Refused(409, "order_conflict", "the order exists with another amount or token")
        return created, self.order_view(order_id)

    def send_sms(self, order_id: str) -> dict[str, Any]:
        now = self.clock()
        with transaction(self.engine) as conn:
            row = self._order(conn, order_id, lock=True)
            if row["state"] == "sms_sent" or self._in_flight(conn, order_id, "sms"):
                return self._view(conn, row)
            if row["state"] != "created":
                raise Refused(409, "not_payable", f"the order is {row['state']}")
            request = self.client.build("sms_consume", now=now, order_id=order_id, token=row["token"],
                                        txn_amt=row["amount_fen"])
            request_id = ledger.insert_request(conn, order_id, "sms", acp.request_to_json(request), unix(now))
        self._send(request_id, request)
        return self.order_view(order_id)

    def pay(self, order_id: str, sms_code: str) -> dict[str, Any]:
        if not sms_code:
            raise Refused(400, "bad_sms_code", "smsCode is required")
        now = self.clock()
        with transaction(self.engine) as conn:
            row = self._order(conn, order_id, lock=True)
            if row["state"] in ("paying", "succeeded", "failed", "unknown"):
                return self._view(conn, row)  # the consume goes out once, whatever is retried
            if row["state"] != "sms_sent":
                raise Refused(409, "not_payable", "send the SMS first")
            sms = [r for r in ledger.requests_of_order(conn, order_id, "sms") if r["outcome"] == "success"][-1]
            txn_time = self.client.core.request_from_json(sms["request"]).txn_time
            request = self.client.build("consume", now=now, order_id=order_id, txn_time=txn_time,
                                        txn_amt=row["amount_fen"], token=row["token"], sms_code=sms_code,
                                        back_url=self.back_url)
            request_id = ledger.insert_request(conn, order_id, "consume", acp.request_to_json(request), unix(now))
            ledger.update_order(conn, order_id, unix(now), state="paying")
        self._send(request_id, request)
        return self.order_view(order_id)

    def refund(self, order_id: str, refund_id: str, amount_fen: int) -> tuple[bool, dict[str, Any]]:
        if not _ID.match(refund_id):
            raise Refused(400, "bad_refund_id", "refundId: 8-32 letters and digits (it is the refund's orderId)")
        if amount_fen <= 0:
            raise Refused(400, "bad_amount", "amountFen must be a positive integer")
        now = self.clock()
        with transaction(self.engine) as conn:
            row = self._order(conn, order_id, lock=True)  # holds the order: one refund decided at a time
            existing = ledger.refund(conn, refund_id)
            if existing is not None:
                if existing["order_id"] != order_id or existing["amount_fen"] != amount_fen:
                    raise Refused(409, "refund_conflict", "the refundId exists with another order or amount")
                return False, self._refund_view(existing)
            if row["state"] != "succeeded" or not row["query_id"]:
                raise Refused(409, "not_refundable", f"the order is {row['state']}")
            if ledger.refunded_fen(conn, order_id) + amount_fen > row["amount_fen"]:
                raise Refused(409, "refund_exceeds_paid", "the refunds would exceed the paid amount")
            request = self.client.build("refund", now=now, order_id=refund_id, orig_qry_id=row["query_id"],
                                        txn_amt=amount_fen, back_url=self.back_url)
            ledger.insert_refund(conn, refund_id, order_id, amount_fen, unix(now))
            request_id = ledger.insert_request(conn, refund_id, "refund", acp.request_to_json(request),
                                               unix(now), refund_id=refund_id)
        self._send(request_id, request)
        with transaction(self.engine) as conn:
            stored = ledger.refund(conn, refund_id)
            assert stored is not None
            return True, self._refund_view(stored)

    # --- sending and applying the planner's steps --------------------------------------

    def _send(self, request_id: str, request: Any) -> None:
        step = self.client.send(request)
        self.apply(request_id, step, sent="requestsSent")

    def apply(self, request_id: str, step: Any, sent: Optional[str] = None) -> None:
        """The library's next step for a request, applied to it and to its order or refund."""
        now = unix(self.clock())
        with transaction(self.engine) as conn:
            if sent:
                ledger.count(conn, sent)
            row = ledger.request(conn, request_id, lock=True)
            if row is None or row["status"] == "final":
                return  # a notification or an earlier answer settled it
            values: dict[str, Any] = {"attempts": row["attempts"] + (1 if sent else 0)}
            outcome = step.outcome()
            if outcome is not None:
                response = outcome.response()
                values["resp_code"] = outcome.decisive_code() or row["resp_code"]
                values["query_id"] = response.get("queryId") or row["query_id"]
                values["settle_date"] = response.get("settleDate") or row["settle_date"]
            if step.is_final():
                values.update(status="final", outcome=outcome.name(), next_query=None, query_at=None)
                result = "success" if outcome.name() == "success" else "failed"
            elif step.is_query():
                values.update(status="waiting", next_query=acp.request_to_json(step.query),
                              query_at=unix(step.at))
                result = "waiting"
            else:
                values.update(status="stopped", outcome=f"stop:{step.reason.name.lower()}",
                              next_query=None, query_at=None)
                result = "stopped"
            ledger.update_request(conn, request_id, now, **values)
            self._propagate(conn, row, result, values, now)

    def _propagate(self, conn: Any, row: dict[str, Any], result: str, values: dict[str, Any], now: int) -> None:
        if row["kind"] == "refund":
            ledger.update_refund(conn, row["refund_id"], state=_REFUND_STATE[result], query_id=values.get("query_id"))
            return
        states = _CONSUME_STATE if row["kind"] == "consume" else _SMS_STATE
        update: dict[str, Any] = {"state": states[result], "resp_code": values.get("resp_code")}
        if row["kind"] == "consume":
            update.update(query_id=values.get("query_id"), settle_date=values.get("settle_date"))
        ledger.update_order(conn, row["order_id"], now, **update)

    # --- the worker's part ----------------------------------------------------------

    def recover(self) -> int:
        """Requests a dead process wrote and may have sent: the planner's plan for a
        request that got no answer (a money request is queried, never sent again)."""
        with transaction(self.engine) as conn:
            orphans = ledger.requests_with_status(conn, "outbox")
            if orphans:
                ledger.count(conn, "recovered", len(orphans))
        for row in orphans:
            request = self.client.core.request_from_json(row["request"])
            self.apply(row["id"], self.client.core.next_step(request, None, b"", self.clock()))
        return len(orphans)

    def query_due(self) -> int:
        """Sends every status query whose time has come; how many were sent."""
        with transaction(self.engine) as conn:
            due = ledger.due_requests(conn, unix(self.clock()))
        for row in due:
            query = self.client.core.request_from_json(row["next_query"])
            self.apply(row["id"], self.client.send(query, timeout=10.0), sent="queriesSent")
        return len(due)

    # --- notifications ------------------------------------------------------------------

    def receive_notification(self, body: bytes) -> Any:
        """The library's receipt for a POST to backUrl, booked once; the reply to send."""
        now = self.clock()
        receipt = self.client.receive_notification(body, now=now)
        note = receipt.notification
        if note is None:
            return receipt.reply
        try:
            with transaction(self.engine) as conn:
                ledger.count(conn, "notificationsReceived")
                booked = ledger.book_notification(conn, note.order_id or "", note.txn_type,
                                                  note.query_id or "", note.resp_code, unix(now))
                ledger.count(conn, "notificationsBooked" if booked else "duplicateNotifications")
                matching = [r for r in ledger.requests_of_order(conn, note.order_id or "")
                            if r["kind"] in ("consume", "refund") and r["status"] != "final"
                            and self.client.core.notification_matches(
                                note, self.client.core.request_from_json(r["request"]))]
            for row in matching:
                request = self.client.core.request_from_json(row["request"])
                self.apply(row["id"], self.client.core.next_step_after_notification(request, note, now))
        except Exception:  # noqa: BLE001 - not stored: UnionPay must send it again
            return acp.notification_reply_retry_later()
        return receipt.reply

    # --- reconciliation -----------------------------------------------------------------

    def reconcile(self, settle_date: str) -> dict[str, Any]:
        if not re.fullmatch(r"\d{4}", settle_date):
            raise Refused(400, "bad_settle_date", "settleDate is MMDD")
        sent = self.client.file_transfer(settle_date=settle_date)
        outcome = sent.outcome()
        if outcome is None or outcome.name() != "success":
            name = outcome.name() if outcome is not None else "no answer"
            raise Refused(502, "file_transfer_failed", f"the file transfer of {settle_date}: {name}")
        records = outcome.response().reconciliation()
        now = unix(self.clock())
        with transaction(self.engine) as conn:
            books = self._books(conn, settle_date)
            result = acp.reconcile(books, records)
            report = {"settleDate": settle_date, **json.loads(result.to_json())}
            report["resolved"] = self._follow_the_file(conn, report["lines"], now)
            ledger.store_report(conn, settle_date, report, result.clean, now)
        return report

    def _follow_the_file(self, conn: Any, lines: list[dict[str, Any]], now: int) -> list[dict[str, str]]:
        """The books follow the file where the library says it decides (`resolution`): a
        settled line is succeeded; an unknown one absent from the file is failed, but only
        once the planner has stopped querying it."""
        resolved = []
        for line in lines:
            resolution, txn_type = line.get("resolution"), line.get("txnType")
            if resolution is None or txn_type not in ("01", "04"):
                continue
            requests = [r for r in ledger.requests_of_order(conn, line["orderId"])
                        if r["kind"] == ("consume" if txn_type == "01" else "refund")]
            if not requests or any(r["status"] in ("outbox", "waiting") for r in requests):
                continue  # still on the planner's schedule: the queries go on
            result = "success" if resolution == "succeeded" else "failed"
            for r in requests:
                values = {"status": "final", "outcome": f"{result}:file", "query_id": line.get("queryId")}
                ledger.update_request(conn, r["id"], now, **values)
                self._propagate(conn, r, result, {**values, "resp_code": r["resp_code"],
                                                   "settle_date": r["settle_date"]}, now)
            resolved.append({"orderId": line["orderId"], "txnType": txn_type, "state": resolution})
        return resolved

    def _books(self, conn: Any, settle_date: str) -> list[Any]:
        state_of = {"succeeded": acp.BookState.SUCCEEDED, "failed": acp.BookState.FAILED}
        books = [
            acp.BookEntry(order_id=o["order_id"], txn_type="01", amount_fen=o["amount_fen"],
                          query_id=o["query_id"], orig_query_id=None,
                          state=state_of.get(o["state"], acp.BookState.UNKNOWN))
            for o in ledger.orders_for_books(conn, settle_date)
        ]
        books += [
            acp.BookEntry(order_id=r["refund_id"], txn_type="04", amount_fen=r["amount_fen"],
                          query_id=r["query_id"], orig_query_id=r["orig_query_id"],
                          state=state_of.get(r["state"], acp.BookState.UNKNOWN))
            for r in ledger.refunds_for_books(conn)
        ]
        return books

    # --- views ---------------------------------------------------------------------------

    def order_view(self, order_id: str) -> dict[str, Any]:
        with transaction(self.engine) as conn:
            return self._view(conn, self._order(conn, order_id))

    def _order(self, conn: Any, order_id: str, lock: bool = False) -> dict[str, Any]:
        row = ledger.order(conn, order_id, lock=lock)
        if row is None:
            raise Refused(404, "no_such_order", f"no order {order_id}")
        return row

    def _in_flight(self, conn: Any, order_id: str, kind: str) -> bool:
        return any(r["status"] in ("outbox", "waiting") for r in ledger.requests_of_order(conn, order_id, kind))

    def _view(self, conn: Any, row: dict[str, Any]) -> dict[str, Any]:
        refunds = ledger.refunds_of_order(conn, row["order_id"])
        return {
            "orderId": row["order_id"],
            "amountFen": row["amount_fen"],
            "state": row["state"],
            "queryId": row["query_id"],
            "respCode": row["resp_code"],
            "settleDate": row["settle_date"],
            "refundedFen": sum(r["amount_fen"] for r in refunds if r["state"] == "succeeded"),
            "refunds": [self._refund_view(r) for r in refunds],
        }

    @staticmethod
    def _refund_view(r: dict[str, Any]) -> dict[str, Any]:
        return {"refundId": r["refund_id"], "orderId": r["order_id"], "amountFen": r["amount_fen"],
                "state": r["state"], "queryId": r["query_id"]}


def system_clock() -> datetime:
    return datetime.now(timezone.utc)
