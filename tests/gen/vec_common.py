"""Shared pieces of the vector generator: the file model, paths, fixtures, random streams."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import acpref as ref

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
FIX = TESTS / "fixtures"
VEC = TESTS / "vectors"
GENERATOR_VERSION = "1"


def fx(rel: str) -> str:
    """Absolute path of a path relative to tests/ (as written into the vectors)."""
    return str(TESTS / rel)


class Group:
    def __init__(self, vf: "VectorFile", fields: dict):
        self.vf = vf
        self.fields = fields
        self.tests: list[dict] = []

    def add(self, comment: str, flags: list[str], result: str, **kw) -> dict:
        assert result in ("valid", "invalid")
        for f in flags:
            assert f in self.vf.notes, f"{self.vf.name}: flag {f} has no note"
        t = {"comment": comment, "flags": list(flags), "result": result}
        for k, v in kw.items():
            if v is not None:
                t[k] = v
        self.tests.append(t)
        return t


class VectorFile:
    def __init__(self, name: str, algorithm: str, header: list[str], notes: dict[str, str]):
        self.name = name
        self.algorithm = algorithm
        self.header = header
        self.notes = notes
        self.groups: list[Group] = []

    def group(self, **fields) -> Group:
        g = Group(self, fields)
        self.groups.append(g)
        return g

    def render(self) -> str:
        tc = 0
        groups = []
        used = set()
        for g in self.groups:
            tests = []
            for t in g.tests:
                tc += 1
                tests.append({"tcId": tc, **t})
                used.update(t["flags"])
            groups.append({**g.fields, "tests": tests})
        unused = set(self.notes) - used
        assert not unused, f"{self.name}: notes without tests: {unused}"
        doc = {
            "algorithm": self.algorithm,
            "generatorVersion": GENERATOR_VERSION,
            "header": self.header,
            "notes": self.notes,
            "numberOfTests": tc,
            "testGroups": groups,
        }
        return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def stream(label: str, n: int, zeros=(1, 2, 40, 41, 120)) -> bytes:
    """A fixed 'random' stream: SHA-256(label:counter) blocks, with zero bytes forced at
    some positions so that implementations must skip them when building PS."""
    out = bytearray()
    ctr = 0
    while len(out) < n:
        out += hashlib.sha256(f"unionpay-acp vectors:{label}:{ctr}".encode()).digest()
        ctr += 1
    out = out[:n]
    for z in zeros:
        if z < n:
            out[z] = 0
    return bytes(out)


def encrypt_case(cert, plaintext: bytes, label: str) -> dict:
    k = (cert.public_key().key_size + 7) // 8
    r = ref.encrypt_fixed(cert, plaintext, stream(label, k + 64))
    assert b"\x00" in r["random"], "stream should exercise zero skipping"
    return r


def b64(s: str | bytes) -> str:
    if isinstance(s, str):
        s = s.encode("utf-8")
    return base64.b64encode(s).decode()


# --- real messages -----------------------------------------------------------------------------

def real_json(name: str) -> dict[str, str]:
    return json.loads((FIX / "real-messages" / name).read_text(encoding="utf-8"))


def v1_body() -> str:
    return (FIX / "real-messages/v1_token_frontopen_backnotify_2017.form.txt").read_bytes().decode("ascii")


def v1_fields() -> dict[str, str]:
    return ref.parse_notify(v1_body().encode())


def v2_body() -> str:
    return (FIX / "real-messages/v2_query_response_2022.body.txt").read_bytes().decode("utf-8")


def v2_fields() -> dict[str, str]:
    return real_json("v2_query_response_2022.json")


def v3_fields() -> dict[str, str]:
    return real_json("v3_gateway_consume_notify_2018.json")


def v4_fields() -> dict[str, str]:
    return real_json("v4_securekey11_notify_2018_key88888888.json")


SPEC_DIGEST_V1 = "e9fa180c291a5d8016c720b14a7339bc26f0af44105ab4ba74e57ff7975e80da"
SPEC_DIGEST_V2 = "7b6809ce5c74c1aa97952673ec10b78abc891e04d71dc2a7948acdb642a33e4b"
SPEC_DIGEST_V3 = "b16f25bb4620c24a91f6adf158da62f8a6bdd6522a3d30a7d52a1a40f31ddcd8"

# §4.5(c) request map (certId added by the signer).
SPEC_C_MAP = {
    "version": "5.1.0", "encoding": "UTF-8", "signMethod": "01", "txnType": "78",
    "txnSubType": "02", "bizType": "000902", "channelType": "07", "accessType": "0",
    "merId": "777290058110097", "orderId": "20240101120000001", "txnTime": "20240101120000",
}
SPEC_C_CANONICAL = (
    "accessType=0&bizType=000902&certId=68759663125&channelType=07&encoding=UTF-8"
    "&merId=777290058110097&orderId=20240101120000001&signMethod=01&txnSubType=02"
    "&txnTime=20240101120000&txnType=78&version=5.1.0")
SPEC_C_SHA256 = "2da44fa0e698b021677b5f40b4fdf39d1f00c547f4e8a2fb0e047819dbe463d4"
SPEC_C_SIG_510 = (
    "lv5y30/YU2hSmXy5nCBjVQF58Rv5E7t5kYuv6OwQVBjFzAQ3NLPUsxzOS2+tmKvy95mfQ1RdjYmS2i/OnGsY/KOyNT5bYa8dg0MlA4Wg"
    "zvDJh98yKRj+EMlNwCoPlHCGhwESNTttVmJN/I++7EAPTxQl2erzkJ1hSJ4gHGEATPkAbw/2qz3R24A5+kZVVAYepUnsg+UQIwdqafZ9"
    "3KoOkAL5+iziF7Z+zPn8tjwjteMnbPccdWKXTwKQTs1J30r1Cpo6HFJeGXj/FVbmRzpoE+2HCAxVGdch+Of4B+YrvcZ2y3VdVh/nzryn"
    "VMqkmT8SPJ3xP4iAMdDNc4PaUzXSSw==")
SPEC_C_SHA1_500 = "806e56fc5c067274813e9e34ff8a27a312e50b07"
SPEC_C_SIG_500 = (
    "oCeXCApXeB78X3ZzoA20X1oToqwAaPD+06g6ut01P+3lCBAHAX1B/KnvuXKZjD97ZntI7OvuZQBtLNRCyc1sDuIZ+jS4yqrdEBCCS/OS"
    "aP+CBpZHj8Jn86gvdyI+X2wguo4TUXomNYqncJ1WEyJpU34IxT82va5AZSRj70SrvzJf2tSEwn8As5UkUJ50cMt6ns7ga/ngttP/zPYr"
    "u+h+f8RhjLrl6HVpqraH8sSuLyVWeYiy4F4ELf+pe+LrAGx24nUxWeDbeFNY8qawufaHU3NXu05bLWkdqI/EsLUxYNZdgvu3vrJov2kD"
    "h4nsErLcIwhBTTK+zVAS4sGEiX2Wsw==")
SPEC_C_SIG_11 = "734d9c58b018fba3ceb7a143f2732101ee0b12683410ef99eb61a8ec25b63556"
SPEC_C_SIG_12 = "513ef73686e5ddd562a9ea60e60bde9505edf6cdbf1bf347b1cc78b62a945dd1"
SPEC_V4_SIG = "f961488732cbd376429b59d300879611983ec24d2ad636fbf916746c6ccc616e"
SPEC_SHA256_KEY = "615ed7fb1504b0c724a296d7a69e6c7b2f9ea2c57c1d8206c5afdf392ebdfd25"
SPEC_SM3_KEY = "ce63bbc0642e6805e0bf2be526df8fce7f29ae8cd7162ebafc826c8130810a30"

TOKEN = "6235240000020757577"
TR_ID = "62000000001"
TEST_MER = "777290058110097"
