"""verify.json — verifying received responses and notifications (spec §5)."""

from __future__ import annotations

import datetime as dt
import hashlib

import acpref as ref
from vec_common import (
    VectorFile, fx, encrypt_case, b64, v1_body, v1_fields, v2_body, v2_fields, v3_fields, v4_fields,
    SPEC_DIGEST_V1, SPEC_DIGEST_V2, SPEC_DIGEST_V3, TOKEN, TR_ID, TEST_MER,
)

TEST_ROOTS = ["fixtures/certs/acp_test_root.pem"]
TEST_MIDDLES = ["fixtures/certs/acp_test_middle.pem"]
PROD_ROOTS = ["fixtures/certs/acp_prod_root.pem"]
PROD_MIDDLES = ["fixtures/certs/acp_prod_middle.pem"]
SBX_ROOTS = ["fixtures/sandbox/root.pem"]
SBX_MIDDLES = ["fixtures/sandbox/middle.pem"]
VERIFY_CERTS_500 = ["fixtures/certs/acp_test_verify_sign_5.0.0.pem", "fixtures/sandbox/sign.pem"]

NOW_V1 = "2017-10-30T14:36:23Z"   # txnTime 20171030223623 Beijing
NOW_V2 = "2022-09-10T20:16:47Z"   # txnTime 20220911041647 Beijing
NOW_V3 = "2018-11-20T09:52:08Z"   # txnTime 20181120175208 Beijing
NOW_V4 = "2018-11-20T09:49:15Z"   # txnTime 20181120174915 Beijing
NOW_SBX = "2026-03-01T08:00:00Z"  # txnTime 20260301160000 Beijing


def build() -> list[VectorFile]:
    return [verify_file()]


def certs(rels):
    return [ref.load_cert(fx(r)) for r in rels]


def sandbox_sign(fields: dict[str, str], cert_rel: str, key_rel: str, version="5.1.0") -> dict[str, str]:
    """Signs a response map like UnionPay does: signPubKeyCert (CRLF PEM) + signature."""
    cert = ref.load_cert(fx(cert_rel))
    key = ref.load_key(fx(key_rel))
    m = dict(fields)
    if version == "5.1.0":
        m["signPubKeyCert"] = ref.pem_crlf(cert)
    _, m["signature"] = ref.rsa_sign_01(key, ref.canonical(m), version)
    return m


def e1_sign(fields: dict[str, str], cert_rel: str) -> dict[str, str]:
    """A "signature" that verifies under public exponent 1: the PKCS#1 v1.5 encoding of the
    digest itself (s^1 mod n = s), forged without any private key."""
    cert = ref.load_cert(fx(cert_rel))
    m = dict(fields, signPubKeyCert=ref.pem_crlf(cert))
    digest = hashlib.sha256(ref.sha256_hex(ref.canonical(m).encode()).encode()).digest()
    info = bytes.fromhex("3031300d060960864801650304020105000420") + digest
    em = b"\x00\x01" + b"\xff" * (256 - 3 - len(info)) + b"\x00" + info
    m["signature"] = b64(em)
    return m


def consume_notify_fields(merchant_cert, order="20260301160000001"):
    acc = encrypt_case(merchant_cert, b"6216261000000000018", "verify:notify:accNo")["ciphertext"]
    return {
        "accessType": "0", "bizType": "000902", "currencyCode": "156", "encoding": "UTF-8",
        "merId": TEST_MER, "orderId": order, "queryId": "062603011600001234567",
        "respCode": "00", "respMsg": "成功[0000000]", "settleAmt": "1000", "settleCurrencyCode": "156",
        "settleDate": "0301", "signMethod": "01", "traceNo": "123456", "traceTime": "0301160000",
        "txnAmt": "1000", "txnSubType": "01", "txnTime": "20260301160000", "txnType": "01",
        "version": "5.1.0", "accNo": acc, "tokenPayData": f"{{token={TOKEN}&trId={TR_ID}}}",
        "reqReserved": "备注 with space+plus/slash=eq",
    }


def back_open_response_fields():
    return {
        "version": "5.1.0", "encoding": "UTF-8", "signMethod": "01", "txnType": "79",
        "txnSubType": "00", "bizType": "000902", "accessType": "0", "merId": TEST_MER,
        "orderId": "20260301153000002", "txnTime": "20260301153000", "respCode": "00",
        "respMsg": "成功[0000000]", "activateStatus": "1", "encryptCertId": "7000000000021",
        "tokenPayData": f"{{token={TOKEN}&trId={TR_ID}&tokenType=01}}",
        "customerInfo": b64("{customerNm=全渠道&certifTp=01}"),
    }


def sync_body(fields: dict[str, str], order=None) -> str:
    keys = order or list(fields)
    return "&".join(f"{k}={fields[k]}" for k in keys)


def verify_file() -> VectorFile:
    vf = VectorFile(
        "verify.json", "ACP-VERIFY",
        [
            "Verifying a received message (spec §5). `bodyKind` says what `input` is:",
            "  fields  — an already-parsed map (object);",
            "  sync    — a raw synchronous-response body (string; parse per forms.json parseSync: no URL-decoding, brace-aware);",
            "  notify  — a raw application/x-www-form-urlencoded notification body (string; parseNotify).",
            "`now` is the verification time (RFC 3339, UTC). Groups name the trust configuration:",
            "  trust=test        UnionPay's TEST root+middle (built in; `roots`/`middles` name the same files);",
            "                    the leaf has exactly one CN of exactly four '@'-parts, the third (the identity)",
            "                    中国银联股份有限公司 or 00040000:SIGN;",
            "  trust=production  UnionPay's PRODUCTION root+middle (built in); identity must be 中国银联股份有限公司;",
            "  trust=custom      the given `roots` and `middles` files (CA certificates); identity 中国银联股份有限公司;",
            "  trust=certId      version 5.0.0: the verify certificate is the one in `verifyCerts` whose decimal serial",
            "                    equals the message's certId; SHA1withRSA over hex(SHA-1(canonical)); no chain/name check",
            "                    (`now` is inside the certificates' validity anyway);",
            "  trust=secureKey   signMethod 11/12 with `secureKey`.",
            "Order of checks: parse (a field set that could be split another way under the same signature",
            "— a key with = & { } [ ], a value with & outside {…}/[…] or with unbalanced groups — is 3011",
            "before anything else) → chain → name → usage and key (step chain: not a CA, digitalSignature when",
            "keyUsage is present, no unknown critical extension, not one of UnionPay's encryption certificates",
            "3010; RSA e odd and >= 3, modulus >= 2048 bits 3009) → validity (notBefore <= now <= notAfter,",
            "leaf) → signature.",
            "Result valid: `fields` is the signed map: everything received (signature included) except fields",
            "whose value is empty, which are not signed.",
            "Result invalid: `errorCode` (src/error.rs) and `errorStep` (parse|chain|name|validity|signature).",
            "`canonicalSha256`, when present, is hex SHA-256 of the canonical string of the received map",
            "(implementations that attach it to errors or results must match it).",
            "Paths are relative to the repository's tests/ directory.",
        ],
        {
            "RealMessage": "A real message signed by UnionPay (tests/fixtures/real-messages).",
            "Sandbox": "Signed here with tests/fixtures/sandbox/sign.key.pem; signPubKeyCert = sandbox sign.pem as CRLF PEM without trailing newline.",
            "CrlfPem": "signPubKeyCert carries CRLF line breaks that are part of the signed string.",
            "LfPem": "signPubKeyCert had its CRLF replaced by LF: the certificate still parses and chains, but the signed string changed.",
            "Nested": "The body contains {…} values whose & and = must not split the body.",
            "FormEncoded": "Notification body with Java URLEncoder encoding (space as '+', everything else %XX).",
            "Tampered": "A signed field was changed after signing.",
            "FakeChain": "Self-made root and middle with exactly the subject names of UnionPay's test CAs; the signatures do not verify with the real CA keys.",
            "WrongTrust": "The certificate belongs to the other environment's chain.",
            "WrongName": "The certificate chains correctly, but its CN identity is not accepted by this profile.",
            "Expired": "`now` is after the leaf's notAfter.",
            "NotYetValid": "`now` is before the leaf's notBefore.",
            "ValidityBoundary": "`now` equals notAfter exactly (valid: the bound is inclusive) or is one second later.",
            "TestIdentity": "CN identity 00040000:SIGN (old test certificates): accepted by test/custom, rejected by production.",
            "MissingSignature": "No signature field.",
            "BadCert": "signPubKeyCert is missing or is not a parseable certificate.",
            "UnsupportedSignMethod": "signMethod/version combination not supported.",
            "Version500": "version 5.0.0: certificate chosen by certId.",
            "UnknownCertId": "No configured verify certificate has the message's certId.",
            "SecureKey": "signMethod 11/12 (secure key).",
            "WrongSecureKey": "Signed with a different secure key.",
            "WeakKey": "The leaf chains, but its RSA key is refused (exponent 1, or 512 bits) before any backend sees it.",
            "CertUsage": "The leaf chains and names UnionPay, but may not sign: a CA, no digitalSignature, an unknown critical extension, or UnionPay's encryption certificate.",
            "CnLayout": "The leaf's CN is not exactly one CN of exactly four '@'-parts.",
            "Ambiguous": "The canonical string could be split into other fields under the same signature.",
            "EmptyValue": "A field arrived with an empty value: not signed, dropped from the verified fields.",
        },
    )

    def add(g, trust, comment, flags, kind, inp, now, expect=None):
        """expect None → valid; else (code, step). Cross-checked with acpref.verify."""
        if kind == "fields":
            fields = inp
        elif kind == "sync":
            fields = ref.parse_sync(inp.encode("utf-8"))
        else:
            fields = ref.parse_notify(inp.encode("utf-8"))
        csha = ref.sha256_hex(ref.canonical(fields).encode())
        try:
            ref.verify(fields, trust, ref.parse_rfc3339(now))
            got = None
        except ref.VerifyError as e:
            got = (e.code, e.step)
        assert got == expect, (comment, got, expect)
        if expect is None:
            return g.add(comment, flags, "valid", bodyKind=kind, input=inp, now=now,
                         fields=ref.drop_empty(fields), canonicalSha256=csha)
        return g.add(comment, flags, "invalid", bodyKind=kind, input=inp, now=now,
                     errorCode=expect[0], errorStep=expect[1],
                     canonicalSha256=csha if expect[1] == "signature" else None)

    # ---- test trust ----------------------------------------------------------------------------
    t_test = ref.Trust("test", roots=certs(TEST_ROOTS), middles=certs(TEST_MIDDLES))
    g = vf.group(trust="test", roots=TEST_ROOTS, middles=TEST_MIDDLES)
    v1 = v1_fields()
    r = add(g, t_test, "v1: real token front-open back notification, 2017 (CN identity 00040000:SIGN)",
            ["RealMessage", "FormEncoded", "CrlfPem", "Nested", "TestIdentity"], "notify", v1_body(), NOW_V1)
    assert r["canonicalSha256"] == SPEC_DIGEST_V1
    r = add(g, t_test, "v2: real query response, 2022, raw sync body", ["RealMessage", "CrlfPem"],
            "sync", v2_body(), NOW_V2)
    assert r["canonicalSha256"] == SPEC_DIGEST_V2 and r["fields"] == v2_fields()
    add(g, t_test, "v2 as parsed fields", ["RealMessage", "CrlfPem"], "fields", v2_fields(), NOW_V2)
    r = add(g, t_test, "v3: real gateway consume notification, 2018", ["RealMessage", "CrlfPem", "TestIdentity"],
            "fields", v3_fields(), NOW_V3)
    assert r["canonicalSha256"] == SPEC_DIGEST_V3
    add(g, t_test, "v3 as a form-encoded notification body", ["RealMessage", "CrlfPem", "FormEncoded", "TestIdentity"],
        "notify", ref.encode_form(v3_fields()), NOW_V3)
    v2leaf = ref.load_cert(fx("fixtures/official-certs/unipayCertPublicKey.cer"))
    assert ref.pem_crlf(v2leaf) == v2_fields()["signPubKeyCert"]
    add(g, t_test, "v2 at exactly its leaf's notAfter (2025-07-31T01:19:16Z)", ["RealMessage", "ValidityBoundary"],
        "fields", v2_fields(), ref.rfc3339(v2leaf.not_valid_after_utc))
    add(g, t_test, "v2 one second after its leaf's notAfter", ["RealMessage", "ValidityBoundary", "Expired"],
        "fields", v2_fields(),
        ref.rfc3339(v2leaf.not_valid_after_utc + dt.timedelta(seconds=1)), (3006, "validity"))
    add(g, t_test, "v2 after its leaf expired (2025-07-31)", ["RealMessage", "Expired"], "fields",
        v2_fields(), "2025-08-01T00:00:00Z", (3006, "validity"))
    add(g, t_test, "v2 before its leaf's notBefore (2020-07-31)", ["RealMessage", "NotYetValid"], "fields",
        v2_fields(), "2020-07-01T00:00:00Z", (3006, "validity"))
    add(g, t_test, "v1 after its leaf expired (2017-12-04)", ["RealMessage", "Expired", "FormEncoded"], "notify",
        v1_body(), "2018-01-01T00:00:00Z", (3006, "validity"))
    f = dict(v2_fields(), txnAmt="100")
    add(g, t_test, "v2 with txnAmt changed from 1 to 100", ["RealMessage", "Tampered"], "fields", f, NOW_V2,
        (3007, "signature"))
    body = v2_body().replace("&txnAmt=1&", "&txnAmt=2&")
    assert body != v2_body()
    add(g, t_test, "v2 sync body with txnAmt changed from 1 to 2", ["RealMessage", "Tampered"], "sync", body,
        NOW_V2, (3007, "signature"))
    f = dict(v2_fields())
    f["signPubKeyCert"] = f["signPubKeyCert"].replace("\r\n", "\n")
    add(g, t_test, "v2 with LF instead of CRLF in signPubKeyCert", ["RealMessage", "LfPem"], "fields", f,
        NOW_V2, (3007, "signature"))
    f = dict(v3_fields(), respMsg="失败[0000000]")
    add(g, t_test, "v3 with respMsg changed", ["RealMessage", "Tampered"], "fields", f, NOW_V3,
        (3007, "signature"))
    f = dict(v3_fields())
    del f["signature"]
    add(g, t_test, "v3 without signature", ["MissingSignature"], "fields", f, NOW_V3, (3001, "parse"))
    f = dict(v3_fields(), signature="")
    add(g, t_test, "v3 with an empty signature", ["MissingSignature"], "fields", f, NOW_V3, (3001, "parse"))
    f = dict(v3_fields())
    del f["signPubKeyCert"]
    add(g, t_test, "v3 without signPubKeyCert", ["BadCert"], "fields", f, NOW_V3, (3003, "parse"))
    f = dict(v3_fields(), signPubKeyCert="-----BEGIN CERTIFICATE-----\r\nAAAAAAAA\r\n-----END CERTIFICATE-----")
    add(g, t_test, "v3 with a garbage signPubKeyCert", ["BadCert"], "fields", f, NOW_V3, (3003, "parse"))
    f = dict(v3_fields(), signPubKeyCert="not a certificate")
    add(g, t_test, "v3 with signPubKeyCert that is not PEM", ["BadCert"], "fields", f, NOW_V3, (3003, "parse"))
    f = dict(v3_fields(), signMethod="02")
    add(g, t_test, "v3 with signMethod 02", ["UnsupportedSignMethod"], "fields", f, NOW_V3, (3002, "parse"))
    f = dict(v3_fields())
    del f["signMethod"]
    add(g, t_test, "v3 without signMethod", ["UnsupportedSignMethod"], "fields", f, NOW_V3, (3002, "parse"))
    f = dict(v3_fields(), version="4.0.0")
    add(g, t_test, "v3 with version 4.0.0", ["UnsupportedSignMethod"], "fields", f, NOW_V3, (3002, "parse"))

    fake = sandbox_sign(consume_notify_fields(ref.load_cert(fx("fixtures/sandbox/merchant.pem"))),
                        "fixtures/negative/fake_leaf.pem", "fixtures/negative/fake_leaf.key.pem")
    add(g, t_test, "correctly signed by a self-made chain that copies UnionPay's test CA names",
        ["FakeChain"], "fields", fake, "2026-03-01T08:00:00Z", (3004, "chain"))
    prod_enc = ref.load_cert(fx("fixtures/official-certs/acp_prod_enc.cer"))
    f = dict(v3_fields(), signPubKeyCert=ref.pem_crlf(prod_enc))
    add(g, t_test, "signPubKeyCert is a production certificate (acp_prod_enc.cer)", ["WrongTrust"], "fields",
        f, "2022-06-01T00:00:00Z", (3004, "chain"))
    sbx = sandbox_sign(consume_notify_fields(ref.load_cert(fx("fixtures/sandbox/merchant.pem"))),
                       "fixtures/sandbox/sign.pem", "fixtures/sandbox/sign.key.pem")
    add(g, t_test, "sandbox-signed message under UnionPay's test trust", ["Sandbox", "WrongTrust"], "fields",
        sbx, NOW_SBX, (3004, "chain"))

    # ---- production trust ------------------------------------------------------------------------
    t_prod = ref.Trust("production", roots=certs(PROD_ROOTS), middles=certs(PROD_MIDDLES))
    g = vf.group(trust="production", roots=PROD_ROOTS, middles=PROD_MIDDLES)
    add(g, t_prod, "v2 (test-environment certificate) under production trust", ["RealMessage", "WrongTrust"],
        "fields", v2_fields(), NOW_V2, (3004, "chain"))
    add(g, t_prod, "v1 (test-environment certificate) under production trust",
        ["RealMessage", "WrongTrust", "FormEncoded"], "notify", v1_body(), NOW_V1, (3004, "chain"))
    f = dict(v3_fields(), signPubKeyCert=ref.pem_crlf(prod_enc))
    add(g, t_prod, "signPubKeyCert = acp_prod_enc.cer: chains to the production root, but its identity "
        "00040000:SIGN is not accepted in production", ["WrongName", "TestIdentity"], "fields", f,
        "2022-06-01T00:00:00Z", (3005, "name"))
    add(g, t_prod, "fake chain copying the TEST CA names under production trust", ["FakeChain"], "fields",
        fake, "2026-03-01T08:00:00Z", (3004, "chain"))

    # ---- custom trust (sandbox) ------------------------------------------------------------------
    t_sbx = ref.Trust("custom", roots=certs(SBX_ROOTS), middles=certs(SBX_MIDDLES))
    g = vf.group(trust="custom", roots=SBX_ROOTS, middles=SBX_MIDDLES)
    add(g, t_sbx, "sandbox consume notification as fields", ["Sandbox", "CrlfPem", "Nested"], "fields", sbx, NOW_SBX)
    add(g, t_sbx, "sandbox consume notification as a form-encoded body", ["Sandbox", "CrlfPem", "Nested", "FormEncoded"],
        "notify", ref.encode_form(sbx), NOW_SBX)
    bo = sandbox_sign(back_open_response_fields(), "fixtures/sandbox/sign.pem", "fixtures/sandbox/sign.key.pem")
    order = [k for k in bo if k not in ("signature", "tokenPayData")] + ["tokenPayData", "signature"]
    order.remove("signPubKeyCert")
    order.insert(3, "signPubKeyCert")
    body = sync_body(bo, order)
    add(g, t_sbx, "sandbox back-open response as a raw sync body (unsorted keys, tokenPayData with & and =)",
        ["Sandbox", "CrlfPem", "Nested"], "sync", body, NOW_SBX)
    add(g, t_sbx, "sandbox sync body wrapped in { } as a whole", ["Sandbox", "Nested"], "sync",
        "{" + body + "}", NOW_SBX)
    add(g, t_sbx, "sandbox sync body with tokenPayData token changed", ["Sandbox", "Nested", "Tampered"], "sync",
        body.replace(f"token={TOKEN}", "token=6235240000020757578"), NOW_SBX, (3007, "signature"))
    add(g, t_sbx, "sandbox notification one second before the sandbox leaf's notAfter (2040-01-01)",
        ["Sandbox"], "fields", sbx, "2039-12-31T23:59:59Z")
    wrong = sandbox_sign(consume_notify_fields(ref.load_cert(fx("fixtures/sandbox/merchant.pem"))),
                         "fixtures/negative/wrongcn_leaf.pem", "fixtures/negative/wrongcn_leaf.key.pem")
    add(g, t_sbx, "leaf chains to the sandbox CA but its CN names 'Someone Else Ltd'", ["WrongName"], "fields",
        wrong, NOW_SBX, (3005, "name"))
    exp = sandbox_sign(consume_notify_fields(ref.load_cert(fx("fixtures/sandbox/merchant.pem"))),
                       "fixtures/negative/sandbox_expired_leaf.pem", "fixtures/negative/sandbox_expired_leaf.key.pem")
    add(g, t_sbx, "sandbox leaf valid 2025-01-01..2025-06-01, now 2026-01-01", ["Expired"], "fields", exp,
        "2026-01-01T00:00:00Z", (3006, "validity"))
    add(g, t_sbx, "the same expired-leaf message inside its validity", ["Sandbox"], "fields", exp,
        "2025-03-01T00:00:00Z")
    add(g, t_sbx, "v2 (UnionPay test chain) under sandbox trust", ["RealMessage", "WrongTrust"], "fields",
        v2_fields(), NOW_V2, (3004, "chain"))
    merchant = ref.load_cert(fx("fixtures/sandbox/merchant.pem"))

    def neg(stem):
        return f"fixtures/negative/{stem}.pem", f"fixtures/negative/{stem}.key.pem"

    add(g, t_sbx, "leaf with public exponent 1 and a forged 'signature' equal to the padded digest",
        ["WeakKey"], "fields", e1_sign(consume_notify_fields(merchant), "fixtures/negative/weak_e1_leaf.pem"),
        NOW_SBX, (3009, "chain"))
    add(g, t_sbx, "leaf with a 512-bit key, genuinely signed", ["WeakKey"], "fields",
        sandbox_sign(consume_notify_fields(merchant), *neg("weak_512_leaf")), NOW_SBX, (3009, "chain"))
    for stem, what in [("ca_leaf", "a CA certificate (basicConstraints cA)"),
                       ("nosign_leaf", "keyUsage keyEncipherment without digitalSignature"),
                       ("critical_ext_leaf", "an unknown critical extension")]:
        add(g, t_sbx, f"leaf that may not sign: {what}", ["CertUsage"], "fields",
            sandbox_sign(consume_notify_fields(merchant), *neg(stem)), NOW_SBX, (3010, "chain"))
    add(g, t_sbx, "leaf CN with three '@'-parts (041@code@中国银联股份有限公司)", ["CnLayout", "WrongName"],
        "fields", sandbox_sign(consume_notify_fields(merchant), *neg("three_part_cn_leaf")), NOW_SBX,
        (3005, "name"))
    add(g, t_sbx, "leaf with two CNs, UnionPay's first", ["CnLayout", "WrongName"], "fields",
        sandbox_sign(consume_notify_fields(merchant), *neg("two_cn_leaf")), NOW_SBX, (3005, "name"))
    add(g, t_sbx, "leaf with the test identity 00040000:SIGN under a custom trust that does not allow it",
        ["TestIdentity", "WrongName"], "fields",
        sandbox_sign(consume_notify_fields(merchant), *neg("testid_leaf")), NOW_SBX, (3005, "name"))
    # A genuine failed notification whose reqReserved holds '&respCode=00…', and the field
    # set an attacker re-splits from its canonical string (same signature, respCode 00).
    failed = dict(consume_notify_fields(merchant), respCode="05", respMsg="失败",
                  reqReserved="memo&respCode=00&respMsg=OK")
    del failed["settleAmt"], failed["settleCurrencyCode"], failed["settleDate"]
    genuine = sandbox_sign(failed, "fixtures/sandbox/sign.pem", "fixtures/sandbox/sign.key.pem")
    forged = dict(genuine, reqReserved="memo", respCode="00",
                  respMsg="OK&respCode=05&respMsg=失败")
    assert ref.canonical(forged) == ref.canonical(genuine)
    for kind, inp in [("fields", genuine), ("notify", ref.encode_form(genuine))]:
        add(g, t_sbx, f"genuine notification whose reqReserved has a top-level '&' ({kind})",
            ["Ambiguous", "Sandbox"], kind, inp, NOW_SBX, (3011, "parse"))
    for kind, inp in [("fields", forged), ("notify", ref.encode_form(forged))]:
        add(g, t_sbx, f"the same signature re-split into fields that say respCode 00 ({kind})",
            ["Ambiguous", "Tampered"], kind, inp, NOW_SBX, (3011, "parse"))
    keyed = sandbox_sign(dict(consume_notify_fields(merchant), **{"x=y": "1"}),
                         "fixtures/sandbox/sign.pem", "fixtures/sandbox/sign.key.pem")
    add(g, t_sbx, "a signed field whose key contains '='", ["Ambiguous", "Sandbox"], "fields", keyed,
        NOW_SBX, (3011, "parse"))
    r = add(g, t_sbx, "sandbox notification with an extra empty field (not signed, dropped)",
            ["EmptyValue", "Sandbox", "FormEncoded"], "notify", ref.encode_form(sbx) + "&extraInfo=", NOW_SBX)
    assert "extraInfo" not in r["fields"]
    r = add(g, t_sbx, "sandbox sync body with an empty field (not signed, dropped)",
            ["EmptyValue", "Sandbox", "Nested"], "sync", body + "&extraInfo=", NOW_SBX)
    assert "extraInfo" not in r["fields"]
    add(g, t_sbx, "fake chain under sandbox trust", ["FakeChain"], "fields", fake, NOW_SBX, (3004, "chain"))

    # ---- 5.0.0 by certId ------------------------------------------------------------------------
    t_500 = ref.Trust("certId", verify_certs=certs(VERIFY_CERTS_500))
    g = vf.group(trust="certId", verifyCerts=VERIFY_CERTS_500)
    m500 = {
        "version": "5.0.0", "encoding": "UTF-8", "signMethod": "01", "certId": "7000000000011",
        "txnType": "01", "txnSubType": "01", "bizType": "000201", "accessType": "0", "merId": TEST_MER,
        "orderId": "20260301160000005", "txnTime": "20260301160000", "txnAmt": "1", "currencyCode": "156",
        "queryId": "062603011600005555555", "respCode": "00", "respMsg": "成功[0000000]",
        "traceNo": "555555", "traceTime": "0301160000", "settleAmt": "1", "settleCurrencyCode": "156",
        "settleDate": "0301",
    }
    s500 = sandbox_sign(m500, "fixtures/sandbox/sign.pem", "fixtures/sandbox/sign.key.pem", "5.0.0")
    add(g, t_500, "5.0.0 notification signed with SHA-1 by the sandbox sign key (certId 7000000000011)",
        ["Version500", "Sandbox"], "fields", s500, NOW_SBX)
    add(g, t_500, "the same as a form-encoded body", ["Version500", "Sandbox", "FormEncoded"], "notify",
        ref.encode_form(s500), NOW_SBX)
    add(g, t_500, "the same as a raw sync body", ["Version500", "Sandbox"], "sync", sync_body(s500), NOW_SBX)
    add(g, t_500, "5.0.0 message with txnAmt changed", ["Version500", "Tampered"], "fields",
        dict(s500, txnAmt="2"), NOW_SBX, (3007, "signature"))
    add(g, t_500, "5.0.0 message whose certId no verify certificate has", ["Version500", "UnknownCertId"],
        "fields", dict(s500, certId="12345678901"), NOW_SBX, (3008, "chain"))
    add(g, t_500, "5.0.0 message naming UnionPay's 2015 verify cert (68759585097) but signed by another key",
        ["Version500", "Tampered"], "fields", dict(s500, certId="68759585097"), NOW_SBX, (3007, "signature"))
    f = dict(s500)
    del f["certId"]
    add(g, t_500, "5.0.0 message without certId", ["Version500", "UnknownCertId"], "fields", f, NOW_SBX,
        (3008, "chain"))

    # ---- secure key -----------------------------------------------------------------------------
    t_key = ref.Trust("secureKey", secure_key="88888888")
    g = vf.group(trust="secureKey", secureKey="88888888")
    add(g, t_key, "v4: real signMethod 11 notification", ["RealMessage", "SecureKey"], "fields", v4_fields(), NOW_V4)
    add(g, t_key, "v4 as a form-encoded body", ["RealMessage", "SecureKey", "FormEncoded"], "notify",
        ref.encode_form(v4_fields()), NOW_V4)
    add(g, t_key, "v4 with txnAmt changed", ["RealMessage", "SecureKey", "Tampered"], "fields",
        dict(v4_fields(), txnAmt="1"), NOW_V4, (3007, "signature"))
    f = dict(v4_fields())
    f["signature"] = ref.secure_key_sign(ref.canonical(f), "12345678", "11")
    add(g, t_key, "v4 fields signed with secure key 12345678", ["SecureKey", "WrongSecureKey"], "fields", f,
        NOW_V4, (3007, "signature"))
    f = dict(v4_fields(), signMethod="12")
    f["signature"] = ref.secure_key_sign(ref.canonical(f), "88888888", "12")
    add(g, t_key, "v4 fields re-signed with signMethod 12 (SM3)", ["SecureKey"], "fields", f, NOW_V4)
    f = dict(v4_fields(), signMethod="12")
    add(g, t_key, "signMethod changed to 12 but signature still the SHA-256 one", ["SecureKey", "Tampered"],
        "fields", f, NOW_V4, (3007, "signature"))
    f = dict(v4_fields())
    del f["signature"]
    add(g, t_key, "v4 without signature", ["SecureKey", "MissingSignature"], "fields", f, NOW_V4, (3001, "parse"))
    f = dict(v4_fields(), version="5.0.0")
    f["signature"] = ref.secure_key_sign(ref.canonical(f), "88888888", "11")
    add(g, t_key, "signMethod 11 with version 5.0.0", ["SecureKey", "UnsupportedSignMethod"], "fields", f,
        NOW_V4, (3002, "parse"))
    return vf
