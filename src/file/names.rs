//! Which archive member names are safe to hand to a host that writes them to disk.
//!
//! The reader and the writer apply the same rule, so a name this crate returns can be
//! joined to an output directory without further checks, and a name it writes can be
//! read back.

use crate::error::{Error, ErrorCode, Result};

/// Longest member name accepted, in bytes (real reconciliation names are about 30).
const MAX_NAME_BYTES: usize = 512;

/// Checks a member name (without a trailing `/` for directories); `code` is the error to
/// report (the reader reports `ArchiveInvalid`, the writer `InvalidArgument`).
pub(crate) fn check_member_name(name: &str, code: ErrorCode) -> Result<()> {
    let reject = |why: &str| {
        Err(Error::new(
            code,
            format!("unsafe archive member name {name:?}: {why}"),
        ))
    };
    if name.is_empty() {
        return reject("it is empty");
    }
    if name.len() > MAX_NAME_BYTES {
        return reject("it is longer than 512 bytes");
    }
    if name.contains('\\') {
        // Windows path separator: `a\..\..\x` would escape the directory there.
        return reject("it contains a backslash");
    }
    if name.contains(':') {
        // Drive letters (`C:x`) and NTFS alternate streams (`x:stream`).
        return reject("it contains ':'");
    }
    if name.chars().any(char::is_control) {
        return reject("it contains a control character");
    }
    if name.starts_with('/') {
        return reject("it is an absolute path");
    }
    for part in name.split('/') {
        match part {
            "" => return reject("it has an empty path component"),
            "." | ".." => return reject("it has a '.' or '..' path component"),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_and_nested_names() {
        for ok in [
            "INN15090588ZM_802310048993424",
            "a/b.txt",
            "对账单.txt",
            "..x",
            "x..",
        ] {
            assert!(
                check_member_name(ok, ErrorCode::ArchiveInvalid).is_ok(),
                "{ok}"
            );
        }
    }

    #[test]
    fn rejects_traversal_and_absolute_names() {
        for bad in [
            "",
            "../x",
            "a/../../x",
            "..",
            ".",
            "/etc/passwd",
            "a\\..\\x",
            "C:x",
            "a//b",
            "a/",
            "a\nb",
            "a\0b",
        ] {
            let err = check_member_name(bad, ErrorCode::ArchiveInvalid).unwrap_err();
            assert_eq!(err.code(), ErrorCode::ArchiveInvalid, "{bad:?}");
        }
    }
}
