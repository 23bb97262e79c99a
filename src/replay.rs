//! `pub --replay FILE`: reads a capture made by `mqtk sub --json` (NDJSON, the schema of
//! [`crate::format::JsonMessage`]) back into messages, with their original spacing.
//!
//! The whole file is read and checked before connecting, so a malformed line stops the run
//! with its line number (exit 2) before anything is sent, or, with `--skip-bad-lines`, is
//! reported and counted. Payloads and correlation data in base64 are decoded byte for byte.

use std::io::BufRead;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, FixedOffset};

use crate::conn::topic;
use crate::error::usage;
use crate::format::JsonMessage;
use crate::format::json::JsonProperties;
use crate::message::PublishProperties;

/// One message of a capture.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    pub topic: String,
    pub payload: Bytes,
    pub qos: u8,
    pub retain: bool,
    pub properties: Option<PublishProperties>,
    /// When it was received, relative to the first message of the capture.
    pub offset: Duration,
}

/// What to do with a line that is not a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadLines {
    /// Stop before connecting, naming the line (the default).
    Stop,
    /// Report each one and go on.
    Skip,
}

/// A capture read in full.
#[derive(Debug, Default)]
pub struct Capture {
    pub messages: Vec<Recorded>,
    /// Skipped lines (with `BadLines::Skip`): line number and reason.
    pub skipped: Vec<(usize, String)>,
    /// Messages with MQTT 5 properties (which MQTT 3.1.1 cannot send).
    pub with_properties: usize,
}

/// `--rewrite-prefix FROM TO`: topics starting with FROM start with TO instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewrite {
    pub from: String,
    pub to: String,
}

impl Rewrite {
    fn apply(&self, topic: &str) -> Option<String> {
        topic
            .strip_prefix(self.from.as_str())
            .map(|rest| format!("{}{rest}", self.to))
    }
}

/// Reads a capture. `name` names the source in messages (a file name, or `standard input`).
pub fn read(
    input: impl BufRead,
    name: &str,
    bad_lines: BadLines,
    rewrite: Option<&Rewrite>,
) -> anyhow::Result<Capture> {
    let mut capture = Capture::default();
    let mut first: Option<DateTime<FixedOffset>> = None;
    let mut previous = Duration::ZERO;
    for (i, line) in input.split(b'\n').enumerate() {
        let number = i + 1;
        let line = line.map_err(|e| {
            anyhow::anyhow!(
                "{name}: reading line {number}: {}",
                crate::error::io_reason(&e)
            )
        })?;
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match parse_line(line, rewrite) {
            Ok((mut msg, at)) => {
                let start = *first.get_or_insert(at);
                // A capture is in receipt order; a clock step backwards must not make the
                // replay wait for the past, nor reorder messages.
                let offset = (at - start)
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .max(previous);
                previous = offset;
                msg.offset = offset;
                if msg.properties.is_some() {
                    capture.with_properties += 1;
                }
                capture.messages.push(msg);
            }
            Err(reason) => match bad_lines {
                BadLines::Stop => {
                    return Err(usage(format!(
                        "{name}:{number}: {reason} (--skip-bad-lines skips such lines)"
                    )));
                }
                BadLines::Skip => capture.skipped.push((number, reason)),
            },
        }
    }
    Ok(capture)
}

fn parse_line(
    line: &[u8],
    rewrite: Option<&Rewrite>,
) -> Result<(Recorded, DateTime<FixedOffset>), String> {
    let json: JsonMessage<'_> = serde_json::from_slice(line)
        .map_err(|e| format!("not a message of `mqtk sub --json`: {e}"))?;
    let payload = json
        .payload_bytes()
        .map_err(|e| format!("payload: bad base64: {e}"))?;
    if json.qos > 2 {
        return Err(format!("qos {} is not 0, 1 or 2", json.qos));
    }
    let at = DateTime::parse_from_rfc3339(&json.received)
        .map_err(|e| format!("received: not an RFC 3339 time: {e}"))?;
    let topic = match rewrite {
        Some(r) => r
            .apply(&json.topic)
            .unwrap_or_else(|| json.topic.to_string()),
        None => json.topic.to_string(),
    };
    topic::validate_topic(&topic).map_err(|e| format!("topic: {e}"))?;
    let properties = match &json.properties {
        Some(p) => properties(p)?,
        None => None,
    };
    Ok((
        Recorded {
            topic,
            payload: Bytes::from(payload),
            qos: json.qos,
            retain: json.retain,
            properties,
            offset: Duration::ZERO,
        },
        at,
    ))
}

/// The properties a publisher can send again. The topic alias belonged to the recording
/// connection, and subscription identifiers are the broker's: both are left out.
fn properties(p: &JsonProperties<'_>) -> Result<Option<PublishProperties>, String> {
    let correlation_data = match p.correlation_data_bytes() {
        Some(Ok(bytes)) => Some(Bytes::from(bytes)),
        Some(Err(e)) => return Err(format!("correlation_data: bad base64: {e}")),
        None => None,
    };
    if let Some(t) = &p.response_topic {
        topic::validate_topic(t).map_err(|e| format!("response_topic: {e}"))?;
    }
    let props = PublishProperties {
        payload_format_indicator: p.payload_format_indicator,
        message_expiry_interval: p.message_expiry_interval,
        topic_alias: None,
        response_topic: p.response_topic.as_deref().map(String::from),
        correlation_data,
        user_properties: p
            .user_properties
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        subscription_identifiers: Vec::new(),
        content_type: p.content_type.as_deref().map(String::from),
    };
    Ok((props != PublishProperties::default()).then_some(props))
}

/// `--replay-speed`: a positive factor (1 = the original spacing, 2 = twice as fast).
pub fn parse_speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!(
            "'{s}' is not a positive speed factor (1: original spacing, 2: twice as fast)"
        )),
    }
}

/// When a message is due, from the start of the replay.
pub fn due(offset: Duration, speed: f64) -> Duration {
    offset.div_f64(speed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Kind, kind_of};
    use crate::message::Message;
    use chrono::{Local, TimeZone};

    fn line(m: &Message) -> String {
        let mut out = Vec::new();
        crate::format::json::write(&mut out, m, false);
        String::from_utf8(out).unwrap()
    }

    fn message(topic: &str, payload: &'static [u8], millis: i64) -> Message {
        let mut m = Message::new(topic, Bytes::from_static(payload));
        m.received = Local
            .timestamp_millis_opt(1_700_000_000_000 + millis)
            .unwrap();
        m
    }

    #[test]
    fn round_trips_what_sub_json_writes() {
        let mut a = message("a/1", b"text", 0);
        a.qos = 1;
        a.pkid = 9;
        a.retain = true;
        a.properties = Some(Box::new(PublishProperties {
            payload_format_indicator: Some(1),
            message_expiry_interval: Some(30),
            topic_alias: Some(3),
            response_topic: Some("r/1".into()),
            correlation_data: Some(Bytes::from_static(b"\x00\xffid")),
            user_properties: vec![("k".into(), "v".into()), ("k".into(), "w".into())],
            subscription_identifiers: vec![4],
            content_type: Some("text/plain".into()),
        }));
        let b = message("a/2", b"\x00\x01\xfe\xff", 250);
        let text = format!("{}\n\n{}\r\n", line(&a), line(&b));
        let c = read(text.as_bytes(), "cap", BadLines::Stop, None).unwrap();
        assert_eq!(c.messages.len(), 2);
        assert_eq!(c.with_properties, 1);
        let (ra, rb) = (&c.messages[0], &c.messages[1]);
        assert_eq!((ra.topic.as_str(), ra.qos, ra.retain), ("a/1", 1, true));
        let props = ra.properties.clone().unwrap();
        assert_eq!(props.topic_alias, None);
        assert!(props.subscription_identifiers.is_empty());
        assert_eq!(props.correlation_data.as_deref(), Some(&b"\x00\xffid"[..]));
        assert_eq!(props.user_properties.len(), 2);
        assert_eq!(rb.payload, Bytes::from_static(b"\x00\x01\xfe\xff"));
        assert_eq!(rb.offset, Duration::from_millis(250));
        assert_eq!(ra.offset, Duration::ZERO);
    }

    #[test]
    fn rewrite_prefix() {
        let text = format!(
            "{}\n{}\n",
            line(&message("old/x", b"1", 0)),
            line(&message("other/x", b"2", 0))
        );
        let r = Rewrite {
            from: "old/".into(),
            to: "new/deeper/".into(),
        };
        let c = read(text.as_bytes(), "cap", BadLines::Stop, Some(&r)).unwrap();
        assert_eq!(c.messages[0].topic, "new/deeper/x");
        assert_eq!(c.messages[1].topic, "other/x");
    }

    #[test]
    fn clock_steps_back_keep_order() {
        let text = format!(
            "{}\n{}\n{}\n",
            line(&message("t", b"1", 1000)),
            line(&message("t", b"2", 500)),
            line(&message("t", b"3", 1500))
        );
        let c = read(text.as_bytes(), "cap", BadLines::Stop, None).unwrap();
        let offsets: Vec<u64> = c
            .messages
            .iter()
            .map(|m| m.offset.as_millis() as u64)
            .collect();
        assert_eq!(offsets, [0, 0, 500]);
        assert_eq!(
            due(Duration::from_millis(500), 2.0),
            Duration::from_millis(250)
        );
    }

    #[test]
    fn bad_lines_stop_or_are_counted() {
        let good = line(&message("t", b"x", 0));
        let bad_base64 = good.replace(r#""payload":"x""#, r#""payload":"@@","encoding":"base64""#);
        let bad_topic = good.replace(r#""topic":"t""#, r#""topic":"a/+""#);
        let bad_qos = good.replace(r#""qos":0"#, r#""qos":3"#);
        let bad_time = good.replace(r#""received":""#, r#""received":"yesterday"#);
        let text = [
            good.as_str(),
            "not json",
            &bad_base64,
            &bad_topic,
            &bad_qos,
            &bad_time,
            r#"{"topic":"t"}"#,
            good.as_str(),
        ]
        .join("\n");
        let err = read(text.as_bytes(), "cap.ndjson", BadLines::Stop, None).unwrap_err();
        assert_eq!(kind_of(&err), Some(Kind::Usage));
        assert!(
            err.to_string().starts_with("cap.ndjson:2: not a message"),
            "{err}"
        );
        let c = read(text.as_bytes(), "cap.ndjson", BadLines::Skip, None).unwrap();
        assert_eq!(c.messages.len(), 2);
        let lines: Vec<usize> = c.skipped.iter().map(|(n, _)| *n).collect();
        assert_eq!(lines, [2, 3, 4, 5, 6, 7]);
        for (n, reason) in &c.skipped {
            assert!(!reason.contains('\n'), "{n}: {reason}");
        }
        assert!(c.skipped[1].1.contains("base64"));
        assert!(c.skipped[2].1.starts_with("topic:"));
    }

    #[test]
    fn speeds() {
        assert_eq!(parse_speed("2"), Ok(2.0));
        assert_eq!(parse_speed("0.5"), Ok(0.5));
        for bad in ["0", "-1", "inf", "NaN", "fast"] {
            assert!(parse_speed(bad).is_err(), "{bad}");
        }
    }
}
