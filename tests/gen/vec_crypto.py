"""encrypt.json, customer_info.json, decrypt.json, pkcs12.json."""

from __future__ import annotations

import base64
import subprocess

from cryptography.hazmat.primitives.asymmetric import padding

import acpref as ref
from vec_common import VectorFile, fx, b64, encrypt_case, v1_fields, v2_fields

TEST_ENC = "fixtures/certs/acp_test_enc_2017.pem"
SBX_ENC = "fixtures/sandbox/enc.pem"
SBX_ENC_KEY = "fixtures/sandbox/enc.key.pem"
SBX_ENC2 = "fixtures/sandbox/enc2.pem"
SBX_ENC2_KEY = "fixtures/sandbox/enc2.key.pem"

RNG_HEADER = [
    "Fixed-randomness contract for RSAES-PKCS1-v1_5 (spec §6.1): EM = 0x00 || 0x02 || PS || 0x00 || M,",
    "PS = the FIRST k-3-len(M) NONZERO bytes of the random stream (zero bytes are skipped, order kept),",
    "ciphertext = base64(RSA_public(EM)) (k = modulus length in bytes, 256 here).",
    "`random` (hex) is exactly the stream consumed: it ends with the last byte used for PS and contains",
    "zero bytes that must be skipped; `padding` (hex) is the resulting PS.",
    "A test RNG should return the bytes of `random` in order (and may fail if asked for more).",
]


def build() -> list[VectorFile]:
    return [encrypt_file(), customer_info_file(), decrypt_file(), pkcs12_file()]


# ---------------------------------------------------------------------------------------------
# encrypt.json
# ---------------------------------------------------------------------------------------------

def encrypt_file() -> VectorFile:
    vf = VectorFile(
        "encrypt.json", "ACP-RSA-PKCS1V15-ENCRYPT",
        ["Encrypting sensitive values with UnionPay's encryption certificate (spec §6.1).",
         "Input: `plaintext` (UTF-8 string) or `plaintextHex` (bytes), `random`.",
         "Output: `padding`, `ciphertext`; or `errorCode` for invalid inputs.",
         "Groups: `cert` (PEM), `encryptCertId` (its decimal serial, what a request must carry),",
         "and for sandbox certificates `key` (PEM private key) so a test may also decrypt.",
         *RNG_HEADER,
         "Expected ciphertexts are computed with Python pow(m, e, n) and cross-checked with",
         "`openssl pkeyutl -encrypt -pkeyopt rsa_padding_mode:none`; sandbox ones also decrypt with",
         "Python `cryptography` PKCS1v15."],
        {
            "CardNumber": "accNo plaintext.",
            "EncryptedInfo": "The customerInfo encryptedInfo plaintext (phoneNo/cvn2/expired).",
            "Binary": "Binary plaintext (a PIN block), given as plaintextHex.",
            "NonAscii": "Chinese plaintext; encrypted as UTF-8 bytes.",
            "MaxLength": "Plaintext of exactly k-11 bytes (PS is 8 bytes).",
            "TooLong": "Plaintext longer than k-11 bytes → 1005 (InvalidArgument).",
            "ZeroSkipping": "The random stream contains zero bytes that must be skipped.",
        },
    )

    def group(cert_rel, key_rel=None):
        cert = ref.load_cert(fx(cert_rel))
        key = ref.load_key(fx(key_rel)) if key_rel else None
        gf = {"cert": cert_rel, "encryptCertId": str(cert.serial_number)}
        if key_rel:
            gf["key"] = key_rel
        g = vf.group(**gf)
        k = (cert.public_key().key_size + 7) // 8

        def add(comment, flags, pt: bytes, text=True):
            r = encrypt_case(cert, pt, f"encrypt:{cert_rel}:{comment}")
            if key:
                assert key.decrypt(base64.b64decode(r["ciphertext"]), padding.PKCS1v15()) == pt
            kw = {"plaintext": pt.decode("utf-8")} if text else {"plaintextHex": pt.hex()}
            g.add(comment, flags + ["ZeroSkipping"], "valid", random=r["random"].hex(),
                  padding=r["padding"].hex(), ciphertext=r["ciphertext"], **kw)

        add("card number 6216261000000000018", ["CardNumber"], b"6216261000000000018")
        add("phone number", [], b"13552535506")
        add("encryptedInfo plaintext", ["EncryptedInfo"], b"phoneNo=13552535506&cvn2=123&expired=2311")
        add("PIN block 06122456FFFFFFFE (PIN 123456, PAN 6216261000000000018)", ["Binary"],
            bytes.fromhex("06122456FFFFFFFE"), text=False)
        add("Chinese name", ["NonAscii"], "全渠道".encode())
        maxpt = ("0123456789" * 30)[: k - 11].encode()
        add(f"maximum length plaintext ({k - 11} bytes)", ["MaxLength"], maxpt)
        g.add(f"plaintext of {k - 10} bytes is too long", ["TooLong"], "invalid",
              plaintext=("0123456789" * 30)[: k - 10], errorCode=1005)
        return g

    group(TEST_ENC)
    group(SBX_ENC, SBX_ENC_KEY)
    g = vf.group(cert=SBX_ENC2, key=SBX_ENC2_KEY, encryptCertId=str(ref.load_cert(fx(SBX_ENC2)).serial_number))
    cert2, key2 = ref.load_cert(fx(SBX_ENC2)), ref.load_key(fx(SBX_ENC2_KEY))
    pt = b"6216261000000000018"
    r = encrypt_case(cert2, pt, "encrypt:enc2:card")
    assert key2.decrypt(base64.b64decode(r["ciphertext"]), padding.PKCS1v15()) == pt
    g.add("card number with the rotated sandbox encryption certificate", ["CardNumber", "ZeroSkipping"], "valid",
          plaintext=pt.decode(), random=r["random"].hex(), padding=r["padding"].hex(), ciphertext=r["ciphertext"])
    return vf


# ---------------------------------------------------------------------------------------------
# customer_info.json
# ---------------------------------------------------------------------------------------------

OLD_ORDER = ["certifTp", "certifId", "customerNm", "phoneNo", "smsCode", "pin", "cvn2", "expired"]
NEW_OUTER = ["certifTp", "certifId", "customerNm", "smsCode", "pin"]
NEW_INNER = ["phoneNo", "cvn2", "expired"]


def build_customer_info(ci: dict[str, str], mode: str, cert=None, label="") -> dict:
    if mode == "plain":
        s = "{" + "&".join(f"{k}={ci[k]}" for k in OLD_ORDER if k in ci) + "}"
        return {"value": b64(s)}
    inner = "&".join(f"{k}={ci[k]}" for k in NEW_INNER if k in ci)
    outer = [f"{k}={ci[k]}" for k in NEW_OUTER if k in ci]
    out = {}
    if inner:
        r = encrypt_case(cert, inner.encode(), label)
        outer.append(f"encryptedInfo={r['ciphertext']}")
        out.update(encryptedInfoPlaintext=inner, random=r["random"].hex(), encryptedInfo=r["ciphertext"])
    out["value"] = b64("{" + "&".join(outer) + "}")
    return out


def customer_info_file() -> VectorFile:
    # Self-test: the spec §3.3 old-rule example (its sub-field order differs from ours).
    spec = b64("{phoneNo=13552535506&cvn2=123&expired=2311&smsCode=111111}")
    assert spec == "e3Bob25lTm89MTM1NTI1MzU1MDYmY3ZuMj0xMjMmZXhwaXJlZD0yMzExJnNtc0NvZGU9MTExMTExfQ=="
    # Self-test: spec §6.3 PIN blocks.
    assert ref.pin_block("123456", "6216261000000000018").hex().upper() == "06122456FFFFFFFE"
    assert ref.pin_block("123456", "6221558812340000").hex().upper() == "0612210E7EDCBFFF"

    vf = VectorFile(
        "customer_info.json", "ACP-CUSTOMER-INFO",
        ["Building the customerInfo field (spec §3.3) and the PIN block (spec §6.3).",
         "Groups with operation=build: input `customerInfo` (sub-field → value) and `mode`:",
         "  plain     (old rule) value = base64(UTF-8('{' + k=v joined by '&' + '}')), sub-fields in the order",
         "            certifTp, certifId, customerNm, phoneNo, smsCode, pin, cvn2, expired (only those present);",
         "  encrypted (new rule) E = phoneNo, cvn2, expired (in that order, only those present) joined as k=v&…",
         "            without braces; encryptedInfo = base64(RSA-PKCS1v15(group cert, UTF-8(E))) with the fixed",
         "            `random` stream; value = base64('{' + certifTp, certifId, customerNm, smsCode, pin,",
         "            encryptedInfo (only those present, in that order) + '}'). Without phoneNo/cvn2/expired",
         "            there is no encryptedInfo (and no `random`).",
         "Outputs: `encryptedInfoPlaintext` (E), `encryptedInfo` (its ciphertext), `value` (the field value).",
         "The sub-field order is this project's choice (UnionPay ignores it); the spec's own old-rule example",
         "{phoneNo=13552535506&cvn2=123&expired=2311&smsCode=111111} → e3Bob25l… uses another order and is",
         "checked by the generator as a self-test only.",
         "A `pin` sub-field is passed through verbatim (it is the already-encrypted PIN block, base64).",
         "Group operation=pinBlock: `pin`, `pan` → `pinBlockHex` (ISO 9564 format 0: PIN field XOR PAN field;",
         "PIN 4..12 digits, PAN 11..19 digits, PAN field = 0000 + the 12 digits before the check digit of the",
         "PAN left-padded with zeros to 13 digits); otherwise errorCode 1008.",
         *RNG_HEADER],
        {
            "OldRule": "Merchant without encryption permission: everything in clear inside base64.",
            "NewRule": "phoneNo/cvn2/expired go into the RSA-encrypted encryptedInfo.",
            "NoSensitive": "New rule without phoneNo/cvn2/expired: no encryptedInfo.",
            "NonAscii": "Chinese customerNm, base64 of UTF-8.",
            "PinPassThrough": "The pin sub-field is an already-encrypted PIN block (from encrypt.json's procedure).",
            "SpecExample": "PIN block example printed in spec §6.3.",
            "ShortPan": "PAN shorter than 13 digits: left-padded with zeros.",
            "InvalidPin": "PIN not 4..12 digits → 1008.",
            "InvalidPan": "PAN not 11..19 digits → 1008.",
            "ZeroSkipping": "The random stream contains zero bytes that must be skipped.",
        },
    )
    sms = {"smsCode": "111111"}
    card_debit = {"certifTp": "01", "certifId": "341126197709218366", "customerNm": "全渠道",
                  "phoneNo": "13552535506", "smsCode": "111111"}
    card_credit = {"phoneNo": "13552535506", "cvn2": "123", "expired": "2311", "smsCode": "111111"}
    all_fields = {"certifTp": "01", "certifId": "341126197709218366", "customerNm": "全渠道",
                  "phoneNo": "13552535506", "smsCode": "111111", "cvn2": "123", "expired": "2311"}

    for cert_rel, key_rel in ((TEST_ENC, None), (SBX_ENC, SBX_ENC_KEY)):
        cert = ref.load_cert(fx(cert_rel))
        gf = {"operation": "build", "cert": cert_rel, "encryptCertId": str(cert.serial_number)}
        if key_rel:
            gf["key"] = key_rel
        g = vf.group(**gf)
        key = ref.load_key(fx(key_rel)) if key_rel else None

        def add(comment, flags, ci, mode):
            r = build_customer_info(ci, mode, cert, f"customerInfo:{cert_rel}:{comment}")
            if key and "encryptedInfo" in r:
                assert key.decrypt(base64.b64decode(r["encryptedInfo"]), padding.PKCS1v15()).decode() == \
                    r["encryptedInfoPlaintext"]
            if "random" in r:
                flags = flags + ["ZeroSkipping"]
            g.add(comment, flags, "valid", customerInfo=ci, mode=mode, **r)

        add("SMS code only (token consume)", ["OldRule"], sms, "plain")
        add("credit card: phone, CVN2, expiry, SMS code", ["OldRule"], card_credit, "plain")
        add("debit card with identity and Chinese name", ["OldRule", "NonAscii"], card_debit, "plain")
        add("all sub-fields", ["OldRule", "NonAscii"], all_fields, "plain")
        add("SMS code only: nothing to encrypt", ["NewRule", "NoSensitive"], sms, "encrypted")
        add("credit card: phone, CVN2, expiry encrypted; SMS code clear", ["NewRule"], card_credit, "encrypted")
        add("debit card with identity and Chinese name; phone encrypted", ["NewRule", "NonAscii"], card_debit,
            "encrypted")
        add("all sub-fields", ["NewRule", "NonAscii"], all_fields, "encrypted")
        add("identity only", ["NewRule", "NoSensitive", "NonAscii"],
            {"certifTp": "01", "certifId": "341126197709218366", "customerNm": "全渠道"}, "encrypted")
        pin_ct = encrypt_case(cert, ref.pin_block("123456", "6216261000000000018"),
                              f"customerInfo:{cert_rel}:pin")["ciphertext"]
        add("phone, SMS code and an encrypted PIN", ["NewRule", "PinPassThrough"],
            {"phoneNo": "13552535506", "smsCode": "111111", "pin": pin_ct}, "encrypted")

    g = vf.group(operation="pinBlock")

    def pin(comment, flags, p, pan, expect=None):
        if expect is None:
            g.add(comment, flags, "valid", pin=p, pan=pan, pinBlockHex=ref.pin_block(p, pan).hex().upper())
        else:
            try:
                ref.pin_block(p, pan)
                raise AssertionError(comment)
            except ref.FormatError as e:
                assert e.code == expect
            g.add(comment, flags, "invalid", pin=p, pan=pan, errorCode=expect)

    pin("spec: PIN 123456, 19-digit PAN", ["SpecExample"], "123456", "6216261000000000018")
    pin("spec: PIN 123456, 16-digit PAN", ["SpecExample"], "123456", "6221558812340000")
    pin("4-digit PIN", [], "1234", "6226090000000048")
    pin("12-digit PIN", [], "123456789012", "6226388000000095")
    pin("PIN 000000", [], "000000", "5200831111111113")
    pin("12-digit PAN (left-padded to 13)", ["ShortPan"], "123456", "621626100001")
    pin("11-digit PAN (left-padded to 13)", ["ShortPan"], "123456", "62162610001")
    pin("3-digit PIN", ["InvalidPin"], "123", "6216261000000000018", 1008)
    pin("13-digit PIN", ["InvalidPin"], "1234567890123", "6216261000000000018", 1008)
    pin("PIN with a letter", ["InvalidPin"], "12a456", "6216261000000000018", 1008)
    pin("empty PIN", ["InvalidPin"], "", "6216261000000000018", 1008)
    pin("PAN with a letter", ["InvalidPan"], "123456", "621626100000000001X", 1008)
    pin("10-digit PAN", ["InvalidPan"], "123456", "6216261000", 1008)
    pin("20-digit PAN", ["InvalidPan"], "123456", "62162610000000000180", 1008)
    return vf


# ---------------------------------------------------------------------------------------------
# decrypt.json
# ---------------------------------------------------------------------------------------------

def decrypt_file() -> VectorFile:
    vf = VectorFile(
        "decrypt.json", "ACP-RSA-PKCS1V15-DECRYPT",
        ["Decrypting values UnionPay encrypted to the merchant's signing certificate (spec §6.2):",
         "base64-decode `ciphertext`, RSA PKCS#1 v1.5 decrypt with the group's PFX private key, UTF-8 →",
         "`plaintext`. Errors: malformed base64 → 4006; ciphertext of the wrong length, bad padding or",
         "implausible (non-UTF-8) plaintext → 4008."],
        {
            "RealMessage": "A value from a real UnionPay message (tests/fixtures/real-messages).",
            "Masked": "UnionPay returns a masked card number inside the encrypted accNo.",
            "Fresh": "Encrypted here with the fixed-padding procedure of encrypt.json.",
            "BadBase64": "Not base64 → 4006.",
            "WrongLength": "Decodes to a length different from the modulus length → 4008.",
            "WrongKey": "Encrypted to another key. PKCS#1 v1.5 implementations with implicit rejection return "
                        "pseudo-random bytes instead of an error; they must still fail (4008) because the bytes are not "
                        "a plausible plaintext (not UTF-8).",
        },
    )
    v1 = v1_fields()
    ci = base64.b64decode(v1["customerInfo"]).decode()
    ei = ref.parse_sync(ci[1:-1].encode())["encryptedInfo"]

    def group(pfx_rel, cases, invalid=True):
        pfx = ref.load_pfx(fx(pfx_rel), "000000")
        g = vf.group(pfx=pfx_rel, password="000000")
        for comment, flags, ct, pt in cases:
            got = pfx.key.decrypt(base64.b64decode(ct), padding.PKCS1v15()).decode()
            assert got == pt, (comment, got)
            g.add(comment, flags, "valid", ciphertext=ct, plaintext=pt)
        return g, pfx

    g, _ = group("fixtures/certs/acp_test_sign_2015_pwd000000.pfx", [
        ("v1 accNo", ["RealMessage"], v1["accNo"], "0048"),
        ("v1 customerInfo encryptedInfo", ["RealMessage"], ei, "phoneNo=18100000000"),
    ])
    # With implicit rejection (OpenSSL 3 via `cryptography`) a wrong key yields pseudo-random bytes;
    # make sure they are not a plausible plaintext.
    k2015 = ref.load_pfx(fx("fixtures/certs/acp_test_sign_2015_pwd000000.pfx"), "000000").key
    try:
        junk = k2015.decrypt(base64.b64decode(v2_fields()["accNo"]), padding.PKCS1v15())
        try:
            junk.decode("utf-8")
            raise AssertionError("wrong-key output happens to be UTF-8")
        except UnicodeDecodeError:
            pass
    except ValueError:
        pass
    g.add("v2 accNo (encrypted to the 2021 test key) with the 2015 key", ["WrongKey"], "invalid",
          ciphertext=v2_fields()["accNo"], errorCode=4008)
    g.add("not base64", ["BadBase64"], "invalid", ciphertext="not*base64!", errorCode=4006)
    g.add("128 bytes instead of 256", ["WrongLength"], "invalid", ciphertext=b64(bytes(range(128))),
          errorCode=4008)
    group("fixtures/official-certs/acp_test_sign.pfx", [
        ("v2 accNo (masked card number)", ["RealMessage", "Masked"], v2_fields()["accNo"], "6216***********0018"),
    ])
    mcert = ref.load_cert(fx("fixtures/sandbox/merchant.pem"))
    cases = []
    for comment, pt in (("card number", "6216261000000000018"), ("masked card number", "6216***********0018"),
                        ("encryptedInfo", "phoneNo=13552535506&cvn2=123&expired=2311"), ("Chinese", "全渠道")):
        cases.append((comment, ["Fresh"], encrypt_case(mcert, pt.encode(), f"decrypt:{comment}")["ciphertext"], pt))
    g, _ = group("fixtures/sandbox/merchant.pfx", cases)
    g.add("257 bytes", ["WrongLength"], "invalid", ciphertext=b64(b"\x01" * 257), errorCode=4008)
    g.add("base64 with a space inside", ["BadBase64"], "invalid", ciphertext="AAAA AAAA", errorCode=4006)
    group("fixtures/sandbox/merchant_modern.pfx", cases[:1])
    return vf


# ---------------------------------------------------------------------------------------------
# pkcs12.json
# ---------------------------------------------------------------------------------------------

PFX_FILES = [
    "fixtures/certs/acp_test_sign_2015_pwd000000.pfx",
    "fixtures/official-certs/acp_test_sign.pfx",
    "fixtures/official-certs/acp_test_sign__2015-2018.pfx",
    "fixtures/official-certs/acp_test_sign__2018-2021.pfx",
    "fixtures/official-certs/acp_test_sign_inst.pfx",
    "fixtures/official-certs/cert__5.0.0_700000000000001_acp.pfx",
    "fixtures/sandbox/merchant.pfx",
    "fixtures/sandbox/merchant_modern.pfx",
]

EXPECTED_CERT_IDS = {
    "fixtures/certs/acp_test_sign_2015_pwd000000.pfx": "68759663125",
    "fixtures/official-certs/acp_test_sign.pfx": "69903319369",
    "fixtures/official-certs/acp_test_sign__2015-2018.pfx": "68759663125",
    "fixtures/official-certs/acp_test_sign__2018-2021.pfx": "69629715588",
    "fixtures/official-certs/acp_test_sign_inst.pfx": "68759529225",
    "fixtures/official-certs/cert__5.0.0_700000000000001_acp.pfx": "40220995861346480087409489142384722381",
    "fixtures/sandbox/merchant.pfx": "7000000000031",
    "fixtures/sandbox/merchant_modern.pfx": "7000000000031",
}


def pkcs12_file() -> VectorFile:
    vf = VectorFile(
        "pkcs12.json", "ACP-PKCS12",
        ["Loading the merchant signing key from a PKCS#12 file (spec §4.6). The certificate is the one",
         "whose public key matches the private key (files may carry extra CA certificates).",
         "Outputs: `certId` (decimal serial), `subject` (RDNs in DER order, short names C/O/OU/CN/ST/L,",
         "joined with ', ', values raw — no RFC 4514 escaping), `notBefore`/`notAfter` (RFC 3339 UTC),",
         "`keyBits`, `modulusSha256` (hex SHA-256 of the big-endian modulus without leading zero bytes).",
         "Errors: wrong password → 2001; malformed/truncated file → 2002."],
        {
            "LegacyRc2": "Certificate bag encrypted with pbeWithSHA1And40BitRC2-CBC (needs RC2-40).",
            "Legacy3Des": "Both bags pbeWithSHA1And3-KeyTripleDES-CBC.",
            "Pbes2": "PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC, SHA-256 MAC (OpenSSL 3 default).",
            "ExtraCerts": "The file carries CA certificates besides the key's own certificate.",
            "Rsa1024": "A 1024-bit key (5.0.0 era).",
            "WrongPassword": "Wrong password → 2001.",
            "Truncated": "A truncated or non-PKCS#12 file → 2002.",
        },
    )
    g = vf.group()
    for rel in PFX_FILES:
        pfx = ref.load_pfx(fx(rel), "000000")
        c = pfx.cert
        cid = str(c.serial_number)
        assert cid == EXPECTED_CERT_IDS[rel], (rel, cid)
        info = _pfx_info(rel)
        flags = []
        if "RC2" in info:
            flags.append("LegacyRc2")
        elif "PBES2" in info:
            flags.append("Pbes2")
        else:
            flags.append("Legacy3Des")
        if info.count("Certificate bag") > 1:
            flags.append("ExtraCerts")
        bits = pfx.key.key_size
        if bits == 1024:
            flags.append("Rsa1024")
        g.add(rel.split("/")[-1], flags, "valid", file=rel, password="000000", certId=cid,
              subject=ref.subject_string(c.subject), notBefore=ref.rfc3339(c.not_valid_before_utc),
              notAfter=ref.rfc3339(c.not_valid_after_utc), keyBits=bits,
              modulusSha256=ref.modulus_sha256(c.public_key()))
    def bad(comment, flags, rel, pw, code):
        r = subprocess.run(["openssl", "pkcs12", "-legacy", "-noout", "-in", fx(rel), "-passin", f"pass:{pw}"],
                           capture_output=True, text=True)
        assert r.returncode != 0 and (("Mac verify error" in r.stderr) == (code == 2001)), (comment, r.stderr)
        g.add(comment, flags, "invalid", file=rel, password=pw, errorCode=code)

    bad("2015 test PFX with password 123456", ["WrongPassword", "LegacyRc2"],
        "fixtures/certs/acp_test_sign_2015_pwd000000.pfx", "123456", 2001)
    bad("sandbox modern PFX with an empty password", ["WrongPassword", "Pbes2"],
        "fixtures/sandbox/merchant_modern.pfx", "", 2001)
    bad("sandbox legacy PFX with password 00000", ["WrongPassword", "LegacyRc2"],
        "fixtures/sandbox/merchant.pfx", "00000", 2001)
    bad("the first 1200 bytes of sandbox merchant.pfx", ["Truncated"],
        "fixtures/negative/merchant_truncated.pfx", "000000", 2002)
    bad("a PEM certificate instead of a PFX", ["Truncated"], "fixtures/sandbox/root.pem", "000000", 2002)
    return vf


def _pfx_info(rel: str) -> str:
    r = subprocess.run(["openssl", "pkcs12", "-info", "-noout", "-legacy", "-in", fx(rel),
                        "-passin", "pass:000000"], capture_output=True, text=True)
    return r.stdout + r.stderr
