//! Findings: conclusions about a host with their window (common clock, UTC), evidence
//! (locators into the sources), confidence and resolution text; and the one-line verdicts.
//!
//! Kinds and their rules (issue 6; sources with each resolution text):
//! - `half_open_limit`: Event 4226 on the host, or a capture showing the queued-connect
//!   fingerprint, or a netstat snapshot with exactly the limit in SYN_SENT (the netstat
//!   fingerprint, research/domain.md §2). Confidence `high` when a 4226 and a capture or netstat
//!   agree, `medium` with one of them alone.
//! - `limit_not_enforced`: no 4226, and a capture peak or a netstat SYN_SENT count above the
//!   limit (Vista SP2 and later, servers, or a patched tcpip.sys). `medium` from a capture,
//!   `low` from netstat alone.
//! - `ephemeral_port_exhaustion`: Tcpip 4231/4266, or a snapshot with at least
//!   [`TIME_WAIT_EXHAUSTION`] rows in TIME_WAIT. `time_wait_collision`: Tcpip 4227.
//! - `alarm_client_gap`: each alarm gap; `explained` when it overlaps a `half_open_limit` window
//!   of the provider's host.
//! - `clock_offset`: a source whose offset exceeds [`super::FLAG_OFFSET_S`].

use super::FLAG_OFFSET_S;
use super::clock::Clocks;
use super::hosts::{Host, Hosts};
use super::result::{ClockOffset, Evidence, Finding};
use super::summaries::HostView;
use super::walk::sock;
use crate::analysis::alarm::AlarmGap;
use crate::analysis::netstat_facts::{NetstatSummary, netstat_message, top_pids};
use crate::model::{
    Confidence, EntryKind, FindingKind, Locator, SourceRef, TimelineEntry, UtcTime,
};
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

/// Resolution text of `half_open_limit` (Tech Note 838; KB969710; Microsoft's Event 4226 advice).
pub const HALF_OPEN_RESOLUTION: &str = "Run the alarm provider on a server OS (no half-open limit), or remove the limit \
(Vista SP2/7: EnableConnectionRateLimiting under HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters, KB969710); \
and find the process with many SYN_SENT connections (netstat -no) and stop what it is doing (Microsoft's Event 4226 advice; Tech Note 838).";

/// TIME_WAIT rows in one snapshot that count as ephemeral port exhaustion: 75 % of the 3976
/// ports of the XP/2003 default range 1025–5000 (`MaxUserPort` 5000, KB196271).
pub const TIME_WAIT_EXHAUSTION: u64 = 2982;

/// Resolution of `limit_not_enforced`.
pub const NOT_ENFORCED_RESOLUTION: &str = "More connect attempts were outstanding than the half-open limit allows and no Event 4226 was logged: \
the limit is not enforced here (Vista SP2 and later without EnableConnectionRateLimiting, server OSs, or a patched tcpip.sys; KB969710). \
Alarm loss on this host is not explained by the limit; still find the process with many SYN_SENT connections (netstat -no).";

/// Resolution of `ephemeral_port_exhaustion`.
pub const PORT_EXHAUSTION_RESOLUTION: &str = "Find the process holding many short-lived connections (netstat -ano: TIME_WAIT/ESTABLISHED per PID) and make it reuse connections; \
on XP/2003 raise MaxUserPort and lower TcpTimedWaitDelay under HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters (KB196271, KB314053); \
on Vista and later widen the range with netsh int ipv4 set dynamicport tcp (KB929851).";

/// Resolution of `time_wait_collision`.
pub const TIME_WAIT_RESOLUTION: &str = "An outgoing connect picked a local port still in TIME_WAIT to the same remote endpoint (Tcpip 4227): \
the application reconnects too fast with fixed or recycled ports; lower TcpTimedWaitDelay or let it use fresh ephemeral ports (Tcpip 4227 description).";

/// Resolution of an explained `alarm_client_gap`.
pub const GAP_EXPLAINED_RESOLUTION: &str = "The alarm provider's host was at its half-open connection limit during the gap: \
run the alarm provider on a server OS or remove the limit (Tech Note 838; KB969710).";

/// Resolution of an unexplained `alarm_client_gap`.
pub const GAP_UNEXPLAINED_RESOLUTION: &str = "No half-open limit on the provider explains this gap: check the network path, the provider process \
and the client's alarm query (Tech Note 838 lists the other causes of missing alarms).";

/// Resolution of `clock_offset`.
pub const CLOCK_RESOLUTION: &str = "Sources disagree by more than a minute: time-sync every node (AVEVA/Wonderware nodes should share one NTP source); \
times of this source were shifted by the estimated offset.";

/// Everything one host's findings are drawn from, on the common clock.
struct HostFacts<'a> {
    host: &'a Host,
    ev4226: Vec<Evidence>,
    ev4227: Vec<Evidence>,
    ev_ports: Vec<Evidence>,
    at_limit: Vec<Evidence>,
    peaks: Vec<Evidence>,
    netstat: Vec<&'a NetstatSummary>,
    /// Highest capture peak and when.
    peak: Option<(u32, UtcTime)>,
    /// Intervals at or above the limit in the captures.
    windows: Vec<(UtcTime, UtcTime)>,
    fingerprint: bool,
    syn_retx: u64,
    unanswered: BTreeSet<(IpAddr, u16)>,
}

/// The facts of one host on the common clock: its evidence by kind, its netstat snapshots, and
/// its capture peak, at-limit intervals, fingerprint, SYN retransmissions and unanswered
/// destinations.
fn gather<'a>(v: &HostView<'a>, clocks: &Clocks) -> HostFacts<'a> {
    let evidence_of = |kinds: &[EntryKind]| -> Vec<Evidence> {
        v.timeline
            .iter()
            .filter(|e| kinds.contains(&e.kind))
            .map(|e| Evidence {
                kind: e.kind,
                time: e.time,
                message: e.message.clone(),
                source: e.source.clone(),
            })
            .collect()
    };
    let mut f = HostFacts {
        host: v.host,
        ev4226: evidence_of(&[EntryKind::Tcpip4226]),
        ev4227: evidence_of(&[EntryKind::Tcpip4227]),
        ev_ports: evidence_of(&[EntryKind::Tcpip4231, EntryKind::Tcpip4266]),
        at_limit: evidence_of(&[EntryKind::HalfOpenLimitReached]),
        peaks: evidence_of(&[EntryKind::HalfOpenPeak]),
        netstat: v.netstat.clone(),
        peak: None,
        windows: Vec::new(),
        fingerprint: false,
        syn_retx: v.captures.syn_retx,
        unanswered: v.captures.unanswered.clone(),
    };
    for o in &v.captures.half_open {
        let ho = o.half_open;
        if let (Some(t), true) = (ho.peak_at, f.peak.is_none_or(|p| ho.peak > p.0)) {
            f.peak = Some((ho.peak, clocks.shift(o.path, t)));
        }
        f.fingerprint |= ho.queued_connect_fingerprint;
        f.windows.extend(
            o.windows
                .iter()
                .map(|&(s, e)| (clocks.shift(o.path, s), clocks.shift(o.path, e))),
        );
    }
    f.windows.sort();
    f
}

fn snapshot_evidence(n: &NetstatSummary) -> Evidence {
    Evidence {
        kind: EntryKind::NetstatSnapshot,
        time: n.time,
        message: netstat_message(n),
        source: SourceRef {
            path: Arc::from(Path::new(&n.path)),
            locator: Locator::Snapshot {
                index: n.snapshot,
                line: n.line,
            },
        },
    }
}

/// A finding with the common fields set and the kind-specific ones empty.
fn finding(kind: FindingKind, host: &str, start: UtcTime, end: UtcTime) -> Finding {
    Finding {
        kind,
        host: host.to_string(),
        start,
        end,
        summary: String::new(),
        confidence: Confidence::Medium,
        evidence: Vec::new(),
        events_4226: 0,
        peak_half_open: None,
        syn_retransmissions: 0,
        culprits: Vec::new(),
        unanswered_destinations: Vec::new(),
        resolution: "",
        client: None,
        provider: None,
        explained: None,
        source: None,
        offset_s: None,
        seconds: None,
        cause: None,
        episodes: Vec::new(),
        connecting_processes: Vec::new(),
    }
}

/// A bare finding, for the tests of other modules.
#[cfg(test)]
pub(crate) fn test_finding(kind: FindingKind, host: &str, start: UtcTime, end: UtcTime) -> Finding {
    finding(kind, host, start, end)
}

fn span(times: &[UtcTime]) -> Option<(UtcTime, UtcTime)> {
    Some((*times.iter().min()?, *times.iter().max()?))
}

/// Signs of the limit further apart than this (seconds) are separate episodes, each its own
/// `half_open_limit` finding (a log with 4226 on several days is several incidents).
pub const EPISODE_GAP_S: f64 = 3600.0;

/// Merges `[start, end]` spans whose gap is at most [`EPISODE_GAP_S`].
fn episodes(mut spans: Vec<(UtcTime, UtcTime)>) -> Vec<(UtcTime, UtcTime)> {
    spans.sort();
    let mut out: Vec<(UtcTime, UtcTime)> = Vec::new();
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s.seconds_since(last.1) <= EPISODE_GAP_S => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

fn half_open_limit(f: &HostFacts, limit: u32) -> Vec<Finding> {
    let netstat_at_limit: Vec<&NetstatSummary> = f
        .netstat
        .iter()
        .copied()
        .filter(|n| {
            n.syn_sent == u64::from(limit)
                || (!f.ev4226.is_empty() && n.syn_sent >= u64::from(limit))
        })
        .collect();
    let capture_says = f.fingerprint;
    if f.ev4226.is_empty() && !capture_says && netstat_at_limit.is_empty() {
        return Vec::new();
    }
    let mut spans: Vec<(UtcTime, UtcTime)> = f.ev4226.iter().map(|e| (e.time, e.time)).collect();
    if !f.ev4226.is_empty() || capture_says {
        spans.extend(f.windows.iter().copied());
    }
    spans.extend(netstat_at_limit.iter().map(|n| (n.time, n.time)));
    let eps = episodes(spans);
    // Capture totals go to the episode holding the capture's peak (else the first one).
    let capture_ep = f
        .peak
        .and_then(|(_, t)| eps.iter().position(|&(s, e)| s <= t && t <= e))
        .unwrap_or(0);
    eps.iter()
        .enumerate()
        .map(|(k, &span)| limit_episode(f, limit, &netstat_at_limit, span, k == capture_ep))
        .collect()
}

/// One `half_open_limit` episode `[start, end]` of a host: its 4226s, at-limit intervals and
/// snapshots, its confidence (`high` when a 4226 and a capture or netstat agree), summary and
/// evidence. `mine`: whether the capture totals (peak, SYN retransmissions, unanswered
/// destinations) go to this episode.
fn limit_episode(
    f: &HostFacts,
    limit: u32,
    netstat_at_limit: &[&NetstatSummary],
    (start, end): (UtcTime, UtcTime),
    mine: bool,
) -> Finding {
    let inside = |t: UtcTime| start <= t && t <= end;
    let ev4226: Vec<&Evidence> = f.ev4226.iter().filter(|e| inside(e.time)).collect();
    let windows: Vec<(UtcTime, UtcTime)> = f
        .windows
        .iter()
        .copied()
        .filter(|&(s, e)| inside(s) || inside(e))
        .collect();
    let snaps: Vec<&NetstatSummary> = f
        .netstat
        .iter()
        .copied()
        .filter(|n| inside(n.time))
        .collect();
    let at_limit_snaps: Vec<&NetstatSummary> = netstat_at_limit
        .iter()
        .copied()
        .filter(|n| inside(n.time))
        .collect();
    let peak = f.peak.filter(|&(_, t)| inside(t));
    let (syn_retx, unanswered) = if mine {
        (
            f.syn_retx,
            f.unanswered.iter().map(|&(a, p)| sock(a, p)).collect(),
        )
    } else {
        (0, Vec::new())
    };
    let best_snapshot = snaps.iter().copied().max_by_key(|n| n.syn_sent);
    let culprits = best_snapshot
        .map(|n| top_pids(&n.syn_sent_by_pid))
        .unwrap_or_default();
    let corroborated = !windows.is_empty() || !at_limit_snaps.is_empty();
    let confidence = if !ev4226.is_empty() && corroborated {
        Confidence::High
    } else {
        Confidence::Medium
    };

    let name = &f.host.name;
    let mut parts = Vec::new();
    if let Some(first) = ev4226.first() {
        parts.push(match ev4226.len() {
            1 => format!("Event 4226 at {}", first.time),
            n => format!("{n} Events 4226, the first at {}", first.time),
        });
    }
    if let (Some(&(s, _)), Some(last)) = (windows.first(), windows.iter().map(|w| w.1).max()) {
        parts.push(format!(
            "{limit} connection attempts outstanding from {s} to {last}{}",
            if f.fingerprint {
                " with queued connects leaving as slots free"
            } else {
                ""
            }
        ));
    } else if let Some((p, t)) = peak {
        parts.push(format!(
            "capture peak of {p} concurrent half-open connections at {t}"
        ));
    }
    if syn_retx > 0 {
        parts.push(format!(
            "{syn_retx} SYN retransmissions to {} unanswered destinations",
            unanswered.len()
        ));
    }
    if let Some(n) = best_snapshot.filter(|n| n.syn_sent > 0) {
        let who = culprits
            .first()
            .map(|c| format!(", most from PID {} ({})", c.pid, c.syn_sent))
            .unwrap_or_default();
        parts.push(format!("netstat shows {} SYN_SENT{who}", n.syn_sent));
    }
    let mut evidence: Vec<Evidence> = ev4226.iter().map(|e| (*e).clone()).collect();
    evidence.extend(f.at_limit.iter().filter(|e| inside(e.time)).cloned());
    evidence.extend(f.peaks.iter().filter(|e| inside(e.time)).cloned());
    evidence.extend(at_limit_snaps.iter().map(|n| snapshot_evidence(n)));
    evidence.sort_by(|x, y| (x.time, &x.source).cmp(&(y.time, &y.source)));

    let mut out = finding(FindingKind::HalfOpenLimit, name, start, end);
    out.summary = format!(
        "{name} reached the half-open connection limit ({limit}): {}",
        parts.join("; ")
    );
    out.confidence = confidence;
    out.evidence = evidence;
    out.events_4226 = ev4226.len() as u64;
    out.peak_half_open = peak.map(|p| p.0).or(f.peak.filter(|_| mine).map(|p| p.0));
    out.syn_retransmissions = syn_retx;
    out.culprits = culprits;
    out.unanswered_destinations = unanswered;
    out.resolution = HALF_OPEN_RESOLUTION;
    out
}

fn limit_not_enforced(f: &HostFacts, limit: u32) -> Option<Finding> {
    if !f.ev4226.is_empty() {
        return None;
    }
    let over_capture = f.peak.filter(|p| p.0 > limit);
    let over_netstat: Vec<&NetstatSummary> = f
        .netstat
        .iter()
        .copied()
        .filter(|n| n.syn_sent > u64::from(limit))
        .collect();
    if over_capture.is_none() && over_netstat.is_empty() {
        return None;
    }
    let mut times: Vec<UtcTime> = over_netstat.iter().map(|n| n.time).collect();
    times.extend(over_capture.map(|p| p.1));
    let (start, end) = span(&times)?;
    let mut parts = Vec::new();
    if let Some((p, t)) = over_capture {
        parts.push(format!("{p} concurrent half-open connections at {t}"));
    }
    if let Some(n) = over_netstat.iter().max_by_key(|n| n.syn_sent) {
        parts.push(format!("{} SYN_SENT in netstat at {}", n.syn_sent, n.time));
    }
    let mut out = finding(FindingKind::LimitNotEnforced, &f.host.name, start, end);
    out.summary = format!(
        "{} had more connect attempts outstanding than the limit ({limit}) and logged no Event 4226: {}",
        f.host.name,
        parts.join("; ")
    );
    out.confidence = if over_capture.is_some() {
        Confidence::Medium
    } else {
        Confidence::Low
    };
    out.evidence = f.peaks.clone();
    out.evidence
        .extend(over_netstat.iter().map(|n| snapshot_evidence(n)));
    out.peak_half_open = f.peak.map(|p| p.0);
    out.syn_retransmissions = f.syn_retx;
    out.culprits = over_netstat
        .iter()
        .max_by_key(|n| n.syn_sent)
        .map(|n| top_pids(&n.syn_sent_by_pid))
        .unwrap_or_default();
    out.resolution = NOT_ENFORCED_RESOLUTION;
    Some(out)
}

fn port_findings(f: &HostFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    let full: Vec<&NetstatSummary> = f
        .netstat
        .iter()
        .copied()
        .filter(|n| n.by_state.get("TIME_WAIT").copied().unwrap_or(0) >= TIME_WAIT_EXHAUSTION)
        .collect();
    let mut times: Vec<UtcTime> = f.ev_ports.iter().map(|e| e.time).collect();
    times.extend(full.iter().map(|n| n.time));
    if let Some((start, end)) = span(&times) {
        let mut x = finding(
            FindingKind::EphemeralPortExhaustion,
            &f.host.name,
            start,
            end,
        );
        let mut parts = Vec::new();
        if !f.ev_ports.is_empty() {
            parts.push(format!("{} Tcpip 4231/4266 events", f.ev_ports.len()));
        }
        if let Some(n) = full.iter().max_by_key(|n| n.by_state.get("TIME_WAIT")) {
            parts.push(format!(
                "{} connections in TIME_WAIT at {}",
                n.by_state.get("TIME_WAIT").copied().unwrap_or(0),
                n.time
            ));
        }
        x.summary = format!(
            "{} ran out of ephemeral ports: {}",
            f.host.name,
            parts.join("; ")
        );
        x.confidence = if f.ev_ports.is_empty() {
            Confidence::Medium
        } else {
            Confidence::High
        };
        x.evidence = f.ev_ports.clone();
        x.evidence.extend(full.iter().map(|n| snapshot_evidence(n)));
        x.resolution = PORT_EXHAUSTION_RESOLUTION;
        out.push(x);
    }
    if let Some((start, end)) = span(&f.ev4227.iter().map(|e| e.time).collect::<Vec<_>>()) {
        let mut x = finding(FindingKind::TimeWaitCollision, &f.host.name, start, end);
        x.summary = format!(
            "{} hit {} TIME_WAIT collisions on outgoing connects (Tcpip 4227)",
            f.host.name,
            f.ev4227.len()
        );
        x.confidence = Confidence::High;
        x.evidence = f.ev4227.clone();
        x.resolution = TIME_WAIT_RESOLUTION;
        out.push(x);
    }
    out
}

fn gap_findings(gaps: &[AlarmGap], hosts: &Hosts, limit_windows: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for g in gaps {
        let client = hosts
            .host_of_addr(g.client)
            .unwrap_or_else(|| g.client.to_string());
        let provider_host = hosts.host_of_addr(g.provider);
        let explained = provider_host.as_deref().is_some_and(|p| {
            limit_windows
                .iter()
                .any(|f| f.host == p && f.start <= g.end && g.start <= f.end)
        });
        let mut x = finding(FindingKind::AlarmClientGap, &client, g.start, g.end);
        x.summary = format!(
            "alarm client {} got nothing from its provider {} for {:.0} s ({}){}",
            g.client,
            g.provider,
            g.seconds,
            g.cause,
            if explained {
                ", while the provider's host was at its half-open limit"
            } else {
                ""
            }
        );
        x.confidence = if explained {
            Confidence::High
        } else {
            Confidence::Medium
        };
        if let Some(p) = &g.path {
            x.evidence.push(Evidence {
                kind: EntryKind::AlarmGap,
                time: g.start,
                message: x.summary.clone(),
                source: SourceRef {
                    path: Arc::from(Path::new(p)),
                    locator: Locator::FrameNumber(g.frame),
                },
            });
        }
        x.client = Some(g.client.to_string());
        x.provider = Some(g.provider.to_string());
        x.explained = Some(explained);
        x.seconds = Some(g.seconds);
        x.cause = Some(g.cause.clone());
        x.resolution = if explained {
            GAP_EXPLAINED_RESOLUTION
        } else {
            GAP_UNEXPLAINED_RESOLUTION
        };
        out.push(x);
    }
    out
}

fn clock_findings(offsets: &[ClockOffset], timeline: &[TimelineEntry]) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in offsets.iter().filter(|c| c.offset_s.abs() > FLAG_OFFSET_S) {
        let at = timeline
            .iter()
            .filter(|e| e.source.path.display().to_string() == c.source)
            .map(|e| e.time)
            .collect::<Vec<_>>();
        let Some((start, end)) = span(&at) else {
            continue;
        };
        let mut x = finding(FindingKind::ClockOffset, "", start, end);
        x.summary = format!(
            "the clock of {} is off by {:+.1} s ({}, {} anchors)",
            c.source, c.offset_s, c.method, c.anchors
        );
        x.confidence = match c.anchors {
            0 => Confidence::High,
            1 => Confidence::Low,
            2 => Confidence::Medium,
            _ => Confidence::High,
        };
        x.source = Some(c.source.clone());
        x.offset_s = Some(c.offset_s);
        x.resolution = CLOCK_RESOLUTION;
        out.push(x);
    }
    out
}

/// Every finding of the run, sorted by (start, host, kind word): per host (`views`, on the
/// common clock) its half-open-limit episodes or else a `limit_not_enforced`, its port findings;
/// then one per alarm gap and one per flagged clock offset.
pub(crate) fn findings(
    views: &[HostView],
    hosts: &Hosts,
    clocks: &Clocks,
    limit: u32,
    gaps: &[AlarmGap],
    timeline: &[TimelineEntry],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for v in views {
        let f = gather(v, clocks);
        let limits = half_open_limit(&f, limit);
        if limits.is_empty() {
            out.extend(limit_not_enforced(&f, limit));
        }
        out.extend(limits);
        out.extend(port_findings(&f));
    }
    let limits: Vec<Finding> = out
        .iter()
        .filter(|f| f.kind == FindingKind::HalfOpenLimit)
        .cloned()
        .collect();
    out.extend(gap_findings(gaps, hosts, &limits));
    out.extend(clock_findings(&clocks.list, timeline));
    out.sort_by(|x, y| {
        (x.start, &x.host, x.kind.as_str()).cmp(&(y.start, &y.host, y.kind.as_str()))
    });
    super::episodes::merge_episodes(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> UtcTime {
        UtcTime::from_unix_secs(s)
    }

    #[test]
    fn signs_within_an_hour_are_one_episode() {
        let spans = vec![
            (t(5000), t(5000)),
            (t(0), t(100)),
            (t(3700), t(3800)),
            (t(90_000), t(90_000)),
        ];
        // 0–100 and 3700–3800 are 3600 s apart: one episode; 5000 joins it; 90000 is apart.
        assert_eq!(
            episodes(spans),
            vec![(t(0), t(5000)), (t(90_000), t(90_000))]
        );
        assert!(episodes(Vec::new()).is_empty());
    }
}
