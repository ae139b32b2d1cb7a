//! Card data and secrets as newtypes: validated on construction, zeroized on drop,
//! masked in `Debug`/`Display`, never serialized and never put into error messages.

use crate::error::{Error, ErrorCode, Result};
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident, $mask:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
        pub struct $name(String);

        impl $name {
            /// The secret value. Handle with care: do not log it.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), ($mask)(self.0.as_str()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&($mask)(self.0.as_str()))
            }
        }
    };
}

fn all_masked(s: &str) -> String {
    "*".repeat(s.chars().count().min(8))
}

/// First 6 and last 4 digits, as PCI DSS allows.
fn mask_pan(s: &str) -> String {
    let n = s.len();
    if n < 11 {
        return all_masked(s);
    }
    let head = s.get(..6).unwrap_or_default();
    let tail = s.get(n - 4..).unwrap_or_default();
    format!("{head}{}{tail}", "*".repeat(n - 10))
}

fn mask_phone(s: &str) -> String {
    let n = s.len();
    if n < 8 {
        return all_masked(s);
    }
    format!(
        "{}****{}",
        s.get(..3).unwrap_or_default(),
        s.get(n - 4..).unwrap_or_default()
    )
}

fn invalid(what: &str, rule: &str) -> Error {
    Error::new(
        ErrorCode::InvalidCardData,
        format!("the {what} is invalid: {rule}"),
    )
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

secret_string!(
    /// A primary account number (card number), 11–19 digits.
    Pan,
    mask_pan
);
secret_string!(
    /// A card PIN, 4–12 digits (only for merchants allowed to collect PINs).
    Pin,
    all_masked
);
secret_string!(
    /// A card verification number (CVN2), 3 digits.
    Cvn2,
    all_masked
);
secret_string!(
    /// A card expiry as UnionPay wants it: `YYMM` (the card face prints MM/YY).
    CardExpiry,
    all_masked
);
secret_string!(
    /// The phone number the bank has on file for the card.
    PhoneNumber,
    mask_phone
);
secret_string!(
    /// The secure key for signMethod 11 / 12.
    SecureKey,
    all_masked
);

impl Pan {
    /// Validates 11–19 digits (the SDKs accept 11-digit numbers for the PIN block).
    pub fn new(value: impl Into<String>) -> Result<Self> {
        let mut v = value.into();
        if !digits(&v) || !(11..=19).contains(&v.len()) {
            v.zeroize();
            return Err(invalid("card number", "it must be 11 to 19 digits"));
        }
        Ok(Pan(v))
    }
}

impl Pin {
    /// Validates 4–12 digits.
    pub fn new(value: impl Into<String>) -> Result<Self> {
        let mut v = value.into();
        if !digits(&v) || !(4..=12).contains(&v.len()) {
            v.zeroize();
            return Err(invalid("PIN", "it must be 4 to 12 digits"));
        }
        Ok(Pin(v))
    }
}

impl Cvn2 {
    /// Validates 3 digits.
    pub fn new(value: impl Into<String>) -> Result<Self> {
        let mut v = value.into();
        if !digits(&v) || v.len() != 3 {
            v.zeroize();
            return Err(invalid("CVN2", "it must be 3 digits"));
        }
        Ok(Cvn2(v))
    }
}

impl CardExpiry {
    /// Validates `YYMM` with a month of 01–12.
    pub fn new(value: impl Into<String>) -> Result<Self> {
        let mut v = value.into();
        let month_ok = v
            .get(2..4)
            .and_then(|m| m.parse::<u8>().ok())
            .is_some_and(|m| (1..=12).contains(&m));
        if !digits(&v) || v.len() != 4 || !month_ok {
            v.zeroize();
            return Err(invalid(
                "expiry",
                "it must be YYMM (year first; the card face shows MM/YY)",
            ));
        }
        Ok(CardExpiry(v))
    }
}

impl PhoneNumber {
    /// Validates 1–20 digits.
    pub fn new(value: impl Into<String>) -> Result<Self> {
        let mut v = value.into();
        if !digits(&v) || v.len() > 20 {
            v.zeroize();
            return Err(invalid("phone number", "it must be 1 to 20 digits"));
        }
        Ok(PhoneNumber(v))
    }
}

impl SecureKey {
    /// Any non-empty key.
    pub fn new(value: impl Into<String>) -> Result<Self> {
        let v = value.into();
        if v.is_empty() {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "the secure key is empty",
            ));
        }
        Ok(SecureKey(v))
    }

    /// Whether this is UnionPay's public test key `88888888` (spec §4.4, §12.2): fine for
    /// the test environment, never a secret.
    pub fn is_public_test_key(&self) -> bool {
        self.expose() == PUBLIC_TEST_SECURE_KEY
    }
}

/// UnionPay's published test-environment secure key.
pub const PUBLIC_TEST_SECURE_KEY: &str = "88888888";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_never_show_secrets() {
        let pan = Pan::new("6216261000000000018").unwrap();
        assert_eq!(format!("{pan:?}"), "Pan(621626*********0018)");
        assert_eq!(pan.to_string(), "621626*********0018");
        let cvn = Cvn2::new("123").unwrap();
        assert!(!format!("{cvn:?}{cvn}").contains("123"));
        let phone = PhoneNumber::new("13552535506").unwrap();
        assert_eq!(phone.to_string(), "135****5506");
        let key = SecureKey::new("88888888").unwrap();
        assert!(!format!("{key:?}").contains('8'));
    }

    #[test]
    fn validation_errors_do_not_echo_the_value() {
        let e = Pan::new("62162610000000000189999").unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidCardData);
        assert!(!e.message().contains("6216"));
        assert!(Pin::new("12a456").is_err());
        assert!(Cvn2::new("1234").is_err());
        assert!(CardExpiry::new("2313").is_err());
        assert!(CardExpiry::new("2311").is_ok());
        assert!(PhoneNumber::new("").is_err());
    }
}
