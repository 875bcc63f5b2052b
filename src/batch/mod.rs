//! `halfopen batch`: archives of past incidents, each immediate subfolder or `.zip` one incident
//! (issue 8).
//!
//! - Incidents run in parallel on one rayon pool of `--threads` workers; the files and evtx
//!   chunks of each incident run on that same pool ([`crate::analyze_on_current_pool`]), so the
//!   thread budget is shared, never multiplied (concurrency model: [`crate::pipeline`]).
//! - Per incident, `DIR/<incident>/` gets `report.<ext>` for each `--format` and
//!   [`manifest::MANIFEST`], each written atomically; a rerun skips incidents whose manifest
//!   matches ([`manifest::Manifest::is_done`]) and keeps their summary row; `--force` redoes them.
//! - A zip is checked entry by entry ([`zipsafe`]) and unpacked into `DIR/.unpack/<incident>/`,
//!   which is removed after its analysis (so report paths of zip incidents name that folder).
//! - The summary ([`summary::SummaryRow`]) goes to `DIR/summary.csv` and `DIR/summary.jsonl`,
//!   sorted by incident name, and as a table to stdout.
//! - Scale-out: `--shard K/N` ([`shard`]) takes the incidents at 1-based positions K, K+N, … of
//!   the name-sorted list (`auto/N`: `JOB_COMPLETION_INDEX` + 1, or `SLURM_ARRAY_TASK_ID`) and
//!   writes `summary.shard-K-of-N.{csv,jsonl}`; `--stdin-paths` reads incident paths from stdin and
//!   prints one JSON summary line per incident; `--merge` rebuilds `summary.{csv,jsonl}` from the
//!   manifests of every incident folder of `--out` and of the given shard output folders.
//!
//! Status rule ([`summary::Status`]): an incident is `error` when it could not be read (zip
//! refused, folder unlistable), held no file, or no file of a recognised format could be read; a
//! damaged file next to good ones keeps it `ok`, counted in `skipped` / `input_errors`.
//! Exit codes: 0 every incident `ok`, 1 some `error`, 2 bad arguments or unwritable `--out`.

mod incident;
pub mod manifest;
mod progress;
pub mod shard;
pub mod summary;
pub mod zipsafe;

pub use incident::{
    BatchSettings, Incident, Outcome, list_incidents, process_incident, run_incidents,
};
pub use shard::{Shard, ShardError, shard_of};

use progress::Progress;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use summary::{Status, SummaryRow};

/// What `halfopen batch` was asked to do (built by `cli` from its arguments).
#[derive(Debug, Clone)]
pub struct BatchJob {
    /// Archive folders (or zip files), or with [`BatchMode::Merge`] other shards' output folders.
    pub archives: Vec<PathBuf>,
    /// Worker threads of the one pool (0 = one per core).
    pub threads: usize,
    /// Only this shard of the name-sorted incidents ([`BatchMode::Archives`] only).
    pub shard: Option<Shard>,
    /// Where the incidents come from and what is written.
    pub mode: BatchMode,
    /// What each incident's processing needs.
    pub settings: BatchSettings,
}

/// The three ways to run a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchMode {
    /// Incidents are the subfolders and zips of the archive folders; summaries are written.
    Archives,
    /// Incident paths come from stdin, one per line; one JSON row per incident on stdout.
    StdinPaths,
    /// Analyse nothing: rebuild the summaries from the manifests of the output folders.
    Merge,
}

/// A failure that stops a whole batch (exit code 2); failures of one incident are rows instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// An archive or output folder could not be listed.
    #[error("{}: {source}", path.display())]
    Unlistable {
        /// The folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The output folder or a summary file could not be written.
    #[error("{}: {source}", path.display())]
    Unwritable {
        /// The folder or file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A summary file could not be written (the error names the file).
    #[error("writing the summary: {0}")]
    Summary(#[source] std::io::Error),
    /// Incident paths could not be read from stdin.
    #[error("reading paths from stdin: {0}")]
    Stdin(#[source] std::io::Error),
    /// `--shard` could not be resolved.
    #[error(transparent)]
    Shard(#[from] ShardError),
}

/// The rows of every incident folder (`*/manifest.json`) under the given output folders, sorted
/// by incident; the first folder wins for a name found twice.
pub fn collect_rows(outs: &[PathBuf]) -> Result<Vec<SummaryRow>, BatchError> {
    let mut rows: std::collections::BTreeMap<String, SummaryRow> = Default::default();
    for out in outs {
        let rd = std::fs::read_dir(out).map_err(|e| BatchError::Unlistable {
            path: out.clone(),
            source: e,
        })?;
        let mut dirs: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        dirs.sort();
        for d in dirs {
            let hidden = d
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden || !d.is_dir() {
                continue;
            }
            if let Some(row) = manifest::read(&d).and_then(|m| m.summary_row()) {
                rows.entry(row.incident.clone()).or_insert(row);
            }
        }
    }
    Ok(rows.into_values().collect())
}

/// Writes `<out>/<stem>.jsonl` and `<out>/<stem>.csv`, each whole or not at all.
fn write_summaries(out: &Path, stem: &str, rows: &[SummaryRow]) -> Result<(), BatchError> {
    let jsonl = out.join(format!("{stem}.jsonl"));
    manifest::write_atomic(&jsonl, &summary::jsonl_bytes(rows)).map_err(BatchError::Summary)?;
    let csv = out.join(format!("{stem}.csv"));
    summary::csv_bytes(rows)
        .and_then(|b| manifest::write_atomic(&csv, &b))
        .map_err(BatchError::Summary)
}

fn exit_for(rows: &[SummaryRow]) -> ExitCode {
    if rows.iter().any(|r| r.status != Status::Ok) {
        ExitCode::from(1)
    } else if rows.iter().any(|r| r.skipped > 0 || r.input_errors > 0) {
        ExitCode::from(crate::pipeline::EXIT_PARTIAL)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_table(rows: &[SummaryRow]) {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let _ = summary::write_table(rows, &mut lock).and_then(|()| lock.flush());
}

/// Runs a batch; the exit code is 0 when every incident was analysed in full, 3 when every
/// incident was analysed but some skipped records or had unreadable files
/// ([`crate::pipeline::EXIT_PARTIAL`]), 1 when some incident failed (no readable input
/// included), 2 on bad arguments or an unwritable output folder.
pub fn run(job: &BatchJob) -> ExitCode {
    let result = match job.mode {
        BatchMode::Merge => run_merge(job),
        BatchMode::StdinPaths => run_stdin_paths(job),
        BatchMode::Archives => run_archives(job),
    };
    match result {
        Ok(rows) => exit_for(&rows),
        Err(e) => {
            eprintln!("halfopen: error: {e}");
            ExitCode::from(crate::pipeline::EXIT_FAILED)
        }
    }
}

/// Creates the output folder; called once the arguments are known to be good, so a refused
/// run leaves no folder behind.
fn create_out(out: &Path) -> Result<(), BatchError> {
    std::fs::create_dir_all(out).map_err(|e| BatchError::Unwritable {
        path: out.to_path_buf(),
        source: e,
    })
}

/// `--merge`: the summaries from the manifests of `--out` and the other output folders.
fn run_merge(job: &BatchJob) -> Result<Vec<SummaryRow>, BatchError> {
    let out = &job.settings.out;
    create_out(out)?;
    let mut outs = vec![out.clone()];
    outs.extend(job.archives.iter().cloned());
    let rows = collect_rows(&outs)?;
    write_summaries(out, "summary", &rows)?;
    print_table(&rows);
    Ok(rows)
}

/// `--stdin-paths`: incidents from stdin, one JSON summary line each on stdout as it finishes.
fn run_stdin_paths(job: &BatchJob) -> Result<Vec<SummaryRow>, BatchError> {
    let mut incidents = Vec::new();
    for line in std::io::stdin().lock().lines() {
        let l = line.map_err(BatchError::Stdin)?;
        if !l.trim().is_empty() {
            incidents.push(incident::incident_of(Path::new(
                l.trim_end_matches(['\r', '\n']),
            )));
        }
    }
    create_out(&job.settings.out)?;
    let progress = Progress::new(incidents.len(), true);
    let stdout = Mutex::new(std::io::stdout());
    let outcomes = run_incidents(&incidents, &job.settings, job.threads, &|o| {
        progress.report(o);
        let mut s = stdout.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(s, "{}", o.row.to_json_line()).and_then(|()| s.flush());
    });
    Ok(outcomes.into_iter().map(|o| o.row).collect())
}

/// The archives (or one shard of them): every incident, then the summary files and table.
fn run_archives(job: &BatchJob) -> Result<Vec<SummaryRow>, BatchError> {
    let out = &job.settings.out;
    let all = list_incidents(&job.archives, out)?;
    let (incidents, stem) = match &job.shard {
        None => (all, "summary".to_string()),
        Some(s) => {
            let k = s.resolve(&|v| std::env::var(v).ok())?;
            (
                shard_of(all, k, s.count),
                format!("summary.shard-{k}-of-{}", s.count),
            )
        }
    };
    create_out(out)?;
    let progress = Progress::new(incidents.len(), false);
    let outcomes = run_incidents(&incidents, &job.settings, job.threads, &|o| {
        progress.report(o)
    });
    progress.finish();
    let kept = outcomes.iter().filter(|o| o.kept).count();
    if kept > 0 {
        eprintln!(
            "halfopen: batch: {kept} incidents were done before and kept (--force redoes them)"
        );
    }
    let rows: Vec<SummaryRow> = outcomes.into_iter().map(|o| o.row).collect();
    write_summaries(out, &stem, &rows)?;
    print_table(&rows);
    Ok(rows)
}
