//! A small, strict ZIP reader for reconciliation archives.
//!
//! It reads what UnionPay (and common tools) write: one disk, no ZIP64, no encryption,
//! members stored or deflated, optional data descriptors. It trusts the central
//! directory for sizes and CRCs (local headers of streamed members carry zeros), and it
//! refuses anything that could hurt the host that writes the members out: unsafe or
//! duplicate names, members that overlap (the "overlapping file" zip bomb), members
//! larger than the limits, and data that does not match its CRC-32.

use super::crc32::crc32;
use super::names::check_member_name;
use super::{ArchiveLimits, NamedFile};
use crate::error::{Error, ErrorCode, Result};
use std::collections::BTreeSet;

const EOCD_SIG: u32 = 0x0605_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const EOCD_LEN: usize = 22;
const CENTRAL_LEN: usize = 46;
const LOCAL_LEN: usize = 30;
const MAX_COMMENT: usize = 0xFFFF;

const FLAG_ENCRYPTED: u16 = 0x0001;
const FLAG_STRONG_ENCRYPTION: u16 = 0x0040;
const FLAG_UTF8: u16 = 0x0800;
const FLAG_MASKED_HEADERS: u16 = 0x2000;

const METHOD_STORED: u16 = 0;
const METHOD_DEFLATE: u16 = 8;

/// Reads the members of a ZIP archive (e.g. the `.zip` named by `fileName`).
///
/// Returns the files in central-directory order; directory entries are skipped. Every
/// name has passed the safety rule (no `..`, no absolute path, no backslash, no `:`, no
/// control character, no duplicate), so a host may join it to its output directory.
///
/// Errors: `ArchiveInvalid` (corrupt, truncated or unsafe), `ArchiveUnsupported`
/// (encryption, ZIP64, multi-disk, other compression methods), `ArchiveTooLarge`
/// (the limits).
pub fn read_zip(archive: &[u8], limits: &ArchiveLimits) -> Result<Vec<NamedFile>> {
    let eocd = find_eocd(archive)?;
    let disk = u16_at(archive, eocd + 4)?;
    let cd_disk = u16_at(archive, eocd + 6)?;
    let entries_here = u16_at(archive, eocd + 8)?;
    let entries = u16_at(archive, eocd + 10)?;
    let cd_size = u32_at(archive, eocd + 12)?;
    let cd_offset = u32_at(archive, eocd + 16)?;
    if entries == 0xFFFF || cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF {
        return unsupported("the archive is ZIP64");
    }
    if eocd >= 20 && u32_at(archive, eocd - 20)? == ZIP64_LOCATOR_SIG {
        return unsupported("the archive is ZIP64");
    }
    if disk != 0 || cd_disk != 0 || entries_here != entries {
        return unsupported("the archive spans several disks");
    }
    if usize::from(entries) > limits.max_entries {
        return too_large(format!(
            "the archive has {entries} members; the limit is {}",
            limits.max_entries
        ));
    }
    let cd_start = to_usize(cd_offset);
    let cd_end = cd_start
        .checked_add(to_usize(cd_size))
        .filter(|&end| end <= eocd)
        .ok_or_else(|| {
            invalid_err("the central directory lies outside the archive (truncated?)")
        })?;

    let mut files = Vec::new();
    let mut names = BTreeSet::new();
    let mut spans = Vec::new();
    let mut total: usize = 0;
    let mut pos = cd_start;
    for _ in 0..entries {
        let entry = CentralEntry::parse(archive, pos, cd_end)?;
        pos = entry.next;
        let name = decode_name(&entry.name, entry.flags)?;
        if let Some(dir) = name.strip_suffix('/') {
            // Directory entries carry no data; the host creates directories from file names.
            check_member_name(dir, ErrorCode::ArchiveInvalid)?;
            if entry.size != 0 {
                return invalid(format!("directory entry {name:?} has data"));
            }
            continue;
        }
        check_member_name(&name, ErrorCode::ArchiveInvalid)?;
        if !names.insert(name.clone()) {
            return invalid(format!("the member name {name:?} appears twice"));
        }
        let size = to_usize(entry.size);
        if size > limits.max_entry_bytes {
            return too_large(format!(
                "member {name:?} declares {size} bytes; the per-member limit is {}",
                limits.max_entry_bytes
            ));
        }
        total = total.saturating_add(size);
        if total > limits.max_total_bytes {
            return too_large(format!(
                "the members declare more than the total limit of {} bytes",
                limits.max_total_bytes
            ));
        }
        let (start, data) = entry.data(archive, cd_start, &name)?;
        spans.push((start, start.saturating_add(data.len())));
        let bytes = entry.inflate(data, &name)?;
        if crc32(&bytes) != entry.crc {
            return invalid(format!("member {name:?} does not match its CRC-32"));
        }
        files.push(NamedFile { name, bytes });
    }
    if pos != cd_end {
        return invalid("the central directory size does not match its entries");
    }
    check_no_overlap(spans)?;
    Ok(files)
}

/// One central-directory record: what the reader trusts about a member.
struct CentralEntry {
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    local_offset: u32,
    name: Vec<u8>,
    next: usize,
}

impl CentralEntry {
    fn parse(archive: &[u8], pos: usize, cd_end: usize) -> Result<CentralEntry> {
        if u32_at(archive, pos)? != CENTRAL_SIG {
            return invalid("a central directory entry has a bad signature");
        }
        let flags = u16_at(archive, pos + 8)?;
        let method = u16_at(archive, pos + 10)?;
        let crc = u32_at(archive, pos + 16)?;
        let compressed = u32_at(archive, pos + 20)?;
        let size = u32_at(archive, pos + 24)?;
        let name_len = usize::from(u16_at(archive, pos + 28)?);
        let extra_len = usize::from(u16_at(archive, pos + 30)?);
        let comment_len = usize::from(u16_at(archive, pos + 32)?);
        let local_offset = u32_at(archive, pos + 42)?;
        let name_start = pos + CENTRAL_LEN;
        let next = name_start + name_len + extra_len + comment_len;
        if next > cd_end {
            return invalid("a central directory entry runs past the directory (truncated?)");
        }
        let name = slice(archive, name_start, name_len)?.to_vec();
        if flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_HEADERS) != 0 {
            return unsupported("a member is encrypted");
        }
        if method != METHOD_STORED && method != METHOD_DEFLATE {
            return unsupported(format!(
                "a member uses compression method {method}; only stored (0) and deflate (8) are read"
            ));
        }
        if compressed == 0xFFFF_FFFF || size == 0xFFFF_FFFF || local_offset == 0xFFFF_FFFF {
            return unsupported("a member is ZIP64");
        }
        Ok(CentralEntry {
            flags,
            method,
            crc,
            compressed,
            size,
            local_offset,
            name,
            next,
        })
    }

    /// The member's compressed bytes, after checking its local header agrees with the
    /// central directory; data must end before the central directory starts.
    fn data<'a>(
        &self,
        archive: &'a [u8],
        cd_start: usize,
        name: &str,
    ) -> Result<(usize, &'a [u8])> {
        let at = to_usize(self.local_offset);
        if u32_at(archive, at)? != LOCAL_SIG {
            return invalid(format!("member {name:?} has no local header at its offset"));
        }
        let flags = u16_at(archive, at + 6)?;
        let method = u16_at(archive, at + 8)?;
        let name_len = usize::from(u16_at(archive, at + 26)?);
        let extra_len = usize::from(u16_at(archive, at + 28)?);
        if flags & FLAG_ENCRYPTED != 0 {
            return unsupported("a member is encrypted");
        }
        if method != self.method || slice(archive, at + LOCAL_LEN, name_len)? != self.name {
            // Readers that trust local headers would see a different member: refuse the ambiguity.
            return invalid(format!(
                "member {name:?}: local header and central directory disagree"
            ));
        }
        let start = at + LOCAL_LEN + name_len + extra_len;
        let len = to_usize(self.compressed);
        if start.checked_add(len).is_none_or(|end| end > cd_start) {
            return invalid(format!("member {name:?} runs past its end (truncated?)"));
        }
        Ok((start, slice(archive, start, len)?))
    }

    /// Decompresses to exactly the declared size (already checked against the limits).
    fn inflate(&self, data: &[u8], name: &str) -> Result<Vec<u8>> {
        let size = to_usize(self.size);
        let bytes = if self.method == METHOD_STORED {
            data.to_vec()
        } else {
            // One byte of headroom: a stream that fills exactly `size` then ends is Done;
            // one that would write more stops at size + 1 instead of growing.
            miniz_oxide::inflate::decompress_to_vec_with_limit(data, size.saturating_add(1))
                .map_err(|e| {
                    invalid_err(format!("member {name:?}: deflate data is corrupt ({e})"))
                })?
        };
        if bytes.len() != size {
            return invalid(format!(
                "member {name:?} decompresses to a different size than its header declares ({size})"
            ));
        }
        Ok(bytes)
    }
}

/// Finds the end-of-central-directory record: the last signature whose comment fits.
fn find_eocd(archive: &[u8]) -> Result<usize> {
    let not_zip =
        || invalid_err("no end-of-central-directory record: the archive is truncated or not a ZIP");
    let last = archive.len().checked_sub(EOCD_LEN).ok_or_else(not_zip)?;
    let first = last.saturating_sub(MAX_COMMENT);
    (first..=last)
        .rev()
        .find(|&pos| {
            u32_at(archive, pos).ok() == Some(EOCD_SIG)
                && u16_at(archive, pos + 20)
                    .is_ok_and(|c| pos + EOCD_LEN + usize::from(c) <= archive.len())
        })
        .ok_or_else(not_zip)
}

/// Member names: UTF-8 when flagged; otherwise ASCII, UTF-8, or GBK (Chinese Windows
/// tools write GBK without the flag), in that order.
fn decode_name(raw: &[u8], flags: u16) -> Result<String> {
    if let Ok(s) = std::str::from_utf8(raw) {
        return Ok(s.to_owned());
    }
    if flags & FLAG_UTF8 == 0 {
        if let Some(s) = super::layout::decode_gbk(raw) {
            return Ok(s.into_owned());
        }
    }
    invalid("a member name is neither UTF-8 nor GBK")
}

fn check_no_overlap(mut spans: Vec<(usize, usize)>) -> Result<()> {
    spans.sort_unstable();
    for pair in spans.windows(2) {
        if let [(_, end), (next_start, _)] = pair {
            if next_start < end {
                return invalid(
                    "two members share the same compressed data (overlapping zip bomb)",
                );
            }
        }
    }
    Ok(())
}

fn slice(b: &[u8], at: usize, len: usize) -> Result<&[u8]> {
    at.checked_add(len)
        .and_then(|end| b.get(at..end))
        .ok_or_else(|| invalid_err("the archive is truncated"))
}

fn u16_at(b: &[u8], at: usize) -> Result<u16> {
    let bytes: [u8; 2] = slice(b, at, 2)?
        .try_into()
        .map_err(|_| invalid_err("the archive is truncated"))?;
    Ok(u16::from_le_bytes(bytes))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32> {
    let bytes: [u8; 4] = slice(b, at, 4)?
        .try_into()
        .map_err(|_| invalid_err("the archive is truncated"))?;
    Ok(u32::from_le_bytes(bytes))
}

fn to_usize(v: u32) -> usize {
    // ZIP offsets and sizes are 32-bit; usize is at least 32 bits on every target we build.
    usize::try_from(v).unwrap_or(usize::MAX)
}

fn invalid_err(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::ArchiveInvalid, message)
}

fn invalid<T>(message: impl Into<String>) -> Result<T> {
    Err(invalid_err(message))
}

fn unsupported<T>(message: impl Into<String>) -> Result<T> {
    Err(Error::new(ErrorCode::ArchiveUnsupported, message))
}

fn too_large<T>(message: impl Into<String>) -> Result<T> {
    Err(Error::new(ErrorCode::ArchiveTooLarge, message))
}
