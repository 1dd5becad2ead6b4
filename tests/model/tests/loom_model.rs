//! loom runs of the models in src/lib.rs. Each scenario is explored exhaustively within a
//! preemption bound (`LOOM_MAX_PREEMPTIONS`, default 2 here; raise it for a longer run).
//! The negative controls (`#[should_panic]`) prove the model finds the bugs it is meant to
//! exclude: a leak caused by a shared-lock observer, and lost wake-ups in broken notify/wait.

use loom::sync::Arc;
use loom::thread;
use zinc_model::{Err, Shared, Sys, Variant, Waited, PARKED};

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(2);
    }
    // Retry loops (yield_now) make long but finite paths.
    b.max_branches = 100_000;
    b.check(f);
}

/// A creator closes while an opener opens and closes: no leak, no dead open, exact count.
#[test]
fn creator_closes_while_opener_opens() {
    model(|| {
        let sys = Sys::default();
        let h = sys.create().unwrap();
        let s2 = sys.clone();
        let t = thread::spawn(move || {
            if let Ok(h) = s2.open() {
                s2.close_handle(h);
            }
        });
        sys.close_handle(h);
        t.join().unwrap();
        sys.check_quiescent(false);
    });
}

/// Two creators race for one name while an opener comes and goes.
#[test]
fn competing_creators_and_an_opener() {
    model(|| {
        let sys = Sys::default();
        let ts: Vec<_> = (0..2)
            .map(|_| {
                let s = sys.clone();
                thread::spawn(move || match s.create() {
                    Ok(h) => s.close_handle(h),
                    Err(e) => assert_eq!(e, Err::AlreadyExists),
                })
            })
            .collect();
        if let Ok(h) = sys.open() {
            sys.close_handle(h);
        }
        for t in ts {
            t.join().unwrap();
        }
        sys.check_quiescent(false);
    });
}

/// Makes a region whose only holder died (stale); returns its object.
fn stale(sys: &Sys) -> usize {
    let dead = sys.create().unwrap();
    let obj = dead.obj;
    sys.crash_holding(dead);
    obj
}

#[derive(Clone, Copy)]
enum Role {
    Create,
    Open,
    Gc,
}

fn play(sys: &Sys, role: Role, dead: usize) {
    match role {
        // A stale name never blocks a create: it must be reclaimed, not AlreadyExists...
        // unless the other actor is a creator that won (not in these pairs).
        Role::Create => {
            let h = sys.create().expect("create must reclaim a stale region");
            sys.close_handle(h);
        }
        Role::Open => {
            if let Ok(h) = sys.open() {
                assert_ne!(h.obj, dead, "open adopted the dead region");
                sys.close_handle(h);
            }
        }
        Role::Gc => sys.gc(),
    }
}

/// The creator died holding its region; two actors meet the stale name concurrently.
fn stale_pair(a: Role, b: Role) {
    model(move || {
        let sys = Sys::default();
        let dead = stale(&sys);
        let s = sys.clone();
        let t = thread::spawn(move || play(&s, a, dead));
        play(&sys, b, dead);
        t.join().unwrap();
        sys.check_quiescent(false);
    });
}

#[test]
fn stale_region_create_vs_open() {
    stale_pair(Role::Create, Role::Open);
}

#[test]
fn stale_region_create_vs_gc() {
    stale_pair(Role::Create, Role::Gc);
}

#[test]
fn stale_region_open_vs_gc() {
    stale_pair(Role::Open, Role::Gc);
}

#[test]
fn stale_region_two_openers() {
    stale_pair(Role::Open, Role::Open);
}

/// An observer probing with LOCK_EX|LOCK_NB (admin.rs) never disturbs a last closer.
#[test]
fn exclusive_probe_never_leaks_a_region() {
    model(|| {
        let sys = Sys::default();
        let h = sys.create().unwrap();
        let o = sys.open().unwrap();
        let s = sys.clone();
        let observer = thread::spawn(move || {
            s.observe();
        });
        let s3 = sys.clone();
        let t = thread::spawn(move || s3.close_handle(o));
        sys.close_handle(h);
        t.join().unwrap();
        observer.join().unwrap();
        sys.check_quiescent(false);
    });
}

/// Negative control: an observer that takes a *shared* lock can make the last closer believe
/// another handle lives; the region then leaks. The model must find it.
#[test]
#[should_panic(expected = "leak")]
fn shared_lock_probe_leaks_a_region() {
    model(|| {
        let sys = Sys::default();
        let h = sys.create().unwrap();
        let s = sys.clone();
        let observer = thread::spawn(move || s.observe_with_shared_lock());
        sys.close_handle(h);
        observer.join().unwrap();
        sys.check_quiescent(false);
    });
}

fn notify_once(variant: Variant) {
    model(move || {
        let sh = Arc::new(Shared::new(variant));
        let s = sh.clone();
        let waiter = thread::spawn(move || s.wait(0));
        sh.notify();
        let w = waiter.join().unwrap();
        assert!(matches!(w, Waited::Saw(1) | Waited::Asleep), "{w:?}");
        sh.assert_no_lost_wakeup(0);
    });
}

/// No lost wake-up: a waiter that parks is always woken by a notify that follows.
#[test]
fn notify_wait_never_loses_a_wakeup() {
    notify_once(Variant::Core);
}

/// Two waiters, one notify: neither is left asleep, and the parked bit never disturbs other
/// flag bits.
#[test]
fn two_waiters_are_both_woken_and_other_bits_survive() {
    model(|| {
        let sh = Arc::new(Shared::new(Variant::Core));
        sh.flags.store(0x0001, loom::sync::atomic::Ordering::Relaxed); // a foreign bit survives
        let ws: Vec<_> = (0..2)
            .map(|_| {
                let s = sh.clone();
                thread::spawn(move || s.wait(0))
            })
            .collect();
        sh.notify();
        for w in ws {
            if let Waited::Saw(v) = w.join().unwrap() {
                assert_eq!(v, 1);
            }
        }
        sh.assert_no_lost_wakeup(0);
        // A waiter that announced itself after the notify cleared the bit, then saw the new
        // counter, leaves the bit set (one needless wake later); other bits are never touched.
        let flags = sh.flags.load(loom::sync::atomic::Ordering::SeqCst);
        assert_eq!(flags & !PARKED, 0x0001, "a foreign bit was lost");
    });
}

/// Two waiters and two notifiers: the bit is cleared and re-set in every order, and still no
/// waiter is left asleep once both notifies happened.
#[test]
fn two_waiters_two_notifiers_never_lose_a_wakeup() {
    model(|| {
        let sh = Arc::new(Shared::new(Variant::Core));
        let ws: Vec<_> = (0..2)
            .map(|_| {
                let s = sh.clone();
                thread::spawn(move || s.wait(0))
            })
            .collect();
        let s = sh.clone();
        let other = thread::spawn(move || s.notify());
        sh.notify();
        other.join().unwrap();
        for w in ws {
            let _ = w.join().unwrap();
        }
        sh.assert_no_lost_wakeup(0);
    });
}

/// Negative control: reading the parked bit before bumping the counter loses wake-ups.
#[test]
#[should_panic(expected = "lost wake-up")]
fn check_before_bump_loses_a_wakeup() {
    notify_once(Variant::CheckBeforeBump);
}

/// Negative control: without SeqCst between RMW and load (acquire/release only), the Dekker
/// handshake fails and a wake-up is lost.
#[test]
#[should_panic(expected = "lost wake-up")]
fn acquire_release_alone_loses_a_wakeup() {
    notify_once(Variant::NoSeqCst);
}
