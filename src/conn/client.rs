//! The client engine: one MQTT connection's whole protocol life. It connects (CONNACK and its
//! limits), keeps the in-flight window of QoS 1/2 publishes with a copy of each, answers every
//! handshake (PUBACK, PUBREC, PUBREL, PUBCOMP, QoS 2 receipts), keeps the keepalive clock,
//! classifies a server's DISCONNECT, reconnects by the one [`Reconnector`] policy (re-sending
//! what was unacknowledged and re-subscribing when the broker lost the session) and closes
//! cleanly. Commands give it work (publish, subscribe, unsubscribe, acknowledge, disconnect) and
//! handle the [`Event`]s it hands back; none of them speaks the protocol itself.
//!
//! The driving loop of a command:
//! ```text
//! loop {
//!     while let Some(event) = client.next_event()? { handle it }
//!     queue work while client.ready() and there is room
//!     select! { r = client.io() => r?, other sources of work, signals, timers }
//! }
//! ```
//! `next_event` decodes what was read already; `io` does one step of network work (write what is
//! queued, read what arrived, a keepalive ping, or one reconnect attempt) and is cancel-safe, so
//! it sits in a `select!` beside the command's own sources.

use std::collections::VecDeque;
use std::pin::Pin;
use std::time::Duration;

use rumqttc::v5::mqttbytes::v5::{SubscribeProperties, UnsubscribeProperties};
use tokio::time::{Instant, Sleep, sleep_until};

use super::inflight::{AckOutcome, Inflight};
use super::options::ConnectOptions;
use super::packet::{Incoming, OutPublish, Outgoing, SubscribeFilter};
use super::reason;
use super::receipts::{Receipt, Receipts};
use super::reconnect::{DROPS_IN_A_ROW, Reconnector};
use super::session::{ConnAckInfo, KeepaliveAction, Session, connect};
use crate::error::{Kind, delivery, kind_of, unreachable};
use crate::message::Message;

/// MQTT 5 "packet identifier not found": a PUBCOMP with it after a lost session means the broker
/// had already completed the message.
const ID_NOT_FOUND: u8 = 0x92;

/// What the command wants of its connection beyond the connect options.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    /// How many QoS 1/2 publishes may await acknowledgement (the broker's Receive Maximum caps it).
    pub max_inflight: u16,
    /// The QoS and retain flag the command will publish with: checked against the broker's
    /// CONNACK limits on every (re)connection, before anything is sent.
    pub publishes: Option<(u8, bool)>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            max_inflight: 20,
            publishes: None,
        }
    }
}

/// What happened on the connection, for the command to handle.
#[derive(Debug)]
pub enum Event<T> {
    /// A message from the broker; QoS 2 redeliveries of one already handed over are filtered
    /// out. QoS 1/2 messages are acknowledged only when the command calls [`Client::ack`], so a
    /// message it does not take (e.g. after `-C N`) stays with the broker.
    Message(Message),
    /// A QoS 1/2 publish completed (PUBACK, or PUBCOMP for QoS 2): its value back.
    Delivered(T),
    /// The broker refused a publish with an MQTT 5 failure reason code.
    Refused {
        value: T,
        reason: u8,
        text: String,
    },
    /// A SUBACK: the granted QoS or failure code per filter.
    Subscribed {
        filters: Vec<String>,
        codes: Vec<u8>,
        reason_string: Option<String>,
    },
    Unsubscribed,
    /// The connection's own life: lost, retried, restored.
    Link(Link),
}

/// Connection-level events, for warnings on stderr.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// The connection is gone; the engine reconnects on the next calls to [`Client::io`].
    Lost { why: String },
    /// A reconnect attempt failed; another follows after `delay`.
    Retrying {
        attempt: u32,
        error: String,
        delay: Duration,
    },
    /// Connected again; `resent` unacknowledged publishes went out again.
    Restored {
        session_present: bool,
        attempt: u32,
        resent: usize,
    },
}

/// A subscription request, kept to be sent again when the broker loses the session.
#[derive(Clone, Debug)]
struct Subscription {
    filters: Vec<SubscribeFilter>,
    properties: Option<SubscribeProperties>,
}

/// A request awaiting its acknowledgement.
#[derive(Clone, Debug)]
enum Request {
    /// Index into the subscriptions.
    Subscribe(usize),
    Unsubscribe {
        filters: Vec<String>,
        properties: Option<UnsubscribeProperties>,
    },
}

/// An unacknowledged publish: mqtk's own copy (re-sent after a reconnect) and the command's value.
struct Pending<T> {
    publish: OutPublish,
    value: T,
}

/// While the connection is down: why, and when the next attempt goes.
struct Outage {
    why: String,
    attempt: u32,
    at: Instant,
}

/// One MQTT client connection, kept alive across reconnects. `T` is a value the command keeps
/// per QoS 1/2 publish and gets back with its acknowledgement (bench: the send time).
pub struct Client<T = ()> {
    opts: ConnectOptions,
    setup: Setup,
    session: Option<Session>,
    info: ConnAckInfo,
    inflight: Inflight<Pending<T>>,
    awaiting: Vec<(u16, Request)>,
    subscriptions: Vec<Subscription>,
    receipts: Receipts,
    events: VecDeque<Event<T>>,
    reconnector: Reconnector,
    outage: Option<Outage>,
    quickack: bool,
    batched: bool,
    /// The keepalive timer, kept from one [`io`](Self::io) call to the next (see
    /// [`keepalive_timer`]).
    ping_timer: Option<Pin<Box<Sleep>>>,
}

impl<T> Client<T> {
    /// Connects (within the connect timeout) and checks the broker's limits against the setup.
    pub async fn connect(opts: ConnectOptions, setup: Setup) -> anyhow::Result<Client<T>> {
        let session = connect(&opts).await?;
        Self::with_session(opts, setup, session)
    }

    /// Connects over a stream opened elsewhere (an in-memory one in tests and fuzz targets).
    pub async fn connect_over(
        opts: ConnectOptions,
        setup: Setup,
        stream: super::transport::Stream,
    ) -> anyhow::Result<Client<T>> {
        let session = super::session::connect_over(&opts, stream).await?;
        Self::with_session(opts, setup, session)
    }

    /// Wraps a session opened elsewhere (e.g. by [`super::opener`]).
    pub fn with_session(
        opts: ConnectOptions,
        setup: Setup,
        session: Session,
    ) -> anyhow::Result<Client<T>> {
        if let Some((qos, retain)) = setup.publishes {
            session.info.check_limits(qos, retain)?;
        }
        let info = session.info.clone();
        let reconnector = Reconnector::new(opts.reconnect);
        let mut client = Client {
            opts,
            setup,
            info,
            inflight: Inflight::new(setup.max_inflight.min(session.info.receive_maximum)),
            session: Some(session),
            awaiting: Vec::new(),
            subscriptions: Vec::new(),
            receipts: Receipts::default(),
            events: VecDeque::new(),
            reconnector,
            outage: None,
            quickack: false,
            batched: false,
            ping_timer: None,
        };
        // Refilling a window waits on acknowledgements: ACK the broker's data at once, or its
        // Nagle algorithm holds the next acknowledgement for our delayed ACK (~40 ms).
        client.set_quickack(setup.publishes.is_some_and(|(qos, _)| qos > 0));
        Ok(client)
    }

    pub fn options(&self) -> &ConnectOptions {
        &self.opts
    }

    /// What the broker said in the last CONNACK.
    pub fn info(&self) -> &ConnAckInfo {
        &self.info
    }

    /// Connected: work can be queued.
    pub fn ready(&self) -> bool {
        self.session.is_some()
    }

    /// QoS 1/2 publishes awaiting acknowledgement.
    pub fn in_flight(&self) -> usize {
        self.inflight.len()
    }

    /// How many more QoS 1/2 publishes the window takes now.
    pub fn room(&self) -> usize {
        self.inflight.room()
    }

    /// Bytes queued but not yet written.
    pub fn buffered(&self) -> usize {
        self.session.as_ref().map_or(0, |s| s.writer.buffered())
    }

    /// Subscribe or unsubscribe requests not yet acknowledged.
    pub fn awaiting_requests(&self) -> usize {
        self.awaiting.len()
    }

    /// Acknowledge received TCP data at once (see `transport::quickack`): worth its system call
    /// per read only when mqtk waits for acknowledgements to refill a window.
    pub fn set_quickack(&mut self, on: bool) {
        self.quickack = on;
        if let Some(s) = &mut self.session {
            s.reader.set_quickack(on);
        }
    }

    /// The caller lets data pile up before it reads (see [`PacketReader::set_batched`]).
    pub fn set_batched(&mut self, on: bool) {
        self.batched = on;
        if let Some(s) = &mut self.session {
            s.reader.set_batched(on);
        }
    }

    /// Queues a publish. QoS 0 is written as is; QoS 1/2 takes a place in the window (check
    /// [`room`](Self::room) first) and comes back as [`Event::Delivered`] or
    /// [`Event::Refused`] with `value`. Only while [`ready`](Self::ready).
    pub fn publish(&mut self, publish: OutPublish, value: T) -> anyhow::Result<()> {
        let session = self.session.as_mut().ok_or_else(not_connected)?;
        if publish.qos == 0 {
            return session.writer.queue_publish(&publish, 0, false);
        }
        let qos = publish.qos;
        let pkid = self.inflight.insert(qos, Pending { publish, value });
        let Some(pending) = self.inflight.get(pkid) else {
            return Ok(());
        };
        if let Err(e) = session.writer.queue_publish(&pending.publish, pkid, false) {
            self.inflight.remove(pkid);
            return Err(e);
        }
        Ok(())
    }

    /// Subscribes; the answer comes as [`Event::Subscribed`]. The subscription is made again on
    /// a new session after a reconnect.
    pub fn subscribe(
        &mut self,
        filters: Vec<SubscribeFilter>,
        properties: Option<SubscribeProperties>,
    ) -> anyhow::Result<()> {
        self.subscriptions.push(Subscription {
            filters,
            properties,
        });
        let index = self.subscriptions.len() - 1;
        if self.session.is_some() {
            self.send_request(Request::Subscribe(index))?;
        }
        Ok(())
    }

    /// Unsubscribes; the answer comes as [`Event::Unsubscribed`].
    pub fn unsubscribe(
        &mut self,
        filters: Vec<String>,
        properties: Option<UnsubscribeProperties>,
    ) -> anyhow::Result<()> {
        for s in &mut self.subscriptions {
            s.filters.retain(|f| !filters.contains(&f.filter));
        }
        self.send_request(Request::Unsubscribe {
            filters,
            properties,
        })
    }

    fn send_request(&mut self, request: Request) -> anyhow::Result<()> {
        let session = self.session.as_mut().ok_or_else(not_connected)?;
        let pkid = self.inflight.request_id();
        let packet = match &request {
            Request::Subscribe(i) => Outgoing::Subscribe {
                pkid,
                filters: self.subscriptions[*i].filters.clone(),
                properties: self.subscriptions[*i].properties.clone(),
            },
            Request::Unsubscribe {
                filters,
                properties,
            } => Outgoing::Unsubscribe {
                pkid,
                filters: filters.clone(),
                properties: properties.clone(),
            },
        };
        session.writer.queue(&packet)?;
        self.awaiting.push((pkid, request));
        Ok(())
    }

    /// Acknowledges a received QoS 1/2 message (PUBACK, or PUBREC for QoS 2). After a lost
    /// connection there is nothing to do: the broker sends the message again.
    pub fn ack(&mut self, m: &Message) -> anyhow::Result<()> {
        let Some(session) = self.session.as_mut() else {
            return Ok(());
        };
        match m.qos {
            1 => session.writer.queue(&Outgoing::PubAck(m.pkid)),
            2 => session.writer.queue(&Outgoing::PubRec(m.pkid)),
            _ => Ok(()),
        }
    }

    /// Ends the session cleanly and in bounded time (see [`Session::disconnect`]).
    pub async fn disconnect(&mut self) {
        // A clean plain-TCP session with no subscriptions and nothing in flight gets nothing
        // more from the broker (see `Session::disconnect`).
        let plain_tcp = matches!(self.opts.target, super::options::Target::Tcp { .. })
            && self.opts.tls.is_none();
        let nothing_to_come = plain_tcp
            && self.opts.clean
            && self.subscriptions.is_empty()
            && self.awaiting.is_empty()
            && self.inflight.is_empty();
        if let Some(mut s) = self.session.take() {
            s.disconnect(nothing_to_come).await;
        }
    }

    /// Drops the connection without DISCONNECT (the broker sends the will, if any).
    pub fn abandon(&mut self) {
        self.session = None;
    }

    /// The next event from what was read so far, handling every protocol packet on the way.
    pub fn next_event(&mut self) -> anyhow::Result<Option<Event<T>>> {
        loop {
            if let Some(e) = self.events.pop_front() {
                return Ok(Some(e));
            }
            let Some(session) = self.session.as_mut() else {
                return Ok(None);
            };
            let Some(packet) = session.reader.try_next()? else {
                return Ok(None);
            };
            session.keepalive.heard_from_broker();
            self.handle(packet)?;
        }
    }

    fn handle(&mut self, packet: Incoming) -> anyhow::Result<()> {
        let Some(session) = self.session.as_mut() else {
            return Ok(());
        };
        match packet {
            Incoming::PubAck {
                pkid,
                reason,
                reason_string,
            }
            | Incoming::PubRec {
                pkid,
                reason,
                reason_string,
            } => {
                if reason >= 0x80 {
                    self.refused(pkid, reason, reason_string.as_deref());
                    return Ok(());
                }
                match self.inflight.first_ack(pkid) {
                    AckOutcome::Completed(p) => {
                        self.reconnector.progress();
                        self.events.push_back(Event::Delivered(p.value));
                    }
                    AckOutcome::SendPubRel => session.writer.queue(&Outgoing::PubRel(pkid))?,
                    AckOutcome::Unknown => {}
                }
            }
            Incoming::PubComp { pkid, reason } => {
                if reason >= 0x80 && reason != ID_NOT_FOUND {
                    self.refused(pkid, reason, None);
                } else if let Some(p) = self.inflight.complete(pkid) {
                    self.reconnector.progress();
                    self.events.push_back(Event::Delivered(p.value));
                }
            }
            Incoming::Publish(m) => {
                self.reconnector.progress();
                if m.qos == 2 && self.receipts.publish(&m) == Receipt::Duplicate {
                    // Already handed over: acknowledge again, hand over nothing.
                    session.writer.queue(&Outgoing::PubRec(m.pkid))?;
                } else {
                    self.events.push_back(Event::Message(m));
                }
            }
            Incoming::PubRel { pkid } => {
                self.receipts.release(pkid);
                session.writer.queue(&Outgoing::PubComp(pkid))?;
            }
            Incoming::SubAck {
                pkid,
                codes,
                reason_string,
            } => {
                self.reconnector.progress();
                if let Some(Request::Subscribe(i)) = self.take_request(pkid) {
                    let filters = self.subscriptions[i]
                        .filters
                        .iter()
                        .map(|f| f.filter.clone())
                        .collect();
                    self.events.push_back(Event::Subscribed {
                        filters,
                        codes,
                        reason_string,
                    });
                }
            }
            Incoming::UnsubAck { pkid } => {
                if self.take_request(pkid).is_some() {
                    self.events.push_back(Event::Unsubscribed);
                }
            }
            Incoming::PingResp => self.reconnector.progress(),
            Incoming::Disconnect {
                reason,
                reason_string,
            } => {
                let text = reason::describe(reason, true, reason_string.as_deref());
                if reason::is_fatal_disconnect(reason) {
                    let mut message = format!("the broker disconnected mqtk: {text}");
                    if !self.inflight.is_empty() {
                        message +=
                            &format!("; {} message(s) not acknowledged", self.inflight.len());
                    }
                    self.session = None;
                    return Err(delivery(message));
                }
                self.lost(format!("the broker disconnected mqtk: {text}"))?;
            }
            Incoming::Unexpected(what) => {
                self.lost(format!("protocol error: the broker sent {what}"))?;
            }
        }
        Ok(())
    }

    fn refused(&mut self, pkid: u16, reason: u8, reason_string: Option<&str>) {
        if let Some(p) = self.inflight.remove(pkid) {
            self.events.push_back(Event::Refused {
                value: p.value,
                reason,
                text: reason::describe(reason, true, reason_string),
            });
        }
    }

    fn take_request(&mut self, pkid: u16) -> Option<Request> {
        let at = self.awaiting.iter().position(|(id, _)| *id == pkid)?;
        self.inflight.release(pkid);
        Some(self.awaiting.remove(at).1)
    }

    /// One step of network work: write what is queued while reading what arrives, send a
    /// keepalive ping when due, or, while disconnected, wait for and make one reconnect attempt.
    /// Cancel-safe. An error is final: the broker refused us, went away for good (the reconnect
    /// budget is spent) or keeps dropping a request (see [`Reconnector::keeps_dropping`]).
    pub async fn io(&mut self) -> anyhow::Result<()> {
        if self.session.is_none() {
            return self.reconnect_step().await;
        }
        let Some(session) = self.session.as_mut() else {
            return Ok(());
        };
        let lost = match session
            .keepalive
            .due(Instant::now(), session.writer.last_write())
        {
            Some(KeepaliveAction::SendPing) => {
                session.writer.queue(&Outgoing::PingReq)?;
                None
            }
            Some(KeepaliveAction::Dead) => {
                Some("the broker stopped responding (no PINGRESP)".to_string())
            }
            None => {
                let ping_at = session.keepalive.deadline(session.writer.last_write());
                let Session { reader, writer, .. } = session;
                reader.settle_ack(writer.buffered() > 0);
                if writer.buffered() > 0 {
                    tokio::select! {
                        biased;
                        r = writer.flush() => r.err().map(|e| format!("connection lost: {e:#}")),
                        r = reader.fill() => read_outcome(r),
                    }
                } else {
                    let timer = keepalive_timer(&mut self.ping_timer, ping_at);
                    tokio::select! {
                        biased;
                        r = reader.fill() => read_outcome(r),
                        _ = timer => None,
                    }
                }
            }
        };
        match lost {
            Some(why) => self.lost(why),
            None => Ok(()),
        }
    }

    /// The connection is gone for `why`: plan the reconnection, or give up.
    fn lost(&mut self, why: String) -> anyhow::Result<()> {
        self.session = None;
        if self.reconnector.keeps_dropping() {
            if !self.inflight.is_empty() {
                let largest = self
                    .inflight
                    .values()
                    .map(|p| p.publish.payload.len() + p.publish.topic.len())
                    .max()
                    .unwrap_or(0);
                return Err(delivery(format!(
                    "{why}, {DROPS_IN_A_ROW} times in a row after mqtk re-sent its \
                     unacknowledged messages, none of them acknowledged: the broker does not \
                     accept them (an MQTT 3.1.1 broker closes the connection instead of refusing \
                     a publish: one larger than its packet size limit, e.g. mosquitto's \
                     message_size_limit, the largest here being {largest} bytes; one above its \
                     maximum QoS; or more in flight than it allows, see -M); {} message(s) not \
                     acknowledged",
                    self.inflight.len()
                )));
            }
            if let Some(filters) = self.awaited_filters() {
                return Err(delivery(format!(
                    "{why}, {DROPS_IN_A_ROW} times in a row after mqtk subscribed to '{filters}', \
                     before acknowledging the subscription: the broker does not accept it (some \
                     brokers close the connection instead of refusing a subscription)"
                )));
            }
        }
        let Some((attempt, delay)) = self.reconnector.next_attempt() else {
            return Err(unreachable(format!(
                "{why} (reconnecting is off: --reconnect-attempts 0)"
            )));
        };
        self.outage = Some(Outage {
            why: why.clone(),
            attempt,
            at: Instant::now() + delay,
        });
        self.events.push_back(Event::Link(Link::Lost { why }));
        Ok(())
    }

    fn awaited_filters(&self) -> Option<String> {
        let filters: Vec<&str> = self
            .awaiting
            .iter()
            .filter_map(|(_, r)| match r {
                Request::Subscribe(i) => Some(self.subscriptions[*i].filters.iter()),
                Request::Unsubscribe { .. } => None,
            })
            .flatten()
            .map(|f| f.filter.as_str())
            .collect();
        (!filters.is_empty()).then(|| filters.join("', '"))
    }

    async fn reconnect_step(&mut self) -> anyhow::Result<()> {
        let Some(outage) = &self.outage else {
            return Err(not_connected());
        };
        sleep_until(outage.at).await;
        let attempt = outage.attempt;
        // Boxed: the handshake's state (TCP, SOCKS5, TLS, WebSocket) is large and would otherwise
        // sit inside every `io` future, i.e. in every task holding a connection, used or not.
        match Box::pin(connect(&self.opts)).await {
            Ok(session) => self.restore(session, attempt),
            Err(e) if matches!(kind_of(&e), Some(Kind::Refused(_))) => Err(e),
            Err(e) => {
                let Some(outage) = self.outage.as_mut() else {
                    return Err(e);
                };
                match self.reconnector.next_attempt() {
                    Some((next, delay)) => {
                        outage.attempt = next;
                        outage.at = Instant::now() + delay;
                        self.events.push_back(Event::Link(Link::Retrying {
                            attempt,
                            error: format!("{e:#}"),
                            delay,
                        }));
                        Ok(())
                    }
                    // The broker is unreachable now (exit 3), whatever the last attempt ran into.
                    None => Err(unreachable(format!(
                        "{}; gave up after {attempt} reconnect attempts: {e:#}",
                        outage.why
                    ))),
                }
            }
        }
    }

    /// A new connection: re-establish the session's state on it.
    fn restore(&mut self, mut session: Session, attempt: u32) -> anyhow::Result<()> {
        if let Some((qos, retain)) = self.setup.publishes {
            session.info.check_limits(qos, retain)?;
        }
        self.reconnector.opened();
        session.reader.set_quickack(self.quickack);
        session.reader.set_batched(self.batched);
        self.info = session.info.clone();
        self.inflight
            .set_limit(self.setup.max_inflight.min(self.info.receive_maximum));
        let session_present = self.info.session_present;
        let resend = self.inflight.resend(|p| &p.publish);
        let resent = resend.len();
        for packet in &resend {
            match packet {
                Outgoing::Publish(p) => session.writer.queue_publish(p, p.pkid, true)?,
                other => session.writer.queue(other)?,
            }
        }
        self.session = Some(session);
        self.outage = None;
        // Requests in flight went with the connection: send them again, and every subscription
        // when the broker forgot the session (its QoS 2 receipts went with it too).
        let awaiting = std::mem::take(&mut self.awaiting);
        for (id, _) in &awaiting {
            self.inflight.release(*id);
        }
        if session_present {
            for (_, request) in awaiting {
                self.send_request(request)?;
            }
        } else {
            self.receipts.clear();
            for i in 0..self.subscriptions.len() {
                if !self.subscriptions[i].filters.is_empty() {
                    self.send_request(Request::Subscribe(i))?;
                }
            }
        }
        self.events.push_back(Event::Link(Link::Restored {
            session_present,
            attempt,
            resent,
        }));
        Ok(())
    }
}

fn read_outcome(r: anyhow::Result<usize>) -> Option<String> {
    match r {
        Ok(0) => Some("the broker closed the connection".to_string()),
        Ok(_) => None,
        Err(e) => Some(format!("connection lost: {e:#}")),
    }
}

fn not_connected() -> anyhow::Error {
    anyhow::anyhow!("not connected")
}

/// The keepalive timer at `at`, kept across calls: arming a fresh timer on every call and
/// dropping it when data came first cost a busy connection as much as decoding its packets.
/// It moves only to an earlier deadline or once it has fired: a deadline that moved later (the
/// usual case, as writes push it) is taken up when the earlier one fires, one spare wake per
/// keepalive interval.
fn keepalive_timer(slot: &mut Option<Pin<Box<Sleep>>>, at: Instant) -> Pin<&mut Sleep> {
    let timer = slot.get_or_insert_with(|| Box::pin(sleep_until(at)));
    if at < timer.deadline() || timer.is_elapsed() {
        timer.as_mut().reset(at);
    }
    timer.as_mut()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An idle connection (bench conn holds thousands) costs its task's future plus its buffers.
    /// The `io` future sits in that task for the connection's whole life, so the reconnect
    /// handshake (TLS, WebSocket, SOCKS5 state: 13 KB in a debug build) must stay boxed out of
    /// it, and the read buffer must stay small until traffic comes.
    #[tokio::test]
    async fn an_idle_connection_stays_small() {
        use tokio::io::AsyncWriteExt;
        let (client_end, mut broker_end) = tokio::io::duplex(1024);
        tokio::spawn(async move {
            let mut connect = [0u8; 64];
            let _ = tokio::io::AsyncReadExt::read(&mut broker_end, &mut connect).await;
            let _ = broker_end.write_all(b"\x20\x02\x00\x00").await;
            // Held open and silent, as an idle broker connection.
            tokio::time::sleep(Duration::from_secs(3600)).await;
        });
        let opts = ConnectOptions::new(super::super::options::Target::Tcp {
            host: "idle".into(),
            port: 1883,
        });
        let mut client: Client = Client::connect_over(opts, Setup::default(), Box::new(client_end))
            .await
            .unwrap();
        let io = client.io();
        let size = std::mem::size_of_val(&io);
        drop(io);
        assert!(size <= 1024, "the io() future takes {size} bytes");
        // CONNACK was read into a first, small buffer.
        let reader = &client.session.as_ref().unwrap().reader;
        assert!(
            reader.capacity() <= 512,
            "read buffer {}",
            reader.capacity()
        );
    }

    /// Every held connection keeps its client (with its copy of the options) in its task: the
    /// rarely used parts (properties, TLS, proxy) are shared or boxed, not inline.
    #[test]
    fn a_client_and_its_options_stay_small() {
        let options = std::mem::size_of::<ConnectOptions>();
        let client = std::mem::size_of::<Client>();
        assert!(options <= 400, "ConnectOptions takes {options} bytes");
        assert!(client <= 1200, "Client takes {client} bytes");
    }

    #[test]
    fn read_outcomes_name_the_cause() {
        assert_eq!(read_outcome(Ok(5)), None);
        assert_eq!(
            read_outcome(Ok(0)).as_deref(),
            Some("the broker closed the connection")
        );
        assert!(
            read_outcome(Err(anyhow::anyhow!("reset")))
                .unwrap()
                .contains("reset")
        );
    }
}
