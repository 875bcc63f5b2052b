//! A minimal EVTX writer for the project's fixtures (no maintained tool writes EVTX).
//!
//! Layout (libyal "Windows XML Event Log (EVTX) format" §2–§5, MS-EVEN6 §2.2; checked against
//! the `evtx` crate's reader `evtx_file_header.rs`, `evtx_chunk.rs`, `binxml/tokens.rs`):
//! - a 4096-byte file header (`ElfFile\0`, version 3.1, CRC32 of bytes 0..120 at offset 124);
//! - 64 KiB chunks at 4096 + n·65536 (`ElfChnk\0`, records CRC32 of [512..free_space_offset] at
//!   offset 52, header CRC32 of [0..120]+[128..512] at offset 124; the string and template hash
//!   tables stay zero, which readers accept);
//! - records `**\0\0`, size, id, written FILETIME, BinXML, size copy;
//! - BinXML as Windows writes it: a fragment header, then a TemplateInstance (0x0c) whose template
//!   definition (written inline in each record) holds the `Event`/`System`/`EventData` element
//!   tree with substitutions, followed by the substitution values. The `Qualifiers` attribute is
//!   an optional substitution that gets a Null value when [`EventSpec::qualifiers`] is `None`, so
//!   readers leave it out, as for manifest providers.
//!
//! Output is deterministic: the same events give the same bytes.

use crate::model::UtcTime;

/// Size of the file header block (libyal EVTX §2).
const FILE_HEADER_SIZE: usize = 4096;
/// Size of one chunk (libyal EVTX §3).
const CHUNK_SIZE: usize = 65536;
/// Size of the chunk header, where the first record starts (libyal EVTX §3).
const CHUNK_HEADER_SIZE: usize = 512;
/// `<Event xmlns=…>` as Windows writes it.
const EVENT_NS: &str = "http://schemas.microsoft.com/win/2004/08/events/event";

/// BinXML value types (MS-EVEN6 §2.2.14 / libyal EVTX §5.2).
mod ty {
    pub const NULL: u8 = 0x00;
    pub const STRING: u8 = 0x01;
    pub const UINT8: u8 = 0x04;
    pub const UINT16: u8 = 0x06;
    pub const UINT64: u8 = 0x0a;
    pub const BINARY: u8 = 0x0e;
    pub const FILETIME: u8 = 0x11;
    pub const SID: u8 = 0x13;
    pub const HEXINT64: u8 = 0x15;
}

/// One event to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSpec {
    /// Written both as the record-header id and as `<EventRecordID>`.
    pub record_id: u64,
    /// TimeCreated (also used as the record header's written time). Written as FILETIME
    /// (100 ns); an instant before 1601 is written as FILETIME 0.
    pub time: UtcTime,
    /// `<Provider Name=…>`.
    pub provider: String,
    /// `<EventID>` (low 16 bits of the classic id).
    pub event_id: u16,
    /// `<EventID Qualifiers=…>`; `None` leaves the attribute out (manifest providers).
    pub qualifiers: Option<u16>,
    /// `<Level>`: 1 critical, 2 error, 3 warning, 4 information.
    pub level: u8,
    /// `<Task>`.
    pub task: u16,
    /// `<Keywords>` (0x80000000000000 = Classic).
    pub keywords: u64,
    pub computer: String,
    pub channel: String,
    /// One unnamed `<Data>` element per string, in order.
    pub data: Vec<String>,
    /// `<Binary>` (raw data of classic events); `None` leaves the element out.
    pub binary: Option<Vec<u8>>,
}

/// Writes a complete `.evtx` file image holding `events` in order, spilling into a new chunk
/// when one is full.
///
/// Panics if a single event's record is larger than a chunk's record area (65,024 bytes):
/// callers are fixture builders, and such an event cannot be stored in EVTX at all.
pub fn write_evtx(events: &[EventSpec]) -> Vec<u8> {
    let mut chunks: Vec<ChunkBuilder> = Vec::new();
    let mut cur = ChunkBuilder::new();
    for ev in events {
        let rec = record_bytes(ev, cur.data.len());
        if cur.data.len() + rec.len() <= CHUNK_SIZE {
            cur.push(ev.record_id, cur.data.len(), &rec);
            continue;
        }
        if !cur.ids.is_empty() {
            chunks.push(std::mem::replace(&mut cur, ChunkBuilder::new()));
        }
        let rec = record_bytes(ev, CHUNK_HEADER_SIZE);
        assert!(
            CHUNK_HEADER_SIZE + rec.len() <= CHUNK_SIZE,
            "event {} needs a {}-byte record, more than one EVTX chunk holds",
            ev.record_id,
            rec.len()
        );
        cur.push(ev.record_id, CHUNK_HEADER_SIZE, &rec);
    }
    if !cur.ids.is_empty() || chunks.is_empty() {
        chunks.push(cur);
    }
    let next_id = events
        .iter()
        .map(|e| e.record_id)
        .max()
        .map_or(1, |m| m + 1);
    let mut out = file_header(chunks.len(), next_id);
    for c in chunks {
        out.extend_from_slice(&c.finish());
    }
    out
}

/// The 4096-byte file header (libyal EVTX §2).
fn file_header(chunk_count: usize, next_record_id: u64) -> Vec<u8> {
    let mut h = vec![0u8; FILE_HEADER_SIZE];
    h[0..8].copy_from_slice(b"ElfFile\0");
    let last_chunk = chunk_count.saturating_sub(1) as u64;
    h[8..16].copy_from_slice(&0u64.to_le_bytes()); // first (oldest) chunk
    h[16..24].copy_from_slice(&last_chunk.to_le_bytes()); // current chunk
    h[24..32].copy_from_slice(&next_record_id.to_le_bytes());
    h[32..36].copy_from_slice(&128u32.to_le_bytes()); // header size
    h[36..38].copy_from_slice(&1u16.to_le_bytes()); // minor version
    h[38..40].copy_from_slice(&3u16.to_le_bytes()); // major version
    h[40..42].copy_from_slice(&(FILE_HEADER_SIZE as u16).to_le_bytes());
    h[42..44].copy_from_slice(&(chunk_count.min(u16::MAX as usize) as u16).to_le_bytes());
    // 120..124 flags = 0 (clean, not full, CRC32 present).
    let crc = crc32fast::hash(&h[..120]);
    h[124..128].copy_from_slice(&crc.to_le_bytes());
    h
}

/// One chunk being filled: its bytes so far (header area zeroed) and its records' ids.
struct ChunkBuilder {
    data: Vec<u8>,
    ids: Vec<u64>,
    last_offset: usize,
}

impl ChunkBuilder {
    fn new() -> Self {
        ChunkBuilder {
            data: vec![0u8; CHUNK_HEADER_SIZE],
            ids: Vec::new(),
            last_offset: 0,
        }
    }

    fn push(&mut self, id: u64, offset: usize, rec: &[u8]) {
        debug_assert_eq!(offset, self.data.len());
        self.last_offset = offset;
        self.ids.push(id);
        self.data.extend_from_slice(rec);
    }

    /// The finished 65536-byte chunk with its header and both CRC32s (libyal EVTX §3).
    fn finish(mut self) -> Vec<u8> {
        let free = self.data.len();
        let first = self.ids.first().copied().unwrap_or(0);
        let last = self.ids.last().copied().unwrap_or(0);
        self.data.resize(CHUNK_SIZE, 0);
        let d = &mut self.data;
        d[0..8].copy_from_slice(b"ElfChnk\0");
        d[8..16].copy_from_slice(&first.to_le_bytes()); // first event record number
        d[16..24].copy_from_slice(&last.to_le_bytes()); // last event record number
        d[24..32].copy_from_slice(&first.to_le_bytes()); // first event record id
        d[32..40].copy_from_slice(&last.to_le_bytes()); // last event record id
        d[40..44].copy_from_slice(&128u32.to_le_bytes()); // header size
        d[44..48].copy_from_slice(&(self.last_offset as u32).to_le_bytes());
        d[48..52].copy_from_slice(&(free as u32).to_le_bytes());
        let records_crc = crc32fast::hash(&d[CHUNK_HEADER_SIZE..free]);
        d[52..56].copy_from_slice(&records_crc.to_le_bytes());
        // 120..124 flags = 0.
        let mut h = crc32fast::Hasher::new();
        h.update(&d[..120]);
        h.update(&d[128..CHUNK_HEADER_SIZE]);
        d[124..128].copy_from_slice(&h.finalize().to_le_bytes());
        self.data
    }
}

/// A byte buffer that knows the chunk offset of its first byte (BinXML name and template
/// offsets are chunk-relative).
struct Buf {
    bytes: Vec<u8>,
    base: usize,
}

impl Buf {
    fn pos(&self) -> u32 {
        (self.base + self.bytes.len()) as u32
    }
    fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    fn utf16(&mut self, s: &str) {
        for u in s.encode_utf16() {
            self.u16(u);
        }
    }
    /// Reserves a u32 to patch later; returns its index in `bytes`.
    fn u32_slot(&mut self) -> usize {
        let at = self.bytes.len();
        self.u32(0);
        at
    }
    /// Patches the slot at `at` with the number of bytes written after it.
    fn patch_size_since(&mut self, at: usize) {
        let size = (self.bytes.len() - at - 4) as u32;
        self.bytes[at..at + 4].copy_from_slice(&size.to_le_bytes());
    }

    /// A name reference with the name stored inline right after it (libyal EVTX §5.4:
    /// next-string offset, hash, character count, UTF-16LE, NUL).
    fn name(&mut self, name: &str) {
        let at = self.pos() + 4;
        self.u32(at);
        self.u32(0);
        let hash = name.encode_utf16().fold(0u32, |h, u| {
            h.wrapping_mul(65599).wrapping_add(u32::from(u))
        });
        self.u16((hash & 0xffff) as u16);
        self.u16(name.encode_utf16().count() as u16);
        self.utf16(name);
        self.u16(0);
    }
}

/// An attribute value or element content in the template definition.
#[derive(Clone, Copy)]
enum Val<'a> {
    /// Literal text (value token 0x05, String).
    Text(&'a str),
    /// Substitution `index` of `ty` (0x0d normal, 0x0e optional: left out when Null).
    Sub { index: u16, ty: u8, optional: bool },
}

fn sub(index: u16, ty: u8) -> Val<'static> {
    Val::Sub {
        index,
        ty,
        optional: false,
    }
}

fn opt_sub(index: u16, ty: u8) -> Val<'static> {
    Val::Sub {
        index,
        ty,
        optional: true,
    }
}

fn write_val(b: &mut Buf, v: Val<'_>) {
    match v {
        Val::Text(s) => {
            b.u8(0x05);
            b.u8(ty::STRING);
            b.u16(s.encode_utf16().count() as u16);
            b.utf16(s);
        }
        Val::Sub {
            index,
            ty,
            optional,
        } => {
            b.u8(if optional { 0x0e } else { 0x0d });
            b.u16(index);
            b.u8(ty);
        }
    }
}

/// An open element in a template definition: the slot of its data size.
struct Open(usize);

/// Writes an element start (token 0x01/0x41, DependencyId 0xffff, data size, name, attributes).
fn start(b: &mut Buf, name: &str, attrs: &[(&str, Val<'_>)]) -> Open {
    b.u8(if attrs.is_empty() { 0x01 } else { 0x41 });
    b.u16(0xffff);
    let size = b.u32_slot();
    b.name(name);
    if !attrs.is_empty() {
        let list = b.u32_slot();
        for (i, (n, v)) in attrs.iter().enumerate() {
            b.u8(if i + 1 < attrs.len() { 0x46 } else { 0x06 });
            b.name(n);
            write_val(b, *v);
        }
        b.patch_size_since(list);
    }
    Open(size)
}

/// Closes an element without content (0x03).
fn empty(b: &mut Buf, o: Open) {
    b.u8(0x03);
    b.patch_size_since(o.0);
}

/// Closes the start tag (0x02); content follows.
fn close_start(b: &mut Buf) {
    b.u8(0x02);
}

/// Ends an element with content (0x04).
fn end(b: &mut Buf, o: Open) {
    b.u8(0x04);
    b.patch_size_since(o.0);
}

/// An element whose only content is `v`.
fn leaf(b: &mut Buf, name: &str, attrs: &[(&str, Val<'_>)], v: Val<'_>) {
    let o = start(b, name, attrs);
    close_start(b);
    write_val(b, v);
    end(b, o);
}

// Substitution indexes of the System part (our own order; Windows' differs, readers do not care).
const S_PROVIDER: u16 = 0;
const S_QUALIFIERS: u16 = 1;
const S_EVENT_ID: u16 = 2;
const S_LEVEL: u16 = 3;
const S_TASK: u16 = 4;
const S_KEYWORDS: u16 = 5;
const S_TIME: u16 = 6;
const S_RECORD_ID: u16 = 7;
const S_CHANNEL: u16 = 8;
const S_COMPUTER: u16 = 9;
const S_USER: u16 = 10;
const S_FIRST_DATA: u16 = 11;

/// The template definition body: fragment header, `Event` tree, EOF.
fn template_body(b: &mut Buf, n_data: usize, has_binary: bool) {
    b.bytes.extend_from_slice(&[0x0f, 0x01, 0x01, 0x00]);
    let event = start(b, "Event", &[("xmlns", Val::Text(EVENT_NS))]);
    close_start(b);
    let system = start(b, "System", &[]);
    close_start(b);
    let p = start(b, "Provider", &[("Name", sub(S_PROVIDER, ty::STRING))]);
    empty(b, p);
    leaf(
        b,
        "EventID",
        &[("Qualifiers", opt_sub(S_QUALIFIERS, ty::UINT16))],
        sub(S_EVENT_ID, ty::UINT16),
    );
    leaf(b, "Level", &[], sub(S_LEVEL, ty::UINT8));
    leaf(b, "Task", &[], sub(S_TASK, ty::UINT16));
    leaf(b, "Keywords", &[], sub(S_KEYWORDS, ty::HEXINT64));
    let t = start(
        b,
        "TimeCreated",
        &[("SystemTime", sub(S_TIME, ty::FILETIME))],
    );
    empty(b, t);
    leaf(b, "EventRecordID", &[], sub(S_RECORD_ID, ty::UINT64));
    leaf(b, "Channel", &[], sub(S_CHANNEL, ty::STRING));
    leaf(b, "Computer", &[], sub(S_COMPUTER, ty::STRING));
    let s = start(b, "Security", &[("UserID", opt_sub(S_USER, ty::SID))]);
    empty(b, s);
    end(b, system);
    let ed = start(b, "EventData", &[]);
    if n_data == 0 && !has_binary {
        empty(b, ed);
    } else {
        close_start(b);
        for i in 0..n_data {
            leaf(b, "Data", &[], sub(S_FIRST_DATA + i as u16, ty::STRING));
        }
        if has_binary {
            leaf(
                b,
                "Binary",
                &[],
                sub(S_FIRST_DATA + n_data as u16, ty::BINARY),
            );
        }
        end(b, ed);
    }
    end(b, event);
    b.u8(0x00);
}

fn utf16_bytes(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// The substitution values of `ev`, as (type, bytes), in index order.
fn values(ev: &EventSpec, filetime: u64) -> Vec<(u8, Vec<u8>)> {
    let mut v = vec![
        (ty::STRING, utf16_bytes(&ev.provider)),
        match ev.qualifiers {
            Some(q) => (ty::UINT16, q.to_le_bytes().to_vec()),
            None => (ty::NULL, Vec::new()),
        },
        (ty::UINT16, ev.event_id.to_le_bytes().to_vec()),
        (ty::UINT8, vec![ev.level]),
        (ty::UINT16, ev.task.to_le_bytes().to_vec()),
        (ty::HEXINT64, ev.keywords.to_le_bytes().to_vec()),
        (ty::FILETIME, filetime.to_le_bytes().to_vec()),
        (ty::UINT64, ev.record_id.to_le_bytes().to_vec()),
        (ty::STRING, utf16_bytes(&ev.channel)),
        (ty::STRING, utf16_bytes(&ev.computer)),
        (ty::NULL, Vec::new()),
    ];
    v.extend(ev.data.iter().map(|d| (ty::STRING, utf16_bytes(d))));
    if let Some(bin) = &ev.binary {
        v.push((ty::BINARY, bin.clone()));
    }
    v
}

/// A deterministic template GUID for a template shape (number of Data, Binary present).
fn template_guid(n_data: usize, has_binary: bool) -> [u8; 16] {
    let mut g = *b"halfopen-evtx-t\0";
    g[14] = n_data.min(255) as u8;
    g[15] = u8::from(has_binary);
    g
}

/// One whole record (libyal EVTX §4) for `ev`, to be placed at chunk offset `offset`.
fn record_bytes(ev: &EventSpec, offset: usize) -> Vec<u8> {
    let filetime = ev.time.to_filetime().unwrap_or(0);
    // The BinXML starts 24 bytes into the record.
    let mut b = Buf {
        bytes: Vec::new(),
        base: offset + 24,
    };
    b.bytes.extend_from_slice(&[0x0f, 0x01, 0x01, 0x00]); // fragment header
    b.u8(0x0c); // TemplateInstance
    b.u8(0x01);
    let guid = template_guid(ev.data.len(), ev.binary.is_some());
    b.u32(u32::from_le_bytes([guid[0], guid[1], guid[2], guid[3]])); // template id
    let def = b.pos() + 4;
    b.u32(def); // definition follows inline
    b.u32(0); // next template definition
    b.bytes.extend_from_slice(&guid);
    let size = b.u32_slot();
    template_body(&mut b, ev.data.len(), ev.binary.is_some());
    b.patch_size_since(size);
    let vals = values(ev, filetime);
    b.u32(vals.len() as u32);
    for (t, bytes) in &vals {
        b.u16(bytes.len().min(u16::MAX as usize) as u16);
        b.u8(*t);
        b.u8(0);
    }
    for (_, bytes) in &vals {
        b.bytes
            .extend_from_slice(&bytes[..bytes.len().min(u16::MAX as usize)]);
    }
    b.u8(0x00); // EOF

    let total = (24 + b.bytes.len() + 4) as u32;
    let mut rec = Vec::with_capacity(total as usize);
    rec.extend_from_slice(b"**\0\0");
    rec.extend_from_slice(&total.to_le_bytes());
    rec.extend_from_slice(&ev.record_id.to_le_bytes());
    rec.extend_from_slice(&filetime.to_le_bytes());
    rec.extend_from_slice(&b.bytes);
    rec.extend_from_slice(&total.to_le_bytes());
    rec
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::evtx::read_evtx;

    fn t(s: &str) -> UtcTime {
        UtcTime::parse_rfc3339(s).unwrap()
    }

    /// The 40-byte IO_ERROR_LOG_PACKET of the real XP Tcpip 4226 records (plaso SysEvent.Evt).
    fn tcpip_binary() -> Vec<u8> {
        let mut b = vec![
            0, 0, 0, 0, 1, 0, 0x54, 0, 0, 0, 0, 0, 0x82, 0x10, 0, 0x80, 1, 0, 0, 0,
        ];
        b.resize(40, 0);
        b
    }

    fn sample() -> Vec<EventSpec> {
        vec![
            EventSpec {
                record_id: 1,
                time: t("2026-03-14T10:02:13.1234567Z"),
                provider: "Tcpip".into(),
                event_id: 4226,
                qualifiers: Some(32768),
                level: 3,
                task: 0,
                keywords: 0x80_0000_0000_0000,
                computer: "WKS-01.example.test".into(),
                channel: "System".into(),
                data: vec![String::new()],
                binary: Some(tcpip_binary()),
            },
            EventSpec {
                record_id: 2,
                time: t("2026-03-14T09:00:00.0000001Z"),
                provider: "EventLog".into(),
                event_id: 6005,
                qualifiers: Some(32768),
                level: 4,
                task: 0,
                keywords: 0x80_0000_0000_0000,
                computer: "WKS-01.example.test".into(),
                channel: "System".into(),
                data: vec![],
                binary: None,
            },
            EventSpec {
                record_id: 3,
                time: t("2026-03-14T10:05:00.5000000Z"),
                provider: "Microsoft-Windows-Kernel-General".into(),
                event_id: 12,
                qualifiers: None,
                level: 4,
                task: 1,
                keywords: 0x8000_0000_0000_0000,
                computer: "WKS-01.example.test".into(),
                channel: "System".into(),
                data: vec!["6".into(), "1".into(), "Ünïcode ✓".into()],
                binary: None,
            },
        ]
    }

    fn write_tmp(bytes: &[u8]) -> tempfile::NamedTempFile {
        use std::io::Write;
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        f.flush().unwrap();
        f
    }

    #[test]
    fn three_events_read_back_through_read_evtx_with_every_field() {
        let events = sample();
        let bytes = write_evtx(&events);
        assert_eq!(bytes.len(), FILE_HEADER_SIZE + CHUNK_SIZE);
        let f = write_tmp(&bytes);
        let log = read_evtx(f.path()).unwrap();
        assert_eq!(log.problems, vec![]);
        assert_eq!(log.records.len(), 3);
        for (r, e) in log.records.iter().zip(&events) {
            assert_eq!(r.record_id, e.record_id);
            assert_eq!(r.event_record_id, Some(e.record_id));
            assert_eq!(r.provider, e.provider);
            assert_eq!(r.event_id, e.event_id);
            assert_eq!(r.qualifiers, e.qualifiers);
            assert_eq!(r.level, Some(e.level));
            assert_eq!(r.task, Some(e.task));
            assert_eq!(r.keywords, Some(e.keywords));
            assert_eq!(r.time, e.time);
            assert_eq!(r.time.to_string(), e.time.to_string());
            assert_eq!(r.written, Some(e.time));
            assert_eq!(r.computer, e.computer);
            assert_eq!(r.channel, e.channel);
            assert_eq!(r.data, e.data);
            assert_eq!(r.binary, e.binary);
            assert!(!r.recovered);
        }
    }

    #[test]
    fn crate_json_and_xml_show_eventid_qualifiers_and_time_text() {
        let bytes = write_evtx(&sample());
        let settings = evtx::ParserSettings::new()
            .num_threads(1)
            .indent(false)
            .validate_checksums(true);
        let mut p = evtx::EvtxParser::from_buffer(bytes.clone())
            .unwrap()
            .with_configuration(settings.clone());
        let json: Vec<serde_json::Value> =
            p.records_json_value().map(|r| r.unwrap().data).collect();
        assert_eq!(json.len(), 3);
        let sys = &json[0]["Event"]["System"];
        assert_eq!(
            sys["EventID"],
            serde_json::json!({"#attributes": {"Qualifiers": 32768}, "#text": 4226})
        );
        assert_eq!(sys["Level"], serde_json::json!(3));
        assert_eq!(sys["Keywords"], serde_json::json!("0x80000000000000"));
        assert_eq!(
            sys["TimeCreated"]["#attributes"]["SystemTime"],
            serde_json::json!("2026-03-14T10:02:13.1234567Z")
        );
        assert_eq!(sys["Provider"]["#attributes"]["Name"], "Tcpip");
        assert_eq!(sys["EventRecordID"], serde_json::json!(1));
        assert_eq!(
            json[0]["Event"]["EventData"]["Binary"],
            serde_json::json!(format!("{:0<80}", "00000000010054000000000082100080010000"))
        );
        // A manifest-style event: no Qualifiers attribute, EventID a bare number.
        assert_eq!(json[2]["Event"]["System"]["EventID"], serde_json::json!(12));

        let mut p = evtx::EvtxParser::from_buffer(bytes)
            .unwrap()
            .with_configuration(settings);
        let xml: Vec<String> = p.records().map(|r| r.unwrap().data).collect();
        assert!(
            xml[0].contains(r#"<EventID Qualifiers="32768">4226</EventID>"#),
            "{}",
            xml[0]
        );
        assert!(
            xml[0].contains(r#"<TimeCreated SystemTime="2026-03-14T10:02:13.1234567Z"/>"#),
            "{}",
            xml[0]
        );
        assert!(xml[1].contains(r#"<EventID Qualifiers="32768">6005</EventID>"#));
        assert!(xml[2].contains("<EventID>12</EventID>"), "{}", xml[2]);
    }

    #[test]
    fn header_and_chunk_checksums_validate() {
        let bytes = write_evtx(&sample());
        let p = evtx::EvtxParser::from_buffer(bytes.clone()).unwrap();
        assert!(p.header().validate_checksum());
        assert_eq!(p.header().chunk_count, 1);
        assert_eq!(p.header().next_record_id, 4);
        let chunk_bytes = bytes[FILE_HEADER_SIZE..FILE_HEADER_SIZE + CHUNK_SIZE].to_vec();
        let chunk = evtx::EvtxChunkData::new(chunk_bytes, true).unwrap();
        assert!(chunk.validate_header_checksum());
        assert!(chunk.validate_data_checksum());
        assert_eq!(chunk.header.first_event_record_id, 1);
        assert_eq!(chunk.header.last_event_record_id, 3);
    }

    #[test]
    fn same_input_gives_same_bytes() {
        assert_eq!(write_evtx(&sample()), write_evtx(&sample()));
    }

    #[test]
    fn more_than_64_kib_spills_into_two_chunks_and_reads_back() {
        let base = sample();
        let events: Vec<EventSpec> = (0..300u64)
            .map(|i| {
                let mut e = base[(i % 3) as usize].clone();
                e.record_id = i + 1;
                e.time = e.time.plus_nanos(i as i64 * 1_000_000_000);
                e
            })
            .collect();
        let bytes = write_evtx(&events);
        let chunks = (bytes.len() - FILE_HEADER_SIZE) / CHUNK_SIZE;
        assert!(chunks >= 2, "{chunks} chunks");
        assert_eq!(bytes.len(), FILE_HEADER_SIZE + chunks * CHUNK_SIZE);

        // Every chunk passes both CRC checks when the parser enforces them.
        let settings = evtx::ParserSettings::new()
            .num_threads(1)
            .validate_checksums(true);
        let mut p = evtx::EvtxParser::from_buffer(bytes.clone())
            .unwrap()
            .with_configuration(settings);
        assert!(p.header().validate_checksum());
        assert_eq!(usize::from(p.header().chunk_count), chunks);
        let ids: Vec<u64> = p
            .records_json_bytes()
            .map(|r| r.unwrap().event_record_id)
            .collect();
        assert_eq!(ids, (1..=300).collect::<Vec<_>>());

        let f = write_tmp(&bytes);
        let log = read_evtx(f.path()).unwrap();
        assert_eq!(log.problems, vec![]);
        assert_eq!(log.records.len(), 300);
        for (r, e) in log.records.iter().zip(&events) {
            assert_eq!(
                (r.record_id, r.event_id, r.time),
                (e.record_id, e.event_id, e.time)
            );
            assert_eq!(r.data, e.data);
        }
    }
}
