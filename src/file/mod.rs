//! File transfer (76/01): the `fileContent` archive and the reconciliation files in it
//! (spec §10).
//!
//! `fileContent` = base64( zlib( ZIP archive ) ). [`decode_file_content`] undoes all three
//! layers with hard size caps ([`ArchiveLimits`]), so a hostile or broken response cannot
//! make the host allocate without bound; [`parse_archive`] then turns the members into
//! typed reconciliation records. Verify the response's signature first (the signature
//! covers `fileContent`); this module only decodes bytes.
//!
//! The writers (`encode_file_content`, `write_zip`, `format_zm_record`; feature
//! `gateway`) produce exactly what UnionPay sends, for the local gateway sandbox and for
//! tests: a merchant never writes these, so they are not in its API.

mod books;
mod crc32;
mod layout;
mod names;
mod recon;
mod values;
mod zip_read;
#[cfg(feature = "gateway")]
mod zip_write;
mod zm;
#[cfg(feature = "gateway")]
mod zm_format;
mod zme;

pub use books::{
    reconcile, BookEntry, BookState, LinkedOriginal, ReconciliationReport, ReportLine,
    ReportSummary, Verdict,
};
pub use recon::{classify_member, parse_archive, MemberKind, Reconciliation, ZmTotals};
pub use values::{Direction, MonthDayTime, SignedAmount};
pub use zip_read::read_zip;
#[cfg(feature = "gateway")]
pub use zip_write::write_zip;
pub use zm::{parse_zm, ZmRecord, ZM_LINE_BYTES};
#[cfg(feature = "gateway")]
pub use zm_format::{format_zm_file, format_zm_record};
pub use zme::{parse_zme, ZmeRecord, ZME_LINE_BYTES};

use crate::error::{Error, ErrorCode, Result};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use std::fmt;

/// Caps applied while decoding an archive; exceeding one is `ArchiveTooLarge`.
///
/// The caps bound memory: the zlib layer stops inflating at `max_total_bytes`, and each
/// member is inflated only up to the size the central directory declares, which must fit
/// `max_entry_bytes` (and, summed, `max_total_bytes`) before anything is inflated.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase", default)
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ArchiveLimits {
    /// Most bytes for the inflated ZIP archive, and for all members together (64 MiB).
    pub max_total_bytes: usize,
    /// Most bytes for one member (32 MiB).
    pub max_entry_bytes: usize,
    /// Most members in one archive (64).
    pub max_entries: usize,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        // A busy merchant's daily ZM file is a few MB (607 bytes per transaction); these
        // leave ample headroom while keeping a zip bomb far from exhausting memory.
        ArchiveLimits {
            max_total_bytes: 64 * 1024 * 1024,
            max_entry_bytes: 32 * 1024 * 1024,
            max_entries: 64,
        }
    }
}

/// One member of an archive: a safe relative name (`/`-separated) and its bytes.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NamedFile {
    /// The member name, checked safe to join to an output directory.
    pub name: String,
    /// The uncompressed contents.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for NamedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Contents can be megabytes: show the size, not the bytes.
        f.debug_struct("NamedFile")
            .field("name", &self.name)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// The archive members of a file-transfer answer's `fileContent` field, `None` when the
/// answer has none (what [`crate::client::Response::files`] reads; the JS package's
/// separate file module calls it with the field it holds).
///
/// Errors: `MissingField` without `fileContent`, else as [`decode_file_content`].
pub fn files_of_answer(
    file_content: Option<&str>,
    limits: &ArchiveLimits,
) -> Result<Vec<NamedFile>> {
    let content = file_content.ok_or_else(|| {
        Error::new(
            ErrorCode::MissingField,
            "the answer has no 'fileContent' (respCode 98: no file yet)",
        )
    })?;
    decode_file_content(content, limits)
}

/// Decodes `fileContent` (base64 → zlib → ZIP) into the archive's members.
///
/// Errors: `InvalidBase64`, `ArchiveInvalid` (bad zlib stream or ZIP),
/// `ArchiveUnsupported`, `ArchiveTooLarge`.
pub fn decode_file_content(
    file_content_base64: &str,
    limits: &ArchiveLimits,
) -> Result<Vec<NamedFile>> {
    let zip = inflate_file_content(file_content_base64, limits)?;
    read_zip(&zip, limits)
}

/// Decodes `fileContent` to the ZIP archive bytes only (what the SDKs save as `fileName`).
pub fn inflate_file_content(file_content_base64: &str, limits: &ArchiveLimits) -> Result<Vec<u8>> {
    // A zlib stream is never much longer than its output (stored blocks add 5 bytes per
    // 64 KiB), so an input past this bound cannot inflate within the limit anyway.
    let max_b64 = limits
        .max_total_bytes
        .saturating_add(64 * 1024)
        .saturating_div(3)
        .saturating_mul(4);
    if file_content_base64.len() > max_b64 {
        return Err(Error::new(
            ErrorCode::ArchiveTooLarge,
            format!(
                "fileContent has {} base64 characters; the limits allow about {max_b64}",
                file_content_base64.len()
            ),
        ));
    }
    let compressed = decode_base64(file_content_base64)?;
    // One byte of headroom tells "exactly at the limit" from "over it".
    let cap = limits.max_total_bytes.saturating_add(1);
    let zip = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, cap).map_err(|e| {
        if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
            too_large(limits.max_total_bytes)
        } else {
            Error::new(
                ErrorCode::ArchiveInvalid,
                format!("fileContent is not a valid zlib stream ({e}); check it was not URL-decoded or truncated"),
            )
        }
    })?;
    if zip.len() > limits.max_total_bytes {
        return Err(too_large(limits.max_total_bytes));
    }
    Ok(zip)
}

/// Encodes members the way UnionPay sends them: ZIP (deflate) → zlib → base64.
///
/// Errors: `InvalidArgument` for unsafe or duplicate names and sizes needing ZIP64.
#[cfg(feature = "gateway")]
pub fn encode_file_content(files: &[NamedFile]) -> Result<String> {
    let zip = write_zip(files)?;
    let zlib = miniz_oxide::deflate::compress_to_vec_zlib(&zip, 6);
    Ok(base64::engine::general_purpose::STANDARD.encode(zlib))
}

/// Standard base64; line breaks (MIME-style wrapping) and missing padding are tolerated,
/// since the SDKs' decoders (commons-codec, .NET, PHP) accept both.
fn decode_base64(text: &str) -> Result<Vec<u8>> {
    let engine = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let cleaned: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b'\r' | b'\n'))
        .collect();
    engine.decode(cleaned).map_err(|e| {
        Error::new(
            ErrorCode::InvalidBase64,
            format!("fileContent is not valid base64 ({e}); a '+' turned into a space means it was URL-decoded"),
        )
    })
}

fn too_large(limit: usize) -> Error {
    Error::new(
        ErrorCode::ArchiveTooLarge,
        format!("fileContent inflates to more than the limit of {limit} bytes (a zip bomb, or raise the archive limits' total size)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_without_file_content_is_a_missing_field() {
        let e = files_of_answer(None, &ArchiveLimits::default()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::MissingField);
        assert_eq!(
            files_of_answer(Some("!"), &ArchiveLimits::default())
                .unwrap_err()
                .code(),
            ErrorCode::InvalidBase64
        );
    }
}
