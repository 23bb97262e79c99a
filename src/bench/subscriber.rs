//! One bench subscriber: subscribes, reports when the subscription is acknowledged (the start
//! barrier waits for every subscriber), then classifies every message: counted with its header
//! (loss, duplicates, order, end-to-end latency), retained from before the run, queued for a
//! resumed session before the run started, or foreign. Every QoS 1/2 message is acknowledged,
//! whatever it is, so a broker's window never fills with messages mqtk ignored.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::{oneshot, watch};
use tokio::time::Instant;

use super::header::Header;
use super::outcome::{ClientOutcome, Problem};
use super::plan::Role;
use super::shared::{Ready, Shared, StopWait, Window};
use super::stats::{Arrival, SecondTally};
use crate::cli::bench::BenchMode;
use crate::conn::{Event, Link, SubscribeFilter};
use crate::error;

/// How long to wait for a SUBACK.
const SUBACK_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs one subscriber until told to stop (or, for `bench sub`, until its count or time is up).
/// `subscribed` gets the outcome of the subscription; `start` the measured window once every
/// client is ready.
pub async fn run(
    shared: Arc<Shared>,
    ready: Ready<()>,
    subscribed: oneshot::Sender<anyhow::Result<()>>,
    mut start: watch::Receiver<Option<Window>>,
    stop: watch::Receiver<bool>,
) -> ClientOutcome {
    let Ready {
        index,
        client_id,
        mut client,
        ..
    } = ready;
    let plan = &shared.plan;
    let mut out = ClientOutcome::new(Role::Sub, index, client_id);
    out.live = Some(Arc::clone(&shared.counters));
    let filter = plan.filter_for(index);
    let own_limit = if plan.mode == BenchMode::Sub {
        plan.messages
    } else {
        None
    };
    let mut subscribed = Some(subscribed);
    let suback_by = Instant::now() + SUBACK_TIMEOUT;
    let request = vec![SubscribeFilter {
        filter: filter.clone(),
        qos: plan.qos,
        ..Default::default()
    }];
    if let Err(e) = client.subscribe(request, None) {
        if let Some(tx) = subscribed.take() {
            let _ = tx.send(Err(e));
        }
        return out;
    }
    let mut window: Option<Window> = None;
    let mut stopped = StopWait::new(&stop);
    let mut tally = SecondTally::default();
    let mut measure_from_ns = 0;

    'run: loop {
        if *stop.borrow() || shared.aborted() {
            break;
        }
        if window.is_none()
            && let Some(w) = *start.borrow()
        {
            window = Some(w);
            measure_from_ns = shared.clock.epoch_ns(w.measure_from);
        }
        let mut received_now = 0u64;
        // Messages decoded in one pass came in one read: one clock read for all of them.
        let mut read_at = None;
        loop {
            let event = match client.next_event() {
                Ok(Some(e)) => e,
                Ok(None) => break,
                Err(e) => {
                    fail_subscription(&mut subscribed, &e);
                    out.problem(Problem::from_error(&e));
                    break 'run;
                }
            };
            match event {
                Event::Message(m) => {
                    if let Err(e) = client.ack(&m) {
                        out.problem(Problem::from_error(&e));
                        break 'run;
                    }
                    let Some(w) = window else {
                        // A resumed session's queue, delivered before the run started.
                        out.before_start += 1;
                        continue;
                    };
                    if m.retain {
                        // Retained before this run: not part of the measurement.
                        out.stale_retained += 1;
                        continue;
                    }
                    let header = Header::read(&m.payload);
                    if plan.mode == BenchMode::Pubsub {
                        // Only this run's streams count: an earlier run's message a resumed
                        // session still held, another process's, or one without a header is
                        // acknowledged and set apart.
                        match header {
                            None => {
                                out.foreign += 1;
                                continue;
                            }
                            Some(h) if h.run != plan.run_id => {
                                out.other_run += 1;
                                continue;
                            }
                            Some(_) => {}
                        }
                    }
                    let (now, now_ns, now_second) = *read_at.get_or_insert_with(|| {
                        let now = Instant::now();
                        (now, shared.clock.epoch_ns(now), w.second(now))
                    });
                    out.received += 1;
                    received_now += 1;
                    out.event(now, &w);
                    let second = tally.at(now_second, &shared.seconds);
                    match header {
                        Some(h) => {
                            let highest = out.seq.get(h.stream()).and_then(|t| t.highest());
                            let arrival = out.seq.observe(h.stream(), h.seq, h.total);
                            match arrival {
                                Some(Arrival::Duplicate) => second.duplicates += 1,
                                Some(Arrival::InOrder) => {
                                    let expected = highest.map_or(0, |x| x.saturating_add(1));
                                    second.gaps += h.seq.saturating_sub(expected);
                                }
                                _ => {}
                            }
                            if arrival != Some(Arrival::Duplicate) && h.sent_ns >= measure_from_ns {
                                let ns = now_ns.saturating_sub(h.sent_ns);
                                out.latency.record_ns(ns);
                                second.latency.record_ns(ns);
                            }
                        }
                        None => out.foreign += 1,
                    }
                }
                Event::Subscribed { codes, .. } => {
                    let refused = codes.iter().find(|&&c| c >= 0x80);
                    if let Some(tx) = subscribed.take() {
                        let r = match refused {
                            None => Ok(()),
                            Some(c) => Err(error::delivery(format!(
                                "the broker refused the subscription to '{filter}' (code {c})"
                            ))),
                        };
                        let _ = tx.send(r);
                    } else if let Some(&c) = refused {
                        out.problem(Problem::SubscriptionRefused(c));
                        break 'run;
                    }
                }
                Event::Link(Link::Restored { .. }) => out.reconnected(),
                Event::Link(Link::Lost { why }) => out.link_lost(why),
                Event::Link(_)
                | Event::Unsubscribed
                | Event::Delivered(())
                | Event::Refused { .. } => {}
            }
        }
        if received_now > 0 {
            shared
                .counters
                .received
                .fetch_add(received_now, Ordering::Relaxed);
        }
        if own_limit.is_some_and(|l| out.received >= l) {
            break;
        }
        if subscribed.is_some() && Instant::now() >= suback_by {
            fail_subscription(
                &mut subscribed,
                &error::delivery(format!(
                    "no SUBACK for '{filter}' within {SUBACK_TIMEOUT:?}"
                )),
            );
            break;
        }
        if plan.sub_rate > 0.0
            && let Some(w) = window
        {
            // A slow consumer: leave the rest in the socket until this many would have been read.
            let due = w.start + Duration::from_secs_f64(out.received as f64 / plan.sub_rate);
            tokio::select! {
                _ = tokio::time::sleep_until(due) => {}
                _ = stopped.fired() => break,
            }
        }
        tokio::select! {
            biased;
            _ = stopped.fired() => break,
            r = client.io() => {
                if let Err(e) = r {
                    fail_subscription(&mut subscribed, &e);
                    out.problem(Problem::from_error(&e));
                    break;
                }
            }
            _ = start.changed(), if window.is_none() => {}
            _ = tokio::time::sleep_until(suback_by), if subscribed.is_some() => {}
        }
    }
    tally.flush(&shared.seconds);
    if !shared.aborted() {
        client.disconnect().await;
    }
    out
}

/// The subscription could not be made: the start barrier hears why.
fn fail_subscription(
    subscribed: &mut Option<oneshot::Sender<anyhow::Result<()>>>,
    e: &anyhow::Error,
) {
    if let Some(tx) = subscribed.take() {
        let text = error::one_line(e);
        let copy = match error::kind_of(e) {
            Some(kind) => error::Failure::new(kind, text).into(),
            None => anyhow::anyhow!(text),
        };
        let _ = tx.send(Err(copy));
    }
}
