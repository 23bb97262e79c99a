//! Message -> bytes for printing: plain payload, `-v`, `-F` format strings, NDJSON.
//!
//! Everything here is pure: a [`Formatter`] is built once from the output flags (rejecting bad
//! ones before any connection) and then appends each message's bytes to a buffer the caller owns.
//! Payloads are copied byte for byte wherever they are printed raw.
//!
//! As in mosquitto_sub, each message ends with a newline unless `-N`, whichever the style
//! (`-F` too); mqtk applies `-N` to `--json` as well.

pub mod json;
pub mod json_field;
pub mod mosquitto_json;
pub mod template;

use chrono::{DateTime, Datelike, Offset, TimeZone, Timelike};

use crate::cli::OutputArgs;
use crate::error::usage;
use crate::message::Message;

pub use json::JsonMessage;
use template::Template;

/// Colour of the topic with `-v` when colour is on (cyan reads well on dark and light
/// backgrounds); the payload is never touched.
const TOPIC_COLOR: &[u8] = b"\x1b[36m";
const RESET: &[u8] = b"\x1b[0m";

/// Turns messages into the bytes `mqtk sub` prints.
#[derive(Debug)]
pub struct Formatter {
    style: Style,
    eol: bool,
}

#[derive(Debug)]
enum Style {
    /// Payload bytes as they are.
    Payload,
    /// `-v`: `topic payload`.
    Verbose { color: bool },
    /// `-F`.
    Template(Template),
    /// `--json` / `--json --pretty`.
    Json { pretty: bool },
}

impl Formatter {
    /// Validates everything and never connects: a bad `-F` string or a bad combination of flags
    /// is a usage error (exit 2) with a one-line message naming the problem.
    ///
    /// `color` is the decision made by [`crate::output::use_color`]; only `-v` uses it.
    pub fn new(args: &OutputArgs, color: bool) -> anyhow::Result<Formatter> {
        // As in mosquitto_sub: -F wins over -v, and --pretty without JSON output does nothing.
        if args.format.is_some() && args.json {
            return Err(usage("-F/--format cannot be combined with --json"));
        }
        if args.json && args.verbose {
            return Err(usage("--json cannot be combined with -v"));
        }
        if args.require_fields && args.format.is_none() {
            return Err(usage("--require-fields needs -F with a %{FIELD} specifier"));
        }
        let style = if let Some(format) = &args.format {
            Style::Template(
                Template::parse(format)?
                    .pretty(args.pretty)
                    .require_fields(args.require_fields),
            )
        } else if args.json {
            Style::Json {
                pretty: args.pretty,
            }
        } else if args.verbose {
            Style::Verbose { color }
        } else {
            Style::Payload
        };
        Ok(Formatter {
            style,
            eol: !args.no_eol,
        })
    }

    /// Appends the printed form of `msg` to `out`, including the trailing newline unless `-N`.
    ///
    /// An empty payload prints as mosquitto_sub prints it: nothing at all by default, and
    /// `topic (null)` with `-v` (nothing with `-v -N`). Fails only for `-F %{FIELD}` with
    /// `--require-fields` (then nothing is appended).
    pub fn write(&self, msg: &Message, out: &mut Vec<u8>) -> anyhow::Result<()> {
        match &self.style {
            Style::Payload if msg.payload.is_empty() => return Ok(()),
            Style::Verbose { .. } if msg.payload.is_empty() && !self.eol => return Ok(()),
            Style::Payload => out.extend_from_slice(&msg.payload),
            Style::Verbose { color } => {
                if *color {
                    out.extend_from_slice(TOPIC_COLOR);
                    out.extend_from_slice(msg.topic.as_bytes());
                    out.extend_from_slice(RESET);
                } else {
                    out.extend_from_slice(msg.topic.as_bytes());
                }
                out.push(b' ');
                if msg.payload.is_empty() {
                    out.extend_from_slice(b"(null)");
                } else {
                    out.extend_from_slice(&msg.payload);
                }
            }
            Style::Template(template) => {
                let start = out.len();
                if let Err(e) = template.render(msg, out) {
                    out.truncate(start);
                    anyhow::bail!(e);
                }
            }
            Style::Json { pretty } => json::write(out, msg, *pretty),
        }
        if self.eol {
            out.push(b'\n');
        }
        Ok(())
    }
}

/// Decimal digits of `v`, without going through `fmt`.
pub(crate) fn push_uint(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// `%I` (and `%j`'s `tst` with `micros`): ISO 8601 as mosquitto prints it, e.g.
/// `2016-08-10T09:47:38+0100`, written directly since it is the common case (chrono's
/// formatting allocates for the offset on every call).
pub(crate) fn push_iso8601<Tz: TimeZone>(out: &mut Vec<u8>, at: &DateTime<Tz>, micros: bool) {
    let local = at.naive_local();
    push_padded(out, u64::from(local.year().unsigned_abs()), 4);
    out.push(b'-');
    push_padded(out, u64::from(local.month()), 2);
    out.push(b'-');
    push_padded(out, u64::from(local.day()), 2);
    out.push(b'T');
    push_padded(out, u64::from(local.hour()), 2);
    out.push(b':');
    push_padded(out, u64::from(local.minute()), 2);
    out.push(b':');
    push_padded(out, u64::from(local.second()), 2);
    if micros {
        out.push(b'.');
        // A leap second shows as nanoseconds >= 1e9; keep six digits regardless.
        push_padded(
            out,
            u64::from(local.nanosecond() % 1_000_000_000 / 1_000),
            6,
        );
    }
    let offset = at.offset().fix().local_minus_utc();
    out.push(if offset < 0 { b'-' } else { b'+' });
    let minutes = offset.unsigned_abs() / 60;
    push_padded(out, u64::from(minutes / 60), 2);
    push_padded(out, u64::from(minutes % 60), 2);
}

/// `v` with leading zeros to at least `digits` digits.
pub(crate) fn push_padded(out: &mut Vec<u8>, v: u64, digits: usize) {
    let start = out.len();
    push_uint(out, v);
    let len = out.len() - start;
    if len < digits {
        out.resize(start + digits, b'0');
        out[start..].rotate_right(digits - len);
    }
}

/// Two hex digits per byte.
pub(crate) fn push_hex(out: &mut Vec<u8>, bytes: &[u8], upper: bool) {
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(digits[usize::from(b >> 4)]);
        out.push(digits[usize::from(b & 0x0f)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Kind, kind_of};
    use bytes::Bytes;
    use chrono::{Local, TimeZone};

    fn args() -> OutputArgs {
        OutputArgs::default()
    }

    fn msg() -> Message {
        let mut m = Message::new("t/1", Bytes::from_static(b"p\x00\xff q"));
        m.received = Local.timestamp_opt(1_700_000_000, 5).unwrap();
        m
    }

    fn print(args: &OutputArgs, color: bool, m: &Message) -> Vec<u8> {
        let f = Formatter::new(args, color).unwrap();
        let mut out = Vec::new();
        f.write(m, &mut out).unwrap();
        out
    }

    #[test]
    fn payload_only_is_raw_bytes_and_newline() {
        assert_eq!(print(&args(), true, &msg()), b"p\x00\xff q\n");
        let a = OutputArgs {
            no_eol: true,
            ..args()
        };
        assert_eq!(print(&a, false, &msg()), b"p\x00\xff q");
    }

    #[test]
    fn verbose_plain_and_coloured() {
        let a = OutputArgs {
            verbose: true,
            ..args()
        };
        assert_eq!(print(&a, false, &msg()), b"t/1 p\x00\xff q\n");
        assert_eq!(print(&a, true, &msg()), b"\x1b[36mt/1\x1b[0m p\x00\xff q\n");
        let a = OutputArgs { no_eol: true, ..a };
        assert_eq!(print(&a, false, &msg()), b"t/1 p\x00\xff q");
    }

    #[test]
    fn format_gets_a_newline_unless_no_eol() {
        let a = OutputArgs {
            format: Some("%t=%l".into()),
            ..args()
        };
        assert_eq!(print(&a, true, &msg()), b"t/1=5\n");
        let a = OutputArgs { no_eol: true, ..a };
        assert_eq!(print(&a, true, &msg()), b"t/1=5");
    }

    #[test]
    fn json_lines_never_coloured() {
        let a = OutputArgs {
            json: true,
            ..args()
        };
        let out = print(&a, true, &msg());
        assert!(!out.contains(&0x1b));
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
        assert_eq!(out.last(), Some(&b'\n'));
        let back: JsonMessage<'_> = serde_json::from_slice(&out).unwrap();
        assert_eq!(back.payload_bytes().unwrap(), b"p\x00\xff q");
        let pretty = OutputArgs { pretty: true, ..a };
        let out = print(&pretty, false, &msg());
        assert!(out.iter().filter(|&&b| b == b'\n').count() > 3);
        assert_eq!(out.last(), Some(&b'\n'));
    }

    #[test]
    fn empty_payloads_print_as_mosquitto_sub_prints_them() {
        let empty = Message::new("t/e", "");
        assert_eq!(print(&args(), false, &empty), b"");
        let v = OutputArgs {
            verbose: true,
            ..args()
        };
        assert_eq!(print(&v, false, &empty), b"t/e (null)\n");
        let vn = OutputArgs {
            no_eol: true,
            ..v.clone()
        };
        assert_eq!(print(&vn, false, &empty), b"");
        let f = OutputArgs {
            format: Some("%t|%p|%l".into()),
            ..args()
        };
        assert_eq!(print(&f, false, &empty), b"t/e||0\n");
    }

    #[test]
    fn format_wins_over_verbose_and_takes_pretty() {
        let a = OutputArgs {
            format: Some("%t".into()),
            verbose: true,
            ..args()
        };
        assert_eq!(print(&a, false, &msg()), b"t/1\n");
        let a = OutputArgs {
            format: Some("%j".into()),
            pretty: true,
            ..args()
        };
        let out = String::from_utf8(print(&a, false, &Message::new("t", "x"))).unwrap();
        assert!(out.starts_with("{\n\t\"tst\":\t\""), "{out}");
        assert!(out.ends_with("\t\"payload\":\t\"x\"\n}\n"), "{out}");
        // Without JSON output --pretty does nothing, as in mosquitto_sub.
        let a = OutputArgs {
            pretty: true,
            ..args()
        };
        assert_eq!(print(&a, false, &msg()), b"p\x00\xff q\n");
    }

    #[test]
    fn many_messages_append() {
        let a = OutputArgs {
            verbose: true,
            ..args()
        };
        let f = Formatter::new(&a, false).unwrap();
        let mut out = Vec::new();
        f.write(&Message::new("a", "1"), &mut out).unwrap();
        f.write(&Message::new("b", "2"), &mut out).unwrap();
        assert_eq!(out, b"a 1\nb 2\n");
    }

    #[test]
    fn bad_flags_are_usage_errors() {
        let cases = [
            OutputArgs {
                format: Some("%z".into()),
                ..args()
            },
            OutputArgs {
                format: Some("%t".into()),
                json: true,
                ..args()
            },
            OutputArgs {
                json: true,
                verbose: true,
                ..args()
            },
        ];
        for a in &cases {
            let err = Formatter::new(a, false).unwrap_err();
            assert_eq!(kind_of(&err), Some(Kind::Usage), "{a:?}");
            assert!(!err.to_string().contains('\n'));
        }
    }

    #[test]
    fn numbers_and_hex() {
        let mut out = Vec::new();
        for v in [0, 7, 10, 65_535, u64::MAX] {
            out.clear();
            push_uint(&mut out, v);
            assert_eq!(out, v.to_string().as_bytes());
        }
        out.clear();
        push_hex(&mut out, &[0x00, 0x9f, 0xfa], true);
        assert_eq!(out, b"009FFA");
    }
}
