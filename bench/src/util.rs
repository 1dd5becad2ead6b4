//! Plumbing shared by every benchmark (and, through `#[path]`, by the iceoryx2 side binary):
//! the shared clock, CPU pinning, fork, shared anonymous memory, percentiles and tiny JSON.
//!
//! Only `libc` and `std` are used here so the iceoryx2 crate can include this file as is.

#![allow(dead_code)]

use std::io;
use std::sync::atomic::AtomicU32;

/// CLOCK_MONOTONIC in ns. It is one clock for every process on the machine (vDSO, no syscall),
/// so a timestamp taken in one process and compared in another is a real one-way interval.
#[inline(always)]
pub fn now_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: valid out pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Number of CPUs this process may run on.
pub fn cpu_count() -> usize {
    // SAFETY: plain sysconf.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    if n < 1 {
        1
    } else {
        n as usize
    }
}

/// Pins the calling process (thread) to one CPU with sched_setaffinity; false when it can't.
pub fn pin_to_cpu(cpu: usize) -> bool {
    if cpu >= cpu_count() {
        return false;
    }
    // SAFETY: a zeroed cpu_set_t is a valid empty set; CPU_SET within bounds.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

/// Allows the calling process on every CPU again.
pub fn unpin() {
    // SAFETY: as in `pin_to_cpu`.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        for c in 0..cpu_count() {
            libc::CPU_SET(c, &mut set);
        }
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

/// The placement used by every two-process benchmark: the driver (sender/writer) on CPU 0 and
/// the peer (receiver/reader) on CPU 1, when the machine has two CPUs.
pub const DRIVER_CPU: usize = 0;
pub const PEER_CPU: usize = 1;

/// Forks; the child pins itself to `cpu` (if any), runs `f`, and `_exit`s with 0 on Ok or 1 on
/// Err (printing the error). Returns the child's pid. The caller must be single-threaded.
pub fn fork_child<F: FnOnce() -> io::Result<()>>(cpu: Option<usize>, f: F) -> io::Result<libc::pid_t> {
    // SAFETY: fork in a single-threaded caller; the child only runs `f` and `_exit`s.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        if let Some(c) = cpu {
            pin_to_cpu(c);
        }
        let code = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(Ok(())) => 0,
            Ok(Err(e)) => {
                eprintln!("zinc-bench child: {e}");
                1
            }
            Err(_) => 2,
        };
        // SAFETY: leave without running the parent's atexit handlers or destructors.
        unsafe { libc::_exit(code) };
    }
    Ok(pid)
}

/// Waits for a child; Err when it did not exit with 0.
pub fn reap(pid: libc::pid_t) -> io::Result<()> {
    let mut status = 0;
    loop {
        // SAFETY: plain waitpid on our own child.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            break;
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
    if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
        Ok(())
    } else {
        Err(io::Error::other(format!("peer process failed (wait status {status:#x})")))
    }
}

/// Kills (SIGKILL) and reaps a child we started, ignoring errors.
pub fn kill_child(pid: libc::pid_t) {
    // SAFETY: signalling and reaping our own child.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
        let mut st = 0;
        libc::waitpid(pid, &mut st, 0);
    }
}

/// Ends a measurement with a forked peer: on success the peer must exit cleanly (reaped);
/// on failure it is killed, so no peer outlives a failed benchmark.
pub fn settle<T>(child: libc::pid_t, result: io::Result<T>) -> io::Result<T> {
    match result {
        Ok(t) => {
            reap(child)?;
            Ok(t)
        }
        Err(e) => {
            kill_child(child);
            Err(e)
        }
    }
}

/// Anonymous `MAP_SHARED` memory: shared with children forked after it is made.
pub struct SharedMem {
    ptr: *mut u8,
    len: usize,
}

impl SharedMem {
    pub fn new(len: usize) -> io::Result<SharedMem> {
        // SAFETY: fresh anonymous mapping.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        // Fault every page in now, so no benchmark pays for it mid-measurement.
        // SAFETY: the mapping is `len` bytes.
        unsafe { std::ptr::write_bytes(p as *mut u8, 0, len) };
        Ok(SharedMem { ptr: p as *mut u8, len })
    }
    pub fn ptr(&self) -> *mut u8 {
        self.ptr
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The `i`-th u64 slot (bounds-checked).
    pub fn u64_at(&self, i: usize) -> &std::sync::atomic::AtomicU64 {
        assert!((i + 1) * 8 <= self.len);
        // SAFETY: in bounds, 8-aligned (mmap is page-aligned), shared memory is valid for atomics.
        unsafe { &*(self.ptr.add(i * 8) as *const std::sync::atomic::AtomicU64) }
    }
    /// The `i`-th u32 slot (bounds-checked).
    pub fn u32_at(&self, i: usize) -> &std::sync::atomic::AtomicU32 {
        assert!((i + 1) * 4 <= self.len);
        // SAFETY: as above.
        unsafe { &*(self.ptr.add(i * 4) as *const std::sync::atomic::AtomicU32) }
    }
}

// SAFETY: the mapping lives until drop and is only accessed through atomics or raw pointers
// whose users uphold their own synchronisation; moving or sharing the owner between threads is
// no different from sharing it with a forked process, which is its purpose.
unsafe impl Send for SharedMem {}
// SAFETY: as above.
unsafe impl Sync for SharedMem {}

impl Drop for SharedMem {
    fn drop(&mut self) {
        // SAFETY: our own mapping.
        unsafe { libc::munmap(self.ptr as *mut libc::c_void, self.len) };
    }
}

/// Fills `len` bytes at `p` with `v` (the "writer fills" half of a handoff).
///
/// # Safety
/// `p..p+len` must be writable.
#[inline(never)]
pub unsafe fn fill(p: *mut u8, len: usize, v: u8) {
    // SAFETY: the caller promises `p..p+len` is writable.
    unsafe { std::ptr::write_bytes(p, v, len) };
}

/// Reads every byte at `p` (the "reader touches every byte" half of a handoff) and returns
/// true when every byte equals `v` (summed as u64 words, so the check costs one pass).
///
/// # Safety
/// `p..p+len` must be readable, 8-aligned, `len` a multiple of 8, and nobody may write it.
#[inline(never)]
pub unsafe fn touch(p: *const u8, len: usize, v: u8) -> bool {
    // SAFETY: the caller promises the range is readable, aligned and not written meanwhile.
    let words = unsafe { std::slice::from_raw_parts(p as *const u64, len / 8) };
    let mut acc = [0u64; 8];
    let mut chunks = words.chunks_exact(8);
    for c in &mut chunks {
        for k in 0..8 {
            acc[k] = acc[k].wrapping_add(c[k]);
        }
    }
    let mut sum = acc.iter().fold(0u64, |a, &b| a.wrapping_add(b));
    for &w in chunks.remainder() {
        sum = sum.wrapping_add(w);
    }
    let word = u64::from_ne_bytes([v; 8]);
    std::hint::black_box(sum) == word.wrapping_mul((len / 8) as u64)
}

/// Latency distribution summary, in ns.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub n: usize,
    pub mean: f64,
    pub min: u64,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub p999: u64,
    pub max: u64,
    /// (quantile, value) pairs for a CDF plot: 1001 even steps plus a dense tail.
    pub cdf: Vec<(f64, u64)>,
}

impl Stats {
    pub fn from_samples(mut v: Vec<u64>) -> Stats {
        if v.is_empty() {
            return Stats::default();
        }
        v.sort_unstable();
        let n = v.len();
        let q = |p: f64| -> u64 {
            let idx = ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
            v[idx]
        };
        let mut cdf: Vec<(f64, u64)> =
            (0..=1000).map(|i| i as f64 / 1000.0).map(|p| (p, q(p.max(1.0 / n as f64)))).collect();
        for p in [0.9925, 0.995, 0.9975, 0.999, 0.9995, 0.9999, 0.99995, 0.99999] {
            cdf.push((p, q(p)));
        }
        cdf.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
        Stats {
            n,
            mean: v.iter().map(|&x| x as f64).sum::<f64>() / n as f64,
            min: v[0],
            p50: q(0.50),
            p90: q(0.90),
            p99: q(0.99),
            p999: q(0.999),
            max: v[n - 1],
            cdf,
        }
    }

    pub fn to_json(&self) -> String {
        let cdf: Vec<String> = self.cdf.iter().map(|(p, x)| format!("[{p},{x}]")).collect();
        format!(
            "{{\"n\":{},\"mean\":{:.1},\"min\":{},\"p50\":{},\"p90\":{},\"p99\":{},\"p999\":{},\"max\":{},\"cdf\":[{}]}}",
            self.n,
            self.mean,
            self.min,
            self.p50,
            self.p90,
            self.p99,
            self.p999,
            self.max,
            cdf.join(",")
        )
    }
}

/// Median of a few timings.
pub fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    if v.is_empty() {
        return f64::NAN;
    }
    v[v.len() / 2]
}

/// JSON string literal.
pub fn jstr(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for ch in s.chars() {
        match ch {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Spins until `f()` is true or `timeout_ns` passes; false on timeout.
#[inline(always)]
pub fn spin_until<F: FnMut() -> bool>(mut f: F, timeout_ns: u64) -> bool {
    let start = now_ns();
    let mut k = 0u32;
    loop {
        if f() {
            return true;
        }
        std::hint::spin_loop();
        k = k.wrapping_add(1);
        if k.is_multiple_of(1024) && now_ns() - start > timeout_ns {
            return false;
        }
    }
}

/// Busy-waits `ns` nanoseconds (no syscall: keeps this CPU out of idle states).
pub fn spin_for(ns: u64) {
    let end = now_ns() + ns;
    while now_ns() < end {
        std::hint::spin_loop();
    }
}

/// A process that burns one CPU until killed: the "other core busy" load. Returns once the
/// hog is demonstrably running (it has spun for a few ms), so the measurement sees it.
pub fn spawn_hog(cpu: Option<usize>) -> io::Result<libc::pid_t> {
    let flag = SharedMem::new(4096)?;
    let f = &flag;
    let pid = fork_child(cpu, move || {
        let start = now_ns();
        let mut x = 0u64;
        loop {
            x = std::hint::black_box(x.wrapping_add(1));
            if x.is_multiple_of(4096) && now_ns() - start > 5_000_000 {
                f.u64_at(0).store(1, std::sync::atomic::Ordering::Release);
            }
        }
    })?;
    if !spin_until(|| flag.u64_at(0).load(std::sync::atomic::Ordering::Acquire) == 1, 10_000_000_000) {
        kill_child(pid);
        return Err(io::Error::other("the CPU hog never started"));
    }
    Ok(pid)
}

/// FUTEX_WAIT (shared) on a u32 in shared memory, for at most `timeout_ns`: the raw-futex peer
/// of the latency, sweep and fan-out benchmarks.
pub(crate) fn futex_wait(w: &AtomicU32, expected: u32, timeout_ns: u64) {
    let ts = libc::timespec {
        tv_sec: (timeout_ns / 1_000_000_000) as _,
        tv_nsec: (timeout_ns % 1_000_000_000) as _,
    };
    // SAFETY: `w` is a live aligned u32 in shared memory.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            w.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            &ts as *const libc::timespec,
            0usize,
            0u32,
        )
    };
}

/// FUTEX_WAKE (shared) of every waiter on `w`.
pub(crate) fn futex_wake(w: &AtomicU32) {
    // SAFETY: as above.
    unsafe { libc::syscall(libc::SYS_futex, w.as_ptr(), libc::FUTEX_WAKE, i32::MAX, 0usize, 0usize, 0u32) };
}
