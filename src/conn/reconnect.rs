//! The reconnection policy (`--reconnect-attempts`, `--reconnect-max-delay`): exponential
//! backoff from 100 ms, no retry when the broker refuses us (a refusal will not change by itself).
//! The attempt budget is spent across reconnects until the session makes progress again, so a
//! server that accepts and then drops every connection cannot keep mqtk looping.

use std::time::Duration;

use super::options::ConnectOptions;
use super::session::{Session, connect};
use crate::error::{Kind, kind_of, unreachable};

/// Reconnections in a row that the broker drops before any progress, after which a request it
/// keeps dropping the connection over is taken as refused (rather than the broker restarting).
pub const DROPS_IN_A_ROW: u32 = 3;

/// Reconnects on behalf of one command, within the configured budget.
pub struct Reconnector {
    used: u32,
    /// Sessions opened since the last progress.
    opened: u32,
}

impl Default for Reconnector {
    fn default() -> Self {
        Self::new()
    }
}

impl Reconnector {
    pub fn new() -> Self {
        Reconnector { used: 0, opened: 0 }
    }

    /// The session did useful work (an acknowledgement or a message arrived): a later loss gets
    /// the full budget again.
    pub fn progress(&mut self) {
        self.used = 0;
        self.opened = 0;
    }

    /// Whether the broker accepted the last [`DROPS_IN_A_ROW`] reconnections and dropped each
    /// before any progress. When mqtk was waiting for an answer to a request it re-sent each time
    /// (a PUBLISH, a SUBSCRIBE), the broker is refusing that request: MQTT 3.1.1 gives a broker no
    /// other way to refuse a publish, and some close the connection on a subscription they deny.
    pub fn keeps_dropping(&self) -> bool {
        self.opened >= DROPS_IN_A_ROW
    }

    /// Connects again after the connection was lost for `why`. Gives up when the attempts are
    /// used up, or at once on a refusal, returning the last error.
    pub async fn reconnect(&mut self, opts: &ConnectOptions, why: &str) -> anyhow::Result<Session> {
        let attempts = opts.reconnect.attempts;
        if attempts == 0 {
            return Err(unreachable(format!(
                "{why} (reconnecting is off: --reconnect-attempts 0)"
            )));
        }
        let mut last = None;
        while self.used < attempts {
            self.used += 1;
            let delay = backoff(self.used, opts.reconnect.max_delay);
            if !opts.quiet {
                eprintln!(
                    "mqtk: warning: {why}; reconnecting to {} in {delay:?} (attempt {} of {attempts})",
                    opts.describe_target(),
                    self.used
                );
            }
            tokio::time::sleep(delay).await;
            match connect(opts).await {
                Ok(session) => {
                    self.opened += 1;
                    if !opts.quiet {
                        eprintln!(
                            "mqtk: warning: reconnected to {} (session {})",
                            opts.describe_target(),
                            if session.info.session_present {
                                "resumed"
                            } else {
                                "new"
                            }
                        );
                    }
                    return Ok(session);
                }
                Err(e) if matches!(kind_of(&e), Some(Kind::Refused(_))) => return Err(e),
                Err(e) => last = Some(e),
            }
        }
        let last = last.map_or_else(String::new, |e| format!(": {e:#}"));
        // The broker is unreachable now (exit 3), whatever the last attempt ran into.
        Err(unreachable(format!(
            "{why}; gave up after {attempts} reconnect attempts{last}"
        )))
    }
}

/// 100 ms, 200 ms, 400 ms, ... capped at `max`.
fn backoff(attempt: u32, max: Duration) -> Duration {
    let base = Duration::from_millis(100);
    base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
        .min(max.max(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_resets_the_budget_and_the_session_count() {
        let mut r = Reconnector::new();
        r.used = 4;
        r.opened = 3;
        assert!(r.keeps_dropping());
        r.progress();
        assert_eq!(r.used, 0);
        assert!(!r.keeps_dropping());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let max = Duration::from_secs(1);
        assert_eq!(backoff(1, max), Duration::from_millis(100));
        assert_eq!(backoff(3, max), Duration::from_millis(400));
        assert_eq!(backoff(5, max), max);
        assert_eq!(backoff(40, max), max);
    }
}
