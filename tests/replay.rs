//! Record and replay against a real mosquitto: `mqtk sub --json` records, `mqtk pub --replay`
//! publishes the capture again. A 10,000-message round trip (binary payloads, QoS 0/1/2, retain
//! flags, MQTT 5 properties) is byte-exact, twice over; `--replay-speed` keeps the recorded
//! spacing; malformed lines stop the run or are skipped and counted.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Local, TimeZone};
use mqtk::format::JsonMessage;
use mqtk::message::{Message, PublishProperties};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use common::{Background, Broker, WAIT, assert_ok, mqtk_std, run, spawn_subscriber, text};

fn mqtk_pub(broker: &Broker) -> Command {
    let mut cmd = mqtk_std();
    cmd.arg("pub").args(broker.args());
    cmd
}

/// `mqtk sub -V 5 --json -q 2 --retain-as-published -t FILTER -C COUNT`, subscribed.
fn recorder(broker: &Broker, id: &str, filter: &str, count: usize) -> Background {
    let mut cmd = mqtk_std();
    cmd.arg("sub").args(broker.args()).args([
        "-V",
        "5",
        "-i",
        id,
        "--json",
        "-q",
        "2",
        "--retain-as-published",
        "-t",
        filter,
        "-C",
        &count.to_string(),
    ]);
    spawn_subscriber(broker, &mut cmd, id, filter)
}

/// A message as it should come back: everything but the receipt time, packet id and the
/// broker's own properties (topic alias, subscription identifiers).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    topic: String,
    payload: Vec<u8>,
    qos: u8,
    retain: bool,
    format: Option<u8>,
    /// Message expiry counts down while queued: compared in 10-second buckets.
    expiry_bucket: Option<u32>,
    response_topic: Option<String>,
    correlation: Option<Vec<u8>>,
    user: Vec<(String, String)>,
    content_type: Option<String>,
}

fn keys(ndjson: &str, strip_prefix: &str) -> Vec<Key> {
    let mut keys: Vec<Key> = ndjson
        .lines()
        .map(|line| {
            let m: JsonMessage<'_> = serde_json::from_str(line).expect("NDJSON line");
            let p = m.properties.clone().unwrap_or_default();
            Key {
                topic: m.topic.strip_prefix(strip_prefix).unwrap().to_string(),
                payload: m.payload_bytes().unwrap(),
                qos: m.qos,
                retain: m.retain,
                format: p.payload_format_indicator,
                expiry_bucket: p.message_expiry_interval.map(|e| (e + 5) / 10),
                response_topic: p.response_topic.as_deref().map(String::from),
                correlation: p.correlation_data_bytes().map(Result::unwrap),
                user: p
                    .user_properties
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                content_type: p.content_type.as_deref().map(String::from),
            }
        })
        .collect();
    keys.sort();
    keys
}

/// 10,000 messages of every kind, as `mqtk sub --json` would have recorded them.
fn synthetic_capture(prefix: &str, count: usize) -> String {
    let mut rng = StdRng::seed_from_u64(12);
    let start = Local::now();
    let mut out = Vec::new();
    for i in 0..count {
        let payload: Vec<u8> = match i % 4 {
            0 => format!("text {i} é ✓").into_bytes(),
            1 => (0..rng.random_range(0..300))
                .map(|_| rng.random())
                .collect(),
            2 => Vec::new(),
            _ => format!("{{\"n\":{i}}}").into_bytes(),
        };
        let utf8 = std::str::from_utf8(&payload).is_ok();
        let mut m = Message::new(format!("{prefix}{i:05}"), Bytes::from(payload));
        m.qos = (i % 3) as u8;
        m.pkid = if m.qos > 0 {
            1 + (i % 60_000) as u16
        } else {
            0
        };
        m.retain = i % 97 == 0;
        m.received = start + chrono::Duration::microseconds(i as i64);
        if i % 2 == 0 {
            let correlation: Vec<u8> = (0..8).map(|_| rng.random()).collect();
            m.properties = Some(Box::new(PublishProperties {
                payload_format_indicator: utf8.then_some(1),
                message_expiry_interval: (i % 4 == 0).then_some(3600),
                topic_alias: None,
                response_topic: Some(format!("reply/{i}")),
                correlation_data: Some(Bytes::from(correlation)),
                user_properties: vec![("k".into(), format!("v{i}")), ("k".into(), "ü".into())],
                subscription_identifiers: Vec::new(),
                content_type: (i % 3 == 0).then(|| "application/octet-stream".into()),
            }));
        }
        mqtk::format::json::write(&mut out, &m, false);
        out.push(b'\n');
    }
    String::from_utf8(out).unwrap()
}

fn write(dir: &Path, name: &str, content: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn ten_thousand_messages_round_trip_byte_exact_twice() {
    const N: usize = 10_000;
    let broker = Broker::builder()
        .config_line("max_queued_messages 0")
        .config_line("max_queued_bytes 0")
        .start();
    let dir = tempfile::tempdir().unwrap();
    let synthetic = synthetic_capture("rt/", N);
    let file = write(dir.path(), "synthetic.ndjson", &synthetic);

    // Replay the capture; record what arrives.
    let rec = recorder(&broker, "rec-1", "rt/#", N);
    let out = run(mqtk_pub(&broker).args(["-V", "5", "--replay"]).arg(&file));
    assert_ok(&out, "pub --replay");
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let first = rec.wait(WAIT);
    assert_ok(&first, "recording 1");
    let first = text(&first.stdout);
    assert_eq!(first.lines().count(), N);
    let expected = keys(&synthetic, "rt/");
    assert_eq!(keys(&first, "rt/"), expected, "first recording");

    // Replay the recording itself (from standard input, to another prefix); record again.
    let rec = recorder(&broker, "rec-2", "again/#", N);
    let mut replay = Background::spawn_with_stdin(mqtk_pub(&broker).args([
        "-V",
        "5",
        "--replay",
        "-",
        "--rewrite-prefix",
        "rt/",
        "again/",
    ]));
    replay.stdin().write_all(first.as_bytes()).unwrap();
    let out = replay.wait(WAIT);
    assert_ok(&out, "pub --replay - --rewrite-prefix");
    let second = rec.wait(WAIT);
    assert_ok(&second, "recording 2");
    assert_eq!(
        keys(&text(&second.stdout), "again/"),
        expected,
        "second recording"
    );
}

/// Five QoS 0 messages recorded `gap` apart.
fn spaced_capture(gap: Duration) -> String {
    let start = Local.timestamp_opt(1_700_000_000, 0).unwrap();
    let mut out = Vec::new();
    for i in 0..5 {
        let mut m = Message::new(format!("sp/{i}"), format!("{i}"));
        m.received = start + chrono::Duration::from_std(gap * i).unwrap();
        mqtk::format::json::write(&mut out, &m, false);
        out.push(b'\n');
    }
    String::from_utf8(out).unwrap()
}

fn receipt_gaps(ndjson: &str) -> Vec<Duration> {
    let times: Vec<DateTime<chrono::FixedOffset>> = ndjson
        .lines()
        .map(|l| {
            let m: JsonMessage<'_> = serde_json::from_str(l).unwrap();
            DateTime::parse_from_rfc3339(&m.received).unwrap()
        })
        .collect();
    times
        .windows(2)
        .map(|w| (w[1] - w[0]).to_std().unwrap())
        .collect()
}

#[test]
fn replay_speed_keeps_the_recorded_spacing() {
    // Without it mosquitto holds a small message back (Nagle) until the subscriber acknowledges
    // the previous one, which a delayed ACK can put off for up to 200 ms.
    let broker = Broker::builder()
        .config_line("set_tcp_nodelay true")
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "spaced.ndjson",
        &spaced_capture(Duration::from_millis(200)),
    );
    for (speed, gap) in [("1", 200u64), ("2", 100), ("4", 50)] {
        let id = format!("spacing-{speed}");
        let rec = recorder(&broker, &id, "sp/#", 5);
        let started = Instant::now();
        let out = run(mqtk_pub(&broker)
            .args(["--replay-speed", speed, "--replay"])
            .arg(&file));
        assert_ok(&out, "pub --replay --replay-speed");
        let took = started.elapsed();
        let got = rec.wait(WAIT);
        assert_ok(&got, "recording");
        let expected = Duration::from_millis(gap);
        // Four gaps: the run cannot be shorter, and is not much longer.
        assert!(took >= expected * 4, "speed {speed}: {took:?}");
        assert!(
            took < expected * 4 + Duration::from_millis(1500),
            "speed {speed}: {took:?}"
        );
        // The receipts keep the spacing: in total within 60 ms below (the first message may be
        // a little late) and 150 ms above
        // (a loaded machine delays single messages, not the schedule).
        let gaps = receipt_gaps(&text(&got.stdout));
        let span: Duration = gaps.iter().sum();
        assert!(
            span + Duration::from_millis(60) >= expected * 4
                && span <= expected * 4 + Duration::from_millis(150),
            "speed {speed}: receipts span {span:?}, expected {:?}",
            expected * 4
        );
        // One message delayed by a busy machine arrives bunched with the next: the median gap
        // must still be the recorded one.
        let mut sorted = gaps.clone();
        sorted.sort();
        let median = sorted[sorted.len() / 2];
        let tolerance = expected / 4 + Duration::from_millis(10);
        assert!(
            median + tolerance >= expected && median <= expected + tolerance,
            "speed {speed}: median gap {median:?} of {gaps:?}, expected {expected:?} ± {tolerance:?}"
        );
    }
    // Without --replay-speed, as fast as possible.
    let rec = recorder(&broker, "spacing-fast", "sp/#", 5);
    let started = Instant::now();
    assert_ok(
        &run(mqtk_pub(&broker).arg("--replay").arg(&file)),
        "pub --replay",
    );
    assert!(started.elapsed() < Duration::from_millis(700));
    assert_ok(&rec.wait(WAIT), "recording");
}

fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

#[test]
fn malformed_lines_stop_before_connecting_or_are_skipped_and_counted() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let good = spaced_capture(Duration::ZERO);
    let lines: Vec<&str> = good.lines().collect();
    let content = format!(
        "{}\n{{\"topic\":\"t\"}}\n\n{}\nnot json at all\n{}\n",
        lines[0],
        lines[1].replace(
            "\"payload\":\"1\"",
            "\"payload\":\"%%\",\"encoding\":\"base64\""
        ),
        lines[2]
    );
    let file = write(dir.path(), "bad.ndjson", &content);
    let name = file.display().to_string();

    // Stop (the default): exit 2 before connecting (nothing listens on port 1).
    let out = run(mqtk_std()
        .args(["pub", "-h", "127.0.0.1", "-p", "1", "--replay"])
        .arg(&file));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "mqtk: error: {name}:2: not a message of `mqtk sub --json`"
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);

    // Skip: the two good messages go, every bad line is reported, and counted.
    let rec = recorder(&broker, "skip", "sp/#", 2);
    let out = run(mqtk_pub(&broker)
        .args(["--skip-bad-lines", "--replay"])
        .arg(&file));
    assert_ok(&out, "pub --replay --skip-bad-lines");
    let err = stderr(&out);
    for line in [2, 4, 5] {
        assert!(
            err.contains(&format!("mqtk: warning: --replay: skipped line {line}: ")),
            "line {line}: {err}"
        );
    }
    assert!(
        err.contains("--replay: skipped 3 malformed line(s); replaying 2 message(s)"),
        "{err}"
    );
    let got = rec.wait(WAIT);
    assert_eq!(keys(&text(&got.stdout), "sp/").len(), 2);

    // Missing file, and other flags that make no sense with a capture.
    let out = run(mqtk_std().args(["pub", "--replay", "/nonexistent/capture.ndjson"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/capture.ndjson"),
        "{}",
        stderr(&out)
    );
    for extra in [["-t", "x"], ["-q", "1"], ["--repeat", "2"]] {
        let out = run(mqtk_std().args(["pub", "--replay"]).arg(&file).args(extra));
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
    }
}

#[test]
fn mqtt_311_replay_says_it_drops_properties() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "props.ndjson", &synthetic_capture("p311/", 4));
    let rec = recorder(&broker, "p311", "p311/#", 4);
    let out = run(mqtk_pub(&broker).args(["-V", "311", "--replay"]).arg(&file));
    assert_ok(&out, "pub -V 311 --replay");
    assert!(
        stderr(&out).contains("2 message(s) carry MQTT 5 properties, which MQTT 3.1.1 cannot send"),
        "{}",
        stderr(&out)
    );
    let got = rec.wait(WAIT);
    assert!(
        keys(&text(&got.stdout), "p311/")
            .iter()
            .all(|k| k.user.is_empty())
    );
}
