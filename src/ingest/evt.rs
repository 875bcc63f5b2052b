//! Windows NT–2003 `.evt` event logs (XP/2003: exactly the systems with the half-open limit).
//!
//! Format: libyal's "Windows Event Log (EVT) format" notes. (Filled in by the event-log work.)

use super::IngestError;
use super::evtx::EventLog;
use crate::model::Format;
use std::path::Path;

/// Whether `head` starts with an EVT file header: size 0x30 and the `LfLe` signature at offset 4.
pub fn looks_like_evt(head: &[u8]) -> bool {
    head.len() >= 8 && head[0..4] == [0x30, 0, 0, 0] && &head[4..8] == b"LfLe"
}

/// Reads every record of an `.evt` file.
///
/// Errors: [`IngestError::Io`] when the file cannot be read, [`IngestError::BadHeader`] when it
/// has no EVT header.
pub fn read_evt(path: &Path) -> Result<EventLog, IngestError> {
    Err(IngestError::BadHeader {
        path: path.to_path_buf(),
        format: Format::Evt,
        reason: "the .evt reader is not built yet".into(),
    })
}
