"""Cold start, Python package: import, load the PFX, sign one request (bench_cold.py)."""
import json
import os

from unionpay_acp import MerchantKey

with open(os.environ["ACP_PFX"], "rb") as f:
    key = MerchantKey.from_pkcs12(f.read(), "000000")
assert key.sign_fields(json.loads(os.environ["ACP_FIELDS"])).fields["signature"]
