//! One bench publisher: builds its messages (bench header, payload cut from one zeroed block)
//! inside its write loop, at full speed or on a fixed schedule, and queues them on its client in
//! batches of up to 64 KiB (big writes cost the broker fewer wake-ups). Acknowledgements come back
//! from the engine with each message's send time, for publish-to-ack latency.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::BytesMut;
use tokio::sync::watch;
use tokio::time::Instant;

use super::header::{HEADER_LEN, Header};
use super::outcome::{ClientOutcome, Problem};
use super::pacer::Pacer;
use super::plan::Role;
use super::shared::{Ready, Shared, StopWait, Window};
use crate::conn::{Event, Link, OutPublish};

/// Bytes a publisher queues before writing.
const WRITE_BATCH: usize = 64 * 1024;

/// Runs one publisher until its messages are sent and acknowledged, its time is up or the run is
/// aborted.
pub async fn run(
    shared: Arc<Shared>,
    window: Window,
    ready: Ready<u64>,
    stop: watch::Receiver<bool>,
) -> ClientOutcome {
    let Ready {
        index,
        client_id,
        mut client,
        ..
    } = ready;
    let plan = &shared.plan;
    let mut out = ClientOutcome::new(Role::Pub, index, client_id);
    out.live = Some(Arc::clone(&shared.counters));
    let topic: std::sync::Arc<str> = plan.topic_for(index).into();
    let qos = plan.qos;
    let limit = plan.messages.unwrap_or(u64::MAX);
    let deadline = plan.duration.map(|d| window.start + d);
    let interval = (plan.rate > 0.0).then(|| 1.0 / plan.rate);
    let mut seq: u64 = 0;
    let mut chunk = BytesMut::new();
    // `--payload-template`: parsed again here for this publisher's client id and topic (the plan
    // checked it already).
    let mut bodies = match plan
        .payload_template
        .as_ref()
        .map(|text| super::body::parse(text, &out.client_id, &topic))
    {
        Some(Ok(template)) => Some(super::body::Bodies::new(template, plan.size)),
        Some(Err(e)) => {
            out.problem(Problem::from_error(&e));
            return out;
        }
        None => None,
    };
    let mut pacer = Pacer::new();
    let publisher = plan.publisher_offset.saturating_add(index);
    // Announced in every header, so a subscriber elsewhere can count a missing tail.
    let total = plan
        .messages
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0);
    let mut done_sending_at: Option<Instant> = None;
    let mut stopped = StopWait::new(&stop);
    let measure_from_ns = shared.clock.epoch_ns(window.measure_from);

    'run: loop {
        // Acknowledgements already read. They came in one read, so they share one arrival time:
        // a clock read per acknowledgement was a visible share of the CPU per message.
        let mut acked_now = 0u64;
        let mut read_at = None;
        loop {
            match client.next_event() {
                Ok(Some(event)) => match event {
                    Event::Delivered(sent_ns) => {
                        acked_now += 1;
                        let at = *read_at.get_or_insert_with(|| {
                            let now = Instant::now();
                            (now, shared.clock.epoch_ns(now))
                        });
                        out.acked(&window, measure_from_ns, at, sent_ns);
                    }
                    Event::Refused { reason, .. } => out.problem(Problem::PublishRefused(reason)),
                    Event::Message(m) => {
                        // A persistent session may hold messages for this client id.
                        if let Err(e) = client.ack(&m) {
                            out.problem(Problem::from_error(&e));
                            break 'run;
                        }
                    }
                    Event::Link(Link::Restored { .. }) => out.reconnected(),
                    Event::Link(Link::Lost { why }) => out.link_lost(why),
                    Event::Link(_) | Event::Subscribed { .. } | Event::Unsubscribed => {}
                },
                Ok(None) => break,
                Err(e) => {
                    out.problem(Problem::from_error(&e));
                    break 'run;
                }
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
            if client.in_flight() == 0 && client.buffered() == 0 {
                break;
            }
            if now >= at + plan.drain {
                out.problems_add(Problem::NotAcknowledged, client.in_flight() as u64);
                break;
            }
        }

        // How many messages may go now.
        let mut can = if sending_done || !client.ready() {
            0
        } else {
            limit - seq
        };
        if qos > 0 {
            can = can.min(client.room() as u64);
        }
        let mut next_due = None;
        if let Some(iv) = interval {
            let due = ((now - window.start).as_secs_f64() / iv) as u64 + 1;
            can = can.min(due.saturating_sub(seq));
            next_due = Some(window.start + Duration::from_secs_f64(seq.max(due) as f64 * iv));
        }
        let mut sent_now = 0u64;
        // At full speed a batch goes out in one write: its messages share one send time.
        let mut batch_ns = None;
        while can > 0 && client.buffered() < WRITE_BATCH {
            let sent_ns = match interval {
                // Fixed rate: latency runs from when the message should have gone out, so a
                // stalled broker shows in the percentiles (coordinated omission).
                Some(iv) => shared
                    .clock
                    .epoch_ns(window.start + Duration::from_secs_f64(seq as f64 * iv)),
                None => *batch_ns.get_or_insert_with(|| shared.clock.now_ns()),
            };
            let header = Header {
                run: plan.run_id,
                publisher,
                seq,
                sent_ns,
                total,
            };
            if interval.is_some() {
                // How late the generator itself is: charged to it, not to the broker.
                out.lag
                    .record_ns(shared.clock.now_ns().saturating_sub(sent_ns));
            }
            let payload = if let Some(bodies) = &mut bodies {
                bodies.payload(header)
            } else {
                if chunk.len() < plan.size {
                    // Payloads are cut from one zeroed block: one allocation for many messages.
                    let per_block = (1024 * 1024 / plan.size).clamp(1, 64);
                    chunk = BytesMut::zeroed(plan.size * per_block);
                }
                header.write(&mut chunk[..HEADER_LEN]);
                chunk.split_to(plan.size).freeze()
            };
            let publish = OutPublish {
                topic: topic.clone(),
                payload,
                qos,
                retain: plan.retain,
                ..OutPublish::default()
            };
            if let Err(e) = client.publish(publish, sent_ns) {
                out.problem(Problem::from_error(&e));
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

        // Write while reading, so acknowledgements keep flowing and a dead broker is noticed;
        // with nothing to write, also wake for the next due time, the end or a stop. A timer
        // only when there is an end to wake for: arming and dropping one per batch was a
        // visible share of the CPU per message.
        // No yield before writing: a yield makes the runtime poll the network again mid-turn,
        // so a client would take what the broker has sent meanwhile in small batches, each with
        // its own reads and writes (3× the system calls per message at QoS 1).
        let idle = client.buffered() == 0;
        let wake = [deadline, done_sending_at.map(|t| t + plan.drain)]
            .into_iter()
            .flatten()
            .min();
        let due = next_due.filter(|_| idle && !sending_done);
        let far = || Instant::now() + Duration::from_secs(3600);
        tokio::select! {
            biased;
            _ = stopped.fired() => {}
            r = client.io() => {
                if let Err(e) = r {
                    out.problem(Problem::from_error(&e));
                    break;
                }
            }
            _ = pacer.wait_until(due.unwrap_or_else(far)), if due.is_some() => {}
            _ = tokio::time::sleep_until(wake.unwrap_or_else(far)), if idle && wake.is_some() => {}
        }
    }
    if !shared.aborted() {
        client.disconnect().await;
    }
    out
}
