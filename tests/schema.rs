//! `halfopen schema report|summary|timeline` (issue 21 §7): each printed schema is a valid JSON
//! Schema, every JSON output the suite can produce validates against its schema (the demo
//! bundle, each folder of `$HALFOPEN_REALDATA`, an empty folder, a batch archive with a good and
//! a broken incident), and a document that drifted from the shape fails.

mod support;

use serde_json::{Value, json};
use std::path::Path;
use support::{halfopen, run_watched};

/// The schema `halfopen schema which` prints, checked against its meta-schema.
fn printed_schema(which: &str) -> Value {
    let run = run_watched(halfopen(["schema", which]));
    assert!(run.status.success(), "schema {which}: {}", run.stderr);
    let schema: Value = serde_json::from_slice(&run.stdout).expect("one JSON document");
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("schema {which} is not a valid JSON Schema: {e}");
    }
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "{which}"
    );
    schema
}

/// A validator of `which`'s schema that also checks `format` (`date-time`).
fn validator(which: &str) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&printed_schema(which))
        .unwrap_or_else(|e| panic!("schema {which} does not compile: {e}"))
}

/// Panics with every error when `doc` does not validate.
fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not validate:\n{}",
        errors.join("\n")
    );
}

/// `analyze --format FORMAT` of `inputs` with `extra` flags; stdout. Exit 3 (something was
/// skipped or unreadable) and 4 (no evidence recognised) still write the report.
fn analyze(format: &str, inputs: &[&Path], extra: &[&str]) -> Vec<u8> {
    let mut cmd = halfopen(["analyze", "--format", format, "--threads", "2"]);
    cmd.args(extra).args(inputs);
    let run = run_watched(cmd);
    assert!(
        matches!(run.status.code(), Some(0) | Some(3) | Some(4)),
        "analyze {inputs:?}: {}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stdout
}

/// Validates the JSON report and every JSONL line of `inputs`; returns the number of lines.
fn check_outputs(inputs: &[&Path], extra: &[&str], what: &str) -> usize {
    let report = validator("report");
    let timeline = validator("timeline");
    let doc: Value = serde_json::from_slice(&analyze("json", inputs, extra)).expect("JSON");
    assert_eq!(doc["schema_version"], halfopen::report::SCHEMA_VERSION);
    assert_valid(&report, &doc, &format!("the JSON report of {what}"));
    let text = String::from_utf8(analyze("jsonl", inputs, extra)).expect("UTF-8 JSONL");
    for (i, line) in text.lines().enumerate() {
        let row: Value = serde_json::from_str(line).expect("one JSON object per line");
        assert_valid(&timeline, &row, &format!("JSONL line {} of {what}", i + 1));
    }
    assert_eq!(
        text.lines().count(),
        doc["timeline"].as_array().map_or(0, Vec::len),
        "{what}: one line per timeline entry"
    );
    text.lines().count()
}

const DEMO_FLAGS: &[&str] = &[
    "--netstat-time",
    "2026-03-14T10:02:40Z",
    "--alarm-provider",
    "10.1.1.10",
    "--alarm-client",
    "10.1.1.21",
];

#[test]
fn printed_schemas_are_valid_json_schemas() {
    for which in ["report", "summary", "timeline"] {
        let schema = printed_schema(which);
        assert_eq!(schema["type"], "object", "{which}");
        let required = schema["required"].as_array().expect("required keys");
        assert!(required.contains(&json!("schema_version")), "{which}");
        assert_eq!(
            schema["properties"]["schema_version"]["const"],
            halfopen::report::SCHEMA_VERSION
        );
    }
    let report = printed_schema("report");
    for key in [
        "inputs", "captures", "netstat", "hosts", "findings", "timeline",
    ] {
        assert!(
            report["required"].as_array().unwrap().contains(&json!(key)),
            "report requires {key}"
        );
    }
    let words = &report["$defs"]["FindingKind"]["enum"];
    assert!(
        words
            .as_array()
            .unwrap()
            .contains(&json!("half_open_limit"))
    );
    assert_eq!(report["$defs"]["UtcTime"]["format"], "date-time");
    let run = run_watched(halfopen(["schema", "nonsense"]));
    assert_eq!(run.status.code(), Some(2), "{}", run.stderr);
}

#[test]
fn demo_report_and_timeline_validate() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let lines = check_outputs(&[&demo], DEMO_FLAGS, "fixtures/demo");
    assert!(lines > 100, "{lines} JSONL lines");
}

#[test]
fn empty_folder_report_and_timeline_validate() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(check_outputs(&[tmp.path()], &[], "an empty folder"), 0);
}

#[test]
fn realdata_reports_and_timelines_validate() {
    let Some(root) = support::realdata("the schema check of the real data") else {
        return;
    };
    let mut folders: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    assert!(!folders.is_empty(), "no folder in {}", root.display());
    for folder in folders {
        check_outputs(&[&folder], &[], &folder.display().to_string());
    }
}

#[test]
fn batch_summary_rows_and_reports_validate() {
    let tmp = tempfile::tempdir().unwrap();
    let arch = tmp.path().join("archive");
    let good = arch.join("case-good");
    std::fs::create_dir_all(&good).unwrap();
    for f in halfopen_testgen::demo::demo_files() {
        std::fs::write(good.join(f.name), &f.bytes).unwrap();
    }
    // Broken: only a capture cut inside its header.
    let broken = arch.join("case-broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("short.pcap"), [0xd4, 0xc3, 0xb2, 0xa1, 2, 0]).unwrap();
    let out = tmp.path().join("out");
    let mut cmd = halfopen(["batch", "--threads", "2", "--format", "json", "--out"]);
    cmd.arg(&out).arg(&arch);
    let run = run_watched(cmd);
    assert_eq!(
        run.status.code(),
        Some(1),
        "one incident failed: {}",
        run.stderr
    );

    let summary = validator("summary");
    let text = std::fs::read_to_string(out.join("summary.jsonl")).unwrap();
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    for row in &rows {
        assert_valid(&summary, row, &format!("summary row {}", row["incident"]));
    }
    let statuses: Vec<&Value> = rows.iter().map(|r| &r["status"]).collect();
    assert_eq!(statuses, [&json!("error"), &json!("ok")], "{text}");

    let report = validator("report");
    let reports: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "report.json"))
        .collect();
    assert!(
        !reports.is_empty(),
        "no report.json under {}",
        out.display()
    );
    for p in reports {
        let doc: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        assert_valid(&report, &doc, &p.display().to_string());
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files
}

/// The demo report with one drift applied by `edit`.
fn drifted(edit: impl FnOnce(&mut Value)) -> Value {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let mut doc: Value = serde_json::from_slice(&analyze("json", &[&demo], DEMO_FLAGS)).unwrap();
    edit(&mut doc);
    doc
}

#[test]
fn drifted_documents_fail_validation() {
    let report = validator("report");
    let unknown_kind = drifted(|d| d["findings"][0]["kind"] = json!("half_open_limmit"));
    assert!(!report.is_valid(&unknown_kind), "an unknown finding kind");
    let no_inputs = drifted(|d| {
        d.as_object_mut().unwrap().remove("inputs");
    });
    assert!(!report.is_valid(&no_inputs), "`inputs` missing");
    let old_version = drifted(|d| d["schema_version"] = json!("0"));
    assert!(!report.is_valid(&old_version), "another schema_version");
    let bad_time = drifted(|d| d["timeline"][0]["time"] = json!("yesterday"));
    assert!(!report.is_valid(&bad_time), "a time that is not RFC 3339");
    let bad_locator = drifted(|d| d["timeline"][0]["source"]["locator"] = json!("somewhere"));
    assert!(!report.is_valid(&bad_locator), "an unknown locator shape");
    let no_time = drifted(|d| {
        d["timeline"][0].as_object_mut().unwrap().remove("time");
    });
    assert!(
        !report.is_valid(&no_time),
        "a timeline entry without `time`"
    );

    let timeline = validator("timeline");
    let line = json!({
        "schema_version": "1", "datetime": "2026-03-14T10:02:13.000000Z",
        "timestamp": 1_773_482_533_000_000i64, "timestamp_desc": "Event Logged",
        "message": "m", "host": "", "kind": "tcpip_4226", "source_path": "a.evtx",
        "source_locator": "record 1", "raw_time": "2026-03-14T10:02:13Z", "clock_offset_s": 0.0
    });
    assert_valid(&timeline, &line, "a hand-written JSONL line");
    let mut bad = line.clone();
    bad["kind"] = json!("tcpip_9999");
    assert!(!timeline.is_valid(&bad), "an unknown timeline kind");

    let summary = validator("summary");
    let row = json!({
        "schema_version": "1", "incident": "c", "status": "ok", "findings": ["clock_offset"],
        "hosts": [], "events_4226": 0, "peak_half_open": null, "syn_retransmissions": 0,
        "alarm_gap_seconds": 0.0, "clock_offsets": {}, "inputs": 1, "records": 1,
        "skipped": 0, "input_errors": 0, "error": null
    });
    assert_valid(&summary, &row, "a hand-written summary row");
    let mut bad = row.clone();
    bad.as_object_mut().unwrap().remove("error");
    assert!(!summary.is_valid(&bad), "a summary row without `error`");
    let mut bad = row;
    bad["status"] = json!("fine");
    assert!(!summary.is_valid(&bad), "an unknown status");
}
