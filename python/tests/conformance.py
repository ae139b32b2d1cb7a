"""The Python runner of the shared conformance scenarios (tests/conformance/, whose README
is the contract every runner follows), step for step as the Rust runner
(bindings/sandbox/tests/conformance.rs) and the JS one (npm/test/conformance.mjs),
through the installed wheel's public API only, with its own `query_until_final`: every
`now` is the sandbox's clock, and every wait advances it instead of sleeping.
Prints `conformance python: N passed, M failed`; exits non-zero on a failure.

    python/.venv/bin/python python/tests/conformance.py   (ACP_BIN = the acp binary;
                                                            default target/release/acp)
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

import httpx
from sandbox_process import spawn_sandbox

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"

try:
    import unionpay_acp as acp
except ImportError as e:  # the wheel is not installed (python/test.sh installs it)
    print(f"conformance python: unionpay_acp does not import (bash python/test.sh): {e}", file=sys.stderr)
    print("conformance python: 0 passed, 1 failed")
    sys.exit(1)


def read(rel: str) -> bytes:
    return (TESTS / rel).read_bytes()


class StepError(Exception):
    pass


def fail(message: str) -> Any:
    raise StepError(message)


def same(a: Any, b: Any) -> bool:
    """JSON equality, strict about types (true is not 1)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def expect_eq(expect: dict[str, Any], key: str, got: Any) -> None:
    if key in expect and not same(expect[key], got):
        fail(f"{key}: expected {json.dumps(expect[key])}, got {json.dumps(got)}")


def check_error(expect: dict[str, Any], e: BaseException) -> None:
    if isinstance(e, acp.AcpError) and "error" in expect and expect["error"] == e.code:
        return
    if isinstance(e, acp.AcpError):
        fail(f"unexpected error {e}")
    fail(f"unexpected error {''.join(traceback.format_exception(e))}")


def check_error_absent(expect: dict[str, Any]) -> None:
    if "error" in expect:
        fail(f"expected error {expect['error']}, the step succeeded")


def check_outcome(expect: dict[str, Any], outcome: Any) -> None:
    check_error_absent(expect)
    v = json.loads(outcome.to_json()) if outcome is not None else {}
    expect_eq(expect, "outcome", v.get("name"))
    expect_eq(expect, "decisiveCode", v.get("decisiveCode"))
    expect_eq(expect, "pendingReason", v.get("pendingReason"))


def check_step(expect: dict[str, Any], step: Any, now: int) -> None:
    check_outcome(expect, step.outcome())
    v = json.loads(acp.next_step_to_json(step))
    expect_eq(expect, "step", v.get("step"))
    expect_eq(expect, "reason", v.get("reason"))
    if isinstance(v.get("at"), int):
        expect_eq(expect, "queryAfter", v["at"] - now)
    elif "queryAfter" in expect:
        fail("expected a query, there is none")


class Run:
    """One scenario's run: its client, saved values and kept requests and steps."""

    def __init__(self, base: str, tag: str) -> None:
        self.base = base
        self.tag = tag
        self.vars: dict[str, str] = {}
        self.kept: dict[str, dict[str, Any]] = {}
        self.http = httpx.Client(timeout=5.0)
        self.planned: Optional[int] = None
        key = acp.MerchantKey.from_pkcs12(read("fixtures/sandbox/merchant.pfx"), "000000")
        settings = {
            "merId": "777290058110097",
            "environment": {"baseUrl": base},
            "trust": {
                "roots": [read("fixtures/sandbox/root.pem")],
                "middles": [read("fixtures/sandbox/middle.pem")],
            },
            "encryptionCert": read("fixtures/sandbox/enc.pem"),
        }
        # The sandbox's clock, never the machine's; the client reads it after each POST.
        self.client = acp.Client(settings, key, clock=self.now, timeout=5.0)

    def close(self) -> None:
        self.client.close()
        self.http.close()

    def unix(self) -> int:
        return int(self.http.get(f"{self.base}/_sandbox/clock").json()["unix"])

    def now(self) -> datetime:
        self.planned = self.unix()
        return datetime.fromtimestamp(self.planned, timezone.utc)

    def advance(self, seconds: float) -> None:
        self.admin("/_sandbox/clock", {"advance": str(math.ceil(seconds))})

    def admin(self, path: str, form: dict[str, str]) -> None:
        r = self.http.post(f"{self.base}{path}", data=form)
        if r.status_code != 200:
            fail(f"{path}: HTTP {r.status_code} {r.text}")

    def subst(self, text: str) -> str:
        """`${…}` replaced (see the README)."""
        out, rest = "", text
        while (start := rest.find("${")) >= 0:
            out += rest[:start]
            end = rest.find("}", start)
            if end < 0:
                fail(f"unclosed ${{ in {text}")
            out += self.value_of(rest[start + 2 : end])
            rest = rest[end + 1 :]
        return out + rest

    def value_of(self, name: str) -> str:
        if name.startswith("order:"):
            if name not in self.vars:
                self.vars[name] = f"{self.tag}{len(self.vars):04d}"
            return self.vars[name]
        if name == "backUrl":
            return f"{self.base}/_sandbox/sink"
        if name == "settleDate":
            date = str(self.http.get(f"{self.base}/_sandbox/clock").json().get("clearingDate") or "")
            return date[-4:]
        if name not in self.vars:
            fail(f"${{{name}}} was never saved")
        return self.vars[name]

    def params(self, v: Optional[dict[str, Any]]) -> dict[str, str]:
        return {k: self.subst(str(val)) for k, val in (v or {}).items()}

    def run_step(self, step: dict[str, Any]) -> None:
        expect: dict[str, Any] = step.get("expect") or {}
        name = step.get("as", "")
        do = step.get("do")
        if do in ("call", "build"):
            try:
                request = self.client.build(step["api"], **self.params(step.get("params")))
            except Exception as e:
                return check_error(expect, e)
            self.save_request(step, request)
            if do == "build":
                check_error_absent(expect)
                self.kept[name] = {"request": request}
                return None
            try:
                # `queryAfter` counts from the now the planner was given (read after the POST).
                nxt = self.client.send(request, timeout=step.get("timeoutMs", 5000) / 1000)
            except Exception as e:
                return check_error(expect, e)
            check_step(expect, nxt, self.planned if self.planned is not None else self.unix())
            self.save_outcome(step, nxt.outcome())
            self.kept[name] = {"request": request, "step": nxt}
        elif do == "until_final":
            start = self.kept.get(step["from"], {}).get("step")
            if start is None:
                fail(f"nothing kept under '{step['from']}'")
            try:
                last = self.client.query_until_final(
                    start, max_queries=step.get("maxQueries", 40), max_wait=None, now=self.now, sleep=self.advance
                )
            except acp.AcpError as e:
                fail(f"query: {e}")
            check_outcome(expect, last.outcome())
            self.save_outcome(step, last.outcome())
            self.kept[name] = {"final": last}
        elif do == "notifications":
            self.notifications(step, expect)
        elif do == "receive":
            receipt = self.client.receive_notification(self.subst(step.get("body", "")).encode())
            expect_eq(expect, "replyStatus", receipt.reply.status)
            if receipt.error is not None:
                check_error(expect, receipt.error)
            else:
                check_error_absent(expect)
        elif do == "key_update":
            try:
                update, client = self.client.key_update_query(**self.params(step.get("params")))
            except Exception as e:
                fail(f"key update: {e}")
            v = json.loads(acp.key_update_to_json(update))
            expect_eq(expect, "kind", v.get("kind"))
            expect_eq(expect, "certId", v.get("certId"))
            self.client = client
        elif do == "decode_archive":
            try:
                got = json.loads(acp.read_reconciliation_archive(read(step["file"])).to_json())
            except acp.AcpError as e:
                fail(str(e))
            file = TESTS / "conformance" / expect.get("json", "")
            if not same(got, json.loads(file.read_text(encoding="utf-8"))):
                fail(f"the archive's JSON differs from {file}")
        elif do == "file_transfer":
            try:
                sent = self.client.file_transfer(**self.params(step.get("params")))
                outcome = sent.outcome() or fail("the file transfer got no answer")
                records = outcome.response().reconciliation()
            except acp.AcpError as e:
                fail(f"file transfer: {e}")
            for order in expect.get("zmOrders", []):
                order_id = self.subst(order)
                if not any(z.order_id == order_id for z in records.zm):
                    fail(f"no ZM record for order {order_id}")
            if "books" in step:
                books = [self.book_entry(b) for b in step["books"]]
                self.check_report(expect, json.loads(acp.reconcile(books, records).to_json()))
        elif do == "sandbox":
            if isinstance(step.get("fault"), dict):
                self.admin("/_sandbox/faults", {k: self.subst(str(v)) for k, v in step["fault"].items()})
            elif isinstance(step.get("advance"), int):
                self.admin("/_sandbox/clock", {"advance": str(step["advance"])})
            elif isinstance(step.get("rotate"), str):
                self.admin("/_sandbox/keys", {"rotate": step["rotate"]})
            else:
                fail(f"unknown sandbox step {json.dumps(step)}")
        else:
            fail(f"unknown step '{do}'")
        return None

    def book_entry(self, entry: dict[str, Any]) -> Any:
        """One book entry of the scenario (the core's JSON) as the typed record."""

        def text(key: str) -> Optional[str]:
            return self.subst(entry[key]) if key in entry else None

        return acp.BookEntry(
            order_id=self.subst(entry["orderId"]),
            txn_type=self.subst(entry["txnType"]),
            amount_fen=int(entry["amountFen"]),
            query_id=text("queryId"),
            orig_query_id=text("origQueryId"),
            state=getattr(acp.BookState, entry["state"].upper()),
        )

    def check_report(self, expect: dict[str, Any], report: dict[str, Any]) -> None:
        """`verdicts`, `resolutions` and `originals` (orderId → expected) against a reconciliation report."""
        lines = {line["orderId"]: line for line in report["lines"]}
        for order, want in expect.get("verdicts", {}).items():
            order_id = self.subst(order)
            got = lines.get(order_id, {}).get("verdict")
            if got != want:
                fail(f"verdict of {order_id}: expected {want}, got {got}")
        for order, want in expect.get("resolutions", {}).items():
            order_id = self.subst(order)
            if order_id not in lines or lines[order_id].get("resolution") != want:
                fail(f"resolution of {order_id}: expected {want}, got {lines.get(order_id, {}).get('resolution')}")
        for order, want in expect.get("originals", {}).items():
            order_id = self.subst(order)
            wanted = self.subst(want)
            got = (lines.get(order_id, {}).get("original") or {}).get("orderId")
            if got != wanted:
                fail(f"original of {order_id}: expected {wanted}, got {got}")

    def notifications(self, step: dict[str, Any], expect: dict[str, Any]) -> None:
        request = self.kept.get(step["for"], {}).get("request")
        if request is None:
            fail(f"nothing kept under '{step['for']}'")
        want = expect.get("count", 1)
        started = time.monotonic()
        found: list[Any] = []
        while time.monotonic() - started < 5:
            found = self.notifications_for(request)
            if len(found) >= want:
                time.sleep(0.2)
                found = self.notifications_for(request)
                break
            time.sleep(0.05)
        if len(found) != want:
            fail(f"{len(found)} notifications, expected {want}")
        for n in found:
            expect_eq(expect, "success", n.success)
            expect_eq(expect, "respCode", n.resp_code)
            try:
                nxt = self.client.core.next_step_after_notification(request, n, self.now())
            except acp.AcpError as e:
                fail(str(e))
            expect_eq(expect, "step", nxt.name())
        if step.get("save") and found:
            for var, path in step["save"].items():
                key = str(path).removeprefix("notification.")
                self.vars[var] = found[0].response.get(key) or ""

    def notifications_for(self, request: Any) -> list[Any]:
        """Every posted notification that verifies with this client and matches `request`."""
        out = []
        for record in self.http.get(f"{self.base}/_sandbox/notifications").json():
            try:
                n = self.client.core.verify_notification(str(record.get("body") or "").encode(), self.now())
            except acp.AcpError as e:
                fail(f"a posted notification does not verify: {e}")
            if self.client.core.notification_matches(n, request):
                out.append(n)
        return out

    def save_request(self, step: dict[str, Any], request: Any) -> None:
        for var, path in (step.get("save") or {}).items():
            if path == "request.orderId":
                value = request.fields.get("orderId")
            elif path == "request.txnTime":
                value = request.fields.get("txnTime")
            elif path.startswith("request.fields."):
                value = request.fields.get(path.removeprefix("request.fields."))
            else:
                continue
            if value is None:
                fail(f"the request has no {path}")
            self.vars[var] = value

    def save_outcome(self, step: dict[str, Any], outcome: Any) -> None:
        for var, path in (step.get("save") or {}).items():
            value = None
            if path == "token":
                try:
                    tpd = outcome.response().token_pay_data() if outcome is not None else None
                    value = tpd.token if tpd is not None else None
                except acp.AcpError:
                    value = None
            elif path.startswith("response."):
                value = outcome.response().get(path.removeprefix("response.")) if outcome is not None else None
            else:
                continue
            if value is None:
                fail(f"the outcome has no {path}")
            self.vars[var] = value


def start_sandbox() -> tuple[str, subprocess.Popen[str]]:
    """`acp sandbox --port 0 --notify-speed 1200` on 127.0.0.1: (base URL, process)."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = Path(os.environ.get("ACP_BIN") or target / "release" / "acp")
    if not binary.exists():
        raise RuntimeError(f"{binary} is missing: cargo build --release -p acp-cli (or set ACP_BIN)")
    return spawn_sandbox(binary, "--exit-on-eof", "--notify-speed", "1200")


def stop_sandbox(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.close()  # --exit-on-eof
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> int:
    files = sorted((TESTS / "conformance" / "scenarios").glob("*.json"))
    try:
        base, proc = start_sandbox()
    except Exception as e:
        print(f"conformance python: {e}", file=sys.stderr)
        print(f"conformance python: 0 passed, {max(len(files), 1)} failed")
        return 1
    passed = failed = 0
    try:
        for i, file in enumerate(files):
            scenario = json.loads(file.read_text(encoding="utf-8"))
            run = Run(base, f"PY{os.getpid() % 10000}S{i:02d}")
            n = 0
            try:
                for n, step in enumerate(scenario.get("steps", [])):
                    run.run_step(step)
                passed += 1
            except Exception as e:
                failed += 1
                why = str(e) if isinstance(e, StepError) else "".join(traceback.format_exception(e))
                print(f"conformance python: {scenario.get('id')} FAILED at step {n}: {why}", file=sys.stderr)
            finally:
                run.close()
    finally:
        stop_sandbox(proc)
    print(f"conformance python: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
