"""Sign and verify ops/s through the binding against hand-written `cryptography` code
doing the same ACP work, in one run (the machine is noisy: compare within a run).

    python bench.py [--seconds 1.0]

sign:   canonical string → SHA-256 hex → RSA-2048 PKCS#1 v1.5 SHA-256 → base64, on a
        15-field consume request (binding: `MerchantKey.sign_fields`, AWS-LC backend).
verify: a sandbox-signed 2.8 KB notification body: form-decode → canonical string →
        SHA-256 hex → RSA verify with the (cached) signing certificate's key (binding:
        `Verifier.verify_notify_body`, which also checks the chain once and caches it).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import pkcs12

# Import the installed wheel, not the source folder next to this script.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from unionpay_acp import MerchantKey, Verifier, settings_json  # noqa: E402

TESTS = Path(__file__).resolve().parents[1] / "tests"
FIELDS = {
    "version": "5.1.0", "encoding": "UTF-8", "txnType": "01", "txnSubType": "01",
    "bizType": "000902", "accessType": "0", "channelType": "07",
    "merId": "777290058110097", "orderId": "20261125120000001", "txnTime": "20261125120000",
    "txnAmt": "1000", "currencyCode": "156", "backUrl": "http://127.0.0.1:8080/notify",
    "tokenPayData": "{token=6235240000020757577&trId=62000000001}", "signMethod": "01",
}


def rate(fn: Callable[[], Any], seconds: float) -> float:
    fn()
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(20):
            fn()
        n += 20
    return n / elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    pfx = (TESTS / "fixtures/sandbox/merchant.pfx").read_bytes()
    key = MerchantKey.from_pkcs12(pfx, "000000")  # native (AWS-LC) backend
    pk, _, _ = pkcs12.load_key_and_certificates(pfx, b"000000")
    assert pk is not None

    def raw_sign() -> dict[str, str]:
        f = dict(FIELDS)
        f["certId"] = key.cert_id()
        s = "&".join(f"{k}={v}" for k, v in sorted(f.items()) if v and k != "signature")
        digest = hashlib.sha256(s.encode()).hexdigest().encode()
        f["signature"] = base64.b64encode(pk.sign(digest, padding.PKCS1v15(), hashes.SHA256())).decode()  # type: ignore[union-attr, call-arg, arg-type]
        return f

    assert raw_sign()["signature"] == key.sign_fields(FIELDS).fields["signature"]

    doc = json.loads((TESTS / "vectors/verify.json").read_text(encoding="utf-8"))
    group, case = next(
        (g, t) for g in doc["testGroups"] for t in g["tests"]
        if g["trust"] == "custom" and t["bodyKind"] == "notify" and t["result"] == "valid"
    )
    body = case["input"].encode()
    now = datetime.fromisoformat(case["now"].replace("Z", "+00:00"))
    roots = [(TESTS / p).read_bytes() for p in group["roots"]]
    middles = [(TESTS / p).read_bytes() for p in group["middles"]]
    verifier = Verifier(settings_json({"trust": {"roots": roots, "middles": middles}}))
    keys: dict[str, Any] = {}

    def raw_verify() -> dict[str, str]:
        f = dict(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True))
        pem = f["signPubKeyCert"]
        pub = keys.get(pem)
        if pub is None:  # chain checks omitted here; the binding does them once, cached
            pub = keys[pem] = x509.load_pem_x509_certificate(pem.encode()).public_key()
        s = "&".join(f"{k}={v}" for k, v in sorted(f.items()) if v and k != "signature")
        digest = hashlib.sha256(s.encode()).hexdigest().encode()
        pub.verify(base64.b64decode(f["signature"]), digest, padding.PKCS1v15(), hashes.SHA256())
        return f

    assert raw_verify() == verifier.verify_notify_body(body, now)

    ops = {
        "sign (binding)": lambda: key.sign_fields(FIELDS),
        "sign (cryptography)": raw_sign,
        "verify (binding)": lambda: verifier.verify_notify_body(body, now),
        "verify (cryptography)": raw_verify,
    }
    best = {name: 0.0 for name in ops}
    for _ in range(args.rounds):  # interleaved rounds, best of each
        for name, fn in ops.items():
            best[name] = max(best[name], rate(fn, args.seconds))
    for name, r in best.items():
        print(f"{name:24s} {r:10,.0f} ops/s")
    for op in ("sign", "verify"):
        ratio = best[f"{op} (binding)"] / best[f"{op} (cryptography)"]
        print(f"{op} ratio binding/cryptography: {ratio:.2f}x (target >= 0.90x)")


if __name__ == "__main__":
    main()
