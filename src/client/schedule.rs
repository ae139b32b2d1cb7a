//! When to ask again (spec §7.4): the official samples' status-query cadence.

use crate::time::Timestamp;

/// Which query cadence applies to a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryCadence {
    /// Server-to-server transactions: at most 6 queries, the gap before the N-th being
    /// 2^(N-1) seconds (about 1, 3, 7, 15, 31 and 63 s after the request).
    Back,
    /// Browser transactions: 5, 10, 30, 60 and 120 minutes after the request.
    Front,
}

const BACK_GAPS: [i64; 6] = [1, 2, 4, 8, 16, 32];
// Gaps between 5, 10, 30, 60 and 120 minutes after the request.
const FRONT_GAPS: [i64; 5] = [300, 300, 1200, 1800, 3600];

/// The gap in seconds before query number `attempt` (1 for the first) since the previous
/// query (or the request); `None` once the schedule is used up, when the reconciliation
/// file gives the final answer (for a front transaction: one more query after payTimeout).
pub fn query_gap_seconds(attempt: u32, cadence: QueryCadence) -> Option<i64> {
    let index = usize::try_from(attempt.checked_sub(1)?).ok()?;
    match cadence {
        QueryCadence::Back => BACK_GAPS.get(index).copied(),
        QueryCadence::Front => FRONT_GAPS.get(index).copied(),
    }
}

/// When to send query number `attempt` (1 for the first), counting from `now` (the time
/// of the request or of the previous query's answer); `None` once the schedule is used up.
pub fn next_query_at(attempt: u32, cadence: QueryCadence, now: Timestamp) -> Option<Timestamp> {
    query_gap_seconds(attempt, cadence).map(|gap| now.plus_seconds(gap))
}
