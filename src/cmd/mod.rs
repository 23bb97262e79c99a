//! Runs a parsed command line and turns the outcome into the process exit code. Errors are printed
//! here, once, as `mqtk: error: ...`.

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error;

pub mod bench;
pub mod bench_report;
#[cfg(feature = "broker")]
pub mod broker;
pub mod generate;
pub mod publish;
pub mod subscribe;

/// Parses the process arguments, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return clap_error(err),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if !error::is_broken_pipe(&err) {
                crate::output::error(&error::one_line(&err));
            }
            ExitCode::from(error::exit_code(&err))
        }
    }
}

/// Runs one parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Pub(args) => publish::run(args),
        Command::Sub(args) => subscribe::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Generate(args) => generate::run(&args),
        #[cfg(feature = "broker")]
        Command::Broker(args) => broker::run(args),
    }
}

/// Help and version go to stdout with exit 0; every other parse error becomes one line on stderr
/// and exit 2.
fn clap_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            let code = if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                error::code::USAGE
            } else {
                error::code::SUCCESS
            };
            ExitCode::from(code)
        }
        _ => {
            crate::output::error(&format!("{} (see --help)", clap_one_line(&err)));
            ExitCode::from(error::code::USAGE)
        }
    }
}

/// Folds clap's multi-line message (which lists missing arguments on separate lines and ends with
/// usage and a hint) into one line.
fn clap_one_line(err: &clap::Error) -> String {
    let text = err.render().to_string();
    let mut parts = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if line.is_empty() || line.starts_with("tip:") {
            continue;
        }
        parts.push(line.strip_prefix("error: ").unwrap_or(line).to_string());
    }
    parts.join(" ")
}

/// A runtime for one command. A single thread is enough for `pub` and `sub` (their work is one
/// connection) and costs fewer wake-ups than a pool.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}
