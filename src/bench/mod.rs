//! `mqtk bench`: a load generator that measures throughput, loss, duplicates, reordering and
//! latency percentiles, and can gate CI with `--assert`.
//!
//! The pure parts (header, plan, stats, result, export, assert) do no I/O and are unit-tested;
//! the runner drives real connections through the shared connection layer.

pub mod assert;
pub mod export;
pub mod hdr;
pub mod header;
pub mod plan;
pub mod progress;
pub mod result;
pub mod run;
pub mod runner;
pub mod stats;
