//! respCode / respMsg values the sandbox answers with (spec §7).
//!
//! Detail codes in brackets are the ones the spec documents; where the spec has none the
//! message is plain text (the sandbox does not invent 7-digit detail codes).

/// A non-success answer: the 2-character respCode and its respMsg.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reject {
    /// respCode.
    pub code: &'static str,
    /// respMsg.
    pub msg: String,
}

impl Reject {
    pub fn new(code: &'static str, msg: impl Into<String>) -> Self {
        Reject {
            code,
            msg: msg.into(),
        }
    }
}

pub type Outcome<T> = Result<T, Reject>;

pub const SUCCESS_MSG: &str = "成功[0000000]";

pub fn format_error(what: impl std::fmt::Display) -> Reject {
    Reject::new("10", format!("报文格式错误: {what}"))
}

pub fn missing(field: &str) -> Reject {
    Reject::new("13", format!("Required element missing: {field}"))
}

pub fn signature_failed() -> Reject {
    Reject::new("11", "Signature verification failed[9100004]")
}

pub fn duplicate(order_id: &str) -> Reject {
    Reject::new(
        "12",
        format!("重复交易: orderId {order_id} was already used today"),
    )
}

pub fn no_such_txn() -> Reject {
    Reject::new("34", "查无此交易[2600000]")
}

pub fn orig_not_found() -> Reject {
    Reject::new("35", "原交易不存在[2040004]")
}

pub fn orig_wrong_state(what: impl std::fmt::Display) -> Reject {
    Reject::new("35", format!("原交易状态不正确: {what}[2050007]"))
}

pub fn amount_mismatch(what: impl std::fmt::Display) -> Reject {
    Reject::new("36", format!("金额不符: {what}[2050008]"))
}

pub fn not_same_clearing_day() -> Reject {
    Reject::new("39", "非同一清算日[2040006]")
}

pub fn out_of_window(what: impl std::fmt::Display) -> Reject {
    Reject::new("39", format!("不在受理时间范围内: {what}"))
}

pub fn token_invalid() -> Reject {
    Reject::new("40", "Token无效[3900002]")
}

pub fn token_expired() -> Reject {
    Reject::new("80", "Token已过期")
}

pub fn already_done(what: impl std::fmt::Display) -> Reject {
    Reject::new("45", format!("已退货或已撤销: {what}"))
}

pub fn sms_failed(what: impl std::fmt::Display) -> Reject {
    Reject::new("71", format!("短信验证码校验失败: {what}"))
}

pub fn wrong_endpoint(txn: &str, path: &str, right: &str) -> Reject {
    format_error(format!(
        "txnType/txnSubType {txn} is not accepted at {path}; post it to {right}"
    ))
}

/// The message for a failure code decided by the (simulated) issuer or a fault.
pub fn issuer_msg(code: &str) -> String {
    let text = match code {
        "00" => return SUCCESS_MSG.to_owned(),
        "01" => "交易失败",
        "02" => "系统未开放或暂时关闭",
        "03" => "交易通讯超时",
        "04" => "交易状态未明",
        "05" => "交易已受理，请稍后查询交易结果",
        "12" => "重复交易",
        "30" => "交易未通过，请尝试使用其他银联卡支付",
        "33" => "交易金额超限",
        "60" => "交易失败，详情请咨询您的发卡行",
        "61" => "输入的卡号无效",
        "63" => "卡状态不正确",
        "64" => "卡上的余额不足",
        "65" => "输入的密码、有效期或CVN2有误",
        "66" => "持卡人身份信息或手机号输入不正确",
        "68" => "该卡不支持此交易",
        "69" => "输入超时",
        "71" => "短信验证码校验失败",
        "77" => "银行卡未开通认证支付",
        "80" => "Token已过期",
        "83" => "发卡行（渠道）处理中",
        _ => "交易失败",
    };
    text.to_owned()
}
