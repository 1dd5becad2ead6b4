//! The layout of the ring in docs/PATTERNS.md, shared by ring_producer and ring_consumer (the
//! C++ pair in adapters/cpp/examples/ring_*.cpp uses the same offsets).
//!
//! Data area: `tail` (u64, producer) at 0, `head` (u64, consumer) at 64, `parked` (u32,
//! consumer) at 128, then `SLOTS` slots of 64 bytes from byte 4096. Message `i` carries `i` and
//! `i * CHECK` in its first 16 bytes.

use std::sync::atomic::{AtomicU32, AtomicU64};
use zinc_core::SharedRegion;

pub const SLOTS: u64 = 1024;
pub const SLOT_BYTES: usize = 64;
pub const SLOTS_AT: usize = 4096;
pub const CAPACITY: usize = SLOTS_AT + SLOTS as usize * SLOT_BYTES;
pub const CHECK: u64 = 0x9E37_79B9_7F4A_7C15;

pub struct Ring<'a> {
    pub tail: &'a AtomicU64,
    pub head: &'a AtomicU64,
    pub parked: &'a AtomicU32,
    region: &'a SharedRegion,
}

impl<'a> Ring<'a> {
    pub fn new(region: &'a SharedRegion) -> Ring<'a> {
        assert!(region.capacity() >= CAPACITY, "region too small for the ring");
        let at = |off: usize| region.as_ptr().wrapping_add(off);
        // SAFETY: the data area is page-aligned and at least CAPACITY bytes, so offsets 0, 64
        // and 128 are in bounds and aligned for their types; the region outlives `Ring`; other
        // processes touch these words only through atomics too.
        unsafe {
            Ring {
                tail: &*at(0).cast::<AtomicU64>(),
                head: &*at(64).cast::<AtomicU64>(),
                parked: &*at(128).cast::<AtomicU32>(),
                region,
            }
        }
    }

    /// The two words of slot `i % SLOTS` (each slot is owned by one side at a time: the
    /// producer until it publishes `tail`, the consumer until it publishes `head`).
    pub fn slot(&self, i: u64) -> &[AtomicU64; 2] {
        let off = SLOTS_AT + (i % SLOTS) as usize * SLOT_BYTES;
        // SAFETY: in bounds (CAPACITY checked in `new`), 64-byte aligned, accessed atomically.
        unsafe { &*self.region.as_ptr().wrapping_add(off).cast::<[AtomicU64; 2]>() }
    }
}

/// `NAME COUNT` from the command line.
pub fn args() -> (String, u64) {
    let a: Vec<String> = std::env::args().skip(1).collect();
    match a.as_slice() {
        [name, count] => (name.clone(), count.parse().expect("COUNT must be a number")),
        _ => {
            eprintln!("usage: {} NAME COUNT", std::env::args().next().unwrap_or_default());
            std::process::exit(2);
        }
    }
}
