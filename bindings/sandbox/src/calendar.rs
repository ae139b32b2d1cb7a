//! Beijing-time calendar helpers: clearing days, settleDate, traceTime, token validity.

use unionpay_acp::time::CivilTime;
use unionpay_acp::Timestamp;

/// The clearing day (`YYYYMMDD`) an instant belongs to: a day runs from the cut-off
/// (default 23:00 Beijing) of the previous calendar day to the cut-off of this one.
pub fn clearing_date(now: Timestamp, cutoff_minutes: u32) -> String {
    let shift = 86_400 - i64::from(cutoff_minutes) * 60;
    let c = now.plus_seconds(shift).to_beijing();
    format!("{:04}{:02}{:02}", c.year, c.month, c.day)
}

/// `MMDD` of a `YYYYMMDD` clearing date.
pub fn settle_date(clearing: &str) -> String {
    clearing.get(4..8).unwrap_or("0000").to_owned()
}

/// `MMDDhhmmss` Beijing time (traceTime).
pub fn trace_time(now: Timestamp) -> String {
    now.to_txn_time().get(4..14).unwrap_or_default().to_owned()
}

/// `yyMMddhhmmss` Beijing time (the middle of a queryId).
pub fn short_stamp(now: Timestamp) -> String {
    now.to_txn_time().get(2..14).unwrap_or_default().to_owned()
}

/// The same Beijing wall time `years` later (29 Feb becomes 28 Feb).
pub fn plus_years(now: Timestamp, years: i64) -> Timestamp {
    let c = now.to_beijing();
    let day = if c.month == 2 && c.day == 29 {
        28
    } else {
        c.day
    };
    Timestamp::from_beijing(CivilTime {
        year: c.year + years,
        day,
        ..c
    })
    .unwrap_or(now)
}

/// The most recent clearing date (`YYYYMMDD`) not after `today` whose `MMDD` is `mmdd`.
pub fn resolve_settle_date(mmdd: &str, today: &str) -> Option<String> {
    let year: i64 = today.get(0..4)?.parse().ok()?;
    let this_year = format!("{year:04}{mmdd}");
    if this_year.as_str() <= today {
        Some(this_year)
    } else {
        Some(format!("{:04}{mmdd}", year - 1))
    }
}

/// Whether `MMDD` is a plausible month-day.
pub fn valid_mmdd(mmdd: &str) -> bool {
    let (Some(m), Some(d)) = (mmdd.get(0..2), mmdd.get(2..4)) else {
        return false;
    };
    mmdd.len() == 4
        && mmdd.bytes().all(|b| b.is_ascii_digit())
        && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bj(text: &str) -> Timestamp {
        Timestamp::parse_txn_time(text).unwrap()
    }

    #[test]
    fn cutoff_at_23_beijing() {
        assert_eq!(clearing_date(bj("20261125225959"), 1380), "20261125");
        assert_eq!(clearing_date(bj("20261125230000"), 1380), "20261126");
        assert_eq!(clearing_date(bj("20261231233000"), 1380), "20270101");
        assert_eq!(clearing_date(bj("20261125133000"), 810), "20261126");
        assert_eq!(settle_date("20261126"), "1126");
    }

    #[test]
    fn stamps_and_years() {
        assert_eq!(trace_time(bj("20261125083015")), "1125083015");
        assert_eq!(short_stamp(bj("20261125083015")), "261125083015");
        assert_eq!(
            plus_years(bj("20280229120000"), 5).to_txn_time(),
            "20330228120000"
        );
        assert_eq!(
            resolve_settle_date("1231", "20260105").as_deref(),
            Some("20251231")
        );
        assert_eq!(
            resolve_settle_date("0105", "20260105").as_deref(),
            Some("20260105")
        );
        assert!(valid_mmdd("0229") && !valid_mmdd("1301") && !valid_mmdd("12"));
    }
}
