//! Facts per netstat snapshot: rows, counts by state, SYN_SENT per PID (the culprit processes of
//! Microsoft's Event 4226 advice: "run `netstat -no` and look for a process with many
//! connections in SYN_SENT").

use crate::config::Config;
use crate::ingest::netstat::Snapshot;
use crate::model::UtcTime;
use crate::pipeline::TimeSource;
use serde::Serialize;
use std::collections::BTreeMap;

/// One netstat snapshot. `by_state` counts TCP rows by standard English state name; UDP rows
/// (which have no state) are counted in `udp_rows`.
#[derive(Debug, Clone, Serialize)]
pub struct NetstatSummary {
    pub path: String,
    pub snapshot: u64,
    pub line: u64,
    pub command: Option<String>,
    pub time: UtcTime,
    pub time_source: TimeSource,
    pub rows: u64,
    pub udp_rows: u64,
    pub by_state: BTreeMap<String, u64>,
    pub syn_sent_by_pid: BTreeMap<String, u64>,
    pub syn_sent: u64,
    pub host: Option<String>,
}

/// A process and its SYN_SENT rows in the netstat snapshot with the most SYN_SENT rows.
#[derive(Debug, Clone, Serialize)]
pub struct Culprit {
    pub pid: u32,
    pub syn_sent: u64,
}

/// The facts of snapshot `s` of the netstat file at `path`, taken at `time`.
pub fn netstat_summary(
    path: &str,
    s: &Snapshot,
    time: UtcTime,
    time_source: TimeSource,
    host: Option<String>,
    _config: &Config,
) -> NetstatSummary {
    let mut by_state: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_pid: BTreeMap<String, u64> = BTreeMap::new();
    let mut udp_rows = 0;
    for r in &s.rows {
        if !r.proto.is_tcp() {
            udp_rows += 1;
            continue;
        }
        let state = r.state.clone().unwrap_or_else(|| "UNKNOWN".to_string());
        if state == "SYN_SENT" {
            if let Some(pid) = r.pid {
                *by_pid.entry(pid.to_string()).or_default() += 1;
            }
        }
        *by_state.entry(state).or_default() += 1;
    }
    NetstatSummary {
        path: path.to_string(),
        snapshot: s.index,
        line: s.line,
        command: s.command.clone(),
        time,
        time_source,
        rows: s.rows.len() as u64,
        udp_rows,
        syn_sent: by_state.get("SYN_SENT").copied().unwrap_or(0),
        by_state,
        syn_sent_by_pid: by_pid,
        host,
    }
}

/// One timeline line for a snapshot: rows, SYN_SENT and the PIDs holding them.
pub fn netstat_message(s: &NetstatSummary) -> String {
    let cmd = s
        .command
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let mut m = format!(
        "netstat snapshot {}{cmd}: {} rows, {} SYN_SENT",
        s.snapshot, s.rows, s.syn_sent
    );
    if !s.syn_sent_by_pid.is_empty() {
        let pids: Vec<String> = top_pids(&s.syn_sent_by_pid)
            .iter()
            .map(|c| format!("PID {} ×{}", c.pid, c.syn_sent))
            .collect();
        m.push_str(&format!(" [{}]", pids.join(", ")));
    }
    m
}

/// PIDs by SYN_SENT count, most first (ties by PID).
pub fn top_pids(by_pid: &BTreeMap<String, u64>) -> Vec<Culprit> {
    let mut v: Vec<Culprit> = by_pid
        .iter()
        .filter_map(|(p, n)| p.parse().ok().map(|pid| Culprit { pid, syn_sent: *n }))
        .collect();
    v.sort_by(|a, b| b.syn_sent.cmp(&a.syn_sent).then(a.pid.cmp(&b.pid)));
    v
}
