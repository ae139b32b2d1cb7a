//! ZM files (一般交易明细): one fixed-width GBK record per transaction (spec §10.4).

use super::layout::{decode_text, line_len, lines, split_fields};
use super::values::{parse_digits, parse_signed, MonthDayTime, SignedAmount};
use crate::error::{Error, ErrorCode, Result};

/// Field widths in bytes, in file order (spec §10.4).
pub(super) const WIDTHS: [usize; 42] = [
    3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6, 2, 4, 32, 1, 21,
    15, 1, 15, 32, 13, 13, 8, 32, 13, 13, 12, 2, 1, 32, 98,
];

/// Field names for error messages, in file order (the [`ZmRecord`] field names).
pub(super) const NAMES: [&str; 42] = [
    "txn_code",
    "acquirer_code",
    "sender_code",
    "trace_no",
    "trace_time",
    "pan_masked",
    "amount_fen",
    "mcc",
    "terminal_type",
    "query_id",
    "pay_method_old",
    "order_id",
    "pay_card_type",
    "orig_trace_no",
    "orig_txn_time",
    "merchant_fee",
    "settle_amount",
    "pay_method",
    "group_mer_id",
    "txn_type",
    "txn_sub_type",
    "biz_type",
    "acc_type",
    "bill_type",
    "bill_no",
    "interaction_mode",
    "orig_query_id",
    "mer_id",
    "split_mode",
    "sub_mer_id",
    "sub_mer_abbr",
    "sub_mer_split_amount",
    "net_settle_amount",
    "term_id",
    "req_reserved",
    "discount_amount",
    "invoice_amount",
    "installment_fee",
    "installment_count",
    "medium",
    "field41",
    "reserved",
];

/// Bytes in one ZM line, without its CRLF: 42 fields (566 bytes) and 41 spaces.
pub const ZM_LINE_BYTES: usize = line_len(&WIDTHS);

/// One ZM line. Text fields are GBK-decoded and trimmed (empty when blank); amounts are
/// in fen. Field numbers and Chinese names are those of spec §10.4.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ZmRecord {
    /// 1 交易代码 (e.g. `S56` for consume; the full code table is not public).
    pub txn_code: String,
    /// 2 代理机构标识码 (acquirer).
    pub acquirer_code: String,
    /// 3 发送机构标识码 (sender).
    pub sender_code: String,
    /// 4 系统跟踪号 (traceNo).
    pub trace_no: String,
    /// 5 交易传输时间 (traceTime, `MMDDhhmmss`).
    pub trace_time: MonthDayTime,
    /// 6 帐号, as UnionPay masks it (e.g. `622609******0048`).
    pub pan_masked: String,
    /// 7 交易金额 in fen (unsigned; the transaction type says which way it goes).
    pub amount_fen: u64,
    /// 8 商户类别 (MCC).
    pub mcc: String,
    /// 9 终端类型.
    pub terminal_type: String,
    /// 10 查询流水号 (queryId).
    pub query_id: String,
    /// 11 支付方式 (old code).
    pub pay_method_old: String,
    /// 12 商户订单号 (orderId).
    pub order_id: String,
    /// 13 支付卡类型.
    pub pay_card_type: String,
    /// 14 原始交易系统跟踪号 (blank unless this line refers to an earlier transaction).
    pub orig_trace_no: String,
    /// 15 原始交易日期时间 (`MMDDhhmmss`), when present.
    pub orig_txn_time: Option<MonthDayTime>,
    /// 16 商户手续费 (normally a debit).
    pub merchant_fee: SignedAmount,
    /// 17 结算金额.
    pub settle_amount: SignedAmount,
    /// 18 支付方式.
    pub pay_method: String,
    /// 19 集团商户代码.
    pub group_mer_id: String,
    /// 20 交易类型 (txnType).
    pub txn_type: String,
    /// 21 交易子类 (txnSubType).
    pub txn_sub_type: String,
    /// 22 业务类型 (bizType).
    pub biz_type: String,
    /// 23 帐号类型.
    pub acc_type: String,
    /// 24 账单类型.
    pub bill_type: String,
    /// 25 账单号码.
    pub bill_no: String,
    /// 26 交互方式.
    pub interaction_mode: String,
    /// 27 原交易查询流水号 (origQryId).
    pub orig_query_id: String,
    /// 28 商户代码 (merId).
    pub mer_id: String,
    /// 29 分账入账方式.
    pub split_mode: String,
    /// 30 二级商户代码.
    pub sub_mer_id: String,
    /// 31 二级商户简称 (may be Chinese).
    pub sub_mer_abbr: String,
    /// 32 二级商户分账入账金额.
    pub sub_mer_split_amount: SignedAmount,
    /// 33 清算净额.
    pub net_settle_amount: SignedAmount,
    /// 34 终端号.
    pub term_id: String,
    /// 35 商户自定义域 (reqReserved).
    pub req_reserved: String,
    /// 36 优惠金额.
    pub discount_amount: SignedAmount,
    /// 37 发票金额.
    pub invoice_amount: SignedAmount,
    /// 38 分期付款附加手续费 (sign + 11 digits).
    pub installment_fee: SignedAmount,
    /// 39 分期付款期数, when present.
    pub installment_count: Option<u8>,
    /// 40 交易介质.
    pub medium: String,
    /// 41: unnamed in the sources (possibly 原始交易订单号); kept as text.
    pub field41: String,
    /// 42 保留使用.
    pub reserved: String,
}

/// Parses a ZM file: every non-empty line must be a 607-byte record.
///
/// Errors: `ReconRecordInvalid`, naming the 1-based line and the field.
pub fn parse_zm(bytes: &[u8]) -> Result<Vec<ZmRecord>> {
    lines(bytes).map(|(n, line)| parse_line(n, line)).collect()
}

fn parse_line(line_no: usize, line: &[u8]) -> Result<ZmRecord> {
    let fields = split_fields(line, &WIDTHS).ok_or_else(|| {
        Error::new(
            ErrorCode::ReconRecordInvalid,
            format!(
                "ZM line {line_no}: {} bytes, expected {ZM_LINE_BYTES} (42 fixed-width GBK fields separated by single spaces)",
                line.len()
            ),
        )
    })?;
    let mut c = Cursor {
        fields,
        next: 0,
        line_no,
        error: None,
    };
    let record = ZmRecord {
        txn_code: c.text(),
        acquirer_code: c.text(),
        sender_code: c.text(),
        trace_no: c.text(),
        trace_time: c.time(),
        pan_masked: c.text(),
        amount_fen: c.amount(),
        mcc: c.text(),
        terminal_type: c.text(),
        query_id: c.text(),
        pay_method_old: c.text(),
        order_id: c.text(),
        pay_card_type: c.text(),
        orig_trace_no: c.text(),
        orig_txn_time: c.opt_time(),
        merchant_fee: c.signed(),
        settle_amount: c.signed(),
        pay_method: c.text(),
        group_mer_id: c.text(),
        txn_type: c.text(),
        txn_sub_type: c.text(),
        biz_type: c.text(),
        acc_type: c.text(),
        bill_type: c.text(),
        bill_no: c.text(),
        interaction_mode: c.text(),
        orig_query_id: c.text(),
        mer_id: c.text(),
        split_mode: c.text(),
        sub_mer_id: c.text(),
        sub_mer_abbr: c.text(),
        sub_mer_split_amount: c.signed(),
        net_settle_amount: c.signed(),
        term_id: c.text(),
        req_reserved: c.text(),
        discount_amount: c.signed(),
        invoice_amount: c.signed(),
        installment_fee: c.signed(),
        installment_count: c.opt_count(),
        medium: c.text(),
        field41: c.text(),
        reserved: c.text(),
    };
    c.finish().map(|()| record)
}

/// Walks the fields of one line in order, so errors can name the field.
///
/// The readers never fail: they keep the first error and return a default, and
/// [`Cursor::finish`] reports it. One `?` per field would make the compiler emit, for
/// each field, code dropping every field read before it: that quadratic clean-up was
/// most of this module's size in the wasm build.
struct Cursor<'a> {
    fields: Vec<&'a [u8]>,
    next: usize,
    line_no: usize,
    error: Option<Error>,
}

impl<'a> Cursor<'a> {
    /// The next field and its index; `None` once an error has been recorded.
    fn take(&mut self) -> Option<(&'a [u8], usize)> {
        let i = self.next;
        self.next += 1;
        if self.error.is_some() {
            return None;
        }
        let raw = self.fields.get(i).copied();
        if raw.is_none() {
            self.error = Some(Error::new(
                ErrorCode::Bug,
                "ZM layout has fewer fields than the record",
            ));
        }
        raw.map(|r| (r, i))
    }

    /// Parses the next field with `parse`; on failure records `why` and returns
    /// `fallback` (never seen: the record is dropped once there is an error).
    fn field<T>(&mut self, why: &str, fallback: T, parse: impl FnOnce(&[u8]) -> Option<T>) -> T {
        let Some((raw, i)) = self.take() else {
            return fallback;
        };
        parse(raw).unwrap_or_else(|| {
            let name = NAMES.get(i).copied().unwrap_or("?");
            self.error = Some(Error::new(
                ErrorCode::ReconRecordInvalid,
                format!("ZM line {}, field {} ({name}): {why}", self.line_no, i + 1),
            ));
            fallback
        })
    }

    fn finish(self) -> Result<()> {
        self.error.map_or(Ok(()), Err)
    }

    fn text(&mut self) -> String {
        self.field("not valid GBK text", String::new(), decode_text)
    }

    fn amount(&mut self) -> u64 {
        self.field("expected only digits (fen)", 0, parse_digits)
    }

    fn signed(&mut self) -> SignedAmount {
        self.field(
            "expected D, C or a space, then digits (fen)",
            SignedAmount::ZERO,
            parse_signed,
        )
    }

    fn time(&mut self) -> MonthDayTime {
        self.field("expected a MMDDhhmmss time", PLACEHOLDER_TIME, parse_time)
    }

    fn opt_time(&mut self) -> Option<MonthDayTime> {
        self.field("expected a MMDDhhmmss time or blanks", None, |raw| {
            if is_blank(raw) {
                Some(None)
            } else {
                parse_time(raw).map(Some)
            }
        })
    }

    fn opt_count(&mut self) -> Option<u8> {
        self.field("expected a two-digit count or blanks", None, |raw| {
            if is_blank(raw) {
                Some(None)
            } else {
                parse_digits(raw)
                    .and_then(|n| u8::try_from(n).ok())
                    .map(Some)
            }
        })
    }
}

/// What [`Cursor::time`] returns for a field it could not read.
const PLACEHOLDER_TIME: MonthDayTime = MonthDayTime {
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
};

fn is_blank(raw: &[u8]) -> bool {
    raw.iter().all(|&b| b == b' ')
}

fn parse_time(raw: &[u8]) -> Option<MonthDayTime> {
    std::str::from_utf8(raw).ok().and_then(MonthDayTime::parse)
}
