//! The HTML report in a real browser: headless Chromium loads the report of a real bench run
//! (against mosquitto) offline, its DOM has every chart, and the screenshot is not blank where
//! the charts are, in light and in dark mode.
//!
//! Needs Debian's `chromium` (`scripts/install-deps` installs it). Without it the test fails
//! with the install command, unless `MQTK_TEST_NO_BROWSER=1` is set, where no browser can be
//! installed: it then says on stderr that it was skipped.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mqtk::bench::export::html::CHART_IDS;

const INSTALL_HINT: &str = "apt-get install chromium (scripts/install-deps does it)";

fn browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH");
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .find_map(|name| common::find_program_in(name, path.as_deref()))
}

struct Rendered {
    dom: String,
    width: usize,
    height: usize,
    /// RGBA, row by row.
    pixels: Vec<u8>,
}

impl Rendered {
    fn rgb(&self, x: usize, y: usize) -> (i32, i32, i32) {
        let i = (y * self.width + x) * 4;
        let p = &self.pixels[i..i + 3];
        (i32::from(p[0]), i32::from(p[1]), i32::from(p[2]))
    }

    /// Pixels within a small distance of `colour` (anti-aliasing blends the edges).
    fn count_near(&self, colour: (i32, i32, i32)) -> usize {
        let mut n = 0;
        for y in 0..self.height {
            for x in 0..self.width {
                let (r, g, b) = self.rgb(x, y);
                if (r - colour.0).abs() + (g - colour.1).abs() + (b - colour.2).abs() <= 30 {
                    n += 1;
                }
            }
        }
        n
    }
}

/// Renders `page` headless, offline, with a throw-away profile; returns the DOM and the pixels.
fn render(chromium: &Path, page: &Path, dark: bool) -> Rendered {
    let profile = tempfile::tempdir().unwrap();
    let shot = profile.path().join("shot.png");
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--window-size=1200,2400",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .arg(format!("--screenshot={}", shot.display()))
    .arg("--dump-dom");
    if dark {
        cmd.arg("--force-dark-mode");
    }
    cmd.arg(format!("file://{}", page.display()))
        .stdin(Stdio::null());
    let started = Instant::now();
    let out = cmd.output().expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(started.elapsed() < Duration::from_secs(60));
    let file = std::fs::read(&shot).expect("chromium wrote no screenshot");
    let mut decoder = png::Decoder::new(std::io::Cursor::new(file));
    decoder.set_transformations(png::Transformations::ALPHA);
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba, "expand to RGBA");
    Rendered {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        width: info.width as usize,
        height: info.height as usize,
        pixels,
    }
}

fn hex(s: &str) -> (i32, i32, i32) {
    let v = i32::from_str_radix(s.trim_start_matches('#'), 16).unwrap();
    (v >> 16, (v >> 8) & 0xff, v & 0xff)
}

#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(chromium) = browser() else {
        if std::env::var_os("MQTK_TEST_NO_BROWSER").is_some() {
            eprintln!(
                "SKIPPED the_report_renders_in_headless_chromium: no chromium and \
                 MQTK_TEST_NO_BROWSER is set; install it with `{INSTALL_HINT}`"
            );
            return;
        }
        panic!(
            "chromium not found in PATH: the browser test needs it; install it with `{INSTALL_HINT}`"
        );
    };
    let broker = common::Broker::builder()
        .config_line("max_queued_messages 100000")
        .start();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let out = common::mqtk_std()
        .arg("bench")
        .args(broker.args())
        .args([
            "--quiet", "-n", "3000", "-q", "1", "--rate", "1500", "--report",
        ])
        .arg(&page)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let light = render(&chromium, &page, false);
    // It loaded: the browser's DOM holds the whole document with every chart drawn in SVG.
    assert!(light.dom.contains("</html>"), "incomplete DOM");
    for id in CHART_IDS {
        assert!(
            light.dom.contains(&format!("id=\"{id}\"")),
            "chart {id} missing from the DOM"
        );
    }
    assert_eq!(light.dom.matches("<svg ").count(), CHART_IDS.len());
    assert!(!light.dom.contains("chart empty"));

    // Not blank where the charts are: the series colours of the light palette cover real area
    // (lines, bars), far more than the small legend keys could.
    assert_eq!(light.rgb(2, 2), (255, 255, 255), "light background");
    for (name, colour, least) in [
        ("c0", "#1f6fb4", 1500),
        ("c1", "#e0670a", 600),
        ("c2", "#23923d", 300),
    ] {
        let n = light.count_near(hex(colour));
        assert!(
            n >= least,
            "light mode: {n} pixels of series colour {name}, expected at least {least}"
        );
    }

    // Dark mode: dark background, the dark palette drawn.
    let dark = render(&chromium, &page, true);
    let (r, g, b) = dark.rgb(2, 2);
    assert!(
        r + g + b < 120,
        "dark background expected, got {:?}",
        (r, g, b)
    );
    let n = dark.count_near(hex("#5fa8e8"));
    assert!(n >= 1500, "dark mode: {n} pixels of series colour c0");
}
