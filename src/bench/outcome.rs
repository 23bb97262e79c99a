//! What one bench client measured, and the typed problems a run can run into (whether each is a
//! delivery failure decides the exit code; no error text is matched for that).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::time::Instant;

use super::plan::Role;
use super::shared::{Counters, Window};
use super::stats::{Latency, SeqTable};
use crate::error::{self, Kind};

/// Something that went wrong during a run, counted per kind in the result's `errors`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// Messages a subscriber should have received and did not, at QoS 1/2.
    LostAtQos(u8),
    /// QoS 2 messages received twice on one subscription.
    DuplicatesAtQos2,
    /// Publishes not acknowledged when the run ended.
    NotAcknowledged,
    /// Publishes refused by the broker (MQTT 5 reason code).
    PublishRefused(u8),
    /// The broker refused a subscription.
    SubscriptionRefused(u8),
    /// A delivery failure the connection layer reported (e.g. a fatal DISCONNECT).
    Delivery(String),
    /// The connection was refused (CONNACK code) when reconnecting.
    ConnectionRefused(u8),
    /// The connection was lost for good.
    ConnectionLost,
    /// The client could not encode or send what it had to.
    Client(String),
}

impl Problem {
    /// Whether this breaks the promise of QoS 1/2 (exit 6).
    pub fn is_delivery(&self) -> bool {
        matches!(
            self,
            Problem::LostAtQos(_)
                | Problem::DuplicatesAtQos2
                | Problem::NotAcknowledged
                | Problem::PublishRefused(_)
                | Problem::SubscriptionRefused(_)
                | Problem::Delivery(_)
        )
    }

    /// The problem an error from the connection layer stands for.
    pub fn from_error(err: &anyhow::Error) -> Problem {
        match error::kind_of(err) {
            Some(Kind::Refused(code)) => Problem::ConnectionRefused(code),
            Some(Kind::Delivery) => Problem::Delivery(error::one_line(err)),
            Some(Kind::Unreachable) => Problem::ConnectionLost,
            _ => Problem::Client(error::one_line(err)),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::LostAtQos(q) => write!(f, "lost at QoS {q}"),
            Problem::DuplicatesAtQos2 => f.write_str("duplicates at QoS 2"),
            Problem::NotAcknowledged => f.write_str("not acknowledged"),
            Problem::PublishRefused(r) => write!(f, "publish refused (reason {r})"),
            Problem::SubscriptionRefused(r) => write!(f, "subscription refused (reason {r})"),
            Problem::Delivery(text) => f.write_str(text),
            Problem::ConnectionRefused(c) => write!(f, "connection refused (code {c})"),
            Problem::ConnectionLost => f.write_str("connection lost"),
            Problem::Client(text) => f.write_str(text),
        }
    }
}

/// Counts of problems by kind.
pub type Problems = BTreeMap<Problem, u64>;

/// What one client measured.
#[derive(Debug, Default)]
pub struct ClientOutcome {
    pub role: Option<Role>,
    pub index: u32,
    pub client_id: String,
    pub sent: u64,
    pub acked: u64,
    pub received: u64,
    /// Messages without a bench header.
    pub foreign: u64,
    /// Retained messages that were there before the run (ignored).
    pub stale_retained: u64,
    /// Messages a resumed session delivered before the run started (acknowledged, ignored).
    pub before_start: u64,
    /// Events (sends at QoS 0, acknowledgements at QoS 1/2, receipts) in the measured window.
    pub measured: u64,
    pub last_event: Option<Instant>,
    /// End to end for subscribers, publish-to-ack for publishers.
    pub latency: Latency,
    /// Publishers at a fixed rate: how late each message was queued after its due time (the
    /// generator's own lateness, kept apart from the broker's latency).
    pub lag: Latency,
    /// Messages with a bench header from another run (a resumed session's old messages, or
    /// another process's publishers in `bench pubsub`): acknowledged, not counted.
    pub other_run: u64,
    pub seq: SeqTable,
    pub problems: Problems,
    /// Connections re-established after the broker dropped one.
    pub reconnects: u64,
    /// Why the connection was first lost, for the report.
    pub first_loss: Option<String>,
    /// The run's shared counters, which problems and reconnects are also added to as they
    /// happen (for the per-second series).
    pub live: Option<Arc<Counters>>,
}

impl ClientOutcome {
    pub fn new(role: Role, index: u32, client_id: String) -> Self {
        ClientOutcome {
            role: Some(role),
            index,
            client_id,
            ..Default::default()
        }
    }

    pub fn problem(&mut self, p: Problem) {
        self.problems_add(p, 1);
    }

    pub fn problems_add(&mut self, p: Problem, n: u64) {
        if n > 0 {
            *self.problems.entry(p).or_insert(0) += n;
            if let Some(c) = &self.live {
                c.errors.fetch_add(n, Ordering::Relaxed);
            }
        }
    }

    /// The connection was lost (the engine reconnects).
    pub fn link_lost(&mut self, why: String) {
        self.first_loss.get_or_insert(why);
    }

    /// The connection was re-established after the broker dropped it.
    pub fn reconnected(&mut self) {
        self.reconnects += 1;
        if let Some(c) = &self.live {
            c.reconnects.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A QoS 1/2 message acknowledged at `now`, sent (or due) at `sent_ns`.
    /// An acknowledgement read at `now` (`now_ns` on the run's clock) for a message sent at
    /// `sent_ns`; latency counts from `measure_from_ns`, the end of the warm-up. The clock
    /// values come from the caller, once per batch of acknowledgements.
    pub fn acked(
        &mut self,
        window: &Window,
        measure_from_ns: u64,
        (now, now_ns): (Instant, u64),
        sent_ns: u64,
    ) {
        self.acked += 1;
        if measure_from_ns <= sent_ns {
            self.latency.record_ns(now_ns.saturating_sub(sent_ns));
        }
        self.event(now, window);
    }

    pub fn event(&mut self, at: Instant, window: &Window) {
        if at >= window.measure_from {
            self.measured += 1;
            self.last_event = Some(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_and_reconnects_reach_the_live_counters() {
        let live = Arc::new(Counters::default());
        let mut out = ClientOutcome::new(Role::Pub, 0, "p0".into());
        out.live = Some(Arc::clone(&live));
        out.problem(Problem::ConnectionLost);
        out.problems_add(Problem::NotAcknowledged, 3);
        out.problems_add(Problem::NotAcknowledged, 0);
        out.reconnected();
        assert_eq!(live.errors.load(Ordering::Relaxed), 4);
        assert_eq!(live.reconnects.load(Ordering::Relaxed), 1);
        assert_eq!(out.problems.values().sum::<u64>(), 4);
        assert_eq!(out.reconnects, 1);
    }

    #[test]
    fn problems_know_whether_they_are_delivery_failures() {
        assert!(Problem::LostAtQos(1).is_delivery());
        assert!(Problem::PublishRefused(135).is_delivery());
        assert!(!Problem::ConnectionLost.is_delivery());
        assert!(!Problem::ConnectionRefused(5).is_delivery());
        let refused = crate::error::Failure::new(Kind::Refused(5), "x").into();
        assert_eq!(Problem::from_error(&refused), Problem::ConnectionRefused(5));
        let gone = error::unreachable("gone");
        assert_eq!(Problem::from_error(&gone), Problem::ConnectionLost);
        assert_eq!(Problem::LostAtQos(2).to_string(), "lost at QoS 2");
    }
}
