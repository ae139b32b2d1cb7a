//! When to ask again (spec §7.4): the official samples' status-query cadence, with a slow
//! tail so that a result still unknown after a minute is looked up again within the hour.

use crate::time::Timestamp;

/// Which query cadence applies to a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryCadence {
    /// Server-to-server transactions: six quick queries, the gap before the N-th being
    /// 2^(N-1) seconds (about 1, 3, 7, 15, 31 and 63 s after the request), then a slow
    /// tail at about 5, 10, 30 and 60 minutes and hourly until 24 hours after the request,
    /// when the reconciliation file of the clearing day is due and has the last word.
    Back,
    /// Browser transactions: 5, 10, 30, 60 and 120 minutes after the request.
    Front,
}

/// How long after a back request the schedule keeps querying: the next day's
/// reconciliation file decides what is still unknown then.
pub const BACK_QUERY_HORIZON_SECONDS: i64 = 24 * 3600;

// The official samples' quick queries, then 5, 10, 30 and 60 minutes after the request
// (gaps from the 63 s mark); hourly after that.
const BACK_GAPS: [i64; 10] = [1, 2, 4, 8, 16, 32, 237, 300, 1200, 1800];
const HOURLY: i64 = 3600;
const BACK_GAPS_TOTAL: i64 = 3600;
// Gaps between 5, 10, 30, 60 and 120 minutes after the request.
const FRONT_GAPS: [i64; 5] = [300, 300, 1200, 1800, 3600];

/// The gap in seconds before query number `attempt` (1 for the first) since the previous
/// query (or the request); `None` once the schedule is used up, when the reconciliation
/// file gives the final answer (for a front transaction: one more query after payTimeout).
pub fn query_gap_seconds(attempt: u32, cadence: QueryCadence) -> Option<i64> {
    let index = usize::try_from(attempt.checked_sub(1)?).ok()?;
    match cadence {
        QueryCadence::Back => BACK_GAPS.get(index).copied().or_else(|| {
            let hours = i64::try_from(index.checked_sub(BACK_GAPS.len())?).ok()?;
            (BACK_GAPS_TOTAL + (hours + 1) * HOURLY <= BACK_QUERY_HORIZON_SECONDS).then_some(HOURLY)
        }),
        QueryCadence::Front => FRONT_GAPS.get(index).copied(),
    }
}

/// When to send query number `attempt` (1 for the first), counting from `now` (the time
/// of the request or of the previous query's answer); `None` once the schedule is used up.
pub fn next_query_at(attempt: u32, cadence: QueryCadence, now: Timestamp) -> Option<Timestamp> {
    query_gap_seconds(attempt, cadence).map(|gap| now.plus_seconds(gap))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offsets(cadence: QueryCadence) -> Vec<i64> {
        let mut at = 0;
        (1..)
            .map_while(|n| query_gap_seconds(n, cadence))
            .map(|gap| {
                at += gap;
                at
            })
            .collect()
    }

    #[test]
    fn back_schedule_quick_then_slow_tail_to_the_next_day() {
        let at = offsets(QueryCadence::Back);
        assert_eq!(&at[..6], [1, 3, 7, 15, 31, 63]);
        assert_eq!(&at[6..10], [300, 600, 1800, 3600]);
        assert_eq!(at[10], 7200);
        assert_eq!(*at.last().unwrap(), BACK_QUERY_HORIZON_SECONDS);
        assert_eq!(at.len(), 10 + 23);
        assert_eq!(query_gap_seconds(0, QueryCadence::Back), None);
    }

    #[test]
    fn front_schedule_minutes() {
        assert_eq!(offsets(QueryCadence::Front), [300, 600, 1800, 3600, 7200]);
    }
}
