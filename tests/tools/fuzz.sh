#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time (seconds per target, default 20),
# starting from the committed seeds. A crash fails the run and prints its log.
set -euo pipefail
seconds="${1:-20}"
cd "$(dirname "$0")/../fuzz"
toolchain=()
if cargo +nightly --version >/dev/null 2>&1; then toolchain=(+nightly); else export RUSTC_BOOTSTRAP=1; fi
cargo "${toolchain[@]}" fuzz build --fuzz-dir . -O >/dev/null 2>build.log || { cat build.log; exit 1; }
for t in sync_response notification pem_der pkcs12 zip_archive recon_files customer_info; do
  corpus="$(mktemp -d)"
  cp seeds/"$t"/* "$corpus"/
  if cargo "${toolchain[@]}" fuzz run --fuzz-dir . -O "$t" "$corpus" -- -max_total_time="$seconds" -max_len=65536 >run.log 2>&1; then
    echo "fuzz: $t ran ${seconds}s: $(grep -Eo 'Done [0-9]+ runs' run.log | tail -n 1)"
  else
    tail -n 40 run.log
    echo "fuzz: $t FAILED"
    exit 1
  fi
  rm -rf "$corpus"
done
rm -f build.log run.log
echo "fuzz: no crashes"
