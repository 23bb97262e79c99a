//! cargo-fuzz target: result documents, histograms and assertions as `mqtk bench report` reads
//! them (the property lives in `checks.rs`).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::report(data));
