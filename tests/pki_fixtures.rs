//! PKI against the real UnionPay/CFCA files, cross-checked with OpenSSL where present.
#![allow(clippy::disallowed_methods)] // tests read fixture files

use std::path::{Path, PathBuf};
use std::process::Command;
use unionpay_acp::pki::{
    parse_pkcs12, pem_blocks, Certificate, Pkcs12Contents, SignatureAlgorithm,
};
use unionpay_acp::{ErrorCode, Timestamp};

const PASSWORD: &str = "000000";

// certIds from tests/fixtures/official-certs/SOURCES.md (certs/ copies share them).
const EXPECTED: &[(&str, &str)] = &[
    ("official-certs/acp_test_sign.pfx", "69903319369"),
    ("official-certs/acp_test_sign__2018-2021.pfx", "69629715588"),
    ("official-certs/acp_test_sign__2015-2018.pfx", "68759663125"),
    ("official-certs/acp_test_sign_inst.pfx", "68759529225"),
    (
        "official-certs/cert__5.0.0_700000000000001_acp.pfx",
        "40220995861346480087409489142384722381",
    ),
    ("certs/acp_test_sign_2015_pwd000000.pfx", "68759663125"),
    (
        "official-certs/acp_test_root.cer",
        "387593676442880368392934",
    ),
    (
        "official-certs/acp_test_middle.cer",
        "117191299423423768281798",
    ),
    ("official-certs/acp_test_enc.cer", "69026275926"),
    ("official-certs/acp_test_enc__2015-2017.cer", "68759622183"),
    ("official-certs/acp_prod_root.cer", "405099140"),
    ("official-certs/acp_prod_middle.cer", "68719476761"),
    ("official-certs/acp_prod_enc.cer", "77447321186"),
    ("official-certs/acp_prod_enc__2014-2019.cer", "69042905377"),
    ("official-certs/verify_sign_acp.cer", "68759585097"),
    ("official-certs/verify_test.cer", "69026276696"),
    ("official-certs/unipayCertPublicKey.cer", "69678957876"),
    ("certs/acp_test_root.pem", "387593676442880368392934"),
    ("certs/acp_test_middle.pem", "117191299423423768281798"),
    ("certs/acp_test_enc_2017.pem", "69026275926"),
    ("certs/acp_prod_root.pem", "405099140"),
    ("certs/acp_prod_middle.pem", "68719476761"),
    ("certs/acp_prod_enc_2018.pem", "77447321186"),
    ("certs/acp_test_verify_sign_5.0.0.pem", "68759585097"),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn cert(rel: &str) -> Certificate {
    Certificate::parse(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn pfx(rel: &str) -> Pkcs12Contents {
    parse_pkcs12(&read(rel), PASSWORD).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn ts(rfc3339: &str) -> Timestamp {
    Timestamp::parse_rfc3339(rfc3339).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn openssl_available() -> bool {
    let ok = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("NOTE: openssl not found; skipping the OpenSSL cross-checks");
    }
    ok
}

fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn every_fixture_has_an_expected_cert_id() {
    for dir in ["official-certs", "certs"] {
        for entry in std::fs::read_dir(fixtures().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let rel = format!("{dir}/{name}");
            let is_pki = [".pfx", ".cer", ".pem"]
                .iter()
                .any(|ext| name.ends_with(ext));
            assert!(
                !is_pki || EXPECTED.iter().any(|(f, _)| *f == rel),
                "{rel} has no expected certId in this test"
            );
        }
    }
}

#[test]
fn every_file_yields_its_cert_id() {
    for (rel, id) in EXPECTED {
        let got = if rel.ends_with(".pfx") {
            pfx(rel).certificate.cert_id()
        } else {
            cert(rel).cert_id()
        };
        assert_eq!(&got, id, "{rel}");
    }
}

#[test]
fn pfx_certificates_and_keys() {
    for (rel, _) in EXPECTED.iter().filter(|(f, _)| f.ends_with(".pfx")) {
        let c = pfx(rel);
        let key = c.certificate.public_key().unwrap();
        assert_eq!(
            c.certificate.key_bits(),
            if rel.contains("5.0.0") { 1024 } else { 2048 }
        );
        // The PKCS#8 key must be usable by the rsa crate and match the certificate.
        use rsa::pkcs8::DecodePrivateKey;
        let private = rsa::PrivateKey::from_pkcs8_der(&c.private_key_pkcs8).unwrap();
        use rsa::pkcs1::EncodeRsaPublicKey;
        let public: &rsa::PublicKey = private.as_ref();
        assert_eq!(
            public.to_pkcs1_der().unwrap().as_bytes(),
            key.pkcs1_der(),
            "{rel}"
        );
        let cn = c.certificate.subject_cn().unwrap();
        assert!(
            cn.starts_with("041@") && cn.contains(":SIGN@"),
            "{rel}: {cn}"
        );
        let shown = format!("{c:?}");
        assert!(shown.contains("<redacted>") && shown.contains(&c.certificate.cert_id()));
    }
    let c = pfx("official-certs/acp_test_sign__2015-2018.pfx");
    assert_eq!(c.extra_certificates.len(), 2);
    assert_eq!(
        c.certificate.subject_cn().as_deref(),
        Some("041@Z2014-11-11@700000000000001:SIGN@00000006")
    );
    let extras: Vec<String> = c
        .extra_certificates
        .iter()
        .map(Certificate::subject)
        .collect();
    assert_eq!(extras, ["C=CN, O=CFCA", "C=CN, O=BOC"]);
    // The CFCA extra certificate is valid until the year 4749.
    assert_eq!(c.extra_certificates[0].not_after().to_utc().year, 4749);
    assert_eq!(c.certificate.not_before(), ts("2015-12-16T08:25:07Z"));
    assert_eq!(c.certificate.not_after(), ts("2018-12-16T08:25:07Z"));

    let current = pfx("official-certs/acp_test_sign.pfx");
    assert_eq!(
        current.certificate.subject(),
        "C=cn, O=CFCA OCA1, OU=Local RA OCA1, OU=Enterprises, \
         CN=041@Z2014-11-11@700000000000001:SIGN@00000003"
    );
    assert_eq!(
        current.certificate.issuer_der(),
        cert("certs/acp_test_middle.pem").subject_der()
    );
    assert_eq!(current.extra_certificates.len(), 2);
}

#[test]
fn wrong_password_is_reported_as_such() {
    for (rel, _) in EXPECTED.iter().filter(|(f, _)| f.ends_with(".pfx")) {
        for wrong in ["", "00000", "0000000", "111111", "密码"] {
            let err = parse_pkcs12(&read(rel), wrong).unwrap_err();
            assert_eq!(
                err.code(),
                ErrorCode::Pkcs12WrongPassword,
                "{rel} {wrong:?}"
            );
        }
    }
}

/// Either the original result (any result for a file without a MAC, whose contents
/// can change undetected), or one of the errors a broken file may produce.
fn assert_survives(bytes: &[u8], password: &str, original: Option<&str>, what: &str) {
    match parse_pkcs12(bytes, password) {
        Ok(c) => {
            if let Some(id) = original {
                assert_eq!(c.certificate.cert_id(), id, "{what}");
            }
        }
        Err(e) => assert!(
            matches!(
                e.code(),
                ErrorCode::Pkcs12Malformed
                    | ErrorCode::Pkcs12WrongPassword
                    | ErrorCode::Pkcs12Unsupported
                    | ErrorCode::KeyMalformed
                    | ErrorCode::KeyNotFound
            ),
            "{what}: {e}"
        ),
    }
}

#[test]
fn truncated_and_garbled_pfx_never_panic() {
    let bytes = read("official-certs/acp_test_sign__2015-2018.pfx");
    for len in 0..bytes.len() {
        let err = parse_pkcs12(&bytes[..len], PASSWORD).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Pkcs12Malformed, "truncated to {len}");
    }
    let mut extended = bytes.clone();
    extended.push(0);
    assert_eq!(
        parse_pkcs12(&extended, PASSWORD).unwrap_err().code(),
        ErrorCode::Pkcs12Malformed
    );

    // Every byte of the DER structure up to the first encrypted payload, then a stride.
    let positions = (0..120).chain((120..bytes.len()).step_by(37));
    for i in positions {
        for mask in [0x01u8, 0x80, 0xFF] {
            let mut garbled = bytes.clone();
            garbled[i] ^= mask;
            assert_survives(
                &garbled,
                PASSWORD,
                Some("68759663125"),
                &format!("byte {i} ^ {mask:#x}"),
            );
        }
    }
}

#[test]
fn certificate_fields_match_openssl() {
    let root = cert("official-certs/acp_test_root.cer");
    let middle = cert("official-certs/acp_test_middle.cer");
    assert_eq!(
        root.subject(),
        "C=CN, O=China Financial Certification Authority, CN=CFCA TEST CS CA"
    );
    assert_eq!(root.issuer(), root.subject());
    assert_eq!(
        middle.subject(),
        "C=CN, O=China Financial Certification Authority, CN=CFCA TEST OCA1"
    );
    assert_eq!(middle.issuer_der(), root.subject_der());
    assert_eq!(root.not_before(), ts("2012-08-29T05:01:29Z"));
    assert_eq!(root.not_after(), ts("2032-08-29T05:01:29Z"));
    assert_eq!(hex(middle.serial()), "18D0F3FC7F7D1DDFC2C6");

    let leaf = cert("official-certs/unipayCertPublicKey.cer");
    assert_eq!(
        leaf.subject_cn().as_deref(),
        Some("041@8310000000083040@中国银联股份有限公司@00016495")
    );
    assert_eq!(
        leaf.subject(),
        "C=cn, O=CFCA OCA1, OU=Local RA OCA1, OU=Enterprises, \
         CN=041@8310000000083040@中国银联股份有限公司@00016495"
    );
    assert_eq!(leaf.issuer(), middle.subject());
    assert_eq!(leaf.not_before(), ts("2020-07-31T01:19:16Z"));
    assert_eq!(leaf.not_after(), ts("2025-07-31T01:19:16Z"));
    assert_eq!(leaf.signature_algorithm(), SignatureAlgorithm::Sha1WithRsa);
    assert_eq!(leaf.signature_algorithm_oid(), "1.2.840.113549.1.1.5");
    assert_eq!(leaf.key_bits(), 2048);
    assert_eq!(leaf.public_key().unwrap().exponent(), [1, 0, 1]);

    let prod = cert("official-certs/acp_prod_middle.cer");
    assert_eq!(prod.subject(), "C=CN, O=CFCA OCA1");
    assert_eq!(prod.issuer(), "C=CN, O=CFCA CS CA");
    assert_eq!(prod.not_before(), ts("2011-05-20T17:41:24Z"));
    assert_eq!(prod.not_after(), ts("2031-05-15T17:41:24Z"));

    // PEM and DER of the same certificate parse to the same thing.
    let der_parsed = Certificate::parse(leaf.der()).unwrap();
    assert_eq!(der_parsed, leaf);
    assert_eq!(format!("{der_parsed:?}"), format!("{leaf:?}"));
    assert!(format!("{leaf:?}").contains("69678957876"));

    if !openssl_available() {
        return;
    }
    for (rel, _) in EXPECTED.iter().filter(|(f, _)| !f.ends_with(".pfx")) {
        let path = fixtures().join(rel);
        let path = path.to_str().unwrap();
        let c = cert(rel);
        let der = openssl(&["x509", "-in", path, "-outform", "DER"]);
        assert_eq!(c.der(), der.as_slice(), "{rel}");
        let text = String::from_utf8(openssl(&[
            "x509",
            "-in",
            path,
            "-noout",
            "-serial",
            "-dates",
            "-fingerprint",
            "-sha256",
        ]))
        .unwrap();
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .unwrap_or_else(|| panic!("{name} in {text}"))
                .to_string()
        };
        assert_eq!(hex(c.serial()), field("serial="), "{rel}");
        assert_eq!(
            c.sha256_hex(),
            field("sha256 Fingerprint=").replace(':', "").to_lowercase()
        );
        let date = |ts: Timestamp| {
            let t = ts.to_utc();
            let month = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ][t.month as usize - 1];
            format!(
                "{month} {:>2} {:02}:{:02}:{:02} {} GMT",
                t.day, t.hour, t.minute, t.second, t.year
            )
        };
        assert_eq!(date(c.not_before()), field("notBefore="), "{rel}");
        assert_eq!(date(c.not_after()), field("notAfter="), "{rel}");
    }
}

fn verifies(child: &Certificate, issuer: &Certificate) -> bool {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::signature::Verifier;
    let key = rsa::PublicKey::from_pkcs1_der(issuer.public_key().unwrap().pkcs1_der()).unwrap();
    let Ok(signature) = rsa::pkcs1v15::Signature::try_from(child.signature()) else {
        return false;
    };
    assert_eq!(child.signature_algorithm(), SignatureAlgorithm::Sha1WithRsa);
    rsa::pkcs1v15::VerifyingKey::<sha1::Sha1>::new(key)
        .verify(child.tbs_der(), &signature)
        .is_ok()
}

#[test]
fn chains_verify_with_the_rsa_crate() {
    let root = cert("official-certs/acp_test_root.cer");
    let middle = cert("official-certs/acp_test_middle.cer");
    assert!(verifies(&root, &root));
    assert!(verifies(&middle, &root));
    for leaf in [
        "unipayCertPublicKey.cer",
        "verify_test.cer",
        "verify_sign_acp.cer",
        "acp_test_enc.cer",
    ] {
        let leaf = cert(&format!("official-certs/{leaf}"));
        assert!(verifies(&leaf, &middle), "{leaf:?}");
        assert_eq!(leaf.issuer_der(), middle.subject_der());
        assert!(!verifies(&leaf, &root));
    }
    assert!(verifies(
        &pfx("official-certs/acp_test_sign.pfx").certificate,
        &middle
    ));
    let prod_root = cert("official-certs/acp_prod_root.cer");
    let prod_middle = cert("official-certs/acp_prod_middle.cer");
    assert!(verifies(&prod_middle, &prod_root));
    assert!(verifies(
        &cert("official-certs/acp_prod_enc.cer"),
        &prod_middle
    ));
    assert!(!verifies(&prod_middle, &root));

    // A single flipped bit in the signed part breaks the signature.
    let mut der = middle.der().to_vec();
    der[200] ^= 1;
    let tampered = Certificate::from_der(&der).unwrap();
    assert!(!verifies(&tampered, &root));
}

#[test]
fn garbled_certificates_never_panic() {
    let pem = read("official-certs/unipayCertPublicKey.cer");
    let der = cert("official-certs/unipayCertPublicKey.cer")
        .der()
        .to_vec();
    for len in 0..der.len() {
        let err = Certificate::from_der(&der[..len]).unwrap_err();
        assert_eq!(
            err.code(),
            ErrorCode::CertificateMalformed,
            "truncated to {len}"
        );
    }
    for i in 0..der.len() {
        for mask in [0x01u8, 0x80, 0xFF] {
            let mut garbled = der.clone();
            garbled[i] ^= mask;
            if let Err(e) = Certificate::from_der(&garbled) {
                assert_eq!(e.code(), ErrorCode::CertificateMalformed, "byte {i}");
            }
        }
    }
    for i in (0..pem.len()).step_by(3) {
        let mut garbled = pem.clone();
        garbled[i] ^= 0x20;
        if let Err(e) = Certificate::parse(&garbled) {
            assert!(
                matches!(
                    e.code(),
                    ErrorCode::PemMalformed | ErrorCode::CertificateMalformed
                ),
                "{e}"
            );
        }
    }
    assert_eq!(
        Certificate::parse(b"").unwrap_err().code(),
        ErrorCode::PemMalformed
    );
    assert_eq!(pem_blocks(&pem).unwrap()[0].der, der);
}

#[test]
fn pfx_keys_and_certificates_match_openssl() {
    if !openssl_available() {
        return;
    }
    for (rel, _) in EXPECTED.iter().filter(|(f, _)| f.ends_with(".pfx")) {
        let path = fixtures().join(rel);
        let path = path.to_str().unwrap();
        let ours = pfx(rel);
        let base = ["pkcs12", "-legacy", "-in", path, "-passin", "pass:000000"];
        let key_pem = openssl(&[&base[..], &["-nocerts", "-nodes"]].concat());
        let modulus = openssl_modulus(&key_pem);
        assert_eq!(
            modulus,
            hex(ours.certificate.public_key().unwrap().modulus()),
            "{rel}"
        );
        let blocks = pem_blocks(&key_pem).unwrap();
        let key_block = blocks.iter().find(|b| b.label == "PRIVATE KEY").unwrap();
        // OpenSSL drops the PKCS#8 attributes (a Microsoft key-usage attribute in these
        // files) when printing, so compare the keys rather than the bytes.
        use rsa::pkcs8::DecodePrivateKey;
        let theirs = rsa::PrivateKey::from_pkcs8_der(&key_block.der).unwrap();
        let ours_key = rsa::PrivateKey::from_pkcs8_der(&ours.private_key_pkcs8).unwrap();
        assert!(theirs == ours_key, "{rel}");
        let leaf = openssl(&[&base[..], &["-nokeys", "-clcerts"]].concat());
        assert_eq!(
            Certificate::from_pem(&leaf).unwrap(),
            ours.certificate,
            "{rel}"
        );
        let all = openssl(&[&base[..], &["-nokeys"]].concat());
        assert_eq!(
            pem_blocks(&all).unwrap().len(),
            1 + ours.extra_certificates.len()
        );
    }
}

fn openssl_modulus(key_pem: &[u8]) -> String {
    let dir = TempDir::new("modulus");
    let key = dir.path("key.pem");
    std::fs::write(&key, key_pem).unwrap();
    let out = String::from_utf8(openssl(&[
        "rsa",
        "-in",
        key.to_str().unwrap(),
        "-noout",
        "-modulus",
    ]))
    .unwrap();
    out.trim().strip_prefix("Modulus=").unwrap().to_string()
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("acp-pki-{}-{tag}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn arg(&self, name: &str) -> String {
        self.path(name).to_str().unwrap().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh key and self-signed certificate, as PEM files in `dir`.
fn fresh_key(dir: &TempDir, algorithm: &[&str]) -> Certificate {
    let (key, cert) = (dir.arg("key.pem"), dir.arg("cert.pem"));
    let subject = ["-subj", "/C=CN/O=Test/CN=modern pfx"];
    let files = ["-keyout", &key, "-out", &cert];
    openssl(
        &[
            &["req", "-x509", "-nodes", "-days", "2"][..],
            &subject,
            algorithm,
            &files,
        ]
        .concat(),
    );
    Certificate::from_pem(&std::fs::read(dir.path("cert.pem")).unwrap()).unwrap()
}

fn export(dir: &TempDir, password: &str, options: &[&str]) -> Vec<u8> {
    let pass = format!("pass:{password}");
    let (key, cert, out) = (dir.arg("key.pem"), dir.arg("cert.pem"), dir.arg("out.pfx"));
    let files = [
        "-inkey", &key, "-in", &cert, "-out", &out, "-passout", &pass,
    ];
    openssl(&[&["pkcs12", "-export"][..], &files, options].concat());
    std::fs::read(dir.path("out.pfx")).unwrap()
}

#[test]
fn pfx_written_by_openssl_3_loads() {
    if !openssl_available() {
        return;
    }
    let dir = TempDir::new("modern");
    let cert = fresh_key(&dir, &["-newkey", "rsa:2048"]);
    let key_der = pem_blocks(&std::fs::read(dir.path("key.pem")).unwrap()).unwrap()[0]
        .der
        .clone();
    let variants: &[(&str, &[&str])] = &[
        ("default (PBES2 AES-256, SHA-256 MAC)", &[]),
        ("legacy (RC2-40 + 3DES, SHA-1 MAC)", &["-legacy"]),
        (
            "AES-128, SHA-1 MAC",
            &[
                "-keypbe",
                "AES-128-CBC",
                "-certpbe",
                "AES-128-CBC",
                "-macalg",
                "sha1",
            ],
        ),
        (
            "AES-192 + 3DES-CBC, SHA-512 MAC",
            &[
                "-keypbe",
                "AES-192-CBC",
                "-certpbe",
                "DES-EDE3-CBC",
                "-macalg",
                "sha512",
            ],
        ),
        (
            "RC2-128 + 2-key 3DES",
            &[
                "-legacy",
                "-keypbe",
                "PBE-SHA1-2DES",
                "-certpbe",
                "PBE-SHA1-RC2-128",
            ],
        ),
        ("no MAC", &["-nomac"]),
        ("no encryption", &["-keypbe", "NONE", "-certpbe", "NONE"]),
        ("many iterations", &["-iter", "100000"]),
    ];
    for (what, options) in variants {
        let bytes = export(&dir, "s3cret", options);
        let c = parse_pkcs12(&bytes, "s3cret").unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(c.certificate, cert, "{what}");
        assert_eq!(c.private_key_pkcs8.as_slice(), key_der.as_slice(), "{what}");
        assert!(c.extra_certificates.is_empty());
        let err = parse_pkcs12(&bytes, "wrong").map(|_| ()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Pkcs12WrongPassword, "{what}");
    }

    // Non-ASCII passwords: BMPString for the MAC, UTF-8 for PBES2, as OpenSSL does.
    for options in [&[][..], &["-legacy"]] {
        let bytes = export(&dir, "密码pässword", options);
        let c = parse_pkcs12(&bytes, "密码pässword").unwrap();
        assert_eq!(c.certificate, cert);
    }

    // An empty password works too.
    let bytes = export(&dir, "", &[]);
    assert_eq!(parse_pkcs12(&bytes, "").unwrap().certificate, cert);
}

#[test]
fn unusable_pfx_contents_are_reported() {
    if !openssl_available() {
        return;
    }
    let dir = TempDir::new("unusable");
    fresh_key(
        &dir,
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    );
    let bytes = export(&dir, "pw", &[]);
    assert_eq!(
        parse_pkcs12(&bytes, "pw").unwrap_err().code(),
        ErrorCode::KeyMalformed
    );

    fresh_key(&dir, &["-newkey", "rsa:1024"]);
    let bytes = export(&dir, "pw", &["-nokeys"]);
    assert_eq!(
        parse_pkcs12(&bytes, "pw").unwrap_err().code(),
        ErrorCode::KeyNotFound
    );

    // A key whose certificate is missing.
    let bytes = export(&dir, "pw", &["-nocerts"]);
    assert_eq!(
        parse_pkcs12(&bytes, "pw").unwrap_err().code(),
        ErrorCode::KeyNotFound
    );
}

#[test]
fn garbled_unprotected_pfx_never_panics() {
    if !openssl_available() {
        return;
    }
    // Without MAC and encryption every flipped byte reaches the bag, key and
    // certificate parsers instead of being caught by the MAC.
    let dir = TempDir::new("fuzz");
    let cert = fresh_key(&dir, &["-newkey", "rsa:1024"]);
    // Decrypting is slow in debug builds: visit every byte only of the plain file.
    for (options, stride) in [
        (&["-nomac", "-keypbe", "NONE", "-certpbe", "NONE"][..], 1),
        (&["-nomac", "-legacy"], 5),
        (&["-nomac"], 11),
    ] {
        let bytes = export(&dir, "pw", options);
        assert_eq!(parse_pkcs12(&bytes, "pw").unwrap().certificate, cert);
        for len in 0..bytes.len() {
            let err = parse_pkcs12(&bytes[..len], "pw").unwrap_err();
            assert_eq!(err.code(), ErrorCode::Pkcs12Malformed, "truncated to {len}");
        }
        for i in (0..bytes.len()).step_by(stride) {
            for mask in [0x01u8, 0x80] {
                let mut garbled = bytes.clone();
                garbled[i] ^= mask;
                assert_survives(&garbled, "pw", None, &format!("{options:?} byte {i}"));
            }
        }
    }
}
