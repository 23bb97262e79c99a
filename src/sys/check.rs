//! `--check EXPR` health gates over the common schema: `FIELD OP VALUE` or `rate(FIELD) OP
//! VALUE`, parsed by the threshold language `bench --assert` uses. A field the broker did not
//! report fails the check rather than passing silently.

use crate::threshold::{self, Threshold, TimeBase, Units};

use super::rates::Rates;
use super::schema::{self, Kind, Snapshot, Unit};

/// What a check reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Field(&'static str),
    /// Per-second rate of a counter.
    Rate(&'static str),
}

pub type Check = Threshold<Target>;

fn units(unit: Unit, rate: bool) -> Units {
    match unit {
        Unit::Bytes => Units::Bytes,
        Unit::Seconds => Units::Time {
            base: TimeBase::Seconds,
            required: false,
        },
        Unit::Count if rate => Units::Rate,
        Unit::Count | Unit::PerMinute => Units::Count,
    }
}

fn resolve(name: &str) -> Result<(Target, Units), String> {
    let unknown = |n: &str| format!("unknown field '{n}' (known: {})", schema::field_names());
    let lookup = |n: &str| {
        let n = match n {
            "uptime" | "broker.uptime_seconds" => "broker.uptime",
            n => n,
        };
        schema::field(n).ok_or_else(|| unknown(n))
    };
    if let Some(inner) = name.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        let f = lookup(inner.trim())?;
        if f.kind != Kind::Counter {
            return Err(format!(
                "rate() needs a counter, and '{}' is a gauge (compare it directly)",
                f.name
            ));
        }
        return Ok((Target::Rate(f.name), units(f.unit, true)));
    }
    let f = lookup(name)?;
    Ok((Target::Field(f.name), units(f.unit, false)))
}

/// Parses one `--check` expression (a usage error when malformed).
pub fn parse(text: &str) -> anyhow::Result<Check> {
    threshold::parse("--check", text, resolve)
}

/// Whether any check needs a rate (the command then waits for a second update).
pub fn needs_rates(checks: &[Check]) -> bool {
    checks.iter().any(|c| matches!(c.metric, Target::Rate(_)))
}

/// One check's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub text: String,
    pub passed: bool,
    pub actual: Option<f64>,
}

pub fn evaluate(checks: &[Check], snap: &Snapshot, rates: &Rates) -> Vec<Outcome> {
    checks
        .iter()
        .map(|c| {
            let actual = match c.metric {
                Target::Field(f) => snap.get(f),
                Target::Rate(f) => rates.get(f),
            };
            Outcome {
                text: c.text.clone(),
                passed: actual.is_some_and(|v| c.holds(v)),
                actual,
            }
        })
        .collect()
}

/// `pass  EXPR  (value V)` / `FAIL  EXPR  (value V)` / `FAIL  EXPR  (not reported)`.
pub fn report_line(o: &Outcome) -> String {
    let verdict = if o.passed { "pass" } else { "FAIL" };
    match o.actual {
        Some(v) if v.fract() == 0.0 => format!("{verdict}  {}  (value {v})", o.text),
        Some(v) => format!("{verdict}  {}  (value {v:.3})", o.text),
        None => format!("{verdict}  {}  (not reported by the broker)", o.text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error;
    use crate::sys::dialect::{snapshot, tests::*};

    #[test]
    fn parses_fields_and_rates() {
        let c = parse("clients.connected < 5000").unwrap();
        assert_eq!(c.metric, Target::Field("clients.connected"));
        assert_eq!(parse("uptime > 60s").unwrap().threshold, 60.0);
        assert_eq!(
            parse("uptime > 2m").unwrap().metric,
            Target::Field("broker.uptime")
        );
        let r = parse("rate(publish.dropped) == 0").unwrap();
        assert_eq!(r.metric, Target::Rate("publish.dropped"));
        assert!(needs_rates(&[r]));
        assert_eq!(
            parse("rate(bytes.sent) < 1MiB/s").unwrap().threshold,
            1048576.0
        );
        assert_eq!(
            parse("load.bytes_sent.1min < 5k").unwrap().threshold,
            5000.0
        );
    }

    #[test]
    fn unknown_fields_list_the_valid_ones() {
        let err = parse("clients.bogus > 1").unwrap_err();
        assert_eq!(error::exit_code(&err), 2);
        let line = error::one_line(&err);
        assert!(line.starts_with("--check 'clients.bogus > 1': unknown field 'clients.bogus'"));
        assert!(line.contains("clients.connected") && line.contains("publish.dropped"));
        let err = parse("rate(clients.connected) > 1").unwrap_err();
        assert!(error::one_line(&err).contains("needs a counter"));
    }

    #[test]
    fn evaluates_against_a_snapshot() {
        let snap = snapshot(&load(MOSQUITTO));
        let rates = Rates::new();
        let checks: Vec<Check> = [
            "clients.connected < 5000",
            "uptime > 60s",
            "uptime > 1h",
            "publish.dropped == 0",
        ]
        .iter()
        .map(|t| parse(t).unwrap())
        .collect();
        let out = evaluate(&checks, &snap, &rates);
        assert_eq!(
            out.iter().map(|o| o.passed).collect::<Vec<_>>(),
            [true, true, false, false]
        );
        assert_eq!(
            report_line(&out[0]),
            "pass  clients.connected < 5000  (value 1)"
        );
        assert_eq!(
            report_line(&out[3]),
            "FAIL  publish.dropped == 0  (not reported by the broker)"
        );
    }
}
