//! The plain settings correlation reads (built by the caller, e.g. `Config::correlate_settings`).

use crate::analysis::netstat_facts::NetstatSettings;
use crate::model::{AlarmEndpoint, UtcTime};
use std::net::IpAddr;

/// Everything [`super::correlate`] needs besides the inputs.
#[derive(Debug, Clone)]
pub struct CorrelateSettings {
    /// Extra host identities (`--host NAME=IP`), merged before any source.
    pub hosts: Vec<(String, IpAddr)>,
    /// Concurrent half-open outgoing connections at which the Windows limit bites (XP SP2: 10;
    /// Tech Note 838, KB969710).
    pub half_open_limit: u32,
    /// Seconds after its first SYN at which a sender gives up an unanswered connect (echoed in
    /// the report's `settings`; Windows XP–7: SYNs at t, t+3 s, t+9 s, give up at t+21 s,
    /// RFC 6298 back-off).
    pub give_up_s: f64,
    /// `--netstat-time` (UTC), echoed in the report's `settings`.
    pub netstat_time: Option<UtcTime>,
    /// Whether `--event-tz` was given; without it local times of Event Viewer text exports are
    /// read as UTC and the report warns.
    pub event_tz_given: bool,
    /// Seconds of client–provider silence that count as an alarm gap (echoed in the report's
    /// `settings` when alarm endpoints are given).
    pub gap_s: f64,
    /// Alarm provider endpoints (`--alarm-provider`), matched against netstat rows.
    pub alarm_providers: Vec<AlarmEndpoint>,
    /// Alarm client endpoints (`--alarm-client`), matched against netstat rows.
    pub alarm_clients: Vec<AlarmEndpoint>,
    /// Whether each host's half-open step series goes into the output (`--series`).
    pub series: bool,
    /// Manual clock offsets (`--clock-offset SOURCE=SECONDS`): seconds added to the raw times of
    /// every input whose path ends with SOURCE; the last match wins.
    pub clock_offsets: Vec<(String, f64)>,
    /// `--around TIME` (UTC): the timeline is cut to `around ± window_s`.
    pub around: Option<UtcTime>,
    /// Half-width of the `--around` window, seconds.
    pub window_s: f64,
    /// The profile files the settings came from (`--config`, the bundle's `halfopen.toml`),
    /// echoed in the report's `settings`.
    pub profiles: Vec<String>,
}

impl Default for CorrelateSettings {
    /// Limit 10, give-up 21 s, no extra hosts, endpoints, offsets or window.
    fn default() -> Self {
        CorrelateSettings {
            hosts: Vec::new(),
            half_open_limit: 10,
            give_up_s: 21.0,
            netstat_time: None,
            event_tz_given: false,
            gap_s: 30.0,
            alarm_providers: Vec::new(),
            alarm_clients: Vec::new(),
            series: false,
            clock_offsets: Vec::new(),
            around: None,
            window_s: 300.0,
            profiles: Vec::new(),
        }
    }
}

impl CorrelateSettings {
    /// The settings of the per-snapshot netstat facts.
    pub fn netstat(&self) -> NetstatSettings {
        NetstatSettings {
            half_open_limit: self.half_open_limit,
            alarm_providers: self.alarm_providers.clone(),
            alarm_clients: self.alarm_clients.clone(),
        }
    }
}
