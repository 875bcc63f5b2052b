//! Real captures (`$HALFOPEN_REALDATA/pcap`) against the reference counts of
//! `realdata/pcap/SOURCES.md` (tshark 4.0.17 via `shared/tools/tshark_oracle.sh`): packets, and
//! the `syn`, `syn_retx`, `synack`, `rst` columns. Malformed files: tshark has no counts, so what
//! we read is pinned (packets, problems and where the first one is).

mod support;

use halfopen::analysis::halfopen::half_open_by_host;
use halfopen::analysis::handshake::{
    HandshakeReport, HandshakeSettings, HandshakeTracker, Outcome,
};
use halfopen::ingest::IngestError;
use halfopen::ingest::capture::{CaptureRead, read_capture};
use halfopen::model::{Format, Locator};
use std::path::{Path, PathBuf};

fn realdata(what: &str) -> Option<PathBuf> {
    support::realdata_in("pcap", what)
}

fn analyse(path: &Path) -> (CaptureRead, HandshakeReport) {
    let mut tr = HandshakeTracker::new(HandshakeSettings::default());
    let read = read_capture(path, &mut |p| tr.push(p))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rep = tr.finish(read.last_time);
    (read, rep)
}

struct Row {
    file: &'static str,
    format: Format,
    packets: u64,
    syn: u64,
    syn_retx: u64,
    synack: u64,
    rst: u64,
    /// Attempts whose outcome is not `Established` (SOURCES.md `fail` column).
    fail: usize,
    /// Problems we report, and the locator of the first.
    problems: usize,
    first_problem: Option<Locator>,
}

const fn row(
    file: &'static str,
    format: Format,
    packets: u64,
    [syn, syn_retx, synack, rst]: [u64; 4],
    fail: usize,
) -> Row {
    Row {
        file,
        format,
        packets,
        syn,
        syn_retx,
        synack,
        rst,
        fail,
        problems: 0,
        first_problem: None,
    }
}

const PCAP: Format = Format::Pcap;
const NG: Format = Format::Pcapng;

fn table() -> Vec<Row> {
    vec![
        row("http_espn_fail.pcapng", NG, 569, [100, 84, 7, 1], 9),
        row("nowebaccess2.pcapng", NG, 8, [3, 2, 0, 3], 1),
        row("nowebaccess3.pcapng", NG, 5, [3, 2, 0, 0], 1),
        row("tcp_refuseconnection.pcapng", NG, 2, [1, 0, 0, 1], 1),
        row("synscan.pcapng", NG, 2011, [1994, 0, 12, 5], 1991),
        row("http_ip4and6.pcapng", NG, 20, [2, 0, 2, 0], 0),
        row(
            "echo-connections.pcap.gz",
            PCAP,
            82582,
            [741, 241, 500, 0],
            0,
        ),
        row("pop3.pcap", PCAP, 125, [12, 5, 5, 6], 2),
        row("socks.pcap", PCAP, 53, [7, 6, 1, 0], 0),
        row("option-sack.pcap", PCAP, 4, [4, 3, 0, 0], 1),
        row("http-vlan-0.pcap", PCAP, 14, [1, 0, 1, 0], 0),
        row("http-qinq-0.pcap", PCAP, 14, [1, 0, 1, 0], 0),
        row("vlan-collisions.pcap", PCAP, 42, [3, 2, 3, 0], 0),
        row("pcapng-multi-interface.pcapng", NG, 6, [0, 0, 0, 0], 0),
        row("linux_dlt_sll2.pcap", PCAP, 6, [0, 0, 0, 0], 0),
        row("many_interfaces.pcapng", NG, 64, [2, 0, 2, 0], 0),
        row("tcp-handshake-nano.pcap", PCAP, 3, [1, 0, 1, 0], 0),
        row("pptp.pcap", PCAP, 23, [1, 0, 2, 0], 0),
        // SPBs carry no timestamp: one problem per section that has them.
        Row {
            problems: 1,
            first_problem: Some(Locator::Frame {
                number: 1,
                byte: 224,
            }),
            ..row("test016-be.pcapng", NG, 4, [0, 0, 0, 0], 0)
        },
        Row {
            problems: 1,
            first_problem: Some(Locator::Frame {
                number: 21,
                byte: 3648,
            }),
            ..row(
                "derived/multisection_le_be_le.pcapng",
                NG,
                26,
                [3, 0, 2, 1],
                1,
            )
        },
        // editcap -F netmon2 (TZ=UTC): the header start time has no zone; we read it as UTC and
        // say so once, as a guess (nothing is skipped; see the cut NetMon test).
        row(
            "derived/http_espn_fail.netmon2.cap",
            Format::Netmon,
            569,
            [100, 84, 7, 1],
            9,
        ),
        row(
            "malformed/pcapng-tsresol-bin-overflow.pcapng",
            NG,
            1,
            [0, 0, 0, 0],
            0,
        ),
        // IDB length 21 (not a multiple of 4): pcap-parser accepts it silently, we report it.
        Row {
            problems: 1,
            first_problem: Some(Locator::Byte(28)),
            ..row(
                "malformed/pcapng-block-len-not-mult4.pcapng",
                NG,
                0,
                [0, 0, 0, 0],
                0,
            )
        },
        // EPB before any IDB: counted as frame 1, skipped with a problem (tshark: "damaged").
        Row {
            problems: 1,
            first_problem: Some(Locator::Frame {
                number: 1,
                byte: 28,
            }),
            ..row(
                "malformed/pcapng-packet-before-idb.pcapng",
                NG,
                1,
                [0, 0, 0, 0],
                0,
            )
        },
    ]
}

#[test]
fn counts_equal_tshark_for_every_readable_capture() {
    let Some(dir) = realdata("capture counts vs tshark") else {
        return;
    };
    for r in table() {
        let (read, rep) = analyse(&dir.join(r.file));
        let fail = rep
            .attempts
            .iter()
            .filter(|a| a.outcome != Outcome::Established)
            .count();
        assert_eq!(
            (
                read.format,
                read.packets,
                rep.tcp_syn,
                rep.syn_retransmissions
            ),
            (r.format, r.packets, r.syn, r.syn_retx),
            "{}: format, packets, syn, syn_retx",
            r.file
        );
        assert_eq!(
            (rep.syn_ack, rep.rst, fail),
            (r.synack, r.rst, r.fail),
            "{}: synack, rst, fail",
            r.file
        );
        assert_eq!(
            (
                read.problems.len(),
                read.problems.first().map(|p| p.locator.clone())
            ),
            (r.problems, r.first_problem),
            "{}: problems {:?}",
            r.file,
            read.problems
        );
    }
}

#[test]
fn unreadable_headers_are_bad_header_errors() {
    let Some(dir) = realdata("bad capture headers") else {
        return;
    };
    // 23 bytes: one short of a legacy header.
    let f = "malformed/pcap-truncated-hdr-23.pcap";
    let res = read_capture(&dir.join(f), &mut |_| {});
    assert!(
        matches!(res, Err(IngestError::BadHeader { .. })),
        "{f}: {res:?}"
    );
}

/// The pcap-parser probe's cut case (research/pcap.md §1.3): the last 500 bytes missing.
#[test]
fn http_espn_fail_cut_by_500_bytes_keeps_563_packets_and_one_problem() {
    let Some(dir) = realdata("cut capture") else {
        return;
    };
    let whole = std::fs::read(dir.join("http_espn_fail.pcapng")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("cut.pcapng");
    std::fs::write(&path, &whole[..whole.len() - 500]).unwrap();
    let (read, _) = analyse(&path);
    assert_eq!(read.packets, 563);
    assert_eq!(read.problems.len(), 1);
    assert_eq!(read.problems[0].locator, Locator::Byte(376_076));
}

/// The NetMon copy (editcap under TZ=UTC) gives the same TCP packets, at the same instants, as
/// the pcapng it was made from; only the byte offsets differ.
#[test]
fn netmon_copy_of_http_espn_fail_has_the_pcapng_packets_and_times() {
    let Some(dir) = realdata("NetMon vs pcapng") else {
        return;
    };
    let read_all = |f: &str| {
        let mut v = Vec::new();
        let r = read_capture(&dir.join(f), &mut |p| {
            v.push((p.frame, p.time.unix_nanos(), p.seg))
        })
        .unwrap();
        (r, v)
    };
    let (ng, ng_pkts) = read_all("http_espn_fail.pcapng");
    let (nm, nm_pkts) = read_all("derived/http_espn_fail.netmon2.cap");
    assert_eq!(nm_pkts.len(), 555); // tshark -Y tcp | wc -l
    assert_eq!(nm_pkts, ng_pkts);
    assert_eq!((nm.first_time, nm.last_time), (ng.first_time, ng.last_time));
    // tshark -t ud: frame 1 at 2016-01-08 20:59:15.320017.
    assert_eq!(
        nm.first_time.map(|t| t.unix_nanos()),
        Some(1_452_286_755_320_017_000)
    );
}

/// A NetMon file loses its frame table (written last) when cut: the frames are walked in
/// sequence from byte 128 and the cut is reported where the last frame starts. tshark cannot open
/// the cut file; 559 whole frames and 97 SYNs are its counts on the whole file for frames 1–559.
#[test]
fn netmon_cut_before_its_frame_table_keeps_every_whole_frame() {
    let Some(dir) = realdata("cut NetMon capture") else {
        return;
    };
    let whole = std::fs::read(dir.join("derived/http_espn_fail.netmon2.cap")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("cut.cap");
    std::fs::write(&path, &whole[..whole.len() - 3000]).unwrap();
    let (read, rep) = analyse(&path);
    assert_eq!((read.format, read.packets), (Format::Netmon, 559));
    assert_eq!(rep.tcp_syn, 97);
    // The zone-less start time is a guess at byte 8, not a skip.
    let guesses: Vec<Locator> = read.guesses.iter().map(|p| p.locator.clone()).collect();
    assert_eq!(guesses, [Locator::Byte(8)]);
    let locs: Vec<Locator> = read.problems.iter().map(|p| p.locator.clone()).collect();
    assert_eq!(locs, [Locator::Byte(365_713), Locator::Byte(365_665),]);
}

#[test]
fn http_espn_fail_attempts_retry_like_macos_and_peak_at_8() {
    let Some(dir) = realdata("http_espn_fail attempts") else {
        return;
    };
    let (read, rep) = analyse(&dir.join("http_espn_fail.pcapng"));
    assert_eq!(rep.attempts.len(), 16);
    // Streams 2-6 and 9: 10 retransmissions at +1,+2,+3,+4,+5,+7,+11,+19,+35,+67 s (SOURCES.md).
    let ten: Vec<_> = rep
        .attempts
        .iter()
        .filter(|a| a.retransmissions.len() == 10)
        .collect();
    assert_eq!(ten.len(), 6);
    let gaps: Vec<i64> = ten[0]
        .retry_pattern()
        .iter()
        .map(|g| g.round() as i64)
        .collect();
    assert_eq!(gaps, [1, 1, 1, 1, 1, 2, 4, 8, 16, 32]);
    // Capture ends ~95 s after the start: the 67-s retransmissions are after the 21-s give-up,
    // so those attempts end at their last SYN (unanswered), not at the capture end.
    assert!(
        ten.iter()
            .all(|a| a.outcome == Outcome::Unanswered && a.half_open_until == a.last_syn())
    );
    let hosts = half_open_by_host(&rep.attempts.to_vec(), 10);
    let client = hosts
        .iter()
        .find(|h| h.host.to_string() == "172.16.16.154")
        .unwrap();
    // tshark_oracle's lower bound is 8 (ends unanswered streams at their last SYN as we do).
    assert_eq!(client.peak, 8);
    assert_eq!(client.limit_reached_at, None);
    assert!(read.last_time.is_some());
}

#[test]
fn nowebaccess2_is_refused_with_two_retries_after_rst() {
    let Some(dir) = realdata("nowebaccess2 attempts") else {
        return;
    };
    let (_, rep) = analyse(&dir.join("nowebaccess2.pcapng"));
    assert_eq!(rep.attempts.len(), 1);
    let a = &rep.attempts.get(0).unwrap();
    assert_eq!((a.outcome, a.retransmissions.len()), (Outcome::Refused, 2));
    let gaps: Vec<i64> = a
        .retry_pattern()
        .iter()
        .map(|g| (g * 10.0).round() as i64)
        .collect();
    assert_eq!(gaps, [5, 5]);
}
