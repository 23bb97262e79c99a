//! Operating-system limits and figures a run depends on: open files (one per connection) and
//! this process's resident memory.

use crate::error;

/// Raises the soft open-file limit to the hard limit and checks that `needed` descriptors fit.
pub fn raise_nofile_limit(needed: u64) -> anyhow::Result<u64> {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit only read/write the struct passed by pointer.
        let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0;
        if !ok {
            return Ok(u64::MAX);
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            // SAFETY: as above.
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                lim.rlim_cur = lim.rlim_max;
            }
        }
        // rlim_t is u64 on Linux but not on every Unix.
        #[allow(clippy::unnecessary_cast)]
        let limit = lim.rlim_cur as u64;
        if needed > limit {
            return Err(error::usage(format!(
                "{} connections need about {needed} open files, but this process may open at most \
                 {limit} (hard limit {}): raise it (ulimit -n / LimitNOFILE) or open fewer",
                needed.saturating_sub(FD_RESERVE),
                lim.rlim_max
            )));
        }
        Ok(limit)
    }
    #[cfg(not(unix))]
    {
        let _ = needed;
        Ok(u64::MAX)
    }
}

/// Descriptors kept for stdio, the runtime and the like.
pub const FD_RESERVE: u64 = 32;

/// Resident memory of this process in bytes (Linux), for `bench conn`.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// CPU time this process used so far (user plus system), seconds.
pub fn cpu_seconds() -> Option<f64> {
    #[cfg(unix)]
    {
        // SAFETY: getrusage only writes the struct passed by pointer; all-zero is a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
            return None;
        }
        let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        Some(secs(usage.ru_utime) + secs(usage.ru_stime))
    }
    #[cfg(not(unix))]
    None
}

/// The machine's CPU time counters (Linux `/proc/stat`): (busy, total) in clock ticks, over all
/// cores; two readings give the machine's busy share in between.
pub fn machine_cpu_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let ticks: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|n| n.parse().ok())
        .collect();
    let total: u64 = ticks.iter().take(8).sum();
    // idle and iowait
    let idle = ticks.get(3)? + ticks.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

/// Descriptors this process has open (Linux).
pub fn open_files() -> Option<u64> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count() as u64)
}

/// How many local ports the system hands out per source address and destination (Linux's
/// `ip_local_port_range`).
pub fn ephemeral_ports() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").ok()?;
    let mut it = text.split_whitespace().map(|n| n.parse::<u64>().ok());
    let (lo, hi) = (it.next()??, it.next()??);
    Some(hi.saturating_sub(lo) + 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn process_figures_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(cpu_seconds().is_some_and(|s| s >= 0.0));
            assert!(machine_cpu_ticks().is_some_and(|(busy, total)| busy <= total && total > 0));
            assert!(open_files().is_some_and(|n| n >= 3));
            assert!(ephemeral_ports().is_some_and(|n| n > 1000));
        }
    }

    use super::*;

    #[test]
    fn file_limit_check() {
        assert!(raise_nofile_limit(10).is_ok());
        let err = raise_nofile_limit(u64::MAX).unwrap_err();
        assert_eq!(error::exit_code(&err), 2);
        assert!(error::one_line(&err).contains("open files"));
    }

    #[test]
    fn resident_memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(resident_bytes().is_some_and(|b| b > 0));
        }
    }
}
