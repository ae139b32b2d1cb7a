#!/usr/bin/env bash
# A new user's first run, Python: a fresh venv (nothing but pip) installs the given wheel
# or sdist, then runs the README's quick start (python/examples/quick_start.py, copied out
# of the repository with the two sandbox fixtures it reads) against a local sandbox.
#   packaging/consumer/python.sh ACP_BINARY unionpay_acp-X.whl|unionpay_acp-X.tar.gz [PYTHON]
#   packaging/consumer/python.sh ACP_BINARY unionpay_acp-X-manylinux_2_17_aarch64.whl --aarch64 ARM64_ROOT
#       the aarch64 wheel, installed for that platform by this machine's pip (with httpx and
#       its dependencies) and run by the arm64 tree's CPython under qemu-user
#       (packaging/arm64-root.sh): an aarch64 interpreter has no venv module there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
acp=$1 artifact=$2 python=${3:-python3} arm64_root=${4:-}
source "$root/packaging/consumer/sandbox.sh"
work="$(mktemp -d)"
trap 'sandbox_stop; rm -rf "$work"' EXIT

if [[ $python == --aarch64 ]]; then
  python3 -m pip install -q --disable-pip-version-check --no-cache-dir --target "$work/site" \
    --platform manylinux2014_aarch64 --python-version 3.11 --implementation cp --only-binary=:all: "$artifact"
  run_python=(env PYTHONPATH="$work/site" qemu-aarch64-static -L "$arm64_root" "$arm64_root/usr/bin/python3.11" -s)
else
  "$python" -m venv "$work/venv"
  # --no-cache-dir: an sdist is built here, never taken from pip's wheel cache.
  "$work/venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir "$artifact"
  run_python=("$work/venv/bin/python" -I)
fi
# The quick start reads its fixtures at ../../tests/fixtures/sandbox from itself.
mkdir -p "$work/app/python/examples" "$work/app/tests/fixtures/sandbox"
cp "$root/python/examples/quick_start.py" "$work/app/python/examples/"
cp "$root/tests/fixtures/sandbox/enc.pem" "$root/tests/fixtures/sandbox/merchant.pfx" "$work/app/tests/fixtures/sandbox/"

sandbox_start "$acp" "$work"
(cd "$work/app" && "${run_python[@]}" python/examples/quick_start.py "$SANDBOX_URL") >"$work/out"
cat "$work/out"
python3 - "$work/out" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
ok = (lines[:2] == ["consume: accepted", "status: final success 00"]
      and "notification: 200 00 1000" in lines and lines[-1] == "refund: accepted")
sys.exit(0 if ok else "FAIL: the quick start did not pay, get notified and refund")
PY
echo "ok: $(basename "$artifact") ($("${run_python[@]}" -c 'import platform, sys; print(sys.version.split()[0], platform.machine())')) ran the README quick start"
