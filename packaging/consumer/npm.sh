#!/usr/bin/env bash
# A new user's first run, npm: a fresh project installs the packed tarball, then one
# JavaScript runtime runs a CommonJS check (require, both wasm modules, the portable RSA
# backend) and the README's quick start (npm/examples/quick_start.mjs, ESM, copied out with
# its fixtures) against a local sandbox.
#   packaging/consumer/npm.sh ACP_BINARY unionpay-acp-X.tgz RUNTIME...
#   RUNTIME: node | /path/to/bun | /path/to/deno run -A   (how to run one script file)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
acp=$1 tarball="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
shift 2
runtime=("$@")
source "$root/packaging/consumer/sandbox.sh"
work="$(mktemp -d)"
trap 'sandbox_stop; rm -rf "$work"' EXIT

app="$work/app"
mkdir -p "$app/tests/fixtures/sandbox"
cp "$root/tests/fixtures/sandbox/"{root.pem,middle.pem,enc.pem,merchant.pfx} "$app/tests/fixtures/sandbox/"
cp "$root/npm/examples/quick_start.mjs" "$root/packaging/consumer/npm/check.cjs" "$app/"
(cd "$app" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "$tarball" >/dev/null)

sandbox_start "$acp" "$work"
name="$(basename "${runtime[0]}") $("${runtime[0]}" --version 2>&1 | head -n 1)"
(cd "$app" && "${runtime[@]}" check.cjs)
out="$(cd "$app" && "${runtime[@]}" quick_start.mjs "$SANDBOX_URL")"
echo "esm: $out"
grep -Eqx 'payment PAY[0-9A-Za-z]+ success: respCode 00, queryId [0-9]+' <<<"$(tail -n 1 <<<"$out")" ||
  { echo "FAIL: the quick start did not pay under $name" >&2; exit 1; }
echo "ok: $(basename "$tarball") in a fresh project under $name (CommonJS and the ESM quick start)"
