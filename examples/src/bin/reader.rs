//! Rust reader: opens the region a `writer` created, checks every byte in place (no copy),
//! and acknowledges.

use zinc_core::SharedRegion;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let name = std::env::args().nth(1).unwrap_or_else(|| "frames".to_owned());
    let region = SharedRegion::open(&name)?;
    let ack = region.capacity() - 1;
    // SAFETY: the writer filled the data before we could open it and no longer writes it.
    let data = unsafe { region.as_slice() };
    let good = data[..ack].iter().enumerate().all(|(i, &b)| b == (i % 251) as u8);
    println!(
        "reader: checked {} bytes of {name:?} in place: {}",
        region.capacity(),
        if good { "all match" } else { "MISMATCH" }
    );
    region.write(ack, &[1])?;
    region.notify();
    if good {
        Ok(())
    } else {
        Err("pattern mismatch".into())
    }
}
