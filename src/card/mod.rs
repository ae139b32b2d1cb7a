//! Card data: encryption to UnionPay's encryption certificate, `customerInfo`, the PIN
//! block, and decryption of what UnionPay returns (spec §3.3, §6).

mod customer_info;
mod decrypt;
mod encrypt;
mod pin_block;

pub use customer_info::{parse_customer_info, CustomerInfo, CustomerInfoMode};
pub use decrypt::{decrypt_field, decrypt_text};
pub use encrypt::{encrypt_field, encrypt_pan};
pub use pin_block::pin_block;
