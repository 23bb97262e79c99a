//! `mqtk sys`: a broker's `$SYS` tree read into one common schema, rendered as a snapshot, a
//! live view, a health gate and Prometheus metrics. The pure parts live here; the command that
//! connects is `cmd::sys`.

pub mod check;
pub mod collect;
pub mod complete;
pub mod dialect;
pub mod document;
pub mod http;
pub mod listing;
pub mod probe;
pub mod prometheus;
pub mod rates;
pub mod render;
pub mod schema;
pub mod tree;
pub mod units;

pub use dialect::{Dialect, snapshot};
pub use schema::Snapshot;
pub use tree::Tree;
