//! Real-data tests for `read_evt` (files in `realdata/evtx/evt/`, described in
//! `realdata/evtx/SOURCES.md`).
//!
//! Oracles: dissect.eventlog 3.11 (`dissect.eventlog.evt.Evt`) and libevt-python 20260705
//! agree on every count pinned here. While this reader was written, every field of every
//! record of the three files (record number, both times, EventID, type, category, source,
//! computer, strings, data) was compared with dissect.eventlog's output: no difference.

mod support;

use halfopen::ingest::evt::read_evt;
use halfopen::model::EventLog;
use halfopen::model::UtcTime;
use serde_json::Value;
use std::path::PathBuf;

fn realdata(what: &str) -> Option<PathBuf> {
    support::realdata_in("evtx/evt", what)
}

fn read(dir: &std::path::Path, name: &str) -> EventLog {
    read_evt(&dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The 40-byte IO_ERROR_LOG_PACKET of the XP Tcpip 4226 records (SOURCES.md).
const PACKET_4226: [u8; 40] = [
    0, 0, 0, 0, 1, 0, 0x54, 0, 0, 0, 0, 0, 0x82, 0x10, 0, 0x80, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

#[test]
fn plaso_sysevent_gives_6063_records_oldest_first() {
    let Some(dir) = realdata("evt SysEvent counts") else {
        return;
    };
    // Wrapped, dirty header (flags 0xb) with a stale CurrentRecordNumber 7430, and a record
    // split across the end of the file.
    let log = read(&dir, "plaso__SysEvent.Evt");
    assert_eq!(log.records.len(), 6063);
    assert_eq!(log.problems, []);
    let ids: Vec<u64> = log.records.iter().map(|r| r.record_id).collect();
    assert_eq!(ids, (1392..=7454).collect::<Vec<u64>>());
    assert!(log.records.iter().all(|r| !r.recovered));
    assert!(log.records.iter().all(|r| r.computer == "WKS-WINXP32BIT"));
    let scm = log
        .records
        .iter()
        .filter(|r| r.provider == "Service Control Manager" && r.event_id == 7036)
        .count();
    assert_eq!(scm, 2487);
    let first = &log.records[0];
    assert_eq!(
        (first.provider.as_str(), first.event_id, first.qualifiers),
        ("LSASRV", 40961, Some(0x8000))
    );
    assert_eq!(first.time.to_string(), "2011-07-27T06:41:47Z");
    assert_eq!(log.records[6062].time.to_string(), "2012-04-07T04:58:01Z");
}

#[test]
fn plaso_sysevent_tcpip_4226_records() {
    let Some(dir) = realdata("evt SysEvent Tcpip 4226") else {
        return;
    };
    let log = read(&dir, "plaso__SysEvent.Evt");
    let tcpip: Vec<_> = log
        .records
        .iter()
        .filter(|r| r.provider == "Tcpip" && r.event_id == 4226)
        .collect();
    let got: Vec<(u64, String, String)> = tcpip
        .iter()
        .map(|r| {
            (
                r.record_id,
                r.time.to_string(),
                r.written.map(|w| w.to_string()).unwrap_or_default(),
            )
        })
        .collect();
    let want = [
        (3882, "2011-09-16T21:16:52Z", "2011-09-16T21:16:52Z"),
        (3975, "2011-09-19T19:22:48Z", "2011-09-19T19:22:48Z"),
        (4104, "2011-09-28T07:07:26Z", "2011-09-28T07:07:26Z"),
        (4352, "2011-10-13T07:49:45Z", "2011-10-13T07:49:46Z"),
    ];
    let want: Vec<(u64, String, String)> = want
        .iter()
        .map(|(n, t, w)| (*n, t.to_string(), w.to_string()))
        .collect();
    assert_eq!(got, want);
    for r in tcpip {
        assert_eq!(r.event_record_id, Some(r.record_id));
        assert_eq!(r.qualifiers, Some(0x8000));
        assert_eq!((r.level, r.task), (Some(3), Some(0)));
        assert_eq!(r.data, vec![String::new()]);
        assert_eq!(r.binary.as_deref(), Some(&PACKET_4226[..]));
        assert_eq!(r.channel, "");
        assert_eq!(
            r.time,
            UtcTime::from_unix_secs(r.time.unix_nanos() / 1_000_000_000)
        );
    }
}

#[test]
fn dissect_test_logs_clean_and_dirty_give_the_same_5_records() {
    let Some(dir) = realdata("evt dissect test logs") else {
        return;
    };
    let clean = read(&dir, "dissect.eventlog__TestLog.evt");
    // Dirty: header never updated (StartOffset = EndOffset = 0x30, OldestRecordNumber 0).
    let dirty = read(&dir, "dissect.eventlog__TestLog-dirty.evt");
    assert_eq!((clean.problems.len(), dirty.problems.len()), (0, 0));
    assert_eq!(clean.records, dirty.records);
    let got: Vec<(u64, u16, Option<u8>, Option<u16>)> = clean
        .records
        .iter()
        .map(|r| (r.record_id, r.event_id, r.level, r.task))
        .collect();
    // EventTypes 4, 1, 2, 16, 8 (information, error, warning, audit failure, audit success).
    assert_eq!(
        got,
        [
            (1, 1, Some(4), Some(1)),
            (2, 2, Some(2), Some(1)),
            (3, 3, Some(3), Some(1)),
            (4, 65534, Some(0), Some(99)),
            (5, 5, Some(0), Some(1)),
        ]
    );
    let r4 = &clean.records[3];
    assert_eq!(
        (r4.provider.as_str(), r4.computer.as_str()),
        ("TestApp", "POPSICKL-79ADD4")
    );
    assert_eq!(r4.data, vec!["Test log entry, failure audit".to_string()]);
    let bin: Vec<u8> = "Test Binary Data"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert_eq!(r4.binary, Some(bin));
    assert_eq!(r4.time.to_string(), "2021-07-21T03:11:38Z");
    assert_eq!(clean.records[0].binary, None);
}

#[test]
fn analyze_sysevent_shows_evt_6063_records_and_four_tcpip_4226_entries() {
    let Some(dir) = realdata("evt analyze run") else {
        return;
    };
    let path = dir.join("plaso__SysEvent.Evt");
    let out = support::watched_bin()
        .args(["analyze", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let input = &v["inputs"][0];
    assert_eq!(input["format"], "evt");
    assert_eq!(input["records"], 6063);
    assert_eq!(input["skipped"], 0);
    assert_eq!(input["recovered"], 0);
    let times: Vec<&str> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "tcpip_4226")
        .map(|e| e["time"].as_str().unwrap())
        .collect();
    assert_eq!(
        times,
        [
            "2011-09-16T21:16:52.000000000Z",
            "2011-09-19T19:22:48.000000000Z",
            "2011-09-28T07:07:26.000000000Z",
            "2011-10-13T07:49:45.000000000Z"
        ]
    );
    // Four 4226 days apart are four episodes of the limit on the XP host: one finding with its
    // four episodes and one fix (issue 20 §4).
    let findings = v["findings"].as_array().unwrap();
    let limit: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["kind"] == "half_open_limit")
        .collect();
    assert_eq!(limit.len(), 1);
    assert_eq!(limit[0]["host"], "WKS-WINXP32BIT");
    assert_eq!(limit[0]["events_4226"], 4);
    let starts: Vec<&str> = limit[0]["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["start"].as_str().unwrap())
        .collect();
    assert_eq!(starts, times);
    assert_eq!(limit[0]["start"], times[0]);
    assert_eq!(limit[0]["end"], times[3]);
    assert!(
        v["verdicts"][0]["text"]
            .as_str()
            .unwrap()
            .contains("It happened in 4 separate episodes, the last from 2011-10-13T07:49:45Z")
    );
}

/// Cut copies of SysEvent.Evt (wrapped: records 1392–1571 run from 0x1e0130 to the end of the
/// file, 1572 is split across it, 1573–7454 run from 0x98 to the EOF record at 0x1b9674):
/// (cut length, records, first and last record number, problems). Checked by hand against the
/// record offsets of the whole file.
const CUTS: &[(usize, usize, u64, u64, usize)] = &[
    // Header only: nothing, and the cut is said.
    (0x30, 0, 0, 0, 1),
    // No EOF record: from the first record after the header to the cut record.
    (0x1000, 10, 1573, 1582, 2),
    (0x10_0000, 2548, 1573, 4120, 2),
    // The EOF record itself is cut.
    (0x1b_9680, 5882, 1573, 7454, 3),
    // The oldest record (the log's start) is cut; everything after the wrap is read.
    (0x1e_0200, 5882, 1573, 7454, 1),
    // Only the split record 1572 is lost.
    (0x1e_fff9, 6062, 1392, 7454, 1),
];

#[test]
fn cut_copies_of_sysevent_keep_every_whole_record_and_say_what_they_lose() {
    let Some(dir) = realdata("evt cut copies") else {
        return;
    };
    let bytes = std::fs::read(dir.join("plaso__SysEvent.Evt")).unwrap();
    for &(cut, n, first, last, problems) in CUTS {
        let log = halfopen::ingest::evt::parse_evt(&bytes[..cut]).unwrap();
        let ends = (
            log.records.first().map_or(0, |r| r.record_id),
            log.records.last().map_or(0, |r| r.record_id),
        );
        assert_eq!(
            (log.records.len(), ends, log.problems.len()),
            (n, (first, last), problems),
            "{cut:#x}: {:?}",
            log.problems
        );
    }
    let log = halfopen::ingest::evt::parse_evt(&bytes[..0x1e_fff9]).unwrap();
    assert_eq!(
        log.problems[0].locator,
        halfopen::model::Locator::Byte(0x1e_ff10)
    );
    assert_eq!(
        log.problems[0].reason,
        "record at 0x1eff10 of 344 bytes is cut by the end of the file (2031609 bytes, \
         shorter than the header's MaxSize); skipped 337 bytes to the next record at 0x98"
    );
}
