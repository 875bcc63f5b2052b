//! TIMELINE: every timeline entry as a table row (time in the report's zone, host, kind,
//! message, source), with runs of repeated capture entries folded into one row.

use super::Terminal;
use crate::correlate::Analysis;
use crate::model::{EntryKind, Severity, TimelineEntry};
use crate::report::display::source_text;
use comfy_table::Cell;
use std::io::Write;

/// A run of timeline entries shown as one line.
struct Folded<'a> {
    /// The first entry of the run (its time, host, kind and message are shown).
    first: &'a TimelineEntry,
    /// How many entries the run holds (1: not folded).
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

impl Terminal {
    /// TIMELINE: the heading with the entry count, then the table (kinds coloured by
    /// [`Severity::of_entry`]).
    pub(super) fn timeline(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "\nTIMELINE ({} entries)", a.timeline.len())?;
        let time_header = match &self.tz {
            Some(z) => format!("time ({})", z.name),
            None => "time (UTC)".to_string(),
        };
        let mut t = self.table(&[&time_header, "host", "kind", "message", "source"]);
        for f in fold(&a.timeline) {
            t.add_row(self.timeline_row(&f));
        }
        writeln!(out, "{t}")
    }

    /// The cells of one (possibly folded) timeline row.
    fn timeline_row(&self, f: &Folded<'_>) -> Vec<Cell> {
        let e = f.first;
        let message = if f.count > 1 {
            format!(
                "{} ×{} in this second (first: {})",
                e.kind, f.count, e.message
            )
        } else {
            e.message.clone()
        };
        let mut row = vec![Cell::new(self.time(e.time))];
        row.extend([
            Cell::new(e.host.clone().unwrap_or_default()),
            self.cell(Severity::of_entry(e.kind), e.kind.to_string()),
            Cell::new(self.text(&message)),
            Cell::new(source_text(&e.source)),
        ]);
        row
    }
}
