"""The worker: after a start, every request a dead process left in the outbox; then, for
as long as the service runs, every status query whose time the planner set has come."""

from __future__ import annotations

import logging
import threading
from typing import Callable

from .payments import Payments

_log = logging.getLogger("merchant_service.worker")


class Worker(threading.Thread):
    def __init__(self, payments: Payments, interval: float) -> None:
        super().__init__(name="merchant-worker", daemon=True)
        self.payments = payments
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        recovered = self._guarded(self.payments.recover)
        if recovered:
            _log.info("recovered %d requests left in the outbox", recovered)
        while not self.stopping.is_set():
            sent = self._guarded(self.payments.query_due)
            if not sent:
                self.stopping.wait(self.interval)

    def _guarded(self, job: Callable[[], int]) -> int:
        try:
            return job()
        except Exception:  # noqa: BLE001 - the database or the network: try again next round
            _log.exception("worker round failed; retrying")
            self.stopping.wait(self.interval)
            return 0

    def stop(self) -> None:
        self.stopping.set()
