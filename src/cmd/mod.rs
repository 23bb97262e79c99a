//! Runs a parsed command line and turns the outcome into the process exit code. Errors are printed
//! here, once, as `mqtk: error: ...`.

use crate::cli::{Cli, Command};
use crate::error;

pub mod bench;
pub mod bench_coordinate;
pub mod bench_merge;
pub mod bench_plan;
pub mod bench_report;
#[cfg(feature = "broker")]
pub mod broker;
pub mod generate;
pub mod probe;
pub mod profile;
pub mod publish;
pub mod rr;
pub mod subscribe;
pub mod sys;

/// Parses the process arguments, runs the command and returns its exit code.
pub fn main(args: Vec<std::ffi::OsString>) -> u8 {
    if let Some(code) = concise_help(&args) {
        return code;
    }
    let (mut cli, matches) = match parse(args) {
        Ok(cli) => cli,
        Err(err) => return clap_error(err),
    };
    if let (Command::Rr(args), Some((_, sub))) = (&mut cli.command, matches.subcommand()) {
        crate::cli::rr::default_to_v5(args, sub);
    }
    // Profiles need to know which values the user gave, which only the matches tell.
    if let Err(err) = crate::profile::apply_to_command(&mut cli, &matches) {
        eprintln!("mqtk: error: {}", error::one_line(&err));
        return error::exit_code(&err);
    }
    match run(cli) {
        Ok(()) => error::code::SUCCESS,
        Err(err) => {
            if !error::is_broken_pipe(&err) {
                crate::output::error(&error::one_line(&err));
            }
            error::exit_code(&err)
        }
    }
}

/// Parses a command line, noting where `-h`, `-p` and `-t` stood relative to `-L` (derive
/// structs do not keep the order; mosquitto's options are read in order, the later one wins).
pub fn parse<I, T>(args: I) -> Result<(Cli, clap::ArgMatches), clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(args);
    // Freeing the whole command tree (every subcommand's flags) took an eighth of a one-shot
    // `pub`'s instructions; the process needs it no more and ends soon or holds far more.
    std::mem::forget(command);
    let matches = matches?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    if let Some((_, sub)) = matches.subcommand() {
        let after_url = |id: &str| {
            // The last position `id` was given at on the command line (not a default). The
            // `try_` call first: ids differ per subcommand, and asking for an unknown one panics.
            let last = |id: &str| {
                sub.try_get_raw_occurrences(id)
                    .ok()
                    .flatten()
                    .and_then(|_| sub.indices_of(id))
                    .and_then(Iterator::max)
                    .filter(|_| {
                        sub.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
                    })
            };
            match (last(id), last("url")) {
                (Some(flag), Some(url)) => flag > url,
                _ => false,
            }
        };
        let order = crate::cli::FlagOrder {
            host_after_url: after_url("host"),
            port_after_url: after_url("port"),
            topic_after_url: after_url("topic") || after_url("topics"),
        };
        match &mut cli.command {
            Command::Pub(a) => a.connect.order = order,
            Command::Sub(a) => a.connect.order = order,
            Command::Bench(a) => a.connect.order = order,
            Command::Rr(a) => a.connect.order = order,
            _ => {}
        }
    }
    Ok((cli, matches))
}

/// `mqtk help pub` (and `mqtk help sub`) print the concise help: common options first, a
/// pointer to `--help` for the rest. Other `help` forms are left to clap.
fn concise_help(args: &[std::ffi::OsString]) -> Option<u8> {
    use clap::CommandFactory;
    let [_, help, name] = args else {
        return None;
    };
    if help != "help" {
        return None;
    }
    let mut root = Cli::command();
    root.build();
    let sub = root
        .get_subcommands_mut()
        .find(|c| c.get_name() == name.to_str().unwrap_or_default())?;
    let mut sub = sub.clone().bin_name(format!("mqtk {}", sub.get_name()));
    let _ = sub.print_help();
    Some(error::code::SUCCESS)
}

/// Runs one parsed command. Each subcommand's `run` is `#[inline(never)]`: inlined here, their
/// frames merged into one of 32 KB, whose stack probes touched every page of it on every run.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Pub(args) => publish::run(args),
        Command::Sub(args) => subscribe::run(args),
        Command::Bench(args) => bench::run(*args),
        Command::Rr(args) => rr::run(args),
        Command::Sys(args) => sys::run(args),
        Command::Generate(args) => generate::run(&args),
        Command::Profile(args) => {
            profile::run(&args, cli.profile.as_deref(), cli.config.as_deref())
        }
        #[cfg(feature = "broker")]
        Command::Broker(args) => broker::run(args),
    }
}

/// Help and version go to stdout with exit 0; every other parse error becomes one line on stderr
/// and exit 2.
fn clap_error(err: clap::Error) -> u8 {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                error::code::USAGE
            } else {
                error::code::SUCCESS
            }
        }
        _ => {
            crate::output::error(&format!("{} (see --help)", clap_one_line(&err)));
            error::code::USAGE
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
