// The shared library's SONAME: C and C++ programs linked against libzinc_core.so record
// "libzinc_core.so.0" and keep working across compatible (same-major) upgrades of the core.
// The ABI is frozen (SPEC §3), so the major version only changes if it ever breaks.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libzinc_core.so.0");
    }
}
