//! The view model of the whole HTML page: header counts, verdicts, findings, inputs, clock
//! offsets and alarm gaps as display strings, plus the charts and the timeline.

use super::chart::Chart;
use super::timeline::{self, Row};
use crate::correlate::{Analysis, Finding, HostSummary, InputSummary};
use crate::model::{NamedTz, VerdictSeverity};
use crate::report::display::{
    clock_method_label, culprit_text, finding_label, human_duration, human_text, human_time,
    kind_label, offset_text, plural, problem_text, quiet_hosts, source_text, time_source_label,
    zone_note,
};
use serde::Serialize;
use std::collections::BTreeSet;

/// Problems listed per input before "… and N more".
const PROBLEMS_SHOWN: usize = 20;

/// Everything the template shows. Chart coordinates are preformatted strings (one decimal);
/// times are in the report's one style ([`human_time`]).
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// `all times UTC`, or the `--tz` zone the times are shown in ([`zone_note`]).
    pub zone_note: String,
    /// `halfopen report`, then `: HOST, …` for the hosts with findings (sorted).
    pub title: String,
    /// The half-open limit the analysis used (connections).
    pub half_open_limit: u32,
    /// How many inputs were read.
    pub inputs_count: usize,
    /// Skipped records over all inputs.
    pub skipped: u64,
    /// Timeline entries shown (half-open peaks far below the limit are left out).
    pub entries: usize,
    /// `4 inputs, 0 skipped records, 1 finding, 130 timeline entries`.
    pub counts: String,
    /// One per verdict, in the analysis' order.
    pub verdicts: Vec<VerdictView>,
    /// The analysis warnings, as sentences.
    pub warnings: Vec<String>,
    /// Why inputs could not be read at all.
    pub errors: Vec<String>,
    /// False when no input gave any evidence ([`Analysis::evidence_recognised`]).
    pub evidence_recognised: bool,
    /// One per finding, in the analysis' order.
    pub findings: Vec<FindingView>,
    /// One per input.
    pub inputs: Vec<InputView>,
    /// Each: source, offset in seconds (`+90.500`), anchors, method.
    pub clock_offsets: Vec<[String; 4]>,
    /// Each: client, provider, start, end, length (`1 min 24 s`), cause, frame.
    pub alarm_gaps: Vec<[String; 7]>,
    /// Each capture: path, packets, SYN, SYN retransmissions, SYN-ACK, RST, established,
    /// refused, unanswered, open at the end.
    pub captures: Vec<[String; 10]>,
    /// Each netstat snapshot: path, number, command, time (and where it came from), rows,
    /// SYN_SENT (and whether at the limit), SYN_SENT by PID.
    pub netstat: Vec<[String; 7]>,
    /// One chart per host with timed facts: hosts with a finding first.
    pub charts: Vec<Chart>,
    /// Hosts with nothing to draw (no timed facts).
    pub hosts_without_chart: Vec<String>,
    /// Every timeline entry.
    pub timeline: Vec<Row>,
    /// The hosts of the timeline, sorted (empty for entries without a host).
    pub filter_hosts: Vec<String>,
    /// The kinds of the timeline, sorted: (machine name, label).
    pub filter_kinds: Vec<(String, &'static str)>,
    /// The source files of the timeline, sorted.
    pub filter_sources: Vec<String>,
}

/// One verdict line.
#[derive(Debug, Clone, Serialize)]
pub struct VerdictView {
    /// The host it is about.
    pub host: String,
    /// `critical`, `warning`, `info` or `ok` (also the CSS class).
    pub severity: String,
    /// The verdict sentence.
    pub text: String,
}

/// One finding with its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    /// The finding kind, e.g. `half_open_limit`.
    pub kind: String,
    /// The host it is about (may be empty).
    pub host: String,
    /// First instant, RFC 3339 UTC.
    pub start: String,
    /// Last instant, RFC 3339 UTC.
    pub end: String,
    /// One-paragraph summary.
    pub summary: String,
    /// Each: time, kind, message, source.
    pub evidence: Vec<[String; 4]>,
    /// `PID 4711 (37 SYN_SENT)` per culprit process.
    pub culprits: Vec<String>,
    /// Destinations (`addr:port`) never answered.
    pub unanswered: Vec<String>,
    /// The fix, with its sources.
    pub resolution: String,
    /// Each episode when there are several: (when, what happened).
    pub episodes: Vec<[String; 2]>,
}

/// One input file.
#[derive(Debug, Clone, Serialize)]
pub struct InputView {
    /// The path as given on the command line.
    pub path: String,
    /// The recognised format, e.g. `evtx`.
    pub format: String,
    /// Records read.
    pub records: u64,
    /// Records skipped.
    pub skipped: u64,
    /// The whole-file error, empty when none.
    pub error: String,
    /// `locator: reason`, the first 20.
    pub problems: Vec<String>,
    /// How many problems are not listed.
    pub more_problems: usize,
}

impl Page {
    /// The view model of `a`, times in UTC.
    pub fn new(a: &Analysis) -> Page {
        Page::in_zone(a, None)
    }

    /// The view model of `a`, every time in `tz` with its offset (UTC when `None`).
    pub fn in_zone(a: &Analysis, tz: Option<&NamedTz>) -> Page {
        let (charts, hosts_without_chart) = charts(a, tz);
        let (timeline, worth) = timeline::rows(a, tz);
        Page {
            zone_note: zone_note(tz),
            title: title(a),
            half_open_limit: a.settings.half_open_limit,
            inputs_count: a.inputs.len(),
            skipped: a.inputs.iter().map(|i| i.skipped).sum(),
            entries: timeline.len(),
            counts: counts(a, worth, timeline.len()),
            verdicts: verdicts(a, tz),
            warnings: a.warnings.clone(),
            errors: a.errors.iter().map(|e| e.error.clone()).collect(),
            evidence_recognised: a.evidence_recognised,
            findings: a.findings.iter().map(|f| finding_view(f, tz)).collect(),
            inputs: a.inputs.iter().map(input_view).collect(),
            clock_offsets: clock_offsets(a),
            alarm_gaps: alarm_gaps(a, tz),
            captures: captures(a),
            netstat: netstat(a, tz),
            charts,
            hosts_without_chart,
            filter_hosts: timeline::distinct(&timeline, |r| r.host.as_str()),
            filter_kinds: timeline::kinds(&timeline),
            filter_sources: timeline::distinct(&timeline, |r| r.source.as_str()),
            timeline,
        }
    }
}

/// The header counts in plain English.
/// `worth`: entries worth showing; `listed`: rows in the table (at most
/// [`timeline::MAX_HTML_ROWS`]).
fn counts(a: &Analysis, worth: usize, listed: usize) -> String {
    let shown = worth;
    let skipped: u64 = a.inputs.iter().map(|i| i.skipped).sum();
    let mut s = format!(
        "{}, {}, {}, {}",
        plural(a.inputs.len() as u64, "input"),
        plural(skipped, "skipped record"),
        plural(a.findings.len() as u64, "finding"),
        if shown == 1 {
            "1 timeline entry".to_string()
        } else {
            format!("{shown} timeline entries")
        }
    );
    let hidden = a.timeline.len() - shown;
    if hidden > 0 {
        s.push_str(&format!(
            " ({} far below the limit not shown)",
            plural(hidden as u64, "half-open peak")
        ));
    }
    if listed < worth {
        s.push_str(&format!(
            "; the table lists the first {listed}, every entry is in --format json, jsonl or csv"
        ));
    }
    s
}

/// The verdicts: one per host with a sign, then the hosts with none folded into one line.
fn verdicts(a: &Analysis, tz: Option<&NamedTz>) -> Vec<VerdictView> {
    let (ok, rest): (Vec<_>, Vec<_>) = a
        .verdicts
        .iter()
        .partition(|v| v.severity == VerdictSeverity::Ok);
    let mut out: Vec<VerdictView> = rest
        .iter()
        .map(|v| VerdictView {
            host: v.host.clone(),
            severity: v.severity.to_string(),
            text: human_text(&v.text, tz),
        })
        .collect();
    if !ok.is_empty() {
        let names: Vec<&str> = ok.iter().map(|v| v.host.as_str()).collect();
        out.push(VerdictView {
            host: String::new(),
            severity: VerdictSeverity::Ok.to_string(),
            text: quiet_hosts(&names, !rest.is_empty()),
        });
    }
    out
}

/// The page title: `halfopen report`, with the hosts that have findings.
fn title(a: &Analysis) -> String {
    let with_findings: BTreeSet<&str> = a.findings.iter().map(|f| f.host.as_str()).collect();
    if with_findings.is_empty() {
        "halfopen report".to_string()
    } else {
        let hosts: Vec<&str> = with_findings.into_iter().collect();
        format!("halfopen report: {}", hosts.join(", "))
    }
}

/// The charts (hosts with a finding first, then the others, each in the analysis' order) and
/// the hosts without one.
fn charts(a: &Analysis, tz: Option<&NamedTz>) -> (Vec<Chart>, Vec<String>) {
    let mut charts = Vec::new();
    let mut hosts_without_chart = Vec::new();
    let (first, rest): (Vec<&HostSummary>, Vec<&HostSummary>) = a
        .hosts
        .iter()
        .partition(|h| a.findings.iter().any(|f| f.host == h.name));
    for h in first.into_iter().chain(rest) {
        match Chart::new(a, h, charts.len(), tz) {
            Some(c) => charts.push(c),
            None => hosts_without_chart.push(h.name.clone()),
        }
    }
    (charts, hosts_without_chart)
}

/// The view of one finding.
fn finding_view(f: &Finding, tz: Option<&NamedTz>) -> FindingView {
    let episodes = if f.episodes.len() > 1 {
        f.episodes
            .iter()
            .map(|e| {
                let when = if e.start == e.end {
                    human_time(e.start, tz)
                } else {
                    format!("{} → {}", human_time(e.start, tz), human_time(e.end, tz))
                };
                [when, human_text(&e.summary, tz)]
            })
            .collect()
    } else {
        Vec::new()
    };
    FindingView {
        episodes,
        kind: finding_label(f.kind).to_string(),
        host: f.host.clone(),
        start: human_time(f.start, tz),
        end: human_time(f.end, tz),
        summary: human_text(&f.summary, tz),
        evidence: f
            .evidence
            .iter()
            .map(|e| {
                [
                    human_time(e.time, tz),
                    kind_label(e.kind).to_string(),
                    human_text(&e.message, tz),
                    source_text(&e.source),
                ]
            })
            .collect(),
        culprits: f
            .culprits
            .iter()
            .map(|c| culprit_text(c.pid, c.syn_sent))
            .collect(),
        unanswered: f.unanswered_destinations.clone(),
        resolution: f.resolution.to_string(),
    }
}

/// The view of one input.
fn input_view(i: &InputSummary) -> InputView {
    InputView {
        path: i.path.clone(),
        format: i.format.to_string(),
        records: i.records,
        skipped: i.skipped,
        error: i.error.clone().unwrap_or_default(),
        problems: i
            .problems
            .iter()
            .take(PROBLEMS_SHOWN)
            .map(problem_text)
            .collect(),
        more_problems: i.problems.len().saturating_sub(PROBLEMS_SHOWN),
    }
}

/// The rows of the clock offset table.
fn clock_offsets(a: &Analysis) -> Vec<[String; 4]> {
    a.clock_offsets
        .iter()
        .map(|c| {
            [
                c.source.clone(),
                offset_text(c.offset_s),
                c.anchors.to_string(),
                clock_method_label(c.method).to_string(),
            ]
        })
        .collect()
}

/// The rows of the alarm gap table.
fn alarm_gaps(a: &Analysis, tz: Option<&NamedTz>) -> Vec<[String; 7]> {
    a.alarm_gaps
        .iter()
        .map(|g| {
            [
                g.client.to_string(),
                g.provider.to_string(),
                human_time(g.start, tz),
                human_time(g.end, tz),
                human_duration(g.seconds),
                g.cause.clone(),
                g.frame.to_string(),
            ]
        })
        .collect()
}

/// The rows of the capture table.
fn captures(a: &Analysis) -> Vec<[String; 10]> {
    a.captures
        .iter()
        .map(|c| {
            let h = &c.handshakes;
            [
                c.path.clone(),
                c.packets.to_string(),
                c.tcp_syn.to_string(),
                c.syn_retransmissions.to_string(),
                c.syn_ack.to_string(),
                c.rst.to_string(),
                h.established.to_string(),
                h.refused.to_string(),
                h.unanswered.to_string(),
                h.open_at_end.to_string(),
            ]
        })
        .collect()
}

/// The rows of the netstat snapshot table.
fn netstat(a: &Analysis, tz: Option<&NamedTz>) -> Vec<[String; 7]> {
    a.netstat
        .iter()
        .map(|n| {
            let limit = if n.limit_exceeded {
                " (over the limit)"
            } else if n.limit_reached {
                " (at the limit)"
            } else {
                ""
            };
            let pids: Vec<String> = n
                .syn_sent_by_pid
                .iter()
                .chain(&n.syn_sent_by_program)
                .map(|(p, c)| format!("{p}: {c}"))
                .collect();
            [
                n.path.clone(),
                n.snapshot.to_string(),
                n.command.clone().unwrap_or_default(),
                format!(
                    "{} ({})",
                    human_time(n.time, tz),
                    time_source_label(n.time_source)
                ),
                n.rows.to_string(),
                format!("{}{limit}", n.syn_sent),
                pids.join(", "),
            ]
        })
        .collect()
}
