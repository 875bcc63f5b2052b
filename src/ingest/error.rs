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
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file looked like a supported format but its header could not be read.
    #[error("{}: {format} header: {reason}", path.display())]
    BadHeader {
        path: PathBuf,
        format: crate::model::Format,
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
