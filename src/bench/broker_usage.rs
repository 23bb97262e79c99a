//! `--broker-pid`: a local broker's CPU time and resident memory, read from `/proc` once a
//! second over the run, so the report says whether the broker or the generator was the limit
//! (a broker near one full core while mqtk's clients idle is the broker's ceiling).

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::result::BrokerFigures;
use crate::error::usage;

/// CPU time (seconds) and resident memory (bytes) of `pid` now.
fn read(pid: u32) -> Option<(f64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of the whole line (utime, stime) are 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let per_second = if per_second > 0 {
        per_second as f64
    } else {
        100.0
    };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some((ticks as f64 / per_second, kb * 1024))
}

/// Checks before the run that `pid` can be watched (a usage error otherwise).
pub fn check(pid: u32) -> anyhow::Result<()> {
    match read(pid) {
        Some(_) => Ok(()),
        None => Err(usage(format!(
            "--broker-pid {pid}: no such process here, or its /proc entry cannot be read \
             (the broker must run on this machine; Linux only)"
        ))),
    }
}

/// Samples `pid` once a second until `done` changes; the figures cover the whole time.
pub fn spawn(pid: u32, mut done: watch::Receiver<bool>) -> JoinHandle<Option<BrokerFigures>> {
    tokio::spawn(async move {
        let (cpu0, rss0) = read(pid)?;
        let mqtk0 = super::limits::cpu_seconds();
        let t0 = Instant::now();
        let (mut last_cpu, mut last_t) = (cpu0, t0);
        let mut figures = BrokerFigures {
            pid,
            rss_max_bytes: rss0,
            rss_end_bytes: rss0,
            ..BrokerFigures::default()
        };
        let mut tick =
            tokio::time::interval_at(t0 + Duration::from_secs(1), Duration::from_secs(1));
        loop {
            let finished = tokio::select! {
                _ = tick.tick() => false,
                _ = done.changed() => true,
            };
            let Some((cpu, rss)) = read(pid) else {
                break;
            };
            let now = Instant::now();
            let dt = (now - last_t).as_secs_f64();
            if dt >= 0.5 {
                figures.cpu_busy_max = figures.cpu_busy_max.max((cpu - last_cpu) / dt);
                (last_cpu, last_t) = (cpu, now);
            }
            let total = (now - t0).as_secs_f64();
            if total > 0.0 {
                figures.cpu_busy = (cpu - cpu0) / total;
            }
            figures.cpu_s = Some(cpu - cpu0);
            figures.mqtk_cpu_s = super::limits::cpu_seconds()
                .zip(mqtk0)
                .map(|(now, then)| now - then);
            figures.rss_max_bytes = figures.rss_max_bytes.max(rss);
            figures.rss_end_bytes = rss;
            if finished {
                break;
            }
        }
        // A run shorter than a sample (or its unsampled tail) was still a second's worth of
        // work at the average rate: the busiest second cannot be below the average.
        figures.cpu_busy_max = figures.cpu_busy_max.max(figures.cpu_busy);
        Some(figures)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_can_be_read() {
        if cfg!(target_os = "linux") {
            let (cpu, rss) = read(std::process::id()).unwrap();
            assert!(cpu >= 0.0 && rss > 0);
            assert!(check(std::process::id()).is_ok());
        }
        let err = check(u32::MAX).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
    }
}
