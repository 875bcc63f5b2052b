//! `DIR/<incident>/manifest.json`: what a finished incident was made from, so a rerun can skip it
//! (issue 8 §2), and atomic file writes.
//!
//! The manifest is written last, after every report, by temp file + rename: an interrupted run
//! leaves no manifest (or the previous one), and the incident is redone. An incident is done when
//! its manifest has the same settings, the same input hashes (SHA-256 of every file of the folder,
//! or of the zip file itself), status `ok`, and every requested report file exists.

use super::summary::{Status, SummaryRow};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The manifest's file name inside the incident's output folder.
pub const MANIFEST: &str = "manifest.json";

/// Version of the manifest layout; a manifest of another version is not trusted.
pub const VERSION: u32 = 1;

/// One input file: path relative to the incident (`/`-separated), size and SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputHash {
    /// Path relative to the incident folder, `/`-separated (the zip's own name for a zip).
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// [`VERSION`] of the layout that wrote it.
    pub version: u32,
    /// The incident's name (its output folder's name).
    pub incident: String,
    /// The folder or zip it was made from, as given.
    pub source: String,
    /// The analysis settings that shape the reports (see `BatchSettings::fingerprint`).
    pub settings: String,
    /// Every input file's hash, sorted by path: a change redoes the incident.
    pub inputs: Vec<InputHash>,
    /// Report file names written (`report.json`, …).
    pub reports: Vec<String>,
    /// The summary row as its exact JSON line, kept byte-for-byte for reruns.
    pub row: String,
}

impl Manifest {
    /// The summary row stored in the manifest.
    pub fn summary_row(&self) -> Option<SummaryRow> {
        serde_json::from_str(&self.row).ok()
    }

    /// Whether this manifest says the incident is done for these inputs, settings and reports.
    pub fn is_done(
        &self,
        dir: &Path,
        settings: &str,
        inputs: &[InputHash],
        reports: &[String],
    ) -> bool {
        self.version == VERSION
            && self.settings == settings
            && self.inputs == inputs
            && self.summary_row().is_some_and(|r| r.status == Status::Ok)
            && reports
                .iter()
                .all(|r| self.reports.contains(r) && dir.join(r).is_file())
    }
}

/// Reads `dir/manifest.json`; `None` when missing or unreadable (the incident is then redone).
pub fn read(dir: &Path) -> Option<Manifest> {
    let bytes = std::fs::read(dir.join(MANIFEST)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

pub use crate::outfile::write_atomic;

/// SHA-256 of every file under `root` (recursed, sorted by relative path), or of `root` itself
/// when it is a file (a zip).
pub fn hash_inputs(root: &Path) -> std::io::Result<Vec<InputHash>> {
    let meta = std::fs::metadata(root)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", root.display())))?;
    let mut files = Vec::new();
    if meta.is_dir() {
        walk(root, &mut files)?;
    } else {
        files.push(root.to_path_buf());
    }
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let rel = f.strip_prefix(root).unwrap_or(&f);
        let rel_s = if rel.as_os_str().is_empty() {
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        };
        let (bytes, sha256) = hash_file(&f)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", f.display())))?;
        out.push(InputHash {
            path: rel_s,
            bytes,
            sha256,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut children = Vec::new();
    for e in std::fs::read_dir(dir)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?
    {
        children.push(e?.path());
    }
    children.sort();
    for c in children {
        if std::fs::metadata(&c)?.is_dir() {
            walk(&c, files)?;
        } else {
            files.push(c);
        }
    }
    Ok(())
}

fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n: u64 = 0;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(buf.get(..k).unwrap_or_default());
        n = n.saturating_add(k as u64);
    }
    let hex = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((n, hex))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_relative_sorted_and_sha256() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/b"), b"abc").unwrap();
        std::fs::write(dir.path().join("a"), b"").unwrap();
        let h = hash_inputs(dir.path()).unwrap();
        assert_eq!(
            h,
            vec![
                InputHash {
                    path: "a".into(),
                    bytes: 0,
                    sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                        .into()
                },
                InputHash {
                    path: "sub/b".into(),
                    bytes: 3,
                    sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
                        .into()
                },
            ]
        );
        let one = hash_inputs(&dir.path().join("sub/b")).unwrap();
        assert_eq!(one[0].path, "b");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("report.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
