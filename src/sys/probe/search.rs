//! Bounded binary search for a broker's limits (largest payload, longest topic or client id):
//! the largest size in a range that a trial accepts, assuming that what is accepted at one size
//! is accepted at every smaller one.

use std::future::Future;

/// The outcome: the largest size accepted (`None`: not even `lo`), whether the cap itself was
/// accepted (the limit may be higher), and how many trials it took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub largest: Option<usize>,
    pub capped: bool,
    pub trials: u32,
}

/// Searches `[lo, hi]`, at most `max_trials` trials (the answer is then a lower bound).
pub async fn largest<F, Fut>(lo: usize, hi: usize, max_trials: u32, mut accepts: F) -> Found
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = bool>,
{
    let mut trials = 0;
    let mut trial = |n: usize| {
        trials += 1;
        accepts(n)
    };
    if trial(hi).await {
        return Found {
            largest: Some(hi),
            capped: true,
            trials: 1,
        };
    }
    if lo >= hi || !trial(lo).await {
        return Found {
            largest: None,
            capped: false,
            trials: if lo >= hi { 1 } else { 2 },
        };
    }
    // Invariant: lo accepted, hi refused.
    let (mut good, mut bad) = (lo, hi);
    let mut used = 2;
    while bad - good > 1 && used < max_trials {
        let mid = good + (bad - good) / 2;
        used += 1;
        if trial(mid).await {
            good = mid;
        } else {
            bad = mid;
        }
    }
    Found {
        largest: Some(good),
        capped: false,
        trials: used,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(limit: usize, lo: usize, hi: usize, max: u32) -> Found {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(largest(lo, hi, max, |n| async move { n <= limit }))
    }

    #[test]
    fn finds_the_limit_within_the_trial_budget() {
        let f = run(100_000, 1, 1 << 20, 64);
        assert_eq!(f.largest, Some(100_000));
        assert!(!f.capped);
        assert!(f.trials <= 23, "{f:?}");
        assert_eq!(run(5_000_000, 1, 1 << 20, 64).largest, Some(1 << 20));
        assert!(run(5_000_000, 1, 1 << 20, 64).capped);
        assert_eq!(run(0, 1, 1 << 20, 64).largest, None);
        // Out of trials: a lower bound.
        let f = run(100_000, 1, 1 << 20, 5);
        assert_eq!(f.trials, 5);
        assert!(f.largest.unwrap() <= 100_000);
    }
}
