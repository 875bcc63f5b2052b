//! The fixture writer's output through `read_evtx`, including damaged copies of it.

use halfopen::ingest::IngestError;
use halfopen::ingest::evtx::read_evtx;
use halfopen::model::{Locator, UtcTime};
use halfopen_testgen::evtx::{EventSpec, write_evtx};
use std::io::Write;

const CHUNK0: usize = 4096;

fn event(id: u64) -> EventSpec {
    EventSpec {
        record_id: id,
        unix_ns: UtcTime::parse_rfc3339("2026-03-14T10:02:13.1234567Z")
            .unwrap()
            .plus_nanos(id as i64 * 1_000_000_000)
            .unix_nanos(),
        provider: "Tcpip".into(),
        event_id: 4226,
        qualifiers: Some(32768),
        level: 3,
        task: 0,
        keywords: 0x80_0000_0000_0000,
        computer: "WKS-01".into(),
        channel: "System".into(),
        data: vec![String::new()],
        data_names: Vec::new(),
        binary: Some(vec![0; 40]),
    }
}

fn tmp(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    f
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

#[test]
fn a_damaged_record_header_becomes_one_problem_at_its_file_offset() {
    let mut bytes = write_evtx(&[event(1), event(2), event(3)]);
    // Record 1 starts at chunk offset 512; its size (offset 4) gives record 2's offset.
    let rec2 = 512 + u32_at(&bytes, CHUNK0 + 512 + 4);
    assert_eq!(&bytes[CHUNK0 + rec2..CHUNK0 + rec2 + 4], b"**\0\0");
    bytes[CHUNK0 + rec2..CHUNK0 + rec2 + 4].copy_from_slice(&[0, 0, 0, 0]);
    let f = tmp(&bytes);
    let log = read_evtx(f.path()).unwrap();
    let ids: Vec<u64> = log.records.iter().map(|r| r.record_id).collect();
    // evtx 0.15 resyncs past a damaged record header: record 3 is still read.
    assert_eq!(ids, vec![1, 3]);
    assert_eq!(log.problems.len(), 1);
    assert_eq!(
        log.problems[0].locator,
        Locator::Chunk {
            chunk: 0,
            byte: (CHUNK0 + rec2) as u64
        }
    );
    assert!(
        log.problems[0].reason.contains("damaged record header"),
        "{}",
        log.problems[0].reason
    );
    let detail = log.problems[0].detail.as_deref().unwrap_or_default();
    assert!(detail.contains("record header magic"), "{detail}");
}

#[test]
fn a_damaged_binxml_token_becomes_a_record_problem() {
    let mut bytes = write_evtx(&[event(1), event(2)]);
    // Record 1's BinXML starts 24 bytes in with the fragment header 0f 01 01 00, then 0x0c.
    let at = CHUNK0 + 512 + 24 + 4;
    assert_eq!(bytes[at], 0x0c);
    bytes[at] = 0xee;
    let f = tmp(&bytes);
    let log = read_evtx(f.path()).unwrap();
    assert_eq!(
        log.records.iter().map(|r| r.record_id).collect::<Vec<_>>(),
        vec![2]
    );
    assert_eq!(log.problems.len(), 1);
    assert_eq!(log.problems[0].locator, Locator::Record(1));
}

#[test]
fn short_or_foreign_files_are_bad_headers() {
    let f = tmp(b"ElfFile\0 too short");
    assert!(matches!(
        read_evtx(f.path()),
        Err(IngestError::BadHeader { .. })
    ));
    let mut not_evtx = vec![0u8; 8192];
    not_evtx[..4].copy_from_slice(b"LfLe");
    let f = tmp(&not_evtx);
    match read_evtx(f.path()) {
        Err(IngestError::BadHeader { reason, .. }) => assert!(reason.contains("magic"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_empty_event_list_is_a_valid_empty_log() {
    let bytes = write_evtx(&[]);
    assert_eq!(bytes.len(), 4096 + 65536);
    let f = tmp(&bytes);
    let log = read_evtx(f.path()).unwrap();
    assert!(log.records.is_empty());
    assert!(log.problems.is_empty());
}
