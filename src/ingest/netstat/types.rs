//! The values a netstat file gives: snapshots of connection rows, statistics counters and the
//! time stamps written between them (shapes documented per field; no parsing here).

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::stats::Sections;
use crate::model::Problem;

/// Transport of a netstat row as printed (`TCP`, `UDP`, `TCPv6`, `UDPv6`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proto {
    /// `TCP` (IPv4 and, on Vista and later, IPv6 rows with `[addr]:port`).
    Tcp,
    /// `UDP`.
    Udp,
    /// `TCPv6` (a `-p` value; accepted as a row label, unverified in real output).
    Tcpv6,
    /// `UDPv6`.
    Udpv6,
}

impl Proto {
    /// True for `TCP` and `TCPv6`.
    pub fn is_tcp(self) -> bool {
        matches!(self, Proto::Tcp | Proto::Tcpv6)
    }
}

/// An `address:port` as printed: host may be a name, an IPv4/IPv6 address (brackets removed,
/// zone id kept, e.g. `fe80::1%64`) or `*`; port may be a number, a service name or `*`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Endpoint {
    /// Host name, address (IPv6 without brackets, zone id kept) or `*`.
    pub host: String,
    /// Port number, service name (`microsoft-ds`) or `*`, as printed.
    pub port: String,
}

/// One connection row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetstatRow {
    /// 1-based line of the row in the decoded text (the first line when wrapped).
    pub line: u64,
    /// Transport as printed.
    pub proto: Proto,
    /// Local address (`Local Address` column).
    pub local: Endpoint,
    /// Foreign address; `*:*` for unconnected UDP, `HOST:0` / `0.0.0.0:0` for listeners.
    pub foreign: Endpoint,
    /// Standard English state name (`SYN_SENT`, `ESTABLISHED`, …; German words are mapped);
    /// `None` for UDP. A word netstat does not print is kept verbatim.
    pub state: Option<String>,
    /// Owning process id (`-o`).
    pub pid: Option<u32>,
    /// Executable name from the `-b` line ` [svchost.exe]` after the row, without brackets;
    /// `None` without `-b` or for ` Can not obtain ownership information`.
    pub program: Option<String>,
}

/// One netstat output (from an `Active Connections` header, or a header-less run of rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// 1-based index in the file.
    pub index: u64,
    /// 1-based line where the snapshot starts.
    pub line: u64,
    /// The command echoed before it, if a prompt line shows one (`netstat -a`).
    pub command: Option<String>,
    /// Rows in file order.
    pub rows: Vec<NetstatRow>,
    /// The time the file itself gives for this snapshot (a `date /t`/`time /t`, `%date% %time%`,
    /// `Get-Date` or ISO line before it), if any.
    pub stamp: Option<Stamp>,
    /// `netstat -s` / `-e` counters printed in this snapshot, if any.
    pub statistics: Option<Statistics>,
    /// Counter changes since the previous snapshot of the same file that had statistics.
    pub statistics_delta: Option<StatisticsDelta>,
}

/// Differences between two successive `netstat -s` outputs of one file (later minus earlier;
/// negative after a reboot or a counter wrap). A rising `failed_connection_attempts` or
/// `segments_retransmitted` in `tcp_ipv4` is the failed-connect signal (research note §2:
/// inference, counters are totals since boot).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct StatisticsDelta {
    /// Index of the earlier snapshot.
    pub from_snapshot: u64,
    /// Section → counter → change, for counters present in both.
    pub sections: std::collections::BTreeMap<String, std::collections::BTreeMap<String, i64>>,
}

/// The counters of one `netstat -s` (and/or `-e`) output. See `super::stats` for the layout and keys.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Statistics {
    /// 1-based line of the first statistics heading.
    pub line: u64,
    /// Section (`tcp_ipv4`, `ipv4`, `icmpv4`, …) → counter (`active_opens`, …) → value.
    pub sections: Sections,
}

/// A time written in a netstat file. Local time unless the text carried an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// 1-based line of the stamp.
    pub line: u64,
    /// The wall-clock time as written.
    pub civil: jiff::civil::DateTime,
    /// The UTC offset in seconds when the text gave one (`Z`, `+02:00`); `None` = local time.
    pub offset_s: Option<i32>,
}

/// What one netstat file gave.
#[derive(Debug, Clone, Default)]
pub struct NetstatFile {
    /// Snapshots in file order (indexes 1, 2, …).
    pub snapshots: Vec<Snapshot>,
    /// Row lines that could not be read, with their 1-based line.
    pub problems: Vec<Problem>,
    /// The text encoding detected: `UTF-16LE`, `UTF-16BE`, `UTF-8`, `Shift_JIS`, `GBK`,
    /// `IBM866` (each only when its localized heading shows) or `IBM437` (the fallback).
    pub encoding: &'static str,
    /// The 1-based number of the last line when the text ends without a line end after a line
    /// that reads as a whole row or is blank: nothing in the file tells a cut there from a short
    /// file, so the report warns (a cut inside any other line is a [`Problem`] instead).
    pub unterminated_line: Option<u64>,
}
