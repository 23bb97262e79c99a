//! Bench statistics without I/O: per-publisher sequence tracking (loss, duplicates, reordering),
//! latency histograms, rates over the measured window and the per-second time series.

use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Highest latency the histograms hold (one hour in microseconds); larger values saturate.
const MAX_LATENCY_US: u64 = 3_600_000_000;

/// How many sequence numbers behind the highest one a tracker remembers (bits of its window).
/// Older arrivals cannot be told apart from duplicates and count as out of order.
const SEQ_WINDOW: u64 = 1 << 22;

/// Publisher ids above this are not tracked (a foreign payload that happens to parse).
pub const MAX_TRACKED_PUBLISHERS: u32 = 1 << 20;

/// Wall-clock nanoseconds derived from one monotonic clock, so that timestamps in the same
/// process never go backwards and other processes on the machine can still compare them.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    base: Instant,
    base_epoch_ns: u64,
}

impl Clock {
    pub fn new() -> Self {
        let base_epoch_ns = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Clock {
            base: Instant::now(),
            base_epoch_ns,
        }
    }

    /// Nanoseconds since the Unix epoch at `at`.
    pub fn epoch_ns(&self, at: impl Into<Instant>) -> u64 {
        self.base_epoch_ns + at.into().saturating_duration_since(self.base).as_nanos() as u64
    }

    pub fn now_ns(&self) -> u64 {
        self.epoch_ns(Instant::now())
    }

    pub fn base(&self) -> Instant {
        self.base
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}

/// Tracks the sequence numbers one subscriber saw from one publisher.
///
/// A sliding bitset of [`SEQ_WINDOW`] bits behind the highest number seen tells new numbers from
/// repeats; it grows only as far as the numbers actually seen, so short runs stay small.
#[derive(Clone, Debug, Default)]
pub struct SeqTracker {
    /// Sequence number of the first bit of `words[0]` (a multiple of 64).
    base: u64,
    words: VecDeque<u64>,
    highest: Option<u64>,
    /// Distinct sequence numbers seen.
    pub unique: u64,
    pub duplicates: u64,
    /// Arrived after a higher number from the same publisher.
    pub out_of_order: u64,
}

/// What one arrival was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    InOrder,
    OutOfOrder,
    Duplicate,
}

impl SeqTracker {
    pub fn observe(&mut self, seq: u64) -> Arrival {
        let late = self.highest.is_some_and(|h| seq < h);
        if seq < self.base {
            // Beyond the window: cannot tell a repeat from a very late first arrival.
            self.out_of_order += 1;
            return Arrival::OutOfOrder;
        }
        let window_words = (SEQ_WINDOW / 64) as usize;
        let mut word = ((seq - self.base) / 64) as usize;
        if word >= window_words {
            let drop = word + 1 - window_words;
            for _ in 0..drop.min(self.words.len()) {
                self.words.pop_front();
            }
            self.base += drop as u64 * 64;
            word = window_words - 1;
            if self.words.is_empty() {
                self.base = seq - seq % 64;
                word = 0;
            }
        }
        while self.words.len() <= word {
            self.words.push_back(0);
        }
        let bit = 1u64 << ((seq - self.base) % 64);
        let w = &mut self.words[word];
        if *w & bit != 0 {
            self.duplicates += 1;
            return Arrival::Duplicate;
        }
        *w |= bit;
        self.unique += 1;
        if late {
            self.out_of_order += 1;
            Arrival::OutOfOrder
        } else {
            self.highest = Some(seq);
            Arrival::InOrder
        }
    }

    /// The highest sequence number seen.
    pub fn highest(&self) -> Option<u64> {
        self.highest
    }

    /// Messages missing given that the publisher sent `sent` of them (numbered from 0).
    pub fn lost(&self, sent: u64) -> u64 {
        sent.saturating_sub(self.unique)
    }

    /// Messages missing below the highest number seen (for `bench sub`, which does not know how
    /// many were sent).
    pub fn lost_below_highest(&self) -> u64 {
        self.highest
            .map_or(0, |h| (h + 1).saturating_sub(self.unique))
    }
}

/// Sequence trackers of one subscriber, indexed by publisher id.
#[derive(Clone, Debug, Default)]
pub struct SeqTable {
    trackers: Vec<Option<SeqTracker>>,
}

impl SeqTable {
    /// `None` when the publisher id is too large to track.
    pub fn observe(&mut self, publisher: u32, seq: u64) -> Option<Arrival> {
        if publisher >= MAX_TRACKED_PUBLISHERS {
            return None;
        }
        let i = publisher as usize;
        if self.trackers.len() <= i {
            self.trackers.resize(i + 1, None);
        }
        Some(
            self.trackers[i]
                .get_or_insert_with(SeqTracker::default)
                .observe(seq),
        )
    }

    pub fn get(&self, publisher: u32) -> Option<&SeqTracker> {
        self.trackers.get(publisher as usize)?.as_ref()
    }

    /// (publisher id, tracker) for every publisher seen.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &SeqTracker)> {
        self.trackers
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.as_ref().map(|t| (i as u32, t)))
    }
}

/// A latency histogram in microseconds.
#[derive(Clone, Debug)]
pub struct Latency {
    hist: Histogram<u64>,
}

impl Default for Latency {
    fn default() -> Self {
        Latency {
            hist: Histogram::new_with_bounds(1, MAX_LATENCY_US, 3)
                .expect("constant histogram bounds are valid"),
        }
    }
}

impl Latency {
    pub fn record(&mut self, d: Duration) {
        self.record_us(d.as_micros().min(u128::from(MAX_LATENCY_US)) as u64);
    }

    /// Records a latency given in nanoseconds (0 for a clock that went backwards).
    pub fn record_ns(&mut self, ns: u64) {
        self.record_us(ns / 1000);
    }

    pub fn record_us(&mut self, us: u64) {
        self.hist.saturating_record(us.clamp(1, MAX_LATENCY_US));
    }

    pub fn merge(&mut self, other: &Latency) {
        // Both histograms have the same bounds, so adding cannot fail.
        let _ = self.hist.add(&other.hist);
    }

    pub fn count(&self) -> u64 {
        self.hist.len()
    }

    /// Percentiles, or `None` when nothing was recorded.
    pub fn summary(&self) -> Option<Percentiles> {
        if self.hist.is_empty() {
            return None;
        }
        let h = &self.hist;
        Some(Percentiles {
            count: h.len(),
            min_us: h.min(),
            p50_us: h.value_at_quantile(0.50),
            p90_us: h.value_at_quantile(0.90),
            p99_us: h.value_at_quantile(0.99),
            p999_us: h.value_at_quantile(0.999),
            max_us: h.max(),
            mean_us: h.mean(),
            histogram: super::hdr::encode(h),
        })
    }
}

/// A latency distribution summary, microseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Percentiles {
    pub count: u64,
    pub min_us: u64,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub p999_us: u64,
    pub max_us: u64,
    pub mean_us: f64,
    /// The whole distribution for charts and merging: HdrHistogram V2 serialisation, base64
    /// (microseconds, 1 µs to 1 h, 3 significant digits). Absent from older documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub histogram: Option<String>,
}

/// Messages (or bytes) per second over a window, as a float; 0 for an empty window.
pub fn rate(count: u64, window: Duration) -> f64 {
    let secs = window.as_secs_f64();
    if secs <= 0.0 {
        0.0
    } else {
        count as f64 / secs
    }
}

/// One second of the run: what happened in it (not running totals).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    /// Seconds since the start barrier at the end of this interval.
    pub t: f64,
    pub sent: u64,
    pub acked: u64,
    pub received: u64,
    /// Connections opened (`bench conn`), errors and reconnects in this interval; absent from
    /// older documents.
    #[serde(default)]
    pub connected: u64,
    #[serde(default)]
    pub errors: u64,
    #[serde(default)]
    pub reconnects: u64,
}

/// Running totals at one instant, as the sampler reads them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub sent: u64,
    pub acked: u64,
    pub received: u64,
    pub connected: u64,
    pub errors: u64,
    pub reconnects: u64,
}

/// Builds the per-interval time series from running totals sampled about once a second.
#[derive(Clone, Debug, Default)]
pub struct Series {
    last: Totals,
    pub samples: Vec<Sample>,
}

impl Series {
    pub fn push_totals(&mut self, t: f64, sent: u64, acked: u64, received: u64) {
        let totals = Totals {
            sent,
            acked,
            received,
            ..self.last
        };
        self.push(t, totals);
    }

    pub fn push(&mut self, t: f64, now: Totals) {
        let l = self.last;
        self.samples.push(Sample {
            t,
            sent: now.sent.saturating_sub(l.sent),
            acked: now.acked.saturating_sub(l.acked),
            received: now.received.saturating_sub(l.received),
            connected: now.connected.saturating_sub(l.connected),
            errors: now.errors.saturating_sub(l.errors),
            reconnects: now.reconnects.saturating_sub(l.reconnects),
        });
        self.last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_then_loss() {
        let mut t = SeqTracker::default();
        for s in [0, 1, 2, 4, 5] {
            assert_eq!(t.observe(s), Arrival::InOrder);
        }
        assert_eq!(t.unique, 5);
        assert_eq!(t.lost(6), 1);
        assert_eq!(t.lost(10), 5);
        assert_eq!(t.lost_below_highest(), 1);
    }

    #[test]
    fn duplicates_and_reordering() {
        let mut t = SeqTracker::default();
        assert_eq!(t.observe(0), Arrival::InOrder);
        assert_eq!(t.observe(2), Arrival::InOrder);
        assert_eq!(t.observe(1), Arrival::OutOfOrder);
        assert_eq!(t.observe(2), Arrival::Duplicate);
        assert_eq!(t.observe(1), Arrival::Duplicate);
        assert_eq!((t.unique, t.duplicates, t.out_of_order), (3, 2, 1));
        assert_eq!(t.lost(3), 0);
    }

    #[test]
    fn window_slides_without_growing() {
        let mut t = SeqTracker::default();
        let n = SEQ_WINDOW * 3;
        for s in (0..n).step_by(1000) {
            t.observe(s);
        }
        assert!(t.words.len() as u64 <= SEQ_WINDOW / 64);
        assert_eq!(t.duplicates, 0);
        // Far behind the window: counted as out of order, never as new.
        assert_eq!(t.observe(0), Arrival::OutOfOrder);
        // A huge jump does not allocate the gap.
        t.observe(u64::MAX / 2);
        assert!(t.words.len() as u64 <= SEQ_WINDOW / 64);
        assert_eq!(t.observe(u64::MAX / 2), Arrival::Duplicate);
    }

    #[test]
    fn table_tracks_publishers_separately() {
        let mut table = SeqTable::default();
        table.observe(0, 0);
        table.observe(3, 0);
        assert_eq!(table.observe(3, 0), Some(Arrival::Duplicate));
        assert_eq!(table.observe(MAX_TRACKED_PUBLISHERS, 0), None);
        assert_eq!(table.iter().count(), 2);
        assert_eq!(table.get(3).map(|t| t.duplicates), Some(1));
        assert!(table.get(1).is_none());
    }

    #[test]
    fn latency_percentiles() {
        let mut l = Latency::default();
        assert!(l.summary().is_none());
        for us in 1..=1000 {
            l.record_us(us);
        }
        let p = l.summary().unwrap();
        assert_eq!(p.count, 1000);
        assert_eq!(p.min_us, 1);
        assert!((499..=501).contains(&p.p50_us));
        assert!((989..=991).contains(&p.p99_us));
        assert!((999..=1001).contains(&p.max_us));
        let mut other = Latency::default();
        other.record(Duration::from_secs(7200));
        l.merge(&other);
        assert_eq!(l.count(), 1001);
        assert!(l.summary().unwrap().max_us >= MAX_LATENCY_US);
    }

    #[test]
    fn rates_are_floats() {
        assert_eq!(rate(3, Duration::from_secs(2)), 1.5);
        assert_eq!(rate(3, Duration::ZERO), 0.0);
    }

    #[test]
    fn series_holds_deltas() {
        let mut s = Series::default();
        s.push_totals(1.0, 10, 5, 8);
        s.push_totals(2.0, 25, 20, 24);
        assert_eq!(s.samples[1].sent, 15);
        assert_eq!(s.samples[1].acked, 15);
        assert_eq!(s.samples[1].received, 16);
    }

    #[test]
    fn clock_is_monotonic_and_near_wall_time() {
        let c = Clock::new();
        let a = c.now_ns();
        let b = c.now_ns();
        assert!(b >= a);
        assert!(a > 1_600_000_000_000_000_000);
    }
}
