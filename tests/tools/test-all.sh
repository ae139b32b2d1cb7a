#!/usr/bin/env bash
# `make test`: runs every suite (the Makefile's test-* steps) with their normal output,
# then prints one closing line with the totals of every runner: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
for step in "$@"; do
  echo "=== make $step"
  if ! make --no-print-directory "$step" 2>&1 | tee -a "$log"; then
    echo "=== make $step FAILED"
    status=1
    break
  fi
done
python3 - "$log" "$status" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
passed = failed = 0
# cargo test / libtest
for p, f in re.findall(r"test result: \w+\. (\d+) passed; (\d+) failed", text):
    passed += int(p); failed += int(f)
# our shell suites, the vector check and JUnit ("cli: N passed, M failed")
for p, f in re.findall(r"^\w[\w -]*: (\d+) passed, (\d+) failed", text, re.M):
    passed += int(p); failed += int(f)
# node --test
for p in re.findall(r"^(?:#|ℹ) pass (\d+)", text, re.M): passed += int(p)
for f in re.findall(r"^(?:#|ℹ) fail (\d+)", text, re.M): failed += int(f)
# pytest
for line in re.findall(r"^=+ (.*) in [\d.]+s.*=+$", text, re.M):
    for n, what in re.findall(r"(\d+) (passed|failed|error)", line):
        if what == "passed": passed += int(n)
        else: failed += int(n)
# Maven Surefire (the summary line after "Results:")
for r, f, e in re.findall(r"^\[\w+\] Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: \d+$", text, re.M):
    passed += int(r) - int(f) - int(e); failed += int(f) + int(e)
# ctest
for f, total in re.findall(r"\d+% tests passed, (\d+) tests failed out of (\d+)", text):
    passed += int(total) - int(f); failed += int(f)
if int(sys.argv[2]) != 0 and failed == 0:
    failed = 1
print(f"all suites: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
