//! Text helpers that more than one renderer uses, so that the same fact reads the same in the
//! terminal, HTML and CSV reports: local times, source references, culprits, clock offsets.
//! Formatting only; nothing here decides anything.

use crate::model::{
    ClockMethod, EntryKind, FindingKind, NamedTz, Problem, SourceRef, TimeSource, UtcTime,
};
use std::fmt::Display;

/// `t` in the one time style of the human reports: `2026-03-14 10:02:13.000 UTC`, or with a zone
/// `2026-03-14 11:02:13.000 +01:00` (the zone's offset at that instant). Always milliseconds
/// (rounded down), always the zone.
pub fn human_time(t: UtcTime, tz: Option<&NamedTz>) -> String {
    let utc = jiff::tz::TimeZone::UTC;
    let zone = tz.map_or(&utc, |z| &z.tz);
    match local_time(t, zone) {
        Some((local, off)) => {
            let ms = &local[..local.len() - 3];
            if tz.is_some() {
                format!("{ms} {off}")
            } else {
                format!("{ms} UTC")
            }
        }
        None => t.to_string(),
    }
}

/// What the human times of a report are in: `all times UTC`, or
/// `all times in Europe/Berlin, with their UTC offset`.
pub fn zone_note(tz: Option<&NamedTz>) -> String {
    match tz {
        Some(z) => format!("all times in {}, with their UTC offset", z.name),
        None => "all times UTC".to_string(),
    }
}

/// A duration in the human style: `0.090 s`, `3.5 s`, `21 s`, `1 min 24 s`, `2 h 5 min`.
pub fn human_duration(seconds: f64) -> String {
    let s = seconds.abs();
    let sign = if seconds < 0.0 { "-" } else { "" };
    if s < 1.0 && s > 0.0 {
        return format!("{sign}{s:.3} s");
    }
    if s < 60.0 {
        return if (s - s.round()).abs() < 0.05 {
            format!("{sign}{} s", s.round() as u64)
        } else {
            format!("{sign}{s:.1} s")
        };
    }
    let whole = s.round() as u64;
    if whole < 3600 {
        let (m, r) = (whole / 60, whole % 60);
        if r == 0 {
            format!("{sign}{m} min")
        } else {
            format!("{sign}{m} min {r} s")
        }
    } else {
        let (h, m) = (whole / 3600, whole % 3600 / 60);
        if m == 0 {
            format!("{sign}{h} h")
        } else {
            format!("{sign}{h} h {m} min")
        }
    }
}

/// `text` (a verdict, finding summary or timeline message, written by correlate with RFC 3339
/// UTC times and `for N s` durations) with every such time in the [`human_time`] style and every
/// `for N s` in the [`human_duration`] style. The JSON keeps the text as correlate wrote it.
pub fn human_text(text: &str, tz: Option<&NamedTz>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some((before, t, after)) = next_time(rest) {
        out.push_str(before);
        out.push_str(&human_time(t, tz));
        rest = after;
    }
    out.push_str(rest);
    singulars(&moments(&human_durations(&out)))
}

/// `from T to T` (the same time twice, as a single event's window reads) as `at T`.
fn moments(text: &str) -> String {
    let mut out = text.to_string();
    for (from, at) in [("from ", "at "), ("From ", "At ")] {
        let mut search = 0;
        while let Some(i) = out[search..].find(from).map(|i| i + search) {
            let rest = &out[i + from.len()..];
            let same = rest
                .split_once(" to ")
                .and_then(|(t, after)| after.starts_with(t).then_some(t.len()));
            match same {
                Some(len) if len >= 20 => {
                    let t = rest[..len].to_string();
                    let end = i + from.len() + len + 4 + len;
                    out.replace_range(i..end, &format!("{at}{t}"));
                    search = i + at.len() + len;
                }
                _ => search = i + from.len(),
            }
        }
    }
    out
}

/// Nouns the analysis writes after a count, with their singular: `1 SYNs` reads `1 SYN`.
const PLURALS: [(&str, &str); 8] = [
    ("SYNs", "SYN"),
    ("rows", "row"),
    ("connections", "connection"),
    ("destinations", "destination"),
    ("retransmissions", "retransmission"),
    ("SYN retries", "SYN retry"),
    ("attempts", "attempt"),
    ("events", "event"),
];

/// `text` with `1 NOUNs` as `1 NOUN` for the nouns of [`PLURALS`] (also with one adjective
/// between, as in `1 concurrent half-open outgoing connections`).
fn singulars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("1 ") {
        let standalone = i == 0
            || !rest[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == ':');
        out.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
        if !standalone {
            continue;
        }
        // Up to three adjectives before the noun.
        let words: Vec<&str> = rest.splitn(5, ' ').collect();
        let adjective =
            |w: &&str| !w.is_empty() && w.chars().all(|c| c.is_alphabetic() || c == '-');
        for k in 0..words.len().min(4) {
            if !words[..k].iter().all(adjective) {
                break;
            }
            let head = words[..k].join(" ");
            let tail_start = if k == 0 { 0 } else { head.len() + 1 };
            if let Some((plural, singular)) = PLURALS
                .iter()
                .find(|(p, _)| rest[tail_start..].starts_with(p))
            {
                let after = &rest[tail_start + plural.len()..];
                if !after.starts_with(|c: char| c.is_alphanumeric()) {
                    out.push_str(&rest[..tail_start]);
                    out.push_str(singular);
                    rest = after;
                    break;
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first RFC 3339 UTC time in `s` (`YYYY-MM-DDTHH:MM:SS[.f…]Z`): the text before it, the
/// time, the text after it.
fn next_time(s: &str) -> Option<(&str, UtcTime, &str)> {
    let b = s.as_bytes();
    let mut i = 0;
    while i + 20 <= b.len() {
        let shape = |j: usize, c: u8| b.get(i + j) == Some(&c);
        let digits = |r: std::ops::Range<usize>| r.into_iter().all(|j| b[i + j].is_ascii_digit());
        if digits(0..4) && shape(4, b'-') && shape(10, b'T') && shape(13, b':') && digits(17..19) {
            let mut end = i + 19;
            if b.get(end) == Some(&b'.') {
                end += 1;
                while b.get(end).is_some_and(u8::is_ascii_digit) {
                    end += 1;
                }
            }
            if b.get(end) == Some(&b'Z')
                && let Some(t) = UtcTime::parse_rfc3339(&s[i..=end])
            {
                return Some((&s[..i], t, &s[end + 1..]));
            }
        }
        i += 1;
    }
    None
}

/// `text` with each `for N s` (N a number of seconds) as `for` + [`human_duration`].
fn human_durations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("for ") {
        let (head, tail) = rest.split_at(at + 4);
        out.push_str(head);
        let num_len = tail
            .bytes()
            .take_while(|c| c.is_ascii_digit() || *c == b'.')
            .count();
        let (num, after) = tail.split_at(num_len);
        match (num.parse::<f64>(), after.strip_prefix(" s")) {
            (Ok(secs), Some(after)) if !after.starts_with(|c: char| c.is_alphanumeric()) => {
                out.push_str(&human_duration(secs));
                rest = after;
            }
            _ => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

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

/// The kind of a timeline entry in plain English, for the human reports (the machine outputs
/// keep [`EntryKind::as_str`]).
pub fn kind_label(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Tcpip4226 => "Event 4226 (limit)",
        EntryKind::Tcpip4227 => "Event 4227 (TIME_WAIT)",
        EntryKind::Tcpip4231 => "Event 4231 (ports)",
        EntryKind::Tcpip4266 => "Event 4266 (ports)",
        EntryKind::Boot => "boot",
        EntryKind::Shutdown => "shutdown",
        EntryKind::UnexpectedShutdown => "unexpected shutdown",
        EntryKind::SynRetransmission => "SYN retransmission",
        EntryKind::ConnectUnanswered => "connect unanswered",
        EntryKind::ConnectRefused => "connect refused",
        EntryKind::HalfOpenLimitReached => "half-open limit reached",
        EntryKind::HalfOpenPeak => "half-open peak",
        EntryKind::NetstatSnapshot => "netstat snapshot",
        EntryKind::AlarmGap => "alarm gap",
        EntryKind::AlarmGapEnd => "alarm gap ends",
        EntryKind::HalfOpenLimitReleased => "half-open limit released",
        EntryKind::FindingEnd => "finding ends",
        EntryKind::Connection => "connection",
    }
}

/// Where a netstat snapshot's time came from, in words.
pub fn time_source_label(s: TimeSource) -> &'static str {
    match s {
        TimeSource::File => "time stamp in the file",
        TimeSource::Option => "--netstat-time",
        TimeSource::Mtime => "file mtime",
        TimeSource::Evidence => "matched to a capture",
    }
}

/// The kind of a finding in plain English, for the human reports.
pub fn finding_label(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::HalfOpenLimit => "half-open limit",
        FindingKind::LimitNotEnforced => "limit not enforced",
        FindingKind::EphemeralPortExhaustion => "ephemeral port exhaustion",
        FindingKind::TimeWaitCollision => "TIME_WAIT collision",
        FindingKind::AlarmClientGap => "alarm client gap",
        FindingKind::ClockOffset => "clock offset",
    }
}

/// How a clock offset was found, in plain English.
pub fn clock_method_label(m: ClockMethod) -> &'static str {
    match m {
        ClockMethod::Option => "given (--clock-offset)",
        ClockMethod::Reference => "reference clock",
        ClockMethod::HostClock => "same host's clock",
        ClockMethod::HalfOpenLimitVs4226 => "limit in capture vs Event 4226",
        ClockMethod::ConnectionsVsCapture => "logged connects vs their SYNs",
        ClockMethod::None => "none",
    }
}

/// Whether a `half_open_peak` entry is worth showing to a reader: its count (read from the
/// message, `… peak of N concurrent …`) comes within a fifth of `limit`. Other entries: always.
pub fn worth_showing(e: &crate::model::TimelineEntry, limit: u32) -> bool {
    if e.kind != EntryKind::HalfOpenPeak {
        return true;
    }
    let n = e
        .message
        .split_once("peak of ")
        .and_then(|(_, r)| r.split(' ').next())
        .and_then(|n| n.parse::<u32>().ok());
    n.is_none_or(|n| u64::from(n) * 5 >= u64::from(limit) * 4)
}

/// The one line for the hosts with no sign of the limit: `IOMLKF35454W: no sign of the limit`
/// for one, `25 other hosts: no sign of the limit (A, B, …)` for more (`other` when some host
/// has its own verdict); at most 5 names, then `…`.
pub fn quiet_hosts(names: &[&str], others: bool) -> String {
    if let [one] = names {
        return format!("{one}: no sign of the limit");
    }
    let shown: Vec<&str> = names.iter().copied().take(5).collect();
    let more = if names.len() > shown.len() {
        ", …"
    } else {
        ""
    };
    format!(
        "{} {}: no sign of the limit ({}{more})",
        names.len(),
        if others { "other hosts" } else { "hosts" },
        shown.join(", ")
    )
}

/// `n` and `noun`, with the noun in the plural unless `n` is 1: `1 SYN`, `3 SYNs`, `1 input`.
pub fn plural(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `n` timeline entries of `kind` in words: `10 SYN retransmissions`, `1 unanswered connect`.
pub fn kind_count(kind: EntryKind, n: u64) -> String {
    match kind {
        EntryKind::SynRetransmission => plural(n, "SYN retransmission"),
        EntryKind::ConnectUnanswered => plural(n, "unanswered connect"),
        EntryKind::ConnectRefused => plural(n, "refused connect"),
        _ => format!("{} ×{n}", kind_label(kind)),
    }
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
    fn one_time_style_with_ms_and_zone() {
        let t = UtcTime::parse_rfc3339("2026-03-14T10:02:13.0000000Z").unwrap();
        assert_eq!(human_time(t, None), "2026-03-14 10:02:13.000 UTC");
        let berlin = NamedTz::parse("Europe/Berlin").unwrap();
        assert_eq!(
            human_time(t, Some(&berlin)),
            "2026-03-14 11:02:13.000 +01:00"
        );
        let micros = UtcTime::parse_rfc3339("2026-03-14T10:03:34.000800Z").unwrap();
        assert_eq!(human_time(micros, None), "2026-03-14 10:03:34.000 UTC");
    }

    #[test]
    fn durations_read_as_minutes_and_seconds() {
        assert_eq!(human_duration(84.0), "1 min 24 s");
        assert_eq!(human_duration(83.9108), "1 min 24 s");
        assert_eq!(human_duration(21.0), "21 s");
        assert_eq!(human_duration(3.5), "3.5 s");
        assert_eq!(human_duration(120.0), "2 min");
        assert_eq!(human_duration(7500.0), "2 h 5 min");
        assert_eq!(human_duration(0.09), "0.090 s");
    }

    #[test]
    fn texts_get_the_one_style() {
        let s = "reached at 2026-03-14T10:02:13.0000000Z (Event 4226). From \
                 2026-03-14T10:02:10.090000Z to 2026-03-14T10:02:40Z; 10.1.1.21 for 84 s, for 5 \
                 sockets";
        assert_eq!(
            human_text(s, None),
            "reached at 2026-03-14 10:02:13.000 UTC (Event 4226). From 2026-03-14 10:02:10.090 \
             UTC to 2026-03-14 10:02:40.000 UTC; 10.1.1.21 for 1 min 24 s, for 5 sockets"
        );
    }

    #[test]
    fn one_event_is_a_moment_and_one_is_singular() {
        let s = "window from 2011-09-16T21:16:52Z to 2011-09-16T21:16:52Z; From \
                 2011-09-16T21:16:52Z to 2011-09-16T21:17:52Z";
        assert_eq!(
            human_text(s, None),
            "window at 2011-09-16 21:16:52.000 UTC; From 2011-09-16 21:16:52.000 UTC to \
             2011-09-16 21:17:52.000 UTC"
        );
        assert_eq!(
            human_text("refused (RST), 1 SYNs; 10.1.1.1 SYNs; 11 SYNs", None),
            "refused (RST), 1 SYN; 10.1.1.1 SYNs; 11 SYNs"
        );
        assert_eq!(
            human_text("peak of 1 concurrent half-open outgoing connections", None),
            "peak of 1 concurrent half-open outgoing connection"
        );
        assert_eq!(
            human_text("netstat snapshot 1 (netstat -ano): 19 rows", None),
            "netstat snapshot 1 (netstat -ano): 19 rows"
        );
        assert_eq!(plural(1u32, "input"), "1 input");
        assert_eq!(plural(2u32, "finding"), "2 findings");
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
