//! Windows XML Event Log (`.evtx`) via the `evtx` crate. (Helper A fills this in.)

use crate::model::{Problem, UtcTime};
use std::path::Path;

use super::IngestError;

/// The System fields of one event record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// Record-header EventRecordID (what `evtx_dump` prints as `Record N`).
    pub record_id: u64,
    /// `<EventRecordID>` from the System XML, when present (differs in exported logs).
    pub event_record_id: Option<u64>,
    /// `<Provider Name=…>`, e.g. `Tcpip`, `EventLog`.
    pub provider: String,
    /// Low 16 bits of the event id (what Event Viewer shows).
    pub event_id: u16,
    /// `<EventID Qualifiers=…>` for classic providers (Tcpip: 32768).
    pub qualifiers: Option<u16>,
    /// `<Level>`: 1 critical, 2 error, 3 warning, 4 information.
    pub level: Option<u8>,
    /// `<TimeCreated SystemTime=…>` (UTC, 100 ns), else the record header's written time.
    pub time: UtcTime,
    pub computer: String,
    pub channel: String,
    /// The unnamed `<Data>` strings of `<EventData>`, in order (message inserts).
    pub data: Vec<String>,
}

/// What one `.evtx` file gave.
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    pub records: Vec<EventRecord>,
    pub problems: Vec<Problem>,
}

/// Reads every record of an `.evtx` file with `threads` worker threads (0 = all cores).
///
/// Errors: [`IngestError::Io`] when the file cannot be read, [`IngestError::BadHeader`] when
/// it has no EVTX file header. Records that fail to parse become [`Problem`]s.
pub fn read_evtx(path: &Path, threads: usize) -> Result<EventLog, IngestError> {
    let _ = (path, threads);
    Ok(EventLog::default())
}
