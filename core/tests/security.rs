//! Security (issue 11 §7, docs/THREAT_MODEL.md): regions are created 0600 whatever the umask, and
//! another user can neither open, take over, remove nor garbage-collect them.
//!
//! The other user is `nobody`, reached with util-linux `setpriv --reuid=nobody --regid=nogroup
//! --clear-groups`, running this test binary again with `ZINC_SEC_ROLE` set. Switching users
//! needs root: as another user the cross-user test reports that it was skipped.

mod common;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::MetadataExt;
use std::process::Stdio;
use zinc_core::admin;
use zinc_core::{SharedRegion, ZincError};

const CAP: usize = 4096;

fn path(name: &str) -> String {
    format!("/dev/shm/zinc_{name}")
}

/// Child side: runs one operation per role and prints `@@ <role> <code>` (0 on success).
#[test]
fn role_entry() {
    let Ok(roles) = std::env::var("ZINC_SEC_ROLE") else { return };
    let name = std::env::var("ZINC_SEC_NAME").unwrap();
    for role in roles.split(',') {
        let code = match role {
            "umask0-create" => {
                // SAFETY: umask only changes this process' file-creation mask.
                unsafe { libc::umask(0) };
                match SharedRegion::create(&name, CAP) {
                    Ok(h) => {
                        let mode = std::fs::metadata(path(&name)).unwrap().mode() & 0o7777;
                        drop(h);
                        mode as i32
                    }
                    Err(e) => e.code(),
                }
            }
            "open" => SharedRegion::open(&name).map_or_else(ZincError::code, |_| 0),
            "create" => SharedRegion::create(&name, CAP).map_or_else(ZincError::code, |_| 0),
            "inspect" => admin::inspect(&name).map_or_else(ZincError::code, |_| 0),
            "rm" => admin::remove(&name, false).map_or_else(|e| e.code(), |_| 0),
            "rm-force" => admin::remove(&name, true).map_or_else(|e| e.code(), |_| 0),
            "gc" => {
                let r = admin::collect_stale_matching(false, |n| n == name).unwrap();
                match r.errors.first() {
                    Some((_, e)) => e.code(),
                    None if r.stale.is_empty() => 1, // saw nothing to remove
                    None => 0,
                }
            }
            other => panic!("unknown role {other}"),
        };
        println!("@@ {role} {code}");
    }
    std::io::stdout().flush().unwrap();
    std::process::exit(0);
}

/// Runs `roles` in a child (optionally as `nobody`) and returns each role's code.
fn run_roles(name: &str, roles: &str, as_nobody: bool) -> Vec<(String, i32)> {
    let mut cmd = common::this_binary(as_nobody);
    let mut child = cmd
        .args(["role_entry", "--exact", "--nocapture", "--test-threads=1"])
        .env("ZINC_SEC_ROLE", roles)
        .env("ZINC_SEC_NAME", name)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn child (is util-linux setpriv installed?)");
    let out = BufReader::new(child.stdout.take().unwrap());
    let mut codes = Vec::new();
    for line in out.lines() {
        let line = line.unwrap();
        if let Some(at) = line.find("@@ ") {
            let (role, code) = line[at + 3..].trim_end().split_once(' ').unwrap();
            codes.push((role.to_owned(), code.parse().unwrap()));
        }
    }
    assert!(child.wait().unwrap().success());
    codes
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn objects_are_created_0600_whatever_the_umask() {
    let name = format!("t_sec_{}_mode", std::process::id());
    let h = SharedRegion::create(&name, CAP).unwrap();
    let meta = std::fs::metadata(path(&name)).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o600);
    // SAFETY: geteuid cannot fail.
    assert_eq!(meta.uid(), unsafe { libc::geteuid() });
    drop(h);
    // A process with umask 0 still creates 0600 (not 0666).
    let codes = run_roles(&format!("{name}_u"), "umask0-create", false);
    assert_eq!(codes, vec![("umask0-create".to_owned(), 0o600)]);
    assert!(!std::path::Path::new(&path(&name)).exists());
}

#[test]
fn another_user_can_neither_open_nor_remove_a_region() {
    if !is_root() {
        eprintln!(
            "SKIPPED another_user_can_neither_open_nor_remove_a_region: needs root to switch to nobody"
        );
        return;
    }
    // A live region.
    let live = format!("t_sec_{}_live", std::process::id());
    let h = SharedRegion::create(&live, CAP).unwrap();
    h.write(0, b"secret").unwrap();
    let codes = run_roles(&live, "open,create,inspect,rm,rm-force,gc", true);
    let expect: Vec<(String, i32)> =
        ["open", "create", "inspect", "rm", "rm-force", "gc"].iter().map(|r| (r.to_string(), -1)).collect();
    assert_eq!(codes, expect, "another user must get EPERM (-1) for every operation");
    let mut b = [0u8; 6];
    h.read(0, &mut b).unwrap();
    assert_eq!(&b, b"secret");
    assert!(!h.snapshot().is_retired(), "another user retired our region");
    assert_eq!(h.snapshot().ref_count, 1);

    // A stale region (every holder died) still belongs to its user: nobody's gc cannot take it.
    let stale = format!("t_sec_{}_stale", std::process::id());
    std::fs::write(path(&stale), [0u8; 64]).unwrap();
    std::fs::set_permissions(path(&stale), std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let codes = run_roles(&stale, "gc,rm,create", true);
    assert_eq!(codes, vec![("gc".into(), -1), ("rm".into(), -1), ("create".into(), -1)]);
    assert!(std::path::Path::new(&path(&stale)).exists(), "another user removed a stale region");
    assert_eq!(admin::remove(&stale, false), Ok(admin::Removed::Stale));
    drop(h);
    assert!(!std::path::Path::new(&path(&live)).exists());
}
