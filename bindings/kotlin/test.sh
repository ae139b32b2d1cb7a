#!/usr/bin/env bash
# Kotlin binding: builds the cdylib and uniffi-bindgen (release), generates the Kotlin
# bindings into target/generated-sources/uniffi (build output, not committed), then runs
# the JUnit 5 suite with Maven (Kotlin Maven plugin, JNA, kotlinx-coroutines from Maven
# Central; downloads go to ~/.m2): the shared vectors, the errors.json mapping, the
# encrypt-only CardEncryptor, the sandbox flow with the quick start (src/test/kotlin/example)
# and the shared conformance scenarios (ConformanceTest: "conformance kotlin: N passed, M failed").
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
LIB_DIR="$CARGO_TARGET_DIR/release"

step() { printf '\n== %s\n' "$*"; }

step "tools"
if ! command -v mvn >/dev/null || ! command -v java >/dev/null; then
  apt-get update -qq && apt-get install -y -qq maven openjdk-17-jdk-headless >/dev/null
fi
echo "ok: $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), java $(java -version 2>&1 | head -1 | cut -d'"' -f2)"

step "cdylib, uniffi-bindgen and the acp sandbox (cargo, release)"
cargo build -q --release -p acp-uniffi -p acp-cli --manifest-path "$ROOT/Cargo.toml"

step "Kotlin bindings (uniffi-bindgen, library mode)"
GEN="$HERE/target/generated-sources/uniffi"
rm -rf "$GEN"
"$LIB_DIR/acp-uniffi-bindgen" generate --library "$LIB_DIR/libunionpay_acp_ffi.so" \
  --language kotlin --no-format --out-dir "$GEN" >/dev/null
find "$GEN" -name '*.kt' -printf 'generated %P\n'

step "mvn test"
cd "$HERE"
rm -rf target/surefire-reports
status=0
mvn -q -B -Dstyle.color=never test -Duniffi.generated="$GEN" -Duniffi.lib.dir="$LIB_DIR" \
  -Dacp.bin="$LIB_DIR/acp" -Dacp.repo="$ROOT" 2>&1 | sed -u -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' || status=$?

# -q hides Surefire's summary: print one from its reports.
if compgen -G "target/surefire-reports/TEST-*.xml" >/dev/null; then
  python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
t = f = s = 0
for p in glob.glob("target/surefire-reports/TEST-*.xml"):
    r = ET.parse(p).getroot()
    n, fl, e, sk = (int(r.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    print(f"  {r.get('name')}: {n} tests, {fl + e} failed, {sk} skipped")
    t += n; f += fl + e; s += sk
print(f"JUnit: {t - f - s} passed, {f} failed, {s} skipped")
PY
fi
exit "$status"
