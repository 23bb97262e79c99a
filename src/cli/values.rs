//! Value parsers for flags: they validate at parse time and never touch the network.

use std::str::FromStr;

pub use crate::conn::ProtocolVersion;
pub use crate::conn::url::parse_port;
use std::time::Duration;

/// A QoS level, 0 to 2.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct QosLevel(pub u8);

impl FromStr for QosLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "0" => Ok(QosLevel(0)),
            "1" => Ok(QosLevel(1)),
            "2" => Ok(QosLevel(2)),
            _ => Err(format!("QoS must be 0, 1 or 2, not '{s}'")),
        }
    }
}

/// `--reconnect-attempts`: a count, or `inf` / `-1` for no limit.
pub fn parse_attempts(s: &str) -> Result<u32, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "inf" | "infinite" | "infinity" | "-1" | "∞" => Ok(crate::conn::reconnect::FOREVER),
        t => match t.parse::<u32>() {
            Ok(n) if n < crate::conn::reconnect::FOREVER => Ok(n),
            _ => Err(format!(
                "'{s}' is not a number of attempts (0 to 4294967294, or inf / -1 for no limit)"
            )),
        },
    }
}

/// A session expiry interval in seconds, as mosquitto takes it: 0 to 4,294,967,295, where
/// 4,294,967,295 (also written -1 or ∞) means the session never expires.
pub fn parse_session_expiry(s: &str) -> Result<u32, String> {
    match s.trim() {
        "-1" | "∞" => Ok(u32::MAX),
        t => t.parse().map_err(|_| {
            format!("'{s}' is not a session expiry (0 to 4294967295 seconds, or -1 / ∞ for never)")
        }),
    }
}

/// A duration: plain seconds (`5`, `0.5`, as mosquitto takes them) or with a unit (`500ms`, `5s`,
/// `2m`, `1h`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a duration (e.g. 5, 5s, 500ms, 2m)"))?;
    let scale = match unit.trim() {
        "" | "s" | "sec" | "secs" => 1.0,
        "ms" => 0.001,
        "us" | "µs" => 0.000_001,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("'{s}' has an unknown unit (use ms, s, m or h)")),
    };
    let secs = value * scale;
    if !secs.is_finite() || !(0.0..=1.0e9).contains(&secs) {
        return Err(format!("'{s}' is out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// `-W`: a duration above zero. mosquitto_sub refuses `-W 0` ("Invalid timeout") rather than
/// exiting at once with 27.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d.is_zero() {
        return Err(format!("'{s}' is not a timeout: give more than 0 seconds"));
    }
    Ok(d)
}

/// `--random-filter`: a percentage from 0.1 to 100, mosquitto_sub's range.
pub fn parse_percentage(s: &str) -> Result<f64, String> {
    match s.trim().trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.1..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("'{s}' is not a percentage from 0.1 to 100")),
    }
}

/// A size in bytes: `512`, `64k`, `1M` (powers of 1000), `64KiB`, `1MiB` (powers of 1024).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a size (e.g. 512, 64k, 1M, 1MiB)"))?;
    let scale: u64 = match unit.trim() {
        "" | "B" => 1,
        "k" | "K" | "kB" | "KB" => 1000,
        "M" | "MB" => 1_000_000,
        "KiB" => 1024,
        "MiB" => 1024 * 1024,
        _ => return Err(format!("'{s}' has an unknown unit (use k, M, KiB or MiB)")),
    };
    n.checked_mul(scale)
        .filter(|b| *b <= 268_435_455)
        .map(|b| b as usize)
        .ok_or_else(|| format!("'{s}' is larger than an MQTT packet (256 MiB)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_expiry_takes_mosquittos_forms_of_never() {
        assert_eq!(parse_session_expiry("0"), Ok(0));
        assert_eq!(parse_session_expiry("3600"), Ok(3600));
        assert_eq!(parse_session_expiry("-1"), Ok(u32::MAX));
        assert_eq!(parse_session_expiry("∞"), Ok(u32::MAX));
        assert_eq!(parse_session_expiry("4294967295"), Ok(u32::MAX));
        for bad in ["-2", "4294967296", "1h", ""] {
            assert!(parse_session_expiry(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5").unwrap(), Duration::from_secs(5));
        assert_eq!(parse_duration("0.5").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("").is_err());
        assert_eq!(parse_timeout("1").unwrap(), Duration::from_secs(1));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("0ms").is_err());
    }

    #[test]
    fn percentages() {
        assert_eq!(parse_percentage("10"), Ok(10.0));
        assert_eq!(parse_percentage("0.5"), Ok(0.5));
        assert_eq!(parse_percentage("100"), Ok(100.0));
        for bad in ["0", "0.05", "-1", "101", "x", "NaN"] {
            assert!(parse_percentage(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ports() {
        assert_eq!(parse_port("1883"), Ok(1883));
        assert!(parse_port("0").is_err());
        assert!(parse_port("70000").is_err());
        assert!(parse_port("abc").is_err());
    }

    #[test]
    fn versions() {
        assert_eq!("mqttv5".parse(), Ok(ProtocolVersion::V5));
        assert_eq!("311".parse(), Ok(ProtocolVersion::V311));
        assert_eq!("31".parse(), Ok(ProtocolVersion::V31));
        for bad in ["6", "50", "4", "3", "v5"] {
            assert!(bad.parse::<ProtocolVersion>().is_err(), "{bad}");
        }
    }
}
