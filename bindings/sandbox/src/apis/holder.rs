//! The simulated issuer's cardholder checks (phone, identity, CVN2, expiry, PIN).

use crate::codes::{self, Outcome, Reject};
use crate::config::{CardKind, TestCard};
use std::collections::BTreeMap;
use unionpay_acp::card::pin_block;
use unionpay_acp::secret::{Pan, Pin};

/// Which checks apply.
#[derive(Clone, Copy, Debug)]
pub struct HolderCheck {
    /// phoneNo must be present.
    pub need_phone: bool,
    /// Credit cards must present CVN2 and expiry.
    pub credit_extras: bool,
}

/// Checks what the cardholder (or merchant) entered against the test card.
pub fn check_holder(
    card: &TestCard,
    info: &BTreeMap<String, String>,
    pin: Option<&[u8]>,
    check: HolderCheck,
) -> Outcome<()> {
    let get = |k: &str| info.get(k).map(String::as_str).filter(|v| !v.is_empty());
    match get("phoneNo") {
        None if check.need_phone => return Err(codes::missing("customerInfo.phoneNo")),
        Some(p) if p != card.phone => return Err(issuer("66")),
        _ => {}
    }
    for (key, known) in [
        ("certifTp", &card.certif_tp),
        ("certifId", &card.certif_id),
        ("customerNm", &card.name),
    ] {
        if let (Some(given), Some(known)) = (get(key), known) {
            if given != known {
                return Err(issuer("66"));
            }
        }
    }
    if card.kind == CardKind::Credit && check.credit_extras {
        for (key, known) in [("cvn2", &card.cvn2), ("expired", &card.expired)] {
            match (get(key), known) {
                (None, Some(_)) => {
                    return Err(codes::missing(&format!("customerInfo.{key} (credit card)")))
                }
                (Some(given), Some(known)) if given != known => return Err(issuer("65")),
                _ => {}
            }
        }
    }
    if let Some(block) = pin {
        let expected = card
            .pin
            .as_deref()
            .and_then(|p| Pin::new(p).ok())
            .zip(Pan::new(card.pan.as_str()).ok())
            .map(|(pin, pan)| pin_block(&pin, &pan).to_vec());
        if expected.as_deref() != Some(block) {
            return Err(issuer("65"));
        }
    }
    Ok(())
}

/// The issuer's answer `code` with its message.
pub fn issuer(code: &'static str) -> Reject {
    Reject::new(code, codes::issuer_msg(code))
}
