//! Recognises an input's format from its first bytes.

use crate::model::Format;

/// How many leading bytes [`detect`] looks at.
pub const HEAD_LEN: usize = 8192;

/// The format of a file whose first bytes are `head`: EVTX by its `ElfFile\0` magic, captures
/// by their magic numbers, netstat by its first lines; else [`Format::Unknown`].
pub fn detect(head: &[u8]) -> Format {
    if head.starts_with(b"ElfFile\0") {
        return Format::Evtx;
    }
    if let Some(f) = super::capture::sniff(head) {
        return f;
    }
    if super::netstat::looks_like_netstat(head) {
        return Format::Netstat;
    }
    Format::Unknown
}
