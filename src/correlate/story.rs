//! The entries that make the timeline tell the incident end to end (issue 20 §5): each alarm
//! gap's start and end (the client hearing from its provider again is its reconnect), the end
//! of each half-open limit episode (the limit released), and the end of every other finding
//! that lasts. Starts of findings need no entry of their own: a finding starts at its earliest
//! sign, which is already an entry (an Event 4226, the limit reached in a capture, a netstat
//! snapshot at the limit).

use super::hosts::Hosts;
use super::result::Finding;
use crate::analysis::alarm::AlarmGap;
use crate::model::{EntryKind, FindingKind, Locator, SourceRef, TimelineEntry};
use std::path::Path;
use std::sync::Arc;

/// The story entries of `findings` and `gaps` (common clock), unsorted.
pub(crate) fn story_entries(
    findings: &[Finding],
    gaps: &[AlarmGap],
    hosts: &Hosts,
) -> Vec<TimelineEntry> {
    let mut out = Vec::new();
    for g in gaps {
        let Some(p) = &g.path else { continue };
        let path: Arc<Path> = Arc::from(Path::new(p));
        // As in the gap's finding: the client's host name, else its address.
        let host = Some(
            hosts
                .host_of_addr(g.client)
                .unwrap_or_else(|| g.client.to_string()),
        );
        out.push(TimelineEntry {
            time: g.start,
            host: host.clone(),
            kind: EntryKind::AlarmGap,
            message: format!(
                "alarm client {} gets nothing from its provider {} from here ({})",
                g.client, g.provider, g.cause
            ),
            source: SourceRef {
                path: path.clone(),
                locator: Locator::FrameNumber(g.frame),
            },
        });
        out.push(TimelineEntry {
            time: g.end,
            host,
            kind: EntryKind::AlarmGapEnd,
            message: format!(
                "alarm client {} hears from its provider {} again (no word from it for {:.0} s)",
                g.client, g.provider, g.seconds
            ),
            source: SourceRef {
                path,
                locator: Locator::File,
            },
        });
    }
    for f in findings {
        release_entries(f, &mut out);
    }
    for f in findings.iter().filter(|f| f.end > f.start) {
        if matches!(
            f.kind,
            FindingKind::HalfOpenLimit | FindingKind::AlarmClientGap
        ) {
            continue;
        }
        let Some(last) = f
            .evidence
            .iter()
            .filter(|e| e.time <= f.end)
            .max_by_key(|e| e.time)
        else {
            continue;
        };
        let host = if f.host.is_empty() {
            "all hosts"
        } else {
            &f.host
        };
        out.push(TimelineEntry {
            time: f.end,
            host: (!f.host.is_empty()).then(|| f.host.clone()),
            kind: EntryKind::FindingEnd,
            message: format!(
                "end of the {} finding on {host} (began at {})",
                f.kind.as_str().replace('_', " "),
                f.start
            ),
            source: SourceRef {
                path: last.source.path.clone(),
                locator: Locator::File,
            },
        });
    }
    out
}

/// One `half_open_limit_released` entry at the end of each episode of a `half_open_limit`
/// finding that lasts, pointing at the capture that showed the limit (else the episode's latest
/// evidence).
fn release_entries(f: &Finding, out: &mut Vec<TimelineEntry>) {
    if f.kind != FindingKind::HalfOpenLimit {
        return;
    }
    for ep in f.episodes.iter().filter(|e| e.end > e.start) {
        let inside = |t| ep.start <= t && t <= ep.end;
        let latest = f
            .evidence
            .iter()
            .filter(|e| inside(e.time))
            .max_by_key(|e| e.time);
        let Some(src) = f
            .evidence
            .iter()
            .find(|e| e.kind == EntryKind::HalfOpenLimitReached && inside(e.time))
            .or(latest)
        else {
            continue;
        };
        out.push(TimelineEntry {
            time: ep.end,
            host: Some(f.host.clone()),
            kind: EntryKind::HalfOpenLimitReleased,
            message: format!(
                "{} is below the half-open limit again (end of the episode that began at {})",
                f.host, ep.start
            ),
            source: SourceRef {
                path: src.source.path.clone(),
                locator: Locator::File,
            },
        });
    }
}
