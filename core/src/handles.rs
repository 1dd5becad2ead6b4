//! The C ABI's handle table: what makes `zinc_close` safe while other threads still use the
//! same handle, and a closed or stale handle harmless.
//!
//! A `ZincHandle` is not a pointer but `generation << 32 | (slot + 1)`. Each slot holds one
//! boxed [`SharedRegion`] and a state word: the slot's generation, a CLOSING bit, and the number
//! of calls in flight on it. Every ABI call except create/open first *enters* the slot (a
//! compare-and-swap that fails when the generation differs or CLOSING is set) and leaves it
//! when done. `zinc_close`:
//! 1. sets CLOSING (new calls now fail: `wait` gives -9, `ptr` NULL, `capacity` 0, `notify`
//!    nothing; a second close finds CLOSING or a newer generation and does nothing);
//! 2. tells the region it is closing, so waiters in this process return -9, and keeps waking
//!    them until every call in flight has left;
//! 3. only then drops the region (unmap, unlock, last-one-out removal), bumps the generation
//!    and recycles the slot.
//!
//! So no call ever touches an unmapped header, and a handle value that was closed can never
//! reach a newer region that reuses its slot (the generation differs). Slots live in segments
//! that are allocated on demand and never freed, so a slot's address stays valid forever.

use crate::error::{Result, ZincError};
use crate::region::SharedRegion;
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

const _: () = assert!(usize::BITS == 64, "handles pack a generation and a slot into 64 bits");

const SEGMENT_SLOTS: usize = 1024;
const SEGMENTS: usize = 1024;
/// Most handles one process can have open at once.
const MAX_SLOTS: u32 = (SEGMENT_SLOTS * SEGMENTS) as u32;

const CLOSING: u64 = 1 << 31;
const IN_FLIGHT: u64 = CLOSING - 1;

struct Slot {
    /// generation (bits 63..32) | CLOSING (bit 31) | calls in flight (bits 30..0).
    state: AtomicU64,
    region: AtomicPtr<SharedRegion>,
}

#[allow(clippy::declare_interior_mutable_const)] // only used to initialise the array below
const NO_SEGMENT: AtomicPtr<Slot> = AtomicPtr::new(std::ptr::null_mut());
static TABLE: [AtomicPtr<Slot>; SEGMENTS] = [NO_SEGMENT; SEGMENTS];
static NEXT_SLOT: AtomicU32 = AtomicU32::new(0);
static FREE_SLOTS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn segment(index: usize, create: bool) -> Option<&'static [Slot]> {
    let cell = TABLE.get(index)?;
    let mut seg = cell.load(Ordering::Acquire);
    if seg.is_null() {
        if !create {
            return None;
        }
        let fresh: Box<[Slot]> = (0..SEGMENT_SLOTS)
            .map(|_| Slot { state: AtomicU64::new(0), region: AtomicPtr::new(std::ptr::null_mut()) })
            .collect();
        let fresh = Box::into_raw(fresh).cast::<Slot>();
        seg = match cell.compare_exchange(std::ptr::null_mut(), fresh, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => fresh,
            Err(winner) => {
                // SAFETY: `fresh` came from `Box::into_raw` of a `SEGMENT_SLOTS` slice just above
                // and was never published.
                drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(fresh, SEGMENT_SLOTS)) });
                winner
            }
        };
    }
    // SAFETY: published segments are leaked `SEGMENT_SLOTS`-long slices, never freed or moved.
    Some(unsafe { std::slice::from_raw_parts(seg, SEGMENT_SLOTS) })
}

fn slot(index: u32, create: bool) -> Option<&'static Slot> {
    let i = index as usize;
    segment(i / SEGMENT_SLOTS, create).map(|s| &s[i % SEGMENT_SLOTS])
}

fn decode(handle: usize) -> Option<(&'static Slot, u64)> {
    let low = (handle & 0xFFFF_FFFF) as u32;
    let generation = (handle >> 32) as u64;
    if low == 0 || generation == 0 {
        return None;
    }
    slot(low - 1, false).map(|s| (s, generation))
}

/// Stores `region` in a free slot and returns its handle value (never 0).
pub(crate) fn insert(region: SharedRegion) -> Result<usize> {
    let recycled = FREE_SLOTS.lock().unwrap_or_else(|e| e.into_inner()).pop();
    let index = match recycled {
        Some(i) => i,
        None => {
            let i = NEXT_SLOT.fetch_add(1, Ordering::Relaxed);
            if i >= MAX_SLOTS {
                NEXT_SLOT.store(MAX_SLOTS, Ordering::Relaxed);
                return Err(ZincError::Platform(libc::EMFILE));
            }
            i
        }
    };
    let Some(slot) = slot(index, true) else {
        return Err(ZincError::Platform(libc::ENOMEM));
    };
    let generation = (slot.state.load(Ordering::Acquire) >> 32).max(1);
    slot.region.store(Box::into_raw(Box::new(region)), Ordering::Release);
    slot.state.store(generation << 32, Ordering::Release);
    Ok(((generation as usize) << 32) | (index as usize + 1))
}

/// A call in flight on a live handle; the region cannot be freed while it exists.
pub(crate) struct Entered {
    slot: &'static Slot,
}

impl Entered {
    pub(crate) fn region(&self) -> &SharedRegion {
        // SAFETY: the slot's generation matched and CLOSING was clear when we entered, so its
        // region pointer was set (release) before that state was published, and `close` frees
        // it only after the in-flight count has dropped back to zero, which excludes us.
        unsafe { &*self.slot.region.load(Ordering::Acquire) }
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        self.slot.state.fetch_sub(1, Ordering::Release);
    }
}

/// Enters the handle's slot, or `None` for a handle that is NULL, closed, closing or bogus.
pub(crate) fn enter(handle: usize) -> Option<Entered> {
    let (slot, generation) = decode(handle)?;
    let mut state = slot.state.load(Ordering::Acquire);
    loop {
        if state >> 32 != generation || state & CLOSING != 0 || state & IN_FLIGHT == IN_FLIGHT {
            return None;
        }
        match slot.state.compare_exchange_weak(state, state + 1, Ordering::Acquire, Ordering::Acquire) {
            Ok(_) => return Some(Entered { slot }),
            Err(now) => state = now,
        }
    }
}

/// Closes the handle: see the module documentation. Closed, closing or bogus handles: no-op.
pub(crate) fn close(handle: usize) {
    let Some((slot, generation)) = decode(handle) else { return };
    let mut state = slot.state.load(Ordering::Acquire);
    loop {
        if state >> 32 != generation || state & CLOSING != 0 {
            return;
        }
        match slot.state.compare_exchange_weak(state, state | CLOSING, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => break,
            Err(now) => state = now,
        }
    }
    // SAFETY: we set CLOSING on a live generation, so the region is present, and only we (the
    // one closer) may free it.
    let region = unsafe { &*slot.region.load(Ordering::Acquire) };
    if slot.state.load(Ordering::Acquire) & IN_FLIGHT != 0 {
        region.begin_close();
        let mut pause = Duration::from_micros(20);
        while slot.state.load(Ordering::Acquire) & IN_FLIGHT != 0 {
            // A waiter may have checked the closing flag just before we set it and parked
            // after our wake: wake again until it has left.
            region.wake_local_waiters();
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(1));
        }
    }
    let boxed = slot.region.swap(std::ptr::null_mut(), Ordering::AcqRel);
    // SAFETY: `boxed` came from `Box::into_raw` in `insert`; no call is in flight and new ones
    // are refused (CLOSING), so nobody else can reach it.
    drop(unsafe { Box::from_raw(boxed) });
    let next = (generation + 1) & 0xFFFF_FFFF;
    slot.state.store(next.max(1) << 32, Ordering::Release);
    FREE_SLOTS.lock().unwrap_or_else(|e| e.into_inner()).push(((handle & 0xFFFF_FFFF) - 1) as u32);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region() -> SharedRegion {
        use std::sync::atomic::AtomicUsize;
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!("t_handles_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        SharedRegion::create(&name, 4096).unwrap()
    }

    #[test]
    fn closed_and_bogus_handles_are_refused() {
        let h = insert(region()).unwrap();
        assert!(enter(h).is_some());
        close(h);
        assert!(enter(h).is_none());
        close(h); // second close: no-op
        for bogus in [0usize, 1, 1 << 32, usize::MAX, (7 << 32) | 999_999] {
            assert!(enter(bogus).is_none(), "{bogus:#x}");
            close(bogus);
        }
    }

    #[test]
    fn a_recycled_slot_does_not_answer_to_the_old_handle() {
        let old = insert(region()).unwrap();
        close(old);
        let handles: Vec<usize> = (0..4).map(|_| insert(region()).unwrap()).collect();
        assert!(enter(old).is_none());
        assert!(handles.iter().all(|&h| h != old && enter(h).is_some()));
        handles.into_iter().for_each(close);
    }

    #[test]
    fn close_waits_for_a_wait_in_flight_and_wakes_it() {
        let h = insert(region()).unwrap();
        let waiter = std::thread::spawn(move || {
            let entered = enter(h).unwrap();
            entered.region().wait(u32::MAX)
        });
        std::thread::sleep(Duration::from_millis(100));
        let start = std::time::Instant::now();
        close(h);
        assert_eq!(waiter.join().unwrap(), Err(ZincError::Closed));
        assert!(start.elapsed() < Duration::from_secs(2));
    }
}
