//! Small capture writers for generated captures: legacy pcap (tcpdump.org `pcap-savefile(5)`),
//! little-endian, µs timestamps, LINKTYPE_ETHERNET (1), snaplen 65535; and Microsoft Network
//! Monitor 2.x ([`write_netmon`]).
//!
//! Each packet: Ethernet II (dst 02:00:00:00:00:02, src 02:00:00:00:00:01), then IPv4 (RFC 791,
//! 20 bytes, TTL 128, DF, header checksum computed per RFC 1071) or IPv6 (RFC 8200, 40 bytes, hop
//! limit 64) when either address is v6 (a v4 address is then written as `::ffff:a.b.c.d`), then a
//! 20-byte TCP header (RFC 9293, window 8192, checksum 0) and `payload_len` zero bytes.

use crate::ingest::capture::TcpSegment;
use crate::model::UtcTime;
use std::net::{IpAddr, Ipv6Addr};

/// One TCP packet to write: when, and the segment. `seg.payload_len` is capped at 65,000 bytes
/// (one frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthTcp {
    pub time: UtcTime,
    pub seg: TcpSegment,
}

/// RFC 1071 Internet checksum of `bytes` (even length here).
fn ip_checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn v6(a: IpAddr) -> Ipv6Addr {
    match a {
        IpAddr::V4(v) => v.to_ipv6_mapped(),
        IpAddr::V6(v) => v,
    }
}

/// Writes a legacy pcap (LE, µs, LINKTYPE_ETHERNET) file image holding `packets` in order.
/// Times before 1970 or after 2106 are clamped to the pcap `u32` seconds range.
pub fn write_pcap(packets: &[SynthTcp]) -> Vec<u8> {
    let mut out = Vec::with_capacity(24 + packets.len() * 90);
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes()); // thiszone
    out.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
    out.extend_from_slice(&65535u32.to_le_bytes()); // snaplen
    out.extend_from_slice(&1u32.to_le_bytes()); // LINKTYPE_ETHERNET
    let mut frame = Vec::with_capacity(128);
    for p in packets {
        ethernet_frame(p, &mut frame);
        let nanos = p.time.unix_nanos();
        let secs = nanos
            .div_euclid(1_000_000_000)
            .clamp(0, i64::from(u32::MAX)) as u32;
        let usec = (nanos.rem_euclid(1_000_000_000) / 1000) as u32;
        let len = frame.len() as u32;
        out.extend_from_slice(&secs.to_le_bytes());
        out.extend_from_slice(&usec.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&frame);
    }
    out
}

/// Writes the Ethernet/IP/TCP frame of `p` into `frame` (cleared first).
fn ethernet_frame(p: &SynthTcp, frame: &mut Vec<u8>) {
    {
        frame.clear();
        frame.extend_from_slice(&[2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]);
        let tcp_len = 20 + p.seg.payload_len.min(65_000) as usize;
        match (p.seg.src, p.seg.dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                frame.extend_from_slice(&0x0800u16.to_be_bytes());
                let total = u16::try_from(20 + tcp_len).unwrap_or(u16::MAX);
                let mut ip = [0u8; 20];
                ip[0] = 0x45;
                ip[2..4].copy_from_slice(&total.to_be_bytes());
                ip[6] = 0x40; // DF
                ip[8] = 128;
                ip[9] = 6;
                ip[12..16].copy_from_slice(&s.octets());
                ip[16..20].copy_from_slice(&d.octets());
                let ck = ip_checksum(&ip);
                ip[10..12].copy_from_slice(&ck.to_be_bytes());
                frame.extend_from_slice(&ip);
            }
            (s, d) => {
                frame.extend_from_slice(&0x86ddu16.to_be_bytes());
                let mut ip = [0u8; 40];
                ip[0] = 0x60;
                let plen = u16::try_from(tcp_len).unwrap_or(u16::MAX);
                ip[4..6].copy_from_slice(&plen.to_be_bytes());
                ip[6] = 6;
                ip[7] = 64;
                ip[8..24].copy_from_slice(&v6(s).octets());
                ip[24..40].copy_from_slice(&v6(d).octets());
                frame.extend_from_slice(&ip);
            }
        }
        let mut tcp = [0u8; 20];
        tcp[0..2].copy_from_slice(&p.seg.sport.to_be_bytes());
        tcp[2..4].copy_from_slice(&p.seg.dport.to_be_bytes());
        tcp[4..8].copy_from_slice(&p.seg.seq.to_be_bytes());
        tcp[8..12].copy_from_slice(&p.seg.ack.to_be_bytes());
        tcp[12] = 5 << 4;
        tcp[13] = p.seg.flags;
        tcp[14..16].copy_from_slice(&8192u16.to_be_bytes());
        frame.extend_from_slice(&tcp);
        frame.resize(frame.len() + tcp_len - 20, 0);
    }
}

/// Writes a Microsoft Network Monitor 2.`minor` capture (`minor` 0–3; see
/// `ingest::capture::netmon` for the layout, after Wireshark `wiretap/netmon.c`) holding
/// `packets` as Ethernet frames, in order.
///
/// The header start is the first packet's time cut to the millisecond, written as a UTC
/// SYSTEMTIME; each frame's `ts_delta` is its µs offset from that start (a negative offset is
/// written the way Wireshark reads it back: as a wrapped u64). From 2.1 each frame has a trailer
/// with network 1 (Ethernet); 2.2 adds process index 0; 2.3 adds the UTC FILETIME and zone
/// index 0. Frames follow the header contiguously from byte 128; the frame table comes last.
pub fn write_netmon(packets: &[SynthTcp], minor: u8) -> Vec<u8> {
    let minor = minor.min(3);
    let start_ns = packets
        .first()
        .map_or(0, |p| p.time.unix_nanos().div_euclid(1_000_000) * 1_000_000);
    let mut out = vec![0u8; 128];
    out[0..4].copy_from_slice(b"GMBU");
    out[4] = minor;
    out[5] = 2;
    out[6..8].copy_from_slice(&1u16.to_le_bytes());
    let st = jiff::Timestamp::from_nanosecond(i128::from(start_ns))
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(jiff::tz::TimeZone::UTC);
    let fields = [
        st.year() as u16,
        st.month() as u16,
        st.weekday().to_sunday_zero_offset() as u16,
        st.day() as u16,
        st.hour() as u16,
        st.minute() as u16,
        st.second() as u16,
        st.millisecond() as u16,
    ];
    for (i, v) in fields.iter().enumerate() {
        out[8 + 2 * i..10 + 2 * i].copy_from_slice(&v.to_le_bytes());
    }
    let mut table = Vec::with_capacity(packets.len());
    let mut frame = Vec::with_capacity(128);
    for p in packets {
        ethernet_frame(p, &mut frame);
        table.push(u32::try_from(out.len()).unwrap_or(u32::MAX));
        let delta_us = (p.time.unix_nanos() - start_ns).div_euclid(1000);
        out.extend_from_slice(&(delta_us as u64).to_le_bytes());
        let len = frame.len() as u32;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&frame);
        if minor >= 1 {
            out.extend_from_slice(&1u16.to_le_bytes());
        }
        if minor >= 2 {
            out.extend_from_slice(&0u32.to_le_bytes());
        }
        if minor >= 3 {
            out.extend_from_slice(&p.time.to_filetime().unwrap_or(0).to_le_bytes());
            out.push(0);
        }
    }
    let ft_off = u32::try_from(out.len()).unwrap_or(u32::MAX);
    out[24..28].copy_from_slice(&ft_off.to_le_bytes());
    out[28..32].copy_from_slice(&((table.len() * 4) as u32).to_le_bytes());
    for off in table {
        out.extend_from_slice(&off.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::handshake::{HandshakeSettings, HandshakeTracker, Outcome};
    use crate::ingest::capture::{flags, read_capture};
    use crate::model::Format;

    const T0: i64 = 1_200_000_000;

    fn at(ms: i64) -> UtcTime {
        UtcTime::from_unix_nanos((T0 * 1000 + ms) * 1_000_000, 6)
    }

    fn p(ms: i64, src: &str, dst: &str, sport: u16, dport: u16, fl: u8, seq: u32) -> SynthTcp {
        SynthTcp {
            time: at(ms),
            seg: TcpSegment {
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
    fn ipv4_header_checksum_verifies_to_zero() {
        let img = write_pcap(&[p(0, "192.168.0.4", "10.1.2.3", 1, 2, flags::SYN, 9)]);
        // file header 24 + record header 16 + Ethernet 14 = IPv4 header at 54.
        assert_eq!(ip_checksum(&img[54..74]), 0);
        assert_eq!(img.len(), 24 + 16 + 14 + 20 + 20);
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
        assert_eq!(rep.attempts[2].retry_pattern(), vec![3.0, 6.0]);
        assert_eq!(rep.attempts[2].half_open_until, at(21_200));
        assert_eq!(
            rep.attempts[3].dst,
            "2001:db8::2".parse::<IpAddr>().unwrap()
        );
    }
}
