"""Cold starts with a paired baseline, interleaved in one run (the machine is noisy: the
ratios are what to read). Each case is a whole process: start the runtime, load the
library, load the merchant key, sign one request.

    python3 tests/tools/bench_cold.py [--runs 15]     (make bench-cold)

npm:    the package (npm/lib, npm/pkg built by npm/test.sh) vs plain JS on node:crypto, with
        the PFX and with the same key as PEM (node:crypto cannot read a PFX).
Python: the package (python/.venv, built by python/test.sh) vs `cryptography`.

Two figures per case: the median wall time, and the median CPU time of the process (user +
system, all its threads, from wait4), which moves less when other jobs share the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent / "cold"
FIELDS = {
    "version": "5.1.0", "encoding": "UTF-8", "txnType": "01", "txnSubType": "01",
    "bizType": "000902", "accessType": "0", "channelType": "07",
    "merId": "777290058110097", "orderId": "20261125120000001", "txnTime": "20261125120000",
    "txnAmt": "1000", "currencyCode": "156", "backUrl": "http://127.0.0.1:8080/notify",
}


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench-cold: {' '.join(cmd)} failed")
    return wall, usage.ru_utime + usage.ru_stime


def pair(name: str, package: list[str], baseline: list[str], env: dict[str, str], runs: int) -> None:
    samples: dict[str, list[tuple[float, float]]] = {"package": [], "baseline": []}
    for cmd in (package, baseline):  # warm the page cache once
        run(cmd, env)
    for _ in range(runs):
        samples["package"].append(run(package, env))
        samples["baseline"].append(run(baseline, env))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in samples.items()}
    (pw, pc), (bw, bc) = med["package"], med["baseline"]
    print(f"{name:8s} package {pw * 1e3:6.1f} ms wall {pc * 1e3:6.1f} ms CPU | "
          f"baseline {bw * 1e3:6.1f} ms wall {bc * 1e3:6.1f} ms CPU | "
          f"ratio {pw / bw:.2f}x wall, {pc / bc:.2f}x CPU")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    fixtures = ROOT / "tests/fixtures/sandbox"
    env = dict(os.environ, ACP_FIELDS=json.dumps(FIELDS), ACP_PFX=str(fixtures / "merchant.pfx"),
               ACP_PEM=str(fixtures / "merchant.key.pem"), ACP_CERT=str(fixtures / "merchant.pem"), ACP_NPM=str(ROOT / "npm/lib/index.cjs"))
    print(f"bench-cold: median of {args.runs} interleaved runs; require/import, load the key, sign one request")
    if (ROOT / "npm/pkg/acp_bg.wasm").exists():
        pair("npm", ["node", str(HERE / "npm_package.cjs")], ["node", str(HERE / "npm_plain.cjs")], env, args.runs)
        # The same key as PEM on both sides: what the PFX's KDFs cost the package.
        pair("npm PEM", ["node", str(HERE / "npm_package_pem.cjs")], ["node", str(HERE / "npm_plain.cjs")], env, args.runs)
    else:
        print("npm      skipped: npm/pkg not built (bash npm/test.sh)")
    python = ROOT / "python/.venv/bin/python"
    probe = subprocess.run([str(python), "-c", "import unionpay_acp, cryptography"], capture_output=True) if python.exists() else None
    if probe is not None and probe.returncode == 0:
        # -I: isolated, so the source folder on the path does not shadow the installed package.
        pair("Python", [str(python), "-I", str(HERE / "py_package.py")],
             [str(python), "-I", str(HERE / "py_plain.py")], env, args.runs)
    else:
        print("Python   skipped: python/.venv without the package (bash python/test.sh)")


if __name__ == "__main__":
    main()
