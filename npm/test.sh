#!/usr/bin/env bash
# The Node binding's whole suite, from a clean checkout: installs its tools (idempotent),
# builds the wasm module, generates the glue into npm/pkg, type-checks, runs node:test,
# and installs the packed tarball into a fresh project (require + import).
#
#   bash npm/test.sh            # CARGO_TARGET_DIR is honoured; ACP_BIN may point at `acp`
set -euo pipefail
start=$SECONDS
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - start))"; }

step "tools"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
# wasm-bindgen-cli must equal the crate's exact pin (bindings/wasm/Cargo.toml).
wb_version="$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' "$root/bindings/wasm/Cargo.toml")"
[ -n "$wb_version" ] || { echo "cannot read the wasm-bindgen pin from bindings/wasm/Cargo.toml" >&2; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wb_version" ]; then
  # Not --locked: with it the install fails (a pinned dependency left the registry).
  cargo install --quiet wasm-bindgen-cli --version "$wb_version"
fi
command -v node >/dev/null || { echo "node (>= 18) is required" >&2; exit 1; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
  { echo "node >= 18 is required (found $(node --version))" >&2; exit 1; }

step "wasm build (release, wasm32-unknown-unknown)"
# Three modules: acp (the core, no RSA code: RSA is the host's), acp_rsa (the core's
# pure-Rust RSA, loaded only where node:crypto is missing) and acp_files (file transfer and
# reconciliation, loaded at their first use). One cargo run each, because one run would
# unify the core's features and put the RSA code back into acp.
# One profile: the workspace release profile, tuned for size through the environment
# (a member crate cannot carry its own profile): opt-level "s" (measured: "z" saves
# 15 KB gzipped but costs 3% of signing speed) and the compact AES and SHA-2 code (6 KB;
# no measurable cost, RSA dominates). The flags apply to the wasm target only, so the
# host crates in the same target directory stay cached.
build_wasm() {
  (cd "$root" && CARGO_TARGET_DIR="$target_dir" \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=s CARGO_PROFILE_RELEASE_LTO=true CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS='--cfg aes_backend_soft="compact" --cfg sha2_backend_soft="compact"' \
    cargo build --quiet -p "$1" --release --target wasm32-unknown-unknown)
  wasm-bindgen --target nodejs --weak-refs --remove-name-section --remove-producers-section \
    --out-dir "$here/pkg" --out-name "$2" \
    "$target_dir/wasm32-unknown-unknown/release/${1//-/_}.wasm"
}
rm -rf "$here/pkg"
build_wasm acp-wasm acp
build_wasm acp-wasm-rsa acp_rsa
build_wasm acp-wasm-files acp_files
size_line() { echo "$1: $(wc -c < "$here/pkg/$1") bytes, $(gzip -9c "$here/pkg/$1" | wc -c) bytes gzipped"; }
size_line acp_bg.wasm
size_line acp_rsa_bg.wasm
size_line acp_files_bg.wasm
wasm_raw=$(wc -c < "$here/pkg/acp_bg.wasm")
wasm_gz=$(gzip -9c "$here/pkg/acp_bg.wasm" | wc -c)

step "npm dev dependencies (package-lock.json)"
cd "$here"
# npm ci only when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
fi

step "tsc --noEmit (declarations, test/types.*ts, examples/quick_start.mjs under checkJs)"
node_modules/.bin/tsc --noEmit -p tsconfig.json

step "the acp sandbox for the payment flow test"
if [ -z "${ACP_BIN:-}" ] && [ -d "$root/bindings/sandbox" ]; then
  (cd "$root" && CARGO_TARGET_DIR="$target_dir" cargo build --quiet -p acp-cli)
  export ACP_BIN="$target_dir/debug/acp"
fi
echo "ACP_BIN=${ACP_BIN:-<none: the flow test will be skipped>}"

step "node --test"
node --check examples/express.mjs
node --test --test-reporter=spec test/*.test.mjs

step "conformance scenarios (tests/conformance) through the package"
if [ -n "${ACP_BIN:-}" ]; then
  node test/conformance.mjs
else
  echo "skipped: no acp binary for the sandbox"
fi

step "npm pack + install into a fresh project"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tarball="$(npm pack --silent --pack-destination "$tmp" | tail -n 1)"
python3 "$root/packaging/licenses.py" "$tmp/$tarball"
mkdir "$tmp/app"
(cd "$tmp/app" &&
  export ENC_PEM="$root/tests/fixtures/sandbox/enc.pem" &&
  npm init -y >/dev/null &&
  npm install --no-audit --no-fund --loglevel=error "$tmp/$tarball" &&
  node -e '
    const acp = require("unionpay-acp");
    const { Client, AcpError } = acp;
    if (typeof Client !== "function" || acp.apiNames().length !== 23) process.exit(1);
    if (acp.parseSyncBody !== undefined) process.exit(1);
    try { acp.danger.parseSyncBody("a=1&a=2"); process.exit(1); } catch (e) { if (!(e instanceof AcpError) || e.code !== 4001) throw e; }
    // The file module is packed too and not loaded by require.
    if (Object.keys(require.cache).some((f) => f.endsWith("acp_files.js"))) process.exit(1);
    // The pure-Rust RSA module is packed too and loads on demand.
    const cert = new acp.EncryptionCert(require("fs").readFileSync(process.env.ENC_PEM), { backend: "portable" });
    if (Buffer.from(cert.encrypt("6216261000000000018"), "base64").length !== 256) process.exit(1);
    console.log("require(\"unionpay-acp\") ok, backend:", acp.hasNodeCrypto ? "node:crypto" : "portable");
  ' &&
  node --input-type=module -e '
    import { Client, AcpError, apiNames } from "unionpay-acp";
    import cjs from "unionpay-acp";
    import { createRequire } from "node:module";
    const required = createRequire(import.meta.url)("unionpay-acp");
    if (Client !== required.Client || AcpError !== cjs.AcpError || apiNames().length !== 23) process.exit(1);
    console.log("import \"unionpay-acp\" ok (same classes as require)");
  ')
echo "tarball: $tarball ($(wc -c < "$tmp/$tarball") bytes)"

step "npm publish --dry-run (no warning but the login one) and a new user's project"
publish_log="$(npm publish --dry-run 2>&1)"
if grep -i 'npm warn' <<<"$publish_log" | grep -vq 'requires you to be logged in'; then
  echo "$publish_log" >&2
  echo "FAIL: npm publish --dry-run warns" >&2
  exit 1
fi
echo "npm publish --dry-run: $(grep -c 'npm notice [0-9.]*k\?B ' <<<"$publish_log") files, no warnings"
if [ -n "${ACP_BIN:-}" ]; then
  bash "$root/packaging/consumer/npm.sh" "$ACP_BIN" "$tmp/$tarball" node
else
  echo "skipped: no acp binary for the sandbox"
fi

printf '\nnpm/test.sh: all passed in %ss (acp_bg.wasm %s bytes, %s gzipped; acp_rsa_bg.wasm %s gzipped; acp_files_bg.wasm %s gzipped)\n' \
  "$((SECONDS - start))" "$wasm_raw" "$wasm_gz" "$(gzip -9c "$here/pkg/acp_rsa_bg.wasm" | wc -c)" "$(gzip -9c "$here/pkg/acp_files_bg.wasm" | wc -c)"
