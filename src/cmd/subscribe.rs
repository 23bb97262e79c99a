//! `mqtk sub`: subscribes and prints messages. QoS 2 duplicates are dropped, `-C N` acknowledges
//! only the N messages it printed (the rest stay queued for a persistent session), and a lost
//! connection is re-established, re-subscribing when the broker lost the session.

use std::io::{IsTerminal, Write};

use std::time::Duration;

use tokio::time::{Instant, sleep_until};

use crate::cli::SubArgs;
use crate::conn::reconnect::FOREVER;
use crate::conn::{
    Client, ConnectOptions, Event, OutPublish, Setup, SubscribeFilter, reason, topic,
};
use crate::error::{Failure, Kind, delivery, usage};
use crate::format::Formatter;
use crate::message::Message;
use crate::output;
use crate::respond::Responder;
use crate::signals::Signals;

#[inline(never)] // see `cmd::run`
pub fn run(args: SubArgs) -> anyhow::Result<()> {
    let mut opts = crate::cli::connect::connect_options(&args.connect)?;
    if args.connect.reconnect_attempts.is_none() {
        // A logger must outlive broker restarts and maintenance, as mosquitto_sub does.
        opts.reconnect.attempts = FOREVER;
    }
    let plan = Plan::from_args(&args, &opts)?;
    let color = crate::output::use_color(args.output.color, std::io::stdout().is_terminal());
    let formatter = Formatter::new(&args.output, color)?;
    let responder = match &args.respond {
        Some(_) if !opts.protocol.is_v5() => {
            return Err(usage(
                "--respond needs MQTT 5 (requests carry their response topic as an MQTT 5 \
                 property): add -V 5",
            ));
        }
        Some(cmd) => Some(Responder::new(cmd.clone())),
        None => None,
    };
    super::runtime()?.block_on(subscribe(opts, plan, formatter, responder))
}

/// The validated subscription.
struct Plan {
    filters: Vec<SubscribeFilter>,
    unsubscribe: Vec<String>,
    hide: Vec<String>,
    count: Option<u64>,
    timeout: Option<std::time::Duration>,
    no_retained: bool,
    retained_only: bool,
    remove_retained: bool,
    exit_after_subscribe: bool,
    /// `--random-filter`: the percentage of messages printed.
    random_filter: Option<f64>,
}

/// The usage error for a missing topic; a ws:// URL's path is the WebSocket path, so only `-t`
/// can give the topic there.
pub(crate) fn no_topic_hint(opts: &ConnectOptions) -> String {
    match opts.target {
        crate::conn::options::Target::WebSocket { .. } => {
            "no topic given: add -t TOPIC (a ws:// or wss:// URL's path is the WebSocket path, not \
             a topic)"
                .into()
        }
        _ => "no topic given: add -t TOPIC (or put it in an mqtt:// URL: -L mqtt://host/TOPIC)"
            .into(),
    }
}

impl Plan {
    fn from_args(args: &SubArgs, opts: &ConnectOptions) -> anyhow::Result<Plan> {
        // As mosquitto_sub: -L's topic and every -t are all subscribed to.
        let mut topics: Vec<String> = opts.url_topic.iter().cloned().collect();
        for t in &args.topics {
            if !topics.contains(t) {
                topics.push(t.clone());
            }
        }
        if topics.is_empty() && args.unsubscribe.is_empty() {
            return Err(usage(no_topic_hint(opts)));
        }
        for f in topics
            .iter()
            .chain(&args.filter_out)
            .chain(&args.unsubscribe)
        {
            topic::validate_filter(f).map_err(usage)?;
        }
        let v5 = opts.protocol.is_v5();
        if !v5 && (args.no_local || args.retain_as_published || args.retain_handling.is_some()) {
            return Err(usage(
                "--no-local, --retain-as-published and --retain-handling need MQTT 5: add -V 5",
            ));
        }
        if args.no_local
            && let Some(shared) = topics.iter().find(|t| t.starts_with("$share/"))
        {
            // MQTT 5 §3.8.3.1: No Local on a shared subscription is a protocol error.
            return Err(usage(format!(
                "--no-local cannot be used with a shared subscription ('{shared}')"
            )));
        }
        let filters = topics
            .iter()
            .map(|t| SubscribeFilter {
                filter: t.clone(),
                qos: args.qos.0,
                no_local: args.no_local,
                retain_as_published: args.retain_as_published,
                retain_handling: args.retain_handling.unwrap_or(0),
            })
            .collect();
        Ok(Plan {
            filters,
            unsubscribe: args.unsubscribe.clone(),
            hide: args.filter_out.clone(),
            count: args.count,
            timeout: args.timeout,
            no_retained: args.no_retained,
            retained_only: args.retained_only,
            remove_retained: args.remove_retained,
            // -U alone (clearing a persistent session) has nothing to wait for afterwards.
            exit_after_subscribe: args.exit_after_subscribe || topics.is_empty(),
            random_filter: args.random_filter,
        })
    }

    /// Whether `m` is printed: not hidden by -R, -T or --random-filter.
    fn shows(&self, m: &Message) -> bool {
        let hidden =
            (self.no_retained && m.retain) || self.hide.iter().any(|f| topic::matches(f, &m.topic));
        !hidden
            && self
                .random_filter
                .is_none_or(|pct| rand::random::<f64>() * 100.0 < pct)
    }

    fn send_requests(&self, client: &mut Client, opts: &ConnectOptions) -> anyhow::Result<()> {
        if !self.filters.is_empty() {
            client.subscribe(self.filters.clone(), opts.properties.subscribe.clone())?;
        }
        if !self.unsubscribe.is_empty() {
            client.unsubscribe(
                self.unsubscribe.clone(),
                opts.properties.unsubscribe.clone(),
            )?;
        }
        Ok(())
    }

    /// Acknowledgements we wait for before `-E` may exit.
    fn pending_acks(&self) -> usize {
        (!self.filters.is_empty()) as usize + (!self.unsubscribe.is_empty()) as usize
    }
}

/// The receive loop is over: every message wanted was printed (`-C`, `-E`, `--retained-only`).
struct Done;

struct Receiver {
    plan: Plan,
    formatter: Formatter,
    out: Vec<u8>,
    printed: u64,
    pending_acks: usize,
    v5: bool,
    /// `--respond`: messages received since the loop last handed them to the responder.
    requests: Option<Vec<Message>>,
    /// Done (e.g. `-C`) but still answering requests: take no more messages.
    finishing: bool,
    /// What the last batch of events held: messages, and whether any needs an acknowledgement.
    batch: Batch,
}

/// A busy QoS 0 stream is read in batches at most every `BATCH_PAUSE`: reading each segment as
/// it arrives costs a wake-up, a read and a write for one or two messages (at 200,000 messages a
/// second that is most of the subscriber's CPU). Waiting for a whole millisecond's worth instead
/// costs each message at most that millisecond (plus the timer's tick), and only while messages
/// keep coming: one arriving after a quiet spell is read and printed at once.
const BATCH_PAUSE: Duration = Duration::from_millis(1);
/// Messages less than this apart count as a busy stream.
const BUSY_GAP: Duration = Duration::from_millis(4);

#[derive(Default)]
struct Batch {
    messages: usize,
    acknowledged: bool,
}

/// When the next read may go: `None` for at once. QoS 1/2 messages are never held back (their
/// acknowledgements refill the broker's window), nor is anything when writes are waiting.
fn next_read(
    batch: &Batch,
    previous: &mut Option<Instant>,
    writes_waiting: bool,
) -> Option<Instant> {
    if batch.messages == 0 {
        return None;
    }
    let now = Instant::now();
    let busy = previous.is_some_and(|t| now.duration_since(t) < BUSY_GAP);
    *previous = Some(now);
    (busy && !batch.acknowledged && !writes_waiting).then(|| now + BATCH_PAUSE)
}

async fn subscribe(
    opts: ConnectOptions,
    plan: Plan,
    formatter: Formatter,
    mut responder: Option<Responder>,
) -> anyhow::Result<()> {
    let mut signals = Signals::new()?;
    let v5 = opts.protocol.is_v5();
    let connecting = Client::connect(opts.clone(), Setup::default());
    // A signal is the normal way to stop a subscriber, even before it is connected: exit 0.
    let mut client: Client = tokio::select! {
        r = connecting => r?,
        _ = signals.recv() => return Ok(()),
    };
    let deadline = plan.timeout.map(|t| Instant::now() + t);
    plan.send_requests(&mut client, &opts)?;
    let mut rx = Receiver {
        pending_acks: plan.pending_acks(),
        plan,
        formatter,
        out: Vec::with_capacity(64 * 1024),
        printed: 0,
        v5,
        requests: responder.as_ref().map(|_| Vec::new()),
        finishing: false,
        batch: Batch::default(),
    };
    let mut previous_batch = None;
    let quiet = opts.quiet;
    let far = Instant::now() + std::time::Duration::from_secs(86_400 * 365);

    loop {
        // What arrived with the last read (or with CONNACK) comes first.
        let done = rx.handle_events(&mut client)?;
        rx.flush_stdout()?;
        if let (Some(r), Some(requests)) = (responder.as_mut(), rx.requests.as_mut()) {
            for m in requests.drain(..) {
                if let Some(w) = r.offer(&m) {
                    output::warn(quiet, &w);
                }
            }
        }
        rx.finishing |= done.is_some();
        // With --respond, the requests taken are answered (and the answers delivered) first.
        let answering = responder.as_ref().is_some_and(|r| r.pending() > 0);
        if rx.finishing && !answering && client.in_flight() == 0 {
            client.disconnect().await;
            return Ok(());
        }
        let can_answer = client.ready() && client.room() > 0;
        let read_at = next_read(&rx.batch, &mut previous_batch, client.buffered() > 0);
        tokio::select! {
            r = async {
                if let Some(at) = read_at {
                    sleep_until(at).await;
                }
                client.io().await
            } => r?,
            outcome = async { responder.as_mut().expect("guarded").next().await }, if answering && can_answer => {
                match outcome {
                    Ok(reply) => client.publish(reply, ())?,
                    Err(why) => output::warn(quiet, &why),
                }
            }
            _ = sleep_until(deadline.unwrap_or(far)) => {
                client.disconnect().await;
                return Err(Failure::new(Kind::Timeout, format!(
                    "timed out after {:?} ({} message(s) received)",
                    rx.plan.timeout.unwrap_or_default(), rx.printed
                )).into());
            }
            _ = signals.recv() => {
                // Stopping a subscriber with a signal is how it normally ends (as mosquitto_sub).
                client.disconnect().await;
                return Ok(());
            }
        }
    }
}

impl Receiver {
    fn handle_events(&mut self, client: &mut Client) -> anyhow::Result<Option<Done>> {
        self.batch = Batch::default();
        while let Some(event) = client.next_event()? {
            match event {
                Event::Message(m) => {
                    self.batch.messages += 1;
                    self.batch.acknowledged |= m.qos > 0;
                    if let Some(done) = self.on_message(client, m)? {
                        return Ok(Some(done));
                    }
                }
                Event::Subscribed {
                    filters,
                    codes,
                    reason_string,
                } => {
                    for (code, f) in codes.iter().zip(&filters) {
                        if *code >= 0x80 {
                            return Err(delivery(format!(
                                "the broker refused the subscription to '{f}': {}",
                                reason::describe(*code, self.v5, reason_string.as_deref())
                            )));
                        }
                    }
                    if let Some(done) = self.acked_request() {
                        return Ok(Some(done));
                    }
                }
                Event::Unsubscribed => {
                    if let Some(done) = self.acked_request() {
                        return Ok(Some(done));
                    }
                }
                Event::Link(link) => output::link(client.options(), &link),
                Event::Delivered(()) | Event::Refused { .. } => {}
            }
        }
        Ok(None)
    }

    fn acked_request(&mut self) -> Option<Done> {
        self.pending_acks = self.pending_acks.saturating_sub(1);
        (self.plan.exit_after_subscribe && self.pending_acks == 0).then_some(Done)
    }

    fn on_message(&mut self, client: &mut Client, m: Message) -> anyhow::Result<Option<Done>> {
        if self.finishing {
            // Left unacknowledged: the broker keeps it for the next subscriber.
            return Ok(None);
        }
        if self.plan.retained_only && !m.retain {
            // Left unacknowledged on purpose: it was not printed.
            return Ok(Some(Done));
        }
        let shown = self.plan.shows(&m);
        if shown {
            if let Err(e) = self.formatter.write(&m, &mut self.out) {
                // What was printed before the offending message still goes out.
                self.flush_stdout()?;
                return Err(e);
            }
            self.printed += 1;
        }
        if self.plan.remove_retained && m.retain && !m.payload.is_empty() {
            let clear = OutPublish {
                topic: m.topic.as_str().into(),
                retain: true,
                ..Default::default()
            };
            client.publish(clear, ())?;
        }
        client.ack(&m)?;
        // Hidden messages (-T, -R) are not answered either.
        if shown && let Some(requests) = &mut self.requests {
            requests.push(m);
        }
        if self.plan.count.is_some_and(|c| self.printed >= c) {
            return Ok(Some(Done));
        }
        Ok(None)
    }

    fn flush_stdout(&mut self) -> anyhow::Result<()> {
        if !self.out.is_empty() {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&self.out)?;
            stdout.flush()?;
            self.out.clear();
        }
        Ok(())
    }
}
