//! 76/01 file transfer (spec §10): the merchant's reconciliation archive for a settleDate,
//! built from the sandbox's own transactions in the ZM layout (§10.4), zipped, zlib'd and
//! base64'd by the core's writer.

use crate::calendar::{clearing_date, resolve_settle_date, valid_mmdd};
use crate::codes::{self, Outcome, Reject};
use crate::gateway::{Ctx, Gateway};
use crate::state::{State, Txn};
use unionpay_acp::file::{
    encode_file_content, format_zm_file, Direction, MonthDayTime, NamedFile, SignedAmount, ZmRecord,
};
use unionpay_acp::Fields;

/// Merchant fee the sandbox charges on consumes and completions: 0.6 % (the rate of the
/// official sample file), refunded pro rata on refunds and undos.
const FEE_PER_MILLE: u64 = 6;

/// 76/01: answers 98 when the clearing day has no settled transaction.
pub fn download(gw: &Gateway, st: &mut State, cx: &Ctx, resp: &mut Fields) -> Outcome<()> {
    let mmdd = cx.req("settleDate")?;
    let file_type = cx.req("fileType")?;
    if !valid_mmdd(mmdd) {
        return Err(codes::format_error("settleDate must be MMDD"));
    }
    if file_type != "00" {
        return Err(codes::format_error(format!(
            "fileType {file_type} is not 00"
        )));
    }
    resp.set("settleDate", mmdd);
    resp.set("fileType", file_type);
    let today = clearing_date(cx.now, gw.rules.clearing_cutoff_minutes);
    let day = resolve_settle_date(mmdd, &today).ok_or_else(|| codes::format_error("settleDate"))?;
    let records: Vec<ZmRecord> = st
        .txns
        .iter()
        .filter(|t| {
            t.mer_id == cx.mer_id()
                && t.clearing_date == day
                && t.code == "00"
                && t.revealed(cx.now)
                && matches!(t.txn_type.as_str(), "01" | "03" | "04" | "31" | "33")
        })
        .map(|t| zm_record(gw, st, t))
        .collect();
    if records.is_empty() {
        return Err(Reject::new(
            "98",
            format!("文件不存在: no settled transaction on clearing day {day}"),
        ));
    }
    let zm =
        format_zm_file(&records).map_err(|e| Reject::new("99", format!("ZM: {}", e.message())))?;
    let stamp = day.get(2..8).unwrap_or_default();
    let member = NamedFile {
        name: format!("INN{stamp}01ZM_{}", cx.mer_id()),
        bytes: zm,
    };
    let content =
        encode_file_content(&[member]).map_err(|e| Reject::new("99", e.message().to_owned()))?;
    resp.set("fileName", format!("{}_{day}.zip", cx.mer_id()));
    resp.set("fileContent", content);
    Ok(())
}

fn zm_record(gw: &Gateway, st: &State, t: &Txn) -> ZmRecord {
    let card = t.card.as_deref().and_then(|p| gw.card(p));
    let orig = t
        .orig_query_id
        .as_deref()
        .and_then(|q| st.find_by_query_id(&t.mer_id, q))
        .and_then(|i| st.txns.get(i));
    let fee = (t.amount * FEE_PER_MILLE + 500) / 1000;
    let credit = matches!(t.txn_type.as_str(), "01" | "03");
    let (fee_dir, settle_dir) = if credit {
        (Direction::Debit, Direction::Credit)
    } else {
        (Direction::Credit, Direction::Debit)
    };
    let amount = |direction, fen| SignedAmount { direction, fen };
    let settle = amount(settle_dir, t.amount - fee);
    ZmRecord {
        txn_code: if t.txn_type == "01" || t.txn_type == "03" {
            "S56".to_owned()
        } else {
            format!("S{}", t.txn_type)
        },
        acquirer_code: "88022900".to_owned(),
        sender_code: "00049993".to_owned(),
        trace_no: t.trace_no.clone(),
        trace_time: MonthDayTime::parse(&t.trace_time).unwrap_or_default(),
        pan_masked: card.map(|c| super::mask_pan(&c.pan)).unwrap_or_default(),
        amount_fen: t.amount,
        mcc: "4899".to_owned(),
        terminal_type: "07".to_owned(),
        query_id: t.query_id.clone().unwrap_or_default(),
        pay_method_old: "01".to_owned(),
        order_id: t.order_id.chars().take(32).collect(),
        pay_card_type: card
            .map(|c| c.kind.pay_card_type().to_owned())
            .unwrap_or_default(),
        orig_trace_no: orig.map(|o| o.trace_no.clone()).unwrap_or_default(),
        orig_txn_time: orig.and_then(|o| MonthDayTime::parse(&o.trace_time)),
        merchant_fee: amount(fee_dir, fee),
        settle_amount: settle,
        pay_method: "0001".to_owned(),
        txn_type: t.txn_type.clone(),
        txn_sub_type: t.txn_sub_type.clone(),
        biz_type: t.biz_type.clone(),
        orig_query_id: t.orig_query_id.clone().unwrap_or_default(),
        mer_id: t.mer_id.clone(),
        sub_mer_id: "000000000000000".to_owned(),
        net_settle_amount: settle,
        req_reserved: t
            .req_reserved
            .as_deref()
            .filter(|r| r.is_ascii() && r.len() <= 32 && r.trim() == *r)
            .unwrap_or_default()
            .to_owned(),
        installment_count: (t.txn_sub_type == "03" && t.txn_type == "01").then_some(6),
        medium: "7".to_owned(),
        ..ZmRecord::default()
    }
}
