//! `zinc-bench`: runs the benchmark suite and writes JSON for `bench/report.py`.
//!
//! ```text
//! zinc-bench all --out DIR [--smoke]     everything under this process's ZINC_SPIN -> DIR/zinc.json
//! ZINC_SPIN=never zinc-bench never --out DIR [--smoke]
//!                                        Zinc's blocking rate-sweep rows
//!                                        -> DIR/zinc_never.json
//! ZINC_SHM_DIR=/mnt zinc-bench setup --out FILE [--smoke]
//!                                        set-up rows in another region directory
//! zinc-bench quick [--json]              what `zinc bench --quick` prints
//! ```

use std::io::{self, Write};
use zinc_bench::util::{self, jstr};
use zinc_bench::{cold, fanout, handoff, latency, msgs, overhead, quick, rate, setup, sweep};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let res = match args.first().map(String::as_str) {
        Some("all") => all(&args[1..]),
        Some("never") => never(&args[1..]),
        Some("latency") => one_latency(&args[1..]),
        Some("fanout") => one_fanout(&args[1..]),
        Some("setup") => setup_only(&args[1..]),
        Some("latency-raw") => latency_raw(&args[1..]),
        Some("fanout-raw") => fanout_raw(&args[1..]),
        Some("quick") => quick::quick_report(args.iter().any(|a| a == "--json")).map(|s| print!("{s}")),
        _ => {
            eprintln!("usage: zinc-bench all --out DIR [--smoke] | ZINC_SPIN=never zinc-bench never --out DIR [--smoke] | zinc-bench quick [--json] | zinc-bench latency KEY [SAMPLES] | zinc-bench fanout N [ROUNDS] | zinc-bench setup --out FILE [--smoke]");
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

struct Plan {
    samples: usize,
    warmup: usize,
    lat_rounds: usize,
    sizes: Vec<usize>,
    rounds: Option<usize>,
    setup_caps: Vec<usize>,
    setup_reps: usize,
    overhead_iters: u64,
    sweep_periods: Vec<u64>,
    /// Per sweep cell: total time budget and rounds.
    sweep_budget_ns: u64,
    sweep_rounds: usize,
    fanout_rounds: usize,
    messages: u64,
    message_rounds: usize,
    cold_size: usize,
    cold_rounds: usize,
}

fn plan(smoke: bool) -> Plan {
    let mib = handoff::MIB;
    if smoke {
        Plan {
            samples: 2_000,
            warmup: 200,
            lat_rounds: 2,
            sizes: vec![mib, 16 * mib],
            rounds: Some(2),
            setup_caps: vec![4096, mib],
            setup_reps: 2,
            overhead_iters: 100_000,
            sweep_periods: vec![40_000, 1_000_000],
            sweep_budget_ns: 50_000_000,
            sweep_rounds: 2,
            fanout_rounds: 3,
            messages: 20_000,
            message_rounds: 1,
            cold_size: 16 * mib,
            cold_rounds: 2,
        }
    } else {
        Plan {
            samples: 100_000,
            warmup: 10_000,
            lat_rounds: 5,
            sizes: vec![mib, 16 * mib, 100 * mib, 1024 * mib],
            rounds: None,
            setup_caps: vec![4096, mib, 16 * mib, 256 * mib, 1024 * mib, 4096 * mib],
            setup_reps: 5,
            overhead_iters: 5_000_000,
            sweep_periods: sweep::PERIODS_NS.to_vec(),
            sweep_budget_ns: 3_000_000_000,
            sweep_rounds: 3,
            fanout_rounds: 20,
            messages: 1_000_000,
            message_rounds: 3,
            cold_size: 100 * mib,
            cold_rounds: 5,
        }
    }
}

fn out_dir(args: &[String]) -> io::Result<&String> {
    args.iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .ok_or_else(|| io::Error::other("--out DIR is required"))
}

fn latency_json(m: latency::Method, r: &zinc_bench::pingpong::PingPong) -> String {
    let p50: Vec<String> = r.round_p50.iter().map(|x| x.to_string()).collect();
    format!(
        "{{\"key\":{},\"label\":{},\"note\":{},\"mode\":{},\"one_way\":{},\"rtt_half\":{},\"round_p50\":[{}]}}",
        jstr(m.key()),
        jstr(m.label()),
        jstr(m.note()),
        jstr(m.mode().key()),
        r.one_way.to_json(),
        r.rtt_half.to_json(),
        p50.join(",")
    )
}

/// Every method's rounds interleaved (round 1 of every method, then round 2, …), so each round
/// of each method samples the same stretch of machine conditions (on a shared VM the cost of a
/// cache-line transfer between the two vCPUs changes over minutes) and per-round ratios compare
/// like with like. `ZincNever` rounds run in a child process started with `ZINC_SPIN=never`.
fn run_latency(methods: &[latency::Method], p: &Plan, tag: &str) -> io::Result<Vec<String>> {
    let rounds = p.lat_rounds.max(1);
    let mut per: Vec<Vec<zinc_bench::pingpong::PingPong>> = methods.iter().map(|_| Vec::new()).collect();
    for r in 0..rounds {
        log(&format!("latency: round {} of {rounds} ({} samples per method)", r + 1, p.samples / rounds));
        for (i, &m) in methods.iter().enumerate() {
            let one = if m == latency::Method::ZincNever {
                never_round(p.samples / rounds, p.warmup / rounds, &format!("{tag}r{r}"))?
            } else {
                latency::measure(m, p.samples / rounds, p.warmup / rounds, &format!("{tag}r{r}"))?
            };
            per[i].push(one);
        }
    }
    let mut lat = Vec::new();
    for (i, v) in per.into_iter().enumerate() {
        let r = zinc_bench::pingpong::PingPong::merge(v);
        log(&format!(
            "{}: one-way p50 {} ns, p99 {} ns, max {} ns; round p50s {:?}",
            methods[i].label(),
            r.one_way.p50,
            r.one_way.p99,
            r.one_way.max,
            r.round_p50
        ));
        lat.push(latency_json(methods[i], &r));
    }
    Ok(lat)
}

/// Runs this binary again as `zinc-bench ARGS FILE` with `ZINC_SPIN=never` (the core reads the
/// policy once per process) and returns the little-endian u64 words it wrote to FILE.
fn rerun_never(args: &[&str], tag: &str) -> io::Result<Vec<u64>> {
    let path = std::env::temp_dir().join(format!("zinc-bench-never-{}-{tag}.bin", std::process::id()));
    let st = std::process::Command::new(std::env::current_exe()?)
        .args(args)
        .arg(&path)
        .env("ZINC_SPIN", "never")
        .status()?;
    let bytes = std::fs::read(&path);
    let _ = std::fs::remove_file(&path);
    if !st.success() {
        return Err(io::Error::other(format!("zinc-bench {} failed: {st}", args.join(" "))));
    }
    Ok(bytes?.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect())
}

/// One round of the `zinc_never` row, measured by this binary re-run with `ZINC_SPIN=never`
/// (the core reads the policy once per process).
fn never_round(samples: usize, warmup: usize, tag: &str) -> io::Result<zinc_bench::pingpong::PingPong> {
    let words = rerun_never(&["latency-raw", "zinc_never", &samples.to_string(), &warmup.to_string()], tag)?;
    let n = *words.first().ok_or_else(|| io::Error::other("latency-raw: empty output"))? as usize;
    if words.len() < 2 + n || words.len() != 2 + n + words[1 + n] as usize {
        return Err(io::Error::other("latency-raw: truncated output"));
    }
    let ow = words[1..1 + n].to_vec();
    let rtt = words[2 + n..].to_vec();
    let one_way = util::Stats::from_samples(ow.clone());
    Ok(zinc_bench::pingpong::PingPong {
        round_p50: vec![one_way.p50],
        one_way,
        rtt_half: util::Stats::from_samples(rtt.clone()),
        one_way_raw: ow,
        rtt_raw: rtt,
    })
}

/// `latency-raw KEY SAMPLES WARMUP FILE`: one run of one method, raw samples written to FILE as
/// little-endian u64: count, one-way samples, count, RTT/2 samples.
fn latency_raw(args: &[String]) -> io::Result<()> {
    let bad = || io::Error::other("latency-raw KEY SAMPLES WARMUP FILE");
    let key = args.first().ok_or_else(bad)?;
    let samples: usize = args.get(1).and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    let warmup: usize = args.get(2).and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    let file = args.get(3).ok_or_else(bad)?;
    let m = latency::Method::ALL
        .into_iter()
        .chain(latency::Method::NEVER)
        .find(|m| m.key() == key)
        .ok_or_else(|| io::Error::other(format!("unknown latency key {key}")))?;
    let r = latency::measure(m, samples, warmup, &format!("raw{}", std::process::id()))?;
    let mut out = Vec::with_capacity(8 * (2 + r.one_way_raw.len() + r.rtt_raw.len()));
    for v in [&r.one_way_raw, &r.rtt_raw] {
        out.extend_from_slice(&(v.len() as u64).to_le_bytes());
        for x in v.iter() {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    std::fs::write(file, out)
}

fn run_sweep(waiters: &[sweep::Waiter], p: &Plan, tag: &str) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for &w in waiters {
        for &period in &p.sweep_periods {
            let (rounds, round_ns) = rate::plan(period, p.sweep_budget_ns, p.sweep_rounds);
            let cell = sweep::measure(w, period, rounds, round_ns, &format!("{tag}{period}"))?;
            log(&format!(
                "sweep: {} every {} µs: p50 {} ns, p99 {} ns, waiter CPU {:.1}% ({} of {} seen)",
                w.label(),
                period / 1000,
                cell.lat.p50,
                cell.lat.p99,
                cell.cpu_pct(),
                cell.lat.n,
                cell.sent
            ));
            out.push(cell.to_json(w.key(), &w.label()));
        }
    }
    Ok(out)
}

/// Fan-out rows for Zinc under this process's policy, the raw futex and Zinc under
/// `ZINC_SPIN=never` (a child process, through `fanout-raw`), their rounds interleaved in chunks
/// (a few rounds of each in turn) so every row samples the same stretch of machine conditions.
fn run_fanout(p: &Plan, tag: &str) -> io::Result<Vec<String>> {
    let chunks = if p.fanout_rounds >= 20 { 4 } else { 1 };
    let per = (p.fanout_rounds / chunks).max(1);
    let rows: [(&str, String); 3] = [
        (sweep::Waiter::Zinc.key(), sweep::Waiter::Zinc.label()),
        ("futex", "raw futex wake-all (FUTEX_WAKE INT_MAX on one word)".to_string()),
        ("zinc_never", "Zinc, ZINC_SPIN=never".to_string()),
    ];
    let mut out = Vec::new();
    for &n in &fanout::WAITERS {
        let mut acc: Vec<fanout::Fanout> =
            rows.iter().map(|_| fanout::Fanout { waiters: n, last_ns: vec![], first_ns: vec![] }).collect();
        for c in 0..chunks {
            for (i, (key, _)) in rows.iter().enumerate() {
                let t = format!("{tag}{key}{c}");
                let f = match *key {
                    "futex" => fanout::measure(fanout::Kind::Futex, n, per, &t)?,
                    "zinc_never" => fanout_never(n, per)?,
                    _ => fanout::measure(fanout::Kind::Zinc, n, per, &t)?,
                };
                acc[i].last_ns.extend(f.last_ns);
                acc[i].first_ns.extend(f.first_ns);
            }
        }
        for (i, (key, label)) in rows.iter().enumerate() {
            log(&format!(
                "fan-out: {label}, {n} waiters: last awake after {:.1} µs (median of {})",
                acc[i].median_last() / 1e3,
                acc[i].last_ns.len()
            ));
            out.push(acc[i].to_json(key, label));
        }
    }
    Ok(out)
}

/// Zinc fan-out rounds measured by this binary re-run with `ZINC_SPIN=never`.
fn fanout_never(n: usize, rounds: usize) -> io::Result<fanout::Fanout> {
    let w = rerun_never(&["fanout-raw", &n.to_string(), &rounds.to_string()], &format!("fanout{n}"))?;
    if w.len() != 2 * rounds {
        return Err(io::Error::other("fanout-raw: truncated output"));
    }
    Ok(fanout::Fanout { waiters: n, last_ns: w[..rounds].to_vec(), first_ns: w[rounds..].to_vec() })
}

/// `fanout-raw N ROUNDS FILE`: Zinc fan-out under this process's policy; writes the rounds'
/// last-awake then first-awake times (ns) to FILE as little-endian u64.
fn fanout_raw(args: &[String]) -> io::Result<()> {
    let bad = || io::Error::other("fanout-raw N ROUNDS FILE");
    let n: usize = args.first().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    let rounds: usize = args.get(1).and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    let file = args.get(2).ok_or_else(bad)?;
    let f = fanout::measure(fanout::Kind::Zinc, n, rounds, &format!("fraw{}", std::process::id()))?;
    let mut out = Vec::new();
    for x in f.last_ns.iter().chain(f.first_ns.iter()) {
        out.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(file, out)
}

fn all(args: &[String]) -> io::Result<()> {
    START.get_or_init(std::time::Instant::now);
    let smoke = args.iter().any(|a| a == "--smoke");
    let out = out_dir(args)?;
    std::fs::create_dir_all(out)?;
    let mib = handoff::MIB;
    let plan = plan(smoke);
    let tag = if smoke { "smoke" } else { "full" };

    let methods: Vec<latency::Method> =
        latency::Method::ALL.into_iter().chain(latency::Method::NEVER).collect();
    let lat = run_latency(&methods, &plan, tag)?;

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

    let sw = run_sweep(&sweep::Waiter::ALL, &plan, tag)?;
    let fan = run_fanout(&plan, tag)?;

    let mut msg = Vec::new();
    for m in msgs::Method::ALL {
        let mut runs = Vec::new();
        for r in 0..plan.message_rounds {
            let x = msgs::measure(m, plan.messages, &format!("{tag}{r}"))?;
            log(&format!(
                "messages: {}: {:.2} M msg/s ({} notify calls, {} consumer waits)",
                m.label(),
                plan.messages as f64 / x.secs / 1e6,
                x.notifies,
                x.waits
            ));
            runs.push(format!(
                "{{\"secs\":{:.6},\"notifies\":{},\"waits\":{}}}",
                x.secs, x.notifies, x.waits
            ));
        }
        msg.push(format!(
            "{{\"key\":{},\"label\":{},\"msg_bytes\":{},\"messages\":{},\"rounds\":[{}]}}",
            jstr(m.key()),
            jstr(m.label()),
            msgs::MSG,
            plan.messages,
            runs.join(",")
        ));
    }

    let (set, skipped) = run_setup(&plan, tag)?;

    let cold_rows = run_cold(&cold::Method::ALL, &plan, tag)?;

    log("overhead: Rust");
    let o = overhead::measure(plan.overhead_iters, tag)?;
    let ovh = format!(
        "{{\"lang\":\"rust\",\"runtime\":\"rustc, zinc_core linked as a crate\",\"noop_ns\":{:.2},\"notify_ns\":{:.2},\"wait0_ns\":{:.2},\"ffi_notify_ns\":{:.2},\"ffi_wait0_ns\":{:.2},\"clock_ns\":{:.2}}}",
        o.noop_ns, o.notify_ns, o.wait0_ns, o.ffi_notify_ns, o.ffi_wait0_ns, o.clock_ns
    );

    let json = format!(
        "{{\"smoke\":{},\"spin_policy\":{},\"placement\":{},\"latency_method\":{},\"latency\":[{}],\"handoff\":[{}],\"sweep\":[{}],\"fanout\":[{}],\"fanout_settle_ns\":{},\"messages\":[{}],\"setup\":[{}],\"setup_skipped\":[{}],\"cold\":{{\"size\":{},\"rows\":[{}]}},\"overhead_rust\":{}}}\n",
        smoke,
        jstr(&sweep::policy_name()),
        jstr(&placement()),
        jstr("one-way: sender reads CLOCK_MONOTONIC right before it signals (the stamp travels in the message or in shared memory), receiver reads it right after its wait returns; the receiver's reply paces the next sample (RTT/2 kept as a cross-check)"),
        lat.join(",\n"),
        hand.join(",\n"),
        sw.join(",\n"),
        fan.join(",\n"),
        fanout::SETTLE_NS,
        msg.join(",\n"),
        set.join(",\n"),
        skipped.join(","),
        plan.cold_size,
        cold_rows.join(",\n"),
        ovh
    );
    let path = std::path::Path::new(out).join("zinc.json");
    std::fs::File::create(&path)?.write_all(json.as_bytes())?;
    log(&format!("wrote {}", path.display()));
    Ok(())
}

/// Cold-handoff rows (a fresh buffer per message) for `methods`, as JSON objects.
fn run_cold(methods: &[cold::Method], plan: &Plan, tag: &str) -> io::Result<Vec<String>> {
    let mut rows = Vec::new();
    for &m in methods {
        log(&format!(
            "cold handoff: {} MiB via {} ({} rounds)",
            plan.cold_size / handoff::MIB,
            m.label(),
            plan.cold_rounds
        ));
        let r = cold::measure(m, plan.cold_size, plan.cold_rounds, tag)?;
        let tot: Vec<f64> = r.iter().map(|x| x.total_s).collect();
        log(&format!("  median {:.2} ms", util::median(&tot) * 1e3));
        let rs: Vec<String> = r.iter().map(|x| x.to_json()).collect();
        rows.push(format!(
            "{{\"key\":{},\"label\":{},\"rounds\":[{}]}}",
            jstr(m.key()),
            jstr(m.label()),
            rs.join(",")
        ));
    }
    Ok(rows)
}

fn run_setup(plan: &Plan, tag: &str) -> io::Result<(Vec<String>, Vec<String>)> {
    let mib = handoff::MIB;
    let mut set = Vec::new();
    let mut skipped = Vec::new();
    for &cap in &plan.setup_caps {
        if let Some(why) = setup::skip_reason(cap) {
            log(&format!("setup: capacity {cap} skipped: {why}"));
            skipped.push(format!("{{\"capacity\":{},\"reason\":{}}}", cap, jstr(&why)));
            continue;
        }
        log(&format!("setup: capacity {cap} in {}", setup::region_dir()));
        let reps = match cap {
            c if c >= 4096 * mib => 2,
            c if c >= 256 * mib => 3,
            _ => plan.setup_reps,
        };
        let row = setup::measure(cap, reps, tag)?;
        set.push(row.to_json());
    }
    Ok((set, skipped))
}

/// The set-up rows and the Zinc cold-handoff row, in the directory `ZINC_SHM_DIR` names
/// (run-all.sh points it at a tmpfs mounted with `huge=always` for the huge-page rows).
fn setup_only(args: &[String]) -> io::Result<()> {
    START.get_or_init(std::time::Instant::now);
    let smoke = args.iter().any(|a| a == "--smoke");
    let out = out_dir(args)?;
    let mut plan = plan(smoke);
    // The 4 GiB row is measured once, in /dev/shm.
    plan.setup_caps.retain(|&c| c <= 1024 * handoff::MIB);
    let tag = if smoke { "hsmoke" } else { "hfull" };
    let (set, skipped) = run_setup(&plan, tag)?;
    // The cold handoff pays for page allocation and zeroing on every message: huge pages change it.
    let cold_rows = run_cold(&[cold::Method::Zinc], &plan, tag)?;
    let json = format!(
        "{{\"smoke\":{},\"dir\":{},\"setup\":[{}],\"setup_skipped\":[{}],\"cold\":{{\"size\":{},\"rows\":[{}]}}}}\n",
        smoke,
        jstr(&setup::region_dir()),
        set.join(",\n"),
        skipped.join(","),
        plan.cold_size,
        cold_rows.join(",\n")
    );
    std::fs::File::create(out)?.write_all(json.as_bytes())?;
    log(&format!("wrote {out}"));
    Ok(())
}

/// The rows that need `ZINC_SPIN=never` (read once per process, so they run in a process of
/// their own): Zinc's rate sweep (its latency and fan-out rows are interleaved with the others
/// by `all`, through `latency-raw` and `fanout-raw`).
fn never(args: &[String]) -> io::Result<()> {
    START.get_or_init(std::time::Instant::now);
    if zinc_core::SpinPolicy::current() != zinc_core::SpinPolicy::Never {
        return Err(io::Error::other("zinc-bench never: run it with ZINC_SPIN=never in the environment"));
    }
    let smoke = args.iter().any(|a| a == "--smoke");
    let out = out_dir(args)?;
    std::fs::create_dir_all(out)?;
    let plan = plan(smoke);
    let tag = if smoke { "nsmoke" } else { "nfull" };
    let sw = run_sweep(&[sweep::Waiter::Zinc], &plan, tag)?;
    let json = format!(
        "{{\"smoke\":{},\"spin_policy\":{},\"latency\":[],\"sweep\":[{}],\"fanout\":[]}}\n",
        smoke,
        jstr(&sweep::policy_name()),
        sw.join(",\n")
    );
    let path = std::path::Path::new(out).join("zinc_never.json");
    std::fs::File::create(&path)?.write_all(json.as_bytes())?;
    log(&format!("wrote {}", path.display()));
    Ok(())
}

/// Fan-out for N waiters, Zinc (this process's ZINC_SPIN) and raw futex alternately, printed
/// (for investigations).
fn one_fanout(args: &[String]) -> io::Result<()> {
    let n: usize =
        args.first().and_then(|s| s.parse().ok()).ok_or_else(|| io::Error::other("fanout N [ROUNDS]"))?;
    let rounds: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100);
    for (k, name) in [(fanout::Kind::Zinc, "zinc"), (fanout::Kind::Futex, "futex")] {
        let f = fanout::measure(k, n, rounds, "one")?;
        let mut v = f.last_ns.clone();
        v.sort_unstable();
        println!(
            "{name} (ZINC_SPIN={}) N={n}: last awake p25 {} p50 {} p75 {} ns over {} rounds",
            sweep::policy_name(),
            v[v.len() / 4],
            v[v.len() / 2],
            v[3 * v.len() / 4],
            v.len()
        );
    }
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
