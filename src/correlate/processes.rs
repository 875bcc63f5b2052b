//! Which processes opened the connections (issue 19 §1): for each `half_open_limit` finding,
//! the outbound TCP connections the host's connection logs saw (Sysmon 3, Security 5156/5157,
//! firewall OPEN / ALLOW SEND) from [`LEAD_S`] before its start to its end, counted per process
//! and ranked, most first. This names the culprit when no `netstat -o` was taken (Microsoft's
//! Event 4226 advice is to find the process opening many connections).

use super::result::{ConnectionFact, Finding, ProcessConnects};
use crate::model::{FindingKind, UtcTime};
use std::collections::{BTreeMap, BTreeSet};

/// Seconds before a finding's start whose connections still count: the connects that filled the
/// half-open slots were made up to one give-up time (21 s on XP) before the limit was hit.
pub const LEAD_S: f64 = 21.0;

/// A process: its PID, or (without one) its image.
type ProcessKey<'c> = (Option<u32>, Option<&'c str>);
/// One connect: source, source port, destination, destination port, second since the epoch.
type Connect<'c> = (
    &'c Option<String>,
    Option<u16>,
    &'c Option<String>,
    Option<u16>,
    i64,
);

/// The busiest second of `connects` (their count, and the second's start; the earliest of
/// equal ones).
fn peak_second(connects: &BTreeSet<Connect>) -> (u64, Option<UtcTime>) {
    let mut per: BTreeMap<i64, u64> = BTreeMap::new();
    for c in connects {
        *per.entry(c.4).or_default() += 1;
    }
    let best = per
        .iter()
        .fold(None, |b: Option<(i64, u64)>, (&s, &n)| match b {
            Some((_, m)) if m >= n => b,
            _ => Some((s, n)),
        });
    match best {
        Some((s, n)) => (n, Some(UtcTime::from_unix_secs(s))),
        None => (0, None),
    }
}

/// Fills `connecting_processes` of every `half_open_limit` finding from `connections`.
pub(crate) fn attach(findings: &mut [Finding], connections: &[ConnectionFact]) {
    for f in findings
        .iter_mut()
        .filter(|f| f.kind == FindingKind::HalfOpenLimit)
    {
        // Per process (its PID, else its image): the image if any log named it, and the
        // distinct connects (4-tuple and time to the second) — the same connect in a Sysmon log
        // and a firewall log counts once.
        let mut by: BTreeMap<ProcessKey, (Option<&str>, BTreeSet<Connect>)> = BTreeMap::new();
        for c in connections.iter().filter(|c| {
            c.host.as_deref() == Some(f.host.as_str())
                && c.protocol == "tcp"
                && c.direction.as_deref() == Some("outbound")
                && (c.pid.is_some() || c.image.is_some())
                && f.start.seconds_since(c.time) <= LEAD_S
                && c.time <= f.end
        }) {
            let key = match c.pid {
                Some(pid) => (Some(pid), None),
                None => (None, c.image.as_deref()),
            };
            let (image, connects) = by.entry(key).or_default();
            if image.is_none() {
                *image = c.image.as_deref();
            }
            let second = c.time.unix_nanos().div_euclid(1_000_000_000);
            connects.insert((&c.src, c.sport, &c.dst, c.dport, second));
        }
        let mut list: Vec<ProcessConnects> = by
            .into_iter()
            .map(|((pid, _), (image, connects))| {
                let (peak, at) = peak_second(&connects);
                ProcessConnects {
                    pid,
                    image: image.map(str::to_string),
                    connects: connects.len() as u64,
                    peak_connects_per_s: peak,
                    peak_connects_per_s_at: at,
                }
            })
            .collect();
        list.sort_by(|a, b| b.connects.cmp(&a.connects).then(a.pid.cmp(&b.pid)));
        f.connecting_processes = list;
    }
}
