//! Rows of Linux net-tools `netstat` (`-tanp`, `-an`, `-aeep`), BSD/macOS `netstat` (`-an`,
//! `-An`, `-Abn`, FreeBSD `-AanP`/`-aT`) and iproute2 `ss` (`-tanp` without a Netid column,
//! `-antup`/`-a` with one).
//!
//! Layouts (jc 1.26.1 fixtures in `realdata/netstat/jc/`, research note §4):
//! - net-tools: `tcp  0  0  0.0.0.0:22  0.0.0.0:*  LISTEN  1395/sshd` — proto, Recv-Q, Send-Q,
//!   local, foreign, state (absent for unconnected UDP), then with `-e` User and Inode, with `-p`
//!   `PID/Program name` (`-` when not root; the name may contain spaces: `600/sshd: /usr/sbin`).
//! - BSD/macOS: `tcp4  0  0  192.168.1.221.58237  17.57.146.25.5223  ESTABLISHED`, addresses
//!   `host.port` (`*.*`, `fe80::1%lo0.123`); `-A` puts one or two hex columns (socket, flowhash)
//!   before the proto; `-b` appends byte counts, FreeBSD `-P` a log id; `-T`/`-x` drop the queues
//!   and the state.
//! - ss: `[Netid] State Recv-Q Send-Q Local:Port Peer:Port [Process]`, states `ESTAB`, `SYN-SENT`,
//!   …, `UNCONN` (UDP, no state), process `users:(("sshd",pid=1234,fd=3),…)`. Without a Netid
//!   column (`ss -tan`) a row is TCP unless its state is `UNCONN`. Netids other than `tcp`/`udp`
//!   (`u_str`, `nl`, `raw`, …) are not connection rows.
//!
//! States map to the Windows spelling used throughout halfopen (LISTEN → LISTENING, SYN_RECV /
//! SYN_RCVD / SYN-RECV → SYN_RECEIVED, FIN_WAIT1 / FIN-WAIT-1 → FIN_WAIT_1, ESTAB → ESTABLISHED).

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::fields::{RowError, RowFields, RowParse};
use super::types::{Endpoint, Proto};

/// Unix state words (net-tools `tcp_state` names, BSD `tcpstates[]`, iproute2 `sstate_name[]`)
/// and their standard names.
const UNIX_STATES: &[(&str, &str)] = &[
    ("ESTABLISHED", "ESTABLISHED"),
    ("SYN_SENT", "SYN_SENT"),
    ("SYN_RECV", "SYN_RECEIVED"),
    ("SYN_RCVD", "SYN_RECEIVED"),
    ("FIN_WAIT1", "FIN_WAIT_1"),
    ("FIN_WAIT2", "FIN_WAIT_2"),
    ("FIN_WAIT_1", "FIN_WAIT_1"),
    ("FIN_WAIT_2", "FIN_WAIT_2"),
    ("TIME_WAIT", "TIME_WAIT"),
    ("CLOSE", "CLOSED"),
    ("CLOSED", "CLOSED"),
    ("CLOSE_WAIT", "CLOSE_WAIT"),
    ("LAST_ACK", "LAST_ACK"),
    ("LISTEN", "LISTENING"),
    ("CLOSING", "CLOSING"),
    ("UNKNOWN", "UNKNOWN"),
    ("ESTAB", "ESTABLISHED"),
    ("SYN-SENT", "SYN_SENT"),
    ("SYN-RECV", "SYN_RECEIVED"),
    ("FIN-WAIT-1", "FIN_WAIT_1"),
    ("FIN-WAIT-2", "FIN_WAIT_2"),
    ("TIME-WAIT", "TIME_WAIT"),
    ("CLOSE-WAIT", "CLOSE_WAIT"),
    ("LAST-ACK", "LAST_ACK"),
    ("UNCONN", ""),
];

/// The standard name of a Unix state word; `Some("")` for ss `UNCONN` (no state), `None` if the
/// word is not a state.
pub(super) fn unix_state(word: &str) -> Option<&'static str> {
    UNIX_STATES
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, c)| *c)
}

/// A lowercase proto token of net-tools/BSD netstat or an ss Netid.
fn unix_proto(tok: &str) -> Option<Proto> {
    match tok {
        "tcp" | "tcp4" => Some(Proto::Tcp),
        "tcp6" | "tcp46" => Some(Proto::Tcpv6),
        "udp" | "udp4" => Some(Proto::Udp),
        "udp6" | "udp46" => Some(Proto::Udpv6),
        _ => None,
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_hex(s: &str) -> bool {
    s.len() >= 8 && is_hex_any(s)
}

fn is_hex_any(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Splits a Unix address: `[v6]:port`, `[v6]%zone:port` (ss), `host:port` (Linux; the port after
/// the last `:` when it has no `.`), else `host.port` (BSD; port after the last `.`), or a lone
/// `*` (ss peer of a listener).
pub(super) fn unix_endpoint(tok: &str) -> Result<Endpoint, RowError> {
    let ep = |h: &str, p: &str| Endpoint {
        host: h.to_string(),
        port: p.to_string(),
    };
    if tok == "*" {
        return Ok(ep("*", "*"));
    }
    if let Some(rest) = tok.strip_prefix('[')
        && let Some((inner, after)) = rest.split_once(']')
    {
        if let Some(port) = after.strip_prefix(':')
            && !port.is_empty()
        {
            return Ok(ep(inner, port));
        }
        if let Some(zp) = after.strip_prefix('%')
            && let Some((zone, port)) = zp.rsplit_once(':')
            && !port.is_empty()
        {
            return Ok(ep(&format!("{inner}%{zone}"), port));
        }
        return Err(RowError::NotBracketed {
            token: tok.to_string(),
        });
    }
    if let Some((h, p)) = tok.rsplit_once(':')
        && !h.is_empty()
        && !p.is_empty()
        && !p.contains('.')
    {
        return Ok(ep(h, p));
    }
    match tok.rsplit_once('.') {
        Some((h, p)) if !h.is_empty() && !p.is_empty() => Ok(ep(h, p)),
        _ => Err(RowError::NoPort {
            token: tok.to_string(),
        }),
    }
}

/// Parses `users:(("sshd",pid=1234,fd=3),…)`: the first process name and PID.
fn ss_process(text: &str) -> (Option<u32>, Option<String>) {
    let Some(rest) = text.split_once("((\"").map(|(_, r)| r) else {
        return (None, None);
    };
    let Some((name, after)) = rest.split_once("\",") else {
        return (None, None);
    };
    let pid = after
        .split_once("pid=")
        .map(|(_, p)| p.bytes().take_while(u8::is_ascii_digit).count())
        .zip(after.split_once("pid=").map(|(_, p)| p))
        .and_then(|(n, p)| p.get(..n))
        .and_then(|d| d.parse().ok());
    (pid, Some(name.to_string()))
}

/// Parses one line as a Unix row. Lines that do not start (after an optional `-A` hex column or
/// two) with a Unix proto token, an ss state or an ss `tcp`/`udp` Netid are [`RowParse::NotRow`].
pub(super) fn parse_unix_row(line: &str) -> RowParse {
    let toks: Vec<&str> = line.split_whitespace().collect();
    // BSD `-A`: a socket/PCB address column (16 hex digits on 64-bit) and on macOS a flowhash
    // column (up to 8 hex digits, leading zeros dropped) before the proto.
    let skip = match toks.as_slice() {
        [a, b, ..] if is_hex(a) && unix_proto(b).is_none() && is_hex_any(b) => 2,
        [a, ..] if is_hex(a) => 1,
        _ => 0,
    };
    let Some(rest) = toks.get(skip..) else {
        return RowParse::NotRow;
    };
    match rest {
        // ss with Netid: `tcp ESTAB 0 0 local peer …`.
        [p, st, q1, q2, tail @ ..]
            if unix_state(st).is_some() && is_digits(q1) && is_digits(q2) =>
        {
            match unix_proto(p) {
                Some(proto) => ss_fields(proto, st, tail),
                None => RowParse::NotRow,
            }
        }
        // ss without Netid: `ESTAB 0 0 local peer …`.
        [st, q1, q2, tail @ ..] if unix_state(st).is_some() && is_digits(q1) && is_digits(q2) => {
            let proto = if *st == "UNCONN" {
                Proto::Udp
            } else {
                Proto::Tcp
            };
            ss_fields(proto, st, tail)
        }
        [p, tail @ ..] => match unix_proto(p) {
            Some(proto)
                if skip > 0
                    || tail
                        .first()
                        .is_some_and(|t| is_digits(t) || t.contains(['.', ':'])) =>
            {
                netstat_fields(proto, tail)
            }
            _ => RowParse::NotRow,
        },
        [] => RowParse::NotRow,
    }
}

fn bad(reason: RowError) -> RowParse {
    RowParse::Bad(reason)
}

fn ss_fields(proto: Proto, st: &str, tail: &[&str]) -> RowParse {
    let [l, f, process @ ..] = tail else {
        return bad(RowError::SsMissingAddress);
    };
    let (local, foreign) = match (unix_endpoint(l), unix_endpoint(f)) {
        (Ok(l), Ok(f)) => (l, f),
        (Err(e), _) | (_, Err(e)) => return bad(e),
    };
    let state = unix_state(st).filter(|s| !s.is_empty()).map(str::to_string);
    let (pid, program) = match process.iter().position(|t| t.starts_with("users:(")) {
        Some(i) => ss_process(&process.get(i..).unwrap_or_default().join(" ")),
        None => (None, None),
    };
    RowParse::Row(RowFields {
        proto,
        local,
        foreign,
        state,
        state_known: true,
        pid,
        program,
    })
}

fn netstat_fields(proto: Proto, tail: &[&str]) -> RowParse {
    // Recv-Q and Send-Q; FreeBSD `-T` prints three counters (Rexmit, OOORcv, 0-win) instead, and
    // leaves them blank on UDP rows. An address is never all digits.
    let queues = tail.iter().take_while(|t| is_digits(t)).count();
    let Some([l, f, rest @ ..]) = tail.get(queues..) else {
        return bad(RowError::MissingAddress);
    };
    let (local, foreign) = match (unix_endpoint(l), unix_endpoint(f)) {
        (Ok(l), Ok(f)) => (l, f),
        (Err(e), _) | (_, Err(e)) => return bad(e),
    };
    let (state, rest) = match rest.split_first() {
        Some((s, r)) if unix_state(s).is_some_and(|c| !c.is_empty()) => {
            (unix_state(s).map(str::to_string), r)
        }
        _ => (None, rest),
    };
    // `PID/Program name` (net-tools -p): the first `digits/…` token; the name runs to the end of
    // the line (it may contain spaces), before a `-o` timer (`off (0.00/0/0)`).
    let mut pid = None;
    let mut program = None;
    if let Some(i) = rest
        .iter()
        .position(|t| t.split_once('/').is_some_and(|(p, _)| is_digits(p)))
    {
        let words = rest.get(i..).unwrap_or_default();
        let end = words
            .iter()
            .position(|w| matches!(*w, "off" | "on" | "keepalive" | "timewait"))
            .filter(|&k| k > 0)
            .unwrap_or(words.len());
        let text = words.get(..end).unwrap_or_default().join(" ");
        if let Some((p, name)) = text.split_once('/') {
            match p.parse::<u32>() {
                Ok(n) => pid = Some(n),
                Err(_) => {
                    return bad(RowError::BadPid {
                        token: p.to_string(),
                    });
                }
            }
            program = (!name.is_empty()).then(|| name.to_string());
        }
    }
    RowParse::Row(RowFields {
        proto,
        local,
        foreign,
        state,
        state_known: true,
        pid,
        program,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn unix_rowish_text_never_panics(s in "( |  |tcp|tcp6|udp4|ESTAB|SYN-SENT|LISTEN|users:\\(\\(\"|\",pid=|,fd=|\\)\\)|[0-9a-f]{1,16}|/|\\[|\\]|:|%|\\.|\\*|[a-z]{1,4}){0,30}") {
            let _ = parse_unix_row(&s);
        }
    }

    fn row(line: &str) -> RowFields {
        match parse_unix_row(line) {
            RowParse::Row(f) => f,
            other => panic!("{line}: {other:?}"),
        }
    }

    fn ep(h: &str, p: &str) -> Endpoint {
        Endpoint {
            host: h.into(),
            port: p.into(),
        }
    }

    #[test]
    fn linux_tanp_rows() {
        let f = row(
            "tcp        0      0 10.0.0.5:40000          10.0.0.9:443            SYN_SENT    4711/curl",
        );
        assert_eq!(
            (
                f.proto,
                f.local,
                f.foreign,
                f.state.as_deref(),
                f.pid,
                f.program.as_deref()
            ),
            (
                Proto::Tcp,
                ep("10.0.0.5", "40000"),
                ep("10.0.0.9", "443"),
                Some("SYN_SENT"),
                Some(4711),
                Some("curl")
            )
        );
        let f = row(
            "tcp6       0      0 :::22                   :::*                    LISTEN      600/sshd: /usr/sbin",
        );
        assert_eq!(
            (f.proto, f.local, f.state.as_deref(), f.program.as_deref()),
            (
                Proto::Tcpv6,
                ep("::", "22"),
                Some("LISTENING"),
                Some("sshd: /usr/sbin")
            )
        );
        let f = row(
            "udp        0      0 0.0.0.0:68              0.0.0.0:*                           535/dhclient",
        );
        assert_eq!((f.state, f.pid), (None, Some(535)));
        let f = row(
            "tcp        0      0 localhost.localdoma:ssh 192.168.71.1:58727      ESTABLISHED -                   ",
        );
        assert_eq!(
            (f.local, f.pid, f.program),
            (ep("localhost.localdoma", "ssh"), None, None)
        );
        let f = row(
            "tcp        0      0 localhost:domain        0.0.0.0:*               LISTEN      systemd-resolve 26985      893/systemd-resolve ",
        );
        assert_eq!(
            (f.pid, f.program.as_deref()),
            (Some(893), Some("systemd-resolve"))
        );
        let f = row(
            "tcp6       0      0 [::]:ssh                [::]:*                  LISTEN      root       21776      1215/sshd",
        );
        assert_eq!((f.local, f.foreign), (ep("::", "ssh"), ep("::", "*")));
    }

    #[test]
    fn bsd_rows() {
        let f =
            row("tcp4       0      0  192.168.1.221.58237    17.57.146.25.5223      ESTABLISHED");
        assert_eq!(
            (f.local, f.foreign, f.state.as_deref()),
            (
                ep("192.168.1.221", "58237"),
                ep("17.57.146.25", "5223"),
                Some("ESTABLISHED")
            )
        );
        let f = row(
            "7fb03cb94d505aed cedd0cbf tcp6       0      0  fe80::1%lo0.1023  *.*  LISTEN       4958       3996",
        );
        assert_eq!(
            (f.proto, f.local, f.foreign, f.state.as_deref()),
            (
                Proto::Tcpv6,
                ep("fe80::1%lo0", "1023"),
                ep("*", "*"),
                Some("LISTENING")
            )
        );
        let f = row(
            "fffff80003df43d0 tcp4       0      0 192.168.71.163.22  192.168.71.1.64330 SYN_RCVD -",
        );
        assert_eq!(f.state.as_deref(), Some("SYN_RECEIVED"));
        let f = row("tcp4       3      0      0 192.168.71.163.ssh     192.168.71.1.64330     ");
        assert_eq!((f.local, f.state), (ep("192.168.71.163", "ssh"), None));
        let f = row(
            "7fb03cb95fad8165  6a3d6e4 tcp4       0      0  192.168.1.221.5450 192.168.1.201.4923 ESTABLISHED",
        );
        assert_eq!(f.foreign, ep("192.168.1.201", "4923"));
        let f = row("udp4                       *.syslog               *.*                    ");
        assert_eq!((f.local, f.state), (ep("*", "syslog"), None));
    }

    #[test]
    fn ss_rows() {
        let f = row(
            "SYN-SENT 0      1      10.0.0.5:40000     10.0.0.9:443   users:((\"my app\",pid=4711,fd=3),(\"x\",pid=5,fd=1))",
        );
        assert_eq!(
            (f.proto, f.state.as_deref(), f.pid, f.program.as_deref()),
            (Proto::Tcp, Some("SYN_SENT"), Some(4711), Some("my app"))
        );
        let f = row(
            "udp   UNCONN 0      0     127.0.0.53%lo:53      0.0.0.0:*    users:((\"systemd-resolve\",pid=893,fd=12)) ino:1 sk:2 <->",
        );
        assert_eq!(
            (f.proto, f.local, f.state, f.pid),
            (Proto::Udp, ep("127.0.0.53%lo", "53"), None, Some(893))
        );
        let f = row("tcp    ESTAB      0      0       [::1]:ssh                   [::1]:38134");
        assert_eq!(
            (f.local, f.state.as_deref(), f.pid),
            (ep("::1", "ssh"), Some("ESTABLISHED"), None)
        );
        let f = row("LISTEN 0 128 [fe80::1]%eth0:22 *");
        assert_eq!(
            (f.local, f.foreign),
            (ep("fe80::1%eth0", "22"), ep("*", "*"))
        );
        assert_eq!(
            parse_unix_row("nl     UNCONN   0        0     rtnl:kernel    *"),
            RowParse::NotRow
        );
        assert_eq!(
            parse_unix_row("u_str  ESTAB 0 0 * 123 * 456"),
            RowParse::NotRow
        );
    }

    #[test]
    fn not_rows_and_bad_rows() {
        assert_eq!(
            parse_unix_row("Proto Recv-Q Send-Q Local Address Foreign Address State"),
            RowParse::NotRow
        );
        assert_eq!(parse_unix_row("tcp"), RowParse::NotRow);
        assert_eq!(parse_unix_row("Tcp:"), RowParse::NotRow);
        assert_eq!(
            parse_unix_row("tcp 0 0 garbage"),
            RowParse::Bad(RowError::MissingAddress)
        );
    }
}
