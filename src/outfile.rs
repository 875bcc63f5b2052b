//! Output files that are written whole or not at all, even when the run is interrupted.
//!
//! Every report, manifest and summary file goes through [`write_atomic`]: the bytes go to a
//! hidden temp file beside the target (`.<name>.tmp-<pid>`), which is renamed over the target
//! once complete, so a reader sees the old file or the new one, never a part. While a temp file
//! (or a zip incident's `.unpack` folder, [`Scratch`]) exists it is listed here, and the Ctrl-C
//! handler ([`install_interrupt_handler`]) removes what is listed before the process exits with
//! code 130 (128 + SIGINT, the shell convention). A `batch` rerun then finds no manifest for the
//! incident that was cut short and redoes it (see `batch::manifest`).
//!
//! The handler runs on its own OS thread (the `ctrlc` crate), outside the rayon pool: it takes
//! the registry's lock only for the moment it needs, and never waits for pool work.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Exit code after Ctrl-C (SIGINT): 128 + 2, what shells report for a process killed by it.
pub const INTERRUPTED_EXIT: i32 = 130;

/// Temp files and scratch folders that exist right now and must not outlive an interrupt.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner())
}

fn register(path: &Path) {
    pending().push(path.to_path_buf());
}

fn unregister(path: &Path) {
    let mut p = pending();
    if let Some(i) = p.iter().rposition(|q| q == path) {
        p.swap_remove(i);
    }
}

/// Writes `bytes` to `path` atomically: a hidden temp file in the same folder (named with the
/// process id, so concurrent processes never share one), then a rename over `path`.
///
/// Errors: the I/O error of the write or the rename, with `path` in its message; the temp file
/// is removed then.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_atomic`] for content produced by `fill` as it goes (a report is streamed to the temp
/// file through a buffer, never held whole in memory). Errors: `fill`'s, or the write's or the
/// rename's, with `path` in the message; the temp file is removed then.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    register(&tmp);
    let res = std::fs::File::create(&tmp)
        .and_then(|f| {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
            fill(&mut w)?;
            w.flush()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    unregister(&tmp);
    res.map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

/// A scratch folder (a zip incident's unpacked files) that is removed when this value is
/// dropped, and by the Ctrl-C handler if the run is interrupted first.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// Claims `path` as scratch: anything already there is removed first (left by a run that
    /// was killed outright, e.g. by SIGKILL).
    pub fn claim(path: PathBuf) -> Scratch {
        let _ = std::fs::remove_dir_all(&path);
        register(&path);
        Scratch { path }
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
        unregister(&self.path);
    }
}

/// Installs the Ctrl-C (SIGINT, and SIGTERM) handler of the binary: it removes every pending
/// temp file and scratch folder, prints `halfopen: interrupted` on stderr and exits with
/// [`INTERRUPTED_EXIT`]. Called once by `main`; a second call (or a handler already set by
/// the embedding program) is ignored.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        let paths: Vec<PathBuf> = std::mem::take(&mut *pending());
        for p in paths {
            if p.is_dir() {
                let _ = std::fs::remove_dir_all(&p);
            } else {
                let _ = std::fs::remove_file(&p);
            }
        }
        eprintln!("halfopen: interrupted");
        std::process::exit(INTERRUPTED_EXIT);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_nothing_pending() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("report.json");
        write_atomic(&p, b"old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("report.json")]);
        assert!(!pending().iter().any(|q| q.starts_with(dir.path())));
    }

    #[test]
    fn scratch_is_removed_on_drop_and_listed_while_alive() {
        let dir = tempfile::tempdir().unwrap();
        let s = Scratch::claim(dir.path().join(".unpack/case-1"));
        std::fs::create_dir_all(s.path()).unwrap();
        assert!(pending().iter().any(|q| q == s.path()));
        let p = s.path().to_path_buf();
        drop(s);
        assert!(!p.exists());
        assert!(!pending().iter().any(|q| q == &p));
    }
}
