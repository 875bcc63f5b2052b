//! The fixture writers of `halfopen-testgen` read back through halfopen's readers (and the
//! `evtx` crate): EVTX records with every field, chunk CRCs and spill-over, and pcap packets with
//! their handshake outcomes. Moved here from the writers' unit tests when testgen left the
//! library (the writers' crate does not depend on halfopen).

use halfopen::analysis::handshake::{HandshakeSettings, HandshakeTracker, Outcome};
use halfopen::ingest::capture::{flags, read_capture};
use halfopen::ingest::evtx::read_evtx;
use halfopen::model::{Format, UtcTime};
use halfopen_testgen::evtx::{CHUNK_SIZE, EventSpec, FILE_HEADER_SIZE, write_evtx};
use halfopen_testgen::pcap::{SynthSegment, SynthTcp, write_pcap};
use std::net::IpAddr;

fn ns(s: &str) -> i64 {
    UtcTime::parse_rfc3339(s).unwrap().unix_nanos()
}

/// The 40-byte IO_ERROR_LOG_PACKET of the real XP Tcpip 4226 records (plaso SysEvent.Evt).
fn tcpip_binary() -> Vec<u8> {
    let mut b = vec![
        0, 0, 0, 0, 1, 0, 0x54, 0, 0, 0, 0, 0, 0x82, 0x10, 0, 0x80, 1, 0, 0, 0,
    ];
    b.resize(40, 0);
    b
}

fn sample() -> Vec<EventSpec> {
    vec![
        EventSpec {
            record_id: 1,
            unix_ns: ns("2026-03-14T10:02:13.1234567Z"),
            provider: "Tcpip".into(),
            event_id: 4226,
            qualifiers: Some(32768),
            level: 3,
            task: 0,
            keywords: 0x80_0000_0000_0000,
            computer: "WKS-01.example.test".into(),
            channel: "System".into(),
            data: vec![String::new()],
            data_names: Vec::new(),
            binary: Some(tcpip_binary()),
        },
        EventSpec {
            record_id: 2,
            unix_ns: ns("2026-03-14T09:00:00.0000001Z"),
            provider: "EventLog".into(),
            event_id: 6005,
            qualifiers: Some(32768),
            level: 4,
            task: 0,
            keywords: 0x80_0000_0000_0000,
            computer: "WKS-01.example.test".into(),
            channel: "System".into(),
            data: vec![],
            data_names: Vec::new(),
            binary: None,
        },
        EventSpec {
            record_id: 3,
            unix_ns: ns("2026-03-14T10:05:00.5000000Z"),
            provider: "Microsoft-Windows-Kernel-General".into(),
            event_id: 12,
            qualifiers: None,
            level: 4,
            task: 1,
            keywords: 0x8000_0000_0000_0000,
            computer: "WKS-01.example.test".into(),
            channel: "System".into(),
            data: vec!["6".into(), "1".into(), "Ünïcode ✓".into()],
            data_names: Vec::new(),
            binary: None,
        },
    ]
}

fn write_tmp(bytes: &[u8]) -> tempfile::NamedTempFile {
    use std::io::Write;
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    f
}

#[test]
fn three_events_read_back_through_read_evtx_with_every_field() {
    let events = sample();
    let bytes = write_evtx(&events);
    assert_eq!(bytes.len(), FILE_HEADER_SIZE + CHUNK_SIZE);
    let f = write_tmp(&bytes);
    let log = read_evtx(f.path()).unwrap();
    assert_eq!(log.problems, vec![]);
    assert_eq!(log.records.len(), 3);
    for (r, e) in log.records.iter().zip(&events) {
        assert_eq!(r.record_id, e.record_id);
        assert_eq!(r.event_record_id, Some(e.record_id));
        assert_eq!(r.provider, e.provider);
        assert_eq!(r.event_id, e.event_id);
        assert_eq!(r.qualifiers, e.qualifiers);
        assert_eq!(r.level, Some(e.level));
        assert_eq!(r.task, Some(e.task));
        assert_eq!(r.keywords, Some(e.keywords));
        assert_eq!(r.time.unix_nanos(), e.unix_ns);
        // FILETIME precision: 7 digits, as the RFC 3339 text of the sample.
        assert_eq!(
            r.time.to_string(),
            UtcTime::from_unix_nanos(e.unix_ns, 7).to_string()
        );
        assert_eq!(r.written.map(UtcTime::unix_nanos), Some(e.unix_ns));
        assert_eq!(r.computer, e.computer);
        assert_eq!(r.channel, e.channel);
        assert_eq!(r.data, e.data);
        assert_eq!(r.binary, e.binary);
        assert!(!r.recovered);
    }
}

#[test]
fn crate_json_and_xml_show_eventid_qualifiers_and_time_text() {
    let bytes = write_evtx(&sample());
    let settings = evtx::ParserSettings::new()
        .num_threads(1)
        .indent(false)
        .validate_checksums(true);
    let mut p = evtx::EvtxParser::from_buffer(bytes.clone())
        .unwrap()
        .with_configuration(settings.clone());
    let json: Vec<serde_json::Value> = p.records_json_value().map(|r| r.unwrap().data).collect();
    assert_eq!(json.len(), 3);
    let sys = &json[0]["Event"]["System"];
    assert_eq!(
        sys["EventID"],
        serde_json::json!({"#attributes": {"Qualifiers": 32768}, "#text": 4226})
    );
    assert_eq!(sys["Level"], serde_json::json!(3));
    assert_eq!(sys["Keywords"], serde_json::json!("0x80000000000000"));
    assert_eq!(
        sys["TimeCreated"]["#attributes"]["SystemTime"],
        serde_json::json!("2026-03-14T10:02:13.1234567Z")
    );
    assert_eq!(sys["Provider"]["#attributes"]["Name"], "Tcpip");
    assert_eq!(sys["EventRecordID"], serde_json::json!(1));
    assert_eq!(
        json[0]["Event"]["EventData"]["Binary"],
        serde_json::json!(format!("{:0<80}", "00000000010054000000000082100080010000"))
    );
    // A manifest-style event: no Qualifiers attribute, EventID a bare number.
    assert_eq!(json[2]["Event"]["System"]["EventID"], serde_json::json!(12));

    let mut p = evtx::EvtxParser::from_buffer(bytes)
        .unwrap()
        .with_configuration(settings);
    let xml: Vec<String> = p.records().map(|r| r.unwrap().data).collect();
    assert!(
        xml[0].contains(r#"<EventID Qualifiers="32768">4226</EventID>"#),
        "{}",
        xml[0]
    );
    assert!(
        xml[0].contains(r#"<TimeCreated SystemTime="2026-03-14T10:02:13.1234567Z"/>"#),
        "{}",
        xml[0]
    );
    assert!(xml[1].contains(r#"<EventID Qualifiers="32768">6005</EventID>"#));
    assert!(xml[2].contains("<EventID>12</EventID>"), "{}", xml[2]);
}

#[test]
fn header_and_chunk_checksums_validate() {
    let bytes = write_evtx(&sample());
    let p = evtx::EvtxParser::from_buffer(bytes.clone()).unwrap();
    assert!(p.header().validate_checksum());
    assert_eq!(p.header().chunk_count, 1);
    assert_eq!(p.header().next_record_id, 4);
    let chunk_bytes = bytes[FILE_HEADER_SIZE..FILE_HEADER_SIZE + CHUNK_SIZE].to_vec();
    let chunk = evtx::EvtxChunkData::new(chunk_bytes, true).unwrap();
    assert!(chunk.validate_header_checksum());
    assert!(chunk.validate_data_checksum());
    assert_eq!(chunk.header.first_event_record_id, 1);
    assert_eq!(chunk.header.last_event_record_id, 3);
}

#[test]
fn more_than_64_kib_spills_into_two_chunks_and_reads_back() {
    let base = sample();
    let events: Vec<EventSpec> = (0..300u64)
        .map(|i| {
            let mut e = base[(i % 3) as usize].clone();
            e.record_id = i + 1;
            e.unix_ns += i as i64 * 1_000_000_000;
            e
        })
        .collect();
    let bytes = write_evtx(&events);
    let chunks = (bytes.len() - FILE_HEADER_SIZE) / CHUNK_SIZE;
    assert!(chunks >= 2, "{chunks} chunks");
    assert_eq!(bytes.len(), FILE_HEADER_SIZE + chunks * CHUNK_SIZE);

    // Every chunk passes both CRC checks when the parser enforces them.
    let settings = evtx::ParserSettings::new()
        .num_threads(1)
        .validate_checksums(true);
    let mut p = evtx::EvtxParser::from_buffer(bytes.clone())
        .unwrap()
        .with_configuration(settings);
    assert!(p.header().validate_checksum());
    assert_eq!(usize::from(p.header().chunk_count), chunks);
    let ids: Vec<u64> = p
        .records_json_bytes()
        .map(|r| r.unwrap().event_record_id)
        .collect();
    assert_eq!(ids, (1..=300).collect::<Vec<_>>());

    let f = write_tmp(&bytes);
    let log = read_evtx(f.path()).unwrap();
    assert_eq!(log.problems, vec![]);
    assert_eq!(log.records.len(), 300);
    for (r, e) in log.records.iter().zip(&events) {
        assert_eq!(
            (r.record_id, r.event_id, r.time.unix_nanos()),
            (e.record_id, e.event_id, e.unix_ns)
        );
        assert_eq!(r.data, e.data);
    }
}

const T0: i64 = 1_200_000_000;

fn at(ms: i64) -> UtcTime {
    UtcTime::from_unix_nanos((T0 * 1000 + ms) * 1_000_000, 6)
}

fn p(ms: i64, src: &str, dst: &str, sport: u16, dport: u16, fl: u8, seq: u32) -> SynthTcp {
    SynthTcp {
        unix_ns: at(ms).unix_nanos(),
        seg: SynthSegment {
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            sport,
            dport,
            flags: fl,
            seq,
            ack: 0,
            payload_len: 0,
        },
    }
}

#[test]
fn written_attempts_read_back_with_their_outcomes() {
    let (c, s) = ("192.168.0.4", "10.0.0.80");
    let syn = flags::SYN;
    let synack = flags::SYN | flags::ACK;
    let rstack = flags::RST | flags::ACK;
    let pkts = [
        // established
        p(0, c, s, 1100, 80, syn, 100),
        p(20, s, c, 80, 1100, synack, 500),
        p(21, c, s, 1100, 80, flags::ACK, 101),
        // refused
        p(100, c, s, 1101, 81, syn, 200),
        p(101, s, c, 81, 1101, rstack, 0),
        // unanswered, Windows timing: +3 s, +9 s
        p(200, c, s, 1102, 82, syn, 300),
        p(3200, c, s, 1102, 82, syn, 300),
        p(9200, c, s, 1102, 82, syn, 300),
        // IPv6 established, with payload after
        p(9300, "2001:db8::1", "2001:db8::2", 1200, 443, syn, 7),
        p(9310, "2001:db8::2", "2001:db8::1", 443, 1200, synack, 8),
        // a packet late enough for the unanswered attempt to have given up
        p(30_000, c, s, 1100, 80, flags::ACK | flags::PSH, 101),
    ];
    let mut pkts = pkts.to_vec();
    pkts[10].seg.payload_len = 5;
    // Answers acknowledge ISN + 1 (as tshark expects of a SYN-ACK / RST-ACK).
    for (i, ack) in [(1, 101), (2, 501), (4, 201), (9, 8), (10, 501)] {
        pkts[i].seg.ack = ack;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("synth.pcap");
    std::fs::write(&path, write_pcap(&pkts)).unwrap();

    let mut tr = HandshakeTracker::new(HandshakeSettings::default());
    let mut payload = Vec::new();
    let read = read_capture(&path, &mut |t| {
        payload.push(t.seg.payload_len);
        tr.push(t)
    })
    .unwrap();
    assert_eq!(
        (read.format, read.packets, read.tcp_packets),
        (Format::Pcap, 11, 11)
    );
    assert!(read.problems.is_empty());
    assert_eq!(read.first_time, Some(at(0)));
    assert_eq!(payload[10], 5);
    let rep = tr.finish(read.last_time);
    assert_eq!(
        (rep.tcp_syn, rep.syn_retransmissions, rep.syn_ack, rep.rst),
        (6, 2, 2, 1)
    );
    let outcomes: Vec<Outcome> = rep.attempts.iter().map(|a| a.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Established,
            Outcome::Refused,
            Outcome::Unanswered,
            Outcome::Established
        ]
    );
    assert_eq!(rep.attempts.get(2).unwrap().retry_pattern(), vec![3.0, 6.0]);
    assert_eq!(rep.attempts.get(2).unwrap().half_open_until, at(21_200));
    assert_eq!(
        rep.attempts.get(3).unwrap().dst,
        "2001:db8::2".parse::<IpAddr>().unwrap()
    );
}
