"""canonical.json and sign.json."""

from __future__ import annotations

import acpref as ref
from vec_common import (
    VectorFile, fx, b64, encrypt_case, v1_fields, v2_fields, v3_fields, v4_fields,
    SPEC_DIGEST_V1, SPEC_DIGEST_V2, SPEC_DIGEST_V3, SPEC_C_MAP, SPEC_C_CANONICAL, SPEC_C_SHA256,
    SPEC_C_SIG_510, SPEC_C_SHA1_500, SPEC_C_SIG_500, SPEC_C_SIG_11, SPEC_C_SIG_12, SPEC_V4_SIG,
    SPEC_SHA256_KEY, SPEC_SM3_KEY, TOKEN, TR_ID, TEST_MER,
)

SANDBOX_PEM_LIKE = (
    "-----BEGIN CERTIFICATE-----\r\nMIIBszCCAVmgAwIBAgIUQ+r/Zz==\r\nAAAA+/8=\r\n-----END CERTIFICATE-----")


def build() -> list[VectorFile]:
    return [canonical_file(), sign_file()]


# ---------------------------------------------------------------------------------------------
# canonical.json
# ---------------------------------------------------------------------------------------------

def canonical_file() -> VectorFile:
    vf = VectorFile(
        "canonical.json", "ACP-CANONICAL-STRING",
        [
            "The signing string of ACP (spec §4.1): drop keys whose value is the empty string,",
            "drop the key `signature`, sort the remaining keys by byte order (UTF-8 / ASCII; uppercase",
            "before lowercase), join `k=v` with `&` using the raw values (no encoding, no trimming).",
            "Input: `fields`. Outputs: `canonical`, and `sha256` / `sha1` = lowercase hex of the",
            "digest of the UTF-8 bytes of `canonical`.",
        ],
        {
            "SpecExample": "The map of spec §4.5(c); canonical string and digest are printed in the spec.",
            "RealMessage": "Field set of a real UnionPay message (tests/fixtures/real-messages); the SHA-256 is printed in spec §4.5/§14.",
            "EmptyValueDropped": "A key with an empty value is not part of the canonical string.",
            "SignatureDropped": "The key `signature` is never part of the canonical string.",
            "ByteOrder": "Keys sort by byte value: uppercase before `_` before lowercase; `accNo` < `accType` < `accessType`.",
            "NestedValue": "A `{k=v&…}` value is copied verbatim, its inner `&` and `=` included.",
            "RawValue": "Values with `+`, `/`, `=`, spaces, `%` are copied verbatim (no URL-encoding).",
            "NonAscii": "Chinese values; digests are over the UTF-8 bytes.",
            "CrlfPem": "A PEM value with CRLF line breaks is copied byte-exact.",
        },
    )
    g = vf.group()

    def add(comment, flags, fields, expect_sha256=None):
        c = ref.canonical(fields)
        sha = ref.sha256_hex(c.encode())
        if expect_sha256:
            assert sha == expect_sha256, (comment, sha)
        g.add(comment, flags, "valid", fields=fields, canonical=c, sha256=sha,
              sha1=ref.sha1_hex(c.encode()))
        return c

    m = dict(SPEC_C_MAP, certId="68759663125")
    c = add("spec §4.5(c) request map with certId", ["SpecExample"], m, SPEC_C_SHA256)
    assert c == SPEC_C_CANONICAL
    add("spec §4.5(c) map with a signature key present", ["SpecExample", "SignatureDropped"],
        dict(m, signature="lv5y30/YU2h+whatever=="), SPEC_C_SHA256)
    add("spec §4.5(c) map with empty-valued keys", ["SpecExample", "EmptyValueDropped"],
        dict(m, reqReserved="", termId=""), SPEC_C_SHA256)
    add("real v2 query response field set (test env 2022)", ["RealMessage", "CrlfPem", "NonAscii"],
        v2_fields(), SPEC_DIGEST_V2)
    add("real v3 gateway consume notification field set (test env 2018)",
        ["RealMessage", "CrlfPem", "NonAscii"], v3_fields(), SPEC_DIGEST_V3)
    add("real v1 token front-open notification after form-decoding (test env 2017)",
        ["RealMessage", "CrlfPem", "NestedValue", "RawValue"], v1_fields(), SPEC_DIGEST_V1)
    v4 = v4_fields()
    add("real v4 signMethod=11 notification field set", ["RealMessage", "NonAscii"], v4)
    add("Chinese values", ["NonAscii"], {
        "respMsg": "成功[0000000]", "customerNm": "全渠道", "merName": "银联 测试商户",
        "orderDesc": "订单描述：测试", "version": "5.1.0"})
    add("nested values containing & and =", ["NestedValue"], {
        "tokenPayData": f"{{token={TOKEN}&trId={TR_ID}&tokenType=01}}",
        "reserved": "{a={b=1&c=2}&d=[x=1&y=2]}", "riskRateInfo": "{commodityName=测试商品}",
        "orderId": "20240101120000001"})
    add("values with + / = space % characters", ["RawValue"], {
        "accNo": "dZRv+ezky/012R5X==", "reqReserved": "a b+c/d=e%2Bf", "backUrl":
        "http://127.0.0.1:8080/notify?x=1&y=2", "merId": TEST_MER, "z": " leading and trailing "})
    add("PEM value with CRLF line breaks and no trailing newline", ["CrlfPem"], {
        "signPubKeyCert": SANDBOX_PEM_LIKE, "signMethod": "01", "version": "5.1.0"})
    add("keys that differ in case and prefix sort by byte order", ["ByteOrder"], {
        "accessType": "0", "accType": "01", "accNo": "6216261000000000018", "Zeta": "1",
        "alpha": "2", "Alpha": "3", "_under": "4", "a": "5", "a1": "6", "aB": "7", "ab": "8"})
    add("empty-valued keys in between are dropped, others kept", ["EmptyValueDropped"], {
        "a": "1", "b": "", "c": "3", "d": ""})
    add("only a signature and empty values: canonical string is empty",
        ["EmptyValueDropped", "SignatureDropped"], {"signature": "abc", "x": ""})
    return vf


# ---------------------------------------------------------------------------------------------
# sign.json
# ---------------------------------------------------------------------------------------------

def consume_token(version="5.1.0", method="01", **over):
    m = {
        "version": version, "encoding": "UTF-8", "signMethod": method, "txnType": "01",
        "txnSubType": "01", "bizType": "000902", "channelType": "07", "accessType": "0",
        "merId": TEST_MER, "orderId": "20240315103000123", "txnTime": "20240315103000",
        "txnAmt": "1000", "currencyCode": "156", "backUrl": "http://127.0.0.1:8080/acp/back-notify",
        "tokenPayData": f"{{token={TOKEN}&trId={TR_ID}}}", "customerInfo": b64("{smsCode=111111}"),
        "encryptCertId": "69026275926", "reqReserved": "测试 reserved+1/2=3",
        "riskRateInfo": "{commodityName=测试商品}",
    }
    m.update(over)
    return m


def refund(version="5.1.0", method="01"):
    return {
        "version": version, "encoding": "UTF-8", "signMethod": method, "txnType": "04",
        "txnSubType": "00", "bizType": "000902", "channelType": "07", "accessType": "0",
        "merId": TEST_MER, "orderId": "20240316090000456", "txnTime": "20240316090000",
        "txnAmt": "500", "origQryId": "512209110416475616528",
        "backUrl": "http://127.0.0.1:8080/acp/back-notify",
    }


def query(version="5.1.0", method="01"):
    return {
        "version": version, "encoding": "UTF-8", "signMethod": method, "txnType": "00",
        "txnSubType": "00", "bizType": "000000", "accessType": "0", "merId": TEST_MER,
        "orderId": "20240315103000123", "txnTime": "20240315103000",
    }


def back_open(enc_cert):
    """79/00 back open with encrypted accNo and new-rule customerInfo (fixed padding)."""
    acc = encrypt_case(enc_cert, b"6216261000000000018", "sign:backopen:accNo")["ciphertext"]
    ei = encrypt_case(enc_cert, b"phoneNo=13552535506&cvn2=123&expired=2311",
                      "sign:backopen:encryptedInfo")["ciphertext"]
    ci = b64("{certifTp=01&certifId=341126197709218366&customerNm=全渠道&smsCode=111111"
             f"&encryptedInfo={ei}}}")
    return {
        "version": "5.1.0", "encoding": "UTF-8", "signMethod": "01", "txnType": "79",
        "txnSubType": "00", "bizType": "000902", "channelType": "07", "accessType": "0",
        "merId": TEST_MER, "orderId": "20240315100000789", "txnTime": "20240315100000",
        "accNo": acc, "customerInfo": ci, "encryptCertId": "69026275926",
        "tokenPayData": f"{{trId={TR_ID}&tokenType=01}}",
    }


def sign_file() -> VectorFile:
    vf = VectorFile(
        "sign.json", "ACP-SIGN",
        [
            "Signing a request map (spec §4). Input `fields` (without certId and signature; it holds",
            "`version` and `signMethod`). The signer drops empty values, adds `certId` = the group's",
            "certId (signMethod 01 only), builds the canonical string (§4.1) and signs:",
            "  01 + 5.1.0: signature = base64(RSASSA-PKCS1-v1_5-SHA256(ascii(hex(SHA-256(canonical)))))",
            "  01 + 5.0.0: the same with SHA-1 for both hashes",
            "  11: signature = hex(SHA-256(canonical + '&' + hex(SHA-256(secureKey))))",
            "  12: the same with SM3",
            "Outputs: `canonical`, `digestHex` (hex SHA-256 of canonical for 5.1.0/01 and 11, SHA-1",
            "for 5.0.0, SM3 for 12), `signature` (base64 for 01, lowercase hex for 11/12) and",
            "`signedFields` (the map as sent: input minus empty values, plus certId (01), plus signature).",
            "Groups name the key: a PKCS#12 file + password (+ the expected certId) or a secureKey.",
            "RSA PKCS#1 v1.5 signatures are deterministic, so every implementation must match exactly.",
        ],
        {
            "SpecExample": "The request of spec §4.5(c); the expected signature is printed in the spec.",
            "RealMessage": "The field set of a real UnionPay message; the expected signature is the one UnionPay sent.",
            "Version500": "version 5.0.0: SHA-1 digest and SHA1withRSA.",
            "Nested": "Contains {…} values (tokenPayData, riskRateInfo) and a base64 customerInfo.",
            "Encrypted": "Contains RSA-encrypted accNo / customerInfo.encryptedInfo (fixed padding, see encrypt.json).",
            "EmptyValueDropped": "Empty input values are neither signed nor sent.",
            "SecureKeySm3": "signMethod 12 (SM3).",
            "LegacyPfx": "The PKCS#12 file uses pbeWithSHA1And40BitRC2-CBC for its certificate bag.",
            "ModernPfx": "The PKCS#12 file uses PBES2/AES-256 and a SHA-256 MAC; same key as merchant.pfx, so same signatures.",
            "UnsupportedSignMethod": "signMethod/version combination that cannot be signed → 1006.",
        },
    )
    enc_test = ref.load_cert(fx("fixtures/certs/acp_test_enc_2017.pem"))

    def rsa_group(pfx_rel, cert_id, extra_flags, specs=True):
        pfx = ref.load_pfx(fx(pfx_rel), "000000")
        assert str(pfx.cert.serial_number) == cert_id, (pfx_rel, pfx.cert.serial_number)
        g = vf.group(pfx=pfx_rel, password="000000", certId=cert_id)

        def add(comment, flags, fields, expect_sig=None, expect_digest=None):
            r = ref.sign_request(fields, key=pfx.key, cert_id=cert_id)
            if expect_sig:
                assert r["signature"] == expect_sig, (comment, r["signature"])
            if expect_digest:
                assert r["digestHex"] == expect_digest, (comment, r["digestHex"])
            g.add(comment, flags + extra_flags, "valid", fields=fields, **r)

        if specs:
            add("spec §4.5(c): 78/02 open query, 5.1.0", ["SpecExample"], SPEC_C_MAP,
                SPEC_C_SIG_510, SPEC_C_SHA256)
            add("spec §4.5(c) with version 5.0.0", ["SpecExample", "Version500"],
                dict(SPEC_C_MAP, version="5.0.0"), SPEC_C_SIG_500, SPEC_C_SHA1_500)
        else:
            add("spec §4.5(c) map (78/02 open query), this group's key", [], SPEC_C_MAP)
            add("spec §4.5(c) map with version 5.0.0, this group's key", ["Version500"],
                dict(SPEC_C_MAP, version="5.0.0"))
        add("01/01 token consume with tokenPayData, customerInfo, riskRateInfo", ["Nested"],
            consume_token())
        add("01/01 token consume, 5.0.0", ["Nested", "Version500"], consume_token("5.0.0"))
        add("04/00 refund", [], refund())
        add("00/00 status query", [], query())
        add("01/01 consume with empty-valued fields (dropped)", ["Nested", "EmptyValueDropped"],
            consume_token(termId="", reqReserved="", riskRateInfo=""))
        add("79/00 back open with encrypted accNo and customerInfo", ["Encrypted"], back_open(enc_test))
        return g

    g = rsa_group("fixtures/certs/acp_test_sign_2015_pwd000000.pfx", "68759663125", ["LegacyPfx"])
    f = dict(SPEC_C_MAP, signMethod="02")
    g.add("signMethod 02 does not exist", ["UnsupportedSignMethod"], "invalid", fields=f, errorCode=1006)
    rsa_group("fixtures/official-certs/acp_test_sign.pfx", "69903319369", [], specs=False)
    rsa_group("fixtures/sandbox/merchant.pfx", "7000000000031", ["LegacyPfx"], specs=False)
    rsa_group("fixtures/sandbox/merchant_modern.pfx", "7000000000031", ["ModernPfx"], specs=False)

    # secure key group
    key = "88888888"
    assert ref.sha256_hex(key.encode()) == SPEC_SHA256_KEY
    assert ref.sm3_hex(key.encode()) == SPEC_SM3_KEY
    g = vf.group(secureKey=key)

    def add(comment, flags, fields, expect_sig=None):
        r = ref.sign_request(fields, secure_key=key)
        if expect_sig:
            assert r["signature"] == expect_sig, (comment, r["signature"])
        g.add(comment, flags, "valid", fields=fields, **r)

    add("spec §4.5(c) map with signMethod 11", ["SpecExample"], dict(SPEC_C_MAP, signMethod="11"),
        SPEC_C_SIG_11)
    add("spec §4.5(c) map with signMethod 12 (SM3)", ["SpecExample", "SecureKeySm3"],
        dict(SPEC_C_MAP, signMethod="12"), SPEC_C_SIG_12)
    v4 = v4_fields()
    del v4["signature"]
    add("real v4 notification field set: reproduces UnionPay's signature", ["RealMessage"], v4, SPEC_V4_SIG)
    add("01/01 token consume, signMethod 11", ["Nested"], consume_token(method="11"))
    add("01/01 token consume, signMethod 12", ["Nested", "SecureKeySm3"], consume_token(method="12"))
    add("04/00 refund, signMethod 11, with empty-valued field", ["EmptyValueDropped"],
        dict(refund(method="11"), reqReserved=""))
    g.add("signMethod 11 with version 5.0.0 (secure-key signing is 5.1.0 only)",
          ["UnsupportedSignMethod", "Version500"], "invalid",
          fields=dict(SPEC_C_MAP, signMethod="11", version="5.0.0"), errorCode=1006)
    g.add("signMethod 12 with version 5.0.0", ["UnsupportedSignMethod", "Version500", "SecureKeySm3"],
          "invalid", fields=dict(SPEC_C_MAP, signMethod="12", version="5.0.0"), errorCode=1006)
    return vf
