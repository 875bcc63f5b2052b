//! Writers for the project's own fixtures: a small EVTX writer (no maintained tool writes EVTX)
//! and a pcap writer. Used by `examples/make_demo.rs`, the tests and the benches.

pub mod bundle;
pub mod demo;
pub mod evtx;
pub mod pcap;
