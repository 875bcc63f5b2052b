//! halfopen: finds the Windows half-open TCP connection limit (Event 4226) in event logs,
//! netstat text and packet captures, and puts the evidence on one UTC timeline.

pub mod analysis;
pub mod ingest;
pub mod model;
pub mod testgen;
