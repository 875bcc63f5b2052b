//! The validated settings of one `analyze` run (built by `cli`, used by the library).

use crate::analysis::alarm::AlarmSettings;
use crate::correlate::CorrelateSettings;
use crate::model::UtcTime;
pub mod profile;

pub use crate::model::{AlarmEndpoint, NamedTz};
use std::net::IpAddr;
use std::path::PathBuf;

/// Settings of one analysis. Build with [`Config::new`] and set the fields you need.
#[derive(Debug, Clone)]
pub struct Config {
    /// Files and/or folders (recursed) to analyse.
    pub paths: Vec<PathBuf>,
    /// Worker threads of the one pool [`crate::analyze`] builds (files and evtx chunks share
    /// them); 0 = one per core. Not read by [`crate::analyze_on_current_pool`] (`batch`).
    pub threads: usize,
    /// The time of every netstat snapshot when given (`--netstat-time`) and the file gives none;
    /// else the file's mtime.
    pub netstat_time: Option<UtcTime>,
    /// Concurrent half-open outgoing connections at which the Windows limit bites (XP SP2: 10).
    pub half_open_limit: u32,
    /// Seconds after its first SYN at which a sender gives up an unanswered connect
    /// (Windows XP–7 defaults: SYNs at t, t+3 s, t+9 s, give up at t+21 s).
    pub give_up_s: f64,
    /// Extra host identities from `--host NAME=IP`.
    pub hosts: Vec<(String, IpAddr)>,
    /// The zone of local times in Event Viewer exports (`--event-tz`); `None` = UTC, with a
    /// warning in the report.
    pub event_tz: Option<NamedTz>,
    /// Alarm provider endpoints (`--alarm-provider ADDR[:PORT]`).
    pub alarm_providers: Vec<AlarmEndpoint>,
    /// Alarm client endpoints (`--alarm-client ADDR[:PORT]`).
    pub alarm_clients: Vec<AlarmEndpoint>,
    /// Seconds without traffic between an alarm client and its provider that make a gap
    /// (`--gap`, default 30).
    pub gap_s: f64,
    /// Whether to put each host's half-open step series in the output (`--series`).
    pub series: bool,
    /// Manual clock offsets (`--clock-offset SOURCE=±SECONDS`): seconds added to the raw times of
    /// every input whose path ends with SOURCE (or equals it).
    pub clock_offsets: Vec<(String, f64)>,
    /// The profile files these settings came from (site first, then the incident's), in the
    /// order applied; they are not read as evidence ([`profile`]).
    pub profiles: Vec<PathBuf>,
    /// Alarm endpoints given by names that only the evidence can resolve (see
    /// [`profile::PendingName`]); empty once resolved.
    pub alarm_names: Vec<profile::PendingName>,
    /// `--around TIME`: the timeline is cut to `around ± window_s`.
    pub around: Option<UtcTime>,
    /// `--window SECONDS` (default 300 when `--around` is given).
    pub window_s: f64,
}

impl Config {
    /// Defaults: all cores, limit 10, give-up 21 s, file mtimes for netstat, gap 30 s.
    pub fn new(paths: Vec<PathBuf>) -> Self {
        Config {
            paths,
            threads: 0,
            netstat_time: None,
            half_open_limit: 10,
            give_up_s: 21.0,
            hosts: Vec::new(),
            event_tz: None,
            alarm_providers: Vec::new(),
            alarm_clients: Vec::new(),
            gap_s: 30.0,
            series: false,
            clock_offsets: Vec::new(),
            profiles: Vec::new(),
            alarm_names: Vec::new(),
            around: None,
            window_s: 300.0,
        }
    }

    /// What the alarm gap tracker of each capture watches.
    pub fn alarm_settings(&self) -> AlarmSettings {
        AlarmSettings {
            providers: self.alarm_providers.clone(),
            clients: self.alarm_clients.clone(),
            gap_s: self.gap_s,
        }
    }

    /// What correlation reads.
    pub fn correlate_settings(&self) -> CorrelateSettings {
        CorrelateSettings {
            hosts: self.hosts.clone(),
            half_open_limit: self.half_open_limit,
            give_up_s: self.give_up_s,
            netstat_time: self.netstat_time,
            event_tz_given: self.event_tz.is_some(),
            gap_s: self.gap_s,
            alarm_providers: self.alarm_providers.clone(),
            alarm_clients: self.alarm_clients.clone(),
            series: self.series,
            clock_offsets: self.clock_offsets.clone(),
            around: self.around,
            window_s: self.window_s,
            profiles: self
                .profiles
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_and_endpoints_parse() {
        let z = NamedTz::parse("+02:00").unwrap();
        let t = jiff::civil::date(2026, 3, 14).at(12, 0, 0, 0);
        let ts = z.tz.to_timestamp(t).unwrap();
        assert_eq!(ts.to_string(), "2026-03-14T10:00:00Z");
        assert_eq!(
            NamedTz::parse("-0500")
                .unwrap()
                .tz
                .to_timestamp(t)
                .unwrap()
                .to_string(),
            "2026-03-14T17:00:00Z"
        );
        assert!(NamedTz::parse("Mars/Olympus").is_err());
        assert!(NamedTz::parse("+25:00").is_err());
        let e = AlarmEndpoint::parse("10.1.1.10:5413").unwrap();
        assert_eq!(e.port, Some(5413));
        assert!(e.matches("10.1.1.10".parse().unwrap(), 5413));
        assert!(!e.matches("10.1.1.10".parse().unwrap(), 80));
        assert!(AlarmEndpoint::parse("10.1.1.21").unwrap().port.is_none());
        assert_eq!(
            AlarmEndpoint::parse("[fe80::1]:80").unwrap().to_string(),
            "[fe80::1]:80"
        );
        assert!(AlarmEndpoint::parse("host").is_err());
    }
}
