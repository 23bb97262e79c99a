//! `--json`: one JSON object per message (NDJSON), with a schema of mqtk's own.
//!
//! [`JsonMessage`] *is* the schema: output is made by serialising it, and tests (and scripts in
//! Rust) read output back into it with unknown fields denied. Choices:
//!
//! - `payload` is the payload as text when it is valid UTF-8, with no `encoding` field; otherwise
//!   it is standard base64 (with padding) and `"encoding":"base64"` says so. Nothing is ever
//!   converted lossily. `correlation_data` follows the same rule with `correlation_data_encoding`.
//! - `mid` (packet identifier) appears only for QoS 1 and 2; `dup` is always present.
//! - `received` is RFC 3339 local time with microseconds, e.g. `2026-11-25T13:52:14.518956+01:00`.
//! - `properties` appears only when the message has MQTT 5 properties; inside it, absent ones are
//!   left out. `user_properties` is an array of `[key, value]` pairs, since MQTT allows repeated
//!   keys and their order matters.
//! - Field names are snake_case; output is never coloured (pipe into `jq -C` for that).

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::SecondsFormat;
use serde::{Deserialize, Serialize};

use crate::message::{Message, PublishProperties};

/// One line of `mqtk sub --json` output.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct JsonMessage<'a> {
    pub topic: Cow<'a, str>,
    pub qos: u8,
    pub retain: bool,
    pub dup: bool,
    /// Packet identifier; only for QoS 1 and 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mid: Option<u16>,
    /// Time of receipt, RFC 3339 with microseconds and the local offset.
    pub received: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<JsonProperties<'a>>,
    /// The payload: text when valid UTF-8, else base64 (see `encoding`).
    pub payload: Cow<'a, str>,
    /// Absent for UTF-8 text; `base64` when `payload` is base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
}

/// MQTT 5 publish properties; only those present on the message.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct JsonProperties<'a> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_format_indicator: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_expiry_interval: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_alias: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_topic: Option<Cow<'a, str>>,
    /// Text when valid UTF-8, else base64 (see `correlation_data_encoding`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_data: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_data_encoding: Option<Encoding>,
    /// `[key, value]` pairs in the order received; keys may repeat.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_properties: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscription_identifiers: Vec<usize>,
}

/// How binary data was made into a JSON string.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// Standard base64 alphabet, with padding.
    Base64,
}

/// Text if `bytes` is UTF-8 (borrowed), else base64.
fn text_or_base64(bytes: &[u8]) -> (Cow<'_, str>, Option<Encoding>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), None),
        Err(_) => (Cow::Owned(BASE64.encode(bytes)), Some(Encoding::Base64)),
    }
}

fn decode(text: &str, encoding: Option<Encoding>) -> Result<Vec<u8>, base64::DecodeError> {
    match encoding {
        None => Ok(text.as_bytes().to_vec()),
        Some(Encoding::Base64) => BASE64.decode(text),
    }
}

impl<'a> JsonMessage<'a> {
    pub fn from_message(msg: &'a Message) -> JsonMessage<'a> {
        let (payload, encoding) = text_or_base64(&msg.payload);
        JsonMessage {
            topic: Cow::Borrowed(&msg.topic),
            qos: msg.qos,
            retain: msg.retain,
            dup: msg.dup,
            mid: (msg.qos > 0).then_some(msg.pkid),
            received: msg.received.to_rfc3339_opts(SecondsFormat::Micros, false),
            properties: msg
                .properties
                .as_ref()
                .filter(|p| super::mosquitto_json::has_any(p))
                .map(|p| JsonProperties::from_properties(p)),
            payload,
            encoding,
        }
    }

    /// The payload bytes, decoding base64 when `encoding` says so.
    pub fn payload_bytes(&self) -> Result<Vec<u8>, base64::DecodeError> {
        decode(&self.payload, self.encoding)
    }
}

impl<'a> JsonProperties<'a> {
    pub fn from_properties(p: &'a PublishProperties) -> JsonProperties<'a> {
        let (correlation_data, correlation_data_encoding) = match &p.correlation_data {
            Some(data) => {
                let (text, encoding) = text_or_base64(data);
                (Some(text), encoding)
            }
            None => (None, None),
        };
        JsonProperties {
            payload_format_indicator: p.payload_format_indicator,
            message_expiry_interval: p.message_expiry_interval,
            topic_alias: p.topic_alias,
            response_topic: p.response_topic.as_deref().map(Cow::Borrowed),
            correlation_data,
            correlation_data_encoding,
            user_properties: p
                .user_properties
                .iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str())))
                .collect(),
            content_type: p.content_type.as_deref().map(Cow::Borrowed),
            subscription_identifiers: p.subscription_identifiers.clone(),
        }
    }

    /// The correlation data bytes, decoding base64 when needed.
    pub fn correlation_data_bytes(&self) -> Option<Result<Vec<u8>, base64::DecodeError>> {
        self.correlation_data
            .as_deref()
            .map(|text| decode(text, self.correlation_data_encoding))
    }
}

/// Appends `msg` as one JSON object (indented over several lines when `pretty`), no newline.
pub fn write(out: &mut Vec<u8>, msg: &Message, pretty: bool) {
    let json = JsonMessage::from_message(msg);
    // Serialising strings, integers and booleans into a Vec cannot fail.
    let _ = if pretty {
        serde_json::to_writer_pretty(&mut *out, &json)
    } else {
        serde_json::to_writer(&mut *out, &json)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use chrono::{DateTime, Local, TimeZone};

    fn msg(payload: &'static [u8]) -> Message {
        let mut m = Message::new("a/b", Bytes::from_static(payload));
        m.received = Local.timestamp_opt(1_614_834_367, 123_456_789).unwrap();
        m
    }

    fn render(m: &Message, pretty: bool) -> String {
        let mut out = Vec::new();
        write(&mut out, m, pretty);
        String::from_utf8(out).unwrap()
    }

    fn read_back(line: &str) -> JsonMessage<'static> {
        serde_json::from_str(line).unwrap()
    }

    #[test]
    fn text_payload_snapshot() {
        let m = msg(b"hello \"world\"");
        let received = m.received.format("%Y-%m-%dT%H:%M:%S.123456%:z").to_string();
        assert_eq!(
            render(&m, false),
            format!(
                r#"{{"topic":"a/b","qos":0,"retain":false,"dup":false,"received":"{received}","payload":"hello \"world\""}}"#
            )
        );
        let back = read_back(&render(&m, false));
        assert_eq!(back.payload_bytes().unwrap(), b"hello \"world\"");
        assert_eq!(back.encoding, None);
        let at = DateTime::parse_from_rfc3339(&back.received).unwrap();
        assert_eq!(at.timestamp_micros(), 1_614_834_367_123_456);
    }

    #[test]
    fn mqtt5_snapshot_field_order() {
        let mut m = Message::new("sensors/kitchen", r#"{"t":21.5}"#);
        m.received = Local.timestamp_opt(1_614_834_367, 123_456_789).unwrap();
        m.qos = 1;
        m.pkid = 17;
        m.properties = Some(Box::new(PublishProperties {
            user_properties: vec![("unit".into(), "C".into()), ("unit".into(), "F".into())],
            content_type: Some("application/json".into()),
            ..Default::default()
        }));
        let received = m.received.format("%Y-%m-%dT%H:%M:%S.123456%:z").to_string();
        assert_eq!(
            render(&m, false),
            format!(
                concat!(
                    r#"{{"topic":"sensors/kitchen","qos":1,"retain":false,"dup":false,"mid":17,"#,
                    r#""received":"{}","#,
                    r#""properties":{{"user_properties":[["unit","C"],["unit","F"]],"content_type":"application/json"}},"#,
                    r#""payload":"{{\"t\":21.5}}"}}"#
                ),
                received
            )
        );
    }

    #[test]
    fn binary_payload_is_base64_and_round_trips() {
        let all: Vec<u8> = (0..=255u8).collect();
        let mut m = msg(b"");
        m.payload = Bytes::from(all.clone());
        let line = render(&m, false);
        assert!(line.contains(r#""encoding":"base64""#), "{line}");
        let back = read_back(&line);
        assert_eq!(back.encoding, Some(Encoding::Base64));
        assert_eq!(back.payload, BASE64.encode(&all));
        assert_eq!(back.payload_bytes().unwrap(), all);
        // Invalid UTF-8 at the very end only.
        let mut m = msg(b"abc\xff");
        m.qos = 1;
        let back = read_back(&render(&m, false));
        assert_eq!(back.payload, "YWJj/w==");
        assert_eq!(back.payload_bytes().unwrap(), b"abc\xff");
    }

    #[test]
    fn mid_only_above_qos_zero() {
        let mut m = msg(b"x");
        assert!(!render(&m, false).contains("mid"));
        m.qos = 2;
        m.pkid = 9;
        m.retain = true;
        m.dup = true;
        let back = read_back(&render(&m, false));
        assert_eq!(
            (back.qos, back.mid, back.retain, back.dup),
            (2, Some(9), true, true)
        );
    }

    #[test]
    fn properties_round_trip() {
        let mut m = msg("é".as_bytes());
        m.properties = Some(Box::new(PublishProperties {
            payload_format_indicator: Some(1),
            message_expiry_interval: Some(100),
            topic_alias: Some(4),
            response_topic: Some("r/t".into()),
            correlation_data: Some(Bytes::from_static(b"\xff\x00")),
            user_properties: vec![("k".into(), "1".into()), ("k".into(), "2".into())],
            subscription_identifiers: vec![7, 8],
            content_type: Some("text/x".into()),
        }));
        let line = render(&m, false);
        assert!(
            line.contains(r#""user_properties":[["k","1"],["k","2"]]"#),
            "{line}"
        );
        let back = read_back(&line);
        let props = back.properties.clone().unwrap();
        assert_eq!(props.correlation_data_encoding, Some(Encoding::Base64));
        assert_eq!(
            props.correlation_data_bytes().unwrap().unwrap(),
            b"\xff\x00"
        );
        assert_eq!(props.subscription_identifiers, vec![7, 8]);
        assert_eq!(
            props,
            JsonProperties::from_properties(m.properties.as_ref().unwrap())
        );
        assert_eq!(back, JsonMessage::from_message(&m));
        // Text correlation data stays text.
        m.properties = Some(Box::new(PublishProperties {
            correlation_data: Some(Bytes::from_static(b"id-1")),
            ..Default::default()
        }));
        assert!(render(&m, false).contains(r#""properties":{"correlation_data":"id-1"}"#));
        // Empty properties are left out entirely.
        m.properties = Some(Box::new(PublishProperties::default()));
        assert!(!render(&m, false).contains("properties"));
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let line = render(&msg(b"x"), false);
        let extra = line.replacen('{', r#"{"extra":1,"#, 1);
        assert!(serde_json::from_str::<JsonMessage<'_>>(&extra).is_err());
        let props = line.replacen('{', r#"{"properties":{"nope":1},"#, 1);
        assert!(serde_json::from_str::<JsonMessage<'_>>(&props).is_err());
        let enc = line.replacen('{', r#"{"encoding":"hex","#, 1);
        assert!(serde_json::from_str::<JsonMessage<'_>>(&enc).is_err());
    }

    #[test]
    fn pretty_is_multi_line_and_same_data() {
        let mut m = msg(b"x\ny");
        m.properties = Some(Box::new(PublishProperties {
            user_properties: vec![("a".into(), "b".into())],
            ..Default::default()
        }));
        let pretty = render(&m, true);
        assert!(pretty.lines().count() > 5, "{pretty}");
        assert!(pretty.starts_with("{\n  \"topic\": \"a/b\","), "{pretty}");
        assert_eq!(read_back(&pretty), read_back(&render(&m, false)));
        assert!(!render(&m, false).contains('\n'));
    }
}
