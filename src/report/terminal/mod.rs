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

mod grid;
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
use std::path::{Path, PathBuf};

/// Plain-text report with tables, written as UTF-8 lines ending in `\n`.
#[derive(Debug, Clone, Default)]
pub struct Terminal {
    /// ANSI colours by severity.
    pub color: bool,
    /// Table width in columns (`None`: as wide as the content).
    pub width: Option<u16>,
    /// Shows every time in this zone with its offset (default: UTC).
    pub tz: Option<NamedTz>,
    /// Paths are shown relative to this folder (`None`: the common folder of the inputs).
    pub base: Option<PathBuf>,
    /// Only the verdicts (`-q`).
    pub verdicts_only: bool,
}

impl Renderer for Terminal {
    fn render(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        let paths = a.inputs.iter().map(|i| i.path.as_str());
        let me = Terminal {
            base: self.base.clone().or_else(|| common_folder(paths)),
            ..self.clone()
        };
        me.render_all(a, out)
    }
}

impl Terminal {
    /// Every part of the report, in order.
    fn render_all(&self, a: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        if self.verdicts_only {
            return self.verdicts(a, out);
        }
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

    /// `p` relative to [`Terminal::base`], cut in the middle when longer than two fifths of the
    /// width (at least 24 columns).
    fn path(&self, p: &str) -> String {
        let rel = match &self.base {
            Some(b) => Path::new(p)
                .strip_prefix(b)
                .map_or_else(|_| p.to_string(), |r| r.display().to_string()),
            None => p.to_string(),
        };
        match self.width {
            Some(w) => cut_middle(&rel, (usize::from(w) * 2 / 5).max(24)),
            None => rel,
        }
    }

    /// `t` in the report's one time style and zone ([`human_time`]).
    fn time(&self, t: UtcTime) -> String {
        human_time(t, self.tz.as_ref())
    }

    /// A text from correlate with its times and durations in the report's style ([`human_text`]).
    /// `s` with every path under the common folder written relative to it, as in the tables.
    fn relative(&self, s: &str) -> String {
        match &self.base {
            Some(b) => {
                let prefix = format!("{}{}", b.display(), std::path::MAIN_SEPARATOR);
                s.replace(&prefix, "")
            }
            None => s.to_string(),
        }
    }

    fn text(&self, s: &str) -> String {
        human_text(s, self.tz.as_ref())
    }

    /// `text`, painted by `sev` when there is one.
    fn paint_opt(&self, sev: Option<Severity>, text: &str) -> String {
        match sev {
            Some(s) => self.paint(s, text),
            None => text.to_string(),
        }
    }

    /// `lines` of prose wrapped to the width: the first line after `indent` spaces, the
    /// following ones after `indent + hang`.
    fn wrapped(&self, text: &str, indent: usize, hang: usize) -> String {
        let width = self
            .width
            .map_or(usize::MAX, |w| usize::from(w).saturating_sub(indent));
        let pad = " ".repeat(indent);
        wrap(text, width, hang)
            .iter()
            .map(|l| format!("{pad}{l}"))
            .collect::<Vec<_>>()
            .join("\n")
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

/// Columns `s` takes on a terminal (one per `char`; the report's text has no wide characters).
fn text_width(s: &str) -> usize {
    s.chars().count()
}

/// `text` in lines of at most `width` columns (longer only for a single piece), broken at spaces
/// but never inside a time (`2026-03-14 10:02:13.000 UTC` stays whole); lines after the first
/// start with `hang` spaces.
fn wrap(text: &str, width: usize, hang: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for piece in pieces(text) {
        let limit = if lines.is_empty() {
            width
        } else {
            width.saturating_sub(hang)
        };
        if !line.is_empty() && text_width(&line) + 1 + text_width(&piece) > limit {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    lines.push(line);
    let pad = " ".repeat(hang);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { l } else { format!("{pad}{l}") })
        .collect()
}

/// The words of `text`, with a date, its time of day and its zone glued into one piece.
fn pieces(text: &str) -> Vec<String> {
    let is_date = |w: &str| {
        let b = w.as_bytes();
        b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit)
    };
    let is_clock = |w: &str| {
        let b = w.as_bytes();
        b.len() >= 8 && b[2] == b':' && b[5] == b':' && b[0].is_ascii_digit()
    };
    let is_zone = |w: &str| {
        w.starts_with("UTC")
            || (w.len() >= 6
                && (w.starts_with('+') || w.starts_with('-'))
                && w.as_bytes()[3] == b':')
    };
    let is_number = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit() || c == '.');
    let is_unit = |w: &str| {
        let w = w.trim_end_matches([',', '.', ';', ')']);
        matches!(w, "s" | "min" | "h" | "ms")
    };
    let mut out: Vec<String> = Vec::new();
    let mut words = text.split(' ').filter(|w| !w.is_empty()).peekable();
    while let Some(w) = words.next() {
        let mut piece = w.to_string();
        if is_date(w) && words.peek().is_some_and(|n| is_clock(n)) {
            piece.push(' ');
            piece.push_str(words.next().unwrap_or_default());
            if words.peek().is_some_and(|n| is_zone(n)) {
                piece.push(' ');
                piece.push_str(words.next().unwrap_or_default());
            }
        }
        // A duration (`1 min 24 s`, `3.0 s`) and `Event 4226` stay whole too.
        loop {
            let last = piece.rsplit(' ').next().unwrap_or_default();
            let glue = match words.peek() {
                Some(n) if is_unit(n) => is_number(last),
                Some(n) if is_number(n.trim_end_matches([')', '.', ',', ';', ':'])) => {
                    matches!(last.trim_start_matches('('), "min" | "h" | "Event")
                }
                _ => false,
            };
            if !glue {
                break;
            }
            piece.push(' ');
            piece.push_str(words.next().unwrap_or_default());
        }
        out.push(piece);
    }
    out
}

/// `s` cut in the middle with `…` to at most `max` columns (unchanged when it fits).
fn cut_middle(s: &str, max: usize) -> String {
    let n = text_width(s);
    if n <= max || max < 5 {
        return s.to_string();
    }
    let keep = max - 1;
    let head = keep / 2;
    let tail = keep - head;
    let chars: Vec<char> = s.chars().collect();
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[n - tail..]);
    out
}

/// The longest folder that contains every path of `paths` (`None` when they share none).
fn common_folder<'a>(paths: impl Iterator<Item = &'a str>) -> Option<std::path::PathBuf> {
    use std::path::{Path, PathBuf};
    let mut common: Option<PathBuf> = None;
    for p in paths {
        let dir = Path::new(p).parent().unwrap_or(Path::new(""));
        common = Some(match common {
            None => dir.to_path_buf(),
            Some(c) => c
                .components()
                .zip(dir.components())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    common.filter(|c| !c.as_os_str().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_times_whole_and_hangs() {
        let t = "reached at 2026-03-14 10:02:13.000 UTC (Event 4226) from PID 2412";
        let lines = wrap(t, 20, 2);
        assert_eq!(lines[0], "reached at");
        assert_eq!(lines[1], "  2026-03-14 10:02:13.000 UTC");
        assert!(lines.iter().skip(2).all(|l| text_width(l) <= 20));
    }

    #[test]
    fn paths_are_cut_in_the_middle_and_made_relative() {
        assert_eq!(cut_middle("abcdefghij", 7), "abc…hij");
        assert_eq!(cut_middle("short", 7), "short");
        let base = common_folder(["a/b/c.evtx", "a/b/d/e.pcap"].into_iter());
        assert_eq!(base, Some(std::path::PathBuf::from("a/b")));
        assert_eq!(common_folder(["x.evtx", "a/y.pcap"].into_iter()), None);
    }
}
