//! Packet captures (pcap, pcapng), streamed. (Helper C fills this in.)

use crate::model::{Format, Problem, UtcTime};
use std::net::IpAddr;
use std::path::Path;

use super::IngestError;

/// TCP header flags (RFC 9293 §3.1).
pub mod flags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
}

/// The TCP facts of one captured packet, borrowed from nothing: small and `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpPacket {
    /// 1-based frame number (Wireshark's numbering).
    pub frame: u64,
    /// File offset of the frame's record.
    pub byte: u64,
    pub time: UtcTime,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    pub flags: u8,
    pub seq: u32,
    pub ack: u32,
    /// TCP payload length in bytes (as far as the IP header says).
    pub payload_len: u32,
}

/// What reading one capture gave (besides the TCP packets handed to the callback).
#[derive(Debug, Clone)]
pub struct CaptureRead {
    pub format: Format,
    /// Every packet record read (TCP or not).
    pub packets: u64,
    pub first_time: Option<UtcTime>,
    pub last_time: Option<UtcTime>,
    pub problems: Vec<Problem>,
}

/// True if `head` starts like a pcap or pcapng file (or a gzip of one).
pub fn sniff(head: &[u8]) -> Option<Format> {
    let _ = head;
    None
}

/// Streams a capture, calling `on_tcp` for each TCP packet in file order.
///
/// Errors: [`IngestError::Io`] when unreadable; [`IngestError::BadHeader`] when the file header
/// cannot be read. A cut or corrupt packet ends or skips with a [`Problem`] (byte offset, reason).
pub fn read_capture(
    path: &Path,
    on_tcp: &mut dyn FnMut(&TcpPacket),
) -> Result<CaptureRead, IngestError> {
    let _ = (path, on_tcp);
    Err(IngestError::BadHeader {
        path: path.to_path_buf(),
        format: Format::Pcap,
        reason: "not implemented".into(),
    })
}
