//! The ANSI X9.8 / ISO 9564 format-0 PIN block (spec §6.3).

use crate::secret::{Pan, Pin};
use zeroize::Zeroizing;

/// PIN field XOR PAN field: `0x0L` + PIN digits padded with `F`, against `0000` + the 12
/// rightmost PAN digits excluding the check digit.
pub fn pin_block(pin: &Pin, pan: &Pan) -> Zeroizing<[u8; 8]> {
    let mut nibbles = Zeroizing::new([0x0fu8; 16]);
    let pin_digits = pin.expose().as_bytes();
    let mut pin_nibbles = Zeroizing::new([0x0fu8; 16]);
    let length = [0, (pin_digits.len() & 0x0f) as u8];
    let pin_values = pin_digits.iter().map(|d| d - b'0');
    for (slot, v) in pin_nibbles
        .iter_mut()
        .zip(length.into_iter().chain(pin_values))
    {
        *slot = v;
    }
    // The PAN field: 4 zero nibbles, then the 12 digits before the check digit
    // (short PANs are left-padded with zeros to 13 digits first, as the SDKs do).
    let pan_digits = pan.expose().as_bytes();
    let mut padded = Zeroizing::new(vec![b'0'; 13usize.saturating_sub(pan_digits.len())]);
    padded.extend_from_slice(pan_digits);
    let len = padded.len();
    let twelve = padded
        .get(len.saturating_sub(13)..len.saturating_sub(1))
        .unwrap_or_default();
    let mut pan_nibbles = Zeroizing::new([0u8; 16]);
    for (slot, d) in pan_nibbles.iter_mut().skip(4).zip(twelve) {
        *slot = d - b'0';
    }
    for ((out, p), q) in nibbles
        .iter_mut()
        .zip(pin_nibbles.iter())
        .zip(pan_nibbles.iter())
    {
        *out = p ^ q;
    }
    let mut block = Zeroizing::new([0u8; 8]);
    for (byte, pair) in block.iter_mut().zip(nibbles.chunks(2)) {
        let hi = pair.first().copied().unwrap_or(0);
        let lo = pair.get(1).copied().unwrap_or(0);
        *byte = (hi << 4) | lo;
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02X}")).collect()
    }

    #[test]
    fn spec_examples() {
        let pin = Pin::new("123456").unwrap();
        assert_eq!(
            hex(&*pin_block(&pin, &Pan::new("6216261000000000018").unwrap())),
            "06122456FFFFFFFE"
        );
        assert_eq!(
            hex(&*pin_block(&pin, &Pan::new("6221558812340000").unwrap())),
            "0612210E7EDCBFFF"
        );
    }
}
