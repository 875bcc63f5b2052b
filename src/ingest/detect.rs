//! Recognises an input's format from its first bytes.

use crate::model::Format;

/// How many leading bytes [`detect`] looks at.
pub const HEAD_LEN: usize = 8192;

/// The format of a file whose first bytes are `head`: EVTX by its `ElfFile\0` magic, EVT by
/// `LfLe`, captures by their magic numbers, Event Viewer exports and netstat by their first
/// lines; else [`Format::Unknown`].
pub fn detect(head: &[u8]) -> Format {
    if head.starts_with(b"ElfFile\0") {
        return Format::Evtx;
    }
    if super::evt::looks_like_evt(head) {
        return Format::Evt;
    }
    if let Some(f) = super::capture::sniff(head) {
        return f;
    }
    if let Some(f) = super::export::sniff_export(head) {
        return f;
    }
    if super::netstat::looks_like_netstat(head) {
        return Format::Netstat;
    }
    Format::Unknown
}
