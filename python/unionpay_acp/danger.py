"""DANGER: what is unsafe in production, by name.

* `parse_sync_body`, `parse_notify_body`: split a body WITHOUT verifying it. Nothing read
  this way is UnionPay's word (the vectors use them to check the parser alone).
* `encrypt_field(cert, plaintext, random)`,
  `customer_info(cert, info, mode, encrypted_pin, random)`: card-data encryption with
  the padding taken from `random` (the vectors' fixed-randomness contract). Fixed
  randomness makes the ciphertext guessable: never use it for real card data.
"""

from ._ffi import danger_customer_info as customer_info
from ._ffi import danger_encrypt_field as encrypt_field
from ._ffi import danger_parse_notify_body as parse_notify_body
from ._ffi import danger_parse_sync_body as parse_sync_body

__all__ = ["parse_sync_body", "parse_notify_body", "encrypt_field", "customer_info"]
