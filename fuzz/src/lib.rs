//! One function per fuzz target, each feeding arbitrary bytes to one reader through the same
//! public functions the tests call. The fuzz targets (`fuzz_targets/*.rs`) call these, and
//! `tests/fuzz_corpus.rs` replays every file of `fuzz/corpus/<target>/` through the same
//! function on the stable toolchain (it includes this file by path), so a corpus file that once
//! made a reader panic stays a regression test.
//!
//! Run one target (nightly, `cargo install cargo-fuzz`), from the repository root:
//! `cargo +nightly fuzz run netstat fuzz/corpus/netstat`.

use halfopen::ingest::capture::{read_capture, read_capture_from};
use halfopen::ingest::detect::{damaged, detect};
use halfopen::ingest::evt::parse_evt;
use halfopen::ingest::evtx::read_evtx;
use halfopen::ingest::export::{read_event_export, sniff_export};
use halfopen::ingest::firewall::{looks_like_firewall, read_firewall};
use halfopen::ingest::netstat::{looks_like_netstat, parse_netstat};
use halfopen::model::Format;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// A fuzz target's function: feeds one input to one reader, ignoring the result.
pub type Target = fn(&[u8]);

/// Every target: its name (the folder of its corpus) and its function.
pub const TARGETS: &[(&str, Target)] = &[
    ("detect", fuzz_detect),
    ("evtx", fuzz_evtx),
    ("evt", fuzz_evt),
    ("event_export", fuzz_event_export),
    ("netstat", fuzz_netstat),
    ("capture", fuzz_capture),
    ("firewall", fuzz_firewall),
];

/// Format detection, and the damaged-format check that follows an `unknown`.
pub fn fuzz_detect(data: &[u8]) {
    let _ = detect(data);
    let _ = damaged(data);
}

/// `.evtx`: the chunk walk, lost-record accounting and cut-chunk recovery (needs a file).
pub fn fuzz_evtx(data: &[u8]) {
    with_file(data, |p| {
        let _ = read_evtx(p);
    });
}

/// Legacy `.evt`: header, circular buffer, records.
pub fn fuzz_evt(data: &[u8]) {
    let _ = parse_evt(data);
}

/// Event Viewer XML / CSV / TXT exports, read as each export format (needs a file).
pub fn fuzz_event_export(data: &[u8]) {
    let _ = sniff_export(data);
    with_file(data, |p| {
        for format in [Format::EventXml, Format::EventCsv] {
            let _ = read_event_export(p, format, None);
        }
    });
}

/// Windows and Unix netstat / ss text, any encoding.
pub fn fuzz_netstat(data: &[u8]) {
    let _ = looks_like_netstat(data);
    let _ = parse_netstat(data);
}

/// pcap, pcapng, NetMon, each link layer: from memory, and from a file (gzip included).
pub fn fuzz_capture(data: &[u8]) {
    let _ = read_capture_from(std::io::Cursor::new(data), &mut |_| {});
    with_file(data, |p| {
        let _ = read_capture(p, &mut |_| {});
    });
}

/// Windows Firewall logs (`pfirewall.log`), with and without a zone for the local times.
pub fn fuzz_firewall(data: &[u8]) {
    let _ = looks_like_firewall(data);
    let _ = read_firewall(data, None);
    if let Ok(z) = halfopen::model::NamedTz::parse("+14:00") {
        let _ = read_firewall(data, Some(&z.tz));
    }
}

/// Writes `data` to a fresh temp file, runs `f` on it, removes it.
fn with_file(data: &[u8], f: impl FnOnce(&Path)) {
    static N: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "halfopen-fuzz-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    if std::fs::write(&path, data).is_ok() {
        f(&path);
    }
    let _ = std::fs::remove_file(&path);
}
