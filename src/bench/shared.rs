//! State every client task of a run shares: running totals (sampled for progress and the time
//! series), the stop flag set by a signal, and the measured window fixed at the start barrier.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::time::Instant;

use super::plan::Plan;
use super::stats::{Clock, PerSecond};
use crate::conn::Client;
use crate::error::Signal;

/// Running totals all clients add to; sampled for progress and the time series.
#[derive(Debug, Default)]
pub struct Counters {
    pub sent: AtomicU64,
    pub acked: AtomicU64,
    pub received: AtomicU64,
    pub connected: AtomicU64,
    pub failed: AtomicU64,
    /// Problems and reconnects as they happen, for the report's errors-over-time chart.
    pub errors: AtomicU64,
    pub reconnects: AtomicU64,
}

/// State every client task shares.
pub struct Shared {
    pub plan: Plan,
    pub clock: Clock,
    pub counters: Arc<Counters>,
    /// Set on Ctrl-C / SIGTERM: clients stop at once without waiting for acknowledgements.
    pub abort: AtomicBool,
    /// The signal that set `abort`, if any (0 none, 1 SIGINT, 2 SIGTERM).
    pub signal: AtomicU64,
    /// Latency, duplicates and gaps per second of the run.
    pub seconds: PerSecond,
    /// Descriptors open once every client was connected, plus one (0: not known).
    pub open_files: AtomicU64,
    /// Time and CPU counters at the start barrier: the agent's load is measured from there.
    pub started: std::sync::OnceLock<LoadMark>,
    /// `--control`: the link to the coordinator, whose GO starts the run.
    pub link: Option<super::control::AgentLink>,
    /// This agent's clock offset against the coordinator's, measured from its GO.
    pub clock_offset_s: std::sync::OnceLock<f64>,
}

/// Time and CPU counters at one instant.
#[derive(Clone, Copy, Debug)]
pub struct LoadMark {
    pub at: std::time::Instant,
    pub cpu_s: Option<f64>,
    pub machine: Option<(u64, u64)>,
}

impl LoadMark {
    pub fn now() -> LoadMark {
        LoadMark {
            at: std::time::Instant::now(),
            cpu_s: super::limits::cpu_seconds(),
            machine: super::limits::machine_cpu_ticks(),
        }
    }
}

impl Shared {
    pub fn new(plan: Plan) -> Self {
        Shared {
            plan,
            clock: Clock::new(),
            counters: Arc::default(),
            abort: AtomicBool::new(false),
            signal: AtomicU64::new(0),
            seconds: PerSecond::default(),
            open_files: AtomicU64::new(0),
            started: std::sync::OnceLock::new(),
            link: None,
            clock_offset_s: std::sync::OnceLock::new(),
        }
    }

    /// Records the open descriptors now (all clients connected), for the agent's load figures.
    pub fn note_open_files(&self) {
        if let Some(n) = super::limits::open_files() {
            self.open_files.store(n + 1, Ordering::Relaxed);
        }
    }

    pub fn aborted(&self) -> bool {
        self.abort.load(Ordering::Relaxed)
    }

    pub fn signal(&self) -> Option<Signal> {
        match self.signal.load(Ordering::Relaxed) {
            1 => Some(Signal::Int),
            2 => Some(Signal::Term),
            _ => None,
        }
    }

    pub fn set_signal(&self, s: Signal) {
        self.signal.store(
            match s {
                Signal::Int => 1,
                Signal::Term => 2,
            },
            Ordering::Relaxed,
        );
        self.abort.store(true, Ordering::Relaxed);
    }
}

impl Window {
    /// The second of the run `at` falls in (0 before the start).
    pub fn second(&self, at: Instant) -> usize {
        at.saturating_duration_since(self.start).as_secs() as usize
    }
}

/// The start barrier and the measured window, fixed once every client is connected.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub start: Instant,
    /// Start plus warm-up: events before this are left out of rates and latency.
    pub measure_from: Instant,
}

/// A client of the run, connected and waiting for the start barrier.
pub struct Ready<T> {
    pub index: u32,
    pub client_id: String,
    pub client: Client<T>,
}

/// The run's stop flag as one long-lived future. A client loop waits on it at every turn, and
/// a fresh `changed()` future per turn (a waiter registered, then dropped) cost a batching
/// generator more CPU than the broker spends on a message.
pub struct StopWait {
    wait: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
    fired: bool,
}

impl StopWait {
    pub fn new(stop: &tokio::sync::watch::Receiver<bool>) -> Self {
        let mut stop = stop.clone();
        StopWait {
            wait: Box::pin(async move {
                // A dropped sender ends the run as a stop does.
                let _ = stop.wait_for(|stopped| *stopped).await;
            }),
            fired: false,
        }
    }

    /// Resolves once, when the stop is set; pending after that.
    pub async fn fired(&mut self) {
        if self.fired {
            std::future::pending::<()>().await;
        }
        (&mut self.wait).await;
        self.fired = true;
    }
}
