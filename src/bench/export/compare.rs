//! Several runs side by side (`mqtk bench report A.json B.json`): the headline figures of each
//! run and their ratio to the first run, the baseline, as a terminal table; the HTML report
//! draws the same rows.

use std::fmt::Write as _;

use super::{fmt_rate, fmt_us};
use crate::bench::assert::{self, Dist, Metric, Stat};
use crate::bench::result::{AssertionOutcome, BenchResult};

/// A result and the name it is shown under (its file name).
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub name: String,
    pub result: BenchResult,
}

/// One compared figure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figure {
    pub name: &'static str,
    pub metric: Metric,
    /// Smaller is better (latencies, loss); larger is better (rates).
    pub lower_is_better: bool,
    pub latency: bool,
}

/// The figures compared: the mode's rate, its latency percentiles, loss.
pub const FIGURES: [Figure; 5] = [
    Figure {
        name: "rate (msgs/s)",
        metric: Metric::Rate,
        lower_is_better: false,
        latency: false,
    },
    Figure {
        name: "p50",
        metric: Metric::Latency(Dist::Main, Stat::P50),
        lower_is_better: true,
        latency: true,
    },
    Figure {
        name: "p99",
        metric: Metric::Latency(Dist::Main, Stat::P99),
        lower_is_better: true,
        latency: true,
    },
    Figure {
        name: "p99.9",
        metric: Metric::Latency(Dist::Main, Stat::P999),
        lower_is_better: true,
        latency: true,
    },
    Figure {
        name: "lost",
        metric: Metric::Lost,
        lower_is_better: true,
        latency: false,
    },
];

impl Figure {
    pub fn value(&self, r: &BenchResult) -> Option<f64> {
        assert::value(self.metric, r)
    }

    pub fn show(&self, v: Option<f64>) -> String {
        match v {
            None => "-".into(),
            Some(v) if self.latency => fmt_us(v),
            Some(v) if self.metric == Metric::Rate => fmt_rate(v),
            Some(v) => format!("{v:.0}"),
        }
    }
}

/// `value / base`; `Some(1.0)` for two zeros, `None` when undefined.
pub fn ratio(base: Option<f64>, value: Option<f64>) -> Option<f64> {
    match (base, value) {
        (Some(b), Some(v)) if b != 0.0 => Some(v / b),
        (Some(b), Some(v)) if b == 0.0 && v == 0.0 => Some(1.0),
        _ => None,
    }
}

/// A ratio as text: `x1.07`, `x0.92`; `-` when undefined.
pub fn show_ratio(r: Option<f64>) -> String {
    r.map_or("-".into(), |r| format!("x{r:.2}"))
}

/// Whether a ratio is an improvement, a regression or neither (within 2%).
pub fn verdict(f: &Figure, r: Option<f64>) -> &'static str {
    match r {
        Some(r) if (r - 1.0).abs() <= 0.02 => "same",
        Some(r) if (r < 1.0) == f.lower_is_better => "better",
        Some(_) => "worse",
        None => "",
    }
}

/// The settings in which `r` differs from `base`, named as the flags are (a comparison of runs
/// with different loads is worth a warning).
pub fn differences(base: &BenchResult, r: &BenchResult) -> Vec<&'static str> {
    let (a, b) = (&base.settings, &r.settings);
    let mut d = Vec::new();
    if base.mode != r.mode {
        d.push("mode");
    }
    let checks: [(&str, bool); 8] = [
        ("QoS", a.qos != b.qos),
        ("MQTT version", a.protocol != b.protocol),
        ("publishers", a.publishers != b.publishers),
        ("subscribers", a.subscribers != b.subscribers),
        ("connections", a.connections != b.connections),
        ("size", a.size != b.size),
        ("rate", a.rate != b.rate),
        (
            "messages",
            a.messages != b.messages || a.duration_s != b.duration_s,
        ),
    ];
    d.extend(
        checks
            .iter()
            .filter(|(_, differs)| *differs)
            .map(|(n, _)| *n),
    );
    d
}

/// One line per run whose settings differ from the baseline's.
pub fn difference_notes(runs: &[Run]) -> Vec<String> {
    let Some(base) = runs.first() else {
        return Vec::new();
    };
    runs[1..]
        .iter()
        .filter_map(|r| {
            let d = differences(&base.result, &r.result);
            (!d.is_empty()).then(|| {
                format!(
                    "{} ran with other settings than {}: {}",
                    r.name,
                    base.name,
                    d.join(", ")
                )
            })
        })
        .collect()
}

/// The terminal comparison table: one column per run; runs after the first carry their ratio
/// to it.
pub fn table(runs: &[Run]) -> String {
    let Some(base) = runs.first() else {
        return String::new();
    };
    let mut cells: Vec<Vec<String>> = Vec::new();
    let mut header = vec![String::new()];
    header.extend(runs.iter().map(|r| r.name.clone()));
    cells.push(header);
    for f in &FIGURES {
        let b = f.value(&base.result);
        let mut row = vec![f.name.to_string(), f.show(b)];
        for r in &runs[1..] {
            let v = f.value(&r.result);
            row.push(format!("{} {}", f.show(v), show_ratio(ratio(b, v))));
        }
        cells.push(row);
    }
    let cols = cells[0].len();
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            cells
                .iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut o = String::new();
    for row in &cells {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let w = widths[c];
            if c == 0 {
                let _ = write!(line, "{cell:<w$}");
            } else {
                let _ = write!(line, "  {cell:>w$}");
            }
        }
        o.push_str(line.trim_end());
        o.push('\n');
    }
    let _ = writeln!(
        o,
        "ratios are to the first result ({}); mode {} at QoS {}",
        base.name, base.result.mode, base.result.settings.qos
    );
    for n in difference_notes(runs) {
        let _ = writeln!(o, "note: {n}");
    }
    o
}

/// One line per checked assertion and run: `assert EXPR: pass|FAIL (NAME: actual V)`.
pub fn assertion_lines(outcomes: &[(String, Vec<AssertionOutcome>)]) -> String {
    let mut o = String::new();
    for (name, list) in outcomes {
        for a in list {
            let actual = a.actual.map_or("not measured".to_string(), |v| {
                format!("actual {}", trim_number(v))
            });
            let _ = writeln!(
                o,
                "assert {}: {} ({name}: {actual})",
                a.expr,
                if a.passed { "pass" } else { "FAIL" }
            );
        }
    }
    o
}

fn trim_number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::result::fixture;

    fn runs() -> Vec<Run> {
        let before = fixture::sample();
        let mut after = fixture::sample();
        after.receive.as_mut().unwrap().rate = 998.0;
        after.latency.as_mut().unwrap().p99_us = 1800;
        after.receive.as_mut().unwrap().lost = 0;
        vec![
            Run {
                name: "before.json".into(),
                result: before,
            },
            Run {
                name: "after.json".into(),
                result: after,
            },
        ]
    }

    #[test]
    fn snapshot_table() {
        assert_eq!(
            table(&runs()),
            concat!(
                "               before.json    after.json\n",
                "rate (msgs/s)          499     998 x2.00\n",
                "p50                  120µs   120µs x1.00\n",
                "p99                 1.50ms  1.80ms x1.20\n",
                "p99.9               2.50ms  2.50ms x1.00\n",
                "lost                     2       0 x0.00\n",
                "ratios are to the first result (before.json); mode pubsub at QoS 1\n",
            )
        );
    }

    #[test]
    fn different_settings_are_pointed_out() {
        let mut rs = runs();
        assert!(difference_notes(&rs).is_empty());
        rs[1].result.settings.qos = 0;
        rs[1].result.settings.rate = 100.0;
        assert_eq!(
            difference_notes(&rs),
            ["after.json ran with other settings than before.json: QoS, rate"]
        );
        assert!(
            table(&rs).ends_with(
                "note: after.json ran with other settings than before.json: QoS, rate\n"
            )
        );
    }

    #[test]
    fn ratios_and_verdicts() {
        assert_eq!(ratio(Some(2.0), Some(3.0)), Some(1.5));
        assert_eq!(ratio(Some(0.0), Some(0.0)), Some(1.0));
        assert_eq!(ratio(Some(0.0), Some(3.0)), None);
        assert_eq!(ratio(None, Some(3.0)), None);
        let p99 = FIGURES[2];
        assert_eq!(verdict(&p99, Some(1.2)), "worse");
        assert_eq!(verdict(&p99, Some(0.8)), "better");
        assert_eq!(verdict(&FIGURES[0], Some(1.2)), "better");
        assert_eq!(verdict(&FIGURES[0], Some(1.01)), "same");
        assert_eq!(show_ratio(None), "-");
    }
}
