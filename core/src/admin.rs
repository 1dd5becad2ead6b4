//! Administration of regions from the outside: list, inspect, remove, and collect stale ones.
//! This is what the `zinc` command-line tool runs; it reuses the lifecycle's own primitives
//! ([`posix`], [`Header`], [`name::validate`]) rather than a parallel implementation.
//!
//! # Observing without disturbing the protocol
//! * An observer **never** takes a shared lock. A closing last handle converts its shared lock
//!   to exclusive to learn that it is the last one out; a shared probe at that moment would make
//!   it believe another handle lives, and nobody would ever remove the region (a leak).
//! * Liveness is probed with `flock(LOCK_EX|LOCK_NB)` on the observer's own descriptor:
//!   `Taken` means no handle holds the object (it is **stale**: every process that had it open
//!   died), `Busy` means at least one does (**live**; **dying** if its header is already marked
//!   retired, i.e. its last handle is removing it right now). The exclusive lock is dropped as
//!   soon as the observation is made (our descriptor closes).
//! * Header fields are read with `pread` into a local copy: no mapping, so a truncated or
//!   hostile object cannot SIGBUS the observer, and sizes come from `fstat`, never the header.
//! * Removal of a stale object follows the same steps as the core's last-one-out: while holding
//!   the exclusive lock, mark the header retired ([`Header::retire`], flags bit 0) so a racing
//!   opener never adopts it, check that the name still refers to the very object we locked
//!   (device and inode, [`posix::names_object`]), and only then `shm_unlink`. A newer region
//!   that took the name in between is never touched.
//!
//! Listing reads the directory `/dev/shm` (Linux); other systems offer no way to enumerate
//! POSIX shared memory, so there `list` and `collect_stale` see nothing.

use crate::error::{Result, ZincError};
use crate::header::Header;
pub use crate::header::HeaderSnapshot;
use crate::header::HEADER_SIZE;
use crate::name::{self, OBJECT_PREFIX};
use crate::platform::posix::{self, Lock, Owner};
use crate::region;
use std::os::fd::{AsRawFd, OwnedFd};

/// The directory regions live in: `/dev/shm`, or `ZINC_SHM_DIR` on Linux (docs/DESIGN.md).
pub fn shm_dir() -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    std::path::PathBuf::from(std::ffi::OsStr::from_bytes(crate::platform::backend::shm_dir().to_bytes()))
}

/// What the kernel says about who holds a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// At least one handle (in some living process) holds it.
    Live,
    /// Held, but already marked retired: its last handle is removing it right now.
    Dying,
    /// Nobody holds it: every process that had it open died. `gc` removes it.
    Stale,
}

impl Liveness {
    pub fn as_str(self) -> &'static str {
        match self {
            Liveness::Live => "live",
            Liveness::Dying => "dying",
            Liveness::Stale => "stale",
        }
    }
}

/// Everything an observer can learn about one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionInfo {
    /// The user-visible name (without `zinc_`).
    pub name: String,
    /// The object's real length (`fstat`), header included.
    pub object_len: u64,
    /// Owner of the object (uid).
    pub uid: u32,
    /// The header, or `None` when the object is shorter than 64 bytes.
    pub header: Option<HeaderSnapshot>,
    /// `None` when the header passes the same checks an opener makes (§5); otherwise why not.
    pub corruption: Option<&'static str>,
    pub liveness: Liveness,
    /// Whether `owner_pid` names a living process (`None` if unknown: no header or pid <= 0).
    /// Diagnostic only: pids are reused and are per-namespace.
    pub owner_alive: Option<bool>,
}

/// Lists every Zinc region in [`shm_dir`] (objects named `zinc_<valid name>`), sorted by name.
/// An object that vanishes while we look is skipped; one we cannot open (for example owned by
/// another user) is reported with its error.
pub fn list() -> Result<Vec<(String, Result<RegionInfo>)>> {
    let mut out = Vec::new();
    for name in region_names()? {
        match inspect(&name) {
            Err(ZincError::NotFound) => {}
            r => out.push((name, r)),
        }
    }
    Ok(out)
}

/// Names of the Zinc objects currently in [`shm_dir`], sorted. Entries whose suffix is not a
/// valid region name were not made by Zinc and are ignored.
pub fn region_names() -> Result<Vec<String>> {
    let dir = match std::fs::read_dir(shm_dir()) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(&e)),
    };
    let mut names: Vec<String> = dir
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|f| f.strip_prefix(OBJECT_PREFIX).map(str::to_owned))
        .filter(|n| name::validate(n).is_ok())
        .collect();
    names.sort();
    Ok(names)
}

/// Inspects region `name`: header fields (copied, never mapped), validity, liveness.
/// `NotFound` if no such object exists.
pub fn inspect(name: &str) -> Result<RegionInfo> {
    name::validate(name)?;
    let shm_name = name::shm_name(name);
    // Read-only is enough to read and to flock; no shared lock is ever taken (module doc).
    let fd = posix::open_object(&shm_name, libc::O_RDONLY, Owner::Anyone)?;
    let liveness_held = posix::try_lock(fd.as_raw_fd(), true)?;
    let st = posix::fstat(fd.as_raw_fd())?;
    let header = read_header(&fd)?;
    drop(fd); // releases the exclusive lock if we took it
    let liveness = match (liveness_held, header) {
        (Lock::Taken, _) => Liveness::Stale,
        (Lock::Busy, Some(h)) if h.is_retired() => Liveness::Dying,
        (Lock::Busy, _) => Liveness::Live,
    };
    Ok(RegionInfo {
        name: name.to_owned(),
        object_len: st.len,
        uid: st.uid,
        corruption: corruption(header, st.len, name),
        owner_alive: header.and_then(|h| pid_alive(h.owner_pid)),
        header,
        liveness,
    })
}

/// What [`remove`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    /// Nobody held it: removed exactly as a last closer would.
    Stale,
    /// It was live and `force` was given: marked retired (new opens fail) and its name removed.
    /// Handles that have it open keep working on their mapping until they close.
    ForcedLive,
}

/// Why [`remove`] did not remove a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoveError {
    /// A process holds it, and `force` was not given.
    Live,
    /// The region could not be examined or removed.
    Failed(ZincError),
}

impl From<ZincError> for RemoveError {
    fn from(e: ZincError) -> Self {
        RemoveError::Failed(e)
    }
}

impl std::fmt::Display for RemoveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RemoveError::Live => f.write_str("a process holds it (live region)"),
            RemoveError::Failed(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RemoveError {}

impl RemoveError {
    /// A negative code for scripts: the Zinc code, or -16 (EBUSY) for a live region.
    pub fn code(&self) -> i32 {
        match self {
            RemoveError::Live => -libc::EBUSY,
            RemoveError::Failed(e) => e.code(),
        }
    }
}

/// Removes region `name`. A stale region is removed safely. A live (or dying) one is refused
/// with [`RemoveError::Live`] unless `force`. `Failed(NotFound)` if there is no such object.
pub fn remove(name: &str, force: bool) -> std::result::Result<Removed, RemoveError> {
    name::validate(name)?;
    let shm_name = name::shm_name(name);
    let fd = posix::open_object(&shm_name, libc::O_RDWR, Owner::Me)?;
    match posix::try_lock(fd.as_raw_fd(), true)? {
        Lock::Taken => {
            region::remove_object(&shm_name, &fd)?;
            Ok(Removed::Stale)
        }
        Lock::Busy if force => {
            // Without the lock we cannot exclude a concurrent last closer; retiring first means
            // no opener adopts it from here on, and the inode check keeps a newer region safe
            // except in the instant between check and unlink (documented in OPERATIONS.md).
            region::remove_object(&shm_name, &fd)?;
            Ok(Removed::ForcedLive)
        }
        Lock::Busy => Err(RemoveError::Live),
    }
}

/// What [`collect_stale`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Stale regions removed (or, in a dry run, that would be).
    pub stale: Vec<String>,
    /// Live or dying regions, left alone.
    pub live: Vec<String>,
    /// Regions that could not be examined or removed, and why.
    pub errors: Vec<(String, ZincError)>,
}

/// Removes every stale region (held by no process) and never a live one. `dry_run` only
/// reports. Equivalent to [`collect_stale_matching`] with a filter accepting every name.
pub fn collect_stale(dry_run: bool) -> Result<GcReport> {
    collect_stale_matching(dry_run, |_| true)
}

/// [`collect_stale`] restricted to the names `filter` accepts (tests use it to stay within
/// their own names on a shared machine; the CLI exposes it as `--prefix`).
pub fn collect_stale_matching(dry_run: bool, filter: impl Fn(&str) -> bool) -> Result<GcReport> {
    let mut report = GcReport::default();
    for name in region_names()?.into_iter().filter(|n| filter(n)) {
        match collect_one(&name, dry_run) {
            Ok(true) => report.stale.push(name),
            Ok(false) => report.live.push(name),
            Err(ZincError::NotFound) => {} // removed by its last handle meanwhile
            Err(e) => report.errors.push((name, e)),
        }
    }
    Ok(report)
}

/// True when `name` was stale (and is removed unless `dry_run`), false when held.
fn collect_one(name: &str, dry_run: bool) -> Result<bool> {
    let shm_name = name::shm_name(name);
    let fd = posix::open_object(&shm_name, if dry_run { libc::O_RDONLY } else { libc::O_RDWR }, Owner::Me)?;
    if posix::try_lock(fd.as_raw_fd(), true)? == Lock::Busy {
        return Ok(false);
    }
    if !dry_run {
        region::remove_object(&shm_name, &fd)?;
    }
    Ok(true)
}

/// Copies the first 64 bytes with `pread`; `None` when the object is shorter.
fn read_header(fd: &OwnedFd) -> Result<Option<HeaderSnapshot>> {
    let mut buf = [0u8; HEADER_SIZE];
    let mut got = 0usize;
    while got < HEADER_SIZE {
        // SAFETY: the destination is the unfilled tail of a local buffer.
        let n = unsafe {
            libc::pread(fd.as_raw_fd(), buf[got..].as_mut_ptr().cast(), HEADER_SIZE - got, got as libc::off_t)
        };
        match n {
            0 => return Ok(None),
            n if n > 0 => got += n as usize,
            _ => {
                let err = std::io::Error::last_os_error();
                if err.raw_os_error() != Some(libc::EINTR) {
                    return Err(io_error(&err));
                }
            }
        }
    }
    Ok(Some(HeaderSnapshot::from_bytes(&buf)))
}

/// Why an opener would reject this object, or `None` if it would accept it (SPEC §5).
fn corruption(header: Option<HeaderSnapshot>, object_len: u64, name: &str) -> Option<&'static str> {
    use crate::header::HeaderFault as F;
    let Some(h) = header else {
        return Some(if object_len == 0 {
            "empty object (never initialised)"
        } else {
            "shorter than the 64-byte header"
        });
    };
    match Header::from(h).validate(object_len, name::fnv1a64(name.as_bytes())) {
        Ok(()) if (object_len - HEADER_SIZE as u64) % posix::page_size() as u64 == 0 => None,
        Ok(()) => Some("capacity is not a multiple of the page size"),
        Err(F::BadMagic) => Some("bad magic"),
        Err(F::BadVersion) => Some("unknown version"),
        Err(F::CapacityMismatch) => Some("capacity disagrees with the object's size"),
        Err(F::NameHashMismatch) => Some("name hash does not match the name"),
    }
}

/// Whether process `pid` exists (`kill(pid, 0)`); `None` for pids that name no single process.
pub fn pid_alive(pid: i32) -> Option<bool> {
    if pid <= 0 {
        return None;
    }
    // SAFETY: signal 0 performs only the existence and permission check.
    if unsafe { libc::kill(pid, 0) } == 0 {
        return Some(true);
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::EPERM) => Some(true), // exists, owned by someone else
        Some(libc::ESRCH) => Some(false),
        _ => None,
    }
}

fn io_error(e: &std::io::Error) -> ZincError {
    ZincError::from_errno(e.raw_os_error().unwrap_or(libc::EIO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SharedRegion;
    use std::sync::atomic::Ordering;

    fn unique(tag: &str) -> String {
        use std::sync::atomic::AtomicUsize;
        static N: AtomicUsize = AtomicUsize::new(0);
        format!("t_admin_{tag}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
    }

    fn write_object(name: &str, bytes: &[u8]) {
        use std::os::unix::fs::OpenOptionsExt;
        let path = shm_dir().join(format!("{OBJECT_PREFIX}{name}"));
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).unwrap();
        std::io::Write::write_all(&mut f, bytes).unwrap();
    }

    fn exists(name: &str) -> bool {
        shm_dir().join(format!("{OBJECT_PREFIX}{name}")).exists()
    }

    #[test]
    fn snapshot_decodes_every_offset() {
        let mut b = [0u8; 64];
        b[0..8].copy_from_slice(&crate::header::MAGIC.to_ne_bytes());
        b[8..10].copy_from_slice(&1u16.to_ne_bytes());
        b[10..12].copy_from_slice(&0x0102u16.to_ne_bytes());
        b[12..16].copy_from_slice(&7u32.to_ne_bytes());
        b[16..24].copy_from_slice(&4096u64.to_ne_bytes());
        b[24..28].copy_from_slice(&3u32.to_ne_bytes());
        b[28..32].copy_from_slice(&(-5i32).to_ne_bytes());
        b[32..40].copy_from_slice(&99u64.to_ne_bytes());
        b[40..48].copy_from_slice(&0xABCDu64.to_ne_bytes());
        b[48..56].copy_from_slice(&11u64.to_ne_bytes());
        b[56..64].copy_from_slice(&12u64.to_ne_bytes());
        let h = HeaderSnapshot::from_bytes(&b);
        assert_eq!(
            h,
            HeaderSnapshot {
                magic: crate::header::MAGIC,
                version: 1,
                flags: 0x0102,
                notify_seq: 7,
                capacity: 4096,
                ref_count: 3,
                owner_pid: -5,
                created_at: 99,
                name_hash: 0xABCD,
                ring_head: 11,
                ring_tail: 12,
            }
        );
    }

    #[test]
    fn live_region_is_inspected_and_never_removed() {
        let name = unique("live");
        let r = SharedRegion::create(&name, 4096).unwrap();
        let info = inspect(&name).unwrap();
        assert_eq!(info.liveness, Liveness::Live);
        assert_eq!(info.corruption, None);
        assert_eq!(info.object_len, 4160);
        let h = info.header.unwrap();
        assert_eq!((h.capacity, h.ref_count, h.owner_pid), (4096, 1, posix::getpid()));
        assert_eq!(info.owner_alive, Some(true));
        assert_eq!(remove(&name, false), Err(RemoveError::Live));
        let gc = collect_stale_matching(false, |n| n == name).unwrap();
        assert_eq!(gc.live, vec![name.clone()]);
        assert!(gc.stale.is_empty());
        // The probes left the protocol intact: a second handle opens, the last close removes.
        let o = SharedRegion::open(&name).unwrap();
        assert_eq!(o.snapshot().ref_count, 2);
        drop(r);
        drop(o);
        assert!(!exists(&name));
    }

    #[test]
    fn unheld_objects_are_stale_whatever_they_contain() {
        for bytes in [&[][..], &[1, 2, 3][..], &[0xFF; 200][..]] {
            let name = unique("junk");
            write_object(&name, bytes);
            let info = inspect(&name).unwrap();
            assert_eq!(info.liveness, Liveness::Stale);
            assert!(info.corruption.is_some());
            let dry = collect_stale_matching(true, |n| n == name).unwrap();
            assert_eq!(dry.stale, vec![name.clone()]);
            assert!(exists(&name), "dry run removed {name}");
            let gc = collect_stale_matching(false, |n| n == name).unwrap();
            assert_eq!(gc.stale, vec![name.clone()]);
            assert!(!exists(&name));
        }
    }

    #[test]
    fn remove_of_a_stale_region_retires_it_first() {
        let name = unique("rm");
        write_object(&name, &[0; 4160]);
        assert_eq!(remove(&name, false), Ok(Removed::Stale));
        assert!(!exists(&name));
        assert_eq!(remove(&name, false), Err(RemoveError::Failed(ZincError::NotFound)));
        assert_eq!(remove("bad/name", false), Err(RemoveError::Failed(ZincError::InvalidName)));
    }

    #[test]
    fn forced_removal_of_a_live_region_keeps_handles_working() {
        let name = unique("force");
        let r = SharedRegion::create(&name, 4096).unwrap();
        r.write(0, b"kept").unwrap();
        assert_eq!(remove(&name, true), Ok(Removed::ForcedLive));
        assert!(!exists(&name));
        assert!(r.snapshot().is_retired());
        assert_eq!(SharedRegion::open(&name).err(), Some(ZincError::NotFound));
        let mut b = [0u8; 4];
        r.read(0, &mut b).unwrap();
        assert_eq!(&b, b"kept");
        // A new region may take the name; closing the old handle must not remove it.
        let newer = SharedRegion::create(&name, 4096).unwrap();
        drop(r);
        assert!(exists(&name));
        drop(newer);
        assert!(!exists(&name));
    }
}
