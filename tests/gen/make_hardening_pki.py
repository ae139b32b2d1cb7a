#!/usr/bin/env python3
"""make_hardening_pki.py — signing certificates that chain to the SANDBOX CA correctly but
must still be refused: weak keys, CA or encryption-only usage, unknown critical extensions,
malformed CN layouts, the test identity under a custom trust. TEST-ONLY MATERIAL; the
private keys are committed on purpose (see tests/fixtures/negative/README.md).

Usage: python3 tests/gen/make_hardening_pki.py [OUTDIR] [SANDBOXDIR]
       (defaults: tests/fixtures/negative, tests/fixtures/sandbox)

Writes (each NAME.pem, and NAME.key.pem where a private key exists):
  weak_e1_leaf        public exponent 1 (the key is a 2048-bit e=3 key with e patched to 1 and
                      the certificate re-signed by the sandbox middle): "signature = padded
                      message" would verify for any text
  weak_512_leaf       a 512-bit RSA key (OpenSSL CLI; `cryptography` refuses to make one)
  ca_leaf             basicConstraints cA=TRUE
  nosign_leaf         keyUsage keyEncipherment only (no digitalSignature)
  critical_ext_leaf   a critical private extension (1.3.6.1.4.1.55555.1) nobody enforces
  three_part_cn_leaf  CN 041@8310000000083040@中国银联股份有限公司 (three '@' parts)
  two_cn_leaf         two CN attributes, the first one UnionPay's, the second another's
  testid_leaf         CN identity 00040000:SIGN (UnionPay's old test identity)
  notca_root          a self-signed root without basicConstraints cA (an anchor that is not a CA)
Re-running makes new keys: regenerate the vectors (tests/gen/gen_vectors.py) with them.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

UP = "中国银联股份有限公司"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../fixtures/negative")
SBX = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "../fixtures/sandbox")
START = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
END = dt.datetime(2040, 1, 1, tzinfo=dt.timezone.utc)


def load(path):
    with open(path, "rb") as f:
        return f.read()


middle = x509.load_pem_x509_certificate(load(os.path.join(SBX, "middle.pem")))
middle_key = serialization.load_pem_private_key(load(os.path.join(SBX, "middle.key.pem")), None)


def name(*cns: str) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "unionpay-acp Sandbox"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Local RA"),
    ]
    attrs += [x509.NameAttribute(NameOID.COMMON_NAME, cn) for cn in cns]
    return x509.Name(attrs)


def sign_usage(digital_signature=True, key_encipherment=False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature, content_commitment=digital_signature,
        key_encipherment=key_encipherment, data_encipherment=False, key_agreement=False,
        key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
    )


def leaf(subject, serial, public_key, *, ca=False, usage=None, extra=()):
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(middle.subject)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(START)
        .not_valid_after(END)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=False)
        .add_extension(usage or sign_usage(), critical=True)
    )
    for ext, critical in extra:
        b = b.add_extension(ext, critical=critical)
    return b.sign(middle_key, hashes.SHA256())


def write(stem, cert, key=None):
    with open(os.path.join(OUT, f"{stem}.pem"), "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    if key is not None:
        with open(os.path.join(OUT, f"{stem}.key.pem"), "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))


def new_key(e=65537):
    return rsa.generate_private_key(public_exponent=e, key_size=2048)


def cn(n: int) -> str:
    return f"041@8310000000083040@{UP}@{n:08d}"


def e1_certificate(serial: int) -> x509.Certificate:
    """A certificate for an e=3 key, its exponent patched to 1 and its TBS re-signed."""
    k = new_key(3)
    der = leaf(name(cn(93)), serial, k.public_key()).public_bytes(serialization.Encoding.DER)
    cert = x509.load_der_x509_certificate(der)
    tbs = cert.tbs_certificate_bytes
    spki = k.public_key().public_bytes(serialization.Encoding.DER,
                                       serialization.PublicFormat.SubjectPublicKeyInfo)
    assert spki.endswith(b"\x02\x01\x03") and tbs.count(spki) == 1
    new_tbs = tbs.replace(spki, spki[:-1] + b"\x01")
    new_sig = middle_key.sign(new_tbs, padding.PKCS1v15(), hashes.SHA256())
    assert len(new_sig) == len(cert.signature) and der.count(cert.signature) == 1
    return x509.load_der_x509_certificate(der.replace(tbs, new_tbs).replace(cert.signature, new_sig))


def openssl_512_key():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "k.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512",
                        "-out", path], check=True, capture_output=True)
        return serialization.load_pem_private_key(load(path), None, unsafe_skip_rsa_key_validation=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    e1 = e1_certificate(7000000000093)
    write("weak_e1_leaf", e1)
    k = openssl_512_key()
    write("weak_512_leaf", leaf(name(cn(94)), 7000000000094, k.public_key()), k)
    k = new_key()
    write("ca_leaf", leaf(name(cn(95)), 7000000000095, k.public_key(), ca=True), k)
    k = new_key()
    write("nosign_leaf", leaf(name(cn(96)), 7000000000096, k.public_key(),
                              usage=sign_usage(digital_signature=False, key_encipherment=True)), k)
    k = new_key()
    private = x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.55555.1"), b"\x05\x00")
    write("critical_ext_leaf", leaf(name(cn(97)), 7000000000097, k.public_key(),
                                    extra=[(private, True)]), k)
    k = new_key()
    write("three_part_cn_leaf", leaf(name(f"041@8310000000083040@{UP}"), 7000000000098, k.public_key()), k)
    k = new_key()
    write("two_cn_leaf", leaf(name(cn(99), "041@1@Someone Else Ltd@00000099"), 7000000000099,
                              k.public_key()), k)
    k = new_key()
    write("testid_leaf", leaf(name("041@Z12@00040000:SIGN@00000100"), 7000000000100, k.public_key()), k)
    k = new_key()
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Not a CA")])
    notca = (
        x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
        .public_key(k.public_key()).serial_number(7000000000101)
        .not_valid_before(START).not_valid_after(END)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(k, hashes.SHA256())
    )
    write("notca_root", notca, k)
    print(f"written to {OUT}")


if __name__ == "__main__":
    main()
