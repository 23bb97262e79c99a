//! `--broker-sys`: the broker's own account of the run, from its `$SYS` tree (clients, heap,
//! dropped messages, traffic) before and after, read over one extra connection by the same feed
//! as `mqtk sys`. The generator's figures say what mqtk saw; these say what the broker saw, e.g.
//! messages it dropped for a slow subscriber, or a heap that grew and stayed grown.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};

use super::result::BrokerSysFigures;
use crate::conn::ConnectOptions;
use crate::sys::collect::{Event, Feed, collect};
use crate::sys::complete;
use crate::sys::{Snapshot, Tree, snapshot};

/// How long the "before" snapshot may take: a broker's retained `$SYS` burst comes within
/// milliseconds of subscribing; one without a retained tree publishes at its interval.
pub const BEFORE_WAIT: Duration = Duration::from_secs(3);

/// How long to wait after the run for the broker's next report (mosquitto's `sys_interval` is
/// 10 s by default).
pub const AFTER_WAIT: Duration = Duration::from_secs(12);

/// A running watch of the broker's `$SYS` tree.
pub struct SysWatch {
    before: Snapshot,
    task: JoinHandle<(Tree, Option<Instant>)>,
}

/// Connects, subscribes to `$SYS/#` and waits (at most [`BEFORE_WAIT`]) for a complete
/// snapshot. An error is a note for the report (no `$SYS` tree, an ACL refusing it, ...): the
/// run goes on without these figures.
pub async fn start(opts: ConnectOptions, done: watch::Receiver<bool>) -> Result<SysWatch, String> {
    match open(opts, done).await {
        Ok(r) => r,
        Err(e) => Err(crate::error::one_line(&e)),
    }
}

async fn open(
    opts: ConnectOptions,
    done: watch::Receiver<bool>,
) -> anyhow::Result<Result<SysWatch, String>> {
    let mut feed = Feed::open(opts).await?;
    match collect(&mut feed, Some(BEFORE_WAIT), &[], true).await {
        Ok((tree, before, _)) => {
            let task = tokio::spawn(follow(feed, tree, Some(Instant::now()), done));
            Ok(Ok(SysWatch { before, task }))
        }
        Err(e) if crate::error::kind_of(&e) == Some(crate::error::Kind::NoData) => {
            feed.close().await;
            Ok(Err(format!(
                "the broker published nothing under $SYS within {BEFORE_WAIT:?}"
            )))
        }
        Err(e) => Err(e),
    }
}

/// Keeps the tree up to date until the run is done, then waits (at most [`AFTER_WAIT`]) for the
/// broker's next report, so that the "after" figures include the run's end.
async fn follow(
    mut feed: Feed,
    mut tree: Tree,
    mut last: Option<Instant>,
    mut done: watch::Receiver<bool>,
) -> (Tree, Option<Instant>) {
    let mut ended: Option<Instant> = None;
    let mut reported = false;
    loop {
        let bound = match ended {
            None => Instant::now() + Duration::from_secs(86_400),
            Some(t) if reported => last.map_or(t, |l| l + complete::QUIET),
            Some(t) => t + AFTER_WAIT,
        };
        tokio::select! {
            ev = feed.next() => match ev {
                Ok(Event::Message { topic, payload, retained }) => {
                    let now = Instant::now();
                    tree.insert(&topic, &payload, retained, now.into_std());
                    last = Some(now);
                    // The uptime opens each of mosquitto's reports; a report is a burst.
                    reported |= ended.is_some() && !retained && topic.ends_with("/uptime");
                }
                Ok(_) => {}
                // The run goes on without it; the figures stop where the feed stopped.
                Err(_) => break,
            },
            _ = done.changed(), if ended.is_none() => ended = Some(Instant::now()),
            _ = sleep_until(bound), if ended.is_some() => break,
        }
    }
    feed.close().await;
    (tree, last)
}

impl SysWatch {
    /// The figures once the run is over: the first snapshot, the latest values, and, when the
    /// broker's next report did not come in time, how old the latest was at the end.
    pub async fn finish(self, end: Instant) -> Option<BrokerSysFigures> {
        let (tree, last) = self.task.await.ok()?;
        let after = snapshot(&tree);
        let age = last.and_then(|t| end.checked_duration_since(t));
        Some(figures(&self.before, &after, age))
    }
}

fn values(s: &Snapshot) -> BTreeMap<String, f64> {
    s.values
        .iter()
        .filter(|(name, _)| !name.starts_with("load."))
        .map(|(name, sample)| (name.to_string(), sample.value))
        .collect()
}

fn figures(before: &Snapshot, after: &Snapshot, age: Option<Duration>) -> BrokerSysFigures {
    BrokerSysFigures {
        dialect: after.dialect.name().to_string(),
        before: values(before),
        after: values(after),
        after_age_s: age.map(|a| a.as_secs_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_keep_counters_and_gauges_but_not_load_averages() {
        let mut tree = Tree::new();
        let now = std::time::Instant::now();
        for (topic, value) in [
            ("$SYS/broker/version", "mosquitto version 2.0.11"),
            ("$SYS/broker/uptime", "10 seconds"),
            ("$SYS/broker/clients/connected", "3"),
            ("$SYS/broker/publish/messages/dropped", "7"),
            ("$SYS/broker/load/messages/received/1min", "12.5"),
        ] {
            tree.insert(topic, value.as_bytes(), true, now);
        }
        let snap = snapshot(&tree);
        let f = figures(&snap, &snap, Some(Duration::from_millis(1500)));
        assert_eq!(f.dialect, "mosquitto");
        assert_eq!(f.after.get("clients.connected"), Some(&3.0));
        assert_eq!(f.after.get("publish.dropped"), Some(&7.0));
        assert!(f.after.keys().all(|k| !k.starts_with("load.")), "{f:?}");
        assert_eq!(f.after_age_s, Some(1.5));
    }
}
