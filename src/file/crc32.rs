//! CRC-32 (IEEE 802.3, the ZIP checksum), table-driven.
//!
//! Twenty lines of our own instead of a dependency: the table is built at compile time,
//! and the core only checksums reconciliation archives of a few megabytes.

/// The reflected CRC-32 polynomial used by ZIP, gzip and PNG.
const POLY: u32 = 0xEDB8_8320;

const TABLE: [u32; 256] = build_table();

// Evaluated at compile time: an out-of-range index would fail the build, not panic at run time.
#[allow(clippy::indexing_slicing)]
const fn build_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { POLY ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
}

/// The CRC-32 of `data`, as stored in ZIP headers.
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        // `c ^ b` masked to 8 bits is always a valid index into the 256-entry table.
        let idx = ((c ^ u32::from(b)) & 0xFF) as usize;
        c = TABLE.get(idx).copied().unwrap_or(0) ^ (c >> 8);
    }
    !c
}

#[cfg(test)]
mod tests {
    use super::crc32;

    #[test]
    fn known_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }
}
