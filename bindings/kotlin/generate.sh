#!/usr/bin/env bash
# Maven's generate-sources step (pom.xml runs it through exec-maven-plugin), so that `mvn
# package` works on a fresh tree: builds the cdylib and uniffi-bindgen (cargo, release),
# generates the Kotlin bindings into target/generated-sources/uniffi (build output, never
# committed) and stages the native library under JNA's resource layout,
# target/native/<os-arch>/ (linux-x86-64/libunionpay_acp_ffi.so, ...), which the JAR
# carries: JNA finds it on the class path, no jna.library.path needed.
# Libraries for other platforms (make dist) are staged beside it before `mvn package`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
LIB_DIR="$CARGO_TARGET_DIR/release"

case "$(uname -s)" in
  Linux) os=linux lib=libunionpay_acp_ffi.so ;;
  Darwin) os=darwin lib=libunionpay_acp_ffi.dylib ;;
  *) echo "generate.sh: unsupported build host $(uname -s)" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x86-64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) echo "generate.sh: unsupported build host CPU $(uname -m)" >&2; exit 1 ;;
esac

echo "generate.sh: cargo build --release -p acp-uniffi (cdylib and uniffi-bindgen)"
cargo build -q --release -p acp-uniffi --manifest-path "$ROOT/Cargo.toml"

GEN="$HERE/target/generated-sources/uniffi"
rm -rf "$GEN"
"$LIB_DIR/acp-uniffi-bindgen" generate --library "$LIB_DIR/$lib" \
  --language kotlin --no-format --out-dir "$GEN" >/dev/null
find "$GEN" -name '*.kt' -printf 'generate.sh: generated %P\n'

NATIVE="$HERE/target/native/$os-$arch"
mkdir -p "$NATIVE"
cp "$LIB_DIR/$lib" "$NATIVE/$lib"
echo "generate.sh: staged $os-$arch/$lib for the JAR"
