//! Correlation scenarios generated in a temp folder: clock offsets (estimated and given),
//! `limit_not_enforced`, `clock_offset` findings and the `--around` window.

mod support;

use halfopen::model::UtcTime;
use halfopen_testgen::evtx::{EventSpec, write_evtx};
use halfopen_testgen::pcap::{SynthSegment, SynthTcp, write_pcap};
use serde_json::Value;
use std::net::IpAddr;
use std::path::Path;

const SYN: u8 = 0x02;
/// 2026-03-14T10:00:00Z.
const T0: i64 = 1_773_482_400;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// `n` SYNs from `src` to dead hosts 10.9.0.1.. at `T0 + at` (first SYN only, never answered):
/// the sender holds `n` half-open connections from `at` to `at + 21 s` (the give-up time). A last
/// unrelated ACK at `at + 30 s` keeps the capture open past the give-up.
fn dead_syns(src: &str, n: u32, at: i64) -> Vec<SynthTcp> {
    let trailer = SynthTcp {
        unix_ns: (T0 + at + 30) * 1_000_000_000,
        seg: SynthSegment {
            src: ip("10.7.7.7"),
            dst: ip("10.7.7.8"),
            sport: 5000,
            dport: 80,
            flags: 0x10,
            seq: 1,
            ack: 1,
            payload_len: 0,
        },
    };
    (0..n)
        .map(|i| SynthTcp {
            unix_ns: (T0 + at) * 1_000_000_000 + i64::from(i) * 1_000_000,
            seg: SynthSegment {
                src: ip(src),
                dst: ip(&format!("10.9.0.{}", i + 1)),
                sport: 40_000 + i as u16,
                dport: 445,
                flags: SYN,
                seq: 1000 + i,
                ack: 0,
                payload_len: 0,
            },
        })
        .chain(std::iter::once(trailer))
        .collect()
}

fn event_4226(computer: &str, at: i64) -> EventSpec {
    EventSpec {
        record_id: 7,
        unix_ns: (T0 + at) * 1_000_000_000,
        provider: "Tcpip".into(),
        event_id: 4226,
        qualifiers: Some(32768),
        level: 3,
        task: 0,
        keywords: 0x0080_0000_0000_0000,
        computer: computer.into(),
        channel: "System".into(),
        data: Vec::new(),
        data_names: Vec::new(),
        binary: None,
    }
}

fn analyze(dir: &Path, extra: &[&str]) -> Value {
    let out = support::watched_bin()
        .arg("analyze")
        .args(["--format", "json"])
        .args(extra)
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn offset_of<'a>(v: &'a Value, file: &str) -> &'a Value {
    v["clock_offsets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["source"].as_str().unwrap().ends_with(file))
        .unwrap()
}

/// A folder with a System.evtx holding one 4226 of WS-ALARM01 at `T0 + ev_at` and `span.pcap`
/// with 10 dead-host SYNs from 10.1.1.10 at capture time `T0 + syn_at`.
fn span_case(ev_at: i64, syn_at: i64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("System.evtx"),
        write_evtx(&[event_4226("WS-ALARM01", ev_at)]),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("span.pcap"),
        write_pcap(&dead_syns("10.1.1.10", 10, syn_at)),
    )
    .unwrap();
    dir
}

/// A span-port capture whose clock runs 97 s ahead of the workstation: the workstation reaches
/// the limit at T0+0.009 (capture clock T0+97.009) and logs 4226 at T0+1. The anchor gives
/// 1 − 97.009 = −96.009 s, within 2 s of the true −97 s, and every capture time moves onto the
/// host clock within 1 s of the truth.
#[test]
fn capture_clock_97_s_ahead_is_estimated_from_4226_against_the_limit_moment() {
    let dir = span_case(1, 97);
    let v = analyze(dir.path(), &["--host", "WS-ALARM01=10.1.1.10"]);
    let cap = offset_of(&v, "span.pcap");
    assert_eq!(cap["method"], "half_open_limit_vs_4226");
    assert_eq!(cap["anchors"], 1);
    assert_eq!(cap["offset_s"], -96.009);
    assert!((cap["offset_s"].as_f64().unwrap() - -97.0).abs() <= 2.0);
    assert_eq!(offset_of(&v, "System.evtx")["method"], "reference");

    // The first SYN left at host time T0+0 (truth); after the shift it shows at T0+0.991.
    let unanswered: Vec<&str> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "connect_unanswered")
        .map(|e| e["time"].as_str().unwrap())
        .collect();
    assert_eq!(unanswered.len(), 10);
    assert_eq!(unanswered[0], "2026-03-14T10:00:00.991000000Z");

    // The offset above 60 s is a finding of its own; the limit finding joins both sources.
    let findings = v["findings"].as_array().unwrap();
    let limit = findings
        .iter()
        .find(|f| f["kind"] == "half_open_limit")
        .unwrap();
    assert_eq!(limit["host"], "WS-ALARM01");
    assert_eq!(limit["start"], "2026-03-14T10:00:01.000000000Z");
    assert_eq!(limit["confidence"], "high");
    let clock = findings
        .iter()
        .find(|f| f["kind"] == "clock_offset")
        .unwrap();
    assert_eq!(clock["offset_s"], -96.009);
    assert!(clock["source"].as_str().unwrap().ends_with("span.pcap"));
    assert_eq!(v["verdicts"][0]["severity"], "critical");
}

/// `--clock-offset` overrides the estimate, for the named file only.
#[test]
fn clock_offset_option_overrides_the_estimate() {
    let dir = span_case(321, 0);
    let v = analyze(
        dir.path(),
        &[
            "--host",
            "WS-ALARM01=10.1.1.10",
            "--clock-offset",
            "span.pcap=-5.5",
        ],
    );
    let cap = offset_of(&v, "span.pcap");
    assert_eq!(cap["method"], "option");
    assert_eq!(cap["offset_s"], -5.5);
    let first = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "connect_unanswered")
        .unwrap();
    assert_eq!(first["time"], "2026-03-14T09:59:54.500000000Z");
    // Under 60 s: no clock finding.
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "clock_offset")
    );
}

/// 15 attempts outstanding and no 4226: the limit is not enforced on that host.
#[test]
fn more_than_the_limit_without_4226_is_limit_not_enforced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("burst.pcap"),
        write_pcap(&dead_syns("10.2.2.2", 15, 0)),
    )
    .unwrap();
    let v = analyze(dir.path(), &[]);
    let f = &v["findings"][0];
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(f["kind"], "limit_not_enforced");
    assert_eq!(f["host"], "10.2.2.2");
    assert_eq!(f["peak_half_open"], 15);
    assert_eq!(f["confidence"], "medium");
    assert_eq!(f["start"], "2026-03-14T10:00:00.014000000Z");
    assert!(
        f["resolution"]
            .as_str()
            .unwrap()
            .contains("EnableConnectionRateLimiting")
    );
    assert_eq!(v["verdicts"][0]["severity"], "info");
    // No capture-only half_open_limit without the queued-connect fingerprint.
    assert_eq!(v["clock_offsets"][0]["method"], "none");
}

/// `--around T --window 2s` keeps only the entries within 2 s of T.
#[test]
fn around_cuts_the_timeline_to_the_window() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo");
    let v = analyze(
        Path::new(demo),
        &[
            "--netstat-time",
            "2026-03-14T10:02:40Z",
            "--around",
            "2026-03-14T10:02:13Z",
            "--window",
            "2s",
        ],
    );
    let tl = v["timeline"].as_array().unwrap();
    assert!(!tl.is_empty());
    let at = UtcTime::parse_rfc3339("2026-03-14T10:02:13Z").unwrap();
    for e in tl {
        let t = UtcTime::parse_rfc3339(e["time"].as_str().unwrap()).unwrap();
        assert!(t.seconds_since(at).abs() <= 2.0, "{e}");
    }
    assert_eq!(tl.iter().filter(|e| e["kind"] == "tcpip_4226").count(), 1);
    // Findings still cover the whole run.
    assert_eq!(v["findings"][0]["syn_retransmissions"], 80);
}

/// The demo with its alarm clients: both gaps overlap WS-ALARM01's half-open-limit window, so
/// they are `explained`, and the verdict tells the whole story.
#[test]
fn demo_alarm_gaps_are_explained_by_the_providers_limit() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo");
    let v = analyze(
        Path::new(demo),
        &[
            "--netstat-time",
            "2026-03-14T10:02:40.000000000Z",
            "--alarm-provider",
            "10.1.1.10",
            "--alarm-client",
            "10.1.1.21",
            "--alarm-client",
            "10.1.1.22",
        ],
    );
    let gaps: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "alarm_client_gap")
        .collect();
    assert_eq!(gaps.len(), 2);
    assert_eq!(gaps[0]["client"], "10.1.1.21");
    assert_eq!(gaps[0]["provider"], "10.1.1.10");
    assert_eq!(gaps[0]["explained"], true);
    assert_eq!(gaps[0]["cause"], "reset");
    assert_eq!(gaps[0]["start"], "2026-03-14T10:02:12.500300000Z");
    assert_eq!(gaps[1]["client"], "10.1.1.22");
    assert_eq!(gaps[1]["explained"], true);
    assert!(
        gaps[0]["resolution"]
            .as_str()
            .unwrap()
            .contains("server OS")
    );
    let verdict = v["verdicts"][0]["text"].as_str().unwrap();
    assert!(
        verdict.contains(
            "Alarm clients got nothing from their provider: 10.1.1.21 for 82 s, 10.1.1.22 for 81 s."
        ),
        "{verdict}"
    );
}

/// The demo capture alone (no event log, no netstat): the queued-connect fingerprint still
/// gives `half_open_limit`, with medium confidence.
#[test]
fn limit_reached_with_the_event_log_missing_comes_from_the_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let demo = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/demo/WS-ALARM01-capture.pcap"
    );
    std::fs::copy(demo, dir.path().join("capture.pcap")).unwrap();
    let v = analyze(dir.path(), &[]);
    let f = &v["findings"][0];
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(f["kind"], "half_open_limit");
    assert_eq!(f["host"], "10.1.1.10");
    assert_eq!(f["confidence"], "medium");
    assert_eq!(f["events_4226"], 0);
    assert_eq!(f["start"], "2026-03-14T10:02:10.090000000Z");
    assert_eq!(f["end"], "2026-03-14T10:03:34.000800000Z");
    assert_eq!(f["syn_retransmissions"], 80);
    assert_eq!(v["verdicts"][0]["severity"], "critical");
    assert_eq!(v["hosts"][0]["queued_connect_fingerprint"], true);
}

/// Tcpip 4231 in the event log and a netstat full of TIME_WAIT: ephemeral port exhaustion.
#[test]
fn port_exhaustion_from_4231_and_time_wait() {
    let dir = tempfile::tempdir().unwrap();
    let mut ev = event_4226("WS-ALARM01", 30);
    ev.event_id = 4231;
    std::fs::write(dir.path().join("System.evtx"), write_evtx(&[ev])).unwrap();
    let mut text = String::from(
        "Active Connections\r\n\r\n  Proto  Local Address          Foreign Address        State           PID\r\n",
    );
    for i in 0..3000u32 {
        text.push_str(&format!(
            "  TCP    10.1.1.10:{}         10.1.3.{}:80           TIME_WAIT       0\r\n",
            1025 + i,
            i % 200 + 1
        ));
    }
    std::fs::write(dir.path().join("netstat.txt"), text).unwrap();
    let v = analyze(
        dir.path(),
        &[
            "--netstat-time",
            "2026-03-14T10:00:40.000000000Z",
            "--host",
            "WS-ALARM01=10.1.1.10",
        ],
    );
    let f = &v["findings"][0];
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(f["kind"], "ephemeral_port_exhaustion");
    assert_eq!(f["host"], "WS-ALARM01");
    assert_eq!(f["confidence"], "high");
    assert_eq!(f["start"], "2026-03-14T10:00:30.000000000Z");
    assert_eq!(f["end"], "2026-03-14T10:00:40.000000000Z");
    assert_eq!(f["evidence"].as_array().unwrap().len(), 2);
    assert!(f["resolution"].as_str().unwrap().contains("MaxUserPort"));
    assert_eq!(v["verdicts"][0]["severity"], "warning");
}

/// A clean capture: five completed handshakes, nothing wrong, verdict `ok`.
#[test]
fn a_clean_capture_gives_no_finding() {
    let dir = tempfile::tempdir().unwrap();
    let mut packets = Vec::new();
    for i in 0..5u32 {
        let at = |ms: i64| (T0 + i64::from(i)) * 1_000_000_000 + ms * 1_000_000;
        let seg = |src: &str, dst: &str, sport: u16, dport: u16, flags: u8, seq: u32, ack: u32| {
            SynthSegment {
                src: ip(src),
                dst: ip(dst),
                sport,
                dport,
                flags,
                seq,
                ack,
                payload_len: 0,
            }
        };
        let port = 50_000 + i as u16;
        packets.push(SynthTcp {
            unix_ns: at(0),
            seg: seg("10.1.1.21", "10.1.1.10", port, 5413, SYN, 100, 0),
        });
        packets.push(SynthTcp {
            unix_ns: at(1),
            seg: seg("10.1.1.10", "10.1.1.21", 5413, port, SYN | 0x10, 900, 101),
        });
        packets.push(SynthTcp {
            unix_ns: at(2),
            seg: seg("10.1.1.21", "10.1.1.10", port, 5413, 0x10, 101, 901),
        });
    }
    std::fs::write(dir.path().join("clean.pcap"), write_pcap(&packets)).unwrap();
    let v = analyze(dir.path(), &[]);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert_eq!(v["captures"][0]["handshakes"]["established"], 5);
    assert_eq!(v["verdicts"][0]["host"], "10.1.1.21");
    assert_eq!(v["verdicts"][0]["severity"], "ok");
    assert_eq!(v["hosts"][0]["peak_half_open"], 1);
}

/// A NetBIOS registration in a second capture ties the SYN sender 10.1.1.10 to the event log's
/// Computer WS-ALARM01 without `--host`; a DNS answer for a far server makes no host.
#[test]
fn a_netbios_registration_merges_the_capture_sender_with_the_event_log_computer() {
    use halfopen_testgen::pcap::{SynthUdp, dns_response, nbns_registration, write_pcap_udp};
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("System.evtx"),
        write_evtx(&[event_4226("WS-ALARM01", 1)]),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("syns.pcap"),
        write_pcap(&dead_syns("10.1.1.10", 10, 0)),
    )
    .unwrap();
    let udp = |src: &str, dst: &str, sport: u16, dport: u16, payload: Vec<u8>| SynthUdp {
        unix_ns: (T0 - 60) * 1_000_000_000,
        src: ip(src),
        dst: ip(dst),
        sport,
        dport,
        payload,
    };
    std::fs::write(
        dir.path().join("names.pcap"),
        write_pcap_udp(&[
            udp(
                "10.1.1.10",
                "10.1.1.255",
                137,
                137,
                nbns_registration("WS-ALARM01", 0x00, "10.1.1.10".parse().unwrap(), false),
            ),
            udp(
                "10.1.1.1",
                "10.1.1.10",
                53,
                40_000,
                dns_response("www.example.com", &[], &[ip("93.184.216.34")]),
            ),
        ]),
    )
    .unwrap();
    let v = analyze(dir.path(), &[]);
    let hosts = v["hosts"].as_array().unwrap();
    let names: Vec<&str> = hosts.iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["WS-ALARM01"]);
    assert_eq!(hosts[0]["addresses"], serde_json::json!(["10.1.1.10"]));
    let merged: Vec<&str> = hosts[0]["merged_from"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(
        merged
            .iter()
            .any(|m| m.ends_with("names.pcap NetBIOS name WS-ALARM01 = 10.1.1.10 (frame 1)")),
        "{merged:?}"
    );
    let f = &v["findings"][0];
    assert_eq!(f["kind"], "half_open_limit");
    assert_eq!(f["host"], "WS-ALARM01");
    assert_eq!(f["confidence"], "high");
}
