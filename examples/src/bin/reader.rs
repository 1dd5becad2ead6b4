//! Reader: waits for the writer's region and its "hello", then replies "world".
use std::time::{Duration, Instant};
use zinc_core::{SharedRegion, ZincError};

fn main() -> Result<(), ZincError> {
    let name = std::env::args().nth(1).unwrap_or_else(|| "frames".to_owned());
    let deadline = Instant::now() + Duration::from_secs(30);
    let region = loop {
        // Started before the writer? Retry until its region exists.
        match SharedRegion::open(&name) {
            Err(ZincError::NotFound) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20))
            }
            other => break other?,
        }
    };
    let mut msg = [0u8; 5];
    region.read(0, &mut msg)?; // it may be there already
    while &msg != b"hello" {
        let left = deadline.saturating_duration_since(Instant::now());
        region.wait(left.as_millis() as u32)?;
        region.read(0, &mut msg)?;
    }
    region.write(5, b"world")?;
    region.notify();
    println!("reader: got hello from {name}, replied world");
    Ok(())
}
