//! The JSON shapes every binding shares (feature `json`): a stored request round-trips and
//! is rebuilt from its signed fields; outcomes, next steps and notifications have one shape.
#![cfg(feature = "json")]
#![allow(clippy::disallowed_methods)] // tests read fixture files

mod client_support;

use client_support::*;
use serde_json::{json, Value};
use unionpay_acp::card::CustomerInfo;
use unionpay_acp::client::*;
use unionpay_acp::json::{request_from_json, to_json, REQUEST_FORMAT};
use unionpay_acp::ErrorCode;

fn consume(c: &Client) -> OutgoingRequest {
    c.build_consume(
        &ConsumeParams {
            order: Order::New("ORDER20261125J1".into()),
            txn_amt: 1000,
            payer: Payer::Token("6235240000020757577".into()),
            back_url: BACK_URL.into(),
            customer_info: CustomerInfo {
                sms_code: Some("111111".into()),
                ..Default::default()
            },
            req_reserved: None,
        },
        now(),
        &mut rng(),
    )
    .unwrap()
}

#[test]
fn a_stored_request_round_trips_and_is_rebuilt_from_its_signed_fields() {
    let c = client();
    let pay = consume(&c);
    let text = to_json(&pay);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["format"], REQUEST_FORMAT);
    assert_eq!(v["api"], "consume");
    assert_eq!(v["orderId"], "ORDER20261125J1");
    assert_eq!(v["txnAmt"], 1000);
    assert_eq!(v["moneyMoving"], true);
    assert_eq!(v["queried"], Value::Null);
    assert_eq!(request_from_json(&text).unwrap(), pay);
    // The side values are derived: edited ones are not believed.
    let mut edited = v.clone();
    edited["orderId"] = json!("SOMETHINGELSE1");
    edited["txnAmt"] = json!(1);
    edited["body"] = json!("x=1");
    assert_eq!(request_from_json(&edited.to_string()).unwrap(), pay);
    // A status query keeps what it queried and its attempt.
    let q = c.build_query_for(&pay, 3, now(), &mut rng()).unwrap();
    let back = request_from_json(&to_json(&q)).unwrap();
    assert_eq!((back.queried.clone(), back.attempt), (q.queried.clone(), 3));
    let v: Value = serde_json::from_str(&to_json(&q)).unwrap();
    assert_eq!(
        v["queried"],
        json!({"api": "consume", "txnAmt": 1000, "payTimeout": null})
    );
    // What is not a stored request is refused with a typed error.
    for bad in [
        v.clone()
            .tap(|v| v["format"] = json!("unionpay-acp/request@9")),
        v.clone().tap(|v| v["api"] = json!("refund")),
        v.clone().tap(|v| v["queried"] = Value::Null),
        v.clone().tap(|v| v["queried"]["api"] = json!("reversal")),
        json!({"format": REQUEST_FORMAT, "api": "consume", "url": "x", "fields": {"txnType": "01"}}),
    ] {
        let e = request_from_json(&bad.to_string()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidArgument, "{bad}");
    }
    assert!(request_from_json("{not json").is_err());
}

trait Tap: Sized {
    fn tap(self, f: impl FnOnce(&mut Self)) -> Self;
}

impl Tap for Value {
    fn tap(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}

#[test]
fn outcomes_and_next_steps_have_one_shape() {
    let c = client();
    let pay = consume(&c);
    let body = answer(&pay, &[("respCode", "00"), ("respMsg", "成功[0000000]")]);
    let outcome = c.handle_response(&pay, &body, now()).unwrap();
    let v: Value = serde_json::from_str(&to_json(&outcome)).unwrap();
    assert_eq!(v["name"], "accepted");
    assert_eq!(v["decisiveCode"], "00");
    assert_eq!(v["decisiveMsg"], "成功[0000000]");
    assert_eq!(v["queryAt"], now().plus_seconds(1).unix_seconds());
    assert_eq!(v["pendingReason"], Value::Null);
    assert_eq!(v["response"]["orderId"], "ORDER20261125J1");
    let step = c
        .next_step(
            &pay,
            Exchange::Answered {
                status: 200,
                body: &body,
            },
            now(),
        )
        .unwrap();
    let v: Value = serde_json::from_str(&to_json(&step)).unwrap();
    assert_eq!(v["step"], "query");
    assert_eq!(v["at"], now().plus_seconds(1).unix_seconds());
    assert_eq!(v["query"]["api"], "status_query");
    assert_eq!(v["query"]["attempt"], 1);
    assert_eq!(v["outcome"]["name"], "accepted");
    assert_eq!(v["reason"], Value::Null);
    let stop = c.next_step(&pay, Exchange::NoAnswer, now()).unwrap();
    let v: Value = serde_json::from_str(&to_json(&stop)).unwrap();
    assert_eq!(
        (v["step"].clone(), v["outcome"].clone()),
        (json!("query"), Value::Null)
    );
}

#[test]
fn the_sample_reconciliation_archive_has_one_json() {
    let zip = read("fixtures/recon/802310048993424_20150905.zip");
    let files = unionpay_acp::file::read_zip(&zip, &Default::default()).unwrap();
    let r = unionpay_acp::file::parse_archive(&files).unwrap();
    let v: Value = serde_json::from_str(&to_json(&r)).unwrap();
    let first = &v["zm"][0];
    assert_eq!(first["txnCode"], "S56");
    assert_eq!(first["traceTime"], "0906112203");
    assert_eq!(first["amountFen"], 476800);
    assert_eq!(first["merchantFee"], -2861);
    assert_eq!(first["settleAmount"], 473939);
    assert_eq!(first["netSettleAmount"], 473939);
    assert_eq!(v["otherFiles"], json!(["RD201015090501_802310048993424"]));
}
