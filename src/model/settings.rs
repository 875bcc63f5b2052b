//! Plain setting types that several layers read: a named time zone (`--event-tz`, `--tz`) and
//! an alarm endpoint (`--alarm-provider`, `--alarm-client`). No clap here: `cli` uses the
//! `parse` functions as value parsers.

use std::net::IpAddr;

/// A setting's text that is not what it should be; the message quotes it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SettingError {
    /// Neither an IANA zone name nor a UTC offset.
    #[error("not an IANA time zone or a UTC offset: {0:?}")]
    Zone(String),
    /// Not `ADDR` or `ADDR:PORT`.
    #[error("expected ADDR or ADDR:PORT, got {0:?}")]
    Endpoint(String),
    /// Not `ADDR`, `ADDR:PORT`, `NAME` or `NAME:PORT`.
    #[error("expected ADDR, ADDR:PORT, NAME or NAME:PORT, got {0:?}")]
    EndpointOrName(String),
}

/// A time zone with the name the user gave (`Europe/Berlin`, `+02:00`).
#[derive(Debug, Clone)]
pub struct NamedTz {
    /// As given on the command line.
    pub name: String,
    /// The zone (IANA rules with daylight saving, or a fixed offset).
    pub tz: jiff::tz::TimeZone,
}

impl NamedTz {
    /// Parses an IANA zone name (`Europe/Berlin`, from the system tz database) or a fixed
    /// offset (`+02:00`, `-0500`, `UTC`). Errors name the text that failed.
    pub fn parse(s: &str) -> Result<NamedTz, SettingError> {
        let t = s.trim();
        let fixed = |sign: i32, rest: &str| -> Option<jiff::tz::TimeZone> {
            let digits: String = rest.chars().filter(|c| c.is_ascii_digit()).collect();
            let (h, m) = match digits.len() {
                1 | 2 => (digits.parse::<i32>().ok()?, 0),
                4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
                _ => return None,
            };
            if h > 14 || m > 59 {
                return None;
            }
            let off = jiff::tz::Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()?;
            Some(jiff::tz::TimeZone::fixed(off))
        };
        let tz = if t.eq_ignore_ascii_case("utc") || t == "Z" {
            Some(jiff::tz::TimeZone::UTC)
        } else if let Some(r) = t.strip_prefix('+') {
            fixed(1, r)
        } else if let Some(r) = t.strip_prefix('-') {
            fixed(-1, r)
        } else {
            jiff::tz::TimeZone::get(t).ok()
        };
        tz.map(|tz| NamedTz {
            name: t.to_string(),
            tz,
        })
        .ok_or_else(|| SettingError::Zone(s.to_string()))
    }
}

/// An address with an optional TCP port (no port = every port).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AlarmEndpoint {
    /// The host's IPv4 or IPv6 address.
    pub addr: IpAddr,
    /// The TCP port; `None` matches every port.
    pub port: Option<u16>,
}

impl AlarmEndpoint {
    /// Parses `10.1.1.10`, `10.1.1.10:5413`, `fe80::1`, `[fe80::1]:5413`.
    pub fn parse(s: &str) -> Result<AlarmEndpoint, SettingError> {
        let t = s.trim();
        if let Ok(addr) = t.parse::<IpAddr>() {
            return Ok(AlarmEndpoint { addr, port: None });
        }
        if let Ok(sa) = t.parse::<std::net::SocketAddr>() {
            return Ok(AlarmEndpoint {
                addr: sa.ip(),
                port: Some(sa.port()),
            });
        }
        Err(SettingError::Endpoint(s.to_string()))
    }

    /// Whether `addr:port` is this endpoint.
    pub fn matches(&self, addr: IpAddr, port: u16) -> bool {
        self.addr == addr && self.port.is_none_or(|p| p == port)
    }
}

impl std::fmt::Display for AlarmEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.port, self.addr) {
            (None, a) => write!(f, "{a}"),
            (Some(p), IpAddr::V6(a)) => write!(f, "[{a}]:{p}"),
            (Some(p), a) => write!(f, "{a}:{p}"),
        }
    }
}
