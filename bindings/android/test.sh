#!/usr/bin/env bash
# The Android library's checks that can run without the Android NDK or SDK (see README.md
# for what cannot): build-native.sh's message when the NDK is missing; the
# card-encryption-only build on the host JVM (host-test: shared vectors, OpenSSL decrypting
# what it encrypted, the merchant API absent); the host library itself (no merchant
# function exported, no AWS-LC inside) and its size beside the full library.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

step "tools"
if ! command -v mvn >/dev/null || ! command -v java >/dev/null; then
  apt-get update -qq && apt-get install -y -qq maven openjdk-17-jdk-headless >/dev/null
fi
command -v openssl >/dev/null || { apt-get update -qq && apt-get install -y -qq openssl >/dev/null; }
command -v nm >/dev/null || { apt-get update -qq && apt-get install -y -qq binutils >/dev/null; }
echo "ok: $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), $(openssl version)"

step "build-native.sh without the NDK: says what is missing, builds nothing"
expect_refusal() { # wanted-text env...
  local want=$1 out status=0
  shift
  out="$(env "$@" bash "$HERE/build-native.sh" 2>&1)" || status=$?
  [[ $status != 0 ]] || fail "build-native.sh succeeded with $*"
  grep -qF -- "$want" <<<"$out" || fail "build-native.sh with $* did not say '$want':"$'\n'"$out"
  grep -qF "nothing was built" <<<"$out" || fail "build-native.sh with $* did not say that nothing was built"
  echo "ok: $* -> $(head -1 <<<"$out" | cut -c1-110)..."
}
before="$(ls -lR "$HERE/src/main/jniLibs" 2>/dev/null || true)"
not_ndk="$(mktemp -d)"
expect_refusal "the Android NDK is missing: set ANDROID_NDK_HOME" -u ANDROID_NDK_HOME
expect_refusal "is not an Android NDK" ANDROID_NDK_HOME="$not_ndk"
rmdir "$not_ndk"
[[ "$(ls -lR "$HERE/src/main/jniLibs" 2>/dev/null || true)" == "$before" ]] ||
  fail "the refusals changed src/main/jniLibs"

step "the card-encryption-only build on the host JVM (host-test: generate.sh, then JUnit)"
cd "$HERE/host-test"
rm -rf target/surefire-reports
status=0
mvn -q -B -Dstyle.color=never test 2>&1 | sed -u -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' || status=$?
if compgen -G "target/surefire-reports/TEST-*.xml" >/dev/null; then
  python3 "$ROOT/tests/tools/surefire_summary.py" target/surefire-reports
fi
[ "$status" = 0 ] || exit "$status"

step "the host library: exports, no AWS-LC, size beside the full library"
host="$(rustc -vV | sed -n 's/^host: //p')"
mobile="$CARGO_TARGET_DIR/$host/release/libunionpay_acp_ffi.so"
[[ -f $mobile ]] || { echo "skipped: not a Linux host ($host)"; exit 0; }
fns="$(nm -D --defined-only "$mobile" | awk '{print $3}' | grep '^uniffi_unionpay_acp_ffi_fn_' | sort)"
echo "exported functions of the encryption-only library: $(wc -l <<<"$fns")"
sed 's/^uniffi_unionpay_acp_ffi_fn_/  /' <<<"$fns"
bad="$(grep -Ei 'merchantkey|credentials|client|verifier|sign_fields|pkcs12|decrypt' <<<"$fns" || true)"
[[ -z $bad ]] || fail "merchant functions exported: $bad"
grep -q 'fn_method_encryptioncert_encrypt_pan$' <<<"$fns" || fail "encrypt_pan is not exported"
awslc="$(nm "$mobile" | grep -ci 'aws_lc' || true)"
[[ $awslc == 0 ]] || fail "$awslc AWS-LC symbols in the encryption-only library"
echo "ok: no merchant function exported, no AWS-LC symbol inside"
full="$CARGO_TARGET_DIR/release/libunionpay_acp_ffi.so"
size() { wc -c <"$1" | tr -d ' '; }
stripped() { local s; s="$(mktemp)"; strip -o "$s" "$1"; size "$s"; rm -f "$s"; }
echo "encryption-only: $(size "$mobile") bytes ($(stripped "$mobile") stripped), $host"
if [[ -f $full ]]; then
  echo "full (default features, AWS-LC): $(size "$full") bytes ($(stripped "$full") stripped)"
fi
