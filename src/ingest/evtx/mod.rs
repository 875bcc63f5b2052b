//! Windows XML Event Log (`.evtx`) via the `evtx` crate (0.15.1).
//!
//! The format (libyal "Windows XML Event Log (EVTX) format", MS-EVEN6): a 4096-byte file header,
//! then 64 KiB chunks, each holding records whose body is Binary XML. The crate renders each
//! record to JSON (`records_json_bytes()`, no indent); we deserialize only the `System` fields and
//! the `EventData` `Data`/`Binary` into a typed struct, which is 2–3× faster than going through
//! `serde_json::Value` (research/evtx.md §1.4).
//!
//! JSON shapes handled (research/evtx.md §1.3): `EventID` is a bare number for manifest providers
//! and `{"#attributes":{"Qualifiers":N},"#text":id}` for classic ones; repeated unnamed `<Data>`
//! become `{"#text":[…]}`; `Keywords` and `Binary` are hex strings; any field may be missing (one
//! real record has no System data at all: it is kept with empty strings).
//!
//! Truncated files (research/evtx.md §1.6): a file cut inside a chunk (plaso `System2.evtx`,
//! 200000 bytes: header, 2 full chunks and 64,832 bytes of a third) still holds the complete
//! records of that partial chunk, which the crate and every other oracle drop without an error
//! (the crate's chunk count is `(size - 4096) / 65536`, rounded down). After the crate's walk we
//! pad the partial chunk with zeros to 64 KiB, hand it to `EvtxChunkData::new(bytes, false)` and
//! walk it with the same settings. Its complete records (System2: IDs 195–283) are kept with
//! [`EventRecord::recovered`](crate::model::EventRecord::recovered) set; the record the end of the file cuts (System2: 284 at chunk
//! offset 0xfbd8) and any records the chunk header names beyond it become [`Problem`](crate::model::Problem)s at their
//! chunk and file offset. (Unpadded bytes also work on System2, but a chunk whose string table
//! points past the cut is then refused whole.)

//!
//! The fast path (issue 17 §1, `fast`): with [`Keep::Wanted`] (what `analyze` uses), each chunk
//! is first walked by our own strict reader of the record framing and the BinXML template
//! instances, which finds each record's provider name and EventID without rendering it. A
//! chunk none of whose records [`is_wanted`](crate::model::is_wanted) is counted and never
//! rendered (10× less time on a System log, and memory no longer grows with the log: only the
//! wanted records are kept); every other chunk is rendered as above and its unwanted records
//! counted afterwards.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod chunks;
mod cut_chunk;
mod fast;
mod gaps;
mod json;
mod locate;

use crate::ingest::error::IngestError;
use crate::model::EventLog;
use cut_chunk::read_cut_chunk;
use json::push_record;
use locate::{error_chain, problem_from_error};
use std::path::Path;

/// Chunks handed to the pool at once by [`read_evtx`], per worker thread. Each worker reads its
/// chunks itself into one 64 KiB buffer it keeps, so the bytes in flight are one chunk per
/// worker; a batch's parts (counts, problems, the few records kept) wait for the batch.
const CHUNKS_PER_THREAD: usize = 32;

/// Reads every record of an `.evtx` file. Records come out in file order, oldest chunk first
/// for wrapped logs (the crate's chunk order). Checksums are not enforced: chunks with a bad
/// CRC32 are still read (record-level failures then become problems).
///
/// Concurrency (ARCHITECTURE.md, "Concurrency"): the chunk numbers are put in the crate's order
/// first (`chunks::chunk_order`); then, a batch at a time, each chunk is read by positioned
/// reads, parsed and rendered with `par_iter` on the *current* rayon pool (the one the caller runs in; the global pool outside any). The
/// `evtx` crate's own threading is compiled out (its `multithreading` feature is off): it spawns
/// onto the current pool and then blocks on a channel, which deadlocks when every worker of that
/// pool is itself inside `read_evtx`. The result does not depend on the pool's size: batches are
/// collected in chunk order.
///
/// Errors: [`IngestError::Io`] when the file cannot be opened or read, [`IngestError::BadHeader`]
/// when it has no EVTX file header (`ElfFile\0` magic, 4096-byte block). Records that fail to
/// render become [`Problem`](crate::model::Problem)s located by [`Locator::Record`](crate::model::Locator::Record) (record-header id) or
/// [`Locator::Chunk`](crate::model::Locator::Chunk) (0-based chunk and file offset), with the crate's error chain as reason.
///
/// A file cut inside a chunk: the complete records of the partial last chunk follow the
/// others, with [`EventRecord::recovered`](crate::model::EventRecord::recovered) set; the cut record is a [`Problem`](crate::model::Problem) (module docs).
pub fn read_evtx(path: &Path) -> Result<EventLog, IngestError> {
    read_evtx_keeping(path, Keep::All)
}

/// Which records [`read_evtx_keeping`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Every record is rendered and kept (the reference path; what [`read_evtx`] does).
    All,
    /// Only the records [`is_wanted`](crate::model::is_wanted) and the recovered ones are
    /// kept; the others are counted ([`EventLog::counted`], their `<Computer>` in
    /// [`EventLog::computers`]). Chunks that hold none of them are decided on the fast path
    /// (`fast` module: template substitution values, no rendering). What `analyze` uses.
    Wanted,
}

/// [`read_evtx`] keeping the records `keep` says. Counts ([`EventLog::record_count`]),
/// problems, recovered records and every kept record are the same for both [`Keep`]s
/// (`tests/evtx_fast.rs` checks it on every real and generated log); errors as [`read_evtx`].
pub fn read_evtx_keeping(path: &Path, keep: Keep) -> Result<EventLog, IngestError> {
    use rayon::prelude::*;
    let (file, size, header_block_size) = open(path)?;
    let settings = evtx::ParserSettings::new()
        .indent(false)
        .validate_checksums(false);
    let shared = std::sync::Arc::new(settings.clone());
    let batch = CHUNKS_PER_THREAD.saturating_mul(rayon::current_num_threads().max(1));
    let mut log = EventLog::default();
    // (file offset, problem): every problem with the offset it is sorted by.
    let mut placed: Vec<(u64, crate::model::Problem)> = Vec::new();
    let mut ranges: Vec<gaps::ChunkRange> = Vec::new();
    let order = chunks::chunk_order(&file, size, header_block_size);
    for todo in order.chunks(batch) {
        // Each worker reads its chunks itself, into one buffer it keeps.
        let done: Vec<Option<(u64, EventLog, Option<gaps::ChunkRange>)>> = todo
            .par_iter()
            .map_init(Vec::new, |buf, &n| {
                let chunk = chunks::read_chunk_at(&file, n, std::mem::take(buf))?;
                let range = chunk.as_ref().ok().map(|d| {
                    let h = &d.header;
                    (n, h.first_event_record_id, h.last_event_record_id)
                });
                let (start, part, back) = read_chunk(chunk, &shared, keep);
                *buf = back;
                Some((start, part, range))
            })
            .collect();
        for (start, mut part, range) in done.into_iter().flatten() {
            ranges.extend(range);
            placed.extend(
                std::mem::take(&mut part.problems)
                    .into_iter()
                    .map(|p| (p.byte().unwrap_or(start), p)),
            );
            log.append(part);
        }
    }
    let reported: Vec<u64> = placed
        .iter()
        .filter_map(|(_, p)| match p.locator {
            crate::model::Locator::Chunk { chunk, .. } => Some(chunk),
            _ => None,
        })
        .collect();
    placed.extend(
        empty_chunks(path, &ranges, &reported)?
            .into_iter()
            .map(|p| (p.byte().unwrap_or(size), p)),
    );
    let before = log.problems.len();
    let partial = read_cut_chunk(path, size, settings, &mut log)?;
    if let Some((what, problem)) = cut_chunk::missing_chunks(path, size, partial) {
        // One word per cut: the partial chunk's problem names the missing chunks too.
        match log.problems.get_mut(before..).and_then(<[_]>::last_mut) {
            Some(p) => p.reason = format!("{}; {what}", p.reason),
            None => log.problems.push(problem),
        }
    }
    placed.extend(
        log.problems
            .drain(..)
            .map(|p| (p.byte().unwrap_or(size), p)),
    );
    // Problems in file order; a record's problem sits at the start of its chunk.
    placed.sort_by_key(|(at, _)| *at);
    log.problems = placed.into_iter().map(|(_, p)| p).collect();
    Ok(log)
}

/// Parses one chunk the parser read and renders its records, as the crate's own
/// `records_json_bytes` does: a chunk that cannot be read or parsed is one [`Problem`](crate::model::Problem); a record
/// that fails to render is a problem, except a carved ("recovered") one, which the crate drops
/// as noise.
///
/// With [`Keep::Wanted`], a chunk the fast path can decide and that holds no wanted record is
/// only counted; in any other chunk the records not wanted are counted after rendering.
fn read_chunk(
    chunk: evtx::err::Result<evtx::EvtxChunkData>,
    settings: &std::sync::Arc<evtx::ParserSettings>,
    keep: Keep,
) -> (u64, EventLog, Vec<u8>) {
    let mut data = match chunk {
        Ok(d) => d,
        Err(e) => {
            let mut part = EventLog::default();
            part.problems.push(problem_from_error(&e));
            return (0, part, Vec::new());
        }
    };
    let (start, part) = read_chunk_data(&mut data, settings, keep);
    (start, part, data.data)
}

/// [`read_chunk`] of a chunk read whole.
fn read_chunk_data(
    data: &mut evtx::EvtxChunkData,
    settings: &std::sync::Arc<evtx::ParserSettings>,
    keep: Keep,
) -> (u64, EventLog) {
    let mut part = EventLog::default();
    let number = data.number.unwrap_or(0);
    let start = locate::chunk_offset(number);
    let (first, last, free) = (
        data.header.first_event_record_id,
        data.header.last_event_record_id,
        data.header.free_space_offset,
    );
    let mut parsed = match data.parse(std::sync::Arc::clone(settings)) {
        Ok(c) => c,
        Err(e) => {
            let e = evtx::err::EvtxError::FailedToParseChunk {
                chunk_id: number,
                source: Box::new(e),
            };
            part.problems.push(problem_from_error(&e));
            return (start, part);
        }
    };
    let mut account = gaps::ChunkAccount::default();
    if keep == Keep::Wanted
        && let Some(decided) = fast::scan_chunk(parsed.data, free, last)
        && decided.wanted == 0
    {
        for (id, offset, size) in decided.records {
            account.record(id, offset, size);
            part.counted += 1;
        }
        part.computers.extend(decided.computers);
        account.missing(number, first, last, &mut part.problems);
        return (start, part);
    }
    for record in parsed.iter() {
        let carved = record.as_ref().is_ok_and(|r| r.recovered);
        if let Ok(r) = &record
            && !carved
        {
            account.record(r.event_record_id, r.binxml_offset, r.binxml_size);
        }
        match record.and_then(|r| r.into_json_bytes()) {
            Ok(rec) => push_record(&mut part, rec, false),
            Err(_) if carved => {}
            Err(e) => part.problems.push(problem_from_error(&e)),
        }
    }
    account.missing(number, first, last, &mut part.problems);
    if keep == Keep::Wanted {
        part.count_unless(|r| crate::model::is_wanted(&r.provider, r.event_id));
    }
    (start, part)
}

/// [`gaps::empty_chunks_in_use`] for the file at `path`, given the chunks read.
fn empty_chunks(
    path: &Path,
    read: &[gaps::ChunkRange],
    reported: &[u64],
) -> Result<Vec<crate::model::Problem>, IngestError> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).map_err(|e| IngestError::io(path, e))?;
    let mut header = [0u8; 64];
    if file.read_exact(&mut header).is_err() {
        return Ok(Vec::new());
    }
    Ok(gaps::empty_chunks_in_use(&header, read, reported, |n| {
        let mut magic = [0u8; 8];
        file.seek(SeekFrom::Start(locate::chunk_offset(n))).ok()?;
        file.read_exact(&mut magic).ok()?;
        Some(magic)
    }))
}

/// How many chunks of a file the fast path of [`Keep::Wanted`] decides without rendering:
/// `(chunks read, chunks decided)`. For tests and benchmarks (the share of a log `analyze`
/// never renders). Errors as [`read_evtx`].
#[doc(hidden)]
pub fn fast_path_chunks(path: &Path) -> Result<(u64, u64), IngestError> {
    let (mut read, mut decided) = (0u64, 0u64);
    for_each_chunk(path, |chunk| {
        if let Ok(data) = chunk {
            read += 1;
            let h = &data.header;
            if fast::scan_chunk(&data.data, h.free_space_offset, h.last_event_record_id)
                .is_some_and(|d| d.wanted == 0)
            {
                decided += 1;
            }
        }
    })?;
    Ok((read, decided))
}

/// One chunk as [`chunk_walk`] reports it: `Ok((number, first EventRecordID, last
/// EventRecordID))` or the error text.
#[doc(hidden)]
pub type ChunkSeen = Result<(u64, u64, u64), String>;

/// The chunks [`read_evtx`] reads, in its order: per chunk its number and `Ok` with its first
/// and last EventRecordID, or the error text. For the test that holds this order to the `evtx`
/// crate's own chunk iterator (`tests/evtx_fast.rs`). Errors as [`read_evtx`].
#[doc(hidden)]
pub fn chunk_walk(path: &Path) -> Result<Vec<ChunkSeen>, IngestError> {
    let mut out = Vec::new();
    for_each_chunk(path, |chunk| {
        out.push(match chunk {
            Ok(d) => Ok((
                d.number.unwrap_or(u64::MAX),
                d.header.first_event_record_id,
                d.header.last_event_record_id,
            )),
            Err(e) => Err(error_chain(&e)),
        });
    })?;
    Ok(out)
}

/// Calls `f` with every chunk of the file, one at a time, in [`chunks::chunk_order`].
fn for_each_chunk(
    path: &Path,
    mut f: impl FnMut(evtx::err::Result<evtx::EvtxChunkData>),
) -> Result<(), IngestError> {
    let (file, size, header_block_size) = open(path)?;
    for n in chunks::chunk_order(&file, size, header_block_size) {
        if let Some(chunk) = chunks::read_chunk_at(&file, n, Vec::new()) {
            f(chunk);
        }
    }
    Ok(())
}

/// Opens an `.evtx` file: the file, its size and its header block size (the crate's reading of
/// the file header, which must be there). Errors as [`read_evtx`].
fn open(path: &Path) -> Result<(std::fs::File, u64, u16), IngestError> {
    let file = std::fs::File::open(path).map_err(|e| IngestError::io(path, e))?;
    let size = file.metadata().map_err(|e| IngestError::io(path, e))?.len();
    let header_block_size = evtx::EvtxParser::from_read_seek(&file)
        .map_err(|e| open_error(path, e))?
        .header()
        .header_block_size;
    Ok((file, size, header_block_size))
}

/// Maps a failure of `EvtxParser::from_read_seek` to an [`IngestError`]: I/O failures other
/// than a short file are [`IngestError::Io`]; a short file or a wrong magic is `BadHeader`.
fn open_error(path: &Path, e: evtx::err::EvtxError) -> IngestError {
    if let evtx::err::EvtxError::IoError(io) = &e
        && io.kind() != std::io::ErrorKind::UnexpectedEof
    {
        return IngestError::io(path, std::io::Error::new(io.kind(), io.to_string()));
    }
    IngestError::BadHeader {
        path: path.to_path_buf(),
        format: crate::model::Format::Evtx,
        reason: error_chain(&e),
    }
}
