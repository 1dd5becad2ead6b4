//! Writer: creates the region, writes "hello", and waits for the reader's "world".
use std::time::{Duration, Instant};
use zinc_core::{SharedRegion, ZincError};

fn main() -> Result<(), ZincError> {
    let name = std::env::args().nth(1).unwrap_or_else(|| "frames".to_owned());
    let region = SharedRegion::create(&name, 1 << 20)?; // 1 MiB, a multiple of the page size
    region.write(0, b"hello")?; // checked copy; as_ptr() / as_mut_slice() give the pages themselves
    region.notify(); // wakes every waiter, in every process
    println!("writer: wrote hello to {name}, waiting for the reply");

    // A handle also sees its own notify, so a wake-up is only a hint: loop on the data itself.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut reply = [0u8; 5];
    while &reply != b"world" {
        let left = deadline.saturating_duration_since(Instant::now());
        region.wait(left.as_millis() as u32)?; // Err(ZincError::TimedOut) when the time is up
        region.read(5, &mut reply)?;
    }
    println!("writer: got world");
    Ok(()) // dropping the handle closes it; the last handle out removes the region
}
