//! The one owner of stderr and of colour decisions: warnings, debug lines (`-d`) and the
//! terminal/`--color`/`NO_COLOR` rules. Lower layers return warnings and events; commands hand
//! them here.

use std::ffi::OsStr;

use crate::cli::ColorChoice;
use crate::conn::{ConnectOptions, Link};

/// Whether to colour a stream: `always` and `never` are obeyed as given; `auto` colours only a
/// terminal, and not when `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
pub fn use_color(choice: ColorChoice, stream_is_terminal: bool) -> bool {
    decide(
        choice,
        stream_is_terminal,
        std::env::var_os("NO_COLOR").as_deref(),
    )
}

/// Columns to fit text charts to: the terminal's width when standard output is one, else
/// `COLUMNS`, else 80.
pub fn stdout_columns() -> usize {
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(w, _)| usize::from(w.0))
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
        .filter(|&w| w > 0)
        .unwrap_or(80)
}

/// Whether the locale's character set is UTF-8 (block characters can be drawn).
pub fn utf8_locale() -> bool {
    let var = |k: &str| std::env::var(k).ok();
    crate::bench::export::charts::utf8_locale(
        var("LC_ALL").as_deref(),
        var("LC_CTYPE").as_deref(),
        var("LANG").as_deref(),
    )
}

/// Prints `mqtk: warning: TEXT` on stderr unless `quiet`.
pub fn warn(quiet: bool, text: &str) {
    if !quiet {
        eprintln!("mqtk: warning: {text}");
    }
}

/// Prints `mqtk: error: TEXT` on stderr: the one line a failing command ends with.
pub fn error(text: &str) {
    eprintln!("mqtk: error: {text}");
}

/// Prints `mqtk: TEXT` on stderr: progress and log lines (`bench: ...`, `broker: ...`).
pub fn info(text: &str) {
    eprintln!("mqtk: {text}");
}

/// Prints `mqtk: debug: TEXT` on stderr (`-d`).
pub fn debug(text: std::fmt::Arguments<'_>) {
    eprintln!("mqtk: debug: {text}");
}

/// The warning for a connection event: one line per outage and one when it is over; each failed
/// attempt only with `-d`.
pub fn link(opts: &ConnectOptions, link: &Link) {
    let target = opts.describe_target();
    match link {
        Link::Lost { why } => warn(opts.quiet, &format!("{why}; reconnecting to {target}")),
        Link::Retrying {
            attempt,
            error,
            delay,
        } => {
            if opts.debug {
                debug(format_args!(
                    "reconnect attempt {attempt} failed: {error}; next in {delay:?}"
                ));
            }
        }
        Link::Restored {
            session_present,
            attempt,
            resent,
        } => {
            let session = if *session_present { "resumed" } else { "new" };
            let resent = if *resent > 0 {
                format!(", {resent} unacknowledged message(s) sent again")
            } else {
                String::new()
            };
            warn(
                opts.quiet,
                &format!("reconnected to {target} (session {session}, attempt {attempt}{resent})"),
            );
        }
    }
}

/// Whether standard output is a terminal (the usual `stream_is_terminal` for [`use_color`]).
pub fn stdout_is_terminal() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stdout())
}

fn decide(choice: ColorChoice, stream_is_terminal: bool, no_color: Option<&OsStr>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stream_is_terminal && no_color.is_none_or(OsStr::is_empty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices() {
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        assert!(decide(ColorChoice::Always, false, set));
        assert!(!decide(ColorChoice::Never, true, None));
        assert!(decide(ColorChoice::Auto, true, None));
        assert!(decide(ColorChoice::Auto, true, empty));
        assert!(!decide(ColorChoice::Auto, true, set));
        assert!(!decide(ColorChoice::Auto, false, None));
    }
}
