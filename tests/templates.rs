//! `mqtk pub --template` against a real mosquitto: the seed's Examples 3 and 4 as one command
//! each, every placeholder (values in range, times parse, seeded runs repeat), `{{line}}` and
//! `-l` templates, `--repeat 0`, `--check-json`, and bad templates refused before connecting.

mod common;

use std::io::Write;
use std::process::{Command, Output};
use std::time::Duration;

use common::{
    Background, Broker, WAIT, assert_ok, mosquitto_sub, mqtk_std, run, spawn_subscriber, text,
};

fn mqtk_pub(broker: &Broker) -> Command {
    let mut cmd = mqtk_std();
    cmd.arg("pub").args(broker.args());
    cmd
}

/// Subscribes with mosquitto_sub (`-C count`, payload only), runs `publish`, returns the payloads.
fn received(broker: &Broker, topic: &str, count: usize, publish: &mut Command) -> Vec<String> {
    let id = format!("tpl-sub-{}", topic.replace('/', "-"));
    let sub = spawn_subscriber(
        broker,
        mosquitto_sub(broker).args(["-i", &id, "-t", topic, "-C", &count.to_string()]),
        &id,
        topic,
    );
    let out = run(publish);
    assert_ok(&out, "mqtk pub");
    let got = sub.wait(WAIT);
    assert_ok(&got, "mosquitto_sub");
    text(&got.stdout).lines().map(String::from).collect()
}

fn run_with_stdin(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = Background::spawn_with_stdin(cmd);
    child.stdin().write_all(input).expect("write stdin");
    child.wait(WAIT)
}

#[test]
fn seed_example_3_random_values_every_interval() {
    let broker = Broker::start();
    let started = std::time::Instant::now();
    let values = received(
        &broker,
        "PMtest/rndvalue",
        4,
        mqtk_pub(&broker).args([
            "-t",
            "PMtest/rndvalue",
            "--template",
            "-m",
            "{{int 0 100}}",
            "--repeat",
            "4",
            "--repeat-delay",
            "200ms",
        ]),
    );
    assert_eq!(values.len(), 4, "{values:?}");
    for v in &values {
        let v: i64 = v
            .parse()
            .unwrap_or_else(|_| panic!("not an integer: {v:?}"));
        assert!((0..=100).contains(&v), "{v}");
    }
    // Three delays between four messages.
    assert!(started.elapsed() >= Duration::from_millis(600));
}

#[test]
fn seed_example_4_json_producer_checked_as_json() {
    let broker = Broker::start();
    let template = r#"{"Sensor":1,"C_F":"C","Value":{{int 1 100}},"Time":"{{now %H:%M:%S}}"}"#;
    let lines = received(
        &broker,
        "PMtest/jsonvalue",
        3,
        mqtk_pub(&broker).args([
            "-t",
            "PMtest/jsonvalue",
            "--template",
            "--check-json",
            "-m",
            template,
            "--repeat",
            "3",
            "--repeat-delay",
            "50ms",
        ]),
    );
    assert_eq!(lines.len(), 3);
    for line in lines {
        let v: serde_json::Value = serde_json::from_str(&line).expect("JSON payload");
        assert_eq!(v["Sensor"], 1, "{line}");
        assert_eq!(v["C_F"], "C", "{line}");
        let value = v["Value"].as_i64().expect("Value is a number");
        assert!((1..=100).contains(&value), "{line}");
        chrono::NaiveTime::parse_from_str(v["Time"].as_str().unwrap(), "%H:%M:%S")
            .expect("Time is HH:MM:SS");
    }
}

#[test]
fn every_placeholder_expands() {
    let broker = Broker::start();
    let before = chrono::Local::now().timestamp_millis();
    let lines = received(
        &broker,
        "tpl/all",
        3,
        mqtk_pub(&broker)
            .env("ROOM", "kitchen")
            .args(["-t", "tpl/all", "-i", "tpl-client", "--template", "-m"])
            .arg(concat!(
                "{{seq}}|{{index}}|{{client_id}}|{{topic}}|{{env ROOM}}|{{unix}}|{{unix_ms}}|",
                "{{now}}|{{now %Y-%m-%d}}|{{uuid}}|{{float 1 2 3}}|{{\"{{\"}}|}}"
            ))
            .args(["--repeat", "3"]),
    );
    let after = chrono::Local::now().timestamp_millis();
    assert_eq!(lines.len(), 3);
    for (i, line) in lines.iter().enumerate() {
        let f: Vec<&str> = line.split('|').collect();
        assert_eq!(f.len(), 13, "{line}");
        assert_eq!(f[0], (i + 1).to_string());
        assert_eq!(f[1], i.to_string());
        assert_eq!(&f[2..5], ["tpl-client", "tpl/all", "kitchen"]);
        let unix: i64 = f[5].parse().unwrap();
        assert!((before / 1000..=after / 1000).contains(&unix), "{line}");
        let ms: i64 = f[6].parse().unwrap();
        assert!((before..=after).contains(&ms), "{line}");
        let now = chrono::DateTime::parse_from_rfc3339(f[7]).expect("RFC 3339");
        assert!((before..=after).contains(&now.timestamp_millis()), "{line}");
        chrono::NaiveDate::parse_from_str(f[8], "%Y-%m-%d").unwrap();
        assert_eq!(f[9].len(), 36, "{line}");
        assert_eq!(f[9].as_bytes()[14], b'4', "version 4 UUID: {line}");
        let x: f64 = f[10].parse().unwrap();
        assert!((1.0..=2.0).contains(&x) && f[10].len() == 5, "{line}");
        assert_eq!(&f[11..], ["{{", "}}"]);
    }
}

#[test]
fn seeded_runs_repeat_and_unseeded_ones_differ() {
    let broker = Broker::start();
    let template = "{{int 0 1000000000}} {{float 0 1 9}} {{uuid}}";
    let mut runs = Vec::new();
    for (i, seed) in [Some("42"), Some("42"), None].iter().enumerate() {
        let topic = format!("tpl/seed/{i}");
        let mut cmd = mqtk_pub(&broker);
        cmd.args(["-t", &topic, "--template", "-m", template, "--repeat", "5"]);
        if let Some(seed) = seed {
            cmd.args(["--seed", seed]);
        }
        runs.push(received(&broker, &topic, 5, &mut cmd));
    }
    assert_eq!(runs[0].len(), 5);
    assert_eq!(runs[0], runs[1], "same seed, same values");
    assert_ne!(runs[0], runs[2], "no seed, other values");
    let distinct: std::collections::HashSet<_> = runs[0].iter().collect();
    assert_eq!(distinct.len(), 5, "values change per message");
}

#[test]
fn line_placeholder_and_line_templates_read_stdin() {
    let broker = Broker::start();
    let id = "tpl-lines";
    let sub = spawn_subscriber(
        &broker,
        mosquitto_sub(&broker).args(["-i", id, "-t", "tpl/lines", "-C", "5"]),
        id,
        "tpl/lines",
    );
    let out = run_with_stdin(
        mqtk_pub(&broker).args([
            "-t",
            "tpl/lines",
            "--template",
            "--check-json",
            "-m",
            r#"{"n":{{seq}},"v":{{line}}}"#,
        ]),
        b"10\n20.5\n\"x\"\n",
    );
    assert_ok(&out, "pub {{line}}");
    let out = run_with_stdin(
        mqtk_pub(&broker).args(["-t", "tpl/lines", "--template", "-l"]),
        b"a {{seq}}\nliteral }} {{topic}}\n",
    );
    assert_ok(&out, "pub -l --template");
    let got = sub.wait(WAIT);
    assert_eq!(
        text(&got.stdout),
        "{\"n\":1,\"v\":10}\n{\"n\":2,\"v\":20.5}\n{\"n\":3,\"v\":\"x\"}\na 1\nliteral }} tpl/lines\n"
    );
}

#[test]
fn repeat_zero_runs_until_a_signal_and_exits_zero() {
    let broker = Broker::start();
    let id = "tpl-forever";
    let sub = spawn_subscriber(
        &broker,
        mosquitto_sub(&broker).args(["-i", id, "-t", "tpl/forever", "-C", "5", "-q", "1"]),
        id,
        "tpl/forever",
    );
    let mut publisher = Background::spawn(mqtk_pub(&broker).args([
        "-t",
        "tpl/forever",
        "-q",
        "1",
        "--template",
        "-m",
        "{{seq}}",
        "--repeat",
        "0",
        "--repeat-delay",
        "20ms",
    ]));
    let got = sub.wait(WAIT);
    assert_eq!(text(&got.stdout), "1\n2\n3\n4\n5\n");
    assert!(publisher.try_status().is_none(), "still publishing");
    publisher.signal(libc::SIGINT);
    let out = publisher.wait(WAIT);
    assert_ok(&out, "pub --repeat 0 stopped by SIGINT");
}

#[test]
fn bad_templates_and_json_are_one_line_before_connecting() {
    // Port 1 on loopback: nothing listens, so reaching the network would exit 3, not 2.
    let cases: [(&[&str], &str); 6] = [
        (
            &["--template", "-m", "x{{int 1}}"],
            "mqtk: error: bad template in -m at character 2: {{int LO HI}} takes two integers",
        ),
        (
            &["--template", "-m", "{{nope}}"],
            "mqtk: error: bad template in -m at character 1: unknown placeholder 'nope'",
        ),
        (
            &["--template", "-m", "ab {{seq"],
            "mqtk: error: bad template in -m at character 4: '{{' without a closing '}}'",
        ),
        (
            &["--template", "-m", "{{env MQTK_TEST_UNSET}}"],
            "the variable MQTK_TEST_UNSET is not set",
        ),
        (
            &["--check-json", "-m", "{not json"],
            "mqtk: error: --check-json: the -m payload is not JSON",
        ),
        (&["--seed", "1", "-m", "x"], "--template"),
    ];
    for (args, expected) in cases {
        let out = run(mqtk_std()
            .args(["pub", "-h", "127.0.0.1", "-p", "1", "-t", "t"])
            .args(args));
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn bench_sends_templated_bodies_after_its_header() {
    let broker = Broker::start();
    let id = "tpl-bench-watch";
    let watcher = spawn_subscriber(
        &broker,
        mqtk_std().arg("sub").args(broker.args()).args([
            "-i",
            id,
            "-t",
            "mqtk-bench/#",
            "-C",
            "50",
            "--json",
        ]),
        id,
        "mqtk-bench/#",
    );
    let out = run(mqtk_std().arg("bench").args(broker.args()).args([
        "--quiet",
        "-n",
        "50",
        "-q",
        "1",
        "--size",
        "128",
        "--json",
        "--payload-template",
        r#"{"sensor":"{{topic}}","value":{{float 20 25 1}},"id":"{{uuid}}"}"#,
    ]));
    assert_ok(&out, "bench --payload-template");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("bench --json");
    assert_eq!(report["receive"]["received"], 50, "{report}");
    assert_eq!(report["receive"]["lost"], 0, "{report}");
    let got = watcher.wait(WAIT);
    assert_ok(&got, "watcher");
    let mut ids = std::collections::HashSet::new();
    for line in text(&got.stdout).lines() {
        let m: mqtk::format::JsonMessage<'_> = serde_json::from_str(line).unwrap();
        let payload = m.payload_bytes().unwrap();
        assert_eq!(payload.len(), 128);
        let body: serde_json::Value =
            serde_json::from_slice(&payload[32..]).expect("the body after the header is JSON");
        assert_eq!(body["sensor"], "mqtk-bench/0");
        let v = body["value"].as_f64().unwrap();
        assert!((20.0..=25.0).contains(&v), "{body}");
        ids.insert(body["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 50, "a new UUID per message");
    // A bad template is refused before the run.
    let out = run(mqtk_std().args([
        "bench",
        "-h",
        "127.0.0.1",
        "-p",
        "1",
        "--payload-template",
        "{{nope}}",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("mqtk: error: bad --payload-template at character 1"));
}
