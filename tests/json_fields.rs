//! `mqtk sub -F '%{FIELD}'` against a real mosquitto: the seed's Example 4 consumer as one
//! command (fed by the Example 4 producer as one `mqtk pub`), fields beside `%j`/`%J`, missing
//! fields and non-JSON payloads (empty, or an error with `--require-fields`).

mod common;

use std::process::Command;

use common::{Broker, WAIT, assert_ok, mosquitto_pub, mqtk_std, run, spawn_subscriber, text};

fn mqtk_sub(broker: &Broker, id: &str) -> Command {
    let mut cmd = mqtk_std();
    cmd.arg("sub").args(broker.args()).args(["-i", id]);
    cmd
}

#[test]
fn seed_example_4_consumer_prints_fields() {
    let broker = Broker::start();
    let topic = "PMtest/jsonvalue";
    let sub = spawn_subscriber(
        &broker,
        mqtk_sub(&broker, "ex4-consumer").args([
            "-t",
            topic,
            "-C",
            "3",
            "-F",
            "Sensor %{Sensor} got value %{Value} %{C_F} at time %{/Time}",
        ]),
        "ex4-consumer",
        topic,
    );
    let producer = run(mqtk_std().arg("pub").args(broker.args()).args([
        "-t",
        topic,
        "--template",
        "--check-json",
        "-m",
        r#"{"Sensor":1,"C_F":"C","Value":{{int 1 100}},"Time":"{{now %H:%M:%S}}"}"#,
        "--repeat",
        "3",
    ]));
    assert_ok(&producer, "example 4 producer");
    let got = sub.wait(WAIT);
    assert_ok(&got, "example 4 consumer");
    let out = text(&got.stdout);
    assert_eq!(out.lines().count(), 3, "{out}");
    for line in out.lines() {
        let words: Vec<&str> = line.split(' ').collect();
        assert_eq!(
            [
                words[0], words[1], words[2], words[3], words[5], words[6], words[7]
            ],
            ["Sensor", "1", "got", "value", "C", "at", "time"],
            "{line}"
        );
        let value: i64 = words[4].parse().unwrap();
        assert!((1..=100).contains(&value), "{line}");
        chrono::NaiveTime::parse_from_str(words[8], "%H:%M:%S").unwrap();
    }
}

#[test]
fn fields_beside_mosquitto_json_missing_and_not_json() {
    let broker = Broker::start();
    let topic = "fields/mixed";
    let sub = spawn_subscriber(
        &broker,
        mqtk_sub(&broker, "fields-mixed").args([
            "-t",
            topic,
            "-C",
            "3",
            "-F",
            "[%{a.b.1}][%-3{n}][%{/s}] %J",
        ]),
        "fields-mixed",
        topic,
    );
    for payload in [
        r#"{"a":{"b":[0,{"x":1}]},"n":7,"s":"t\"q"}"#,
        r#"{"n":1}"#,
        "plain",
    ] {
        assert_ok(
            &run(mosquitto_pub(&broker).args(["-t", topic, "-m", payload])),
            "mosquitto_pub",
        );
    }
    let got = sub.wait(WAIT);
    assert_ok(&got, "sub");
    let lines: Vec<String> = text(&got.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0].starts_with(r#"[{"x":1}][7  ][t"q] {"#),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("[][1  ][] {"), "{}", lines[1]);
    assert!(lines[2].starts_with("[][   ][] {"), "{}", lines[2]);
    // %J beside the fields: the payload embedded as JSON, or as a string when it is not JSON.
    for (line, payload) in lines.iter().zip([
        serde_json::json!({"a":{"b":[0,{"x":1}]},"n":7,"s":"t\"q"}),
        serde_json::json!({"n":1}),
        serde_json::json!("plain"),
    ]) {
        let j: serde_json::Value =
            serde_json::from_str(&line[line.find("] {").unwrap() + 2..]).expect("%J is JSON");
        assert_eq!(j["payload"], payload, "{line}");
    }
}

#[test]
fn require_fields_stops_at_the_first_message_without_them() {
    let broker = Broker::start();
    let topic = "fields/strict";
    let sub = spawn_subscriber(
        &broker,
        mqtk_sub(&broker, "fields-strict").args(["-t", topic, "-F", "%{v}", "--require-fields"]),
        "fields-strict",
        topic,
    );
    for payload in [r#"{"v":1}"#, r#"{"w":2}"#, r#"{"v":3}"#] {
        assert_ok(
            &run(mosquitto_pub(&broker).args(["-t", topic, "-m", payload])),
            "mosquitto_pub",
        );
    }
    let got = sub.wait(WAIT);
    assert_eq!(got.status.code(), Some(1), "{got:?}");
    assert_eq!(text(&got.stdout), "1\n");
    assert_eq!(
        text(&got.stderr),
        "mqtk: error: --require-fields: a message on 'fields/strict': the payload has no field 'v'\n"
    );
}

#[test]
fn bad_field_specifiers_are_usage_errors() {
    for (args, expected) in [
        (vec!["-F", "%{}"], "empty field name"),
        (vec!["-F", "%{a..b}"], "empty segment"),
        (vec!["-F", "%{Value"], "without a closing"),
        (vec!["--require-fields"], "--format"),
    ] {
        let out = run(mqtk_std()
            .args(["sub", "-h", "127.0.0.1", "-p", "1", "-t", "t"])
            .args(&args));
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}
