//! Event Viewer text exports (research/evtx.md §3.2), both read as delimited text with CSV
//! quoting (a field that holds the delimiter, a quote or a line break is wrapped in `"`, inner
//! quotes doubled):
//!
//! - **Vista and later**, "Save All Events As… → CSV / Text": a header row
//!   `Level,Date and Time,Source,Event ID,Task Category` (German
//!   `Ebene,Datum und Uhrzeit,Quelle,Ereignis-ID,Aufgabenkategorie`), then one row per event
//!   whose sixth, unnamed column is the (often multi-line) description. `.csv` is
//!   comma-separated, `.txt` tab-separated. No computer or channel column.
//! - **XP / Server 2003**, Event Viewer "Save Log File As… → CSV / Text": **no header row**;
//!   columns Date, Time, Source, Type, Category, Event, User, Computer, Description (MS WS2003
//!   "File formats for archived logs"), comma- or tab-separated.
//!
//! Not checked against a real export (research/evtx.md §3.2 marks them unverified): the sixth
//! column being unnamed (a header with a sixth name is accepted too), TXT using CSV quoting for
//! multi-line descriptions (an unquoted line break there splits the row: the continuation
//! becomes a skipped row with a problem), and XP having no header row.
//!
//! Rows are numbered from 1 after the header; that number is the record's `record_id`
//! (`event_record_id` is `None`). Fields: provider = Source, level = [`level_from_name`] of
//! Level/Type, task = Task Category/Category when it is a number (`3` or `(3)`) else `None`,
//! computer = XP's Computer column (`""` for Vista+), channel `""`, data = the description as
//! one string (extra fields from an unquoted delimiter are joined back with it).
//!
//! Dates and times are in the exporting machine's locale and **local time**. Accepted forms:
//! `M/D/YYYY` or `D/M/YYYY` (and two-digit years, read as 19xx from 70 up, else 20xx),
//! `D.M.YYYY`, `YYYY-MM-DD`, `YYYY/MM/DD`; times `H:MM[:SS[.fff]]` with an optional `AM`/`PM`
//! (also `a.m.`/`p.m.`). Day/month order for `a/b/YYYY` is chosen once per file: day first if any
//! row's first number is above 12, else month first if any row's second number is above 12, else
//! month first for `/` (the en-US default of the English header and of XP) and day first for `.`
//! and `-`.
//!
//! Local times become UTC in the given zone with jiff's *compatible* disambiguation (RFC 5545
//! / Temporal): a time that falls in a DST gap is moved forward by the gap's length, a time that
//! occurs twice in a DST fold takes the earlier (daylight) offset. An export does not say which
//! of the two a repeated hour was, so events in that hour may be an hour early.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::level::level_from_name;
use super::text_error::{NotTextExport, RowSkipped};
use crate::model::{EventLog, EventRecord};
use crate::model::{Locator, Problem, UtcTime};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

/// Which text export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    /// Vista+ with the 5-name header row.
    Vista,
    /// XP/2003 with 9 columns and no header.
    Xp,
}

/// A text export's layout and field delimiter (`b','` or `b'\t'`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shape {
    pub layout: Layout,
    pub delimiter: u8,
}

/// The Vista+ header names, English and German (Event Viewer column titles).
const HEADERS: [[&str; 5]; 2] = [
    [
        "level",
        "date and time",
        "source",
        "event id",
        "task category",
    ],
    [
        "ebene",
        "datum und uhrzeit",
        "quelle",
        "ereignis-id",
        "aufgabenkategorie",
    ],
];

/// The shape of an export whose first non-empty line is `line` (without its line break):
/// the Vista+ header, or an XP row (a date, a time and a numeric event id in columns 1, 2, 6,
/// at least 8 columns); else `None`.
pub(super) fn sniff_line(line: &str) -> Option<Shape> {
    for delimiter in [b'\t', b','] {
        let fields = split_line(line, delimiter);
        if is_vista_header(&fields) {
            return Some(Shape {
                layout: Layout::Vista,
                delimiter,
            });
        }
        if looks_like_xp_row(&fields) {
            return Some(Shape {
                layout: Layout::Xp,
                delimiter,
            });
        }
    }
    None
}

/// The fields of one line (CSV quoting; an unclosed quote runs to the end of the line).
fn split_line(line: &str, delimiter: u8) -> Vec<String> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(line.as_bytes());
    let mut rec = csv::StringRecord::new();
    match rd.read_record(&mut rec) {
        Ok(true) => rec.iter().map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

fn is_vista_header(fields: &[String]) -> bool {
    fields.len() >= 5
        && HEADERS.iter().any(|names| {
            names
                .iter()
                .zip(fields)
                .all(|(n, f)| f.trim().eq_ignore_ascii_case(n))
        })
}

fn looks_like_xp_row(fields: &[String]) -> bool {
    fields.len() >= 8
        && fields.first().is_some_and(|d| parse_date_form(d).is_some())
        && fields.get(1).is_some_and(|t| parse_time(t).is_some())
        && fields
            .get(5)
            .is_some_and(|id| id.trim().parse::<u32>().is_ok())
        && fields.get(2).is_some_and(|s| !s.trim().is_empty())
}

/// A date as written: year-first (unambiguous) or `a<sep>b<sep>year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateForm {
    Ymd(i16, i8, i8),
    Ambiguous { a: i8, b: i8, year: i16, sep: char },
}

fn parse_date_form(s: &str) -> Option<DateForm> {
    let s = s.trim().trim_end_matches('.');
    let sep = s.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = s.split(sep).map(str::trim).collect();
    let [p0, p1, p2] = parts.as_slice() else {
        return None;
    };
    let num = |p: &str| -> Option<i32> {
        if p.is_empty() || p.len() > 4 || !p.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let (n0, n1, n2) = (num(p0)?, num(p1)?, num(p2)?);
    if p0.len() == 4 {
        return Some(DateForm::Ymd(
            i16::try_from(n0).ok()?,
            i8::try_from(n1).ok()?,
            i8::try_from(n2).ok()?,
        ));
    }
    let year = match p2.len() {
        4 => n2,
        2 if n2 >= 70 => 1900 + n2,
        2 => 2000 + n2,
        _ => return None,
    };
    if !(1..=31).contains(&n0) || !(1..=31).contains(&n1) {
        return None;
    }
    Some(DateForm::Ambiguous {
        a: i8::try_from(n0).ok()?,
        b: i8::try_from(n1).ok()?,
        year: i16::try_from(year).ok()?,
        sep,
    })
}

/// A clock time: hour, minute, second, nanoseconds and the count of fraction digits.
fn parse_time(s: &str) -> Option<(i8, i8, i8, i32, u8)> {
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    let (clock, pm) = if let Some(c) = lower
        .strip_suffix("am")
        .or_else(|| lower.strip_suffix("a.m."))
    {
        (c.trim_end().to_string(), Some(false))
    } else if let Some(c) = lower
        .strip_suffix("pm")
        .or_else(|| lower.strip_suffix("p.m."))
    {
        (c.trim_end().to_string(), Some(true))
    } else {
        (lower, None)
    };
    let (hms, frac) = match clock.split_once(['.', ',']) {
        Some((a, f)) => (a.to_string(), Some(f.to_string())),
        None => (clock, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let small = |p: &str| -> Option<i8> {
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let (mut h, m, sec) = match parts.as_slice() {
        [h, m] => (small(h)?, small(m)?, 0),
        [h, m, s] => (small(h)?, small(m)?, small(s)?),
        _ => return None,
    };
    match pm {
        Some(pm) if (1..=12).contains(&h) => {
            h = match (pm, h) {
                (false, 12) => 0,
                (true, 12) => 12,
                (true, h) => h + 12,
                (false, h) => h,
            };
        }
        Some(_) => return None,
        None => {}
    }
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    let (nanos, digits) = match frac {
        None => (0, 0),
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|c| c.is_ascii_digit()) => {
            let v: i32 = f.parse().ok()?;
            (v * 10i32.pow(9 - f.len() as u32), f.len() as u8)
        }
        Some(_) => return None,
    };
    Some((h, m, sec, nanos, digits))
}

/// Day/month order for `a<sep>b<sep>year` dates, chosen for the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    MonthFirst,
    DayFirst,
}

fn choose_order(dates: impl Iterator<Item = DateForm>) -> Order {
    let mut first_sep = None;
    let mut month_first_possible = false;
    for d in dates {
        if let DateForm::Ambiguous { a, b, sep, .. } = d {
            first_sep.get_or_insert(sep);
            if a > 12 {
                return Order::DayFirst;
            }
            if b > 12 {
                month_first_possible = true;
            }
        }
    }
    if month_first_possible || first_sep == Some('/') || first_sep.is_none() {
        Order::MonthFirst
    } else {
        Order::DayFirst
    }
}

fn civil(date: DateForm, order: Order, time: (i8, i8, i8, i32, u8)) -> Option<DateTime> {
    let (y, m, d) = match date {
        DateForm::Ymd(y, m, d) => (y, m, d),
        DateForm::Ambiguous { a, b, year, .. } => match order {
            Order::MonthFirst => (year, a, b),
            Order::DayFirst => (year, b, a),
        },
    };
    DateTime::new(y, m, d, time.0, time.1, time.2, time.3).ok()
}

/// 1-based line numbers of byte offsets, counted forward (offsets must not decrease).
///
/// The csv crate's own `Position::line` lags by one after `\r\n` line ends (it stops at the
/// `\r`), and a record's byte offset may point at the `\n` of the previous line end, so line
/// breaks at the offset are skipped before counting.
struct LineCounter<'a> {
    text: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str, first_line: u64) -> Self {
        LineCounter {
            text: text.as_bytes(),
            counted_to: 0,
            line: first_line,
        }
    }

    fn line_at(&mut self, byte: u64) -> u64 {
        let mut at = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while matches!(self.text.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        if at > self.counted_to {
            let seen = self.text.get(self.counted_to..at).unwrap_or(&[]);
            self.line += seen.iter().filter(|&&c| c == b'\n').count() as u64;
            self.counted_to = at;
        }
        self.line
    }
}

/// One data row before its date is resolved.
struct Row {
    /// 1-based data row number (header not counted).
    number: u64,
    /// 1-based line the row starts on.
    line: u64,
    fields: Vec<String>,
}

/// Reads a text export (already decoded) into `log`, local times read in `tz`.
///
/// Errors (the file is not a text export) name what the first line looked like.
pub(super) fn read_text(
    text: &str,
    tz: &TimeZone,
    log: &mut EventLog,
) -> Result<(), NotTextExport> {
    // The first non-empty line decides the layout.
    let mut start = 0;
    let mut skipped_lines = 0u64;
    let first = loop {
        let rest = text.get(start..).unwrap_or("");
        if rest.is_empty() {
            return Err(NotTextExport::Empty);
        }
        let (line, next) = match rest.find('\n') {
            Some(i) => (rest.get(..i).unwrap_or(""), start + i + 1),
            None => (rest, text.len()),
        };
        let line = line.trim_end_matches('\r');
        if !line.trim().is_empty() {
            break line;
        }
        start = next;
        skipped_lines += 1;
    };
    let shape = sniff_line(first).ok_or_else(|| NotTextExport::FirstLine {
        line: skipped_lines + 1,
        start: first.chars().take(80).collect(),
    })?;
    let body = text.get(start..).unwrap_or("");
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(shape.delimiter)
        .from_reader(body.as_bytes());
    let mut rows = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut number = 0u64;
    let mut header_seen = shape.layout == Layout::Xp;
    let mut lines = LineCounter::new(body, skipped_lines + 1);
    loop {
        let before = rd.position().byte();
        match rd.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.line_at(rec.position().map_or(before, |p| p.byte()));
                if !header_seen {
                    header_seen = true;
                    continue;
                }
                number += 1;
                rows.push(Row {
                    number,
                    line,
                    fields: rec.iter().map(str::to_string).collect(),
                });
            }
            Err(e) => {
                // Input is valid UTF-8 text, so this is not expected; keep going after it
                // unless the reader is stuck.
                number += 1;
                let line = lines.line_at(e.position().map_or(before, |p| p.byte()));
                log.problems.push(Problem::new(
                    Locator::Line(line),
                    format!("row unreadable: {e}"),
                ));
                if rd.position().byte() == before {
                    break;
                }
            }
        }
    }
    let date_col = |r: &Row| -> Option<DateForm> {
        match shape.layout {
            Layout::Xp => parse_date_form(r.fields.first()?),
            Layout::Vista => {
                let f = r.fields.get(1)?.trim();
                parse_date_form(f.split_once(' ').map_or(f, |x| x.0))
            }
        }
    };
    let order = choose_order(rows.iter().filter_map(date_col));
    let delim = char::from(shape.delimiter);
    for row in rows {
        if let Some(n) = swallowed_rows(&row, shape) {
            log.problems.push(Problem::new(
                Locator::Line(row.line),
                format!(
                    "row {}: its last field holds {n} line(s) that look like rows of their own \
                     (an unclosed quote?); kept inside that field",
                    row.number
                ),
            ));
        }
        match row_record(&row, shape.layout, order, tz, delim) {
            Ok(r) => log.records.push(r),
            Err(reason) => log.problems.push(Problem::new(
                Locator::Line(row.line),
                format!("row {} skipped: {reason}", row.number),
            )),
        }
    }
    Ok(())
}

/// How many lines inside the row's fields look like the start of a row of this layout: with
/// CSV quoting, a quote left open swallows the rows after it into one field.
fn swallowed_rows(row: &Row, shape: Shape) -> Option<usize> {
    let n = row
        .fields
        .iter()
        .flat_map(|f| f.lines().skip(1))
        .filter(|line| looks_like_row_start(line, shape))
        .count();
    (n > 0).then_some(n)
}

fn looks_like_row_start(line: &str, shape: Shape) -> bool {
    let fields = split_line(line, shape.delimiter);
    match shape.layout {
        Layout::Xp => looks_like_xp_row(&fields),
        Layout::Vista => {
            fields.len() >= 5
                && fields.first().is_some_and(|l| level_from_name(l).is_some())
                && fields.get(1).is_some_and(|dt| {
                    let dt = dt.trim();
                    parse_date_form(dt.split_once(' ').map_or(dt, |x| x.0)).is_some()
                })
                && fields
                    .get(3)
                    .is_some_and(|id| id.trim().parse::<u32>().is_ok())
        }
    }
}

/// Field `i` trimmed, or "" when the row is shorter.
fn field(row: &Row, i: usize) -> &str {
    row.fields.get(i).map_or("", |s| s.trim())
}

/// The description: field `from` and any further fields (an unquoted delimiter inside a
/// description splits it; they are joined back with the delimiter).
fn description(row: &Row, from: usize, delim: char) -> String {
    row.fields
        .get(from..)
        .map(|f| f.join(&delim.to_string()))
        .unwrap_or_default()
        .trim_end_matches(['\r', '\n'])
        .to_string()
}

/// A category column as a number: `3` or `(3)`; names (`None`, `Logon/Logoff`) give `None`.
fn category(s: &str) -> Option<u16> {
    let s = s.trim();
    let s = s
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(s);
    s.parse().ok()
}

fn row_record(
    row: &Row,
    layout: Layout,
    order: Order,
    tz: &TimeZone,
    delim: char,
) -> Result<EventRecord, RowSkipped> {
    let (min, date_s, time_s, source, level_s, cat, id_s, computer, desc_at) = match layout {
        Layout::Vista => {
            let dt = field(row, 1);
            let (d, t) = dt.split_once(' ').unwrap_or((dt, ""));
            (5, d, t, 2, 0, 4, 3, None, 5)
        }
        Layout::Xp => (8, field(row, 0), field(row, 1), 2, 3, 4, 5, Some(7), 8),
    };
    if row.fields.len() < min {
        return Err(RowSkipped::TooFewFields {
            got: row.fields.len(),
            min,
        });
    }
    let date = parse_date_form(date_s).ok_or_else(|| RowSkipped::BadDate {
        value: date_s.to_string(),
    })?;
    let time = parse_time(time_s).ok_or_else(|| RowSkipped::BadTime {
        value: time_s.to_string(),
    })?;
    let digits = time.4;
    let dt = civil(date, order, time).ok_or_else(|| RowSkipped::NoSuchDateTime {
        date: date_s.to_string(),
        time: time_s.to_string(),
    })?;
    let ts = tz
        .to_timestamp(dt)
        .map_err(|e| RowSkipped::NotConvertible {
            local: dt,
            reason: e.to_string(),
        })?;
    let nanos =
        i64::try_from(ts.as_nanosecond()).map_err(|_| RowSkipped::OutOfRange { local: dt })?;
    let raw_id: u32 = field(row, id_s)
        .parse()
        .map_err(|_| RowSkipped::BadEventId {
            value: field(row, id_s).to_string(),
        })?;
    Ok(EventRecord {
        record_id: row.number,
        event_record_id: None,
        provider: field(row, source).to_string(),
        event_id: (raw_id & 0xffff) as u16,
        qualifiers: if raw_id > 0xffff {
            u16::try_from(raw_id >> 16).ok()
        } else {
            None
        },
        level: level_from_name(field(row, level_s)),
        task: category(field(row, cat)),
        keywords: None,
        time: UtcTime::from_unix_nanos(nanos, digits),
        written: None,
        computer: computer.map_or("", |c| field(row, c)).to_string(),
        channel: String::new(),
        data: vec![description(row, desc_at, delim)],
        named: Vec::new(),
        binary: None,
        recovered: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> TimeZone {
        TimeZone::get("Europe/Berlin").unwrap()
    }

    fn read(text: &str) -> EventLog {
        let mut log = EventLog::default();
        read_text(text, &berlin(), &mut log).unwrap();
        log
    }

    const VISTA_CSV: &str = "Level,Date and Time,Source,Event ID,Task Category\r\n\
        Warning,3/14/2026 11:02:13 AM,Tcpip,4226,None,\"TCP/IP has reached the security limit imposed on the number of concurrent TCP connect attempts.\r\n\r\nSecond line with \"\"quotes\"\", and a comma.\"\r\n\
        Information,3/14/2026 8:58:02 AM,EventLog,6005,None,The Event log service was started.\r\n";

    #[test]
    fn vista_csv_rows_with_a_multi_line_description() {
        let log = read(VISTA_CSV);
        assert_eq!(log.problems, vec![]);
        assert_eq!(log.records.len(), 2);
        let r = &log.records[0];
        assert_eq!(
            (r.provider.as_str(), r.event_id, r.level),
            ("Tcpip", 4226, Some(3))
        );
        assert_eq!((r.record_id, r.event_record_id, r.task), (1, None, None));
        assert_eq!(r.time.to_string(), "2026-03-14T10:02:13Z");
        assert_eq!((r.computer.as_str(), r.channel.as_str()), ("", ""));
        assert_eq!(
            r.data,
            vec![
                "TCP/IP has reached the security limit imposed on the number of concurrent TCP \
                 connect attempts.\r\n\r\nSecond line with \"quotes\", and a comma."
                    .to_string()
            ]
        );
        let r = &log.records[1];
        assert_eq!((r.record_id, r.level), (2, Some(4)));
        assert_eq!(r.time.to_string(), "2026-03-14T07:58:02Z");
    }

    #[test]
    fn german_tab_separated_header_and_day_first_dates() {
        let text = "Ebene\tDatum und Uhrzeit\tQuelle\tEreignis-ID\tAufgabenkategorie\n\
                    Warnung\t14.03.2026 11:02:13\tTcpip\t4226\tKeine\tTCP/IP hat das Sicherheitslimit erreicht.\n\
                    Informationen\t01.07.2026 12:00:00\tEventLog\t6005\t(2)\tDer Ereignisprotokolldienst wurde gestartet.\n";
        let log = read(text);
        assert_eq!(log.problems, vec![]);
        assert_eq!(log.records[0].time.to_string(), "2026-03-14T10:02:13Z");
        assert_eq!(log.records[0].level, Some(3));
        // Summer time: 12:00 CEST is 10:00Z, and the date is 1 July (day first).
        assert_eq!(log.records[1].time.to_string(), "2026-07-01T10:00:00Z");
        assert_eq!(log.records[1].task, Some(2));
        assert_eq!(log.records[1].level, Some(4));
    }

    #[test]
    fn xp_rows_have_no_header_and_a_computer_column() {
        let text = "3/14/2026,11:02:13 AM,Tcpip,Warning,None,4226,N/A,WS-ALARM01,TCP/IP has reached the security limit.\r\n\
                    3/14/2026,12:15:00 PM,Security,Success Audit,Logon/Logoff,528,WS\\op,WS-ALARM01,Successful Logon\r\n";
        assert_eq!(
            sniff_line(text.lines().next().unwrap()),
            Some(Shape {
                layout: Layout::Xp,
                delimiter: b','
            })
        );
        let log = read(text);
        assert_eq!(log.problems, vec![]);
        let r = &log.records[0];
        assert_eq!(
            (r.provider.as_str(), r.event_id, r.level),
            ("Tcpip", 4226, Some(3))
        );
        assert_eq!(r.computer, "WS-ALARM01");
        assert_eq!(r.time.to_string(), "2026-03-14T10:02:13Z");
        assert_eq!(
            r.data,
            vec!["TCP/IP has reached the security limit.".to_string()]
        );
        let r = &log.records[1];
        assert_eq!((r.record_id, r.level, r.task), (2, Some(0), None));
        assert_eq!(r.time.to_string(), "2026-03-14T11:15:00Z");
    }

    #[test]
    fn a_bad_row_is_a_problem_at_its_line_and_the_rest_is_read() {
        let text = "\r\nLevel,Date and Time,Source,Event ID,Task Category\r\n\
                    Warning,3/14/2026 11:02:13 AM,Tcpip,4226,None,ok\r\n\
                    Warning,3/44/2026 11:02:13 AM,Tcpip,4226,None,bad date\r\n\
                    Warning,3/14/2026\r\n\
                    Error,3/14/2026 11:03:00 AM,Tcpip,x,None,bad id\r\n\
                    Error,3/14/2026 11:04:00 AM,Tcpip,4199,None,\"ok\"\r\n";
        let log = read(text);
        assert_eq!(log.records.len(), 2);
        assert_eq!(log.records[1].record_id, 5);
        assert_eq!(log.records[1].level, Some(2));
        let lines: Vec<_> = log.problems.iter().map(|p| p.locator.clone()).collect();
        assert_eq!(
            lines,
            vec![Locator::Line(4), Locator::Line(5), Locator::Line(6)]
        );
        assert!(
            log.problems[1]
                .reason
                .starts_with("row 3 skipped: 2 fields")
        );
    }

    #[test]
    fn an_unclosed_quote_that_swallows_rows_is_reported() {
        let text = "Level,Date and Time,Source,Event ID,Task Category\n\
                    Warning,3/14/2026 11:02:13 AM,Tcpip,4226,None,\"open quote\n\
                    Warning,3/14/2026 11:02:14 AM,Tcpip,4226,None,swallowed\n\
                    Information,3/14/2026 11:02:15 AM,EventLog,6005,None,swallowed too\n";
        let log = read(text);
        assert_eq!(log.records.len(), 1);
        assert_eq!(log.problems.len(), 1);
        assert_eq!(log.problems[0].locator, Locator::Line(2));
        assert!(
            log.problems[0].reason.contains("holds 2 line(s)"),
            "{:?}",
            log.problems
        );
        // A description that merely spans lines is not reported.
        assert_eq!(read(VISTA_CSV).problems, vec![]);
    }

    #[test]
    fn dst_gap_and_fold_use_compatible_disambiguation() {
        // 2026-03-29 02:30 does not exist in Berlin (gap 02:00→03:00): read as 03:30 CEST.
        // 2026-10-25 02:30 occurs twice: the first (CEST, +02:00) is used.
        let text = "Level,Date and Time,Source,Event ID,Task Category\n\
                    Warning,3/29/2026 2:30:00 AM,Tcpip,4226,None,gap\n\
                    Warning,10/25/2026 2:30:00 AM,Tcpip,4226,None,fold\n";
        let log = read(text);
        assert_eq!(log.records[0].time.to_string(), "2026-03-29T01:30:00Z");
        assert_eq!(log.records[1].time.to_string(), "2026-10-25T00:30:00Z");
    }

    #[test]
    fn dates_and_times_in_the_accepted_forms() {
        assert_eq!(
            parse_date_form("2026-03-14"),
            Some(DateForm::Ymd(2026, 3, 14))
        );
        assert_eq!(
            parse_date_form("3/14/06"),
            Some(DateForm::Ambiguous {
                a: 3,
                b: 14,
                year: 2006,
                sep: '/'
            })
        );
        assert_eq!(parse_date_form("14.3.2026 x"), None);
        assert_eq!(parse_time("12:05:01 AM"), Some((0, 5, 1, 0, 0)));
        assert_eq!(parse_time("12:05:01 p.m."), Some((12, 5, 1, 0, 0)));
        assert_eq!(
            parse_time("1:05:01.25 PM"),
            Some((13, 5, 1, 250_000_000, 2))
        );
        assert_eq!(parse_time("13:05 PM"), None);
        assert_eq!(parse_time("24:00:00"), None);
    }

    #[test]
    fn day_month_order_is_chosen_per_file() {
        let amb = |a, b| DateForm::Ambiguous {
            a,
            b,
            year: 2026,
            sep: '/',
        };
        assert_eq!(
            choose_order([amb(3, 4), amb(14, 3)].into_iter()),
            Order::DayFirst
        );
        assert_eq!(
            choose_order([amb(3, 4), amb(3, 14)].into_iter()),
            Order::MonthFirst
        );
        assert_eq!(choose_order([amb(3, 4)].into_iter()), Order::MonthFirst);
        let dot = DateForm::Ambiguous {
            a: 3,
            b: 4,
            year: 2026,
            sep: '.',
        };
        assert_eq!(choose_order([dot].into_iter()), Order::DayFirst);
    }

    #[test]
    fn netstat_and_other_lines_are_not_text_exports() {
        for line in [
            "Active Connections",
            "  Proto  Local Address          Foreign Address        State           PID",
            "  TCP    10.1.1.10:1025         10.1.2.1:445           SYN_SENT        2412",
            "a,b,c,d,e,f,g,h,i",
            "time,source,destination,protocol,length,info,x,y",
            "Level,Date,Source",
        ] {
            assert_eq!(sniff_line(line), None, "{line}");
        }
    }
}
