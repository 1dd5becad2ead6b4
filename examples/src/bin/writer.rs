//! Rust writer: creates a region, fills it, and waits until a reader acknowledges.
//! Run `reader` in another terminal with the same name:
//!
//!     cargo run --release -p zinc-examples --bin writer -- frames
//!     cargo run --release -p zinc-examples --bin reader -- frames

use std::time::{Duration, Instant};
use zinc_core::SharedRegion;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let name = std::env::args().nth(1).unwrap_or_else(|| "frames".to_owned());
    let region = SharedRegion::create(&name, 1 << 20)?; // 1 MiB, zero-filled
    let ack = region.capacity() - 1; // the last byte is the reader's acknowledgement
                                     // SAFETY: no reader touches the data before it opens, and it only writes the ack byte.
    let data = unsafe { region.as_mut_slice() };
    for (i, b) in data[..ack].iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    region.notify();
    println!("writer: {} bytes ready in region {name:?}; waiting up to 30 s for a reader", region.capacity());
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = [0u8];
    while seen[0] != 1 {
        // Notifications are hints (our own notify counts too): the ack byte is the truth.
        let left = deadline.saturating_duration_since(Instant::now());
        region.wait(left.as_millis() as u32)?;
        region.read(ack, &mut seen)?;
    }
    println!("writer: the reader acknowledged; closing (the last handle out removes the region)");
    Ok(())
}
