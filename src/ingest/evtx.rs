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
//! [`EventRecord::recovered`] set; the record the end of the file cuts (System2: 284 at chunk
//! offset 0xfbd8) and any records the chunk header names beyond it become [`Problem`]s at their
//! chunk and file offset. (Unpadded bytes also work on System2, but a chunk whose string table
//! points past the cut is then refused whole.)

use crate::model::{EventLog, EventRecord, Locator, Problem, UtcTime};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::path::Path;

use super::IngestError;

/// Size of the EVTX file header block; the first chunk starts here (libyal EVTX §2).
const FILE_HEADER_SIZE: u64 = 4096;
/// Size of one EVTX chunk (libyal EVTX §3).
const CHUNK_SIZE: u64 = 65536;
/// Size of an EVTX chunk header, string and template tables included (libyal EVTX §3).
const CHUNK_HEADER_SIZE: u64 = 512;
/// Size of an EVTX record header before its BinXML (libyal EVTX §4).
const RECORD_HEADER_SIZE: u64 = 24;

/// Chunks handed to the pool at once by [`read_evtx`]: per worker thread, this many 64 KiB
/// chunks are read ahead, which bounds the bytes in flight to `4 × threads × 64 KiB`.
const CHUNKS_PER_THREAD: usize = 4;

/// Reads every record of an `.evtx` file. Records come out in file order, oldest chunk first
/// for wrapped logs (the crate's chunk order). Checksums are not enforced: chunks with a bad
/// CRC32 are still read (record-level failures then become problems).
///
/// Concurrency (ARCHITECTURE.md, "Concurrency"): the chunks are read from the file on the
/// calling thread, a batch at a time, and each batch is parsed and rendered with `par_iter` on
/// the *current* rayon pool (the one the caller runs in; the global pool outside any). The
/// `evtx` crate's own threading is compiled out (its `multithreading` feature is off): it spawns
/// onto the current pool and then blocks on a channel, which deadlocks when every worker of that
/// pool is itself inside `read_evtx`. The result does not depend on the pool's size: batches are
/// collected in chunk order.
///
/// Errors: [`IngestError::Io`] when the file cannot be opened or read, [`IngestError::BadHeader`]
/// when it has no EVTX file header (`ElfFile\0` magic, 4096-byte block). Records that fail to
/// render become [`Problem`]s located by [`Locator::Record`] (record-header id) or
/// [`Locator::Chunk`] (0-based chunk and file offset), with the crate's error chain as reason.
///
/// A file cut inside a chunk: the complete records of the partial last chunk follow the
/// others, with [`EventRecord::recovered`] set; the cut record is a [`Problem`] (module docs).
pub fn read_evtx(path: &Path) -> Result<EventLog, IngestError> {
    use rayon::prelude::*;
    let file = std::fs::File::open(path).map_err(|e| IngestError::io(path, e))?;
    let size = file.metadata().map_err(|e| IngestError::io(path, e))?.len();
    let parser = evtx::EvtxParser::from_read_seek(file).map_err(|e| open_error(path, e))?;
    let settings = evtx::ParserSettings::new()
        .indent(false)
        .validate_checksums(false);
    let mut parser = parser.with_configuration(settings.clone());
    let shared = std::sync::Arc::new(settings.clone());
    let batch = CHUNKS_PER_THREAD.saturating_mul(rayon::current_num_threads().max(1));
    let mut log = EventLog::default();
    let mut chunks = parser.chunks();
    loop {
        let todo: Vec<_> = chunks.by_ref().take(batch).collect();
        if todo.is_empty() {
            break;
        }
        let done: Vec<EventLog> = todo
            .into_par_iter()
            .map(|chunk| read_chunk(chunk, &shared))
            .collect();
        for part in done {
            log.records.extend(part.records);
            log.problems.extend(part.problems);
        }
    }
    read_cut_chunk(path, size, settings, &mut log)?;
    Ok(log)
}

/// Parses one chunk the parser read and renders its records, as the crate's own
/// `records_json_bytes` does: a chunk that cannot be read or parsed is one [`Problem`]; a record
/// that fails to render is a problem, except a carved ("recovered") one, which the crate drops
/// as noise.
fn read_chunk(
    chunk: evtx::err::Result<evtx::EvtxChunkData>,
    settings: &std::sync::Arc<evtx::ParserSettings>,
) -> EventLog {
    let mut part = EventLog::default();
    let mut data = match chunk {
        Ok(d) => d,
        Err(e) => {
            part.problems.push(problem_from_error(&e));
            return part;
        }
    };
    let number = data.number.unwrap_or(0);
    let mut parsed = match data.parse(std::sync::Arc::clone(settings)) {
        Ok(c) => c,
        Err(e) => {
            let e = evtx::err::EvtxError::FailedToParseChunk {
                chunk_id: number,
                source: Box::new(e),
            };
            part.problems.push(problem_from_error(&e));
            return part;
        }
    };
    for record in parsed.iter() {
        let carved = record.as_ref().is_ok_and(|r| r.recovered);
        match record.and_then(|r| r.into_json_bytes()) {
            Ok(rec) => push_record(&mut part, rec, false),
            Err(_) if carved => {}
            Err(e) => part.problems.push(problem_from_error(&e)),
        }
    }
    part
}

/// Adds one rendered record to `log` (recovered when the crate carved it or `from_cut_chunk`),
/// and a [`Problem`] when its JSON cannot be read (the record is kept with its header id and
/// time).
fn push_record(log: &mut EventLog, rec: evtx::SerializedEvtxRecord<Vec<u8>>, from_cut_chunk: bool) {
    let written = jiff_to_utc(rec.timestamp);
    let recovered = rec.recovered || from_cut_chunk;
    let (r, failure) = record_from_json(&rec.data, rec.event_record_id, written, recovered);
    if let Some(reason) = failure {
        log.problems.push(Problem::new(
            Locator::Record(rec.event_record_id),
            format!("record fields unreadable, kept with empty fields: {reason}"),
        ));
    }
    log.records.push(r);
}

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
/// Errors: [`IngestError::Io`] when the tail cannot be read.
fn read_cut_chunk(
    path: &Path,
    size: u64,
    settings: evtx::ParserSettings,
    log: &mut EventLog,
) -> Result<(), IngestError> {
    use std::io::{Read, Seek, SeekFrom};
    let Some(body) = size.checked_sub(FILE_HEADER_SIZE) else {
        return Ok(());
    };
    let (chunk, tail_len) = (body / CHUNK_SIZE, body % CHUNK_SIZE);
    if tail_len == 0 {
        return Ok(());
    }
    let start = chunk_offset(chunk);
    let mut bytes = Vec::new();
    let mut file = std::fs::File::open(path).map_err(|e| IngestError::io(path, e))?;
    file.seek(SeekFrom::Start(start))
        .and_then(|_| file.take(tail_len).read_to_end(&mut bytes))
        .map_err(|e| IngestError::io(path, e))?;
    if bytes.iter().all(|&b| b == 0) {
        return Ok(());
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
        return Ok(());
    }
    bytes.resize(CHUNK_SIZE as usize, 0);
    let mut data = match evtx::EvtxChunkData::new(bytes, false) {
        Ok(d) => d,
        Err(e) => {
            log.problems
                .push(lost(format!("bad chunk header: {}", error_chain(&e))));
            return Ok(());
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
            return Ok(());
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
    Ok(())
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

/// The error and all its sources, joined with `: `.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(src) = cur {
        s.push_str(": ");
        s.push_str(&src.to_string());
        cur = src.source();
    }
    s
}

/// The best locator the crate's error gives, and its text.
fn problem_from_error(e: &evtx::err::EvtxError) -> Problem {
    use evtx::err::EvtxError as E;
    let locator = match e {
        E::FailedToParseRecord { record_id, .. } => Locator::Record(*record_id),
        E::FailedToReadRecordAt {
            chunk: Some(chunk),
            offset,
            ..
        } => Locator::Chunk {
            chunk: *chunk,
            byte: chunk_offset(*chunk).saturating_add(*offset),
        },
        E::FailedToParseChunk { chunk_id, .. } => Locator::Chunk {
            chunk: *chunk_id,
            byte: chunk_offset(*chunk_id),
        },
        _ => Locator::File,
    };
    Problem::new(locator, error_chain(e))
}

/// File offset of 0-based chunk `n` (4096 + n·65536, libyal EVTX §3).
fn chunk_offset(n: u64) -> u64 {
    n.saturating_mul(CHUNK_SIZE)
        .saturating_add(FILE_HEADER_SIZE)
}

/// A jiff timestamp (the crate's record-header time) as a 100-ns [`UtcTime`]; `None` for
/// FILETIME 0 (1601-01-01, "unset") and anything else outside `UtcTime`'s i64-nanosecond range.
fn jiff_to_utc(t: jiff::Timestamp) -> Option<UtcTime> {
    let nanos = i64::try_from(t.as_nanosecond()).ok()?;
    Some(UtcTime::from_unix_nanos(nanos, 7))
}

/// Builds an [`EventRecord`] from one record's JSON. On a JSON shape we cannot read, returns
/// the record with empty fields and the reason (the caller keeps both).
fn record_from_json(
    json: &[u8],
    record_id: u64,
    written: Option<UtcTime>,
    recovered: bool,
) -> (EventRecord, Option<String>) {
    let mut rec = EventRecord {
        record_id,
        event_record_id: None,
        provider: String::new(),
        event_id: 0,
        qualifiers: None,
        level: None,
        task: None,
        keywords: None,
        time: written.unwrap_or_else(|| UtcTime::from_filetime(0)),
        written,
        computer: String::new(),
        channel: String::new(),
        data: Vec::new(),
        binary: None,
        recovered,
    };
    let root: JsonRoot = match serde_json::from_slice(json) {
        Ok(r) => r,
        Err(e) => return (rec, Some(e.to_string())),
    };
    let Some(event) = root.event else {
        return (rec, None);
    };
    if let Some(sys) = event.system {
        rec.provider = sys
            .provider
            .and_then(|n| n.attr("Name"))
            .unwrap_or_default();
        if let Some(id) = &sys.event_id {
            let raw = id.number();
            let q = id.attr("Qualifiers").and_then(|q| parse_u64(&q));
            if let Some(raw) = raw {
                rec.event_id = (raw & 0xffff) as u16;
                // A raw 32-bit classic id (high bits = qualifiers) when no attribute says so.
                rec.qualifiers = q
                    .or(if raw > 0xffff { Some(raw >> 16) } else { None })
                    .and_then(|q| u16::try_from(q).ok());
            } else {
                rec.qualifiers = q.and_then(|q| u16::try_from(q).ok());
            }
        }
        rec.level = sys
            .level
            .and_then(|n| n.number())
            .and_then(|v| u8::try_from(v).ok());
        rec.task = sys
            .task
            .and_then(|n| n.number())
            .and_then(|v| u16::try_from(v).ok());
        rec.keywords = sys.keywords.and_then(|n| n.number());
        rec.event_record_id = sys.event_record_id.and_then(|n| n.number());
        rec.computer = sys
            .computer
            .and_then(|n| n.first_text())
            .unwrap_or_default();
        rec.channel = sys.channel.and_then(|n| n.first_text()).unwrap_or_default();
        if let Some(t) = sys
            .time_created
            .and_then(|n| n.attr("SystemTime"))
            .and_then(|s| UtcTime::parse_rfc3339(&s))
        {
            rec.time = t;
        }
    }
    if let Some(ed) = event.event_data {
        if let Some(d) = ed.data {
            rec.data = d.text;
        }
        rec.binary = ed
            .binary
            .and_then(|b| b.first_text())
            .and_then(|s| decode_hex(&s));
    }
    (rec, None)
}

/// Parses a decimal or `0x`-prefixed hexadecimal unsigned integer.
fn parse_u64(s: &str) -> Option<u64> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// Decodes a hex string (as the crate renders `Binary`); `None` if it is not hex.
fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let b = s.trim().as_bytes();
    if b.len() % 2 != 0 {
        return None;
    }
    b.chunks_exact(2)
        .map(|p| {
            let hi = (p[0] as char).to_digit(16)?;
            let lo = (p[1] as char).to_digit(16)?;
            Some((hi * 16 + lo) as u8)
        })
        .collect()
}

#[derive(Deserialize)]
struct JsonRoot {
    #[serde(rename = "Event")]
    event: Option<JsonEvent>,
}

#[derive(Deserialize)]
struct JsonEvent {
    #[serde(rename = "System")]
    system: Option<JsonSystem>,
    #[serde(rename = "EventData")]
    event_data: Option<JsonEventData>,
}

#[derive(Deserialize)]
struct JsonSystem {
    #[serde(rename = "Provider")]
    provider: Option<Node>,
    #[serde(rename = "EventID")]
    event_id: Option<Node>,
    #[serde(rename = "Level")]
    level: Option<Node>,
    #[serde(rename = "Task")]
    task: Option<Node>,
    #[serde(rename = "Keywords")]
    keywords: Option<Node>,
    #[serde(rename = "TimeCreated")]
    time_created: Option<Node>,
    #[serde(rename = "EventRecordID")]
    event_record_id: Option<Node>,
    #[serde(rename = "Channel")]
    channel: Option<Node>,
    #[serde(rename = "Computer")]
    computer: Option<Node>,
}

#[derive(Deserialize)]
struct JsonEventData {
    #[serde(rename = "Data")]
    data: Option<Node>,
    #[serde(rename = "Binary")]
    binary: Option<Node>,
}

/// One element as the crate renders it, read leniently: its text (a scalar, an array of
/// scalars, or `#text` of an object; numbers and booleans as their JSON text) and its
/// `#attributes` (scalars as text). Any other shape is skipped, never an error.
#[derive(Default)]
struct Node {
    text: Vec<String>,
    attrs: Vec<(String, String)>,
}

impl Node {
    fn attr(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    fn first_text(&self) -> Option<String> {
        self.text.first().cloned()
    }

    fn number(&self) -> Option<u64> {
        self.text.first().and_then(|s| parse_u64(s))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut node = Node::default();
        d.deserialize_any(NodeVisitor {
            node: &mut node,
            depth: 0,
        })?;
        Ok(node)
    }
}

/// Fills a [`Node`]. `depth` 0 = the element itself (objects are read for `#text` and
/// `#attributes`), 1 = inside `#text` (arrays are flattened, objects skipped).
struct NodeVisitor<'a> {
    node: &'a mut Node,
    depth: u8,
}

impl<'de> Visitor<'de> for NodeVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an EVTX JSON element")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.node.text.push(v.to_owned());
        Ok(())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<(), E> {
        self.node.text.push(v);
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.node.text.push(v.to_string());
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.node.text.push(v.to_string());
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.node.text.push(v.to_string());
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.node.text.push(v.to_string());
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // An array (bare or as #text): every scalar is one text item. A null item is an empty
        // element and keeps its place as "".
        while let Some(item) = seq.next_element::<Scalar>()? {
            self.node.text.push(item.0.unwrap_or_default());
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match (&*key, self.depth) {
                ("#text", 0) => map.next_value_seed(TextSeed(&mut *self.node))?,
                ("#attributes", 0) => {
                    let attrs: Attrs = map.next_value()?;
                    self.node.attrs.extend(attrs.0);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Reads the value of `#text` into a node (depth 1).
struct TextSeed<'a>(&'a mut Node);

impl<'de> de::DeserializeSeed<'de> for TextSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(NodeVisitor {
            node: self.0,
            depth: 1,
        })
    }
}

/// A JSON scalar as text (`None` for null; objects and arrays are skipped as `None`).
struct Scalar(Option<String>);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut node = Node::default();
        // Objects and arrays inside an array are not text.
        d.deserialize_any(ScalarVisitor(&mut node))?;
        Ok(Scalar(node.text.pop()))
    }
}

struct ScalarVisitor<'a>(&'a mut Node);

impl<'de> Visitor<'de> for ScalarVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON scalar")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.text.push(v.to_owned());
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.0.text.push(v.to_string());
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.0.text.push(v.to_string());
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.0.text.push(v.to_string());
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0.text.push(v.to_string());
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

/// `#attributes`: every scalar attribute as (name, text).
struct Attrs(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Attrs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Attrs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an attribute map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attrs, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    if let Some(v) = map.next_value::<Scalar>()?.0 {
                        out.push((k, v));
                    }
                }
                Ok(Attrs(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Attrs, E> {
                Ok(Attrs(Vec::new()))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Attrs, E> {
                Ok(Attrs(Vec::new()))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Attrs, E> {
                Ok(Attrs(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Attrs, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Attrs(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> (EventRecord, Option<String>) {
        record_from_json(
            json.as_bytes(),
            7,
            UtcTime::parse_rfc3339("2020-01-01T00:00:00Z").map(|t| t.with_digits(7)),
            false,
        )
    }

    #[test]
    fn classic_event_id_with_qualifiers_and_data_array() {
        let (r, err) = parse(
            r##"{"Event":{"System":{"Provider":{"#attributes":{"Name":"Tcpip"}},
            "EventID":{"#attributes":{"Qualifiers":32768},"#text":4226},"Level":3,"Task":0,
            "Keywords":"0x80000000000000",
            "TimeCreated":{"#attributes":{"SystemTime":"2011-09-16T21:16:52.0000000Z"}},
            "EventRecordID":3882,"Channel":"System","Computer":"WKS-WINXP32BIT","Security":null},
            "EventData":{"Data":{"#text":["a",5,null]},"Binary":"0A0b"}}}"##,
        );
        assert_eq!(err, None);
        assert_eq!(r.provider, "Tcpip");
        assert_eq!((r.event_id, r.qualifiers), (4226, Some(32768)));
        assert_eq!(
            (r.level, r.task, r.keywords),
            (Some(3), Some(0), Some(0x80_0000_0000_0000))
        );
        assert_eq!(r.time.to_string(), "2011-09-16T21:16:52.0000000Z");
        assert_eq!(r.event_record_id, Some(3882));
        assert_eq!(
            (r.channel.as_str(), r.computer.as_str()),
            ("System", "WKS-WINXP32BIT")
        );
        assert_eq!(
            r.data,
            vec!["a".to_string(), "5".to_string(), String::new()]
        );
        assert_eq!(r.binary, Some(vec![0x0a, 0x0b]));
    }

    #[test]
    fn raw_32_bit_event_id_as_text_splits_into_qualifiers() {
        // xml2evtx-style files store every value as a string.
        let (r, err) = parse(r##"{"Event":{"System":{"EventID":"2147487874","Level":"3"}}}"##);
        assert_eq!(err, None);
        assert_eq!(
            (r.event_id, r.qualifiers, r.level),
            (4226, Some(0x8000), Some(3))
        );
    }

    #[test]
    fn missing_system_keeps_header_time_and_empty_strings() {
        let (r, err) = parse(r##"{"Event":{"EventData":{"Data":"only"}}}"##);
        assert_eq!(err, None);
        assert_eq!((r.record_id, r.provider.as_str(), r.event_id), (7, "", 0));
        assert_eq!(r.time.to_string(), "2020-01-01T00:00:00.0000000Z");
        assert_eq!(r.data, vec!["only".to_string()]);
        assert_eq!(r.binary, None);
    }

    #[test]
    fn odd_shapes_are_skipped_not_errors() {
        let (r, err) = parse(
            r##"{"Event":{"System":{"Provider":"x","EventID":[1,2],"Level":{"a":1},
            "TimeCreated":{"#attributes":"bad"},"Keywords":"zz"},"EventData":{"Binary":"abc"}}}"##,
        );
        assert_eq!(err, None);
        assert_eq!(
            (r.provider.as_str(), r.event_id, r.level, r.keywords),
            ("", 1, None, None)
        );
        assert_eq!(r.binary, None);
    }

    #[test]
    fn a_non_object_event_is_reported_and_the_record_kept() {
        let (r, err) = parse(r##"{"Event":{"System":5}}"##);
        assert_eq!(r.record_id, 7);
        assert!(err.is_some());
    }
}
