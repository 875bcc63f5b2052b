//! Windows NT–2003 `.evt` event logs (XP/2003: exactly the systems with the half-open limit).
//!
//! Format: libyal's "Windows Event Log (EVT) format" notes and Microsoft's "Event Log File
//! Format" / `EVENTLOGRECORD` pages (summarised in research/evtx.md §3.1). Everything is
//! little-endian; times are 32-bit Unix seconds, UTC; strings are UTF-16LE with a NUL.
//!
//! - **File header** (0x30 bytes): size 0x30, `LfLe`, major 1, minor 1, StartOffset (oldest
//!   record), EndOffset (the EOF record), CurrentRecordNumber (next to write),
//!   OldestRecordNumber, MaxSize, Flags (0x1 dirty, 0x2 wrapped, 0x4 log full, 0x8 archive),
//!   Retention, a copy of the size 0x30.
//! - **Records** (`EVENTLOGRECORD`), a circular buffer after the header: Length, `LfLe`,
//!   RecordNumber, TimeGenerated, TimeWritten, EventID (u32), EventType (u16), NumStrings,
//!   EventCategory, ReservedFlags, ClosingRecordNumber, StringOffset, UserSidLength,
//!   UserSidOffset, DataLength, DataOffset (offsets from the record's start); from offset 0x38
//!   the source name and computer name, the SID, the strings, the data, padding, and a
//!   trailing copy of Length.
//! - **EOF record** (0x28 bytes): 0x28, 0x11111111, 0x22222222, 0x33333333, 0x44444444,
//!   BeginRecord, EndRecord, CurrentRecordNumber, OldestRecordNumber, 0x28. It follows the
//!   newest record.
//!
//! How we walk it:
//! - Where to start and stop. A clean header (not dirty) whose EndOffset holds an EOF record
//!   is trusted: walk from StartOffset to EndOffset. Otherwise (dirty headers keep stale
//!   offsets: plaso `SysEvent.Evt` says record 7430 is next while records run to 7454; the
//!   dissect dirty sample says StartOffset = EndOffset = 0x30 over five records) the EOF record
//!   is searched for at every 4-byte-aligned offset (libyal: "scan for the EOF record"), the
//!   one with the highest CurrentRecordNumber wins, and its BeginRecord/EndRecord are used.
//!   Without any EOF record, the walk starts at StartOffset (or the first record found) and
//!   ends where no further record is found.
//! - Wrapping: the buffer is circular, so a record running past the end of the file continues
//!   right after the header at 0x30 (MS "Event Log File Format": "HEADER, Part of EVENT
//!   RECORD 300, EVENT RECORD 301 …"). When the file is shorter than the header's MaxSize it was
//!   cut, and a record running past its end is reported as cut instead.
//! - A record is accepted when its Length is at least 0x38, a multiple of 4 and no larger than
//!   the buffer, `LfLe` follows it, and the trailing copy of Length matches. Anything else where
//!   a record should start is skipped up to the next acceptable record (or the EOF record),
//!   scanning at 4-byte alignment; the skipped bytes become one [`Problem`] located by
//!   [`Locator::Byte`]. A record whose strings or data lie outside it is kept with what can be
//!   read, plus a problem.
//! - Stale records in the slack between the EOF record and the oldest record (libevt's
//!   "recovered" records, 438 in `SysEvent.Evt`) are not read.

use crate::ingest::bytes::{le16, le32};
use crate::ingest::error::IngestError;
use crate::model::{EventLog, EventRecord};
use crate::model::{Format, Locator, Problem, UtcTime};
use std::borrow::Cow;
use std::path::Path;

/// Size of the file header and offset of the circular record buffer (libyal EVT §2).
const HEADER_SIZE: usize = 0x30;
/// Size of the fixed part of a record, where the source name starts (libyal EVT §3).
const RECORD_FIXED_SIZE: usize = 0x38;
/// Size of the EOF record (libyal EVT §4).
const EOF_SIZE: usize = 0x28;
/// The EOF record's four signature words after its size (libyal EVT §4).
const EOF_SIGNATURE: [u8; 16] = [
    0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22, 0x33, 0x33, 0x33, 0x33, 0x44, 0x44, 0x44, 0x44,
];
/// Header flag: the log was not closed cleanly and its offsets may be stale (libyal EVT §2).
const FLAG_DIRTY: u32 = 0x1;

/// Whether `head` starts with an EVT file header: size 0x30 and the `LfLe` signature at offset 4.
pub fn looks_like_evt(head: &[u8]) -> bool {
    head.get(0..4) == Some(&[0x30, 0, 0, 0][..]) && head.get(4..8) == Some(&b"LfLe"[..])
}

/// True when `head` has the `LfLe` signature at offset 4 (libyal EVT §2) whatever its header
/// size field says: an `.evt` file, possibly with a damaged size field.
pub fn has_evt_signature(head: &[u8]) -> bool {
    head.get(4..8) == Some(b"LfLe".as_slice())
}

/// The file header fields we use (libyal EVT §2). Offsets are file offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    start: u32,
    end: u32,
    max_size: u32,
    flags: u32,
}

/// The fields of an EOF record we use (libyal EVT §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EofRecord {
    /// File offset of the EOF record itself.
    at: usize,
    begin: u32,
    end: u32,
    current: u32,
}

/// Reads every record of an `.evt` file, oldest first (module docs: how the circular buffer
/// is walked).
///
/// Each record becomes an [`EventRecord`]: `record_id` and `event_record_id` = RecordNumber;
/// `provider` = source name; `computer` = computer name; `event_id` = low 16 bits of the
/// 32-bit EventID and `qualifiers` = its high 16 bits (0x80001082 → 4226, 0x8000); `level`
/// from EventType ([`level_of`]); `task` = EventCategory; `keywords` = None; `time` =
/// TimeGenerated and `written` = TimeWritten (whole seconds, UTC); `channel` empty (the file
/// does not name its log); `data` = the NumStrings insertion strings; `binary` = the data bytes
/// when DataLength > 0; `recovered` false.
///
/// Errors: [`IngestError::Io`] when the file cannot be read, [`IngestError::BadHeader`] when it
/// has no EVT header (shorter than 0x30 bytes, or no `LfLe` at byte 4). A damaged header size
/// field and damage after the header becomes [`Problem`]s located by [`Locator::Byte`] (file offset).
pub fn read_evt(path: &Path) -> Result<EventLog, IngestError> {
    let bytes = std::fs::read(path).map_err(|e| IngestError::io(path, e))?;
    parse_evt(&bytes).map_err(|e| IngestError::BadHeader {
        path: path.to_path_buf(),
        format: Format::Evt,
        reason: e.to_string(),
    })
}

/// [`read_evt`] on bytes in memory.
///
/// Errors: [`EvtHeaderError`] when the 0x30-byte header at offset 0 is unusable.
pub fn parse_evt(bytes: &[u8]) -> Result<EventLog, EvtHeaderError> {
    let header = read_header(bytes)?;
    let ring = Ring {
        bytes,
        cut: bytes.len() < header.max_size as usize,
    };
    let mut log = EventLog::default();
    let size = le32(bytes, 0).unwrap_or(0);
    if size != HEADER_SIZE as u32 {
        log.problems.push(Problem::new(
            Locator::Byte(0),
            format!(
                "damaged evt header: size field is {size:#x}, not {HEADER_SIZE:#x} (the `LfLe` \
                 signature is intact; the header was read anyway)"
            ),
        ));
    }
    let (start, stop) = if bytes.len() > HEADER_SIZE {
        bounds(&ring, &header, &mut log)
    } else {
        (None, None)
    };
    let end = match start {
        Some(start) => walk(&ring, start, stop, &mut log),
        None if stop.is_some() => End::Eof,
        None => End::NoRecord,
    };
    if ring.cut && end == End::NoRecord {
        log.problems.push(Problem::new(
            Locator::Byte(bytes.len() as u64),
            format!(
                "file ends at 0x{:x} without an EOF record, before the header's MaxSize of {} \
                 bytes: it was cut and any records past its end are lost",
                bytes.len(),
                header.max_size
            ),
        ));
    }
    Ok(log)
}

/// Why an `.evt` file has no usable header (MS-EVEN §2.2.3 `ELF_LOGFILE_HEADER`, libyal
/// "Windows Event Log (EVT) format" §2: 0x30 bytes at offset 0, `HeaderSize` 0x30 at byte 0,
/// signature `LfLe` at byte 4). The path is added by [`IngestError::BadHeader`]; the offset is
/// always the header's, byte 0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvtHeaderError {
    /// The file ends before byte 0x30.
    #[error("file is {len} bytes, shorter than the {HEADER_SIZE}-byte header")]
    Short {
        /// The file's length in bytes.
        len: usize,
    },
    /// The header has no `LfLe` signature at byte 4 (a damaged size field alone is a
    /// [`Problem`], not this error).
    #[error("no `LfLe` signature at byte 4")]
    NoSignature {
        /// The little-endian u32 found at byte 0 (0x30 in a real header).
        size: u32,
        /// The 4 bytes found at byte 4 (`LfLe` in a real header).
        signature: [u8; 4],
    },
}

/// How a walk over the records ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// At an EOF record (or after the whole buffer).
    Eof,
    /// At a record cut by the end of a cut file (already a problem).
    Cut,
    /// Where no further record was found.
    NoRecord,
}

/// The header, or why there is none.
fn read_header(bytes: &[u8]) -> Result<Header, EvtHeaderError> {
    if bytes.len() < HEADER_SIZE {
        return Err(EvtHeaderError::Short { len: bytes.len() });
    }
    if !has_evt_signature(bytes) {
        return Err(EvtHeaderError::NoSignature {
            size: le32(bytes, 0).unwrap_or(0),
            signature: crate::ingest::bytes::array(bytes, 4).unwrap_or_default(),
        });
    }
    let field = |off| le32(bytes, off).unwrap_or(0);
    Ok(Header {
        start: field(16),
        end: field(20),
        max_size: field(32),
        flags: field(36),
    })
}

/// Where the walk starts (`None`: no record anywhere) and the EOF record it stops at.
fn bounds(ring: &Ring, header: &Header, log: &mut EventLog) -> (Option<usize>, Option<usize>) {
    let dirty = header.flags & FLAG_DIRTY != 0;
    let header_eof = ring
        .eof_at(header.end as usize)
        .filter(|_| !dirty && ring.in_ring(header.end as usize));
    let eof = header_eof.or_else(|| find_eof(ring));
    let (begin, stop) = match eof {
        Some(e) => (e.begin as usize, Some(e.at)),
        None => (header.start as usize, None),
    };
    if Some(begin) == stop && ring.in_ring(begin) {
        return (None, stop); // an empty log
    }
    // A record the end of a cut file cuts is still where the log starts (the walk reports it).
    if ring.in_ring(begin) && ring.record_at(begin).map_or_else(|e| e.cut, |_| true) {
        return (Some(begin), stop);
    }
    // The named start holds no record: begin at the first record after the EOF record (the
    // oldest survivor of a wrapped log) or after the header.
    let from = stop.map_or(HEADER_SIZE, |s| ring.advance(s, EOF_SIZE));
    let found = ring
        .scan(from, ring.len(), stop)
        .filter(|&q| ring.eof_at(q).is_none());
    let reason = match found {
        Some(q) => format!(
            "the log's start offset 0x{begin:x} holds no record; reading from the first \
             record found, at 0x{q:x}"
        ),
        None => format!("the log's start offset 0x{begin:x} holds no record, and none is found"),
    };
    log.problems
        .push(Problem::new(Locator::Byte(begin as u64), reason));
    (found, stop)
}

/// The EOF record with the highest CurrentRecordNumber at a 4-byte-aligned offset, if any.
fn find_eof(ring: &Ring) -> Option<EofRecord> {
    let mut best: Option<EofRecord> = None;
    let mut at = HEADER_SIZE;
    while at + 20 <= ring.bytes.len() {
        if ring.bytes.get(at + 4..at + 20) == Some(&EOF_SIGNATURE[..])
            && let Some(e) = ring.eof_at(at)
            && best.is_none_or(|b| e.current > b.current)
        {
            best = Some(e);
        }
        at += 4;
    }
    best
}

/// Walks the records from `start` until the EOF record at `stop`, or (no EOF record) until no
/// record follows, or once the whole buffer has been read; says how it ended.
fn walk(ring: &Ring, start: usize, stop: Option<usize>, log: &mut EventLog) -> End {
    let total = ring.len();
    let mut p = start;
    let mut consumed = 0usize;
    while consumed < total {
        if Some(p) == stop || ring.eof_at(p).is_some() {
            return End::Eof;
        }
        match ring.record_at(p) {
            Ok((rec, len, notes)) => {
                for n in notes {
                    log.problems.push(Problem::new(Locator::Byte(p as u64), n));
                }
                log.records.push(rec);
                p = ring.advance(p, len);
                consumed += len;
            }
            Err(NoRecord { reason, cut }) => {
                let budget = total - consumed;
                let next = ring.scan(ring.advance(p, 4), budget.saturating_sub(4), stop);
                if let Some(q) = next {
                    let skipped = ring.distance(p, q);
                    log.problems.push(Problem::new(
                        Locator::Byte(p as u64),
                        format!("{reason}; skipped {skipped} bytes to the next record at 0x{q:x}"),
                    ));
                    p = q;
                    consumed += skipped;
                    continue;
                }
                // Zeros where the next record would be are the end of a log without an EOF
                // record; anything else is damage.
                let zeros = ring.read(p, 8).is_some_and(|b| b.iter().all(|&x| x == 0));
                if stop.is_some() || !zeros || cut {
                    let to = stop.map_or("the end of the log".to_string(), |s| {
                        format!("the EOF record at 0x{s:x}")
                    });
                    log.problems.push(Problem::new(
                        Locator::Byte(p as u64),
                        format!("{reason}; no record follows up to {to}"),
                    ));
                }
                return if cut { End::Cut } else { End::NoRecord };
            }
        }
    }
    End::Eof
}

/// The circular record buffer: file offsets `HEADER_SIZE..bytes.len()`, the end followed by
/// `HEADER_SIZE` again, unless the file was `cut` (shorter than its MaxSize).
struct Ring<'a> {
    bytes: &'a [u8],
    cut: bool,
}

impl Ring<'_> {
    /// Size of the buffer in bytes.
    fn len(&self) -> usize {
        self.bytes.len().saturating_sub(HEADER_SIZE)
    }

    fn in_ring(&self, at: usize) -> bool {
        at >= HEADER_SIZE && at < self.bytes.len()
    }

    /// The offset `n` bytes after `at`, wrapping to just after the header.
    fn advance(&self, at: usize, n: usize) -> usize {
        let len = self.len().max(1);
        let rel = at.saturating_sub(HEADER_SIZE) % len;
        HEADER_SIZE + (rel + n % len) % len
    }

    /// Bytes from `from` forward to `to`, wrapping.
    fn distance(&self, from: usize, to: usize) -> usize {
        let len = self.len();
        if to >= from {
            to - from
        } else {
            len - (from - to)
        }
    }

    /// `n` bytes starting at `at` (wrapping unless the file was cut); `None` when they do not
    /// fit in the buffer or run past the end of a cut file.
    fn read(&self, at: usize, n: usize) -> Option<Cow<'_, [u8]>> {
        if !self.in_ring(at) || n > self.len() {
            return None;
        }
        let end = at.checked_add(n)?;
        if let Some(s) = self.bytes.get(at..end) {
            return Some(Cow::Borrowed(s));
        }
        if self.cut {
            return None;
        }
        let head = self.bytes.get(at..)?;
        let rest = n - head.len();
        let tail = self
            .bytes
            .get(HEADER_SIZE..HEADER_SIZE.checked_add(rest)?)?;
        let mut v = Vec::with_capacity(n);
        v.extend_from_slice(head);
        v.extend_from_slice(tail);
        Some(Cow::Owned(v))
    }

    fn u32_at(&self, at: usize) -> Option<u32> {
        let b = self.read(at, 4)?;
        le32(&b, 0)
    }

    /// The EOF record at `at`, if one is there (size 0x28 at both ends and the signature).
    fn eof_at(&self, at: usize) -> Option<EofRecord> {
        let b = self.read(at, EOF_SIZE)?;
        let ok = le32(&b, 0) == Some(EOF_SIZE as u32)
            && b.get(4..20) == Some(&EOF_SIGNATURE[..])
            && le32(&b, 36) == Some(EOF_SIZE as u32);
        ok.then(|| EofRecord {
            at,
            begin: le32(&b, 20).unwrap_or(0),
            end: le32(&b, 24).unwrap_or(0),
            current: le32(&b, 28).unwrap_or(0),
        })
    }

    /// The first offset at or after `from` (4-byte steps, at most `budget` bytes on, before
    /// `stop`) holding an acceptable record or an EOF record.
    fn scan(&self, from: usize, budget: usize, stop: Option<usize>) -> Option<usize> {
        let mut q = from;
        let mut gone = 0;
        while gone < budget {
            if Some(q) == stop {
                return Some(q);
            }
            let sig = self.read(self.advance(q, 4), 4);
            if sig.as_deref() == Some(b"LfLe") && self.record_at(q).is_ok() {
                return Some(q);
            }
            if sig.as_deref() == Some(&EOF_SIGNATURE[..4]) && self.eof_at(q).is_some() {
                return Some(q);
            }
            // 4-byte steps from the header; past the end, on from the header again (a cut
            // file's length need not be a multiple of 4).
            let next = q.saturating_add(4);
            let next = if next >= self.bytes.len() {
                HEADER_SIZE
            } else {
                next
            };
            gone += self.distance(q, next).max(4);
            q = next;
        }
        None
    }

    /// The record at `at`, its length, and notes about fields that could not be read; `Err`
    /// says why no acceptable record starts there.
    fn record_at(&self, at: usize) -> Result<(EventRecord, usize, Vec<String>), NoRecord> {
        let len = self
            .u32_at(at)
            .ok_or_else(|| NoRecord::damaged(format!("no room for a record at 0x{at:x}")))?
            as usize;
        if len < RECORD_FIXED_SIZE || len % 4 != 0 || len > self.len() {
            return Err(NoRecord::damaged(format!(
                "no record at 0x{at:x}: length {len} is not a multiple of 4 between \
                 {RECORD_FIXED_SIZE} and the {}-byte buffer",
                self.len()
            )));
        }
        if self.read(self.advance(at, 4), 4).as_deref() != Some(b"LfLe") {
            return Err(NoRecord::damaged(format!(
                "no record at 0x{at:x}: no `LfLe` signature"
            )));
        }
        let Some(b) = self.read(at, len) else {
            return Err(NoRecord {
                reason: format!(
                    "record at 0x{at:x} of {len} bytes is cut by the end of the file ({} \
                     bytes, shorter than the header's MaxSize)",
                    self.bytes.len()
                ),
                cut: true,
            });
        };
        let copy = le32(&b, len - 4).unwrap_or(0);
        if copy as usize != len {
            return Err(NoRecord::damaged(format!(
                "record at 0x{at:x}: trailing length copy {copy} differs from its length {len}"
            )));
        }
        let (rec, notes) = decode_record(&b);
        Ok((rec, len, notes))
    }
}

/// Why no acceptable record starts at an offset.
struct NoRecord {
    reason: String,
    /// The record runs past the end of a cut file.
    cut: bool,
}

impl NoRecord {
    fn damaged(reason: String) -> Self {
        NoRecord { reason, cut: false }
    }
}

/// Decodes one whole record (`b` = Length bytes, checked by the caller), with notes about
/// fields that lie outside it.
fn decode_record(b: &[u8]) -> (EventRecord, Vec<String>) {
    let f32 = |off| le32(b, off).unwrap_or(0);
    let f16 = |off| le16(b, off).unwrap_or(0);
    let number = u64::from(f32(8));
    let event_id = f32(20);
    let event_type = f16(24);
    let num_strings = f16(26);
    let category = f16(28);
    let string_offset = f32(36) as usize;
    let data_len = f32(48) as usize;
    let data_offset = f32(52) as usize;
    // The strings and data end before the trailing length copy.
    let body_end = b.len() - 4;
    let mut notes = Vec::new();

    let (provider, after) = utf16z(b, RECORD_FIXED_SIZE, body_end);
    let (computer, _) = utf16z(b, after, body_end);

    let mut data = Vec::new();
    if num_strings > 0 {
        if string_offset < RECORD_FIXED_SIZE || string_offset >= body_end {
            notes.push(format!(
                "record {number}: strings offset 0x{string_offset:x} is outside the record; \
                 its {num_strings} strings are lost"
            ));
        } else {
            // Strings end at the data when the data follows them.
            let end = if data_offset > string_offset && data_offset <= body_end {
                data_offset
            } else {
                body_end
            };
            let mut at = string_offset;
            for _ in 0..num_strings {
                if at >= end {
                    break;
                }
                let (s, next) = utf16z(b, at, end);
                data.push(s);
                at = next;
            }
            if data.len() < usize::from(num_strings) {
                notes.push(format!(
                    "record {number}: {} of {num_strings} strings fit in the record",
                    data.len()
                ));
            }
        }
    }

    let mut binary = None;
    if data_len > 0 {
        match data_offset
            .checked_add(data_len)
            .filter(|&e| data_offset >= RECORD_FIXED_SIZE && e <= body_end)
        {
            Some(e) => binary = b.get(data_offset..e).map(<[u8]>::to_vec),
            None => notes.push(format!(
                "record {number}: {data_len} data bytes at 0x{data_offset:x} are outside the \
                 record; lost"
            )),
        }
    }

    let rec = EventRecord {
        record_id: number,
        event_record_id: Some(number),
        provider,
        event_id: (event_id & 0xffff) as u16,
        qualifiers: Some((event_id >> 16) as u16),
        level: level_of(event_type),
        task: Some(category),
        keywords: None,
        time: UtcTime::from_unix_secs(i64::from(f32(12))),
        written: Some(UtcTime::from_unix_secs(i64::from(f32(16)))),
        computer,
        channel: String::new(),
        data,
        named: Vec::new(),
        binary,
        recovered: false,
    };
    (rec, notes)
}

/// The EVTX `Level` of an EVT `EventType` (winnt.h `EVENTLOG_*_TYPE`), as Vista+ shows classic
/// events: 1 error → 2, 2 warning → 3, 4 information → 4, 0 success → 4 (Event Viewer shows
/// it as Information), 8 audit success and 16 audit failure → 0 (the Security log's audit
/// events carry Level 0, "LogAlways"); any other value → `None`.
pub fn level_of(event_type: u16) -> Option<u8> {
    match event_type {
        1 => Some(2),
        2 => Some(3),
        0 | 4 => Some(4),
        8 | 16 => Some(0),
        _ => None,
    }
}

/// The UTF-16LE string starting at `at` up to its NUL (or `end`), and the offset after the
/// NUL. Unpaired surrogates become U+FFFD.
fn utf16z(b: &[u8], at: usize, end: usize) -> (String, usize) {
    let Some(area) = b.get(at..end.min(b.len())) else {
        return (String::new(), end);
    };
    let mut units = Vec::new();
    let mut used = area.len();
    for (i, pair) in area.chunks_exact(2).enumerate() {
        let &[lo, hi] = pair else { break };
        let u = u16::from_le_bytes([lo, hi]);
        if u == 0 {
            used = (i + 1) * 2;
            break;
        }
        units.push(u);
    }
    (String::from_utf16_lossy(&units), at + used)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One record as Windows writes it: fixed part, source, computer, strings, data, padding
    /// to 4 bytes, trailing length.
    struct Rec<'a> {
        number: u32,
        generated: u32,
        written: u32,
        event_id: u32,
        event_type: u16,
        category: u16,
        source: &'a str,
        computer: &'a str,
        strings: &'a [&'a str],
        data: &'a [u8],
    }

    fn utf16z_bytes(s: &str) -> Vec<u8> {
        s.encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect()
    }

    fn rec(number: u32) -> Rec<'static> {
        Rec {
            number,
            generated: 1_316_207_812 + number,
            written: 1_316_207_812 + number,
            event_id: 0x8000_1082,
            event_type: 2,
            category: 0,
            source: "Tcpip",
            computer: "WKS-WINXP32BIT",
            strings: &[""],
            data: &[1, 2, 3],
        }
    }

    fn record_bytes(r: &Rec) -> Vec<u8> {
        let mut names = utf16z_bytes(r.source);
        names.extend(utf16z_bytes(r.computer));
        let string_offset = RECORD_FIXED_SIZE + names.len();
        let strings: Vec<u8> = r.strings.iter().flat_map(|s| utf16z_bytes(s)).collect();
        let data_offset = string_offset + strings.len();
        let mut len = data_offset + r.data.len() + 4;
        len = len.div_ceil(4) * 4;
        let mut b = Vec::with_capacity(len);
        for v in [
            len as u32,
            0x654c_664c,
            r.number,
            r.generated,
            r.written,
            r.event_id,
        ] {
            b.extend(v.to_le_bytes());
        }
        for v in [r.event_type, r.strings.len() as u16, r.category, 0] {
            b.extend(v.to_le_bytes());
        }
        let sid_offset = string_offset as u32; // no SID: length 0
        for v in [
            0,
            string_offset as u32,
            0,
            sid_offset,
            r.data.len() as u32,
            data_offset as u32,
        ] {
            b.extend(v.to_le_bytes());
        }
        b.extend(names);
        b.extend(strings);
        b.extend(r.data);
        b.resize(len - 4, 0);
        b.extend((len as u32).to_le_bytes());
        b
    }

    fn eof_bytes(begin: usize, end: usize, current: u32, oldest: u32) -> Vec<u8> {
        let mut b = Vec::new();
        for v in [0x28, 0x1111_1111, 0x2222_2222, 0x3333_3333, 0x4444_4444] {
            b.extend(u32::to_le_bytes(v));
        }
        for v in [begin as u32, end as u32, current, oldest, 0x28] {
            b.extend(v.to_le_bytes());
        }
        b
    }

    fn header_bytes(
        start: usize,
        end: usize,
        current: u32,
        oldest: u32,
        max: usize,
        flags: u32,
    ) -> Vec<u8> {
        let mut b = Vec::new();
        for v in [
            0x30,
            0x654c_664c,
            1,
            1,
            start as u32,
            end as u32,
            current,
            oldest,
            max as u32,
            flags,
            0,
            0x30,
        ] {
            b.extend(u32::to_le_bytes(v));
        }
        b
    }

    /// A clean, unwrapped log of records 1..=n, padded with zeros to `size` (0 = no padding).
    fn clean_log(n: u32, size: usize, flags: u32) -> Vec<u8> {
        let mut body = Vec::new();
        for i in 1..=n {
            body.extend(record_bytes(&rec(i)));
        }
        let end = HEADER_SIZE + body.len();
        let total = (end + EOF_SIZE).max(size);
        let mut f = header_bytes(HEADER_SIZE, end, n + 1, 1, total, flags);
        f.extend(body);
        f.extend(eof_bytes(HEADER_SIZE, end, n + 1, 1));
        f.resize(total, 0);
        f
    }

    fn ids(log: &EventLog) -> Vec<u64> {
        log.records.iter().map(|r| r.record_id).collect()
    }

    #[test]
    fn clean_log_gives_every_field() {
        let mut r = rec(7);
        r.strings = &["a", "bé"];
        r.data = &[0xde, 0xad];
        r.written = r.generated + 1;
        let body = record_bytes(&r);
        let end = HEADER_SIZE + body.len();
        let mut f = header_bytes(HEADER_SIZE, end, 8, 7, end + EOF_SIZE, 0);
        f.extend(body);
        f.extend(eof_bytes(HEADER_SIZE, end, 8, 7));
        let log = parse_evt(&f).unwrap();
        assert_eq!(log.problems, []);
        assert_eq!(
            log.records,
            [EventRecord {
                record_id: 7,
                event_record_id: Some(7),
                provider: "Tcpip".into(),
                event_id: 4226,
                qualifiers: Some(0x8000),
                level: Some(3),
                task: Some(0),
                keywords: None,
                time: UtcTime::from_unix_secs(1_316_207_819),
                written: Some(UtcTime::from_unix_secs(1_316_207_820)),
                computer: "WKS-WINXP32BIT".into(),
                channel: String::new(),
                data: vec!["a".into(), "bé".into()],
                named: Vec::new(),
                binary: Some(vec![0xde, 0xad]),
                recovered: false,
            }]
        );
        assert_eq!(log.records[0].time.to_string(), "2011-09-16T21:16:59Z");
    }

    #[test]
    fn event_types_map_to_levels() {
        let table = [
            (0, Some(4)),
            (1, Some(2)),
            (2, Some(3)),
            (4, Some(4)),
            (8, Some(0)),
            (16, Some(0)),
            (3, None),
        ];
        for (t, l) in table {
            assert_eq!(level_of(t), l, "type {t}");
        }
    }

    #[test]
    fn header_checks() {
        assert!(looks_like_evt(&clean_log(1, 0, 0)));
        assert!(!looks_like_evt(b"ElfFile\0"));
        assert!(
            parse_evt(&[0x30, 0, 0, 0])
                .unwrap_err()
                .to_string()
                .contains("shorter")
        );
        let mut bad = clean_log(1, 0, 0);
        bad[4] = b'X';
        assert!(parse_evt(&bad).is_err());
        // A bare header: no records, no problems.
        let log = parse_evt(&header_bytes(0x30, 0x30, 1, 0, 0x30, 0)).unwrap();
        assert_eq!((log.records.len(), log.problems.len()), (0, 0));
    }

    /// A wrapped log: the oldest record 10 sits near the end of the file, record 11 is split
    /// across the end and continues right after the header, then 12, the EOF record and slack.
    #[test]
    fn wrapped_log_reads_a_record_split_across_the_end() {
        let r10 = record_bytes(&rec(10));
        let r11 = record_bytes(&rec(11));
        let r12 = record_bytes(&rec(12));
        let size = 500;
        let start = size - r10.len() - 40; // 40 bytes of r11 fit before the end
        let split = 40;
        let end = HEADER_SIZE + (r11.len() - split) + r12.len();
        let mut f = header_bytes(start, end, 13, 10, size, 0x2);
        f.extend(&r11[split..]);
        f.extend(&r12);
        f.extend(eof_bytes(start, end, 13, 10));
        assert!(f.len() < start);
        f.resize(start, 0xaa); // slack: stale bytes
        f.extend(&r10);
        f.extend(&r11[..split]);
        assert_eq!(f.len(), size);
        let log = parse_evt(&f).unwrap();
        assert_eq!(log.problems, []);
        assert_eq!(ids(&log), [10, 11, 12]);
        assert_eq!(log.records[1].computer, "WKS-WINXP32BIT");
        assert_eq!(log.records[1].binary, Some(vec![1, 2, 3]));
    }

    /// A dirty header whose offsets were never updated (as in dissect's TestLog-dirty.evt:
    /// StartOffset = EndOffset = 0x30): the EOF record's offsets are used.
    #[test]
    fn dirty_header_with_stale_offsets_uses_the_eof_record() {
        let mut f = clean_log(5, 1024, FLAG_DIRTY);
        f[16..24].copy_from_slice(&[0x30, 0, 0, 0, 0x30, 0, 0, 0]);
        let log = parse_evt(&f).unwrap();
        assert_eq!(log.problems, []);
        assert_eq!(ids(&log), [1, 2, 3, 4, 5]);
        // Without the dirty flag, a header whose EndOffset holds no EOF record is not trusted
        // either.
        f[36] = 0;
        assert_eq!(ids(&parse_evt(&f).unwrap()), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn dirty_log_without_eof_record_ends_at_the_zeros() {
        let mut f = clean_log(3, 1024, FLAG_DIRTY);
        let eof = f.windows(16).position(|w| w == EOF_SIGNATURE).unwrap() - 4;
        f[eof..eof + EOF_SIZE].fill(0);
        let log = parse_evt(&f).unwrap();
        assert_eq!(ids(&log), [1, 2, 3]);
        assert_eq!(log.problems, []);
    }

    #[test]
    fn corrupt_record_is_skipped_with_its_offset() {
        let mut f = clean_log(4, 0, 0);
        let r2 = HEADER_SIZE + record_bytes(&rec(1)).len();
        let len2 = record_bytes(&rec(2)).len();
        // Break record 2's trailing length copy.
        f[r2 + len2 - 4] ^= 0xff;
        let log = parse_evt(&f).unwrap();
        assert_eq!(ids(&log), [1, 3, 4]);
        assert_eq!(log.problems.len(), 1);
        assert_eq!(log.problems[0].locator, Locator::Byte(r2 as u64));
        assert!(
            log.problems[0].reason.contains(&format!(
                "trailing length copy {} differs from its length {len2}; skipped {len2} bytes",
                len2 ^ 0xff
            )),
            "{}",
            log.problems[0].reason
        );
    }

    #[test]
    fn strings_and_data_outside_the_record_are_reported_and_the_record_kept() {
        let mut f = clean_log(1, 0, 0);
        let at = HEADER_SIZE;
        f[at + 36..at + 40].copy_from_slice(&9999u32.to_le_bytes()); // strings offset
        f[at + 52..at + 56].copy_from_slice(&9999u32.to_le_bytes()); // data offset
        let log = parse_evt(&f).unwrap();
        assert_eq!(ids(&log), [1]);
        assert_eq!(
            (log.records[0].data.len(), log.records[0].binary.clone()),
            (0, None)
        );
        let reasons: Vec<&str> = log.problems.iter().map(|p| p.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "record 1: strings offset 0x270f is outside the record; its 1 strings are lost",
                "record 1: 3 data bytes at 0x270f are outside the record; lost"
            ]
        );
        assert!(
            log.problems
                .iter()
                .all(|p| p.locator == Locator::Byte(0x30))
        );
    }

    /// A file cut inside record 3 (shorter than its MaxSize): records 1 and 2, and the cut.
    #[test]
    fn truncated_file_keeps_the_whole_records_and_reports_the_cut_one() {
        let f = clean_log(4, 0, 0);
        let r3 = HEADER_SIZE + 2 * record_bytes(&rec(1)).len();
        let log = parse_evt(&f[..r3 + 30]).unwrap();
        assert_eq!(ids(&log), [1, 2]);
        assert_eq!(log.problems.len(), 1);
        assert_eq!(log.problems[0].locator, Locator::Byte(r3 as u64));
        assert!(
            log.problems[0]
                .reason
                .contains("is cut by the end of the file"),
            "{}",
            log.problems[0].reason
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_after_a_header_never_panic(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
            start in 0usize..700,
            end in 0usize..700,
            flags in 0u32..16,
        ) {
            let mut f = header_bytes(start, end, 1, 1, 48 + body.len(), flags);
            f.extend(&body);
            let _ = parse_evt(&f);
        }

        #[test]
        fn damaged_real_layout_never_panics(
            pos in 0usize..1024, val in proptest::prelude::any::<u8>(), cut in 48usize..1024,
        ) {
            let mut f = clean_log(6, 1024, FLAG_DIRTY);
            if let Some(b) = f.get_mut(pos) { *b = val; }
            f.truncate(cut);
            let _ = parse_evt(&f);
        }
    }
}
