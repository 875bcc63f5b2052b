//! Turning one input file into typed records. One module per format; [`detect`] recognises the
//! format from the file's first bytes (never from its name).

pub mod bytes;
pub mod capture;
pub mod detect;
pub mod evt;
pub mod evtx;
pub mod export;
pub mod netstat;
pub mod number;

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
