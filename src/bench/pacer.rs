//! Sending on time at a fixed rate: waits for each message's due time with sub-millisecond
//! precision, because tokio's timer wheel rounds every wait up to a whole millisecond, which
//! would add up to 1 ms of the generator's own lateness to every latency figure. On Linux a
//! timerfd (nanosecond resolution) wakes the task; elsewhere tokio's timer is used.

use tokio::time::Instant;

/// One publisher's timer.
pub struct Pacer {
    #[cfg(target_os = "linux")]
    timer: Option<tokio_timerfd::Delay>,
}

impl Pacer {
    pub fn new() -> Self {
        Pacer {
            #[cfg(target_os = "linux")]
            timer: tokio_timerfd::Delay::new(std::time::Instant::now()).ok(),
        }
    }

    /// Waits until `at`. Cancel-safe: calling it again re-arms the timer.
    pub async fn wait_until(&mut self, at: Instant) {
        #[cfg(target_os = "linux")]
        if let Some(timer) = &mut self.timer {
            timer.reset(at.into_std());
            if timer.await.is_ok() {
                return;
            }
        }
        tokio::time::sleep_until(at).await;
    }
}

impl Default for Pacer {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn waits_until_the_instant_and_not_a_millisecond_more() {
        let mut pacer = Pacer::new();
        let mut worst = Duration::ZERO;
        for _ in 0..20 {
            let at = Instant::now() + Duration::from_micros(300);
            pacer.wait_until(at).await;
            let now = Instant::now();
            assert!(now >= at);
            worst = worst.max(now - at);
        }
        // tokio's own timer would be late by up to a millisecond on every wait; allow a loaded
        // machine some slack but not that.
        if cfg!(target_os = "linux") {
            assert!(worst < Duration::from_millis(20), "{worst:?}");
        }
    }
}
