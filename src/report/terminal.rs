//! The default human report: inputs, findings, hosts, captures, netstat snapshots, then the
//! timeline as a table, with runs of repeated entries folded into one line per host, kind and
//! second.

use super::Renderer;
use crate::correlate::Analysis;
use crate::model::{EntryKind, TimelineEntry};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use std::io::Write;

/// Problems listed per input before "… and N more".
const PROBLEMS_SHOWN: usize = 5;

/// Plain-text report with tables.
pub struct Terminal;

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    t
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

impl Renderer for Terminal {
    fn render(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        let skipped: u64 = a.inputs.iter().map(|i| i.skipped).sum();
        writeln!(
            out,
            "halfopen report: {} inputs, {} skipped records, {} findings (all times UTC; half-open limit {})\n",
            a.inputs.len(),
            skipped,
            a.findings.len(),
            a.settings.half_open_limit
        )?;

        writeln!(out, "INPUTS")?;
        let mut t = table(&["path", "format", "records", "skipped", "note"]);
        for i in &a.inputs {
            t.add_row(vec![
                i.path.clone(),
                i.format.to_string(),
                i.records.to_string(),
                i.skipped.to_string(),
                i.error.clone().unwrap_or_default(),
            ]);
        }
        writeln!(out, "{t}")?;
        for e in a
            .errors
            .iter()
            .filter(|e| !a.inputs.iter().any(|i| i.path == e.path))
        {
            writeln!(out, "  error: {}", e.error)?;
        }
        for i in a.inputs.iter().filter(|i| !i.problems.is_empty()) {
            writeln!(out, "  skipped in {}:", i.path)?;
            for p in i.problems.iter().take(PROBLEMS_SHOWN) {
                writeln!(out, "    {}: {}", p.locator, p.reason)?;
            }
            if i.problems.len() > PROBLEMS_SHOWN {
                writeln!(out, "    … and {} more", i.problems.len() - PROBLEMS_SHOWN)?;
            }
        }

        writeln!(out, "\nFINDINGS")?;
        if a.findings.is_empty() {
            writeln!(
                out,
                "  none: no host reached the half-open limit and no Event 4226 was found"
            )?;
        }
        for f in &a.findings {
            writeln!(out, "  [{}] {}  {} → {}", f.kind, f.host, f.start, f.end)?;
            writeln!(out, "    {}", f.summary)?;
            if !f.culprits.is_empty() {
                let c: Vec<String> = f
                    .culprits
                    .iter()
                    .map(|c| format!("PID {} ({} SYN_SENT)", c.pid, c.syn_sent))
                    .collect();
                writeln!(out, "    culprit processes: {}", c.join(", "))?;
            }
            if !f.unanswered_destinations.is_empty() {
                let shown: Vec<&str> = f
                    .unanswered_destinations
                    .iter()
                    .take(8)
                    .map(String::as_str)
                    .collect();
                let more = f.unanswered_destinations.len().saturating_sub(shown.len());
                let more = if more > 0 {
                    format!(" … and {more} more")
                } else {
                    String::new()
                };
                writeln!(out, "    never answered: {}{more}", shown.join(", "))?;
            }
            writeln!(out, "    evidence:")?;
            for e in &f.evidence {
                writeln!(
                    out,
                    "      {}  {}  {}  ({}, {})",
                    e.time,
                    e.kind,
                    e.message,
                    e.source.path.display(),
                    e.source.locator
                )?;
            }
            writeln!(out, "    fix: {}", f.resolution)?;
        }

        writeln!(out, "\nHOSTS")?;
        let mut t = table(&[
            "host",
            "addresses",
            "peak half-open",
            "peak at",
            "s at limit",
            "4226",
            "SYN retx",
            "max SYN_SENT",
        ]);
        for h in &a.hosts {
            t.add_row(vec![
                h.name.clone(),
                h.addresses.join(" "),
                opt(h.peak_half_open),
                opt(h.peak_half_open_at),
                format!("{:.1}", h.seconds_at_limit),
                h.events.get("4226").copied().unwrap_or(0).to_string(),
                h.syn_retransmissions.to_string(),
                opt(h.max_syn_sent),
            ]);
        }
        writeln!(out, "{t}")?;

        if !a.captures.is_empty() {
            writeln!(out, "\nCAPTURES")?;
            let mut t = table(&[
                "path",
                "packets",
                "SYN",
                "SYN retx",
                "SYN-ACK",
                "RST",
                "estab.",
                "refused",
                "unanswered",
                "open at end",
            ]);
            for c in &a.captures {
                let h = &c.handshakes;
                t.add_row(vec![
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
                ]);
            }
            writeln!(out, "{t}")?;
        }

        if !a.netstat.is_empty() {
            writeln!(out, "\nNETSTAT SNAPSHOTS")?;
            let mut t = table(&[
                "path",
                "#",
                "command",
                "time (source)",
                "rows",
                "SYN_SENT",
                "SYN_SENT by PID",
            ]);
            for n in &a.netstat {
                let pids: Vec<String> = n
                    .syn_sent_by_pid
                    .iter()
                    .map(|(p, c)| format!("{p}:{c}"))
                    .collect();
                t.add_row(vec![
                    n.path.clone(),
                    n.snapshot.to_string(),
                    n.command.clone().unwrap_or_default(),
                    format!("{} ({})", n.time, time_source_name(n)),
                    n.rows.to_string(),
                    n.syn_sent.to_string(),
                    pids.join(" "),
                ]);
            }
            writeln!(out, "{t}")?;
        }

        writeln!(out, "\nTIMELINE ({} entries)", a.timeline.len())?;
        let mut t = table(&["time (UTC)", "host", "kind", "message", "source"]);
        for f in fold(&a.timeline) {
            let e = f.first;
            let message = if f.count > 1 {
                format!(
                    "{} ×{} in this second (first: {})",
                    e.kind, f.count, e.message
                )
            } else {
                e.message.clone()
            };
            t.add_row(vec![
                e.time.to_string(),
                e.host.clone().unwrap_or_default(),
                e.kind.to_string(),
                message,
                format!("{} {}", e.source.path.display(), e.source.locator),
            ]);
        }
        writeln!(out, "{t}")
    }
}

fn time_source_name(n: &crate::correlate::NetstatSummary) -> &'static str {
    match n.time_source {
        crate::pipeline::TimeSource::File => "time stamp in the file",
        crate::pipeline::TimeSource::Option => "--netstat-time",
        crate::pipeline::TimeSource::Mtime => "file mtime",
    }
}

/// A run of timeline entries shown as one line.
struct Folded<'a> {
    first: &'a TimelineEntry,
    count: usize,
}

/// Folds consecutive repeats (same host, same kind, same whole second) of the capture-derived
/// kinds that come by the hundred (SYN retransmissions, unanswered and refused connects).
fn fold(entries: &[TimelineEntry]) -> Vec<Folded<'_>> {
    let foldable = |k: EntryKind| {
        matches!(
            k,
            EntryKind::SynRetransmission | EntryKind::ConnectUnanswered | EntryKind::ConnectRefused
        )
    };
    let second = |e: &TimelineEntry| e.time.unix_nanos().div_euclid(1_000_000_000);
    let mut out: Vec<Folded> = Vec::new();
    for e in entries {
        if let Some(last) = out.last_mut() {
            let l = last.first;
            if foldable(e.kind) && l.kind == e.kind && l.host == e.host && second(l) == second(e) {
                last.count += 1;
                continue;
            }
        }
        out.push(Folded { first: e, count: 1 });
    }
    out
}
