#!/bin/sh
# Runs examples/pay_with_curl.c against a fresh local sandbox on 127.0.0.1, with the
# client settings in a JSON file: the sandbox's URL, trust and encryption certificate.
# Usage: run_example.sh ACP_BINARY PAY_WITH_CURL TESTS_DIR (exit 77 = skipped).
set -eu
acp=$1 example=$2 tests=$3
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
# A PEM file as the text of a JSON string (its line breaks as \n).
pem() { awk 'BEGIN { ORS = "" } { sub(/\r$/, ""); printf "%s\\n", $0 }' "$tests/fixtures/sandbox/$1"; }
cat >"$dir/settings.json" <<JSON
{"merId": "777290058110097", "environment": {"baseUrl": "$url"},
 "trust": {"roots": ["$(pem root.pem)"], "middles": ["$(pem middle.pem)"]},
 "encryptionCert": "$(pem enc.pem)"}
JSON
"$example" "$dir/settings.json" "$tests/fixtures/sandbox/merchant.pfx" 000000
