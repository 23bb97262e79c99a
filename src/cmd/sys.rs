//! `mqtk sys`: the `$SYS` snapshot (text, JSON, raw, tree, Prometheus), the live view
//! (`--watch`), the health gate (`--check`) and the exporter (`--listen`). The pure work is in
//! `crate::sys`; this module drives the feed and prints.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use colored::Colorize;
use serde_json::json;
use tokio::time::{Instant, sleep_until};

use crate::cli::sys::{SysAction, SysArgs, SysFormat};
use crate::conn::ConnectOptions;
use crate::conn::reconnect::FOREVER;
use crate::error::{Failure, Kind};
use crate::output;
use crate::signals::Signals;
use crate::sys::check::{self, Check};
use crate::sys::collect::{DEFAULT_WAIT, Event, Feed, collect, no_data};
use crate::sys::complete::{self, MAX_BURST};
use crate::sys::rates::Rates;
use crate::sys::{Snapshot, Tree, document, listing, prometheus, render, snapshot, units};

#[inline(never)] // see `cmd::run`
pub fn run(args: SysArgs) -> anyhow::Result<()> {
    if let Some(SysAction::Probe(probe)) = args.action {
        return super::probe::run(*probe);
    }
    let mut opts = crate::cli::connect::connect_options(&args.connect)?;
    if (args.watch || args.listen.is_some()) && args.connect.reconnect_attempts.is_none() {
        // Long-running, like `sub`: a broker that restarts or goes away is waited for.
        opts.reconnect.attempts = FOREVER;
    }
    let checks: Vec<Check> = args
        .checks
        .iter()
        .map(|c| check::parse(c))
        .collect::<anyhow::Result<_>>()?;
    if let Some(addr) = args.listen
        && !addr.ip().is_loopback()
    {
        output::warn(
            opts.quiet,
            &format!("--listen {addr} serves the broker's statistics beyond this machine"),
        );
    }
    let runtime = super::runtime()?;
    if let Some(addr) = args.listen {
        return runtime.block_on(listen(opts, addr));
    }
    if args.watch {
        return runtime.block_on(watch(opts, &args));
    }
    runtime.block_on(once(opts, &args, checks))
}

fn stdout_write(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

async fn once(opts: ConnectOptions, args: &SysArgs, checks: Vec<Check>) -> anyhow::Result<()> {
    let quiet = opts.quiet;
    let mut signals = Signals::new()?;
    let mut feed = signals
        .or_interrupt(Feed::open(opts), || "not connected".into())
        .await?;
    let need: Vec<&'static str> = checks
        .iter()
        .filter_map(|c| match c.metric {
            check::Target::Rate(f) => Some(f),
            check::Target::Field(_) => None,
        })
        .collect();
    let collected = signals
        .or_interrupt(collect(&mut feed, args.wait, &need, quiet), || {
            "no snapshot yet".into()
        })
        .await;
    feed.close().await;
    let (tree, snap, rates) = collected?;
    if !checks.is_empty() {
        let color = output::use_color(args.color, output::stdout_is_terminal());
        let outcomes = check::evaluate(&checks, &snap, &rates);
        let mut text = String::new();
        for o in &outcomes {
            let line = check::report_line(o);
            let line = match (color, o.passed) {
                (false, _) => line,
                (true, true) => line.replacen("pass", &"pass".green().to_string(), 1),
                (true, false) => line.replacen("FAIL", &"FAIL".red().bold().to_string(), 1),
            };
            text.push_str(&line);
            text.push('\n');
        }
        stdout_write(&text)?;
        let failed = outcomes.iter().filter(|o| !o.passed).count();
        if failed > 0 {
            return Err(Failure::new(
                Kind::Assertion,
                format!("{failed} of {} check(s) failed", outcomes.len()),
            )
            .into());
        }
        return Ok(());
    }
    let text = match args.format() {
        SysFormat::Text => render::human(&snap),
        SysFormat::Json => format!("{}\n", document::document(&snap, &tree)),
        SysFormat::Raw => listing::raw(&tree),
        SysFormat::Tree => listing::indented(&tree),
        SysFormat::Prometheus => prometheus::exposition(Some(&snap), true),
    };
    stdout_write(&text)
}

/// The rates the live view shows: (label, field, is bytes).
const WATCH_RATES: &[(&str, &str, bool)] = &[
    ("in", "publish.received", false),
    ("out", "publish.sent", false),
    ("dropped", "publish.dropped", false),
    ("bytes in", "bytes.received", true),
    ("bytes out", "bytes.sent", true),
    ("connects", "clients.connects", false),
    ("connect events", "events.connected", false),
];

fn rate_text(v: f64, bytes: bool) -> String {
    if bytes {
        format!("{}/s", units::bytes(v))
    } else {
        format!("{}/s", units::rate(v))
    }
}

/// One line per update (stdout not a terminal).
fn watch_line(snap: &Snapshot, rates: &Rates, restarted: bool, stale: bool) -> String {
    let mut parts = vec![chrono::Local::now().format("%H:%M:%S").to_string()];
    parts.push(snap.dialect.name().to_string());
    if let Some(up) = snap.get("broker.uptime") {
        parts.push(format!("up {}", units::duration(up)));
    }
    if let Some(c) = snap.get("clients.connected") {
        parts.push(format!("clients {}", units::count(c)));
    }
    for (label, field, bytes) in WATCH_RATES {
        if let Some(r) = rates.get(field) {
            parts.push(format!("{label} {}", rate_text(r, *bytes)));
        }
    }
    if let Some(own) = rates.own_rate() {
        parts.push(format!("(own $SYS feed {}/s)", units::rate(own)));
    }
    if restarted {
        parts.push("RESTARTED".into());
    }
    if stale {
        parts.push("STALE".into());
    }
    parts.join("  ")
}

/// The redrawn screen (stdout a terminal).
fn watch_screen(snap: &Snapshot, rates: &Rates, restarted: bool, stale: &[&str]) -> String {
    let mut out = String::from("\x1b[H\x1b[2J");
    out.push_str(&render::human(snap));
    out.push('\n');
    for (label, field, bytes) in WATCH_RATES {
        if let Some(r) = rates.get(field) {
            let mark = if stale.contains(field) {
                " (stale)"
            } else {
                ""
            };
            out.push_str(&format!(
                "{label:<16}{:>14}  {}{mark}\n",
                rate_text(r, *bytes),
                rates.sparkline(field, 60)
            ));
        }
    }
    if let Some(own) = rates.own_rate() {
        out.push_str(&format!(
            "(out includes mqtk's own $SYS feed: {}/s)\n",
            units::rate(own)
        ));
    }
    if restarted {
        out.push_str("the broker restarted: rates start again\n");
    }
    if !stale.is_empty() {
        out.push_str(&format!(
            "stale (not refreshed in 2 intervals): {}\n",
            stale.join(", ")
        ));
    }
    out
}

fn watch_json(snap: &Snapshot, rates: &Rates, restarted: bool, stale: &[&str]) -> String {
    let mut r = serde_json::Map::new();
    for (_, field, _) in WATCH_RATES {
        r.insert((*field).to_string(), json!(rates.get(field)));
    }
    let time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let line = json!({
        "time": time,
        "dialect": snap.dialect.name(),
        "restarted": restarted,
        "stale": stale,
        "values": document::fields(snap),
        "rates": r,
        "own_rate": rates.own_rate(),
    });
    format!("{line}\n")
}

async fn watch(opts: ConnectOptions, args: &SysArgs) -> anyhow::Result<()> {
    let terminal = output::stdout_is_terminal();
    let mut signals = Signals::new()?;
    let mut feed = match signals
        .or_interrupt(Feed::open(opts), || "not connected".into())
        .await
    {
        Ok(f) => f,
        Err(e) if matches!(crate::error::kind_of(&e), Some(Kind::Interrupted(_))) => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut tree = Tree::new();
    let mut rates = Rates::new();
    let mut burst: Option<(Instant, Instant)> = None; // (first, last) message of the burst
    let mut updates = 0u64;
    let mut restarted_pending = false;
    let start = Instant::now();
    let first_wait = args.wait.unwrap_or(DEFAULT_WAIT);
    let mut last_update = Instant::now();
    loop {
        let burst_end = burst.map(|(first, last)| (last + complete::QUIET).min(first + MAX_BURST));
        let idle_tick = last_update
            + rates
                .interval()
                .map_or(Duration::from_secs(5), |i| i * 2 + Duration::from_secs(1));
        let far = Instant::now() + Duration::from_secs(86_400);
        tokio::select! {
            ev = feed.next() => match ev? {
                Event::Message { topic, payload, retained } => {
                    let now = Instant::now();
                    tree.insert(&topic, &payload, retained, now.into_std());
                    burst = Some(burst.map_or((now, now), |(f, _)| (f, now)));
                }
                Event::Lost(_) => {}
                Event::Reconnected => {
                    // A restarted broker sends its tree afresh; the old one would hide that.
                    tree.clear();
                    restarted_pending = false;
                }
                Event::Subscribed => {}
            },
            _ = sleep_until(burst_end.unwrap_or(far)), if burst.is_some() => {
                burst = None;
                let now = Instant::now();
                let snap = snapshot(&tree);
                let upd = rates.update(&snap, now.into_std());
                rates.own_traffic(feed.received, now.into_std());
                restarted_pending |= upd.restarted;
                let text = if args.json {
                    watch_json(&snap, &rates, restarted_pending, &upd.stale)
                } else if terminal {
                    watch_screen(&snap, &rates, restarted_pending, &upd.stale)
                } else {
                    format!("{}\n", watch_line(&snap, &rates, restarted_pending, !upd.stale.is_empty()))
                };
                restarted_pending = false;
                stdout_write(&text)?;
                last_update = now;
                updates += 1;
                if args.count.is_some_and(|c| updates >= c) {
                    feed.close().await;
                    return Ok(());
                }
            }
            _ = sleep_until(idle_tick), if burst.is_none() => {
                let now = Instant::now();
                if tree.is_empty() {
                    if now >= start + first_wait {
                        feed.close().await;
                        return Err(no_data(first_wait));
                    }
                    last_update = now;
                    continue;
                }
                // Nothing arrived for two intervals: say so (values marked stale).
                let snap = snapshot(&tree);
                let upd = rates.update(&snap, now.into_std());
                let text = if args.json {
                    watch_json(&snap, &rates, false, &upd.stale)
                } else if terminal {
                    watch_screen(&snap, &rates, false, &upd.stale)
                } else {
                    format!("{}\n", watch_line(&snap, &rates, false, !upd.stale.is_empty()))
                };
                stdout_write(&text)?;
                last_update = now;
            }
            _ = signals.recv() => {
                feed.close().await;
                return Ok(());
            }
        }
    }
}

/// What the exporter serves: the latest snapshot and whether the broker is there now.
#[derive(Default)]
struct Exposed {
    snap: Option<Snapshot>,
    up: bool,
}

async fn listen(opts: ConnectOptions, addr: std::net::SocketAddr) -> anyhow::Result<()> {
    let quiet = opts.quiet;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let bound = listener.local_addr()?;
    stdout_write(&format!("serving http://{bound}/metrics\n"))?;
    let state = Arc::new(Mutex::new(Exposed::default()));
    let render_state = state.clone();
    let render = Arc::new(move || {
        let s = render_state.lock().unwrap_or_else(|p| p.into_inner());
        prometheus::exposition(s.snap.as_ref(), s.up)
    });
    let server = tokio::spawn(crate::sys::http::serve(listener, render));
    let mut signals = Signals::new()?;
    let set = |snap: Option<Snapshot>, up: bool| {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        if snap.is_some() {
            s.snap = snap;
        }
        s.up = up;
    };
    let retry = opts.reconnect.max_delay.max(Duration::from_millis(500));
    let result: anyhow::Result<()> = async {
        loop {
            // Connect (again): a broker that is away is reported as `mqtk_sys_up 0`, retried.
            let opened = tokio::select! {
                r = Feed::open(opts.clone()) => r,
                _ = signals.recv() => return Ok(()),
            };
            let mut feed = match opened {
                Ok(f) => f,
                Err(e) if crate::error::kind_of(&e) == Some(Kind::Unreachable) => {
                    set(None, false);
                    output::warn(
                        quiet,
                        &format!("{}; retrying in {retry:?}", crate::error::one_line(&e)),
                    );
                    tokio::select! {
                        _ = tokio::time::sleep(retry) => continue,
                        _ = signals.recv() => return Ok(()),
                    }
                }
                Err(e) => return Err(e),
            };
            let mut tree = Tree::new();
            let mut burst: Option<(Instant, Instant)> = None;
            loop {
                let far = Instant::now() + Duration::from_secs(86_400);
                let burst_end =
                    burst.map(|(first, last)| (last + complete::QUIET).min(first + MAX_BURST));
                tokio::select! {
                    ev = feed.next() => match ev {
                        Ok(Event::Message { topic, payload, retained }) => {
                            let now = Instant::now();
                            tree.insert(&topic, &payload, retained, now.into_std());
                            burst = Some(burst.map_or((now, now), |(f, _)| (f, now)));
                        }
                        Ok(Event::Lost(_)) => set(None, false),
                        Ok(Event::Reconnected) => tree.clear(),
                        Ok(Event::Subscribed) => {}
                        Err(e) if crate::error::kind_of(&e) == Some(Kind::Unreachable) => {
                            set(None, false);
                            output::warn(quiet, &crate::error::one_line(&e));
                            break;
                        }
                        Err(e) => return Err(e),
                    },
                    _ = sleep_until(burst_end.unwrap_or(far)), if burst.is_some() => {
                        burst = None;
                        set(Some(snapshot(&tree)), true);
                    }
                    _ = signals.recv() => {
                        feed.close().await;
                        return Ok(());
                    }
                }
            }
        }
    }
    .await;
    server.abort();
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::code;

    #[test]
    fn no_data_is_its_own_exit_code_and_names_the_causes() {
        let e = no_data(Duration::from_secs(2));
        assert_eq!(crate::error::exit_code(&e), code::NO_DATA);
        let line = crate::error::one_line(&e);
        assert!(line.contains("sys_interval 0") && line.contains("ACL") && line.contains("HiveMQ"));
    }
}
