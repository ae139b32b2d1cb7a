#![allow(clippy::disallowed_methods)] // tests read fixture files
//! Runs the shared vectors (`tests/vectors/*.json`) against every crypto backend of this build.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use unionpay_acp::card::{decrypt_text, encrypt_field, pin_block, CustomerInfo, CustomerInfoMode};
use unionpay_acp::crypto::{portable::PortableBackend, CryptoBackend, HashAlg};
use unionpay_acp::form::{
    canonical_string, encode_form, parse_notify_body, parse_notify_body_borrowed, parse_sync_body,
    parse_sync_body_borrowed,
};
use unionpay_acp::pki::{parse_pkcs12, Certificate};
use unionpay_acp::secret::{CardExpiry, Cvn2, Pan, PhoneNumber, Pin, SecureKey};
use unionpay_acp::{
    sign_fields, Credentials, CustomTrust, EncryptionCert, Error, Fields, FixedRandom, MerchantKey,
    SignMethod, Timestamp, TrustProfile, Verifier,
};

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(tests_dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn load(name: &str) -> Value {
    serde_json::from_slice(&read(&format!("vectors/{name}"))).unwrap()
}

fn backends() -> Vec<Arc<dyn CryptoBackend>> {
    #[cfg_attr(not(feature = "native"), allow(unused_mut))]
    let mut v: Vec<Arc<dyn CryptoBackend>> = vec![Arc::new(PortableBackend)];
    #[cfg(feature = "native")]
    v.push(Arc::new(unionpay_acp::crypto::native::NativeBackend));
    v
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("missing string '{key}' in {v}"))
}

fn fields_of(v: &Value) -> Fields {
    let mut f = Fields::new();
    for (k, val) in v.as_object().unwrap() {
        f.insert_raw(k.clone(), val.as_str().unwrap().to_owned());
    }
    f
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Every test of a file, with its group, checked by `f`; counts must match the header.
fn each_test(file: &str, mut f: impl FnMut(&Value, &Value)) {
    let doc = load(file);
    let mut n = 0;
    for group in doc["testGroups"].as_array().unwrap() {
        for test in group["tests"].as_array().unwrap() {
            f(group, test);
            n += 1;
        }
    }
    assert_eq!(
        n,
        doc["numberOfTests"].as_u64().unwrap() as usize,
        "{file}: test count"
    );
    assert!(n > 0);
}

fn expect_outcome<T>(test: &Value, result: Result<T, Error>, check: impl FnOnce(T)) {
    let id = &test["tcId"];
    match (str_of(test, "result"), result) {
        ("valid", Ok(v)) => check(v),
        ("valid", Err(e)) => panic!("tcId {id} ({}): unexpected error {e}", test["comment"]),
        (_, Ok(_)) => panic!(
            "tcId {id} ({}): expected error {}",
            test["comment"], test["errorCode"]
        ),
        (_, Err(e)) => {
            assert_eq!(
                u64::from(e.code().code()),
                test["errorCode"].as_u64().unwrap(),
                "tcId {id} ({}): {e}",
                test["comment"]
            );
            if let Some(step) = test["errorStep"].as_str() {
                assert_eq!(
                    e.step().map(|s| s.name()),
                    Some(step),
                    "tcId {id}: step of {e}"
                );
            }
        }
    }
}

#[test]
fn canonical_strings_and_digests() {
    each_test("canonical.json", |_, t| {
        let canonical = canonical_string(&fields_of(&t["fields"]));
        assert_eq!(canonical, str_of(t, "canonical"), "tcId {}", t["tcId"]);
        assert_eq!(
            HashAlg::Sha256.hex_digest(canonical.as_bytes()),
            str_of(t, "sha256")
        );
        assert_eq!(
            HashAlg::Sha1.hex_digest(canonical.as_bytes()),
            str_of(t, "sha1")
        );
    });
}

#[test]
fn signatures() {
    for backend in backends() {
        each_test("sign.json", |g, t| {
            let mut fields = fields_of(&t["fields"]);
            let credentials = (|| {
                let method = SignMethod::parse(fields.get("signMethod").unwrap_or("01"))?;
                Ok(match g["pfx"].as_str() {
                    Some(pfx) => Credentials::Rsa(MerchantKey::from_pkcs12(
                        &read(pfx),
                        str_of(g, "password"),
                        backend.as_ref(),
                    )?),
                    None => Credentials::SecureKey {
                        method,
                        key: SecureKey::new(str_of(g, "secureKey"))?,
                    },
                })
            })();
            let result = credentials.and_then(|c| sign_fields(&mut fields, &c));
            expect_outcome(t, result, |info| {
                assert_eq!(info.canonical, str_of(t, "canonical"));
                assert_eq!(info.digest_hex, str_of(t, "digestHex"));
                assert_eq!(
                    fields.get("signature"),
                    Some(str_of(t, "signature")),
                    "tcId {} on {}",
                    t["tcId"],
                    backend.name()
                );
                assert_eq!(fields, fields_of(&t["signedFields"]));
            });
        });
    }
}

fn verifier_for(group: &Value, backend: Arc<dyn CryptoBackend>) -> Verifier {
    let files = |key: &str| -> Vec<Vec<u8>> {
        group[key]
            .as_array()
            .map(|a| a.iter().map(|p| read(p.as_str().unwrap())).collect())
            .unwrap_or_default()
    };
    let profile = match group["trust"].as_str() {
        Some("production") => TrustProfile::Production,
        Some("custom") => {
            let (roots, middles) = (files("roots"), files("middles"));
            let r: Vec<&[u8]> = roots.iter().map(Vec::as_slice).collect();
            let m: Vec<&[u8]> = middles.iter().map(Vec::as_slice).collect();
            TrustProfile::Custom(CustomTrust::from_pem(&r, &m).unwrap())
        }
        _ => TrustProfile::Test,
    };
    let mut v = Verifier::new(profile, backend).unwrap();
    if let Some(key) = group["secureKey"].as_str() {
        v = v.with_secure_key(SecureKey::new(key).unwrap()).unwrap();
    }
    let certs = files("verifyCerts")
        .iter()
        .map(|b| Certificate::parse(b).unwrap())
        .collect();
    v.with_verify_certs(certs)
}

#[test]
fn verification() {
    for backend in backends() {
        each_test("verify.json", |g, t| {
            // A fresh verifier per case and a second call on the same one: the second
            // exercises the certificate cache.
            let verifier = verifier_for(g, backend.clone());
            let now = Timestamp::parse_rfc3339(str_of(t, "now")).unwrap();
            for _ in 0..2 {
                let result = match str_of(t, "bodyKind") {
                    "fields" => {
                        let f = fields_of(&t["input"]);
                        verifier.verify_fields(&f, now).map(|()| f)
                    }
                    "sync" => verifier.verify_sync_body(str_of(t, "input").as_bytes(), now),
                    _ => verifier.verify_notify_body(str_of(t, "input").as_bytes(), now),
                };
                expect_outcome(t, result, |fields| {
                    assert_eq!(fields, fields_of(&t["fields"]), "tcId {}", t["tcId"])
                });
                // Parsed in place: the same outcome and the same fields.
                let borrowed = match str_of(t, "bodyKind") {
                    "fields" => continue,
                    "sync" => {
                        verifier.verify_sync_body_borrowed(str_of(t, "input").as_bytes(), now)
                    }
                    _ => verifier.verify_notify_body_borrowed(str_of(t, "input").as_bytes(), now),
                };
                expect_outcome(t, borrowed.map(|f| f.to_fields()), |fields| {
                    assert_eq!(fields, fields_of(&t["fields"]), "tcId {}", t["tcId"])
                });
            }
        });
    }
}

#[test]
fn encryption_with_fixed_randomness() {
    each_test("encrypt.json", |g, t| {
        let cert = EncryptionCert::parse(&read(str_of(g, "cert"))).unwrap();
        assert_eq!(cert.cert_id(), str_of(g, "encryptCertId"));
        let plaintext = match t["plaintextHex"].as_str() {
            Some(h) => hex(h),
            None => str_of(t, "plaintext").as_bytes().to_vec(),
        };
        let mut rng = FixedRandom::new(hex(t["random"].as_str().unwrap_or("")));
        expect_outcome(t, encrypt_field(&cert, &plaintext, &mut rng), |ct| {
            assert_eq!(ct, str_of(t, "ciphertext"), "tcId {}", t["tcId"]);
        });
    });
}

fn customer_info_of(v: &Value) -> Result<(CustomerInfo, Option<String>), Error> {
    let get = |k: &str| v[k].as_str().map(str::to_owned);
    let info = CustomerInfo {
        certif_tp: get("certifTp"),
        certif_id: get("certifId"),
        customer_nm: get("customerNm"),
        phone_no: get("phoneNo").map(PhoneNumber::new).transpose()?,
        sms_code: get("smsCode"),
        pin: None,
        cvn2: get("cvn2").map(Cvn2::new).transpose()?,
        expired: get("expired").map(CardExpiry::new).transpose()?,
    };
    Ok((info, get("pin")))
}

#[test]
fn customer_info_and_pin_blocks() {
    each_test("customer_info.json", |g, t| {
        if g["operation"] == "pinBlock" {
            let result = Pin::new(str_of(t, "pin"))
                .and_then(|pin| Ok(pin_block(&pin, &Pan::new(str_of(t, "pan"))?)));
            expect_outcome(t, result, |block| {
                let h: String = block.iter().map(|b| format!("{b:02X}")).collect();
                assert_eq!(h, str_of(t, "pinBlockHex"));
            });
            return;
        }
        let cert = EncryptionCert::parse(&read(str_of(g, "cert"))).unwrap();
        let mode = if str_of(t, "mode") == "plain" {
            CustomerInfoMode::Plain
        } else {
            CustomerInfoMode::Encrypted
        };
        let mut rng = FixedRandom::new(hex(t["random"].as_str().unwrap_or("")));
        let result = customer_info_of(&t["customerInfo"]).and_then(|(info, pin)| {
            info.build_with_encrypted_pin(mode, Some(&cert), pin.as_deref(), &mut rng)
        });
        expect_outcome(t, result, |value| {
            assert_eq!(value, str_of(t, "value"), "tcId {}", t["tcId"])
        });
    });
}

#[test]
fn decryption() {
    for backend in backends() {
        each_test("decrypt.json", |g, t| {
            let key = MerchantKey::from_pkcs12(
                &read(str_of(g, "pfx")),
                str_of(g, "password"),
                backend.as_ref(),
            )
            .unwrap();
            let result = decrypt_text(&key, str_of(t, "ciphertext"));
            expect_outcome(t, result, |plain| {
                assert_eq!(plain.as_str(), str_of(t, "plaintext"), "tcId {}", t["tcId"])
            });
        });
    }
}

#[test]
fn pkcs12_files() {
    each_test("pkcs12.json", |_, t| {
        let result = parse_pkcs12(&read(str_of(t, "file")), str_of(t, "password"));
        expect_outcome(t, result, |p| {
            let c = &p.certificate;
            assert_eq!(c.cert_id(), str_of(t, "certId"));
            assert_eq!(c.subject(), str_of(t, "subject"));
            assert_eq!(c.not_before().to_rfc3339(), str_of(t, "notBefore"));
            assert_eq!(c.not_after().to_rfc3339(), str_of(t, "notAfter"));
            assert_eq!(c.key_bits() as u64, t["keyBits"].as_u64().unwrap());
            let modulus = c.public_key().unwrap().modulus();
            assert_eq!(
                HashAlg::Sha256.hex_digest(modulus),
                str_of(t, "modulusSha256")
            );
        });
    });
}

#[test]
fn form_parsing_and_encoding() {
    each_test("forms.json", |g, t| {
        let input = || match t["inputHex"].as_str() {
            Some(h) => hex(h),
            None => str_of(t, "input").as_bytes().to_vec(),
        };
        match str_of(g, "operation") {
            "parseSync" => {
                expect_outcome(t, parse_sync_body(&input()), |f| {
                    assert_eq!(f, fields_of(&t["fields"]), "tcId {}", t["tcId"])
                });
                let body = input();
                expect_outcome(
                    t,
                    parse_sync_body_borrowed(&body).map(|f| f.to_fields()),
                    |f| assert_eq!(f, fields_of(&t["fields"]), "tcId {}", t["tcId"]),
                )
            }
            "parseNotify" => {
                expect_outcome(t, parse_notify_body(&input()), |f| {
                    assert_eq!(f, fields_of(&t["fields"]), "tcId {}", t["tcId"])
                });
                let body = input();
                expect_outcome(
                    t,
                    parse_notify_body_borrowed(&body).map(|f| f.to_fields()),
                    |f| assert_eq!(f, fields_of(&t["fields"]), "tcId {}", t["tcId"]),
                )
            }
            _ => assert_eq!(
                encode_form(&fields_of(&t["fields"])),
                str_of(t, "body"),
                "tcId {}",
                t["tcId"]
            ),
        }
    });
}

#[test]
fn gateway_signing_round_trips_through_custom_trust() {
    let key = MerchantKey::from_pem(
        &read("fixtures/sandbox/sign.key.pem"),
        &read("fixtures/sandbox/sign.pem"),
        &PortableBackend,
    )
    .unwrap();
    let mut fields: Fields = [
        ("version", "5.1.0"),
        ("encoding", "UTF-8"),
        ("txnType", "01"),
        ("respCode", "00"),
        ("respMsg", "成功[0000000]"),
        (
            "tokenPayData",
            "{token=6235240000020757577&trId=62000000001}",
        ),
    ]
    .into_iter()
    .collect();
    unionpay_acp::sign_as_gateway(&mut fields, &key).unwrap();
    assert!(fields.get("signPubKeyCert").unwrap().contains("\r\n"));
    assert!(!fields.contains("certId"));
    let trust = CustomTrust::from_pem(
        &[&read("fixtures/sandbox/root.pem")],
        &[&read("fixtures/sandbox/middle.pem")],
    )
    .unwrap();
    let verifier = Verifier::new(TrustProfile::Custom(trust), Arc::new(PortableBackend)).unwrap();
    let now = Timestamp::parse_rfc3339("2026-11-25T00:00:00Z").unwrap();
    verifier.verify_fields(&fields, now).unwrap();
    // The same message through the wire: a raw sync body parses back byte for byte.
    let body: String = fields
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    assert_eq!(
        verifier.verify_sync_body(body.as_bytes(), now).unwrap(),
        fields
    );
    fields.set("respCode", "01");
    assert_eq!(
        verifier.verify_fields(&fields, now).unwrap_err().code(),
        unionpay_acp::ErrorCode::SignatureMismatch
    );
}
