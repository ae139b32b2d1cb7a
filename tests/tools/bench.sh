#!/usr/bin/env bash
# Runs the criterion benchmarks and `openssl speed rsa2048` in the same run, and prints
# ops/s with ratios against OpenSSL (single core). Targets: native sign >= 0.9x OpenSSL
# sign; cached verify >= 0.8x OpenSSL verify; card-data encryption (one public-key
# operation) against OpenSSL verify. Both sides are CPU time (`openssl speed` counts its
# user time; the criterion benches their thread's CPU time), so the other processes of a
# busy machine count on neither side; the load is printed: it still moves both a little.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(mktemp -d)"
echo "bench: load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: openssl speed rsa2048 (single core) …"
openssl speed -seconds 3 rsa2048 2>/dev/null | grep -E '^rsa 2048' | tail -n 1 > "$out/openssl.txt"
echo "bench: cargo bench …"
cargo bench --quiet --bench core -- --noplot 2>&1 | tee "$out/criterion.txt" | grep -E 'time:' || true
python3 - "$out" <<'PY'
import re, sys, pathlib
out = pathlib.Path(sys.argv[1])
fields = out.joinpath("openssl.txt").read_text().split()
ossl_sign, ossl_verify = float(fields[-2]), float(fields[-1])
units = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
rows = {}
name = None
for line in out.joinpath("criterion.txt").read_text().splitlines():
    m = re.match(r"^(\S+/\S+)\s*(time:.*)?$", line.strip())
    if m and "/" in m.group(1) and not line.strip().startswith("time"):
        name = m.group(1)
    t = re.search(r"time:\s*\[\S+ \S+ (\S+) (\S+)", line)
    if t and name:
        rows[name] = 1.0 / (float(t.group(1)) * units[t.group(2)])
print(f"\nopenssl speed rsa2048: sign {ossl_sign:,.0f}/s, verify {ossl_verify:,.0f}/s")
print(f"{'benchmark':28} {'ops/s':>12} {'vs openssl':>11}")
for k, v in sorted(rows.items()):
    # Encryption is one public-key operation, like a verification.
    ref = ossl_sign if "sign" in k else ossl_verify if ("verify" in k or "encrypt" in k) else None
    ratio = f"{v / ref:.2f}x" if ref else ""
    print(f"{k:28} {v:12,.0f} {ratio:>11}")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min; $(nproc) cores)"
rm -rf "$out"
