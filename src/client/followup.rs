//! Transactions on an earlier one (spec §8.2, §8.9, §8.10, §8.13–§8.15): undo, refund,
//! the pre-auth follow-ups (all by `origQryId`), and the reversal (by orderId/txnTime).

use super::api::Api;
use super::request::OutgoingRequest;
use super::{validate, Client};
use crate::crypto::RandomSource;
use crate::error::Result;
use crate::time::Timestamp;

macro_rules! follow_up_params {
    ($( $(#[$doc:meta])* $name:ident { amount: $amount:literal, orig: $orig:literal } )*) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct $name {
            /// A new orderId (query this transaction by it, not by the original's).
            pub order_id: String,
            #[doc = concat!("`origQryId`: the 21-digit queryId of ", $orig, ".")]
            pub orig_qry_id: String,
            #[doc = concat!("Amount in fen: ", $amount, ".")]
            pub txn_amt: u64,
            /// Where the back notification is posted.
            pub back_url: String,
            /// `reqReserved`, echoed back.
            pub req_reserved: Option<String>,
        }

        impl $name {
            /// From its parts, in field order (the by-name builder's shared path).
            pub(crate) fn from_parts(parts: (String, String, u64, String, Option<String>)) -> Self {
                let (order_id, orig_qry_id, txn_amt, back_url, req_reserved) = parts;
                $name { order_id, orig_qry_id, txn_amt, back_url, req_reserved }
            }
        }

        impl<'a> From<&'a $name> for FollowUp<'a> {
            fn from(p: &'a $name) -> Self {
                FollowUp {
                    order_id: &p.order_id,
                    orig_qry_id: &p.orig_qry_id,
                    txn_amt: p.txn_amt,
                    back_url: &p.back_url,
                    req_reserved: p.req_reserved.as_deref(),
                }
            }
        }
    )*};
}

follow_up_params! {
    /// 31/00 consume undo (消费撤销): same clearing day as the consume, full amount.
    ConsumeUndoParams { amount: "the full consume amount", orig: "the consume" }
    /// 04/00 refund (退货): partial and repeated refunds are separate requests, each with
    /// its own orderId, while their sum stays within the consume amount.
    RefundParams { amount: "at most what is left to refund", orig: "the consume" }
    /// 32/00 pre-auth undo (预授权撤销): full pre-auth amount.
    PreAuthUndoParams { amount: "the full pre-auth amount", orig: "the pre-auth" }
    /// 03/00 pre-auth completion (预授权完成): up to 115 % of the pre-auth amount.
    PreAuthCompletionParams { amount: "up to 115 % of the pre-auth amount", orig: "the pre-auth" }
    /// 33/00 pre-auth completion undo (预授权完成撤销): same clearing day, full amount.
    CompletionUndoParams { amount: "the full completion amount", orig: "the completion" }
}

/// 99/01 reversal (冲正) of a consume whose result is unknown, on the same day. It names
/// the consume by its own orderId and txnTime; no amount.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReversalParams {
    /// orderId of the consume to reverse.
    pub orig_order_id: String,
    /// txnTime of that consume.
    pub orig_txn_time: String,
}

/// What the `origQryId` transactions share.
struct FollowUp<'a> {
    order_id: &'a str,
    orig_qry_id: &'a str,
    txn_amt: u64,
    back_url: &'a str,
    req_reserved: Option<&'a str>,
}

impl Client {
    /// Builds a consume undo 31/00.
    pub fn build_consume_undo(
        &self,
        p: &ConsumeUndoParams,
        now: Timestamp,
        _rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz = self.config().biz_types.undo_refund.clone();
        self.build_follow_up(Api::ConsumeUndo, &biz, p.into(), now)
    }

    /// Builds a refund 04/00.
    pub fn build_refund(
        &self,
        p: &RefundParams,
        now: Timestamp,
        _rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz = self.config().biz_types.undo_refund.clone();
        self.build_follow_up(Api::Refund, &biz, p.into(), now)
    }

    /// Builds a pre-auth undo 32/00.
    pub fn build_pre_auth_undo(
        &self,
        p: &PreAuthUndoParams,
        now: Timestamp,
        _rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz = self.config().biz_types.preauth.clone();
        self.build_follow_up(Api::PreAuthUndo, &biz, p.into(), now)
    }

    /// Builds a pre-auth completion 03/00.
    pub fn build_pre_auth_completion(
        &self,
        p: &PreAuthCompletionParams,
        now: Timestamp,
        _rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz = self.config().biz_types.preauth.clone();
        self.build_follow_up(Api::PreAuthCompletion, &biz, p.into(), now)
    }

    /// Builds a pre-auth completion undo 33/00.
    pub fn build_completion_undo(
        &self,
        p: &CompletionUndoParams,
        now: Timestamp,
        _rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz = self.config().biz_types.preauth.clone();
        self.build_follow_up(Api::CompletionUndo, &biz, p.into(), now)
    }

    /// Builds a reversal 99/01 (sent to backTransReq.do, spec §15.2, §15.8; no
    /// currencyCode, as in the official reversal demos).
    pub fn build_reversal(
        &self,
        p: &ReversalParams,
        _now: Timestamp,
        _rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz = self.config().biz_types.generic.clone();
        let d = self.orig_draft(Api::Reversal, &biz, &p.orig_order_id, &p.orig_txn_time)?;
        self.finish(d)
    }

    fn build_follow_up(
        &self,
        api: Api,
        biz_type: &str,
        p: FollowUp<'_>,
        now: Timestamp,
    ) -> Result<OutgoingRequest> {
        let mut d = self.new_draft(api, biz_type, p.order_id, now)?;
        validate::qry_id(p.orig_qry_id, "origQryId")?;
        validate::amount(p.txn_amt, "txnAmt")?;
        validate::http_url(p.back_url, "backUrl")?;
        d.set("origQryId", p.orig_qry_id);
        // currencyCode goes with txnAmt (spec §3.1); of the sources only the Java token
        // demo sends it on these, and the gateway accepts it either way.
        d.amount(p.txn_amt);
        d.set("backUrl", p.back_url);
        self.put_req_reserved(&mut d, p.req_reserved)?;
        self.finish(d)
    }
}
