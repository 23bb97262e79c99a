//! `mqtk profile list|show`: what the config file defines, with passwords redacted.

use std::io::Write;
use std::path::Path;

use crate::cli::{ProfileAction, ProfileArgs};
use crate::conn::ProtocolVersion;
use crate::error::usage;
use crate::profile::{self, Config, Profile};

#[inline(never)] // see `cmd::run`
pub fn run(
    args: &ProfileArgs,
    selected: Option<&str>,
    config: Option<&Path>,
) -> anyhow::Result<()> {
    let path = profile::config_path(config).ok_or_else(|| {
        usage("no config file: set HOME or XDG_CONFIG_HOME, or give --config FILE")
    })?;
    let config = Config::load(&path)?;
    let text = match &args.action {
        ProfileAction::List => list(&config),
        ProfileAction::Show { name } => {
            let name = name.as_deref().or(selected).ok_or_else(|| {
                usage(format!(
                    "which profile? name one (`mqtk profile show NAME`), or set --profile or {}",
                    profile::PROFILE_ENV
                ))
            })?;
            show(name, config.profile(name)?)
        }
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// One line per profile: its name and where it connects.
fn list(config: &Config) -> String {
    let width = config.profiles.keys().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (name, p) in &config.profiles {
        let target = match (&p.url, &p.host, p.port) {
            (Some(url), _, _) => redact_url(url),
            (None, host, port) => format!(
                "{}:{}",
                host.as_deref().unwrap_or("localhost"),
                port.map_or_else(|| "default port".to_string(), |p| p.to_string())
            ),
        };
        out.push_str(&format!("{name:width$}  {target}\n"));
    }
    out
}

/// The profile as TOML, password redacted.
fn show(name: &str, p: &Profile) -> String {
    let mut out = format!("[profiles.{}]\n", toml_key(name));
    let mut line = |key: &str, value: String| out.push_str(&format!("{key} = {value}\n"));
    let text = |s: &str| toml_string(s);
    let path = |p: &Path| toml_string(&p.display().to_string());
    if let Some(v) = &p.url {
        line("url", text(&redact_url(v)));
    }
    if let Some(v) = &p.host {
        line("host", text(v));
    }
    if let Some(v) = p.port {
        line("port", v.to_string());
    }
    if let Some(v) = p.protocol {
        let v = match v {
            ProtocolVersion::V31 => "31",
            ProtocolVersion::V311 => "311",
            ProtocolVersion::V5 => "5",
        };
        line("protocol", v.to_string());
    }
    if let Some(v) = &p.username {
        line("username", text(v));
    }
    if p.password.is_some() {
        line("password", text("<redacted>"));
    }
    if let Some(v) = &p.password_file {
        line("password_file", path(v));
    }
    if let Some(v) = &p.client_id_prefix {
        line("client_id_prefix", text(v));
    }
    if let Some(v) = p.qos {
        line("qos", v.to_string());
    }
    for (key, value) in [
        ("cafile", &p.cafile),
        ("capath", &p.capath),
        ("cert", &p.cert),
        ("key", &p.key),
    ] {
        if let Some(v) = value {
            line(key, path(v));
        }
    }
    if let Some(v) = p.insecure {
        line("insecure", v.to_string());
    }
    out
}

/// A URL with its password (if any) replaced.
fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:<redacted>@{host}{path}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

fn toml_string(s: &str) -> String {
    // A JSON string is a valid TOML basic string.
    serde_json::to_string(s).unwrap_or_default()
}

fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        name.to_string()
    } else {
        toml_string(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_redacts_passwords() {
        let c = Config::parse(
            "[profiles.\"a b\"]\nurl = \"mqtts://u:hunter2@h:8883/t\"\nusername = \"u\"\npassword = \"hunter2\"\nprotocol = 5\nqos = 1\n",
            Path::new("c.toml"),
        )
        .unwrap();
        let shown = show("a b", c.profile("a b").unwrap());
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(
            shown,
            "[profiles.\"a b\"]\nurl = \"mqtts://u:<redacted>@h:8883/t\"\nprotocol = 5\nusername = \"u\"\npassword = \"<redacted>\"\nqos = 1\n"
        );
        // What `show` prints reads back as the same profile, but for the redactions.
        let again = Config::parse(&shown, Path::new("c.toml")).unwrap();
        assert_eq!(again.profile("a b").unwrap().qos, Some(1));
        assert!(!list(&c).contains("hunter2"));
    }

    #[test]
    fn redacting_urls() {
        assert_eq!(redact_url("mqtt://h:1/x"), "mqtt://h:1/x");
        assert_eq!(redact_url("mqtt://u@h"), "mqtt://u@h");
        assert_eq!(redact_url("mqtt://u:p@h/a@b"), "mqtt://u:<redacted>@h/a@b");
    }
}
