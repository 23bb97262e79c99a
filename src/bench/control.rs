//! The control topic of a sharded run (`--control URL`, `bench coordinate`), on a broker that
//! is not the one under test: agents announce themselves with a retained last will, wait for
//! the coordinator's GO (which carries the start instant and measures each agent's clock offset),
//! and publish their results at QoS 1; the coordinator waits for N ready agents, says GO, and
//! collects the results, naming agents that left (their will) or never answered.
//!
//! Topics under the URL's path (default `mqtk/bench`), per run id: `PREFIX/RUN/agent/I`
//! (`{"state":"ready"}` or the will `{"state":"gone"}`, retained), `PREFIX/RUN/go`,
//! `PREFIX/RUN/result/I` (the result document).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use super::shard::{self, Shard};
use crate::conn::options::{Secret, Target, Will};
use crate::conn::url::{self, Scheme};
use crate::conn::{Client, ConnectOptions, Event, OutPublish, Setup, SubscribeFilter};
use crate::error::usage;

/// Topic prefix when the URL gives none.
pub const DEFAULT_PREFIX: &str = "mqtk/bench";

/// The control broker and the topics of one run.
#[derive(Clone, Debug)]
pub struct Control {
    pub opts: ConnectOptions,
    pub prefix: String,
    pub run_id: u32,
}

/// A URL given to `--control`: `mqtt://[user[:password]@]host[:port][/prefix]`.
pub fn parse_url(text: &str, run_id: u32, client_id: String) -> anyhow::Result<Control> {
    let u = url::parse(text).map_err(|e| usage(format!("--control: {e}")))?;
    if u.scheme != Scheme::Mqtt {
        return Err(usage(
            "--control takes an mqtt:// URL (the control broker is reached over plain TCP)",
        ));
    }
    let prefix = u.path.trim_matches('/');
    if prefix.contains(['+', '#']) {
        return Err(usage("--control: the topic prefix must not hold wildcards"));
    }
    let mut opts = ConnectOptions::new(Target::Tcp {
        host: u.host.clone(),
        port: u.port.unwrap_or(1883),
    });
    opts.username = u.username.clone();
    opts.password = u.password.clone().map(Secret);
    opts.client_id = client_id;
    opts.quiet = true;
    Ok(Control {
        opts,
        prefix: if prefix.is_empty() {
            DEFAULT_PREFIX.to_string()
        } else {
            prefix.to_string()
        },
        run_id,
    })
}

impl Control {
    fn base(&self) -> String {
        format!("{}/{:08x}", self.prefix, self.run_id)
    }
    pub fn agent_topic(&self, index: u32) -> String {
        format!("{}/agent/{index}", self.base())
    }
    pub fn go_topic(&self) -> String {
        format!("{}/go", self.base())
    }
    pub fn result_topic(&self, index: u32) -> String {
        format!("{}/result/{index}", self.base())
    }
}

/// What an agent announces on its topic.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Announce {
    pub state: String,
    #[serde(default)]
    pub shard: Option<String>,
}

/// The coordinator's GO: the start instant, and when it was sent (both Unix seconds on the
/// coordinator's clock).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
pub struct Go {
    pub start_at: f64,
    pub sent_at: f64,
}

/// An agent's GO, with its clock's offset measured on arrival (offset plus one-way delay).
#[derive(Clone, Copy, Debug)]
pub struct Started {
    pub start_at: SystemTime,
    pub clock_offset_s: f64,
}

fn json_bytes<T: Serialize>(v: &T) -> Bytes {
    Bytes::from(serde_json::to_vec(v).unwrap_or_default())
}

fn publish(topic: String, payload: Bytes, retain: bool) -> OutPublish {
    OutPublish {
        topic: topic.into(),
        payload,
        qos: 1,
        retain,
        ..OutPublish::default()
    }
}

enum Cmd {
    Ready(oneshot::Sender<anyhow::Result<Started>>),
    Result(Bytes, oneshot::Sender<anyhow::Result<()>>),
}

/// An agent's control connection, served by its own task for the whole run (keepalive and all),
/// so the will fires only when the agent really goes.
#[derive(Clone)]
pub struct AgentLink {
    tx: mpsc::Sender<Cmd>,
}

impl AgentLink {
    /// Connects with the will set and subscribes to the GO topic; must run inside the runtime.
    pub async fn join(mut control: Control, s: Shard) -> anyhow::Result<AgentLink> {
        let gone = Announce {
            state: "gone".into(),
            shard: Some(s.to_string()),
        };
        control.opts.will = Some(Will {
            topic: control.agent_topic(s.index),
            payload: json_bytes(&gone),
            qos: 1,
            retain: true,
        });
        let setup = Setup {
            max_inflight: 20,
            publishes: Some((1, true)),
        };
        let mut client: Client<u8> = Client::connect(control.opts.clone(), setup)
            .await
            .map_err(|e| e.context("--control: cannot reach the control broker"))?;
        client.subscribe(
            vec![SubscribeFilter {
                filter: control.go_topic(),
                qos: 1,
                ..SubscribeFilter::default()
            }],
            None,
        )?;
        let (tx, rx) = mpsc::channel(4);
        tokio::spawn(serve(client, control, s, rx));
        Ok(AgentLink { tx })
    }

    /// Announces that every client is connected and waits for GO (at most `wait`).
    pub async fn ready(&self, wait: Duration) -> anyhow::Result<Started> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::Ready(tx))
            .await
            .map_err(|_| anyhow::anyhow!("the control connection is gone"))?;
        match tokio::time::timeout(wait, rx).await {
            Ok(Ok(r)) => r,
            Ok(Err(_)) => Err(anyhow::anyhow!("the control connection is gone")),
            Err(_) => Err(anyhow::anyhow!(
                "--control: no GO from `mqtk bench coordinate` within {wait:?}"
            )),
        }
    }

    /// Publishes the result document at QoS 1 and closes the connection cleanly (no will).
    pub async fn send_result(&self, doc: Bytes, wait: Duration) -> anyhow::Result<()> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::Result(doc, tx))
            .await
            .map_err(|_| anyhow::anyhow!("the control connection is gone"))?;
        match tokio::time::timeout(wait, rx).await {
            Ok(Ok(r)) => r,
            Ok(Err(_)) => Err(anyhow::anyhow!("the control connection is gone")),
            Err(_) => Err(anyhow::anyhow!(
                "--control: the control broker did not acknowledge the result within {wait:?}"
            )),
        }
    }
}

const READY: u8 = 1;
const RESULT: u8 = 2;

async fn serve(mut client: Client<u8>, control: Control, s: Shard, mut rx: mpsc::Receiver<Cmd>) {
    let mut go: Option<Started> = None;
    let mut waiting_go: Option<oneshot::Sender<anyhow::Result<Started>>> = None;
    let mut waiting_ack: Option<oneshot::Sender<anyhow::Result<()>>> = None;
    loop {
        loop {
            match client.next_event() {
                Ok(Some(Event::Message(m))) => {
                    let _ = client.ack(&m);
                    if m.topic == control.go_topic()
                        && let Ok(g) = serde_json::from_slice::<Go>(&m.payload)
                    {
                        let now = shard::epoch_s(SystemTime::now());
                        go = Some(Started {
                            start_at: SystemTime::UNIX_EPOCH
                                + Duration::from_secs_f64(g.start_at.max(0.0)),
                            clock_offset_s: now - g.sent_at,
                        });
                    }
                }
                Ok(Some(Event::Delivered(RESULT))) => {
                    if let Some(tx) = waiting_ack.take() {
                        client.disconnect().await;
                        let _ = tx.send(Ok(()));
                        return;
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => {
                    let msg = format!("--control: {}", crate::error::one_line(&e));
                    if let Some(tx) = waiting_go.take() {
                        let _ = tx.send(Err(anyhow::anyhow!(msg.clone())));
                    }
                    if let Some(tx) = waiting_ack.take() {
                        let _ = tx.send(Err(anyhow::anyhow!(msg)));
                    }
                    return;
                }
            }
        }
        if let Some(g) = go
            && let Some(tx) = waiting_go.take()
        {
            let _ = tx.send(Ok(g));
        }
        tokio::select! {
            cmd = rx.recv() => match cmd {
                Some(Cmd::Ready(tx)) => {
                    let ready = Announce { state: "ready".into(), shard: Some(s.to_string()) };
                    let p = publish(control.agent_topic(s.index), json_bytes(&ready), true);
                    match client.publish(p, READY) {
                        Ok(()) => waiting_go = Some(tx),
                        Err(e) => { let _ = tx.send(Err(e)); return; }
                    }
                }
                Some(Cmd::Result(doc, tx)) => {
                    let p = publish(control.result_topic(s.index), doc, false);
                    match client.publish(p, RESULT) {
                        Ok(()) => waiting_ack = Some(tx),
                        Err(e) => { let _ = tx.send(Err(e)); return; }
                    }
                }
                // The agent is done with the link (e.g. it failed): leave without a result,
                // and let the will tell the coordinator.
                None => { client.abandon(); return; }
            },
            r = client.io() => {
                if let Err(e) = r {
                    let msg = format!("--control: {}", crate::error::one_line(&e));
                    if let Some(tx) = waiting_go.take() {
                        let _ = tx.send(Err(anyhow::anyhow!(msg.clone())));
                    }
                    if let Some(tx) = waiting_ack.take() {
                        let _ = tx.send(Err(anyhow::anyhow!(msg)));
                    }
                    return;
                }
            }
        }
    }
}

/// What the coordinator saw of one run.
#[derive(Debug, Default)]
pub struct Collected {
    /// Result documents by shard index.
    pub results: BTreeMap<u32, Bytes>,
    /// Agents whose last will arrived before their result.
    pub gone: BTreeSet<u32>,
    /// Agents that announced themselves ready.
    pub ready: BTreeSet<u32>,
}

/// Runs the coordinator's side: waits (at most `wait`) for `agents` ready announcements, sends
/// GO for `delay` from now, then waits (at most `wait` after the start) for every result or
/// will. Progress lines go through `info`.
pub async fn coordinate(
    control: Control,
    agents: u32,
    delay: Duration,
    wait: Duration,
    info: impl Fn(&str),
) -> anyhow::Result<Collected> {
    let mut client: Client<u8> = Client::connect(control.opts.clone(), Setup::default())
        .await
        .map_err(|e| e.context("cannot reach the control broker"))?;
    let all = format!("{}/{:08x}/#", control.prefix, control.run_id);
    client.subscribe(
        vec![SubscribeFilter {
            filter: all,
            qos: 1,
            ..SubscribeFilter::default()
        }],
        None,
    )?;
    let mut seen = Collected::default();
    let agent_prefix = format!("{}/{:08x}/agent/", control.prefix, control.run_id);
    let result_prefix = format!("{}/{:08x}/result/", control.prefix, control.run_id);
    let index_of = |topic: &str, prefix: &str| -> Option<u32> {
        topic
            .strip_prefix(prefix)
            .and_then(|i| i.parse().ok())
            .filter(|i| *i < agents)
    };
    let mut go_sent = false;
    let mut deadline = tokio::time::Instant::now() + wait;
    loop {
        while let Some(event) = client.next_event()? {
            let Event::Message(m) = event else { continue };
            client.ack(&m)?;
            if let Some(i) = index_of(&m.topic, &agent_prefix) {
                let state = serde_json::from_slice::<Announce>(&m.payload).map(|a| a.state);
                match state.as_deref() {
                    Ok("ready") if seen.ready.insert(i) && !go_sent => {
                        info(&format!(
                            "bench coordinate: agent {i}/{agents} ready ({} of {agents})",
                            seen.ready.len()
                        ));
                    }
                    // A will retained from before this coordinator started is the same news:
                    // that agent is not coming.
                    Ok("gone") if !seen.results.contains_key(&i) && seen.gone.insert(i) => {
                        info(&format!(
                            "bench coordinate: agent {i}/{agents} left (its last will)"
                        ));
                    }
                    _ => {}
                }
            } else if let Some(i) = index_of(&m.topic, &result_prefix) {
                seen.gone.remove(&i);
                seen.results.insert(i, m.payload.clone());
                info(&format!(
                    "bench coordinate: result of agent {i}/{agents} ({} of {agents})",
                    seen.results.len()
                ));
            }
        }
        if !go_sent && seen.ready.len() as u32 == agents && seen.gone.is_empty() {
            let now = SystemTime::now();
            let go = Go {
                start_at: shard::epoch_s(now + delay),
                sent_at: shard::epoch_s(now),
            };
            client.publish(publish(control.go_topic(), json_bytes(&go), false), 0)?;
            go_sent = true;
            deadline = tokio::time::Instant::now() + delay + wait;
            info(&format!(
                "bench coordinate: all {agents} agents ready: GO in {delay:?}"
            ));
        }
        let done = (0..agents).all(|i| seen.results.contains_key(&i) || seen.gone.contains(&i));
        if (go_sent && done) || (!go_sent && !seen.gone.is_empty()) {
            break;
        }
        tokio::select! {
            r = client.io() => r?,
            _ = tokio::time::sleep_until(deadline) => break,
        }
    }
    // The retained announcements of this run are cleared: nothing stays on the control broker.
    for i in 0..agents {
        let _ = client.publish(publish(control.agent_topic(i), Bytes::new(), true), 0);
    }
    let flush_until = tokio::time::Instant::now() + Duration::from_secs(2);
    while client.in_flight() > 0 && tokio::time::Instant::now() < flush_until {
        tokio::select! {
            r = client.io() => { if r.is_err() { break; } }
            _ = tokio::time::sleep_until(flush_until) => break,
        }
        while let Ok(Some(_)) = client.next_event() {}
    }
    client.disconnect().await;
    if !go_sent {
        let missing: Vec<String> = (0..agents)
            .filter(|i| !seen.ready.contains(i) || seen.gone.contains(i))
            .map(|i| i.to_string())
            .collect();
        return Err(anyhow::anyhow!(
            "no GO sent: agent(s) {} of {agents} not ready (never announced, or left) within {wait:?}",
            missing.join(", ")
        ));
    }
    Ok(seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_topics() {
        let c = parse_url("mqtt://u:p@127.0.0.1:1999/ctl/x", 0xabc, "id".into()).unwrap();
        assert_eq!(c.prefix, "ctl/x");
        assert_eq!(c.agent_topic(3), "ctl/x/00000abc/agent/3");
        assert_eq!(c.go_topic(), "ctl/x/00000abc/go");
        assert_eq!(c.result_topic(0), "ctl/x/00000abc/result/0");
        assert_eq!(c.opts.username.as_deref(), Some("u"));
        let c = parse_url("mqtt://127.0.0.1", 1, "id".into()).unwrap();
        assert_eq!(c.prefix, DEFAULT_PREFIX);
        for bad in [
            "mqtts://127.0.0.1",
            "ws://127.0.0.1",
            "nonsense",
            "mqtt://127.0.0.1/a/#",
        ] {
            let e = parse_url(bad, 1, "id".into()).unwrap_err();
            assert_eq!(crate::error::exit_code(&e), 2, "{bad}");
        }
    }
}
