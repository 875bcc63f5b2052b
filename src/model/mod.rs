//! The typed values that flow through the whole pipeline: UTC times, where a fact came from
//! ([`Locator`], [`SourceRef`]), what a parser skipped ([`Problem`]), the input [`Format`]s, and the
//! one timeline entry type ([`TimelineEntry`]) that ingest, analysis, correlation and the renderers
//! all share.

mod event;
mod finding;
mod settings;
mod severity;
mod time;

pub use event::{
    CONNECTION_FIELDS, EventLog, EventRecord, SECURITY_PROVIDER, SYSMON_PROVIDER,
    is_connection_event, is_wanted, may_be_wanted,
};
pub use finding::{ClockMethod, Confidence, FindingKind, VerdictSeverity};
pub use settings::{AlarmEndpoint, NamedTz, SettingError};
pub use severity::Severity;
pub use time::UtcTime;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// Where inside one input file a fact or a problem sits.
///
/// Rendered by `Display` (and in JSON) as a short human string, e.g. `record 4226`,
/// `frame 17 @ byte 0x1a0`, `line 12`, `chunk 3 @ byte 0x31000`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Locator {
    /// The whole file (e.g. a header problem).
    File,
    /// A byte offset from the start of the file.
    Byte(u64),
    /// An event-log record: the EventRecordID of the record header.
    Record(u64),
    /// An EVTX chunk (0-based) and the file offset of the problem.
    Chunk {
        /// 0-based chunk number (libyal EVTX §3: chunk n starts at 4096 + n·65536).
        chunk: u64,
        /// File offset, bytes.
        byte: u64,
    },
    /// A capture frame: 1-based frame number (as Wireshark counts) and its file offset.
    Frame {
        /// 1-based frame number.
        number: u64,
        /// File offset of the frame's record, bytes.
        byte: u64,
    },
    /// A capture frame by its 1-based number only.
    FrameNumber(u64),
    /// A 1-based text line.
    Line(u64),
    /// A netstat snapshot (1-based) starting at a 1-based line.
    Snapshot {
        /// 1-based snapshot number in the file.
        index: u64,
        /// 1-based line where it starts.
        line: u64,
    },
}

impl fmt::Display for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Locator::File => f.write_str("file"),
            Locator::Byte(b) => write!(f, "byte 0x{b:x}"),
            Locator::Record(r) => write!(f, "record {r}"),
            Locator::Chunk { chunk, byte } => write!(f, "chunk {chunk} @ byte 0x{byte:x}"),
            Locator::Frame { number, byte } => write!(f, "frame {number} @ byte 0x{byte:x}"),
            Locator::FrameNumber(n) => write!(f, "frame {n}"),
            Locator::Line(l) => write!(f, "line {l}"),
            Locator::Snapshot { index, line } => write!(f, "snapshot {index} @ line {line}"),
        }
    }
}

impl Serialize for Locator {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A string in one of the `Display` shapes of [`Locator`] (the `pattern`).
impl JsonSchema for Locator {
    fn schema_name() -> Cow<'static, str> {
        "Locator".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "Where in the file, e.g. `record 4226`, `frame 17 @ byte 0x1a0`, `line 12`.",
            "pattern": LOCATOR_PATTERN,
        })
    }
}

/// The regular expression every [`Locator`] `Display` text matches (its JSON Schema `pattern`).
pub const LOCATOR_PATTERN: &str = "^(file|byte 0x[0-9a-f]+|record [0-9]+|chunk [0-9]+ @ byte 0x[0-9a-f]+\
    |frame [0-9]+ @ byte 0x[0-9a-f]+|frame [0-9]+|line [0-9]+|snapshot [0-9]+ @ line [0-9]+)$";

/// Something a parser could not read and skipped, with where it was and why.
/// The rest of the file is kept; every `Problem` is counted in the input's `skipped`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Problem {
    /// Where in the file.
    pub locator: Locator,
    /// What was wrong and what was kept, in our words.
    pub reason: String,
    /// The parser crate's own message, when a crate reported it (JSON `detail`, left out when
    /// there is none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Characters of a problem's `reason` or `detail` at most: a reason may quote the input (a
/// netstat line that did not parse), and a 20 MB line must not become a 20 MB report entry.
pub const MAX_PROBLEM_TEXT: usize = 400;

/// `text` cut to [`MAX_PROBLEM_TEXT`] characters, saying how many were left out.
fn capped(text: String) -> String {
    match text.char_indices().nth(MAX_PROBLEM_TEXT) {
        None => text,
        Some((at, _)) => {
            let rest = text[at..].chars().count();
            format!("{}… ({rest} more characters)", &text[..at])
        }
    }
}

impl Problem {
    /// A problem at `locator` (`reason` cut to [`MAX_PROBLEM_TEXT`] characters).
    pub fn new(locator: Locator, reason: impl Into<String>) -> Self {
        Problem {
            locator,
            reason: capped(reason.into()),
            detail: None,
        }
    }

    /// This problem with the parser crate's message `detail` (cut like the reason).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(capped(detail.into()));
        self
    }

    /// The file offset this problem is at, when its locator gives one (bytes).
    pub fn byte(&self) -> Option<u64> {
        match self.locator {
            Locator::Byte(b) | Locator::Chunk { byte: b, .. } | Locator::Frame { byte: b, .. } => {
                Some(b)
            }
            _ => None,
        }
    }
}

/// The format of one input, recognised from its content (never its name).
/// Serialized in lowercase: `evtx`, `netstat`, `pcap`, `pcapng`, `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Format {
    /// Windows Vista+ binary XML event log (`ElfFile`).
    Evtx,
    /// Windows NT–2003 event log (`LfLe`), libyal's "Windows Event Log (EVT) format".
    Evt,
    /// Event Viewer / `wevtutil qe /f:xml` XML export.
    #[serde(rename = "event-xml")]
    EventXml,
    /// Event Viewer "Save All Events As" CSV/TXT text (Vista+ or XP layout).
    #[serde(rename = "event-csv")]
    EventCsv,
    /// Saved `netstat`/`ss` text (Windows, Linux, macOS, FreeBSD).
    Netstat,
    /// Legacy libpcap capture (`a1b2c3d4` in either byte order, µs or ns), maybe gzipped.
    Pcap,
    /// pcapng capture (Section Header Block `0a0d0d0a`), maybe gzipped.
    Pcapng,
    /// Microsoft Network Monitor 2.x capture (`GMBU`).
    Netmon,
    /// Windows Firewall log (`pfirewall.log`: XP ICF, XP SP2/SP3, Vista and later).
    Firewall,
    /// Nothing halfopen reads.
    Unknown,
}

impl Format {
    /// The name in reports and JSON (`evtx`, `event-xml`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Evtx => "evtx",
            Format::Evt => "evt",
            Format::EventXml => "event-xml",
            Format::EventCsv => "event-csv",
            Format::Netmon => "netmon",
            Format::Firewall => "firewall",
            Format::Netstat => "netstat",
            Format::Pcap => "pcap",
            Format::Pcapng => "pcapng",
            Format::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A file path and a locator inside it: where a timeline entry or a piece of evidence came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
pub struct SourceRef {
    /// The input file, as given or found under a given folder.
    #[serde(serialize_with = "ser_path")]
    #[schemars(with = "String")]
    pub path: Arc<Path>,
    /// Where inside it.
    pub locator: Locator,
}

fn ser_path<S: Serializer>(p: &Arc<Path>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&p.display())
}

/// What a timeline entry records. Serialized as [`EntryKind::as_str`] (e.g. `tcpip_4226`,
/// `syn_retransmission`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum EntryKind {
    /// Tcpip 4226: the half-open (concurrent connect attempt) limit was reached.
    Tcpip4226,
    /// Tcpip 4227: TIME_WAIT collision on an outgoing connect.
    Tcpip4227,
    /// Tcpip 4231: TCP ephemeral port space exhausted.
    Tcpip4231,
    /// Tcpip 4266: UDP ephemeral port space exhausted.
    Tcpip4266,
    /// EventLog 6005: the event log service started (boot).
    Boot,
    /// EventLog 6006: clean shutdown.
    Shutdown,
    /// EventLog 6008: the previous shutdown was unexpected.
    UnexpectedShutdown,
    /// A SYN retransmission seen in a capture.
    SynRetransmission,
    /// A connection attempt that was never answered (the sender gave up).
    ConnectUnanswered,
    /// A connection attempt refused with RST.
    ConnectRefused,
    /// The moment a host's concurrent half-open count reached the limit.
    HalfOpenLimitReached,
    /// A host's peak concurrent half-open count.
    HalfOpenPeak,
    /// A netstat snapshot (with its SYN_SENT count).
    NetstatSnapshot,
    /// An interval in which an alarm client had no working exchange with its provider: its
    /// start.
    AlarmGap,
    /// The end of an alarm gap: the client hears from its provider again (its reconnect).
    AlarmGapEnd,
    /// The end of a half-open limit episode: the host is below the limit again.
    HalfOpenLimitReleased,
    /// The end of any other finding that lasts (port exhaustion, TIME_WAIT collisions, …).
    FindingEnd,
    /// A connection an event log saw: Sysmon 3, Security 5156 (allowed) or 5157 (blocked).
    Connection,
}

impl EntryKind {
    /// Every kind, in declaration order (the words of its JSON Schema).
    pub const ALL: [EntryKind; 18] = [
        EntryKind::Tcpip4226,
        EntryKind::Tcpip4227,
        EntryKind::Tcpip4231,
        EntryKind::Tcpip4266,
        EntryKind::Boot,
        EntryKind::Shutdown,
        EntryKind::UnexpectedShutdown,
        EntryKind::SynRetransmission,
        EntryKind::ConnectUnanswered,
        EntryKind::ConnectRefused,
        EntryKind::HalfOpenLimitReached,
        EntryKind::HalfOpenPeak,
        EntryKind::NetstatSnapshot,
        EntryKind::AlarmGap,
        EntryKind::AlarmGapEnd,
        EntryKind::HalfOpenLimitReleased,
        EntryKind::FindingEnd,
        EntryKind::Connection,
    ];

    /// The machine name in JSON, JSONL and CSV (`tcpip_4226`, `syn_retransmission`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Tcpip4226 => "tcpip_4226",
            EntryKind::Tcpip4227 => "tcpip_4227",
            EntryKind::Tcpip4231 => "tcpip_4231",
            EntryKind::Tcpip4266 => "tcpip_4266",
            EntryKind::Boot => "boot",
            EntryKind::Shutdown => "shutdown",
            EntryKind::UnexpectedShutdown => "unexpected_shutdown",
            EntryKind::SynRetransmission => "syn_retransmission",
            EntryKind::ConnectUnanswered => "connect_unanswered",
            EntryKind::ConnectRefused => "connect_refused",
            EntryKind::HalfOpenLimitReached => "half_open_limit_reached",
            EntryKind::HalfOpenPeak => "half_open_peak",
            EntryKind::NetstatSnapshot => "netstat_snapshot",
            EntryKind::AlarmGap => "alarm_gap",
            EntryKind::AlarmGapEnd => "alarm_gap_end",
            EntryKind::HalfOpenLimitReleased => "half_open_limit_released",
            EntryKind::FindingEnd => "finding_end",
            EntryKind::Connection => "connection",
        }
    }
}

impl Serialize for EntryKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A string `enum` of the [`EntryKind::as_str`] words of [`EntryKind::ALL`].
impl JsonSchema for EntryKind {
    fn schema_name() -> Cow<'static, str> {
        "EntryKind".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        finding::word_schema(
            "What a timeline entry records.",
            EntryKind::ALL.iter().map(|k| k.as_str()),
        )
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of the timeline. The single type that flows from ingest through correlation to the
/// renderers. `time` is UTC; `host` is the correlated host name (or address) once known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TimelineEntry {
    /// When, UTC, on the common clock (the source's clock offset applied).
    pub time: UtcTime,
    /// The correlated host name (or address); `None` when no host is known.
    pub host: Option<String>,
    /// What happened.
    pub kind: EntryKind,
    /// One line for humans.
    pub message: String,
    /// The evidence: file and locator.
    pub source: SourceRef,
}

/// Where a netstat snapshot's time came from. Serialized as `file`, `option`, `mtime` or
/// `evidence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TimeSource {
    /// A time stamp line in the file itself (local time in `--event-tz` unless it has an offset).
    File,
    /// `--netstat-time`.
    Option,
    /// The file's modification time.
    Mtime,
    /// Placed by the evidence: the moment its SYN_SENT rows were all outstanding in a capture
    /// (`correlate::placing`), the file having no time of its own.
    Evidence,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_quoting_a_huge_line_is_cut_and_says_by_how_much() {
        let p = Problem::new(
            Locator::Line(5),
            format!("netstat row: {}", "é".repeat(20_000)),
        );
        // 13 characters of prefix + 387 of the line are kept; 19,613 are counted.
        let kept = format!("netstat row: {}", "é".repeat(387));
        assert_eq!(p.reason, format!("{kept}… (19613 more characters)"));
        assert_eq!(Problem::new(Locator::Line(1), "short").reason, "short");
    }

    #[test]
    fn kinds_and_locators_serialize_as_their_display_text() {
        let j = serde_json::to_string(&(
            EntryKind::Tcpip4226,
            Locator::Frame {
                number: 7,
                byte: 0x1a0,
            },
        ));
        assert_eq!(j.unwrap(), r#"["tcpip_4226","frame 7 @ byte 0x1a0"]"#);
        assert_eq!(
            serde_json::to_string(&Format::Pcapng).unwrap(),
            r#""pcapng""#
        );
    }
}
