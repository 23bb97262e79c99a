//! Exposure findings of `sys probe`: what the measurements say about how open a broker is, each
//! with a severity and one line of advice.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub severity: Severity,
    pub title: String,
    pub advice: &'static str,
}

/// What the probe learnt about access; `None`: not measured (e.g. anonymous access refused, so
/// nothing could be tried anonymously).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Exposure {
    pub anonymous_connect: Option<bool>,
    pub encrypted: bool,
    /// The probe's own connection sent a password.
    pub password_sent: bool,
    pub sys_readable_anonymously: Option<bool>,
    pub hash_subscribable_anonymously: Option<bool>,
    pub sys_publish_accepted: Option<bool>,
}

pub fn findings(e: &Exposure) -> Vec<Finding> {
    let mut out = Vec::new();
    if e.anonymous_connect == Some(true) {
        out.push(Finding {
            id: "anonymous-connect",
            severity: Severity::High,
            title: "anonymous clients may connect".into(),
            advice: "require passwords or client certificates (mosquitto: allow_anonymous false, \
                     password_file)",
        });
    }
    if !e.encrypted {
        let (severity, title) = if e.password_sent {
            (
                Severity::High,
                "unencrypted listener: the password crossed the network in clear text",
            )
        } else {
            (Severity::Medium, "unencrypted listener")
        };
        out.push(Finding {
            id: "unencrypted",
            severity,
            title: title.into(),
            advice: "offer MQTT over TLS (port 8883) and close the plain listener beyond loopback",
        });
    }
    if e.sys_readable_anonymously == Some(true) {
        out.push(Finding {
            id: "sys-readable",
            severity: Severity::Low,
            title: "$SYS is readable anonymously (broker version and load are public)".into(),
            advice: "deny $SYS/# to anonymous clients in the ACL",
        });
    }
    if e.hash_subscribable_anonymously == Some(true) {
        out.push(Finding {
            id: "hash-subscribable",
            severity: Severity::High,
            title: "anonymous clients may subscribe to # (every message is readable)".into(),
            advice: "restrict anonymous clients with an ACL (or turn anonymous access off)",
        });
    }
    if e.sys_publish_accepted == Some(true) {
        out.push(Finding {
            id: "sys-publish",
            severity: Severity::Medium,
            title: "publishing to $SYS/... is accepted and delivered".into(),
            advice: "deny writes to $SYS/# so clients cannot forge broker statistics",
        });
    }
    out
}

/// The most severe finding, for `--fail-on`.
pub fn worst(findings: &[Finding]) -> Option<Severity> {
    findings.iter().map(|f| f.severity).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_broker_and_a_closed_one() {
        let open = Exposure {
            anonymous_connect: Some(true),
            encrypted: false,
            password_sent: false,
            sys_readable_anonymously: Some(true),
            hash_subscribable_anonymously: Some(true),
            sys_publish_accepted: Some(false),
        };
        let f = findings(&open);
        let ids: Vec<_> = f.iter().map(|f| f.id).collect();
        assert_eq!(
            ids,
            [
                "anonymous-connect",
                "unencrypted",
                "sys-readable",
                "hash-subscribable"
            ]
        );
        assert_eq!(worst(&f), Some(Severity::High));
        let closed = Exposure {
            anonymous_connect: Some(false),
            encrypted: true,
            password_sent: true,
            ..Exposure::default()
        };
        assert!(findings(&closed).is_empty());
        assert_eq!(worst(&[]), None);
    }
}
