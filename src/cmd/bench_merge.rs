//! `mqtk bench merge`: reads the results of a sharded run's agents, merges them into the whole
//! run's result, prints it as `mqtk bench` would (text, `--json`, `--csv`) and gives one
//! `--assert` verdict (exit 7 on a failure).

use std::io::Write;
use std::path::Path;

use crate::bench::assert::{self, Assertion};
use crate::bench::export::{csv, json};
use crate::bench::merge::{self, Part};
use crate::bench::result::read_document;
use crate::cli::bench::{BenchMergeArgs, ChartsChoice};

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
    assert::verdict(&result, "on the merged run")
}

/// Reads one agent's result (see [`read_document`]: `kubectl logs` output is read as it is).
fn load(path: &Path) -> anyhow::Result<Part> {
    let (name, result) = read_document(path)?;
    Ok(Part { name, result })
}
