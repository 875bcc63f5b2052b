//! The one walk over the inputs: per input its summary, its timeline entries (raw source clock),
//! its netstat and capture summaries and alarm gaps, what the clock estimate needs of it, and
//! per host the capture facts it owns. Every later step reads these, never the inputs again.

use super::clock::{SourceClock, limit_windows};
use super::hosts::{Hosts, Identities};
use super::overlap::{SeenAttempts, count_repeat, overlap_warning, repeats_gap};
use super::result::{
    CaptureHost, CaptureSummary, ConnectionFact, HandshakeCounts, InputError, InputSummary,
};
use super::settings::CorrelateSettings;
use crate::analysis::alarm::AlarmGap;
use crate::analysis::events::classify_record;
use crate::analysis::halfopen::HostHalfOpen;
use crate::analysis::handshake::{Attempt, Outcome};
use crate::analysis::netstat_facts::{
    NetstatSettings, NetstatSummary, netstat_message, netstat_summary,
};
use crate::analysis::source::{CaptureData, Input, InputData};
use crate::ingest::netstat::NetstatFile;
use crate::model::EventLog;
use crate::model::{
    EntryKind, Format, Locator, Problem, SourceRef, TimeSource, TimelineEntry, UtcTime,
};
use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

/// One capture's half-open summary of a SYN sender, owned by a host.
pub(crate) struct OwnedHalfOpen<'a> {
    /// The capture.
    pub(crate) path: &'a Path,
    /// The sender's half-open summary (raw capture clock).
    pub(crate) half_open: &'a HostHalfOpen,
    /// Its intervals at or above the limit (raw capture clock).
    pub(crate) windows: Vec<(UtcTime, UtcTime)>,
}

/// What the captures tell of one host, in input order.
#[derive(Default)]
pub(crate) struct HostCaptures<'a> {
    /// Its half-open summaries, input order then sender order.
    pub(crate) half_open: Vec<OwnedHalfOpen<'a>>,
    /// SYN retransmissions it sent.
    pub(crate) syn_retx: u64,
    /// Destinations of its connects never answered (or still open at the capture end).
    pub(crate) unanswered: BTreeSet<(IpAddr, u16)>,
    /// First SYNs it sent per (capture, whole second of the raw capture clock).
    pub(crate) connects_per_s: foldhash::HashMap<(&'a Path, i64), u32>,
}

/// Everything the walk collects. Times are raw (each source's own clock).
#[derive(Default)]
pub(crate) struct Walk<'a> {
    /// One summary per input, input order.
    pub(crate) inputs: Vec<InputSummary>,
    /// Inputs that failed as a whole, input order.
    pub(crate) errors: Vec<InputError>,
    /// Notes for the reader (local times read as UTC).
    pub(crate) warnings: Vec<String>,
    /// Unsorted, raw times.
    pub(crate) timeline: Vec<TimelineEntry>,
    /// One summary per netstat snapshot, input order.
    pub(crate) netstat: Vec<NetstatSummary>,
    /// One summary per capture, input order.
    pub(crate) captures: Vec<CaptureSummary>,
    /// Alarm gaps of every capture, with their capture path.
    pub(crate) alarm_gaps: Vec<AlarmGap>,
    /// Per readable input, what the clock estimate needs.
    pub(crate) clocks: Vec<(&'a Path, SourceClock)>,
    /// Per host id ([`Hosts::hosts`] index).
    pub(crate) by_host: Vec<HostCaptures<'a>>,
    /// Every connect attempt of the captures walked so far, to count repeats once.
    seen: SeenAttempts,
    /// Connections the event logs saw (raw times).
    pub(crate) connections: Vec<ConnectionFact>,
}

/// Walks `inputs` once.
pub(crate) fn walk<'a>(
    inputs: &'a [Input],
    ids: &Identities,
    settings: &CorrelateSettings,
) -> Walk<'a> {
    let mut w = Walk::default();
    w.by_host
        .resize_with(ids.hosts.hosts.len(), HostCaptures::default);
    let netstat_settings = settings.netstat();
    let attempts = super::placing::AttemptIndex::of(inputs);
    for (k, input) in inputs.iter().enumerate() {
        let path_s = input.path.display().to_string();
        let mut recovered = 0;
        let mut time_zone = None;
        let (records, problems, error) = match &input.data {
            Err(e) => {
                w.errors.push(InputError {
                    path: path_s.clone(),
                    error: e.to_string(),
                });
                (0, Vec::new(), Some(e.to_string()))
            }
            Ok(InputData::EventLog(log)) => {
                w.clocks.push((&input.path, SourceClock::EventLog));
                event_log_entries(&input.path, log, &ids.hosts, &mut w.timeline);
                super::connlog::event_log_connections(
                    &input.path,
                    log,
                    &ids.hosts,
                    &mut w.timeline,
                    &mut w.connections,
                );
                recovered = log.records.iter().filter(|r| r.recovered).count() as u64;
                time_zone = log.time_zone.clone();
                // XML exports carry UTC (SystemTime); only the text exports are local time.
                if input.format == Format::EventCsv && !settings.event_tz_given {
                    w.warnings.push(format!(
                        "{path_s}: local times read as UTC (no --event-tz given)"
                    ));
                }
                (log.record_count(), log.problems.clone(), None)
            }
            Ok(InputData::Netstat { file, times }) => {
                w.clocks.push((&input.path, SourceClock::Netstat));
                let host = &ids.netstat_host[k];
                let placed = attempts.place(file, times);
                w.placed_warnings(&path_s, &placed);
                let times: Vec<_> = placed.into_iter().map(|(t, _)| t).collect();
                if let Some(line) = file.unterminated_line {
                    w.warnings.push(format!(
                        "{path_s}: the text ends without a line end after line {line}: if the \
                         file was cut there, that row may be incomplete and what followed is lost"
                    ));
                }
                w.netstat_entries(&input.path, file, &times, host, &netstat_settings)
            }
            Ok(InputData::Capture(c)) => {
                let limit = settings.half_open_limit;
                let later_captures = inputs[k + 1..]
                    .iter()
                    .any(|i| matches!(i.data, Ok(InputData::Capture(_))));
                w.capture(
                    &input.path,
                    input.format,
                    c,
                    &ids.hosts,
                    limit,
                    later_captures,
                );
                (c.read.packets, c.read.problems.clone(), None)
            }
            Ok(InputData::Firewall(f)) => {
                // Written by the host itself: its clock.
                w.clocks.push((&input.path, SourceClock::Netstat));
                super::connlog::firewall_connections(
                    &input.path,
                    f,
                    &ids.hosts,
                    &mut w.timeline,
                    &mut w.connections,
                );
                if f.local && !settings.event_tz_given {
                    w.warnings.push(format!(
                        "{path_s}: local times read as UTC (no --event-tz given)"
                    ));
                }
                (f.entries.len() as u64, f.problems.clone(), None)
            }
            Ok(InputData::Unknown { size }) => {
                w.clocks.push((&input.path, SourceClock::Unknown));
                w.warnings.push(match size {
                    0 => format!("{path_s}: empty file (0 bytes), not analysed"),
                    n => format!("{path_s}: not a format halfopen reads ({n} bytes), not analysed"),
                });
                (0, Vec::new(), None)
            }
        };
        if records == 0
            && problems.is_empty()
            && let Some(what) = empty_input(&input.data)
        {
            w.warnings.push(format!("{path_s}: {what}"));
        }
        w.inputs.push(InputSummary {
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
    w
}

/// What to say of a readable input of a known format that gave no record, or `None` when that
/// is normal (`netstat -s` output: statistics, no rows; `netstat -r`: no connection table) or
/// already said (an unreadable or unknown input). A file cut right after its header (a pcapng
/// Section Header and Interface Description, an `.evtx` file header) reads this way and would
/// otherwise pass without a word.
fn empty_input(data: &Result<InputData, crate::ingest::IngestError>) -> Option<&'static str> {
    match data {
        Ok(InputData::Capture(_)) => Some("no packets in this capture (cut after its header?)"),
        Ok(InputData::EventLog(_)) => Some("no event records in this log (cut after its header?)"),
        Ok(InputData::Firewall(_)) => {
            Some("no log lines in this firewall log (cut after its header?)")
        }
        // A connection-table heading with no row under it (`netstat -r` and `-i` tables open
        // no snapshot and are passed over quietly).
        Ok(InputData::Netstat { file, .. }) => (!file.snapshots.is_empty()
            && file.snapshots.iter().all(|s| s.statistics.is_none()))
        .then_some("a connection table with no rows and no statistics in this netstat text"),
        Ok(InputData::Unknown { .. }) | Err(_) => None,
    }
}

/// The timeline entries of an event log's classified records (Tcpip 4226/4227/4231/4266,
/// EventLog 6005/6006/6008).
fn event_log_entries(
    path: &Arc<Path>,
    log: &EventLog,
    hosts: &Hosts,
    out: &mut Vec<TimelineEntry>,
) {
    let mut host_of: HashMap<&str, Option<String>> = HashMap::new();
    for r in &log.records {
        if let Some((kind, meaning)) = classify_record(r) {
            let host = host_of
                .entry(r.computer.as_str())
                .or_insert_with(|| hosts.host_of_name(&r.computer))
                .clone();
            out.push(TimelineEntry {
                time: r.time,
                host,
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

/// `addr:port`, IPv6 in brackets.
pub(crate) fn sock(ip: IpAddr, port: u16) -> String {
    crate::analysis::connections::endpoint(Some(ip), Some(port))
}

/// The timeline entries of one connect attempt: its SYN retransmissions, and its end when
/// refused or never answered.
fn attempt_entries(
    path: &Arc<Path>,
    at: &Attempt,
    host: Option<String>,
    out: &mut Vec<TimelineEntry>,
) {
    let src = SourceRef {
        path: path.clone(),
        locator: Locator::FrameNumber(at.frame),
    };
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
            source: src.clone(),
        });
    }
    let (kind, what) = match at.outcome {
        Outcome::Unanswered => (EntryKind::ConnectUnanswered, "never answered"),
        Outcome::Refused => (EntryKind::ConnectRefused, "refused (RST)"),
        _ => return,
    };
    out.push(TimelineEntry {
        time: at.first_syn,
        host,
        kind,
        message: format!(
            "connect {tuple} {what}, {} SYNs",
            at.retransmissions.len() + 1
        ),
        source: src,
    });
}

/// The moments half-open entries point at: (sender, time) of each limit-reached and peak
/// moment, to be filled with the frame of the first attempt of that sender whose first SYN made
/// the count step then.
type StepFrames = foldhash::HashMap<(IpAddr, UtcTime), Option<u64>>;

fn step_moments(half_open: &[HostHalfOpen]) -> StepFrames {
    let mut out = StepFrames::default();
    for h in half_open {
        let peak = h.peak_at.filter(|_| h.peak > 0);
        for t in [h.limit_reached_at, peak].into_iter().flatten() {
            out.insert((h.host, t), None);
        }
    }
    out
}

/// The limit-reached and peak entries of one sender.
fn half_open_entries(
    path: &Arc<Path>,
    h: &HostHalfOpen,
    host: Option<String>,
    frames: &StepFrames,
    limit: u32,
    out: &mut Vec<TimelineEntry>,
) {
    // The frame of the first SYN that made the count step at `t` (the file when none).
    let at_frame = |t: UtcTime| SourceRef {
        path: path.clone(),
        locator: frames
            .get(&(h.host, t))
            .copied()
            .flatten()
            .map_or(Locator::File, Locator::FrameNumber),
    };
    if let Some(t) = h.limit_reached_at {
        out.push(TimelineEntry {
            time: t,
            host: host.clone(),
            kind: EntryKind::HalfOpenLimitReached,
            message: format!(
                "{} has {limit} concurrent half-open outgoing connections (the limit)",
                h.host
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

/// The host ids of the addresses of one capture, each looked up once: (the host it is shown as,
/// the host that owns it).
struct CaptureHosts<'h> {
    hosts: &'h Hosts,
    path: &'h Path,
    cache: foldhash::HashMap<IpAddr, (Option<usize>, Option<usize>)>,
}

impl CaptureHosts<'_> {
    fn of(&mut self, a: IpAddr) -> (Option<usize>, Option<usize>) {
        let (hosts, path) = (self.hosts, self.path);
        *self.cache.entry(a).or_insert_with(|| {
            (
                hosts.id_in_capture(a, path),
                hosts.owner_in_capture(a, path),
            )
        })
    }

    fn name(&self, id: Option<usize>) -> Option<String> {
        id.map(|i| self.hosts.hosts[i].name.clone())
    }
}

impl<'a> Walk<'a> {
    /// The warnings of a netstat file's snapshot times: the ones placed by the capture (how, and
    /// with how many rows), and the ones left at the file's mtime (a guess).
    fn placed_warnings(&mut self, path_s: &str, placed: &[((UtcTime, TimeSource), usize)]) {
        let by_evidence: Vec<(UtcTime, usize)> = placed
            .iter()
            .filter(|((_, src), _)| *src == TimeSource::Evidence)
            .map(|((t, _), n)| (*t, *n))
            .collect();
        if let Some((t, n)) = by_evidence.first() {
            let what = match by_evidence.len() {
                1 => format!("its snapshot is placed by the capture at {t}, when its {n}"),
                k => format!(
                    "{k} snapshots are placed by the capture, the first at {t}, when its {n}"
                ),
            };
            self.warnings.push(format!(
                "{path_s}: the file has no time stamp; {what} SYN_SENT rows were all \
                 outstanding (give --netstat-time to override)"
            ));
        }
        let guessed: Vec<UtcTime> = placed
            .iter()
            .filter(|((_, src), _)| *src == TimeSource::Mtime)
            .map(|((t, _), _)| *t)
            .collect();
        if let Some(t) = guessed.first() {
            self.warnings.push(format!(
                "{path_s}: {} without a time stamp placed at the file's modification time {t} \
                 (a guess; give --netstat-time or the profile's netstat_time)",
                match guessed.len() {
                    1 => "1 netstat snapshot".to_string(),
                    n => format!("{n} netstat snapshots"),
                }
            ));
        }
    }

    /// One timeline entry and one summary per snapshot; returns (rows, problems, error).
    fn netstat_entries(
        &mut self,
        path: &Arc<Path>,
        file: &NetstatFile,
        times: &[(UtcTime, TimeSource)],
        host: &Option<String>,
        settings: &NetstatSettings,
    ) -> (u64, Vec<Problem>, Option<String>) {
        let path_s = path.display().to_string();
        for (s, &(time, time_source)) in file.snapshots.iter().zip(times) {
            let summary = netstat_summary(&path_s, s, time, time_source, host.clone(), settings);
            self.timeline.push(TimelineEntry {
                time,
                host: host.clone(),
                kind: EntryKind::NetstatSnapshot,
                message: netstat_message(&summary),
                source: SourceRef {
                    path: path.clone(),
                    locator: Locator::Snapshot {
                        index: s.index,
                        line: s.line,
                    },
                },
            });
            self.netstat.push(summary);
        }
        let rows = file.snapshots.iter().map(|s| s.rows.len() as u64).sum();
        (rows, file.problems.clone(), None)
    }

    /// A capture: attempts and senders once each (entries, handshake counts, host facts, clock
    /// windows), its summary and its alarm gaps.
    fn capture(
        &mut self,
        path: &'a Arc<Path>,
        format: Format,
        c: &'a CaptureData,
        hosts: &Hosts,
        limit: u32,
        later_captures: bool,
    ) {
        let mut ids = CaptureHosts {
            hosts,
            path,
            cache: foldhash::HashMap::default(),
        };
        let mut frames = step_moments(&c.half_open);
        let mut overlaps = Vec::new();
        // Senders with at least one attempt not seen in an earlier capture.
        let mut fresh_senders = foldhash::HashSet::default();
        let mut listing = super::crowd::Listing::default();
        for at in c.handshakes.attempts.iter() {
            let at = &at;
            if let Some(slot) = frames.get_mut(&(at.src, at.first_syn)) {
                slot.get_or_insert(at.frame);
            }
            if let Some(earlier) = self.seen.repeat_of(at, path, later_captures) {
                count_repeat(&mut overlaps, &earlier, at);
                continue;
            }
            fresh_senders.insert(at.src);
            let (shown, owner) = ids.of(at.src);
            if let Some(o) = owner {
                let f = &mut self.by_host[o];
                let second = at.first_syn.unix_nanos().div_euclid(1_000_000_000);
                *f.connects_per_s.entry((&**path, second)).or_default() += 1;
                f.syn_retx += at.retransmissions.len() as u64;
                if matches!(at.outcome, Outcome::Unanswered | Outcome::OpenAtEnd) {
                    f.unanswered.insert((at.dst, at.dport));
                }
            }
            if listing.lists(at) {
                attempt_entries(path, at, ids.name(shown), &mut self.timeline);
            }
        }
        self.timeline.extend(
            c.handshakes
                .crowd
                .as_ref()
                .and_then(|f| super::crowd::entry(f, path)),
        );
        for (sender, tally) in listing.unlisted() {
            let shown = ids.of(sender).0;
            self.timeline.push(tally.entry(path, ids.name(shown)));
        }
        let mut clock_windows = Vec::new();
        for h in &c.half_open {
            let (shown, owner) = ids.of(h.host);
            let windows = limit_windows(&h.series, limit);
            if let Some(name) = ids.name(shown) {
                clock_windows.push((name, windows.clone()));
            }
            if !overlaps.is_empty() && !fresh_senders.contains(&h.host) {
                continue;
            }
            half_open_entries(path, h, ids.name(shown), &frames, limit, &mut self.timeline);
            if let Some(o) = owner {
                self.by_host[o].half_open.push(OwnedHalfOpen {
                    path,
                    half_open: h,
                    windows,
                });
            }
        }
        self.clocks
            .push((path, SourceClock::Capture(clock_windows)));
        let path_s = path.display().to_string();
        for g in &c.read.guesses {
            self.warnings
                .push(format!("{path_s} ({}): {}", g.locator, g.reason));
        }
        if !overlaps.is_empty() {
            let n = c.handshakes.attempts.len();
            self.warnings.push(overlap_warning(&path_s, n, &overlaps));
        }
        let mut summary = capture_summary(&path_s, format, c);
        summary.overlaps = overlaps;
        self.captures.push(summary);
        for g in &c.alarm_gaps {
            if repeats_gap(&self.alarm_gaps, g, &path_s) {
                continue;
            }
            let mut g = g.clone();
            g.path = Some(path_s.clone());
            self.alarm_gaps.push(g);
        }
    }
}

fn capture_summary(path: &str, format: Format, c: &CaptureData) -> CaptureSummary {
    let o = c.handshakes.outcomes;
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
        handshakes: HandshakeCounts {
            established: o.established,
            refused: o.refused,
            unanswered: o.unanswered,
            open_at_end: o.open_at_end,
        },
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
        overlaps: Vec::new(),
        crowd_senders: c.handshakes.crowd.as_ref().map_or(0, |f| f.senders),
    }
}
