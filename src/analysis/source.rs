//! What one input file gave once read and analysed on its own: the boundary type between the
//! per-source work (ingest + analysis, run by `pipeline` in parallel) and `correlate`, which
//! joins the sources.

use super::alarm::AlarmGap;
use super::halfopen::HostHalfOpen;
use super::handshake::HandshakeReport;
use crate::ingest::IngestError;
use crate::ingest::capture::CaptureRead;
use crate::ingest::netstat::NetstatFile;
use crate::model::EventLog;
use crate::model::{Format, TimeSource, UtcTime};
use std::path::Path;
use std::sync::Arc;

/// A capture's packets and derived handshake facts.
#[derive(Debug, Clone)]
pub struct CaptureData {
    /// What the reader saw: packet counts, first/last time (UTC), problems, revealed names.
    pub read: CaptureRead,
    /// Connect attempts (SYN without ACK, as Wireshark counts), their outcomes and the SYN
    /// retransmissions ([`super::handshake`]).
    pub handshakes: HandshakeReport,
    /// Concurrent half-open attempts per sending host, with the queued-connect fingerprint
    /// ([`super::halfopen`]).
    pub half_open: Vec<HostHalfOpen>,
    /// Alarm client gaps (empty unless `--alarm-provider`/`--alarm-client` are given).
    pub alarm_gaps: Vec<AlarmGap>,
}

/// What one file gave, by format.
#[derive(Debug, Clone)]
pub enum InputData {
    /// An `.evtx`, `.evt` or Event Viewer export: every record, in file order.
    EventLog(EventLog),
    /// Saved netstat text: its snapshots and the UTC time given to each.
    Netstat {
        /// The parsed snapshots and what was skipped.
        file: NetstatFile,
        /// One (time, source) per snapshot, in the order of `file.snapshots`.
        times: Vec<(UtcTime, TimeSource)>,
    },
    /// A packet capture, read and tracked as it streamed.
    Capture(Box<CaptureData>),
    /// A Windows Firewall log: its lines and what was skipped.
    Firewall(crate::ingest::firewall::FirewallLog),
    /// Not a format halfopen reads (listed in the report and named in a warning, not an error).
    Unknown {
        /// The file's size in bytes (0: an empty file).
        size: u64,
    },
}

/// One input file: its path, format and data, or the error that made it unreadable.
#[derive(Debug)]
pub struct Input {
    /// The file, as given or found under a given folder.
    pub path: Arc<Path>,
    /// Recognised from its first bytes.
    pub format: Format,
    /// What it gave, or why it could not be read at all.
    pub data: Result<InputData, IngestError>,
}

impl Input {
    /// One line for `-v`: format, what was read and skipped (`evtx, 5009 records, 0 skipped`),
    /// or the error.
    pub fn describe(&self) -> String {
        let (what, n, skipped) = match &self.data {
            Err(e) => return format!("{}: {e}", self.format),
            Ok(InputData::EventLog(l)) => ("records", l.record_count(), l.problems.len()),
            Ok(InputData::Netstat { file, .. }) => (
                "snapshots",
                file.snapshots.len() as u64,
                file.problems.len(),
            ),
            Ok(InputData::Capture(c)) => ("packets", c.read.packets, c.read.problems.len()),
            Ok(InputData::Firewall(f)) => ("lines", f.entries.len() as u64, f.problems.len()),
            Ok(InputData::Unknown { size: 0 }) => return "empty file".to_string(),
            Ok(InputData::Unknown { size }) => {
                return format!("not a format halfopen reads ({size} bytes)");
            }
        };
        format!("{}, {n} {what}, {skipped} skipped", self.format)
    }
}
