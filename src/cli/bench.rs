//! `mqtk bench` flags (clap derive only; combinations are checked in `bench::plan`).

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::{Args, Subcommand, ValueEnum};

use super::{ConnectArgs, QosLevel, values};
use crate::bench::shard::{self, ShardSpec};

/// What `mqtk bench` runs.
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BenchMode {
    /// Publishers and subscribers in one run: throughput, loss, duplicates, end-to-end latency
    #[default]
    Pubsub,
    /// Publishers only (for subscribers elsewhere): publish rate and acknowledgement latency
    Pub,
    /// Subscribers only: receive rate; loss and latency when the messages carry a bench header
    Sub,
    /// Open many connections, hold them, report connect times, failures and memory
    Conn,
}

impl BenchMode {
    pub fn name(self) -> &'static str {
        match self {
            BenchMode::Pubsub => "pubsub",
            BenchMode::Pub => "pub",
            BenchMode::Sub => "sub",
            BenchMode::Conn => "conn",
        }
    }
}

/// When to draw charts under the text summary.
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChartsChoice {
    /// Only when standard output is a terminal
    #[default]
    Auto,
    /// Also when standard output is a file or a pipe
    Always,
    /// Never
    Never,
}

// Subcommands of `mqtk bench` (a plain comment: as a doc comment it would become the about text
// of `mqtk bench`, whose flags are built deferred).
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Rebuild the report of saved results (`mqtk bench --json`), or compare several runs: the
    /// first is the baseline
    #[command(disable_help_flag = true)]
    Report(BenchReportArgs),

    /// Merge the results of a sharded run (`mqtk bench --shard I/N --json` on each agent) into
    /// the one report of the whole run: histograms added, counters and per-second series
    /// summed, loss counted across shards; --assert gives one verdict
    #[command(disable_help_flag = true)]
    Merge(Box<BenchMergeArgs>),

    /// Print the job that runs this bench as N agents on Kubernetes (an Indexed Job, YAML) or
    /// Nomad (a batch job, API JSON): `mqtk bench plan k8s --shards 10 --image IMAGE [bench
    /// flags]`; each agent runs `--shard auto` with one run id and one --start-at
    #[command(disable_help_flag = true)]
    Plan(Box<BenchPlanArgs>),

    /// Start and collect a sharded run over a control broker: wait for N agents (`mqtk bench
    /// --shard I/N --control URL`), send GO, print the merged report once every result arrived;
    /// agents that left (their last will) or did not answer are named, and the exit is non-zero
    #[command(disable_help_flag = true)]
    Coordinate(Box<BenchCoordinateArgs>),
}

// `mqtk bench coordinate`.
#[derive(Args, Debug)]
pub struct BenchCoordinateArgs {
    /// The control broker the agents were given (--control), not the broker under test
    #[arg(long, value_name = "URL")]
    pub control: String,

    /// Number of agents (the N of their --shard I/N)
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(shard::MAX_SHARDS)), value_name = "N")]
    pub agents: u32,

    /// The run id the agents were given
    #[arg(long = "run-id", value_name = "N")]
    pub run_id: u32,

    /// Start the run this long after the last agent is ready
    #[arg(long = "start-delay", default_value = "2s", value_parser = values::parse_duration, value_name = "DURATION")]
    pub start_delay: Duration,

    /// Wait at most this long for every agent to be ready, and again for every result after
    /// the start
    #[arg(long, default_value = "10m", value_parser = values::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,

    /// Print the merged result as one JSON document
    #[arg(long)]
    pub json: bool,

    /// Print a CSV header and one row for the merged run
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,

    /// Check a threshold on the merged run (repeatable); any failure exits 7
    #[arg(long = "assert", value_name = "EXPR")]
    pub asserts: Vec<String>,

    /// Charts under the summary: auto (on a terminal), always, never
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub charts: ChartsChoice,

    /// No progress lines on stderr
    #[arg(long)]
    pub quiet: bool,
}

/// The placement engine `bench plan` writes a job for.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// A Kubernetes Indexed Job (YAML): kubectl apply -f
    K8s,
    /// A Nomad batch job (API JSON): nomad job run -json
    Nomad,
}

// `mqtk bench plan`.
#[derive(Args, Debug)]
pub struct BenchPlanArgs {
    /// k8s or nomad
    #[arg(value_enum, value_name = "ENGINE")]
    pub engine: Engine,

    /// Number of agents (shards) to run the bench as
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(shard::MAX_SHARDS)), value_name = "N")]
    pub shards: u32,

    /// Container image with mqtk on its PATH
    #[arg(long, value_name = "IMAGE")]
    pub image: String,

    /// Start the run this long after the plan is printed (pods must be scheduled, images
    /// pulled and every client connected by then)
    #[arg(long = "start-in", default_value = "2m", value_parser = values::parse_duration, value_name = "DURATION")]
    pub start_in: Duration,

    /// Job name [default: mqtk-bench-<run id>]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Kubernetes or Nomad namespace
    #[arg(long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Nomad datacenters
    #[arg(long, value_delimiter = ',', default_value = "dc1", value_name = "DCS")]
    pub datacenters: Vec<String>,

    /// CPU cores each agent asks for
    #[arg(long, default_value_t = 1.0, value_name = "CORES")]
    pub cpu: f64,

    /// Memory each agent asks for (and is limited to), MiB
    #[arg(long, default_value_t = 1024, value_name = "MIB")]
    pub memory: u64,

    /// The bench flags every agent runs with, as for a one-machine `mqtk bench` (mode first if
    /// not pubsub); the plan adds --shard auto, --run-id, --start-at, --json and --quiet
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "BENCH FLAGS"
    )]
    pub bench: Vec<String>,
}

// `mqtk bench merge`.
#[derive(Args, Debug)]
pub struct BenchMergeArgs {
    /// The result of every shard of one run, each once (lines starting `mqtk: `, as `kubectl
    /// logs` mixes them in, are skipped)
    #[arg(required = true, value_name = "RESULT.json")]
    pub results: Vec<PathBuf>,

    /// Print the merged result as one JSON document
    #[arg(long)]
    pub json: bool,

    /// Print a CSV header and one row for the merged run
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,

    /// Check a threshold on the merged run, e.g. 'p99 < 20ms', 'lost == 0' (repeatable); any
    /// failure exits 7
    #[arg(long = "assert", value_name = "EXPR")]
    pub asserts: Vec<String>,

    /// Charts under the summary: auto (on a terminal), always, never
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub charts: ChartsChoice,
}

// `mqtk bench report`.
#[derive(Args, Debug)]
pub struct BenchReportArgs {
    /// Result documents written by `mqtk bench --json`; the first one is the baseline
    #[arg(required = true, value_name = "RESULT.json")]
    pub results: Vec<PathBuf>,

    /// Write the self-contained HTML report (charts; several results overlaid) to this file
    #[arg(short = 'o', long, value_name = "FILE.html")]
    pub output: Option<PathBuf>,

    /// Check every result after the first against a threshold, absolute ('p99 < 20ms') or
    /// relative to the first ('p99 <= 1.1 * baseline', 'rate >= 0.9 * baseline'); repeatable;
    /// any failure exits 7
    #[arg(long = "assert", value_name = "EXPR")]
    pub asserts: Vec<String>,

    /// Charts under a single result's summary: auto (on a terminal), always, never
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub charts: ChartsChoice,
}

// `mqtk bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: Option<BenchCommand>,

    /// pubsub (default), pub, sub or conn
    #[arg(value_enum, default_value = "pubsub", value_name = "MODE")]
    pub mode: BenchMode,

    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Start an embedded broker (`mqtk broker`) on a free loopback port and benchmark it;
    /// never implied, so a benchmark of a real broker cannot measure the embedded one by mistake
    #[arg(long = "embedded-broker", conflicts_with_all = ["host", "port", "url", "unix"], help_heading = "Load")]
    pub embedded_broker: bool,

    /// Number of publishing clients
    #[arg(
        long,
        visible_alias = "pubs",
        default_value_t = 1,
        value_name = "N",
        help_heading = "Load"
    )]
    pub publishers: u32,

    /// Number of subscribing clients
    #[arg(
        long,
        visible_alias = "subs",
        default_value_t = 1,
        value_name = "N",
        help_heading = "Load"
    )]
    pub subscribers: u32,

    /// Number of connections `bench conn` opens
    #[arg(long, default_value_t = 100, value_name = "N", help_heading = "Load")]
    pub connections: u32,

    /// Messages per publisher; `bench sub`: messages expected per subscriber (it stops once they
    /// arrived, and counts the ones missing at the end as lost) [default: a 10 s run with 1 s of
    /// warm-up when neither --messages nor --duration is given]
    #[arg(short = 'n', long, value_name = "COUNT", help_heading = "Load")]
    pub messages: Option<u64>,

    /// Run for this long (e.g. 30s, 2m); with --messages, whichever ends first
    #[arg(long, value_parser = values::parse_duration, value_name = "DURATION", help_heading = "Load")]
    pub duration: Option<Duration>,

    /// Message size in bytes, at least the 24-byte bench header
    #[arg(
        short = 's',
        long,
        default_value_t = 64,
        value_name = "BYTES",
        help_heading = "Load"
    )]
    pub size: usize,

    /// The body after the bench header: a payload template (as `pub --template`: {{int 0 100}},
    /// {{now}}, {{uuid}}, ...), expanded per message and padded with spaces to --size
    #[arg(
        long = "payload-template",
        value_name = "TEMPLATE",
        help_heading = "Load"
    )]
    pub payload_template: Option<String>,

    /// Quality of service: 0, 1 or 2
    #[arg(
        short = 'q',
        long,
        default_value = "0",
        value_name = "QOS",
        help_heading = "Load"
    )]
    pub qos: QosLevel,

    /// Messages per second per publisher (0: as fast as possible). Latency is then measured from
    /// each message's intended send time, so broker stalls show in the percentiles
    #[arg(
        long,
        default_value_t = 0.0,
        value_name = "MSGS/S",
        help_heading = "Load"
    )]
    pub rate: f64,

    /// Subscribers read at most this many messages per second each (0: as fast as possible);
    /// simulates slow consumers, e.g. to see what a broker drops
    #[arg(
        long = "sub-rate",
        default_value_t = 0.0,
        value_name = "MSGS/S",
        help_heading = "Load"
    )]
    pub sub_rate: f64,

    /// Messages per second over all publishers, shared evenly (instead of --rate)
    #[arg(
        long = "total-rate",
        value_name = "MSGS/S",
        conflicts_with = "rate",
        help_heading = "Load"
    )]
    pub total_rate: Option<f64>,

    /// Topic template: %i is the client index, %c the client id, %r the run id (one topic per
    /// publisher by default; give a topic without % for all publishers to share it). `bench sub`
    /// also takes a filter here. With --shard the default is mqtk-bench/%r/%i
    #[arg(
        short = 't',
        long,
        default_value = "mqtk-bench/%i",
        value_name = "TEMPLATE",
        help_heading = "Load"
    )]
    pub topic: String,

    /// Subscriber topic filter [default: the topic template with %-levels replaced by +]
    #[arg(long, value_name = "FILTER", help_heading = "Load")]
    pub filter: Option<String>,

    /// Before it sleeps on the network, each worker thread waits this long, so that what
    /// arrives meanwhile (acknowledgements, messages) is read, answered and refilled in one batch
    /// per connection: halves the generator's CPU per message at QoS 1/2. Latencies include up
    /// to this wait [default: 200us, or 0 (off) with --rate or --total-rate, whose send times
    /// it would delay]
    #[arg(long = "coalesce", value_parser = values::parse_duration, value_name = "DURATION", help_heading = "Load")]
    pub coalesce: Option<Duration>,

    /// Worker threads of the generator. When --coalesce batches, a thread's wake serves all its
    /// connections at once, so fewer threads mean bigger batches [default: one per 8
    /// publishers and subscribers, up to one per core; one per core with --coalesce 0]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..), value_name = "N", help_heading = "Load")]
    pub threads: Option<u16>,

    /// Most unacknowledged QoS 1/2 messages per publisher
    #[arg(short = 'M', long = "max-inflight", default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..), value_name = "N", help_heading = "Load")]
    pub max_inflight: u16,

    /// Connections opened per second (0: as fast as possible)
    #[arg(
        long = "connect-rate",
        default_value_t = 0.0,
        value_name = "CONNS/S",
        help_heading = "Load"
    )]
    pub connect_rate: f64,

    /// `bench conn`: how long to hold the connections open
    #[arg(long, default_value = "5s", value_parser = values::parse_duration, value_name = "DURATION", help_heading = "Load")]
    pub hold: Duration,

    /// Leave this long out of rates, latency and counts at the start [default: 1s for the
    /// default 10 s run, 0 otherwise]
    #[arg(long, value_parser = values::parse_duration, value_name = "DURATION", help_heading = "Load")]
    pub warmup: Option<Duration>,

    /// After the publishers finish, wait at most this long for messages still on their way
    #[arg(long, default_value = "5s", value_parser = values::parse_duration, value_name = "DURATION", help_heading = "Load")]
    pub drain: Duration,

    /// Publish with the retain flag
    #[arg(short = 'r', long, help_heading = "Load")]
    pub retain: bool,

    /// Local addresses to connect from, used in turn (e.g. 127.0.0.2,127.0.0.3), to open more
    /// connections to one broker address than one source address has ports
    #[arg(
        long = "source-addr",
        value_delimiter = ',',
        value_name = "ADDRS",
        conflicts_with = "bind_address",
        help_heading = "Load"
    )]
    pub source_addr: Vec<IpAddr>,

    /// Run identifier written into every message header [default: random]: with one per
    /// process, several `bench pub` processes into one `bench sub` are told apart
    #[arg(long = "run-id", value_name = "N", help_heading = "Load")]
    pub run_id: Option<u32>,

    /// Number the publishers of this process from N (e.g. 100 for a second process of 100
    /// publishers), so publisher indices are unique across processes
    #[arg(
        long = "publisher-offset",
        default_value_t = 0,
        value_name = "N",
        help_heading = "Load"
    )]
    pub publisher_offset: u32,

    /// Run only shard I of N of this plan (I from 0): its exact share of the publishers,
    /// subscribers and connections, with client ids and topic indices unique across shards; the
    /// other flags stay the same on every agent. `auto` reads the index from Kubernetes
    /// (JOB_COMPLETION_INDEX) or Nomad (NOMAD_ALLOC_INDEX) and the count from auto/N or
    /// MQTK_SHARDS. Merge the agents' --json results with `mqtk bench merge`
    #[arg(long, value_parser = shard::parse_spec, value_name = "I/N|auto", help_heading = "Shards")]
    pub shard: Option<ShardSpec>,

    /// Connect every client first, then start at this instant (Unix seconds or RFC 3339, e.g.
    /// 2026-01-02T03:04:05Z), so agents on several machines start together; an agent not
    /// connected by then starts late, says so and is flagged in its result
    #[arg(long = "start-at", value_parser = shard::parse_start_at, value_name = "TIME", help_heading = "Shards")]
    pub start_at: Option<SystemTime>,

    /// A control broker, mqtt://[user:pass@]host[:port][/prefix], which should NOT be the broker
    /// under test: the agent announces itself there (with a last will), waits for the GO of
    /// `mqtk bench coordinate` instead of --start-at, and publishes its result there at QoS 1.
    /// Needs --shard and --run-id
    #[arg(
        long,
        value_name = "URL",
        conflicts_with = "start_at",
        help_heading = "Shards"
    )]
    pub control: Option<String>,

    /// Process id of a broker on this machine: report its CPU use and resident memory over the
    /// run, to tell a saturated broker from a saturated generator (Linux)
    #[arg(long = "broker-pid", value_name = "PID", help_heading = "Report")]
    pub broker_pid: Option<u32>,

    /// Read the broker's $SYS tree (clients, heap, dropped messages, traffic) over one extra
    /// connection, and report it before and after the run (waits up to 12 s after the run for
    /// the broker's next $SYS report)
    #[arg(long = "broker-sys", help_heading = "Report")]
    pub broker_sys: bool,

    /// Print one JSON result document on stdout
    #[arg(long, help_heading = "Report")]
    pub json: bool,

    /// Print a CSV header and one row for the run on stdout
    #[arg(long, conflicts_with = "json", help_heading = "Report")]
    pub csv: bool,

    /// Add a row per client to the report
    #[arg(long = "per-client", help_heading = "Report")]
    pub per_client: bool,

    /// Check a threshold after the run, e.g. 'p99 < 20ms', 'lost == 0', 'rate >= 50k'
    /// (repeatable); any failure exits 7
    #[arg(long = "assert", value_name = "EXPR", help_heading = "Report")]
    pub asserts: Vec<String>,

    /// Latency histogram and throughput sparklines under the summary: auto (only when standard
    /// output is a terminal), always, never
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        value_name = "WHEN",
        help_heading = "Report"
    )]
    pub charts: ChartsChoice,

    /// Also write a self-contained HTML report with charts (no scripts, no external resources)
    /// to this file; `mqtk bench report` rebuilds it later from --json output
    #[arg(long, value_name = "FILE.html", help_heading = "Report")]
    pub report: Option<PathBuf>,
}
