//! Time stamps written into netstat files by the scripts that save them.
//!
//! Supported line forms (each the whole trimmed line; sources: Microsoft's `date`/`time`/
//! `Get-Date` documentation and the default regional formats of en-US and de-DE Windows):
//! - `echo %date% %time%`: en-US `Sat 03/14/2026 10:02:40.12` (weekday optional; `%time%` has a
//!   leading space before 10 h: ` 9:02:40.12`), de-DE `14.03.2026 10:02:40,12`, en-GB
//!   `14/03/2026 10:02:40.12` (a first number above 12 is the day; otherwise month first, US);
//! - `date /t` then `time /t` on a later line: `Sat 03/14/2026` / `14.03.2026`, then `10:02 AM`
//!   / `10:02` (the pair gives one stamp at the time line; a date line alone gives none);
//! - PowerShell `Get-Date` (en-US long form): `Saturday, March 14, 2026 10:02:40 AM`;
//! - Unix `date` (C/POSIX locale, `%a %b %e %H:%M:%S %Z %Y`): `Sat Mar 14 10:02:40 UTC 2026`
//!   (`UTC`/`GMT` give offset 0; other zone abbreviations are ambiguous and read as local time);
//! - ISO 8601 / RFC 3339: `2026-03-14T10:02:40Z`, `2026-03-14 10:02:40`, with fractions and
//!   `+02:00` offsets.
//!
//! Only ISO stamps with `Z` or an offset carry an offset; all others are local wall-clock time.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use jiff::civil::{Date, DateTime, Time};

/// What a line says about time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StampLine {
    /// A full date and time, with the UTC offset in seconds when written.
    Full(DateTime, Option<i32>),
    /// A date alone (`date /t`).
    Date(Date),
    /// A time alone (`time /t`).
    Time(Time),
}

const WEEKDAYS: &[&str] = &[
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mo",
    "di",
    "mi",
    "do",
    "fr",
    "sa",
    "so",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn num(s: &str) -> Option<i64> {
    (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A valid calendar date from year, month (1-based) and day, else `None`.
fn mk(y: i64, m: i64, d: i64) -> Option<Date> {
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// `03/14/2026`, `14/03/2026`, `14.03.2026`, `2026-03-14`.
fn date(s: &str) -> Option<Date> {
    let parts = |sep: char| -> Option<(i64, i64, i64)> {
        let mut it = s.split(sep);
        let t = (num(it.next()?)?, num(it.next()?)?, num(it.next()?)?);
        it.next().is_none().then_some(t)
    };
    if let Some((y, m, d)) = parts('-') {
        return (y >= 1000).then(|| mk(y, m, d)).flatten();
    }
    if let Some((d, m, y)) = parts('.') {
        return mk(y, m, d);
    }
    let (a, b, y) = parts('/')?;
    if a > 12 { mk(y, b, a) } else { mk(y, a, b) }
}

/// `10:02:40.12`, `10:02:40,12`, `9:02`, with an optional `AM`/`PM` word after it.
fn time(s: &str, ampm: Option<&str>) -> Option<Time> {
    let (hms, frac) = match s.split_once(['.', ',']) {
        Some((a, f)) => (a, Some(f)),
        None => (s, None),
    };
    let mut it = hms.split(':');
    let mut h = num(it.next()?)?;
    let mi = num(it.next()?)?;
    let sec = match it.next() {
        Some(x) => num(x)?,
        None => 0,
    };
    if it.next().is_some() {
        return None;
    }
    let nanos = match frac {
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            let v: i64 = f.parse().ok()?;
            let scale = 10i64.checked_pow(9 - u32::try_from(f.len()).ok()?)?;
            v.checked_mul(scale)?
        }
        Some(_) => return None,
        None => 0,
    };
    match ampm.map(str::to_ascii_uppercase).as_deref() {
        Some("AM") if (1..=12).contains(&h) => h %= 12,
        Some("PM") if (1..=12).contains(&h) => h = h % 12 + 12,
        Some(_) => return None,
        None => {}
    }
    Time::new(
        i8::try_from(h).ok()?,
        i8::try_from(mi).ok()?,
        i8::try_from(sec).ok()?,
        i32::try_from(nanos).ok()?,
    )
    .ok()
}

/// `Z`, `+02:00`, `-0500` → seconds east of UTC.
fn offset(s: &str) -> Option<i32> {
    if s == "Z" || s == "z" {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, s.get(1..)?),
        b'-' => (-1, s.get(1..)?),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits.get(..2)?.parse().ok()?;
    let m: i32 = digits.get(2..)?.parse().ok()?;
    (h <= 23 && m <= 59).then_some(sign * (h * 3600 + m * 60))
}

/// ISO 8601 `2026-03-14T10:02:40.5+02:00` (one token) or `2026-03-14 10:02:40[Z]`.
fn iso(tokens: &[&str]) -> Option<StampLine> {
    let (d, rest): (&str, Vec<&str>) = match tokens {
        [one] => {
            let (d, t) = one.split_once(['T', 't'])?;
            (d, vec![t])
        }
        [d, rest @ ..] => (d, rest.to_vec()),
        [] => return None,
    };
    let date = date(d).filter(|_| d.contains('-'))?;
    let (t, off) = match rest.as_slice() {
        [t] => {
            // A trailing `Z` or signed offset glued to the time.
            match t.find(['Z', 'z', '+']).or_else(|| t.rfind('-')) {
                Some(i) => (t.get(..i)?, Some(offset(t.get(i..)?)?)),
                None => (*t, None),
            }
        }
        [t, o] => (*t, Some(offset(o)?)),
        _ => return None,
    };
    Some(StampLine::Full(
        DateTime::from_parts(date, time(t, None)?),
        off,
    ))
}

/// What `line` says about time, if it is one of the supported stamp forms (see module docs).
pub(super) fn parse_stamp(line: &str) -> Option<StampLine> {
    let t = line.trim();
    if t.is_empty() || t.len() > 64 {
        return None;
    }
    let cleaned = t.replace(',', " , ");
    let mut toks: Vec<&str> = cleaned.split_whitespace().collect();
    if toks
        .first()
        .is_some_and(|w| t.as_bytes().first().is_some_and(u8::is_ascii_digit) && w.contains('-'))
    {
        // ISO (the comma split above never touches an ISO stamp's tokens except fractions).
        let raw: Vec<&str> = t.split_whitespace().collect();
        return iso(&raw);
    }
    // Leading weekday (`Sat`, `Saturday,`).
    if toks
        .first()
        .is_some_and(|w| WEEKDAYS.contains(&w.to_ascii_lowercase().as_str()))
    {
        toks.remove(0);
        if toks.first() == Some(&",") {
            toks.remove(0);
        }
    }
    // PowerShell `March 14 , 2026 10:02:40 AM`.
    if let Some(m) = toks
        .first()
        .and_then(|w| MONTHS.iter().position(|x| x.eq_ignore_ascii_case(w)))
        && let [_, d, ",", y, tm, rest @ ..] = toks.as_slice()
    {
        let date = mk(num(y)?, i64::try_from(m).ok()? + 1, num(d)?)?;
        let ampm = match rest {
            [] => None,
            [a] => Some(*a),
            _ => return None,
        };
        return Some(StampLine::Full(
            DateTime::from_parts(date, time(tm, ampm)?),
            None,
        ));
    }
    // Unix `date`: `Mar 14 10:02:40 UTC 2026` (after the weekday); `UTC`/`GMT` give offset 0,
    // other zone names are local time.
    if let Some(m) = toks.first().and_then(|w| {
        MONTHS
            .iter()
            .position(|x| w.len() == 3 && x.get(..3).is_some_and(|a| a.eq_ignore_ascii_case(w)))
    }) {
        let (d, tm, zone, y) = match toks.as_slice() {
            [_, d, tm, y] => (*d, *tm, None, *y),
            [_, d, tm, z, y] => (*d, *tm, Some(*z), *y),
            _ => return None,
        };
        let date = mk(num(y)?, i64::try_from(m).ok()? + 1, num(d)?)?;
        let off = zone.and_then(|z| matches!(z, "UTC" | "GMT" | "Z").then_some(0));
        return Some(StampLine::Full(
            DateTime::from_parts(date, time(tm, None)?),
            off,
        ));
    }
    // `%time%` keeps its decimal comma: put `10:02:40 , 12` back together.
    let joined = toks.join(" ").replace(" , ", ",");
    let toks: Vec<&str> = joined.split_whitespace().collect();
    match toks.as_slice() {
        [d] if d.contains(['/', '.']) && !d.contains(':') => date(d).map(StampLine::Date),
        [tm] if tm.contains(':') => time(tm, None).map(StampLine::Time),
        [tm, ampm] if tm.contains(':') => time(tm, Some(ampm)).map(StampLine::Time),
        [d, tm] if !d.contains(':') && tm.contains(':') => Some(StampLine::Full(
            DateTime::from_parts(date(d)?, time(tm, None)?),
            None,
        )),
        [d, tm, ampm] if !d.contains(':') && tm.contains(':') => Some(StampLine::Full(
            DateTime::from_parts(date(d)?, time(tm, Some(ampm))?),
            None,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::datetime;

    fn full(line: &str) -> Option<(DateTime, Option<i32>)> {
        match parse_stamp(line) {
            Some(StampLine::Full(d, o)) => Some((d, o)),
            _ => None,
        }
    }

    #[test]
    fn supported_forms() {
        let at = datetime(2026, 3, 14, 10, 2, 40, 0);
        let at12 = datetime(2026, 3, 14, 10, 2, 40, 120_000_000);
        assert_eq!(full("Sat 03/14/2026 10:02:40.12"), Some((at12, None)));
        assert_eq!(full("14.03.2026 10:02:40,12"), Some((at12, None)));
        assert_eq!(full("Sa 14.03.2026 10:02:40,12"), Some((at12, None)));
        assert_eq!(full("14/03/2026 10:02:40.12"), Some((at12, None)));
        assert_eq!(
            full("Saturday, March 14, 2026 10:02:40 AM"),
            Some((at, None))
        );
        assert_eq!(
            full("Saturday, March 14, 2026 10:02:40 PM"),
            Some((datetime(2026, 3, 14, 22, 2, 40, 0), None))
        );
        assert_eq!(full("2026-03-14T10:02:40Z"), Some((at, Some(0))));
        assert_eq!(full("2026-03-14 10:02:40"), Some((at, None)));
        assert_eq!(full("2026-03-14T10:02:40+02:00"), Some((at, Some(7200))));
        assert_eq!(full("2026-03-14T10:02:40-05:00"), Some((at, Some(-18000))));
        assert_eq!(full("03/14/2026  9:02:40.12").map(|x| x.0.hour()), Some(9));
        assert_eq!(full("Sat Mar 14 10:02:40 UTC 2026"), Some((at, Some(0))));
        assert_eq!(full("Sat Mar 14 10:02:40 CET 2026"), Some((at, None)));
    }

    #[test]
    fn date_and_time_alone() {
        assert_eq!(
            parse_stamp("Sat 03/14/2026"),
            Some(StampLine::Date(jiff::civil::date(2026, 3, 14)))
        );
        assert_eq!(
            parse_stamp("10:02 AM"),
            Some(StampLine::Time(jiff::civil::time(10, 2, 0, 0)))
        );
        assert_eq!(
            parse_stamp("12:05 AM"),
            Some(StampLine::Time(jiff::civil::time(0, 5, 0, 0)))
        );
        assert_eq!(
            parse_stamp("10:02"),
            Some(StampLine::Time(jiff::civil::time(10, 2, 0, 0)))
        );
    }

    #[test]
    fn not_stamps() {
        for l in [
            "Active Connections",
            "  TCP    0.0.0.0:135   0.0.0.0:0   LISTENING   1712",
            "13/13/2026 10:00:00",
            "2026-02-30 10:00:00",
            "25:00",
            "Proto  Local Address",
            "  Active Opens                        = 64644",
        ] {
            assert_eq!(parse_stamp(l), None, "{l}");
        }
    }
}
