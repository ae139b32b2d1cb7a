//! A verified message from UnionPay and what can be read from it: every method delegates
//! to `unionpay_acp::client::Response`.

use crate::client::Client;
use crate::convert::{FieldMap, TokenPayData};
use crate::error::Result;
use std::sync::Arc;
use unionpay_acp::client as core;
use unionpay_acp::file::ArchiveLimits as CoreLimits;

/// Caps for decoding a file-transfer archive (defaults: 64 MiB total, 32 MiB per member,
/// 64 members).
#[derive(Clone, Debug, uniffi::Record)]
pub struct ArchiveLimits {
    pub max_total_bytes: u64,
    pub max_entry_bytes: u64,
    pub max_entries: u32,
}

fn limits(l: Option<ArchiveLimits>) -> CoreLimits {
    let size = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    match l {
        None => CoreLimits::default(),
        Some(l) => CoreLimits {
            max_total_bytes: size(l.max_total_bytes),
            max_entry_bytes: size(l.max_entry_bytes),
            max_entries: size(u64::from(l.max_entries)),
        },
    }
}

/// One member of a file-transfer archive.
#[derive(Clone, Debug, uniffi::Record)]
pub struct NamedFile {
    /// A safe relative name (`/`-separated).
    pub name: String,
    pub data: Vec<u8>,
}

/// Sums over the ZM records of a reconciliation archive (signed sums in fen).
#[derive(Clone, Debug, uniffi::Record)]
pub struct ReconciliationSummary {
    pub zm_records: u64,
    pub zme_lines: u64,
    pub amount_fen: u64,
    pub merchant_fee_fen: i64,
    pub settle_fen: i64,
    pub net_settle_fen: i64,
    /// The members not parsed (the `RD` report, unknown files).
    pub other_files: Vec<String>,
}

/// A verified message from UnionPay; only the client makes these.
#[derive(Debug, uniffi::Object)]
pub struct Response(pub(crate) core::Response);

#[uniffi::export]
impl Response {
    /// Every field as received.
    pub fn fields(&self) -> FieldMap {
        self.0.fields().into()
    }
    /// One field.
    pub fn get(&self, key: String) -> Option<String> {
        self.0.get(&key).map(str::to_owned)
    }
    pub fn resp_code(&self) -> String {
        self.0.resp_code().to_owned()
    }
    pub fn resp_msg(&self) -> String {
        self.0.resp_msg().to_owned()
    }
    pub fn orig_resp_code(&self) -> Option<String> {
        self.0.orig_resp_code().map(str::to_owned)
    }
    pub fn orig_resp_msg(&self) -> Option<String> {
        self.0.orig_resp_msg().map(str::to_owned)
    }
    pub fn query_id(&self) -> Option<String> {
        self.0.query_id().map(str::to_owned)
    }
    pub fn orig_qry_id(&self) -> Option<String> {
        self.0.orig_qry_id().map(str::to_owned)
    }
    pub fn order_id(&self) -> Option<String> {
        self.0.order_id().map(str::to_owned)
    }
    pub fn txn_time(&self) -> Option<String> {
        self.0.txn_time().map(str::to_owned)
    }
    pub fn settle_date(&self) -> Option<String> {
        self.0.settle_date().map(str::to_owned)
    }
    pub fn trace_no(&self) -> Option<String> {
        self.0.trace_no().map(str::to_owned)
    }
    pub fn activate_status(&self) -> Option<String> {
        self.0.activate_status().map(str::to_owned)
    }
    /// `txnAmt` in fen.
    pub fn txn_amt(&self) -> Result<Option<u64>> {
        Ok(self.0.txn_amt()?)
    }
    /// `settleAmt` in fen.
    pub fn settle_amt(&self) -> Result<Option<u64>> {
        Ok(self.0.settle_amt()?)
    }
    /// `tokenPayData`, parsed.
    pub fn token_pay_data(&self) -> Result<Option<TokenPayData>> {
        Ok(self.0.token_pay_data()?.map(Into::into))
    }
    /// `customerInfo` without decrypting (`encryptedInfo` stays as it came).
    pub fn customer_info(&self) -> Result<Option<FieldMap>> {
        Ok(self.0.customer_info()?.map(|c| {
            FieldMap(
                c.iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            )
        }))
    }
    /// `customerInfo` with `encryptedInfo` decrypted by the client's merchant key.
    pub fn decrypt_customer_info(&self, client: Arc<Client>) -> Result<Option<FieldMap>> {
        Ok(self.0.decrypt_customer_info(&client.0)?.map(|c| {
            FieldMap(
                c.iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            )
        }))
    }
    /// `accNo` in the clear (decrypted when UnionPay encrypted it).
    pub fn decrypt_acc_no(&self, client: Arc<Client>) -> Result<Option<String>> {
        Ok(self.0.decrypt_acc_no(&client.0)?.map(|s| s.to_string()))
    }
    /// `encryptPubKeyCert` (key update query).
    pub fn encrypt_pub_key_cert(&self) -> Option<String> {
        self.0.encrypt_pub_key_cert().map(str::to_owned)
    }
    /// `fileName` (file transfer).
    pub fn file_name(&self) -> Option<String> {
        self.0.file_name().map(str::to_owned)
    }
    /// The members of a file-transfer answer (`fileContent`: base64 → zlib → ZIP).
    #[uniffi::method(default(limits = None))]
    pub fn files(&self, limits: Option<ArchiveLimits>) -> Result<Vec<NamedFile>> {
        Ok(self
            .0
            .files(&self::limits(limits))?
            .into_iter()
            .map(|f| NamedFile {
                name: f.name,
                data: f.bytes,
            })
            .collect())
    }
    /// The reconciliation totals of a file-transfer answer (ZM and ZME members parsed).
    #[uniffi::method(default(limits = None))]
    pub fn reconciliation(&self, limits: Option<ArchiveLimits>) -> Result<ReconciliationSummary> {
        let r = self.0.reconciliation(&self::limits(limits))?;
        let t = r.zm_totals();
        Ok(ReconciliationSummary {
            zm_records: t.records as u64,
            zme_lines: r.zme.len() as u64,
            amount_fen: t.amount_fen,
            merchant_fee_fen: t.merchant_fee_fen,
            settle_fen: t.settle_fen,
            net_settle_fen: t.net_settle_fen,
            other_files: r.other_files,
        })
    }
}
