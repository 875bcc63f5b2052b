//! Event XML exports: `wevtutil qe <log> /f:xml` (one `<Event xmlns=…>` element per event,
//! concatenated with no root element) and Event Viewer "Save Selected Events… / Save All
//! Events As… → XML" (the same elements inside an `<Events>` root, usually after an
//! `<?xml version="1.0" encoding="UTF-8"?>` declaration).
//!
//! Element names follow the Windows event schema (learn.microsoft.com "EventType complex type",
//! `SystemPropertiesType`, `RenderingInfoType`; research/evtx.md §3.2):
//! `System/Provider@Name`, `System/EventID` (text, `@Qualifiers` for classic providers),
//! `System/Level`, `System/Task`, `System/Keywords` (hex), `System/TimeCreated@SystemTime`,
//! `System/EventRecordID`, `System/Channel`, `System/Computer`, `EventData/Data` (named or not,
//! in order), `EventData/Binary` (hex), `UserData/…` (provider-defined elements), and
//! `RenderingInfo/{Message,Level,Task,Provider}` (`wevtutil /f:RenderedXml`, Event Viewer with
//! display information).
//!
//! `TimeCreated@SystemTime` is UTC (it ends in `Z`, schema type `xs:dateTime` written from a
//! FILETIME): it is **not** shifted by `--event-tz`. A value without a zone suffix is read as
//! UTC too.
//!
//! Each event is cut out of the text on its own (from one `<Event` start tag to the next), so a
//! malformed event becomes one [`Problem`] located by the line its start tag is on, and the
//! events after it are still read.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::ingest::number::{decode_hex, parse_u64};
use crate::model::{EventLog, EventRecord};
use crate::model::{Locator, Problem, UtcTime};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// Byte offsets in `text` of every `<Event` start tag (followed by whitespace, `>` or `/`, so
/// `<Events>`, `<EventData>`, `<EventID>` … do not count).
pub(super) fn event_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    text.match_indices("<Event")
        .filter(|(i, m)| {
            matches!(
                b.get(i + m.len()),
                Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
            )
        })
        .map(|(i, _)| i)
        .collect()
}

/// Reads every `<Event>` element of `text` (already decoded) into `log`. Events are numbered
/// from 1 in file order; an event without `<EventRecordID>` gets that number as `record_id`.
pub(super) fn read_xml(text: &str, log: &mut EventLog) {
    let starts = event_starts(text);
    if starts.is_empty() {
        log.problems.push(Problem::new(
            Locator::File,
            "no <Event> element found in the XML export",
        ));
        return;
    }
    let mut line: u64 = 1;
    let mut counted_to = 0;
    for (n, &start) in starts.iter().enumerate() {
        line += newlines(text.get(counted_to..start).unwrap_or(""));
        counted_to = start;
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        let chunk = text.get(start..end).unwrap_or("");
        let ordinal = n as u64 + 1;
        match parse_event(chunk) {
            Ok((parsed, trailing)) => {
                if let Some(t) = trailing {
                    log.problems.push(Problem::new(
                        Locator::Line(line),
                        format!("text after the event's </Event> ignored: {t:?}"),
                    ));
                }
                match parsed.into_record(ordinal) {
                    Ok(r) => log.records.push(r),
                    Err(e) => log
                        .problems
                        .push(Problem::new(Locator::Line(line), e.to_string())),
                }
            }
            Err(reason) => log.problems.push(Problem::new(
                Locator::Line(line),
                format!("malformed event XML, event skipped: {reason}"),
            )),
        }
    }
}

/// Why one `<Event>` element of an XML export cannot be parsed (the event is skipped). The
/// 1-based line of the event's start tag is added by the caller as a
/// [`crate::model::Locator::Line`] (text `malformed event XML, event skipped: {this error}`).
/// Well-formedness per XML 1.0; the schema is MS-EVEN6's event schema (`Event` root).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(super) enum EventXmlError {
    /// quick-xml's syntax error, at a byte offset counted from the event's `<Event` tag.
    #[error("{message} (at byte {offset} of the event)")]
    Syntax {
        /// quick-xml's description.
        message: String,
        /// Byte offset inside the event's text (0 = its `<`).
        offset: u64,
    },
    /// The outermost element is not `<Event>`.
    #[error("root element is <{name}>, not <Event>")]
    NotEvent {
        /// Its local name.
        name: String,
    },
    /// The outermost element is an empty-element tag.
    #[error("empty <{name}/> element instead of an event")]
    EmptyRoot {
        /// Its local name.
        name: String,
    },
    /// Text, CDATA, a character reference or an attribute value quick-xml cannot decode
    /// (bad escape, bad character reference, bad attribute syntax).
    #[error("{message}")]
    Decode {
        /// quick-xml's description.
        message: String,
    },
    /// An entity reference other than the five XML 1.0 predefined ones.
    #[error("unknown entity &{name};")]
    UnknownEntity {
        /// The entity name.
        name: String,
    },
    /// The text holds no element at all.
    #[error("no event element")]
    NoEvent,
    /// The text ends before these elements are closed.
    #[error("cut before </{open}>")]
    Cut {
        /// The open elements, innermost first, joined by `></`.
        open: String,
    },
}

/// A quick-xml decoding failure as an [`EventXmlError::Decode`].
fn decode_error(e: impl std::fmt::Display) -> EventXmlError {
    EventXmlError::Decode {
        message: e.to_string(),
    }
}

/// Why a well-formed `<Event>` gives no record: it lacks what every timeline entry needs. The
/// line is added by the caller as a [`crate::model::Locator::Line`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(super) enum EventSkipped {
    /// No `System/TimeCreated@SystemTime`.
    #[error("event has no TimeCreated SystemTime, event skipped")]
    NoTime,
    /// A `SystemTime` that is neither RFC 3339 nor a zone-less ISO date-time.
    #[error("unreadable TimeCreated SystemTime {value:?}, event skipped")]
    BadTime {
        /// The attribute value.
        value: String,
    },
    /// No `System/EventID`.
    #[error("event has no EventID, event skipped")]
    NoEventId,
    /// An `EventID` that is not a decimal or `0x` number.
    #[error("unreadable EventID {value:?}, event skipped")]
    BadEventId {
        /// The element text.
        value: String,
    },
}

fn newlines(s: &str) -> u64 {
    s.bytes().filter(|&c| c == b'\n').count() as u64
}

/// The fields of one `<Event>` as text, before conversion.
#[derive(Debug, Default)]
struct Parsed {
    provider: Option<String>,
    event_id: Option<String>,
    qualifiers: Option<String>,
    level: Option<String>,
    task: Option<String>,
    keywords: Option<String>,
    system_time: Option<String>,
    event_record_id: Option<String>,
    channel: Option<String>,
    computer: Option<String>,
    data: Vec<String>,
    binary: Option<String>,
    user_data: Vec<String>,
    r_message: Option<String>,
    r_level: Option<String>,
    r_provider: Option<String>,
}

/// Parses one event's text (starting at its `<Event` tag). Returns the fields and any
/// non-blank text after `</Event>` other than `</Events>` and comments.
fn parse_event(chunk: &str) -> Result<(Parsed, Option<String>), EventXmlError> {
    let mut rd = Reader::from_str(chunk);
    let mut p = Parsed::default();
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut leaf = false;
    loop {
        let ev = rd.read_event().map_err(|e| EventXmlError::Syntax {
            message: e.to_string(),
            offset: rd.error_position(),
        })?;
        match ev {
            Event::Start(s) => {
                let name = local(&s);
                if stack.is_empty() && name != "Event" {
                    return Err(EventXmlError::NotEvent { name });
                }
                stack.push(name);
                attributes(&s, &stack, &mut p)?;
                text.clear();
                leaf = true;
            }
            Event::Empty(s) => {
                let name = local(&s);
                if stack.is_empty() {
                    return Err(EventXmlError::EmptyRoot { name });
                }
                stack.push(name);
                attributes(&s, &stack, &mut p)?;
                text.clear();
                element_text(&stack, String::new(), &mut p);
                stack.pop();
                leaf = false;
            }
            Event::End(_) => {
                if leaf {
                    element_text(&stack, std::mem::take(&mut text), &mut p);
                }
                leaf = false;
                text.clear();
                stack.pop();
                if stack.is_empty() {
                    let pos = usize::try_from(rd.buffer_position()).unwrap_or(chunk.len());
                    return Ok((p, trailing(chunk.get(pos..).unwrap_or(""))));
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content().map_err(decode_error)?;
                text.push_str(&s);
            }
            Event::CData(t) => {
                let s = t.decode().map_err(decode_error)?;
                text.push_str(&s);
            }
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().map_err(decode_error)? {
                    text.push(c);
                } else {
                    let name = r.decode().map_err(decode_error)?;
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(v) => text.push_str(v),
                        None => {
                            return Err(EventXmlError::UnknownEntity {
                                name: name.into_owned(),
                            });
                        }
                    }
                }
            }
            Event::Eof => {
                return Err(if stack.is_empty() {
                    EventXmlError::NoEvent
                } else {
                    let open: Vec<&str> = stack.iter().rev().map(String::as_str).collect();
                    EventXmlError::Cut {
                        open: open.join("></"),
                    }
                });
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
}

/// What follows `</Event>` in its chunk, when it is more than blanks, `</Events>` and comments.
fn trailing(rest: &str) -> Option<String> {
    let mut r = rest.trim();
    loop {
        if let Some(x) = r.strip_prefix("</Events>") {
            r = x.trim_start();
        } else if let Some(x) = r.strip_prefix("<!--") {
            match x.find("-->") {
                Some(end) => r = x.get(end + 3..).unwrap_or("").trim_start(),
                None => break,
            }
        } else {
            break;
        }
    }
    if r.is_empty() {
        None
    } else {
        Some(r.chars().take(60).collect())
    }
}

/// The element's local name (without a namespace prefix).
fn local(s: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(s.local_name().as_ref()).into_owned()
}

fn path_is(stack: &[String], want: &[&str]) -> bool {
    stack.len() == want.len() && stack.iter().zip(want).all(|(a, b)| a == b)
}

/// Stores the attributes halfopen uses: `Provider@Name`, `EventID@Qualifiers`,
/// `TimeCreated@SystemTime`.
fn attributes(s: &BytesStart<'_>, stack: &[String], p: &mut Parsed) -> Result<(), EventXmlError> {
    let want: &[u8] = if path_is(stack, &["Event", "System", "Provider"]) {
        b"Name"
    } else if path_is(stack, &["Event", "System", "EventID"]) {
        b"Qualifiers"
    } else if path_is(stack, &["Event", "System", "TimeCreated"]) {
        b"SystemTime"
    } else {
        return Ok(());
    };
    let mut value = None;
    for a in s.attributes() {
        let a = a.map_err(decode_error)?;
        if a.key.local_name().as_ref() == want {
            let v = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(decode_error)?;
            value = Some(v.into_owned());
        }
    }
    match stack.last().map(String::as_str) {
        Some("Provider") => p.provider = value,
        Some("EventID") => p.qualifiers = value,
        Some("TimeCreated") => p.system_time = value,
        _ => {}
    }
    Ok(())
}

/// Stores the text of a leaf element at `stack`.
fn element_text(stack: &[String], text: String, p: &mut Parsed) {
    let names: Vec<&str> = stack.iter().map(String::as_str).collect();
    match names.as_slice() {
        ["Event", "System", "EventID"] => p.event_id = Some(text),
        ["Event", "System", "Level"] => p.level = Some(text),
        ["Event", "System", "Task"] => p.task = Some(text),
        ["Event", "System", "Keywords"] => p.keywords = Some(text),
        ["Event", "System", "EventRecordID"] => p.event_record_id = Some(text),
        ["Event", "System", "Channel"] => p.channel = Some(text),
        ["Event", "System", "Computer"] => p.computer = Some(text),
        ["Event", "EventData", "Data"] => p.data.push(text),
        ["Event", "EventData", "Binary"] => p.binary = Some(text),
        ["Event", "UserData", _, ..] => p.user_data.push(text),
        ["Event", "RenderingInfo", "Message"] => p.r_message = Some(text),
        ["Event", "RenderingInfo", "Level"] => p.r_level = Some(text),
        ["Event", "RenderingInfo", "Provider"] => p.r_provider = Some(text),
        _ => {}
    }
}

/// `SystemTime` as UTC: RFC 3339 with `Z` or an offset; a value with no zone is read as UTC
/// (the schema's TimeCreated is always UTC).
fn system_time(s: &str) -> Option<UtcTime> {
    if let Some(t) = UtcTime::parse_rfc3339(s) {
        return Some(t);
    }
    let dt: jiff::civil::DateTime = s.trim().parse().ok()?;
    let ts = jiff::tz::TimeZone::UTC.to_timestamp(dt).ok()?;
    let digits = s
        .split_once('.')
        .map(|(_, f)| f.bytes().take_while(u8::is_ascii_digit).count().min(9) as u8)
        .unwrap_or(0);
    Some(UtcTime::from_unix_nanos(
        i64::try_from(ts.as_nanosecond()).ok()?,
        digits,
    ))
}

impl Parsed {
    /// The record; `Err` (the event is skipped) when it has no readable `TimeCreated` or
    /// `EventID`, which no timeline entry can do without.
    fn into_record(self, ordinal: u64) -> Result<EventRecord, EventSkipped> {
        let time = match &self.system_time {
            Some(s) => system_time(s).ok_or_else(|| EventSkipped::BadTime { value: s.clone() })?,
            None => return Err(EventSkipped::NoTime),
        };
        let raw_id = match &self.event_id {
            Some(s) => parse_u64(s).ok_or_else(|| EventSkipped::BadEventId { value: s.clone() })?,
            None => return Err(EventSkipped::NoEventId),
        };
        let qualifiers = self
            .qualifiers
            .as_deref()
            .and_then(parse_u64)
            .or(if raw_id > 0xffff {
                Some(raw_id >> 16)
            } else {
                None
            })
            .and_then(|q| u16::try_from(q & 0xffff).ok());
        let event_record_id = self.event_record_id.as_deref().and_then(parse_u64);
        let level = self
            .level
            .as_deref()
            .and_then(parse_u64)
            .and_then(|v| u8::try_from(v).ok())
            .or_else(|| {
                self.r_level
                    .as_deref()
                    .and_then(super::level::level_from_name)
            });
        let mut data = if !self.data.is_empty() {
            self.data
        } else {
            self.user_data
        };
        if data.iter().all(|d| d.trim().is_empty())
            && let Some(m) = self.r_message.filter(|m| !m.trim().is_empty())
        {
            data = vec![m];
        }
        Ok(EventRecord {
            record_id: event_record_id.unwrap_or(ordinal),
            event_record_id,
            provider: self
                .provider
                .filter(|p| !p.is_empty())
                .or(self.r_provider)
                .unwrap_or_default(),
            event_id: (raw_id & 0xffff) as u16,
            qualifiers,
            level,
            task: self
                .task
                .as_deref()
                .and_then(parse_u64)
                .and_then(|v| u16::try_from(v).ok()),
            keywords: self.keywords.as_deref().and_then(parse_u64),
            time,
            written: None,
            computer: self.computer.unwrap_or_default(),
            channel: self.channel.unwrap_or_default(),
            data,
            named: Vec::new(),
            binary: self.binary.as_deref().and_then(decode_hex),
            recovered: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "http://schemas.microsoft.com/win/2004/08/events/event";

    fn tcpip(id: u32, rec: u32, t: &str) -> String {
        format!(
            "<Event xmlns='{NS}'><System><Provider Name='Tcpip'/>\
             <EventID Qualifiers='32768'>4226</EventID><Level>3</Level><Task>0</Task>\
             <Keywords>0x80000000000000</Keywords><TimeCreated SystemTime='{t}'/>\
             <EventRecordID>{rec}</EventRecordID><Channel>System</Channel>\
             <Computer>WS-ALARM01</Computer><Security/></System><EventData><Data></Data>\
             <Binary>0000000001005400000000008210008001000000</Binary></EventData>\
             <!-- id {id} --></Event>"
        )
    }

    fn read(text: &str) -> EventLog {
        let mut log = EventLog::default();
        read_xml(text, &mut log);
        log
    }

    #[test]
    fn wevtutil_events_without_a_root_are_read_in_order() {
        let text = format!(
            "{}\r\n{}\r\n",
            tcpip(1, 1205, "2026-03-14T10:02:13.1234567Z"),
            tcpip(2, 1206, "2026-03-14T10:02:14.000000000Z")
        );
        let log = read(&text);
        assert_eq!(log.problems, vec![]);
        assert_eq!(log.records.len(), 2);
        let r = &log.records[0];
        assert_eq!(r.provider, "Tcpip");
        assert_eq!(
            (r.event_id, r.qualifiers, r.level, r.task),
            (4226, Some(32768), Some(3), Some(0))
        );
        assert_eq!(r.keywords, Some(0x80000000000000));
        assert_eq!((r.record_id, r.event_record_id), (1205, Some(1205)));
        assert_eq!(r.time.to_string(), "2026-03-14T10:02:13.1234567Z");
        assert_eq!(
            (r.computer.as_str(), r.channel.as_str()),
            ("WS-ALARM01", "System")
        );
        assert_eq!(r.data, vec![String::new()]);
        assert_eq!(r.binary.as_ref().map(Vec::len), Some(20));
        assert_eq!(
            log.records[1].time.to_string(),
            "2026-03-14T10:02:14.000000000Z"
        );
    }

    #[test]
    fn a_malformed_event_is_a_problem_at_its_line_and_the_next_is_read() {
        let text = format!(
            "<?xml version=\"1.0\"?>\n<Events>\n<Event xmlns='{NS}'><System><Provider Name='X'/>\n\
             <EventID>1</Level></System></Event>\n{}\n</Events>\n",
            tcpip(2, 7, "2026-03-14T10:02:13Z")
        );
        let log = read(&text);
        assert_eq!(log.records.len(), 1);
        assert_eq!(log.records[0].record_id, 7);
        assert_eq!(log.problems.len(), 1);
        assert_eq!(log.problems[0].locator, Locator::Line(3));
        assert!(log.problems[0].reason.starts_with("malformed event XML"));
    }

    #[test]
    fn a_cut_last_event_is_a_problem() {
        let full = tcpip(1, 1, "2026-03-14T10:02:13Z");
        let cut = full.find("<EventData>").unwrap();
        let text = format!("{full}\n{}", &full[..cut]);
        let log = read(&text);
        assert_eq!(log.records.len(), 1);
        assert_eq!(log.problems.len(), 1);
        assert_eq!(log.problems[0].locator, Locator::Line(2));
        assert!(
            log.problems[0].reason.ends_with("cut before </Event>"),
            "{:?}",
            log.problems
        );
    }

    #[test]
    fn rendering_info_fills_level_and_message_and_named_data_keeps_order() {
        let text = format!(
            "<Event xmlns='{NS}'><System><Provider Name='Service Control Manager' \
             EventSourceName='Service Control Manager'/><EventID Qualifiers='16384'>7036</EventID>\
             <TimeCreated SystemTime='2026-03-14T09:58:02.5Z'/><Computer>WS</Computer></System>\
             <EventData><Data Name='param1'>Windows &amp; Update</Data><Data Name='param2'>running</Data>\
             </EventData><RenderingInfo Culture='en-US'><Message>The Windows &amp; Update service entered the running state.</Message>\
             <Level>Information</Level><Provider>Microsoft-Windows-Service Control Manager</Provider>\
             </RenderingInfo></Event>"
        );
        let log = read(&text);
        assert_eq!(log.problems, vec![]);
        let r = &log.records[0];
        assert_eq!(r.provider, "Service Control Manager");
        assert_eq!(r.level, Some(4));
        assert_eq!(
            r.data,
            vec!["Windows & Update".to_string(), "running".into()]
        );
        assert_eq!((r.record_id, r.event_record_id), (1, None));
        // No inserts at all: the rendered message stands in.
        let text = text.replace(
            "<EventData><Data Name='param1'>Windows &amp; Update</Data><Data Name='param2'>running</Data>\
             </EventData>",
            "",
        );
        let log = read(&text);
        assert_eq!(
            log.records[0].data,
            vec!["The Windows & Update service entered the running state.".to_string()]
        );
    }

    #[test]
    fn user_data_leaves_become_data_and_raw_32_bit_ids_split() {
        let text = format!(
            "<Event xmlns='{NS}'><System><Provider Name='Tcpip'/><EventID>2147487874</EventID>\
             <TimeCreated SystemTime='2026-03-14T10:02:13Z'/></System><UserData>\
             <Info xmlns='x'><A>one</A><B><C>two</C></B></Info></UserData></Event>"
        );
        let log = read(&text);
        let r = &log.records[0];
        assert_eq!((r.event_id, r.qualifiers), (4226, Some(32768)));
        assert_eq!(r.data, vec!["one".to_string(), "two".into()]);
    }

    #[test]
    fn an_event_without_time_is_skipped_with_a_reason() {
        let text = format!(
            "<Event xmlns='{NS}'><System><Provider Name='Tcpip'/><EventID>4226</EventID></System></Event>"
        );
        let log = read(&text);
        assert_eq!(log.records.len(), 0);
        assert_eq!(log.problems[0].locator, Locator::Line(1));
        assert!(log.problems[0].reason.contains("no TimeCreated"));
    }

    #[test]
    fn event_starts_skip_events_root_and_system_children() {
        let t =
            "<Events><Event>\n<EventData/><EventID>1</EventID></Event><Event\txmlns=''/></Events>";
        assert_eq!(event_starts(t), vec![8, 56]);
    }
}
