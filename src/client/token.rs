//! Token maintenance (spec §8.6, §8.7): delete and update.

use super::api::{Api, SmsKind};
use super::request::{Order, OutgoingRequest};
use super::Client;
use crate::card::CustomerInfo;
use crate::crypto::RandomSource;
use crate::error::{Error, ErrorCode, Result};
use crate::time::Timestamp;

/// 74/01 delete a token (解除标记). Opening the same card again yields a new token.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DeleteTokenParams {
    /// A new orderId.
    pub order_id: String,
    /// The token to delete.
    pub token: String,
}

/// 79/03 update a token (更新标记) with new cardholder data; only for cards opened
/// merchant-side (spec §8.7, §15.21).
#[derive(Clone)]
pub struct UpdateTokenParams {
    /// A new orderId, or the open SMS (77/00) whose code `customer_info` carries.
    pub order: Order,
    /// The token to update.
    pub token: String,
    /// phoneNo, cvn2, expired, smsCode (+ certifTp, certifId, customerNm). Must not be empty.
    pub customer_info: CustomerInfo,
    /// `reqReserved`, echoed back.
    pub req_reserved: Option<String>,
}

impl std::fmt::Debug for DeleteTokenParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeleteTokenParams")
            .field("order_id", &self.order_id)
            .field("token", &"<redacted>")
            .finish()
    }
}

impl std::fmt::Debug for UpdateTokenParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateTokenParams")
            .field("order", &self.order)
            .field("token", &"<redacted>")
            .field("customer_info", &self.customer_info)
            .field("req_reserved", &self.req_reserved)
            .finish()
    }
}

impl Client {
    /// Builds a delete token 74/01.
    pub fn build_delete_token(
        &self,
        p: &DeleteTokenParams,
        now: Timestamp,
        _rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz = self.config().biz_types.token.clone();
        let mut d = self.new_draft(Api::DeleteToken, &biz, &p.order_id, now)?;
        d.set("tokenPayData", self.token_pay_data(&p.token, false)?);
        self.finish(d)
    }

    /// Builds an update token 79/03.
    pub fn build_update_token(
        &self,
        p: &UpdateTokenParams,
        now: Timestamp,
        rng: &mut dyn RandomSource,
    ) -> Result<OutgoingRequest> {
        let biz = self.config().biz_types.token.clone();
        let mut d = self.order_draft(Api::UpdateToken, &biz, &p.order, SmsKind::Open, None, now)?;
        if p.customer_info.is_empty() {
            return Err(Error::new(
                ErrorCode::MissingField,
                "customerInfo is required to update a token: give the new phoneNo, cvn2, expired and the smsCode",
            ));
        }
        d.set("tokenPayData", self.token_pay_data(&p.token, true)?);
        self.put_customer_info(&mut d, &p.customer_info, None, rng)?;
        self.put_req_reserved(&mut d, p.req_reserved.as_deref())?;
        self.finish(d)
    }
}
