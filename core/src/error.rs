//! Error codes of the C ABI and the Rust error type that carries them.
//!
//! The numeric codes are part of the frozen ABI (SPEC §3): they are the negated Linux errno
//! values on every platform, so adapters can map them to their language's errno idiom.

use std::ffi::CStr;
use std::fmt;

/// Every failure Zinc reports. `code()` is the stable negative number of the C ABI and
/// `Display` is exactly the text `zinc_strerror(code)` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ZincError {
    /// The OS refused access (EACCES or EPERM), or the object belongs to another user: -1.
    PermissionDenied,
    /// `open` of a name with no live region: -2.
    NotFound,
    /// Reserved for the notification ring: -11.
    RingFull,
    /// `create` of a name held by a live region: -17.
    AlreadyExists,
    /// The name is empty, too long, or has a character outside `[A-Za-z0-9_-]`: -22.
    InvalidName,
    /// The capacity is 0, not a multiple of the page size, or too large: -22.
    InvalidSize,
    /// A NULL handle or pointer where one is required: -22.
    InvalidArgument,
    /// Not a regular file, bad magic, unknown version, or a header inconsistent with the
    /// object: -74.
    CorruptedRegion,
    /// `wait` expired: -110.
    TimedOut,
    /// The handle was closed (or never was a handle): -9. A `wait` in progress when another
    /// thread closes its handle returns this.
    Closed,
    /// Any other OS failure, carrying the positive errno (reported as `-errno`).
    Platform(i32),
}

/// Success.
pub const ZINC_OK: i32 = 0;
/// The OS refused access (EACCES or EPERM), or the object belongs to another user.
pub const ZINC_EPERM: i32 = -1;
/// `zinc_open` of a name with no live region.
pub const ZINC_ENOENT: i32 = -2;
/// The handle was closed (by this or another thread), or was never a handle.
pub const ZINC_EBADF: i32 = -9;
/// Try again: another process holds a lease on the object (also reserved for the ring).
pub const ZINC_EAGAIN: i32 = -11;
/// `zinc_create` of a name held by a live region.
pub const ZINC_EEXIST: i32 = -17;
/// Bad name, capacity 0 or not page-aligned, NULL handle or pointer.
pub const ZINC_EINVAL: i32 = -22;
/// Not a Zinc region: not a regular file, bad magic, unknown version, or a header
/// inconsistent with the object.
pub const ZINC_EBADMSG: i32 = -74;
/// `zinc_wait` expired.
pub const ZINC_ETIMEDOUT: i32 = -110;

impl ZincError {
    /// The stable negative code of the C ABI.
    pub fn code(self) -> i32 {
        match self {
            ZincError::PermissionDenied => ZINC_EPERM,
            ZincError::NotFound => ZINC_ENOENT,
            ZincError::RingFull => ZINC_EAGAIN,
            ZincError::AlreadyExists => ZINC_EEXIST,
            ZincError::InvalidName | ZincError::InvalidSize | ZincError::InvalidArgument => ZINC_EINVAL,
            ZincError::CorruptedRegion => ZINC_EBADMSG,
            ZincError::TimedOut => ZINC_ETIMEDOUT,
            ZincError::Closed => ZINC_EBADF,
            ZincError::Platform(errno) => errno.checked_neg().unwrap_or(i32::MIN),
        }
    }

    /// Maps an OS errno to the Zinc error a caller should see.
    pub fn from_errno(errno: i32) -> ZincError {
        match errno {
            libc::EACCES | libc::EPERM => ZincError::PermissionDenied,
            libc::ENOENT => ZincError::NotFound,
            libc::EEXIST => ZincError::AlreadyExists,
            _ => ZincError::Platform(errno),
        }
    }

    /// The error of the last failed system call on this thread.
    pub(crate) fn last_os_error() -> ZincError {
        ZincError::from_errno(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO))
    }

    /// The static message for this error (the same text as `zinc_strerror(self.code())`).
    pub fn message(self) -> &'static str {
        // Every message in the table below is ASCII, so the conversion cannot fail.
        strerror(self.code()).to_str().unwrap_or("zinc: unknown error")
    }
}

impl fmt::Display for ZincError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for ZincError {}

impl From<ZincError> for std::io::Error {
    fn from(e: ZincError) -> std::io::Error {
        std::io::Error::new(io_kind(e), e)
    }
}

fn io_kind(e: ZincError) -> std::io::ErrorKind {
    use std::io::ErrorKind as K;
    match e {
        ZincError::PermissionDenied => K::PermissionDenied,
        ZincError::NotFound => K::NotFound,
        ZincError::AlreadyExists => K::AlreadyExists,
        ZincError::InvalidName | ZincError::InvalidSize | ZincError::InvalidArgument => K::InvalidInput,
        ZincError::CorruptedRegion => K::InvalidData,
        ZincError::TimedOut => K::TimedOut,
        ZincError::RingFull => K::WouldBlock,
        ZincError::Closed => K::NotConnected,
        ZincError::Platform(errno) => std::io::Error::from_raw_os_error(errno).kind(),
    }
}

/// The static, NUL-terminated message for any code, never NULL (backs `zinc_strerror`).
pub fn strerror(code: i32) -> &'static CStr {
    match code {
        ZINC_OK => c"success",
        ZINC_EPERM => c"permission denied: the region belongs to another user, or the OS refused access to it",
        ZINC_ENOENT => c"not found: no live region has this name",
        ZINC_EBADF => c"closed: the handle was closed",
        ZINC_EAGAIN => c"try again: another process holds a lease on the object (the code is also reserved for a full notification ring)",
        ZINC_EEXIST => c"already exists: a live region already has this name",
        ZINC_EINVAL => c"invalid argument: the name must be 1-250 characters of [A-Za-z0-9_-], the capacity a non-zero multiple of the page size, and the handle non-NULL",
        ZINC_EBADMSG => c"corrupted region: not a Zinc region (not a regular file, bad magic, unknown version, or a header inconsistent with the object)",
        ZINC_ETIMEDOUT => c"timed out: no notification before the timeout",
        _ => platform_message(code),
    }
}

fn platform_message(code: i32) -> &'static CStr {
    if code > 0 {
        return c"unknown code: Zinc codes are 0 or negative";
    }
    match code.checked_neg().unwrap_or(0) {
        libc::ENOSPC => c"no space left on device: /dev/shm cannot hold a region this large",
        libc::ENOMEM => c"out of memory: the region could not be mapped",
        libc::EMFILE => c"too many open files in this process",
        libc::ENFILE => c"too many open files in the system",
        libc::EFBIG => c"file too large: the capacity exceeds what the OS allows",
        libc::ENAMETOOLONG => c"name too long for this OS",
        libc::EINTR => c"interrupted system call",
        libc::EBUSY => c"resource busy",
        libc::EIO => c"input/output error",
        libc::ENODEV => c"no such device: shared memory is not available",
        libc::ENOSYS => c"function not implemented by this OS",
        libc::EOPNOTSUPP => c"operation not supported by this OS",
        libc::EOVERFLOW => c"value too large for the OS",
        libc::EROFS => c"read-only file system",
        libc::EISDIR => c"is a directory",
        _ => c"operating system error (the code is -errno)",
    }
}

pub type Result<T> = std::result::Result<T, ZincError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_the_spec() {
        assert_eq!(ZincError::PermissionDenied.code(), -1);
        assert_eq!(ZincError::NotFound.code(), -2);
        assert_eq!(ZincError::RingFull.code(), -11);
        assert_eq!(ZincError::AlreadyExists.code(), -17);
        assert_eq!(ZincError::InvalidName.code(), -22);
        assert_eq!(ZincError::InvalidSize.code(), -22);
        assert_eq!(ZincError::InvalidArgument.code(), -22);
        assert_eq!(ZincError::CorruptedRegion.code(), -74);
        assert_eq!(ZincError::TimedOut.code(), -110);
        assert_eq!(ZincError::Closed.code(), -9);
        assert_eq!(ZincError::Platform(libc::ENOSPC).code(), -28);
    }

    #[test]
    fn errno_mapping() {
        assert_eq!(ZincError::from_errno(libc::EACCES), ZincError::PermissionDenied);
        assert_eq!(ZincError::from_errno(libc::EPERM), ZincError::PermissionDenied);
        assert_eq!(ZincError::from_errno(libc::ENOENT), ZincError::NotFound);
        assert_eq!(ZincError::from_errno(libc::EEXIST), ZincError::AlreadyExists);
        assert_eq!(ZincError::from_errno(libc::ENOSPC), ZincError::Platform(libc::ENOSPC));
    }

    #[test]
    fn every_code_has_a_message_and_display_matches() {
        for code in [0, -1, -2, -9, -11, -17, -22, -28, -74, -110, -9999, 5, i32::MIN, i32::MAX] {
            assert!(!strerror(code).to_bytes().is_empty(), "code {code}");
        }
        let e = ZincError::AlreadyExists;
        assert_eq!(e.to_string().as_bytes(), strerror(-17).to_bytes());
        assert_eq!(ZincError::Platform(i32::MIN).code(), i32::MIN);
    }
}
