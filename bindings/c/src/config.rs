//! Reading key/value configuration lists (client and verifier) into the core's types.

use crate::convert::{twice, Res};
use std::collections::BTreeMap;
use unionpay_acp::card::CustomerInfoMode;
use unionpay_acp::pki::Certificate;
use unionpay_acp::{CustomTrust, Error, ErrorCode, TrustProfile};

pub(crate) fn arg(msg: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, msg.to_owned())
}

pub(crate) fn customer_info_mode(v: &str) -> Res<CustomerInfoMode> {
    match v {
        "encrypted" => Ok(CustomerInfoMode::Encrypted),
        "plain" => Ok(CustomerInfoMode::Plain),
        other => Err(arg(&format!(
            "customerInfoMode is 'encrypted' or 'plain', not '{other}'"
        ))),
    }
}

/// A configuration list being read: every key must be used once (repeatable keys:
/// `trustRootPem`, `trustMiddlePem`, `verifyCertPem`).
pub(crate) struct Config<'a> {
    single: BTreeMap<&'a str, &'a str>,
    repeated: BTreeMap<&'a str, Vec<&'a str>>,
}

const REPEATABLE: [&str; 3] = ["trustRootPem", "trustMiddlePem", "verifyCertPem"];

impl<'a> Config<'a> {
    pub(crate) fn parse(pairs: Vec<(&'a str, &'a str)>) -> Res<Self> {
        let mut c = Config {
            single: BTreeMap::new(),
            repeated: BTreeMap::new(),
        };
        for (k, v) in pairs {
            if REPEATABLE.contains(&k) {
                c.repeated.entry(k).or_default().push(v);
            } else if c.single.insert(k, v).is_some() {
                return Err(twice("config", k));
            }
        }
        Ok(c)
    }

    pub(crate) fn take(&mut self, key: &str) -> Option<&'a str> {
        self.single.remove(key)
    }

    pub(crate) fn required(&mut self, key: &str) -> Res<&'a str> {
        self.take(key).ok_or_else(|| {
            Error::new(
                ErrorCode::MissingField,
                format!("the configuration key '{key}' is required"),
            )
        })
    }

    /// `trust` with its custom anchors.
    pub(crate) fn trust(&mut self) -> Res<TrustProfile> {
        let roots = self.repeated.remove("trustRootPem").unwrap_or_default();
        let middles = self.repeated.remove("trustMiddlePem").unwrap_or_default();
        let profile = match self.required("trust")? {
            "production" => TrustProfile::Production,
            "test" => TrustProfile::Test,
            "custom" => {
                let r: Vec<&[u8]> = roots.iter().map(|s| s.as_bytes()).collect();
                let m: Vec<&[u8]> = middles.iter().map(|s| s.as_bytes()).collect();
                return Ok(TrustProfile::Custom(CustomTrust::from_pem(&r, &m)?));
            }
            other => {
                return Err(arg(&format!(
                    "trust is production, test or custom, not '{other}'"
                )))
            }
        };
        if !roots.is_empty() || !middles.is_empty() {
            return Err(arg("trustRootPem / trustMiddlePem go with trust=custom"));
        }
        Ok(profile)
    }

    /// `verifyCertPem` certificates (5.0.0 messages, looked up by certId).
    pub(crate) fn verify_certs(&mut self) -> Res<Vec<Certificate>> {
        let pems = self.repeated.remove("verifyCertPem").unwrap_or_default();
        pems.iter()
            .map(|p| Certificate::parse(p.as_bytes()))
            .collect()
    }

    /// Fails on a key nobody read (a typo must not silently drop a setting).
    pub(crate) fn finish(self) -> Res<()> {
        match self.single.keys().chain(self.repeated.keys()).next() {
            Some(k) => Err(arg(&format!("unknown configuration key '{k}'"))),
            None => Ok(()),
        }
    }
}
