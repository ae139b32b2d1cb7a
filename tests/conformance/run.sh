#!/usr/bin/env bash
# `make conformance`: every language's runner over tests/conformance/scenarios, one line
# each: "conformance <lang>: N passed, M failed". Runners whose toolchain the earlier
# suites set up (the npm package, the Python venv, the Kotlin build, the C build) reuse it.
set -uo pipefail
cd "$(dirname "$0")/../.."
status=0
line() { grep -E '^conformance [a-z]+: [0-9]+ passed, [0-9]+ failed' || { echo "conformance $1: 0 passed, 1 failed (the runner did not report)"; status=1; }; }

cargo test -q -p acp-sandbox --test conformance -- --nocapture | line rust || status=1

# JS: the npm package that `bash npm/test.sh` built (npm/pkg), against `target/release/acp`.
if [ ! -f npm/pkg/acp_bg.wasm ]; then
  echo "conformance js: the npm package is not built (bash npm/test.sh)" >&2
  echo "conformance js: 0 passed, 1 failed"
  status=1
else
  if [ -z "${ACP_BIN:-}" ] && [ ! -x "${CARGO_TARGET_DIR:-target}/release/acp" ]; then
    cargo build -q --release -p acp-cli
  fi
  node npm/test/conformance.mjs | line js || status=1
fi

# Python: the wheel that `bash python/test.sh` installed into python/.venv (its own runner,
# python/tests/conformance.py), against `target/release/acp`.
if [ -x python/.venv/bin/python ] && python/.venv/bin/python -c 'import unionpay_acp' 2>/dev/null; then
  if [ -z "${ACP_BIN:-}" ] && [ ! -x "${CARGO_TARGET_DIR:-target}/release/acp" ]; then
    cargo build -q --release -p acp-cli
  fi
  python/.venv/bin/python python/tests/conformance.py | line python || status=1
else
  echo "conformance python: the wheel is not installed (bash python/test.sh)" >&2
  echo "conformance python: 0 passed, 1 failed"
  status=1
fi

# Kotlin: the JUnit runner (ConformanceTest) in the Maven build that `bash bindings/kotlin/test.sh`
# set up (cdylib, uniffi-bindgen, the Maven cache), against `target/release/acp`; the bindings
# are generated again when the cdylib is newer than them.
kt_lib="$(cd "${CARGO_TARGET_DIR:-target}" 2>/dev/null && pwd)/release"
kt_gen="$PWD/bindings/kotlin/target/generated-sources/uniffi"
if [[ -x $kt_lib/acp-uniffi-bindgen && -f $kt_lib/libunionpay_acp_ffi.so && -x $kt_lib/acp ]] && command -v mvn >/dev/null; then
  if [[ ! -f $kt_gen/uniffi/acp_core/acp_core.kt || $kt_lib/libunionpay_acp_ffi.so -nt $kt_gen/uniffi/acp_core/acp_core.kt ]]; then
    rm -rf "$kt_gen"
    "$kt_lib/acp-uniffi-bindgen" generate --library "$kt_lib/libunionpay_acp_ffi.so" --language kotlin --no-format --out-dir "$kt_gen" >/dev/null
  fi
  (cd bindings/kotlin && mvn -q -B -Dstyle.color=never test -Dtest=ConformanceTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Duniffi.generated="$kt_gen" -Duniffi.lib.dir="$kt_lib" -Dacp.bin="$kt_lib/acp" -Dacp.repo="$PWD/../..") 2>&1 \
    | sed -u -e 's/\x1b\[[0-9;]*m//g' | awk '/^conformance kotlin: /{print; next} {print > "/dev/stderr"}' | line kotlin || status=1
else
  echo "conformance kotlin: 0 passed, 1 failed (not built: run bash bindings/kotlin/test.sh)"
  status=1
fi

# C: the runner in the CMake tree that `bash c-header/test.sh` configured, relinked here
# against the current Rust library so that a run of this script alone never uses a stale one.
target=${CARGO_TARGET_DIR:-target}
if [[ -f $target/c-header-build/CMakeCache.txt ]]; then
  cargo build -q --release -p acp-c -p acp-cli && cmake --build "$target/c-header-build" --target conformance >/dev/null || status=1
fi
if [[ -x $target/c-header-build/conformance && -x $target/release/acp ]]; then
  "$target/c-header-build/conformance" "$target/release/acp" tests | line c || status=1
else
  echo "conformance c: 0 passed, 1 failed (not built: run bash c-header/test.sh)"
  status=1
fi
exit $status
