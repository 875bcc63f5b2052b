//! Issue 21 §9: the machine timelines import cleanly where support engineers take them.
//! - Timesketch JSONL and CSV import: every row has the documented required fields `message`,
//!   `datetime` (ISO 8601) and `timestamp_desc` (Timesketch docs, "Import from JSON or CSV").
//! - Timeline Explorer (Eric Zimmerman): one header row, ISO times, no embedded newlines.
//!
//! Checked on the demo and on the real event logs, whose messages come from real records.

mod support;

use serde_json::Value;
use std::path::PathBuf;
use support::{halfopen, realdata, run_watched};

/// Timesketch's required fields, in its docs' words.
const TIMESKETCH_REQUIRED: [&str; 3] = ["message", "datetime", "timestamp_desc"];

fn timeline(format: &str, path: &PathBuf) -> String {
    let mut cmd = halfopen([
        "analyze",
        "--netstat-time",
        "2026-03-14T10:02:40Z",
        "-f",
        format,
    ]);
    cmd.arg(path);
    let run = run_watched(cmd);
    String::from_utf8(run.stdout).expect("UTF-8")
}

fn is_iso_utc(s: &str) -> bool {
    s.len() >= 20
        && s.ends_with('Z')
        && s.as_bytes()[10] == b'T'
        && s.parse::<jiff::Timestamp>().is_ok()
}

fn check_jsonl(text: &str) -> usize {
    let mut rows = 0;
    for (i, line) in text.lines().enumerate() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
        for key in TIMESKETCH_REQUIRED {
            let s = v[key]
                .as_str()
                .unwrap_or_else(|| panic!("line {}: no {key}", i + 1));
            assert!(!s.is_empty(), "line {}: empty {key}", i + 1);
        }
        assert!(
            is_iso_utc(v["datetime"].as_str().unwrap()),
            "line {}",
            i + 1
        );
        rows += 1;
    }
    rows
}

fn check_csv(text: &str) -> usize {
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    for key in TIMESKETCH_REQUIRED {
        assert!(
            header.iter().any(|h| h == key),
            "no {key} column: {header:?}"
        );
    }
    let dt = header.iter().position(|h| h == "datetime").unwrap();
    let mut rows = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        assert_eq!(rec.len(), header.len());
        for f in rec.iter() {
            assert!(!f.contains(['\n', '\r']), "embedded newline in {f:?}");
        }
        assert!(is_iso_utc(&rec[dt]), "{:?}", &rec[dt]);
        rows += 1;
    }
    // One header row: every other line is a record.
    assert_eq!(text.lines().count(), rows + 1);
    rows
}

#[test]
fn demo_timelines_import_into_timesketch_and_timeline_explorer() {
    let demo = PathBuf::from("fixtures/demo");
    let jsonl_rows = check_jsonl(&timeline("jsonl", &demo));
    let csv_rows = check_csv(&timeline("csv", &demo));
    assert!(jsonl_rows > 10, "{jsonl_rows}");
    assert_eq!(jsonl_rows, csv_rows);
}

#[test]
fn real_event_log_timelines_import_cleanly() {
    let Some(root) = realdata("the timeline import checks on real event logs") else {
        return;
    };
    let evtx = root.join("evtx");
    let jsonl_rows = check_jsonl(&timeline("jsonl", &evtx));
    let csv_rows = check_csv(&timeline("csv", &evtx));
    assert_eq!(jsonl_rows, csv_rows);
    assert!(jsonl_rows > 0);
}
