#!/usr/bin/env python3
"""The black-box suite of the reference merchant services (tests/merchant/README.md).

Drives one service over HTTP against the sandbox: N concurrent payments on per-order
faults, refunds retried concurrently, `kill -9` of the service at random moments and a
restart each time; then compares every order with the sandbox's ledger, runs the day's
reconciliation and prints one line:

    merchant-service <lang> <db>: N passed, M failed (payments …, kills …, faults …, …)

    python3 tests/merchant/blackbox.py --service python --db sqlite --database-url sqlite:////tmp/m.db
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

import httpx

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "sandbox"
CARD = dict(acc_no="6221558812340000", phone_no="13552535506", cvn2="123", expired="2311")
SMS_CODE = "111111"
ABORT = threading.Event()  # set when the service cannot be restarted: the drivers stop

# Per-order faults of the consume (the sandbox's POST /_sandbox/faults forms): every one
# is processed by the gateway with a result spec §7.2 lists, so each order has a truth the
# planner reaches within its schedule. (Codes no table lists, and requests that never
# arrived, stay unknown until the reconciliation file: the conformance scenarios
# decline-unknown-code and query-not-found cover those.)
FAULTS: list[tuple[str, int, dict[str, str]]] = [
    ("none", 34, {}),
    ("slow answer", 8, {"action": "delay", "ms": "1500"}),
    ("dropped answer", 8, {"action": "drop", "processed": "true"}),
    ("held answer", 4, {"action": "no_answer", "processed": "true"}),
    ("03, succeeds", 6, {"action": "resp_code", "code": "03", "truth": "success", "revealAfter": "60"}),
    ("05, succeeds", 4, {"action": "resp_code", "code": "05", "truth": "success", "revealAfter": "60"}),
    ("04, fails 61", 4, {"action": "resp_code", "code": "04", "truth": "failure:61", "revealAfter": "60"}),
    ("declined 64", 6, {"action": "decline", "code": "64"}),
    ("declined 63", 2, {"action": "decline", "code": "63"}),
    ("failing notification", 8, {"action": "notify_fail", "attempts": "2"}),
    ("repeated notification", 12, {"action": "notify_repeat", "copies": "2"}),
    ("bad signature", 4, {"action": "bad_signature"}),
]


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failures: list[str] = []
        self.lock = threading.Lock()

    def check(self, ok: bool, what: str) -> bool:
        with self.lock:
            if ok:
                self.passed += 1
            else:
                self.failures.append(what)
        return ok


class Sandbox:
    def __init__(self, acp_bin: str, state_dir: Path) -> None:
        # A fixed morning (Beijing 10:00) so that the clock the suite moves never crosses
        # the clearing day's cut-off, whenever the suite runs.
        today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        self.proc = subprocess.Popen(
            [acp_bin, "sandbox", "--port", "0", "--exit-on-eof", "--notify-speed", "20",
             "--state", str(state_dir), "--now", f"{today}T02:00:00Z"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            raise SystemExit(f"the sandbox did not start: {self.url!r}")
        self.http = httpx.Client(base_url=self.url, timeout=10.0)

    def fault(self, form: dict[str, str]) -> None:
        r = self.http.post("/_sandbox/faults", data=form)
        r.raise_for_status()

    def advance(self, seconds: int) -> None:
        self.http.post("/_sandbox/clock", data={"advance": str(seconds)}).raise_for_status()

    def state(self) -> dict[str, Any]:
        value: dict[str, Any] = self.http.get("/_sandbox/state").json()
        return value

    def clearing_date(self) -> str:
        return str(self.http.get("/_sandbox/clock").json()["clearingDate"])[-4:]

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Service:
    """The service under test: started, `kill -9`ed and restarted on the same database."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str], port: int, log: Path) -> None:
        self.command, self.cwd, self.env, self.port = command, cwd, env, port
        self.log = log.open("ab")
        self.proc: Optional[subprocess.Popen[bytes]] = None
        self.url = f"http://127.0.0.1:{port}"
        self.lock = threading.Lock()

    def start(self) -> None:
        with self.lock:
            self.log.write(f"=== start at {time.strftime('%H:%M:%S')}\n".encode())
            self.log.flush()
            self.proc = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=self.log,
                                         stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit(f"the service exited at start (code {self.proc.returncode}); see {self.log.name}")
            time.sleep(0.1)
        raise SystemExit(f"the service did not answer /health in 60 s; see {self.log.name}")

    def kill9(self) -> None:
        with self.lock:
            if self.proc is not None:
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait()

    def stop(self) -> None:
        with self.lock:
            if self.proc is not None and self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()


def call(http: httpx.Client, method: str, path: str, body: Optional[dict[str, Any]] = None,
         deadline: float = 240.0) -> httpx.Response:
    """One API call, retried while the service is down (being killed is the point)."""
    stop = time.monotonic() + deadline
    while True:
        try:
            r = http.request(method, path, json=body)
            if r.status_code < 500:
                return r
        except httpx.HTTPError:
            pass
        if time.monotonic() > stop:
            raise RuntimeError(f"{method} {path}: no answer for {deadline} s")
        if ABORT.is_set():
            raise RuntimeError(f"{method} {path}: the run was aborted")
        time.sleep(0.3)


def open_token(sandbox: Sandbox) -> str:
    """A token for the test card, opened with the library directly (fixture, not under test)."""
    import unionpay_acp as acp

    pems = re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", sandbox.http.get("/_sandbox/trust").text, re.S)
    clock_now = lambda: datetime.fromtimestamp(int(sandbox.http.get("/_sandbox/clock").json()["unix"]), timezone.utc)  # noqa: E731
    client = acp.Client({"merId": "777290058110097", "environment": {"baseUrl": sandbox.url},
                         "trust": {"roots": [pems[0]], "middles": [pems[1]]},
                         "encryptionCert": (FIXTURES / "enc.pem").read_bytes()},
                        acp.MerchantKey.from_pkcs12((FIXTURES / "merchant.pfx").read_bytes(), "000000"),
                        clock=clock_now)
    order = f"OPEN{time.time_ns():x}"[-20:]
    sms = client.sms_open(order_id=order, **CARD)
    opened = client.back_open(order_id=order, txn_time=sms.request.txn_time, sms_code=SMS_CODE, **CARD)
    outcome = opened.outcome()
    if outcome is None or outcome.name() != "success":
        raise SystemExit("opening the test card failed")
    token: str = outcome.response().token_pay_data().token
    client.close()
    return token


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--service", choices=["python", "node"], required=True)
    ap.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--command", required=True, help="the service's start command (shell words)")
    ap.add_argument("--cwd", default=str(ROOT))
    ap.add_argument("--payments", type=int, default=200)
    ap.add_argument("--kills", type=int, default=4)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("MERCHANT_SEED", "0")) or None)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    checks = Checks()
    work = Path(tempfile.mkdtemp(prefix=f"merchant-{args.service}-{args.db}-"))
    label = f"merchant-service {args.service} {args.db}"
    print(f"{label}: seed {seed}, work directory {work}", flush=True)

    sandbox = Sandbox(os.environ.get("ACP_BIN", str(ROOT / "target" / "release" / "acp")), work / "sandbox-state")
    trust = work / "trust.pem"
    trust.write_text(sandbox.http.get("/_sandbox/trust").text)
    port = args.port or _free_port()
    env = {**os.environ, "PORT": str(port), "DATABASE_URL": args.database_url, "ACP_GATEWAY": sandbox.url,
           "ACP_TRUST_PEM": str(trust), "ACP_ENC_CERT": str(FIXTURES / "enc.pem"),
           "ACP_PFX": str(FIXTURES / "merchant.pfx"), "ACP_PFX_PASSWORD": "000000",
           "ACP_CLOCK_URL": f"{sandbox.url}/_sandbox/clock", "WORKER_INTERVAL_MS": "100"}
    service = Service(args.command.split(), Path(args.cwd), env, port, work / "service.log")
    stats: dict[str, Any] = {}
    try:
        token = open_token(sandbox)
        service.start()
        stats = run(args, rng, sandbox, service, token, checks)
    except Exception as e:  # noqa: BLE001 - reported as a failed check, with the line below
        checks.check(False, f"the run stopped: {e!r}")
    finally:
        service.stop()
        sandbox.close()
    failed = len(checks.failures)
    for f in checks.failures[:20]:
        print(f"  FAILED: {f}")
    detail = ", ".join(f"{k} {v}" for k, v in stats.items())
    print(f"{label}: {checks.passed} passed, {failed} failed ({detail})", flush=True)
    return 1 if failed else 0


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(args: Any, rng: random.Random, sandbox: Sandbox, service: Service, token: str,
        checks: Checks) -> dict[str, Any]:
    n = args.payments
    tag = f"{rng.randrange(36 ** 6):06x}".upper()
    weights = [w for _, w, _ in FAULTS]
    plan = []
    for i in range(n):
        name, _, form = rng.choices(FAULTS, weights)[0]
        plan.append({"orderId": f"M{tag}{i:05d}", "amountFen": rng.randrange(500, 20000), "fault": name,
                     "form": form, "refund": rng.random() < 0.35})
    faults = 0
    for p in plan:
        if p["form"]:
            sandbox.fault({**p["form"], "orderId": p["orderId"], "txnType": "01", "times": "1"})
            faults += 1

    done = threading.Event()
    kills = [0]

    def advance_clock() -> None:  # the planner's queries and the sandbox's reveals, in minutes
        while not done.wait(0.5):
            try:
                sandbox.advance(20)
            except httpx.HTTPError:
                pass

    def killer() -> None:
        for _ in range(args.kills):
            if done.wait(rng.uniform(2.0, 6.0)):
                return
            service.kill9()
            kills[0] += 1
            time.sleep(rng.uniform(0.2, 1.0))
            try:
                service.start()
            except BaseException as e:  # noqa: BLE001 - a restart that fails ends the run
                checks.check(False, f"restart after kill {kills[0]}: {e}")
                ABORT.set()
                return

    threading.Thread(target=advance_clock, daemon=True).start()
    killer_thread = threading.Thread(target=killer, daemon=True)
    killer_thread.start()

    http = httpx.Client(base_url=service.url, timeout=30.0, limits=httpx.Limits(max_connections=200))
    refund_attempts = [0]

    def pay(p: dict[str, Any]) -> None:
        oid = p["orderId"]
        r = call(http, "POST", "/orders", {"orderId": oid, "amountFen": p["amountFen"], "token": token})
        checks.check(r.status_code in (200, 201), f"{oid}: create → {r.status_code} {r.text[:200]}")
        for _ in range(20):  # an SMS lost in a crash is sent again
            r = call(http, "POST", f"/orders/{oid}/sms")
            if r.status_code == 200 and r.json()["state"] == "sms_sent":
                break
            time.sleep(0.3)
        r = call(http, "POST", f"/orders/{oid}/pay", {"smsCode": SMS_CODE})
        checks.check(r.status_code == 200, f"{oid}: pay → {r.status_code} {r.text[:200]}")
        order = wait_final(http, oid)
        if p["refund"] and order.get("state") == "succeeded":
            refund(http, p, order)

    def refund(http: httpx.Client, p: dict[str, Any], order: dict[str, Any]) -> None:
        """The same refund three times at once, and one that would exceed the paid amount."""
        oid = p["orderId"]
        a = {"refundId": f"R{oid}A", "amountFen": 300}
        b = {"refundId": f"R{oid}B", "amountFen": p["amountFen"] - 200}
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda body: call(http, "POST", f"/orders/{oid}/refunds", body), [a, a, a, b]))
        refund_attempts[0] += 4
        accepted = {x.json()["refundId"] for x in answers if x.status_code in (200, 201)}
        refused = [x for x in answers if x.status_code == 409]
        checks.check(len(accepted) == 1 and all(x.json().get("error") == "refund_exceeds_paid" for x in refused),
                     f"{oid}: refunds A×3 and B at once: accepted {sorted(accepted)}, answers "
                     f"{[(x.status_code, x.text[:80]) for x in answers]}")

    def wait_final(http: httpx.Client, oid: str) -> dict[str, Any]:
        stop = time.monotonic() + 300
        while time.monotonic() < stop:
            r = call(http, "GET", f"/orders/{oid}")
            order: dict[str, Any] = r.json()
            if order.get("state") in ("succeeded", "failed", "unknown"):
                return order
            time.sleep(0.5)
        return {}

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=min(n, 100)) as pool:
        for future in [pool.submit(pay, p) for p in plan]:
            try:
                future.result()
            except Exception as e:  # noqa: BLE001 - one order's failure is a failed check
                checks.check(False, f"driver: {e!r}")
    killer_thread.join()
    # Every refund driven to its end as well: the worker queries on the planner's schedule.
    stop = time.monotonic() + 300
    while time.monotonic() < stop:
        st = call(http, "GET", "/stats").json()
        if st.get("unfinished") == 0:
            break
        time.sleep(0.5)
    st = call(http, "GET", "/stats").json()
    checks.check(st.get("unfinished") == 0, f"requests still unfinished after 300 s: {st.get('unfinished')}")
    done.set()
    elapsed = time.monotonic() - started

    mismatches, double_refunds = compare_with_ledger(http, sandbox, plan, checks)
    report = call(http, "POST", f"/days/{sandbox.clearing_date()}/reconcile")
    body = report.json() if report.status_code == 200 else {}
    unexplained = [l for l in body.get("lines", []) if l.get("verdict") not in ("matched", "failed_as_booked")]
    checks.check(report.status_code == 200 and body.get("clean") is True and not unexplained,
                 f"reconciliation: {report.status_code} clean={body.get('clean')} unexplained={unexplained[:5]}")
    page = call(http, "GET", f"/status/orders/{plan[0]['orderId']}")
    checks.check(page.status_code == 200 and plan[0]["orderId"] in page.text, "the order's status page")
    day = call(http, "GET", f"/status/days/{sandbox.clearing_date()}")
    checks.check(day.status_code == 200 and "clean" in day.text, "the day's status page")
    return {"payments": n, "refund attempts": refund_attempts[0], "kills": kills[0], "faults": faults,
            "recovered": st.get("recovered", 0), "repeated notifications": st.get("duplicateNotifications", 0),
            "double bookings": max(0, st.get("notificationsBooked", 0) - distinct_notified(sandbox)),
            "double refunds": double_refunds, "mismatches": mismatches, "seconds": round(elapsed)}


def distinct_notified(sandbox: Sandbox) -> int:
    """How many transactions the sandbox notified (each may be posted several times)."""
    seen = set()
    for n in sandbox.http.get("/_sandbox/notifications").json():
        fields = dict(x.split("=", 1) for x in n.get("body", "").split("&") if "=" in x)
        seen.add((fields.get("orderId"), fields.get("txnType"), fields.get("queryId")))
    return len(seen)


def compare_with_ledger(http: httpx.Client, sandbox: Sandbox, plan: list[dict[str, Any]],
                        checks: Checks) -> tuple[int, int]:
    """Every order and refund against the sandbox's own record of what happened."""
    txns = sandbox.state()["txns"]
    consumes = {t["order_id"]: t for t in txns if t["txn_type"] == "01"}
    refunds_by_orig: dict[str, list[dict[str, Any]]] = {}
    for t in txns:
        if t["txn_type"] == "04" and t.get("orig_query_id"):
            refunds_by_orig.setdefault(t["orig_query_id"], []).append(t)
    mismatches = double_refunds = 0
    for p in plan:
        oid = p["orderId"]
        order = call(http, "GET", f"/orders/{oid}").json()
        truth = consumes.get(oid)
        want = "succeeded" if truth and truth["code"] == "00" else "failed"
        ok = order.get("state") == want and (want == "failed" or (order.get("queryId") == truth["query_id"]
                                                                  and truth["amount"] == p["amountFen"]))
        if not checks.check(ok, f"{oid} ({p['fault']}): service {order.get('state')}/{order.get('queryId')}, "
                                f"sandbox {truth and truth['code']}/{truth and truth['query_id']}"):
            mismatches += 1
        if want != "succeeded":
            continue
        settled = [t for t in refunds_by_orig.get(truth["query_id"], []) if t["code"] == "00"]
        ids = {r["refundId"]: r for r in order.get("refunds", [])}
        sandbox_total = sum(t["amount"] for t in settled)
        ok = (sandbox_total <= p["amountFen"] and len({t["order_id"] for t in settled}) == len(settled)
              and all(t["order_id"] in ids and ids[t["order_id"]]["state"] == "succeeded" for t in settled)
              and order.get("refundedFen") == sandbox_total)
        if not checks.check(ok, f"{oid}: refunds: sandbox {[(t['order_id'], t['amount']) for t in settled]}, "
                                f"service {order.get('refunds')}"):
            double_refunds += 1
    return mismatches, double_refunds


if __name__ == "__main__":
    sys.exit(main())
