//! The MQTT side of `mqtk sys`: one engine connection (`conn::Client`) subscribed to `$SYS/#` at
//! QoS 0, handing the command its messages and link changes as events. Connecting, keepalive,
//! reconnecting and re-subscribing are the engine's.

use crate::conn::client::{Client, Event as EngineEvent, Link, Setup};
use crate::conn::{ConnectOptions, SubscribeFilter, reason};
use std::time::Duration;

use tokio::time::{Instant, sleep_until};

use super::complete::{self, Readiness};
use super::rates::Rates;
use super::{Snapshot, Tree, snapshot};
use crate::error::{Failure, Kind, delivery};
use crate::output;

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

/// Wait for a first snapshot when neither `--wait` nor the dialect says otherwise: longer than
/// mosquitto's default 10 s interval, for a broker that started a moment ago.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(15);

pub fn no_data(wait: Duration) -> anyhow::Error {
    Failure::new(
        Kind::NoData,
        format!(
            "nothing arrived under $SYS within {wait:?}: the broker may publish no $SYS tree \
             (mosquitto with sys_interval 0; HiveMQ, RabbitMQ and AWS IoT have none: HiveMQ \
             exposes its metrics over HTTP/Prometheus instead), an ACL may keep $SYS/# from this \
             user, or the publish interval may be longer than --wait"
        ),
    )
    .into()
}

/// Collects one snapshot: returns once it is complete (and, for `rate()` checks, once rates
/// are known), or when the wait runs out with something to show.
pub async fn collect(
    feed: &mut Feed,
    wait: Option<Duration>,
    need_rates: &[&'static str],
    quiet: bool,
) -> anyhow::Result<(Tree, Snapshot, Rates)> {
    let start = Instant::now();
    let mut deadline = start + wait.unwrap_or(DEFAULT_WAIT);
    let mut tree = Tree::new();
    let mut rates = Rates::new();
    let mut last: Option<Instant> = None;
    let mut complete = false;
    // When to look at the tree next: a quiet spell after the latest message.
    let mut recheck: Option<Instant> = None;
    let mut live_ticks = 0;
    loop {
        let next_check = recheck.map_or(deadline, |r| r.min(deadline));
        tokio::select! {
            ev = feed.next() => match ev? {
                Event::Message { topic, payload, retained } => {
                    let now = Instant::now();
                    if !retained && topic.ends_with("/uptime") {
                        live_ticks += 1;
                    }
                    tree.insert(&topic, &payload, retained, now.into_std());
                    last = Some(now);
                    recheck = Some(now + complete::QUIET);
                }
                Event::Lost(_) => {}
                Event::Reconnected => tree.clear(),
                Event::Subscribed => {}
            },
            _ = sleep_until(next_check) => {
                let now = Instant::now();
                recheck = None;
                let snap = snapshot(&tree);
                if wait.is_none() && !tree.is_empty() {
                    // Values that are not retained come once per interval of the dialect.
                    let longest = start + snap.dialect.default_interval() * 2 + Duration::from_secs(5);
                    deadline = deadline.max(longest.min(start + Duration::from_secs(125)));
                }
                if !complete {
                    match complete::readiness(&snap, last.map(Instant::into_std), now.into_std(), live_ticks) {
                        Readiness::Complete => {
                            complete = true;
                            rates.update(&snap, now.into_std());
                        }
                        Readiness::At(t) => recheck = Some(Instant::from_std(t)),
                        Readiness::Waiting => {}
                    }
                } else {
                    rates.update(&snap, now.into_std());
                }
                let rates_known = need_rates.iter().all(|f| rates.get(f).is_some());
                if complete && rates_known {
                    return Ok((tree, snap, rates));
                }
                if now >= deadline {
                    if tree.is_empty() {
                        return Err(no_data(deadline - start));
                    }
                    let mut missing = complete::missing(&snap);
                    missing.extend(need_rates.iter().filter(|f| rates.get(f).is_none()).copied());
                    if !missing.is_empty() {
                        output::warn(quiet, &format!(
                            "the broker had not sent {} after {:?}; showing what arrived",
                            missing.join(", "), deadline - start
                        ));
                    }
                    return Ok((tree, snap, rates));
                }
            }
        }
    }
}
