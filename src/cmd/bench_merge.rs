//! `mqtk bench merge`: reads the results of a sharded run's agents, merges them into the whole
//! run's result, prints it as `mqtk bench` would (text, `--json`, `--csv`) and gives one
//! `--assert` verdict (exit 7 on a failure).

use std::io::Write;
use std::path::Path;

use crate::bench::assert;
use crate::bench::export::{csv, json};
use crate::bench::merge::{self, Part};
use crate::bench::result::BenchResult;
use crate::cli::bench::BenchMergeArgs;
use crate::error::{self, Failure, Kind};

pub fn run(args: BenchMergeArgs) -> anyhow::Result<()> {
    let asserts = args
        .asserts
        .iter()
        .map(|t| assert::parse(t))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let parts = args
        .results
        .iter()
        .map(|p| load(p))
        .collect::<anyhow::Result<Vec<Part>>>()?;
    let mut result = merge::merge(&parts)?;
    for a in &asserts {
        assert::check_mode(a, result.mode)?;
    }
    result.assertions = assert::evaluate(&asserts, &result);
    let text = if args.json {
        json::json(&result)
    } else if args.csv {
        format!("{}{}", csv::csv_header(), csv::csv_row(&result))
    } else {
        super::bench::summary_with_charts(&result, args.charts)
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
