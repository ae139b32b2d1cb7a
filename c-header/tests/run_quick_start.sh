#!/bin/sh
# Runs the README's C quick start (examples/quick_start.c) as printed against a fresh local
# sandbox on 127.0.0.1: from the repository root, the sandbox's URL as its argument, twice
# (its orderIds never collide). Each run must print one line, a successful payment. Then
# over HTTPS (`acp sandbox --tls`): with the sandbox root as the CA file (CURLOPT_CAINFO) it
# pays; without it libcurl refuses the certificate ("SSL certificate problem") and nothing
# is paid.
# Usage: run_quick_start.sh ACP_BINARY QUICK_START REPO_DIR (exit 77 = skipped).
set -eu
acp=$1 quick_start=$2 repo=$3
if [ ! -x "$acp" ]; then
  echo "SKIP: the sandbox binary $acp is absent"
  exit 77
fi
dir=$(mktemp -d)
trap 'exec 3>&- 4>&- 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"' EXIT
mkfifo "$dir/in" "$dir/tls_in"
"$acp" sandbox --port 0 --bind 127.0.0.1 --exit-on-eof <"$dir/in" >"$dir/out" 2>"$dir/log" &
exec 3>"$dir/in" # closing it stops the sandbox
"$acp" sandbox --port 0 --bind 127.0.0.1 --exit-on-eof --tls <"$dir/tls_in" >"$dir/tls_out" 2>"$dir/tls_log" &
exec 4>"$dir/tls_in"
first_line() { # FILE LOG: the sandbox's URL once it printed it
  for _ in $(seq 300); do
    line=$(head -n 1 "$1")
    [ -n "$line" ] && { echo "$line"; return; }
    sleep 0.1
  done
  cat "$2" >&2
  echo "the sandbox did not start" >&2
  exit 1
}
url=$(first_line "$dir/out" "$dir/log")
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

tls_url=$(first_line "$dir/tls_out" "$dir/tls_log")
case $tls_url in https://127.0.0.1:*) ;; *) echo "FAIL: acp sandbox --tls printed $tls_url"; exit 1 ;; esac
echo "sandbox $tls_url"
(cd "$repo" && "$quick_start" "$tls_url" tests/fixtures/sandbox/root.pem) >"$dir/tls_run" || {
  cat "$dir/tls_run"
  echo "FAIL: the quick start over HTTPS with the sandbox CA exited non-zero"
  exit 1
}
cat "$dir/tls_run"
grep -Eqx 'payment PAY[0-9]+ success: respCode 00, queryId [0-9]+' "$dir/tls_run" ||
  { echo "FAIL: the quick start over HTTPS did not pay"; exit 1; }
if (cd "$repo" && "$quick_start" "$tls_url") >"$dir/untrusted" 2>"$dir/untrusted_err"; then
  echo "FAIL: the quick start paid over HTTPS without trusting the sandbox CA"
  exit 1
fi
grep -q "SSL certificate problem" "$dir/untrusted_err" ||
  { cat "$dir/untrusted_err"; echo "FAIL: the refused certificate was not reported"; exit 1; }
! grep -q '^payment ' "$dir/untrusted" || { echo "FAIL: a payment was reported without trust"; exit 1; }
echo "over HTTPS: paid trusting the sandbox CA; refused without it ($(head -n 1 "$dir/untrusted_err"))"
