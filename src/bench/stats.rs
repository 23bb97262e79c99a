//! Bench statistics without I/O: per-publisher sequence tracking (loss, duplicates, reordering),
//! latency histograms, rates over the measured window and the per-second time series.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::header::Stream;

/// Highest latency the histograms hold (one hour in microseconds); larger values saturate.
const MAX_LATENCY_US: u64 = 3_600_000_000;

/// How many sequence numbers behind the highest one a tracker remembers (bits of its window).
/// Older arrivals cannot be told apart from duplicates and count as out of order.
const SEQ_WINDOW: u64 = 1 << 22;

/// Streams tracked per subscriber at most (a foreign payload that happens to parse must not make
/// memory grow without bound).
pub const MAX_TRACKED_STREAMS: usize = 1 << 20;

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
    /// Messages the stream announced it sends in all (0: unknown).
    pub announced: u64,
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
    /// many were sent). The number comes from the wire: a foreign `u64::MAX` must not wrap.
    pub fn lost_below_highest(&self) -> u64 {
        self.highest
            .map_or(0, |h| h.saturating_add(1).saturating_sub(self.unique))
    }

    /// Messages missing from what the stream announced, or below the highest number seen when
    /// it announced nothing: `bench sub` counts missing messages at the tail too.
    pub fn lost_of_announced(&self) -> u64 {
        if self.announced > 0 {
            self.announced.saturating_sub(self.unique)
        } else {
            self.lost_below_highest()
        }
    }
}

/// Sequence trackers of one subscriber, one per stream (run id, publisher index).
#[derive(Clone, Debug, Default)]
pub struct SeqTable {
    /// Looked up for every message received: foldhash rather than SipHash.
    streams: HashMap<Stream, SeqTracker, foldhash::fast::FixedState>,
}

impl SeqTable {
    /// Records `seq` of `stream`, which announced `total` messages (0: unknown). `None` when
    /// too many streams are tracked already (foreign payloads that happen to parse).
    pub fn observe(&mut self, stream: Stream, seq: u64, total: u32) -> Option<Arrival> {
        if !self.streams.contains_key(&stream) && self.streams.len() >= MAX_TRACKED_STREAMS {
            return None;
        }
        let t = self.streams.entry(stream).or_default();
        t.announced = t.announced.max(u64::from(total));
        Some(t.observe(seq))
    }

    pub fn get(&self, stream: Stream) -> Option<&SeqTracker> {
        self.streams.get(&stream)
    }

    /// Every stream seen, in order.
    pub fn iter(&self) -> impl Iterator<Item = (Stream, &SeqTracker)> {
        let mut all: Vec<(Stream, &SeqTracker)> =
            self.streams.iter().map(|(k, v)| (*k, v)).collect();
        all.sort_by_key(|(k, _)| *k);
        all.into_iter()
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

    pub fn reset(&mut self) {
        self.hist.reset();
    }

    pub fn merge(&mut self, other: &Latency) {
        // Both histograms have the same bounds, so adding cannot fail.
        let _ = self.hist.add(&other.hist);
    }

    pub fn count(&self) -> u64 {
        self.hist.len()
    }

    /// A decoded histogram as a latency distribution, when it has exactly this type's bounds
    /// (1 µs to 1 h, 3 significant digits): only then do buckets add one to one.
    pub fn from_histogram(hist: Histogram<u64>) -> Option<Latency> {
        let own = Latency::default();
        (hist.low() == own.hist.low()
            && hist.high() == own.hist.high()
            && hist.sigfig() == own.hist.sigfig())
        .then_some(Latency { hist })
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
    /// End-to-end latency of the messages received in this second (subscribers), or
    /// publish-to-acknowledgement latency (`bench pub` at QoS 1/2), microseconds.
    #[serde(default)]
    pub p50_us: Option<u64>,
    #[serde(default)]
    pub p99_us: Option<u64>,
    #[serde(default)]
    pub max_us: Option<u64>,
    /// Duplicates received in this second.
    #[serde(default)]
    pub duplicates: u64,
    /// Messages found missing in this second: sequence numbers skipped when a later one
    /// arrived (a message that arrives late afterwards still counts as received overall).
    #[serde(default)]
    pub gaps: u64,
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
            ..Sample::default()
        });
        self.last = now;
    }
}

/// What every client saw in one second of the run, merged.
#[derive(Clone, Debug, Default)]
pub struct SecondStats {
    pub latency: Latency,
    pub duplicates: u64,
    pub gaps: u64,
}

impl SecondStats {
    fn merge(&mut self, other: &SecondStats) {
        self.latency.merge(&other.latency);
        self.duplicates += other.duplicates;
        self.gaps += other.gaps;
    }

    fn clear(&mut self) {
        self.latency.reset();
        self.duplicates = 0;
        self.gaps = 0;
    }
}

/// Per-second figures of the whole run, that clients add to once per second each (one lock a
/// second per client, not one per message).
#[derive(Debug, Default)]
pub struct PerSecond {
    seconds: Mutex<Vec<SecondStats>>,
}

impl PerSecond {
    fn add(&self, second: usize, stats: &SecondStats) {
        let Ok(mut all) = self.seconds.lock() else {
            return;
        };
        if all.len() <= second {
            all.resize_with(second + 1, SecondStats::default);
        }
        all[second].merge(stats);
    }

    /// Writes latency percentiles, duplicates and gaps into the matching samples (sample `i`
    /// covers second `i` of the run).
    pub fn fill(&self, samples: &mut [Sample]) {
        let Ok(all) = self.seconds.lock() else {
            return;
        };
        for (sample, s) in samples.iter_mut().zip(all.iter()) {
            if let Some(p) = s.latency.summary() {
                sample.p50_us = Some(p.p50_us);
                sample.p99_us = Some(p.p99_us);
                sample.max_us = Some(p.max_us);
            }
            sample.duplicates = s.duplicates;
            sample.gaps = s.gaps;
        }
    }
}

/// One client's figures for the second it is in, handed to [`PerSecond`] when the second ends.
#[derive(Debug, Default)]
pub struct SecondTally {
    second: usize,
    stats: SecondStats,
    dirty: bool,
}

impl SecondTally {
    /// The figures of second `second` (since the start barrier), flushing the previous one.
    pub fn at(&mut self, second: usize, all: &PerSecond) -> &mut SecondStats {
        if second != self.second {
            self.flush(all);
            self.second = second;
        }
        self.dirty = true;
        &mut self.stats
    }

    /// Hands over what is pending (at the end of the run).
    pub fn flush(&mut self, all: &PerSecond) {
        if self.dirty {
            all.add(self.second, &self.stats);
            self.stats.clear();
            self.dirty = false;
        }
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

    fn stream(run: u32, publisher: u32) -> Stream {
        Stream { run, publisher }
    }

    #[test]
    fn table_tracks_streams_separately() {
        let mut table = SeqTable::default();
        table.observe(stream(1, 0), 0, 0);
        table.observe(stream(1, 3), 0, 0);
        assert_eq!(table.observe(stream(1, 3), 0, 0), Some(Arrival::Duplicate));
        // The same publisher index in another process's run is another stream.
        assert_eq!(table.observe(stream(2, 3), 0, 0), Some(Arrival::InOrder));
        assert_eq!(table.iter().count(), 3);
        assert_eq!(table.get(stream(1, 3)).map(|t| t.duplicates), Some(1));
        assert!(table.get(stream(1, 1)).is_none());
    }

    #[test]
    fn announced_totals_count_missing_tail_messages() {
        let mut table = SeqTable::default();
        for seq in 0..990 {
            table.observe(stream(1, 0), seq, 1000);
        }
        let t = table.get(stream(1, 0)).unwrap();
        assert_eq!(t.lost_below_highest(), 0);
        assert_eq!(t.lost_of_announced(), 10);
    }

    #[test]
    fn a_foreign_highest_sequence_number_does_not_wrap() {
        let mut t = SeqTracker::default();
        t.observe(u64::MAX);
        assert_eq!(t.lost_below_highest(), u64::MAX - 1);
    }

    #[test]
    fn per_second_figures_merge_and_fill_their_samples() {
        let all = PerSecond::default();
        let mut a = SecondTally::default();
        let mut b = SecondTally::default();
        a.at(0, &all).latency.record_us(100);
        b.at(0, &all).latency.record_us(300);
        a.at(1, &all).duplicates += 2;
        a.flush(&all);
        b.flush(&all);
        let mut series = Series::default();
        series.push_totals(1.0, 0, 0, 2);
        series.push_totals(2.0, 0, 0, 2);
        all.fill(&mut series.samples);
        assert_eq!(series.samples[0].max_us, Some(300));
        assert!(
            series.samples[0]
                .p50_us
                .is_some_and(|p| (100..=300).contains(&p))
        );
        assert_eq!(series.samples[1].duplicates, 2);
        assert_eq!(series.samples[1].p50_us, None);
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
