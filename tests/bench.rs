//! `mqtk bench` against a real mosquitto: counts add up at QoS 1 and 2, QoS 0 drops and injected
//! duplicates are counted exactly, the JSON schema, `--assert` exit codes, `bench conn`, a broker
//! killed mid-run, Ctrl-C, and bad option combinations.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::Broker;
use common::bench::{code, json_of, roomy_broker};
use mqtk::bench::result::Mode;

/// A broker that queues enough for zero-loss runs at QoS 1/2.
/// `mqtk bench` against `broker`, quiet (no progress lines on stderr).
fn mqtk(broker: &Broker) -> Command {
    let mut c = common::mqtk_std();
    c.arg("bench").args(broker.args()).arg("--quiet");
    c.stdin(Stdio::null());
    c
}

/// `mqtk bench` without a broker, for errors found before connecting.
fn mqtk_offline() -> Command {
    let mut c = common::mqtk_std();
    c.arg("bench").args(["-p", "1"]);
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

#[test]
fn counts_add_up_at_qos_1_and_2() {
    let broker = roomy_broker();
    for (qos, version) in [("1", "311"), ("2", "311"), ("1", "5"), ("2", "5")] {
        let out = run(mqtk(&broker).args([
            "-q",
            qos,
            "-V",
            version,
            "-n",
            "1000",
            "--publishers",
            "2",
            "--subscribers",
            "2",
            "--json",
        ]));
        assert_eq!(code(&out), 0, "QoS {qos} -V {version}: {out:?}");
        let r = json_of(&out);
        let p = r.publish.unwrap();
        let rc = r.receive.unwrap();
        assert_eq!(p.sent, 2000);
        assert_eq!(p.acked, 2000);
        assert_eq!(rc.received, p.sent * 2, "QoS {qos}");
        assert_eq!(rc.expected, Some(4000));
        assert_eq!((rc.lost, rc.duplicates), (0, 0));
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert!(r.ack_latency.is_some() && r.latency.is_some());
        assert_eq!(r.latency.unwrap().count, 4000);
    }
}

#[test]
fn connection_flags_apply_tls_and_mqtt5() {
    let broker = Broker::builder().tls(true).start();
    let out = common::mqtk_std()
        .args([
            "bench",
            "-h",
            "localhost",
            "-p",
            &broker.tls_port().to_string(),
        ])
        .arg("--cafile")
        .arg(broker.ca_file())
        .args(["-V", "5", "-q", "1", "-n", "200", "--json", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{out:?}");
    let r = json_of(&out);
    assert_eq!(r.settings.protocol, "5");
    assert!(
        r.settings.broker.starts_with("mqtts://"),
        "{}",
        r.settings.broker
    );
    assert_eq!(r.receive.unwrap().received, 200);
}

#[test]
fn qos0_drops_are_counted_exactly() {
    // A tiny queue and a slow subscriber make mosquitto drop QoS 0 messages.
    let broker = Broker::builder()
        .config_line("max_queued_messages 5")
        .start();
    let out = run(mqtk(&broker).args([
        "-n",
        "8000",
        "--size",
        "2000",
        "--sub-rate",
        "4000",
        "--drain",
        "1s",
        "--json",
    ]));
    assert_eq!(code(&out), 0, "{out:?}");
    let r = json_of(&out);
    let sent = r.publish.unwrap().sent;
    let rc = r.receive.unwrap();
    assert_eq!(sent, 8000);
    assert!(rc.lost > 0, "expected drops: {rc:?}");
    assert_eq!(rc.duplicates, 0);
    assert_eq!(rc.lost, sent - rc.received);
    // QoS 0 loss is a figure, not an error.
    assert!(r.errors.is_empty());
}

/// The 24-byte bench header (publisher id, sequence number, send time), as `bench` writes it.
fn header(publisher: u32, seq: u64) -> Vec<u8> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut h = b"mq\x01\x00".to_vec();
    h.extend_from_slice(&publisher.to_be_bytes());
    h.extend_from_slice(&seq.to_be_bytes());
    h.extend_from_slice(&now.to_be_bytes());
    h
}

#[test]
fn injected_duplicates_are_counted() {
    let broker = roomy_broker();
    let dir = tempfile::tempdir().unwrap();
    let since = broker.log_len();
    let sub = mqtk(&broker)
        .args([
            "sub",
            "-n",
            "4",
            "--duration",
            "20s",
            "--json",
            "-t",
            "dup/test",
            "-i",
            "dups",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        broker.wait_subscribed(since, "dups-s0", "dup/test", common::SUBSCRIBE_TIMEOUT),
        "{}",
        broker.log_tail(10)
    );
    for (i, seq) in [0u64, 1, 1, 3].iter().enumerate() {
        let f = dir.path().join(format!("m{i}"));
        let mut payload = header(7, *seq);
        payload.extend_from_slice(b"padding");
        std::fs::File::create(&f)
            .unwrap()
            .write_all(&payload)
            .unwrap();
        let st = common::mosquitto_pub(&broker)
            .args(["-t", "dup/test", "-q", "1", "-f"])
            .arg(&f)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let out = sub.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{out:?}");
    let rc = json_of(&out).receive.unwrap();
    assert_eq!(rc.received, 4);
    assert_eq!(rc.duplicates, 1);
    // Sequence 2 never came: one lost below the highest number seen, and one missing of the 4
    // that `-n` expected.
    assert_eq!(rc.lost, 1);
    assert_eq!(rc.expected, Some(4));
}

#[test]
fn json_document_matches_its_schema() {
    let broker = roomy_broker();
    let out = run(mqtk(&broker).args([
        "-n",
        "300",
        "-q",
        "1",
        "--json",
        "--per-client",
        "--assert",
        "lost == 0",
    ]));
    assert_eq!(code(&out), 0, "{out:?}");
    // Strict: unknown or missing fields fail to parse.
    let r = json_of(&out);
    assert_eq!(r.mode, Mode::Pubsub);
    assert_eq!(r.settings.qos, 1);
    assert_eq!(r.clients.len(), 2);
    assert_eq!(r.assertions.len(), 1);
    assert!(r.assertions[0].passed);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "settings",
        "start",
        "end",
        "elapsed_s",
        "measured_s",
        "publish",
        "receive",
        "latency",
        "ack_latency",
        "connect",
        "errors",
        "series",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for key in [
        "min_us", "p50_us", "p90_us", "p99_us", "p999_us", "max_us", "mean_us",
    ] {
        assert!(v["latency"].get(key).is_some(), "missing latency.{key}");
    }
    assert!(v["publish"]["rate"].is_f64());
    // The mode is a typed enum in the model and the same string in the document.
    assert_eq!(v["mode"], "pubsub");
    assert_eq!(v["clients"][0]["role"], "pub");
    assert_eq!(v["clients"][1]["role"], "sub");
    // Additions for the report: the distribution itself (HdrHistogram V2, base64).
    assert!(v["latency"]["histogram"].is_string());
    // The per-second series adds up to the totals.
    let p = r.publish.as_ref().unwrap();
    let rc = r.receive.as_ref().unwrap();
    assert_eq!(r.series.iter().map(|s| s.sent).sum::<u64>(), p.sent);
    assert_eq!(r.series.iter().map(|s| s.acked).sum::<u64>(), p.acked);
    assert_eq!(
        r.series.iter().map(|s| s.received).sum::<u64>(),
        rc.received
    );
}

#[test]
fn csv_has_a_header_and_one_row() {
    let broker = roomy_broker();
    let out = run(mqtk(&broker).args(["-n", "200", "--csv"]));
    assert_eq!(code(&out), 0, "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("mode,start,"));
    assert_eq!(lines[0].split(',').count(), lines[1].split(',').count());
}

#[test]
fn assertions_pass_and_fail_with_exit_7() {
    let broker = roomy_broker();
    let out = run(mqtk(&broker).args([
        "-n",
        "500",
        "--assert",
        "lost == 0",
        "--assert",
        "rate > 0",
        "--assert",
        "p99 < 100s",
    ]));
    assert_eq!(code(&out), 0, "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("assert lost == 0: pass"), "{text}");

    let out = run(mqtk(&broker).args([
        "-n",
        "500",
        "--assert",
        "p99 < 1ns",
        "--assert",
        "lost == 0",
    ]));
    assert_eq!(code(&out), 7, "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("assert p99 < 1ns: FAIL"), "{text}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 of 2 assertions failed"), "{err}");
}

#[test]
fn bench_conn_holds_a_few_hundred_connections() {
    let broker = roomy_broker();
    let out =
        run(mqtk(&broker).args(["conn", "--connections", "300", "--hold", "500ms", "--json"]));
    assert_eq!(code(&out), 0, "{out:?}");
    let r = json_of(&out);
    assert_eq!(r.connect.attempted, 300);
    assert_eq!(r.connect.connected, 300);
    assert_eq!(r.connect.failed, 0);
    assert_eq!(r.connect.time.unwrap().count, 300);
    assert!(r.connect.rss_bytes.is_some());
}

#[test]
fn bench_conn_reports_refused_connections() {
    let broker = Broker::builder()
        .auth(&[("user", "secret")])
        .anonymous(false)
        .start();
    let out = common::mqtk_std()
        .args([
            "bench",
            "conn",
            "-h",
            "127.0.0.1",
            "-p",
            &broker.auth_port().to_string(),
        ])
        .args([
            "--connections",
            "20",
            "--hold",
            "100ms",
            "--json",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{out:?}");
    let r = json_of(&out);
    assert_eq!(r.connect.connected, 0);
    assert_eq!(r.connect.failed, 20);
    assert_eq!(
        r.connect.failures.get("refused with code 5"),
        Some(&20),
        "{:?}",
        r.connect.failures
    );
}

#[test]
fn broker_killed_mid_run_still_gives_a_summary() {
    let broker = roomy_broker();
    let child = mqtk(&broker)
        .args([
            "--duration",
            "4s",
            "--rate",
            "500",
            "-q",
            "1",
            "--drain",
            "1s",
        ])
        .args([
            "--reconnect-attempts",
            "1",
            "--reconnect-max-delay",
            "100ms",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1200));
    let st = Command::new("kill")
        .args(["-KILL", &broker.pid().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let out = child.wait_with_output().unwrap();
    assert_ne!(code(&out), 0, "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("published"), "{text}");
    assert!(text.contains("connection lost"), "{text}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("mqtk: error:"))
            .count(),
        1,
        "{err}"
    );
}

#[test]
fn clients_reconnect_when_the_broker_restarts() {
    let mut broker = roomy_broker();
    let child = mqtk(&broker)
        .args(["--duration", "3s", "--rate", "300", "--json"])
        .args([
            "--reconnect-attempts",
            "20",
            "--reconnect-max-delay",
            "200ms",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    broker.restart();
    let out = child.wait_with_output().unwrap();
    // QoS 0: what was lost during the restart is a figure, not an error.
    assert_eq!(code(&out), 0, "{out:?}");
    let r = json_of(&out);
    assert_eq!(r.reconnects, 2, "{r:?}");
    // The per-second series places the reconnects in time (the report's errors chart).
    assert_eq!(r.series.iter().map(|s| s.reconnects).sum::<u64>(), 2);
    // And the report says so, with the cause.
    assert!(
        r.notes
            .iter()
            .any(|n| n.starts_with("connections were lost and re-established 2 times (first: ")),
        "{:?}",
        r.notes
    );
    let rc = r.receive.unwrap();
    assert_eq!(rc.lost, r.publish.unwrap().sent - rc.received);
    assert!(rc.received > 0);
}

#[test]
fn ctrl_c_prints_the_summary_and_exits_130() {
    let broker = roomy_broker();
    let child = mqtk(&broker)
        .args(["--duration", "20s", "--rate", "200"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    let st = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 130, "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    // At QoS 0 a publisher only knows what it wrote into its socket.
    assert!(
        text.contains("interrupted") && text.contains("written"),
        "{text}"
    );
}

#[test]
fn bad_option_combinations_exit_2_with_one_line() {
    // No broker: these must fail before connecting.
    for args in [
        vec!["--size", "10"],
        vec!["--publishers", "0"],
        vec!["--subscribers", "0"],
        vec!["conn", "--connections", "0"],
        vec!["sub", "--rate", "100"],
        vec!["--warmup", "2s", "-n", "100"],
        vec!["--warmup", "20s"],
        vec!["--assert", "p99 < 20"],
        vec!["--assert", "wibble > 3"],
        vec!["conn", "--assert", "lost == 0"],
    ] {
        let out = mqtk_offline().args(&args).output().unwrap();
        assert_eq!(code(&out), 2, "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("mqtk: error: "), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn too_many_connections_for_the_file_limit_is_a_usage_error() {
    let out = mqtk_offline()
        .args(["conn", "--connections", "900000"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("open files"), "{err}");
}

/// The fresh-machine path: no broker anywhere, `bench --embedded-broker` starts its own.
#[cfg(feature = "broker")]
#[test]
fn embedded_broker_run_loses_nothing_at_qos_1() {
    let out = run(common::mqtk_std().args([
        "bench",
        "--embedded-broker",
        "--quiet",
        "-q",
        "1",
        "-n",
        "5000",
        "--json",
    ]));
    assert_eq!(code(&out), 0, "{out:?}");
    let r = json_of(&out);
    let (p, rc) = (r.publish.unwrap(), r.receive.unwrap());
    assert_eq!((p.sent, p.acked, rc.received), (5000, 5000, 5000));
    assert_eq!((rc.lost, rc.duplicates), (0, 0));
}

#[test]
fn embedded_broker_is_never_combined_with_a_broker_address() {
    let out = run(common::mqtk_std().args(["bench", "--embedded-broker", "-p", "1883"]));
    assert_eq!(code(&out), 2, "{out:?}");
}
