//! cargo-fuzz target: reading the CONNACK a server answers CONNECT with (MQTT 3.1.1 and 5) (the property lives in `checks.rs`).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::connack(data));
