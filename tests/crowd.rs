//! SYN floods and scans from many sources (issue 18 §2, `correlate::crowd`): senders far below
//! the half-open limit in a capture with more than 64 senders are counted, not listed; a sender
//! at the limit keeps everything. Captures are generated with `halfopen_testgen::pcap`.

mod support;

use halfopen::ingest::capture::flags;
use halfopen_testgen::pcap::{SynthSegment, SynthTcp, write_pcap};
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr};

/// 2026-03-14T10:00:00Z in ns.
const T0: i64 = 1_773_482_400 * 1_000_000_000;

fn syn(ms: i64, src: IpAddr, sport: u16, dst: IpAddr, seq: u32) -> SynthTcp {
    SynthTcp {
        unix_ns: T0 + ms * 1_000_000,
        seg: SynthSegment {
            src,
            dst,
            sport,
            dport: 445,
            flags: flags::SYN,
            seq,
            ack: 0,
            payload_len: 0,
        },
    }
}

/// `sources` senders with one unanswered SYN each, plus 10.1.1.10 with 12 connects outstanding
/// at once (over the limit), and a plain ACK 30 s in that ends the capture.
fn capture(sources: u32) -> Vec<u8> {
    let target = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 1));
    let mut p = Vec::new();
    for i in 0..sources {
        let src = IpAddr::V4(Ipv4Addr::from(0x0a63_0000 + i));
        p.push(syn(i64::from(i), src, 40_000, target, i * 7919));
    }
    let ws = IpAddr::V4(Ipv4Addr::new(10, 1, 1, 10));
    for k in 0..12u16 {
        let dst = IpAddr::V4(Ipv4Addr::new(10, 1, 2, k as u8 + 1));
        p.push(syn(
            1_000 + i64::from(k),
            ws,
            1100 + k,
            dst,
            u32::from(k) + 1,
        ));
    }
    // A last packet 30 s in: every attempt has outlived the 21 s give-up (never answered).
    let mut tail = syn(30_000, target, 80, ws, 1);
    tail.seg.flags = flags::ACK;
    p.push(tail);
    p.sort_by_key(|s| s.unix_ns);
    write_pcap(&p)
}

fn analyze(cap: &[u8]) -> Value {
    serde_json::from_slice(&run(cap, "json")).unwrap()
}

/// The report of `cap` (as `flood.pcap`) in `format` (exit 0 asserted).
fn run(cap: &[u8], format: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flood.pcap");
    std::fs::write(&path, cap).unwrap();
    let out = support::watched_bin()
        .env("COLUMNS", "200")
        .args(["analyze", "--format", format])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn a_flood_of_single_syn_senders_is_counted_and_the_host_at_the_limit_kept() {
    let v = analyze(&capture(300));
    let c = &v["captures"][0];
    assert_eq!(c["tcp_syn"], 312);
    assert_eq!(c["crowd_senders"], 300);
    let listed: Vec<&str> = c["half_open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["address"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["10.1.1.10"]);
    let hosts: Vec<&str> = v["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(hosts, ["10.1.1.10"]);
    let timeline = v["timeline"].as_array().unwrap();
    let crowd: Vec<&Value> = timeline
        .iter()
        .filter(|e| {
            e["message"]
                .as_str()
                .unwrap()
                .contains("counted, not listed")
        })
        .collect();
    assert_eq!(crowd.len(), 1);
    let m = crowd[0]["message"].as_str().unwrap();
    assert!(
        m.starts_with("300 connect attempts from 300 SYN senders"),
        "{m}"
    );
    assert!(m.contains("300 never answered"), "{m}");
    // The host over the limit keeps its own entries: 12 unanswered connects.
    let own = timeline
        .iter()
        .filter(|e| e["host"] == "10.1.1.10" && e["kind"] == "connect_unanswered")
        .count();
    assert_eq!(own, 12);
}

#[test]
fn a_capture_with_64_senders_lists_every_one() {
    let v = analyze(&capture(63));
    let c = &v["captures"][0];
    assert_eq!(c["crowd_senders"], 0);
    assert_eq!(c["half_open"].as_array().unwrap().len(), 64);
    assert_eq!(v["hosts"].as_array().unwrap().len(), 64);
}

/// `senders` scanners (10.7.0.1, 10.7.0.2, …), each with `per_sender` unanswered SYNs 10 ms
/// apart to distinct ports, interleaved; a plain ACK 60 s later ends the capture.
fn scanners(senders: u8, per_sender: u32) -> Vec<u8> {
    let target = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 1));
    let mut p = Vec::new();
    for i in 0..per_sender {
        for k in 0..senders {
            let src = IpAddr::V4(Ipv4Addr::new(10, 7, 0, k + 1));
            let mut s = syn(i64::from(i) * 10 + i64::from(k), src, 50_000, target, i + 1);
            s.seg.dport = (i % 60_000) as u16 + 1;
            p.push(s);
        }
    }
    let mut tail = syn(i64::from(per_sender) * 10 + 60_000, target, 80, target, 1);
    tail.seg.flags = flags::ACK;
    p.push(tail);
    write_pcap(&p)
}

#[test]
fn a_scanner_gets_1000_listed_attempts_and_one_entry_counting_the_rest() {
    let v = analyze(&scanners(3, 1_005));
    let timeline = v["timeline"].as_array().unwrap();
    let of = |host: &str| {
        timeline
            .iter()
            .filter(|e| e["host"] == host && e["kind"] == "connect_unanswered")
            .collect::<Vec<_>>()
    };
    let entries = of("10.7.0.2");
    // 1000 attempts listed one by one, then one entry for the other 5.
    assert_eq!(entries.len(), 1_001);
    let rest: Vec<&str> = entries
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .filter(|m| m.contains("counted, not listed"))
        .collect();
    assert_eq!(rest.len(), 1, "{rest:?}");
    assert!(
        rest[0].starts_with("5 more connect attempts of 10.7.0.2 from 2026-03-14T10:00:10.001"),
        "{}",
        rest[0]
    );
    assert!(rest[0].contains("5 never answered"), "{}", rest[0]);
    // The counts still hold every attempt.
    assert_eq!(v["captures"][0]["handshakes"]["unanswered"], 3 * 1_005);
}

#[test]
fn terminal_and_html_timelines_stop_at_their_row_caps_and_say_how_many_more() {
    // 6 scanners: 6000 unanswered connects + a limit-reached and a peak entry each.
    let cap = scanners(6, 1_000);
    let text = String::from_utf8(run(&cap, "text")).unwrap();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("… 4012 more timeline entries not shown (from 2026-03-14"),
        "{last}"
    );
    let html = String::from_utf8(run(&cap, "html")).unwrap();
    assert_eq!(html.matches("<tr id=\"e").count(), 5_000);
    assert!(
        html.contains("6012 timeline entries; the table lists the first 5000"),
        "header counts"
    );
}
