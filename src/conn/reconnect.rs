//! The reconnection policy (`--reconnect-attempts`, `--reconnect-max-delay`): exponential
//! backoff from 100 ms, no retry when the broker refuses us (a refusal will not change by itself).

use std::time::Duration;

use super::options::ConnectOptions;
use super::session::{Session, connect};
use crate::error::{Kind, kind_of};

/// Connects again after the connection was lost for `why`. Gives up after the configured number of
/// attempts, or at once on a refusal, returning the last error.
pub async fn reconnect(opts: &ConnectOptions, why: &str) -> anyhow::Result<Session> {
    let attempts = opts.reconnect.attempts;
    if attempts == 0 {
        anyhow::bail!("{why} (reconnecting is off: --reconnect-attempts 0)");
    }
    let mut delay = Duration::from_millis(100);
    let mut last = None;
    for attempt in 1..=attempts {
        if !opts.quiet {
            eprintln!(
                "mqtk: warning: {why}; reconnecting to {} in {:?} (attempt {attempt} of {attempts})",
                opts.describe_target(),
                delay
            );
        }
        tokio::time::sleep(delay).await;
        match connect(opts).await {
            Ok(session) => {
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
        delay = (delay * 2).min(opts.reconnect.max_delay.max(Duration::from_millis(100)));
    }
    let last = last.map_or_else(String::new, |e| format!("{e:#}"));
    anyhow::bail!("{why}; gave up after {attempts} reconnect attempts: {last}")
}
