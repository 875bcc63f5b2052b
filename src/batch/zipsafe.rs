//! Zip incidents: every entry is checked before anything is written, then the files are unpacked
//! into a scratch folder that the caller removes after the analysis (the analysis library reads
//! files by path).
//!
//! A zip is refused as a whole (issue 8 §1) when an entry:
//! - would land outside the folder (`..`, an absolute path, a drive letter: the `zip` crate's
//!   `enclosed_name` is `None`) or is a symbolic link (it could point anywhere);
//! - is encrypted (general purpose flag bit 0, APPNOTE.TXT 4.4.4), which we cannot read;
//! - declares a compression ratio above `max_ratio` (uncompressed / compressed size) while
//!   unpacking to more than [`RATIO_FLOOR`] bytes — a zip bomb's signature (deflate tops out
//!   near 1032:1);
//!
//! or when all entries together declare more than `max_ratio` × the zip's own length (overlapping
//! entries, David Fifield's "better zip bomb") or more than `max_total` bytes. Unpacking reads at
//! most the declared size of each entry, so a lying header cannot write more.

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

/// Entries that unpack to at most this many bytes are never refused for their ratio (1 MiB):
/// small, very regular files (an empty event log chunk) compress far beyond any bomb threshold.
pub const RATIO_FLOOR: u64 = 1 << 20;

/// Limits of [`check_and_unpack`].
#[derive(Debug, Clone, Copy)]
pub struct ZipLimits {
    /// Largest uncompressed/compressed ratio of an entry, and of the whole zip.
    pub max_ratio: u64,
    /// Most bytes all entries together may unpack to.
    pub max_total: u64,
}

/// Why a zip was refused or could not be unpacked; the message names the entry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ZipRefused {
    /// The zip's central directory cannot be read.
    #[error("{zip}: not a readable zip file: {reason}")]
    Unreadable {
        /// The zip's path.
        zip: String,
        /// What the zip reader said.
        reason: String,
    },
    /// An entry's path is absolute or climbs out with `..` (zip slip).
    #[error("{zip}: entry {entry:?} escapes the incident folder: zip refused")]
    Escapes {
        /// The zip's path.
        zip: String,
        /// The entry's name as stored.
        entry: String,
    },
    /// An entry is a symbolic link (it could point anywhere once unpacked).
    #[error("{zip}: entry {entry:?} is a symbolic link: zip refused")]
    Symlink {
        /// The zip's path.
        zip: String,
        /// The entry's name as stored.
        entry: String,
    },
    /// An entry is encrypted.
    #[error("{zip}: entry {entry:?} is encrypted: zip refused (unpack it with its password first)")]
    Encrypted {
        /// The zip's path.
        zip: String,
        /// The entry's name as stored.
        entry: String,
    },
    /// One entry over 1 MiB unpacks more than `max_ratio` times its compressed size.
    #[error(
        "{zip}: entry {entry:?} unpacks {size} bytes from {compressed} (ratio over {max_ratio}:1, a zip bomb?): zip refused"
    )]
    Ratio {
        /// The zip's path.
        zip: String,
        /// The entry's name as stored.
        entry: String,
        /// Its unpacked size, bytes.
        size: u64,
        /// Its compressed size, bytes.
        compressed: u64,
        /// `--max-ratio`.
        max_ratio: u64,
    },
    /// All entries together unpack to more than `max_ratio` × the zip or `max_total` bytes.
    #[error(
        "{zip}: entries unpack to {total} bytes from a {len}-byte zip (over {max_ratio}:1 or {max_total} bytes, a zip bomb?): zip refused"
    )]
    Total {
        /// The zip's path.
        zip: String,
        /// Unpacked size of all entries, bytes.
        total: u64,
        /// The zip file's size, bytes.
        len: u64,
        /// `--max-ratio`.
        max_ratio: u64,
        /// `--max-unpacked`, bytes.
        max_total: u64,
    },
    /// An entry could not be unpacked (I/O or a damaged stream).
    #[error("{zip}: entry {entry:?}: {reason}")]
    Entry {
        /// The zip's path.
        zip: String,
        /// The entry's name as stored.
        entry: String,
        /// What failed.
        reason: String,
    },
}

/// A checked file entry: its index in the zip and its safe relative path.
struct Planned {
    index: usize,
    rel: PathBuf,
    size: u64,
    dir: bool,
}

/// Checks every entry of the zip at `zip_path` (see the module doc), then unpacks its files under
/// `dest` (created). Returns the number of files written. Nothing is written when a check fails.
pub fn check_and_unpack(
    zip_path: &Path,
    dest: &Path,
    limits: ZipLimits,
) -> Result<u64, ZipRefused> {
    let zip_s = zip_path.display().to_string();
    let unreadable = |reason: String| ZipRefused::Unreadable {
        zip: zip_s.clone(),
        reason,
    };
    let file = std::fs::File::open(zip_path).map_err(|e| unreadable(e.to_string()))?;
    let len = file
        .metadata()
        .map_err(|e| unreadable(e.to_string()))?
        .len();
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| unreadable(e.to_string()))?;
    let plan = check(&mut archive, &zip_s, len, limits)?;
    std::fs::create_dir_all(dest).map_err(|e| unreadable(format!("{}: {e}", dest.display())))?;
    let mut written = 0;
    for p in plan {
        let entry_err = |reason: String| ZipRefused::Entry {
            zip: zip_s.clone(),
            entry: p.rel.display().to_string(),
            reason,
        };
        let target = dest.join(&p.rel);
        if p.dir {
            std::fs::create_dir_all(&target).map_err(|e| entry_err(e.to_string()))?;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| entry_err(e.to_string()))?;
        }
        let entry = archive
            .by_index(p.index)
            .map_err(|e| entry_err(e.to_string()))?;
        let mut out = std::fs::File::create(&target).map_err(|e| entry_err(e.to_string()))?;
        // At most the declared size (+1 to notice a longer stream; the crate also checks CRC).
        let copied = std::io::copy(&mut entry.take(p.size.saturating_add(1)), &mut out)
            .map_err(|e| entry_err(e.to_string()))?;
        if copied > p.size {
            return Err(entry_err(format!(
                "unpacks to more than its declared {} bytes",
                p.size
            )));
        }
        written += 1;
    }
    Ok(written)
}

fn check<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    zip_s: &str,
    len: u64,
    limits: ZipLimits,
) -> Result<Vec<Planned>, ZipRefused> {
    let mut plan = Vec::new();
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        // Raw access reads the headers without decrypting or inflating.
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| ZipRefused::Unreadable {
                zip: zip_s.to_string(),
                reason: format!("entry {index}: {e}"),
            })?;
        let name = entry.name().to_string();
        let Some(rel) = entry.enclosed_name() else {
            return Err(ZipRefused::Escapes {
                zip: zip_s.to_string(),
                entry: name,
            });
        };
        if entry.is_symlink() {
            return Err(ZipRefused::Symlink {
                zip: zip_s.to_string(),
                entry: name,
            });
        }
        if entry.encrypted() {
            return Err(ZipRefused::Encrypted {
                zip: zip_s.to_string(),
                entry: name,
            });
        }
        let (size, compressed) = (entry.size(), entry.compressed_size());
        if size > RATIO_FLOOR && size / compressed.max(1) > limits.max_ratio {
            return Err(ZipRefused::Ratio {
                zip: zip_s.to_string(),
                entry: name,
                size,
                compressed,
                max_ratio: limits.max_ratio,
            });
        }
        total = total.saturating_add(size);
        plan.push(Planned {
            index,
            rel,
            size,
            dir: entry.is_dir(),
        });
    }
    if total > limits.max_total || (total > RATIO_FLOOR && total / len.max(1) > limits.max_ratio) {
        return Err(ZipRefused::Total {
            zip: zip_s.to_string(),
            total,
            len,
            max_ratio: limits.max_ratio,
            max_total: limits.max_total,
        });
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    const LIMITS: ZipLimits = ZipLimits {
        max_ratio: 100,
        max_total: 1 << 30,
    };

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            w.start_file(*name, SimpleFileOptions::default()).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn run(bytes: &[u8]) -> (Result<u64, ZipRefused>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let z = dir.path().join("in.zip");
        std::fs::write(&z, bytes).unwrap();
        let r = check_and_unpack(&z, &dir.path().join("out"), LIMITS);
        (r, dir)
    }

    #[test]
    fn good_zip_unpacks_into_subfolders() {
        let (r, dir) = run(&zip_of(&[("a.txt", b"hello"), ("sub/b.txt", b"x")]));
        assert_eq!(r.unwrap(), 2);
        let out = dir.path().join("out");
        assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"hello");
        assert_eq!(std::fs::read(out.join("sub/b.txt")).unwrap(), b"x");
    }

    #[test]
    fn escaping_entry_refuses_the_whole_zip_and_writes_nothing() {
        let (r, dir) = run(&zip_of(&[("ok.txt", b"1"), ("../../evil.txt", b"2")]));
        let e = r.unwrap_err();
        assert!(matches!(e, ZipRefused::Escapes { ref entry, .. } if entry == "../../evil.txt"));
        assert!(e.to_string().contains("escapes the incident folder"), "{e}");
        assert!(!dir.path().join("out").exists());
        assert!(!dir.path().join("evil.txt").exists());
    }

    #[test]
    fn absurd_ratio_is_refused() {
        let zeros = vec![0u8; 4 << 20];
        let (r, _dir) = run(&zip_of(&[("zeros.bin", &zeros)]));
        let e = r.unwrap_err();
        assert!(
            matches!(e, ZipRefused::Ratio { size, .. } if size == 4 << 20),
            "{e}"
        );
    }

    #[test]
    fn encrypted_flag_is_refused() {
        let mut bytes = zip_of(&[("secret.txt", b"data")]);
        set_encrypted_flag(&mut bytes);
        let (r, _dir) = run(&bytes);
        let e = r.unwrap_err();
        assert!(matches!(e, ZipRefused::Encrypted { .. }), "{e}");
    }

    #[test]
    fn not_a_zip_is_unreadable() {
        let (r, _dir) = run(b"PK not really");
        assert!(matches!(r.unwrap_err(), ZipRefused::Unreadable { .. }));
    }

    /// Sets bit 0 of the general purpose flags in every local and central header.
    fn set_encrypted_flag(b: &mut [u8]) {
        for i in 0..b.len().saturating_sub(10) {
            if b[i..i + 4] == [0x50, 0x4b, 0x03, 0x04] {
                b[i + 6] |= 1;
            } else if b[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
                b[i + 8] |= 1;
            }
        }
    }
}
