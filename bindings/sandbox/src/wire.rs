//! Building answers: the common response header, the raw `k=v&…` body, randomness.

use unionpay_acp::Fields;

/// The common response header R (spec §8): echoes the request's identifying fields.
pub fn response_header(req: &Fields) -> Fields {
    let mut resp = Fields::new();
    for key in [
        "encoding",
        "bizType",
        "txnType",
        "txnSubType",
        "accessType",
        "merId",
        "orderId",
        "txnTime",
        "reqReserved",
    ] {
        if let Some(v) = req.get(key) {
            resp.set(key, v);
        }
    }
    if resp.get("encoding").is_none() {
        resp.set("encoding", "UTF-8");
    }
    resp
}

/// `k=v&…` in key order, values raw.
pub fn raw_body(fields: &Fields) -> String {
    // Answers never carry empty values (spec §2.1), so the join that skips them is exact.
    unionpay_acp::form::join_pairs(fields.iter())
}

/// The OS random source for the core.
pub fn os_random(dest: &mut [u8]) -> unionpay_acp::Result<()> {
    getrandom::fill(dest).map_err(|e| {
        unionpay_acp::Error::new(
            unionpay_acp::ErrorCode::RandomFailed,
            format!("getrandom failed: {e}"),
        )
    })
}

/// `n` random decimal digits.
pub fn random_digits(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| char::from(b'0' + b % 10)).collect()
}

/// `n` random lowercase hex characters.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n.div_ceil(2)];
    let _ = getrandom::fill(&mut bytes);
    unionpay_acp::crypto::hex_lower(&bytes)
        .chars()
        .take(n)
        .collect()
}
