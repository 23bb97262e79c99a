//! Volume: `seq 1 1000000 | mqtk pub -l -q 1` delivers every line, in order, to mosquitto_sub
//! (mosquitto_pub 2.0.11 stops after ~17,000 and still exits 0); the same with QoS 2 and 100,000
//! lines; and QoS 0 into `mqtk sub -C`. Run these with `cargo test --release`: in a debug build
//! they are several times slower.

mod common;

use std::io::Write;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use common::{Background, Broker, mosquitto_sub, mqtk_std, spawn_subscriber, text};

/// Generous bounds for a loaded 2-core machine; a release build needs a fraction of this.
const PUBLISH_WAIT: Duration = Duration::from_secs(90);
const DRAIN_WAIT: Duration = Duration::from_secs(30);

/// `seq 1 n` as bytes.
fn seq(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * 8);
    for i in 1..=n {
        writeln!(out, "{i}").expect("write to Vec");
    }
    out
}

/// A broker that queues everything for slow subscribers instead of dropping (its default of
/// 1000 queued messages would lose QoS 1/2 messages at this volume).
fn roomy_broker() -> Broker {
    Broker::builder()
        .config_line("max_queued_messages 0")
        .config_line("max_queued_bytes 0")
        .start()
}

/// Pipes `input` into `mqtk pub -l -q QOS -t TOPIC` while `sub` listens, then compares what
/// `sub` printed with `input` exactly.
fn pipe_lines(broker: &Broker, sub: Background, pub_args: &[&str], input: &[u8], lines: usize) {
    let start = Instant::now();
    let mut publisher = Background::spawn_with_stdin(
        mqtk_std()
            .arg("pub")
            .args(broker.args())
            .args(pub_args)
            .arg("-l"),
    );
    // Write from another thread through a duplicate of the pipe, so `wait` below bounds the
    // whole run: if mqtk is killed on timeout, the write fails instead of blocking forever.
    let fd = publisher
        .stdin()
        .as_fd()
        .try_clone_to_owned()
        .expect("dup stdin pipe");
    publisher.close_stdin();
    let mut pipe = std::fs::File::from(fd);
    let input_owned = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input_owned);
    });
    let out = publisher.wait(PUBLISH_WAIT);
    let _ = writer.join();
    assert!(
        out.status.success(),
        "mqtk pub -l {pub_args:?} failed ({}): {}",
        out.status,
        text(&out.stderr)
    );
    assert_eq!(text(&out.stderr), "");
    let published = start.elapsed();
    let got = sub.wait(DRAIN_WAIT);
    assert!(
        got.status.success(),
        "subscriber failed: {}",
        text(&got.stderr)
    );
    if got.stdout != input {
        let received = got.stdout.iter().filter(|&&b| b == b'\n').count();
        let first_bad = got
            .stdout
            .split(|&b| b == b'\n')
            .zip(input.split(|&b| b == b'\n'))
            .position(|(a, b)| a != b);
        panic!(
            "{pub_args:?}: the subscriber got {received} of {lines} lines; first difference at line {first_bad:?}"
        );
    }
    eprintln!(
        "{pub_args:?}: {lines} lines published in {published:?}, received in {:?}",
        start.elapsed()
    );
}

#[test]
fn million_lines_qos1_reach_mosquitto_sub_in_order() {
    let broker = roomy_broker();
    const N: usize = 1_000_000;
    let input = seq(N);
    let sub = spawn_subscriber(
        &broker,
        mosquitto_sub(&broker).args(["-i", "vol1", "-q", "1", "-t", "vol/1", "-C", &N.to_string()]),
        "vol1",
        "vol/1",
    );
    pipe_lines(&broker, sub, &["-q", "1", "-t", "vol/1"], &input, N);
}

#[test]
fn hundred_thousand_lines_qos2_reach_mosquitto_sub_in_order() {
    let broker = roomy_broker();
    const N: usize = 100_000;
    let input = seq(N);
    let sub = spawn_subscriber(
        &broker,
        mosquitto_sub(&broker).args(["-i", "vol2", "-q", "2", "-t", "vol/2", "-C", &N.to_string()]),
        "vol2",
        "vol/2",
    );
    pipe_lines(&broker, sub, &["-q", "2", "-t", "vol/2"], &input, N);
}

#[test]
fn million_lines_qos0_reach_mqtk_sub() {
    // QoS 0 may drop under overload by design; on loopback with a queueing broker nothing
    // should be, and mqtk sub must keep up and print them in order.
    let broker = roomy_broker();
    const N: usize = 1_000_000;
    let input = seq(N);
    let sub = spawn_subscriber(
        &broker,
        mqtk_std().arg("sub").args(broker.args()).args([
            "-i",
            "vol0",
            "-t",
            "vol/0",
            "-C",
            &N.to_string(),
        ]),
        "vol0",
        "vol/0",
    );
    pipe_lines(&broker, sub, &["-q", "0", "-t", "vol/0"], &input, N);
}

/// A live tail: `mqtk sub` reads a busy QoS 0 stream in batches, and the last batch must still
/// be printed while the publisher stays connected and idle (no later message pushes it out).
#[test]
fn a_qos0_burst_is_printed_whole_while_the_publisher_idles() {
    let broker = roomy_broker();
    const N: usize = 20_000;
    let sub = spawn_subscriber(
        &broker,
        mqtk_std()
            .arg("sub")
            .args(broker.args())
            .args(["-i", "tail0", "-t", "tail/0"]),
        "tail0",
        "tail/0",
    );
    let mut publisher = Background::spawn_with_stdin(
        mqtk_std()
            .arg("pub")
            .args(broker.args())
            .args(["-t", "tail/0", "-l"]),
    );
    publisher
        .stdin()
        .write_all(&seq(N))
        .expect("write to mqtk pub");
    publisher.stdin().flush().expect("flush");
    // stdin stays open: the publisher is connected and silent from here on.
    assert!(
        sub.wait_for_lines(N, DRAIN_WAIT),
        "mqtk sub printed {} of {N} lines while the publisher idled",
        sub.stdout_so_far().iter().filter(|&&b| b == b'\n').count()
    );
    assert_eq!(sub.stdout_so_far(), seq(N));
    // And a message after the quiet spell is printed too.
    publisher.stdin().write_all(b"last\n").expect("write");
    publisher.stdin().flush().expect("flush");
    assert!(
        sub.wait_for_lines(N + 1, DRAIN_WAIT),
        "the message after the pause"
    );
    drop(publisher);
    sub.kill();
}

/// `mqtk sub -t T | head -n 3` during a QoS 0 flood: the subscriber ends (exit 0, nothing on
/// stderr) once its reader is gone, although it reads the flood in batches.
#[test]
fn sub_into_a_closed_pipe_ends_during_a_qos0_flood() {
    let broker = roomy_broker();
    let sub_cmd = || {
        let mut cmd = mqtk_std();
        cmd.arg("sub")
            .args(broker.args())
            .args(["-i", "flood0", "-t", "flood/0"]);
        cmd
    };
    let since = broker.log_len();
    let mut child = sub_cmd()
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn mqtk sub");
    assert!(
        broker.wait_subscribed(since, "flood0", "flood/0", DRAIN_WAIT),
        "mqtk sub did not subscribe"
    );
    let mut publisher = Background::spawn_with_stdin(
        mqtk_std()
            .arg("pub")
            .args(broker.args())
            .args(["-t", "flood/0", "-l"]),
    );
    let fd = publisher
        .stdin()
        .as_fd()
        .try_clone_to_owned()
        .expect("dup stdin pipe");
    publisher.close_stdin();
    let mut pipe = std::fs::File::from(fd);
    let writer = std::thread::spawn(move || {
        // Bounded: 2,000,000 lines at most, or until the publisher is gone.
        for chunk in 0..200 {
            let lines: String = (0..10_000)
                .map(|i| format!("{}\n", chunk * 10_000 + i))
                .collect();
            if pipe.write_all(lines.as_bytes()).is_err() {
                break;
            }
        }
    });
    let stdout = child.stdout.take().expect("stdout pipe");
    let mut reader = std::io::BufReader::new(stdout);
    for _ in 0..3 {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut reader, &mut line).expect("read line");
        assert!(line.ends_with('\n'), "{line:?}");
    }
    drop(reader);
    let deadline = Instant::now() + DRAIN_WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "mqtk sub still running after its stdout closed"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("read stderr");
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
    drop(publisher);
    let _ = writer.join();
}

#[test]
fn hundred_thousand_lines_qos1_mqtk_to_mqtk_under_mqtt5() {
    let broker = roomy_broker();
    const N: usize = 100_000;
    let input = seq(N);
    let sub = spawn_subscriber(
        &broker,
        mqtk_std().arg("sub").args(broker.args()).args([
            "-V",
            "5",
            "-i",
            "vol5",
            "-q",
            "1",
            "-t",
            "vol/5",
            "-C",
            &N.to_string(),
        ]),
        "vol5",
        "vol/5",
    );
    pipe_lines(
        &broker,
        sub,
        &["-V", "5", "-q", "1", "-t", "vol/5"],
        &input,
        N,
    );
}
