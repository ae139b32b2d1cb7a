#!/usr/bin/env bash
# `make dist-check`: what `make dist` put into dist/, used the way a new user would, only
# from the artifacts: checksums, license files, wheel tags, the crate's contents; a fresh
# venv (wheel and sdist), fresh Maven projects (Kotlin, Java), fresh npm projects under
# Node 20, 18 and 22, Bun and Deno, a C project against the unpacked prefix; the aarch64
# wheel, JAR library and core under qemu-user and the Windows DLL under wine. Ends with `dist: N passed, M failed`.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
T="$CARGO_TARGET_DIR"
DIST="$ROOT/dist"
VERSION="$(python3 packaging/versions.py --print)"
set -e
source packaging/dist-tools.sh
source packaging/arm64-root.sh
set +e
[[ -f $DIST/SHA256SUMS ]] || { echo "dist-check: no dist/ (run make dist)" >&2; exit 1; }
cargo build --quiet --release -p acp-cli || exit 1
ACP="$T/release/acp"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

passed=0 failed=0 failures=()
check() { # name command...
  local name=$1
  shift
  printf '\n== dist-check: %s\n' "$name"
  if (set -euo pipefail; "$@"); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAILED: $name"
  fi
}
artifact() { # glob inside dist/: the one file, or nothing
  local f
  for f in "$DIST"/$1; do [[ -e $f ]] && echo "$f"; done
}

check "SHA256SUMS" bash -c "cd '$DIST' && sha256sum --quiet -c SHA256SUMS"
check "license files in every artifact" \
  python3 packaging/licenses.py $(ls "$DIST"/*.{crate,whl,tar.gz,jar,tgz,zip} 2>/dev/null)

sbom_valid() {
  "$DIST_VENV/bin/python" - "$DIST/unionpay-acp-$VERSION.cdx.json" <<'PY'
import json, sys
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
text = open(sys.argv[1], encoding="utf-8").read()
error = JsonStrictValidator(SchemaVersion.V1_5).validate_str(text)
if error:
    sys.exit(f"not valid CycloneDX 1.5: {error}")
bom = json.loads(text)
kinds = sorted({c["purl"].split("/")[0] for c in bom["components"]})
print(f"SBOM: valid CycloneDX 1.5 (strict schema), {len(bom['components'])} components ({', '.join(kinds)})")
PY
}
check "SBOM: CycloneDX 1.5 schema" sbom_valid

crate_contents() {
  local bad
  bad="$(tar tzf "$(artifact '*.crate')" | sed 's|^[^/]*/||' |
    grep -Ev '^(src/.*|Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|\.cargo_vcs_info\.json|README\.md|CHANGELOG\.md|LICENSE-MIT|LICENSE-APACHE|errors\.json|settings\.json|uniffi\.toml)$' || true)"
  [[ -z $bad ]] || { echo "unexpected in the crate: $bad"; return 1; }
  echo "the crate holds src/ and $(tar tzf "$(artifact '*.crate')" | grep -vc '/src/') top-level files"
}
check "crate: only what it needs" crate_contents

for tag in manylinux_2_17_x86_64 manylinux_2_17_aarch64 musllinux_1_2_x86_64; do
  check "wheel tag $tag" "$DIST_VENV/bin/python" packaging/wheel_tag.py \
    "$(artifact "unionpay_acp-$VERSION-*${tag}*.whl")" --want "$tag"
done
check "Python: the manylinux x86_64 wheel in a fresh venv runs the quick start" \
  bash packaging/consumer/python.sh "$ACP" "$(artifact "unionpay_acp-$VERSION-*manylinux_2_17_x86_64*.whl")"
check "Python: the manylinux aarch64 wheel under Debian's arm64 CPython 3.11 (qemu-user) runs the quick start" \
  bash packaging/consumer/python.sh "$ACP" "$(artifact "unionpay_acp-$VERSION-*manylinux_2_17_aarch64*.whl")" --aarch64 "$ARM64_ROOT"
check "Python: pip install of the sdist in a fresh venv (Rust and pip only) runs the quick start" \
  bash packaging/consumer/python.sh "$ACP" "$DIST/unionpay_acp-$VERSION.tar.gz"

jar_layout() {
  local listing
  listing="$(unzip -l "$DIST/unionpay-acp-$VERSION.jar")"
  for lib in linux-x86-64/libunionpay_acp_ffi.so linux-aarch64/libunionpay_acp_ffi.so win32-x86-64/unionpay_acp_ffi.dll; do
    grep -q " $lib\$" <<<"$listing" || { echo "the JAR has no $lib"; return 1; }
    echo "JAR: $lib"
  done
}
check "JVM: the JAR carries linux-x86-64, linux-aarch64 and win32-x86-64 libraries" jar_layout
jvm_consumer() {
  rm -rf "$work/m2"
  mvn -q -B install:install-file -Dfile="$DIST/unionpay-acp-$VERSION.jar" -DpomFile="$DIST/unionpay-acp-$VERSION.pom" \
    -DlocalRepositoryPath="$work/m2" 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d'
  bash packaging/consumer/jvm.sh "$ACP" "$work/m2" "$VERSION"
}
check "JVM: fresh Kotlin and Java Maven projects from a local repository" jvm_consumer
check "JVM: the same projects on Debian's arm64 OpenJDK 17 (qemu-user): the JAR's linux-aarch64 library" \
  bash packaging/consumer/jvm.sh "$ACP" "$work/m2" "$VERSION" --aarch64 "$ARM64_ROOT"

tgz="$DIST/unionpay-acp-$VERSION.tgz"
check "npm: publish --dry-run of the tarball" bash -c "npm publish --dry-run '$tgz' 2>&1 | grep -i 'npm warn' | grep -v 'logged in' | { ! grep .; }"
check "npm: Node 20 (the machine's)" bash packaging/consumer/npm.sh "$ACP" "$tgz" node
check "npm: Node 18 (npm registry)" bash packaging/consumer/npm.sh "$ACP" "$tgz" "$DIST_NODE18"
check "npm: Node 22 (npm registry)" bash packaging/consumer/npm.sh "$ACP" "$tgz" "$DIST_NODE22"
check "npm: Bun (npm registry)" bash packaging/consumer/npm.sh "$ACP" "$tgz" "$DIST_BUN"
check "npm: Deno (npm registry)" bash packaging/consumer/npm.sh "$ACP" "$tgz" "$DIST_DENO" run -A

c_consumer() {
  rm -rf "$work/c" && mkdir -p "$work/c"
  tar -C "$work/c" -xzf "$DIST/unionpay_acp-$VERSION-linux-x86_64.tar.gz"
  bash packaging/consumer/c.sh "$ACP" "$work/c/unionpay_acp-$VERSION-linux-x86_64"
}
check "C: the unpacked prefix (moved: relocatable) with find_package and pkg-config" c_consumer

check "Android: the encryption-only crate compiled for arm64-v8a, armeabi-v7a, x86_64 (not linked: no NDK here)" \
  bash bindings/android/check-targets.sh
check "aarch64: the core's C suite (vectors, sandbox flow) under qemu-user" bash packaging/cross-smoke.sh aarch64 "$ACP"
check "Windows: the DLL's C suite under wine" bash packaging/cross-smoke.sh windows "$ACP" "$DIST/unionpay_acp-$VERSION-windows-x86_64.zip"

echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "dist: $passed passed, $failed failed"
((failed == 0))
