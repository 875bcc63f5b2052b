//! Correlation v1: joins every source on one UTC clock, merges host identities across sources,
//! and derives the `half_open_limit` findings with their evidence.
//!
//! Hosts are matched by what the sources tell: an event log's `Computer`, the local names and
//! addresses of one netstat file (one file = one machine), the SYN senders of a capture, and
//! `--host NAME=IP`. Names match case-insensitively on their first DNS label
//! (`WS-ALARM01.plant.local` = `ws-alarm01`).
//!
//! The timeline is sorted by (time, source path, locator), so the order is the same whatever the
//! thread count.

use crate::analysis::alarm::AlarmGap;
use crate::analysis::events::classify_record;
use crate::analysis::handshake::Outcome;
mod clock;
mod findings;
mod hosts;

pub use crate::analysis::netstat_facts::{Culprit, NetstatSummary};
use crate::analysis::netstat_facts::{netstat_message, netstat_summary, top_pids};
use crate::config::Config;
use crate::ingest::IngestError;
use crate::ingest::capture::NameSource;
use crate::model::{EntryKind, Format, Locator, Problem, SourceRef, TimelineEntry, UtcTime};
use crate::pipeline::{CaptureData, Input, InputData};
use clock::Clocks;
pub use clock::{FLAG_OFFSET_S, MAX_ANCHOR_S};
use findings::{findings, verdicts};
use hosts::{HostRegistry, Hosts, loopback_key, netstat_identity};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

/// The whole result of one run: what every renderer prints. Keys of the JSON contract:
/// `inputs`, `captures`, `netstat`, `hosts`, `findings`, `timeline` (more are added freely).
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub settings: Settings,
    pub inputs: Vec<InputSummary>,
    pub captures: Vec<CaptureSummary>,
    pub netstat: Vec<NetstatSummary>,
    pub hosts: Vec<HostSummary>,
    pub findings: Vec<Finding>,
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
}

/// The offset applied to one source. JSON: `{ "source", "offset_s", "anchors", "method" }`;
/// `offset_s` is what was added to the source's raw times (seconds).
#[derive(Debug, Clone, Serialize)]
pub struct ClockOffset {
    pub source: String,
    pub offset_s: f64,
    /// How many anchor pairs support it (0 for `--clock-offset`).
    pub anchors: u32,
    /// `option`, `half_open_limit_vs_4226`, `boot_vs_first_traffic`, `ntp`, `none`.
    pub method: String,
}

/// The one-line answer for a host.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub host: String,
    /// `critical` (limit reached), `warning`, `info`, `ok`.
    pub severity: String,
    pub text: String,
}

/// The settings that shaped the result.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub half_open_limit: u32,
    pub give_up_s: f64,
    pub netstat_time: Option<UtcTime>,
}

/// One file: `records` counts event records, netstat rows or packets; `skipped` = `problems.len()`.
#[derive(Debug, Clone, Serialize)]
pub struct InputSummary {
    pub path: String,
    pub format: Format,
    pub records: u64,
    pub skipped: u64,
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
#[derive(Debug, Clone, Serialize)]
pub struct InputError {
    pub path: String,
    pub error: String,
}

/// Handshake outcomes of a capture's connection attempts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HandshakeCounts {
    pub established: u64,
    pub refused: u64,
    pub unanswered: u64,
    pub open_at_end: u64,
}

/// Per-host half-open summary inside one capture.
#[derive(Debug, Clone, Serialize)]
pub struct CaptureHost {
    pub address: IpAddr,
    pub peak_half_open: u32,
    pub peak_half_open_at: Option<UtcTime>,
    pub limit_reached_at: Option<UtcTime>,
    pub seconds_at_limit: f64,
    pub queued_connect_fingerprint: bool,
}

/// One capture's TCP counts (Wireshark's meanings: `tcp_syn` = SYN without ACK, incl. retransmissions).
#[derive(Debug, Clone, Serialize)]
pub struct CaptureSummary {
    pub path: String,
    pub format: Format,
    pub packets: u64,
    pub first_packet: Option<UtcTime>,
    pub last_packet: Option<UtcTime>,
    pub tcp_syn: u64,
    pub syn_retransmissions: u64,
    pub syn_ack: u64,
    pub rst: u64,
    pub handshakes: HandshakeCounts,
    pub half_open: Vec<CaptureHost>,
}

/// One machine, merged across sources.
#[derive(Debug, Clone, Serialize)]
pub struct HostSummary {
    pub name: String,
    pub addresses: Vec<String>,
    /// Other names seen for it (FQDNs, netstat names).
    pub aliases: Vec<String>,
    pub peak_half_open: Option<u32>,
    pub peak_half_open_at: Option<UtcTime>,
    pub seconds_at_limit: f64,
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
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub kind: EntryKind,
    pub time: UtcTime,
    pub message: String,
    pub source: SourceRef,
}

/// A conclusion about a host with its evidence. `kind` is one of `half_open_limit`,
/// `limit_not_enforced`, `ephemeral_port_exhaustion`, `time_wait_collision`,
/// `alarm_client_gap`, `clock_offset` (rules in the `findings` module docs). `start`/`end` are
/// UTC on the common clock. The half-open fields are 0/empty for the other kinds; the optional
/// ones are present only for the kinds they describe.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub kind: &'static str,
    /// The host it is about (the client for `alarm_client_gap`; empty for `clock_offset`).
    pub host: String,
    pub start: UtcTime,
    pub end: UtcTime,
    pub summary: String,
    /// `high`, `medium` or `low`.
    pub confidence: &'static str,
    pub evidence: Vec<Evidence>,
    pub events_4226: u64,
    pub peak_half_open: Option<u32>,
    pub syn_retransmissions: u64,
    pub culprits: Vec<Culprit>,
    /// Destinations (`addr:port`) whose connect attempts were never answered.
    pub unanswered_destinations: Vec<String>,
    /// The fix, with its sources.
    pub resolution: &'static str,
    /// `alarm_client_gap`: the client and provider addresses, whether a half-open-limit window
    /// of the provider's host overlaps it, its length in seconds and its cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explained: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// `clock_offset`: the source and its offset (seconds added to its raw times).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset_s: Option<f64>,
}

/// Resolution text of `half_open_limit` (Tech Note 838; KB969710; Microsoft's Event 4226 advice).
pub const HALF_OPEN_RESOLUTION: &str = "Run the alarm provider on a server OS (no half-open limit), or remove the limit \
(Vista SP2/7: EnableConnectionRateLimiting under HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters, KB969710); \
and find the process with many SYN_SENT connections (netstat -no) and stop what it is doing (Microsoft's Event 4226 advice; Tech Note 838).";

/// Joins the inputs into one [`Analysis`].
pub fn correlate(inputs: &[Input], list_errors: &[IngestError], config: &Config) -> Analysis {
    let mut hosts = HostRegistry::default();
    for (name, ip) in &config.hosts {
        hosts.add_group(
            std::slice::from_ref(name),
            &[*ip],
            &format!("--host {name}={ip}"),
        );
    }
    for input in inputs {
        match &input.data {
            Ok(InputData::EventLog(log)) => {
                let computers: BTreeSet<&str> = log
                    .records
                    .iter()
                    .map(|r| r.computer.as_str())
                    .filter(|c| !c.is_empty())
                    .collect();
                for c in computers {
                    let what = format!("event log {} Computer {c}", input.path.display());
                    hosts.add_group(&[c.to_string()], &[], &what);
                }
            }
            Ok(InputData::Netstat { file, .. }) => {
                let (names, addrs) = netstat_identity(file);
                if !names.is_empty() || !addrs.is_empty() {
                    let what = format!("netstat {} local addresses", input.path.display());
                    hosts.add_group(&names, &addrs, &what);
                }
            }
            Ok(InputData::Capture(c)) => {
                for h in &c.half_open {
                    let what = format!("capture {} SYN sender", input.path.display());
                    if h.host.is_loopback() {
                        // Loopback is every machine's own: never merge it across captures.
                        let key = loopback_key(h.host, &input.path);
                        hosts.add_group(&[key], &[], &what);
                    } else {
                        hosts.add_group(&[], &[h.host], &what);
                    }
                }
            }
            _ => {}
        }
    }
    // Names a capture reveals join hosts the other sources already know: DNS/mDNS/LLMNR answers
    // only by address (a resolver's answers name far servers, and their first DNS label is not an
    // identity), NetBIOS registrations and DHCP host names by address or name. They never make
    // a host of their own.
    for input in inputs {
        let Ok(InputData::Capture(c)) = &input.data else {
            continue;
        };
        for n in &c.read.names {
            let (known, how) = match n.how {
                NameSource::Dns => (hosts.knows_addr(n.address), "DNS answer"),
                NameSource::Netbios => (
                    hosts.knows_addr(n.address) || hosts.knows_name(&n.name),
                    "NetBIOS name",
                ),
                NameSource::Dhcp => (
                    hosts.knows_addr(n.address) || hosts.knows_name(&n.name),
                    "DHCP host name",
                ),
            };
            if known && !n.address.is_unspecified() {
                let what = format!(
                    "capture {} {how} {} = {} (frame {})",
                    input.path.display(),
                    n.name,
                    n.address,
                    n.frame
                );
                hosts.add_group(std::slice::from_ref(&n.name), &[n.address], &what);
            }
        }
    }
    let hosts = hosts.finish();

    let mut a = Analysis {
        settings: Settings {
            half_open_limit: config.half_open_limit,
            give_up_s: config.give_up_s,
            netstat_time: config.netstat_time,
        },
        inputs: Vec::new(),
        captures: Vec::new(),
        netstat: Vec::new(),
        hosts: Vec::new(),
        findings: Vec::new(),
        timeline: Vec::new(),
        alarm_gaps: Vec::new(),
        clock_offsets: Vec::new(),
        verdicts: Vec::new(),
        warnings: Vec::new(),
        errors: list_errors
            .iter()
            .map(|e| InputError {
                path: error_path(e),
                error: e.to_string(),
            })
            .collect(),
    };

    for input in inputs {
        let path_s = input.path.display().to_string();
        let mut recovered = 0;
        let mut time_zone = None;
        let (records, problems, error) = match &input.data {
            Err(e) => {
                a.errors.push(InputError {
                    path: path_s.clone(),
                    error: e.to_string(),
                });
                (0, Vec::new(), Some(e.to_string()))
            }
            Ok(InputData::EventLog(log)) => {
                event_log_entries(&input.path, log, &hosts, &mut a.timeline);
                recovered = log.records.iter().filter(|r| r.recovered).count() as u64;
                time_zone = log.time_zone.clone();
                // XML exports carry UTC (SystemTime); only the text exports are local time.
                if input.format == Format::EventCsv && config.event_tz.is_none() {
                    a.warnings.push(format!(
                        "{path_s}: local times read as UTC (no --event-tz given)"
                    ));
                }
                (log.records.len() as u64, log.problems.clone(), None)
            }
            Ok(InputData::Netstat { file, times }) => {
                let host = hosts.host_of_netstat(file);
                for (s, &(time, time_source)) in file.snapshots.iter().zip(times) {
                    let summary =
                        netstat_summary(&path_s, s, time, time_source, host.clone(), config);
                    a.timeline.push(TimelineEntry {
                        time,
                        host: host.clone(),
                        kind: EntryKind::NetstatSnapshot,
                        message: netstat_message(&summary),
                        source: SourceRef {
                            path: input.path.clone(),
                            locator: Locator::Snapshot {
                                index: s.index,
                                line: s.line,
                            },
                        },
                    });
                    a.netstat.push(summary);
                }
                let rows = file.snapshots.iter().map(|s| s.rows.len() as u64).sum();
                (rows, file.problems.clone(), None)
            }
            Ok(InputData::Capture(c)) => {
                capture_entries(&input.path, c, &hosts, config, &mut a.timeline);
                a.captures.push(capture_summary(&path_s, input.format, c));
                a.alarm_gaps.extend(c.alarm_gaps.iter().map(|g| {
                    let mut g = g.clone();
                    g.path = Some(path_s.clone());
                    g
                }));
                (c.read.packets, c.read.problems.clone(), None)
            }
            Ok(InputData::Unknown) => (0, Vec::new(), None),
        };
        a.inputs.push(InputSummary {
            path: path_s,
            format: input.format,
            records,
            skipped: problems.len() as u64,
            problems,
            error,
            recovered,
            time_zone,
        });
    }
    let clocks = clock::estimate(inputs, &hosts, &a.timeline, config);
    for e in &mut a.timeline {
        e.time = clocks.shift(&e.source.path, e.time);
    }
    for n in &mut a.netstat {
        n.time = clocks.shift(Path::new(&n.path), n.time);
    }
    for g in &mut a.alarm_gaps {
        if let Some(p) = &g.path {
            g.start = clocks.shift(Path::new(p), g.start);
            g.end = clocks.shift(Path::new(p), g.end);
        }
    }
    a.clock_offsets = clocks.list.clone();
    a.timeline.sort_by(|x, y| {
        (x.time, &x.source.path, &x.source.locator, x.kind).cmp(&(
            y.time,
            &y.source.path,
            &y.source.locator,
            y.kind,
        ))
    });
    a.hosts = host_summaries(&hosts, inputs, &a, config, &clocks);
    a.findings = findings(&hosts, inputs, &a, config, &clocks);
    a.verdicts = verdicts(&a);
    if let Some(at) = config.around {
        let w = config.window_s;
        a.timeline.retain(|e| e.time.seconds_since(at).abs() <= w);
    }
    a
}

fn error_path(e: &IngestError) -> String {
    match e {
        IngestError::Io { path, .. } | IngestError::BadHeader { path, .. } => {
            path.display().to_string()
        }
    }
}

fn event_log_entries(
    path: &Arc<Path>,
    log: &crate::model::EventLog,
    hosts: &Hosts,
    out: &mut Vec<TimelineEntry>,
) {
    for r in &log.records {
        if let Some((kind, meaning)) = classify_record(r) {
            out.push(TimelineEntry {
                time: r.time,
                host: hosts.host_of_name(&r.computer),
                kind,
                message: format!("{} {}: {meaning}", r.provider, r.event_id),
                source: SourceRef {
                    path: path.clone(),
                    locator: Locator::Record(r.record_id),
                },
            });
        }
    }
}

fn capture_entries(
    path: &Arc<Path>,
    c: &CaptureData,
    hosts: &Hosts,
    config: &Config,
    out: &mut Vec<TimelineEntry>,
) {
    let src = |frame: u64| SourceRef {
        path: path.clone(),
        locator: Locator::FrameNumber(frame),
    };
    for at in &c.handshakes.attempts {
        let host = hosts.host_in_capture(at.src, path);
        let tuple = format!("{} -> {}", sock(at.src, at.sport), sock(at.dst, at.dport));
        for (i, t) in at.retransmissions.iter().enumerate() {
            out.push(TimelineEntry {
                time: *t,
                host: host.clone(),
                kind: EntryKind::SynRetransmission,
                message: format!(
                    "SYN retransmission {} of {tuple} ({:.1} s after the first SYN)",
                    i + 1,
                    t.seconds_since(at.first_syn)
                ),
                source: src(at.frame),
            });
        }
        let kind = match at.outcome {
            Outcome::Unanswered => EntryKind::ConnectUnanswered,
            Outcome::Refused => EntryKind::ConnectRefused,
            _ => continue,
        };
        let what = if kind == EntryKind::ConnectRefused {
            "refused (RST)"
        } else {
            "never answered"
        };
        out.push(TimelineEntry {
            time: at.first_syn,
            host,
            kind,
            message: format!(
                "connect {tuple} {what}, {} SYNs",
                at.retransmissions.len() + 1
            ),
            source: src(at.frame),
        });
    }
    for h in &c.half_open {
        let host = hosts.host_in_capture(h.host, path);
        // The frame of the first SYN that made the count step at `t` (the file when none).
        let at_frame = |t: UtcTime| SourceRef {
            path: path.clone(),
            locator: c
                .handshakes
                .attempts
                .iter()
                .find(|a| a.src == h.host && a.first_syn == t)
                .map_or(Locator::File, |a| Locator::FrameNumber(a.frame)),
        };
        if let Some(t) = h.limit_reached_at {
            out.push(TimelineEntry {
                time: t,
                host: host.clone(),
                kind: EntryKind::HalfOpenLimitReached,
                message: format!(
                    "{} has {} concurrent half-open outgoing connections (the limit)",
                    h.host, config.half_open_limit
                ),
                source: at_frame(t),
            });
        }
        if let (Some(t), true) = (h.peak_at, h.peak > 0) {
            out.push(TimelineEntry {
                time: t,
                host,
                kind: EntryKind::HalfOpenPeak,
                message: format!(
                    "{} peak of {} concurrent half-open outgoing connections",
                    h.host, h.peak
                ),
                source: at_frame(t),
            });
        }
    }
}

fn sock(ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V4(v4) => format!("{v4}:{port}"),
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
    }
}

fn capture_summary(path: &str, format: Format, c: &CaptureData) -> CaptureSummary {
    let mut hs = HandshakeCounts::default();
    for at in &c.handshakes.attempts {
        match at.outcome {
            Outcome::Established => hs.established += 1,
            Outcome::Refused => hs.refused += 1,
            Outcome::Unanswered => hs.unanswered += 1,
            Outcome::OpenAtEnd => hs.open_at_end += 1,
        }
    }
    CaptureSummary {
        path: path.to_string(),
        format,
        packets: c.read.packets,
        first_packet: c.read.first_time,
        last_packet: c.read.last_time,
        tcp_syn: c.handshakes.tcp_syn,
        syn_retransmissions: c.handshakes.syn_retransmissions,
        syn_ack: c.handshakes.syn_ack,
        rst: c.handshakes.rst,
        handshakes: hs,
        half_open: c
            .half_open
            .iter()
            .map(|h| CaptureHost {
                address: h.host,
                peak_half_open: h.peak,
                peak_half_open_at: h.peak_at,
                limit_reached_at: h.limit_reached_at,
                seconds_at_limit: h.seconds_at_limit,
                queued_connect_fingerprint: h.queued_connect_fingerprint,
            })
            .collect(),
    }
}

fn host_summaries(
    hosts: &Hosts,
    inputs: &[Input],
    a: &Analysis,
    config: &Config,
    clocks: &Clocks,
) -> Vec<HostSummary> {
    hosts
        .hosts
        .iter()
        .map(|h| {
            let mut peak: Option<(u32, Option<UtcTime>)> = None;
            let mut seconds_at_limit = 0.0;
            let mut syn_retx = 0;
            let mut fingerprint = false;
            let mut series: Vec<(UtcTime, u32)> = Vec::new();
            for input in inputs {
                if let Ok(InputData::Capture(c)) = &input.data {
                    for ho in c.half_open.iter().filter(|x| h.owns(x.host, &input.path)) {
                        if peak.is_none_or(|(p, _)| ho.peak > p) {
                            peak =
                                Some((ho.peak, ho.peak_at.map(|t| clocks.shift(&input.path, t))));
                        }
                        seconds_at_limit += ho.seconds_at_limit;
                        fingerprint |= ho.queued_connect_fingerprint;
                        if config.series {
                            series.extend(
                                ho.series
                                    .iter()
                                    .map(|&(t, n)| (clocks.shift(&input.path, t), n)),
                            );
                        }
                    }
                    syn_retx += c
                        .handshakes
                        .attempts
                        .iter()
                        .filter(|at| h.owns(at.src, &input.path))
                        .map(|at| at.retransmissions.len() as u64)
                        .sum::<u64>();
                }
            }
            let mut events = BTreeMap::new();
            for e in a
                .timeline
                .iter()
                .filter(|e| e.host.as_deref() == Some(&h.name))
            {
                if let Some(id) = event_id_of(e.kind) {
                    *events.entry(id.to_string()).or_default() += 1;
                }
            }
            let max_syn_sent = a
                .netstat
                .iter()
                .filter(|n| n.host.as_deref() == Some(&h.name))
                .map(|n| n.syn_sent)
                .max();
            HostSummary {
                name: h.name.clone(),
                addresses: h.addrs.iter().map(|a| a.to_string()).collect(),
                aliases: h.names.iter().filter(|n| **n != h.name).cloned().collect(),
                peak_half_open: peak.map(|p| p.0),
                peak_half_open_at: peak.and_then(|p| p.1),
                seconds_at_limit,
                syn_retransmissions: syn_retx,
                events,
                max_syn_sent,
                merged_from: h.merged_from.clone(),
                queued_connect_fingerprint: fingerprint,
                half_open_series: config.series.then(|| {
                    series.sort_by_key(|p| p.0);
                    series
                }),
            }
        })
        .collect()
}

fn event_id_of(kind: EntryKind) -> Option<&'static str> {
    Some(match kind {
        EntryKind::Tcpip4226 => "4226",
        EntryKind::Tcpip4227 => "4227",
        EntryKind::Tcpip4231 => "4231",
        EntryKind::Tcpip4266 => "4266",
        EntryKind::Boot => "6005",
        EntryKind::Shutdown => "6006",
        EntryKind::UnexpectedShutdown => "6008",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hosts::HostRegistry;

    #[test]
    fn names_match_on_first_label_and_groups_merge_through_shared_keys() {
        let mut r = HostRegistry::default();
        let ip: IpAddr = "10.1.1.10".parse().unwrap();
        r.add_group(&["WS-ALARM01.plant.local".to_string()], &[], "evtx");
        r.add_group(&["ws-alarm01".to_string()], &[ip], "netstat");
        r.add_group(&[], &["10.9.9.9".parse().unwrap()], "capture");
        let hosts = r.finish();
        assert_eq!(hosts.hosts.len(), 2);
        assert_eq!(hosts.host_of_addr(ip).as_deref(), Some("WS-ALARM01"));
        assert_eq!(
            hosts.host_of_name("WS-ALARM01").as_deref(),
            Some("WS-ALARM01")
        );
        assert_eq!(
            hosts.host_of_name("Ws-Alarm01.other").as_deref(),
            Some("WS-ALARM01")
        );
        assert_eq!(
            hosts.host_of_addr("10.9.9.9".parse().unwrap()).as_deref(),
            Some("10.9.9.9")
        );
        assert_eq!(hosts.host_of_name("OTHER"), None);
        let merged = &hosts
            .hosts
            .iter()
            .find(|h| h.name == "WS-ALARM01")
            .unwrap()
            .merged_from;
        assert_eq!(merged, &vec!["evtx".to_string(), "netstat".to_string()]);
    }
}
