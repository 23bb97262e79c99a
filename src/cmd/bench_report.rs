//! `mqtk bench report`: reads saved results (`mqtk bench --json`), prints the summary with charts
//! (one result) or the comparison table (several, the first is the baseline), writes the HTML
//! report with `-o`, and checks `--assert` thresholds (exit 7 on a failure).

use std::io::Write;
use std::path::Path;

use crate::bench::assert;
use crate::bench::export::compare::{self, Run};
use crate::bench::export::html;
use crate::bench::result::read_document;
use crate::cli::bench::BenchReportArgs;
use crate::error::{self, Failure, Kind};

pub fn run(args: BenchReportArgs) -> anyhow::Result<()> {
    let mut asserts = Vec::new();
    for text in &args.asserts {
        let a = assert::parse_relative(text)?;
        if a.baseline.is_some() && args.results.len() < 2 {
            return Err(error::usage(format!(
                "--assert '{text}': a baseline comparison needs at least two results"
            )));
        }
        asserts.push(a);
    }
    let runs = args
        .results
        .iter()
        .map(|p| load(p))
        .collect::<anyhow::Result<Vec<Run>>>()?;

    if let Some(path) = &args.output {
        std::fs::write(path, html::report(&runs))
            .map_err(|e| anyhow::anyhow!("cannot write the report to {}: {e}", path.display()))?;
    }

    // One result is checked on its own; several are checked after the baseline.
    let checked: &[Run] = if runs.len() == 1 { &runs } else { &runs[1..] };
    let outcomes: Vec<(String, Vec<_>)> = checked
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                assert::evaluate_against(&asserts, &r.result, Some(&runs[0].result)),
            )
        })
        .collect();

    let mut text = match runs.as_slice() {
        [one] => super::bench::summary_with_charts(&one.result, args.charts),
        _ => compare::table(&runs),
    };
    text.push_str(&compare::assertion_lines(&outcomes));
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;

    let failed: Vec<String> = outcomes
        .iter()
        .flat_map(|(name, list)| {
            list.iter()
                .filter(|a| !a.passed)
                .map(move |a| format!("{name}: {}", a.expr))
        })
        .collect();
    if !failed.is_empty() {
        let total: usize = outcomes.iter().map(|(_, l)| l.len()).sum();
        return Err(Failure::new(
            Kind::Assertion,
            format!(
                "{} of {total} assertions failed: {}",
                failed.len(),
                failed.join("; ")
            ),
        )
        .into());
    }
    Ok(())
}

/// Reads one result document; a missing or malformed file is bad input (exit 2).
fn load(path: &Path) -> anyhow::Result<Run> {
    let (name, result) = read_document(path)?;
    Ok(Run { name, result })
}
