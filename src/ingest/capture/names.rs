//! Host names a capture reveals, with the address each one belongs to: DNS/mDNS/LLMNR answers,
//! NetBIOS Name Service registrations and responses, DHCP host names. Parsers borrow the UDP
//! payload and never panic; every offset read from a packet is bounds-checked.
//!
//! What counts (and why):
//! - **DNS** (RFC 1035 §4.1), **mDNS** (RFC 6762, port 5353) and **LLMNR** (RFC 4795, 5355):
//!   a response (QR bit set) from the service port. Every A (type 1, 4 bytes) and AAAA (type 28,
//!   RFC 3596, 16 bytes) record of class IN (mDNS: the cache-flush bit 0x8000 is ignored) in the
//!   answer, authority or additional section gives (owner name, address). When the answer section
//!   leads from a question name through CNAME records (type 5) to that owner, the question name
//!   gets the address too (`www.example.com` → CNAME `edge.cdn.net` → A: both names). Names follow
//!   compression pointers (RFC 1035 §4.1.4) only backwards, at most 64 labels/jumps and 255 bytes;
//!   the trailing root dot is dropped.
//! - **NetBIOS Name Service** (RFC 1002 §4.2, port 137): name registration (opcode 5), refresh
//!   (8, and 9 as Windows sends it) and multi-homed registration (15) requests carry the name in
//!   the question and its address in the NB record of the additional section; positive (RCODE 0)
//!   responses to a query (0), registration or refresh carry it in the answer. A name is
//!   first-level encoded (RFC 1001 §14.1: 32 letters `A`–`P`, one per half byte) into 16 bytes:
//!   15 name bytes padded with spaces, then a suffix byte. We keep only unique (NB_FLAGS G bit
//!   clear, so no workgroups) names with suffix 0x00 (workstation service) or 0x20 (file server
//!   service), the ones a machine registers under its own computer name; other suffixes name
//!   services or domains (Microsoft KB 163409). The name is the 15 bytes without the trailing
//!   spaces, read as Latin-1; a NetBIOS scope (labels after the first) is ignored.
//! - **DHCP** (RFC 2131 §3, options RFC 2132): option 12 (Host Name) and option 81 (Client FQDN,
//!   RFC 4702 §2.3: wire-format name when flag E is set, else ASCII), paired with the address of
//!   an ACK (message type 5: `yiaddr`, else `ciaddr` for an INFORM's ACK), a REQUEST (type 3:
//!   option 50 Requested IP, else `ciaddr` when renewing) or an INFORM (type 8: `ciaddr`).
//!   0.0.0.0 is never an address. Options in the overloaded `file`/`sname` fields (option 52) are
//!   not read.
//!
//! A datagram that matched a port but cannot be parsed gives a [`Malformed`] reason; the names
//! read before the fault are kept.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::ingest::bytes::{be16, ipv4_at};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Which protocol revealed a name (serialized lowercase: `dns`, `netbios`, `dhcp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NameSource {
    /// A DNS, mDNS or LLMNR response (A/AAAA record).
    Dns,
    /// A NetBIOS Name Service registration, refresh or positive response.
    Netbios,
    /// A DHCP ACK, REQUEST or INFORM with a host name.
    Dhcp,
}

/// One host name a capture revealed: `name` belongs to `address`, per frame `frame`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevealedName {
    /// As written in the packet (first spelling seen): a DNS name without the root dot, a NetBIOS
    /// name without its padding and suffix, or a DHCP host name / FQDN.
    pub name: String,
    /// The address the name is given to (DNS A/AAAA record data, NBNS `NB` address, DHCP
    /// `yiaddr`, `ciaddr` or option 50 Requested IP; rules in the module docs).
    pub address: IpAddr,
    /// Which protocol said so.
    pub how: NameSource,
    /// 1-based frame number (Wireshark's numbering) of the first packet saying so.
    pub frame: u64,
}

/// Why a name-service datagram could not be parsed (a fixed English phrase).
pub(crate) type Malformed = &'static str;

/// A name found in one datagram, before deduplication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub name: String,
    pub address: IpAddr,
    pub how: NameSource,
}

/// Which parser a datagram goes to, by its ports; `None` when it is not one we read (e.g. a
/// DNS query *to* port 53).
pub(crate) fn protocol_of(sport: u16, dport: u16) -> Option<NameSource> {
    if sport == 137 || dport == 137 {
        Some(NameSource::Netbios)
    } else if matches!(sport, 67 | 68) || matches!(dport, 67 | 68) {
        Some(NameSource::Dhcp)
    } else if matches!(sport, 53 | 5353 | 5355) {
        Some(NameSource::Dns)
    } else {
        None
    }
}

/// Parses `payload` as protocol `how`, pushing each (name, address) into `out`.
pub(crate) fn parse(
    how: NameSource,
    payload: &[u8],
    out: &mut Vec<Found>,
) -> Result<(), Malformed> {
    match how {
        NameSource::Dns => dns(payload, out),
        NameSource::Netbios => nbns(payload, out),
        NameSource::Dhcp => dhcp(payload, out),
    }
}

/// Most labels plus pointer jumps in one name; 255 bytes of name allow at most 127 labels, but
/// real names have far fewer and a loop must end quickly.
const MAX_NAME_STEPS: usize = 64;
/// RFC 1035 §2.3.4: a name is at most 255 bytes on the wire.
const MAX_NAME_LEN: usize = 255;

/// A domain name read from `msg` at `at`: its labels (borrowed) and the offset just after the
/// name *where it started* (after the first pointer, if any).
fn read_name(msg: &[u8], at: usize) -> Result<(Vec<&[u8]>, usize), Malformed> {
    let mut labels = Vec::new();
    let mut pos = at;
    let mut end = None;
    let mut total = 0usize;
    for _ in 0..MAX_NAME_STEPS {
        let &len = msg
            .get(pos)
            .ok_or("name runs past the end of the datagram")?;
        match len & 0xc0 {
            0x00 if len == 0 => {
                return Ok((labels, end.unwrap_or(pos + 1)));
            }
            0x00 => {
                let start = pos + 1;
                let label = msg
                    .get(start..start + usize::from(len))
                    .ok_or("name label runs past the end of the datagram")?;
                total += label.len() + 1;
                if total > MAX_NAME_LEN {
                    return Err("name longer than 255 bytes");
                }
                labels.push(label);
                pos = start + usize::from(len);
            }
            0xc0 => {
                let &low = msg
                    .get(pos + 1)
                    .ok_or("name pointer runs past the end of the datagram")?;
                let target = (usize::from(len & 0x3f) << 8) | usize::from(low);
                // Only backwards: a pointer to itself or further on could loop.
                if target >= pos {
                    return Err("name compression pointer does not point backwards");
                }
                if end.is_none() {
                    end = Some(pos + 2);
                }
                pos = target;
            }
            _ => return Err("name label type 0x40/0x80 (reserved)"),
        }
    }
    Err("name with more than 64 labels and pointers")
}

/// Labels joined with dots; each label as UTF-8 (mDNS) with invalid bytes replaced.
fn dotted(labels: &[&[u8]]) -> String {
    let mut s = String::new();
    for (i, l) in labels.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        s.push_str(&String::from_utf8_lossy(l));
    }
    s
}

/// One resource record's fixed part (RFC 1035 §4.1.3) and where its RDATA lies.
struct Rr<'a> {
    name: Vec<&'a [u8]>,
    ty: u16,
    class: u16,
    rdata_at: usize,
    rdata: &'a [u8],
}

/// Reads the resource record at `at`; returns it and the offset after it.
fn read_rr(msg: &[u8], at: usize) -> Result<(Rr<'_>, usize), Malformed> {
    let (name, p) = read_name(msg, at)?;
    let (Some(ty), Some(class), Some(rdlen)) = (be16(msg, p), be16(msg, p + 2), be16(msg, p + 8))
    else {
        return Err("resource record header runs past the end of the datagram");
    };
    let rdata_at = p + 10;
    let rdata = msg
        .get(rdata_at..rdata_at + usize::from(rdlen))
        .ok_or("resource record data runs past the end of the datagram")?;
    let next = rdata_at + usize::from(rdlen);
    Ok((
        Rr {
            name,
            ty,
            class,
            rdata_at,
            rdata,
        },
        next,
    ))
}

/// Header counts (question, answer, authority, additional) and flags; `Err` when cut.
fn header(msg: &[u8]) -> Result<(u16, [u16; 4]), Malformed> {
    match (
        be16(msg, 2),
        be16(msg, 4),
        be16(msg, 6),
        be16(msg, 8),
        be16(msg, 10),
    ) {
        (Some(f), Some(q), Some(an), Some(ns), Some(ar)) => Ok((f, [q, an, ns, ar])),
        _ => Err("header shorter than 12 bytes"),
    }
}

fn dns(msg: &[u8], out: &mut Vec<Found>) -> Result<(), Malformed> {
    let (flags, [qd, an, ns, ar]) = header(msg)?;
    // A query (QR 0), or not a standard query (opcode ≠ 0): nothing to learn.
    if flags & 0x8000 == 0 || (flags >> 11) & 0x0f != 0 {
        return Ok(());
    }
    let mut pos = 12;
    let mut questions = Vec::new();
    for _ in 0..qd {
        let (name, p) = read_name(msg, pos)?;
        if msg.get(p..p + 4).is_none() {
            return Err("question runs past the end of the datagram");
        }
        questions.push(dotted(&name).to_lowercase());
        pos = p + 4;
    }
    // (owner, target) of each CNAME in the answer section, lowercase.
    let mut cnames: Vec<(String, String)> = Vec::new();
    let mut addrs: Vec<(String, IpAddr, bool)> = Vec::new();
    let records = u32::from(an) + u32::from(ns) + u32::from(ar);
    for k in 0..records {
        let (rr, next) = read_rr(msg, pos)?;
        pos = next;
        if rr.class & 0x7fff != 1 || rr.name.is_empty() {
            continue;
        }
        let in_answer = k < u32::from(an);
        match (rr.ty, rr.rdata.len()) {
            (1, 4) => {
                if let Some(a) = ipv4_at(rr.rdata, 0) {
                    addrs.push((dotted(&rr.name), IpAddr::V4(a), in_answer));
                }
            }
            (28, 16) => {
                let mut o = [0u8; 16];
                o.copy_from_slice(rr.rdata);
                addrs.push((dotted(&rr.name), IpAddr::V6(Ipv6Addr::from(o)), in_answer));
            }
            (1 | 28, _) => return Err("A/AAAA record data of the wrong length"),
            (5, _) if in_answer => {
                let (target, _) = read_name(msg, rr.rdata_at)?;
                cnames.push((
                    dotted(&rr.name).to_lowercase(),
                    dotted(&target).to_lowercase(),
                ));
            }
            _ => {}
        }
    }
    for (owner, address, in_answer) in addrs {
        let lower = owner.to_lowercase();
        out.push(Found {
            name: owner,
            address,
            how: NameSource::Dns,
        });
        if !in_answer {
            continue;
        }
        // Question names whose CNAME chain (at most 16 steps) ends at this owner.
        for q in &questions {
            let mut at = q.as_str();
            for _ in 0..16 {
                if at == lower {
                    break;
                }
                match cnames.iter().find(|(o, _)| o == at) {
                    Some((_, t)) => at = t,
                    None => break,
                }
            }
            if at == lower && *q != lower {
                out.push(Found {
                    name: q.clone(),
                    address,
                    how: NameSource::Dns,
                });
            }
        }
    }
    Ok(())
}

/// NetBIOS first-level decoding (RFC 1001 §14.1) of a 32-byte label: (name, suffix), or `Err`
/// when a byte is not `A`–`P`.
fn netbios_name(label: &[u8]) -> Result<(String, u8), Malformed> {
    if label.len() != 32 {
        return Err("NetBIOS name label not 32 bytes long");
    }
    let mut raw = [0u8; 16];
    for (byte, pair) in raw.iter_mut().zip(label.chunks_exact(2)) {
        let &[a, b] = pair else {
            return Err("NetBIOS name label not 32 bytes long");
        };
        let (hi, lo) = (a.wrapping_sub(b'A'), b.wrapping_sub(b'A'));
        if hi > 15 || lo > 15 {
            return Err("NetBIOS name not first-level encoded (letters A-P)");
        }
        *byte = (hi << 4) | lo;
    }
    let suffix = raw[15];
    let mut body = &raw[..15];
    while let Some((&b' ', rest)) = body.split_last() {
        body = rest;
    }
    Ok((body.iter().map(|&b| char::from(b)).collect(), suffix))
}

/// The name of a NetBIOS record/question if it is a workstation (0x00) or server (0x20) name
/// made of printable characters; `Ok(None)` for other suffixes and names.
fn host_netbios_name(labels: &[&[u8]]) -> Result<Option<String>, Malformed> {
    let first = labels.first().ok_or("NetBIOS name empty")?;
    let (name, suffix) = netbios_name(first)?;
    let printable = !name.is_empty() && name.chars().all(|c| c >= ' ' && c != '\u{7f}');
    Ok(((suffix == 0x00 || suffix == 0x20) && printable && !name.starts_with('*')).then_some(name))
}

/// The NB addresses of a record's RDATA (RFC 1002 §4.2.1.3: 6 bytes each, NB_FLAGS then the
/// IPv4 address), unique names only (group bit 0x8000 clear), 0.0.0.0 dropped.
fn nb_addresses(rdata: &[u8]) -> Result<Vec<Ipv4Addr>, Malformed> {
    if rdata.len() % 6 != 0 {
        return Err("NB record data not a multiple of 6 bytes");
    }
    Ok(rdata
        .chunks_exact(6)
        .filter_map(|c| match *c {
            [flags, _, a, b, cc, d] if flags & 0x80 == 0 => Some(Ipv4Addr::new(a, b, cc, d)),
            _ => None,
        })
        .filter(|a| !a.is_unspecified())
        .collect())
}

fn nbns(msg: &[u8], out: &mut Vec<Found>) -> Result<(), Malformed> {
    let (flags, [qd, an, ns, ar]) = header(msg)?;
    let response = flags & 0x8000 != 0;
    let opcode = (flags >> 11) & 0x0f;
    let rcode = flags & 0x0f;
    let wanted = if response {
        // Positive response to a query, registration or refresh: answer section.
        rcode == 0 && matches!(opcode, 0 | 5 | 8 | 9)
    } else {
        // Registration / refresh / multi-homed registration request: additional section.
        matches!(opcode, 5 | 8 | 9 | 15)
    };
    if !wanted {
        return Ok(());
    }
    let mut pos = 12;
    for _ in 0..qd {
        let (_, p) = read_name(msg, pos)?;
        if msg.get(p..p + 4).is_none() {
            return Err("question runs past the end of the datagram");
        }
        pos = p + 4;
    }
    let records = u32::from(an) + u32::from(ns) + u32::from(ar);
    for k in 0..records {
        let (rr, next) = read_rr(msg, pos)?;
        pos = next;
        let in_answer = k < u32::from(an);
        let in_additional = k >= u32::from(an) + u32::from(ns);
        let section_ok = if response { in_answer } else { in_additional };
        // Type NB (0x20), class IN.
        if !section_ok || rr.ty != 0x20 || rr.class != 1 {
            continue;
        }
        let Some(name) = host_netbios_name(&rr.name)? else {
            continue;
        };
        for a in nb_addresses(rr.rdata)? {
            out.push(Found {
                name: name.clone(),
                address: IpAddr::V4(a),
                how: NameSource::Netbios,
            });
        }
    }
    Ok(())
}

/// DHCP fixed header length up to the magic cookie (RFC 2131 §2) and the cookie (RFC 2132 §2).
const BOOTP_LEN: usize = 236;
const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];

fn dhcp(msg: &[u8], out: &mut Vec<Found>) -> Result<(), Malformed> {
    let (Some(ciaddr), Some(yiaddr)) = (ipv4_at(msg, 12), ipv4_at(msg, 16)) else {
        return Err("BOOTP header cut");
    };
    if msg.len() < BOOTP_LEN {
        return Err("BOOTP header cut");
    }
    // Plain BOOTP (no cookie) has no options we read.
    if msg.get(BOOTP_LEN..BOOTP_LEN + 4) != Some(&MAGIC_COOKIE[..]) {
        return Ok(());
    }
    let mut msg_type = None;
    let mut host: Vec<u8> = Vec::new();
    let mut fqdn: Vec<u8> = Vec::new();
    let mut requested = None;
    let mut pos = BOOTP_LEN + 4;
    // Options (RFC 2132 §2): pad 0, end 255, else code, length, value. A repeated option is
    // concatenated (RFC 3396).
    while let Some(&code) = msg.get(pos) {
        match code {
            0 => {
                pos += 1;
                continue;
            }
            255 => break,
            _ => {}
        }
        let &len = msg.get(pos + 1).ok_or("DHCP option cut")?;
        let start = pos + 2;
        let value = msg
            .get(start..start + usize::from(len))
            .ok_or("DHCP option runs past the end of the datagram")?;
        match code {
            53 => msg_type = value.first().copied(),
            12 => host.extend_from_slice(value),
            81 => fqdn.extend_from_slice(value),
            50 => requested = ipv4_at(value, 0),
            _ => {}
        }
        pos = start + usize::from(len);
    }
    let address = match msg_type {
        Some(5) if !yiaddr.is_unspecified() => yiaddr,
        Some(5 | 8) => ciaddr,
        Some(3) => requested.unwrap_or(ciaddr),
        _ => return Ok(()),
    };
    if address.is_unspecified() {
        return Ok(());
    }
    let mut names = Vec::new();
    // Some clients end the host name with NUL bytes (RFC 2132 §3.14 says not to).
    while host.last() == Some(&0) {
        host.pop();
    }
    if !host.is_empty() {
        names.push(String::from_utf8_lossy(&host).into_owned());
    }
    // Option 81: flags, RCODE1, RCODE2, then the name (RFC 4702 §2.3; E flag 0x04 = wire format).
    if let (Some(&fl), Some(body)) = (fqdn.first(), fqdn.get(3..)) {
        let name = if fl & 0x04 != 0 {
            // Wire format without compression (RFC 4702 §2.3.1); a partial name may omit the
            // final root label.
            let mut labels = Vec::new();
            let mut p = 0usize;
            while let Some(&l) = body.get(p) {
                if l == 0 {
                    break;
                }
                let label = body
                    .get(p + 1..p + 1 + usize::from(l))
                    .filter(|_| l < 64)
                    .ok_or("DHCP client FQDN label runs past the option")?;
                labels.push(label);
                p += 1 + usize::from(l);
            }
            dotted(&labels)
        } else {
            let mut b = body;
            while let Some((&0, rest)) = b.split_last() {
                b = rest;
            }
            String::from_utf8_lossy(b).trim_end_matches('.').to_string()
        };
        if !name.is_empty() {
            names.push(name);
        }
    }
    for name in names {
        out.push(Found {
            name,
            address: IpAddr::V4(address),
            how: NameSource::Dhcp,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use halfopen_testgen::pcap::{dhcp_message, dns_response, nbns_registration};
    use proptest::prelude::*;

    fn found(name: &str, addr: &str, how: NameSource) -> Found {
        Found {
            name: name.into(),
            address: addr.parse().unwrap(),
            how,
        }
    }

    fn run(how: NameSource, msg: &[u8]) -> (Vec<Found>, Result<(), Malformed>) {
        let mut out = Vec::new();
        let r = parse(how, msg, &mut out);
        (out, r)
    }

    #[test]
    fn dns_answer_through_a_cname_names_both_the_owner_and_the_question() {
        let msg = dns_response(
            "WWW.Example.com",
            &["edge.cdn.net"],
            &["192.0.2.7".parse().unwrap(), "2001:db8::7".parse().unwrap()],
        );
        let (out, r) = run(NameSource::Dns, &msg);
        assert_eq!(r, Ok(()));
        assert_eq!(
            out,
            vec![
                found("edge.cdn.net", "192.0.2.7", NameSource::Dns),
                found("www.example.com", "192.0.2.7", NameSource::Dns),
                found("edge.cdn.net", "2001:db8::7", NameSource::Dns),
                found("www.example.com", "2001:db8::7", NameSource::Dns),
            ]
        );
    }

    #[test]
    fn dns_query_is_not_read_and_a_pointer_loop_is_malformed() {
        let mut msg = dns_response("a.b", &[], &["10.0.0.1".parse().unwrap()]);
        let mut query = msg.clone();
        query[2] &= 0x7f;
        assert_eq!(run(NameSource::Dns, &query), (vec![], Ok(())));
        // The answer's owner is the pointer 0xc00c at offset 21 (12 + "a.b" 5 + 4): make it
        // point to itself.
        assert_eq!(&msg[21..23], &[0xc0, 0x0c]);
        msg[22] = 21;
        assert_eq!(
            run(NameSource::Dns, &msg).1,
            Err("name compression pointer does not point backwards")
        );
    }

    #[test]
    fn nbns_registration_names_a_workstation_and_skips_group_and_other_suffixes() {
        let addr: Ipv4Addr = "10.1.1.21".parse().unwrap();
        let msg = nbns_registration("VIEWNODE1", 0x00, addr, false);
        assert_eq!(
            run(NameSource::Netbios, &msg),
            (
                vec![found("VIEWNODE1", "10.1.1.21", NameSource::Netbios)],
                Ok(())
            )
        );
        let group = nbns_registration("WORKGROUP", 0x00, addr, true);
        assert_eq!(run(NameSource::Netbios, &group), (vec![], Ok(())));
        let messenger = nbns_registration("VIEWNODE1", 0x03, addr, false);
        assert_eq!(run(NameSource::Netbios, &messenger), (vec![], Ok(())));
        // RFC 1001 §14.1's example: "FRED" padded with spaces (the last one is suffix 0x20).
        assert_eq!(
            netbios_name(b"EGFCEFEECACACACACACACACACACACACA").unwrap(),
            ("FRED".into(), 0x20)
        );
        assert_eq!(
            netbios_name(b"FEEFFDFECACACACACACACACACACACAAA").unwrap(),
            ("TEST".into(), 0)
        );
        assert_eq!(
            netbios_name(b"FEEFFDFECACACACACACACACACACACAQA"),
            Err("NetBIOS name not first-level encoded (letters A-P)")
        );
    }

    #[test]
    fn nbns_positive_query_response_names_each_unique_address() {
        // Response (R, opcode 0, AA, RD, RCODE 0), one answer: the full encoded name
        // FRED<20> (RFC 1001 §14.1), type NB, class IN, TTL, two NB entries (a multi-homed
        // host) and a third with the group bit (ignored).
        let mut m = vec![0x12, 0x34, 0x85, 0x00, 0, 0, 0, 1, 0, 0, 0, 0, 32];
        m.extend(b"EGFCEFEECACACACACACACACACACACACA");
        m.extend([0, 0, 0x20, 0, 1, 0, 0, 0, 60, 0, 18]);
        m.extend([
            0x60, 0, 10, 0, 0, 5, 0x60, 0, 10, 0, 1, 5, 0x80, 0, 10, 0, 2, 5,
        ]);
        assert_eq!(
            run(NameSource::Netbios, &m),
            (
                vec![
                    found("FRED", "10.0.0.5", NameSource::Netbios),
                    found("FRED", "10.0.1.5", NameSource::Netbios)
                ],
                Ok(())
            )
        );
        // A negative response (RCODE 3, name error) says nothing.
        m[3] = 0x03;
        assert_eq!(run(NameSource::Netbios, &m), (vec![], Ok(())));
    }

    #[test]
    fn dhcp_ack_uses_yiaddr_and_request_uses_option_50() {
        let y: Ipv4Addr = "192.168.0.10".parse().unwrap();
        let ack = dhcp_message(5, Ipv4Addr::UNSPECIFIED, y, None, Some("histnode"));
        assert_eq!(
            run(NameSource::Dhcp, &ack),
            (
                vec![found("histnode", "192.168.0.10", NameSource::Dhcp)],
                Ok(())
            )
        );
        let req = dhcp_message(
            3,
            Ipv4Addr::UNSPECIFIED,
            Ipv4Addr::UNSPECIFIED,
            Some(y),
            Some("n2"),
        );
        assert_eq!(
            run(NameSource::Dhcp, &req).0,
            vec![found("n2", "192.168.0.10", NameSource::Dhcp)]
        );
        let discover = dhcp_message(1, Ipv4Addr::UNSPECIFIED, y, Some(y), Some("n3"));
        assert_eq!(run(NameSource::Dhcp, &discover), (vec![], Ok(())));
        let cut = &ack[..ack.len() - 3];
        assert_eq!(
            run(NameSource::Dhcp, cut).1,
            Err("DHCP option runs past the end of the datagram")
        );
    }

    #[test]
    fn dhcp_client_fqdn_in_wire_format() {
        let y: Ipv4Addr = "10.0.0.9".parse().unwrap();
        let mut ack = dhcp_message(5, Ipv4Addr::UNSPECIFIED, y, None, None);
        // Replace the end option with option 81 (E flag) and a new end.
        ack.pop();
        ack.extend([
            81, 11, 0x04, 0, 0, 2, b'h', b'n', 3, b'l', b'a', b'n', 0, 255,
        ]);
        assert_eq!(
            run(NameSource::Dhcp, &ack).0,
            vec![found("hn.lan", "10.0.0.9", NameSource::Dhcp)]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        #[test]
        fn parsers_never_panic_on_random_bytes(msg in proptest::collection::vec(any::<u8>(), 0..400)) {
            for how in [NameSource::Dns, NameSource::Netbios, NameSource::Dhcp] {
                let mut out = Vec::new();
                let _ = parse(how, &msg, &mut out);
            }
        }

        #[test]
        fn parsers_never_panic_on_mutated_valid_messages(pos in 0usize..400, val in any::<u8>(), cut in 0usize..400) {
            let a: Ipv4Addr = "10.1.1.21".parse().unwrap();
            let cases = [
                (NameSource::Dns, dns_response("a.example.com", &["b.example.net"], &[IpAddr::V4(a)])),
                (NameSource::Netbios, nbns_registration("NODE", 0x20, a, false)),
                (NameSource::Dhcp, dhcp_message(5, a, a, Some(a), Some("node"))),
            ];
            for (how, mut msg) in cases {
                let n = msg.len();
                msg[pos % n] = val;
                msg.truncate(n - cut % n);
                let mut out = Vec::new();
                let _ = parse(how, &msg, &mut out);
            }
        }
    }
}
