//! Faults with a real mosquitto: the broker restarted (with persistence, so it saves its state),
//! paused (SIGSTOP) and refusing; subscribers killed; mqtk interrupted; messages too large.
//! Nothing published at QoS 1/2 may be lost without an error and a non-zero exit code.
//!
//! Every wait is bounded; the numbers printed with `eprintln!` (detection times) are the ones
//! quoted in the reliability notes of the README.

mod common;

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::os::fd::AsFd;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use common::{
    Background, Broker, mosquitto_sub, mqtk, mqtk_std, poll_until, spawn_subscriber, text,
};

/// Lines published in the restart tests (as the issue asks).
const LINES: usize = 200_000;
/// Bound for a publisher or subscriber run that moves [`LINES`] messages.
const LONG: Duration = Duration::from_secs(60);
const SHORT: Duration = Duration::from_secs(10);

/// A broker that keeps sessions over restarts and queues without limit.
fn persistent_broker() -> Broker {
    Broker::builder()
        .persistence(true)
        .config_line("max_queued_messages 2000000")
        .start()
}

/// `count` numbered lines, `first` upwards: `000123\n`.
fn numbered(first: usize, count: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(count * 7);
    for i in first..first + count {
        writeln!(out, "{i:06}").expect("write to Vec");
    }
    out
}

/// How often each line occurs.
fn tally(stdout: &[u8]) -> HashMap<Vec<u8>, usize> {
    let mut seen = HashMap::new();
    for line in stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        *seen.entry(line.to_vec()).or_insert(0) += 1;
    }
    seen
}

/// Checks that lines `0..expected` each arrived at least once (and exactly once when
/// `exactly_once`), and nothing else did.
fn assert_delivered(stdout: &[u8], expected: usize, exactly_once: bool, what: &str) {
    let seen = tally(stdout);
    let missing: Vec<usize> = (0..expected)
        .filter(|i| !seen.contains_key(format!("{i:06}").as_bytes()))
        .collect();
    let duplicates = seen.values().filter(|&&n| n > 1).count();
    let extra = seen.len() + missing.len() - expected;
    assert!(
        missing.is_empty(),
        "{what}: {} of {expected} lines lost (first: {:?})",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    assert_eq!(extra, 0, "{what}: lines that were never published arrived");
    if exactly_once {
        assert_eq!(duplicates, 0, "{what}: {duplicates} lines arrived twice");
    }
    eprintln!(
        "{what}: {expected} lines delivered, {duplicates} duplicated, {} received in all",
        seen.values().sum::<usize>()
    );
}

/// Registers a persistent subscription for `id` (mqtk sub -c -E) so the broker queues what is
/// published while the client is away.
fn register(broker: &Broker, id: &str, topic: &str, qos: &str, protocol: &str) {
    mqtk()
        .arg("sub")
        .args(broker.args())
        .args(["-c", "-i", id, "-q", qos, "-t", topic, "-E", "-V", protocol])
        .timeout(SHORT)
        .assert()
        .success();
}

/// Connects `id`'s persistent session and prints what the broker queued for it, until
/// `expected` lines have come and nothing more arrives for a second (so late duplicates show),
/// then interrupts it (a signal is how a subscriber normally ends: exit 0).
fn drain(
    broker: &Broker,
    id: &str,
    topic: &str,
    qos: &str,
    protocol: &str,
    expected: usize,
) -> Vec<u8> {
    let sub = Background::spawn(
        mqtk_std()
            .arg("sub")
            .args(broker.args())
            .args(["-c", "-i", id, "-q", qos, "-t", topic, "-V", protocol]),
    );
    let deadline = Instant::now() + LONG;
    let mut last = (0, Instant::now());
    while Instant::now() < deadline {
        let lines = sub.stdout_so_far().iter().filter(|&&b| b == b'\n').count();
        if lines != last.0 {
            last = (lines, Instant::now());
        } else if lines >= expected && last.1.elapsed() > Duration::from_secs(1) {
            break;
        } else if last.1.elapsed() > Duration::from_secs(5) {
            // Nothing more for 5 s: whatever is missing is lost.
            break;
        }
        thread::sleep(Duration::from_millis(50));
    }
    sub.signal(libc::SIGINT);
    let out = sub.wait(SHORT);
    assert_eq!(
        out.status.code(),
        Some(0),
        "drain subscriber: {}",
        text(&out.stderr)
    );
    out.stdout
}

/// Feeds a background process's stdin from a thread: `first`, then (after `go` is sent) `rest`,
/// then end of input. If the process dies the writes fail and the thread ends.
fn feed(
    bg: &mut Background,
    first: Vec<u8>,
    rest: Vec<u8>,
) -> (mpsc::Receiver<()>, mpsc::Sender<()>) {
    let fd = bg
        .stdin()
        .as_fd()
        .try_clone_to_owned()
        .expect("dup stdin pipe");
    bg.close_stdin();
    let mut pipe = File::from(fd);
    let (written_tx, written_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    thread::spawn(move || {
        if pipe.write_all(&first).is_err() {
            return;
        }
        let _ = written_tx.send(());
        if go_rx.recv_timeout(LONG).is_ok() {
            let _ = pipe.write_all(&rest);
        }
    });
    (written_rx, go_tx)
}

/// Runs `mqtk pub ARGS` on [`LINES`] numbered lines and restarts the broker while the first half
/// is in flight; asserts that pub exits 0 and returns its stderr.
fn publish_lines_across_restart(broker: &mut Broker, args: &[&str]) -> String {
    let mut publisher =
        Background::spawn_with_stdin(mqtk_std().arg("pub").args(broker.args()).args(args));
    let (written, go) = feed(
        &mut publisher,
        numbered(0, LINES / 2),
        numbered(LINES / 2, LINES / 2),
    );
    written
        .recv_timeout(LONG)
        .expect("the publisher stopped reading its input");
    // mqtk is now busy with the first half (it buffers about 1 MB of input): restart the broker
    // under it, with messages in flight.
    thread::sleep(Duration::from_millis(50));
    broker.restart();
    let _ = go.send(());
    let out = publisher.wait(LONG);
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "pub {args:?} across a restart: {stderr}"
    );
    stderr
}

/// `mqtk pub -l` of [`LINES`] lines with the broker restarted half way; then the persistent
/// subscriber registered before collects everything.
fn publish_across_restart(pub_flags: &[&str], qos: &str, protocol: &str, exactly_once: bool) {
    let mut broker = persistent_broker();
    let topic = "faults/restart";
    register(&broker, "drain", topic, qos, protocol);

    let stderr = publish_lines_across_restart(
        &mut broker,
        &[
            &["-l", "-q", qos, "-t", topic, "-V", protocol][..],
            pub_flags,
        ]
        .concat(),
    );
    assert!(
        stderr.contains("reconnected"),
        "pub did not notice the restart: {stderr}"
    );
    let received = drain(&broker, "drain", topic, qos, protocol, LINES);
    assert_delivered(
        &received,
        LINES,
        exactly_once,
        &format!("pub {pub_flags:?} -q {qos} -V {protocol} across a broker restart"),
    );
}

#[test]
fn pub_qos1_resumed_session_survives_broker_restart() {
    publish_across_restart(&["-c", "-i", "pub-resumed"], "1", "311", false);
}

#[test]
fn pub_qos1_clean_session_survives_broker_restart() {
    publish_across_restart(&[], "1", "5", false);
}

/// QoS 2 needs a live subscriber here: mosquitto 2.0.11 mishandles an offline queue of more
/// than 65,535 QoS 2 messages (see the ignored test below), so the drain approach of the QoS 1
/// tests would test the broker's bug, not mqtk.
///
/// The strict half of the promise: exactly once. A live subscriber once printed some lines twice
/// here under load: mosquitto restored a session state saved before it had read the subscriber's
/// last PUBREC/PUBCOMP and sent completed messages again, flagged DUP. `sub` now recognises such
/// a redelivery (`conn::receipts`).
#[test]
fn pub_qos2_resumed_session_is_exactly_once_across_broker_restart() {
    let mut broker = persistent_broker();
    let topic = "faults/qos2";
    let sub = spawn_subscriber(
        &broker,
        mqtk_std().arg("sub").args(broker.args()).args([
            "-c",
            "-i",
            "live-qos2",
            "-q",
            "2",
            "-t",
            topic,
        ]),
        "live-qos2",
        topic,
    );
    let stderr = publish_lines_across_restart(
        &mut broker,
        &["-l", "-q", "2", "-t", topic, "-c", "-i", "pub-qos2"],
    );
    assert!(stderr.contains("session resumed"), "{stderr}");
    let all = sub.wait_for_lines(LINES, LONG);
    // Late duplicates would come within this.
    thread::sleep(Duration::from_millis(500));
    sub.signal(libc::SIGINT);
    let out = sub.wait(SHORT);
    assert!(all, "subscriber: {}", text(&out.stderr));
    assert_delivered(
        &out.stdout,
        LINES,
        true,
        "pub -q 2 -c across a broker restart",
    );
}

/// mosquitto 2.0.11 bug, kept as a record: a persistent session that comes back to more than
/// 65,535 queued QoS 2 messages is sent all of them at once, packet identifiers wrap and are
/// reused while still awaiting PUBREL, and the broker stops sending after about 74,000
/// (mosquitto_sub fares no better). mqtk rightly treats a reused identifier that awaits PUBREL
/// as a duplicate, so the rest never shows.
#[test]
#[ignore = "mosquitto 2.0.11 bug: offline queue of >65,535 QoS 2 messages stalls on resume"]
fn offline_qos2_queue_beyond_65535_messages() {
    let broker = persistent_broker();
    register(&broker, "q2-offline", "faults/q2", "2", "311");
    mqtk()
        .arg("pub")
        .args(broker.args())
        .args(["-l", "-q", "2", "-t", "faults/q2"])
        .write_stdin(numbered(0, LINES))
        .timeout(LONG)
        .assert()
        .success();
    let received = drain(&broker, "q2-offline", "faults/q2", "2", "311", LINES);
    assert_delivered(&received, LINES, true, "offline QoS 2 queue");
}

/// A long-running `mqtk sub -c -i ID` while the broker restarts: it reconnects to its session
/// and prints what was published before, during and after.
fn subscriber_across_restart(qos: &str, protocol: &str) {
    let mut broker = persistent_broker();
    let topic = "faults/sub";
    let id = format!("sub-restart-q{qos}-v{protocol}");
    let sub = spawn_subscriber(
        &broker,
        mqtk_std()
            .arg("sub")
            .args(broker.args())
            .args(["-c", "-i", &id, "-q", qos, "-t", topic, "-V", protocol]),
        &id,
        topic,
    );
    let publish = |broker: &Broker, first: usize| {
        mqtk()
            .arg("pub")
            .args(broker.args())
            .args(["-l", "-q", qos, "-t", topic])
            .write_stdin(numbered(first, 500))
            .timeout(SHORT)
            .assert()
            .success();
    };
    publish(&broker, 0);
    broker.stop();
    // Let the subscriber fail a few reconnect attempts so its backoff grows.
    thread::sleep(Duration::from_millis(700));
    broker.restart();
    // Published before the subscriber is back (most likely): the broker queues it.
    publish(&broker, 500);
    let all = poll_until(SHORT, || tally(&sub.stdout_so_far()).len() >= 1000);
    thread::sleep(Duration::from_millis(300));
    sub.signal(libc::SIGTERM);
    let out = sub.wait(SHORT);
    let stderr = text(&out.stderr);
    assert!(all, "subscriber missed messages; stderr: {stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("session resumed"),
        "the session was not resumed: {stderr}"
    );
    assert_delivered(
        &out.stdout,
        1000,
        qos == "2",
        &format!("sub -q {qos} -V {protocol} across a broker restart"),
    );
}

#[test]
fn sub_qos1_reconnects_to_its_session_after_broker_restart() {
    subscriber_across_restart("1", "311");
}

#[test]
fn sub_qos2_has_no_duplicates_after_broker_restart() {
    subscriber_across_restart("2", "5");
}

#[test]
fn killed_subscriber_gets_what_was_published_meanwhile() {
    let broker = persistent_broker();
    let topic = "faults/kill";
    for protocol in ["311", "5"] {
        let id = format!("killed-v{protocol}");
        let start = || {
            Background::spawn(
                mqtk_std()
                    .arg("sub")
                    .args(broker.args())
                    .args(["-c", "-i", &id, "-q", "1", "-t", topic, "-V", protocol]),
            )
        };
        let since = broker.log_len();
        let sub = start();
        assert!(broker.wait_subscribed(since, &id, topic, SHORT));
        let publish = |first: usize| {
            mqtk()
                .arg("pub")
                .args(broker.args())
                .args(["-l", "-q", "1", "-t", topic])
                .write_stdin(numbered(first, 100))
                .timeout(SHORT)
                .assert()
                .success();
        };
        publish(0);
        assert!(sub.wait_for_lines(100, SHORT));
        let first = sub.kill();
        publish(100);
        let sub = start();
        let got = poll_until(SHORT, || {
            let seen = tally(&sub.stdout_so_far());
            (100..200).all(|i| seen.contains_key(format!("{i:06}").as_bytes()))
        });
        let second = sub.kill();
        assert!(
            got,
            "-V {protocol}: restarted subscriber did not get what was published meanwhile: {}",
            text(&second.stdout)
        );
        let mut both = first.stdout;
        both.extend_from_slice(&second.stdout);
        assert_delivered(&both, 200, false, &format!("SIGKILLed sub -V {protocol}"));
    }
}

/// Waits until `bg`'s stderr contains `needle`; the time it took, or `None` after `timeout`.
fn time_until_stderr(bg: &Background, needle: &str, timeout: Duration) -> Option<Duration> {
    let start = Instant::now();
    poll_until(timeout, || text(&bg.stderr_so_far()).contains(needle)).then(|| start.elapsed())
}

const STALLED: &str = "the broker stopped responding (no PINGRESP)";

#[test]
fn paused_broker_is_detected_under_sub_and_recovered_after_resume() {
    let mut broker = Broker::start();
    let keepalive = 2;
    let sub = spawn_subscriber(
        &broker,
        mqtk_std().arg("sub").args(broker.args()).args([
            "-i",
            "stall-sub",
            "-q",
            "1",
            "-t",
            "stall",
            "-k",
            "2",
            "--connect-timeout",
            "1s",
        ]),
        "stall-sub",
        "stall",
    );
    broker.pause();
    let detected = time_until_stderr(&sub, STALLED, Duration::from_secs(3 * keepalive));
    eprintln!("sub -k {keepalive}: paused broker detected after {detected:?}");
    let detected = detected.unwrap_or_else(|| {
        panic!(
            "stalled broker not reported: {}",
            text(&sub.stderr_so_far())
        )
    });
    assert!(
        detected <= Duration::from_secs(2 * keepalive),
        "detected after {detected:?}, more than 2 x keepalive"
    );
    // The reconnect attempts time out against the frozen broker until it resumes.
    thread::sleep(Duration::from_millis(1500));
    let resumed_at = Instant::now();
    let since = broker.log_len();
    broker.resume();
    assert!(
        broker.wait_subscribed(since, "stall-sub", "stall", SHORT),
        "no resubscription after resume: {}",
        text(&sub.stderr_so_far())
    );
    eprintln!(
        "sub -k {keepalive}: resubscribed {:?} after the broker resumed",
        resumed_at.elapsed()
    );
    mqtk()
        .arg("pub")
        .args(broker.args())
        .args(["-t", "stall", "-m", "after", "-q", "1"])
        .timeout(SHORT)
        .assert()
        .success();
    assert!(sub.wait_for_lines(1, SHORT), "nothing printed after resume");
    sub.signal(libc::SIGINT);
    let out = sub.wait(SHORT);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "after\n");
}

#[test]
fn paused_broker_is_detected_under_pub_and_nothing_is_lost() {
    let mut broker = Broker::start();
    let keepalive = 2;
    let watcher = spawn_subscriber(
        &broker,
        mosquitto_sub(&broker).args(["-i", "stall-watch", "-q", "1", "-t", "stall", "-c"]),
        "stall-watch",
        "stall",
    );
    let mut publisher =
        Background::spawn_with_stdin(mqtk_std().arg("pub").args(broker.args()).args([
            "-l",
            "-q",
            "1",
            "-t",
            "stall",
            "-k",
            "2",
            "--connect-timeout",
            "1s",
        ]));
    let (written, go) = feed(&mut publisher, numbered(0, 10), numbered(10, 10));
    written.recv_timeout(SHORT).expect("publisher input");
    assert!(
        watcher.wait_for_lines(10, SHORT),
        "first lines not delivered"
    );
    broker.pause();
    // These stay unacknowledged while the broker is frozen.
    let _ = go.send(());
    let paused_at = Instant::now();
    let detected = time_until_stderr(&publisher, STALLED, Duration::from_secs(3 * keepalive));
    eprintln!("pub -k {keepalive}: paused broker detected after {detected:?}");
    let detected = detected.unwrap_or_else(|| {
        panic!(
            "stalled broker not reported: {}",
            text(&publisher.stderr_so_far())
        )
    });
    assert!(
        paused_at.elapsed() <= Duration::from_secs(2 * keepalive) + Duration::from_millis(500)
            && detected <= Duration::from_secs(2 * keepalive),
        "detected after {detected:?}"
    );
    thread::sleep(Duration::from_millis(1500));
    broker.resume();
    let out = publisher.wait(SHORT);
    assert_eq!(
        out.status.code(),
        Some(0),
        "pub after resume: {}",
        text(&out.stderr)
    );
    assert!(
        poll_until(SHORT, || tally(&watcher.stdout_so_far()).len() >= 20),
        "lines lost: {}",
        text(&watcher.stdout_so_far())
    );
    assert_delivered(&watcher.kill().stdout, 20, false, "pub across a pause");
}

#[test]
fn refused_connection_is_one_line_no_retry_and_fast() {
    let broker = Broker::builder().auth(&[("alice", "right")]).start();
    let auth = broker.auth_port().to_string();
    for (protocol, code) in [("311", 5), ("5", 135)] {
        for sub in [true, false] {
            let since = broker.log_len();
            let started = Instant::now();
            let mut cmd = mqtk_std();
            if sub {
                cmd.args(["sub", "-t", "t"]);
            } else {
                cmd.args(["pub", "-t", "t", "-m", "x", "-q", "1"]);
            }
            cmd.args([
                "-h",
                broker.host(),
                "-p",
                &auth,
                "-i",
                "refused",
                "-V",
                protocol,
            ])
            .args(["-u", "alice", "-P", "wrong", "--quiet"]);
            let out = Background::spawn(&mut cmd).wait(SHORT);
            let elapsed = started.elapsed();
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(code), "{stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(
                stderr.contains("refused the connection: not authorised"),
                "{stderr}"
            );
            assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
            // A retry would show up as a second refusal in the broker's log.
            thread::sleep(Duration::from_millis(300));
            let refusals = broker
                .log_since(since)
                .matches("disconnected, not authorised")
                .count();
            assert_eq!(
                refusals,
                1,
                "mqtk retried a refusal:\n{}",
                broker.log_since(since)
            );
        }
    }
}

#[test]
fn sigint_and_sigterm_make_sub_flush_and_exit_0_quietly() {
    let broker = Broker::start();
    for (signal, name) in [(libc::SIGINT, "SIGINT"), (libc::SIGTERM, "SIGTERM")] {
        let id = format!("sig-sub-{name}");
        let sub = spawn_subscriber(
            &broker,
            mqtk_std()
                .arg("sub")
                .args(broker.args())
                .args(["-i", &id, "-q", "1", "-t", "sig/#", "-v"]),
            &id,
            "sig/#",
        );
        mqtk()
            .arg("pub")
            .args(broker.args())
            .args(["-l", "-q", "1", "-t", "sig/x"])
            .write_stdin("a\nb\nc\n")
            .timeout(SHORT)
            .assert()
            .success();
        assert!(sub.wait_for_lines(3, SHORT));
        sub.signal(signal);
        let out = sub.wait(SHORT);
        let stderr = text(&out.stderr);
        // As mosquitto_sub: a signal is the normal way to stop a subscriber.
        assert_eq!(out.status.code(), Some(0), "{name}: {stderr}");
        assert_eq!(text(&out.stdout), "sig/x a\nsig/x b\nsig/x c\n");
        assert_eq!(stderr, "", "{name}");
    }
}

#[test]
fn sigint_and_sigterm_make_pub_report_unacknowledged_messages() {
    let mut broker = Broker::start();
    for (signal, code, name) in [
        (libc::SIGINT, 130, "SIGINT"),
        (libc::SIGTERM, 143, "SIGTERM"),
    ] {
        let id = format!("sig-watch-{code}");
        let watcher = spawn_subscriber(
            &broker,
            mosquitto_sub(&broker).args(["-i", &id, "-t", "sigpub"]),
            &id,
            "sigpub",
        );
        let mut publisher = Background::spawn_with_stdin(
            mqtk_std()
                .arg("pub")
                .args(broker.args())
                .args(["-l", "-q", "1", "-t", "sigpub", "-d"]),
        );
        let (written, go) = feed(&mut publisher, b"first\n".to_vec(), numbered(0, 5));
        written.recv_timeout(SHORT).expect("publisher input");
        assert!(watcher.wait_for_lines(1, SHORT), "first line not delivered");
        broker.pause();
        let _ = go.send(());
        // Wait until mqtk has sent the five lines (the debug trace shows it); the frozen broker
        // cannot acknowledge them.
        let sent = poll_until(SHORT, || {
            text(&publisher.stderr_so_far())
                .matches("sending PUBLISH")
                .count()
                >= 6
        });
        assert!(sent, "{}", text(&publisher.stderr_so_far()));
        publisher.signal(signal);
        let out = publisher.wait(SHORT);
        broker.resume();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.starts_with("mqtk: debug: "))
            .collect();
        assert_eq!(
            errors,
            [format!(
                "mqtk: error: interrupted by {name}: 5 message(s) not acknowledged"
            )]
        );
        drop(watcher);
    }
}

#[test]
fn sixteen_mib_payload_round_trips_byte_exact() {
    let broker = Broker::start();
    let payload: Vec<u8> = (0..16 * 1024 * 1024)
        .map(|_| rand::random::<u8>())
        .collect();
    let file = broker.dir().join("big.bin");
    std::fs::write(&file, &payload).expect("write payload");
    for (protocol, format) in [("311", None), ("5", Some("%p"))] {
        let id = format!("big-v{protocol}");
        let mut cmd = mqtk_std();
        cmd.arg("sub").args(broker.args()).args([
            "-i", &id, "-q", "1", "-t", "big", "-C", "1", "-N", "-V", protocol,
        ]);
        if let Some(f) = format {
            cmd.args(["-F", f]);
        }
        let sub = spawn_subscriber(&broker, &mut cmd, &id, "big");
        mqtk()
            .arg("pub")
            .args(broker.args())
            .args(["-t", "big", "-q", "1", "-V", protocol, "-f"])
            .arg(&file)
            .timeout(SHORT)
            .assert()
            .success();
        let out = sub.wait(SHORT);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            out.stdout == payload,
            "-V {protocol} -F {format:?}: {} bytes came back, not the {} sent (or different bytes)",
            out.stdout.len(),
            payload.len()
        );
    }
}

/// Publishes 2,000 bytes to a broker whose limit is 1,000; returns (exit code, stderr, whether a
/// subscriber got it).
fn publish_oversize(broker: &Broker, protocol: &str, qos: &str) -> (Option<i32>, String, bool) {
    let id = format!("oversize-watch-{protocol}-{qos}");
    let watcher = spawn_subscriber(
        broker,
        mosquitto_sub(broker).args(["-i", &id, "-t", "big"]),
        &id,
        "big",
    );
    let out = mqtk()
        .arg("pub")
        .args(broker.args())
        .args(["-t", "big", "-q", qos, "-V", protocol, "-m"])
        .arg("x".repeat(2000))
        .timeout(SHORT)
        .output()
        .expect("run mqtk pub");
    let delivered = watcher.wait_for_lines(1, Duration::from_millis(500));
    (out.status.code(), text(&out.stderr), delivered)
}

#[test]
fn oversize_publish_is_an_error_with_mqtt5() {
    // message_size_limit: the broker refuses the PUBLISH with reason 149 (MQTT 5 only).
    let broker = Broker::builder()
        .config_line("message_size_limit 1000")
        .start();
    let (code, stderr, delivered) = publish_oversize(&broker, "5", "1");
    assert_eq!(code, Some(6), "{stderr}");
    assert!(!delivered);
    assert!(
        stderr.contains("(149)") || stderr.to_lowercase().contains("too large"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    // max_packet_size: announced in CONNACK, so mqtk refuses before sending.
    let broker = Broker::builder()
        .config_line("max_packet_size 1000")
        .start();
    let (code, stderr, delivered) = publish_oversize(&broker, "5", "1");
    assert_eq!(code, Some(6), "{stderr}");
    assert!(!delivered);
    assert!(
        stderr.contains("maximum packet size of 1000 bytes"),
        "{stderr}"
    );
}

/// MQTT 3.1.1 has no way to refuse a PUBLISH: mosquitto acknowledges an oversize one and drops
/// it. mqtk cannot see that; this test pins the behaviour the README documents.
#[test]
fn oversize_publish_with_mqtt311_is_dropped_by_the_broker_unseen() {
    let broker = Broker::builder()
        .config_line("message_size_limit 1000")
        .start();
    let (code, stderr, delivered) = publish_oversize(&broker, "311", "1");
    eprintln!("3.1.1 oversize publish: exit {code:?}, delivered {delivered}, stderr {stderr:?}");
    assert!(!delivered, "mosquitto delivered a message above its limit");
    assert_eq!(code, Some(0), "mosquitto changed behaviour: {stderr}");
}

/// A broker limited to QoS 1 without retained messages. MQTT 5 announces both limits in CONNACK,
/// so mqtk refuses before sending; MQTT 3.1.1 cannot announce them, and mosquitto closes the
/// connection on a QoS 2 PUBLISH: mqtk must not take that for a broker restart and retry the
/// same message for as long as its reconnect budget lasts.
#[test]
fn broker_limits_on_qos_and_retain_are_errors() {
    let broker = Broker::builder()
        .listener_line("max_qos 1")
        .config_line("retain_available false")
        .start();
    let publish = |flags: &[&str]| {
        let started = Instant::now();
        let out = mqtk()
            .arg("pub")
            .args(broker.args())
            .args(["-t", "limits/t", "-m", "x"])
            .args(flags)
            .timeout(LONG)
            .output()
            .expect("run mqtk pub");
        (out.status.code(), text(&out.stderr), started.elapsed())
    };

    let (code, stderr, _) = publish(&["-V", "5", "-q", "2"]);
    assert_eq!(code, Some(6), "{stderr}");
    assert!(stderr.contains("at most QoS 1, not 2"), "{stderr}");
    let (code, stderr, _) = publish(&["-V", "5", "-r"]);
    assert_eq!(code, Some(6), "{stderr}");
    assert!(stderr.contains("does not support retained"), "{stderr}");
    let out = mqtk()
        .arg("bench")
        .args(broker.args())
        .args(["-V", "5", "-q", "2", "-n", "10"])
        .timeout(LONG)
        .output()
        .expect("run mqtk bench");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("at most QoS 1, not 2"), "{stderr}");

    let (code, stderr, took) = publish(&["-V", "311", "-q", "2"]);
    assert_eq!(code, Some(6), "{stderr}");
    assert!(
        stderr.contains("3 times in a row") && stderr.contains("1 message(s) not acknowledged"),
        "{stderr}"
    );
    // Three quick reconnects (100 + 200 + 400 ms), not the ten of the whole budget (~20 s).
    assert!(took < Duration::from_secs(8), "took {took:?}: {stderr}");
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.starts_with("mqtk: error:"))
            .count(),
        1,
        "{stderr}"
    );
}

/// Some brokers refuse a subscription by closing the connection. mosquitto does that under MQTT
/// 3.1.1 for a SUBSCRIBE above its `max_packet_size` (which only MQTT 5 can announce): mqtk must
/// say so after a few reconnections, not retry for its whole budget.
#[test]
fn a_subscription_the_broker_drops_the_connection_over_is_an_error() {
    let broker = Broker::builder().config_line("max_packet_size 40").start();
    let filter = format!("long/filter/{}", "x".repeat(40));
    let started = Instant::now();
    let out = mqtk()
        .arg("sub")
        .args(broker.args())
        .args(["-t", &filter, "-C", "1"])
        .timeout(LONG)
        .output()
        .expect("run mqtk sub");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(
        stderr.contains("3 times in a row") && stderr.contains(&filter),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(8), "{stderr}");
    // A subscription that fits is fine on the same broker.
    mqtk()
        .arg("sub")
        .args(broker.args())
        .args(["-t", "short", "-E"])
        .timeout(SHORT)
        .assert()
        .success();
}

/// A broker that goes away for good: after `--reconnect-attempts` mqtk gives up with the
/// unreachable code (sub) or the delivery code and the count of what was not acknowledged (pub).
#[test]
fn giving_up_on_a_vanished_broker() {
    let mut broker = Broker::start();
    let policy = [
        "--reconnect-attempts",
        "3",
        "--reconnect-max-delay",
        "200ms",
    ];
    let sub = spawn_subscriber(
        &broker,
        mqtk_std()
            .arg("sub")
            .args(broker.args())
            .args(["-i", "vanish-sub", "-t", "vanish"])
            .args(policy),
        "vanish-sub",
        "vanish",
    );
    let watcher = spawn_subscriber(
        &broker,
        mosquitto_sub(&broker).args(["-i", "vanish-watch", "-t", "vanish"]),
        "vanish-watch",
        "vanish",
    );
    let mut publisher = Background::spawn_with_stdin(
        mqtk_std()
            .arg("pub")
            .args(broker.args())
            .args(["-l", "-q", "1", "-t", "vanish"])
            .args(policy),
    );
    let (written, go) = feed(&mut publisher, b"one\n".to_vec(), b"two\n".to_vec());
    written.recv_timeout(SHORT).expect("publisher input");
    assert!(watcher.wait_for_lines(1, SHORT));
    broker.stop();
    let _ = go.send(());
    let started = Instant::now();
    let out = sub.wait(SHORT);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("gave up after 3 reconnect attempts"),
        "{stderr}"
    );
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.starts_with("mqtk: error: "))
            .count(),
        1
    );
    let out = publisher.wait(SHORT);
    let stderr = text(&out.stderr);
    eprintln!("gave up after {:?}", started.elapsed());
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(
        stderr.contains("gave up after 3 reconnect attempts")
            && stderr.contains("message(s) not acknowledged"),
        "{stderr}"
    );
}
