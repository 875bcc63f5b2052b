//! The HTML report in a real browser (issue 7): headless Chromium opens the demo report and a
//! generated one, takes a screenshot (kept as `target/test-artifacts/report.png`), and the
//! rendered DOM must show the charts and the findings with no console errors.
//!
//! The page's script sets `data-rendered="ok"` on `<body>` once filters and chart hovers are
//! wired, and writes any `window.onerror` / `console.error` into `<pre id="console-errors">`;
//! Chromium's own console log (`--enable-logging=stderr`) must hold no `CONSOLE` line either.
//! Skipped (with a note on stderr) when `/usr/bin/chromium` is not installed.

use halfopen::config::{AlarmEndpoint, Config};
use halfopen::model::UtcTime;
use halfopen::report::OutputFormat;
use halfopen::report::{RenderOptions, render};
use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

/// `target/test-artifacts` (next to the `tmp` folder cargo gives integration tests).
fn artifacts() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn demo_html(path: &Path) {
    let mut c = Config::new(vec!["fixtures/demo".into()]);
    c.netstat_time = UtcTime::parse_rfc3339("2026-03-14T10:02:40Z");
    c.series = true;
    // README command 1: two alarm clients whose gaps overlap.
    c.alarm_providers = vec![AlarmEndpoint::parse("10.1.1.10").unwrap()];
    c.alarm_clients = ["10.1.1.21", "10.1.1.22"]
        .iter()
        .map(|s| AlarmEndpoint::parse(s).unwrap())
        .collect();
    let a = halfopen::analyze(&c);
    let mut buf = Vec::new();
    render(OutputFormat::Html, &a, &RenderOptions::default(), &mut buf).unwrap();
    std::fs::write(path, buf).unwrap();
}

/// Runs headless Chromium on `page` with `args`; returns (stdout, stderr). A fresh profile
/// folder per run, so parallel runs do not share state.
fn chromium(page: &Path, args: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let out = Command::new("timeout")
        .arg("180")
        .arg(CHROMIUM)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "chromium failed: {stderr}");
    (String::from_utf8_lossy(&out.stdout).to_string(), stderr)
}

fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

#[test]
fn demo_report_renders_in_headless_chromium_with_no_console_errors() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("chromium is not installed: skipping");
        return;
    }
    let dir = artifacts();
    let page = dir.join("report.html");
    demo_html(&page);

    let shot = dir.join("report.png");
    let _ = std::fs::remove_file(&shot);
    let (_, stderr) = chromium(
        &page,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
        ],
    );
    assert_eq!(console_lines(&stderr), Vec::<&str>::new());
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(png.get(..8), Some(&b"\x89PNG\r\n\x1a\n"[..]));
    // A 1280×2000 page of text and charts is far more than a blank PNG (a few KB).
    assert!(png.len() > 50_000, "screenshot of {} bytes", png.len());

    let (dom, stderr) = chromium(&page, &["--dump-dom"]);
    assert_eq!(console_lines(&stderr), Vec::<&str>::new());
    assert!(
        dom.contains(r#"<body data-rendered="ok" data-charts="1">"#),
        "{}",
        dom.get(..3000).unwrap_or(&dom)
    );
    assert!(dom.contains(r#"<pre id="console-errors"></pre>"#));
    assert!(dom.contains(r#"<path class="step""#));
    assert!(dom.contains("[half-open limit] WS-ALARM01"));
    // 130 signs + the limit's release + each client's gap start and end (issue 20 §5).
    assert!(dom.contains(r#"<span id="f-count" class="muted">135 of 135 entries</span>"#));
    chart_reads_without_the_readme(&dom);
}

/// Issue 20 §7: every mark of the chart is named in the legend, once; the axes and the
/// SYN-retry strip have titles with units; each alarm client's gap has its own lane; a host
/// without a half-open series gets one line, not a chart.
fn chart_reads_without_the_readme(dom: &str) {
    let chart = &dom[dom.find(r#"<div class="chart""#).unwrap()..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    for (mark, name) in [
        (r#"class="step""#, "step"),
        (r#"class="limit""#, "limit"),
        (r#"class="mlimit""#, "mlimit"),
        (r#"class="m4226""#, "m4226"),
        (r#"class="gap""#, "gap"),
        (r#"class="density""#, "density"),
    ] {
        assert!(chart.contains(mark), "{mark} not drawn");
        let entry = format!(r#"class="legend-item" data-mark="{name}""#);
        assert_eq!(dom.matches(&entry).count(), 1, "legend entry for {name}");
    }
    assert_eq!(dom.matches(r#"class="legend-item""#).count(), 7);
    assert!(dom.contains(">half-open connections (count)</text>"));
    assert!(chart.contains(r#"data-axis="x""#) && chart.contains(">time axis in UTC, "));
    assert!(chart.contains("SYN retransmissions per "), "strip scale");
    assert!(chart.contains("top = "), "strip scale");
    let bands: Vec<(&str, &str)> = chart
        .match_indices(r#"<rect class="gap" data-client=""#)
        .map(|(i, m)| {
            let rest = &chart[i + m.len()..];
            let client = &rest[..rest.find('"').unwrap()];
            let y = rest.split(r#" y=""#).nth(1).unwrap();
            (client, &y[..y.find('"').unwrap()])
        })
        .collect();
    assert_eq!(bands.len(), 2, "{bands:?}");
    assert_ne!(bands[0].0, bands[1].0);
    assert_ne!(bands[0].1, bands[1].1, "overlapping gaps in distinct lanes");
    assert_eq!(
        dom.matches(r#"<div class="chart""#).count(),
        1,
        "no chart without a series"
    );
    assert!(dom.contains("to chart for: IOMLKF35454W."));
}

#[test]
fn a_script_error_is_caught_by_the_page_and_the_log() {
    // Proves the checks above can fail: the same page with a broken script must be flagged.
    if !Path::new(CHROMIUM).exists() {
        eprintln!("chromium is not installed: skipping");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("broken.html");
    demo_html(&page);
    let html = std::fs::read_to_string(&page).unwrap();
    let broken = html.replace("</body>", "<script>noSuchFunction();</script></body>");
    std::fs::write(&page, broken).unwrap();
    let (dom, stderr) = chromium(&page, &["--dump-dom"]);
    assert!(dom.contains(r#"data-rendered="error""#));
    assert!(dom.contains("noSuchFunction is not defined"));
    assert_eq!(console_lines(&stderr).len(), 1, "{stderr}");
}
