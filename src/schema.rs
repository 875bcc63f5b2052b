//! `halfopen schema report|summary|timeline`: the JSON Schema (draft 2020-12) of each machine
//! output, generated with `schemars` from the types that are serialised, so it cannot drift from
//! them.
//!
//! - `report`: the `--format json` document ([`crate::correlate::Analysis`] as written by
//!   [`crate::report::json`]),
//! - `summary`: one row of `batch`'s `summary.jsonl` ([`crate::batch::summary::SummaryRow`]),
//! - `timeline`: one line of `--format jsonl` ([`crate::report::FlatEntry`]).
//!
//! Each carries `schema_version` ([`crate::report::SCHEMA_VERSION`]). The schemas describe what
//! is written (`schemars`' serialize contract): a key that is always written is `required`, even
//! when its value may be `null`; keys left out when empty are optional. Unknown keys are allowed,
//! since keys may be added without raising the version.

use crate::batch::summary::SummaryRow;
use crate::correlate::Analysis;
use crate::report::{FlatEntry, SCHEMA_VERSION, Versioned};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};

/// Which output a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// The `--format json` document.
    Report,
    /// One row of `summary.jsonl`.
    Summary,
    /// One line of `--format jsonl`.
    Timeline,
}

impl SchemaKind {
    /// Every kind, in the order `halfopen schema --help` lists them.
    pub const ALL: [SchemaKind; 3] = [
        SchemaKind::Report,
        SchemaKind::Summary,
        SchemaKind::Timeline,
    ];

    /// The command-line word: `report`, `summary`, `timeline`.
    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::Report => "report",
            SchemaKind::Summary => "summary",
            SchemaKind::Timeline => "timeline",
        }
    }

    /// What the schema describes, in a few words.
    pub fn describes(self) -> &'static str {
        match self {
            SchemaKind::Report => "the --format json document",
            SchemaKind::Summary => "one row of batch's summary.jsonl",
            SchemaKind::Timeline => "one line of --format jsonl",
        }
    }
}

fn schema_of<T: JsonSchema>(kind: SchemaKind) -> Schema {
    let mut schema = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert(
        "title".into(),
        format!("halfopen {} (schema_version {SCHEMA_VERSION})", kind.name()).into(),
    );
    schema.insert(
        "description".into(),
        format!("halfopen {}.", kind.describes()).into(),
    );
    schema
}

/// The JSON Schema of the output `kind`.
pub fn json_schema(kind: SchemaKind) -> serde_json::Value {
    match kind {
        SchemaKind::Report => schema_of::<Versioned<'static, Analysis>>(kind),
        SchemaKind::Summary => schema_of::<Versioned<'static, SummaryRow>>(kind),
        SchemaKind::Timeline => schema_of::<Versioned<'static, FlatEntry>>(kind),
    }
    .to_value()
}

/// Writes the schema of `kind`, pretty-printed, with a final newline.
///
/// Errors: the I/O error of `out`.
pub fn write_schema(kind: SchemaKind, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &json_schema(kind))?;
    out.write_all(b"\n")
}
