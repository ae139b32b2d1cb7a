#!/usr/bin/env bash
# Installs every tool the test suites need, idempotently, from the package registries.
set -euo pipefail
need() { command -v "$1" >/dev/null 2>&1; }

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt

python3 -c 'import cryptography' 2>/dev/null || python3 -m pip install --quiet 'cryptography>=42'

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install --quiet cargo-fuzz --version 0.13.2 --locked
fi
