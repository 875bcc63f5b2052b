//! The one TCP packet builder of the unit tests in `analysis`, `correlate` and `ingest`: the
//! [`TcpPacket`]s a reader would hand over, and the [`SynthTcp`]s the capture writers take.

use crate::ingest::capture::{TcpPacket, TcpSegment};
use crate::model::UtcTime;
use halfopen_testgen::pcap::{SynthSegment, SynthTcp};
use std::net::SocketAddr;

/// Packet number `frame` (byte 0) at `time` on the connection between `client` and `server`
/// (`"ip:port"`), sent by the client when `from_client`, else by the server; `flags` and `seq`
/// as given, ack 0, no payload.
pub(crate) fn tcp(
    frame: u64,
    time: UtcTime,
    client: &str,
    server: &str,
    from_client: bool,
    flags: u8,
    seq: u32,
) -> TcpPacket {
    let (c, s): (SocketAddr, SocketAddr) = (client.parse().unwrap(), server.parse().unwrap());
    let (src, dst) = if from_client { (c, s) } else { (s, c) };
    TcpPacket {
        frame,
        byte: 0,
        time,
        seg: TcpSegment {
            src: src.ip(),
            dst: dst.ip(),
            sport: src.port(),
            dport: dst.port(),
            flags,
            seq,
            ack: 0,
            payload_len: 0,
        },
    }
}

/// `seg` at `time` as a packet for the capture writers of `halfopen_testgen::pcap`.
pub(crate) fn synth(time: UtcTime, seg: TcpSegment) -> SynthTcp {
    SynthTcp {
        unix_ns: time.unix_nanos(),
        seg: SynthSegment {
            src: seg.src,
            dst: seg.dst,
            sport: seg.sport,
            dport: seg.dport,
            flags: seg.flags,
            seq: seg.seq,
            ack: seg.ack,
            payload_len: seg.payload_len,
        },
    }
}
