//! Connection profiles: `--profile NAME` (or `MQTK_PROFILE`) fills in the connection settings
//! the command line left out, from `config.toml`.
//!
//! Precedence, highest first: flags, then environment variables (`MQTK_PASSWORD`), then the
//! profile, then the built-in defaults. A profile is read only when one is selected, so an
//! unrelated config file never changes what a command does.

pub mod config;

use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;

use crate::cli::{Cli, Command, ConnectArgs, QosLevel};
pub use config::{Config, Profile};

/// Environment variable that selects a profile when `--profile` is not given.
pub const PROFILE_ENV: &str = "MQTK_PROFILE";

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The config file: `--config FILE`, else the default location (see [`config::default_path`]).
pub fn config_path(flag: Option<&Path>) -> Option<PathBuf> {
    flag.map(Path::to_path_buf)
        .or_else(|| config::default_path(&process_env))
}

/// Applies the selected profile (if any) to the parsed command line. `matches` tells which
/// values came from the command line or the environment: those are never overridden.
pub fn apply_to_command(cli: &mut Cli, matches: &ArgMatches) -> anyhow::Result<()> {
    let Some(name) = cli.profile.clone() else {
        return Ok(());
    };
    let (connect, qos): (&mut ConnectArgs, Option<&mut QosLevel>) = match &mut cli.command {
        Command::Pub(a) => (&mut a.connect, Some(&mut a.qos)),
        Command::Sub(a) => (&mut a.connect, Some(&mut a.qos)),
        Command::Rr(a) => (&mut a.connect, Some(&mut a.qos)),
        Command::Bench(a) => (&mut a.connect, None),
        // Commands without a connection (and `profile show`, which reads --profile itself).
        _ => return Ok(()),
    };
    let Some((_, sub)) = matches.subcommand() else {
        return Ok(());
    };
    let path = config_path(cli.config.as_deref()).ok_or_else(|| {
        crate::error::usage(format!(
            "--profile {name}: no config file (set HOME or XDG_CONFIG_HOME, or give --config FILE)"
        ))
    })?;
    let config = Config::load(&path)?;
    let profile = config.profile(&name)?;
    let given = |id: &str| {
        matches!(
            sub.value_source(id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        )
    };
    let home = process_env("HOME");
    let warnings = apply(
        profile,
        &name,
        &config,
        home.as_deref(),
        connect,
        qos,
        &given,
    );
    for w in warnings {
        crate::output::warn(connect.quiet, &w);
    }
    Ok(())
}

/// Fills in `args` (and the default `qos`) from `profile` wherever `given(ID)` says the command
/// line and the environment left the value to its default. Returns warnings to show.
pub fn apply(
    profile: &Profile,
    name: &str,
    config: &Config,
    home: Option<&str>,
    args: &mut ConnectArgs,
    qos: Option<&mut QosLevel>,
    given: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let path = |p: &PathBuf| config.resolve(p, home);

    // Where to connect is one decision: any of these on the command line replaces all of the
    // profile's (a profile URL must not override `-h`, nor its port apply to another host).
    if !["host", "port", "url", "unix"].iter().any(|id| given(id)) {
        if let Some(url) = &profile.url {
            args.url = Some(url.clone());
        }
        if let Some(host) = &profile.host {
            args.host = host.clone();
        }
        if profile.port.is_some() {
            args.port = profile.port;
        }
    }
    if let Some(v) = profile.protocol
        && !given("protocol")
    {
        args.protocol = v;
    }
    if let Some(q) = profile.qos
        && let Some(qos) = qos
        && !given("qos")
    {
        *qos = QosLevel(q);
    }
    if let Some(prefix) = &profile.client_id_prefix
        && !given("id")
        && !given("id_prefix")
    {
        args.id_prefix = Some(prefix.clone());
    }

    // TLS files one by one, but a certificate and its key as a pair.
    if let Some(f) = &profile.cafile
        && !given("cafile")
    {
        args.tls.cafile = Some(path(f));
    }
    if let Some(d) = &profile.capath
        && !given("capath")
    {
        args.tls.capath = Some(path(d));
    }
    if let (Some(cert), Some(key)) = (&profile.cert, &profile.key)
        && !given("cert")
        && !given("key")
    {
        args.tls.cert = Some(path(cert));
        args.tls.key = Some(path(key));
    }
    if profile.insecure == Some(true) {
        args.tls.insecure = true;
    }

    // Credentials: a URL with a user on the command line brings its own.
    let url_user = given("url")
        && args
            .url
            .as_deref()
            .and_then(|u| crate::conn::url::parse(u).ok())
            .is_some_and(|u| u.username.is_some());
    if let Some(user) = &profile.username
        && !given("username")
        && !url_user
    {
        args.username = Some(user.clone());
    }
    if !given("password") && !given("pw_file") && !url_user {
        if let Some(password) = &profile.password {
            args.password = Some(password.clone());
            if config.readable_by_others {
                warnings.push(format!(
                    "{} holds the password of profile '{name}' and other users can read it \
                     (chmod 600 it, or use password_file)",
                    config.path.display()
                ));
            }
        } else if let Some(file) = &profile.password_file {
            args.pw_file = Some(path(file));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::ProtocolVersion;

    fn config(text: &str, readable_by_others: bool) -> Config {
        let mut c = Config::parse(text, Path::new("/cfg/config.toml")).unwrap();
        c.readable_by_others = readable_by_others;
        c
    }

    const FILE: &str = r#"
[profiles.p]
host = "profile-host"
port = 1999
protocol = 5
username = "puser"
password_file = "pw"
client_id_prefix = "pp-"
qos = 2
cafile = "ca.pem"
"#;

    /// Applies profile `p` of FILE to the defaults, with `given` ids set as by the command line.
    fn run(given_ids: &[&str], mut args: ConnectArgs) -> (ConnectArgs, QosLevel) {
        let c = config(FILE, false);
        let mut qos = QosLevel(0);
        let given = |id: &str| given_ids.contains(&id);
        apply(
            c.profile("p").unwrap(),
            "p",
            &c,
            None,
            &mut args,
            Some(&mut qos),
            &given,
        );
        (args, qos)
    }

    fn defaults() -> ConnectArgs {
        ConnectArgs {
            host: "localhost".into(),
            ..Default::default()
        }
    }

    /// What a row of the precedence table expects after the profile is applied.
    #[derive(Debug, PartialEq)]
    struct Outcome {
        host: String,
        port: Option<u16>,
        protocol: ProtocolVersion,
        username: Option<String>,
        pw_file: Option<PathBuf>,
        id_prefix: Option<String>,
        qos: u8,
    }

    /// The profile's values everywhere.
    fn from_profile() -> Outcome {
        Outcome {
            host: "profile-host".into(),
            port: Some(1999),
            protocol: ProtocolVersion::V5,
            username: Some("puser".into()),
            pw_file: Some(PathBuf::from("/cfg/pw")),
            id_prefix: Some("pp-".into()),
            qos: 2,
        }
    }

    /// Precedence as a table: which values the command line (or environment) gave, and what
    /// comes out. Flags and environment variables always win; the profile beats the defaults.
    #[test]
    fn precedence_table() {
        type Row = (&'static str, &'static [&'static str], ConnectArgs, Outcome);
        let rows: Vec<Row> = vec![
            ("nothing given", &[], defaults(), from_profile()),
            (
                "-h: the whole target is the command line's",
                &["host"],
                ConnectArgs {
                    host: "cli-host".into(),
                    ..defaults()
                },
                Outcome {
                    host: "cli-host".into(),
                    port: None,
                    ..from_profile()
                },
            ),
            (
                "-p alone keeps the profile's host out too",
                &["port"],
                ConnectArgs {
                    port: Some(1),
                    ..defaults()
                },
                Outcome {
                    host: "localhost".into(),
                    port: Some(1),
                    ..from_profile()
                },
            ),
            (
                "-V -u -q -i",
                &["protocol", "username", "qos", "id"],
                ConnectArgs {
                    protocol: ProtocolVersion::V311,
                    username: Some("cli".into()),
                    id: Some("x".into()),
                    ..defaults()
                },
                Outcome {
                    protocol: ProtocolVersion::V311,
                    username: Some("cli".into()),
                    id_prefix: None,
                    qos: 0,
                    ..from_profile()
                },
            ),
            (
                "MQTK_PASSWORD (environment) beats the profile's password file",
                &["password"],
                ConnectArgs {
                    password: Some("env".into()),
                    ..defaults()
                },
                Outcome {
                    pw_file: None,
                    ..from_profile()
                },
            ),
            (
                "--pw-file",
                &["pw_file"],
                ConnectArgs {
                    pw_file: Some("/mine".into()),
                    ..defaults()
                },
                Outcome {
                    pw_file: Some("/mine".into()),
                    ..from_profile()
                },
            ),
        ];
        for (what, given, args, expected) in rows {
            let (got, qos) = run(given, args);
            let outcome = Outcome {
                host: got.host,
                port: got.port,
                protocol: got.protocol,
                username: got.username,
                pw_file: got.pw_file,
                id_prefix: got.id_prefix,
                qos: qos.0,
            };
            assert_eq!(outcome, expected, "{what}");
            assert_eq!(got.tls.cafile, Some(PathBuf::from("/cfg/ca.pem")), "{what}");
        }
    }

    #[test]
    fn url_on_the_command_line_keeps_its_credentials() {
        let (got, _) = run(
            &["url"],
            ConnectArgs {
                url: Some("mqtt://me:secret@h".into()),
                ..defaults()
            },
        );
        assert_eq!(got.url.as_deref(), Some("mqtt://me:secret@h"));
        assert_eq!(got.host, "localhost");
        assert_eq!((got.username, got.pw_file), (None, None));
    }

    #[test]
    fn inline_password_warns_when_others_can_read_the_file() {
        let text = "[profiles.p]\nusername = \"u\"\npassword = \"s3cret\"\n";
        for (readable, warned) in [(true, true), (false, false)] {
            let c = config(text, readable);
            let mut args = defaults();
            let w = apply(
                c.profile("p").unwrap(),
                "p",
                &c,
                None,
                &mut args,
                None,
                &|_| false,
            );
            assert_eq!(args.password.as_deref(), Some("s3cret"));
            assert_eq!(!w.is_empty(), warned);
            assert!(w.iter().all(|w| !w.contains("s3cret")));
        }
    }
}
