//! `--format jsonl` (filled in by the reports work).

use super::Renderer;
use crate::correlate::Analysis;
use std::io::Write;

/// The jsonl report.
pub struct Jsonl;

impl Renderer for Jsonl {
    fn render(&self, _analysis: &Analysis, _out: &mut dyn Write) -> std::io::Result<()> {
        Err(std::io::Error::other("--format jsonl is not built yet"))
    }
}
