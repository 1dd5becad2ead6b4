//! A hostile user on the same host, and resource limits (issue 14, docs/THREAT_MODEL.md).
//!
//! Every scenario runs in a child process (this binary re-executed as `hostile role ...`), so
//! a SIGBUS or a hang shows up as a failed test instead of killing or blocking the runner.
//! Cross-user roles run as `nobody` through util-linux `setpriv`; the small-/dev/shm scenario
//! runs in a private mount namespace (`unshare -m`) with its own 64 MiB tmpfs. Both need root,
//! which CI and the development machines have; as another user those tests say SKIPPED.

mod common;
use std::ffi::CString;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use zinc_core::{admin, SharedRegion, ZincError};

const NOBODY: u32 = 65534;
const PAGE: usize = 4096;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("role") {
        std::process::exit(role(&args[2], &args[3..]));
    }
    let filter = args.iter().skip(1).find(|a| !a.starts_with('-')).cloned();
    type Test = (&'static str, fn() -> Outcome);
    let tests: &[Test] = &[
        ("size_flipping_foreign_object_never_crashes", size_flipping_foreign_object_never_crashes),
        ("foreign_region_is_refused", foreign_region_is_refused),
        ("fifo_never_blocks", fifo_never_blocks),
        ("foreign_lease_never_blocks", foreign_lease_never_blocks),
        ("restart_after_sigkill_on_a_small_shm", restart_after_sigkill_on_a_small_shm),
        ("open_failing_after_its_lock_does_not_leak", open_failing_after_its_lock_does_not_leak),
        ("close_at_the_fd_limit_still_removes", close_at_the_fd_limit_still_removes),
        ("killed_parked_waiters_leave_idle_waiters_idle", killed_parked_waiters_leave_idle_waiters_idle),
        ("directory_is_not_a_region", directory_is_not_a_region),
    ];
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (name, test) in tests {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let start = Instant::now();
        let outcome = std::panic::catch_unwind(test).unwrap_or(Outcome::Failed);
        let leaked = leaked();
        let outcome = if leaked.is_empty() { outcome } else { Outcome::Failed };
        let verdict = match outcome {
            Outcome::Passed => {
                passed += 1;
                "ok"
            }
            Outcome::Skipped(why) => {
                skipped += 1;
                println!("  skipped: {why}");
                "SKIPPED"
            }
            Outcome::Failed => {
                failed += 1;
                "FAILED"
            }
        };
        if !leaked.is_empty() {
            println!("  leaked in /dev/shm: {leaked:?}");
            cleanup();
        }
        println!("test {name} ... {verdict} ({:.0} ms)", start.elapsed().as_secs_f64() * 1e3);
    }
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    std::process::exit(if failed == 0 { 0 } else { 1 });
}

enum Outcome {
    Passed,
    Failed,
    Skipped(&'static str),
}

fn check(ok: bool) -> Outcome {
    if ok {
        Outcome::Passed
    } else {
        Outcome::Failed
    }
}

fn tag() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!("t_hostile_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

fn path(name: &str) -> String {
    format!("/dev/shm/zinc_{name}")
}

fn leaked() -> Vec<String> {
    let prefix = format!("zinc_t_hostile_{}_", std::process::id());
    std::fs::read_dir("/dev/shm")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.starts_with(&prefix))
                .collect()
        })
        .unwrap_or_default()
}

fn cleanup() {
    for n in leaked() {
        let p = format!("/dev/shm/{n}");
        let _ = std::fs::remove_file(&p).or_else(|_| std::fs::remove_dir(&p));
    }
}

fn root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// This binary as `hostile role <role> <args>`, optionally as `nobody`.
fn role_command(role: &str, args: &[&str], as_nobody: bool) -> Command {
    let mut cmd = common::this_binary(as_nobody);
    cmd.arg("role").arg(role).args(args);
    cmd
}

/// Waits for `child` at most `limit`; kills it (and reports None) if it is still running.
fn wait_at_most(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Runs a role to completion within `limit`: Some(stdout) when it exited 0.
fn run_role(role: &str, args: &[&str], as_nobody: bool, limit: Duration) -> Option<String> {
    let mut child = role_command(role, args, as_nobody).stdout(Stdio::piped()).spawn().unwrap();
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let status = wait_at_most(&mut child, limit);
    let text = reader.join().unwrap();
    print!("{}", text.lines().map(|l| format!("  {role}: {l}\n")).collect::<String>());
    match status {
        Some(s) if s.success() => Some(text),
        Some(s) => {
            println!("  {role}: exited with {s}");
            None
        }
        None => {
            println!("  {role}: still running after {limit:?}: killed");
            None
        }
    }
}

fn code<T>(r: zinc_core::Result<T>) -> i32 {
    r.map_or_else(ZincError::code, |_| 0)
}

// ---------------------------------------------------------------------------------------------
// 1. Another user's object whose size flips between 0 and 4160 bytes: no operation may SIGBUS.

fn size_flipping_foreign_object_never_crashes() -> Outcome {
    if !root() {
        return Outcome::Skipped("needs root to give the object to another user");
    }
    let name = tag();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o666)
        .open(path(&name))
        .unwrap();
    std::fs::set_permissions(path(&name), std::fs::Permissions::from_mode(0o666)).unwrap();
    std::os::unix::fs::fchown(&file, Some(NOBODY), Some(NOBODY)).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let flipper = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut len = 0u64;
            while !stop.load(Ordering::Relaxed) {
                len = if len == 0 { 4160 } else { 0 };
                let _ = file.set_len(len);
            }
        })
    };
    let out = run_role("poke", &[&name, "1500"], false, Duration::from_secs(20));
    stop.store(true, Ordering::Relaxed);
    flipper.join().unwrap();
    let _ = std::fs::remove_file(path(&name));
    check(out.is_some())
}

/// Hammers every entry point at `name` for `ms` milliseconds; each must give -1 (foreign).
fn role_poke(name: &str, ms: u64) -> i32 {
    let until = Instant::now() + Duration::from_millis(ms);
    let mut rounds = 0u64;
    let mut wrong = Vec::new();
    while Instant::now() < until {
        let codes = [
            ("create", code(SharedRegion::create(name, PAGE))),
            ("open", code(SharedRegion::open(name))),
            ("rm", admin::remove(name, false).map_or_else(|e| e.code(), |_| 0)),
            (
                "gc",
                admin::collect_stale_matching(false, |n| n == name).map_or_else(ZincError::code, |r| {
                    r.errors.first().map_or(if r.stale.is_empty() { 1 } else { 0 }, |(_, e)| e.code())
                }),
            ),
        ];
        for (what, c) in codes {
            if c != -1 && c != -2 {
                wrong.push(format!("{what} {c}"));
            }
        }
        let _ = admin::inspect(name); // reads with pread: any answer, but no crash
        rounds += 1;
    }
    println!("{rounds} rounds, unexpected codes: {:?}", &wrong[..wrong.len().min(5)]);
    i32::from(!wrong.is_empty())
}

// ---------------------------------------------------------------------------------------------
// 2. A live region of another user, chmod 0666: open and create refuse it with -1.

fn foreign_region_is_refused() -> Outcome {
    if !root() {
        return Outcome::Skipped("needs root to run a role as nobody");
    }
    let name = tag();
    let mut owner =
        role_command("hold", &[&name], true).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(owner.stdout.take().unwrap()).lines();
    if lines.next().and_then(|l| l.ok()).as_deref() != Some("ready") {
        let _ = owner.kill();
        let _ = owner.wait();
        return Outcome::Failed;
    }
    let open = SharedRegion::open(&name).err();
    let create = SharedRegion::create(&name, PAGE).err();
    let message = ZincError::PermissionDenied.to_string();
    println!("  open: {open:?}, create: {create:?} ({message})");
    drop(owner.stdin.take());
    let status = wait_at_most(&mut owner, Duration::from_secs(10));
    check(
        open == Some(ZincError::PermissionDenied)
            && create == Some(ZincError::PermissionDenied)
            && message.contains("another user")
            && status.is_some_and(|s| s.success()),
    )
}

/// As `nobody`: creates `name`, opens it to everyone (0666), holds it until stdin closes.
fn role_hold(name: &str) -> i32 {
    let r = SharedRegion::create(name, PAGE).unwrap();
    std::fs::set_permissions(path(name), std::fs::Permissions::from_mode(0o666)).unwrap();
    println!("ready");
    std::io::stdout().flush().unwrap();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    drop(r);
    0
}

// ---------------------------------------------------------------------------------------------
// 3. A FIFO, and a file under another user's write lease: nothing blocks.

fn fifo_never_blocks() -> Outcome {
    let name = tag();
    let p = CString::new(path(&name)).unwrap();
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::mkfifo(p.as_ptr(), 0o666) }, 0);
    let out = run_role("probe", &[&name], false, Duration::from_secs(10));
    let _ = std::fs::remove_file(path(&name));
    check(out.is_some_and(|o| {
        o.contains("open -74") && o.contains("create -74") && o.contains("gc-dry-run not stale")
    }))
}

fn foreign_lease_never_blocks() -> Outcome {
    if !root() {
        return Outcome::Skipped("needs root to run a role as nobody");
    }
    let name = tag();
    let mut holder =
        role_command("lease", &[&name], true).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(holder.stdout.take().unwrap()).lines();
    let ready = lines.next().and_then(|l| l.ok());
    if ready.as_deref() != Some("ready") {
        println!("  lease holder said {ready:?}");
        let _ = holder.kill();
        let _ = holder.wait();
        let _ = std::fs::remove_file(path(&name));
        return Outcome::Skipped("this file system refused a write lease");
    }
    let start = Instant::now();
    let out = run_role("probe", &[&name], false, Duration::from_secs(20));
    let took = start.elapsed();
    drop(holder.stdin.take());
    let _ = wait_at_most(&mut holder, Duration::from_secs(10));
    let _ = std::fs::remove_file(path(&name));
    println!("  probes took {took:?}");
    check(
        out.is_some_and(|o| o.contains("open -1") && o.contains("create -1"))
            && took < Duration::from_secs(5),
    )
}

/// As `nobody`: makes `name` (a plain file it owns) and holds a write lease on it.
fn role_lease(name: &str) -> i32 {
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o644)
        .open(path(name))
        .unwrap();
    f.set_len(4160).unwrap();
    drop(f);
    let f = std::fs::File::open(path(name)).unwrap();
    // SAFETY: plain fcntl on a descriptor we own.
    if unsafe { libc::fcntl(f.as_raw_fd(), libc::F_SETLEASE, libc::F_WRLCK) } != 0 {
        println!("no lease: {}", std::io::Error::last_os_error());
        return 0;
    }
    println!("ready");
    std::io::stdout().flush().unwrap();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    0
}

/// Every entry point once at `name`, printing each code; the parent enforces the time limit.
fn role_probe(name: &str) -> i32 {
    println!("open {}", code(SharedRegion::open(name)));
    println!("create {}", code(SharedRegion::create(name, PAGE)));
    println!("inspect {}", code(admin::inspect(name)));
    println!("list {}", code(admin::list()));
    println!("rm {}", admin::remove(name, false).map_or_else(|e| e.code(), |_| 0));
    match admin::collect_stale_matching(true, |n| n == name) {
        Ok(r) if r.stale.is_empty() => println!("gc-dry-run not stale {:?}", r.errors),
        Ok(r) => println!("gc-dry-run would remove {:?}", r.stale),
        Err(e) => println!("gc-dry-run {}", e.code()),
    }
    0
}

// ---------------------------------------------------------------------------------------------
// 4. A 64 MiB /dev/shm (Docker's default): a service holding 40 MiB is SIGKILLed; its restart
//    must be able to create the same region again.

fn restart_after_sigkill_on_a_small_shm() -> Outcome {
    if !root() {
        return Outcome::Skipped("needs root for a private /dev/shm");
    }
    let exe = std::env::current_exe().unwrap();
    let script = "mount -t tmpfs -o size=64m zinc-hostile-test /dev/shm && exec \"$0\" role small-shm";
    let mut child = Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", script])
        .arg(exe)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    print!("{}", out.lines().map(|l| format!("  small-shm: {l}\n")).collect::<String>());
    check(wait_at_most(&mut child, Duration::from_secs(60)).is_some_and(|s| s.success()))
}

fn role_small_shm() -> i32 {
    let name = "service";
    let cap = 40 << 20;
    let mut victim = role_command("create-and-die", &[name, &cap.to_string()], false).spawn().unwrap();
    let status = victim.wait().unwrap();
    println!("first run: {status}");
    let restarted = SharedRegion::create(name, cap);
    println!("restart create: {:?}", restarted.as_ref().err());
    let ok = restarted.is_ok();
    drop(restarted);
    i32::from(!ok || std::path::Path::new(&path(name)).exists())
}

fn role_create_and_die(name: &str, cap: usize) -> i32 {
    let r = SharedRegion::create(name, cap).unwrap();
    r.write(0, b"state").unwrap();
    // SAFETY: raising a signal on ourselves.
    unsafe { libc::raise(libc::SIGKILL) };
    1
}

// ---------------------------------------------------------------------------------------------
// 5. An open that fails (mmap ENOMEM) after taking its shared lock, racing the creator's close:
//    whoever leaves last must remove the region.

fn open_failing_after_its_lock_does_not_leak() -> Outcome {
    let name = tag();
    check(run_role("enomem-race", &[&name, "60"], false, Duration::from_secs(60)).is_some())
}

fn set_limit(resource: libc::__rlimit_resource_t, soft: u64) {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: plain getrlimit/setrlimit on a local struct.
    unsafe {
        libc::getrlimit(resource, &mut lim);
        lim.rlim_cur = soft.min(lim.rlim_max);
        libc::setrlimit(resource, &lim);
    }
}

fn vm_size() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmSize:"))
        .unwrap()
        .trim()
        .trim_end_matches(" kB")
        .trim()
        .parse()
        .unwrap();
    kb * 1024
}

fn role_enomem_race(name: &str, cycles: u32) -> i32 {
    let cap = (256 << 20).to_string();
    let mut seed = 0x9E37_79B9u32;
    let (mut leaks, mut enomem) = (0, 0);
    for _ in 0..cycles {
        set_limit(libc::RLIMIT_AS, libc::RLIM_INFINITY);
        // The creator is another process, so its close gives no address space back to us.
        let mut creator = role_command("creator", &[name, &cap], false)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut said = BufReader::new(creator.stdout.take().unwrap()).lines();
        assert_eq!(said.next().and_then(|l| l.ok()).as_deref(), Some("ready"));
        let closed = Arc::new(AtomicBool::new(false));
        let go = Arc::new(std::sync::Barrier::new(2));
        let opener = {
            let (go, closed, name) = (Arc::clone(&go), Arc::clone(&closed), name.to_owned());
            std::thread::spawn(move || {
                go.wait(); // started (its stacks exist) before the limit comes down
                go.wait();
                let mut failures = 0;
                // Open until the creator has closed; then stop, so no later open can tidy up.
                while !closed.load(Ordering::SeqCst) {
                    match SharedRegion::open(&name) {
                        Err(ZincError::Platform(libc::ENOMEM)) => failures += 1,
                        Err(ZincError::NotFound) => break,
                        Err(e) => panic!("unexpected {e:?}"),
                        Ok(_) => panic!("open succeeded under the address-space limit"),
                    }
                }
                failures
            })
        };
        go.wait();
        set_limit(libc::RLIMIT_AS, vm_size() + (32 << 20));
        go.wait();
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        std::thread::sleep(Duration::from_micros(u64::from(seed % 500)));
        let mut stdin = creator.stdin.take().unwrap();
        writeln!(stdin, "close").unwrap();
        assert_eq!(said.next().and_then(|l| l.ok()).as_deref(), Some("closed"));
        closed.store(true, Ordering::SeqCst);
        enomem += opener.join().unwrap();
        set_limit(libc::RLIMIT_AS, libc::RLIM_INFINITY);
        let _ = creator.wait();
        if std::path::Path::new(&path(name)).exists() {
            leaks += 1;
            let _ = std::fs::remove_file(path(name));
        }
    }
    println!("{cycles} cycles, {enomem} opens failed with ENOMEM, {leaks} regions leaked");
    i32::from(leaks > 0 || enomem == 0)
}

/// Creates `name`, says `ready`, closes it when told, says `closed`.
fn role_creator(name: &str, cap: usize) -> i32 {
    let r = SharedRegion::create(name, cap).unwrap();
    println!("ready");
    std::io::stdout().flush().unwrap();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    drop(r);
    println!("closed");
    std::io::stdout().flush().unwrap();
    0
}

// ---------------------------------------------------------------------------------------------
// 6. The last close with no free descriptor left still removes the region.

fn close_at_the_fd_limit_still_removes() -> Outcome {
    if cfg!(feature = "portable") {
        // POSIX shm names have no path to stat: the name→inode check needs a descriptor.
        return Outcome::Skipped("the portable backend needs a descriptor to check a name");
    }
    let name = tag();
    check(run_role("fd-limit", &[&name], false, Duration::from_secs(20)).is_some())
}

/// Takes every free descriptor (copies of stderr).
fn fill(fillers: &mut Vec<i32>) {
    loop {
        // SAFETY: dup of stderr; the caller closes every copy.
        let fd = unsafe { libc::dup(2) };
        if fd < 0 {
            break;
        }
        fillers.push(fd);
    }
}

fn role_fd_limit(name: &str) -> i32 {
    let creator = SharedRegion::create(name, PAGE).unwrap();
    let opener = SharedRegion::open(name).unwrap();
    let highest = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok()?.parse::<u64>().ok())
        .max()
        .unwrap();
    set_limit(libc::RLIMIT_NOFILE, highest + 1);
    let mut fillers = Vec::new();
    fill(&mut fillers);
    // Each close frees its own descriptor: fill that slot again before the next close, so the
    // last one out runs with no free descriptor at all.
    drop(creator);
    fill(&mut fillers);
    drop(opener);
    for fd in fillers {
        // SAFETY: closing descriptors we dup'ed.
        unsafe { libc::close(fd) };
    }
    set_limit(libc::RLIMIT_NOFILE, 1024);
    let left = std::path::Path::new(&path(name)).exists();
    println!("region left behind: {left}");
    let _ = std::fs::remove_file(path(name));
    i32::from(left)
}

// ---------------------------------------------------------------------------------------------
// 7. 256 waiters SIGKILLed while parked must not turn every later idle waiter into a poller.

fn killed_parked_waiters_leave_idle_waiters_idle() -> Outcome {
    if cfg!(feature = "portable") {
        return Outcome::Skipped("the portable backend's waiters poll (yield/sleep backoff) by design");
    }
    let name = tag();
    let region = SharedRegion::create(&name, PAGE).unwrap();
    let mut pids = Vec::new();
    for _ in 0..256 {
        // SAFETY: the runner is single-threaded here; the child only opens, waits and exits.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            if let Ok(r) = SharedRegion::open(&name) {
                let _ = r.wait(u32::MAX);
            }
            // SAFETY: leaving the forked child without running the parent's destructors.
            unsafe { libc::_exit(0) };
        }
        pids.push(pid);
    }
    std::thread::sleep(Duration::from_millis(1500)); // let every one of them park
    for &pid in &pids {
        // SAFETY: killing and reaping our own children.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
            libc::waitpid(pid, std::ptr::null_mut(), 0);
        }
    }
    let out = run_role("idle-wait", &[&name, "1000"], false, Duration::from_secs(20));
    drop(region);
    let switches: u64 = out
        .as_deref()
        .and_then(|o| o.lines().find_map(|l| l.strip_prefix("context switches ")))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(u64::MAX);
    check(switches < 100)
}

fn role_idle_wait(name: &str, ms: u32) -> i32 {
    let r = SharedRegion::open(name).unwrap();
    let before = rusage_switches();
    let res = r.wait(ms);
    let switches = rusage_switches() - before;
    println!("wait: {res:?}");
    println!("context switches {switches}");
    i32::from(res != Err(ZincError::TimedOut))
}

fn rusage_switches() -> u64 {
    // SAFETY: getrusage fills a local struct.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    (ru.ru_nvcsw + ru.ru_nivcsw) as u64
}

// ---------------------------------------------------------------------------------------------
// 8. A directory under a Zinc name: -74 with a true message, and gc does not call it stale.

fn directory_is_not_a_region() -> Outcome {
    let name = tag();
    std::fs::create_dir(path(&name)).unwrap();
    let out = run_role("probe", &[&name], false, Duration::from_secs(10));
    let _ = std::fs::remove_dir(path(&name));
    let message = ZincError::CorruptedRegion.to_string();
    check(
        out.is_some_and(|o| {
            o.contains("open -74") && o.contains("rm -74") && o.contains("gc-dry-run not stale")
        }) && message.contains("not a regular file"),
    )
}

fn role(name: &str, args: &[String]) -> i32 {
    let arg = |i: usize| args[i].as_str();
    match name {
        "poke" => role_poke(arg(0), arg(1).parse().unwrap()),
        "hold" => role_hold(arg(0)),
        "lease" => role_lease(arg(0)),
        "probe" => role_probe(arg(0)),
        "small-shm" => role_small_shm(),
        "create-and-die" => role_create_and_die(arg(0), arg(1).parse().unwrap()),
        "enomem-race" => role_enomem_race(arg(0), arg(1).parse().unwrap()),
        "creator" => role_creator(arg(0), arg(1).parse().unwrap()),
        "fd-limit" => role_fd_limit(arg(0)),
        "idle-wait" => role_idle_wait(arg(0), arg(1).parse().unwrap()),
        other => {
            eprintln!("unknown role {other}");
            2
        }
    }
}
