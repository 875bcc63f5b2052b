//! Saved Windows `netstat` text: connection tables (`netstat`, `-a`, `-n`, `-o`, `-b` and their
//! combinations) as they arrive from customers — console copies with prompts, window titles and
//! wrapped lines, several outputs in one file, `findstr`-filtered rows without a header, in
//! UTF-16 (PowerShell `>`), UTF-8 or an OEM code page.
//!
//! Sources of the rules: the row layout of Windows' `netstmsg.mc` and real files (research note
//! `shared/research/netstat.md` §2), Wonderware Tech Note 838 Figure 1 for the console wrap of a
//! state (`ESTABLIS` / `HED`), and jc's `netstat_windows.py` as an oracle for clean English text.
//!
//! How a file is read, line by line (1-based line numbers in the decoded text):
//! - a prompt line (`U:\>netstat -a`, `PS C:\x> netstat -ano`) ends the current snapshot; its
//!   command (if any) becomes [`Snapshot::command`] of the next snapshot;
//! - an `Active Connections` heading (or a localized one: `Aktive Verbindungen`, `Conexiones
//!   activas`, `Connexions actives`, `Активные подключения`, `アクティブな接続`, `活动连接`) starts
//!   a snapshot; a row outside any snapshot starts a header-less one;
//! - a line that starts with `TCP`, `UDP`, `TCPv6` or `UDPv6` is a row; if it cannot be read (even
//!   after joining a console-wrapped continuation) it becomes a [`Problem`] with its line;
//! - `-b` lines after a row (`  RpcSs`, ` [svchost.exe]`, ` Can not obtain ownership
//!   information`) are read for the program name; all other lines (column headings, window
//!   titles, blank lines, `netstat -s` text) are not data and are passed over.

mod decode;
mod row;

use crate::model::{Locator, Problem};
use row::{RowFields, RowParse, parse_row};

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

/// True if `line` is an `Active Connections` heading (any listed language; ASCII case ignored).
fn is_heading(line: &str) -> bool {
    let t = line.trim();
    HEADINGS.iter().any(|h| h.eq_ignore_ascii_case(t))
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
/// prompt, a heading or a window title.
fn is_continuation(line: &str) -> bool {
    !line.trim().is_empty()
        && parse_row(line) == RowParse::NotRow
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
}

impl Reader {
    fn start_snapshot(&mut self, line: u64) {
        let index = self.out.snapshots.len() as u64 + 1;
        self.out.snapshots.push(Snapshot {
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
            program: None,
        };
        if let Some(s) = self.out.snapshots.last_mut() {
            s.rows.push(row);
        }
        self.row_open = true;
    }

    /// A line that is not a row.
    fn other_line(&mut self, line: &str, number: u64) {
        if line.trim().is_empty() {
            self.row_open = false;
        } else if let Some(cmd) = prompt_command(line) {
            self.pending_command = cmd;
            self.in_snapshot = false;
            self.row_open = false;
        } else if is_window_title(line) {
            self.in_snapshot = false;
            self.row_open = false;
        } else if is_heading(line) {
            self.start_snapshot(number);
            self.row_open = false;
        } else if self.row_open && line.starts_with(char::is_whitespace) {
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
/// looks like Windows netstat output: it has an `Active Connections` heading (any supported
/// language), or its rows are at least as many as its other non-blank lines and there is at
/// least one (header-less `netstat -ano | findstr …`). Any encoding [`parse_netstat`] reads is
/// accepted. A last line without a newline is ignored (the head may cut it).
pub fn looks_like_netstat(head: &[u8]) -> bool {
    let (text, _) = decode::decode(head);
    let mut lines = split_lines(&text);
    if !text.ends_with('\n') {
        lines.pop();
    }
    let (mut rows, mut others) = (0usize, 0usize);
    for line in lines {
        if is_heading(line) {
            return true;
        }
        match parse_row(line) {
            RowParse::Row(_) => rows += 1,
            RowParse::Bad(_) => others += 1,
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
    };
    let mut i = 0usize;
    while let Some(line) = lines.get(i) {
        let number = i as u64 + 1;
        match parse_row(line) {
            RowParse::NotRow => r.other_line(line, number),
            first => {
                let (parsed, used) = parse_wrapped(&lines, i, first);
                i += used;
                match parsed {
                    RowParse::Row(f) => r.push_row(number, f),
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
    r.out
}
