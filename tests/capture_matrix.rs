//! Every capture layout × link type, generated from the demo capture's packets, gives the same
//! packets and the counts tshark gives on the demo (123 SYNs, 80 SYN retransmissions, 2 SYN-ACKs,
//! 3 RSTs: `shared/tools/tshark_oracle.sh`; each generated file was also read by tshark 4.0.17
//! with the same counts when this test was written — set `HALFOPEN_KEEP_MATRIX=DIR` to keep
//! the files and check them again).

use halfopen::analysis::handshake::{HandshakeSettings, HandshakeTracker};
use halfopen::ingest::capture::{TcpPacket, read_capture};
use halfopen::model::Format;
use halfopen_testgen::pcap::{SynthFile, SynthLink, SynthSegment, SynthTcp, write_capture};

const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/demo/WS-ALARM01-capture.pcap"
);

fn read(path: &std::path::Path) -> (Format, Vec<TcpPacket>, (u64, u64, u64, u64), usize) {
    let mut tracker = HandshakeTracker::new(HandshakeSettings::default());
    let mut packets = Vec::new();
    let r = read_capture(path, &mut |p: &TcpPacket| {
        tracker.push(p);
        packets.push(*p);
    })
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h = tracker.finish(r.last_time);
    (
        r.format,
        packets,
        (h.tcp_syn, h.syn_retransmissions, h.syn_ack, h.rst),
        r.problems.len(),
    )
}

#[test]
fn every_layout_and_link_type_reads_back_with_tsharks_counts() {
    let (_, demo, demo_counts, _) = read(std::path::Path::new(DEMO));
    assert_eq!(demo_counts, (123, 80, 2, 3));
    let synth: Vec<SynthTcp> = demo
        .iter()
        .map(|p| SynthTcp {
            unix_ns: p.time.unix_nanos(),
            seg: SynthSegment {
                src: p.seg.src,
                dst: p.seg.dst,
                sport: p.seg.sport,
                dport: p.seg.dport,
                flags: p.seg.flags,
                seq: p.seg.seq,
                ack: p.seg.ack,
                payload_len: p.seg.payload_len,
            },
        })
        .collect();
    let keep = std::env::var_os("HALFOPEN_KEEP_MATRIX").map(std::path::PathBuf::from);
    let dir = tempfile::tempdir().unwrap();
    let out = keep.clone().unwrap_or_else(|| dir.path().to_path_buf());
    std::fs::create_dir_all(&out).unwrap();
    for file in SynthFile::ALL {
        for link in SynthLink::ALL {
            let path = out.join(format!("demo-{file:?}-{link:?}.cap").to_lowercase());
            std::fs::write(&path, write_capture(&synth, link, file)).unwrap();
            let (format, got, counts, problems) = read(&path);
            let what = format!("{file:?} {link:?}");
            let want_format = if file == SynthFile::Pcapng {
                Format::Pcapng
            } else {
                Format::Pcap
            };
            assert_eq!(format, want_format, "{what}");
            assert_eq!(problems, 0, "{what}");
            assert_eq!(counts, (123, 80, 2, 3), "{what}");
            assert_eq!(got.len(), demo.len(), "{what}");
            for (g, d) in got.iter().zip(&demo) {
                assert_eq!((g.frame, g.seg, g.time), (d.frame, d.seg, d.time), "{what}");
            }
        }
    }
}
