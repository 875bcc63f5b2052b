//! Throughput of the parsers' hot paths on generated inputs of stated size.
//!
//! `cargo bench --bench ingest` — results read as MB/s (criterion `Throughput::Bytes`).
//! Inputs are generated in a temp folder by the project's fixture writers:
//! - capture: 60,000 connects (283 MB legacy pcap of Ethernet/IPv4/TCP: unanswered connects with
//!   SYN retransmissions, handshakes, 500-byte data segments);
//! - evtx: 20,000 System records (~ the size of a busy day's System log);
//! - netstat: 20 `netstat -ano` snapshots of 1,000 rows each;
//! - evt: the real XP System log `evtx/evt/plaso__SysEvent.Evt` (2.0 MB, 6,063 records) from
//!   `HALFOPEN_REALDATA` (skipped with a message when unset); the file is read before timing.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use halfopen::analysis::handshake::{HandshakeSettings, HandshakeTracker};
use halfopen::ingest::capture::{TcpPacket, flags, read_capture};
use halfopen::ingest::evtx::{Keep, read_evtx, read_evtx_keeping};
use halfopen::model::UtcTime;
use halfopen_testgen::evtx::{EventSpec, write_evtx};
use halfopen_testgen::pcap::{SynthSegment, SynthTcp, write_pcap};
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};

fn synthetic_packets(connects: u32) -> Vec<SynthTcp> {
    let mut v = Vec::new();
    let t0 = 1_773_482_400_000_000_000i64;
    for i in 0..connects {
        let t = |s: f64| t0 + i64::from(i) * 1_000_000 + (s * 1e9) as i64;
        let src = IpAddr::V4(Ipv4Addr::new(10, 1, (i % 200) as u8, 10));
        let dst = IpAddr::V4(Ipv4Addr::new(10, 2, (i % 250) as u8, 1 + (i % 7) as u8));
        let sport = 1025 + (i % 60000) as u16;
        let p = |unix_ns, s: IpAddr, d: IpAddr, sp, dp, f, seq, ack, len| SynthTcp {
            unix_ns,
            seg: SynthSegment {
                src: s,
                dst: d,
                sport: sp,
                dport: dp,
                flags: f,
                seq,
                ack,
                payload_len: len,
            },
        };
        let isn = i.wrapping_mul(2_654_435_761);
        if i % 5 == 0 {
            for s in [0.0, 3.0, 9.0] {
                v.push(p(t(s), src, dst, sport, 445, flags::SYN, isn, 0, 0));
            }
        } else {
            v.push(p(t(0.0), src, dst, sport, 80, flags::SYN, isn, 0, 0));
            v.push(p(
                t(0.001),
                dst,
                src,
                80,
                sport,
                flags::SYN | flags::ACK,
                7,
                isn + 1,
                0,
            ));
            for k in 0..10u32 {
                let at = t(0.002 + f64::from(k) * 0.001);
                v.push(p(
                    at,
                    src,
                    dst,
                    sport,
                    80,
                    flags::ACK | flags::PSH,
                    isn + 1 + k * 500,
                    8,
                    500,
                ));
            }
        }
    }
    v.sort_by_key(|p| p.unix_ns);
    v
}

fn bench_capture(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.pcap");
    std::fs::write(&path, write_pcap(&synthetic_packets(60_000))).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    let mut g = c.benchmark_group("capture");
    g.throughput(Throughput::Bytes(size));
    g.sample_size(10);
    g.bench_function(
        format!("read+handshakes {:.1} MB pcap", size as f64 / 1e6),
        |b| {
            b.iter(|| {
                let mut tracker = HandshakeTracker::new(HandshakeSettings::default());
                let read = read_capture(&path, &mut |p: &TcpPacket| tracker.push(p)).unwrap();
                black_box(tracker.finish(read.last_time))
            })
        },
    );
    g.finish();
}

fn bench_evtx(c: &mut Criterion) {
    let t0 = UtcTime::parse_rfc3339("2026-03-14T00:00:00Z").unwrap();
    let events: Vec<EventSpec> = (0..20_000u64)
        .map(|i| EventSpec {
            record_id: i + 1,
            unix_ns: t0.plus_nanos(i as i64 * 1_000_000_000).unix_nanos(),
            provider: if i % 5000 == 0 {
                "Tcpip"
            } else {
                "Service Control Manager"
            }
            .to_string(),
            event_id: if i % 5000 == 0 { 4226 } else { 7036 },
            qualifiers: Some(if i % 5000 == 0 { 32768 } else { 16384 }),
            level: if i % 5000 == 0 { 3 } else { 4 },
            task: 0,
            keywords: 0x0080_0000_0000_0000,
            computer: "WS-ALARM01".to_string(),
            channel: "System".to_string(),
            data: vec!["SuiteLink".to_string(), "running".to_string()],
            data_names: Vec::new(),
            binary: None,
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.evtx");
    std::fs::write(&path, write_evtx(&events)).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    let mut g = c.benchmark_group("evtx");
    g.throughput(Throughput::Bytes(size));
    g.sample_size(10);
    // One thread: `read_evtx` reads the chunks on the pool it is called in.
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mb = size as f64 / 1e6;
    let n = events.len();
    g.bench_function(
        format!("read {n} records ({mb:.1} MB), every record rendered, 1 thread"),
        |b| one.install(|| b.iter(|| black_box(read_evtx(&path).unwrap()))),
    );
    g.bench_function(
        format!("read {n} records ({mb:.1} MB), fast path (analyze), 1 thread"),
        |b| one.install(|| b.iter(|| black_box(read_evtx_keeping(&path, Keep::Wanted).unwrap()))),
    );
    g.finish();
}

fn bench_netstat(c: &mut Criterion) {
    let mut text = String::new();
    for s in 0..20 {
        text.push_str("C:\\>netstat -ano\r\n\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        State           PID\r\n");
        for r in 0..1000u32 {
            let state = ["ESTABLISHED", "SYN_SENT", "TIME_WAIT", "LISTENING"][(r % 4) as usize];
            text.push_str(&format!(
                "  TCP    10.1.1.10:{:<5}        10.2.{}.{}:445          {state:<12}    {}\r\n",
                1025 + r,
                s,
                r % 250,
                2412 + r % 3
            ));
        }
    }
    let bytes = text.into_bytes();
    let mut g = c.benchmark_group("netstat");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function(
        format!("parse 20,000 rows ({:.1} MB)", bytes.len() as f64 / 1e6),
        |b| b.iter(|| black_box(halfopen::ingest::netstat::parse_netstat(&bytes))),
    );
    g.finish();
}

fn bench_evt(c: &mut Criterion) {
    let Some(dir) = std::env::var_os("HALFOPEN_REALDATA") else {
        eprintln!("HALFOPEN_REALDATA is unset: skipping the evt bench");
        return;
    };
    let path = std::path::Path::new(&dir).join("evtx/evt/plaso__SysEvent.Evt");
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("{} is missing: skipping the evt bench", path.display());
        return;
    };
    let mut g = c.benchmark_group("evt");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function(
        format!("parse SysEvent.Evt ({:.1} MB)", bytes.len() as f64 / 1e6),
        |b| b.iter(|| black_box(halfopen::ingest::evt::parse_evt(&bytes))),
    );
    g.finish();
}

criterion_group!(benches, bench_capture, bench_evtx, bench_netstat, bench_evt);
criterion_main!(benches);
