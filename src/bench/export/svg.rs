//! Inline SVG charts for the HTML report: line charts on linear or log axes and grouped bar
//! charts. Written by hand rather than with a plotting crate so the charts take their colours
//! from the page's CSS (dark and light mode, print), carry no fonts or scripts, and stay small.
//! Pure string building; coordinates are rounded to a tenth of a pixel.

use std::fmt::Write as _;

/// The drawing area, in SVG user units (the SVG scales to the page width).
const W: f64 = 560.0;
const H: f64 = 320.0;
const LEFT: f64 = 62.0;
const RIGHT: f64 = 26.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 44.0;

/// How many distinct series colours the stylesheet defines (`c0` ... `c5`).
pub const COLOURS: usize = 6;

/// Escapes text for XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Maps data values onto `0..=1` along an axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    Linear {
        min: f64,
        max: f64,
    },
    /// Base 10; `min` must be above zero (values at or below it sit on the axis).
    Log {
        min: f64,
        max: f64,
    },
}

impl Scale {
    pub fn frac(self, v: f64) -> f64 {
        let f = match self {
            Scale::Linear { min, max } => {
                if max > min {
                    (v - min) / (max - min)
                } else {
                    0.0
                }
            }
            Scale::Log { min, max } => {
                let (a, b) = (min.max(f64::MIN_POSITIVE).log10(), max.log10());
                if b > a {
                    (v.max(min).log10() - a) / (b - a)
                } else {
                    0.0
                }
            }
        };
        f.clamp(0.0, 1.0)
    }
}

/// An axis: its scale, labelled tick positions (in data units) and a caption.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub scale: Scale,
    pub ticks: Vec<(f64, String)>,
    pub label: String,
}

/// Round tick positions for a linear axis from 0 (or `min`) to at least `max`, and the axis end.
pub fn linear_ticks(
    min: f64,
    max: f64,
    fmt: impl Fn(f64) -> String,
) -> (Scale, Vec<(f64, String)>) {
    let span = (max - min).max(1e-9);
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= 6.0)
        .unwrap_or(10.0 * mag);
    let steps = (span / step).ceil().clamp(1.0, 10.0);
    let top = min + steps * step;
    // Counted, not accumulated: no endless loop where adding a step no longer changes a huge
    // value (result files are input; their figures can be anything).
    let ticks = (0..=steps as usize)
        .map(|i| min + i as f64 * step)
        .filter(|v| v.is_finite())
        .map(|v| (v, fmt(v)))
        .collect();
    (Scale::Linear { min, max: top }, ticks)
}

/// Ticks at 1, 2, 5 × 10^k between `min` and `max` (above zero), thinned to 1 × 10^k when there
/// would be too many.
pub fn log_ticks(min: f64, max: f64, fmt: impl Fn(f64) -> String) -> (Scale, Vec<(f64, String)>) {
    let lo = 10f64.powf(min.max(1e-9).log10().floor());
    let hi = 10f64.powf(max.max(min * 10.0).log10().ceil());
    let decades = ((hi / lo).log10().round() as usize).min(40);
    let mults: &[f64] = if decades <= 3 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    // Counted, not accumulated until past `hi`: `hi` may be infinite for absurd input.
    let mut ticks = Vec::new();
    for k in 0..=decades {
        let d = lo * 10f64.powi(k as i32);
        for m in mults {
            let v = d * m;
            if v <= hi * 1.000_001 && v.is_finite() {
                ticks.push((v, fmt(v)));
            }
        }
    }
    (Scale::Log { min: lo, max: hi }, ticks)
}

/// One line of a line chart; `colour` picks the stylesheet colour, `dashed` a second style for
/// a second measure of the same run.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub label: String,
    pub colour: usize,
    pub dashed: bool,
    pub points: Vec<(f64, f64)>,
    /// Draw as steps (per-interval counts) rather than straight segments.
    pub steps: bool,
}

fn px(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

fn plot_x(f: f64) -> f64 {
    LEFT + f * (W - LEFT - RIGHT)
}

fn plot_y(f: f64) -> f64 {
    TOP + (1.0 - f) * (H - TOP - BOTTOM)
}

/// The frame, grid lines and tick labels shared by both chart kinds.
fn frame(
    o: &mut String,
    x_ticks: &[(f64, String)],
    x: &dyn Fn(f64) -> f64,
    y: &Axis,
    x_label: &str,
) {
    o.push_str("<g class=\"grid\">");
    for (v, _) in &y.ticks {
        let py = px(plot_y(y.scale.frac(*v)));
        let _ = write!(
            o,
            "<line x1=\"{}\" y1=\"{py}\" x2=\"{}\" y2=\"{py}\"/>",
            px(LEFT),
            px(W - RIGHT)
        );
    }
    for (v, _) in x_ticks {
        let pxv = px(x(*v));
        let _ = write!(
            o,
            "<line x1=\"{pxv}\" y1=\"{}\" x2=\"{pxv}\" y2=\"{}\"/>",
            px(TOP),
            px(H - BOTTOM)
        );
    }
    o.push_str("</g><g class=\"axis\">");
    let _ = write!(
        o,
        "<path d=\"M{} {}V{}H{}\"/>",
        px(LEFT),
        px(TOP),
        px(H - BOTTOM),
        px(W - RIGHT)
    );
    for (v, label) in &y.ticks {
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            px(LEFT - 6.0),
            px(plot_y(y.scale.frac(*v)) + 4.0),
            esc(label)
        );
    }
    for (v, label) in x_ticks {
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(x(*v)),
            px(H - BOTTOM + 16.0),
            esc(label)
        );
    }
    let _ = write!(
        o,
        "<text class=\"caption\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        px((LEFT + W - RIGHT) / 2.0),
        px(H - 6.0),
        esc(x_label)
    );
    let _ = write!(
        o,
        "<text class=\"caption\" transform=\"translate(14 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        px((TOP + H - BOTTOM) / 2.0),
        esc(&y.label)
    );
    o.push_str("</g>");
}

fn open(o: &mut String, id: &str, title: &str) {
    let _ = write!(
        o,
        "<figure class=\"chart\" id=\"{}\"><figcaption>{}</figcaption>\
         <svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">",
        esc(id),
        esc(title),
        px(W),
        px(H),
        esc(title)
    );
}

fn legend(o: &mut String, keys: &[(usize, bool, &str)]) {
    o.push_str("</svg><p class=\"legend\">");
    for (colour, dashed, label) in keys {
        let _ = write!(
            o,
            "<span><i class=\"key c{}{}\"></i>{}</span>",
            colour % COLOURS,
            if *dashed { " dashed" } else { "" },
            esc(label)
        );
    }
    o.push_str("</p></figure>\n");
}

/// A line chart in a `<figure>` with its legend.
pub fn line_chart(id: &str, title: &str, x: &Axis, y: &Axis, lines: &[Line]) -> String {
    let mut o = String::new();
    open(&mut o, id, title);
    let xs = |v: f64| plot_x(x.scale.frac(v));
    frame(&mut o, &x.ticks, &xs, y, &x.label);
    for l in lines {
        if l.points.is_empty() {
            continue;
        }
        let mut d = String::new();
        let mut prev: Option<(f64, f64)> = None;
        for &(vx, vy) in &l.points {
            let (cx, cy) = (xs(vx), plot_y(y.scale.frac(vy)));
            match prev {
                None => {
                    let _ = write!(d, "M{} {}", px(cx), px(cy));
                }
                // A step holds its value from the previous point's x to this one's.
                Some(_) if l.steps => {
                    let _ = write!(d, "V{}H{}", px(cy), px(cx));
                }
                Some(_) => {
                    let _ = write!(d, "L{} {}", px(cx), px(cy));
                }
            }
            prev = Some((cx, cy));
        }
        let _ = write!(
            o,
            "<path class=\"line c{}{}\" d=\"{d}\"><title>{}</title></path>",
            l.colour % COLOURS,
            if l.dashed { " dashed" } else { "" },
            esc(&l.label)
        );
    }
    let keys: Vec<(usize, bool, &str)> = lines
        .iter()
        .map(|l| (l.colour, l.dashed, l.label.as_str()))
        .collect();
    legend(&mut o, &keys);
    o
}

/// One set of bars of a grouped bar chart: a value per category.
#[derive(Clone, Debug, PartialEq)]
pub struct Bars {
    pub label: String,
    pub colour: usize,
    pub values: Vec<f64>,
}

/// Grouped bars over categories (e.g. latency buckets), one bar per set in each group.
pub fn bar_chart(
    id: &str,
    title: &str,
    categories: &[String],
    x_label: &str,
    y: &Axis,
    sets: &[Bars],
) -> String {
    let mut o = String::new();
    open(&mut o, id, title);
    let n = categories.len().max(1) as f64;
    let slot = (W - LEFT - RIGHT) / n;
    let centre = |i: f64| LEFT + slot * (i + 0.5);
    // Only some category labels fit under a narrow slot.
    let every = ((40.0 / slot).ceil() as usize).max(1);
    let ticks: Vec<(f64, String)> = categories
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, c)| (i as f64, c.clone()))
        .collect();
    frame(&mut o, &ticks, &centre, y, x_label);
    let k = sets.len().max(1) as f64;
    let bar_w = (slot * 0.8 / k).max(0.5);
    for (j, set) in sets.iter().enumerate() {
        let _ = write!(
            o,
            "<g class=\"bars c{}\"><title>{}</title>",
            set.colour % COLOURS,
            esc(&set.label)
        );
        for (i, v) in set.values.iter().enumerate() {
            if *v <= 0.0 {
                continue;
            }
            let top = plot_y(y.scale.frac(*v)).min(H - BOTTOM - 1.0);
            let x0 = LEFT + slot * (i as f64 + 0.1) + bar_w * j as f64;
            let _ = write!(
                o,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                px(x0),
                px(top),
                px(bar_w),
                px(H - BOTTOM - top)
            );
        }
        o.push_str("</g>");
    }
    let keys: Vec<(usize, bool, &str)> = sets
        .iter()
        .map(|s| (s.colour, false, s.label.as_str()))
        .collect();
    legend(&mut o, &keys);
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_map_into_the_unit_interval() {
        let lin = Scale::Linear {
            min: 0.0,
            max: 10.0,
        };
        assert_eq!(lin.frac(5.0), 0.5);
        assert_eq!(lin.frac(20.0), 1.0);
        let log = Scale::Log {
            min: 1.0,
            max: 1000.0,
        };
        assert!((log.frac(10.0) - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(log.frac(0.0), 0.0);
    }

    #[test]
    fn ticks_are_round() {
        let (scale, ticks) = linear_ticks(0.0, 93.0, |v| format!("{v}"));
        assert_eq!(
            scale,
            Scale::Linear {
                min: 0.0,
                max: 100.0
            }
        );
        assert_eq!(
            ticks.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(),
            ["0", "20", "40", "60", "80", "100"]
        );
        let (scale, ticks) = log_ticks(40.0, 3000.0, |v| format!("{v}"));
        assert_eq!(
            scale,
            Scale::Log {
                min: 10.0,
                max: 10000.0
            }
        );
        assert_eq!(ticks.len(), 10);
        let (_, wide) = log_ticks(1.0, 1e7, |v| format!("{v}"));
        assert_eq!(wide.len(), 8);
    }

    #[test]
    fn ticks_stay_few_for_any_range() {
        for (lo, hi) in [(0.0, 1.7e308), (0.0, 1e-300), (5.0, 5.0), (0.0, f64::MAX)] {
            let (_, t) = linear_ticks(lo, hi, |v| format!("{v}"));
            assert!(!t.is_empty() && t.len() <= 11, "{lo} {hi}: {}", t.len());
        }
        let (_, t) = log_ticks(1.0, 1.8e19, |v| format!("{v}"));
        assert!(t.len() <= 41);
        let (_, t) = log_ticks(1.0, f64::MAX, |v| format!("{v}"));
        assert!(t.len() <= 41);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\"'"), "a&lt;b &amp; &quot;c&quot;&#39;");
    }

    #[test]
    fn a_line_chart_is_one_figure() {
        let (scale, ticks) = linear_ticks(0.0, 10.0, |v| format!("{v}"));
        let axis = Axis {
            scale,
            ticks,
            label: "x".into(),
        };
        let svg = line_chart(
            "t",
            "T <1>",
            &axis,
            &axis,
            &[Line {
                label: "a".into(),
                colour: 7,
                dashed: true,
                points: vec![(0.0, 0.0), (10.0, 10.0)],
                steps: false,
            }],
        );
        assert!(
            svg.starts_with(
                "<figure class=\"chart\" id=\"t\"><figcaption>T &lt;1&gt;</figcaption>"
            )
        );
        assert!(
            svg.contains("<path class=\"line c1 dashed\" d=\"M62 276L534 12\">"),
            "{svg}"
        );
        assert!(svg.trim_end().ends_with("</figure>"));
        // Steps: each value holds until its x, then the line jumps to the next value.
        let steps = line_chart(
            "s",
            "S",
            &axis,
            &axis,
            &[Line {
                label: "b".into(),
                colour: 0,
                dashed: false,
                points: vec![(0.0, 10.0), (5.0, 10.0), (10.0, 0.0)],
                steps: true,
            }],
        );
        assert!(steps.contains("d=\"M62 12V12H298V276H534\""), "{steps}");
    }
}
