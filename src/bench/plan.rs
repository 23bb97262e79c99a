//! Turns `mqtk bench` flags into a checked plan: option combinations, client ids, topics and
//! filters. No I/O; every problem here is a usage error (exit 2) reported before connecting.

use std::net::IpAddr;
use std::time::{Duration, SystemTime};

use super::assert::{self, Assertion};
use super::header;
use super::shard::{self, Shard};
use crate::cli::BenchArgs;
use crate::cli::bench::BenchMode;
use crate::error::usage;

/// Messages per publisher when neither `--messages` nor `--duration` is given.
/// The run when neither --messages nor --duration is given: long enough to mean something.
pub const DEFAULT_DURATION: Duration = Duration::from_secs(10);
/// Warm-up of the default run: connection set-up and the broker's first allocations stay out.
pub const DEFAULT_WARMUP: Duration = Duration::from_secs(1);

/// `--topic`'s default, and the one shards use instead (the run id keeps runs apart).
pub const DEFAULT_TOPIC: &str = "mqtk-bench/%i";
pub const SHARDED_TOPIC: &str = "mqtk-bench/%r/%i";

/// Smallest non-zero rate accepted (one message in about 17 minutes).
const MIN_RATE: f64 = 0.001;

/// Largest client count one run accepts (well above what open-file limits allow).
const MAX_CLIENTS: u64 = 1_000_000;

/// MQTT's largest packet is 256 MiB; the payload must leave room for the rest.
const MAX_SIZE: usize = 256 * 1024 * 1024 - 64 * 1024;

/// `--coalesce`'s default for unpaced runs. At QoS 1 on loopback against mosquitto it halved
/// the generator's CPU per message and raised the rate; much longer waits lower the rate, because
/// a publisher's window (20 by default) then sits acknowledged but not refilled.
pub const DEFAULT_COALESCE: Duration = Duration::from_micros(200);

/// Publishers and subscribers per worker thread when batching (`--threads`' default). One
/// thread turns about 200,000 QoS 1 messages a second; a broker takes several times its CPU per
/// message.
const CLIENTS_PER_THREAD: u32 = 8;

/// Longest `--coalesce`: beyond this it is a stall, not a batch.
const MAX_COALESCE: Duration = Duration::from_millis(10);

/// A checked bench run.
#[derive(Clone, Debug)]
pub struct Plan {
    pub mode: BenchMode,
    pub publishers: u32,
    pub subscribers: u32,
    pub connections: u32,
    /// Messages per publisher (`bench sub`: per subscriber); `None`: until the duration ends.
    pub messages: Option<u64>,
    pub duration: Option<Duration>,
    pub size: usize,
    /// `--payload-template`, checked; each publisher parses it for its own client id and topic.
    pub payload_template: Option<String>,
    pub qos: u8,
    /// Messages per second per publisher; 0 = as fast as possible.
    pub rate: f64,
    /// Messages per second each subscriber reads; 0 = as fast as possible.
    pub sub_rate: f64,
    pub topic: String,
    pub filter: String,
    pub max_inflight: u16,
    /// How long a worker thread waits before sleeping on the network (zero: not at all).
    pub coalesce: Duration,
    /// Worker threads of the generator's runtime.
    pub threads: usize,
    pub connect_rate: f64,
    pub hold: Duration,
    pub warmup: Duration,
    pub drain: Duration,
    pub retain: bool,
    pub source_addrs: Vec<IpAddr>,
    pub id_prefix: String,
    pub asserts: Vec<Assertion>,
    pub json: bool,
    pub csv: bool,
    pub per_client: bool,
    pub quiet: bool,
    /// Written into every header, so streams of other processes and runs are told apart.
    pub run_id: u32,
    /// Added to each publisher's index in the header.
    pub publisher_offset: u32,
    pub broker_pid: Option<u32>,
    /// Read the broker's `$SYS` tree before and after the run.
    pub broker_sys: bool,
    /// The broker runs in this process, sharing its cores.
    pub embedded_broker: bool,
    /// `--shard`: this process runs only its slice of the clients below.
    pub shard: Option<Shard>,
    /// Global index of this process's first publisher, subscriber and connection (0 unless
    /// sharded); `publishers`, `subscribers` and `connections` above are this process's counts.
    pub firsts: Firsts,
    /// The whole run's client counts (equal to this process's unless sharded).
    pub totals: Firsts,
    /// `--start-at`: the instant the run starts, after every client is connected.
    pub start_at: Option<SystemTime>,
    /// Fingerprint of everything the agents of one run must agree on (not the shard index).
    pub fingerprint: u64,
    /// `--control`: the control broker and topics (the agent waits for its GO).
    pub control: Option<super::control::Control>,
}

/// One number per role: publishers, subscribers, connections.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Firsts {
    pub publishers: u32,
    pub subscribers: u32,
    pub connections: u32,
}

/// The role of one client in the run (the result document's own type).
pub use super::result::Role;

impl Plan {
    pub fn from_args(args: &BenchArgs) -> anyhow::Result<Plan> {
        let mode = args.mode;
        let m = mode.name();
        let publishes = matches!(mode, BenchMode::Pubsub | BenchMode::Pub);
        let subscribes = matches!(mode, BenchMode::Pubsub | BenchMode::Sub);

        if publishes && args.publishers == 0 {
            return Err(usage("--publishers must be at least 1"));
        }
        if subscribes && args.subscribers == 0 {
            return Err(usage("--subscribers must be at least 1"));
        }
        if mode == BenchMode::Conn && args.connections == 0 {
            return Err(usage("--connections must be at least 1"));
        }
        let clients = match mode {
            BenchMode::Pubsub => u64::from(args.publishers) + u64::from(args.subscribers),
            BenchMode::Pub => u64::from(args.publishers),
            BenchMode::Sub => u64::from(args.subscribers),
            BenchMode::Conn => u64::from(args.connections),
        };
        if clients > MAX_CLIENTS {
            return Err(usage(format!(
                "{clients} clients is more than one run handles ({MAX_CLIENTS})"
            )));
        }
        if publishes {
            header::check_size(args.size)?;
        }
        if let Some(text) = &args.payload_template {
            if !publishes {
                return Err(usage(format!(
                    "--payload-template shapes what publishers send; bench {m} does not publish"
                )));
            }
            crate::bench::body::parse(text, "mqtk-bench", &args.topic)?;
        }
        if args.size > MAX_SIZE {
            return Err(usage(format!(
                "--size {} is larger than an MQTT packet can carry",
                args.size
            )));
        }
        if args.messages == Some(0) {
            return Err(usage("--messages must be at least 1"));
        }
        let has_rate = args.rate != 0.0 || args.total_rate.is_some();
        if has_rate && !publishes {
            return Err(usage(format!(
                "--rate and --total-rate set publishing rates; bench {m} does not publish"
            )));
        }
        // Rates below this would put message times beyond what a clock can hold.
        let too_slow = |r: f64| r > 0.0 && r < MIN_RATE;
        if !args.rate.is_finite() || args.rate < 0.0 || too_slow(args.rate) {
            return Err(usage(format!(
                "--rate must be 0 (as fast as possible) or at least {MIN_RATE} messages per second"
            )));
        }
        if [
            args.sub_rate,
            args.connect_rate,
            args.total_rate.unwrap_or(0.0),
        ]
        .into_iter()
        .any(too_slow)
        {
            return Err(usage(format!(
                "--sub-rate, --connect-rate and --total-rate must be 0 or at least {MIN_RATE} per second"
            )));
        }
        let rate = match args.total_rate {
            Some(t) if !t.is_finite() || t <= 0.0 => {
                return Err(usage(
                    "--total-rate must be a positive number of messages per second",
                ));
            }
            Some(t) => t / f64::from(args.publishers.max(1)),
            None => args.rate,
        };
        if too_slow(rate) {
            return Err(usage(format!(
                "--total-rate gives each publisher less than {MIN_RATE} messages per second"
            )));
        }
        if !args.sub_rate.is_finite() || args.sub_rate < 0.0 {
            return Err(usage("--sub-rate must be 0 or more messages per second"));
        }
        if args.sub_rate > 0.0 && !subscribes {
            return Err(usage(format!(
                "--sub-rate slows subscribers; bench {m} has none"
            )));
        }
        if !args.connect_rate.is_finite() || args.connect_rate < 0.0 {
            return Err(usage(
                "--connect-rate must be 0 or more connections per second",
            ));
        }
        if mode == BenchMode::Conn && (args.messages.is_some() || args.duration.is_some()) {
            return Err(usage(
                "bench conn sends no messages: use --hold for how long to keep connections",
            ));
        }
        if args.duration == Some(Duration::ZERO) {
            return Err(usage("--duration must be more than 0"));
        }
        let (duration, warmup) = match (args.messages, args.duration, mode) {
            (None, None, BenchMode::Pubsub | BenchMode::Pub) => (
                Some(DEFAULT_DURATION),
                args.warmup.unwrap_or(DEFAULT_WARMUP),
            ),
            (_, d, _) => (d, args.warmup.unwrap_or_default()),
        };
        if let Some(d) = duration
            && !warmup.is_zero()
            && warmup >= d
        {
            return Err(usage(format!(
                "--warmup ({warmup:?}) must be shorter than --duration ({d:?})"
            )));
        }
        if !warmup.is_zero()
            && args.messages.is_some()
            && mode != BenchMode::Conn
            && duration.is_none()
            && rate == 0.0
        {
            // A message count at full speed may finish inside the warm-up and measure nothing.
            return Err(usage(
                "--warmup needs --duration (or a fixed --rate) so the measured window is known",
            ));
        }
        if !args.source_addr.is_empty() && args.connect.unix.is_some() {
            return Err(usage("--source-addr does not apply to --unix connections"));
        }
        if args.connect.disable_clean_session
            && args.connect.id.is_none()
            && args.connect.id_prefix.is_none()
        {
            return Err(usage(
                "persistent sessions (-c) need stable client ids: give -i ID or -I PREFIX",
            ));
        }
        let shard = match args.shard {
            Some(spec) => Some(shard::resolve(spec, |name| std::env::var(name).ok())?),
            None => None,
        };
        if args.control.is_some() && (shard.is_none() || args.run_id.is_none()) {
            return Err(usage(
                "--control needs --shard I/N and --run-id (the coordinator is given the same run id)",
            ));
        }
        let sharded = shard.is_some_and(|s| s.count > 1);
        // Agents must agree on the run id without talking: it is given, or derived from the
        // plan and its start instant (so the next run of the same plan gets another one).
        if sharded && args.run_id.is_none() && args.start_at.is_none() {
            return Err(usage(
                "--shard needs --run-id or --start-at, so every shard derives the same run id",
            ));
        }
        let topic_template = if shard.is_some() && args.topic == DEFAULT_TOPIC {
            SHARDED_TOPIC.to_string()
        } else {
            args.topic.clone()
        };
        let fingerprint_text = [
            m.to_string(),
            format!("{}", args.qos.0),
            format!("{}", args.publishers),
            format!("{}", args.subscribers),
            format!("{}", args.connections),
            format!("{:?}", args.messages),
            format!("{:?}", args.duration),
            format!("{}", args.size),
            format!("{}", args.rate),
            format!("{:?}", args.total_rate),
            // Not --sub-rate: one agent may play the slow consumer of a run.
            format!("{:?}", args.payload_template),
            topic_template.clone(),
            format!("{:?}", args.filter),
            format!("{}", args.max_inflight),
            format!("{}", args.retain),
            format!("{}", args.connect_rate),
            format!("{:?}", args.hold),
            format!("{:?}", args.warmup),
            format!("{:?}", args.start_at.map(shard::epoch_s)),
            format!("{:?}", args.run_id),
            format!("{:?}", shard.map(|s| s.count)),
            format!(
                "{:?}",
                args.connect.id_prefix.as_ref().or(args.connect.id.as_ref())
            ),
        ]
        .join("|");
        let fingerprint = shard::fingerprint(&fingerprint_text);
        let run_id = match args.run_id {
            Some(r) => r,
            None if shard.is_some() && args.start_at.is_some() => {
                (fingerprint ^ (fingerprint >> 32)) as u32
            }
            None => rand::random(),
        };
        // %r: the run id, so topics of one run differ from the next one's.
        let with_run = |t: &str| t.replace("%r", &format!("{run_id:08x}"));
        let topic = with_run(&topic_template);
        // `bench sub` takes a filter in -t as well (it never publishes to it).
        let topic_is_filter = mode == BenchMode::Sub && args.filter.is_none();
        if topic.is_empty() || (!topic_is_filter && topic.contains(['+', '#'])) {
            return Err(usage(format!(
                "--topic '{}' must be a topic name without wildcards",
                args.topic
            )));
        }
        let filter = match &args.filter {
            Some(f) if f.is_empty() => return Err(usage("--filter must not be empty")),
            Some(f) => with_run(f),
            None if topic_is_filter && topic.contains(['+', '#']) => topic.clone(),
            None => default_filter(&topic),
        };
        // `%i`/`%c` expand to plain levels, so the template obeys the filter rules as it is.
        crate::conn::topic::validate_filter(&filter).map_err(usage)?;
        let messages = args.messages;
        if let Some(pid) = args.broker_pid {
            super::broker_usage::check(pid)?;
        }
        let mut asserts = Vec::new();
        for text in &args.asserts {
            let a = assert::parse(text)?;
            assert::check_mode(&a, mode.into())?;
            asserts.push(a);
        }
        let id_prefix = match (&args.connect.id, &args.connect.id_prefix) {
            (Some(id), _) => id.clone(),
            (None, Some(p)) => p.clone(),
            // Process ids repeat across machines (a container's is often 1): shards name the
            // run instead, and the global client index keeps ids apart within it.
            (None, None) if shard.is_some() => format!("mqtk-bench-{run_id:08x}"),
            (None, None) => format!("mqtk-bench-{}", std::process::id()),
        };
        let publishers = if publishes { args.publishers } else { 0 };
        let subscribers = if subscribes { args.subscribers } else { 0 };
        let connections = if mode == BenchMode::Conn {
            args.connections
        } else {
            0
        };
        let totals = Firsts {
            publishers,
            subscribers,
            connections,
        };
        let part = |total: u32| shard.map_or((0, total), |s| shard::slice(total, s));
        let (pub_first, pub_count) = part(publishers);
        let (sub_first, sub_count) = part(subscribers);
        let (conn_first, conn_count) = part(connections);
        if shard.is_some() && pub_count + sub_count + conn_count == 0 {
            return Err(usage(format!(
                "--shard {}: this shard has no clients (the plan has fewer clients than shards)",
                shard.map(|s| s.to_string()).unwrap_or_default()
            )));
        }
        let coalesce = match args.coalesce {
            Some(d) if d > MAX_COALESCE => {
                return Err(usage(format!(
                    "--coalesce must be at most {}ms (longer waits stall the run)",
                    MAX_COALESCE.as_millis()
                )));
            }
            Some(d) => d,
            // A paced run must send on time; a conn run has no messages to batch.
            None if rate > 0.0 || mode == BenchMode::Conn => Duration::ZERO,
            None => DEFAULT_COALESCE,
        };
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let threads = match args.threads {
            Some(n) => usize::from(n),
            // Batching, each thread's wake serves all of its connections at once: two threads
            // sharing two connections wake twice as often, with half a batch each.
            None if !coalesce.is_zero() => (pub_count + sub_count)
                .div_ceil(CLIENTS_PER_THREAD)
                .clamp(1, cores as u32) as usize,
            None => cores,
        };
        let mut source_addrs = args.source_addr.clone();
        if let Some(a) = args.connect.bind_address {
            source_addrs.push(a);
        }
        Ok(Plan {
            mode,
            publishers: pub_count,
            subscribers: sub_count,
            connections: conn_count,
            messages,
            duration,
            size: args.size,
            payload_template: args.payload_template.clone(),
            qos: args.qos.0,
            rate,
            sub_rate: args.sub_rate,
            topic,
            filter,
            max_inflight: args.max_inflight,
            coalesce,
            threads,
            connect_rate: args.connect_rate,
            hold: args.hold,
            warmup,
            drain: args.drain,
            retain: args.retain,
            source_addrs,
            id_prefix,
            asserts,
            json: args.json,
            csv: args.csv,
            per_client: args.per_client,
            quiet: args.connect.quiet,
            run_id,
            publisher_offset: args.publisher_offset.saturating_add(pub_first),
            broker_pid: args.broker_pid,
            broker_sys: args.broker_sys,
            embedded_broker: args.embedded_broker,
            shard,
            firsts: Firsts {
                publishers: pub_first,
                subscribers: sub_first,
                connections: conn_first,
            },
            totals,
            start_at: args.start_at,
            fingerprint,
            control: match (&args.control, shard) {
                (Some(url), Some(s)) => Some(super::control::parse_url(
                    url,
                    run_id,
                    format!("mqtk-agent-{run_id:08x}-{}", s.index),
                )?),
                _ => None,
            },
        })
    }

    /// Clients the run opens.
    pub fn client_count(&self) -> u64 {
        u64::from(self.publishers) + u64::from(self.subscribers) + u64::from(self.connections)
    }

    pub fn client_id(&self, role: Role, index: u32) -> String {
        let r = match role {
            Role::Pub => 'p',
            Role::Sub => 's',
            Role::Conn => 'c',
        };
        format!("{}-{r}{}", self.id_prefix, self.global(role, index))
    }

    /// The run-wide index of this process's client `index` of `role` (they differ only when
    /// sharded).
    pub fn global(&self, role: Role, index: u32) -> u32 {
        let first = match role {
            Role::Pub => self.firsts.publishers,
            Role::Sub => self.firsts.subscribers,
            Role::Conn => self.firsts.connections,
        };
        first.saturating_add(index)
    }

    /// The topic publisher `index` (of this process) publishes to.
    pub fn topic_for(&self, index: u32) -> String {
        self.topic_for_global(self.global(Role::Pub, index))
    }

    /// The topic of the run's publisher `global`, whichever shard runs it.
    pub fn topic_for_global(&self, global: u32) -> String {
        let id = format!("{}-p{global}", self.id_prefix);
        expand(&self.topic, global, &id)
    }

    /// The filter subscriber `index` (of this process) subscribes to.
    pub fn filter_for(&self, index: u32) -> String {
        let global = self.global(Role::Sub, index);
        expand(&self.filter, global, &self.client_id(Role::Sub, index))
    }

    /// The local address client number `n` (over all roles) connects from.
    pub fn source_for(&self, n: u64) -> Option<IpAddr> {
        if self.source_addrs.is_empty() {
            None
        } else {
            Some(self.source_addrs[(n % self.source_addrs.len() as u64) as usize])
        }
    }
}

/// Expands `%i` (index), `%c` (client id) and `%%` in a topic template.
pub fn expand(template: &str, index: u32, client_id: &str) -> String {
    if !template.contains('%') {
        return template.to_string();
    }
    let mut out = String::with_capacity(template.len() + 16);
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('i') => out.push_str(&index.to_string()),
            Some('c') => out.push_str(client_id),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

/// The filter matching every topic a template can expand to: levels with `%i`/`%c` become `+`.
pub fn default_filter(template: &str) -> String {
    template
        .split('/')
        .map(|level| {
            if level.contains("%i") || level.contains("%c") {
                "+"
            } else {
                level
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn plan(args: &[&str]) -> anyhow::Result<Plan> {
        let mut argv = vec!["mqtk", "bench"];
        argv.extend_from_slice(args);
        let cli = Cli::try_parse_from(argv).map_err(|e| anyhow::anyhow!("{e}"))?;
        match cli.command {
            Command::Bench(b) => Plan::from_args(&b),
            _ => unreachable!(),
        }
    }

    fn usage_error(args: &[&str]) -> String {
        let err = plan(args).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2, "{args:?}: {err:#}");
        crate::error::one_line(&err)
    }

    #[test]
    fn defaults() {
        let p = plan(&[]).unwrap();
        assert_eq!(p.mode, BenchMode::Pubsub);
        assert_eq!((p.publishers, p.subscribers, p.connections), (1, 1, 0));
        assert_eq!(p.messages, None);
        assert_eq!(p.duration, Some(DEFAULT_DURATION));
        assert_eq!(p.warmup, DEFAULT_WARMUP);
        assert_eq!(p.filter, "mqtk-bench/+");
        assert_eq!(p.topic_for(3), "mqtk-bench/3");
        assert!(p.client_id(Role::Sub, 2).ends_with("-s2"));
        let p = plan(&["sub"]).unwrap();
        assert_eq!(p.messages, None);
        assert_eq!(p.publishers, 0);
    }

    #[test]
    fn templates() {
        assert_eq!(expand("a/%i/%c/%%/%x", 7, "id"), "a/7/id/%/%x");
        assert_eq!(default_filter("bench/%c/x%i/y"), "bench/+/+/y");
        assert_eq!(default_filter("shared"), "shared");
    }

    #[test]
    fn rates() {
        let p = plan(&["--publishers", "4", "--total-rate", "1000"]).unwrap();
        assert_eq!(p.rate, 250.0);
        assert_eq!(plan(&["--rate", "10"]).unwrap().rate, 10.0);
    }

    #[test]
    fn source_addresses_rotate() {
        let p = plan(&["conn", "--source-addr", "127.0.0.2,127.0.0.3"]).unwrap();
        assert_eq!(p.source_for(0), "127.0.0.2".parse().ok());
        assert_eq!(p.source_for(3), "127.0.0.3".parse().ok());
        assert_eq!(plan(&[]).unwrap().source_for(5), None);
    }

    #[test]
    fn shards_take_exact_slices_with_run_wide_names() {
        let base = [
            "--pubs",
            "10",
            "--subs",
            "3",
            "--total-rate",
            "1000",
            "--start-at",
            "1767323045",
        ];
        let shards: Vec<Plan> = (0..4)
            .map(|i| plan(&[&base[..], &["--shard", &format!("{i}/4")]].concat()).unwrap())
            .collect();
        // 10 publishers over 4 shards: 2, 3, 2, 3; the rate is per publisher of the whole run.
        let counts: Vec<u32> = shards.iter().map(|p| p.publishers).collect();
        assert_eq!(counts, [2, 3, 2, 3]);
        assert_eq!(shards.iter().map(|p| p.subscribers).sum::<u32>(), 3);
        let total: f64 = shards
            .iter()
            .map(|p| p.rate * f64::from(p.publishers))
            .sum();
        assert_eq!(total, 1000.0);
        // One run id, derived from the plan and the start instant, on every shard.
        let run = shards[0].run_id;
        assert!(
            shards
                .iter()
                .all(|p| p.run_id == run && p.fingerprint == shards[0].fingerprint)
        );
        let other = plan(&[
            "--pubs",
            "10",
            "--subs",
            "3",
            "--start-at",
            "1767323046",
            "--shard",
            "0/4",
        ]);
        assert_ne!(other.unwrap().run_id, run);
        // Ids, topics and header indices are the run's, unique over the shards.
        let mut ids = std::collections::BTreeSet::new();
        let mut topics = std::collections::BTreeSet::new();
        for p in &shards {
            for i in 0..p.publishers {
                assert!(ids.insert(p.client_id(Role::Pub, i)));
                assert!(topics.insert(p.topic_for(i)));
                assert_eq!(p.publisher_offset + i, p.global(Role::Pub, i));
            }
            for i in 0..p.subscribers {
                assert!(ids.insert(p.client_id(Role::Sub, i)));
            }
            assert_eq!(p.filter, format!("mqtk-bench/{run:08x}/+"));
        }
        assert_eq!((ids.len(), topics.len()), (13, 10));
        assert!(ids.contains(&format!("mqtk-bench-{run:08x}-p9")));
        assert!(topics.contains(&format!("mqtk-bench/{run:08x}/9")));
        assert!(usage_error(&["--shard", "1/2"]).contains("--run-id or --start-at"));
        assert!(usage_error(&["--shard", "0/2", "--run-id", "1"]).contains("no clients"));
        // A given run id is kept; a shard of one is a whole run.
        assert_eq!(
            plan(&["--shard", "0/1", "--run-id", "9"]).unwrap().run_id,
            9
        );
    }

    #[test]
    fn bad_combinations_are_usage_errors() {
        assert!(usage_error(&["--size", "10"]).contains("header"));
        assert!(usage_error(&["--publishers", "0"]).contains("--publishers"));
        assert!(usage_error(&["--subscribers", "0"]).contains("--subscribers"));
        assert!(usage_error(&["conn", "--connections", "0"]).contains("--connections"));
        assert!(usage_error(&["sub", "--rate", "100"]).contains("does not publish"));
        assert!(usage_error(&["--warmup", "5s", "-n", "100"]).contains("--duration"));
        assert!(usage_error(&["--warmup", "15s"]).contains("shorter"));
        assert!(usage_error(&["--warmup", "5s", "--duration", "2s"]).contains("shorter"));
        assert!(usage_error(&["--messages", "0"]).contains("--messages"));
        assert!(usage_error(&["--rate=-1"]).contains("--rate"));
        assert!(usage_error(&["--rate", "1e-300"]).contains("--rate"));
        assert!(usage_error(&["--connect-rate", "1e-9"]).contains("--connect-rate"));
        assert!(usage_error(&["-c"]).contains("-i"));
        assert!(usage_error(&["--topic", "a/+"]).contains("wildcards"));
        assert!(usage_error(&["conn", "--duration", "5s"]).contains("--hold"));
        assert!(usage_error(&["--assert", "p99 < 5"]).contains("unit"));
        assert!(usage_error(&["conn", "--assert", "lost == 0"]).contains("does not measure"));
        assert_eq!(plan(&["sub", "-t", "a/+/#"]).unwrap().filter, "a/+/#");
        assert_eq!(plan(&["sub", "-t", "a/%i"]).unwrap().filter, "a/+");
        assert!(plan(&["--filter", "a/#/b"]).is_err());
        assert!(plan(&["sub", "-t", "a+/b"]).is_err());
        // Sub does not publish, so a small size is fine there.
        assert!(plan(&["sub", "--size", "1"]).is_ok());
    }
}
