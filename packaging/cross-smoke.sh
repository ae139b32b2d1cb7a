#!/usr/bin/env bash
# Runs what was cross-built (make dist-check): the C binding's own test programs,
# cross-compiled, under an emulator, against this machine's sandbox.
#
#   cross-smoke.sh aarch64 ACP_BINARY
#       builds the core for aarch64-unknown-linux-gnu (Debian's gcc-aarch64-linux-gnu, the
#       same AWS-LC build as the aarch64 wheel and JAR library) into a static libunionpay_acp,
#       links c-header/tests/test_vectors.c and test_flow.c against it, and runs them under
#       qemu-aarch64-static: every shared vector (sign, verify, encrypt, decrypt, PKCS#12, ...)
#       and the token flow against a sandbox on 127.0.0.1 (the x86_64 `acp`).
#   cross-smoke.sh windows ACP_BINARY unionpay_acp-V-windows-x86_64.zip
#       links test_errors.c and test_vectors.c (mingw-w64) against the zip's DLL through its
#       import library and runs them under wine: the error catalogue, every shared vector.
#       (No sandbox flow: the C tests' HTTP helper is POSIX sockets.)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
T="${CARGO_TARGET_DIR:-$ROOT/target}"
what=$1 acp=$2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tests=(c-header/tests/util.c c-header/tests/json.c)
vectors=(canonical sign verify encrypt customer_info decrypt pkcs12 forms)

case $what in
aarch64)
  export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
  # Its own target directory: the zig-built wheel's C dependencies (AWS-LC) would otherwise
  # be rebuilt each time the compiler switches between zig and gcc.
  cargo build --quiet --release --target aarch64-unknown-linux-gnu -p acp-c --lib --target-dir "$T/cross-gcc"
  lib="$T/cross-gcc/aarch64-unknown-linux-gnu/release/libunionpay_acp_c.a"
  for t in vectors flow; do
    extra=()
    [[ $t == flow ]] && extra=(c-header/tests/http.c)
    # (-static: glibc warns that getaddrinfo and getpwuid_r want its shared libraries at run
    # time; qemu runs the program with the cross toolchain's, so the warnings are dropped.)
    aarch64-linux-gnu-gcc -std=c11 -O1 -static -Ic-header -o "$work/test_$t" "c-header/tests/test_$t.c" "${tests[@]}" \
      "${extra[@]}" "$lib" -lpthread -ldl -lm -lrt -lutil 2>&1 | { grep -v -e 'statically linked applications' -e 'in function' || true; }
  done
  file "$work/test_vectors" | grep -q 'ARM aarch64' || { echo "not an aarch64 program" >&2; exit 1; }
  for v in "${vectors[@]}"; do qemu-aarch64-static "$work/test_vectors" tests "$v"; done
  qemu-aarch64-static "$work/test_flow" "$acp" tests
  echo "aarch64: vectors and the sandbox flow passed under $(qemu-aarch64-static --version | head -n 1)"
  ;;
windows)
  zip=$3
  unzip -q "$zip" -d "$work"
  pkg="$(echo "$work"/unionpay_acp-*-windows-x86_64)"
  for t in errors vectors; do
    # mingw has no timegm: its _mkgmtime is the same function.
    x86_64-w64-mingw32-gcc -std=c11 -O1 -Dtimegm=_mkgmtime -I"$pkg/include" -Ic-header/tests -o "$work/test_$t.exe" \
      "c-header/tests/test_$t.c" "${tests[@]}" -L"$pkg/lib" -l:libunionpay_acp.dll.a
  done
  cp "$pkg/bin/unionpay_acp.dll" "$work/"
  # wine 8 (Debian 12) lacks bcryptprimitives.dll, where Rust's std gets random bytes:
  # a stand-in beside the test programs only (packaging/wine/bcryptprimitives.c).
  x86_64-w64-mingw32-gcc -shared -O1 -o "$work/bcryptprimitives.dll" packaging/wine/bcryptprimitives.c -ladvapi32
  export WINEPREFIX="$T/dist-tools/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  mkdir -p "$WINEPREFIX"
  wine "$work/test_errors.exe" errors.json
  for v in "${vectors[@]}"; do wine "$work/test_vectors.exe" tests "$v"; done
  echo "windows: the DLL passed the error catalogue and every vector under $(wine --version)"
  ;;
*)
  echo "usage: cross-smoke.sh aarch64|windows ACP_BINARY [ZIP]" >&2
  exit 2
  ;;
esac
