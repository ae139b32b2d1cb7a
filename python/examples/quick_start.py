"""Quick start: a token payment against the local sandbox, end to end.

    acp sandbox --port 8080 &          # the `acp` command: cargo build --release -p acp-cli
    python python/examples/quick_start.py http://127.0.0.1:8080
"""

import re
import sys
import time
from pathlib import Path

import httpx

from unionpay_acp import Client, MerchantKey

sandbox = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
fixtures = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "sandbox"
# The sandbox's root and middle certificates: its answers and notifications chain to them.
pems = httpx.get(f"{sandbox}/_sandbox/trust").text
root, middle = re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", pems, re.S)

client = Client(
    {  # the core's settings: settings.json lists every name
        "merId": "777290058110097",
        "environment": {"baseUrl": sandbox},  # or "test" / "production"
        "trust": {"roots": [root], "middles": [middle]},  # or "test" / "production"
        "encryptionCert": (fixtures / "enc.pem").read_bytes(),
    },
    MerchantKey.from_pkcs12((fixtures / "merchant.pfx").read_bytes(), "000000"),
)
run = f"{time.time_ns():x}"[-12:]  # orderIds: 8-32 letters and digits, new for each payment
back_url = f"{sandbox}/_sandbox/sink"  # your notification endpoint
card = dict(acc_no="6221558812340000", phone_no="13552535506", cvn2="123", expired="2311")

# 1. Open the card for token payments: an SMS code, then the back open returns the token.
sms = client.sms_open(order_id=f"OPEN{run}", **card)
opened = client.back_open(order_id=f"OPEN{run}", txn_time=sms.request.txn_time, sms_code="111111", **card)
token = opened.outcome().response().token_pay_data().token

# 2. Pay with the token: an SMS for the amount, then the consume.
sms = client.sms_consume(order_id=f"PAY{run}", token=token, txn_amt=1000)
paid = client.consume(order_id=f"PAY{run}", txn_time=sms.request.txn_time, txn_amt=1000,
                      token=token, sms_code="111111", back_url=back_url)
print("consume:", paid.outcome().name())  # accepted: taken, not paid yet; the core plans a query

# 3. The core's plan until final: sleep, status query, again. To resume after a restart,
#    store request_to_json(paid.request) and pass client.core.request_from_json(text).
final = client.query_until_final(paid)
print("status:", final.name(), final.outcome().name(), final.outcome().decisive_code())

# 4. Your backUrl handler: the raw body UnionPay POSTed (here: what the sandbox sent its sink).
for posted in httpx.get(f"{sandbox}/_sandbox/notifications").json():
    receipt = client.receive_notification(posted["body"].encode())  # answer with receipt.reply
    note = receipt.notification
    if note is not None and client.core.notification_matches(note, paid.request):
        print("notification:", receipt.reply.status, note.resp_code, note.txn_amt)

# 5. A partial refund (3.00 CNY) of the payment.
query_id = final.outcome().response().get("queryId")
refund = client.refund(order_id=f"REFUND{run}", orig_qry_id=query_id, txn_amt=300, back_url=back_url)
print("refund:", refund.outcome().name())
client.close()
