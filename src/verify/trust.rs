//! Trust profiles: which root and middle a UnionPay signing certificate must chain to,
//! and which CN identities are accepted.

use super::policy::check_anchor;
use crate::error::{Error, ErrorCode, Result};
use crate::pki::Certificate;

const TEST_ROOT: &[u8] = include_bytes!("anchors/acp_test_root.pem");
const TEST_MIDDLE: &[u8] = include_bytes!("anchors/acp_test_middle.pem");
const PROD_ROOT: &[u8] = include_bytes!("anchors/acp_prod_root.pem");
const PROD_MIDDLE: &[u8] = include_bytes!("anchors/acp_prod_middle.pem");

/// Which certificates to trust.
#[derive(Clone, Debug)]
pub enum TrustProfile {
    /// UnionPay's production root and middle; CN identity must be 中国银联股份有限公司.
    Production,
    /// UnionPay's test root and middle; CN identity 中国银联股份有限公司 or 00040000:SIGN.
    Test,
    /// Roots and middles the caller gives (e.g. the local sandbox's); each must be a CA
    /// certificate. CN identity 中国银联股份有限公司, and 00040000:SIGN only when the
    /// configuration asks for it.
    Custom(CustomTrust),
}

/// A caller-supplied trust configuration.
#[derive(Clone, Debug)]
pub struct CustomTrust {
    /// Trust anchors.
    pub roots: Vec<Certificate>,
    /// Intermediates that a leaf may be issued by.
    pub middles: Vec<Certificate>,
    /// Accept the old test identity `00040000:SIGN` as well as 中国银联股份有限公司. Off
    /// by default: UnionPay's encryption certificates carry that identity too, so with
    /// production anchors it would let an encryption certificate pass as a signer.
    pub allow_test_identity: bool,
}

impl CustomTrust {
    /// From PEM or DER bytes of roots and middles (each input may hold several PEM
    /// blocks); the test identity is not accepted (see [`CustomTrust::allow_test_identity`]).
    pub fn from_pem(roots: &[&[u8]], middles: &[&[u8]]) -> Result<Self> {
        Ok(CustomTrust {
            roots: parse_all(roots)?,
            middles: parse_all(middles)?,
            allow_test_identity: false,
        })
    }

    /// The same trust, also accepting the old test identity `00040000:SIGN`.
    pub fn with_test_identity(mut self) -> Self {
        self.allow_test_identity = true;
        self
    }
}

fn parse_all(inputs: &[&[u8]]) -> Result<Vec<Certificate>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.windows(10).any(|w| w == b"-----BEGIN") {
            for block in crate::pki::pem_blocks(input)? {
                if block.label == "CERTIFICATE" {
                    out.push(Certificate::from_der(&block.der)?);
                }
            }
        } else {
            out.push(Certificate::from_der(input)?);
        }
    }
    if out.is_empty() {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "no certificate was given for the custom trust profile",
        ));
    }
    Ok(out)
}

/// The resolved anchors of a profile.
#[derive(Clone, Debug)]
pub(crate) struct Anchors {
    pub roots: Vec<Certificate>,
    pub middles: Vec<Certificate>,
    pub allow_test_identity: bool,
}

impl TrustProfile {
    /// A stable name (`production`, `test`, `custom`).
    pub fn name(&self) -> &'static str {
        match self {
            TrustProfile::Production => "production",
            TrustProfile::Test => "test",
            TrustProfile::Custom(_) => "custom",
        }
    }

    pub(crate) fn anchors(&self) -> Result<Anchors> {
        let embedded = |root: &[u8], middle: &[u8], allow_test_identity| -> Result<Anchors> {
            Ok(Anchors {
                roots: vec![Certificate::parse(root)?],
                middles: vec![Certificate::parse(middle)?],
                allow_test_identity,
            })
        };
        match self {
            TrustProfile::Production => embedded(PROD_ROOT, PROD_MIDDLE, false),
            TrustProfile::Test => embedded(TEST_ROOT, TEST_MIDDLE, true),
            TrustProfile::Custom(c) => {
                for root in &c.roots {
                    check_anchor(root, "root")?;
                }
                for middle in &c.middles {
                    check_anchor(middle, "middle")?;
                }
                Ok(Anchors {
                    roots: c.roots.clone(),
                    middles: c.middles.clone(),
                    allow_test_identity: c.allow_test_identity,
                })
            }
        }
    }
}
