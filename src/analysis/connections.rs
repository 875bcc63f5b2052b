//! Connection events from event logs (issue 19 §1): Sysmon Event 3 ("Network connection
//! detected", Sysmon's event schema) and Security 5156 / 5157 ("The Windows Filtering Platform has
//! permitted / blocked a connection", Microsoft's audit event reference) become one
//! [`Connection`] each: when, which process (PID and image), the 5-tuple, the direction and
//! whether it was allowed; so does each connection line of a Windows Firewall log
//! ([`connection_of_firewall`]). Field names are the `<Data Name="…">` of those events:
//! Sysmon `UtcTime, ProcessId, Image, Protocol, Initiated, SourceIp, SourcePort, DestinationIp,
//! DestinationPort`; Security `ProcessID, Application, Direction (%%14593 outbound, %%14592
//! inbound), SourceAddress, SourcePort, DestAddress, DestPort, Protocol (IANA number)`.

use crate::ingest::firewall::FirewallEntry;
use crate::model::{EventRecord, SYSMON_PROVIDER, UtcTime, is_connection_event};
use std::net::IpAddr;

/// One connection an event log saw. Addresses and ports are `None` when the event lacks them
/// or they do not parse.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    /// When the connection was seen (UTC): Sysmon's `UtcTime` (ms), else the event's time.
    pub time: UtcTime,
    /// `sysmon_3`, `security_5156`, `security_5157`, or for a firewall log line
    /// `firewall_open`, `firewall_open_inbound`, `firewall_allow`, `firewall_drop`.
    pub event: &'static str,
    /// The process id.
    pub pid: Option<u32>,
    /// The process image path as the event gives it (Sysmon: `C:\…`; Security: `\device\…`).
    pub image: Option<String>,
    /// `tcp`, `udp`, `icmp`, `icmpv6`, or the protocol number as text.
    pub protocol: String,
    /// Source address and port.
    pub src: Option<IpAddr>,
    /// Source port.
    pub sport: Option<u16>,
    /// Destination address.
    pub dst: Option<IpAddr>,
    /// Destination port.
    pub dport: Option<u16>,
    /// `Some(true)` outbound (Sysmon `Initiated` true, Security `%%14593`), `Some(false)`
    /// inbound, `None` when the event does not say.
    pub outbound: Option<bool>,
    /// False for Security 5157 (blocked), true otherwise.
    pub allowed: bool,
}

impl Connection {
    /// One line for the timeline: `Sysmon 3: PID 2312 (plink.exe) tcp 10.0.2.17:49185 ->
    /// 10.0.2.18:80 outbound`; a firewall line without a process: `Firewall OPEN: tcp …`.
    pub fn message(&self) -> String {
        let who = match (self.pid, self.image.as_deref()) {
            (Some(p), Some(i)) => format!("PID {p} ({}) ", basename(i)),
            (Some(p), None) => format!("PID {p} "),
            (None, Some(i)) => format!("{} ", basename(i)),
            (None, None) => String::new(),
        };
        let dir = match self.outbound {
            Some(true) => " outbound",
            Some(false) => " inbound",
            None => "",
        };
        let event = match self.event {
            "sysmon_3" => "Sysmon 3",
            "security_5156" => "Security 5156",
            "security_5157" => "Security 5157 (blocked)",
            "firewall_open" => "Firewall OPEN",
            "firewall_open_inbound" => "Firewall OPEN-INBOUND",
            "firewall_allow" => "Firewall ALLOW",
            _ => "Firewall DROP",
        };
        format!(
            "{event}: {who}{} {} -> {}{dir}",
            self.protocol,
            endpoint(self.src, self.sport),
            endpoint(self.dst, self.dport)
        )
    }
}

/// `addr:port` (IPv6 in brackets), the address alone without a port, `?` without an address.
pub fn endpoint(addr: Option<IpAddr>, port: Option<u16>) -> String {
    match (addr, port) {
        (Some(IpAddr::V6(v6)), Some(p)) => format!("[{v6}]:{p}"),
        (Some(a), Some(p)) => format!("{a}:{p}"),
        (Some(a), None) => a.to_string(),
        (None, _) => "?".to_string(),
    }
}

/// The last component of a Windows, device or Unix path (`plink.exe`).
pub fn basename(p: &str) -> &str {
    p.rsplit(['\\', '/']).next().unwrap_or(p)
}

/// The connection a firewall log line describes: `OPEN` / `OPEN-INBOUND` (XP), `ALLOW` / `DROP`
/// (all forms). `CLOSE` ends a connection already counted and `INFO-*` lines are no connection:
/// `None`. Direction from the action or the `path` column ([`FirewallEntry::outbound`]).
pub fn connection_of_firewall(e: &FirewallEntry) -> Option<Connection> {
    let event = match e.action.as_str() {
        "OPEN" => "firewall_open",
        "OPEN-INBOUND" => "firewall_open_inbound",
        "ALLOW" => "firewall_allow",
        "DROP" => "firewall_drop",
        _ => return None,
    };
    Some(Connection {
        time: e.time,
        event,
        pid: e.pid,
        image: None,
        protocol: e.protocol.clone(),
        src: e.src,
        sport: e.sport,
        dst: e.dst,
        dport: e.dport,
        outbound: e.outbound(),
        allowed: e.action != "DROP",
    })
}

/// The connection a record describes, if it is a connection event
/// ([`crate::model::is_connection_event`]).
pub fn connection_of(r: &EventRecord) -> Option<Connection> {
    if !is_connection_event(&r.provider, r.event_id) {
        return None;
    }
    let get = |name: &str| {
        r.named
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let ip = |name: &str| get(name).and_then(|v| v.parse::<IpAddr>().ok());
    let port = |name: &str| get(name).and_then(|v| v.parse::<u16>().ok());
    let sysmon = r.provider.eq_ignore_ascii_case(SYSMON_PROVIDER);
    let c = if sysmon {
        Connection {
            // Sysmon `UtcTime`: `2019-02-16 10:01:45.887`, UTC.
            time: get("UtcTime")
                .and_then(|t| UtcTime::parse_rfc3339(&format!("{}Z", t.replacen(' ', "T", 1))))
                .unwrap_or(r.time),
            event: "sysmon_3",
            pid: get("ProcessId").and_then(|v| v.parse().ok()),
            image: get("Image").map(str::to_string),
            protocol: get("Protocol").unwrap_or("").to_ascii_lowercase(),
            src: ip("SourceIp"),
            sport: port("SourcePort"),
            dst: ip("DestinationIp"),
            dport: port("DestinationPort"),
            outbound: get("Initiated").and_then(|v| match v.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            }),
            allowed: true,
        }
    } else {
        Connection {
            time: r.time,
            event: if r.event_id == 5157 {
                "security_5157"
            } else {
                "security_5156"
            },
            pid: get("ProcessID").and_then(|v| v.parse().ok()),
            image: get("Application").map(str::to_string),
            protocol: protocol_name(get("Protocol").unwrap_or("")),
            src: ip("SourceAddress"),
            sport: port("SourcePort"),
            dst: ip("DestAddress"),
            dport: port("DestPort"),
            outbound: match get("Direction") {
                Some("%%14593") => Some(true),
                Some("%%14592") => Some(false),
                _ => None,
            },
            allowed: r.event_id != 5157,
        }
    };
    Some(c)
}

/// An IANA protocol number as the name Sysmon uses (`6` → `tcp`).
fn protocol_name(n: &str) -> String {
    match n {
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(provider: &str, id: u16, named: &[(&str, &str)]) -> EventRecord {
        EventRecord {
            record_id: 1,
            event_record_id: Some(1),
            provider: provider.into(),
            event_id: id,
            qualifiers: None,
            level: None,
            task: None,
            keywords: None,
            time: UtcTime::from_unix_secs(0),
            written: None,
            computer: String::new(),
            channel: String::new(),
            data: Vec::new(),
            named: named
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            binary: None,
            recovered: false,
        }
    }

    #[test]
    fn sysmon_3_and_security_5156_give_the_process_and_5_tuple() {
        let s = record(
            "Microsoft-Windows-Sysmon",
            3,
            &[
                ("UtcTime", "2019-02-16 10:02:21.995"),
                ("ProcessId", "2312"),
                ("Image", "C:\\Users\\IEUser\\Desktop\\plink.exe"),
                ("Protocol", "tcp"),
                ("Initiated", "true"),
                ("SourceIp", "10.0.2.17"),
                ("SourcePort", "49185"),
                ("DestinationIp", "10.0.2.18"),
                ("DestinationPort", "80"),
            ],
        );
        let c = connection_of(&s).unwrap();
        assert_eq!(c.time.to_string(), "2019-02-16T10:02:21.995Z");
        assert_eq!(
            c.message(),
            "Sysmon 3: PID 2312 (plink.exe) tcp 10.0.2.17:49185 -> 10.0.2.18:80 outbound"
        );
        let w = record(
            "Microsoft-Windows-Security-Auditing",
            5157,
            &[
                ("ProcessID", "520"),
                (
                    "Application",
                    "\\device\\harddiskvolume1\\windows\\system32\\lsass.exe",
                ),
                ("Direction", "%%14592"),
                ("Protocol", "17"),
                ("SourceAddress", "fe80::1"),
                ("SourcePort", "546"),
                ("DestAddress", "ff02::1:2"),
                ("DestPort", "547"),
            ],
        );
        let c = connection_of(&w).unwrap();
        assert!(!c.allowed);
        assert_eq!(
            c.message(),
            "Security 5157 (blocked): PID 520 (lsass.exe) udp [fe80::1]:546 -> [ff02::1:2]:547 inbound"
        );
        assert_eq!(
            connection_of(&record("Microsoft-Windows-Security-Auditing", 5158, &[])),
            None
        );
    }
}
