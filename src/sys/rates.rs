//! Rates for `--watch` and `rate(field)` checks: exact per-second rates from successive counter
//! values and the arrival times of the messages that carried them, with restart detection
//! (uptime going backwards resets every baseline), stale marking and a short history for
//! sparklines.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use super::schema::{FIELDS, Kind, Sample, Snapshot};

/// Rates kept per counter for the sparkline (one per update: minutes at mosquitto's 10 s).
pub const HISTORY: usize = 60;

/// What one update found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Update {
    /// The broker restarted since the previous update (its uptime went backwards).
    pub restarted: bool,
    /// Fields not refreshed within twice the publish interval.
    pub stale: Vec<&'static str>,
}

#[derive(Debug, Default)]
pub struct Rates {
    prev: BTreeMap<&'static str, Sample>,
    current: BTreeMap<&'static str, f64>,
    history: BTreeMap<&'static str, VecDeque<f64>>,
    uptime: Option<Sample>,
    /// The broker's publish interval, measured between uptime messages.
    interval: Option<Duration>,
    /// mqtk's own `$SYS` traffic: messages received, and when.
    own_prev: Option<(u64, Instant)>,
    own_rate: Option<f64>,
}

impl Rates {
    pub fn new() -> Self {
        Rates::default()
    }

    /// The latest rate of a counter, per second.
    pub fn get(&self, field: &str) -> Option<f64> {
        self.current.get(field).copied()
    }

    /// The measured publish interval.
    pub fn interval(&self) -> Option<Duration> {
        self.interval
    }

    /// Messages per second mqtk itself receives from `$SYS/#`: the broker counts them in its
    /// "sent" counters, so a quiet broker never shows zero out.
    pub fn own_rate(&self) -> Option<f64> {
        self.own_rate
    }

    /// Records how many `$SYS` messages mqtk has received so far.
    pub fn own_traffic(&mut self, received: u64, now: Instant) {
        if let Some((n, t)) = self.own_prev {
            let dt = now.duration_since(t).as_secs_f64();
            if dt >= 0.5 {
                self.own_rate = Some(received.saturating_sub(n) as f64 / dt);
                self.own_prev = Some((received, now));
            }
        } else {
            self.own_prev = Some((received, now));
        }
    }

    fn push(&mut self, field: &'static str, rate: f64) {
        self.current.insert(field, rate);
        let h = self.history.entry(field).or_default();
        if h.len() == HISTORY {
            h.pop_front();
        }
        h.push_back(rate);
    }

    fn reset(&mut self) {
        self.prev.clear();
        self.current.clear();
        self.history.clear();
    }

    /// Takes the snapshot as it is after a burst of messages (`now`: when the burst ended).
    pub fn update(&mut self, snap: &Snapshot, now: Instant) -> Update {
        let mut out = Update::default();
        let uptime = snap.values.get("broker.uptime").copied();
        let mut tick = false;
        if let Some(up) = uptime {
            match self.uptime {
                Some(prev) if up.value < prev.value => {
                    out.restarted = true;
                    self.reset();
                    self.interval = None;
                    tick = true;
                }
                Some(prev) if up.at > prev.at => {
                    let gap = up.at.duration_since(prev.at);
                    // Shortest gap seen: a missed message doubles a gap, never halves it.
                    self.interval = Some(self.interval.map_or(gap, |i| i.min(gap)));
                    tick = true;
                }
                Some(_) => {}
                None => tick = true,
            }
            self.uptime = Some(up);
        }
        let only_changes = snap.dialect.resends_only_changes();
        for f in FIELDS.iter().filter(|f| f.kind == Kind::Counter) {
            let Some(sample) = snap.values.get(f.name).copied() else {
                // mosquitto drops a value unchanged for a minute from its tree: no change.
                if only_changes && tick && self.interval.is_some() && snap.dialect.provides(f.name)
                {
                    self.push(f.name, 0.0);
                }
                continue;
            };
            match self.prev.get(f.name).copied() {
                None => {
                    self.prev.insert(f.name, sample);
                }
                Some(prev) if sample.at > prev.at => {
                    if sample.value < prev.value {
                        // A counter going down: the broker restarted or reset it.
                        self.prev.insert(f.name, sample);
                        self.current.remove(f.name);
                        continue;
                    }
                    let dt = sample.at.duration_since(prev.at).as_secs_f64();
                    if dt > 0.0 {
                        self.push(f.name, (sample.value - prev.value) / dt);
                    }
                    self.prev.insert(f.name, sample);
                }
                Some(prev) => {
                    // Not re-sent this tick: mosquitto says nothing when nothing changed.
                    if only_changes && tick && self.interval.is_some() {
                        self.push(f.name, 0.0);
                        let at = uptime.map_or(now, |u| u.at);
                        self.prev.insert(
                            f.name,
                            Sample {
                                value: prev.value,
                                at,
                            },
                        );
                    }
                }
            }
        }
        if let Some(interval) = self.interval {
            let limit = interval * 2 + Duration::from_millis(500);
            let old = |s: &Sample| now.saturating_duration_since(s.at) > limit;
            if only_changes {
                // One clock for the whole tree: the uptime mosquitto sends every interval.
                if uptime.as_ref().is_some_and(old) {
                    out.stale = snap.values.keys().copied().collect();
                }
            } else {
                out.stale = snap
                    .values
                    .iter()
                    .filter(|(_, s)| old(s))
                    .map(|(k, _)| *k)
                    .collect();
            }
        }
        out
    }

    /// The history of a rate as a sparkline of `width` characters at most (newest on the
    /// right).
    pub fn sparkline(&self, field: &str, width: usize) -> String {
        const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
        let Some(h) = self.history.get(field) else {
            return String::new();
        };
        let vals: Vec<f64> = h.iter().rev().take(width).rev().copied().collect();
        let max = vals.iter().copied().fold(0.0, f64::max);
        vals.iter()
            .map(|v| {
                if max <= 0.0 {
                    BARS[0]
                } else {
                    BARS[((v / max) * 7.0).round().clamp(0.0, 7.0) as usize]
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::dialect::Dialect;

    fn snap(dialect: Dialect, t0: Instant, vals: &[(&str, f64, u64)]) -> Snapshot {
        let mut s = Snapshot::empty(dialect);
        for (name, v, ms) in vals {
            s.set(name, *v, t0 + Duration::from_millis(*ms));
        }
        s
    }

    #[test]
    fn rates_from_values_and_arrival_times() {
        let t0 = Instant::now();
        let mut r = Rates::new();
        let d = Dialect::Mqtk;
        r.update(
            &snap(
                d,
                t0,
                &[("broker.uptime", 10.0, 0), ("publish.sent", 100.0, 0)],
            ),
            t0,
        );
        assert_eq!(r.get("publish.sent"), None);
        let u = r.update(
            &snap(
                d,
                t0,
                &[("broker.uptime", 12.0, 2000), ("publish.sent", 300.0, 2000)],
            ),
            t0 + Duration::from_millis(2000),
        );
        assert!(!u.restarted);
        assert_eq!(r.get("publish.sent"), Some(100.0));
        assert_eq!(r.interval(), Some(Duration::from_secs(2)));
        // The broker restarts: uptime goes backwards, baselines reset.
        let u = r.update(
            &snap(
                d,
                t0,
                &[("broker.uptime", 1.0, 4000), ("publish.sent", 5.0, 4000)],
            ),
            t0 + Duration::from_millis(4000),
        );
        assert!(u.restarted);
        assert_eq!(r.get("publish.sent"), None);
        r.update(
            &snap(
                d,
                t0,
                &[("broker.uptime", 3.0, 6000), ("publish.sent", 25.0, 6000)],
            ),
            t0 + Duration::from_millis(6000),
        );
        assert_eq!(r.get("publish.sent"), Some(10.0));
        assert!(r.sparkline("publish.sent", 10).chars().count() == 1);
    }

    #[test]
    fn mosquitto_unchanged_counters_are_zero_and_stale_means_the_tree_stopped() {
        let t0 = Instant::now();
        let mut r = Rates::new();
        let d = Dialect::Mosquitto;
        let first = &[("broker.uptime", 10.0, 0), ("publish.dropped", 4.0, 0)];
        r.update(&snap(d, t0, first), t0);
        r.update(
            &snap(
                d,
                t0,
                &[("broker.uptime", 11.0, 1000), ("publish.dropped", 4.0, 0)],
            ),
            t0 + Duration::from_millis(1000),
        );
        assert_eq!(r.get("publish.dropped"), Some(0.0));
        assert_eq!(r.get("publish.sent"), Some(0.0));
        assert_eq!(
            r.get("clients.connects"),
            None,
            "mosquitto has no such counter"
        );
        // Nothing for 3 s at a 1 s interval: everything is stale.
        let u = r.update(
            &snap(
                d,
                t0,
                &[("broker.uptime", 11.0, 1000), ("publish.dropped", 4.0, 0)],
            ),
            t0 + Duration::from_millis(4000),
        );
        assert!(u.stale.contains(&"broker.uptime"));
    }

    #[test]
    fn per_field_staleness_elsewhere() {
        let t0 = Instant::now();
        let mut r = Rates::new();
        let d = Dialect::Vernemq;
        r.update(
            &snap(d, t0, &[("broker.uptime", 10.0, 0), ("bytes.sent", 1.0, 0)]),
            t0,
        );
        let u = r.update(
            &snap(
                d,
                t0,
                &[("broker.uptime", 30.0, 20_000), ("bytes.sent", 1.0, 0)],
            ),
            t0 + Duration::from_secs(20),
        );
        assert!(u.stale.is_empty());
        let u = r.update(
            &snap(
                d,
                t0,
                &[("broker.uptime", 50.0, 40_000), ("bytes.sent", 1.0, 0)],
            ),
            t0 + Duration::from_secs(41),
        );
        assert_eq!(u.stale, vec!["bytes.sent"]);
    }
}
