//! Time as a value: the core never reads a clock, the host passes `now`.
//!
//! UnionPay's `txnTime`, `payTimeout` and `traceTime` are Beijing time (UTC+8, no DST);
//! certificates use UTC. [`Timestamp`] is an instant (Unix seconds) and converts both ways.

use crate::error::{Error, ErrorCode, Result};
use std::fmt;

const BEIJING_OFFSET_SECONDS: i64 = 8 * 3600;

/// An instant, as seconds since the Unix epoch (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// A civil date and time (no zone attached).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CivilTime {
    /// Year, e.g. 2026.
    pub year: i64,
    /// Month 1–12.
    pub month: u32,
    /// Day 1–31.
    pub day: u32,
    /// Hour 0–23.
    pub hour: u32,
    /// Minute 0–59.
    pub minute: u32,
    /// Second 0–59.
    pub second: u32,
}

impl Timestamp {
    /// From Unix seconds.
    pub const fn from_unix_seconds(seconds: i64) -> Self {
        Timestamp(seconds)
    }

    /// Unix seconds.
    pub const fn unix_seconds(self) -> i64 {
        self.0
    }

    /// Adds seconds (saturating).
    pub fn plus_seconds(self, seconds: i64) -> Self {
        Timestamp(self.0.saturating_add(seconds))
    }

    /// From a UTC civil time; rejects out-of-range fields.
    pub fn from_utc(civil: CivilTime) -> Result<Self> {
        civil.validate()?;
        let days = days_from_civil(civil.year, civil.month, civil.day);
        Ok(Timestamp(
            days * 86_400
                + i64::from(civil.hour) * 3600
                + i64::from(civil.minute) * 60
                + i64::from(civil.second),
        ))
    }

    /// The UTC civil time.
    pub fn to_utc(self) -> CivilTime {
        civil_from_seconds(self.0)
    }

    /// The Beijing (UTC+8) civil time.
    pub fn to_beijing(self) -> CivilTime {
        civil_from_seconds(self.0.saturating_add(BEIJING_OFFSET_SECONDS))
    }

    /// From a Beijing civil time.
    pub fn from_beijing(civil: CivilTime) -> Result<Self> {
        Ok(Timestamp(
            Timestamp::from_utc(civil)?.0 - BEIJING_OFFSET_SECONDS,
        ))
    }

    /// Formats as UnionPay's `YYYYMMDDhhmmss` in Beijing time (for `txnTime`, `payTimeout`).
    pub fn to_txn_time(self) -> String {
        let c = self.to_beijing();
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )
    }

    /// Parses UnionPay's `YYYYMMDDhhmmss` (Beijing time).
    pub fn parse_txn_time(text: &str) -> Result<Self> {
        let bad = || {
            Error::new(
                ErrorCode::InvalidTime,
                format!("'{text}' is not a Beijing time of the form YYYYMMDDhhmmss"),
            )
        };
        if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let num = |from: usize, to: usize| -> Result<u32> {
            text.get(from..to)
                .and_then(|s| s.parse().ok())
                .ok_or_else(bad)
        };
        let civil = CivilTime {
            year: i64::from(num(0, 4)?),
            month: num(4, 6)?,
            day: num(6, 8)?,
            hour: num(8, 10)?,
            minute: num(10, 12)?,
            second: num(12, 14)?,
        };
        Timestamp::from_beijing(civil).map_err(|_| bad())
    }

    /// Parses RFC 3339 (`2026-11-25T12:00:00Z`, `2026-11-25T20:00:00+08:00`, fractions ignored).
    pub fn parse_rfc3339(text: &str) -> Result<Self> {
        let bad = || {
            Error::new(
                ErrorCode::InvalidTime,
                format!("'{text}' is not an RFC 3339 time like 2026-11-25T12:00:00Z"),
            )
        };
        let b = text.as_bytes();
        if b.len() < 20 {
            return Err(bad());
        }
        let digits = |from: usize, to: usize| -> Result<u32> {
            let s = text.get(from..to).ok_or_else(bad)?;
            if !s.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse().map_err(|_| bad())
        };
        let sep_ok = b.get(4) == Some(&b'-')
            && b.get(7) == Some(&b'-')
            && matches!(b.get(10), Some(b'T' | b't' | b' '))
            && b.get(13) == Some(&b':')
            && b.get(16) == Some(&b':');
        if !sep_ok {
            return Err(bad());
        }
        let civil = CivilTime {
            year: i64::from(digits(0, 4)?),
            month: digits(5, 7)?,
            day: digits(8, 10)?,
            hour: digits(11, 13)?,
            minute: digits(14, 16)?,
            second: digits(17, 19)?,
        };
        let mut rest = text.get(19..).ok_or_else(bad)?;
        if let Some(frac) = rest.strip_prefix('.') {
            let end = frac.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
            if end == 0 {
                return Err(bad());
            }
            rest = frac.get(end..).ok_or_else(bad)?;
        }
        let offset = match rest {
            "Z" | "z" => 0,
            _ => {
                let rb = rest.as_bytes();
                let sign = match rb.first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(bad()),
                };
                if rb.len() != 6 || rb.get(3) != Some(&b':') {
                    return Err(bad());
                }
                let h: i64 = rest
                    .get(1..3)
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(bad)?;
                let m: i64 = rest
                    .get(4..6)
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(bad)?;
                if h > 23 || m > 59 {
                    return Err(bad());
                }
                sign * (h * 3600 + m * 60)
            }
        };
        let utc = Timestamp::from_utc(civil).map_err(|_| bad())?;
        Ok(Timestamp(utc.0 - offset))
    }

    /// Formats as RFC 3339 in UTC (`2026-11-25T12:00:00Z`).
    pub fn to_rfc3339(self) -> String {
        let c = self.to_utc();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl CivilTime {
    fn validate(&self) -> Result<()> {
        let ok = (0..=9999).contains(&self.year)
            && (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            && self.second < 60;
        if ok {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::InvalidTime,
                format!(
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02} is not a valid date and time",
                    self.year, self.month, self.day, self.hour, self.minute, self.second
                ),
            ))
        }
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's days-from-civil: exact for the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_seconds(seconds: i64) -> CivilTime {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    CivilTime {
        year,
        month: month as u32,
        day: day as u32,
        hour: (secs / 3600) as u32,
        minute: ((secs % 3600) / 60) as u32,
        second: (secs % 60) as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip_and_offsets() {
        let t = Timestamp::parse_rfc3339("2026-11-25T12:00:00Z").unwrap();
        assert_eq!(t.unix_seconds(), 1_795_608_000);
        assert_eq!(t.to_rfc3339(), "2026-11-25T12:00:00Z");
        let b = Timestamp::parse_rfc3339("2026-11-25T20:00:00+08:00").unwrap();
        assert_eq!(b, t);
        let f = Timestamp::parse_rfc3339("2026-11-25T12:00:00.123Z").unwrap();
        assert_eq!(f, t);
        for bad in [
            "2026-11-25",
            "2026-13-25T12:00:00Z",
            "2026-02-29T00:00:00Z",
            "x026-11-25T12:00:00Z",
            "2026-11-25T12:00:00+8",
        ] {
            assert_eq!(
                Timestamp::parse_rfc3339(bad).unwrap_err().code(),
                ErrorCode::InvalidTime,
                "{bad}"
            );
        }
    }

    #[test]
    fn txn_time_is_beijing() {
        let t = Timestamp::parse_rfc3339("2024-01-01T04:00:00Z").unwrap();
        assert_eq!(t.to_txn_time(), "20240101120000");
        assert_eq!(Timestamp::parse_txn_time("20240101120000").unwrap(), t);
        // Crossing midnight and a leap day.
        let t = Timestamp::parse_rfc3339("2024-02-28T16:30:00Z").unwrap();
        assert_eq!(t.to_txn_time(), "20240229003000");
        assert!(Timestamp::parse_txn_time("20230229003000").is_err());
        assert!(Timestamp::parse_txn_time("2024010112000").is_err());
        assert!(Timestamp::parse_txn_time("2024010112000a").is_err());
    }

    #[test]
    fn civil_conversion_matches_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for s in [-86_401_i64, 0, 951_782_400, 4_102_444_800] {
            let c = civil_from_seconds(s);
            assert_eq!(Timestamp::from_utc(c).unwrap().unix_seconds(), s);
        }
    }
}
