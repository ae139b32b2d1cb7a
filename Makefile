# unionpay-acp — the two commands a new user runs: `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
FUZZ_SECONDS ?= 20
# The reference merchant services the black-box suite drives.
MERCHANT_SERVICES ?= python node

.PHONY: demo dist dist-check test setup lint rust-test vectors cli-test wasm-check fuzz c-test python-test kotlin-test android-test js-test conformance merchant-test bench bench-cold errors-json sandbox-load

## The main job: a whole token payment flow against the local sandbox.
## The first run compiles the sandbox and the demo (about 150 crates): cargo says which.
demo:
	@echo "make demo: building the sandbox and the demo (cargo build --release; a first build takes a minute or two)"
	$(CARGO) build --release -p acp-sandbox --example demo
	$(CARGO) run --quiet --release -p acp-sandbox --example demo

## Every release artifact into dist/ (SHA256SUMS, CycloneDX SBOM), cross builds included.
## Not while `make test` runs in the same target directory (both use maturin's staging).
dist:
	bash packaging/dist.sh

## A new user's checks of dist/: fresh venv, Maven, npm (Node 18/20/22, Bun, Deno) and
## C projects, qemu (aarch64) and wine (Windows) runs; ends with `dist: N passed, M failed`.
dist-check:
	bash packaging/dist-check.sh

## Every test suite of every language, then one closing line with the totals.
test:
	@bash tests/tools/test-all.sh setup lint rust-test vectors cli-test wasm-check c-test python-test kotlin-test android-test js-test conformance merchant-test fuzz

setup:
	@bash tests/tools/install.sh

## One version in every manifest, the license files where each package takes them from.
lint:
	python3 packaging/versions.py
	python3 packaging/licenses.py
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy --lib --no-default-features -- -D warnings
	$(CARGO) clippy --lib --no-default-features --features portable -- -D warnings
	$(CARGO) clippy -p acp-uniffi --no-default-features --all-targets -- -D warnings

## Unit and integration tests: native (AWS-LC) backend, then the pure-Rust backend.
rust-test:
	$(CARGO) test --workspace
	$(CARGO) test -p unionpay-acp --no-default-features --features portable

## The shared vectors must match what the independent generator produces.
vectors:
	python3 tests/gen/gen_vectors.py --check

cli-test:
	$(CARGO) build --quiet -p acp-cli
	bash tests/cli/run.sh target/debug/acp

## The core must build for wasm32 with the pure-Rust backend (js-test builds both modules).
wasm-check:
	$(CARGO) check --quiet --lib --target wasm32-unknown-unknown --no-default-features --features portable

## C: header diff check, CMake build, ctest (vectors, misuse, sandbox flow), valgrind.
c-test:
	bash c-header/test.sh

## Python: wheel (maturin), install into a fresh venv, mypy, pytest (sync and async).
python-test:
	bash python/test.sh

## Kotlin: uniffi bindings + Maven (JNA, JUnit 5).
kotlin-test:
	bash bindings/kotlin/test.sh

## Android, what runs without the NDK: the card-encryption-only build on the host JVM
## (vectors, OpenSSL decrypting its output, no merchant API), build-native.sh's message.
android-test:
	bash bindings/android/test.sh

## Node: wasm build (wasm-bindgen-cli pinned), tsc, node:test, npm pack + fresh install.
js-test:
	bash npm/test.sh

## The shared scenarios (tests/conformance/) in every language: one line per language,
## `conformance <lang>: N passed, M failed`.
conformance:
	bash tests/conformance/run.sh

## The reference merchant services (python/merchant-service, npm/merchant-service) under
## the black-box suite: concurrent payments, faults and kill -9, on SQLite and PostgreSQL.
merchant-test:
	bash tests/merchant/run.sh "$(MERCHANT_SERVICES)"

fuzz:
	bash tests/tools/fuzz.sh $(FUZZ_SECONDS)

bench:
	bash tests/tools/bench.sh

## The sandbox under load (README "The sandbox under load"): 50 merchants, 20,000 mixed
## requests on 127.0.0.1, then kill -9 in the middle of a second load and a restart on the
## same --state. Stops by itself; exit 1 on an error or a lost order.
sandbox-load:
	$(CARGO) build --quiet --release -p acp-cli
	$(CARGO) build --quiet --release -p acp-sandbox --example load
	"$${CARGO_TARGET_DIR:-target}/release/examples/load" "$${CARGO_TARGET_DIR:-target}/release/acp" 50 20000

## Cold starts (require/import, load the PFX, sign one request) against plain node:crypto and
## `cryptography`, interleaved; needs npm/pkg and python/.venv (npm/test.sh, python/test.sh).
bench-cold:
	python3 tests/tools/bench_cold.py

errors-json:
	$(CARGO) run --quiet -p acp-cli -- errors > errors.json
	$(CARGO) run --quiet -p acp-cli -- settings > settings.json
