#!/usr/bin/env bash
# Kotlin binding: `mvn package`, whose generate-sources step (generate.sh) builds the
# cdylib and uniffi-bindgen (release), generates the Kotlin bindings into
# target/generated-sources/uniffi (build output, not committed) and puts the native library
# into the JAR (JNA's layout: the tests load it from the class path too, no
# jna.library.path). The JUnit 5 suite (Kotlin Maven plugin, JNA, kotlinx-coroutines from
# Maven Central; downloads go to ~/.m2): the shared vectors, the errors.json mapping, the
# encrypt-only CardEncryptor, the sandbox flow with the quick start (src/test/kotlin/example)
# and the shared conformance scenarios (ConformanceTest: "conformance kotlin: N passed, M failed").
# Then the JAR goes into a Maven repository under target/ and two fresh Maven projects
# (Kotlin, plain Java) use it against a sandbox (packaging/consumer/jvm.sh).
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

step "the acp sandbox (cargo, release)"
cargo build -q --release -p acp-cli --manifest-path "$ROOT/Cargo.toml"

step "mvn package (generate.sh: cdylib, bindings, native library in the JAR; then the tests)"
cd "$HERE"
# (and no native library a make dist build left in target/classes)
rm -rf target/surefire-reports target/native target/classes/{linux,darwin,win32}-*
status=0
mvn -q -B -Dstyle.color=never package \
  -Dacp.bin="$LIB_DIR/acp" -Dacp.repo="$ROOT" 2>&1 | sed -u -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' || status=$?

# -q hides Surefire's summary: print one from its reports.
if compgen -G "target/surefire-reports/TEST-*.xml" >/dev/null; then
  python3 "$ROOT/tests/tools/surefire_summary.py" target/surefire-reports
fi
[ "$status" = 0 ] || exit "$status"

step "the JAR: license files and the native library under JNA's layout"
VERSION="$(python3 "$ROOT/packaging/versions.py" --print)"
JAR="$HERE/target/unionpay-acp-$VERSION.jar"
python3 "$ROOT/packaging/licenses.py" "$JAR"
listing="$(python3 -c 'import sys, zipfile
for i in zipfile.ZipFile(sys.argv[1]).infolist(): print(i.file_size, i.filename)' "$JAR")"
grep -E ' (linux|darwin|win32)-[a-z0-9-]+/.' <<<"$listing" | awk '{print "  " $2 " (" $1 " bytes)"}'
grep -q " linux-x86-64/libunionpay_acp_ffi.so$" <<<"$listing" || [ "$(uname -m)" != x86_64 ] ||
  { echo "FAIL: the JAR has no linux-x86-64/libunionpay_acp_ffi.so" >&2; exit 1; }

step "a fresh Maven project (Kotlin, then plain Java) uses the JAR from a local repository"
rm -rf "$HERE/target/maven-repo"
mvn -q -B install:install-file -Dfile="$JAR" -DpomFile="$HERE/pom.xml" \
  -DlocalRepositoryPath="$HERE/target/maven-repo" 2>&1 | sed -u -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d'
bash "$ROOT/packaging/consumer/jvm.sh" "$LIB_DIR/acp" "$HERE/target/maven-repo" "$VERSION"
