"""acpref — a small, independent reference implementation of the ACP algorithms.

Used only by gen_vectors.py to compute and cross-check expected values. It is written from
the protocol reference (shared spec §2–§6), with Python `cryptography` and the OpenSSL CLI,
and deliberately shares no code with the Rust crate: the vectors are the cross-check.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

UNIONPAY_NAME = "中国银联股份有限公司"
TEST_IDENTITY = "00040000:SIGN"


# ---------------------------------------------------------------------------------------------
# Hashes
# ---------------------------------------------------------------------------------------------

def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha1_hex(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def sm3_hex(data: bytes) -> str:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


# ---------------------------------------------------------------------------------------------
# Canonical string and signing (§4)
# ---------------------------------------------------------------------------------------------

def canonical(fields: dict[str, str]) -> str:
    """§4.1: drop empty values and `signature`, sort keys by byte order, join k=v with '&'."""
    keys = sorted((k for k, v in fields.items() if k != "signature" and v != ""),
                  key=lambda k: k.encode("utf-8"))
    return "&".join(f"{k}={fields[k]}" for k in keys)


def drop_empty(fields: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in fields.items() if v != ""}


def rsa_sign_01(key: rsa.RSAPrivateKey, canon: str, version: str) -> tuple[str, str]:
    """§4.2/§4.3: returns (digest hex, base64 signature)."""
    if version == "5.1.0":
        d, h = sha256_hex(canon.encode()), hashes.SHA256()
    elif version == "5.0.0":
        d, h = sha1_hex(canon.encode()), hashes.SHA1()
    else:
        raise ValueError(version)
    sig = key.sign(d.encode("ascii"), padding.PKCS1v15(), h)
    return d, base64.b64encode(sig).decode()


def secure_key_sign(canon: str, key: str, method: str) -> str:
    """§4.4: 11 = SHA-256, 12 = SM3; hex(H(canon + '&' + hex(H(key))))."""
    h = {"11": sha256_hex, "12": sm3_hex}[method]
    return h((canon + "&" + h(key.encode())).encode())


def sign_request(fields: dict[str, str], *, key=None, cert_id=None, secure_key=None) -> dict:
    """Returns canonical, digestHex, signature, signedFields for a request map."""
    m = drop_empty(fields)
    method, version = m["signMethod"], m["version"]
    if method == "01":
        m["certId"] = cert_id
        canon = canonical(m)
        digest, sig = rsa_sign_01(key, canon, version)
    else:
        canon = canonical(m)
        digest = {"11": sha256_hex, "12": sm3_hex}[method](canon.encode())
        sig = secure_key_sign(canon, secure_key, method)
    m["signature"] = sig
    return {"canonical": canon, "digestHex": digest, "signature": sig, "signedFields": m}


# ---------------------------------------------------------------------------------------------
# Wire formats (§2)
# ---------------------------------------------------------------------------------------------

class FormatError(Exception):
    def __init__(self, code: int, msg: str):
        super().__init__(msg)
        self.code = code


_UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-*_")


def java_urlencode(s: str) -> str:
    """java.net.URLEncoder.encode(s, UTF-8)."""
    out = []
    for b in s.encode("utf-8"):
        if b in _UNRESERVED:
            out.append(chr(b))
        elif b == 0x20:
            out.append("+")
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def encode_form(fields: dict[str, str]) -> str:
    keys = sorted(fields, key=lambda k: k.encode("utf-8"))
    return "&".join(f"{java_urlencode(k)}={java_urlencode(fields[k])}" for k in keys)


def _form_decode(s: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == 0x2B:  # '+'
            out.append(0x20)
            i += 1
        elif c == 0x25:  # '%'
            h = s[i + 1:i + 3]
            if len(h) != 2 or not all(x in b"0123456789abcdefABCDEF" for x in h):
                raise FormatError(4007, "bad percent-escape")
            out.append(int(h, 16))
            i += 3
        else:
            out.append(c)
            i += 1
    return bytes(out)


def parse_notify(body: bytes) -> dict[str, str]:
    """application/x-www-form-urlencoded → map (§2.3)."""
    out: dict[str, str] = {}
    if body == b"":
        return out
    for seg in body.split(b"&"):
        k, _, v = seg.partition(b"=")
        try:
            key = _form_decode(k).decode("utf-8")
            val = _form_decode(v).decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError(4003, "not UTF-8") from None
        if key == "":
            raise FormatError(4005, "empty key")
        if key in out:
            raise FormatError(4001, "duplicate key")
        out[key] = val
    return out


def parse_sync(body: bytes) -> dict[str, str]:
    """Synchronous response body → map (§2.2, depth-counting variant)."""
    try:
        s = body.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError(4003, "not UTF-8") from None
    if len(s) >= 2 and s[0] == "{" and s[-1] == "}":
        s = s[1:-1]
    out: dict[str, str] = {}
    segs: list[str] = []
    depth = 0
    cur: list[str] = []
    in_value = False
    for ch in s:
        if ch == "&" and depth == 0:
            segs.append("".join(cur))
            cur = []
            in_value = False
            continue
        cur.append(ch)
        if not in_value:
            if ch == "=":
                in_value = True
            continue
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            if depth > 0:
                depth -= 1
    if depth != 0:
        raise FormatError(4002, "unbalanced braces")
    segs.append("".join(cur))
    if segs == [""]:
        return out
    for seg in segs:
        k, _, v = seg.partition("=")
        if k == "":
            raise FormatError(4005, "empty key")
        if k in out:
            raise FormatError(4001, "duplicate key")
        out[k] = v
    return out


# ---------------------------------------------------------------------------------------------
# Keys and certificates
# ---------------------------------------------------------------------------------------------

def load_cert(path: str) -> x509.Certificate:
    data = open(path, "rb").read()
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def load_key(path: str) -> rsa.RSAPrivateKey:
    return serialization.load_pem_private_key(open(path, "rb").read(), None)


@dataclass
class Pfx:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate


def load_pfx(path: str, password: str) -> Pfx:
    data = open(path, "rb").read()
    try:
        p = pkcs12.load_pkcs12(data, password.encode())
        key = p.key
        certs = ([p.cert.certificate] if p.cert else []) + [c.certificate for c in p.additional_certs]
    except ValueError:
        # Fallback for builds without RC2-40: let OpenSSL's legacy provider open it.
        pem = subprocess.run(["openssl", "pkcs12", "-legacy", "-nodes", "-in", path,
                              "-passin", f"pass:{password}"], check=True, capture_output=True).stdout
        key = serialization.load_pem_private_key(pem, None)
        certs = x509.load_pem_x509_certificates(pem)
    pub = key.public_key().public_numbers()
    for c in certs:
        if isinstance(c.public_key(), rsa.RSAPublicKey) and c.public_key().public_numbers() == pub:
            return Pfx(key, c)
    raise ValueError(f"{path}: no certificate matches the key")


def pem_crlf(cert: x509.Certificate) -> str:
    """PEM with CRLF line breaks and no trailing newline — how UnionPay sends signPubKeyCert."""
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return pem.rstrip("\n").replace("\n", "\r\n")


_SHORT = {
    NameOID.COUNTRY_NAME: "C", NameOID.ORGANIZATION_NAME: "O",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "OU", NameOID.COMMON_NAME: "CN",
    NameOID.STATE_OR_PROVINCE_NAME: "ST", NameOID.LOCALITY_NAME: "L",
    NameOID.EMAIL_ADDRESS: "emailAddress", NameOID.SERIAL_NUMBER: "serialNumber",
}


def subject_string(name: x509.Name) -> str:
    """DER order, short names, ', ' between RDNs, '+' inside multi-valued RDNs, raw values."""
    rdns = []
    for rdn in name.rdns:
        rdns.append("+".join(f"{_SHORT[a.oid]}={a.value}" for a in rdn))
    return ", ".join(rdns)


def rfc3339(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(s: str) -> dt.datetime:
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def modulus_sha256(pub: rsa.RSAPublicKey) -> str:
    n = pub.public_numbers().n
    return sha256_hex(n.to_bytes((n.bit_length() + 7) // 8, "big"))


# ---------------------------------------------------------------------------------------------
# Verification (§5)
# ---------------------------------------------------------------------------------------------

class VerifyError(Exception):
    def __init__(self, code: int, step: str, msg: str = ""):
        super().__init__(f"{code} {step} {msg}")
        self.code = code
        self.step = step


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer.public_bytes() != issuer.subject.public_bytes():
        return False
    try:
        issuer.public_key().verify(cert.signature, cert.tbs_certificate_bytes,
                                   padding.PKCS1v15(), cert.signature_hash_algorithm)
        return True
    except Exception:
        return False


@dataclass
class Trust:
    kind: str                      # test | production | custom | certId | secureKey
    roots: list = None
    middles: list = None
    verify_certs: list = None
    secure_key: str = None
    allow_test_identity: bool = False  # custom only; test always, production never

    def identities(self) -> set[str]:
        if self.kind == "test" or (self.kind == "custom" and self.allow_test_identity):
            return {UNIONPAY_NAME, TEST_IDENTITY}
        return {UNIONPAY_NAME}


# UnionPay's published encryption certificates (SHA-256 of the DER): never signers.
KNOWN_ENCRYPTION_CERTS = {
    "bd1f8a7d320737d4db64c1545151cef647f451f773391118ffb4d2d64b314bbc",
    "0d5ddaeef73bf026dae5adb9d5f441d12bef0bba57b8916e97774ab40c2a2909",
    "a0978b4299834680bd69ff9562c13669d5a256653459ef5a5cea52a5bddf53bb",
    "d1921e89d5a69557107c624a29afac072eca59727f5d94b158c786eac8811a58",
}
# Extensions a verifier understands or may ignore; any other critical one refuses the leaf.
UNDERSTOOD_EXTENSIONS = {
    "2.5.29.19", "2.5.29.15", "2.5.29.14", "2.5.29.35", "2.5.29.37", "2.5.29.31", "2.5.29.32",
    "2.5.29.17", "2.5.29.18", "1.3.6.1.5.5.7.1.1", "2.16.840.1.113730.1.1",
}


def ambiguous(fields: dict[str, str]) -> bool:
    """Whether the fields could be re-split under the same canonical string: a key with
    = & { } [ ] or a control character, a value with & outside {…}/[…] or unbalanced groups."""
    for k, v in fields.items():
        if any(c in "=&{}[]" or unicodedata.category(c) == "Cc" for c in k):
            return True
        depth = 0
        for c in v:
            if c in "{[":
                depth += 1
            elif c in "}]":
                if depth == 0:
                    return True
                depth -= 1
            elif c == "&" and depth == 0:
                return True
        if depth:
            return True
    return False


def strong_rsa_key(cert: x509.Certificate, min_bits: int) -> bool:
    try:
        pub = cert.public_key()
    except ValueError:  # cryptography refuses e < 3 outright
        return False
    e = pub.public_numbers().e
    return e >= 3 and e % 2 == 1 and pub.key_size >= min_bits


def check_leaf(leaf: x509.Certificate, trust: Trust) -> None:
    """Name, usage and key rules of a signing certificate that chains."""
    cns = leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    parts = cns[0].value.split("@") if len(cns) == 1 else []
    if len(parts) != 4 or parts[2] not in trust.identities():
        raise VerifyError(3005, "name")
    try:
        bc = leaf.extensions.get_extension_for_class(x509.BasicConstraints).value
        if bc.ca:
            raise VerifyError(3010, "chain", "a CA")
    except x509.ExtensionNotFound:
        pass
    try:
        ku = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
        if not ku.digital_signature:
            raise VerifyError(3010, "chain", "no digitalSignature")
    except x509.ExtensionNotFound:
        pass
    if any(e.critical and e.oid.dotted_string not in UNDERSTOOD_EXTENSIONS for e in leaf.extensions):
        raise VerifyError(3010, "chain", "unknown critical extension")
    if hashlib.sha256(leaf.public_bytes(serialization.Encoding.DER)).hexdigest() in KNOWN_ENCRYPTION_CERTS:
        raise VerifyError(3010, "chain", "an encryption certificate")
    if not strong_rsa_key(leaf, 2048):
        raise VerifyError(3009, "chain", "weak key")


def verify(fields: dict[str, str], trust: Trust, now: dt.datetime) -> None:
    """Raises VerifyError(code, step) or returns None. Order: parse (ambiguity first) →
    chain → name → usage and key (step chain) → validity → signature."""
    if ambiguous(fields):
        raise VerifyError(3011, "parse", "ambiguous")
    sig = fields.get("signature", "")
    if sig == "":
        raise VerifyError(3001, "parse", "no signature")
    method, version = fields.get("signMethod"), fields.get("version")
    canon = canonical(fields)
    if method in ("11", "12"):
        if version != "5.1.0" or trust.secure_key is None:
            raise VerifyError(3002, "parse")
        if secure_key_sign(canon, trust.secure_key, method) != sig:
            raise VerifyError(3007, "signature")
        return
    if method != "01":
        raise VerifyError(3002, "parse", "signMethod")
    if version == "5.0.0":
        cid = fields.get("certId", "")
        match = [c for c in (trust.verify_certs or []) if str(c.serial_number) == cid]
        if not match:
            raise VerifyError(3008, "chain", "unknown certId")
        if not strong_rsa_key(match[0], 2048):
            raise VerifyError(3009, "chain", "weak key")
        try:
            match[0].public_key().verify(base64.b64decode(sig, validate=True),
                                         sha1_hex(canon.encode()).encode(),
                                         padding.PKCS1v15(), hashes.SHA1())
        except Exception:
            raise VerifyError(3007, "signature") from None
        return
    if version != "5.1.0":
        raise VerifyError(3002, "parse", "version")
    pem = fields.get("signPubKeyCert", "")
    try:
        leaf = x509.load_pem_x509_certificate(pem.encode("latin-1", "replace"))
        if leaf.public_key_algorithm_oid != x509.oid.PublicKeyAlgorithmOID.RSAES_PKCS1_v1_5:
            raise ValueError("not RSA")
    except Exception:
        raise VerifyError(3003, "parse", "signPubKeyCert") from None
    # chain
    ok = False
    for m in trust.middles or []:
        if _issued_by(leaf, m) and any(_issued_by(m, r) for r in trust.roots or []):
            ok = True
            break
    if not ok:
        raise VerifyError(3004, "chain")
    check_leaf(leaf, trust)
    # validity
    if not (leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc):
        raise VerifyError(3006, "validity")
    # signature
    try:
        leaf.public_key().verify(base64.b64decode(sig, validate=True),
                                 sha256_hex(canon.encode()).encode(),
                                 padding.PKCS1v15(), hashes.SHA256())
    except Exception:
        raise VerifyError(3007, "signature") from None


# ---------------------------------------------------------------------------------------------
# Encryption with fixed padding (§6.1), PIN block (§6.3)
# ---------------------------------------------------------------------------------------------

def padding_from_stream(stream: bytes, ps_len: int) -> tuple[bytes, bytes]:
    """PS = the first ps_len NONZERO bytes of the stream; returns (PS, consumed prefix)."""
    ps = bytearray()
    for i, b in enumerate(stream):
        if len(ps) == ps_len:
            return bytes(ps), stream[:i]
        if b != 0:
            ps.append(b)
    if len(ps) == ps_len:
        return bytes(ps), stream
    raise ValueError("stream too short")


def rsa_raw_public(pub: rsa.RSAPublicKey, em: bytes) -> bytes:
    n, e = pub.public_numbers().n, pub.public_numbers().e
    k = (n.bit_length() + 7) // 8
    return pow(int.from_bytes(em, "big"), e, n).to_bytes(k, "big")


def openssl_raw_public(cert_or_pub_pem: bytes, em: bytes, is_cert: bool) -> bytes:
    with tempfile.TemporaryDirectory() as d:
        kp, ip, op = (os.path.join(d, x) for x in ("k.pem", "in.bin", "out.bin"))
        open(kp, "wb").write(cert_or_pub_pem)
        open(ip, "wb").write(em)
        args = ["openssl", "pkeyutl", "-encrypt", "-inkey", kp, "-in", ip, "-out", op,
                "-pkeyopt", "rsa_padding_mode:none"]
        args.insert(3, "-certin" if is_cert else "-pubin")
        subprocess.run(args, check=True, capture_output=True)
        return open(op, "rb").read()


def encrypt_fixed(cert: x509.Certificate, plaintext: bytes, stream: bytes) -> dict:
    """RSAES-PKCS1-v1_5 with PS from `stream`; cross-checked against `openssl pkeyutl` (raw)."""
    pub = cert.public_key()
    k = (pub.key_size + 7) // 8
    ps_len = k - 3 - len(plaintext)
    if ps_len < 8:
        raise ValueError("plaintext too long")
    ps, used = padding_from_stream(stream, ps_len)
    em = b"\x00\x02" + ps + b"\x00" + plaintext
    c = rsa_raw_public(pub, em)
    c2 = openssl_raw_public(cert.public_bytes(serialization.Encoding.PEM), em, True)
    assert c == c2, "pow() and openssl pkeyutl disagree"
    return {"random": used, "padding": ps, "ciphertext": base64.b64encode(c).decode()}


def pin_block(pin: str, pan: str) -> bytes:
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 12):
        raise FormatError(1008, "PIN")
    if not (pan.isascii() and pan.isdigit() and 11 <= len(pan) <= 19):
        raise FormatError(1008, "PAN")
    pin_field = bytes.fromhex(("%02X" % len(pin)) + pin + "F" * (14 - len(pin)))
    p = pan.rjust(13, "0")
    pan_field = bytes.fromhex("0000" + p[len(p) - 13:len(p) - 1])
    return bytes(a ^ b for a, b in zip(pin_field, pan_field))
