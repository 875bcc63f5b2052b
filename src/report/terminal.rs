//! The default human report: verdicts, inputs, findings, hosts (with a sparkline of each
//! host's half-open count), captures, netstat snapshots, clock offsets, alarm gaps, then the
//! timeline as a table, with runs of repeated entries folded into one line per host, kind and
//! second.
//!
//! Colour (ANSI, only when [`Terminal::color`] is set) follows severity: verdicts by their
//! `severity`, findings as critical, timeline kinds as in [`kind_severity`]. Tables are laid out
//! to [`Terminal::width`] columns when it is set.

use super::Renderer;
use super::csv::local_time;
use crate::config::NamedTz;
use crate::correlate::{Analysis, HostSummary};
use crate::model::{EntryKind, TimelineEntry, UtcTime};
use comfy_table::{Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use std::io::Write;

/// Problems listed per input before "… and N more".
const PROBLEMS_SHOWN: usize = 5;

/// Most cells of a host's sparkline.
const SPARK_CELLS: usize = 60;

/// Plain-text report with tables.
#[derive(Debug, Clone, Default)]
pub struct Terminal {
    /// ANSI colours by severity.
    pub color: bool,
    /// Table width in columns (`None`: as wide as the content).
    pub width: Option<u16>,
    /// Adds a local-time column to the timeline table.
    pub tz: Option<NamedTz>,
}

/// How alarming a severity word is: `critical`, `warning`, `info`, `ok` (the `Verdict` words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Critical,
    Warning,
    Info,
    Ok,
}

impl Severity {
    /// The severity of a verdict word; unknown words are `Info`.
    pub fn from_word(w: &str) -> Severity {
        match w {
            "critical" => Severity::Critical,
            "warning" => Severity::Warning,
            "ok" => Severity::Ok,
            _ => Severity::Info,
        }
    }

    fn color(self) -> Color {
        match self {
            Severity::Critical => Color::Red,
            Severity::Warning => Color::Yellow,
            Severity::Info => Color::Cyan,
            Severity::Ok => Color::Green,
        }
    }

    /// SGR foreground code (ECMA-48 8.3.117): 31 red, 33 yellow, 36 cyan, 32 green.
    fn sgr(self) -> &'static str {
        match self {
            Severity::Critical => "\x1b[1;31m",
            Severity::Warning => "\x1b[33m",
            Severity::Info => "\x1b[36m",
            Severity::Ok => "\x1b[32m",
        }
    }
}

/// The colour class of a timeline kind: the limit itself (4226, limit reached) and port
/// exhaustion (4231, 4266) are critical; retries, failed connects, gaps and unexpected shutdowns
/// are warnings; the rest is plain.
pub fn kind_severity(kind: EntryKind) -> Option<Severity> {
    match kind {
        EntryKind::Tcpip4226
        | EntryKind::HalfOpenLimitReached
        | EntryKind::Tcpip4231
        | EntryKind::Tcpip4266 => Some(Severity::Critical),
        EntryKind::SynRetransmission
        | EntryKind::ConnectUnanswered
        | EntryKind::ConnectRefused
        | EntryKind::AlarmGap
        | EntryKind::UnexpectedShutdown
        | EntryKind::Tcpip4227 => Some(Severity::Warning),
        _ => None,
    }
}

impl Terminal {
    fn table(&self, header: &[&str]) -> Table {
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(header.iter().copied());
        if let Some(w) = self.width {
            t.set_width(w);
        }
        // The width comes from the caller only, so output does not depend on where it goes.
        t.force_no_tty();
        if self.color {
            t.enforce_styling();
        }
        t
    }

    /// `text` wrapped in the colour of `sev` when colour is on.
    fn paint(&self, sev: Severity, text: &str) -> String {
        if self.color {
            format!("{}{text}\x1b[0m", sev.sgr())
        } else {
            text.to_string()
        }
    }

    fn paint_if(&self, critical: bool, text: &str) -> String {
        if critical {
            self.paint(Severity::Critical, text)
        } else {
            text.to_string()
        }
    }

    fn cell(&self, sev: Option<Severity>, text: String) -> Cell {
        match (self.color, sev) {
            (true, Some(s)) => Cell::new(text).fg(s.color()),
            _ => Cell::new(text),
        }
    }
}

/// The largest value of the step series `series` (time, count; sorted by time) in each of `n`
/// equal time buckets from its first to its last point. A bucket's value counts the level
/// carried in from before it. Empty when the series is empty or `n` is 0.
pub fn bucket_max(series: &[(UtcTime, u32)], n: usize) -> Vec<u32> {
    let (Some(first), Some(last)) = (series.first(), series.last()) else {
        return Vec::new();
    };
    if n == 0 {
        return Vec::new();
    }
    let t0 = first.0.unix_nanos() as i128;
    let span = (last.0.unix_nanos() as i128 - t0).max(1);
    let mut out = vec![0u32; n];
    let mut level = 0u32;
    let mut i = 0;
    for (b, cell) in out.iter_mut().enumerate() {
        let end = t0 + span * (b as i128 + 1) / n as i128;
        let mut m = level;
        while let Some(&(t, c)) = series.get(i) {
            let t = t.unix_nanos() as i128;
            if t >= end && b + 1 < n {
                break;
            }
            m = m.max(c);
            level = c;
            i += 1;
        }
        *cell = m;
    }
    out
}

/// One sparkline character per bucket: `' '` for 0, then `▁`…`█` up to `top` (values above
/// `top` print `█`).
pub fn sparkline(buckets: &[u32], top: u32) -> String {
    const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let top = top.max(1) as u64;
    buckets
        .iter()
        .map(|&v| {
            let i = (u64::from(v) * 8).div_ceil(top).min(8) as usize;
            BARS.get(i).copied().unwrap_or('█')
        })
        .collect()
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

        if !a.verdicts.is_empty() {
            writeln!(out, "VERDICTS")?;
            for v in &a.verdicts {
                let sev = Severity::from_word(v.severity.as_str());
                let tag = self.paint(sev, &format!("[{}]", v.severity));
                writeln!(out, "  {tag} {}: {}", v.host, v.text)?;
            }
            writeln!(out)?;
        }
        for w in &a.warnings {
            writeln!(
                out,
                "{}",
                self.paint(Severity::Warning, &format!("warning: {w}"))
            )?;
        }
        if !a.warnings.is_empty() {
            writeln!(out)?;
        }

        writeln!(out, "INPUTS")?;
        let mut t = self.table(&["path", "format", "records", "skipped", "note"]);
        for i in &a.inputs {
            t.add_row(vec![
                i.path.clone(),
                i.format.to_string(),
                i.records.to_string(),
                i.skipped.to_string(),
                input_note(i),
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
            let tag = self.paint(Severity::Critical, &format!("[{}]", f.kind));
            writeln!(out, "  {tag} {}  {} → {}", f.host, f.start, f.end)?;
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
        let mut t = self.table(&[
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
        self.sparklines(a, out)?;

        if !a.captures.is_empty() {
            writeln!(out, "\nCAPTURES")?;
            let mut t = self.table(&[
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
            let mut t = self.table(&[
                "path",
                "#",
                "command",
                "time (source)",
                "rows",
                "SYN_SENT",
                "SYN_SENT by PID",
            ]);
            for n in &a.netstat {
                let mut pids: Vec<String> = n
                    .syn_sent_by_pid
                    .iter()
                    .map(|(p, c)| format!("{p}:{c}"))
                    .collect();
                pids.extend(
                    n.syn_sent_by_program
                        .iter()
                        .map(|(p, c)| format!("{p}:{c}")),
                );
                let limit = if n.limit_exceeded {
                    " (over the limit)"
                } else if n.limit_reached {
                    " (at the limit)"
                } else {
                    ""
                };
                t.add_row(vec![
                    n.path.clone(),
                    n.snapshot.to_string(),
                    n.command.clone().unwrap_or_default(),
                    format!("{} ({})", n.time, time_source_name(n)),
                    n.rows.to_string(),
                    format!("{}{limit}", n.syn_sent),
                    pids.join(" "),
                ]);
            }
            writeln!(out, "{t}")?;
            // Client–provider connections only (every row of the provider's machine is in the
            // JSON `alarm_connections`).
            for n in &a.netstat {
                let rows: Vec<_> = n.alarm_connections.iter().filter(|c| c.between).collect();
                if rows.is_empty() {
                    continue;
                }
                writeln!(
                    out,
                    "  alarm connections in {} snapshot {}:",
                    n.path, n.snapshot
                )?;
                for c in rows {
                    writeln!(
                        out,
                        "    line {}: {} {} -> {} {} (alarm {} on the {} side){}",
                        c.line,
                        c.proto,
                        c.local,
                        c.foreign,
                        c.state.as_deref().unwrap_or("-"),
                        c.role,
                        c.side,
                        c.pid.map(|p| format!(", PID {p}")).unwrap_or_default()
                    )?;
                }
            }
        }

        if !a.clock_offsets.is_empty() {
            writeln!(
                out,
                "\nCLOCK OFFSETS (seconds added to each source's times)"
            )?;
            let mut t = self.table(&["source", "offset (s)", "anchors", "method"]);
            for c in &a.clock_offsets {
                t.add_row(vec![
                    c.source.clone(),
                    format!("{:+.3}", c.offset_s),
                    c.anchors.to_string(),
                    c.method.to_string(),
                ]);
            }
            writeln!(out, "{t}")?;
        }

        if !a.alarm_gaps.is_empty() {
            writeln!(out, "\nALARM GAPS")?;
            let mut t = self.table(&[
                "client", "provider", "start", "end", "seconds", "cause", "frame",
            ]);
            for g in &a.alarm_gaps {
                t.add_row(vec![
                    Cell::new(g.client.to_string()),
                    Cell::new(g.provider.to_string()),
                    Cell::new(g.start.to_string()),
                    Cell::new(g.end.to_string()),
                    self.cell(Some(Severity::Warning), format!("{:.1}", g.seconds)),
                    Cell::new(g.cause.clone()),
                    Cell::new(g.frame.to_string()),
                ]);
            }
            writeln!(out, "{t}")?;
        }

        writeln!(out, "\nTIMELINE ({} entries)", a.timeline.len())?;
        let local_header = self.tz.as_ref().map(|z| format!("local ({})", z.name));
        let mut header = vec!["time (UTC)"];
        if let Some(h) = &local_header {
            header.push(h);
        }
        header.extend(["host", "kind", "message", "source"]);
        let mut t = self.table(&header);
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
            let mut row = vec![Cell::new(e.time.to_string())];
            if let Some(z) = &self.tz {
                let local = local_time(e.time, &z.tz)
                    .map(|(t, off)| format!("{t} {off}"))
                    .unwrap_or_default();
                row.push(Cell::new(local));
            }
            row.extend([
                Cell::new(e.host.clone().unwrap_or_default()),
                self.cell(kind_severity(e.kind), e.kind.to_string()),
                Cell::new(message),
                Cell::new(format!("{} {}", e.source.path.display(), e.source.locator)),
            ]);
            t.add_row(row);
        }
        writeln!(out, "{t}")
    }
}

impl Terminal {
    /// One line per host with a half-open series: the sparkline (scaled to the larger of the
    /// limit and the peak), the peak, and the time span it covers.
    fn sparklines(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        let limit = a.settings.half_open_limit;
        let with_series: Vec<(&HostSummary, &Vec<(UtcTime, u32)>)> = a
            .hosts
            .iter()
            .filter_map(|h| h.half_open_series.as_ref().map(|s| (h, s)))
            .filter(|(_, s)| !s.is_empty())
            .collect();
        if with_series.is_empty() {
            return Ok(());
        }
        let name_w = with_series
            .iter()
            .map(|(h, _)| h.name.chars().count())
            .max()
            .unwrap_or(0);
        // Name, two spaces, the bars between │…│, then about 60 columns of text.
        let cells = self
            .width
            .map(|w| {
                usize::from(w)
                    .saturating_sub(name_w + 66)
                    .clamp(10, SPARK_CELLS)
            })
            .unwrap_or(SPARK_CELLS);
        writeln!(
            out,
            "  half-open connections over time (█ = limit {limit}):"
        )?;
        for (h, series) in with_series {
            let buckets = bucket_max(series, cells);
            let peak = series.iter().map(|p| p.1).max().unwrap_or(0);
            let top = limit.max(peak);
            // Runs at or above the limit are painted critical, one escape sequence per run.
            let mut line = String::new();
            let mut run = String::new();
            let mut run_at_limit = false;
            for (b, ch) in buckets.iter().zip(sparkline(&buckets, top).chars()) {
                let at_limit = *b >= limit;
                if at_limit != run_at_limit && !run.is_empty() {
                    line.push_str(&self.paint_if(run_at_limit, &run));
                    run.clear();
                }
                run_at_limit = at_limit;
                run.push(ch);
            }
            line.push_str(&self.paint_if(run_at_limit, &run));
            let (first, last) = match (series.first(), series.last()) {
                (Some(f), Some(l)) => (f.0, l.0),
                _ => continue,
            };
            writeln!(
                out,
                "  {:name_w$}  │{line}│ peak {peak}, {first} → {last}",
                h.name
            )?;
        }
        Ok(())
    }
}

fn time_source_name(n: &crate::correlate::NetstatSummary) -> &'static str {
    match n.time_source {
        crate::model::TimeSource::File => "time stamp in the file",
        crate::model::TimeSource::Option => "--netstat-time",
        crate::model::TimeSource::Mtime => "file mtime",
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

/// The INPUTS note: the whole-file error, else the recovered records and the zone of local times.
fn input_note(i: &crate::correlate::InputSummary) -> String {
    if let Some(e) = &i.error {
        return e.clone();
    }
    let mut parts = Vec::new();
    if i.recovered > 0 {
        parts.push(format!(
            "{} records recovered from a chunk cut by the end of the file",
            i.recovered
        ));
    }
    if let Some(z) = &i.time_zone {
        parts.push(format!("local times read in {z}"));
    }
    parts.join("; ")
}
