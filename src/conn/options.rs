//! What the connection layer needs to open a session ([`ConnectOptions`]): target, TLS, protocol,
//! identity, will, properties, reconnect policy. Built and validated from the command line by
//! `cli::connect`, or directly by programs with [`ConnectOptions::new`].

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::properties::Properties;
use super::version::{ProtocolVersion, TlsVersion};
use crate::error::usage;

/// A password that never shows in debug output or error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

/// Where to connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Tcp {
        host: String,
        port: u16,
    },
    /// WebSocket: `path` is the HTTP path of the upgrade request.
    WebSocket {
        host: String,
        port: u16,
        path: String,
    },
    Unix(PathBuf),
}

/// TLS settings; present when TLS is on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsOptions {
    pub ca_file: Option<PathBuf>,
    pub ca_path: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    /// Use the system's trust store (also when no CA file or directory is given).
    pub os_certs: bool,
    pub min_version: Option<TlsVersion>,
    pub alpn: Option<String>,
    /// `--ciphers`: TLS 1.2 suites to offer (names checked by [`super::tls::client_config`]).
    pub ciphers: Option<String>,
    /// Skip only the host-name check (mosquitto's `--insecure`).
    pub insecure: bool,
    /// Skip every certificate check (`--danger-accept-invalid-certs`).
    pub accept_invalid_certs: bool,
}

/// A SOCKS5 proxy to reach the broker through (`--proxy socks5h://...`); the proxy resolves the
/// broker's host name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proxy {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<Secret>,
}

/// The last will.
#[derive(Clone, Debug, PartialEq)]
pub struct Will {
    pub topic: String,
    pub payload: bytes::Bytes,
    pub qos: u8,
    pub retain: bool,
}

/// How hard to try again after a lost connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReconnectPolicy {
    pub attempts: u32,
    pub max_delay: Duration,
}

/// Everything needed to open a session, validated.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    pub target: Target,
    /// Shared and boxed like `properties`: most connections have none.
    pub tls: Option<std::sync::Arc<TlsOptions>>,
    pub protocol: ProtocolVersion,
    pub client_id: String,
    pub clean: bool,
    pub keepalive: u16,
    pub session_expiry: Option<u32>,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub will: Option<Will>,
    /// Shared: a load generator clones the options once per connection, and the properties
    /// (half of the options' size) are the same for all of them.
    pub properties: std::sync::Arc<Properties>,
    pub bind: Option<IpAddr>,
    pub proxy: Option<Box<Proxy>>,
    pub connect_timeout: Duration,
    pub reconnect: ReconnectPolicy,
    /// Largest packet mqtk accepts from the server.
    pub max_incoming_packet: usize,
    /// The topic part of an `mqtt://host/topic` URL.
    pub url_topic: Option<String>,
    pub debug: bool,
    pub quiet: bool,
}

impl ConnectOptions {
    /// Options for `target` with the defaults of the command line: MQTT 3.1.1, a random client
    /// id, clean session, keepalive 60 s, connect timeout 10 s, no TLS. For programs (and tests)
    /// that open connections without flags.
    pub fn new(target: Target) -> ConnectOptions {
        ConnectOptions {
            target,
            tls: None,
            protocol: ProtocolVersion::V311,
            client_id: random_client_id(),
            clean: true,
            keepalive: 60,
            session_expiry: None,
            username: None,
            password: None,
            will: None,
            properties: Default::default(),
            bind: None,
            proxy: None,
            connect_timeout: Duration::from_secs(10),
            reconnect: ReconnectPolicy {
                attempts: 10,
                max_delay: Duration::from_secs(5),
            },
            max_incoming_packet: super::packet::PROTOCOL_MAX_PACKET,
            url_topic: None,
            debug: false,
            quiet: false,
        }
    }

    /// Warnings about these options that the user should see before connecting.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if self.password.is_some() && self.tls.is_none() && !self.is_local() {
            w.push(
                "the password is sent unencrypted (use mqtts:// or wss:// to protect it)".into(),
            );
        }
        if self.tls.as_ref().is_some_and(|t| t.accept_invalid_certs) {
            w.push(
                "--danger-accept-invalid-certs: the broker's certificate is NOT verified at all; \
                 anyone on the path can read and change this connection"
                    .into(),
            );
        } else if self.tls.as_ref().is_some_and(|t| t.insecure) {
            w.push(
                "--insecure: the broker's host name is not checked against its certificate".into(),
            );
        }
        w
    }

    /// Whether the traffic never leaves this machine (a Unix socket, or a loopback address or
    /// `localhost` reached directly): no one else can read a password sent in clear there.
    fn is_local(&self) -> bool {
        let host = match &self.target {
            Target::Unix(_) => return true,
            Target::Tcp { host, .. } | Target::WebSocket { host, .. } => host,
        };
        if self.proxy.is_some() {
            return false;
        }
        host.eq_ignore_ascii_case("localhost")
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// "host:port" (or the socket path) for messages.
    pub fn describe_target(&self) -> String {
        let tls = self.tls.is_some();
        match &self.target {
            Target::Tcp { host, port } => {
                format!(
                    "{}://{}:{port}",
                    if tls { "mqtts" } else { "mqtt" },
                    bracket(host)
                )
            }
            Target::WebSocket { host, port, path } => format!(
                "{}://{}:{port}{path}",
                if tls { "wss" } else { "ws" },
                bracket(host)
            ),
            Target::Unix(p) => format!("unix:{}", p.display()),
        }
    }
}

fn bracket(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

/// Client ids MQTT cannot carry, or MQTT 3.1 does not allow.
pub fn check_client_id(id: &str, protocol: ProtocolVersion) -> anyhow::Result<()> {
    if id.len() > 65_535 {
        return Err(usage("client id is longer than 65,535 bytes"));
    }
    if id.contains('\0') {
        return Err(usage("client id must not contain a NUL character"));
    }
    if protocol == ProtocolVersion::V31 && (id.is_empty() || id.len() > 23) {
        return Err(usage("MQTT 3.1 client ids must be 1 to 23 characters long"));
    }
    Ok(())
}

/// A client id for a client that was given none: `mqtk-` and 40 random bits, as unlikely to
/// meet another's as mosquitto_pub's.
pub fn random_client_id() -> String {
    format!("mqtk-{:010x}", crate::random::u64() & 0xff_ffff_ffff)
}
