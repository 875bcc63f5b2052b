//! Renderers: data in, bytes out. They print an [`Analysis`]; they decide nothing.
//!
//! Formats: the terminal report ([`terminal`]), one JSON document ([`json`]), a self-contained
//! HTML report with a chart per host ([`html`]), and the flat timeline as Timesketch JSONL
//! ([`jsonl`]) or CSV ([`csv`]). JSONL and CSV share the columns of [`FlatEntry`]; text that
//! more than one renderer prints the same way is formatted in [`display`]. What is critical or a
//! warning is decided in [`crate::model::Severity`], not here. Machine outputs (JSON, JSONL, CSV)
//! keep RFC 3339 UTC and the analysis' own words; the human ones (terminal, HTML) show times in
//! one style ([`display::human_time`], in the `--tz` zone when given) and kinds in plain English.

pub mod csv;
pub mod display;
mod format;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod terminal;

use crate::correlate::Analysis;
use crate::model::{EntryKind, NamedTz, TimelineEntry, UtcTime};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;

pub use format::OutputFormat;

/// One output format: data in, bytes out. Each format has exactly one implementation
/// ([`terminal::Terminal`], [`json::Json`], [`html::Html`], [`jsonl::Jsonl`], [`csv::Csv`]);
/// [`renderer`] picks it.
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
    /// `--tz`: the zone of every human time (text, HTML) and of the CSV's local-time column.
    pub tz: Option<NamedTz>,
    /// `-q`: the terminal report shows the verdicts only.
    pub verdicts_only: bool,
}

/// The renderer of `format`, set up with the options that format uses.
pub fn renderer(format: OutputFormat, opts: &RenderOptions) -> Box<dyn Renderer> {
    match format {
        OutputFormat::Text => Box::new(terminal::Terminal {
            color: opts.color,
            width: opts.width,
            tz: opts.tz.clone(),
            base: None,
            verdicts_only: opts.verdicts_only,
        }),
        OutputFormat::Json => Box::new(json::Json),
        OutputFormat::Html => Box::new(html::Html {
            tz: opts.tz.clone(),
        }),
        OutputFormat::Jsonl => Box::new(jsonl::Jsonl),
        OutputFormat::Csv => Box::new(csv::Csv {
            tz: opts.tz.clone(),
        }),
    }
}

/// Writes `analysis` in `format` to `out`. The one entry point of `analyze` and `batch`.
pub fn render(
    format: OutputFormat,
    analysis: &Analysis,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    renderer(format, opts).render(analysis, out)
}

/// The version of the JSON outputs' shape: the `schema_version` key of the JSON report, of each
/// `--format jsonl` line and of each `summary.jsonl` row. Raised when a key is removed, renamed
/// or changes its type; adding a key does not raise it.
pub const SCHEMA_VERSION: &str = "1";

/// A JSON output with its `schema_version` ([`SCHEMA_VERSION`]) as the first key, followed by the
/// keys of `data`. The JSON report, each JSONL line and each summary row are written this way.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Versioned<'a, T> {
    /// Always [`SCHEMA_VERSION`].
    #[schemars(description = "The version of this output's shape; always the same string.")]
    #[schemars(schema_with = "schema_version_schema")]
    pub schema_version: &'static str,
    /// The document itself.
    #[serde(flatten)]
    pub data: &'a T,
}

impl<'a, T> Versioned<'a, T> {
    /// `data` with the current [`SCHEMA_VERSION`].
    pub fn new(data: &'a T) -> Self {
        Versioned {
            schema_version: SCHEMA_VERSION,
            data,
        }
    }
}

/// The schema of `schema_version`: the string [`SCHEMA_VERSION`] and nothing else.
fn schema_version_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({
        "type": "string",
        "const": SCHEMA_VERSION,
        "description": "The version of this output's shape.",
    })
}

/// One timeline entry as a flat record: the columns of `--format jsonl` and `--format csv`, in
/// this order. Timesketch requires `message`, `datetime` and `timestamp_desc` and reads
/// `timestamp` (µs) when present (Timesketch docs, "Import from JSON or CSV"); every other
/// column is kept as an attribute.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FlatEntry {
    /// RFC 3339 UTC with µs and `Z`, e.g. `2026-03-14T10:02:13.000000Z` (the common clock).
    #[schemars(with = "UtcTime")]
    pub datetime: String,
    /// Microseconds since 1970-01-01T00:00:00Z (the common clock), rounded down.
    pub timestamp: i64,
    /// What the time means for this kind of entry ([`timestamp_desc`]).
    pub timestamp_desc: &'static str,
    /// The entry's message, as in the timeline.
    pub message: String,
    /// The correlated host, empty when unknown.
    pub host: String,
    /// [`EntryKind::as_str`], e.g. `tcpip_4226`.
    #[schemars(with = "EntryKind")]
    pub kind: &'static str,
    /// The input file, as given on the command line (relative paths stay relative).
    pub source_path: String,
    /// Where in that file, e.g. `record 1205`, `frame 17`, `snapshot 1 @ line 3`.
    pub source_locator: String,
    /// The time as the source recorded it, before the clock offset: `datetime - clock_offset_s`,
    /// RFC 3339 UTC in the source's own precision.
    #[schemars(with = "UtcTime")]
    pub raw_time: String,
    /// Seconds added to the source's raw times ([`crate::correlate::ClockOffset::offset_s`]);
    /// 0 when the source has none.
    pub clock_offset_s: f64,
}

/// What the time of an entry of `kind` is, for Timesketch's `timestamp_desc` (the analogue of
/// plaso's "Content Modification Time" etc.).
pub fn timestamp_desc(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Tcpip4226
        | EntryKind::Tcpip4227
        | EntryKind::Tcpip4231
        | EntryKind::Tcpip4266
        | EntryKind::Boot
        | EntryKind::Shutdown
        | EntryKind::UnexpectedShutdown => "Event Logged",
        EntryKind::SynRetransmission => "SYN Retransmitted",
        EntryKind::ConnectUnanswered | EntryKind::ConnectRefused => "First SYN Sent",
        EntryKind::HalfOpenLimitReached => "Half-Open Limit Reached",
        EntryKind::HalfOpenPeak => "Half-Open Peak",
        EntryKind::NetstatSnapshot => "Snapshot Taken",
        EntryKind::AlarmGap => "Alarm Gap Start",
        EntryKind::AlarmGapEnd => "Alarm Gap End",
        EntryKind::HalfOpenLimitReleased => "Half-Open Limit Released",
        EntryKind::FindingEnd => "Finding End",
        EntryKind::Connection => "Connection Seen",
    }
}

/// `t` as RFC 3339 UTC with exactly six fractional digits (µs, rounded down) and `Z`.
pub fn rfc3339_micros(t: UtcTime) -> String {
    let micros = t.unix_nanos().div_euclid(1_000).saturating_mul(1_000);
    UtcTime::from_unix_nanos(micros, 6).to_string()
}

/// The clock offset (seconds) of each source path, from [`Analysis::clock_offsets`].
pub fn offsets_by_source(a: &Analysis) -> HashMap<&str, f64> {
    a.clock_offsets
        .iter()
        .map(|c| (c.source.as_str(), c.offset_s))
        .collect()
}

impl FlatEntry {
    /// The flat record of `e`; `offset_s` is its source's clock offset (0 when none).
    pub fn new(e: &TimelineEntry, offset_s: f64) -> FlatEntry {
        let offset_ns = (offset_s * 1e9).round() as i64;
        FlatEntry {
            datetime: rfc3339_micros(e.time),
            timestamp: e.time.unix_nanos().div_euclid(1_000),
            timestamp_desc: timestamp_desc(e.kind),
            message: e.message.clone(),
            host: e.host.clone().unwrap_or_default(),
            kind: e.kind.as_str(),
            source_path: e.source.path.display().to_string(),
            source_locator: e.source.locator.to_string(),
            raw_time: e.time.plus_nanos(offset_ns.saturating_neg()).to_string(),
            clock_offset_s: offset_s,
        }
    }

    /// Every timeline entry of `a`, in timeline order.
    pub fn all(a: &Analysis) -> Vec<FlatEntry> {
        let offsets = offsets_by_source(a);
        a.timeline
            .iter()
            .map(|e| {
                let path = e.source.path.display().to_string();
                FlatEntry::new(e, offsets.get(path.as_str()).copied().unwrap_or(0.0))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Locator, SourceRef};
    use std::path::Path;
    use std::sync::Arc;

    #[test]
    fn flat_entry_subtracts_the_offset_for_raw_time_and_keeps_micros() {
        let e = TimelineEntry {
            time: UtcTime::parse_rfc3339("2026-03-14T10:02:13.1234567Z").unwrap(),
            host: Some("WS-ALARM01".into()),
            kind: EntryKind::Tcpip4226,
            message: "Tcpip 4226".into(),
            source: SourceRef {
                path: Arc::from(Path::new("logs/System.evtx")),
                locator: Locator::Record(1205),
            },
        };
        let f = FlatEntry::new(&e, -90.5);
        assert_eq!(f.datetime, "2026-03-14T10:02:13.123456Z");
        assert_eq!(f.timestamp, 1_773_482_533_123_456);
        assert_eq!(f.raw_time, "2026-03-14T10:03:43.6234567Z");
        assert_eq!(f.timestamp_desc, "Event Logged");
        assert_eq!(f.source_locator, "record 1205");
        let none = FlatEntry::new(&e, 0.0);
        assert_eq!(none.raw_time, "2026-03-14T10:02:13.1234567Z");
    }

    #[test]
    fn micros_round_down_before_the_epoch_too() {
        let t = UtcTime::from_unix_nanos(-1, 9);
        assert_eq!(rfc3339_micros(t), "1969-12-31T23:59:59.999999Z");
    }
}
