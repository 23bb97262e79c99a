//! Runs a bench plan over real connections: opens the clients (at the connect rate, a bounded
//! number at a time), starts them together at a barrier, drives each client as its own task on
//! the multi-thread runtime, and gathers per-client samples for the report.
//!
//! Every client speaks MQTT through the shared connection layer (`crate::conn`); the publisher
//! builds its messages inside its write loop and writes them in batches of up to 64 KiB, which is
//! what keeps the generator from being the bottleneck.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use bytes::BytesMut;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::header::{HEADER_LEN, Header};
use super::plan::{Plan, Role};
use super::stats::{Arrival, Clock, Latency, SeqTable};
use crate::cli::bench::BenchMode;
use crate::conn::inflight::{AckOutcome, Inflight};
use crate::conn::{
    ConnectOptions, Incoming, KeepaliveAction, OutPublish, Outgoing, Session, SubscribeFilter,
    connect,
};
use crate::error::{self, Signal};

/// Bytes a publisher queues before writing: big writes cost the broker fewer wake-ups.
const WRITE_BATCH: usize = 64 * 1024;

/// Handshakes in progress at once when no connect rate is given (keeps the broker's listen
/// backlog from overflowing).
const CONNECT_CONCURRENCY: usize = 256;

/// How long to wait for a SUBACK.
const SUBACK_TIMEOUT: Duration = Duration::from_secs(10);

/// Running totals all clients add to; sampled for progress and the time series.
#[derive(Debug, Default)]
pub struct Counters {
    pub sent: AtomicU64,
    pub acked: AtomicU64,
    pub received: AtomicU64,
    pub connected: AtomicU64,
    pub failed: AtomicU64,
    /// Errors and reconnects as they happen, for the report's errors-over-time chart.
    pub errors: AtomicU64,
    pub reconnects: AtomicU64,
}

/// State every client task shares.
pub struct Shared {
    pub plan: Plan,
    pub clock: Clock,
    pub counters: Arc<Counters>,
    /// Set on Ctrl-C / SIGTERM: clients stop at once without waiting for acknowledgements.
    pub abort: AtomicBool,
    /// The signal that set `abort`, if any (0 none, 1 SIGINT, 2 SIGTERM).
    pub signal: AtomicU64,
}

impl Shared {
    pub fn new(plan: Plan) -> Self {
        Shared {
            plan,
            clock: Clock::new(),
            counters: Arc::default(),
            abort: AtomicBool::new(false),
            signal: AtomicU64::new(0),
        }
    }

    pub fn aborted(&self) -> bool {
        self.abort.load(Ordering::Relaxed)
    }

    pub fn signal(&self) -> Option<Signal> {
        match self.signal.load(Ordering::Relaxed) {
            1 => Some(Signal::Int),
            2 => Some(Signal::Term),
            _ => None,
        }
    }

    pub fn set_signal(&self, s: Signal) {
        self.signal.store(
            match s {
                Signal::Int => 1,
                Signal::Term => 2,
            },
            Ordering::Relaxed,
        );
        self.abort.store(true, Ordering::Relaxed);
    }
}

/// The start barrier and the measured window, fixed once every client is connected.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub start: Instant,
    /// Start plus warm-up: events before this are left out of rates and latency.
    pub measure_from: Instant,
}

/// What one client measured.
#[derive(Debug, Default)]
pub struct ClientOutcome {
    pub role: Option<Role>,
    pub index: u32,
    pub client_id: String,
    pub sent: u64,
    pub acked: u64,
    pub received: u64,
    /// Messages without a bench header.
    pub foreign: u64,
    /// Retained messages that were there before the run (ignored).
    pub stale_retained: u64,
    /// Events (sends at QoS 0, acknowledgements at QoS 1/2, receipts) in the measured window.
    pub measured: u64,
    pub last_event: Option<Instant>,
    /// End to end for subscribers, publish-to-ack for publishers.
    pub latency: Latency,
    pub seq: SeqTable,
    pub errors: BTreeMap<String, u64>,
    /// Connections re-established after the broker dropped one.
    pub reconnects: u64,
    /// The shared counters errors and reconnects are also added to as they happen.
    live: Option<Arc<Counters>>,
}

impl ClientOutcome {
    fn new(role: Role, index: u32, client_id: String) -> Self {
        ClientOutcome {
            role: Some(role),
            index,
            client_id,
            ..Default::default()
        }
    }

    fn error(&mut self, kind: impl Into<String>) {
        self.errors_n(kind, 1);
    }

    fn errors_n(&mut self, kind: impl Into<String>, n: u64) {
        *self.errors.entry(kind.into()).or_insert(0) += n;
        if let Some(c) = &self.live {
            c.errors.fetch_add(n, Ordering::Relaxed);
        }
    }

    fn reconnected(&mut self) {
        self.reconnects += 1;
        if let Some(c) = &self.live {
            c.reconnects.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A QoS 1/2 message acknowledged at `now`, sent (or due) at `sent_ns`.
    fn acked(&mut self, clock: &Clock, window: &Window, now: Instant, sent_ns: u64) {
        self.acked += 1;
        if clock.epoch_ns(window.measure_from) <= sent_ns {
            self.latency
                .record_ns(clock.epoch_ns(now).saturating_sub(sent_ns));
        }
        self.event(now, window);
    }

    fn event(&mut self, at: Instant, window: &Window) {
        if at >= window.measure_from {
            self.measured += 1;
            self.last_event = Some(at);
        }
    }
}

/// A client that connected, with how long the handshake took.
pub struct Opened {
    pub index: u32,
    pub client_id: String,
    pub session: Session,
    pub took: Duration,
    /// For reconnecting.
    pub opts: ConnectOptions,
}

/// Options for client `n` (over all roles) of role `role` and index `index`.
pub fn client_options(
    base: &ConnectOptions,
    plan: &Plan,
    role: Role,
    index: u32,
    n: u64,
) -> ConnectOptions {
    let mut o = base.clone();
    o.client_id = plan.client_id(role, index);
    if let Some(a) = plan.source_for(n) {
        o.bind = Some(a);
    }
    o
}

/// Opens `count` clients of one role at the plan's connect rate, a bounded number at a time.
/// Results come back in index order; connect times go to `connect_times`.
pub async fn open_clients(
    shared: &Arc<Shared>,
    base: &ConnectOptions,
    role: Role,
    count: u32,
    first_n: u64,
) -> Vec<Result<Opened, anyhow::Error>> {
    let plan = &shared.plan;
    let sem = Arc::new(Semaphore::new(CONNECT_CONCURRENCY));
    let began = Instant::now();
    let mut handles = Vec::with_capacity(count as usize);
    for i in 0..count {
        if shared.aborted() {
            break;
        }
        if plan.connect_rate > 0.0 {
            let at = began + Duration::from_secs_f64(f64::from(i) / plan.connect_rate);
            tokio::time::sleep_until(at).await;
        }
        let opts = client_options(base, plan, role, i, first_n + u64::from(i));
        let sem = Arc::clone(&sem);
        let shared = Arc::clone(shared);
        handles.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await;
            let t0 = Instant::now();
            // Boxed: the handshake state (TLS, WebSocket) is large and must not stay in every held task.
            let r = Box::pin(connect(&opts)).await;
            let took = t0.elapsed();
            match r {
                Ok(session) => {
                    shared.counters.connected.fetch_add(1, Ordering::Relaxed);
                    Ok(Opened {
                        index: i,
                        client_id: opts.client_id.clone(),
                        session,
                        took,
                        opts,
                    })
                }
                Err(e) => {
                    shared.counters.failed.fetch_add(1, Ordering::Relaxed);
                    Err(e)
                }
            }
        }));
    }
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(
            h.await
                .unwrap_or_else(|e| Err(anyhow::anyhow!("connect task failed: {e}"))),
        );
    }
    out
}

/// A short, stable name for why a connection failed (for grouping failures).
pub fn failure_reason(err: &anyhow::Error) -> String {
    match error::kind_of(err) {
        Some(error::Kind::Refused(code)) => format!("refused with code {code}"),
        _ => {
            let text = error::one_line(err);
            // "cannot connect to host:port: reason" -> "reason"
            text.rsplit(": ").next().unwrap_or(&text).to_string()
        }
    }
}

/// Subscribes and waits for the SUBACK; a refused subscription is a delivery error.
pub async fn subscribe(session: &mut Session, filter: &str, qos: u8) -> anyhow::Result<()> {
    session.writer.queue(&Outgoing::Subscribe {
        pkid: 1,
        filters: vec![SubscribeFilter {
            filter: filter.to_string(),
            qos,
            ..Default::default()
        }],
        properties: None,
    })?;
    session.writer.flush().await?;
    let wait = async {
        loop {
            match session.reader.next().await? {
                Some(Incoming::SubAck { codes, .. }) => return Ok(codes),
                Some(_) => continue,
                None => anyhow::bail!("the broker closed the connection before SUBACK"),
            }
        }
    };
    let codes = tokio::time::timeout(SUBACK_TIMEOUT, wait)
        .await
        .map_err(|_| {
            error::delivery(format!(
                "no SUBACK for '{filter}' within {SUBACK_TIMEOUT:?}"
            ))
        })??;
    match codes.first() {
        Some(&c) if c < 0x80 => Ok(()),
        Some(&c) => Err(error::delivery(format!(
            "the broker refused the subscription to '{filter}' (code {c})"
        ))),
        None => Err(error::delivery(format!("empty SUBACK for '{filter}'"))),
    }
}

/// Reconnects after a lost connection, with the connection flags' attempts and doubling backoff
/// (from 100 ms up to the maximum delay); `None` when the attempts run out or the run stops.
async fn reconnect(
    opts: &ConnectOptions,
    shared: &Shared,
    stop: &mut watch::Receiver<bool>,
) -> Option<Session> {
    let mut delay = Duration::from_millis(100);
    for _ in 0..opts.reconnect.attempts {
        if shared.aborted() || *stop.borrow() {
            return None;
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop.changed() => return None,
        }
        if let Ok(s) = Box::pin(connect(opts)).await {
            return Some(s);
        }
        delay = (delay * 2).min(opts.reconnect.max_delay.max(Duration::from_millis(100)));
    }
    None
}

/// [`reconnect`], then subscribes again.
async fn resubscribe(
    opts: &ConnectOptions,
    shared: &Shared,
    stop: &mut watch::Receiver<bool>,
    filter: &str,
) -> Option<Session> {
    let mut session = reconnect(opts, shared, stop).await?;
    subscribe(&mut session, filter, shared.plan.qos)
        .await
        .ok()?;
    Some(session)
}

/// Sends DISCONNECT and closes; errors no longer matter here.
async fn close(session: &mut Session) {
    if session.writer.queue(&Outgoing::Disconnect).is_ok() {
        let _ = tokio::time::timeout(Duration::from_secs(2), session.writer.flush()).await;
    }
    session.writer.shutdown().await;
}

/// Keeps the keepalive clock: queues a PINGREQ when due; false when the broker went silent.
fn keepalive(session: &mut Session) -> bool {
    let last = session.writer.last_write();
    match session.keepalive.due(Instant::now(), last) {
        Some(KeepaliveAction::SendPing) => session.writer.queue(&Outgoing::PingReq).is_ok(),
        Some(KeepaliveAction::Dead) => false,
        None => true,
    }
}

/// What [`next_packet`] found.
// Only ever returned and matched at once, never stored: its size does not matter.
#[allow(clippy::large_enum_variant)]
enum Read {
    Packet(Incoming),
    /// Every complete packet read so far has been handled.
    Drained,
    /// The connection is over: a protocol error or the broker's DISCONNECT (recorded).
    End,
}

/// The next packet already read, with what ends a client recorded in its outcome.
fn next_packet(session: &mut Session, out: &mut ClientOutcome) -> Read {
    match session.reader.try_next() {
        Ok(Some(Incoming::Disconnect { reason, .. })) => {
            out.error(format!("disconnected by the broker (reason {reason})"));
            Read::End
        }
        Ok(Some(p)) => {
            session.keepalive.heard_from_broker();
            Read::Packet(p)
        }
        Ok(None) => Read::Drained,
        Err(e) => {
            out.error(format!("protocol error: {e:#}"));
            Read::End
        }
    }
}

/// Runs one publisher until its messages are sent and acknowledged, its time is up or the run is
/// aborted.
pub async fn publisher(
    shared: Arc<Shared>,
    window: Window,
    opened: Opened,
    mut stop: watch::Receiver<bool>,
) -> ClientOutcome {
    let Opened {
        index,
        client_id,
        mut session,
        opts,
        ..
    } = opened;
    let plan = &shared.plan;
    let mut out = ClientOutcome::new(Role::Pub, index, client_id);
    out.live = Some(Arc::clone(&shared.counters));
    let topic = plan.topic_for(index);
    let qos = plan.qos;
    let limit = plan.messages.unwrap_or(u64::MAX);
    let deadline = plan.duration.map(|d| window.start + d);
    let interval = (plan.rate > 0.0).then(|| 1.0 / plan.rate);
    let window_size = plan.max_inflight.min(session.info.receive_maximum);
    // Refilling the window waits on acknowledgements: ACK the broker's data at once, or its
    // Nagle algorithm holds the next acknowledgement for our delayed ACK (~40 ms).
    session.reader.set_quickack(qos > 0);
    // Intended send time (epoch ns) of each unacknowledged message.
    let mut inflight: Inflight<u64> = Inflight::new(window_size);
    let mut seq: u64 = 0;
    let mut chunk = BytesMut::new();
    let mut done_sending_at: Option<Instant> = None;
    let publisher_id = index;

    'run: loop {
        // Acknowledgements already read.
        let mut acked_now = 0u64;
        loop {
            let p = match next_packet(&mut session, &mut out) {
                Read::Packet(p) => p,
                Read::Drained => break,
                Read::End => break 'run,
            };
            let now = Instant::now();
            match p {
                Incoming::PubAck { pkid, reason, .. } | Incoming::PubRec { pkid, reason, .. } => {
                    if reason >= 0x80 {
                        if inflight.remove(pkid).is_some() {
                            out.error(format!("publish refused (reason {reason})"));
                        }
                        continue;
                    }
                    match inflight.first_ack(pkid) {
                        AckOutcome::Completed(sent_ns) => {
                            acked_now += 1;
                            out.acked(&shared.clock, &window, now, sent_ns);
                        }
                        AckOutcome::SendPubRel => {
                            if session.writer.queue(&Outgoing::PubRel(pkid)).is_err() {
                                out.error("cannot encode PUBREL");
                                break 'run;
                            }
                        }
                        AckOutcome::Unknown => {}
                    }
                }
                Incoming::PubComp { pkid, reason } => {
                    if let Some(sent_ns) = inflight.complete(pkid) {
                        if reason >= 0x80 {
                            out.error(format!("publish refused (reason {reason})"));
                        } else {
                            acked_now += 1;
                            out.acked(&shared.clock, &window, now, sent_ns);
                        }
                    }
                }
                _ => {}
            }
        }
        if acked_now > 0 {
            shared
                .counters
                .acked
                .fetch_add(acked_now, Ordering::Relaxed);
        }
        if shared.aborted() {
            break;
        }

        let now = Instant::now();
        let time_up = deadline.is_some_and(|d| now >= d) || *stop.borrow();
        let sending_done = seq >= limit || time_up;
        if sending_done {
            let at = *done_sending_at.get_or_insert(now);
            if inflight.is_empty() {
                break;
            }
            if now >= at + plan.drain {
                out.errors_n("not acknowledged", inflight.len() as u64);
                break;
            }
        }

        // How many messages may go now.
        let mut can = if sending_done { 0 } else { limit - seq };
        if qos > 0 {
            can = can.min(inflight.room() as u64);
        }
        let mut next_due = None;
        if let Some(iv) = interval {
            let due = ((now - window.start).as_secs_f64() / iv) as u64 + 1;
            can = can.min(due.saturating_sub(seq));
            next_due = Some(window.start + Duration::from_secs_f64(seq.max(due) as f64 * iv));
        }
        let mut sent_now = 0u64;
        while can > 0 && session.writer.buffered() < WRITE_BATCH {
            let sent_ns = match interval {
                // Fixed rate: latency runs from when the message should have gone out, so a
                // stalled broker shows in the percentiles (coordinated omission).
                Some(iv) => shared
                    .clock
                    .epoch_ns(window.start + Duration::from_secs_f64(seq as f64 * iv)),
                None => shared.clock.now_ns(),
            };
            if chunk.len() < plan.size {
                // Payloads are cut from one zeroed block: one allocation for many messages.
                let per_block = (1024 * 1024 / plan.size).clamp(1, 64);
                chunk = BytesMut::zeroed(plan.size * per_block);
            }
            Header {
                publisher: publisher_id,
                seq,
                sent_ns,
            }
            .write(&mut chunk[..HEADER_LEN]);
            let payload = chunk.split_to(plan.size).freeze();
            let pkid = if qos > 0 {
                inflight.insert(qos, sent_ns)
            } else {
                0
            };
            let p = Outgoing::Publish(OutPublish {
                topic: topic.clone(),
                payload,
                qos,
                retain: plan.retain,
                dup: false,
                pkid,
                properties: None,
            });
            if let Err(e) = session.writer.queue(&p) {
                out.error(format!("cannot publish: {e:#}"));
                break 'run;
            }
            seq += 1;
            sent_now += 1;
            can -= 1;
            if qos == 0 {
                out.event(Instant::now(), &window);
            }
        }
        if sent_now > 0 {
            out.sent += sent_now;
            shared.counters.sent.fetch_add(sent_now, Ordering::Relaxed);
        }
        if !keepalive(&mut session) {
            out.error("broker stopped answering (keepalive)");
            break;
        }

        let mut lost = false;
        if session.writer.buffered() > 0 {
            // Read while writing so acknowledgements keep flowing and a dead broker is noticed.
            let Session { reader, writer, .. } = &mut session;
            tokio::select! {
                r = writer.flush() => lost = r.is_err(),
                r = reader.fill() => lost = matches!(r, Ok(0) | Err(_)),
            }
        } else {
            // Nothing to send now: wait for acknowledgements, the next due time, the end or a
            // stop.
            let mut wake = session.keepalive.deadline(session.writer.last_write());
            for t in [next_due, deadline, done_sending_at.map(|t| t + plan.drain)]
                .into_iter()
                .flatten()
            {
                wake = wake.min(t);
            }
            if sending_done && inflight.is_empty() {
                break;
            }
            let Session { reader, .. } = &mut session;
            tokio::select! {
                r = reader.fill() => lost = matches!(r, Ok(0) | Err(_)),
                _ = tokio::time::sleep_until(wake) => {}
                _ = stop.changed() => {}
            }
        }
        if lost {
            match reconnect(&opts, &shared, &mut stop).await {
                Some(s) => {
                    session = s;
                    session.reader.set_quickack(qos > 0);
                    inflight.set_limit(plan.max_inflight.min(session.info.receive_maximum));
                    out.reconnected();
                    // A clean session forgets what was in flight: those were never acknowledged.
                    let forgotten = inflight.clear();
                    if forgotten > 0 {
                        out.errors_n("not acknowledged (connection lost)", forgotten as u64);
                    }
                }
                None => {
                    out.error("connection lost");
                    break;
                }
            }
        }
    }
    if !shared.aborted() {
        close(&mut session).await;
    }
    out
}

/// Runs one subscriber until told to stop (or, for `bench sub`, until its count or time is up).
pub async fn subscriber(
    shared: Arc<Shared>,
    window: Window,
    opened: Opened,
    mut stop: watch::Receiver<bool>,
) -> ClientOutcome {
    let Opened {
        index,
        client_id,
        mut session,
        opts,
        ..
    } = opened;
    let plan = &shared.plan;
    let mut out = ClientOutcome::new(Role::Sub, index, client_id);
    out.live = Some(Arc::clone(&shared.counters));
    let filter = plan.filter_for(index);
    let own_limit = if plan.mode == BenchMode::Sub {
        plan.messages
    } else {
        None
    };
    let measure_from_ns = shared.clock.epoch_ns(window.measure_from);
    'run: loop {
        if *stop.borrow() || shared.aborted() {
            break;
        }
        let wake = session.keepalive.deadline(session.writer.last_write());
        {
            let mut lost = false;
            let Session { reader, .. } = &mut session;
            tokio::select! {
                biased;
                _ = stop.changed() => break,
                r = reader.fill() => lost = matches!(r, Ok(0) | Err(_)),
                _ = tokio::time::sleep_until(wake) => {}
            }
            if lost {
                match resubscribe(&opts, &shared, &mut stop, &filter).await {
                    Some(s) => {
                        session = s;
                        out.reconnected();
                        continue;
                    }
                    None => {
                        out.error("connection lost");
                        break;
                    }
                }
            }
        }
        let mut received_now = 0u64;
        loop {
            let p = match next_packet(&mut session, &mut out) {
                Read::Packet(p) => p,
                Read::Drained => break,
                Read::End => break 'run,
            };
            match p {
                Incoming::Publish(m) => {
                    let ack = match m.qos {
                        1 => Some(Outgoing::PubAck(m.pkid)),
                        2 => Some(Outgoing::PubRec(m.pkid)),
                        _ => None,
                    };
                    if let Some(a) = ack
                        && session.writer.queue(&a).is_err()
                    {
                        out.error("cannot encode acknowledgement");
                        break 'run;
                    }
                    if m.retain {
                        // Retained before this run: not part of the measurement.
                        out.stale_retained += 1;
                        continue;
                    }
                    let now = Instant::now();
                    out.received += 1;
                    received_now += 1;
                    out.event(now, &window);
                    match Header::read(&m.payload) {
                        Some(h) => {
                            let arrival = out.seq.observe(h.publisher, h.seq);
                            if arrival != Some(Arrival::Duplicate) && h.sent_ns >= measure_from_ns {
                                out.latency.record_ns(
                                    shared.clock.epoch_ns(now).saturating_sub(h.sent_ns),
                                );
                            }
                        }
                        None => out.foreign += 1,
                    }
                }
                Incoming::PubRel { pkid }
                    if session.writer.queue(&Outgoing::PubComp(pkid)).is_err() =>
                {
                    out.error("cannot encode PUBCOMP");
                    break 'run;
                }
                _ => {}
            }
        }
        if received_now > 0 {
            shared
                .counters
                .received
                .fetch_add(received_now, Ordering::Relaxed);
        }
        if !keepalive(&mut session) {
            out.error("broker stopped answering (keepalive)");
            break;
        }
        if session.writer.buffered() > 0 && session.writer.flush().await.is_err() {
            match resubscribe(&opts, &shared, &mut stop, &filter).await {
                Some(s) => {
                    session = s;
                    out.reconnected();
                    continue;
                }
                None => {
                    out.error("connection lost");
                    break;
                }
            }
        }
        if own_limit.is_some_and(|l| out.received >= l) {
            break;
        }
        if plan.sub_rate > 0.0 {
            // A slow consumer: leave the rest in the socket until this many would have been read.
            let due = window.start + Duration::from_secs_f64(out.received as f64 / plan.sub_rate);
            tokio::select! {
                _ = tokio::time::sleep_until(due) => {}
                _ = stop.changed() => break,
            }
        }
    }
    if !shared.aborted() {
        close(&mut session).await;
    }
    out
}

/// One `bench conn` connection: opened (timed), then held until told to stop.
pub struct Held {
    pub took: Option<Duration>,
    pub failure: Option<String>,
    pub lost: bool,
}

/// Opens `count` connections at the plan's rate and holds each until `stop`; each reports its
/// connect outcome on `opened` as soon as it is known.
pub fn spawn_held(
    shared: &Arc<Shared>,
    base: &ConnectOptions,
    stop: &watch::Receiver<bool>,
    opened: mpsc::UnboundedSender<Result<Duration, String>>,
) -> JoinHandle<Vec<JoinHandle<Held>>> {
    let shared = Arc::clone(shared);
    let base = base.clone();
    let stop = stop.clone();
    tokio::spawn(async move {
        let plan = &shared.plan;
        let sem = Arc::new(Semaphore::new(CONNECT_CONCURRENCY));
        let began = Instant::now();
        let mut handles = Vec::with_capacity(plan.connections as usize);
        for i in 0..plan.connections {
            if shared.aborted() {
                break;
            }
            if plan.connect_rate > 0.0 {
                let at = began + Duration::from_secs_f64(f64::from(i) / plan.connect_rate);
                tokio::time::sleep_until(at).await;
            }
            let permit = match Arc::clone(&sem).acquire_owned().await {
                Ok(p) => p,
                Err(_) => break,
            };
            let opts = client_options(&base, plan, Role::Conn, i, u64::from(i));
            let mut stop = stop.clone();
            let opened = opened.clone();
            let shared = Arc::clone(&shared);
            handles.push(tokio::spawn(async move {
                let t0 = Instant::now();
                // Boxed: the handshake state (TLS, WebSocket) is large and must not stay in every held task.
                let r = Box::pin(connect(&opts)).await;
                drop(permit);
                drop(opts);
                let mut session = match r {
                    Ok(s) => s,
                    Err(e) => {
                        let reason = failure_reason(&e);
                        shared.counters.failed.fetch_add(1, Ordering::Relaxed);
                        let _ = opened.send(Err(reason.clone()));
                        return Held {
                            took: None,
                            failure: Some(reason),
                            lost: false,
                        };
                    }
                };
                let took = t0.elapsed();
                shared.counters.connected.fetch_add(1, Ordering::Relaxed);
                let _ = opened.send(Ok(took));
                drop(opened);
                let mut lost = false;
                loop {
                    if *stop.borrow() {
                        break;
                    }
                    let wake = session.keepalive.deadline(session.writer.last_write());
                    let Session { reader, .. } = &mut session;
                    tokio::select! {
                        _ = stop.changed() => break,
                        r = reader.fill() => match r {
                            Ok(0) | Err(_) => { lost = true; break; }
                            Ok(_) => {
                                while let Ok(Some(_)) = session.reader.try_next() {}
                                session.keepalive.heard_from_broker();
                            }
                        },
                        _ = tokio::time::sleep_until(wake) => {}
                    }
                    if !keepalive(&mut session)
                        || (session.writer.buffered() > 0 && session.writer.flush().await.is_err())
                    {
                        lost = true;
                        break;
                    }
                }
                if !lost && !shared.aborted() {
                    close(&mut session).await;
                }
                Held {
                    took: Some(took),
                    failure: None,
                    lost,
                }
            }));
        }
        handles
    })
}

/// Raises the soft open-file limit to the hard limit and checks that `needed` descriptors fit.
pub fn raise_nofile_limit(needed: u64) -> anyhow::Result<u64> {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit only read/write the struct passed by pointer.
        let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0;
        if !ok {
            return Ok(u64::MAX);
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            // SAFETY: as above.
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                lim.rlim_cur = lim.rlim_max;
            }
        }
        // rlim_t is u64 on Linux but not on every Unix.
        #[allow(clippy::unnecessary_cast)]
        let limit = lim.rlim_cur as u64;
        if needed > limit {
            return Err(error::usage(format!(
                "{} connections need about {needed} open files, but this process may open at most \
                 {limit} (hard limit {}): raise it (ulimit -n / LimitNOFILE) or open fewer",
                needed.saturating_sub(FD_RESERVE),
                lim.rlim_max
            )));
        }
        Ok(limit)
    }
    #[cfg(not(unix))]
    {
        let _ = needed;
        Ok(u64::MAX)
    }
}

/// Descriptors kept for stdio, the runtime and the like.
pub const FD_RESERVE: u64 = 32;

/// Resident memory of this process in bytes (Linux), for `bench conn`.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_reasons_group_by_cause() {
        let refused: anyhow::Error = error::Failure::new(
            error::Kind::Refused(5),
            "x refused the connection: not authorised",
        )
        .into();
        assert_eq!(failure_reason(&refused), "refused with code 5");
        let io = error::unreachable("cannot connect to mqtt://localhost:1: connection refused");
        assert_eq!(failure_reason(&io), "connection refused");
    }

    #[test]
    fn file_limit_check() {
        assert!(raise_nofile_limit(10).is_ok());
        let err = raise_nofile_limit(u64::MAX).unwrap_err();
        assert_eq!(error::exit_code(&err), 2);
        assert!(error::one_line(&err).contains("open files"));
    }

    #[test]
    fn resident_memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(resident_bytes().is_some_and(|b| b > 0));
        }
    }
}
