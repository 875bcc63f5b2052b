//! Saved `netstat` text: Windows connection tables (`netstat`, `-a`, `-n`, `-o`, `-b` and their
//! combinations, repeated outputs of `netstat -ano 5`), Windows `-s`/`-e` statistics, and Linux
//! net-tools / BSD / macOS `netstat` and iproute2 `ss` tables — as they arrive from customers:
//! console copies with prompts, window titles and wrapped lines, several outputs in one file,
//! `findstr`-filtered rows without a header, time stamps written by the saving script, in UTF-16
//! (PowerShell `>`), UTF-8 or an OEM code page (CP437, CP850, CP866, CP932, CP936).
//!
//! Sources of the rules: the row layout of Windows' `netstmsg.mc` and real files (research note
//! `shared/research/netstat.md` §2–4), Wonderware Tech Note 838 Figure 1 for the console wrap of a
//! state (`ESTABLIS` / `HED`), jc 1.26.1 (`netstat_windows.py`, its Linux/BSD/ss fixtures) as an
//! oracle for clean English text.
//!
//! How a file is read, line by line (1-based line numbers in the decoded text):
//! - a prompt line (`U:\>netstat -a`, `PS C:\x> netstat -ano`) ends the current snapshot; its
//!   command (if any) becomes [`Snapshot::command`] of the next snapshot;
//! - an `Active Connections` heading (or a localized one: `Aktive Verbindungen`, `Conexiones
//!   activas`, `Connexions actives`, `Активные подключения`, `アクティブな接続`, `活动连接`),
//!   Linux/BSD `Active Internet connections…` or an `ss` column header starts a snapshot; a row
//!   outside any snapshot starts a header-less one;
//! - a line that starts with `TCP`, `UDP`, `TCPv6` or `UDPv6` is a Windows row; one that starts
//!   with `tcp`/`tcp6`/`tcp4`/`tcp46`/`udp…` (after BSD `-A` columns) or with an `ss` state or
//!   `tcp`/`udp` Netid is a Unix row (see `unix.rs`); if a row cannot be read (even after joining
//!   a console-wrapped continuation) it becomes a [`Problem`] with its line;
//! - `-b` lines after a row (`  RpcSs`, ` [svchost.exe]`, ` Can not obtain ownership
//!   information`) are read for the program name;
//! - a `-s`/`-e` heading (`TCP Statistics for IPv4`) and its `Name = value` lines fill
//!   [`Snapshot::statistics`] of the open snapshot, or start one when the open snapshot already
//!   has that section (repeated `netstat -s 5`); see [`stats`];
//! - a time stamp line (`Sat 03/14/2026 10:02:40.12`, `date /t` + `time /t`, `Get-Date`, ISO; see
//!   `stamp.rs` for the forms) ends the open snapshot and becomes [`Snapshot::stamp`] of the next;
//! - routing-table headings (`Interface List`, `IPv4 Route Table`, `Kernel IP routing table`, …)
//!   end the open snapshot; all other lines (column headings, route and unix-socket lines, window
//!   titles, blank lines) are not data and are passed over without a problem.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod decode;
mod fields;
mod row;
mod stamp;
pub mod stats;
mod types;
mod unix;

use crate::model::{Locator, Problem};
use fields::{RowFields, RowParse};
use row::parse_row;
use stamp::{StampLine, parse_stamp};
pub use stats::Sections;
pub use types::{
    Endpoint, NetstatFile, NetstatRow, Proto, Snapshot, Stamp, Statistics, StatisticsDelta,
};

/// Localized `Active Connections` headings (research note §2, real files and excerpts).
const HEADINGS: &[&str] = &[
    "Active Connections",
    "Aktive Verbindungen",
    "Conexiones activas",
    "Connexions actives",
    "Активные подключения",
    "アクティブな接続",
    "活动连接",
];

/// True if `line` starts a connection table: an `Active Connections` heading (any listed
/// language; ASCII case ignored), Linux/BSD `Active Internet connections…` (net-tools and BSD
/// `netstat`), or an `ss` column header (`Netid State Recv-Q …`, `State Recv-Q Send-Q …`).
fn is_heading(line: &str) -> bool {
    let t = line.trim();
    if HEADINGS.iter().any(|h| h.eq_ignore_ascii_case(t)) {
        return true;
    }
    if t.starts_with("Active Internet connections") {
        return true;
    }
    let mut w = t.split_whitespace();
    matches!(
        (w.next(), w.next(), w.next()),
        (Some("Netid"), Some("State"), Some("Recv-Q"))
            | (Some("State"), Some("Recv-Q"), Some("Send-Q"))
    )
}

/// The command of a prompt line: `Some(None)` for a bare prompt (`U:\>`), `Some(Some(cmd))` for
/// `C:\Users\x>netstat -ano` or `PS C:\x> netstat -ano`, `None` if the line is not a prompt. A
/// prompt is a drive path (`X:\…`) at column 0, optionally after `PS `, up to the first `>`.
fn prompt_command(line: &str) -> Option<Option<String>> {
    let rest = line.strip_prefix("PS ").unwrap_or(line);
    let mut chars = rest.chars();
    let drive = chars.next()?;
    if !drive.is_ascii_alphabetic() || chars.next()? != ':' || chars.next()? != '\\' {
        return None;
    }
    let (_, cmd) = rest.split_once('>')?;
    let cmd = cmd.trim();
    Some((!cmd.is_empty()).then(|| cmd.to_string()))
}

/// A console window title copied with the text (`C:\WINDOWS\system32\cmd.exe`,
/// `Administrator: Windows PowerShell`).
fn is_window_title(line: &str) -> bool {
    let t = line.trim_end().to_ascii_lowercase();
    !line.starts_with(char::is_whitespace)
        && !t.contains('>')
        && (t.ends_with("cmd.exe")
            || t.ends_with("powershell.exe")
            || t.ends_with("windows powershell"))
}

/// A line that may be the wrapped tail of the row above it: not blank, not itself a row, a
/// damaged row (`lost_row`), a prompt, a heading or a window title.
fn is_continuation(line: &str) -> bool {
    !line.trim().is_empty()
        && parse_row(line) == RowParse::NotRow
        && lost_row(line).is_none()
        && prompt_command(line).is_none()
        && !is_heading(line)
        && !is_window_title(line)
}

/// A line holding only the digits of a PID cut by the console wrap (at column 0), or the PID of a
/// row without one pushed onto the next line.
fn is_pid_tail(line: &str, row: &RowFields) -> bool {
    let t = line.trim();
    !t.is_empty()
        && t.len() <= 10
        && t.bytes().all(|b| b.is_ascii_digit())
        && (!line.starts_with(char::is_whitespace) || row.pid.is_none())
}

/// Parses the row at `lines[i]`, joining up to two following lines when the console wrapped it
/// (Tech Note 838: `… ESTABLIS` / `HED`). A join is kept only if it gives a complete row with a
/// known state (or a PID). Returns the result and how many following lines it used.
fn parse_wrapped(lines: &[&str], i: usize, first: RowParse) -> (RowParse, usize) {
    let Some(line) = lines.get(i) else {
        return (first, 0);
    };
    // A complete row can only take a PID tail; a bad or cut row up to two continuation lines.
    let complete = match &first {
        RowParse::Row(f) => (!f.state_looks_cut()).then_some(f),
        _ => None,
    };
    let max = if complete.is_some() { 1 } else { 2 };
    let mut joined = (*line).to_string();
    for k in 1..=max {
        let Some(next) = lines.get(i + k) else { break };
        let wanted = match complete {
            Some(f) => is_pid_tail(next, f),
            None => is_continuation(next),
        };
        if !wanted {
            break;
        }
        // Without a separator first (a cut inside a word), then with one (a copy that lost the
        // spaces at the cut).
        let spaced = format!("{joined} {next}");
        joined.push_str(next);
        for candidate in [&joined, &spaced] {
            if let RowParse::Row(g) = parse_row(candidate)
                && g.state_known
                && !g.state_looks_cut()
                && (complete.is_none() || g.pid.is_some())
            {
                return (RowParse::Row(g), k);
            }
        }
    }
    (first, 0)
}

/// Reader state while walking the lines.
struct Reader {
    out: NetstatFile,
    /// Whether rows go to the last snapshot (false after a prompt or window title).
    in_snapshot: bool,
    /// Command of the last prompt, for the next snapshot.
    pending_command: Option<String>,
    /// True right after a row and its `-b` service lines (an ` [exe]` line may follow).
    row_open: bool,
    /// The stamp for the next snapshot.
    pending_stamp: Option<Stamp>,
    /// A `date /t` line waiting for its `time /t` line.
    pending_date: Option<jiff::civil::Date>,
    /// The `-s` section whose counters the next lines give.
    section: Option<String>,
}

impl Reader {
    fn start_snapshot(&mut self, line: u64) {
        let index = self.out.snapshots.len() as u64 + 1;
        self.section = None;
        self.out.snapshots.push(Snapshot {
            stamp: self.pending_stamp.take(),
            statistics: None,
            statistics_delta: None,
            index,
            line,
            command: self.pending_command.take(),
            rows: Vec::new(),
        });
        self.in_snapshot = true;
    }

    fn push_row(&mut self, line: u64, f: RowFields) {
        if !self.in_snapshot {
            self.start_snapshot(line);
        }
        let row = NetstatRow {
            line,
            proto: f.proto,
            local: f.local,
            foreign: f.foreign,
            state: f.state,
            pid: f.pid,
            program: f.program,
        };
        self.section = None;
        if let Some(s) = self.out.snapshots.last_mut() {
            s.rows.push(row);
        }
        self.row_open = true;
    }

    /// A `-s` section heading: its counters go to the open snapshot unless that one already has
    /// this section (then a repeated `netstat -s 5` output starts a new snapshot).
    fn statistics_heading(&mut self, section: String, number: u64) {
        let reuse = self.in_snapshot
            && self.out.snapshots.last().is_some_and(|s| {
                s.statistics
                    .as_ref()
                    .is_none_or(|st| !st.sections.contains_key(&section))
            });
        if !reuse {
            self.start_snapshot(number);
        }
        if let Some(s) = self.out.snapshots.last_mut() {
            let st = s.statistics.get_or_insert_with(|| Statistics {
                line: number,
                sections: Sections::new(),
            });
            st.sections.entry(section.clone()).or_default();
        }
        self.section = Some(section);
    }

    /// Ends the open snapshot: what follows belongs to a new one.
    fn close(&mut self) {
        self.in_snapshot = false;
        self.row_open = false;
        self.section = None;
    }

    /// A line that is not a row.
    fn other_line(&mut self, line: &str, number: u64) {
        if line.trim().is_empty() {
            self.row_open = false;
        } else if let Some(cmd) = prompt_command(line) {
            self.pending_command = cmd;
            self.close();
        } else if is_window_title(line) {
            self.close();
        } else if is_heading(line) {
            self.start_snapshot(number);
            self.row_open = false;
        } else if let Some(section) = stats::section_heading(line) {
            self.row_open = false;
            self.statistics_heading(section, number);
        } else if stats::is_route_heading(line) {
            self.close();
        } else if let (Some(section), Some(pairs)) = (&self.section, stats::counter_line(line)) {
            let counters = self
                .out
                .snapshots
                .last_mut()
                .and_then(|s| s.statistics.as_mut())
                .map(|st| st.sections.entry(section.clone()).or_default());
            if let Some(c) = counters {
                c.extend(pairs);
            }
        } else if let Some(st) = parse_stamp(line) {
            self.stamp_line(st, number);
        } else if self.row_open && line.starts_with(char::is_whitespace) && lost_row(line).is_none()
        {
            let t = line.trim();
            if let Some(exe) = t.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                if let Some(row) = self
                    .out
                    .snapshots
                    .last_mut()
                    .and_then(|s| s.rows.last_mut())
                {
                    row.program = Some(exe.to_string());
                }
                self.row_open = false;
            }
        } else {
            self.row_open = false;
            if let Some(why) = lost_row(line) {
                self.out
                    .problems
                    .push(Problem::new(Locator::Line(number), why));
            }
        }
    }
}

/// Why `line`, read as neither a row nor anything else, was probably a damaged row, or `None`:
/// it holds two or more endpoint tokens (`10.1.1.10:1100`, `[::]:135`, `*:*`, BSD
/// `10.1.1.10.1100`, or with a service name for the port: `10.1.1.10:https`), or one of its
/// first three words is a protocol, or one character off one (`TCP`, BSD `-A`'s `tcp4` after
/// the PCB, a flipped `tcq4`; damaged bytes around
/// it ignored: `!TCP`, `TCP\u{fffd}`) and it holds one endpoint, as only rows do; and it is not
/// a row of a socket family halfopen does not read (`raw6`, `unix`, …). (Lines with NUL bytes
/// are reported before any parsing.)
fn lost_row(line: &str) -> Option<&'static str> {
    // Rows of socket families halfopen does not read (net-tools/ss/BSD names) are not damage.
    const OTHER_FAMILIES: &[&str] = &[
        "raw", "raw6", "unix", "icmp", "icmp6", "icm6", "sctp", "sctp6", "udplite", "udpl6", "ipx",
        "ax25", "netrom", "x25", "ddp", "nl", "p_raw", "p_dgr", "u_str", "u_dgr", "u_seq", "v_str",
        "v_dgr", "tipc", "mptcp", "divert", "ip", "ip6", "rip6", "icm4", "icmp4", "gre", "kctl",
        "kevt", "ndrv", "vsock",
    ];
    let words: Vec<String> = line
        .split_whitespace()
        .take(3)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_ascii_lowercase()
        })
        .collect();
    // BSD `-A` puts the family second or third, after the PCB address (and a flow hash).
    if words.iter().any(|w| OTHER_FAMILIES.contains(&w.as_str())) {
        return None;
    }
    let endpoints = line
        .split_whitespace()
        .filter(|t| is_endpoint(t) || is_service_endpoint(t))
        .count();
    const PROTOCOLS: &[&str] = &[
        "tcp", "tcp4", "tcp6", "tcp46", "tcpv6", "udp", "udp4", "udp6", "udp46", "udpv6",
    ];
    // A protocol word, or one with a single character changed (a flipped bit: `tcq4`).
    let near = |w: &str| {
        PROTOCOLS.iter().any(|p| {
            p.len() == w.len() && p.bytes().zip(w.bytes()).filter(|(a, b)| a != b).count() <= 1
        })
    };
    let tcp_udp = words.iter().any(|w| near(w));
    (endpoints >= 2 || (tcp_udp && endpoints >= 1))
        .then_some("line with endpoints that is not a readable row: not read")
}

/// An endpoint as `netstat` without `-n` prints it: a service name for the port or a host name
/// for the host (`40.67.254.36:https`, `host.corp.com:0`, `IOMLKF35454W:netbios-ssn`, BSD
/// `10.1.1.10.ssh`), or BSD `*.*`/`*.53910`: the port a word of letters, digits and `-`.
fn is_service_endpoint(t: &str) -> bool {
    let word = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let host = |h: &str| {
        !h.is_empty()
            && h.bytes().all(|b| {
                b.is_ascii_alphanumeric()
                    || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'%' | b'_')
            })
    };
    // BSD wildcard host: `*.*`, `*.53910`.
    if let Some(port) = t.strip_prefix("*.") {
        return port == "*" || word(port);
    }
    if let Some((h, p)) = t.rsplit_once(':') {
        // A bare NetBIOS name (`IOMLKF35454W:netbios-ssn`) is letters and digits only.
        let bare = h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        return host(h) && word(p) && (bare || h.contains('.') || h.starts_with('[') || h == "*");
    }
    match t.rsplit_once('.') {
        Some((h, p)) => h.matches('.').count() == 3 && is_endpoint(&format!("{h}.0")) && word(p),
        None => false,
    }
}

/// More endpoint tokens than one row holds (two rows joined by a lost line end).
fn joined_rows(line: &str) -> bool {
    line.split_whitespace().filter(|t| is_endpoint(t)).count() >= 3
}

/// `host:port`, `[v6]:port`, `*:*`, or BSD `a.b.c.d.port` (port digits or `*`).
fn is_endpoint(t: &str) -> bool {
    let port_ok = |p: &str| p == "*" || (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let host_ok = |h: &str| {
        h == "*"
            || (!h.is_empty()
                && h.bytes().all(|b| {
                    b.is_ascii_hexdigit() || matches!(b, b':' | b'.' | b'[' | b']' | b'%')
                }))
    };
    if let Some((host, port)) = t.rsplit_once(':') {
        if host_ok(host)
            && port_ok(port)
            && (host.contains('.') || host.contains(':') || host == "*")
        {
            return true;
        }
    }
    // BSD: the port after a fourth dot.
    match t.rsplit_once('.') {
        Some((host, port)) => host.matches('.').count() == 3 && host_ok(host) && port_ok(port),
        None => false,
    }
}

impl Reader {
    /// A time stamp line: it applies to the next snapshot (and so ends the open one).
    fn stamp_line(&mut self, st: StampLine, number: u64) {
        let full = match st {
            StampLine::Full(civil, offset_s) => Some((civil, offset_s)),
            StampLine::Date(d) => {
                self.pending_date = Some(d);
                None
            }
            StampLine::Time(t) => self
                .pending_date
                .take()
                .map(|d| (jiff::civil::DateTime::from_parts(d, t), None)),
        };
        if let Some((civil, offset_s)) = full {
            self.pending_stamp = Some(Stamp {
                line: number,
                civil,
                offset_s,
            });
            self.pending_date = None;
            self.close();
        }
    }
}

/// Splits decoded text into lines (LF or CRLF; a final line without newline counts).
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if text.ends_with('\n') {
        lines.pop();
    }
    lines
}

/// True if `head` (the first few KiB of a file, at most [`crate::ingest::detect::HEAD_LEN`])
/// looks like netstat output: it has an `Active Connections` heading (any supported language),
/// a Linux/BSD `Active Internet connections` heading, an `ss` column header, a `-s` statistics
/// heading or a routing-table heading (`netstat -r`), or its rows (lines that start with a
/// protocol token, read or not) are at least as many as its other non-blank lines and there is at
/// least one (header-less `netstat -ano | findstr …`). Any encoding [`parse_netstat`] reads is
/// accepted. A last line without a newline is ignored (the head may cut it).
pub fn looks_like_netstat(head: &[u8]) -> bool {
    let (text, _) = decode::decode(head);
    let mut lines = split_lines(&text);
    if !text.ends_with('\n') {
        lines.pop();
    }
    // Lines that start like a row but do not parse count as rows: a netstat file with most of
    // its rows damaged is a damaged netstat file, whose bad rows are reported, not `unknown`.
    let (mut rows, mut others) = (0usize, 0usize);
    for line in lines {
        if is_heading(line)
            || stats::section_heading(line).is_some()
            || stats::is_route_heading(line)
        {
            return true;
        }
        match parse_row(line) {
            RowParse::Row(_) | RowParse::Bad(_) => rows += 1,
            RowParse::NotRow => {
                if !line.trim().is_empty()
                    && prompt_command(line).is_none()
                    && !is_window_title(line)
                {
                    others += 1;
                }
            }
        }
    }
    rows > 0 && rows >= others
}

/// A text that ends inside a line that is not a complete row (no line end after it) was cut
/// short (a copy interrupted, a disk that failed): the rest is lost, which the report must say.
/// A last line that reads as a row is not a problem (real saved output, jc's Windows fixtures,
/// ends without a line end) unless its state is a strict prefix of a known state word
/// (`CLOSE_W`); it, or a blank last line, is returned instead as the unterminated line for a
/// warning (a cut after a row's state or inside its PID reads as a whole row). A prompt, a
/// window title, or a last line already reported as a bad row is not reported either.
fn cut_last_line(text: &str, lines: &[&str], problems: &mut Vec<Problem>) -> Option<u64> {
    let last = lines.last()?;
    let number = lines.len() as u64;
    let reported = problems.iter().any(|p| p.locator == Locator::Line(number));
    if text.ends_with('\n') || reported {
        return None;
    }
    // A row first: `ss -e` rows end in `<->`, which is no prompt.
    if last.trim().is_empty() || matches!(parse_row(last), RowParse::Row(f) if !f.state_looks_cut())
    {
        return Some(number);
    }
    if prompt_command(last).is_some() || last.trim_end().ends_with('>') || is_window_title(last) {
        return None;
    }
    problems.push(Problem::new(
        Locator::Line(number),
        "the file ends inside this line (no line end): cut short? anything after it is lost",
    ));
    None
}

/// Parses netstat text (any supported encoding) into snapshots. Never fails: lines that look
/// like rows (start with `TCP`, `UDP`, `TCPv6`, `UDPv6`) but cannot be read become [`Problem`]s
/// with [`Locator::Line`] (1-based line in the decoded text). See the module docs for the rules.
pub fn parse_netstat(bytes: &[u8]) -> NetstatFile {
    let (text, encoding) = decode::decode(bytes);
    let lines = split_lines(&text);
    let mut r = Reader {
        out: NetstatFile {
            encoding,
            ..NetstatFile::default()
        },
        in_snapshot: false,
        pending_command: None,
        row_open: false,
        pending_stamp: None,
        pending_date: None,
        section: None,
    };
    let mut i = 0usize;
    while let Some(line) = lines.get(i) {
        let number = i as u64 + 1;
        if line.contains('\0') {
            // A zero-filled stretch: whatever the line held (even a row's start) is damaged.
            r.row_open = false;
            r.out.problems.push(Problem::new(
                Locator::Line(number),
                "line with NUL bytes (a zero-filled stretch?): not read",
            ));
            i += 1;
            continue;
        }
        match parse_row(line) {
            RowParse::NotRow => r.other_line(line, number),
            first => {
                let (parsed, used) = parse_wrapped(&lines, i, first);
                i += used;
                match parsed {
                    RowParse::Row(f) => {
                        if used == 0 && joined_rows(line) {
                            r.out.problems.push(Problem::new(
                                Locator::Line(number),
                                "line holds more endpoints than one row (rows joined by a lost \
                                 line end?): only its first row is read",
                            ));
                        }
                        r.push_row(number, f);
                    }
                    RowParse::Bad(reason) => {
                        r.row_open = false;
                        r.out.problems.push(Problem::new(
                            Locator::Line(number),
                            format!("netstat row: {reason}"),
                        ));
                    }
                    RowParse::NotRow => r.other_line(line, number),
                }
            }
        }
        i += 1;
    }
    r.out.unterminated_line = cut_last_line(&text, &lines, &mut r.out.problems);
    let mut prev: Option<(u64, Sections)> = None;
    for s in &mut r.out.snapshots {
        let Some(st) = &s.statistics else { continue };
        if let Some((from_snapshot, before)) = &prev {
            s.statistics_delta = Some(StatisticsDelta {
                from_snapshot: *from_snapshot,
                sections: stats::delta(before, &st.sections),
            });
        }
        prev = Some((s.index, st.sections.clone()));
    }
    r.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ep(host: &str, port: &str) -> Endpoint {
        Endpoint {
            host: host.into(),
            port: port.into(),
        }
    }

    /// Console copy in the shape of Tech Note 838 Figure 1 (own host names): title, prompt,
    /// 3-space rows, a state wrapped at the console edge.
    const WRAPPED: &str = "C:\\WINDOWS\\system32\\cmd.exe\n\
U:\\>netstat\n\
\n\
Active Connections\n\
\n\
   Proto Local Address          Foreign Address         State\n\
   TCP    WS01:1118      fileserver1.example.com:microsoft-ds ESTABLIS\n\
HED\n\
   TCP    WS01:1127      fileserver1.example.com:2095 ESTABLISHED\n\
\n\
U:\\>\n";

    #[test]
    fn wrapped_state_joins_into_one_row() {
        let f = parse_netstat(WRAPPED.as_bytes());
        assert_eq!(f.problems, vec![]);
        assert_eq!(f.snapshots.len(), 1);
        let rows = &f.snapshots[0].rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            NetstatRow {
                line: 7,
                proto: Proto::Tcp,
                local: ep("WS01", "1118"),
                foreign: ep("fileserver1.example.com", "microsoft-ds"),
                state: Some("ESTABLISHED".into()),
                pid: None,
                program: None,
            }
        );
        assert_eq!(rows[1].line, 9);
    }

    #[test]
    fn state_cut_at_another_column_and_in_the_address() {
        let text = "Active Connections\n\
  TCP    10.0.0.1:1025   10.0.0.2:445   SYN_\n\
SENT      4711\n\
  TCP    10.0.0.1:1026   fileserver1.exam\n\
ple.com:445   TIME_WAIT\n";
        let f = parse_netstat(text.as_bytes());
        assert_eq!(f.problems, vec![]);
        let rows = &f.snapshots[0].rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].state.as_deref(), rows[0].pid),
            (Some("SYN_SENT"), Some(4711))
        );
        assert_eq!(rows[1].foreign, ep("fileserver1.example.com", "445"));
        assert_eq!(
            (rows[1].line, rows[1].state.as_deref()),
            (4, Some("TIME_WAIT"))
        );
    }

    #[test]
    fn pid_cut_by_wrap_is_joined() {
        let text = "  TCP    10.0.0.1:1025   10.0.0.2:445   ESTABLISHED     12\n34\n";
        let f = parse_netstat(text.as_bytes());
        assert_eq!(f.snapshots[0].rows[0].pid, Some(1234));
        assert_eq!(f.problems, vec![]);
    }

    #[test]
    fn prompt_commands_and_two_snapshots() {
        let text = "C:\\Users\\x>netstat -ano\n\nActive Connections\n\n  Proto  Local Address  Foreign Address  State  PID\n  TCP    0.0.0.0:135   0.0.0.0:0   LISTENING   1712\n\nC:\\Users\\x>\nPS C:\\Windows\\system32> netstat -ano | findstr SYN\n  TCP    10.0.0.1:1025   10.0.0.2:445   SYN_SENT   4\n  TCP    10.0.0.1:1026   10.0.0.3:445   SYN_SENT   4\n";
        let f = parse_netstat(text.as_bytes());
        assert_eq!(f.problems, vec![]);
        let got: Vec<_> = f
            .snapshots
            .iter()
            .map(|s| (s.index, s.line, s.command.clone(), s.rows.len()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, 3, Some("netstat -ano".to_string()), 1),
                (2, 10, Some("netstat -ano | findstr SYN".to_string()), 2),
            ]
        );
    }

    #[test]
    fn each_heading_starts_a_snapshot() {
        let block = "Active Connections\n\n  Proto  Local Address  Foreign Address  State\n  TCP    1.1.1.1:1  2.2.2.2:2  ESTABLISHED\n";
        let f = parse_netstat(format!("{block}{block}").as_bytes());
        let lines: Vec<_> = f.snapshots.iter().map(|s| (s.line, s.rows.len())).collect();
        assert_eq!(lines, vec![(1, 1), (5, 1)]);
    }

    #[test]
    fn utf16le_bom_file_is_read() {
        let text = "\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        State           PID\r\n  TCP    [::]:135               [::]:0                 LISTENING       1712\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert!(looks_like_netstat(&bytes));
        let f = parse_netstat(&bytes);
        assert_eq!(f.encoding, "UTF-16LE");
        let r = &f.snapshots[0].rows[0];
        assert_eq!((r.line, &r.local, r.pid), (5, &ep("::", "135"), Some(1712)));
    }

    #[test]
    fn ipv6_zone_and_udp_without_state() {
        let text = "  UDP    [fe80::f5d1:8bf7:c410:e325%64]:1900  *:*                                    8844\n  UDP    0.0.0.0:500            *:*                    \n";
        let f = parse_netstat(text.as_bytes());
        let rows = &f.snapshots[0].rows;
        assert_eq!(rows[0].local, ep("fe80::f5d1:8bf7:c410:e325%64", "1900"));
        assert_eq!((rows[0].state.clone(), rows[0].pid), (None, Some(8844)));
        assert_eq!((rows[1].state.clone(), rows[1].pid), (None, None));
        assert_eq!(rows[1].foreign, ep("*", "*"));
    }

    #[test]
    fn damaged_rows_that_no_longer_read_as_rows_are_problems() {
        let text = "Active Internet connections (only servers)\n\
            Proto Recv-Q Send-Q Local Address           Foreign Address         State\n\
            tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN\n\
            tcp        0      0 \u{ff}\u{ff}.0.1:53        0.0.0.0:*               LISTEN\n\
            \"cp        0      0 127.0.0.1:631           0.0.0.0:*               LISTEN\n\
            tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN      \
            \u{ff}6       0      0 :::22                   :::*                    LISTEN\n\
            raw6       0      0 :::58                   :::*                    7\n\
            tcp        0      0 0.0.0.0:25       \0\0\0\0\0\0\0\0\n";
        let f = parse_netstat(text.as_bytes());
        let lines: Vec<(u64, &str)> = f
            .problems
            .iter()
            .map(|p| match p.locator {
                Locator::Line(n) => (n, &p.reason[..20]),
                _ => (0, ""),
            })
            .collect();
        // A damaged protocol word (5), two rows joined by a lost line end (6: its first row is
        // kept), NUL bytes (8); a raw6 row (7) is no damage, and a clobbered address (4) still
        // reads as a row (kept with what it says).
        assert_eq!(
            lines,
            [
                (5, "line with endpoints "),
                (6, "line holds more endp"),
                (8, "line with NUL bytes "),
            ]
        );
        assert_eq!(f.snapshots[0].rows.len(), 3);
    }

    #[test]
    fn rows_damaged_into_other_text_are_problems() {
        // Each damaged row as a mutant of real output left it (issue 18 mutation check): a
        // flipped byte before the protocol under an open row, a `$ ` that reads as a prompt, a
        // damaged protocol next to a service-name port, a host name row with a smashed protocol
        // and state, BSD `-A` rows with a damaged PCB address. The macOS `icm4` row is no damage.
        let text = [
            "Active Connections",
            "",
            "  Proto  Local Address          Foreign Address        State           PID",
            "  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       884",
            " !TCP         [::1]:50641            [::1]:8009             ESTABLISHED     4960",
            "$ TCP    0.0.0.0:443            0.0.0.0:0\u{fffd}             LISTENING       5184",
            "  TCP\u{fffd}   10.33.0.220:57170      40.67.254.36:https     ESTABLISHED     4900",
            "   S\u{fffd}\u{fffd}   IOMLKF35454W:netbios-ssn IOMLKF35454W.corp.com:0 \u{fffd}ENING",
            "",
            "Active Internet connections (including servers)",
            "Socket           Proto Recv-Q Send-Q Local Address      Foreign Address    (state)",
            "fffff8000\u{fffd}df43d0 tcp4       3   `  0      0 192.168.71.1.ssh   192.168.71.1.64330",
            "ffG\u{fffd}9\u{fffd}0003df47a0 tcp4       0      0      0 localhost.smtp     *.*",
            "7fb03cb939ad73cd        0 icm4    8136      0  *.*                *.*",
            "7fb03cb934b5944d 58e06369$udp6       0      0  *.53910            *.*",
            "fffff80003df47a0 tcq4       0      0      0 localhost.smtp     *.*",
        ]
        .join("\n");
        let f = parse_netstat(text.as_bytes());
        let lines: Vec<u64> = f
            .problems
            .iter()
            .map(|p| match p.locator {
                Locator::Line(n) => n,
                _ => 0,
            })
            .collect();
        assert_eq!(lines, [5, 6, 7, 8, 12, 13, 15, 16], "{:?}", f.problems);
        assert_eq!(f.snapshots[0].rows.len(), 1);
    }

    #[test]
    fn a_text_cut_after_a_whole_row_is_noted_for_a_warning() {
        let rows = "Active Connections\n\n  Proto  Local Address          Foreign Address        \
                    State           PID\n  TCP    0.0.0.0:135            0.0.0.0:0              \
                    LISTENING       884\n  TCP    10.0.0.1:1025          10.0.0.2:445           \
                    SYN_SENT";
        let f = parse_netstat(rows.as_bytes());
        assert_eq!((f.problems.len(), f.unterminated_line), (0, Some(5)));
        assert_eq!(f.snapshots[0].rows.len(), 2);
        let whole = parse_netstat(format!("{rows}       4\r\n").as_bytes());
        assert_eq!(whole.unterminated_line, None);
        // `ss -e` rows end in `<->`: no prompt.
        let ss = "udp   UNCONN   0        0                  0.0.0.0:39996          0.0.0.0:*      \
                  users:((\"snmpd\",pid=1996,fd=12)) ino:42903 sk:3 <->     ";
        assert_eq!(parse_netstat(ss.as_bytes()).unterminated_line, Some(1));
    }

    #[test]
    fn a_text_that_ends_inside_a_line_says_so_once() {
        let full = "Active Connections\n\n  Proto  Local Address          Foreign Address        \
                    State           PID\n  TCP    0.0.0.0:135            0.0.0.0:0              \
                    LISTENING       884\n";
        let cut = format!("{full}  TC");
        let f = parse_netstat(cut.as_bytes());
        assert_eq!(f.problems.len(), 1);
        assert_eq!(f.problems[0].locator, Locator::Line(5));
        assert!(
            f.problems[0]
                .reason
                .starts_with("the file ends inside this line")
        );
        // Cut inside a row that then reads as a bad row: one problem, not two.
        let cut = format!("{full}  TCP    10.1.1.10:1100         10.1");
        assert_eq!(parse_netstat(cut.as_bytes()).problems.len(), 1);
        // A complete last row without a line end (as real saved output has): nothing said.
        assert!(
            parse_netstat(full.trim_end().as_bytes())
                .problems
                .is_empty()
        );
    }

    #[test]
    fn garbled_row_becomes_problem_with_its_line() {
        let text = "Active Connections\n\n  TCP    0.0.0.0:135   0.0.0.0:0   LISTENING   1712\n  TCP    0.0.0.0   garbage\n  TCP    0.0.0.0:445   0.0.0.0:0   LISTENING   4\n";
        let f = parse_netstat(text.as_bytes());
        assert_eq!(f.snapshots[0].rows.len(), 2);
        assert_eq!(
            f.problems,
            vec![Problem::new(
                Locator::Line(4),
                "netstat row: address `0.0.0.0` is not `host:port`"
            )]
        );
    }

    #[test]
    fn b_lines_give_program_and_are_not_problems() {
        let text = "Active Connections\n\n  Proto  Local Address          Foreign Address        State           PID\n  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1712\n  RpcSs\n [svchost.exe]\n  TCP    0.0.0.0:445            0.0.0.0:0              LISTENING       4\n Can not obtain ownership information\n  TCP    10.0.0.1:50000         10.0.0.2:443           TIME_WAIT       0\n  UDP    0.0.0.0:500            *:*                                    3456\n [NVIDIA Web Helper.exe]\n";
        let f = parse_netstat(text.as_bytes());
        assert_eq!(f.problems, vec![]);
        let progs: Vec<_> = f.snapshots[0]
            .rows
            .iter()
            .map(|r| (r.pid, r.program.as_deref()))
            .collect();
        assert_eq!(
            progs,
            vec![
                (Some(1712), Some("svchost.exe")),
                (Some(4), None),
                (Some(0), None),
                (Some(3456), Some("NVIDIA Web Helper.exe")),
            ]
        );
    }

    #[test]
    fn unknown_state_is_kept_and_german_is_mapped() {
        let text = "Aktive Verbindungen\n  TCP    0.0.0.0:135   0.0.0.0:0   ABH\u{d6}REN\n  TCP    1.1.1.1:1   2.2.2.2:2   BOUND\n";
        let f = parse_netstat(text.as_bytes());
        let states: Vec<_> = f.snapshots[0]
            .rows
            .iter()
            .map(|r| r.state.clone())
            .collect();
        assert_eq!(states, vec![Some("LISTENING".into()), Some("BOUND".into())]);
        assert_eq!(f.problems, vec![]);
    }

    #[test]
    fn cp437_bytes_with_german_state() {
        let f = parse_netstat(
            b"Aktive Verbindungen\r\n  TCP    0.0.0.0:135   0.0.0.0:0   ABH\x99REN\r\n",
        );
        // A German heading selects CP850 (the Western European OEM page); 0x99 is `Ö` there too.
        assert_eq!(f.encoding, "IBM850");
        assert_eq!(f.snapshots[0].rows[0].state.as_deref(), Some("LISTENING"));
        let us = parse_netstat(
            b"Active Connections\r\n  TCP    0.0.0.0:135   0.0.0.0:0   LISTENING\r\n\x99",
        );
        assert_eq!(us.encoding, "IBM437");
    }

    #[test]
    fn looks_like_rejects_other_text_and_binary() {
        assert!(!looks_like_netstat(b"Hello world\nthis is a README\n"));
        assert!(!looks_like_netstat(&[0u8, 1, 2, 3, 0xff, 0xfe, 0x80, 0x99]));
        // Linux, ss and `-s` statistics are netstat text too.
        assert!(looks_like_netstat(
            b"Active Internet connections (servers and established)\ntcp 0 0 0.0.0.0:22 0.0.0.0:* LISTEN\n"
        ));
        assert!(looks_like_netstat(
            b"State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:*\n"
        ));
        assert!(looks_like_netstat(
            b"Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
        ));
        assert!(looks_like_netstat(
            b"TCP Statistics for IPv4\n  Active Opens = 5\n"
        ));
        // Event Viewer CSV export (another ingester's format).
        assert!(!looks_like_netstat(
            b"Level,Date and Time,Source,Event ID,Task Category\nWarning,3/14/2026 10:02:40 AM,Tcpip,4226,None,TCP/IP has reached the security limit imposed on the number of concurrent TCP connect attempts.\n"
        ));
        assert!(looks_like_netstat(
            b"  TCP    0.0.0.0:135   0.0.0.0:0   LISTENING   1712\n"
        ));
        assert!(looks_like_netstat(WRAPPED.as_bytes()));
    }

    /// `netstat -s 5` twice, then a `netstat -r` table: two statistics snapshots, the route
    /// table passed over without problems.
    const STATS: &str = "IPv4 Statistics\n\n  Packets Received                   = 60090845\n\nICMPv4 Statistics\n\n                            Received    Sent\n  Messages                  16443       22923\n\nTCP Statistics for IPv4\n\n  Active Opens                        = 64644\n  Passive Opens                       = 7674\n  Failed Connection Attempts          = 5800\n  Reset Connections                   = 12164\n  Current Connections                 = 24\n  Segments Retransmitted              = 24199\n\nIPv4 Statistics\n\n  Packets Received                   = 60090900\n\nTCP Statistics for IPv4\n\n  Active Opens                        = 64700\n  Failed Connection Attempts          = 5850\n\n===========================================================================\nInterface List\n  4...00 15 5d 01 02 03 ......Microsoft Hyper-V Network Adapter\n===========================================================================\n\nIPv4 Route Table\n===========================================================================\nActive Routes:\nNetwork Destination        Netmask          Gateway       Interface  Metric\n          0.0.0.0          0.0.0.0      10.0.0.1      10.0.0.5     25\n";

    #[test]
    fn statistics_snapshots_and_route_table() {
        let f = parse_netstat(STATS.as_bytes());
        assert_eq!(f.problems, vec![]);
        assert!(looks_like_netstat(STATS.as_bytes()));
        // `route print` alone (= `netstat -r`) is netstat text with no snapshot and no problem.
        let route = STATS
            .get(STATS.find("=====").unwrap_or(0)..)
            .unwrap_or_default();
        assert!(looks_like_netstat(route.as_bytes()));
        let r = parse_netstat(route.as_bytes());
        assert_eq!((r.snapshots.len(), r.problems.len()), (0, 0));
        let got: Vec<_> = f
            .snapshots
            .iter()
            .map(|s| (s.index, s.line, s.rows.len(), s.statistics.clone()))
            .collect();
        let sec = |pairs: &[(&str, u64)]| -> std::collections::BTreeMap<String, u64> {
            pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
        };
        let first: Sections = [
            ("ipv4".to_string(), sec(&[("packets_received", 60090845)])),
            (
                "icmpv4".to_string(),
                sec(&[("messages_received", 16443), ("messages_sent", 22923)]),
            ),
            (
                "tcp_ipv4".to_string(),
                sec(&[
                    ("active_opens", 64644),
                    ("passive_opens", 7674),
                    ("failed_connection_attempts", 5800),
                    ("reset_connections", 12164),
                    ("current_connections", 24),
                    ("segments_retransmitted", 24199),
                ]),
            ),
        ]
        .into();
        let second: Sections = [
            ("ipv4".to_string(), sec(&[("packets_received", 60090900)])),
            (
                "tcp_ipv4".to_string(),
                sec(&[
                    ("active_opens", 64700),
                    ("failed_connection_attempts", 5850),
                ]),
            ),
        ]
        .into();
        assert_eq!(
            got,
            vec![
                (
                    1,
                    1,
                    0,
                    Some(Statistics {
                        line: 1,
                        sections: first
                    })
                ),
                (
                    2,
                    19,
                    0,
                    Some(Statistics {
                        line: 19,
                        sections: second
                    })
                ),
            ]
        );
    }

    #[test]
    fn stamps_apply_to_the_next_snapshot() {
        let text = "C:\\>echo %date% %time%\nSat 03/14/2026 10:02:40.12\n\nC:\\>netstat -no\n\nActive Connections\n\n  TCP    10.0.0.1:1025   10.0.0.2:445   SYN_SENT   4\n\nSat 03/14/2026\n10:07 AM\nActive Connections\n  TCP    10.0.0.1:1025   10.0.0.2:445   SYN_SENT   4\nActive Connections\n  TCP    10.0.0.1:1025   10.0.0.2:445   SYN_SENT   4\n2026-03-14T10:09:00+01:00\n";
        let f = parse_netstat(text.as_bytes());
        assert_eq!(f.problems, vec![]);
        let stamps: Vec<_> = f.snapshots.iter().map(|s| s.stamp).collect();
        assert_eq!(
            stamps,
            vec![
                Some(Stamp {
                    line: 2,
                    civil: jiff::civil::datetime(2026, 3, 14, 10, 2, 40, 120_000_000),
                    offset_s: None
                }),
                Some(Stamp {
                    line: 11,
                    civil: jiff::civil::datetime(2026, 3, 14, 10, 7, 0, 0),
                    offset_s: None
                }),
                // No stamp before the third; the ISO line at the end has no snapshot after it.
                None,
            ]
        );
        assert_eq!(f.snapshots[0].command.as_deref(), Some("netstat -no"));
    }

    #[test]
    fn linux_netstat_with_unix_sockets_and_ss() {
        let text = "Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name\ntcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      1395/sshd\ntcp        0      1 10.0.0.5:40000          10.0.0.9:443            SYN_SENT    4711/curl\nudp        0      0 0.0.0.0:68              0.0.0.0:*                           535/dhclient\nActive UNIX domain sockets (servers and established)\nProto RefCnt Flags       Type       State         I-Node   PID/Program name     Path\nunix  2      [ ACC ]     STREAM     LISTENING     18438    1/systemd            /run/lvm/lvmpolld.socket\n$ ss -tanp\nState  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\nSYN-SENT 0   1   10.0.0.5:40001   10.0.0.9:443  users:((\"curl\",pid=4711,fd=3))\n";
        assert!(looks_like_netstat(text.as_bytes()));
        let f = parse_netstat(text.as_bytes());
        assert_eq!(f.problems, vec![]);
        let got: Vec<_> = f
            .snapshots
            .iter()
            .map(|s| {
                s.rows
                    .iter()
                    .map(|r| (r.line, r.proto, r.state.clone(), r.pid, r.program.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let st = |s: &str| Some(s.to_string());
        assert_eq!(
            got,
            vec![
                vec![
                    (3, Proto::Tcp, st("LISTENING"), Some(1395), st("sshd")),
                    (4, Proto::Tcp, st("SYN_SENT"), Some(4711), st("curl")),
                    (5, Proto::Udp, None, Some(535), st("dhclient")),
                ],
                vec![(11, Proto::Tcp, st("SYN_SENT"), Some(4711), st("curl"))],
            ]
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let f = parse_netstat(&bytes);
            let _ = looks_like_netstat(&bytes);
            // Every row sits on a line that exists.
            let lines = bytes.len() as u64 + 1;
            prop_assert!(f.snapshots.iter().flat_map(|s| &s.rows).all(|r| r.line >= 1 && r.line <= lines));
        }

        #[test]
        fn rowish_text_never_panics(s in "( |  |\t|\r?\n|TCP|UDP|UDPv6|\\[|\\]|:|%|\\*|[0-9]{1,6}|ESTABLIS|HED|LISTENING|Active Connections|U:\\\\>|[a-z.]{1,5}){0,60}") {
            let f = parse_netstat(s.as_bytes());
            let _ = looks_like_netstat(s.as_bytes());
            prop_assert!(f.problems.iter().all(|p| matches!(p.locator, Locator::Line(n) if n >= 1)));
        }
    }
}
