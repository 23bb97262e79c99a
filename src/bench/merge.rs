//! `bench merge`: combines the results of a sharded run's agents into the one result a single
//! machine would have produced: histograms added bucket by bucket (never averaged percentiles),
//! counters summed, per-second series summed by wall-clock second, loss counted across shards
//! from what every publisher sent and every subscription received, rates recomputed over the
//! run's whole measured window. Refuses anything that would not add up (missing, repeated or
//! foreign shards, other histogram bounds, damaged histograms). Pure: no I/O.

use std::collections::{BTreeMap, BTreeSet};

use super::agent::MAX_MATCHES;
use super::hdr;
use super::result::{
    BenchResult, ConnectFigures, Mode, Percentiles, PublishFigures, ReceiveFigures, Sample,
    ShardFigures, SubscriptionFigures,
};
use super::stats::Latency;
use crate::conn::topic::matches as topic_matches;
use crate::error::usage;

/// One result to merge and the name it is reported by (its file name).
pub struct Part {
    pub name: String,
    pub result: BenchResult,
}

/// Merges the parts of one sharded run; every inconsistency is a usage error naming the file.
pub fn merge(parts: &[Part]) -> anyhow::Result<BenchResult> {
    let Some(first) = parts.first() else {
        return Err(usage("nothing to merge"));
    };
    let shard_of = |p: &Part| -> anyhow::Result<ShardFigures> {
        match &p.result.shard {
            Some(s) if s.merged > 0 => Err(usage(format!(
                "{} is already a merged result of {} shards; merge the shards' own results",
                p.name, s.merged
            ))),
            Some(s) => Ok(s.clone()),
            None => Err(usage(format!(
                "{} is not a shard's result: run each agent with --shard I/N --json",
                p.name
            ))),
        }
    };
    let lead = shard_of(first)?;
    let mut by_index: BTreeMap<u32, &str> = BTreeMap::new();
    for p in parts {
        let s = shard_of(p)?;
        if s.plan != lead.plan
            || s.run_id != lead.run_id
            || s.count != lead.count
            || p.result.mode != first.result.mode
        {
            return Err(usage(format!(
                "{} and {} come from different plans (plan {} run {:08x} of {} shards, plan {} \
                 run {:08x} of {} shards): give the results of one run",
                first.name, p.name, lead.plan, lead.run_id, lead.count, s.plan, s.run_id, s.count
            )));
        }
        if let Some(other) = by_index.insert(s.index, &p.name) {
            return Err(usage(format!(
                "shard {}/{} is given twice ({other} and {}): each shard once",
                s.index, s.count, p.name
            )));
        }
    }
    let missing: Vec<String> = (0..lead.count)
        .filter(|i| !by_index.contains_key(i))
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        let (noun, verb) = if missing.len() == 1 {
            ("shard", "is")
        } else {
            ("shards", "are")
        };
        return Err(usage(format!(
            "{noun} {} of {} {verb} missing: merging part of a run would under-count it",
            missing.join(", "),
            lead.count
        )));
    }
    let mut sorted: Vec<&Part> = parts.iter().collect();
    sorted.sort_by_key(|p| p.result.shard.as_ref().map_or(0, |s| s.index));
    let parts = sorted;
    let mode = first.result.mode;
    let shard = |p: &Part| p.result.shard.clone().unwrap_or_default();

    // Histograms first: a damaged one refuses the merge before anything is computed.
    let latency = add_histograms(&parts, "latency", |r| r.latency.as_ref())?;
    let ack_latency = add_histograms(&parts, "ack_latency", |r| r.ack_latency.as_ref())?;
    let schedule_lag = add_histograms(&parts, "schedule_lag", |r| r.schedule_lag.as_ref())?;
    let connect_time = add_histograms(&parts, "connect.time", |r| r.connect.time.as_ref())?;

    let base_s = parts
        .iter()
        .map(|p| shard(p).started_s)
        .fold(f64::INFINITY, f64::min);
    let end_s = parts
        .iter()
        .map(|p| shard(p).started_s + p.result.elapsed_s)
        .fold(f64::NEG_INFINITY, f64::max);
    // The measured window of the whole run: from the earliest shard's end of warm-up to the
    // latest shard's last counted event, so a late shard lowers the rate as it should.
    let windows: Vec<(f64, f64)> = parts
        .iter()
        .filter(|p| p.result.measured_s > 0.0)
        .map(|p| {
            let from = shard(p).started_s + p.result.settings.warmup_s;
            (from, from + p.result.measured_s)
        })
        .collect();
    let measured_s = if windows.is_empty() {
        0.0
    } else {
        let from = windows.iter().map(|w| w.0).fold(f64::INFINITY, f64::min);
        let to = windows
            .iter()
            .map(|w| w.1)
            .fold(f64::NEG_INFINITY, f64::max);
        to - from
    };
    let count_in_window = |rate: f64, p: &Part| rate * p.result.measured_s;
    let merged_rate = |total: f64| {
        if measured_s > 0.0 {
            total / measured_s
        } else {
            0.0
        }
    };
    let size_mb = first.result.settings.size as f64 / 1e6;

    let mut notes: Vec<String> = Vec::new();
    let publish = if parts.iter().any(|p| p.result.publish.is_some()) {
        let mut f = PublishFigures::default();
        let mut counted = 0.0;
        for p in &parts {
            if let Some(x) = &p.result.publish {
                f.sent += x.sent;
                f.acked += x.acked;
                counted += count_in_window(x.rate, p);
            }
        }
        f.rate = merged_rate(counted);
        f.mb_per_s = f.rate * size_mb;
        Some(f)
    } else {
        None
    };

    let receive = if parts.iter().any(|p| p.result.receive.is_some()) {
        let mut f = ReceiveFigures::default();
        let mut counted = 0.0;
        let mut expected_sum: Option<u64> = None;
        for p in &parts {
            if let Some(x) = &p.result.receive {
                f.received += x.received;
                f.lost += x.lost;
                f.duplicates += x.duplicates;
                f.out_of_order += x.out_of_order;
                f.foreign += x.foreign;
                f.other_run += x.other_run;
                f.before_start += x.before_start;
                if let Some(e) = x.expected {
                    *expected_sum.get_or_insert(0) += e;
                }
                counted += count_in_window(x.rate, p);
            }
        }
        f.expected = expected_sum;
        f.rate = merged_rate(counted);
        f.mb_per_s = f.rate * size_mb;
        if mode == Mode::Pubsub {
            match loss_across_shards(&parts) {
                Some((expected, lost)) => {
                    f.expected = Some(expected);
                    f.lost = lost;
                }
                None => notes.push(format!(
                    "too many topics to match every subscription against every publisher (over \
                     {MAX_MATCHES}): lost and expected are the sums of the shards' own counts, \
                     which see only their own publishers"
                )),
            }
        }
        Some(f)
    } else {
        None
    };

    let mut connect = ConnectFigures {
        time: connect_time,
        ..ConnectFigures::default()
    };
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    let mut broker = None;
    let mut broker_sys = None;
    for p in &parts {
        let c = &p.result.connect;
        connect.attempted += c.attempted;
        connect.connected += c.connected;
        connect.failed += c.failed;
        // The shards connect at the same time: their rates add.
        connect.rate += c.rate;
        for (k, v) in &c.failures {
            *connect.failures.entry(k.clone()).or_insert(0) += v;
        }
        if let Some(rss) = c.rss_bytes {
            *connect.rss_bytes.get_or_insert(0) += rss;
        }
        for (k, v) in &p.result.errors {
            *errors.entry(k.clone()).or_insert(0) += v;
        }
        // The broker's own figures describe the broker, not an agent: the first agent's.
        if broker.is_none() {
            broker = p.result.broker.clone().map(|mut b| {
                b.mqtk_cpu_s = None;
                b
            });
        }
        if broker_sys.is_none() {
            broker_sys = p.result.broker_sys.clone();
        }
    }

    let series = merge_series(&parts, base_s);

    // Flags: shards that started late or limited the figures themselves.
    let mut late_shards = Vec::new();
    let mut saturated_shards = Vec::new();
    for p in &parts {
        let s = shard(p);
        if s.late_s > 0.0 {
            late_shards.push(s.index);
            notes.push(format!(
                "shard {}/{} ({}) started {:.3} s after --start-at: its clients were not all \
                 connected in time",
                s.index, s.count, p.name, s.late_s
            ));
        }
        if !s.saturated.is_empty() {
            saturated_shards.push(s.index);
            notes.push(format!(
                "shard {}/{} ({}) was itself saturated: {}; the figures may show the load \
                 generator's limit rather than the broker's",
                s.index,
                s.count,
                p.name,
                s.saturated.join(", ")
            ));
        }
    }
    let offsets: Vec<f64> = parts
        .iter()
        .filter_map(|p| shard(p).clock_offset_s)
        .collect();
    if !offsets.is_empty() {
        let lo = offsets.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = offsets.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        notes.push(format!(
            "agents' clocks against the coordinator's, measured as its GO arrived (the offset \
             plus the GO's one-way delay): {:.3} ms to {:.3} ms; cross-agent latency is only as \
             good as that",
            lo * 1e3,
            hi * 1e3
        ));
    }
    if mode.subscribes() && parts.len() > 1 {
        notes.push(
            "end-to-end latency between agents on different machines includes their clock \
             offset: keep clocks synchronised (chrony/NTP), or keep each shard's publishers and \
             subscribers on one host when latency matters"
                .into(),
        );
    }
    notes.insert(
        0,
        format!(
            "merged from {} shards of run {:08x}: histograms added, counters and per-second \
             series summed by wall-clock second",
            parts.len(),
            lead.run_id
        ),
    );
    // The shards' own remarks, once each (not the one saying a shard sees only its part).
    let mut seen = BTreeSet::new();
    for p in &parts {
        for n in &p.result.notes {
            // Remarks about one agent's own figures; the merged lag gets its own below.
            let own = n.starts_with("one shard of a run")
                || n.starts_with("this agent may have")
                || n.starts_with("the generator itself was late");
            if !own && seen.insert(n.clone()) {
                notes.push(n.clone());
            }
        }
    }

    if let Some(l) = &schedule_lag
        && l.p99_us > super::agent::LATE_GENERATOR_US
    {
        notes.push(format!(
            "the generators themselves were late: schedule lag p99 {} (max {}) over all agents, \
             so latency includes time the messages waited in mqtk; use more shards or fewer \
             publishers per agent",
            super::export::fmt_us(l.p99_us as f64),
            super::export::fmt_us(l.max_us as f64)
        ));
    }
    let mut settings = first.result.settings.clone();
    settings.publishers = lead.totals.publishers;
    settings.subscribers = lead.totals.subscribers;
    settings.connections = lead.totals.connections;
    let mut addrs = BTreeSet::new();
    for p in &parts {
        addrs.extend(p.result.settings.source_addrs.iter().cloned());
    }
    settings.source_addrs = addrs.into_iter().collect();

    let earliest = parts
        .iter()
        .min_by(|a, b| shard(a).started_s.total_cmp(&shard(b).started_s))
        .map_or_else(String::new, |p| p.result.start.clone());
    let latest = parts
        .iter()
        .max_by(|a, b| {
            (shard(a).started_s + a.result.elapsed_s)
                .total_cmp(&(shard(b).started_s + b.result.elapsed_s))
        })
        .map_or_else(String::new, |p| p.result.end.clone());

    let mut groups: BTreeMap<String, (u32, u64)> = BTreeMap::new();
    for p in &parts {
        for g in &shard(p).subscriptions {
            let e = groups.entry(g.filter.clone()).or_default();
            e.0 += g.subscribers;
            e.1 += g.unique;
        }
    }
    Ok(BenchResult {
        mode,
        settings,
        start: earliest,
        end: latest,
        elapsed_s: (end_s - base_s).max(0.0),
        measured_s,
        interrupted: parts.iter().any(|p| p.result.interrupted),
        publish,
        receive,
        latency,
        ack_latency,
        schedule_lag,
        broker,
        broker_sys,
        connect,
        errors,
        reconnects: parts.iter().map(|p| p.result.reconnects).sum(),
        series,
        clients: parts
            .iter()
            .flat_map(|p| p.result.clients.iter().cloned())
            .collect(),
        assertions: Vec::new(),
        notes,
        shard: Some(ShardFigures {
            index: 0,
            count: lead.count,
            run_id: lead.run_id,
            plan: lead.plan.clone(),
            totals: lead.totals,
            start_at: lead.start_at,
            started_s: base_s,
            late_s: parts.iter().map(|p| shard(p).late_s).fold(0.0, f64::max),
            subscriptions: groups
                .into_iter()
                .map(|(filter, (subscribers, unique))| SubscriptionFigures {
                    filter,
                    subscribers,
                    unique,
                })
                .collect(),
            merged: parts.len() as u32,
            late_shards,
            saturated_shards,
            ..ShardFigures::default()
        }),
    })
}

/// Adds one histogram of every part; `None` when no part recorded any value.
fn add_histograms(
    parts: &[&Part],
    what: &str,
    get: impl Fn(&BenchResult) -> Option<&Percentiles>,
) -> anyhow::Result<Option<Percentiles>> {
    let mut sum = Latency::default();
    for p in parts {
        let Some(pc) = get(&p.result) else { continue };
        let Some(text) = &pc.histogram else {
            return Err(usage(format!(
                "{}: the {what} figures carry no histogram (written by an older mqtk?): \
                 percentiles cannot be merged without one",
                p.name
            )));
        };
        let Some(h) = hdr::decode(text) else {
            return Err(usage(format!(
                "{}: the {what} histogram is damaged (not HdrHistogram V2 in base64)",
                p.name
            )));
        };
        let (low, high, digits) = (h.low(), h.high(), h.sigfig());
        if h.len() != pc.count {
            return Err(usage(format!(
                "{}: the {what} histogram holds {} values but the figures say {}: the file was \
                 altered",
                p.name,
                h.len(),
                pc.count
            )));
        }
        let Some(l) = Latency::from_histogram(h) else {
            return Err(usage(format!(
                "{}: the {what} histogram has other bounds ({low} to {high}, {digits} digits) \
                 than mqtk's (1 µs to 1 h, 3 digits): buckets cannot be added one to one",
                p.name
            )));
        };
        sum.merge(&l);
    }
    Ok(sum.summary())
}

/// Expected and lost messages over all subscriptions of all shards: each subscription should
/// have received every message of every publisher whose topic it matches, wherever both ran.
fn loss_across_shards(parts: &[&Part]) -> Option<(u64, u64)> {
    let mut groups: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let mut streams = Vec::new();
    for p in parts {
        let s = p.result.shard.as_ref()?;
        for g in &s.subscriptions {
            let e = groups.entry(g.filter.as_str()).or_default();
            e.0 += u64::from(g.subscribers);
            e.1 += g.unique;
        }
        streams.extend(s.streams.iter());
    }
    if groups.len() as u64 * streams.len() as u64 > MAX_MATCHES {
        return None;
    }
    let (mut expected, mut unique) = (0u64, 0u64);
    for (filter, (subs, got)) in groups {
        let sent: u64 = streams
            .iter()
            .filter(|s| topic_matches(filter, &s.topic))
            .map(|s| s.sent)
            .sum();
        expected = expected.saturating_add(subs.saturating_mul(sent));
        unique = unique.saturating_add(got);
    }
    Some((expected, expected.saturating_sub(unique)))
}

/// Sums the per-second samples of every part by the wall-clock second they end in, counted from
/// the earliest shard's start. Per-second percentiles cannot be added: only the maximum stays.
fn merge_series(parts: &[&Part], base_s: f64) -> Vec<Sample> {
    let mut seconds: BTreeMap<u64, Sample> = BTreeMap::new();
    for p in parts {
        let offset = p
            .result
            .shard
            .as_ref()
            .map_or(0.0, |s| s.started_s - base_s);
        for x in &p.result.series {
            let second = (offset + x.t).round().max(1.0) as u64;
            let m = seconds.entry(second).or_insert_with(|| Sample {
                t: second as f64,
                ..Sample::default()
            });
            m.sent += x.sent;
            m.acked += x.acked;
            m.received += x.received;
            m.duplicates += x.duplicates;
            m.gaps += x.gaps;
            m.connected += x.connected;
            m.errors += x.errors;
            m.reconnects += x.reconnects;
            m.max_us = m.max_us.max(x.max_us);
        }
    }
    seconds.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::result::{StreamSent, fixture};

    fn part(index: u32, count: u32, f: impl FnOnce(&mut BenchResult)) -> Part {
        let mut r = fixture::with_histograms();
        r.shard = Some(ShardFigures {
            index,
            count,
            run_id: 7,
            plan: "abc".into(),
            started_s: 1000.0 + f64::from(index) * 0.01,
            totals: crate::bench::result::ClientCounts {
                publishers: 2,
                subscribers: 2,
                connections: 0,
            },
            streams: vec![StreamSent {
                publisher: index,
                topic: format!("t/{index}"),
                sent: 500,
            }],
            subscriptions: vec![SubscriptionFigures {
                filter: "t/+".into(),
                subscribers: 1,
                unique: 500 * u64::from(count) - u64::from(index),
            }],
            ..ShardFigures::default()
        });
        f(&mut r);
        Part {
            name: format!("s{index}.json"),
            result: r,
        }
    }

    fn refused(parts: &[Part]) -> String {
        let e = merge(parts).unwrap_err();
        assert_eq!(crate::error::exit_code(&e), 2);
        crate::error::one_line(&e)
    }

    #[test]
    fn histograms_add_exactly() {
        // Values split over four shards give the same histogram as all of them in one.
        let mut all = Latency::default();
        let mut shards = vec![Latency::default(); 4];
        for i in 0..40_000u64 {
            let v = 50 + (i * 7919) % 20_000 + if i % 997 == 0 { 2_000_000 } else { 0 };
            all.record_us(v);
            shards[(i % 4) as usize].record_us(v);
        }
        let parts: Vec<Part> = (0..4)
            .map(|i| part(i, 4, |r| r.latency = shards[i as usize].summary()))
            .collect();
        let merged = merge(&parts).unwrap();
        assert_eq!(merged.latency, all.summary());
        let a = hdr::decode(merged.latency.unwrap().histogram.as_deref().unwrap()).unwrap();
        let b = hdr::decode(all.summary().unwrap().histogram.as_deref().unwrap()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn counters_series_and_cross_shard_loss() {
        let parts: Vec<Part> = (0..2).map(|i| part(i, 2, |_| {})).collect();
        let m = merge(&parts).unwrap();
        let one = fixture::with_histograms();
        let p = m.publish.as_ref().unwrap();
        assert_eq!(p.sent, 2 * one.publish.as_ref().unwrap().sent);
        // Two subscribers, each should get both publishers' 500: 2000; shard 1 missed one.
        let r = m.receive.as_ref().unwrap();
        assert_eq!((r.expected, r.lost), (Some(2000), 1));
        assert_eq!(m.settings.publishers, one.settings.publishers);
        // Each second of the two series lands in one merged second.
        assert_eq!(m.series.len(), one.series.len());
        assert_eq!(m.series[3].sent, 2 * one.series[3].sent);
        assert_eq!(m.series[3].p99_us, None);
        assert_eq!(m.errors.get("connection lost"), Some(&2));
        // Both shards ran over (almost) the same window, 10 ms apart: the rate nearly doubles.
        let two = 2.0 * one.publish.unwrap().rate;
        assert!(p.rate < two && p.rate > 0.99 * two, "{}", p.rate);
        assert_eq!(m.shard.as_ref().map(|s| s.merged), Some(2));
        assert!(m.notes[0].starts_with("merged from 2 shards"));
    }

    #[test]
    fn series_line_up_by_wall_clock_second() {
        // Shard 1 started a second after shard 0: its first second is the run's second.
        let parts = vec![
            part(0, 2, |_| {}),
            part(1, 2, |r| r.shard.as_mut().unwrap().started_s = 1001.0),
        ];
        let m = merge(&parts).unwrap();
        let one = fixture::with_histograms().series;
        assert_eq!(m.series.len(), one.len() + 1);
        assert_eq!(m.series[0].sent, one[0].sent);
        assert_eq!(m.series[1].sent, one[1].sent + one[0].sent);
        assert_eq!(m.series.last().unwrap().sent, one.last().unwrap().sent);
        assert_eq!(m.series[1].t, 2.0);
        // The run lasted a second longer than each shard.
        assert!((m.elapsed_s - (fixture::with_histograms().elapsed_s + 1.0)).abs() < 1e-9);
    }

    #[test]
    fn late_and_saturated_shards_are_named() {
        let parts = vec![
            part(0, 2, |r| r.shard.as_mut().unwrap().late_s = 2.5),
            part(1, 2, |r| {
                r.shard.as_mut().unwrap().saturated = vec!["CPU 97% of 2 cores busy".into()]
            }),
        ];
        let m = merge(&parts).unwrap();
        let s = m.shard.unwrap();
        assert_eq!((s.late_shards, s.saturated_shards), (vec![0], vec![1]));
        assert!(
            m.notes
                .iter()
                .any(|n| n.contains("2.500 s after --start-at"))
        );
        assert!(
            m.notes
                .iter()
                .any(|n| n.contains("s1.json") && n.contains("CPU 97%"))
        );
    }

    #[test]
    fn bad_input_is_refused() {
        let twice = vec![part(0, 3, |_| {}), part(1, 3, |_| {}), part(1, 3, |_| {})];
        assert!(refused(&twice).contains("shard 1/3 is given twice"));
        let missing = vec![part(0, 4, |_| {}), part(2, 4, |_| {})];
        assert!(refused(&missing).contains("shards 1, 3 of 4 are missing"));
        let other = vec![
            part(0, 2, |_| {}),
            part(1, 2, |r| r.shard.as_mut().unwrap().plan = "def".into()),
        ];
        assert!(refused(&other).contains("different plans"));
        let unsharded = vec![part(0, 1, |r| r.shard = None)];
        assert!(refused(&unsharded).contains("not a shard's result"));
        let mut odd = hdrhistogram::Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
        odd.record(100).unwrap();
        let bounds = vec![
            part(0, 2, |_| {}),
            part(1, 2, |r| {
                let l = r.latency.as_mut().unwrap();
                l.histogram = hdr::encode(&odd);
                l.count = 1;
            }),
        ];
        assert!(refused(&bounds).contains("other bounds"));
        let damaged = vec![
            part(0, 2, |r| {
                r.latency.as_mut().unwrap().histogram = Some("HISTFAAA".into())
            }),
            part(1, 2, |_| {}),
        ];
        assert!(refused(&damaged).contains("s0.json: the latency histogram is damaged"));
        let altered = vec![
            part(0, 2, |r| r.latency.as_mut().unwrap().count += 1),
            part(1, 2, |_| {}),
        ];
        assert!(refused(&altered).contains("altered"));
        let merged = merge(&[part(0, 1, |_| {})]).unwrap();
        let again = vec![Part {
            name: "m.json".into(),
            result: merged,
        }];
        assert!(refused(&again).contains("already a merged result"));
    }
}
