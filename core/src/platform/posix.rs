//! Thin, checked wrappers over the POSIX calls the lifecycle needs. Each returns `ZincError`
//! built from errno, so callers never look at errno themselves.

use super::backend;
use crate::error::{Result, ZincError};
use std::ffi::CStr;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::ptr::NonNull;

/// Retries a `-1`-returning call while it fails with EINTR.
pub(crate) fn retry_eintr(mut call: impl FnMut() -> libc::c_int) -> Result<libc::c_int> {
    loop {
        let rc = call();
        if rc != -1 {
            return Ok(rc);
        }
        let err = ZincError::last_os_error();
        if err != ZincError::Platform(libc::EINTR) {
            return Err(err);
        }
    }
}

/// Who may own an object that `open_object` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Only objects owned by this process's effective uid: everything that maps, locks for
    /// keeps, or removes.
    Me,
    /// Anyone: read-only observers that never map (`zinc inspect`/`ls`, which `pread`).
    Anyone,
}

/// Opens the existing object `name` as untrusted input (docs/THREAT_MODEL.md): never blocks
/// (`O_NONBLOCK`: a FIFO or a file under another process's lease cannot hang us), refuses what
/// is not a regular file (`CorruptedRegion`) and, unless `owner` is `Anyone`, what another user
/// owns (`PermissionDenied`), before anything maps it. Checked on the name first (no open, so
/// nothing of the object runs) and again on the descriptor (the name may have been replaced in
/// between).
pub fn open_object(name: &CStr, flags: libc::c_int, owner: Owner) -> Result<OwnedFd> {
    if let Some(st) = backend::stat_name(name)? {
        vet(&st, owner)?;
    }
    let fd = match backend::open_existing(name, flags | NONBLOCK) {
        // EAGAIN on open: another process holds a lease on the file.
        Err(ZincError::Platform(libc::EWOULDBLOCK)) => return Err(ZincError::Platform(libc::EAGAIN)),
        other => other?,
    };
    vet(&fstat(fd.as_raw_fd())?, owner)?;
    Ok(fd)
}

/// `O_NONBLOCK` where `shm_open` accepts it (Linux); macOS's rejects flags it does not know.
pub const NONBLOCK: libc::c_int = if cfg!(target_os = "linux") { libc::O_NONBLOCK } else { 0 };

fn vet(st: &ObjectStat, owner: Owner) -> Result<()> {
    if st.mode & libc::S_IFMT != libc::S_IFREG {
        return Err(ZincError::CorruptedRegion);
    }
    if owner == Owner::Me && st.uid != geteuid() {
        return Err(ZincError::PermissionDenied);
    }
    Ok(())
}

pub fn geteuid() -> u32 {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() }
}

/// The identity of an object (device, inode) and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectStat {
    pub dev: u64,
    pub ino: u64,
    pub len: u64,
    pub uid: u32,
    /// File type and permission bits (`st_mode`).
    pub mode: u32,
}

impl ObjectStat {
    // The field types of `stat` differ between platforms (u64 here, i32/u16 on macOS).
    #[allow(clippy::unnecessary_cast)]
    pub(crate) fn from_stat(st: &libc::stat) -> ObjectStat {
        ObjectStat {
            dev: st.st_dev as u64,
            ino: st.st_ino as u64,
            len: u64::try_from(st.st_size).unwrap_or(0),
            uid: st.st_uid as u32,
            mode: st.st_mode as u32,
        }
    }
}

pub fn fstat(fd: RawFd) -> Result<ObjectStat> {
    // SAFETY: `st` is plain old data that `fstat` fully writes on success.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is a valid, writable `stat`; a bad fd only yields EBADF.
    retry_eintr(|| unsafe { libc::fstat(fd, &mut st) })?;
    Ok(ObjectStat::from_stat(&st))
}

/// Does `name` currently refer to the very object open as `fd`? Removal and reclaim check this
/// while holding the object's exclusive lock, so they never unlink a newer region that took the
/// same name in between. Needs no descriptor on Linux, so a close at the fd limit still removes.
pub fn names_object(name: &CStr, fd: RawFd) -> Result<bool> {
    let mine = fstat(fd)?;
    Ok(backend::identify(name)?.is_some_and(|theirs| theirs.dev == mine.dev && theirs.ino == mine.ino))
}

/// Outcome of a non-blocking lock attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    Taken,
    Busy,
}

/// `flock(LOCK_SH|LOCK_NB)` or `flock(LOCK_EX|LOCK_NB)`.
///
/// Locks belong to the open file description, so each handle's own descriptor is one "holder";
/// the kernel drops them when the last descriptor closes, including when the process dies.
/// Converting shared→exclusive is not atomic: a failed conversion leaves *no* lock, which is
/// why only `close` (about to drop its lock anyway) converts.
pub fn try_lock(fd: RawFd, exclusive: bool) -> Result<Lock> {
    let op = if exclusive { libc::LOCK_EX } else { libc::LOCK_SH } | libc::LOCK_NB;
    // SAFETY: `flock` only reads its integer arguments.
    match retry_eintr(|| unsafe { libc::flock(fd, op) }) {
        Ok(_) => Ok(Lock::Taken),
        Err(ZincError::Platform(libc::EWOULDBLOCK)) => Ok(Lock::Busy),
        Err(e) => Err(e),
    }
}

/// Reserves `len` bytes of backing store up front, so a full /dev/shm fails here with ENOSPC
/// instead of killing a writer with SIGBUS later. Also sets the object's length.
pub fn reserve(fd: RawFd, len: u64) -> Result<()> {
    let len = libc::off_t::try_from(len).map_err(|_| ZincError::InvalidSize)?;
    #[cfg(target_os = "linux")]
    {
        // posix_fallocate returns the errno instead of setting it and returning -1.
        let rc = loop {
            // SAFETY: plain integer arguments.
            let rc = unsafe { libc::posix_fallocate(fd, 0, len) };
            if rc != libc::EINTR {
                break rc;
            }
        };
        match rc {
            0 => Ok(()),
            libc::EFBIG => Err(ZincError::Platform(libc::ENOSPC)),
            errno => Err(ZincError::from_errno(errno)),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        // macOS has no way to reserve shm pages; the length is all we can set.
        // SAFETY: plain integer arguments.
        retry_eintr(|| unsafe { libc::ftruncate(fd, len) }).map(|_| ())
    }
}

/// `ZINC_POPULATE=1`: `open` prefaults the whole mapping (one up-front cost instead of a page
/// fault at every first touch). Read once per process; off by default.
pub fn populate_on_open() -> bool {
    static POPULATE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *POPULATE.get_or_init(|| std::env::var("ZINC_POPULATE").is_ok_and(|v| v == "1"))
}

pub fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(n).unwrap_or(4096)
}

pub fn getpid() -> i32 {
    // SAFETY: getpid cannot fail.
    unsafe { libc::getpid() }
}

pub fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// A shared read-write mapping of a whole object, unmapped on drop.
#[derive(Debug)]
pub struct Mapping {
    base: NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is plain shared memory; moving the owner between threads is harmless.
unsafe impl Send for Mapping {}
// SAFETY: `Mapping` hands out only raw pointers; synchronisation is the caller's business.
unsafe impl Sync for Mapping {}

impl Mapping {
    /// Maps `len` bytes of `fd` from offset 0. The caller takes `len` from `fstat`, never from
    /// the header, so the view can never extend past the object. `populate` prefaults every
    /// page table entry now (`MAP_POPULATE`, Linux), instead of at each first touch.
    pub fn new(fd: RawFd, len: u64, populate: bool) -> Result<Mapping> {
        let len = usize::try_from(len).map_err(|_| ZincError::Platform(libc::ENOMEM))?;
        if len == 0 {
            return Err(ZincError::CorruptedRegion);
        }
        #[cfg(target_os = "linux")]
        let flags = libc::MAP_SHARED | if populate { libc::MAP_POPULATE } else { 0 };
        #[cfg(not(target_os = "linux"))]
        let flags = {
            let _ = populate;
            libc::MAP_SHARED
        };
        // SAFETY: a fresh shared mapping chosen by the kernel; it aliases no Rust object.
        let p = unsafe {
            libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ | libc::PROT_WRITE, flags, fd, 0)
        };
        if p == libc::MAP_FAILED {
            return Err(ZincError::last_os_error());
        }
        let base = NonNull::new(p.cast::<u8>()).ok_or(ZincError::Platform(libc::ENOMEM))?;
        Ok(Mapping { base, len })
    }

    pub fn base(&self) -> NonNull<u8> {
        self.base
    }

    /// Never 0: `new` refuses empty mappings, so there is no `is_empty`.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.len
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: `base`/`len` are exactly what mmap returned, and this is the only unmap.
        unsafe { libc::munmap(self.base.as_ptr().cast(), self.len) };
    }
}
