//! Connection flags against a real mosquitto: TLS (CA file, client certificates, wrong CA,
//! --insecure), websockets (ws://, wss://), Unix sockets, user names and passwords (-P,
//! --pw-file, MQTK_PASSWORD, URLs), refused connections and their exit codes, last will,
//! keepalive, bind address and the debug trace.

mod common;

use std::process::{Command, Output};
use std::time::Duration;

use common::{
    Background, Broker, VERSIONS, WAIT, assert_ok, mosquitto_pub, mosquitto_sub, mqtk_std, run,
    spawn_subscriber, text,
};

/// Asserts the exit code and that stderr is one `mqtk: error:` line containing `needle`.
#[track_caller]
fn assert_error(out: &Output, code: i32, needle: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("mqtk: warning:"))
        .collect();
    assert_eq!(errors.len(), 1, "expected one error line: {stderr}");
    assert!(
        errors[0].starts_with("mqtk: error: ") && errors[0].contains(needle),
        "expected an error mentioning {needle:?}: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `mqtk SUBCOMMAND -V version`, no host or port.
fn mqtk(sub: &str, version: &str) -> Command {
    let mut cmd = mqtk_std();
    cmd.args([sub, "-V", version]);
    cmd
}

/// A mosquitto_sub on the plain listener waiting for one message on `topic`.
fn one_message_sub(broker: &Broker, id: &str, topic: &str) -> Background {
    spawn_subscriber(
        broker,
        mosquitto_sub(broker).args(["-i", id, "-t", topic, "-C", "1", "-v"]),
        id,
        topic,
    )
}

/// Publishes `payload` to `topic` with mqtk and the extra (connection) arguments, and checks
/// that a mosquitto_sub on the plain listener got it. Returns mqtk's output.
fn publish_via(broker: &Broker, v: &str, id: &str, extra: &[&str]) -> Output {
    let topic = format!("via/{id}");
    let sub = one_message_sub(broker, id, &topic);
    let out = run(mqtk("pub", v)
        .args(extra)
        .args(["-q", "1", "-t", &topic, "-m", id]));
    assert_ok(&out, &format!("mqtk pub {extra:?}"));
    let got = sub.wait(WAIT);
    assert_eq!(text(&got.stdout), format!("{topic} {id}\n"), "{extra:?}");
    out
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

#[test]
fn tls_with_ca_file() {
    let broker = Broker::builder().tls(true).start();
    let port = broker.tls_port().to_string();
    let ca = path(broker.ca_file());
    for v in VERSIONS {
        for host in ["localhost", "127.0.0.1"] {
            let id = format!("tls-{v}-{}", host.len());
            let out = publish_via(&broker, v, &id, &["-h", host, "-p", &port, "--cafile", ca]);
            assert_eq!(text(&out.stderr), "", "no warning expected over TLS");
        }
        // mqtts:// URL with --cafile.
        let url = format!("mqtts://localhost:{port}");
        publish_via(
            &broker,
            v,
            &format!("tlsurl-{v}"),
            &["-L", &url, "--cafile", ca],
        );

        // mqtk sub over TLS, fed by mosquitto_pub on the plain port.
        let id = format!("tls-sub-{v}");
        let sub = spawn_subscriber(
            &broker,
            mqtk("sub", v).args([
                "-h",
                "localhost",
                "-p",
                &port,
                "--cafile",
                ca,
                "-i",
                &id,
                "-t",
                "ts",
                "-C",
                "1",
            ]),
            &id,
            "ts",
        );
        assert_ok(
            &run(mosquitto_pub(&broker).args(["-t", "ts", "-m", "over tls"])),
            "mosquitto_pub",
        );
        let got = sub.wait(WAIT);
        assert_ok(&got, "mqtk sub over TLS");
        assert_eq!(text(&got.stdout), "over tls\n");
    }
}

#[test]
fn tls_wrong_ca_fails_and_insecure_warns() {
    let broker = Broker::builder().tls(true).start();
    let port = broker.tls_port().to_string();
    let other = path(broker.other_ca_file());
    for v in VERSIONS {
        let out = run(mqtk("pub", v).args([
            "-h",
            "localhost",
            "-p",
            &port,
            "--cafile",
            other,
            "-t",
            "x",
            "-m",
            "x",
        ]));
        assert_error(&out, 3, "certificate");

        // --insecure skips only the host-name check: an untrusted CA still fails.
        let out = run(mqtk("pub", v).args([
            "-h",
            "localhost",
            "-p",
            &port,
            "--cafile",
            other,
            "--insecure",
            "-t",
            "x",
            "-m",
            "x",
        ]));
        assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));

        // --danger-accept-invalid-certs connects anyway, and says so.
        let out = publish_via(
            &broker,
            v,
            &format!("insecure-{v}"),
            &[
                "-h",
                "localhost",
                "-p",
                &port,
                "--cafile",
                other,
                "--danger-accept-invalid-certs",
            ],
        );
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with("mqtk: warning: --danger-accept-invalid-certs")
                && stderr.lines().count() == 1,
            "{stderr}"
        );
        // --quiet silences the warning.
        let out = publish_via(
            &broker,
            v,
            &format!("insecure-q-{v}"),
            &[
                "-h",
                "localhost",
                "-p",
                &port,
                "--cafile",
                other,
                "--danger-accept-invalid-certs",
                "--quiet",
            ],
        );
        assert_eq!(text(&out.stderr), "");
    }
    // Plain TCP to a TLS port: not an MQTT answer, exit 3 (bounded by --connect-timeout).
    let out = run(mqtk("pub", "311").args([
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "--connect-timeout",
        "3s",
        "-t",
        "x",
        "-m",
        "x",
    ]));
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
}

#[test]
fn tls_client_certificates() {
    let broker = Broker::builder().require_certificate(true).start();
    let port = broker.tls_port().to_string();
    let ca = path(broker.ca_file());
    let (cert, key) = (path(broker.client_cert()), path(broker.client_key()));
    for v in VERSIONS {
        publish_via(
            &broker,
            v,
            &format!("cert-{v}"),
            &[
                "-h",
                "localhost",
                "-p",
                &port,
                "--cafile",
                ca,
                "--cert",
                cert,
                "--key",
                key,
            ],
        );
        // Without a certificate the broker ends the handshake: unreachable, exit 3.
        let out = run(mqtk("pub", v).args([
            "-h",
            "localhost",
            "-p",
            &port,
            "--cafile",
            ca,
            "-t",
            "x",
            "-m",
            "x",
        ]));
        assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with("mqtk: error: ") && stderr.lines().count() == 1,
            "{stderr}"
        );
    }
}

#[test]
fn websockets() {
    let broker = Broker::builder().websockets(true).start();
    for v in VERSIONS {
        let ws = format!("ws://127.0.0.1:{}/mqtt", broker.ws_port());
        publish_via(&broker, v, &format!("ws-{v}"), &["-L", &ws]);
        // Any path works with mosquitto; the default one is /mqtt.
        let ws_root = format!("ws://localhost:{}", broker.ws_port());
        publish_via(&broker, v, &format!("ws-root-{v}"), &["-L", &ws_root]);

        let id = format!("ws-sub-{v}");
        let sub = spawn_subscriber(
            &broker,
            mqtk("sub", v).args(["-L", &ws, "-i", &id, "-t", "wsub", "-C", "1", "-v"]),
            &id,
            "wsub",
        );
        assert_ok(
            &run(mosquitto_pub(&broker).args(["-t", "wsub", "-m", "via ws"])),
            "mosquitto_pub",
        );
        let got = sub.wait(WAIT);
        assert_ok(&got, "mqtk sub over ws");
        assert_eq!(text(&got.stdout), "wsub via ws\n");
    }
}

#[test]
fn secure_websockets() {
    let broker = Broker::builder().wss(true).start();
    let ca = path(broker.ca_file());
    for v in VERSIONS {
        let wss = format!("wss://localhost:{}", broker.wss_port());
        publish_via(
            &broker,
            v,
            &format!("wss-{v}"),
            &["-L", &wss, "--cafile", ca],
        );
        let id = format!("wss-sub-{v}");
        let sub = spawn_subscriber(
            &broker,
            mqtk("sub", v).args([
                "-L", &wss, "--cafile", ca, "-i", &id, "-t", "wss", "-C", "1",
            ]),
            &id,
            "wss",
        );
        assert_ok(
            &run(mosquitto_pub(&broker).args(["-t", "wss", "-m", "via wss"])),
            "mosquitto_pub",
        );
        assert_eq!(text(&sub.wait(WAIT).stdout), "via wss\n");
        // The wrong CA fails the handshake: exit 3.
        let out = run(mqtk("pub", v).args([
            "-L",
            &wss,
            "--cafile",
            path(broker.other_ca_file()),
            "-t",
            "x",
            "-m",
            "x",
        ]));
        assert_error(&out, 3, "certificate");
    }
}

#[test]
fn unix_socket() {
    let broker = Broker::builder().unix_socket(true).start();
    let sock = broker.unix_socket();
    let sock = path(&sock);
    for v in VERSIONS {
        publish_via(&broker, v, &format!("unix-{v}"), &["--unix", sock]);
        let id = format!("unix-sub-{v}");
        let sub = spawn_subscriber(
            &broker,
            mqtk("sub", v).args(["--unix", sock, "-i", &id, "-t", "us", "-C", "1"]),
            &id,
            "us",
        );
        assert_ok(
            &run(mosquitto_pub(&broker).args(["-t", "us", "-m", "local"])),
            "mosquitto_pub",
        );
        assert_eq!(text(&sub.wait(WAIT).stdout), "local\n");
    }
}

/// Passwords sent to a loopback address never leave the machine: no warning (see
/// tests/secrets.rs for the warning itself).
const PASSWORD_WARNING: &str = "";

#[test]
fn passwords_from_flag_file_env_and_url() {
    let broker = Broker::builder()
        .auth(&[("alice", "s3cr3t-pa55")])
        .tls(true)
        .start();
    let port = broker.auth_port().to_string();
    let pw_file = broker.dir().join("pw.txt");
    std::fs::write(&pw_file, "s3cr3t-pa55\n").expect("write pw file");
    for v in VERSIONS {
        let out = publish_via(
            &broker,
            v,
            &format!("pw-{v}"),
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-u",
                "alice",
                "-P",
                "s3cr3t-pa55",
            ],
        );
        assert_eq!(text(&out.stderr), PASSWORD_WARNING);

        let out = publish_via(
            &broker,
            v,
            &format!("pwfile-{v}"),
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-u",
                "alice",
                "--pw-file",
                path(&pw_file),
            ],
        );
        assert_eq!(text(&out.stderr), PASSWORD_WARNING);

        let topic = format!("via/env-{v}");
        let sub = one_message_sub(&broker, &format!("env-{v}"), &topic);
        let out = run(mqtk("pub", v).env("MQTK_PASSWORD", "s3cr3t-pa55").args([
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-u",
            "alice",
            "-q",
            "1",
            "-t",
            &topic,
            "-m",
            "e",
        ]));
        assert_ok(&out, "MQTK_PASSWORD");
        assert_eq!(text(&sub.wait(WAIT).stdout), format!("{topic} e\n"));

        let url = format!("mqtt://alice:s3cr3t-pa55@127.0.0.1:{port}/via/url-{v}");
        let sub = one_message_sub(&broker, &format!("url-{v}"), &format!("via/url-{v}"));
        let out = run(mqtk("pub", v).args(["-L", &url, "-q", "1", "-m", "u"]));
        assert_ok(&out, "-L with user:pass@");
        assert_eq!(text(&out.stderr), PASSWORD_WARNING);
        assert_eq!(text(&sub.wait(WAIT).stdout), format!("via/url-{v} u\n"));

        // Over TLS the password is protected: no warning.
        let tls = broker.tls_port().to_string();
        let out = publish_via(
            &broker,
            v,
            &format!("pwtls-{v}"),
            &[
                "-h",
                "localhost",
                "-p",
                &tls,
                "--cafile",
                path(broker.ca_file()),
                "-u",
                "alice",
                "-P",
                "s3cr3t-pa55",
            ],
        );
        assert_eq!(text(&out.stderr), "");
    }
}

#[test]
fn refused_connections_exit_with_the_connack_code() {
    let broker = Broker::builder().auth(&[("alice", "secret")]).start();
    let port = broker.auth_port().to_string();
    for (args, what) in [
        (vec!["-u", "alice", "-P", "wrong"], "bad password"),
        (vec!["-u", "mallory", "-P", "secret"], "unknown user"),
        (vec![], "anonymous"),
    ] {
        let out = run(mqtk("pub", "311")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "--quiet",
                "-t",
                "x",
                "-m",
                "x",
            ])
            .args(&args));
        assert_error(&out, 5, "refused the connection: not authorised (5)");
        let out = run(mqtk("sub", "311")
            .args(["-h", "127.0.0.1", "-p", &port, "--quiet", "-t", "x"])
            .args(&args));
        assert_error(&out, 5, "not authorised (5)");

        // mosquitto 2.0 answers MQTT 5 clients with 135 "not authorised" for all three.
        let out = run(mqtk("pub", "5")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "--quiet",
                "-t",
                "x",
                "-m",
                "x",
            ])
            .args(&args));
        let code = out.status.code();
        assert!(code == Some(135) || code == Some(134), "{what}: {out:?}");
        assert_error(
            &out,
            code.unwrap_or(0),
            "refused the connection: not authorised (135)",
        );

        // The URL form too.
        let url = match args.as_slice() {
            [_, user, _, pw] => format!("mqtt://{user}:{pw}@127.0.0.1:{port}/x"),
            _ => format!("mqtt://127.0.0.1:{port}/x"),
        };
        let out = run(mqtk("pub", "311").args(["-L", &url, "--quiet", "-m", "x"]));
        assert_error(&out, 5, "not authorised");
    }
}

#[test]
fn unreachable_broker_exits_3() {
    // A port nothing listens on: take a free one and close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
        .to_string();
    for v in VERSIONS {
        let out = run(mqtk("pub", v).args(["-h", "127.0.0.1", "-p", &port, "-t", "x", "-m", "x"]));
        assert_error(&out, 3, &port);
        let out = run(mqtk("sub", v).args(["-h", "127.0.0.1", "-p", &port, "-t", "x"]));
        assert_error(&out, 3, &port);
    }
}

#[test]
fn last_will_is_delivered_when_mqtk_is_killed() {
    let broker = Broker::start();
    for v in VERSIONS {
        for (sub_cmd, id) in [
            ("sub", format!("will-sub-{v}")),
            ("pub", format!("will-pub-{v}")),
        ] {
            let will_topic = format!("will/{id}");
            let watcher = spawn_subscriber(
                &broker,
                mosquitto_sub(&broker).args([
                    "-q",
                    "1",
                    "-i",
                    &format!("watch-{id}"),
                    "-t",
                    &will_topic,
                    "-C",
                    "1",
                    "-F",
                    "%q %r %p",
                ]),
                &format!("watch-{id}"),
                &will_topic,
            );
            let mut cmd = mqtk(sub_cmd, v);
            cmd.args(broker.args()).args([
                "-i",
                &id,
                "--will-topic",
                &will_topic,
                "--will-payload",
                "gone",
                "--will-qos",
                "1",
                "-k",
                "10",
            ]);
            // A subscriber that waits forever, or a publisher waiting for more stdin lines.
            let since = broker.log_len();
            let victim = if sub_cmd == "sub" {
                cmd.args(["-t", "will/never"]);
                spawn_subscriber(&broker, &mut cmd, &id, "will/never")
            } else {
                cmd.args(["-t", "will/data", "-l"]);
                let victim = Background::spawn_with_stdin(&mut cmd);
                assert!(
                    common::poll_until(WAIT, || broker
                        .log_since(since)
                        .contains(&format!(" as {id} "))),
                    "mqtk pub -l did not connect: {}",
                    broker.log_tail(5)
                );
                victim
            };
            // The watcher must not see a will while mqtk lives.
            std::thread::sleep(Duration::from_millis(200));
            assert!(watcher.stdout_so_far().is_empty());
            victim.kill();
            let got = watcher.wait(WAIT);
            assert_ok(&got, "mosquitto_sub for the will");
            assert_eq!(text(&got.stdout), "1 0 gone\n", "-V {v} {sub_cmd}");
        }
        // A clean exit sends no will: a retained will would be visible afterwards.
        let will_topic = format!("will/clean-{v}");
        let out = run(mqtk("pub", v).args(broker.args()).args([
            "--will-topic",
            &will_topic,
            "--will-payload",
            "x",
            "--will-retain",
            "-t",
            "a",
            "-m",
            "b",
        ]));
        assert_ok(&out, "mqtk pub with a will");
        let out = run(mosquitto_sub(&broker).args(["-t", &will_topic, "-W", "1"]));
        assert!(
            out.stdout.is_empty(),
            "will sent on a clean exit: {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn keepalive_bind_address_and_client_id_reach_the_broker() {
    let broker = Broker::start();
    for (v, p) in [("311", "p2"), ("5", "p5")] {
        // mqtk's own client has no lower limit for MQTT 5 (rumqttc's 5 s one is gone).
        for k in ["5", "30", "0", "2"] {
            let id = format!("ka-{v}-{k}");
            let since = broker.log_len();
            let out = run(mqtk("pub", v).args(broker.args()).args([
                "-i",
                &id,
                "-k",
                k,
                "-A",
                "127.0.0.1",
                "-t",
                "x",
                "-m",
                "x",
            ]));
            assert_ok(&out, "mqtk pub -k -A");
            // "New client connected from 127.0.0.1:PORT as ID (p2, c1, k5)."
            let log = broker.log_since(since);
            let line = log
                .lines()
                .find(|l| l.contains(&format!(" as {id} ")))
                .unwrap_or_else(|| panic!("no connect line for {id} in {log}"));
            assert!(line.contains("from 127.0.0.1:"), "{line}");
            assert!(line.contains(&format!("({p}, c1, k{k})")), "{line}");
        }
    }
    // The other spellings of -V, and MQTT 3.1 (mosquitto logs it as p1).
    for (v, p) in [("31", "p1"), ("mqttv311", "p2"), ("mqttv5", "p5")] {
        let id = format!("spell-{v}");
        let since = broker.log_len();
        let out = run(mqtk("pub", v)
            .args(broker.args())
            .args(["-i", &id, "-t", "x", "-m", "x"]));
        assert_ok(&out, &format!("-V {v}"));
        let log = broker.log_since(since);
        assert!(
            log.lines()
                .any(|l| l.contains(&format!(" as {id} (")) && l.contains(&format!("({p}, "))),
            "-V {v}: {log}"
        );
    }
    // -I: a prefix plus the process id.
    let since = broker.log_len();
    assert_ok(
        &run(mqtk("pub", "311")
            .args(broker.args())
            .args(["-I", "pfx-", "-t", "x", "-m", "x"])),
        "-I",
    );
    assert!(
        broker.log_since(since).contains(" as pfx-"),
        "{}",
        broker.log_tail(3)
    );
}

#[test]
fn debug_trace_never_shows_the_password() {
    let broker = Broker::builder().auth(&[("alice", "s3cr3t-pa55")]).start();
    let port = broker.auth_port().to_string();
    for v in VERSIONS {
        let url = format!("mqtt://alice:s3cr3t-pa55@127.0.0.1:{port}/dbg");
        for args in [
            vec![
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-u",
                "alice",
                "-P",
                "s3cr3t-pa55",
                "-t",
                "dbg",
            ],
            vec!["-L", url.as_str()],
        ] {
            let out = run(mqtk("pub", v)
                .args(&args)
                .args(["-d", "-q", "2", "-m", "payload"]));
            assert_ok(&out, "mqtk pub -d");
            let stderr = text(&out.stderr);
            assert!(stderr.contains("mqtk: debug:"), "no trace: {stderr}");
            assert!(stderr.to_uppercase().contains("CONNECT"), "{stderr}");
            assert!(
                !stderr.contains("s3cr3t"),
                "password in the debug trace: {stderr}"
            );
            assert!(out.stdout.is_empty());
        }
        let out = run(mqtk("sub", v).args(["-L", &url, "-d", "-E"]));
        assert_ok(&out, "mqtk sub -d");
        assert!(
            !text(&out.stderr).contains("s3cr3t"),
            "{}",
            text(&out.stderr)
        );
    }
}

/// A one-shot `pub` closes right after its DISCONNECT and half-close, without waiting for the
/// broker's close: each last message still arrives, the broker logs a clean disconnect (not a
/// closed or reset connection), and the will is never sent.
#[test]
fn one_shot_pub_closes_cleanly_without_waiting_for_the_broker() {
    let broker = Broker::start();
    for v in VERSIONS {
        let watch_id = format!("watch-oneshot-{v}");
        let watcher = spawn_subscriber(
            &broker,
            mosquitto_sub(&broker).args(["-i", &watch_id, "-t", "oneshot/#", "-v"]),
            &watch_id,
            "oneshot/#",
        );
        const RUNS: usize = 20;
        for i in 0..RUNS {
            let id = format!("oneshot-{v}-{i}");
            let since = broker.log_len();
            let out = run(mqtk("pub", v).args(broker.args()).args([
                "-i",
                &id,
                "-t",
                "oneshot/data",
                "-m",
                &i.to_string(),
                "--will-topic",
                "oneshot/will",
                "--will-payload",
                "gone",
            ]));
            assert_ok(&out, "one-shot pub");
            assert!(
                common::poll_until(WAIT, || broker
                    .log_since(since)
                    .contains(&format!("Client {id} disconnected."))),
                "no clean disconnect logged for {id}: {}",
                broker.log_tail(5)
            );
        }
        assert!(
            watcher.wait_for_lines(RUNS, WAIT),
            "-V {v}: got {}",
            text(&watcher.stdout_so_far())
        );
        let got = text(&watcher.kill().stdout);
        let want: String = (0..RUNS).map(|i| format!("oneshot/data {i}\n")).collect();
        assert_eq!(got, want, "-V {v}: every message, in order, and no will");
    }
}

#[test]
fn localhost_is_loopback_without_a_resolver_and_falls_back_to_ipv6() {
    // A port free on ::1, where the machine has IPv6 loopback; without it only the IPv4 half
    // below runs.
    let v6 = std::net::TcpListener::bind("[::1]:0")
        .and_then(|l| l.local_addr())
        .ok()
        .map(|a| a.port());
    let mut builder = Broker::builder();
    if let Some(port) = v6 {
        builder = builder
            .config_line(&format!("listener {port} ::1"))
            .config_line("allow_anonymous true");
    }
    let broker = builder.start();
    let port = broker.port().to_string();
    // The plain listener is on 127.0.0.1 only.
    for host in ["localhost", "LocalHost.", "broker.localhost"] {
        let out = run(mqtk_std().args(["pub", "-h", host, "-p", &port, "-t", "x", "-m", "x"]));
        assert_eq!(out.status.code(), Some(0), "{host}: {out:?}");
    }
    if let Some(port) = v6 {
        let port = port.to_string();
        let ready = common::poll_until(Duration::from_secs(5), || {
            std::net::TcpStream::connect(format!("[::1]:{port}")).is_ok()
        });
        assert!(ready, "mosquitto did not listen on ::1");
        // Only ::1 listens here: 127.0.0.1 is refused, and the fallback connects.
        let out =
            run(mqtk_std().args(["pub", "-h", "localhost", "-p", &port, "-t", "x", "-m", "x"]));
        assert_eq!(out.status.code(), Some(0), "{out:?}");
    }
}
