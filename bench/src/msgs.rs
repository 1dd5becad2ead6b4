//! Small messages: throughput of 64-byte messages from one producer process to one consumer
//! process. Zinc carries them in a single-producer/single-consumer ring that this benchmark
//! builds inside a region's data area (Zinc itself only provides the memory and notify/wait):
//!
//! * (a) `notify()` after every message;
//! * (b) `notify()` only when the consumer has announced in the data area that it is about to
//!   park (a flag it raises before waiting and re-checks the ring after raising: the Dekker
//!   pattern, so no wake-up is lost), after polling the ring briefly: docs/PATTERNS.md and its
//!   examples, step for step.
//!
//! Against a Unix socket (SOCK_SEQPACKET: one 64-byte message per send/recv) and a pipe (64-byte
//! write/read: atomic below PIPE_BUF). Each message carries its sequence number, which the
//! consumer checks. A full ring makes the producer poll (with sched_yield) until there is room,
//! where a socket or pipe producer blocks in the kernel. Time: producer's first send to the
//! consumer's check of the last message.

use crate::latency::{pipe, read_exact, write_all, zerr};
use crate::util::{self, SharedMem};
use std::io;
use std::os::fd::{FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use zinc_core::{SharedRegion, ZincError};

pub const MSG: usize = 64;
/// Ring slots (64 bytes each).
pub const SLOTS: u64 = 1024;
const RING_OFF: usize = 256;
/// Empty-ring polls before the consumer of (b) announces that it parks (docs/PATTERNS.md).
const POLLS_BEFORE_PARK: u32 = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    ZincEvery,
    ZincParked,
    Seqpacket,
    Pipe,
}

impl Method {
    pub const ALL: [Method; 4] = [Method::ZincEvery, Method::ZincParked, Method::Seqpacket, Method::Pipe];

    pub fn key(self) -> &'static str {
        match self {
            Method::ZincEvery => "zinc_ring_notify_each",
            Method::ZincParked => "zinc_ring_notify_parked",
            Method::Seqpacket => "unix_seqpacket",
            Method::Pipe => "pipe",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::ZincEvery => "Zinc SPSC ring, notify per message",
            Method::ZincParked => "Zinc SPSC ring, notify only when the consumer announced it parks",
            Method::Seqpacket => "Unix socket (SOCK_SEQPACKET), one message per send/recv",
            Method::Pipe => "pipe, one 64-byte write/read per message",
        }
    }
}

/// One run: seconds from the first send to the last message checked, plus the number of
/// notify() calls the producer made (Zinc) and the consumer's waits.
pub struct Run {
    pub secs: f64,
    pub notifies: u64,
    pub waits: u64,
}

pub fn measure(m: Method, messages: u64, tag: &str) -> io::Result<Run> {
    // ctl: 0 ready, 1 consumer end time, 2 ok, 3 consumer waits.
    let ctl = SharedMem::new(4096)?;
    let c = &ctl;
    let two = util::cpu_count() >= 2;
    match m {
        Method::ZincEvery | Method::ZincParked => {
            let only_parked = m == Method::ZincParked;
            let name = format!("zbench_{}_{}_{}", std::process::id(), tag, m.key());
            let region = SharedRegion::create(&name, 4096 + SLOTS as usize * MSG).map_err(zerr)?;
            let n2 = name.clone();
            let child = util::fork_child(two.then_some(util::PEER_CPU), move || {
                let r = SharedRegion::open(&n2).map_err(zerr)?;
                let ring = Ring::new(&r);
                c.u64_at(0).store(1, Ordering::Release);
                let mut head = 0u64;
                let mut ok = true;
                let mut waits = 0u64;
                let start = util::now_ns();
                while head < messages {
                    let tail = ring.tail.load(Ordering::Acquire);
                    if tail == head {
                        if only_parked {
                            // A message is often a moment away: announce a park only when the
                            // ring stayed empty for a while (as the pattern's consumer does).
                            if (0..POLLS_BEFORE_PARK).any(|_| {
                                std::hint::spin_loop();
                                ring.tail.load(Ordering::Acquire) != head
                            }) {
                                continue;
                            }
                            ring.parked.store(1, Ordering::SeqCst);
                            if ring.tail.load(Ordering::SeqCst) == head {
                                waits += 1;
                                zwait(&r)?;
                            }
                            ring.parked.store(0, Ordering::Relaxed);
                        } else {
                            waits += 1;
                            zwait(&r)?;
                        }
                        if util::now_ns() - start > 120_000_000_000 {
                            return Err(io::Error::other("ring: stalled"));
                        }
                        continue;
                    }
                    while head < tail {
                        // SAFETY: the slot is inside the region and written before `tail` moved.
                        let seq = unsafe { std::ptr::read_volatile(ring.slot(head) as *const u64) };
                        ok &= seq == head;
                        head += 1;
                    }
                    ring.head.store(head, Ordering::Release);
                }
                c.u64_at(1).store(util::now_ns(), Ordering::Relaxed);
                c.u64_at(2).store(ok as u64, Ordering::Relaxed);
                c.u64_at(3).store(waits, Ordering::Release);
                drop(r);
                Ok(())
            })?;
            drive(child, two, c, || {
                let ring = Ring::new(&region);
                let mut notifies = 0u64;
                // Messages below `room` have a free slot: the consumer's `head` is read only
                // when that runs out (docs/PATTERNS.md), not on every message.
                let mut room = SLOTS;
                for i in 0..messages {
                    let mut k = 0u32;
                    while i == room {
                        room = ring.head.load(Ordering::Acquire) + SLOTS;
                        if i < room {
                            break;
                        }
                        k += 1;
                        if k.is_multiple_of(256) {
                            // SAFETY: plain syscall.
                            unsafe { libc::sched_yield() };
                        } else {
                            std::hint::spin_loop();
                        }
                    }
                    let p = ring.slot(i);
                    // SAFETY: the slot is inside the region and the consumer is past it.
                    unsafe {
                        std::ptr::write_bytes(p, 0x5a, MSG);
                        std::ptr::write_volatile(p as *mut u64, i);
                    }
                    if only_parked {
                        ring.tail.store(i + 1, Ordering::SeqCst);
                        if ring.parked.load(Ordering::SeqCst) != 0 {
                            region.notify();
                            notifies += 1;
                        }
                    } else {
                        ring.tail.store(i + 1, Ordering::Release);
                        region.notify();
                        notifies += 1;
                    }
                }
                Ok(notifies)
            })
        }
        Method::Seqpacket | Method::Pipe => {
            let (rx, tx) = if m == Method::Pipe { pipe()? } else { seqpacket()? };
            let child = util::fork_child(two.then_some(util::PEER_CPU), move || {
                c.u64_at(0).store(1, Ordering::Release);
                let mut ok = true;
                let mut buf = [0u8; MSG];
                for i in 0..messages {
                    read_exact(&rx, &mut buf)?;
                    ok &= u64::from_ne_bytes(buf[..8].try_into().unwrap()) == i;
                }
                c.u64_at(1).store(util::now_ns(), Ordering::Relaxed);
                c.u64_at(2).store(ok as u64, Ordering::Relaxed);
                c.u64_at(3).store(0, Ordering::Release);
                Ok(())
            })?;
            drive(child, two, c, || {
                let mut buf = [0x5au8; MSG];
                for i in 0..messages {
                    buf[..8].copy_from_slice(&i.to_ne_bytes());
                    write_all(&tx, &buf)?;
                }
                Ok(0)
            })
        }
    }
}

fn drive<F: FnOnce() -> io::Result<u64>>(
    child: libc::pid_t,
    two: bool,
    c: &SharedMem,
    produce: F,
) -> io::Result<Run> {
    if two {
        util::pin_to_cpu(util::DRIVER_CPU);
    }
    let res = (|| -> io::Result<(u64, u64)> {
        if !util::spin_until(|| c.u64_at(0).load(Ordering::Acquire) == 1, 20_000_000_000) {
            return Err(io::Error::other("messages: consumer never became ready"));
        }
        let t0 = util::now_ns();
        let notifies = produce()?;
        Ok((t0, notifies))
    })();
    util::unpin();
    let (t0, notifies) = util::settle(child, res)?;
    if c.u64_at(2).load(Ordering::Relaxed) != 1 {
        return Err(io::Error::other("messages: consumer saw messages out of order"));
    }
    let t1 = c.u64_at(1).load(Ordering::Relaxed);
    Ok(Run { secs: t1.saturating_sub(t0) as f64 / 1e9, notifies, waits: c.u64_at(3).load(Ordering::Acquire) })
}

fn zwait(r: &SharedRegion) -> io::Result<()> {
    match r.wait(1000) {
        Ok(()) | Err(ZincError::TimedOut) => Ok(()),
        Err(e) => Err(zerr(e)),
    }
}

/// The ring's control words (each on its own cache line) and slots, in a region's data area.
struct Ring<'a> {
    tail: &'a AtomicU64,
    head: &'a AtomicU64,
    parked: &'a AtomicU32,
    base: *mut u8,
}

impl<'a> Ring<'a> {
    fn new(r: &'a SharedRegion) -> Ring<'a> {
        let p = r.as_ptr();
        // SAFETY: the data area is page-aligned and holds 4096 (>= RING_OFF) + SLOTS * MSG bytes.
        unsafe {
            Ring {
                tail: &*(p as *const AtomicU64),
                head: &*(p.add(64) as *const AtomicU64),
                parked: &*(p.add(128) as *const AtomicU32),
                base: p.add(RING_OFF),
            }
        }
    }
    fn slot(&self, i: u64) -> *mut u8 {
        self.base.wrapping_add((i % SLOTS) as usize * MSG)
    }
}

/// (receive end, send end) of a SOCK_SEQPACKET pair.
fn seqpacket() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: valid out array.
    if unsafe {
        libc::socketpair(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr())
    } != 0
    {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fresh descriptors we own.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}
