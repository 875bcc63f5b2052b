//! Recognising a capture by its first bytes: the legacy pcap magics (tcpdump.org
//! `pcap-savefile(5)`, draft-ietf-opsawg-pcap §4: µs `a1b2c3d4`, ns `a1b23c4d`, Kuznetzov
//! `a1b2cd34`, each in both byte orders), the pcapng Section Header Block type `0a0d0d0a`
//! (draft-ietf-opsawg-pcapng §4.1), NetMon `GMBU`/`RTSS`, and a gzip stream (RFC 1952 §2.3.1:
//! `1f 8b`).

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::netmon;
use crate::ingest::bytes::le32;
use crate::model::Format;
use flate2::read::GzDecoder;
use std::io::Read;

/// pcapng Section Header Block type (draft-ietf-opsawg-pcapng §4.1), the first 4 bytes of a
/// pcapng file in either byte order.
const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// The format named by the magic number in the first 4 bytes of `head`.
pub(super) fn format_of_magic(head: &[u8]) -> Option<Format> {
    let m: [u8; 4] = crate::ingest::bytes::array(head, 0)?;
    if m == PCAPNG_MAGIC {
        return Some(Format::Pcapng);
    }
    if m == netmon::MAGIC_2X || m == netmon::MAGIC_1X {
        // 1.x is reported as an unsupported header when read.
        return Some(Format::Netmon);
    }
    match le32(&m, 0)? {
        0xa1b2_c3d4 | 0xd4c3_b2a1 | 0xa1b2_3c4d | 0x4d3c_b2a1 | 0xa1b2_cd34 | 0x34cd_b2a1 => {
            Some(Format::Pcap)
        }
        _ => None,
    }
}

/// True when `head` starts with the gzip member magic `1f 8b` (RFC 1952 §2.3.1).
pub(super) fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

/// The capture format if `head` (the first bytes of a file, ideally ≥ 4 KiB) starts like a
/// pcap (any of the six legacy magics), pcapng (SHB type `0a 0d 0d 0a`) or NetMon (`GMBU` 2.x;
/// `RTSS` 1.x, which reading then rejects as unsupported) file, or a gzip stream (`1f 8b`)
/// whose inflated start does. `None` otherwise.
pub fn sniff(head: &[u8]) -> Option<Format> {
    if is_gzip(head) {
        let mut inflated = [0u8; 4];
        let mut got = 0;
        let mut gz = GzDecoder::new(head);
        while let Some(rest) = inflated.get_mut(got..).filter(|r| !r.is_empty()) {
            match gz.read(rest) {
                Ok(0) | Err(_) => break,
                Ok(n) => got += n,
            }
        }
        return format_of_magic(inflated.get(..got).unwrap_or_default());
    }
    format_of_magic(head)
}

/// Reads until `buf` is full or the stream ends (retrying `Interrupted`); the bytes read.
pub(super) fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while let Some(rest) = buf.get_mut(got..).filter(|r| !r.is_empty()) {
        match r.read(rest) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}
