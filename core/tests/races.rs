//! Lifecycle races across real processes (issue 11): several processes create, open, close and
//! reclaim the same name in a loop, creators closing while others open, with and without
//! processes being SIGKILLed while they hold handles, and with a concurrent `gc`.
//!
//! Asserted:
//! * no live region is removed and none is removed twice: while a process holds a handle, the
//!   name must keep referring to that very region (a second, wrong removal would unlink a newer
//!   live region and break this for its holders);
//! * no open of a dead region: a handle is never retired while held;
//! * `ref_count` is exact for live handles: in a quiescent census every worker holds one handle
//!   and the count equals the number of workers;
//! * nothing is left in /dev/shm afterwards.
//!
//! Workers are this test binary re-executed with `ZINC_RACE_ROLE=worker`. Duration: about
//! 12 s; `ZINC_RACE_SECS` scales it.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use zinc_core::admin::{self, Liveness};
use zinc_core::{SharedRegion, ZincError};

const CAP: usize = 4096;
const WORKERS: usize = 4;

/// A small deterministic PRNG (xorshift64*), seeded per worker.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn env_u64(key: &str) -> u64 {
    std::env::var(key).ok().and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn scale() -> f64 {
    std::env::var("ZINC_RACE_SECS").ok().and_then(|v| v.parse::<f64>().ok()).map_or(1.0, |s| s / 12.0)
}

// ---------------------------------------------------------------------------------------------
// Worker side

#[derive(Default, Debug)]
struct Stats {
    created: u64,
    exists: u64,
    opened: u64,
    not_found: u64,
}

fn violation(msg: String) -> ! {
    println!("@@ violation {msg}");
    std::io::stdout().flush().unwrap();
    std::process::exit(3);
}

/// While we hold `h`, the name must refer to this very region, and it must not be retired.
fn check_held(name: &str, h: &SharedRegion, what: &str) {
    let hdr = h.snapshot();
    if hdr.is_retired() {
        violation(format!("{what}: a held handle's region is retired (open returned a dying region)"));
    }
    let mut bytes = [0u8; 64];
    let path = format!("/dev/shm/zinc_{name}");
    match std::fs::File::open(&path).and_then(|mut f| f.read_exact(&mut bytes)) {
        Ok(()) => {}
        Err(e) => violation(format!("{what}: the name of a held, live region vanished ({e})")),
    }
    let created = u64::from_ne_bytes(bytes[32..40].try_into().unwrap());
    let owner = i32::from_ne_bytes(bytes[28..32].try_into().unwrap());
    if created != hdr.created_at || owner != hdr.owner_pid {
        violation(format!("{what}: the name now refers to another region while ours is held"));
    }
}

fn acquire(name: &str, rng: &mut Rng, st: &mut Stats) -> Option<SharedRegion> {
    let create_first = rng.below(2) == 0;
    for attempt in 0..2 {
        let creating = create_first == (attempt == 0);
        let r = if creating { SharedRegion::create(name, CAP) } else { SharedRegion::open(name) };
        match r {
            Ok(h) => {
                if create_first == (attempt == 0) {
                    st.created += 1;
                    h.write(0, &h.snapshot().created_at.to_ne_bytes()).unwrap();
                } else {
                    st.opened += 1;
                }
                return Some(h);
            }
            Err(ZincError::AlreadyExists) => st.exists += 1,
            Err(ZincError::NotFound) => st.not_found += 1,
            Err(e) => violation(format!(
                "{} returned an unexpected error {e:?} ({})",
                if creating { "create" } else { "open" },
                e.code()
            )),
        }
    }
    None
}

fn worker() {
    let name = std::env::var("ZINC_RACE_NAME").unwrap();
    let until = Instant::now() + Duration::from_millis(env_u64("ZINC_RACE_MS"));
    let suicidal = env_u64("ZINC_RACE_SUICIDE") == 1;
    let mut rng = Rng(env_u64("ZINC_RACE_SEED") | 1);
    let mut st = Stats::default();
    let mut held: Vec<SharedRegion> = Vec::new();
    while Instant::now() < until {
        // Take one or two handles (create or open), hold them briefly, close them in a random
        // order (the creator's handle is often not the last out), then pause holding nothing,
        // so the name keeps dying and being born again.
        for _ in 0..1 + rng.below(2) {
            if let Some(h) = acquire(&name, &mut rng, &mut st) {
                check_held(&name, &h, "after acquire");
                held.push(h);
            }
        }
        if rng.below(2) == 0 {
            std::thread::sleep(Duration::from_micros(rng.below(200)));
        }
        for h in &held {
            check_held(&name, h, "while holding");
        }
        if suicidal && !held.is_empty() && rng.below(300) == 0 {
            // Die holding handles: the kernel drops our locks, the region may become stale.
            // SAFETY: raising a signal on ourselves has no memory-safety preconditions.
            unsafe { libc::raise(libc::SIGKILL) };
        }
        while !held.is_empty() {
            let i = rng.below(held.len() as u64) as usize;
            drop(held.swap_remove(i));
        }
        std::thread::sleep(Duration::from_micros(rng.below(300)));
    }
    drop(held);
    if suicidal {
        println!("@@ stats {} {} {} {}", st.created, st.exists, st.opened, st.not_found);
        return;
    }
    // Census: hold exactly one handle, report which region, wait for the parent's go.
    let h = loop {
        if let Some(h) = acquire(&name, &mut rng, &mut st) {
            break h;
        }
    };
    check_held(&name, &h, "census");
    println!(
        "@@ holding {} {} {} {} {}",
        h.snapshot().created_at,
        st.created,
        st.exists,
        st.opened,
        st.not_found
    );
    std::io::stdout().flush().unwrap();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    check_held(&name, &h, "census end");
    drop(h);
}

#[test]
fn worker_entry() {
    if std::env::var("ZINC_RACE_ROLE").as_deref() == Ok("worker") {
        worker();
        std::process::exit(0);
    }
}

// ---------------------------------------------------------------------------------------------
// Parent side

fn spawn_worker(name: &str, ms: u64, seed: u64, suicidal: bool) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["worker_entry", "--exact", "--nocapture", "--test-threads=1"])
        .env("ZINC_RACE_ROLE", "worker")
        .env("ZINC_RACE_NAME", name)
        .env("ZINC_RACE_MS", ms.to_string())
        .env("ZINC_RACE_SEED", seed.to_string())
        .env("ZINC_RACE_SUICIDE", if suicidal { "1" } else { "0" })
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn worker")
}

/// Workers still running when a test panics would go on creating and dying after the test
/// ended, leaving stale regions behind; this kills and reaps whatever is left on the way out.
struct Workers(Vec<(Child, BufReader<std::process::ChildStdout>)>);

impl std::ops::Deref for Workers {
    type Target = Vec<(Child, BufReader<std::process::ChildStdout>)>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Workers {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for (c, _) in self.0.iter_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The next `@@` line of a worker, or None at EOF.
fn next_reply(out: &mut impl BufRead) -> Option<String> {
    let mut line = String::new();
    loop {
        line.clear();
        if out.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if let Some(at) = line.find("@@ ") {
            return Some(line[at + 3..].trim_end().to_owned());
        }
    }
}

fn exists(name: &str) -> bool {
    std::path::Path::new(&format!("/dev/shm/zinc_{name}")).exists()
}

#[test]
fn create_open_close_race_with_exact_census() {
    let name = format!("t_race_{}_census", std::process::id());
    let ms = (3000.0 * scale()) as u64;
    let mut totals = [0u64; 4];
    for round in 0..2u64 {
        let mut kids: Workers = Workers(
            (0..WORKERS as u64)
                .map(|i| {
                    let mut c = spawn_worker(&name, ms, 1000 * round + i + 1, false);
                    let out = BufReader::new(c.stdout.take().unwrap());
                    (c, out)
                })
                .collect(),
        );
        let mut generations = Vec::new();
        for (_, out) in kids.iter_mut() {
            let r = next_reply(out).expect("worker died before the census");
            assert!(!r.starts_with("violation"), "{r}");
            let f: Vec<u64> =
                r.strip_prefix("holding ").unwrap().split(' ').map(|x| x.parse().unwrap()).collect();
            generations.push(f[0]);
            for k in 0..4 {
                totals[k] += f[k + 1];
            }
        }
        // Every worker holds one handle of the same region; the count is exact.
        assert!(
            generations.windows(2).all(|w| w[0] == w[1]),
            "census saw different regions: {generations:?}"
        );
        let info = admin::inspect(&name).unwrap();
        assert_eq!(info.liveness, Liveness::Live);
        assert_eq!(info.header.unwrap().ref_count as usize, WORKERS, "ref_count is not exact");
        assert_eq!(info.header.unwrap().created_at, generations[0]);
        for (c, _) in kids.iter_mut() {
            writeln!(c.stdin.as_mut().unwrap(), "go").unwrap();
        }
        while let Some((mut c, mut out)) = kids.pop() {
            let status = c.wait().unwrap();
            if let Some(r) = next_reply(&mut out) {
                panic!("worker: {r}");
            }
            assert!(status.success(), "worker failed: {status:?}");
        }
        assert!(!exists(&name), "region leaked after every handle closed");
    }
    println!(
        "census race: {} creates, {} AlreadyExists, {} opens, {} NotFound",
        totals[0], totals[1], totals[2], totals[3]
    );
    assert!(totals[0] > WORKERS as u64, "too few generations were created to mean anything");
    assert!(totals[2] > 0 && totals[1] > 0 && totals[3] > 0, "the race never exercised every outcome");
}

#[test]
fn race_with_sigkills_and_concurrent_gc() {
    let name = format!("t_race_{}_kill", std::process::id());
    let total = Duration::from_millis((5000.0 * scale()) as u64);
    let start = Instant::now();
    let mut seed = 77u64;
    let mut spawn = |left: Duration| {
        seed += 1;
        let mut c = spawn_worker(&name, left.as_millis() as u64, seed, true);
        let out = BufReader::new(c.stdout.take().unwrap());
        (c, out)
    };
    let mut kids = Workers((0..WORKERS).map(|_| spawn(total)).collect());
    let (mut kills, mut gc_removed, mut finished) = (0u64, 0usize, 0usize);
    while !kids.is_empty() {
        // A concurrent gc of our name: must only ever remove stale regions (workers check).
        let report = admin::collect_stale_matching(false, |n| n == name).unwrap();
        assert!(report.errors.is_empty(), "gc errors: {:?}", report.errors);
        gc_removed += report.stale.len();
        let mut i = 0;
        while i < kids.len() {
            match kids[i].0.try_wait().unwrap() {
                None => i += 1,
                Some(status) => {
                    let (_, mut out) = kids.swap_remove(i);
                    let reply = next_reply(&mut out);
                    if let Some(r) = reply.as_deref().filter(|r| r.starts_with("violation")) {
                        panic!("worker: {r}");
                    }
                    if status.signal() == Some(libc::SIGKILL) {
                        kills += 1;
                        let left = total.saturating_sub(start.elapsed());
                        if left > Duration::from_millis(50) {
                            kids.push(spawn(left));
                        }
                    } else {
                        assert!(status.success(), "worker failed: {status:?}");
                        finished += 1;
                    }
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // The last holder may have been killed: the region is then stale. Open must refuse it
    // (and reclaims it); gc must leave nothing.
    match SharedRegion::open(&name) {
        Err(ZincError::NotFound) => {}
        other => panic!("open after every worker exited: {:?}", other.map(|_| "a handle")),
    }
    let report = admin::collect_stale_matching(false, |n| n == name).unwrap();
    assert!(report.live.is_empty() && report.errors.is_empty(), "{report:?}");
    assert!(!exists(&name), "region leaked");
    println!("kill race: {kills} workers SIGKILLed holding handles, {finished} finished, gc removed {gc_removed} stale");
    assert!(kills > 0, "no worker was killed: the test exercised nothing");
}
