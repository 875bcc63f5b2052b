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
//!   definition (written inline by the first record of a chunk that uses it, referred to by
//!   offset from the later ones, as Windows does) holds the `Event`/`System`/`EventData` element
//!   tree with substitutions, followed by the substitution values. The `Qualifiers` attribute is
//!   an optional substitution that gets a Null value when [`EventSpec::qualifiers`] is `None`, so
//!   readers leave it out, as for manifest providers.
//!
//! Output is deterministic: the same events give the same bytes.

/// Size of the file header block (libyal EVTX §2).
pub const FILE_HEADER_SIZE: usize = 4096;
/// Size of one chunk (libyal EVTX §3); chunk `n` starts at `FILE_HEADER_SIZE + n * CHUNK_SIZE`.
pub const CHUNK_SIZE: usize = 65536;
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

/// One event to write: the `System` fields Windows writes for a classic or manifest event, plus
/// its `EventData`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSpec {
    /// Written both as the record-header id and as `<EventRecordID>`.
    pub record_id: u64,
    /// `<TimeCreated SystemTime=…>` (also the record header's written time), in nanoseconds
    /// since 1970-01-01T00:00:00Z (UTC). Written as FILETIME (MS-DTYP 2.3.3, 100-ns units, so
    /// cut to 100 ns; see [`crate::filetime`]).
    pub unix_ns: i64,
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
    /// `<Computer>`: the host name the event was logged on.
    pub computer: String,
    /// `<Channel>`, e.g. `System`.
    pub channel: String,
    /// One `<Data>` element per string, in order.
    pub data: Vec<String>,
    /// The `Name` attribute of each `<Data>` (manifest events such as Sysmon's:
    /// `<Data Name="SourceIp">`), in the order of `data`; empty for unnamed `<Data>` (classic
    /// events), and missing names are unnamed.
    pub data_names: Vec<String>,
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
        let (rec, def) = record_bytes(ev, cur.data.len(), &cur.templates);
        if cur.data.len() + rec.len() <= CHUNK_SIZE {
            cur.push(ev.record_id, cur.data.len(), &rec);
            cur.templates.extend(def);
            continue;
        }
        if !cur.ids.is_empty() {
            chunks.push(std::mem::replace(&mut cur, ChunkBuilder::new()));
        }
        let (rec, def) = record_bytes(ev, CHUNK_HEADER_SIZE, &cur.templates);
        cur.templates.extend(def);
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
    /// Template GUID → chunk offset of its definition, written inline by the first record of
    /// the chunk that uses it; later records refer to it, as Windows does.
    templates: std::collections::HashMap<[u8; 16], u32>,
}

impl ChunkBuilder {
    fn new() -> Self {
        ChunkBuilder {
            data: vec![0u8; CHUNK_HEADER_SIZE],
            ids: Vec::new(),
            last_offset: 0,
            templates: std::collections::HashMap::new(),
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
fn template_body(b: &mut Buf, names: &[String], n_data: usize, has_binary: bool) {
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
            let value = sub(S_FIRST_DATA + i as u16, ty::STRING);
            match names.get(i) {
                Some(n) => leaf(b, "Data", &[("Name", Val::Text(n))], value),
                None => leaf(b, "Data", &[], value),
            }
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

/// A deterministic template GUID for a template shape (number of Data, Binary present, the
/// Data names).
fn template_guid(names: &[String], n_data: usize, has_binary: bool) -> [u8; 16] {
    let mut g = *b"halfopen-evtx-t\0";
    if !names.is_empty() {
        // FNV-1a of the names in the first 8 bytes: another name list, another template.
        let h = names
            .iter()
            .flat_map(|n| n.bytes().chain([0]))
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        g[..8].copy_from_slice(&h.to_le_bytes());
    }
    g[14] = n_data.min(255) as u8;
    g[15] = u8::from(has_binary);
    g
}

/// One whole record (libyal EVTX §4) for `ev`, to be placed at chunk offset `offset`, and the
/// (GUID, offset) of the template definition it writes inline: none when `templates` (the
/// chunk's definitions so far) already has its template, which it then refers to.
fn record_bytes(
    ev: &EventSpec,
    offset: usize,
    templates: &std::collections::HashMap<[u8; 16], u32>,
) -> (Vec<u8>, Option<([u8; 16], u32)>) {
    let filetime = crate::filetime(ev.unix_ns);
    // The BinXML starts 24 bytes into the record.
    let mut b = Buf {
        bytes: Vec::new(),
        base: offset + 24,
    };
    b.bytes.extend_from_slice(&[0x0f, 0x01, 0x01, 0x00]); // fragment header
    b.u8(0x0c); // TemplateInstance
    b.u8(0x01);
    let guid = template_guid(&ev.data_names, ev.data.len(), ev.binary.is_some());
    b.u32(u32::from_le_bytes([guid[0], guid[1], guid[2], guid[3]])); // template id
    let written = match templates.get(&guid) {
        Some(&def) => {
            b.u32(def); // defined by an earlier record of the chunk
            None
        }
        None => {
            let def = b.pos() + 4;
            b.u32(def); // definition follows inline
            b.u32(0); // next template definition
            b.bytes.extend_from_slice(&guid);
            let size = b.u32_slot();
            template_body(&mut b, &ev.data_names, ev.data.len(), ev.binary.is_some());
            b.patch_size_since(size);
            Some((guid, def))
        }
    };
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
    (rec, written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<EventSpec> {
        let ev = |record_id, unix_ns, qualifiers, data: &[&str], binary| EventSpec {
            record_id,
            unix_ns,
            provider: "Tcpip".into(),
            event_id: 4226,
            qualifiers,
            level: 3,
            task: 0,
            keywords: 0x80_0000_0000_0000,
            computer: "WKS-01.example.test".into(),
            channel: "System".into(),
            data: data.iter().map(|d| d.to_string()).collect(),
            data_names: Vec::new(),
            binary,
        };
        vec![
            ev(
                1,
                1_773_482_533_123_456_700,
                Some(32768),
                &[""],
                Some(vec![1; 40]),
            ),
            ev(2, 1_773_478_800_000_000_100, None, &[], None),
            ev(
                3,
                1_773_482_700_500_000_000,
                None,
                &["6", "Ünïcode ✓"],
                None,
            ),
        ]
    }

    #[test]
    fn same_input_gives_same_bytes() {
        assert_eq!(write_evtx(&sample()), write_evtx(&sample()));
        assert_eq!(write_evtx(&sample()).len(), FILE_HEADER_SIZE + CHUNK_SIZE);
    }
}
