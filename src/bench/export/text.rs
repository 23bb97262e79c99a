//! The human formats: the settings banner (stderr, before a run) and the summary table.

use std::fmt::Write as _;

use super::{fmt_us, plural};
use crate::bench::result::{BenchResult, BrokerFigures, BrokerSysFigures, Mode};

/// The settings banner printed (on stderr) before a run.
pub fn banner(r: &BenchResult) -> String {
    let s = &r.settings;
    let rate = if s.rate > 0.0 {
        format!("{} msgs/s per publisher", s.rate)
    } else {
        "as fast as possible".to_string()
    };
    let batched = if s.coalesce_us > 0 {
        format!(
            ", network I/O batched up to {} (--coalesce) on {} thread{}",
            fmt_us(s.coalesce_us as f64),
            s.threads,
            if s.threads == 1 { "" } else { "s" }
        )
    } else {
        String::new()
    };
    let amount = match (s.messages, s.duration_s) {
        (Some(m), Some(d)) => format!("{m} messages or {d}s per publisher"),
        (Some(m), None) => format!("{m} messages per publisher"),
        (None, Some(d)) => format!("{d}s"),
        (None, None) => "until interrupted".to_string(),
    };
    match r.mode {
        Mode::Conn => format!(
            "mqtk bench conn: {} to {}, {}, held {}s\n",
            plural(u64::from(s.connections), "connection"),
            s.broker,
            if s.connect_rate > 0.0 {
                format!("{} per second", s.connect_rate)
            } else {
                "as fast as possible".to_string()
            },
            s.hold_s
        ),
        Mode::Sub => format!(
            "mqtk bench sub: {} on '{}' at {}, QoS {}, {amount}{batched}\n",
            plural(u64::from(s.subscribers), "subscriber"),
            s.filter,
            s.broker,
            s.qos,
        ),
        mode @ (Mode::Pubsub | Mode::Pub) => {
            let subs = if mode == Mode::Pubsub {
                format!(
                    ", {} on '{}'",
                    plural(u64::from(s.subscribers), "subscriber"),
                    s.filter
                )
            } else {
                String::new()
            };
            format!(
                "mqtk bench {mode}: {} to '{}'{subs} at {}, QoS {}, {}-byte messages, {amount}, {rate}{batched}{}\n",
                plural(u64::from(s.publishers), "publisher"),
                s.topic,
                s.broker,
                s.qos,
                s.size,
                if s.warmup_s > 0.0 {
                    format!(", {}s warm-up", s.warmup_s)
                } else {
                    String::new()
                }
            )
        }
    }
}

/// The human summary table.
pub fn human(r: &BenchResult) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} in {} (measured {}){}",
        r.mode,
        fmt_us(r.elapsed_s * 1e6),
        fmt_us(r.measured_s * 1e6),
        if r.interrupted { ", interrupted" } else { "" }
    );
    if r.publish.is_some() || r.receive.is_some() {
        let _ = writeln!(
            o,
            "{:<14}{:>12}{:>14}{:>10}",
            "", "messages", "msgs/s", "MB/s"
        );
    }
    if let Some(rc) = &r.receive {
        let _ = writeln!(
            o,
            "{:<14}{:>12}{:>14.1}{:>10.2}",
            "received", rc.received, rc.rate, rc.mb_per_s
        );
        let expected = rc
            .expected
            .map_or(String::new(), |e| format!("expected {e}, "));
        let _ = writeln!(
            o,
            "{expected}lost {}, duplicates {}, out of order {}{}",
            rc.lost,
            rc.duplicates,
            rc.out_of_order,
            if rc.foreign > 0 {
                format!(", without bench header {}", rc.foreign)
            } else {
                String::new()
            }
        );
    }
    if let Some(p) = &r.publish {
        // At QoS 0 a publisher only knows what it wrote into its socket, not what was delivered.
        let label = if r.settings.qos == 0 {
            "written"
        } else {
            "published"
        };
        let _ = writeln!(
            o,
            "{:<14}{:>12}{:>14.1}{:>10.2}",
            label, p.sent, p.rate, p.mb_per_s
        );
        if r.settings.qos > 0 {
            let _ = writeln!(o, "{:<14}{:>12}", "acknowledged", p.acked);
        }
    }
    if r.mode == Mode::Conn || r.connect.failed > 0 {
        let c = &r.connect;
        let _ = writeln!(
            o,
            "connections: {} attempted, {} connected, {} failed, {:.1}/s{}",
            c.attempted,
            c.connected,
            c.failed,
            c.rate,
            c.rss_bytes.map_or(String::new(), |b| format!(
                ", mqtk's own memory {:.1} MB ({:.1} KB per connection)",
                b as f64 / 1e6,
                if c.connected > 0 {
                    b as f64 / 1e3 / c.connected as f64
                } else {
                    0.0
                }
            ))
        );
        for (reason, n) in &c.failures {
            let _ = writeln!(o, "  failed: {reason}: {n}");
        }
    }
    if r.reconnects > 0 {
        let _ = writeln!(o, "reconnects: {}", r.reconnects);
    }
    if let Some(b) = &r.broker {
        let _ = writeln!(
            o,
            "broker (pid {}): CPU {:.2} of a core (busiest second {:.2}), memory {:.1} MB \
             (max {:.1} MB)",
            b.pid,
            b.cpu_busy,
            b.cpu_busy_max,
            b.rss_end_bytes as f64 / 1e6,
            b.rss_max_bytes as f64 / 1e6
        );
        if let Some(line) = cpu_per_message_line(r, b) {
            let _ = writeln!(o, "{line}");
        }
    }
    if let Some(b) = &r.broker_sys {
        let _ = writeln!(o, "{}", broker_sys_line(b));
    }
    // Failed connections are errors too: never "errors: none" beside them.
    if r.errors.is_empty() && r.connect.failed == 0 {
        let _ = writeln!(o, "errors: none");
    } else if !r.errors.is_empty() {
        let list: Vec<String> = r.errors.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let _ = writeln!(o, "errors: {}", list.join(", "));
    }
    let rows = [
        ("end to end", &r.latency),
        ("publish-ack", &r.ack_latency),
        ("connect", &r.connect.time),
        ("schedule lag", &r.schedule_lag),
    ];
    if rows.iter().any(|(_, p)| p.is_some()) {
        let _ = writeln!(
            o,
            "{:<14}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}",
            "latency", "min", "p50", "p90", "p99", "p99.9", "max", "mean"
        );
        for (name, p) in rows {
            if let Some(p) = p {
                let _ = writeln!(
                    o,
                    "{:<14}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}",
                    name,
                    fmt_us(p.min_us as f64),
                    fmt_us(p.p50_us as f64),
                    fmt_us(p.p90_us as f64),
                    fmt_us(p.p99_us as f64),
                    fmt_us(p.p999_us as f64),
                    fmt_us(p.max_us as f64),
                    fmt_us(p.mean_us),
                );
            }
        }
    }
    if !r.clients.is_empty() {
        let _ = writeln!(
            o,
            "{:<5}{:<24}{:>10}{:>10}{:>10}{:>8}{:>8}{:>12}{:>8}",
            "role", "client", "sent", "acked", "received", "lost", "dups", "msgs/s", "errors"
        );
        for c in &r.clients {
            let _ = writeln!(
                o,
                "{:<5}{:<24}{:>10}{:>10}{:>10}{:>8}{:>8}{:>12.1}{:>8}",
                c.role.name(),
                c.client_id,
                c.sent,
                c.acked,
                c.received,
                c.lost,
                c.duplicates,
                c.rate,
                c.errors
            );
        }
    }
    for n in &r.notes {
        let _ = writeln!(o, "note: {n}");
    }
    for a in &r.assertions {
        let actual = a.actual.map_or("not measured".to_string(), |v| {
            crate::bench::assert::parse_relative(&a.expr)
                .map_or_else(|_| format!("{v}"), |x| x.metric.show(v))
        });
        let _ = writeln!(
            o,
            "assert {}: {} (actual {actual})",
            a.expr,
            if a.passed { "pass" } else { "FAIL" }
        );
    }
    o
}

/// CPU per message of the broker and of mqtk, which says whether the generator could have been
/// the limit; per message delivered (received), or acknowledged where nothing is received.
fn cpu_per_message_line(r: &BenchResult, b: &BrokerFigures) -> Option<String> {
    let messages = match (&r.receive, &r.publish) {
        (Some(rx), _) if rx.received > 0 => rx.received,
        (_, Some(tx)) if tx.acked > 0 => tx.acked,
        _ => return None,
    } as f64;
    let (broker, mqtk) = (b.cpu_s? * 1e6 / messages, b.mqtk_cpu_s? * 1e6 / messages);
    let ratio = if broker > 0.0 {
        format!(" ({:.2} of the broker's)", mqtk / broker)
    } else {
        String::new()
    };
    Some(format!(
        "CPU per message: broker {}, mqtk {}{ratio}",
        fmt_us_fine(broker),
        fmt_us_fine(mqtk)
    ))
}

/// Microseconds with one decimal below 100 µs (CPU per message is often a few µs).
fn fmt_us_fine(us: f64) -> String {
    if us < 100.0 {
        format!("{us:.1}µs")
    } else {
        fmt_us(us)
    }
}

/// The broker's `$SYS` figures: gauges as before -> after, counters as the change over the run.
fn broker_sys_line(b: &BrokerSysFigures) -> String {
    let mut parts = Vec::new();
    let gauge = |name: &str, bytes: bool| -> Option<String> {
        let show = |v: f64| {
            if bytes && v >= 1e6 {
                format!("{:.1} MB", v / 1e6)
            } else if bytes {
                format!("{:.1} kB", v / 1e3)
            } else {
                format!("{v:.0}")
            }
        };
        match (b.before.get(name), b.after.get(name)) {
            (Some(x), Some(y)) => Some(format!("{} -> {}", show(*x), show(*y))),
            (None, Some(y)) => Some(show(*y)),
            _ => None,
        }
    };
    let counter = |name: &str| -> Option<String> {
        let (x, y) = (b.before.get(name)?, b.after.get(name)?);
        Some(format!("{:+.0}", y - x))
    };
    if let Some(t) = gauge("clients.connected", false) {
        parts.push(format!("clients {t}"));
    }
    if let Some(t) = gauge("heap.current", true) {
        parts.push(format!("heap {t}"));
    }
    if let Some(t) = counter("messages.received") {
        parts.push(format!("messages received {t}"));
    }
    if let Some(t) = counter("messages.sent") {
        parts.push(format!("sent {t}"));
    }
    match counter("publish.dropped") {
        Some(t) => parts.push(format!("dropped {t}")),
        None => {
            if let Some(d) = b.after.get("publish.dropped") {
                parts.push(format!("dropped {d:.0} in all"));
            }
        }
    }
    if parts.is_empty() {
        parts.push("no known figures".to_string());
    }
    let mut line = format!("broker $SYS ({}): {}", b.dialect, parts.join(", "));
    if let Some(age) = b.after_age_s.filter(|a| *a >= 1.0) {
        line.push_str(&format!(
            " (its last report came {age:.1}s before the end; brokers publish $SYS at an interval)"
        ));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::result::{AssertionOutcome, fixture};

    #[test]
    fn human_table() {
        let expected = "\
pubsub in 2.00s (measured 2.00s)
                  messages        msgs/s      MB/s
received               998         499.0      0.03
expected 1000, lost 2, duplicates 1, out of order 0
published             1000         500.0      0.03
acknowledged          1000
errors: connection lost: 1
latency             min      p50      p90      p99    p99.9      max     mean
end to end         40µs    120µs    300µs   1.50ms   2.50ms    3.00s    150µs
connect           800µs    900µs   1.00ms   1.00ms   1.00ms   1.00ms    900µs
note: at full speed, latency is mostly queueing
";
        assert_eq!(human(&fixture::sample()), expected);
    }

    #[test]
    fn human_conn_and_assertions() {
        let mut r = fixture::sample();
        r.mode = Mode::Conn;
        r.publish = None;
        r.receive = None;
        r.latency = None;
        r.errors.clear();
        r.notes.clear();
        r.connect.failed = 2;
        r.connect.failures.insert("refused (5)".into(), 2);
        r.connect.rss_bytes = Some(3_000_000);
        r.assertions = vec![AssertionOutcome {
            expr: "connect_p99 < 2ms".into(),
            passed: true,
            actual: Some(1000.0),
        }];
        let text = human(&r);
        assert!(text.contains(
            "connections: 3 attempted, 3 connected, 2 failed, 300.0/s, mqtk's own memory 3.0 MB (1000.0 KB per connection)"
        ), "{text}");
        assert!(text.contains("  failed: refused (5): 2\n"));
        // Failed connections are errors: never "errors: none" beside them.
        assert!(!text.contains("errors: none"), "{text}");
        assert!(text.ends_with("assert connect_p99 < 2ms: pass (actual 1.00ms)\n"));
    }

    #[test]
    fn banner_text() {
        assert_eq!(
            banner(&fixture::sample()),
            "mqtk bench pubsub: 2 publishers to 'mqtk-bench/%i', 1 subscriber on 'mqtk-bench/+' at \
             localhost:1883, QoS 1, 64-byte messages, 500 messages per publisher, as fast as possible\n"
        );
        let mut r = fixture::sample();
        (r.settings.coalesce_us, r.settings.threads) = (300, 1);
        assert!(banner(&r).ends_with(
            "as fast as possible, network I/O batched up to 300µs (--coalesce) on 1 thread\n"
        ));
    }
}
