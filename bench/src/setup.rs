//! Region set-up cost against capacity: create (which reserves the memory up front), then a
//! reader in another process opens it and touches every page once (its first touch: a page
//! fault per page), closes its handle; then the creator's close (the last handle: unlink and
//! free the pages). Capacities whose reservation would not fit in the region directory
//! (statvfs) or in available memory are skipped with a reason. With `ZINC_SHM_DIR` pointing at
//! a tmpfs mounted with `huge=`, the same rows measure huge-page-backed regions.

use crate::latency::zerr;
use crate::util::{self, SharedMem};
use std::io;
use std::sync::atomic::Ordering;
use zinc_core::SharedRegion;

pub struct SetupRow {
    pub capacity: usize,
    pub create_us: f64,
    pub open_us: f64,
    pub first_touch_ms: f64,
    pub reader_close_us: f64,
    pub close_us: f64,
    /// ShmemHugePages (/proc/meminfo, kB) while the region existed, touched, minus before its
    /// create: the huge pages backing it (system-wide counter; median over reps).
    pub shmem_huge_kb: f64,
}

impl SetupRow {
    pub fn to_json(&self) -> String {
        format!(
            "{{\"capacity\":{},\"create_us\":{:.1},\"open_us\":{:.1},\"first_touch_ms\":{:.3},\"reader_close_us\":{:.1},\"close_us\":{:.1},\"shmem_huge_kb\":{:.0}}}",
            self.capacity,
            self.create_us,
            self.open_us,
            self.first_touch_ms,
            self.reader_close_us,
            self.close_us,
            self.shmem_huge_kb
        )
    }
}

/// The directory regions are created in: `ZINC_SHM_DIR` (read by the core) or /dev/shm.
pub fn region_dir() -> String {
    match std::env::var("ZINC_SHM_DIR") {
        Ok(d) if d.starts_with('/') => d.trim_end_matches('/').to_string(),
        _ => "/dev/shm".to_string(),
    }
}

fn meminfo_kb(key: &str) -> Option<u64> {
    let m = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = m.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Why a capacity cannot be measured here (not enough room in the region directory or
/// memory), if so.
pub fn skip_reason(capacity: usize) -> Option<String> {
    let dir = region_dir();
    let path = std::ffi::CString::new(dir.clone()).unwrap();
    // SAFETY: a zeroed statvfs is a valid out buffer.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: valid path and out pointer.
    if unsafe { libc::statvfs(path.as_ptr(), &mut st) } != 0 {
        return Some(format!("statvfs({dir}) failed: {}", io::Error::last_os_error()));
    }
    let free = st.f_bavail as u64 * st.f_frsize as u64;
    let need = capacity as u64 + capacity as u64 / 4;
    if free < need {
        return Some(format!(
            "{dir} has {:.1} GiB free (statvfs), {:.1} GiB needed with a 25% margin",
            free as f64 / (1u64 << 30) as f64,
            need as f64 / (1u64 << 30) as f64
        ));
    }
    let avail_kib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        m.lines()
            .find(|l| l.starts_with("MemAvailable:"))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
    });
    if let Some(kib) = avail_kib {
        if kib * 1024 < 2 * capacity as u64 {
            return Some(format!(
                "only {:.1} GiB of memory available (MemAvailable), 2x the capacity wanted",
                kib as f64 / (1u64 << 20) as f64
            ));
        }
    }
    None
}

/// Medians over `reps` fresh regions of `capacity` bytes.
pub fn measure(capacity: usize, reps: usize, tag: &str) -> io::Result<SetupRow> {
    let (mut c, mut o, mut t, mut rc, mut d) = (vec![], vec![], vec![], vec![], vec![]);
    let mut huge = vec![];
    let ctl = SharedMem::new(4096)?;
    for i in 0..reps {
        let name = format!("zbench_{}_{}_s{}_{}", std::process::id(), tag, capacity, i);
        let huge0 = meminfo_kb("ShmemHugePages:").unwrap_or(0) as f64;
        let t0 = util::now_ns();
        let creator = SharedRegion::create(&name, capacity).map_err(zerr)?;
        let t1 = util::now_ns();
        let cm = &ctl;
        let n2 = name.clone();
        let two = util::cpu_count() >= 2;
        let child = util::fork_child(two.then_some(util::PEER_CPU), move || {
            let a = util::now_ns();
            let reader = SharedRegion::open(&n2).map_err(zerr)?;
            let b = util::now_ns();
            let p = reader.as_ptr();
            let mut off = 0;
            while off < capacity {
                // SAFETY: in bounds of the reader's mapping; nobody else uses this region.
                unsafe { std::ptr::write_volatile(p.add(off), 1) };
                off += 4096;
            }
            let e = util::now_ns();
            drop(reader);
            let f = util::now_ns();
            cm.u64_at(0).store(b - a, Ordering::Relaxed);
            cm.u64_at(1).store(e - b, Ordering::Relaxed);
            cm.u64_at(2).store(f - e, Ordering::Relaxed);
            Ok(())
        });
        let res = child.and_then(util::reap);
        if let Err(e) = res {
            drop(creator);
            return Err(e);
        }
        huge.push(meminfo_kb("ShmemHugePages:").unwrap_or(0) as f64 - huge0);
        let t3 = util::now_ns();
        drop(creator);
        let t4 = util::now_ns();
        c.push((t1 - t0) as f64 / 1e3);
        o.push(ctl.u64_at(0).load(Ordering::Relaxed) as f64 / 1e3);
        t.push(ctl.u64_at(1).load(Ordering::Relaxed) as f64 / 1e6);
        rc.push(ctl.u64_at(2).load(Ordering::Relaxed) as f64 / 1e3);
        d.push((t4 - t3) as f64 / 1e3);
    }
    Ok(SetupRow {
        capacity,
        create_us: util::median(&c),
        open_us: util::median(&o),
        first_touch_ms: util::median(&t),
        reader_close_us: util::median(&rc),
        close_us: util::median(&d),
        shmem_huge_kb: util::median(&huge),
    })
}
