//! `halfopen analyze --format json $HALFOPEN_REALDATA` over every real file: no panic, every file
//! listed, and the capture counts equal tshark's (shared/realdata/pcap/SOURCES.md, TShark 4.0.17).

mod support;

use serde_json::Value;

fn realdata() -> Option<std::path::PathBuf> {
    match std::env::var_os("HALFOPEN_REALDATA") {
        Some(p) => Some(p.into()),
        None => {
            eprintln!("HALFOPEN_REALDATA is unset: skipping the whole-folder real-data run");
            None
        }
    }
}

/// (file, syn, syn_retx, synack, rst) from SOURCES.md.
const TSHARK: &[(&str, u64, u64, u64, u64)] = &[
    ("pcap/http_espn_fail.pcapng", 100, 84, 7, 1),
    ("pcap/nowebaccess2.pcapng", 3, 2, 0, 3),
    ("pcap/nowebaccess3.pcapng", 3, 2, 0, 0),
    ("pcap/tcp_refuseconnection.pcapng", 1, 0, 0, 1),
    ("pcap/synscan.pcapng", 1994, 0, 12, 5),
    ("pcap/http_ip4and6.pcapng", 2, 0, 2, 0),
    ("pcap/echo-connections.pcap.gz", 741, 241, 500, 0),
    ("pcap/pop3.pcap", 12, 5, 5, 6),
    ("pcap/socks.pcap", 7, 6, 1, 0),
    ("pcap/option-sack.pcap", 4, 3, 0, 0),
    ("pcap/http-vlan-0.pcap", 1, 0, 1, 0),
    ("pcap/http-qinq-0.pcap", 1, 0, 1, 0),
    ("pcap/vlan-collisions.pcap", 3, 2, 3, 0),
    ("pcap/pcapng-multi-interface.pcapng", 0, 0, 0, 0),
    ("pcap/linux_dlt_sll2.pcap", 0, 0, 0, 0),
    ("pcap/many_interfaces.pcapng", 2, 0, 2, 0),
    ("pcap/tcp-handshake-nano.pcap", 1, 0, 1, 0),
    ("pcap/pptp.pcap", 1, 0, 2, 0),
    ("pcap/test016-be.pcapng", 0, 0, 0, 0),
    ("pcap/derived/multisection_le_be_le.pcapng", 3, 0, 2, 1),
];

#[test]
fn whole_realdata_folder_runs_and_matches_tshark() {
    let Some(root) = realdata() else { return };
    let out = support::watched_bin()
        .args(["analyze", "--format", "json", "--threads", "2"])
        .arg(&root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Some malformed captures cannot be read at all (one line each), some records are
    // skipped: exit 3, complete with skips.
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let inputs = v["inputs"].as_array().unwrap();
    let files = walk(&root);
    assert_eq!(inputs.len(), files.len(), "every file is listed once");
    for (file, syn, retx, synack, rst) in TSHARK {
        let c = v["captures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["path"].as_str().unwrap().ends_with(file))
            .unwrap_or_else(|| panic!("{file} not read as a capture"));
        let got = (
            &c["tcp_syn"],
            &c["syn_retransmissions"],
            &c["syn_ack"],
            &c["rst"],
        );
        assert_eq!(
            (
                got.0.as_u64(),
                got.1.as_u64(),
                got.2.as_u64(),
                got.3.as_u64()
            ),
            (Some(*syn), Some(*retx), Some(*synack), Some(*rst)),
            "{file}"
        );
    }
    // Every .evtx is recognised as evtx, every .evt/.Evt as evt.
    for i in inputs {
        let p = i["path"].as_str().unwrap();
        if p.ends_with(".evtx") {
            assert_eq!(i["format"], "evtx", "{p}");
        } else if p.to_ascii_lowercase().ends_with(".evt") {
            assert_eq!(i["format"], "evt", "{p}");
        }
    }
}

/// No real capture earns a `half_open_limit` finding: none has a 4226 or the queued-connect
/// fingerprint. The port scanner (synscan: 1986 outstanding) and the loopback echo test (159)
/// are `limit_not_enforced`.
#[test]
fn real_captures_give_no_undeserved_half_open_limit() {
    let Some(root) = realdata() else { return };
    let out = support::watched_bin()
        .args(["analyze", "--format", "json"])
        .arg(root.join("pcap"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let mut got: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["host"].as_str().unwrap().to_string(),
                f["peak_half_open"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (
                "limit_not_enforced".to_string(),
                "127.0.0.1 in echo-connections.pcap.gz".to_string(),
                159
            ),
            (
                "limit_not_enforced".to_string(),
                "172.16.0.8".to_string(),
                1986
            ),
        ]
    );
}

fn walk(p: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if p.is_dir() {
        for e in std::fs::read_dir(p).unwrap() {
            out.extend(walk(&e.unwrap().path()));
        }
    } else {
        out.push(p.to_path_buf());
    }
    out
}

/// The customer sent one capture twice: the pcapng and a NetMon 2.0 `.cap` made of it with
/// editcap (SOURCES.md). tshark counts 84 SYN retransmissions in each file; the host sent 84.
#[test]
fn a_capture_sent_as_pcapng_and_netmon_counts_84_syn_retransmissions_once() {
    let Some(root) = realdata() else { return };
    let out = support::watched_bin()
        .args(["analyze", "--format", "json"])
        .arg(root.join("pcap/http_espn_fail.pcapng"))
        .arg(root.join("pcap/derived/http_espn_fail.netmon2.cap"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let hosts = v["hosts"].as_array().unwrap();
    let retx: u64 = hosts
        .iter()
        .map(|h| h["syn_retransmissions"].as_u64().unwrap())
        .sum();
    assert_eq!(retx, 84, "{hosts:?}");
    let entries = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "syn_retransmission")
        .count();
    assert_eq!(entries, 84);
    for c in v["captures"].as_array().unwrap() {
        assert_eq!(c["syn_retransmissions"], 84, "{c}");
    }
    let repeats: Vec<&Value> = v["captures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["overlaps"].as_array().unwrap().is_empty())
        .collect();
    assert_eq!(repeats.len(), 1);
    assert_eq!(repeats[0]["overlaps"][0]["syn_retransmissions"], 84);
    let note = v["warnings"].as_array().unwrap();
    assert!(
        note.iter()
            .any(|w| w.as_str().unwrap().contains("counted once")),
        "{note:?}"
    );
}
