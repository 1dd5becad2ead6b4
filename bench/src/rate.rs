//! The notify-rate harness (also included by the iceoryx2 side binary through `#[path]`).
//!
//! The driver (CPU 0) notifies every `period` for `duration`; before each notification it
//! writes the time into a shared stamp table at the notification's index `k`. The waiter
//! (another process, CPU 1) blocks in its transport's wait; each time it returns it reads the
//! clock and the newest index `k` it can see, and records `now - stamp[j]` for every
//! notification `j` up to `k` it had not seen yet (a late waiter sees several notifications
//! coalesced into one wake-up; each of them was delivered only now). The waiter also measures its own CPU time (getrusage RUSAGE_SELF,
//! user + system) over its whole run, so a spinning waiter shows up as CPU %, not as latency.

#![allow(dead_code)]

use crate::util::{self, SharedMem, Stats};
use std::io;
use std::sync::atomic::Ordering;

/// The notifying side, built in the driver's process.
pub trait RateTx {
    /// Publishes notification `k` (1, 2, …): make `k` visible to the waiter, then signal.
    fn notify(&mut self, k: u64) -> io::Result<()>;
    /// Wakes the waiter one last time so it sees the stop flag.
    fn stop(&mut self) -> io::Result<()>;
}

/// The waiting side, built in the waiter's process.
pub trait RateRx {
    /// Blocks until a notification (or ~200 ms pass); returns the newest index it can see, or
    /// None on a timeout.
    fn wait(&mut self) -> io::Result<Option<u64>>;
}

pub type TxMaker<'a> = Box<dyn FnOnce() -> io::Result<Box<dyn RateTx>> + 'a>;
pub type RxMaker<'a> = Box<dyn FnOnce() -> io::Result<Box<dyn RateRx>> + 'a>;

/// One run at one rate.
pub struct RateRun {
    /// One-way latencies (ns) of the notifications the waiter saw.
    pub lat: Vec<u64>,
    /// Notifications sent.
    pub sent: u64,
    /// The waiter's CPU time over its run / its wall time, in percent of one CPU.
    pub cpu_pct: f64,
}

/// CPU time (user + system) of the calling process so far, in ns.
pub fn cpu_time_ns() -> u64 {
    // SAFETY: valid out pointer.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as u64 * 1_000_000_000 + t.tv_usec as u64 * 1_000;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// Sleeps (if far) then spins until CLOCK_MONOTONIC reaches `deadline` (ns): the driver keeps
/// its period without burning its CPU between slow notifications.
pub fn pace_until(deadline: u64) {
    let now = util::now_ns();
    if deadline > now + 200_000 {
        let wake = deadline - 100_000;
        let ts = libc::timespec { tv_sec: (wake / 1_000_000_000) as _, tv_nsec: (wake % 1_000_000_000) as _ };
        // SAFETY: valid timespec; absolute sleep on CLOCK_MONOTONIC.
        unsafe {
            libc::clock_nanosleep(libc::CLOCK_MONOTONIC, libc::TIMER_ABSTIME, &ts, std::ptr::null_mut())
        };
    }
    while util::now_ns() < deadline {
        std::hint::spin_loop();
    }
}

/// Sleeps `ns` (relative, CLOCK_MONOTONIC): polling loops that must not take a CPU from the
/// processes they wait for.
pub fn sleep_ns(ns: u64) {
    let ts = libc::timespec { tv_sec: (ns / 1_000_000_000) as _, tv_nsec: (ns % 1_000_000_000) as _ };
    // SAFETY: valid timespec; relative sleep.
    unsafe { libc::clock_nanosleep(libc::CLOCK_MONOTONIC, 0, &ts, std::ptr::null_mut()) };
}

/// Runs one rate: a notification every `period_ns` for `duration_ns`.
pub fn run(period_ns: u64, duration_ns: u64, tx: TxMaker<'_>, rx: RxMaker<'_>) -> io::Result<RateRun> {
    let n = (duration_ns / period_ns).max(1);
    // slots: 0 ready, 1 stop, 2 waiter cpu ns, 3 waiter wall ns, 4 samples written, 5 last k seen;
    // 16.. stamps[k] (k = 1..=n), then 16+n+1.. latencies.
    let cap = n as usize + 2;
    let ctl = SharedMem::new(8 * (16 + 2 * cap))?;
    let stamp = |k: u64| 16 + k as usize;
    let lat_slot = |i: usize| 16 + cap + i;
    let two = util::cpu_count() >= 2;
    let c = &ctl;
    let child = util::fork_child(two.then_some(util::PEER_CPU), move || {
        let mut w = rx()?;
        let cpu0 = cpu_time_ns();
        let t0 = util::now_ns();
        c.u64_at(0).store(1, Ordering::Release);
        let mut last = 0u64;
        let mut i = 0usize;
        let mut idle_since = util::now_ns();
        loop {
            let got = w.wait()?;
            let t = util::now_ns();
            if c.u64_at(1).load(Ordering::Acquire) != 0 {
                break;
            }
            match got {
                Some(k) if k > last && k <= n => {
                    // Every notification up to k was delivered now (a late waiter sees several
                    // coalesced into one wake-up: each of them waited until now).
                    for j in last + 1..=k {
                        let s = c.u64_at(stamp(j)).load(Ordering::Acquire);
                        if s != 0 && i < cap {
                            c.u64_at(lat_slot(i)).store(t.saturating_sub(s), Ordering::Relaxed);
                            i += 1;
                        }
                    }
                    last = k;
                    c.u64_at(5).store(k, Ordering::Release);
                    idle_since = t;
                }
                _ => {
                    if t - idle_since > 30_000_000_000 {
                        return Err(io::Error::other("rate: no notification for 30 s"));
                    }
                }
            }
        }
        c.u64_at(2).store(cpu_time_ns() - cpu0, Ordering::Relaxed);
        c.u64_at(3).store(util::now_ns() - t0, Ordering::Relaxed);
        c.u64_at(4).store(i as u64, Ordering::Release);
        Ok(())
    })?;
    if two {
        util::pin_to_cpu(util::DRIVER_CPU);
    }
    let res = (|| -> io::Result<()> {
        let mut d = tx()?;
        if !util::spin_until(|| c.u64_at(0).load(Ordering::Acquire) == 1, 20_000_000_000) {
            return Err(io::Error::other("rate: waiter never became ready"));
        }
        // Let the waiter settle into its wait (park, or whatever its policy does when idle).
        pace_until(util::now_ns() + 10_000_000);
        let start = util::now_ns();
        for k in 1..=n {
            pace_until(start + k * period_ns);
            c.u64_at(stamp(k)).store(util::now_ns(), Ordering::Release);
            d.notify(k)?;
        }
        // Give the waiter time to see the last one, then stop it.
        let end = util::now_ns() + 2_000_000_000;
        while c.u64_at(5).load(Ordering::Acquire) != n && util::now_ns() < end {
            sleep_ns(1_000_000);
        }
        c.u64_at(1).store(1, Ordering::Release);
        d.stop()
    })();
    util::unpin();
    util::settle(child, res)?;
    let k = ctl.u64_at(4).load(Ordering::Acquire) as usize;
    let lat = (0..k).map(|i| ctl.u64_at(lat_slot(i)).load(Ordering::Relaxed)).collect();
    let wall = ctl.u64_at(3).load(Ordering::Relaxed).max(1);
    Ok(RateRun { lat, sent: n, cpu_pct: 100.0 * ctl.u64_at(2).load(Ordering::Relaxed) as f64 / wall as f64 })
}

/// Several runs at one rate, merged: latency distribution over all, each round's median and
/// CPU % for the spread.
pub struct RateCell {
    pub period_ns: u64,
    pub lat: Stats,
    pub round_p50: Vec<u64>,
    pub round_cpu_pct: Vec<f64>,
    pub sent: u64,
}

impl RateCell {
    pub fn merge(period_ns: u64, runs: Vec<RateRun>) -> RateCell {
        let mut all = Vec::new();
        let mut p50 = Vec::new();
        let mut cpu = Vec::new();
        let mut sent = 0;
        for r in runs {
            p50.push(Stats::from_samples(r.lat.clone()).p50);
            cpu.push(r.cpu_pct);
            sent += r.sent;
            all.extend(r.lat);
        }
        RateCell { period_ns, lat: Stats::from_samples(all), round_p50: p50, round_cpu_pct: cpu, sent }
    }

    /// Median of the rounds' CPU %.
    pub fn cpu_pct(&self) -> f64 {
        util::median(&self.round_cpu_pct)
    }

    pub fn to_json(&self, key: &str, label: &str) -> String {
        let p50: Vec<String> = self.round_p50.iter().map(|x| x.to_string()).collect();
        let cpu: Vec<String> = self.round_cpu_pct.iter().map(|x| format!("{x:.2}")).collect();
        format!(
            "{{\"key\":{},\"label\":{},\"period_ns\":{},\"sent\":{},\"n\":{},\"mean\":{:.1},\"p50\":{},\"p99\":{},\"p999\":{},\"max\":{},\"round_p50\":[{}],\"round_cpu_pct\":[{}],\"cpu_pct\":{:.2}}}",
            util::jstr(key),
            util::jstr(label),
            self.period_ns,
            self.sent,
            self.lat.n,
            self.lat.mean,
            self.lat.p50,
            self.lat.p99,
            self.lat.p999,
            self.lat.max,
            p50.join(","),
            cpu.join(","),
            self.cpu_pct()
        )
    }
}

/// Rounds and per-round duration for a period: about `budget_ns` per cell in all, at least
/// 12 notifications per round.
pub fn plan(period_ns: u64, budget_ns: u64, rounds: usize) -> (usize, u64) {
    let per = (budget_ns / rounds as u64).max(12 * period_ns);
    (rounds, per)
}
