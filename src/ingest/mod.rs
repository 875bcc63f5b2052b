//! Turning one input file into typed records. One module per format; [`detect`] recognises the
//! format from the file's first bytes (never from its name).

pub mod bytes;
pub mod capture;
pub mod detect;
mod error;
pub mod evt;
pub mod evtx;
pub mod export;
pub mod firewall;
pub mod netstat;
pub mod number;

pub use error::IngestError;
