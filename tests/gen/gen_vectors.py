#!/usr/bin/env python3
"""Generates tests/vectors/*.json — the language-neutral test vectors of unionpay-acp.

    python3 tests/gen/gen_vectors.py           # (re)write tests/vectors/*.json
    python3 tests/gen/gen_vectors.py --check   # regenerate in memory, fail on any difference

Independent of the Rust crate: expected values come from acpref.py (Python `cryptography`)
and are cross-checked with the OpenSSL CLI and against the values printed in the protocol
reference (spec §4.5, §3.3, §6.3, §14). Output is deterministic: fixed keys (committed
fixtures), fixed random streams, PKCS#1 v1.5 signatures (deterministic), sorted JSON.
"""

from __future__ import annotations

import argparse
import base64
import difflib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import acpref as ref  # noqa: E402
from vec_common import VectorFile, TESTS, VEC  # noqa: E402
import vec_sign  # noqa: E402
import vec_verify  # noqa: E402
import vec_crypto  # noqa: E402
import vec_forms  # noqa: E402


def build() -> dict[str, str]:
    files: list[VectorFile] = []
    files += vec_sign.build()
    files += vec_verify.build()
    files += vec_crypto.build()
    files += vec_forms.build()
    return {f.name: f.render() for f in files}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = ap.parse_args()
    out = build()
    if args.check:
        bad = 0
        for name, text in sorted(out.items()):
            p = VEC / name
            old = p.read_text(encoding="utf-8") if p.exists() else None
            if old is None:
                print(f"MISSING  {name}")
                bad += 1
            elif old != text:
                diff = list(difflib.unified_diff(old.splitlines(), text.splitlines(),
                                                 f"committed/{name}", f"generated/{name}", n=0, lineterm=""))
                changed = sum(1 for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---")))
                print(f"DIFFERS  {name}: {changed} changed lines; first:")
                for d in diff[:12]:
                    print("    " + d[:160])
                bad += 1
            else:
                print(f"ok       {name}")
        extra = sorted(p.name for p in VEC.glob("*.json") if p.name not in out)
        for name in extra:
            print(f"STALE    {name} (not produced by the generator)")
            bad += 1
        print(f"vector files: {len(out) - min(bad, len(out))} passed, {bad} failed")
        if bad:
            print(f"{bad} file(s) out of date: run `python3 tests/gen/gen_vectors.py`", file=sys.stderr)
            return 1
        return 0
    VEC.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(out.items()):
        (VEC / name).write_text(text, encoding="utf-8")
        n = json.loads(text)["numberOfTests"]
        print(f"wrote tests/vectors/{name} ({n} tests)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
