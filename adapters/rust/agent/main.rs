//! Rust conformance agent: speaks the line protocol of `tests/matrix/README.md` over stdin/stdout
//! using the public `zinc_core::SharedRegion` API. Rust is the reference the matrix compares the
//! other languages with. Only `errors` (a closed handle, which `SharedRegion` rules out by
//! construction) and `abi` (the C ABI's declarations) reach into `zinc_core::ffi`.

use std::ffi::{CStr, CString};
use std::io::{self, BufRead, Write};
use zinc_core::error::{
    ZINC_EAGAIN, ZINC_EBADF, ZINC_EBADMSG, ZINC_EEXIST, ZINC_EINVAL, ZINC_ENOENT, ZINC_EPERM, ZINC_ETIMEDOUT,
    ZINC_OK,
};
use zinc_core::ffi::{self, ZincHandle, ZINC_WAIT_FOREVER};
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
            ["abi"] => {
                self.abi();
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
        let nul_name = describe(SharedRegion::open("zinc\0nul").err());
        self.say(&format!("create_bad_name {bad_name}"));
        self.say(&format!("create_bad_size {bad_size}"));
        self.say(&format!("open_missing {missing}"));
        self.say(&format!("open_nul_name {nul_name}"));
        self.say(&format!(
            "wait_closed {}",
            closed_handle_calls(&format!("zinc_parity_closed_{pid}"), false)
        ));
        self.say(&format!("double_close {}", closed_handle_calls(&format!("zinc_parity_dc_{pid}"), true)));
    }

    /// `abi`: the constants `zinc_core::error` and `zinc_core::ffi` export, `ZincError`'s
    /// message for each code, and the signatures of the eight `zinc_core::ffi` functions as the
    /// compiler types them.
    fn abi(&mut self) {
        let consts: [(&str, i64); 10] = [
            ("ZINC_OK", ZINC_OK.into()),
            ("ZINC_EPERM", ZINC_EPERM.into()),
            ("ZINC_ENOENT", ZINC_ENOENT.into()),
            ("ZINC_EBADF", ZINC_EBADF.into()),
            ("ZINC_EAGAIN", ZINC_EAGAIN.into()),
            ("ZINC_EEXIST", ZINC_EEXIST.into()),
            ("ZINC_EINVAL", ZINC_EINVAL.into()),
            ("ZINC_EBADMSG", ZINC_EBADMSG.into()),
            ("ZINC_ETIMEDOUT", ZINC_ETIMEDOUT.into()),
            ("ZINC_WAIT_FOREVER", ZINC_WAIT_FOREVER.into()),
        ];
        for (name, value) in consts {
            self.say(&format!("const {name} {value}"));
        }
        for code in [-1, -2, -9, -11, -17, -22, -28, -74, -110] {
            let e = error_for(code);
            self.say(&format!("message {} {e}", e.code()));
        }
        // Each function coerced to a fn pointer whose types the compiler infers from the
        // declaration in zinc_core::ffi; Signature turns those types into the protocol's names.
        let fns: [(&str, String); 8] = [
            ("zinc_create", (ffi::zinc_create as unsafe extern "C" fn(_, _, _) -> _).describe()),
            ("zinc_open", (ffi::zinc_open as unsafe extern "C" fn(_, _) -> _).describe()),
            ("zinc_ptr", (ffi::zinc_ptr as unsafe extern "C" fn(_) -> _).describe()),
            ("zinc_capacity", (ffi::zinc_capacity as unsafe extern "C" fn(_) -> _).describe()),
            ("zinc_close", (ffi::zinc_close as unsafe extern "C" fn(_)).describe()),
            ("zinc_notify", (ffi::zinc_notify as unsafe extern "C" fn(_)).describe()),
            ("zinc_wait", (ffi::zinc_wait as unsafe extern "C" fn(_, _) -> _).describe()),
            ("zinc_strerror", (ffi::zinc_strerror as extern "C" fn(_) -> _).describe()),
        ];
        for (name, sig) in fns {
            self.say(&format!("fn {name} {sig}"));
        }
    }
}

/// The `ZincError` a Rust caller gets for `code`.
fn error_for(code: i32) -> ZincError {
    match code {
        ZINC_EPERM => ZincError::PermissionDenied,
        ZINC_ENOENT => ZincError::NotFound,
        ZINC_EBADF => ZincError::Closed,
        ZINC_EAGAIN => ZincError::RingFull,
        ZINC_EEXIST => ZincError::AlreadyExists,
        ZINC_EINVAL => ZincError::InvalidArgument,
        ZINC_EBADMSG => ZincError::CorruptedRegion,
        ZINC_ETIMEDOUT => ZincError::TimedOut,
        other => ZincError::Platform(-other),
    }
}

/// Through the C ABI (a `SharedRegion` cannot be used after close): create `name`, close the
/// handle, then either wait(0) on the closed handle or close it again. "<code> <message>" of
/// the first failure, "0 success" when nothing failed.
fn closed_handle_calls(name: &str, close_twice: bool) -> String {
    let report = |rc: i32| {
        // SAFETY: zinc_strerror returns a static NUL-terminated string for any code.
        let text = unsafe { CStr::from_ptr(ffi::zinc_strerror(rc)) };
        format!("{rc} {}", text.to_string_lossy())
    };
    let Ok(c_name) = CString::new(name) else { return report(ZINC_EINVAL) };
    let mut h: ZincHandle = std::ptr::null_mut();
    // SAFETY: a NUL-terminated name and a writable out-pointer; the handle is closed below, and
    // the C ABI accepts closed handles (wait gives ZINC_EBADF, close does nothing).
    unsafe {
        let rc = ffi::zinc_create(c_name.as_ptr(), 4096, &mut h);
        if rc != ZINC_OK {
            return report(rc);
        }
        ffi::zinc_close(h);
        if close_twice {
            ffi::zinc_close(h);
            return report(ZINC_OK);
        }
        report(ffi::zinc_wait(h, 0))
    }
}

/// A type of the C ABI, by its protocol name (tests/matrix/README.md `abi`).
trait AbiType {
    const NAME: &'static str;
}
impl AbiType for i32 {
    const NAME: &'static str = "i32";
}
impl AbiType for u32 {
    const NAME: &'static str = "u32";
}
impl AbiType for usize {
    const NAME: &'static str = "usize";
}
impl AbiType for () {
    const NAME: &'static str = "void";
}
impl<T> AbiType for *const T {
    const NAME: &'static str = "ptr";
}
impl<T> AbiType for *mut T {
    const NAME: &'static str = "ptr";
}

/// "<ret> <arg>..." of a C function pointer type.
trait Signature {
    fn describe(self) -> String;
}
macro_rules! signature {
    ($($arg:ident),*) => {
        impl<R: AbiType, $($arg: AbiType),*> Signature for unsafe extern "C" fn($($arg),*) -> R {
            fn describe(self) -> String {
                [R::NAME, $($arg::NAME),*].join(" ")
            }
        }
        impl<R: AbiType, $($arg: AbiType),*> Signature for extern "C" fn($($arg),*) -> R {
            fn describe(self) -> String {
                [R::NAME, $($arg::NAME),*].join(" ")
            }
        }
    };
}
signature!(A);
signature!(A, B);
signature!(A, B, C);

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
