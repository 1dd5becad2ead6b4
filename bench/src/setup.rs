//! Region set-up cost against capacity: create (which reserves the memory up front), open (a
//! second handle, as a reader would), the first touch of every page through the opener's
//! mapping, and close of both handles.

use crate::latency::zerr;
use crate::util;
use std::io;
use zinc_core::SharedRegion;

pub struct SetupRow {
    pub capacity: usize,
    pub create_us: f64,
    pub open_us: f64,
    pub first_touch_ms: f64,
    pub close_us: f64,
}

impl SetupRow {
    pub fn to_json(&self) -> String {
        format!(
            "{{\"capacity\":{},\"create_us\":{:.1},\"open_us\":{:.1},\"first_touch_ms\":{:.3},\"close_us\":{:.1}}}",
            self.capacity, self.create_us, self.open_us, self.first_touch_ms, self.close_us
        )
    }
}

/// Medians over `reps` fresh regions of `capacity` bytes.
pub fn measure(capacity: usize, reps: usize, tag: &str) -> io::Result<SetupRow> {
    let (mut c, mut o, mut t, mut d) = (vec![], vec![], vec![], vec![]);
    for i in 0..reps {
        let name = format!("zbench_{}_{}_s{}_{}", std::process::id(), tag, capacity, i);
        let t0 = util::now_ns();
        let creator = SharedRegion::create(&name, capacity).map_err(zerr)?;
        let t1 = util::now_ns();
        let opener = SharedRegion::open(&name).map_err(zerr)?;
        let t2 = util::now_ns();
        let p = opener.as_ptr();
        let mut off = 0;
        while off < capacity {
            // SAFETY: in bounds of the opener's mapping; nobody else uses this region.
            unsafe { std::ptr::write_volatile(p.add(off), 1) };
            off += 4096;
        }
        let t3 = util::now_ns();
        drop(opener);
        drop(creator);
        let t4 = util::now_ns();
        c.push((t1 - t0) as f64 / 1e3);
        o.push((t2 - t1) as f64 / 1e3);
        t.push((t3 - t2) as f64 / 1e6);
        d.push((t4 - t3) as f64 / 1e3);
    }
    Ok(SetupRow {
        capacity,
        create_us: util::median(&c),
        open_us: util::median(&o),
        first_touch_ms: util::median(&t),
        close_us: util::median(&d),
    })
}
