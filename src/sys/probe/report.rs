//! The result of `sys probe` and its two renderings: a table for people and one JSON document.

use std::fmt::Write;

use serde::Serialize;

use super::findings::{Exposure, Finding};

/// A protocol version tried: accepted, or the one-line reason it was not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionResult {
    pub version: &'static str,
    pub accepted: bool,
    pub error: Option<String>,
}

/// What the broker announced in its MQTT 5 CONNACK.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Limits {
    pub maximum_qos: u8,
    pub retain_available: bool,
    pub receive_maximum: u16,
    pub maximum_packet_size: usize,
    pub server_keepalive: Option<u16>,
    pub assigned_client_id: Option<String>,
    pub wildcard_available: bool,
    pub shared_available: bool,
    pub subscription_ids_available: bool,
    pub topic_alias_maximum: u16,
    pub session_expiry: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoundTrip {
    pub qos: u8,
    pub sent: u32,
    pub received: u32,
    /// From the first publish to the last message back, milliseconds.
    pub millis: Option<f64>,
}

/// A feature check's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    /// Shared subscriptions: every subscriber got every message.
    NotShared,
    Refused,
    TimedOut,
    NotTried,
}

impl Outcome {
    pub fn text(self) -> &'static str {
        match self {
            Outcome::Ok => "OK",
            Outcome::NotShared => "not shared (each subscriber got every message)",
            Outcome::Refused => "refused",
            Outcome::TimedOut => "timed out",
            Outcome::NotTried => "not tried",
        }
    }
}

/// A limit found by bounded search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Largest {
    /// Largest accepted (`None`: not even the smallest).
    pub accepted: Option<usize>,
    /// The search cap was accepted: the broker's limit may be higher.
    pub at_cap: bool,
    pub trials: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProbeReport {
    pub target: String,
    pub topic_prefix: String,
    pub versions: Vec<VersionResult>,
    pub limits: Option<Limits>,
    pub round_trips: Vec<RoundTrip>,
    pub retained: Outcome,
    pub wildcard_plus: Outcome,
    pub wildcard_hash: Outcome,
    pub shared_subscription: Outcome,
    pub largest_payload: Option<Largest>,
    pub longest_topic: Option<Largest>,
    pub longest_client_id: Option<Largest>,
    pub exposure: Exposure,
    pub findings: Vec<Finding>,
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn largest(l: &Option<Largest>, unit: &str) -> String {
    match l {
        None => "not tried".into(),
        Some(Largest { accepted: None, .. }) => "nothing accepted".into(),
        Some(Largest {
            accepted: Some(n),
            at_cap,
            trials,
        }) => {
            let cap = if *at_cap {
                " (the cap: may be more)"
            } else {
                ""
            };
            format!("{n} {unit}{cap}, {trials} trials")
        }
    }
}

/// The table.
pub fn table(r: &ProbeReport) -> String {
    let mut out = String::new();
    let row = |out: &mut String, k: &str, v: &str| {
        let _ = writeln!(out, "{k:<24}{v}");
    };
    row(&mut out, "Broker", &r.target);
    for v in &r.versions {
        let text = match (&v.accepted, &v.error) {
            (true, _) => "accepted".to_string(),
            (false, Some(e)) => format!("refused: {e}"),
            (false, None) => "refused".to_string(),
        };
        row(&mut out, &format!("MQTT {}", v.version), &text);
    }
    if let Some(l) = &r.limits {
        row(
            &mut out,
            "CONNACK (MQTT 5)",
            &format!(
                "maximum QoS {}, retain {}, receive maximum {}, maximum packet {} bytes{}",
                l.maximum_qos,
                yes(l.retain_available),
                l.receive_maximum,
                l.maximum_packet_size,
                l.server_keepalive
                    .map(|k| format!(", server keepalive {k} s"))
                    .unwrap_or_default()
            ),
        );
        row(
            &mut out,
            "",
            &format!(
                "wildcards {}, shared subscriptions {}, subscription ids {}, topic aliases {}{}",
                yes(l.wildcard_available),
                yes(l.shared_available),
                yes(l.subscription_ids_available),
                l.topic_alias_maximum,
                l.session_expiry
                    .map(|s| format!(", session expiry {s} s"))
                    .unwrap_or_default()
            ),
        );
    }
    for t in &r.round_trips {
        let time = t.millis.map(|m| format!(", {m:.1} ms")).unwrap_or_default();
        row(
            &mut out,
            &format!("QoS {} round trip", t.qos),
            &format!("{}/{} received{time}", t.received, t.sent),
        );
    }
    row(&mut out, "Retained message", r.retained.text());
    row(&mut out, "Wildcard +", r.wildcard_plus.text());
    row(&mut out, "Wildcard #", r.wildcard_hash.text());
    row(
        &mut out,
        "Shared subscription",
        r.shared_subscription.text(),
    );
    row(
        &mut out,
        "Largest payload",
        &largest(&r.largest_payload, "bytes"),
    );
    row(
        &mut out,
        "Longest topic",
        &largest(&r.longest_topic, "bytes"),
    );
    row(
        &mut out,
        "Longest client id",
        &largest(&r.longest_client_id, "bytes"),
    );
    if r.findings.is_empty() {
        row(&mut out, "Findings", "none");
    }
    for f in &r.findings {
        let _ = writeln!(
            out,
            "{:<24}{}: {} ({})",
            "Finding",
            f.severity.name(),
            f.title,
            f.advice
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::probe::findings::findings;

    #[test]
    fn table_reads_as_a_report() {
        let exposure = Exposure {
            anonymous_connect: Some(true),
            encrypted: false,
            ..Exposure::default()
        };
        let r = ProbeReport {
            target: "mqtt://127.0.0.1:1883".into(),
            topic_prefix: "mqtk-probe/x".into(),
            versions: vec![VersionResult {
                version: "3.1.1",
                accepted: true,
                error: None,
            }],
            limits: None,
            round_trips: vec![RoundTrip {
                qos: 1,
                sent: 10,
                received: 10,
                millis: Some(1.25),
            }],
            retained: Outcome::Ok,
            wildcard_plus: Outcome::Ok,
            wildcard_hash: Outcome::Ok,
            shared_subscription: Outcome::NotShared,
            largest_payload: Some(Largest {
                accepted: Some(10000),
                at_cap: false,
                trials: 16,
            }),
            longest_topic: None,
            longest_client_id: None,
            findings: findings(&exposure),
            exposure,
        };
        let t = table(&r);
        assert!(
            t.contains("QoS 1 round trip        10/10 received, 1.2 ms\n"),
            "{t}"
        );
        assert!(
            t.contains("Largest payload         10000 bytes, 16 trials\n"),
            "{t}"
        );
        assert!(
            t.contains("Finding                 high: anonymous clients may connect"),
            "{t}"
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["shared_subscription"], "not_shared");
        assert_eq!(json["findings"][0]["severity"], "high");
    }
}
