//! Linux backend: regions are born unnamed and become visible only when complete; waiters park
//! on a shared futex.

use super::posix::{retry_eintr, ObjectStat};
use crate::error::{Result, ZincError};
use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::AtomicU32;
use std::sync::OnceLock;
use std::time::Duration;

/// Where glibc's `shm_open` keeps POSIX shared memory objects: the default directory.
const DEFAULT_DIR: &CStr = c"/dev/shm";

/// The directory regions live in: `ZINC_SHM_DIR` when set to an absolute path (another tmpfs,
/// e.g. one mounted with `huge=within_size` for huge pages), else `/dev/shm`. Read once per
/// process; every process that shares a region must use the same value.
pub fn shm_dir() -> &'static CStr {
    static DIR: OnceLock<CString> = OnceLock::new();
    DIR.get_or_init(|| match std::env::var("ZINC_SHM_DIR") {
        Err(_) => DEFAULT_DIR.to_owned(),
        Ok(dir) => {
            let trimmed = dir.trim_end_matches('/');
            match CString::new(trimmed) {
                Ok(c) if trimmed.starts_with('/') => c, // "/" itself trims to "": refused
                _ => {
                    eprintln!("zinc: ignoring ZINC_SHM_DIR={dir:?}: expected an absolute directory path");
                    DEFAULT_DIR.to_owned()
                }
            }
        }
    })
}

/// Opens the existing object `shm_name` in the region directory, as glibc's `shm_open` does in
/// /dev/shm (`O_NOFOLLOW`: a planted symlink is refused, never followed).
pub fn open_existing(shm_name: &CStr, flags: libc::c_int) -> Result<OwnedFd> {
    let path = object_path(shm_name);
    // SAFETY: a valid NUL-terminated path and plain flags.
    match retry_eintr(|| unsafe { libc::open(path.as_ptr(), flags | libc::O_NOFOLLOW | libc::O_CLOEXEC) }) {
        // SAFETY: `open` succeeded; the descriptor is fresh and ours alone.
        Ok(fd) => Ok(unsafe { OwnedFd::from_raw_fd(fd) }),
        // Unlike glibc's shm_open (EINVAL), say what a directory under the name is: not a region.
        Err(ZincError::Platform(libc::EISDIR)) => Err(ZincError::CorruptedRegion),
        Err(e) => Err(e),
    }
}

/// Removes the name `shm_name` from the region directory.
pub fn unlink_name(shm_name: &CStr) -> Result<()> {
    let path = object_path(shm_name);
    // SAFETY: a valid NUL-terminated path.
    retry_eintr(|| unsafe { libc::unlink(path.as_ptr()) }).map(|_| ())
}

/// Openers never meet a half-built object here: birth is atomic (see `new_object`).
pub const UNPUBLISHED_IS_NOT_FOUND: bool = false;
/// `notify` must wake parked waiters with a system call.
pub const PARKS_IN_KERNEL: bool = true;

/// Makes an anonymous object in the region directory (`O_TMPFILE`): invisible to every other process until
/// `link_object` names it, and freed by the kernel if we die before that, so a crash or a
/// failure during create leaves nothing behind.
pub fn new_object(_shm_name: &CStr) -> Result<OwnedFd> {
    // SAFETY: a valid path and plain flags.
    let fd =
        unsafe { libc::open(shm_dir().as_ptr(), libc::O_TMPFILE | libc::O_RDWR | libc::O_CLOEXEC, 0o600) };
    if fd == -1 {
        return Err(ZincError::last_os_error());
    }
    // SAFETY: `open` succeeded; the descriptor is fresh and ours alone.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // The umask may have narrowed the mode; the spec says exactly 0600.
    // SAFETY: plain integer arguments on a descriptor we own.
    if unsafe { libc::fchmod(fd.as_raw_fd(), 0o600) } == -1 {
        return Err(ZincError::last_os_error());
    }
    Ok(fd)
}

/// Gives the finished, locked object its name. Fails with `AlreadyExists` if the name is taken:
/// `linkat` never replaces, so two creators can never both win.
pub fn link_object(fd: &OwnedFd, shm_name: &CStr) -> Result<()> {
    let target = object_path(shm_name);
    let proc_path =
        CString::new(format!("/proc/self/fd/{}", fd.as_raw_fd())).map_err(|_| ZincError::InvalidName)?;
    // SAFETY: valid NUL-terminated paths; AT_SYMLINK_FOLLOW makes the /proc magic link resolve
    // to our unnamed inode (the documented way to link an O_TMPFILE without CAP_DAC_READ_SEARCH).
    let rc = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            proc_path.as_ptr(),
            libc::AT_FDCWD,
            target.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if rc == 0 {
        return Ok(());
    }
    let err = ZincError::last_os_error();
    if err != ZincError::NotFound {
        return Err(err);
    }
    // /proc is not mounted: AT_EMPTY_PATH links the descriptor itself (needs the capability).
    // SAFETY: as above, with an empty path naming `fd` itself.
    let rc = unsafe {
        libc::linkat(fd.as_raw_fd(), c"".as_ptr(), libc::AT_FDCWD, target.as_ptr(), libc::AT_EMPTY_PATH)
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(ZincError::last_os_error())
    }
}

/// Nothing to confirm: the object was locked before it got its name.
pub const NAMED_AT_BIRTH: bool = false;

fn object_path(shm_name: &CStr) -> CString {
    let mut path = shm_dir().to_bytes().to_vec();
    path.extend_from_slice(shm_name.to_bytes());
    CString::new(path).unwrap_or_default()
}

/// `lstat` of the object's path: what the name refers to, without opening it (no descriptor
/// needed, and nothing a FIFO or a lease could block). `None` if the name does not exist.
pub fn stat_name(shm_name: &CStr) -> Result<Option<ObjectStat>> {
    let path = object_path(shm_name);
    // SAFETY: `st` is plain old data that `lstat` fully writes on success.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: a valid NUL-terminated path and a writable `stat`.
    match retry_eintr(|| unsafe { libc::lstat(path.as_ptr(), &mut st) }) {
        Ok(_) => Ok(Some(ObjectStat::from_stat(&st))),
        Err(ZincError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The object the name refers to now (device, inode), or `None`: on Linux, `stat_name` itself.
pub use self::stat_name as identify;

/// Sleeps until `word` may differ from `expected`, the timeout passes, or a spurious wake-up.
/// Shared (not private) futex: the word lives in memory mapped by several processes.
pub fn park(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let ts = timeout.map(|d| libc::timespec {
        tv_sec: libc::time_t::try_from(d.as_secs()).unwrap_or(libc::time_t::MAX),
        tv_nsec: d.subsec_nanos() as libc::c_long,
    });
    let ts_ptr = ts.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `word` is a live, aligned u32 in a shared mapping; the kernel only reads it and
    // compares it with `expected`. Every outcome (woken, EAGAIN, ETIMEDOUT, EINTR) is handled
    // by the caller re-reading the word, so the result is deliberately ignored.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAIT, expected, ts_ptr, 0usize, 0u32);
    }
}

/// Wakes every waiter parked on `word`, in any process.
pub fn wake_all(word: &AtomicU32) {
    // SAFETY: `word` is a live, aligned u32; FUTEX_WAKE does not touch user memory.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE, i32::MAX, 0usize, 0usize, 0u32);
    }
}
