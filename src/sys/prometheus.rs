//! The snapshot in the Prometheus text exposition format (version 0.0.4): counters end in
//! `_total`, everything else is a gauge (`clients.total` and `clients.maximum` are gauges: they
//! go down), plus `mqtk_sys_up` and `mqtk_sys_last_update_timestamp_seconds`.

use std::fmt::Write;
use std::time::UNIX_EPOCH;

use super::schema::{FIELDS, Field, Kind, LOAD_SERIES, LOAD_WINDOWS, Snapshot, Unit};

/// The `Content-Type` of a scrape answer.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The metric name of a schema field.
pub fn metric_name(f: &Field) -> String {
    // A gauge must not end in `_total`, the counter suffix: mosquitto's `clients/total` counts
    // sessions, connected or not.
    let base = if f.name == "clients.total" {
        "clients.sessions"
    } else {
        f.name
    };
    let mut name = format!("mqtk_sys_{}", base.replace('.', "_"));
    match f.unit {
        Unit::Bytes if !name.contains("bytes") => name.push_str("_bytes"),
        Unit::Seconds => name.push_str("_seconds"),
        _ => {}
    }
    if f.kind == Kind::Counter {
        name.push_str("_total");
    }
    name
}

fn escape_label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// The exposition. `snap` is `None` (or `up` false) while the broker is unreachable: only
/// `mqtk_sys_up 0` (and the time of the last update seen, if any) is reported then, so no stale
/// value passes for a current one.
pub fn exposition(snap: Option<&Snapshot>, up: bool) -> String {
    let mut out = String::new();
    family(
        &mut out,
        "mqtk_sys_up",
        "gauge",
        "1 when mqtk is connected to the broker and receiving its $SYS tree",
    );
    let _ = writeln!(out, "mqtk_sys_up {}", u8::from(up && snap.is_some()));
    let Some(snap) = snap else {
        return out;
    };
    if let Some(t) = snap
        .last_update
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
    {
        family(
            &mut out,
            "mqtk_sys_last_update_timestamp_seconds",
            "gauge",
            "Unix time of the last $SYS message received",
        );
        let _ = writeln!(
            out,
            "mqtk_sys_last_update_timestamp_seconds {:.3}",
            t.as_secs_f64()
        );
    }
    if !up {
        return out;
    }
    family(
        &mut out,
        "mqtk_sys_broker_info",
        "gauge",
        "The broker's dialect, version and node (value always 1)",
    );
    let _ = writeln!(
        out,
        "mqtk_sys_broker_info{{dialect=\"{}\",version=\"{}\",node=\"{}\"}} 1",
        snap.dialect.name(),
        escape_label(snap.version.as_deref().unwrap_or("")),
        escape_label(snap.node.as_deref().unwrap_or(""))
    );
    for f in FIELDS {
        let Some(v) = snap.get(f.name) else { continue };
        let name = metric_name(f);
        let kind = match f.kind {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
        };
        family(&mut out, &name, kind, f.help);
        let _ = writeln!(out, "{name} {v}");
    }
    let loads: Vec<String> = LOAD_SERIES
        .iter()
        .flat_map(|(series, _)| LOAD_WINDOWS.iter().map(move |w| (series, w)))
        .filter_map(|(series, w)| {
            let v = snap.get(&format!("load.{series}.{w}"))?;
            Some(format!(
                "mqtk_sys_load_per_minute{{series=\"{series}\",window=\"{w}\"}} {v}"
            ))
        })
        .collect();
    if !loads.is_empty() {
        family(
            &mut out,
            "mqtk_sys_load_per_minute",
            "gauge",
            "The broker's moving averages per minute (mosquitto load/...)",
        );
        for l in loads {
            let _ = writeln!(out, "{l}");
        }
    }
    if !snap.bridges.is_empty() {
        family(
            &mut out,
            "mqtk_sys_bridge_connected",
            "gauge",
            "1 when the bridge is connected",
        );
        for b in &snap.bridges {
            let _ = writeln!(
                out,
                "mqtk_sys_bridge_connected{{name=\"{}\"}} {}",
                escape_label(&b.name),
                u8::from(b.connected)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::dialect::{snapshot, tests::*};
    use crate::sys::schema::field;

    #[test]
    fn names_and_types() {
        let name = |n| metric_name(&field(n).unwrap());
        assert_eq!(name("publish.sent"), "mqtk_sys_publish_sent_total");
        assert_eq!(name("bytes.sent"), "mqtk_sys_bytes_sent_total");
        assert_eq!(name("heap.current"), "mqtk_sys_heap_current_bytes");
        assert_eq!(name("clients.total"), "mqtk_sys_clients_sessions");
        assert_eq!(name("broker.uptime"), "mqtk_sys_broker_uptime_seconds");
        let text = exposition(Some(&snapshot(&load(MOSQUITTO))), true);
        assert!(
            text.contains("# TYPE mqtk_sys_clients_sessions gauge\nmqtk_sys_clients_sessions 1\n")
        );
        assert!(!text.contains("mqtk_sys_publish_dropped"));
        assert!(text.contains("# TYPE mqtk_sys_publish_sent_total counter\n"));
        assert!(
            text.contains(
                "mqtk_sys_load_per_minute{series=\"bytes_sent\",window=\"15min\"} 175.26\n"
            )
        );
        assert!(text.contains("mqtk_sys_up 1\n"));
        assert!(text.contains("mqtk_sys_broker_info{dialect=\"mosquitto\""));
    }

    #[test]
    fn broker_away() {
        let snap = snapshot(&load(MQTK));
        let text = exposition(Some(&snap), false);
        assert!(text.contains("mqtk_sys_up 0\n"));
        assert!(text.contains("mqtk_sys_last_update_timestamp_seconds "));
        assert!(!text.contains("mqtk_sys_clients"));
        assert_eq!(
            exposition(None, false).lines().last(),
            Some("mqtk_sys_up 0")
        );
    }
}
