//! Connection facts from the logs that see single connections (issue 19): event logs (Sysmon 3,
//! Security 5156/5157; [`crate::analysis::connections`]) and Windows Firewall logs
//! ([`crate::ingest::firewall`]). Each is one `connections[]` fact and one `connection` timeline
//! entry, located by record or line.

use super::hosts::Hosts;
use super::result::ConnectionFact;
use crate::ingest::firewall::FirewallLog;
use crate::model::{EntryKind, EventLog, Locator, SourceRef, TimelineEntry};
use std::path::Path;
use std::sync::Arc;

/// The connection events of an event log (Sysmon 3, Security 5156/5157): one fact and one
/// timeline entry each.
pub(crate) fn event_log_connections(
    path: &Arc<Path>,
    log: &EventLog,
    hosts: &Hosts,
    timeline: &mut Vec<TimelineEntry>,
    connections: &mut Vec<ConnectionFact>,
) {
    for r in &log.records {
        let Some(c) = crate::analysis::connections::connection_of(r) else {
            continue;
        };
        let host = hosts.host_of_name(&r.computer);
        let source = SourceRef {
            path: path.clone(),
            locator: Locator::Record(r.record_id),
        };
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
}

/// The connection lines of a firewall log: `OPEN`/`OPEN-INBOUND` (XP), `ALLOW`/`DROP` (all);
/// `CLOSE` ends a connection already counted and is left out. The host is the sender's for an
/// outgoing line, the receiver's for an incoming one.
pub(crate) fn firewall_connections(
    path: &Arc<Path>,
    f: &FirewallLog,
    hosts: &Hosts,
    timeline: &mut Vec<TimelineEntry>,
    connections: &mut Vec<ConnectionFact>,
) {
    for e in &f.entries {
        if !matches!(
            e.action.as_str(),
            "OPEN" | "OPEN-INBOUND" | "ALLOW" | "DROP"
        ) {
            continue;
        }
        let outbound = e.outbound();
        let local = if outbound == Some(false) {
            e.dst
        } else {
            e.src
        };
        let host = local.and_then(|a| hosts.host_of_addr(a));
        let source = SourceRef {
            path: path.clone(),
            locator: Locator::Line(e.line),
        };
        let end = |a: Option<std::net::IpAddr>, p: Option<u16>| match (a, p) {
            (Some(std::net::IpAddr::V6(v6)), Some(p)) => format!("[{v6}]:{p}"),
            (Some(a), Some(p)) => format!("{a}:{p}"),
            (Some(a), None) => a.to_string(),
            _ => "?".to_string(),
        };
        let dir = match outbound {
            Some(true) => " outbound",
            Some(false) => " inbound",
            None => "",
        };
        let pid = e.pid.map(|p| format!(" PID {p}")).unwrap_or_default();
        timeline.push(TimelineEntry {
            time: e.time,
            host: host.clone(),
            kind: EntryKind::Connection,
            message: format!(
                "Firewall {}{pid} {} {} -> {}{dir}",
                e.action,
                e.protocol,
                end(e.src, e.sport),
                end(e.dst, e.dport)
            ),
            source: source.clone(),
        });
        connections.push(ConnectionFact {
            time: e.time,
            host,
            event: format!(
                "firewall_{}",
                e.action.to_ascii_lowercase().replace('-', "_")
            ),
            pid: e.pid,
            image: None,
            protocol: e.protocol.clone(),
            src: e.src.map(|a| a.to_string()),
            sport: e.sport,
            dst: e.dst.map(|a| a.to_string()),
            dport: e.dport,
            direction: outbound.map(|o| if o { "outbound" } else { "inbound" }.to_string()),
            allowed: e.action != "DROP",
            source,
        });
    }
}
