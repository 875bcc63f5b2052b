//! Renderers: data in, bytes out. They print an [`Analysis`]; they decide nothing.

pub mod csv;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod terminal;

use crate::cli::OutputFormat;
use crate::config::NamedTz;
use crate::correlate::Analysis;
use std::io::Write;

/// One output format.
pub trait Renderer {
    /// Writes the whole report for `analysis` to `out`.
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> std::io::Result<()>;
}

/// How to render, beyond the format.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// ANSI colours in the terminal report.
    pub color: bool,
    /// Terminal width in columns for tables (`None`: do not constrain).
    pub width: Option<u16>,
    /// Zone of the extra local-time column (`--tz`; CSV and text).
    pub tz: Option<NamedTz>,
}

/// Writes `analysis` in `format` to `out`. The one entry point of `analyze` and `batch`.
pub fn render(
    format: OutputFormat,
    analysis: &Analysis,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        OutputFormat::Text => terminal::Terminal.render(analysis, out),
        OutputFormat::Json => json::Json.render(analysis, out),
        OutputFormat::Html => html::Html.render(analysis, out),
        OutputFormat::Jsonl => jsonl::Jsonl.render(analysis, out),
        OutputFormat::Csv => csv::Csv {
            tz: opts.tz.clone(),
        }
        .render(analysis, out),
    }
}
