//! `mqtk bench` beyond one machine, simulated on one: four `--shard i/4` agents with one
//! `--start-at` against mosquitto, merged with `bench merge` and compared with one process
//! running the same plan; loss across shards (a slow subscriber shard, a small broker queue)
//! against an independent count; and `bench merge` refusing what does not add up.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use common::Broker;
use common::bench::{code, json_of};
use hdrhistogram::Histogram;
use hdrhistogram::serialization::Deserializer;
use mqtk::bench::result::BenchResult;

fn bench(broker: &Broker, args: &[&str]) -> Command {
    let mut c = common::mqtk_std();
    c.arg("bench")
        .args(broker.args())
        .arg("--quiet")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn merge(files: &[PathBuf], extra: &[&str]) -> Output {
    common::mqtk_std()
        .args(["bench", "merge"])
        .args(files)
        .args(extra)
        .output()
        .unwrap()
}

/// A start instant `secs` from now, in whole Unix seconds, as agents on several machines get it.
fn start_in(secs: u64) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    (now.as_secs() + secs).to_string()
}

fn decode(text: &str) -> Histogram<u64> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap();
    Deserializer::new()
        .deserialize(&mut std::io::Cursor::new(bytes))
        .unwrap()
}

/// Runs the agents at once (each its own process) and writes each one's stdout to a file.
fn run_agents(dir: &Path, agents: Vec<Command>) -> Vec<(PathBuf, Output)> {
    let children: Vec<Child> = agents.into_iter().map(|mut c| c.spawn().unwrap()).collect();
    children
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let out = c.wait_with_output().unwrap();
            let path = dir.join(format!("shard-{i}.json"));
            std::fs::write(&path, &out.stdout).unwrap();
            (path, out)
        })
        .collect()
}

const PLAN: [&str; 10] = [
    "-q",
    "1",
    "--pubs",
    "8",
    "--subs",
    "4",
    "-n",
    "500",
    "--json",
    "--per-client",
];

#[test]
fn four_shards_add_up_to_one_process() {
    let broker = Broker::builder()
        .config_line("max_queued_messages 100000")
        .start();
    let dir = tempfile::tempdir().unwrap();
    let at = start_in(3);
    let agents = (0..4)
        .map(|i| {
            let shard = format!("{i}/4");
            let mut args = PLAN.to_vec();
            args.extend(["--shard", &shard, "--start-at", &at]);
            bench(&broker, &args)
        })
        .collect();
    let shards = run_agents(dir.path(), agents);
    let mut files = Vec::new();
    let mut sum: Option<Histogram<u64>> = None;
    let mut publishers = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for (i, (path, out)) in shards.iter().enumerate() {
        assert_eq!(code(out), 0, "shard {i}: {out:?}");
        let r = json_of(out);
        let s = r.shard.as_ref().expect("a shard section");
        assert_eq!((s.index, s.count, s.late_s), (i as u32, 4, 0.0));
        // Exact slices: 8 publishers and 4 subscribers over 4 shards.
        assert_eq!((r.settings.publishers, r.settings.subscribers), (2, 1));
        assert_eq!(s.firsts.publishers, 2 * i as u32);
        publishers.extend(s.streams.iter().map(|st| (st.publisher, st.topic.clone())));
        for c in &r.clients {
            assert!(ids.insert(c.client_id.clone()), "{} twice", c.client_id);
        }
        // Every shard's subscriber got every shard's messages (8 publishers * 500).
        assert_eq!(r.receive.as_ref().unwrap().received, 4000, "shard {i}");
        let h = decode(r.latency.as_ref().unwrap().histogram.as_deref().unwrap());
        match &mut sum {
            Some(total) => total.add(&h).unwrap(),
            None => sum = Some(h),
        }
        files.push(path.clone());
    }
    // Global publisher indices 0..8, each once, with topics of this run only.
    publishers.sort();
    assert_eq!(
        publishers.iter().map(|p| p.0).collect::<Vec<_>>(),
        (0..8).collect::<Vec<_>>()
    );
    let run = shards[0].1.stdout.clone();
    let run_id = json_of(&shards[0].1).shard.unwrap().run_id;
    assert!(!run.is_empty());
    for (g, topic) in &publishers {
        assert_eq!(topic, &format!("mqtk-bench/{run_id:08x}/{g}"));
    }
    assert_eq!(ids.len(), 12);

    let out = merge(&files, &["--json", "--assert", "lost == 0"]);
    assert_eq!(code(&out), 0, "{out:?}");
    let m = json_of(&out);
    let p = m.publish.as_ref().unwrap();
    let rc = m.receive.as_ref().unwrap();
    assert_eq!((p.sent, p.acked), (4000, 4000));
    assert_eq!((rc.received, rc.expected), (16_000, Some(16_000)));
    assert_eq!((rc.lost, rc.duplicates), (0, 0));
    assert_eq!(
        (m.settings.publishers, m.settings.subscribers),
        (8, 4),
        "the whole plan"
    );
    assert_eq!(m.connect.connected, 12);
    // The merged histogram is exactly the sum of the shards' (every recorded value once).
    let merged = decode(m.latency.as_ref().unwrap().histogram.as_deref().unwrap());
    let sum = sum.unwrap();
    assert_eq!(merged, sum);
    assert_eq!(merged.len(), 16_000);
    let l = m.latency.as_ref().unwrap();
    assert_eq!(l.p99_us, sum.value_at_quantile(0.99));
    assert_eq!(l.max_us, sum.max());
    assert_eq!(
        m.series.iter().map(|s| s.received).sum::<u64>(),
        16_000,
        "the per-second series add up to the totals"
    );

    // One process, same plan: same totals.
    let single = bench(&broker, &PLAN).output().unwrap();
    assert_eq!(code(&single), 0, "{single:?}");
    let one = json_of(&single);
    let (op, orc) = (one.publish.unwrap(), one.receive.unwrap());
    assert_eq!(
        (op.sent, orc.received, orc.expected),
        (p.sent, rc.received, rc.expected)
    );
    assert_eq!((orc.lost, orc.duplicates), (rc.lost, rc.duplicates));
    assert_eq!(one.latency.unwrap().count, l.count);

    // Same report formats as one machine; one verdict for the run.
    let text = merge(&files, &["--charts", "never"]);
    assert_eq!(code(&text), 0);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("expected 16000, lost 0"), "{text}");
    assert!(text.contains("merged from 4 shards"), "{text}");
    let csv = merge(&files, &["--csv"]);
    assert_eq!(String::from_utf8_lossy(&csv.stdout).lines().count(), 2);
    let failed = merge(&files, &["--assert", "p99 < 1us", "--charts", "never"]);
    assert_eq!(code(&failed), 7, "{failed:?}");
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(
        err.contains("1 of 1 assertions failed on the merged run"),
        "{err}"
    );

    bad_input(dir.path(), &files);
}

/// One clear line and exit 2 for anything that would not add up; nothing printed on stdout.
fn bad_input(dir: &Path, files: &[PathBuf]) {
    let refused = |files: &[PathBuf], why: &str| {
        let out = merge(files, &["--json"]);
        assert_eq!(code(&out), 2, "{why}: {out:?}");
        assert!(out.stdout.is_empty(), "{why}: nothing merged");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{why}: {err}");
        assert!(err.starts_with("mqtk: error: "), "{err}");
        err.into_owned()
    };
    let e = refused(&files[..3], "missing");
    assert!(e.contains("shard 3 of 4 is missing"), "{e}");
    let twice = [files.to_vec(), vec![files[1].clone()]].concat();
    let e = refused(&twice, "overlap");
    assert!(e.contains("shard 1/4 is given twice"), "{e}");

    let text = std::fs::read_to_string(&files[2]).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let write = |name: &str, doc: &serde_json::Value| {
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_string(doc).unwrap()).unwrap();
        path
    };
    let mut other = doc.clone();
    other["shard"]["plan"] = "0123456789abcdef".into();
    let e = refused(
        &[
            files[0].clone(),
            files[1].clone(),
            write("other.json", &other),
            files[3].clone(),
        ],
        "different plans",
    );
    assert!(e.contains("different plans"), "{e}");

    let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 2).unwrap();
    h.record(100).unwrap();
    let mut bytes = Vec::new();
    use hdrhistogram::serialization::Serializer as _;
    hdrhistogram::serialization::V2Serializer::new()
        .serialize(&h, &mut bytes)
        .unwrap();
    doc["latency"]["histogram"] = base64::engine::general_purpose::STANDARD
        .encode(bytes)
        .into();
    doc["latency"]["count"] = 1.into();
    let e = refused(
        &[
            files[0].clone(),
            files[1].clone(),
            write("bounds.json", &doc),
            files[3].clone(),
        ],
        "other bounds",
    );
    assert!(e.contains("other bounds"), "{e}");

    let truncated = dir.join("truncated.json");
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    let e = refused(
        &[
            files[0].clone(),
            files[1].clone(),
            truncated,
            files[3].clone(),
        ],
        "corrupted",
    );
    assert!(
        e.contains("truncated.json is not a bench result document"),
        "{e}"
    );
}

#[test]
fn loss_on_a_slow_shard_is_counted_across_shards() {
    // A small queue: the broker drops QoS 1 messages for the subscriber that reads slowly.
    let broker = Broker::builder()
        .config_line("max_queued_messages 20")
        .sys_interval(1)
        .start();
    let dir = tempfile::tempdir().unwrap();
    let at = start_in(3);
    let plan = [
        "-q",
        "1",
        "--pubs",
        "2",
        "--subs",
        "2",
        "-n",
        "400",
        "--json",
        "--per-client",
        "--drain",
        "1s",
        "--start-at",
        &at,
    ];
    let agents = vec![
        // Shard 0 also reads the broker's own count of what it dropped.
        bench(
            &broker,
            &[&plan[..], &["--shard", "0/2", "--broker-sys"]].concat(),
        ),
        // Shard 1 plays the slow consumer.
        bench(
            &broker,
            &[&plan[..], &["--shard", "1/2", "--sub-rate", "300"]].concat(),
        ),
    ];
    let shards = run_agents(dir.path(), agents);
    let results: Vec<BenchResult> = shards.iter().map(|(_, o)| json_of(o)).collect();
    // Independent count from the per-client rows: every publisher's sent messages should
    // have reached both subscribers; what their own receive counters lack is lost.
    let sent: u64 = results
        .iter()
        .flat_map(|r| &r.clients)
        .filter(|c| c.role == mqtk::bench::result::Role::Pub)
        .map(|c| c.sent)
        .sum();
    assert_eq!(sent, 800);
    let received: u64 = results
        .iter()
        .flat_map(|r| &r.clients)
        .filter(|c| c.role == mqtk::bench::result::Role::Sub)
        .map(|c| c.received)
        .sum();
    let independent = 2 * sent - received;
    assert!(independent > 0, "the slow shard should have lost messages");
    // The slow shard's own view counts only its own publisher's messages.
    let own = results[1].receive.as_ref().unwrap().lost;

    let files: Vec<PathBuf> = shards.iter().map(|(p, _)| p.clone()).collect();
    let out = merge(&files, &["--json", "--assert", "lost == 0"]);
    assert_eq!(code(&out), 7, "loss fails the run's one verdict: {out:?}");
    let m = json_of(&out);
    let rc = m.receive.unwrap();
    assert_eq!(rc.duplicates, 0);
    assert_eq!(rc.expected, Some(2 * sent));
    assert_eq!(rc.lost, independent);
    assert!(
        rc.lost > own,
        "loss of the other shard's publisher counted too ({} vs {own})",
        rc.lost
    );
    // A second independent count: the broker's `$SYS` dropped counter over the run.
    let sys = results[0]
        .broker_sys
        .as_ref()
        .expect("shard 0's broker figures");
    let dropped = sys.after.get("publish.dropped").copied().unwrap_or(0.0)
        - sys.before.get("publish.dropped").copied().unwrap_or(0.0);
    assert_eq!(dropped as u64, rc.lost, "{sys:?}");
}

#[test]
fn an_agent_connected_after_start_at_starts_late_and_is_flagged() {
    let broker = Broker::start();
    let past = (SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 10)
        .to_string();
    let mut cmd = common::mqtk_std();
    cmd.arg("bench").args(broker.args()).args([
        "-n",
        "50",
        "--json",
        "--shard",
        "0/1",
        "--start-at",
        &past,
    ]);
    let out = cmd.output().unwrap();
    assert_eq!(code(&out), 0, "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mqtk: warning: bench: the clients were connected"),
        "{err}"
    );
    assert!(err.contains("after --start-at; starting late"), "{err}");
    let r = json_of(&out);
    assert!(r.shard.as_ref().unwrap().late_s >= 9.0);
    assert_eq!(r.receive.as_ref().unwrap().received, 50);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.json");
    std::fs::write(&path, &out.stdout).unwrap();
    let m = json_of(&merge(&[path], &["--json"]));
    assert_eq!(m.shard.unwrap().late_shards, vec![0]);
    assert!(m.notes.iter().any(|n| n.contains("after --start-at")));
}
