//! The region lifecycle (SPEC §4–5): create, open, close, and reclaim of stale regions.
//!
//! # The protocol
//! Liveness comes from the kernel, not from a counter a dead process can never decrement:
//! every handle holds its **own** open file description of the object with a shared `flock`,
//! which the kernel drops when the process dies. From that one mechanism:
//!
//! * **close** converts its lock to exclusive without blocking. Success means no other handle
//!   exists (the creator's included), so this handle is the last one out: it marks the header
//!   `RETIRED`, checks that the name still refers to *this* object (by device and inode), and
//!   unlinks it. Failure means another handle lives; it simply drops its lock.
//! * **create** on Linux first reclaims a stale holder of the name (or fails on a live one), then
//!   builds the object unnamed (`O_TMPFILE`), takes its lock, reserves its memory, writes the
//!   header, publishes `magic` last, and only then links the name with `linkat`, which never
//!   replaces an existing name. Nobody can see a half-built region, and a crash before the link
//!   leaves nothing behind. If the name is taken by an object that nobody holds (every holder
//!   died), the object is *stale* and is reclaimed.
//! * **open** first probes for an exclusive lock: if it gets it, nobody holds the object, so a
//!   valid region there is stale (reclaimed, `NotFound`). Otherwise it takes a shared lock, then
//!   re-checks that the name still refers to the object and that it is not `RETIRED`: an open
//!   racing with a removal gets either a live region or `NotFound`, never a dying one.
//! * Whoever unlinks holds the object's exclusive lock and has just checked the name → inode
//!   binding, and nobody can rebind a name without first holding that same lock; so a newer
//!   region that took the name is never removed.
//!
//! `ref_count` is kept exact for live handles; after a crash it is diagnostic only.

use crate::crashpoint::hit;
use crate::error::{Result, ZincError};
use crate::header::{Header, HeaderSnapshot, HEADER_SIZE};
use crate::name;
use crate::notify::{self, Cursor};
use crate::platform::backend;
use crate::platform::posix::{self, Lock, Mapping, Owner};
use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How many times create/open start over after losing a race before giving up.
const RACE_RETRIES: u32 = 2_000;

/// A handle to a named shared-memory region. Dropping it closes the handle.
///
/// ```
/// use zinc_core::SharedRegion;
/// let name = format!("doc_{}", std::process::id());
/// let writer = SharedRegion::create(&name, 4096)?;
/// let reader = SharedRegion::open(&name)?;
/// writer.write(0, b"hello")?;
/// writer.notify();
/// reader.wait(1000)?;
/// let mut buf = [0u8; 5];
/// reader.read(0, &mut buf)?;
/// assert_eq!(&buf, b"hello");
/// # Ok::<(), zinc_core::ZincError>(())
/// ```
#[derive(Debug)]
pub struct SharedRegion {
    map: Mapping,
    fd: OwnedFd,
    capacity: usize,
    cursor: Cursor,
    shm_name: CString,
    name: String,
    /// The process that made this handle; a forked child must not act as its owner.
    pid: i32,
    /// Set by the C ABI's `zinc_close` while other threads still wait on this handle.
    closing: AtomicBool,
}

// `SharedRegion` is `Send + Sync` automatically, and soundly so: `ptr`, `capacity`, `notify`
// and `wait` only read immutable fields or use atomics (the cursor and the header live in
// atomics), and `Drop` needs exclusive ownership, which Rust already enforces.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<SharedRegion>()
};

impl SharedRegion {
    /// Creates region `name` with `capacity` usable bytes (a non-zero multiple of the page size),
    /// zero-filled, and returns the owning handle. A stale region of that name (all of whose
    /// processes died) is reclaimed; a live one gives `AlreadyExists`.
    pub fn create(name: &str, capacity: usize) -> Result<SharedRegion> {
        name::validate(name)?;
        let page = posix::page_size();
        if capacity == 0 || capacity % page != 0 {
            return Err(ZincError::InvalidSize);
        }
        let len = u64::try_from(capacity)
            .ok()
            .and_then(|c| c.checked_add(HEADER_SIZE as u64))
            .filter(|&l| l <= i64::MAX as u64 && usize::try_from(l).is_ok())
            .ok_or(ZincError::InvalidSize)?;
        let shm_name = name::shm_name(name);
        for _ in 0..RACE_RETRIES {
            if !backend::NAMED_AT_BIRTH {
                // Reclaim a stale holder of the name before reserving our memory: on a small
                // /dev/shm the stale region may hold the very space we are about to ask for.
                // (A live holder fails us here, before any allocation.)
                reclaim_or_refuse(&shm_name)?;
            }
            let fd = match backend::new_object(&shm_name) {
                Ok(fd) => fd,
                Err(ZincError::AlreadyExists) => {
                    reclaim_or_refuse(&shm_name)?;
                    continue;
                }
                Err(e) => return Err(e),
            };
            hit("create:object");
            // Portable backend: the name is already visible, so a reclaimer may have taken our
            // empty object for stale before we locked it. Confirm before going on.
            if posix::try_lock(fd.as_raw_fd(), false)? == Lock::Busy {
                continue;
            }
            hit("create:locked");
            if backend::NAMED_AT_BIRTH && !posix::names_object(&shm_name, fd.as_raw_fd())? {
                continue;
            }
            let unname = UnlinkOnFailure::new(backend::NAMED_AT_BIRTH.then_some(&*shm_name));
            posix::reserve(fd.as_raw_fd(), len)?;
            hit("create:reserved");
            let map = Mapping::new(fd.as_raw_fd(), len, false)?;
            // SAFETY: the mapping is `len >= 64` bytes, page-aligned, and all-atomic.
            let header = unsafe { header_at(&map) };
            let pid = posix::getpid();
            header.initialize(len - HEADER_SIZE as u64, name::fnv1a64(name.as_bytes()), posix::now_ns(), pid);
            header.publish();
            hit("create:published");
            link_or_reclaim(&fd, &shm_name)?;
            hit("create:linked");
            unname.disarm();
            return Ok(SharedRegion {
                map,
                fd,
                capacity,
                cursor: Cursor::new(0),
                shm_name,
                name: name.to_owned(),
                pid,
                closing: AtomicBool::new(false),
            });
        }
        Err(ZincError::AlreadyExists)
    }

    /// Opens the live region `name`, validating its header against the object itself.
    pub fn open(name: &str) -> Result<SharedRegion> {
        name::validate(name)?;
        let shm_name = name::shm_name(name);
        let hash = name::fnv1a64(name.as_bytes());
        for _ in 0..RACE_RETRIES {
            let fd = posix::open_object(&shm_name, libc::O_RDWR, Owner::Me)?;
            hit("open:opened");
            if posix::try_lock(fd.as_raw_fd(), true)? == Lock::Taken {
                // Nobody holds it: a region here is stale (its every process died). Reclaim
                // it, unless it is not a region at all (left alone, reported as corrupted).
                return match map_validated(&fd, hash) {
                    Err(ZincError::CorruptedRegion) => Err(ZincError::CorruptedRegion),
                    _ => {
                        remove_object(&shm_name, &fd)?;
                        Err(ZincError::NotFound)
                    }
                };
            }
            lock_shared(&fd)?;
            hit("open:locked");
            // From here on we hold a lock: every way out that is not a new handle must leave
            // through the last-one-out path, or a creator that closed meanwhile (and saw our
            // lock) would leave the region behind for good.
            match adopt(&shm_name, &fd, hash) {
                Ok(Some((map, cursor))) => {
                    return Ok(SharedRegion {
                        capacity: map.len() - HEADER_SIZE,
                        map,
                        fd,
                        cursor,
                        shm_name,
                        name: name.to_owned(),
                        pid: posix::getpid(),
                        closing: AtomicBool::new(false),
                    })
                }
                Ok(None) => continue, // removed, replaced or retired while we waited
                Err(e) => {
                    let _ = release_as_last_out(&shm_name, &fd, None);
                    return Err(e);
                }
            }
        }
        Err(ZincError::NotFound)
    }

    /// Start of the data area (byte 64 of the mapping), valid for `capacity()` bytes until this
    /// handle is dropped. Other processes may write it at any time.
    pub fn as_ptr(&self) -> *mut u8 {
        // SAFETY: the mapping is `64 + capacity` bytes long, so offset 64 is in bounds.
        unsafe { self.map.base().as_ptr().add(HEADER_SIZE) }
    }

    /// Usable bytes after the header; fixed for the region's life.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The user-visible name (without `/zinc_`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A copy of the region's header as it is now (diagnostics: `ref_count`, `flags`,
    /// `created_at`, ...). The live header is the core's alone: callers cannot write it.
    pub fn snapshot(&self) -> HeaderSnapshot {
        self.header().snapshot()
    }

    /// The region's header, shared with every process that has it open.
    pub(crate) fn header(&self) -> &Header {
        // SAFETY: the mapping outlives `&self` and holds a validated header.
        unsafe { header_at(&self.map) }
    }

    /// Signals "data changed" to every waiter in every process. Notifications coalesce.
    pub fn notify(&self) {
        notify::notify(self.header());
    }

    /// Waits until a notification arrives that this handle has not seen yet.
    /// `timeout_ms == 0` polls, `u32::MAX` waits forever; `Err(TimedOut)` on expiry.
    ///
    /// One handle has one cursor: concurrent `wait`s on the same handle all wake on a
    /// notification, but a notification that one of them already consumed is not seen again by
    /// a `wait` that starts later. Give each thread its own handle for independent cursors.
    pub fn wait(&self, timeout_ms: u32) -> Result<()> {
        notify::wait(self.header(), &self.cursor, &self.closing, timeout_ms)
    }

    /// Makes every `wait` on this handle, current or future, return `Closed` (the C ABI's
    /// close while other threads wait).
    pub(crate) fn begin_close(&self) {
        self.closing.store(true, Ordering::SeqCst);
        notify::wake_waiters(self.header());
    }

    /// Wakes the parked waiters again (see `handles::close`).
    pub(crate) fn wake_local_waiters(&self) {
        notify::wake_waiters(self.header());
    }

    /// Copies `dst.len()` bytes from the data area at `offset`.
    pub fn read(&self, offset: usize, dst: &mut [u8]) -> Result<()> {
        let src = self.span(offset, dst.len())?;
        // SAFETY: `span` checked the range lies inside the mapping; `dst` is a distinct Rust
        // buffer, so the ranges cannot overlap. Concurrent writers in other processes can only
        // make the copied bytes stale, never make the copy unsound for plain `u8`s.
        unsafe { std::ptr::copy_nonoverlapping(src, dst.as_mut_ptr(), dst.len()) };
        Ok(())
    }

    /// Copies `src` into the data area at `offset`.
    pub fn write(&self, offset: usize, src: &[u8]) -> Result<()> {
        let dst = self.span(offset, src.len())?;
        // SAFETY: `span` checked the range lies inside the writable mapping; `src` is a
        // distinct Rust buffer.
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), dst, src.len()) };
        Ok(())
    }

    /// The data area as a slice.
    ///
    /// # Safety
    /// No process may write the region while the slice is alive (for example: a reader that
    /// only looks after `wait` returned and before it replies).
    pub unsafe fn as_slice(&self) -> &[u8] {
        // SAFETY: in bounds by construction; exclusivity is the caller's promise.
        unsafe { std::slice::from_raw_parts(self.as_ptr(), self.capacity) }
    }

    /// The data area as a mutable slice.
    ///
    /// # Safety
    /// No other process or thread may read or write the region while the slice is alive.
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn as_mut_slice(&self) -> &mut [u8] {
        // SAFETY: in bounds by construction; exclusivity is the caller's promise.
        unsafe { std::slice::from_raw_parts_mut(self.as_ptr(), self.capacity) }
    }

    fn span(&self, offset: usize, len: usize) -> Result<*mut u8> {
        match offset.checked_add(len) {
            Some(end) if end <= self.capacity => {
                // SAFETY: `offset <= capacity`, inside the mapping.
                Ok(unsafe { self.as_ptr().add(offset) })
            }
            _ => Err(ZincError::InvalidArgument),
        }
    }

    /// Closes the handle (the same as dropping it).
    pub fn close(self) {}
}

impl Drop for SharedRegion {
    fn drop(&mut self) {
        if self.pid != posix::getpid() {
            // A forked child shares our open file description and thus our lock; only the
            // process that made the handle may count it down or remove the region.
            return;
        }
        let header = self.header();
        let _ = header.ref_count.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
        hit("close:uncounted");
        let _ = release_as_last_out(&self.shm_name, &self.fd, Some(header));
        // `map` and `fd` drop next: unmap, then close (which drops any lock still held).
    }
}

/// With a shared lock on `fd`: maps and validates the object and counts us in, or `None` when
/// the name no longer refers to it or it is retired (the caller starts over).
fn adopt(shm_name: &CStr, fd: &OwnedFd, hash: u64) -> Result<Option<(Mapping, Cursor)>> {
    if !posix::names_object(shm_name, fd.as_raw_fd())? {
        return Ok(None);
    }
    let map = map_validated(fd, hash)?;
    // SAFETY: `map_validated` checked the mapping is a full, valid region.
    let header = unsafe { header_at(&map) };
    if header.is_retired() {
        // Its last handle is removing it, or died doing so; finish the job if we're last.
        release_as_last_out(shm_name, fd, Some(header))?;
        return Ok(None);
    }
    header.ref_count.fetch_add(1, Ordering::AcqRel);
    hit("open:counted");
    let cursor = Cursor::new(header.notify_seq.load(Ordering::Acquire));
    Ok(Some((map, cursor)))
}

/// # Safety
/// `map` must be at least `HEADER_SIZE` bytes (mappings are page-aligned, so alignment holds).
unsafe fn header_at(map: &Mapping) -> &Header {
    debug_assert!(map.len() >= HEADER_SIZE);
    // SAFETY: per the contract the first 64 bytes are mapped and aligned; `Header` is all
    // atomics, valid for any bit pattern and for concurrent mutation by other processes.
    unsafe { &*map.base().as_ptr().cast::<Header>() }
}

/// Maps the whole object (length from `fstat`, never from the header) and validates it.
fn map_validated(fd: &OwnedFd, name_hash: u64) -> Result<Mapping> {
    let st = posix::fstat(fd.as_raw_fd())?;
    let unpublished =
        if backend::UNPUBLISHED_IS_NOT_FOUND { ZincError::NotFound } else { ZincError::CorruptedRegion };
    if st.len < HEADER_SIZE as u64 {
        return Err(if st.len == 0 { unpublished } else { ZincError::CorruptedRegion });
    }
    let map = Mapping::new(fd.as_raw_fd(), st.len, posix::populate_on_open())?;
    // SAFETY: `st.len >= 64`, so the header is mapped.
    let header = unsafe { header_at(&map) };
    // Decide "not yet published" on one read of `magic`: the creator may publish at any moment
    // (portable backend), and a second read could turn an unpublished header into a
    // "corrupted" one.
    if header.magic.load(Ordering::Acquire) == 0 {
        return Err(unpublished);
    }
    match header.validate(st.len, name_hash) {
        Ok(()) if (st.len - HEADER_SIZE as u64) % posix::page_size() as u64 == 0 => Ok(map),
        _ => Err(ZincError::CorruptedRegion),
    }
}

/// Takes a shared lock, waiting out an exclusive holder. Exclusive holders (a last closer or a
/// reclaimer) only ever hold it for a few system calls, so this is bounded in practice; the
/// bound here protects against a foreign process that holds the lock forever.
fn lock_shared(fd: &OwnedFd) -> Result<()> {
    let mut pause = Duration::from_micros(5);
    for _ in 0..RACE_RETRIES {
        if posix::try_lock(fd.as_raw_fd(), false)? == Lock::Taken {
            return Ok(());
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(1));
    }
    Err(ZincError::Platform(libc::EBUSY))
}

/// Drops our (shared) claim on an object the way a closing handle does: if a non-blocking
/// conversion to exclusive succeeds, nobody else holds it, so we are the last one out and
/// remove it. Anyone who held a lock, even briefly, must leave through here, or a handle that
/// closed meanwhile (and saw our lock) would leave the region behind.
fn release_as_last_out(shm_name: &CStr, fd: &OwnedFd, header: Option<&Header>) -> Result<()> {
    if posix::try_lock(fd.as_raw_fd(), true)? == Lock::Taken {
        hit("close:exclusive");
        retire_and_unlink(shm_name, fd, header)?;
    }
    Ok(())
}

/// With the exclusive lock held: mark the object retired, then unlink the name if, and only
/// if, it still refers to this very object.
fn retire_and_unlink(shm_name: &CStr, fd: &OwnedFd, header: Option<&Header>) -> Result<()> {
    hit("reclaim:locked");
    if let Some(h) = header {
        h.retire();
        hit("close:retired");
    }
    hit("reclaim:retired");
    if posix::names_object(shm_name, fd.as_raw_fd())? {
        match backend::unlink_name(shm_name) {
            Ok(()) | Err(ZincError::NotFound) => {}
            Err(e) => return Err(e),
        }
        hit("close:unlinked");
        hit("reclaim:unlinked");
    }
    Ok(())
}

/// The name is taken. Ok(()) when it may be free now (stale object reclaimed, or a removal in
/// progress): the caller retries. `AlreadyExists` when a live region holds it.
fn reclaim_or_refuse(shm_name: &CStr) -> Result<()> {
    let fd = match posix::open_object(shm_name, libc::O_RDWR, Owner::Me) {
        Ok(fd) => fd,
        Err(ZincError::NotFound) => return Ok(()),
        Err(e) => return Err(e),
    };
    if posix::try_lock(fd.as_raw_fd(), true)? == Lock::Taken {
        // Nobody holds it: stale, whatever it contains.
        return remove_object(shm_name, &fd);
    }
    if posix::try_lock(fd.as_raw_fd(), false)? == Lock::Busy {
        // Held exclusively: a last closer or a reclaimer is removing it right now.
        std::thread::sleep(Duration::from_micros(50));
        return Ok(());
    }
    let map = small_header_map(&fd);
    // SAFETY: as above.
    let header = map.as_ref().map(|m| unsafe { header_at(m) });
    let dying = header.is_some_and(Header::is_retired) || !posix::names_object(shm_name, fd.as_raw_fd())?;
    let was_last = posix::try_lock(fd.as_raw_fd(), true)? == Lock::Taken;
    if was_last {
        retire_and_unlink(shm_name, &fd, header)?;
    }
    if dying || was_last {
        Ok(())
    } else {
        Err(ZincError::AlreadyExists)
    }
}

/// Retires and unlinks the object open as `fd`, whose header (if any) is unvalidated: the
/// reclaim of a stale object, shared with `admin` (`zinc gc`, `zinc rm`). Callers hold its
/// exclusive lock, except `zinc rm --force`, which removes a live region on purpose.
pub(crate) fn remove_object(shm_name: &CStr, fd: &OwnedFd) -> Result<()> {
    let map = small_header_map(fd);
    // SAFETY: `small_header_map` only returns mappings of at least 64 bytes.
    retire_and_unlink(shm_name, fd, map.as_ref().map(|m| unsafe { header_at(m) }))
}

/// Maps just the header of an object, if it has one, to read or set its flags.
fn small_header_map(fd: &OwnedFd) -> Option<Mapping> {
    let st = posix::fstat(fd.as_raw_fd()).ok()?;
    (st.len >= HEADER_SIZE as u64)
        .then(|| Mapping::new(fd.as_raw_fd(), HEADER_SIZE as u64, false).ok())
        .flatten()
}

/// Links a finished object under its name, reclaiming a stale holder of the name first.
fn link_or_reclaim(fd: &OwnedFd, shm_name: &CStr) -> Result<()> {
    for _ in 0..RACE_RETRIES {
        match backend::link_object(fd, shm_name) {
            Err(ZincError::AlreadyExists) => reclaim_or_refuse(shm_name)?,
            other => return other,
        }
    }
    Err(ZincError::AlreadyExists)
}

/// Portable backend: once a create has named its object, any failure must remove the name
/// again (we hold a lock on it, so nobody else can have rebound it).
struct UnlinkOnFailure<'a>(Option<&'a CStr>);

impl<'a> UnlinkOnFailure<'a> {
    fn new(name: Option<&'a CStr>) -> Self {
        UnlinkOnFailure(name)
    }
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for UnlinkOnFailure<'_> {
    fn drop(&mut self) {
        if let Some(name) = self.0 {
            let _ = backend::unlink_name(name);
        }
    }
}
