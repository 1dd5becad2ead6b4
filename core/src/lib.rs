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
//! header ([`layout`]) followed by `capacity` bytes of data that Zinc never interprets.
//! Layers, bottom up (private modules in plain text):
//! * [`error`] — codes and messages, used by every layer;
//! * `platform` — POSIX wrappers (every existing object opened as untrusted input), and the
//!   backend (Linux: `O_TMPFILE` birth, shared futex; portable: `O_EXCL` birth, polling),
//!   chosen at compile time;
//! * `header`, `name` — the ABI's data: layout and names;
//! * `region` ([`SharedRegion`]) and `notify` — the crash-safe lifecycle and notify/wait;
//! * [`admin`] — list, inspect, remove and collect regions from the outside (the `zinc` CLI);
//! * [`ffi`] — the eight-function C ABI every other language binds to, over a handle table.

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
