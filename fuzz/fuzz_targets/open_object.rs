//! libFuzzer target: arbitrary bytes become an object in /dev/shm; `open` must cope.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    zinc_fuzz::check_object(data);
});
