//! The grammar of one connection row, written with `nom`.
//!
//! A Windows row is `Proto  Local  Foreign  [State]  [PID]` with fields padded by spaces
//! (`netstmsg.mc` row formats `"  %1!-5s!  %2!-21s!  %3!-21s!  %4"` and the same with
//! `%5!u!` for the PID). Over-long fields push the rest right, and localized layouts shift the
//! columns, so fields are split on runs of whitespace, never on column positions.

use super::{Endpoint, Proto};
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::combinator::{eof, opt, value};
use nom::multi::many0;
use nom::sequence::preceded;
use nom::{IResult, Parser};

/// The fields of one parsed row (before it gets its line number and program).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RowFields {
    pub proto: Proto,
    pub local: Endpoint,
    pub foreign: Endpoint,
    /// Canonical state (see [`canonical_state`]); `None` for a UDP row without one.
    pub state: Option<String>,
    /// False when the state word is not one netstat prints (kept verbatim in `state`).
    pub state_known: bool,
    pub pid: Option<u32>,
    /// Program printed in the row itself (Linux `1234/sshd`, ss `users:(("sshd",…))`); Windows
    /// names come from the `-b` line after the row instead.
    pub program: Option<String>,
}

impl RowFields {
    /// True when the state looks cut by a console wrap: a TCP state that is not a known word but
    /// a strict prefix of one (`ESTABLIS`).
    pub fn state_looks_cut(&self) -> bool {
        match &self.state {
            Some(s) if !self.state_known => KNOWN_STATE_WORDS
                .iter()
                .any(|(w, _)| w.len() > s.len() && w.starts_with(s.as_str())),
            _ => false,
        }
    }
}

/// What one line is, as far as the row grammar goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RowParse {
    /// The line does not start with a proto token: not a row.
    NotRow,
    /// A row.
    Row(RowFields),
    /// Starts with a proto token but cannot be read; the reason.
    Bad(String),
}

fn ws(i: &str) -> IResult<&str, &str> {
    take_while1(char::is_whitespace)(i)
}

fn token(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| !c.is_whitespace())(i)
}

fn proto(i: &str) -> IResult<&str, Proto> {
    alt((
        value(Proto::Tcpv6, tag("TCPv6")),
        value(Proto::Udpv6, tag("UDPv6")),
        value(Proto::Tcp, tag("TCP")),
        value(Proto::Udp, tag("UDP")),
    ))
    .parse(i)
}

/// Leading whitespace, a proto token that ends at whitespace or end of line, then the remaining
/// whitespace-separated tokens.
fn row_tokens(i: &str) -> IResult<&str, (Proto, Vec<&str>)> {
    let (i, _) = take_while(char::is_whitespace)(i)?;
    let (i, p) = proto(i)?;
    let (i, _) = alt((ws, eof)).parse(i)?;
    let (i, toks) = many0(preceded(opt(ws), token)).parse(i)?;
    let (i, _) = take_while(char::is_whitespace)(i)?;
    let (i, _) = eof(i)?;
    Ok((i, (p, toks)))
}

/// `[v6addr%zone]:port` → host without brackets.
fn bracketed(i: &str) -> IResult<&str, (&str, &str)> {
    let (i, _) = tag("[")(i)?;
    let (i, host) = take_while1(|c: char| c != ']')(i)?;
    let (i, _) = tag("]:")(i)?;
    let (i, port) = take_while1(|c: char| !c.is_whitespace())(i)?;
    let (i, _) = eof(i)?;
    Ok((i, (host, port)))
}

/// Splits one address token into host and port. The port is after the last `:` (jc does the
/// same `rsplit(":", 1)`); IPv6 in brackets keeps its zone id (`fe80::1%64`).
pub(super) fn endpoint(tok: &str) -> Result<Endpoint, String> {
    if let Ok((_, (host, port))) = bracketed(tok) {
        return Ok(Endpoint {
            host: host.to_string(),
            port: port.to_string(),
        });
    }
    match tok.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && !port.is_empty() && !host.starts_with('[') => {
            Ok(Endpoint {
                host: host.to_string(),
                port: port.to_string(),
            })
        }
        _ => Err(format!("address `{tok}` is not `host:port`")),
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn pid(tok: &str) -> Result<u32, String> {
    tok.parse::<u32>()
        .map_err(|_| format!("PID `{tok}` is not a number below 2^32"))
}

/// Parses one line. `TCP Statistics for IPv4` (a `netstat -s` heading) is not a row.
pub(super) fn parse_row(line: &str) -> RowParse {
    let Ok((_, (proto, toks))) = row_tokens(line) else {
        return super::unix::parse_unix_row(line);
    };
    if toks.first().is_some_and(|t| *t == "Statistics") {
        return RowParse::NotRow;
    }
    match fields(proto, &toks) {
        Ok(f) => RowParse::Row(f),
        Err(reason) => RowParse::Bad(reason),
    }
}

fn fields(proto: Proto, toks: &[&str]) -> Result<RowFields, String> {
    let (local, foreign, rest) = match toks {
        [l, f, rest @ ..] => (endpoint(l)?, endpoint(f)?, rest),
        _ => return Err("row has fewer than two addresses".to_string()),
    };
    let (state, pid) = match rest {
        [] => (None, None),
        [p] if is_digits(p) => (None, Some(pid(p)?)),
        [s] => (Some(*s), None),
        [s, p] if !is_digits(s) && is_digits(p) => (Some(*s), Some(pid(p)?)),
        _ => {
            return Err(format!(
                "unexpected fields after the addresses: `{}`",
                rest.join(" ")
            ));
        }
    };
    if proto.is_tcp() && state.is_none() {
        return Err("TCP row without a state".to_string());
    }
    let (state, state_known) = match state {
        Some(s) => {
            let (c, known) = canonical_state(s);
            (Some(c), known)
        }
        None => (None, true),
    };
    Ok(RowFields {
        proto,
        local,
        foreign,
        state,
        state_known,
        pid,
        program: None,
    })
}

/// State words Windows netstat prints and their standard English names. English words are the `netstmsg.mc` set (CLOSED … TIME_WAIT); German ones are from real German Windows output
/// (research note §2: ABHÖREN, HERGESTELLT, WARTEND, SCHLIESSEN_WARTEN, FIN_WARTEN_2,
/// SYN_GESENDET); SYN_EMPFANGEN/SCHLIESSEND are only seen in parser alias tables (unverified).
const KNOWN_STATE_WORDS: &[(&str, &str)] = &[
    ("CLOSED", "CLOSED"),
    ("LISTENING", "LISTENING"),
    ("SYN_SENT", "SYN_SENT"),
    ("SYN_RECEIVED", "SYN_RECEIVED"),
    ("ESTABLISHED", "ESTABLISHED"),
    ("FIN_WAIT_1", "FIN_WAIT_1"),
    ("FIN_WAIT_2", "FIN_WAIT_2"),
    ("CLOSE_WAIT", "CLOSE_WAIT"),
    ("CLOSING", "CLOSING"),
    ("LAST_ACK", "LAST_ACK"),
    ("TIME_WAIT", "TIME_WAIT"),
    ("ABHÖREN", "LISTENING"),
    ("ABH™REN", "LISTENING"),
    ("HERGESTELLT", "ESTABLISHED"),
    ("WARTEND", "TIME_WAIT"),
    ("SCHLIESSEN_WARTEN", "CLOSE_WAIT"),
    ("FIN_WARTEN_1", "FIN_WAIT_1"),
    ("FIN_WARTEN_2", "FIN_WAIT_2"),
    ("SYN_GESENDET", "SYN_SENT"),
    ("SYN_EMPFANGEN", "SYN_RECEIVED"),
    ("SCHLIESSEND", "CLOSING"),
];

/// The standard English name of a printed state word and whether it is known. `ABH?REN` with any
/// one character for `Ö` (CP850 byte 0x99 read as CP1252 `™`, or U+FFFD) is LISTENING. Unknown
/// words are returned verbatim.
pub(super) fn canonical_state(word: &str) -> (String, bool) {
    let upper = word.to_uppercase();
    if let Some((_, c)) = KNOWN_STATE_WORDS.iter().find(|(w, _)| *w == upper) {
        return ((*c).to_string(), true);
    }
    if upper.chars().count() == 7 && upper.starts_with("ABH") && upper.ends_with("REN") {
        return ("LISTENING".to_string(), true);
    }
    (word.to_string(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(host: &str, port: &str) -> Endpoint {
        Endpoint {
            host: host.into(),
            port: port.into(),
        }
    }

    #[test]
    fn ipv6_with_zone_keeps_zone_and_drops_brackets() {
        let r = parse_row("  UDP    [fe80::f5d1:8bf7:c410:e325%64]:1900  *:*                 8844");
        let RowParse::Row(f) = r else {
            panic!("not a row: {r:?}")
        };
        assert_eq!(f.local, ep("fe80::f5d1:8bf7:c410:e325%64", "1900"));
        assert_eq!(f.foreign, ep("*", "*"));
        assert_eq!((f.state, f.pid), (None, Some(8844)));
    }

    #[test]
    fn udp_without_state_or_pid() {
        let r = parse_row("  UDP    0.0.0.0:500            *:*                    ");
        let RowParse::Row(f) = r else {
            panic!("not a row: {r:?}")
        };
        assert_eq!((f.proto, f.state, f.pid), (Proto::Udp, None, None));
    }

    #[test]
    fn connected_udp_has_foreign_address() {
        let r = parse_row(
            "  UDP    0.0.0.0:50392          172.217.162.142:443                    8780",
        );
        let RowParse::Row(f) = r else {
            panic!("not a row: {r:?}")
        };
        assert_eq!(
            (f.foreign, f.pid),
            (ep("172.217.162.142", "443"), Some(8780))
        );
    }

    #[test]
    fn german_and_mojibake_states_map_to_english() {
        assert_eq!(canonical_state("ABH™REN"), ("LISTENING".into(), true));
        assert_eq!(
            canonical_state("ABH\u{fffd}REN"),
            ("LISTENING".into(), true)
        );
        assert_eq!(canonical_state("HERGESTELLT"), ("ESTABLISHED".into(), true));
        assert_eq!(canonical_state("WARTEND"), ("TIME_WAIT".into(), true));
        assert_eq!(canonical_state("SYN_GESENDET"), ("SYN_SENT".into(), true));
        assert_eq!(canonical_state("BOUND"), ("BOUND".into(), false));
    }

    #[test]
    fn pid_and_proto_variants() {
        let r = parse_row("TCPv6 [::]:135 [::]:0 LISTENING 4294967295");
        let RowParse::Row(f) = r else {
            panic!("not a row: {r:?}")
        };
        assert_eq!((f.proto, f.pid), (Proto::Tcpv6, Some(u32::MAX)));
        assert_eq!(
            parse_row("TCP [::]:135 [::]:0 LISTENING 4294967296"),
            RowParse::Bad("PID `4294967296` is not a number below 2^32".into())
        );
    }

    #[test]
    fn not_rows() {
        assert_eq!(parse_row("  Proto  Local Address"), RowParse::NotRow);
        assert_eq!(parse_row("TCP Statistics for IPv4"), RowParse::NotRow);
        assert_eq!(parse_row("TCPIP"), RowParse::NotRow);
        assert_eq!(
            parse_row("unix  2      [ ACC ]     STREAM     LISTENING      18438 1/systemd"),
            RowParse::NotRow
        );
        assert_eq!(parse_row("Active Internet connections"), RowParse::NotRow);
    }

    #[test]
    fn tcp_without_state_is_bad() {
        assert_eq!(
            parse_row("  TCP    1.2.3.4:5   6.7.8.9:10"),
            RowParse::Bad("TCP row without a state".into())
        );
    }
}
