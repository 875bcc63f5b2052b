//! Hand-written L2–L4 decoding of one captured frame down to the TCP header, borrowing the frame.
//!
//! Link layers (tcpdump.org link-layer header types): Ethernet (1) with any number of 802.1Q
//! (0x8100), 802.1ad QinQ (0x88a8) and old QinQ (0x9100) tags; Linux cooked SLL (113, 16-byte
//! header, protocol at offset 14) and SLL2 (276, 20-byte header, protocol at offset 0); raw IP (101,
//! 12, 14: version from the first nibble; 228 IPv4; 229 IPv6); FDDI (10) with LLC/SNAP; BSD NULL (0) and LOOP (108): a
//! 4-byte address family in either byte order (AF_INET 2; AF_INET6 10 Linux, 24 NetBSD/OpenBSD,
//! 28 FreeBSD, 30 Darwin).
//! IPv4: RFC 791 (IHL, total length, fragment offset); IPv6: RFC 8200 §4 (extension headers
//! hop-by-hop 0, routing 43, fragment 44, destination options 60; AH 51 per RFC 4302).
//! TCP: RFC 9293 §3.1. UDP (RFC 768) only for the name-service ports (see [`is_name_port`]):
//! every other UDP datagram is `NotTcp` without looking past the ports.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::types::TcpSegment;
use crate::ingest::bytes::{be16, be32, ipv4_at, le32};
use std::net::{IpAddr, Ipv6Addr};

/// A UDP datagram on a name-service port, borrowing the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UdpDatagram<'a> {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    /// The UDP payload as captured, at most the UDP length field says.
    pub payload: &'a [u8],
    /// The capture holds fewer payload bytes than the UDP length says (snap length, or a first
    /// IP fragment).
    pub cut: bool,
}

/// What one frame held, as far as we decode it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decoded<'a> {
    Tcp(TcpSegment),
    /// A UDP datagram to or from a name-service port ([`is_name_port`]).
    NameUdp(UdpDatagram<'a>),
    /// Not IP, or IP but neither TCP nor a name-service UDP datagram.
    NotTcp,
    /// An IPv4/IPv6 fragment other than the first: its TCP header is in another frame.
    NonFirstFragment,
    /// IP or TCP header damaged or cut by the snap length.
    Malformed(&'static str),
    /// A link type we do not decode.
    UnsupportedLink,
}

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const PROTO_TCP: u8 = 6;
const PROTO_UDP: u8 = 17;

/// The UDP ports whose datagrams may reveal host names: a response *from* DNS (53), mDNS
/// (5353, RFC 6762) or LLMNR (5355, RFC 4795); NetBIOS Name Service (137, RFC 1002) and
/// DHCP/BOOTP (67/68, RFC 2131) in either direction.
pub(crate) fn is_name_port(sport: u16, dport: u16) -> bool {
    matches!(sport, 53 | 5353 | 5355 | 137 | 67 | 68) || matches!(dport, 137 | 67 | 68)
}

/// Decodes a frame of link type `linktype` (pcap LINKTYPE_* number).
pub(crate) fn decode(linktype: i32, frame: &[u8]) -> Decoded<'_> {
    match linktype {
        1 => ethernet(frame),
        113 => match (be16(frame, 14), frame.get(16..)) {
            (Some(proto), Some(rest)) => by_ethertype(proto, rest),
            _ => Decoded::NotTcp,
        },
        276 => match (be16(frame, 0), frame.get(20..)) {
            (Some(proto), Some(rest)) => by_ethertype(proto, rest),
            _ => Decoded::NotTcp,
        },
        101 | 12 | 14 => match frame.first().map(|b| b >> 4) {
            Some(4) => ipv4(frame),
            Some(6) => ipv6(frame),
            _ => Decoded::NotTcp,
        },
        228 => ipv4(frame),
        229 => ipv6(frame),
        0 | 108 => null_loop(frame),
        // FDDI (10): frame control (1) + two 6-byte addresses, then 802.2 LLC + SNAP
        // (`aa aa 03`, OUI 0, EtherType) as RFC 1188 carries IP.
        10 => match (frame.get(13..16), be16(frame, 19), frame.get(21..)) {
            (Some([0xaa, 0xaa, 0x03]), Some(ty), Some(rest)) => by_ethertype(ty, rest),
            _ => Decoded::NotTcp,
        },
        _ => Decoded::UnsupportedLink,
    }
}

fn ethernet(frame: &[u8]) -> Decoded<'_> {
    let mut at = 12;
    // Each tag is 4 bytes; the loop ends because `at` grows and `be16` fails past the end.
    while let Some(ty) = be16(frame, at) {
        match ty {
            0x8100 | 0x88a8 | 0x9100 => at += 4,
            _ => {
                return match frame.get(at + 2..) {
                    Some(rest) => by_ethertype(ty, rest),
                    None => Decoded::NotTcp,
                };
            }
        }
    }
    Decoded::NotTcp
}

fn null_loop(frame: &[u8]) -> Decoded<'_> {
    let Some(le) = le32(frame, 0) else {
        return Decoded::NotTcp;
    };
    // The AF is small: whichever byte order gives a value below 0x10000 is the right one.
    let af = if le & 0xffff_0000 != 0 {
        le.swap_bytes()
    } else {
        le
    };
    let Some(rest) = frame.get(4..) else {
        return Decoded::NotTcp;
    };
    match af {
        2 => ipv4(rest),
        10 | 24 | 28 | 30 => ipv6(rest),
        _ => Decoded::NotTcp,
    }
}

fn by_ethertype(ty: u16, rest: &[u8]) -> Decoded<'_> {
    match ty {
        ETHERTYPE_IPV4 => ipv4(rest),
        ETHERTYPE_IPV6 => ipv6(rest),
        _ => Decoded::NotTcp,
    }
}

fn ipv4(p: &[u8]) -> Decoded<'_> {
    let Some(&vihl) = p.first() else {
        return Decoded::Malformed("IPv4 header cut");
    };
    if vihl >> 4 != 4 {
        return Decoded::Malformed("IPv4 header with another version");
    }
    let ihl = usize::from(vihl & 0x0f) * 4;
    if ihl < 20 {
        return Decoded::Malformed("IPv4 header length below 20");
    }
    let (Some(total), Some(frag), Some(&proto)) = (be16(p, 2), be16(p, 6), p.get(9)) else {
        return Decoded::Malformed("IPv4 header cut");
    };
    if proto != PROTO_TCP {
        if proto == PROTO_UDP && frag & 0x1fff == 0 {
            return ipv4_udp(p, ihl, total);
        }
        return Decoded::NotTcp;
    }
    if frag & 0x1fff != 0 {
        return Decoded::NonFirstFragment;
    }
    let (Some(s), Some(d)) = (ipv4_at(p, 12), ipv4_at(p, 16)) else {
        return Decoded::Malformed("IPv4 header cut");
    };
    let (src, dst) = (IpAddr::V4(s), IpAddr::V4(d));
    let Some(seg) = p.get(ihl..) else {
        return Decoded::Malformed("IPv4 header cut");
    };
    // Total length 0 happens with TSO captures: fall back to what was captured.
    let ip_len = if total == 0 {
        p.len()
    } else {
        usize::from(total)
    };
    tcp(src, dst, seg, ip_len.saturating_sub(ihl))
}

/// The UDP part of an IPv4 packet (first or only fragment) with header length `ihl`.
/// Kept out of [`ipv4`]'s TCP path; returns `NotTcp` unless a name port matches.
#[cold]
fn ipv4_udp(p: &[u8], ihl: usize, total: u16) -> Decoded<'_> {
    let (Some(s), Some(d), Some(seg)) = (ipv4_at(p, 12), ipv4_at(p, 16), p.get(ihl..)) else {
        return Decoded::NotTcp;
    };
    let ip_len = if total == 0 {
        p.len()
    } else {
        usize::from(total)
    };
    let (src, dst) = (IpAddr::V4(s), IpAddr::V4(d));
    udp(src, dst, seg, ip_len.saturating_sub(ihl))
}

/// `seg` starts at the UDP header (RFC 768); `l4_len` is the UDP length per the IP header.
/// A header cut before the ports, or ports that are not name ports, give `NotTcp`.
fn udp(src: IpAddr, dst: IpAddr, seg: &[u8], l4_len: usize) -> Decoded<'_> {
    let (Some(sport), Some(dport)) = (be16(seg, 0), be16(seg, 2)) else {
        return Decoded::NotTcp;
    };
    if !is_name_port(sport, dport) {
        return Decoded::NotTcp;
    }
    // UDP length (header included); 0 or below 8 (jumbogram, TSO, damage): trust the IP length.
    let udp_len = match be16(seg, 4) {
        Some(l) if l >= 8 => usize::from(l).min(l4_len.max(8)),
        _ => l4_len,
    };
    let want = udp_len.saturating_sub(8);
    let have = seg.get(8..).unwrap_or(&[]);
    let payload = have.get(..want).unwrap_or(have);
    Decoded::NameUdp(UdpDatagram {
        src,
        dst,
        sport,
        dport,
        payload,
        cut: payload.len() < want || seg.len() < 8,
    })
}

fn ipv6(p: &[u8]) -> Decoded<'_> {
    if p.first().map(|b| b >> 4) != Some(6) {
        return Decoded::Malformed("IPv6 header cut or another version");
    }
    let (Some(plen), Some(&first_next), Some(s), Some(d)) =
        (be16(p, 4), p.get(6), p.get(8..24), p.get(24..40))
    else {
        return Decoded::Malformed("IPv6 header cut");
    };
    let mut sa = [0u8; 16];
    sa.copy_from_slice(s);
    let mut da = [0u8; 16];
    da.copy_from_slice(d);
    let src = IpAddr::V6(Ipv6Addr::from(sa));
    let dst = IpAddr::V6(Ipv6Addr::from(da));
    let mut next = first_next;
    let mut at = 40usize;
    let mut remaining = usize::from(plen);
    // At most a handful of extension headers in practice; bound the walk anyway.
    for _ in 0..16 {
        let len = match next {
            PROTO_TCP => {
                let Some(seg) = p.get(at..) else {
                    return Decoded::Malformed("IPv6 extension header cut");
                };
                // Payload length 0 is a jumbogram or TSO: use what was captured.
                let l4 = if plen == 0 { seg.len() } else { remaining };
                return tcp(src, dst, seg, l4);
            }
            PROTO_UDP => {
                let Some(seg) = p.get(at..) else {
                    return Decoded::NotTcp;
                };
                let l4 = if plen == 0 { seg.len() } else { remaining };
                return udp(src, dst, seg, l4);
            }
            0 | 43 | 60 => match p.get(at + 1) {
                Some(&l) => (usize::from(l) + 1) * 8,
                None => return Decoded::Malformed("IPv6 extension header cut"),
            },
            44 => match be16(p, at + 2) {
                Some(off) if off & 0xfff8 != 0 => return Decoded::NonFirstFragment,
                Some(_) => 8,
                None => return Decoded::Malformed("IPv6 fragment header cut"),
            },
            51 => match p.get(at + 1) {
                Some(&l) => (usize::from(l) + 2) * 4,
                None => return Decoded::Malformed("IPv6 AH header cut"),
            },
            _ => return Decoded::NotTcp,
        };
        let Some(&n) = p.get(at) else {
            return Decoded::Malformed("IPv6 extension header cut");
        };
        next = n;
        at += len;
        remaining = remaining.saturating_sub(len);
    }
    Decoded::Malformed("IPv6: more than 16 extension headers")
}

/// `seg` starts at the TCP header; `l4_len` is the TCP segment length per the IP header.
fn tcp(src: IpAddr, dst: IpAddr, seg: &[u8], l4_len: usize) -> Decoded<'static> {
    let (Some(sport), Some(dport), Some(seq), Some(ack), Some(&off), Some(&flags)) = (
        be16(seg, 0),
        be16(seg, 2),
        be32(seg, 4),
        be32(seg, 8),
        seg.get(12),
        seg.get(13),
    ) else {
        return Decoded::Malformed("TCP header cut (snap length)");
    };
    if seg.len() < 20 {
        return Decoded::Malformed("TCP header cut (snap length)");
    }
    let hlen = usize::from(off >> 4) * 4;
    if hlen < 20 {
        return Decoded::Malformed("TCP data offset below 20");
    }
    let payload_len = u32::try_from(l4_len.saturating_sub(hlen)).unwrap_or(u32::MAX);
    Decoded::Tcp(TcpSegment {
        src,
        dst,
        sport,
        dport,
        flags,
        seq,
        ack,
        payload_len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp_hdr(flags: u8) -> Vec<u8> {
        let mut t = vec![0u8; 20];
        t[0..2].copy_from_slice(&1234u16.to_be_bytes());
        t[2..4].copy_from_slice(&80u16.to_be_bytes());
        t[4..8].copy_from_slice(&7u32.to_be_bytes());
        t[12] = 5 << 4;
        t[13] = flags;
        t
    }

    fn ipv4_tcp(payload: usize, frag: u16) -> Vec<u8> {
        let mut ip = vec![0u8; 20];
        ip[0] = 0x45;
        let total = (20 + 20 + payload) as u16;
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        ip[6..8].copy_from_slice(&frag.to_be_bytes());
        ip[9] = 6;
        ip[12..16].copy_from_slice(&[10, 0, 0, 1]);
        ip[16..20].copy_from_slice(&[10, 0, 0, 2]);
        ip.extend(tcp_hdr(0x02));
        ip.extend(vec![0u8; payload]);
        ip
    }

    fn expect_tcp(d: Decoded) -> TcpSegment {
        match d {
            Decoded::Tcp(t) => t,
            other => panic!("expected TCP, got {other:?}"),
        }
    }

    #[test]
    fn ethernet_with_qinq_tags_reaches_tcp() {
        let mut f = vec![0u8; 12];
        f.extend([0x88, 0xa8, 0, 1, 0x81, 0x00, 0, 2, 0x08, 0x00]);
        f.extend(ipv4_tcp(5, 0));
        let t = expect_tcp(decode(1, &f));
        assert_eq!(
            (t.src, t.sport, t.dport, t.seq, t.flags, t.payload_len),
            ("10.0.0.1".parse().unwrap(), 1234, 80, 7, 0x02, 5)
        );
    }

    #[test]
    fn non_first_ipv4_fragment_is_counted_not_decoded() {
        assert_eq!(decode(228, &ipv4_tcp(0, 0x0010)), Decoded::NonFirstFragment);
    }

    #[test]
    fn null_loop_af_in_both_byte_orders() {
        let mut le = vec![2, 0, 0, 0];
        le.extend(ipv4_tcp(0, 0));
        let mut be = vec![0, 0, 0, 2];
        be.extend(ipv4_tcp(0, 0));
        assert_eq!(expect_tcp(decode(0, &le)).dport, 80);
        assert_eq!(expect_tcp(decode(108, &be)).dport, 80);
    }

    #[test]
    fn ipv6_skips_hop_by_hop_and_fragment_headers() {
        let mut p = vec![0u8; 40];
        p[0] = 0x60;
        p[4..6].copy_from_slice(&(8u16 + 8 + 20 + 3).to_be_bytes());
        p[6] = 0; // hop-by-hop
        p[8 + 15] = 1;
        p[24 + 15] = 2;
        p.extend([44, 0, 0, 0, 0, 0, 0, 0]); // HBH -> fragment
        p.extend([6, 0, 0, 1, 0, 0, 0, 9]); // fragment (offset 0, M=1) -> TCP
        p.extend(tcp_hdr(0x12));
        p.extend([0, 0, 0]);
        let t = expect_tcp(decode(229, &p));
        assert_eq!(
            (t.dst, t.flags, t.payload_len),
            ("::2".parse().unwrap(), 0x12, 3)
        );
    }

    #[test]
    fn truncated_tcp_header_is_malformed_and_full_header_with_cut_payload_is_read() {
        let full = ipv4_tcp(100, 0);
        assert_eq!(
            decode(228, &full[..30]),
            Decoded::Malformed("TCP header cut (snap length)")
        );
        assert_eq!(expect_tcp(decode(228, &full[..40])).payload_len, 100);
    }

    #[test]
    fn sll_and_sll2_carry_the_protocol_at_their_offsets() {
        let mut sll = vec![0u8; 14];
        sll.extend([0x08, 0x00]);
        sll.extend(ipv4_tcp(0, 0));
        let mut sll2 = vec![0x08, 0x00];
        sll2.extend([0u8; 18]);
        sll2.extend(ipv4_tcp(0, 0));
        assert_eq!(expect_tcp(decode(113, &sll)).sport, 1234);
        assert_eq!(expect_tcp(decode(276, &sll2)).sport, 1234);
    }

    fn ipv4_udp(sport: u16, dport: u16, payload: &[u8], udp_len: u16) -> Vec<u8> {
        let mut ip = vec![0u8; 20];
        ip[0] = 0x45;
        ip[2..4].copy_from_slice(&(20 + udp_len).to_be_bytes());
        ip[9] = 17;
        ip[12..16].copy_from_slice(&[10, 0, 0, 1]);
        ip[16..20].copy_from_slice(&[10, 0, 0, 2]);
        ip.extend(sport.to_be_bytes());
        ip.extend(dport.to_be_bytes());
        ip.extend(udp_len.to_be_bytes());
        ip.extend([0, 0]);
        ip.extend(payload);
        ip
    }

    #[test]
    fn udp_on_a_name_port_is_handed_over_and_other_udp_is_not() {
        let f = ipv4_udp(53, 40000, b"abcd", 12);
        let d = decode(228, &f);
        let Decoded::NameUdp(u) = d else {
            panic!("{d:?}")
        };
        assert_eq!(
            (u.src, u.sport, u.dport, u.payload, u.cut),
            ("10.0.0.1".parse().unwrap(), 53, 40000, &b"abcd"[..], false)
        );
        // A DNS query (to port 53) and other ports: nothing to read.
        assert_eq!(
            decode(228, &ipv4_udp(40000, 53, b"abcd", 12)),
            Decoded::NotTcp
        );
        assert_eq!(
            decode(228, &ipv4_udp(1000, 2000, b"abcd", 12)),
            Decoded::NotTcp
        );
        // NetBIOS and DHCP in either direction.
        assert!(matches!(
            decode(228, &ipv4_udp(1025, 137, b"", 8)),
            Decoded::NameUdp(_)
        ));
        assert!(matches!(
            decode(228, &ipv4_udp(68, 67, b"", 8)),
            Decoded::NameUdp(_)
        ));
        // UDP length 20 but 4 payload bytes captured: cut; IP says 12, so 4 bytes.
        let mut cut = ipv4_udp(137, 137, b"abcd", 20);
        cut[2..4].copy_from_slice(&40u16.to_be_bytes());
        let Decoded::NameUdp(u) = decode(228, &cut) else {
            panic!()
        };
        assert_eq!((u.payload.len(), u.cut), (4, true));
        // A non-first fragment is not read as UDP.
        let mut frag = ipv4_udp(53, 40000, b"abcd", 12);
        frag[7] = 0x10;
        assert_eq!(decode(228, &frag), Decoded::NotTcp);
    }

    #[test]
    fn ipv6_udp_on_a_name_port_is_handed_over() {
        let mut p = vec![0u8; 40];
        p[0] = 0x60;
        p[4..6].copy_from_slice(&11u16.to_be_bytes());
        p[6] = 17;
        p[8 + 15] = 1;
        p[24 + 15] = 2;
        p.extend(5353u16.to_be_bytes());
        p.extend(5353u16.to_be_bytes());
        p.extend(11u16.to_be_bytes());
        p.extend([0, 0, 7, 8, 9]);
        let Decoded::NameUdp(u) = decode(229, &p) else {
            panic!()
        };
        assert_eq!(
            (u.dst, u.payload),
            ("::2".parse().unwrap(), &[7u8, 8, 9][..])
        );
    }
}
