//! The self-contained HTML report (`bench --report`, `bench report -o`): settings, summary
//! table, comparison of runs, and inline SVG charts (latency percentiles on an HDR axis, latency
//! histogram, throughput, connect times, errors and reconnects over time). One file, no scripts,
//! no external resources; colours follow the reader's light or dark mode and print well.
//!
//! The markup is also well-formed XML (every element closed, attributes quoted), so tests can
//! parse it strictly.

use std::fmt::Write as _;

use hdrhistogram::Histogram;

use super::charts::timed_rates;
use super::compare::{FIGURES, Run, difference_notes, ratio, show_ratio, verdict};
use super::svg::{self, Axis, Bars, Line, Scale, esc};
use super::text::banner;
use super::{fmt_rate, fmt_us};
use crate::bench::hdr;
use crate::bench::result::{BenchResult, Mode, Percentiles, Sample};

/// The ids of the chart figures, in page order (tests look for them).
pub const CHART_IDS: [&str; 5] = [
    "latency-percentiles",
    "latency-histogram",
    "throughput",
    "connect-time",
    "errors",
];

const STYLE: &str = r#"
:root{color-scheme:light dark;--bg:#fff;--fg:#1d2330;--muted:#5b6475;--grid:#e3e6ec;--axis:#8a93a5;--card:#f5f6f8;--line:#d5d9e0;
--c0:#1f6fb4;--c1:#e0670a;--c2:#23923d;--c3:#cc2b2b;--c4:#8054c0;--c5:#8c564b;--good:#1a7f37;--bad:#cf222e}
@media (prefers-color-scheme:dark){:root{--bg:#14171c;--fg:#e6e8ec;--muted:#9aa3b2;--grid:#2a2f3a;--axis:#6b7385;--card:#1b1f26;--line:#333a46;
--c0:#5fa8e8;--c1:#ffa04d;--c2:#5cc85c;--c3:#ff6b6b;--c4:#b99cf0;--c5:#d3a08c;--good:#56d364;--bad:#ff7b72}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
.sub{color:var(--muted);margin:0 0 8px}
.banner{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;background:var(--card);padding:8px 10px;border-radius:6px;white-space:pre-wrap;margin:6px 0}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:6px 0}
th,td{padding:3px 12px 3px 0;text-align:right;border-bottom:1px solid var(--line);vertical-align:top}
th:first-child,td:first-child{text-align:left;color:var(--muted);font-weight:normal}
thead th{color:var(--fg);font-weight:600}
td.better{color:var(--good)}td.worse{color:var(--bad)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:18px}
figure.chart{margin:0;background:var(--card);border-radius:8px;padding:10px 12px}
figcaption{font-weight:600;margin-bottom:4px}
figure.empty p{color:var(--muted)}
svg{width:100%;height:auto;display:block}
svg text{fill:var(--muted);font-size:11px}
svg text.caption{fill:var(--fg);font-size:12px}
.grid line{stroke:var(--grid);stroke-width:1}
.axis path{stroke:var(--axis);fill:none}
path.line{fill:none;stroke-width:2;stroke-linejoin:round}
path.dashed{stroke-dasharray:7 4}
.legend{margin:4px 0 0;font-size:12.5px}.legend span{margin-right:14px;white-space:nowrap}
.key{display:inline-block;width:20px;height:4px;vertical-align:middle;margin-right:6px;border-radius:2px}
ul{margin:4px 0;padding-left:20px}
.pass{color:var(--good)}.fail{color:var(--bad);font-weight:600}
footer{color:var(--muted);font-size:12px;margin-top:28px}
@media print{:root{--bg:#fff;--fg:#000;--muted:#444;--grid:#ddd;--axis:#777;--card:#fff;--line:#ccc;
--c0:#1f6fb4;--c1:#e0670a;--c2:#23923d;--c3:#cc2b2b;--c4:#8054c0;--c5:#8c564b;--good:#1a7f37;--bad:#cf222e}
body{-webkit-print-color-adjust:exact;print-color-adjust:exact}main{max-width:none;padding:0}
.charts{display:block}figure.chart{break-inside:avoid;margin:0 0 12px;border:1px solid var(--line)}h2{break-after:avoid}}
"#;

/// The stylesheet with one rule set per series colour.
fn style() -> String {
    let mut s = STYLE.trim_start().to_string();
    for i in 0..svg::COLOURS {
        let _ = writeln!(
            s,
            "path.c{i}{{stroke:var(--c{i})}}.bars.c{i}{{fill:var(--c{i})}}.key.c{i}{{background:var(--c{i})}}\
             .key.dashed.c{i}{{background:repeating-linear-gradient(90deg,var(--c{i}) 0 7px,transparent 7px 11px)}}"
        );
    }
    s
}

/// The whole report for one run or a comparison of several (the first is the baseline).
pub fn report(runs: &[Run]) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let title = match runs {
        [one] => format!(
            "mqtk bench {}: {}",
            one.result.mode,
            short_when(&one.result)
        ),
        _ => format!("mqtk bench: {} runs compared", runs.len()),
    };
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <meta name=\"generator\" content=\"mqtk {}\"/><title>{}</title><style>\n{}</style></head>\n<body><main>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&title),
        style()
    );
    let _ = writeln!(o, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(o, "<p class=\"sub\">{}</p>", esc(&subtitle(runs)));

    for r in runs {
        let _ = writeln!(
            o,
            "<p class=\"banner\">{}{}</p>",
            if runs.len() > 1 {
                format!("{}: ", esc(&r.name))
            } else {
                String::new()
            },
            esc(banner(&r.result).trim_end())
        );
    }
    o.push_str("<section id=\"summary\"><h2>Summary</h2>\n");
    table(&mut o, runs, &summary_rows(runs));
    latency_table(&mut o, runs);
    o.push_str("</section>\n");
    if runs.len() > 1 {
        comparison(&mut o, runs);
    }
    o.push_str("<section id=\"charts\"><h2>Charts</h2><div class=\"charts\">\n");
    o.push_str(&percentile_chart(runs));
    o.push_str(&histogram_chart(runs));
    o.push_str(&throughput_chart(runs));
    o.push_str(&connect_chart(runs));
    o.push_str(&errors_chart(runs));
    o.push_str("</div></section>\n<section id=\"settings\"><h2>Settings</h2>\n");
    table(&mut o, runs, &settings_rows(runs));
    o.push_str("</section>\n");
    notes(&mut o, runs);
    let _ = writeln!(
        o,
        "<footer>Written by mqtk {} from the result document{} (<code>mqtk bench report</code> \
         rebuilds it from <code>--json</code> output). Self-contained: no scripts, no external \
         resources.</footer>\n</main></body></html>",
        env!("CARGO_PKG_VERSION"),
        if runs.len() > 1 { "s" } else { "" }
    );
    o
}

fn short_when(r: &BenchResult) -> String {
    match r.mode {
        Mode::Conn => r.start.clone(),
        _ => format!("QoS {}, {}", r.settings.qos, r.start),
    }
}

fn subtitle(runs: &[Run]) -> String {
    runs.iter()
        .map(|r| {
            format!(
                "{}{} to {}, {} to {}",
                if runs.len() > 1 {
                    format!("{}: ", r.name)
                } else {
                    String::new()
                },
                r.result.mode,
                r.result.settings.broker,
                r.result.start,
                r.result.end
            )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

type Row = (String, Vec<String>);

/// A table row's name and how to read its cell from a result (`None`: not measured).
type RowSpec<'a> = (&'a str, &'a dyn Fn(&BenchResult) -> Option<String>);

/// A latency statistic's name and how to read it.
type Stat = (&'static str, fn(&Percentiles) -> f64);

/// A per-second measure's name, its field, and whether it is drawn dashed.
type Measure = (&'static str, fn(&Sample) -> u64, bool);

/// A table with a column per run.
fn table(o: &mut String, runs: &[Run], rows: &[Row]) {
    o.push_str("<table><thead><tr><th></th>");
    for r in runs {
        let _ = write!(o, "<th>{}</th>", esc(&r.name));
    }
    o.push_str("</tr></thead><tbody>\n");
    for (name, cells) in rows {
        let _ = write!(o, "<tr><td>{}</td>", esc(name));
        for c in cells {
            let _ = write!(o, "<td>{}</td>", esc(c));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table>\n");
}

/// A row per figure, leaving out figures no run has.
fn rows_of(runs: &[Run], spec: &[RowSpec<'_>]) -> Vec<Row> {
    spec.iter()
        .filter_map(|(name, f)| {
            let cells: Vec<Option<String>> = runs.iter().map(|r| f(&r.result)).collect();
            cells.iter().any(Option::is_some).then(|| {
                (
                    name.to_string(),
                    cells
                        .into_iter()
                        .map(|c| c.unwrap_or_else(|| "-".into()))
                        .collect(),
                )
            })
        })
        .collect()
}

fn settings_rows(runs: &[Run]) -> Vec<Row> {
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    rows_of(
        runs,
        &[
            ("mode", &|r| Some(r.mode.to_string())),
            ("broker", &|r| Some(r.settings.broker.clone())),
            ("MQTT version", &|r| Some(r.settings.protocol.clone())),
            ("QoS", &|r| Some(r.settings.qos.to_string())),
            ("publishers", &|r| {
                r.mode
                    .publishes()
                    .then(|| r.settings.publishers.to_string())
            }),
            ("subscribers", &|r| {
                r.mode
                    .subscribes()
                    .then(|| r.settings.subscribers.to_string())
            }),
            ("connections", &|r| {
                (r.mode == Mode::Conn).then(|| r.settings.connections.to_string())
            }),
            ("messages per publisher", &|r| {
                r.settings.messages.map(|m| m.to_string())
            }),
            ("duration", &|r| {
                r.settings.duration_s.map(|d| format!("{d}s"))
            }),
            ("message size", &|r| {
                (r.mode != Mode::Conn).then(|| format!("{} bytes", r.settings.size))
            }),
            ("rate per publisher", &|r| {
                r.mode.publishes().then(|| {
                    if r.settings.rate > 0.0 {
                        format!("{} msgs/s", r.settings.rate)
                    } else {
                        "as fast as possible".into()
                    }
                })
            }),
            ("topic", &|r| {
                r.mode.publishes().then(|| r.settings.topic.clone())
            }),
            ("filter", &|r| {
                r.mode.subscribes().then(|| r.settings.filter.clone())
            }),
            ("max in flight", &|r| {
                (r.settings.qos > 0).then(|| r.settings.max_inflight.to_string())
            }),
            ("network I/O batched", &|r| {
                (r.settings.coalesce_us > 0).then(|| super::fmt_us(r.settings.coalesce_us as f64))
            }),
            ("warm-up", &|r| {
                (r.settings.warmup_s > 0.0).then(|| format!("{}s", r.settings.warmup_s))
            }),
            ("retain", &|r| r.settings.retain.then(|| yes(true))),
            ("clean session", &|r| Some(yes(r.settings.clean_session))),
            ("started", &|r| Some(r.start.clone())),
            ("ended", &|r| Some(r.end.clone())),
            ("elapsed", &|r| Some(format!("{:.2}s", r.elapsed_s))),
            ("measured", &|r| Some(format!("{:.2}s", r.measured_s))),
            ("interrupted", &|r| r.interrupted.then(|| yes(true))),
        ],
    )
}

fn summary_rows(runs: &[Run]) -> Vec<Row> {
    rows_of(
        runs,
        &[
            ("published", &|r| {
                r.publish.as_ref().map(|p| p.sent.to_string())
            }),
            ("publish rate (msgs/s)", &|r| {
                r.publish.as_ref().map(|p| format!("{:.1}", p.rate))
            }),
            ("publish MB/s", &|r| {
                r.publish.as_ref().map(|p| format!("{:.2}", p.mb_per_s))
            }),
            ("acknowledged", &|r| {
                r.publish
                    .as_ref()
                    .filter(|_| r.settings.qos > 0)
                    .map(|p| p.acked.to_string())
            }),
            ("received", &|r| {
                r.receive.as_ref().map(|p| p.received.to_string())
            }),
            ("receive rate (msgs/s)", &|r| {
                r.receive.as_ref().map(|p| format!("{:.1}", p.rate))
            }),
            ("receive MB/s", &|r| {
                r.receive.as_ref().map(|p| format!("{:.2}", p.mb_per_s))
            }),
            ("expected", &|r| {
                r.receive
                    .as_ref()
                    .and_then(|p| p.expected)
                    .map(|e| e.to_string())
            }),
            ("lost", &|r| r.receive.as_ref().map(|p| p.lost.to_string())),
            ("duplicates", &|r| {
                r.receive.as_ref().map(|p| p.duplicates.to_string())
            }),
            ("out of order", &|r| {
                r.receive.as_ref().map(|p| p.out_of_order.to_string())
            }),
            ("connections", &|r| {
                Some(format!(
                    "{} of {} ({} failed, {:.1}/s)",
                    r.connect.connected, r.connect.attempted, r.connect.failed, r.connect.rate
                ))
            }),
            ("memory", &|r| {
                r.connect
                    .rss_bytes
                    .map(|b| format!("{:.1} MB", b as f64 / 1e6))
            }),
            ("errors", &|r| {
                Some(if r.errors.is_empty() {
                    "none".into()
                } else {
                    r.errors
                        .iter()
                        .map(|(k, v)| format!("{k}: {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
            }),
            ("reconnects", &|r| Some(r.reconnects.to_string())),
        ],
    )
}

/// One row per run and latency distribution, one column per statistic.
fn latency_table(o: &mut String, runs: &[Run]) {
    type Dist = fn(&BenchResult) -> Option<&Percentiles>;
    let dists: [(&str, Dist); 3] = [
        ("end to end", |r| r.latency.as_ref()),
        ("publish to ack", |r| r.ack_latency.as_ref()),
        ("connect", |r| r.connect.time.as_ref()),
    ];
    let stats: [Stat; 7] = [
        ("min", |p| p.min_us as f64),
        ("p50", |p| p.p50_us as f64),
        ("p90", |p| p.p90_us as f64),
        ("p99", |p| p.p99_us as f64),
        ("p99.9", |p| p.p999_us as f64),
        ("max", |p| p.max_us as f64),
        ("mean", |p| p.mean_us),
    ];
    let mut body = String::new();
    for (dname, d) in dists {
        for run in runs {
            let Some(p) = d(&run.result) else { continue };
            let name = if runs.len() > 1 {
                format!("{}: {dname}", run.name)
            } else {
                dname.to_string()
            };
            let _ = write!(body, "<tr><td>{}</td><td>{}</td>", esc(&name), p.count);
            for (_, s) in stats {
                let _ = write!(body, "<td>{}</td>", esc(&fmt_us(s(p))));
            }
            body.push_str("</tr>\n");
        }
    }
    if body.is_empty() {
        return;
    }
    o.push_str("<table class=\"latency\"><thead><tr><th>latency</th><th>samples</th>");
    for (name, _) in stats {
        let _ = write!(o, "<th>{name}</th>");
    }
    o.push_str("</tr></thead><tbody>\n");
    o.push_str(&body);
    o.push_str("</tbody></table>\n");
}

fn comparison(o: &mut String, runs: &[Run]) {
    let base = &runs[0];
    let _ = write!(
        o,
        "<section id=\"comparison\"><h2>Comparison</h2><p class=\"sub\">Ratios to the first \
         result, {}.</p><table><thead><tr><th></th><th>{}</th>",
        esc(&base.name),
        esc(&base.name)
    );
    for r in &runs[1..] {
        let _ = write!(o, "<th>{}</th><th>ratio</th>", esc(&r.name));
    }
    o.push_str("</tr></thead><tbody>\n");
    for f in &FIGURES {
        let b = f.value(&base.result);
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td>",
            esc(f.name),
            esc(&f.show(b))
        );
        for r in &runs[1..] {
            let v = f.value(&r.result);
            let q = ratio(b, v);
            let _ = write!(
                o,
                "<td>{}</td><td class=\"{}\">{}</td>",
                esc(&f.show(v)),
                verdict(f, q),
                esc(&show_ratio(q))
            );
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table>\n");
    for n in difference_notes(runs) {
        let _ = writeln!(o, "<p class=\"sub\">Note: {}.</p>", esc(&n));
    }
    o.push_str("</section>\n");
}

fn notes(o: &mut String, runs: &[Run]) {
    let any = runs
        .iter()
        .any(|r| !r.result.notes.is_empty() || !r.result.assertions.is_empty());
    if !any {
        return;
    }
    o.push_str("<section id=\"notes\"><h2>Notes</h2><ul>\n");
    for r in runs {
        let who = if runs.len() > 1 {
            format!("{}: ", r.name)
        } else {
            String::new()
        };
        for n in &r.result.notes {
            let _ = writeln!(o, "<li>{}{}</li>", esc(&who), esc(n));
        }
        for a in &r.result.assertions {
            let _ = writeln!(
                o,
                "<li>{}assert <code>{}</code>: <span class=\"{}\">{}</span>{}</li>",
                esc(&who),
                esc(&a.expr),
                if a.passed { "pass" } else { "fail" },
                if a.passed { "pass" } else { "FAIL" },
                a.actual
                    .map_or(" (not measured)".into(), |v| format!(" (actual {v:.2})"))
            );
        }
    }
    o.push_str("</ul></section>\n");
}

/// A figure that says why a chart has nothing to draw.
fn empty(id: &str, title: &str, why: &str) -> String {
    format!(
        "<figure class=\"chart empty\" id=\"{id}\"><figcaption>{}</figcaption><p>{}</p></figure>\n",
        esc(title),
        esc(why)
    )
}

/// A latency figure in the shortest unit that keeps it whole: `20µs`, `5ms`, `2s`.
fn axis_us(v: f64) -> String {
    let v = v.round() as u64;
    if v < 1000 {
        format!("{v}µs")
    } else if v < 1_000_000 {
        format!("{}ms", trim(v as f64 / 1e3))
    } else {
        format!("{}s", trim(v as f64 / 1e6))
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The distributions a run has for message latency: label, dashed, the summary. A `conn` run
/// has none; its connect times stand in on the percentile chart.
fn message_latencies(r: &BenchResult) -> Vec<(&'static str, bool, &Percentiles)> {
    let mut v = Vec::new();
    if r.mode == Mode::Conn {
        if let Some(p) = &r.connect.time {
            v.push(("connect time", false, p));
        }
        return v;
    }
    if let Some(p) = &r.latency {
        v.push(("end to end", false, p));
    }
    if let Some(p) = &r.ack_latency {
        v.push(("publish to ack", true, p));
    }
    v
}

/// Series label and colour: one run colours by measure, several runs colour by run.
fn label_colour(runs: &[Run], run: usize, measure: usize, what: &str) -> (String, usize) {
    if runs.len() == 1 {
        (what.to_string(), measure)
    } else {
        (format!("{}: {what}", runs[run].name), run)
    }
}

fn decode(p: &Percentiles) -> Option<Histogram<u64>> {
    p.histogram.as_deref().and_then(hdr::decode)
}

fn percentile_chart(runs: &[Run]) -> String {
    const ID: &str = "latency-percentiles";
    const TITLE: &str = "Latency by percentile";
    let mut lines = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        for (j, (what, dashed, p)) in message_latencies(&run.result).into_iter().enumerate() {
            let points: Vec<(f64, f64)> = match decode(p) {
                Some(h) => hdr::percentile_curve(&h, 160)
                    .into_iter()
                    .map(|(q, v)| (1.0 / (1.0 - q), v.max(1) as f64))
                    .collect(),
                // Older documents: the percentiles they have.
                None => vec![
                    (2.0, p.p50_us as f64),
                    (10.0, p.p90_us as f64),
                    (100.0, p.p99_us as f64),
                    (1000.0, p.p999_us as f64),
                ],
            };
            let (label, colour) = label_colour(runs, i, j, what);
            lines.push(Line {
                label,
                colour,
                dashed: runs.len() > 1 && dashed,
                points,
                steps: false,
            });
        }
    }
    if lines.is_empty() {
        return empty(ID, TITLE, "No message latency was measured in this run.");
    }
    let ys = lines.iter().flat_map(|l| l.points.iter().map(|p| p.1));
    let (lo, hi) = ys.fold((f64::MAX, 1.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let (scale, ticks) = svg::log_ticks(lo, hi, axis_us);
    let y = Axis {
        scale,
        ticks,
        label: "latency (log scale)".into(),
    };
    let x = Axis {
        scale: Scale::Log {
            min: hdr::CURVE_FROM,
            max: hdr::CURVE_TO,
        },
        ticks: [
            (2.0, "50%"),
            (10.0, "90%"),
            (100.0, "99%"),
            (1e3, "99.9%"),
            (1e4, "99.99%"),
            (1e5, "99.999%"),
        ]
        .iter()
        .map(|(v, l)| (*v, l.to_string()))
        .collect(),
        label: "percentile (log scale of 1/(1-p))".into(),
    };
    svg::line_chart(ID, TITLE, &x, &y, &lines)
}

/// Grouped bars of the share of samples per log bucket, on one axis for all series.
fn bucket_chart(
    id: &str,
    title: &str,
    series: Vec<(String, usize, Histogram<u64>)>,
    x_label: &str,
    why: &str,
) -> String {
    if series.is_empty() {
        return empty(id, title, why);
    }
    let lo = series
        .iter()
        .map(|s| hdr::bucket_index(s.2.min()))
        .min()
        .unwrap_or(0);
    let hi = series
        .iter()
        .map(|s| hdr::bucket_index(s.2.max()))
        .max()
        .unwrap_or(0);
    let mut categories = Vec::new();
    let mut sets = Vec::new();
    for (label, colour, h) in &series {
        let buckets = hdr::buckets_between(h, lo, hi);
        if categories.is_empty() {
            categories = buckets.iter().map(|b| axis_us(b.low_us as f64)).collect();
        }
        let total = h.len().max(1) as f64;
        sets.push(Bars {
            label: label.clone(),
            colour: *colour,
            values: buckets
                .iter()
                .map(|b| b.count as f64 * 100.0 / total)
                .collect(),
        });
    }
    let top = sets
        .iter()
        .flat_map(|s| s.values.iter().cloned())
        .fold(0.0, f64::max);
    let (scale, ticks) = svg::linear_ticks(0.0, top.max(1.0), |v| format!("{}%", trim(v)));
    let y = Axis {
        scale,
        ticks,
        label: "share of samples".into(),
    };
    svg::bar_chart(id, title, &categories, x_label, &y, &sets)
}

fn histogram_chart(runs: &[Run]) -> String {
    let mut series = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        if run.result.mode == Mode::Conn {
            continue;
        }
        for (j, (what, _, p)) in message_latencies(&run.result).into_iter().enumerate() {
            if let Some(h) = decode(p) {
                let (label, colour) = label_colour(runs, i, j, what);
                // With several runs a second measure gets the next palette colours.
                let colour = if runs.len() > 1 {
                    colour + j * runs.len()
                } else {
                    colour
                };
                series.push((label, colour, h));
            }
        }
    }
    bucket_chart(
        "latency-histogram",
        "Latency histogram",
        series,
        "latency bucket, from its lower bound (log scale)",
        if runs.iter().all(|r| r.result.mode == Mode::Conn) {
            "No message latency in a conn run: see the connect-time distribution."
        } else {
            "No latency histogram in this result (written by an older mqtk, or no messages measured)."
        },
    )
}

fn connect_chart(runs: &[Run]) -> String {
    let series = runs
        .iter()
        .enumerate()
        .filter_map(|(i, run)| {
            let h = run.result.connect.time.as_ref().and_then(decode)?;
            let (label, colour) = label_colour(runs, i, 0, "connect time");
            Some((label, colour, h))
        })
        .collect();
    bucket_chart(
        "connect-time",
        "Connect time distribution",
        series,
        "time to CONNACK, from the bucket's lower bound (log scale)",
        "No connect-time histogram in this result.",
    )
}

/// Step points of `(end time, value)` intervals: each value holds from the previous end.
fn steps(values: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let mut pts = Vec::with_capacity(values.len() + 1);
    if let Some(first) = values.first() {
        pts.push((0.0, first.1));
    }
    pts.extend(values);
    pts
}

fn time_axis(runs: &[Run]) -> Axis {
    let end = runs
        .iter()
        .filter_map(|r| r.result.series.last().map(|s| s.t))
        .fold(1.0, f64::max);
    let (scale, ticks) = svg::linear_ticks(0.0, end, |v| format!("{}s", trim(v)));
    Axis {
        scale,
        ticks,
        label: "seconds since start".into(),
    }
}

fn throughput_chart(runs: &[Run]) -> String {
    const ID: &str = "throughput";
    const TITLE: &str = "Throughput over time";
    let mut lines = Vec::new();
    type Field = fn(&Sample) -> u64;
    for (i, run) in runs.iter().enumerate() {
        let r = &run.result;
        let mut measures: Vec<(&str, Field)> = Vec::new();
        if r.mode.publishes() {
            measures.push(("sent", |s| s.sent));
            if r.settings.qos > 0 {
                measures.push(("acked", |s| s.acked));
            }
        }
        if r.mode.subscribes() {
            measures.push(("received", |s| s.received));
        }
        if r.mode == Mode::Conn {
            measures.push(("connected", |s| s.connected));
        }
        if runs.len() > 1 {
            // One series per run: the mode's own rate.
            measures = measures.split_off(measures.len().saturating_sub(1));
        }
        for (j, (what, f)) in measures.into_iter().enumerate() {
            let (label, colour) = label_colour(runs, i, j, &format!("{what}/s"));
            lines.push(Line {
                label,
                colour,
                dashed: false,
                points: steps(timed_rates(&r.series, f)),
                steps: true,
            });
        }
    }
    if lines.iter().all(|l| l.points.is_empty()) {
        return empty(ID, TITLE, "No per-second series in this result.");
    }
    let top = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let (scale, ticks) = svg::linear_ticks(0.0, top.max(1.0), fmt_rate);
    let y = Axis {
        scale,
        ticks,
        label: "per second".into(),
    };
    svg::line_chart(ID, TITLE, &time_axis(runs), &y, &lines)
}

fn errors_chart(runs: &[Run]) -> String {
    const ID: &str = "errors";
    let mut lines = Vec::new();
    let mut total = 0u64;
    for (i, run) in runs.iter().enumerate() {
        let r = &run.result;
        if r.series.is_empty() {
            continue;
        }
        total += r
            .series
            .iter()
            .map(|s| s.errors + s.reconnects)
            .sum::<u64>();
        let measures: [Measure; 2] = [
            ("errors", |s| s.errors, false),
            ("reconnects", |s| s.reconnects, true),
        ];
        for (j, (what, f, dashed)) in measures.into_iter().enumerate() {
            let (label, colour) = label_colour(runs, i, j + 3, what);
            let counts = r.series.iter().map(|s| (s.t, f(s) as f64)).collect();
            lines.push(Line {
                label,
                colour,
                dashed,
                points: steps(counts),
                steps: true,
            });
        }
    }
    let title = if total == 0 {
        "Errors and reconnects over time (none)"
    } else {
        "Errors and reconnects over time"
    };
    if lines.is_empty() {
        return empty(ID, title, "No per-second series in this result.");
    }
    let top = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let (scale, ticks) = svg::linear_ticks(0.0, top.max(1.0), trim);
    let y = Axis {
        scale,
        ticks,
        label: "per second".into(),
    };
    svg::line_chart(ID, title, &time_axis(runs), &y, &lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::result::fixture;

    fn one() -> Vec<Run> {
        vec![Run {
            name: "run.json".into(),
            result: fixture::with_histograms(),
        }]
    }

    /// Every id in order, each exactly once.
    fn has_charts(html: &str) {
        let mut at = 0;
        for id in CHART_IDS {
            let needle = format!("id=\"{id}\"");
            assert_eq!(html.matches(&needle).count(), 1, "{id}");
            let pos = html.find(&needle).unwrap();
            assert!(pos > at, "{id} out of order");
            at = pos;
        }
    }

    #[test]
    fn a_single_run_has_every_chart_drawn() {
        let html = report(&one());
        has_charts(&html);
        assert!(!html.contains("chart empty"), "an empty chart");
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(html.trim_end().ends_with("</html>"));
        assert!(html.contains("99.999%"));
        assert!(html.contains("<td>lost</td><td>2</td>"));
        assert!(html.contains("prefers-color-scheme:dark"));
        assert!(html.contains("@media print"));
        for bad in ["<script", "http:", "https:", "<link", "@import", "url("] {
            assert!(!html.contains(bad), "{bad}");
        }
    }

    #[test]
    fn snapshot() {
        let html = report(&one());
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/bench/export/snapshots/report.html");
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, &html).unwrap();
        }
        let want = std::fs::read_to_string(&path).expect("snapshot; UPDATE_SNAPSHOTS=1 writes it");
        let html = html.replace(env!("CARGO_PKG_VERSION"), "VERSION");
        let want = want.replace(env!("CARGO_PKG_VERSION"), "VERSION");
        assert!(
            html == want,
            "report.html snapshot differs; UPDATE_SNAPSHOTS=1 rewrites it"
        );
    }

    #[test]
    fn a_comparison_overlays_runs_and_has_ratios() {
        let mut runs = one();
        let mut after = fixture::with_histograms();
        after.latency = fixture::latency(10_000, 200).summary();
        runs.push(Run {
            name: "after.json".into(),
            result: after,
        });
        let html = report(&runs);
        has_charts(&html);
        assert!(html.contains("id=\"comparison\""));
        assert!(html.contains("<th>after.json</th><th>ratio</th>"));
        assert!(html.contains("class=\"worse\">x1.6"), "{html}");
        assert!(html.contains("run.json: end to end"));
        assert!(html.contains("after.json: end to end"));
    }

    #[test]
    fn old_documents_and_conn_runs_still_render() {
        let mut runs = vec![Run {
            name: "old.json".into(),
            result: fixture::sample(),
        }];
        let html = report(&runs);
        has_charts(&html);
        assert!(html.contains("<figure class=\"chart empty\" id=\"latency-histogram\">"));
        assert!(!html.contains("<figure class=\"chart empty\" id=\"latency-percentiles\">"));
        runs[0].result.mode = Mode::Conn;
        runs[0].result.latency = None;
        runs[0].result.series.clear();
        let html = report(&runs);
        has_charts(&html);
        assert!(html.contains("No message latency"));
    }

    #[test]
    fn names_are_escaped() {
        let mut runs = one();
        runs[0].name = "<b>&\"x\"".into();
        runs[0].result.settings.topic = "a/<script>".into();
        let html = report(&runs);
        assert!(!html.contains("<b>&"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;b&gt;&amp;&quot;x&quot;"));
    }
}
