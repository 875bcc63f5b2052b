//! Alarm client gaps through the CLI (`--alarm-provider`, `--alarm-client`, `--gap`, JSON key
//! `alarm_gaps`) on captures generated with `halfopen_testgen::pcap::write_pcap`. The rules are in
//! `src/analysis/alarm.rs`.

mod support;

use halfopen::ingest::capture::flags;
use halfopen::model::UtcTime;
use halfopen_testgen::pcap::{SynthSegment, SynthTcp, write_pcap};
use serde_json::{Value, json};

/// 2026-03-14T11:00:00Z.
const T0: i64 = 1_773_486_000;
const CLIENT: &str = "10.1.1.21";
const PROVIDER: &str = "10.1.1.10";

struct Cap {
    packets: Vec<SynthTcp>,
}

impl Cap {
    /// Adds a packet at `ms` after T0 and returns its frame number.
    fn add(&mut self, ms: i64, from_client: bool, cport: u16, fl: u8, len: u32) -> u64 {
        self.add_between(ms, CLIENT, from_client, cport, fl, len)
    }

    fn add_between(
        &mut self,
        ms: i64,
        client: &str,
        from_client: bool,
        cport: u16,
        fl: u8,
        len: u32,
    ) -> u64 {
        let (c, pv) = (client.parse().unwrap(), PROVIDER.parse().unwrap());
        let (src, dst, sport, dport) = if from_client {
            (c, pv, cport, 5413)
        } else {
            (pv, c, 5413, cport)
        };
        self.packets.push(SynthTcp {
            unix_ns: T0 * 1_000_000_000 + ms * 1_000_000,
            seg: SynthSegment {
                src,
                dst,
                sport,
                dport,
                flags: fl,
                seq: u32::from(cport) * 7 + u32::from(from_client),
                ack: 1,
                payload_len: len,
            },
        });
        self.packets.len() as u64
    }

    fn handshake(&mut self, ms: i64, cport: u16) {
        self.add(ms, true, cport, flags::SYN, 0);
        self.add(ms + 1, false, cport, flags::SYN | flags::ACK, 0);
        self.add(ms + 2, true, cport, flags::ACK, 0);
    }

    /// Client request at `s` seconds, provider reply 10 ms later; returns the reply's frame.
    fn exchange(&mut self, s: i64, cport: u16) -> u64 {
        self.add(s * 1000, true, cport, flags::PSH | flags::ACK, 20);
        self.add(s * 1000 + 10, false, cport, flags::PSH | flags::ACK, 40)
    }
}

/// As the JSON report writes it: RFC 3339 UTC with nine fraction digits.
fn time(ms: i64) -> String {
    UtcTime::from_unix_nanos(T0 * 1_000_000_000 + ms * 1_000_000, 9).to_string()
}

/// Exchanges every second 1–20 s, silence 51 s, a connect retried (SYNs at 71.01, 74.01,
/// 80.01 s, SYN-ACK 80.05 s), exchanges 81–94 s, a provider RST at 95 s, a reconnect at 95.5 s
/// and exchanges to 100 s. Noise: another host with resets to the provider (not a client).
/// Returns the capture and the frames of the 20.01 s and 94.01 s replies.
fn scenario() -> (Vec<u8>, u64, u64) {
    let mut c = Cap {
        packets: Vec::new(),
    };
    c.handshake(0, 1500);
    let mut last = 0;
    for s in 1..=20 {
        last = c.exchange(s, 1500);
    }
    let quiet_from = last;
    c.add_between(30_000, "10.1.1.99", true, 1600, flags::SYN, 0);
    c.add_between(30_001, "10.1.1.99", false, 1600, flags::RST | flags::ACK, 0);
    for ms in [71_010, 74_010, 80_010] {
        c.add(ms, true, 1501, flags::SYN, 0);
    }
    c.add(80_050, false, 1501, flags::SYN | flags::ACK, 0);
    c.add(80_051, true, 1501, flags::ACK, 0);
    for s in 81..=94 {
        last = c.exchange(s, 1501);
    }
    let before_reset = last;
    c.add(95_000, false, 1501, flags::RST, 0);
    c.handshake(95_500, 1502);
    for s in 96..=100 {
        c.exchange(s, 1502);
    }
    (write_pcap(&c.packets), quiet_from, before_reset)
}

fn gaps(capture: &[u8], extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alarm.pcap");
    std::fs::write(&path, capture).unwrap();
    let out = support::watched_bin()
        .args(["analyze", "--format", "json"])
        .args(["--alarm-provider", PROVIDER, "--alarm-client", CLIENT])
        .args(extra)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Each gap names its capture file; the rest is compared whole.
    for g in v["alarm_gaps"].as_array_mut().unwrap() {
        let p = g.as_object_mut().unwrap().remove("path").unwrap();
        assert_eq!(p.as_str().unwrap(), path.display().to_string());
    }
    v["alarm_gaps"].clone()
}

fn gap(start_ms: i64, end_ms: i64, seconds: f64, cause: &str, frame: u64) -> Value {
    json!({
        "client": CLIENT,
        "provider": PROVIDER,
        "start": time(start_ms),
        "end": time(end_ms),
        "seconds": seconds,
        "cause": cause,
        "frame": frame,
    })
}

#[test]
fn silence_retried_connect_and_reset_give_three_exact_gaps() {
    let (cap, quiet_from, before_reset) = scenario();
    let got = gaps(&cap, &[]);
    let retried_syn = 3 + 40 + 2 + 1;
    assert_eq!(
        got,
        json!([
            gap(20_010, 71_010, 51.0, "no_traffic", quiet_from),
            gap(71_010, 80_051, 9.041, "connect_retried", retried_syn),
            gap(94_010, 95_502, 1.492, "reset", before_reset),
        ])
    );
}

#[test]
fn a_gap_threshold_above_the_silence_leaves_only_the_connect_and_reset_gaps() {
    let (cap, _, before_reset) = scenario();
    let got = gaps(&cap, &["--gap", "60"]);
    assert_eq!(
        got,
        json!([
            gap(71_010, 80_051, 9.041, "connect_retried", 46),
            gap(94_010, 95_502, 1.492, "reset", before_reset),
        ])
    );
}

#[test]
fn unanswered_connects_until_the_capture_end_are_connect_failed() {
    let mut c = Cap {
        packets: Vec::new(),
    };
    c.handshake(0, 1500);
    c.exchange(1, 1500);
    // The client's SYNs at 5, 8 and 14 s are never answered; the capture ends at 30 s with a
    // packet of another host.
    for ms in [5_000, 8_000, 14_000] {
        c.add(ms, true, 1501, flags::SYN, 0);
    }
    c.add_between(30_000, "10.1.1.99", true, 1600, flags::SYN, 0);
    let got = gaps(&write_pcap(&c.packets), &[]);
    assert_eq!(got, json!([gap(5_000, 30_000, 25.0, "connect_failed", 6)]));
}

#[test]
fn without_alarm_endpoints_there_are_no_gaps() {
    let (cap, _, _) = scenario();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alarm.pcap");
    std::fs::write(&path, cap).unwrap();
    let out = support::watched_bin()
        .args(["analyze", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["alarm_gaps"], json!([]));
}

/// The demo: the provider WS-ALARM01 resets both alarm sessions at 10:02:14.5; its reconnects
/// wait in the half-open queue until 10:03:34. Each gap runs from the client's last ACK of a
/// provider message (10:02:12.5003 / 12.6003) to the provider's ACK completing the new
/// handshake.
#[test]
fn demo_alarm_clients_lose_their_provider_from_the_reset_to_the_queued_reconnect() {
    let out = support::watched_bin()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "analyze",
            "--format",
            "json",
            "--netstat-time",
            "2026-03-14T10:02:40.000000000Z",
        ])
        .args(["--alarm-provider", "10.1.1.10"])
        .args([
            "--alarm-client",
            "10.1.1.21",
            "--alarm-client",
            "10.1.1.22:5413",
        ])
        .arg("fixtures/demo")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, String, String, f64, String)> = v["alarm_gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["client"].as_str().unwrap().to_string(),
                g["start"].as_str().unwrap().to_string(),
                g["end"].as_str().unwrap().to_string(),
                g["seconds"].as_f64().unwrap(),
                g["cause"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let row = |c: &str, s: &str, e: &str, secs: f64| {
        (c.into(), s.into(), e.into(), secs, "reset".to_string())
    };
    assert_eq!(
        got,
        vec![
            row(
                "10.1.1.21",
                "2026-03-14T10:02:12.500300000Z",
                "2026-03-14T10:03:34.000600000Z",
                81.5003
            ),
            row(
                "10.1.1.22",
                "2026-03-14T10:02:12.600300000Z",
                "2026-03-14T10:03:34.001000000Z",
                81.4007
            ),
        ]
    );
}

/// Issue 20 §5: each gap's start and end are timeline entries, and the limit's release too, so
/// the timeline alone tells the story to its end.
#[test]
fn demo_timeline_has_each_gap_start_and_end_and_the_limit_release() {
    let out = support::watched_bin()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "analyze",
            "--format",
            "json",
            "--netstat-time",
            "2026-03-14T10:02:40.000000000Z",
            "--alarm-provider",
            "10.1.1.10",
            "--alarm-client",
            "10.1.1.21",
            "--alarm-client",
            "10.1.1.22",
            "fixtures/demo",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let story: Vec<(String, String, String)> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            ["alarm_gap", "alarm_gap_end", "half_open_limit_released"]
                .contains(&e["kind"].as_str().unwrap())
        })
        .map(|e| {
            (
                e["time"].as_str().unwrap().to_string(),
                e["host"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("2026-03-14T10:02:12.500300000Z", "10.1.1.21", "alarm_gap"),
        ("2026-03-14T10:02:12.600300000Z", "10.1.1.22", "alarm_gap"),
        (
            "2026-03-14T10:03:34.000600000Z",
            "10.1.1.21",
            "alarm_gap_end",
        ),
        (
            "2026-03-14T10:03:34.000800000Z",
            "WS-ALARM01",
            "half_open_limit_released",
        ),
        (
            "2026-03-14T10:03:34.001000000Z",
            "10.1.1.22",
            "alarm_gap_end",
        ),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(t, h, k)| (t.to_string(), h.to_string(), k.to_string()))
        .collect();
    assert_eq!(story, want);
    let last = v["timeline"].as_array().unwrap().last().unwrap();
    assert_eq!(last["kind"], "alarm_gap_end");
}
