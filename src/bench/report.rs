//! The one serialisable bench result and its pure formatters: the human summary table, the JSON
//! document (`--json`) and the CSV row (`--csv`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

pub use super::stats::{Percentiles, Sample};

/// Everything one bench run measured, plus the settings it ran with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchResult {
    /// `pubsub`, `pub`, `sub` or `conn`.
    pub mode: String,
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
    /// `pub`, `sub` or `conn`.
    pub role: String,
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

impl BenchResult {
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// The JSON document for `--json` (one object, pretty-printed, newline-terminated).
pub fn json(result: &BenchResult) -> String {
    // Serialising plain structs of numbers, strings and maps cannot fail.
    let mut s = serde_json::to_string_pretty(result).unwrap_or_default();
    s.push('\n');
    s
}

const CSV_COLUMNS: &[&str] = &[
    "mode",
    "start",
    "elapsed_s",
    "measured_s",
    "interrupted",
    "qos",
    "publishers",
    "subscribers",
    "connections",
    "size",
    "sent",
    "acked",
    "received",
    "lost",
    "duplicates",
    "out_of_order",
    "errors",
    "reconnects",
    "pub_rate",
    "recv_rate",
    "lat_min_us",
    "lat_p50_us",
    "lat_p90_us",
    "lat_p99_us",
    "lat_p999_us",
    "lat_max_us",
    "lat_mean_us",
    "ack_p50_us",
    "ack_p99_us",
    "connected",
    "connect_failed",
    "connect_p50_us",
    "connect_p99_us",
    "rss_bytes",
];

/// The CSV header line for `--csv`.
pub fn csv_header() -> String {
    let mut s = CSV_COLUMNS.join(",");
    s.push('\n');
    s
}

/// One CSV row (matching [`csv_header`]) for a run.
pub fn csv_row(r: &BenchResult) -> String {
    let p = r.publish.clone().unwrap_or_default();
    let rc = r.receive.clone().unwrap_or_default();
    let opt = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
    let lat = |f: fn(&Percentiles) -> u64| opt(r.latency.as_ref().map(f));
    let ack = |f: fn(&Percentiles) -> u64| opt(r.ack_latency.as_ref().map(f));
    let con = |f: fn(&Percentiles) -> u64| opt(r.connect.time.as_ref().map(f));
    let fields = [
        r.mode.clone(),
        r.start.clone(),
        format!("{:.3}", r.elapsed_s),
        format!("{:.3}", r.measured_s),
        r.interrupted.to_string(),
        r.settings.qos.to_string(),
        r.settings.publishers.to_string(),
        r.settings.subscribers.to_string(),
        r.settings.connections.to_string(),
        r.settings.size.to_string(),
        p.sent.to_string(),
        p.acked.to_string(),
        rc.received.to_string(),
        rc.lost.to_string(),
        rc.duplicates.to_string(),
        rc.out_of_order.to_string(),
        r.error_count().to_string(),
        r.reconnects.to_string(),
        format!("{:.1}", p.rate),
        format!("{:.1}", rc.rate),
        lat(|p| p.min_us),
        lat(|p| p.p50_us),
        lat(|p| p.p90_us),
        lat(|p| p.p99_us),
        lat(|p| p.p999_us),
        lat(|p| p.max_us),
        r.latency
            .as_ref()
            .map_or(String::new(), |p| format!("{:.1}", p.mean_us)),
        ack(|p| p.p50_us),
        ack(|p| p.p99_us),
        r.connect.connected.to_string(),
        r.connect.failed.to_string(),
        con(|p| p.p50_us),
        con(|p| p.p99_us),
        opt(r.connect.rss_bytes),
    ];
    let mut s = fields.map(|f| csv_field(&f)).join(",");
    s.push('\n');
    s
}

/// `--csv --per-client`: a second table, one row per client, after the run's row and an empty
/// line.
pub fn csv_clients(r: &BenchResult) -> String {
    let mut s = String::from(
        "role,client_id,sent,acked,received,lost,duplicates,rate,errors,p50_us,p99_us\n",
    );
    let opt = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
    for c in &r.clients {
        let fields = [
            c.role.clone(),
            c.client_id.clone(),
            c.sent.to_string(),
            c.acked.to_string(),
            c.received.to_string(),
            c.lost.to_string(),
            c.duplicates.to_string(),
            format!("{:.1}", c.rate),
            c.errors.to_string(),
            opt(c.p50_us),
            opt(c.p99_us),
        ];
        s.push_str(&fields.map(|f| csv_field(&f)).join(","));
        s.push('\n');
    }
    s
}

fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

/// A microsecond figure in a readable unit: `850µs`, `12.3ms`, `1.25s`.
pub fn fmt_us(us: f64) -> String {
    if us < 1000.0 {
        format!("{us:.0}µs")
    } else if us < 1_000_000.0 {
        format!("{:.2}ms", us / 1000.0)
    } else {
        format!("{:.2}s", us / 1_000_000.0)
    }
}

fn plural(n: u64, one: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// The settings banner printed (on stderr) before a run.
pub fn banner(r: &BenchResult) -> String {
    let s = &r.settings;
    let rate = if s.rate > 0.0 {
        format!("{} msgs/s per publisher", s.rate)
    } else {
        "as fast as possible".to_string()
    };
    let amount = match (s.messages, s.duration_s) {
        (Some(m), Some(d)) => format!("{m} messages or {d}s per publisher"),
        (Some(m), None) => format!("{m} messages per publisher"),
        (None, Some(d)) => format!("{d}s"),
        (None, None) => "until interrupted".to_string(),
    };
    match r.mode.as_str() {
        "conn" => format!(
            "mqtk bench conn: {} to {}, {}, held {}s\n",
            plural(u64::from(s.connections), "connection"),
            s.broker,
            if s.connect_rate > 0.0 {
                format!("{} per second", s.connect_rate)
            } else {
                "as fast as possible".to_string()
            },
            s.hold_s
        ),
        "sub" => format!(
            "mqtk bench sub: {} on '{}' at {}, QoS {}, {}\n",
            plural(u64::from(s.subscribers), "subscriber"),
            s.filter,
            s.broker,
            s.qos,
            amount
        ),
        mode => {
            let subs = if mode == "pubsub" {
                format!(
                    ", {} on '{}'",
                    plural(u64::from(s.subscribers), "subscriber"),
                    s.filter
                )
            } else {
                String::new()
            };
            format!(
                "mqtk bench {mode}: {} to '{}'{subs} at {}, QoS {}, {}-byte messages, {amount}, {rate}{}\n",
                plural(u64::from(s.publishers), "publisher"),
                s.topic,
                s.broker,
                s.qos,
                s.size,
                if s.warmup_s > 0.0 {
                    format!(", {}s warm-up", s.warmup_s)
                } else {
                    String::new()
                }
            )
        }
    }
}

/// The human summary table.
pub fn human(r: &BenchResult) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} in {} (measured {}){}",
        r.mode,
        fmt_us(r.elapsed_s * 1e6),
        fmt_us(r.measured_s * 1e6),
        if r.interrupted { ", interrupted" } else { "" }
    );
    if r.publish.is_some() || r.receive.is_some() {
        let _ = writeln!(
            o,
            "{:<14}{:>12}{:>14}{:>10}",
            "", "messages", "msgs/s", "MB/s"
        );
    }
    // What was delivered is the headline; at QoS 0 a publisher only knows what it wrote into its
    // socket, which says nothing about delivery.
    if let Some(rc) = &r.receive {
        let _ = writeln!(
            o,
            "{:<14}{:>12}{:>14.1}{:>10.2}",
            "received", rc.received, rc.rate, rc.mb_per_s
        );
    }
    if let Some(rc) = &r.receive {
        let expected = rc
            .expected
            .map_or(String::new(), |e| format!("expected {e}, "));
        let _ = writeln!(
            o,
            "{expected}lost {}, duplicates {}, out of order {}{}",
            rc.lost,
            rc.duplicates,
            rc.out_of_order,
            if rc.foreign > 0 {
                format!(", without bench header {}", rc.foreign)
            } else {
                String::new()
            }
        );
    }
    if let Some(p) = &r.publish {
        let label = if r.settings.qos == 0 {
            "written"
        } else {
            "published"
        };
        let _ = writeln!(
            o,
            "{:<14}{:>12}{:>14.1}{:>10.2}",
            label, p.sent, p.rate, p.mb_per_s
        );
        if r.settings.qos > 0 {
            let _ = writeln!(o, "{:<14}{:>12}", "acknowledged", p.acked);
        }
    }
    if r.mode == "conn" || r.connect.failed > 0 {
        let c = &r.connect;
        let _ = writeln!(
            o,
            "connections: {} attempted, {} connected, {} failed, {:.1}/s{}",
            c.attempted,
            c.connected,
            c.failed,
            c.rate,
            c.rss_bytes.map_or(String::new(), |b| format!(
                ", mqtk's own memory {:.1} MB ({:.1} KB per connection)",
                b as f64 / 1e6,
                if c.connected > 0 {
                    b as f64 / 1e3 / c.connected as f64
                } else {
                    0.0
                }
            ))
        );
        for (reason, n) in &c.failures {
            let _ = writeln!(o, "  failed: {reason}: {n}");
        }
    }
    if r.reconnects > 0 {
        let _ = writeln!(o, "reconnects: {}", r.reconnects);
    }
    if let Some(b) = &r.broker {
        let _ = writeln!(
            o,
            "broker (pid {}): CPU {:.2} of a core (busiest second {:.2}), memory {:.1} MB \
             (max {:.1} MB)",
            b.pid,
            b.cpu_busy,
            b.cpu_busy_max,
            b.rss_end_bytes as f64 / 1e6,
            b.rss_max_bytes as f64 / 1e6
        );
    }
    if r.errors.is_empty() && r.connect.failed == 0 {
        let _ = writeln!(o, "errors: none");
    } else if !r.errors.is_empty() {
        let list: Vec<String> = r.errors.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let _ = writeln!(o, "errors: {}", list.join(", "));
    }
    let rows = [
        ("end to end", &r.latency),
        ("publish-ack", &r.ack_latency),
        ("connect", &r.connect.time),
        ("schedule lag", &r.schedule_lag),
    ];
    if rows.iter().any(|(_, p)| p.is_some()) {
        let _ = writeln!(
            o,
            "{:<14}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}",
            "latency", "min", "p50", "p90", "p99", "p99.9", "max", "mean"
        );
        for (name, p) in rows {
            if let Some(p) = p {
                let _ = writeln!(
                    o,
                    "{:<14}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}",
                    name,
                    fmt_us(p.min_us as f64),
                    fmt_us(p.p50_us as f64),
                    fmt_us(p.p90_us as f64),
                    fmt_us(p.p99_us as f64),
                    fmt_us(p.p999_us as f64),
                    fmt_us(p.max_us as f64),
                    fmt_us(p.mean_us),
                );
            }
        }
    }
    if !r.clients.is_empty() {
        let _ = writeln!(
            o,
            "{:<5}{:<24}{:>10}{:>10}{:>10}{:>8}{:>8}{:>12}{:>8}",
            "role", "client", "sent", "acked", "received", "lost", "dups", "msgs/s", "errors"
        );
        for c in &r.clients {
            let _ = writeln!(
                o,
                "{:<5}{:<24}{:>10}{:>10}{:>10}{:>8}{:>8}{:>12.1}{:>8}",
                c.role,
                c.client_id,
                c.sent,
                c.acked,
                c.received,
                c.lost,
                c.duplicates,
                c.rate,
                c.errors
            );
        }
    }
    for n in &r.notes {
        let _ = writeln!(o, "note: {n}");
    }
    for a in &r.assertions {
        let actual = a.actual.map_or("not measured".to_string(), |v| {
            super::assert::parse(&a.expr).map_or_else(|_| format!("{v}"), |x| x.metric.show(v))
        });
        let _ = writeln!(
            o,
            "assert {}: {} (actual {actual})",
            a.expr,
            if a.passed { "pass" } else { "FAIL" }
        );
    }
    o
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A fixed result used by the formatter tests and the assertion tests.
    pub(crate) fn sample() -> BenchResult {
        let lat = Percentiles {
            count: 1000,
            min_us: 40,
            p50_us: 120,
            p90_us: 300,
            p99_us: 1500,
            p999_us: 2500,
            max_us: 3_000_000,
            mean_us: 150.5,
        };
        BenchResult {
            mode: "pubsub".into(),
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
                    ..Sample::default()
                },
                Sample {
                    t: 2.0,
                    sent: 400,
                    acked: 410,
                    received: 400,
                    ..Sample::default()
                },
            ],
            clients: vec![],
            assertions: vec![],
            notes: vec!["at full speed, latency is mostly queueing".into()],
        }
    }

    #[test]
    fn human_table() {
        let expected = "\
pubsub in 2.00s (measured 2.00s)
                  messages        msgs/s      MB/s
received               998         499.0      0.03
expected 1000, lost 2, duplicates 1, out of order 0
published             1000         500.0      0.03
acknowledged          1000
errors: connection lost: 1
latency             min      p50      p90      p99    p99.9      max     mean
end to end         40µs    120µs    300µs   1.50ms   2.50ms    3.00s    150µs
connect           800µs    900µs   1.00ms   1.00ms   1.00ms   1.00ms    900µs
note: at full speed, latency is mostly queueing
";
        assert_eq!(human(&sample()), expected);
    }

    #[test]
    fn human_conn_and_assertions() {
        let mut r = sample();
        r.mode = "conn".into();
        r.publish = None;
        r.receive = None;
        r.latency = None;
        r.errors.clear();
        r.notes.clear();
        r.connect.failed = 2;
        r.connect.failures.insert("refused (5)".into(), 2);
        r.connect.rss_bytes = Some(3_000_000);
        r.assertions = vec![AssertionOutcome {
            expr: "connect_p99 < 2ms".into(),
            passed: true,
            actual: Some(1000.0),
        }];
        let text = human(&r);
        assert!(text.contains(
            "connections: 3 attempted, 3 connected, 2 failed, 300.0/s, mqtk's own memory 3.0 MB (1000.0 KB per connection)"
        ), "{text}");
        assert!(text.contains("  failed: refused (5): 2\n"));
        // Failed connections are errors: never "errors: none" beside them.
        assert!(!text.contains("errors: none"), "{text}");
        assert!(text.ends_with("assert connect_p99 < 2ms: pass (actual 1.00ms)\n"));
    }

    #[test]
    fn json_round_trips_through_the_strict_schema() {
        let r = sample();
        let text = json(&r);
        assert!(text.ends_with("}\n"));
        let back: BenchResult = serde_json::from_str(&text).unwrap();
        assert_eq!(back, r);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["receive"]["lost"], 2);
        assert_eq!(v["latency"]["p99_us"], 1500);
        assert_eq!(v["series"][1]["received"], 400);
    }

    #[test]
    fn csv_header_and_row_agree() {
        let r = sample();
        let header = csv_header();
        let row = csv_row(&r);
        assert_eq!(header.split(',').count(), row.split(',').count());
        assert_eq!(
            row,
            "pubsub,2026-01-02T03:04:05.000+00:00,2.000,2.000,false,1,2,1,0,64,1000,1000,998,2,1,0,1,0,\
             500.0,499.0,40,120,300,1500,2500,3000000,150.5,,,3,0,900,1000,\n"
        );
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("q\"x"), "\"q\"\"x\"");
    }

    #[test]
    fn banner_text() {
        assert_eq!(
            banner(&sample()),
            "mqtk bench pubsub: 2 publishers to 'mqtk-bench/%i', 1 subscriber on 'mqtk-bench/+' at \
             localhost:1883, QoS 1, 64-byte messages, 500 messages per publisher, as fast as possible\n"
        );
    }

    #[test]
    fn readable_durations() {
        assert_eq!(fmt_us(850.0), "850µs");
        assert_eq!(fmt_us(12_345.0), "12.35ms");
        assert_eq!(fmt_us(1_250_000.0), "1.25s");
    }
}
