//! `zinc-bench`: runs the benchmark suite and writes JSON for `bench/report.py`.
//!
//! ```text
//! zinc-bench all --out DIR [--smoke]     latency, handoff, setup, overhead -> DIR/zinc.json
//! zinc-bench quick [--json]              what `zinc bench --quick` prints
//! ```

use std::io::{self, Write};
use zinc_bench::util::{self, jstr};
use zinc_bench::{handoff, latency, overhead, quick, setup};

struct Plan {
    samples: usize,
    warmup: usize,
    sizes: Vec<usize>,
    rounds: Option<usize>,
    setup_caps: Vec<usize>,
    setup_reps: usize,
    overhead_iters: u64,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let res = match args.first().map(String::as_str) {
        Some("all") => all(&args[1..]),
        Some("latency") => one_latency(&args[1..]),
        Some("quick") => quick::quick_report(args.iter().any(|a| a == "--json")).map(|s| print!("{s}")),
        _ => {
            eprintln!("usage: zinc-bench all --out DIR [--smoke] | zinc-bench quick [--json] | zinc-bench latency KEY [SAMPLES]");
            std::process::exit(2);
        }
    };
    if let Err(e) = res {
        eprintln!("zinc-bench: {e}");
        std::process::exit(1);
    }
}

fn log(msg: &str) {
    eprintln!(
        "[zinc-bench {:>7.1}s] {msg}",
        START.get_or_init(std::time::Instant::now).elapsed().as_secs_f64()
    );
}
static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

fn all(args: &[String]) -> io::Result<()> {
    START.get_or_init(std::time::Instant::now);
    let smoke = args.iter().any(|a| a == "--smoke");
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .ok_or_else(|| io::Error::other("--out DIR is required"))?;
    std::fs::create_dir_all(out)?;
    let mib = handoff::MIB;
    let plan = if smoke {
        Plan {
            samples: 2_000,
            warmup: 200,
            sizes: vec![mib, 16 * mib],
            rounds: Some(2),
            setup_caps: vec![4096, mib],
            setup_reps: 2,
            overhead_iters: 100_000,
        }
    } else {
        Plan {
            samples: 100_000,
            warmup: 10_000,
            sizes: vec![mib, 16 * mib, 100 * mib, 1024 * mib],
            rounds: None,
            setup_caps: vec![4096, mib, 16 * mib, 100 * mib, 1024 * mib],
            setup_reps: 5,
            overhead_iters: 5_000_000,
        }
    };
    let tag = if smoke { "smoke" } else { "full" };

    let mut lat = Vec::new();
    for m in latency::Method::ALL {
        log(&format!("latency: {} ({} samples)", m.label(), plan.samples));
        let r = latency::measure(m, plan.samples, plan.warmup, tag)?;
        log(&format!(
            "  one-way p50 {} ns, p99 {} ns, max {} ns; RTT/2 p50 {} ns",
            r.one_way.p50, r.one_way.p99, r.one_way.max, r.rtt_half.p50
        ));
        lat.push(format!(
            "{{\"key\":{},\"label\":{},\"note\":{},\"one_way\":{},\"rtt_half\":{}}}",
            jstr(m.key()),
            jstr(m.label()),
            jstr(m.note()),
            r.one_way.to_json(),
            r.rtt_half.to_json()
        ));
    }

    let mut hand = Vec::new();
    for &size in &plan.sizes {
        let rounds = plan.rounds.unwrap_or_else(|| handoff::rounds_for(size));
        for m in handoff::Method::ALL {
            log(&format!("handoff: {} MiB via {} ({} rounds)", size / mib, m.label(), rounds));
            let t = handoff::measure(m, size, rounds, tag)?;
            let med = handoff::medians(&t);
            log(&format!(
                "  median {:.3} ms = {:.2} GB/s (fill {:.3} ms, transfer/wake {:.3} ms, read {:.3} ms)",
                med.total_s * 1e3,
                size as f64 / med.total_s / 1e9,
                med.fill_s * 1e3,
                med.transfer_s * 1e3,
                med.read_s * 1e3
            ));
            let ts: Vec<String> = t.iter().map(|x| format!("{:.6}", x.total_s)).collect();
            hand.push(format!(
                "{{\"key\":{},\"label\":{},\"size\":{},\"times_s\":[{}],\"median_phases_s\":{{\"fill\":{:.6},\"transfer\":{:.6},\"read\":{:.6}}}}}",
                jstr(m.key()),
                jstr(m.label()),
                size,
                ts.join(","),
                med.fill_s,
                med.transfer_s,
                med.read_s
            ));
        }
    }

    let mut set = Vec::new();
    for &cap in &plan.setup_caps {
        log(&format!("setup: capacity {cap}"));
        let row = setup::measure(cap, if cap >= 1024 * mib { 3 } else { plan.setup_reps }, tag)?;
        set.push(row.to_json());
    }

    log("overhead: Rust");
    let o = overhead::measure(plan.overhead_iters, tag)?;
    let ovh = format!(
        "{{\"lang\":\"rust\",\"runtime\":\"rustc, zinc_core linked as a crate\",\"noop_ns\":{:.2},\"notify_ns\":{:.2},\"wait0_ns\":{:.2},\"ffi_notify_ns\":{:.2},\"ffi_wait0_ns\":{:.2},\"clock_ns\":{:.2}}}",
        o.noop_ns, o.notify_ns, o.wait0_ns, o.ffi_notify_ns, o.ffi_wait0_ns, o.clock_ns
    );

    let json = format!(
        "{{\"smoke\":{},\"placement\":{},\"latency_method\":{},\"latency\":[{}],\"handoff\":[{}],\"setup\":[{}],\"overhead_rust\":{}}}\n",
        smoke,
        jstr(&placement()),
        jstr("one-way: sender reads CLOCK_MONOTONIC right before it signals (the stamp travels in the message or in shared memory), receiver reads it right after its wait returns; the receiver's reply paces the next sample (RTT/2 kept as a cross-check)"),
        lat.join(",\n"),
        hand.join(",\n"),
        set.join(",\n"),
        ovh
    );
    let path = std::path::Path::new(out).join("zinc.json");
    std::fs::File::create(&path)?.write_all(json.as_bytes())?;
    log(&format!("wrote {}", path.display()));
    Ok(())
}

/// One latency method by key, printed (for investigations).
fn one_latency(args: &[String]) -> io::Result<()> {
    let key = args.first().ok_or_else(|| io::Error::other("latency KEY [SAMPLES]"))?;
    let m = latency::Method::ALL.into_iter().find(|m| m.key() == key).ok_or_else(|| {
        let keys: Vec<&str> = latency::Method::ALL.iter().map(|m| m.key()).collect();
        io::Error::other(format!("unknown key {key}; one of {}", keys.join(", ")))
    })?;
    let n = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let r = latency::measure(m, n, n / 10, "one")?;
    let o = &r.one_way;
    println!(
        "{}: n {} p50 {} p90 {} p99 {} p99.9 {} max {} ns (RTT/2 p50 {})",
        m.label(),
        o.n,
        o.p50,
        o.p90,
        o.p99,
        o.p999,
        o.max,
        r.rtt_half.p50
    );
    Ok(())
}

fn placement() -> String {
    if util::cpu_count() >= 2 {
        format!(
            "driver pinned to CPU {}, peer to CPU {} (sched_setaffinity); {} CPUs online",
            util::DRIVER_CPU,
            util::PEER_CPU,
            util::cpu_count()
        )
    } else {
        "single CPU: no pinning possible".to_string()
    }
}
