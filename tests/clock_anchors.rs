//! Clock offsets from logged connects (issue 19 §4, `correlate::clock`,
//! `connections_vs_capture`): a capture whose clock runs 37.25 s ahead of the host, and the
//! host's Windows Firewall log (whole seconds) of the same connects, give the offset within
//! ±0.5 s, with the anchor count and spread.

mod support;

use halfopen::ingest::capture::flags;
use halfopen_testgen::pcap::{SynthSegment, SynthTcp, write_pcap};
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr};

/// 2026-03-14T10:02:10Z in ns (host clock).
const T0: i64 = 1_773_482_530 * 1_000_000_000;
/// The capture clock is this far ahead of the host's (ns).
const AHEAD: i64 = 37_250_000_000;
const CONNECTS: i64 = 30;

fn seg(src: IpAddr, sport: u16, dst: IpAddr, dport: u16, fl: u8) -> SynthSegment {
    SynthSegment {
        src,
        dst,
        sport,
        dport,
        flags: fl,
        seq: 1000 + u32::from(sport),
        ack: 0,
        payload_len: 0,
    }
}

/// Connect `i` of 10.1.1.10 (port 1100 + i to 10.1.2.(i+1):445) leaves at this host time:
/// 0.37 s apart, so the fractions of a second vary.
fn host_ns(i: i64) -> i64 {
    T0 + i * 370_000_000
}

fn capture() -> Vec<u8> {
    let ws = IpAddr::V4(Ipv4Addr::new(10, 1, 1, 10));
    let mut p = Vec::new();
    for i in 0..CONNECTS {
        let dst = IpAddr::V4(Ipv4Addr::new(10, 1, 2, i as u8 + 1));
        let sport = 1100 + i as u16;
        let t = host_ns(i) + AHEAD;
        p.push(SynthTcp {
            unix_ns: t,
            seg: seg(ws, sport, dst, 445, flags::SYN),
        });
        p.push(SynthTcp {
            unix_ns: t + 2_000_000,
            seg: seg(dst, 445, ws, sport, flags::SYN | flags::ACK),
        });
    }
    write_pcap(&p)
}

/// The host's WFP firewall log (Vista and later form, with `pid`), UTC times cut to the second.
fn firewall_log() -> String {
    let mut s = String::from(
        "#Version: 1.5\n#Software: Microsoft Windows Firewall\n#Time Format: Local\n\
         #Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags \
         tcpsyn tcpack tcpwin icmptype icmpcode info path pid\n\n",
    );
    for i in 0..CONNECTS {
        let secs = host_ns(i).div_euclid(1_000_000_000);
        let t = jiff::Timestamp::from_second(secs).unwrap();
        s.push_str(&format!(
            "{} ALLOW TCP 10.1.1.10 10.1.2.{} {} 445 0 - 0 0 0 - - - SEND 2412\n",
            t.strftime("%Y-%m-%d %H:%M:%S"),
            i + 1,
            1100 + i
        ));
    }
    s
}

#[test]
fn logged_connects_against_their_syns_give_the_capture_offset_within_half_a_second() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ws.pcap"), capture()).unwrap();
    std::fs::write(dir.path().join("pfirewall.log"), firewall_log()).unwrap();
    let out = support::watched_bin()
        .args(["analyze", "--format", "json", "--event-tz", "UTC"])
        .arg(dir.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let clock = v["clock_offsets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["source"].as_str().unwrap().ends_with("ws.pcap"))
        .unwrap()
        .clone();
    assert_eq!(clock["method"], "connections_vs_capture");
    assert_eq!(clock["anchors"], CONNECTS);
    let offset = clock["offset_s"].as_f64().unwrap();
    assert!((offset + 37.25).abs() <= 0.5, "offset {offset}");
    // Whole-second stamps: each anchor is within half a second of the truth.
    let spread = clock["spread_s"].as_f64().unwrap();
    assert!(spread > 0.0 && spread <= 0.5, "spread {spread}");
    // The capture's first entry (the half-open peak at the first SYN) lands on the host
    // clock: 10:02:10 within the uncertainty, not 37 s later.
    let first: jiff::Timestamp = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["source"]["path"].as_str().unwrap().ends_with("ws.pcap"))
        .map(|e| {
            e["time"]
                .as_str()
                .unwrap()
                .parse::<jiff::Timestamp>()
                .unwrap()
        })
        .min()
        .unwrap();
    let error_ns = first.as_nanosecond() - i128::from(T0);
    assert!(error_ns.abs() <= 500_000_000, "first capture entry {first}");
}
