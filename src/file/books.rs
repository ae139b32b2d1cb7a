//! Comparing the merchant's books of a clearing day with UnionPay's reconciliation file
//! (spec §10; the file is the final truth, §7.4). Sans-IO: the books come from the
//! merchant's database, the file from the file transfer (76) or a saved archive.
//!
//! Every ZM record is a transaction that settled. A book entry is matched to the record
//! with its `queryId`, or, when the books have none, to the record of its `orderId` and
//! `txnType`; each record matches at most one entry. Refunds and undos are linked to the
//! transaction they reverse through `origQryId`, whether that one is in the file or only
//! in the books (an earlier day's payment).

use super::{Reconciliation, ZmRecord};
use std::collections::{BTreeMap, BTreeSet};

/// What the merchant's books say happened to a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum BookState {
    /// Final success (a success notification or query answer was booked).
    Succeeded,
    /// Final failure (UnionPay said no: the money did not move).
    Failed,
    /// Not known yet (no answer, accepted, pending).
    Unknown,
}

/// One transaction of the clearing day as the merchant booked it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BookEntry {
    /// `orderId`.
    pub order_id: String,
    /// `txnType` (`01` consume, `04` refund, `31` consume undo, `03` completion, …).
    pub txn_type: String,
    /// The amount in fen.
    pub amount_fen: u64,
    /// `queryId`, when UnionPay gave one.
    #[cfg_attr(feature = "serde", serde(default))]
    pub query_id: Option<String>,
    /// Refunds and undos: the `queryId` of the transaction they reverse (`origQryId`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub orig_query_id: Option<String>,
    /// What the books say.
    pub state: BookState,
}

/// How one transaction compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Verdict {
    /// Succeeded in the books, settled in the file, same amount.
    Matched,
    /// Failed in the books and absent from the file: consistent.
    FailedAsBooked,
    /// Succeeded in both, with different amounts: correct the books from the file.
    AmountMismatch,
    /// Settled, but the books say failed: the money moved (re-book it, or refund it).
    SettledButBookedFailed,
    /// Settled while the books said unknown: book it as succeeded.
    SettledWhileUnknown,
    /// Succeeded in the books, absent from this file: look in the next day's file (after
    /// the day's cut-off), then query it.
    MissingInFile,
    /// Unknown in the books and absent from this file: not settled this day; query it and
    /// look in the next day's file.
    UnknownNotInFile,
    /// In the file, not in the books: a transaction the merchant lost track of.
    MissingInBooks,
}

impl Verdict {
    /// Whether the books need no action.
    pub fn is_consistent(self) -> bool {
        matches!(self, Verdict::Matched | Verdict::FailedAsBooked)
    }
}

/// The transaction a refund or undo reverses.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LinkedOriginal {
    /// Its `queryId` (the refund's `origQryId`).
    pub query_id: String,
    /// Its `orderId`, when the file or the books know it.
    pub order_id: Option<String>,
    /// Whether it is in this day's file (else only in the books, or nowhere).
    pub in_file: bool,
}

/// One line of the report: a book entry, or a file record the books lack.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReportLine {
    /// How it compares.
    pub verdict: Verdict,
    /// `orderId`.
    pub order_id: String,
    /// `txnType`.
    pub txn_type: String,
    /// `queryId` (the file's when it has one, else the books').
    pub query_id: Option<String>,
    /// The books' amount, when booked.
    pub book_amount_fen: Option<u64>,
    /// The file's amount, when settled.
    pub file_amount_fen: Option<u64>,
    /// The books' state, when booked.
    pub book_state: Option<BookState>,
    /// Refunds and undos: what they reverse.
    pub original: Option<LinkedOriginal>,
}

/// How many lines got each verdict.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReportSummary {
    /// [`Verdict::Matched`].
    pub matched: u32,
    /// [`Verdict::FailedAsBooked`].
    pub failed_as_booked: u32,
    /// [`Verdict::AmountMismatch`].
    pub amount_mismatch: u32,
    /// [`Verdict::SettledButBookedFailed`].
    pub settled_but_booked_failed: u32,
    /// [`Verdict::SettledWhileUnknown`].
    pub settled_while_unknown: u32,
    /// [`Verdict::MissingInFile`].
    pub missing_in_file: u32,
    /// [`Verdict::UnknownNotInFile`].
    pub unknown_not_in_file: u32,
    /// [`Verdict::MissingInBooks`].
    pub missing_in_books: u32,
}

impl ReportSummary {
    fn count(&mut self, v: Verdict) {
        let slot = match v {
            Verdict::Matched => &mut self.matched,
            Verdict::FailedAsBooked => &mut self.failed_as_booked,
            Verdict::AmountMismatch => &mut self.amount_mismatch,
            Verdict::SettledButBookedFailed => &mut self.settled_but_booked_failed,
            Verdict::SettledWhileUnknown => &mut self.settled_while_unknown,
            Verdict::MissingInFile => &mut self.missing_in_file,
            Verdict::UnknownNotInFile => &mut self.unknown_not_in_file,
            Verdict::MissingInBooks => &mut self.missing_in_books,
        };
        *slot = slot.saturating_add(1);
    }
}

/// The books compared with the file: a line per book entry (in the books' order), then
/// a line per file record no entry matched (in file order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReconciliationReport {
    /// Every line.
    pub lines: Vec<ReportLine>,
    /// The count of each verdict.
    pub summary: ReportSummary,
}

impl ReconciliationReport {
    /// Whether every line is consistent (nothing for the merchant to do).
    pub fn is_clean(&self) -> bool {
        self.lines.iter().all(|l| l.verdict.is_consistent())
    }
}

/// Compares `books` with the ZM records of `file`.
pub fn reconcile(books: &[BookEntry], file: &Reconciliation) -> ReconciliationReport {
    let records = &file.zm;
    let by_query: BTreeMap<&str, usize> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.query_id.is_empty())
        .map(|(i, r)| (r.query_id.as_str(), i))
        .collect();
    let mut used = BTreeSet::new();
    let mut report = ReconciliationReport::default();
    for entry in books {
        let found = find(entry, records, &by_query, &used);
        if let Some(i) = found {
            used.insert(i);
        }
        let record = found.and_then(|i| records.get(i));
        // What the books must change comes first: a settled "failure" outranks its amount.
        let verdict = match (entry.state, record) {
            (BookState::Failed, Some(_)) => Verdict::SettledButBookedFailed,
            (BookState::Unknown, Some(_)) => Verdict::SettledWhileUnknown,
            (BookState::Succeeded, Some(r)) if r.amount_fen != entry.amount_fen => {
                Verdict::AmountMismatch
            }
            (BookState::Succeeded, Some(_)) => Verdict::Matched,
            (BookState::Succeeded, None) => Verdict::MissingInFile,
            (BookState::Failed, None) => Verdict::FailedAsBooked,
            (BookState::Unknown, None) => Verdict::UnknownNotInFile,
        };
        let orig = entry
            .orig_query_id
            .clone()
            .filter(|q| !q.is_empty())
            .or_else(|| {
                record
                    .map(|r| r.orig_query_id.clone())
                    .filter(|q| !q.is_empty())
            });
        report.lines.push(ReportLine {
            verdict,
            order_id: entry.order_id.clone(),
            txn_type: entry.txn_type.clone(),
            query_id: record
                .map(|r| r.query_id.clone())
                .filter(|q| !q.is_empty())
                .or_else(|| entry.query_id.clone()),
            book_amount_fen: Some(entry.amount_fen),
            file_amount_fen: record.map(|r| r.amount_fen),
            book_state: Some(entry.state),
            original: orig.map(|q| original(&q, records, &by_query, books)),
        });
    }
    for (i, r) in records.iter().enumerate() {
        if used.contains(&i) {
            continue;
        }
        report.lines.push(ReportLine {
            verdict: Verdict::MissingInBooks,
            order_id: r.order_id.clone(),
            txn_type: r.txn_type.clone(),
            query_id: Some(r.query_id.clone()).filter(|q| !q.is_empty()),
            book_amount_fen: None,
            file_amount_fen: Some(r.amount_fen),
            book_state: None,
            original: Some(r.orig_query_id.clone())
                .filter(|q| !q.is_empty())
                .map(|q| original(&q, records, &by_query, books)),
        });
    }
    for line in &report.lines {
        report.summary.count(line.verdict);
    }
    report
}

/// The record an entry settled as: by its queryId, else (only when the books have no
/// queryId) by orderId and txnType. A record is matched once.
fn find(
    entry: &BookEntry,
    records: &[ZmRecord],
    by_query: &BTreeMap<&str, usize>,
    used: &BTreeSet<usize>,
) -> Option<usize> {
    match entry.query_id.as_deref().filter(|q| !q.is_empty()) {
        Some(q) => by_query.get(q).copied().filter(|i| !used.contains(i)),
        None => records.iter().enumerate().position(|(i, r)| {
            !used.contains(&i) && r.order_id == entry.order_id && r.txn_type == entry.txn_type
        }),
    }
}

/// What a refund's or undo's `origQryId` points at.
fn original(
    query_id: &str,
    records: &[ZmRecord],
    by_query: &BTreeMap<&str, usize>,
    books: &[BookEntry],
) -> LinkedOriginal {
    let in_file = by_query.get(query_id).and_then(|&i| records.get(i));
    let order_id = in_file.map(|r| r.order_id.clone()).or_else(|| {
        books
            .iter()
            .find(|b| b.query_id.as_deref() == Some(query_id))
            .map(|b| b.order_id.clone())
    });
    LinkedOriginal {
        query_id: query_id.to_owned(),
        order_id,
        in_file: in_file.is_some(),
    }
}
