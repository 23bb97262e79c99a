//! The control-topic path of a sharded run, with a second mosquitto as the control broker:
//! agents (`--control`) announce themselves, `bench coordinate` sends GO and prints the merged
//! report; an agent killed mid-run is named missing by its last will, with a non-zero exit.

mod common;

use std::process::Command;
use std::time::Duration;

use common::bench::code;
use common::{Background, Broker};
use mqtk::bench::result::BenchResult;

fn agent(
    broker: &Broker,
    control: &Broker,
    index: u32,
    of: u32,
    run: &str,
    extra: &[&str],
) -> Command {
    let mut c = common::mqtk_std();
    c.arg("bench")
        .args(broker.args())
        .args([
            "--quiet",
            "--json",
            "--run-id",
            run,
            "--control",
            &control.url(),
        ])
        .args(["--shard", &format!("{index}/{of}")])
        .args(extra);
    c
}

fn coordinator(control: &Broker, agents: u32, run: &str, extra: &[&str]) -> Command {
    let mut c = common::mqtk_std();
    c.args([
        "bench",
        "coordinate",
        "--control",
        &control.url(),
        "--run-id",
        run,
    ])
    .args([
        "--agents",
        &agents.to_string(),
        "--start-delay",
        "500ms",
        "--timeout",
        "30s",
    ])
    .args(extra);
    c
}

#[test]
fn coordinated_run_merges_every_agent() {
    let broker = Broker::builder()
        .config_line("max_queued_messages 100000")
        .start();
    let control = Broker::start();
    let coord = Background::spawn(&mut coordinator(&control, 3, "501", &["--json"]));
    let plan = ["-q", "1", "--pubs", "3", "--subs", "3", "-n", "300"];
    let agents: Vec<Background> = (0..3)
        .map(|i| Background::spawn(&mut agent(&broker, &control, i, 3, "501", &plan)))
        .collect();
    for (i, a) in agents.into_iter().enumerate() {
        let out = a.wait(Duration::from_secs(60));
        assert_eq!(code(&out), 0, "agent {i}: {out:?}");
        // Each agent also printed its own result.
        let own: BenchResult = serde_json::from_slice(&out.stdout).unwrap();
        let s = own.shard.unwrap();
        assert!(
            s.clock_offset_s.is_some_and(|o| o.abs() < 5.0),
            "{:?}",
            s.clock_offset_s
        );
    }
    let out = coord.wait(Duration::from_secs(60));
    assert_eq!(code(&out), 0, "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("all 3 agents ready: GO"), "{err}");
    let m: BenchResult = serde_json::from_slice(&out.stdout).unwrap();
    let rc = m.receive.unwrap();
    assert_eq!(m.publish.unwrap().sent, 900);
    assert_eq!((rc.received, rc.expected, rc.lost), (2700, Some(2700), 0));
    assert!(
        m.notes
            .iter()
            .any(|n| n.contains("measured as its GO arrived"))
    );
    assert_eq!(m.shard.unwrap().merged, 3);
}

#[test]
fn an_agent_killed_mid_run_is_reported_missing() {
    let broker = Broker::start();
    let control = Broker::start();
    let coord = Background::spawn(&mut coordinator(&control, 3, "502", &["--charts", "never"]));
    let plan = [
        "--pubs",
        "3",
        "--subs",
        "3",
        "--duration",
        "4s",
        "--rate",
        "200",
        "--drain",
        "1s",
    ];
    let mut agents: Vec<Background> = (0..3)
        .map(|i| Background::spawn(&mut agent(&broker, &control, i, 3, "502", &plan)))
        .collect();
    // Wait for the GO, then let the run go on for a moment.
    assert!(
        common::poll_until(Duration::from_secs(30), || {
            String::from_utf8_lossy(&coord.stderr_so_far()).contains("GO in")
        }),
        "no GO: {}",
        String::from_utf8_lossy(&coord.stderr_so_far())
    );
    std::thread::sleep(Duration::from_millis(1500));
    let killed = agents.remove(2).kill();
    assert!(!killed.status.success());
    for a in agents {
        // The survivors finish and hand in their results.
        let out = a.wait(Duration::from_secs(60));
        assert!(!out.stdout.is_empty(), "{out:?}");
    }
    let out = coord.wait(Duration::from_secs(60));
    assert_eq!(code(&out), 1, "{out:?}");
    assert!(out.stdout.is_empty(), "nothing merged from part of a run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("agent 2/3 left (its last will)"), "{err}");
    let last = err.lines().last().unwrap_or("");
    assert!(
        last.starts_with("mqtk: error: 1 of 3 agents sent no result: 2 (left: its last will)"),
        "{err}"
    );
}

#[test]
fn control_needs_a_shard_and_a_run_id() {
    let out = common::mqtk_std()
        .args([
            "bench",
            "-p",
            "1",
            "--control",
            "mqtt://127.0.0.1:1",
            "--shard",
            "0/2",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--run-id"));
    let out = common::mqtk_std()
        .args([
            "bench",
            "-p",
            "1",
            "--control",
            "ws://127.0.0.1:1",
            "--shard",
            "1/2",
            "--run-id",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("mqtt://"));
}
