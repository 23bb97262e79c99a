//! `mqtk bench`: a load generator that measures throughput, loss, duplicates, reordering and
//! latency percentiles, and can gate CI with `--assert`.
//!
//! The pure parts (header, plan, stats, result, export, assert) do no I/O and are unit-tested;
//! the coordinator opens the clients and starts them at a barrier; each role (publisher,
//! subscriber, held connection) is an event handler on the connection layer's client engine.

pub mod agent;
pub mod assert;
pub mod body;
pub mod broker_sys;
pub mod broker_usage;
pub mod connections;
pub mod control;
pub mod coordinator;
pub mod deploy;
pub mod export;
pub mod hdr;
pub mod header;
pub mod limits;
pub mod merge;
pub mod outcome;
pub mod pacer;
pub mod plan;
pub mod progress;
pub mod publisher;
pub mod result;
pub mod shard;
pub mod shared;
pub mod stats;
pub mod subscriber;
