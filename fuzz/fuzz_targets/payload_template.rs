//! cargo-fuzz target: payload templates (`pub --template`; the property lives in `checks.rs`).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::payload_template(data));
