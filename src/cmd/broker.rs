//! `mqtk broker`: flags -> [`crate::broker`] options, listening lines on stdout, SIGINT/SIGTERM ->
//! clean shutdown and exit 0.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::broker::{self, BrokerOptions, PasswordFile, TlsFiles};
use crate::cli::broker::BrokerArgs;
use crate::error;

const DEFAULT_TLS_PORT: u16 = 8883;

#[inline(never)] // see `cmd::run`
pub fn run(args: BrokerArgs) -> anyhow::Result<()> {
    let options = options(&args)?;
    if let Some(warning) = network_warning(&options, args.allow_anonymous)
        && !args.quiet
    {
        crate::output::warn(false, &warning);
    }
    // A broker serves many connections at once; one worker per core (at most 4, it is a test
    // broker) keeps it from becoming the bottleneck of a benchmark.
    let workers = broker::worker_threads();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("mqtk-broker")
        .enable_all()
        .build()
        .context("cannot create the runtime")?;
    let quiet = args.quiet;
    let result = runtime.block_on(serve(options, quiet));
    // Connection tasks that ignored the shutdown must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    result
}

async fn serve(options: BrokerOptions, quiet: bool) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    // Installed before the listening lines are printed, so a script that reads the port and
    // sends SIGTERM straight away still gets a clean shutdown.
    let mut sigint = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
    let mut sigterm = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;

    let requires_auth = options.requires_auth();
    let mut running = broker::start(options).await?;
    announce(&running, requires_auth, quiet)?;

    let signal_name = tokio::select! {
        _ = sigint.recv() => "SIGINT",
        _ = sigterm.recv() => "SIGTERM",
        stopped = running.stopped() => {
            stopped?;
            anyhow::bail!("the broker stopped unexpectedly");
        }
    };
    if !quiet {
        crate::output::info(&format!("broker: {signal_name} received, shutting down"));
    }
    running.shutdown().await
}

/// The listening lines go to stdout and are flushed at once: scripts wait for them to learn the
/// port. Everything else goes to stderr.
fn announce(
    running: &broker::EmbeddedBroker,
    requires_auth: bool,
    quiet: bool,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for listener in running.listeners() {
        writeln!(out, "listening on {listener}").context("writing to stdout")?;
    }
    out.flush().context("writing to stdout")?;
    if !quiet {
        let auth = if requires_auth {
            "password required"
        } else {
            "anonymous clients allowed"
        };
        crate::output::info(&format!(
            "broker: ready ({auth}); stop with Ctrl-C or SIGTERM"
        ));
    }
    Ok(())
}

/// Anyone who can reach a non-loopback address could use a broker without passwords; say so
/// unless `--allow-anonymous` shows the user meant it.
fn network_warning(options: &BrokerOptions, allow_anonymous: bool) -> Option<String> {
    let open = !options.listen.is_loopback() && options.passwords.is_none() && !allow_anonymous;
    open.then(|| {
        format!(
            "listening on {} without authentication: anyone who can reach this address can \
             publish and subscribe (use --passwords FILE, or --allow-anonymous to silence this \
             warning)",
            options.listen
        )
    })
}

/// Checks every input file before anything binds, so bad input is exit 2 with a clear message.
fn options(args: &BrokerArgs) -> anyhow::Result<BrokerOptions> {
    let passwords = args
        .passwords
        .as_deref()
        .map(PasswordFile::load)
        .transpose()?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            check_pem(cert, PemKind::Certificate)?;
            check_pem(key, PemKind::PrivateKey)?;
            Some(TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            })
        }
        _ => None,
    };
    let tls_port = match (&tls, args.tls_port) {
        (Some(_), None) => Some(DEFAULT_TLS_PORT),
        (_, port) => port,
    };
    Ok(BrokerOptions {
        listen: args.listen,
        port: Some(args.port),
        ws_port: args.ws_port,
        tls,
        tls_port,
        wss_port: args.wss_port,
        passwords,
        allow_anonymous: args.allow_anonymous,
        sys_interval: args.sys_interval,
        log_events: args.verbose,
        max_queued_messages: args.max_queued_messages,
    })
}

#[derive(Clone, Copy)]
enum PemKind {
    Certificate,
    PrivateKey,
}

fn check_pem(path: &Path, kind: PemKind) -> anyhow::Result<()> {
    let bytes = std::fs::read(path)
        .map_err(|e| error::usage(format!("cannot read {}: {e}", path.display())))?;
    let mut reader = bytes.as_slice();
    let found = match kind {
        PemKind::Certificate => rustls_pemfile::certs(&mut reader).any(|c| c.is_ok()),
        PemKind::PrivateKey => matches!(rustls_pemfile::private_key(&mut reader), Ok(Some(_))),
    };
    if found {
        return Ok(());
    }
    let what = match kind {
        PemKind::Certificate => "no PEM certificate",
        PemKind::PrivateKey => "no PEM private key",
    };
    Err(error::usage(format!("{what} in {}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_only_for_open_non_loopback_listeners() {
        let at = |addr: &str| BrokerOptions::loopback(addr.parse().unwrap());
        assert!(network_warning(&at("127.0.0.1:1883"), false).is_none());
        assert!(network_warning(&at("[::1]:1883"), false).is_none());
        let open = network_warning(&at("0.0.0.0:1883"), false).unwrap();
        assert!(
            open.starts_with("listening on 0.0.0.0 without authentication"),
            "{open}"
        );
        assert!(network_warning(&at("0.0.0.0:1883"), true).is_none());
        let mut with_passwords = at("0.0.0.0:1883");
        with_passwords.passwords = Some(PasswordFile::parse_for_test("ci:pw"));
        assert!(network_warning(&with_passwords, false).is_none());
    }
}
