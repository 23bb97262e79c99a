//! `mqtk rr` and `mqtk sub --respond` against a real mosquitto: rr against a responder made of
//! mosquitto_sub and mosquitto_pub, and against `sub --respond`; mosquitto_rr against `sub
//! --respond`; a timeout (exit 27), responses with other correlation data ignored, -C N, output
//! options, and MQTT 3.1.1 refused.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{
    Background, Broker, WAIT, assert_ok, mosquitto_client, mosquitto_pub, mqtk_std, run,
    spawn_subscriber, text,
};

fn mqtk(broker: &Broker, sub: &str) -> Command {
    let mut cmd = mqtk_std();
    cmd.arg(sub).args(broker.args());
    cmd
}

/// `mqtk sub -V 5 --respond CMD -t FILTER`, subscribed.
fn responder(broker: &Broker, id: &str, filter: &str, command: &str) -> Background {
    spawn_subscriber(
        broker,
        mqtk(broker, "sub").args([
            "-V",
            "5",
            "-i",
            id,
            "-q",
            "1",
            "-t",
            filter,
            "--respond",
            command,
        ]),
        id,
        filter,
    )
}

#[test]
fn rr_against_a_mosquitto_sub_and_pub_responder() {
    let broker = Broker::start();
    // One request: read it (response topic, correlation data, payload), answer with mosquitto_pub.
    let script = format!(
        "mosquitto_sub -h 127.0.0.1 -p {port} -V mqttv5 -i shell-responder -t svc/echo -C 1 \
         -F '%R %D %p' | while read -r topic corr payload; do \
         mosquitto_pub -h 127.0.0.1 -p {port} -V mqttv5 -t \"$topic\" \
         -D publish correlation-data \"$corr\" -m \"echo: $payload\"; done",
        port = broker.port()
    );
    // A clean environment, and HOME away from any ~/.config/mosquitto_* options file.
    let mut shell = Command::new("sh");
    shell
        .arg("-c")
        .arg(&script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", broker.dir());
    let responder = spawn_subscriber(&broker, &mut shell, "shell-responder", "svc/echo");
    let out = run(mqtk(&broker, "rr").args([
        "-t",
        "svc/echo",
        "-e",
        "svc/echo/reply",
        "-m",
        "hello",
        "-W",
        "10",
    ]));
    assert_ok(&out, "mqtk rr");
    assert_eq!(text(&out.stdout), "echo: hello\n");
    assert_ok(&responder.wait(WAIT), "shell responder");
}

#[test]
fn rr_against_sub_respond_and_mosquitto_rr_too() {
    let broker = Broker::start();
    let svc = responder(&broker, "upper", "svc/upper", "tr a-z A-Z");
    let out =
        run(mqtk(&broker, "rr").args(["-t", "svc/upper", "-e", "r/1", "-m", "ping", "-q", "1"]));
    assert_ok(&out, "mqtk rr");
    assert_eq!(text(&out.stdout), "PING\n");
    // Output options as sub's: -v, and --json with the correlation data.
    let out = run(mqtk(&broker, "rr").args(["-t", "svc/upper", "-e", "r/2", "-m", "x", "-v"]));
    assert_eq!(text(&out.stdout), "r/2 X\n");
    let out = run(mqtk(&broker, "rr").args([
        "-t",
        "svc/upper",
        "-e",
        "r/3",
        "-m",
        "y",
        "--json",
        "--correlation-data",
        "id-42",
    ]));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json");
    assert_eq!(line["payload"], "Y");
    assert_eq!(line["topic"], "r/3");
    assert_eq!(line["properties"]["correlation_data"], "id-42");
    // mosquitto's own client against mqtk's responder.
    let out = run(mosquitto_client("mosquitto_rr", &broker).args([
        "-p",
        &broker.port().to_string(),
        "-t",
        "svc/upper",
        "-e",
        "r/mosq",
        "-m",
        "from mosquitto_rr",
        "-W",
        "10",
    ]));
    assert_ok(&out, "mosquitto_rr");
    assert_eq!(text(&out.stdout), "FROM MOSQUITTO_RR\n");
    // The responder printed every request it answered.
    let got = svc.kill();
    assert_eq!(text(&got.stdout), "ping\nx\ny\nfrom mosquitto_rr\n");
}

#[test]
fn rr_ignores_other_correlation_data_and_takes_count() {
    let broker = Broker::start();
    let rr = spawn_subscriber(
        &broker,
        mqtk(&broker, "rr").args([
            "-i",
            "rr-corr",
            "-t",
            "nobody/listens",
            "-e",
            "corr/reply",
            "-m",
            "q",
            "--correlation-data",
            "mine",
            "-C",
            "2",
            "-F",
            "%p %D",
            "-W",
            "10",
        ]),
        "rr-corr",
        "corr/reply",
    );
    for (corr, payload) in [
        ("other", "wrong-1"),
        ("mine", "right-1"),
        ("mine-too", "wrong-2"),
    ] {
        assert_ok(
            &run(mosquitto_pub(&broker).args([
                "-V",
                "mqttv5",
                "-t",
                "corr/reply",
                "-D",
                "publish",
                "correlation-data",
                corr,
                "-m",
                payload,
            ])),
            "mosquitto_pub",
        );
    }
    // No correlation data at all is not ours either.
    assert_ok(
        &run(mosquitto_pub(&broker).args(["-V", "mqttv5", "-t", "corr/reply", "-m", "wrong-3"])),
        "mosquitto_pub",
    );
    assert_ok(
        &run(mosquitto_pub(&broker).args([
            "-V",
            "mqttv5",
            "-t",
            "corr/reply",
            "-D",
            "publish",
            "correlation-data",
            "mine",
            "-m",
            "right-2",
        ])),
        "mosquitto_pub",
    );
    let out = rr.wait(WAIT);
    assert_ok(&out, "rr -C 2");
    assert_eq!(text(&out.stdout), "right-1 mine\nright-2 mine\n");
}

#[test]
fn rr_times_out_with_27_and_refuses_mqtt_311() {
    let broker = Broker::start();
    let started = std::time::Instant::now();
    let out = run(mqtk(&broker, "rr").args(["-t", "void", "-e", "void/r", "-m", "x", "-W", "1"]));
    assert_eq!(out.status.code(), Some(27), "{}", text(&out.stderr));
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(
        text(&out.stderr).contains("0 of 1 response(s) received"),
        "{}",
        text(&out.stderr)
    );
    for (args, expected) in [
        (
            vec!["rr", "-V", "311", "-t", "a", "-e", "b", "-m", "x"],
            "needs MQTT 5",
        ),
        (vec!["rr", "-t", "a", "-e", "b/#", "-m", "x"], "-e:"),
        (
            vec!["sub", "-t", "a", "--respond", "cat"],
            "--respond needs MQTT 5",
        ),
    ] {
        let out = run(mqtk_std().args(&args).args(["-h", "127.0.0.1", "-p", "1"]));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1);
    }
}

#[test]
fn respond_answers_then_exits_with_count_and_skips_non_requests() {
    let broker = Broker::start();
    let svc = spawn_subscriber(
        &broker,
        mqtk(&broker, "sub").args([
            "-V",
            "5",
            "-i",
            "svc-count",
            "-t",
            "svc/count",
            "-C",
            "2",
            "--respond",
            "wc -c | tr -d ' \\n'",
        ]),
        "svc-count",
        "svc/count",
    );
    // Not a request: printed, and a warning says it is not answered.
    assert_ok(
        &run(mosquitto_pub(&broker).args(["-V", "mqttv5", "-t", "svc/count", "-m", "plain"])),
        "mosquitto_pub",
    );
    let out = run(mqtk(&broker, "rr").args([
        "-t",
        "svc/count",
        "-e",
        "count/r",
        "-m",
        "12345",
        "-W",
        "10",
    ]));
    assert_ok(&out, "rr");
    assert_eq!(text(&out.stdout), "5\n");
    let got = svc.wait(WAIT);
    assert_ok(&got, "sub --respond -C 2");
    assert_eq!(text(&got.stdout), "plain\n12345\n");
    assert!(
        text(&got.stderr).contains("has no response topic: not answered"),
        "{}",
        text(&got.stderr)
    );
}
