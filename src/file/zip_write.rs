//! A minimal ZIP writer: what the sandbox needs to produce a reconciliation archive.
//!
//! Members are deflated (or stored when deflate does not help), names are UTF-8, and
//! every timestamp is the DOS epoch 1980-01-01 00:00: the core has no clock, and a fixed
//! time makes the output byte-for-byte reproducible.

use super::crc32::crc32;
use super::names::check_member_name;
use super::NamedFile;
use crate::error::{Error, ErrorCode, Result};
use std::collections::BTreeSet;

/// Deflate level 6: zlib's default, what UnionPay's Java tooling produces.
const LEVEL: u8 = 6;
/// Version 2.0: deflate, no ZIP64.
const VERSION: u16 = 20;
/// DOS date 1980-01-01 (day 1, month 1, year 0 since 1980); time 00:00:00 is zero.
const DOS_DATE: u16 = (1 << 5) | 1;
const FLAG_UTF8: u16 = 0x0800;

/// Writes `files` as a ZIP archive (deflate, no ZIP64, fixed timestamps).
///
/// Names must pass the same safety rule the reader applies, and be unique; each member
/// and the archive must stay under 4 GiB. Violations are `InvalidArgument` errors.
pub fn write_zip(files: &[NamedFile]) -> Result<Vec<u8>> {
    if files.len() >= 0xFFFF {
        return Err(arg("a ZIP without ZIP64 holds at most 65534 members"));
    }
    let mut out = Vec::new();
    let mut central = Vec::new();
    let mut seen = BTreeSet::new();
    for file in files {
        check_member_name(&file.name, ErrorCode::InvalidArgument)?;
        if !seen.insert(file.name.as_str()) {
            return Err(arg(format!(
                "the member name {:?} appears twice",
                file.name
            )));
        }
        let deflated = miniz_oxide::deflate::compress_to_vec(&file.bytes, LEVEL);
        let (method, data): (u16, &[u8]) = if deflated.len() < file.bytes.len() {
            (8, &deflated)
        } else {
            (0, &file.bytes)
        };
        let flags = if file.name.is_ascii() { 0 } else { FLAG_UTF8 };
        let name = file.name.as_bytes();
        let name_len = u16::try_from(name.len()).map_err(|_| arg("a member name is too long"))?;
        let header = Header {
            flags,
            method,
            crc: crc32(&file.bytes),
            compressed: fits_u32(data.len())?,
            size: fits_u32(file.bytes.len())?,
            name_len,
        };
        let offset = fits_u32(out.len())?;

        put32(&mut out, 0x0403_4b50);
        put16(&mut out, VERSION);
        header.put(&mut out);
        put16(&mut out, 0); // extra field length
        out.extend_from_slice(name);
        out.extend_from_slice(data);

        put32(&mut central, 0x0201_4b50);
        put16(&mut central, VERSION); // made by: MS-DOS, 2.0
        put16(&mut central, VERSION);
        header.put(&mut central);
        put16(&mut central, 0); // extra field length
        put16(&mut central, 0); // comment length
        put16(&mut central, 0); // disk number
        put16(&mut central, 0); // internal attributes
        put32(&mut central, 0); // external attributes
        put32(&mut central, offset);
        central.extend_from_slice(name);
    }
    let cd_offset = fits_u32(out.len())?;
    let cd_size = fits_u32(central.len())?;
    out.extend_from_slice(&central);
    let count = u16::try_from(files.len()).map_err(|_| arg("too many members"))?;
    put32(&mut out, 0x0605_4b50);
    put16(&mut out, 0); // this disk
    put16(&mut out, 0); // disk with the central directory
    put16(&mut out, count);
    put16(&mut out, count);
    put32(&mut out, cd_size);
    put32(&mut out, cd_offset);
    put16(&mut out, 0); // comment length
    fits_u32(out.len())?;
    Ok(out)
}

/// The fields shared by the local header and the central directory record.
struct Header {
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    name_len: u16,
}

impl Header {
    fn put(&self, out: &mut Vec<u8>) {
        put16(out, self.flags);
        put16(out, self.method);
        put16(out, 0); // DOS time 00:00:00
        put16(out, DOS_DATE);
        put32(out, self.crc);
        put32(out, self.compressed);
        put32(out, self.size);
        put16(out, self.name_len);
    }
}

fn fits_u32(n: usize) -> Result<u32> {
    u32::try_from(n)
        .ok()
        .filter(|&v| v != u32::MAX) // 0xFFFFFFFF means "see ZIP64" to readers
        .ok_or_else(|| arg("the archive would need ZIP64 (a member or the whole is 4 GiB or more)"))
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn arg(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}
