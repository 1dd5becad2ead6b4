//! Producer of the small-message ring (docs/PATTERNS.md): opens the region and sends COUNT
//! messages, calling `notify` only when the consumer announced that it may be asleep.
//! Usage: ring_producer NAME COUNT (after ring_consumer NAME COUNT printed "ready").

#[path = "../ring.rs"]
mod ring;

use ring::{Ring, CHECK, SLOTS};
use std::sync::atomic::{fence, Ordering};
use zinc_core::{SharedRegion, ZincError};

fn main() -> Result<(), ZincError> {
    let (name, count) = ring::args();
    let region = SharedRegion::open(&name)?;
    let ring = Ring::new(&region);
    let mut notifies = 0u64;
    // Messages below `room` have a free slot; `head` (the consumer's word) is read only when
    // that runs out, so its cache line does not bounce on every message.
    let mut room = SLOTS;
    for i in 0..count {
        while i == room {
            room = ring.head.load(Ordering::Acquire) + SLOTS;
            if i == room {
                std::hint::spin_loop(); // full: the consumer is awake and behind
            }
        }
        let [seq, check] = ring.slot(i);
        seq.store(i, Ordering::Relaxed);
        check.store(i.wrapping_mul(CHECK), Ordering::Relaxed);
        ring.tail.store(i + 1, Ordering::Release);
        fence(Ordering::SeqCst); // publish `tail` before reading `parked` (see the consumer)
        if ring.parked.load(Ordering::Relaxed) != 0 {
            region.notify();
            notifies += 1;
        }
    }
    println!("sent {count} messages, {notifies} notifies");
    Ok(())
}
