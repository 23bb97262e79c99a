//! `mqtk pub`: publishes messages and exits only when every QoS 1/2 message is acknowledged. The
//! exit code says whether all were; a lost connection is re-established (per the reconnect
//! policy) and every unacknowledged message re-sent from mqtk's own copy.

use std::collections::VecDeque;
use std::io::Read;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use crate::cli::PubArgs;
use crate::conn::packet::PROTOCOL_MAX_PACKET;
use crate::conn::reconnect::FOREVER;
use crate::conn::{Client, ConnectOptions, Event, OutPublish, Setup, topic};
use crate::error::{Kind, delivery, io_reason, kind_of, usage};
use crate::message::PublishProperties;
use crate::output;
use crate::payload::{LineMap, PayloadOptions, Payloads};
use crate::replay;
use crate::signals::{Signals, interrupted};

/// Stop taking new messages while this much is waiting to be written.
const WRITE_HIGH_WATER: usize = 64 * 1024;
/// At most this much of the last QoS 0 data is written together with the DISCONNECT (whose
/// close is bounded in time); more is written first, as any other data.
const LAST_WRITE_WITH_DISCONNECT: usize = 4 * 1024;

#[inline(never)] // see `cmd::run`
pub fn run(args: PubArgs) -> anyhow::Result<()> {
    let mut opts = crate::cli::connect::connect_options(&args.connect)?;
    if (args.payload.stdin_line || args.repeat == 0) && args.connect.reconnect_attempts.is_none() {
        // A live stream (`tail -f | mqtk pub -l`, `--repeat 0`) must outlive broker restarts.
        opts.reconnect.attempts = FOREVER;
    }
    if let Some(path) = &args.payload.replay {
        let (plan, source) = replay_source(&args, &opts, path)?;
        return super::runtime()?.block_on(publish(opts, plan, source));
    }
    // -t and the topic of an -L URL: the later one wins, as in mosquitto_pub.
    let topic = match (&args.topic, &opts.url_topic) {
        (Some(_), Some(url)) if !args.connect.order.topic_after_url => Some(url.clone()),
        (t, url) => t.clone().or_else(|| url.clone()),
    }
    .ok_or_else(|| usage(super::subscribe::no_topic_hint(&opts)))?;
    topic::validate_topic(&topic).map_err(usage)?;
    let plan = Plan {
        topic: topic.into(),
        qos: args.qos.0,
        retain: args.retain,
        max_inflight: args.max_inflight,
        properties: opts.properties.publish.clone().map(Box::new),
    };
    let source = Source::from_args(&args, &opts.client_id, &plan.topic)?;
    if let Source::Fixed { payload, .. } = &source
        && let Some(len) = payload.fixed_len()
    {
        check_fits_a_packet(len, &plan.topic)?;
    }
    super::runtime()?.block_on(publish(opts, plan, source))
}

/// `--replay FILE`: the whole capture is read and checked before connecting.
fn replay_source(
    args: &PubArgs,
    opts: &ConnectOptions,
    path: &std::path::Path,
) -> anyhow::Result<(Plan, Source)> {
    let r = &args.replay_opts;
    let rewrite = match &r.rewrite_prefix[..] {
        [from, to] => Some(replay::Rewrite {
            from: from.clone(),
            to: to.clone(),
        }),
        _ => None,
    };
    let bad_lines = if r.skip_bad_lines {
        replay::BadLines::Skip
    } else {
        replay::BadLines::Stop
    };
    let mut capture = if path.as_os_str() == "-" {
        replay::read(
            std::io::stdin().lock(),
            "standard input",
            bad_lines,
            rewrite.as_ref(),
        )?
    } else {
        if path.is_dir() {
            return Err(usage(format!(
                "--replay {}: is a directory",
                path.display()
            )));
        }
        let file = std::fs::File::open(path)
            .map_err(|e| usage(format!("--replay {}: {}", path.display(), io_reason(&e))))?;
        let name = path.display().to_string();
        replay::read(
            std::io::BufReader::new(file),
            &name,
            bad_lines,
            rewrite.as_ref(),
        )?
    };
    for w in replay_warnings(&mut capture, opts.protocol.is_v5()) {
        crate::output::warn(opts.quiet, &w);
    }
    let plan = Plan {
        topic: "".into(),
        // The most any message needs: the window and the broker's limits are checked for it.
        qos: capture.messages.iter().map(|m| m.qos).max().unwrap_or(0),
        retain: capture.messages.iter().any(|m| m.retain),
        max_inflight: args.max_inflight,
        properties: opts.properties.publish.clone().map(Box::new),
    };
    let source = Source::Replay {
        queue: capture.messages.into(),
        speed: r.replay_speed,
        start: None,
    };
    Ok((plan, source))
}

/// Skipped lines (each, and a count) and properties MQTT 3.1.1 cannot send (which are then
/// dropped from the messages): never silently.
fn replay_warnings(capture: &mut replay::Capture, v5: bool) -> Vec<String> {
    let mut warnings: Vec<String> = capture
        .skipped
        .iter()
        .map(|(line, reason)| format!("--replay: skipped line {line}: {reason}"))
        .collect();
    if !capture.skipped.is_empty() {
        warnings.push(format!(
            "--replay: skipped {} malformed line(s); replaying {} message(s)",
            capture.skipped.len(),
            capture.messages.len()
        ));
    }
    if !v5 && capture.with_properties > 0 {
        warnings.push(format!(
            "--replay: {} message(s) carry MQTT 5 properties, which MQTT 3.1.1 cannot send: \
             replaying them without (add -V 5 to keep them)",
            capture.with_properties
        ));
        for m in &mut capture.messages {
            m.properties = None;
        }
    }
    warnings
}

/// What every message of this run shares.
struct Plan {
    topic: std::sync::Arc<str>,
    qos: u8,
    retain: bool,
    max_inflight: u16,
    properties: Option<Box<PublishProperties>>,
}

impl Plan {
    fn message(&self, payload: Bytes) -> OutPublish {
        OutPublish {
            topic: self.topic.clone(),
            payload,
            qos: self.qos,
            retain: self.retain,
            dup: false,
            pkid: 0,
            properties: self.properties.clone(),
        }
    }
}

/// MQTT's largest packet (a remaining length of 268,435,455 bytes, 256 MiB) must hold the topic
/// and the payload: mosquitto_pub refuses a larger file before connecting too.
fn check_fits_a_packet(payload: usize, topic: &str) -> anyhow::Result<()> {
    // Remaining length minus the topic's length prefix, the packet identifier and, for MQTT 5, a
    // few bytes of property length: the exact margin depends on the properties, which the
    // writer checks again.
    let room = PROTOCOL_MAX_PACKET - 5 - 2 - topic.len() - 2 - 4;
    if payload > room {
        return Err(usage(format!(
            "a payload of {payload} bytes does not fit in an MQTT packet (at most {room} bytes \
             with this topic)"
        )));
    }
    Ok(())
}

/// Where payloads come from.
enum Source {
    /// `-m`, `-f`, `-s`, `-n`, sent `remaining` times, `delay` apart (from the previous
    /// message's delivery, as mosquitto_pub's --repeat-delay).
    Fixed {
        payload: Payloads,
        remaining: u64,
        /// `--repeat 0` (`remaining` then starts at `u64::MAX`).
        endless: bool,
        delay: Option<Duration>,
        /// When the next message may go; `None` while the previous one is being delivered.
        ready_at: Option<Instant>,
    },
    /// `--replay`: recorded messages, as fast as possible or at `speed` times the recorded pace.
    Replay {
        queue: VecDeque<replay::Recorded>,
        speed: Option<f64>,
        /// When the first message went (the recorded offsets count from it).
        start: Option<Instant>,
    },
    /// `-l`: lines streamed from standard input by a reader thread.
    Lines {
        rx: mpsc::Receiver<Result<Vec<Bytes>, String>>,
        batch: VecDeque<Bytes>,
        done: bool,
        /// Raw lines, lines that are templates, or lines filling a template's `{{line}}`.
        map: LineMap,
    },
}

enum Next {
    Message(Bytes),
    /// A whole message (`--replay`): topic, QoS, retain and properties of its own.
    Publish(OutPublish),
    NotYet,
    Exhausted,
}

impl Source {
    fn from_args(args: &PubArgs, client_id: &str, topic: &str) -> anyhow::Result<Source> {
        let p = &args.payload;
        let t = &args.template;
        let payload_opts = PayloadOptions {
            template: t.template,
            seed: t.seed,
            check_json: t.check_json,
        };
        // --repeat 0 is "until interrupted": more messages than any run can send.
        let repeat = if args.repeat == 0 {
            u64::MAX
        } else {
            args.repeat
        };
        let (payload, what) = if let Some(m) = &p.message {
            (Bytes::from(m.clone().into_bytes()), "-m")
        } else if let Some(path) = &p.file {
            if path.is_dir() {
                return Err(usage(format!(
                    "-f {}: is a directory, not a file",
                    path.display()
                )));
            }
            let data = std::fs::read(path)
                .map_err(|e| usage(format!("-f {}: {}", path.display(), io_reason(&e))))?;
            (Bytes::from(data), "-f")
        } else if p.stdin_file {
            let mut data = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut data)
                .map_err(|e| anyhow::anyhow!("reading standard input: {}", io_reason(&e)))?;
            (Bytes::from(data), "-s")
        } else if p.stdin_line {
            if args.repeat != 1 {
                return Err(usage("--repeat cannot be used with -l"));
            }
            return Ok(Source::lines(LineMap::lines(
                payload_opts,
                client_id,
                topic,
            )));
        } else {
            (Bytes::new(), "-n")
        };
        let payload =
            match Payloads::new(payload, what, payload_opts, client_id, topic)?.into_line_map() {
                Ok(map) => {
                    // A {{line}} template: one message per line of standard input.
                    if p.stdin_file || args.repeat != 1 {
                        return Err(usage(
                            "a {{line}} template sends one message per input line: it cannot be \
                         used with -s or --repeat",
                        ));
                    }
                    return Ok(Source::lines(map));
                }
                Err(payloads) => payloads,
            };
        Ok(Source::Fixed {
            payload,
            remaining: repeat,
            endless: args.repeat == 0,
            delay: args.repeat_delay,
            ready_at: Some(Instant::now()),
        })
    }

    fn try_next(&mut self) -> anyhow::Result<Next> {
        match self {
            Source::Fixed {
                payload,
                remaining,
                delay,
                ready_at,
                ..
            } => {
                if *remaining == 0 {
                    return Ok(Next::Exhausted);
                }
                match ready_at {
                    Some(t) if *t <= Instant::now() => {
                        *remaining -= 1;
                        if delay.is_some() {
                            *ready_at = None;
                        }
                        Ok(Next::Message(payload.next_payload()?))
                    }
                    _ => Ok(Next::NotYet),
                }
            }
            Source::Replay {
                queue,
                speed,
                start,
            } => {
                let Some(front) = queue.front() else {
                    return Ok(Next::Exhausted);
                };
                let start = *start.get_or_insert_with(Instant::now);
                if let Some(speed) = speed
                    && start + replay::due(front.offset, *speed) > Instant::now()
                {
                    return Ok(Next::NotYet);
                }
                let Some(r) = queue.pop_front() else {
                    return Ok(Next::Exhausted);
                };
                Ok(Next::Publish(OutPublish {
                    topic: r.topic.into(),
                    payload: r.payload,
                    qos: r.qos,
                    retain: r.retain,
                    dup: false,
                    pkid: 0,
                    properties: r.properties.map(Box::new),
                }))
            }
            Source::Lines {
                rx,
                batch,
                done,
                map,
            } => loop {
                if let Some(line) = batch.pop_front() {
                    return Ok(Next::Message(map.map(line)?));
                }
                if *done {
                    return Ok(Next::Exhausted);
                }
                match rx.try_recv() {
                    Ok(Ok(lines)) => batch.extend(lines),
                    Ok(Err(e)) => anyhow::bail!("reading standard input: {e}"),
                    Err(mpsc::error::TryRecvError::Empty) => return Ok(Next::NotYet),
                    Err(mpsc::error::TryRecvError::Disconnected) => *done = true,
                }
            },
        }
    }

    /// `--repeat 0`: only a signal ends it.
    fn is_endless(&self) -> bool {
        matches!(self, Source::Fixed { endless: true, .. })
    }

    fn lines(map: LineMap) -> Source {
        Source::Lines {
            rx: spawn_line_reader(),
            batch: VecDeque::new(),
            done: false,
            map,
        }
    }

    /// Waits until [`try_next`](Self::try_next) may have something new. Cancel-safe.
    async fn wait(&mut self) -> anyhow::Result<()> {
        match self {
            Source::Fixed { ready_at, .. } => match ready_at {
                Some(t) => {
                    sleep_until(*t).await;
                    Ok(())
                }
                None => std::future::pending().await,
            },
            Source::Replay {
                queue,
                speed: Some(speed),
                start: Some(start),
            } => match queue.front() {
                Some(front) => {
                    sleep_until(*start + replay::due(front.offset, *speed)).await;
                    Ok(())
                }
                None => std::future::pending().await,
            },
            Source::Replay { .. } => std::future::pending().await,
            Source::Lines {
                rx, batch, done, ..
            } => {
                match rx.recv().await {
                    Some(Ok(lines)) => batch.extend(lines),
                    Some(Err(e)) => anyhow::bail!("reading standard input: {e}"),
                    None => *done = true,
                }
                Ok(())
            }
        }
    }

    /// Called whenever nothing is in flight: starts the --repeat-delay clock.
    fn previous_delivered(&mut self) {
        if let Source::Fixed {
            delay: Some(d),
            ready_at,
            ..
        } = self
            && ready_at.is_none()
        {
            *ready_at = Some(Instant::now() + *d);
        }
    }
}

/// Reads standard input on a thread of its own, in large chunks, and hands over batches of lines
/// (each a slice of the chunk, without its newline). The bounded channel keeps memory bounded
/// however long the input is; a batch goes out as soon as the data read so far is used up, so
/// interactive input is sent line by line.
fn spawn_line_reader() -> mpsc::Receiver<Result<Vec<Bytes>, String>> {
    let (tx, rx) = mpsc::channel(16);
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = BytesMut::with_capacity(64 * 1024);
        loop {
            let mut lines = Vec::new();
            while let Some(pos) = buf.iter().position(|&b| b == b'\n') {
                let mut line = buf.split_to(pos + 1);
                line.truncate(pos);
                lines.push(line.freeze());
            }
            if !lines.is_empty() && tx.blocking_send(Ok(lines)).is_err() {
                return;
            }
            let start = buf.len();
            buf.resize(start + 64 * 1024, 0);
            let n = loop {
                match stdin.read(&mut buf[start..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        let _ = tx.blocking_send(Err(io_reason(&e)));
                        return;
                    }
                }
            };
            buf.truncate(start + n);
            if n == 0 {
                // A last line without a newline is still a message.
                if !buf.is_empty() {
                    let _ = tx.blocking_send(Ok(vec![buf.split().freeze()]));
                }
                return;
            }
        }
    });
    rx
}

/// Counts for the final verdict.
#[derive(Default)]
struct Tally {
    refused: u64,
    first_refusal: Option<String>,
}

async fn publish(opts: ConnectOptions, plan: Plan, mut source: Source) -> anyhow::Result<()> {
    let mut signals = Signals::new()?;
    let setup = Setup {
        max_inflight: plan.max_inflight,
        publishes: Some((plan.qos, plan.retain)),
    };
    let mut client: Client = signals
        .or_interrupt(Client::connect(opts, setup), || {
            "not connected; nothing sent".into()
        })
        .await?;
    let mut tally = Tally::default();
    let mut exhausted = false;

    loop {
        // What arrived with the last read (or with CONNACK) comes first.
        while let Some(event) = client.next_event()? {
            match event {
                Event::Refused { text, .. } => {
                    tally.refused += 1;
                    tally.first_refusal.get_or_insert(text);
                }
                // A persistent session may hold messages for this client id: acknowledge them
                // so the broker does not resend them forever.
                Event::Message(m) => client.ack(&m)?,
                Event::Link(link) => output::link(client.options(), &link),
                Event::Delivered(()) | Event::Subscribed { .. } | Event::Unsubscribed => {}
            }
        }
        let has_room = |c: &Client| {
            c.ready() && c.buffered() < WRITE_HIGH_WATER && (plan.qos == 0 || c.room() > 0)
        };
        // Queue as much as the window and the write buffer allow.
        while !exhausted && has_room(&client) {
            match source.try_next()? {
                Next::Message(payload) => client.publish(plan.message(payload), ())?,
                Next::Publish(msg) => client.publish(msg, ())?,
                Next::NotYet => break,
                Next::Exhausted => exhausted = true,
            }
        }
        // Everything taken and acknowledged: the last QoS 0 messages still buffered (a one-shot
        // `-m`) go out with the DISCONNECT, in one write.
        if exhausted
            && client.ready()
            && client.in_flight() == 0
            && client.buffered() <= LAST_WRITE_WITH_DISCONNECT
        {
            break;
        }
        if client.ready() && client.in_flight() == 0 && client.buffered() == 0 {
            source.previous_delivered();
        }

        let can_take = !exhausted && has_room(&client);
        tokio::select! {
            r = client.io() => {
                if let Err(e) = r {
                    return Err(not_delivered(e, client.in_flight(), exhausted));
                }
            }
            r = source.wait(), if can_take => r?,
            sig = signals.recv() => {
                let what = if client.ready() {
                    format!("{} message(s) not acknowledged", client.in_flight())
                } else {
                    format!("{} message(s) not acknowledged (while reconnecting)", client.in_flight())
                };
                // A deliberate stop: disconnect cleanly so the broker does not send the will.
                client.disconnect().await;
                if source.is_endless() && client.in_flight() == 0 {
                    // The normal way to stop `--repeat 0`, with nothing left unacknowledged.
                    return Ok(());
                }
                return Err(interrupted(sig, what));
            }
        }
    }

    client.disconnect().await;
    if tally.refused > 0 {
        return Err(delivery(format!(
            "the broker refused {} message(s): {}",
            tally.refused,
            tally.first_refusal.unwrap_or_default()
        )));
    }
    Ok(())
}

/// The connection is over for good: whatever the cause (refused on reconnect, unreachable), what
/// was published and not acknowledged makes it a delivery failure (exit 6), with the counts.
fn not_delivered(e: anyhow::Error, unacked: usize, exhausted: bool) -> anyhow::Error {
    match kind_of(&e) {
        Some(Kind::Unreachable | Kind::Refused(_)) => {
            let unsent = if exhausted {
                ""
            } else {
                ", and the rest of the input not sent"
            };
            delivery(format!(
                "{e:#}; {unacked} message(s) not acknowledged{unsent}"
            ))
        }
        _ => e,
    }
}
