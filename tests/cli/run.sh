#!/usr/bin/env bash
# Acceptance tests of the `acp` CLI against UnionPay's real material (spec §4.5, §14).
# Usage: tests/cli/run.sh path/to/acp
set -uo pipefail
ACP="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$(dirname "$0")/.."
F=fixtures
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
expect_eq() { if [ "$1" == "$2" ]; then ok; else bad "$3: expected '$2', got '$1'"; fi; }

# sign reproduces spec §4.5(c) byte for byte (5.1.0 and 5.0.0; 11 and 12).
req='{"version":"5.1.0","encoding":"UTF-8","signMethod":"01","txnType":"78","txnSubType":"02","bizType":"000902","channelType":"07","accessType":"0","merId":"777290058110097","orderId":"20240101120000001","txnTime":"20240101120000"}'
sig=$(echo "$req" | "$ACP" sign --pfx $F/certs/acp_test_sign_2015_pwd000000.pfx --password 000000 | json 'd["signature"]')
expect_eq "$sig" "lv5y30/YU2hSmXy5nCBjVQF58Rv5E7t5kYuv6OwQVBjFzAQ3NLPUsxzOS2+tmKvy95mfQ1RdjYmS2i/OnGsY/KOyNT5bYa8dg0MlA4WgzvDJh98yKRj+EMlNwCoPlHCGhwESNTttVmJN/I++7EAPTxQl2erzkJ1hSJ4gHGEATPkAbw/2qz3R24A5+kZVVAYepUnsg+UQIwdqafZ93KoOkAL5+iziF7Z+zPn8tjwjteMnbPccdWKXTwKQTs1J30r1Cpo6HFJeGXj/FVbmRzpoE+2HCAxVGdch+Of4B+YrvcZ2y3VdVh/nzrynVMqkmT8SPJ3xP4iAMdDNc4PaUzXSSw==" "sign 5.1.0"
sig=$(echo "${req/5.1.0/5.0.0}" | "$ACP" sign --pfx $F/certs/acp_test_sign_2015_pwd000000.pfx --password 000000 | json 'd["signature"]')
expect_eq "$sig" "oCeXCApXeB78X3ZzoA20X1oToqwAaPD+06g6ut01P+3lCBAHAX1B/KnvuXKZjD97ZntI7OvuZQBtLNRCyc1sDuIZ+jS4yqrdEBCCS/OSaP+CBpZHj8Jn86gvdyI+X2wguo4TUXomNYqncJ1WEyJpU34IxT82va5AZSRj70SrvzJf2tSEwn8As5UkUJ50cMt6ns7ga/ngttP/zPYru+h+f8RhjLrl6HVpqraH8sSuLyVWeYiy4F4ELf+pe+LrAGx24nUxWeDbeFNY8qawufaHU3NXu05bLWkdqI/EsLUxYNZdgvu3vrJov2kDh4nsErLcIwhBTTK+zVAS4sGEiX2Wsw==" "sign 5.0.0"
sig=$(echo "$req" | "$ACP" sign --sign-method 11 --secure-key 88888888 | json 'd["signature"]')
expect_eq "$sig" "734d9c58b018fba3ceb7a143f2732101ee0b12683410ef99eb61a8ec25b63556" "sign 11"
sig=$(echo "$req" | "$ACP" sign --sign-method 12 --secure-key 88888888 | json 'd["signature"]')
expect_eq "$sig" "513ef73686e5ddd562a9ea60e60bde9505edf6cdbf1bf347b1cc78b62a945dd1" "sign 12"

# verify accepts the real messages at their own time …
v=$("$ACP" verify --trust test --at 2022-09-10T20:16:47Z --body sync < $F/real-messages/v2_query_response_2022.body.txt | json 'd["verified"]')
expect_eq "$v" "True" "verify v2 sync body"
v=$("$ACP" verify --trust test --at 2017-03-01T00:00:00Z --body notify < $F/real-messages/v1_token_frontopen_backnotify_2017.form.txt | json 'd["verified"]')
expect_eq "$v" "True" "verify v1 notification"
v=$(python3 -c "import json; d=json.load(open('$F/real-messages/v3_gateway_consume_notify_2018.json')); print(json.dumps(d))" \
  | "$ACP" verify --trust test --at "$(python3 -c "import json;t=json.load(open('$F/real-messages/v3_gateway_consume_notify_2018.json'))['txnTime'];print(f'{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}+08:00')")" | json 'd["verified"]')
expect_eq "$v" "True" "verify v3 fields"
v=$("$ACP" verify --trust test --secure-key 88888888 < $F/real-messages/v4_securekey11_notify_2018_key88888888.json | json 'd["verified"]')
expect_eq "$v" "True" "verify v4 secure key"

# … and rejects each negative case at the right step, with exit code 1.
step_of() { "$ACP" verify "$@" | json 'd["step"]'; }
s=$(step_of --trust test --at 2026-11-25T00:00:00Z --body sync < $F/real-messages/v2_query_response_2022.body.txt); expect_eq "$s" "validity" "expired at now"
s=$(sed 's/txnAmt=1&/txnAmt=2\&/' $F/real-messages/v2_query_response_2022.body.txt | step_of --trust test --at 2022-09-11T00:00:00Z --body sync); expect_eq "$s" "signature" "tampered amount"
s=$(python3 -c "import sys; sys.stdout.write(open('$F/real-messages/v2_query_response_2022.body.txt').read().replace('\r\n','\n'))" | step_of --trust test --at 2022-09-11T00:00:00Z --body sync); expect_eq "$s" "signature" "LF instead of CRLF"
s=$(step_of --trust production --at 2022-09-11T00:00:00Z --body sync < $F/real-messages/v2_query_response_2022.body.txt); expect_eq "$s" "chain" "test cert under production"
s=$("$ACP" verify --trust test --secure-key 12345678 < $F/real-messages/v4_securekey11_notify_2018_key88888888.json | json 'd["step"]'); expect_eq "$s" "signature" "wrong secure key"
# No silent default trust: --trust is required, and the public test key is refused for production.
err=$("$ACP" verify --body sync < $F/real-messages/v2_query_response_2022.body.txt 2>&1 >/dev/null); code=$?
if [ $code -ne 0 ] && echo "$err" | grep -q -- "--trust is required"; then ok; else bad "verify without --trust (exit $code): $err"; fi
err=$("$ACP" verify --trust production --secure-key 88888888 < $F/real-messages/v4_securekey11_notify_2018_key88888888.json 2>&1 >/dev/null); code=$?
if [ $code -ne 0 ] && echo "$err" | grep -q "public test key"; then ok; else bad "88888888 under production (exit $code): $err"; fi
"$ACP" verify --trust test --body sync --at 2022-09-11T00:00:00Z < $F/real-messages/v2_query_response_2022.body.txt >/dev/null; expect_eq "$?" "0" "exit code on success"
sed 's/txnAmt=1&/txnAmt=2\&/' $F/real-messages/v2_query_response_2022.body.txt | "$ACP" verify --trust test --body sync --at 2022-09-11T00:00:00Z >/dev/null; expect_eq "$?" "1" "exit code on failure"

# inspect prints the certId of every official file as SOURCES.md lists it.
while IFS='|' read -r _ file _ certid _; do
  file=$(echo "$file" | xargs); certid=$(echo "$certid" | xargs)
  [[ "$file" == *.pfx || "$file" == *.cer ]] || continue
  [ -f "$F/official-certs/$file" ] || { bad "missing $file"; continue; }
  if [[ "$file" == *.pfx ]]; then got=$("$ACP" inspect "$F/official-certs/$file" --password 000000 | json 'd["certId"]')
  else got=$("$ACP" inspect "$F/official-certs/$file" | json 'd["certId"]'); fi
  expect_eq "$got" "$certid" "inspect $file"
done < <(grep '^| [a-z]' $F/official-certs/SOURCES.md | grep -v '^| file')

# encrypt / decrypt round trip through the sandbox merchant key (when present).
if [ -f $F/sandbox/merchant.pfx ]; then
  pt=$(echo -n 6216261000000000018 | "$ACP" encrypt --cert $F/sandbox/merchant.pem | "$ACP" decrypt --pfx $F/sandbox/merchant.pfx --password 000000)
  expect_eq "$pt" "6216261000000000018" "encrypt/decrypt round trip"
fi

# Bad input of any kind: one line on stderr, non-zero exit, never a panic.
for args in "inspect /nonexistent" "inspect $F/official-certs/acp_test_sign.pfx --password wrong" "sign --pfx $F/official-certs/acp_test_sign.pfx" \
            "verify --at yesterday" "verify --body xml" "frobnicate" "decrypt --pfx $F/official-certs/acp_test_sign.pfx --password 000000"; do
  err=$(echo 'not json' | "$ACP" $args 2>&1 >/dev/null); code=$?
  if [ $code -ne 0 ] && [ "$(echo "$err" | wc -l)" -eq 1 ] && ! echo "$err" | grep -q panicked; then ok; else bad "bad input '$args' (exit $code): $err"; fi
done

# decode-file: a file-transfer (76) response built from the official sample archive (spec §10).
DF=$(mktemp -d); trap 'rm -rf "$DF"' EXIT
ZIP=$F/recon/802310048993424_20150905.zip
body76() {  # body76 ZIPFILE [respCode] -> a raw sync response body, fileContent = base64(zlib(zip))
  python3 - "$1" "${2:-00}" <<'PY'
import base64, sys, zlib
content = base64.b64encode(zlib.compress(open(sys.argv[1], 'rb').read())).decode()
fields = {"version": "5.1.0", "encoding": "UTF-8", "txnType": "76", "txnSubType": "01", "bizType": "000000",
          "accessType": "0", "merId": "802310048993424", "settleDate": "0905", "txnTime": "20150906090000",
          "fileType": "00", "respCode": sys.argv[2], "respMsg": "成功[0000000]" if sys.argv[2] == "00" else "文件不存在"}
if sys.argv[2] == "00":
    fields.update(fileName="802310048993424_20150905.zip", fileContent=content)
sys.stdout.write("&".join(f"{k}={v}" for k, v in sorted(fields.items())))
PY
}
body76 $ZIP > "$DF/ok.body"
sum=$("$ACP" decode-file --out "$DF/out" < "$DF/ok.body"); expect_eq "$?" "0" "decode-file exit code"
expect_eq "$(echo "$sum" | json '[(f["name"], f["kind"], f["bytes"]) for f in d["files"]]')" \
  "[('INN15090588ZM_802310048993424', 'zm', 4872), ('RD201015090501_802310048993424', 'report', 2312)]" "decode-file members"
expect_eq "$(echo "$sum" | json 'd["verified"], d["fileName"]')" "False 802310048993424_20150905.zip" "decode-file summary"
same=$(python3 -c "import zipfile,sys; z=zipfile.ZipFile('$ZIP'); print(all(open('$DF/out/'+n,'rb').read()==z.read(n) for n in z.namelist()))")
expect_eq "$same" "True" "decode-file writes the members byte for byte"
err=$("$ACP" decode-file --out "$DF/out" < "$DF/ok.body" 2>&1 >/dev/null); code=$?
if [ $code -ne 0 ] && echo "$err" | grep -q 'refusing to overwrite' && [ "$(echo "$err" | wc -l)" -eq 1 ]; then ok; else bad "decode-file overwrite (exit $code): $err"; fi
"$ACP" decode-file --out "$DF/out" --force < "$DF/ok.body" >/dev/null; expect_eq "$?" "0" "decode-file --force"
"$ACP" decode-file --out "$DF/parsed" --parse < "$DF/ok.body" > "$DF/parsed.jsonl"; expect_eq "$?" "0" "decode-file --parse exit code"
expect_eq "$(wc -l < "$DF/parsed.jsonl" | tr -d ' ')" "9" "decode-file --parse: summary + 8 records"
first=$(sed -n 2p "$DF/parsed.jsonl" | json 'd["txnCode"], d["traceNo"], d["traceTime"], d["panMasked"], d["amountFen"], d["queryId"], d["orderId"], d["merchantFee"], d["settleAmount"], d["merId"], d["termId"], d["medium"]')
expect_eq "$first" "S56 190624 0906112203 622609******0048 476800 201509061122031906248 10078087 -2861 473939 802310048993424 01080209 7" "decode-file first record"
expect_eq "$(head -1 "$DF/parsed.jsonl" | json 'd["zmRecords"], d["zmTotals"]')" \
  "8 {'amountFen': 1322700, 'merchantFeeFen': -7936, 'netSettleFen': 1314764, 'records': 8, 'settleFen': 1314764}" "decode-file totals = RD report (13227.00, 79.36, 13147.64)"
body76 $ZIP 98 > "$DF/98.body"
err=$("$ACP" decode-file --out "$DF/none" < "$DF/98.body" 2>&1 >/dev/null); code=$?
if [ $code -eq 1 ] && echo "$err" | grep -q 'respCode="98"' && [ "$(echo "$err" | wc -l)" -eq 1 ] && [ ! -e "$DF/none" ]; then ok; else bad "decode-file respCode 98 (exit $code): $err"; fi
"$ACP" decode-file --trust test --out "$DF/unsigned" < "$DF/ok.body" >/dev/null 2>&1; expect_eq "$?" "1" "decode-file --trust rejects an unsigned body"
python3 -c "import zipfile; z=zipfile.ZipFile('$DF/evil.zip','w'); z.writestr('../evil', b'x'); z.close()"
err=$(body76 "$DF/evil.zip" | "$ACP" decode-file --out "$DF/evil" 2>&1 >/dev/null); code=$?
if [ $code -ne 0 ] && echo "$err" | grep -q 4010 && [ ! -e "$DF/evil" ] && [ ! -e "$DF/../evil" ]; then ok; else bad "decode-file traversal (exit $code): $err"; fi
err=$(echo -n 'respCode=00&fileContent=not*base64' | "$ACP" decode-file --out "$DF/b64" 2>&1 >/dev/null); code=$?
if [ $code -ne 0 ] && echo "$err" | grep -q 4006 && [ "$(echo "$err" | wc -l)" -eq 1 ]; then ok; else bad "decode-file bad base64 (exit $code): $err"; fi
if command -v openssl >/dev/null; then
  # Sign the response as the sandbox gateway (5.1.0: RSA-SHA256 over the hex SHA-256 of the canonical string).
  python3 - "$DF/ok.body" $F/sandbox/sign.pem $F/sandbox/sign.key.pem > "$DF/signed.body" <<'PY'
import base64, hashlib, subprocess, sys
fields = dict(p.split("=", 1) for p in open(sys.argv[1]).read().split("&"))
fields["signMethod"] = "01"
fields["signPubKeyCert"] = open(sys.argv[2]).read().strip().replace("\r\n", "\n").replace("\n", "\r\n")
canonical = "&".join(f"{k}={v}" for k, v in sorted(fields.items()))
digest = hashlib.sha256(canonical.encode()).hexdigest().encode()
sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", sys.argv[3]], input=digest, capture_output=True, check=True).stdout
fields["signature"] = base64.b64encode(sig).decode()
sys.stdout.write("&".join(f"{k}={v}" for k, v in fields.items()))
PY
  trust="--trust $F/sandbox/root.pem,$F/sandbox/middle.pem --at 2026-01-01T00:00:00Z"
  v=$("$ACP" decode-file $trust --out "$DF/signed" < "$DF/signed.body" | json 'd["verified"], len(d["files"])')
  expect_eq "$v" "True 2" "decode-file --trust verifies a signed response"
  sed 's/settleDate=0905/settleDate=0906/' "$DF/signed.body" | "$ACP" decode-file $trust --out "$DF/tampered" >/dev/null 2>&1
  expect_eq "$?" "1" "decode-file --trust rejects a tampered response"
fi
rm -rf "$DF"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
