//! The `zinc` binary end to end, against real regions: a live one (held by this process), a
//! stale one (its only holder, a child process, was SIGKILLed) and a corrupt one (bytes
//! written by hand). Every name starts with `t_ops_<pid>_`, and `gc` runs with that prefix so
//! the test never touches anybody else's regions.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use zinc_core::SharedRegion;

fn zinc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zinc")).args(args).output().expect("run zinc")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn exists(name: &str) -> bool {
    std::path::Path::new(&format!("/dev/shm/zinc_{name}")).exists()
}

/// Child role: create a region, say so, then wait to be killed.
#[test]
fn holder_entry() {
    if let Ok(name) = std::env::var("ZINC_CLI_HOLD") {
        let _r = SharedRegion::create(&name, 4096).unwrap();
        println!("@@ ready");
        std::thread::sleep(std::time::Duration::from_secs(60));
        std::process::exit(0);
    }
}

fn make_stale(name: &str) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["holder_entry", "--exact", "--nocapture"])
        .env("ZINC_CLI_HOLD", name)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("@@ ready") {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "holder died");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn help_usage_and_exit_codes() {
    for args in [
        &["--help"][..],
        &["help"],
        &["ls", "--help"],
        &["inspect", "-h"],
        &["rm", "--help"],
        &["gc", "--help"],
        &["bench", "--help"],
    ] {
        let o = zinc(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(text(&o).contains("Usage"), "{args:?}");
    }
    for args in [
        &[][..],
        &["frobnicate"],
        &["ls", "--bogus"],
        &["inspect"],
        &["rm"],
        &["rm", "a", "b"],
        &["gc", "extra"],
    ] {
        let o = zinc(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(text(&o).is_empty() && err(&o).starts_with("zinc: "), "{args:?}: errors go to stderr");
    }
    let o = zinc(&["inspect", "bad/name"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("code -22"));
    let o = zinc(&["inspect", &format!("t_ops_{}_missing", std::process::id())]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("code -2"));
}

#[test]
fn ls_inspect_rm_gc_on_live_stale_and_corrupt_regions() {
    let p = format!("t_ops_{}_", std::process::id());
    let live = format!("{p}live");
    let stale = format!("{p}stale");
    let corrupt = format!("{p}corrupt");
    let region = SharedRegion::create(&live, 8192).unwrap();
    make_stale(&stale);
    std::fs::write(format!("/dev/shm/zinc_{corrupt}"), b"not a zinc header").unwrap();

    // ls: all three, with their liveness.
    let o = zinc(&["ls"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let ls = text(&o);
    let line = |n: &str| {
        ls.lines()
            .find(|l| l.starts_with(&format!("{n} ")))
            .unwrap_or_else(|| panic!("{n} not in:\n{ls}"))
            .to_owned()
    };
    assert!(line(&live).contains("8192") && line(&live).ends_with("live"), "{}", line(&live));
    assert!(line(&live).contains(&std::process::id().to_string()));
    assert!(line(&stale).contains(" no ") && line(&stale).ends_with("stale"), "{}", line(&stale));
    assert!(line(&corrupt).contains("stale (corrupt"), "{}", line(&corrupt));
    let o = zinc(&["ls", "--json"]);
    assert!(text(&o).starts_with('[') && text(&o).contains(&format!("\"name\":\"{live}\"")));

    // inspect --json: every header key of the spec, plus liveness.
    let o = zinc(&["inspect", &live, "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let j = text(&o);
    for key in [
        "magic",
        "version",
        "flags",
        "notify_seq",
        "capacity",
        "ref_count",
        "owner_pid",
        "created_at",
        "name_hash",
        "ring_head",
        "ring_tail",
        "liveness",
    ] {
        assert!(j.contains(&format!("\"{key}\":")), "missing {key} in {j}");
    }
    assert!(
        j.contains("\"magic\":6505817187982394695")
            && j.contains("\"capacity\":8192")
            && j.contains("\"ref_count\":1")
    );
    assert!(j.contains("\"liveness\":\"live\"") && j.contains("\"valid\":true"));
    let o = zinc(&["inspect", &live]);
    assert!(text(&o).contains("magic:       0x5A494E435F524547"));

    // rm refuses a live region; gc --dry-run removes nothing; gc removes exactly the stale ones.
    let o = zinc(&["rm", &live]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("refusing"));
    assert!(exists(&live));
    let o = zinc(&["gc", "--dry-run", "--prefix", &p]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o).contains("2 stale region(s) would remove, 1 live region(s) kept"), "{}", text(&o));
    assert!(exists(&stale) && exists(&corrupt));
    let o = zinc(&["gc", "--prefix", &p]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(text(&o).contains("2 stale region(s) removed, 1 live region(s) kept"), "{}", text(&o));
    assert!(!exists(&stale) && !exists(&corrupt) && exists(&live));

    // The live region is intact and still follows the protocol.
    let other = SharedRegion::open(&live).unwrap();
    assert_eq!(other.snapshot().ref_count, 2);
    drop(other);

    // rm of a stale region works without --force; rm --force takes a live one.
    make_stale(&stale);
    let o = zinc(&["rm", &stale]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(!exists(&stale));
    let o = zinc(&["rm", "--force", &live]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(!exists(&live));
    assert!(region.snapshot().is_retired());
    drop(region);
    let o = zinc(&["rm", &live]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("code -2"));
}
