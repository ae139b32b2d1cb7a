#!/usr/bin/env bash
# The Node reference merchant service's tests, as a user installs it: its own locked
# dependencies (npm ci), the library as the packed tarball of npm/ (built by npm/test.sh:
# npm/pkg must exist), then test/smoke.mjs against the sandbox on SQLite and, when
# Debian's PostgreSQL 15 is installed, on a throwaway PostgreSQL cluster.
#
#   bash npm/merchant-service/test.sh      # ACP_BIN: the acp binary (default: target/{release,debug}/acp)
#   ACP_TARBALL=/path/unionpay-acp-0.1.0.tgz bash npm/merchant-service/test.sh   # a tarball packed already
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
npm_dir="$(cd "$here/.." && pwd)"
cd "$here"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tarball="${ACP_TARBALL:-}"
if [ -z "$tarball" ]; then
  [ -f "$npm_dir/pkg/acp_bg.wasm" ] || { echo "npm/pkg is not built: run bash npm/test.sh first" >&2; exit 1; }
  tarball="$tmp/$(cd "$tmp" && npm pack --silent "$npm_dir" | tail -n 1)"
fi
# --no-save: the tarball is a build product, not a locked dependency.
npm install --no-save --no-audit --no-fund --loglevel=error "$tarball"
node --test --test-reporter=spec test/smoke.mjs
