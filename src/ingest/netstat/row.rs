//! The grammar of one connection row, written with `nom`.
//!
//! A Windows row is `Proto  Local  Foreign  [State]  [PID]` with fields padded by spaces
//! (`netstmsg.mc` row formats `"  %1!-5s!  %2!-21s!  %3!-21s!  %4"` and the same with
//! `%5!u!` for the PID). Over-long fields push the rest right, and localized layouts shift the
//! columns, so fields are split on runs of whitespace, never on column positions.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use super::fields::{RowError, RowFields, RowParse, canonical_state};
use super::types::{Endpoint, Proto};
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::combinator::{eof, opt, value};
use nom::multi::many0;
use nom::sequence::preceded;
use nom::{IResult, Parser};

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
pub(super) fn endpoint(tok: &str) -> Result<Endpoint, RowError> {
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
        _ => Err(RowError::NotHostPort {
            token: tok.to_string(),
        }),
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn pid(tok: &str) -> Result<u32, RowError> {
    tok.parse::<u32>().map_err(|_| RowError::BadPid {
        token: tok.to_string(),
    })
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

fn fields(proto: Proto, toks: &[&str]) -> Result<RowFields, RowError> {
    let (local, foreign, rest) = match toks {
        [l, f, rest @ ..] => (endpoint(l)?, endpoint(f)?, rest),
        _ => return Err(RowError::MissingAddress),
    };
    let (state, pid) = match rest {
        [] => (None, None),
        [p] if is_digits(p) => (None, Some(pid(p)?)),
        [s] => (Some(*s), None),
        [s, p] if !is_digits(s) && is_digits(p) => (Some(*s), Some(pid(p)?)),
        _ => {
            return Err(RowError::UnexpectedFields {
                fields: rest.join(" "),
            });
        }
    };
    if proto.is_tcp() && state.is_none() {
        return Err(RowError::TcpWithoutState);
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
            RowParse::Bad(RowError::BadPid {
                token: "4294967296".into()
            })
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
            RowParse::Bad(RowError::TcpWithoutState)
        );
    }
}
