//! Coordinates one bench run: connects the clients, starts them at the barrier, samples progress
//! and the time series, decides when the run is over (count, duration, drain, Ctrl-C) and turns
//! the per-client samples into the one [`BenchResult`].

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Local, SecondsFormat};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::broker_sys;
use super::connections::{self, client_options};
use super::header::Stream;
use super::limits::{self, FD_RESERVE};
use super::outcome::{ClientOutcome, Problem, Problems};
use super::plan::{Plan, Role};
use super::progress::{Progress, Snapshot};
use super::result::{
    BenchResult, ClientRow, ConnectFigures, PublishFigures, ReceiveFigures, Settings,
};
use super::shared::{Ready, Shared, Window};
use super::stats::{Latency, Series, Totals, rate};
use super::{agent, broker_usage};
use super::{publisher, subscriber};
use crate::cli::bench::BenchMode;
use crate::conn::opener::{self, Pacing};
use crate::conn::topic::matches as topic_matches;
use crate::conn::{Client, ConnectOptions, Setup};
use crate::error::Signal;
use crate::signals::Signals;

/// What a run produced: the result, and the signal that cut it short, if any.
pub struct Outcome {
    pub result: BenchResult,
    pub signal: Option<Signal>,
    /// A QoS 1/2 promise was broken (loss, refusal, no acknowledgement): exit 6.
    pub delivery_failed: bool,
}

/// A result document with the settings filled in and nothing measured yet.
pub fn skeleton(plan: &Plan, opts: &ConnectOptions) -> BenchResult {
    let now = Local::now().to_rfc3339_opts(SecondsFormat::Millis, false);
    BenchResult {
        mode: plan.mode.into(),
        settings: Settings {
            broker: opts.describe_target(),
            protocol: match opts.protocol {
                crate::conn::ProtocolVersion::V31 => "3.1",
                crate::conn::ProtocolVersion::V311 => "3.1.1",
                crate::conn::ProtocolVersion::V5 => "5",
            }
            .to_string(),
            qos: plan.qos,
            publishers: plan.publishers,
            subscribers: plan.subscribers,
            connections: plan.connections,
            messages: plan.messages,
            duration_s: plan.duration.map(|d| d.as_secs_f64()),
            size: plan.size,
            rate: plan.rate,
            sub_rate: plan.sub_rate,
            topic: plan.topic.clone(),
            filter: plan.filter.clone(),
            max_inflight: plan.max_inflight,
            coalesce_us: plan.coalesce.as_micros() as u64,
            threads: plan.threads,
            warmup_s: plan.warmup.as_secs_f64(),
            retain: plan.retain,
            clean_session: opts.clean,
            connect_rate: plan.connect_rate,
            hold_s: if plan.mode == BenchMode::Conn {
                plan.hold.as_secs_f64()
            } else {
                0.0
            },
            source_addrs: plan.source_addrs.iter().map(|a| a.to_string()).collect(),
        },
        start: now.clone(),
        end: now,
        elapsed_s: 0.0,
        measured_s: 0.0,
        interrupted: false,
        publish: None,
        receive: None,
        latency: None,
        ack_latency: None,
        schedule_lag: None,
        broker: None,
        broker_sys: None,
        connect: ConnectFigures::default(),
        errors: BTreeMap::new(),
        reconnects: 0,
        series: Vec::new(),
        clients: Vec::new(),
        assertions: Vec::new(),
        notes: Vec::new(),
        shard: None,
    }
}

fn rfc3339(t: DateTime<Local>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, false)
}

/// Runs the plan. Errors are failures to start (no client could connect, a subscription was
/// refused); everything that happens once the run has started ends up in the result.
pub async fn execute(plan: Plan, base: ConnectOptions) -> anyhow::Result<Outcome> {
    execute_linked(plan, base, None).await
}

/// [`execute`] for an agent under `--control`: the link's GO starts the run.
pub async fn execute_linked(
    plan: Plan,
    base: ConnectOptions,
    link: Option<super::control::AgentLink>,
) -> anyhow::Result<Outcome> {
    let open_files_limit = limits::raise_nofile_limit(plan.client_count() + FD_RESERVE)?;
    let began = super::shared::LoadMark::now();
    let mut result = skeleton(&plan, &base);
    if !plan.quiet {
        eprint!("{}", super::export::text::banner(&result));
    }
    let mut shared = Shared::new(plan);
    shared.link = link;
    let shared = Arc::new(shared);
    let (stop_tx, stop_rx) = watch::channel(false);
    let stop_tx = Arc::new(stop_tx);
    let mut signals = Signals::new()?;
    {
        let shared = Arc::clone(&shared);
        let stop_tx = Arc::clone(&stop_tx);
        tokio::spawn(async move {
            let s = signals.recv().await;
            shared.set_signal(s);
            let _ = stop_tx.send(true);
        });
    }
    let mut problems = Problems::new();
    match shared.plan.mode {
        BenchMode::Conn => {
            run_conn(
                &shared,
                &base,
                &stop_tx,
                stop_rx,
                &mut result,
                &mut problems,
            )
            .await?
        }
        _ => {
            run_messages(
                &shared,
                &base,
                &stop_tx,
                stop_rx,
                &mut result,
                &mut problems,
            )
            .await?
        }
    }
    // From the start barrier (connecting and waiting for --start-at left out) when there was one.
    let from = *shared.started.get().unwrap_or(&began);
    let to = super::shared::LoadMark::now();
    let load = agent::Load {
        cpu_s: to.cpu_s.zip(from.cpu_s).map(|(a, b)| a - b),
        machine_busy: to
            .machine
            .zip(from.machine)
            .and_then(|((b1, t1), (b0, t0))| {
                (t1 > t0).then(|| b1.saturating_sub(b0) as f64 / (t1 - t0) as f64)
            }),
        wall: to.at - from.at,
        open_files: shared.open_files.load(Ordering::Relaxed).checked_sub(1),
        open_files_limit,
    };
    agent::assess(&shared.plan, &load, &mut result);
    let delivery_failed = problems.keys().any(Problem::is_delivery);
    result.errors = problems.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let signal = shared.signal();
    result.interrupted = signal.is_some();
    if result.interrupted {
        result
            .notes
            .push("stopped early: figures cover what was measured until then".into());
    }
    Ok(Outcome {
        result,
        signal,
        delivery_failed,
    })
}

/// Samples the counters about once a second into the time series and the progress display,
/// until `done` is set.
fn spawn_sampler(
    shared: &Arc<Shared>,
    start: Instant,
    mut done: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<Series> {
    let shared = Arc::clone(shared);
    tokio::spawn(async move {
        let mode = shared.plan.mode.into();
        let mut progress = Progress::new(shared.plan.quiet);
        let mut series = Series::default();
        let mut tick =
            tokio::time::interval_at(start + Duration::from_secs(1), Duration::from_secs(1));
        let mut last_count = 0u64;
        let mut last_t = 0.0f64;
        loop {
            let finished = tokio::select! {
                _ = tick.tick() => false,
                _ = done.changed() => true,
            };
            let c = &shared.counters;
            let t = start.elapsed().as_secs_f64();
            let (sent, acked, received) = (
                c.sent.load(Ordering::Relaxed),
                c.acked.load(Ordering::Relaxed),
                c.received.load(Ordering::Relaxed),
            );
            let (connected, failed) = (
                c.connected.load(Ordering::Relaxed),
                c.failed.load(Ordering::Relaxed),
            );
            let main = match shared.plan.mode {
                BenchMode::Pub if shared.plan.qos > 0 => acked,
                BenchMode::Pub => sent,
                BenchMode::Conn => connected,
                _ => received,
            };
            let dt = t - last_t;
            let r = if dt > 0.0 {
                (main - last_count.min(main)) as f64 / dt
            } else {
                0.0
            };
            // The last, partial interval is kept too, so the series adds up to the totals.
            series.push(
                t,
                Totals {
                    sent,
                    acked,
                    received,
                    connected,
                    errors: c.errors.load(Ordering::Relaxed),
                    reconnects: c.reconnects.load(Ordering::Relaxed),
                },
            );
            last_count = main;
            last_t = t;
            progress.update(
                mode,
                &Snapshot {
                    elapsed: Duration::from_secs_f64(t),
                    sent,
                    acked,
                    received,
                    connected,
                    failed,
                    rate: r,
                    show_acked: shared.plan.qos > 0,
                },
            );
            if finished {
                break;
            }
        }
        progress.finish();
        series
    })
}

/// Opens `count` clients of `role` (the first of them the `first_n`-th client of the run) at the
/// plan's connect rate; results in index order, with each handshake's time.
async fn open_clients<T: Send + 'static>(
    shared: &Arc<Shared>,
    base: &ConnectOptions,
    role: Role,
    count: u32,
    first_n: u64,
) -> Vec<anyhow::Result<(Ready<T>, Duration)>> {
    let pacing = Pacing {
        rate: shared.plan.connect_rate,
        ..Pacing::default()
    };
    let setup = Setup {
        max_inflight: shared.plan.max_inflight,
        publishes: (role == Role::Pub).then_some((shared.plan.qos, shared.plan.retain)),
    };
    let options = |i| client_options(base, shared, role, i, first_n + u64::from(i));
    let keep_going = || !shared.aborted();
    let counters = Arc::clone(shared);
    // Only windows stall on packets a broker's Nagle algorithm holds back: at QoS 0 they simply
    // come with the next batch, and taking them early costs an ACK per read.
    let batched = !shared.plan.coalesce.is_zero() && shared.plan.qos > 0;
    let then = move |o: opener::Opened| {
        let shared = Arc::clone(&counters);
        async move {
            let client_id = o.opts.client_id.clone();
            let ready = o.session.and_then(|session| {
                Client::with_session(o.opts, setup, session).map(|mut client| {
                    client.set_batched(batched);
                    Ready {
                        index: o.index,
                        client_id,
                        client,
                    }
                })
            });
            let counter = if ready.is_ok() {
                &shared.counters.connected
            } else {
                &shared.counters.failed
            };
            counter.fetch_add(1, Ordering::Relaxed);
            ready.map(|r| (r, o.took))
        }
    };
    let handles = opener::open_many(count, pacing, options, keep_going, then).await;
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(
            h.await
                .unwrap_or_else(|e| Err(anyhow::anyhow!("connect task failed: {e}"))),
        );
    }
    out
}

async fn run_messages(
    shared: &Arc<Shared>,
    base: &ConnectOptions,
    stop_tx: &Arc<watch::Sender<bool>>,
    stop_rx: watch::Receiver<bool>,
    result: &mut BenchResult,
    found: &mut Problems,
) -> anyhow::Result<()> {
    let plan = &shared.plan;
    // Before any client connects: the broker's heap and client count without the run's load.
    let (sys_done_tx, sys_done_rx) = watch::channel(false);
    let sys_watch = if plan.broker_sys {
        let mut opts = base.clone();
        opts.client_id = format!("{}-sys", plan.id_prefix);
        opts.clean = true;
        match broker_sys::start(opts, sys_done_rx).await {
            Ok(w) => Some(w),
            Err(why) => {
                result.notes.push(format!("--broker-sys: {why}"));
                None
            }
        }
    } else {
        None
    };
    let connect_began = Instant::now();
    let mut connect_times = Latency::default();
    let (start_tx, start_rx) = watch::channel(None);

    // Subscribers first, each subscribed before anyone publishes, so nothing published is
    // missed; their tasks start at once, so what a resumed session delivers before the start is
    // acknowledged (and left out) rather than left to fill the broker's window.
    let mut sub_set = JoinSet::new();
    let mut acks = Vec::new();
    let mut subs = 0u64;
    for r in open_clients::<()>(shared, base, Role::Sub, plan.subscribers, 0).await {
        let (ready, took) = r.context("cannot start: a subscriber failed to connect")?;
        connect_times.record(took);
        let (tx, rx) = oneshot::channel();
        acks.push((ready.client_id.clone(), rx));
        sub_set.spawn(subscriber::run(
            Arc::clone(shared),
            ready,
            tx,
            start_rx.clone(),
            stop_rx.clone(),
        ));
        subs += 1;
    }
    for (client_id, rx) in acks {
        rx.await
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the subscriber stopped")))
            .with_context(|| format!("subscriber {client_id} could not subscribe"))?;
    }
    let mut pubs: Vec<Ready<u64>> = Vec::new();
    for r in open_clients::<u64>(
        shared,
        base,
        Role::Pub,
        plan.publishers,
        u64::from(plan.subscribers),
    )
    .await
    {
        let (ready, took) = r.context("cannot start: a publisher failed to connect")?;
        connect_times.record(took);
        pubs.push(ready);
    }
    let connected = subs + pubs.len() as u64;
    result.connect = ConnectFigures {
        attempted: plan.client_count(),
        connected,
        failed: plan.client_count() - connected,
        rate: rate(connected, connect_began.elapsed()),
        time: connect_times.summary(),
        failures: BTreeMap::new(),
        rss_bytes: None,
    };

    // The start barrier: every client is connected (and subscribed) before anyone sends, and
    // with --start-at, the agents of a many-machine run start together.
    // The subscribers learn the start before it comes: another agent's first messages may
    // arrive a few milliseconds before this one's clock reaches it.
    let (start, late) = agent::start(shared).await?;
    shared.note_open_files();
    let window = Window {
        start,
        measure_from: start + plan.warmup,
    };
    let (done_tx, done_rx) = watch::channel(false);
    let broker_watch = plan
        .broker_pid
        .map(|pid| broker_usage::spawn(pid, done_rx.clone()));
    let sampler = spawn_sampler(shared, start, done_rx);
    let _ = start_tx.send(Some(window));
    tokio::time::sleep_until(start).await;
    let _ = shared.started.set(super::shared::LoadMark::now());
    let start_wall = Local::now();
    let started = std::time::SystemTime::now();

    let mut pub_set = JoinSet::new();
    for ready in pubs {
        pub_set.spawn(publisher::run(
            Arc::clone(shared),
            window,
            ready,
            stop_rx.clone(),
        ));
    }

    let mut pub_out: Vec<ClientOutcome> = Vec::new();
    while let Some(r) = pub_set.join_next().await {
        match r {
            Ok(o) => pub_out.push(o),
            Err(e) => anyhow::bail!("a publisher task failed: {e}"),
        }
    }
    pub_out.sort_by_key(|o| o.index);
    let sent_by: Vec<u64> = pub_out.iter().map(|o| o.sent).collect();
    let topics: Vec<String> = (0..plan.publishers).map(|i| plan.topic_for(i)).collect();
    let expected_for = |sub: u32| -> u64 {
        let filter = plan.filter_for(sub);
        sent_by
            .iter()
            .zip(&topics)
            .filter(|(_, t)| topic_matches(&filter, t))
            .map(|(s, _)| s)
            .sum()
    };

    let deadline = plan.duration.map(|d| start + d);
    let mut sub_out: Vec<ClientOutcome> = Vec::new();
    if plan.mode == BenchMode::Pubsub {
        // Drain: wait for what is still on its way, until all expected arrived or nothing moved
        // for the drain period.
        let expected: u64 = if plan.shard.is_some_and(|s| s.count > 1) {
            // Other shards' publishers send here too: without a known count, only a quiet
            // drain period ends the wait.
            agent::expected_from_all_shards(plan).unwrap_or(u64::MAX)
        } else {
            (0..plan.subscribers).map(expected_for).sum()
        };
        let mut last = shared.counters.received.load(Ordering::Relaxed);
        let mut last_change = Instant::now();
        while !shared.aborted() {
            while let Some(r) = sub_set.try_join_next() {
                match r {
                    Ok(o) => sub_out.push(o),
                    Err(e) => anyhow::bail!("a subscriber task failed: {e}"),
                }
            }
            if sub_set.is_empty() {
                break;
            }
            let now_received = shared.counters.received.load(Ordering::Relaxed);
            if now_received >= expected {
                break;
            }
            if now_received != last {
                last = now_received;
                last_change = Instant::now();
            } else if last_change.elapsed() >= plan.drain {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let _ = stop_tx.send(true);
    } else if plan.mode == BenchMode::Sub {
        // Subscribers end by themselves (count), at the deadline or on a signal.
        let mut stop_rx = stop_rx.clone();
        let far = start + Duration::from_secs(86_400 * 365);
        loop {
            tokio::select! {
                r = sub_set.join_next() => match r {
                    Some(Ok(o)) => sub_out.push(o),
                    Some(Err(e)) => anyhow::bail!("a subscriber task failed: {e}"),
                    None => break,
                },
                _ = tokio::time::sleep_until(deadline.unwrap_or(far)) => {
                    let _ = stop_tx.send(true);
                }
                _ = stop_rx.changed() => {}
            }
        }
    }
    while let Some(r) = sub_set.join_next().await {
        match r {
            Ok(o) => sub_out.push(o),
            Err(e) => anyhow::bail!("a subscriber task failed: {e}"),
        }
    }
    sub_out.sort_by_key(|o| o.index);
    let end = Instant::now();
    let _ = done_tx.send(true);
    let series = sampler.await.unwrap_or_default();

    result.start = rfc3339(start_wall);
    result.end = rfc3339(Local::now());
    result.elapsed_s = (end - start).as_secs_f64();
    result.series = series.samples;
    shared.seconds.fill(&mut result.series);
    if let Some(watch) = broker_watch {
        result.broker = watch.await.ok().flatten();
    }
    let _ = sys_done_tx.send(true);
    if let Some(watch) = sys_watch {
        result.broker_sys = watch.finish(end).await;
    }

    let size_mb = plan.size as f64 / 1e6;
    let window_of = |outs: &[ClientOutcome]| -> Duration {
        outs.iter()
            .filter_map(|o| o.last_event)
            .max()
            .map_or(Duration::ZERO, |t| {
                t.saturating_duration_since(window.measure_from)
            })
    };
    let mut problems = Problems::new();
    let mut merge_errors = |o: &ClientOutcome| {
        for (k, v) in &o.problems {
            *problems.entry(k.clone()).or_insert(0) += v;
        }
    };
    let mut measured = Duration::ZERO;

    if !pub_out.is_empty() {
        let sent: u64 = pub_out.iter().map(|o| o.sent).sum();
        let acked: u64 = if plan.qos == 0 {
            sent
        } else {
            pub_out.iter().map(|o| o.acked).sum()
        };
        let w = window_of(&pub_out);
        let count: u64 = pub_out.iter().map(|o| o.measured).sum();
        let r = rate(count, w);
        result.publish = Some(PublishFigures {
            sent,
            acked,
            rate: r,
            mb_per_s: r * size_mb,
        });
        if plan.qos > 0 {
            let mut l = Latency::default();
            for o in &pub_out {
                l.merge(&o.latency);
            }
            result.ack_latency = l.summary();
        }
        measured = w;
        for o in &pub_out {
            merge_errors(o);
        }
    }

    if !sub_out.is_empty() {
        let received: u64 = sub_out.iter().map(|o| o.received).sum();
        let mut lost = 0u64;
        let mut duplicates = 0u64;
        let mut out_of_order = 0u64;
        let mut expected = None;
        let mut per_sub_lost = Vec::with_capacity(sub_out.len());
        for o in &sub_out {
            let mut sub_lost = 0;
            if plan.mode == BenchMode::Pubsub {
                let filter = plan.filter_for(o.index);
                for (p, (sent, topic)) in sent_by.iter().zip(&topics).enumerate() {
                    if topic_matches(&filter, topic) {
                        let stream = Stream {
                            run: plan.run_id,
                            publisher: plan.publisher_offset.saturating_add(p as u32),
                        };
                        sub_lost += o.seq.get(stream).map_or(*sent, |t| t.lost(*sent));
                    }
                }
                *expected.get_or_insert(0) += expected_for(o.index);
            } else {
                // Streams that announced their total count a missing tail; `-n` is what this
                // subscriber expects in all.
                sub_lost += o
                    .seq
                    .iter()
                    .map(|(_, t)| t.lost_of_announced())
                    .sum::<u64>();
                if let Some(n) = plan.messages {
                    let unique: u64 = o.seq.iter().map(|(_, t)| t.unique).sum();
                    let unheaded = o.foreign;
                    sub_lost = sub_lost.max(n.saturating_sub(unique + unheaded));
                    *expected.get_or_insert(0) += n;
                }
            }
            for (_, t) in o.seq.iter() {
                duplicates += t.duplicates;
                out_of_order += t.out_of_order;
            }
            lost += sub_lost;
            per_sub_lost.push(sub_lost);
        }
        let w = window_of(&sub_out);
        let count: u64 = sub_out.iter().map(|o| o.measured).sum();
        let r = rate(count, w);
        result.receive = Some(ReceiveFigures {
            received,
            expected,
            lost,
            duplicates,
            out_of_order,
            foreign: sub_out.iter().map(|o| o.foreign).sum(),
            other_run: sub_out.iter().map(|o| o.other_run).sum(),
            before_start: sub_out.iter().map(|o| o.before_start).sum(),
            rate: r,
            mb_per_s: r * size_mb,
        });
        let mut l = Latency::default();
        for o in &sub_out {
            l.merge(&o.latency);
        }
        result.latency = l.summary();
        measured = w;
        for o in &sub_out {
            merge_errors(o);
        }
        if plan.qos > 0 && lost > 0 && !shared.aborted() {
            *problems.entry(Problem::LostAtQos(plan.qos)).or_insert(0) += lost;
        }
        if plan.qos == 2 && duplicates > 0 && base.clean {
            // One subscription per client: the specification forbids a second copy at QoS 2.
            *problems.entry(Problem::DuplicatesAtQos2).or_insert(0) += duplicates;
        } else if plan.qos == 2 && duplicates > 0 {
            result.notes.push(format!(
                "{duplicates} QoS 2 duplicates: a resumed session may still hold subscriptions of \
                 an earlier run that overlap this one's, and the specification allows a copy \
                 per matching subscription"
            ));
        }
        let stale: u64 = sub_out.iter().map(|o| o.stale_retained).sum();
        if stale > 0 {
            result.notes.push(format!(
                "{stale} retained messages from before the run were ignored"
            ));
        }
        if plan.per_client {
            for (o, sub_lost) in sub_out.iter().zip(per_sub_lost) {
                result.clients.push(row(o, plan, sub_lost, w));
            }
        }
    }
    if plan.per_client {
        let w = window_of(&pub_out);
        let mut rows: Vec<ClientRow> = pub_out.iter().map(|o| row(o, plan, 0, w)).collect();
        rows.append(&mut result.clients);
        result.clients = rows;
    }
    result.measured_s = measured.as_secs_f64();
    let other_run: u64 = sub_out.iter().map(|o| o.other_run).sum();
    if other_run > 0 {
        result.notes.push(format!(
            "{other_run} messages from another run (a resumed session's backlog, or another \
             process publishing on these topics) were acknowledged and left out"
        ));
    }
    let mut lag = Latency::default();
    for o in &pub_out {
        lag.merge(&o.lag);
    }
    result.schedule_lag = lag.summary();
    if let Some(l) = &result.schedule_lag
        && l.p99_us > agent::LATE_GENERATOR_US
    {
        result.notes.push(format!(
            "the generator itself was late: schedule lag p99 {} (max {}), so latency includes \
             time the messages waited in mqtk; use fewer publishers per process or more \
             processes (--publisher-offset)",
            super::export::fmt_us(l.p99_us as f64),
            super::export::fmt_us(l.max_us as f64)
        ));
    }
    if plan.embedded_broker {
        result.notes.push(
            "the embedded broker ran in this process and shared the machine's cores with the \
             generator"
                .into(),
        );
    }
    let early: u64 = sub_out.iter().map(|o| o.before_start).sum();
    if early > 0 {
        result.notes.push(format!(
            "{early} messages a resumed session delivered before the run started were \
             acknowledged and left out"
        ));
    }
    *found = problems;
    result.shard = agent::part(plan, started, late, &pub_out, &sub_out);
    if let Some(s) = &mut result.shard {
        s.clock_offset_s = shared.clock_offset_s.get().copied();
    }
    if result.shard.as_ref().is_some_and(|s| s.count > 1) && plan.mode == BenchMode::Pubsub {
        result.notes.push(
            "one shard of a run: lost and expected count only this shard's publishers;              `mqtk bench merge` counts loss across all shards"
                .into(),
        );
    }
    result.reconnects = pub_out.iter().chain(&sub_out).map(|o| o.reconnects).sum();
    if let Some(why) = pub_out
        .iter()
        .chain(&sub_out)
        .find_map(|o| o.first_loss.as_ref())
    {
        // A run with reconnections measured the broker's recovery too: say so, with the cause.
        result.notes.push(format!(
            "connections were lost and re-established {} times (first: {why}); unacknowledged \
             QoS 1/2 messages were sent again, and QoS 0 messages sent meanwhile may be lost",
            result.reconnects
        ));
    }
    let lost: u64 = result.receive.as_ref().map_or(0, |r| r.lost);
    if plan.qos == 2
        && plan.max_inflight > 20
        && result.settings.protocol != "5"
        && (result.reconnects > 0 || lost > 0)
    {
        // MQTT 3.1.1 has no way to announce an in-flight limit; mosquitto 2.0 enforces its own
        // by closing the connection or by discarding what it acknowledged beyond it.
        result.notes.push(format!(
            "at QoS 2 over MQTT {}, some brokers close the connection of a client with more \
             messages in flight than they accept, or drop the excess (mosquitto: \
             max_inflight_messages, 20 by default); lower -M to 20, or use -V 5, where the \
             broker announces its limit",
            result.settings.protocol
        ));
    }
    if plan.mode != BenchMode::Sub {
        if plan.rate > 0.0 {
            result.notes.push(
                "latency is measured from each message's intended send time, so broker stalls \
                 show in the percentiles (coordinated omission corrected); the generator's own \
                 lateness is reported apart as schedule lag"
                    .into(),
            );
        } else {
            result.notes.push(
                "at full speed, latency is mostly time spent queued in sockets and the broker; \
                 use --rate to measure latency under a given load"
                    .into(),
            );
        }
    }
    if !plan.warmup.is_zero() {
        result.notes.push(format!(
            "the first {:?} (warm-up) are left out of rates and latency; counts cover the whole run",
            plan.warmup
        ));
    }
    Ok(())
}

fn row(o: &ClientOutcome, plan: &Plan, lost: u64, w: Duration) -> ClientRow {
    ClientRow {
        role: o.role.unwrap_or_default(),
        client_id: o.client_id.clone(),
        sent: o.sent,
        acked: if plan.qos == 0 { o.sent } else { o.acked },
        received: o.received,
        lost,
        duplicates: o.seq.iter().map(|(_, t)| t.duplicates).sum(),
        rate: rate(o.measured, w),
        errors: o.problems.values().sum(),
        p50_us: o.latency.summary().map(|p| p.p50_us),
        p99_us: o.latency.summary().map(|p| p.p99_us),
    }
}

async fn run_conn(
    shared: &Arc<Shared>,
    base: &ConnectOptions,
    stop_tx: &Arc<watch::Sender<bool>>,
    mut stop_rx: watch::Receiver<bool>,
    result: &mut BenchResult,
    found: &mut Problems,
) -> anyhow::Result<()> {
    let plan = &shared.plan;
    let (start, late) = agent::start(shared).await?;
    tokio::time::sleep_until(start).await;
    let _ = shared.started.set(super::shared::LoadMark::now());
    let started = std::time::SystemTime::now();
    let start_wall = Local::now();
    let (done_tx, done_rx) = watch::channel(false);
    let sampler = spawn_sampler(shared, start, done_rx);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let spawner = connections::spawn_held(shared, base, &stop_rx, tx);

    let mut times = Latency::default();
    let mut failures: BTreeMap<String, u64> = BTreeMap::new();
    let mut connected = 0u64;
    loop {
        tokio::select! {
            r = rx.recv() => match r {
                Some(Ok(took)) => {
                    connected += 1;
                    times.record(took);
                }
                Some(Err(reason)) => *failures.entry(reason).or_insert(0) += 1,
                None => break,
            },
            _ = stop_rx.changed() => break,
        }
    }
    let ramp = start.elapsed();
    let mut rss = limits::resident_bytes();
    if !shared.aborted() {
        let hold_until = Instant::now() + plan.hold;
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(hold_until) => break,
                _ = tokio::time::sleep(Duration::from_millis(500)) => {
                    rss = rss.max(limits::resident_bytes());
                }
                _ = stop_rx.changed() => break,
            }
        }
    }
    rss = rss.max(limits::resident_bytes());
    shared.note_open_files();
    let _ = stop_tx.send(true);
    let handles = spawner.await.unwrap_or_default();
    if shared.aborted() {
        // Interrupted: handshakes still in progress are not waited for.
        for h in &handles {
            h.abort();
        }
    }
    let mut lost = 0u64;
    for h in handles {
        if let Ok(held) = h.await
            && held.lost
        {
            lost += 1;
        }
    }
    let _ = done_tx.send(true);
    let series = sampler.await.unwrap_or_default();
    let failed: u64 = failures.values().sum();
    result.start = rfc3339(start_wall);
    result.end = rfc3339(Local::now());
    result.elapsed_s = start.elapsed().as_secs_f64();
    result.measured_s = ramp.as_secs_f64();
    result.series = series.samples;
    result.connect = ConnectFigures {
        attempted: connected + failed,
        connected,
        failed,
        rate: rate(connected, ramp),
        time: times.summary(),
        failures,
        rss_bytes: rss,
    };
    if lost > 0 {
        found.insert(Problem::ConnectionLost, lost);
    }
    result.shard = agent::part(plan, started, late, &[], &[]);
    if let Some(s) = &mut result.shard {
        s.clock_offset_s = shared.clock_offset_s.get().copied();
    }
    Ok(())
}
