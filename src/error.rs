//! Error kinds and the one function that maps them to exit codes (documented in README and man page).
//!
//! Code paths return `anyhow::Result`; an error that must give a particular exit code carries a
//! [`Failure`] somewhere in its chain. Anything else exits 1.

use std::fmt;

/// Exit codes shared with mosquitto_pub/sub where those have one (CONNACK codes, 27 for `-W`).
pub mod code {
    pub const SUCCESS: u8 = 0;
    pub const OTHER: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const UNREACHABLE: u8 = 3;
    pub const DELIVERY: u8 = 6;
    pub const ASSERTION: u8 = 7;
    pub const NO_DATA: u8 = 8;
    pub const TIMEOUT: u8 = 27;
    pub const SIGINT: u8 = 130;
    pub const SIGTERM: u8 = 143;
}

/// What went wrong, as far as the exit code is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Bad usage or bad input, detected before connecting.
    Usage,
    /// DNS, TCP, TLS, connect timeout, not an MQTT server.
    Unreachable,
    /// The broker refused the connection with this CONNACK code / MQTT 5 reason code.
    Refused(u8),
    /// A QoS 1/2 message was not acknowledged, or acknowledged with a failure, or a subscription
    /// was refused.
    Delivery,
    /// A `bench --assert` or `sys --check` threshold failed, or a `sys probe --fail-on` finding.
    Assertion,
    /// `-W` expired.
    Timeout,
    /// `mqtk sys`: nothing arrived under `$SYS` within the wait.
    NoData,
    /// Interrupted by SIGINT / SIGTERM.
    Interrupted(Signal),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Int,
    Term,
}

/// An error with a kind that decides the exit code, and a one-line message.
#[derive(Debug)]
pub struct Failure {
    pub kind: Kind,
    pub message: String,
}

impl Failure {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Shorthand constructors: `Err(usage("..."))?`.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    Failure::new(Kind::Usage, message).into()
}

pub fn unreachable(message: impl Into<String>) -> anyhow::Error {
    Failure::new(Kind::Unreachable, message).into()
}

pub fn delivery(message: impl Into<String>) -> anyhow::Error {
    Failure::new(Kind::Delivery, message).into()
}

/// The kind of the first [`Failure`] in the error's chain, if any.
pub fn kind_of(err: &anyhow::Error) -> Option<Kind> {
    err.chain()
        .find_map(|e| e.downcast_ref::<Failure>())
        .map(|f| f.kind)
}

/// The single mapping from an error to the process exit code.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if is_broken_pipe(err) {
        return code::SUCCESS;
    }
    match kind_of(err) {
        Some(Kind::Usage) => code::USAGE,
        Some(Kind::Unreachable) => code::UNREACHABLE,
        Some(Kind::Refused(c)) => c,
        Some(Kind::Delivery) => code::DELIVERY,
        Some(Kind::Assertion) => code::ASSERTION,
        Some(Kind::Timeout) => code::TIMEOUT,
        Some(Kind::NoData) => code::NO_DATA,
        Some(Kind::Interrupted(Signal::Int)) => code::SIGINT,
        Some(Kind::Interrupted(Signal::Term)) => code::SIGTERM,
        None => code::OTHER,
    }
}

/// A reader that went away (`mqtk sub | head`) is a normal end, not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The one-line text printed after `mqtk: error: `: the context chain joined with `: `, with
/// newlines folded so a message never spans lines.
pub fn one_line(err: &anyhow::Error) -> String {
    format!("{err:#}").replace(['\n', '\r'], " ")
}

/// A short, user-facing reason for an I/O error ("No such file or directory").
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn kinds_map_to_documented_codes() {
        assert_eq!(exit_code(&usage("x")), 2);
        assert_eq!(exit_code(&unreachable("x")), 3);
        assert_eq!(
            exit_code(&Failure::new(Kind::Refused(135), "x").into()),
            135
        );
        assert_eq!(exit_code(&delivery("x")), 6);
        assert_eq!(exit_code(&anyhow::anyhow!("x")), 1);
    }

    #[test]
    fn context_keeps_the_kind_and_stays_on_one_line() {
        let err = Err::<(), _>(usage("bad\nthing"))
            .context("reading FILE")
            .unwrap_err();
        assert_eq!(exit_code(&err), 2);
        assert_eq!(one_line(&err), "reading FILE: bad thing");
    }

    #[test]
    fn broken_pipe_is_success() {
        let io = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert_eq!(exit_code(&anyhow::Error::from(io).context("writing")), 0);
    }
}
