//! The shape of a correlation result ([`Analysis`]) and its parts: what every renderer reads and
//! what the JSON report prints. Times are UTC on the common clock (after the clock offsets),
//! durations in seconds.

use crate::analysis::alarm::AlarmGap;
use crate::analysis::netstat_facts::{Culprit, NetstatSummary};
use crate::model::{
    ClockMethod, Confidence, EntryKind, FindingKind, Format, Problem, SourceRef, TimelineEntry,
    UtcTime, VerdictSeverity,
};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// The whole result of one run: what every renderer prints. Keys of the JSON contract:
/// `inputs`, `captures`, `netstat`, `hosts`, `findings`, `timeline` (more are added freely).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Analysis {
    /// The settings that shaped the result.
    pub settings: Settings,
    /// One entry per input file, in input order.
    pub inputs: Vec<InputSummary>,
    /// One entry per capture file, in input order.
    pub captures: Vec<CaptureSummary>,
    /// One entry per netstat snapshot, in input order.
    pub netstat: Vec<NetstatSummary>,
    /// One entry per merged host, sorted by name.
    pub hosts: Vec<HostSummary>,
    /// Every finding, sorted by (start, host, kind word).
    pub findings: Vec<Finding>,
    /// Every timeline entry, sorted by (time, source path, locator, kind).
    pub timeline: Vec<TimelineEntry>,
    /// Paths that could not be read at all (missing, unreadable, bad header).
    pub errors: Vec<InputError>,
    /// Alarm client gaps from every capture (`--alarm-provider`/`--alarm-client`).
    pub alarm_gaps: Vec<AlarmGap>,
    /// Seconds added to each source's raw times to put it on the common clock.
    pub clock_offsets: Vec<ClockOffset>,
    /// One line per host, the answer first (most severe first).
    pub verdicts: Vec<Verdict>,
    /// Things the reader must know about the run (e.g. local times read as UTC).
    pub warnings: Vec<String>,
    /// Connections seen by event logs (Sysmon 3, Security 5156/5157), by time.
    pub connections: Vec<ConnectionFact>,
    /// False when no input gave an event record, netstat snapshot or packet (nothing read,
    /// nothing parsed, or every input failed): the run's verdict is then "no evidence was
    /// recognised", never "nothing found", and `analyze` exits 4.
    pub evidence_recognised: bool,
}

/// The offset applied to one source. JSON: `{ "source", "offset_s", "anchors", "method" }`;
/// `offset_s` is what was added to the source's raw times (seconds).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClockOffset {
    /// The input path, as displayed.
    pub source: String,
    /// Seconds added to the source's raw times.
    pub offset_s: f64,
    /// How many anchor pairs support it (0 for `--clock-offset`).
    pub anchors: u32,
    /// How it was found (`option`, `reference`, `host_clock`, `half_open_limit_vs_4226`,
    /// `connections_vs_capture`, `none`).
    pub method: ClockMethod,
    /// The uncertainty of an estimate, seconds: the median absolute deviation of its anchors
    /// from `offset_s` (0 with fewer than two anchors, and for the other methods).
    pub spread_s: f64,
}

/// The one-line answer for a host.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Verdict {
    /// The host's display name.
    pub host: String,
    /// `critical` (limit reached), `warning`, `info`, `ok`.
    pub severity: VerdictSeverity,
    /// The story of its findings in one line (times UTC).
    pub text: String,
}

/// The settings that shaped the result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Settings {
    /// Concurrent half-open connects at which the limit bites.
    pub half_open_limit: u32,
    /// Seconds after the first SYN at which an unanswered connect is given up.
    pub give_up_s: f64,
    /// `--netstat-time` (UTC) when given.
    pub netstat_time: Option<UtcTime>,
    /// Seconds of client–provider silence that count as an alarm gap; present when alarm
    /// endpoints are given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap_s: Option<f64>,
    /// The alarm providers used (`ADDR` or `ADDR:PORT`, names resolved); omitted when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alarm_providers: Vec<String>,
    /// The alarm clients used; omitted when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alarm_clients: Vec<String>,
    /// The profile files the settings came from, site first; omitted when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<String>,
}

/// One file: `records` counts event records, netstat rows or packets; `skipped` = `problems.len()`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct InputSummary {
    /// The path, as displayed.
    pub path: String,
    /// The format recognised from its content.
    pub format: Format,
    /// Event records, netstat rows or packets read.
    pub records: u64,
    /// `problems.len()`.
    pub skipped: u64,
    /// What the parser skipped, with where and why.
    pub problems: Vec<Problem>,
    /// Set when the file could not be read at all.
    pub error: Option<String>,
    /// Event records recovered beyond what a normal parse gives (cut chunks, slack); included in
    /// `records`.
    pub recovered: u64,
    /// The zone local times were read in (Event Viewer exports), when the source is local time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// A path that failed as a whole, with the one-line message shown on stderr.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct InputError {
    /// The path, as displayed.
    pub path: String,
    /// The one-line message.
    pub error: String,
}

/// Handshake outcomes of a capture's connection attempts (`analysis::handshake::Outcome`).
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct HandshakeCounts {
    /// Answered by SYN-ACK.
    pub established: u64,
    /// Answered by RST.
    pub refused: u64,
    /// Never answered, given up.
    pub unanswered: u64,
    /// Still waiting at the capture end.
    pub open_at_end: u64,
}

/// Per-host half-open summary inside one capture (raw capture clock).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CaptureHost {
    /// The SYN sender.
    pub address: IpAddr,
    /// Most concurrent half-open outgoing connections.
    pub peak_half_open: u32,
    /// When the peak was first reached (UTC, capture clock).
    pub peak_half_open_at: Option<UtcTime>,
    /// When the count first reached the limit (UTC, capture clock).
    pub limit_reached_at: Option<UtcTime>,
    /// Seconds spent at or above the limit.
    pub seconds_at_limit: f64,
    /// Whether the capture shows the queued-connect fingerprint of the Windows limit (connects
    /// leaving only as slots free up; Tech Note 838).
    pub queued_connect_fingerprint: bool,
}

/// One capture's TCP counts (Wireshark's meanings: `tcp_syn` = SYN without ACK, incl. retransmissions).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CaptureSummary {
    /// The path, as displayed.
    pub path: String,
    /// `pcap`, `pcapng` or `netmon`.
    pub format: Format,
    /// Packets read.
    pub packets: u64,
    /// Time of the first packet (UTC, capture clock).
    pub first_packet: Option<UtcTime>,
    /// Time of the last packet (UTC, capture clock).
    pub last_packet: Option<UtcTime>,
    /// SYN without ACK, retransmissions included.
    pub tcp_syn: u64,
    /// SYNs repeating an earlier SYN (same 4-tuple and ISN; Wireshark `tcp.analysis.retransmission`,
    /// RFC 9293 §3.8.1, RFC 6298 timing).
    pub syn_retransmissions: u64,
    /// SYN with ACK.
    pub syn_ack: u64,
    /// Segments with RST.
    pub rst: u64,
    /// Outcomes of the connect attempts.
    pub handshakes: HandshakeCounts,
    /// One entry per SYN sender (but see `crowd_senders`).
    pub half_open: Vec<CaptureHost>,
    /// Earlier captures (input order) that hold some of the same connect attempts; those are
    /// counted once, from the earlier capture (same 4-tuple, ISN and first SYN within
    /// [`crate::correlate::OVERLAP_TOLERANCE_S`]). Empty for most captures.
    pub overlaps: Vec<super::overlap::CaptureOverlap>,
    /// SYN senders counted but not listed: a capture with more than
    /// [`crate::correlate::CROWD_SENDERS`] senders (a scan or flood) lists in `half_open` only
    /// those that came near the limit; the others are this count (0 for most captures).
    pub crowd_senders: u64,
}

/// One machine, merged across sources.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct HostSummary {
    /// Display name: its first name (first DNS label), else its lowest address.
    pub name: String,
    /// Its addresses, sorted.
    pub addresses: Vec<String>,
    /// Other names seen for it (FQDNs, netstat names).
    pub aliases: Vec<String>,
    /// Highest capture peak of concurrent half-open connections.
    pub peak_half_open: Option<u32>,
    /// When that peak was reached (UTC, common clock).
    pub peak_half_open_at: Option<UtcTime>,
    /// Seconds at or above the limit, summed over its captures.
    pub seconds_at_limit: f64,
    /// Most connect attempts (first SYNs) it sent in one second of a capture — the other way
    /// the vendor notes describe the problem ("many connects per second").
    pub peak_connects_per_s: Option<u32>,
    /// The start of that second (UTC, common clock).
    pub peak_connects_per_s_at: Option<UtcTime>,
    /// SYN retransmissions it sent, summed over its captures.
    pub syn_retransmissions: u64,
    /// Counts of the timeline events per id (`"4226"`, `"6005"`, …).
    pub events: BTreeMap<String, u64>,
    /// Most SYN_SENT rows in one netstat snapshot of this host.
    pub max_syn_sent: Option<u64>,
    /// How the identity was assembled: which source said which name or address.
    pub merged_from: Vec<String>,
    /// Whether any capture shows the queued-connect fingerprint of the Windows limit for it.
    pub queued_connect_fingerprint: bool,
    /// The half-open step series (time, count) of its captures, with `--series` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub half_open_series: Option<Vec<(UtcTime, u32)>>,
}

/// One piece of evidence: what, when, and where in which file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Evidence {
    /// The timeline kind it comes from.
    pub kind: EntryKind,
    /// UTC, common clock.
    pub time: UtcTime,
    /// The timeline message.
    pub message: String,
    /// File and locator.
    pub source: SourceRef,
}

/// A conclusion about a host with its evidence. `kind` is one of `half_open_limit`,
/// `limit_not_enforced`, `ephemeral_port_exhaustion`, `time_wait_collision`,
/// `alarm_client_gap`, `clock_offset` (rules in the `findings` module docs). `start`/`end` are
/// UTC on the common clock. The half-open fields are 0/empty for the other kinds; the optional
/// ones are present only for the kinds they describe.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Finding {
    /// What it is about.
    pub kind: FindingKind,
    /// The host it is about (the client for `alarm_client_gap`; empty for `clock_offset`).
    pub host: String,
    /// Start of its window (UTC, common clock).
    pub start: UtcTime,
    /// End of its window (UTC, common clock).
    pub end: UtcTime,
    /// One sentence.
    pub summary: String,
    /// `high`, `medium` or `low`.
    pub confidence: Confidence,
    /// The timeline entries and snapshots it rests on, by time.
    pub evidence: Vec<Evidence>,
    /// Events 4226 inside the window (`half_open_limit`).
    pub events_4226: u64,
    /// Highest capture peak of concurrent half-open connections.
    pub peak_half_open: Option<u32>,
    /// SYN retransmissions the host sent.
    pub syn_retransmissions: u64,
    /// PIDs by SYN_SENT rows in the worst netstat snapshot (Microsoft's Event 4226 advice).
    pub culprits: Vec<Culprit>,
    /// Destinations (`addr:port`) whose connect attempts were never answered.
    pub unanswered_destinations: Vec<String>,
    /// The fix, with its sources.
    pub resolution: &'static str,
    /// `alarm_client_gap`: the client address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// `alarm_client_gap`: the provider address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// `alarm_client_gap`: whether a half-open-limit window of the provider's host overlaps it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explained: Option<bool>,
    /// `alarm_client_gap`: its length in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    /// `alarm_client_gap`: its cause (`no_traffic`, `connect_failed`, `connect_retried`, `reset`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// `half_open_limit`: the processes the connection logs saw opening outbound TCP
    /// connections on the host around it, most connects first (empty without such logs).
    pub connecting_processes: Vec<ProcessConnects>,
    /// Its episodes, by start: one entry per `half_open_limit` episode of the host (signs more
    /// than an hour apart), one entry for the other kinds.
    pub episodes: Vec<Episode>,
    /// `clock_offset`: the source path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `clock_offset`: seconds added to its raw times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset_s: Option<f64>,
}

/// One episode of a finding. JSON (`findings[].episodes[]`): `{ "start", "end", "summary",
/// "confidence", "peak_half_open" }`, times UTC on the common clock.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Episode {
    /// Its first sign.
    pub start: UtcTime,
    /// Its last sign (equal to `start` for a single event).
    pub end: UtcTime,
    /// What happened in it, one sentence.
    pub summary: String,
    /// `high`, `medium` or `low`, as for a finding.
    pub confidence: Confidence,
    /// The capture peak of concurrent half-open connections inside it, if a capture covers it.
    pub peak_half_open: Option<u32>,
}

impl Episode {
    /// The one episode a finding is made of.
    pub(crate) fn of(f: &Finding) -> Episode {
        Episode {
            start: f.start,
            end: f.end,
            summary: f.summary.clone(),
            confidence: f.confidence,
            peak_half_open: f.peak_half_open,
        }
    }
}

/// One connection an event log or firewall log saw ([`crate::analysis::connections`],
/// [`crate::ingest::firewall`]). JSON
/// (`connections[]`): `{ "time", "host", "event", "pid", "image", "protocol", "src", "sport",
/// "dst", "dport", "direction", "allowed", "source": { "path", "locator" } }`; `time` UTC on the
/// common clock; `direction` is `outbound`, `inbound` or null.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ConnectionFact {
    /// When it was seen.
    pub time: UtcTime,
    /// The host whose log holds it (the record's `Computer`), if known.
    pub host: Option<String>,
    /// `sysmon_3`, `security_5156`, `security_5157`, or `firewall_` + the firewall log's
    /// action (`firewall_open`, `firewall_open_inbound`, `firewall_allow`, `firewall_drop`).
    pub event: String,
    /// Process id.
    pub pid: Option<u32>,
    /// Process image path, as the event gives it.
    pub image: Option<String>,
    /// `tcp`, `udp`, `icmp`, `icmpv6` or the protocol number.
    pub protocol: String,
    /// Source address.
    pub src: Option<String>,
    /// Source port.
    pub sport: Option<u16>,
    /// Destination address.
    pub dst: Option<String>,
    /// Destination port.
    pub dport: Option<u16>,
    /// `outbound`, `inbound`, or null when the event does not say.
    pub direction: Option<String>,
    /// False when the Windows Filtering Platform blocked it (5157).
    pub allowed: bool,
    /// The record it comes from.
    pub source: SourceRef,
}

/// A process and the outbound TCP connections the connection logs saw it open. JSON
/// (`findings[].connecting_processes[]`): `{ "pid", "image", "connects" }`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ProcessConnects {
    /// Process id, when the log gives it.
    pub pid: Option<u32>,
    /// Image path, when the log gives it.
    pub image: Option<String>,
    /// Outbound TCP connections seen (distinct 4-tuple and second).
    pub connects: u64,
    /// Most of them in one second (the vendor notes describe the problem as "many connects per
    /// second" as well as 10 outstanding; issue 19 §5).
    pub peak_connects_per_s: u64,
    /// The start of that second (UTC, common clock).
    pub peak_connects_per_s_at: Option<UtcTime>,
}
