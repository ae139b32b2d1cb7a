//! Decoding of certificate fields: names to text, times to [`Timestamp`], serials.

use super::der::{self, Reader, Tlv};
use crate::error::{Error, ErrorCode, Result};
use crate::time::{CivilTime, Timestamp};

const OID_EMAIL: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 9, 1];
const OID_CN: &[u8] = &[0x55, 4, 3];

// RFC 5280 allows 20 octets; a little slack for non-conforming CAs, but bounded so a
// hostile serial cannot make the decimal conversion slow.
const MAX_SERIAL_LEN: usize = 64;

/// Sign and magnitude of a two's-complement INTEGER, or `None` if empty or oversized.
pub(crate) fn integer_magnitude(value: &[u8]) -> Option<(bool, Vec<u8>)> {
    let &first = value.first()?;
    if value.len() > MAX_SERIAL_LEN + 1 {
        return None;
    }
    if first & 0x80 == 0 {
        return Some((false, der::strip_leading_zeros(value).to_vec()));
    }
    // Negate: invert and add one, from the least significant byte.
    let mut out: Vec<u8> = value.iter().map(|b| !b).collect();
    for b in out.iter_mut().rev() {
        let (sum, carry) = b.overflowing_add(1);
        *b = sum;
        if !carry {
            break;
        }
    }
    Some((true, der::strip_leading_zeros(&out).to_vec()))
}

/// Renders a `Name` in DER order and returns its first CN and the number of CNs.
pub(crate) fn name_to_string(name: &[u8]) -> Result<(String, Option<String>, usize)> {
    let mut rdns = Reader::new(name, ErrorCode::CertificateMalformed);
    let mut parts: Vec<String> = Vec::new();
    let mut cn = None;
    let mut cn_count = 0;
    while !rdns.is_empty() {
        let mut set = rdns.nested(der::SET)?;
        let mut rdn: Vec<String> = Vec::new();
        while !set.is_empty() {
            let mut atv = set.sequence()?;
            let oid = atv.expect(der::OID)?.value;
            let value = decode_string(atv.any()?);
            atv.finish()?;
            if oid == OID_CN {
                cn_count += 1;
                if cn.is_none() {
                    cn = Some(value.clone());
                }
            }
            rdn.push(format!("{}={value}", attribute_name(oid)));
        }
        parts.push(rdn.join("+"));
    }
    Ok((parts.join(", "), cn, cn_count))
}

fn attribute_name(oid: &[u8]) -> String {
    match oid {
        [0x55, 4, 6] => "C".into(),
        [0x55, 4, 8] => "ST".into(),
        [0x55, 4, 7] => "L".into(),
        [0x55, 4, 10] => "O".into(),
        [0x55, 4, 11] => "OU".into(),
        OID_CN => "CN".into(),
        OID_EMAIL => "emailAddress".into(),
        other => der::oid_to_string(other),
    }
}

fn decode_string(tlv: Tlv<'_>) -> String {
    let v = tlv.value;
    match tlv.tag {
        0x0C => String::from_utf8_lossy(v).into_owned(),
        // Numeric, Printable, T61 (read as Latin-1, as most software does), IA5, Visible.
        0x12 | 0x13 | 0x14 | 0x16 | 0x1A => v.iter().map(|&b| char::from(b)).collect(),
        0x1E => char::decode_utf16(v.chunks_exact(2).map(|p| match p {
            [hi, lo] => u16::from_be_bytes([*hi, *lo]),
            _ => 0xFFFD,
        }))
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect(),
        0x1C => v
            .chunks_exact(4)
            .map(|q| match q {
                [a, b, c, d] => char::from_u32(u32::from_be_bytes([*a, *b, *c, *d]))
                    .unwrap_or(char::REPLACEMENT_CHARACTER),
                _ => char::REPLACEMENT_CHARACTER,
            })
            .collect(),
        // Like RFC 4514: unknown value types as '#' and the hex of their encoding.
        _ => format!("#{}", der::hex(tlv.raw)),
    }
}

/// Takes `n` ASCII digits off the front of `s`; leaves `s` alone on failure.
fn digits(s: &mut &[u8], n: usize) -> Option<u32> {
    let (head, rest) = s.split_at_checked(n)?;
    if !head.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *s = rest;
    Some(
        head.iter()
            .fold(0, |acc, &d| acc * 10 + u32::from(d - b'0')),
    )
}

/// UTCTime (`YYMMDDhhmm[ss]Z`, YY < 50 → 20YY) or GeneralizedTime
/// (`YYYYMMDDhhmm[ss[.f]]Z`); a `±hhmm` offset is accepted in place of `Z`.
pub(crate) fn parse_time(tlv: Tlv<'_>) -> Result<Timestamp> {
    let bad = || {
        Error::new(
            ErrorCode::CertificateMalformed,
            format!(
                "bad certificate time '{}'",
                String::from_utf8_lossy(tlv.value)
            ),
        )
    };
    let mut s = tlv.value;
    let year = match tlv.tag {
        der::UTC_TIME => {
            let yy = digits(&mut s, 2).ok_or_else(bad)?;
            i64::from(if yy < 50 { 2000 + yy } else { 1900 + yy })
        }
        der::GENERALIZED_TIME => i64::from(digits(&mut s, 4).ok_or_else(bad)?),
        _ => return Err(bad()),
    };
    let month = digits(&mut s, 2).ok_or_else(bad)?;
    let day = digits(&mut s, 2).ok_or_else(bad)?;
    let hour = digits(&mut s, 2).ok_or_else(bad)?;
    let minute = digits(&mut s, 2).ok_or_else(bad)?;
    let second = digits(&mut s, 2).unwrap_or(0);
    if tlv.tag == der::GENERALIZED_TIME {
        if let Some(frac) = s.strip_prefix(b".") {
            let n = frac.iter().take_while(|b| b.is_ascii_digit()).count();
            s = frac.get(n..).unwrap_or_default();
        }
    }
    let offset = match s.split_first() {
        Some((b'Z', [])) => 0,
        Some((&sign @ (b'+' | b'-'), mut rest)) => {
            let h = digits(&mut rest, 2).ok_or_else(bad)?;
            let m = digits(&mut rest, 2).ok_or_else(bad)?;
            if !rest.is_empty() || h > 23 || m > 59 {
                return Err(bad());
            }
            let seconds = i64::from(h * 3600 + m * 60);
            if sign == b'+' {
                seconds
            } else {
                -seconds
            }
        }
        _ => return Err(bad()),
    };
    let civil = CivilTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
    };
    let utc = Timestamp::from_utc(civil).map_err(|_| bad())?;
    Ok(utc.plus_seconds(-offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(tag: u8, text: &str) -> Result<Timestamp> {
        let mut raw = vec![tag, text.len() as u8];
        raw.extend_from_slice(text.as_bytes());
        let tlv = Reader::new(&raw, ErrorCode::CertificateMalformed)
            .any()
            .unwrap();
        parse_time(tlv)
    }

    #[test]
    fn times() {
        let t = |tag, s| time(tag, s).unwrap().to_rfc3339();
        assert_eq!(t(der::UTC_TIME, "120829050129Z"), "2012-08-29T05:01:29Z");
        assert_eq!(t(der::UTC_TIME, "491231235959Z"), "2049-12-31T23:59:59Z");
        assert_eq!(t(der::UTC_TIME, "500101000000Z"), "1950-01-01T00:00:00Z");
        assert_eq!(t(der::UTC_TIME, "5001010000Z"), "1950-01-01T00:00:00Z");
        assert_eq!(
            t(der::UTC_TIME, "120829130129+0800"),
            "2012-08-29T05:01:29Z"
        );
        assert_eq!(
            t(der::GENERALIZED_TIME, "47491231235959Z"),
            "4749-12-31T23:59:59Z"
        );
        assert_eq!(
            t(der::GENERALIZED_TIME, "20500101000000.123Z"),
            "2050-01-01T00:00:00Z"
        );
        for bad in [
            "",
            "1208290501Z9",
            "120829050129",
            "121329050129Z",
            "12082905012xZ",
        ] {
            assert!(time(der::UTC_TIME, bad).is_err(), "{bad}");
        }
        assert!(time(der::OCTET_STRING, "120829050129Z").is_err());
        assert!(time(der::GENERALIZED_TIME, "20500101000000+08").is_err());
    }

    #[test]
    fn negative_serials_are_negated() {
        assert_eq!(integer_magnitude(&[0x00, 0xFF]), Some((false, vec![0xFF])));
        assert_eq!(integer_magnitude(&[0xFF]), Some((true, vec![1])));
        assert_eq!(integer_magnitude(&[0xFF, 0x00]), Some((true, vec![1, 0])));
        assert_eq!(integer_magnitude(&[0x80]), Some((true, vec![0x80])));
        assert_eq!(integer_magnitude(&[]), None);
        assert_eq!(integer_magnitude(&[1; 70]), None);
    }

    #[test]
    fn name_strings() {
        // SET{SEQ{C, PrintableString "CN"}}, SET{SEQ{CN, BMPString "中"} + SEQ{O, UTF8 "é"}}
        let name = [
            0x31, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 4, 6, 0x13, 0x02, b'C', b'N', //
            0x31, 0x15, 0x30, 0x09, 0x06, 0x03, 0x55, 4, 3, 0x1E, 0x02, 0x4E, 0x2D, //
            0x30, 0x08, 0x06, 0x03, 0x55, 4, 10, 0x0C, 0x01, b'x',
        ];
        let (text, cn, count) = name_to_string(&name).unwrap();
        assert_eq!(text, "C=CN, CN=中+O=x");
        assert_eq!(cn.as_deref(), Some("中"));
        assert_eq!(count, 1);
        assert!(name_to_string(&name[..name.len() - 1]).is_err());
    }
}
