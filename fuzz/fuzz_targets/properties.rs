//! cargo-fuzz target: the -D MQTT 5 property parser (the property lives in `checks.rs`).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::properties(data));
