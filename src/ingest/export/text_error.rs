//! Why an Event Viewer TXT/CSV export, or one of its rows, cannot be read. Positions follow the
//! csv crate's: the 1-based line (and row number) of the record, added by the caller.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

/// Why a text file is not an Event Viewer TXT/CSV export at all (the whole file is refused).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(super) enum NotTextExport {
    /// No non-blank line.
    #[error("the file is empty")]
    Empty,
    /// The first non-blank line is neither the Vista+ column header nor an XP row.
    #[error("first line is neither the Vista header nor an XP row: {start:?}")]
    FirstLine {
        /// Its 1-based line number.
        line: u64,
        /// Its first 80 characters.
        start: String,
    },
}

/// Why one row of a text export gives no record (the row is skipped). Its 1-based line and row
/// number are added by the caller: a [`crate::model::Locator::Line`] and the text
/// `row {n} skipped: {this error}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(super) enum RowSkipped {
    /// Fewer fields than the layout needs (Vista+: 5 before the description, XP: 8).
    #[error("{got} fields, expected at least {min}")]
    TooFewFields {
        /// Fields in the row.
        got: usize,
        /// Fields the layout needs.
        min: usize,
    },
    /// The date field is in none of the known forms.
    #[error("unreadable date {value:?}")]
    BadDate {
        /// The field as written.
        value: String,
    },
    /// The time field is in none of the known forms.
    #[error("unreadable time {value:?}")]
    BadTime {
        /// The field as written.
        value: String,
    },
    /// Date and time read, but no such calendar instant (e.g. 31 April).
    #[error("no such date/time {date:?} {time:?}")]
    NoSuchDateTime {
        /// The date field as written.
        date: String,
        /// The time field as written.
        time: String,
    },
    /// The local time cannot be placed in the export's time zone (`--event-tz`).
    #[error("local time {local} not convertible: {reason}")]
    NotConvertible {
        /// The wall-clock time read.
        local: jiff::civil::DateTime,
        /// jiff's reason.
        reason: String,
    },
    /// The instant is outside what [`crate::model::UtcTime`] holds (years 1677–2262).
    #[error("local time {local} out of range")]
    OutOfRange {
        /// The wall-clock time read.
        local: jiff::civil::DateTime,
    },
    /// The event id field is not a decimal number below 2^32.
    #[error("unreadable event id {value:?}")]
    BadEventId {
        /// The field as written.
        value: String,
    },
}
