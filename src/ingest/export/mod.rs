//! Event Viewer exports: XML (`wevtutil qe /f:xml`, "Save as XML") and the text of "Save All
//! Events As" CSV/TXT (Vista+ and XP layouts), read into the same [`EventRecord`]s as `.evtx`.
//!
//! - [`Format::EventXml`] (`xml.rs`): times are `TimeCreated@SystemTime`, which is **UTC**
//!   already; `--event-tz` is not applied and [`EventLog::time_zone`] stays `None`.
//! - [`Format::EventCsv`] (`text.rs`): times are the exporting machine's **local** clock; they
//!   are read in `--event-tz` (UTC when none is given) and [`EventLog::time_zone`] names the zone
//!   used (`"UTC"` when none was given). DST gaps and folds use jiff's compatible
//!   disambiguation (see `text.rs`).
//!
//! Encodings (research/evtx.md §3.2: Event Viewer and PowerShell `>` write UTF-16LE, cmd `>`
//! writes the ANSI/OEM code page): a UTF-8, UTF-16LE or UTF-16BE byte order mark decides; without
//! one, text whose first code units have NUL high bytes is UTF-16LE (NUL low bytes: UTF-16BE);
//! else UTF-8 (a character cut at the very end becomes U+FFFD), and if that is invalid, Windows-1252
//! (XP's Western ANSI code page).
//!
//! [`EventRecord`]: crate::model::EventRecord

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod level;
mod text;
mod text_error;
mod xml;

use crate::ingest::error::IngestError;
use crate::model::EventLog;
use crate::model::NamedTz;
use crate::model::{Format, Locator, Problem};
use std::borrow::Cow;
use std::path::Path;

/// [`Format::EventXml`] or [`Format::EventCsv`] when `head` (a file's first bytes, in any of
/// the encodings above) looks like an Event Viewer export:
///
/// - XML: after optional blanks, an `<?xml …?>` declaration and comments, the first element is
///   `<Events>` or `<Event …>`;
/// - text: the first non-empty line is the Vista+ header (English or German) or an XP row (a
///   date, a time, a source, and a numeric event id in column 6, at least 8 comma- or
///   tab-separated columns).
///
/// Anything else (netstat output, other CSV, other XML) gives `None`.
pub fn sniff_export(head: &[u8]) -> Option<Format> {
    let (text, _) = decode(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('<') {
        return sniff_xml(t).then_some(Format::EventXml);
    }
    let line = t.split('\n').next().unwrap_or("").trim_end_matches('\r');
    text::sniff_line(line).map(|_| Format::EventCsv)
}

/// Whether the first element of `t` (which starts with `<`) is `<Events>` or `<Event>`.
fn sniff_xml(mut t: &str) -> bool {
    loop {
        if let Some(rest) = t.strip_prefix("<?") {
            match rest.find("?>") {
                Some(i) => t = rest.get(i + 2..).unwrap_or("").trim_start(),
                None => return false,
            }
        } else if let Some(rest) = t.strip_prefix("<!--") {
            match rest.find("-->") {
                Some(i) => t = rest.get(i + 3..).unwrap_or("").trim_start(),
                None => return false,
            }
        } else {
            break;
        }
    }
    for name in ["<Events", "<Event"] {
        if let Some(rest) = t.strip_prefix(name) {
            return matches!(
                rest.bytes().next(),
                Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
            );
        }
    }
    false
}

/// Reads an export of `format` ([`Format::EventXml`] or [`Format::EventCsv`]); local times are
/// read in `tz` (UTC when `None`; `EventLog::time_zone` says which zone was used).
///
/// Records: see `xml.rs` and `text.rs` for the field mapping. A malformed XML event or an
/// unreadable text row becomes a [`Problem`] at [`Locator::Line`] (the 1-based line the event or
/// row starts on) and reading goes on; UTF-16 decoding errors (replaced by U+FFFD) are one
/// problem at [`Locator::File`].
///
/// Errors: [`IngestError::Io`] when the file cannot be read; [`IngestError::BadHeader`] when
/// `format` is not an export format or a text export's first line is neither a Vista+ header
/// nor an XP row.
pub fn read_event_export(
    path: &Path,
    format: Format,
    tz: Option<&NamedTz>,
) -> Result<EventLog, IngestError> {
    let bad = |reason: String| IngestError::BadHeader {
        path: path.to_path_buf(),
        format,
        reason,
    };
    if !matches!(format, Format::EventXml | Format::EventCsv) {
        return Err(bad(format!(
            "{format} is not an Event Viewer export format"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| IngestError::io(path, e))?;
    let (text, had_errors) = decode(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut log = EventLog::default();
    if had_errors {
        log.problems.push(Problem::new(
            Locator::File,
            "invalid UTF-16 code units replaced by U+FFFD",
        ));
    }
    if format == Format::EventXml {
        xml::read_xml(text, &mut log);
    } else {
        let (zone, name) = match tz {
            Some(z) => (&z.tz, z.name.clone()),
            None => (&jiff::tz::TimeZone::UTC, "UTC".to_string()),
        };
        text::read_text(text, zone, &mut log).map_err(|e| bad(e.to_string()))?;
        log.time_zone = Some(name);
    }
    Ok(log)
}

/// Decodes an export's bytes (see the module docs for the rules). The flag is true when
/// UTF-16 code units were invalid and replaced.
fn decode(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or(&[]);
        let (s, errors) = enc.decode_without_bom_handling(body);
        return (s, errors && enc != encoding_rs::UTF_8);
    }
    match utf16_guess(bytes) {
        Some(enc) => {
            let (s, errors) = enc.decode_without_bom_handling(bytes);
            (s, errors)
        }
        None => match std::str::from_utf8(bytes) {
            Ok(s) => (Cow::Borrowed(s), false),
            // Valid UTF-8 cut inside its last character (a cut file, or a sniffed head).
            Err(e) if e.error_len().is_none() => (String::from_utf8_lossy(bytes), false),
            Err(_) => {
                let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                (s, false)
            }
        },
    }
}

/// UTF-16LE or BE when most of the first (up to 256) code units have a NUL high (LE) or low
/// (BE) byte, as ASCII-range text in UTF-16 has.
fn utf16_guess(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let units: Vec<(u8, u8)> = bytes
        .chunks_exact(2)
        .take(256)
        .filter_map(|u| match u {
            [a, b] => Some((*a, *b)),
            _ => None,
        })
        .collect();
    if units.len() < 2 {
        return None;
    }
    let le = units.iter().filter(|&&(a, b)| b == 0 && a != 0).count();
    let be = units.iter().filter(|&&(a, b)| a == 0 && b != 0).count();
    if le * 10 >= units.len() * 8 {
        Some(encoding_rs::UTF_16LE)
    } else if be * 10 >= units.len() * 8 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::level::level_from_name;
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xff, 0xfe] } else { Vec::new() };
        v.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        v
    }

    const HEADER: &str = "Level,Date and Time,Source,Event ID,Task Category\r\n";

    #[test]
    fn sniffs_exports_in_every_encoding() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n<Events><Event xmlns='x'>";
        let cases: Vec<(Vec<u8>, Option<Format>)> = vec![
            (xml.as_bytes().to_vec(), Some(Format::EventXml)),
            (utf16le(xml, true), Some(Format::EventXml)),
            (utf16le(xml, false), Some(Format::EventXml)),
            (
                b"<Event xmlns='http://schemas'>".to_vec(),
                Some(Format::EventXml),
            ),
            (b"\xef\xbb\xbf  <Events>\n".to_vec(), Some(Format::EventXml)),
            (b"<!-- c --><Event>".to_vec(), Some(Format::EventXml)),
            (HEADER.as_bytes().to_vec(), Some(Format::EventCsv)),
            (utf16le(HEADER, true), Some(Format::EventCsv)),
            (
                utf16le(&HEADER.replace(',', "\t"), false),
                Some(Format::EventCsv),
            ),
            (
                b"3/14/2026\t11:02:13 AM\tTcpip\tWarning\tNone\t4226\tN/A\tWS\tx\r\n".to_vec(),
                Some(Format::EventCsv),
            ),
            (b"<?xml version='1.0'?><html>".to_vec(), None),
            (b"<EventData>".to_vec(), None),
            (
                b"\r\nActive Connections\r\n\r\n  Proto  Local Address".to_vec(),
                None,
            ),
            (b"".to_vec(), None),
            (b"Level,Date and Time\r\n".to_vec(), None),
        ];
        for (bytes, want) in cases {
            assert_eq!(
                sniff_export(&bytes),
                want,
                "{:?}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }

    #[test]
    fn decodes_boms_bomless_utf16_and_ansi() {
        assert_eq!(decode(&utf16le("Größe", true)).0, "Größe");
        assert_eq!(decode(&utf16le("Level,Größe", false)).0, "Level,Größe");
        assert_eq!(decode(b"Gr\xf6\xdfe").0, "Größe");
        assert_eq!(decode("Größe".as_bytes()).0, "Größe");
        // Cut inside the last character: still UTF-8, not Windows-1252.
        assert_eq!(decode(&"Größe€".as_bytes()[..9]).0, "Größe\u{fffd}");
        // A lone surrogate is replaced and reported.
        let mut bad = utf16le("ab", true);
        bad.extend([0x00, 0xd8, b'c', 0]);
        assert_eq!(decode(&bad), (Cow::Owned("ab\u{fffd}c".to_string()), true));
    }

    #[test]
    fn level_names() {
        assert_eq!(level_from_name("Warning"), Some(3));
        assert_eq!(level_from_name(" FEHLER "), Some(2));
        assert_eq!(level_from_name("Ausführlich"), Some(5));
        assert_eq!(level_from_name("Success Audit"), Some(0));
        assert_eq!(level_from_name("Avertissement"), None);
    }
}
