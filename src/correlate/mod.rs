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
//!
//! Steps, each reading only what the step before produced: `hosts::identify` (one walk over the
//! inputs: the host index), `walk::walk` (one walk: entries, summaries and per-host capture
//! facts), `clock::estimate`, then host summaries, findings and verdicts.

mod clock;
mod connlog;
mod crowd;
mod episodes;
mod findings;
mod hosts;
mod overlap;
mod placing;
mod processes;
pub(crate) use hosts::netstat_identity;
mod result;
mod settings;
mod story;
mod summaries;
mod verdicts;
mod walk;

pub use crate::analysis::netstat_facts::{Culprit, NetstatSummary};
pub use clock::{FLAG_OFFSET_S, MAX_ANCHOR_S};
pub use crowd::{CROWD_SENDERS, MAX_LISTED_ATTEMPTS};
pub use findings::HALF_OPEN_RESOLUTION;
pub use overlap::{CaptureOverlap, OVERLAP_TOLERANCE_S};
pub use processes::LEAD_S;
pub use result::{
    Analysis, CaptureHost, CaptureSummary, ClockOffset, ConnectionFact, Episode, Evidence, Finding,
    HandshakeCounts, HostSummary, InputError, InputSummary, ProcessConnects, Settings, Verdict,
};
pub use settings::CorrelateSettings;

use crate::analysis::source::Input;
use crate::ingest::IngestError;
use std::path::Path;

/// Per capture, its connection anchors against the connection facts (none when there are no
/// facts: the captures are not walked again).
fn connection_anchors<'a>(
    inputs: &'a [Input],
    facts: &[ConnectionFact],
) -> std::collections::HashMap<&'a Path, Vec<f64>> {
    if facts.is_empty() {
        return std::collections::HashMap::new();
    }
    inputs
        .iter()
        .filter_map(|i| match &i.data {
            Ok(crate::analysis::source::InputData::Capture(c)) => Some((
                &*i.path,
                clock::connection_shifts(c.handshakes.attempts.iter(), facts),
            )),
            _ => None,
        })
        .collect()
}

/// Joins the inputs into one [`Analysis`]. `list_errors` are the paths that could not even be
/// listed; they come first in [`Analysis::errors`].
pub fn correlate(
    inputs: &[Input],
    list_errors: &[IngestError],
    settings: &CorrelateSettings,
) -> Analysis {
    let ids = hosts::identify(inputs, &settings.hosts);
    let mut w = walk::walk(inputs, &ids, settings);
    let connects = connection_anchors(inputs, &w.connections);
    let clocks = clock::estimate(&w.clocks, &w.timeline, &settings.clock_offsets, &connects);
    w.warnings.extend(clock::one_anchor_warnings(&clocks.list));
    for e in &mut w.timeline {
        e.time = clocks.shift(&e.source.path, e.time);
    }
    for n in &mut w.netstat {
        n.time = clocks.shift(Path::new(&n.path), n.time);
    }
    for c in &mut w.connections {
        c.time = clocks.shift(&c.source.path, c.time);
    }
    w.connections.sort_by(|x, y| {
        (x.time, &x.source.path, &x.source.locator).cmp(&(
            y.time,
            &y.source.path,
            &y.source.locator,
        ))
    });
    for g in &mut w.alarm_gaps {
        if let Some(p) = &g.path {
            g.start = clocks.shift(Path::new(p), g.start);
            g.end = clocks.shift(Path::new(p), g.end);
        }
    }
    sort_timeline(&mut w.timeline);
    let views = summaries::host_views(&ids.hosts, &w.by_host, &w.timeline, &w.netstat);
    let host_list = summaries::host_summaries(&views, &clocks, settings.series);
    let mut found = findings::findings(
        &views,
        &ids.hosts,
        &clocks,
        settings.half_open_limit,
        &w.alarm_gaps,
        &w.timeline,
    );
    drop(views);
    processes::attach(&mut found, &w.connections);
    let mut verdict_list = verdicts::verdicts(&host_list, &found);
    let mut errors: Vec<InputError> = list_errors
        .iter()
        .map(|e| InputError {
            path: error_path(e),
            error: e.to_string(),
        })
        .collect();
    errors.append(&mut w.errors);
    let recognised = evidence_recognised(&w.inputs, &w.netstat);
    if !recognised {
        w.warnings
            .insert(0, no_evidence_warning(&w.inputs, errors.len()));
        verdict_list = vec![verdicts::no_evidence(w.inputs.len(), errors.len())];
    }
    let mut timeline = w.timeline;
    timeline.extend(story::story_entries(&found, &w.alarm_gaps, &ids.hosts));
    sort_timeline(&mut timeline);
    if let Some(at) = settings.around {
        let half = settings.window_s;
        timeline.retain(|e| e.time.seconds_since(at).abs() <= half);
    }
    let alarm = !(settings.alarm_providers.is_empty() && settings.alarm_clients.is_empty());
    Analysis {
        settings: Settings {
            half_open_limit: settings.half_open_limit,
            give_up_s: settings.give_up_s,
            netstat_time: settings.netstat_time,
            gap_s: alarm.then_some(settings.gap_s),
            alarm_providers: settings
                .alarm_providers
                .iter()
                .map(|e| e.to_string())
                .collect(),
            alarm_clients: settings
                .alarm_clients
                .iter()
                .map(|e| e.to_string())
                .collect(),
            profiles: settings.profiles.clone(),
        },
        inputs: w.inputs,
        captures: w.captures,
        netstat: w.netstat,
        hosts: host_list,
        findings: found,
        timeline,
        errors,
        alarm_gaps: w.alarm_gaps,
        clock_offsets: clocks.list,
        verdicts: verdict_list,
        warnings: w.warnings,
        evidence_recognised: recognised,
        connections: w.connections,
    }
}

/// True when some input gave at least one event record, netstat row or packet, or a netstat
/// snapshot (a `netstat -s` has counters and no rows).
pub fn evidence_recognised(
    inputs: &[InputSummary],
    netstat: &[crate::analysis::netstat_facts::NetstatSummary],
) -> bool {
    !netstat.is_empty() || inputs.iter().any(|i| i.records > 0)
}

/// The first warning of a run in which [`evidence_recognised`] is false.
fn no_evidence_warning(inputs: &[InputSummary], errors: usize) -> String {
    let unknown = inputs
        .iter()
        .filter(|i| i.error.is_none() && i.format == crate::model::Format::Unknown)
        .count();
    format!(
        "no evidence was recognised: {} inputs, {unknown} of unknown format, {errors} not \
         readable, none gave an event record, netstat snapshot or packet",
        inputs.len()
    )
}

/// Sorts by (time, source path, locator, kind): the same order whatever the thread count.
fn sort_timeline(t: &mut [crate::model::TimelineEntry]) {
    t.sort_by(|x, y| {
        (x.time, &x.source.path, &x.source.locator, x.kind).cmp(&(
            y.time,
            &y.source.path,
            &y.source.locator,
            y.kind,
        ))
    });
}

fn error_path(e: &IngestError) -> String {
    match e {
        IngestError::Io { path, .. }
        | IngestError::BadHeader { path, .. }
        | IngestError::Damaged { path, .. } => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hosts::HostRegistry;
    use std::net::IpAddr;

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
