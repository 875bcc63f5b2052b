//! Microsoft Network Monitor 2.x captures made by `halfopen_testgen::pcap::write_netmon`, read back.
//!
//! Oracle: the generated files of versions 2.0–2.3 were written out (set `HALFOPEN_DUMP_DIR` to a
//! folder to get them) and read with TShark 4.0.17: `capinfos -t` says "Microsoft NetMon 2.x", 11
//! packets, and `tshark -r F -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' | wc -l` = 7,
//! `… && tcp.analysis.retransmission` = 3, `tcp.flags.syn==1 && tcp.flags.ack==1` = 2,
//! `tcp.flags.reset==1` = 1, frame 1 at 2026-03-14 10:00:00.123456 UTC (`-t ud`, TZ=UTC) for
//! every version. A 2.1 file whose frame 5 is marked 0xFFFD (network info) and frame 6 0xFFFF
//! (filter) shows 10 frames in tshark, the filter record as frame 5. The committed `fixtures/capture/handshakes.netmon21.cap` is the 2.1 file.

mod support;

use halfopen::analysis::handshake::{HandshakeReport, HandshakeSettings, HandshakeTracker};
use halfopen::ingest::capture::{
    CaptureRead, HeadError, TcpPacket, TcpSegment, flags, read_capture, read_capture_from,
};
use halfopen::model::{Format, Locator, Problem};
use halfopen_testgen::pcap::{SynthSegment, SynthTcp, write_netmon};

/// 2026-03-14T10:00:00.123456Z in ns.
const T0: i64 = 1_773_482_400_123_456_000;

fn p(ms: i64, sport: u16, dport: u16, fl: u8, from_server: bool) -> SynthTcp {
    let (c, s) = ("10.1.1.21".parse().unwrap(), "10.1.1.10".parse().unwrap());
    let (src, dst, sp, dp) = if from_server {
        (s, c, dport, sport)
    } else {
        (c, s, sport, dport)
    };
    SynthTcp {
        unix_ns: T0 + ms * 1_000_000,
        seg: SynthSegment {
            src,
            dst,
            sport: sp,
            dport: dp,
            flags: fl,
            seq: u32::from(sport) * 1000,
            ack: 0,
            payload_len: 0,
        },
    }
}

/// The segment the reader should give for the written `s`.
fn as_read(s: SynthSegment) -> TcpSegment {
    TcpSegment {
        src: s.src,
        dst: s.dst,
        sport: s.sport,
        dport: s.dport,
        flags: s.flags,
        seq: s.seq,
        ack: s.ack,
        payload_len: s.payload_len,
    }
}

/// 11 packets: A answered, B unanswered with 2 retransmissions, C refused, D answered after one
/// retransmission.
fn scenario() -> Vec<SynthTcp> {
    use flags::{ACK, RST, SYN};
    vec![
        p(0, 1100, 80, SYN, false),
        p(10, 1100, 80, SYN | ACK, true),
        p(11, 1100, 80, ACK, false),
        p(500, 1101, 80, SYN, false),
        p(1000, 1102, 81, SYN, false),
        p(1001, 1102, 81, RST | ACK, true),
        p(2000, 1103, 80, SYN, false),
        p(3500, 1101, 80, SYN, false),
        p(5000, 1103, 80, SYN, false),
        p(5020, 1103, 80, SYN | ACK, true),
        p(9500, 1101, 80, SYN, false),
    ]
}

fn read(
    bytes: &[u8],
) -> (
    Result<CaptureRead, HeadError>,
    Vec<TcpPacket>,
    HandshakeReport,
) {
    let mut got = Vec::new();
    let mut tr = HandshakeTracker::new(HandshakeSettings::default());
    let r = read_capture_from(bytes, &mut |p| {
        got.push(*p);
        tr.push(p);
    });
    let end = r.as_ref().ok().and_then(|r| r.last_time);
    (r, got, tr.finish(end))
}

fn counts(h: &HandshakeReport) -> [u64; 4] {
    [h.tcp_syn, h.syn_retransmissions, h.syn_ack, h.rst]
}

#[test]
fn every_version_reads_back_the_packets_times_and_tshark_counts() {
    let src = scenario();
    for minor in 0..=3u8 {
        let bytes = write_netmon(&src, minor);
        if let Some(dir) = std::env::var_os("HALFOPEN_DUMP_DIR") {
            let path = std::path::Path::new(&dir).join(format!("handshakes.netmon2{minor}.cap"));
            std::fs::write(path, &bytes).unwrap();
        }
        let (r, got, hs) = read(&bytes);
        let r = r.unwrap();
        assert_eq!(
            (r.format, r.packets, r.tcp_packets),
            (Format::Netmon, 11, 11),
            "2.{minor}"
        );
        assert_eq!(counts(&hs), [7, 3, 2, 1], "2.{minor}");
        let times: Vec<i64> = got.iter().map(|p| p.time.unix_nanos()).collect();
        let want: Vec<i64> = src.iter().map(|p| p.unix_ns).collect();
        assert_eq!(times, want, "2.{minor}");
        let segs: Vec<TcpSegment> = got.iter().map(|p| p.seg).collect();
        assert_eq!(segs, src.iter().map(|p| as_read(p.seg)).collect::<Vec<_>>());
        // Frame 1 starts right after the 128-byte header.
        assert_eq!((got[0].frame, got[0].byte), (1, 128));
        // 2.0–2.2 take times from the zone-less header start: one guess at byte 8. 2.3 has UTC.
        let want_problems = if minor < 3 {
            vec![Locator::Byte(8)]
        } else {
            vec![]
        };
        let locs: Vec<Locator> = r.guesses.iter().map(|p| p.locator.clone()).collect();
        assert_eq!(locs, want_problems, "2.{minor}");
        assert_eq!(r.problems, [], "2.{minor}: nothing skipped");
        assert_eq!(got[0].time.digits(), if minor < 3 { 6 } else { 7 });
    }
}

#[test]
fn committed_fixture_is_the_writer_output_and_reads_through_the_file_path() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/capture/handshakes.netmon21.cap");
    let on_disk = std::fs::read(&path).unwrap();
    assert_eq!(on_disk, write_netmon(&scenario(), 1));
    let mut n = 0;
    let r = read_capture(&path, &mut |_| n += 1).unwrap();
    assert_eq!((r.format, r.packets, n), (Format::Netmon, 11, 11));
    assert_eq!(
        r.first_time.map(|t| t.unix_nanos()),
        Some(T0),
        "2026-03-14 10:00:00.123456 UTC, as tshark -t ud shows"
    );
}

fn set_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn table_entry(b: &[u8], i: usize) -> usize {
    let ft = u32::from_le_bytes(b[24..28].try_into().unwrap()) as usize;
    u32::from_le_bytes(b[ft + 4 * i..ft + 4 * i + 4].try_into().unwrap()) as usize
}

#[test]
fn bad_table_entry_and_oversized_frame_are_skipped_with_their_frame_and_offset() {
    let mut b = write_netmon(&scenario(), 1);
    let ft = u32::from_le_bytes(b[24..28].try_into().unwrap()) as usize;
    // Entry 2 points far beyond the file; frame 4 claims 1 MB.
    set_u32(&mut b, ft + 4, 0x7fff_0000);
    let f4 = table_entry(&b, 3);
    set_u32(&mut b, f4 + 12, 1_000_000);
    let (r, got, hs) = read(&b);
    let r = r.unwrap();
    assert_eq!((r.packets, got.len()), (11, 9));
    assert_eq!(
        r.problems,
        vec![
            Problem::new(
                Locator::Frame {
                    number: 2,
                    byte: 0x7fff_0000
                },
                format!(
                    "frame table entry points to byte {}, outside the {}-byte file: skipped",
                    0x7fff_0000u32,
                    b.len()
                )
            ),
            Problem::new(
                Locator::Frame {
                    number: 4,
                    byte: f4 as u64
                },
                "frame length 1000000 above 262144 (corrupt): skipped"
            ),
        ]
    );
    // A guess, not a skip: the report warns about it.
    assert_eq!(
        r.guesses,
        vec![Problem::new(
            Locator::Byte(8),
            "NetMon 2.x start time has no time zone: read as UTC (Wireshark reads it as local \
             time); use --clock-offset if the capturing PC ran local time"
        )]
    );
    // The SYN-ACK of A (frame 2) and B's first SYN (frame 4) are gone.
    assert_eq!(counts(&hs), [6, 2, 1, 1]);
    assert_eq!(got[1].frame, 3);
}

#[test]
fn cut_file_walks_frames_in_sequence_and_reports_the_cut() {
    let full = write_netmon(&scenario(), 2);
    let f9 = table_entry(&full, 8);
    // Cut 5 bytes into frame 9: its table is gone too.
    let cut = &full[..f9 + 5];
    let (r, got, _) = read(cut);
    let r = r.unwrap();
    assert_eq!((r.packets, got.len()), (8, 8));
    let locs: Vec<Locator> = r.problems.iter().map(|p| p.locator.clone()).collect();
    assert_eq!(
        locs,
        [Locator::Byte(cut.len() as u64), Locator::Byte(f9 as u64),]
    );
    assert_eq!(r.guesses.len(), 1, "the zone-less start time");
    assert_eq!(
        r.problems[1].reason,
        "file cut in the middle of a record: the rest is lost"
    );
}

#[test]
fn frame_running_past_the_end_of_the_file_is_skipped() {
    let mut b = write_netmon(&scenario(), 1);
    let f11 = table_entry(&b, 10);
    set_u32(&mut b, f11 + 12, 200);
    let (r, got, _) = read(&b);
    let r = r.unwrap();
    assert_eq!((r.packets, got.len()), (11, 10));
    assert_eq!(
        r.problems[0],
        Problem::new(
            Locator::Frame {
                number: 11,
                byte: f11 as u64
            },
            format!(
                "frame of 218 bytes runs past the end of the {}-byte file (cut): skipped",
                b.len()
            )
        )
    );
}

#[test]
fn unsupported_networks_are_counted_once_and_metadata_follows_wireshark_numbering() {
    let mut b = write_netmon(&scenario(), 1);
    let trailer = |b: &[u8], i: usize| {
        let off = table_entry(b, i);
        let incl = u32::from_le_bytes(b[off + 12..off + 16].try_into().unwrap()) as usize;
        off + 16 + incl
    };
    // Frames 2 and 3: Token Ring; frame 5: network info (0xFFFD, skipped without a number);
    // frame 6: NetMon filter (0xFFFF, a numbered frame).
    for (i, net) in [(1usize, 2u16), (2, 2), (4, 0xFFFD), (5, 0xFFFF)] {
        let at = trailer(&b, i);
        b[at..at + 2].copy_from_slice(&net.to_le_bytes());
    }
    let (r, got, _) = read(&b);
    let r = r.unwrap();
    assert_eq!((r.packets, got.len()), (10, 7));
    assert_eq!(
        r.problems[0],
        Problem::new(
            Locator::Frame {
                number: 2,
                byte: table_entry(&b, 1) as u64
            },
            "NetMon network type 0x0002 (Token Ring) not decoded: its frames are counted only"
        )
    );
    assert_eq!(r.problems.len(), 1);
    // Frame 7 in the file is frame 6 for us and for tshark (the 0xFFFD record has no number).
    assert_eq!(
        got.iter().map(|p| p.frame).collect::<Vec<_>>(),
        [1, 4, 6, 7, 8, 9, 10]
    );
}

#[test]
fn netmon_1x_other_versions_and_cut_headers_are_bad_headers() {
    let good = write_netmon(&scenario(), 0);
    let mut v1 = good.clone();
    v1[0..4].copy_from_slice(b"RTSS");
    let mut v3 = good.clone();
    v3[5] = 3;
    for (b, want) in [
        (
            &v1[..],
            "Network Monitor 1.x capture (RTSS) is not supported",
        ),
        (&v3[..], "NetMon major version 3 is not supported"),
        (&good[..100], "NetMon header cut: 100 of 128 bytes"),
    ] {
        match read(b).0 {
            Err(HeadError::BadHeader { format, reason }) => {
                assert_eq!((format, reason.as_str()), (Format::Netmon, want))
            }
            other => panic!("{want}: {other:?}"),
        }
    }
}

#[test]
fn netmon_file_is_reported_as_netmon_by_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.cap");
    std::fs::write(&path, write_netmon(&scenario(), 3)).unwrap();
    let out = support::watched_bin()
        .args(["analyze", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = v.to_string();
    assert!(s.contains("\"netmon\""), "{s}");
}
