//! Alarm client gaps: intervals in which an alarm client had no working exchange with its
//! provider (issue 5; InTouch/DAS clients poll their provider over TCP, `research/domain.md` §1).
//!
//! **Pairs.** A packet belongs to the pair (client, provider) when one end matches a configured
//! provider endpoint and the other a configured client endpoint (`--alarm-provider`,
//! `--alarm-client`, address and optional port: no port = all TCP between them), whichever side
//! sent it. Pairs are keyed by the two addresses. With no provider or no client configured,
//! [`AlarmTracker::push`] returns at once.
//!
//! **Working exchange.** A *healthy* packet has ACK set and RST clear (SYN-ACK, data, pure ACK,
//! FIN-ACK). A healthy packet is a working exchange when it *answers* the other side: the other
//! side's last healthy packet is newer than this side's previous one, at most `gap_s` old, and,
//! if a gap is open, newer than the moment the gap's trouble was seen (see below). So a reply to
//! a request, or the client's ACK of a SYN-ACK (a completed handshake), is a working exchange;
//! one side talking alone is not, however often it sends.
//!
//! **Gaps** (each from `start` to `end`, UTC, `seconds = end - start`), by cause:
//! - `no_traffic`: no working exchange for more than `gap_s` seconds. Starts at the last working
//!   exchange (or the pair's first packet if there was none), and is noticed at the first packet
//!   after `gap_s`, or at the capture end;
//! - `connect_retried`: a SYN was retransmitted (same 4-tuple, same ISN, RFC 9293 §3.8.1), and
//!   that attempt was later answered by a SYN-ACK. Starts at the attempt's first SYN;
//! - `connect_failed`: as `connect_retried`, but the attempt never got its SYN-ACK (given up,
//!   superseded, or still open at the capture end); also a SYN answered by a RST (refused);
//!   starts at that SYN;
//! - `reset`: a RST on a connection that was not a refused connect. Starts at the last working
//!   exchange (or the RST if there was none).
//!
//! A gap ends at the next working exchange after its trouble was seen, or at the capture end.
//! Only one gap is open per pair at a time; a `no_traffic` gap is cut short when connect trouble
//! or a reset shows up (it ends there and the new gap starts there), so the causes stay distinct;
//! other troubles during an open gap do not change it. `no_traffic` gaps are reported only when
//! longer than `gap_s` (by construction); the others whatever their length.

use crate::ingest::capture::{TcpPacket, flags};
use crate::model::{AlarmEndpoint, UtcTime};
use schemars::JsonSchema;
use serde::Serialize;
use std::net::IpAddr;

/// One interval without a working client–provider exchange. JSON (top-level `alarm_gaps`):
/// `{ "client", "provider", "start", "end", "seconds", "cause", "frame" }`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AlarmGap {
    /// The client address.
    pub client: IpAddr,
    /// The provider address.
    pub provider: IpAddr,
    /// Start (UTC, capture clock until correlation shifts it to the common clock).
    pub start: UtcTime,
    /// End (UTC, same clock as `start`).
    pub end: UtcTime,
    /// `end - start` in seconds.
    pub seconds: f64,
    /// Why (module docs): `no_traffic`, `connect_failed`, `connect_retried`, `reset`.
    pub cause: String,
    /// Frame number where the gap starts (evidence): the last working exchange, or the first
    /// SYN of the failing connect.
    pub frame: u64,
    /// The capture file (set by correlation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Why a gap is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    NoTraffic,
    /// A connect whose SYN was retransmitted or refused; `attempt` indexes `Pair::attempts`.
    Connect {
        attempt: usize,
    },
    Reset,
}

/// One connect attempt between the pair (a 4-tuple in SYN direction and an ISN).
#[derive(Debug, Clone)]
struct Attempt {
    /// (src, sport, dst, dport) of the SYN.
    tuple: (IpAddr, u16, IpAddr, u16),
    isn: u32,
    first_syn: UtcTime,
    frame: u64,
    answered: bool,
    refused: bool,
}

#[derive(Debug, Clone)]
struct OpenGap {
    start: UtcTime,
    frame: u64,
    cause: Cause,
    /// When the trouble was seen: a working exchange must come after it.
    seen: UtcTime,
}

#[derive(Debug, Clone)]
struct Pair {
    client: IpAddr,
    provider: IpAddr,
    /// Last working exchange (time, frame), or the pair's first packet.
    last_ok: (UtcTime, u64),
    /// Last healthy packet from the client / from the provider.
    healthy_from_client: Option<UtcTime>,
    healthy_from_provider: Option<UtcTime>,
    attempts: Vec<Attempt>,
    gap: Option<OpenGap>,
    done: Vec<AlarmGap>,
}

impl Pair {
    fn close(&mut self, end: UtcTime) {
        let Some(g) = self.gap.take() else {
            return;
        };
        let cause = match g.cause {
            Cause::NoTraffic => "no_traffic",
            Cause::Reset => "reset",
            Cause::Connect { attempt } => match self.attempts.get(attempt) {
                Some(a) if a.answered && !a.refused => "connect_retried",
                _ => "connect_failed",
            },
        };
        self.done.push(AlarmGap {
            client: self.client,
            provider: self.provider,
            start: g.start,
            end,
            seconds: end.seconds_since(g.start),
            cause: cause.to_string(),
            frame: g.frame,
            path: None,
        });
    }

    /// Opens a gap for new trouble seen at `seen`, cutting an open `no_traffic` gap there.
    fn trouble(&mut self, start: (UtcTime, u64), cause: Cause, seen: UtcTime) {
        match &self.gap {
            Some(g) if g.cause == Cause::NoTraffic => {
                let cut = start.0.max(g.start);
                self.close(cut);
            }
            Some(_) => return,
            None => {}
        }
        self.gap = Some(OpenGap {
            start: start.0,
            frame: start.1,
            cause,
            seen,
        });
    }
}

/// What the alarm gap tracker watches (built from `--alarm-provider`, `--alarm-client` and
/// `--gap` by the caller).
#[derive(Debug, Clone, Default)]
pub struct AlarmSettings {
    /// Alarm provider endpoints (address, optional TCP port).
    pub providers: Vec<AlarmEndpoint>,
    /// Alarm client endpoints (address, optional TCP port).
    pub clients: Vec<AlarmEndpoint>,
    /// Seconds without a working exchange that make a `no_traffic` gap.
    pub gap_s: f64,
}

/// Streams a capture's TCP packets and finds alarm gaps for the configured endpoints.
#[derive(Debug, Default)]
pub struct AlarmTracker {
    providers: Vec<AlarmEndpoint>,
    clients: Vec<AlarmEndpoint>,
    gap_ns: i64,
    pairs: Vec<Pair>,
}

impl AlarmTracker {
    /// A tracker for `settings.providers` × `settings.clients` and `settings.gap_s`
    /// (seconds; a non-finite or negative value counts as 0).
    pub fn new(settings: &AlarmSettings) -> Self {
        let gap_ns = if settings.gap_s.is_finite() && settings.gap_s > 0.0 {
            (settings.gap_s * 1e9).min(i64::MAX as f64) as i64
        } else {
            0
        };
        AlarmTracker {
            providers: settings.providers.clone(),
            clients: settings.clients.clone(),
            gap_ns,
            pairs: Vec::new(),
        }
    }

    /// The index of the pair (client, provider), created at packet `p` (its first) when new.
    fn pair_index(&mut self, client: IpAddr, provider: IpAddr, p: &TcpPacket) -> usize {
        if let Some(i) = self
            .pairs
            .iter()
            .position(|q| q.client == client && q.provider == provider)
        {
            return i;
        }
        self.pairs.push(Pair {
            client,
            provider,
            last_ok: (p.time, p.frame),
            healthy_from_client: None,
            healthy_from_provider: None,
            attempts: Vec::new(),
            gap: None,
            done: Vec::new(),
        });
        self.pairs.len() - 1
    }

    /// Feeds one packet (capture order). Costs one emptiness check when no endpoints are set.
    pub fn push(&mut self, p: &TcpPacket) {
        if self.providers.is_empty() || self.clients.is_empty() {
            return;
        }
        let s = &p.seg;
        let prov = |a: IpAddr, port: u16| self.providers.iter().any(|e| e.matches(a, port));
        let cli = |a: IpAddr, port: u16| self.clients.iter().any(|e| e.matches(a, port));
        let (client, provider, from_client) = if prov(s.dst, s.dport) && cli(s.src, s.sport) {
            (s.src, s.dst, true)
        } else if prov(s.src, s.sport) && cli(s.dst, s.dport) {
            (s.dst, s.src, false)
        } else {
            return;
        };
        let gap_ns = self.gap_ns;
        let idx = self.pair_index(client, provider, p);
        let Some(pair) = self.pairs.get_mut(idx) else {
            return;
        };
        let t = p.time;
        // Silence longer than gap_s since the last working exchange.
        if pair.gap.is_none() && t.unix_nanos().saturating_sub(pair.last_ok.0.unix_nanos()) > gap_ns
        {
            pair.gap = Some(OpenGap {
                start: pair.last_ok.0,
                frame: pair.last_ok.1,
                cause: Cause::NoTraffic,
                seen: pair.last_ok.0,
            });
        }
        let syn = s.flags & flags::SYN != 0;
        let ack = s.flags & flags::ACK != 0;
        let rst = s.flags & flags::RST != 0;
        let tuple = (s.src, s.sport, s.dst, s.dport);
        let reverse = (s.dst, s.dport, s.src, s.sport);
        if syn && !ack {
            match pair.attempts.iter().rposition(|a| a.tuple == tuple) {
                Some(i) if pair.attempts[i].isn == s.seq => {
                    let a = &pair.attempts[i];
                    if !a.answered {
                        let start = (a.first_syn, a.frame);
                        pair.trouble(start, Cause::Connect { attempt: i }, t);
                    }
                }
                _ => pair.attempts.push(Attempt {
                    tuple,
                    isn: s.seq,
                    first_syn: t,
                    frame: p.frame,
                    answered: false,
                    refused: false,
                }),
            }
            return;
        }
        if rst {
            let refused = pair
                .attempts
                .iter()
                .rposition(|a| a.tuple == reverse && !a.answered);
            if let Some(i) = refused {
                let a = &mut pair.attempts[i];
                a.answered = true;
                a.refused = true;
                let start = (a.first_syn, a.frame);
                pair.trouble(start, Cause::Connect { attempt: i }, t);
            } else {
                let start = if pair.gap.is_some() {
                    (t, p.frame)
                } else {
                    pair.last_ok
                };
                pair.trouble(start, Cause::Reset, t);
            }
            return;
        }
        if !ack {
            return;
        }
        if syn {
            if let Some(a) = pair
                .attempts
                .iter_mut()
                .rev()
                .find(|a| a.tuple == reverse && !a.answered)
            {
                a.answered = true;
            }
        }
        // A healthy packet: is it a working exchange (an answer from this side)?
        let (own, other) = if from_client {
            (&mut pair.healthy_from_client, pair.healthy_from_provider)
        } else {
            (&mut pair.healthy_from_provider, pair.healthy_from_client)
        };
        let own_prev = own.replace(t);
        let after = pair.gap.as_ref().map(|g| g.seen);
        let working = other.is_some_and(|o| {
            t.unix_nanos().saturating_sub(o.unix_nanos()) <= gap_ns
                && own_prev.is_none_or(|prev| o > prev)
                && after.is_none_or(|s| o > s)
        });
        if working {
            pair.close(t);
            pair.last_ok = (t, p.frame);
        }
    }

    /// The gaps, sorted by start then client; `capture_end` closes a gap still open at the end
    /// (and opens a `no_traffic` gap when the last working exchange is more than `gap_s` before
    /// it).
    pub fn finish(self, capture_end: Option<UtcTime>) -> Vec<AlarmGap> {
        let gap_ns = self.gap_ns;
        let mut out = Vec::new();
        for mut pair in self.pairs {
            if let Some(end) = capture_end {
                if pair.gap.is_none()
                    && end.unix_nanos().saturating_sub(pair.last_ok.0.unix_nanos()) > gap_ns
                {
                    pair.gap = Some(OpenGap {
                        start: pair.last_ok.0,
                        frame: pair.last_ok.1,
                        cause: Cause::NoTraffic,
                        seen: pair.last_ok.0,
                    });
                }
                pair.close(end);
            }
            out.append(&mut pair.done);
        }
        out.sort_by_key(|g| (g.start, g.client, g.provider));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::test_packets;

    fn t(ms: i64) -> UtcTime {
        UtcTime::from_unix_nanos(1_700_000_000_000_000_000 + ms * 1_000_000, 6)
    }

    /// Packet `frame` at `ms`; `c2p` = client → provider; client 10.0.0.2:port, provider
    /// 10.0.0.1:5413.
    fn pkt(frame: u64, ms: i64, c2p: bool, port: u16, fl: u8) -> TcpPacket {
        let client = format!("10.0.0.2:{port}");
        test_packets::tcp(frame, t(ms), &client, "10.0.0.1:5413", c2p, fl, 9)
    }

    fn tracker(client: &str, gap_s: f64) -> AlarmTracker {
        AlarmTracker::new(&AlarmSettings {
            providers: vec![AlarmEndpoint::parse("10.0.0.1:5413").unwrap()],
            clients: vec![AlarmEndpoint::parse(client).unwrap()],
            gap_s,
        })
    }

    const SYN: u8 = flags::SYN;
    const SA: u8 = flags::SYN | flags::ACK;
    const ACK: u8 = flags::ACK;
    const RA: u8 = flags::RST | flags::ACK;

    #[test]
    fn refused_connect_is_connect_failed_until_the_next_handshake() {
        let mut tr = tracker("10.0.0.2", 30.0);
        for p in [
            pkt(1, 0, true, 1000, SYN),
            pkt(2, 1, false, 1000, SA),
            pkt(3, 2, true, 1000, ACK),
            pkt(4, 5_000, true, 1001, SYN),
            pkt(5, 5_001, false, 1001, RA),
            pkt(6, 5_500, true, 1002, SYN),
            pkt(7, 5_501, false, 1002, SA),
            pkt(8, 5_502, true, 1002, ACK),
        ] {
            tr.push(&p);
        }
        let g = tr.finish(Some(t(6_000)));
        assert_eq!(g.len(), 1);
        assert_eq!(
            (g[0].start, g[0].end, g[0].cause.as_str(), g[0].frame),
            (t(5_000), t(5_502), "connect_failed", 4)
        );
        assert!((g[0].seconds - 0.502).abs() < 1e-12);
    }

    #[test]
    fn one_sided_traffic_is_not_a_working_exchange() {
        let mut tr = tracker("10.0.0.2", 10.0);
        tr.push(&pkt(1, 0, true, 1000, SYN));
        tr.push(&pkt(2, 1, false, 1000, SA));
        tr.push(&pkt(3, 2, true, 1000, ACK));
        // The client keeps sending; the provider never answers.
        for k in 1..=30 {
            tr.push(&pkt(3 + k, k as i64 * 1000, true, 1000, ACK));
        }
        let g = tr.finish(Some(t(30_000)));
        assert_eq!(g.len(), 1);
        assert_eq!(
            (g[0].start, g[0].end, g[0].cause.as_str(), g[0].frame),
            (t(2), t(30_000), "no_traffic", 3)
        );
    }

    #[test]
    fn client_port_filter_and_missing_endpoints_ignore_packets() {
        let mut tr = tracker("10.0.0.2:999", 1.0);
        tr.push(&pkt(1, 0, true, 1000, SYN));
        tr.push(&pkt(2, 5_000, true, 1000, SYN));
        assert!(tr.pairs.is_empty());
        assert_eq!(tr.finish(Some(t(10_000))), Vec::new());
        let mut none = AlarmTracker::new(&AlarmSettings::default());
        none.push(&pkt(1, 0, true, 1000, RA));
        assert_eq!(none.finish(Some(t(100_000))), Vec::new());
    }
}
