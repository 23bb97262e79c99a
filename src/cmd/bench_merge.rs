//! `mqtk bench merge`: reads the results of a sharded run's agents, merges them into the whole
//! run's result, prints it as `mqtk bench` would (text, `--json`, `--csv`) and gives one
//! `--assert` verdict (exit 7 on a failure).

use std::io::Write;
use std::path::Path;

use crate::bench::assert::{self, Assertion};
use crate::bench::export::{csv, json};
use crate::bench::merge::{self, Part};
use crate::bench::result::BenchResult;
use crate::cli::bench::{BenchMergeArgs, ChartsChoice};
use crate::error::{self, Failure, Kind};

pub fn run(args: BenchMergeArgs) -> anyhow::Result<()> {
    let asserts = parse_asserts(&args.asserts)?;
    let parts = args
        .results
        .iter()
        .map(|p| load(p))
        .collect::<anyhow::Result<Vec<Part>>>()?;
    report(
        &parts,
        &asserts,
        Format {
            json: args.json,
            csv: args.csv,
            charts: args.charts,
        },
    )
}

/// How to print a merged result.
pub struct Format {
    pub json: bool,
    pub csv: bool,
    pub charts: ChartsChoice,
}

/// `--assert` expressions, checked before anything is read or connected.
pub fn parse_asserts(texts: &[String]) -> anyhow::Result<Vec<Assertion>> {
    texts.iter().map(|t| assert::parse(t)).collect()
}

/// Merges `parts`, prints the report and gives the assertions' verdict (exit 7).
pub fn report(parts: &[Part], asserts: &[Assertion], format: Format) -> anyhow::Result<()> {
    let mut result = merge::merge(parts)?;
    for a in asserts {
        assert::check_mode(a, result.mode)?;
    }
    result.assertions = assert::evaluate(asserts, &result);
    let text = if format.json {
        json::json(&result)
    } else if format.csv {
        format!("{}{}", csv::csv_header(), csv::csv_row(&result))
    } else {
        super::bench::summary_with_charts(&result, format.charts)
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    let failed: Vec<&str> = result
        .assertions
        .iter()
        .filter(|a| !a.passed)
        .map(|a| a.expr.as_str())
        .collect();
    if !failed.is_empty() {
        return Err(Failure::new(
            Kind::Assertion,
            format!(
                "{} of {} assertions failed on the merged run: {}",
                failed.len(),
                result.assertions.len(),
                failed.join("; ")
            ),
        )
        .into());
    }
    Ok(())
}

/// Reads one agent's result. Lines mqtk writes to stderr (`mqtk: ...`) are skipped, so the
/// output of `kubectl logs` or `nomad alloc logs` (both streams in one) can be merged as it is;
/// anything else that is not one result document is bad input (exit 2).
fn load(path: &Path) -> anyhow::Result<Part> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| error::usage(format!("cannot read {}: {e}", path.display())))?;
    let doc: String = text
        .lines()
        .filter(|l| !l.starts_with("mqtk: "))
        .collect::<Vec<_>>()
        .join("\n");
    let result: BenchResult = serde_json::from_str(&doc).map_err(|e| {
        error::usage(format!(
            "{} is not a bench result document (mqtk bench --json): {e}",
            path.display()
        ))
    })?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(Part { name, result })
}
