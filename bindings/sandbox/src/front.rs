//! Front (browser) transactions: front open 79/00 and open-and-pay 01/01 at
//! frontTransReq.do (spec §8.3, §8.17, §9). The sandbox serves a small cardholder page;
//! submitting it to `/_sandbox/front/confirm` completes the order, queues the signed back
//! notification and answers with the auto-submit page that posts the signed front
//! notification to frontUrl.

use crate::apis::{check_holder, issue_token, notification_fields, HolderCheck, Reply};
use crate::codes::{self, Outcome, Reject};
use crate::gateway::{lock, random_hex, Ctx, Gateway};
use crate::notify::Notice;
use crate::state::{FrontSession, State};
use unionpay_acp::card::pin_block;
use unionpay_acp::secret::{Pan, Pin};
use unionpay_acp::{Fields, Timestamp};

/// The path the cardholder page posts to.
pub const CONFIRM_PATH: &str = "/_sandbox/front/confirm";

/// frontTransReq.do: validates the order, books it as waiting for the cardholder (a
/// status query answers 34 until then) and serves the cardholder page.
pub fn start(gw: &Gateway, st: &mut State, cx: &Ctx) -> Outcome<Reply> {
    cx.req("frontUrl")?;
    cx.req("backUrl")?;
    if cx.get("bizType") == Some("000902") {
        cx.token_field("trId")?;
    }
    let pay = cx.txn().0 == "01";
    let amount = if pay {
        cx.check_currency(true)?;
        cx.req("accNo")?;
        cx.amount()?
    } else {
        0
    };
    if let Some(timeout) = cx.get("payTimeout") {
        let at = Timestamp::parse_txn_time(timeout)
            .map_err(|_| codes::format_error("payTimeout must be YYYYMMDDhhmmss"))?;
        if at < cx.now {
            return Err(codes::out_of_window("订单已超时: payTimeout has passed"));
        }
    }
    let mut txn = gw.new_txn(st, cx, "00", codes::SUCCESS_MSG);
    txn.front = true;
    txn.awaiting_cardholder = true;
    txn.amount = amount;
    st.txns.push(txn);
    let id = random_hex(32);
    st.fronts.insert(
        id.clone(),
        FrontSession {
            mer_id: cx.mer_id().to_owned(),
            order_id: cx.order_id().to_owned(),
            txn_time: cx.txn_time().to_owned(),
            request: cx.f.clone().into_map(),
            prefill_pan: cx.pan.clone(),
            done: false,
        },
    );
    Ok(Reply::Html(cashier_page(&id, cx, amount)))
}

/// What a confirm produced: the page and the notifications to queue after it is sent.
pub struct Confirmed {
    pub status: u16,
    pub html: String,
    pub notices: Vec<Notice>,
}

/// `/_sandbox/front/confirm`: the cardholder submitted (or cancelled) the page.
pub fn confirm(gw: &Gateway, body: &[u8]) -> Confirmed {
    let page = |status, text: &str| Confirmed {
        status,
        html: simple_page("UnionPay sandbox", text),
        notices: Vec::new(),
    };
    let Ok(form) = unionpay_acp::form::parse_notify_body(body) else {
        return page(400, "the form could not be read");
    };
    let now = gw.clock.now();
    let mut st = lock(&gw.state);
    let id = form.get("session").unwrap_or_default().to_owned();
    let Some(session) = st.fronts.get(&id).cloned() else {
        return page(404, "unknown or expired cashier session");
    };
    if session.done {
        return page(409, "this order was already submitted");
    }
    if let Some(s) = st.fronts.get_mut(&id) {
        s.done = true;
    }
    let request: Fields = session.request.clone().into();
    let fail_url = request
        .get("frontFailUrl")
        .or(request.get("frontUrl"))
        .unwrap_or("/");
    if form.get("action") == Some("cancel") {
        save(gw, &st);
        return Confirmed {
            status: 200,
            html: redirect_page(fail_url, "支付已取消 (cancelled)"),
            notices: Vec::new(),
        };
    }
    let timed_out = request
        .get("payTimeout")
        .and_then(|t| Timestamp::parse_txn_time(t).ok())
        .is_some_and(|t| t < now);
    if timed_out {
        save(gw, &st);
        return Confirmed {
            status: 200,
            html: redirect_page(fail_url, "订单已超时 (payTimeout has passed)"),
            notices: Vec::new(),
        };
    }
    let Some(idx) = st.find_txn(&session.mer_id, &session.order_id, &session.txn_time) else {
        return page(404, "the order is gone");
    };
    let result = complete(gw, &mut st, idx, &session, &form, now);
    if let Some(t) = st.txns.get_mut(idx) {
        t.awaiting_cardholder = false;
        t.reveal_at = now.unix_seconds();
        match &result {
            Ok(()) => t.notify = t.back_url.is_some(),
            Err(r) => {
                // Front transactions notify the back end only on success (spec §2.3).
                t.code = r.code.to_owned();
                t.msg = r.msg.clone();
            }
        }
    }
    let notices = gw.collect_due(&mut st, now);
    let txn = st.txns.get(idx).cloned();
    let ticket = gw.store.as_ref().map(crate::store::Store::changed);
    drop(st);
    if let (Some(store), Some(ticket)) = (&gw.store, ticket) {
        store.wait_written(ticket);
    }
    let Some(txn) = txn else {
        return page(500, "the order is gone");
    };
    let signed = gw.sign_fields(
        notification_fields(gw, &txn),
        &txn.sign_method,
        &txn.version,
    );
    let front_url = request.get("frontUrl").unwrap_or("/");
    Confirmed {
        status: 200,
        html: auto_submit_page(front_url, &signed),
        notices,
    }
}

fn save(gw: &Gateway, st: &State) {
    if let Some(store) = &gw.store {
        store.save(st);
    }
}

/// Checks what the cardholder entered and books the open / the payment.
fn complete(
    gw: &Gateway,
    st: &mut State,
    idx: usize,
    session: &FrontSession,
    form: &Fields,
    now: Timestamp,
) -> Outcome<()> {
    let issuer = |code: &'static str| Reject::new(code, codes::issuer_msg(code));
    let pan = form
        .get("accNo")
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .or_else(|| session.prefill_pan.clone())
        .ok_or_else(|| issuer("61"))?;
    let card = gw.card(&pan).cloned().ok_or_else(|| issuer("61"))?;
    let info = [
        "phoneNo",
        "cvn2",
        "expired",
        "certifTp",
        "certifId",
        "customerNm",
    ]
    .iter()
    .filter_map(|k| {
        form.get(k)
            .filter(|v| !v.is_empty())
            .map(|v| ((*k).to_owned(), v.to_owned()))
    })
    .collect();
    let block = match form.get("pin").filter(|p| !p.is_empty()) {
        Some(p) => {
            let pin = Pin::new(p).map_err(|_| issuer("65"))?;
            let pan = Pan::new(pan.as_str()).map_err(|_| issuer("61"))?;
            Some(pin_block(&pin, &pan).to_vec())
        }
        None => None,
    };
    let check = HolderCheck {
        need_phone: true,
        credit_extras: true,
    };
    check_holder(&card, &info, block.as_deref(), check)?;
    let sms = form
        .get("smsCode")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            codes::sms_failed("enter the SMS code (any code but 123456 / 654321 in the sandbox)")
        })?;
    if gw.rules.sms_fail_codes.iter().any(|c| c == sms)
        || gw.rules.sms_only_code.as_deref().is_some_and(|o| o != sms)
    {
        return Err(codes::sms_failed("wrong SMS code"));
    }
    let request: Fields = session.request.clone().into();
    let tr_id = request
        .get("tokenPayData")
        .and_then(|v| unionpay_acp::form::parse_nested(v).ok())
        .and_then(|p| p.into_iter().find(|(k, _)| k == "trId").map(|(_, v)| v));
    let Some(txn) = st.txns.get(idx).cloned() else {
        return Err(issuer("01"));
    };
    if txn.txn_type == "01" {
        let amount = i64::try_from(txn.amount).unwrap_or(i64::MAX);
        if st.balance(&card) < amount {
            if let Some(t) = st.txns.get_mut(idx) {
                t.card = Some(pan.clone());
            }
            return Err(issuer("64"));
        }
        st.add_balance(&card, -amount);
    }
    let token = tr_id.map(|tr| issue_token(gw, st, &tr, &pan, now));
    let query_id = (txn.txn_type == "01").then(|| gw.new_query_id(st, &txn.trace_no, now));
    if let Some(t) = st.txns.get_mut(idx) {
        t.card = Some(pan.clone());
        t.phone = Some(card.phone.clone());
        t.trace_time = crate::calendar::trace_time(now);
        t.clearing_date = crate::calendar::clearing_date(now, gw.rules.clearing_cutoff_minutes);
        t.query_id = query_id;
        if let Some(token) = token {
            t.token = Some(token.token.clone());
            t.token_pay_data = Some(token.pay_data());
        }
        t.code = "00".to_owned();
        t.msg = codes::SUCCESS_MSG.to_owned();
    }
    Ok(())
}

/// An error page for a rejected front request; the signed answer is embedded.
pub fn error_page(signed: &Fields) -> String {
    let code = signed.get("respCode").unwrap_or_default();
    let msg = signed.get("respMsg").unwrap_or_default();
    let mut body = format!(
        "<h1>交易失败</h1><p id=\"acp-result\" data-resp-code=\"{}\" data-resp-msg=\"{}\">respCode={} respMsg={}</p>\n<form id=\"acp_result\">\n",
        esc(code),
        esc(msg),
        esc(code),
        esc(msg)
    );
    for (k, v) in signed.iter() {
        body.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            esc(k),
            esc(v)
        ));
    }
    body.push_str("</form>");
    html("UnionPay sandbox - error", &body, "")
}

fn cashier_page(id: &str, cx: &Ctx, amount: u64) -> String {
    let what = if cx.txn().0 == "01" {
        format!(
            "开通并支付 (open and pay) ¥{}.{:02}",
            amount / 100,
            amount % 100
        )
    } else {
        "银联侧开通 (open card)".to_owned()
    };
    let prefill = cx.pan.as_deref().unwrap_or_default();
    let input = |name: &str, value: &str| {
        format!(
            "<label>{name} <input name=\"{name}\" value=\"{}\"></label><br>\n",
            esc(value)
        )
    };
    let mut body = format!(
        "<h1>UnionPay sandbox cashier</h1>\n<p>merId {} · orderId {} · txnTime {}</p>\n<p>{}</p>\n\
         <form id=\"confirm_form\" action=\"{CONFIRM_PATH}\" method=\"post\">\n\
         <input type=\"hidden\" name=\"session\" value=\"{}\">\n",
        esc(cx.mer_id()),
        esc(cx.order_id()),
        esc(cx.txn_time()),
        esc(&what),
        esc(id)
    );
    body.push_str(&input("accNo", prefill));
    for name in [
        "phoneNo",
        "smsCode",
        "cvn2",
        "expired",
        "certifTp",
        "certifId",
        "customerNm",
    ] {
        body.push_str(&input(name, cx.customer_field(name).unwrap_or_default()));
    }
    body.push_str("<label>pin <input name=\"pin\" type=\"password\"></label><br>\n");
    body.push_str(
        "<button name=\"action\" value=\"confirm\">确认 (confirm)</button>\n\
         <button name=\"action\" value=\"cancel\">取消 (cancel)</button>\n</form>",
    );
    html(
        "UnionPay sandbox cashier",
        &body,
        &format!("<meta name=\"acp-session\" content=\"{}\">", esc(id)),
    )
}

/// The spec §9 auto-submit form: posts `fields` to `url` on load (the core's page, as a
/// merchant would render it).
pub fn auto_submit_page(url: &str, fields: &Fields) -> String {
    unionpay_acp::client::auto_submit_page(url, fields)
}

fn redirect_page(url: &str, text: &str) -> String {
    html(
        "UnionPay sandbox",
        &format!(
            "<p>{}</p><p><a id=\"back\" href=\"{}\">返回商户</a></p>",
            esc(text),
            esc(url)
        ),
        &format!(
            "<meta http-equiv=\"refresh\" content=\"1;url={}\">",
            esc(url)
        ),
    )
}

fn simple_page(title: &str, text: &str) -> String {
    html(title, &format!("<p>{}</p>", esc(text)), "")
}

fn html(title: &str, body: &str, head: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">{head}<title>{}</title></head>\n<body>\n{body}\n</body></html>\n",
        esc(title)
    )
}

/// HTML attribute/text escaping of `& < > " '` (the core's, so the pages escape alike).
pub fn esc(text: &str) -> String {
    unionpay_acp::client::escape_html(text)
}
