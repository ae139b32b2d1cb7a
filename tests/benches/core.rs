//! Criterion benchmarks of the hot paths, for each crypto backend.
//! `tests/tools/bench.sh` runs them and prints ratios against `openssl speed`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::sync::Arc;
use unionpay_acp::crypto::{portable::PortableBackend, CryptoBackend, FixedRandom};
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

fn bench(c: &mut Criterion) {
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
        // The same with the body already parsed: what verification itself costs.
        let parsed = form::parse_sync_body(RESPONSE).unwrap();
        c.bench_function(&format!("{name}/verify_cached_fields"), |b| {
            b.iter(|| cached.verify_fields(black_box(&parsed), now).unwrap())
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
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
