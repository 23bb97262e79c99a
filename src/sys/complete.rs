//! When a snapshot is complete. A broker sends its retained `$SYS` messages in one burst right
//! after the subscription, with no end marker: the snapshot is complete once the dialect's key
//! values are in and the burst has gone quiet. Trees without a fixed set (unknown, NanoMQ's
//! events) are complete after a longer quiet spell.

use std::time::{Duration, Instant};

use super::schema::Snapshot;

/// Quiet time that ends a burst once the key values are in.
pub const QUIET: Duration = Duration::from_millis(100);

/// Quiet time that ends a burst of a tree without known key values.
pub const UNKNOWN_QUIET: Duration = Duration::from_millis(500);

/// Longest burst: a broker streaming without pause still gets an update per second.
pub const MAX_BURST: Duration = Duration::from_secs(1);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readiness {
    Complete,
    /// The key values are in; complete at this instant unless more arrive.
    At(Instant),
    /// Key values missing: wait for more messages (or the deadline).
    Waiting,
}

/// `last`: when the newest message arrived (`None`: nothing yet); `live_ticks`: uptime messages
/// received live (not retained) since subscribing. mosquitto re-sends a value only when it
/// changed and drops it from its retained tree a minute later, so once one interval has passed
/// live, what is still missing is not coming: the snapshot is as complete as it gets.
pub fn readiness(
    snap: &Snapshot,
    last: Option<Instant>,
    now: Instant,
    live_ticks: u32,
) -> Readiness {
    let Some(last) = last else {
        return Readiness::Waiting;
    };
    let settled = snap.dialect.resends_only_changes()
        && live_ticks > 0
        && snap.values.contains_key("broker.uptime");
    let quiet = match snap.dialect.required() {
        _ if settled => QUIET,
        Some(fields) if fields.iter().all(|f| snap.values.contains_key(f)) => QUIET,
        Some(_) => return Readiness::Waiting,
        None => UNKNOWN_QUIET,
    };
    if now >= last + quiet {
        Readiness::Complete
    } else {
        Readiness::At(last + quiet)
    }
}

/// The fields a partial snapshot still lacks (for the warning when the wait runs out).
pub fn missing(snap: &Snapshot) -> Vec<&'static str> {
    snap.dialect
        .required()
        .unwrap_or(&[])
        .iter()
        .filter(|f| !snap.values.contains_key(*f))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::dialect::{Dialect, snapshot, tests::*};

    #[test]
    fn complete_when_key_values_are_in_and_quiet() {
        let snap = snapshot(&load(MOSQUITTO));
        let t = Instant::now();
        assert_eq!(readiness(&snap, None, t, 0), Readiness::Waiting);
        assert_eq!(readiness(&snap, Some(t), t, 0), Readiness::At(t + QUIET));
        assert_eq!(readiness(&snap, Some(t), t + QUIET, 0), Readiness::Complete);
        let mut partial = Snapshot::empty(Dialect::Mqtk);
        partial.set("broker.uptime", 3.0, t);
        assert_eq!(
            readiness(&partial, Some(t), t + QUIET, 0),
            Readiness::Waiting
        );
        assert!(missing(&partial).contains(&"clients.connected"));
        let unknown = Snapshot::empty(Dialect::Unknown);
        assert_eq!(
            readiness(&unknown, Some(t), t + QUIET, 0),
            Readiness::At(t + UNKNOWN_QUIET)
        );
        // An idle mosquitto: values expired from its tree and unchanged since. One live
        // interval later the snapshot is as complete as it gets.
        let mut idle = Snapshot::empty(Dialect::Mosquitto);
        idle.set("broker.uptime", 300.0, t);
        assert_eq!(readiness(&idle, Some(t), t + QUIET, 0), Readiness::Waiting);
        assert_eq!(readiness(&idle, Some(t), t + QUIET, 1), Readiness::Complete);
    }
}
