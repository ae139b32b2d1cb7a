"""forms.json — parsing synchronous bodies and notifications, encoding request forms (spec §2)."""

from __future__ import annotations

import acpref as ref
from vec_common import VectorFile, v1_body, v1_fields, v2_body, v2_fields, v3_fields, TOKEN, TR_ID

PEM = "-----BEGIN CERTIFICATE-----\r\nMIIEYzCCA0ugAwIBAgIFEDkwhTQw+/==\r\n-----END CERTIFICATE-----"


def build() -> list[VectorFile]:
    return [forms_file()]


def forms_file() -> VectorFile:
    vf = VectorFile(
        "forms.json", "ACP-FORMS",
        ["Wire formats (spec §2). Groups by `operation`:",
         "parseSync — a synchronous response body (string `input`, or `inputHex` for bytes that are not UTF-8)",
         "  → `fields`. Rules: split pairs on '&' only outside {…}/[…] inside a value (nesting depth is",
         "  counted); split a pair at its first '='; no URL-decoding ('+' and '%' stay); a trailing segment",
         "  without '=' is a key with an empty value; if the whole body starts with '{' and ends with '}' that",
         "  outer pair is stripped first. Errors: duplicate key 4001, unbalanced braces 4002, not UTF-8 4003,",
         "  empty key 4005.",
         "parseNotify — an application/x-www-form-urlencoded body → `fields`: split on '&', then at the first",
         "  '='; '+' → space; %XX → byte (hex digits of either case); bytes → UTF-8. Errors: duplicate key",
         "  4001, not UTF-8 4003, empty key 4005, malformed %-escape 4007.",
         "encodeForm — `fields` → `body`: keys sorted by byte order, `key=value` joined by '&', keys and values",
         "  encoded like java.net.URLEncoder with UTF-8: A-Z a-z 0-9 . - * _ unchanged, space → '+', every",
         "  other byte → %XX (uppercase hex)."],
        {
            "RealMessage": "A real UnionPay body (tests/fixtures/real-messages).",
            "Nested": "{…} or […] values whose '&' and '=' are not separators.",
            "NestingDepth": "Nested braces: depth is counted (the official SDKs close at the first '}', which differs here).",
            "FirstEquals": "Only the first '=' of a pair separates key and value.",
            "NoDecoding": "Synchronous bodies are not URL-decoded.",
            "TrailingKey": "A trailing segment without '=' is a key with an empty value.",
            "OuterBraces": "The whole body is wrapped in {…}.",
            "EmptyValue": "A key with an empty value is kept.",
            "CrlfPem": "A PEM value with CRLF line breaks.",
            "NonAscii": "Chinese text.",
            "DuplicateKey": "A key appears twice → 4001.",
            "Unbalanced": "An opened { or [ is never closed → 4002.",
            "NotUtf8": "Invalid UTF-8 → 4003.",
            "EmptyKey": "A pair with an empty key → 4005.",
            "PlusIsSpace": "In form encoding '+' means space and %2B means '+'.",
            "BadPercent": "Malformed %-escape → 4007.",
            "JavaUrlEncoder": "Java URLEncoder specifics: '*' kept, '~' encoded, space as '+'.",
            "RoundTrip": "encodeForm output parses back (parseNotify) to the same map.",
        },
    )

    # ---- parseSync --------------------------------------------------------------------------------
    g = vf.group(operation="parseSync")

    def sync(comment, flags, inp, expect=None, hex_input=False):
        data = bytes.fromhex(inp) if hex_input else inp.encode("utf-8")
        key = "inputHex" if hex_input else "input"
        try:
            got = ref.parse_sync(data)
            code = None
        except ref.FormatError as e:
            got, code = None, e.code
        if isinstance(expect, int):
            assert code == expect, (comment, got, code)
            return g.add(comment, flags, "invalid", errorCode=expect, **{key: inp})
        assert code is None and got == expect, (comment, got, code)
        return g.add(comment, flags, "valid", fields=expect, **{key: inp})

    sync("simple pairs", [], "a=1&b=2", {"a": "1", "b": "2"})
    sync("real v2 query response body", ["RealMessage", "CrlfPem", "NonAscii", "FirstEquals", "NoDecoding"],
         v2_body(), v2_fields())
    sync("tokenPayData with & and = inside braces", ["Nested"],
         f"respCode=00&tokenPayData={{token={TOKEN}&trId={TR_ID}&tokenType=01}}&txnType=79",
         {"respCode": "00", "tokenPayData": f"{{token={TOKEN}&trId={TR_ID}&tokenType=01}}", "txnType": "79"})
    sync("nested braces inside braces", ["Nested", "NestingDepth"], "reserved={a={b=1&c=2}&d=3}&x=1",
         {"reserved": "{a={b=1&c=2}&d=3}", "x": "1"})
    sync("square brackets", ["Nested"], "a=[1&2=3]&b=4", {"a": "[1&2=3]", "b": "4"})
    sync("brackets inside braces", ["Nested", "NestingDepth"], "a={x=[1&2]&y=3}&b=4",
         {"a": "{x=[1&2]&y=3}", "b": "4"})
    sync("respMsg with brackets in the middle of a value", ["NonAscii", "Nested"],
         "respCode=00&respMsg=成功[0000000]&x=1", {"respCode": "00", "respMsg": "成功[0000000]", "x": "1"})
    sync("base64 value with = padding and +", ["FirstEquals", "NoDecoding"], "signature=ab+c/d==&x==1",
         {"signature": "ab+c/d==", "x": "=1"})
    sync("percent and plus are not decoded", ["NoDecoding"], "a=1+1&b=%2B&c=%E6%88%90",
         {"a": "1+1", "b": "%2B", "c": "%E6%88%90"})
    sync("trailing segment without =", ["TrailingKey"], "a=1&flag", {"a": "1", "flag": ""})
    sync("whole body wrapped in braces", ["OuterBraces"], "{a=1&b=2}", {"a": "1", "b": "2"})
    sync("whole body wrapped in braces, with a nested value", ["OuterBraces", "Nested"],
         "{a=1&tokenPayData={token=1&trId=2}&b=2}", {"a": "1", "tokenPayData": "{token=1&trId=2}", "b": "2"})
    sync("empty values are kept", ["EmptyValue"], "a=&b=2&c=", {"a": "", "b": "2", "c": ""})
    sync("PEM value with CRLF", ["CrlfPem", "FirstEquals"], f"signPubKeyCert={PEM}&x=1",
         {"signPubKeyCert": PEM, "x": "1"})
    sync("spaces are kept", [], "a=hello world& b = c ", {"a": "hello world", " b ": " c "})
    sync("duplicate key", ["DuplicateKey"], "a=1&b=2&a=3", 4001)
    sync("duplicate key with the same value", ["DuplicateKey"], "a=1&a=1", 4001)
    sync("unclosed brace", ["Unbalanced", "Nested"], "a={x=1&b=2", 4002)
    sync("unclosed bracket", ["Unbalanced", "Nested"], "a=1&b=[x&c=3", 4002)
    sync("empty key at the start", ["EmptyKey"], "=1&a=2", 4005)
    sync("empty key in the middle", ["EmptyKey"], "a=1&=2&b=3", 4005)
    sync("invalid UTF-8 (lone 0xFF byte)", ["NotUtf8"], "613d31ff26623d32", 4003, hex_input=True)
    sync("invalid UTF-8 (truncated sequence)", ["NotUtf8"], "613de6883d", 4003, hex_input=True)

    # ---- parseNotify ------------------------------------------------------------------------------
    g = vf.group(operation="parseNotify")

    def notify(comment, flags, inp, expect):
        try:
            got = ref.parse_notify(inp.encode("utf-8"))
            code = None
        except ref.FormatError as e:
            got, code = None, e.code
        if isinstance(expect, int):
            assert code == expect, (comment, got, code)
            return g.add(comment, flags, "invalid", input=inp, errorCode=expect)
        assert code is None and got == expect, (comment, got, code)
        return g.add(comment, flags, "valid", input=inp, fields=expect)

    notify("real v1 token notification", ["RealMessage", "CrlfPem", "Nested", "PlusIsSpace"], v1_body(), v1_fields())
    notify("plus is a space, %2B is a plus", ["PlusIsSpace"], "a=hello+world&b=%2B&c=a%2Bb+c",
           {"a": "hello world", "b": "+", "c": "a+b c"})
    notify("lowercase hex escapes", [], "a=%2b%2f%3d", {"a": "+/="})
    notify("UTF-8 escapes", ["NonAscii"], "respMsg=%E6%88%90%E5%8A%9F%5B0000000%5D",
           {"respMsg": "成功[0000000]"})
    notify("raw non-ASCII characters pass through", ["NonAscii"], "respMsg=成功", {"respMsg": "成功"})
    notify("encoded nested value", ["Nested"], "tokenPayData=%7Btoken%3D1%26trId%3D2%7D&x=1",
           {"tokenPayData": "{token=1&trId=2}", "x": "1"})
    notify("encoded CRLF", ["CrlfPem"], "a=x%0D%0Ay", {"a": "x\r\ny"})
    notify("empty value and trailing key", ["EmptyValue", "TrailingKey"], "a=&b", {"a": "", "b": ""})
    notify("encoded key", [], "a%5Fb=1", {"a_b": "1"})
    notify("duplicate key", ["DuplicateKey"], "a=1&a=2", 4001)
    notify("duplicate key after decoding", ["DuplicateKey"], "a_b=1&a%5Fb=2", 4001)
    notify("bad hex digit", ["BadPercent"], "a=%G1", 4007)
    notify("truncated escape", ["BadPercent"], "a=%2", 4007)
    notify("lone percent", ["BadPercent"], "a=100%&b=1", 4007)
    notify("escape decodes to invalid UTF-8", ["NotUtf8"], "a=%FF", 4003)
    notify("empty key", ["EmptyKey"], "=1", 4005)

    # ---- encodeForm -------------------------------------------------------------------------------
    g = vf.group(operation="encodeForm")

    def encode(comment, flags, fields, expect=None):
        body = ref.encode_form(fields)
        if expect is not None:
            assert body == expect, (comment, body)
        assert ref.parse_notify(body.encode()) == fields
        g.add(comment, flags + ["RoundTrip"], "valid", fields=fields, body=body)

    encode("real v1 fields reproduce UnionPay's notification body byte for byte",
           ["RealMessage", "CrlfPem", "Nested"], v1_fields(), v1_body())
    encode("real v3 fields", ["RealMessage", "CrlfPem", "NonAscii"], v3_fields())
    encode("Java URLEncoder character classes", ["JavaUrlEncoder"], {
        "a": "AZaz09.-*_", "b": "~!'()", "c": "a b+c/d=e&f", "d": "{x=1&y=2}", "e": "%"},
        "a=AZaz09.-*_&b=%7E%21%27%28%29&c=a+b%2Bc%2Fd%3De%26f&d=%7Bx%3D1%26y%3D2%7D&e=%25")
    encode("Chinese value", ["NonAscii"], {"customerNm": "全渠道", "respMsg": "成功[0000000]"},
           "customerNm=%E5%85%A8%E6%B8%A0%E9%81%93&respMsg=%E6%88%90%E5%8A%9F%5B0000000%5D")
    encode("keys sorted by byte order", [], {"b": "1", "B": "2", "a": "3", "_": "4"}, "B=2&_=4&a=3&b=1")
    encode("base64 with + / =", [], {"signature": "ab+c/d=="}, "signature=ab%2Bc%2Fd%3D%3D")
    return vf
