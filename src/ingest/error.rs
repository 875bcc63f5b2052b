//! The error that makes a whole input file unreadable.

use std::path::PathBuf;

/// A failure that makes a whole file unreadable (the run continues with the other files).
/// Local damage (a bad record, a cut packet, an unparseable line) is not an error: it becomes a
/// [`crate::model::Problem`] in the file's result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The input file.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The file looked like a supported format but its header could not be read.
    #[error("{}: {format} header: {reason}", path.display())]
    BadHeader {
        /// The input file.
        path: PathBuf,
        /// The format its first bytes named (see [`crate::ingest::detect`]).
        format: crate::model::Format,
        /// What is wrong with the header, as shown after `header: ` (e.g. `file header cut`).
        reason: String,
    },
    /// The file's format was not recognised from its first bytes, but what is left of its
    /// structure names one: a damaged file of that format ([`crate::ingest::detect::damaged`]).
    #[error("{}: damaged {format} file: {reason} at byte {offset}", path.display())]
    Damaged {
        /// The input file.
        path: PathBuf,
        /// The format the rest of its structure names.
        format: crate::model::Format,
        /// File offset of the damaged field, bytes.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
}

impl IngestError {
    /// An [`IngestError::Io`] for `path`.
    pub fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        IngestError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
