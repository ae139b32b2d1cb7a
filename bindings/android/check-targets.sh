#!/usr/bin/env bash
# How far the Android build goes on a machine without the Android NDK: the
# card-encryption-only crate (acp-uniffi --no-default-features) compiled for each Android
# target into a static library, which rustc writes without a linker. The shared library
# the AAR carries needs one more step, the link by the NDK's clang against Android's libc
# (bionic), liblog and libdl; build-native.sh does it where the NDK is. Needs only the
# rustup targets (rustup target add aarch64-linux-android armv7-linux-androideabi
# x86_64-linux-android).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
declare -A MACHINE=([aarch64-linux-android]=AArch64 [armv7-linux-androideabi]=ARM [x86_64-linux-android]=X86-64)
installed="$(rustup target list --installed)"

for t in aarch64-linux-android armv7-linux-androideabi x86_64-linux-android; do
  grep -qx "$t" <<<"$installed" || { echo "check-targets.sh: the Rust target $t is missing: rustup target add $t" >&2; exit 1; }
  cargo rustc -q --release --lib -p acp-uniffi --no-default-features --target "$t" \
    --crate-type staticlib --manifest-path "$ROOT/Cargo.toml"
  a="$CARGO_TARGET_DIR/$t/release/libunionpay_acp_ffi.a"
  machines="$(readelf -h "$a" 2>/dev/null | sed -n 's/^ *Machine: *//p' | sort -u | paste -sd, -)"
  [[ $machines == *"${MACHINE[$t]}"* ]] || { echo "check-targets.sh: $a holds objects for '$machines', not ${MACHINE[$t]}" >&2; exit 1; }
  [[ $(nm "$a" 2>/dev/null | grep -c ' T uniffi_unionpay_acp_ffi_fn_method_encryptioncert_encrypt_pan$') -gt 0 ]] ||
    { echo "check-targets.sh: $a has no encrypt_pan" >&2; exit 1; }
  echo "ok: $t: libunionpay_acp_ffi.a ($(wc -c <"$a" | tr -d ' ') bytes, objects for $machines) compiled, not linked (the link needs the NDK)"
done
