//! Live progress on stderr: an indicatif bar on a terminal, otherwise a plain line every few
//! seconds, nothing with `--quiet`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::result::Mode;

/// Seconds between plain progress lines when stderr is not a terminal.
const PLAIN_EVERY: f64 = 5.0;

pub struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
    last_plain: f64,
}

/// Running totals at one instant.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub elapsed: Duration,
    pub sent: u64,
    pub acked: u64,
    pub received: u64,
    pub connected: u64,
    pub failed: u64,
    /// Messages (or connections) per second over the last interval.
    pub rate: f64,
    /// Acknowledgements only exist at QoS 1/2.
    pub show_acked: bool,
}

/// The text of one progress update (pure, for the bar and the plain lines).
pub fn line(mode: Mode, s: &Snapshot) -> String {
    if mode == Mode::Conn {
        format!(
            "{:>6.1}s  connected {}  failed {}  {:.0} conns/s",
            s.elapsed.as_secs_f64(),
            s.connected,
            s.failed,
            s.rate
        )
    } else {
        let acked = if s.show_acked {
            format!("  acked {}", s.acked)
        } else {
            String::new()
        };
        format!(
            "{:>6.1}s  sent {}{acked}  received {}  {:.0} msgs/s",
            s.elapsed.as_secs_f64(),
            s.sent,
            s.received,
            s.rate
        )
    }
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        if quiet {
            return Progress {
                bar: None,
                plain: false,
                last_plain: 0.0,
            };
        }
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
                bar.set_style(style);
            }
            Progress {
                bar: Some(bar),
                plain: false,
                last_plain: 0.0,
            }
        } else {
            Progress {
                bar: None,
                plain: true,
                last_plain: 0.0,
            }
        }
    }

    pub fn update(&mut self, mode: Mode, s: &Snapshot) {
        if let Some(bar) = &self.bar {
            bar.set_message(line(mode, s));
            bar.tick();
        } else if self.plain && s.elapsed.as_secs_f64() - self.last_plain >= PLAIN_EVERY {
            self.last_plain = s.elapsed.as_secs_f64();
            eprintln!("mqtk: bench: {}", line(mode, s).trim_start());
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let s = Snapshot {
            elapsed: Duration::from_millis(2500),
            sent: 10,
            acked: 9,
            received: 8,
            rate: 1234.4,
            show_acked: true,
            ..Default::default()
        };
        assert_eq!(
            line(Mode::Pubsub, &s),
            "   2.5s  sent 10  acked 9  received 8  1234 msgs/s"
        );
        assert!(line(Mode::Conn, &s).contains("connected 0"));
        let qos0 = Snapshot {
            show_acked: false,
            ..s
        };
        assert!(!line(Mode::Pub, &qos0).contains("acked"));
    }
}
