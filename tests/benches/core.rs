//! Criterion benchmarks of the hot paths, for each crypto backend.
//! `tests/tools/bench.sh` runs them and prints ratios against `openssl speed`.
//!
//! Times are the benchmark thread's CPU time, as `openssl speed` counts its own (user
//! CPU time): on a shared machine wall time also counts the other processes' turns, which
//! `openssl speed` leaves out, and the ratios meant nothing under load.

use base64::Engine;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::sync::Arc;
use unionpay_acp::crypto::{portable::PortableBackend, CryptoBackend, FixedRandom, HashAlg};
use unionpay_acp::pki::Certificate;
use unionpay_acp::{
    card, form, sign_fields, Credentials, EncryptionCert, Fields, MerchantKey, Timestamp,
    TrustProfile, Verifier,
};

const PFX: &[u8] = include_bytes!("../fixtures/certs/acp_test_sign_2015_pwd000000.pfx");
const ENC: &[u8] = include_bytes!("../fixtures/certs/acp_test_enc_2017.pem");
const RESPONSE: &[u8] = include_bytes!("../fixtures/real-messages/v2_query_response_2022.body.txt");

fn backends() -> Vec<Arc<dyn CryptoBackend>> {
    #[cfg_attr(not(feature = "native"), allow(unused_mut))]
    let mut v: Vec<Arc<dyn CryptoBackend>> = vec![Arc::new(PortableBackend)];
    #[cfg(feature = "native")]
    v.push(Arc::new(unionpay_acp::crypto::native::NativeBackend));
    v
}

fn consume_fields() -> Fields {
    [
        ("version", "5.1.0"),
        ("encoding", "UTF-8"),
        ("txnType", "01"),
        ("txnSubType", "01"),
        ("bizType", "000902"),
        ("channelType", "07"),
        ("accessType", "0"),
        ("merId", "777290058110097"),
        ("orderId", "20261125120000001"),
        ("txnTime", "20261125120000"),
        ("txnAmt", "1000"),
        ("currencyCode", "156"),
        ("backUrl", "https://merchant.example/notify"),
        (
            "tokenPayData",
            "{token=6235240000020757577&trId=62000000001}",
        ),
        ("customerInfo", "e3Ntc0NvZGU9MTExMTExfQ=="),
    ]
    .into_iter()
    .collect()
}

/// CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`), in nanoseconds.
struct ThreadCpuTime;

fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to write; the clock id is a constant
    // every Linux and macOS kernel knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    (ts.tv_sec as u64) * 1_000_000_000 + ts.tv_nsec as u64
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    // Nanoseconds, printed like wall time (`time: [… µs …]`), which bench.sh reads.
    fn formatter(&self) -> &dyn ValueFormatter {
        WallTime.formatter()
    }
}

fn bench(c: &mut Criterion<ThreadCpuTime>) {
    // What a 5.1.0 verification hashes besides the RSA operation: the canonical string.
    let canonical = form::canonical_string(&form::parse_sync_body(RESPONSE).unwrap());
    c.bench_function("sha256/canonical_string", |b| {
        b.iter(|| black_box(HashAlg::Sha256.digest(black_box(canonical.as_bytes()))))
    });
    let now =
        Timestamp::parse_rfc3339("2022-09-11T00:00:00Z").unwrap_or(Timestamp::from_unix_seconds(0));
    let enc = EncryptionCert::parse(ENC).unwrap();
    for backend in backends() {
        let name = backend.name();
        let key = MerchantKey::from_pkcs12(PFX, "000000", backend.as_ref()).unwrap();
        let credentials = Credentials::Rsa(key);
        c.bench_function(&format!("{name}/sign_consume"), |b| {
            b.iter(|| {
                let mut f = consume_fields();
                sign_fields(&mut f, &credentials).unwrap();
                black_box(form::encode_form(&f))
            })
        });
        c.bench_function(&format!("{name}/verify_cold"), |b| {
            b.iter(|| {
                let v = Verifier::new(TrustProfile::Test, backend.clone()).unwrap();
                black_box(v.verify_sync_body(RESPONSE, now).unwrap())
            })
        });
        let cached = Verifier::new(TrustProfile::Test, backend.clone()).unwrap();
        c.bench_function(&format!("{name}/verify_cached"), |b| {
            b.iter(|| black_box(cached.verify_sync_body(RESPONSE, now).unwrap()))
        });
        // Parsed in place: the caller copies only what it keeps (here the respCode).
        c.bench_function(&format!("{name}/verify_cached_borrowed"), |b| {
            b.iter(|| {
                let f = cached.verify_sync_body_borrowed(RESPONSE, now).unwrap();
                black_box(f.get("respCode").map(str::to_owned))
            })
        });
        // The same with the body already parsed: what verification itself costs.
        let parsed = form::parse_sync_body(RESPONSE).unwrap();
        c.bench_function(&format!("{name}/verify_cached_fields"), |b| {
            b.iter(|| cached.verify_fields(black_box(&parsed), now).unwrap())
        });
        // The bare public-key operation these end in (key loaded, the 64-character hex
        // digest given): the ceiling of the verify rows.
        let pem = parsed.get("signPubKeyCert").unwrap();
        let cert = Certificate::from_pem(pem.as_bytes()).unwrap();
        let public = backend.load_public_key(cert.public_key().unwrap()).unwrap();
        let sig = base64::engine::general_purpose::STANDARD
            .decode(parsed.get("signature").unwrap())
            .unwrap();
        let digest_hex = HashAlg::Sha256.hex_digest(form::canonical_string(&parsed).as_bytes());
        c.bench_function(&format!("{name}/verify_bare_rsa"), |b| {
            b.iter(|| {
                assert!(public
                    .verify_pkcs1v15(HashAlg::Sha256, black_box(digest_hex.as_bytes()), &sig)
                    .unwrap())
            })
        });
        let random = vec![0x5au8; 4096];
        c.bench_function(&format!("{name}/encrypt_pan"), |b| {
            b.iter(|| {
                let mut rng = FixedRandom::new(random.clone());
                black_box(card::encrypt_field(&enc, b"6216261000000000018", &mut rng).unwrap())
            })
        });
        c.bench_function(&format!("{name}/load_pfx"), |b| {
            b.iter(|| black_box(MerchantKey::from_pkcs12(PFX, "000000", backend.as_ref()).unwrap()))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime).sample_size(20).measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
