//! `--format csv`: the timeline with the JSONL columns ([`FlatEntry`], same order, same rows),
//! for Excel, Timeline Explorer and Elastic.
//!
//! With `--tz ZONE` two columns follow: `local_time` (`YYYY-MM-DD HH:MM:SS.ffffff`, no offset,
//! so Excel parses it) and `local_zone` (`Europe/Berlin (+01:00)`: the zone and its offset at
//! that instant). The UTC `datetime` column is always there: never only local time (domain
//! research §3, "Time pitfalls users hit").

use super::{FlatEntry, Renderer};
use crate::config::NamedTz;
use crate::correlate::Analysis;
use crate::model::UtcTime;
use std::io::Write;

/// The header of the CSV without `--tz`.
pub const COLUMNS: [&str; 10] = [
    "datetime",
    "timestamp",
    "timestamp_desc",
    "message",
    "host",
    "kind",
    "source_path",
    "source_locator",
    "raw_time",
    "clock_offset_s",
];

/// The timeline as CSV; `tz` adds a local-time column.
pub struct Csv {
    pub tz: Option<NamedTz>,
}

/// `t` in `tz` as (`YYYY-MM-DD HH:MM:SS.ffffff`, `±HH:MM`); `None` outside jiff's range.
pub fn local_time(t: UtcTime, tz: &jiff::tz::TimeZone) -> Option<(String, String)> {
    let ts = jiff::Timestamp::from_nanosecond(i128::from(t.unix_nanos())).ok()?;
    let z = ts.to_zoned(tz.clone());
    let dt = z.datetime();
    let local = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.subsec_nanosecond() / 1_000
    );
    let off = z.offset().seconds();
    let sign = if off < 0 { '-' } else { '+' };
    let off = off.unsigned_abs();
    Some((
        local,
        format!("{sign}{:02}:{:02}", off / 3600, off % 3600 / 60),
    ))
}

fn io(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

impl Renderer for Csv {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let mut header: Vec<&str> = COLUMNS.to_vec();
        if self.tz.is_some() {
            header.extend(["local_time", "local_zone"]);
        }
        w.write_record(&header).map_err(io)?;
        for (row, e) in FlatEntry::all(analysis).into_iter().zip(&analysis.timeline) {
            let mut rec = vec![
                row.datetime,
                row.timestamp.to_string(),
                row.timestamp_desc.to_string(),
                row.message,
                row.host,
                row.kind.to_string(),
                row.source_path,
                row.source_locator,
                row.raw_time,
                row.clock_offset_s.to_string(),
            ];
            if let Some(tz) = &self.tz {
                let (local, off) = local_time(e.time, &tz.tz).unwrap_or_default();
                rec.push(local);
                rec.push(format!("{} ({off})", tz.name));
            }
            w.write_record(&rec).map_err(io)?;
        }
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_follows_the_zone_rules_of_the_instant() {
        let tz = NamedTz::parse("Europe/Berlin").unwrap();
        let winter = UtcTime::parse_rfc3339("2026-03-14T10:02:13.25Z").unwrap();
        let summer = UtcTime::parse_rfc3339("2026-07-01T10:00:00Z").unwrap();
        assert_eq!(
            local_time(winter, &tz.tz),
            Some(("2026-03-14 11:02:13.250000".into(), "+01:00".into()))
        );
        assert_eq!(
            local_time(summer, &tz.tz),
            Some(("2026-07-01 12:00:00.000000".into(), "+02:00".into()))
        );
        let west = NamedTz::parse("-0530").unwrap();
        assert_eq!(
            local_time(winter, &west.tz).map(|x| x.1),
            Some("-05:30".into())
        );
    }
}
