//! Validating a UnionPay signing certificate: leaf → middle → root (spec §5.2).
//!
//! UnionPay's chains are signed with SHA-1, which generic X.509 validators refuse, and
//! carry no policy a generic path builder would check; so the two links are checked here:
//! DER-equal issuer/subject names and an RSA signature for each link.

use super::policy::{check_signing_leaf, printable};
use super::trust::Anchors;
use crate::crypto::{CryptoBackend, HashAlg};
use crate::error::{Error, ErrorCode, Result, VerifyStep};
use crate::pki::{Certificate, SignatureAlgorithm};
use crate::time::Timestamp;

/// A certificate that passed chain and name checks, with the window in which the whole
/// chain is valid.
#[derive(Clone, Debug)]
pub(crate) struct ValidatedChain {
    pub not_before: Timestamp,
    pub not_after: Timestamp,
}

/// Checks chain, then name, usage and key of the signing certificate (validity is checked
/// by the caller against `now`, so that a cached result can be reused at another time).
pub(crate) fn validate_chain(
    leaf: &Certificate,
    anchors: &Anchors,
    backend: &dyn CryptoBackend,
) -> Result<ValidatedChain> {
    let chain = validate_links(leaf, anchors, backend)?;
    check_signing_leaf(leaf, anchors.allow_test_identity)?;
    Ok(chain)
}

/// Checks only the two links leaf → middle → root, not the CN: UnionPay's encryption
/// certificates (key update 95) carry the identity `00040000:SIGN` even in production,
/// which the signing-certificate name rule rejects.
pub(crate) fn validate_links(
    leaf: &Certificate,
    anchors: &Anchors,
    backend: &dyn CryptoBackend,
) -> Result<ValidatedChain> {
    let chain_err = |msg: String| Error::verify(ErrorCode::ChainInvalid, VerifyStep::Chain, msg);
    let middle = issuer_of(leaf, &anchors.middles, backend)?
        .ok_or_else(|| {
            chain_err(format!(
                "the signing certificate (issuer '{}') is not signed by a trusted middle certificate; check the trust profile (test or production; for the local sandbox, the custom trust of `acp sandbox --print-trust`)",
                printable(&leaf.issuer())
            ))
        })?;
    let root = issuer_of(middle, &anchors.roots, backend)?.ok_or_else(|| {
        chain_err(format!(
            "the middle certificate '{}' is not signed by a trusted root",
            printable(&middle.subject())
        ))
    })?;
    let certs = [leaf, middle, root];
    Ok(ValidatedChain {
        not_before: certs
            .iter()
            .map(|c| c.not_before())
            .max()
            .unwrap_or(leaf.not_before()),
        not_after: certs
            .iter()
            .map(|c| c.not_after())
            .min()
            .unwrap_or(leaf.not_after()),
    })
}

/// Whether `now` is inside the chain's validity window.
pub(crate) fn check_validity(
    chain: &ValidatedChain,
    leaf: &Certificate,
    now: Timestamp,
) -> Result<()> {
    if now < chain.not_before || now > chain.not_after {
        return Err(Error::verify(
            ErrorCode::CertNotValidNow,
            VerifyStep::Validity,
            format!(
                "the signing certificate {} (valid {} to {}, chain {} to {}) is not valid at {}",
                leaf.cert_id(),
                leaf.not_before(),
                leaf.not_after(),
                chain.not_before,
                chain.not_after,
                now
            ),
        ));
    }
    Ok(())
}

/// The candidate whose name and key issued `child`. A backend that cannot give a verdict
/// is an error, never a "no" that would hide it behind a chain failure.
fn issuer_of<'a>(
    child: &Certificate,
    candidates: &'a [Certificate],
    backend: &dyn CryptoBackend,
) -> Result<Option<&'a Certificate>> {
    let hash = match child.signature_algorithm() {
        SignatureAlgorithm::Sha1WithRsa => HashAlg::Sha1,
        SignatureAlgorithm::Sha256WithRsa => HashAlg::Sha256,
        _ => return Ok(None),
    };
    for candidate in candidates {
        if candidate.subject_der() != child.issuer_der() {
            continue;
        }
        let Ok(key) = candidate.public_key() else {
            continue;
        };
        let Ok(ops) = backend.load_public_key(key) else {
            continue;
        };
        if ops.verify_pkcs1v15(hash, child.tbs_der(), child.signature())? {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}
