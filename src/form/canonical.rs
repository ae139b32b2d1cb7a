//! The canonical signing string (spec §4.1).

use super::Fields;

/// Builds `k1=v1&k2=v2…`: keys in byte order, `signature` and empty values left out,
/// values raw (no escaping, no trimming).
pub fn canonical_string(fields: &Fields) -> String {
    let mut out = String::with_capacity(fields.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    for (k, v) in fields.iter() {
        if k == "signature" || v.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_example_4_5_c() {
        let f: Fields = [
            ("version", "5.1.0"),
            ("encoding", "UTF-8"),
            ("signMethod", "01"),
            ("txnType", "78"),
            ("txnSubType", "02"),
            ("bizType", "000902"),
            ("channelType", "07"),
            ("accessType", "0"),
            ("merId", "777290058110097"),
            ("orderId", "20240101120000001"),
            ("txnTime", "20240101120000"),
            ("certId", "68759663125"),
            ("signature", "ignored"),
            ("empty", ""),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            canonical_string(&f),
            "accessType=0&bizType=000902&certId=68759663125&channelType=07&encoding=UTF-8&merId=777290058110097&orderId=20240101120000001&signMethod=01&txnSubType=02&txnTime=20240101120000&txnType=78&version=5.1.0"
        );
    }
}
