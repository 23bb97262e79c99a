//! Live progress on stderr: an indicatif line with the current rates and a rolling sparkline of
//! the last seconds on a terminal, otherwise a plain line every few seconds, nothing with
//! `--quiet`.

use std::collections::VecDeque;
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::export::charts::sparkline;
use super::result::Mode;

/// Seconds of rates the rolling sparkline shows.
const SPARK_LEN: usize = 30;

/// Seconds between plain progress lines when stderr is not a terminal.
const PLAIN_EVERY: f64 = 5.0;

pub struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
    last_plain: f64,
    /// The last [`SPARK_LEN`] rates, oldest first.
    history: VecDeque<f64>,
    unicode: bool,
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

/// [`line`] followed by a sparkline of the recent rates (oldest first), scaled to their peak.
pub fn line_with_sparkline(mode: Mode, s: &Snapshot, recent: &[f64], unicode: bool) -> String {
    let top = recent.iter().cloned().fold(0.0, f64::max);
    let spark = sparkline(recent, top, unicode);
    if spark.trim().is_empty() {
        line(mode, s)
    } else {
        format!("{}  {spark}", line(mode, s))
    }
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        let mut p = Progress {
            bar: None,
            plain: false,
            last_plain: 0.0,
            history: VecDeque::with_capacity(SPARK_LEN),
            unicode: crate::output::utf8_locale(),
        };
        if quiet {
            return p;
        }
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {wide_msg}") {
                bar.set_style(style);
            }
            p.bar = Some(bar);
        } else {
            p.plain = true;
        }
        p
    }

    pub fn update(&mut self, mode: Mode, s: &Snapshot) {
        if self.history.len() == SPARK_LEN {
            self.history.pop_front();
        }
        self.history.push_back(s.rate);
        if let Some(bar) = &self.bar {
            let recent: Vec<f64> = self.history.iter().cloned().collect();
            bar.set_message(line_with_sparkline(mode, s, &recent, self.unicode));
            bar.tick();
        } else if self.plain && s.elapsed.as_secs_f64() - self.last_plain >= PLAIN_EVERY {
            self.last_plain = s.elapsed.as_secs_f64();
            crate::output::info(&format!("bench: {}", line(mode, s).trim_start()));
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

    #[test]
    fn sparkline_follows_the_rates() {
        let s = Snapshot {
            elapsed: Duration::from_secs(3),
            rate: 800.0,
            ..Default::default()
        };
        assert_eq!(
            line_with_sparkline(Mode::Pub, &s, &[100.0, 400.0, 800.0], true),
            "   3.0s  sent 0  received 0  800 msgs/s  ▁▄█"
        );
        assert!(line_with_sparkline(Mode::Pub, &s, &[100.0, 800.0], false).ends_with("  _#"));
        // Nothing moved yet: no empty sparkline.
        assert_eq!(
            line_with_sparkline(Mode::Pub, &s, &[0.0], true),
            line(Mode::Pub, &s)
        );
    }
}
