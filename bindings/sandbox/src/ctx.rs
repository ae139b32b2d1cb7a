//! One request being processed: the verified fields with the card data decrypted and the
//! nested values parsed.

use crate::codes::{self, Outcome};
use crate::config::FaultAction;
use crate::gateway::{Auth, Endpoint, Gateway};
use crate::state::State;
use std::collections::BTreeMap;
use unionpay_acp::form::parse_nested;
use unionpay_acp::{card, Fields, Timestamp};

/// One request being processed.
pub struct Ctx<'a> {
    pub f: &'a Fields,
    pub now: Timestamp,
    pub auth: Auth,
    pub ep: Endpoint,
    /// Decrypted accNo.
    pub pan: Option<String>,
    /// customerInfo sub-fields (encryptedInfo decrypted and merged).
    pub customer: BTreeMap<String, String>,
    /// The encrypted PIN block, if customerInfo carried one.
    pub pin_block: Option<Vec<u8>>,
    /// tokenPayData sub-fields.
    pub token_data: BTreeMap<String, String>,
    /// The fault that applies.
    pub fault: Option<FaultAction>,
}

impl Ctx<'_> {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.f.get(key).filter(|v| !v.is_empty())
    }

    pub fn req(&self, key: &str) -> Outcome<&str> {
        self.get(key).ok_or_else(|| codes::missing(key))
    }

    pub fn txn(&self) -> (&str, &str) {
        (
            self.get("txnType").unwrap_or_default(),
            self.get("txnSubType").unwrap_or_default(),
        )
    }

    pub fn mer_id(&self) -> &str {
        self.get("merId").unwrap_or_default()
    }

    pub fn order_id(&self) -> &str {
        self.get("orderId").unwrap_or_default()
    }

    pub fn txn_time(&self) -> &str {
        self.get("txnTime").unwrap_or_default()
    }

    pub fn token_field(&self, key: &str) -> Outcome<&str> {
        self.token_data
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| codes::missing(&format!("tokenPayData.{key}")))
    }

    pub fn customer_field(&self, key: &str) -> Option<&str> {
        self.customer
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The txnAmt as fen (must be 1–12 digits, > 0).
    pub fn amount(&self) -> Outcome<u64> {
        let text = self.req("txnAmt")?;
        match text.parse::<u64>() {
            Ok(v) if v > 0 && text.len() <= 12 && text.bytes().all(|b| b.is_ascii_digit()) => Ok(v),
            _ => Err(codes::format_error(
                "txnAmt must be a positive amount in fen",
            )),
        }
    }

    /// The currencyCode, if sent, must be 156.
    pub fn check_currency(&self, required: bool) -> Outcome<()> {
        match self.get("currencyCode") {
            Some("156") => Ok(()),
            Some(other) => Err(codes::format_error(format!(
                "currencyCode {other} is not supported (156 only)"
            ))),
            None if required => Err(codes::missing("currencyCode")),
            None => Ok(()),
        }
    }
}

impl Gateway {
    /// Decrypts accNo / customerInfo with the sandbox encryption key(s) and parses
    /// tokenPayData.
    pub(crate) fn context<'a>(
        &self,
        st: &State,
        f: &'a Fields,
        auth: Auth,
        ep: Endpoint,
        now: Timestamp,
    ) -> Outcome<Ctx<'a>> {
        let enc_key =
            |cx_id: Option<&str>| -> Outcome<Vec<&unionpay_acp::MerchantKey>> {
                match cx_id {
                    Some(id) => self.keys.enc_by_id(id).map(|k| vec![k]).ok_or_else(|| {
                        codes::format_error(format!("encryptCertId {id} is unknown"))
                    }),
                    None => {
                        let mut keys = vec![self.current_enc(st)];
                        keys.extend(self.keys.enc.iter());
                        Ok(keys)
                    }
                }
            };
        let keys = enc_key(f.get("encryptCertId"))?;
        let pan = match f.get("accNo") {
            Some(v) if v.len() >= 11 && v.len() <= 19 && v.bytes().all(|b| b.is_ascii_digit()) => {
                Some(v.to_owned())
            }
            Some(v) => Some(decrypt_with(&keys, v, "accNo")?),
            None => None,
        };
        let mut customer = BTreeMap::new();
        let mut pin_block = None;
        if let Some(v) = f.get("customerInfo") {
            let pairs = keys
                .iter()
                .find_map(|k| card::parse_customer_info(v, Some(k)).ok())
                .ok_or_else(|| {
                    codes::format_error("customerInfo cannot be decoded or decrypted")
                })?;
            for (k, v) in pairs {
                if k == "pin" {
                    let block = keys
                        .iter()
                        .find_map(|key| card::decrypt_field(key, &v).ok())
                        .ok_or_else(|| {
                            codes::format_error("customerInfo.pin cannot be decrypted")
                        })?;
                    pin_block = Some(block.to_vec());
                }
                customer.insert(k, v);
            }
        }
        let token_data = match f.get("tokenPayData") {
            Some(v) => parse_nested(v)
                .map_err(|e| codes::format_error(format!("tokenPayData: {}", e.message())))?
                .into_iter()
                .collect(),
            None => BTreeMap::new(),
        };
        Ok(Ctx {
            f,
            now,
            auth,
            ep,
            pan,
            customer,
            pin_block,
            token_data,
            fault: None,
        })
    }
}

fn decrypt_with(keys: &[&unionpay_acp::MerchantKey], value: &str, what: &str) -> Outcome<String> {
    keys.iter()
        .find_map(|k| card::decrypt_text(k, value).ok())
        .map(|z| z.to_string())
        .ok_or_else(|| {
            codes::format_error(format!(
                "{what} cannot be decrypted with the sandbox encryption key"
            ))
        })
}
