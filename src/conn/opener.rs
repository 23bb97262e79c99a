//! Opens many connections: at a given rate, with a bounded number of handshakes in progress at
//! once (so the broker's listen backlog does not overflow), each in a task of its own that goes
//! on with the connection once it is open.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::options::ConnectOptions;
use super::session::{Session, connect};

/// Handshakes in progress at once when no connect rate is given.
pub const CONNECT_CONCURRENCY: usize = 256;

/// How to pace the opening.
#[derive(Clone, Copy, Debug)]
pub struct Pacing {
    /// Connections started per second; 0 for as fast as the concurrency allows.
    pub rate: f64,
    pub concurrency: usize,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            rate: 0.0,
            concurrency: CONNECT_CONCURRENCY,
        }
    }
}

/// A connection attempt's outcome, handed to the task that goes on with it.
pub struct Opened {
    pub index: u32,
    pub opts: ConnectOptions,
    pub session: anyhow::Result<Session>,
    /// How long the handshake took.
    pub took: Duration,
}

/// Starts `count` connections, the i-th with `options(i)`, paced by `pacing`; each continues in
/// its own task as `then(opened)`. Stops starting new ones once `keep_going` says no. Returns
/// the task handles, in index order, once every connection has been started. Each task drops
/// its copy of `then` once it has made its future, so what `then` holds (e.g. a channel sender)
/// lives no longer than needed.
pub async fn open_many<R, Fut, F>(
    count: u32,
    pacing: Pacing,
    options: impl Fn(u32) -> ConnectOptions,
    keep_going: impl Fn() -> bool,
    then: F,
) -> Vec<JoinHandle<R>>
where
    F: Fn(Opened) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: Send + 'static,
{
    let sem = Arc::new(Semaphore::new(pacing.concurrency.max(1)));
    let began = Instant::now();
    let mut handles = Vec::with_capacity(count as usize);
    for index in 0..count {
        if !keep_going() {
            break;
        }
        if pacing.rate > 0.0 {
            let at = began + Duration::from_secs_f64(f64::from(index) / pacing.rate);
            tokio::time::sleep_until(at).await;
        }
        let Ok(permit) = Arc::clone(&sem).acquire_owned().await else {
            break;
        };
        let opts = options(index);
        let then = then.clone();
        handles.push(tokio::spawn(async move {
            let t0 = Instant::now();
            // Boxed: the handshake state (TLS, WebSocket) is large and must not stay in every
            // task that goes on holding its connection.
            let session = Box::pin(connect(&opts)).await;
            let took = t0.elapsed();
            drop(permit);
            let next = then(Opened {
                index,
                opts,
                session,
                took,
            });
            drop(then);
            next.await
        }));
    }
    handles
}
