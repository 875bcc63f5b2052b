//! Recognises an input's format from its first bytes, and a damaged file of a known format
//! from what is left of its structure ([`damaged`]).

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::ingest::bytes::le32;
use crate::model::Format;

/// How many leading bytes [`detect`] looks at.
pub const HEAD_LEN: usize = 8192;

/// The format of a file whose first bytes are `head`: EVTX by its `ElfFile\0` magic, EVT by
/// `LfLe` at byte 4, captures by their magic numbers, Event Viewer exports and netstat by their
/// first lines; else [`Format::Unknown`].
pub fn detect(head: &[u8]) -> Format {
    if head.starts_with(b"ElfFile\0") {
        return Format::Evtx;
    }
    if super::evt::has_evt_signature(head) {
        return Format::Evt;
    }
    if let Some(f) = super::capture::sniff(head) {
        return f;
    }
    if let Some(f) = super::export::sniff_export(head) {
        return f;
    }
    if super::firewall::looks_like_firewall(head) {
        return Format::Firewall;
    }
    if super::netstat::looks_like_netstat(head) {
        return Format::Netstat;
    }
    Format::Unknown
}

/// A file [`detect`] does not recognise but whose structure names a known format: what is
/// damaged, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// The format the rest of the structure names.
    pub format: Format,
    /// File offset of the damaged field, bytes.
    pub offset: u64,
    /// What is wrong, in a few words.
    pub reason: String,
}

/// Byte offset of the first EVTX chunk (libyal EVTX §2: the file header block is 4096 bytes).
const EVTX_FIRST_CHUNK: usize = 4096;

/// Whether a file that [`detect`] calls [`Format::Unknown`] is a damaged file of a known format:
/// a pcapng whose Section Header Block type is damaged but whose byte-order magic `1a2b3c4d`
/// (draft-ietf-opsawg-pcapng §4.1) is at byte 8; a pcap whose magic is damaged but whose version
/// 2.4 follows at byte 4; an EVTX whose `ElfFile\0` magic is damaged but whose first chunk
/// starts with `ElfChnk\0` at byte 4096. `None` for anything else.
pub fn damaged(head: &[u8]) -> Option<Damage> {
    let first = le32(head, 0).unwrap_or(0);
    let bom = head.get(8..12);
    if bom == Some([0x4d, 0x3c, 0x2b, 0x1a].as_slice())
        || bom == Some([0x1a, 0x2b, 0x3c, 0x4d].as_slice())
    {
        return Some(Damage {
            format: Format::Pcapng,
            offset: 0,
            reason: format!(
                "Section Header Block type is {first:#010x}, not 0x0a0d0d0a (byte-order magic \
                 intact at byte 8)"
            ),
        });
    }
    let version = head.get(4..8);
    if version == Some([2, 0, 4, 0].as_slice()) || version == Some([0, 2, 0, 4].as_slice()) {
        return Some(Damage {
            format: Format::Pcap,
            offset: 0,
            reason: format!(
                "magic number is {first:#010x}, not a pcap magic (version 2.4 intact at byte 4)"
            ),
        });
    }
    if head.get(EVTX_FIRST_CHUNK..EVTX_FIRST_CHUNK + 8) == Some(b"ElfChnk\0".as_slice()) {
        return Some(Damage {
            format: Format::Evtx,
            offset: 0,
            reason: "file header magic is not `ElfFile` (a chunk `ElfChnk` follows at byte 4096)"
                .to_string(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flipped_pcapng_block_type_is_a_damaged_pcapng() {
        let mut head = vec![
            0x0a, 0x0d, 0x0f, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a,
        ];
        head.resize(28, 0);
        assert_eq!(detect(&head), Format::Unknown);
        let d = damaged(&head).expect("damaged");
        assert_eq!(d.format, Format::Pcapng);
        assert_eq!(d.offset, 0);
    }

    #[test]
    fn random_text_is_not_damaged() {
        assert_eq!(damaged(b"hello world, nothing to see here"), None);
        assert_eq!(damaged(b""), None);
    }
}
