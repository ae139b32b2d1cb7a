#!/bin/sh
# Runs the README's C quick start (examples/quick_start.c) as printed against a fresh local
# sandbox on 127.0.0.1: from the repository root, the sandbox's URL as its argument, twice
# (its orderIds never collide). Each run must print one line, a successful payment.
# Usage: run_quick_start.sh ACP_BINARY QUICK_START REPO_DIR (exit 77 = skipped).
set -eu
acp=$1 quick_start=$2 repo=$3
if [ ! -x "$acp" ]; then
  echo "SKIP: the sandbox binary $acp is absent"
  exit 77
fi
dir=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"' EXIT
mkfifo "$dir/in"
"$acp" sandbox --port 0 --bind 127.0.0.1 --exit-on-eof <"$dir/in" >"$dir/out" 2>"$dir/log" &
exec 3>"$dir/in" # closing it stops the sandbox
url=
for _ in $(seq 300); do
  url=$(head -n 1 "$dir/out")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$dir/log"; echo "the sandbox did not start"; exit 1; }
echo "sandbox $url"
for run in 1 2; do
  (cd "$repo" && "$quick_start" "$url") >"$dir/run$run" || {
    cat "$dir/run$run"
    echo "FAIL: run $run of the quick start exited non-zero"
    exit 1
  }
  cat "$dir/run$run"
  grep -Eqx 'payment PAY[0-9]+ success: respCode 00, queryId [0-9]+' "$dir/run$run" &&
    [ "$(wc -l <"$dir/run$run")" -eq 1 ] || { echo "FAIL: run $run did not print one successful payment"; exit 1; }
done
first=$(cut -d' ' -f2 "$dir/run1") second=$(cut -d' ' -f2 "$dir/run2")
[ "$first" != "$second" ] || { echo "FAIL: both runs used orderId $first"; exit 1; }
echo "the quick start paid twice ($first, $second)"
