//! Region names: validation (before any system call), the OS object name, and the header hash.

use crate::error::{Result, ZincError};
use std::ffi::CString;

/// Longest accepted name on Linux: `zinc_` + 250 bytes fits NAME_MAX (255).
/// macOS caps POSIX shm names at 31 bytes (PSHMNAMLEN) including the `/zinc_` prefix, so
/// portable names stay at 25 bytes or fewer.
pub const MAX_NAME_LEN: usize = 250;

/// Prefix of every OS object: region `frame` lives in `/dev/shm/zinc_frame` on Linux.
pub const OBJECT_PREFIX: &str = "zinc_";

/// Checks that `name` is 1..=250 bytes of `[A-Za-z0-9_-]`.
pub fn validate(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ZincError::InvalidName)
    }
}

/// The `shm_open` name of a validated region name: `/zinc_<name>`.
pub(crate) fn shm_name(name: &str) -> CString {
    // A validated name holds no NUL, so this cannot fail; fall back to an impossible name anyway.
    CString::new(format!("/{OBJECT_PREFIX}{name}")).unwrap_or_default()
}

/// 64-bit FNV-1a of the user-visible name (without `/zinc_`), stored in the header.
pub const fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_allowed_alphabet() {
        for ok in ["a", "Z", "0", "_", "-", "frame_01-B", &"x".repeat(MAX_NAME_LEN)] {
            assert_eq!(validate(ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        let long = "x".repeat(MAX_NAME_LEN + 1);
        for bad in ["", "a/b", "/a", "a b", "a.b", "é", "a\0b", "..", "a\n", &long] {
            assert_eq!(validate(bad), Err(ZincError::InvalidName), "{bad:?}");
        }
    }

    #[test]
    fn fnv1a_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn object_name() {
        assert_eq!(shm_name("frame").to_str().unwrap(), "/zinc_frame");
    }
}
