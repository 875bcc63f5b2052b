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
//! - Scale-out: `--shard I/N` takes the incidents whose index in the name-sorted list is I mod N
//!   (`auto/N` reads `JOB_COMPLETION_INDEX`, then `SLURM_ARRAY_TASK_ID`) and writes
//!   `summary.shard-I-of-N.{csv,jsonl}`; `--stdin-paths` reads incident paths from stdin and
//!   prints one JSON summary line per incident; `--merge` rebuilds `summary.{csv,jsonl}` from the
//!   manifests of every incident folder of `--out` and of the given shard output folders.
//!
//! Status rule ([`summary::Status`]): an incident is `error` when it could not be read (zip
//! refused, folder unlistable), held no file, or no file of a recognised format could be read; a
//! damaged file next to good ones keeps it `ok`, counted in `skipped` / `input_errors`.
//! Exit codes: 0 every incident `ok`, 1 some `error`, 2 bad arguments or unwritable `--out`.

pub mod manifest;
pub mod summary;
pub mod zipsafe;

use crate::cli::OutputFormat;
use crate::config::{AlarmEndpoint, Config};
use crate::report::{RenderOptions, render};
use manifest::{InputHash, Manifest};
use rayon::prelude::*;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use summary::{Status, SummaryRow};

/// Arguments of `halfopen batch`.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Folders whose immediate subfolders and .zip files are incidents (a .zip given here is one
    /// incident). With --merge: output folders of other shards to merge in.
    #[arg(value_name = "ARCHIVE", required_unless_present_any = ["stdin_paths", "merge"])]
    pub archives: Vec<PathBuf>,
    /// Output folder (one subfolder per incident, summary.csv, summary.jsonl).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Report format written per incident (repeatable).
    #[arg(long, value_enum, default_values_t = [OutputFormat::Json])]
    pub format: Vec<OutputFormat>,
    /// Incidents analysed at once (default: all cores); each analysis is single-threaded.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Redo incidents that a previous run finished.
    #[arg(long)]
    pub force: bool,
    /// Only the incidents whose index in the name-sorted list is I modulo N. `auto/N` takes I
    /// from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID.
    #[arg(long, value_name = "I/N", value_parser = Shard::parse, conflicts_with_all = ["stdin_paths", "merge"])]
    pub shard: Option<Shard>,
    /// Read incident paths (folders or zips) from stdin, one per line; print one JSON summary
    /// line per incident on stdout (no summary files: merge with --merge).
    #[arg(long, conflicts_with = "merge")]
    pub stdin_paths: bool,
    /// Rebuild DIR/summary.csv and summary.jsonl from the manifests of every incident folder in
    /// --out and in the ARCHIVE folders (other shards' output folders); analyse nothing.
    #[arg(long)]
    pub merge: bool,
    /// Concurrent half-open outgoing connections at which the limit bites.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub half_open_limit: u32,
    /// Address (optionally :PORT) of an alarm provider (repeatable).
    #[arg(long = "alarm-provider", value_name = "ADDR[:PORT]", value_parser = AlarmEndpoint::parse)]
    pub alarm_providers: Vec<AlarmEndpoint>,
    /// Address (optionally :PORT) of an alarm client (repeatable).
    #[arg(long = "alarm-client", value_name = "ADDR[:PORT]", value_parser = AlarmEndpoint::parse)]
    pub alarm_clients: Vec<AlarmEndpoint>,
    /// Seconds without client–provider traffic that count as an alarm gap.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub gap: f64,
    /// Refuse a zip entry (over 1 MiB) or a whole zip that unpacks more than this many times its
    /// compressed size.
    #[arg(long, value_name = "RATIO", default_value_t = 200)]
    pub max_ratio: u64,
    /// Refuse a zip that unpacks to more than this many bytes in all.
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 30)]
    pub max_unpacked: u64,
}

/// `--shard I/N`: this process takes incident k (name-sorted) when k mod N = I.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// `None` for `auto`: read from the environment at run time.
    pub index: Option<u64>,
    pub count: u64,
}

impl Shard {
    /// Parses `I/N` (0 ≤ I < N) or `auto/N`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("expected I/N or auto/N, got {s:?}"))?;
        let count: u64 = n
            .trim()
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("N must be a positive number in {s:?}"))?;
        let index = if i.trim() == "auto" {
            None
        } else {
            let i: u64 = i
                .trim()
                .parse()
                .map_err(|_| format!("I must be a number or auto in {s:?}"))?;
            if i >= count {
                return Err(format!("I must be below N in {s:?}"));
            }
            Some(i)
        };
        Ok(Shard { index, count })
    }

    /// The shard index: the given one, or `JOB_COMPLETION_INDEX`, or `SLURM_ARRAY_TASK_ID`.
    pub fn resolve(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<u64, String> {
        if let Some(i) = self.index {
            return Ok(i);
        }
        for var in ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"] {
            if let Some(v) = env(var) {
                return match v.trim().parse::<u64>() {
                    Ok(i) if i < self.count => Ok(i),
                    _ => Err(format!(
                        "{var}={v:?} is not an index below the shard count {}",
                        self.count
                    )),
                };
            }
        }
        Err("--shard auto/N needs JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID".to_string())
    }
}

/// One incident: its name (folder or zip file name) and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub name: String,
    pub path: PathBuf,
}

/// The incidents of the archive folders: every immediate subfolder and `*.zip` file (hidden
/// entries and the output folder excepted), sorted by name. Errors name the archive.
pub fn list_incidents(archives: &[PathBuf], out: &Path) -> Result<Vec<Incident>, String> {
    let out_c = std::fs::canonicalize(out).ok();
    let mut v = Vec::new();
    for a in archives {
        let meta = std::fs::metadata(a).map_err(|e| format!("{}: {e}", a.display()))?;
        if !meta.is_dir() {
            v.push(incident_of(a));
            continue;
        }
        let rd = std::fs::read_dir(a).map_err(|e| format!("{}: {e}", a.display()))?;
        for e in rd {
            let e = e.map_err(|e| format!("{}: {e}", a.display()))?;
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            if name.starts_with('.') {
                continue;
            }
            if out_c.is_some() && std::fs::canonicalize(&path).ok() == out_c {
                continue;
            }
            let is_dir = std::fs::metadata(&path).is_ok_and(|m| m.is_dir());
            if is_dir || name.to_ascii_lowercase().ends_with(".zip") {
                v.push(Incident { name, path });
            }
        }
    }
    v.sort_by(|a, b| (&a.name, &a.path).cmp(&(&b.name, &b.path)));
    Ok(v)
}

fn incident_of(path: &Path) -> Incident {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Incident {
        name,
        path: path.to_path_buf(),
    }
}

/// The incidents of shard `index` of `count`: those at positions ≡ index (mod count).
pub fn shard_of(incidents: Vec<Incident>, index: u64, count: u64) -> Vec<Incident> {
    incidents
        .into_iter()
        .enumerate()
        .filter(|(k, _)| (*k as u64) % count == index)
        .map(|(_, i)| i)
        .collect()
}

/// Everything an incident's processing needs besides the incident.
#[derive(Debug, Clone)]
pub struct BatchSettings {
    pub out: PathBuf,
    pub formats: Vec<OutputFormat>,
    pub force: bool,
    pub half_open_limit: u32,
    pub alarm_providers: Vec<AlarmEndpoint>,
    pub alarm_clients: Vec<AlarmEndpoint>,
    pub gap_s: f64,
    pub zip_limits: zipsafe::ZipLimits,
}

impl BatchSettings {
    /// The settings from the arguments.
    pub fn from_args(args: &BatchArgs) -> BatchSettings {
        let mut formats = args.format.clone();
        formats.dedup();
        BatchSettings {
            out: args.out.clone(),
            formats,
            force: args.force,
            half_open_limit: args.half_open_limit,
            alarm_providers: args.alarm_providers.clone(),
            alarm_clients: args.alarm_clients.clone(),
            gap_s: args.gap,
            zip_limits: zipsafe::ZipLimits {
                max_ratio: args.max_ratio,
                max_total: args.max_unpacked,
            },
        }
    }

    /// What shapes the reports, as text stored in the manifest: a change redoes the incident.
    pub fn fingerprint(&self) -> String {
        format!(
            "halfopen {} limit={} gap={} providers={:?} clients={:?}",
            env!("CARGO_PKG_VERSION"),
            self.half_open_limit,
            self.gap_s,
            self.alarm_providers
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>(),
            self.alarm_clients
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
        )
    }

    fn config(&self, root: PathBuf) -> Config {
        let mut c = Config::new(vec![root]);
        c.half_open_limit = self.half_open_limit;
        c.alarm_providers = self.alarm_providers.clone();
        c.alarm_clients = self.alarm_clients.clone();
        c.gap_s = self.gap_s;
        c
    }

    fn report_names(&self) -> Vec<String> {
        self.formats
            .iter()
            .map(|f| format!("report.{}", f.extension()))
            .collect()
    }
}

/// What happened to one incident.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub row: SummaryRow,
    /// A previous run had finished it: nothing was redone or rewritten.
    pub kept: bool,
}

/// Analyses one incident into `settings.out/<name>/` (or keeps a finished one). Never panics on
/// bad input and never fails: problems become an `error` row.
pub fn process_incident(inc: &Incident, settings: &BatchSettings) -> Outcome {
    let failed = |e: String| Outcome {
        row: SummaryRow::failed(&inc.name, e),
        kept: false,
    };
    if inc.name.is_empty() || inc.name == "." || inc.name == ".." || inc.name.contains(['/', '\\'])
    {
        return failed(format!(
            "{}: not a usable incident name",
            inc.path.display()
        ));
    }
    let dir = settings.out.join(&inc.name);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return failed(format!("{}: {e}", dir.display()));
    }
    let fingerprint = settings.fingerprint();
    let reports = settings.report_names();
    let hashes = match manifest::hash_inputs(&inc.path) {
        Ok(h) => h,
        Err(e) => {
            let row = SummaryRow::failed(&inc.name, e.to_string());
            return finish_failed(inc, &dir, &fingerprint, Vec::new(), row);
        }
    };
    let done = (!settings.force)
        .then(|| manifest::read(&dir))
        .flatten()
        .filter(|m| m.is_done(&dir, &fingerprint, &hashes, &reports))
        .and_then(|m| m.summary_row());
    if let Some(row) = done {
        return Outcome { row, kept: true };
    }
    let is_dir = std::fs::metadata(&inc.path).is_ok_and(|m| m.is_dir());
    // A zip is unpacked into a scratch folder, removed when `scratch` drops (or on Ctrl-C).
    let mut scratch = None;
    let root = if is_dir {
        inc.path.clone()
    } else {
        let unpack = crate::outfile::Scratch::claim(settings.out.join(".unpack").join(&inc.name));
        if let Err(e) = zipsafe::check_and_unpack(&inc.path, unpack.path(), settings.zip_limits) {
            let row = SummaryRow::failed(&inc.name, e.to_string());
            return finish_failed(inc, &dir, &fingerprint, hashes, row);
        }
        let root = unpack.path().to_path_buf();
        scratch = Some(unpack);
        root
    };
    let analysis = crate::analyze_on_current_pool(&settings.config(root.clone()));
    let mut row = SummaryRow::from_analysis(&inc.name, &root, &analysis);
    let mut written = Vec::new();
    for (f, name) in settings.formats.iter().zip(&reports) {
        let mut buf = Vec::new();
        let res = render(*f, &analysis, &RenderOptions::default(), &mut buf)
            .and_then(|()| manifest::write_atomic(&dir.join(name), &buf));
        match res {
            Ok(()) => written.push(name.clone()),
            Err(e) => {
                row.status = Status::Error;
                row.error = Some(format!("writing {name}: {e}"));
                break;
            }
        }
    }
    drop(scratch);
    let m = Manifest {
        version: manifest::VERSION,
        incident: inc.name.clone(),
        source: inc.path.display().to_string(),
        settings: fingerprint,
        inputs: hashes,
        reports: written,
        row: row.to_json_line(),
    };
    if let Err(e) = write_manifest(&dir, &m) {
        row.status = Status::Error;
        row.error = Some(format!("writing the manifest: {e}"));
    }
    Outcome { row, kept: false }
}

/// Records a failed incident: old reports are removed (they no longer match the inputs) and the
/// manifest keeps the error row for `--merge`; such incidents are retried by every rerun.
fn finish_failed(
    inc: &Incident,
    dir: &Path,
    fingerprint: &str,
    inputs: Vec<InputHash>,
    mut row: SummaryRow,
) -> Outcome {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with("report.") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let m = Manifest {
        version: manifest::VERSION,
        incident: inc.name.clone(),
        source: inc.path.display().to_string(),
        settings: fingerprint.to_string(),
        inputs,
        reports: Vec::new(),
        row: row.to_json_line(),
    };
    if let Err(e) = write_manifest(dir, &m) {
        row.error = Some(format!(
            "{}; writing the manifest: {e}",
            row.error.unwrap_or_default()
        ));
    }
    Outcome { row, kept: false }
}

fn write_manifest(dir: &Path, m: &Manifest) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(m).map_err(std::io::Error::other)?;
    manifest::write_atomic(&dir.join(manifest::MANIFEST), &bytes)
}

/// Progress on stderr: an indicatif bar on a terminal, plain lines otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: Mutex<usize>,
}

impl Progress {
    fn new(total: usize, quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} incidents ({per_sec}) {msg}",
            ) {
                b.set_style(style.progress_chars("=> "));
            }
            b
        });
        Progress {
            bar,
            total,
            done: Mutex::new(0),
        }
    }

    fn report(&self, o: &Outcome) {
        let mut done = self.done.lock().unwrap_or_else(|p| p.into_inner());
        *done += 1;
        let what = match (&o.row.status, o.kept) {
            (_, true) => "done before, kept".to_string(),
            (Status::Ok, false) if o.row.findings.is_empty() => "ok".to_string(),
            (Status::Ok, false) => format!("ok, findings: {}", o.row.findings.join(" ")),
            (Status::Error, false) => {
                format!("error: {}", o.row.error.clone().unwrap_or_default())
            }
        };
        match &self.bar {
            Some(b) => {
                if o.row.status == Status::Error {
                    b.println(format!("halfopen: {}: {what}", o.row.incident));
                }
                b.set_message(o.row.incident.clone());
                b.inc(1);
            }
            None => eprintln!(
                "halfopen: batch [{}/{}] {}: {what}",
                *done, self.total, o.row.incident
            ),
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Runs `incidents` on one pool of `threads` workers (0 = all cores), shared with the files and
/// chunks inside each incident; `each` sees every outcome as it
/// completes. Returns the rows sorted by incident name; two incidents of the same name get an
/// error row for the second.
pub fn run_incidents(
    incidents: &[Incident],
    settings: &BatchSettings,
    threads: usize,
    each: &(dyn Fn(&Outcome) + Sync),
) -> Vec<Outcome> {
    let mut seen = std::collections::BTreeMap::new();
    let mut todo = Vec::new();
    let mut dups = Vec::new();
    for inc in incidents {
        match seen.get(&inc.name) {
            Some(first) => dups.push(Outcome {
                row: SummaryRow::failed(
                    &inc.name,
                    format!(
                        "{}: another incident has the same name ({first})",
                        inc.path.display()
                    ),
                ),
                kept: false,
            }),
            None => {
                seen.insert(inc.name.clone(), inc.path.display().to_string());
                todo.push(inc);
            }
        }
    }
    let work = || {
        todo.par_iter()
            .map(|inc| {
                let o = process_incident(inc, settings);
                each(&o);
                o
            })
            .collect::<Vec<_>>()
    };
    let mut out = crate::pipeline::on_pool(threads, work);
    for d in &dups {
        each(d);
    }
    out.extend(dups);
    out.sort_by(|a, b| {
        (&a.row.incident, a.row.status.as_str()).cmp(&(&b.row.incident, b.row.status.as_str()))
    });
    out
}

/// The rows of every incident folder (`*/manifest.json`) under the given output folders, sorted
/// by incident; the first folder wins for a name found twice.
pub fn collect_rows(outs: &[PathBuf]) -> Result<Vec<SummaryRow>, String> {
    let mut rows: std::collections::BTreeMap<String, SummaryRow> = Default::default();
    for out in outs {
        let rd = std::fs::read_dir(out).map_err(|e| format!("{}: {e}", out.display()))?;
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

fn write_summaries(out: &Path, stem: &str, rows: &[SummaryRow]) -> std::io::Result<()> {
    manifest::write_atomic(
        &out.join(format!("{stem}.jsonl")),
        &summary::jsonl_bytes(rows),
    )?;
    manifest::write_atomic(&out.join(format!("{stem}.csv")), &summary::csv_bytes(rows)?)
}

fn exit_for(rows: &[SummaryRow]) -> ExitCode {
    if rows.iter().all(|r| r.status == Status::Ok) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_table(rows: &[SummaryRow]) {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let _ = summary::write_table(rows, &mut lock).and_then(|()| lock.flush());
}

/// Runs a batch; the exit code is 0 when every incident was analysed, 1 when some failed,
/// 2 on bad arguments or an unwritable output folder.
pub fn run(args: &BatchArgs) -> ExitCode {
    let fail = |msg: String| {
        eprintln!("halfopen: error: {msg}");
        ExitCode::from(2)
    };
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        return fail(format!("{}: {e}", args.out.display()));
    }
    if args.merge {
        let mut outs = vec![args.out.clone()];
        outs.extend(args.archives.iter().cloned());
        let rows = match collect_rows(&outs) {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        if let Err(e) = write_summaries(&args.out, "summary", &rows) {
            return fail(e.to_string());
        }
        print_table(&rows);
        return exit_for(&rows);
    }
    let settings = BatchSettings::from_args(args);
    let threads = args.threads.unwrap_or(0);
    if args.stdin_paths {
        let mut incidents = Vec::new();
        for line in std::io::stdin().lock().lines() {
            match line {
                Ok(l) if l.trim().is_empty() => {}
                Ok(l) => incidents.push(incident_of(Path::new(l.trim_end_matches(['\r', '\n'])))),
                Err(e) => return fail(format!("reading paths from stdin: {e}")),
            }
        }
        let progress = Progress::new(incidents.len(), true);
        let stdout = Mutex::new(std::io::stdout());
        let outcomes = run_incidents(&incidents, &settings, threads, &|o| {
            progress.report(o);
            let mut s = stdout.lock().unwrap_or_else(|p| p.into_inner());
            let _ = writeln!(s, "{}", o.row.to_json_line()).and_then(|()| s.flush());
        });
        let rows: Vec<SummaryRow> = outcomes.into_iter().map(|o| o.row).collect();
        return exit_for(&rows);
    }
    let all = match list_incidents(&args.archives, &args.out) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let (incidents, stem) = match &args.shard {
        None => (all, "summary".to_string()),
        Some(s) => match s.resolve(&|v| std::env::var(v).ok()) {
            Ok(i) => (
                shard_of(all, i, s.count),
                format!("summary.shard-{i}-of-{}", s.count),
            ),
            Err(e) => return fail(e),
        },
    };
    let progress = Progress::new(incidents.len(), false);
    let outcomes = run_incidents(&incidents, &settings, threads, &|o| progress.report(o));
    progress.finish();
    let kept = outcomes.iter().filter(|o| o.kept).count();
    if kept > 0 {
        eprintln!(
            "halfopen: batch: {kept} incidents were done before and kept (--force redoes them)"
        );
    }
    let rows: Vec<SummaryRow> = outcomes.into_iter().map(|o| o.row).collect();
    if let Err(e) = write_summaries(&args.out, &stem, &rows) {
        return fail(format!("writing the summary: {e}"));
    }
    print_table(&rows);
    exit_for(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parses_and_resolves_from_the_environment() {
        assert_eq!(
            Shard::parse("1/3").unwrap(),
            Shard {
                index: Some(1),
                count: 3
            }
        );
        assert!(Shard::parse("3/3").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("x").is_err());
        let auto = Shard::parse("auto/4").unwrap();
        assert_eq!(auto.index, None);
        let env = |v: &str| (v == "JOB_COMPLETION_INDEX").then(|| "2".to_string());
        assert_eq!(auto.resolve(&env), Ok(2));
        let slurm = |v: &str| (v == "SLURM_ARRAY_TASK_ID").then(|| "3".to_string());
        assert_eq!(auto.resolve(&slurm), Ok(3));
        let bad = |v: &str| (v == "JOB_COMPLETION_INDEX").then(|| "4".to_string());
        assert!(auto.resolve(&bad).is_err());
        assert!(auto.resolve(&|_| None).is_err());
    }

    #[test]
    fn shards_partition_the_sorted_list() {
        let incs: Vec<Incident> = (0..7)
            .map(|k| Incident {
                name: format!("c{k}"),
                path: PathBuf::from(format!("/a/c{k}")),
            })
            .collect();
        let names = |v: Vec<Incident>| v.into_iter().map(|i| i.name).collect::<Vec<_>>();
        assert_eq!(names(shard_of(incs.clone(), 0, 3)), ["c0", "c3", "c6"]);
        assert_eq!(names(shard_of(incs.clone(), 1, 3)), ["c1", "c4"]);
        assert_eq!(names(shard_of(incs, 2, 3)), ["c2", "c5"]);
    }
}
