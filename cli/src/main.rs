//! `zinc`: list, inspect, remove and collect Zinc regions; run the quick benchmark.
//!
//! Exit codes: 0 success; 1 the operation failed (not found, refused, partial failure);
//! 2 usage error. Results go to stdout, diagnostics to stderr.

use serde_json::{json, Value};
use std::io::Write;
use std::process::ExitCode;
use zinc_core::admin::{self, Liveness, RegionInfo, RemoveError, Removed};
use zinc_core::ZincError;

const USAGE: &str = "\
zinc — manage Zinc shared-memory regions (/dev/shm/zinc_*, or $ZINC_SHM_DIR/zinc_*)

Usage:
  zinc ls [--json]                  list every region: name, capacity, refs, owner, liveness
  zinc inspect NAME [--json]        show every header field of one region
  zinc rm NAME [--force]            remove a region (refuses a live one unless --force)
  zinc gc [--dry-run] [--prefix P]  remove stale regions (held by no living process)
  zinc bench [--quick] [--json]     run the quick benchmark
  zinc help | --help                this text (also: zinc COMMAND --help)

Exit codes: 0 success, 1 failure, 2 usage error.
";

const LS_HELP: &str = "\
Usage: zinc ls [--json]

Lists every Zinc region in /dev/shm with its capacity, ref_count, owner pid (and whether that
process is alive), creation time and liveness:
  live   at least one handle holds it (the kernel's flock says so)
  dying  held, but already retired: its last handle is removing it
  stale  nobody holds it (every process that had it open died); `zinc gc` removes it
ref_count is exact for live regions and diagnostic after crashes. `ls` never changes a region.
";

const INSPECT_HELP: &str = "\
Usage: zinc inspect NAME [--json]

Prints every header field of region NAME (magic, version, flags, notify_seq, capacity,
ref_count, owner_pid, created_at, name_hash, ring_head, ring_tail), the object's real size,
whether the header would pass an opener's validation, and its liveness.
";

const RM_HELP: &str = "\
Usage: zinc rm NAME [--force]

Removes region NAME if it is stale (no process holds it). A live region is refused (exit 1)
unless --force: then it is marked retired (new opens fail with NotFound) and its name is
removed; processes that have it open keep their mapping until they close it.
";

const GC_HELP: &str = "\
Usage: zinc gc [--dry-run] [--prefix PREFIX]

Removes every stale region (one that no living process holds) and never a live one. With
--dry-run, only lists what would be removed. --prefix restricts gc to names starting with PREFIX.
";

const BENCH_HELP: &str = "\
Usage: zinc bench [--quick] [--json]

Runs the quick benchmark (a few seconds) and prints its report; --json for machine-readable
output. The full comparison lives in the zinc-bench crate.
";

/// A usage error (exit 2) or an operational failure (exit 1).
enum Fail {
    Usage(String),
    Op(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail::Usage(msg)) => {
            eprintln!("zinc: {msg}\nTry 'zinc --help'.");
            ExitCode::from(2)
        }
        Err(Fail::Op(msg)) => {
            eprintln!("zinc: {msg}");
            ExitCode::from(1)
        }
    }
}

fn out(text: &str) -> Result<(), Fail> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // `zinc ls | head` closing the pipe is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Fail::Op(format!("cannot write output: {e}"))),
    }
}

/// Parsed options of one subcommand: flags seen, values of valued options, positionals.
struct Opts {
    flags: Vec<&'static str>,
    values: Vec<(&'static str, String)>,
    positional: Vec<String>,
    help: bool,
}

impl Opts {
    fn has(&self, flag: &str) -> bool {
        self.flags.contains(&flag)
    }
    fn value(&self, opt: &str) -> Option<&str> {
        self.values.iter().find(|(o, _)| *o == opt).map(|(_, v)| v.as_str())
    }
}

fn parse(cmd: &str, args: &[String], flags: &[&'static str], valued: &[&'static str]) -> Result<Opts, Fail> {
    let mut o = Opts { flags: Vec::new(), values: Vec::new(), positional: Vec::new(), help: false };
    let mut it = args.iter();
    let mut only_positional = false;
    while let Some(a) = it.next() {
        if only_positional || !a.starts_with('-') || a == "-" {
            o.positional.push(a.clone());
        } else if a == "--" {
            only_positional = true;
        } else if a == "-h" || a == "--help" {
            o.help = true;
        } else if let Some(f) = flags.iter().find(|f| **f == a) {
            o.flags.push(f);
        } else if let Some(v) = valued.iter().find(|v| a.starts_with(&format!("{v}=")) || **v == a) {
            let value = match a.split_once('=') {
                Some((_, val)) => val.to_owned(),
                None => it.next().cloned().ok_or_else(|| Fail::Usage(format!("{cmd}: {v} needs a value")))?,
            };
            o.values.push((v, value));
        } else {
            return Err(Fail::Usage(format!("{cmd}: unknown option '{a}'")));
        }
    }
    Ok(o)
}

fn run(args: &[String]) -> Result<(), Fail> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(Fail::Usage("missing command".into()));
    };
    match cmd.as_str() {
        "-h" | "--help" | "help" => out(USAGE),
        "-V" | "--version" => out(&format!("zinc {}\n", env!("CARGO_PKG_VERSION"))),
        "ls" | "list" => cmd_ls(rest),
        "inspect" => cmd_inspect(rest),
        "rm" | "remove" => cmd_rm(rest),
        "gc" => cmd_gc(rest),
        "bench" => cmd_bench(rest),
        other => Err(Fail::Usage(format!("unknown command '{other}'"))),
    }
}

fn no_positional(cmd: &str, o: &Opts) -> Result<(), Fail> {
    match o.positional.first() {
        Some(p) => Err(Fail::Usage(format!("{cmd}: unexpected argument '{p}'"))),
        None => Ok(()),
    }
}

fn one_name(cmd: &str, o: &Opts) -> Result<String, Fail> {
    match o.positional.as_slice() {
        [name] => Ok(name.clone()),
        [] => Err(Fail::Usage(format!("{cmd}: missing NAME"))),
        [_, extra, ..] => Err(Fail::Usage(format!("{cmd}: unexpected argument '{extra}'"))),
    }
}

fn zerr(what: &str, name: &str, e: ZincError) -> Fail {
    Fail::Op(format!("{what} '{name}': {e} (code {})", e.code()))
}

fn cmd_ls(args: &[String]) -> Result<(), Fail> {
    let o = parse("ls", args, &["--json"], &[])?;
    if o.help {
        return out(LS_HELP);
    }
    no_positional("ls", &o)?;
    let entries =
        admin::list().map_err(|e| Fail::Op(format!("cannot list {}: {e}", admin::shm_dir().display())))?;
    let mut failed = false;
    let mut text = String::new();
    if o.has("--json") {
        let items: Vec<Value> = entries
            .iter()
            .map(|(name, r)| match r {
                Ok(info) => info_json(info),
                Err(e) => {
                    failed = true;
                    json!({"name": name, "error": e.to_string(), "code": e.code()})
                }
            })
            .collect();
        text.push_str(&format!("{}\n", Value::Array(items)));
    } else {
        text.push_str(&format!(
            "{:<24} {:>12} {:>4} {:>8} {:<5} {:<20} {}\n",
            "NAME", "CAPACITY", "REFS", "OWNER", "ALIVE", "CREATED (UTC)", "STATE"
        ));
        for (name, r) in &entries {
            match r {
                Ok(info) => {
                    let h = info.header;
                    let state = match info.corruption {
                        Some(why) => format!("{} (corrupt: {why})", info.liveness.as_str()),
                        None => info.liveness.as_str().to_owned(),
                    };
                    text.push_str(&format!(
                        "{:<24} {:>12} {:>4} {:>8} {:<5} {:<20} {}\n",
                        name,
                        h.map_or("-".into(), |h| h.capacity.to_string()),
                        h.map_or("-".into(), |h| h.ref_count.to_string()),
                        h.map_or("-".into(), |h| h.owner_pid.to_string()),
                        match info.owner_alive {
                            Some(true) => "yes",
                            Some(false) => "no",
                            None => "?",
                        },
                        h.map_or("-".into(), |h| utc(h.created_at)),
                        state
                    ));
                }
                Err(e) => {
                    failed = true;
                    text.push_str(&format!("{name:<24} error: {e} (code {})\n", e.code()));
                }
            }
        }
        if entries.is_empty() {
            text.clear();
            text.push_str("no Zinc regions\n");
        }
    }
    out(&text)?;
    if failed {
        return Err(Fail::Op("some regions could not be inspected (see above)".into()));
    }
    Ok(())
}

fn cmd_inspect(args: &[String]) -> Result<(), Fail> {
    let o = parse("inspect", args, &["--json"], &[])?;
    if o.help {
        return out(INSPECT_HELP);
    }
    let name = one_name("inspect", &o)?;
    let info = admin::inspect(&name).map_err(|e| zerr("cannot inspect", &name, e))?;
    if o.has("--json") {
        return out(&format!("{}\n", info_json(&info)));
    }
    let mut t = format!("name:        {}\n", info.name);
    t.push_str(&format!("object size: {} bytes (fstat)\n", info.object_len));
    t.push_str(&format!("object uid:  {}\n", info.uid));
    t.push_str(&format!("liveness:    {}\n", info.liveness.as_str()));
    t.push_str(&format!(
        "valid:       {}\n",
        info.corruption.map_or("yes".to_owned(), |w| format!("no ({w})"))
    ));
    match info.header {
        None => t.push_str("header:      none (object shorter than 64 bytes)\n"),
        Some(h) => {
            t.push_str(&format!("magic:       0x{:016X}\n", h.magic));
            t.push_str(&format!("version:     {}\n", h.version));
            t.push_str(&format!(
                "flags:       0x{:04X} (retired: {}, waiter parked: {})\n",
                h.flags,
                h.is_retired(),
                h.waiter_parked()
            ));
            t.push_str(&format!("notify_seq:  {}\n", h.notify_seq));
            t.push_str(&format!("capacity:    {}\n", h.capacity));
            t.push_str(&format!("ref_count:   {}\n", h.ref_count));
            let alive = match info.owner_alive {
                Some(true) => "alive",
                Some(false) => "dead",
                None => "unknown",
            };
            t.push_str(&format!("owner_pid:   {} ({alive})\n", h.owner_pid));
            t.push_str(&format!("created_at:  {} ({} UTC)\n", h.created_at, utc(h.created_at)));
            t.push_str(&format!("name_hash:   0x{:016X}\n", h.name_hash));
            t.push_str(&format!("ring_head:   {}\n", h.ring_head));
            t.push_str(&format!("ring_tail:   {}\n", h.ring_tail));
        }
    }
    out(&t)
}

fn cmd_rm(args: &[String]) -> Result<(), Fail> {
    let o = parse("rm", args, &["--force", "-f"], &[])?;
    if o.help {
        return out(RM_HELP);
    }
    let name = one_name("rm", &o)?;
    let force = o.has("--force") || o.has("-f");
    match admin::remove(&name, force) {
        Ok(Removed::Stale) => out(&format!("removed stale region '{name}'\n")),
        Ok(Removed::ForcedLive) => {
            out(&format!("removed live region '{name}' (--force); open handles keep their mapping\n"))
        }
        Err(RemoveError::Live) => Err(Fail::Op(format!(
            "refusing to remove live region '{name}' (a process holds it); use --force to remove it anyway"
        ))),
        Err(RemoveError::Failed(e)) => Err(zerr("cannot remove", &name, e)),
    }
}

fn cmd_gc(args: &[String]) -> Result<(), Fail> {
    let o = parse("gc", args, &["--dry-run", "-n"], &["--prefix"])?;
    if o.help {
        return out(GC_HELP);
    }
    no_positional("gc", &o)?;
    let dry = o.has("--dry-run") || o.has("-n");
    let prefix = o.value("--prefix").unwrap_or("").to_owned();
    let report = admin::collect_stale_matching(dry, |n| n.starts_with(&prefix))
        .map_err(|e| Fail::Op(format!("cannot list {}: {e}", admin::shm_dir().display())))?;
    let verb = if dry { "would remove" } else { "removed" };
    let mut t = String::new();
    for n in &report.stale {
        t.push_str(&format!("{verb} stale region '{n}'\n"));
    }
    t.push_str(&format!(
        "{} stale region(s) {verb}, {} live region(s) kept\n",
        report.stale.len(),
        report.live.len()
    ));
    out(&t)?;
    if report.errors.is_empty() {
        return Ok(());
    }
    for (n, e) in &report.errors {
        eprintln!("zinc: gc: '{n}': {e} (code {})", e.code());
    }
    Err(Fail::Op(format!("{} region(s) could not be examined or removed", report.errors.len())))
}

fn cmd_bench(args: &[String]) -> Result<(), Fail> {
    let o = parse("bench", args, &["--quick", "--json"], &[])?;
    if o.help {
        return out(BENCH_HELP);
    }
    no_positional("bench", &o)?;
    // The benchmark lives in its own program (zinc-bench, installed next to zinc), so the CLI
    // does not link the benchmark code. Only the quick benchmark runs from here.
    let exe = std::env::current_exe().map_err(|e| Fail::Op(format!("bench: cannot locate zinc: {e}")))?;
    let bench = exe.with_file_name("zinc-bench");
    let mut cmd = std::process::Command::new(&bench);
    cmd.arg("quick");
    if o.has("--json") {
        cmd.arg("--json");
    }
    let status = cmd.status().map_err(|e| {
        Fail::Op(format!(
            "bench: cannot run {} ({e}); build it with `cargo build --release -p zinc-bench`",
            bench.display()
        ))
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(Fail::Op(format!("bench: {} failed ({status})", bench.display())))
    }
}

fn info_json(info: &RegionInfo) -> Value {
    let mut v = json!({ "name": info.name });
    if let Some(h) = info.header {
        v["magic"] = h.magic.into();
        v["version"] = h.version.into();
        v["flags"] = h.flags.into();
        v["notify_seq"] = h.notify_seq.into();
        v["capacity"] = h.capacity.into();
        v["ref_count"] = h.ref_count.into();
        v["owner_pid"] = h.owner_pid.into();
        v["created_at"] = h.created_at.into();
        v["name_hash"] = h.name_hash.into();
        v["ring_head"] = h.ring_head.into();
        v["ring_tail"] = h.ring_tail.into();
        v["retired"] = h.is_retired().into();
        v["waiter_parked"] = h.waiter_parked().into();
    }
    v["liveness"] = info.liveness.as_str().into();
    v["live"] = (info.liveness != Liveness::Stale).into();
    v["owner_alive"] = info.owner_alive.into();
    v["object_len"] = info.object_len.into();
    v["uid"] = info.uid.into();
    v["valid"] = info.corruption.is_none().into();
    v["corruption"] = info.corruption.into();
    v
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) from nanoseconds since the epoch.
fn utc(ns: u64) -> String {
    let secs = ns / 1_000_000_000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(utc(0), "1970-01-01 00:00:00");
        assert_eq!(utc(951_782_400 * 1_000_000_000), "2000-02-29 00:00:00");
        assert_eq!(utc(1_700_000_000_123_456_789), "2023-11-14 22:13:20");
    }
}
