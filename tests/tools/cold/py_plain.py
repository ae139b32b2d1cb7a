"""Cold start, the same job with `cryptography`: load the PFX, canonical string, SHA-256
hex, RSA PKCS#1 v1.5, base64 (bench_cold.py)."""
import base64
import hashlib
import json
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import pkcs12

with open(os.environ["ACP_PFX"], "rb") as f:
    key, cert, _ = pkcs12.load_key_and_certificates(f.read(), b"000000")
fields = dict(json.loads(os.environ["ACP_FIELDS"]), certId=str(cert.serial_number), signMethod="01")
canonical = "&".join(f"{k}={v}" for k, v in sorted(fields.items()) if v)
digest = hashlib.sha256(canonical.encode()).hexdigest().encode()
fields["signature"] = base64.b64encode(key.sign(digest, padding.PKCS1v15(), hashes.SHA256())).decode()
