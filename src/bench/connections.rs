//! `bench conn`: opens connections at the plan's rate and holds each (keepalive served by the
//! client engine) until the run stops; each reports its connect outcome as soon as it is known.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::plan::Role;
use super::shared::Shared;
use crate::conn::opener::{self, Pacing};
use crate::conn::{Client, ConnectOptions, Setup};
use crate::error;

/// One held connection's outcome.
pub struct Held {
    pub took: Option<Duration>,
    pub failure: Option<String>,
    pub lost: bool,
}

/// Options for client `index` of `role`, the `n`-th over all roles (for source addresses).
pub fn client_options(
    base: &ConnectOptions,
    shared: &Shared,
    role: Role,
    index: u32,
    n: u64,
) -> ConnectOptions {
    let mut o = base.clone();
    o.client_id = shared.plan.client_id(role, index);
    if let Some(a) = shared.plan.source_for(n) {
        o.bind = Some(a);
    }
    o
}

/// A short, stable name for why a connection failed (for grouping failures).
pub fn failure_reason(err: &anyhow::Error) -> String {
    match error::kind_of(err) {
        Some(error::Kind::Refused(code)) => format!("refused with code {code}"),
        _ => {
            let text = error::one_line(err);
            // "cannot connect to host:port: reason" -> "reason"
            text.rsplit(": ").next().unwrap_or(&text).to_string()
        }
    }
}

/// Opens the plan's connections and holds each until `stop`; each reports its connect outcome
/// on `opened` as soon as it is known.
pub fn spawn_held(
    shared: &Arc<Shared>,
    base: &ConnectOptions,
    stop: &watch::Receiver<bool>,
    opened: mpsc::UnboundedSender<Result<Duration, String>>,
) -> JoinHandle<Vec<JoinHandle<Held>>> {
    let shared = Arc::clone(shared);
    let mut base = base.clone();
    // A held connection that drops is counted as lost, not re-opened.
    base.reconnect.attempts = 0;
    let stop = stop.clone();
    tokio::spawn(async move {
        let pacing = Pacing {
            rate: shared.plan.connect_rate,
            ..Pacing::default()
        };
        let count = shared.plan.connections;
        let options = {
            let shared = Arc::clone(&shared);
            move |i| client_options(&base, &shared, Role::Conn, i, u64::from(i))
        };
        let keep_going = {
            let shared = Arc::clone(&shared);
            move || !shared.aborted()
        };
        let then = move |o: opener::Opened| {
            let shared = Arc::clone(&shared);
            let opened = opened.clone();
            let stop = stop.clone();
            // Boxed, so the task's future keeps a pointer, not a second copy of the options and
            // session next to the client made from them (idle connections are counted in KB).
            hold(shared, Box::new(o), opened, stop)
        };
        opener::open_many(count, pacing, options, keep_going, then).await
    })
}

/// Takes the value out of its box and frees the box (see `hold`).
#[allow(clippy::boxed_local)]
fn unbox<T>(b: Box<T>) -> T {
    *b
}

async fn hold(
    shared: Arc<Shared>,
    o: Box<opener::Opened>,
    opened: mpsc::UnboundedSender<Result<Duration, String>>,
    mut stop: watch::Receiver<bool>,
) -> Held {
    // Moved out through a function, so the box is freed now: an async fn keeps its arguments
    // (and a box moved out of in its body) until it returns.
    let opener::Opened {
        opts,
        session,
        took,
        ..
    } = unbox(o);
    let session = match session {
        Ok(s) => s,
        Err(e) => {
            let reason = failure_reason(&e);
            shared.counters.failed.fetch_add(1, Ordering::Relaxed);
            let _ = opened.send(Err(reason.clone()));
            return Held {
                took: None,
                failure: Some(reason),
                lost: false,
            };
        }
    };
    let mut client: Client = match Client::with_session(opts, Setup::default(), session) {
        Ok(c) => c,
        Err(e) => {
            let reason = failure_reason(&e);
            let _ = opened.send(Err(reason.clone()));
            return Held {
                took: None,
                failure: Some(reason),
                lost: false,
            };
        }
    };
    shared.counters.connected.fetch_add(1, Ordering::Relaxed);
    let _ = opened.send(Ok(took));
    drop(opened);
    let mut lost = false;
    while !*stop.borrow() {
        // Nothing is subscribed: whatever arrives (a session's queue) is acknowledged.
        while let Ok(Some(event)) = client.next_event() {
            if let crate::conn::Event::Message(m) = event {
                let _ = client.ack(&m);
            }
        }
        tokio::select! {
            _ = stop.changed() => break,
            r = client.io() => if r.is_err() {
                lost = true;
                break;
            },
        }
    }
    if !lost && !shared.aborted() {
        // Boxed: the closing handshake's state (the session moved out, its bounded wait) is
        // larger than everything else the task keeps while it holds the connection.
        Box::pin(client.disconnect()).await;
    }
    Held {
        took: Some(took),
        failure: None,
        lost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_reasons_group_by_cause() {
        let refused: anyhow::Error = error::Failure::new(
            error::Kind::Refused(5),
            "x refused the connection: not authorised",
        )
        .into();
        assert_eq!(failure_reason(&refused), "refused with code 5");
        let io = error::unreachable("cannot connect to mqtt://localhost:1: connection refused");
        assert_eq!(failure_reason(&io), "connection refused");
    }
}
