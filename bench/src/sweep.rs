//! Notify-rate sweep with the waiter's CPU: one notification every 10 µs … 100 ms, one-way
//! latency and the waiting process's CPU % (see [`crate::rate`]) for Zinc (under the process's
//! `ZINC_SPIN` policy), a raw futex and a Unix socket. iceoryx2's event service runs through the
//! same harness in the side binary.

use crate::latency::{read_exact, socketpair, write_all, zerr};
use crate::rate::{self, RateCell, RateRx, RateTx, RxMaker, TxMaker};
use crate::util::{futex_wait, futex_wake, SharedMem};
use std::io;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use zinc_core::{SharedRegion, ZincError};

/// The notification periods of the sweep.
pub const PERIODS_NS: [u64; 6] = [10_000, 40_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waiter {
    /// Zinc under this process's spin policy (`adaptive` by default; the `never` rows come from
    /// a second process started with `ZINC_SPIN=never`).
    Zinc,
    Futex,
    UnixSocket,
}

impl Waiter {
    pub const ALL: [Waiter; 3] = [Waiter::Zinc, Waiter::Futex, Waiter::UnixSocket];

    pub fn key(self) -> &'static str {
        match (self, zinc_core::SpinPolicy::current()) {
            (Waiter::Zinc, zinc_core::SpinPolicy::Never) => "zinc_never",
            (Waiter::Zinc, zinc_core::SpinPolicy::Fixed(_)) => "zinc_fixed",
            (Waiter::Zinc, _) => "zinc",
            (Waiter::Futex, _) => "futex",
            (Waiter::UnixSocket, _) => "unix_socket",
        }
    }

    pub fn label(self) -> String {
        match self {
            Waiter::Zinc => format!("Zinc, ZINC_SPIN={}", policy_name()),
            Waiter::Futex => "raw futex (FUTEX_WAIT / FUTEX_WAKE)".into(),
            Waiter::UnixSocket => "Unix socket (stream), blocking read".into(),
        }
    }
}

/// The process's spin policy as `ZINC_SPIN` spells it.
pub fn policy_name() -> String {
    match zinc_core::SpinPolicy::current() {
        zinc_core::SpinPolicy::Adaptive => "adaptive".into(),
        zinc_core::SpinPolicy::Never => "never".into(),
        zinc_core::SpinPolicy::Fixed(ns) => ns.to_string(),
    }
}

/// One cell: `rounds` runs of `round_ns` each at one period.
pub fn measure(w: Waiter, period_ns: u64, rounds: usize, round_ns: u64, tag: &str) -> io::Result<RateCell> {
    let mut runs = Vec::new();
    for r in 0..rounds {
        runs.push(measure_once(w, period_ns, round_ns, &format!("{tag}_{r}"))?);
    }
    Ok(RateCell::merge(period_ns, runs))
}

fn measure_once(w: Waiter, period_ns: u64, duration_ns: u64, tag: &str) -> io::Result<rate::RateRun> {
    match w {
        Waiter::Zinc => {
            let name = format!("zbench_{}_{}_rate", std::process::id(), tag);
            let region = SharedRegion::create(&name, 4096).map_err(zerr)?;
            let n2 = name.clone();
            let tx: TxMaker<'_> = Box::new(move || Ok(Box::new(ZincTx { r: region }) as Box<dyn RateTx>));
            let rx: RxMaker<'_> = Box::new(move || {
                let r = SharedRegion::open(&n2).map_err(zerr)?;
                Ok(Box::new(ZincRx { r }) as Box<dyn RateRx>)
            });
            rate::run(period_ns, duration_ns, tx, rx)
        }
        Waiter::Futex => {
            let mem = Arc::new(SharedMem::new(4096)?);
            let m2 = mem.clone();
            let tx: TxMaker<'_> = Box::new(move || Ok(Box::new(FutexTx { mem }) as Box<dyn RateTx>));
            let rx: RxMaker<'_> = Box::new(move || Ok(Box::new(FutexRx { mem: m2 }) as Box<dyn RateRx>));
            rate::run(period_ns, duration_ns, tx, rx)
        }
        Waiter::UnixSocket => {
            let (a, b) = socketpair()?;
            let tx: TxMaker<'_> = Box::new(move || Ok(Box::new(SockTx { fd: a }) as Box<dyn RateTx>));
            let rx: RxMaker<'_> = Box::new(move || Ok(Box::new(SockRx { fd: b }) as Box<dyn RateRx>));
            rate::run(period_ns, duration_ns, tx, rx)
        }
    }
}

fn seq_slot(r: &SharedRegion) -> &AtomicU64 {
    // SAFETY: the data area is page-aligned and at least 4096 bytes.
    unsafe { &*(r.as_ptr() as *const AtomicU64) }
}

struct ZincTx {
    r: SharedRegion,
}

impl RateTx for ZincTx {
    fn notify(&mut self, k: u64) -> io::Result<()> {
        seq_slot(&self.r).store(k, Ordering::Release);
        self.r.notify();
        Ok(())
    }
    fn stop(&mut self) -> io::Result<()> {
        self.r.notify();
        Ok(())
    }
}

struct ZincRx {
    r: SharedRegion,
}

impl RateRx for ZincRx {
    fn wait(&mut self) -> io::Result<Option<u64>> {
        match self.r.wait(200) {
            Ok(()) => Ok(Some(seq_slot(&self.r).load(Ordering::Acquire))),
            Err(ZincError::TimedOut) => Ok(None),
            Err(e) => Err(zerr(e)),
        }
    }
}

struct FutexTx {
    mem: Arc<SharedMem>,
}

impl RateTx for FutexTx {
    fn notify(&mut self, k: u64) -> io::Result<()> {
        let w = self.mem.u32_at(0);
        w.store(k as u32, Ordering::SeqCst);
        futex_wake(w);
        Ok(())
    }
    fn stop(&mut self) -> io::Result<()> {
        let w = self.mem.u32_at(0);
        w.fetch_add(1, Ordering::SeqCst);
        futex_wake(w);
        Ok(())
    }
}

struct FutexRx {
    mem: Arc<SharedMem>,
}

impl RateRx for FutexRx {
    fn wait(&mut self) -> io::Result<Option<u64>> {
        let w = self.mem.u32_at(0);
        let last = self.mem.u32_at(1);
        let seen = last.load(Ordering::Relaxed);
        let v = w.load(Ordering::SeqCst);
        if v != seen {
            last.store(v, Ordering::Relaxed);
            return Ok(Some(v as u64));
        }
        futex_wait(w, v, 200_000_000);
        let v = w.load(Ordering::SeqCst);
        if v != seen {
            last.store(v, Ordering::Relaxed);
            Ok(Some(v as u64))
        } else {
            Ok(None)
        }
    }
}

struct SockTx {
    fd: OwnedFd,
}

impl RateTx for SockTx {
    fn notify(&mut self, k: u64) -> io::Result<()> {
        write_all(&self.fd, &k.to_ne_bytes())
    }
    fn stop(&mut self) -> io::Result<()> {
        write_all(&self.fd, &u64::MAX.to_ne_bytes())
    }
}

struct SockRx {
    fd: OwnedFd,
}

impl RateRx for SockRx {
    fn wait(&mut self) -> io::Result<Option<u64>> {
        let mut b = [0u8; 8];
        read_exact(&self.fd, &mut b)?;
        Ok(Some(u64::from_ne_bytes(b)))
    }
}
