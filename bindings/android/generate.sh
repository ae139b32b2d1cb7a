#!/usr/bin/env bash
# The Kotlin API of the card-encryption-only build: builds acp-uniffi's library with
# `--no-default-features` for the build host (pure Rust, no AWS-LC, no bindings generator
# inside) and generates the Kotlin bindings from it into <out-dir> with the workspace's
# uniffi-bindgen (the default build's, as python/test.sh and bindings/kotlin build it).
# The metadata is the same in every target's build of these features, so the Android
# libraries get this API (build-native.sh calls this; so does host-test/pom.xml).
# With a second argument, also stages the host library under JNA's class-path layout
# (<native-dir>/linux-x86-64/libunionpay_acp_ffi.so) for the host test.
# Built under target/<host triple>/release, not target/release: the default-featured
# library the other suites load stays what it is.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="${1:?usage: generate.sh <out-dir> [<native-dir>]}"
NATIVE="${2:-}"

host="$(rustc -vV | sed -n 's/^host: //p')"
case "$host" in
  x86_64-unknown-linux-gnu) jna=linux-x86-64 lib=libunionpay_acp_ffi.so ;;
  aarch64-unknown-linux-gnu) jna=linux-aarch64 lib=libunionpay_acp_ffi.so ;;
  x86_64-apple-darwin) jna=darwin-x86-64 lib=libunionpay_acp_ffi.dylib ;;
  aarch64-apple-darwin) jna=darwin-aarch64 lib=libunionpay_acp_ffi.dylib ;;
  *) echo "generate.sh: unsupported build host $host" >&2; exit 1 ;;
esac
LIB_DIR="$CARGO_TARGET_DIR/$host/release"

echo "generate.sh: cargo build --release --lib -p acp-uniffi --no-default-features --target $host"
cargo build -q --release --lib -p acp-uniffi --no-default-features --target "$host" \
  --manifest-path "$ROOT/Cargo.toml"
echo "generate.sh: cargo build --release -p acp-uniffi --bin acp-uniffi-bindgen"
cargo build -q --release -p acp-uniffi --bin acp-uniffi-bindgen --manifest-path "$ROOT/Cargo.toml"

rm -rf "$OUT"
"$CARGO_TARGET_DIR/release/acp-uniffi-bindgen" generate --library "$LIB_DIR/$lib" \
  --language kotlin --no-format --out-dir "$OUT" >/dev/null
find "$OUT" -name '*.kt' -printf 'generate.sh: generated %P\n'

if [[ -n $NATIVE ]]; then
  mkdir -p "$NATIVE/$jna"
  cp "$LIB_DIR/$lib" "$NATIVE/$jna/$lib"
  echo "generate.sh: staged $jna/$lib ($(wc -c <"$LIB_DIR/$lib" | tr -d " ") bytes)"
fi
