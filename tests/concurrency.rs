//! Issue 15: the binary never hangs, whatever the thread count, and the answer does not depend
//! on it. Every run goes through the watchdog of `support` (60 s, then "hung: <command>").
//!
//! Regression: two or more `.evtx` files with the default thread count hung forever at 0 % CPU
//! (the evtx crate's chunk pipeline blocked every worker of our pool on a channel).

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use support::{halfopen, realdata, run_watched, write_bundle};

/// `None` is the default (no `--threads`).
const THREADS: [Option<&str>; 5] = [None, Some("1"), Some("2"), Some("4"), Some("8")];

/// `analyze --format json` on `paths` with `threads` under the watchdog; the JSON bytes.
fn analyze_json(paths: &[PathBuf], threads: Option<&str>, extra: &[&str]) -> Vec<u8> {
    let mut args: Vec<String> = vec!["analyze".into(), "--format".into(), "json".into()];
    if let Some(t) = threads {
        args.extend(["--threads".into(), t.into()]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let mut cmd = halfopen(args);
    cmd.args(paths);
    let run = run_watched(cmd);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    // 3 = complete with skips or unreadable inputs (realdata holds such files on purpose).
    assert!(
        matches!(run.status.code(), Some(0) | Some(3)),
        "{:?}: {}",
        run.status,
        run.stderr
    );
    run.stdout
}

/// The JSON of every thread count, each checked equal to the `--threads 1` one; returns it.
/// The report has no timing fields, so the whole document is compared byte for byte.
fn same_for_every_thread_count(paths: &[PathBuf], extra: &[&str]) -> Value {
    let one = analyze_json(paths, Some("1"), extra);
    for t in THREADS {
        let other = analyze_json(paths, t, extra);
        assert!(
            other == one,
            "--threads {t:?} gives another report than --threads 1 for {paths:?}"
        );
    }
    serde_json::from_slice(&one).expect("one JSON document")
}

fn inputs(v: &Value) -> usize {
    v["inputs"].as_array().map_or(0, Vec::len)
}

#[test]
fn two_system_logs_with_the_default_threads_finish() {
    let Some(root) = realdata("the two-System-log hang regression") else {
        return;
    };
    let logs = [
        root.join("evtx/plaso__System.evtx"),
        root.join("evtx/plaso__System2.evtx"),
    ];
    let v: Value = serde_json::from_slice(&analyze_json(&logs, None, &[])).unwrap();
    // Both read: 5,009 records in the first (evtx_dump: 5,009), 283 in the cut copy (89 recovered).
    let records: Vec<u64> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["records"].as_u64().unwrap())
        .collect();
    assert_eq!(records, [5009, 283]);
}

#[test]
fn each_realdata_folder_alone_and_all_of_it_give_one_answer_for_any_thread_count() {
    let Some(root) = realdata("the thread-count runs over the real data") else {
        return;
    };
    let mut total = 0;
    for folder in ["connlogs", "evtx", "netstat", "pcap"] {
        let v = same_for_every_thread_count(&[root.join(folder)], &[]);
        assert!(inputs(&v) > 2, "{folder}: {} inputs", inputs(&v));
        total += inputs(&v);
    }
    let all = same_for_every_thread_count(std::slice::from_ref(&root), &[]);
    // Every file of the four folders (and nothing twice) when the whole tree is given.
    let outside = walk(&root)
        .iter()
        .filter(|p| {
            !["connlogs", "evtx", "netstat", "pcap"]
                .iter()
                .any(|f| p.starts_with(root.join(f)))
        })
        .count();
    assert_eq!(inputs(&all), total + outside);
}

#[test]
fn demo_bundle_gives_one_answer_for_any_thread_count() {
    let v = same_for_every_thread_count(
        &[PathBuf::from("fixtures/demo")],
        &["--netstat-time", "2026-03-14T10:02:40Z"],
    );
    assert_eq!(inputs(&v), 4);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "half_open_limit" && f["host"] == "WS-ALARM01"),
        "{}",
        v["findings"]
    );
}

#[test]
fn bundle_of_20_event_logs_5_captures_5_netstat_files_gives_one_answer_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    write_bundle(dir.path(), 20, 2000, 5, 5);
    let v = same_for_every_thread_count(&[dir.path().to_path_buf()], &[]);
    assert_eq!(inputs(&v), 30);
    let records: u64 = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["format"] == "evtx")
        .map(|i| i["records"].as_u64().unwrap())
        .sum();
    assert_eq!(records, 20 * 2000);
    // One 4226 per generated log: each of the 20 hosts has a half_open_limit finding.
    let limit_hosts: std::collections::BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "half_open_limit")
        .filter_map(|f| f["host"].as_str())
        .filter(|h| h.starts_with("WS-") && h.len() == 5)
        .collect();
    assert_eq!(limit_hosts.len(), 20, "{limit_hosts:?}");
}

/// An archive of `n` incidents, each with three System logs and a netstat file.
fn archive_of(dir: &Path, n: usize) -> PathBuf {
    let arch = dir.join("archive");
    for i in 0..n {
        write_bundle(&arch.join(format!("case-{i:02}")), 3, 300, 0, 1);
    }
    arch
}

fn batch_summary(arch: &Path, out: &Path, threads: Option<&str>) -> String {
    let mut args = vec![
        "batch".to_string(),
        arch.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    if let Some(t) = threads {
        args.extend(["--threads".into(), t.into()]);
    }
    let run = run_watched(halfopen(args));
    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
    std::fs::read_to_string(out.join("summary.jsonl")).unwrap()
}

#[test]
fn batch_of_20_incidents_with_several_event_logs_each_finishes_with_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let arch = archive_of(dir.path(), 20);
    let default = batch_summary(&arch, &dir.path().join("out-default"), None);
    let two = batch_summary(&arch, &dir.path().join("out-2"), Some("2"));
    assert_eq!(default, two);
    let rows: Vec<Value> = default
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 20);
    for r in &rows {
        assert_eq!(r["status"], "ok", "{r}");
        assert_eq!(r["events_4226"], 3, "{r}");
        // 3 × 300 event records and the 36 rows of the tech note's netstat text.
        assert_eq!(r["records"], 936, "{r}");
    }
}

/// Every file under `root`, recursed.
fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(p) = todo.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                todo.push(e.unwrap().path());
            }
        } else {
            out.push(p);
        }
    }
    out
}
