//! The product APIs (spec §8): their message types, endpoints and how their answers read.

use super::config::EndpointKind;

/// Which SMS a 77 request asks UnionPay to send (spec §8.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SmsKind {
    /// 77/00 开通短信: before a back open 79/00 or an update 79/03.
    Open,
    /// 77/01 实名认证短信: real-name authentication.
    RealNameAuth,
    /// 77/02 消费短信: before a consume 01/01.
    Consume,
    /// 77/03 代扣短信: withholding.
    Withholding,
    /// 77/04 预授权短信: before a pre-auth 02/01.
    PreAuth,
}

impl SmsKind {
    /// The `txnSubType`.
    pub fn txn_sub_type(self) -> &'static str {
        match self {
            SmsKind::Open => "00",
            SmsKind::RealNameAuth => "01",
            SmsKind::Consume => "02",
            SmsKind::Withholding => "03",
            SmsKind::PreAuth => "04",
        }
    }

    /// A stable snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            SmsKind::Open => "open",
            SmsKind::RealNameAuth => "real_name_auth",
            SmsKind::Consume => "consume",
            SmsKind::Withholding => "withholding",
            SmsKind::PreAuth => "pre_auth",
        }
    }

    /// Whether the SMS is tied to an amount (the following transaction must repeat it).
    pub fn carries_amount(self) -> bool {
        matches!(
            self,
            SmsKind::Consume | SmsKind::Withholding | SmsKind::PreAuth
        )
    }
}

/// One product API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Api {
    /// 01/01 consume, back (token or card).
    Consume,
    /// 99/01 reversal.
    Reversal,
    /// 79/00 open card through UnionPay's page (front form).
    FrontOpen,
    /// 79/00 open card with card data the merchant collected (back).
    BackOpen,
    /// 78/02 open-status query by orderId.
    OpenQuery,
    /// 79/05 apply for a token by the orderId of an open-and-pay.
    ApplyToken,
    /// 74/01 delete token.
    DeleteToken,
    /// 79/03 update token.
    UpdateToken,
    /// 77/xx send an SMS code.
    Sms(SmsKind),
    /// 31/00 consume undo.
    ConsumeUndo,
    /// 04/00 refund.
    Refund,
    /// 00/00 transaction status query.
    StatusQuery,
    /// 02/01 pre-authorization, back.
    PreAuth,
    /// 32/00 pre-auth undo.
    PreAuthUndo,
    /// 03/00 pre-auth completion.
    PreAuthCompletion,
    /// 33/00 pre-auth completion undo.
    CompletionUndo,
    /// 01/01 open-and-pay (front form).
    OpenAndPay,
    /// 95/00 encryption public key update query.
    KeyUpdateQuery,
    /// 76/01 file transfer (reconciliation file).
    FileTransfer,
}

impl Api {
    /// Every API, SMS variants included, in catalogue order.
    pub const ALL: [Api; 23] = [
        Api::Consume,
        Api::Reversal,
        Api::FrontOpen,
        Api::BackOpen,
        Api::OpenQuery,
        Api::ApplyToken,
        Api::DeleteToken,
        Api::UpdateToken,
        Api::Sms(SmsKind::Open),
        Api::Sms(SmsKind::RealNameAuth),
        Api::Sms(SmsKind::Consume),
        Api::Sms(SmsKind::Withholding),
        Api::Sms(SmsKind::PreAuth),
        Api::ConsumeUndo,
        Api::Refund,
        Api::StatusQuery,
        Api::PreAuth,
        Api::PreAuthUndo,
        Api::PreAuthCompletion,
        Api::CompletionUndo,
        Api::OpenAndPay,
        Api::KeyUpdateQuery,
        Api::FileTransfer,
    ];

    /// The `txnType`.
    pub fn txn_type(self) -> &'static str {
        match self {
            Api::Consume | Api::OpenAndPay => "01",
            Api::Reversal => "99",
            Api::FrontOpen | Api::BackOpen | Api::ApplyToken | Api::UpdateToken => "79",
            Api::OpenQuery => "78",
            Api::DeleteToken => "74",
            Api::Sms(_) => "77",
            Api::ConsumeUndo => "31",
            Api::Refund => "04",
            Api::StatusQuery => "00",
            Api::PreAuth => "02",
            Api::PreAuthUndo => "32",
            Api::PreAuthCompletion => "03",
            Api::CompletionUndo => "33",
            Api::KeyUpdateQuery => "95",
            Api::FileTransfer => "76",
        }
    }

    /// The `txnSubType`.
    pub fn txn_sub_type(self) -> &'static str {
        match self {
            Api::Consume | Api::OpenAndPay | Api::Reversal | Api::DeleteToken | Api::PreAuth => {
                "01"
            }
            Api::FileTransfer => "01",
            Api::OpenQuery => "02",
            Api::UpdateToken => "03",
            Api::ApplyToken => "05",
            Api::Sms(kind) => kind.txn_sub_type(),
            Api::FrontOpen
            | Api::BackOpen
            | Api::ConsumeUndo
            | Api::Refund
            | Api::StatusQuery
            | Api::PreAuthUndo
            | Api::PreAuthCompletion
            | Api::CompletionUndo
            | Api::KeyUpdateQuery => "00",
        }
    }

    /// Where the request goes (spec §1.2: back for everything but the front forms, the
    /// status query and the file transfer).
    pub fn endpoint(self) -> EndpointKind {
        match self {
            Api::FrontOpen | Api::OpenAndPay => EndpointKind::Front,
            Api::StatusQuery => EndpointKind::Query,
            Api::FileTransfer => EndpointKind::File,
            _ => EndpointKind::Back,
        }
    }

    /// Whether money may move: without an answer, or with a code this library does not
    /// know, the outcome is unknown, never failed (spec §7.2, §7.3). The reversal is one:
    /// it moves the money of a consume back.
    pub fn is_money_moving(self) -> bool {
        self.is_asynchronous() || self == Api::Reversal
    }

    /// Whether the result comes later: the synchronous `00` only means "accepted", the
    /// result comes by back notification, and the status query finds the transaction by
    /// this request's own orderId and txnTime (spec §7.3, §7.4). Consume, pre-auth, their
    /// undos, refund, completion and the open-and-pay; every other answer is final.
    pub fn is_asynchronous(self) -> bool {
        matches!(
            self,
            Api::Consume
                | Api::ConsumeUndo
                | Api::Refund
                | Api::PreAuth
                | Api::PreAuthUndo
                | Api::PreAuthCompletion
                | Api::CompletionUndo
                | Api::OpenAndPay
        )
    }

    /// Whether the request is a browser form (no synchronous answer).
    pub fn is_front(self) -> bool {
        self.endpoint() == EndpointKind::Front
    }

    /// A stable snake_case name, e.g. `consume`, `sms_open`, `key_update_query`.
    pub fn name(self) -> &'static str {
        match self {
            Api::Consume => "consume",
            Api::Reversal => "reversal",
            Api::FrontOpen => "front_open",
            Api::BackOpen => "back_open",
            Api::OpenQuery => "open_query",
            Api::ApplyToken => "apply_token",
            Api::DeleteToken => "delete_token",
            Api::UpdateToken => "update_token",
            Api::Sms(SmsKind::Open) => "sms_open",
            Api::Sms(SmsKind::RealNameAuth) => "sms_real_name_auth",
            Api::Sms(SmsKind::Consume) => "sms_consume",
            Api::Sms(SmsKind::Withholding) => "sms_withholding",
            Api::Sms(SmsKind::PreAuth) => "sms_pre_auth",
            Api::ConsumeUndo => "consume_undo",
            Api::Refund => "refund",
            Api::StatusQuery => "status_query",
            Api::PreAuth => "pre_auth",
            Api::PreAuthUndo => "pre_auth_undo",
            Api::PreAuthCompletion => "pre_auth_completion",
            Api::CompletionUndo => "completion_undo",
            Api::OpenAndPay => "open_and_pay",
            Api::KeyUpdateQuery => "key_update_query",
            Api::FileTransfer => "file_transfer",
        }
    }

    /// The API a notification (or a found status-query answer) belongs to, from its
    /// `txnType`/`txnSubType`. Back notifications exist only for these: 01/01 (and
    /// installment 01/03) is [`Api::Consume`], which also covers an open-and-pay because
    /// the message cannot tell them apart (use [`Notification::matches`](super::Notification::matches));
    /// 79/00 is [`Api::FrontOpen`] because back opens are never notified.
    pub fn from_notification_codes(txn_type: &str, txn_sub_type: &str) -> Option<Api> {
        Some(match (txn_type, txn_sub_type) {
            ("01", "01" | "03") => Api::Consume,
            ("79", "00") => Api::FrontOpen,
            ("31", "00") => Api::ConsumeUndo,
            ("04", "00") => Api::Refund,
            ("02", "01") => Api::PreAuth,
            ("32", "00") => Api::PreAuthUndo,
            ("03", "00") => Api::PreAuthCompletion,
            ("33", "00") => Api::CompletionUndo,
            _ => return None,
        })
    }
}
