//! One event-log record and one event-log file's worth of them: the shape shared by the `.evtx`
//! reader (MS-EVEN6 / libyal "Windows XML Event Log (EVTX) format"), the legacy `.evt` reader
//! (MS-EVEN `EVENTLOGRECORD`, libyal "Windows Event Log (EVT) format") and the Event Viewer
//! XML/CSV/TXT export readers, and consumed by analysis and correlation.

use super::{Problem, UtcTime};

/// The System fields of one event record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// Record-header EventRecordID (what `evtx_dump` prints as `Record N`).
    pub record_id: u64,
    /// `<EventRecordID>` from the System XML, when present (differs in exported logs).
    pub event_record_id: Option<u64>,
    /// `<Provider Name=…>`, e.g. `Tcpip`, `EventLog`. Empty when missing.
    pub provider: String,
    /// Low 16 bits of the event id (what Event Viewer shows).
    pub event_id: u16,
    /// `<EventID Qualifiers=…>` for classic providers (Tcpip: 32768). When a file stores the
    /// full 32-bit classic id in `<EventID>` without Qualifiers, its high 16 bits land here.
    pub qualifiers: Option<u16>,
    /// `<Level>`: 0 log always (audit events), 1 critical, 2 error, 3 warning, 4 information.
    /// For `.evt` records, mapped from the EventType by `crate::ingest::evt::level_of` (the MS-EVEN EVENTLOGRECORD EventType).
    pub level: Option<u8>,
    /// `<Task>` (the task category; 0 = None for classic providers).
    pub task: Option<u16>,
    /// `<Keywords>` bit mask (0x80000000000000 = Classic).
    pub keywords: Option<u64>,
    /// `<TimeCreated SystemTime=…>` (UTC, 100 ns), else the record header's written time, else
    /// (neither present) the earliest representable instant, 1677-09-21 (FILETIME 0 clamped).
    pub time: UtcTime,
    /// The record header's written time (FILETIME, UTC, 100 ns); `None` when it is 0 (unset:
    /// seen in an exported log, Zerologon sample record 2) or outside 1677–2262, which
    /// [`UtcTime`] cannot hold.
    pub written: Option<UtcTime>,
    /// `<Computer>`. Empty when missing.
    pub computer: String,
    /// `<Channel>`, e.g. `System`. Empty when missing.
    pub channel: String,
    /// The unnamed `<Data>` strings of `<EventData>`, in order (message inserts).
    pub data: Vec<String>,
    /// The named `<Data Name="…">` values of `<EventData>` as (name, text), kept only for the
    /// connection events ([`is_connection_event`]: Sysmon 3, Security 5156/5157); empty
    /// for every other record, so that memory does not grow with them.
    pub named: Vec<(String, String)>,
    /// `<EventData><Binary>` decoded from hex (classic providers' raw data, e.g. the 40-byte
    /// IO_ERROR_LOG_PACKET of Tcpip 4226).
    pub binary: Option<Vec<u8>>,
    /// Read from a place a normal parse does not reach: for `.evtx`, the partial last chunk of
    /// a file cut inside a chunk (see `crate::ingest::evtx`); for `.evt`, false (every record found
    /// is a normal one). Such records are also in [`EventLog::records`].
    pub recovered: bool,
}

/// What one event log file gave (`.evtx`, `.evt` or an Event Viewer export): the records in
/// file order and what was skipped.
///
/// Memory (issue 17 §2): a reader may keep only the records some rule of halfopen reads
/// ([`is_wanted`], plus recovered ones) and count the rest in [`EventLog::counted`], keeping
/// only their `<Computer>` names; [`EventLog::record_count`] is then still the number of
/// records read. The `.evtx` reader does so for `analyze` (`Keep::Wanted`).
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    /// The records in file order (for wrapped `.evt` and `.evtx` logs: oldest first): every
    /// record read, or, when the reader counted the others, only those [`is_wanted`] and the
    /// recovered ones.
    pub records: Vec<EventRecord>,
    /// Records read but not kept: counted only (no rule of halfopen reads them).
    pub counted: u64,
    /// The distinct `<Computer>` names of the counted records (the kept ones carry theirs).
    pub computers: std::collections::BTreeSet<String>,
    /// What was skipped: unreadable records, cut chunks, unparseable export lines, each with
    /// its [`crate::model::Locator`] and reason.
    pub problems: Vec<Problem>,
    /// The time zone in which local times were read (Event Viewer text/XML exports that carry
    /// local time, from `--event-tz`); `None` when the source stores UTC (evtx, evt).
    pub time_zone: Option<String>,
}

impl EventLog {
    /// Records read: those kept plus those only [`EventLog::counted`].
    pub fn record_count(&self) -> u64 {
        (self.records.len() as u64).saturating_add(self.counted)
    }

    /// Every distinct non-empty `<Computer>` name the log's records carry, kept or counted.
    pub fn computer_names(&self) -> std::collections::BTreeSet<&str> {
        self.records
            .iter()
            .map(|r| r.computer.as_str())
            .chain(self.computers.iter().map(String::as_str))
            .filter(|c| !c.is_empty())
            .collect()
    }

    /// Counts instead of keeping the records for which `keep` is false and that are not
    /// recovered (the report counts those): each adds 1 to [`EventLog::counted`] and its
    /// `<Computer>` to [`EventLog::computers`]. Order of the kept records is unchanged.
    pub fn count_unless(&mut self, keep: impl Fn(&EventRecord) -> bool) {
        let mut counted = 0u64;
        let computers = &mut self.computers;
        self.records.retain(|r| {
            if r.recovered || keep(r) {
                return true;
            }
            counted += 1;
            if !r.computer.is_empty() && !computers.contains(&r.computer) {
                computers.insert(r.computer.clone());
            }
            false
        });
        self.counted = self.counted.saturating_add(counted);
    }

    /// Adds what `other` (a later part of the same file) read: its records after these.
    pub fn append(&mut self, other: EventLog) {
        self.records.extend(other.records);
        self.problems.extend(other.problems);
        self.counted = self.counted.saturating_add(other.counted);
        self.computers.extend(other.computers);
    }
}

/// True for the records some rule of halfopen reads: the timeline's Tcpip 4226/4227/4231/4266
/// (netevent.h, KB969710) and EventLog 6005/6006/6008 events (`analysis::events`), and the
/// connection events ([`is_connection_event`]). Provider names compare case-insensitively.
/// Every other record is only counted (issue 17: a 350,000-record System log holds a few
/// hundred of these).
pub fn is_wanted(provider: &str, event_id: u16) -> bool {
    (matches!(event_id, 4226 | 4227 | 4231 | 4266) && provider.eq_ignore_ascii_case("Tcpip"))
        || (matches!(event_id, 6005 | 6006 | 6008) && provider.eq_ignore_ascii_case("EventLog"))
        || is_connection_event(provider, event_id)
}

/// False when no provider makes Event `event_id` one [`is_wanted`] keeps: the fast path then
/// never decodes the provider name (issue 17: most records of a System log stop here).
pub fn may_be_wanted(event_id: u16) -> bool {
    matches!(
        event_id,
        3 | 4226 | 4227 | 4231 | 4266 | 5156 | 5157 | 6005 | 6006 | 6008
    )
}

/// Sysmon's provider name (Event 3: network connection detected).
pub const SYSMON_PROVIDER: &str = "Microsoft-Windows-Sysmon";
/// The Security log's provider (Events 5156/5157: the Windows Filtering Platform permitted /
/// blocked a connection).
pub const SECURITY_PROVIDER: &str = "Microsoft-Windows-Security-Auditing";

/// The `<Data Name="…">` fields of the connection events that `analysis::connections` reads:
/// the only named EventData values an event-log reader needs to keep.
pub const CONNECTION_FIELDS: &[&str] = &[
    "UtcTime",
    "ProcessId",
    "ProcessID",
    "Image",
    "Application",
    "Protocol",
    "Initiated",
    "Direction",
    "SourceIp",
    "SourcePort",
    "DestinationIp",
    "DestinationPort",
    "SourceAddress",
    "DestAddress",
    "DestPort",
];

/// True for the event records that describe one network connection: Sysmon 3 (Sysmon's
/// event schema, "NetworkConnect") and Security 5156 / 5157 (Microsoft's audit event reference,
/// "The Windows Filtering Platform has permitted / blocked a connection"). Provider names
/// compare case-insensitively. Security 5158 (a bind) and 5152 (a dropped packet) are not.
pub fn is_connection_event(provider: &str, event_id: u16) -> bool {
    (event_id == 3 && provider.eq_ignore_ascii_case(SYSMON_PROVIDER))
        || (matches!(event_id, 5156 | 5157) && provider.eq_ignore_ascii_case(SECURITY_PROVIDER))
}
