//! `-F FORMAT`: parses mosquitto_sub's format strings once into tokens, and renders messages with them.
//!
//! The grammar is mosquitto_sub 2.0's (see `man mosquitto_sub`, OUTPUT FORMAT):
//!
//! - `%[-][0][WIDTH][.PRECISION]C` message fields: `%%` `%t` `%p` `%q` `%r` `%l` `%m` `%x` `%X`
//!   `%j` `%J` `%I` `%U`, and the MQTT 5 properties `%A` `%C` `%D` `%E` `%F` `%P` `%R` `%S`.
//!   `-` left-aligns, `0` zero-pads (numeric and hex fields only, ignored with `-`).
//!   As in mosquitto, the width applies to `%A %C %E %F %I %l %m %p %R %S %t %x %X` and is ignored
//!   elsewhere; the precision (maximum width) applies to `%C %I %R %t` and, as an mqtk extension,
//!   to `%p` (mosquitto ignores it there).
//! - `@` and one character c is strftime's `%c` for the time of receipt (chrono's specifiers), `@N` the
//!   nanoseconds within the second (9 digits), `@@` a literal `@`.
//! - `\\ \0 \a \e \n \r \t \v` escapes.
//!
//! Like mosquitto, an unknown `%` specifier or `\` escape, and a lone `%`, `@` or `\` at the end,
//! are rejected before connecting. mosquitto hands unknown `@` specifiers to strftime, which prints
//! them in some platform-dependent way; mqtk rejects them too, so a typo is caught at once.
//!
//! Deliberate differences from mosquitto 2.0.11, all for cases where mosquitto misbehaves:
//! widths and precisions of text fields (`%t %C %R %I`) count characters rather than bytes, so
//! a precision never cuts a UTF-8 character in half (identical for ASCII); `%x`/`%X` pad the
//! whole hex string to the width (mosquitto 2.0.11 prints only part of the payload when a width is
//! given); a width on `%p` is a minimum as documented (mosquitto 2.0.11 also cuts the payload to
//! the width); `%S` prints every subscription identifier, comma-separated; `@Z` prints the
//! numeric offset (`+05:30`) rather than a zone abbreviation; and see [`super::mosquitto_json`]
//! for `%j`/`%J`. An absent MQTT 5 property is an empty value, padded to the width like any other
//! (so `%05E` without an expiry interval prints `00000`, as mosquitto does).

use chrono::format::{Item, StrftimeItems};

use super::json_field::{self, FieldPath};
use super::mosquitto_json;
use super::{push_hex, push_iso8601, push_padded, push_uint};
use crate::message::Message;

/// The largest field width or precision accepted; anything bigger is surely a typo, and would
/// make every message allocate that much.
const MAX_WIDTH: usize = 65_535;

/// A parsed `-F` format string.
#[derive(Debug)]
pub struct Template {
    tokens: Vec<Token>,
    /// `--pretty`: `%j`/`%J` objects indented as mosquitto_sub `--pretty` prints them.
    pretty: bool,
    /// `--require-fields`: a missing `%{FIELD}` is an error rather than an empty value.
    require_fields: bool,
}

#[derive(Debug)]
enum Token {
    /// Text copied as-is (literal text, `%%`, `@@` and escapes, merged).
    Literal(Vec<u8>),
    Field(Field, Spec),
    /// A run of `@` time specifiers, formatted against the time of receipt.
    Time(Vec<Item<'static>>),
    /// `%{FIELD}`: a field of a JSON payload (an mqtk extension).
    JsonField(FieldPath, Spec),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Topic,
    Payload,
    Qos,
    Retain,
    Length,
    Mid,
    HexLower,
    HexUpper,
    Json,
    JsonEmbedded,
    Iso8601,
    UnixNanos,
    TopicAlias,
    ContentType,
    CorrelationData,
    MessageExpiry,
    PayloadFormat,
    UserProperties,
    ResponseTopic,
    SubscriptionIds,
}

/// How a value is measured for width and precision.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Bytes,
    Chars,
}

impl Field {
    fn from_char(c: char) -> Option<Field> {
        Some(match c {
            't' => Field::Topic,
            'p' => Field::Payload,
            'q' => Field::Qos,
            'r' => Field::Retain,
            'l' => Field::Length,
            'm' => Field::Mid,
            'x' => Field::HexLower,
            'X' => Field::HexUpper,
            'j' => Field::Json,
            'J' => Field::JsonEmbedded,
            'I' => Field::Iso8601,
            'U' => Field::UnixNanos,
            'A' => Field::TopicAlias,
            'C' => Field::ContentType,
            'D' => Field::CorrelationData,
            'E' => Field::MessageExpiry,
            'F' => Field::PayloadFormat,
            'P' => Field::UserProperties,
            'R' => Field::ResponseTopic,
            'S' => Field::SubscriptionIds,
            _ => return None,
        })
    }

    fn takes_width(self) -> bool {
        use Field::*;
        matches!(
            self,
            TopicAlias
                | ContentType
                | MessageExpiry
                | PayloadFormat
                | Iso8601
                | Length
                | Mid
                | Payload
                | ResponseTopic
                | SubscriptionIds
                | Topic
                | HexLower
                | HexUpper
        )
    }

    fn takes_zero(self) -> bool {
        use Field::*;
        matches!(
            self,
            TopicAlias
                | MessageExpiry
                | PayloadFormat
                | Length
                | Mid
                | SubscriptionIds
                | HexLower
                | HexUpper
        )
    }

    fn takes_precision(self) -> bool {
        use Field::*;
        matches!(
            self,
            ContentType | Iso8601 | ResponseTopic | Topic | Payload
        )
    }

    fn unit(self) -> Unit {
        match self {
            Field::Topic | Field::ContentType | Field::ResponseTopic | Field::Iso8601 => {
                Unit::Chars
            }
            _ => Unit::Bytes,
        }
    }
}

/// Width and alignment of one field, already reduced to what applies to that field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Spec {
    left: bool,
    zero: bool,
    width: usize,
    precision: Option<usize>,
}

impl Spec {
    fn is_plain(&self) -> bool {
        self.width == 0 && self.precision.is_none()
    }
}

/// The usage error for a rejected format string, quoting it (escaped, so it stays on one line).
fn bad(format: &str, what: impl std::fmt::Display) -> anyhow::Error {
    crate::error::usage(format!("invalid -F format {format:?}: {what}"))
}

impl Template {
    /// Parses `format`; every problem is a usage error naming it.
    pub fn parse(format: &str) -> anyhow::Result<Template> {
        let mut tokens: Vec<Token> = Vec::new();
        let mut chars = format.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    let byte = match chars.next() {
                        Some('\\') => b'\\',
                        Some('0') => 0,
                        Some('a') => 0x07,
                        Some('e') => 0x1b,
                        Some('n') => b'\n',
                        Some('r') => b'\r',
                        Some('t') => b'\t',
                        Some('v') => 0x0b,
                        Some(other) => {
                            return Err(bad(
                                format,
                                format_args!(
                                    "unknown escape '\\{other}' (known: \\\\ \\0 \\a \\e \\n \\r \\t \\v)"
                                ),
                            ));
                        }
                        None => {
                            return Err(bad(
                                format,
                                "lone '\\' at the end (write \\\\ for a backslash)",
                            ));
                        }
                    };
                    push_literal(&mut tokens, &[byte]);
                }
                '@' => match chars.next() {
                    Some('@') => push_literal(&mut tokens, b"@"),
                    Some(spec) => {
                        // @N is mosquitto's nanoseconds extension; chrono's %f is the same
                        // (nanoseconds within the second, zero-padded to 9 digits).
                        let strftime = if spec == 'N' {
                            "%f".to_string()
                        } else {
                            format!("%{spec}")
                        };
                        let items =
                            StrftimeItems::new(&strftime)
                                .parse_to_owned()
                                .map_err(|_| {
                                    bad(format, format_args!("unknown time specifier '@{spec}'"))
                                })?;
                        match tokens.last_mut() {
                            Some(Token::Time(run)) => run.extend(items),
                            _ => tokens.push(Token::Time(items)),
                        }
                    }
                    None => {
                        return Err(bad(format, "lone '@' at the end (write @@ for an @)"));
                    }
                },
                '%' => {
                    let mut spec = Spec::default();
                    if chars.next_if(|&c| c == '-').is_some() {
                        spec.left = true;
                    }
                    if chars.next_if(|&c| c == '0').is_some() {
                        spec.zero = true;
                    }
                    spec.width = parse_number(format, &mut chars)?.unwrap_or(0);
                    if chars.next_if(|&c| c == '.').is_some() {
                        spec.precision = Some(parse_number(format, &mut chars)?.unwrap_or(0));
                    }
                    let Some(conv) = chars.next() else {
                        return Err(bad(
                            format,
                            "incomplete '%' specifier at the end (write %% for a %)",
                        ));
                    };
                    if conv == '%' {
                        push_literal(&mut tokens, b"%");
                        continue;
                    }
                    if conv == '{' {
                        let mut name = String::new();
                        loop {
                            match chars.next() {
                                Some('}') => break,
                                Some(c) => name.push(c),
                                None => {
                                    return Err(bad(format, "'%{' without a closing '}'"));
                                }
                            }
                        }
                        let path = FieldPath::parse(&name).map_err(|e| bad(format, e))?;
                        spec.zero = false;
                        tokens.push(Token::JsonField(path, spec));
                        continue;
                    }
                    let Some(field) = Field::from_char(conv) else {
                        return Err(bad(
                            format,
                            format_args!(
                                "unknown specifier '%{conv}' (known: %% %t %p %q %r %l %m %x %X %j %J \
                                 %I %U %A %C %D %E %F %P %R %S %{{FIELD}})"
                            ),
                        ));
                    };
                    // Reduce the spec to what mosquitto applies to this field, so rendering
                    // needs no further checks.
                    if !field.takes_width() {
                        spec.width = 0;
                    }
                    if !field.takes_precision() {
                        spec.precision = None;
                    }
                    spec.zero = spec.zero && !spec.left && field.takes_zero();
                    tokens.push(Token::Field(field, spec));
                }
                other => {
                    let mut buf = [0u8; 4];
                    push_literal(&mut tokens, other.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        Ok(Template {
            tokens,
            pretty: false,
            require_fields: false,
        })
    }

    /// With `on`, `%j` and `%J` print indented JSON (mosquitto_sub's `--pretty`).
    pub fn pretty(mut self, on: bool) -> Template {
        self.pretty = on;
        self
    }

    /// `--require-fields`: a payload that is not JSON, or lacks a `%{FIELD}`, makes
    /// [`render`](Self::render) fail instead of printing an empty value.
    pub fn require_fields(mut self, on: bool) -> Template {
        self.require_fields = on;
        self
    }

    /// Appends `msg` rendered with this template to `out` (no trailing newline). Fails only with
    /// [`require_fields`](Self::require_fields), naming the missing field; `out` then holds a
    /// partial line the caller drops.
    pub fn render(&self, msg: &Message, out: &mut Vec<u8>) -> Result<(), String> {
        // The payload is parsed once per message, and only if a `%{FIELD}` needs it.
        let mut doc: Option<Option<serde_json::Value>> = None;
        for token in &self.tokens {
            match token {
                Token::JsonField(path, spec) => {
                    let parsed =
                        doc.get_or_insert_with(|| serde_json::from_slice(&msg.payload).ok());
                    let value = parsed.as_ref().and_then(|d| path.lookup(d));
                    match value {
                        Some(v) => {
                            let start = out.len();
                            json_field::write_value(out, v);
                            if !spec.is_plain() {
                                fit(out, start, spec, Unit::Chars);
                            }
                        }
                        None if self.require_fields => {
                            let why = if parsed.is_none() {
                                "the payload is not JSON".to_string()
                            } else {
                                format!("the payload has no field '{}'", path.written)
                            };
                            return Err(format!(
                                "--require-fields: a message on '{}': {why}",
                                msg.topic
                            ));
                        }
                        None => {
                            if !spec.is_plain() {
                                let start = out.len();
                                fit(out, start, spec, Unit::Chars);
                            }
                        }
                    }
                }
                Token::Literal(bytes) => out.extend_from_slice(bytes),
                Token::Field(field, spec) => {
                    let start = out.len();
                    render_field(*field, msg, out);
                    if self.pretty && matches!(field, Field::Json | Field::JsonEmbedded) {
                        let compact = out.split_off(start);
                        mosquitto_json::prettify(&compact, out);
                    }
                    if !spec.is_plain() {
                        fit(out, start, spec, field.unit());
                    }
                }
                Token::Time(items) => push_time(out, msg, items),
            }
        }
        Ok(())
    }
}

fn push_literal(tokens: &mut Vec<Token>, bytes: &[u8]) {
    match tokens.last_mut() {
        Some(Token::Literal(run)) => run.extend_from_slice(bytes),
        _ => tokens.push(Token::Literal(bytes.to_vec())),
    }
}

fn parse_number(
    format: &str,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
) -> anyhow::Result<Option<usize>> {
    let mut value: Option<usize> = None;
    while let Some(c) = chars.next_if(char::is_ascii_digit) {
        let digit = c as usize - '0' as usize;
        let next = value.unwrap_or(0) * 10 + digit;
        if next > MAX_WIDTH {
            return Err(bad(
                format,
                format_args!("field width or precision over {MAX_WIDTH}"),
            ));
        }
        value = Some(next);
    }
    Ok(value)
}

/// Writes the time items for the message's time of receipt.
pub(super) fn push_time(out: &mut Vec<u8>, msg: &Message, items: &[Item<'_>]) {
    let formatted = msg.received.format_with_items(items.iter());
    // Items were validated when parsed (or are constants), so formatting cannot fail.
    let _ = formatted.write_to(&mut ByteSink(out));
}

/// `fmt::Write` into a byte buffer, so chrono can format without an intermediate `String`.
pub(super) struct ByteSink<'a>(pub &'a mut Vec<u8>);

impl std::fmt::Write for ByteSink<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

fn render_field(field: Field, msg: &Message, out: &mut Vec<u8>) {
    let props = msg.properties.as_ref();
    match field {
        Field::Topic => out.extend_from_slice(msg.topic.as_bytes()),
        Field::Payload => out.extend_from_slice(&msg.payload),
        Field::Qos => push_uint(out, u64::from(msg.qos)),
        Field::Retain => out.push(if msg.retain { b'1' } else { b'0' }),
        Field::Length => push_uint(out, msg.payload.len() as u64),
        Field::Mid => push_uint(out, u64::from(msg.pkid)),
        Field::HexLower => push_hex(out, &msg.payload, false),
        Field::HexUpper => push_hex(out, &msg.payload, true),
        Field::Json => mosquitto_json::write(out, msg, false),
        Field::JsonEmbedded => mosquitto_json::write(out, msg, true),
        Field::Iso8601 => push_iso8601(out, &msg.received, false),
        Field::UnixNanos => {
            let at = msg.received;
            push_signed(out, at.timestamp());
            out.push(b'.');
            push_padded(out, u64::from(at.timestamp_subsec_nanos()), 9);
        }
        Field::TopicAlias => push_opt(out, props.and_then(|p| p.topic_alias).map(u64::from)),
        Field::ContentType => {
            if let Some(s) = props.and_then(|p| p.content_type.as_deref()) {
                out.extend_from_slice(s.as_bytes());
            }
        }
        Field::CorrelationData => {
            if let Some(data) = props.and_then(|p| p.correlation_data.as_ref()) {
                out.extend_from_slice(data);
            }
        }
        Field::MessageExpiry => push_opt(
            out,
            props.and_then(|p| p.message_expiry_interval).map(u64::from),
        ),
        Field::PayloadFormat => push_opt(
            out,
            props
                .and_then(|p| p.payload_format_indicator)
                .map(u64::from),
        ),
        Field::UserProperties => {
            for (i, (key, value)) in props
                .map_or(&[][..], |p| &p.user_properties[..])
                .iter()
                .enumerate()
            {
                if i > 0 {
                    out.push(b' ');
                }
                out.extend_from_slice(key.as_bytes());
                out.push(b':');
                out.extend_from_slice(value.as_bytes());
            }
        }
        Field::ResponseTopic => {
            if let Some(s) = props.and_then(|p| p.response_topic.as_deref()) {
                out.extend_from_slice(s.as_bytes());
            }
        }
        Field::SubscriptionIds => {
            let ids = props.map_or(&[][..], |p| &p.subscription_identifiers[..]);
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                push_uint(out, *id as u64);
            }
        }
    }
}

fn push_opt(out: &mut Vec<u8>, value: Option<u64>) {
    if let Some(v) = value {
        push_uint(out, v);
    }
}

fn push_signed(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    push_uint(out, v.unsigned_abs());
}

/// Applies precision (truncation) and width (padding) to the value just written at `out[start..]`.
fn fit(out: &mut Vec<u8>, start: usize, spec: &Spec, unit: Unit) {
    let value = &out[start..];
    let mut len = match unit {
        Unit::Bytes => value.len(),
        Unit::Chars => count_chars(value),
    };
    if let Some(max) = spec.precision
        && len > max
    {
        let cut = match unit {
            Unit::Bytes => max,
            Unit::Chars => char_boundary(value, max),
        };
        out.truncate(start + cut);
        len = max;
    }
    if len < spec.width {
        let pad = spec.width - len;
        if spec.left {
            out.resize(out.len() + pad, b' ');
        } else {
            out.resize(out.len() + pad, if spec.zero { b'0' } else { b' ' });
            out[start..].rotate_right(pad);
        }
    }
}

/// Characters in UTF-8 text (continuation bytes do not start a character).
fn count_chars(text: &[u8]) -> usize {
    text.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// Byte offset where character number `n` starts (or the end).
fn char_boundary(text: &[u8], n: usize) -> usize {
    text.iter()
        .enumerate()
        .filter(|&(_, &b)| b & 0xC0 != 0x80)
        .nth(n)
        .map_or(text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Kind, kind_of};
    use crate::message::PublishProperties;
    use bytes::Bytes;
    use chrono::{Local, TimeZone};

    fn msg() -> Message {
        let mut m = Message::new("sensors/kitchen", "hello");
        // 2021-03-04T05:06:07.000123456Z
        m.received = Local.timestamp_opt(1_614_834_367, 123_456).unwrap();
        m
    }

    fn render(format: &str, m: &Message) -> Vec<u8> {
        let t = Template::parse(format).unwrap();
        let mut out = Vec::new();
        t.render(m, &mut out).unwrap();
        out
    }

    fn render_str(format: &str, m: &Message) -> String {
        String::from_utf8(render(format, m)).unwrap()
    }

    fn rejected(format: &str) -> String {
        let err = Template::parse(format).unwrap_err();
        assert_eq!(kind_of(&err), Some(Kind::Usage), "{format:?}");
        err.to_string()
    }

    fn props() -> PublishProperties {
        PublishProperties {
            payload_format_indicator: Some(1),
            message_expiry_interval: Some(100),
            topic_alias: Some(3),
            response_topic: Some("reply/here".into()),
            correlation_data: Some(Bytes::from_static(b"c\x00d")),
            user_properties: vec![("k1".into(), "v1".into()), ("k1".into(), "v2".into())],
            subscription_identifiers: vec![7, 9],
            content_type: Some("text/plain".into()),
        }
    }

    #[test]
    fn basic_fields() {
        let mut m = msg();
        m.qos = 2;
        m.retain = true;
        m.pkid = 513;
        assert_eq!(
            render_str("%t|%p|%q|%r|%l|%m|%%", &m),
            "sensors/kitchen|hello|2|1|5|513|%"
        );
        m.retain = false;
        assert_eq!(render_str("%r", &m), "0");
    }

    #[test]
    fn hex() {
        let mut m = msg();
        m.payload = Bytes::from_static(b"\x00\xab\xff\x10");
        assert_eq!(render_str("%x %X", &m), "00abff10 00ABFF10");
        assert_eq!(
            render_str("[%010x|%-10X|%10x]", &m),
            "[0000abff10|00ABFF10  |  00abff10]"
        );
    }

    #[test]
    fn payload_is_byte_exact() {
        let mut m = msg();
        let all: Vec<u8> = (0..=255u8).collect();
        m.payload = Bytes::from(all.clone());
        assert_eq!(render("%p", &m), all);
        let mut expected = b"<".to_vec();
        expected.extend_from_slice(&all);
        expected.push(b'>');
        assert_eq!(render("<%p>", &m), expected);
    }

    #[test]
    fn width_and_precision_like_mosquitto() {
        let m = msg(); // topic sensors/kitchen (15), payload hello (5)
        assert_eq!(render_str("[%20t]", &m), "[     sensors/kitchen]");
        assert_eq!(render_str("[%-20t]", &m), "[sensors/kitchen     ]");
        assert_eq!(render_str("[%.7t]", &m), "[sensors]");
        assert_eq!(render_str("[%10.7t]", &m), "[   sensors]");
        assert_eq!(render_str("[%-10.7t]", &m), "[sensors   ]");
        assert_eq!(render_str("[%5.t]", &m), "[     ]");
        // 0 pads numbers and hex only, and loses to -.
        assert_eq!(
            render_str("[%08l|%-08l|%005l|%020t]", &m),
            "[00000005|5       |00005|     sensors/kitchen]"
        );
        assert_eq!(
            render_str("[%8p|%-8p|%08p]", &m),
            "[   hello|hello   |   hello]"
        );
        // Width is ignored where mosquitto ignores it.
        assert_eq!(render_str("[%5q|%5r|%5%|%.5%]", &m), "[0|0|%|%]");
        // Precision is ignored on numbers; on %p it is mqtk's extension.
        assert_eq!(render_str("[%5.1l|%.2p|%.p]", &m), "[    5|he|]");
        // A width narrower than the value never truncates.
        assert_eq!(render_str("[%2t]", &m), "[sensors/kitchen]");
    }

    #[test]
    fn text_width_counts_characters() {
        let mut m = msg();
        m.topic = "héllo/wörld".into();
        assert_eq!(render_str("[%13t]", &m), "[  héllo/wörld]");
        assert_eq!(render_str("[%.2t]", &m), "[hé]");
        assert_eq!(render_str("[%-4.2t]", &m), "[hé  ]");
    }

    #[test]
    fn escapes() {
        let m = msg();
        assert_eq!(
            render("\\\\\\0\\a\\e\\n\\r\\t\\v", &m),
            b"\\\x00\x07\x1b\n\r\t\x0b".to_vec()
        );
        assert_eq!(render("%t\\0%p", &m), b"sensors/kitchen\x00hello".to_vec());
    }

    #[test]
    fn literal_text_and_unicode_pass_through() {
        let m = msg();
        assert_eq!(
            render_str("topic=%t → ok 100%% @@home", &m),
            "topic=sensors/kitchen → ok 100% @home"
        );
        assert_eq!(render_str("", &m), "");
    }

    #[test]
    fn time_fields() {
        let m = msg();
        let at = m.received;
        assert_eq!(
            render_str("%I", &m),
            at.format("%Y-%m-%dT%H:%M:%S%z").to_string()
        );
        assert_eq!(render_str("%U", &m), "1614834367.000123456");
        assert_eq!(
            render_str("@Y-@m-@d @H:@M:@S.@N @s @@ @j", &m),
            at.format("%Y-%m-%d %H:%M:%S.000123456 1614834367 @ %j")
                .to_string()
        );
        assert_eq!(render_str("@N", &m), "000123456");
        // %I takes width and precision.
        assert_eq!(render_str("%.4I", &m), at.format("%Y").to_string());
        assert_eq!(
            render_str("%-26I|", &m),
            format!("{:<26}|", at.format("%Y-%m-%dT%H:%M:%S%z").to_string())
        );
    }

    #[test]
    fn iso8601_matches_chrono_for_any_offset() {
        use chrono::FixedOffset;
        for offset in [
            0,
            3600,
            -5 * 3600,
            5 * 3600 + 1800,
            -(9 * 3600 + 30 * 60),
            14 * 3600,
        ] {
            let tz = FixedOffset::east_opt(offset).unwrap();
            for (secs, nanos) in [
                (0, 0),
                (1_614_834_367, 123_456_789),
                (4_102_444_799, 999_999_999),
            ] {
                let at = tz.timestamp_opt(secs, nanos).unwrap();
                let mut out = Vec::new();
                push_iso8601(&mut out, &at, false);
                assert_eq!(out, at.format("%Y-%m-%dT%H:%M:%S%z").to_string().as_bytes());
                out.clear();
                push_iso8601(&mut out, &at, true);
                assert_eq!(
                    out,
                    at.format("%Y-%m-%dT%H:%M:%S%.6f%z").to_string().as_bytes()
                );
            }
        }
    }

    #[test]
    fn mqtt5_properties() {
        let mut m = msg();
        assert_eq!(render_str("[%A|%C|%D|%E|%F|%P|%R|%S]", &m), "[|||||||]");
        // Absent values are empty strings, padded like any other (as mosquitto does).
        assert_eq!(render_str("[%3A|%03E|%3C]", &m), "[   |000|   ]");
        m.properties = Some(Box::new(props()));
        assert_eq!(
            render("[%A|%C|%D|%E|%F|%P|%R|%S]", &m),
            b"[3|text/plain|c\x00d|100|1|k1:v1 k1:v2|reply/here|7,9]".to_vec()
        );
        assert_eq!(
            render_str("[%04A|%-4E|%3F|%.4C|%.5R|%04S]", &m),
            "[0003|100 |  1|text|reply|07,9]"
        );
        m.properties = Some(Box::new(PublishProperties::default()));
        assert_eq!(render_str("[%A|%C|%D|%E|%F|%P|%R|%S]", &m), "[|||||||]");
    }

    #[test]
    fn rejects_bad_formats() {
        assert!(rejected("%z").contains("unknown specifier '%z'"));
        assert!(rejected("abc %").contains("incomplete '%'"));
        assert!(rejected("%-08").contains("incomplete '%'"));
        assert!(rejected("%0-8l").contains("'%-'"));
        assert!(rejected("%é").contains("'%é'"));
        assert!(rejected("a\\").contains("lone '\\'"));
        assert!(rejected("\\q").contains("unknown escape '\\q'"));
        assert!(rejected("a@").contains("lone '@'"));
        assert!(rejected("@Q").contains("unknown time specifier '@Q'"));
        assert!(rejected("@.").contains("'@.'"));
        assert!(rejected("%99999999999999999999999t").contains("over 65535"));
        assert!(rejected("%1.99999t").contains("over 65535"));
        // One line, with the format quoted.
        let msg = rejected("x\ny%z");
        assert!(!msg.contains('\n'), "{msg}");
        assert!(msg.contains(r#""x\ny%z""#), "{msg}");
    }

    #[test]
    fn json_fields() {
        let m = Message::new(
            "PMtest/jsonvalue",
            r#"{"Time": "12:19:30", "Sensor": 1, "Value": 33, "C_F": "C", "deep": {"list": [1, "two"]}}"#,
        );
        assert_eq!(
            render_str(
                "Sensor %{Sensor} got value %{Value} %{C_F} at time %{/Time}",
                &m
            ),
            "Sensor 1 got value 33 C at time 12:19:30"
        );
        assert_eq!(
            render_str("%{deep.list.1}|%{deep}", &m),
            r#"two|{"list":[1,"two"]}"#
        );
        assert_eq!(
            render_str("[%5{Sensor}][%-4{C_F}][%.3{Time}]", &m),
            "[    1][C   ][12:]"
        );
        assert_eq!(render_str("[%{nope}][%3{nope}]", &m), "[][   ]");
        let not_json = Message::new("t", "hello");
        assert_eq!(render_str("%t=%{a}", &not_json), "t=");
        let strict = Template::parse("%{Value}").unwrap().require_fields(true);
        let mut out = Vec::new();
        strict.render(&m, &mut out).unwrap();
        assert_eq!(out, b"33");
        let err = strict.render(&not_json, &mut out).unwrap_err();
        assert_eq!(
            err,
            "--require-fields: a message on 't': the payload is not JSON"
        );
        let err = Template::parse("%{Nope}")
            .unwrap()
            .require_fields(true)
            .render(&m, &mut out)
            .unwrap_err();
        assert!(err.ends_with("the payload has no field 'Nope'"), "{err}");
        for bad in ["%{}", "%{a..b}", "%{Value", "%{/a~2}"] {
            assert!(rejected(bad).contains("invalid -F format"), "{bad}");
        }
    }

    #[test]
    fn tokens_are_merged() {
        let t = Template::parse("a\\tb%%c@@@Y@m%t").unwrap();
        assert_eq!(t.tokens.len(), 3, "{:?}", t.tokens);
    }
}
