//! Which processes opened the connections (issue 19 §1): for each `half_open_limit` finding,
//! the outbound TCP connections the host's connection logs saw (Sysmon 3, Security 5156/5157,
//! firewall OPEN / ALLOW SEND) from [`LEAD_S`] before its start to its end, counted per process
//! and ranked, most first. This names the culprit when no `netstat -o` was taken (Microsoft's
//! Event 4226 advice is to find the process opening many connections).

use super::result::{ConnectionFact, Finding, ProcessConnects};
use crate::model::FindingKind;
use std::collections::BTreeMap;

/// Seconds before a finding's start whose connections still count: the connects that filled the
/// half-open slots were made up to one give-up time (21 s on XP) before the limit was hit.
pub const LEAD_S: f64 = 21.0;

/// Fills `connecting_processes` of every `half_open_limit` finding from `connections`.
pub(crate) fn attach(findings: &mut [Finding], connections: &[ConnectionFact]) {
    for f in findings
        .iter_mut()
        .filter(|f| f.kind == FindingKind::HalfOpenLimit)
    {
        let mut by: BTreeMap<(Option<u32>, Option<&str>), u64> = BTreeMap::new();
        for c in connections.iter().filter(|c| {
            c.host.as_deref() == Some(f.host.as_str())
                && c.protocol == "tcp"
                && c.direction.as_deref() == Some("outbound")
                && f.start.seconds_since(c.time) <= LEAD_S
                && c.time <= f.end
        }) {
            *by.entry((c.pid, c.image.as_deref())).or_default() += 1;
        }
        let mut list: Vec<ProcessConnects> = by
            .into_iter()
            .map(|((pid, image), connects)| ProcessConnects {
                pid,
                image: image.map(str::to_string),
                connects,
            })
            .collect();
        list.sort_by(|a, b| b.connects.cmp(&a.connects).then(a.pid.cmp(&b.pid)));
        f.connecting_processes = list;
    }
}
