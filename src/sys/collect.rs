//! The MQTT side of `mqtk sys`: one connection subscribed to `$SYS/#` at QoS 0, handing the
//! command its messages as events; reconnects (within the connection flags' budget) when the
//! connection is lost, and says so.
//!
//! Written against `conn::connect` / `Session` while the client engine (`conn::client`) is not
//! on main yet; all of `sys`'s MQTT I/O is in this file so it can move onto the engine alone.

use tokio::time::{Instant, sleep_until};

use crate::conn::reconnect::Reconnector;
use crate::conn::{
    ConnectOptions, Incoming, KeepaliveAction, Outgoing, Session, SubscribeFilter, connect,
};
use crate::error::delivery;

/// The filter `sys` subscribes to: every dialect's tree is under it.
pub const FILTER: &str = "$SYS/#";

const SUBSCRIBE_ID: u16 = 1;

/// What the feed hands the command.
#[derive(Debug)]
pub enum Event {
    /// The broker acknowledged the subscription.
    Subscribed,
    Message {
        topic: String,
        payload: Vec<u8>,
        retained: bool,
    },
    /// The connection was lost (the feed is reconnecting on the next [`Feed::next`]).
    Lost(String),
    /// Connected again after [`Event::Lost`] and subscribed afresh: the broker re-sends its
    /// retained tree.
    Reconnected,
}

pub struct Feed {
    opts: ConnectOptions,
    session: Option<Session>,
    reconnector: Reconnector,
    lost: Option<String>,
    /// `$SYS` messages received so far (mqtk's own traffic, which the broker counts as sent).
    pub received: u64,
}

fn subscribe(session: &mut Session, opts: &ConnectOptions) -> anyhow::Result<()> {
    session.writer.queue(&Outgoing::Subscribe {
        pkid: SUBSCRIBE_ID,
        filters: vec![SubscribeFilter {
            filter: FILTER.into(),
            qos: 0,
            no_local: false,
            retain_as_published: false,
            retain_handling: 0,
        }],
        properties: opts.properties.subscribe.clone(),
    })
}

impl Feed {
    /// Connects and subscribes (errors: unreachable, refused, as every command).
    pub async fn open(opts: ConnectOptions) -> anyhow::Result<Feed> {
        let mut session = connect(&opts).await?;
        subscribe(&mut session, &opts)?;
        Ok(Feed {
            opts,
            session: Some(session),
            reconnector: Reconnector::new(),
            lost: None,
            received: 0,
        })
    }

    /// The next event. A lost connection is reported once as [`Event::Lost`]; the following
    /// call reconnects (backing off as `--reconnect-*` say) and returns [`Event::Reconnected`],
    /// or the error when the budget is spent.
    pub async fn next(&mut self) -> anyhow::Result<Event> {
        if let Some(why) = self.lost.take() {
            let mut session = self.reconnector.reconnect(&self.opts, &why).await?;
            subscribe(&mut session, &self.opts)?;
            self.session = Some(session);
            return Ok(Event::Reconnected);
        }
        let Some(session) = self.session.as_mut() else {
            anyhow::bail!("the $SYS feed is closed");
        };
        loop {
            while let Some(packet) = session.reader.try_next()? {
                session.keepalive.heard_from_broker();
                match packet {
                    Incoming::Publish(m) => {
                        self.reconnector.progress();
                        self.received += 1;
                        // QoS 0 subscription: nothing to acknowledge (a QoS 1/2 delivery would
                        // be a broker error; acknowledging it anyway keeps it from resending).
                        match m.qos {
                            1 => session.writer.queue(&Outgoing::PubAck(m.pkid))?,
                            2 => session.writer.queue(&Outgoing::PubRec(m.pkid))?,
                            _ => {}
                        }
                        return Ok(Event::Message {
                            topic: m.topic,
                            payload: m.payload.to_vec(),
                            retained: m.retain,
                        });
                    }
                    Incoming::PubRel { pkid } => session.writer.queue(&Outgoing::PubComp(pkid))?,
                    Incoming::SubAck { codes, .. } => {
                        self.reconnector.progress();
                        if codes.iter().any(|c| *c >= 0x80) {
                            return Err(delivery(format!(
                                "the broker refused the subscription to '{FILTER}' (an ACL?)"
                            )));
                        }
                        return Ok(Event::Subscribed);
                    }
                    Incoming::PingResp => self.reconnector.progress(),
                    Incoming::Disconnect { reason, .. } => {
                        return Ok(
                            self.lose(format!("the broker disconnected mqtk (reason {reason})"))
                        );
                    }
                    _ => {}
                }
            }
            let keepalive_at = session.keepalive.deadline(session.writer.last_write());
            let lost = tokio::select! {
                r = session.reader.fill() => match r {
                    Ok(0) => Some("the broker closed the connection".to_string()),
                    Ok(_) => None,
                    Err(e) => Some(format!("connection lost: {e:#}")),
                },
                r = session.writer.flush(), if session.writer.buffered() > 0 => {
                    r.err().map(|e| format!("connection lost: {e:#}"))
                }
                _ = sleep_until(keepalive_at) => {
                    match session.keepalive.due(Instant::now(), session.writer.last_write()) {
                        Some(KeepaliveAction::SendPing) => {
                            session.writer.queue(&Outgoing::PingReq)?;
                            None
                        }
                        Some(KeepaliveAction::Dead) => {
                            Some("the broker stopped responding (no PINGRESP)".to_string())
                        }
                        None => None,
                    }
                }
            };
            if let Some(why) = lost {
                return Ok(self.lose(why));
            }
        }
    }

    fn lose(&mut self, why: String) -> Event {
        self.session = None;
        self.lost = Some(why.clone());
        Event::Lost(why)
    }

    /// Disconnects cleanly (bounded).
    pub async fn close(mut self) {
        if let Some(mut s) = self.session.take() {
            s.disconnect().await;
        }
    }
}
