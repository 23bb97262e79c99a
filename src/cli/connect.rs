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

/// The environment variable that holds a password; used only when a user name is given, so an
/// exported password does not break anonymous use.
pub const PASSWORD_ENV: &str = "MQTK_PASSWORD";

/// Reconnect attempts when `--reconnect-attempts` is not given, for commands that end by
/// themselves; long-running ones (`sub`, `pub -l`) retry forever unless told otherwise.
pub const DEFAULT_RECONNECT_ATTEMPTS: u32 = 10;

/// Validates the connection flags into the connection layer's options. Prints (unless
/// `--quiet`) the warnings that need no connection to know: a password over plain text,
/// `--insecure`, options MQTT 3.1.1 ignores.
pub fn connect_options(args: &ConnectArgs) -> anyhow::Result<ConnectOptions> {
    let mut ignored = Vec::new();
    let opts = build(args, &mut ignored)?;
    for w in ignored {
        output::warn(opts.quiet, &w);
    }
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

fn build(args: &ConnectArgs, warnings: &mut Vec<String>) -> anyhow::Result<ConnectOptions> {
    refuse_unsupported(args)?;
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
    // As in mosquitto, options are read in order: the later of -L and -h (or -p) wins.
    let host = match &parsed_url {
        Some(u) if !args.order.host_after_url => u.host.clone(),
        _ => args.host.clone(),
    };
    let default_port = match scheme {
        Some(s) if s.is_websocket() => s.default_port(),
        _ if tls_on => 8883,
        _ => 1883,
    };
    let port = match &parsed_url {
        Some(u) if !args.order.port_after_url || args.port.is_none() => u.port,
        _ => args.port,
    }
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

    let min_version = match args.tls.tls_version {
        None => None,
        Some(TlsVersionArg::Tls12) => Some(TlsVersion::Tls12),
        Some(TlsVersionArg::Tls13) => Some(TlsVersion::Tls13),
        Some(TlsVersionArg::Tls10 | TlsVersionArg::Tls11) => {
            return Err(usage(
                "--tls-version: TLS 1.1 and older are not supported (rustls speaks only TLS 1.2 \
                 and 1.3, the versions brokers still offer): use tlsv1.2",
            ));
        }
    };
    let tls = tls_on.then(|| TlsOptions {
        ca_file: args.tls.cafile.clone(),
        ca_path: args.tls.capath.clone(),
        cert: args.tls.cert.clone(),
        key: args.tls.key.clone(),
        os_certs: args.tls.tls_use_os_certs
            || (args.tls.cafile.is_none() && args.tls.capath.is_none()),
        min_version,
        alpn: args.tls.tls_alpn.clone(),
        ciphers: args.tls.ciphers.clone(),
        insecure: args.tls.insecure,
        accept_invalid_certs: args.tls.danger_accept_invalid_certs,
    });
    if tls.is_none() {
        for (given, flag) in [
            (args.tls.insecure, "--insecure"),
            (
                args.tls.danger_accept_invalid_certs,
                "--danger-accept-invalid-certs",
            ),
            (args.tls.ciphers.is_some(), "--ciphers"),
        ] {
            if given {
                return Err(usage(format!(
                    "{flag} only applies to TLS connections (use mqtts://, wss:// or --cafile)"
                )));
            }
        }
    }

    let protocol = args.protocol;
    let client_id = match (&args.id, &args.id_prefix) {
        (Some(id), _) => id.clone(),
        (None, Some(prefix)) => format!("{prefix}{}", std::process::id()),
        (None, None) => crate::conn::options::random_client_id(),
    };
    if args.disable_clean_session && args.id.is_none() {
        return Err(usage(
            "-c (persistent session) needs a fixed client id: add -i ID",
        ));
    }
    check_client_id(&client_id, protocol)?;
    // mosquitto ignores -x and -D under MQTT 3.1.1; scripts written for it keep working, told.
    if args.session_expiry.is_some() && !protocol.is_v5() {
        warnings.push("-x (session expiry) is ignored: it needs MQTT 5 (add -V 5)".into());
    }
    if !args.property.is_empty() && !protocol.is_v5() {
        warnings.push("-D (MQTT 5 properties) is ignored: it needs MQTT 5 (add -V 5)".into());
    }
    let properties = if protocol.is_v5() {
        properties::parse(&args.property).map_err(usage)?
    } else {
        // Still checked, so a typo is caught before the script moves to MQTT 5.
        properties::parse(&args.property).map_err(usage)?;
        properties::Properties::default()
    };
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
        (None, None) => parsed_url
            .as_ref()
            .and_then(|u| u.password.clone())
            .or_else(|| {
                username
                    .as_ref()
                    .and_then(|_| std::env::var(PASSWORD_ENV).ok())
            }),
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
        tls: tls.map(Into::into),
        protocol,
        client_id,
        clean: !args.disable_clean_session,
        keepalive: args.keepalive,
        session_expiry,
        username,
        password: password.map(Secret),
        will,
        properties: properties.into(),
        bind: args.bind_address,
        proxy: match &args.proxy {
            Some(p) => Some(Box::new(url::parse_proxy(p).map_err(usage)?)),
            None => None,
        },
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

/// mosquitto options this build cannot honour: a clear refusal beats a silent change of meaning.
fn refuse_unsupported(args: &ConnectArgs) -> anyhow::Result<()> {
    let t = &args.tls;
    for (given, flag, why) in [
        (
            t.psk.is_some(),
            "--psk",
            "rustls has no TLS-PSK; use certificates (--cafile, --cert)",
        ),
        (
            t.psk_identity.is_some(),
            "--psk-identity",
            "rustls has no TLS-PSK; use certificates (--cafile, --cert)",
        ),
        (
            t.tls_engine.is_some(),
            "--tls-engine",
            "there are no OpenSSL engines; give the key as a PEM file with --key",
        ),
        (
            t.tls_engine_kpass_sha1.is_some(),
            "--tls-engine-kpass-sha1",
            "there are no OpenSSL engines; give the key as a PEM file with --key",
        ),
        (
            t.keyform
                .as_deref()
                .is_some_and(|f| !f.eq_ignore_ascii_case("pem")),
            "--keyform",
            "keys are read as PEM files only",
        ),
    ] {
        if given {
            return Err(usage(format!(
                "{flag} is not supported by this build: {why}"
            )));
        }
    }
    Ok(())
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
    build(&T::try_parse_from(v)?.c, &mut Vec::new())
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
            &["--psk", "00ff"],
            &["--tls-engine", "pkcs11"],
            &["--cafile", "ca.pem", "--tls-version", "tlsv1.1"],
            &["--proxy", "http://127.0.0.1:3128"],
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
    fn options_mqtt_3_1_1_ignores_are_warnings() {
        let parse = |args: &[&str]| {
            let mut v = vec!["t"];
            v.extend_from_slice(args);
            #[derive(clap::Parser)]
            #[command(disable_help_flag = true)]
            struct T {
                #[command(flatten)]
                c: ConnectArgs,
            }
            let t = <T as clap::Parser>::try_parse_from(v).unwrap();
            let mut warnings = Vec::new();
            let o = build(&t.c, &mut warnings).unwrap();
            (o, warnings)
        };
        let (o, w) = parse(&["-x", "10", "-D", "connect", "receive-maximum", "5"]);
        assert_eq!(o.session_expiry, None);
        assert!(o.properties.connect.is_none());
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].starts_with("-x ") && w[1].starts_with("-D "), "{w:?}");
        let (o, w) = parse(&["-V", "5", "-x", "10"]);
        assert_eq!((o.session_expiry, w.len()), (Some(10), 0));
    }

    #[test]
    fn url_and_host_port_flags_follow_command_line_order() {
        let mut args = ConnectArgs {
            url: Some("mqtt://urlhost:1111/t".into()),
            host: "flaghost".into(),
            port: Some(2222),
            ..Default::default()
        };
        let target = |a: &ConnectArgs| build(a, &mut Vec::new()).unwrap().target;
        let tcp = |host: &str, port| Target::Tcp {
            host: host.into(),
            port,
        };
        assert_eq!(target(&args), tcp("urlhost", 1111));
        args.order.host_after_url = true;
        assert_eq!(target(&args), tcp("flaghost", 1111));
        args.order.port_after_url = true;
        assert_eq!(target(&args), tcp("flaghost", 2222));
        // A URL without a port: its scheme's default, unless -p came later.
        args.url = Some("mqtt://urlhost/t".into());
        args.order = Default::default();
        assert_eq!(target(&args), tcp("urlhost", 1883));
    }

    #[test]
    fn password_variable_needs_a_user_name() {
        // One test owns the variable (tests run in threads of one process).
        // SAFETY: no other test reads or writes MQTK_PASSWORD.
        unsafe { std::env::set_var(PASSWORD_ENV, "from-env") };
        let anonymous = opts(&[]).unwrap();
        let named = opts(&["-u", "bob"]).unwrap();
        let flag = opts(&["-u", "bob", "-P", "flag"]).unwrap();
        unsafe { std::env::remove_var(PASSWORD_ENV) };
        assert_eq!(anonymous.password, None);
        assert_eq!(named.password, Some(Secret("from-env".into())));
        assert_eq!(flag.password, Some(Secret("flag".into())));
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
