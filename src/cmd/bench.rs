//! `mqtk bench`: checks the flags into a plan, runs it, prints the report and maps the outcome
//! (assertions, errors, Ctrl-C) to the exit code.

use crate::bench::plan::Plan;
use crate::cli::BenchArgs;

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    let _plan = Plan::from_args(&args)?;
    anyhow::bail!("bench runner not yet available")
}
