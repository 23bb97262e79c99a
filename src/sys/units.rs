//! Human units for the snapshot and the live view: counts with thousands separators, bytes in
//! KiB/MiB/GiB, durations as `1d 2h 3m`, rates with k/M.

/// `1234567` -> `1,234,567`; fractions keep two decimals.
pub fn count(n: f64) -> String {
    if n.fract() != 0.0 {
        return format!("{n:.2}");
    }
    let digits = format!("{}", n.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0.0 { format!("-{out}") } else { out }
}

/// `1536` -> `1.5 KiB`.
pub fn bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n;
    let mut i = 0;
    while v.abs() >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{} B", v as i64)
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

/// `93784` -> `1d 2h 3m 4s` (leading zero parts dropped).
pub fn duration(secs: f64) -> String {
    let s = secs.max(0.0) as u64;
    let (d, h, m, s) = (s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m {s}s"),
        _ => format!("{d}d {h}h {m}m"),
    }
}

/// A rate per second with k/M: `1234.5` -> `1.23k`.
pub fn rate(r: f64) -> String {
    let a = r.abs();
    if a >= 1e6 {
        format!("{:.2}M", r / 1e6)
    } else if a >= 1e3 {
        format!("{:.2}k", r / 1e3)
    } else if a >= 10.0 || r == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(count(1234567.0), "1,234,567");
        assert_eq!(count(12.0), "12");
        assert_eq!(count(2.5), "2.50");
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(1536.0), "1.5 KiB");
        assert_eq!(bytes(3.0 * 1024.0 * 1024.0), "3.0 MiB");
        assert_eq!(duration(5.0), "5s");
        assert_eq!(duration(125.0), "2m 5s");
        assert_eq!(duration(93784.0), "1d 2h 3m");
        assert_eq!(rate(0.0), "0");
        assert_eq!(rate(2.25), "2.2");
        assert_eq!(rate(1234.5), "1.23k");
    }
}
