//! A merchant built from the core's building blocks: it signs field maps with the
//! sandbox merchant PFX, encrypts card data to the sandbox encryption certificate and
//! verifies every answer with the sandbox's custom trust. For the sandbox's protocol tests.

pub use super::*;

use acp_sandbox::http;
use acp_sandbox::{Endpoint, NotificationRecord, Sandbox, SandboxHandle};
use std::time::Duration;
use unionpay_acp::card::{self, CustomerInfo, CustomerInfoMode};
use unionpay_acp::crypto::default_backend;
use unionpay_acp::form::encode_form;
use unionpay_acp::secret::{CardExpiry, Cvn2, Pan, PhoneNumber, Pin};
use unionpay_acp::{
    sign_fields, Credentials, CustomTrust, EncryptionCert, Fields, MerchantKey, TrustProfile,
    Verifier,
};

pub const DEBIT: &str = "6216261000000000018";
pub const DEBIT_PHONE: &str = "13552535506";
pub const CREDIT: &str = "6221558812340000";

/// A sandbox plus a merchant talking to it.
pub struct Env {
    pub sb: SandboxHandle,
    pub key: MerchantKey,
    pub enc: EncryptionCert,
    pub verifier: Verifier,
}

impl Env {
    pub fn start() -> Env {
        Env::with(sandbox_config())
    }

    pub fn with(config: SandboxConfig) -> Env {
        let sb = Sandbox::start(config).expect("sandbox starts");
        let backend = default_backend();
        let key = acp_sandbox::sandbox_merchant_key(backend.as_ref()).expect("merchant key");
        let enc =
            EncryptionCert::parse(include_bytes!("../../../../tests/fixtures/sandbox/enc.pem"))
                .expect("enc cert");
        let (root, middle) = sb.trust_pem();
        let trust = CustomTrust::from_pem(&[root.as_bytes()], &[middle.as_bytes()]).expect("trust");
        // 5.0.0 answers are looked up by certId among the 5.0.0 verify certificates.
        let verify500 =
            unionpay_acp::pki::Certificate::parse(acp_sandbox::VERIFY500_PEM.as_bytes())
                .expect("the 5.0.0 verify certificate");
        let verifier = Verifier::new(TrustProfile::Custom(trust), backend)
            .expect("verifier")
            .with_verify_certs(vec![verify500]);
        Env {
            sb,
            key,
            enc,
            verifier,
        }
    }

    /// The sandbox's now as txnTime.
    pub fn now(&self) -> String {
        self.sb.now().to_txn_time()
    }

    /// A common request header with a new orderId and txnTime = sandbox now.
    pub fn header(&self, txn_type: &str, sub: &str, biz: &str) -> Fields {
        let mut f = Fields::new();
        f.set("version", "5.1.0")
            .set("encoding", "UTF-8")
            .set("txnType", txn_type)
            .set("txnSubType", sub)
            .set("bizType", biz)
            .set("channelType", "07")
            .set("accessType", "0")
            .set("merId", MER_ID)
            .set("orderId", order_id())
            .set("txnTime", self.now());
        f
    }

    /// Signs with the sandbox merchant key, posts, and returns the raw HTTP answer.
    pub fn post_raw(&self, ep: Endpoint, mut fields: Fields) -> http::ClientResponse {
        sign_fields(&mut fields, &Credentials::Rsa(self.key.clone())).expect("sign");
        self.post_body(ep, encode_form(&fields).as_bytes())
    }

    pub fn post_body(&self, ep: Endpoint, body: &[u8]) -> http::ClientResponse {
        http::post(
            &self.sb.url(ep),
            "application/x-www-form-urlencoded;charset=UTF-8",
            body,
            Duration::from_secs(10),
        )
        .expect("an HTTP answer")
    }

    /// Signs, posts, verifies the signed answer and returns its fields.
    pub fn post(&self, ep: Endpoint, fields: Fields) -> Fields {
        let r = self.post_raw(ep, fields);
        assert_eq!(r.status, 200, "{}", r.text());
        self.verify_sync(&r.body)
    }

    pub fn verify_sync(&self, body: &[u8]) -> Fields {
        self.verifier
            .verify_sync_body(body, self.sb.now())
            .unwrap_or_else(|e| {
                panic!(
                    "answer does not verify: {e}: {}",
                    String::from_utf8_lossy(body)
                )
            })
    }

    pub fn back(&self, fields: Fields) -> Fields {
        self.post(Endpoint::Back, fields)
    }

    pub fn enc_pan(&self, pan: &str) -> String {
        card::encrypt_pan(&self.enc, &Pan::new(pan).unwrap(), &mut os_rng).unwrap()
    }

    pub fn customer(&self, info: CustomerInfo, pan: Option<&str>) -> String {
        let pan = pan.map(|p| Pan::new(p).unwrap());
        info.build(
            CustomerInfoMode::Encrypted,
            Some(&self.enc),
            pan.as_ref(),
            &mut os_rng,
        )
        .unwrap()
    }

    /// Sends the open SMS then opens `pan` at the back end; returns the token.
    pub fn back_open(&self, pan: &str, credit: bool) -> String {
        let mut sms = self.header("77", "00", "000902");
        sms.set("accNo", self.enc_pan(pan))
            .set("encryptCertId", self.enc.cert_id())
            .set("tokenPayData", format!("{{trId={TR_ID}&tokenType=01}}"))
            .set("customerInfo", self.customer(phone_only(pan), None));
        let r = self.back(sms.clone());
        assert_eq!(
            r.get("respCode"),
            Some("00"),
            "{r:?} {:?}",
            r.get("respMsg")
        );
        let mut open = sms;
        open.set("txnType", "79").set("txnSubType", "00");
        let info = if credit {
            CustomerInfo {
                phone_no: Some(PhoneNumber::new(DEBIT_PHONE).unwrap()),
                cvn2: Some(Cvn2::new("123").unwrap()),
                expired: Some(CardExpiry::new("2311").unwrap()),
                sms_code: Some(SMS_CODE.into()),
                ..Default::default()
            }
        } else {
            CustomerInfo {
                sms_code: Some(SMS_CODE.into()),
                ..debit_holder()
            }
        };
        open.set("customerInfo", self.customer(info, None));
        let r = self.back(open);
        assert_eq!(r.get("respCode"), Some("00"), "{:?}", r.get("respMsg"));
        token_of(&r)
    }

    /// A consume SMS (77/02) then the token consume (01/01); returns (sync answer, request).
    pub fn consume(&self, token: &str, amount: u64, back_url: &str) -> (Fields, Fields) {
        let mut sms = self.header("77", "02", "000902");
        sms.set("txnAmt", amount.to_string())
            .set("currencyCode", "156")
            .set("tokenPayData", format!("{{token={token}&trId={TR_ID}}}"));
        let r = self.back(sms.clone());
        assert_eq!(r.get("respCode"), Some("00"), "{:?}", r.get("respMsg"));
        let mut pay = sms;
        pay.set("txnType", "01")
            .set("txnSubType", "01")
            .set("backUrl", back_url)
            .set("customerInfo", sms_only(SMS_CODE));
        let r = self.back(pay.clone());
        (r, pay)
    }

    /// A follow-up (31/04/03/32/33) of `orig_query_id`.
    pub fn follow_up(
        &self,
        txn_type: &str,
        orig_query_id: &str,
        amount: u64,
        back_url: &str,
    ) -> Fields {
        let mut f = self.header(txn_type, "00", "000902");
        f.set("origQryId", orig_query_id)
            .set("txnAmt", amount.to_string())
            .set("backUrl", back_url);
        self.back(f)
    }

    /// Status query 00/00 of (orderId, txnTime).
    pub fn query(&self, order_id: &str, txn_time: &str) -> Fields {
        let mut f = self.header("00", "00", "000000");
        f.remove("channelType");
        f.set("orderId", order_id).set("txnTime", txn_time);
        self.post(Endpoint::Query, f)
    }

    /// Waits until `n` notifications are delivered or given up on.
    pub fn wait_settled(&self, n: usize) -> Vec<NotificationRecord> {
        self.sb.wait_notifications(Duration::from_secs(8), |l| {
            l.len() >= n && l.iter().all(|r| r.delivered || r.gave_up)
        })
    }

    /// Verifies a notification body the way a merchant would.
    pub fn verify_notify(&self, body: &[u8]) -> Fields {
        self.verifier
            .verify_notify_body(body, self.sb.now())
            .unwrap_or_else(|e| panic!("notification does not verify: {e}"))
    }
}

pub fn phone_only(pan: &str) -> CustomerInfo {
    let phone = if pan.starts_with("622609") || pan.starts_with("622638") {
        "18100000000"
    } else {
        DEBIT_PHONE
    };
    CustomerInfo {
        phone_no: Some(PhoneNumber::new(phone).unwrap()),
        ..Default::default()
    }
}

pub fn debit_holder() -> CustomerInfo {
    CustomerInfo {
        certif_tp: Some("01".into()),
        certif_id: Some("341126197709218366".into()),
        customer_nm: Some("全渠道".into()),
        phone_no: Some(PhoneNumber::new(DEBIT_PHONE).unwrap()),
        ..Default::default()
    }
}

pub fn with_pin(pin: &str) -> CustomerInfo {
    CustomerInfo {
        pin: Some(Pin::new(pin).unwrap()),
        ..debit_holder()
    }
}

/// `base64({smsCode=…})` (old and new rule agree).
pub fn sms_only(code: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{{smsCode={code}}}"))
}

pub fn token_of(r: &Fields) -> String {
    let tpd = r.get("tokenPayData").expect("tokenPayData");
    let pairs = unionpay_acp::form::parse_nested(tpd).unwrap();
    unionpay_acp::form::nested_get(&pairs, "token")
        .unwrap()
        .to_owned()
}

pub fn nested(r: &Fields, field: &str, key: &str) -> Option<String> {
    let pairs = unionpay_acp::form::parse_nested(r.get(field)?).ok()?;
    unionpay_acp::form::nested_get(&pairs, key).map(str::to_owned)
}

pub fn code(r: &Fields) -> &str {
    r.get("respCode").unwrap_or_default()
}

/// Every hidden input of a page (the §9 auto-submit form, or the error page that carries
/// a signed answer outside any form), HTML-unescaped.
pub fn hidden_inputs(html: &str) -> Fields {
    let mut f = Fields::new();
    for part in html.split("<input type=\"hidden\"").skip(1) {
        let tag = part.split('>').next().unwrap_or_default();
        if let (Some(k), Some(v)) = (super::attr(tag, "name"), super::attr(tag, "value")) {
            f.insert_raw(k, v);
        }
    }
    f
}

/// The `action` of the page's first form.
pub fn form_action(html: &str) -> Option<String> {
    HtmlForm::parse(html).map(|f| f.action)
}

/// The cardholder page's session id.
pub fn session_of(html: &str) -> String {
    meta_content(html, "acp-session").expect("a cashier page")
}

impl Env {
    /// Submits the cardholder page.
    pub fn confirm(&self, session: &str, entries: &[(&str, &str)]) -> http::ClientResponse {
        let mut f = Fields::new();
        f.set("session", session).set("action", "confirm");
        for (k, v) in entries {
            f.set(*k, *v);
        }
        http::post(
            &format!("{}{}", self.sb.base_url(), acp_sandbox::CONFIRM_PATH),
            "application/x-www-form-urlencoded",
            encode_form(&f).as_bytes(),
            Duration::from_secs(10),
        )
        .unwrap()
    }

    /// Posts a signed front request; returns the page.
    pub fn front(&self, mut fields: Fields) -> String {
        fields
            .set("frontUrl", "http://127.0.0.1:9/front")
            .set("payTimeout", self.sb.now().plus_seconds(900).to_txn_time());
        let r = self.post_raw(Endpoint::Front, fields);
        assert_eq!(r.status, 200);
        r.text()
    }

    /// Downloads the reconciliation file of `settle_date` (MMDD).
    pub fn file(&self, settle_date: &str) -> Fields {
        let mut f = self.header("76", "01", "000000");
        f.remove("orderId");
        f.remove("channelType");
        f.set("settleDate", settle_date).set("fileType", "00");
        self.post(Endpoint::File, f)
    }
}
