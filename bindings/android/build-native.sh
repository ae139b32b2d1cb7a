#!/usr/bin/env bash
# The native half of the Android library, the card-encryption-only build of acp-uniffi
# (`--no-default-features`: pure Rust, no AWS-LC, no API that loads or holds a merchant
# key), for arm64-v8a, armeabi-v7a and x86_64:
#   src/main/jniLibs/<abi>/libunionpay_acp_ffi.so   (cargo-ndk, linked by the NDK's clang)
#   build/generated/uniffi/**/*.kt                  (generate.sh, from a host build)
#   build/generated/licenses/META-INF/LICENSE-*      (the license files, as resources)
# Gradle's preBuild runs it (build.gradle.kts); it can also run by hand. Needs the Android
# NDK (ANDROID_NDK_HOME), cargo-ndk and the three Rust targets; it says which is missing
# and builds nothing until all are there.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# The lowest API level the libraries link against (java.time in the API needs 26).
API="${ANDROID_MIN_SDK:-26}"
ABIS=(arm64-v8a armeabi-v7a x86_64)
TARGETS=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)

missing() {
  echo "build-native.sh: $*" >&2
  echo "build-native.sh: nothing was built (bindings/android/README.md says what is needed)" >&2
  exit 1
}

ndk="${ANDROID_NDK_HOME:-}"
[[ -n $ndk ]] ||
  missing "the Android NDK is missing: set ANDROID_NDK_HOME to an installed NDK (Android Studio: SDK Manager > SDK Tools > NDK (Side by side), which installs it under \$ANDROID_HOME/ndk/<version>); its clang links the libraries against Android's libc (bionic)"
[[ -d $ndk/toolchains/llvm/prebuilt && -f $ndk/source.properties ]] ||
  missing "ANDROID_NDK_HOME=$ndk is not an Android NDK (it needs toolchains/llvm/prebuilt, where the NDK's clang lives, and source.properties, where cargo-ndk reads its version)"
cargo ndk --version >/dev/null 2>&1 || missing "cargo-ndk is missing: cargo install cargo-ndk"
installed="$(rustup target list --installed)"
for t in "${TARGETS[@]}"; do
  grep -qx "$t" <<<"$installed" || missing "the Rust target $t is missing: rustup target add ${TARGETS[*]}"
done

args=()
for abi in "${ABIS[@]}"; do args+=(-t "$abi"); done
echo "build-native.sh: cargo ndk ${args[*]} -P $API (acp-uniffi --no-default-features, release)"
cargo ndk "${args[@]}" -P "$API" -o "$HERE/src/main/jniLibs" \
  build --release --lib -p acp-uniffi --no-default-features --manifest-path "$ROOT/Cargo.toml"
for abi in "${ABIS[@]}"; do
  so="$HERE/src/main/jniLibs/$abi/libunionpay_acp_ffi.so"
  [[ -f $so ]] || { echo "build-native.sh: cargo-ndk left no $so" >&2; exit 1; }
  echo "build-native.sh: $abi/libunionpay_acp_ffi.so ($(wc -c <"$so" | tr -d ' ') bytes)"
done

bash "$HERE/generate.sh" "$HERE/build/generated/uniffi"

# The license files, as Java resources (META-INF/ in the AAR's classes.jar, as in the JAR).
mkdir -p "$HERE/build/generated/licenses/META-INF"
cp "$ROOT/LICENSE-MIT" "$ROOT/LICENSE-APACHE" "$HERE/build/generated/licenses/META-INF/"
