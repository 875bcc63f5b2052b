//! The gzip bomb guard of a compressed capture (issue 18 §2).
//!
//! Deflate inflates up to ~1032:1 (RFC 1951's longest match repeated), so 1 MB of gzip can
//! stand for 1 GB of capture. A real capture compresses a few times, rarely 50:1 (long runs of
//! identical padding). Rule: once more than [`GZIP_RATIO_FREE`] bytes have been inflated, a
//! stream that has inflated more than [`MAX_GZIP_RATIO`] times the compressed bytes read is a
//! bomb: it ends there (the reader sees the end of the stream) and
//! [`Tripped::note`] gives the problem to report, at that inflated byte. The same ratio as the
//! batch zip check (`batch::zipsafe`). Memory is never at risk (captures stream), time is: a
//! 4 MB bomb would otherwise be read for seconds as 4 GB of nothing.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::model::{Locator, Problem};
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Inflated bytes to compressed bytes above which a gzip capture is read no further.
pub const MAX_GZIP_RATIO: u64 = 200;

/// Inflated bytes read before the ratio is checked (64 MiB): small files may have any ratio.
pub const GZIP_RATIO_FREE: u64 = 64 << 20;

/// Counts the compressed bytes read from the file.
pub(super) struct Counted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Where a guarded stream stopped, if it did: the inflated byte (0 = it did not).
#[derive(Clone, Default)]
pub(super) struct Tripped(Arc<AtomicU64>);

impl Tripped {
    /// The problem to report when the guard stopped the stream.
    pub(super) fn note(&self) -> Option<Problem> {
        let at = self.0.load(Ordering::Relaxed);
        (at > 0).then(|| {
            Problem::new(
                Locator::Byte(at),
                format!(
                    "gzip data inflates more than {MAX_GZIP_RATIO}:1 (a gzip bomb?): the rest \
                     of the file is not read"
                ),
            )
        })
    }
}

/// Stops `inflated` (a decoder over a [`Counted`] file) at the ratio of the module docs.
pub(super) struct Guard<R> {
    inflated: R,
    compressed: Arc<AtomicU64>,
    total: u64,
    tripped: Tripped,
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.tripped.0.load(Ordering::Relaxed) > 0 {
            return Ok(0);
        }
        let n = self.inflated.read(buf)?;
        self.total = self.total.saturating_add(n as u64);
        let compressed = self.compressed.load(Ordering::Relaxed).max(1);
        if self.total > GZIP_RATIO_FREE && self.total / compressed > MAX_GZIP_RATIO {
            self.tripped.0.store(self.total, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Wraps `file` (compressed) and its decoder `make(file)` in the guard; the [`Tripped`] tells
/// afterwards whether it stopped the stream.
pub(super) fn guarded<F: Read, D: Read>(
    file: F,
    make: impl FnOnce(Counted<F>) -> D,
) -> (Guard<D>, Tripped) {
    let read = Arc::new(AtomicU64::new(0));
    let tripped = Tripped::default();
    let decoder = make(Counted {
        inner: file,
        read: read.clone(),
    });
    let guard = Guard {
        inflated: decoder,
        compressed: read,
        total: 0,
        tripped: tripped.clone(),
    };
    (guard, tripped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn a_bomb_stops_after_the_free_allowance_and_a_normal_stream_reads_to_its_end() {
        let zeros = vec![0u8; (GZIP_RATIO_FREE + (8 << 20)) as usize];
        let gz = gzip(&zeros);
        let (mut g, tripped) = guarded(std::io::Cursor::new(gz), flate2::read::MultiGzDecoder::new);
        let mut out = Vec::new();
        g.read_to_end(&mut out).unwrap();
        // Stopped shortly after 64 MiB (one decoder read past it at most).
        assert!(out.len() as u64 > GZIP_RATIO_FREE && out.len() < zeros.len());
        let p = tripped.note().unwrap();
        assert_eq!(p.locator, Locator::Byte(out.len() as u64));
        assert!(p.reason.starts_with("gzip data inflates more than 200:1"));

        let text: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let (mut g, tripped) = guarded(
            std::io::Cursor::new(gzip(&text)),
            flate2::read::MultiGzDecoder::new,
        );
        let mut out = Vec::new();
        g.read_to_end(&mut out).unwrap();
        assert_eq!(out, text);
        assert!(tripped.note().is_none());
    }
}
