//! Fan-out: one notify wakes N waiter processes (N = 1, 4, 16, 64). Each waiter records the
//! CLOCK_MONOTONIC time at which its wait returned; a round's figure is the time from the
//! driver's stamp (taken right before it signals) to the LAST waiter's wake. Zinc (one region,
//! every waiter with its own handle) against a raw futex wake-all on one shared word.
//!
//! Waiter i is pinned to CPU (1 + i) mod CPUs and the driver to CPU 0, so both transports see
//! the same placement (left to the scheduler, where a lone waiter happened to sleep decided the
//! result by several µs).
//!
//! Before each round the driver waits until every waiter has announced it is about to wait,
//! then lets them settle for `SETTLE_NS` (long enough that any spin phase is over and every
//! waiter sleeps in the kernel), so both transports wake the same number of sleepers.

use crate::latency::zerr;
use crate::rate::{pace_until, sleep_ns};
use crate::util::{self, SharedMem};
use crate::util::{futex_wait, futex_wake};
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use zinc_core::{SharedRegion, ZincError};

pub const WAITERS: [usize; 4] = [1, 4, 16, 64];
/// Idle time between "everyone is about to wait" and the notification.
pub const SETTLE_NS: u64 = 5_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Zinc under this process's `ZINC_SPIN` policy.
    Zinc,
    Futex,
}

pub struct Fanout {
    pub waiters: usize,
    /// Notify → last waiter awake, per round (ns).
    pub last_ns: Vec<u64>,
    /// Notify → first waiter awake, per round (ns).
    pub first_ns: Vec<u64>,
}

impl Fanout {
    pub fn median_last(&self) -> f64 {
        util::median(&self.last_ns.iter().map(|&x| x as f64).collect::<Vec<_>>())
    }
    pub fn to_json(&self, key: &str, label: &str) -> String {
        let j = |v: &[u64]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",");
        format!(
            "{{\"key\":{},\"label\":{},\"waiters\":{},\"last_ns\":[{}],\"first_ns\":[{}]}}",
            util::jstr(key),
            util::jstr(label),
            self.waiters,
            j(&self.last_ns),
            j(&self.first_ns)
        )
    }
}

/// `rounds` measured rounds (after one warm-up) with `n` waiter processes.
pub fn measure(kind: Kind, n: usize, rounds: usize, tag: &str) -> io::Result<Fanout> {
    let total = rounds + 1;
    // ctl slots: 0..total ready counts, total..2*total done counts, then wake[r * n + i];
    // slot 2*total + n*total: the futex word (a u32 on its own line).
    let wake_base = 2 * total;
    let word_slot = wake_base + n * total + 8;
    let ctl = SharedMem::new(8 * (word_slot + 16))?;
    let region = match kind {
        Kind::Zinc => {
            let name = format!("zbench_{}_{}_fan{}", std::process::id(), tag, n);
            Some((SharedRegion::create(&name, 4096).map_err(zerr)?, name))
        }
        Kind::Futex => None,
    };
    let c = &ctl;
    let word = ctl.u32_at(word_slot * 2);
    let mut kids = Vec::new();
    let spawn = (|| -> io::Result<()> {
        for i in 0..n {
            let rname = region.as_ref().map(|(_, nm)| nm.clone());
            let cpu = (util::cpu_count() >= 2).then(|| (util::PEER_CPU + i) % util::cpu_count());
            let pid = util::fork_child(cpu, move || {
                let r = match &rname {
                    Some(nm) => Some(SharedRegion::open(nm).map_err(zerr)?),
                    None => None,
                };
                for round in 0..total {
                    let target = round as u64 + 1;
                    c.u64_at(round).fetch_add(1, Ordering::SeqCst);
                    let start = util::now_ns();
                    loop {
                        let seen = match &r {
                            Some(r) => round_slot(r).load(Ordering::Acquire),
                            None => word.load(Ordering::SeqCst) as u64,
                        };
                        if seen >= target {
                            break;
                        }
                        match &r {
                            Some(r) => match r.wait(1000) {
                                Ok(()) | Err(ZincError::TimedOut) => {}
                                Err(e) => return Err(zerr(e)),
                            },
                            None => futex_wait(word, seen as u32, 1_000_000_000),
                        }
                        if util::now_ns() - start > 60_000_000_000 {
                            return Err(io::Error::other("fan-out: no wake-up for 60 s"));
                        }
                    }
                    c.u64_at(wake_base + round * n + i).store(util::now_ns(), Ordering::Relaxed);
                    c.u64_at(total + round).fetch_add(1, Ordering::SeqCst);
                }
                drop(r);
                Ok(())
            })?;
            kids.push(pid);
        }
        Ok(())
    })();
    if let Err(e) = spawn {
        for k in kids {
            util::kill_child(k);
        }
        return Err(e);
    }
    if util::cpu_count() >= 2 {
        util::pin_to_cpu(util::DRIVER_CPU);
    }
    let res = (|| -> io::Result<Fanout> {
        let mut out = Fanout { waiters: n, last_ns: vec![], first_ns: vec![] };
        for round in 0..total {
            let deadline = util::now_ns() + 30_000_000_000;
            while c.u64_at(round).load(Ordering::SeqCst) < n as u64 {
                if util::now_ns() > deadline {
                    return Err(io::Error::other("fan-out: waiters never became ready"));
                }
                sleep_ns(100_000);
            }
            pace_until(util::now_ns() + SETTLE_NS);
            let t0 = util::now_ns();
            match &region {
                Some((r, _)) => {
                    round_slot(r).store(round as u64 + 1, Ordering::Release);
                    r.notify();
                }
                None => {
                    word.store(round as u32 + 1, Ordering::SeqCst);
                    futex_wake(word);
                }
            }
            let deadline = util::now_ns() + 30_000_000_000;
            while c.u64_at(total + round).load(Ordering::SeqCst) < n as u64 {
                if util::now_ns() > deadline {
                    return Err(io::Error::other("fan-out: not every waiter woke within 30 s"));
                }
                sleep_ns(50_000);
            }
            let wakes: Vec<u64> =
                (0..n).map(|i| c.u64_at(wake_base + round * n + i).load(Ordering::Relaxed)).collect();
            if round > 0 {
                out.last_ns.push(wakes.iter().max().unwrap().saturating_sub(t0));
                out.first_ns.push(wakes.iter().min().unwrap().saturating_sub(t0));
            }
        }
        Ok(out)
    })();
    util::unpin();
    let mut res = res;
    for k in kids {
        res = util::settle(k, res);
    }
    drop(region);
    res
}

fn round_slot(r: &SharedRegion) -> &AtomicU64 {
    // SAFETY: the data area is page-aligned and at least 4096 bytes.
    unsafe { &*(r.as_ptr() as *const AtomicU64) }
}
