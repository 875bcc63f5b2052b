//! The values a capture read gives (TCP segments and packets, the per-file summary) and why a
//! capture could not be read at all. Shapes only; the readers are in `stream`, `netmon`.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::names::RevealedName;
use crate::model::{Format, Problem, UtcTime};
use std::net::IpAddr;

/// libpcap's `MAXIMUM_SNAPLEN` (262 144 bytes, also Wireshark's `WTAP_MAX_PACKET_SIZE_STANDARD`):
/// a record longer than this (and, for legacy pcap, than the file's snaplen) is corrupt.
pub(super) const MAX_PACKET: u32 = 262_144;

/// TCP header flags (RFC 9293 §3.1).
pub mod flags {
    /// FIN: the sender has finished sending.
    pub const FIN: u8 = 0x01;
    /// SYN: synchronize sequence numbers (a connection attempt; with ACK, its answer).
    pub const SYN: u8 = 0x02;
    /// RST: reset the connection (a refused or aborted attempt).
    pub const RST: u8 = 0x04;
    /// PSH: push the data to the application.
    pub const PSH: u8 = 0x08;
    /// ACK: the acknowledgment number is valid.
    pub const ACK: u8 = 0x10;
}

/// The TCP/IP facts of one segment (RFC 791/8200 addresses, RFC 9293 §3.1 header fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpSegment {
    /// Source address (IPv4 or IPv6 header).
    pub src: IpAddr,
    /// Destination address (IPv4 or IPv6 header).
    pub dst: IpAddr,
    /// TCP source port.
    pub sport: u16,
    /// TCP destination port.
    pub dport: u16,
    /// TCP flag byte (header byte 13): a mask of [`flags`] bits; CWR/ECE (0x80/0x40) kept.
    pub flags: u8,
    /// TCP sequence number (raw, not relative to the ISN).
    pub seq: u32,
    /// TCP acknowledgment number (raw; meaningful only with [`flags::ACK`]).
    pub ack: u32,
    /// TCP payload length in bytes (as far as the IP header says).
    pub payload_len: u32,
}

/// One captured TCP packet: where and when it was seen, and its segment. Small and `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpPacket {
    /// 1-based frame number (Wireshark's numbering).
    pub frame: u64,
    /// File offset of the frame's record.
    pub byte: u64,
    /// Capture time (UTC; the record's own precision: µs, ns, pcapng `if_tsresol`, NetMon
    /// 100 ns FILETIME or header start + µs offset).
    pub time: UtcTime,
    /// The decoded TCP/IP header facts.
    pub seg: TcpSegment,
}

/// What reading one capture gave (besides the TCP packets handed to the callback).
#[derive(Debug, Clone)]
pub struct CaptureRead {
    /// The container format read (pcap, pcapng or NetMon; gzip is transparent).
    pub format: Format,
    /// Every packet record read (TCP or not).
    pub packets: u64,
    /// Earliest timestamp of a timed packet (UTC; SPBs have none).
    pub first_time: Option<UtcTime>,
    /// Latest timestamp of a timed packet (UTC): the capture end used by the handshake model.
    pub last_time: Option<UtcTime>,
    /// What was skipped, each with its frame/byte locator.
    pub problems: Vec<Problem>,
    /// What was assumed where the file does not say (e.g. the zone of a NetMon 2.x start time),
    /// each with its byte locator: nothing was skipped, but the report warns (issue 20 §3).
    pub guesses: Vec<Problem>,
    /// Packets decoded down to a TCP header (each one went to the callback).
    pub tcp_packets: u64,
    /// IPv4/IPv6 fragments other than the first (their TCP header is elsewhere; not reassembled).
    pub non_first_fragments: u64,
    /// Host names the capture revealed (DNS/mDNS/LLMNR A/AAAA answers, NetBIOS name
    /// registrations and positive responses, DHCP host names; rules in the `names` module docs),
    /// in order of first appearance, one per (name case-folded, address, source) with the first
    /// frame that says so.
    pub names: Vec<RevealedName>,
    /// Name-service datagrams (matched by port) that could not be parsed, e.g. cut by the snap
    /// length or not the protocol the port suggests. Names read before the fault are kept. The
    /// first such datagram of each kind (DNS, NetBIOS, DHCP) is also a [`Problem`] at its frame
    /// giving the exact reason; the others are only counted here (a port match is a guess, so one
    /// problem per kind says enough without flooding the report).
    pub names_skipped: u64,
}

impl CaptureRead {
    /// An empty result for a capture of `format`.
    pub(super) fn new(format: Format) -> Self {
        CaptureRead {
            format,
            packets: 0,
            first_time: None,
            last_time: None,
            problems: Vec::new(),
            guesses: Vec::new(),
            tcp_packets: 0,
            non_first_fragments: 0,
            names: Vec::new(),
            names_skipped: 0,
        }
    }
}

/// Why a stream could not be read at all (no path yet: `read_capture` adds it).
#[derive(Debug)]
pub enum HeadError {
    /// Reading the first bytes failed (including a broken gzip header).
    Io(std::io::Error),
    /// Not a pcap/pcapng header, or a cut one.
    BadHeader {
        /// The format the magic number named (pcap when there was none).
        format: Format,
        /// What is wrong with the header, e.g. `file header cut`.
        reason: String,
    },
}
