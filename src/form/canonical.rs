//! The canonical signing string (spec §4.1).

use super::Fields;

/// Builds `k1=v1&k2=v2…`: keys in byte order, `signature` and empty values left out,
/// values raw (no escaping, no trimming).
pub fn canonical_string(fields: &Fields) -> String {
    let mut out = String::new();
    write_canonical(fields.iter(), |piece| out.push_str(piece));
    out
}

/// Writes the canonical string of `pairs` (already in key order) to `sink` piece by
/// piece, so that verification can hash it without building it.
pub(crate) fn write_canonical<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
    mut sink: impl FnMut(&str),
) {
    let mut first = true;
    for (k, v) in pairs {
        if v.is_empty() || k == "signature" {
            continue;
        }
        if !first {
            sink("&");
        }
        first = false;
        sink(k);
        sink("=");
        sink(v);
    }
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
