//! The `--json` document: the common schema with parsed numbers (counters and counts as
//! integers, loads as floats, uptime in seconds), the dialect, and the raw topics. Every key is
//! always present (null when the broker did not report it), so scripts need no guards; the
//! shape is locked by a test that reads it back into `deny_unknown_fields` structs.

use std::time::UNIX_EPOCH;

use serde_json::{Map, Value, json};

use super::schema::{FIELDS, LOAD_SERIES, LOAD_WINDOWS, Snapshot, Unit};
use super::tree::Tree;

fn number(v: Option<f64>, unit: Unit) -> Value {
    match v {
        None => Value::Null,
        Some(v) if unit != Unit::PerMinute && v.fract() == 0.0 && v.abs() < 9.0e15 => {
            json!(v as i64)
        }
        Some(v) => json!(v),
    }
}

/// The schema part of the document (also the `values` of each `--watch --json` line).
pub fn fields(snap: &Snapshot) -> Map<String, Value> {
    let mut doc = Map::new();
    let mut broker = Map::new();
    broker.insert("dialect".into(), json!(snap.dialect.name()));
    broker.insert("version".into(), json!(snap.version));
    broker.insert("node".into(), json!(snap.node));
    broker.insert("description".into(), json!(snap.description));
    doc.insert("broker".into(), Value::Object(broker));
    for f in FIELDS {
        let (group, key) = f.name.split_once('.').unwrap_or(("other", f.name));
        let key = if f.name == "broker.uptime" {
            "uptime_seconds"
        } else {
            key
        };
        let entry = doc
            .entry(group)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            m.insert(key.into(), number(snap.get(f.name), f.unit));
        }
    }
    let mut load = Map::new();
    for (series, _) in LOAD_SERIES {
        let mut windows = Map::new();
        for w in LOAD_WINDOWS {
            windows.insert(
                (*w).into(),
                number(snap.get(&format!("load.{series}.{w}")), Unit::PerMinute),
            );
        }
        load.insert((*series).into(), Value::Object(windows));
    }
    doc.insert("load".into(), Value::Object(load));
    let bridges: Vec<Value> = snap
        .bridges
        .iter()
        .map(|b| json!({"name": b.name, "connected": b.connected}))
        .collect();
    doc.insert("bridges".into(), Value::Array(bridges));
    doc
}

/// The whole `mqtk sys --json` document.
pub fn document(snap: &Snapshot, tree: &Tree) -> Value {
    let mut doc = fields(snap);
    doc.insert("dialect".into(), json!(snap.dialect.name()));
    let last = snap
        .last_update
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs_f64());
    doc.insert("last_update".into(), json!(last));
    let topics: Map<String, Value> = tree
        .iter()
        .map(|(t, e)| (t.to_string(), json!(e.display())))
        .collect();
    doc.insert("topics".into(), Value::Object(topics));
    Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::dialect::{snapshot, tests::*};

    #[test]
    fn numbers_are_parsed_and_absent_values_are_null() {
        let tree = load(MOSQUITTO);
        let doc = document(&snapshot(&tree), &tree);
        assert_eq!(doc["dialect"], "mosquitto");
        assert_eq!(doc["broker"]["uptime_seconds"], 148);
        assert_eq!(doc["clients"]["connected"], 1);
        assert_eq!(doc["publish"]["dropped"], Value::Null);
        assert_eq!(doc["load"]["bytes_sent"]["15min"], 175.26);
        assert!(doc["load"]["connections"]["1min"].is_f64());
        assert_eq!(doc["topics"]["$SYS/broker/uptime"], "148 seconds");
        assert_eq!(doc["bridges"], json!([]));
    }
}
