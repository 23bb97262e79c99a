//! The human snapshot: one section per subject (broker, clients, messages, bytes, store, load,
//! heap, bridges), values in human units, absent values left out.

use std::fmt::Write;

use super::schema::{LOAD_SERIES, LOAD_WINDOWS, Snapshot, Unit, field};
use super::units;

/// A field's value in its unit, or `None` when the broker did not report it.
fn value(snap: &Snapshot, name: &str) -> Option<String> {
    let v = snap.get(name)?;
    Some(match field(name).map(|f| f.unit) {
        Some(Unit::Bytes) => units::bytes(v),
        Some(Unit::Seconds) => units::duration(v),
        _ => units::count(v),
    })
}

/// One line: `Label   name value   name value`, skipped when nothing in it was reported.
fn line(out: &mut String, label: &str, items: &[(&str, &str)], snap: &Snapshot) {
    let parts: Vec<String> = items
        .iter()
        .filter_map(|(name, field)| value(snap, field).map(|v| format!("{name} {v}")))
        .collect();
    if !parts.is_empty() {
        let _ = writeln!(out, "{label:<14}{}", parts.join("   "));
    }
}

/// The sectioned snapshot printed by `mqtk sys`.
pub fn human(snap: &Snapshot) -> String {
    let mut out = String::new();
    let mut broker = vec![format!("dialect {}", snap.dialect.name())];
    if let Some(v) = &snap.version {
        broker.push(format!("version {v}"));
    }
    if let Some(n) = &snap.node {
        broker.push(format!("node {n}"));
    }
    if let Some(up) = snap.get("broker.uptime") {
        broker.push(format!("up {}", units::duration(up)));
    }
    let _ = writeln!(out, "{:<14}{}", "Broker", broker.join("   "));
    if let Some(d) = &snap.description {
        let _ = writeln!(out, "{:<14}{d}", "");
    }
    line(
        &mut out,
        "Clients",
        &[
            ("connected", "clients.connected"),
            ("disconnected", "clients.disconnected"),
            ("total", "clients.total"),
            ("maximum", "clients.maximum"),
            ("expired", "clients.expired"),
            ("connects", "clients.connects"),
        ],
        snap,
    );
    line(
        &mut out,
        "Messages",
        &[
            ("received", "publish.received"),
            ("sent", "publish.sent"),
            ("dropped", "publish.dropped"),
            ("retained", "retained.count"),
            ("stored", "store.messages"),
        ],
        snap,
    );
    line(
        &mut out,
        "Packets",
        &[("received", "messages.received"), ("sent", "messages.sent")],
        snap,
    );
    line(
        &mut out,
        "Bytes",
        &[
            ("received", "bytes.received"),
            ("sent", "bytes.sent"),
            ("payload in", "publish.bytes_received"),
            ("payload out", "publish.bytes_sent"),
            ("stored", "store.bytes"),
        ],
        snap,
    );
    line(
        &mut out,
        "Subscriptions",
        &[
            ("count", "subscriptions.count"),
            ("shared", "subscriptions.shared"),
        ],
        snap,
    );
    line(
        &mut out,
        "Heap",
        &[("current", "heap.current"), ("maximum", "heap.maximum")],
        snap,
    );
    line(
        &mut out,
        "Events",
        &[
            ("connected", "events.connected"),
            ("disconnected", "events.disconnected"),
        ],
        snap,
    );
    let loads: Vec<_> = LOAD_SERIES
        .iter()
        .filter_map(|(series, _)| {
            let vals: Vec<Option<f64>> = LOAD_WINDOWS
                .iter()
                .map(|w| snap.get(&format!("load.{series}.{w}")))
                .collect();
            vals.iter().any(Option::is_some).then_some((series, vals))
        })
        .collect();
    if !loads.is_empty() {
        let _ = writeln!(
            out,
            "{:<14}{:<20}{:>10}{:>10}{:>10}",
            "Load (/min)", "", "1min", "5min", "15min"
        );
        for (series, vals) in loads {
            let cells: String = vals
                .iter()
                .map(|v| format!("{:>10}", v.map_or("-".to_string(), |v| format!("{v:.2}"))))
                .collect();
            let _ = writeln!(out, "{:<14}{:<20}{cells}", "", series.replace('_', " "));
        }
    }
    for b in &snap.bridges {
        let state = if b.connected { "connected" } else { "down" };
        let _ = writeln!(out, "{:<14}{} {state}", "Bridge", b.name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::dialect::{snapshot, tests::*};

    #[test]
    fn mosquitto_snapshot_reads_at_a_glance() {
        let text = human(&snapshot(&load(MOSQUITTO)));
        let expected = "\
Broker        dialect mosquitto   version mosquitto version 2.0.11   up 2m 28s
Clients       connected 1   total 1
Messages      sent 137   retained 30   stored 27
Packets       received 5   sent 140
Bytes         received 56 B   sent 5.4 KiB   payload out 541 B   stored 140 B
Subscriptions count 1
Heap          current 41.1 KiB
Load (/min)                             1min      5min     15min
              messages received         2.23      0.77      0.30
              messages sent            24.22     11.63      4.89
              publish sent             22.00     10.87      4.59
              bytes received           29.06      8.94      3.44
              bytes sent              874.13    417.29    175.26
              connections               1.07      0.32      0.12
              sockets                   1.07      0.32      0.12
";
        assert_eq!(text, expected);
    }

    #[test]
    fn emqx_snapshot_names_the_node() {
        let text = human(&snapshot(&load(EMQX)));
        assert!(text.starts_with(
            "Broker        dialect emqx   version EMQX 5.3.0   node emqx@127.0.0.1   up 1h 2m 3s\n"
        ));
        assert!(
            text.contains("Messages      received 1,000   sent 3,000   dropped 7   retained 4\n")
        );
    }
}
