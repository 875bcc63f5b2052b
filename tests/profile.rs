//! Issue 21 §1: site and incident profiles (`halfopen.toml`). The demo with its facts in a
//! profile gives, through `batch` with no flags, the findings README command 1 gives with flags.

mod support;

use serde_json::Value;
use std::path::Path;
use support::{halfopen, run_watched};

/// README command 1's facts.
const FLAGS: &[&str] = &[
    "--netstat-time",
    "2026-03-14T10:02:40Z",
    "--alarm-provider",
    "10.1.1.10",
    "--alarm-client",
    "10.1.1.21",
    "--alarm-client",
    "10.1.1.22",
];

/// The same facts as a profile, the provider given by name.
const PROFILE: &str = r#"netstat_time = "2026-03-14T10:02:40Z"
[hosts]
WS-ALARM01 = "10.1.1.10"
[alarm]
providers = ["WS-ALARM01"]
clients = ["10.1.1.21", "10.1.1.22"]
"#;

fn copy_demo(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir("fixtures/demo").unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

fn findings(v: &Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["host"].as_str().unwrap_or("").to_string(),
                f["summary"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_profile_in_the_incident_replaces_the_flags_of_readme_command_1() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("archive").join("case-demo");
    copy_demo(&case);
    let mut cmd = halfopen(["analyze", "--format", "json"]);
    cmd.args(FLAGS).arg(&case);
    let with_flags: Value = serde_json::from_slice(&run_watched(cmd).stdout).unwrap();
    let expected = findings(&with_flags);
    assert!(
        expected.iter().any(|f| f.0 == "alarm_client_gap"),
        "{expected:?}"
    );

    std::fs::write(case.join("halfopen.toml"), PROFILE).unwrap();
    let out = tmp.path().join("out");
    let mut cmd = halfopen(["batch", "--out"]);
    cmd.arg(&out).arg(tmp.path().join("archive"));
    let run = run_watched(cmd);
    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("case-demo/report.json")).unwrap()).unwrap();
    assert_eq!(findings(&report), expected);
    // The profile is a setting, not evidence: the same four inputs.
    assert_eq!(report["inputs"].as_array().unwrap().len(), 4);
    // The report says which profile and which values were used (the provider's name resolved).
    let settings = &report["settings"];
    assert!(
        settings["profiles"][0]
            .as_str()
            .unwrap()
            .ends_with("case-demo/halfopen.toml"),
        "{settings}"
    );
    assert_eq!(
        settings["alarm_providers"],
        serde_json::json!(["10.1.1.10"])
    );
    assert_eq!(
        settings["alarm_clients"],
        serde_json::json!(["10.1.1.21", "10.1.1.22"])
    );
    assert_eq!(settings["netstat_time"], "2026-03-14T10:02:40.000000000Z");
    assert_eq!(settings["gap_s"], 30.0);

    // analyze on the folder reads the same profile.
    let mut cmd = halfopen(["analyze", "--format", "json"]);
    cmd.arg(&case);
    let v: Value = serde_json::from_slice(&run_watched(cmd).stdout).unwrap();
    assert_eq!(findings(&v), expected);
}

#[test]
fn an_unknown_key_fails_with_its_line_number() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("archive").join("case-typo");
    copy_demo(&case);
    std::fs::write(
        case.join("halfopen.toml"),
        "netstat_time = \"2026-03-14T10:02:40Z\"\n[alarm]\nprovider = [\"10.1.1.10\"]\n",
    )
    .unwrap();
    let mut cmd = halfopen(["analyze"]);
    cmd.arg(&case);
    let run = run_watched(cmd);
    assert_eq!(run.status.code(), Some(2));
    assert!(run.stderr.contains("halfopen.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("line 3"), "{}", run.stderr);
    assert!(run.stderr.contains("provider"), "{}", run.stderr);

    // In a batch the incident fails with the same message; the others go on.
    let out = tmp.path().join("out");
    let mut cmd = halfopen(["batch", "--out"]);
    cmd.arg(&out).arg(tmp.path().join("archive"));
    let run = run_watched(cmd);
    assert_eq!(run.status.code(), Some(1), "{}", run.stderr);
    let row: Value = serde_json::from_str(
        std::fs::read_to_string(out.join("summary.jsonl"))
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(row["status"], "error");
    assert!(row["error"].as_str().unwrap().contains("line 3"), "{row}");
}

#[test]
fn init_writes_a_profile_that_config_accepts_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("site.toml");
    let mut cmd = halfopen(["init"]);
    cmd.arg(&p);
    assert_eq!(run_watched(cmd).status.code(), Some(0));
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains("half_open_limit = 10"), "{text}");

    let mut cmd = halfopen(["analyze", "--format", "json", "--config"]);
    cmd.arg(&p)
        .args(["--netstat-time", "2026-03-14T10:02:40Z", "fixtures/demo"]);
    let run = run_watched(cmd);
    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);

    let mut cmd = halfopen(["init"]);
    cmd.arg(&p);
    let run = run_watched(cmd);
    assert_eq!(run.status.code(), Some(2));
    assert!(run.stderr.contains("exists"), "{}", run.stderr);
}

/// Issue 21 §3: `--alarm-provider WS-ALARM01` with no `--host`: the demo's own netstat file
/// (run on WS-ALARM01, local address 10.1.1.10) gives the address, so the report is the one
/// the address gives. A name nothing knows is a warning naming it.
#[test]
fn alarm_provider_by_a_name_the_evidence_gives() {
    let run = |provider: &str| {
        let mut cmd = halfopen(["analyze", "--format", "json"]);
        cmd.args(&FLAGS[..2])
            .args(["--alarm-provider", provider])
            .args(&FLAGS[4..])
            .arg("fixtures/demo");
        let r = run_watched(cmd);
        assert_eq!(r.status.code(), Some(0), "{}", r.stderr);
        r.stdout
    };
    let by_addr = run("10.1.1.10");
    assert_eq!(run("WS-ALARM01"), by_addr);
    assert_eq!(run("ws-alarm01.plant.local"), by_addr);
    let v: Value = serde_json::from_slice(&run("WS-NOWHERE")).unwrap();
    let w = v["warnings"][0].as_str().unwrap();
    assert!(w.contains("\"WS-NOWHERE\"") && w.contains("netstat"), "{w}");
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "alarm_client_gap"),
        "no provider, no gap"
    );
}
