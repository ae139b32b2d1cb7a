"""The rows: orders, outbox requests, refunds, notifications, counters and reports.

Plain SQL that both SQLite and PostgreSQL run. Every function takes the connection of
the caller's transaction: the caller decides what belongs together.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Optional

from sqlalchemy import Connection, text

from .db import for_update

Row = dict[str, Any]


def _one(conn: Connection, sql: str, **params: Any) -> Optional[Row]:
    row = conn.execute(text(sql), params).mappings().first()
    return dict(row) if row is not None else None


def _all(conn: Connection, sql: str, **params: Any) -> list[Row]:
    return [dict(r) for r in conn.execute(text(sql), params).mappings().all()]


# --- orders ------------------------------------------------------------------------------

def insert_order(conn: Connection, order_id: str, amount_fen: int, token: str, now: int) -> bool:
    """False when the order exists already."""
    result = conn.execute(
        text("INSERT INTO orders (order_id, amount_fen, token, state, created_at, updated_at)"
             " VALUES (:o, :a, :t, 'created', :n, :n) ON CONFLICT DO NOTHING"),
        {"o": order_id, "a": amount_fen, "t": token, "n": now},
    )
    return result.rowcount == 1


def order(conn: Connection, order_id: str, lock: bool = False) -> Optional[Row]:
    sql = "SELECT * FROM orders WHERE order_id = :o"
    return _one(conn, sql + (for_update(conn) if lock else ""), o=order_id)


def update_order(conn: Connection, order_id: str, now: int, **values: Any) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    conn.execute(text(f"UPDATE orders SET {sets}, updated_at = :now WHERE order_id = :order_id"),
                 {**values, "now": now, "order_id": order_id})


def orders_for_books(conn: Connection, settle_date: str) -> list[Row]:
    return _all(conn, "SELECT * FROM orders WHERE state <> 'created' AND state <> 'sms_sent'"
                      " AND (settle_date = :d OR settle_date IS NULL) ORDER BY order_id", d=settle_date)


# --- the outbox --------------------------------------------------------------------------

def insert_request(conn: Connection, order_id: str, kind: str, stored: str, now: int,
                   refund_id: Optional[str] = None) -> str:
    """The request as it will leave, status `outbox`, before it is sent."""
    request_id = uuid.uuid4().hex
    conn.execute(
        text("INSERT INTO requests (id, order_id, kind, refund_id, request, status, created_at, updated_at)"
             " VALUES (:i, :o, :k, :r, :q, 'outbox', :n, :n)"),
        {"i": request_id, "o": order_id, "k": kind, "r": refund_id, "q": stored, "n": now},
    )
    return request_id


def request(conn: Connection, request_id: str, lock: bool = False) -> Optional[Row]:
    sql = "SELECT * FROM requests WHERE id = :i"
    return _one(conn, sql + (for_update(conn) if lock else ""), i=request_id)


def requests_of_order(conn: Connection, order_id: str, kind: Optional[str] = None) -> list[Row]:
    sql = "SELECT * FROM requests WHERE order_id = :o"
    if kind:
        sql += " AND kind = :k"
    return _all(conn, sql + " ORDER BY created_at, id", o=order_id, k=kind)


def requests_with_status(conn: Connection, status: str) -> list[Row]:
    return _all(conn, "SELECT * FROM requests WHERE status = :s ORDER BY created_at", s=status)


def due_requests(conn: Connection, now: int, limit: int = 50) -> list[Row]:
    return _all(conn, "SELECT * FROM requests WHERE status = 'waiting' AND query_at <= :n"
                      " ORDER BY query_at LIMIT :l", n=now, l=limit)


def update_request(conn: Connection, request_id: str, now: int, **values: Any) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    conn.execute(text(f"UPDATE requests SET {sets}, updated_at = :now WHERE id = :id"),
                 {**values, "now": now, "id": request_id})


def unfinished_count(conn: Connection) -> int:
    row = _one(conn, "SELECT COUNT(*) AS n FROM requests WHERE status IN ('outbox', 'waiting')")
    return int(row["n"]) if row else 0


# --- refunds -----------------------------------------------------------------------------

def refund(conn: Connection, refund_id: str) -> Optional[Row]:
    return _one(conn, "SELECT * FROM refunds WHERE refund_id = :r", r=refund_id)


def refunds_of_order(conn: Connection, order_id: str) -> list[Row]:
    return _all(conn, "SELECT * FROM refunds WHERE order_id = :o ORDER BY created_at, refund_id", o=order_id)


def refunds_for_books(conn: Connection) -> list[Row]:
    return _all(conn, "SELECT r.*, o.query_id AS orig_query_id FROM refunds r"
                      " JOIN orders o ON o.order_id = r.order_id ORDER BY r.refund_id")


def refunded_fen(conn: Connection, order_id: str) -> int:
    """What the order's refunds not failed take: the cap counts unknown ones too."""
    row = _one(conn, "SELECT COALESCE(SUM(amount_fen), 0) AS n FROM refunds"
                     " WHERE order_id = :o AND state <> 'failed'", o=order_id)
    return int(row["n"]) if row else 0


def insert_refund(conn: Connection, refund_id: str, order_id: str, amount_fen: int, now: int) -> None:
    conn.execute(text("INSERT INTO refunds (refund_id, order_id, amount_fen, state, created_at)"
                      " VALUES (:r, :o, :a, 'sending', :n)"),
                 {"r": refund_id, "o": order_id, "a": amount_fen, "n": now})


def update_refund(conn: Connection, refund_id: str, **values: Any) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    conn.execute(text(f"UPDATE refunds SET {sets} WHERE refund_id = :refund_id"), {**values, "refund_id": refund_id})


# --- notifications, counters, reports ---------------------------------------------------

def book_notification(conn: Connection, order_id: str, txn_type: str, query_id: str,
                      resp_code: str, now: int) -> bool:
    """False when this notification was booked before (UnionPay repeats them)."""
    result = conn.execute(
        text("INSERT INTO notifications (order_id, txn_type, query_id, resp_code, received_at)"
             " VALUES (:o, :t, :q, :c, :n) ON CONFLICT DO NOTHING"),
        {"o": order_id, "t": txn_type, "q": query_id, "c": resp_code, "n": now},
    )
    return result.rowcount == 1


def notifications_of_order(conn: Connection, order_id: str) -> list[Row]:
    return _all(conn, "SELECT * FROM notifications WHERE order_id = :o ORDER BY received_at", o=order_id)


def count(conn: Connection, name: str, by: int = 1) -> None:
    conn.execute(text("INSERT INTO counters (name, value) VALUES (:n, :b)"
                      " ON CONFLICT (name) DO UPDATE SET value = counters.value + :b"), {"n": name, "b": by})


def counters(conn: Connection) -> dict[str, int]:
    return {r["name"]: int(r["value"]) for r in _all(conn, "SELECT name, value FROM counters")}


def store_report(conn: Connection, settle_date: str, report: dict[str, Any], clean: bool, now: int) -> None:
    conn.execute(text("DELETE FROM reports WHERE settle_date = :d"), {"d": settle_date})
    conn.execute(text("INSERT INTO reports (settle_date, report, clean, created_at) VALUES (:d, :r, :c, :n)"),
                 {"d": settle_date, "r": json.dumps(report), "c": clean, "n": now})


def report(conn: Connection, settle_date: str) -> Optional[dict[str, Any]]:
    row = _one(conn, "SELECT report FROM reports WHERE settle_date = :d", d=settle_date)
    return json.loads(row["report"]) if row else None
