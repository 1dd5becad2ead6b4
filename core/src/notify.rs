//! Notify/wait (SPEC §6): a coalescing "data changed" signal on the header's `notify_seq`.
//!
//! `wait` runs in three phases:
//! 1. **check**: return at once if the counter moved since this handle last looked;
//! 2. **spin**: poll the counter for an adaptive budget (a waiter that is awake when `notify`
//!    lands sees it within a cache-line transfer, ~0.2 µs, instead of a ~40 µs kernel wake);
//! 3. **park**: sleep in the backend (shared futex on Linux) until the counter moves.
//!
//! The spin budget adapts per handle: it grows toward twice the waits it recently saw satisfied
//! (at most doubling per wait, up to `SPIN_MAX`) and halves when spinning did not pay, down to
//! 0 (park at once), from where only a rare probe that catches a notification restarts it. If the
//! spinner notices it was descheduled (a gap in its own clock reads) the core is contended: a
//! spinning waiter is runnable, so the scheduler may hand its core to another process for a
//! whole time slice while the notification waits. It then parks at once and drops its budget
//! to the minimum, because a parked waiter is woken with the scheduler's wake-up preference
//! (measured: futex-like tails) instead of waiting out someone else's slice.
//!
//! Parking is announced by the header's `FLAG_PARKED` bit, so `notify` only makes a system call
//! when someone may be asleep. The bit and the counter follow the Dekker pattern with
//! sequentially consistent operations: the waiter sets the bit then re-reads the counter; the
//! notifier bumps the counter then reads the bit; at least one of them sees the other, and the
//! futex itself re-checks the counter in the kernel, so no wake-up is ever lost. The notifier
//! that finds the bit set clears it before waking everyone; a waiter that has to sleep again
//! sets it again. The bit is therefore self-healing: a waiter killed while parked leaves at most
//! one extra wake system call behind, where a count of parked waiters would stay raised for good.
//!
//! The spin phase follows a **spin policy**, read once per process from `ZINC_SPIN`:
//! `adaptive` (the default, described above), `never` (park at once: the CPU cost of a plain
//! futex waiter), or a number of nanoseconds (a fixed budget). An unreadable value is reported
//! once on stderr and the default applies.
//!
//! A `wait` also returns `Closed` when its handle is being closed by another thread (`closing`).

use crate::error::{Result, ZincError};
use crate::header::Header;
use crate::header::FLAG_PARKED;
use crate::platform::backend;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Longest spin before parking: well under a scheduler slice, so a spin rarely straddles one.
const SPIN_MAX_NS: u32 = 50_000;
/// Shortest non-zero spin. A budget that would shrink below it drops to 0: the waiter parks at
/// once and only probes now and then (see `Cursor::probe_due`).
const SPIN_MIN_NS: u32 = 2_000;
/// A waiter whose budget fell to 0 spins a full `SPIN_MAX_NS` once every this many waits, to
/// notice that notifications came closer again; each probe that finds nothing doubles the
/// interval, up to `PROBE_MAX`, so a rarely notified waiter pays almost nothing for it.
const PROBE_FIRST: u32 = 64;
const PROBE_MAX: u32 = 4096;
/// Initial budget of a fresh handle.
const SPIN_START_NS: u32 = 20_000;
/// A gap this long between two clock reads in the spin loop means we lost the CPU.
const PREEMPTED_NS: u128 = 20_000;

/// How a waiter spins before parking (`ZINC_SPIN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpinPolicy {
    /// Budget adapted per handle (the default).
    Adaptive,
    /// Never spin: park at once.
    Never,
    /// Always spin this many nanoseconds (capped at 10 ms) before parking.
    Fixed(u32),
}

impl SpinPolicy {
    /// Parses a `ZINC_SPIN` value: `adaptive`, `never`, or a number of nanoseconds.
    pub fn parse(value: &str) -> Option<SpinPolicy> {
        match value.trim() {
            "" | "adaptive" => Some(SpinPolicy::Adaptive),
            "never" | "0" => Some(SpinPolicy::Never),
            n => n.parse::<u32>().ok().map(|ns| SpinPolicy::Fixed(ns.min(10_000_000))),
        }
    }

    /// The process's policy, read from `ZINC_SPIN` on first use.
    pub fn current() -> SpinPolicy {
        static POLICY: OnceLock<SpinPolicy> = OnceLock::new();
        *POLICY.get_or_init(|| match std::env::var("ZINC_SPIN") {
            Err(_) => SpinPolicy::Adaptive,
            Ok(v) => SpinPolicy::parse(&v).unwrap_or_else(|| {
                eprintln!(
                    "zinc: ignoring ZINC_SPIN={v:?}: expected adaptive, never or a number of nanoseconds"
                );
                SpinPolicy::Adaptive
            }),
        })
    }
}

/// Per-handle wait state: the last counter value this handle consumed, its spin budget, and
/// (once the budget fell to 0) when it probes next.
#[derive(Debug)]
pub struct Cursor {
    last_seq: AtomicU32,
    spin_ns: AtomicU32,
    probe_in: AtomicU32,
    probe_every: AtomicU32,
}

impl Cursor {
    /// A cursor that has consumed everything up to `seq` (a fresh handle's value at open).
    pub fn new(seq: u32) -> Cursor {
        Cursor {
            last_seq: AtomicU32::new(seq),
            spin_ns: AtomicU32::new(SPIN_START_NS),
            probe_in: AtomicU32::new(PROBE_FIRST),
            probe_every: AtomicU32::new(PROBE_FIRST),
        }
    }

    /// With a budget of 0: is this wait the one that probes (spins `SPIN_MAX_NS`)?
    fn probe_due(&self) -> bool {
        let left = self.probe_in.load(Ordering::Relaxed);
        if left > 1 {
            self.probe_in.store(left - 1, Ordering::Relaxed);
            return false;
        }
        self.probe_in.store(self.probe_every.load(Ordering::Relaxed), Ordering::Relaxed);
        true
    }

    /// A probe found nothing: probe half as often.
    fn probe_missed(&self) {
        let every = (self.probe_every.load(Ordering::Relaxed).saturating_mul(2)).min(PROBE_MAX);
        self.probe_every.store(every, Ordering::Relaxed);
        self.probe_in.store(every, Ordering::Relaxed);
    }
}

/// Bumps the counter and wakes every waiter, in every process.
pub fn notify(header: &Header) {
    header.notify_seq.fetch_add(1, Ordering::SeqCst);
    if backend::PARKS_IN_KERNEL && header.flags.load(Ordering::SeqCst) & FLAG_PARKED != 0 {
        header.flags.fetch_and(!FLAG_PARKED, Ordering::SeqCst);
        backend::wake_all(&header.notify_seq);
    }
}

/// Wakes every waiter parked on this header (in any process) without a notification: they
/// re-check their state, find nothing new and park again, except a waiter whose handle is
/// closing, which returns `Closed`.
pub fn wake_waiters(header: &Header) {
    if backend::PARKS_IN_KERNEL {
        backend::wake_all(&header.notify_seq);
    }
}

/// Waits until the counter differs from the cursor's last value; `timeout_ms == u32::MAX`
/// waits forever, `0` only polls. Returns `Closed` once `closing` is set.
pub fn wait(header: &Header, cursor: &Cursor, closing: &AtomicBool, timeout_ms: u32) -> Result<()> {
    let seq = &header.notify_seq;
    let last = cursor.last_seq.load(Ordering::Acquire);
    if consume(seq, cursor, last) {
        return Ok(());
    }
    if timeout_ms == 0 {
        return Err(ZincError::TimedOut);
    }
    let start = Instant::now();
    let deadline = (timeout_ms != u32::MAX).then(|| Duration::from_millis(timeout_ms.into()));

    let policy = SpinPolicy::current();
    let (budget, probing) = match policy {
        SpinPolicy::Adaptive => match cursor.spin_ns.load(Ordering::Relaxed) {
            0 if cursor.probe_due() => (SPIN_MAX_NS, true),
            budget => (budget, false),
        },
        SpinPolicy::Never => (0, false),
        SpinPolicy::Fixed(ns) => (ns, false),
    };
    let spin_limit = deadline.map_or(budget as u128, |d| d.as_nanos().min(budget as u128));
    if spin_limit > 0 {
        match spin(seq, last, closing, start, spin_limit) {
            Spin::Seen(waited) if consume(seq, cursor, last) => {
                if policy == SpinPolicy::Adaptive {
                    adapt(cursor, waited, true);
                }
                return Ok(());
            }
            Spin::Preempted if policy == SpinPolicy::Adaptive && !probing => {
                cursor.spin_ns.store(SPIN_MIN_NS, Ordering::Relaxed)
            }
            Spin::Closed => return Err(ZincError::Closed),
            Spin::Exhausted | Spin::Preempted if probing => cursor.probe_missed(),
            Spin::Seen(_) | Spin::Exhausted | Spin::Preempted => {}
        }
    }

    loop {
        if closing.load(Ordering::Acquire) {
            return Err(ZincError::Closed);
        }
        let left = match deadline {
            Some(d) => match d.checked_sub(start.elapsed()) {
                Some(left) if !left.is_zero() => Some(left),
                _ => {
                    if policy == SpinPolicy::Adaptive {
                        adapt(cursor, start.elapsed(), false);
                    }
                    return Err(ZincError::TimedOut);
                }
            },
            None => None,
        };
        if backend::PARKS_IN_KERNEL {
            header.flags.fetch_or(FLAG_PARKED, Ordering::SeqCst);
        }
        if seq.load(Ordering::SeqCst) == last && !closing.load(Ordering::SeqCst) {
            backend::park(seq, last, left);
        }
        if consume(seq, cursor, last) {
            if policy == SpinPolicy::Adaptive {
                adapt(cursor, start.elapsed(), false);
            }
            return Ok(());
        }
    }
}

/// Stores the counter in the cursor if it moved past `last`; true when it did.
fn consume(seq: &AtomicU32, cursor: &Cursor, last: u32) -> bool {
    let now = seq.load(Ordering::Acquire);
    if now == last {
        return false;
    }
    cursor.last_seq.store(now, Ordering::Release);
    true
}

enum Spin {
    /// The counter moved after about this long (the last clock read, so no extra clock call).
    Seen(Duration),
    /// The budget ran out.
    Exhausted,
    /// We lost the CPU while spinning: the core is contended.
    Preempted,
    /// The handle is being closed.
    Closed,
}

/// Busy-polls for at most `limit_ns`, reading the clock (and the closing flag) once per 64 polls.
fn spin(seq: &AtomicU32, last: u32, closing: &AtomicBool, start: Instant, limit_ns: u128) -> Spin {
    let mut prev = 0u128;
    loop {
        for _ in 0..64 {
            if seq.load(Ordering::Relaxed) != last {
                return Spin::Seen(Duration::from_nanos(prev as u64));
            }
            std::hint::spin_loop();
        }
        if closing.load(Ordering::Relaxed) {
            return Spin::Closed;
        }
        let now = start.elapsed().as_nanos();
        if now - prev > PREEMPTED_NS {
            return Spin::Preempted;
        }
        if now >= limit_ns {
            return Spin::Exhausted;
        }
        prev = now;
    }
}

/// Adjusts the budget after a wait of `waited`; `spun` when the spin phase saw the notification.
fn adapt(cursor: &Cursor, waited: Duration, spun: bool) {
    let waited = u32::try_from(waited.as_nanos()).unwrap_or(u32::MAX);
    let budget = cursor.spin_ns.load(Ordering::Relaxed);
    if budget == 0 && !spun {
        // Stopped: only a probe that catches a notification restarts spinning. A parked wait
        // that happened to be short (one early notification) is no evidence that spinning pays.
        return;
    }
    let next = if waited <= SPIN_MAX_NS {
        if budget == 0 {
            // A probe caught this one: spin long enough to catch the next.
            cursor.probe_every.store(PROBE_FIRST, Ordering::Relaxed);
            waited.saturating_mul(2).clamp(SPIN_MIN_NS, SPIN_MAX_NS)
        } else {
            // Grow toward twice the observed wait, but at most double per wait, so a budget cut
            // by contention comes back gradually.
            budget.max(waited.saturating_mul(2)).min(budget.saturating_mul(2)).min(SPIN_MAX_NS)
        }
    } else if budget / 2 < SPIN_MIN_NS {
        0 // spinning did not pay: stop, and only probe now and then
    } else {
        budget / 2
    };
    cursor.spin_ns.store(next, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    static OPEN: AtomicBool = AtomicBool::new(false);

    fn header() -> Box<Header> {
        // SAFETY: all-zero bytes are a valid value for every atomic field of `Header`.
        Box::new(unsafe { std::mem::zeroed() })
    }

    #[test]
    fn poll_times_out_then_sees_a_notify() {
        let h = header();
        let c = Cursor::new(0);
        assert_eq!(wait(&h, &c, &OPEN, 0), Err(ZincError::TimedOut));
        notify(&h);
        assert_eq!(wait(&h, &c, &OPEN, 0), Ok(()));
        assert_eq!(wait(&h, &c, &OPEN, 0), Err(ZincError::TimedOut));
    }

    #[test]
    fn notifications_coalesce() {
        let h = header();
        let c = Cursor::new(0);
        notify(&h);
        notify(&h);
        notify(&h);
        assert_eq!(wait(&h, &c, &OPEN, 10), Ok(()));
        assert_eq!(wait(&h, &c, &OPEN, 10), Err(ZincError::TimedOut));
    }

    #[test]
    fn counter_wraps() {
        let h = header();
        h.notify_seq.store(u32::MAX, Ordering::Relaxed);
        let c = Cursor::new(u32::MAX);
        notify(&h);
        assert_eq!(h.notify_seq.load(Ordering::Relaxed), 0);
        assert_eq!(wait(&h, &c, &OPEN, 0), Ok(()));
    }

    #[test]
    fn parked_waiter_is_woken_and_count_returns_to_zero() {
        let h: Arc<Header> = Arc::from(header());
        let waiter = {
            let h = Arc::clone(&h);
            std::thread::spawn(move || {
                let c = Cursor::new(0);
                c.spin_ns.store(SPIN_MIN_NS, Ordering::Relaxed);
                wait(&h, &c, &OPEN, 10_000)
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        notify(&h);
        assert_eq!(waiter.join().unwrap(), Ok(()));
        assert_eq!(h.flags.load(Ordering::SeqCst) & FLAG_PARKED, 0, "notify clears the parked bit");
    }

    #[test]
    fn parked_bit_preserves_other_bits_and_heals_after_a_dead_waiter() {
        if !backend::PARKS_IN_KERNEL {
            return; // the polling backend never announces or wakes
        }
        let h = header();
        // A waiter killed while parked left the bit set, next to a reserved bit.
        h.flags.store(0x8000 | FLAG_PARKED, Ordering::Relaxed);
        notify(&h);
        assert_eq!(h.flags.load(Ordering::Relaxed), 0x8000, "one wake, then the bit is clear");
        notify(&h);
        assert_eq!(h.flags.load(Ordering::Relaxed), 0x8000);
    }

    #[test]
    fn closing_ends_a_wait_forever() {
        let h: Arc<Header> = Arc::from(header());
        let closing = Arc::new(AtomicBool::new(false));
        let waiter = {
            let (h, closing) = (Arc::clone(&h), Arc::clone(&closing));
            std::thread::spawn(move || wait(&h, &Cursor::new(0), &closing, u32::MAX))
        };
        std::thread::sleep(Duration::from_millis(50));
        closing.store(true, Ordering::SeqCst);
        wake_waiters(&h);
        assert_eq!(waiter.join().unwrap(), Err(ZincError::Closed));
    }

    #[test]
    fn spin_policy_values() {
        assert_eq!(SpinPolicy::parse("adaptive"), Some(SpinPolicy::Adaptive));
        assert_eq!(SpinPolicy::parse("never"), Some(SpinPolicy::Never));
        assert_eq!(SpinPolicy::parse("5000"), Some(SpinPolicy::Fixed(5000)));
        assert_eq!(SpinPolicy::parse("99999999999"), None);
        assert_eq!(SpinPolicy::parse("fast"), None);
    }

    #[test]
    fn adaptive_budget_stops_spinning_when_it_does_not_pay_and_comes_back() {
        let c = Cursor::new(0);
        for _ in 0..20 {
            adapt(&c, Duration::from_secs(1), true);
        }
        assert_eq!(c.spin_ns.load(Ordering::Relaxed), 0, "long waits stop the spinning");
        adapt(&c, Duration::from_micros(30), false);
        assert_eq!(c.spin_ns.load(Ordering::Relaxed), 0, "a short parked wait does not restart it");
        adapt(&c, Duration::from_micros(30), true);
        assert_eq!(c.spin_ns.load(Ordering::Relaxed), SPIN_MAX_NS, "a short wait restarts it at 2x");
        adapt(&c, Duration::from_secs(1), true);
        assert_eq!(c.spin_ns.load(Ordering::Relaxed), SPIN_MAX_NS / 2);
        adapt(&c, Duration::from_micros(5), true);
        assert_eq!(
            c.spin_ns.load(Ordering::Relaxed),
            SPIN_MAX_NS / 2,
            "a wait shorter than the budget keeps it"
        );
        adapt(&c, Duration::from_micros(20), true);
        assert_eq!(c.spin_ns.load(Ordering::Relaxed), 40_000, "grows toward 2x the wait");
        adapt(&c, Duration::from_micros(45), true);
        assert_eq!(c.spin_ns.load(Ordering::Relaxed), SPIN_MAX_NS, "capped");
        c.spin_ns.store(SPIN_MIN_NS, Ordering::Relaxed);
        adapt(&c, Duration::from_micros(30), true);
        assert_eq!(c.spin_ns.load(Ordering::Relaxed), 2 * SPIN_MIN_NS, "grows at most 2x per wait");
    }

    #[test]
    fn probes_back_off_while_they_find_nothing() {
        let c = Cursor::new(0);
        let due = |n: u32| (0..n).filter(|_| c.probe_due()).count();
        assert_eq!(due(PROBE_FIRST), 1, "one probe in the first {PROBE_FIRST} waits");
        c.probe_missed();
        assert_eq!(due(2 * PROBE_FIRST - 1), 0);
        assert_eq!(due(1), 1, "then one in twice as many");
        for _ in 0..20 {
            c.probe_missed();
        }
        assert_eq!(c.probe_every.load(Ordering::Relaxed), PROBE_MAX);
        c.spin_ns.store(0, Ordering::Relaxed);
        adapt(&c, Duration::from_micros(10), true);
        assert_eq!(c.probe_every.load(Ordering::Relaxed), PROBE_FIRST, "a short wait resets the back-off");
    }
}
