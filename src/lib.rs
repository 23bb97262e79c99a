//! mqtk: a command-line MQTT toolkit. The library holds everything so that tests, fuzz targets and
//! benches can call it; `main.rs` only hands over to [`cmd::main`].

pub mod bench;
#[cfg(feature = "broker")]
pub mod broker;
pub mod cli;
pub mod cmd;
pub mod conn;
pub mod error;
pub mod format;
pub mod message;
pub mod output;
pub mod payload;
pub mod profile;
pub mod random;
pub mod replay;
pub mod respond;
pub mod signals;
pub mod sys;
pub mod threshold;
pub mod trace;
