//! Windows Firewall logs (`pfirewall.log`, `.log.old` rotations; issue 19 §2), read by their
//! `#Fields:` header line as plaso's and dissect's W3C-style readers do. Three forms:
//! - XP Internet Connection Firewall: `#Verson: 1.0` (sic), `#Software: Microsoft Internet
//!   Connection Firewall`, no `path` column;
//! - XP SP2/SP3 Windows Firewall: `#Version: 1.5`, `#Software: Microsoft Windows Firewall`,
//!   actions `OPEN`, `CLOSE`, `DROP`, `OPEN-INBOUND`, `INFO-EVENTS-LOST`;
//! - Vista and later (Windows Filtering Platform): `#Version: 1.5`, actions `ALLOW` / `DROP` with
//!   `path` `SEND` / `RECEIVE`, and on newer Windows a trailing `pid` column.
//!
//! Times are `date time` (`2026-03-14 10:02:10`) in the zone `#Time Format:` names (`Local` in
//! every known writer): read in `--event-tz`, else as UTC with a warning ([`FirewallLog::local`]).
//! A line that does not fit its `#Fields:` is a [`Problem`] at its line; `-` is an empty field.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use crate::model::{Locator, Problem, UtcTime};
use std::net::IpAddr;

/// One data line of a firewall log.
#[derive(Debug, Clone, PartialEq)]
pub struct FirewallEntry {
    /// 1-based line number.
    pub line: u64,
    /// The time (UTC: local time converted with the zone given to [`read_firewall`]).
    pub time: UtcTime,
    /// The action as written, upper case (`OPEN`, `ALLOW`, `DROP`, …).
    pub action: String,
    /// The protocol as written, lower case (`tcp`, `udp`, `icmp`, or a number).
    pub protocol: String,
    /// Source address.
    pub src: Option<IpAddr>,
    /// Destination address.
    pub dst: Option<IpAddr>,
    /// Source port.
    pub sport: Option<u16>,
    /// Destination port.
    pub dport: Option<u16>,
    /// `SEND` / `RECEIVE` (Vista and later), upper case.
    pub path: Option<String>,
    /// Process id (newer Windows).
    pub pid: Option<u32>,
    /// `info` (e.g. the count of an `INFO-EVENTS-LOST` line).
    pub info: Option<String>,
}

impl FirewallEntry {
    /// True for an outgoing connect attempt: `OPEN` (XP), or `ALLOW`/`DROP` on path `SEND` of a
    /// TCP connection (Vista and later).
    pub fn outbound(&self) -> Option<bool> {
        match (self.action.as_str(), self.path.as_deref()) {
            ("OPEN", _) => Some(true),
            ("OPEN-INBOUND", _) => Some(false),
            (_, Some("SEND")) => Some(true),
            (_, Some("RECEIVE")) => Some(false),
            _ => None,
        }
    }
}

/// What a firewall log gave.
#[derive(Debug, Clone, Default)]
pub struct FirewallLog {
    /// `#Software:` as written.
    pub software: String,
    /// True when `#Time Format:` says `Local` (or says nothing): the times needed a zone.
    pub local: bool,
    /// Every data line that parsed, in file order.
    pub entries: Vec<FirewallEntry>,
    /// Lines that did not fit `#Fields:`, and `INFO-EVENTS-LOST` lines (events the firewall
    /// itself did not write).
    pub problems: Vec<Problem>,
}

/// True when `head` (a file's first bytes) is a Windows Firewall log: a `#Software:` line naming
/// a Microsoft firewall and a `#Fields:` line.
pub fn looks_like_firewall(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let mut software = false;
    let mut fields = false;
    for line in text.lines().take(8) {
        let l = line.trim();
        software |= l.starts_with("#Software: Microsoft") && l.contains("Firewall");
        fields |= l.starts_with("#Fields:");
    }
    software && fields
}

/// Reads a firewall log's text; local times are read in `tz` (UTC when `None`).
pub fn read_firewall(bytes: &[u8], tz: Option<&jiff::tz::TimeZone>) -> FirewallLog {
    let text = String::from_utf8_lossy(bytes);
    let mut log = FirewallLog {
        local: true,
        ..FirewallLog::default()
    };
    let mut fields: Vec<String> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i as u64 + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(h) = line.strip_prefix('#') {
            header(h, &mut log, &mut fields);
            continue;
        }
        match entry(line, n, &fields, tz.unwrap_or(&jiff::tz::TimeZone::UTC)) {
            Ok(e) if e.action == "INFO-EVENTS-LOST" => log.problems.push(Problem::new(
                Locator::Line(n),
                format!(
                    "the firewall lost {} events it did not write (INFO-EVENTS-LOST)",
                    e.info.as_deref().unwrap_or("some")
                ),
            )),
            Ok(e) => log.entries.push(e),
            Err(why) => log.problems.push(Problem::new(
                Locator::Line(n),
                format!("{why}: line skipped"),
            )),
        }
    }
    log
}

/// One `#Name: value` header line.
fn header(h: &str, log: &mut FirewallLog, fields: &mut Vec<String>) {
    let (name, value) = h.split_once(':').unwrap_or((h, ""));
    let value = value.trim();
    match name.trim().to_ascii_lowercase().as_str() {
        "software" => log.software = value.to_string(),
        "time format" => log.local = !value.eq_ignore_ascii_case("UTC"),
        "fields" => {
            *fields = value
                .split_whitespace()
                .map(str::to_ascii_lowercase)
                .collect();
        }
        _ => {}
    }
}

/// One data line by the `#Fields:` names.
fn entry(
    line: &str,
    n: u64,
    fields: &[String],
    tz: &jiff::tz::TimeZone,
) -> Result<FirewallEntry, String> {
    if fields.is_empty() {
        return Err("data before the #Fields: line".into());
    }
    let values: Vec<&str> = line.split_whitespace().collect();
    if values.len() < fields.len().min(6) {
        return Err(format!(
            "{} fields where #Fields: names {}",
            values.len(),
            fields.len()
        ));
    }
    let get = |name: &str| {
        fields
            .iter()
            .position(|f| f == name)
            .and_then(|i| values.get(i).copied())
            .filter(|v| *v != "-")
    };
    let (Some(date), Some(time)) = (get("date"), get("time")) else {
        return Err("no date or time".into());
    };
    let civil: jiff::civil::DateTime = format!("{date}T{time}")
        .parse()
        .map_err(|_| format!("time {date} {time} unreadable"))?;
    let ts = tz
        .to_timestamp(civil)
        .map_err(|_| format!("time {date} {time} out of range"))?;
    let nanos = i64::try_from(ts.as_nanosecond()).map_err(|_| "time out of range".to_string())?;
    let action = get("action").ok_or("no action")?.to_ascii_uppercase();
    Ok(FirewallEntry {
        line: n,
        time: UtcTime::from_unix_nanos(nanos, 0),
        action,
        protocol: get("protocol").unwrap_or("").to_ascii_lowercase(),
        src: get("src-ip").and_then(|v| v.parse().ok()),
        dst: get("dst-ip").and_then(|v| v.parse().ok()),
        sport: get("src-port").and_then(|v| v.parse().ok()),
        dport: get("dst-port").and_then(|v| v.parse().ok()),
        path: get("path").map(str::to_ascii_uppercase),
        pid: get("pid").and_then(|v| v.parse().ok()),
        info: get("info").map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const XP: &str = "#Version: 1.5\r\n#Software: Microsoft Windows Firewall\r\n#Time Format: Local\r\n\
#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path\r\n\r\n\
2026-03-14 11:02:10 OPEN TCP 10.1.1.10 10.1.2.1 1100 445 - - - - - - - - -\r\n\
2026-03-14 11:02:11 INFO-EVENTS-LOST - - - - - - - - - - - - 12 -\r\n\
2026-03-14 11:02:12 DROP TCP 10.1.2.5 10.1.1.10 4321 135 48 S 123456 0 65535 - - - RECEIVE\r\n\
garbage\r\n";

    #[test]
    fn xp_sp2_log_lines_by_their_fields_in_the_given_zone() {
        assert!(looks_like_firewall(XP.as_bytes()));
        let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        let log = read_firewall(XP.as_bytes(), Some(&berlin));
        assert_eq!(log.software, "Microsoft Windows Firewall");
        assert!(log.local);
        assert_eq!(log.entries.len(), 2);
        let open = &log.entries[0];
        assert_eq!(open.time.to_string(), "2026-03-14T10:02:10Z");
        assert_eq!(
            (open.action.as_str(), open.protocol.as_str()),
            ("OPEN", "tcp")
        );
        assert_eq!((open.sport, open.dport), (Some(1100), Some(445)));
        assert_eq!(open.outbound(), Some(true));
        assert_eq!(log.entries[1].outbound(), Some(false));
        assert_eq!(log.problems.len(), 2);
        assert_eq!(log.problems[0].locator, Locator::Line(7));
        assert!(log.problems[0].reason.contains("lost 12 events"));
        assert_eq!(log.problems[1].locator, Locator::Line(9));
    }
}
