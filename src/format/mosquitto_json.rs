//! `%j` and `%J`: the JSON object mosquitto_sub 2.0 prints, field for field, for scripts written
//! against it. (`--json` is mqtk's own, stricter schema: see [`super::json`].)
//!
//! Layout, as printed by mosquitto_sub 2.0.11:
//! `{"tst":"2020-05-06T22:12:00.000000+0100","topic":"t","qos":0,"retain":0,"payloadlen":5,`
//! `"mid":1,"properties":{...},"payload":"hello"}`, `mid` only for QoS > 0, `properties` only
//! when the message has MQTT 5 properties: `subscription-identifier` (one key per identifier),
//! `user-properties` (an object, repeating keys when the message repeats them, as mosquitto
//! does), `content-type`, `response-topic`, `correlation-data`, `payload-format-indicator`,
//! `message-expiry-interval`, `topic-alias`. Strings are escaped as mosquitto escapes them (`"` `\` and control
//! characters); other bytes, including bytes that are not UTF-8, are copied as they are, so
//! `%j` is byte-exact but not always valid JSON: use `--json` for that.
//!
//! Differences from mosquitto 2.0.11, which misbehaves in these cases: `tst` has no stray `Z`
//! before the offset (mosquitto prints `...000000Z+0100`; its manual shows `...000000+0100`); a
//! NUL byte in a string is escaped as `\u0000` instead of ending the string early; and with `%J`,
//! a payload that is not valid JSON is printed as an escaped string as with `%j` (mosquitto
//! prints an error on stderr and an empty line instead). `%J` embeds valid JSON with its
//! whitespace removed, keeping keys and numbers exactly as sent.

use super::{push_iso8601, push_uint};
use crate::message::{Message, PublishProperties};

/// Appends the `%j` object (or `%J` when `embed` is set) for `msg`.
pub fn write(out: &mut Vec<u8>, msg: &Message, embed: bool) {
    out.extend_from_slice(b"{\"tst\":\"");
    push_iso8601(out, &msg.received, true);
    out.extend_from_slice(b"\",\"topic\":");
    push_string(out, msg.topic.as_bytes());
    out.extend_from_slice(b",\"qos\":");
    push_uint(out, u64::from(msg.qos));
    out.extend_from_slice(b",\"retain\":");
    out.push(if msg.retain { b'1' } else { b'0' });
    out.extend_from_slice(b",\"payloadlen\":");
    push_uint(out, msg.payload.len() as u64);
    if msg.qos > 0 {
        out.extend_from_slice(b",\"mid\":");
        push_uint(out, u64::from(msg.pkid));
    }
    if let Some(props) = msg.properties.as_ref().filter(|p| has_any(p)) {
        out.extend_from_slice(b",\"properties\":");
        push_properties(out, props);
    }
    out.extend_from_slice(b",\"payload\":");
    if msg.payload.is_empty() {
        // mosquitto_sub prints an empty payload as JSON null, with %j and %J alike.
        out.extend_from_slice(b"null");
    } else if embed && is_json(&msg.payload) {
        push_minified(out, &msg.payload);
    } else {
        push_string(out, &msg.payload);
    }
    out.push(b'}');
}

pub(super) fn has_any(p: &PublishProperties) -> bool {
    p.payload_format_indicator.is_some()
        || p.message_expiry_interval.is_some()
        || p.topic_alias.is_some()
        || p.response_topic.is_some()
        || p.correlation_data.is_some()
        || !p.user_properties.is_empty()
        || !p.subscription_identifiers.is_empty()
        || p.content_type.is_some()
}

fn push_properties(out: &mut Vec<u8>, p: &PublishProperties) {
    let mut first = true;
    let mut key = |out: &mut Vec<u8>, name: &[u8]| {
        out.push(if first { b'{' } else { b',' });
        first = false;
        out.push(b'"');
        out.extend_from_slice(name);
        out.extend_from_slice(b"\":");
    };
    // mosquitto prints properties in the order they arrive; this is the order a mosquitto broker
    // sends them in (the subscription identifier first, then the publisher's).
    for id in &p.subscription_identifiers {
        key(out, b"subscription-identifier");
        push_uint(out, *id as u64);
    }
    if !p.user_properties.is_empty() {
        key(out, b"user-properties");
        for (i, (k, v)) in p.user_properties.iter().enumerate() {
            out.push(if i == 0 { b'{' } else { b',' });
            push_string(out, k.as_bytes());
            out.push(b':');
            push_string(out, v.as_bytes());
        }
        out.push(b'}');
    }
    if let Some(s) = &p.content_type {
        key(out, b"content-type");
        push_string(out, s.as_bytes());
    }
    if let Some(s) = &p.response_topic {
        key(out, b"response-topic");
        push_string(out, s.as_bytes());
    }
    if let Some(data) = &p.correlation_data {
        key(out, b"correlation-data");
        push_string(out, data);
    }
    if let Some(v) = p.payload_format_indicator {
        key(out, b"payload-format-indicator");
        push_uint(out, u64::from(v));
    }
    if let Some(v) = p.message_expiry_interval {
        key(out, b"message-expiry-interval");
        push_uint(out, u64::from(v));
    }
    if let Some(v) = p.topic_alias {
        key(out, b"topic-alias");
        push_uint(out, u64::from(v));
    }
    out.push(b'}');
}

/// A quoted JSON string with mosquitto's escaping; bytes >= 0x20 other than `"` and `\` are
/// copied unchanged.
pub(super) fn push_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    let mut plain_from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[plain_from..i]);
        plain_from = i + 1;
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            super::push_hex(out, &[b], false);
        } else {
            out.extend_from_slice(escape);
        }
    }
    out.extend_from_slice(&bytes[plain_from..]);
    out.push(b'"');
}

/// Re-indents compact JSON (as [`write`] makes it) the way cJSON's `cJSON_Print` does, which is
/// what mosquitto_sub `--pretty` prints: one member per line indented with tabs, a tab after
/// each `:`, arrays on one line with `, ` between elements.
pub fn prettify(compact: &[u8], out: &mut Vec<u8>) {
    let indent = |out: &mut Vec<u8>, depth: usize| out.extend(std::iter::repeat_n(b'\t', depth));
    let mut open: Vec<u8> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    // After `{` or an object's `,`: the next member goes on its own, indented line.
    let mut member_starts = false;
    for &b in compact {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            out.push(b);
            continue;
        }
        if member_starts && b != b'}' {
            indent(out, open.len());
        }
        let was_member_start = std::mem::take(&mut member_starts);
        let in_object = open.last() == Some(&b'{');
        match b {
            b'"' => {
                in_string = true;
                out.push(b);
            }
            b'{' => {
                out.extend_from_slice(b"{\n");
                open.push(b'{');
                member_starts = true;
            }
            b'[' => {
                out.push(b'[');
                open.push(b'[');
            }
            b'}' => {
                if !was_member_start {
                    out.push(b'\n');
                }
                indent(out, open.len().saturating_sub(1));
                out.push(b'}');
                open.pop();
            }
            b']' => {
                out.push(b']');
                open.pop();
            }
            b',' if in_object => {
                out.extend_from_slice(b",\n");
                member_starts = true;
            }
            b',' => out.extend_from_slice(b", "),
            b':' if in_object => out.extend_from_slice(b":\t"),
            _ => out.push(b),
        }
    }
}

fn is_json(payload: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(payload).is_ok()
}

/// Copies valid JSON without the whitespace between tokens.
fn push_minified(out: &mut Vec<u8>, json: &[u8]) {
    let mut in_string = false;
    let mut escaped = false;
    for &b in json {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            continue;
        } else if b == b'"' {
            in_string = true;
        }
        out.push(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use chrono::{Local, TimeZone};

    fn msg(payload: &'static [u8]) -> Message {
        let mut m = Message::new("a/b", Bytes::from_static(payload));
        m.received = Local.timestamp_opt(1_614_834_367, 123_456_789).unwrap();
        m
    }

    fn tst(m: &Message) -> String {
        m.received.format("%Y-%m-%dT%H:%M:%S.123456%z").to_string()
    }

    fn render(m: &Message, embed: bool) -> String {
        let mut out = Vec::new();
        write(&mut out, m, embed);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn pretty_matches_cjson_print() {
        let mut out = Vec::new();
        prettify(
            br#"{"tst":"x","n":1,"payload":{"a":[1,{"b":"c,:{"}],"e":{}},"z":[]}"#,
            &mut out,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\n\t\"tst\":\t\"x\",\n\t\"n\":\t1,\n\t\"payload\":\t{\n\t\t\"a\":\t[1, {\n\t\t\t\t\"b\":\t\"c,:{\"\n\t\t\t}],\n\t\t\"e\":\t{\n\t\t}\n\t},\n\t\"z\":\t[]\n}"
        );
    }

    #[test]
    fn empty_payload_is_null() {
        let m = msg(b"");
        assert!(render(&m, false).ends_with(",\"payloadlen\":0,\"payload\":null}"));
        assert!(render(&m, true).ends_with(",\"payloadlen\":0,\"payload\":null}"));
    }

    #[test]
    fn plain_message_matches_mosquitto_layout() {
        let m = msg(b"hello world");
        assert_eq!(
            render(&m, false),
            format!(
                r#"{{"tst":"{}","topic":"a/b","qos":0,"retain":0,"payloadlen":11,"payload":"hello world"}}"#,
                tst(&m)
            )
        );
    }

    #[test]
    fn mid_for_qos_above_zero_and_retain() {
        let mut m = msg(b"x");
        m.qos = 1;
        m.pkid = 42;
        m.retain = true;
        assert!(
            render(&m, false)
                .contains(r#""qos":1,"retain":1,"payloadlen":1,"mid":42,"payload":"x"}"#)
        );
    }

    #[test]
    fn escaping_like_mosquitto() {
        let m = msg(b"a\x01\x1f\x7f\xc3\xa9\xff\tb\n\"\\/\r\x08\x0c\x00z");
        let mut out = Vec::new();
        write(&mut out, &m, false);
        let payload_at = out
            .windows(11)
            .position(|w| w == b"\"payload\":\"")
            .unwrap()
            + 10;
        assert_eq!(
            &out[payload_at..],
            b"\"a\\u0001\\u001f\x7f\xc3\xa9\xff\\tb\\n\\\"\\\\/\\r\\b\\f\\u0000z\"}"
        );
    }

    #[test]
    fn output_is_valid_json_for_utf8_payloads() {
        let m = msg("tab\there \"quoted\" é \u{1}".as_bytes());
        let v: serde_json::Value = serde_json::from_str(&render(&m, false)).unwrap();
        assert_eq!(v["payload"], "tab\there \"quoted\" é \u{1}");
        assert_eq!(v["payloadlen"], m.payload.len());
    }

    #[test]
    fn properties_in_mosquitto_names() {
        let mut m = msg(b"x");
        m.properties = Some(Box::new(PublishProperties {
            payload_format_indicator: Some(1),
            message_expiry_interval: Some(100),
            topic_alias: Some(4),
            response_topic: Some("r/t".into()),
            correlation_data: Some(Bytes::from_static(b"abc")),
            user_properties: vec![("k1".into(), "v1".into()), ("k1".into(), "v2".into())],
            subscription_identifiers: vec![7],
            content_type: Some("text/x".into()),
        }));
        assert_eq!(
            render(&m, false),
            format!(
                concat!(
                    r#"{{"tst":"{}","topic":"a/b","qos":0,"retain":0,"payloadlen":1,"properties":"#,
                    r#"{{"subscription-identifier":7,"user-properties":{{"k1":"v1","k1":"v2"}},"#,
                    r#""content-type":"text/x","response-topic":"r/t","correlation-data":"abc","#,
                    r#""payload-format-indicator":1,"message-expiry-interval":100,"topic-alias":4}},"#,
                    r#""payload":"x"}}"#
                ),
                tst(&m)
            )
        );
        // Present but empty properties print nothing, like absent ones.
        m.properties = Some(Box::new(PublishProperties::default()));
        assert!(!render(&m, false).contains("properties"));
    }

    #[test]
    fn embedded_json_is_minified_and_keeps_order_and_numbers() {
        let m = msg(b" { \"z\" : 1.50, \"a\":[1, 2], \"s\":\"a b \\\" c\" }\n");
        assert!(
            render(&m, true).ends_with(r#""payload":{"z":1.50,"a":[1,2],"s":"a b \" c"}}"#),
            "{}",
            render(&m, true)
        );
        assert!(render(&msg(b"12"), true).ends_with(r#""payload":12}"#));
        assert!(render(&msg(b"\"s\""), true).ends_with(r#""payload":"s"}"#));
        // Not JSON: falls back to an escaped string, as %j.
        assert!(render(&msg(b"{\"a\":1} x"), true).ends_with(r#""payload":"{\"a\":1} x"}"#));
        assert!(render(&msg(b""), true).ends_with(r#""payload":null}"#));
    }
}
