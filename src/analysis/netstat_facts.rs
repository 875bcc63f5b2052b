//! Facts per netstat snapshot: rows, counts by state, SYN_SENT per PID and per program (the
//! culprit processes of Microsoft's Event 4226 advice: "run `netstat -no` and look for a process
//! with many connections in SYN_SENT"), whether SYN_SENT reaches or exceeds the half-open limit,
//! listening ports, connections to or from configured alarm endpoints, and `netstat -s` counters
//! with their changes since the previous `-s` output of the same file.

use crate::ingest::netstat::{Endpoint, NetstatRow, Proto, Sections, Snapshot, StatisticsDelta};
use crate::model::{AlarmEndpoint, TimeSource, UtcTime};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// What a snapshot summary compares against (built from `--half-open-limit`,
/// `--alarm-provider` and `--alarm-client` by the caller).
#[derive(Debug, Clone)]
pub struct NetstatSettings {
    /// Concurrent half-open connects at which the Windows limit bites (XP SP2: 10; Tech Note
    /// 838, KB969710).
    pub half_open_limit: u32,
    /// Alarm provider endpoints (address, optional TCP port).
    pub alarm_providers: Vec<AlarmEndpoint>,
    /// Alarm client endpoints (address, optional TCP port).
    pub alarm_clients: Vec<AlarmEndpoint>,
}

impl Default for NetstatSettings {
    /// Limit 10 (XP SP2), no alarm endpoints.
    fn default() -> Self {
        NetstatSettings {
            half_open_limit: 10,
            alarm_providers: Vec::new(),
            alarm_clients: Vec::new(),
        }
    }
}

/// One netstat snapshot (JSON `netstat[]`).
///
/// - `by_state` counts TCP rows by standard English state name (`UNKNOWN` for a TCP row printed
///   without one, e.g. FreeBSD `-T`); UDP rows are counted in `udp_rows`.
/// - `syn_sent_by_pid` / `syn_sent_by_program`: SYN_SENT rows per PID (`-o`, Linux `-p`, ss) and
///   per program (`-b` `[exe]` line, Linux `PID/Program`, ss `users:`).
/// - `half_open_limit` = [`NetstatSettings::half_open_limit`]; `limit_reached` = `syn_sent >= limit` (the
///   Event 4226 fingerprint: tcpip.sys holds at most `limit` connects in SYN_SENT);
///   `limit_exceeded` = `syn_sent > limit` (the limit is not enforced: patched tcpip.sys, a
///   registry change or a later Windows).
/// - `listening`: TCP rows in LISTENING and UDP rows not connected (foreign port `*`).
/// - `alarm_connections`: rows whose local or foreign address matches `--alarm-provider` /
///   `--alarm-client` ([`AlarmEndpoint::matches`]).
/// - `statistics`: `netstat -s`/`-e` counters (section → counter → value, see
///   [`crate::ingest::netstat::stats`]); `statistics_delta`: changes since the previous snapshot
///   of the same file that had statistics.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NetstatSummary {
    /// The netstat file, as displayed.
    pub path: String,
    /// 1-based snapshot number in the file.
    pub snapshot: u64,
    /// 1-based line where the snapshot starts.
    pub line: u64,
    /// The command line printed above it, when the file shows one.
    pub command: Option<String>,
    /// When it was taken (UTC; the common clock after correlation).
    pub time: UtcTime,
    /// Where `time` came from: a stamp in the file, `--netstat-time`, or the file's mtime.
    pub time_source: TimeSource,
    /// Rows of the snapshot (TCP and UDP).
    pub rows: u64,
    /// UDP rows.
    pub udp_rows: u64,
    /// TCP rows per state name.
    pub by_state: BTreeMap<String, u64>,
    /// SYN_SENT rows per PID.
    pub syn_sent_by_pid: BTreeMap<String, u64>,
    /// SYN_SENT rows per program.
    pub syn_sent_by_program: BTreeMap<String, u64>,
    /// TCP rows in SYN_SENT: the half-open outgoing connects.
    pub syn_sent: u64,
    /// The limit compared against ([`NetstatSettings::half_open_limit`]).
    pub half_open_limit: u32,
    /// `syn_sent >= half_open_limit`.
    pub limit_reached: bool,
    /// `syn_sent > half_open_limit`.
    pub limit_exceeded: bool,
    /// Listening sockets.
    pub listening: Vec<Listening>,
    /// Rows to or from a configured alarm endpoint.
    pub alarm_connections: Vec<AlarmConnection>,
    /// `netstat -s`/`-e` counters, when the snapshot has them.
    pub statistics: Option<Sections>,
    /// Changes of the counters since the previous snapshot with statistics.
    pub statistics_delta: Option<StatisticsDelta>,
    /// The correlated host of the file (set by correlation).
    pub host: Option<String>,
}

/// A listening socket: `proto` as printed on Windows (`TCP`, `UDP`, `TCPv6`, `UDPv6`; Linux
/// `tcp6` is `TCPv6`), local `address` (IPv6 without brackets) and `port` (number or service
/// name as printed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Listening {
    /// `TCP`, `UDP`, `TCPv6` or `UDPv6`.
    pub proto: &'static str,
    /// Local address (IPv6 without brackets).
    pub address: String,
    /// Local port, number or service name as printed.
    pub port: String,
    /// Owning PID (`-o`), when printed.
    pub pid: Option<u32>,
    /// Owning program (`-b`, Linux `-p`), when printed.
    pub program: Option<String>,
}

/// A row to or from a configured alarm endpoint. `role` is `provider` or `client` (which list
/// matched), `side` is `local` or `foreign` (which address matched); addresses are
/// `host:port` (`[v6]:port`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AlarmConnection {
    /// 1-based line of the row.
    pub line: u64,
    /// `TCP`, `UDP`, `TCPv6` or `UDPv6`.
    pub proto: &'static str,
    /// Local `host:port`.
    pub local: String,
    /// Foreign `host:port`.
    pub foreign: String,
    /// TCP state, when printed.
    pub state: Option<String>,
    /// Owning PID, when printed.
    pub pid: Option<u32>,
    /// Owning program, when printed.
    pub program: Option<String>,
    /// `provider` or `client`: which endpoint list matched.
    pub role: &'static str,
    /// `local` or `foreign`: which address matched.
    pub side: &'static str,
    /// Whether the row joins a provider and a client (one end in each list): the alarm
    /// connection itself, not another connection of the provider's or client's machine.
    pub between: bool,
}

/// A process and its SYN_SENT rows in the netstat snapshot with the most SYN_SENT rows.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Culprit {
    /// The process id.
    pub pid: u32,
    /// Its SYN_SENT rows.
    pub syn_sent: u64,
}

fn proto_name(p: Proto) -> &'static str {
    match p {
        Proto::Tcp => "TCP",
        Proto::Udp => "UDP",
        Proto::Tcpv6 => "TCPv6",
        Proto::Udpv6 => "UDPv6",
    }
}

fn show(e: &Endpoint) -> String {
    if e.host.contains(':') {
        format!("[{}]:{}", e.host, e.port)
    } else {
        format!("{}:{}", e.host, e.port)
    }
}

/// Whether `e` matches `a`: the host must be an IP address (zone id dropped); a service-name
/// port matches only an endpoint without a port.
fn endpoint_matches(a: &AlarmEndpoint, e: &Endpoint) -> bool {
    let host = e.host.split('%').next().unwrap_or_default();
    let Ok(ip) = host.parse::<IpAddr>() else {
        return false;
    };
    match e.port.parse::<u16>() {
        Ok(port) => a.matches(ip, port),
        Err(_) => a.port.is_none() && a.matches(ip, 0),
    }
}

/// The first alarm match of a row, as `(role, side)`.
fn alarm_match(r: &NetstatRow, settings: &NetstatSettings) -> Option<(&'static str, &'static str)> {
    let lists = [
        ("provider", &settings.alarm_providers),
        ("client", &settings.alarm_clients),
    ];
    for (role, list) in lists {
        for (side, e) in [("local", &r.local), ("foreign", &r.foreign)] {
            if list.iter().any(|a| endpoint_matches(a, e)) {
                return Some((role, side));
            }
        }
    }
    None
}

/// Whether one end of `r` is a provider and the other a client.
fn joins_provider_and_client(r: &NetstatRow, settings: &NetstatSettings) -> bool {
    let is = |list: &[AlarmEndpoint], e| list.iter().any(|a| endpoint_matches(a, e));
    (is(&settings.alarm_providers, &r.local) && is(&settings.alarm_clients, &r.foreign))
        || (is(&settings.alarm_clients, &r.local) && is(&settings.alarm_providers, &r.foreign))
}

/// The facts of snapshot `s` of the netstat file at `path`, taken at `time`.
pub fn netstat_summary(
    path: &str,
    s: &Snapshot,
    time: UtcTime,
    time_source: TimeSource,
    host: Option<String>,
    settings: &NetstatSettings,
) -> NetstatSummary {
    let mut by_state: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_pid: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_program: BTreeMap<String, u64> = BTreeMap::new();
    let mut listening = Vec::new();
    let mut alarm_connections = Vec::new();
    let mut udp_rows = 0;
    for r in &s.rows {
        if let Some((role, side)) = alarm_match(r, settings) {
            alarm_connections.push(AlarmConnection {
                line: r.line,
                proto: proto_name(r.proto),
                local: show(&r.local),
                foreign: show(&r.foreign),
                state: r.state.clone(),
                pid: r.pid,
                program: r.program.clone(),
                role,
                side,
                between: joins_provider_and_client(r, settings),
            });
        }
        let listens = if r.proto.is_tcp() {
            r.state.as_deref() == Some("LISTENING")
        } else {
            r.foreign.port == "*"
        };
        if listens {
            listening.push(Listening {
                proto: proto_name(r.proto),
                address: r.local.host.clone(),
                port: r.local.port.clone(),
                pid: r.pid,
                program: r.program.clone(),
            });
        }
        if !r.proto.is_tcp() {
            udp_rows += 1;
            continue;
        }
        let state = r.state.clone().unwrap_or_else(|| "UNKNOWN".to_string());
        if state == "SYN_SENT" {
            if let Some(pid) = r.pid {
                *by_pid.entry(pid.to_string()).or_default() += 1;
            }
            if let Some(p) = &r.program {
                *by_program.entry(p.clone()).or_default() += 1;
            }
        }
        *by_state.entry(state).or_default() += 1;
    }
    let syn_sent = by_state.get("SYN_SENT").copied().unwrap_or(0);
    let limit = u64::from(settings.half_open_limit);
    NetstatSummary {
        path: path.to_string(),
        snapshot: s.index,
        line: s.line,
        command: s.command.clone(),
        time,
        time_source,
        rows: s.rows.len() as u64,
        udp_rows,
        syn_sent,
        by_state,
        syn_sent_by_pid: by_pid,
        syn_sent_by_program: by_program,
        half_open_limit: settings.half_open_limit,
        limit_reached: syn_sent >= limit,
        limit_exceeded: syn_sent > limit,
        listening,
        alarm_connections,
        statistics: s.statistics.as_ref().map(|st| st.sections.clone()),
        statistics_delta: s.statistics_delta.clone(),
        host,
    }
}

/// One timeline line for a snapshot: rows, SYN_SENT, the limit when reached, and the PIDs
/// holding the SYN_SENT rows.
pub fn netstat_message(s: &NetstatSummary) -> String {
    let cmd = s
        .command
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let mut m = format!(
        "netstat snapshot {}{cmd}: {} rows, {} SYN_SENT",
        s.snapshot, s.rows, s.syn_sent
    );
    if s.limit_exceeded {
        m.push_str(&format!(
            " (above the half-open limit {})",
            s.half_open_limit
        ));
    } else if s.limit_reached {
        m.push_str(&format!(" (at the half-open limit {})", s.half_open_limit));
    }
    if !s.syn_sent_by_pid.is_empty() {
        let pids: Vec<String> = top_pids(&s.syn_sent_by_pid)
            .iter()
            .map(|c| format!("PID {} ×{}", c.pid, c.syn_sent))
            .collect();
        m.push_str(&format!(" [{}]", pids.join(", ")));
    }
    m
}

/// PIDs by SYN_SENT count, most first (ties by PID).
pub fn top_pids(by_pid: &BTreeMap<String, u64>) -> Vec<Culprit> {
    let mut v: Vec<Culprit> = by_pid
        .iter()
        .filter_map(|(p, n)| p.parse().ok().map(|pid| Culprit { pid, syn_sent: *n }))
        .collect();
    v.sort_by(|a, b| b.syn_sent.cmp(&a.syn_sent).then(a.pid.cmp(&b.pid)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::netstat::parse_netstat;

    /// 10 SYN_SENT rows of `worm.exe` (PID 4711) and one of `svchost.exe`, an alarm provider
    /// connection and two listeners (`netstat -abno` shape).
    fn abno(syn_rows: usize) -> String {
        let mut t = String::from(
            "Active Connections\n\n  Proto  Local Address          Foreign Address        State           PID\n  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1712\n  RpcSs\n [svchost.exe]\n  TCP    10.1.1.21:1030         10.1.1.10:5413         ESTABLISHED     2000\n [view.exe]\n  UDP    [::]:500               *:*                                    3456\n [lsass.exe]\n",
        );
        for i in 0..syn_rows {
            t.push_str(&format!(
                "  TCP    10.1.1.21:{}         10.9.{}.1:445          SYN_SENT        4711\n [worm.exe]\n",
                2000 + i,
                i
            ));
        }
        t.push_str("  TCP    10.1.1.21:3000         10.1.1.99:80           SYN_SENT        900\n [svchost.exe]\n");
        t
    }

    fn summary(text: &str, config: &NetstatSettings) -> NetstatSummary {
        let f = parse_netstat(text.as_bytes());
        assert_eq!(f.problems, vec![]);
        netstat_summary(
            "x.txt",
            &f.snapshots[0],
            UtcTime::from_unix_nanos(0, 0),
            TimeSource::Mtime,
            None,
            config,
        )
    }

    #[test]
    fn syn_sent_by_pid_and_program_and_limit() {
        let config = NetstatSettings {
            alarm_providers: vec![AlarmEndpoint::parse("10.1.1.10:5413").unwrap()],
            ..NetstatSettings::default()
        };
        let s = summary(&abno(10), &config);
        assert_eq!(s.syn_sent, 11);
        assert_eq!(
            s.syn_sent_by_pid,
            [("4711".to_string(), 10), ("900".to_string(), 1)].into()
        );
        assert_eq!(
            s.syn_sent_by_program,
            [("worm.exe".to_string(), 10), ("svchost.exe".to_string(), 1)].into()
        );
        assert_eq!((s.limit_reached, s.limit_exceeded), (true, true));
        assert_eq!(
            s.listening,
            vec![
                Listening {
                    proto: "TCP",
                    address: "0.0.0.0".into(),
                    port: "135".into(),
                    pid: Some(1712),
                    program: Some("svchost.exe".into())
                },
                Listening {
                    proto: "UDP",
                    address: "::".into(),
                    port: "500".into(),
                    pid: Some(3456),
                    program: Some("lsass.exe".into())
                },
            ]
        );
        assert_eq!(
            s.alarm_connections,
            vec![AlarmConnection {
                line: 7,
                proto: "TCP",
                local: "10.1.1.21:1030".into(),
                foreign: "10.1.1.10:5413".into(),
                state: Some("ESTABLISHED".into()),
                pid: Some(2000),
                program: Some("view.exe".into()),
                role: "provider",
                side: "foreign",
                between: false,
            }]
        );
        assert_eq!(
            netstat_message(&s),
            "netstat snapshot 1: 14 rows, 11 SYN_SENT (above the half-open limit 10) [PID 4711 ×10, PID 900 ×1]"
        );
    }

    #[test]
    fn limit_reached_but_not_exceeded_at_exactly_the_limit() {
        let s = summary(&abno(9), &NetstatSettings::default());
        assert_eq!(s.syn_sent, 10);
        assert_eq!((s.limit_reached, s.limit_exceeded), (true, false));
        let s = summary(&abno(8), &NetstatSettings::default());
        assert_eq!((s.limit_reached, s.limit_exceeded), (false, false));
    }

    #[test]
    fn alarm_client_without_port_matches_local_side() {
        let config = NetstatSettings {
            alarm_clients: vec![AlarmEndpoint::parse("10.1.1.21").unwrap()],
            ..NetstatSettings::default()
        };
        let s = summary(&abno(0), &config);
        // Every row with local 10.1.1.21: the view.exe row and the svchost SYN_SENT row.
        let got: Vec<_> = s
            .alarm_connections
            .iter()
            .map(|a| (a.line, a.role, a.side))
            .collect();
        assert_eq!(got, vec![(7, "client", "local"), (11, "client", "local")]);
    }
}
