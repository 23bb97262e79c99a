//! Persistent sessions and exactly-once delivery against a real mosquitto: messages published
//! while a `-c` subscriber is away reach it, `-C N` acknowledges only what it printed, a session
//! survives a broker restart with persistence, and a QoS 2 message the broker re-sends with DUP
//! (forced by a loopback relay that cuts the connection at the right moment) is printed once.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use common::{
    Background, Broker, VERSIONS, WAIT, assert_ok, mosquitto_pub, mqtk_std, run, spawn_subscriber,
    text,
};

fn mqtk(sub: &str, broker: &Broker, version: &str) -> Command {
    let mut cmd = mqtk_std();
    cmd.arg(sub).args(broker.args()).args(["-V", version]);
    cmd
}

/// Publishes `1..=n` as separate messages on `topic` with one `mqtk pub -l`.
fn publish_numbers(broker: &Broker, v: &str, topic: &str, qos: &str, n: usize) {
    let input: String = (1..=n).map(|i| format!("{i}\n")).collect();
    let mut child =
        Background::spawn_with_stdin(mqtk("pub", broker, v).args(["-q", qos, "-t", topic, "-l"]));
    child.stdin().write_all(input.as_bytes()).expect("stdin");
    assert_ok(&child.wait(WAIT), "mqtk pub -l");
}

fn numbers(range: std::ops::RangeInclusive<usize>) -> String {
    range.map(|i| format!("{i}\n")).collect()
}

#[test]
fn persistent_session_receives_what_was_published_while_away() {
    let broker = Broker::start();
    for v in VERSIONS {
        for qos in ["1", "2"] {
            let id = format!("away-{v}-{qos}");
            let topic = format!("away/{v}/{qos}");
            let out =
                run(mqtk("sub", &broker, v).args(["-i", &id, "-c", "-q", qos, "-t", &topic, "-E"]));
            assert_ok(&out, "mqtk sub -c -E");
            publish_numbers(&broker, v, &topic, qos, 5);
            let out =
                run(mqtk("sub", &broker, v)
                    .args(["-i", &id, "-c", "-q", qos, "-t", &topic, "-C", "5"]));
            assert_ok(&out, "mqtk sub -c");
            assert_eq!(text(&out.stdout), numbers(1..=5), "-V {v} -q {qos}");
        }
        // Without -c the broker forgets the subscriber: nothing is queued.
        let id = format!("clean-{v}");
        let topic = format!("clean/{v}");
        assert_ok(
            &run(mqtk("sub", &broker, v).args(["-i", &id, "-q", "1", "-t", &topic, "-E"])),
            "sub -E",
        );
        publish_numbers(&broker, v, &topic, "1", 3);
        let sub = spawn_subscriber(
            &broker,
            mqtk("sub", &broker, v).args(["-i", &id, "-q", "1", "-t", &topic, "-C", "1"]),
            &id,
            &topic,
        );
        publish_numbers(&broker, v, &topic, "1", 1);
        assert_eq!(text(&sub.wait(WAIT).stdout), "1\n");
    }
}

#[test]
fn count_acknowledges_only_the_printed_messages() {
    let broker = Broker::start();
    for v in VERSIONS {
        for qos in ["1", "2"] {
            let id = format!("cnt-{v}-{qos}");
            let topic = format!("cnt/{v}/{qos}");
            let sub = |count: &str| -> Output {
                run(mqtk("sub", &broker, v)
                    .args(["-i", &id, "-c", "-q", qos, "-t", &topic, "-C", count]))
            };
            assert_ok(
                &run(mqtk("sub", &broker, v).args(["-i", &id, "-c", "-q", qos, "-t", &topic, "-E"])),
                "sub -E",
            );
            publish_numbers(&broker, v, &topic, qos, 10);
            // The broker sends all ten at once; the first run prints and acknowledges three.
            let out = sub("3");
            assert_ok(&out, "sub -C 3");
            assert_eq!(text(&out.stdout), numbers(1..=3), "-V {v} -q {qos}");
            // The other seven are still queued, in order, none lost and none repeated.
            let out = sub("7");
            assert_ok(&out, "sub -C 7");
            assert_eq!(text(&out.stdout), numbers(4..=10), "-V {v} -q {qos}");
            // And now the queue is empty: the next message is a fresh one.
            let sub_bg = spawn_subscriber(
                &broker,
                mqtk("sub", &broker, v).args(["-i", &id, "-c", "-q", qos, "-t", &topic, "-C", "1"]),
                &id,
                &topic,
            );
            assert_ok(
                &run(mosquitto_pub(&broker).args(["-q", qos, "-t", &topic, "-m", "fresh"])),
                "pub",
            );
            assert_eq!(
                text(&sub_bg.wait(WAIT).stdout),
                "fresh\n",
                "-V {v} -q {qos}"
            );
        }
    }
}

#[test]
fn persistent_session_survives_a_broker_restart() {
    let mut broker = Broker::builder().persistence(true).start();
    for v in VERSIONS {
        let id = format!("restart-{v}");
        let topic = format!("restart/{v}");
        assert_ok(
            &run(mqtk("sub", &broker, v).args(["-i", &id, "-c", "-q", "1", "-t", &topic, "-E"])),
            "sub -E",
        );
        publish_numbers(&broker, v, &topic, "1", 3);
        broker.restart();
        let out = run(
            mqtk("sub", &broker, v).args(["-i", &id, "-c", "-q", "1", "-t", &topic, "-C", "3"])
        );
        assert_ok(&out, "sub after restart");
        assert_eq!(text(&out.stdout), numbers(1..=3), "-V {v}");
    }
}

#[test]
fn qos2_many_messages_with_reused_packet_ids() {
    // More messages than packet ids in flight, so identifiers are reused after PUBCOMP: a
    // subscriber that mistook a reused id for a duplicate would lose messages here.
    let broker = Broker::start();
    for v in VERSIONS {
        let id = format!("q2many-{v}");
        let topic = format!("q2many/{v}");
        let sub = spawn_subscriber(
            &broker,
            mqtk("sub", &broker, v).args(["-i", &id, "-q", "2", "-t", &topic, "-C", "2000"]),
            &id,
            &topic,
        );
        publish_numbers(&broker, v, &topic, "2", 2000);
        let got = sub.wait(WAIT);
        assert_ok(&got, "mqtk sub -q 2");
        assert!(
            got.stdout == numbers(1..=2000).into_bytes(),
            "-V {v}: QoS 2 messages lost or repeated"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A relay that forces a QoS 2 redelivery
// ---------------------------------------------------------------------------------------------

/// A loopback TCP relay between mqtk and the broker. On the first connection it forwards the
/// broker's first QoS 2 PUBLISH to the client and then cuts both sides, dropping whatever the
/// client sends after that PUBLISH (its PUBREC). The broker, holding an unacknowledged QoS 2
/// message for a persistent session, re-sends the PUBLISH with DUP set when the client comes
/// back through the relay (which passes everything from then on).
struct Relay {
    port: u16,
    cuts: Arc<AtomicUsize>,
    /// PUBLISH packets with the DUP flag passed to the client.
    dups: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
}

impl Relay {
    fn start(upstream: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind relay");
        let port = listener.local_addr().expect("relay addr").port();
        let armed = Arc::new(AtomicBool::new(true));
        let cuts = Arc::new(AtomicUsize::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let dups = Arc::new(AtomicUsize::new(0));
        let (c2, n2, d2) = (
            Arc::clone(&cuts),
            Arc::clone(&connections),
            Arc::clone(&dups),
        );
        // The accept loop ends with the test process; it holds only loopback sockets.
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { break };
                n2.fetch_add(1, Ordering::SeqCst);
                let Ok(broker) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    break;
                };
                relay_connection(
                    client,
                    broker,
                    Arc::clone(&armed),
                    Arc::clone(&c2),
                    Arc::clone(&d2),
                );
            }
        });
        Relay {
            port,
            cuts,
            dups,
            connections,
        }
    }
}

fn relay_connection(
    client: TcpStream,
    broker: TcpStream,
    armed: Arc<AtomicBool>,
    cuts: Arc<AtomicUsize>,
    dups: Arc<AtomicUsize>,
) {
    let blocked = Arc::new(AtomicBool::new(false));
    let clones = || {
        (
            client.try_clone().expect("clone client"),
            broker.try_clone().expect("clone broker"),
        )
    };
    // Client -> broker: plain copy, except nothing once the connection is being cut.
    let (mut from_client, mut to_broker) = clones();
    let blocked_up = Arc::clone(&blocked);
    thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        loop {
            let n = match from_client.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            // Read after the PUBLISH went out: it may hold the PUBREC, which must not arrive.
            if blocked_up.load(Ordering::SeqCst) || to_broker.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to_broker.shutdown(Shutdown::Both);
    });
    // Broker -> client: packet by packet, so the cut comes right after one whole PUBLISH.
    let (mut to_client, mut from_broker) = clones();
    thread::spawn(move || {
        while let Some(packet) = read_packet(&mut from_broker) {
            let qos2_publish = packet[0] >> 4 == 3 && (packet[0] >> 1) & 3 == 2;
            if packet[0] >> 4 == 3 && packet[0] & 0x08 != 0 {
                dups.fetch_add(1, Ordering::SeqCst);
            }
            let cut = qos2_publish && armed.swap(false, Ordering::SeqCst);
            if cut {
                blocked.store(true, Ordering::SeqCst);
            }
            if to_client.write_all(&packet).is_err() {
                break;
            }
            if cut {
                cuts.fetch_add(1, Ordering::SeqCst);
                let _ = from_broker.shutdown(Shutdown::Both);
                let _ = to_client.shutdown(Shutdown::Both);
                break;
            }
        }
        let _ = to_client.shutdown(Shutdown::Both);
    });
}

/// One whole MQTT packet (fixed header, remaining length, body), or None at EOF.
fn read_packet(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut packet = vec![0u8; 1];
    stream.read_exact(&mut packet).ok()?;
    let mut len = 0usize;
    for shift in [0, 7, 14, 21] {
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).ok()?;
        packet.push(byte[0]);
        len |= usize::from(byte[0] & 0x7f) << shift;
        if byte[0] & 0x80 == 0 {
            break;
        }
    }
    let start = packet.len();
    packet.resize(start + len, 0);
    stream.read_exact(&mut packet[start..]).ok()?;
    Some(packet)
}

#[test]
fn qos2_redelivery_with_dup_is_printed_once() {
    let broker = Broker::start();
    for v in VERSIONS {
        let relay = Relay::start(broker.port());
        let id = format!("dup-{v}");
        let topic = format!("dup/{v}");
        let mut cmd = mqtk_std();
        cmd.arg("sub")
            .args(["-h", "127.0.0.1", "-p", &relay.port.to_string(), "-V", v])
            .args(["-i", &id, "-c", "-q", "2", "-t", &topic, "-C", "2"]);
        let sub = spawn_subscriber(&broker, &mut cmd, &id, &topic);
        for payload in ["one", "two"] {
            assert_ok(
                &run(mosquitto_pub(&broker).args(["-q", "2", "-t", &topic, "-m", payload])),
                "mosquitto_pub",
            );
        }
        let got = sub.wait(WAIT);
        assert_eq!(
            relay.cuts.load(Ordering::SeqCst),
            1,
            "the relay never cut the connection"
        );
        assert!(
            relay.connections.load(Ordering::SeqCst) >= 2,
            "mqtk did not reconnect"
        );
        assert_ok(&got, "mqtk sub through the relay");
        // (mosquitto may mark `two`, queued while mqtk was away, as DUP too.)
        assert!(
            relay.dups.load(Ordering::SeqCst) >= 1,
            "the broker did not re-send the QoS 2 PUBLISH with DUP"
        );
        // The broker did re-send `one`; mqtk printed it once, and `two` came through.
        assert_eq!(text(&got.stdout), "one\ntwo\n", "-V {v}");
        let stderr = text(&got.stderr);
        assert!(stderr.contains("reconnect"), "{stderr}");
    }
}

// ---------------------------------------------------------------------------------------------
// Lost connections
// ---------------------------------------------------------------------------------------------

#[test]
fn running_subscriber_resubscribes_after_the_broker_forgot_it() {
    // No persistence: the restarted broker has no session, so mqtk must notice
    // (session present = 0) and subscribe again by itself.
    let mut broker = Broker::start();
    for v in VERSIONS {
        let id = format!("resub-{v}");
        let topic = format!("resub/{v}");
        let sub = spawn_subscriber(
            &broker,
            mqtk("sub", &broker, v).args(["-i", &id, "-q", "1", "-t", &topic, "-C", "2"]),
            &id,
            &topic,
        );
        publish_numbers(&broker, v, &topic, "1", 1);
        assert!(sub.wait_for_lines(1, WAIT), "first message not printed");
        let since = broker.log_len();
        broker.restart();
        assert!(
            broker.wait_subscribed(since, &id, &topic, WAIT),
            "-V {v}: mqtk did not subscribe again after the restart: {}\nmqtk said: {}",
            broker.log_tail(10),
            text(&sub.stderr_so_far())
        );
        let out = run(mqtk("pub", &broker, v).args(["-q", "1", "-t", &topic, "-m", "2"]));
        assert_ok(&out, "pub after restart");
        let got = sub.wait(WAIT);
        assert_ok(&got, "mqtk sub across a restart");
        assert_eq!(text(&got.stdout), "1\n2\n", "-V {v}");
        let stderr = text(&got.stderr);
        assert!(
            stderr.lines().all(|l| l.starts_with("mqtk: warning: "))
                && stderr.contains("reconnect"),
            "{stderr}"
        );
    }
}

#[test]
fn publisher_reports_unacknowledged_messages_when_the_broker_dies() {
    for v in VERSIONS {
        let mut broker = Broker::start();
        let mut publisher = Background::spawn_with_stdin(mqtk("pub", &broker, v).args([
            "-q",
            "1",
            "-t",
            "dies",
            "-l",
            "--reconnect-attempts",
            "0",
        ]));
        publisher.stdin().write_all(b"acked\n").expect("stdin");
        // Wait until the first message is through, then freeze the broker so the next ones are
        // never acknowledged, and kill it.
        assert!(
            common::poll_until(WAIT, || broker.log().contains("New client connected")),
            "mqtk pub did not connect"
        );
        thread::sleep(Duration::from_millis(300));
        broker.pause();
        publisher
            .stdin()
            .write_all(b"lost 1\nlost 2\n")
            .expect("stdin");
        thread::sleep(Duration::from_millis(300));
        drop(broker);
        let out = publisher.wait(WAIT);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(6), "-V {v}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("mqtk: error: ") && stderr.contains("2 message(s) not acknowledged"),
            "-V {v}: {stderr}"
        );
    }
}
