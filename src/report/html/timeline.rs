//! The timeline table of the HTML report and its filter choices.

use crate::correlate::Analysis;
use crate::model::{EntryKind, NamedTz, Severity};
use crate::report::display::{human_text, human_time, kind_label, worth_showing};
use serde::Serialize;
use std::collections::BTreeSet;

/// One timeline row; `id` (`e0`, `e1`, …) is what chart marks point at.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// HTML id: `e` and the entry's index in the timeline.
    pub id: String,
    /// On the common clock, in the report's time style ([`human_time`]).
    pub time: String,
    /// The correlated host, empty when unknown.
    pub host: String,
    /// The entry kind, e.g. `tcpip_4226` (the filter's value).
    pub kind: String,
    /// The entry kind in plain English ([`kind_label`]), e.g. `Event 4226 (limit)`.
    pub label: &'static str,
    /// `critical`, `warning` or empty (CSS class, from [`Severity::of_entry`]).
    pub class: &'static str,
    /// The entry's message.
    pub message: String,
    /// The input file, as given on the command line.
    pub source: String,
    /// Where in that file, e.g. `record 1205`.
    pub locator: String,
}

/// The CSS class of a timeline entry of `kind`: `critical`, `warning` or empty.
fn severity_class(kind: EntryKind) -> &'static str {
    match Severity::of_entry(kind) {
        Some(Severity::Critical) => "critical",
        Some(Severity::Warning) => "warning",
        _ => "",
    }
}

/// Rows of the HTML timeline table at most; the rest are counted in the header. A scan or
/// flood gives hundreds of thousands of entries, which would make a page no browser opens.
pub const MAX_HTML_ROWS: usize = 5000;

/// The first [`MAX_HTML_ROWS`] timeline entries of `a` worth showing ([`worth_showing`]) as
/// rows, in timeline order (ids keep the entry's index in the whole timeline), and how many
/// entries are worth showing in all.
pub(super) fn rows(a: &Analysis, tz: Option<&NamedTz>) -> (Vec<Row>, usize) {
    let limit = a.settings.half_open_limit;
    let worth = || {
        a.timeline
            .iter()
            .enumerate()
            .filter(|(_, e)| worth_showing(e, limit))
    };
    let rows = worth()
        .take(MAX_HTML_ROWS)
        .map(|(i, e)| Row {
            id: format!("e{i}"),
            time: human_time(e.time, tz),
            host: e.host.clone().unwrap_or_default(),
            kind: e.kind.to_string(),
            label: kind_label(e.kind),
            class: severity_class(e.kind),
            message: human_text(&e.message, tz),
            source: e.source.path.display().to_string(),
            locator: e.source.locator.to_string(),
        })
        .collect();
    (rows, worth().count())
}

/// The distinct values of one column of `rows`, sorted: the choices of a filter.
pub(super) fn distinct(rows: &[Row], column: fn(&Row) -> &str) -> Vec<String> {
    let s: BTreeSet<&str> = rows.iter().map(column).collect();
    s.into_iter().map(str::to_string).collect()
}

/// The kinds of `rows`, sorted by machine name, each as (machine name, plain-English label).
pub(super) fn kinds(rows: &[Row]) -> Vec<(String, &'static str)> {
    let s: std::collections::BTreeMap<&str, &'static str> =
        rows.iter().map(|r| (r.kind.as_str(), r.label)).collect();
    s.into_iter().map(|(k, l)| (k.to_string(), l)).collect()
}
