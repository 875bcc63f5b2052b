//! A minimal EVTX writer. (Helper A fills this in.)

use crate::model::UtcTime;

/// One event to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSpec {
    pub record_id: u64,
    /// TimeCreated (also used as the record header's written time).
    pub time: UtcTime,
    pub provider: String,
    pub event_id: u16,
    pub qualifiers: Option<u16>,
    pub level: u8,
    pub task: u16,
    pub keywords: u64,
    pub computer: String,
    pub channel: String,
    pub data: Vec<String>,
    pub binary: Option<Vec<u8>>,
}

/// Writes a complete `.evtx` file image holding `events` in order.
pub fn write_evtx(events: &[EventSpec]) -> Vec<u8> {
    let _ = events;
    Vec::new()
}
