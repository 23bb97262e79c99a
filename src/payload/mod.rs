//! Where `mqtk pub`'s payloads come from, message after message: a fixed payload, a template
//! expanded per message, or standard input lines (raw, filling a template's `{{line}}`, or each a
//! template of its own), with an optional check that every payload is JSON.
//!
//! Everything is decided and parsed before connecting; the publisher only asks for the next
//! payload.

pub mod template;

use bytes::Bytes;

use crate::error::usage;
pub use template::{Context, Expander, Template, TemplateError};

/// How payloads are made, as chosen on the command line.
#[derive(Clone, Copy, Debug, Default)]
pub struct PayloadOptions {
    /// `--template`: expand `{{...}}` placeholders.
    pub template: bool,
    /// `--seed`: repeatable randoms.
    pub seed: Option<u64>,
    /// `--check-json`: every payload must be a JSON document.
    pub check_json: bool,
}

/// Context owned for the whole run (for `-l` lines that are templates of their own).
struct OwnedContext {
    client_id: String,
    topic: String,
}

/// The usage error for a template that does not parse; `what` names where it came from.
fn bad_template(what: &str, err: TemplateError) -> anyhow::Error {
    usage(format!("bad template in {what} {err}"))
}

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Payloads for `-m`, `-f`, `-s` and `-n`: the same bytes every time, or a template expanded
/// per message.
pub struct Payloads {
    kind: Kind,
    expander: Expander,
    check_json: bool,
    made: u64,
}

enum Kind {
    Fixed(Bytes),
    Template(Template),
}

impl Payloads {
    /// `source` names the payload's origin in errors (e.g. `-m`). A template that uses
    /// `{{line}}` is not accepted here: see [`LineMap::fill`].
    pub fn new(
        payload: Bytes,
        source: &str,
        opts: PayloadOptions,
        client_id: &str,
        topic: &str,
    ) -> anyhow::Result<Payloads> {
        let kind = if opts.template {
            let text = std::str::from_utf8(&payload)
                .map_err(|_| usage(format!("--template: the {source} payload is not UTF-8")))?;
            let ctx = Context {
                client_id,
                topic,
                env: &process_env,
            };
            let t = Template::parse(text, &ctx).map_err(|e| bad_template(source, e))?;
            Kind::Template(t)
        } else {
            Kind::Fixed(payload)
        };
        let expander = Expander::new(opts.seed);
        if opts.check_json {
            // Before connecting: a fixed payload once and for all, a template by a trial
            // expansion (on a copy, so the run's values are untouched); every message again.
            let trial = match &kind {
                Kind::Fixed(bytes) => bytes.clone(),
                Kind::Template(t) if !t.uses_line() => expander.clone().expand(t, None),
                Kind::Template(_) => Bytes::new(),
            };
            if !trial.is_empty() || matches!(kind, Kind::Fixed(_)) {
                check_json(&trial, &format!("the {source} payload"))?;
            }
        }
        Ok(Payloads {
            // A fixed payload was checked above.
            check_json: opts.check_json && !matches!(kind, Kind::Fixed(_)),
            kind,
            expander,
            made: 0,
        })
    }

    /// The next payload; with `--check-json`, one that is not JSON is a usage error naming the
    /// message.
    pub fn next_payload(&mut self) -> anyhow::Result<Bytes> {
        self.made += 1;
        let payload = match &self.kind {
            Kind::Fixed(bytes) => bytes.clone(),
            Kind::Template(t) => self.expander.expand(t, None),
        };
        if self.check_json {
            check_json(&payload, &format!("message {}", self.made))?;
        }
        Ok(payload)
    }

    /// The payload's size when it is the same for every message.
    pub fn fixed_len(&self) -> Option<usize> {
        match &self.kind {
            Kind::Fixed(b) => Some(b.len()),
            Kind::Template(_) => None,
        }
    }
}

/// Turns `-l` input lines (or lines for a `{{line}}` template) into payloads.
pub struct LineMap {
    mode: LineMode,
    expander: Expander,
    check_json: bool,
    lines: u64,
}

enum LineMode {
    /// Each line as it is.
    Raw,
    /// Each line fills the template's `{{line}}`.
    Fill(Template),
    /// `-l --template`: each line is a template of its own.
    EachLine(OwnedContext),
}

impl LineMap {
    /// `-l`: lines as they are, or (with `--template`) each line a template.
    pub fn lines(opts: PayloadOptions, client_id: &str, topic: &str) -> LineMap {
        let mode = if opts.template {
            LineMode::EachLine(OwnedContext {
                client_id: client_id.to_string(),
                topic: topic.to_string(),
            })
        } else {
            LineMode::Raw
        };
        LineMap::with(mode, opts)
    }

    fn with(mode: LineMode, opts: PayloadOptions) -> LineMap {
        LineMap {
            mode,
            expander: Expander::new(opts.seed),
            check_json: opts.check_json,
            lines: 0,
        }
    }

    /// The payload for the next input line.
    pub fn map(&mut self, line: Bytes) -> anyhow::Result<Bytes> {
        self.lines += 1;
        let payload = match &self.mode {
            LineMode::Raw => line,
            LineMode::Fill(t) => self.expander.expand(t, Some(&line)),
            LineMode::EachLine(owned) => {
                let what = format!("input line {}", self.lines);
                let text = std::str::from_utf8(&line)
                    .map_err(|_| usage(format!("--template: {what} is not UTF-8")))?;
                let ctx = Context {
                    client_id: &owned.client_id,
                    topic: &owned.topic,
                    env: &process_env,
                };
                let t = Template::parse(text, &ctx).map_err(|e| bad_template(&what, e))?;
                self.expander.expand(&t, None)
            }
        };
        if self.check_json {
            check_json(&payload, &format!("input line {}", self.lines))?;
        }
        Ok(payload)
    }
}

impl Payloads {
    /// When the template reads `{{line}}`, the line-by-line form of these payloads.
    pub fn into_line_map(self) -> Result<LineMap, Payloads> {
        match self.kind {
            Kind::Template(t) if t.uses_line() => Ok(LineMap {
                mode: LineMode::Fill(t),
                expander: self.expander,
                check_json: self.check_json,
                lines: 0,
            }),
            _ => Err(self),
        }
    }
}

/// `--check-json`: a payload that is not one JSON document is bad input (exit 2).
pub fn check_json(payload: &[u8], what: &str) -> anyhow::Result<()> {
    serde_json::from_slice::<serde::de::IgnoredAny>(payload)
        .map(drop)
        .map_err(|e| usage(format!("--check-json: {what} is not JSON ({e})")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Kind as ErrKind, kind_of};

    fn opts(template: bool, check_json: bool) -> PayloadOptions {
        PayloadOptions {
            template,
            seed: Some(1),
            check_json,
        }
    }

    #[test]
    fn literal_unless_template() {
        let mut p =
            Payloads::new(Bytes::from("{{seq}}"), "-m", opts(false, false), "c", "t").unwrap();
        assert_eq!(p.next_payload().unwrap(), "{{seq}}");
        assert_eq!(p.fixed_len(), Some(7));
        let mut p =
            Payloads::new(Bytes::from("{{seq}}"), "-m", opts(true, false), "c", "t").unwrap();
        assert_eq!(p.next_payload().unwrap(), "1");
        assert_eq!(p.next_payload().unwrap(), "2");
        assert_eq!(p.fixed_len(), None);
    }

    #[test]
    fn bad_templates_are_usage_errors_naming_the_source() {
        let err = Payloads::new(Bytes::from("x{{bad}}"), "-m", opts(true, false), "c", "t")
            .err()
            .unwrap();
        assert_eq!(kind_of(&err), Some(ErrKind::Usage));
        assert!(
            err.to_string()
                .starts_with("bad template in -m at character 2: unknown placeholder"),
            "{err}"
        );
        let mut lines = LineMap::lines(opts(true, false), "c", "t");
        assert_eq!(lines.map(Bytes::from("{{seq}}")).unwrap(), "1");
        let err = lines.map(Bytes::from("{{int}}")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("bad template in input line 2 at character 1"),
            "{err}"
        );
    }

    #[test]
    fn json_check() {
        let mut p = Payloads::new(
            Bytes::from(r#"{"v":{{int 1 9}}}"#),
            "-m",
            opts(true, true),
            "c",
            "t",
        )
        .unwrap();
        p.next_payload().unwrap();
        let err = Payloads::new(Bytes::from("{\"v\":}"), "-m", opts(false, true), "c", "t")
            .err()
            .unwrap();
        assert_eq!(kind_of(&err), Some(ErrKind::Usage));
        assert!(
            err.to_string().contains("the -m payload is not JSON"),
            "{err}"
        );
        let err = Payloads::new(Bytes::from("{{seq}}x"), "-m", opts(true, true), "c", "t")
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("the -m payload is not JSON"),
            "{err}"
        );
        let mut raw = LineMap::lines(opts(false, true), "c", "t");
        raw.map(Bytes::from("[1]")).unwrap();
        assert!(
            raw.map(Bytes::from("nope"))
                .unwrap_err()
                .to_string()
                .contains("input line 2 is not JSON")
        );
    }

    #[test]
    fn line_templates_fill_each_line() {
        let p = Payloads::new(
            Bytes::from("{{seq}}:{{line}}"),
            "-m",
            opts(true, false),
            "c",
            "t",
        )
        .unwrap();
        let mut m = p.into_line_map().ok().unwrap();
        assert_eq!(m.map(Bytes::from("a")).unwrap(), "1:a");
        assert_eq!(m.map(Bytes::from("b")).unwrap(), "2:b");
        let p = Payloads::new(Bytes::from("x"), "-m", opts(true, false), "c", "t").unwrap();
        assert!(p.into_line_map().is_err());
    }
}
