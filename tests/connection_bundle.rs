//! Issue 19, Done-when 2: a bundle of a capture, a Windows Firewall log (each of the three
//! forms) and a Sysmon log of the same SYN storm gives one episode, the culprit's image and
//! PID, and the capture's clock offset within ±0.5 s of the one it was generated with.
//!
//! The storm is the demo capture's (fixtures/demo: WS-ALARM01 = 10.1.1.10 queued at the
//! half-open limit). Its clock is made to run [`AHEAD_S`] ahead of the host by writing the
//! host-side logs that much earlier: Sysmon 3 (our EVTX writer, named `<Data>`, millisecond
//! `UtcTime`) and the firewall log (whole seconds), one line per connect of 10.1.1.10.

mod support;

use halfopen::analysis::handshake::{Attempt, HandshakeSettings, HandshakeTracker};
use halfopen::ingest::capture::{TcpPacket, read_capture};
use halfopen_testgen::evtx::{EventSpec, write_evtx};
use serde_json::Value;
use std::path::Path;

/// The capture's clock is this far ahead of the host's (seconds).
const AHEAD_S: f64 = 12.6;
const IMAGE: &str = r"C:\Program Files\Wonderware\InTouch\view.exe";
const PID: u32 = 3120;

fn demo_attempts() -> Vec<Attempt> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/WS-ALARM01-capture.pcap");
    let mut tracker = HandshakeTracker::new(HandshakeSettings::default());
    let read = read_capture(&path, &mut |p: &TcpPacket| tracker.push(p)).unwrap();
    let rep = tracker.finish(read.last_time);
    rep.attempts
        .iter()
        .filter(|a| a.src.to_string() == "10.1.1.10")
        .collect()
}

/// Host time (ns) of an attempt's first SYN.
fn host_ns(a: &Attempt) -> i64 {
    a.first_syn.unix_nanos() - (AHEAD_S * 1e9) as i64
}

fn sysmon(attempts: &[Attempt]) -> Vec<u8> {
    let names = [
        "UtcTime",
        "ProcessId",
        "Image",
        "Protocol",
        "Initiated",
        "SourceIp",
        "SourcePort",
        "DestinationIp",
        "DestinationPort",
    ];
    let events: Vec<EventSpec> = attempts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let t = jiff::Timestamp::from_nanosecond(i128::from(host_ns(a))).unwrap();
            EventSpec {
                record_id: i as u64 + 1,
                unix_ns: host_ns(a) + 3_000_000,
                provider: "Microsoft-Windows-Sysmon".into(),
                event_id: 3,
                qualifiers: None,
                level: 4,
                task: 3,
                keywords: 0x8000_0000_0000_0000,
                computer: "WS-ALARM01".into(),
                channel: "Microsoft-Windows-Sysmon/Operational".into(),
                data: vec![
                    t.strftime("%Y-%m-%d %H:%M:%S%.3f").to_string(),
                    PID.to_string(),
                    IMAGE.into(),
                    "tcp".into(),
                    "true".into(),
                    a.src.to_string(),
                    a.sport.to_string(),
                    a.dst.to_string(),
                    a.dport.to_string(),
                ],
                data_names: names.iter().map(|n| n.to_string()).collect(),
                binary: None,
            }
        })
        .collect();
    write_evtx(&events)
}

/// The firewall log of `form` (`xp-sp2`, `xp-icf`, `wfp`), UTC, whole seconds.
fn firewall(form: &str, attempts: &[Attempt]) -> String {
    let (version, software, extra, action, tail) = match form {
        "xp-icf" => (
            "#Verson: 1.0",
            "Microsoft Internet Connection Firewall",
            "",
            "OPEN",
            "- - - - - - - -",
        ),
        "xp-sp2" => (
            "#Version: 1.5",
            "Microsoft Windows Firewall",
            " path",
            "OPEN",
            "- - - - - - - - -",
        ),
        _ => (
            "#Version: 1.5",
            "Microsoft Windows Firewall",
            " path pid",
            "ALLOW",
            "0 - 0 0 0 - - - SEND 3120",
        ),
    };
    let mut s = format!(
        "{version}\n#Software: {software}\n#Time Format: Local\n#Fields: date time action \
         protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype \
         icmpcode info{extra}\n\n"
    );
    for a in attempts {
        let t = jiff::Timestamp::from_second(host_ns(a).div_euclid(1_000_000_000)).unwrap();
        s.push_str(&format!(
            "{} {action} TCP {} {} {} {} {tail}\n",
            t.strftime("%Y-%m-%d %H:%M:%S"),
            a.src,
            a.dst,
            a.sport,
            a.dport
        ));
    }
    s
}

fn analyze(form: &str) -> Value {
    let attempts = demo_attempts();
    assert!(attempts.len() > 40, "the demo storm: {}", attempts.len());
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/WS-ALARM01-capture.pcap");
    std::fs::copy(demo, dir.path().join("capture.pcap")).unwrap();
    std::fs::write(dir.path().join("Sysmon.evtx"), sysmon(&attempts)).unwrap();
    std::fs::write(dir.path().join("pfirewall.log"), firewall(form, &attempts)).unwrap();
    let out = support::watched_bin()
        .args(["analyze", "--format", "json", "--event-tz", "UTC"])
        .arg(dir.path())
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn capture_firewall_log_and_sysmon_of_one_storm_give_one_episode_the_culprit_and_the_offset() {
    for form in ["xp-sp2", "xp-icf", "wfp"] {
        let v = analyze(form);
        let limit: Vec<&Value> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "half_open_limit")
            .collect();
        assert_eq!(limit.len(), 1, "{form}: {:#}", v["findings"]);
        let f = limit[0];
        // The Sysmon log's own outbound connections tie WS-ALARM01 to 10.1.1.10: no --host.
        assert_eq!(f["host"], "WS-ALARM01", "{form}");
        assert_eq!(f["episodes"].as_array().unwrap().len(), 1, "{form}");
        let top = &f["connecting_processes"][0];
        assert_eq!(top["image"], IMAGE, "{form}");
        assert_eq!(top["pid"], PID, "{form}");
        // The storm's busiest second, counted once across the two logs.
        let per_s = top["peak_connects_per_s"].as_u64().unwrap();
        assert!(
            per_s >= 2 && per_s <= top["connects"].as_u64().unwrap(),
            "{form}: {per_s}"
        );
        let clock = v["clock_offsets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["source"].as_str().unwrap().ends_with("capture.pcap"))
            .unwrap();
        assert_eq!(clock["method"], "connections_vs_capture", "{form}");
        let offset = clock["offset_s"].as_f64().unwrap();
        assert!((offset + AHEAD_S).abs() <= 0.5, "{form}: offset {offset}");
    }
}
