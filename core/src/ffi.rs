//! The frozen C ABI (SPEC §3): exactly eight functions. `include/zinc.h` is generated from this
//! file by cbindgen (`make header`); `make test` fails when the committed header is stale.
//!
//! Every function is NULL-safe and catches panics, so nothing unwinds across the boundary and
//! no input aborts the process. A `ZincHandle` is an entry of the handle table ([`handles`]),
//! not a pointer: closing a handle while other threads wait on it wakes them with -9, and a
//! closed handle passed again is refused instead of touching freed memory.
//!
//! [`handles`]: crate::handles

use crate::error::{self, ZincError, ZINC_EBADF, ZINC_EINVAL, ZINC_OK};
use crate::handles;
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
        Ok(region) => match handles::insert(region) {
            Ok(handle) => {
                // SAFETY: `out` is non-NULL and writable per the contract.
                unsafe { out.write(handle as ZincHandle) };
                ZINC_OK
            }
            Err(e) => e.code(),
        },
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

/// Runs `f` on the handle's region while it is entered (so a concurrent close waits for us), or
/// returns `closed` for a NULL, closed or unknown handle.
fn with_region<T>(h: ZincHandle, closed: T, f: impl FnOnce(&SharedRegion) -> T) -> T {
    match handles::enter(h as usize) {
        Some(entered) => f(entered.region()),
        None => closed,
    }
}

/// The data area (byte 64 of the mapping), `zinc_capacity(h)` bytes long, valid until the
/// handle is closed; NULL for a NULL or closed handle.
///
/// # Safety
/// None beyond passing a value that create/open returned, NULL, or garbage: every handle
/// value is checked against the handle table.
#[no_mangle]
pub unsafe extern "C" fn zinc_ptr(h: ZincHandle) -> *mut u8 {
    guard(std::ptr::null_mut(), || with_region(h, std::ptr::null_mut(), SharedRegion::as_ptr))
}

/// Usable bytes after the header; 0 for a NULL or closed handle.
///
/// # Safety
/// None: every handle value is checked (see `zinc_ptr`).
#[no_mangle]
pub unsafe extern "C" fn zinc_capacity(h: ZincHandle) -> usize {
    guard(0, || with_region(h, 0, SharedRegion::capacity))
}

/// Closes the handle: unmaps, and the last handle out removes the region. Safe while other
/// threads use the same handle: their waits return -9 (`ZINC_EBADF`) and close returns once every
/// call in flight has left. NULL, or a handle already closed: no-op.
///
/// # Safety
/// None: every handle value is checked (see `zinc_ptr`). Pointers from `zinc_ptr` die here.
#[no_mangle]
pub unsafe extern "C" fn zinc_close(h: ZincHandle) {
    guard((), || handles::close(h as usize))
}

/// Wakes every waiter on the region, in every process. NULL or closed handle: no-op.
///
/// # Safety
/// None: every handle value is checked (see `zinc_ptr`).
#[no_mangle]
pub unsafe extern "C" fn zinc_notify(h: ZincHandle) {
    guard((), || with_region(h, (), SharedRegion::notify))
}

/// Waits for a notification this handle has not seen: 0 when the counter moved, -110 on
/// timeout, -22 for NULL, -9 for a closed handle (also when another thread closes it during the
/// wait). `timeout_ms` 0 polls; `ZINC_WAIT_FOREVER` (UINT32_MAX) never expires.
///
/// # Safety
/// None: every handle value is checked (see `zinc_ptr`).
#[no_mangle]
pub unsafe extern "C" fn zinc_wait(h: ZincHandle, timeout_ms: u32) -> i32 {
    if h.is_null() {
        return ZINC_EINVAL;
    }
    guard(ZINC_EINVAL, || {
        with_region(h, ZINC_EBADF, |r| r.wait(timeout_ms).map_or_else(ZincError::code, |()| ZINC_OK))
    })
}

/// A static, NUL-terminated, human-readable message for any code; never NULL.
#[no_mangle]
pub extern "C" fn zinc_strerror(code: i32) -> *const c_char {
    error::strerror(code).as_ptr()
}
