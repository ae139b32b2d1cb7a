#!/usr/bin/env bash
# Python binding: builds the wheel (maturin, uniffi), proves `pip install` of it works in
# a fresh venv, type-checks the facade (mypy), runs pytest (the shared vectors, the
# errors.json mapping, the sandbox token flow in sync and async form, the quick start) and
# the conformance scenarios (tests/conformance) through the wheel.
# Idempotent: tools go to python/.venv once; cargo and pip reuse their caches.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PYTHON="${PYTHON:-python3}"
VENV="$HERE/.venv"
PINS=(maturin==1.16.0 httpx==0.28.1 pytest==9.2.0 pytest-asyncio==1.5.0 mypy==2.4.1 cryptography==50.0.2 auditwheel==6.8.2)

step() { printf '\n== %s\n' "$*"; }

step "tools (python/.venv)"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
STAMP="$VENV/.pins"
if [ "$(cat "$STAMP" 2>/dev/null)" != "${PINS[*]}" ]; then
  "$VENV/bin/pip" install -q --disable-pip-version-check "${PINS[@]}"
  echo "${PINS[*]}" > "$STAMP"
fi
echo "ok: ${PINS[*]}"

step "uniffi-bindgen and the acp sandbox (cargo, release)"
cargo build -q --release -p acp-uniffi --bin acp-uniffi-bindgen --manifest-path "$ROOT/Cargo.toml"
cargo build -q --release -p acp-cli --manifest-path "$ROOT/Cargo.toml"
# maturin runs `uniffi-bindgen` from PATH: the workspace's own build, same uniffi version.
ln -sf "$CARGO_TARGET_DIR/release/acp-uniffi-bindgen" "$VENV/bin/uniffi-bindgen"
export ACP_BIN="$CARGO_TARGET_DIR/release/acp"

step "wheel (maturin build --release)"
WHEELS="$CARGO_TARGET_DIR/wheels"
rm -f "$WHEELS"/unionpay_acp-*.whl
(cd "$HERE" && PATH="$VENV/bin:$PATH" "$VENV/bin/maturin" build --release --quiet -o "$WHEELS")
WHEEL="$(ls "$WHEELS"/unionpay_acp-*.whl)"
echo "built $(basename "$WHEEL")"
python3 "$ROOT/packaging/licenses.py" "$WHEEL"
# The platform tag in the name must be the one the wheel's symbols allow (auditwheel).
"$VENV/bin/python" "$ROOT/packaging/wheel_tag.py" "$WHEEL"
"$VENV/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$WHEEL"

step "pip install of the wheel into a fresh venv"
FRESH="$(mktemp -d)"
trap 'rm -rf "$FRESH"' EXIT
"$PYTHON" -m venv "$FRESH/venv"
"$FRESH/venv/bin/pip" install -q --disable-pip-version-check "$WHEEL"
(cd "$FRESH" && "$FRESH/venv/bin/python" - <<'PY'
import unionpay_acp as acp
from unionpay_acp import danger, lowlevel  # noqa: F401
assert len(acp.api_names()) == 23
try:
    acp.MerchantKey.from_pkcs12(b"x", "000000")
except acp.KeyMaterialError as e:
    print(f"ok: import unionpay_acp from a fresh venv ({e.code} {e.name} as expected)")
else:
    raise SystemExit("a malformed PFX loaded")
PY
)

step "a new user's venv: the wheel and the README quick start against a sandbox"
bash "$ROOT/packaging/consumer/python.sh" "$ACP_BIN" "$WHEEL" "$PYTHON"

step "mypy (strict) on the facade"
(cd "$HERE" && "$VENV/bin/mypy")

step "pytest"
(cd "$HERE" && "$VENV/bin/pytest" -p no:cacheprovider "$@")

step "conformance (tests/conformance/scenarios)"
"$VENV/bin/python" "$HERE/tests/conformance.py"
