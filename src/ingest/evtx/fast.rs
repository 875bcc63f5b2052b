//! The event-log fast path (issue 17 §1): decides, per record, from the record header and the
//! substitution values of its BinXML `TemplateInstance` whether any rule of halfopen reads it
//! ([`is_wanted`]: provider name and EventID), without rendering it. A chunk none of whose
//! records is wanted is accounted for here (record ids, `<Computer>` names) and never rendered;
//! any other chunk goes the crate's way (`super::read_chunk`).
//!
//! The reader is strict by design: whatever it does not recognise exactly — a record header the
//! crate would refuse or resync past, a record that is not one fragment holding one template
//! instance, an unknown token in a template definition, a value type it does not check, a
//! value whose size does not fit its type, a UTF-16 surrogate (the crate may refuse unpaired
//! ones), a field filled twice — makes the whole chunk go the crate's way. Counts, problems and
//! the records kept are therefore the same on both paths; `tests/evtx_fast.rs` checks this on
//! every real and generated log.
//!
//! Layout (MS-EVEN6 §2.2.3 "BinXml", libyal "Windows XML Event Log (EVTX) format" §4–§5): a
//! record is `**\0\0`, a u32 size, a u64 EventRecordID, a u64 FILETIME, then BinXML and a copy
//! of the size. Its BinXML here is a fragment header (`0x0f` + 3 bytes) and a
//! `TemplateInstance` (`0x0c`, 1 byte, u32 template id, u32 definition offset; the definition
//! inline when that offset is where it stands: u32 next, 16-byte GUID, u32 size, BinXML), then
//! a u32 count of substitution descriptors (u16 size, u8 type, u8 0) and the values back to back.
//! A definition's element and attribute names are chunk offsets of a name entry (u32 next,
//! u16 hash, u16 count, UTF-16, NUL), stored in place the first time.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::locate::{CHUNK_HEADER_SIZE, RECORD_HEADER_SIZE};
use crate::ingest::bytes::{le16, le32, le64};
use crate::model::is_wanted;

/// The latest FILETIME the crate turns into a time (9999-12-31T23:59:59Z, jiff's range); a
/// record header beyond it is refused by the crate, so the chunk goes its way.
const MAX_FILETIME: u64 = 2_650_467_743_990_000_000;

/// What the fast walk of one chunk found: every record's id and extent, how many are wanted,
/// and the distinct `<Computer>` names of the others.
#[derive(Debug, Default)]
pub(super) struct FastChunk {
    /// (EventRecordID, chunk offset of the BinXML, BinXML size) in walk order.
    pub(super) records: Vec<(u64, u64, u32)>,
    /// Records [`is_wanted`] (when > 0 the caller renders the chunk).
    pub(super) wanted: usize,
    /// Distinct non-empty `<Computer>` names of the records.
    pub(super) computers: Vec<String>,
}

/// Where a System field's value comes from in a template definition.
#[derive(Debug, Clone, PartialEq, Default)]
enum Field {
    /// The template has no such field.
    #[default]
    Absent,
    /// Substitution value number N.
    Sub(u16),
    /// A literal string in the definition.
    Text(String),
}

/// The System fields the decision needs, as one template definition places them.
#[derive(Debug, Default)]
struct TemplateMap {
    provider: Field,
    event_id: Field,
    computer: Field,
    /// Highest substitution index the definition uses (each must have a value).
    max_index: Option<u16>,
}

/// Walks the records of one chunk (`data`: the 64 KiB chunk) the way the crate does, from the
/// end of the chunk header to `free_space_offset` or the record whose id is
/// `last_record_id`; `None` when the crate has to read it (module docs).
pub(super) fn scan_chunk(data: &[u8], free_space: u32, last_record_id: u64) -> Option<FastChunk> {
    let live_end = (free_space as usize).min(data.len());
    let mut at = CHUNK_HEADER_SIZE as usize;
    let mut out = FastChunk::default();
    let mut templates: Vec<(u32, TemplateMap)> = Vec::new();
    let mut last_computer = Computer::Utf16(&[]);
    // One buffer for every record's substitution values (no allocation per record).
    let mut values: Values = Vec::new();
    while at < live_end {
        if data.get(at..at.checked_add(4)?)? != b"**\0\0" {
            return None;
        }
        let size = le32(data, at + 4)? as usize;
        let id = le64(data, at + 8)?;
        if le64(data, at + 16)? > MAX_FILETIME || size < RECORD_HEADER_SIZE as usize + 4 {
            return None;
        }
        let start = at + RECORD_HEADER_SIZE as usize;
        let end = at.checked_add(size)?.checked_sub(4)?;
        let binxml = data.get(start..end)?;
        let (wanted, computer) = decide(data, start, binxml, &mut templates, &mut values)?;
        if wanted {
            out.wanted += 1;
        }
        if computer != last_computer {
            let name = match computer {
                Computer::Utf16(v) => utf16_text(v)?,
                Computer::InTemplate(def) => match &templates.iter().find(|(o, _)| *o == def)?.1 {
                    TemplateMap {
                        computer: Field::Text(t),
                        ..
                    } => t.clone(),
                    _ => String::new(),
                },
            };
            if !name.is_empty() && !out.computers.contains(&name) {
                out.computers.push(name);
            }
            last_computer = computer;
        }
        out.records
            .push((id, start as u64, u32::try_from(binxml.len()).ok()?));
        if id == last_record_id {
            break;
        }
        at = at.checked_add(size)?;
    }
    Some(out)
}

/// Deepest nesting of BinXML substitution values (type 0x21) the fast path follows.
const MAX_NESTING: u8 = 8;

/// The substitution values of a BinXML stream, as (type, bytes).
type Values<'a> = Vec<(u8, &'a [u8])>;

/// Whether one record whose BinXML `binxml` starts at chunk offset `start` is wanted
/// ([`is_wanted`] of its provider name and EventID, low 16 bits), and where its `<Computer>` is;
/// `None` when the crate has to read it.
fn decide<'a>(
    chunk: &'a [u8],
    start: usize,
    binxml: &'a [u8],
    templates: &mut Vec<(u32, TemplateMap)>,
    values: &mut Values<'a>,
) -> Option<(bool, Computer<'a>)> {
    let def_offset = instance(chunk, start, binxml, templates, MAX_NESTING, values)?;
    let map = &templates.iter().find(|(o, _)| *o == def_offset)?.1;
    let event_id = match &map.event_id {
        Field::Absent => 0,
        Field::Text(t) => t.trim().parse::<u64>().ok()? as u16,
        Field::Sub(k) => match values.get(usize::from(*k))? {
            (0x00, _) => 0,
            (0x04 | 0x06 | 0x08 | 0x0a, v) => (small_uint(v)? & 0xffff) as u16,
            _ => return None,
        },
    };
    let computer = match &map.computer {
        Field::Absent => Computer::Utf16(&[]),
        Field::Text(_) => Computer::InTemplate(def_offset),
        Field::Sub(k) => match values.get(usize::from(*k))? {
            (0x00, _) => Computer::Utf16(&[]),
            (0x01, v) => Computer::Utf16(until_nul(v)),
            _ => return None,
        },
    };
    // The provider is only compared, never kept: no copy of a literal name per record, and no
    // decoding at all for the EventIDs no rule reads.
    let wanted = crate::model::may_be_wanted(event_id)
        && match &map.provider {
            Field::Absent => is_wanted("", event_id),
            Field::Text(t) => is_wanted(t, event_id),
            Field::Sub(k) => match values.get(usize::from(*k))? {
                (0x00, _) => is_wanted("", event_id),
                (0x01, v) => is_wanted(&utf16_text(v)?, event_id),
                _ => return None,
            },
        };
    Some((wanted, computer))
}

/// Where a record's `<Computer>` is: a substitution value (UTF-16LE, up to its NUL), or the
/// literal text of the template definition at this chunk offset.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Computer<'a> {
    Utf16(&'a [u8]),
    InTemplate(u32),
}

/// Reads a BinXML stream that is one `TemplateInstance` (after an optional fragment header),
/// at chunk offset `start`: its definition's offset (read into `templates` once per chunk) and
/// its substitution values, each checked ([`value_checks`]; BinXML values, type 0x21, the same
/// way, `depth` levels down). `None` when the crate has to read it.
fn instance<'a>(
    chunk: &'a [u8],
    start: usize,
    bytes: &'a [u8],
    templates: &mut Vec<(u32, TemplateMap)>,
    depth: u8,
    values: &mut Values<'a>,
) -> Option<u32> {
    let body = match bytes {
        [0x0f, _, _, _, 0x0c, _, ..] => 5,
        [0x0c, ..] => 1,
        _ => return None,
    };
    // 1 unknown byte, u32 template id, u32 definition offset.
    let def_offset = le32(bytes, body + 5)?;
    let mut pos = body + 9;
    if start.checked_add(pos)? == def_offset as usize {
        let def_size = le32(bytes, pos + 20)? as usize;
        pos = pos.checked_add(24)?.checked_add(def_size)?;
    }
    let count = le32(bytes, pos)? as usize;
    pos += 4;
    let descriptors = bytes.get(pos..pos.checked_add(count.checked_mul(4)?)?)?;
    values.clear();
    values.reserve(count);
    let mut at = pos + descriptors.len();
    for d in descriptors.chunks_exact(4) {
        let (size, ty) = (le16(d, 0)? as usize, *d.get(2)?);
        let value = bytes.get(at..at.checked_add(size)?)?;
        if ty == 0x21 {
            let mut inner = Vec::new();
            instance(
                chunk,
                start + at,
                value,
                templates,
                depth.checked_sub(1)?,
                &mut inner,
            )?;
        } else if !value_checks(ty, value) {
            return None;
        }
        values.push((ty, value));
        at += size;
    }
    // Anything after the instance but an end-of-stream token is more BinXML.
    if !matches!(bytes.get(at..)?, [] | [0x00, ..]) {
        return None;
    }
    let map = match templates.iter().position(|(o, _)| *o == def_offset) {
        Some(k) => &templates.get(k)?.1,
        None => {
            templates.push((def_offset, read_template(chunk, def_offset as usize)?));
            &templates.last()?.1
        }
    };
    if map
        .max_index
        .is_some_and(|m| usize::from(m) >= values.len())
    {
        return None;
    }
    Some(def_offset)
}

/// Whether a substitution value of type `ty` is one the crate reads the way we assume: a
/// checked type whose size fits it, and UTF-16 text of even length without surrogates.
fn value_checks(ty: u8, v: &[u8]) -> bool {
    match ty {
        0x00 | 0x0e => true,
        0x01 | 0x81 => v.len() % 2 == 0 && !has_surrogate(v),
        0x03 | 0x04 => v.len() == 1,
        0x05 | 0x06 => v.len() == 2,
        0x07 | 0x08 | 0x0b | 0x0d | 0x14 => v.len() == 4,
        0x09 | 0x0a | 0x0c | 0x11 | 0x15 => v.len() == 8,
        0x0f | 0x12 => v.len() == 16,
        0x10 => v.len() == 4 || v.len() == 8,
        0x13 => sid_checks(v),
        _ => false,
    }
}

/// A SID (MS-DTYP §2.4.2.2): revision 1, N sub-authorities, 8 + 4·N bytes in all.
fn sid_checks(v: &[u8]) -> bool {
    match v {
        [1, n, ..] => v.len() == 8 + 4 * usize::from(*n),
        _ => false,
    }
}

/// True when UTF-16LE `v` holds a surrogate code unit (high byte `0xd8..=0xdf`).
///
/// Four code units at a time in a `u64` (every value of every record passes here, and most are
/// a few dozen units: too short for a vector loop to pay off): a lane is a surrogate when its
/// high five bits are `11011`, i.e. when `(lane & 0xf800) ^ 0xd800` is zero, which the classic
/// "has a zero lane" test finds (a borrow can only mark a lane above a lane that is zero).
fn has_surrogate(v: &[u8]) -> bool {
    const MASK: u64 = 0xf800_f800_f800_f800;
    const SURROGATE: u64 = 0xd800_d800_d800_d800;
    const ONES: u64 = 0x0001_0001_0001_0001;
    const HIGHS: u64 = 0x8000_8000_8000_8000;
    let mut words = v.chunks_exact(8);
    let mut found = 0u64;
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        let x = (u64::from_le_bytes(b) & MASK) ^ SURROGATE;
        found |= x.wrapping_sub(ONES) & !x & HIGHS;
    }
    found != 0
        || words.remainder().chunks_exact(2).any(|u| match u {
            [_, hi] => hi & 0xf8 == 0xd8,
            _ => false,
        })
}

/// An unsigned little-endian integer of 1, 2, 4 or 8 bytes.
fn small_uint(v: &[u8]) -> Option<u64> {
    Some(match v.len() {
        1 => u64::from(*v.first()?),
        2 => u64::from(le16(v, 0)?),
        4 => u64::from(le32(v, 0)?),
        8 => le64(v, 0)?,
        _ => return None,
    })
}

/// UTF-16LE `v` up to its first NUL code unit (as the crate renders a string value).
fn until_nul(v: &[u8]) -> &[u8] {
    let n = v
        .chunks_exact(2)
        .position(|u| u == [0, 0])
        .unwrap_or(v.len() / 2);
    v.get(..n * 2).unwrap_or(v)
}

/// The text of UTF-16LE `v` up to its first NUL; `None` for a surrogate.
fn utf16_text(v: &[u8]) -> Option<String> {
    let units = until_nul(v).chunks_exact(2).map(|u| match u {
        [lo, hi] => u16::from_le_bytes([*lo, *hi]),
        _ => 0,
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// Names of the elements and attributes the decision looks at.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Known {
    Event,
    System,
    Provider,
    /// The `Name` attribute (of `Provider`).
    Name,
    EventId,
    Computer,
    Other,
}

/// The name entry at chunk offset `at` (u32 next, u16 hash, u16 count, UTF-16).
fn name_at(chunk: &[u8], at: usize) -> Option<Known> {
    let n = usize::from(le16(chunk, at.checked_add(6)?)?);
    let units = chunk.get(at + 8..(at + 8).checked_add(n * 2)?)?;
    let is = |s: &str| {
        s.len() == n
            && s.bytes()
                .zip(units.chunks_exact(2))
                .all(|(b, u)| u == [b, 0])
    };
    Some(if is("Event") {
        Known::Event
    } else if is("System") {
        Known::System
    } else if is("Provider") {
        Known::Provider
    } else if is("Name") {
        Known::Name
    } else if is("EventID") {
        Known::EventId
    } else if is("Computer") {
        Known::Computer
    } else {
        Known::Other
    })
}

/// Reads a name reference at `*pos` (a u32 chunk offset; the entry follows in place when it
/// points just past itself) and moves past it.
fn name_ref(chunk: &[u8], pos: &mut usize) -> Option<Known> {
    name_ref_if(chunk, pos, true)
}

/// [`name_ref`], comparing the name only when `read` (else [`Known::Other`]; the entry is still
/// checked to fit the chunk and stepped over when in place).
fn name_ref_if(chunk: &[u8], pos: &mut usize, read: bool) -> Option<Known> {
    let offset = le32(chunk, *pos)? as usize;
    *pos += 4;
    let name = if read {
        name_at(chunk, offset)?
    } else {
        let n = usize::from(le16(chunk, offset.checked_add(6)?)?);
        chunk.get(offset + 8..(offset + 8).checked_add(n * 2)?)?;
        Known::Other
    };
    if offset == *pos {
        let n = usize::from(le16(chunk, *pos + 6)?);
        *pos = pos.checked_add(10 + 2 * n)?;
    }
    Some(name)
}

/// Where the decision's fields sit in the template definition at chunk offset `def`; `None`
/// for a definition the fast path does not read (module docs).
fn read_template(chunk: &[u8], def: usize) -> Option<TemplateMap> {
    let size = le32(chunk, def.checked_add(20)?)? as usize;
    let mut pos = def + 24;
    let end = pos.checked_add(size)?;
    if end > chunk.len() {
        return None;
    }
    let mut map = TemplateMap::default();
    let mut stack: Vec<Known> = Vec::new();
    // The attribute whose value comes next; `None` in element content.
    let mut attribute: Option<Known> = None;
    let mut in_start = false;
    while pos < end {
        let token = *chunk.get(pos)?;
        pos += 1;
        match token {
            0x00 => break,
            0x0f => pos += 3,
            0x01 | 0x41 => {
                pos += 6; // dependency id, data size
                // Only Event, Event/System and Event/System/* names can lead to a field.
                let read = matches!(
                    stack.as_slice(),
                    [] | [Known::Event] | [Known::Event, Known::System]
                );
                stack.push(name_ref_if(chunk, &mut pos, read)?);
                if token == 0x41 {
                    pos += 4;
                }
                (in_start, attribute) = (true, None);
            }
            0x02 => (in_start, attribute) = (false, None),
            0x03 | 0x04 => {
                stack.pop()?;
                (in_start, attribute) = (false, None);
            }
            0x06 | 0x46 if in_start => attribute = Some(name_ref(chunk, &mut pos)?),
            0x05 | 0x45 => {
                if *chunk.get(pos)? != 0x01 {
                    return None;
                }
                let n = usize::from(le16(chunk, pos + 1)?);
                let units = chunk.get(pos + 3..(pos + 3).checked_add(2 * n)?)?;
                pos += 3 + 2 * n;
                if has_surrogate(units) {
                    return None;
                }
                // Text is only decoded for the fields the decision reads.
                if field_of(&stack, attribute).is_some() {
                    place(&mut map, &stack, attribute, Field::Text(utf16_text(units)?))?;
                }
            }
            0x0d | 0x0e => {
                let index = le16(chunk, pos)?;
                pos += 3;
                map.max_index = Some(map.max_index.map_or(index, |m| m.max(index)));
                place(&mut map, &stack, attribute, Field::Sub(index))?;
            }
            0x07 | 0x47 | 0x0b => pos += 2 + 2 * usize::from(le16(chunk, pos)?),
            0x08 | 0x48 => pos += 2,
            0x09 | 0x49 | 0x0a => {
                name_ref(chunk, &mut pos)?;
            }
            _ => return None,
        }
    }
    Some(map)
}

/// The System fields the decision reads.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Provider,
    EventId,
    Computer,
}

/// The field the element path `stack` and `attribute` name, if any.
fn field_of(stack: &[Known], attribute: Option<Known>) -> Option<Slot> {
    match (stack, attribute) {
        ([Known::Event, Known::System, Known::Provider], Some(Known::Name)) => Some(Slot::Provider),
        ([Known::Event, Known::System, Known::EventId], None) => Some(Slot::EventId),
        ([Known::Event, Known::System, Known::Computer], None) => Some(Slot::Computer),
        _ => None,
    }
}

/// Records `value` as the field the element path `stack` and `attribute` name, if any;
/// `None` when that field already has a value (the fast path does not join values).
fn place(
    map: &mut TemplateMap,
    stack: &[Known],
    attribute: Option<Known>,
    value: Field,
) -> Option<()> {
    let field = match field_of(stack, attribute) {
        Some(Slot::Provider) => &mut map.provider,
        Some(Slot::EventId) => &mut map.event_id,
        Some(Slot::Computer) => &mut map.computer,
        None => return Some(()),
    };
    if *field != Field::Absent {
        return None;
    }
    *field = value;
    Some(())
}

#[cfg(test)]
mod tests {
    use super::has_surrogate;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn surrogate_scan_agrees_with_a_unit_by_unit_check(
            units in proptest::collection::vec(any::<u16>(), 0..40),
            odd in any::<bool>(),
        ) {
            let mut bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
            if odd {
                bytes.push(0xd8);
            }
            let naive = units.iter().any(|u| (0xd800..=0xdfff).contains(u));
            prop_assert_eq!(has_surrogate(&bytes), naive);
        }
    }

    #[test]
    fn a_surrogate_in_any_lane_or_the_tail_is_found() {
        for len in 1..12 {
            for at in 0..len {
                let mut units = vec![0x0041u16; len];
                units[at] = 0xdc00 + at as u16;
                let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
                assert!(has_surrogate(&bytes), "len {len} at {at}");
                units[at] = 0xe000;
                let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
                assert!(!has_surrogate(&bytes), "len {len} at {at}");
            }
        }
    }
}
