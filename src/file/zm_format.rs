//! Writing ZM lines: what the sandbox needs to produce reconciliation files, and the
//! inverse the tests check the parser against.

use super::layout::{encode_text, join_fields};
use super::values::SignedAmount;
use super::zm::{ZmRecord, NAMES, WIDTHS, ZM_LINE_BYTES};
use crate::error::{Error, ErrorCode, Result};

/// Formats one record as its 607-byte GBK line (no CRLF).
///
/// Errors: `InvalidField` naming the field when a value does not fit its width, is not
/// GBK-encodable, has surrounding whitespace, or a number is out of range.
pub fn format_zm_record(r: &ZmRecord) -> Result<Vec<u8>> {
    let mut w = Writer::default();
    w.text(&r.txn_code);
    w.text(&r.acquirer_code);
    w.text(&r.sender_code);
    w.text(&r.trace_no);
    w.raw(r.trace_time.to_string());
    w.text(&r.pan_masked);
    w.raw(format!("{:012}", r.amount_fen));
    w.text(&r.mcc);
    w.text(&r.terminal_type);
    w.text(&r.query_id);
    w.text(&r.pay_method_old);
    w.text(&r.order_id);
    w.text(&r.pay_card_type);
    w.text(&r.orig_trace_no);
    w.raw(r.orig_txn_time.map(|t| t.to_string()).unwrap_or_default());
    w.signed(r.merchant_fee);
    w.signed(r.settle_amount);
    w.text(&r.pay_method);
    w.text(&r.group_mer_id);
    w.text(&r.txn_type);
    w.text(&r.txn_sub_type);
    w.text(&r.biz_type);
    w.text(&r.acc_type);
    w.text(&r.bill_type);
    w.text(&r.bill_no);
    w.text(&r.interaction_mode);
    w.text(&r.orig_query_id);
    w.text(&r.mer_id);
    w.text(&r.split_mode);
    w.text(&r.sub_mer_id);
    w.text(&r.sub_mer_abbr);
    w.signed(r.sub_mer_split_amount);
    w.signed(r.net_settle_amount);
    w.text(&r.term_id);
    w.text(&r.req_reserved);
    w.signed(r.discount_amount);
    w.signed(r.invoice_amount);
    w.signed(r.installment_fee);
    w.raw(
        r.installment_count
            .map(|n| format!("{n:02}"))
            .unwrap_or_default(),
    );
    w.text(&r.medium);
    w.text(&r.field41);
    w.text(&r.reserved);
    w.finish()
}

/// Formats records as a whole ZM file: each line followed by CRLF, as UnionPay writes it.
pub fn format_zm_file(records: &[ZmRecord]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(records.len().saturating_mul(ZM_LINE_BYTES + 2));
    for r in records {
        out.extend(format_zm_record(r)?);
        out.extend_from_slice(b"\r\n");
    }
    Ok(out)
}

/// Encodes fields in order; the first error is kept and reported by `finish`.
#[derive(Default)]
struct Writer {
    values: Vec<Vec<u8>>,
    error: Option<Error>,
}

impl Writer {
    fn width_and_name(&self) -> (usize, &'static str) {
        let i = self.values.len();
        (
            WIDTHS.get(i).copied().unwrap_or(0),
            NAMES.get(i).copied().unwrap_or("?"),
        )
    }

    fn push(&mut self, value: Result<Vec<u8>>) {
        match value {
            Ok(v) => self.values.push(v),
            Err(e) => {
                self.error.get_or_insert(e);
                self.values.push(Vec::new());
            }
        }
    }

    fn text(&mut self, value: &str) {
        let (width, name) = self.width_and_name();
        self.push(encode_text(value, width, name));
    }

    /// Values produced by our own formatting (ASCII digits); only the width is checked.
    fn raw(&mut self, value: String) {
        let (width, name) = self.width_and_name();
        let v = if value.len() <= width {
            Ok(value.into_bytes())
        } else {
            Err(Error::new(
                ErrorCode::InvalidField,
                format!("{name}: {value} does not fit {width} bytes"),
            ))
        };
        self.push(v);
    }

    fn signed(&mut self, amount: SignedAmount) {
        let (width, _) = self.width_and_name();
        let digits = width.saturating_sub(1);
        let mut text = String::from(char::from(amount.direction.as_byte()));
        text.push_str(&format!("{:0digits$}", amount.fen));
        self.raw(text);
    }

    fn finish(self) -> Result<Vec<u8>> {
        match self.error {
            Some(e) => Err(e),
            None => join_fields(&self.values, &WIDTHS),
        }
    }
}
