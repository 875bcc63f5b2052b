//! TIMELINE: every timeline entry as a table row (time in the report's zone, host, kind,
//! message, source), with runs of repeated capture entries folded into one row.

use super::Terminal;
use super::grid::Grid;
use crate::correlate::Analysis;
use crate::model::{EntryKind, Severity, TimelineEntry};
use crate::report::display::{kind_count, kind_label, plural, worth_showing};
use std::io::Write;

/// Rows of the terminal TIMELINE at most (after folding); the rest are counted in one line. A
/// scan or flood gives hundreds of thousands of entries, which no one reads in a terminal.
pub const MAX_TIMELINE_ROWS: usize = 2000;

/// A run of timeline entries shown as one line.
struct Folded<'a> {
    /// The first entry of the run (its time, host, kind and message are shown).
    first: &'a TimelineEntry,
    /// How many entries the run holds (1: not folded).
    count: usize,
}

/// Folds consecutive repeats (same host, same kind, same whole second) of the capture-derived
/// kinds that come by the hundred (SYN retransmissions, unanswered and refused connects).
fn fold<'a>(entries: &[&'a TimelineEntry]) -> Vec<Folded<'a>> {
    let foldable = |k: EntryKind| {
        matches!(
            k,
            EntryKind::SynRetransmission | EntryKind::ConnectUnanswered | EntryKind::ConnectRefused
        )
    };
    let second = |e: &TimelineEntry| e.time.unix_nanos().div_euclid(1_000_000_000);
    let mut out: Vec<Folded> = Vec::new();
    for &e in entries {
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

impl Terminal {
    /// TIMELINE: the heading with the entry count, then the table (kinds coloured by
    /// [`Severity::of_entry`]).
    pub(super) fn timeline(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        let limit = a.settings.half_open_limit;
        let shown: Vec<&TimelineEntry> = a
            .timeline
            .iter()
            .filter(|e| worth_showing(e, limit))
            .collect();
        let hidden = a.timeline.len() - shown.len();
        let note = if hidden > 0 {
            format!(
                "; {} far below the limit not shown",
                plural(hidden as u64, "half-open peak")
            )
        } else {
            String::new()
        };
        let entries = match a.timeline.len() {
            1 => "1 entry".to_string(),
            n => format!("{n} entries"),
        };
        writeln!(out, "\nTIMELINE ({entries}{note})")?;
        let time_header = match &self.tz {
            Some(z) => format!("time ({})", z.name),
            None => "time (UTC)".to_string(),
        };
        let mut t =
            Grid::new(&[&time_header, "host", "kind", "what happened (source)"]).atomic(&[0]);
        let rows = fold(&shown);
        for f in rows.iter().take(MAX_TIMELINE_ROWS) {
            t.row_painted(self.timeline_row(f));
        }
        self.write_grid(&t, out)?;
        if let Some(next) = rows.get(MAX_TIMELINE_ROWS) {
            let rest: usize = rows.iter().skip(MAX_TIMELINE_ROWS).map(|f| f.count).sum();
            writeln!(
                out,
                "… {rest} more timeline entries not shown (from {}): every entry is in \
                 --format json, jsonl or csv; --around TIME --window S shows one stretch",
                self.time(next.first.time)
            )?;
        }
        Ok(())
    }

    /// The cells of one (possibly folded) timeline row.
    fn timeline_row(&self, f: &Folded<'_>) -> Vec<(String, Option<Severity>)> {
        let e = f.first;
        let message = if f.count > 1 {
            format!(
                "{} in this second (first: {})",
                kind_count(e.kind, f.count as u64),
                e.message
            )
        } else {
            e.message.clone()
        };
        let source = format!(
            "({} {})",
            self.path(&e.source.path.display().to_string()),
            e.source.locator
        );
        vec![
            (self.time(e.time), None),
            (e.host.clone().unwrap_or_default(), None),
            (kind_label(e.kind).to_string(), Severity::of_entry(e.kind)),
            (format!("{}\n{source}", self.text(&message)), None),
        ]
    }
}
