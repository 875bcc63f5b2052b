//! The queued-connect fingerprint (`src/analysis/halfopen.rs` module docs) on whole inputs:
//! the demo's simulated XP SP2 queue has it, a SYN scanner (real capture) does not.

mod support;

use std::path::Path;

fn analyze_json(args: &[&str]) -> serde_json::Value {
    let out = support::watched_bin()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("analyze")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn host<'a>(v: &'a serde_json::Value, addr: &str) -> &'a serde_json::Value {
    v["captures"][0]["half_open"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["address"] == addr)
        .unwrap_or_else(|| panic!("no half_open entry for {addr}"))
}

#[test]
fn demo_ws_alarm01_queue_has_the_fingerprint() {
    let v = analyze_json(&["--netstat-time", "2026-03-14T10:02:40Z", "fixtures/demo"]);
    let h = host(&v, "10.1.1.10");
    assert_eq!(h["peak_half_open"], 10);
    assert_eq!(h["queued_connect_fingerprint"], true);
    let ws = v["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "WS-ALARM01")
        .unwrap();
    assert_eq!(ws["queued_connect_fingerprint"], true);
}

#[test]
fn synscan_exceeds_every_limit_and_has_no_fingerprint() {
    let Some(dir) = std::env::var_os("HALFOPEN_REALDATA") else {
        eprintln!("HALFOPEN_REALDATA is unset: skipping synscan fingerprint");
        return;
    };
    let f = Path::new(&dir).join("pcap/synscan.pcapng");
    let v = analyze_json(&[f.to_str().unwrap()]);
    let h = host(&v, "172.16.0.8");
    assert_eq!(h["peak_half_open"], 1986);
    assert_eq!(h["queued_connect_fingerprint"], false);
}
