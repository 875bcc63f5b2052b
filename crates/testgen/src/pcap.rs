//! Small capture writers for generated captures: legacy pcap (tcpdump.org `pcap-savefile(5)`),
//! little-endian, µs timestamps, LINKTYPE_ETHERNET (1), snaplen 65535; and Microsoft Network
//! Monitor 2.x ([`write_netmon`]).
//!
//! Each packet: Ethernet II (dst 02:00:00:00:00:02, src 02:00:00:00:00:01), then IPv4 (RFC 791,
//! 20 bytes, TTL 128, DF, header checksum computed per RFC 1071) or IPv6 (RFC 8200, 40 bytes, hop
//! limit 64) when either address is v6 (a v4 address is then written as `::ffff:a.b.c.d`), then a
//! 20-byte TCP header (RFC 9293, window 8192, checksum 0) and `payload_len` zero bytes.
//!
//! UDP ([`write_pcap_udp`]): the same Ethernet/IP framing with protocol 17 and an 8-byte UDP
//! header (RFC 768, checksum 0 = none, legal over IPv4) before the payload; plus payload builders
//! for the name-service messages the capture reader learns host names from: [`dns_response`],
//! [`nbns_registration`], [`dhcp_message`].
//!
//! Other layouts and link layers ([`write_capture`]): legacy pcap big-endian with nanosecond
//! magic, and pcapng (IETF `draft-ietf-opsawg-pcapng`: SHB, IDB with `if_tsresol` 9, EPBs), on
//! the link layers of [`SynthLink`] (tcpdump.org LINKTYPE_* values).
//!
//! Times are `i64` nanoseconds since the Unix epoch (UTC).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// TCP header flag bits (RFC 9293 §3.1), the values of [`SynthSegment::flags`].
pub mod flags {
    /// FIN: no more data from the sender.
    pub const FIN: u8 = 0x01;
    /// SYN: synchronize sequence numbers (connect).
    pub const SYN: u8 = 0x02;
    /// RST: reset the connection.
    pub const RST: u8 = 0x04;
    /// PSH: push function.
    pub const PSH: u8 = 0x08;
    /// ACK: the acknowledgment field is significant.
    pub const ACK: u8 = 0x10;
}

/// The TCP/IP fields of one segment to write (RFC 791/8200 addresses, RFC 9293 §3.1 header
/// fields); the same fields as `halfopen::ingest::capture::TcpSegment`, which reads them back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthSegment {
    /// Source address; when either address is IPv6 the packet is IPv6.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// TCP flags, a combination of [`flags`] bits.
    pub flags: u8,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number.
    pub ack: u32,
    /// Payload length in bytes (written as that many zero bytes; capped at 65,000).
    pub payload_len: u32,
}

/// One TCP packet to write: when, and the segment. `seg.payload_len` is capped at 65,000 bytes
/// (one frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthTcp {
    /// Capture time: nanoseconds since 1970-01-01T00:00:00Z (UTC). Legacy pcap keeps µs (or ns
    /// for [`SynthFile::PcapBeNano`]), pcapng ns, NetMon µs offsets from a ms start.
    pub unix_ns: i64,
    /// The TCP segment.
    pub seg: SynthSegment,
}

/// One UDP datagram to write: when, addresses, ports and payload (at most 65,000 bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthUdp {
    /// Capture time: nanoseconds since 1970-01-01T00:00:00Z (UTC), written with µs precision.
    pub unix_ns: i64,
    /// Source address; when either address is IPv6 the packet is IPv6.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// The UDP payload (cut at 65,000 bytes).
    pub payload: Vec<u8>,
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
    let mut out = pcap_header();
    let mut frame = Vec::with_capacity(128);
    for p in packets {
        ethernet_frame(p, &mut frame);
        pcap_record(&mut out, p.unix_ns, &frame);
    }
    out
}

/// The legacy pcap file header written by [`write_pcap`] and [`write_pcap_udp`].
fn pcap_header() -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes()); // thiszone
    out.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
    out.extend_from_slice(&65535u32.to_le_bytes()); // snaplen
    out.extend_from_slice(&1u32.to_le_bytes()); // LINKTYPE_ETHERNET
    out
}

/// Appends one legacy pcap record (µs time clamped to the u32 seconds range) holding `frame`.
fn pcap_record(out: &mut Vec<u8>, nanos: i64, frame: &[u8]) {
    let secs = nanos
        .div_euclid(1_000_000_000)
        .clamp(0, i64::from(u32::MAX)) as u32;
    let usec = (nanos.rem_euclid(1_000_000_000) / 1000) as u32;
    let len = frame.len() as u32;
    out.extend_from_slice(&secs.to_le_bytes());
    out.extend_from_slice(&usec.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(frame);
}

/// Writes a legacy pcap (LE, µs, LINKTYPE_ETHERNET) file image holding the UDP `packets` in
/// order (Ethernet, IPv4 or IPv6 as for [`write_pcap`], UDP header, payload).
pub fn write_pcap_udp(packets: &[SynthUdp]) -> Vec<u8> {
    let mut out = pcap_header();
    let mut frame = Vec::with_capacity(600);
    for p in packets {
        frame.clear();
        let payload = p.payload.get(..65_000).unwrap_or(&p.payload);
        let udp_len = 8 + payload.len();
        ip_header(&mut frame, p.src, p.dst, 17, udp_len);
        frame.extend_from_slice(&p.sport.to_be_bytes());
        frame.extend_from_slice(&p.dport.to_be_bytes());
        frame.extend_from_slice(&(udp_len as u16).to_be_bytes());
        frame.extend_from_slice(&[0, 0]);
        frame.extend_from_slice(payload);
        pcap_record(&mut out, p.unix_ns, &frame);
    }
    out
}

/// Ethernet II header plus an IPv4 (both addresses v4) or IPv6 header for an upper-layer packet
/// of protocol `proto` and `l4_len` bytes, appended to `frame`.
fn ip_header(frame: &mut Vec<u8>, src: IpAddr, dst: IpAddr, proto: u8, l4_len: usize) {
    frame.extend_from_slice(&[2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]);
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            frame.extend_from_slice(&0x0800u16.to_be_bytes());
            let total = u16::try_from(20 + l4_len).unwrap_or(u16::MAX);
            let mut ip = [0u8; 20];
            ip[0] = 0x45;
            ip[2..4].copy_from_slice(&total.to_be_bytes());
            ip[6] = 0x40; // DF
            ip[8] = 128;
            ip[9] = proto;
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
            let plen = u16::try_from(l4_len).unwrap_or(u16::MAX);
            ip[4..6].copy_from_slice(&plen.to_be_bytes());
            ip[6] = proto;
            ip[7] = 64;
            ip[8..24].copy_from_slice(&v6(s).octets());
            ip[24..40].copy_from_slice(&v6(d).octets());
            frame.extend_from_slice(&ip);
        }
    }
}

/// A domain name in DNS wire format (RFC 1035 §3.1), no compression; empty labels are dropped.
fn wire_name(name: &str, out: &mut Vec<u8>) {
    for label in name.split('.').filter(|l| !l.is_empty()) {
        let b = label.as_bytes();
        let b = b.get(..63).unwrap_or(b);
        out.push(b.len() as u8);
        out.extend_from_slice(b);
    }
    out.push(0);
}

/// A DNS response (RFC 1035 §4.1; id 0x1234, QR, RD, RA, RCODE 0) to the A question `qname`:
/// one CNAME record per name of `cnames` (a chain: the first owned by the question name, written
/// as a pointer to it, each next one owned by a pointer to the previous target), then one A or
/// AAAA record per address owned by a pointer to the last name. TTL 60.
pub fn dns_response(qname: &str, cnames: &[&str], addrs: &[IpAddr]) -> Vec<u8> {
    let mut m = Vec::with_capacity(128);
    let an = (cnames.len() + addrs.len()) as u16;
    for v in [0x1234u16, 0x8180, 1, an, 0, 0] {
        m.extend_from_slice(&v.to_be_bytes());
    }
    let mut owner = 12u16;
    wire_name(qname, &mut m);
    m.extend_from_slice(&[0, 1, 0, 1]);
    let rr_head = |m: &mut Vec<u8>, owner: u16, ty: u16, rdlen: u16| {
        m.extend_from_slice(&(0xc000 | owner).to_be_bytes());
        m.extend_from_slice(&ty.to_be_bytes());
        m.extend_from_slice(&1u16.to_be_bytes());
        m.extend_from_slice(&60u32.to_be_bytes());
        m.extend_from_slice(&rdlen.to_be_bytes());
    };
    for c in cnames {
        let mut target = Vec::new();
        wire_name(c, &mut target);
        rr_head(&mut m, owner, 5, target.len() as u16);
        owner = m.len() as u16;
        m.extend_from_slice(&target);
    }
    for a in addrs {
        match a {
            IpAddr::V4(v) => {
                rr_head(&mut m, owner, 1, 4);
                m.extend_from_slice(&v.octets());
            }
            IpAddr::V6(v) => {
                rr_head(&mut m, owner, 28, 16);
                m.extend_from_slice(&v.octets());
            }
        }
    }
    m
}

/// A NetBIOS name registration request (RFC 1002 §4.2.2; opcode 5, RD, broadcast, id 0x8001)
/// for `name` (upper-cased, padded with spaces to 15 bytes, then `suffix`, first-level encoded)
/// at `addr`: the question, then the NB record in the additional section (owner a pointer to the
/// question, TTL 300000, NB_FLAGS with the group bit when `group`, B-node).
pub fn nbns_registration(name: &str, suffix: u8, addr: Ipv4Addr, group: bool) -> Vec<u8> {
    let mut m = Vec::with_capacity(68);
    for v in [0x8001u16, 0x2910, 1, 0, 0, 1] {
        m.extend_from_slice(&v.to_be_bytes());
    }
    let mut raw = [b' '; 16];
    for (r, b) in raw
        .iter_mut()
        .zip(name.to_ascii_uppercase().bytes().take(15))
    {
        *r = b;
    }
    raw[15] = suffix;
    m.push(32);
    for b in raw {
        m.push(b'A' + (b >> 4));
        m.push(b'A' + (b & 0x0f));
    }
    m.push(0);
    m.extend_from_slice(&[0, 0x20, 0, 1]);
    m.extend_from_slice(&[0xc0, 0x0c, 0, 0x20, 0, 1]);
    m.extend_from_slice(&300_000u32.to_be_bytes());
    m.extend_from_slice(&6u16.to_be_bytes());
    m.extend_from_slice(&(if group { 0x8000u16 } else { 0 }).to_be_bytes());
    m.extend_from_slice(&addr.octets());
    m
}

/// A DHCP message (RFC 2131 §2, options RFC 2132): BOOTREPLY for `msg_type` 2 (OFFER), 5 (ACK)
/// or 6 (NAK), else BOOTREQUEST; Ethernet chaddr 02:00:00:00:00:01, xid 0x3d1e; options 53
/// (type), 50 (requested IP) when given, 12 (host name) when given, then 255 (end, last byte).
pub fn dhcp_message(
    msg_type: u8,
    ciaddr: Ipv4Addr,
    yiaddr: Ipv4Addr,
    requested: Option<Ipv4Addr>,
    host_name: Option<&str>,
) -> Vec<u8> {
    let mut m = vec![0u8; 236];
    m[0] = if matches!(msg_type, 2 | 5 | 6) { 2 } else { 1 };
    m[1] = 1;
    m[2] = 6;
    m[4..8].copy_from_slice(&0x3d1eu32.to_be_bytes());
    m[12..16].copy_from_slice(&ciaddr.octets());
    m[16..20].copy_from_slice(&yiaddr.octets());
    m[28..34].copy_from_slice(&[2, 0, 0, 0, 0, 1]);
    m.extend_from_slice(&[99, 130, 83, 99, 53, 1, msg_type]);
    if let Some(r) = requested {
        m.extend_from_slice(&[50, 4]);
        m.extend_from_slice(&r.octets());
    }
    if let Some(h) = host_name {
        let b = h.as_bytes();
        let b = b.get(..255).unwrap_or(b);
        m.extend_from_slice(&[12, b.len() as u8]);
        m.extend_from_slice(b);
    }
    m.push(255);
    m
}

/// Writes the Ethernet/IP/TCP frame of `p` into `frame` (cleared first).
fn ethernet_frame(p: &SynthTcp, frame: &mut Vec<u8>) {
    frame.clear();
    let tcp_len = 20 + p.seg.payload_len.min(65_000) as usize;
    ip_header(frame, p.seg.src, p.seg.dst, 6, tcp_len);
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

/// Writes a Microsoft Network Monitor 2.`minor` capture (`minor` 0–3; see
/// `halfopen::ingest::capture::netmon` for the layout, after Wireshark `wiretap/netmon.c`) holding
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
        .map_or(0, |p| p.unix_ns.div_euclid(1_000_000) * 1_000_000);
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
        let delta_us = (p.unix_ns - start_ns).div_euclid(1000);
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
            out.extend_from_slice(&crate::filetime(p.unix_ns).to_le_bytes());
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

    #[test]
    fn ipv4_header_checksum_verifies_to_zero() {
        let img = write_pcap(&[SynthTcp {
            unix_ns: 1_200_000_000_000_000_000,
            seg: SynthSegment {
                src: "192.168.0.4".parse().unwrap(),
                dst: "10.1.2.3".parse().unwrap(),
                sport: 1,
                dport: 2,
                flags: flags::SYN,
                seq: 9,
                ack: 0,
                payload_len: 0,
            },
        }]);
        // file header 24 + record header 16 + Ethernet 14 = IPv4 header at 54.
        assert_eq!(ip_checksum(&img[54..74]), 0);
        assert_eq!(img.len(), 24 + 16 + 14 + 20 + 20);
    }
}

/// The link layer of a generated capture (the LINKTYPE_* value each file header names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SynthLink {
    /// LINKTYPE_ETHERNET (1).
    Ethernet,
    /// Ethernet with one 802.1Q tag (VLAN 100).
    Vlan,
    /// Ethernet with an 802.1ad outer tag (VLAN 10) and an 802.1Q inner tag (VLAN 100).
    QinQ,
    /// LINKTYPE_LINUX_SLL (113): 16-byte cooked header.
    Sll,
    /// LINKTYPE_LINUX_SLL2 (276): 20-byte cooked header.
    Sll2,
    /// LINKTYPE_NULL (0): 4-byte address family in the file's byte order (AF_INET 2, AF_INET6 24).
    Null,
    /// LINKTYPE_RAW (101): the IP packet alone.
    Raw,
}

impl SynthLink {
    /// Every link layer, for test matrices.
    pub const ALL: [SynthLink; 7] = [
        SynthLink::Ethernet,
        SynthLink::Vlan,
        SynthLink::QinQ,
        SynthLink::Sll,
        SynthLink::Sll2,
        SynthLink::Null,
        SynthLink::Raw,
    ];

    fn linktype(self) -> u32 {
        match self {
            SynthLink::Ethernet | SynthLink::Vlan | SynthLink::QinQ => 1,
            SynthLink::Sll => 113,
            SynthLink::Sll2 => 276,
            SynthLink::Null => 0,
            SynthLink::Raw => 101,
        }
    }
}

/// The file layout of a generated capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SynthFile {
    /// Legacy pcap, little-endian, microsecond magic `a1b2c3d4`.
    PcapLeMicro,
    /// Legacy pcap, big-endian, nanosecond magic `a1b23c4d`.
    PcapBeNano,
    /// pcapng: one section, one interface with `if_tsresol` 9 (ns), enhanced packet blocks.
    Pcapng,
}

impl SynthFile {
    /// Every layout, for test matrices.
    pub const ALL: [SynthFile; 3] = [
        SynthFile::PcapLeMicro,
        SynthFile::PcapBeNano,
        SynthFile::Pcapng,
    ];
}

/// The frame of `p` on `link`, built from the Ethernet frame (12 MAC bytes, EtherType, IP).
fn link_frame(p: &SynthTcp, link: SynthLink, big_endian: bool, out: &mut Vec<u8>) {
    let mut eth = Vec::with_capacity(128);
    ethernet_frame(p, &mut eth);
    let (macs, rest) = eth.split_at(12);
    let (ethertype, ip) = rest.split_at(2);
    out.clear();
    match link {
        SynthLink::Ethernet => out.extend_from_slice(&eth),
        SynthLink::Vlan => {
            out.extend_from_slice(macs);
            out.extend_from_slice(&[0x81, 0x00, 0x00, 100]);
            out.extend_from_slice(rest);
        }
        SynthLink::QinQ => {
            out.extend_from_slice(macs);
            out.extend_from_slice(&[0x88, 0xa8, 0x00, 10, 0x81, 0x00, 0x00, 100]);
            out.extend_from_slice(rest);
        }
        SynthLink::Sll => {
            out.extend_from_slice(&4u16.to_be_bytes()); // sent by us
            out.extend_from_slice(&1u16.to_be_bytes()); // ARPHRD_ETHER
            out.extend_from_slice(&6u16.to_be_bytes());
            out.extend_from_slice(&macs[6..12]);
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(ethertype);
            out.extend_from_slice(ip);
        }
        SynthLink::Sll2 => {
            out.extend_from_slice(ethertype);
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&2u32.to_be_bytes()); // interface index
            out.extend_from_slice(&1u16.to_be_bytes()); // ARPHRD_ETHER
            out.push(4); // outgoing
            out.push(6);
            out.extend_from_slice(&macs[6..12]);
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(ip);
        }
        SynthLink::Null => {
            let family: u32 = if ethertype == [0x08, 0x00] { 2 } else { 24 };
            if big_endian {
                out.extend_from_slice(&family.to_be_bytes());
            } else {
                out.extend_from_slice(&family.to_le_bytes());
            }
            out.extend_from_slice(ip);
        }
        SynthLink::Raw => out.extend_from_slice(ip),
    }
}

/// Writes `packets` as a capture of layout `file` on link layer `link` (times before 1970 are
/// clamped to 0). Used to check every format × link type against tshark's counts.
pub fn write_capture(packets: &[SynthTcp], link: SynthLink, file: SynthFile) -> Vec<u8> {
    let big = file == SynthFile::PcapBeNano;
    let u16b = |v: u16| {
        if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u32b = |v: u32| {
        if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut out = Vec::with_capacity(1024 + packets.len() * 100);
    let mut frame = Vec::with_capacity(128);
    let nanos = |t: i64| t.max(0) as u64;
    match file {
        SynthFile::PcapLeMicro | SynthFile::PcapBeNano => {
            let magic = if big { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
            out.extend_from_slice(&u32b(magic));
            out.extend_from_slice(&u16b(2));
            out.extend_from_slice(&u16b(4));
            out.extend_from_slice(&u32b(0));
            out.extend_from_slice(&u32b(0));
            out.extend_from_slice(&u32b(65535));
            out.extend_from_slice(&u32b(link.linktype()));
            for p in packets {
                link_frame(p, link, big, &mut frame);
                let n = nanos(p.unix_ns);
                let secs = (n / 1_000_000_000).min(u64::from(u32::MAX)) as u32;
                let frac = (n % 1_000_000_000) as u32;
                let frac = if big { frac } else { frac / 1000 };
                let len = frame.len() as u32;
                out.extend_from_slice(&u32b(secs));
                out.extend_from_slice(&u32b(frac));
                out.extend_from_slice(&u32b(len));
                out.extend_from_slice(&u32b(len));
                out.extend_from_slice(&frame);
            }
        }
        SynthFile::Pcapng => {
            let block = |out: &mut Vec<u8>, kind: u32, body: &[u8]| {
                let padded = body.len().div_ceil(4) * 4;
                let total = (12 + padded) as u32;
                out.extend_from_slice(&kind.to_le_bytes());
                out.extend_from_slice(&total.to_le_bytes());
                out.extend_from_slice(body);
                out.resize(out.len() + padded - body.len(), 0);
                out.extend_from_slice(&total.to_le_bytes());
            };
            let mut shb = Vec::new();
            shb.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
            shb.extend_from_slice(&1u16.to_le_bytes());
            shb.extend_from_slice(&0u16.to_le_bytes());
            shb.extend_from_slice(&(-1i64).to_le_bytes());
            block(&mut out, 0x0a0d_0d0a, &shb);
            let mut idb = Vec::new();
            idb.extend_from_slice(&(link.linktype() as u16).to_le_bytes());
            idb.extend_from_slice(&0u16.to_le_bytes());
            idb.extend_from_slice(&65535u32.to_le_bytes());
            // if_tsresol (9) = 9: nanoseconds; then opt_endofopt.
            idb.extend_from_slice(&9u16.to_le_bytes());
            idb.extend_from_slice(&1u16.to_le_bytes());
            idb.extend_from_slice(&[9, 0, 0, 0]);
            idb.extend_from_slice(&[0, 0, 0, 0]);
            block(&mut out, 1, &idb);
            let mut epb = Vec::with_capacity(160);
            for p in packets {
                link_frame(p, link, false, &mut frame);
                let n = nanos(p.unix_ns);
                epb.clear();
                epb.extend_from_slice(&0u32.to_le_bytes());
                epb.extend_from_slice(&((n >> 32) as u32).to_le_bytes());
                epb.extend_from_slice(&(n as u32).to_le_bytes());
                epb.extend_from_slice(&(frame.len() as u32).to_le_bytes());
                epb.extend_from_slice(&(frame.len() as u32).to_le_bytes());
                epb.extend_from_slice(&frame);
                block(&mut out, 6, &epb);
            }
        }
    }
    out
}
