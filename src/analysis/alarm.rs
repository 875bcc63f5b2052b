//! Alarm client gaps: intervals in which an alarm client had no working exchange with its
//! provider. (Filled in by the capture work.)

use crate::config::Config;
use crate::ingest::capture::TcpPacket;
use crate::model::UtcTime;
use serde::Serialize;
use std::net::IpAddr;

/// One interval without a working client–provider exchange. JSON (top-level `alarm_gaps`):
/// `{ "client", "provider", "start", "end", "seconds", "cause" }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlarmGap {
    /// The client address.
    pub client: IpAddr,
    /// The provider address.
    pub provider: IpAddr,
    /// UTC, capture clock.
    pub start: UtcTime,
    pub end: UtcTime,
    /// `end - start` in seconds.
    pub seconds: f64,
    /// Why: `no_traffic`, `connect_failed`, `connect_retried`, `reset`.
    pub cause: String,
    /// Frame number where the gap starts (evidence).
    pub frame: u64,
    /// The capture file (set by correlation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Streams a capture's TCP packets and finds alarm gaps for the configured endpoints.
#[derive(Debug, Default)]
pub struct AlarmTracker {}

impl AlarmTracker {
    /// A tracker for `config.alarm_providers` × `config.alarm_clients` and `config.gap_s`.
    pub fn new(_config: &Config) -> Self {
        AlarmTracker {}
    }

    /// Feeds one packet (capture order).
    pub fn push(&mut self, _p: &TcpPacket) {}

    /// The gaps, sorted by start then client; `capture_end` closes a gap still open at the end.
    pub fn finish(self, _capture_end: Option<UtcTime>) -> Vec<AlarmGap> {
        Vec::new()
    }
}
