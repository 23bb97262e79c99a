//! The reconnection policy (`--reconnect-attempts`, `--reconnect-max-delay`): exponential
//! backoff from 100 ms, no retry when the broker refuses us (a refusal will not change by itself).
//! The attempt budget is spent across reconnects until the session makes progress again, so a
//! server that accepts and then drops every connection cannot keep mqtk looping. The policy only
//! counts and decides; the client engine does the connecting and reports what happens as events.

use std::time::Duration;

use super::options::ReconnectPolicy;

/// Reconnections in a row that the broker drops before any progress, after which a request it
/// keeps dropping the connection over is taken as refused (rather than the broker restarting).
pub const DROPS_IN_A_ROW: u32 = 3;

/// `--reconnect-attempts` value meaning "never give up" (`inf`, `-1`).
pub const FOREVER: u32 = u32::MAX;

/// Counts reconnect attempts on behalf of one connection, within the configured budget.
#[derive(Debug)]
pub struct Reconnector {
    policy: ReconnectPolicy,
    used: u32,
    /// Sessions opened since the last progress.
    opened: u32,
}

impl Reconnector {
    pub fn new(policy: ReconnectPolicy) -> Self {
        Reconnector {
            policy,
            used: 0,
            opened: 0,
        }
    }

    /// The session did useful work (an acknowledgement or a message arrived): a later loss gets
    /// the full budget again.
    pub fn progress(&mut self) {
        self.used = 0;
        self.opened = 0;
    }

    /// A reconnection succeeded.
    pub fn opened(&mut self) {
        self.opened += 1;
    }

    /// Whether the broker accepted the last [`DROPS_IN_A_ROW`] reconnections and dropped each
    /// before any progress. When mqtk was waiting for an answer to a request it re-sent each time
    /// (a PUBLISH, a SUBSCRIBE), the broker is refusing that request: MQTT 3.1.1 gives a broker no
    /// other way to refuse a publish, and some close the connection on a subscription they deny.
    pub fn keeps_dropping(&self) -> bool {
        self.opened >= DROPS_IN_A_ROW
    }

    /// Takes the next attempt from the budget: its number and how long to wait before it, or
    /// `None` when the attempts are used up.
    pub fn next_attempt(&mut self) -> Option<(u32, Duration)> {
        if self.policy.attempts != FOREVER && self.used >= self.policy.attempts {
            return None;
        }
        self.used = self.used.saturating_add(1);
        Some((self.used, backoff(self.used, self.policy.max_delay)))
    }

    /// The configured number of attempts (`None`: forever).
    pub fn attempts(&self) -> Option<u32> {
        (self.policy.attempts != FOREVER).then_some(self.policy.attempts)
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

    fn policy(attempts: u32) -> ReconnectPolicy {
        ReconnectPolicy {
            attempts,
            max_delay: Duration::from_secs(1),
        }
    }

    #[test]
    fn progress_resets_the_budget_and_the_session_count() {
        let mut r = Reconnector::new(policy(4));
        for _ in 0..4 {
            assert!(r.next_attempt().is_some());
        }
        assert!(r.next_attempt().is_none());
        for _ in 0..3 {
            r.opened();
        }
        assert!(r.keeps_dropping());
        r.progress();
        assert!(!r.keeps_dropping());
        assert_eq!(r.next_attempt(), Some((1, Duration::from_millis(100))));
    }

    #[test]
    fn forever_never_runs_out() {
        let mut r = Reconnector::new(policy(FOREVER));
        for _ in 0..100 {
            assert!(r.next_attempt().is_some());
        }
        assert_eq!(r.attempts(), None);
        assert_eq!(Reconnector::new(policy(0)).next_attempt(), None);
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
