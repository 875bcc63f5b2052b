//! The report formats, as plain data (`cli` maps its `--format` values onto them).

/// One report format. `analyze` writes one, `batch` one file per requested format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutputFormat {
    /// Human report with tables ([`super::terminal`]).
    Text,
    /// One JSON document ([`super::json`]); its keys are the README's contract.
    Json,
    /// One self-contained HTML file with a timeline chart per host ([`super::html`]).
    Html,
    /// One timeline entry per line, Timesketch JSONL ([`super::jsonl`]).
    Jsonl,
    /// The timeline as CSV, the JSONL columns ([`super::csv`]).
    Csv,
}

impl OutputFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [OutputFormat; 5] = [
        OutputFormat::Text,
        OutputFormat::Json,
        OutputFormat::Html,
        OutputFormat::Jsonl,
        OutputFormat::Csv,
    ];

    /// The name on the command line and in manifests: `text`, `json`, `html`, `jsonl`, `csv`.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Text => "text",
            OutputFormat::Json => "json",
            OutputFormat::Html => "html",
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Csv => "csv",
        }
    }

    /// The file extension of this format's report (`txt`, `json`, `html`, `jsonl`, `csv`).
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Text => "txt",
            other => other.name(),
        }
    }
}
