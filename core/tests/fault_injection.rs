//! Fault injection with real SIGKILLs (issue 11): a helper process is killed at every crash
//! point of create, open, close and reclaim while other processes keep working; then we check
//! that nothing leaks, no live region is removed, no open returns a dying region, and data
//! written before the crash is still readable by the survivors.
//!
//! Run: `cargo test --release -p zinc-core --features crashpoints --test fault_injection -- --nocapture`
//!
//! Helpers are this very test binary re-executed with `ZINC_FI_PUPPET=1`: a "puppet" that reads
//! commands on stdin (`create N`, `open N`, `write TEXT`, `read`, `arm POINT`, `close`) and
//! answers `@@ ok ...` / `@@ err CODE` on stdout. `arm POINT` sets `ZINC_CRASH_AT`, so the
//! puppet SIGKILLs itself when the lifecycle reaches that point.
#![cfg(feature = "crashpoints")]

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use zinc_core::admin::{self, Liveness};
use zinc_core::crashpoint::POINTS;
use zinc_core::{SharedRegion, ZincError};

const CAP: usize = 4096;

fn prefix() -> String {
    format!("t_fi_{}_", std::process::id())
}

fn unique(tag: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("{}{tag}_{}", prefix(), N.fetch_add(1, Ordering::Relaxed))
}

fn object_exists(name: &str) -> bool {
    std::path::Path::new(&format!("/dev/shm/zinc_{name}")).exists()
}

// ---------------------------------------------------------------------------------------------
// The puppet (child side)

#[test]
fn puppet_entry() {
    if std::env::var_os("ZINC_FI_PUPPET").is_none() {
        return; // an ordinary test run: nothing to do
    }
    let mut handles: Vec<SharedRegion> = Vec::new();
    let stdin = std::io::stdin();
    let reply = |s: String| {
        println!("@@ {s}");
        std::io::stdout().flush().unwrap();
    };
    for line in stdin.lock().lines() {
        let line = line.unwrap();
        let (cmd, arg) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        match cmd {
            "create" | "open" => {
                let r =
                    if cmd == "create" { SharedRegion::create(arg, CAP) } else { SharedRegion::open(arg) };
                match r {
                    Ok(h) => {
                        reply(format!("ok {}", h.snapshot().created_at));
                        handles.push(h);
                    }
                    Err(e) => reply(format!("err {}", e.code())),
                }
            }
            "write" => {
                handles.last().unwrap().write(0, arg.as_bytes()).unwrap();
                reply("ok".into());
            }
            "read" => {
                let mut b = [0u8; 32];
                handles.last().unwrap().read(0, &mut b).unwrap();
                let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
                reply(format!("ok {}", String::from_utf8_lossy(&b[..end])));
            }
            "arm" => {
                std::env::set_var("ZINC_CRASH_AT", arg);
                reply("ok".into());
            }
            "close" => {
                drop(handles.pop());
                reply("ok".into());
            }
            "exit" => break,
            other => reply(format!("err unknown command {other}")),
        }
    }
    drop(handles);
    std::process::exit(0); // skip the harness' summary: the parent only reads `@@` lines
}

// ---------------------------------------------------------------------------------------------
// The puppet (parent side)

struct Puppet {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Puppet {
    fn spawn() -> Puppet {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["puppet_entry", "--exact", "--nocapture", "--test-threads=1"])
            .env("ZINC_FI_PUPPET", "1")
            .env_remove("ZINC_CRASH_AT")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn puppet");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Puppet { child, stdin, stdout }
    }

    /// Sends a command; `Some(reply)` or `None` when the puppet died (EOF).
    fn cmd(&mut self, c: &str) -> Option<String> {
        writeln!(self.stdin, "{c}").ok()?;
        self.stdin.flush().ok()?;
        let mut line = String::new();
        loop {
            line.clear();
            if self.stdout.read_line(&mut line).ok()? == 0 {
                return None;
            }
            // The harness may print "test puppet_entry ... " on the same line as our reply.
            if let Some(at) = line.find("@@ ") {
                return Some(line[at + 3..].trim_end().to_owned());
            }
        }
    }

    /// Sends a command that must succeed.
    fn ok(&mut self, c: &str) -> String {
        match self.cmd(c) {
            Some(r) if r == "ok" || r.starts_with("ok ") => r,
            other => panic!("puppet command {c:?} failed: {other:?}"),
        }
    }

    /// Sends a command at which the puppet must die by SIGKILL (its crash point is armed).
    fn expect_killed(mut self, c: &str) -> Result<(), String> {
        let r = self.cmd(c);
        let status = self.child.wait().unwrap();
        if r.is_some() || status.signal() != Some(libc::SIGKILL) {
            return Err(format!("crash point not reached: reply {r:?}, status {status:?}"));
        }
        Ok(())
    }

    /// SIGKILL from outside (the process dies holding whatever it holds).
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    fn finish(mut self) {
        let _ = writeln!(self.stdin, "exit");
        let status = self.child.wait().unwrap();
        assert!(status.success(), "puppet exited with {status:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the scenarios

/// `open` must never hand out a region whose every holder died: NotFound is the only answer.
fn open_refuses(name: &str) -> Result<(), String> {
    match SharedRegion::open(name) {
        Err(ZincError::NotFound) => Ok(()),
        Ok(h) => Err(format!(
            "open returned a dead region (retired: {}, ref_count {})",
            h.snapshot().is_retired(),
            h.snapshot().ref_count
        )),
        Err(e) => Err(format!("open gave {e:?}, expected NotFound")),
    }
}

/// A survivor can take the name over and use it; it is gone once the survivor closes.
fn name_reusable(name: &str) -> Result<(), String> {
    let h = SharedRegion::create(name, CAP).map_err(|e| format!("create after crash: {e:?}"))?;
    h.write(0, b"reborn").unwrap();
    let o = SharedRegion::open(name).map_err(|e| format!("open after re-create: {e:?}"))?;
    let mut b = [0u8; 6];
    o.read(0, &mut b).unwrap();
    if &b != b"reborn" {
        return Err("re-created region does not share its data".into());
    }
    drop(o);
    drop(h);
    if object_exists(name) {
        return Err("re-created region leaked after its handles closed".into());
    }
    Ok(())
}

/// gc of our own names leaves nothing behind and reports no error.
fn gc_clean(name: &str) -> Result<(), String> {
    let report = admin::collect_stale_matching(false, |n| n == name).map_err(|e| format!("gc: {e:?}"))?;
    if !report.errors.is_empty() || !report.live.is_empty() {
        return Err(format!("gc: {report:?}"));
    }
    if object_exists(name) {
        return Err("object still present after gc".into());
    }
    Ok(())
}

/// Data written before the crash is readable through a survivor's handle.
fn data_intact(h: &SharedRegion, expect: &str) -> Result<(), String> {
    let mut b = vec![0u8; expect.len()];
    h.read(0, &mut b).unwrap();
    if b != expect.as_bytes() {
        return Err(format!("survivor reads {:?}, expected {expect:?}", String::from_utf8_lossy(&b)));
    }
    if h.snapshot().is_retired() {
        return Err("a survivor's live region was retired".into());
    }
    Ok(())
}

/// Makes a stale region: a puppet creates it, writes, and is SIGKILLed while holding it.
fn make_stale(name: &str) {
    let mut p = Puppet::spawn();
    p.ok(&format!("create {name}"));
    p.ok("write before-crash");
    p.kill();
    assert!(object_exists(name));
    assert_eq!(admin::inspect(name).unwrap().liveness, Liveness::Stale);
}

// ---------------------------------------------------------------------------------------------
// Scenarios. Each arms one crash point in a puppet, drives it there, and checks the aftermath.

type Outcome = Result<String, String>;

/// A puppet runs `verb` on a fresh name (made stale first when `stale`) and is killed at `point`.
/// Afterwards nothing may be openable, the name must be reusable, and a gc leaves nothing.
fn killed_then_clean(tag: &str, point: &str, verb: &str, stale: bool, outcome: &str) -> Outcome {
    let name = unique(tag);
    if stale {
        make_stale(&name);
    }
    let mut p = Puppet::spawn();
    p.ok(&format!("arm {point}"));
    p.expect_killed(&format!("{verb} {name}"))?;
    open_refuses(&name)?;
    name_reusable(&name)?;
    gc_clean(&name)?;
    Ok(outcome.into())
}

/// A fresh create is killed at `point`: nothing may be openable, the name must be reusable.
fn fresh_create(point: &str) -> Outcome {
    killed_then_clean("fresh", point, "create", false, "nothing leaked; name reusable")
}

/// A create that reclaims a stale region is killed at `point`.
fn create_over_stale(point: &str) -> Outcome {
    killed_then_clean("cstale", point, "create", true, "stale region reclaimed by the next create")
}

/// An open that meets a stale region (and reclaims it) is killed at `point`.
fn open_over_stale(point: &str) -> Outcome {
    killed_then_clean("ostale", point, "open", true, "no dead region handed out; name reusable")
}

/// An opener of a live region is killed at `point`; the creator (us) keeps working, a gc meanwhile
/// spares the live region, and the region disappears when the survivors close.
fn open_while_live(point: &str) -> Outcome {
    let name = unique("olive");
    let creator = SharedRegion::create(&name, CAP).unwrap();
    creator.write(0, b"before-crash").unwrap();
    let mut p = Puppet::spawn();
    p.ok(&format!("arm {point}"));
    p.expect_killed(&format!("open {name}"))?;
    let gc = admin::collect_stale_matching(false, |n| n == name).unwrap();
    if !gc.stale.is_empty() || !object_exists(&name) {
        return Err("gc removed a live region".into());
    }
    data_intact(&creator, "before-crash")?;
    let other = SharedRegion::open(&name).map_err(|e| format!("survivor open: {e:?}"))?;
    data_intact(&other, "before-crash")?;
    let refs = other.snapshot().ref_count;
    drop(other);
    drop(creator);
    if object_exists(&name) {
        return Err("region leaked after the survivors closed".into());
    }
    Ok(format!("survivors intact (ref_count seen {refs}); removed at last close"))
}

/// An opener is killed while closing; the creator (us) survives and closes last.
fn opener_dies_closing(point: &str) -> Outcome {
    let name = unique("oclose");
    let creator = SharedRegion::create(&name, CAP).unwrap();
    creator.write(0, b"before-crash").unwrap();
    let mut p = Puppet::spawn();
    p.ok(&format!("open {name}"));
    p.ok(&format!("arm {point}"));
    p.expect_killed("close")?;
    data_intact(&creator, "before-crash")?;
    let again = SharedRegion::open(&name).map_err(|e| format!("reopen: {e:?}"))?;
    data_intact(&again, "before-crash")?;
    drop(again);
    drop(creator);
    if object_exists(&name) {
        return Err("region leaked after the creator closed".into());
    }
    Ok("creator intact; removed at its close".into())
}

/// The creator is killed while closing; an opener (us) survives, keeps working, closes last.
fn creator_dies_closing(point: &str) -> Outcome {
    let name = unique("cclose");
    let mut p = Puppet::spawn();
    p.ok(&format!("create {name}"));
    p.ok("write before-crash");
    let opener = SharedRegion::open(&name).map_err(|e| format!("open: {e:?}"))?;
    p.ok(&format!("arm {point}"));
    p.expect_killed("close")?;
    data_intact(&opener, "before-crash")?;
    opener.write(0, b"after-crash!").unwrap();
    let second = SharedRegion::open(&name).map_err(|e| format!("open after creator died: {e:?}"))?;
    data_intact(&second, "after-crash!")?;
    drop(second);
    drop(opener);
    if object_exists(&name) {
        return Err("region leaked after the last opener closed".into());
    }
    Ok("opener kept working; removed at last close".into())
}

/// The last handle out (the only one) is killed while removing the region.
fn last_closer_dies(point: &str) -> Outcome {
    let name = unique("last");
    let mut p = Puppet::spawn();
    p.ok(&format!("create {name}"));
    p.ok(&format!("arm {point}"));
    p.expect_killed("close")?;
    open_refuses(&name)?;
    name_reusable(&name)?;
    gc_clean(&name)?;
    Ok("half-removed region reclaimed; name reusable".into())
}

/// The creator (us) closes first; the opener, now last out, is killed while removing.
fn last_opener_dies(point: &str) -> Outcome {
    let name = unique("lasto");
    let creator = SharedRegion::create(&name, CAP).unwrap();
    let mut p = Puppet::spawn();
    p.ok(&format!("open {name}"));
    drop(creator);
    if !object_exists(&name) {
        return Err("region removed while an opener still held it".into());
    }
    p.ok(&format!("arm {point}"));
    p.expect_killed("close")?;
    open_refuses(&name)?;
    // This time leave it to gc alone (no create first): gc must finish the job.
    gc_clean(&name)?;
    name_reusable(&name)?;
    Ok("gc finished the removal; name reusable".into())
}

#[test]
fn sigkill_at_every_crash_point() {
    // A bystander region, live for the whole suite in another process: every gc must spare it
    // and its data must never change.
    let bystander = unique("bystander");
    let mut keeper = Puppet::spawn();
    keeper.ok(&format!("create {bystander}"));
    keeper.ok("write bystander-data");
    let watcher = SharedRegion::open(&bystander).unwrap();

    type Scenario = fn(&str) -> Outcome;
    let plan: Vec<(&str, Scenario, &[&str])> = vec![
        (
            "fresh create",
            fresh_create,
            &["create:object", "create:reserved", "create:published", "create:locked", "create:linked"],
        ),
        ("create over stale", create_over_stale, &["reclaim:locked", "reclaim:retired", "reclaim:unlinked"]),
        (
            "open over stale",
            open_over_stale,
            &["open:opened", "reclaim:locked", "reclaim:retired", "reclaim:unlinked"],
        ),
        ("open while live", open_while_live, &["open:opened", "open:locked", "open:counted"]),
        ("opener dies closing", opener_dies_closing, &["close:uncounted"]),
        ("creator dies closing", creator_dies_closing, &["close:uncounted"]),
        (
            "last closer dies",
            last_closer_dies,
            &[
                "close:uncounted",
                "close:exclusive",
                "reclaim:locked",
                "close:retired",
                "reclaim:retired",
                "close:unlinked",
                "reclaim:unlinked",
            ],
        ),
        ("last opener dies", last_opener_dies, &["close:exclusive", "close:retired", "close:unlinked"]),
    ];

    let mut rows = Vec::new();
    let mut covered = std::collections::BTreeSet::new();
    for (scenario, run, points) in &plan {
        for point in *points {
            assert!(POINTS.contains(point), "unknown crash point {point}");
            covered.insert(*point);
            let outcome = run(point);
            // After every scenario: a gc of everything we own must spare the bystander.
            let gc = admin::collect_stale_matching(false, |n| n.starts_with(&prefix())).unwrap();
            let bystander_ok = object_exists(&bystander)
                && data_intact(&watcher, "bystander-data").is_ok()
                && admin::inspect(&bystander).map(|i| i.liveness) == Ok(Liveness::Live)
                && !gc.stale.contains(&bystander);
            let outcome = match (outcome, bystander_ok) {
                (Ok(o), true) => Ok(o),
                (Ok(_), false) => Err("the live bystander region was disturbed".into()),
                (Err(e), _) => Err(e),
            };
            rows.push((scenario.to_string(), point.to_string(), outcome));
        }
    }
    let missing: Vec<_> = POINTS.iter().filter(|p| !covered.contains(*p)).collect();

    println!("\n{:<22} {:<18} {:<6} OUTCOME", "SCENARIO", "KILLED AT", "RESULT");
    for (s, p, o) in &rows {
        match o {
            Ok(msg) => println!("{s:<22} {p:<18} {:<6} {msg}", "ok"),
            Err(msg) => println!("{s:<22} {p:<18} {:<6} {msg}", "FAIL"),
        }
    }
    println!("{} scenarios, {} crash points covered of {}\n", rows.len(), covered.len(), POINTS.len());

    drop(watcher);
    keeper.ok("close");
    keeper.finish();
    let leftovers: Vec<String> =
        admin::region_names().unwrap().into_iter().filter(|n| n.starts_with(&prefix())).collect();
    assert!(missing.is_empty(), "crash points without a scenario: {missing:?}");
    assert!(rows.iter().all(|(_, _, o)| o.is_ok()), "some scenarios failed (see the table)");
    assert!(leftovers.is_empty(), "leaked: {leftovers:?}");
}
