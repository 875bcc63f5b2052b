//! Writes the ordinary-traffic captures of issue 17 §2 (benches/traffic.sh): a fixed set of
//! established connections carrying data, as large as asked, so that size grows and connect
//! attempts do not.
//!
//!   cargo run --release --example make_traffic -- OUT.pcap MEGABYTES CONNECTS
//!
//! `CONNECTS` connections from 50 clients (10.1.0.1 upwards, source port 49152 + i) to one
//! server, 10.2.0.1:5026, each opened by SYN, SYN-ACK and ACK in the first `CONNECTS` ms
//! (1 ms apart), then 1,400-byte data segments 100 µs apart, taken in turn by the connections
//! and alternating direction, until the file holds at least `MEGABYTES` × 10^6 bytes (legacy
//! pcap, Ethernet/IPv4/TCP; 1,470 bytes a data record, written 1,000 at a time). Written in batches through
//! `halfopen_testgen::pcap::write_pcap`. The report must show `CONNECTS` established
//! attempts, none unanswered, and no half-open finding.

use halfopen::ingest::capture::flags;
use halfopen_testgen::pcap::{SynthSegment, SynthTcp, write_pcap};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};

/// 2026-03-14T10:00:00Z in ns.
const T0: i64 = 1_773_482_400 * 1_000_000_000;
/// Payload of a data segment, bytes.
const PAYLOAD: u32 = 1400;
/// The server.
const SERVER: Ipv4Addr = Ipv4Addr::new(10, 2, 0, 1);
/// The server's port.
const PORT: u16 = 5026;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, out, megabytes, connects] = args.as_slice() else {
        eprintln!("usage: make_traffic OUT.pcap MEGABYTES CONNECTS");
        std::process::exit(2);
    };
    let bytes: u64 = megabytes.parse::<u64>().expect("MEGABYTES: a number") * 1_000_000;
    let connects: u32 = connects.parse().expect("CONNECTS: a number");
    let connects = connects.clamp(1, 16_000);
    let mut file = std::io::BufWriter::new(std::fs::File::create(out).expect("OUT: writable"));
    let handshakes: Vec<SynthTcp> = (0..connects).flat_map(handshake).collect();
    let mut written = write_batch(&mut file, &handshakes, true);
    let start = T0 + i64::from(connects) * 1_000_000;
    let mut k = 0u64;
    while written < bytes {
        let batch: Vec<SynthTcp> = (k..k + 1_000).map(|k| data(k, connects, start)).collect();
        written += write_batch(&mut file, &batch, false);
        k += 1_000;
    }
    file.flush().expect("write");
}

/// Writes `packets` (the 24-byte file header only when `first`); returns the bytes written.
fn write_batch(file: &mut impl Write, packets: &[SynthTcp], first: bool) -> u64 {
    let image = write_pcap(packets);
    let body = if first { &image[..] } else { &image[24..] };
    file.write_all(body).expect("write");
    body.len() as u64
}

/// Connection `i`'s client address and port.
fn client(i: u32) -> (IpAddr, u16) {
    let ip = Ipv4Addr::new(10, 1, 0, 1 + (i % 50) as u8);
    (IpAddr::V4(ip), 49_152 + (i % 16_000) as u16)
}

/// SYN, SYN-ACK, ACK of connection `i`, at `i` ms.
fn handshake(i: u32) -> [SynthTcp; 3] {
    let (c, cport) = client(i);
    let s = IpAddr::V4(SERVER);
    let t = T0 + i64::from(i) * 1_000_000;
    let isn = i.wrapping_mul(7919);
    [
        packet(t, (c, cport), (s, PORT), flags::SYN, (isn, 0), 0),
        packet(
            t + 200_000,
            (s, PORT),
            (c, cport),
            flags::SYN | flags::ACK,
            (7, isn + 1),
            0,
        ),
        packet(
            t + 400_000,
            (c, cport),
            (s, PORT),
            flags::ACK,
            (isn + 1, 8),
            0,
        ),
    ]
}

/// Data segment `k` (100 µs apart from `start`): connection `k mod connects`, client to
/// server on even rounds, back on odd ones.
fn data(k: u64, connects: u32, start: i64) -> SynthTcp {
    let i = (k % u64::from(connects)) as u32;
    let round = (k / u64::from(connects)) as u32;
    let (c, cport) = client(i);
    let s = IpAddr::V4(SERVER);
    let t = start + k as i64 * 100_000;
    let seq = (round / 2).wrapping_mul(PAYLOAD);
    let push = flags::ACK | flags::PSH;
    if round % 2 == 0 {
        let isn = i.wrapping_mul(7919);
        packet(
            t,
            (c, cport),
            (s, PORT),
            push,
            (isn.wrapping_add(1).wrapping_add(seq), 8),
            PAYLOAD,
        )
    } else {
        packet(
            t,
            (s, PORT),
            (c, cport),
            push,
            (seq.wrapping_add(8), 1),
            PAYLOAD,
        )
    }
}

/// One TCP segment.
fn packet(
    unix_ns: i64,
    from: (IpAddr, u16),
    to: (IpAddr, u16),
    flags: u8,
    (seq, ack): (u32, u32),
    payload_len: u32,
) -> SynthTcp {
    SynthTcp {
        unix_ns,
        seg: SynthSegment {
            src: from.0,
            dst: to.0,
            sport: from.1,
            dport: to.1,
            flags,
            seq,
            ack,
            payload_len,
        },
    }
}
