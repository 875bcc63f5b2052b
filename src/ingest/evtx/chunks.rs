//! Which chunks of an `.evtx` file are read, in which order, and reading one of them by number,
//! so that the chunks of one file can be read on every worker of the pool at once (issue 17 §3).
//!
//! The order is the `evtx` crate's (0.15.1, `EvtxParser::chunks`), which is Windows' record
//! order: first the chunk whose header names the lowest first EventRecordID (among the headers
//! with `first <= last`; chunk 0 when none), then every chunk after it, then, for a log that
//! has wrapped around, the chunks from the start of the file up to it. The chunk count is the
//! crate's `(file size - header block size) / 64 KiB`; after that count the crate goes on while
//! whole chunks follow (a dirty file). Chunks that are all zero bytes are skipped. A chunk
//! inside the count that cannot be read whole, or whose header is not a chunk header, is an
//! error at its place. [`read_chunk_at`] gives what the crate's iterator gives for that number.
//! `tests/evtx_fast.rs` and `tests/evtx_realdata.rs` compare both readings on every real and
//! generated log, wrapped ones included.

use super::locate::{CHUNK_HEADER_SIZE, chunk_offset};
use rayon::prelude::*;
use std::fs::File;
use std::io;

/// Bytes in a chunk (MS-EVEN6 §2.2.2, libyal §3).
const CHUNK_SIZE: usize = super::locate::CHUNK_SIZE as usize;

/// The chunk numbers the crate's iterator visits, in its order (module docs). `header_block_size`
/// is the file header's, `size` the file's. Reads one 512-byte chunk header per chunk.
pub(super) fn chunk_order(file: &File, size: u64, header_block_size: u16) -> Vec<u64> {
    let count = size.saturating_sub(u64::from(header_block_size)) / CHUNK_SIZE as u64;
    // The crate stops at the first header it cannot read whole; the ones after it cannot be
    // read either (they lie further into the file), so every readable header takes part. The
    // headers are read on the pool too (a 1 GB log has 16,000 of them).
    let oldest = (0..count)
        .into_par_iter()
        .filter_map(|n| {
            let mut header = [0u8; CHUNK_HEADER_SIZE as usize];
            if read_full_at(file, &mut header, chunk_offset(n)).ok() != Some(header.len()) {
                return None;
            }
            let h = evtx::EvtxChunkHeader::from_bytes(&header).ok()?;
            (h.first_event_record_id <= h.last_event_record_id)
                .then_some((h.first_event_record_id, n))
        })
        .min()
        .map_or(0, |(_, n)| n);
    // Past the count the crate stops at the first chunk it cannot read whole.
    let whole = |n: u64| {
        chunk_offset(n)
            .checked_add(CHUNK_SIZE as u64)
            .is_some_and(|end| end <= size)
    };
    let mut order: Vec<u64> = (oldest..count).collect();
    let mut n = count.max(oldest);
    while whole(n) {
        order.push(n);
        n += 1;
    }
    order.extend(0..oldest.min(count));
    order
}

/// Chunk `n` as the crate's iterator yields it, read into `buf` (reused: its allocation is
/// taken and given back by the caller through the returned chunk's `data`): `None` for a chunk
/// of zero bytes (skipped), an error for a chunk that cannot be read whole or has no chunk
/// header.
pub(super) fn read_chunk_at(
    file: &File,
    n: u64,
    mut buf: Vec<u8>,
) -> Option<evtx::err::Result<evtx::EvtxChunkData>> {
    let fail = |e| evtx::err::EvtxError::FailedToParseChunk {
        chunk_id: n,
        source: Box::new(e),
    };
    buf.clear();
    buf.resize(CHUNK_SIZE, 0);
    match read_full_at(file, &mut buf, chunk_offset(n)) {
        Ok(CHUNK_SIZE) => {}
        _ => return Some(Err(fail(evtx::err::ChunkError::IncompleteChunk))),
    }
    if buf.iter().all(|b| *b == 0) {
        return None;
    }
    Some(
        evtx::EvtxChunkData::new(buf, false)
            .map(|mut c| {
                c.number = Some(n);
                c
            })
            .map_err(fail),
    )
}

/// Reads into `buf` from byte `offset` until it is full or the file ends; how many bytes.
fn read_full_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut done = 0;
    while let Some(rest) = buf.get_mut(done..)
        && !rest.is_empty()
    {
        let at = offset.saturating_add(done as u64);
        match read_at(file, rest, at) {
            Ok(0) => break,
            Ok(k) => done += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(not(any(unix, windows)))]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    f.read(buf)
}
