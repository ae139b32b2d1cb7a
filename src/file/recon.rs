//! The reconciliation archive as a whole: which member is which, and their records.

use super::zm::{parse_zm, ZmRecord};
use super::zme::{parse_zme, ZmeRecord};
use super::NamedFile;
use crate::error::{Error, Result};

/// What an archive member is, judged by its name (spec §10.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemberKind {
    /// `INN<yyMMdd><NN>ZM_<merId>`: general transaction details, parsed by [`parse_zm`].
    Zm,
    /// `INN<yyMMdd><NN>ZME_<merId>`: error and other details, parsed by
    /// [`parse_zme`](super::parse_zme).
    Zme,
    /// `RD…`: the human-readable summary report (GBK text, not for parsing).
    Report,
    /// Anything else (instalment or fee files, …): skipped.
    Other,
}

impl MemberKind {
    /// The stable lowercase name: `zm`, `zme`, `report`, `other`.
    pub fn name(self) -> &'static str {
        match self {
            MemberKind::Zm => "zm",
            MemberKind::Zme => "zme",
            MemberKind::Report => "report",
            MemberKind::Other => "other",
        }
    }
}

/// Classifies a member by the last component of its name.
pub fn classify_member(name: &str) -> MemberKind {
    let base = name.rsplit('/').next().unwrap_or(name);
    if let Some(rest) = base.strip_prefix("INN") {
        // Eight characters of date and batch (`15090588`), then the file type.
        let (stamp, kind) = rest.split_at_checked(8).unwrap_or(("", ""));
        if stamp.len() == 8 && stamp.bytes().all(|b| b.is_ascii_alphanumeric()) {
            let has_mer_id = |tail: Option<&str>| tail.is_some_and(|t| !t.is_empty());
            if has_mer_id(kind.strip_prefix("ZM_")) {
                return MemberKind::Zm;
            }
            if has_mer_id(kind.strip_prefix("ZME_")) {
                return MemberKind::Zme;
            }
        }
    } else if base.starts_with("RD") {
        return MemberKind::Report;
    }
    MemberKind::Other
}

/// The parsed contents of a reconciliation archive.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Reconciliation {
    /// Records of every ZM member, in archive order then line order.
    pub zm: Vec<ZmRecord>,
    /// Lines of every ZME member, in archive order then line order.
    pub zme: Vec<ZmeRecord>,
    /// Names of the members not parsed: the `RD` report and unknown files.
    pub other_files: Vec<String>,
}

impl Reconciliation {
    /// Sums of the ZM records, for comparing with the `RD` report.
    pub fn zm_totals(&self) -> ZmTotals {
        ZmTotals::of(&self.zm)
    }
}

/// Sums over ZM records. Signed sums follow [`SignedAmount::signed_fen`]
/// (credit positive, debit negative).
///
/// [`SignedAmount::signed_fen`]: super::SignedAmount::signed_fen
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ZmTotals {
    /// Number of records.
    pub records: usize,
    /// Sum of field 7 (交易金额) over all records, whatever their transaction type:
    /// refunds and voids add to it too, so compare it per type.
    pub amount_fen: u64,
    /// Signed sum of field 16 (商户手续费).
    pub merchant_fee_fen: i64,
    /// Signed sum of field 17 (结算金额).
    pub settle_fen: i64,
    /// Signed sum of field 33 (清算净额).
    pub net_settle_fen: i64,
}

impl ZmTotals {
    /// Sums `records`.
    pub fn of(records: &[ZmRecord]) -> ZmTotals {
        records.iter().fold(ZmTotals::default(), |t, r| ZmTotals {
            records: t.records.saturating_add(1),
            amount_fen: t.amount_fen.saturating_add(r.amount_fen),
            merchant_fee_fen: t
                .merchant_fee_fen
                .saturating_add(r.merchant_fee.signed_fen()),
            settle_fen: t.settle_fen.saturating_add(r.settle_amount.signed_fen()),
            net_settle_fen: t
                .net_settle_fen
                .saturating_add(r.net_settle_amount.signed_fen()),
        })
    }
}

/// Parses every ZM and ZME member of an archive (from [`decode_file_content`] or
/// [`read_zip`]) and lists the rest.
///
/// Errors: `ReconRecordInvalid`, the message starting with the member name.
///
/// [`decode_file_content`]: super::decode_file_content
/// [`read_zip`]: super::read_zip
pub fn parse_archive(files: &[NamedFile]) -> Result<Reconciliation> {
    let mut out = Reconciliation::default();
    for file in files {
        let in_file = |e: Error| Error::new(e.code(), format!("{}: {}", file.name, e.message()));
        match classify_member(&file.name) {
            MemberKind::Zm => out.zm.extend(parse_zm(&file.bytes).map_err(in_file)?),
            MemberKind::Zme => out.zme.extend(parse_zme(&file.bytes).map_err(in_file)?),
            MemberKind::Report | MemberKind::Other => out.other_files.push(file.name.clone()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        assert_eq!(
            classify_member("INN15090588ZM_802310048993424"),
            MemberKind::Zm
        );
        assert_eq!(
            classify_member("x/INN15090588ZME_802310048993424"),
            MemberKind::Zme
        );
        assert_eq!(
            classify_member("RD201015090501_802310048993424"),
            MemberKind::Report
        );
        assert_eq!(classify_member("INN15090588ZM_"), MemberKind::Other);
        assert_eq!(classify_member("INN1509058ZM_8023"), MemberKind::Other);
        assert_eq!(
            classify_member("INN15090588FQ_802310048993424"),
            MemberKind::Other
        );
        assert_eq!(classify_member("readme.txt"), MemberKind::Other);
    }
}
