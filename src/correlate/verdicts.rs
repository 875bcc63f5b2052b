//! The one-line verdict per host: `critical` when the half-open limit was reached (the story of
//! its first episode, the alarm clients it starved, and the fix of Tech Note 838 / KB969710),
//! `warning` for port exhaustion, TIME_WAIT collisions or an alarm client gap, `info` when the
//! limit is not enforced, else `ok`.

use super::result::{Finding, HostSummary, Verdict};
use crate::model::{EntryKind, FindingKind, VerdictSeverity};

/// The one verdict of a run in which no input gave an event record, netstat snapshot or packet
/// (`inputs` given, `unreadable` of them not readable at all): host empty, severity
/// `no_evidence`, so that "nothing was read" is never reported as "nothing was found".
pub(crate) fn no_evidence(inputs: usize, unreadable: usize) -> Verdict {
    let given = match inputs {
        0 => "no input was given".to_string(),
        1 => "the one input gave no event record, netstat snapshot or packet".to_string(),
        n => format!("none of the {n} inputs gave an event record, netstat snapshot or packet"),
    };
    let unreadable = match unreadable {
        0 => String::new(),
        1 => " (1 could not be read)".to_string(),
        n => format!(" ({n} could not be read)"),
    };
    Verdict {
        host: String::new(),
        severity: VerdictSeverity::NoEvidence,
        text: format!(
            "No evidence was recognised: {given}{unreadable}. Nothing can be said about the \
             half-open connection limit; check that the bundle holds the exported event logs, \
             netstat text or captures."
        ),
    }
}

/// One verdict per host, most severe first (then by host name): the story of its findings in one
/// line, or that nothing was found.
pub(crate) fn verdicts(hosts: &[HostSummary], findings: &[Finding]) -> Vec<Verdict> {
    let mut out = Vec::new();
    for h in hosts {
        let mine: Vec<&Finding> = findings.iter().filter(|f| f.host == h.name).collect();
        let (severity, text) =
            if let Some(f) = mine.iter().find(|f| f.kind == FindingKind::HalfOpenLimit) {
                let gaps_from: Vec<&Finding> = findings
                    .iter()
                    .filter(|f| {
                        f.kind == FindingKind::AlarmClientGap
                            && f.explained == Some(true)
                            && f.provider
                                .as_deref()
                                .is_some_and(|p| h.addresses.iter().any(|a| a == p))
                    })
                    .collect();
                (VerdictSeverity::Critical, critical_text(h, f, &gaps_from))
            } else if let Some(f) = mine.iter().find(|f| {
                matches!(
                    f.kind,
                    FindingKind::EphemeralPortExhaustion
                        | FindingKind::TimeWaitCollision
                        | FindingKind::AlarmClientGap
                )
            }) {
                (VerdictSeverity::Warning, f.summary.clone())
            } else if let Some(f) = mine
                .iter()
                .find(|f| f.kind == FindingKind::LimitNotEnforced)
            {
                (VerdictSeverity::Info, f.summary.clone())
            } else {
                (
                    VerdictSeverity::Ok,
                    "no sign of the half-open connection limit".to_string(),
                )
            };
        out.push(Verdict {
            host: h.name.clone(),
            severity,
            text,
        });
    }
    out.sort_by(|x, y| (x.severity, &x.host).cmp(&(y.severity, &y.host)));
    out
}

/// The `critical` line: when (Event 4226), how many attempts outstanding with how many SYN
/// retries, from which PID, the alarm clients that got nothing (`gaps_from`), the episodes, and
/// the fix.
fn critical_text(h: &HostSummary, f: &Finding, gaps_from: &[&Finding]) -> String {
    let mut s = format!("On {} the half-open connection limit was reached", h.name);
    if let Some(e) = f.evidence.iter().find(|e| e.kind == EntryKind::Tcpip4226) {
        s.push_str(&format!(" at {} (Event 4226)", e.time));
    }
    s.push('.');
    // The episode the capture covers (the whole finding when it has one episode).
    let (from, to) = f
        .episodes
        .iter()
        .find(|e| e.peak_half_open.is_some())
        .map_or((f.start, f.end), |e| (e.start, e.end));
    if let Some(p) = f.peak_half_open {
        s.push_str(&format!(
            " From {from} to {to} it had {p} connection attempts outstanding"
        ));
        if f.syn_retransmissions > 0 {
            s.push_str(&format!(
                " and {} SYN retries to {} unreachable destinations",
                f.syn_retransmissions,
                f.unanswered_destinations.len()
            ));
        }
        if let Some(c) = f.culprits.first() {
            s.push_str(&format!(", from PID {}", c.pid));
        } else if let Some(p) = f.connecting_processes.first() {
            s.push_str(&format!(", most from {}", process_name(p)));
        }
        s.push('.');
    } else if let Some(c) = f.culprits.first() {
        s.push_str(&format!(" PID {} held {} SYN_SENT.", c.pid, c.syn_sent));
    } else if let Some(p) = f.connecting_processes.first() {
        s.push_str(&format!(
            " The connection logs show {} opening {} outbound connections around it.",
            process_name(p),
            p.connects
        ));
    }
    if !gaps_from.is_empty() {
        let list: Vec<String> = gaps_from
            .iter()
            .map(|g| {
                format!(
                    "{} for {:.0} s",
                    g.client.as_deref().unwrap_or("?"),
                    g.seconds.unwrap_or(0.0)
                )
            })
            .collect();
        s.push_str(&format!(
            " Alarm clients got nothing from their provider: {}.",
            list.join(", ")
        ));
    }
    if let (n @ 2.., Some(last)) = (f.episodes.len(), f.episodes.last()) {
        s.push_str(&format!(
            " It happened in {n} separate episodes, the last from {} to {}.",
            last.start, last.end
        ));
    }
    s.push_str(" Fix: run the alarm provider on a server OS, or remove the limit");
    if let Some(c) = f.culprits.first() {
        s.push_str(&format!("; stop what PID {} is doing", c.pid));
    } else if let Some(p) = f.connecting_processes.first() {
        s.push_str(&format!("; stop what {} is doing", process_name(p)));
    }
    s.push('.');
    s
}

/// `PID 2412 (scanner.exe)`, `PID 2412`, `scanner.exe` or `an unknown process`.
fn process_name(p: &super::result::ProcessConnects) -> String {
    let image = p
        .image
        .as_deref()
        .map(crate::analysis::connections::basename);
    match (p.pid, image) {
        (Some(pid), Some(i)) => format!("PID {pid} ({i})"),
        (Some(pid), None) => format!("PID {pid}"),
        (None, Some(i)) => i.to_string(),
        (None, None) => "an unknown process".to_string(),
    }
}
