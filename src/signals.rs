//! SIGINT / SIGTERM as an awaitable event, so long-running commands can stop cleanly, print
//! what was done and exit 130 / 143.

use crate::error::{Failure, Kind, Signal};

/// Listens for SIGINT and SIGTERM from creation on.
pub struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    /// Must be called inside a tokio runtime.
    pub fn new() -> anyhow::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                int: signal(SignalKind::interrupt())?,
                term: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Resolves with the first signal received.
    pub async fn recv(&mut self) -> Signal {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.int.recv() => Signal::Int,
                _ = self.term.recv() => Signal::Term,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Signal::Int
        }
    }
}

impl Signals {
    /// Runs `work` unless a signal comes first, in which case the result is the
    /// [`interrupted`] error with `what` (e.g. while connecting or waiting to reconnect).
    pub async fn or_interrupt<T>(
        &mut self,
        work: impl std::future::Future<Output = anyhow::Result<T>>,
        what: impl FnOnce() -> String,
    ) -> anyhow::Result<T> {
        tokio::select! {
            r = work => r,
            sig = self.recv() => Err(interrupted(sig, what())),
        }
    }
}

/// The error that makes the process exit 130 / 143, with a note of what was done.
pub fn interrupted(signal: Signal, what: impl Into<String>) -> anyhow::Error {
    let name = match signal {
        Signal::Int => "SIGINT",
        Signal::Term => "SIGTERM",
    };
    Failure::new(
        Kind::Interrupted(signal),
        format!("interrupted by {name}: {}", what.into()),
    )
    .into()
}
