//! `mqtk sys` against real brokers: mosquitto from the harness with `sys_interval 1`, and `mqtk
//! broker --sys-interval 1`. Snapshot values, the `--json` schema (locked here with
//! `deny_unknown_fields`), `--check` exit codes, `--watch` rates and restart detection, the
//! error when nothing arrives, and `--listen` scraped over HTTP and read with a Prometheus
//! text-format parser.

// The schema structs exist to lock the JSON shape: most fields are read only by serde.
#![allow(dead_code)]

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Background, Broker, HOST, mqtk, mqtk_std, poll_until};
use serde::Deserialize;

const STEP: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------
// The --json schema, locked: any key added, removed or renamed fails these reads.
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Doc {
    dialect: String,
    last_update: Option<f64>,
    broker: BrokerInfo,
    clients: Clients,
    messages: Pair,
    publish: Publish,
    bytes: Pair,
    store: Store,
    retained: Count,
    subscriptions: Subscriptions,
    heap: Heap,
    events: Events,
    load: BTreeMap<String, Load>,
    bridges: Vec<BridgeDoc>,
    topics: BTreeMap<String, String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct BrokerInfo {
    dialect: String,
    version: Option<String>,
    node: Option<String>,
    description: Option<String>,
    uptime_seconds: Option<u64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Clients {
    connected: Option<i64>,
    // mosquitto 2.0.11 has been seen reporting -1 here: values are passed on as reported.
    disconnected: Option<i64>,
    total: Option<i64>,
    maximum: Option<u64>,
    expired: Option<u64>,
    connects: Option<u64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Pair {
    received: Option<u64>,
    sent: Option<u64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Publish {
    received: Option<u64>,
    sent: Option<u64>,
    dropped: Option<u64>,
    bytes_received: Option<u64>,
    bytes_sent: Option<u64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Store {
    messages: Option<u64>,
    bytes: Option<u64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Count {
    count: Option<u64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Subscriptions {
    count: Option<u64>,
    shared: Option<u64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Heap {
    current: Option<u64>,
    maximum: Option<u64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Events {
    connected: Option<u64>,
    disconnected: Option<u64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Load {
    #[serde(rename = "1min")]
    one: Option<f64>,
    #[serde(rename = "5min")]
    five: Option<f64>,
    #[serde(rename = "15min")]
    fifteen: Option<f64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct BridgeDoc {
    name: String,
    connected: bool,
}

/// One `--watch --json` line.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct WatchLine {
    time: f64,
    dialect: String,
    restarted: bool,
    stale: Vec<String>,
    values: serde_json::Value,
    rates: BTreeMap<String, Option<f64>>,
    own_rate: Option<f64>,
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn sys_broker() -> Broker {
    let broker = Broker::builder().sys_interval(1).start();
    // The first tree comes one interval after start.
    std::thread::sleep(Duration::from_millis(1200));
    broker
}

fn json_snapshot(args: &[String]) -> Doc {
    let out = mqtk()
        .arg("sys")
        .args(args)
        .args(["--json", "--wait", "10s"])
        .timeout(STEP)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sys --json failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "--json output does not match the locked schema: {e}\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Idle mosquitto_sub clients, each subscribed (so connected) before this returns.
fn idle_clients(broker: &Broker, n: usize) -> Vec<Background> {
    (0..n)
        .map(|i| {
            let id = format!("idle-{i}");
            common::spawn_subscriber(
                broker,
                common::mosquitto_sub(broker).args(["-i", &id, "-t", "idle/#"]),
                &id,
                "idle/#",
            )
        })
        .collect()
}

/// `mqtk broker -p 0 --sys-interval 1` and its port.
fn mqtk_broker() -> (Background, u16) {
    let b = Background::spawn(mqtk_std().args(["broker", "-p", "0", "--sys-interval", "1"]));
    assert!(b.wait_for_lines(1, STEP), "mqtk broker did not start");
    let out = String::from_utf8(b.stdout_so_far()).unwrap();
    let port = out
        .lines()
        .next()
        .and_then(|l| l.rsplit(':').next())
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("no port in {out:?}"));
    // Static topics and the first values come one interval after start.
    std::thread::sleep(Duration::from_millis(1500));
    (b, port)
}

fn port_args(port: u16) -> Vec<String> {
    vec!["-h".into(), HOST.into(), "-p".into(), port.to_string()]
}

// ---------------------------------------------------------------------------------------------
// Snapshot
// ---------------------------------------------------------------------------------------------

#[test]
fn mosquitto_snapshot_matches_what_the_broker_reports() {
    let broker = sys_broker();
    let args = broker.args().to_vec();
    let started = Instant::now();
    let before = json_snapshot(&args);
    let elapsed = started.elapsed();
    assert_eq!(before.dialect, "mosquitto");
    assert_eq!(before.broker.dialect, "mosquitto");
    assert!(
        before
            .broker
            .version
            .as_deref()
            .is_some_and(|v| v.starts_with("mosquitto version 2.")),
        "{before:?}"
    );
    assert!(before.broker.uptime_seconds.is_some());
    assert!(before.last_update.is_some());
    assert_eq!(
        before.topics.get("$SYS/broker/version").map(String::as_str),
        before.broker.version.as_deref()
    );
    // The retained tree comes at once: no waiting for an interval.
    assert!(
        elapsed < Duration::from_secs(3),
        "snapshot took {elapsed:?}"
    );
    let c0 = before.clients.connected.expect("clients.connected");

    let _clients = idle_clients(&broker, 3);
    // mosquitto publishes the new count at its next interval (1 s); under load a tick can be
    // late, so look a few times.
    let mut after = json_snapshot(&args);
    for _ in 0..10 {
        if after.clients.connected.is_some_and(|c| c >= c0 + 2) {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
        after = json_snapshot(&args);
    }
    let c1 = after.clients.connected.expect("clients.connected");
    // mqtk's own earlier connection may have been counted in one of the two.
    assert!(
        (c0 + 2..=c0 + 4).contains(&c1),
        "connected clients went from {c0} to {c1} with 3 clients opened"
    );
    assert!(after.subscriptions.count.unwrap_or(0) >= 3);
    assert!(after.load.contains_key("bytes_sent"));
    // The text snapshot shows the same number.
    let out = mqtk()
        .arg("sys")
        .args(&args)
        .timeout(STEP)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("Broker        dialect mosquitto"),
        "{text}"
    );
    assert!(text.contains("Clients       connected "), "{text}");
}

#[test]
fn raw_and_tree_listings() {
    let broker = sys_broker();
    let raw = mqtk()
        .arg("sys")
        .args(broker.args())
        .arg("--raw")
        .timeout(STEP)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let raw = String::from_utf8(raw).unwrap();
    let topics: Vec<&str> = raw.lines().map(|l| l.split(' ').next().unwrap()).collect();
    let mut sorted = topics.clone();
    sorted.sort();
    assert_eq!(topics, sorted, "--raw is sorted by topic");
    assert!(raw.contains("$SYS/broker/version mosquitto version 2."));
    let tree = mqtk()
        .arg("sys")
        .args(broker.args())
        .arg("--tree")
        .timeout(STEP)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let tree = String::from_utf8(tree).unwrap();
    assert!(tree.starts_with("$SYS\n  broker\n"), "{tree}");
    assert!(
        tree.contains("    version = mosquitto version 2."),
        "{tree}"
    );
}

#[test]
fn checks_pass_and_fail_with_exit_7() {
    let broker = sys_broker();
    let out = mqtk()
        .arg("sys")
        .args(broker.args())
        .args([
            "--check",
            "clients.connected < 5000",
            "--check",
            "uptime >= 0s",
            "--check",
            "rate(publish.dropped) == 0",
        ])
        .timeout(STEP)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.lines().all(|l| l.starts_with("pass  ")), "{out}");
    assert!(
        out.contains("pass  rate(publish.dropped) == 0  (value 0)"),
        "{out}"
    );

    let failed = mqtk()
        .arg("sys")
        .args(broker.args())
        .args([
            "--check",
            "uptime > 1d",
            "--check",
            "clients.connected >= 0",
        ])
        .timeout(STEP)
        .assert()
        .code(7)
        .get_output()
        .clone();
    let stdout = String::from_utf8(failed.stdout).unwrap();
    assert!(stdout.starts_with("FAIL  uptime > 1d  (value "), "{stdout}");
    assert!(
        stdout.contains("\npass  clients.connected >= 0"),
        "{stdout}"
    );
    assert_eq!(
        String::from_utf8(failed.stderr).unwrap(),
        "mqtk: error: 1 of 2 check(s) failed\n"
    );
}

#[test]
fn a_bad_check_is_a_usage_error_before_connecting() {
    // Nothing listens on port 1: a connection attempt would fail with 3, not 2.
    let out = mqtk()
        .args(["sys", "-h", HOST, "-p", "1", "--check", "clients.bogus > 3"])
        .timeout(STEP)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.starts_with("mqtk: error: --check 'clients.bogus > 3': unknown field 'clients.bogus' (known: broker.uptime, clients.connected"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn sys_interval_0_gives_the_clear_error() {
    let broker = Broker::builder().sys_interval(0).start();
    let out = mqtk()
        .arg("sys")
        .args(broker.args())
        .args(["--wait", "1s"])
        .timeout(STEP)
        .assert()
        .code(8)
        .get_output()
        .clone();
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("mqtk: error: nothing arrived under $SYS within 1s"),
        "{err}"
    );
    assert!(
        err.contains("sys_interval 0") && err.contains("HiveMQ"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}

// ---------------------------------------------------------------------------------------------
// --watch
// ---------------------------------------------------------------------------------------------

fn watch_lines(bg: &Background) -> Vec<WatchLine> {
    String::from_utf8(bg.stdout_so_far())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("watch line {l:?}: {e}")))
        .collect()
}

#[test]
fn watch_shows_message_rates_and_a_restart() {
    let mut broker = sys_broker();
    let mut watch = Background::spawn(mqtk_std().arg("sys").args(broker.args()).args([
        "--watch",
        "--json",
        "--reconnect-max-delay",
        "500ms",
    ]));
    assert!(watch.wait_for_lines(1, STEP), "no first update");
    // A publisher at about 100 messages/s for 3 s.
    let publisher = mqtk()
        .arg("pub")
        .args(broker.args())
        .args([
            "-t",
            "load/x",
            "-m",
            "hello",
            "--repeat",
            "300",
            "--repeat-delay",
            "10ms",
        ])
        .timeout(STEP)
        .assert()
        .success();
    drop(publisher);
    assert!(
        poll_until(STEP, || watch_lines(&watch)
            .iter()
            .any(|l| l.rates["publish.received"].is_some_and(|r| r > 20.0))),
        "no positive receive rate while publishing: {}",
        String::from_utf8_lossy(&watch.stdout_so_far())
    );
    let line = watch_lines(&watch).pop().unwrap();
    assert_eq!(line.dialect, "mosquitto");
    assert!(line.values["broker"]["uptime_seconds"].is_u64());

    let seen = watch_lines(&watch).len();
    broker.restart();
    assert!(
        poll_until(STEP, || watch_lines(&watch)[seen..]
            .iter()
            .any(|l| l.restarted)),
        "restart not reported: {}\n{}",
        String::from_utf8_lossy(&watch.stdout_so_far()),
        String::from_utf8_lossy(&watch.stderr_so_far())
    );
    let after: Vec<WatchLine> = watch_lines(&watch).split_off(seen);
    let restart = after.iter().position(|l| l.restarted).unwrap();
    // Rates start again from the new broker's counters: none carried over.
    assert!(
        after[restart].rates.values().all(Option::is_none),
        "{:?}",
        after[restart]
    );
    assert!(watch.try_status().is_none(), "watch exited");
    watch.signal(libc::SIGINT);
    let out = watch.wait(STEP);
    assert_eq!(out.status.code(), Some(0), "SIGINT ends --watch quietly");
}

#[test]
fn watch_plain_lines_and_count() {
    let broker = sys_broker();
    let out = mqtk()
        .arg("sys")
        .args(broker.args())
        .args(["--watch", "-C", "2"])
        .timeout(STEP)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.lines().all(|l| l.contains("  mosquitto  up ")),
        "{text}"
    );
    assert!(
        !text.contains('\x1b'),
        "no terminal codes when stdout is a pipe"
    );
}

// ---------------------------------------------------------------------------------------------
// Prometheus
// ---------------------------------------------------------------------------------------------

/// Reads the exposition with an independent parser and checks the conventions: every sample's
/// family has a TYPE, counters end in `_total`, and the names are valid.
fn parse_exposition(text: &str) -> prometheus_parse::Scrape {
    let mut types = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(
                types.insert(name.to_string(), kind.to_string()).is_none(),
                "{name} typed twice"
            );
            if kind == "counter" {
                assert!(name.ends_with("_total"), "counter {name} without _total");
            } else {
                assert!(
                    !name.ends_with("_total"),
                    "gauge {name} named like a counter"
                );
            }
        } else if !line.starts_with('#') {
            let name = line.split(['{', ' ']).next().unwrap();
            assert!(types.contains_key(name), "sample {name} before its TYPE");
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "bad metric name {name}"
            );
        }
    }
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap();
    assert_eq!(
        scrape.samples.len(),
        text.lines().filter(|l| !l.starts_with('#')).count(),
        "every sample line parses"
    );
    scrape
}

fn value(scrape: &prometheus_parse::Scrape, name: &str) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == name)
        .and_then(|s| match s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => Some(v),
            _ => None,
        })
}

#[test]
fn prometheus_once() {
    let broker = sys_broker();
    let out = mqtk()
        .arg("sys")
        .args(broker.args())
        .arg("--prometheus")
        .timeout(STEP)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let scrape = parse_exposition(&text);
    assert_eq!(value(&scrape, "mqtk_sys_up"), Some(1.0));
    assert!(value(&scrape, "mqtk_sys_last_update_timestamp_seconds").unwrap() > 1.7e9);
    assert!(value(&scrape, "mqtk_sys_broker_uptime_seconds").is_some());
    assert!(text.contains("# TYPE mqtk_sys_clients_connected gauge\n"));
    assert!(
        text.contains("# TYPE mqtk_sys_bytes_sent_total counter\n"),
        "{text}"
    );
}

fn scrape(port: u16) -> Option<String> {
    let mut conn = TcpStream::connect((HOST, port)).ok()?;
    conn.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    conn.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .ok()?;
    let mut reply = String::new();
    conn.read_to_string(&mut reply).ok()?;
    let (head, body) = reply.split_once("\r\n\r\n")?;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        head.contains("Content-Type: text/plain; version=0.0.4"),
        "{head}"
    );
    Some(body.to_string())
}

#[test]
fn listen_serves_metrics_and_reports_the_broker_away() {
    let mut broker = sys_broker();
    let exporter = Background::spawn(mqtk_std().arg("sys").args(broker.args()).args([
        "--listen",
        "127.0.0.1:0",
        "--reconnect-max-delay",
        "500ms",
    ]));
    assert!(exporter.wait_for_lines(1, STEP), "no serving line");
    let first = String::from_utf8(exporter.stdout_so_far()).unwrap();
    let port: u16 = first
        .trim()
        .strip_prefix("serving http://127.0.0.1:")
        .and_then(|r| r.strip_suffix("/metrics"))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{first:?}"));
    let up = |want: f64| {
        poll_until(STEP, || {
            scrape(port).is_some_and(|t| value(&parse_exposition(&t), "mqtk_sys_up") == Some(want))
        })
    };
    assert!(up(1.0), "never up");
    let body = scrape(port).unwrap();
    let s = parse_exposition(&body);
    assert!(value(&s, "mqtk_sys_clients_connected").is_some(), "{body}");
    broker.stop();
    assert!(up(0.0), "still up with the broker stopped");
    let down = scrape(port).unwrap();
    assert!(
        !down.contains("mqtk_sys_clients_connected"),
        "stale values served: {down}"
    );
    broker.restart();
    assert!(up(1.0), "not up again after the broker came back");
    drop(exporter);
}

// ---------------------------------------------------------------------------------------------
// mqtk broker
// ---------------------------------------------------------------------------------------------

#[test]
fn mqtk_broker_snapshot_checks_and_watch() {
    let (_b, port) = mqtk_broker();
    let args = port_args(port);
    let doc = json_snapshot(&args);
    assert_eq!(doc.dialect, "mqtk");
    assert!(
        doc.broker
            .version
            .as_deref()
            .is_some_and(|v| v.starts_with("mqtt5 "))
    );
    assert!(doc.broker.uptime_seconds.is_some());
    assert!(doc.clients.connected.is_some() && doc.publish.sent.is_some());
    mqtk()
        .arg("sys")
        .args(&args)
        .args([
            "--check",
            "uptime >= 1",
            "--check",
            "rate(publish.sent) >= 0",
        ])
        .timeout(STEP)
        .assert()
        .success();
    mqtk()
        .arg("sys")
        .args(&args)
        .args(["--check", "clients.maximum > 1000"])
        .timeout(STEP)
        .assert()
        .code(7);
    let watch = Background::spawn(
        mqtk_std()
            .arg("sys")
            .args(&args)
            .args(["--watch", "--json", "-C", "6"]),
    );
    mqtk()
        .arg("pub")
        .args(&args)
        .args([
            "-t",
            "load/x",
            "-m",
            "hi",
            "--repeat",
            "300",
            "--repeat-delay",
            "10ms",
        ])
        .timeout(STEP)
        .assert()
        .success();
    let out = watch.wait(STEP);
    assert!(out.status.success());
    let lines: Vec<WatchLine> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.rates["publish.received"].is_some_and(|r| r > 20.0)),
        "{lines:?}"
    );
    let text = mqtk()
        .arg("sys")
        .args(&args)
        .arg("--prometheus")
        .timeout(STEP)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let s = parse_exposition(&String::from_utf8(text).unwrap());
    assert!(value(&s, "mqtk_sys_clients_connects_total").is_some());
}

// ---------------------------------------------------------------------------------------------
// sys probe
// ---------------------------------------------------------------------------------------------

fn probe_json(args: &[String]) -> serde_json::Value {
    let out = mqtk()
        .args([
            "sys",
            "probe",
            "--json",
            "--step-timeout",
            "1s",
            "--max-payload",
            "64k",
        ])
        .args(args)
        .timeout(Duration::from_secs(90))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "probe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn finding_ids(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn probe_an_anonymous_broker_and_find_its_payload_limit() {
    let broker = Broker::builder()
        .config_line("message_size_limit 10000")
        .start();
    let report = probe_json(&broker.args());
    assert_eq!(report["versions"][0]["accepted"], true);
    assert_eq!(report["versions"][1]["accepted"], true);
    assert_eq!(report["limits"]["maximum_qos"], 2);
    assert_eq!(report["limits"]["wildcard_available"], true);
    // mosquitto's default max_topic_alias.
    assert_eq!(report["limits"]["topic_alias_maximum"], 10);
    for rt in report["round_trips"].as_array().unwrap() {
        assert_eq!(rt["received"], rt["sent"], "{rt}");
    }
    assert_eq!(report["retained"], "ok");
    assert_eq!(report["wildcard_plus"], "ok");
    assert_eq!(report["wildcard_hash"], "ok");
    assert_eq!(report["shared_subscription"], "ok");
    assert_eq!(report["largest_payload"]["accepted"], 10000, "{report}");
    let ids = finding_ids(&report);
    assert!(ids.contains(&"anonymous-connect".to_string()), "{ids:?}");
    assert!(ids.contains(&"unencrypted".to_string()), "{ids:?}");
    assert!(ids.contains(&"hash-subscribable".to_string()), "{ids:?}");
    // The probe leaves no retained message behind.
    let out = common::mosquitto_sub(&broker)
        .args(["-t", "mqtk-probe-+/#", "-W", "1", "--retained-only"])
        .output()
        .unwrap();
    assert!(
        out.stdout.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    // --fail-on: a high finding fails the gate.
    let failed = mqtk()
        .args([
            "sys",
            "probe",
            "--step-timeout",
            "300ms",
            "--max-payload",
            "1k",
            "--fail-on",
            "high",
        ])
        .args(broker.args())
        .timeout(Duration::from_secs(60))
        .assert()
        .code(7)
        .get_output()
        .clone();
    let table = String::from_utf8(failed.stdout).unwrap();
    assert!(
        table.contains("Finding                 high: anonymous clients may connect"),
        "{table}"
    );
    assert!(
        String::from_utf8(failed.stderr)
            .unwrap()
            .starts_with("mqtk: error: ")
    );
}

#[test]
fn probe_a_broker_with_passwords_and_tls() {
    let broker = Broker::builder()
        .auth(&[("probe", "secret")])
        .anonymous(false)
        .tls(true)
        .start();
    let args: Vec<String> = [
        "-h",
        HOST,
        "-p",
        &broker.tls_port().to_string(),
        "--cafile",
        broker.ca_file().to_str().unwrap(),
        "-u",
        "probe",
        "-P",
        "secret",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let report = probe_json(&args);
    assert_eq!(report["exposure"]["anonymous_connect"], false, "{report}");
    assert_eq!(report["exposure"]["encrypted"], true);
    let ids = finding_ids(&report);
    assert!(!ids.contains(&"anonymous-connect".to_string()), "{ids:?}");
    assert!(!ids.contains(&"unencrypted".to_string()), "{ids:?}");
    mqtk()
        .args([
            "sys",
            "probe",
            "--step-timeout",
            "300ms",
            "--max-payload",
            "1k",
            "--fail-on",
            "medium",
        ])
        .args(&args)
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
}

#[test]
fn probe_mqtk_broker() {
    let (_b, port) = mqtk_broker();
    let report = probe_json(&port_args(port));
    assert_eq!(report["retained"], "ok");
    assert_eq!(report["largest_payload"]["accepted"], 64000);
    assert_eq!(report["largest_payload"]["at_cap"], true);
    let ids = finding_ids(&report);
    assert!(ids.contains(&"anonymous-connect".to_string()), "{ids:?}");
}
