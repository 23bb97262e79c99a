//! Connection flags (clap's [`ConnectArgs`]) -> the connection layer's validated
//! [`ConnectOptions`]: the one place where command-line types become `conn` types. Everything
//! here is checked before any network activity; mistakes are usage errors (exit 2).

use std::path::PathBuf;

use anyhow::Context;

use super::{ConnectArgs, TlsVersionArg};
use crate::conn::options::{ReconnectPolicy, Secret, Target, TlsOptions, Will, check_client_id};
use crate::conn::packet::PROTOCOL_MAX_PACKET;
use crate::conn::url::{self, Scheme};
use crate::conn::{ConnectOptions, TlsVersion, properties, tls, topic};
use crate::error::{io_reason, usage};
use crate::output;

/// Reconnect attempts when `--reconnect-attempts` is not given, for commands that end by
/// themselves; long-running ones (`sub`, `pub -l`) retry forever unless told otherwise.
pub const DEFAULT_RECONNECT_ATTEMPTS: u32 = 10;

/// Validates the connection flags into the connection layer's options. Prints (unless
/// `--quiet`) the warnings that need no connection to know: a password over plain text,
/// `--insecure`.
pub fn connect_options(args: &ConnectArgs) -> anyhow::Result<ConnectOptions> {
    let opts = build(args)?;
    // TLS files are read when connecting; reading them now as well makes a missing or
    // malformed one a usage error (exit 2) even when the broker is unreachable.
    if let Some(tls) = &opts.tls {
        tls::client_config(tls)?;
    }
    for w in opts.warnings() {
        output::warn(opts.quiet, &w);
    }
    Ok(opts)
}

fn build(args: &ConnectArgs) -> anyhow::Result<ConnectOptions> {
    let parsed_url = match &args.url {
        Some(u) => Some(url::parse(u).map_err(usage)?),
        None => None,
    };
    let scheme = parsed_url.as_ref().map(|u| u.scheme);
    let tls_on = scheme.is_some_and(Scheme::is_tls)
        || args.tls.cafile.is_some()
        || args.tls.capath.is_some()
        || args.tls.cert.is_some()
        || args.tls.tls_use_os_certs;
    if (scheme == Some(Scheme::Mqtt) || scheme == Some(Scheme::Ws))
        && (args.tls.cafile.is_some() || args.tls.capath.is_some())
    {
        return Err(usage(
            "--cafile/--capath turn TLS on, but the URL scheme is not mqtts:// or wss://",
        ));
    }
    let host = parsed_url
        .as_ref()
        .map_or_else(|| args.host.clone(), |u| u.host.clone());
    let default_port = match scheme {
        Some(s) if s.is_websocket() => s.default_port(),
        _ if tls_on => 8883,
        _ => 1883,
    };
    let port = parsed_url
        .as_ref()
        .and_then(|u| u.port)
        .or(args.port)
        .unwrap_or(default_port);
    let target = match (&args.unix, scheme) {
        (Some(path), _) => Target::Unix(path.clone()),
        (None, Some(s)) if s.is_websocket() => Target::WebSocket {
            host,
            port,
            path: parsed_url
                .as_ref()
                .map_or_else(String::new, |u| u.path.clone()),
        },
        _ => Target::Tcp { host, port },
    };
    let url_topic = match (&parsed_url, scheme) {
        (Some(u), Some(s)) if !s.is_websocket() && !u.path.is_empty() => Some(u.path.clone()),
        _ => None,
    };

    let tls = tls_on.then(|| TlsOptions {
        ca_file: args.tls.cafile.clone(),
        ca_path: args.tls.capath.clone(),
        cert: args.tls.cert.clone(),
        key: args.tls.key.clone(),
        os_certs: args.tls.tls_use_os_certs
            || (args.tls.cafile.is_none() && args.tls.capath.is_none()),
        min_version: args.tls.tls_version.map(|v| match v {
            TlsVersionArg::Tls12 => TlsVersion::Tls12,
            TlsVersionArg::Tls13 => TlsVersion::Tls13,
        }),
        alpn: args.tls.tls_alpn.clone(),
        insecure: args.tls.insecure,
    });
    if tls.is_none() && args.tls.insecure {
        return Err(usage(
            "--insecure only applies to TLS connections (use mqtts://, wss:// or --cafile)",
        ));
    }

    let protocol = args.protocol;
    let client_id = match (&args.id, &args.id_prefix) {
        (Some(id), _) => id.clone(),
        (None, Some(prefix)) => format!("{prefix}{}", std::process::id()),
        (None, None) => format!("mqtk-{:010x}", rand::random::<u64>() & 0xff_ffff_ffff),
    };
    if args.disable_clean_session && args.id.is_none() {
        return Err(usage(
            "-c (persistent session) needs a fixed client id: add -i ID",
        ));
    }
    check_client_id(&client_id, protocol)?;
    if args.session_expiry.is_some() && !protocol.is_v5() {
        return Err(usage("-x (session expiry) needs MQTT 5: add -V 5"));
    }
    if !args.property.is_empty() && !protocol.is_v5() {
        return Err(usage("-D (MQTT 5 properties) needs MQTT 5: add -V 5"));
    }
    let properties = properties::parse(&args.property).map_err(usage)?;
    let session_expiry = match (protocol.is_v5(), args.session_expiry) {
        (false, _) => None,
        (true, Some(x)) => Some(x),
        (true, None) if args.disable_clean_session => Some(u32::MAX),
        (true, None) => properties
            .connect
            .as_ref()
            .and_then(|c| c.session_expiry_interval),
    };

    let username = args
        .username
        .clone()
        .or_else(|| parsed_url.as_ref().and_then(|u| u.username.clone()));
    let password = match (&args.password, &args.pw_file) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(path)) => Some(read_password_file(path)?),
        (None, None) => parsed_url.as_ref().and_then(|u| u.password.clone()),
    };
    if password.is_some() && username.is_none() {
        return Err(usage("a password needs a user name: add -u USER"));
    }

    let will = match &args.will.will_topic {
        None => None,
        Some(topic) => {
            topic::validate_topic(topic).map_err(|e| usage(format!("--will-topic: {e}")))?;
            Some(Will {
                topic: topic.clone(),
                payload: args
                    .will
                    .will_payload
                    .clone()
                    .unwrap_or_default()
                    .into_bytes()
                    .into(),
                qos: args.will.will_qos.0,
                retain: args.will.will_retain,
            })
        }
    };

    let max_incoming_packet = properties
        .connect
        .as_ref()
        .and_then(|c| c.max_packet_size)
        .map_or(PROTOCOL_MAX_PACKET, |m| m as usize);

    Ok(ConnectOptions {
        target,
        tls,
        protocol,
        client_id,
        clean: !args.disable_clean_session,
        keepalive: args.keepalive,
        session_expiry,
        username,
        password: password.map(Secret),
        will,
        properties,
        bind: args.bind_address,
        connect_timeout: args.connect_timeout,
        reconnect: ReconnectPolicy {
            attempts: args
                .reconnect_attempts
                .unwrap_or(DEFAULT_RECONNECT_ATTEMPTS),
            max_delay: args.reconnect_max_delay,
        },
        max_incoming_packet,
        url_topic,
        debug: args.debug,
        quiet: args.quiet,
    })
}

fn read_password_file(path: &PathBuf) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| {
            usage(format!(
                "cannot read password file {}: {}",
                path.display(),
                io_reason(&e)
            ))
        })
        .context("--pw-file")?;
    Ok(text.lines().next().unwrap_or("").to_string())
}

/// Connection flags (as typed after the subcommand) to options, for unit tests elsewhere.
#[cfg(test)]
pub(crate) fn test_options(args: &[&str]) -> anyhow::Result<ConnectOptions> {
    use clap::Parser;
    #[derive(Parser)]
    #[command(disable_help_flag = true)]
    struct T {
        #[command(flatten)]
        c: ConnectArgs,
    }
    let mut v = vec!["t"];
    v.extend_from_slice(args);
    build(&T::try_parse_from(v)?.c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conn::options::{Secret, Target};

    fn opts(args: &[&str]) -> anyhow::Result<ConnectOptions> {
        test_options(args)
    }

    #[test]
    fn defaults_and_urls() {
        let o = opts(&[]).unwrap();
        assert_eq!(
            o.target,
            Target::Tcp {
                host: "localhost".into(),
                port: 1883
            }
        );
        assert!(o.client_id.starts_with("mqtk-"));
        let o = opts(&["-L", "mqtts://u:p@h/t/#"]).unwrap();
        assert_eq!(
            o.target,
            Target::Tcp {
                host: "h".into(),
                port: 8883
            }
        );
        assert_eq!(o.url_topic.as_deref(), Some("t/#"));
        assert_eq!(o.password, Some(Secret("p".into())));
        assert!(o.tls.is_some_and(|t| t.os_certs));
        let o = opts(&["-L", "ws://h:9001/mqtt"]).unwrap();
        assert_eq!(
            o.target,
            Target::WebSocket {
                host: "h".into(),
                port: 9001,
                path: "/mqtt".into()
            }
        );
        assert_eq!(
            opts(&["--cafile", "ca.pem"]).unwrap().describe_target(),
            "mqtts://localhost:8883"
        );
    }

    #[test]
    fn usage_errors() {
        for bad in [
            &["-c"][..],
            &["-x", "10"],
            &["-D", "connect", "receive-maximum", "5"],
            &["-P", "secret"],
            &["--insecure"],
            &["-V", "31", "-i", "abcdefghijklmnopqrstuvwxyz"],
            &["--will-topic", "a/#"],
        ] {
            let err = opts(bad).unwrap_err();
            assert_eq!(crate::error::exit_code(&err), 2, "{bad:?}: {err}");
        }
    }

    #[test]
    fn persistent_v5_sessions_never_expire_by_default() {
        let o = opts(&["-V", "5", "-c", "-i", "x"]).unwrap();
        assert_eq!(o.session_expiry, Some(u32::MAX));
        assert!(!o.clean);
    }

    #[test]
    fn password_is_redacted_in_debug_output() {
        let o = opts(&["-u", "u", "-P", "hunter2"]).unwrap();
        assert!(!format!("{o:?}").contains("hunter2"));
    }
}
