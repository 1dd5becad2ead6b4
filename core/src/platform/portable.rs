//! Portable (macOS-style) backend: `shm_open(O_CREAT|O_EXCL)` creation and a parking phase that
//! polls with yield, then sleep, backoff. Selected on Linux by the `portable` cargo feature.

use super::posix;
use crate::error::Result;
use std::ffi::CStr;
use std::os::fd::{FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The name exists from `shm_open(O_EXCL)` on, before the header is written: an opener that
/// meets an object whose header is not yet published treats it as not (yet) there.
pub const UNPUBLISHED_IS_NOT_FOUND: bool = true;
/// Waiters poll; `notify` never needs a system call.
pub const PARKS_IN_KERNEL: bool = false;
/// The creator must confirm, once it holds its lock, that its name still refers to its object.
pub const NAMED_AT_BIRTH: bool = true;

/// POSIX offers no path for a shared-memory name, so nothing can be checked before opening;
/// `open_object` checks the descriptor instead.
pub fn stat_name(_shm_name: &CStr) -> Result<Option<posix::ObjectStat>> {
    Ok(None)
}

/// The object the name refers to now (device, inode), or `None`: needs a descriptor here.
pub fn identify(shm_name: &CStr) -> Result<Option<posix::ObjectStat>> {
    use std::os::fd::AsRawFd;
    match shm_open(shm_name, libc::O_RDONLY | posix::NONBLOCK) {
        Ok(fd) => posix::fstat(fd.as_raw_fd()).map(Some),
        Err(crate::error::ZincError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// POSIX shared memory has no directory to choose here: `ZINC_SHM_DIR` is Linux-only.
pub fn shm_dir() -> &'static CStr {
    c"/dev/shm"
}

pub fn open_existing(shm_name: &CStr, flags: libc::c_int) -> Result<OwnedFd> {
    match shm_open(shm_name, flags) {
        // glibc's shm_open turns EISDIR into EINVAL; the name itself was validated, so EINVAL
        // here means a directory sits under it.
        Err(crate::error::ZincError::Platform(libc::EINVAL)) if cfg!(target_os = "linux") => {
            Err(crate::error::ZincError::CorruptedRegion)
        }
        other => other,
    }
}

pub fn unlink_name(shm_name: &CStr) -> Result<()> {
    shm_unlink(shm_name)
}

pub fn new_object(shm_name: &CStr) -> Result<OwnedFd> {
    shm_open(shm_name, libc::O_RDWR | libc::O_CREAT | libc::O_EXCL)
}

/// The object got its name at birth.
pub fn link_object(_fd: &OwnedFd, _shm_name: &CStr) -> Result<()> {
    Ok(())
}

/// Polls `word` until it differs from `expected` or the timeout passes: a few yields, then
/// sleeps doubling from 50 µs to 1 ms, so an idle waiter costs almost nothing. Returns at least
/// every `MAX_NAP` (like a spurious wake-up), so the caller notices a close of its handle,
/// which has no wake-up to send here.
pub fn park(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    const MAX_NAP: Duration = Duration::from_millis(20);
    let timeout = Some(timeout.map_or(MAX_NAP, |t| t.min(MAX_NAP)));
    let start = Instant::now();
    let mut sleep = Duration::from_micros(50);
    for round in 0u32.. {
        if word.load(Ordering::Acquire) != expected {
            return;
        }
        let left = match timeout {
            Some(t) => match t.checked_sub(start.elapsed()) {
                Some(left) if !left.is_zero() => left,
                _ => return,
            },
            None => Duration::MAX,
        };
        if round < 16 {
            std::thread::yield_now();
        } else {
            std::thread::sleep(sleep.min(left));
            sleep = (sleep * 2).min(Duration::from_millis(1));
        }
    }
}

pub fn wake_all(_word: &AtomicU32) {}

/// `shm_open` (with `O_CLOEXEC`); `posix::open_object` is the checked way to open an existing
/// object.
fn shm_open(name: &CStr, flags: libc::c_int) -> Result<OwnedFd> {
    // SAFETY: `name` is a valid NUL-terminated string; the call has no other preconditions.
    let fd = posix::retry_eintr(|| unsafe {
        libc::shm_open(name.as_ptr(), flags | libc::O_CLOEXEC, 0o600 as libc::mode_t)
    })?;
    // SAFETY: `shm_open` succeeded, so `fd` is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn shm_unlink(name: &CStr) -> Result<()> {
    // SAFETY: `name` is a valid NUL-terminated string.
    posix::retry_eintr(|| unsafe { libc::shm_unlink(name.as_ptr()) }).map(|_| ())
}
