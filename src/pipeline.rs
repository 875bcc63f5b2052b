//! Finds the input files, recognises each one's format and runs its ingester, files in parallel,
//! then returns them in one deterministic order (by path).
//!
//! # Concurrency model
//!
//! One rayon pool per run, built once at the edge ([`on_pool`], from `--threads`): by
//! [`crate::analyze`] for `halfopen analyze`, by [`crate::batch::run_incidents`] for `batch`.
//! Everything below runs on whichever pool it is called in and never builds another one:
//!
//! | level | unit of work | how |
//! |---|---|---|
//! | `batch` | incidents | `par_iter` over the incidents ([`crate::batch::run_incidents`]) |
//! | [`ingest_all`] | the files of one bundle | `par_iter` over the file list |
//! | [`crate::ingest::evtx::read_evtx`] | the 64 KiB chunks of one `.evtx` | `par_iter` over a read-ahead batch of chunks |
//!
//! Nesting these is safe and shares the budget instead of multiplying it: a rayon worker that
//! waits for its children (`join` inside `par_iter`) runs other queued jobs of the same pool while
//! it waits, so `batch --threads 4` uses 4 threads in all, whether the work is 4 incidents, 4 files
//! of one incident or 4 chunks of one log.
//!
//! **Invariant: no pool worker blocks waiting for work queued on its own pool.** The only
//! waiting is rayon's own `join` (which steals while it waits). No code on a pool receives from a
//! channel, joins an OS thread or takes a lock held across pool work. This is why the `evtx`
//! crate's `multithreading` feature is off: its chunk pipeline `rayon::spawn`s onto the current
//! pool and then blocks in `mpsc::Receiver::recv`; with every worker inside one such `recv`
//! (two logs on a two-thread pool) nothing is left to run the spawned jobs (issue 15).
//!
//! Other places that wait, and why they cannot deadlock:
//! - `batch`'s per-outcome callback locks a `Mutex` around stdout / the progress bar; the lock
//!   is held only for one write and never across pool work.
//! - indicatif's progress bar draws from the thread that calls it (no steady-tick thread).
//! - The Ctrl-C handler ([`crate::outfile`]) runs on its own OS thread, outside the pool; it
//!   only removes the temp files it knows about and exits.
//! - Captures are read with one streaming reader per file, on the worker that reads the file;
//!   there is no `par_bridge` over a reader.
//!
//! The answer never depends on the pool size: `par_iter().collect()` keeps input order, the
//! inputs are sorted by path, and each reader's output is in file order.

use crate::analysis::alarm::AlarmTracker;
use crate::analysis::halfopen::{QueueSettings, half_open_of};
use crate::analysis::handshake::{HandshakeSettings, HandshakeTracker};
pub use crate::analysis::source::{CaptureData, Input, InputData};
use crate::config::Config;
use crate::ingest::capture::read_capture;
use crate::ingest::detect::{HEAD_LEN, damaged, detect};
use crate::ingest::evt::read_evt;
use crate::ingest::evtx::{Keep, read_evtx_keeping};
use crate::ingest::export::read_event_export;
use crate::ingest::netstat::{Stamp, parse_netstat};
use crate::ingest::{IngestError, capture::TcpPacket};
use crate::model::{Format, TimeSource, UtcTime};
use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Expands folders (recursively, sorted) into files. Paths that do not exist or cannot be listed
/// are returned as errors, one per path.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<IngestError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        walk(p, &mut files, &mut errors);
    }
    (files, errors)
}

fn walk(p: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<IngestError>) {
    match std::fs::metadata(p) {
        Err(e) => errors.push(IngestError::io(p, e)),
        Ok(m) if m.is_dir() => match std::fs::read_dir(p) {
            Err(e) => errors.push(IngestError::io(p, e)),
            Ok(rd) => {
                let mut children: Vec<PathBuf> = Vec::new();
                for entry in rd {
                    match entry {
                        Ok(e) => children.push(e.path()),
                        Err(e) => errors.push(IngestError::io(p, e)),
                    }
                }
                children.sort();
                for c in children {
                    walk(&c, files, errors);
                }
            }
        },
        Ok(_) => files.push(p.to_path_buf()),
    }
}

/// Runs `f` on a new rayon pool of `threads` workers (0 = one per core), the one pool of a run
/// (module docs). If the pool cannot be built (the OS refuses threads), `f` runs on the caller's
/// pool instead; the result is the same either way.
pub fn on_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("halfopen-{i}"))
        .build()
    {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

/// Reads every file of `config.paths`, files in parallel on the current rayon pool (module
/// docs; `config.threads` is not read here). Returns the inputs sorted by path, and the paths
/// that could not be listed at all (missing folders or files).
pub fn ingest_all(config: &Config) -> (Vec<Input>, Vec<IngestError>) {
    ingest_all_observed(config, &NoProgress)
}

/// What a caller sees while the files are read (`analyze -v`, the progress bar). Called from
/// the pool's workers, in completion order (not the final order); an observer must not block
/// on pool work (module docs).
pub trait Progress: Sync {
    /// The file list is known: `total` files will be read.
    fn started(&self, total: usize);
    /// One file is read, in `elapsed` wall time.
    fn file_done(&self, input: &Input, elapsed: std::time::Duration);
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn started(&self, _total: usize) {}
    fn file_done(&self, _input: &Input, _elapsed: std::time::Duration) {}
}

/// [`ingest_all`], telling `progress` about each file as it is done.
pub fn ingest_all_observed(
    config: &Config,
    progress: &dyn Progress,
) -> (Vec<Input>, Vec<IngestError>) {
    let (mut files, errors) = collect_files(&config.paths);
    // The profiles that gave the settings are not evidence.
    files.retain(|f| !config.profiles.contains(f));
    progress.started(files.len());
    let mut inputs: Vec<Input> = files
        .par_iter()
        .map(|f| {
            let started = std::time::Instant::now();
            let input = ingest_file(f, config);
            progress.file_done(&input, started.elapsed());
            input
        })
        .collect();
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    (inputs, errors)
}

/// Resolves the alarm endpoints given by names only the evidence knows
/// ([`Config::alarm_names`]): names seen in the captures (DNS answers, NetBIOS registrations,
/// DHCP requests) and each netstat file's own names and addresses. The alarm tracker runs while
/// a capture streams, so the captures are then read again with the resolved endpoints (in
/// parallel on the current pool). Returns the settings used and the inputs.
///
/// Errors: a name nothing resolves, or one the evidence gives several addresses (the message
/// lists them with where each was seen); the inputs are returned unchanged with the error.
pub fn resolve_alarm_names(
    config: &Config,
    inputs: Vec<Input>,
) -> (
    Config,
    Vec<Input>,
    Option<crate::config::profile::ProfileError>,
) {
    use crate::config::profile::{AlarmRole, resolve_from_evidence};
    let mut resolved = config.clone();
    resolved.alarm_names.clear();
    let candidates = name_candidates(&inputs);
    for p in &config.alarm_names {
        match resolve_from_evidence(p, &candidates) {
            Ok(e) if p.role == AlarmRole::Provider => resolved.alarm_providers.push(e),
            Ok(e) => resolved.alarm_clients.push(e),
            Err(e) => return (config.clone(), inputs, Some(e)),
        }
    }
    let inputs = inputs
        .into_par_iter()
        .map(|i| match i.format {
            Format::Pcap | Format::Pcapng | Format::Netmon => ingest_file(&i.path, &resolved),
            _ => i,
        })
        .collect();
    (resolved, inputs, None)
}

/// `(name, address, where seen)` from the evidence, for [`resolve_alarm_names`].
fn name_candidates(inputs: &[Input]) -> Vec<(String, std::net::IpAddr, String)> {
    let mut out = Vec::new();
    for i in inputs {
        let file = i
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match &i.data {
            Ok(InputData::Capture(c)) => {
                for n in &c.read.names {
                    let seen = format!("{file} frame {}", n.frame);
                    out.push((n.name.clone(), n.address, seen));
                }
            }
            Ok(InputData::Netstat { file: f, .. }) => {
                let (names, addrs) = crate::correlate::netstat_identity(f);
                for n in &names {
                    for a in &addrs {
                        out.push((n.clone(), *a, file.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Recognises and reads one file.
pub fn ingest_file(path: &Path, config: &Config) -> Input {
    let path: Arc<Path> = Arc::from(path);
    let head = match read_head(&path) {
        Ok(h) => h,
        Err(e) => {
            return Input {
                format: Format::Unknown,
                data: Err(e),
                path,
            };
        }
    };
    let format = detect(&head);
    if format == Format::Unknown
        && let Some(d) = damaged(&head)
    {
        return Input {
            format: d.format,
            data: Err(IngestError::Damaged {
                path: path.to_path_buf(),
                format: d.format,
                offset: d.offset,
                reason: d.reason,
            }),
            path,
        };
    }
    let data = match format {
        Format::Evtx => read_evtx_keeping(&path, Keep::Wanted).map(InputData::EventLog),
        Format::Evt => read_evt(&path).map(InputData::EventLog),
        Format::EventXml | Format::EventCsv => {
            read_event_export(&path, format, config.event_tz.as_ref()).map(InputData::EventLog)
        }
        Format::Netstat => read_netstat(&path, config),
        Format::Pcap | Format::Pcapng | Format::Netmon => read_capture_data(&path, config),
        Format::Firewall => std::fs::read(&path)
            .map_err(|e| IngestError::io(&path, e))
            .map(|b| {
                let tz = config.event_tz.as_ref().map(|z| &z.tz);
                InputData::Firewall(crate::ingest::firewall::read_firewall(&b, tz))
            }),
        _ => Ok(InputData::Unknown {
            size: std::fs::metadata(&path).map_or(head.len() as u64, |m| m.len()),
        }),
    };
    Input { path, format, data }
}

fn read_head(path: &Path) -> Result<Vec<u8>, IngestError> {
    let f = std::fs::File::open(path).map_err(|e| IngestError::io(path, e))?;
    let mut head = Vec::with_capacity(HEAD_LEN);
    f.take(HEAD_LEN as u64)
        .read_to_end(&mut head)
        .map_err(|e| IngestError::io(path, e))?;
    Ok(head)
}

fn read_netstat(path: &Path, config: &Config) -> Result<InputData, IngestError> {
    let bytes = std::fs::read(path).map_err(|e| IngestError::io(path, e))?;
    let file = parse_netstat(&bytes);
    let fallback = match config.netstat_time {
        Some(t) => (t, TimeSource::Option),
        None => (mtime(path)?, TimeSource::Mtime),
    };
    let times = file
        .snapshots
        .iter()
        .map(|s| {
            s.stamp
                .and_then(|st| stamp_time(&st, config))
                .map(|t| (t, TimeSource::File))
                .unwrap_or(fallback)
        })
        .collect();
    Ok(InputData::Netstat { file, times })
}

/// A netstat file stamp in UTC: its own offset when it has one, else local time in
/// `--event-tz`, else UTC.
fn stamp_time(st: &Stamp, config: &Config) -> Option<UtcTime> {
    let ts = match (st.offset_s, &config.event_tz) {
        (Some(off), _) => {
            let off = jiff::tz::Offset::from_seconds(off).ok()?;
            off.to_timestamp(st.civil).ok()?
        }
        (None, Some(z)) => z.tz.to_timestamp(st.civil).ok()?,
        (None, None) => jiff::tz::TimeZone::UTC.to_timestamp(st.civil).ok()?,
    };
    let nanos = i64::try_from(ts.as_nanosecond()).ok()?;
    // `10:02:40,12` keeps its hundredths: show at least milliseconds when there is a fraction.
    let digits = if nanos % 1_000_000_000 == 0 { 0 } else { 3 };
    Some(UtcTime::from_unix_nanos(nanos, digits))
}

fn mtime(path: &Path) -> Result<UtcTime, IngestError> {
    let m = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(|e| IngestError::io(path, e))?;
    let nanos = match m.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_nanos()).unwrap_or(i64::MAX),
    };
    Ok(UtcTime::from_unix_nanos(nanos, 0))
}

fn read_capture_data(path: &Path, config: &Config) -> Result<InputData, IngestError> {
    let mut tracker = HandshakeTracker::new(HandshakeSettings {
        give_up_s: config.give_up_s,
        half_open_limit: config.half_open_limit,
    });
    let mut alarm = AlarmTracker::new(&config.alarm_settings());
    let mut read = read_capture(path, &mut |p: &TcpPacket| {
        tracker.push(p);
        alarm.push(p);
    })?;
    let handshakes = tracker.finish(read.last_time);
    // What the tracker could not keep exactly is reported like the reader's own problems, in
    // file order among them (issue 17 §2).
    if let Some(p) = handshakes.untracked.clone() {
        let byte = p.byte().unwrap_or(u64::MAX);
        let at = read
            .problems
            .partition_point(|q| q.byte().is_none_or(|b| b <= byte));
        read.problems.insert(at, p);
    }
    let half_open = half_open_of(
        &handshakes.attempts,
        &QueueSettings::with_limit(config.half_open_limit),
    );
    let alarm_gaps = alarm.finish(read.last_time);
    Ok(InputData::Capture(Box::new(CaptureData {
        read,
        handshakes,
        half_open,
        alarm_gaps,
    })))
}

/// Exit code: every input was read in full (README "Exit codes").
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: the run failed — bad arguments, a given path that does not exist, a report that
/// could not be written; `batch`: an unwritable `--out`.
pub const EXIT_FAILED: u8 = 2;
/// Exit code: the report is complete, but something was skipped: a damaged record, row,
/// packet or byte range (a problem), or an input that could not be read at all.
pub const EXIT_PARTIAL: u8 = 3;
/// Exit code: no evidence was recognised — no input gave an event record, netstat snapshot or
/// packet (nothing given, every file of unknown format, or every input failed).
pub const EXIT_NO_EVIDENCE: u8 = 4;

/// How a completed analysis ended, for its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// Every input was read in full ([`EXIT_CLEAN`]). Files of unknown format are warnings
    /// and do not change this.
    Clean,
    /// Something was skipped or some input was unreadable ([`EXIT_PARTIAL`]).
    Partial,
    /// Nothing was recognised ([`EXIT_NO_EVIDENCE`]).
    NoEvidence,
}

impl Completion {
    /// How `a` ended: no evidence first, then skips and unreadable inputs.
    pub fn of(a: &crate::correlate::Analysis) -> Completion {
        if !a.evidence_recognised {
            Completion::NoEvidence
        } else if !a.errors.is_empty() || a.inputs.iter().any(|i| i.skipped > 0) {
            Completion::Partial
        } else {
            Completion::Clean
        }
    }

    /// The process exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            Completion::Clean => EXIT_CLEAN,
            Completion::Partial => EXIT_PARTIAL,
            Completion::NoEvidence => EXIT_NO_EVIDENCE,
        }
    }
}
