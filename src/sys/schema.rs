//! The common schema every dialect's tree is mapped onto: one list of named fields (the names
//! `--check` takes, the keys of `--json`, the Prometheus metric names) with their kind and unit.

use std::collections::BTreeMap;
use std::time::{Instant, SystemTime};

use super::dialect::Dialect;

/// Prometheus semantics: a counter only grows (until the broker restarts); a gauge goes both ways.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Count,
    Bytes,
    Seconds,
    /// A moving average in events per minute (mosquitto's `load/...`).
    PerMinute,
}

/// One field of the common schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub unit: Unit,
    pub help: &'static str,
}

const fn f(name: &'static str, kind: Kind, unit: Unit, help: &'static str) -> Field {
    Field {
        name,
        kind,
        unit,
        help,
    }
}

use Kind::{Counter, Gauge};
use Unit::{Bytes, Count, Seconds};

/// Every field but the load averages (see [`LOAD_SERIES`]).
pub const FIELDS: &[Field] = &[
    f(
        "broker.uptime",
        Gauge,
        Seconds,
        "Seconds since the broker started",
    ),
    f("clients.connected", Gauge, Count, "Clients connected now"),
    f(
        "clients.disconnected",
        Gauge,
        Count,
        "Persistent sessions whose client is away",
    ),
    f(
        "clients.total",
        Gauge,
        Count,
        "Sessions: connected plus disconnected persistent ones",
    ),
    f(
        "clients.maximum",
        Gauge,
        Count,
        "Most clients connected at once since the broker started",
    ),
    f(
        "clients.expired",
        Counter,
        Count,
        "Persistent sessions expired",
    ),
    f(
        "clients.connects",
        Counter,
        Count,
        "Client connections accepted",
    ),
    f(
        "messages.received",
        Counter,
        Count,
        "MQTT packets of any type received",
    ),
    f(
        "messages.sent",
        Counter,
        Count,
        "MQTT packets of any type sent",
    ),
    f(
        "publish.received",
        Counter,
        Count,
        "PUBLISH messages received",
    ),
    f("publish.sent", Counter, Count, "PUBLISH messages sent"),
    f(
        "publish.dropped",
        Counter,
        Count,
        "PUBLISH messages dropped (queues full, clients away)",
    ),
    f(
        "publish.bytes_received",
        Counter,
        Bytes,
        "Payload bytes of PUBLISH messages received",
    ),
    f(
        "publish.bytes_sent",
        Counter,
        Bytes,
        "Payload bytes of PUBLISH messages sent",
    ),
    f(
        "bytes.received",
        Counter,
        Bytes,
        "Bytes received on every connection",
    ),
    f(
        "bytes.sent",
        Counter,
        Bytes,
        "Bytes sent on every connection",
    ),
    f(
        "store.messages",
        Gauge,
        Count,
        "Messages held in the message store",
    ),
    f(
        "store.bytes",
        Gauge,
        Bytes,
        "Payload bytes held in the message store",
    ),
    f("retained.count", Gauge, Count, "Retained messages"),
    f("subscriptions.count", Gauge, Count, "Subscriptions"),
    f("subscriptions.shared", Gauge, Count, "Shared subscriptions"),
    f("heap.current", Gauge, Bytes, "Heap memory in use"),
    f(
        "heap.maximum",
        Gauge,
        Bytes,
        "Most heap memory in use since the broker started",
    ),
    f(
        "events.connected",
        Counter,
        Count,
        "Client-connected events seen since mqtk subscribed",
    ),
    f(
        "events.disconnected",
        Counter,
        Count,
        "Client-disconnected events seen since mqtk subscribed",
    ),
];

/// mosquitto's `load/...` moving averages: (schema series, topic path under `load/`).
pub const LOAD_SERIES: &[(&str, &str)] = &[
    ("messages_received", "messages/received"),
    ("messages_sent", "messages/sent"),
    ("publish_received", "publish/received"),
    ("publish_sent", "publish/sent"),
    ("publish_dropped", "publish/dropped"),
    ("bytes_received", "bytes/received"),
    ("bytes_sent", "bytes/sent"),
    ("connections", "connections"),
    ("sockets", "sockets"),
];

pub const LOAD_WINDOWS: &[&str] = &["1min", "5min", "15min"];

/// A field by name, load averages (`load.SERIES.WINDOW`) included.
pub fn field(name: &str) -> Option<Field> {
    if let Some(f) = FIELDS.iter().find(|f| f.name == name) {
        return Some(*f);
    }
    let rest = name.strip_prefix("load.")?;
    let (series, window) = rest.rsplit_once('.')?;
    let s = LOAD_SERIES.iter().find(|(s, _)| *s == series)?;
    let w = LOAD_WINDOWS.iter().find(|w| **w == window)?;
    // A leaked name would be wasteful; the table is small and fixed, so look it up instead.
    Some(Field {
        name: load_name(s.0, w),
        kind: Gauge,
        unit: Unit::PerMinute,
        help: "Moving average per minute (mosquitto load/...)",
    })
}

/// Interned `load.SERIES.WINDOW` names, built once.
fn load_name(series: &str, window: &str) -> &'static str {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        LOAD_SERIES
            .iter()
            .flat_map(|(s, _)| LOAD_WINDOWS.iter().map(move |w| format!("load.{s}.{w}")))
            .collect()
    });
    let want = format!("load.{series}.{window}");
    names
        .iter()
        .find(|n| **n == want)
        .map(String::as_str)
        .unwrap_or("load")
}

/// Every field name `--check` accepts, for error messages.
pub fn field_names() -> String {
    let mut names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
    names.push("uptime");
    names.push("load.SERIES.WINDOW");
    format!(
        "{} (SERIES: {}; WINDOW: {})",
        names.join(", "),
        LOAD_SERIES
            .iter()
            .map(|(s, _)| *s)
            .collect::<Vec<_>>()
            .join(", "),
        LOAD_WINDOWS.join(", ")
    )
}

/// One field's value and when the message that set it arrived.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub value: f64,
    pub at: Instant,
}

/// A bridge (mosquitto `connection/NAME/state`).
#[derive(Clone, Debug, PartialEq)]
pub struct Bridge {
    pub name: String,
    pub connected: bool,
}

/// The tree read into the common schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub dialect: Dialect,
    pub version: Option<String>,
    /// The broker's node name (EMQX, VerneMQ) when the tree names one.
    pub node: Option<String>,
    /// What else the broker says about itself (EMQX `sysdescr`, mqtk broker `implementation`).
    pub description: Option<String>,
    pub values: BTreeMap<&'static str, Sample>,
    pub bridges: Vec<Bridge>,
    /// Newest arrival in the tree.
    pub last_update: Option<SystemTime>,
}

impl Snapshot {
    pub fn empty(dialect: Dialect) -> Snapshot {
        Snapshot {
            dialect,
            version: None,
            node: None,
            description: None,
            values: BTreeMap::new(),
            bridges: Vec::new(),
            last_update: None,
        }
    }

    pub fn get(&self, name: &str) -> Option<f64> {
        self.values.get(name).map(|s| s.value)
    }

    /// Sets a field (ignored if the name is not in the schema, which a unit test rules out).
    pub fn set(&mut self, name: &str, value: f64, at: Instant) {
        if let Some(f) = field(name) {
            self.values.insert(f.name, Sample { value, at });
        }
    }

    /// Adds to a field (events counted over several topics).
    pub fn add(&mut self, name: &str, value: f64, at: Instant) {
        let now = self.get(name).unwrap_or(0.0);
        let at = self.values.get(name).map_or(at, |s| s.at.max(at));
        self.set(name, now + value, at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_load_fields_resolve() {
        let mut names: Vec<_> = FIELDS.iter().map(|f| f.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FIELDS.len());
        let l = field("load.bytes_sent.5min").unwrap();
        assert_eq!((l.name, l.kind), ("load.bytes_sent.5min", Kind::Gauge));
        assert!(field("load.bytes_sent.2min").is_none());
        assert!(field("load.nothing.1min").is_none());
        assert!(field("clients.bogus").is_none());
    }
}
