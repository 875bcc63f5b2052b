//! The default human report: verdicts, inputs, findings, hosts (with a sparkline of each
//! host's half-open count), captures, netstat snapshots, clock offsets, alarm gaps, then the
//! timeline as a table, with runs of repeated entries folded into one line per host, kind and
//! second. Every time is in one style, `2026-03-14 10:02:13.000 UTC`, or in the `--tz` zone with
//! its offset (`2026-03-14 11:02:13.000 +01:00`); durations read `1 min 24 s`.
//!
//! Colour (ANSI, only when [`Terminal::color`] is set) follows [`Severity`]: verdicts by their
//! `severity`, findings by [`Severity::of_finding`], timeline kinds by [`Severity::of_entry`].
//! Tables are laid out to [`Terminal::width`] columns when it is set.
//!
//! One submodule per part of the report: `summary` (header, verdicts, warnings, findings),
//! `tables` (inputs, hosts, captures, netstat, clock offsets, alarm gaps), `sparkline` and
//! `timeline`.

mod sparkline;
mod summary;
mod tables;
mod timeline;

pub use sparkline::{bucket_max, sparkline};

use super::Renderer;
use crate::correlate::Analysis;
use crate::model::{NamedTz, Severity, UtcTime};
use crate::report::display::{human_text, human_time};
use comfy_table::{Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use std::io::Write;

/// Plain-text report with tables, written as UTF-8 lines ending in `\n`.
#[derive(Debug, Clone, Default)]
pub struct Terminal {
    /// ANSI colours by severity.
    pub color: bool,
    /// Table width in columns (`None`: as wide as the content).
    pub width: Option<u16>,
    /// Shows every time in this zone with its offset (default: UTC).
    pub tz: Option<NamedTz>,
}

impl Renderer for Terminal {
    fn render(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        self.header(a, out)?;
        self.verdicts(a, out)?;
        self.warnings(a, out)?;
        self.inputs(a, out)?;
        self.findings(a, out)?;
        self.hosts(a, out)?;
        self.sparklines(a, out)?;
        self.captures(a, out)?;
        self.netstat(a, out)?;
        self.clock_offsets(a, out)?;
        self.alarm_gaps(a, out)?;
        self.timeline(a, out)
    }
}

/// The table colour of `sev`: red, yellow, cyan, green.
fn color(sev: Severity) -> Color {
    match sev {
        Severity::Critical => Color::Red,
        Severity::Warning => Color::Yellow,
        Severity::Info => Color::Cyan,
        Severity::Ok => Color::Green,
    }
}

/// The SGR foreground code of `sev` (ECMA-48 8.3.117): bold 31 red, 33 yellow, 36 cyan, 32 green.
fn sgr(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "\x1b[1;31m",
        Severity::Warning => "\x1b[33m",
        Severity::Info => "\x1b[36m",
        Severity::Ok => "\x1b[32m",
    }
}

impl Terminal {
    /// An empty table with `header`, in the report's style and width.
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
            format!("{}{text}\x1b[0m", sgr(sev))
        } else {
            text.to_string()
        }
    }

    /// `t` in the report's one time style and zone ([`human_time`]).
    fn time(&self, t: UtcTime) -> String {
        human_time(t, self.tz.as_ref())
    }

    /// A text from correlate with its times and durations in the report's style ([`human_text`]).
    fn text(&self, s: &str) -> String {
        human_text(s, self.tz.as_ref())
    }

    /// `text`, painted critical when `critical`.
    fn paint_if(&self, critical: bool, text: &str) -> String {
        if critical {
            self.paint(Severity::Critical, text)
        } else {
            text.to_string()
        }
    }

    /// A table cell, coloured by `sev` when colour is on.
    fn cell(&self, sev: Option<Severity>, text: String) -> Cell {
        match (self.color, sev) {
            (true, Some(s)) => Cell::new(text).fg(color(s)),
            _ => Cell::new(text),
        }
    }
}
