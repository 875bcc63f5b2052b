//! Event Viewer exports (issue 3): the fixtures in `fixtures/event-export/` through the binary,
//! format detection, and that netstat text and other real inputs are not claimed as exports.

mod support;

use halfopen::ingest::detect::{HEAD_LEN, detect};
use halfopen::ingest::export::sniff_export;
use halfopen::model::Format;
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

const DIR: &str = "fixtures/event-export";

fn analyze(file: &str, tz: Option<&str>) -> Value {
    let path = format!("{DIR}/{file}");
    let mut cmd = support::watched_bin();
    cmd.args(["analyze", &path, "--format", "json"]);
    if let Some(tz) = tz {
        cmd.args(["--event-tz", tz]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{file}: stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The single 4226 timeline entry: (time, host, locator).
fn entry_4226(j: &Value) -> (String, Value, String) {
    let hits: Vec<&Value> = j["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "tcpip_4226")
        .collect();
    assert_eq!(hits.len(), 1, "one 4226 entry in {:#}", j["timeline"]);
    let e = hits[0];
    (
        e["time"].as_str().unwrap().to_string(),
        e["host"].clone(),
        e["source"]["locator"].as_str().unwrap().to_string(),
    )
}

struct Case {
    file: &'static str,
    format: &'static str,
    records: u64,
    /// `inputs[].time_zone` with `--event-tz Europe/Berlin` (absent for XML: its times are UTC).
    time_zone: Option<&'static str>,
    time_4226: &'static str,
    host: Option<&'static str>,
    locator: &'static str,
}

const CASES: &[Case] = &[
    Case {
        file: "wevtutil-System.xml",
        format: "event-xml",
        records: 4,
        time_zone: None,
        time_4226: "2026-03-14T10:02:13.000000000Z",
        host: Some("WS-ALARM01"),
        locator: "record 1205",
    },
    Case {
        file: "saveas-System.xml",
        format: "event-xml",
        records: 3,
        time_zone: None,
        time_4226: "2026-03-14T10:02:13.000000000Z",
        host: Some("WS-ALARM01"),
        locator: "record 1205",
    },
    // Local 11:02:13 CET (UTC+1 before the 29 March switch) is 10:02:13Z.
    Case {
        file: "vista-System.csv",
        format: "event-csv",
        records: 4,
        time_zone: Some("Europe/Berlin"),
        time_4226: "2026-03-14T10:02:13.000000000Z",
        host: None,
        locator: "record 3",
    },
    Case {
        file: "vista-System.txt",
        format: "event-csv",
        records: 4,
        time_zone: Some("Europe/Berlin"),
        time_4226: "2026-03-14T10:02:13.000000000Z",
        host: None,
        locator: "record 3",
    },
    Case {
        file: "vista-de-System.csv",
        format: "event-csv",
        records: 2,
        time_zone: Some("Europe/Berlin"),
        time_4226: "2026-03-14T10:02:13.000000000Z",
        host: None,
        locator: "record 1",
    },
    Case {
        file: "xp-System.csv",
        format: "event-csv",
        records: 3,
        time_zone: Some("Europe/Berlin"),
        time_4226: "2026-03-14T10:02:13.000000000Z",
        host: Some("WS-ALARM01"),
        locator: "record 1",
    },
];

#[test]
fn every_fixture_is_read_whole_with_its_4226_in_utc() {
    for c in CASES {
        let j = analyze(c.file, Some("Europe/Berlin"));
        let inputs = j["inputs"].as_array().unwrap();
        assert_eq!(inputs.len(), 1, "{}", c.file);
        let i = &inputs[0];
        assert_eq!(i["format"], c.format, "{}", c.file);
        assert_eq!(i["records"], c.records, "{}", c.file);
        assert_eq!(i["skipped"], 0, "{}: {:#}", c.file, i["problems"]);
        assert_eq!(i["time_zone"].as_str(), c.time_zone, "{}", c.file);
        let (time, host, locator) = entry_4226(&j);
        assert_eq!(time, c.time_4226, "{}", c.file);
        assert_eq!(host.as_str(), c.host, "{}", c.file);
        assert_eq!(locator, c.locator, "{}", c.file);
    }
}

#[test]
fn boot_and_shutdown_markers_come_from_text_exports_too() {
    let j = analyze("vista-System.csv", Some("Europe/Berlin"));
    let kinds: Vec<(&str, &str)> = j["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["time"].as_str().unwrap(), e["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("2026-03-14T07:58:02.000000000Z", "boot"),
            ("2026-03-14T10:02:13.000000000Z", "tcpip_4226"),
            ("2026-03-14T10:20:09.000000000Z", "shutdown"),
        ]
    );
}

#[test]
fn without_event_tz_text_times_are_read_as_utc_and_xml_times_do_not_move() {
    let j = analyze("xp-System.csv", None);
    assert_eq!(j["inputs"][0]["time_zone"], "UTC");
    assert_eq!(entry_4226(&j).0, "2026-03-14T11:02:13.000000000Z");
    // TimeCreated is UTC: --event-tz must not shift it.
    for tz in [None, Some("America/New_York")] {
        let j = analyze("wevtutil-System.xml", tz);
        assert_eq!(entry_4226(&j).0, "2026-03-14T10:02:13.000000000Z");
    }
}

fn head(path: &Path) -> Vec<u8> {
    let mut h = Vec::new();
    std::fs::File::open(path)
        .unwrap()
        .take(HEAD_LEN as u64)
        .read_to_end(&mut h)
        .unwrap();
    h
}

#[test]
fn each_fixture_is_detected_with_its_format() {
    for c in CASES {
        let want = if c.format == "event-xml" {
            Format::EventXml
        } else {
            Format::EventCsv
        };
        let h = head(&Path::new(DIR).join(c.file));
        assert_eq!(detect(&h), want, "{}", c.file);
        assert_eq!(sniff_export(&h), Some(want), "{}", c.file);
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn netstat_and_demo_fixtures_are_not_claimed() {
    let mut files = Vec::new();
    files_under(Path::new("fixtures/demo"), &mut files);
    assert_eq!(files.len(), 4);
    for f in files {
        assert_eq!(sniff_export(&head(&f)), None, "{}", f.display());
    }
}

#[test]
fn real_netstat_captures_and_logs_are_not_claimed() {
    let Some(root) = std::env::var_os("HALFOPEN_REALDATA") else {
        eprintln!("HALFOPEN_REALDATA is unset: skipping the export sniffer on real data");
        return;
    };
    let mut files = Vec::new();
    files_under(Path::new(&root), &mut files);
    let netstat = files
        .iter()
        .filter(|f| f.to_string_lossy().contains("netstat/windows/"))
        .count();
    assert!(netstat >= 7, "{netstat} Windows netstat files");
    for f in files {
        assert_eq!(sniff_export(&head(&f)), None, "{}", f.display());
    }
}

mod no_panic {
    use super::*;
    use halfopen::ingest::export::read_event_export;
    use proptest::prelude::*;

    /// Bytes that start like an export, then anything.
    fn export_like() -> impl Strategy<Value = Vec<u8>> {
        let starts = prop_oneof![
            Just(b"<Events><Event xmlns='x'><System>".to_vec()),
            Just(b"Level,Date and Time,Source,Event ID,Task Category\r\n".to_vec()),
            Just(b"3/14/2026,11:02:13 AM,Tcpip,Warning,None,4226,N/A,WS,\"".to_vec()),
            Just(b"\xff\xfeL\0e\0".to_vec()),
            Just(Vec::new()),
        ];
        (starts, proptest::collection::vec(any::<u8>(), 0..400)).prop_map(|(mut a, b)| {
            a.extend(b);
            a
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn sniffing_and_reading_never_panic(bytes in export_like()) {
            let _ = sniff_export(&bytes);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("x");
            std::fs::write(&path, &bytes).unwrap();
            for f in [Format::EventXml, Format::EventCsv] {
                let _ = read_event_export(&path, f, None);
            }
        }
    }
}
