//! Saved Windows `netstat` text. (Helper B fills this in.)

use crate::model::Problem;

/// Transport of a netstat row as printed (`TCP`, `UDP`, `TCPv6`, `UDPv6`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proto {
    Tcp,
    Udp,
    Tcpv6,
    Udpv6,
}

impl Proto {
    pub fn is_tcp(self) -> bool {
        matches!(self, Proto::Tcp | Proto::Tcpv6)
    }
}

/// An `address:port` as printed: host may be a name, an IPv4/IPv6 address (brackets removed,
/// zone id kept, e.g. `fe80::1%64`) or `*`; port may be a number, a service name or `*`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Endpoint {
    pub host: String,
    pub port: String,
}

/// One connection row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetstatRow {
    /// 1-based line of the row in the decoded text (the first line when wrapped).
    pub line: u64,
    pub proto: Proto,
    pub local: Endpoint,
    pub foreign: Endpoint,
    /// Standard English state name (`SYN_SENT`, `ESTABLISHED`, …); `None` for UDP.
    pub state: Option<String>,
    pub pid: Option<u32>,
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
    pub rows: Vec<NetstatRow>,
}

/// What one netstat file gave.
#[derive(Debug, Clone, Default)]
pub struct NetstatFile {
    pub snapshots: Vec<Snapshot>,
    pub problems: Vec<Problem>,
    /// The text encoding detected (`UTF-16LE`, `UTF-8`, …).
    pub encoding: &'static str,
}

/// True if `head` (the first few KiB of a file) looks like netstat output.
pub fn looks_like_netstat(head: &[u8]) -> bool {
    let _ = head;
    false
}

/// Parses netstat text (any supported encoding) into snapshots. Never fails: lines that look
/// like rows but cannot be read become [`Problem`]s.
pub fn parse_netstat(bytes: &[u8]) -> NetstatFile {
    let _ = bytes;
    NetstatFile::default()
}
