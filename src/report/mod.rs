//! Renderers: data in, bytes out. They print an [`Analysis`]; they decide nothing.

pub mod json;
pub mod terminal;

use crate::correlate::Analysis;
use std::io::Write;

/// One output format.
pub trait Renderer {
    /// Writes the whole report for `analysis` to `out`.
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> std::io::Result<()>;
}
