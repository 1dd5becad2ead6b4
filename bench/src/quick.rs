//! `zinc bench --quick [--json]`: a sub-minute taste of the full suite, run by the CLI.
//!
//! notify → wait one-way latency for Zinc (waiter awake) and a Unix socket, and the 100 MiB
//! handoff for both. Peers are forked from the calling process, so no other binary is needed;
//! the caller must be single-threaded (the `zinc` CLI is).

use crate::util::jstr;
use crate::{handoff, latency};
use std::io;

/// Samples per latency figure (after `QUICK_WARMUP`).
pub const QUICK_SAMPLES: usize = 50_000;
pub const QUICK_WARMUP: usize = 5_000;
/// Rounds of the 100 MiB handoff (after one warm-up).
pub const QUICK_ROUNDS: usize = 3;

/// Runs the quick benchmark and renders it as text, or as JSON:
/// `{"notify_wait_ns":{"p50":…,"p99":…},"unix_socket_ns":{"p50":…,"p99":…},
///   "handoff_100mb_ms":{"zinc":…,"unix_socket":…}, …}`.
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
    let cpus = crate::util::cpu_count();
    if json {
        return Ok(format!(
            "{{\"notify_wait_ns\":{{\"p50\":{},\"p99\":{}}},\"unix_socket_ns\":{{\"p50\":{},\"p99\":{}}},\
\"handoff_100mb_ms\":{{\"zinc\":{:.3},\"unix_socket\":{:.3}}},\"samples\":{},\"handoff_bytes\":{},\"cpus\":{},\"method\":{}}}",
            zinc.p50,
            zinc.p99,
            sock.p50,
            sock.p99,
            hz,
            hs,
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
    Ok(s)
}
