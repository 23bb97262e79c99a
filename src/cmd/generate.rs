//! Hidden `mqtk generate`: writes shell completions and man pages from the clap definition.
//!
//! The output is a pure function of the CLI definition ([`render_all`]), committed under
//! `completions/` and `man/`; `tests/generated.rs` regenerates it and fails on any difference, so
//! the files cannot drift from the flags.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::{Generator, Shell};
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use crate::cli::{Cli, EXIT_CODES_HELP, GenerateArgs};

/// The date printed in every man page. Fixed, so regenerating gives identical bytes; bump it
/// when the pages change in substance (e.g. at a release).
pub const MAN_DATE: &str = "2026-11-25";

/// The directories [`render_all`] writes into, relative to the output directory.
pub const COMPLETIONS_DIR: &str = "completions";
pub const MAN_DIR: &str = "man";

const BIN: &str = "mqtk";

/// Writes every generated file under `args.out_dir`, and removes man pages of subcommands that
/// no longer exist.
#[inline(never)] // see `cmd::run`
pub fn run(args: &GenerateArgs) -> anyhow::Result<()> {
    let files = render_all()?;
    for (relative, contents) in &files {
        let path = args.out_dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let wanted: BTreeSet<&PathBuf> = files.iter().map(|(path, _)| path).collect();
    for stale in stale_man_pages(&args.out_dir, &wanted)? {
        fs::remove_file(&stale).with_context(|| format!("cannot remove {}", stale.display()))?;
        eprintln!("removed {}", stale.display());
    }
    eprintln!(
        "wrote {} files under {}",
        files.len(),
        args.out_dir.display()
    );
    Ok(())
}

/// Man pages in `out_dir/man` named like ours (`mqtk*.1`) that [`render_all`] no longer makes.
/// Only those are removed: the directory may hold other files.
fn stale_man_pages(out_dir: &Path, wanted: &BTreeSet<&PathBuf>) -> anyhow::Result<Vec<PathBuf>> {
    let dir = out_dir.join(MAN_DIR);
    let mut stale = Vec::new();
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(stale),
        Err(err) => return Err(err).with_context(|| format!("cannot list {}", dir.display())),
    };
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = Path::new(MAN_DIR).join(&name);
        if name.starts_with(BIN) && name.ends_with(".1") && !wanted.contains(&relative) {
            stale.push(entry.path());
        }
    }
    stale.sort();
    Ok(stale)
}

/// Every generated file as (path relative to the output directory, contents), sorted by path:
/// completions for bash, zsh, fish, PowerShell and elvish, `man/mqtk.1`, and one page per
/// visible subcommand (`man/mqtk-pub.1`, ...).
pub fn render_all() -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();

    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut cmd = completion_command();
        cmd.set_bin_name(BIN);
        cmd.build();
        let mut buf = Vec::new();
        shell
            .try_generate(&cmd, &mut buf)
            .with_context(|| format!("cannot generate {shell} completions"))?;
        files.push((Path::new(COMPLETIONS_DIR).join(shell.file_name(BIN)), buf));
    }

    // `mqtk help` would otherwise get a page of its own.
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    let mut pages = Vec::new();
    collect_pages(&root, &mut pages);
    for page in pages {
        let name = page
            .get_display_name()
            .unwrap_or(page.get_name())
            .to_string();
        let contents = render_man_page(page)?;
        files.push((Path::new(MAN_DIR).join(format!("{name}.1")), contents));
    }

    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// The CLI without hidden subcommands, which clap_complete would otherwise offer (`mqtk
/// generate` is for developers). clap cannot remove a subcommand, so this rebuilds the root from
/// the parts completions read: its arguments, visible subcommands, about text and version.
fn completion_command() -> clap::Command {
    // Built, so subcommands carry the version their global --version needs.
    let mut full = Cli::command();
    full.build();
    let mut cmd = clap::Command::new(BIN)
        .version(env!("CARGO_PKG_VERSION"))
        // The root defines its own --help/--version: -h and -V are mosquitto's host and protocol.
        .disable_help_flag(true)
        .disable_version_flag(true)
        .args(full.get_arguments().cloned())
        .subcommands(
            full.get_subcommands()
                .filter(|s| !s.is_hide_set() && s.get_name() != "help")
                .cloned(),
        );
    if let Some(about) = full.get_about() {
        cmd = cmd.about(about.clone());
    }
    cmd
}

/// `cmd` and its visible subcommands, depth first, each built (so display names read
/// `mqtk-pub`).
fn collect_pages(cmd: &clap::Command, pages: &mut Vec<clap::Command>) {
    pages.push(cmd.clone());
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect_pages(sub, pages);
    }
}

/// One man page: clap_mangen's sections, with the exit-code table as a proper EXIT STATUS
/// section instead of clap's after-help text (which roff would run together into one
/// paragraph).
fn render_man_page(cmd: clap::Command) -> anyhow::Result<Vec<u8>> {
    let shows_exit_codes = cmd
        .get_after_long_help()
        .is_some_and(|text| text.to_string() == EXIT_CODES_HELP);
    let cmd = if shows_exit_codes {
        cmd.after_long_help(None::<&str>)
    } else {
        cmd
    };
    // The short help's pointer to `--help` means nothing in a man page.
    let cmd = cmd.after_help(None::<&str>);
    let name = cmd.get_name().to_string();
    let mut page = Vec::new();
    Man::new(cmd)
        .date(MAN_DATE)
        .manual("mqtk manual")
        .render(&mut page)
        .context("cannot render man page")?;
    let page = String::from_utf8(page).context("man page is not UTF-8")?;

    // Conventional place: after the options and subcommands, before VERSION.
    let exit_status = exit_status_section() + &extra_sections(&name);
    let page = match page.find("\n.SH VERSION\n") {
        Some(at) => format!("{}\n{}{}", &page[..at], exit_status, &page[at + 1..]),
        None => format!("{page}{exit_status}"),
    };
    Ok(page.into_bytes())
}

/// The EXIT STATUS section, one tagged paragraph per code, from [`EXIT_CODES_HELP`] (the same
/// text `--help` shows, so the two cannot disagree).
fn exit_status_section() -> String {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in exit_code_entries(EXIT_CODES_HELP) {
        roff.control("TP", []);
        roff.text([bold(code)]);
        roff.text([roman(meaning)]);
    }
    roff.to_roff()
}

/// `-F` specifiers, as mosquitto_sub(1) lists them under OUTPUT FORMAT.
const FORMAT_SPECIFIERS: &[(&str, &str)] = &[
    ("%t", "topic"),
    ("%p", "payload, raw bytes (binary-safe)"),
    ("%q", "QoS"),
    ("%r", "retain flag, 0 or 1"),
    ("%l", "payload length in bytes"),
    ("%m", "message (packet) id; 0 for QoS 0"),
    ("%x, %X", "payload as lower / upper case hex"),
    (
        "%j",
        "JSON object as mosquitto_sub prints it: tst, topic, qos, retain, payloadlen, mid (QoS > 0), properties (MQTT 5), payload (null when empty)",
    ),
    (
        "%J",
        "as %j, with a JSON payload embedded as JSON; --pretty indents %j and %J",
    ),
    ("%I", "ISO 8601 local time, e.g. 2016-08-10T09:47:38+0100"),
    (
        "%U",
        "Unix time with nanoseconds, e.g. 1470818943.786368637",
    ),
    ("%A", "MQTT 5 topic alias"),
    ("%C", "MQTT 5 content type"),
    ("%D", "MQTT 5 correlation data, raw bytes"),
    ("%E", "MQTT 5 message expiry interval"),
    ("%F", "MQTT 5 payload format indicator"),
    (
        "%P",
        "MQTT 5 user properties, key:value pairs separated by spaces",
    ),
    ("%R", "MQTT 5 response topic"),
    ("%S", "MQTT 5 subscription identifier(s), comma-separated"),
    ("%%", "a % sign"),
    (
        "@X",
        "strftime's %X for the time of receipt, e.g. @Y-@m-@d @H:@M:@S",
    ),
    ("@N", "nanoseconds within the second (9 digits)"),
    ("@@", "an @ sign"),
    (
        "\\n \\t \\r \\v \\a \\e \\0 \\\\",
        "newline, tab, carriage return, vertical tab, bell, escape, NUL, backslash",
    ),
    (
        "%[-][0][WIDTH][.PRECISION]",
        "as in printf: - left-aligns, 0 pads with zeros (numeric and hex fields), WIDTH pads %A %C %E %F %I %l %m %p %R %S %t %x %X, PRECISION cuts %C %I %R %t %p",
    ),
];

/// The `--json` fields (the schema a test locks with unknown fields rejected).
const JSON_FIELDS: &[(&str, &str)] = &[
    ("topic", "string"),
    ("qos", "0, 1 or 2"),
    ("retain", "bool"),
    ("dup", "bool: the redelivery flag"),
    ("mid", "number: packet id; only for QoS 1 and 2"),
    (
        "received",
        "string: time of receipt, RFC 3339 local time with microseconds",
    ),
    (
        "properties",
        "object, only for MQTT 5 messages with properties: payload_format_indicator, message_expiry_interval, topic_alias, response_topic, correlation_data (+ correlation_data_encoding), user_properties ([key, value] pairs), content_type, subscription_identifiers",
    ),
    (
        "payload",
        "string: the payload as text when it is valid UTF-8, else base64 (an empty payload is \"\")",
    ),
    ("encoding", "\"base64\", only when payload is base64"),
];

const SUB_EXAMPLES: &[(&str, &str)] = &[
    (
        "mqtk sub -h broker -t 'sensors/#' -v",
        "print every message under sensors/ with its topic",
    ),
    (
        "mqtk sub -t 'sensors/#' -F '@H:@M:@S %-30t %p'",
        "time of receipt, aligned topic, payload",
    ),
    (
        "mqtk sub -t 'sensors/#' --json | jq .payload",
        "one JSON object per message, for scripts",
    ),
    (
        "mqtk sub -t a/b -C 1 -W 10",
        "wait at most 10 seconds for one message (exit 27 on timeout)",
    ),
    (
        "mqtk sub -L mqtts://user@broker/t --cafile ca.pem",
        "TLS with a private CA; MQTK_PASSWORD holds the password",
    ),
];

const PUB_EXAMPLES: &[(&str, &str)] = &[
    ("mqtk pub -h broker -t a/b -m hello", "publish one message"),
    (
        "mqtk pub -t a/b -q 1 -l < lines.txt",
        "one message per input line, each acknowledged",
    ),
    (
        "mqtk pub -t config/x -r -f config.json",
        "retain a file's contents",
    ),
    ("mqtk pub -t config/x -r -n", "clear a retained message"),
    (
        "mqtk pub -V 5 -t a/b -m x -D publish user-property k v",
        "MQTT 5 with a user property",
    ),
];

const ROOT_EXAMPLES: &[(&str, &str)] = &[
    ("mqtk sub -t '#' -v", "watch everything on a local broker"),
    ("mqtk pub -t a/b -m hello", "publish a message"),
    (
        "mqtk bench --publishers 4 --subscribers 4 -q 1",
        "measure a broker's throughput, loss and latency",
    ),
    ("mqtk broker", "run a broker in this process"),
];

/// Sections clap_mangen does not write: OUTPUT FORMAT and JSON OUTPUT for `sub`, EXAMPLES and
/// SEE ALSO.
fn extra_sections(name: &str) -> String {
    let mut roff = Roff::new();
    let list = |roff: &mut Roff, items: &[(&str, &str)]| {
        for (term, text) in items {
            roff.control("TP", []);
            roff.text([bold(*term)]);
            roff.text([roman(*text)]);
        }
    };
    let examples = match name {
        "mqtk" => Some(ROOT_EXAMPLES),
        "pub" => Some(PUB_EXAMPLES),
        "sub" => Some(SUB_EXAMPLES),
        _ => None,
    };
    if name == "sub" {
        roff.control("SH", ["OUTPUT FORMAT"]);
        roff.text([roman(
            "Without -v, -F or --json each payload is printed as received, followed by a newline \
             (none with -N); an empty payload prints nothing, and `topic (null)` with -v, as in \
             mosquitto_sub. -F takes mosquitto_sub's format strings: % sequences print message \
             fields, @ sequences the time of receipt, \\ sequences special characters; anything \
             else is copied. An unknown or incomplete sequence is an error (exit 2).",
        )]);
        list(&mut roff, FORMAT_SPECIFIERS);
        roff.control("SH", ["JSON OUTPUT"]);
        roff.text([roman(
            "--json prints one object per message on one line (NDJSON; --pretty indents it) \
             with these fields and no others:",
        )]);
        list(&mut roff, JSON_FIELDS);
    }
    if let Some(examples) = examples {
        roff.control("SH", ["EXAMPLES"]);
        list(&mut roff, examples);
    }
    roff.control("SH", ["SEE ALSO"]);
    let see_also = match name {
        "mqtk" => {
            "mqtk-pub(1), mqtk-sub(1), mqtk-bench(1), mqtk-broker(1), mosquitto_pub(1), mosquitto_sub(1)"
        }
        "pub" => "mqtk(1), mqtk-sub(1), mosquitto_pub(1)",
        "sub" => "mqtk(1), mqtk-pub(1), mosquitto_sub(1), jq(1)",
        _ => "mqtk(1), mqtk-pub(1), mqtk-sub(1)",
    };
    roff.text([roman(see_also)]);
    roff.to_roff()
}

/// Splits the help table into (code, meaning) pairs. An entry line is indented by two spaces;
/// a line indented further continues the previous meaning.
fn exit_code_entries(help: &str) -> Vec<(String, String)> {
    let mut entries: Vec<(String, String)> = Vec::new();
    for line in help.lines() {
        let Some(rest) = line.strip_prefix("  ") else {
            continue; // the "Exit codes:" title
        };
        if rest.starts_with(' ') {
            if let Some((_, meaning)) = entries.last_mut() {
                meaning.push(' ');
                meaning.push_str(rest.trim());
            }
        } else if let Some((code, meaning)) = rest.split_once(' ') {
            entries.push((code.to_string(), meaning.trim().to_string()));
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_code_table_is_parsed_whole() {
        let entries = exit_code_entries(EXIT_CODES_HELP);
        let codes: Vec<&str> = entries.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(
            codes,
            [
                "0", "1", "2", "3", "1-5", "128-162", "6", "7", "8", "27", "130"
            ]
        );
        let refused = &entries[4].1;
        assert!(refused.contains("5 not authorised"), "{refused}");
        assert!(entries.iter().all(|(_, meaning)| !meaning.contains("  ")));
    }

    #[test]
    fn completion_command_keeps_everything_visible() {
        let completion = completion_command();
        completion.clone().debug_assert();
        let full = Cli::command();
        let names = |cmd: &clap::Command| -> Vec<String> {
            cmd.get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(|s| s.get_name().to_string())
                .collect()
        };
        assert_eq!(names(&completion), names(&full));
        assert!(completion.find_subcommand("generate").is_none());
        let args = |cmd: &clap::Command| -> Vec<String> {
            cmd.get_arguments()
                .map(|a| a.get_id().to_string())
                .collect()
        };
        assert_eq!(args(&completion), args(&full));
    }

    #[test]
    fn every_page_has_an_exit_status_section() {
        let files = render_all().expect("render");
        let pages: Vec<_> = files
            .iter()
            .filter(|(path, _)| path.starts_with(MAN_DIR))
            .collect();
        assert!(pages.len() >= 3, "expected mqtk.1, mqtk-pub.1, mqtk-sub.1");
        for (path, contents) in pages {
            let text = String::from_utf8_lossy(contents);
            assert!(
                text.contains(".SH \"EXIT STATUS\""),
                "{}: no EXIT STATUS",
                path.display()
            );
            assert!(text.contains(MAN_DATE), "{}: no fixed date", path.display());
            assert!(!text.contains(".SH EXTRA"), "{}", path.display());
        }
        assert!(
            files
                .iter()
                .all(|(path, _)| !path.to_string_lossy().contains("generate"))
        );
    }
}
