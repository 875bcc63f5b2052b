//! Windows Firewall logs (issue 19 §2) through the CLI: the three forms in fixtures/firewall
//! (see its README.md for what each holds and what the report must say).

mod support;

use serde_json::Value;

fn analyze(file: &str, extra: &[&str]) -> (Option<i32>, Value) {
    let out = support::watched_bin()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["analyze", "--format", "json"])
        .args(extra)
        .arg(format!("fixtures/firewall/{file}"))
        .output()
        .unwrap();
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

/// (event, direction, pid) of each connection.
fn facts(v: &Value) -> Vec<(String, Value, Value)> {
    v["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["event"].as_str().unwrap().to_string(),
                c["direction"].clone(),
                c["pid"].clone(),
            )
        })
        .collect()
}

fn fact(event: &str, direction: Option<&str>, pid: Option<u32>) -> (String, Value, Value) {
    (event.to_string(), direction.into(), pid.into())
}

#[test]
fn the_three_forms_give_their_connections_in_utc() {
    let berlin = ["--event-tz", "Europe/Berlin"];
    let (code, v) = analyze("xp-icf-pfirewall.log", &berlin);
    assert_eq!(code, Some(0));
    assert_eq!(v["inputs"][0]["format"], "firewall");
    assert_eq!(
        facts(&v),
        [
            fact("firewall_open", Some("outbound"), None),
            fact("firewall_open", Some("outbound"), None),
            fact("firewall_drop", None, None),
        ]
    );
    assert_eq!(
        v["connections"][0]["time"],
        "2026-03-14T10:02:10.000000000Z"
    );
    assert_eq!(v["connections"][0]["dst"], "10.1.2.1");
    assert_eq!(v["connections"][0]["dport"], 445);

    let (code, v) = analyze("xp-sp2-pfirewall.log", &berlin);
    // INFO-EVENTS-LOST: events the firewall did not write are a problem, so exit 3.
    assert_eq!(code, Some(3));
    assert_eq!(
        facts(&v),
        [
            fact("firewall_open", Some("outbound"), None),
            fact("firewall_open", Some("outbound"), None),
            fact("firewall_open_inbound", Some("inbound"), None),
            fact("firewall_drop", Some("inbound"), None),
        ]
    );
    let p = &v["inputs"][0]["problems"][0];
    assert_eq!(p["locator"], "line 9");
    assert!(
        p["reason"].as_str().unwrap().contains("lost 7 events"),
        "{p}"
    );

    let (code, v) = analyze("win10-pfirewall.log", &berlin);
    assert_eq!(code, Some(0));
    assert_eq!(
        facts(&v),
        [
            fact("firewall_allow", Some("outbound"), Some(2412)),
            fact("firewall_allow", Some("outbound"), Some(2412)),
            fact("firewall_allow", Some("outbound"), Some(1184)),
            fact("firewall_drop", Some("inbound"), Some(4)),
        ]
    );
    let connections_on_timeline = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "connection")
        .count();
    assert_eq!(connections_on_timeline, 4);
    assert_eq!(v["warnings"], serde_json::json!([]));
}

#[test]
fn local_times_without_a_zone_are_read_as_utc_with_a_warning() {
    let (_, v) = analyze("win10-pfirewall.log", &[]);
    assert_eq!(
        v["connections"][0]["time"],
        "2026-03-14T11:02:10.000000000Z"
    );
    let w = v["warnings"][0].as_str().unwrap();
    assert!(
        w.ends_with("win10-pfirewall.log: local times read as UTC (no --event-tz given)"),
        "{w}"
    );
}

/// Issue 19 §1: without `netstat -o`, the connection logs name the process that opened the
/// connections: the demo's event log and capture with the Windows 10 firewall log beside them.
#[test]
fn the_firewall_log_names_the_process_when_no_netstat_was_taken() {
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "fixtures/demo/WS-ALARM01-System.evtx",
        "fixtures/demo/WS-ALARM01-capture.pcap",
        "fixtures/firewall/win10-pfirewall.log",
    ] {
        let from = std::path::Path::new(root).join(f);
        std::fs::copy(&from, dir.path().join(from.file_name().unwrap())).unwrap();
    }
    let out = support::watched_bin()
        .args(["analyze", "--format", "json", "--event-tz", "Europe/Berlin"])
        .arg(dir.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let limit = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["host"] == "10.1.1.10")
        .expect("the capture's host at the limit");
    // Two ALLOW SEND TCP lines of PID 2412 around the limit; the UDP line of PID 1184 is not a
    // connect attempt.
    assert_eq!(
        limit["connecting_processes"],
        serde_json::json!([{
            "pid": 2412,
            "image": null,
            "connects": 2,
            "peak_connects_per_s": 2,
            "peak_connects_per_s_at": "2026-03-14T10:02:10.000000000Z"
        }])
    );
    let verdict = v["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["host"] == "10.1.1.10")
        .unwrap();
    let text = verdict["text"].as_str().unwrap();
    assert!(text.contains("most from PID 2412."), "{text}");
    assert!(text.contains("stop what PID 2412 is doing"), "{text}");
}
