//! `mqtk sys probe`: the pure parts (findings, the bounded limit search); the command that
//! connects is `cmd::probe`.

pub mod findings;
pub mod report;
pub mod search;
