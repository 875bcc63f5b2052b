//! Issue 18 Done-when 1: the last silent losses the mutation check (scripts/mutants.py, seeds 7
//! and 20261205) found, each as a regression test on a mutated copy of a file of
//! `HALFOPEN_REALDATA` (written into a tempdir; real data is never committed): the report must
//! say what was lost, and where.

mod support;

use serde_json::Value;
use std::path::Path;
use support::realdata;

/// Writes `bytes` as `dir/name` and returns the JSON report of `analyze` on it alone.
fn report_of(dir: &Path, name: &str, bytes: &[u8]) -> Value {
    let file = dir.join(name);
    std::fs::write(&file, bytes).expect("write mutant");
    let out = support::watched_bin()
        .args(["analyze", "--format", "json"])
        .arg(&file)
        .output()
        .expect("run");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The byte offsets of the pcapng blocks of a little-endian section (type, length at each).
fn block_offsets(b: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 12 <= b.len() {
        out.push(at);
        let len = u32::from_le_bytes(b[at + 4..at + 8].try_into().unwrap()) as usize;
        if len < 12 {
            break;
        }
        at += len;
    }
    out
}

#[test]
fn a_packet_block_whose_type_became_a_non_packet_type_is_a_problem_at_its_byte() {
    let Some(r) = realdata("packet block type flips") else {
        return;
    };
    let original = std::fs::read(r.join("pcap/http_espn_fail.pcapng")).expect("read");
    let blocks = block_offsets(&original);
    // An Enhanced Packet Block (type 6) among the 571 blocks, where a mutant flipped a bit.
    let at = 0x487ec;
    assert_eq!(blocks.len(), 571);
    assert!(blocks.contains(&at));
    assert_eq!(original[at..at + 4], [6, 0, 0, 0]);
    let dir = tempfile::tempdir().expect("tempdir");
    for (t, why) in [
        (4u8, "option code 10456 is not one this block type defines"),
        (5, "option code 1514 is not one this block type defines"),
        (7, "type 7 was experimental"),
        (9, "its data is not journal export text"),
    ] {
        let mut b = original.clone();
        b[at] = t;
        let input = report_of(dir.path(), &format!("t{t}.pcapng"), &b)["inputs"][0].clone();
        assert_eq!(input["records"], 568, "type {t}: {input}");
        assert_eq!(input["skipped"], 1, "type {t}: {input}");
        assert_eq!(input["problems"][0]["locator"], "byte 0x487ec", "{input}");
        let reason = input["problems"][0]["reason"].as_str().unwrap();
        assert!(reason.contains(why), "type {t}: {reason}");
        assert!(reason.contains("a damaged packet block?"), "{reason}");
    }
}

#[test]
fn a_zero_filled_evtx_chunk_inside_the_chunks_in_use_names_its_lost_ids() {
    let Some(r) = realdata("zero-filled evtx chunk") else {
        return;
    };
    let mut b = std::fs::read(r.join("evtx/python-evtx__system.evtx")).expect("read");
    // Chunk 3 of the 9 the file header counts, zeroed whole: the evtx crate takes it for an
    // unused chunk. Its header named records 12575–12756.
    let start = 4096 + 3 * 65536;
    b[start..start + 65536].fill(0);
    let dir = tempfile::tempdir().expect("tempdir");
    let input = report_of(dir.path(), "zeroed.evtx", &b)["inputs"][0].clone();
    assert_eq!(input["records"], 1601 - 182, "{input}");
    assert_eq!(input["skipped"], 1, "{input}");
    assert_eq!(input["problems"][0]["locator"], "chunk 3 @ byte 0x31000");
    let reason = input["problems"][0]["reason"].as_str().unwrap();
    assert!(
        reason.ends_with("EventRecordIDs 12575–12756 (182 records) are in no chunk read"),
        "{reason}"
    );
}

#[test]
fn a_capture_cut_right_after_its_interface_block_is_named_in_a_warning() {
    let Some(r) = realdata("pcapng cut after its header") else {
        return;
    };
    let b = std::fs::read(r.join("pcap/test016-be.pcapng")).expect("read");
    let dir = tempfile::tempdir().expect("tempdir");
    let json = report_of(dir.path(), "cut.pcapng", &b[..0x80]);
    assert_eq!(json["inputs"][0]["records"], 0, "{json}");
    let warned = json["warnings"].as_array().unwrap().iter().any(|w| {
        let w = w.as_str().unwrap();
        w.contains("cut.pcapng") && w.contains("no packets in this capture")
    });
    assert!(warned, "{}", json["warnings"]);
}

#[test]
fn netstat_text_cut_after_a_whole_row_is_named_in_a_warning() {
    let Some(r) = realdata("netstat cut after a row") else {
        return;
    };
    let text =
        std::fs::read(r.join("netstat/jc/windows/windows-10/netstat-aon.out")).expect("read");
    // The mutant cut at 0x1265: the last row keeps its state and loses its PID and line end.
    let dir = tempfile::tempdir().expect("tempdir");
    let json = report_of(dir.path(), "cut.out", &text[..0x1265]);
    assert_eq!(json["inputs"][0]["records"], 60, "{json}");
    let warned = json["warnings"].as_array().unwrap().iter().any(|w| {
        let w = w.as_str().unwrap();
        w.starts_with(&format!(
            "{}: the text ends without a line end after line 64",
            dir.path().join("cut.out").display()
        ))
    });
    assert!(warned, "{}", json["warnings"]);
}

#[test]
fn a_packet_block_with_a_local_use_type_is_a_problem_at_its_byte() {
    let Some(r) = realdata("local-use block type") else {
        return;
    };
    let mut b = std::fs::read(r.join("pcap/tcp_refuseconnection.pcapng")).expect("read");
    // The second Enhanced Packet Block, at 0x90, given the high-bit type a mutant wrote there.
    assert_eq!(block_offsets(&b), [0, 0x1c, 0x30, 0x90]);
    b[0x90..0x94].copy_from_slice(&0x9cdc_32cd_u32.to_le_bytes());
    let dir = tempfile::tempdir().expect("tempdir");
    let input = report_of(dir.path(), "local.pcapng", &b)["inputs"][0].clone();
    assert_eq!(
        (input["records"].as_u64(), input["skipped"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(input["problems"][0]["locator"], "byte 0x90");
    let reason = input["problems"][0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("pcapng block of unknown type 0x9cdc32cd (92 bytes) skipped"),
        "{reason}"
    );
}
