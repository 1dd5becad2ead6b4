//! Test-only crash points. With the `crashpoints` feature, `hit("create:linked")` SIGKILLs the
//! process when the environment variable `ZINC_CRASH_AT` names that point, so the fault-injection
//! suite can kill a real process at every step of create, open, close and reclaim. Without the
//! feature every call compiles to nothing.

/// Every point the lifecycle passes, in order of appearance.
pub const POINTS: &[&str] = &[
    "create:object",
    "create:locked",
    "create:reserved",
    "create:published",
    "create:linked",
    "reclaim:locked",
    "reclaim:retired",
    "reclaim:unlinked",
    "open:opened",
    "open:locked",
    "open:counted",
    "close:uncounted",
    "close:exclusive",
    "close:retired",
    "close:unlinked",
];

#[cfg(feature = "crashpoints")]
pub fn hit(point: &str) {
    debug_assert!(POINTS.contains(&point), "unknown crash point {point}");
    if std::env::var("ZINC_CRASH_AT").is_ok_and(|v| v == point) {
        // SAFETY: raising a signal on ourselves has no memory-safety preconditions.
        unsafe { libc::raise(libc::SIGKILL) };
    }
}

#[cfg(not(feature = "crashpoints"))]
#[inline(always)]
pub fn hit(_point: &str) {}
