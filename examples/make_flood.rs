//! Writes the SYN-flood captures of issue 18 §2 (benches/flood.sh):
//!
//!   cargo run --release --example make_flood -- OUT.pcap SYNS SENDERS
//!
//! `SYNS` SYNs 10 µs apart (2,000,000 → a 20 s, 140 MB capture), none answered, to
//! 192.168.1.1:445 from `SENDERS` distinct IPv4 sources taken in turn (10.0.0.0 upwards;
//! `SENDERS` = `SYNS` gives every SYN its own source), source port 1024 + i mod 60000, ISN
//! i·7919. Written in batches through `halfopen_testgen::pcap::write_pcap`.

use halfopen::ingest::capture::flags;
use halfopen_testgen::pcap::{SynthSegment, SynthTcp, write_pcap};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};

/// 2026-03-14T10:00:00Z in ns.
const T0: i64 = 1_773_482_400 * 1_000_000_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, out, syns, senders] = args.as_slice() else {
        eprintln!("usage: make_flood OUT.pcap SYNS SENDERS");
        std::process::exit(2);
    };
    let syns: u32 = syns.parse().expect("SYNS: a number");
    let senders: u32 = senders.parse().expect("SENDERS: a number");
    let mut file = std::io::BufWriter::new(std::fs::File::create(out).expect("OUT: writable"));
    let target = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 1));
    let mut first = true;
    let mut i = 0u32;
    while i < syns {
        let batch: Vec<SynthTcp> = (i..syns.min(i + 100_000))
            .map(|k| SynthTcp {
                unix_ns: T0 + i64::from(k) * 10_000,
                seg: SynthSegment {
                    src: IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + k % senders.max(1))),
                    dst: target,
                    sport: 1024 + (k % 60_000) as u16,
                    dport: 445,
                    flags: flags::SYN,
                    seq: k.wrapping_mul(7919),
                    ack: 0,
                    payload_len: 0,
                },
            })
            .collect();
        let bytes = write_pcap(&batch);
        // The 24-byte global header once, then only records.
        let body = if first { &bytes[..] } else { &bytes[24..] };
        file.write_all(body).expect("write");
        first = false;
        i = syns.min(i + 100_000);
    }
    file.flush().expect("write");
}
