//! The frozen C ABI (SPEC §3): exactly eight functions. `include/zinc.h` is generated from this
//! file by cbindgen (`make header`); `make test` fails when the committed header is stale.
//!
//! Every function is NULL-safe and catches panics, so nothing unwinds across the boundary and
//! no input aborts the process. A `ZincHandle` is a `Box<SharedRegion>` turned into a raw
//! pointer by create/open and turned back (and dropped) by close.

use crate::error::{self, ZincError, ZINC_EINVAL, ZINC_OK};
use crate::region::SharedRegion;
use std::ffi::{c_char, c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Opaque handle to an open region; NULL is accepted everywhere.
pub type ZincHandle = *mut c_void;

// The error-code constants (ZINC_OK, ZINC_EPERM, ...) are defined in `error.rs`.

/// `zinc_wait` timeout that never expires.
pub const ZINC_WAIT_FOREVER: u32 = u32::MAX;

/// Runs `f`, turning a panic into `fallback` instead of unwinding into C.
fn guard<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// # Safety
/// `h` is NULL or a live handle from `zinc_create`/`zinc_open`.
unsafe fn region<'a>(h: ZincHandle) -> Option<&'a SharedRegion> {
    // SAFETY: per the contract, a non-NULL `h` points to a live boxed `SharedRegion`.
    unsafe { h.cast::<SharedRegion>().as_ref() }
}

/// Shared body of create/open: validates the pointers, runs `make`, stores the handle.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `out` is NULL or writable.
unsafe fn make_handle(
    name: *const c_char,
    out: *mut ZincHandle,
    make: impl FnOnce(&str) -> Result<SharedRegion, ZincError>,
) -> i32 {
    if out.is_null() {
        return ZINC_EINVAL;
    }
    // SAFETY: `out` is non-NULL and writable per the contract.
    unsafe { out.write(std::ptr::null_mut()) };
    if name.is_null() {
        return ZINC_EINVAL;
    }
    // SAFETY: `name` is non-NULL and NUL-terminated per the contract.
    let name = match unsafe { CStr::from_ptr(name) }.to_str() {
        Ok(s) => s,
        Err(_) => return ZincError::InvalidName.code(),
    };
    match make(name) {
        Ok(region) => {
            // SAFETY: `out` is non-NULL and writable per the contract.
            unsafe { out.write(Box::into_raw(Box::new(region)).cast()) };
            ZINC_OK
        }
        Err(e) => e.code(),
    }
}

/// Creates region `name` with `capacity` usable bytes (a non-zero multiple of the page size).
/// Returns 0 and writes a new handle to `*out`, or a negative code and writes NULL.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `out` is NULL or points to writable storage.
#[no_mangle]
pub unsafe extern "C" fn zinc_create(name: *const c_char, capacity: usize, out: *mut ZincHandle) -> i32 {
    // SAFETY: forwarded caller contract.
    guard(ZINC_EINVAL, || unsafe { make_handle(name, out, |n| SharedRegion::create(n, capacity)) })
}

/// Opens the live region `name`. Returns 0 and writes a new handle to `*out`, or a negative
/// code and writes NULL.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `out` is NULL or points to writable storage.
#[no_mangle]
pub unsafe extern "C" fn zinc_open(name: *const c_char, out: *mut ZincHandle) -> i32 {
    // SAFETY: forwarded caller contract.
    guard(ZINC_EINVAL, || unsafe { make_handle(name, out, SharedRegion::open) })
}

/// The data area (byte 64 of the mapping), `zinc_capacity(h)` bytes long; NULL for NULL.
///
/// # Safety
/// `h` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn zinc_ptr(h: ZincHandle) -> *mut u8 {
    // SAFETY: forwarded caller contract.
    guard(std::ptr::null_mut(), || unsafe { region(h) }.map_or(std::ptr::null_mut(), SharedRegion::as_ptr))
}

/// Usable bytes after the header; 0 for NULL.
///
/// # Safety
/// `h` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn zinc_capacity(h: ZincHandle) -> usize {
    // SAFETY: forwarded caller contract.
    guard(0, || unsafe { region(h) }.map_or(0, SharedRegion::capacity))
}

/// Closes the handle (unmaps; the last handle out removes the region). NULL: no-op.
/// Must not race with other calls on the same handle; the handle is invalid afterwards.
///
/// # Safety
/// `h` is NULL or a live handle, not used again after this call.
#[no_mangle]
pub unsafe extern "C" fn zinc_close(h: ZincHandle) {
    if h.is_null() {
        return;
    }
    // SAFETY: `h` came from `Box::into_raw` in create/open and is closed only once.
    let region = unsafe { Box::from_raw(h.cast::<SharedRegion>()) };
    guard((), move || drop(region));
}

/// Wakes every waiter on the region, in every process. NULL: no-op.
///
/// # Safety
/// `h` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn zinc_notify(h: ZincHandle) {
    // SAFETY: forwarded caller contract.
    guard((), || {
        if let Some(r) = unsafe { region(h) } {
            r.notify()
        }
    })
}

/// Waits for a notification this handle has not seen: 0 when the counter moved, -110 on
/// timeout, -22 for NULL. `timeout_ms` 0 polls; `ZINC_WAIT_FOREVER` (UINT32_MAX) never expires.
///
/// # Safety
/// `h` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn zinc_wait(h: ZincHandle, timeout_ms: u32) -> i32 {
    // SAFETY: forwarded caller contract.
    guard(ZINC_EINVAL, || match unsafe { region(h) } {
        None => ZINC_EINVAL,
        Some(r) => r.wait(timeout_ms).map_or_else(ZincError::code, |()| ZINC_OK),
    })
}

/// A static, NUL-terminated, human-readable message for any code; never NULL.
#[no_mangle]
pub extern "C" fn zinc_strerror(code: i32) -> *const c_char {
    error::strerror(code).as_ptr()
}
