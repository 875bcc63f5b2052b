//! Where in an `.evtx` file something is: the fixed layout (libyal "Windows XML Event Log
//! (EVTX) format" §2–4: a 4096-byte file header, then 65536-byte chunks whose 512-byte header
//! holds the string and template tables, then records with a 24-byte header), and the
//! [`Problem`] an `evtx` crate error becomes, at the best [`Locator`] the error gives.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::model::{Locator, Problem};

/// Size of the EVTX file header block; the first chunk starts here (libyal EVTX §2).
pub(super) const FILE_HEADER_SIZE: u64 = 4096;
/// Size of one EVTX chunk (libyal EVTX §3).
pub(super) const CHUNK_SIZE: u64 = 65536;
/// Size of an EVTX chunk header, string and template tables included (libyal EVTX §3).
pub(super) const CHUNK_HEADER_SIZE: u64 = 512;
/// Size of an EVTX record header before its BinXML (libyal EVTX §4).
pub(super) const RECORD_HEADER_SIZE: u64 = 24;

/// The error and all its sources, joined with `: `.
pub(super) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(src) = cur {
        s.push_str(": ");
        s.push_str(&src.to_string());
        cur = src.source();
    }
    s
}

/// The best locator the crate's error gives, what it means in our words (what was wrong and
/// what was kept), and the crate's error chain as the detail.
pub(super) fn problem_from_error(e: &evtx::err::EvtxError) -> Problem {
    use evtx::err::EvtxError as E;
    let (locator, reason) = match e {
        E::FailedToParseRecord { record_id, .. } => (
            Locator::Record(*record_id),
            "damaged event data (BinXML): the record is skipped; the other records of its \
             chunk are kept"
                .to_string(),
        ),
        E::FailedToReadRecordAt {
            chunk: Some(chunk),
            offset,
            ..
        } => (
            Locator::Chunk {
                chunk: *chunk,
                byte: chunk_offset(*chunk).saturating_add(*offset),
            },
            format!(
                "damaged record header (magic or size) at chunk offset 0x{offset:x} of chunk \
                 {chunk}: the record is skipped"
            ),
        ),
        E::FailedToParseChunk { chunk_id, .. } => (
            Locator::Chunk {
                chunk: *chunk_id,
                byte: chunk_offset(*chunk_id),
            },
            format!(
                "chunk {chunk_id} has a damaged header (magic or tables): its records cannot be \
                 read; the other chunks are kept"
            ),
        ),
        _ => (
            Locator::File,
            "the event log could not be read further here".to_string(),
        ),
    };
    Problem::new(locator, reason).with_detail(error_chain(e))
}

/// File offset of 0-based chunk `n` (4096 + n·65536, libyal EVTX §3).
pub(super) fn chunk_offset(n: u64) -> u64 {
    n.saturating_mul(CHUNK_SIZE)
        .saturating_add(FILE_HEADER_SIZE)
}
