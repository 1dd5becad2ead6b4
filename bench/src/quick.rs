//! `zinc bench --quick [--json]`: a sub-minute taste of the full suite, run by the CLI.
//!
//! notify → wait one-way latency for Zinc (waiter awake) and a Unix socket, the 100 MiB
//! handoff for both, one notify → 16 waiter processes (time until the last is awake) for Zinc
//! and a raw futex wake-all, and the waiter's CPU % when notified every 40 µs (Zinc under the
//! process's `ZINC_SPIN` policy vs a raw futex waiter). Peers are forked from the calling process, so no other binary is needed;
//! the caller must be single-threaded (the `zinc` CLI is).

use crate::util::jstr;
use crate::{fanout, handoff, latency, sweep};
use std::io;

/// Samples per latency figure (after `QUICK_WARMUP`).
pub const QUICK_SAMPLES: usize = 50_000;
pub const QUICK_WARMUP: usize = 5_000;
/// Rounds of the 100 MiB handoff (after one warm-up).
pub const QUICK_ROUNDS: usize = 3;
/// Rounds of the 16-waiter fan-out (after one warm-up).
pub const QUICK_FANOUT_ROUNDS: usize = 5;
/// How long the waiter is notified every 40 µs for its CPU %.
pub const QUICK_RATE_NS: u64 = 1_000_000_000;

/// Runs the quick benchmark and renders it as text, or as JSON:
/// `{"notify_wait_ns":{"p50":…,"p99":…},"unix_socket_ns":{"p50":…,"p99":…},
///   "handoff_100mb_ms":{"zinc":…,"unix_socket":…}, "fanout_16_us":{"zinc":…,"futex":…},
///   "waiter_cpu_pct_at_40us":{"zinc":…,"futex":…}, …}`.
pub fn quick_report(json: bool) -> io::Result<String> {
    let tag = "quick";
    let zinc = latency::measure(latency::Method::ZincAwake, QUICK_SAMPLES, QUICK_WARMUP, tag)?.one_way;
    let sock = latency::measure(latency::Method::UnixSocket, QUICK_SAMPLES, QUICK_WARMUP, tag)?.one_way;
    let size = 100 * handoff::MIB;
    let hz =
        handoff::medians(&handoff::measure(handoff::Method::Zinc, size, QUICK_ROUNDS, tag)?).total_s * 1e3;
    let hs = handoff::medians(&handoff::measure(handoff::Method::UnixSocket, size, QUICK_ROUNDS, tag)?)
        .total_s
        * 1e3;
    let fz = fanout::measure(fanout::Kind::Zinc, 16, QUICK_FANOUT_ROUNDS, tag)?.median_last() / 1e3;
    let ff = fanout::measure(fanout::Kind::Futex, 16, QUICK_FANOUT_ROUNDS, tag)?.median_last() / 1e3;
    let cz = sweep::measure(sweep::Waiter::Zinc, 40_000, 1, QUICK_RATE_NS, tag)?.cpu_pct();
    let cf = sweep::measure(sweep::Waiter::Futex, 40_000, 1, QUICK_RATE_NS, tag)?.cpu_pct();
    let policy = sweep::policy_name();
    let cpus = crate::util::cpu_count();
    if json {
        return Ok(format!(
            "{{\"notify_wait_ns\":{{\"p50\":{},\"p99\":{}}},\"unix_socket_ns\":{{\"p50\":{},\"p99\":{}}},\
\"handoff_100mb_ms\":{{\"zinc\":{:.3},\"unix_socket\":{:.3}}},\
\"fanout_16_us\":{{\"zinc\":{:.1},\"futex\":{:.1}}},\"waiter_cpu_pct_at_40us\":{{\"zinc\":{:.2},\"futex\":{:.2}}},\
\"zinc_spin\":{},\"samples\":{},\"handoff_bytes\":{},\"cpus\":{},\"method\":{}}}",
            zinc.p50,
            zinc.p99,
            sock.p50,
            sock.p99,
            hz,
            hs,
            fz,
            ff,
            cz,
            cf,
            jstr(&policy),
            QUICK_SAMPLES,
            size,
            cpus,
            jstr("one-way on the shared CLOCK_MONOTONIC, processes pinned to CPUs 0 and 1; handoff = writer fill + transfer + reader pass over every byte, median")
        ));
    }
    let mut s = String::new();
    s.push_str(&format!(
        "zinc bench --quick ({QUICK_SAMPLES} samples, {cpus} CPUs; one-way latency on the shared clock)\n"
    ));
    s.push_str(&format!("  {:<28} {:>10} {:>10} {:>10}\n", "notify -> wait", "p50", "p99", "max"));
    s.push_str(&format!(
        "  {:<28} {:>8}ns {:>8}ns {:>8}ns\n",
        "Zinc (waiter awake)", zinc.p50, zinc.p99, zinc.max
    ));
    s.push_str(&format!("  {:<28} {:>8}ns {:>8}ns {:>8}ns\n", "Unix socket", sock.p50, sock.p99, sock.max));
    s.push_str(&format!(
        "  p50 ratio: Unix socket / Zinc = {:.1}x\n",
        sock.p50 as f64 / zinc.p50.max(1) as f64
    ));
    s.push_str("  100 MiB handoff (fill + hand over + read every byte, median)\n");
    s.push_str(&format!("  {:<28} {:>8.2}ms ({:.1} GB/s)\n", "Zinc", hz, size as f64 / hz / 1e6));
    s.push_str(&format!("  {:<28} {:>8.2}ms ({:.1} GB/s)\n", "Unix socket", hs, size as f64 / hs / 1e6));
    s.push_str(&format!("  ratio: Unix socket / Zinc = {:.1}x\n", hs / hz));
    s.push_str("  one notify -> 16 waiter processes, until the last is awake (median)\n");
    s.push_str(&format!("  {:<28} {:>8.1}us\n", format!("Zinc (ZINC_SPIN={policy})"), fz));
    s.push_str(&format!("  {:<28} {:>8.1}us  (Zinc / futex = {:.2}x)\n", "raw futex wake-all", ff, fz / ff));
    s.push_str("  waiter CPU when notified every 40 us (user + system time / wall time)\n");
    s.push_str(&format!("  {:<28} {:>8.1}%\n", format!("Zinc (ZINC_SPIN={policy})"), cz));
    s.push_str(&format!("  {:<28} {:>8.1}%\n", "raw futex", cf));
    Ok(s)
}
