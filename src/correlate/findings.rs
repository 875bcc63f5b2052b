//! Findings: conclusions about a host with their evidence, window and resolution text.

use super::*;

pub(crate) fn findings(
    hosts: &Hosts,
    inputs: &[Input],
    a: &Analysis,
    config: &Config,
) -> Vec<Finding> {
    let limit = config.half_open_limit;
    let mut out = Vec::new();
    for h in &hosts.hosts {
        let evidence_of = |kind: EntryKind| -> Vec<Evidence> {
            a.timeline
                .iter()
                .filter(|e| e.kind == kind && e.host.as_deref() == Some(&h.name))
                .map(|e| Evidence {
                    kind: e.kind,
                    time: e.time,
                    message: e.message.clone(),
                    source: e.source.clone(),
                })
                .collect()
        };
        let ev4226 = evidence_of(EntryKind::Tcpip4226);
        let mut at_limit: Vec<Evidence> = evidence_of(EntryKind::HalfOpenLimitReached);
        let peaks = evidence_of(EntryKind::HalfOpenPeak);
        let netstat_at_limit: Vec<&NetstatSummary> = a
            .netstat
            .iter()
            .filter(|n| n.host.as_deref() == Some(&h.name) && n.syn_sent >= u64::from(limit))
            .collect();
        if ev4226.is_empty() && at_limit.is_empty() && netstat_at_limit.is_empty() {
            continue;
        }
        // The window: from the first sign to the last.
        let mut times: Vec<UtcTime> = ev4226.iter().chain(&at_limit).map(|e| e.time).collect();
        let mut peak: Option<(u32, UtcTime)> = None;
        let mut syn_retx = 0u64;
        let mut unanswered = BTreeSet::new();
        for input in inputs {
            let Ok(InputData::Capture(c)) = &input.data else {
                continue;
            };
            for ho in c.half_open.iter().filter(|x| h.owns(x.host, &input.path)) {
                if let (Some(t), true) = (ho.peak_at, peak.is_none_or(|p| ho.peak > p.0)) {
                    peak = Some((ho.peak, t));
                }
                if let Some(end) = last_time_at_limit(&ho.series, limit) {
                    times.push(end);
                }
            }
            for at in c
                .handshakes
                .attempts
                .iter()
                .filter(|x| h.owns(x.src, &input.path))
            {
                syn_retx += at.retransmissions.len() as u64;
                if at.outcome == Outcome::Unanswered || at.outcome == Outcome::OpenAtEnd {
                    unanswered.insert((at.dst, at.dport));
                }
            }
        }
        times.extend(netstat_at_limit.iter().map(|n| n.time));
        let (Some(&start), Some(&end)) = (times.iter().min(), times.iter().max()) else {
            continue;
        };
        let best_snapshot = a
            .netstat
            .iter()
            .filter(|n| n.host.as_deref() == Some(&h.name))
            .max_by_key(|n| n.syn_sent);
        let culprits = best_snapshot
            .map(|n| top_pids(&n.syn_sent_by_pid))
            .unwrap_or_default();

        let mut parts = Vec::new();
        if let Some(first) = ev4226.first() {
            parts.push(format!(
                "Event 4226 at {} ({} in all)",
                first.time,
                ev4226.len()
            ));
        }
        if let Some((p, t)) = peak {
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
        let summary = format!(
            "{} reached the half-open connection limit ({limit}): {}",
            h.name,
            parts.join("; ")
        );
        let mut evidence = ev4226.clone();
        evidence.append(&mut at_limit);
        evidence.extend(peaks);
        for n in &netstat_at_limit {
            evidence.push(Evidence {
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
            });
        }
        evidence.sort_by(|x, y| (x.time, &x.source).cmp(&(y.time, &y.source)));
        out.push(Finding {
            kind: "half_open_limit",
            host: h.name.clone(),
            start,
            end,
            summary,
            evidence,
            events_4226: ev4226.len() as u64,
            peak_half_open: peak.map(|p| p.0),
            syn_retransmissions: syn_retx,
            culprits,
            unanswered_destinations: unanswered.into_iter().map(|(a, p)| sock(a, p)).collect(),
            resolution: HALF_OPEN_RESOLUTION,
        });
    }
    out
}

/// The end of the last interval in which the step series was at or above `limit`.
pub(crate) fn last_time_at_limit(series: &[(UtcTime, u32)], limit: u32) -> Option<UtcTime> {
    let mut last = None;
    for w in series.windows(2) {
        if w[0].1 >= limit {
            last = Some(w[1].0);
        }
    }
    last
}
