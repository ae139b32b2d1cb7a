//! fileContent and ZIP decoding (spec §10.2–10.3): the official sample archive, round
//! trips, zip bombs and hostile archives.
#![allow(clippy::disallowed_methods)] // tests read fixture files

use base64::Engine;
use std::time::{Duration, Instant};
use unionpay_acp::file::{
    decode_file_content, encode_file_content, inflate_file_content, read_zip, write_zip,
    ArchiveLimits, NamedFile,
};
use unionpay_acp::ErrorCode;

const ZM_NAME: &str = "INN15090588ZM_802310048993424";
const RD_NAME: &str = "RD201015090501_802310048993424";

fn fixture() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/recon/802310048993424_20150905.zip"
    );
    std::fs::read(path).unwrap()
}

/// What UnionPay puts in `fileContent`: base64(zlib(zip)).
fn file_content(zip: &[u8]) -> String {
    let zlib = miniz_oxide::deflate::compress_to_vec_zlib(zip, 6);
    base64::engine::general_purpose::STANDARD.encode(zlib)
}

fn limits() -> ArchiveLimits {
    ArchiveLimits::default()
}

fn file(name: &str, bytes: &[u8]) -> NamedFile {
    NamedFile {
        name: name.into(),
        bytes: bytes.to_vec(),
    }
}

fn code<T: std::fmt::Debug>(r: unionpay_acp::Result<T>) -> ErrorCode {
    r.unwrap_err().code()
}

#[test]
fn official_sample_archive_reads_completely() {
    let files = read_zip(&fixture(), &limits()).unwrap();
    let names: Vec<_> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, [ZM_NAME, RD_NAME]);
    assert_eq!(files[0].bytes.len(), 4872); // 8 lines × (607 + CRLF)
    assert_eq!(files[1].bytes.len(), 2312);
}

#[test]
fn file_content_of_the_sample_decodes_to_the_same_members() {
    let zip = fixture();
    let content = file_content(&zip);
    assert_eq!(inflate_file_content(&content, &limits()).unwrap(), zip);
    let files = decode_file_content(&content, &limits()).unwrap();
    assert_eq!(files, read_zip(&zip, &limits()).unwrap());
    // MIME line wrapping (as some Java encoders emit) is tolerated.
    let wrapped: String = content
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n");
    assert_eq!(decode_file_content(&wrapped, &limits()).unwrap(), files);
}

#[test]
fn encode_then_decode_round_trips() {
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let files = vec![
        file(ZM_NAME, b"S56 line\r\n"),
        file("子目录/对账单.txt", "淘在路上".as_bytes()),
        file("empty", b""),
        file("big.bin", &big),
        file("zeros", &[0u8; 100_000]),
    ];
    let content = encode_file_content(&files).unwrap();
    assert_eq!(decode_file_content(&content, &limits()).unwrap(), files);
    // Deterministic: no clock in the core, so the same input gives the same bytes.
    assert_eq!(encode_file_content(&files).unwrap(), content);
}

#[test]
fn writer_refuses_what_the_reader_would_refuse() {
    for bad in ["../x", "/abs", "a\\b", "C:x", "", "a/"] {
        assert_eq!(
            code(write_zip(&[file(bad, b"x")])),
            ErrorCode::InvalidArgument,
            "{bad:?}"
        );
    }
    assert_eq!(
        code(write_zip(&[file("a", b"1"), file("a", b"2")])),
        ErrorCode::InvalidArgument
    );
}

#[test]
fn bad_base64_and_bad_zlib() {
    assert_eq!(
        code(decode_file_content("not base64!", &limits())),
        ErrorCode::InvalidBase64
    );
    // A '+' turned into a space by URL-decoding is not silently accepted.
    let content = file_content(&fixture()).replace('+', " ");
    assert_eq!(
        code(decode_file_content(&content, &limits())),
        ErrorCode::InvalidBase64
    );
    // Raw zip bytes base64-encoded without the zlib layer.
    let no_zlib = base64::engine::general_purpose::STANDARD.encode(fixture());
    assert_eq!(
        code(decode_file_content(&no_zlib, &limits())),
        ErrorCode::ArchiveInvalid
    );
    // A truncated zlib stream.
    let zlib = miniz_oxide::deflate::compress_to_vec_zlib(&fixture(), 6);
    let cut = base64::engine::general_purpose::STANDARD.encode(&zlib[..zlib.len() / 2]);
    assert_eq!(
        code(decode_file_content(&cut, &limits())),
        ErrorCode::ArchiveInvalid
    );
}

/// A raw DEFLATE stream (one fixed-Huffman block) that inflates to `1 + 258 * repeats`
/// zero bytes from about `repeats * 13 / 8` bytes: one literal, then back-references of
/// length 258 at distance 1.
fn deflate_bomb(repeats: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, count: u32) {
            self.acc |= value << self.n;
            self.n += count;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// Huffman codes go most significant bit first.
        fn code(&mut self, code: u64, len: u32) {
            let rev = (0..len).fold(0, |r, i| r | (((code >> i) & 1) << (len - 1 - i)));
            self.put(rev, len);
        }
    }
    let mut b = Bits {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    b.put(1, 1); // BFINAL
    b.put(1, 2); // BTYPE = fixed Huffman
    b.code(0x30, 8); // literal 0
    for _ in 0..repeats {
        b.code(0b1100_0101, 8); // length code 285 = 258 bytes
        b.code(0, 5); // distance code 0 = distance 1
    }
    b.code(0, 7); // end of block (256)
    b.put(0, 7); // flush
    b.out
}

fn zlib_wrap(deflate: &[u8], adler: u32) -> Vec<u8> {
    let mut z = vec![0x78, 0x9C];
    z.extend_from_slice(deflate);
    z.extend_from_slice(&adler.to_be_bytes());
    z
}

#[test]
fn zlib_bomb_stops_at_the_limit_quickly() {
    // ~1 GiB of zeros from ~6.8 MB is too big to build cheaply; 200 MiB from ~1.3 MB
    // is plenty to cross the default 64 MiB cap.
    let repeats = 200 * 1024 * 1024 / 258;
    let bomb = zlib_wrap(&deflate_bomb(repeats), 0);
    let content = base64::engine::general_purpose::STANDARD.encode(&bomb);
    let start = Instant::now();
    let err = decode_file_content(&content, &limits()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ArchiveTooLarge, "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );

    // With a small cap it stops after about that many bytes, whatever the stream claims.
    let small = ArchiveLimits {
        max_total_bytes: 1 << 20,
        ..limits()
    };
    let start = Instant::now();
    assert_eq!(
        code(decode_file_content(&content, &small)),
        ErrorCode::ArchiveTooLarge
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn oversized_base64_is_refused_before_decoding() {
    let small = ArchiveLimits {
        max_total_bytes: 1000,
        ..limits()
    };
    let content = "A".repeat(200_000);
    assert_eq!(
        code(decode_file_content(&content, &small)),
        ErrorCode::ArchiveTooLarge
    );
}

// ---- hostile ZIP archives, built byte by byte ----

/// One member for [`raw_zip`]: what the central directory and local header say.
struct Raw {
    name: Vec<u8>,
    data: Vec<u8>,
    method: u16,
    flags: u16,
    crc: u32,
    size: u32,
}

fn stored(name: &str, data: &[u8]) -> Raw {
    Raw {
        name: name.as_bytes().to_vec(),
        data: data.to_vec(),
        method: 0,
        flags: 0,
        crc: crc32(data),
        size: data.len() as u32,
    }
}

fn crc32(data: &[u8]) -> u32 {
    // Bitwise reference implementation, independent of the crate's table.
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn raw_zip(entries: &[Raw]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&e.flags.to_le_bytes());
            v.extend_from_slice(&e.method.to_le_bytes());
            v.extend_from_slice(&[0, 0, 0x21, 0]); // time, date
            v.extend_from_slice(&e.crc.to_le_bytes());
            v.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            v.extend_from_slice(&e.size.to_le_bytes());
            v.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            v.extend_from_slice(&[0, 0]); // extra length
        };
        out.extend_from_slice(&[0x50, 0x4b, 3, 4, 20, 0]);
        common(&mut out);
        out.extend_from_slice(&e.name);
        out.extend_from_slice(&e.data);
        central.extend_from_slice(&[0x50, 0x4b, 1, 2, 20, 0, 20, 0]);
        common(&mut central);
        central.extend_from_slice(&[0; 10]); // comment len, disk, internal, external attrs
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(&e.name);
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&[0x50, 0x4b, 5, 6, 0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

#[test]
fn raw_builder_agrees_with_the_reader() {
    let files = read_zip(&raw_zip(&[stored("a.txt", b"hello")]), &limits()).unwrap();
    assert_eq!(files, vec![file("a.txt", b"hello")]);
}

#[test]
fn unsafe_and_duplicate_names_are_refused() {
    for bad in [
        "../evil",
        "a/../../evil",
        "/etc/passwd",
        "a\\..\\evil",
        "C:evil",
        "a//b",
        "a\u{1}b",
    ] {
        let zip = raw_zip(&[stored(bad, b"x")]);
        assert_eq!(
            code(read_zip(&zip, &limits())),
            ErrorCode::ArchiveInvalid,
            "{bad:?}"
        );
    }
    let zip = raw_zip(&[stored("a", b"1"), stored("a", b"2")]);
    assert_eq!(code(read_zip(&zip, &limits())), ErrorCode::ArchiveInvalid);
}

#[cfg(feature = "gbk")]
#[test]
fn gbk_names_without_the_utf8_flag_are_decoded() {
    let mut e = stored("x", b"data");
    e.name = vec![0xB6, 0xD4, 0xD5, 0xCB]; // 对账 in GBK
    let files = read_zip(&raw_zip(&[e]), &limits()).unwrap();
    assert_eq!(files[0].name, "对账");
}

#[test]
fn crc_mismatch_is_refused() {
    let mut e = stored("a", b"hello");
    e.crc ^= 1;
    assert_eq!(
        code(read_zip(&raw_zip(&[e]), &limits())),
        ErrorCode::ArchiveInvalid
    );
    // Flipping a byte of the sample's compressed data breaks deflate or the CRC.
    let mut zip = fixture();
    zip[0x80] ^= 0x55;
    assert_eq!(code(read_zip(&zip, &limits())), ErrorCode::ArchiveInvalid);
}

#[test]
fn truncated_archives_are_refused() {
    let zip = fixture();
    for len in [0, 10, 500, zip.len() - 30, zip.len() - 1] {
        assert_eq!(
            code(read_zip(&zip[..len], &limits())),
            ErrorCode::ArchiveInvalid,
            "len {len}"
        );
    }
}

#[test]
fn encryption_zip64_and_other_methods_are_unsupported() {
    let mut e = stored("a", b"x");
    e.flags = 1;
    assert_eq!(
        code(read_zip(&raw_zip(&[e]), &limits())),
        ErrorCode::ArchiveUnsupported
    );
    let mut e = stored("a", b"x");
    e.method = 12; // bzip2
    assert_eq!(
        code(read_zip(&raw_zip(&[e]), &limits())),
        ErrorCode::ArchiveUnsupported
    );
    let mut e = stored("a", b"x");
    e.size = u32::MAX;
    assert_eq!(
        code(read_zip(&raw_zip(&[e]), &limits())),
        ErrorCode::ArchiveUnsupported
    );
}

#[test]
fn member_bombs_are_refused_before_or_while_inflating() {
    let bomb = deflate_bomb(10_000); // 2.58 MB of zeros
                                     // Declares its true size: over the per-member limit, refused before inflating.
    let honest = Raw {
        name: b"bomb".to_vec(),
        data: bomb.clone(),
        method: 8,
        flags: 0,
        crc: 0,
        size: 1 + 258 * 10_000,
    };
    let small = ArchiveLimits {
        max_entry_bytes: 1 << 20,
        ..limits()
    };
    assert_eq!(
        code(read_zip(&raw_zip(&[honest]), &small)),
        ErrorCode::ArchiveTooLarge
    );
    // Lies about its size: inflation stops one byte past the declared size.
    let liar = Raw {
        name: b"bomb".to_vec(),
        data: bomb,
        method: 8,
        flags: 0,
        crc: 0,
        size: 100,
    };
    assert_eq!(
        code(read_zip(&raw_zip(&[liar]), &limits())),
        ErrorCode::ArchiveInvalid
    );
    // Members that together exceed the total.
    let total = ArchiveLimits {
        max_total_bytes: 10,
        ..limits()
    };
    let zip = raw_zip(&[stored("a", b"123456"), stored("b", b"789012")]);
    assert_eq!(code(read_zip(&zip, &total)), ErrorCode::ArchiveTooLarge);
    // Too many members.
    let many: Vec<Raw> = (0..5).map(|i| stored(&format!("f{i}"), b"x")).collect();
    let few = ArchiveLimits {
        max_entries: 4,
        ..limits()
    };
    assert_eq!(
        code(read_zip(&raw_zip(&many), &few)),
        ErrorCode::ArchiveTooLarge
    );
}

#[test]
fn overlapping_members_are_refused() {
    // Member "a" stores, as its data, the complete local header and data of member "b";
    // a central directory listing both makes the same bytes count twice.
    let inner = raw_zip(&[stored("b", b"hi")]);
    let b_local_len = 30 + 1 + 2;
    let a = stored("a", &inner[..b_local_len]);
    let mut zip = raw_zip(&[a]);
    // Append a central entry for "b" at offset 31 (inside "a"'s data) and fix the EOCD.
    let eocd = zip.len() - 22;
    let cd_offset = u32::from_le_bytes(zip[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    let mut central = zip[cd_offset..eocd].to_vec();
    let b_central_at = inner.len() - 22 - (46 + 1);
    let mut b_central = inner[b_central_at..inner.len() - 22].to_vec();
    b_central[42..46].copy_from_slice(&31u32.to_le_bytes());
    central.extend_from_slice(&b_central);
    zip.truncate(cd_offset);
    zip.extend_from_slice(&central);
    zip.extend_from_slice(&[0x50, 0x4b, 5, 6, 0, 0, 0, 0, 2, 0, 2, 0]);
    zip.extend_from_slice(&(central.len() as u32).to_le_bytes());
    zip.extend_from_slice(&(cd_offset as u32).to_le_bytes());
    zip.extend_from_slice(&[0, 0]);
    let err = read_zip(&zip, &limits()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ArchiveInvalid);
    assert!(err.message().contains("overlap"), "{err}");
}

#[test]
fn local_header_must_agree_with_the_central_directory() {
    let mut zip = raw_zip(&[stored("a", b"x")]);
    zip[30] = b'b'; // the local header's name
    assert_eq!(code(read_zip(&zip, &limits())), ErrorCode::ArchiveInvalid);
}
