//! TCP connection attempts and their outcome, with Wireshark's meanings.
//!
//! Counting (Wireshark 4.0 `epan/dissectors/packet-tcp.c`, `tcp_analyze_sequence_number` and the
//! conversation split on a new ISN):
//! - a **SYN** is SYN set and ACK clear; a **SYN-ACK** has both; every RST packet counts as `rst`;
//! - a SYN on the same 4-tuple (src, sport, dst, dport; VLAN ignored, like tshark) with the same
//!   sequence number as the attempt's ISN is a **SYN retransmission**, even when the first SYN was
//!   already answered (tshark flags a Windows "connect retry after RST" too). ISN `0xffffffff` is
//!   never flagged (Wireshark's `nextseq` wraps to 0 = unknown);
//! - a SYN with another ISN on the same 4-tuple starts a new attempt (`tcp.analysis.reused_ports`).
//!
//! Outcome: `Established` when a SYN-ACK comes from the peer (reversed 4-tuple), `Refused` when the
//! peer's RST comes first; otherwise `Unanswered` or `OpenAtEnd`.
//!
//! **Half-open interval** (what tcpip.sys counts against its limit of 10 SYN_SENT connects): from
//! the first SYN until the SYN-ACK or RST arrives. Without an answer the sender gives up at
//! `max(first_syn + give_up_s, last SYN seen)`. Windows XP–7 defaults: `TcpInitialRTT` 3 s and
//! `TcpMaxConnectRetransmissions` 2, the delay doubling each time and the sender waiting twice the
//! last delay after the last SYN: SYNs at t, t+3, t+9 s, failure at t+21 s (TechNet cc758896,
//! cc938209; Windows 7: `InitialRto` 3000 ms, `MaxSynRetransmissions` 2, KB2786464). Linux follows
//! RFC 6298 (initial RTO 1 s, doubling; `tcp_syn_retries` 6 → gives up at 127 s): set `give_up_s`.
//! If the capture ends (`capture_end`) before the give-up time the outcome is `OpenAtEnd` and the
//! interval ends at `capture_end`. When a new attempt reuses the 4-tuple before an unanswered one
//! gave up, the old one ends at the new first SYN (a port is not reused while in SYN_SENT).
//!
//! Cost: one hash map keyed by the 4-tuple (to the latest attempt's index); a packet allocates
//! only when it starts an attempt or adds a retransmission time.

use crate::ingest::capture::{TcpPacket, flags};
use crate::model::UtcTime;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::net::IpAddr;

/// How a connection attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// A SYN-ACK came back.
    Established,
    /// A RST answered the SYN.
    Refused,
    /// Only SYNs; the sender gave up before the capture ended.
    Unanswered,
    /// No answer yet when the capture ended, before the give-up time.
    OpenAtEnd,
}

impl Outcome {
    /// The word: `established`, `refused`, `unanswered`, `open_at_end`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Established => "established",
            Outcome::Refused => "refused",
            Outcome::Unanswered => "unanswered",
            Outcome::OpenAtEnd => "open_at_end",
        }
    }
}

/// One connection attempt: a 4-tuple plus initial sequence number.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// The SYN sender's address.
    pub src: IpAddr,
    /// The SYN sender's port.
    pub sport: u16,
    /// The destination address.
    pub dst: IpAddr,
    /// The destination port.
    pub dport: u16,
    /// Initial sequence number of the SYN.
    pub isn: u32,
    /// Frame number of the first SYN.
    pub frame: u64,
    /// Time of the first SYN (UTC, capture clock).
    pub first_syn: UtcTime,
    /// Times of each SYN retransmission (same 4-tuple, same ISN), in order.
    pub retransmissions: Vec<UtcTime>,
    /// How it ended.
    pub outcome: Outcome,
    /// When the SYN-ACK or RST arrived, if it did.
    pub answered_at: Option<UtcTime>,
    /// When the attempt stopped being half-open (answer, give-up, or capture end).
    pub half_open_until: UtcTime,
    /// Frame number of the SYN-ACK or RST that answered, if any.
    pub answer_frame: Option<u64>,
}

impl Attempt {
    /// Time of the last SYN of this attempt (first SYN or last retransmission).
    pub fn last_syn(&self) -> UtcTime {
        self.retransmissions
            .last()
            .copied()
            .unwrap_or(self.first_syn)
    }

    /// Seconds between consecutive SYNs (first → 1st retransmission → 2nd …): the sender's retry
    /// pattern. About `[3, 6]` is a Windows XP–7 sender (`TcpInitialRTT` 3 s, doubling);
    /// `[1, 2, 4, …]` is Linux/RFC 6298; ~0.5 s gaps after a RST are a Windows connect retry.
    pub fn retry_pattern(&self) -> Vec<f64> {
        let mut prev = self.first_syn;
        self.retransmissions
            .iter()
            .map(|&t| {
                let gap = t.seconds_since(prev);
                prev = t;
                gap
            })
            .collect()
    }

    /// Seconds the attempt was half-open (`half_open_until - first_syn`, never negative).
    pub fn half_open_s(&self) -> f64 {
        self.half_open_until.seconds_since(self.first_syn).max(0.0)
    }
}

/// Settings of the handshake model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HandshakeSettings {
    /// Seconds after the first SYN at which the sender gives up (Windows XP–7: 21 s).
    pub give_up_s: f64,
}

impl Default for HandshakeSettings {
    fn default() -> Self {
        HandshakeSettings { give_up_s: 21.0 }
    }
}

/// Counts and attempts of one capture.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HandshakeReport {
    /// SYN packets (SYN set, ACK clear), retransmissions included (tshark `tcp.flags.syn==1 &&
    /// tcp.flags.ack==0`).
    pub tcp_syn: u64,
    /// SYNs flagged as retransmission (tshark `… && tcp.analysis.retransmission`).
    pub syn_retransmissions: u64,
    /// SYN-ACK packets.
    pub syn_ack: u64,
    /// RST packets (any direction, any state).
    pub rst: u64,
    /// Attempts in order of their first SYN (file order).
    pub attempts: Vec<Attempt>,
}

/// A 4-tuple in the direction of the SYN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    src: IpAddr,
    dst: IpAddr,
    sport: u16,
    dport: u16,
}

/// FxHash-style hasher (rustc's): the key is small and not attacker-chosen in a way that matters
/// for one offline run, and SipHash would dominate the per-packet cost.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Feeds TCP packets in capture order; `finish` gives the report.
#[derive(Debug, Default)]
pub struct HandshakeTracker {
    settings: Option<HandshakeSettings>,
    /// 4-tuple → index of its latest attempt in `report.attempts`.
    by_tuple: HashMap<Key, usize, BuildHasherDefault<FxHasher>>,
    /// Per attempt: the first SYN of the attempt that superseded it on the same 4-tuple.
    superseded_at: Vec<Option<UtcTime>>,
    report: HandshakeReport,
}

impl HandshakeTracker {
    /// A tracker with the give-up time of `settings`.
    pub fn new(settings: HandshakeSettings) -> Self {
        HandshakeTracker {
            settings: Some(settings),
            ..HandshakeTracker::default()
        }
    }

    /// Takes one TCP packet (in file order).
    pub fn push(&mut self, p: &TcpPacket) {
        let syn = p.seg.flags & flags::SYN != 0;
        let ack = p.seg.flags & flags::ACK != 0;
        let rst = p.seg.flags & flags::RST != 0;
        if rst {
            self.report.rst += 1;
        }
        if syn && !ack {
            self.report.tcp_syn += 1;
            let key = Key {
                src: p.seg.src,
                dst: p.seg.dst,
                sport: p.seg.sport,
                dport: p.seg.dport,
            };
            let current = self.by_tuple.get(&key).copied();
            if let Some(i) = current {
                if let Some(a) = self.report.attempts.get_mut(i) {
                    if a.isn == p.seg.seq {
                        if p.seg.seq != u32::MAX {
                            self.report.syn_retransmissions += 1;
                        }
                        a.retransmissions.push(p.time);
                        return;
                    }
                }
                if let Some(s) = self.superseded_at.get_mut(i) {
                    *s = Some(p.time);
                }
            }
            let idx = self.report.attempts.len();
            self.report.attempts.push(Attempt {
                src: p.seg.src,
                sport: p.seg.sport,
                dst: p.seg.dst,
                dport: p.seg.dport,
                isn: p.seg.seq,
                frame: p.frame,
                first_syn: p.time,
                retransmissions: Vec::new(),
                outcome: Outcome::Unanswered,
                answered_at: None,
                half_open_until: p.time,
                answer_frame: None,
            });
            self.superseded_at.push(None);
            self.by_tuple.insert(key, idx);
            return;
        }
        if syn && ack {
            self.report.syn_ack += 1;
        }
        if (syn && ack) || rst {
            // An answer comes from the peer: the reversed 4-tuple.
            let key = Key {
                src: p.seg.dst,
                dst: p.seg.src,
                sport: p.seg.dport,
                dport: p.seg.sport,
            };
            let Some(&i) = self.by_tuple.get(&key) else {
                return;
            };
            if let Some(a) = self.report.attempts.get_mut(i) {
                if a.answered_at.is_none() {
                    a.answered_at = Some(p.time);
                    a.answer_frame = Some(p.frame);
                    a.outcome = if syn {
                        Outcome::Established
                    } else {
                        Outcome::Refused
                    };
                }
            }
        }
    }

    /// Closes the analysis at `capture_end` (time of the last packet) and applies the half-open
    /// rule of the module docs to every attempt.
    pub fn finish(self, capture_end: Option<UtcTime>) -> HandshakeReport {
        let settings = self.settings.unwrap_or_default();
        let give_up_ns = if settings.give_up_s.is_finite() && settings.give_up_s > 0.0 {
            (settings.give_up_s * 1e9).min(i64::MAX as f64) as i64
        } else {
            0
        };
        let mut report = self.report;
        for (a, sup) in report.attempts.iter_mut().zip(self.superseded_at) {
            if let Some(at) = a.answered_at {
                a.half_open_until = at;
                continue;
            }
            let mut gives_up = a.first_syn.plus_nanos(give_up_ns).max(a.last_syn());
            if let Some(next) = sup {
                gives_up = gives_up.min(next);
            }
            match capture_end {
                Some(end) if end < gives_up => {
                    a.outcome = Outcome::OpenAtEnd;
                    a.half_open_until = end.max(a.first_syn);
                }
                _ => {
                    a.outcome = Outcome::Unanswered;
                    a.half_open_until = gives_up;
                }
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::test_packets;

    const T0: i64 = 1_700_000_000_000_000_000;

    /// Client 10.0.0.1:1074, server 10.0.0.2:80.
    fn pkt(frame: u64, secs: f64, from_client: bool, fl: u8, seq: u32) -> TcpPacket {
        let (c, s) = ("10.0.0.1:1074", "10.0.0.2:80");
        test_packets::tcp(frame, t(secs), c, s, from_client, fl, seq)
    }

    fn t(secs: f64) -> UtcTime {
        UtcTime::from_unix_nanos(T0 + (secs * 1e9) as i64, 6)
    }

    const SYN: u8 = flags::SYN;
    const SYNACK: u8 = flags::SYN | flags::ACK;
    const RSTACK: u8 = flags::RST | flags::ACK;

    fn run(pkts: &[TcpPacket], end: f64) -> HandshakeReport {
        let mut tr = HandshakeTracker::new(HandshakeSettings::default());
        for p in pkts {
            tr.push(p);
        }
        tr.finish(Some(t(end)))
    }

    #[test]
    fn windows_unanswered_attempt_gives_up_at_21_s_with_3_then_6_s_retries() {
        let r = run(
            &[
                pkt(1, 0.0, true, SYN, 5),
                pkt(2, 3.0, true, SYN, 5),
                pkt(3, 9.0, true, SYN, 5),
            ],
            30.0,
        );
        assert_eq!(
            (r.tcp_syn, r.syn_retransmissions, r.syn_ack, r.rst),
            (3, 2, 0, 0)
        );
        let a = &r.attempts[0];
        assert_eq!(a.outcome, Outcome::Unanswered);
        assert_eq!(a.half_open_until, t(21.0));
        assert_eq!(a.retry_pattern(), vec![3.0, 6.0]);
    }

    #[test]
    fn capture_ending_before_give_up_leaves_the_attempt_open_at_end() {
        let r = run(&[pkt(1, 0.0, true, SYN, 5), pkt(2, 3.0, true, SYN, 5)], 4.0);
        assert_eq!(r.attempts[0].outcome, Outcome::OpenAtEnd);
        assert_eq!(r.attempts[0].half_open_until, t(4.0));
    }

    #[test]
    fn refused_attempt_keeps_counting_retries_after_rst_like_tshark() {
        let r = run(
            &[
                pkt(1, 0.0, true, SYN, 5),
                pkt(2, 0.1, false, RSTACK, 0),
                pkt(3, 0.5, true, SYN, 5),
                pkt(4, 0.6, false, RSTACK, 0),
            ],
            1.0,
        );
        assert_eq!((r.tcp_syn, r.syn_retransmissions, r.rst), (2, 1, 2));
        assert_eq!(r.attempts.len(), 1);
        let a = &r.attempts[0];
        assert_eq!(
            (a.outcome, a.answered_at, a.half_open_until, a.answer_frame),
            (Outcome::Refused, Some(t(0.1)), t(0.1), Some(2))
        );
    }

    #[test]
    fn new_isn_on_same_tuple_starts_a_new_attempt_and_ends_the_old_one() {
        let r = run(
            &[
                pkt(1, 0.0, true, SYN, 5),
                pkt(2, 2.0, true, SYN, 99),
                pkt(3, 2.1, false, SYNACK, 7),
            ],
            40.0,
        );
        assert_eq!((r.tcp_syn, r.syn_retransmissions, r.syn_ack), (2, 0, 1));
        assert_eq!(r.attempts.len(), 2);
        assert_eq!(
            (r.attempts[0].outcome, r.attempts[0].half_open_until),
            (Outcome::Unanswered, t(2.0))
        );
        assert_eq!(
            (r.attempts[1].outcome, r.attempts[1].half_open_until),
            (Outcome::Established, t(2.1))
        );
    }

    #[test]
    fn rst_from_the_sender_does_not_refuse_and_isn_ffffffff_is_not_flagged() {
        let r = run(
            &[
                pkt(1, 0.0, true, SYN, u32::MAX),
                pkt(2, 1.0, true, RSTACK, 0),
                pkt(3, 2.0, true, SYN, u32::MAX),
            ],
            50.0,
        );
        assert_eq!((r.tcp_syn, r.syn_retransmissions, r.rst), (2, 0, 1));
        assert_eq!(r.attempts[0].outcome, Outcome::Unanswered);
    }

    #[test]
    fn retransmissions_after_give_up_time_extend_the_interval_to_the_last_syn() {
        let r = run(
            &[pkt(1, 0.0, true, SYN, 5), pkt(2, 25.0, true, SYN, 5)],
            60.0,
        );
        assert_eq!(r.attempts[0].half_open_until, t(25.0));
    }
}
