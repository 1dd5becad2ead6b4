//! Consumer of the small-message ring (docs/PATTERNS.md): creates the region, then takes COUNT
//! messages, parking in `wait` only when the ring is empty, after announcing it in `parked`.
//! Usage: ring_consumer NAME COUNT (start it first, then ring_producer NAME COUNT).

#[path = "../ring.rs"]
mod ring;

use ring::{Ring, CAPACITY, CHECK};
use std::sync::atomic::{fence, Ordering};
use std::time::Instant;
use zinc_core::{SharedRegion, ZincError};

fn main() -> Result<(), ZincError> {
    let (name, count) = ring::args();
    let region = SharedRegion::create(&name, CAPACITY)?;
    let ring = Ring::new(&region);
    println!("ready");
    let (mut head, mut sleeps, mut start) = (0u64, 0u64, None);
    while head < count {
        // A message is often only a moment away: poll briefly before considering sleep.
        for _ in 0..4096 {
            if ring.tail.load(Ordering::Acquire) != head {
                break;
            }
            std::hint::spin_loop();
        }
        if ring.tail.load(Ordering::Acquire) == head {
            // Empty. Announce that we may sleep, then look again: the producer publishes
            // `tail` before it reads `parked`, we publish `parked` before we read `tail`, and
            // the SeqCst fences on both sides mean at least one of us sees the other's store.
            ring.parked.store(1, Ordering::Relaxed);
            fence(Ordering::SeqCst);
            if ring.tail.load(Ordering::Acquire) == head {
                match region.wait(1000) {
                    Ok(()) | Err(ZincError::TimedOut) => sleeps += 1,
                    Err(e) => return Err(e),
                }
            }
            ring.parked.store(0, Ordering::Relaxed);
            continue;
        }
        let start = *start.get_or_insert_with(Instant::now);
        // Take every message published so far, then free their slots with one store: each
        // shared word crosses between the cores once per batch, not once per message.
        let tail = ring.tail.load(Ordering::Acquire);
        while head < tail {
            let [seq, check] = ring.slot(head);
            let (s, c) = (seq.load(Ordering::Relaxed), check.load(Ordering::Relaxed));
            if s != head || c != head.wrapping_mul(CHECK) {
                eprintln!("message {head}: got sequence {s} check {c:#x}");
                std::process::exit(1);
            }
            head += 1;
        }
        ring.head.store(head, Ordering::Release);
        if head == count {
            let secs = start.elapsed().as_secs_f64();
            println!(
                "received {count} messages in order, {:.1} M msg/s, {sleeps} sleeps",
                count as f64 / secs / 1e6
            );
        }
    }
    Ok(())
}
