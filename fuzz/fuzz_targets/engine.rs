//! cargo-fuzz target: the client engine driven by a scripted broker over an in-memory stream (the property lives in `checks.rs`).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::engine(data));
