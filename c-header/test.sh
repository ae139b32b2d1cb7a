#!/usr/bin/env bash
# The C binding's suite, from a fresh machine:
#   1. installs what is missing: cbindgen 0.29.4 (cargo install, pinned), cmake, a C
#      compiler, pkg-config, valgrind and libcurl's headers (apt-get, only when missing);
#   2. builds the Rust libraries and the acp sandbox (cargo, release profile);
#   3. regenerates the header and FAILS if it differs from c-header/unionpay_acp.h;
#   4. configures and builds the CMake project (libraries, pkg-config file, the quick start,
#      tests), and checks that README.md shows examples/quick_start.c as it is;
#   5. runs ctest, the quick start twice against a sandbox, the conformance runner (every
#      scenario of tests/conformance), then every test under valgrind;
#   6. installs into a temporary prefix and builds a program through pkg-config;
#   7. a new user's project builds the quick start against that prefix only (find_package,
#      shared and static; pkg-config) and runs it against a sandbox (packaging/consumer/c.sh).
#
#   bash c-header/test.sh                  # everything
#   bash c-header/test.sh --update-header  # rewrite c-header/unionpay_acp.h, then test
#
# Uses $CARGO_TARGET_DIR when set, else ./target (the CMake build goes in its c-header-build).
set -euo pipefail

CBINDGEN_VERSION=0.29.4
cd "$(dirname "$0")/.."
repo=$(pwd)
export PATH="$HOME/.cargo/bin:$PATH"
target_dir=${CARGO_TARGET_DIR:-$repo/target}
case $target_dir in /*) ;; *) target_dir=$repo/$target_dir ;; esac
build_dir=$target_dir/c-header-build
update_header=0
[[ ${1:-} == --update-header ]] && update_header=1
start=$SECONDS
step() { printf '\n== %s (%ds)\n' "$*" $((SECONDS - start)); }

# --- 1. tools --------------------------------------------------------------------------
apt_updated=0
apt_install() { # packages...; `apt-get update` only when a first install attempt fails
  local sudo=
  [[ $(id -u) == 0 ]] || sudo=sudo
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; then
    [[ $apt_updated == 1 ]] && return 1
    $sudo apt-get update -qq && apt_updated=1
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}
step "tools"
missing=()
command -v cmake >/dev/null || missing+=(cmake)
command -v cc >/dev/null || missing+=(gcc libc6-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v valgrind >/dev/null || missing+=(valgrind)
if ((${#missing[@]})); then
  echo "installing ${missing[*]} (apt-get)"
  apt_install "${missing[@]}"
fi
if ! dpkg -s libcurl4-openssl-dev >/dev/null 2>&1; then
  echo "installing libcurl4-openssl-dev (apt-get), for the quick start"
  apt_install libcurl4-openssl-dev || { echo "FAIL: libcurl4-openssl-dev could not be installed: the quick start needs it" >&2; exit 1; }
fi
if [[ $(cbindgen --version 2>/dev/null) != "cbindgen $CBINDGEN_VERSION" ]]; then
  echo "installing cbindgen $CBINDGEN_VERSION (cargo install, about 2 minutes)"
  cargo install --quiet cbindgen --version "$CBINDGEN_VERSION" --locked
fi
echo "cbindgen $(cbindgen --version | cut -d' ' -f2), $(cmake --version | head -n1), $(cc --version | head -n1), valgrind $(valgrind --version)"

# --- 2. Rust libraries and the sandbox ------------------------------------------------
step "cargo build --release -p acp-c -p acp-cli"
CARGO_TARGET_DIR=$target_dir cargo build --quiet --release -p acp-c -p acp-cli

# --- 3. the committed header must be what cbindgen generates -----------------------------
step "header check (cbindgen $CBINDGEN_VERSION)"
generated=$(mktemp)
trap 'rm -f "$generated"' EXIT
cbindgen --quiet --config c-header/cbindgen.toml --output "$generated" bindings/c
if [[ $update_header == 1 ]]; then
  cp "$generated" c-header/unionpay_acp.h
  echo "c-header/unionpay_acp.h rewritten"
elif ! diff -u c-header/unionpay_acp.h "$generated"; then
  echo "FAIL: c-header/unionpay_acp.h is stale; run \`bash c-header/test.sh --update-header\` and commit it" >&2
  exit 1
fi
echo "c-header/unionpay_acp.h is up to date"

# --- 4. CMake: libraries, pkg-config file, example, tests, conformance runner ------------
step "cmake configure + build ($build_dir)"
cmake -S c-header -B "$build_dir" -DACP_VALGRIND=ON -DACP_BUILD_RUST=OFF \
  -DACP_CARGO_TARGET_DIR="$target_dir" -DACP_CARGO_PROFILE=release -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build_dir" -j2 >/dev/null

step "README.md shows the C quick start (c-header/examples/quick_start.c) as it is"
# The first ```c block of the section "Quick start (C)" must be the file, byte for byte.
awk '/^## Quick start \(C\)/ { q = 1 } q && /^```c$/ { c = 1; next } c && /^```$/ { exit } c' \
  README.md >"$build_dir/readme_quick_start.c"
diff -u c-header/examples/quick_start.c "$build_dir/readme_quick_start.c" ||
  { echo "FAIL: README.md's C quick start differs from c-header/examples/quick_start.c" >&2; exit 1; }
[[ -x $build_dir/quick_start ]] || { echo "FAIL: the quick start was not built (is libcurl found?)" >&2; exit 1; }

# --- 5. tests ---------------------------------------------------------------------------
step "ctest (vectors, misuse, errors, sandbox flow)"
ctest --test-dir "$build_dir" -L unit --output-on-failure
step "the quick start as printed, twice against a sandbox"
ctest --test-dir "$build_dir" -L example --output-on-failure
step "conformance: the C runner over tests/conformance/scenarios"
ctest --test-dir "$build_dir" -L conformance --output-on-failure
step "ctest under valgrind (--leak-check=full --error-exitcode=1)"
ctest --test-dir "$build_dir" -L memcheck --output-on-failure -j2

# --- 6. install + pkg-config ---------------------------------------------------------------
step "install into a temporary prefix, build through pkg-config"
prefix=$build_dir/prefix
rm -rf "$prefix"
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
pkg-config --validate unionpay_acp
src=(c-header/tests/test_errors.c c-header/tests/util.c c-header/tests/json.c)
# shellcheck disable=SC2046
cc -std=c11 -o "$build_dir/pc_shared" "${src[@]}" $(pkg-config --cflags --libs unionpay_acp) \
  -Wl,-rpath,"$prefix/lib"
# shellcheck disable=SC2046
cc -std=c11 -o "$build_dir/pc_static" "${src[@]}" $(pkg-config --cflags unionpay_acp) \
  "$prefix/lib/libunionpay_acp.a" $(pkg-config --static --libs-only-l unionpay_acp | sed 's/-lunionpay_acp//')
"$build_dir/pc_shared" errors.json
"$build_dir/pc_static" errors.json
readelf -d "$build_dir/pc_shared" | grep -q 'NEEDED.*libunionpay_acp.so.0'
echo "pkg-config: $(pkg-config --modversion unionpay_acp), shared (soname libunionpay_acp.so.0) and static link OK"

step "a fresh project: the quick start against the installed prefix (find_package, pkg-config)"
for f in include/unionpay_acp.h lib/libunionpay_acp.a lib/libunionpay_acp.so lib/pkgconfig/unionpay_acp.pc \
  lib/cmake/unionpay_acp/unionpay_acpConfig.cmake lib/cmake/unionpay_acp/unionpay_acpConfigVersion.cmake \
  share/doc/unionpay_acp/LICENSE-MIT share/doc/unionpay_acp/LICENSE-APACHE; do
  [[ -e $prefix/$f ]] || { echo "FAIL: the install has no $f" >&2; exit 1; }
done
bash packaging/consumer/c.sh "$target_dir/release/acp" "$prefix"

printf '\nc-header/test.sh: all C suites passed in %ds\n' $((SECONDS - start))
