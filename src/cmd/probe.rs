//! `mqtk sys probe`: what a broker supports and how exposed it is. Every step is bounded in time
//! (`--step-timeout`) and messages, uses a random topic prefix, and runs on engine connections
//! (`conn::Client`) that do not reconnect: a dropped connection is an answer here.

use std::time::Duration;

use bytes::Bytes;
use tokio::time::{Instant, sleep_until};

use crate::cli::sys::{ProbeArgs, Severity as CliSeverity};
use crate::conn::client::{Client, Event, Setup};
use crate::conn::{ConnectOptions, OutPublish, ProtocolVersion, SubscribeFilter};
use crate::error::{Failure, Kind, one_line};
use crate::message::Message;
use crate::sys::probe::findings::{self, Exposure, Severity};
use crate::sys::probe::report::{
    Largest, Limits, Outcome, ProbeReport, RoundTrip, VersionResult, table,
};
use crate::sys::probe::search;

/// Messages per QoS round trip.
const ROUND_TRIP_MESSAGES: u32 = 10;
/// Messages published to the shared subscription.
const SHARED_MESSAGES: u32 = 10;

pub fn run(args: ProbeArgs) -> anyhow::Result<()> {
    let mut opts = crate::cli::connect::connect_options(&args.connect)?;
    // A probe answers with what happened: a dropped connection is a result, not a reason to
    // reconnect.
    opts.reconnect.attempts = 0;
    let report = super::runtime()?.block_on(probe(opts, &args))?;
    let text = if args.json {
        format!("{}\n", serde_json::to_string(&report)?)
    } else {
        table(&report)
    };
    std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())?;
    if let Some(level) = args.fail_on {
        let level = match level {
            CliSeverity::Info => Severity::Info,
            CliSeverity::Low => Severity::Low,
            CliSeverity::Medium => Severity::Medium,
            CliSeverity::High => Severity::High,
        };
        let hits: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.severity >= level)
            .map(|f| f.id)
            .collect();
        if !hits.is_empty() {
            return Err(Failure::new(
                Kind::Assertion,
                format!(
                    "{} finding(s) at or above {}: {}",
                    hits.len(),
                    level.name(),
                    hits.join(", ")
                ),
            )
            .into());
        }
    }
    Ok(())
}

fn random_id(prefix: &str) -> String {
    format!("{prefix}-{:08x}", rand::random::<u32>())
}

async fn open(opts: &ConnectOptions) -> anyhow::Result<Client<u32>> {
    let mut o = opts.clone();
    o.client_id = random_id("mqtk-probe");
    let mut c = Client::connect(o, Setup::default()).await?;
    // Round trips wait on acknowledgements: no delayed ACKs in the measurements.
    c.set_quickack(true);
    Ok(c)
}

fn filter(f: &str, qos: u8) -> Vec<SubscribeFilter> {
    vec![SubscribeFilter {
        filter: f.into(),
        qos,
        ..Default::default()
    }]
}

fn publish(topic: &str, payload: impl Into<Bytes>, qos: u8, retain: bool) -> OutPublish {
    OutPublish {
        topic: topic.into(),
        payload: payload.into(),
        qos,
        retain,
        ..Default::default()
    }
}

/// What a client saw while being driven.
enum Seen {
    Message(Message),
    Subscribed(Vec<u8>),
    Other,
}

/// Drives `client` until `done` says so (true) or `until` passes (false). A lost connection or an
/// engine error ends it too (false): for a probe that is the broker's answer.
async fn drive(
    client: &mut Client<u32>,
    until: Instant,
    mut done: impl FnMut(&mut Client<u32>, Seen) -> bool,
) -> bool {
    loop {
        loop {
            let event = match client.next_event() {
                Ok(Some(e)) => e,
                Ok(None) => break,
                Err(_) => return false,
            };
            let seen = match event {
                Event::Message(m) => {
                    if client.ack(&m).is_err() {
                        return false;
                    }
                    Seen::Message(m)
                }
                Event::Subscribed { codes, .. } => Seen::Subscribed(codes),
                Event::Link(_) => return false,
                _ => Seen::Other,
            };
            if done(client, seen) {
                return true;
            }
        }
        tokio::select! {
            r = client.io() => if r.is_err() { return false },
            _ = sleep_until(until) => return false,
        }
    }
}

/// Subscribes and waits for the SUBACK: Some(granted) or None (refused, timed out, dropped).
async fn subscribe(client: &mut Client<u32>, f: &str, qos: u8, step: Duration) -> Option<bool> {
    client.subscribe(filter(f, qos), None).ok()?;
    let mut granted = None;
    let answered = drive(client, Instant::now() + step, |_, seen| match seen {
        Seen::Subscribed(codes) => {
            granted = Some(codes.iter().all(|c| *c < 0x80));
            true
        }
        _ => false,
    })
    .await;
    if answered { granted } else { None }
}

/// Publishes and waits for one message on `topic` whose payload length is `len`.
async fn echo(
    client: &mut Client<u32>,
    p: OutPublish,
    step: Duration,
) -> Result<Option<Message>, ()> {
    let (topic, len) = (p.topic.clone(), p.payload.len());
    client.publish(p, 0).map_err(|_| ())?;
    let mut got = None;
    drive(client, Instant::now() + step, |_, seen| match seen {
        Seen::Message(m) if *m.topic == *topic && m.payload.len() == len => {
            got = Some(m);
            true
        }
        _ => false,
    })
    .await;
    Ok(got)
}

async fn versions(opts: &ConnectOptions) -> (Vec<VersionResult>, Option<Limits>) {
    let mut out = Vec::new();
    let mut limits = None;
    for (name, v) in [("3.1.1", ProtocolVersion::V311), ("5", ProtocolVersion::V5)] {
        let mut o = opts.clone();
        o.protocol = v;
        match open(&o).await {
            Ok(mut c) => {
                if v == ProtocolVersion::V5 {
                    let i = c.info();
                    limits = Some(Limits {
                        maximum_qos: i.max_qos,
                        retain_available: i.retain_available,
                        receive_maximum: i.receive_maximum,
                        maximum_packet_size: i.max_packet_size,
                        server_keepalive: i.server_keepalive,
                        assigned_client_id: i.assigned_client_id.clone(),
                        wildcard_available: i.wildcard_available,
                        shared_available: i.shared_available,
                        subscription_ids_available: i.subscription_ids_available,
                        topic_alias_maximum: i.topic_alias_max,
                        session_expiry: i.session_expiry,
                    });
                }
                c.disconnect().await;
                out.push(VersionResult {
                    version: name,
                    accepted: true,
                    error: None,
                });
            }
            Err(e) => out.push(VersionResult {
                version: name,
                accepted: false,
                error: Some(one_line(&e)),
            }),
        }
    }
    (out, limits)
}

async fn round_trips(opts: &ConnectOptions, prefix: &str, step: Duration) -> Vec<RoundTrip> {
    let mut out = Vec::new();
    let Ok(mut c) = open(opts).await else {
        return out;
    };
    let f = format!("{prefix}/rt/#");
    if subscribe(&mut c, &f, 2, step).await != Some(true) {
        c.disconnect().await;
        return out;
    }
    for qos in 0..=2u8 {
        let topic = format!("{prefix}/rt/q{qos}");
        let start = Instant::now();
        let mut sent = 0;
        for i in 0..ROUND_TRIP_MESSAGES {
            if c.publish(publish(&topic, format!("{i}"), qos, false), i)
                .is_ok()
            {
                sent += 1;
            }
        }
        let mut received = 0;
        let mut last = None;
        drive(&mut c, start + step, |_, seen| {
            if let Seen::Message(m) = seen
                && m.topic == topic
            {
                received += 1;
                last = Some(Instant::now());
            }
            received >= sent
        })
        .await;
        out.push(RoundTrip {
            qos,
            sent,
            received,
            millis: last
                .filter(|_| received == sent)
                .map(|l| l.duration_since(start).as_secs_f64() * 1000.0),
        });
    }
    c.disconnect().await;
    out
}

async fn retained(opts: &ConnectOptions, prefix: &str, step: Duration) -> Outcome {
    let topic = format!("{prefix}/retained");
    let Ok(mut c) = open(opts).await else {
        return Outcome::NotTried;
    };
    let mut delivered = false;
    if c.publish(publish(&topic, "r", 1, true), 0).is_ok() {
        delivered = drive(&mut c, Instant::now() + step, |_, seen| {
            matches!(seen, Seen::Other)
        })
        .await;
    }
    let outcome =
        if !delivered {
            Outcome::Refused
        } else {
            match open(opts).await {
                Ok(mut r) => {
                    let mut got = false;
                    if subscribe(&mut r, &topic, 1, step).await == Some(true) {
                        got = drive(&mut r, Instant::now() + step, |_, seen| {
                        matches!(seen, Seen::Message(m) if m.retain && m.topic == topic)
                    })
                    .await;
                    }
                    r.disconnect().await;
                    if got { Outcome::Ok } else { Outcome::TimedOut }
                }
                Err(_) => Outcome::NotTried,
            }
        };
    // Clean up: an empty retained message clears it.
    if c.publish(publish(&topic, Bytes::new(), 1, true), 1).is_ok() {
        drive(&mut c, Instant::now() + step, |_, seen| {
            matches!(seen, Seen::Other)
        })
        .await;
    }
    c.disconnect().await;
    outcome
}

async fn wildcards(opts: &ConnectOptions, prefix: &str, step: Duration) -> (Outcome, Outcome) {
    let Ok(mut c) = open(opts).await else {
        return (Outcome::NotTried, Outcome::NotTried);
    };
    let mut result = [Outcome::Refused, Outcome::Refused];
    for (i, (f, topic)) in [
        (format!("{prefix}/w/+/x"), format!("{prefix}/w/a/x")),
        (format!("{prefix}/h/#"), format!("{prefix}/h/a/b")),
    ]
    .into_iter()
    .enumerate()
    {
        if subscribe(&mut c, &f, 0, step).await != Some(true) {
            continue;
        }
        result[i] = match echo(&mut c, publish(&topic, "w", 0, false), step).await {
            Ok(Some(_)) => Outcome::Ok,
            _ => Outcome::TimedOut,
        };
    }
    c.disconnect().await;
    (result[0], result[1])
}

async fn shared(opts: &ConnectOptions, prefix: &str, step: Duration) -> Outcome {
    let topic = format!("{prefix}/shared");
    let f = format!("$share/mqtk-probe/{topic}");
    let (Ok(mut a), Ok(mut b), Ok(mut p)) = (open(opts).await, open(opts).await, open(opts).await)
    else {
        return Outcome::NotTried;
    };
    let outcome = async {
        for s in [&mut a, &mut b] {
            match subscribe(s, &f, 1, step).await {
                Some(true) => {}
                Some(false) => return Outcome::Refused,
                None => return Outcome::TimedOut,
            }
        }
        for i in 0..SHARED_MESSAGES {
            let _ = p.publish(publish(&topic, format!("{i}"), 1, false), i);
        }
        let mut acked = 0;
        drive(&mut p, Instant::now() + step, |_, seen| {
            acked += u32::from(matches!(seen, Seen::Other));
            acked >= SHARED_MESSAGES
        })
        .await;
        // Both subscribers listen for the same window.
        let until = Instant::now() + step.min(Duration::from_millis(800));
        let (mut na, mut nb) = (0u32, 0u32);
        tokio::join!(
            drive(&mut a, until, |_, seen| {
                na += u32::from(matches!(seen, Seen::Message(_)));
                false
            }),
            drive(&mut b, until, |_, seen| {
                nb += u32::from(matches!(seen, Seen::Message(_)));
                false
            })
        );
        match (na, nb) {
            (0, 0) => Outcome::TimedOut,
            (x, y) if x == SHARED_MESSAGES && y == SHARED_MESSAGES => Outcome::NotShared,
            (x, y) if x + y == SHARED_MESSAGES => Outcome::Ok,
            _ => Outcome::TimedOut,
        }
    }
    .await;
    for c in [&mut a, &mut b, &mut p] {
        c.disconnect().await;
    }
    outcome
}

/// Largest payload delivered back (QoS 1, to itself), by bounded binary search.
async fn largest_payload(
    opts: &ConnectOptions,
    prefix: &str,
    cap: usize,
    step: Duration,
) -> Option<Largest> {
    let topic = format!("{prefix}/size");
    let found = search::largest(1, cap, 24, |n| {
        let (topic, opts) = (topic.clone(), opts.clone());
        async move {
            let Ok(mut c) = open(&opts).await else {
                return false;
            };
            let ok = subscribe(&mut c, &topic, 1, step).await == Some(true)
                && matches!(
                    echo(&mut c, publish(&topic, vec![b'x'; n], 1, false), step).await,
                    Ok(Some(_))
                );
            c.disconnect().await;
            ok
        }
    })
    .await;
    Some(Largest {
        accepted: found.largest,
        at_cap: found.capped,
        trials: found.trials,
    })
}

/// Longest topic delivered back, by bounded binary search.
async fn longest_topic(opts: &ConnectOptions, prefix: &str, step: Duration) -> Option<Largest> {
    let base = format!("{prefix}/t/");
    let Ok(mut c) = open(opts).await else {
        return None;
    };
    if subscribe(&mut c, &format!("{prefix}/t/#"), 0, step).await != Some(true) {
        c.disconnect().await;
        return None;
    }
    c.disconnect().await;
    let found = search::largest(base.len() + 1, 65_535, 20, |n| {
        let (base, opts) = (base.clone(), opts.clone());
        async move {
            let Ok(mut c) = open(&opts).await else {
                return false;
            };
            let topic = format!("{base}{}", "t".repeat(n - base.len()));
            let ok = subscribe(&mut c, &format!("{base}#"), 0, step).await == Some(true)
                && matches!(
                    echo(&mut c, publish(&topic, "t", 0, false), step).await,
                    Ok(Some(_))
                );
            c.disconnect().await;
            ok
        }
    })
    .await;
    Some(Largest {
        accepted: found.largest,
        at_cap: found.capped,
        trials: found.trials,
    })
}

/// Longest client id accepted, by bounded binary search.
async fn longest_client_id(opts: &ConnectOptions) -> Option<Largest> {
    let found = search::largest(1, 65_535, 20, |n| {
        let mut o = opts.clone();
        o.client_id = "i".repeat(n);
        async move {
            match Client::<u32>::connect(o, Setup::default()).await {
                Ok(mut c) => {
                    c.disconnect().await;
                    true
                }
                Err(_) => false,
            }
        }
    })
    .await;
    Some(Largest {
        accepted: found.largest,
        at_cap: found.capped,
        trials: found.trials,
    })
}

async fn exposure(opts: &ConnectOptions, prefix: &str, step: Duration) -> Exposure {
    let mut e = Exposure {
        encrypted: opts.tls.is_some(),
        password_sent: opts.password.is_some(),
        ..Exposure::default()
    };
    let mut anon = opts.clone();
    anon.username = None;
    anon.password = None;
    let Ok(mut c) = open(&anon).await else {
        e.anonymous_connect = Some(false);
        return e;
    };
    e.anonymous_connect = Some(true);
    // `$SYS` readable: anything under it within a step (mosquitto's tree is retained).
    if subscribe(&mut c, "$SYS/#", 0, step).await == Some(true) {
        let got = drive(
            &mut c,
            Instant::now() + step,
            |_, seen| matches!(seen, Seen::Message(m) if m.topic.starts_with("$SYS/")),
        )
        .await;
        e.sys_readable_anonymously = Some(got);
    } else {
        e.sys_readable_anonymously = Some(false);
    }
    c.disconnect().await;
    // `#` granted to an anonymous client (MQTT 3.1.1 brokers may grant and deliver nothing, so
    // a message of the probe's own is looked for too).
    if let Ok(mut c) = open(&anon).await {
        let granted = subscribe(&mut c, "#", 0, step).await == Some(true);
        let seen = granted
            && matches!(
                echo(
                    &mut c,
                    publish(&format!("{prefix}/hash"), "h", 0, false),
                    step
                )
                .await,
                Ok(Some(_))
            );
        e.hash_subscribable_anonymously = Some(seen);
        c.disconnect().await;
    }
    // Publishing to `$SYS/...`: delivered back means accepted.
    if let Ok(mut c) = open(opts).await {
        let topic = format!("$SYS/{}", prefix.replace('/', "-"));
        let accepted = subscribe(&mut c, &topic, 0, step).await == Some(true)
            && matches!(
                echo(&mut c, publish(&topic, "forged", 0, false), step).await,
                Ok(Some(_))
            );
        e.sys_publish_accepted = Some(accepted);
        c.disconnect().await;
    }
    e
}

async fn probe(opts: ConnectOptions, args: &ProbeArgs) -> anyhow::Result<ProbeReport> {
    let step = args.step_timeout;
    let prefix = random_id("mqtk-probe");
    // The flags' own connection first: unreachable or refused ends the probe with its code.
    let mut first = open(&opts).await?;
    first.disconnect().await;
    let (versions, limits) = versions(&opts).await;
    let round_trips = round_trips(&opts, &prefix, step).await;
    let retained = retained(&opts, &prefix, step).await;
    let (wildcard_plus, wildcard_hash) = wildcards(&opts, &prefix, step).await;
    let shared_subscription = shared(&opts, &prefix, step).await;
    let largest_payload = largest_payload(&opts, &prefix, args.max_payload, step).await;
    let longest_topic = longest_topic(&opts, &prefix, step).await;
    let longest_client_id = longest_client_id(&opts).await;
    let exposure = exposure(&opts, &prefix, step).await;
    let findings = findings::findings(&exposure);
    Ok(ProbeReport {
        target: opts.describe_target(),
        topic_prefix: prefix,
        versions,
        limits,
        round_trips,
        retained,
        wildcard_plus,
        wildcard_hash,
        shared_subscription,
        largest_payload,
        longest_topic,
        longest_client_id,
        exposure,
        findings,
    })
}
