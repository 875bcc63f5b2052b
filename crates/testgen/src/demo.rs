//! The demo incident under `fixtures/demo/`, generated: a workstation (WS-ALARM01, 10.1.1.10,
//! the alarm provider) on Windows XP SP2 where a process (PID 2412) opens connections to 40 dead
//! hosts. The simulated tcpip.sys lets at most 10 connect attempts be half-open at once and queues
//! the rest (first SYN only when a slot frees); each unanswered attempt sends SYNs at t, t+3 s,
//! t+9 s and gives up at t+21 s (TcpInitialRTT 3 s, TcpMaxConnectRetransmissions 2; see
//! `halfopen::analysis::handshake`). The alarm provider's reconnects to its two alarm clients wait behind
//! them in the queue. The System log records Event 4226 when the first connect is queued.
//!
//! Files: `WS-ALARM01-System.evtx`, `WS-ALARM01-capture.pcap`, `WS-ALARM01-netstat-ano.txt`
//! (UTF-16LE with BOM, as PowerShell `>` writes it: `netstat -ano` then `netstat -o`, both at
//! [`NETSTAT_AT`]), and
//! `technote-838-netstat.txt` (the tech note's Figure 1, verbatim).

use crate::evtx::{EventSpec, write_evtx};
use crate::pcap::flags::{ACK, PSH, RST, SYN};
use crate::pcap::{SynthSegment, SynthTcp, write_pcap};
use std::net::{IpAddr, Ipv4Addr};

/// 2026-03-14T10:00:00Z, the capture's start, in seconds since the Unix epoch.
pub const T0_UNIX: i64 = 1_773_482_400;
/// Seconds after T0 of the netstat snapshot (10:02:40).
pub const NETSTAT_AT: f64 = 160.0;
/// The half-open limit of XP SP2 (KB969710).
const LIMIT: usize = 10;
/// Give-up time of an unanswered connect (XP defaults).
const GIVE_UP: f64 = 21.0;
const PROVIDER: Ipv4Addr = Ipv4Addr::new(10, 1, 1, 10);
const CLIENTS: [Ipv4Addr; 2] = [Ipv4Addr::new(10, 1, 1, 21), Ipv4Addr::new(10, 1, 1, 22)];
/// Capture end, seconds after T0 (10:04:00).
const END: f64 = 240.0;

/// The tech note's netstat text (Tech Note 838, Figure 1), verbatim.
pub const TECH_NOTE_NETSTAT: &str = include_str!("tn838_netstat.txt");

/// One generated file: its name and bytes.
pub struct DemoFile {
    /// File name, as under `fixtures/demo/`.
    pub name: &'static str,
    /// The whole file.
    pub bytes: Vec<u8>,
}

/// Unix nanoseconds of `s` seconds after T0.
fn at(s: f64) -> i64 {
    T0_UNIX * 1_000_000_000 + (s * 1e9).round() as i64
}

/// A connect request of the simulation.
struct Request {
    requested: f64,
    dst: Ipv4Addr,
    dport: u16,
    sport: u16,
    answered: bool,
    pid: u32,
}

/// A request once tcpip.sys let its first SYN leave.
struct Started {
    req: Request,
    start: f64,
    end: f64,
}

/// XP SP2's queue: FIFO by request time, at most `LIMIT` attempts half-open at once.
fn schedule(requests: Vec<Request>) -> Vec<Started> {
    let mut active: Vec<f64> = Vec::new();
    let mut out: Vec<Started> = Vec::new();
    let mut last_start = f64::MIN;
    for req in requests {
        let mut start = req.requested.max(last_start);
        active.retain(|&end| end > start);
        if active.len() >= LIMIT {
            active.sort_by(f64::total_cmp);
            start = active.remove(0);
            active.retain(|&end| end > start);
        }
        let end = if req.answered {
            start + 0.0004
        } else {
            start + GIVE_UP
        };
        active.push(end);
        last_start = start;
        out.push(Started { req, start, end });
    }
    out
}

fn requests() -> Vec<Request> {
    let mut v = Vec::new();
    for i in 0..40u16 {
        let requested = if i < 10 {
            130.0 + f64::from(i) * 0.01
        } else {
            133.0 + f64::from(i - 10) * 0.01
        };
        v.push(Request {
            requested,
            dst: Ipv4Addr::new(10, 1, 2, 1 + i as u8),
            dport: 445,
            sport: 1100 + i,
            answered: false,
            pid: 2412,
        });
    }
    for (k, c) in CLIENTS.iter().enumerate() {
        v.push(Request {
            requested: 135.0 + k as f64 * 0.01,
            dst: *c,
            dport: 5413,
            sport: 1200 + k as u16,
            answered: true,
            pid: 1560,
        });
    }
    v
}

/// One packet from `src` to `dst` (address, port).
fn tcp(
    t: f64,
    src: (Ipv4Addr, u16),
    dst: (Ipv4Addr, u16),
    flags: u8,
    seq: u32,
    ack: u32,
    len: u16,
) -> SynthTcp {
    SynthTcp {
        unix_ns: at(t),
        seg: SynthSegment {
            src: IpAddr::V4(src.0),
            dst: IpAddr::V4(dst.0),
            sport: src.1,
            dport: dst.1,
            flags,
            seq,
            ack,
            payload_len: u32::from(len),
        },
    }
}

/// Alarm updates every 2 s on an established provider→client connection from `from` to `to`.
fn alarm_traffic(
    out: &mut Vec<SynthTcp>,
    client: Ipv4Addr,
    sport: u16,
    seq0: u32,
    from: f64,
    to: f64,
) -> u32 {
    let mut seq = seq0;
    let mut t = from;
    while t < to {
        out.push(tcp(
            t,
            (PROVIDER, sport),
            (client, 5413),
            PSH | ACK,
            seq,
            7000,
            200,
        ));
        out.push(tcp(
            t + 0.0003,
            (client, 5413),
            (PROVIDER, sport),
            ACK,
            7000,
            seq + 200,
            0,
        ));
        seq += 200;
        t += 2.0;
    }
    seq
}

/// The capture's packets, in time order.
fn packets(started: &[Started]) -> Vec<SynthTcp> {
    let mut p = Vec::new();
    // Alarm sessions open before the capture; the provider drops them at 10:02:14.5.
    for (k, c) in CLIENTS.iter().enumerate() {
        let sport = 1050 + k as u16;
        let seq = alarm_traffic(&mut p, *c, sport, 500_000, 0.5 + k as f64 * 0.1, 134.5);
        p.push(tcp(
            134.5 + k as f64 * 0.01,
            (PROVIDER, sport),
            (*c, 5413),
            RST | ACK,
            seq,
            7000,
            0,
        ));
    }
    // A SQL server that refuses (one refused connect).
    let sql = Ipv4Addr::new(10, 1, 1, 30);
    p.push(tcp(60.0, (PROVIDER, 1090), (sql, 1433), SYN, 90_000, 0, 0));
    p.push(tcp(
        60.0006,
        (sql, 1433),
        (PROVIDER, 1090),
        RST | ACK,
        0,
        90_001,
        0,
    ));
    for (n, s) in started.iter().enumerate() {
        let r = &s.req;
        let isn = 1_000_000 + n as u32 * 65_536;
        if r.answered {
            p.push(tcp(
                s.start,
                (PROVIDER, r.sport),
                (r.dst, r.dport),
                SYN,
                isn,
                0,
                0,
            ));
            p.push(tcp(
                s.end,
                (r.dst, r.dport),
                (PROVIDER, r.sport),
                SYN | ACK,
                7000,
                isn + 1,
                0,
            ));
            p.push(tcp(
                s.end + 0.0002,
                (PROVIDER, r.sport),
                (r.dst, r.dport),
                ACK,
                isn + 1,
                7001,
                0,
            ));
            alarm_traffic(&mut p, r.dst, r.sport, isn + 1, s.end + 0.5, END);
        } else {
            for dt in [0.0, 3.0, 9.0] {
                if s.start + dt < END {
                    p.push(tcp(
                        s.start + dt,
                        (PROVIDER, r.sport),
                        (r.dst, r.dport),
                        SYN,
                        isn,
                        0,
                        0,
                    ));
                }
            }
        }
    }
    p.sort_by_key(|a| a.unix_ns);
    p
}

fn event(
    record_id: u64,
    unix_ns: i64,
    provider: &str,
    event_id: u16,
    level: u8,
    data: &[&str],
) -> EventSpec {
    EventSpec {
        record_id,
        unix_ns,
        provider: provider.to_string(),
        event_id,
        qualifiers: Some(if level == 3 { 32768 } else { 16384 }),
        level,
        task: 0,
        keywords: 0x0080_0000_0000_0000,
        computer: "WS-ALARM01".to_string(),
        channel: "System".to_string(),
        data: data.iter().map(|s| s.to_string()).collect(),
        data_names: Vec::new(),
        binary: None,
    }
}

fn system_log() -> Vec<u8> {
    let day_before = -(14.0 * 3600.0) - 1800.0; // 2026-03-13T19:30:00Z
    let boot = -(2.0 * 3600.0) - 118.0; // 2026-03-14T07:58:02Z
    let mut ev = vec![
        event(1201, at(day_before), "EventLog", 6006, 4, &[]),
        event(
            1202,
            at(boot),
            "EventLog",
            6009,
            4,
            &["5.01.", "2600", "Service Pack 2", "Uniprocessor Free"],
        ),
        event(1203, at(boot), "EventLog", 6005, 4, &[]),
        event(
            1204,
            at(boot + 40.0),
            "Service Control Manager",
            7036,
            4,
            &["SuiteLink", "running"],
        ),
    ];
    // Event 4226 when the first connect attempt is queued (10:02:13), as XP SP2 logs it:
    // Qualifiers 0x8000, Warning, one empty string, a 40-byte IO_ERROR_LOG_PACKET.
    let mut e4226 = event(1205, at(133.0), "Tcpip", 4226, 3, &[""]);
    let mut bin = vec![0u8; 40];
    bin[4..8].copy_from_slice(&[0x01, 0x00, 0x54, 0x00]);
    bin[12..16].copy_from_slice(&0x8000_1082u32.to_le_bytes());
    bin[16] = 1;
    e4226.binary = Some(bin);
    ev.push(e4226);
    ev.push(event(
        1206,
        at(136.0),
        "Service Control Manager",
        7036,
        4,
        &["Windows Update", "running"],
    ));
    write_evtx(&ev)
}

/// `netstat -ano` at [`NETSTAT_AT`], from the simulation's state then.
fn netstat_ano(started: &[Started]) -> String {
    let mut rows: Vec<(String, String, String, u32)> = vec![
        (
            "0.0.0.0:135".into(),
            "0.0.0.0:0".into(),
            "LISTENING".into(),
            1020,
        ),
        (
            "0.0.0.0:445".into(),
            "0.0.0.0:0".into(),
            "LISTENING".into(),
            4,
        ),
        (
            "0.0.0.0:3389".into(),
            "0.0.0.0:0".into(),
            "LISTENING".into(),
            1084,
        ),
        (
            "0.0.0.0:5413".into(),
            "0.0.0.0:0".into(),
            "LISTENING".into(),
            1560,
        ),
        (
            "10.1.1.10:139".into(),
            "0.0.0.0:0".into(),
            "LISTENING".into(),
            4,
        ),
        (
            "127.0.0.1:1037".into(),
            "127.0.0.1:1039".into(),
            "ESTABLISHED".into(),
            1560,
        ),
        (
            "127.0.0.1:1039".into(),
            "127.0.0.1:1037".into(),
            "ESTABLISHED".into(),
            1560,
        ),
    ];
    for s in started
        .iter()
        .filter(|s| s.start <= NETSTAT_AT && NETSTAT_AT < s.end)
    {
        let r = &s.req;
        rows.push((
            format!("{PROVIDER}:{}", r.sport),
            format!("{}:{}", r.dst, r.dport),
            "SYN_SENT".into(),
            r.pid,
        ));
    }
    let mut text = String::from(
        "PS C:\\Documents and Settings\\operator> netstat -ano\r\n\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        State           PID\r\n",
    );
    for (l, f, st, pid) in rows {
        text.push_str(&format!("  TCP    {l:<21}  {f:<21}  {st:<12}    {pid}\r\n"));
    }
    text.push_str("  UDP    0.0.0.0:445            *:*                                    4\r\n");
    text.push_str("  UDP    10.1.1.10:137          *:*                                    4\r\n");
    // The same moment without -n: local addresses by computer name, ports by service name.
    text.push_str("PS C:\\Documents and Settings\\operator> netstat -o\r\n\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        State           PID\r\n");
    text.push_str(
        "  TCP    WS-ALARM01:1037        localhost:1039         ESTABLISHED     1560\r\n",
    );
    text.push_str(
        "  TCP    WS-ALARM01:1039        localhost:1037         ESTABLISHED     1560\r\n",
    );
    for s in started
        .iter()
        .filter(|s| s.start <= NETSTAT_AT && NETSTAT_AT < s.end)
    {
        let local = format!("WS-ALARM01:{}", s.req.sport);
        let foreign = format!("{}:microsoft-ds", s.req.dst);
        text.push_str(&format!(
            "  TCP    {local:<21}  {foreign:<21}  SYN_SENT        {}\r\n",
            s.req.pid
        ));
    }
    text.push_str("PS C:\\Documents and Settings\\operator>\r\n");
    text
}

fn utf16le_bom(s: &str) -> Vec<u8> {
    let mut b = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    b
}

/// All files of the demo incident, deterministic (same bytes on every run).
pub fn demo_files() -> Vec<DemoFile> {
    let started = schedule(requests());
    vec![
        DemoFile {
            name: "WS-ALARM01-System.evtx",
            bytes: system_log(),
        },
        DemoFile {
            name: "WS-ALARM01-capture.pcap",
            bytes: write_pcap(&packets(&started)),
        },
        DemoFile {
            name: "WS-ALARM01-netstat-ano.txt",
            bytes: utf16le_bom(&netstat_ano(&started)),
        },
        DemoFile {
            name: "technote-838-netstat.txt",
            bytes: TECH_NOTE_NETSTAT.as_bytes().to_vec(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_never_exceeds_the_limit_and_delays_the_reconnects() {
        let started = schedule(requests());
        // At every first SYN, count the attempts still half-open.
        for s in &started {
            let open = started
                .iter()
                .filter(|o| o.start <= s.start && s.start < o.end)
                .count();
            assert!(open <= LIMIT, "{open} half-open at {}", s.start);
        }
        // 40 dead hosts in 4 waves of 21 s: the reconnects leave with wave 5 at 130 + 4×21 s.
        let reconnect = started.iter().find(|s| s.req.answered).unwrap();
        assert!(
            (reconnect.start - 214.0).abs() < 0.01,
            "{}",
            reconnect.start
        );
        let syn_sent_at_netstat = started
            .iter()
            .filter(|s| s.start <= NETSTAT_AT && NETSTAT_AT < s.end)
            .count();
        assert_eq!(syn_sent_at_netstat, 10);
    }
}
