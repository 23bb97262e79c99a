//! `bench plan k8s|nomad`: the job that runs a sharded bench on a placement engine, generated
//! from the same bench flags a one-machine run takes: a Kubernetes Indexed Job (YAML) or a
//! Nomad batch job (the API's JSON), N agents each with `--shard auto`, one run id and one
//! `--start-at`. Pure: it builds documents, it does not talk to any engine.

use serde_json::{Value, json};

use super::shard::COUNT_VAR;

/// Everything a job needs, checked by the caller.
#[derive(Clone, Debug)]
pub struct Job {
    pub name: String,
    pub namespace: Option<String>,
    pub image: String,
    pub shards: u32,
    /// The container's arguments after `mqtk`: `bench`, the user's flags, then the shard flags.
    pub args: Vec<String>,
    pub run_id: u32,
    /// `--start-at` as written into the arguments (RFC 3339).
    pub start_at: String,
    pub cpu_cores: f64,
    pub memory_mib: u64,
    pub datacenters: Vec<String>,
}

/// The commands that collect the agents' results and merge them.
pub fn k8s_collect(job: &Job) -> Vec<String> {
    let ns = job
        .namespace
        .as_ref()
        .map_or_else(String::new, |n| format!(" -n {n}"));
    vec![
        format!("kubectl{ns} apply -f job.yaml"),
        format!(
            "kubectl{ns} wait --for=condition=complete --timeout=24h job/{}",
            job.name
        ),
        format!(
            "for i in $(seq 0 {}); do kubectl{ns} logs --tail=-1 -l job-name={},batch.kubernetes.io/job-completion-index=$i > shard-$i.json; done",
            job.shards - 1,
            job.name
        ),
        "mqtk bench merge shard-*.json".to_string(),
    ]
}

/// The Kubernetes Indexed Job: N completions, all at once, none retried (a retried shard would
/// run its slice twice), each pod's completion index as its shard.
pub fn k8s(job: &Job) -> Value {
    let mut metadata = json!({
        "name": job.name,
        "labels": {
            "app.kubernetes.io/name": "mqtk-bench",
            "mqtk/run-id": format!("{:08x}", job.run_id),
        },
    });
    if let Some(ns) = &job.namespace {
        metadata["namespace"] = json!(ns);
    }
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": metadata,
        "spec": {
            "completionMode": "Indexed",
            "completions": job.shards,
            "parallelism": job.shards,
            "backoffLimit": 0,
            "template": {
                "metadata": {
                    "labels": { "app.kubernetes.io/name": "mqtk-bench" },
                },
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{
                        "name": "mqtk",
                        "image": job.image,
                        "command": ["mqtk"],
                        "args": job.args,
                        "env": [{ "name": COUNT_VAR, "value": job.shards.to_string() }],
                        "resources": {
                            "requests": {
                                "cpu": format!("{}m", (job.cpu_cores * 1000.0).round() as u64),
                                "memory": format!("{}Mi", job.memory_mib),
                            },
                            "limits": { "memory": format!("{}Mi", job.memory_mib) },
                        },
                    }],
                },
            },
        },
    })
}

/// The Nomad batch job in the HTTP API's JSON (`nomad job run -json`, or `PUT /v1/jobs`): one
/// task group of N allocations, each allocation's index as its shard.
pub fn nomad(job: &Job) -> Value {
    let mut inner = json!({
        "ID": job.name,
        "Name": job.name,
        "Type": "batch",
        "Datacenters": job.datacenters,
        "Meta": {
            "mqtk_run_id": format!("{:08x}", job.run_id),
            "mqtk_start_at": job.start_at,
        },
        "TaskGroups": [{
            "Name": "agents",
            "Count": job.shards,
            "RestartPolicy": { "Attempts": 0, "Mode": "fail" },
            "ReschedulePolicy": { "Attempts": 0, "Unlimited": false },
            "Tasks": [{
                "Name": "mqtk",
                "Driver": "docker",
                "Config": {
                    "image": job.image,
                    "command": "mqtk",
                    "args": job.args,
                },
                "Env": { COUNT_VAR: job.shards.to_string() },
                "Resources": {
                    // Nomad counts CPU in MHz; a core is taken as 1000.
                    "CPU": (job.cpu_cores * 1000.0).round() as u64,
                    "MemoryMB": job.memory_mib,
                },
            }],
        }],
    });
    if let Some(ns) = &job.namespace {
        inner["Namespace"] = json!(ns);
    }
    json!({ "Job": inner })
}

/// The commands that collect a Nomad run's results and merge them.
pub fn nomad_collect(job: &Job) -> Vec<String> {
    vec![
        "nomad job run -json job.json".to_string(),
        format!(
            "for a in $(nomad job allocs -t '{{{{range .}}}}{{{{.ID}}}} {{{{end}}}}' {}); do nomad alloc logs $a mqtk > shard-$a.json; done",
            job.name
        ),
        "mqtk bench merge shard-*.json".to_string(),
    ]
}

/// `value` as block-style YAML. Every string is written as a JSON string, which YAML reads as a
/// double-quoted scalar, so no value (`"no"`, `"1.0"`, `"*"`, `": "`) changes its type or meaning.
pub fn yaml(value: &Value) -> String {
    let mut out = String::new();
    block(value, 0, &mut out);
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        other => other.to_string(),
    }
}

fn is_block(v: &Value) -> bool {
    matches!(v, Value::Object(m) if !m.is_empty()) || matches!(v, Value::Array(a) if !a.is_empty())
}

fn key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-' | '_'))
        && k.starts_with(|c: char| c.is_ascii_alphabetic());
    if plain {
        k.to_string()
    } else {
        Value::String(k.to_string()).to_string()
    }
}

fn block(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                if is_block(x) {
                    out.push_str(&format!("{pad}{}:\n", key(k)));
                    block(x, indent + 2, out);
                } else {
                    out.push_str(&format!("{pad}{}: {}\n", key(k), scalar(x)));
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for x in a {
                if is_block(x) {
                    // The item's first line goes after the dash, the rest under it.
                    let mut inner = String::new();
                    block(x, indent + 2, &mut inner);
                    out.push_str(&format!("{pad}- {}", &inner[indent + 2..]));
                } else {
                    out.push_str(&format!("{pad}- {}\n", scalar(x)));
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_keeps_every_string_a_string() {
        let v = json!({
            "a": "no",
            "b": ["1.0", "*x", ": y", "#z", "multi\nline"],
            "c": [{ "d": 1, "e": { "f": true } }, []],
            "weird key": {},
            "n": null,
        });
        let text = yaml(&v);
        assert!(text.contains("a: \"no\"\n"), "{text}");
        assert!(text.contains("- d: 1\n    e:\n      f: true\n"), "{text}");
        assert!(text.contains("\"weird key\": {}\n"), "{text}");
        let back: Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back, v);
        let nested = json!({ "x": [[1, "2"], [{ "y": ["z"] }]] });
        let back: Value = serde_yaml::from_str(&yaml(&nested)).unwrap();
        assert_eq!(back, nested);
    }
}
