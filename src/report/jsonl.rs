//! `--format jsonl`: one timeline entry per line, loadable by Timesketch as is.
//!
//! Each line is one JSON object: `schema_version` ([`super::SCHEMA_VERSION`]), then the keys of
//! [`FlatEntry`] in its field order: `datetime`, `timestamp`, `timestamp_desc`, `message`
//! (Timesketch's required and time columns, Timesketch docs "Import from JSON or CSV"), then
//! `host`, `kind`, `source_path`, `source_locator`, `raw_time`, `clock_offset_s`. Lines end with `\n`; an empty timeline writes nothing.

use super::{FlatEntry, Renderer, Versioned};
use crate::correlate::Analysis;
use std::io::Write;

/// The timeline as JSON Lines (Timesketch import format).
pub struct Jsonl;

impl Renderer for Jsonl {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        for row in FlatEntry::all(analysis) {
            serde_json::to_writer(&mut *out, &Versioned::new(&row))?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}
