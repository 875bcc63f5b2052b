//! Event Viewer exports: XML (`wevtutil qe /f:xml`, "Save as XML") and the text of "Save All
//! Events As" CSV/TXT (Vista+ and XP layouts). They carry local time, read in `--event-tz`.
//! (Filled in by the event-log work.)

use super::IngestError;
use super::evtx::EventLog;
use crate::config::NamedTz;
use crate::model::Format;
use std::path::Path;

/// [`Format::EventXml`] or [`Format::EventCsv`] when `head` looks like an Event Viewer export.
pub fn sniff_export(_head: &[u8]) -> Option<Format> {
    None
}

/// Reads an export of `format` ([`Format::EventXml`] or [`Format::EventCsv`]); local times are
/// read in `tz` (UTC when `None`; `EventLog::time_zone` says which zone was used).
pub fn read_event_export(
    path: &Path,
    format: Format,
    _tz: Option<&NamedTz>,
) -> Result<EventLog, IngestError> {
    Err(IngestError::BadHeader {
        path: path.to_path_buf(),
        format,
        reason: "the export reader is not built yet".into(),
    })
}
