//! Platform abstraction. `posix` wraps the system calls every backend shares; exactly one
//! backend (`linux` or `portable`) supplies object birth and the park/wake primitive.
//!
//! | backend    | creation                                   | parking                         |
//! |------------|--------------------------------------------|---------------------------------|
//! | `linux`    | unnamed `O_TMPFILE` in /dev/shm, linked once fully initialised and locked | shared futex |
//! | `portable` | `shm_open(O_CREAT\|O_EXCL)`, locked at once | spin, then yield/sleep backoff |
//!
//! The portable backend is what macOS gets; the `portable` cargo feature selects it on Linux so
//! the test suite runs it there too.

pub mod posix;

#[cfg(all(target_os = "linux", not(feature = "portable")))]
pub mod linux;
#[cfg(all(target_os = "linux", not(feature = "portable")))]
pub use linux as backend;

#[cfg(any(not(target_os = "linux"), feature = "portable"))]
pub mod portable;
#[cfg(any(not(target_os = "linux"), feature = "portable"))]
pub use portable as backend;
