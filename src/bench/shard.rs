//! One agent's part of a many-machine run: `--shard I/N` (or `auto` from the placement engine's
//! environment), the exact slice of clients it runs, the `--start-at` instant every agent starts
//! at, and the run id all agents derive from the same plan. No I/O beyond reading the
//! environment; every problem is a usage error.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::usage;

/// Kubernetes Indexed Jobs set this to the pod's completion index.
pub const K8S_INDEX: &str = "JOB_COMPLETION_INDEX";
/// Nomad sets this to the allocation's index within its task group.
pub const NOMAD_INDEX: &str = "NOMAD_ALLOC_INDEX";
/// The shard count for `--shard auto` (neither engine exports it to the task).
pub const COUNT_VAR: &str = "MQTK_SHARDS";

/// Most shards one run is split into.
pub const MAX_SHARDS: u32 = 100_000;

/// `--shard` as given: an explicit `I/N`, or `auto` (optionally `auto/N`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardSpec {
    Fixed(Shard),
    Auto { count: Option<u32> },
}

/// This agent is shard `index` of `count` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

fn count_of(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_SHARDS).contains(&n) => Ok(n),
        _ => Err(format!(
            "the shard count must be a whole number from 1 to {MAX_SHARDS}, not '{text}'"
        )),
    }
}

/// clap value parser for `--shard`: `I/N` with `0 <= I < N`, `auto` or `auto/N`.
pub fn parse_spec(text: &str) -> Result<ShardSpec, String> {
    let (left, right) = match text.split_once('/') {
        Some((l, r)) => (l, Some(r)),
        None => (text, None),
    };
    if left == "auto" {
        return Ok(ShardSpec::Auto {
            count: right.map(count_of).transpose()?,
        });
    }
    let Some(right) = right else {
        return Err(format!(
            "'{text}' is not I/N (e.g. 0/4 for the first of four shards) or auto"
        ));
    };
    let count = count_of(right)?;
    let index: u32 = left
        .trim()
        .parse()
        .map_err(|_| format!("the shard index must be a whole number, not '{left}'"))?;
    if index >= count {
        return Err(format!(
            "shard index {index} is out of range: shards are numbered 0 to {} of {count}",
            count - 1
        ));
    }
    Ok(ShardSpec::Fixed(Shard { index, count }))
}

/// Resolves `--shard auto` from the environment (`var` reads one variable): the index from
/// Kubernetes or Nomad, the count from `auto/N` or [`COUNT_VAR`].
pub fn resolve(spec: ShardSpec, var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Shard> {
    let count = match spec {
        ShardSpec::Fixed(s) => return Ok(s),
        ShardSpec::Auto { count: Some(n) } => n,
        ShardSpec::Auto { count: None } => match var(COUNT_VAR) {
            Some(v) => {
                count_of(&v).map_err(|e| usage(format!("--shard auto: {COUNT_VAR}: {e}")))?
            }
            None => {
                return Err(usage(format!(
                    "--shard auto needs the shard count: give --shard auto/N or set {COUNT_VAR}"
                )));
            }
        },
    };
    let (name, value) = [K8S_INDEX, NOMAD_INDEX]
        .into_iter()
        .find_map(|name| var(name).map(|v| (name, v)))
        .ok_or_else(|| {
            usage(format!(
                "--shard auto: neither {K8S_INDEX} (Kubernetes Indexed Job) nor {NOMAD_INDEX} \
                 (Nomad) is set; give --shard I/N"
            ))
        })?;
    let index: u32 = value
        .trim()
        .parse()
        .map_err(|_| usage(format!("--shard auto: {name}='{value}' is not an index")))?;
    if index >= count {
        return Err(usage(format!(
            "--shard auto: {name}={index} is not below the shard count {count}"
        )));
    }
    Ok(Shard { index, count })
}

/// The clients `[first, first + count)` of `total` that shard `s` runs: shard `i` starts at
/// `floor(i * total / n)`, so the slices tile `0..total` exactly, whatever the remainder.
pub fn slice(total: u32, s: Shard) -> (u32, u32) {
    let at = |i: u32| (u64::from(total) * u64::from(i) / u64::from(s.count)) as u32;
    let first = at(s.index);
    (first, at(s.index + 1) - first)
}

/// `--start-at`: Unix seconds (fractions allowed) or an RFC 3339 time.
pub fn parse_start_at(text: &str) -> Result<SystemTime, String> {
    let t = text.trim();
    if let Ok(secs) = t.parse::<f64>() {
        if !secs.is_finite() || !(0.0..=1e11).contains(&secs) {
            return Err(format!("'{text}' is not a Unix time in seconds"));
        }
        return Ok(UNIX_EPOCH + Duration::from_secs_f64(secs));
    }
    let dt = chrono::DateTime::parse_from_rfc3339(t).map_err(|e| {
        format!("'{text}' is neither Unix seconds nor an RFC 3339 time (2026-01-02T03:04:05Z): {e}")
    })?;
    let nanos = dt
        .timestamp_nanos_opt()
        .filter(|n| *n >= 0)
        .ok_or_else(|| format!("'{text}' is out of range"))?;
    Ok(UNIX_EPOCH + Duration::from_nanos(nanos as u64))
}

/// Seconds since the Unix epoch, as the result document records instants.
pub fn epoch_s(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// 64-bit FNV-1a: a stable fingerprint of a plan's text (the same on every machine and build,
/// unlike `std`'s hasher).
pub fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn specs() {
        assert_eq!(
            parse_spec("2/4"),
            Ok(ShardSpec::Fixed(Shard { index: 2, count: 4 }))
        );
        assert_eq!(parse_spec("auto"), Ok(ShardSpec::Auto { count: None }));
        assert_eq!(parse_spec("auto/8"), Ok(ShardSpec::Auto { count: Some(8) }));
        assert!(parse_spec("4/4").unwrap_err().contains("out of range"));
        assert!(parse_spec("1/0").is_err());
        assert!(parse_spec("3").is_err());
        assert!(parse_spec("a/2").is_err());
        assert!(parse_spec("-1/2").is_err());
    }

    #[test]
    fn auto_reads_kubernetes_then_nomad() {
        let auto = ShardSpec::Auto { count: None };
        let s = resolve(auto, env(&[(K8S_INDEX, "3"), (COUNT_VAR, "5")])).unwrap();
        assert_eq!(s, Shard { index: 3, count: 5 });
        let s = resolve(
            ShardSpec::Auto { count: Some(2) },
            env(&[(NOMAD_INDEX, "1")]),
        )
        .unwrap();
        assert_eq!(s, Shard { index: 1, count: 2 });
        let e = resolve(auto, env(&[(K8S_INDEX, "0")])).unwrap_err();
        assert!(crate::error::one_line(&e).contains(COUNT_VAR));
        let e = resolve(auto, env(&[(COUNT_VAR, "2")])).unwrap_err();
        assert!(crate::error::one_line(&e).contains(K8S_INDEX));
        let e = resolve(auto, env(&[(COUNT_VAR, "2"), (NOMAD_INDEX, "2")])).unwrap_err();
        assert_eq!(crate::error::exit_code(&e), 2);
        assert!(resolve(auto, env(&[(COUNT_VAR, "x"), (K8S_INDEX, "0")])).is_err());
    }

    #[test]
    fn slices_tile_exactly() {
        for total in [0u32, 1, 3, 7, 1000, 999_999, u32::MAX] {
            for count in [1u32, 2, 3, 4, 7, 64] {
                let mut next = 0u32;
                let mut sizes = Vec::new();
                for index in 0..count {
                    let (first, n) = slice(total, Shard { index, count });
                    assert_eq!(first, next, "{total} {count}");
                    next = first + n;
                    sizes.push(n);
                }
                assert_eq!(next, total);
                // Even: slices differ by at most one client.
                let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(hi - lo <= 1);
            }
        }
    }

    #[test]
    fn start_times() {
        let t = parse_start_at("1767323045.5").unwrap();
        assert_eq!(epoch_s(t), 1_767_323_045.5);
        let r = parse_start_at("2026-01-02T03:04:05.5Z").unwrap();
        assert_eq!(epoch_s(r), 1_767_323_045.5);
        let z = parse_start_at("2026-01-02T04:04:05.5+01:00").unwrap();
        assert_eq!(r, z);
        assert!(parse_start_at("tomorrow").is_err());
        assert!(parse_start_at("-5").is_err());
        assert!(parse_start_at("inf").is_err());
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fingerprint(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fingerprint("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fingerprint("plan 1"), fingerprint("plan 2"));
    }
}
