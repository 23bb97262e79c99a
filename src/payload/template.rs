//! Payload templates (`pub --template`): `{{...}}` placeholders parsed once, before connecting,
//! and expanded for every message.
//!
//! Grammar: text is copied byte for byte; `{{NAME ARGS}}` is a placeholder (spaces around NAME
//! and between ARGS are free). `{{` opens a placeholder anywhere; a `}}` outside one is literal
//! text, so JSON with nested objects needs no escaping (JSON never contains `{{`). A literal `{{`
//! is written `{{"{{"}}`: a quoted string is a placeholder that expands to itself.
//!
//! | placeholder | expands to |
//! |---|---|
//! | `{{seq}}` / `{{index}}` | message number from 1 / repeat index from 0 |
//! | `{{int LO HI}}` | random integer, LO..=HI |
//! | `{{float LO HI [DECIMALS]}}` | random number in LO..HI, DECIMALS (default 2) places |
//! | `{{now}}` / `{{now FORMAT}}` | local time, RFC 3339 / strftime FORMAT |
//! | `{{unix}}` / `{{unix_ms}}` | Unix time in seconds / milliseconds |
//! | `{{uuid}}` | a random (version 4) UUID |
//! | `{{client_id}}` / `{{topic}}` | this client's identifier / the topic published to |
//! | `{{env NAME}}` | the environment variable NAME (read once; unset is an error) |
//! | `{{line}}` | the next line of standard input (one message per line) |
//! | `{{"TEXT"}}` | TEXT itself |
//!
//! Randoms come from one generator per run (xoshiro256++, a fixed and documented algorithm), so
//! `--seed N` repeats a run exactly, on any machine and with any version of mqtk that keeps it.

use bytes::Bytes;
use chrono::format::{Item, StrftimeItems};
use chrono::{Local, SecondsFormat};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt, SeedableRng};

/// What a template may refer to that is fixed for the whole run.
pub struct Context<'a> {
    pub client_id: &'a str,
    pub topic: &'a str,
    /// Looks up an environment variable (a parameter so tests need not touch the process).
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

/// A parsed template.
#[derive(Clone, Debug)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Clone, Debug)]
enum Part {
    Literal(Vec<u8>),
    Seq,
    Index,
    Int { lo: i64, hi: i64 },
    Float { lo: f64, hi: f64, decimals: usize },
    NowRfc3339,
    Now(Vec<Item<'static>>),
    Unix,
    UnixMs,
    Uuid,
    Line,
}

const KNOWN: &str = "seq index int float now unix unix_ms uuid client_id topic env line \"TEXT\"";

/// A template error: the 1-based character position of the placeholder and what is wrong.
#[derive(Debug, PartialEq, Eq)]
pub struct TemplateError {
    pub column: usize,
    pub reason: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at character {}: {}", self.column, self.reason)
    }
}

impl Template {
    /// Parses `text`; `{{client_id}}`, `{{topic}}` and `{{env NAME}}` are resolved now.
    pub fn parse(text: &str, ctx: &Context<'_>) -> Result<Template, TemplateError> {
        let mut parts: Vec<Part> = Vec::new();
        let mut rest = text;
        let mut offset = 0; // byte offset of `rest` in `text`
        while let Some(open) = rest.find("{{") {
            push_literal(&mut parts, &rest.as_bytes()[..open]);
            let start = offset + open;
            let column = text[..start].chars().count() + 1;
            let inner_start = open + 2;
            let close = find_close(&rest[inner_start..]).ok_or_else(|| TemplateError {
                column,
                reason: "'{{' without a closing '}}' (write {{\"{{\"}} for a literal {{)".into(),
            })?;
            let inner = &rest[inner_start..inner_start + close];
            let bad = |reason: String| TemplateError { column, reason };
            parse_placeholder(inner.trim(), ctx, &mut parts).map_err(bad)?;
            let consumed = inner_start + close + 2;
            rest = &rest[consumed..];
            offset += consumed;
        }
        push_literal(&mut parts, rest.as_bytes());
        Ok(Template { parts })
    }

    /// Whether the template reads standard input (`{{line}}`): then there is one message per line.
    pub fn uses_line(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Line))
    }

    /// Whether the template has no placeholder that changes between messages.
    pub fn is_constant(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Literal(_)))
    }
}

/// The end of a placeholder: the first `}}` not inside a quoted string.
fn find_close(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut in_quote = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_quote => i += 1,
            b'"' => in_quote = !in_quote,
            b'}' if !in_quote && bytes.get(i + 1) == Some(&b'}') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn push_literal(parts: &mut Vec<Part>, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    match parts.last_mut() {
        Some(Part::Literal(run)) => run.extend_from_slice(bytes),
        _ => parts.push(Part::Literal(bytes.to_vec())),
    }
}

fn parse_placeholder(inner: &str, ctx: &Context<'_>, parts: &mut Vec<Part>) -> Result<(), String> {
    if inner.starts_with('"') {
        let text: String =
            serde_json::from_str(inner).map_err(|_| format!("bad quoted text {inner:?}"))?;
        push_literal(parts, text.as_bytes());
        return Ok(());
    }
    let (name, args) = match inner.find(char::is_whitespace) {
        Some(i) => (&inner[..i], inner[i..].trim()),
        None => (inner, ""),
    };
    let words: Vec<&str> = args.split_whitespace().collect();
    let no_args = |part: Part| {
        if words.is_empty() {
            Ok(part)
        } else {
            Err(format!("{{{{{name}}}}} takes no arguments"))
        }
    };
    let part = match name {
        "" => return Err(format!("empty placeholder (known: {KNOWN})")),
        "seq" => no_args(Part::Seq)?,
        "index" => no_args(Part::Index)?,
        "unix" => no_args(Part::Unix)?,
        "unix_ms" => no_args(Part::UnixMs)?,
        "uuid" => no_args(Part::Uuid)?,
        "line" => no_args(Part::Line)?,
        "client_id" => {
            no_args(Part::Seq)?;
            Part::Literal(ctx.client_id.as_bytes().to_vec())
        }
        "topic" => {
            no_args(Part::Seq)?;
            Part::Literal(ctx.topic.as_bytes().to_vec())
        }
        "int" => {
            let [lo, hi] = words[..] else {
                return Err("{{int LO HI}} takes two integers, e.g. {{int 0 100}}".into());
            };
            let number = |w: &str| {
                w.parse::<i64>()
                    .map_err(|_| format!("{{{{int}}}}: '{w}' is not an integer"))
            };
            let (lo, hi) = (number(lo)?, number(hi)?);
            if lo > hi {
                return Err(format!("{{{{int {lo} {hi}}}}}: LO is above HI"));
            }
            Part::Int { lo, hi }
        }
        "float" => {
            let (lo, hi, decimals) = match words[..] {
                [lo, hi] => (lo, hi, None),
                [lo, hi, d] => (lo, hi, Some(d)),
                _ => {
                    return Err(
                        "{{float LO HI [DECIMALS]}} takes two numbers and an optional number \
                         of decimal places, e.g. {{float 20 25 1}}"
                            .into(),
                    );
                }
            };
            let number = |w: &str| match w.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(format!("{{{{float}}}}: '{w}' is not a finite number")),
            };
            let (lo, hi) = (number(lo)?, number(hi)?);
            if lo > hi {
                return Err(format!("{{{{float {lo} {hi}}}}}: LO is above HI"));
            }
            let decimals = match decimals {
                None => 2,
                Some(d) => match d.parse::<usize>() {
                    Ok(d) if d <= 17 => d,
                    _ => {
                        return Err(format!(
                            "{{{{float}}}}: decimal places must be 0 to 17, not '{d}'"
                        ));
                    }
                },
            };
            Part::Float { lo, hi, decimals }
        }
        "now" => {
            if args.is_empty() {
                Part::NowRfc3339
            } else {
                let items = StrftimeItems::new(args)
                    .parse_to_owned()
                    .map_err(|_| format!("{{{{now}}}}: bad strftime format {args:?}"))?;
                Part::Now(items)
            }
        }
        "env" => {
            let [var] = words[..] else {
                return Err("{{env NAME}} takes one variable name".into());
            };
            let value = (ctx.env)(var)
                .ok_or_else(|| format!("{{{{env {var}}}}}: the variable {var} is not set"))?;
            Part::Literal(value.into_bytes())
        }
        other => return Err(format!("unknown placeholder '{other}' (known: {KNOWN})")),
    };
    match part {
        Part::Literal(bytes) => push_literal(parts, &bytes),
        part => parts.push(part),
    }
    Ok(())
}

/// The state templates are expanded with, message after message: the message counter and the
/// random generator.
#[derive(Clone, Debug)]
pub struct Expander {
    rng: Xoshiro256PlusPlus,
    index: u64,
}

impl Expander {
    /// `seed` makes the randoms (and UUIDs) repeatable; without one they differ every run.
    pub fn new(seed: Option<u64>) -> Expander {
        let seed = seed.unwrap_or_else(crate::random::u64);
        Expander {
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            index: 0,
        }
    }

    /// The next message made from `template`; `line` fills `{{line}}` (empty when there is none).
    pub fn expand(&mut self, template: &Template, line: Option<&[u8]>) -> Bytes {
        let mut out = Vec::new();
        let index = self.index;
        self.index += 1;
        for part in &template.parts {
            match part {
                Part::Literal(bytes) => out.extend_from_slice(bytes),
                Part::Seq => out.extend_from_slice((index + 1).to_string().as_bytes()),
                Part::Index => out.extend_from_slice(index.to_string().as_bytes()),
                Part::Int { lo, hi } => {
                    let v = self.rng.random_range(*lo..=*hi);
                    out.extend_from_slice(v.to_string().as_bytes());
                }
                Part::Float { lo, hi, decimals } => {
                    let v = if lo == hi {
                        *lo
                    } else {
                        self.rng.random_range(*lo..*hi)
                    };
                    out.extend_from_slice(format!("{v:.decimals$}").as_bytes());
                }
                Part::NowRfc3339 => out.extend_from_slice(
                    Local::now()
                        .to_rfc3339_opts(SecondsFormat::Millis, false)
                        .as_bytes(),
                ),
                Part::Now(items) => {
                    let text = Local::now().format_with_items(items.iter()).to_string();
                    out.extend_from_slice(text.as_bytes());
                }
                Part::Unix => {
                    out.extend_from_slice(Local::now().timestamp().to_string().as_bytes())
                }
                Part::UnixMs => {
                    out.extend_from_slice(Local::now().timestamp_millis().to_string().as_bytes())
                }
                Part::Uuid => push_uuid(&mut out, &mut self.rng),
                Part::Line => out.extend_from_slice(line.unwrap_or_default()),
            }
        }
        Bytes::from(out)
    }
}

/// A version 4 (random) UUID in its hyphenated form (RFC 9562 §5.4).
fn push_uuid(out: &mut Vec<u8>, rng: &mut impl Rng) {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push(b'-');
        }
        crate::format::push_hex(out, std::slice::from_ref(byte), false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "ROOM").then(|| "kitchen".to_string())
    }

    fn ctx() -> Context<'static> {
        Context {
            client_id: "mqtk-abc",
            topic: "a/b",
            env: &env,
        }
    }

    fn parse(text: &str) -> Result<Template, TemplateError> {
        Template::parse(text, &ctx())
    }

    fn expand(text: &str, n: usize, seed: u64) -> Vec<String> {
        let t = parse(text).unwrap();
        let mut e = Expander::new(Some(seed));
        (0..n)
            .map(|_| String::from_utf8(e.expand(&t, Some(b"L")).to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn literal_text_and_json_braces_stay() {
        let t = r#"{"a":{"b":[1,2]}} }} { } {"#;
        assert_eq!(expand(t, 1, 0), vec![t.to_string()]);
        assert!(parse(t).unwrap().is_constant());
        assert_eq!(expand(r#"x{{"{{"}}y{{ "}}" }}"#, 1, 0), vec!["x{{y}}"]);
    }

    #[test]
    fn counters_context_env_and_line() {
        assert_eq!(
            expand(
                "{{seq}}/{{index}} {{client_id}} {{topic}} {{env ROOM}} {{line}}",
                2,
                0
            ),
            vec!["1/0 mqtk-abc a/b kitchen L", "2/1 mqtk-abc a/b kitchen L"]
        );
        assert!(parse("{{ line }}").unwrap().uses_line());
        assert!(!parse("{{seq}}").unwrap().uses_line());
    }

    #[test]
    fn randoms_in_range_and_repeatable_with_a_seed() {
        let ints = expand("{{int 0 100}}", 2000, 7);
        let values: Vec<i64> = ints.iter().map(|s| s.parse().unwrap()).collect();
        assert!(values.iter().all(|v| (0..=100).contains(v)));
        assert!(
            values.contains(&0) && values.contains(&100),
            "ends reachable"
        );
        assert_eq!(ints, expand("{{int 0 100}}", 2000, 7));
        assert_ne!(ints, expand("{{int 0 100}}", 2000, 8));
        for s in expand("{{float -1.5 2.5 3}}", 500, 1) {
            let v: f64 = s.parse().unwrap();
            assert!((-1.5..=2.5).contains(&v), "{s}");
            assert_eq!(s.split('.').nth(1).unwrap().len(), 3, "{s}");
        }
        assert_eq!(expand("{{int 5 5}} {{float 2 2 0}}", 1, 0), vec!["5 2"]);
    }

    #[test]
    fn uuids_are_version_4_and_seeded() {
        let a = expand("{{uuid}}", 50, 3);
        for u in &a {
            assert_eq!(u.len(), 36);
            let groups: Vec<&str> = u.split('-').collect();
            assert_eq!(
                groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12]
            );
            assert!(groups[2].starts_with('4'));
            assert!("89ab".contains(&groups[3][..1]));
        }
        assert_eq!(a, expand("{{uuid}}", 50, 3));
        let unique: std::collections::HashSet<_> = a.iter().collect();
        assert_eq!(unique.len(), a.len());
    }

    #[test]
    fn times_parse() {
        let before = Local::now().timestamp_millis();
        let [rfc, hms, unix, ms]: [String; 4] =
            expand("{{now}}|{{now %H:%M:%S}}|{{unix}}|{{unix_ms}}", 1, 0)[0]
                .split('|')
                .map(String::from)
                .collect::<Vec<_>>()
                .try_into()
                .unwrap();
        let after = Local::now().timestamp_millis();
        let at = chrono::DateTime::parse_from_rfc3339(&rfc).unwrap();
        assert!((before..=after).contains(&at.timestamp_millis()));
        chrono::NaiveTime::parse_from_str(&hms, "%H:%M:%S").unwrap();
        let unix: i64 = unix.parse().unwrap();
        assert!((before / 1000..=after / 1000).contains(&unix));
        let ms: i64 = ms.parse().unwrap();
        assert!((before..=after).contains(&ms));
    }

    #[test]
    fn errors_name_the_position() {
        let cases = [
            ("ab{{nope}}", 3, "unknown placeholder 'nope'"),
            ("é{{int 1}}", 2, "takes two integers"),
            ("{{int 9 1}}", 1, "LO is above HI"),
            ("{{int a 1}}", 1, "'a' is not an integer"),
            ("{{float 1 x}}", 1, "not a finite number"),
            ("{{float 1 2 40}}", 1, "decimal places"),
            ("x {{seq", 3, "without a closing"),
            ("{{seq 1}}", 1, "takes no arguments"),
            ("{{env NOPE}}", 1, "NOPE is not set"),
            ("{{}}", 1, "empty placeholder"),
            ("{{now %Q}}", 1, "bad strftime"),
            ("{{\"unterminated}}", 1, "without a closing"),
        ];
        for (text, column, reason) in cases {
            let err = parse(text).unwrap_err();
            assert_eq!(err.column, column, "{text}: {err}");
            assert!(err.reason.contains(reason), "{text}: {err}");
            assert!(!err.to_string().contains('\n'));
        }
    }
}
