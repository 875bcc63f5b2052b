//! Issue 18 §1: a file that looks like a known format but fails its checks is reported as a
//! damaged file of that format (reason and offset), never as `unknown`. Each test mutates a copy
//! of a file of `HALFOPEN_REALDATA` into a tempdir (real data is never committed).

mod support;

use support::realdata;

use serde_json::Value;
use std::path::{Path, PathBuf};

/// Copies `src` into `dir` as `name` after `mutate`, and returns the written path.
fn mutated(src: &Path, dir: &Path, name: &str, mutate: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let mut bytes = std::fs::read(src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    mutate(&mut bytes);
    let out = dir.join(name);
    std::fs::write(&out, bytes).expect("write mutant");
    out
}

/// The JSON report's one input entry for `file`.
fn input_of(file: &Path) -> Value {
    let out = support::watched_bin()
        .args(["analyze", "--format", "json"])
        .arg(file)
        .output()
        .expect("run");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    json["inputs"][0].clone()
}

fn assert_damaged(input: &Value, format: &str, words: &str) {
    assert_eq!(input["format"], format, "{input}");
    let error = input["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error: {input}"));
    assert!(error.contains(&format!("damaged {format} file")), "{error}");
    assert!(error.contains(words), "{error}");
    assert!(error.contains("at byte 0"), "{error}");
}

#[test]
fn pcapng_with_a_flipped_section_header_block_type_is_a_damaged_pcapng() {
    let Some(r) = realdata("damaged pcapng") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let f = mutated(
        &r.join("pcap/tcp_refuseconnection.pcapng"),
        dir.path(),
        "shb.pcapng",
        |b| b[1] ^= 0x04,
    );
    assert_damaged(
        &input_of(&f),
        "pcapng",
        "Section Header Block type is 0x0a0d090a",
    );
}

#[test]
fn pcap_with_a_damaged_magic_is_a_damaged_pcap() {
    let Some(r) = realdata("damaged pcap") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let f = mutated(
        &r.join("pcap/option-sack.pcap"),
        dir.path(),
        "m.pcap",
        |b| {
            b[0] ^= 0x01;
        },
    );
    assert_damaged(&input_of(&f), "pcap", "magic number is 0xa1b2c3d5");
}

#[test]
fn evtx_with_a_damaged_file_magic_is_a_damaged_evtx() {
    let Some(r) = realdata("damaged evtx") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let f = mutated(
        &r.join("evtx/python-evtx__system.evtx"),
        dir.path(),
        "s.evtx",
        |b| b[2] ^= 0x20,
    );
    assert_damaged(&input_of(&f), "evtx", "ElfChnk");
}

#[test]
fn evt_with_a_damaged_header_size_keeps_its_records_and_says_so() {
    let Some(r) = realdata("damaged evt") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let f = mutated(
        &r.join("evtx/evt/dissect.eventlog__TestLog.evt"),
        dir.path(),
        "t.evt",
        |b| b[0] ^= 0x10,
    );
    let input = input_of(&f);
    assert_eq!(input["format"], "evt", "{input}");
    assert_eq!(input["records"], 5, "{input}");
    let p = &input["problems"][0];
    assert_eq!(p["locator"], "byte 0x0", "{input}");
    assert!(
        p["reason"]
            .as_str()
            .unwrap_or("")
            .contains("size field is 0x20"),
        "{input}"
    );
}

#[test]
fn netstat_with_most_rows_damaged_is_netstat_with_skipped_rows() {
    let Some(r) = realdata("damaged netstat") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let f = mutated(
        &r.join("netstat/excerpts/zh-cn-win-ano.excerpt.txt"),
        dir.path(),
        "zh.txt",
        |b| {
            let text = String::from_utf8(b.clone()).expect("utf-8");
            let mut damaged = 0;
            let lines: Vec<String> = text
                .lines()
                .map(|l| {
                    if l == "活动连接" {
                        // The heading is damaged too, so only the rows can tell.
                        "活动连?".to_string()
                    } else if l.trim_start().starts_with("TCP") && damaged < 4 {
                        damaged += 1;
                        l.replacen(':', "#", 1)
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            *b = (lines.join("\n") + "\n").into_bytes();
        },
    );
    let input = input_of(&f);
    assert_eq!(input["format"], "netstat", "{input}");
    assert_eq!(input["skipped"], 4, "{input}");
}
