//! Helpers of the `mqtk bench` tests: a broker with room for a whole run, the quiet bench
//! command, its exit code and its JSON result document.

use std::process::{Command, Output, Stdio};

use mqtk::bench::result::BenchResult;

use super::Broker;

/// A broker whose queues hold a whole run (mosquitto's default drops beyond 1,000 queued).
pub fn roomy_broker() -> Broker {
    Broker::builder()
        .config_line("max_queued_messages 100000")
        .start()
}

/// `mqtk bench` against `broker`, quiet (no progress lines on stderr).
pub fn bench(broker: &Broker) -> Command {
    let mut c = super::mqtk_std();
    c.arg("bench").args(broker.args()).arg("--quiet");
    c.stdin(Stdio::null());
    c
}

/// The exit code (-1 when killed by a signal).
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// The result document a `--json` run printed.
pub fn json_of(out: &Output) -> BenchResult {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not a bench JSON document ({e}): {text}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
