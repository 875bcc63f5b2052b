//! Bundles the way customers send them: several System logs, captures and netstat files in one
//! folder. Used by the concurrency tests (`tests/concurrency.rs`), `examples/make_bundle.rs` and
//! `benches/threads.sh`.

use crate::evtx::{EventSpec, write_evtx};
use std::path::{Path, PathBuf};

/// A System log of `records` events for `host`: Service Control Manager 7036 filler every
/// 10 s from 2026-03-14T00:00:00Z, with one Tcpip 4226 (Qualifiers 0x8000, Warning) at
/// record `records / 2`.
pub fn system_log(host: &str, records: u64) -> Vec<u8> {
    const T0: i64 = 1_773_446_400; // 2026-03-14T00:00:00Z
    let events: Vec<EventSpec> = (1..=records)
        .map(|id| {
            let is_4226 = id == records / 2;
            EventSpec {
                record_id: id,
                unix_ns: (T0 + 10 * id as i64) * 1_000_000_000,
                provider: if is_4226 {
                    "Tcpip"
                } else {
                    "Service Control Manager"
                }
                .into(),
                event_id: if is_4226 { 4226 } else { 7036 },
                qualifiers: Some(if is_4226 { 0x8000 } else { 0x4000 }),
                level: if is_4226 { 3 } else { 4 },
                task: 0,
                keywords: 0x0080_0000_0000_0000,
                computer: host.into(),
                channel: "System".into(),
                data: if is_4226 {
                    vec![String::new()]
                } else {
                    vec![format!("Service {id}"), "running".into()]
                },
                data_names: Vec::new(),
                binary: None,
            }
        })
        .collect();
    write_evtx(&events)
}

/// Writes a bundle into `dir`: `logs` System logs of `records` events each (hosts WS-01…),
/// `captures` copies of the demo capture and `netstats` netstat files (the demo's and the tech
/// note's, alternating). Returns the paths written.
pub fn write_bundle(
    dir: &Path,
    logs: usize,
    records: u64,
    captures: usize,
    netstats: usize,
) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let demo = crate::demo::demo_files();
    let file = |name: &str| {
        demo.iter()
            .find(|f| f.name == name)
            .map(|f| f.bytes.clone())
            .unwrap()
    };
    let mut written = Vec::new();
    let mut put = |name: String, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        written.push(p);
    };
    for i in 1..=logs {
        put(
            format!("WS-{i:02}-System.evtx"),
            &system_log(&format!("WS-{i:02}"), records),
        );
    }
    let capture = file("WS-ALARM01-capture.pcap");
    for i in 1..=captures {
        put(format!("capture-{i}.pcap"), &capture);
    }
    let netstat = [
        file("WS-ALARM01-netstat-ano.txt"),
        file("technote-838-netstat.txt"),
    ];
    for i in 1..=netstats {
        put(format!("netstat-{i}.txt"), &netstat[i % 2]);
    }
    written
}
