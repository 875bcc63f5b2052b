//! One function per fuzz target, each feeding arbitrary bytes to one reader through the same
//! public functions the tests call. The fuzz targets (`fuzz_targets/*.rs`) call these, and
//! `tests/fuzz_corpus.rs` replays every file of `fuzz/corpus/<target>/` through the same
//! function on the stable toolchain (it includes this file by path), so a corpus file that once
//! made a reader panic stays a regression test.
//!
//! Run one target (nightly, `cargo install cargo-fuzz`), from the repository root:
//! `cargo +nightly fuzz run netstat fuzz/corpus/netstat` (the fuzz log and how to rerun every
//! target: `benches/FUZZ.md`).

use halfopen::batch::zipsafe::{ZipLimits, check_and_unpack};
use halfopen::config::Config;
use halfopen::ingest::capture::{read_capture, read_capture_from};
use halfopen::ingest::detect::{damaged, detect};
use halfopen::ingest::evt::parse_evt;
use halfopen::ingest::evtx::read_evtx;
use halfopen::ingest::export::{read_event_export, sniff_export};
use halfopen::ingest::firewall::{looks_like_firewall, read_firewall};
use halfopen::ingest::netstat::{looks_like_netstat, parse_netstat};
use halfopen::model::Format;
use halfopen::pipeline::Completion;
use halfopen::report::{OutputFormat, RenderOptions, render};
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
    ("zip", fuzz_zip),
    ("analyze", fuzz_analyze),
];

/// The limits `halfopen batch` checks zips with by default (`--max-ratio 200`,
/// `--max-unpacked 64 GiB`).
pub const ZIP_LIMITS: ZipLimits = ZipLimits {
    max_ratio: 200,
    max_total: 64 << 30,
};

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

/// The batch zip unpacker (`halfopen batch` on a `.zip` incident): every entry is checked, then
/// unpacked into a scratch folder. Whatever the zip, nothing may be written beside that folder
/// and no symbolic link may be unpacked (a panic here is a finding, not a reader's panic).
pub fn fuzz_zip(data: &[u8]) {
    with_dir(|dir| {
        let zip = dir.join("incident.zip");
        let dest = dir.join("unpacked");
        if std::fs::write(&zip, data).is_err() {
            return;
        }
        let _ = check_and_unpack(&zip, &dest, ZIP_LIMITS);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert!(
            names.iter().all(|n| n == "incident.zip" || n == "unpacked"),
            "the zip wrote beside its unpack folder: {names:?}"
        );
        assert_no_symlink(&dest);
    });
}

/// The whole `analyze` run on a one-file bundle (a folder holding `data` as its only file),
/// default settings on one thread, then every report format rendered (to nowhere).
pub fn fuzz_analyze(data: &[u8]) {
    with_dir(|dir| {
        if std::fs::write(dir.join("evidence"), data).is_err() {
            return;
        }
        let mut config = Config::new(vec![dir.to_path_buf()]);
        config.threads = 1;
        let analysis = halfopen::analyze(&config);
        let _ = Completion::of(&analysis).exit_code();
        let opts = RenderOptions {
            width: Some(100),
            ..RenderOptions::default()
        };
        for format in OutputFormat::ALL {
            let _ = render(format, &analysis, &opts, &mut std::io::sink());
        }
    });
}

/// Panics when `dir` holds a symbolic link, at any depth.
fn assert_no_symlink(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        assert!(
            !meta.file_type().is_symlink(),
            "the zip unpacked a symbolic link: {}",
            path.display()
        );
        if meta.is_dir() {
            assert_no_symlink(&path);
        }
    }
}

/// Makes a fresh empty temp folder, runs `f` on it, removes it with everything in it.
fn with_dir(f: impl FnOnce(&Path)) {
    let dir = fresh_temp_path("dir");
    if std::fs::create_dir(&dir).is_ok() {
        f(&dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Writes `data` to a fresh temp file, runs `f` on it, removes it.
fn with_file(data: &[u8], f: impl FnOnce(&Path)) {
    let path = fresh_temp_path("file");
    if std::fs::write(&path, data).is_ok() {
        f(&path);
    }
    let _ = std::fs::remove_file(&path);
}

/// A temp path no other call of this process (nor another process) uses.
fn fresh_temp_path(kind: &str) -> std::path::PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    std::env::temp_dir().join(format!(
        "halfopen-fuzz-{kind}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}
