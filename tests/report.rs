//! Bench charts and reports against a real mosquitto: `--report FILE.html` is well-formed,
//! self-contained and has every chart; `--json` carries the histograms the report is rebuilt
//! from; `mqtk bench report` rebuilds it, compares runs and gates on `--assert` (exit 7);
//! terminal charts follow `--charts` and the locale; bad input exits 2.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::Broker;
use common::bench::{bench, code};
use mqtk::bench::export::html::CHART_IDS;
use mqtk::bench::result::BenchResult;

fn broker() -> Broker {
    Broker::builder()
        .config_line("max_queued_messages 100000")
        .start()
}

fn mqtk() -> Command {
    let mut c = common::mqtk_std();
    c.stdin(Stdio::null());
    c
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Parses the report as XML (it is written well-formed) and checks what every report must have.
fn check_report(path: &Path) -> String {
    let html = std::fs::read_to_string(path).unwrap();
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&html, opts)
        .unwrap_or_else(|e| panic!("report is not well-formed: {e}"));
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("figure"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    assert_eq!(ids, CHART_IDS, "chart figures");
    // Self-contained: no scripts, stylesheets, images or fonts from elsewhere.
    for n in doc.descendants() {
        assert!(!n.has_tag_name("script"), "a script element");
        assert!(!n.has_tag_name("link"), "a link element");
        for a in n.attributes() {
            if matches!(a.name(), "src" | "href") {
                assert!(
                    a.value().starts_with('#'),
                    "external reference {}",
                    a.value()
                );
            }
        }
    }
    for bad in ["http:", "https:", "url(", "@import", "@font-face"] {
        assert!(!html.contains(bad), "report contains {bad}");
    }
    html
}

#[test]
fn report_file_json_histograms_and_rebuild() {
    let broker = broker();
    let dir = tempfile::tempdir().unwrap();
    let html_path = dir.path().join("run.html");
    let out = bench(&broker)
        .args(["-n", "2000", "-q", "1", "--json", "--report"])
        .arg(&html_path)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let html = check_report(&html_path);
    // A real run draws every chart: latency, histogram, throughput, connect time, errors.
    assert!(
        !html.contains("chart empty"),
        "an empty chart in a real run"
    );
    assert!(html.matches("<svg ").count() == CHART_IDS.len());

    // The JSON document carries the distributions and the per-second errors.
    let json_path = dir.path().join("run.json");
    std::fs::write(&json_path, &out.stdout).unwrap();
    let r: BenchResult = serde_json::from_slice(&out.stdout).unwrap();
    let lat = r.latency.as_ref().unwrap();
    let h = mqtk::bench::hdr::decode(lat.histogram.as_ref().unwrap()).unwrap();
    assert_eq!(h.len(), lat.count);
    assert!(r.ack_latency.unwrap().histogram.is_some());
    assert!(r.connect.time.unwrap().histogram.is_some());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["errors", "reconnects", "connected"] {
        assert!(v["series"][0].get(key).is_some(), "series.{key}");
    }

    // Rebuilt from the JSON document: the same report, but for its name and version line.
    let rebuilt = dir.path().join("rebuilt.html");
    let out = mqtk()
        .args(["bench", "report"])
        .arg(&json_path)
        .arg("-o")
        .arg(&rebuilt)
        .args(["--charts", "never"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let again = check_report(&rebuilt);
    assert_eq!(again.replace("run.json", "this run"), html);
    assert!(stdout(&out).starts_with("pubsub in "), "{}", stdout(&out));
}

#[test]
fn comparison_and_regression_gate() {
    let broker = broker();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, rate) in [("before.json", "0"), ("after.json", "2000")] {
        let out = bench(&broker)
            .args(["-n", "1000", "-q", "1", "--json", "--rate", rate])
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let path = dir.path().join(name);
        std::fs::write(&path, &out.stdout).unwrap();
        files.push(path);
    }
    let cmp = dir.path().join("cmp.html");
    let out = mqtk()
        .args(["bench", "report"])
        .args(&files)
        .arg("-o")
        .arg(&cmp)
        .args([
            "--assert",
            "lost <= baseline",
            "--assert",
            "p99 <= 1000 * baseline",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].contains("before.json") && lines[0].contains("after.json"),
        "{text}"
    );
    for figure in ["rate (msgs/s)", "p50", "p99", "p99.9", "lost"] {
        let row = lines.iter().find(|l| l.starts_with(figure)).expect(figure);
        assert!(row.contains(" x"), "no ratio in {row:?}");
    }
    assert!(
        text.contains("assert p99 <= 1000 * baseline: pass (after.json: actual"),
        "{text}"
    );
    let html = check_report(&cmp);
    assert!(html.contains("id=\"comparison\""));
    assert!(html.contains("before.json: end to end") && html.contains("after.json: end to end"));

    // A regression gate that fails: exit 7, one error line naming it.
    let out = mqtk()
        .args(["bench", "report"])
        .args(&files)
        .args(["--assert", "p99 <= 0 * baseline"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stdout(&out).contains("assert p99 <= 0 * baseline: FAIL"));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("mqtk: error: 1 of 1 assertions failed: after.json: p99 <= 0"),
        "{err}"
    );
}

#[test]
fn terminal_charts_follow_the_flag_and_the_locale() {
    let broker = broker();
    let run = |args: &[&str], lang: &str| {
        let out = bench(&broker)
            .args(["-n", "500"])
            .args(args)
            .env("LANG", lang)
            .env("COLUMNS", "70")
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        stdout(&out)
    };
    // Not a terminal: no charts unless asked for.
    let plain = run(&[], "C.UTF-8");
    assert!(!plain.contains("samples):"), "{plain}");
    let utf8 = run(&["--charts", "always"], "C.UTF-8");
    assert!(utf8.contains("end-to-end latency ("), "{utf8}");
    assert!(utf8.contains('█'), "{utf8}");
    assert!(utf8.contains("msgs/s over"), "{utf8}");
    let chart = &utf8[utf8.find("end-to-end latency (").unwrap()..];
    for line in chart.lines() {
        assert!(line.chars().count() <= 70, "wider than COLUMNS: {line:?}");
    }
    let ascii = run(&["--charts", "always"], "C");
    let chart = &ascii[ascii.find("end-to-end latency (").unwrap()..];
    assert!(chart.is_ascii(), "{chart}");
    assert!(chart.contains('#'), "{chart}");
    let never = run(&["--charts", "never"], "C.UTF-8");
    assert!(!never.contains("samples):"));
    // JSON stays one document whatever --charts says.
    let json = run(&["--charts", "always", "--json"], "C.UTF-8");
    serde_json::from_str::<BenchResult>(&json).unwrap();
}

#[test]
fn bad_report_input_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{\"mode\": \"pubsub\"}").unwrap();
    let missing = dir.path().join("missing.json");
    let cases: Vec<(Vec<std::ffi::OsString>, &str)> = vec![
        (
            vec!["bench".into(), "report".into(), missing.clone().into()],
            "cannot read",
        ),
        (
            vec!["bench".into(), "report".into(), garbage.clone().into()],
            "is not a bench result document",
        ),
        (
            vec![
                "bench".into(),
                "report".into(),
                garbage.clone().into(),
                "--assert".into(),
                "p99 <= 1.1 * baseline".into(),
            ],
            "needs at least two results",
        ),
        (
            vec!["bench".into(), "report".into()],
            "required arguments were not provided",
        ),
        (
            vec![
                "bench".into(),
                "-p".into(),
                "1".into(),
                "--assert".into(),
                "p99 <= 1.1 * baseline".into(),
            ],
            "mqtk bench report",
        ),
        (
            vec![
                "bench".into(),
                "-p".into(),
                "1".into(),
                "--report".into(),
                dir.path().join("no/such/dir/r.html").into(),
            ],
            "--report",
        ),
        (
            vec![
                "bench".into(),
                "--json".into(),
                "report".into(),
                "x.json".into(),
            ],
            "cannot be used with",
        ),
    ];
    for (args, want) in cases {
        let out = mqtk().args(&args).output().unwrap();
        let err = stderr(&out);
        assert_eq!(code(&out), 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn a_run_that_cannot_start_leaves_no_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.html");
    // Nothing listens on port 1 of loopback.
    let out = mqtk()
        .args(["bench", "-h", "127.0.0.1", "-p", "1", "--quiet", "--report"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(!path.exists(), "an empty report was left behind");
}
