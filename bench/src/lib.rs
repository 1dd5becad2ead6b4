//! Zinc benchmarks against the alternatives, side by side in one run (`make bench`).
//!
//! * [`latency`]: notify → wait one way between two pinned processes (shared-clock stamps);
//! * [`handoff`]: bulk handoff of 1 MiB … 1 GiB, writer fills and reader touches every byte;
//! * [`setup`]: region create + a reader's open + first touch + close against capacity;
//! * [`sweep`] (harness in [`rate`]): notify every 10 µs … 100 ms, latency and waiter CPU %;
//! * [`fanout`]: one notify → N waiter processes, time until the last one is awake;
//! * [`msgs`]: 64-byte message throughput through an SPSC ring in a region vs socket / pipe;
//! * [`cold`]: a fresh 100 MiB region per message vs memfd + SCM_RIGHTS;
//! * [`overhead`]: the per-call cost of `notify()` / `wait(0)` against a no-op FFI call;
//! * [`quick`]: the sub-minute `zinc bench --quick` that the CLI runs.
//!
//! Every two-process benchmark forks its peer from the calling process: callers must be
//! single-threaded.

pub mod cold;
pub mod fanout;
pub mod handoff;
pub mod latency;
pub mod msgs;
pub mod overhead;
pub mod pingpong;
pub mod quick;
pub mod rate;
pub mod setup;
pub mod sweep;
pub mod util;
