//! The process-wide settings the core reads from the environment, once (docs/DESIGN.md):
//! `ZINC_SHM_DIR` (where regions live) and `ZINC_SPIN` (the spin policy). Each case runs in a
//! child process of this test binary, since a setting is read once per process.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Instant;
use zinc_core::{admin, SharedRegion, SpinPolicy, ZincError};

/// Child side: `ZINC_SETTINGS_ROLE` names what to do with region `ZINC_SETTINGS_NAME`.
#[test]
fn role_entry() {
    let Ok(role) = std::env::var("ZINC_SETTINGS_ROLE") else { return };
    let name = std::env::var("ZINC_SETTINGS_NAME").unwrap();
    match role.as_str() {
        "hold" => {
            let r = SharedRegion::create(&name, 4096).unwrap();
            r.write(0, b"moved").unwrap();
            println!("@@ ready");
            std::io::stdout().flush().unwrap();
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
        }
        "open" => {
            let code = match SharedRegion::open(&name) {
                Ok(r) => {
                    let mut b = [0u8; 5];
                    r.read(0, &mut b).unwrap();
                    assert_eq!(&b, b"moved");
                    0
                }
                Err(e) => e.code(),
            };
            let listed = admin::list().unwrap().iter().any(|(n, r)| n == &name && r.is_ok());
            println!("@@ open {code} listed {listed}");
        }
        "spin" => {
            let r = SharedRegion::create(&name, 4096).unwrap();
            let start = Instant::now();
            assert_eq!(r.wait(30), Err(ZincError::TimedOut));
            println!("@@ policy {:?} waited {:?}", SpinPolicy::current(), start.elapsed());
        }
        "touch" => {
            let r = SharedRegion::open(&name).unwrap();
            let before = minor_faults();
            let mut sum = 0u64;
            for off in (0..r.capacity()).step_by(4096) {
                let mut b = [0u8; 1];
                r.read(off, &mut b).unwrap();
                sum += u64::from(b[0]);
            }
            println!("@@ faults {} sum {sum}", minor_faults() - before);
        }
        other => panic!("unknown role {other}"),
    }
    std::process::exit(0);
}

fn minor_faults() -> i64 {
    // SAFETY: an all-zero rusage is a valid value; getrusage fills it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into a local struct.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    ru.ru_minflt
}

fn child(role: &str, name: &str, env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args(["role_entry", "--exact", "--nocapture", "--test-threads=1"])
        .env("ZINC_SETTINGS_ROLE", role)
        .env("ZINC_SETTINGS_NAME", name)
        .envs(env.iter().copied())
        .stdout(Stdio::piped());
    c
}

/// What the child said: the text after `@@ ` on each line (the test harness may print its own
/// `test role_entry ... ` in front of it).
fn said(out: &[u8]) -> String {
    String::from_utf8_lossy(out).lines().filter_map(said_on).collect::<Vec<_>>().join("\n")
}

fn said_on(line: &str) -> Option<&str> {
    line.find("@@ ").map(|i| &line[i + 3..])
}

#[test]
fn shm_dir_moves_regions_for_every_process_that_sets_it() {
    if cfg!(feature = "portable") {
        return; // POSIX shm names have no directory: the portable backend ignores the setting
    }
    let name = format!("t_settings_{}", std::process::id());
    let dir = format!("/dev/shm/t_settings_dir_{}", std::process::id());
    std::fs::create_dir(&dir).unwrap();
    let env = [("ZINC_SHM_DIR", dir.as_str())];
    let mut holder = child("hold", &name, &env).stdin(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(holder.stdout.take().unwrap()).lines();
    assert!(lines.any(|l| said_on(&l.unwrap()) == Some("ready")));
    let in_dir = std::path::Path::new(&format!("{dir}/zinc_{name}")).exists();
    let in_default = std::path::Path::new(&format!("/dev/shm/zinc_{name}")).exists();
    let other = child("open", &name, &env).output().unwrap();
    let elsewhere = SharedRegion::open(&name).err();
    drop(holder.stdin.take());
    holder.wait().unwrap();
    let left = std::fs::read_dir(&dir).unwrap().count();
    std::fs::remove_dir(&dir).unwrap();
    assert!(in_dir && !in_default, "the region is not in {dir}");
    assert_eq!(said(&other.stdout), "open 0 listed true");
    assert_eq!(elsewhere, Some(ZincError::NotFound), "a process without the setting looks in /dev/shm");
    assert_eq!(left, 0, "the last close removed it from {dir}");
}

#[test]
fn spin_policy_comes_from_the_environment() {
    for (value, want) in
        [("never", "Never"), ("5000", "Fixed(5000)"), ("adaptive", "Adaptive"), ("bogus", "Adaptive")]
    {
        let name = format!("t_settings_spin_{}_{value}", std::process::id());
        let out = child("spin", &name, &[("ZINC_SPIN", value)]).stderr(Stdio::piped()).output().unwrap();
        let text = said(&out.stdout);
        assert!(text.starts_with(&format!("policy {want} ")), "{value}: {text}");
        let warned = String::from_utf8_lossy(&out.stderr).contains("ignoring ZINC_SPIN");
        assert_eq!(warned, value == "bogus", "{value}");
        assert!(!std::path::Path::new(&format!("/dev/shm/zinc_{name}")).exists());
    }
}

#[test]
fn populate_on_open_prefaults_the_mapping() {
    if cfg!(not(target_os = "linux")) {
        return; // MAP_POPULATE is Linux's
    }
    let name = format!("t_settings_populate_{}", std::process::id());
    let region = SharedRegion::create(&name, 16 << 20).unwrap();
    let faults = |env: &[(&str, &str)]| -> i64 {
        let out = child("touch", &name, env).output().unwrap();
        let text = said(&out.stdout);
        text.strip_prefix("faults ")
            .and_then(|t| t.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{text}"))
    };
    let lazy = faults(&[]);
    let populated = faults(&[("ZINC_POPULATE", "1")]);
    drop(region);
    assert!(populated * 4 < lazy, "ZINC_POPULATE=1: {populated} faults reading 16 MiB, without: {lazy}");
}
