#!/usr/bin/env bash
# A new user's first run, C: the README's quick start (c-header/examples, copied out) built
# against an installed prefix only, with find_package (shared and static) and with
# pkg-config (shared, rpath from the .pc's libdir), each run against a local sandbox.
#   packaging/consumer/c.sh ACP_BINARY PREFIX
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
acp=$1 prefix="$(cd "$2" && pwd)"
source "$root/packaging/consumer/sandbox.sh"
work="$(mktemp -d)"
trap 'sandbox_stop; rm -rf "$work"' EXIT

src="$work/src"
mkdir -p "$src" "$work/run/tests/fixtures/sandbox"
cp "$root/packaging/consumer/c/CMakeLists.txt" "$root/c-header/examples/quick_start.c" \
  "$root/c-header/examples/query_until_final.c" "$root/c-header/examples/query_until_final.h" "$src/"
# The quick start reads tests/fixtures/sandbox/* from where it runs.
cp "$root/tests/fixtures/sandbox/"{root.pem,middle.pem,enc.pem,merchant.pfx} "$work/run/tests/fixtures/sandbox/"

cmake -S "$src" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" -j2 >/dev/null
pc_libdir="$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --variable=libdir unionpay_acp)"
# shellcheck disable=SC2046
cc -std=c11 -o "$work/build/quick_start_pkgconfig" "$src/quick_start.c" "$src/query_until_final.c" \
  $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs unionpay_acp libcurl) -Wl,-rpath,"$pc_libdir"

sandbox_start "$acp" "$work"
for kind in shared static pkgconfig; do
  out="$(cd "$work/run" && "$work/build/quick_start_$kind" "$SANDBOX_URL")"
  echo "$kind: $out"
  grep -Eqx 'payment PAY[0-9]+ success: respCode 00, queryId [0-9]+' <<<"$out" ||
    { echo "FAIL: the quick start ($kind) did not pay" >&2; exit 1; }
done
readelf -d "$work/build/quick_start_shared" | grep -q 'NEEDED.*libunionpay_acp.so.0' ||
  { echo "FAIL: quick_start_shared does not link libunionpay_acp.so.0" >&2; exit 1; }
! readelf -d "$work/build/quick_start_static" | grep -q 'NEEDED.*libunionpay_acp' ||
  { echo "FAIL: quick_start_static links the shared library" >&2; exit 1; }
echo "ok: the C quick start built from $prefix with find_package (shared, static) and pkg-config"
