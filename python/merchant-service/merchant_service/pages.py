"""Read-only status pages: one per order, one per clearing day (escaped, no card data)."""

from __future__ import annotations

import html
import json
from typing import Any, Iterable, Optional

from sqlalchemy import Engine

from . import ledger
from .db import transaction


def _table(headers: list[str], rows: Iterable[Iterable[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f"<table border=1 cellpadding=4><tr>{head}</tr>{body}</table>"


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<h1>{html.escape(title)}</h1>{body}")


def order_page(engine: Engine, order_id: str) -> Optional[str]:
    with transaction(engine) as conn:
        order = ledger.order(conn, order_id)
        if order is None:
            return None
        requests = ledger.requests_of_order(conn, order_id)
        refunds = ledger.refunds_of_order(conn, order_id)
        for r in refunds:
            requests += ledger.requests_of_order(conn, r["refund_id"])
        notes = ledger.notifications_of_order(conn, order_id)
    token = order["token"]
    summary = _table(["amount (fen)", "state", "queryId", "respCode", "settleDate", "token"],
                     [[order["amount_fen"], order["state"], order["query_id"], order["resp_code"],
                       order["settle_date"], f"…{token[-4:]}" if token else ""]])
    life = _table(["kind", "status", "outcome", "respCode", "queries", "next query at"],
                  [[r["kind"], r["status"], r["outcome"], r["resp_code"], r["attempts"], r["query_at"]]
                   for r in requests])
    refund_rows = _table(["refundId", "amount (fen)", "state", "queryId"],
                         [[r["refund_id"], r["amount_fen"], r["state"], r["query_id"]] for r in refunds])
    note_rows = _table(["txnType", "respCode", "queryId", "received"],
                       [[n["txn_type"], n["resp_code"], n["query_id"], n["received_at"]] for n in notes])
    return _page(f"Order {order_id}", f"{summary}<h2>Requests</h2>{life}<h2>Refunds</h2>{refund_rows}"
                                      f"<h2>Notifications</h2>{note_rows}")


def day_page(engine: Engine, settle_date: str) -> Optional[str]:
    with transaction(engine) as conn:
        report = ledger.report(conn, settle_date)
    if report is None:
        return None
    summary = "<pre>" + html.escape(json.dumps(report.get("summary"), indent=2)) + "</pre>"
    lines = _table(["verdict", "orderId", "txnType", "books (fen)", "file (fen)", "original"],
                   [[line.get("verdict"), line.get("orderId"), line.get("txnType"), line.get("bookAmountFen"),
                     line.get("fileAmountFen"), (line.get("original") or {}).get("orderId")]
                    for line in report.get("lines", [])])
    verdict = "clean" if report.get("clean") else "NOT clean: see the lines below"
    return _page(f"Clearing day {settle_date}: {verdict}", summary + lines)
