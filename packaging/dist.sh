#!/usr/bin/env bash
# `make dist`: every release artifact into dist/, with SHA256SUMS and a CycloneDX SBOM.
#
#   crate   unionpay-acp-V.crate            cargo publish --dry-run (packages and builds it)
#   Python  unionpay_acp-V-py3-none-manylinux_2_17_{x86_64,aarch64}.whl (zig, glibc 2.17),
#           unionpay_acp-V-py3-none-musllinux_1_2_x86_64.whl, unionpay_acp-V.tar.gz (sdist)
#           one wheel per platform serves every CPython >= 3.10: the module loads the
#           library through ctypes (py3-none), no CPython ABI is involved
#   JVM     unionpay-acp-V.jar with linux-x86-64, linux-aarch64 and win32-x86-64 libraries
#           (JNA's layout), unionpay-acp-V.pom
#   npm     unionpay-acp-V.tgz                npm pack (after npm/test.sh built and tested it)
#   C       unionpay_acp-V-linux-x86_64.tar.gz (cmake --install: header, .a, .so, .pc, CMake
#           config), unionpay_acp-V-windows-x86_64.zip (mingw-w64: DLL, import library, header)
#
# Every tool comes from the registries (packaging/dist-tools.sh). Versions come from one
# place (packaging/versions.py fails first if a manifest disagrees). Cross builds use zig
# (PyPI's ziglang, through maturin --zig) for Linux and mingw-w64 (Debian) for Windows.
#   ACP_DIST_TARGETS="x86_64 aarch64 musl windows" (default: all) limits what is built.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
T="$CARGO_TARGET_DIR"
DIST="$ROOT/dist"
TARGETS="${ACP_DIST_TARGETS:-x86_64 aarch64 musl windows}"
want() { [[ " $TARGETS " == *" $1 "* ]]; }
start=$SECONDS
step() { printf '\n== dist: %s (%ds)\n' "$*" $((SECONDS - start)); }

step "versions and license files"
python3 packaging/versions.py
python3 packaging/licenses.py
VERSION="$(python3 packaging/versions.py --print)"

step "tools (packaging/dist-tools.sh)"
source packaging/dist-tools.sh
rm -rf "$DIST"
mkdir -p "$DIST"

step "crate: cargo publish --dry-run -p unionpay-acp"
dirty=()
[[ -z "$(git status --porcelain 2>/dev/null)" ]] || dirty=(--allow-dirty)
cargo publish --dry-run --quiet -p unionpay-acp "${dirty[@]}"
# (cargo publish leaves it in package/tmp-crate/ in some runs, package/ in others.)
crate="$(ls -t "$T"/package/unionpay-acp-"$VERSION".crate "$T"/package/tmp-crate/unionpay-acp-"$VERSION".crate 2>/dev/null | head -n 1 || true)"
cp "$crate" "$DIST/"

step "host build: uniffi-bindgen and the library whose metadata the bindings come from"
cargo build --quiet --release -p acp-uniffi -p acp-cli
export ACP_BINDGEN="$T/release/acp-uniffi-bindgen" ACP_UNIFFI_METADATA_LIB="$T/release/libunionpay_acp_ffi.so"
bindgen_dir="$(mktemp -d)"
trap 'rm -rf "$bindgen_dir"' EXIT
ln -s "$ROOT/packaging/uniffi-bindgen-host" "$bindgen_dir/uniffi-bindgen"

wheel() { # rust-target compatibility
  step "wheel: $1 ($2, maturin --zig)"
  (cd python && PATH="$bindgen_dir:$DIST_VENV/bin:$PATH" "$DIST_VENV/bin/maturin" build --quiet --release --zig \
    --target "$1" --compatibility "$2" -o "$DIST")
}
want x86_64 && wheel x86_64-unknown-linux-gnu manylinux2014
want aarch64 && wheel aarch64-unknown-linux-gnu manylinux2014
want musl && wheel x86_64-unknown-linux-musl musllinux_1_2
for w in "$DIST"/*.whl; do
  [[ -e $w ]] || continue
  "$DIST_VENV/bin/python" packaging/wheel_tag.py "$w"
done

step "sdist (maturin sdist)"
(cd python && "$DIST_VENV/bin/maturin" sdist -o "$DIST")

if want windows; then
  step "Windows x86_64 (mingw-w64): the C DLL and the JVM library"
  cargo build --quiet --release --target x86_64-pc-windows-gnu -p acp-c -p acp-uniffi --lib
  win="$T/x86_64-pc-windows-gnu/release"
  stage="$(mktemp -d)/unionpay_acp-$VERSION-windows-x86_64"
  mkdir -p "$stage/include" "$stage/bin" "$stage/lib"
  cp c-header/unionpay_acp.h "$stage/include/"
  cp "$win/unionpay_acp_c.dll" "$stage/bin/unionpay_acp.dll"
  # The import library names the DLL it was made for: make it again for unionpay_acp.dll.
  x86_64-w64-mingw32-dlltool --dllname unionpay_acp.dll --output-lib "$stage/lib/libunionpay_acp.dll.a" \
    --input-def <(gendef - "$stage/bin/unionpay_acp.dll" 2>/dev/null)
  cp "$win/libunionpay_acp_c.a" "$stage/lib/libunionpay_acp.a"
  cp LICENSE-MIT LICENSE-APACHE "$stage/"
  (cd "$(dirname "$stage")" && zip -qr "$DIST/unionpay_acp-$VERSION-windows-x86_64.zip" "$(basename "$stage")")
  rm -rf "$(dirname "$stage")"
fi

step "JAR: the Kotlin binding with every platform's library"
native="$T/dist-native"
rm -rf "$native"
mkdir -p "$native/linux-x86-64"
# The zig build (glibc 2.17) where it was made, else the host's.
lib_x86="$T/x86_64-unknown-linux-gnu/release/libunionpay_acp_ffi.so"
want x86_64 || lib_x86="$T/release/libunionpay_acp_ffi.so"
cp "$lib_x86" "$native/linux-x86-64/"
if want aarch64; then
  mkdir -p "$native/linux-aarch64"
  cp "$T/aarch64-unknown-linux-gnu/release/libunionpay_acp_ffi.so" "$native/linux-aarch64/"
fi
if want windows; then
  mkdir -p "$native/win32-x86-64"
  cp "$T/x86_64-pc-windows-gnu/release/unionpay_acp_ffi.dll" "$native/win32-x86-64/"
fi
(cd bindings/kotlin && mvn -q -B -Dstyle.color=never package -DskipTests -Duniffi.native="$native" 2>&1 |
  sed -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d')
cp "bindings/kotlin/target/unionpay-acp-$VERSION.jar" "$DIST/"
cp bindings/kotlin/pom.xml "$DIST/unionpay-acp-$VERSION.pom"

step "npm: npm/test.sh (wasm build, tests), then npm pack"
bash npm/test.sh >"$T/dist-npm.log" 2>&1 || { tail -n 40 "$T/dist-npm.log"; exit 1; }
(cd npm && npm pack --silent --pack-destination "$DIST" >/dev/null)

step "C: cmake --install into a prefix, packed"
cbuild="$T/dist-c-build"
stage="$(mktemp -d)/unionpay_acp-$VERSION-linux-x86_64"
cmake -S c-header -B "$cbuild" -DACP_BUILD_TESTS=OFF -DACP_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=Release \
  -DACP_CARGO_TARGET_DIR="$T" >/dev/null
cmake --build "$cbuild" >/dev/null
cmake --install "$cbuild" --prefix "$stage" >/dev/null
tar -C "$(dirname "$stage")" -czf "$DIST/unionpay_acp-$VERSION-linux-x86_64.tar.gz" "$(basename "$stage")"
rm -rf "$(dirname "$stage")"

step "SBOM (CycloneDX, from the lock files) and SHA256SUMS"
python3 packaging/sbom.py >"$DIST/unionpay-acp-$VERSION.cdx.json"
python3 packaging/licenses.py "$DIST"/*.{crate,whl,tar.gz,jar,tgz,zip}
(cd "$DIST" && sha256sum -- * >SHA256SUMS)

printf '\ndist/ (%ds):\n' $((SECONDS - start))
(cd "$DIST" && while read -r sum name; do
  printf '  %-66s %10s bytes  sha256 %s\n' "${name#\*}" "$(wc -c <"${name#\*}")" "$sum"
done <SHA256SUMS)
