//! Dev-only writers for halfopen's fixtures: a small EVTX writer (no maintained tool writes EVTX),
//! pcap/pcapng/NetMon capture writers, the demo incident and customer-style bundles. Used by
//! `examples/make_demo.rs`, `examples/make_bundle.rs`, the tests and the benches of `halfopen`;
//! never part of the `halfopen` library or binary.
//!
//! Times are `i64` nanoseconds since 1970-01-01T00:00:00Z (UTC), the same count that
//! `halfopen::model::UtcTime::unix_nanos` gives. This crate does not depend on `halfopen`.

#![warn(missing_docs)]

pub mod bundle;
pub mod demo;
pub mod evtx;
pub mod pcap;

/// Seconds between 1601-01-01 and 1970-01-01 (MS-DTYP 2.3.3 FILETIME epoch).
const FILETIME_UNIX_DIFF_S: i64 = 11_644_473_600;

/// The Windows FILETIME (MS-DTYP 2.3.3: 100-ns intervals since 1601-01-01 UTC) of `unix_ns`
/// nanoseconds since the Unix epoch, rounded down to 100 ns. Every `i64` instant (1677–2262)
/// lies after 1601, so there is always one.
pub fn filetime(unix_ns: i64) -> u64 {
    (unix_ns.div_euclid(100) + FILETIME_UNIX_DIFF_S * 10_000_000) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filetime_of_the_unix_epoch_and_the_i64_extremes() {
        assert_eq!(filetime(0), 116_444_736_000_000_000);
        assert_eq!(filetime(150), 116_444_736_000_000_001);
        assert_eq!(filetime(-100), 116_444_735_999_999_999);
        assert!(filetime(i64::MIN) > 0);
        assert!(filetime(i64::MAX) > filetime(0));
    }
}
