//! Zinc benchmarks against the alternatives, side by side in one run (`make bench`).
//!
//! * [`latency`]: notify → wait one way between two pinned processes (shared-clock stamps);
//! * [`handoff`]: bulk handoff of 1 MiB … 1 GiB, writer fills and reader touches every byte;
//! * [`setup`]: region create + open + first touch + close against capacity;
//! * [`overhead`]: the per-call cost of `notify()` / `wait(0)` against a no-op FFI call;
//! * [`quick`]: the sub-minute `zinc bench --quick` that the CLI runs.
//!
//! Every two-process benchmark forks its peer from the calling process: callers must be
//! single-threaded.

pub mod handoff;
pub mod latency;
pub mod overhead;
pub mod pingpong;
pub mod quick;
pub mod setup;
pub mod util;
