//! Packet captures (pcap, pcapng, and gzip of either), streamed with `pcap-parser`'s
//! [`create_reader`] loop: the file is never held in memory, only a 1 MiB window.
//!
//! Formats: Microsoft Network Monitor 2.x (`.cap`, see [`read_netmon`]; read with seeks, not
//! streamed; a gzip-compressed one is inflated into memory first);
//! legacy pcap (tcpdump.org `pcap-savefile(5)`, draft-ietf-opsawg-pcap): µs magic
//! `a1b2c3d4` and ns magic `a1b23c4d`, both byte orders; pcapng (draft-ietf-opsawg-pcapng) with
//! any number of sections (each with its own byte order and interface list) and interfaces.
//! A gzip stream (magic `1f 8b`, RFC 1952, members concatenated or not) is inflated on the fly
//! with `flate2`; then every byte offset is an offset in the *inflated* stream.
//!
//! Timestamps are computed here, not with `pcap-parser`'s helpers (they reject base-2
//! `if_tsresol`, wrap seconds at 2106 and read `if_tsoffset` little-endian in big-endian sections):
//! pcapng time = `(ts_high << 32 | ts_low)` units of `10^-n` s (`if_tsresol` MSB 0) or `2^-n` s
//! (MSB 1), default µs, plus `if_tsoffset` seconds (pcapng draft §4.2 options 9 and 14).
//!
//! Frames are numbered from 1 over every packet record (EPB, SPB, legacy record), as Wireshark
//! does; `byte` is the file offset of the record. What we do with odd records:
//! - an EPB naming an interface the section has not described: a [`Problem`], skipped (counted);
//! - an SPB (no timestamp in the format): gets the time of the previous packet in the file
//!   (Unix epoch 0 if none), does not move `first_time`/`last_time`, and the first SPB of each
//!   section adds one [`Problem`] saying so;
//! - a cut file: every complete packet is kept, one [`Problem`] at the offset of the cut record;
//! - a corrupt record (legacy length above max(snaplen, 262144) or beyond the 1 MiB window, a
//!   pcapng block beyond 16 MiB or with a length not a multiple of 4, a parse error): one
//!   [`Problem`] at its offset, reading stops;
//! - a link type we do not decode: one [`Problem`] per link type, its frames are counted only;
//! - IP/TCP headers damaged or cut before the 20-byte TCP header: a [`Problem`] per frame;
//! - a non-first IP fragment: counted in [`CaptureRead::non_first_fragments`] (no reassembly).
//!
//! L2–L4 decoding is in the private `link` module (hand-written, borrowing the frame).
//!
//! Host names: UDP datagrams on the name-service ports (DNS/mDNS/LLMNR responses, NetBIOS Name
//! Service, DHCP) are parsed by the `names` module into [`CaptureRead::names`]; every other UDP
//! datagram is dropped after reading its ports, and TCP decoding does not change.
//!
//! [`Problem`]: crate::model::Problem
//! [`create_reader`]: pcap_parser::create_reader

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod gzip;
mod link;
mod magic;
mod names;
mod netmon;
mod pcapng;
mod state;
mod stream;
mod types;

pub use magic::sniff;
pub use names::{NameSource, RevealedName};
pub use netmon::read_netmon;
pub use types::{CaptureRead, HeadError, TcpPacket, TcpSegment, flags};

use crate::ingest::error::IngestError;
use crate::model::Format;
use flate2::read::MultiGzDecoder;
pub use gzip::{GZIP_RATIO_FREE, MAX_GZIP_RATIO};
use magic::{format_of_magic, is_gzip, read_full};
use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;

/// Bytes read fully before probing the header (`create_reader` probes a single `read()`).
const HEAD_LEN: usize = 64 * 1024;

/// Most bytes of a gzip-compressed NetMon capture inflated into memory (NetMon needs random
/// access: its frame table is at the end). Beyond it the capture is read as cut there, with a
/// problem: a gzip bomb (deflate inflates up to ~1032:1) cannot make halfopen allocate more.
pub const MAX_NETMON_IN_MEMORY: u64 = 160 << 20;

/// Streams a capture, calling `on_tcp` for each TCP packet in file order.
///
/// Errors: [`IngestError::Io`] when the file cannot be opened or its first bytes read;
/// [`IngestError::BadHeader`] when the file (or inflated gzip) header is not a pcap/pcapng header
/// or is cut. A cut or corrupt packet ends or skips with a [`Problem`](crate::model::Problem) (byte offset,
/// reason).
pub fn read_capture(
    path: &Path,
    on_tcp: &mut dyn FnMut(&TcpPacket),
) -> Result<CaptureRead, IngestError> {
    let mut file = File::open(path).map_err(|e| IngestError::io(path, e))?;
    let mut magic = [0u8; 4];
    let got = read_full(&mut file, &mut magic).map_err(|e| IngestError::io(path, e))?;
    let head = magic.get(..got).unwrap_or_default();
    let res = if is_gzip(head) {
        let start = Cursor::new(head.to_vec());
        let (inflated, tripped) = gzip::guarded(start.chain(file), MultiGzDecoder::new);
        read_capture_from(inflated, on_tcp).map(|mut read| {
            read.problems.extend(tripped.note());
            read
        })
    } else if format_of_magic(head) == Some(Format::Netmon) {
        // NetMon needs random access (the frame table is at the end): read the file in place.
        read_netmon(std::io::BufReader::new(file), on_tcp)
    } else {
        let start = Cursor::new(head.to_vec());
        read_capture_from(start.chain(file), on_tcp)
    };
    res.map_err(|e| match e {
        HeadError::Io(source) => IngestError::Io {
            path: path.to_path_buf(),
            source,
        },
        HeadError::BadHeader { format, reason } => IngestError::BadHeader {
            path: path.to_path_buf(),
            format,
            reason,
        },
    })
}

/// [`read_capture`] over any byte stream (already inflated if it was gzip). Used by the tests and
/// fuzzing; never panics. A NetMon stream (which needs random access) is first read into memory.
///
/// Errors: [`HeadError::Io`] when the first bytes cannot be read, [`HeadError::BadHeader`] when
/// they are not a pcap, pcapng or NetMon header (or a cut one).
pub fn read_capture_from<R: Read + Send>(
    mut input: R,
    on_tcp: &mut dyn FnMut(&TcpPacket),
) -> Result<CaptureRead, HeadError> {
    let mut head = vec![0u8; HEAD_LEN];
    let got = read_full(&mut input, &mut head).map_err(HeadError::Io)?;
    head.truncate(got);
    let Some(format) = format_of_magic(&head) else {
        return Err(HeadError::BadHeader {
            format: Format::Pcap,
            reason: if got < 4 {
                format!("file too short ({got} bytes)")
            } else {
                "not a pcap or pcapng magic number".into()
            },
        });
    };
    if format == Format::Netmon {
        return netmon_in_memory(head, input, MAX_NETMON_IN_MEMORY, on_tcp);
    }
    stream::read_stream(Cursor::new(head).chain(input), format, on_tcp)
}

/// A NetMon stream (already inflated) read into memory, at most `cap` bytes: beyond it the
/// capture is read as cut there, with a problem at byte `cap`. The magic and version are checked
/// on `head` first, so a bad header costs no more than `head`.
fn netmon_in_memory<R: Read>(
    head: Vec<u8>,
    input: R,
    cap: u64,
    on_tcp: &mut dyn FnMut(&TcpPacket),
) -> Result<CaptureRead, HeadError> {
    netmon::check_version(&head)?;
    let mut all = head;
    input
        .take(cap.saturating_sub(all.len() as u64) + 1)
        .read_to_end(&mut all)
        .map_err(HeadError::Io)?;
    let over = all.len() as u64 > cap;
    all.truncate(usize::try_from(cap).unwrap_or(usize::MAX));
    let mut read = read_netmon(Cursor::new(all), on_tcp)?;
    if over {
        read.problems.push(crate::model::Problem::new(
            crate::model::Locator::Byte(cap),
            format!(
                "NetMon capture larger than {} MiB once inflated (a gzip bomb?): only that much \
                 was read, the rest is not",
                cap >> 20
            ),
        ));
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::pcapng::pcapng_time;
    use super::*;
    use crate::model::{Locator, Problem, UtcTime};
    use proptest::prelude::*;
    use std::io::Write;

    fn read_bytes(b: &[u8]) -> (Result<CaptureRead, HeadError>, Vec<TcpPacket>) {
        let mut got = Vec::new();
        let r = read_capture_from(b, &mut |p| got.push(*p));
        (r, got)
    }

    /// A minimal Ethernet/IPv4/TCP SYN frame.
    fn syn_frame() -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend([
            0x08, 0x00, 0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ]);
        f.extend([
            0x04, 0x4a, 0, 80, 0, 0, 0, 9, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0, 0, 0, 0, 0,
        ]);
        f
    }

    /// pcapng block (LE or BE) with `body` padded to 4.
    fn block(be: bool, ty: u32, body: &[u8]) -> Vec<u8> {
        let pad = (4 - body.len() % 4) % 4;
        let len = (12 + body.len() + pad) as u32;
        let w = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut b = Vec::new();
        b.extend(w(ty));
        b.extend(w(len));
        b.extend(body);
        b.extend(vec![0u8; pad]);
        b.extend(w(len));
        b
    }

    fn shb(be: bool) -> Vec<u8> {
        let mut body = Vec::new();
        let w32 = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let w16 = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        body.extend(w32(0x1a2b_3c4d));
        body.extend(w16(1));
        body.extend(w16(0));
        body.extend([0xff; 8]);
        block(be, 0x0a0d_0d0a, &body)
    }

    fn idb(be: bool, tsresol: Option<u8>, tsoffset: Option<i64>) -> Vec<u8> {
        let w16 = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let w32 = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut body = Vec::new();
        body.extend(w16(1));
        body.extend(w16(0));
        body.extend(w32(0));
        if let Some(r) = tsresol {
            body.extend(w16(9));
            body.extend(w16(1));
            body.extend([r, 0, 0, 0]);
        }
        if let Some(o) = tsoffset {
            body.extend(w16(14));
            body.extend(w16(8));
            body.extend(if be { o.to_be_bytes() } else { o.to_le_bytes() });
        }
        body.extend([0u8; 4]); // opt_endofopt
        block(be, 1, &body)
    }

    fn epb(be: bool, if_id: u32, ts: u64, data: &[u8]) -> Vec<u8> {
        let w32 = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut body = Vec::new();
        body.extend(w32(if_id));
        body.extend(w32((ts >> 32) as u32));
        body.extend(w32(ts as u32));
        body.extend(w32(data.len() as u32));
        body.extend(w32(data.len() as u32));
        body.extend(data);
        body.extend(vec![0u8; (4 - data.len() % 4) % 4]);
        block(be, 6, &body)
    }

    #[test]
    fn pcapng_time_uses_power_of_ten_and_power_of_two_resolutions_and_offset() {
        // µs default.
        assert_eq!(pcapng_time(1_500_000, 6, 0).unix_nanos(), 1_500_000_000);
        // ns, plus an offset of 100 s.
        let t = pcapng_time(7, 9, 100);
        assert_eq!((t.unix_nanos(), t.digits()), (100_000_000_007, 9));
        // 2^-10 s units: 1024 units = 1 s; digits ceil(10·log10 2) = 4.
        let t = pcapng_time(1536, 0x80 | 10, 0);
        assert_eq!((t.unix_nanos(), t.digits()), (1_500_000_000, 4));
        // 2^-63 (libpcap's overflow test) and 10^-127 do not panic.
        assert_eq!(pcapng_time(u64::MAX, 0xbf, 0).unix_nanos(), 1_999_999_999);
        assert_eq!(pcapng_time(u64::MAX, 127, 0).unix_nanos(), 0);
    }

    #[test]
    fn big_endian_section_reads_tsoffset_in_its_byte_order() {
        let mut f = shb(true);
        f.extend(idb(true, Some(9), Some(1000)));
        let epb_at = f.len() as u64;
        assert_eq!(epb_at, 28 + 44);
        f.extend(epb(true, 0, 5, &syn_frame()));
        let (r, got) = read_bytes(&f);
        let r = r.unwrap();
        assert_eq!((r.format, r.packets, r.tcp_packets), (Format::Pcapng, 1, 1));
        assert_eq!(got[0].time.unix_nanos(), 1_000_000_000_005);
        assert_eq!(
            (
                got[0].seg.sport,
                got[0].seg.dport,
                got[0].seg.seq,
                got[0].seg.flags
            ),
            (1098, 80, 9, 0x02)
        );
        assert_eq!((got[0].frame, got[0].byte), (1, epb_at));
    }

    #[test]
    fn second_section_resets_interfaces_and_missing_idb_is_a_problem() {
        let mut f = shb(false);
        f.extend(idb(false, None, None));
        f.extend(idb(false, Some(9), None));
        f.extend(epb(false, 1, 2_000_000_000, &syn_frame()));
        let second = f.len() as u64;
        f.extend(shb(true));
        f.extend(epb(true, 1, 0, &syn_frame()));
        let (r, got) = read_bytes(&f);
        let r = r.unwrap();
        assert_eq!((r.packets, got.len()), (2, 1));
        assert_eq!(got[0].time.unix_nanos(), 2_000_000_000);
        assert_eq!(
            r.problems,
            vec![Problem::new(
                Locator::Frame {
                    number: 2,
                    byte: second + 28
                },
                "packet names interface 1 but the section describes 0: skipped"
            )]
        );
    }

    #[test]
    fn legacy_big_endian_nanosecond_pcap_and_a_cut_last_record() {
        let frame = syn_frame();
        let mut f = Vec::new();
        f.extend(0xa1b2_3c4du32.to_be_bytes());
        f.extend(2u16.to_be_bytes());
        f.extend(4u16.to_be_bytes());
        f.extend([0u8; 8]);
        f.extend(65535u32.to_be_bytes());
        f.extend(1u32.to_be_bytes());
        for (sec, ns) in [(10u32, 5u32), (11, 6)] {
            f.extend(sec.to_be_bytes());
            f.extend(ns.to_be_bytes());
            f.extend((frame.len() as u32).to_be_bytes());
            f.extend((frame.len() as u32).to_be_bytes());
            f.extend(&frame);
        }
        let cut_at = 24 + 16 + frame.len() as u64;
        f.truncate(f.len() - 3);
        let (r, got) = read_bytes(&f);
        let r = r.unwrap();
        assert_eq!((r.format, r.packets, got.len()), (Format::Pcap, 1, 1));
        assert_eq!(got[0].time.unix_nanos(), 10_000_000_005);
        assert_eq!(got[0].time.digits(), 9);
        assert_eq!(
            r.problems,
            vec![Problem::new(
                Locator::Byte(cut_at),
                "file cut in the middle of a record: the rest is lost"
            )]
        );
    }

    fn legacy_le(records: &[(u32, &[u8])]) -> Vec<u8> {
        let mut f = 0xa1b2_c3d4u32.to_le_bytes().to_vec();
        f.extend([
            2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
        ]);
        for &(caplen, data) in records {
            f.extend(1u32.to_le_bytes());
            f.extend(0u32.to_le_bytes());
            f.extend(caplen.to_le_bytes());
            f.extend(caplen.to_le_bytes());
            f.extend(data);
        }
        f
    }

    #[test]
    fn legacy_record_longer_than_262144_is_corrupt_and_stops_reading() {
        let frame = syn_frame();
        let big = vec![0u8; 300_000];
        let f = legacy_le(&[(frame.len() as u32, &frame), (300_000, &big), (54, &frame)]);
        let (r, got) = read_bytes(&f);
        let r = r.unwrap();
        assert_eq!((r.packets, got.len()), (1, 1));
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].locator, Locator::Byte(24 + 16 + 54));
    }

    #[test]
    fn runs_of_empty_records_are_one_problem_each_not_packets_to_decode() {
        let frame = syn_frame();
        let mut recs: Vec<(u32, &[u8])> = vec![(frame.len() as u32, &frame)];
        recs.extend([(0, &[][..]); 1000]);
        recs.push((frame.len() as u32, &frame));
        recs.push((0, &[]));
        let f = legacy_le(&recs);
        let (r, got) = read_bytes(&f);
        let r = r.unwrap();
        // Frames keep Wireshark's numbering; only the two SYNs are decoded.
        assert_eq!((r.packets, got.len()), (1003, 2));
        assert_eq!(got[1].frame, 1002);
        assert_eq!(
            r.problems,
            vec![
                Problem::new(
                    Locator::Frame {
                        number: 2,
                        byte: 24 + 16 + 54
                    },
                    "1000 consecutive records with no captured bytes (frames 2–1001; a \
                     zero-filled stretch?): nothing to decode"
                ),
                Problem::new(
                    Locator::Frame {
                        number: 1003,
                        byte: 24 + 16 + 54 + 1000 * 16 + 16 + 54
                    },
                    "record with no captured bytes: nothing to decode"
                ),
            ]
        );
    }

    #[test]
    fn an_inflated_netmon_stops_at_its_cap_with_a_problem_and_a_bad_version_costs_nothing() {
        use halfopen_testgen::pcap::{SynthTcp, write_netmon};
        let pkts: Vec<SynthTcp> = Vec::new();
        let mut cap = write_netmon(&pkts, 2);
        cap.resize(3 << 20, 0);
        let head = cap[..64].to_vec();
        let rest = Cursor::new(cap[64..].to_vec());
        let r = netmon_in_memory(head, rest, 2 << 20, &mut |_| {}).unwrap();
        let last = r.problems.last().unwrap();
        assert_eq!(last.locator, Locator::Byte(2 << 20));
        assert!(
            last.reason
                .starts_with("NetMon capture larger than 2 MiB once inflated")
        );
        // Major version 3: refused from the first bytes, the (endless) rest is never read.
        let mut bad = cap[..64].to_vec();
        bad[5] = 3;
        let endless = std::io::repeat(0);
        let e = netmon_in_memory(bad, endless, u64::MAX, &mut |_| {}).unwrap_err();
        assert!(matches!(e, HeadError::BadHeader { .. }));
    }

    #[test]
    fn legacy_record_length_beyond_the_window_is_a_problem_not_a_hang() {
        let frame = syn_frame();
        let f = legacy_le(&[(frame.len() as u32, &frame), (0x7fff_ffff, &frame)]);
        let (r, _) = read_bytes(&f);
        let r = r.unwrap();
        assert_eq!(r.packets, 1);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].locator, Locator::Byte(24 + 16 + 54));
    }

    #[test]
    fn pcapng_block_larger_than_the_window_grows_it() {
        let mut big = syn_frame();
        big.resize(1_500_000, 0);
        let mut f = shb(false);
        f.extend(idb(false, None, None));
        f.extend(epb(false, 0, 1, &big));
        f.extend(epb(false, 0, 2, &syn_frame()));
        let (r, got) = read_bytes(&f);
        let r = r.unwrap();
        assert_eq!((r.packets, got.len(), r.problems.len()), (2, 2, 0));
    }

    #[test]
    fn gzip_is_sniffed_and_read_from_a_file() {
        let mut f = shb(false);
        f.extend(idb(false, None, None));
        f.extend(epb(false, 0, 1, &syn_frame()));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&f).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(sniff(&gz), Some(Format::Pcapng));
        assert_eq!(sniff(&f), Some(Format::Pcapng));
        assert_eq!(sniff(b"GMBU"), Some(Format::Netmon));
        assert_eq!(sniff(b"RTSS"), Some(Format::Netmon));
        assert_eq!(sniff(b"GMB"), None);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bin");
        std::fs::write(&path, &gz).unwrap();
        let mut n = 0;
        let r = read_capture(&path, &mut |_| n += 1).unwrap();
        assert_eq!((r.format, r.packets, n), (Format::Pcapng, 1, 1));
    }

    #[test]
    fn gzipped_netmon_is_sniffed_and_read_in_memory() {
        use crate::analysis::test_packets;
        use halfopen_testgen::pcap::{SynthTcp, write_netmon};
        let frame = syn_frame();
        let seg = link::decode(1, &frame);
        let link::Decoded::Tcp(seg) = seg else {
            panic!("{seg:?}")
        };
        let pkts: Vec<SynthTcp> = (0..3)
            .map(|k| {
                test_packets::synth(
                    UtcTime::from_unix_nanos(1_000_000_000_000 + k * 1_000, 6),
                    seg,
                )
            })
            .collect();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&write_netmon(&pkts, 3)).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(sniff(&gz), Some(Format::Netmon));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.cap.gz");
        std::fs::write(&path, &gz).unwrap();
        let mut times = Vec::new();
        let r = read_capture(&path, &mut |p| times.push(p.time.unix_nanos())).unwrap();
        assert_eq!((r.format, r.packets), (Format::Netmon, 3));
        assert_eq!(
            times,
            [1_000_000_000_000, 1_000_000_001_000, 1_000_000_002_000]
        );
    }

    #[test]
    fn empty_and_foreign_files_are_bad_headers() {
        for b in [
            &b""[..],
            b"\xd4\xc3\xb2\xa1\x02\x00",
            b"hello world, this is text",
        ] {
            assert!(
                matches!(read_bytes(b).0, Err(HeadError::BadHeader { .. })),
                "{b:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn arbitrary_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..600), kind in 0u8..3) {
            // Start from a valid header half the time so the block/packet paths get exercised.
            let mut f = match kind {
                0 => Vec::new(),
                1 => { let mut f = shb(false); f.extend(idb(false, None, None)); f }
                _ => {
                    let mut f = 0xa1b2_c3d4u32.to_le_bytes().to_vec();
                    f.extend([2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0]);
                    f
                }
            };
            f.extend(tail);
            let _ = read_bytes(&f);
        }

        #[test]
        fn mutated_valid_capture_never_panics(pos in 0usize..200, val in any::<u8>(), cut in 0usize..200) {
            let mut f = shb(false);
            f.extend(idb(false, Some(0x8a), Some(-5)));
            f.extend(epb(false, 0, 77, &syn_frame()));
            f.extend(epb(false, 0, 78, &syn_frame()[..30]));
            let n = f.len();
            f[pos % n] = val;
            f.truncate(n - cut % n);
            let _ = read_bytes(&f);
        }
    }
}
