//! Per-call cost of `notify()` and `wait(0)` from Rust (the core's own API, and the C ABI
//! entry points called through Rust's FFI) against a bare no-op `extern "C"` call.

use crate::latency::zerr;
use crate::util;
use std::io;
use zinc_core::SharedRegion;

pub struct Overhead {
    pub noop_ns: f64,
    pub notify_ns: f64,
    pub wait0_ns: f64,
    pub ffi_notify_ns: f64,
    pub ffi_wait0_ns: f64,
    /// One CLOCK_MONOTONIC read (vDSO): what the core's spin loop and `adapt` pay per read.
    pub clock_ns: f64,
}

#[inline(never)]
extern "C" fn noop(h: *mut std::ffi::c_void) -> i32 {
    std::hint::black_box(h);
    0
}

fn per_call<F: FnMut()>(iters: u64, mut f: F) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t0 = util::now_ns();
        for _ in 0..iters {
            f();
        }
        let dt = (util::now_ns() - t0) as f64 / iters as f64;
        best = best.min(dt);
    }
    best
}

/// Best of five runs of `iters` calls each.
pub fn measure(iters: u64, tag: &str) -> io::Result<Overhead> {
    let name = format!("zbench_{}_{}_ovh", std::process::id(), tag);
    let r = SharedRegion::create(&name, 4096).map_err(zerr)?;
    let mut h: zinc_core::ffi::ZincHandle = std::ptr::null_mut();
    let cname = std::ffi::CString::new(name.clone()).unwrap();
    // SAFETY: valid C string and out pointer.
    let rc = unsafe { zinc_core::ffi::zinc_open(cname.as_ptr(), &mut h) };
    if rc != 0 {
        return Err(io::Error::other(format!("zinc_open failed: {rc}")));
    }
    let f: extern "C" fn(*mut std::ffi::c_void) -> i32 = std::hint::black_box(noop);
    let noop_ns = per_call(iters, || {
        std::hint::black_box(f(std::hint::black_box(std::ptr::null_mut())));
    });
    let notify_ns = per_call(iters, || r.notify());
    let wait0_ns = per_call(iters, || {
        let _ = std::hint::black_box(r.wait(0));
    });
    // SAFETY: `h` is a live handle until zinc_close below.
    let ffi_notify_ns = per_call(iters, || unsafe { zinc_core::ffi::zinc_notify(std::hint::black_box(h)) });
    // SAFETY: as above.
    let ffi_wait0_ns = per_call(iters, || unsafe {
        std::hint::black_box(zinc_core::ffi::zinc_wait(std::hint::black_box(h), 0));
    });
    let clock_ns = per_call(iters, || {
        std::hint::black_box(util::now_ns());
    });
    // SAFETY: closing our own handle once.
    unsafe { zinc_core::ffi::zinc_close(h) };
    drop(r);
    Ok(Overhead { noop_ns, notify_ns, wait0_ns, ffi_notify_ns, ffi_wait0_ns, clock_ns })
}
