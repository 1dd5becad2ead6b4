//! # Zinc — zero-copy named shared memory for polyglot stacks
//!
//! ```
//! use zinc_core::SharedRegion;
//! let name = format!("quick_{}", std::process::id());
//! let region = SharedRegion::create(&name, 1 << 20)?;   // 1 MiB, zero-filled
//! region.write(0, &[1, 2, 3])?;
//! region.notify();                                        // wake every waiter, everywhere
//! # Ok::<(), zinc_core::ZincError>(())
//! ```
//!
//! A region is a named POSIX shared-memory object (`/dev/shm/zinc_<name>`) with a 64-byte
//! header ([`header`]) followed by `capacity` bytes of data that Zinc never interprets.
//! Layers, bottom up:
//! * [`platform`] — POSIX wrappers, and the backend (Linux: `O_TMPFILE` birth, shared futex;
//!   portable: `O_EXCL` birth, polling), chosen at compile time;
//! * [`header`], [`name`], [`error`] — the ABI's data: layout, names, codes;
//! * [`region`] and [`notify`] — the crash-safe lifecycle and the notify/wait protocol;
//! * [`ffi`] — the eight-function C ABI every other language binds to.

pub mod admin;
#[doc(hidden)]
pub mod crashpoint;
pub mod error;
pub mod ffi;
mod handles;
mod header;
mod name;
mod notify;
mod platform;
mod region;

pub use error::{Result, ZincError};
pub use header::HeaderSnapshot;
pub use notify::SpinPolicy;
pub use region::SharedRegion;

/// The region layout's constants (SPEC §2) and the name rules, read-only, for tools that look
/// at objects from the outside (fuzzers, inspectors).
pub mod layout {
    pub use crate::header::{FLAG_PARKED, FLAG_RETIRED, HEADER_SIZE, MAGIC, VERSION};
    pub use crate::name::{fnv1a64, validate as validate_name, MAX_NAME_LEN, OBJECT_PREFIX};
}
