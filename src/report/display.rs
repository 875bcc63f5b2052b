//! Text helpers that more than one renderer uses, so that the same fact reads the same in the
//! terminal, HTML and CSV reports: local times, source references, culprits, clock offsets.
//! Formatting only; nothing here decides anything.

use crate::model::{Problem, SourceRef, UtcTime};
use std::fmt::Display;

/// `t` in `tz` as (`YYYY-MM-DD HH:MM:SS.ffffff`, `±HH:MM`): the wall-clock time with µs (rounded
/// down) and no offset, then the zone's UTC offset at that instant. `None` outside jiff's range.
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

/// Where a fact came from, as `PATH LOCATOR` (e.g. `logs/System.evtx record 1205`).
pub fn source_text(s: &SourceRef) -> String {
    format!("{} {}", s.path.display(), s.locator)
}

/// A culprit process: `PID 4711 (37 SYN_SENT)`.
pub fn culprit_text(pid: impl Display, syn_sent: impl Display) -> String {
    format!("PID {pid} ({syn_sent} SYN_SENT)")
}

/// A skipped record: `LOCATOR: REASON`.
pub fn problem_text(p: &Problem) -> String {
    format!("{}: {}", p.locator, p.reason)
}

/// A clock offset in seconds with its sign and ms: `+90.500`, `-0.250`.
pub fn offset_text(offset_s: f64) -> String {
    format!("{offset_s:+.3}")
}

/// A duration or count of seconds with one decimal: `21.0`.
pub fn seconds_text(s: f64) -> String {
    format!("{s:.1}")
}

/// The value, or `-` when there is none.
pub fn or_dash<T: Display>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NamedTz;

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

    #[test]
    fn small_formats() {
        assert_eq!(offset_text(90.5), "+90.500");
        assert_eq!(offset_text(-0.25), "-0.250");
        assert_eq!(culprit_text(4711, 37), "PID 4711 (37 SYN_SENT)");
        assert_eq!(or_dash(None::<u32>), "-");
        assert_eq!(or_dash(Some(3)), "3");
    }
}
