//! The 64-byte region header (SPEC §2). Its layout is ABI: native endianness, `repr(C)`,
//! 64-byte aligned, every offset asserted at compile time below.
//!
//! Every field is an atomic even where the spec says plain `u64`: the header lives in memory
//! that other processes (possibly hostile ones) write concurrently, and atomics are the only
//! sound way for Rust to read such memory. They have the same size and alignment as the plain
//! integers, so the layout is unchanged.

use std::mem::{align_of, offset_of, size_of};
use std::sync::atomic::{AtomicI32, AtomicU16, AtomicU32, AtomicU64, Ordering};

/// "ZINC_REG" read as a big-endian number.
pub const MAGIC: u64 = 0x5A49_4E43_5F52_4547;
/// Layout version written by this core.
pub const VERSION: u16 = 1;
/// Bytes before the data area.
pub const HEADER_SIZE: usize = 64;

/// `flags` bit: the region has been retired by its last handle (or a reclaimer) and is about to
/// be, or has been, unlinked. An opener that sees it never hands the region out.
pub const FLAG_RETIRED: u16 = 1 << 0;
/// `flags` bit: a waiter may be parked in the kernel, so `notify` must issue a wake. Lets
/// `notify` skip the system call when every waiter is still spinning (or there is none).
pub const FLAG_PARKED: u16 = 1 << 1;

#[repr(C, align(64))]
pub struct Header {
    pub magic: AtomicU64,
    pub version: AtomicU16,
    pub flags: AtomicU16,
    pub notify_seq: AtomicU32,
    pub capacity: AtomicU64,
    pub ref_count: AtomicU32,
    pub owner_pid: AtomicI32,
    pub created_at: AtomicU64,
    pub name_hash: AtomicU64,
    pub ring_head: AtomicU64,
    pub ring_tail: AtomicU64,
}

const _: () = {
    assert!(size_of::<Header>() == HEADER_SIZE);
    assert!(align_of::<Header>() == 64);
    assert!(offset_of!(Header, magic) == 0);
    assert!(offset_of!(Header, version) == 8);
    assert!(offset_of!(Header, flags) == 10);
    assert!(offset_of!(Header, notify_seq) == 12);
    assert!(offset_of!(Header, capacity) == 16);
    assert!(offset_of!(Header, ref_count) == 24);
    assert!(offset_of!(Header, owner_pid) == 28);
    assert!(offset_of!(Header, created_at) == 32);
    assert!(offset_of!(Header, name_hash) == 40);
    assert!(offset_of!(Header, ring_head) == 48);
    assert!(offset_of!(Header, ring_tail) == 56);
};

/// Why a header was rejected; every variant surfaces as `CorruptedRegion`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderFault {
    BadMagic,
    BadVersion,
    CapacityMismatch,
    NameHashMismatch,
}

impl Header {
    /// Fills every field but `magic` of a freshly created (zero-filled) object.
    pub fn initialize(&self, capacity: u64, name_hash: u64, now_ns: u64, pid: i32) {
        self.version.store(VERSION, Ordering::Relaxed);
        self.flags.store(0, Ordering::Relaxed);
        self.notify_seq.store(0, Ordering::Relaxed);
        self.capacity.store(capacity, Ordering::Relaxed);
        self.ref_count.store(1, Ordering::Relaxed);
        self.owner_pid.store(pid, Ordering::Relaxed);
        self.created_at.store(now_ns, Ordering::Relaxed);
        self.name_hash.store(name_hash, Ordering::Relaxed);
        self.ring_head.store(0, Ordering::Relaxed);
        self.ring_tail.store(0, Ordering::Relaxed);
    }

    /// Publishes the header: the release store pairs with the acquire load in `validate`, so an
    /// opener that sees the magic sees every field written before it.
    pub fn publish(&self) {
        self.magic.store(MAGIC, Ordering::Release);
    }

    /// Checks the header against what the opener can verify itself: the object's real length
    /// (from `fstat`, never from the header) and the name it asked for.
    pub fn validate(&self, object_len: u64, name_hash: u64) -> Result<(), HeaderFault> {
        if self.magic.load(Ordering::Acquire) != MAGIC {
            return Err(HeaderFault::BadMagic);
        }
        if self.version.load(Ordering::Relaxed) != VERSION {
            return Err(HeaderFault::BadVersion);
        }
        let capacity = self.capacity.load(Ordering::Relaxed);
        if capacity == 0 || capacity.checked_add(HEADER_SIZE as u64) != Some(object_len) {
            return Err(HeaderFault::CapacityMismatch);
        }
        if self.name_hash.load(Ordering::Relaxed) != name_hash {
            return Err(HeaderFault::NameHashMismatch);
        }
        Ok(())
    }

    pub fn is_retired(&self) -> bool {
        self.flags.load(Ordering::Acquire) & FLAG_RETIRED != 0
    }

    /// Marks the region retired, preserving every other flag bit.
    pub fn retire(&self) {
        self.flags.fetch_or(FLAG_RETIRED, Ordering::AcqRel);
    }
}

/// A copy of the 64 header bytes, field by field (SPEC §2), taken with `pread`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderSnapshot {
    pub magic: u64,
    pub version: u16,
    pub flags: u16,
    pub notify_seq: u32,
    pub capacity: u64,
    pub ref_count: u32,
    pub owner_pid: i32,
    pub created_at: u64,
    pub name_hash: u64,
    pub ring_head: u64,
    pub ring_tail: u64,
}

impl HeaderSnapshot {
    /// Decodes the header layout (native endianness) from its 64 bytes.
    pub fn from_bytes(b: &[u8; HEADER_SIZE]) -> HeaderSnapshot {
        let u64_at = |o: usize| u64::from_ne_bytes(b[o..o + 8].try_into().unwrap_or([0; 8]));
        let u32_at = |o: usize| u32::from_ne_bytes(b[o..o + 4].try_into().unwrap_or([0; 4]));
        let u16_at = |o: usize| u16::from_ne_bytes(b[o..o + 2].try_into().unwrap_or([0; 2]));
        HeaderSnapshot {
            magic: u64_at(0),
            version: u16_at(8),
            flags: u16_at(10),
            notify_seq: u32_at(12),
            capacity: u64_at(16),
            ref_count: u32_at(24),
            owner_pid: u32_at(28) as i32,
            created_at: u64_at(32),
            name_hash: u64_at(40),
            ring_head: u64_at(48),
            ring_tail: u64_at(56),
        }
    }

    pub fn is_retired(&self) -> bool {
        self.flags & FLAG_RETIRED != 0
    }

    /// Whether a waiter announced that it may be asleep in the kernel (cleared by `notify`).
    pub fn waiter_parked(&self) -> bool {
        self.flags & FLAG_PARKED != 0
    }
}

impl From<HeaderSnapshot> for Header {
    /// A private `Header` holding these values, so the core's own validation runs on them.
    fn from(s: HeaderSnapshot) -> Header {
        let HeaderSnapshot {
            magic,
            version,
            flags,
            notify_seq,
            capacity,
            ref_count,
            owner_pid,
            created_at,
            name_hash,
            ring_head,
            ring_tail,
        } = s;
        Header {
            magic: AtomicU64::new(magic),
            version: AtomicU16::new(version),
            flags: AtomicU16::new(flags),
            notify_seq: AtomicU32::new(notify_seq),
            capacity: AtomicU64::new(capacity),
            ref_count: AtomicU32::new(ref_count),
            owner_pid: AtomicI32::new(owner_pid),
            created_at: AtomicU64::new(created_at),
            name_hash: AtomicU64::new(name_hash),
            ring_head: AtomicU64::new(ring_head),
            ring_tail: AtomicU64::new(ring_tail),
        }
    }
}

impl Header {
    /// A copy of every field, read with atomic loads (for diagnostics: fields may change
    /// between two loads).
    pub fn snapshot(&self) -> HeaderSnapshot {
        HeaderSnapshot {
            magic: self.magic.load(Ordering::Acquire),
            version: self.version.load(Ordering::Relaxed),
            flags: self.flags.load(Ordering::Acquire),
            notify_seq: self.notify_seq.load(Ordering::Acquire),
            capacity: self.capacity.load(Ordering::Relaxed),
            ref_count: self.ref_count.load(Ordering::Acquire),
            owner_pid: self.owner_pid.load(Ordering::Relaxed),
            created_at: self.created_at.load(Ordering::Relaxed),
            name_hash: self.name_hash.load(Ordering::Relaxed),
            ring_head: self.ring_head.load(Ordering::Relaxed),
            ring_tail: self.ring_tail.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(capacity: u64) -> Header {
        // SAFETY: all-zero bytes are a valid value for every atomic integer field.
        let h: Header = unsafe { std::mem::zeroed() };
        h.initialize(capacity, 42, 1, 7);
        h
    }

    #[test]
    fn magic_spells_zinc_reg() {
        assert_eq!(&MAGIC.to_be_bytes(), b"ZINC_REG");
    }

    #[test]
    fn unpublished_header_is_rejected() {
        assert_eq!(fresh(4096).validate(4160, 42), Err(HeaderFault::BadMagic));
    }

    #[test]
    fn published_header_validates_against_the_real_length() {
        let h = fresh(4096);
        h.publish();
        assert_eq!(h.validate(4160, 42), Ok(()));
        assert_eq!(h.validate(4159, 42), Err(HeaderFault::CapacityMismatch));
        assert_eq!(h.validate(8256, 42), Err(HeaderFault::CapacityMismatch));
        assert_eq!(h.validate(4160, 43), Err(HeaderFault::NameHashMismatch));
        h.version.store(2, Ordering::Relaxed);
        assert_eq!(h.validate(4160, 42), Err(HeaderFault::BadVersion));
    }

    #[test]
    fn overflowing_capacity_is_rejected() {
        let h = fresh(u64::MAX);
        h.publish();
        assert_eq!(h.validate(63, 42), Err(HeaderFault::CapacityMismatch));
    }

    #[test]
    fn retire_preserves_reserved_bits() {
        let h = fresh(4096);
        h.flags.store(0x8000, Ordering::Relaxed);
        h.retire();
        assert!(h.is_retired());
        assert_eq!(h.flags.load(Ordering::Relaxed), 0x8000 | FLAG_RETIRED);
    }
}
