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

/// Every timeline entry of `a` worth showing ([`worth_showing`]) as a row, in timeline order;
/// ids keep the entry's index in the whole timeline.
pub(super) fn rows(a: &Analysis, tz: Option<&NamedTz>) -> Vec<Row> {
    let limit = a.settings.half_open_limit;
    a.timeline
        .iter()
        .enumerate()
        .filter(|(_, e)| worth_showing(e, limit))
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
        .collect()
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
