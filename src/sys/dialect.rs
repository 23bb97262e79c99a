//! Which broker wrote a `$SYS` tree (recognised from the topics that arrive) and how each
//! dialect's topics map onto the common schema.
//!
//! - mosquitto 2.0: `$SYS/broker/...`, retained, re-sent only when a value changes; `uptime` is
//!   "N seconds", `version` "mosquitto version 2.0.11".
//! - mqtk broker (the mqtt5 crate's tree): `$SYS/broker/...`, retained, every value every
//!   interval; `uptime` is a bare number, `implementation` is "mqtt-v5", `messages/publish/...`
//!   and `retained/count` where mosquitto says `publish/messages/...` and `retained messages/count`.
//! - EMQX: `$SYS/brokers/NODE/...`; `uptime` in milliseconds; `stats/...` and `metrics/...`
//!   (dots become `/`) every `sys_interval` (1 min), not retained.
//! - VerneMQ: `$SYS/NODE/METRIC/SPLIT/ON/UNDERSCORES`, QoS 0, not retained, every 20 s.
//! - NanoMQ: only JSON client events on `$SYS/brokers/{connected,disconnected}`.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::schema::{Bridge, LOAD_SERIES, LOAD_WINDOWS, Snapshot};
use super::tree::Tree;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Mosquitto,
    Mqtk,
    Emqx,
    Vernemq,
    Nanomq,
    Unknown,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Mosquitto => "mosquitto",
            Dialect::Mqtk => "mqtk",
            Dialect::Emqx => "emqx",
            Dialect::Vernemq => "vernemq",
            Dialect::Nanomq => "nanomq",
            Dialect::Unknown => "unknown",
        }
    }

    /// mosquitto publishes a value only when it changed: a counter that was not re-sent is
    /// unchanged, not stale.
    pub fn resends_only_changes(self) -> bool {
        self == Dialect::Mosquitto
    }

    /// Whether the dialect has this field at all (mosquitto counts no connects and sends no
    /// client events): a rate of 0 is only inferred for fields it has.
    pub fn provides(self, field: &str) -> bool {
        match self {
            Dialect::Mosquitto => !matches!(
                field,
                "clients.connects" | "events.connected" | "events.disconnected"
            ),
            _ => true,
        }
    }

    /// The default publish interval, for how long a snapshot may wait for values that are not
    /// retained.
    pub fn default_interval(self) -> Duration {
        Duration::from_secs(match self {
            Dialect::Mosquitto | Dialect::Mqtk => 10,
            Dialect::Emqx => 60,
            Dialect::Vernemq => 20,
            Dialect::Nanomq | Dialect::Unknown => 10,
        })
    }

    /// Fields whose presence makes a snapshot complete. `None`: the dialect has no fixed set
    /// (NanoMQ's events, unknown trees): a snapshot is what arrived in one burst.
    pub fn required(self) -> Option<&'static [&'static str]> {
        match self {
            // mosquitto drops a value from its retained tree after a minute without change
            // (seen on 2.0.11), so an idle broker's tree lacks most values; mqtk's own
            // connection changes these, so they come at the next interval at the latest.
            Dialect::Mosquitto => Some(&[
                "broker.uptime",
                "clients.connected",
                "messages.received",
                "bytes.sent",
            ]),
            Dialect::Mqtk => Some(&[
                "broker.uptime",
                "clients.connected",
                "publish.sent",
                "bytes.sent",
            ]),
            Dialect::Emqx => Some(&["broker.uptime", "clients.connected", "publish.received"]),
            Dialect::Vernemq => Some(&["publish.received", "clients.connected"]),
            Dialect::Nanomq | Dialect::Unknown => None,
        }
    }
}

/// Recognises the dialect from the topics (and a few payloads) in the tree.
pub fn detect(tree: &Tree) -> Dialect {
    if let Some(v) = tree.text("$SYS/broker/version")
        && v.starts_with("mosquitto")
    {
        return Dialect::Mosquitto;
    }
    if tree.get("$SYS/broker/implementation").is_some() {
        return Dialect::Mqtk;
    }
    let mut broker_tree = false;
    for (topic, entry) in tree.iter() {
        let Some(rest) = topic.strip_prefix("$SYS/") else {
            continue;
        };
        if let Some(b) = rest.strip_prefix("broker/") {
            broker_tree = true;
            if b == "retained/count" || b.starts_with("messages/publish/") {
                return Dialect::Mqtk;
            }
            if b == "retained messages/count" || b.starts_with("publish/messages/") {
                return Dialect::Mosquitto;
            }
            if b == "uptime" {
                let text = entry.text().unwrap_or("");
                return if text.ends_with(" seconds") {
                    Dialect::Mosquitto
                } else {
                    Dialect::Mqtk
                };
            }
        } else if rest == "brokers/connected" || rest == "brokers/disconnected" {
            return Dialect::Nanomq;
        } else if rest == "brokers" || rest.starts_with("brokers/") {
            return Dialect::Emqx;
        } else if let Some((node, metric)) = rest.split_once('/')
            && is_vernemq_metric(node, metric)
        {
            return Dialect::Vernemq;
        }
    }
    if broker_tree {
        Dialect::Mosquitto
    } else {
        Dialect::Unknown
    }
}

fn is_vernemq_metric(node: &str, metric: &str) -> bool {
    let root = metric.split('/').next().unwrap_or("");
    node.contains('@')
        || ([
            "mqtt", "queue", "socket", "router", "retain", "system", "cluster",
        ]
        .contains(&root)
            && metric.contains('/'))
}

/// A number in a `$SYS` payload: plain, or mosquitto's "N seconds".
fn number(text: &str) -> Option<f64> {
    let t = text.trim();
    let t = t.strip_suffix(" seconds").unwrap_or(t);
    let n: f64 = t.parse().ok()?;
    n.is_finite().then_some(n)
}

/// Reads the tree into the common schema of its dialect.
pub fn snapshot(tree: &Tree) -> Snapshot {
    let dialect = detect(tree);
    let mut snap = Snapshot::empty(dialect);
    snap.last_update = tree.last_update();
    for (topic, entry) in tree.iter() {
        let Some(text) = entry.text() else { continue };
        let Some(rest) = topic.strip_prefix("$SYS/") else {
            continue;
        };
        let at = entry.at;
        match dialect {
            Dialect::Mosquitto => mosquitto(&mut snap, rest, text, at),
            Dialect::Mqtk => mqtk(&mut snap, rest, text, at),
            Dialect::Emqx => emqx(&mut snap, rest, text, at, entry.count),
            Dialect::Vernemq => vernemq(&mut snap, rest, text, at),
            Dialect::Nanomq => nanomq(&mut snap, rest, at, entry.count),
            Dialect::Unknown => {}
        }
    }
    snap
}

fn mosquitto(snap: &mut Snapshot, rest: &str, text: &str, at: Instant) {
    let Some(b) = rest.strip_prefix("broker/") else {
        return;
    };
    if b == "version" {
        snap.version = Some(text.to_string());
        return;
    }
    if let Some(name) = b
        .strip_prefix("connection/")
        .and_then(|r| r.strip_suffix("/state"))
    {
        snap.bridges.push(Bridge {
            name: name.to_string(),
            connected: text.trim() == "1",
        });
        return;
    }
    if let Some(load) = b.strip_prefix("load/") {
        if let Some((path, window)) = load.rsplit_once('/')
            && LOAD_WINDOWS.contains(&window)
            && let Some((series, _)) = LOAD_SERIES.iter().find(|(_, p)| *p == path)
            && let Some(n) = number(text)
        {
            snap.set(&format!("load.{series}.{window}"), n, at);
        }
        return;
    }
    let field = match b {
        "uptime" => "broker.uptime",
        "clients/connected" => "clients.connected",
        "clients/disconnected" => "clients.disconnected",
        "clients/total" => "clients.total",
        "clients/maximum" => "clients.maximum",
        "clients/expired" => "clients.expired",
        "messages/received" => "messages.received",
        "messages/sent" => "messages.sent",
        "publish/messages/received" => "publish.received",
        "publish/messages/sent" => "publish.sent",
        "publish/messages/dropped" => "publish.dropped",
        "publish/bytes/received" => "publish.bytes_received",
        "publish/bytes/sent" => "publish.bytes_sent",
        "bytes/received" => "bytes.received",
        "bytes/sent" => "bytes.sent",
        "store/messages/count" => "store.messages",
        "store/messages/bytes" => "store.bytes",
        "retained messages/count" => "retained.count",
        "subscriptions/count" => "subscriptions.count",
        "shared_subscriptions/count" => "subscriptions.shared",
        "heap/current" => "heap.current",
        "heap/maximum" => "heap.maximum",
        _ => return,
    };
    if let Some(n) = number(text) {
        snap.set(field, n, at);
    }
}

fn mqtk(snap: &mut Snapshot, rest: &str, text: &str, at: Instant) {
    let Some(b) = rest.strip_prefix("broker/") else {
        return;
    };
    let field = match b {
        "version" => {
            snap.version = Some(format!("mqtt5 {text}"));
            return;
        }
        "implementation" => {
            snap.description = Some(text.to_string());
            return;
        }
        "uptime" => "broker.uptime",
        "clients/connected" => "clients.connected",
        // The mqtt5 broker counts every connection accepted here, not current sessions.
        "clients/total" => "clients.connects",
        "clients/maximum" => "clients.maximum",
        "messages/received" => "messages.received",
        "messages/sent" => "messages.sent",
        "messages/publish/received" => "publish.received",
        "messages/publish/sent" => "publish.sent",
        "bytes/received" => "bytes.received",
        "bytes/sent" => "bytes.sent",
        "retained/count" => "retained.count",
        "subscriptions/count" => "subscriptions.count",
        _ => return,
    };
    if let Some(n) = number(text) {
        snap.set(field, n, at);
    }
}

fn emqx(snap: &mut Snapshot, rest: &str, text: &str, at: Instant, count: u64) {
    let Some(node_rest) = rest.strip_prefix("brokers/") else {
        return;
    };
    let Some((node, path)) = node_rest.split_once('/') else {
        return;
    };
    if snap.node.is_none() {
        snap.node = Some(node.to_string());
    }
    if let Some(client_event) = path.strip_prefix("clients/") {
        if client_event.ends_with("/connected") {
            snap.add("events.connected", count as f64, at);
        } else if client_event.ends_with("/disconnected") {
            snap.add("events.disconnected", count as f64, at);
        }
        return;
    }
    let field = match path {
        "version" => {
            snap.version = Some(format!("EMQX {text}"));
            return;
        }
        "sysdescr" => {
            snap.description = Some(text.to_string());
            return;
        }
        "uptime" => {
            // EMQX 5: milliseconds; EMQX 4 said "3 days, 2 hours, ..." (left in the raw tree).
            if let Some(ms) = number(text) {
                snap.set("broker.uptime", (ms / 1000.0).floor(), at);
            }
            return;
        }
        "stats/live_connections/count" => "clients.connected",
        "stats/connections/count" => "clients.total",
        "stats/live_connections/max" => "clients.maximum",
        "stats/subscriptions/count" => "subscriptions.count",
        "stats/subscriptions/shared/count" => "subscriptions.shared",
        "stats/retained/count" => "retained.count",
        "metrics/packets/received" => "messages.received",
        "metrics/packets/sent" => "messages.sent",
        "metrics/messages/received" => "publish.received",
        "metrics/messages/sent" => "publish.sent",
        "metrics/messages/dropped" => "publish.dropped",
        "metrics/bytes/received" => "bytes.received",
        "metrics/bytes/sent" => "bytes.sent",
        "metrics/client/connected" => "clients.connects",
        _ => return,
    };
    if let Some(n) = number(text) {
        snap.set(field, n, at);
    }
}

fn vernemq(snap: &mut Snapshot, rest: &str, text: &str, at: Instant) {
    let Some((node, metric)) = rest.split_once('/') else {
        return;
    };
    if snap.node.is_none() {
        snap.node = Some(node.to_string());
    }
    let field = match metric {
        "system/wallclock" => {
            if let Some(ms) = number(text) {
                snap.set("broker.uptime", (ms / 1000.0).floor(), at);
            }
            return;
        }
        "active/mqtt/connections" => "clients.connected",
        "client/expired" => "clients.expired",
        "mqtt/connack/accepted/sent" => "clients.connects",
        "mqtt/publish/received" => "publish.received",
        "mqtt/publish/sent" => "publish.sent",
        "queue/message/drop" => "publish.dropped",
        "bytes/received" => "bytes.received",
        "bytes/sent" => "bytes.sent",
        "retain/messages" => "retained.count",
        "router/subscriptions" => "subscriptions.count",
        _ => return,
    };
    if let Some(n) = number(text) {
        snap.set(field, n, at);
    }
}

fn nanomq(snap: &mut Snapshot, rest: &str, at: Instant, count: u64) {
    match rest {
        "brokers/connected" => snap.add("events.connected", count as f64, at),
        "brokers/disconnected" => snap.add("events.disconnected", count as f64, at),
        _ => {}
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A fixture: `TOPIC<TAB>retained|live<TAB>PAYLOAD` per line, `#` comments (each file says
    /// whether it was recorded from a real broker or built from documentation).
    pub(crate) fn load(fixture: &str) -> Tree {
        let mut tree = Tree::new();
        let now = Instant::now();
        for line in fixture
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let mut parts = line.splitn(3, '\t');
            let (topic, kind, payload) = (
                parts.next().unwrap(),
                parts.next().unwrap(),
                parts.next().unwrap_or(""),
            );
            tree.insert(topic, payload.as_bytes(), kind == "retained", now);
        }
        tree
    }

    pub(crate) const MOSQUITTO: &str = include_str!("fixtures/mosquitto-2.0.11.tsv");
    pub(crate) const MQTK: &str = include_str!("fixtures/mqtk-broker.tsv");
    pub(crate) const EMQX: &str = include_str!("fixtures/emqx-5.tsv");
    pub(crate) const VERNEMQ: &str = include_str!("fixtures/vernemq.tsv");
    pub(crate) const NANOMQ: &str = include_str!("fixtures/nanomq.tsv");

    #[test]
    fn mosquitto_recorded_tree() {
        let s = snapshot(&load(MOSQUITTO));
        assert_eq!(s.dialect, Dialect::Mosquitto);
        assert_eq!(s.version.as_deref(), Some("mosquitto version 2.0.11"));
        assert_eq!(s.get("broker.uptime"), Some(148.0));
        assert_eq!(s.get("clients.connected"), Some(1.0));
        assert_eq!(s.get("publish.sent"), Some(137.0));
        assert_eq!(s.get("retained.count"), Some(30.0));
        assert_eq!(s.get("store.bytes"), Some(140.0));
        assert_eq!(s.get("load.bytes_sent.15min"), Some(175.26));
        assert_eq!(s.get("load.connections.1min"), Some(1.07));
        assert_eq!(s.get("heap.current"), Some(42136.0));
        // Expired from mosquitto's retained tree (unchanged for 60 s): absent, not zero.
        assert_eq!(s.get("publish.dropped"), None);
    }

    #[test]
    fn mqtk_broker_recorded_tree() {
        let s = snapshot(&load(MQTK));
        assert_eq!(s.dialect, Dialect::Mqtk);
        assert_eq!(s.version.as_deref(), Some("mqtt5 0.49.0"));
        assert_eq!(s.description.as_deref(), Some("mqtt-v5"));
        assert_eq!(s.get("broker.uptime"), Some(2.0));
        assert_eq!(s.get("retained.count"), Some(15.0));
        assert_eq!(s.get("clients.connects"), Some(0.0));
        assert_eq!(s.get("publish.sent"), Some(0.0));
    }

    #[test]
    fn emqx_tree() {
        let s = snapshot(&load(EMQX));
        assert_eq!(s.dialect, Dialect::Emqx);
        assert_eq!(s.node.as_deref(), Some("emqx@127.0.0.1"));
        assert_eq!(s.version.as_deref(), Some("EMQX 5.3.0"));
        assert_eq!(s.get("broker.uptime"), Some(3723.0));
        assert_eq!(s.get("clients.connected"), Some(10.0));
        assert_eq!(s.get("clients.total"), Some(12.0));
        assert_eq!(s.get("clients.maximum"), Some(18.0));
        assert_eq!(s.get("publish.dropped"), Some(7.0));
        assert_eq!(s.get("messages.sent"), Some(4200.0));
        assert_eq!(s.get("subscriptions.shared"), Some(2.0));
        assert_eq!(s.get("clients.connects"), Some(55.0));
        assert_eq!(s.get("events.connected"), Some(1.0));
        assert_eq!(s.get("events.disconnected"), Some(1.0));
    }

    #[test]
    fn vernemq_tree() {
        let s = snapshot(&load(VERNEMQ));
        assert_eq!(s.dialect, Dialect::Vernemq);
        assert_eq!(s.node.as_deref(), Some("VerneMQ@127.0.0.1"));
        assert_eq!(s.get("broker.uptime"), Some(7200.0));
        assert_eq!(s.get("publish.received"), Some(1000.0));
        assert_eq!(s.get("publish.dropped"), Some(3.0));
        assert_eq!(s.get("clients.connected"), Some(9.0));
        assert_eq!(s.get("subscriptions.count"), Some(17.0));
    }

    #[test]
    fn nanomq_events_and_unknown_trees() {
        let mut tree = load(NANOMQ);
        tree.insert("$SYS/brokers/connected", b"{}", false, Instant::now());
        let s = snapshot(&tree);
        assert_eq!(s.dialect, Dialect::Nanomq);
        assert_eq!(s.get("events.connected"), Some(2.0));
        assert_eq!(s.get("events.disconnected"), Some(1.0));

        let mut other = Tree::new();
        other.insert("$SYS/hivemq/whatever", b"1", true, Instant::now());
        let s = snapshot(&other);
        assert_eq!(s.dialect, Dialect::Unknown);
        assert!(s.values.is_empty());
    }

    #[test]
    fn dialect_from_a_partial_broker_tree() {
        let mut t = Tree::new();
        t.insert("$SYS/broker/uptime", b"12 seconds", true, Instant::now());
        assert_eq!(detect(&t), Dialect::Mosquitto);
        let mut t = Tree::new();
        t.insert("$SYS/broker/uptime", b"12", true, Instant::now());
        assert_eq!(detect(&t), Dialect::Mqtk);
    }
}
