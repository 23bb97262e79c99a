//! What `mqtk sub` prints: the default, `-v`, `-N`, `-F` (compared byte for byte with
//! mosquitto_sub on the same messages), `--json` (its schema locked by reading every line back
//! into `mqtk::format::JsonMessage`, which denies unknown fields), binary payloads, and MQTT 5
//! properties set with `-D` by mqtk pub and by mosquitto_pub.

mod common;

use std::process::{Command, Output};

use mqtk::format::JsonMessage;
use mqtk::format::json::Encoding;

use common::{
    Broker, VERSIONS, WAIT, assert_ok, mosquitto_pub, mosquitto_sub, mqtk_std, run,
    spawn_subscriber, text,
};

fn mqtk(sub: &str, broker: &Broker, version: &str) -> Command {
    let mut cmd = mqtk_std();
    cmd.arg(sub).args(broker.args()).args(["-V", version]);
    cmd
}

/// Every byte value once, plus invalid UTF-8 sequences: the hardest payload for a text tool.
fn binary_payload() -> Vec<u8> {
    let mut p: Vec<u8> = (0..=255u8).collect();
    p.extend_from_slice(&[0xc3, 0x28, 0xff, 0x00, b'\n', b'\r']);
    p
}

/// Starts an mqtk subscriber with `extra` output arguments on `topic`, publishes each payload
/// with `mqtk pub -q 1 -f` (so bytes pass unchanged), and returns the subscriber's output.
fn receive(
    broker: &Broker,
    v: &str,
    id: &str,
    topic: &str,
    extra: &[&str],
    payloads: &[&[u8]],
) -> Output {
    let count = payloads.len().to_string();
    let sub = spawn_subscriber(
        broker,
        mqtk("sub", broker, v)
            .args(["-i", id, "-q", "1", "-t", topic, "-C", &count])
            .args(extra),
        id,
        topic,
    );
    for (i, payload) in payloads.iter().enumerate() {
        let file = broker.dir().join(format!("{id}-{i}.bin"));
        std::fs::write(&file, payload).expect("write payload");
        let out = run(mqtk("pub", broker, v)
            .args(["-q", "1", "-t", topic, "-f"])
            .arg(&file));
        assert_ok(&out, "mqtk pub -f");
    }
    let out = sub.wait(WAIT);
    assert_ok(&out, &format!("mqtk sub {extra:?}"));
    assert_eq!(text(&out.stderr), "", "{extra:?}");
    out
}

#[test]
fn default_verbose_and_no_eol() {
    let broker = Broker::start();
    let payloads: [&[u8]; 3] = [b"plain", b"", b"two words"];
    for v in VERSIONS {
        let out = receive(&broker, v, &format!("d-{v}"), "o/a", &[], &payloads);
        // An empty payload prints nothing, and `topic (null)` with -v, as in mosquitto_sub.
        assert_eq!(text(&out.stdout), "plain\ntwo words\n");
        let out = receive(&broker, v, &format!("v-{v}"), "o/a", &["-v"], &payloads);
        assert_eq!(text(&out.stdout), "o/a plain\no/a (null)\no/a two words\n");
        let out = receive(&broker, v, &format!("n-{v}"), "o/a", &["-N"], &payloads);
        assert_eq!(text(&out.stdout), "plaintwo words");
        let out = receive(
            &broker,
            v,
            &format!("vn-{v}"),
            "o/a",
            &["-v", "-N"],
            &payloads,
        );
        assert_eq!(text(&out.stdout), "o/a plaino/a two words");
        let out = receive(
            &broker,
            v,
            &format!("f-{v}"),
            "o/a",
            &["-F", "%t\\t%l\\t[%p]%%\\n"],
            &payloads,
        );
        assert_eq!(
            text(&out.stdout),
            "o/a\t5\t[plain]%\n\no/a\t0\t[]%\n\no/a\t9\t[two words]%\n\n"
        );
        let out = receive(
            &broker,
            v,
            &format!("fn-{v}"),
            "o/a",
            &["-F", "<%p>", "-N"],
            &payloads,
        );
        assert_eq!(text(&out.stdout), "<plain><><two words>");
    }
}

#[test]
fn binary_payloads_pass_through_byte_exact() {
    let broker = Broker::start();
    let bin = binary_payload();
    for v in VERSIONS {
        let out = receive(&broker, v, &format!("bin-{v}"), "bin", &[], &[&bin]);
        let mut expect = bin.clone();
        expect.push(b'\n');
        assert!(out.stdout == expect, "default output changed the bytes");
        let out = receive(&broker, v, &format!("binN-{v}"), "bin", &["-N"], &[&bin]);
        assert!(out.stdout == bin, "-N output changed the bytes");
        let out = receive(
            &broker,
            v,
            &format!("binF-{v}"),
            "bin",
            &["-F", "%p", "-N"],
            &[&bin],
        );
        assert!(out.stdout == bin, "-F %p changed the bytes");
        let out = receive(
            &broker,
            v,
            &format!("binx-{v}"),
            "bin",
            &["-F", "%x"],
            &[&bin],
        );
        let hex: String = bin.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(text(&out.stdout), format!("{hex}\n"));

        // --json: base64 with an explicit encoding; decoding gives the bytes back.
        let out = receive(
            &broker,
            v,
            &format!("binj-{v}"),
            "bin",
            &["--json"],
            &[&bin],
        );
        let line = text(&out.stdout);
        let msg: JsonMessage = serde_json::from_str(line.trim_end()).expect("parse --json line");
        assert_eq!(msg.encoding, Some(Encoding::Base64));
        assert_eq!(msg.payload_bytes().expect("base64"), bin);
    }
    // mosquitto_pub -> mqtk sub, and mqtk pub -> mosquitto_sub, with the same bytes.
    let file = broker.dir().join("bin.bin");
    std::fs::write(&file, &bin).expect("write");
    let sub = spawn_subscriber(
        &broker,
        mqtk("sub", &broker, "311").args(["-i", "mb", "-t", "mb", "-C", "1", "-N"]),
        "mb",
        "mb",
    );
    assert_ok(
        &run(mosquitto_pub(&broker).args(["-t", "mb", "-f"]).arg(&file)),
        "mosquitto_pub -f",
    );
    assert!(
        sub.wait(WAIT).stdout == bin,
        "mosquitto_pub -> mqtk sub changed the bytes"
    );
    let sub = spawn_subscriber(
        &broker,
        mosquitto_sub(&broker).args(["-i", "bm", "-t", "bm", "-C", "1", "-N"]),
        "bm",
        "bm",
    );
    assert_ok(
        &run(mqtk("pub", &broker, "311")
            .args(["-t", "bm", "-f"])
            .arg(&file)),
        "mqtk pub -f",
    );
    assert!(
        sub.wait(WAIT).stdout == bin,
        "mqtk pub -> mosquitto_sub changed the bytes"
    );
}

#[test]
fn json_schema_is_locked() {
    let broker = Broker::start();
    for v in VERSIONS {
        assert_ok(
            &run(mqtk("pub", &broker, v).args([
                "-r",
                "-q",
                "1",
                "-t",
                &format!("js{v}/kept"),
                "-m",
                "retained",
            ])),
            "pub -r",
        );
        let id = format!("json-{v}");
        let filter = format!("js{v}/#");
        let sub = spawn_subscriber(
            &broker,
            mqtk("sub", &broker, v)
                .args(["-i", &id, "-q", "2", "-t", &filter, "-C", "4", "--json"]),
            &id,
            &filter,
        );
        for (qos, payload) in [
            ("0", "zero"),
            ("1", "{\"nested\": \"json \\\" text\"}"),
            ("2", "ünïcødé"),
        ] {
            assert_ok(
                &run(mqtk("pub", &broker, v).args([
                    "-q",
                    qos,
                    "-t",
                    &format!("js{v}/q{qos}"),
                    "-m",
                    payload,
                ])),
                "pub",
            );
        }
        let out = sub.wait(WAIT);
        assert_ok(&out, "mqtk sub --json");
        let stdout = text(&out.stdout);
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 4, "{stdout}");
        let msgs: Vec<JsonMessage> = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        let summary: Vec<(String, u8, bool, bool, bool, String)> = msgs
            .iter()
            .map(|m| {
                (
                    m.topic.to_string(),
                    m.qos,
                    m.retain,
                    m.dup,
                    m.mid.is_some(),
                    m.payload.to_string(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    format!("js{v}/kept"),
                    1,
                    true,
                    false,
                    true,
                    "retained".to_string()
                ),
                (
                    format!("js{v}/q0"),
                    0,
                    false,
                    false,
                    false,
                    "zero".to_string()
                ),
                (
                    format!("js{v}/q1"),
                    1,
                    false,
                    false,
                    true,
                    "{\"nested\": \"json \\\" text\"}".to_string()
                ),
                (
                    format!("js{v}/q2"),
                    2,
                    false,
                    false,
                    true,
                    "ünïcødé".to_string()
                ),
            ]
        );
        for m in &msgs {
            assert_eq!(m.encoding, None, "UTF-8 payloads are text");
            assert_eq!(m.properties, None, "no properties were set");
            chrono::DateTime::parse_from_rfc3339(&m.received)
                .unwrap_or_else(|e| panic!("received {:?}: {e}", m.received));
        }
        // The field names themselves (a rename would break scripts).
        let first: serde_json::Value = serde_json::from_str(lines[2]).expect("json");
        let mut keys: Vec<&str> = first
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "dup", "mid", "payload", "qos", "received", "retain", "topic"
            ]
        );

        // --pretty: the same objects over several lines.
        let out = run(mqtk("sub", &broker, v).args([
            "-t",
            &format!("js{v}/kept"),
            "-C",
            "1",
            "--json",
            "--pretty",
        ]));
        assert_ok(&out, "--pretty");
        assert!(
            text(&out.stdout).lines().count() > 3,
            "{}",
            text(&out.stdout)
        );
        let msg: JsonMessage = serde_json::from_slice(&out.stdout).expect("pretty JSON");
        assert_eq!(msg.payload, "retained");
    }
}

/// The -D publish properties used by both publishers below.
const PROPS: [[&str; 4]; 7] = [
    ["-D", "publish", "user-property", "k1"],
    ["-D", "publish", "user-property", "k1"],
    ["-D", "publish", "content-type", "text/plain"],
    ["-D", "publish", "correlation-data", "corr-123"],
    ["-D", "publish", "response-topic", "reply/here"],
    ["-D", "publish", "message-expiry-interval", "3600"],
    ["-D", "publish", "payload-format-indicator", "1"],
];

fn property_args() -> Vec<&'static str> {
    let values = ["v1", "v2", "", "", "", "", ""];
    let mut args = Vec::new();
    for (p, value) in PROPS.iter().zip(values) {
        args.extend_from_slice(p);
        if !value.is_empty() {
            args.push(value);
        }
    }
    args
}

#[test]
fn mqtt5_properties_in_json_and_format() {
    let broker = Broker::start();
    let format = "%t|%p|%C|%D|%E|%F|%P|%R|%A|%q|%r|%l|%x|%X|%%|%-6t|%8l|";
    for publisher in ["mqtk", "mosquitto_pub"] {
        let topic = format!("props/{publisher}");
        let json_sub = spawn_subscriber(
            &broker,
            mqtk("sub", &broker, "5")
                .args(["-i", "pj", "-q", "1", "-t", &topic, "-C", "1", "--json"]),
            "pj",
            &topic,
        );
        let fmt_sub = spawn_subscriber(
            &broker,
            mqtk("sub", &broker, "5")
                .args(["-i", "pf", "-q", "1", "-t", &topic, "-C", "1", "-F", format]),
            "pf",
            &topic,
        );
        let mosq_sub = spawn_subscriber(
            &broker,
            mosquitto_sub(&broker).args([
                "-V", "mqttv5", "-i", "pm", "-q", "1", "-t", &topic, "-C", "1", "-F", format,
            ]),
            "pm",
            &topic,
        );
        let mut cmd = if publisher == "mqtk" {
            mqtk("pub", &broker, "5")
        } else {
            let mut c = mosquitto_pub(&broker);
            c.args(["-V", "mqttv5"]);
            c
        };
        let out = run(cmd
            .args(["-q", "1", "-t", &topic, "-m", "with props"])
            .args(property_args()));
        assert_ok(&out, publisher);

        let json = json_sub.wait(WAIT);
        assert_ok(&json, "mqtk sub --json");
        let line = text(&json.stdout);
        let msg: JsonMessage =
            serde_json::from_str(line.trim_end()).unwrap_or_else(|e| panic!("{e}: {line}"));
        let p = msg
            .properties
            .as_ref()
            .unwrap_or_else(|| panic!("no properties: {line}"));
        let users: Vec<(String, String)> = p
            .user_properties
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(
            users,
            [("k1".into(), "v1".into()), ("k1".into(), "v2".into())],
            "{publisher}"
        );
        assert_eq!(p.content_type.as_deref(), Some("text/plain"));
        assert_eq!(p.correlation_data.as_deref(), Some("corr-123"));
        assert_eq!(p.correlation_data_encoding, None);
        assert_eq!(p.response_topic.as_deref(), Some("reply/here"));
        assert_eq!(p.payload_format_indicator, Some(1));
        // The broker forwards the remaining lifetime: at most what was set.
        let expiry = p
            .message_expiry_interval
            .unwrap_or_else(|| panic!("no expiry: {line}"));
        assert!((3590..=3600).contains(&expiry), "{expiry}");
        assert_eq!(msg.payload, "with props");

        // -F against mosquitto_sub's own rendering of the same message.
        let ours = fmt_sub.wait(WAIT);
        let theirs = mosq_sub.wait(WAIT);
        assert_ok(&ours, "mqtk sub -F");
        assert_ok(&theirs, "mosquitto_sub -F");
        assert_eq!(
            text(&ours.stdout),
            text(&theirs.stdout),
            "{publisher}: -F {format}"
        );
        assert!(
            text(&ours.stdout).contains("k1:v1"),
            "{}",
            text(&ours.stdout)
        );
    }
}

#[test]
fn format_specifiers_match_mosquitto_sub() {
    // Fields that do not depend on the time of receipt or the packet id, rendered by both
    // subscribers from the same messages.
    let broker = Broker::start();
    let formats = [
        "%t %p %q %r %l",
        "[%10t][%-10t][%.3t][%5l][%05l][%-5l]|",
        "%x|%X",
        "\\e\\a\\v\\0|\\\\|%%",
    ];
    for v in VERSIONS {
        for (i, format) in formats.iter().enumerate() {
            let topic = format!("fmt/{v}/{i}");
            let ids = (format!("fk-{v}-{i}"), format!("fm-{v}-{i}"));
            let ours = spawn_subscriber(
                &broker,
                mqtk("sub", &broker, v).args([
                    "-i", &ids.0, "-q", "1", "-t", &topic, "-C", "2", "-F", format,
                ]),
                &ids.0,
                &topic,
            );
            let mosq_v = if v == "5" { "mqttv5" } else { "mqttv311" };
            let theirs = spawn_subscriber(
                &broker,
                mosquitto_sub(&broker).args([
                    "-V", mosq_v, "-i", &ids.1, "-q", "1", "-t", &topic, "-C", "2", "-F", format,
                ]),
                &ids.1,
                &topic,
            );
            assert_ok(
                &run(mqtk("pub", &broker, v).args(["-q", "1", "-r", "-t", &topic, "-m", "Hello"])),
                "pub",
            );
            assert_ok(
                &run(mqtk("pub", &broker, v).args(["-q", "0", "-t", &topic, "-m", "ünï"])),
                "pub",
            );
            let (ours, theirs) = (ours.wait(WAIT), theirs.wait(WAIT));
            assert_ok(&ours, "mqtk sub");
            assert_eq!(ours.stdout, theirs.stdout, "-V {v} -F {format}");
        }
    }
}

#[test]
fn colour_only_when_asked_and_never_in_json() {
    let broker = Broker::start();
    let payloads: [&[u8]; 1] = [b"hi"];
    let esc = |out: &Output| out.stdout.contains(&0x1b);
    // A pipe is not a terminal: no colour by default, with or without NO_COLOR.
    let out = receive(&broker, "311", "c-auto", "col", &["-v"], &payloads);
    assert!(!esc(&out), "{}", text(&out.stdout));
    let out = receive(
        &broker,
        "311",
        "c-always",
        "col",
        &["-v", "--color", "always"],
        &payloads,
    );
    assert!(esc(&out), "--color always printed no escape codes");
    // Without the escape codes it is still `topic payload`.
    let plain: Vec<u8> = strip_ansi(&out.stdout);
    assert_eq!(text(&plain), "col hi\n");
    let out = receive(
        &broker,
        "311",
        "c-never",
        "col",
        &["-v", "--color", "never"],
        &payloads,
    );
    assert_eq!(text(&out.stdout), "col hi\n");
    let out = receive(
        &broker,
        "311",
        "c-json",
        "col",
        &["--json", "--color", "always"],
        &payloads,
    );
    assert!(
        !esc(&out),
        "--json must never be coloured: {}",
        text(&out.stdout)
    );
}

/// Removes `ESC [ ... m` sequences.
fn strip_ansi(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            i += 2;
            while i < bytes.len() && bytes[i] != b'm' {
                i += 1;
            }
            i += 1;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}
