//! Connection facts from the logs that see single connections (issue 19): event logs (Sysmon 3,
//! Security 5156/5157; [`crate::analysis::connections`]) and Windows Firewall logs
//! ([`crate::ingest::firewall`]). Each is one `connections[]` fact and one `connection` timeline
//! entry, located by record or line.

use super::hosts::Hosts;
use super::result::ConnectionFact;
use crate::analysis::connections::{Connection, connection_of, connection_of_firewall};
use crate::ingest::firewall::FirewallLog;
use crate::model::{EntryKind, EventLog, Locator, SourceRef, TimelineEntry};
use std::path::Path;
use std::sync::Arc;

/// The connection events of an event log (Sysmon 3, Security 5156/5157): one fact and one
/// timeline entry each; the host is the record's `Computer`.
pub(crate) fn event_log_connections(
    path: &Arc<Path>,
    log: &EventLog,
    hosts: &Hosts,
    timeline: &mut Vec<TimelineEntry>,
    connections: &mut Vec<ConnectionFact>,
) {
    for r in &log.records {
        if let Some(c) = connection_of(r) {
            let host = hosts.host_of_name(&r.computer);
            let source = SourceRef {
                path: path.clone(),
                locator: Locator::Record(r.record_id),
            };
            push(c, host, source, timeline, connections);
        }
    }
}

/// The connection lines of a firewall log ([`connection_of_firewall`]). The host is the
/// sender's for an outgoing line, the receiver's for an incoming one.
pub(crate) fn firewall_connections(
    path: &Arc<Path>,
    f: &FirewallLog,
    hosts: &Hosts,
    timeline: &mut Vec<TimelineEntry>,
    connections: &mut Vec<ConnectionFact>,
) {
    for e in &f.entries {
        if let Some(c) = connection_of_firewall(e) {
            let local = if c.outbound == Some(false) {
                c.dst
            } else {
                c.src
            };
            let host = local.and_then(|a| hosts.host_of_addr(a));
            let source = SourceRef {
                path: path.clone(),
                locator: Locator::Line(e.line),
            };
            push(c, host, source, timeline, connections);
        }
    }
}

/// One connection's timeline entry and fact.
fn push(
    c: Connection,
    host: Option<String>,
    source: SourceRef,
    timeline: &mut Vec<TimelineEntry>,
    connections: &mut Vec<ConnectionFact>,
) {
    timeline.push(TimelineEntry {
        time: c.time,
        host: host.clone(),
        kind: EntryKind::Connection,
        message: c.message(),
        source: source.clone(),
    });
    connections.push(ConnectionFact {
        time: c.time,
        host,
        event: c.event.to_string(),
        pid: c.pid,
        image: c.image,
        protocol: c.protocol,
        src: c.src.map(|a| a.to_string()),
        sport: c.sport,
        dst: c.dst.map(|a| a.to_string()),
        dport: c.dport,
        direction: c
            .outbound
            .map(|o| if o { "outbound" } else { "inbound" }.to_string()),
        allowed: c.allowed,
        source,
    });
}
