//! The bench result's output formats, one file each: the human summary (`text`), the JSON
//! document (`json`), the CSV row (`csv`), terminal charts (`charts`), the self-contained HTML
//! report (`html`) and the comparison of several runs (`compare`). All are pure functions of
//! [`BenchResult`](super::result::BenchResult), so they are snapshot-tested.

pub mod charts;
pub mod compare;
pub mod csv;
pub mod html;
pub mod json;
pub mod svg;
pub mod text;

/// A message rate in a short form: `950`, `12.3k`, `1.25M`.
pub fn fmt_rate(r: f64) -> String {
    if r < 1000.0 {
        format!("{r:.0}")
    } else if r < 1e6 {
        format!("{:.1}k", r / 1e3)
    } else {
        format!("{:.2}M", r / 1e6)
    }
}

/// A microsecond figure in a readable unit: `850µs`, `12.3ms`, `1.25s`.
pub fn fmt_us(us: f64) -> String {
    fmt_us_in(us, "µs")
}

/// [`fmt_us`] with the microsecond sign given (`us` where only ASCII can be shown).
pub fn fmt_us_in(us: f64, micro: &str) -> String {
    if us < 1000.0 {
        format!("{us:.0}{micro}")
    } else if us < 1_000_000.0 {
        format!("{:.2}ms", us / 1000.0)
    } else {
        format!("{:.2}s", us / 1_000_000.0)
    }
}

pub(crate) fn plural(n: u64, one: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {one}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_figures() {
        assert_eq!(fmt_us(850.0), "850µs");
        assert_eq!(fmt_us(12_345.0), "12.35ms");
        assert_eq!(fmt_us(1_250_000.0), "1.25s");
        assert_eq!(fmt_us_in(850.0, "us"), "850us");
        assert_eq!(fmt_rate(950.0), "950");
        assert_eq!(fmt_rate(12_345.0), "12.3k");
        assert_eq!(fmt_rate(1_250_000.0), "1.25M");
    }
}
