//! `--assert EXPR` thresholds: parsed before connecting (bad expressions are usage errors) and
//! checked against the result after the run (any failure exits 7).
//!
//! Grammar: `METRIC OP VALUE[UNIT]`, e.g. `p99 < 20ms`, `lost == 0`, `rate >= 50k`. Latency
//! metrics need a time unit (ns, us, µs, ms, s); counts and rates take an optional `k` or `M`
//! multiplier (rates also an optional `/s`); `lost_pct` takes an optional `%`.
//!
//! `mqtk bench report` also takes thresholds relative to the first result, the baseline:
//! `METRIC OP [FACTOR *] baseline`, e.g. `p99 <= 1.1 * baseline`, `rate >= 0.9*baseline`.

use std::fmt;

use super::result::{AssertionOutcome, BenchResult, Mode, Percentiles};
use crate::error;
pub use crate::threshold::Op;
use crate::threshold::{self, TimeBase, Units};

/// Which latency distribution a latency metric reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dist {
    /// The mode's main one: end to end (pubsub, sub), publish-to-ack (pub), connect time (conn).
    Main,
    EndToEnd,
    Ack,
    Connect,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    Min,
    P50,
    P90,
    P99,
    P999,
    Max,
    Mean,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Latency(Dist, Stat),
    Sent,
    Acked,
    Received,
    Lost,
    LostPct,
    Duplicates,
    OutOfOrder,
    Errors,
    Connected,
    ConnectFailed,
    /// The mode's main rate: received (pubsub, sub), published (pub), connections/s (conn).
    Rate,
    PubRate,
    RecvRate,
}

impl Metric {
    /// A measured value of this metric with its unit, as the report shows it.
    pub fn show(self, v: f64) -> String {
        match self {
            Metric::Latency(..) => super::export::fmt_us(v),
            Metric::Rate | Metric::PubRate | Metric::RecvRate => format!("{v:.1} msgs/s"),
            Metric::LostPct => format!("{v:.3}%"),
            _ if v.fract() == 0.0 => format!("{v}"),
            _ => format!("{v:.2}"),
        }
    }
}

/// One parsed `--assert` expression. The threshold is in the metric's base unit (microseconds
/// for latencies, messages or messages per second otherwise).
#[derive(Clone, Debug, PartialEq)]
pub struct Assertion {
    pub text: String,
    pub metric: Metric,
    pub op: Op,
    pub threshold: f64,
    /// `Some(factor)`: the threshold is `factor` times the baseline's value of the metric.
    pub baseline: Option<f64>,
}

impl fmt::Display for Assertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

const METRIC_NAMES: &str = "sent, acked, received, lost, lost_pct, duplicates, out_of_order, \
     errors, connected, connect_failed, rate, pub_rate, recv_rate, and latencies min, p50, p90, \
     p99, p999, max, mean (prefix e2e_, ack_ or connect_ to pick one)";

fn parse_metric(name: &str) -> Option<Metric> {
    let stat = |s: &str| -> Option<Stat> {
        Some(match s {
            "min" => Stat::Min,
            "p50" | "median" => Stat::P50,
            "p90" => Stat::P90,
            "p99" => Stat::P99,
            "p999" | "p99.9" => Stat::P999,
            "max" => Stat::Max,
            "mean" | "avg" => Stat::Mean,
            _ => return None,
        })
    };
    let name = name.to_ascii_lowercase();
    for (prefix, dist) in [
        ("e2e_", Dist::EndToEnd),
        ("ack_", Dist::Ack),
        ("connect_", Dist::Connect),
        ("", Dist::Main),
    ] {
        if let Some(rest) = name.strip_prefix(prefix)
            && let Some(s) = stat(rest)
        {
            return Some(Metric::Latency(dist, s));
        }
    }
    Some(match name.as_str() {
        "sent" | "published" => Metric::Sent,
        "acked" | "acknowledged" => Metric::Acked,
        "received" => Metric::Received,
        "lost" | "loss" => Metric::Lost,
        "lost_pct" | "loss_pct" => Metric::LostPct,
        "duplicates" | "dups" | "dup" => Metric::Duplicates,
        "out_of_order" | "reordered" => Metric::OutOfOrder,
        "errors" => Metric::Errors,
        "connected" => Metric::Connected,
        "connect_failed" | "failed" => Metric::ConnectFailed,
        "rate" => Metric::Rate,
        "pub_rate" => Metric::PubRate,
        "recv_rate" => Metric::RecvRate,
        _ => return None,
    })
}

/// The units a metric's threshold takes (latencies in microseconds).
fn units_of(metric: Metric) -> Units {
    match metric {
        Metric::Latency(..) => Units::Time {
            base: TimeBase::Micros,
            required: true,
        },
        Metric::LostPct => Units::Percent,
        Metric::Rate | Metric::PubRate | Metric::RecvRate => Units::Rate,
        _ => Units::Count,
    }
}

/// Parses one expression; errors are usage errors naming what is wrong.
pub fn parse(text: &str) -> anyhow::Result<Assertion> {
    parse_with(text, false)
}

/// [`parse`], also taking thresholds relative to a baseline (`bench report`).
pub fn parse_relative(text: &str) -> anyhow::Result<Assertion> {
    parse_with(text, true)
}

/// The factor of `baseline`, `N * baseline`, `baseline * N` (`None`: no baseline named).
fn baseline_factor(value: &str) -> Option<Result<f64, ()>> {
    let v = value.to_ascii_lowercase();
    if !v.contains("baseline") {
        return None;
    }
    let parts: Vec<&str> = v.split('*').map(str::trim).collect();
    let factor = match parts.as_slice() {
        ["baseline"] => Ok(1.0),
        [n, "baseline"] | ["baseline", n] => n.parse::<f64>().map_err(|_| ()),
        _ => Err(()),
    };
    Some(factor.and_then(|f| {
        if f.is_finite() && f >= 0.0 {
            Ok(f)
        } else {
            Err(())
        }
    }))
}

fn resolve_metric(name: &str) -> Result<(Metric, Units), String> {
    let metric = parse_metric(name)
        .ok_or_else(|| format!("unknown metric '{name}' (known: {METRIC_NAMES})"))?;
    Ok((metric, units_of(metric)))
}

fn parse_with(text: &str, relative: bool) -> anyhow::Result<Assertion> {
    let bad = |why: &str| error::usage(format!("--assert '{text}': {why}"));
    let (name, op, value) = threshold::split("--assert", text)?;
    match baseline_factor(value) {
        Some(_) if !relative => Err(bad(
            "a baseline comparison needs two results: use it with `mqtk bench report`",
        )),
        Some(Ok(factor)) => {
            let (metric, _) = resolve_metric(name).map_err(|why| bad(&why))?;
            Ok(Assertion {
                text: text.trim().to_string(),
                metric,
                op,
                threshold: 0.0,
                baseline: Some(factor),
            })
        }
        Some(Err(())) => Err(bad(
            "expected 'baseline' or 'FACTOR * baseline', e.g. 'p99 <= 1.1 * baseline'",
        )),
        None => {
            let t = threshold::parse("--assert", text, resolve_metric)?;
            Ok(Assertion {
                text: t.text,
                metric: t.metric,
                op: t.op,
                threshold: t.threshold,
                baseline: None,
            })
        }
    }
}

/// Checks that the mode measures the metric at all, so `bench conn --assert 'lost == 0'` is a
/// usage error before connecting rather than a failure after the run.
pub fn check_mode(a: &Assertion, mode: Mode) -> anyhow::Result<()> {
    let ok = match a.metric {
        Metric::Latency(Dist::Main, _) | Metric::Errors | Metric::Rate => true,
        Metric::Latency(Dist::Connect, _) | Metric::Connected | Metric::ConnectFailed => true,
        Metric::Latency(Dist::EndToEnd, _)
        | Metric::Received
        | Metric::Lost
        | Metric::LostPct
        | Metric::Duplicates
        | Metric::OutOfOrder
        | Metric::RecvRate => mode.subscribes(),
        Metric::Latency(Dist::Ack, _) | Metric::Sent | Metric::Acked | Metric::PubRate => {
            mode.publishes()
        }
    };
    if ok {
        Ok(())
    } else {
        Err(error::usage(format!(
            "--assert '{}': bench {mode} does not measure that",
            a.text
        )))
    }
}

fn stat_of(p: &Percentiles, s: Stat) -> f64 {
    match s {
        Stat::Min => p.min_us as f64,
        Stat::P50 => p.p50_us as f64,
        Stat::P90 => p.p90_us as f64,
        Stat::P99 => p.p99_us as f64,
        Stat::P999 => p.p999_us as f64,
        Stat::Max => p.max_us as f64,
        Stat::Mean => p.mean_us,
    }
}

/// The measured value of a metric, `None` when the run did not measure it.
pub fn value(metric: Metric, r: &BenchResult) -> Option<f64> {
    let publish = r.publish.as_ref();
    let receive = r.receive.as_ref();
    match metric {
        Metric::Latency(dist, s) => {
            let dist = match (dist, r.mode) {
                (Dist::Main, Mode::Pub) => Dist::Ack,
                (Dist::Main, Mode::Conn) => Dist::Connect,
                (Dist::Main, Mode::Pubsub | Mode::Sub) => Dist::EndToEnd,
                (d, _) => d,
            };
            let p = match dist {
                Dist::Ack => r.ack_latency.as_ref(),
                Dist::Connect => r.connect.time.as_ref(),
                _ => r.latency.as_ref(),
            }?;
            Some(stat_of(p, s))
        }
        Metric::Sent => publish.map(|p| p.sent as f64),
        Metric::Acked => publish.map(|p| p.acked as f64),
        Metric::Received => receive.map(|p| p.received as f64),
        Metric::Lost => receive.map(|p| p.lost as f64),
        Metric::LostPct => receive.map(|p| {
            let base = p.expected.unwrap_or(p.received + p.lost);
            if base == 0 {
                0.0
            } else {
                p.lost as f64 * 100.0 / base as f64
            }
        }),
        Metric::Duplicates => receive.map(|p| p.duplicates as f64),
        Metric::OutOfOrder => receive.map(|p| p.out_of_order as f64),
        Metric::Errors => Some(r.error_count() as f64),
        Metric::Connected => Some(r.connect.connected as f64),
        Metric::ConnectFailed => Some(r.connect.failed as f64),
        Metric::PubRate => publish.map(|p| p.rate),
        Metric::RecvRate => receive.map(|p| p.rate),
        Metric::Rate => match r.mode {
            Mode::Pub => publish.map(|p| p.rate),
            Mode::Conn => Some(r.connect.rate),
            Mode::Pubsub | Mode::Sub => receive.map(|p| p.rate),
        },
    }
}

/// The run's one verdict: an assertion error (exit 7) naming every failed `--assert`; `of`
/// says what was judged (e.g. "on the merged run"), empty for a plain run.
pub fn verdict(r: &BenchResult, of: &str) -> anyhow::Result<()> {
    let failed: Vec<&str> = r
        .assertions
        .iter()
        .filter(|a| !a.passed)
        .map(|a| a.expr.as_str())
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    let of = if of.is_empty() {
        String::new()
    } else {
        format!(" {of}")
    };
    Err(error::Failure::new(
        error::Kind::Assertion,
        format!(
            "{} of {} assertions failed{of}: {}",
            failed.len(),
            r.assertions.len(),
            failed.join("; ")
        ),
    )
    .into())
}

/// Checks every assertion; a metric that was not measured fails.
pub fn evaluate(asserts: &[Assertion], r: &BenchResult) -> Vec<AssertionOutcome> {
    evaluate_against(asserts, r, None)
}

/// [`evaluate`], with relative thresholds taken from `baseline` (a relative assertion without
/// a baseline, or whose baseline did not measure the metric, fails).
pub fn evaluate_against(
    asserts: &[Assertion],
    r: &BenchResult,
    baseline: Option<&BenchResult>,
) -> Vec<AssertionOutcome> {
    asserts
        .iter()
        .map(|a| {
            let actual = value(a.metric, r);
            let threshold = match a.baseline {
                None => Some(a.threshold),
                Some(factor) => baseline
                    .and_then(|b| value(a.metric, b))
                    .map(|v| v * factor),
            };
            AssertionOutcome {
                expr: a.text.clone(),
                passed: matches!((actual, threshold), (Some(v), Some(t)) if a.op.holds(v, t)),
                actual,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::result::fixture::sample;

    fn check(expr: &str) -> bool {
        let a = parse(expr).unwrap();
        evaluate(&[a], &sample())[0].passed
    }

    #[test]
    fn parses_units() {
        let a = parse("p99 < 20ms").unwrap();
        assert_eq!(a.metric, Metric::Latency(Dist::Main, Stat::P99));
        assert_eq!(a.op, Op::Lt);
        assert_eq!(a.threshold, 20_000.0);
        assert_eq!(parse("rate >= 50k").unwrap().threshold, 50_000.0);
        assert_eq!(parse("rate>=1.5M msgs/s").unwrap().threshold, 1_500_000.0);
        assert_eq!(parse("rate >= 50_000").unwrap().threshold, 50_000.0);
        assert_eq!(parse("ack_p50 <= 500us").unwrap().threshold, 500.0);
        assert_eq!(parse("max < 1s").unwrap().threshold, 1e6);
        assert_eq!(parse("lost = 0").unwrap().op, Op::Eq);
        assert_eq!(parse("lost_pct < 0.5%").unwrap().threshold, 0.5);
        assert_eq!(parse("rate > 1e3").unwrap().threshold, 1000.0);
    }

    #[test]
    fn bad_expressions_are_usage_errors() {
        for bad in [
            "p99",
            "p99 < ",
            "p99 < 20",
            "p99 < 20 parsecs",
            "speed > 3",
            "lost =< 0",
            "rate > fast",
            "lost == 3 apples",
        ] {
            let err = parse(bad).unwrap_err();
            assert_eq!(crate::error::exit_code(&err), 2, "{bad}");
            assert!(!error::one_line(&err).contains('\n'));
        }
    }

    #[test]
    fn evaluates_against_a_result() {
        assert!(check("p99 < 2ms"));
        assert!(!check("p99 < 1ms"));
        assert!(check("lost == 2"));
        assert!(!check("lost == 0"));
        assert!(check("duplicates >= 1"));
        assert!(check("rate >= 499"));
        assert!(check("pub_rate == 500"));
        assert!(check("errors == 1"));
        assert!(check("lost_pct <= 0.2%"));
        assert!(check("connect_p50 < 1ms"));
        // Not measured in this run: fails rather than passing silently.
        let out = evaluate(&[parse("ack_p99 < 1s").unwrap()], &sample());
        assert!(!out[0].passed);
        assert_eq!(out[0].actual, None);
    }

    #[test]
    fn baseline_thresholds() {
        let a = parse_relative("p99 <= 1.1 * baseline").unwrap();
        assert_eq!(a.baseline, Some(1.1));
        assert_eq!(
            parse_relative("rate >= baseline*0.9").unwrap().baseline,
            Some(0.9)
        );
        assert_eq!(
            parse_relative("lost <= baseline").unwrap().baseline,
            Some(1.0)
        );
        assert_eq!(parse_relative("lost == 0").unwrap().baseline, None);
        for bad in [
            "p99 <= 2 * baseline + 1",
            "p99 < x * baseline",
            "p99 < -1 * baseline",
        ] {
            assert_eq!(
                crate::error::exit_code(&parse_relative(bad).unwrap_err()),
                2,
                "{bad}"
            );
        }
        // `bench` alone has no baseline.
        let err = parse("p99 <= 1.1 * baseline").unwrap_err();
        assert!(error::one_line(&err).contains("bench report"));

        let base = sample();
        let mut slower = sample();
        slower.latency.as_mut().unwrap().p99_us = 1800;
        let gate = [parse_relative("p99 <= 1.1 * baseline").unwrap()];
        assert!(evaluate_against(&gate, &base, Some(&base))[0].passed);
        let out = evaluate_against(&gate, &slower, Some(&base));
        assert!(!out[0].passed);
        assert_eq!(out[0].actual, Some(1800.0));
        assert!(!evaluate_against(&gate, &base, None)[0].passed);
        // Fixed thresholds still work beside relative ones.
        assert!(
            evaluate_against(
                &[parse_relative("lost == 2").unwrap()],
                &slower,
                Some(&base)
            )[0]
            .passed
        );
    }

    #[test]
    fn metrics_must_fit_the_mode() {
        assert!(check_mode(&parse("lost == 0").unwrap(), Mode::Conn).is_err());
        assert!(check_mode(&parse("p99 < 5ms").unwrap(), Mode::Conn).is_ok());
        assert!(check_mode(&parse("ack_p99 < 5ms").unwrap(), Mode::Sub).is_err());
        assert!(check_mode(&parse("received > 0").unwrap(), Mode::Pub).is_err());
        assert!(check_mode(&parse("received > 0").unwrap(), Mode::Pubsub).is_ok());
    }
}
