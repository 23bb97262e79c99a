//! Self-test of the test harness in `tests/common/`: every kind of broker it builds accepts the
//! mosquitto clients, and its process controls do what they say.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use tokio_rustls::rustls;

use common::{Background, Broker, mosquitto_pub, mosquitto_sub, spawn_subscriber};

const WAIT: Duration = Duration::from_secs(5);

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs a short-lived command to completion (bounded by [`WAIT`]).
fn run(cmd: &mut std::process::Command) -> std::process::Output {
    Background::spawn(cmd).wait(WAIT)
}

#[test]
fn plain_broker_delivers_between_mosquitto_clients() {
    let broker = Broker::start();
    let sub = spawn_subscriber(
        &broker,
        mosquitto_sub(&broker).args(["-i", "h-sub", "-t", "h/#", "-v", "-C", "2"]),
        "h-sub",
        "h/#",
    );
    for payload in ["one", "two"] {
        let out = run(mosquitto_pub(&broker).args(["-t", "h/x", "-m", payload]));
        assert!(out.status.success(), "mosquitto_pub: {}", text(&out.stderr));
    }
    let out = sub.wait(WAIT);
    assert!(out.status.success(), "mosquitto_sub: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "h/x one\nh/x two\n");
    assert_eq!(broker.url(), format!("mqtt://127.0.0.1:{}", broker.port()));
    assert_eq!(
        broker.args().join(" "),
        format!("-h 127.0.0.1 -p {}", broker.port())
    );
}

#[test]
fn tls_listener_with_client_certificates() {
    let broker = Broker::builder().require_certificate(true).start();
    let tls_port = broker.tls_port().to_string();
    let sub = spawn_subscriber(
        &broker,
        mosquitto_sub(&broker).args(["-i", "tls-sub", "-t", "tls", "-C", "1"]),
        "tls-sub",
        "tls",
    );
    let out = run(mosquitto_pub(&broker)
        .args(["-p", &tls_port, "-t", "tls", "-m", "secure"])
        .arg("--cafile")
        .arg(broker.ca_file())
        .arg("--cert")
        .arg(broker.client_cert())
        .arg("--key")
        .arg(broker.client_key()));
    assert!(
        out.status.success(),
        "TLS publish failed: {}",
        text(&out.stderr)
    );
    assert_eq!(text(&sub.wait(WAIT).stdout), "secure\n");

    // Without a client certificate the broker refuses the handshake.
    let out = run(mosquitto_pub(&broker)
        .args(["-p", &tls_port, "-t", "tls", "-m", "x"])
        .arg("--cafile")
        .arg(broker.ca_file()));
    assert!(
        !out.status.success(),
        "publish without client certificate succeeded"
    );

    // The unrelated CA cannot verify the broker.
    let out = run(mosquitto_pub(&broker)
        .args(["-p", &tls_port, "-t", "tls", "-m", "x"])
        .arg("--cafile")
        .arg(broker.other_ca_file())
        .arg("--cert")
        .arg(broker.client_cert())
        .arg("--key")
        .arg(broker.client_key()));
    assert!(
        !out.status.success(),
        "publish verified with the unrelated CA"
    );
}

#[test]
fn tls_listener_without_client_certificates() {
    let broker = Broker::builder().tls(true).start();
    // The certificate names both localhost and 127.0.0.1.
    for host in ["localhost", "127.0.0.1"] {
        let out = run(mosquitto_pub(&broker)
            .args([
                "-h",
                host,
                "-p",
                &broker.tls_port().to_string(),
                "-t",
                "t",
                "-m",
                "x",
            ])
            .arg("--cafile")
            .arg(broker.ca_file()));
        assert!(
            out.status.success(),
            "TLS publish to {host}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn auth_listener_refuses_anonymous_and_wrong_passwords() {
    let broker = Broker::builder()
        .auth(&[("alice", "secret"), ("bob", "hunter2")])
        .acl("user alice\ntopic readwrite allowed/#\nuser bob\ntopic read allowed/#\n")
        .start();
    let port = broker.auth_port().to_string();
    let publish = |extra: &[&str]| {
        run(mosquitto_pub(&broker)
            .args(["-p", &port, "-t", "allowed/x", "-m", "x"])
            .args(extra))
    };
    assert!(publish(&["-u", "alice", "-P", "secret"]).status.success());
    assert!(publish(&["-u", "bob", "-P", "hunter2"]).status.success());
    // mosquitto_pub exits 1 on any refused connection; CONNACK 5 shows in its message.
    let out = publish(&[]);
    assert!(
        !out.status.success(),
        "anonymous client accepted on the auth listener"
    );
    let out = publish(&["-u", "alice", "-P", "wrong"]);
    assert!(!out.status.success(), "wrong password accepted");
    assert!(
        text(&out.stderr).to_lowercase().contains("not authori"),
        "{}",
        text(&out.stderr)
    );

    // The ACL stops bob writing: with MQTT 5 the PUBACK says so (3.1.1 cannot tell the client).
    let sub = spawn_subscriber(
        &broker,
        mosquitto_sub(&broker)
            .args(["-p", &port, "-u", "alice", "-P", "secret", "-i", "acl-sub"])
            .args(["-t", "allowed/#", "-C", "1"]),
        "acl-sub",
        "allowed/#",
    );
    let out = run(mosquitto_pub(&broker)
        .args([
            "-p", &port, "-u", "bob", "-P", "hunter2", "-V", "5", "-q", "1",
        ])
        .args(["-t", "allowed/denied", "-m", "from bob", "-d"]));
    assert!(
        text(&out.stdout).contains("RC:135"),
        "no 135 in PUBACK: {}",
        text(&out.stdout)
    );
    let out = run(mosquitto_pub(&broker).args([
        "-p",
        &port,
        "-u",
        "alice",
        "-P",
        "secret",
        "-t",
        "allowed/ok",
        "-m",
        "from alice",
    ]));
    assert!(out.status.success());
    assert_eq!(text(&sub.wait(WAIT).stdout), "from alice\n");

    // The plain listener still takes anonymous clients.
    assert!(
        run(mosquitto_pub(&broker).args(["-t", "t", "-m", "x"]))
            .status
            .success()
    );
}

#[test]
fn anonymous_false_closes_every_listener_to_anonymous_clients() {
    let broker = Broker::builder()
        .auth(&[("u", "p")])
        .anonymous(false)
        .start();
    let out = run(mosquitto_pub(&broker).args(["-t", "t", "-m", "x"]));
    assert!(!out.status.success());
    let out = run(mosquitto_pub(&broker).args(["-u", "u", "-P", "p", "-t", "t", "-m", "x"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// mosquitto_pub 2.0 cannot speak websockets, so this checks the HTTP upgrade by hand.
fn websocket_upgrade(stream: &mut dyn ReadWrite, port: u16) -> String {
    let request = format!(
        "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .expect("send upgrade request");
    let mut buf = [0u8; 512];
    let n = stream.read(&mut buf).expect("read upgrade response");
    text(&buf[..n])
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

type TlsStream = rustls::StreamOwned<rustls::ClientConnection, TcpStream>;

/// A rustls connection (the TLS stack mqtk uses) verified with the harness CA, optionally
/// presenting the client certificate: proves rustls accepts the generated certificates.
fn rustls_connect(broker: &Broker, port: u16, client_cert: bool) -> TlsStream {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(broker.ca_file()).expect("read CA") {
        roots.add(cert.expect("parse CA")).expect("add CA");
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots);
    let config = if client_cert {
        let certs = CertificateDer::pem_file_iter(broker.client_cert())
            .expect("read client cert")
            .collect::<Result<Vec<_>, _>>()
            .expect("parse client cert");
        let key = PrivateKeyDer::from_pem_file(broker.client_key()).expect("read client key");
        builder
            .with_client_auth_cert(certs, key)
            .expect("client cert")
    } else {
        builder.with_no_client_auth()
    };
    let name = ServerName::try_from("localhost").expect("server name");
    let conn =
        rustls::ClientConnection::new(std::sync::Arc::new(config), name).expect("TLS client");
    let tcp = TcpStream::connect((broker.host(), port)).expect("connect");
    tcp.set_read_timeout(Some(WAIT)).expect("read timeout");
    rustls::StreamOwned::new(conn, tcp)
}

/// MQTT 3.1.1 CONNECT with an empty client id and clean session; the broker answers with
/// CONNACK `20 02 00 00` when it accepts.
const CONNECT: [u8; 14] = [
    0x10, 0x0C, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00,
];

#[test]
fn rustls_accepts_the_generated_certificates() {
    let broker = Broker::builder()
        .require_certificate(true)
        .wss(true)
        .start();
    let mut tls = rustls_connect(&broker, broker.tls_port(), true);
    tls.write_all(&CONNECT).expect("send CONNECT over TLS");
    let mut connack = [0u8; 4];
    tls.read_exact(&mut connack).expect("read CONNACK over TLS");
    assert_eq!(connack, [0x20, 0x02, 0x00, 0x00]);

    let mut wss = rustls_connect(&broker, broker.wss_port(), false);
    let response = websocket_upgrade(&mut wss, broker.wss_port());
    assert!(
        response.starts_with("HTTP/1.1 101"),
        "wss upgrade answered: {response}"
    );
}

#[test]
fn websockets_listeners_accept_connections() {
    let broker = Broker::builder().websockets(true).wss(true).start();
    // (The wss listener's TLS is checked in `rustls_accepts_the_generated_certificates`.)
    let mut ws = TcpStream::connect((broker.host(), broker.ws_port())).expect("connect ws");
    ws.set_read_timeout(Some(WAIT)).expect("read timeout");
    let response = websocket_upgrade(&mut ws, broker.ws_port());
    assert!(
        response.starts_with("HTTP/1.1 101"),
        "ws upgrade answered: {response}"
    );

    let wss = TcpStream::connect((broker.host(), broker.wss_port()));
    assert!(wss.is_ok(), "wss listener not accepting");
    assert!(broker.wss_port() != broker.ws_port() && broker.ws_port() != broker.port());
}

#[test]
fn unix_socket_listener_accepts_clients() {
    let mut broker = Broker::builder().unix_socket(true).start();
    let publish = |broker: &Broker| {
        let mut cmd = common::mosquitto_client("mosquitto_pub", broker);
        cmd.arg("--unix")
            .arg(broker.unix_socket())
            .args(["-t", "t", "-m", "x"]);
        run(&mut cmd)
    };
    let out = publish(&broker);
    assert!(out.status.success(), "{}", text(&out.stderr));
    broker.restart();
    assert!(publish(&broker).status.success());
}

#[test]
fn restart_keeps_ports_and_persisted_messages() {
    let mut broker = Broker::builder()
        .persistence(true)
        .config_line("max_queued_messages 2000000")
        .start();
    let port = broker.port();
    let pid = broker.pid();
    let out = run(mosquitto_pub(&broker).args(["-t", "keep", "-m", "retained", "-r", "-q", "1"]));
    assert!(out.status.success());

    broker.restart();
    assert_eq!(broker.port(), port);
    assert_ne!(broker.pid(), pid);
    let out = run(mosquitto_sub(&broker).args(["-t", "keep", "-C", "1", "-W", "3"]));
    assert_eq!(
        text(&out.stdout),
        "retained\n",
        "retained message lost over restart"
    );

    broker.stop();
    let refused = TcpStream::connect((broker.host(), port));
    assert!(refused.is_err(), "something still listens after stop");
    broker.restart();
    assert!(
        run(mosquitto_pub(&broker).args(["-t", "t", "-m", "x"]))
            .status
            .success()
    );
}

#[test]
fn pause_holds_clients_until_resume() {
    let mut broker = Broker::start();
    broker.pause();
    let mut publisher = Background::spawn(mosquitto_pub(&broker).args(["-t", "t", "-m", "x"]));
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        publisher.try_status().is_none(),
        "publish finished against a paused broker"
    );
    broker.resume();
    let out = publisher.wait(WAIT);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn missing_programs_are_reported_with_the_install_command() {
    let message = common::missing_program_message("mosquitto");
    assert!(message.contains("`mosquitto`"), "{message}");
    assert!(
        message.contains("apt-get install mosquitto mosquitto-clients"),
        "{message}"
    );
    let empty = std::ffi::OsString::new();
    assert_eq!(
        common::find_program_in("mqtk-no-such-program", Some(&empty)),
        None
    );
    // mosquitto is found in /usr/sbin even when PATH lacks it.
    assert!(common::find_program_in("mosquitto", Some(&empty)).is_some());
}

#[test]
fn commands_run_with_a_clean_environment() {
    let cmd = common::mqtk_std();
    for (key, _) in cmd.get_envs() {
        let key = key.to_string_lossy();
        assert!(
            ["PATH", "HOME", "TMPDIR"].contains(&key.as_ref()),
            "{key} passed on"
        );
    }
    common::mqtk().arg("--version").assert().success();
}

#[test]
fn subscribe_log_lines_are_recognised() {
    use common::is_subscribe_line;
    assert!(is_subscribe_line("1700000000: subx 0 a/#", "subx", "a/#"));
    assert!(is_subscribe_line(
        "1700000000: subx 2 with space/x",
        "subx",
        "with space/x"
    ));
    assert!(!is_subscribe_line("1700000000: subx 0 a/#", "sub", "a/#"));
    assert!(!is_subscribe_line(
        "1700000000: New client connected from x",
        "New",
        "x"
    ));
}
