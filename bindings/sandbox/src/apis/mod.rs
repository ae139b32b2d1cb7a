//! The product APIs (spec §8): header rules, endpoint rules, dispatch, and the message
//! bodies shared by responses, queries and notifications.

mod file;
mod holder;
mod money;
mod open;
mod query;
mod sms;

use crate::codes::{self, Outcome};
use crate::gateway::{Ctx, Endpoint, Gateway};
use crate::state::{State, Txn};
use unionpay_acp::{Fields, Timestamp};

/// What an API handler produced.
pub enum Reply {
    /// The response fields were filled in (respCode 00 unless set).
    Fields,
    /// An HTML page (front transactions).
    Html(String),
}

struct ApiSpec {
    txn: (&'static str, &'static str),
    biz: &'static [&'static str],
    /// Carries the orderId/txnTime of an earlier transaction (no new orderId).
    orig_id: bool,
}

const TOKEN: &[&str] = &["000902", "000301"];
const FOLLOW_UP: &[&str] = &["000902", "000301", "000201", "000000"];
const GENERIC: &[&str] = &["000000"];

const APIS: &[ApiSpec] = &[
    api(("77", "00"), TOKEN, false),
    api(("77", "01"), TOKEN, false),
    api(("77", "02"), TOKEN, false),
    api(("77", "03"), TOKEN, false),
    api(("77", "04"), TOKEN, false),
    api(("79", "00"), TOKEN, false),
    api(("79", "03"), &["000902"], false),
    api(("79", "05"), &["000902"], true),
    api(("74", "01"), &["000902"], false),
    api(("78", "02"), &["000902"], true),
    api(("78", "00"), TOKEN, false),
    api(("01", "01"), TOKEN, false),
    api(("01", "03"), TOKEN, false),
    api(("02", "01"), FOLLOW_UP, false),
    api(("03", "00"), FOLLOW_UP, false),
    api(("04", "00"), FOLLOW_UP, false),
    api(("31", "00"), FOLLOW_UP, false),
    api(("32", "00"), FOLLOW_UP, false),
    api(("33", "00"), FOLLOW_UP, false),
    api(("00", "00"), FOLLOW_UP, true),
    api(("99", "01"), &["000000", "000902", "000301"], true),
    api(("95", "00"), GENERIC, false),
    api(("76", "01"), GENERIC, true),
];

const fn api(
    txn: (&'static str, &'static str),
    biz: &'static [&'static str],
    orig_id: bool,
) -> ApiSpec {
    ApiSpec { txn, biz, orig_id }
}

/// Whether the request uses the orderId/txnTime of an earlier transaction.
pub fn uses_orig_id(txn_type: &str, sub: &str) -> bool {
    APIS.iter().any(|a| a.txn == (txn_type, sub) && a.orig_id)
}

/// The header rules every API shares (spec §3.1, §8 conventions), and the endpoint rule
/// (spec §1.2).
pub fn check_header(gw: &Gateway, f: &Fields, ep: Endpoint, now: Timestamp) -> Outcome<()> {
    let get = |k: &str| f.get(k).filter(|v| !v.is_empty());
    let txn_type = get("txnType").ok_or_else(|| codes::missing("txnType"))?;
    let sub = get("txnSubType").ok_or_else(|| codes::missing("txnSubType"))?;
    let spec = APIS
        .iter()
        .find(|a| a.txn == (txn_type, sub))
        .ok_or_else(|| {
            codes::format_error(format!(
                "txnType/txnSubType {txn_type}/{sub} is not supported"
            ))
        })?;
    check_endpoint(gw, ep, spec.txn)?;
    let is_file = txn_type == "76";
    let mut required = vec!["bizType", "accessType", "merId", "txnTime"];
    if !is_file {
        required.push("orderId");
    }
    if txn_type != "00" && !is_file {
        required.push("channelType");
    }
    for key in required {
        if get(key).is_none() {
            return Err(codes::missing(key));
        }
    }
    let biz = get("bizType").unwrap_or_default();
    if !spec.biz.contains(&biz) {
        return Err(codes::format_error(format!(
            "bizType {biz} is not valid for {txn_type}/{sub} (expected one of {})",
            spec.biz.join(", ")
        )));
    }
    if get("accessType") != Some("0") {
        return Err(codes::format_error(
            "accessType must be 0 (merchant direct access)",
        ));
    }
    let mer_id = get("merId").unwrap_or_default();
    if mer_id.len() != 15 || !mer_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(codes::format_error("merId must be 15 digits"));
    }
    if let Some(order) = get("orderId") {
        if !(8..=40).contains(&order.len()) || !order.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(codes::format_error(
                "orderId must be 8 to 40 letters or digits (no '-' or '_')",
            ));
        }
    }
    if let Some(ch) = get("channelType") {
        if !["05", "07", "08", "16"].contains(&ch) {
            return Err(codes::format_error(format!(
                "channelType {ch} is not 05, 07, 08 or 16"
            )));
        }
    }
    let txn_time = get("txnTime").unwrap_or_default();
    let at = Timestamp::parse_txn_time(txn_time)
        .map_err(|_| codes::format_error("txnTime无效: not YYYYMMDDhhmmss"))?;
    if (!spec.orig_id || is_file) && !continues_sms(gw, f) {
        let age = now.unix_seconds() - at.unix_seconds();
        if age > gw.rules.txn_time_past_secs || -age > gw.rules.txn_time_future_secs {
            return Err(codes::format_error(txn_time_refusal(txn_time, age, now)));
        }
    }
    for key in ["backUrl", "frontUrl", "frontFailUrl"] {
        if let Some(url) = get(key) {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(codes::format_error(format!("{key} must be an http(s) URL")));
            }
        }
    }
    Ok(())
}

/// Whether the request is the transaction after a 77 SMS: it reuses that SMS's orderId
/// and txnTime (spec §8.8), whose freshness was checked when the SMS was sent; how long
/// the code stays usable is the SMS rule's business (`Rules::sms_ttl_secs`).
fn continues_sms(gw: &Gateway, f: &Fields) -> bool {
    if f.get("txnType") == Some("77") {
        return false;
    }
    let field = |k: &str| f.get(k).unwrap_or_default();
    crate::gateway::lock(&gw.state).sms.iter().any(|s| {
        s.mer_id == field("merId")
            && s.order_id == field("orderId")
            && s.txn_time == field("txnTime")
    })
}

/// Why a new transaction's txnTime is refused, naming the likely cause: a whole number of
/// hours off is a host clock in another time zone (most often UTC, 8 hours behind).
fn txn_time_refusal(txn_time: &str, age: i64, now: Timestamp) -> String {
    let (direction, off) = if age > 0 {
        ("behind", age)
    } else {
        ("ahead of", -age)
    };
    let hours = (off + 1800) / 3600;
    let near_whole_hours = hours >= 1 && (off - hours * 3600).abs() <= 15 * 60;
    let offset = if near_whole_hours {
        format!("{hours} h")
    } else {
        format!("{} min", off / 60)
    };
    let cause = if near_whole_hours && age > 0 && hours == 8 {
        "likely the host's local time in UTC: txnTime must be Beijing time (UTC+8)".to_owned()
    } else if near_whole_hours {
        "likely the host's local time in another time zone: txnTime must be Beijing time \
         (UTC+8)"
            .to_owned()
    } else {
        "a new transaction's txnTime must be the current Beijing time (UTC+8); a re-sent \
         request needs a new orderId and txnTime"
            .to_owned()
    };
    format!(
        "txnTime无效: {txn_time} is {offset} {direction} Beijing time (sandbox now {}): {cause}",
        now.to_txn_time()
    )
}

fn check_endpoint(gw: &Gateway, ep: Endpoint, txn: (&str, &str)) -> Outcome<()> {
    let front_ok = matches!(txn, ("79", "00") | ("01", "01") | ("01", "03"));
    let ok = match ep {
        Endpoint::Front => front_ok,
        _ if gw.lenient => true,
        Endpoint::Back => !matches!(txn.0, "00" | "76"),
        Endpoint::Query => txn == ("00", "00"),
        Endpoint::App => txn == ("95", "00"),
        Endpoint::File => txn.0 == "76",
    };
    if ok {
        return Ok(());
    }
    let right = match txn.0 {
        "00" => Endpoint::Query.path(),
        "76" => "the file host root /",
        _ => Endpoint::Back.path(),
    };
    Err(codes::wrong_endpoint(
        &format!("{}/{}", txn.0, txn.1),
        ep.path(),
        right,
    ))
}

/// Runs the API's state machine.
pub fn dispatch(gw: &Gateway, st: &mut State, cx: &Ctx, resp: &mut Fields) -> Outcome<Reply> {
    let (t, s) = cx.txn();
    let front = cx.ep == Endpoint::Front;
    if !uses_orig_id(t, s) && st.order_used(cx.mer_id(), cx.order_id(), cx.txn_time()) {
        return Err(codes::duplicate(cx.order_id()));
    }
    match (t, s) {
        ("77", _) => sms::send(gw, st, cx),
        ("79", "00") if front => return crate::front::start(gw, st, cx),
        ("79", "00") => open::back_open(gw, st, cx, resp),
        ("79", "03") => open::update(gw, st, cx, resp),
        ("79", "05") => open::apply_token(gw, st, cx, resp),
        ("74", "01") => open::delete(gw, st, cx),
        ("78", _) => open::query_open(gw, st, cx, resp),
        ("01", _) if front => return crate::front::start(gw, st, cx),
        ("01", _) | ("02", "01") => money::pay(gw, st, cx, resp),
        ("03", "00") | ("04", "00") | ("31", "00") | ("32", "00") | ("33", "00") => {
            money::follow_up(gw, st, cx, resp)
        }
        ("99", "01") => money::reversal(gw, st, cx),
        ("00", "00") => query::query(gw, st, cx, resp),
        ("76", "01") => file::download(gw, st, cx, resp),
        ("95", "00") => query::key_update(gw, st, cx, resp),
        _ => Err(codes::format_error("unsupported transaction")),
    }?;
    Ok(Reply::Fields)
}

pub use holder::{check_holder, HolderCheck};
pub use open::issue_token;

/// Books a business rejection as a transaction (so the orderId is used and a query
/// shows it), except for format and missing-field errors.
pub fn record_failure(gw: &Gateway, st: &mut State, cx: &Ctx, r: codes::Reject) -> codes::Reject {
    if !matches!(r.code, "10" | "13") {
        let mut t = gw.new_txn(st, cx, r.code, &r.msg);
        if cx.txn().0 != "79" {
            t.amount = cx.amount().unwrap_or(0);
        }
        st.txns.push(t);
    }
    r
}

/// Money fields of a transaction (responses, query answers, notifications).
fn money_fields(gw: &Gateway, t: &Txn, out: &mut Fields, final_result: bool) {
    if let Some(q) = &t.query_id {
        out.set("queryId", q.as_str());
    }
    out.set("traceNo", t.trace_no.as_str());
    out.set("traceTime", t.trace_time.as_str());
    if t.amount > 0 {
        out.set("txnAmt", t.amount.to_string());
        out.set("currencyCode", "156");
    }
    if let Some(o) = &t.orig_query_id {
        out.set("origQryId", o.as_str());
    }
    if final_result && t.code == "00" && t.amount > 0 {
        out.set("settleDate", crate::calendar::settle_date(&t.clearing_date));
        out.set("settleAmt", t.amount.to_string());
        out.set("settleCurrencyCode", "156");
    }
    if let Some(card) = t.card.as_deref().and_then(|p| gw.card(p)) {
        out.set(
            "accNo",
            gw.encrypt_for_merchant(&t.cert_id, &mask_pan(&card.pan)),
        );
        out.set("payCardType", card.kind.pay_card_type());
    }
    if t.is_money() {
        out.set("issuerIdentifyMode", "0");
    }
}

/// The R header of a stored transaction.
fn txn_header(t: &Txn) -> Fields {
    let mut f = Fields::new();
    f.set("encoding", t.encoding.as_str());
    f.set("bizType", t.biz_type.as_str());
    f.set("txnType", t.txn_type.as_str());
    f.set("txnSubType", t.txn_sub_type.as_str());
    f.set("accessType", "0");
    f.set("merId", t.mer_id.as_str());
    f.set("orderId", t.order_id.as_str());
    f.set("txnTime", t.txn_time.as_str());
    if let Some(r) = &t.req_reserved {
        f.set("reqReserved", r.as_str());
    }
    f
}

/// The (unsigned) back notification of a transaction.
pub fn notification_fields(gw: &Gateway, t: &Txn) -> Fields {
    let mut f = txn_header(t);
    f.set("respCode", t.code.as_str());
    f.set("respMsg", t.msg.as_str());
    if t.txn_type == "79" {
        open::open_result_fields(gw, t, &mut f);
    } else {
        money_fields(gw, t, &mut f, true);
    }
    f
}

/// `621626*********0018`-style masking (first 6, last 4).
pub fn mask_pan(pan: &str) -> String {
    let n = pan.len();
    if n < 11 {
        return pan.to_owned();
    }
    format!(
        "{}{}{}",
        pan.get(..6).unwrap_or_default(),
        "*".repeat(n - 10),
        pan.get(n - 4..).unwrap_or_default()
    )
}
