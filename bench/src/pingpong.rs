//! The one-way latency harness, shared by every transport (also included by the iceoryx2 side
//! binary through `#[path]`).
//!
//! Two processes, the driver pinned to CPU 0 and the peer pinned to CPU 1. For every sample the
//! driver reads CLOCK_MONOTONIC, sends that timestamp through the transport (in the message, or
//! in shared memory right before the signal), and the peer reads the clock again as soon as its
//! wait returns: `one_way = t_peer - t_driver`. CLOCK_MONOTONIC is one clock for the whole
//! machine, so this is a true one-way figure, not half of a round trip. The peer then answers
//! through the same transport (the "pong"), which paces the driver: the next ping only leaves
//! once the peer is back in its wait. The driver also records the round trip, reported as
//! RTT/2 as a cross-check of the one-way figure.

#![allow(dead_code)]

use crate::util::{self, SharedMem, Stats};
use std::io;
use std::sync::atomic::Ordering;

/// One side of a transport, built in its own process after the fork.
pub trait Endpoint {
    /// Hook run before the driver stamps a ping (e.g. "wait until the peer is parked").
    fn before_send(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// Sends one message that carries `stamp`.
    fn send(&mut self, stamp: u64) -> io::Result<()>;
    /// Blocks until a message arrives; returns the stamp it carries.
    fn recv(&mut self) -> io::Result<u64>;
}

/// What a run produced.
pub struct PingPong {
    pub one_way: Stats,
    pub rtt_half: Stats,
    /// The one-way median of each round (one entry per separate run of the harness).
    pub round_p50: Vec<u64>,
    /// The raw one-way samples (kept so rounds can be merged).
    pub one_way_raw: Vec<u64>,
    /// The raw RTT/2 samples.
    pub rtt_raw: Vec<u64>,
}

impl PingPong {
    /// Merges separate runs (rounds) of the same transport into one distribution, keeping each
    /// round's median for the spread.
    pub fn merge(rounds: Vec<PingPong>) -> PingPong {
        let mut ow = Vec::new();
        let mut rt = Vec::new();
        let mut p50 = Vec::new();
        for r in rounds {
            p50.push(r.one_way.p50);
            ow.extend_from_slice(&r.one_way_raw);
            rt.extend_from_slice(&r.rtt_raw);
        }
        PingPong {
            one_way: Stats::from_samples(ow.clone()),
            rtt_half: Stats::from_samples(rt.clone()),
            round_p50: p50,
            one_way_raw: ow,
            rtt_raw: rt,
        }
    }
}

pub type Maker<'a> = Box<dyn FnOnce() -> io::Result<Box<dyn Endpoint>> + 'a>;

/// Runs `warmup + samples` ping-pongs; the first `warmup` are discarded.
/// `hog_cpu`: also run a third process that spins on that CPU for the whole measurement.
pub fn run(
    samples: usize,
    warmup: usize,
    driver: Maker<'_>,
    peer: Maker<'_>,
    hog_cpu: Option<usize>,
) -> io::Result<PingPong> {
    let total = samples + warmup;
    // slot 0: peer ready flag; then one u64 per sample.
    let shared = SharedMem::new(8 * (total + 8))?;
    let two_cpus = util::cpu_count() >= 2;
    let hog = match hog_cpu {
        Some(c) => Some(util::spawn_hog(two_cpus.then_some(c))?),
        None => None,
    };
    let sh = &shared;
    let child = util::fork_child(two_cpus.then_some(util::PEER_CPU), move || {
        let mut b = peer()?;
        sh.u64_at(0).store(1, Ordering::Release);
        for i in 0..total {
            let stamp = b.recv()?;
            let t1 = util::now_ns();
            sh.u64_at(8 + i).store(t1.wrapping_sub(stamp), Ordering::Relaxed);
            b.send(0)?;
        }
        Ok(())
    });
    let child = match child {
        Ok(c) => c,
        Err(e) => {
            if let Some(h) = hog {
                util::kill_child(h);
            }
            return Err(e);
        }
    };
    if two_cpus {
        util::pin_to_cpu(util::DRIVER_CPU);
    }
    let result = (|| -> io::Result<Vec<u64>> {
        let mut a = driver()?;
        if !util::spin_until(|| sh.u64_at(0).load(Ordering::Acquire) == 1, 20_000_000_000) {
            return Err(io::Error::other("peer never became ready"));
        }
        let mut rtt = Vec::with_capacity(total);
        for _ in 0..total {
            a.before_send()?;
            let t0 = util::now_ns();
            a.send(t0)?;
            a.recv()?;
            rtt.push((util::now_ns() - t0) / 2);
        }
        Ok(rtt)
    })();
    util::unpin();
    if let Some(h) = hog {
        util::kill_child(h);
    }
    let rtt = util::settle(child, result)?;
    let one_way: Vec<u64> = (warmup..total).map(|i| shared.u64_at(8 + i).load(Ordering::Relaxed)).collect();
    let one_way_stats = Stats::from_samples(one_way.clone());
    Ok(PingPong {
        round_p50: vec![one_way_stats.p50],
        one_way: one_way_stats,
        rtt_half: Stats::from_samples(rtt[warmup..].to_vec()),
        one_way_raw: one_way,
        rtt_raw: rtt[warmup..].to_vec(),
    })
}

/// The physical floor: two cache lines in shared memory, one per direction, each holding a
/// sequence number and a stamp; the receiver spins on the sequence number.
pub struct SpinLine {
    mem: std::sync::Arc<SharedMem>,
    tx: usize,
    rx: usize,
    /// u64 slots between a sequence number and its stamp (1: same cache line).
    stamp_off: usize,
    sent: u64,
    seen: u64,
}

impl SpinLine {
    /// Two ends over one shared page. `separate_payload`: the stamp lives on its own cache
    /// line (as a Zinc payload does: the data area is not the header's line), so the receiver
    /// takes two line transfers instead of one.
    pub fn pair(separate_payload: bool) -> io::Result<(std::sync::Arc<SharedMem>, SpinLine, SpinLine)> {
        let mem = std::sync::Arc::new(SharedMem::new(4096)?);
        // driver -> peer: seq in slot 0; peer -> driver: seq in slot 8 (next line);
        // stamps right after the seq, or 32 slots (4 lines) further.
        let stamp_off = if separate_payload { 32 } else { 1 };
        let a = SpinLine { mem: mem.clone(), tx: 0, rx: 8, stamp_off, sent: 0, seen: 0 };
        let b = SpinLine { mem: mem.clone(), tx: 8, rx: 0, stamp_off, sent: 0, seen: 0 };
        Ok((mem, a, b))
    }
}

impl Endpoint for SpinLine {
    fn send(&mut self, stamp: u64) -> io::Result<()> {
        self.sent += 1;
        self.mem.u64_at(self.tx + self.stamp_off).store(stamp, Ordering::Relaxed);
        self.mem.u64_at(self.tx).store(self.sent, Ordering::Release);
        Ok(())
    }
    fn recv(&mut self) -> io::Result<u64> {
        let seq = self.mem.u64_at(self.rx);
        let want = self.seen;
        if !util::spin_until(|| seq.load(Ordering::Acquire) != want, 10_000_000_000) {
            return Err(io::Error::other("spin ping-pong: peer silent for 10 s"));
        }
        self.seen = seq.load(Ordering::Acquire);
        Ok(self.mem.u64_at(self.rx + self.stamp_off).load(Ordering::Relaxed))
    }
}
