//! The config file (`config.toml`): named connection profiles, read and checked in one go.
//! Every problem is one line naming the file, the line and the reason (a usage error, exit 2).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Deserializer};

use crate::conn::ProtocolVersion;
use crate::error::{io_reason, usage};

/// The parsed config file.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from (relative paths in profiles are relative to its directory).
    pub path: PathBuf,
    pub profiles: BTreeMap<String, Profile>,
    /// Whether users other than the owner may read the file.
    pub readable_by_others: bool,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// One `[profiles.NAME]` table. Every setting is optional; what a profile leaves out falls back
/// to the built-in defaults.
#[derive(Deserialize, Debug, Default, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// `mqtt[s]://` or `ws[s]://` URL (instead of host and port).
    pub url: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    /// `311`, `5` or `31`, as `-V` (a number or a string).
    #[serde(default, deserialize_with = "protocol")]
    pub protocol: Option<ProtocolVersion>,
    pub cafile: Option<PathBuf>,
    pub capath: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub insecure: Option<bool>,
    pub username: Option<String>,
    /// A password in the file itself (prefer `password_file`).
    pub password: Option<String>,
    pub password_file: Option<PathBuf>,
    pub client_id_prefix: Option<String>,
    /// Default QoS for `pub` and `sub`.
    #[serde(default, deserialize_with = "qos")]
    pub qos: Option<u8>,
}

fn protocol<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ProtocolVersion>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumberOrText {
        Number(i64),
        Text(String),
    }
    let text = match NumberOrText::deserialize(d)? {
        NumberOrText::Number(n) => n.to_string(),
        NumberOrText::Text(t) => t,
    };
    ProtocolVersion::from_str(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

fn qos<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    match u8::deserialize(d)? {
        q @ 0..=2 => Ok(Some(q)),
        q => Err(serde::de::Error::custom(format!(
            "qos must be 0, 1 or 2, not {q}"
        ))),
    }
}

/// Where the config file is looked for when `--config` is not given:
/// `$XDG_CONFIG_HOME/mqtk/config.toml`, else `$HOME/.config/mqtk/config.toml`.
pub fn default_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let base = env("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            env("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| Path::new(&h).join(".config"))
        })?;
    Some(base.join("mqtk").join("config.toml"))
}

impl Config {
    /// Reads and checks `path`.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let shown = path.display();
        if path.is_dir() {
            return Err(usage(format!("{shown}: is a directory, not a config file")));
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            usage(format!(
                "{shown}: cannot read config file: {}",
                io_reason(&e)
            ))
        })?;
        let mut config = Config::parse(&text, path)?;
        config.readable_by_others = readable_by_others(path);
        Ok(config)
    }

    /// Parses config text (`path` only names it in errors and anchors relative paths).
    pub fn parse(text: &str, path: &Path) -> anyhow::Result<Config> {
        let shown = path.display();
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            });
            let reason = e.message().trim().replace('\n', " ");
            usage(format!("{shown}:{line}: {reason}"))
        })?;
        for (name, p) in &file.profiles {
            let problem = if p.url.is_some() && (p.host.is_some() || p.port.is_some()) {
                Some("give either url or host/port, not both")
            } else if p.cert.is_some() != p.key.is_some() {
                Some("cert and key go together")
            } else if p.password.is_some() && p.password_file.is_some() {
                Some("give either password or password_file, not both")
            } else {
                None
            };
            if let Some(problem) = problem {
                let line = table_line(text, name);
                return Err(usage(format!(
                    "{shown}:{line}: profile '{name}': {problem}"
                )));
            }
            if let Some(url) = &p.url {
                crate::conn::url::parse(url).map_err(|e| {
                    usage(format!(
                        "{shown}:{}: profile '{name}': url: {e}",
                        table_line(text, name)
                    ))
                })?;
            }
        }
        Ok(Config {
            path: path.to_path_buf(),
            profiles: file.profiles,
            readable_by_others: false,
        })
    }

    /// The profile called `name`, or a usage error listing the ones there are.
    pub fn profile(&self, name: &str) -> anyhow::Result<&Profile> {
        self.profiles.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
            let known = if known.is_empty() {
                "it defines none".to_string()
            } else {
                format!("profiles: {}", known.join(", "))
            };
            usage(format!(
                "no profile '{name}' in {} ({known})",
                self.path.display()
            ))
        })
    }

    /// A path from a profile: `~/` is the home directory, a relative path is relative to the
    /// config file's directory.
    pub fn resolve(&self, path: &Path, home: Option<&str>) -> PathBuf {
        if let (Ok(rest), Some(home)) = (path.strip_prefix("~"), home) {
            return Path::new(home).join(rest);
        }
        match self.path.parent() {
            Some(dir) if path.is_relative() => dir.join(path),
            _ => path.to_path_buf(),
        }
    }
}

/// The line of `[profiles.NAME]` (1 when it cannot be found, e.g. for inline tables).
fn table_line(text: &str, name: &str) -> usize {
    let wanted = [
        format!("[profiles.{name}]"),
        format!("[profiles.\"{name}\"]"),
    ];
    text.lines()
        .position(|l| {
            let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            wanted.iter().any(|w| l.starts_with(w.as_str()))
        })
        .map_or(1, |i| i + 1)
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o044 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_path: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Kind, kind_of};

    fn parse(text: &str) -> anyhow::Result<Config> {
        Config::parse(text, Path::new("/etc/mqtk.toml"))
    }

    #[test]
    fn full_profile() {
        let c = parse(
            r#"
[profiles.local]
host = "127.0.0.1"
port = 1884
protocol = 5
username = "alice"
password_file = "pw.txt"
client_id_prefix = "ci-"
qos = 1

[profiles.cloud]
url = "mqtts://broker.example:8883"
protocol = "311"
cafile = "~/ca.pem"
cert = "c.pem"
key = "/abs/k.pem"
insecure = false
"#,
        )
        .unwrap();
        let local = c.profile("local").unwrap();
        assert_eq!(local.port, Some(1884));
        assert_eq!(local.protocol, Some(ProtocolVersion::V5));
        assert_eq!(local.qos, Some(1));
        let cloud = c.profile("cloud").unwrap();
        assert_eq!(cloud.protocol, Some(ProtocolVersion::V311));
        assert_eq!(
            c.resolve(cloud.cafile.as_ref().unwrap(), Some("/home/u")),
            Path::new("/home/u/ca.pem")
        );
        assert_eq!(
            c.resolve(cloud.cert.as_ref().unwrap(), None),
            Path::new("/etc/c.pem")
        );
        assert_eq!(
            c.resolve(cloud.key.as_ref().unwrap(), None),
            Path::new("/abs/k.pem")
        );
        let err = c.profile("nope").unwrap_err().to_string();
        assert_eq!(
            err,
            "no profile 'nope' in /etc/mqtk.toml (profiles: cloud, local)"
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let cases = [
            (
                "[profiles.a]\nhots = \"x\"\n",
                "/etc/mqtk.toml:2: unknown field `hots`",
            ),
            ("[profiles.a]\nport = 70000\n", "/etc/mqtk.toml:2:"),
            ("[profiles.a]\nport = \"x\"\n", "/etc/mqtk.toml:2:"),
            (
                "\n\n[profiles.a]\nprotocol = 7\n",
                "/etc/mqtk.toml:4: unknown protocol version '7'",
            ),
            (
                "[profiles.a]\nqos = 3\n",
                "/etc/mqtk.toml:2: qos must be 0, 1 or 2, not 3",
            ),
            ("[profiles.a\n", "/etc/mqtk.toml:1:"),
            ("x = 1\n", "/etc/mqtk.toml:1: unknown field `x`"),
            (
                "[profiles.a]\n\n[profiles.b]\nurl = \"mqtt://h\"\nhost = \"h\"\n",
                "/etc/mqtk.toml:3: profile 'b': give either url or host/port",
            ),
            (
                "[profiles.a]\ncert = \"c\"\n",
                "/etc/mqtk.toml:1: profile 'a': cert and key go together",
            ),
            (
                "[profiles.a]\nurl = \"gopher://h\"\n",
                "/etc/mqtk.toml:1: profile 'a': url:",
            ),
        ];
        for (text, expected) in cases {
            let err = parse(text).unwrap_err();
            assert_eq!(kind_of(&err), Some(Kind::Usage), "{text}");
            let msg = err.to_string();
            assert!(msg.starts_with(expected), "{text:?}: {msg}");
            assert!(!msg.contains('\n'), "{msg}");
        }
    }

    #[test]
    fn default_path_prefers_xdg() {
        let env = |k: &str| match k {
            "XDG_CONFIG_HOME" => Some("/x".to_string()),
            "HOME" => Some("/h".to_string()),
            _ => None,
        };
        assert_eq!(
            default_path(&env),
            Some(PathBuf::from("/x/mqtk/config.toml"))
        );
        let env = |k: &str| (k == "HOME").then(|| "/h".to_string());
        assert_eq!(
            default_path(&env),
            Some(PathBuf::from("/h/.config/mqtk/config.toml"))
        );
        assert_eq!(default_path(&|_: &str| None), None);
    }
}
