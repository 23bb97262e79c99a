//! `mqtk bench coordinate`: starts a sharded run over its control broker (waits for every agent,
//! sends GO), collects the agents' results and prints the merged report as `bench merge` does.
//! Agents that left (their last will) or sent nothing in time are named, and the exit is 1.

use crate::bench::control::{self, Collected};
use crate::bench::merge::Part;
use crate::bench::result::BenchResult;
use crate::cli::bench::BenchCoordinateArgs;
use crate::error::usage;

use super::bench_merge::{self, Format};

pub fn run(args: BenchCoordinateArgs) -> anyhow::Result<()> {
    let asserts = bench_merge::parse_asserts(&args.asserts)?;
    let client_id = format!("mqtk-coordinator-{:08x}", args.run_id);
    let control = control::parse_url(&args.control, args.run_id, client_id)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let quiet = args.quiet;
    let Collected { results, gone, .. } = rt.block_on(control::coordinate(
        control,
        args.agents,
        args.start_delay,
        args.timeout,
        |line| {
            if !quiet {
                crate::output::info(line);
            }
        },
    ))?;
    let missing: Vec<String> = (0..args.agents)
        .filter(|i| !results.contains_key(i))
        .map(|i| {
            if gone.contains(&i) {
                format!("{i} (left: its last will)")
            } else {
                format!("{i} (no answer within {:?})", args.timeout)
            }
        })
        .collect();
    if !missing.is_empty() {
        // Part of a run is not the run: nothing is merged.
        return Err(anyhow::anyhow!(
            "{} of {} agents sent no result: {}",
            missing.len(),
            args.agents,
            missing.join(", ")
        ));
    }
    let parts = results
        .into_iter()
        .map(|(i, doc)| {
            let result: BenchResult = serde_json::from_slice(&doc).map_err(|e| {
                usage(format!(
                    "agent {i} sent something that is not a bench result: {e}"
                ))
            })?;
            Ok(Part {
                name: format!("agent {i}"),
                result,
            })
        })
        .collect::<anyhow::Result<Vec<Part>>>()?;
    bench_merge::report(
        &parts,
        &asserts,
        Format {
            json: args.json,
            csv: args.csv,
            charts: args.charts,
        },
    )
}
