//! Turning one input file into typed records. One module per format; [`detect`] recognises the
//! format from the file's first bytes (never from its name).

pub mod bytes;
pub mod capture;
pub mod detect;
mod error;
// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#[cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
pub mod evt;
pub mod evtx;
pub mod export;
pub mod firewall;
pub mod netstat;
pub mod number;

pub use error::IngestError;
