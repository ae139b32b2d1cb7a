//! The subcommands. Each converts CLI input to core calls and core results to JSON.

use crate::args::Args;
use crate::host;
use serde_json::{json, Map, Value};
use std::process::ExitCode;
use std::sync::Arc;
use unionpay_acp::crypto::default_backend;
use unionpay_acp::pki::{parse_pkcs12, Certificate};
use unionpay_acp::secret::SecureKey;
use unionpay_acp::{
    card, sign_fields, Credentials, CustomTrust, EncryptionCert, Error, Fields, MerchantKey,
    SignMethod, Timestamp, TrustProfile, Verifier,
};

fn core(e: Error) -> String {
    e.to_string()
}

fn print_json(v: &Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(v).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}

/// `acp inspect FILE [--password P]`
pub fn inspect(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["password"])?;
    let [path] = args.positional.as_slice() else {
        return Err("inspect takes exactly one FILE".into());
    };
    let bytes = host::read_file(path)?;
    let cert = match args.one("password") {
        Some(password) => parse_pkcs12(&bytes, password).map_err(core)?.certificate,
        None if looks_like_pkcs12(&bytes) => {
            return Err("this looks like a PKCS#12 file: pass --password".into());
        }
        None => Certificate::parse(&bytes).map_err(core)?,
    };
    print_json(&certificate_json(&cert))?;
    Ok(ExitCode::SUCCESS)
}

fn looks_like_pkcs12(bytes: &[u8]) -> bool {
    // A PFX is a DER SEQUENCE whose first element is INTEGER 3; a certificate's first
    // element is another SEQUENCE.
    matches!(bytes, [0x30, _, ..]) && bytes.windows(3).take(6).any(|w| w == [0x02, 0x01, 0x03])
}

fn certificate_json(cert: &Certificate) -> Value {
    json!({
        "certId": cert.cert_id(),
        "subject": cert.subject(),
        "issuer": cert.issuer(),
        "notBefore": cert.not_before().to_rfc3339(),
        "notAfter": cert.not_after().to_rfc3339(),
        "keyBits": cert.key_bits(),
        "signatureAlgorithm": format!("{:?}", cert.signature_algorithm()),
        "sha256": cert.sha256_hex(),
    })
}

/// `acp sign --pfx FILE --password P [--sign-method 01|11|12] [--secure-key K]`
pub fn sign(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["pfx", "password", "sign-method", "secure-key"])?;
    let method = SignMethod::parse(args.one("sign-method").unwrap_or("01")).map_err(core)?;
    let credentials = match method {
        SignMethod::Rsa => Credentials::Rsa(load_pfx(&args)?),
        _ => Credentials::SecureKey {
            method,
            key: SecureKey::new(args.required("secure-key")?).map_err(core)?,
        },
    };
    let mut fields = read_fields(&host::read_stdin()?)?;
    sign_fields(&mut fields, &credentials).map_err(core)?;
    print_json(&fields_json(&fields))?;
    Ok(ExitCode::SUCCESS)
}

/// `acp verify …`: exit 0 and `{"verified":true,…}`, or exit 1 and the failure.
pub fn verify(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["trust", "at", "secure-key", "verify-cert", "body"])?;
    // No default: which certificates a message must chain to is always a choice.
    let trust = args.one("trust").ok_or_else(|| {
        "--trust is required: test (UnionPay's test environment), production, or ROOT.pem,MIDDLE.pem (e.g. the local sandbox's: acp sandbox --print-trust)".to_owned()
    })?;
    let profile = match trust {
        "test" => TrustProfile::Test,
        "production" => TrustProfile::Production,
        files => {
            let (root, middle) = files.split_once(',').ok_or_else(|| {
                "--trust takes test, production or ROOT.pem,MIDDLE.pem".to_owned()
            })?;
            let (root, middle) = (host::read_file(root)?, host::read_file(middle)?);
            TrustProfile::Custom(CustomTrust::from_pem(&[&root], &[&middle]).map_err(core)?)
        }
    };
    let now = match args.one("at") {
        Some(at) => Timestamp::parse_rfc3339(at).map_err(core)?,
        None => host::now(),
    };
    let mut verifier = Verifier::new(profile, default_backend()).map_err(core)?;
    if let Some(key) = args.one("secure-key") {
        verifier = verifier
            .with_secure_key(SecureKey::new(key).map_err(core)?)
            .map_err(core)?;
    }
    let mut certs = Vec::new();
    for path in args.all("verify-cert") {
        certs.push(Certificate::parse(&host::read_file(path)?).map_err(core)?);
    }
    verifier = verifier.with_verify_certs(certs);
    let input = host::read_stdin()?;
    let result = match args.one("body") {
        None => read_fields(&input).map(|f| verifier.verify_fields(&f, now).map(|()| f)),
        Some("sync") => Ok(verifier.verify_sync_body(&input, now)),
        Some("notify") => Ok(verifier.verify_notify_body(&input, now)),
        Some(other) => return Err(format!("--body takes sync or notify, not '{other}'")),
    }?;
    match result {
        Ok(fields) => {
            print_json(&json!({"verified": true, "fields": fields_json(&fields)}))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let failure = e.verify_failure();
            print_json(&json!({
                "verified": false,
                "code": e.code().code(),
                "kind": e.kind().name(),
                "step": failure.map(|f| f.step.name()),
                "message": e.message(),
                "canonicalSha256": failure.and_then(|f| f.canonical_sha256.clone()),
            }))?;
            Ok(ExitCode::from(1))
        }
    }
}

/// `acp encrypt --cert FILE`
pub fn encrypt(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["cert"])?;
    let cert = EncryptionCert::parse(&host::read_file(args.required("cert")?)?).map_err(core)?;
    let input = host::read_stdin()?;
    let plaintext = strip_one_newline(&input);
    let mut rng = host::os_random;
    let b64 = card::encrypt_field(&cert, plaintext, &mut rng).map_err(core)?;
    println!("{b64}");
    Ok(ExitCode::SUCCESS)
}

/// `acp decrypt --pfx FILE --password P`
pub fn decrypt(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["pfx", "password"])?;
    let key = load_pfx(&args)?;
    let input =
        String::from_utf8(host::read_stdin()?).map_err(|_| "stdin is not text".to_owned())?;
    let plain = card::decrypt_field(&key, input.trim()).map_err(core)?;
    let text = std::str::from_utf8(&plain)
        .map_err(|_| "the plaintext is not UTF-8 (wrong key?)".to_owned())?;
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn load_pfx(args: &Args) -> Result<MerchantKey, String> {
    let bytes = host::read_file(args.required("pfx")?)?;
    let backend: Arc<dyn unionpay_acp::CryptoBackend> = default_backend();
    MerchantKey::from_pkcs12(&bytes, args.required("password")?, backend.as_ref()).map_err(core)
}

fn strip_one_newline(input: &[u8]) -> &[u8] {
    let input = input.strip_suffix(b"\n").unwrap_or(input);
    input.strip_suffix(b"\r").unwrap_or(input)
}

fn read_fields(input: &[u8]) -> Result<Fields, String> {
    let value: Value =
        serde_json::from_slice(input).map_err(|e| format!("stdin is not a JSON object: {e}"))?;
    let Value::Object(map) = value else {
        return Err("stdin must be a JSON object of string fields".into());
    };
    let mut fields = Fields::new();
    for (k, v) in map {
        let Value::String(s) = v else {
            return Err(format!("field '{k}' must be a string"));
        };
        fields.insert_raw(k, s);
    }
    Ok(fields)
}

fn fields_json(fields: &Fields) -> Value {
    Value::Object(
        fields
            .iter()
            .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
            .collect::<Map<_, _>>(),
    )
}
