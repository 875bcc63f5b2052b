//! The summary row of one incident (`summary.csv`, `summary.jsonl`, `--stdin-paths` lines) and
//! the terminal table (issue 8 §3).
//!
//! Every value is deterministic (no run times, no output paths), so a row written by one process,
//! by a shard, by GNU parallel or kept from an earlier run is byte-for-byte the same JSON line.
//! Seconds are rounded to milliseconds, which `serde_json` parses back to the same `f64`.

use crate::correlate::Analysis;
use crate::model::{EntryKind, Format};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

/// Whether the incident was analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// At least one input of a recognised format was read (damaged records inside it are
    /// counted in `skipped`, unreadable files in `input_errors`).
    Ok,
    /// Nothing could be analysed: the zip was refused, the folder could not be listed, it held no
    /// file, or no file of a recognised format could be read.
    Error,
}

impl Status {
    /// `ok` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
        }
    }
}

/// One row of the batch summary. JSON keys (a contract, issue 8 §3): `incident`, `status`,
/// `findings`, `hosts`, `events_4226`, `peak_half_open`, `syn_retransmissions`,
/// `alarm_gap_seconds`, `clock_offsets`, `inputs`, `records`, `skipped`, `input_errors`, `error`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SummaryRow {
    /// The folder or zip file name (`case-0001`, `case-0002.zip`).
    pub incident: String,
    /// `ok`, or `error` when the incident could not be analysed ([`Status`]).
    pub status: Status,
    /// The kinds of the findings (`half_open_limit`, …), sorted, each once.
    #[schemars(with = "Vec<crate::model::FindingKind>")]
    pub findings: Vec<String>,
    /// The host names of the analysis, in its order (by name).
    pub hosts: Vec<String>,
    /// Tcpip Event 4226 records on the timeline.
    pub events_4226: u64,
    /// Most concurrent half-open connections of any host in any capture; `null` without captures.
    pub peak_half_open: Option<u32>,
    /// SYN retransmissions in all captures (Wireshark's meaning).
    pub syn_retransmissions: u64,
    /// Sum of the alarm gaps' durations, seconds (millisecond precision).
    pub alarm_gap_seconds: f64,
    /// Seconds added to the times of each source whose clock was shifted (path relative to the
    /// incident; sources with offset 0 are left out), ms precision.
    pub clock_offsets: BTreeMap<String, f64>,
    /// Files found in the incident.
    pub inputs: u64,
    /// Event records, netstat rows and packets read.
    pub records: u64,
    /// Records, rows and packets skipped as damaged (each a `Problem` in the report).
    pub skipped: u64,
    /// Files that could not be read at all (bad header, I/O error).
    pub input_errors: u64,
    /// Why the incident failed (`status` = `error`), else `null`.
    pub error: Option<String>,
}

/// The CSV header, in the order of the JSON keys.
pub const CSV_HEADER: [&str; 14] = [
    "incident",
    "status",
    "findings",
    "hosts",
    "events_4226",
    "peak_half_open",
    "syn_retransmissions",
    "alarm_gap_seconds",
    "clock_offsets",
    "inputs",
    "records",
    "skipped",
    "input_errors",
    "error",
];

fn millis(x: f64) -> f64 {
    if x.is_finite() {
        // `+ 0.0` turns -0.0 (the sum of no gaps) into 0.0.
        (x * 1000.0).round() / 1000.0 + 0.0
    } else {
        0.0
    }
}

impl SummaryRow {
    /// The row of an incident that could not be analysed.
    pub fn failed(incident: &str, error: String) -> SummaryRow {
        SummaryRow {
            incident: incident.to_string(),
            status: Status::Error,
            findings: Vec::new(),
            hosts: Vec::new(),
            events_4226: 0,
            peak_half_open: None,
            syn_retransmissions: 0,
            alarm_gap_seconds: 0.0,
            clock_offsets: BTreeMap::new(),
            inputs: 0,
            records: 0,
            skipped: 0,
            input_errors: 0,
            error: Some(error),
        }
    }

    /// The row of an analysed incident whose files are under `root`. The status is `error`
    /// when no file of a recognised format could be read (see [`Status`]).
    pub fn from_analysis(incident: &str, root: &Path, a: &Analysis) -> SummaryRow {
        let root_s = root.display().to_string();
        let relative = |p: &str| -> String {
            p.strip_prefix(&root_s)
                .map(|r| r.trim_start_matches(['/', '\\']).to_string())
                .unwrap_or_else(|| p.to_string())
        };
        let kinds: BTreeSet<String> = a.findings.iter().map(|f| f.kind.to_string()).collect();
        let readable = a
            .inputs
            .iter()
            .filter(|i| i.error.is_none() && i.format != Format::Unknown)
            .count();
        let error = if a.inputs.is_empty() && a.errors.is_empty() {
            Some("no input files in the incident".to_string())
        } else if readable == 0 {
            let unknown = a
                .inputs
                .iter()
                .filter(|i| i.error.is_none() && i.format == Format::Unknown)
                .count();
            Some(format!(
                "no readable input: {} of {} files could not be read, {unknown} of unknown format",
                a.errors.len(),
                a.inputs.len()
            ))
        } else {
            None
        };
        SummaryRow {
            incident: incident.to_string(),
            status: if error.is_none() {
                Status::Ok
            } else {
                Status::Error
            },
            findings: kinds.into_iter().collect(),
            hosts: a.hosts.iter().map(|h| h.name.clone()).collect(),
            events_4226: a
                .timeline
                .iter()
                .filter(|e| e.kind == EntryKind::Tcpip4226)
                .count() as u64,
            peak_half_open: a.hosts.iter().filter_map(|h| h.peak_half_open).max(),
            syn_retransmissions: a.captures.iter().map(|c| c.syn_retransmissions).sum(),
            alarm_gap_seconds: millis(a.alarm_gaps.iter().map(|g| g.seconds).sum()),
            clock_offsets: a
                .clock_offsets
                .iter()
                .filter(|c| c.offset_s != 0.0)
                .map(|c| (relative(&c.source), millis(c.offset_s)))
                .collect(),
            inputs: a.inputs.len() as u64,
            records: a.inputs.iter().map(|i| i.records).sum(),
            skipped: a.inputs.iter().map(|i| i.skipped).sum(),
            input_errors: a.errors.len() as u64,
            error,
        }
    }

    /// The row as one JSON line (no newline), `schema_version` ([`crate::report::SCHEMA_VERSION`])
    /// first. Reading a row back ignores `schema_version`.
    pub fn to_json_line(&self) -> String {
        // Serializing plain strings, numbers and maps cannot fail.
        serde_json::to_string(&crate::report::Versioned::new(self)).unwrap_or_default()
    }

    /// The CSV fields in [`CSV_HEADER`] order: lists joined with `;`, offsets as `source=seconds`,
    /// `null` as an empty field.
    pub fn csv_fields(&self) -> [String; 14] {
        let opt = |v: Option<String>| v.unwrap_or_default();
        [
            self.incident.clone(),
            self.status.as_str().to_string(),
            self.findings.join(";"),
            self.hosts.join(";"),
            self.events_4226.to_string(),
            opt(self.peak_half_open.map(|p| p.to_string())),
            self.syn_retransmissions.to_string(),
            self.alarm_gap_seconds.to_string(),
            self.clock_offsets
                .iter()
                .map(|(s, o)| format!("{s}={o}"))
                .collect::<Vec<_>>()
                .join(";"),
            self.inputs.to_string(),
            self.records.to_string(),
            self.skipped.to_string(),
            self.input_errors.to_string(),
            opt(self.error.clone()),
        ]
    }
}

/// Sorts rows by incident name (then status, so an error row of a duplicate name comes last).
pub fn sort_rows(rows: &mut [SummaryRow]) {
    rows.sort_by(|a, b| (&a.incident, a.status.as_str()).cmp(&(&b.incident, b.status.as_str())));
}

/// `summary.jsonl`: one [`SummaryRow::to_json_line`] per line.
pub fn jsonl_bytes(rows: &[SummaryRow]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in rows {
        out.extend_from_slice(r.to_json_line().as_bytes());
        out.push(b'\n');
    }
    out
}

/// `summary.csv`: [`CSV_HEADER`] then one record per row (RFC 4180 quoting).
pub fn csv_bytes(rows: &[SummaryRow]) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER).map_err(std::io::Error::other)?;
    for r in rows {
        w.write_record(r.csv_fields())
            .map_err(std::io::Error::other)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// The terminal table of the rows (comfy-table), then a count line.
pub fn write_table(rows: &[SummaryRow], out: &mut dyn Write) -> std::io::Result<()> {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "incident", "status", "findings", "hosts", "4226", "peak", "SYN retx", "gap s", "inputs",
        "records", "skipped", "error",
    ]);
    for r in rows {
        t.add_row(vec![
            r.incident.clone(),
            r.status.as_str().to_string(),
            r.findings.join(" "),
            r.hosts.join(" "),
            r.events_4226.to_string(),
            r.peak_half_open.map(|p| p.to_string()).unwrap_or_default(),
            r.syn_retransmissions.to_string(),
            r.alarm_gap_seconds.to_string(),
            r.inputs.to_string(),
            r.records.to_string(),
            r.skipped.to_string(),
            r.error.clone().unwrap_or_default(),
        ]);
    }
    writeln!(out, "{t}")?;
    let failed = rows.iter().filter(|r| r.status == Status::Error).count();
    let with_findings = rows.iter().filter(|r| !r.findings.is_empty()).count();
    writeln!(
        out,
        "{} incidents: {} ok, {failed} failed, {with_findings} with findings",
        rows.len(),
        rows.len() - failed
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millisecond_seconds_survive_a_json_round_trip() {
        let mut r = SummaryRow::failed("case-1", "x".into());
        r.alarm_gap_seconds = millis(12.345_678_9);
        r.clock_offsets.insert("a.pcap".into(), millis(-3.000_4));
        let line = r.to_json_line();
        let back: SummaryRow = serde_json::from_str(&line).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.to_json_line(), line);
        assert!(line.contains("\"alarm_gap_seconds\":12.346"), "{line}");
        assert!(line.contains("\"a.pcap\":-3.0"), "{line}");
    }

    #[test]
    fn csv_joins_lists_and_leaves_nulls_empty() {
        let mut r = SummaryRow::failed("case,2", "zip refused".into());
        r.hosts = vec!["A".into(), "B".into()];
        let text = String::from_utf8(csv_bytes(&[r]).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], CSV_HEADER.join(","));
        assert_eq!(
            lines[1],
            "\"case,2\",error,,A;B,0,,0,0,,0,0,0,0,zip refused"
        );
    }
}
