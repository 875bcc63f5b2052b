//! One incident: finding the incidents of an archive, analysing one into its output folder
//! (or keeping a finished one), and running many on the batch's one pool.

use super::manifest::{self, InputHash, Manifest};
use super::summary::{Status, SummaryRow};
use super::{BatchError, zipsafe};
use crate::config::Config;
use crate::config::profile::{EndpointSpec, Layers, ProfileError};
use crate::report::{OutputFormat, RenderOptions, render};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// One incident: its name (folder or zip file name) and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// The folder or zip file name (`case-0042.zip` included): the output subfolder's name.
    pub name: String,
    /// The folder or zip file.
    pub path: PathBuf,
}

/// The incidents of the archive folders: every immediate subfolder and `*.zip` file (hidden
/// entries and the output folder excepted), sorted by name. Errors name the archive.
pub fn list_incidents(archives: &[PathBuf], out: &Path) -> Result<Vec<Incident>, BatchError> {
    let out_c = std::fs::canonicalize(out).ok();
    let mut v = Vec::new();
    for a in archives {
        let unlistable = |e| BatchError::Unlistable {
            path: a.clone(),
            source: e,
        };
        let meta = std::fs::metadata(a).map_err(unlistable)?;
        if !meta.is_dir() {
            v.push(incident_of(a));
            continue;
        }
        let rd = std::fs::read_dir(a).map_err(unlistable)?;
        for e in rd {
            let e = e.map_err(unlistable)?;
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

/// The incident of one path given as such (a zip or folder): named by its last component.
pub(super) fn incident_of(path: &Path) -> Incident {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Incident {
        name,
        path: path.to_path_buf(),
    }
}

/// Everything an incident's processing needs besides the incident.
#[derive(Debug, Clone)]
pub struct BatchSettings {
    /// The output folder: `<out>/<incident>/` per incident, the summaries at its top.
    pub out: PathBuf,
    /// Report formats written per incident, each once.
    pub formats: Vec<OutputFormat>,
    /// Redo incidents whose manifest says they are done.
    pub force: bool,
    /// The settings layers of every incident (site profile and flags); each incident's own
    /// `halfopen.toml` goes between them. Incidents run on the batch's one pool.
    pub layers: Layers,
    /// Zip bomb and path-traversal limits.
    pub zip_limits: zipsafe::ZipLimits,
}

impl BatchSettings {
    /// What shapes the reports, as text stored in the manifest: a change redoes the incident.
    /// (An incident's own `halfopen.toml` is one of its inputs, so its hash covers it.)
    pub fn fingerprint(&self) -> String {
        let f = &self.layers.flags;
        let d = Config::new(Vec::new());
        let names = |v: &[EndpointSpec]| {
            v.iter()
                .map(|e| match e {
                    EndpointSpec::Addr(a) => a.to_string(),
                    EndpointSpec::Name { name, port: None } => name.clone(),
                    EndpointSpec::Name {
                        name,
                        port: Some(p),
                    } => format!("{name}:{p}"),
                })
                .collect::<Vec<_>>()
        };
        let mut s = format!(
            "halfopen {} limit={} gap={} providers={:?} clients={:?}",
            env!("CARGO_PKG_VERSION"),
            f.half_open_limit.unwrap_or(d.half_open_limit),
            f.gap_s.unwrap_or(d.gap_s),
            names(&f.alarm_providers),
            names(&f.alarm_clients),
        );
        // Options `batch` gained with the shared option set; written only when given, so the
        // manifests of earlier runs with the same flags still match.
        if let Some(g) = f.give_up_s {
            s.push_str(&format!(" give_up={g}"));
        }
        if let Some(t) = f.netstat_time {
            s.push_str(&format!(" netstat_time={t}"));
        }
        if !f.hosts.is_empty() {
            s.push_str(&format!(" hosts={:?}", f.hosts));
        }
        if let Some(z) = &f.event_tz {
            s.push_str(&format!(" event_tz={}", z.name));
        }
        if !f.clock_offsets.is_empty() {
            s.push_str(&format!(" clock_offsets={:?}", f.clock_offsets));
        }
        if let Some(site) = &self.layers.site {
            s.push_str(&format!(
                " site_profile={} {:?}",
                site.path.display(),
                site.values
            ));
        }
        s
    }

    fn config(&self, root: PathBuf) -> Result<Config, ProfileError> {
        self.layers.config(vec![root])
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
    /// The incident's summary row.
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
    let config = match settings.config(root.clone()) {
        Ok(c) => c,
        Err(e) => {
            drop(scratch);
            let row = SummaryRow::failed(&inc.name, e.to_string());
            return finish_failed(inc, &dir, &fingerprint, hashes, row);
        }
    };
    let analysis = crate::analyze_on_current_pool(&config);
    let mut row = SummaryRow::from_analysis(&inc.name, &root, &analysis);
    let mut written = Vec::new();
    for (f, name) in settings.formats.iter().zip(&reports) {
        let res = crate::outfile::write_atomic_with(&dir.join(name), |w| {
            render(*f, &analysis, &RenderOptions::default(), w)
        });
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
    let m = manifest_of(inc, fingerprint, hashes, written, &row);
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
    let m = manifest_of(inc, fingerprint.to_string(), inputs, Vec::new(), &row);
    if let Err(e) = write_manifest(dir, &m) {
        row.error = Some(format!(
            "{}; writing the manifest: {e}",
            row.error.unwrap_or_default()
        ));
    }
    Outcome { row, kept: false }
}

/// The manifest of `inc` as this version writes it.
fn manifest_of(
    inc: &Incident,
    settings: String,
    inputs: Vec<InputHash>,
    reports: Vec<String>,
    row: &SummaryRow,
) -> Manifest {
    Manifest {
        version: manifest::VERSION,
        incident: inc.name.clone(),
        source: inc.path.display().to_string(),
        settings,
        inputs,
        reports,
        row: row.to_json_line(),
    }
}

fn write_manifest(dir: &Path, m: &Manifest) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(m).map_err(std::io::Error::other)?;
    manifest::write_atomic(&dir.join(manifest::MANIFEST), &bytes)
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
