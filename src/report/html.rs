//! `--format html` (filled in by the reports work).

use super::Renderer;
use crate::correlate::Analysis;
use std::io::Write;

/// The html report.
pub struct Html;

impl Renderer for Html {
    fn render(&self, _analysis: &Analysis, _out: &mut dyn Write) -> std::io::Result<()> {
        Err(std::io::Error::other("--format html is not built yet"))
    }
}
