//! The partial last chunk of an `.evtx` file cut inside a chunk (see `super`'s module docs,
//! research/evtx.md §1.6).

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::json::push_record;
use super::locate::{
    CHUNK_HEADER_SIZE, CHUNK_SIZE, FILE_HEADER_SIZE, RECORD_HEADER_SIZE, chunk_offset, error_chain,
    problem_from_error,
};
use crate::ingest::error::IngestError;
use crate::model::{EventLog, Locator, Problem};
use std::path::Path;

/// Reads the partial chunk at the end of a file cut inside a chunk (module docs): its complete
/// records are appended with `recovered = true`; the cut record, records the chunk header names
/// but the file no longer holds, and anything else unreadable become [`Problem`]s located by
/// [`Locator::Chunk`]. A tail of zeros holds nothing and is ignored. Nothing happens when the
/// file ends on a chunk boundary.
///
/// The tail is padded with zeros to a whole chunk: the chunk header's string and template
/// tables may point past the cut (at names and templates that only later records use), and the
/// crate refuses a chunk whose tables point outside its data. A record whose end lies past the
/// cut would then be rendered from zeros, so it is dropped and reported instead.
///
/// Returns whether there was a partial chunk holding data (read, or reported as lost).
///
/// Errors: [`IngestError::Io`] when the tail cannot be read.
pub(super) fn read_cut_chunk(
    path: &Path,
    size: u64,
    settings: evtx::ParserSettings,
    log: &mut EventLog,
) -> Result<bool, IngestError> {
    use std::io::{Read, Seek, SeekFrom};
    let Some(body) = size.checked_sub(FILE_HEADER_SIZE) else {
        return Ok(false);
    };
    let (chunk, tail_len) = (body / CHUNK_SIZE, body % CHUNK_SIZE);
    if tail_len == 0 {
        return Ok(false);
    }
    let start = chunk_offset(chunk);
    let mut bytes = Vec::new();
    let mut file = std::fs::File::open(path).map_err(|e| IngestError::io(path, e))?;
    file.seek(SeekFrom::Start(start))
        .and_then(|_| file.take(tail_len).read_to_end(&mut bytes))
        .map_err(|e| IngestError::io(path, e))?;
    if bytes.iter().all(|&b| b == 0) {
        return Ok(false);
    }
    let cut = format!("file ends {tail_len} bytes into chunk {chunk} (of {CHUNK_SIZE})");
    let lost = |why: String| {
        Problem::new(
            Locator::Chunk { chunk, byte: start },
            format!("{cut}; its records are lost: {why}"),
        )
    };
    if tail_len < CHUNK_HEADER_SIZE {
        log.problems.push(lost(format!(
            "the {CHUNK_HEADER_SIZE}-byte chunk header is cut"
        )));
        return Ok(true);
    }
    bytes.resize(CHUNK_SIZE as usize, 0);
    let mut data = match evtx::EvtxChunkData::new(bytes, false) {
        Ok(d) => d,
        Err(e) => {
            log.problems
                .push(lost(format!("bad chunk header: {}", error_chain(&e))));
            return Ok(true);
        }
    };
    data.number = Some(chunk);
    let (named_first, named_last) = (
        data.header.first_event_record_id,
        data.header.last_event_record_id,
    );
    let mut parsed = match data.parse(std::sync::Arc::new(settings)) {
        Ok(c) => c,
        Err(e) => {
            log.problems.push(lost(error_chain(&e)));
            return Ok(true);
        }
    };
    // The highest record id read or reported as cut.
    let mut seen: Option<u64> = None;
    for item in parsed.iter() {
        let rec = match item {
            Ok(r) => r,
            Err(e) => {
                if let evtx::err::EvtxError::FailedToParseRecord { record_id, .. } = &e {
                    seen = seen.max(Some(*record_id));
                }
                let mut p = problem_from_error(&e);
                p.reason = format!("{cut}: {}", p.reason);
                log.problems.push(p);
                continue;
            }
        };
        let id = rec.event_record_id;
        seen = seen.max(Some(id));
        // Record = 24-byte header, BinXML, 4-byte size copy (libyal EVTX §4).
        let record_start = rec.binxml_offset.saturating_sub(RECORD_HEADER_SIZE);
        let record_end = rec
            .binxml_offset
            .saturating_add(u64::from(rec.binxml_size))
            .saturating_add(4);
        if record_end > tail_len {
            log.problems.push(Problem::new(
                Locator::Chunk {
                    chunk,
                    byte: start.saturating_add(record_start),
                },
                format!(
                    "{cut}: record {id} at chunk offset 0x{record_start:x} is cut \
                     ({} of its {} bytes are in the file)",
                    tail_len.saturating_sub(record_start),
                    record_end - record_start
                ),
            ));
            continue;
        }
        match rec.into_json_bytes() {
            Ok(r) => push_record(log, r, true),
            Err(e) => log.problems.push(problem_from_error(&e)),
        }
    }
    if seen.is_none_or(|s| s < named_last) {
        let first = seen.map_or(named_first, |s| s.saturating_add(1));
        log.problems.push(Problem::new(
            Locator::Chunk { chunk, byte: size },
            format!(
                "{cut}: records {first}–{named_last}, which the chunk header names, \
                 are past the end of the file"
            ),
        ));
    }
    Ok(true)
}
/// Chunks the file header names (`number of chunks`, u16 at offset 42; libyal EVTX §2.1) that
/// the file no longer holds in full, as one problem at the end of the file: a file cut short
/// (a copy interrupted, a disk that failed) loses whole chunks silently otherwise, since the
/// crate walks only what is there. A partial last chunk is `read_cut_chunk`'s; this names the
/// whole chunks after it: when `read_cut_chunk` reported the partial chunk, the caller adds
/// the returned `what` to that problem instead. `None` for a complete file or a header that
/// cannot be read.
/// `partial`: the last, partial chunk was read (and reported) by `read_cut_chunk`; otherwise
/// it held only zeros and counts as missing.
pub(super) fn missing_chunks(path: &Path, size: u64, partial: bool) -> Option<(String, Problem)> {
    use std::io::Read;
    let mut head = [0u8; 44];
    std::fs::File::open(path).ok()?.read_exact(&mut head).ok()?;
    if head.get(..8) != Some(b"ElfFile\0".as_slice()) {
        return None;
    }
    let named = u64::from(u16::from_le_bytes([*head.get(42)?, *head.get(43)?]));
    let whole = size.saturating_sub(FILE_HEADER_SIZE) / CHUNK_SIZE;
    let present = whole + u64::from(partial);
    if named <= present {
        return None;
    }
    let last = named - 1;
    let which = if present == last {
        format!("chunk {last}")
    } else {
        format!("chunks {present}–{last}")
    };
    let what = format!("the file header names {named} chunks: {which} are not in the file");
    let problem = Problem::new(
        Locator::Byte(size),
        format!(
            "file ends at byte {size} but its header names {named} chunks (cut short?): {which} \
             and their records are lost"
        ),
    );
    Some((what, problem))
}
