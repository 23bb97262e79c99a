//! `mqtk bench plan k8s|nomad`: the job is parsed back (YAML, Nomad API JSON) and checked field
//! by field, then its agents' command lines are run here, with the environment the engine would
//! give them, against mosquitto and merged: the job runs the bench it was generated from.

mod common;

use std::process::{Output, Stdio};
use std::time::{Duration, SystemTime};

use common::Broker;
use common::bench::code;
use mqtk::bench::result::BenchResult;
use serde_json::Value;

fn plan(args: &[&str]) -> Output {
    common::mqtk_std()
        .args(["bench", "plan"])
        .args(args)
        .output()
        .unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// The value after `flag` in an argument list.
fn after<'a>(args: &'a [String], flag: &str) -> &'a str {
    let i = args
        .iter()
        .position(|a| a == flag)
        .unwrap_or_else(|| panic!("{flag} in {args:?}"));
    &args[i + 1]
}

/// Runs each agent's command line as the engine would (its index in `index_var`) and merges.
fn run_agents(
    args: &[String],
    shards: u32,
    index_var: &str,
    env: &[(String, String)],
) -> BenchResult {
    assert_eq!(args[0], "bench");
    let dir = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..shards)
        .map(|i| {
            let mut c = common::mqtk_std();
            c.args(args)
                .env(index_var, i.to_string())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            for (k, v) in env {
                c.env(k, v);
            }
            c.spawn().unwrap()
        })
        .collect();
    let mut files = Vec::new();
    for (i, c) in children.into_iter().enumerate() {
        let out = c.wait_with_output().unwrap();
        assert_eq!(code(&out), 0, "agent {i}: {out:?}");
        let path = dir.path().join(format!("shard-{i}.json"));
        std::fs::write(&path, &out.stdout).unwrap();
        files.push(path);
    }
    let out = common::mqtk_std()
        .args(["bench", "merge", "--json"])
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn bench_flags(broker: &Broker) -> Vec<String> {
    let mut flags: Vec<String> = broker.args().iter().map(|a| a.to_string()).collect();
    flags.extend(
        [
            "-q",
            "1",
            "--pubs",
            "6",
            "--subs",
            "3",
            "-n",
            "200",
            "--total-rate",
            "3000",
        ]
        .map(String::from),
    );
    flags
}

fn check_start(text: &str, within: Duration) {
    let at: SystemTime = chrono::DateTime::parse_from_rfc3339(text).unwrap().into();
    let now = SystemTime::now();
    assert!(at > now, "--start-at {text} is in the future");
    assert!(at <= now + within, "--start-at {text} within {within:?}");
}

#[test]
fn kubernetes_indexed_job() {
    let broker = Broker::builder()
        .config_line("max_queued_messages 100000")
        .start();
    let flags = bench_flags(&broker);
    let mut args: Vec<&str> = vec![
        "k8s",
        "--shards",
        "3",
        "--image",
        "registry.example/mqtk:1",
        "--start-in",
        "3s",
        "--namespace",
        "bench",
        "--cpu",
        "2",
        "--memory",
        "512",
    ];
    args.extend(flags.iter().map(String::as_str));
    let out = plan(&args);
    assert_eq!(code(&out), 0, "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("# mqtk bench plan k8s: 3 agents"),
        "{text}"
    );
    assert!(text.contains("mqtk bench merge shard-*.json"), "{text}");
    let job: Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(job["apiVersion"], "batch/v1");
    assert_eq!(job["kind"], "Job");
    assert_eq!(job["metadata"]["namespace"], "bench");
    let name = job["metadata"]["name"].as_str().unwrap();
    assert!(name.starts_with("mqtk-bench-"), "{name}");
    let spec = &job["spec"];
    assert_eq!(spec["completionMode"], "Indexed");
    assert_eq!(
        (spec["completions"].as_u64(), spec["parallelism"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(spec["backoffLimit"], 0);
    let pod = &spec["template"]["spec"];
    assert_eq!(pod["restartPolicy"], "Never");
    let containers = pod["containers"].as_array().unwrap();
    assert_eq!(containers.len(), 1);
    let c = &containers[0];
    assert_eq!(c["image"], "registry.example/mqtk:1");
    assert_eq!(strings(&c["command"]), ["mqtk"]);
    assert_eq!(c["env"][0]["name"], "MQTK_SHARDS");
    assert_eq!(c["env"][0]["value"], "3");
    assert_eq!(c["resources"]["requests"]["cpu"], "2000m");
    assert_eq!(c["resources"]["limits"]["memory"], "512Mi");
    let agent = strings(&c["args"]);
    // The user's flags, in order, then the plan's own.
    assert_eq!(agent[1..=flags.len()], flags[..]);
    assert_eq!(after(&agent, "--shard"), "auto");
    check_start(after(&agent, "--start-at"), Duration::from_secs(5));
    let run_id: u32 = after(&agent, "--run-id").parse().unwrap();
    assert_eq!(
        job["metadata"]["labels"]["mqtk/run-id"],
        format!("{run_id:08x}")
    );
    assert!(agent.contains(&"--json".to_string()));

    let env = [("MQTK_SHARDS".to_string(), "3".to_string())];
    let m = run_agents(&agent, 3, "JOB_COMPLETION_INDEX", &env);
    let s = m.shard.unwrap();
    assert_eq!((s.merged, s.count, s.run_id), (3, 3, run_id));
    assert_eq!(s.late_s, 0.0);
    let rc = m.receive.unwrap();
    assert_eq!(m.publish.unwrap().sent, 1200);
    assert_eq!((rc.expected, rc.lost, rc.duplicates), (Some(3600), 0, 0));
    // --total-rate is the whole run's: 3000 msg/s over 6 publishers.
    assert_eq!(m.settings.rate, 500.0);
}

#[test]
fn nomad_batch_job() {
    let broker = Broker::builder()
        .config_line("max_queued_messages 100000")
        .start();
    let flags = bench_flags(&broker);
    let mut args: Vec<&str> = vec![
        "nomad",
        "--shards",
        "2",
        "--image",
        "mqtk:dev",
        "--start-in",
        "3s",
        "--name",
        "load-1",
        "--datacenters",
        "eu1,eu2",
    ];
    args.extend(flags.iter().map(String::as_str));
    let out = plan(&args);
    assert_eq!(code(&out), 0, "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let job = &doc["Job"];
    assert_eq!(
        (job["ID"].as_str(), job["Name"].as_str()),
        (Some("load-1"), Some("load-1"))
    );
    assert_eq!(job["Type"], "batch");
    assert_eq!(strings(&job["Datacenters"]), ["eu1", "eu2"]);
    let groups = job["TaskGroups"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    assert_eq!(g["Count"], 2);
    assert_eq!(g["RestartPolicy"]["Attempts"], 0);
    assert_eq!(g["ReschedulePolicy"]["Attempts"], 0);
    let t = &g["Tasks"][0];
    assert_eq!(t["Driver"], "docker");
    assert_eq!(t["Config"]["image"], "mqtk:dev");
    assert_eq!(t["Config"]["command"], "mqtk");
    assert_eq!(t["Env"]["MQTK_SHARDS"], "2");
    assert_eq!(t["Resources"]["CPU"], 1000);
    assert_eq!(t["Resources"]["MemoryMB"], 1024);
    let agent = strings(&t["Config"]["args"]);
    assert_eq!(agent[1..=flags.len()], flags[..]);
    let start = after(&agent, "--start-at");
    check_start(start, Duration::from_secs(5));
    assert_eq!(job["Meta"]["mqtk_start_at"], start);
    assert!(
        job["Meta"]["mqtk_collect"]
            .as_str()
            .unwrap()
            .contains("nomad alloc logs")
    );

    let env = [("MQTK_SHARDS".to_string(), "2".to_string())];
    let m = run_agents(&agent, 2, "NOMAD_ALLOC_INDEX", &env);
    let rc = m.receive.unwrap();
    assert_eq!((rc.expected, rc.lost), (Some(3600), 0));
}

#[test]
fn bad_plans_are_usage_errors() {
    let cases: [(&[&str], &str); 7] = [
        (
            &[
                "k8s", "--shards", "3", "--image", "i", "--pubs", "2", "--subs", "2",
            ],
            "no client",
        ),
        (
            &["k8s", "--shards", "2", "--image", "i", "--shard", "0/2"],
            "set by the plan",
        ),
        (
            &["k8s", "--shards", "2", "--image", "i", "--json"],
            "set by the plan",
        ),
        (
            &["k8s", "--shards", "2", "--image", "i", "--pubs", "0"],
            "--publishers",
        ),
        (
            &["k8s", "--shards", "2", "--image", "i", "--no-such-flag"],
            "the bench flags",
        ),
        (
            &[
                "nomad",
                "--shards",
                "2",
                "--image",
                "i",
                "--name",
                "Not_A_Label",
                "--pubs",
                "2",
                "--subs",
                "2",
            ],
            "DNS label",
        ),
        (&["k8s", "--shards", "0", "--image", "i"], "--shards"),
    ];
    for (args, want) in cases {
        let out = plan(args);
        assert_eq!(code(&out), 2, "{args:?}: {out:?}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("mqtk: error: ") && err.contains(want),
            "{args:?}: {err}"
        );
    }
    // Without the engine's environment, --shard auto says what it needs.
    let out = common::mqtk_std()
        .args(["bench", "-p", "1", "--shard", "auto"])
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("NOMAD_ALLOC_INDEX")
        .env_remove("MQTK_SHARDS")
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("MQTK_SHARDS"));
    let out = common::mqtk_std()
        .args(["bench", "-p", "1", "--shard", "2/2"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
}
