//! Multi-process tests of the lifecycle and notify/wait, with real processes (SPEC §4–6).
//!
//! The binary re-executes itself as peers: `multiprocess peer "<script>"` runs a tiny script of
//! region operations (see `run_peer`), printing `ready` lines the parent waits for.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use zinc_core::{SharedRegion, ZincError};

const PAGE: usize = 4096;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("peer") {
        std::process::exit(run_peer(&args[2]));
    }
    let filter = args.iter().skip(1).find(|a| !a.starts_with('-')).cloned();
    let tests: &[(&str, fn())] = &[
        ("write_read_across_processes", write_read_across_processes),
        ("creator_closes_first", creator_closes_first),
        ("opener_closes_first", opener_closes_first),
        ("wait_times_out", wait_times_out),
        ("notifications_coalesce_across_processes", notifications_coalesce_across_processes),
        ("open_after_notify_does_not_see_it", open_after_notify_does_not_see_it),
        ("one_notify_wakes_three_waiters", one_notify_wakes_three_waiters),
        ("parked_waiter_wakes_across_processes", parked_waiter_wakes_across_processes),
        ("sigkill_creator_keeps_region_for_openers", sigkill_creator_keeps_region_for_openers),
        ("sigkill_opener_does_not_leak", sigkill_opener_does_not_leak),
        ("sigkill_everyone_leaves_stale_region_reclaimable", sigkill_everyone_stale_open),
        ("create_reclaims_stale_region", create_reclaims_stale_region),
        ("create_refuses_live_region", create_refuses_live_region),
        ("ref_count_exact_under_churn", ref_count_exact_under_churn),
        ("forked_child_does_not_own", forked_child_does_not_own),
        ("reservation_fails_up_front_with_enospc", reservation_fails_up_front_with_enospc),
        ("objects_are_private_0600", objects_are_private_0600),
        ("hostile_objects_give_corrupted_region", hostile_objects_give_corrupted_region),
        ("invalid_arguments", invalid_arguments),
    ];
    let (mut passed, mut failed) = (0, 0);
    for (name, test) in tests {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let start = Instant::now();
        let result = std::panic::catch_unwind(test);
        let ok = result.is_ok() && no_leak_of(name);
        println!(
            "test {name} ... {} ({:.0} ms)",
            if ok { "ok" } else { "FAILED" },
            start.elapsed().as_secs_f64() * 1e3
        );
        if ok {
            passed += 1
        } else {
            failed += 1
        }
    }
    println!("{passed} passed, {failed} failed");
    std::process::exit(if failed == 0 { 0 } else { 1 });
}

// ---------------------------------------------------------------------------------------------
// helpers

fn unique(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!("t_mp_{}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed), tag)
}

fn shm_path(name: &str) -> String {
    format!("/dev/shm/zinc_{name}")
}

fn exists(name: &str) -> bool {
    Path::new(&shm_path(name)).exists()
}

/// Every test's regions carry this process's pid; none may survive the test.
fn no_leak_of(test: &str) -> bool {
    let prefix = format!("zinc_t_mp_{}_", std::process::id());
    let left: Vec<_> = std::fs::read_dir("/dev/shm")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    let left: Vec<_> = left.into_iter().filter(|n: &String| n.starts_with(&prefix)).collect();
    if !left.is_empty() {
        eprintln!("{test}: leaked {left:?}");
        for n in left {
            let _ = std::fs::remove_file(format!("/dev/shm/{n}"));
        }
        return false;
    }
    true
}

fn pattern(seed: u32, i: usize) -> u8 {
    (((i ^ (i >> 8) ^ (i >> 16)) as u32).wrapping_add(seed) & 0xFF) as u8
}

fn fill(r: &SharedRegion, seed: u32) {
    // SAFETY: test protocol: nobody else touches the region while we fill it.
    let data = unsafe { r.as_mut_slice() };
    data.iter_mut().enumerate().for_each(|(i, b)| *b = pattern(seed, i));
}

fn verify(r: &SharedRegion, seed: u32) -> bool {
    // SAFETY: test protocol: the writer finished before it notified.
    let data = unsafe { r.as_slice() };
    data.iter().enumerate().all(|(i, &b)| b == pattern(seed, i))
}

struct Peer {
    child: Child,
    out: BufReader<ChildStdout>,
}

impl Peer {
    fn spawn(script: &str) -> Peer {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["peer", script])
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn peer");
        let out = BufReader::new(child.stdout.take().unwrap());
        Peer { child, out }
    }

    /// Blocks until the peer printed `line` (panics on EOF: the peer died or failed).
    fn expect(&mut self, line: &str) {
        let mut got = String::new();
        loop {
            got.clear();
            assert!(self.out.read_line(&mut got).unwrap() > 0, "peer ended before printing {line:?}");
            if got.trim() == line {
                return;
            }
        }
    }

    fn finish(mut self) -> i32 {
        self.child.wait().unwrap().code().unwrap_or(-1)
    }

    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// Peer script: `;`-separated commands over one handle.
/// `create N CAP`, `open N`, `fill SEED`, `verify SEED`, `notify`, `wait MS`, `timeout MS`,
/// `ready TAG` (prints TAG), `hold` (sleeps until killed), `close`.
fn run_peer(script: &str) -> i32 {
    let mut region: Option<SharedRegion> = None;
    for cmd in script.split(';').map(str::trim).filter(|c| !c.is_empty()) {
        let w: Vec<&str> = cmd.split_whitespace().collect();
        let ok = match w[0] {
            "create" => SharedRegion::create(w[1], w[2].parse().unwrap()).map(|r| region = Some(r)).is_ok(),
            "open" => SharedRegion::open(w[1]).map(|r| region = Some(r)).is_ok(),
            "fill" => {
                fill(region.as_ref().unwrap(), w[1].parse().unwrap());
                true
            }
            "verify" => verify(region.as_ref().unwrap(), w[1].parse().unwrap()),
            "notify" => {
                region.as_ref().unwrap().notify();
                true
            }
            "wait" => region.as_ref().unwrap().wait(w[1].parse().unwrap()).is_ok(),
            "timeout" => region.as_ref().unwrap().wait(w[1].parse().unwrap()) == Err(ZincError::TimedOut),
            "ready" => {
                println!("{}", w[1]);
                true
            }
            "hold" => loop {
                std::thread::sleep(Duration::from_secs(1));
            },
            "close" => region.take().is_some(),
            other => panic!("unknown peer command {other}"),
        };
        if !ok {
            eprintln!("peer: `{cmd}` failed");
            return 1;
        }
    }
    0
}

// ---------------------------------------------------------------------------------------------
// tests

fn write_read_across_processes() {
    let name = unique("rw");
    let r = SharedRegion::create(&name, 16 * PAGE).unwrap();
    fill(&r, 7);
    let peer = Peer::spawn(&format!("open {name}; verify 7; fill 99; notify; close"));
    r.wait(10_000).unwrap();
    assert!(verify(&r, 99));
    assert_eq!(peer.finish(), 0);
    drop(r);
    assert!(!exists(&name));
}

fn creator_closes_first() {
    let name = unique("cfirst");
    let r = SharedRegion::create(&name, PAGE).unwrap();
    fill(&r, 3);
    let mut peer =
        Peer::spawn(&format!("open {name}; ready opened; wait 10000; verify 3; close; ready closed"));
    peer.expect("opened");
    drop(r);
    assert!(exists(&name), "an opener still holds the region: the name must stay");
    let late = SharedRegion::open(&name).expect("still live while an opener holds it");
    late.notify();
    peer.expect("closed");
    assert_eq!(peer.finish(), 0);
    assert!(exists(&name), "the late opener still holds it");
    drop(late);
    assert!(!exists(&name), "the last handle out removes the region");
}

fn opener_closes_first() {
    let name = unique("ofirst");
    let r = SharedRegion::create(&name, PAGE).unwrap();
    let peer = Peer::spawn(&format!("open {name}; close"));
    assert_eq!(peer.finish(), 0);
    assert!(exists(&name), "openers cannot remove the creator's region");
    assert_eq!(r.snapshot().ref_count, 1);
    drop(r);
    assert!(!exists(&name));
}

fn wait_times_out() {
    let name = unique("timeout");
    let r = SharedRegion::create(&name, PAGE).unwrap();
    let peer = Peer::spawn(&format!("open {name}; timeout 0; timeout 1; timeout 60; close"));
    let start = Instant::now();
    assert_eq!(r.wait(80), Err(ZincError::TimedOut));
    assert!(start.elapsed() >= Duration::from_millis(80), "never returns before the timeout");
    assert_eq!(peer.finish(), 0);
}

fn notifications_coalesce_across_processes() {
    let name = unique("coalesce");
    let r = SharedRegion::create(&name, PAGE).unwrap();
    let peer = Peer::spawn(&format!("open {name}; notify; notify; notify; close"));
    assert_eq!(peer.finish(), 0);
    assert_eq!(r.wait(1000), Ok(()));
    assert_eq!(r.wait(0), Err(ZincError::TimedOut), "three notifies coalesce into one");
}

fn open_after_notify_does_not_see_it() {
    let name = unique("late");
    let r = SharedRegion::create(&name, PAGE).unwrap();
    r.notify();
    let peer = Peer::spawn(&format!("open {name}; timeout 0; timeout 20; close"));
    assert_eq!(peer.finish(), 0);
}

fn one_notify_wakes_three_waiters() {
    let name = unique("fanout");
    let r = SharedRegion::create(&name, PAGE).unwrap();
    let mut peers: Vec<Peer> = (0..3)
        .map(|_| Peer::spawn(&format!("open {name}; ready opened; wait 10000; verify 5; close")))
        .collect();
    peers.iter_mut().for_each(|p| p.expect("opened"));
    fill(&r, 5);
    r.notify();
    for p in peers {
        assert_eq!(p.finish(), 0);
    }
}

fn parked_waiter_wakes_across_processes() {
    let name = unique("parked");
    let r = SharedRegion::create(&name, PAGE).unwrap();
    let mut peer = Peer::spawn(&format!("open {name}; ready opened; wait 10000; close"));
    peer.expect("opened");
    std::thread::sleep(Duration::from_millis(300)); // long past any spin budget: it is parked
    r.notify();
    assert_eq!(peer.finish(), 0);
}

fn sigkill_creator_keeps_region_for_openers() {
    let name = unique("killc");
    let mut creator = Peer::spawn(&format!("create {name} {}; fill 11; ready made; hold", 4 * PAGE));
    creator.expect("made");
    let r = SharedRegion::open(&name).unwrap();
    creator.kill();
    assert!(exists(&name));
    assert!(verify(&r, 11), "data written before the crash survives");
    let second = SharedRegion::open(&name).expect("the region lives while an opener holds it");
    drop(second);
    assert!(exists(&name));
    drop(r);
    assert!(!exists(&name), "the last opener removes a region whose creator died");
}

fn sigkill_opener_does_not_leak() {
    let name = unique("killo");
    let r = SharedRegion::create(&name, PAGE).unwrap();
    let mut opener = Peer::spawn(&format!("open {name}; ready opened; hold"));
    opener.expect("opened");
    opener.kill();
    drop(r);
    assert!(!exists(&name), "a killed opener counts as closed");
}

fn sigkill_everyone_stale_open() {
    let name = unique("stale");
    let mut creator = Peer::spawn(&format!("create {name} {PAGE}; ready made; hold"));
    creator.expect("made");
    creator.kill();
    assert!(exists(&name), "nobody closed it: the object is there, but stale");
    assert_eq!(SharedRegion::open(&name).err(), Some(ZincError::NotFound));
    assert!(!exists(&name), "open collected the stale region");
}

fn create_reclaims_stale_region() {
    let name = unique("reclaim");
    let mut creator = Peer::spawn(&format!("create {name} {PAGE}; fill 1; ready made; hold"));
    creator.expect("made");
    creator.kill();
    let r = SharedRegion::create(&name, 2 * PAGE).expect("a stale name is reclaimed");
    assert_eq!(r.capacity(), 2 * PAGE);
    // SAFETY: nobody else has this fresh region.
    assert!(unsafe { r.as_slice() }.iter().all(|&b| b == 0), "a fresh region, not the stale one");
    drop(r);
    assert!(!exists(&name));
}

fn create_refuses_live_region() {
    let name = unique("live");
    let mut owner =
        Peer::spawn(&format!("create {name} {PAGE}; fill 9; ready made; wait 10000; verify 9; close"));
    owner.expect("made");
    assert_eq!(SharedRegion::create(&name, PAGE).err(), Some(ZincError::AlreadyExists));
    let r = SharedRegion::open(&name).unwrap();
    assert!(verify(&r, 9), "a failed create never touches the live region");
    r.notify();
    assert_eq!(owner.finish(), 0);
    drop(r);
    assert!(!exists(&name));
}

fn ref_count_exact_under_churn() {
    let name = unique("churn");
    let r = SharedRegion::create(&name, PAGE).unwrap();
    let rc = || r.snapshot().ref_count;
    let churn = "open NAME; close; ".repeat(50).replace("NAME", &name);
    let mut holders: Vec<Peer> =
        (0..3).map(|_| Peer::spawn(&format!("open {name}; ready opened; wait 20000; close"))).collect();
    let churners: Vec<Peer> = (0..3).map(|_| Peer::spawn(&churn)).collect();
    holders.iter_mut().for_each(|p| p.expect("opened"));
    for c in churners {
        assert_eq!(c.finish(), 0);
    }
    assert_eq!(rc(), 4, "creator + three holders after 150 open/close pairs");
    drop(r); // the creator leaves first; the holders keep the region alive
    assert!(exists(&name));
    let watcher = SharedRegion::open(&name).unwrap();
    assert_eq!(watcher.snapshot().ref_count, 4, "three holders + watcher");
    watcher.notify();
    for p in holders {
        assert_eq!(p.finish(), 0);
    }
    assert_eq!(watcher.snapshot().ref_count, 1);
    drop(watcher);
    assert!(!exists(&name));
}

fn forked_child_does_not_own() {
    let name = unique("fork");
    let r = SharedRegion::create(&name, PAGE).unwrap();
    // SAFETY: the child only drops its copy of the handle and exits without unwinding.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: the child owns this bitwise copy; the parent's original is untouched.
        drop(unsafe { std::ptr::read(&r) });
        // SAFETY: leaving the child without running the parent's destructors.
        unsafe { libc::_exit(0) };
    }
    let mut status = 0;
    // SAFETY: waiting for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(exists(&name), "a forked child's close must not remove the parent's region");
    assert_eq!(r.snapshot().ref_count, 1);
    drop(r);
    assert!(!exists(&name));
}

fn reservation_fails_up_front_with_enospc() {
    let name = unique("enospc");
    // SAFETY: an all-zero statvfs is a valid value of this plain-data struct.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: statvfs on a valid path into a writable struct.
    assert_eq!(unsafe { libc::statvfs(c"/dev/shm".as_ptr(), &mut st) }, 0);
    let total = st.f_blocks as usize * st.f_frsize as usize;
    let too_big = (total / PAGE + 1024) * PAGE;
    assert_eq!(SharedRegion::create(&name, too_big).err(), Some(ZincError::Platform(libc::ENOSPC)));
    assert!(!exists(&name), "a failed create leaves nothing behind");
}

fn objects_are_private_0600() {
    use std::os::unix::fs::PermissionsExt;
    let name = unique("mode");
    let r = SharedRegion::create(&name, PAGE).unwrap();
    let mode = std::fs::metadata(shm_path(&name)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    drop(r);
}

fn hostile_objects_give_corrupted_region() {
    use std::os::unix::fs::OpenOptionsExt;
    let name = unique("hostile");
    let good = {
        let r = SharedRegion::create(&name, PAGE).unwrap();
        let mut bytes = vec![0u8; 64 + PAGE];
        // SAFETY: reading our own header bytes while nobody writes them.
        unsafe { std::ptr::copy_nonoverlapping(r.as_ptr().sub(64), bytes.as_mut_ptr(), 64) };
        bytes
    };
    let put = |bytes: &[u8]| {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .read(true)
            .mode(0o600)
            .open(shm_path(&name))
            .unwrap();
        std::io::Write::write_all(&mut &f, bytes).unwrap();
        f
    };
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("short", good[..10].to_vec()),
        ("header only", good[..64].to_vec()),
        ("truncated data", good[..64 + 100].to_vec()),
        ("longer than capacity", [good.clone(), vec![0; PAGE]].concat()),
    ];
    let mut patch = |what: &'static str, off: usize, val: &[u8]| {
        let mut b = good.clone();
        b[off..off + val.len()].copy_from_slice(val);
        cases.push((what, b));
    };
    patch("bad magic", 0, &0xDEADBEEFu64.to_ne_bytes());
    patch("bad version", 8, &2u16.to_ne_bytes());
    patch("huge capacity", 16, &u64::MAX.to_ne_bytes());
    patch("zero capacity", 16, &0u64.to_ne_bytes());
    patch("name hash", 40, &1u64.to_ne_bytes());
    for (what, bytes) in cases {
        // Unheld (nobody has it open) and held by a live process (like a live handle).
        for held in [false, true] {
            let f = put(&bytes);
            if held {
                // SAFETY: flock on a descriptor we own.
                unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&f), libc::LOCK_SH) };
            }
            let got = SharedRegion::open(&name).err();
            assert_eq!(got, Some(ZincError::CorruptedRegion), "{what} (held: {held})");
            drop(f);
            std::fs::remove_file(shm_path(&name)).unwrap();
        }
    }
    let f = put(&[]);
    assert!(SharedRegion::open(&name).is_err(), "an empty object is no region");
    drop(f);
    // The portable backend takes an unheld empty object for a creator that died before its
    // first write, and reclaims it; Linux leaves it alone (creation there is atomic).
    let _ = std::fs::remove_file(shm_path(&name));
}

fn invalid_arguments() {
    for bad in ["", "a/b", "a b", &"x".repeat(251)] {
        assert_eq!(SharedRegion::create(bad, PAGE).err(), Some(ZincError::InvalidName), "{bad:?}");
        assert_eq!(SharedRegion::open(bad).err(), Some(ZincError::InvalidName), "{bad:?}");
    }
    let name = unique("size");
    for cap in [0, 1, 100, PAGE + 1, usize::MAX] {
        assert_eq!(SharedRegion::create(&name, cap).err(), Some(ZincError::InvalidSize), "{cap}");
    }
    assert_eq!(SharedRegion::open(&unique("missing")).err(), Some(ZincError::NotFound));
    let r = SharedRegion::create(&name, PAGE).unwrap();
    assert_eq!(r.write(PAGE, &[1]), Err(ZincError::InvalidArgument));
    assert_eq!(r.read(usize::MAX, &mut [0]), Err(ZincError::InvalidArgument));
    assert!(r.write(PAGE - 1, &[1]).is_ok());
}
