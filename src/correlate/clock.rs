//! One clock for all sources: the offset (seconds) added to each source's raw times.
//!
//! The event log is the reference: its times are the host's own clock (FILETIME, UTC). Netstat
//! snapshot times come from the same host (a stamp in the file, `--netstat-time`, or the file's
//! mtime) and get no offset. A capture may come from another box (a span port, a TAP), so its
//! clock can differ; its offset is estimated from anchors (research/domain.md §4, following
//! DFIR-Companion: median over anchors, the anchor count as confidence, raw times kept, the
//! offset applied virtually, offsets over 60 s flagged):
//!
//! - **`half_open_limit_vs_4226`**: each Event 4226 of a host against the moments the capture
//!   shows that host reaching the half-open limit (the start of each interval at or above it).
//!   tcpip.sys logs 4226 when a connect has to be queued, which can only happen while the limit
//!   is held, and first does so right after the limit is reached. So a 4226 that already falls
//!   inside an at-limit interval anchors 0 (the clocks agree as far as can be told); otherwise its
//!   shift is `t4226 − reached` for the interval whose start is nearest. Anchors more than
//!   [`MAX_ANCHOR_S`] from every start are ignored (another episode). The offset is the median
//!   of the shifts (inference, to be checked on a lab capture; research/domain.md §4).
//! - **`connections_vs_capture`** (preferred when present, issue 19 §4): each single connect an
//!   event log (Sysmon 3, Security 5156/5157: the host's clock) or a firewall log (OPEN, ALLOW:
//!   the host's clock) records against the first SYN of the same 4-tuple (source, source port,
//!   destination, destination port) in the capture; with the port reused, the nearest attempt.
//!   Both record the same moment (the connect call; WFP authorises at the SYN, the firewall
//!   logs OPEN as it lets the SYN out), so each is a direct reading of the offset, to the
//!   logging latency; anchors beyond [`MAX_ANCHOR_S`] are ignored. A time in whole seconds (a
//!   firewall log) stands for the middle of its second (+0.5 s): the log truncates, and without
//!   this the median would sit half a second early. The offset is the anchors' median,
//!   `spread_s` their median absolute deviation.
//! - **`option`**: `--clock-offset SOURCE=SECONDS` overrides everything for the inputs whose path
//!   ends with SOURCE.
//! - **`none`**: no anchors; assumed 0 (a capture taken on the host itself shares its clock).
//!
//! NTP packets and boot markers (EventLog 6005 against first traffic) are not used yet: the
//! capture reader passes only TCP.

use super::{ClockOffset, ConnectionFact};
use crate::analysis::handshake::Attempt;
use crate::model::{ClockMethod, EntryKind, TimelineEntry, UtcTime};
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;

/// Anchors further than this from every at-limit interval are ignored (seconds; one day covers
/// a wrong time zone on the capture box).
pub const MAX_ANCHOR_S: f64 = 86_400.0;

/// Offsets above this many seconds (absolute) are a `clock_offset` finding: sites must be
/// time-synced (wmkit checklist, research/domain.md §4).
pub const FLAG_OFFSET_S: f64 = 60.0;

/// The offset of every input, by path.
#[derive(Debug, Default)]
pub(crate) struct Clocks {
    by_path: HashMap<String, f64>,
    pub(crate) list: Vec<ClockOffset>,
}

impl Clocks {
    /// Seconds added to the raw times of the input at `path` (0 when unknown).
    pub(crate) fn offset(&self, path: &Path) -> f64 {
        self.by_path
            .get(&path.display().to_string())
            .copied()
            .unwrap_or(0.0)
    }

    /// `t` (a raw time of the input at `path`) on the common clock.
    pub(crate) fn shift(&self, path: &Path, t: UtcTime) -> UtcTime {
        t.plus_seconds(self.offset(path))
    }
}

/// What the clock estimate needs to know of one readable input.
#[derive(Debug)]
pub(crate) enum SourceClock {
    /// An event log: the reference clock.
    EventLog,
    /// A netstat file: the host's own clock.
    Netstat,
    /// A capture: per SYN sender with a host, the host's display name and its at-limit intervals
    /// (raw capture clock).
    Capture(Vec<(String, Vec<(UtcTime, UtcTime)>)>),
    /// A file of no known format (only a `--clock-offset` gives it an offset).
    Unknown,
}

/// Whether `path` is named by a `--clock-offset` SOURCE: equal, or ending with it (as path
/// components or as text).
fn names(path: &Path, source: &str) -> bool {
    path.ends_with(source) || path.display().to_string().ends_with(source)
}

/// Estimates every input's offset from the readable inputs (`sources`, input order), the
/// `--clock-offset` list `manual` (last match wins), `timeline`, the raw entries (before any
/// shift), and `connects`: per capture path, its connection anchors ([`connection_shifts`]).
pub(crate) fn estimate(
    sources: &[(&Path, SourceClock)],
    timeline: &[TimelineEntry],
    manual: &[(String, f64)],
    connects: &HashMap<&Path, Vec<f64>>,
) -> Clocks {
    let mut clocks = Clocks::default();
    for (path, data) in sources {
        let source = path.display().to_string();
        let manual = manual
            .iter()
            .rev()
            .find(|(s, _)| names(path, s))
            .map(|&(_, v)| v);
        let mut spread_s = 0.0;
        let (offset_s, anchors, method) = match (manual, data) {
            (Some(v), _) => (v, 0, ClockMethod::Option),
            (None, SourceClock::EventLog) => (0.0, 0, ClockMethod::Reference),
            (None, SourceClock::Netstat) => (0.0, 0, ClockMethod::HostClock),
            (None, SourceClock::Capture(windows)) => {
                let by_connects = connects.get(path).filter(|v| !v.is_empty());
                let (shifts, method) = match by_connects {
                    Some(v) => (v.clone(), ClockMethod::ConnectionsVsCapture),
                    None => (
                        anchor_shifts(windows, timeline),
                        ClockMethod::HalfOpenLimitVs4226,
                    ),
                };
                match median(&shifts) {
                    Some(m) => {
                        let deviations: Vec<f64> = shifts.iter().map(|s| (s - m).abs()).collect();
                        spread_s = median(&deviations).unwrap_or(0.0);
                        (m, shifts.len() as u32, method)
                    }
                    None => (0.0, 0, ClockMethod::None),
                }
            }
            (None, SourceClock::Unknown) => continue,
        };
        clocks.by_path.insert(source.clone(), offset_s);
        clocks.list.push(ClockOffset {
            source,
            offset_s,
            anchors,
            method,
            spread_s,
        });
    }
    clocks
}

/// The intervals `[start, end)` in which a step series is at or above `limit`.
pub(crate) fn limit_windows(series: &[(UtcTime, u32)], limit: u32) -> Vec<(UtcTime, UtcTime)> {
    let mut out: Vec<(UtcTime, UtcTime)> = Vec::new();
    let mut open: Option<UtcTime> = None;
    for &(t, n) in series {
        match (open, n >= limit) {
            (None, true) => open = Some(t),
            (Some(s), false) => {
                out.push((s, t));
                open = None;
            }
            _ => {}
        }
    }
    if let (Some(s), Some(&(last, _))) = (open, series.last()) {
        out.push((s, last));
    }
    out
}

/// One shift per Event 4226 of a host that has at-limit intervals in the capture.
fn anchor_shifts(
    windows: &[(String, Vec<(UtcTime, UtcTime)>)],
    timeline: &[TimelineEntry],
) -> Vec<f64> {
    let mut shifts = Vec::new();
    for e in timeline.iter().filter(|e| e.kind == EntryKind::Tcpip4226) {
        let Some(host) = e.host.as_deref() else {
            continue;
        };
        let best = windows
            .iter()
            .filter(|(h, _)| h == host)
            .flat_map(|(_, w)| w)
            .map(|&(s, end)| {
                if s <= e.time && e.time <= end {
                    0.0
                } else {
                    e.time.seconds_since(s)
                }
            })
            .min_by(|a, b| a.abs().total_cmp(&b.abs()));
        if let Some(b) = best.filter(|b| b.abs() <= MAX_ANCHOR_S) {
            shifts.push(b);
        }
    }
    shifts
}

/// The connection anchors of one capture (module docs, `connections_vs_capture`): for each
/// fact of `facts` (raw times, outgoing TCP with both endpoints) whose 4-tuple the capture's
/// `attempts` hold, the shift `fact time − first SYN` of the nearest such attempt, if within
/// [`MAX_ANCHOR_S`]. In fact order.
pub(crate) fn connection_shifts(
    attempts: impl Iterator<Item = Attempt>,
    facts: &[ConnectionFact],
) -> Vec<f64> {
    type Tuple = (IpAddr, u16, IpAddr, u16);
    let tuple = |f: &ConnectionFact| -> Option<Tuple> {
        if f.protocol != "tcp" || f.direction.as_deref() == Some("inbound") {
            return None;
        }
        let src = f.src.as_deref()?.parse().ok()?;
        let dst = f.dst.as_deref()?.parse().ok()?;
        Some((src, f.sport?, dst, f.dport?))
    };
    // Per 4-tuple the facts (index, raw time) that name it.
    let mut wanted: HashMap<Tuple, Vec<(usize, UtcTime)>> = HashMap::new();
    for (i, f) in facts.iter().enumerate() {
        if let Some(t) = tuple(f) {
            wanted.entry(t).or_default().push((i, f.time));
        }
    }
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut best: Vec<Option<f64>> = vec![None; facts.len()];
    for a in attempts {
        let Some(list) = wanted.get(&(a.src, a.sport, a.dst, a.dport)) else {
            continue;
        };
        for &(i, t) in list {
            let mid = if t.digits() == 0 { 0.5 } else { 0.0 };
            let shift = t.seconds_since(a.first_syn) + mid;
            if let Some(b) = best.get_mut(i) {
                if b.is_none_or(|old| shift.abs() < old.abs()) {
                    *b = Some(shift);
                }
            }
        }
    }
    best.into_iter()
        .flatten()
        .filter(|s| s.abs() <= MAX_ANCHOR_S)
        .collect()
}

/// The median (mean of the middle two for an even count); `None` when empty.
fn median(v: &[f64]) -> Option<f64> {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(s[n / 2]),
        _ => Some((s[n / 2 - 1] + s[n / 2]) / 2.0),
    }
}

/// One warning per capture whose clock was moved on the strength of a single anchor (one
/// Event 4226 against the moment the capture shows the limit reached): a guess the reader must
/// know about (issue 20 §3). An offset under 1 ms moves nothing and is not warned about.
pub(crate) fn one_anchor_warnings(list: &[ClockOffset]) -> Vec<String> {
    list.iter()
        .filter(|c| {
            c.method == ClockMethod::HalfOpenLimitVs4226
                && c.anchors == 1
                && c.offset_s.abs() >= 1e-3
        })
        .map(|c| {
            format!(
                "{}: its times are moved by {:+.3} s, estimated from one anchor (one Event 4226 \
                 against the moment the capture shows the limit reached); confirm it or give \
                 --clock-offset",
                c.source, c.offset_s
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Locator, SourceRef};
    use std::sync::Arc;

    fn t(s: i64) -> UtcTime {
        UtcTime::from_unix_secs(s)
    }

    fn ev4226(host: &str, at: i64) -> TimelineEntry {
        TimelineEntry {
            time: t(at),
            host: Some(host.to_string()),
            kind: EntryKind::Tcpip4226,
            message: String::new(),
            source: SourceRef {
                path: Arc::from(Path::new("System.evtx")),
                locator: Locator::Record(1),
            },
        }
    }

    #[test]
    fn windows_are_the_runs_at_or_above_the_limit() {
        let series = [
            (t(0), 9),
            (t(2), 10),
            (t(5), 10),
            (t(7), 3),
            (t(9), 10),
            (t(12), 0),
        ];
        assert_eq!(
            limit_windows(&series, 10),
            vec![(t(2), t(7)), (t(9), t(12))]
        );
        assert!(limit_windows(&series, 11).is_empty());
    }

    #[test]
    fn a_4226_inside_the_window_anchors_zero_and_outside_its_distance_to_the_limit_moment() {
        let w = vec![("WS".to_string(), vec![(t(100), t(160))])];
        // Inside: 0. 30 s before the limit was reached: −30. 10 s after the interval: +70 (from
        // the moment it was reached). Another host: ignored.
        let tl = [
            ev4226("WS", 120),
            ev4226("WS", 70),
            ev4226("WS", 170),
            ev4226("OTHER", 5),
        ];
        let shifts = anchor_shifts(&w, &tl);
        assert_eq!(shifts, vec![0.0, -30.0, 70.0]);
        assert_eq!(median(&shifts), Some(0.0));
        assert_eq!(median(&[-30.0, 10.0]), Some(-10.0));
        assert_eq!(median(&[]), None);
        // A 4226 two days away is another episode, not an anchor.
        assert!(anchor_shifts(&w, &[ev4226("WS", 100 + 2 * 86_400)]).is_empty());
    }

    #[test]
    fn clock_offset_sources_match_by_path_suffix() {
        assert!(names(Path::new("/case/a/capture.pcap"), "capture.pcap"));
        assert!(names(Path::new("/case/a/capture.pcap"), "a/capture.pcap"));
        assert!(!names(Path::new("/case/a/capture.pcap"), "b/capture.pcap"));
    }
}
