//! Big-endian unsigned magnitudes to decimal text (certIds are decimal serials, and
//! CFCA serials exceed 64 bits).

/// The decimal form of a big-endian unsigned integer of any length ("0" when empty).
pub(crate) fn to_decimal(magnitude: &[u8]) -> String {
    // Base 10^9 limbs in u32, most significant first: one long division per 9 digits.
    const CHUNK: u64 = 1_000_000_000;
    let mut limbs: Vec<u32> = Vec::with_capacity(magnitude.len() / 4 + 1);
    let start = magnitude.len() % 4;
    let (head, tail) = magnitude.split_at(start);
    if !head.is_empty() {
        limbs.push(head.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)));
    }
    for word in tail.chunks_exact(4) {
        limbs.push(word.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)));
    }

    let mut groups: Vec<u32> = Vec::new();
    loop {
        let first_nonzero = limbs.iter().position(|&l| l != 0).unwrap_or(limbs.len());
        limbs.drain(..first_nonzero);
        if limbs.is_empty() {
            break;
        }
        let mut remainder: u64 = 0;
        for limb in limbs.iter_mut() {
            let current = (remainder << 32) | u64::from(*limb);
            // current < CHUNK << 32, so the quotient fits u32.
            *limb = u32::try_from(current / CHUNK).unwrap_or(u32::MAX);
            remainder = current % CHUNK;
        }
        groups.push(u32::try_from(remainder).unwrap_or(0));
    }

    let mut out = String::with_capacity(groups.len() * 9 + 1);
    let mut iter = groups.iter().rev();
    match iter.next() {
        None => out.push('0'),
        Some(top) => out.push_str(&top.to_string()),
    }
    for group in iter {
        out.push_str(&format!("{group:09}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_decimal;

    #[test]
    fn small_values() {
        assert_eq!(to_decimal(&[]), "0");
        assert_eq!(to_decimal(&[0]), "0");
        assert_eq!(to_decimal(&[0, 0, 0, 0, 0]), "0");
        assert_eq!(to_decimal(&[255]), "255");
        assert_eq!(to_decimal(&[1, 0]), "256");
        assert_eq!(to_decimal(&[0x3B, 0x9A, 0xCA, 0x00]), "1000000000");
        assert_eq!(to_decimal(&[0x3B, 0x9A, 0xC9, 0xFF]), "999999999");
    }

    #[test]
    fn matches_u128_formatting() {
        for v in [
            1u128,
            9,
            10,
            u64::MAX as u128,
            1u128 << 64,
            68_759_663_125,
            u128::MAX,
            123_456_789_012_345_678_901_234_567_890,
        ] {
            let bytes = v.to_be_bytes();
            assert_eq!(to_decimal(&bytes), v.to_string());
            let trimmed = crate::pki::der::strip_leading_zeros(&bytes);
            assert_eq!(to_decimal(trimmed), v.to_string());
        }
    }

    #[test]
    fn cfca_serial_beyond_64_bits() {
        // 40220995861346480087409489142384722381 = 0x1E42_...; checked against u128.
        let v: u128 = 40_220_995_861_346_480_087_409_489_142_384_722_381;
        assert_eq!(
            to_decimal(&v.to_be_bytes()),
            "40220995861346480087409489142384722381"
        );
    }

    #[test]
    fn beyond_128_bits() {
        // 2^128 = 340282366920938463463374607431768211456
        let mut bytes = vec![1u8];
        bytes.extend([0u8; 16]);
        assert_eq!(
            to_decimal(&bytes),
            "340282366920938463463374607431768211456"
        );
        // 10^40 = 0x1d6329f1c35ca4bfabb9f5610000000000
        let ten40 = [
            0x1d, 0x63, 0x29, 0xf1, 0xc3, 0x5c, 0xa4, 0xbf, 0xab, 0xb9, 0xf5, 0x61, 0x00, 0x00,
            0x00, 0x00, 0x00,
        ];
        assert_eq!(to_decimal(&ten40), format!("1{}", "0".repeat(40)));
    }
}
