//! Rust conformance agent: speaks the line protocol of `tests/matrix/README.md` over stdin/stdout
//! using only the public `zinc_core::SharedRegion` API.

use std::io::{self, BufRead, Write};
use zinc_core::{SharedRegion, ZincError};

const WAIT_MS: u32 = 30_000;

fn pattern(seed: u32, i: usize) -> u8 {
    let i = i as u32;
    ((i ^ (i >> 8) ^ (i >> 16)).wrapping_add(seed) & 0xFF) as u8
}

fn reply(seed: u32, i: usize) -> u8 {
    255 - pattern(seed, i)
}

fn fail(e: ZincError) -> String {
    format!("FAIL {} {}", e.code(), e)
}

struct Agent<I: BufRead, O: Write> {
    input: I,
    out: O,
}

impl<I: BufRead, O: Write> Agent<I, O> {
    fn say(&mut self, line: &str) {
        let _ = writeln!(self.out, "{line}");
        let _ = self.out.flush();
    }

    fn next_line(&mut self) -> Option<String> {
        let mut line = String::new();
        match self.input.read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim().to_owned()),
        }
    }

    fn run(&mut self, words: &[&str]) -> bool {
        let result = match words {
            ["writer", name, cap, seed, rest @ ..] => match (cap.parse(), seed.parse()) {
                (Ok(cap), Ok(seed)) => self.writer(name, cap, seed, rest.contains(&"noreply")),
                _ => "FAIL usage: writer NAME CAPACITY SEED [noreply]".into(),
            },
            ["reader", name, seed, rest @ ..] => match seed.parse() {
                Ok(seed) => self.reader(name, seed, rest.contains(&"noreply")),
                _ => "FAIL usage: reader NAME SEED [noreply]".into(),
            },
            ["checksum", name] => self.checksum(name),
            ["errors"] => {
                self.errors();
                "DONE".into()
            }
            ["quit"] => return false,
            _ => format!("FAIL unknown command: {}", words.join(" ")),
        };
        self.say(&result);
        true
    }

    fn writer(&mut self, name: &str, cap: usize, seed: u32, noreply: bool) -> String {
        let region = match SharedRegion::create(name, cap) {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        self.say("READY");
        if self.next_line().as_deref() != Some("GO") {
            return "FAIL expected GO".into();
        }
        // SAFETY: the protocol gives the writer the region alone until it notifies.
        let data = unsafe { region.as_mut_slice() };
        data.iter_mut().enumerate().for_each(|(i, b)| *b = pattern(seed, i));
        region.notify();
        if !noreply {
            // Our own notify moved the counter too, so a wake-up is only a hint: re-check the
            // data after each one until the whole reply is there.
            let deadline = std::time::Instant::now() + std::time::Duration::from_millis(WAIT_MS.into());
            loop {
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                if let Err(e) = region.wait(left.as_millis() as u32) {
                    return fail(e);
                }
                // SAFETY: read-only look; a reply still being written just fails the check.
                let data = unsafe { region.as_slice() };
                if (0..data.len()).all(|i| data[i] == reply(seed, i)) {
                    break;
                }
            }
        }
        "PASS".into()
    }

    fn reader(&mut self, name: &str, seed: u32, noreply: bool) -> String {
        let region = match SharedRegion::open(name) {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        self.say("OPENED");
        if let Err(e) = region.wait(WAIT_MS) {
            return fail(e);
        }
        {
            // SAFETY: the writer finished filling before it notified.
            let data = unsafe { region.as_slice() };
            if let Some(i) = (0..data.len()).find(|&i| data[i] != pattern(seed, i)) {
                return format!("FAIL pattern mismatch at byte {i}");
            }
        }
        if !noreply {
            // SAFETY: the writer waits for our notify before it reads again.
            let data = unsafe { region.as_mut_slice() };
            data.iter_mut().enumerate().for_each(|(i, b)| *b = reply(seed, i));
            region.notify();
        }
        "PASS".into()
    }

    fn checksum(&mut self, name: &str) -> String {
        let region = match SharedRegion::open(name) {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        self.say("OPENED");
        if let Err(e) = region.wait(WAIT_MS) {
            return fail(e);
        }
        // SAFETY: the writer finished before it notified; the data area is 64-byte aligned,
        // so viewing it as f32 is aligned, and capacity is a multiple of 4.
        let floats =
            unsafe { std::slice::from_raw_parts(region.as_ptr().cast::<f32>(), region.capacity() / 4) };
        let sum: f64 = floats.iter().map(|&x| f64::from(x)).sum();
        let done = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        format!("CHECKSUM {} {}", sum as i64, done.as_nanos())
    }

    fn errors(&mut self) {
        let pid = std::process::id();
        let describe =
            |e: Option<ZincError>| e.map_or("0 unexpected success".into(), |e| format!("{} {}", e.code(), e));
        let bad_name = describe(SharedRegion::create("bad/name", 4096).err());
        let bad_size = describe(SharedRegion::create(&format!("zinc_parity_{pid}"), 1000).err());
        let missing = describe(SharedRegion::open(&format!("zinc_parity_missing_{pid}")).err());
        self.say(&format!("create_bad_name {bad_name}"));
        self.say(&format!("create_bad_size {bad_size}"));
        self.say(&format!("open_missing {missing}"));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdin = io::stdin();
    let mut agent = Agent { input: stdin.lock(), out: io::stdout().lock() };
    match args.first().map(String::as_str) {
        Some("serve") => {
            while let Some(line) = agent.next_line() {
                let words: Vec<&str> = line.split_whitespace().collect();
                if !words.is_empty() && !agent.run(&words) {
                    break;
                }
            }
        }
        Some(_) => {
            let words: Vec<&str> = args.iter().map(String::as_str).collect();
            agent.run(&words);
        }
        None => {
            eprintln!("usage: zinc-agent serve | zinc-agent <command> (see tests/matrix/README.md)");
            std::process::exit(2);
        }
    }
}
