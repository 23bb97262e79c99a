//! The MQTT side of `mqtk sys`: one engine connection (`conn::Client`) subscribed to `$SYS/#` at
//! QoS 0, handing the command its messages and link changes as events. Connecting, keepalive,
//! reconnecting and re-subscribing are the engine's.

use crate::conn::client::{Client, Event as EngineEvent, Link, Setup};
use crate::conn::{ConnectOptions, SubscribeFilter, reason};
use crate::error::delivery;

/// The filter `sys` subscribes to: every dialect's tree is under it.
pub const FILTER: &str = "$SYS/#";

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
    /// The connection was lost; the engine is reconnecting.
    Lost(String),
    /// Connected again (and subscribed again): the broker re-sends its retained tree.
    Reconnected,
}

pub struct Feed {
    client: Client,
    v5: bool,
    /// `$SYS` messages received so far (mqtk's own traffic, which the broker counts as sent).
    pub received: u64,
}

impl Feed {
    /// Connects and subscribes (errors: unreachable, refused, as every command).
    pub async fn open(opts: ConnectOptions) -> anyhow::Result<Feed> {
        let v5 = opts.protocol.is_v5();
        let properties = opts.properties.subscribe.clone();
        let mut client = Client::connect(opts, Setup::default()).await?;
        client.subscribe(
            vec![SubscribeFilter {
                filter: FILTER.into(),
                qos: 0,
                no_local: false,
                retain_as_published: false,
                retain_handling: 0,
            }],
            properties,
        )?;
        Ok(Feed {
            client,
            v5,
            received: 0,
        })
    }

    /// The next event. Cancel-safe: events are taken without awaiting, and the engine's `io` is
    /// cancel-safe. An error is final (refused, or the reconnect budget spent).
    pub async fn next(&mut self) -> anyhow::Result<Event> {
        loop {
            while let Some(event) = self.client.next_event()? {
                match event {
                    EngineEvent::Message(m) => {
                        self.client.ack(&m)?;
                        self.received += 1;
                        return Ok(Event::Message {
                            topic: m.topic,
                            payload: m.payload.to_vec(),
                            retained: m.retain,
                        });
                    }
                    EngineEvent::Subscribed {
                        codes,
                        reason_string,
                        ..
                    } => {
                        if let Some(code) = codes.iter().find(|c| **c >= 0x80) {
                            return Err(delivery(format!(
                                "the broker refused the subscription to '{FILTER}': {}",
                                reason::describe(*code, self.v5, reason_string.as_deref())
                            )));
                        }
                        return Ok(Event::Subscribed);
                    }
                    EngineEvent::Link(link) => {
                        crate::output::link(self.client.options(), &link);
                        match link {
                            Link::Lost { why } => return Ok(Event::Lost(why)),
                            Link::Restored { .. } => return Ok(Event::Reconnected),
                            Link::Retrying { .. } => {}
                        }
                    }
                    EngineEvent::Unsubscribed
                    | EngineEvent::Delivered(())
                    | EngineEvent::Refused { .. } => {}
                }
            }
            self.client.io().await?;
        }
    }

    /// Disconnects cleanly (bounded).
    pub async fn close(mut self) {
        self.client.disconnect().await;
    }
}
