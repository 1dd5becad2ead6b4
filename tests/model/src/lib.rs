//! Abstract models of Zinc's two concurrent protocols, written against loom's primitives so that
//! `loom::model` explores their interleavings exhaustively (within a preemption bound).
//!
//! # 1. Lifecycle (core/src/region.rs)
//! The kernel is one `Mutex<Kernel>`: each system call the protocol makes (`shm_open`, `flock`
//! non-blocking in either mode, `fstat`+`shm_open` for the name → inode check, `shm_unlink`,
//! `linkat`, `close`) is one atomic step, exactly as the kernel makes it atomic. Header writes
//! (retire, `ref_count`) are also steps. `flock` conversions follow Linux: a conversion first
//! drops the descriptor's current lock, so a failed `LOCK_EX|LOCK_NB` conversion leaves no lock.
//! The functions below mirror `create` (Linux `O_TMPFILE` + `linkat` birth), `open`, `close`
//! (`release_as_last_out`), `reclaim_or_refuse` and `retire_and_unlink` step by step, plus the
//! admin observer (`admin::inspect`, EX probe only) and `admin::collect_stale` (gc).
//!
//! Checked invariants (panics, which loom reports with the interleaving):
//! * an unlink only ever removes the very object the remover locked, and only when nobody else
//!   holds it (no live region removed, no newer region removed);
//! * `open` returns only a named, non-retired object that it holds;
//! * each object is unlinked at most once; at the end (all handles closed or their processes
//!   dead) no name is left (no leak), and `ref_count` is 0 on every object nobody crashed with.
//!
//! # 2. Notify / wait (core/src/notify.rs)
//! `notify_seq`, and the parked-waiter count in `flags` bits 8..15, are atomics; the futex is a
//! mutex-guarded queue whose wait re-checks the word under the lock (as the kernel's futex
//! bucket lock does). A sleeper still queued once the counter moved and every thread finished is a
//! lost wake-up (checked as a safety property, so no real blocking is needed). Loom does not model `SeqCst` on plain loads/stores, only `fence(SeqCst)`, so
//! the core's SeqCst pairs (RMW then load) are written as RMW; `fence(SeqCst)`; load — the
//! guarantee SeqCst gives (and a lock-prefixed RMW gives on x86).

use loom::sync::atomic::{fence, AtomicU16, AtomicU32, Ordering::*};
use loom::sync::{Arc, Mutex};

// ================================================================================================
// Lifecycle
// ================================================================================================

pub type Obj = usize;
pub type Fd = usize;

#[derive(Default, Debug)]
pub struct Object {
    /// flock holders: (descriptor, exclusive?).
    locks: Vec<(Fd, bool)>,
    retired: bool,
    ref_count: u32,
    unlinks: u32,
    /// Was it ever linked under the name?
    named: bool,
    /// A handle to it died without closing (its ref_count stays inflated: diagnostic).
    crashed_holder: bool,
}

#[derive(Default, Debug)]
pub struct Kernel {
    name: Option<Obj>,
    objects: Vec<Object>,
    /// Open descriptors: fd → object (None once closed).
    fds: Vec<Option<Obj>>,
}

#[derive(Clone)]
pub struct Sys(Arc<Mutex<Kernel>>);

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Err {
    NotFound,
    AlreadyExists,
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Lock {
    Taken,
    Busy,
}

/// An open handle: its descriptor (holding a shared lock) and its object.
#[derive(Debug)]
pub struct Handle {
    pub fd: Fd,
    pub obj: Obj,
}

impl Default for Sys {
    fn default() -> Self {
        Sys(Arc::new(Mutex::new(Kernel::default())))
    }
}

impl Sys {
    fn k(&self) -> loom::sync::MutexGuard<'_, Kernel> {
        self.0.lock().unwrap()
    }

    /// `open(/dev/shm, O_TMPFILE)`: a new, unnamed object.
    pub fn new_object(&self) -> Fd {
        let mut k = self.k();
        k.objects.push(Object::default());
        let obj = k.objects.len() - 1;
        k.fds.push(Some(obj));
        k.fds.len() - 1
    }

    pub fn shm_open(&self) -> Result<Fd, Err> {
        let mut k = self.k();
        let obj = k.name.ok_or(Err::NotFound)?;
        k.fds.push(Some(obj));
        Ok(k.fds.len() - 1)
    }

    pub fn obj(&self, fd: Fd) -> Obj {
        self.k().fds[fd].expect("use of a closed descriptor")
    }

    /// `flock(fd, LOCK_SH|LOCK_NB)` / `flock(fd, LOCK_EX|LOCK_NB)`, with Linux conversion
    /// semantics (the old lock is dropped first).
    pub fn try_lock(&self, fd: Fd, exclusive: bool) -> Lock {
        let mut k = self.k();
        let obj = k.fds[fd].expect("flock on a closed descriptor");
        let o = &mut k.objects[obj];
        if let Some(i) = o.locks.iter().position(|&(f, _)| f == fd) {
            if o.locks[i].1 == exclusive {
                return Lock::Taken;
            }
            o.locks.remove(i);
        }
        let conflict = o.locks.iter().any(|&(_, ex)| ex || exclusive);
        if conflict {
            Lock::Busy
        } else {
            o.locks.push((fd, exclusive));
            Lock::Taken
        }
    }

    /// Does the name refer to the object open as `fd`? (fstat both, compare inodes.)
    pub fn names_object(&self, fd: Fd) -> bool {
        let k = self.k();
        k.name.is_some() && k.name == k.fds[fd]
    }

    /// `shm_unlink(name)` by a remover that locked `fd`. The invariants live here.
    pub fn shm_unlink(&self, fd: Fd) {
        let mut k = self.k();
        let mine = k.fds[fd].unwrap();
        let Some(target) = k.name else { return }; // ENOENT: someone else removed it
        assert_eq!(target, mine, "unlink removed a different (newer) region than the one locked");
        let o = &mut k.objects[target];
        assert!(
            o.locks.iter().all(|&(f, ex)| f == fd && ex),
            "unlink removed a region that another handle holds: {:?}",
            o.locks
        );
        o.unlinks += 1;
        assert_eq!(o.unlinks, 1, "region removed twice");
        k.name = None;
    }

    /// `linkat`: names the object unless the name is taken.
    pub fn link(&self, fd: Fd) -> Result<(), Err> {
        let mut k = self.k();
        if k.name.is_some() {
            return Err(Err::AlreadyExists);
        }
        let obj = k.fds[fd].unwrap();
        k.name = Some(obj);
        k.objects[obj].named = true;
        Ok(())
    }

    pub fn close(&self, fd: Fd) {
        let mut k = self.k();
        let obj = k.fds[fd].take().expect("double close");
        k.objects[obj].locks.retain(|&(f, _)| f != fd);
    }

    pub fn retire(&self, fd: Fd) {
        let obj = self.obj(fd);
        self.k().objects[obj].retired = true;
    }

    pub fn is_retired(&self, fd: Fd) -> bool {
        let obj = self.obj(fd);
        self.k().objects[obj].retired
    }

    fn add_ref(&self, fd: Fd, delta: i32) {
        let obj = self.obj(fd);
        let mut k = self.k();
        let o = &mut k.objects[obj];
        o.ref_count = o.ref_count.checked_add_signed(delta).unwrap_or(0);
    }

    // --- the protocol (mirrors core/src/region.rs) ---------------------------------------------

    pub fn create(&self) -> Result<Handle, Err> {
        let fd = self.new_object();
        assert_eq!(self.try_lock(fd, false), Lock::Taken); // nobody else can see it
        self.add_ref(fd, 1); // header initialised, magic published
        match self.link_or_reclaim(fd) {
            Ok(()) => Ok(Handle { fd, obj: self.obj(fd) }),
            Err(e) => {
                self.close(fd); // the unnamed object dies with its descriptor
                Err(e)
            }
        }
    }

    fn link_or_reclaim(&self, fd: Fd) -> Result<(), Err> {
        loop {
            match self.link(fd) {
                Ok(()) => return Ok(()),
                Err(_) => self.reclaim_or_refuse()?,
            }
            loom::thread::yield_now();
        }
    }

    fn reclaim_or_refuse(&self) -> Result<(), Err> {
        let fd = match self.shm_open() {
            Ok(fd) => fd,
            Err(_) => return Ok(()),
        };
        let r = (|| {
            if self.try_lock(fd, true) == Lock::Taken {
                self.retire_and_unlink(fd);
                return Ok(());
            }
            if self.try_lock(fd, false) == Lock::Busy {
                return Ok(()); // being removed right now
            }
            let dying = self.is_retired(fd) || !self.names_object(fd);
            let was_last = self.try_lock(fd, true) == Lock::Taken;
            if was_last {
                self.retire_and_unlink(fd);
            }
            if dying || was_last {
                Ok(())
            } else {
                Err(Err::AlreadyExists)
            }
        })();
        self.close(fd);
        r
    }

    pub fn open(&self) -> Result<Handle, Err> {
        loop {
            let fd = self.shm_open()?;
            if self.try_lock(fd, true) == Lock::Taken {
                self.retire_and_unlink(fd); // stale: reclaim
                self.close(fd);
                return Err(Err::NotFound);
            }
            while self.try_lock(fd, false) == Lock::Busy {
                loom::thread::yield_now();
            }
            if !self.names_object(fd) {
                self.close(fd);
                continue;
            }
            if self.is_retired(fd) {
                self.release_as_last_out(fd);
                self.close(fd);
                continue;
            }
            // The increment is the moment the handle becomes real: check what we hand out.
            {
                let mut k = self.k();
                let obj = k.fds[fd].unwrap();
                assert_eq!(k.name, Some(obj), "open returned a region that is no longer named");
                let o = &mut k.objects[obj];
                assert!(!o.retired, "open returned a retired (dying) region");
                assert!(o.locks.contains(&(fd, false)), "open returned a region it does not hold");
                o.ref_count += 1;
            }
            return Ok(Handle { fd, obj: self.obj(fd) });
        }
    }

    pub fn close_handle(&self, h: Handle) {
        self.add_ref(h.fd, -1);
        self.release_as_last_out(h.fd);
        self.close(h.fd);
    }

    /// The process holding `h` dies: the kernel closes its descriptor (dropping the lock); the
    /// header keeps its count (diagnostic only).
    pub fn crash_holding(&self, h: Handle) {
        self.k().objects[h.obj].crashed_holder = true;
        self.close(h.fd);
    }

    fn release_as_last_out(&self, fd: Fd) {
        if self.try_lock(fd, true) == Lock::Taken {
            self.retire_and_unlink(fd);
        }
    }

    fn retire_and_unlink(&self, fd: Fd) {
        self.retire(fd);
        if self.names_object(fd) {
            self.shm_unlink(fd);
        }
    }

    // --- observers (mirror core/src/admin.rs) -------------------------------------------------

    /// `zinc ls` / `inspect`: EX probe only; true = stale.
    pub fn observe(&self) -> Option<bool> {
        let fd = self.shm_open().ok()?;
        let stale = self.try_lock(fd, true) == Lock::Taken;
        self.close(fd);
        Some(stale)
    }

    /// A *wrong* observer that probes with a shared lock (what admin.rs must never do).
    pub fn observe_with_shared_lock(&self) {
        if let Ok(fd) = self.shm_open() {
            self.try_lock(fd, false);
            self.close(fd);
        }
    }

    /// `zinc gc` for one name.
    pub fn gc(&self) {
        if let Ok(fd) = self.shm_open() {
            if self.try_lock(fd, true) == Lock::Taken {
                self.retire_and_unlink(fd);
            }
            self.close(fd);
        }
    }

    /// End-of-scenario checks once every handle is closed or its process dead.
    pub fn check_quiescent(&self, allow_stale: bool) {
        let k = self.k();
        if let Some(obj) = k.name {
            let o = &k.objects[obj];
            assert!(allow_stale && o.locks.is_empty(), "leak: the name is still bound to {o:?}");
        }
        for o in &k.objects {
            assert!(o.locks.is_empty(), "a lock outlived every descriptor");
            assert!(o.unlinks <= 1);
            // Only named objects were handles' regions (a failed create's unnamed object died
            // with its descriptor).
            if o.named && !o.crashed_holder {
                assert_eq!(o.ref_count, 0, "ref_count not exact: {o:?}");
            }
        }
    }
}

// ================================================================================================
// Notify / wait
// ================================================================================================

/// `FLAG_PARKED` (header flags bit 1): a waiter may be asleep; the notifier that sees it clears
/// it and wakes everyone (core/src/notify.rs).
pub const PARKED: u16 = 1 << 1;

/// Which protocol to run: the core's, or a deliberately broken one (negative controls, to show
/// the model can find the bug it is meant to exclude).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// core/src/notify.rs.
    Core,
    /// The notifier reads the parked bit *before* bumping the counter.
    CheckBeforeBump,
    /// No SeqCst between the RMW and the following load, on either side (acquire/release only).
    NoSeqCst,
}

pub struct Shared {
    pub seq: AtomicU32,
    pub flags: AtomicU16,
    /// The futex queue: how many waiters are asleep on `seq` (guarded like a bucket lock).
    futex: Mutex<u32>,
    variant: Variant,
}

/// What one `wait` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// Saw the counter move (returns the value).
    Saw(u32),
    /// Went to sleep in the futex. Whoever wakes the queue makes it re-check and return, so a
    /// sleeper still queued at the end of a scenario whose counter moved is a lost wake-up.
    Asleep,
}

impl Shared {
    pub fn new(variant: Variant) -> Shared {
        Shared { seq: AtomicU32::new(0), flags: AtomicU16::new(0), futex: Mutex::new(0), variant }
    }

    /// FUTEX_WAIT: the kernel compares the word under the bucket lock, so a waker that changed
    /// it before taking the lock is seen, and one that changes it after finds us queued.
    fn futex_wait(&self, expected: u32) -> bool {
        let mut q = self.futex.lock().unwrap();
        if self.seq.load(Acquire) == expected {
            *q += 1;
            true
        } else {
            false
        }
    }

    /// FUTEX_WAKE(all): empties the queue (each sleeper re-checks and returns).
    fn futex_wake_all(&self) {
        *self.futex.lock().unwrap() = 0;
    }

    /// After every thread joined: panics if a waiter sleeps although the counter moved.
    pub fn assert_no_lost_wakeup(&self, start: u32) {
        let asleep = *self.futex.lock().unwrap();
        assert!(
            asleep == 0 || self.seq.load(SeqCst) == start,
            "lost wake-up: {asleep} waiter(s) asleep although notify moved the counter"
        );
    }

    pub fn notify(&self) {
        match self.variant {
            Variant::Core => {
                self.seq.fetch_add(1, SeqCst);
                fence(SeqCst);
                if self.flags.load(SeqCst) & PARKED != 0 {
                    self.flags.fetch_and(!PARKED, SeqCst);
                    self.futex_wake_all();
                }
            }
            Variant::CheckBeforeBump => {
                let parked = self.flags.load(SeqCst) & PARKED != 0;
                self.seq.fetch_add(1, SeqCst);
                if parked {
                    self.flags.fetch_and(!PARKED, SeqCst);
                    self.futex_wake_all();
                }
            }
            Variant::NoSeqCst => {
                self.seq.fetch_add(1, AcqRel);
                if self.flags.load(Acquire) & PARKED != 0 {
                    self.flags.fetch_and(!PARKED, AcqRel);
                    self.futex_wake_all();
                }
            }
        }
    }

    /// One `wait` until the counter differs from `last` (no timeout). The core's spin phase
    /// only polls `seq` and is omitted: it cannot lose a notification.
    pub fn wait(&self, last: u32) -> Waited {
        let now = self.seq.load(Acquire);
        if now != last {
            return Waited::Saw(now);
        }
        let seq_cst = self.variant != Variant::NoSeqCst;
        let rmw = if seq_cst { SeqCst } else { AcqRel };
        // Announce: set the parked bit, preserving the other bits.
        self.flags.fetch_or(PARKED, rmw);
        if seq_cst {
            fence(SeqCst);
        }
        if self.seq.load(if seq_cst { SeqCst } else { Acquire }) == last && self.futex_wait(last) {
            // Asleep. A wake makes it re-check and return; the scenario checks that some wake
            // came (assert_no_lost_wakeup).
            return Waited::Asleep;
        }
        // The bit stays set: the next notify clears it with one needless wake, which is how a
        // waiter killed while parked is forgotten too.
        Waited::Saw(self.seq.load(Acquire))
    }
}
