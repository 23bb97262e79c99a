//! Flags of `mqtk sys` (the `$SYS` snapshot, live view, health gate and exporter) and `mqtk sys
//! probe` (what a broker supports and how exposed it is).

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::{ColorChoice, ConnectArgs, values};

/// `mqtk sys --help` and the man page's DESCRIPTION.
pub const SYS_LONG_ABOUT: &str = "\
Read a broker's $SYS tree and show it at a glance: subscribes to $SYS/#, recognises the broker \
(mosquitto, EMQX, VerneMQ, NanoMQ, mqtk broker; other trees are kept as they are), maps its \
topics onto one schema and prints a sectioned snapshot with human units. It returns as soon as \
the retained tree is complete, or within one publish interval (--wait bounds it).

--watch redraws live values and per-second rates (one line, or one JSON object with --json, per \
update when stdout is not a terminal); --check EXPR turns the snapshot into a health gate (exit \
7 when a check fails); --prometheus prints the Prometheus text format once, --listen serves it \
at /metrics. Check and JSON field names: broker.uptime (or uptime), clients.{connected, \
disconnected,total,maximum,expired,connects}, messages.{received,sent} (packets), \
publish.{received,sent,dropped,bytes_received,bytes_sent}, bytes.{received,sent}, \
store.{messages,bytes}, retained.count, subscriptions.{count,shared}, heap.{current,maximum}, \
events.{connected,disconnected}, load.SERIES.WINDOW; rate(FIELD) for a counter's rate per second.

Exit status 8: nothing arrived under $SYS within --wait (sys_interval 0, an ACL denying $SYS, or \
a broker without a $SYS tree).";

/// What `mqtk sys` prints once.
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SysFormat {
    #[default]
    Text,
    Json,
    Raw,
    Tree,
    Prometheus,
}

// `mqtk sys`.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, disable_help_subcommand = true)]
pub struct SysArgs {
    #[command(subcommand)]
    pub action: Option<SysAction>,

    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Print one JSON document (with --watch: one JSON object per update)
    #[arg(long, conflicts_with_all = ["raw", "tree", "prometheus"], help_heading = "Output")]
    pub json: bool,

    /// Print the tree as sorted `topic value` lines
    #[arg(long, conflicts_with_all = ["tree", "prometheus", "watch"], help_heading = "Output")]
    pub raw: bool,

    /// Print the tree indented by level
    #[arg(long, conflicts_with_all = ["prometheus", "watch"], help_heading = "Output")]
    pub tree: bool,

    /// Print the snapshot once in the Prometheus text exposition format
    #[arg(long, conflicts_with = "watch", help_heading = "Output")]
    pub prometheus: bool,

    /// Longest wait for the snapshot [default: 15s, or the broker's publish interval when its
    /// values are not retained: 20s VerneMQ, 65s EMQX]
    #[arg(long, value_parser = values::parse_duration, value_name = "DURATION", help_heading = "Snapshot")]
    pub wait: Option<Duration>,

    /// Live view: values and rates, redrawn on a terminal, one line per update otherwise
    #[arg(long, help_heading = "Snapshot")]
    pub watch: bool,

    /// Stop --watch after COUNT updates
    #[arg(long, short = 'C', requires = "watch", value_parser = clap::value_parser!(u64).range(1..), value_name = "COUNT", help_heading = "Snapshot")]
    pub count: Option<u64>,

    /// Health check, e.g. 'clients.connected < 5000', 'uptime > 60s', 'rate(publish.dropped) ==
    /// 0' (repeatable; exit 7 when any fails)
    #[arg(long = "check", value_name = "EXPR", conflicts_with_all = ["watch", "listen"], help_heading = "Checks")]
    pub checks: Vec<String>,

    /// Serve the Prometheus exposition at http://ADDR/metrics until stopped (loopback unless
    /// you mean otherwise), keeping one MQTT connection and reconnecting
    #[arg(long, value_name = "ADDR", conflicts_with_all = ["watch", "raw", "tree", "json"], help_heading = "Exporter")]
    pub listen: Option<SocketAddr>,

    /// Colour output: auto (only on a terminal, and not with NO_COLOR set), always or never
    #[arg(
        long,
        default_value = "auto",
        value_name = "WHEN",
        help_heading = "Output"
    )]
    pub color: ColorChoice,
}

impl SysArgs {
    pub fn format(&self) -> SysFormat {
        if self.json {
            SysFormat::Json
        } else if self.raw {
            SysFormat::Raw
        } else if self.tree {
            SysFormat::Tree
        } else if self.prometheus {
            SysFormat::Prometheus
        } else {
            SysFormat::Text
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum SysAction {
    /// What a broker supports (MQTT versions, CONNACK limits, QoS round trips, wildcards, shared
    /// subscriptions, largest payload) and how exposed it is
    #[command(disable_help_flag = true)]
    Probe(Box<ProbeArgs>),
}

/// Severity of a `probe` finding.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

// `mqtk sys probe`.
#[derive(Args, Debug)]
pub struct ProbeArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Print one JSON document
    #[arg(long, help_heading = "Output")]
    pub json: bool,

    /// Exit 7 when a finding reaches this severity: info, low, medium or high
    #[arg(long = "fail-on", value_name = "LEVEL", help_heading = "Probe")]
    pub fail_on: Option<Severity>,

    /// Largest payload to try in the payload-size search (e.g. 1M, 256k)
    #[arg(long = "max-payload", default_value = "1M", value_parser = values::parse_size, value_name = "SIZE", help_heading = "Probe")]
    pub max_payload: usize,

    /// Longest wait for each probe message
    #[arg(long = "step-timeout", default_value = "2s", value_parser = values::parse_duration, value_name = "DURATION", help_heading = "Probe")]
    pub step_timeout: Duration,
}
