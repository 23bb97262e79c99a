//! The one serialisable bench result: what a run measured and the settings it ran with. The
//! formats in `export/` (text, JSON, CSV, HTML) and `bench report` all read this model.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use super::stats::{Percentiles, Sample};

/// What a run measured; serialised as `"pubsub"`, `"pub"`, `"sub"` or `"conn"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Pubsub,
    Pub,
    Sub,
    Conn,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Pubsub => "pubsub",
            Mode::Pub => "pub",
            Mode::Sub => "sub",
            Mode::Conn => "conn",
        }
    }

    /// Publishers run in this mode.
    pub fn publishes(self) -> bool {
        matches!(self, Mode::Pubsub | Mode::Pub)
    }

    /// Subscribers run in this mode.
    pub fn subscribes(self) -> bool {
        matches!(self, Mode::Pubsub | Mode::Sub)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A client's role in a run; serialised as `"pub"`, `"sub"` or `"conn"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Pub,
    Sub,
    Conn,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Pub => "pub",
            Role::Sub => "sub",
            Role::Conn => "conn",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<crate::cli::bench::BenchMode> for Mode {
    fn from(m: crate::cli::bench::BenchMode) -> Self {
        use crate::cli::bench::BenchMode;
        match m {
            BenchMode::Pubsub => Mode::Pubsub,
            BenchMode::Pub => Mode::Pub,
            BenchMode::Sub => Mode::Sub,
            BenchMode::Conn => Mode::Conn,
        }
    }
}

/// Everything one bench run measured, plus the settings it ran with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchResult {
    pub mode: Mode,
    pub settings: Settings,
    /// RFC 3339 times of the start barrier and of the end of the run.
    pub start: String,
    pub end: String,
    /// Seconds from the start barrier to the end.
    pub elapsed_s: f64,
    /// Seconds the rates are computed over (the run minus warm-up and drain).
    pub measured_s: f64,
    /// Stopped early by Ctrl-C.
    pub interrupted: bool,
    pub publish: Option<PublishFigures>,
    pub receive: Option<ReceiveFigures>,
    /// End-to-end latency, from the intended send time to the subscriber reading the message.
    pub latency: Option<Percentiles>,
    /// Publish-to-acknowledgement latency at QoS 1 (PUBACK) and 2 (PUBCOMP).
    pub ack_latency: Option<Percentiles>,
    /// At a fixed rate: how late the generator queued each message after its due time (its own
    /// lateness, which the latency figures include).
    #[serde(default)]
    pub schedule_lag: Option<Percentiles>,
    /// The broker's own resources over the run (`--broker-pid`).
    #[serde(default)]
    pub broker: Option<BrokerFigures>,
    /// The broker's `$SYS` figures before and after the run (`--broker-sys`).
    #[serde(default)]
    pub broker_sys: Option<BrokerSysFigures>,
    pub connect: ConnectFigures,
    /// Errors by kind (e.g. `connection lost`, `publish refused`).
    pub errors: BTreeMap<String, u64>,
    /// Connections re-established after the broker dropped them (`--reconnect-attempts`).
    pub reconnects: u64,
    /// Per-second counts.
    pub series: Vec<Sample>,
    /// One row per client, with `--per-client`.
    pub clients: Vec<ClientRow>,
    /// `--assert` outcomes, in the order given.
    pub assertions: Vec<AssertionOutcome>,
    /// Remarks on how to read the figures.
    pub notes: Vec<String>,
    /// `--shard`: which part of a many-agent run this is, and what `bench merge` needs to
    /// combine the parts exactly. Absent from one-machine runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardFigures>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub broker: String,
    pub protocol: String,
    pub qos: u8,
    pub publishers: u32,
    pub subscribers: u32,
    /// Connections `bench conn` opens.
    pub connections: u32,
    /// Messages per publisher (`None`: bounded by duration only).
    pub messages: Option<u64>,
    pub duration_s: Option<f64>,
    pub size: usize,
    /// Messages per second per publisher; 0 = as fast as possible.
    pub rate: f64,
    /// Messages per second each subscriber reads; 0 = as fast as possible.
    pub sub_rate: f64,
    pub topic: String,
    pub filter: String,
    pub max_inflight: u16,
    /// `--coalesce` in microseconds (0: off); absent from results of older versions.
    #[serde(default)]
    pub coalesce_us: u64,
    /// `--threads`: the generator's worker threads; absent (0) from results of older versions.
    #[serde(default)]
    pub threads: usize,
    pub warmup_s: f64,
    pub retain: bool,
    pub clean_session: bool,
    pub connect_rate: f64,
    pub hold_s: f64,
    pub source_addrs: Vec<String>,
}

/// A local broker process's resources over the run, sampled once a second from /proc.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrokerFigures {
    pub pid: u32,
    /// CPU time used over the run, as a fraction of one core (1.0 = one core fully busy).
    pub cpu_busy: f64,
    /// The busiest second, same unit.
    pub cpu_busy_max: f64,
    pub rss_max_bytes: u64,
    pub rss_end_bytes: u64,
    /// CPU seconds the broker used over the run (absent from older results).
    #[serde(default)]
    pub cpu_s: Option<f64>,
    /// CPU seconds this mqtk process used over the same time: with `cpu_s`, what each costs per
    /// message. `None` in merged results (each agent measured its own machine's broker view).
    #[serde(default)]
    pub mqtk_cpu_s: Option<f64>,
}

/// What the broker's `$SYS` tree said before and after the run, in `mqtk sys`'s field names
/// (`clients.connected`, `heap.current`, `publish.dropped`, ...); load averages left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrokerSysFigures {
    /// The `$SYS` dialect (`mosquitto`, `mqtk`, `emqx`, ...).
    pub dialect: String,
    pub before: BTreeMap<String, f64>,
    pub after: BTreeMap<String, f64>,
    /// How old the newest `$SYS` update was at the end of the run: the "after" values are the
    /// broker's last report, which comes at its interval (mosquitto: every 10 s by default).
    pub after_age_s: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishFigures {
    pub sent: u64,
    /// Acknowledged (QoS 1/2); equals `sent` at QoS 0.
    pub acked: u64,
    /// Messages per second in the measured window; at QoS 1/2 counted at acknowledgement.
    pub rate: f64,
    pub mb_per_s: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiveFigures {
    pub received: u64,
    /// Messages the subscribers should have received (`None` for `bench sub`, which cannot know).
    pub expected: Option<u64>,
    pub lost: u64,
    pub duplicates: u64,
    pub out_of_order: u64,
    /// Messages without a bench header (only counted; in `bench pubsub` not part of `received`).
    pub foreign: u64,
    /// `bench pubsub`: messages of another run or process (acknowledged, not counted).
    #[serde(default)]
    pub other_run: u64,
    /// Messages a resumed session delivered before the start barrier (acknowledged, not counted).
    #[serde(default)]
    pub before_start: u64,
    pub rate: f64,
    pub mb_per_s: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectFigures {
    pub attempted: u64,
    pub connected: u64,
    pub failed: u64,
    /// Connections per second while opening them.
    pub rate: f64,
    /// Time from starting a connection to its CONNACK.
    pub time: Option<Percentiles>,
    /// Failures by reason.
    pub failures: BTreeMap<String, u64>,
    /// Resident memory of mqtk while the connections were held (Linux only).
    pub rss_bytes: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientRow {
    pub role: Role,
    pub client_id: String,
    pub sent: u64,
    pub acked: u64,
    pub received: u64,
    pub lost: u64,
    pub duplicates: u64,
    pub rate: f64,
    pub errors: u64,
    /// This client's latency (end to end for subscribers, publish-to-ack for publishers).
    #[serde(default)]
    pub p50_us: Option<u64>,
    #[serde(default)]
    pub p99_us: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssertionOutcome {
    pub expr: String,
    pub passed: bool,
    /// The measured value in the metric's unit (microseconds for latencies), when measured.
    pub actual: Option<f64>,
}

/// One agent's part of a sharded run (`--shard I/N`), or the merged run's (`bench merge`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardFigures {
    /// This shard's index and the number of shards (a merged result: 0 and the count).
    pub index: u32,
    pub count: u32,
    /// The run id every message header carries.
    pub run_id: u32,
    /// Fingerprint of the plan all shards must share (hex).
    pub plan: String,
    /// The whole run's clients, and this shard's first global index of each.
    pub totals: ClientCounts,
    pub firsts: ClientCounts,
    /// `--start-at`, Unix seconds.
    pub start_at: Option<f64>,
    /// When this shard actually started (Unix seconds), and how late that was after
    /// `--start-at` (0 when on time).
    pub started_s: f64,
    pub late_s: f64,
    /// `--control`: this agent's clock minus the coordinator's, measured as the GO arrived (so
    /// it includes the GO's one-way delay).
    #[serde(default)]
    pub clock_offset_s: Option<f64>,
    /// Messages each of this shard's publishers sent, by global publisher index.
    pub streams: Vec<StreamSent>,
    /// This shard's subscribers grouped by filter, with the distinct messages of this run they
    /// received: with every shard's `streams`, merge counts loss across shards exactly.
    pub subscriptions: Vec<SubscriptionFigures>,
    /// The load generator's own load, to tell a slow broker from an overloaded agent.
    pub agent: AgentFigures,
    /// Why this agent may have limited the figures (empty: it did not).
    pub saturated: Vec<String>,
    /// A merged result: how many shards it combines (0: one agent's own part).
    #[serde(default)]
    pub merged: u32,
    /// A merged result: the shards that started late, or saturated, by index.
    #[serde(default)]
    pub late_shards: Vec<u32>,
    #[serde(default)]
    pub saturated_shards: Vec<u32>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientCounts {
    pub publishers: u32,
    pub subscribers: u32,
    pub connections: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamSent {
    pub publisher: u32,
    pub topic: String,
    pub sent: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionFigures {
    pub filter: String,
    pub subscribers: u32,
    /// Distinct messages of this run received over these subscribers.
    pub unique: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentFigures {
    /// CPU time mqtk used over the run, seconds, and as a fraction of all the machine's cores.
    pub cpu_s: f64,
    pub cpu_busy: f64,
    /// The whole machine's CPU busy share over the run (Linux), whoever used it.
    #[serde(default)]
    pub machine_busy: Option<f64>,
    pub cores: u32,
    /// Open descriptors once every client was connected, and the limit.
    pub open_files: Option<u64>,
    pub open_files_limit: Option<u64>,
    /// Connections per source address, and the local ports the system hands out per address.
    pub ports_per_source: u64,
    pub port_range: Option<u64>,
}

impl BenchResult {
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// Fixed results for the formatter, chart and assertion tests.
/// Reads a result document (`mqtk bench --json`) from `path`, with the name it goes by in
/// reports (its file name). Lines mqtk writes to stderr (`mqtk: ...`) are skipped, so logs that
/// hold both streams (`kubectl logs`) can be read as they are. A missing or malformed file is bad
/// input (exit 2).
pub fn read_document(path: &std::path::Path) -> anyhow::Result<(String, BenchResult)> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| crate::error::usage(format!("cannot read {}: {e}", path.display())))?;
    let doc: String = text
        .lines()
        .filter(|l| !l.starts_with("mqtk: "))
        .collect::<Vec<_>>()
        .join("\n");
    let result: BenchResult = serde_json::from_str(&doc).map_err(|e| {
        crate::error::usage(format!(
            "{} is not a bench result document (mqtk bench --json): {e}",
            path.display()
        ))
    })?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok((name, result))
}

#[cfg(test)]
pub(crate) mod fixture {
    use super::*;
    use crate::bench::stats::Latency;

    /// A fixed result used by the formatter tests and the assertion tests.
    pub fn sample() -> BenchResult {
        let lat = Percentiles {
            count: 1000,
            min_us: 40,
            p50_us: 120,
            p90_us: 300,
            p99_us: 1500,
            p999_us: 2500,
            max_us: 3_000_000,
            mean_us: 150.5,
            histogram: None,
        };
        BenchResult {
            mode: Mode::Pubsub,
            settings: Settings {
                broker: "localhost:1883".into(),
                protocol: "3.1.1".into(),
                qos: 1,
                publishers: 2,
                subscribers: 1,
                connections: 0,
                messages: Some(500),
                duration_s: None,
                size: 64,
                rate: 0.0,
                sub_rate: 0.0,
                topic: "mqtk-bench/%i".into(),
                filter: "mqtk-bench/+".into(),
                max_inflight: 20,
                coalesce_us: 0,
                threads: 2,
                warmup_s: 0.0,
                retain: false,
                clean_session: true,
                connect_rate: 0.0,
                hold_s: 0.0,
                source_addrs: vec![],
            },
            start: "2026-01-02T03:04:05.000+00:00".into(),
            end: "2026-01-02T03:04:07.000+00:00".into(),
            elapsed_s: 2.0,
            measured_s: 2.0,
            interrupted: false,
            publish: Some(PublishFigures {
                sent: 1000,
                acked: 1000,
                rate: 500.0,
                mb_per_s: 0.032,
            }),
            receive: Some(ReceiveFigures {
                received: 998,
                expected: Some(1000),
                lost: 2,
                duplicates: 1,
                out_of_order: 0,
                foreign: 0,
                other_run: 0,
                before_start: 0,
                rate: 499.0,
                mb_per_s: 0.031936,
            }),
            latency: Some(lat.clone()),
            ack_latency: None,
            schedule_lag: None,
            broker: None,
            broker_sys: None,
            connect: ConnectFigures {
                attempted: 3,
                connected: 3,
                failed: 0,
                rate: 300.0,
                time: Some(Percentiles {
                    count: 3,
                    min_us: 800,
                    p50_us: 900,
                    p90_us: 1000,
                    p99_us: 1000,
                    p999_us: 1000,
                    max_us: 1000,
                    mean_us: 900.0,
                    histogram: None,
                }),
                failures: BTreeMap::new(),
                rss_bytes: None,
            },
            errors: BTreeMap::from([("connection lost".to_string(), 1)]),
            reconnects: 0,
            series: vec![
                Sample {
                    t: 1.0,
                    sent: 600,
                    acked: 590,
                    received: 598,
                    ..Default::default()
                },
                Sample {
                    t: 2.0,
                    sent: 400,
                    acked: 410,
                    received: 400,
                    ..Default::default()
                },
            ],
            clients: vec![],
            assertions: vec![],
            notes: vec!["at full speed, latency is mostly queueing".into()],
            shard: None,
        }
    }

    /// A deterministic, long-tailed latency distribution of `n` values around `base_us`.
    pub fn latency(n: u64, base_us: u64) -> Latency {
        let mut l = Latency::default();
        for i in 0..n {
            // Mostly near the base, a tail of 1 in 10, 1 in 100 and 1 in 1000 much slower.
            let tail = if i % 1000 == 999 {
                200
            } else if i % 100 == 99 {
                30
            } else if i % 10 == 9 {
                4
            } else {
                1
            };
            l.record_us(base_us * tail + (i * 7919) % base_us.max(1));
        }
        l
    }

    /// [`sample`] with real histograms and a longer time series, as a run records them.
    pub fn with_histograms() -> BenchResult {
        let mut r = sample();
        r.latency = latency(10_000, 120).summary();
        r.ack_latency = latency(10_000, 80).summary();
        r.connect.time = latency(3, 900).summary();
        r.series = (1..=20)
            .map(|t| Sample {
                t: t as f64,
                sent: 500 + (t * 37 % 11) * 10,
                acked: 490 + (t * 37 % 11) * 10,
                received: 480 + (t * 53 % 7) * 15,
                ..Default::default()
            })
            .collect();
        r
    }
}
