//! `--format csv`: the timeline with the JSONL columns ([`FlatEntry`], same order, same rows),
//! for Excel, Timeline Explorer and Elastic.
//!
//! With `--tz ZONE` two columns follow: `local_time` (`YYYY-MM-DD HH:MM:SS.ffffff`, no offset,
//! so Excel parses it) and `local_zone` (`Europe/Berlin (+01:00)`: the zone and its offset at
//! that instant). The UTC `datetime` column is always there: never only local time (domain
//! research §3, "Time pitfalls users hit").

use super::display::local_time;
use super::{FlatEntry, Renderer};
use crate::correlate::Analysis;
use crate::model::NamedTz;
use std::io::Write;

/// The header of the CSV without `--tz`.
pub const COLUMNS: [&str; 10] = [
    "datetime",
    "timestamp",
    "timestamp_desc",
    "message",
    "host",
    "kind",
    "source_path",
    "source_locator",
    "raw_time",
    "clock_offset_s",
];

/// The timeline as CSV: the header row ([`COLUMNS`]), then one row per timeline entry in timeline
/// order, as [`FlatEntry`] (UTC; µs).
pub struct Csv {
    /// Adds the `local_time` and `local_zone` columns in this zone (`--tz`).
    pub tz: Option<NamedTz>,
}

/// A CSV error as an I/O error (the renderer's error type).
/// The csv crate's error as an I/O error that keeps the kind of an underlying I/O failure, so
/// a closed pipe (`halfopen … | head`) stays `BrokenPipe` and exits quietly.
fn io(e: csv::Error) -> std::io::Error {
    if !e.is_io_error() {
        return std::io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

impl Renderer for Csv {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let mut header: Vec<&str> = COLUMNS.to_vec();
        if self.tz.is_some() {
            header.extend(["local_time", "local_zone"]);
        }
        w.write_record(&header).map_err(io)?;
        for (row, e) in FlatEntry::all(analysis).into_iter().zip(&analysis.timeline) {
            let mut rec = vec![
                row.datetime,
                row.timestamp.to_string(),
                row.timestamp_desc.to_string(),
                row.message,
                row.host,
                row.kind.to_string(),
                row.source_path,
                row.source_locator,
                row.raw_time,
                row.clock_offset_s.to_string(),
            ];
            if let Some(tz) = &self.tz {
                let (local, off) = local_time(e.time, &tz.tz).unwrap_or_default();
                rec.push(local);
                rec.push(format!("{} ({off})", tz.name));
            }
            w.write_record(&rec).map_err(io)?;
        }
        w.flush()
    }
}
