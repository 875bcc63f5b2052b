//! Per host, what the walk collected for it ([`HostView`]) and its [`HostSummary`].

use super::clock::Clocks;
use super::hosts::{Host, Hosts};
use super::result::HostSummary;
use super::walk::HostCaptures;
use crate::analysis::netstat_facts::NetstatSummary;
use crate::model::{EntryKind, TimelineEntry, UtcTime};
use std::collections::{BTreeMap, HashMap};

/// One host and everything the sources say of it: its capture facts (by host id) and its
/// timeline entries and netstat snapshots (by display name), each in their sorted order.
pub(crate) struct HostView<'a> {
    /// The merged host.
    pub(crate) host: &'a Host,
    /// What its captures tell (raw capture clocks).
    pub(crate) captures: &'a HostCaptures<'a>,
    /// Its timeline entries, sorted, common clock.
    pub(crate) timeline: Vec<&'a TimelineEntry>,
    /// Its netstat snapshots, input order, common clock.
    pub(crate) netstat: Vec<&'a NetstatSummary>,
}

/// One view per host, in [`Hosts::hosts`] order; `by_host` is indexed by host id.
pub(crate) fn host_views<'a>(
    hosts: &'a Hosts,
    by_host: &'a [HostCaptures<'a>],
    timeline: &'a [TimelineEntry],
    netstat: &'a [NetstatSummary],
) -> Vec<HostView<'a>> {
    let mut entries: HashMap<&str, Vec<&TimelineEntry>> = HashMap::new();
    for e in timeline {
        if let Some(h) = e.host.as_deref() {
            entries.entry(h).or_default().push(e);
        }
    }
    let mut snaps: HashMap<&str, Vec<&NetstatSummary>> = HashMap::new();
    for n in netstat {
        if let Some(h) = n.host.as_deref() {
            snaps.entry(h).or_default().push(n);
        }
    }
    hosts
        .hosts
        .iter()
        .zip(by_host)
        .map(|(host, captures)| HostView {
            host,
            captures,
            timeline: entries.get(host.name.as_str()).cloned().unwrap_or_default(),
            netstat: snaps.get(host.name.as_str()).cloned().unwrap_or_default(),
        })
        .collect()
}

/// The summary of each host; with `series`, its half-open step series on the common clock.
pub(crate) fn host_summaries(
    views: &[HostView],
    clocks: &Clocks,
    series: bool,
) -> Vec<HostSummary> {
    views
        .iter()
        .map(|v| host_summary(v, clocks, series))
        .collect()
}

fn host_summary(v: &HostView, clocks: &Clocks, with_series: bool) -> HostSummary {
    let h = v.host;
    let mut peak: Option<(u32, Option<UtcTime>)> = None;
    let mut seconds_at_limit = 0.0;
    let mut fingerprint = false;
    let mut series: Vec<(UtcTime, u32)> = Vec::new();
    for o in &v.captures.half_open {
        let ho = o.half_open;
        if peak.is_none_or(|(p, _)| ho.peak > p) {
            peak = Some((ho.peak, ho.peak_at.map(|t| clocks.shift(o.path, t))));
        }
        seconds_at_limit += ho.seconds_at_limit;
        fingerprint |= ho.queued_connect_fingerprint;
        if with_series {
            series.extend(ho.series.iter().map(|&(t, n)| (clocks.shift(o.path, t), n)));
        }
    }
    // The busiest second; ties go to the earliest (the map is unordered).
    let rate = v
        .captures
        .connects_per_s
        .iter()
        .map(|(&(path, sec), &n)| (n, clocks.shift(path, UtcTime::from_unix_secs(sec))))
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut events = BTreeMap::new();
    for e in &v.timeline {
        if let Some(id) = event_id_of(e.kind) {
            *events.entry(id.to_string()).or_default() += 1;
        }
    }
    HostSummary {
        name: h.name.clone(),
        addresses: h.addrs.iter().map(|a| a.to_string()).collect(),
        aliases: h.names.iter().filter(|n| **n != h.name).cloned().collect(),
        peak_half_open: peak.map(|p| p.0),
        peak_half_open_at: peak.and_then(|p| p.1),
        seconds_at_limit,
        peak_connects_per_s: rate.map(|r| r.0),
        peak_connects_per_s_at: rate.map(|r| r.1),
        syn_retransmissions: v.captures.syn_retx,
        events,
        max_syn_sent: v.netstat.iter().map(|n| n.syn_sent).max(),
        merged_from: h.merged_from.clone(),
        queued_connect_fingerprint: fingerprint,
        half_open_series: with_series.then(|| {
            series.sort_by_key(|p| p.0);
            series
        }),
    }
}

/// The event id a timeline kind stands for (Tcpip 4226/4227/4231/4266, EventLog 6005/6006/6008).
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
