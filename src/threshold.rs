//! The threshold language shared by `bench --assert` and `sys --check`: `NAME OP VALUE[UNIT]`.
//!
//! This module owns the generic part (operators, numbers, units, the wording of errors); each
//! user supplies the names it knows and the kind of unit each one takes, so the two flags read
//! and fail alike while naming their own metrics.

use crate::error;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Op {
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Eq => a == b,
            Op::Ne => a != b,
        }
    }
}

/// The base unit a threshold value is converted to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeBase {
    Micros,
    Seconds,
}

/// Which units a name's value accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    /// A duration: ns, us, µs, ms, s (and m, h, d for seconds-based values). `required`: a bare
    /// number is an error (a latency of `20` is ambiguous).
    Time { base: TimeBase, required: bool },
    /// A count, with an optional `k` or `M` multiplier.
    Count,
    /// A rate: a count with an optional `/s` (and `msg`/`msgs`) after the multiplier.
    Rate,
    /// A percentage, with an optional `%`.
    Percent,
    /// Bytes: B, k/kB, M/MB, G/GB (powers of 1000) or KiB, MiB, GiB (powers of 1024); rates of
    /// bytes may end in `/s`.
    Bytes,
}

/// One parsed expression; `threshold` is in the base unit of the name's [`Units`].
#[derive(Clone, Debug, PartialEq)]
pub struct Threshold<M> {
    pub text: String,
    pub metric: M,
    pub op: Op,
    pub threshold: f64,
}

impl<M> Threshold<M> {
    pub fn holds(&self, actual: f64) -> bool {
        self.op.holds(actual, self.threshold)
    }
}

fn split_number(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e'))
        .unwrap_or(s.len());
    // An exponent `e` only belongs to the number when digits follow it.
    let (num, unit) = s.split_at(end);
    if num.ends_with('e') {
        s.split_at(end - 1)
    } else {
        (num, unit)
    }
}

fn scale_of(units: Units, unit: &str) -> Result<f64, String> {
    match units {
        Units::Time { base, required } => {
            let secs = match unit {
                "ns" => 1e-9,
                "us" | "µs" => 1e-6,
                "ms" => 1e-3,
                "s" => 1.0,
                "m" | "min" if base == TimeBase::Seconds => 60.0,
                "h" if base == TimeBase::Seconds => 3600.0,
                "d" if base == TimeBase::Seconds => 86400.0,
                "" if !required => {
                    return Ok(1.0);
                }
                "" => return Err("latency needs a unit: ns, us, ms or s (e.g. 20ms)".into()),
                _ if base == TimeBase::Seconds => {
                    return Err(format!("unknown time unit '{unit}' (use ms, s, m, h or d)"));
                }
                _ => return Err(format!("unknown time unit '{unit}' (use ns, us, ms, s)")),
            };
            Ok(match base {
                TimeBase::Micros => secs * 1e6,
                TimeBase::Seconds => secs,
            })
        }
        Units::Percent => match unit {
            "" | "%" => Ok(1.0),
            _ => Err(format!("unknown unit '{unit}' for a percentage")),
        },
        Units::Count | Units::Rate => {
            let u = if units == Units::Rate {
                unit.trim_end_matches("/s")
                    .trim_end_matches("msgs")
                    .trim_end_matches("msg")
                    .trim()
            } else {
                unit
            };
            match u {
                "" => Ok(1.0),
                "k" | "K" => Ok(1e3),
                "M" | "m" => Ok(1e6),
                _ => Err(format!("unknown unit '{unit}' (use k or M)")),
            }
        }
        Units::Bytes => match unit.trim_end_matches("/s").trim() {
            "" | "B" => Ok(1.0),
            "k" | "K" | "kB" | "KB" => Ok(1e3),
            "M" | "MB" => Ok(1e6),
            "G" | "GB" => Ok(1e9),
            "KiB" => Ok(1024.0),
            "MiB" => Ok(1024.0 * 1024.0),
            "GiB" => Ok(1024.0 * 1024.0 * 1024.0),
            _ => Err(format!(
                "unknown unit '{unit}' for bytes (use B, k, M, G, KiB, MiB or GiB)"
            )),
        },
    }
}

/// Splits `NAME OP VALUE` into its trimmed parts (for callers with values of their own, such as
/// `bench report`'s `FACTOR * baseline`).
pub fn split<'a>(flag: &str, text: &'a str) -> anyhow::Result<(&'a str, Op, &'a str)> {
    let bad = |why: &str| error::usage(format!("{flag} '{text}': {why}"));
    let t = text.trim();
    let op_at = t
        .find(['<', '>', '=', '!'])
        .ok_or_else(|| bad("expected METRIC OP VALUE, e.g. 'p99 < 20ms'"))?;
    let (name, rest) = t.split_at(op_at);
    let (op, value) = [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<", Op::Lt),
        (">", Op::Gt),
        ("=", Op::Eq),
    ]
    .iter()
    .find_map(|(s, op)| rest.strip_prefix(s).map(|v| (*op, v.trim())))
    .ok_or_else(|| bad("unknown operator (use <, <=, >, >=, ==, !=)"))?;
    Ok((name.trim(), op, value))
}

/// Parses `NAME OP VALUE[UNIT]`. `flag` names the option in errors (`--assert`, `--check`);
/// `resolve` maps a name to the caller's metric and its units, or says why it is unknown (the
/// message should list the valid names). Every error is a usage error on one line.
pub fn parse<M>(
    flag: &str,
    text: &str,
    resolve: impl FnOnce(&str) -> Result<(M, Units), String>,
) -> anyhow::Result<Threshold<M>> {
    let bad = |why: &str| error::usage(format!("{flag} '{text}': {why}"));
    let t = text.trim();
    let (name, op, value) = split(flag, text)?;
    let (metric, units) = resolve(name).map_err(|why| bad(&why))?;
    if value.is_empty() {
        return Err(bad("missing value"));
    }
    let value = value.replace('_', "");
    let (num, unit) = split_number(&value);
    let n: f64 = num
        .parse()
        .map_err(|_| bad(&format!("'{value}' is not a number")))?;
    if !n.is_finite() {
        return Err(bad("value out of range"));
    }
    let scale = scale_of(units, unit.trim()).map_err(|why| bad(&why))?;
    Ok(Threshold {
        text: t.to_string(),
        metric,
        op,
        threshold: n * scale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str, units: Units) -> anyhow::Result<Threshold<()>> {
        parse("--check", text, |name| {
            if name == "x" || name == "rate(x)" {
                Ok(((), units))
            } else {
                Err(format!("unknown field '{name}' (known: x)"))
            }
        })
    }

    #[test]
    fn operators_numbers_and_units() {
        let t = p(
            "x < 20ms",
            Units::Time {
                base: TimeBase::Micros,
                required: true,
            },
        )
        .unwrap();
        assert_eq!((t.op, t.threshold), (Op::Lt, 20_000.0));
        let secs = Units::Time {
            base: TimeBase::Seconds,
            required: false,
        };
        assert_eq!(p("x > 60s", secs).unwrap().threshold, 60.0);
        assert_eq!(p("x > 60", secs).unwrap().threshold, 60.0);
        assert_eq!(p("x >= 2h", secs).unwrap().threshold, 7200.0);
        assert_eq!(p("x > 500ms", secs).unwrap().threshold, 0.5);
        assert_eq!(p("rate(x) == 0", Units::Rate).unwrap().op, Op::Eq);
        assert_eq!(p("x != 1.5k", Units::Count).unwrap().threshold, 1500.0);
        assert_eq!(p("x <= 1MiB", Units::Bytes).unwrap().threshold, 1048576.0);
        assert_eq!(p("x <= 2kB/s", Units::Bytes).unwrap().threshold, 2000.0);
        assert_eq!(p("x < 0.5%", Units::Percent).unwrap().threshold, 0.5);
        assert!(p("x < 3", Units::Count).unwrap().holds(2.0));
        assert!(!p("x < 3", Units::Count).unwrap().holds(3.0));
    }

    #[test]
    fn errors_name_the_flag_and_stay_on_one_line() {
        for (text, want) in [
            ("x", "expected METRIC OP VALUE"),
            ("y > 1", "unknown field 'y' (known: x)"),
            ("x ! 1", "unknown operator"),
            ("x > ", "missing value"),
            ("x > fast", "is not a number"),
            ("x > 3 apples", "unknown unit 'apples'"),
        ] {
            let err = p(text, Units::Count).unwrap_err();
            assert_eq!(error::exit_code(&err), 2, "{text}");
            let line = error::one_line(&err);
            assert!(line.starts_with(&format!("--check '{text}': ")), "{line}");
            assert!(line.contains(want), "{line}");
        }
        let latency = Units::Time {
            base: TimeBase::Micros,
            required: true,
        };
        assert!(error::one_line(&p("x < 20", latency).unwrap_err()).contains("needs a unit"));
    }
}
