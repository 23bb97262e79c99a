//! Terminal charts under the bench summary: a latency histogram (log-scaled buckets, bars,
//! percentile markers) and throughput sparklines, fitted to a given width, in Unicode block
//! characters or plain ASCII. Pure: the caller decides the width and the character set.

use std::fmt::Write as _;

use super::fmt_rate;
use crate::bench::hdr::{self, Bucket};
use crate::bench::result::{BenchResult, Mode, Percentiles, Sample};

/// Below this many columns no chart fits; none is drawn.
pub const MIN_WIDTH: usize = 24;

/// Charts wider than this are no easier to read.
pub const MAX_WIDTH: usize = 120;

/// How to draw: the columns available and whether the terminal shows Unicode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub width: usize,
    pub unicode: bool,
}

impl Style {
    fn micro(self) -> &'static str {
        if self.unicode { "µs" } else { "us" }
    }
}

/// Whether the locale's character set is UTF-8, from `LC_ALL`, `LC_CTYPE` and `LANG` as the C
/// library picks them (the first one set and not empty wins).
pub fn utf8_locale(lc_all: Option<&str>, lc_ctype: Option<&str>, lang: Option<&str>) -> bool {
    [lc_all, lc_ctype, lang]
        .into_iter()
        .flatten()
        .find(|v| !v.is_empty())
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}

/// The latency distribution a mode is about: end to end, publish-to-ack for `pub`, connect time
/// for `conn`.
pub fn main_latency(r: &BenchResult) -> Option<(&'static str, &Percentiles)> {
    match r.mode {
        Mode::Pubsub | Mode::Sub => r.latency.as_ref().map(|p| ("end-to-end latency", p)),
        Mode::Pub => r
            .ack_latency
            .as_ref()
            .map(|p| ("publish-to-ack latency", p)),
        Mode::Conn => r.connect.time.as_ref().map(|p| ("connect time", p)),
    }
}

/// Both charts for a run (empty when nothing fits or nothing was measured).
pub fn render(r: &BenchResult, style: Style) -> String {
    let style = Style {
        width: style.width.min(MAX_WIDTH),
        ..style
    };
    if style.width < MIN_WIDTH {
        return String::new();
    }
    let mut out = String::new();
    if let Some((title, p)) = main_latency(r)
        && let Some(h) = p.histogram.as_deref().and_then(hdr::decode)
    {
        let markers = [
            ("p50", p.p50_us),
            ("p90", p.p90_us),
            ("p99", p.p99_us),
            ("p99.9", p.p999_us),
            ("max", p.max_us),
        ];
        let heading = format!("{title} ({} samples):", p.count);
        if heading.len() <= style.width {
            let _ = writeln!(out, "{heading}");
        } else {
            let _ = writeln!(out, "{title}:");
        }
        out.push_str(&histogram(&hdr::log_buckets(&h), &markers, style));
    }
    let rows = throughput_rows(r);
    if !rows.is_empty() {
        let secs = r.series.last().map_or(0.0, |s| s.t);
        let _ = writeln!(out, "msgs/s over {secs:.0}s:");
        out.push_str(&sparklines(&rows, style));
    }
    out
}

/// The per-second rates a mode has to show, named.
pub fn throughput_rows(r: &BenchResult) -> Vec<(&'static str, Vec<f64>)> {
    let per_s = |f: fn(&Sample) -> u64| -> Vec<f64> { rates(&r.series, f) };
    let mut rows = Vec::new();
    if r.series.is_empty() {
        return rows;
    }
    if r.mode.publishes() {
        rows.push(("sent", per_s(|s| s.sent)));
        if r.settings.qos > 0 {
            rows.push(("acked", per_s(|s| s.acked)));
        }
    }
    if r.mode.subscribes() {
        rows.push(("received", per_s(|s| s.received)));
    }
    if r.mode == Mode::Conn {
        rows.push(("connected", per_s(|s| s.connected)));
    }
    rows
}

/// Per-second rates of one counter.
pub fn rates(series: &[Sample], f: fn(&Sample) -> u64) -> Vec<f64> {
    timed_rates(series, f).into_iter().map(|(_, r)| r).collect()
}

/// Intervals shorter than this (the tail of a run) are folded into the one before, so a few
/// messages in a few milliseconds do not draw as a spike.
const SHORTEST_INTERVAL: f64 = 0.25;

/// `(end time, rate)` per interval: its count over its length.
pub fn timed_rates(series: &[Sample], f: fn(&Sample) -> u64) -> Vec<(f64, f64)> {
    // (start, end, count) of each interval kept.
    let mut spans: Vec<(f64, f64, u64)> = Vec::with_capacity(series.len());
    let mut prev = 0.0;
    for s in series {
        let (start, end) = (prev, s.t);
        prev = s.t;
        match spans.last_mut() {
            Some(last) if end - start < SHORTEST_INTERVAL => {
                last.1 = end;
                last.2 += f(s);
            }
            _ => spans.push((start, end, f(s))),
        }
    }
    spans
        .into_iter()
        .map(|(a, b, n)| {
            (
                b,
                if b - a > 1e-3 {
                    n as f64 / (b - a)
                } else {
                    0.0
                },
            )
        })
        .collect()
}

/// A bucket bound (a round figure) in its shortest unit: `20µs`, `5ms`, `1s`.
fn fmt_bound(us: u64, micro: &str) -> String {
    if us < 1000 {
        format!("{us}{micro}")
    } else if us < 1_000_000 {
        format!("{}ms", us / 1000)
    } else {
        format!("{}s", us / 1_000_000)
    }
}

/// Horizontal bars, one per bucket, scaled to the fullest; a bucket with any count shows at
/// least a sliver, so rare slow messages stay visible. Markers name the buckets holding them.
pub fn histogram(buckets: &[Bucket], markers: &[(&str, u64)], style: Style) -> String {
    let micro = style.micro();
    let marks: Vec<String> = buckets
        .iter()
        .map(|b| {
            markers
                .iter()
                .filter(|(_, v)| hdr::bucket_index(*v) == hdr::bucket_index(b.low_us))
                .map(|(name, _)| *name)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let mark_w = marks.iter().map(|m| m.len()).max().unwrap_or(0);
    let counts: Vec<String> = buckets.iter().map(|b| b.count.to_string()).collect();
    let count_w = counts.iter().map(|c| c.len()).max().unwrap_or(0);
    let full = |b: &Bucket| {
        format!(
            "{}-{}",
            fmt_bound(b.low_us, micro),
            fmt_bound(b.high_us, micro)
        )
    };
    let short = |b: &Bucket| format!("<{}", fmt_bound(b.high_us, micro));
    // Drop what does not fit, least useful first: the lower bounds, the markers, the counts.
    let layouts = [
        (true, true, true),
        (false, true, true),
        (false, false, true),
        (false, false, false),
    ];
    let mut chosen = None;
    for (long, with_marks, with_counts) in layouts {
        let label_w = buckets
            .iter()
            .map(|b| if long { full(b) } else { short(b) }.chars().count())
            .max()
            .unwrap_or(0);
        let fixed = label_w
            + 1
            + if with_counts { 1 + count_w } else { 0 }
            + if with_marks && mark_w > 0 {
                1 + mark_w
            } else {
                0
            };
        let bar_w = style.width.saturating_sub(fixed);
        if bar_w >= 8 || !with_counts {
            chosen = Some((long, with_marks, with_counts, label_w, bar_w.max(1)));
            break;
        }
    }
    let Some((long, with_marks, with_counts, label_w, bar_w)) = chosen else {
        return String::new();
    };
    let most = buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let mut out = String::new();
    for (i, b) in buckets.iter().enumerate() {
        let label = if long { full(b) } else { short(b) };
        let pad = label_w - label.chars().count();
        let bar = bar(b.count, most, bar_w, style.unicode);
        let bar_pad = bar_w - bar.chars().count();
        let mut line = format!("{}{label} {bar}{}", " ".repeat(pad), " ".repeat(bar_pad));
        if with_counts {
            let _ = write!(line, " {:>count_w$}", counts[i]);
        }
        if with_marks && !marks[i].is_empty() {
            let _ = write!(line, " {}", marks[i]);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A bar of `count / most` of `width` cells; eighths of a cell in Unicode.
fn bar(count: u64, most: u64, width: usize, unicode: bool) -> String {
    if count == 0 {
        return String::new();
    }
    let eighths = ((count as f64 / most as f64) * (width * 8) as f64).round() as usize;
    let eighths = eighths.clamp(1, width * 8);
    if unicode {
        const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
        let mut s = "█".repeat(eighths / 8);
        if !eighths.is_multiple_of(8) {
            s.push(PARTS[eighths % 8]);
        }
        s
    } else {
        let cells = eighths / 8;
        if cells == 0 {
            ".".to_string()
        } else {
            "#".repeat(cells + usize::from(eighths % 8 >= 4).min(width - cells))
        }
    }
}

/// One sparkline per row on a shared scale, labelled, with the row's peak and mean when there is
/// room. More samples than columns are averaged into the columns.
pub fn sparklines(rows: &[(&str, Vec<f64>)], style: Style) -> String {
    let label_w = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let stats: Vec<String> = rows
        .iter()
        .map(|(_, v)| {
            let max = v.iter().cloned().fold(0.0, f64::max);
            let mean = if v.is_empty() {
                0.0
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            };
            format!("peak {} mean {}", fmt_rate(max), fmt_rate(mean))
        })
        .collect();
    let stats_w = stats.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut line_w = style.width.saturating_sub(label_w + 1 + 1 + stats_w);
    let with_stats = line_w >= 8;
    if !with_stats {
        line_w = style.width.saturating_sub(label_w + 1).max(1);
    }
    let top = rows
        .iter()
        .flat_map(|(_, v)| v.iter().cloned())
        .fold(0.0, f64::max);
    let mut out = String::new();
    for ((label, values), stat) in rows.iter().zip(&stats) {
        let line = sparkline(&resample(values, line_w), top, style.unicode);
        let pad = line_w.saturating_sub(line.chars().count());
        let mut s = format!("{label:>label_w$} {line}");
        if with_stats {
            let _ = write!(s, "{} {stat}", " ".repeat(pad));
        }
        out.push_str(s.trim_end());
        out.push('\n');
    }
    out
}

/// At most `width` values: consecutive samples averaged into columns.
pub fn resample(values: &[f64], width: usize) -> Vec<f64> {
    if values.len() <= width || width == 0 {
        return values.to_vec();
    }
    (0..width)
        .map(|c| {
            let a = c * values.len() / width;
            let b = ((c + 1) * values.len() / width).max(a + 1);
            values[a..b].iter().sum::<f64>() / (b - a) as f64
        })
        .collect()
}

/// One character per value, eight levels up to `top`; zero is a blank, anything above zero at
/// least the lowest level.
pub fn sparkline(values: &[f64], top: f64, unicode: bool) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    const ASCII: [char; 8] = ['_', '.', '-', ':', '=', '+', '*', '#'];
    let levels = if unicode { &BLOCKS } else { &ASCII };
    values
        .iter()
        .map(|&v| {
            if v <= 0.0 || top <= 0.0 {
                ' '
            } else {
                let i = ((v / top) * 8.0).ceil() as usize;
                levels[i.clamp(1, 8) - 1]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::result::fixture;

    const WIDE: Style = Style {
        width: 80,
        unicode: true,
    };

    #[test]
    fn locale_detection_follows_the_c_library_order() {
        assert!(utf8_locale(None, None, Some("en_US.UTF-8")));
        assert!(utf8_locale(None, Some("C.utf8"), Some("C")));
        assert!(!utf8_locale(Some("C"), Some("en_US.UTF-8"), None));
        assert!(utf8_locale(Some(""), None, Some("de_DE.utf8")));
        assert!(!utf8_locale(None, None, None));
        assert!(!utf8_locale(None, None, Some("POSIX")));
    }

    #[test]
    fn snapshot_unicode_80_columns() {
        let text = render(&fixture::with_histograms(), WIDE);
        assert!(text.starts_with("end-to-end latency"), "{text}");
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "too wide: {line}");
        }
        insta_like("unicode_80", &text);
    }

    /// Compares with the snapshot file next to the tests; `UPDATE_SNAPSHOTS=1` rewrites it.
    fn insta_like(name: &str, text: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/bench/export/snapshots")
            .join(format!("charts_{name}.txt"));
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("no snapshot {path:?}; run with UPDATE_SNAPSHOTS=1"));
        assert_eq!(
            text, want,
            "snapshot {name} differs; UPDATE_SNAPSHOTS=1 rewrites it"
        );
    }

    #[test]
    fn snapshot_ascii_and_narrow() {
        let r = fixture::with_histograms();
        let ascii = render(
            &r,
            Style {
                width: 60,
                unicode: false,
            },
        );
        assert!(ascii.is_ascii(), "{ascii}");
        assert!(ascii.contains("us-"), "{ascii}");
        insta_like("ascii_60", &ascii);
        let narrow = render(
            &r,
            Style {
                width: 30,
                unicode: true,
            },
        );
        insta_like("unicode_30", &narrow);
    }

    #[test]
    fn every_width_fits() {
        let r = fixture::with_histograms();
        for width in MIN_WIDTH..=140 {
            for unicode in [true, false] {
                let text = render(&r, Style { width, unicode });
                assert!(text.contains("received"), "{width}: {text}");
                for line in text.lines() {
                    assert!(
                        line.chars().count() <= width.min(MAX_WIDTH),
                        "width {width}: {line:?}"
                    );
                }
            }
        }
        assert_eq!(
            render(
                &r,
                Style {
                    width: MIN_WIDTH - 1,
                    unicode: true
                }
            ),
            ""
        );
    }

    #[test]
    fn bars_scale_and_keep_rare_buckets_visible() {
        assert_eq!(bar(0, 10, 10, true), "");
        assert_eq!(bar(10, 10, 4, true), "████");
        assert_eq!(bar(1, 1000, 4, true), "▏");
        assert_eq!(bar(1, 1000, 4, false), ".");
        assert_eq!(bar(5, 10, 4, false), "##");
        assert_eq!(bar(3, 16, 2, true), "▍");
    }

    #[test]
    fn sparkline_levels_and_resampling() {
        assert_eq!(sparkline(&[0.0, 1.0, 4.0, 8.0], 8.0, true), " ▁▄█");
        assert_eq!(sparkline(&[0.0, 1.0, 4.0, 8.0], 8.0, false), " _:#");
        assert_eq!(resample(&[1.0, 3.0, 5.0, 7.0], 2), vec![2.0, 6.0]);
        assert_eq!(resample(&[1.0, 2.0], 10), vec![1.0, 2.0]);
        let at = |t: f64, sent: u64| Sample {
            t,
            sent,
            ..Default::default()
        };
        assert_eq!(
            rates(&[at(1.0, 10), at(1.5, 10)], |s| s.sent),
            vec![10.0, 20.0]
        );
        // A 50 ms tail joins the interval before it instead of showing as 100/s.
        assert_eq!(
            timed_rates(&[at(1.0, 10), at(1.5, 10), at(1.55, 5)], |s| s.sent),
            vec![(1.0, 10.0), (1.55, 15.0 / 0.55)]
        );
    }

    #[test]
    fn results_without_histograms_show_only_throughput() {
        let text = render(&fixture::sample(), WIDE);
        assert!(!text.contains("latency"), "{text}");
        assert!(text.contains("sent"), "{text}");
        let mut conn = fixture::sample();
        conn.mode = Mode::Conn;
        conn.series.clear();
        assert_eq!(render(&conn, WIDE), "");
        conn.series = vec![Sample {
            t: 1.0,
            connected: 300,
            ..Default::default()
        }];
        conn.connect.time = fixture::latency(300, 900).summary();
        let text = render(&conn, WIDE);
        assert!(text.starts_with("connect time (300 samples):\n"), "{text}");
        assert!(text.contains("connected █"), "{text}");
    }
}
