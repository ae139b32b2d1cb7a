#!/usr/bin/env bash
# make_sandbox_pki.sh — builds the sandbox's own test PKI with the OpenSSL CLI.
#
# TEST-ONLY MATERIAL. The private keys written here are committed to the repository on
# purpose (tests and the local sandbox need them); they protect nothing.
#
# Usage: tests/gen/make_sandbox_pki.sh [OUTDIR]     (default: tests/fixtures/sandbox)
#        tests/gen/make_sandbox_pki.sh --leaves-only [OUTDIR]
#          issues only the leaves added later (tls, verify500) from the root and middle
#          already in OUTDIR, leaving every other file as it is.
#
# Re-running creates NEW keys (RSA key generation is random) with the same names, serials,
# subjects and validity dates. The committed output is what the test vectors use: after a
# re-run, re-run tests/gen/make_negative_pki.sh and tests/gen/gen_vectors.py as well.
#
# Requires OpenSSL 3.x (uses `openssl pkcs12 -legacy` for the UnionPay-style PFX).
set -euo pipefail

leaves_only=0
if [[ ${1:-} == --leaves-only ]]; then leaves_only=1; shift; fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../fixtures/sandbox}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# Fixed serials (decimal); certId / encryptCertId are these numbers.
SERIAL_ROOT=7000000000001
SERIAL_MIDDLE=7000000000002
SERIAL_SIGN=7000000000011
SERIAL_ENC=7000000000021
SERIAL_ENC2=7000000000022
SERIAL_MERCHANT=7000000000031
SERIAL_VERIFY500=7000000000012
SERIAL_TLS=7000000000041
PFX_PASSWORD=000000

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/newcerts"
: >"$work/index.txt"

cat >"$work/ca.cnf" <<'EOF'
[ ca ]
default_ca = CA_default

[ CA_default ]
dir            = $ENV::SANDBOX_CA_DIR
database       = $dir/index.txt
new_certs_dir  = $dir/newcerts
serial         = $dir/serial
default_md     = sha256
policy         = policy_any
unique_subject = no
preserve       = yes
email_in_dn    = no
copy_extensions = none

[ policy_any ]
countryName            = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied

[ req ]
distinguished_name = req_dn
string_mask        = utf8only
utf8               = yes
prompt             = no

[ req_dn ]
CN = unused

[ ext_root ]
basicConstraints       = critical,CA:true
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash

[ ext_middle ]
basicConstraints       = critical,CA:true,pathlen:0
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ext_sign ]
basicConstraints       = CA:false
keyUsage               = critical,digitalSignature,nonRepudiation
extendedKeyUsage       = clientAuth,emailProtection
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ext_enc ]
basicConstraints       = CA:false
keyUsage               = critical,keyEncipherment,dataEncipherment
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ext_tls ]
basicConstraints       = critical,CA:false
keyUsage               = critical,digitalSignature,keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost,IP:127.0.0.1,IP:::1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ext_merchant ]
basicConstraints       = CA:false
keyUsage               = critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment
extendedKeyUsage       = clientAuth,emailProtection
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF
export SANDBOX_CA_DIR="$work"
export OPENSSL_CONF="$work/ca.cnf"

# set_serial DECIMAL — writes the next serial (hex, even length) for `openssl ca`.
set_serial() {
  local hex
  hex="$(printf '%X' "$1")"
  if (( ${#hex} % 2 )); then hex="0$hex"; fi
  printf '%s\n' "$hex" >"$work/serial"
}

# newkey NAME — RSA-2048 private key, PKCS#8 PEM.
newkey() {
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/$1.key.pem" 2>/dev/null
}

# issue NAME SUBJECT SERIAL START END EXT ISSUER   (ISSUER = "self" for the root)
issue() {
  local name="$1" subj="$2" serial="$3" start="$4" end="$5" ext="$6" issuer="$7"
  openssl req -new -utf8 -config "$work/ca.cnf" -key "$out/$name.key.pem" -subj "$subj" \
    -out "$work/$name.csr"
  set_serial "$serial"
  if [[ "$issuer" == self ]]; then
    openssl ca -batch -config "$work/ca.cnf" -selfsign -keyfile "$out/$name.key.pem" \
      -in "$work/$name.csr" -out "$work/$name.crt" -startdate "$start" -enddate "$end" \
      -extensions "$ext" -md sha256 -notext -utf8 2>"$work/$name.log" || { cat "$work/$name.log" >&2; exit 1; }
  else
    openssl ca -batch -config "$work/ca.cnf" -cert "$out/$issuer.pem" -keyfile "$out/$issuer.key.pem" \
      -in "$work/$name.csr" -out "$work/$name.crt" -startdate "$start" -enddate "$end" \
      -extensions "$ext" -md sha256 -notext -utf8 2>"$work/$name.log" || { cat "$work/$name.log" >&2; exit 1; }
  fi
  # Plain PEM (no text dump), LF line endings.
  openssl x509 -in "$work/$name.crt" -out "$out/$name.pem"
}

O="/C=CN/O=unionpay-acp Sandbox"
UP="中国银联股份有限公司"

# The leaves added later, issued by the existing middle.
issue_later_leaves() {
  newkey verify500
  newkey tls
  issue verify500 "$O/OU=Local RA/CN=041@8310000000083040@$UP@00000003" $SERIAL_VERIFY500 20250101000000Z 20400101000000Z ext_sign middle
  issue tls       "$O/OU=Local RA/CN=localhost"                        $SERIAL_TLS       20250101000000Z 20400101000000Z ext_tls  middle
  local at
  at=$(date -u -d 2030-01-01T00:00:00Z +%s)
  openssl verify -attime "$at" -CAfile "$out/root.pem" -untrusted "$out/middle.pem" -purpose sslserver "$out/tls.pem" >/dev/null
  openssl verify -attime "$at" -CAfile "$out/root.pem" -untrusted "$out/middle.pem" -purpose any "$out/verify500.pem" >/dev/null
  chmod 644 "$out"/verify500*.pem "$out"/tls*.pem
}

if [[ $leaves_only == 1 ]]; then
  issue_later_leaves
  for n in verify500 tls; do
    hex="$(openssl x509 -in "$out/$n.pem" -noout -serial | cut -d= -f2)"
    printf '%-9s serial %s (hex %s)\n' "$n" "$((16#$hex))" "$hex"
  done
  echo "written to $out"
  exit 0
fi

for n in root middle sign enc enc2 merchant; do newkey "$n"; done

issue root     "$O/CN=ACP SANDBOX ROOT CA"                          $SERIAL_ROOT     20250101000000Z 20450101000000Z ext_root     self
issue middle   "$O/CN=ACP SANDBOX OCA1"                             $SERIAL_MIDDLE   20250101000000Z 20440101000000Z ext_middle   root
issue sign     "$O/OU=Local RA/CN=041@8310000000083040@$UP@00000001" $SERIAL_SIGN     20250101000000Z 20400101000000Z ext_sign     middle
issue enc      "$O/OU=Local RA/CN=041@8310000000083040@$UP@00000002" $SERIAL_ENC      20250101000000Z 20400101000000Z ext_enc      middle
issue enc2     "$O/OU=Local RA/CN=041@8310000000083040@$UP@00000002" $SERIAL_ENC2     20260101000000Z 20410101000000Z ext_enc      middle
issue merchant "$O/CN=041@777290058110097@Sandbox Merchant@00000001" $SERIAL_MERCHANT 20250101000000Z 20400101000000Z ext_merchant middle

issue_later_leaves

# Chain checks (leaf -> middle -> root), at a time inside every validity window.
at=$(date -u -d 2030-01-01T00:00:00Z +%s)
for n in sign enc enc2 merchant; do
  openssl verify -attime "$at" -CAfile "$out/root.pem" -untrusted "$out/middle.pem" -purpose any "$out/$n.pem" >/dev/null
done

# merchant.pfx: UnionPay's legacy layout — cert bag pbeWithSHA1And40BitRC2-CBC, key bag
# pbeWithSHA1And3-KeyTripleDES-CBC, SHA-1 MAC, 2000 iterations; the leaf only.
openssl pkcs12 -export -legacy -iter 2000 -macalg sha1 -name "merchant" \
  -inkey "$out/merchant.key.pem" -in "$out/merchant.pem" \
  -passout "pass:$PFX_PASSWORD" -out "$out/merchant.pfx"
# merchant_modern.pfx: OpenSSL 3 defaults — PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for both
# bags, SHA-256 MAC; carries the leaf plus middle and root (so a loader must pick the cert
# that matches the key).
openssl pkcs12 -export -name "merchant" \
  -inkey "$out/merchant.key.pem" -in "$out/merchant.pem" \
  -certfile <(cat "$out/middle.pem" "$out/root.pem") \
  -passout "pass:$PFX_PASSWORD" -out "$out/merchant_modern.pfx"

chmod 644 "$out"/*.pem "$out"/*.pfx

# Serial numbers, decimal (certId / encryptCertId).
for n in root middle sign enc enc2 merchant verify500 tls; do
  hex="$(openssl x509 -in "$out/$n.pem" -noout -serial | cut -d= -f2)"
  printf '%-9s serial %s (hex %s)\n' "$n" "$((16#$hex))" "$hex"
done
echo "written to $out"
