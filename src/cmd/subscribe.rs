//! `mqtk sub`: subscribes and prints messages. QoS 2 duplicates are dropped, `-C N` acknowledges
//! only the N messages it printed (the rest stay queued for a persistent session), and a lost
//! connection is re-established, re-subscribing when the broker lost the session.

use std::io::{IsTerminal, Write};

use tokio::time::{Instant, sleep_until};

use crate::cli::SubArgs;
use crate::conn::receipts::{Receipt, Receipts};
use crate::conn::reconnect::{DROPS_IN_A_ROW, Reconnector};
use crate::conn::{
    ConnectOptions, Incoming, KeepaliveAction, OutPublish, Outgoing, Session, SubscribeFilter,
    connect, reason, topic,
};
use crate::error::{Failure, Kind, delivery, usage};
use crate::format::Formatter;
use crate::message::Message;
use crate::signals::{Signals, interrupted};

const SUBSCRIBE_ID: u16 = 1;
const UNSUBSCRIBE_ID: u16 = 2;

pub fn run(args: SubArgs) -> anyhow::Result<()> {
    let opts = crate::cli::connect::connect_options(&args.connect)?;
    let plan = Plan::from_args(&args, &opts)?;
    let color = crate::output::use_color(args.output.color, std::io::stdout().is_terminal());
    let formatter = Formatter::new(&args.output, color)?;
    super::runtime()?.block_on(subscribe(opts, plan, formatter))
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
}

impl Plan {
    fn from_args(args: &SubArgs, opts: &ConnectOptions) -> anyhow::Result<Plan> {
        let mut topics = args.topics.clone();
        if topics.is_empty() {
            topics.extend(opts.url_topic.clone());
        }
        if topics.is_empty() && args.unsubscribe.is_empty() {
            return Err(usage(
                "no topic given: add -t FILTER (or put it in the -L URL)",
            ));
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
            exit_after_subscribe: args.exit_after_subscribe,
        })
    }

    fn queue_requests(&self, session: &mut Session, opts: &ConnectOptions) -> anyhow::Result<()> {
        if !self.filters.is_empty() {
            session.writer.queue(&Outgoing::Subscribe {
                pkid: SUBSCRIBE_ID,
                filters: self.filters.clone(),
                properties: opts.properties.subscribe.clone(),
            })?;
        }
        if !self.unsubscribe.is_empty() {
            session.writer.queue(&Outgoing::Unsubscribe {
                pkid: UNSUBSCRIBE_ID,
                filters: self.unsubscribe.clone(),
                properties: opts.properties.unsubscribe.clone(),
            })?;
        }
        Ok(())
    }

    /// Acknowledgements we wait for before `-E` may exit.
    fn pending_acks(&self) -> usize {
        (!self.filters.is_empty()) as usize + (!self.unsubscribe.is_empty()) as usize
    }
}

/// Why the receive loop stopped.
enum Stop {
    Done,
    Lost(String),
}

struct Receiver {
    plan: Plan,
    formatter: Formatter,
    out: Vec<u8>,
    printed: u64,
    /// QoS 2 receipts: a redelivered message is acknowledged, not printed again.
    receipts: Receipts,
    pending_acks: usize,
    /// The last SUBSCRIBE sent has been acknowledged.
    subscribed: bool,
    v5: bool,
}

async fn subscribe(opts: ConnectOptions, plan: Plan, formatter: Formatter) -> anyhow::Result<()> {
    let mut signals = Signals::new()?;
    let mut session = signals
        .or_interrupt(connect(&opts), || "not connected".into())
        .await?;
    let deadline = plan.timeout.map(|t| Instant::now() + t);
    plan.queue_requests(&mut session, &opts)?;
    let mut rx = Receiver {
        pending_acks: plan.pending_acks(),
        subscribed: plan.filters.is_empty(),
        plan,
        formatter,
        out: Vec::with_capacity(64 * 1024),
        printed: 0,
        receipts: Receipts::default(),
        v5: opts.protocol.is_v5(),
    };
    let far = Instant::now() + std::time::Duration::from_secs(86_400 * 365);
    let mut reconnector = Reconnector::new();

    loop {
        // Packets that arrived with the last read (or with CONNACK) come first.
        let mut stop = rx.handle_incoming(&mut session, &mut reconnector)?;
        rx.flush_stdout()?;
        let keepalive_at = session.keepalive.deadline(session.writer.last_write());
        if stop.is_none() {
            stop = tokio::select! {
            r = session.reader.fill() => match r {
                Ok(0) => Some(Stop::Lost("the broker closed the connection".into())),
                Ok(_) => None,
                Err(e) => Some(Stop::Lost(format!("connection lost: {e:#}"))),
            },
            r = session.writer.flush(), if session.writer.buffered() > 0 => {
                r.err().map(|e| Stop::Lost(format!("connection lost: {e:#}")))
            }
            _ = sleep_until(keepalive_at) => {
                match session.keepalive.due(Instant::now(), session.writer.last_write()) {
                    Some(KeepaliveAction::SendPing) => { session.writer.queue(&Outgoing::PingReq)?; None }
                    Some(KeepaliveAction::Dead) => Some(Stop::Lost("the broker stopped responding (no PINGRESP)".into())),
                    None => None,
                }
            }
            _ = sleep_until(deadline.unwrap_or(far)) => {
                rx.flush_stdout()?;
                session.disconnect().await;
                return Err(Failure::new(Kind::Timeout, format!(
                    "timed out after {:?} ({} message(s) received)",
                    rx.plan.timeout.unwrap_or_default(), rx.printed
                )).into());
            }
            sig = signals.recv() => {
                rx.flush_stdout()?;
                session.disconnect().await;
                return Err(interrupted(sig, format!("{} message(s) received", rx.printed)));
            }
            };
        }
        match stop {
            None => {}
            Some(Stop::Done) => {
                rx.flush_stdout()?;
                session.disconnect().await;
                return Ok(());
            }
            Some(Stop::Lost(why)) => {
                rx.flush_stdout()?;
                if !rx.subscribed && reconnector.keeps_dropping() {
                    let filters: Vec<&str> =
                        rx.plan.filters.iter().map(|f| f.filter.as_str()).collect();
                    return Err(delivery(format!(
                        "{why}, {DROPS_IN_A_ROW} times in a row after mqtk subscribed to '{}', \
                         before acknowledging the subscription: the broker does not accept it \
                         (some brokers close the connection instead of refusing a subscription)",
                        filters.join("', '")
                    )));
                }
                let printed = rx.printed;
                session = signals
                    .or_interrupt(reconnector.reconnect(&opts, &why), || {
                        format!("{printed} message(s) received (while reconnecting)")
                    })
                    .await?;
                if !session.info.session_present {
                    // The broker forgot us: subscriptions and QoS 2 state went with the session.
                    rx.receipts.clear();
                    rx.plan.queue_requests(&mut session, &opts)?;
                    rx.subscribed = rx.plan.filters.is_empty();
                }
            }
        }
    }
}

impl Receiver {
    fn handle_incoming(
        &mut self,
        session: &mut Session,
        reconnector: &mut Reconnector,
    ) -> anyhow::Result<Option<Stop>> {
        while let Some(packet) = session.reader.try_next()? {
            session.keepalive.heard_from_broker();
            // A PINGRESP counts too: an idle subscriber whose connection some proxy keeps
            // dropping must not run out of attempts while its session works.
            if matches!(
                packet,
                Incoming::Publish(_) | Incoming::SubAck { .. } | Incoming::PingResp
            ) {
                reconnector.progress();
            }
            match packet {
                Incoming::Publish(m) => {
                    if let Some(stop) = self.on_message(session, m)? {
                        return Ok(Some(stop));
                    }
                }
                Incoming::PubRel { pkid } => {
                    self.receipts.release(pkid);
                    session.writer.queue(&Outgoing::PubComp(pkid))?;
                }
                Incoming::SubAck {
                    codes,
                    reason_string,
                    ..
                } => {
                    for (code, f) in codes.iter().zip(&self.plan.filters) {
                        if *code >= 0x80 {
                            return Err(delivery(format!(
                                "the broker refused the subscription to '{}': {}",
                                f.filter,
                                reason::describe(*code, self.v5, reason_string.as_deref())
                            )));
                        }
                    }
                    self.subscribed = true;
                    if let Some(stop) = self.acked_request() {
                        return Ok(Some(stop));
                    }
                }
                Incoming::UnsubAck { .. } => {
                    if let Some(stop) = self.acked_request() {
                        return Ok(Some(stop));
                    }
                }
                Incoming::Disconnect {
                    reason,
                    reason_string,
                } => {
                    let text = reason::describe(reason, true, reason_string.as_deref());
                    if super::publish::is_fatal_disconnect(reason) {
                        return Err(anyhow::anyhow!("the broker disconnected mqtk: {text}"));
                    }
                    return Ok(Some(Stop::Lost(format!(
                        "the broker disconnected mqtk: {text}"
                    ))));
                }
                Incoming::PingResp | Incoming::PubAck { .. } | Incoming::PubRec { .. } => {}
                Incoming::PubComp { .. } => {}
                Incoming::Unexpected(what) => {
                    return Ok(Some(Stop::Lost(format!(
                        "protocol error: the broker sent {what}"
                    ))));
                }
            }
        }
        Ok(None)
    }

    fn acked_request(&mut self) -> Option<Stop> {
        self.pending_acks = self.pending_acks.saturating_sub(1);
        (self.plan.exit_after_subscribe && self.pending_acks == 0).then_some(Stop::Done)
    }

    fn on_message(&mut self, session: &mut Session, m: Message) -> anyhow::Result<Option<Stop>> {
        if self.plan.retained_only && !m.retain {
            // Left unacknowledged on purpose: it was not printed.
            return Ok(Some(Stop::Done));
        }
        if m.qos == 2 && self.receipts.publish(&m) == Receipt::Duplicate {
            // Redelivery of a message already printed: acknowledge again, print nothing.
            session.writer.queue(&Outgoing::PubRec(m.pkid))?;
            return Ok(None);
        }
        let hidden = (self.plan.no_retained && m.retain)
            || self.plan.hide.iter().any(|f| topic::matches(f, &m.topic));
        if !hidden {
            self.formatter.write(&m, &mut self.out);
            self.printed += 1;
        }
        if self.plan.remove_retained && m.retain && !m.payload.is_empty() {
            session.writer.queue(&Outgoing::Publish(OutPublish {
                topic: m.topic.clone(),
                retain: true,
                ..Default::default()
            }))?;
        }
        match m.qos {
            1 => session.writer.queue(&Outgoing::PubAck(m.pkid))?,
            2 => session.writer.queue(&Outgoing::PubRec(m.pkid))?,
            _ => {}
        }
        if self.plan.count.is_some_and(|c| self.printed >= c) {
            return Ok(Some(Stop::Done));
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
