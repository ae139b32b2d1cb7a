//! End-to-end over HTTP on 127.0.0.1: every API of the token product against the sandbox.

mod support;

use acp_sandbox::Endpoint;
use support::raw::*;
use unionpay_acp::card::{decrypt_text, parse_customer_info, CustomerInfo};
use unionpay_acp::file::{decode_file_content, parse_archive, ArchiveLimits};

#[test]
fn token_payment_flow_with_notification_query_refund_and_file() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let token = env.back_open(DEBIT, false);
    assert_eq!(token.len(), 19);

    let (r, pay) = env.consume(&token, 1000, &recv.notify_url());
    assert_eq!(code(&r), "00", "{:?}", r.get("respMsg"));
    let qid = r.get("queryId").unwrap().to_owned();
    assert_eq!(qid.len(), 21);
    assert!(qid.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(r.get("txnAmt"), Some("1000"));
    assert_eq!(r.get("orderId"), pay.get("orderId"));

    // The notification arrives, verifies, and carries the settlement fields.
    let bodies = recv.wait(1);
    assert_eq!(bodies.len(), 1);
    let n = env.verify_notify(&bodies[0]);
    assert_eq!(code(&n), "00");
    assert_eq!(n.get("queryId"), Some(qid.as_str()));
    assert_eq!(n.get("txnType"), Some("01"));
    let settle = n.get("settleDate").unwrap().to_owned();
    let today = acp_sandbox::calendar::clearing_date(env.sb.now(), 23 * 60);
    assert_eq!(settle, today[4..8]);
    assert_eq!(n.get("traceNo").unwrap().len(), 6);
    assert_eq!(n.get("traceTime").unwrap().len(), 10);
    assert_eq!(n.get("settleAmt"), Some("1000"));
    let acc = decrypt_text(&env.key, n.get("accNo").unwrap()).unwrap();
    assert_eq!(&*acc, "621626*********0018");

    // Status query: the original txnType, origRespCode 00.
    let q = env.query(pay.get("orderId").unwrap(), pay.get("txnTime").unwrap());
    assert_eq!(code(&q), "00");
    assert_eq!(q.get("origRespCode"), Some("00"));
    assert_eq!(
        (q.get("txnType"), q.get("txnSubType")),
        (Some("01"), Some("01"))
    );
    assert_eq!(q.get("queryId"), Some(qid.as_str()));
    assert_eq!(q.get("settleDate"), Some(settle.as_str()));

    // Partial and repeated refunds, never above the original; 45 once fully refunded.
    let r1 = env.follow_up("04", &qid, 300, &recv.notify_url());
    assert_eq!(code(&r1), "00");
    assert_eq!(r1.get("origQryId"), Some(qid.as_str()));
    let over = env.follow_up("04", &qid, 800, &recv.notify_url());
    assert_eq!(code(&over), "36", "{:?}", over.get("respMsg"));
    let r2 = env.follow_up("04", &qid, 700, &recv.notify_url());
    assert_eq!(code(&r2), "00");
    let done = env.follow_up("04", &qid, 1, &recv.notify_url());
    assert_eq!(code(&done), "45");
    let q = env.query(r1.get("orderId").unwrap(), r1.get("txnTime").unwrap());
    assert_eq!(
        (q.get("txnType"), q.get("origRespCode")),
        (Some("04"), Some("00"))
    );
    assert_eq!(q.get("origQryId"), Some(qid.as_str()));
    assert_eq!(recv.wait(3).len(), 3);

    // The reconciliation file of the day lists the consume and both refunds.
    let f = env.file(&settle);
    assert_eq!(code(&f), "00", "{:?}", f.get("respMsg"));
    assert!(f.get("fileName").unwrap().ends_with(".zip"));
    let files =
        decode_file_content(f.get("fileContent").unwrap(), &ArchiveLimits::default()).unwrap();
    let recon = parse_archive(&files).unwrap();
    let mine: Vec<_> = recon
        .zm
        .iter()
        .filter(|z| z.query_id == qid || z.orig_query_id == qid)
        .collect();
    assert_eq!(mine.len(), 3);
    assert!(mine
        .iter()
        .any(|z| z.txn_type == "01" && z.amount_fen == 1000 && z.txn_code == "S56"));
    assert_eq!(
        mine.iter()
            .filter(|z| z.txn_type == "04")
            .map(|z| z.amount_fen)
            .sum::<u64>(),
        1000
    );
    // No transactions on another day: 98.
    let other = if settle == "0101" { "0102" } else { "0101" };
    assert_eq!(code(&env.file(other)), "98");
}

#[test]
fn front_open_then_open_query_and_notifications() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let mut f = env.header("79", "00", "000902");
    f.set("tokenPayData", format!("{{trId={TR_ID}&tokenType=01}}"))
        .set("backUrl", recv.notify_url())
        .set("accNo", env.enc_pan("6226090000000048"))
        .set("encryptCertId", env.enc.cert_id());
    let page = env.front(f.clone());
    assert!(page.contains("UnionPay sandbox cashier"), "{page}");
    // Before the cardholder submits: query 34, open query 34.
    let q = env.query(f.get("orderId").unwrap(), f.get("txnTime").unwrap());
    assert_eq!((code(&q), q.get("txnType")), ("34", Some("00")));
    let session = session_of(&page);
    let done = env.confirm(
        &session,
        &[
            ("phoneNo", "18100000000"),
            ("smsCode", SMS_CODE),
            ("customerNm", "张三"),
        ],
    );
    assert_eq!(done.status, 200);
    let html = done.text();
    assert_eq!(
        form_action(&html).as_deref(),
        Some("http://127.0.0.1:9/front")
    );
    let front = hidden_inputs(&html);
    env.verifier
        .verify_fields(&front, env.sb.now())
        .expect("front notification verifies");
    assert_eq!(code(&front), "00");
    let token = token_of(&front);
    assert_eq!(
        nested(&front, "tokenPayData", "trId").as_deref(),
        Some(TR_ID)
    );
    let begin = nested(&front, "tokenPayData", "tokenBegin").unwrap();
    let end = nested(&front, "tokenPayData", "tokenEnd").unwrap();
    assert_eq!(
        begin[..4].parse::<u32>().unwrap() + 5,
        end[..4].parse::<u32>().unwrap()
    );
    assert_eq!(front.get("activateStatus"), Some("1"));
    assert_eq!(
        &*decrypt_text(&env.key, front.get("accNo").unwrap()).unwrap(),
        "0048"
    );
    let info = parse_customer_info(front.get("customerInfo").unwrap(), Some(&env.key)).unwrap();
    assert!(info.contains(&("phoneNo".to_owned(), "18100000000".to_owned())));
    // The back notification carries the token too.
    let bodies = recv.wait(1);
    let n = env.verify_notify(&bodies[0]);
    assert_eq!((n.get("txnType"), code(&n)), (Some("79"), "00"));
    assert_eq!(token_of(&n), token);
    // Submitting twice is refused.
    assert_eq!(env.confirm(&session, &[("smsCode", SMS_CODE)]).status, 409);
    // Open query 78/02 with the open's orderId/txnTime.
    let mut oq = env.header("78", "02", "000902");
    oq.set("orderId", f.get("orderId").unwrap())
        .set("txnTime", f.get("txnTime").unwrap());
    let r = env.back(oq);
    assert_eq!(code(&r), "00");
    assert_eq!(token_of(&r), token);
    let q = env.query(f.get("orderId").unwrap(), f.get("txnTime").unwrap());
    assert_eq!(
        (q.get("txnType"), q.get("origRespCode")),
        (Some("79"), Some("00"))
    );
    // Open query of an unknown order: 34.
    let mut oq = env.header("78", "02", "000902");
    oq.set("txnTime", env.now());
    assert_eq!(code(&env.back(oq)), "34");
}

#[test]
fn front_page_failures_cancel_and_no_back_notification() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let mut f = env.header("79", "00", "000902");
    f.set("tokenPayData", format!("{{trId={TR_ID}&tokenType=01}}"))
        .set("backUrl", recv.notify_url());
    let page = env.front(f.clone());
    let html = env
        .confirm(
            &session_of(&page),
            &[
                ("accNo", DEBIT),
                ("phoneNo", DEBIT_PHONE),
                ("smsCode", "123456"),
            ],
        )
        .text();
    let front = hidden_inputs(&html);
    env.verifier.verify_fields(&front, env.sb.now()).unwrap();
    assert_eq!(code(&front), "71");
    let q = env.query(f.get("orderId").unwrap(), f.get("txnTime").unwrap());
    assert_eq!(q.get("origRespCode"), Some("71"));
    // A cancelled page leaves the order unknown (34).
    let mut g = env.header("79", "00", "000902");
    g.set("tokenPayData", format!("{{trId={TR_ID}&tokenType=01}}"))
        .set("backUrl", recv.notify_url());
    let page = env.front(g.clone());
    let mut body = unionpay_acp::Fields::new();
    body.set("session", session_of(&page))
        .set("action", "cancel");
    let r = acp_sandbox::http::post(
        &format!("{}{}", env.sb.base_url(), acp_sandbox::CONFIRM_PATH),
        "application/x-www-form-urlencoded",
        unionpay_acp::form::encode_form(&body).as_bytes(),
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    assert!(r.text().contains("cancelled"));
    assert_eq!(
        code(&env.query(g.get("orderId").unwrap(), g.get("txnTime").unwrap())),
        "34"
    );
    // A bad front request gets an error page carrying the signed answer.
    let mut bad = env.header("79", "00", "000902");
    bad.set("backUrl", recv.notify_url());
    let page = env.front(bad);
    let signed = hidden_inputs(&page);
    env.verifier.verify_fields(&signed, env.sb.now()).unwrap();
    assert_eq!(code(&signed), "13");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        recv.received().is_empty(),
        "front failures send no back notification"
    );
}

#[test]
fn open_and_pay_then_apply_token_by_order() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let mut f = env.header("01", "01", "000902");
    f.set("txnAmt", "2500")
        .set("currencyCode", "156")
        .set("accNo", env.enc_pan(CREDIT))
        .set("encryptCertId", env.enc.cert_id())
        .set("tokenPayData", format!("{{trId={TR_ID}&tokenType=01}}"))
        .set("backUrl", recv.notify_url());
    let page = env.front(f.clone());
    assert!(page.contains("open and pay"));
    let html = env
        .confirm(
            &session_of(&page),
            &[
                ("phoneNo", DEBIT_PHONE),
                ("cvn2", "123"),
                ("expired", "2311"),
                ("smsCode", SMS_CODE),
            ],
        )
        .text();
    let front = hidden_inputs(&html);
    assert_eq!(code(&front), "00");
    let n = env.verify_notify(&recv.wait(1)[0]);
    assert_eq!(
        (n.get("txnType"), n.get("txnAmt")),
        (Some("01"), Some("2500"))
    );
    assert_eq!(n.get("queryId").unwrap().len(), 21);
    // 79/05 with the open-and-pay orderId/txnTime gives the token.
    let mut apply = env.header("79", "05", "000902");
    apply
        .set("orderId", f.get("orderId").unwrap())
        .set("txnTime", f.get("txnTime").unwrap())
        .set("tokenPayData", format!("{{trId={TR_ID}&tokenType=01}}"));
    let r = env.back(apply.clone());
    assert_eq!(code(&r), "00", "{:?}", r.get("respMsg"));
    let token = token_of(&r);
    let (pay, _) = env.consume(&token, 100, &recv.notify_url());
    assert_eq!(code(&pay), "00");
    // 79/05 for an order that is not an open-and-pay: 35.
    apply.set("orderId", order_id());
    assert_eq!(code(&env.back(apply)), "35");
}

#[test]
fn token_lifecycle_reopen_delete_update() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let a = env.back_open(CREDIT, true);
    assert_eq!(
        env.back_open(CREDIT, true),
        a,
        "one card maps to one token per trId"
    );
    // Delete: the token stops working; opening again gives another token.
    let mut del = env.header("74", "01", "000902");
    del.set("tokenPayData", format!("{{token={a}&trId={TR_ID}}}"));
    assert_eq!(code(&env.back(del.clone())), "00");
    del.set("orderId", order_id());
    let again = env.back(del);
    assert_eq!(code(&again), "40");
    assert!(again.get("respMsg").unwrap().contains("3900002"));
    let mut sms = env.header("77", "02", "000902");
    sms.set("txnAmt", "100")
        .set("currencyCode", "156")
        .set("tokenPayData", format!("{{token={a}&trId={TR_ID}}}"));
    assert_eq!(code(&env.back(sms)), "40");
    let b = env.back_open(CREDIT, true);
    assert_ne!(a, b);
    // Update 79/03 (after an open SMS): a new token replaces b.
    let mut sms = env.header("77", "00", "000902");
    sms.set("accNo", env.enc_pan(CREDIT))
        .set("customerInfo", env.customer(phone_only(CREDIT), None));
    assert_eq!(code(&env.back(sms.clone())), "00");
    let mut upd = sms;
    upd.remove("accNo");
    upd.set("txnType", "79").set("txnSubType", "03").set(
        "tokenPayData",
        format!("{{token={b}&trId={TR_ID}&tokenType=01}}"),
    );
    let info = CustomerInfo {
        phone_no: Some(unionpay_acp::secret::PhoneNumber::new(DEBIT_PHONE).unwrap()),
        cvn2: Some(unionpay_acp::secret::Cvn2::new("123").unwrap()),
        expired: Some(unionpay_acp::secret::CardExpiry::new("2311").unwrap()),
        sms_code: Some(SMS_CODE.into()),
        ..Default::default()
    };
    upd.set("customerInfo", env.customer(info, None));
    let r = env.back(upd);
    assert_eq!(code(&r), "00", "{:?}", r.get("respMsg"));
    let c = token_of(&r);
    assert_ne!(c, b);
    let (old, _) = {
        let mut sms = env.header("77", "02", "000902");
        sms.set("txnAmt", "100")
            .set("currencyCode", "156")
            .set("tokenPayData", format!("{{token={b}&trId={TR_ID}}}"));
        (env.back(sms), ())
    };
    assert_eq!(code(&old), "40");
    assert_eq!(code(&env.consume(&c, 100, &recv.notify_url()).0), "00");
}

#[test]
fn preauth_completion_and_undos() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let token = env.back_open(DEBIT, false);
    let mut sms = env.header("77", "04", "000902");
    sms.set("txnAmt", "10000")
        .set("currencyCode", "156")
        .set("tokenPayData", format!("{{token={token}&trId={TR_ID}}}"));
    assert_eq!(code(&env.back(sms.clone())), "00");
    let mut auth = sms;
    auth.set("txnType", "02")
        .set("txnSubType", "01")
        .set("backUrl", recv.notify_url())
        .set("customerInfo", sms_only(SMS_CODE));
    let r = env.back(auth);
    assert_eq!(code(&r), "00", "{:?}", r.get("respMsg"));
    let pre = r.get("queryId").unwrap().to_owned();
    // Completion above 115 %: 36; at 115 %: accepted.
    let over = env.follow_up("03", &pre, 11501, &recv.notify_url());
    assert_eq!(code(&over), "36");
    assert!(over.get("respMsg").unwrap().contains("2050008"));
    // Pre-auth undo must be the full amount.
    assert_eq!(
        code(&env.follow_up("32", &pre, 5000, &recv.notify_url())),
        "36"
    );
    let done = env.follow_up("03", &pre, 11500, &recv.notify_url());
    assert_eq!(code(&done), "00");
    let comp = done.get("queryId").unwrap().to_owned();
    // Completed: no second completion, no pre-auth undo.
    assert_eq!(
        code(&env.follow_up("03", &pre, 100, &recv.notify_url())),
        "35"
    );
    assert_eq!(
        code(&env.follow_up("32", &pre, 10000, &recv.notify_url())),
        "35"
    );
    // Completion undo: full amount, same clearing day; then the pre-auth holds again.
    assert_eq!(
        code(&env.follow_up("33", &comp, 100, &recv.notify_url())),
        "36"
    );
    assert_eq!(
        code(&env.follow_up("33", &comp, 11500, &recv.notify_url())),
        "00"
    );
    assert_eq!(
        code(&env.follow_up("33", &comp, 11500, &recv.notify_url())),
        "45"
    );
    assert_eq!(
        code(&env.follow_up("32", &pre, 10000, &recv.notify_url())),
        "00"
    );
    assert_eq!(
        code(&env.follow_up("32", &pre, 10000, &recv.notify_url())),
        "45"
    );
    let list = env.wait_settled(4);
    assert_eq!(list.len(), 4);
    assert!(list.iter().all(|n| n.delivered));
    // A consume is not a pre-auth.
    let (pay, _) = env.consume(&token, 100, &recv.notify_url());
    assert_eq!(
        code(&env.follow_up("03", pay.get("queryId").unwrap(), 100, &recv.notify_url())),
        "35"
    );
}

#[test]
fn consume_undo_rules() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let token = env.back_open(DEBIT, false);
    let (pay, _) = env.consume(&token, 5000, &recv.notify_url());
    let qid = pay.get("queryId").unwrap().to_owned();
    assert_eq!(
        code(&env.follow_up("31", &qid, 4000, &recv.notify_url())),
        "36"
    );
    assert_eq!(
        code(&env.follow_up("31", &qid, 5000, &recv.notify_url())),
        "00"
    );
    assert_eq!(
        code(&env.follow_up("31", &qid, 5000, &recv.notify_url())),
        "45"
    );
    assert_eq!(
        code(&env.follow_up("04", &qid, 100, &recv.notify_url())),
        "45"
    );
    // Partially refunded: no undo.
    let (pay, _) = env.consume(&token, 5000, &recv.notify_url());
    let qid = pay.get("queryId").unwrap().to_owned();
    assert_eq!(
        code(&env.follow_up("04", &qid, 100, &recv.notify_url())),
        "00"
    );
    assert_eq!(
        code(&env.follow_up("31", &qid, 5000, &recv.notify_url())),
        "35"
    );
    // Unknown origQryId: 35 [2040004]; the undo's own notification arrives.
    let r = env.follow_up("31", "759999999999999999999", 5000, &recv.notify_url());
    assert_eq!(code(&r), "35");
    assert!(r.get("respMsg").unwrap().contains("2040004"));
    let list = env.wait_settled(4);
    let undo = list
        .iter()
        .find(|n| n.get("txnType") == Some("31"))
        .expect("undo notification");
    assert_eq!(undo.get("origQryId").map(str::len), Some(21));
}

#[test]
fn clearing_day_cutoff_23_beijing_for_undo_reversal_and_settle_date() {
    let env = Env::start();
    let recv = Inbox::start(0);
    env.sb.set_now(bj("20270310225000"));
    let token = env.back_open(DEBIT, false);
    let (pay, req) = env.consume(&token, 800, &recv.notify_url());
    let qid = pay.get("queryId").unwrap().to_owned();
    let n = env.verify_notify(&recv.wait(1)[0]);
    assert_eq!(n.get("settleDate"), Some("0310"));
    // 23:05: a new clearing day — no undo, no reversal; refund still fine.
    env.sb.advance(15 * 60);
    let undo = env.follow_up("31", &qid, 800, &recv.notify_url());
    assert_eq!(code(&undo), "39");
    assert!(undo.get("respMsg").unwrap().contains("2040006"));
    let mut rev = env.header("99", "01", "000000");
    rev.set("orderId", req.get("orderId").unwrap())
        .set("txnTime", req.get("txnTime").unwrap());
    assert_eq!(code(&env.back(rev)), "39");
    assert_eq!(
        code(&env.follow_up("04", &qid, 800, &recv.notify_url())),
        "00"
    );
    // A consume at 23:05 settles on the next day.
    let (late, _) = env.consume(&token, 100, &recv.notify_url());
    assert_eq!(code(&late), "00");
    let list = env.wait_settled(3);
    let n = list
        .iter()
        .find(|n| n.get("queryId") == late.get("queryId"))
        .unwrap();
    assert_eq!(n.get("settleDate"), Some("0311"));
    assert_eq!(code(&env.file("0311")), "00");
    assert_eq!(code(&env.file("0312")), "98");
    // Refunds are refused after about 11 months.
    env.sb.advance(400 * 86_400);
    let token = env.back_open(DEBIT, false);
    let _ = token;
    assert_eq!(
        code(&env.follow_up("04", late.get("queryId").unwrap(), 50, &recv.notify_url())),
        "39"
    );
}

#[test]
fn reversal_same_day_only_and_final() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let token = env.back_open(DEBIT, false);
    let (pay, req) = env.consume(&token, 700, &recv.notify_url());
    assert_eq!(code(&pay), "00");
    let mut rev = env.header("99", "01", "000000");
    rev.set("orderId", req.get("orderId").unwrap())
        .set("txnTime", req.get("txnTime").unwrap());
    let r = env.back(rev.clone());
    assert_eq!(code(&r), "00", "{:?}", r.get("respMsg"));
    let q = env.query(req.get("orderId").unwrap(), req.get("txnTime").unwrap());
    assert_eq!(q.get("origRespCode"), Some("01"));
    assert_eq!(code(&env.back(rev.clone())), "45");
    assert_eq!(
        code(&env.follow_up("04", pay.get("queryId").unwrap(), 100, &recv.notify_url())),
        "45"
    );
    rev.set("orderId", order_id());
    assert_eq!(code(&env.back(rev)), "35");
}

#[test]
fn status_query_unknown_is_34_and_duplicate_order_is_12() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let q = env.query(&order_id(), &env.now());
    assert_eq!(
        (code(&q), q.get("txnType"), q.get("txnSubType")),
        ("34", Some("00"), Some("00"))
    );
    assert!(q.get("respMsg").unwrap().contains("2600000"));
    let token = env.back_open(DEBIT, false);
    let (_, req) = env.consume(&token, 100, &recv.notify_url());
    // Re-using the consume's orderId the same day: 12, for any new transaction.
    let mut sms = env.header("77", "02", "000902");
    sms.set("orderId", req.get("orderId").unwrap())
        .set("txnAmt", "100")
        .set("currencyCode", "156")
        .set("tokenPayData", format!("{{token={token}&trId={TR_ID}}}"));
    assert_eq!(code(&env.back(sms)), "12");
    let mut pay = req.clone();
    pay.remove("signature");
    assert_eq!(code(&env.back(pay)), "12");
}

#[test]
fn sms_rules_pairing_fail_codes_amount_and_expiry() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let token = env.back_open(DEBIT, false);
    let tpd = format!("{{token={token}&trId={TR_ID}}}");
    let consume = |sms_order: Option<&unionpay_acp::Fields>, amount: &str, code_: &str| {
        let mut pay = match sms_order {
            Some(s) => s.clone(),
            None => env.header("01", "01", "000902"),
        };
        pay.set("txnType", "01")
            .set("txnSubType", "01")
            .set("txnAmt", amount)
            .set("currencyCode", "156")
            .set("tokenPayData", tpd.as_str())
            .set("backUrl", recv.notify_url())
            .set("customerInfo", sms_only(code_));
        env.back(pay)
    };
    let send = |amount: &str| {
        let mut sms = env.header("77", "02", "000902");
        sms.set("txnAmt", amount)
            .set("currencyCode", "156")
            .set("tokenPayData", tpd.as_str());
        assert_eq!(code(&env.back(sms.clone())), "00");
        sms
    };
    // 123456 and 654321 always fail.
    for bad in ["123456", "654321"] {
        let s = send("100");
        assert_eq!(code(&consume(Some(&s), "100", bad)), "71");
    }
    // No SMS for this orderId/txnTime.
    assert_eq!(code(&consume(None, "100", SMS_CODE)), "71");
    // Amount differs from the SMS.
    let s = send("100");
    assert_eq!(code(&consume(Some(&s), "200", SMS_CODE)), "71");
    // Expired after 10 minutes.
    let s = send("100");
    env.sb.advance(11 * 60);
    let r = consume(Some(&s), "100", SMS_CODE);
    assert_eq!(code(&r), "71");
    assert!(r.get("respMsg").unwrap().contains("expired"));
    // Missing smsCode: 13. Any other code than the failing ones works.
    let s = send("100");
    let mut pay = s.clone();
    pay.set("txnType", "01")
        .set("txnSubType", "01")
        .set("backUrl", recv.notify_url());
    assert_eq!(code(&env.back(pay)), "13");
    let s = send("100");
    assert_eq!(code(&consume(Some(&s), "100", "222222")), "00");
    // Open SMS with the wrong phone: 66.
    let mut sms = env.header("77", "00", "000902");
    sms.set("accNo", env.enc_pan(DEBIT)).set(
        "customerInfo",
        env.customer(
            CustomerInfo {
                phone_no: Some(unionpay_acp::secret::PhoneNumber::new("13000000000").unwrap()),
                ..Default::default()
            },
            None,
        ),
    );
    assert_eq!(code(&env.back(sms)), "66");
}

#[test]
fn back_open_cardholder_checks() {
    let env = Env::start();
    let open = |pan: &str, info: CustomerInfo| {
        let mut f = env.header("79", "00", "000902");
        f.set("accNo", env.enc_pan(pan))
            .set("encryptCertId", env.enc.cert_id())
            .set("tokenPayData", format!("{{trId={TR_ID}&tokenType=01}}"))
            .set("customerInfo", env.customer(info, Some(pan)));
        env.back(f)
    };
    assert_eq!(code(&open(DEBIT, debit_holder())), "00");
    assert_eq!(code(&open(DEBIT, with_pin("123456"))), "00");
    assert_eq!(code(&open(DEBIT, with_pin("654321"))), "65");
    let wrong_name = CustomerInfo {
        customer_nm: Some("李四".into()),
        ..debit_holder()
    };
    assert_eq!(code(&open(DEBIT, wrong_name)), "66");
    // Credit card without CVN2 / expiry: 13; wrong CVN2: 65.
    assert_eq!(code(&open(CREDIT, phone_only(CREDIT))), "13");
    let wrong_cvn = CustomerInfo {
        cvn2: Some(unionpay_acp::secret::Cvn2::new("999").unwrap()),
        expired: Some(unionpay_acp::secret::CardExpiry::new("2311").unwrap()),
        ..phone_only(CREDIT)
    };
    assert_eq!(code(&open(CREDIT, wrong_cvn)), "65");
    // Unknown card: 61.
    assert_eq!(code(&open("6200000000000000001", phone_only(DEBIT))), "61");
    // Standard (000301) flavour: open by card, consume by card, 78/00 by card.
    let mut f = env.header("79", "00", "000301");
    f.set("accNo", env.enc_pan("6226090000000048")).set(
        "customerInfo",
        env.customer(phone_only("6226090000000048"), None),
    );
    assert_eq!(code(&env.back(f)), "00");
    let mut q = env.header("78", "00", "000301");
    q.set("accNo", env.enc_pan("6226090000000048"));
    assert_eq!(code(&env.back(q.clone())), "00");
    q.set("orderId", order_id())
        .set("accNo", env.enc_pan(DEBIT));
    assert_eq!(code(&env.back(q)), "77");
}

#[test]
fn key_update_95_and_rotation() {
    let env = Env::start();
    let mut f = env.header("95", "00", "000000");
    f.set("certType", "01");
    let r = env.back(f.clone());
    assert_eq!(code(&r), "00");
    let pem = r.get("encryptPubKeyCert").unwrap();
    assert!(pem.contains("\r\n"));
    let cert = unionpay_acp::EncryptionCert::parse(pem.as_bytes()).unwrap();
    assert_eq!(cert.cert_id(), "7000000000021");
    // Rotation through the admin endpoint: 95 answers enc2; both keys decrypt.
    let rot = acp_sandbox::http::post(
        &format!("{}/_sandbox/keys", env.sb.base_url()),
        "application/x-www-form-urlencoded",
        b"rotate=enc2",
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    assert!(rot.text().contains("7000000000022"));
    f.set("orderId", order_id());
    let r = env.post(Endpoint::App, f);
    let cert = unionpay_acp::EncryptionCert::parse(r.get("encryptPubKeyCert").unwrap().as_bytes())
        .unwrap();
    assert_eq!(cert.cert_id(), "7000000000022");
    let mut sms = env.header("77", "00", "000902");
    sms.set("accNo", card_to(&cert, DEBIT))
        .set("encryptCertId", cert.cert_id())
        .set(
            "customerInfo",
            phone_only(DEBIT)
                .build(
                    unionpay_acp::card::CustomerInfoMode::Encrypted,
                    Some(&cert),
                    None,
                    &mut os_rng,
                )
                .unwrap(),
        );
    assert_eq!(code(&env.back(sms)), "00");
    assert_eq!(env.sb.rotate_encryption_cert(0), "7000000000021");
}

fn card_to(cert: &unionpay_acp::EncryptionCert, pan: &str) -> String {
    unionpay_acp::card::encrypt_pan(
        cert,
        &unionpay_acp::secret::Pan::new(pan).unwrap(),
        &mut os_rng,
    )
    .unwrap()
}

#[test]
fn installments_on_the_credit_card_only() {
    let env = Env::start();
    let recv = Inbox::start(0);
    for (pan, credit, want) in [(CREDIT, true, "00"), (DEBIT, false, "68")] {
        let token = env.back_open(pan, credit);
        let mut sms = env.header("77", "02", "000902");
        sms.set("txnAmt", "60000")
            .set("currencyCode", "156")
            .set("tokenPayData", format!("{{token={token}&trId={TR_ID}}}"));
        assert_eq!(code(&env.back(sms.clone())), "00");
        let mut pay = sms;
        pay.set("txnType", "01")
            .set("txnSubType", "03")
            .set("instalTransInfo", "{numberOfInstallments=06}")
            .set("backUrl", recv.notify_url())
            .set("customerInfo", sms_only(SMS_CODE));
        assert_eq!(code(&env.back(pay)), want);
    }
}

#[test]
fn token_expires_after_five_years_and_standard_consume_by_card() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let token = env.back_open(DEBIT, false);
    env.sb.advance(5 * 366 * 86_400);
    let mut sms = env.header("77", "02", "000902");
    sms.set("txnAmt", "100")
        .set("currencyCode", "156")
        .set("tokenPayData", format!("{{token={token}&trId={TR_ID}}}"));
    assert_eq!(code(&env.back(sms)), "80");
    // Re-opening issues a fresh token.
    let fresh = env.back_open(DEBIT, false);
    assert_ne!(fresh, token);
    // 000301: consume by card number after a 000301 open, with a consume SMS by card.
    let pan = "6226090000000048";
    let mut open = env.header("79", "00", "000301");
    open.set("accNo", env.enc_pan(pan))
        .set("customerInfo", env.customer(phone_only(pan), None));
    assert_eq!(code(&env.back(open)), "00");
    let mut sms = env.header("77", "02", "000301");
    sms.set("txnAmt", "300")
        .set("currencyCode", "156")
        .set("accNo", env.enc_pan(pan))
        .set("customerInfo", env.customer(phone_only(pan), None));
    assert_eq!(code(&env.back(sms.clone())), "00");
    let mut pay = sms;
    let info = CustomerInfo {
        sms_code: Some(SMS_CODE.into()),
        ..phone_only(pan)
    };
    pay.set("txnType", "01")
        .set("txnSubType", "01")
        .set("backUrl", recv.notify_url())
        .set("customerInfo", env.customer(info, None));
    let r = env.back(pay);
    assert_eq!(code(&r), "00", "{:?}", r.get("respMsg"));
    // A card never opened for 000301: 77.
    let mut pay = env.header("01", "01", "000301");
    pay.set("txnAmt", "300")
        .set("currencyCode", "156")
        .set("accNo", env.enc_pan("6226388000000095"))
        .set("backUrl", recv.notify_url())
        .set("customerInfo", sms_only(SMS_CODE));
    assert_eq!(code(&env.back(pay)), "77");
    assert_eq!(
        env.verify_notify(&recv.wait(1)[0]).get("txnAmt"),
        Some("300")
    );
}

#[test]
fn front_order_after_pay_timeout_is_refused() {
    let env = Env::start();
    let recv = Inbox::start(0);
    let mut f = env.header("79", "00", "000902");
    f.set("tokenPayData", format!("{{trId={TR_ID}&tokenType=01}}"))
        .set("backUrl", recv.notify_url());
    let page = env.front(f.clone());
    env.sb.advance(901);
    let r = env.confirm(
        &session_of(&page),
        &[
            ("accNo", DEBIT),
            ("phoneNo", DEBIT_PHONE),
            ("smsCode", SMS_CODE),
        ],
    );
    assert!(r.text().contains("payTimeout"));
    assert_eq!(
        code(&env.query(f.get("orderId").unwrap(), f.get("txnTime").unwrap())),
        "34"
    );
}
