//! One record's JSON (as the `evtx` crate renders it, `records_json_bytes()` without indent)
//! into an [`EventRecord`]: only the `System` fields and the `EventData` `Data`/`Binary` are
//! read, leniently (shapes: see `super`'s module docs, research/evtx.md §1.3).

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::ingest::number::{decode_hex, parse_u64};
use crate::model::{EventLog, EventRecord, Locator, Problem, UtcTime};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Adds one rendered record to `log` (recovered when the crate carved it or `from_cut_chunk`),
/// and a [`Problem`] when its JSON cannot be read (the record is kept with its header id and
/// time).
pub(super) fn push_record(
    log: &mut EventLog,
    rec: evtx::SerializedEvtxRecord<Vec<u8>>,
    from_cut_chunk: bool,
) {
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
        named: Vec::new(),
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
        if crate::model::is_connection_event(&rec.provider, rec.event_id) {
            rec.named = ed.named;
        }
        rec.binary = ed
            .binary
            .and_then(|b| b.first_text())
            .and_then(|s| decode_hex(&s));
    }
    (rec, None)
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

/// `EventData`: unnamed `Data` (rendered as a `Data` key holding the values) and `Binary`, and
/// the named `<Data Name="…">` elements of [`crate::model::CONNECTION_FIELDS`] (rendered as keys
/// of their own) as (name, first text).
#[derive(Default)]
struct JsonEventData {
    data: Option<Node>,
    binary: Option<Node>,
    named: Vec<(String, String)>,
}

impl<'de> Deserialize<'de> for JsonEventData {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(EventDataVisitor)
    }
}

/// Reads `EventData` leniently: an object is read key by key; null, a scalar or an array is an
/// empty `EventData`.
struct EventDataVisitor;

impl<'de> Visitor<'de> for EventDataVisitor {
    type Value = JsonEventData;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an EVTX EventData element")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonEventData, A::Error> {
        let mut ed = JsonEventData::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match &*key {
                "Data" => ed.data = Some(map.next_value()?),
                "Binary" => ed.binary = Some(map.next_value()?),
                "#attributes" | "#text" => {
                    map.next_value::<IgnoredAny>()?;
                }
                // Only the fields a connection event is read for are kept: every other named
                // value of every record is skipped without allocating (the hot path).
                name if crate::model::CONNECTION_FIELDS.contains(&name) => {
                    let n: Node = map.next_value()?;
                    ed.named
                        .push((name.to_owned(), n.first_text().unwrap_or_default()));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(ed)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonEventData, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(JsonEventData::default())
    }
    fn visit_unit<E: de::Error>(self) -> Result<JsonEventData, E> {
        Ok(JsonEventData::default())
    }
    fn visit_none<E: de::Error>(self) -> Result<JsonEventData, E> {
        Ok(JsonEventData::default())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<JsonEventData, E> {
        Ok(JsonEventData::default())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<JsonEventData, E> {
        Ok(JsonEventData::default())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<JsonEventData, E> {
        Ok(JsonEventData::default())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<JsonEventData, E> {
        Ok(JsonEventData::default())
    }
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
