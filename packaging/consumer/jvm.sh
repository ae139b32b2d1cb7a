#!/usr/bin/env bash
# A new user's first run, JVM: two fresh Maven projects take unionpay-acp from a local
# Maven repository (a file:// URL; nothing of this repository's build on their class path)
# and run against a local sandbox with a plain `java -cp`, no jna.library.path: the native
# library comes out of the JAR.
#   jvm-kotlin: the README's Kotlin quick start (QuickStart.kt, copied in) from a main;
#   jvm-java:   the same flow in plain Java through the client's sans-IO calls.
#   packaging/consumer/jvm.sh ACP_BINARY MAVEN_REPO_DIR VERSION [--aarch64 ARM64_ROOT]
#       --aarch64: the projects are built here and run by the arm64 tree's OpenJDK 17 under
#       qemu-user (packaging/arm64-root.sh), so JNA takes the JAR's linux-aarch64 library.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
acp=$1 repo="$(cd "$2" && pwd)" version=$3
java=(java)
[[ ${4:-} == --aarch64 ]] && java=(qemu-aarch64-static -L "$5" "$5/usr/lib/jvm/java-17-openjdk-arm64/bin/java")
source "$root/packaging/consumer/sandbox.sh"
work="$(mktemp -d)"
trap 'sandbox_stop; rm -rf "$work"' EXIT
# Maven keeps what it fetched from acp-local in ~/.m2 and never fetches a release again:
# drop that copy so each run takes the JAR just installed.
rm -rf "$HOME/.m2/repository/unionpay/acp/unionpay-acp/$version"

cp -r "$root/packaging/consumer/jvm-kotlin" "$root/packaging/consumer/jvm-java" "$work/"
cp "$root/bindings/kotlin/src/test/kotlin/example/QuickStart.kt" "$work/jvm-kotlin/src/main/kotlin/example/"
fixtures="$work/fixtures"
mkdir -p "$fixtures"
cp "$root/tests/fixtures/sandbox/enc.pem" "$root/tests/fixtures/sandbox/merchant.pfx" "$fixtures/"

sandbox_start "$acp" "$work"
for app in jvm-kotlin jvm-java; do
  (cd "$work/$app" &&
    mvn -q -B -Dstyle.color=never package dependency:build-classpath -Dmdep.outputFile=cp.txt \
      -Dacp.repo="file://$repo" -Dacp.version="$version" 2>&1 | sed -u -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d')
  main=example.MainKt
  [[ $app == jvm-java ]] && main=example.QuickStart
  (cd "$work/$app" && "${java[@]}" -cp "target/classes:$(cat cp.txt)" "$main" "$SANDBOX_URL" "$fixtures")
done
echo "ok: unionpay-acp $version from $repo in fresh Kotlin and Java Maven projects ($("${java[@]}" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *os.arch = //p'))"
