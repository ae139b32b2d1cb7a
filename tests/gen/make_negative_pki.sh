#!/usr/bin/env bash
# make_negative_pki.sh — certificates that verification MUST reject (OpenSSL CLI).
#
# TEST-ONLY MATERIAL; the private keys are committed on purpose.
#
# Usage: tests/gen/make_negative_pki.sh [OUTDIR] [SANDBOXDIR]
#        (defaults: tests/fixtures/negative, tests/fixtures/sandbox)
#
# Writes:
#   fake_root.pem / fake_root.key.pem       self-signed, subject DER-equal to UnionPay's TEST root
#   fake_middle.pem / fake_middle.key.pem   subject DER-equal to UnionPay's TEST middle, signed by fake_root
#   fake_leaf.pem / fake_leaf.key.pem       "041@8310000000083040@中国银联股份有限公司@00016495", signed by fake_middle
#                                           (the issuer name matches the real test middle, the signature does not)
#   wrongcn_leaf.pem / .key.pem             signed by the SANDBOX middle, CN identity "Someone Else Ltd"
#   sandbox_expired_leaf.pem / .key.pem     signed by the SANDBOX middle, correct CN, valid 2025-01-01 → 2025-06-01
#   merchant_truncated.pfx                  the first 1200 bytes of sandbox/merchant.pfx (a malformed PKCS#12)
#
# The sandbox PKI (make_sandbox_pki.sh) must exist first. Re-running creates new keys.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../fixtures/negative}"
sbx="${2:-$here/../fixtures/sandbox}"
certs="$here/../fixtures/certs"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
sbx="$(cd "$sbx" && pwd)"

SERIAL_FAKE_ROOT=7100000000001
SERIAL_FAKE_MIDDLE=7100000000002
SERIAL_FAKE_LEAF=7100000000003
SERIAL_WRONGCN=7000000000091
SERIAL_EXPIRED=7000000000092

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/newcerts"
: >"$work/index.txt"

# string_mask MASK:0x2002 = PrintableString when possible, else UTF8String — this is what
# UnionPay's CFCA certificates use, so the fake names come out DER-equal to the real ones.
cat >"$work/ca.cnf" <<'EOF'
[ ca ]
default_ca = CA_default

[ CA_default ]
dir            = $ENV::NEG_CA_DIR
database       = $dir/index.txt
new_certs_dir  = $dir/newcerts
serial         = $dir/serial
default_md     = sha256
policy         = policy_any
unique_subject = no
preserve       = yes
email_in_dn    = no
copy_extensions = none
string_mask    = MASK:0x2002

[ policy_any ]
countryName            = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied

[ req ]
distinguished_name = req_dn
string_mask        = MASK:0x2002
utf8               = yes
prompt             = no

[ req_dn ]
CN = unused

[ ext_root ]
basicConstraints       = critical,CA:true
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash

[ ext_middle ]
basicConstraints       = critical,CA:true
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ext_sign ]
basicConstraints       = CA:false
keyUsage               = critical,digitalSignature,nonRepudiation
extendedKeyUsage       = clientAuth,emailProtection
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF
export NEG_CA_DIR="$work"
export OPENSSL_CONF="$work/ca.cnf"

set_serial() {
  local hex
  hex="$(printf '%X' "$1")"
  if (( ${#hex} % 2 )); then hex="0$hex"; fi
  printf '%s\n' "$hex" >"$work/serial"
}

newkey() {
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/$1.key.pem" 2>/dev/null
}

# issue NAME SUBJECT SERIAL START END EXT ISSUER_CERT ISSUER_KEY   (ISSUER_CERT = "self" for a root)
issue() {
  local name="$1" subj="$2" serial="$3" start="$4" end="$5" ext="$6" icert="$7" ikey="$8"
  openssl req -new -utf8 -config "$work/ca.cnf" -key "$out/$name.key.pem" -subj "$subj" \
    -out "$work/$name.csr"
  set_serial "$serial"
  local issuer_args=(-cert "$icert" -keyfile "$ikey")
  if [[ "$icert" == self ]]; then issuer_args=(-selfsign -keyfile "$out/$name.key.pem"); fi
  openssl ca -batch -config "$work/ca.cnf" "${issuer_args[@]}" \
    -in "$work/$name.csr" -out "$work/$name.crt" -startdate "$start" -enddate "$end" \
    -extensions "$ext" -md sha256 -notext -utf8 2>"$work/$name.log" || { cat "$work/$name.log" >&2; exit 1; }
  openssl x509 -in "$work/$name.crt" -out "$out/$name.pem"
}

# dn_of CERT — "/C=CN/O=…/CN=…" in DER order, for -subj.
dn_of() {
  openssl x509 -in "$1" -noout -subject -nameopt compat,sep_multiline,utf8,-esc_msb \
    | sed -n '2,$ s/^ *\([A-Za-z]*=.*\)$/\/\1/p' | tr -d '\n'
}
# typed_dn CERT — subject with string types, for the DER-equality check.
typed_dn() { openssl x509 -in "$1" -noout -subject -nameopt RFC2253,show_type; }

UP="中国银联股份有限公司"
root_dn="$(dn_of "$certs/acp_test_root.pem")"
middle_dn="$(dn_of "$certs/acp_test_middle.pem")"

for n in fake_root fake_middle fake_leaf wrongcn_leaf sandbox_expired_leaf; do newkey "$n"; done

issue fake_root   "$root_dn"   $SERIAL_FAKE_ROOT   20200101000000Z 20400101000000Z ext_root   self ""
issue fake_middle "$middle_dn" $SERIAL_FAKE_MIDDLE 20200101000000Z 20400101000000Z ext_middle \
  "$out/fake_root.pem" "$out/fake_root.key.pem"
issue fake_leaf "/C=cn/O=CFCA OCA1/OU=Local RA OCA1/OU=Enterprises/CN=041@8310000000083040@$UP@00016495" \
  $SERIAL_FAKE_LEAF 20200101000000Z 20400101000000Z ext_sign \
  "$out/fake_middle.pem" "$out/fake_middle.key.pem"

issue wrongcn_leaf "/C=CN/O=unionpay-acp Sandbox/OU=Local RA/CN=041@8310000000083040@Someone Else Ltd@00000009" \
  $SERIAL_WRONGCN 20250101000000Z 20400101000000Z ext_sign "$sbx/middle.pem" "$sbx/middle.key.pem"
issue sandbox_expired_leaf "/C=CN/O=unionpay-acp Sandbox/OU=Local RA/CN=041@8310000000083040@$UP@00000003" \
  $SERIAL_EXPIRED 20250101000000Z 20250601000000Z ext_sign "$sbx/middle.pem" "$sbx/middle.key.pem"

# The fake CA names must be byte-identical (types included) to UnionPay's.
[[ "$(typed_dn "$out/fake_root.pem")" == "$(typed_dn "$certs/acp_test_root.pem")" ]] || { echo "fake_root subject differs" >&2; exit 1; }
[[ "$(typed_dn "$out/fake_middle.pem")" == "$(typed_dn "$certs/acp_test_middle.pem")" ]] || { echo "fake_middle subject differs" >&2; exit 1; }

# Sanity: the fake chain is internally consistent, but does NOT chain to the real test root.
at=$(date -u -d 2030-01-01T00:00:00Z +%s)
openssl verify -attime "$at" -CAfile "$out/fake_root.pem" -untrusted "$out/fake_middle.pem" -purpose any "$out/fake_leaf.pem" >/dev/null
if openssl verify -attime "$at" -CAfile "$certs/acp_test_root.pem" -untrusted "$certs/acp_test_middle.pem" \
     -purpose any "$out/fake_leaf.pem" >/dev/null 2>&1; then
  echo "fake_leaf unexpectedly chains to the real test root" >&2; exit 1
fi
openssl verify -attime "$at" -CAfile "$sbx/root.pem" -untrusted "$sbx/middle.pem" -purpose any "$out/wrongcn_leaf.pem" >/dev/null
at_2025=$(date -u -d 2025-03-01T00:00:00Z +%s)
openssl verify -attime "$at_2025" -CAfile "$sbx/root.pem" -untrusted "$sbx/middle.pem" -purpose any "$out/sandbox_expired_leaf.pem" >/dev/null

head -c 1200 "$sbx/merchant.pfx" >"$out/merchant_truncated.pfx"

chmod 644 "$out"/*.pem "$out"/*.pfx
for n in fake_root fake_middle fake_leaf wrongcn_leaf sandbox_expired_leaf; do
  hex="$(openssl x509 -in "$out/$n.pem" -noout -serial | cut -d= -f2)"
  printf '%-21s serial %s (hex %s)\n' "$n" "$((16#$hex))" "$hex"
done
echo "written to $out"
