//! `--format csv` (filled in by the reports work).

use super::Renderer;
use crate::config::NamedTz;
use crate::correlate::Analysis;
use std::io::Write;

/// The timeline as CSV; `tz` adds a local-time column.
pub struct Csv {
    pub tz: Option<NamedTz>,
}

impl Renderer for Csv {
    fn render(&self, _analysis: &Analysis, _out: &mut dyn Write) -> std::io::Result<()> {
        Err(std::io::Error::other("--format csv is not built yet"))
    }
}
