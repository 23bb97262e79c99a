//! What one agent of a many-machine run adds to the coordinator's work: waiting for
//! `--start-at`, the messages it should still expect from other shards, and the record of its
//! part and of its own load (CPU, send-loop lag, files, ports) that `bench merge` combines.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use super::outcome::ClientOutcome;
use super::plan::Plan;
use super::result::{
    AgentFigures, BenchResult, ClientCounts, ShardFigures, StreamSent, SubscriptionFigures,
};
use super::shard;
use crate::conn::topic::matches as topic_matches;

/// Schedule lag (p99, µs) above which the agent's own send loop limits the figures.
pub const LATE_GENERATOR_US: u64 = 1_000;

/// Share of a limit (CPU, files, ports) at which an agent counts as saturated.
const SATURATED: f64 = 0.9;

/// Topic matches `bench merge` and the drain estimate evaluate at most (subscription groups
/// times publishers); above it loss across shards is not counted.
pub const MAX_MATCHES: u64 = 50_000_000;

/// How long an agent waits for the coordinator's GO.
const GO_WAIT: Duration = Duration::from_secs(3600);

/// The instant the run starts (the coordinator's GO with `--control`, else `--start-at`) on
/// this process's monotonic clock, and how late this agent is.
pub async fn start(shared: &super::shared::Shared) -> anyhow::Result<(Instant, Duration)> {
    let plan = &shared.plan;
    let at = match &shared.link {
        Some(link) => {
            let go = link.ready(GO_WAIT).await?;
            let _ = shared.clock_offset_s.set(go.clock_offset_s);
            Some(go.start_at)
        }
        None => plan.start_at,
    };
    Ok(start_instant(at, plan.quiet))
}

/// `at` on this process's monotonic clock, or now when it is not given or already past; and
/// how late this agent is (zero when on time).
pub fn start_instant(at: Option<SystemTime>, quiet: bool) -> (Instant, Duration) {
    let now = Instant::now();
    let Some(at) = at else {
        return (now, Duration::ZERO);
    };
    match at.duration_since(SystemTime::now()) {
        Ok(wait) => (now + wait, Duration::ZERO),
        Err(e) => {
            let late = e.duration();
            crate::output::warn(
                quiet,
                &format!(
                    "bench: the clients were connected {:.3} s after --start-at; starting late \
                     (flagged in the result)",
                    late.as_secs_f64()
                ),
            );
            (now, late)
        }
    }
}

/// Messages this shard's subscribers should get from every shard's publishers, when the plan
/// fixes the count per publisher (`None`: only the drain period ends the run).
pub fn expected_from_all_shards(plan: &Plan) -> Option<u64> {
    let n = plan.messages?;
    let mut filters: HashMap<String, u64> = HashMap::new();
    for i in 0..plan.subscribers {
        *filters.entry(plan.filter_for(i)).or_default() += 1;
    }
    let publishers = u64::from(plan.totals.publishers);
    if filters.len() as u64 * publishers > MAX_MATCHES {
        return None;
    }
    let topics: Vec<String> = (0..plan.totals.publishers)
        .map(|g| plan.topic_for_global(g))
        .collect();
    let mut expected = 0u64;
    for (filter, subs) in &filters {
        let matching = topics.iter().filter(|t| topic_matches(filter, t)).count() as u64;
        expected = expected.saturating_add(subs * matching * n);
    }
    Some(expected)
}

/// This shard's part of the run, as `bench merge` needs it.
pub fn part(
    plan: &Plan,
    started: SystemTime,
    late: Duration,
    pubs: &[ClientOutcome],
    subs: &[ClientOutcome],
) -> Option<ShardFigures> {
    let s = plan.shard?;
    let streams = pubs
        .iter()
        .map(|o| StreamSent {
            publisher: plan.publisher_offset.saturating_add(o.index),
            topic: plan.topic_for(o.index),
            sent: o.sent,
        })
        .collect();
    let mut groups: BTreeMap<String, (u32, u64)> = BTreeMap::new();
    for o in subs {
        let g = groups.entry(plan.filter_for(o.index)).or_default();
        g.0 += 1;
        g.1 += o
            .seq
            .iter()
            .filter(|(stream, _)| stream.run == plan.run_id)
            .map(|(_, t)| t.unique)
            .sum::<u64>();
    }
    let counts = |c: super::plan::Firsts| ClientCounts {
        publishers: c.publishers,
        subscribers: c.subscribers,
        connections: c.connections,
    };
    Some(ShardFigures {
        index: s.index,
        count: s.count,
        run_id: plan.run_id,
        plan: format!("{:016x}", plan.fingerprint),
        totals: counts(plan.totals),
        firsts: counts(plan.firsts),
        start_at: plan.start_at.map(shard::epoch_s),
        started_s: shard::epoch_s(started),
        late_s: late.as_secs_f64(),
        streams,
        subscriptions: groups
            .into_iter()
            .map(|(filter, (subscribers, unique))| SubscriptionFigures {
                filter,
                subscribers,
                unique,
            })
            .collect(),
        ..ShardFigures::default()
    })
}

/// The agent's own load over the run, and the reasons it may have been the bottleneck.
pub struct Load {
    pub cpu_s: Option<f64>,
    /// The whole machine's busy share over the run (other agents, the broker, anything else).
    pub machine_busy: Option<f64>,
    pub wall: Duration,
    pub open_files: Option<u64>,
    pub open_files_limit: u64,
}

/// Fills in the agent's load and its saturation verdict.
pub fn assess(plan: &Plan, load: &Load, result: &mut BenchResult) {
    let Some(part) = &mut result.shard else {
        return;
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
    let cpu_s = load.cpu_s.unwrap_or(0.0);
    let wall = load.wall.as_secs_f64();
    let busy = if wall > 0.0 {
        cpu_s / wall / f64::from(cores)
    } else {
        0.0
    };
    let sources = plan.source_addrs.len().max(1) as u64;
    let per_source = plan.client_count().div_ceil(sources);
    let limit = (load.open_files_limit != u64::MAX).then_some(load.open_files_limit);
    part.agent = AgentFigures {
        cpu_s,
        cpu_busy: busy,
        machine_busy: load.machine_busy,
        cores,
        open_files: load.open_files,
        open_files_limit: limit,
        ports_per_source: per_source,
        port_range: super::limits::ephemeral_ports(),
    };
    let mut why = Vec::new();
    if busy >= SATURATED {
        why.push(format!("CPU {:.0}% of {cores} cores busy", busy * 100.0));
    } else if let Some(m) = load.machine_busy
        && m >= SATURATED
    {
        why.push(format!(
            "the machine's CPU {:.0}% busy ({:.0}% of it mqtk's): other processes compete",
            m * 100.0,
            busy * 100.0
        ));
    }
    if let Some(l) = &result.schedule_lag
        && l.p99_us > LATE_GENERATOR_US
    {
        why.push(format!(
            "send loop behind schedule (lag p99 {})",
            super::export::fmt_us(l.p99_us as f64)
        ));
    }
    if let (Some(open), Some(limit)) = (load.open_files, limit)
        && open as f64 >= SATURATED * limit as f64
    {
        why.push(format!("{open} of {limit} open files"));
    }
    if let Some(range) = part.agent.port_range
        && per_source as f64 >= SATURATED * range as f64
    {
        why.push(format!(
            "{per_source} connections per source address of {range} local ports"
        ));
    }
    if !why.is_empty() {
        result.notes.push(format!(
            "this agent may have limited the figures itself: {}",
            why.join(", ")
        ));
    }
    part.saturated = why;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn plan(args: &[&str]) -> Plan {
        let mut argv = vec!["mqtk", "bench"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Bench(b) => Plan::from_args(&b).unwrap(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn expects_every_shards_messages() {
        let base = ["--pubs", "10", "--subs", "3", "-n", "7", "--run-id", "5"];
        let p = plan(&[&base[..], &["--shard", "1/2"]].concat());
        // Subscribers 1 and 2 of 3 run here, each expecting 10 publishers * 7 messages.
        assert_eq!((p.firsts.subscribers, p.subscribers), (1, 2));
        assert_eq!(expected_from_all_shards(&p), Some(140));
        let p = plan(
            &[
                &base[..],
                &["--shard", "0/2", "-t", "x/%i", "--filter", "x/%i"],
            ]
            .concat(),
        );
        // Subscriber 0 matches only publisher 0's topic.
        assert_eq!(expected_from_all_shards(&p), Some(7));
        let p = plan(&[
            "--shard",
            "0/2",
            "--run-id",
            "5",
            "--duration",
            "2s",
            "--subs",
            "2",
        ]);
        assert_eq!(expected_from_all_shards(&p), None);
    }
}
