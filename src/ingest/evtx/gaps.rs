//! Records a chunk header names but the walk did not read (issue 18): zero-filled or damaged
//! stretches inside a chunk's record area end the crate's walk of that chunk without an error.
//! Each chunk header names its first and last EventRecordID (libyal EVTX §3, offsets 0x18 and
//! 0x20); every id in that range that was neither read nor already reported is lost, and each
//! run of lost ids becomes one [`Problem`] at the chunk and the file offset where the walk
//! stopped.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::locate::{CHUNK_HEADER_SIZE, CHUNK_SIZE, RECORD_HEADER_SIZE, chunk_offset};
use crate::model::{Locator, Problem};

/// Most records one chunk can hold: its record area (64 KiB less the 512-byte header) over the
/// smallest record (a 24-byte header and the 4-byte size copy). A header range wider than this
/// is damaged and is reported as such instead of being counted.
pub(super) const MAX_RECORDS_PER_CHUNK: u64 =
    (CHUNK_SIZE - CHUNK_HEADER_SIZE) / (RECORD_HEADER_SIZE + 4);

/// What the walk of one chunk accounted for.
#[derive(Debug, Default)]
pub(super) struct ChunkAccount {
    /// (EventRecordID, chunk offset just past the record) of each record read (not carved).
    pub(super) read: Vec<(u64, u64)>,
}

impl ChunkAccount {
    /// Notes a record read: its id, and the chunk offset of its BinXML and its size.
    pub(super) fn record(&mut self, id: u64, binxml_offset: u64, binxml_size: u32) {
        // The record ends with a 4-byte copy of its size after the BinXML (libyal EVTX §4).
        let end = binxml_offset
            .saturating_add(u64::from(binxml_size))
            .saturating_add(4);
        self.read.push((id, end));
    }

    /// Accounts for the ids in `first..=last` (the chunk header's range) that are neither read
    /// nor named by one of `problems` (those already pushed for this chunk): a run lost where the
    /// walk failed to read a record (a problem at that chunk offset) is added to that problem's
    /// reason; any other run becomes a new problem.
    pub(super) fn missing(
        mut self,
        chunk: u64,
        first: u64,
        last: u64,
        problems: &mut Vec<Problem>,
    ) {
        let start = chunk_offset(chunk);
        if first == 0 && last == 0 {
            // EventRecordIDs start at 1: a chunk header naming 0–0 names no record.
            return;
        }
        if last < first || last - first >= MAX_RECORDS_PER_CHUNK {
            problems.push(Problem::new(
                Locator::Chunk { chunk, byte: start },
                format!(
                    "chunk header names records {first}–{last}, not a possible range: records \
                     lost in this chunk cannot be counted"
                ),
            ));
            return;
        }
        // The common case, every id of the range read in order: nothing to account for.
        if self.read.len() as u64 == last - first + 1
            && self
                .read
                .iter()
                .zip(first..)
                .all(|((id, _), want)| *id == want)
        {
            return;
        }
        let mut known: Vec<u64> = self.read.iter().map(|(id, _)| *id).collect();
        known.extend(problems.iter().filter_map(|p| match p.locator {
            Locator::Record(id) => Some(id),
            _ => None,
        }));
        known.sort_unstable();
        known.dedup();
        // (byte, index in `problems`) of the records the walk failed to read.
        let stops: Vec<(u64, usize)> = problems
            .iter()
            .enumerate()
            .filter_map(|(i, p)| match p.locator {
                Locator::Chunk { chunk: c, byte } if c == chunk => Some((byte, i)),
                _ => None,
            })
            .collect();
        self.read.sort_unstable();
        let mut id = first;
        while id <= last {
            if known.binary_search(&id).is_ok() {
                id += 1;
                continue;
            }
            let run_start = id;
            while id <= last && known.binary_search(&id).is_err() {
                id += 1;
            }
            let run_end = id - 1;
            // Where the walk lost them: just past the last record read before the run.
            let at = self
                .read
                .iter()
                .rev()
                .find(|(rid, _)| *rid < run_start)
                .map_or(CHUNK_HEADER_SIZE, |(_, end)| *end);
            let byte = start.saturating_add(at);
            let next_end = self
                .read
                .iter()
                .find(|(rid, _)| *rid > run_end)
                .map_or(u64::MAX, |(_, end)| start.saturating_add(*end));
            // The record the walk failed to read there, if it is already a problem.
            let stop = stops
                .iter()
                .filter(|(b, _)| (byte..next_end).contains(b))
                .min()
                .map(|(_, i)| *i);
            let n = run_end - run_start + 1;
            let ids = if n == 1 {
                format!("record {run_start}")
            } else {
                format!("records {run_start}–{run_end}")
            };
            let what = format!(
                "{ids} ({n} of the {} the chunk header names) not read",
                last - first + 1
            );
            match stop.and_then(|i| problems.get_mut(i)) {
                Some(p) => {
                    p.reason = format!("{what}, lost with this record: {}", p.reason);
                }
                None => problems.push(Problem::new(
                    Locator::Chunk { chunk, byte },
                    format!("{what}: damaged or zero-filled record data"),
                )),
            }
        }
    }
}

/// Where the file header counts its chunks in use: a little-endian u16 at this offset (libyal
/// EVTX §2, "number of chunks").
const CHUNK_COUNT_OFFSET: usize = 0x2a;

/// The chunk header's range of one chunk the walk read: (chunk number, first EventRecordID,
/// last EventRecordID).
pub(super) type ChunkRange = (u64, u64, u64);

/// Problems for chunks the file header counts in use (libyal EVTX §2, "number of chunks") whose
/// header is zero-filled while a later chunk was read: the `evtx` crate passes over such a chunk
/// as an unused one, as Windows leaves them at the end of a file, so its records would be lost
/// without a word. The EventRecordIDs between the neighbouring chunks' ranges are named when
/// both neighbours were read. `header` is the file's first bytes, `read` the chunks walked;
/// `chunk_magic(n)` gives chunk `n`'s first 8 bytes (`None` if the file ends before).
pub(super) fn empty_chunks_in_use(
    header: &[u8],
    read: &[ChunkRange],
    reported: &[u64],
    mut chunk_magic: impl FnMut(u64) -> Option<[u8; 8]>,
) -> Vec<Problem> {
    let Some(&[lo, hi]) = header.get(CHUNK_COUNT_OFFSET..CHUNK_COUNT_OFFSET + 2) else {
        return Vec::new();
    };
    let in_use = u64::from(u16::from_le_bytes([lo, hi]));
    let Some(last_read) = read.iter().map(|(n, _, _)| *n).max() else {
        return Vec::new();
    };
    // Chunk numbers are below 2^16 (the header's count is a u16): one flag each, so the walk
    // stays linear in chunks (issue 17 §5).
    let end = in_use.min(last_read);
    let mut known = vec![false; usize::try_from(end).unwrap_or(0)];
    for n in read.iter().map(|r| r.0).chain(reported.iter().copied()) {
        if let Some(k) = usize::try_from(n).ok().and_then(|n| known.get_mut(n)) {
            *k = true;
        }
    }
    let empty = |n: u64, magic: &mut dyn FnMut(u64) -> Option<[u8; 8]>| {
        !known.get(n as usize).copied().unwrap_or(true) && magic(n) == Some([0; 8])
    };
    let mut sorted = read.to_vec();
    sorted.sort_unstable();
    let mut out = Vec::new();
    let mut chunk = 0;
    while chunk < end {
        if !empty(chunk, &mut chunk_magic) {
            chunk += 1;
            continue;
        }
        // One problem per run of zero-filled chunks.
        let first = chunk;
        while chunk + 1 < end && empty(chunk + 1, &mut chunk_magic) {
            chunk += 1;
        }
        out.push(empty_run_problem(&sorted, in_use, first, chunk));
        chunk += 1;
    }
    out
}

/// The problem for the zero-filled chunks `first..=last`, with the EventRecordIDs between the
/// neighbouring chunks read when both exist and leave a gap. `read` is sorted by chunk number.
fn empty_run_problem(read: &[ChunkRange], in_use: u64, first: u64, last: u64) -> Problem {
    let split = read.partition_point(|r| r.0 < first);
    let before = split.checked_sub(1).and_then(|i| read.get(i));
    let after = read.get(read.partition_point(|r| r.0 <= last));
    let ids = match (before, after) {
        (Some((_, _, prev_last)), Some((_, next_first, _)))
            if *next_first > prev_last.saturating_add(1) =>
        {
            let (a, b) = (prev_last + 1, next_first - 1);
            format!(
                ": EventRecordIDs {a}–{b} ({} records) are in no chunk read",
                b - a + 1
            )
        }
        _ => String::new(),
    };
    let which = if first == last {
        "zero-filled chunk header".to_string()
    } else {
        format!("chunks {first}–{last}: zero-filled chunk headers")
    };
    Problem::new(
        Locator::Chunk {
            chunk: first,
            byte: chunk_offset(first),
        },
        format!(
            "{which} inside the {in_use} chunks the file header counts in use (a later chunk \
             holds records): their records are lost{ids}"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_filled_chunks_in_use_are_one_problem_per_run_with_the_ids_between() {
        let mut header = [0u8; 64];
        header[CHUNK_COUNT_OFFSET] = 7; // 7 chunks in use
        // Chunks 0, 3 and 5 read; 1–2 and 4 zero-filled; 6 damaged (already reported); chunks
        // from 7 on lie beyond the count.
        let read = [(0, 1, 100), (3, 301, 400), (5, 501, 600)];
        let magic = |n: u64| Some(if n == 6 { *b"ElfChnk\0" } else { [0; 8] });
        let p = empty_chunks_in_use(&header, &read, &[6], magic);
        let got: Vec<(Locator, &str)> = p
            .iter()
            .map(|p| (p.locator.clone(), p.reason.as_str()))
            .collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(
            got[0].0,
            Locator::Chunk {
                chunk: 1,
                byte: chunk_offset(1)
            }
        );
        assert!(
            got[0].1.starts_with("chunks 1–2: zero-filled"),
            "{}",
            got[0].1
        );
        assert!(
            got[0]
                .1
                .ends_with("EventRecordIDs 101–300 (200 records) are in no chunk read")
        );
        assert_eq!(
            got[1].0,
            Locator::Chunk {
                chunk: 4,
                byte: chunk_offset(4)
            }
        );
        assert!(
            got[1]
                .1
                .ends_with("EventRecordIDs 401–500 (100 records) are in no chunk read")
        );
        // Empty chunks after the last one read are unused, as Windows leaves them.
        assert!(empty_chunks_in_use(&header, &read[..1], &[], |_| Some([0; 8])).is_empty());
    }

    #[test]
    fn runs_of_missing_ids_are_one_problem_each_located_after_the_last_read_record() {
        let mut a = ChunkAccount::default();
        a.record(10, 512 + 24, 100);
        a.record(11, 640 + 24, 100);
        a.record(14, 900, 10);
        let mut p = vec![Problem::new(Locator::Record(15), "bad")];
        a.missing(2, 10, 17, &mut p);
        let p = &p[1..];
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(
            p[0].locator,
            Locator::Chunk {
                chunk: 2,
                byte: chunk_offset(2) + 640 + 24 + 100 + 4
            }
        );
        assert!(
            p[0].reason.starts_with("records 12–13 (2 of the 8"),
            "{}",
            p[0].reason
        );
        assert!(
            p[1].reason.starts_with("records 16–17 (2"),
            "{}",
            p[1].reason
        );
    }

    #[test]
    fn an_impossible_range_is_one_problem() {
        let mut p = Vec::new();
        ChunkAccount::default().missing(0, 5, 5 + MAX_RECORDS_PER_CHUNK, &mut p);
        assert_eq!(p.len(), 1);
        assert!(p[0].reason.contains("not a possible range"));
        ChunkAccount::default().missing(0, 1, 0, &mut p);
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn a_complete_chunk_has_no_problem() {
        let mut a = ChunkAccount::default();
        a.record(1, 536, 10);
        a.record(2, 600, 10);
        let mut p = Vec::new();
        a.missing(0, 1, 2, &mut p);
        assert!(p.is_empty());
    }

    #[test]
    fn a_run_lost_where_a_record_failed_is_told_in_that_problem() {
        let mut a = ChunkAccount::default();
        a.record(1, 536, 10);
        let failed = chunk_offset(0) + 536 + 10 + 4;
        let mut p = vec![Problem::new(
            Locator::Chunk {
                chunk: 0,
                byte: failed,
            },
            "bad record header",
        )];
        a.missing(0, 1, 3, &mut p);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            p[0].reason,
            "records 2–3 (2 of the 3 the chunk header names) not read, lost with this record: \
             bad record header"
        );
    }
}
