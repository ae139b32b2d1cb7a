//! Typed values of reconciliation fields: signed amounts and month-day times.

use std::fmt;

/// Which way an amount moves, seen from the merchant (spec §10.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Direction {
    /// `D`: debited to the merchant (the merchant pays, e.g. the fee).
    Debit,
    /// `C`: credited to the merchant (the merchant receives, e.g. the settlement).
    Credit,
    /// A space where `D`/`C` would be: UnionPay writes this for zero amounts.
    Unmarked,
}

impl Direction {
    /// The byte written in the file: `D`, `C` or a space.
    pub fn as_byte(self) -> u8 {
        match self {
            Direction::Debit => b'D',
            Direction::Credit => b'C',
            Direction::Unmarked => b' ',
        }
    }

    /// `"D"`, `"C"` or `""`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Debit => "D",
            Direction::Credit => "C",
            Direction::Unmarked => "",
        }
    }
}

/// An amount in fen with a debit/credit mark, e.g. `D000000002861` = ¥28.61 paid by the
/// merchant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SignedAmount {
    /// Debit, credit, or unmarked.
    pub direction: Direction,
    /// The magnitude in fen (1/100 yuan).
    pub fen: u64,
}

impl SignedAmount {
    /// Zero, unmarked: how UnionPay writes an empty amount.
    pub const ZERO: SignedAmount = SignedAmount {
        direction: Direction::Unmarked,
        fen: 0,
    };

    /// The amount as the merchant's balance sees it: credit positive, debit negative.
    /// An unmarked amount counts as positive (UnionPay leaves only zeros unmarked).
    pub fn signed_fen(&self) -> i64 {
        // Field widths cap the magnitude at 12 digits, far inside i64.
        let v = i64::try_from(self.fen).unwrap_or(i64::MAX);
        match self.direction {
            Direction::Debit => -v,
            Direction::Credit | Direction::Unmarked => v,
        }
    }
}

impl Default for SignedAmount {
    /// [`SignedAmount::ZERO`], what a blank amount field means.
    fn default() -> Self {
        SignedAmount::ZERO
    }
}

/// A `MMDDhhmmss` time (no year: the reconciliation date supplies it), Beijing time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MonthDayTime {
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
    /// 0–59.
    pub second: u8,
}

impl MonthDayTime {
    /// Parses exactly ten digits `MMDDhhmmss`; `None` when malformed or out of range.
    pub fn parse(text: &str) -> Option<MonthDayTime> {
        let b = text.as_bytes();
        if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let two = |i: usize| -> Option<u8> {
            let hi = b.get(i)?.checked_sub(b'0')?;
            let lo = b.get(i + 1)?.checked_sub(b'0')?;
            Some(hi * 10 + lo)
        };
        let t = MonthDayTime {
            month: two(0)?,
            day: two(2)?,
            hour: two(4)?,
            minute: two(6)?,
            second: two(8)?,
        };
        let ok = (1..=12).contains(&t.month)
            && (1..=31).contains(&t.day)
            && t.hour < 24
            && t.minute < 60
            && t.second < 60;
        ok.then_some(t)
    }
}

impl Default for MonthDayTime {
    /// January 1st, 00:00:00 (`0101000000`): the earliest valid value.
    fn default() -> Self {
        MonthDayTime {
            month: 1,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
        }
    }
}

impl fmt::Display for MonthDayTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}{:02}{:02}{:02}{:02}",
            self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// Parses a sign byte plus `width - 1` digits; an all-blank field is zero. `None` when
/// malformed.
pub(crate) fn parse_signed(raw: &[u8]) -> Option<SignedAmount> {
    let (&sign, digits) = raw.split_first()?;
    if raw.iter().all(|&b| b == b' ') {
        return Some(SignedAmount::ZERO);
    }
    let direction = match sign {
        b'D' => Direction::Debit,
        b'C' => Direction::Credit,
        b' ' => Direction::Unmarked,
        _ => return None,
    };
    Some(SignedAmount {
        direction,
        fen: parse_digits(digits)?,
    })
}

/// Parses a run of ASCII digits (all of them, no sign, no blanks) as fen.
pub(crate) fn parse_digits(raw: &[u8]) -> Option<u64> {
    if raw.is_empty() || !raw.iter().all(u8::is_ascii_digit) {
        return None;
    }
    raw.iter().try_fold(0u64, |acc, &d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_amounts() {
        let fee = parse_signed(b"D000000002861").unwrap();
        assert_eq!(
            fee,
            SignedAmount {
                direction: Direction::Debit,
                fen: 2861
            }
        );
        assert_eq!(fee.signed_fen(), -2861);
        assert_eq!(
            parse_signed(b"C000000473939").unwrap().signed_fen(),
            473_939
        );
        assert_eq!(parse_signed(b" 000000000000"), Some(SignedAmount::ZERO));
        assert_eq!(parse_signed(b"             "), Some(SignedAmount::ZERO));
        assert_eq!(parse_signed(b"X000000000001"), None);
        assert_eq!(parse_signed(b"D00000000 001"), None);
        assert_eq!(parse_signed(b"D"), None);
    }

    #[test]
    fn month_day_time() {
        let t = MonthDayTime::parse("0906112203").unwrap();
        assert_eq!(
            (t.month, t.day, t.hour, t.minute, t.second),
            (9, 6, 11, 22, 3)
        );
        assert_eq!(t.to_string(), "0906112203");
        for bad in [
            "1306112203",
            "0900112203",
            "0906242203",
            "090611220",
            "09061122 3",
        ] {
            assert_eq!(MonthDayTime::parse(bad), None, "{bad}");
        }
    }
}
