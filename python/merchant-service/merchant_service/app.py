"""The HTTP API (tests/merchant/README.md) on FastAPI; `python -m merchant_service` runs it."""

from __future__ import annotations

import json
import logging
import re
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import Any, AsyncIterator

import httpx
import unionpay_acp as acp
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from . import db, ledger, pages
from .config import Config
from .payments import Payments, Refused, system_clock
from .worker import Worker

_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def make_clock(url: str | None) -> Any:
    """The system clock, or (tests) the sandbox's, whose time the tests move."""
    if url is None:
        return system_clock
    http = httpx.Client(timeout=5.0)

    def sandbox_clock() -> datetime:
        return datetime.fromtimestamp(int(http.get(url).json()["unix"]), timezone.utc)

    return sandbox_clock


def make_client(cfg: Config, clock: Any) -> acp.Client:
    certs = _PEM.findall(cfg.trust_pem)
    if len(certs) < 2:
        raise SystemExit("merchant-service: ACP_TRUST_PEM must hold the root and the middle certificate")
    settings = {
        "merId": cfg.mer_id,
        "environment": {"baseUrl": cfg.gateway},
        "trust": {"roots": [certs[0]], "middles": certs[1:]},
        "encryptionCert": cfg.enc_cert,
    }
    key = acp.MerchantKey.from_pkcs12(cfg.pfx, cfg.pfx_password)
    return acp.Client(settings, key, clock=clock, timeout=10.0,
                      http=httpx.Client(limits=httpx.Limits(max_connections=100)))


def create_app(cfg: Config) -> FastAPI:
    clock = make_clock(cfg.clock_url)
    engine = db.connect(cfg.database_url)
    payments = Payments(engine, make_client(cfg, clock), clock, cfg.public_url)
    worker = Worker(payments, cfg.worker_interval)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        worker.start()
        yield
        worker.stop()

    app = FastAPI(title="unionpay-acp reference merchant service", lifespan=lifespan)

    @app.exception_handler(Refused)
    async def refused(_request: Request, e: Refused) -> JSONResponse:
        return JSONResponse({"error": e.code, "message": str(e)}, status_code=e.status)

    @app.exception_handler(acp.AcpError)
    async def library_error(_request: Request, e: acp.AcpError) -> JSONResponse:
        return JSONResponse({"error": f"acp_{e.code}", "message": str(e)}, status_code=400)

    def body_of(raw: bytes) -> dict[str, Any]:
        try:
            value = json.loads(raw or b"{}")
        except ValueError:
            raise Refused(400, "bad_json", "the body is not JSON") from None
        if not isinstance(value, dict):
            raise Refused(400, "bad_json", "the body must be a JSON object")
        return value

    def integer(value: Any, name: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise Refused(400, "bad_amount", f"{name} must be an integer (fen)")
        return value

    @app.get("/health")
    def health() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/orders")
    async def create_order(request: Request) -> JSONResponse:
        body = body_of(await request.body())
        created, view = await _threaded(payments.create_order, str(body.get("orderId", "")),
                                        integer(body.get("amountFen"), "amountFen"), str(body.get("token", "")))
        return JSONResponse(view, status_code=201 if created else 200)

    @app.get("/orders/{order_id}")
    def get_order(order_id: str) -> dict[str, Any]:
        return payments.order_view(order_id)

    @app.post("/orders/{order_id}/sms")
    def send_sms(order_id: str) -> dict[str, Any]:
        return payments.send_sms(order_id)

    @app.post("/orders/{order_id}/pay")
    async def pay(order_id: str, request: Request) -> dict[str, Any]:
        body = body_of(await request.body())
        return await _threaded(payments.pay, order_id, str(body.get("smsCode", "")))

    @app.post("/orders/{order_id}/refunds")
    async def refund(order_id: str, request: Request) -> JSONResponse:
        body = body_of(await request.body())
        created, view = await _threaded(payments.refund, order_id, str(body.get("refundId", "")),
                                        integer(body.get("amountFen"), "amountFen"))
        return JSONResponse(view, status_code=201 if created else 200)

    @app.post("/notify")
    async def notify(request: Request) -> Response:
        reply = await _threaded(payments.receive_notification, await request.body())
        return Response(content=reply.body, status_code=reply.status, media_type="text/plain")

    @app.post("/days/{settle_date}/reconcile")
    def reconcile(settle_date: str) -> dict[str, Any]:
        return payments.reconcile(settle_date)

    @app.get("/days/{settle_date}")
    def day(settle_date: str) -> dict[str, Any]:
        with db.transaction(engine) as conn:
            report = ledger.report(conn, settle_date)
        if report is None:
            raise Refused(404, "no_report", f"no reconciliation of {settle_date} yet")
        return report

    @app.get("/status/orders/{order_id}", response_class=HTMLResponse)
    def order_page(order_id: str) -> HTMLResponse:
        page = pages.order_page(engine, order_id)
        return HTMLResponse(page or "no such order", status_code=200 if page else 404)

    @app.get("/status/days/{settle_date}", response_class=HTMLResponse)
    def day_page(settle_date: str) -> HTMLResponse:
        page = pages.day_page(engine, settle_date)
        return HTMLResponse(page or "no report", status_code=200 if page else 404)

    @app.get("/stats")
    def stats() -> dict[str, int]:
        with db.transaction(engine) as conn:
            values = ledger.counters(conn)
            unfinished = ledger.unfinished_count(conn)
        names = ["notificationsReceived", "notificationsBooked", "duplicateNotifications",
                 "requestsSent", "queriesSent", "recovered"]
        return {**{n: values.get(n, 0) for n in names}, "unfinished": unfinished}

    return app


async def _threaded(fn: Any, *args: Any) -> Any:
    """A blocking call (database, library HTTP) off the event loop."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)


def main() -> None:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    cfg = Config.from_env()
    uvicorn.run(create_app(cfg), host="127.0.0.1", port=cfg.port, log_level="warning", access_log=False)
