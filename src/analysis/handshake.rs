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
//! Cost: per attempt one 48-byte slot and 16–32 bytes of 4-tuple index (`analysis::slots`); a
//! packet allocates only when the slot list or the retransmission list grows.

use super::attempts::outcome_of;
pub use super::attempts::{Attempt, Attempts, Outcome};
use super::crowd::CrowdFold;
use super::slots::{Addrs, Answer, MAX_SLOT_FRAME, NO_TIME, Retx, Slot, Tuple, TupleIndex};
use crate::ingest::capture::{TcpPacket, flags};
use crate::model::{Locator, Problem, UtcTime};

/// Settings of the handshake model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HandshakeSettings {
    /// Seconds after the first SYN at which the sender gives up (Windows XP–7: 21 s).
    pub give_up_s: f64,
    /// The half-open limit (XP SP2–Vista: 10, KB969710): a crowd's senders whose peak stays
    /// below half of it are folded into counts ([`super::crowd`]).
    pub half_open_limit: u32,
}

impl Default for HandshakeSettings {
    fn default() -> Self {
        HandshakeSettings {
            give_up_s: 21.0,
            half_open_limit: 10,
        }
    }
}

impl HandshakeSettings {
    /// `give_up_s` in nanoseconds (0 when it is not a positive finite number).
    fn give_up_ns(&self) -> i64 {
        if self.give_up_s.is_finite() && self.give_up_s > 0.0 {
            (self.give_up_s * 1e9).min(i64::MAX as f64) as i64
        } else {
            0
        }
    }
}

/// Attempts by outcome, over every attempt of the capture (folded ones included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutcomeCounts {
    /// Answered by SYN-ACK.
    pub established: u64,
    /// Answered by RST.
    pub refused: u64,
    /// Never answered, given up.
    pub unanswered: u64,
    /// Still waiting at the capture end.
    pub open_at_end: u64,
}

impl OutcomeCounts {
    fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Established => self.established += 1,
            Outcome::Refused => self.refused += 1,
            Outcome::Unanswered => self.unanswered += 1,
            Outcome::OpenAtEnd => self.open_at_end += 1,
        }
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
    /// Attempts in order of their first SYN (file order), but for folded crowd senders; kept
    /// compact, each [`Attempt`] is built when iterated.
    pub attempts: Attempts,
    /// Every attempt by outcome (folded ones included).
    pub outcomes: OutcomeCounts,
    /// The crowd's folded senders, when the capture is a crowd ([`super::crowd`]).
    pub crowd: Option<CrowdFold>,
    /// The first packet the tracker could not keep exactly, with why: its frame number is
    /// past 2^32 - 1 (Wireshark's limit too), so it and every later packet are tracked but
    /// their attempts show frame 2^32 - 1; or it opens a new connect attempt after the
    /// capture's 4,294,967,296th, and such attempts are counted in `tcp_syn` only. The caller
    /// reports it with the capture's problems.
    pub untracked: Option<Problem>,
}

/// Feeds TCP packets in capture order; `finish` gives the report.
///
/// While the capture streams, attempts are kept compact (`analysis::slots`: 48 bytes each plus
/// the 4-tuple index); `finish` folds a crowd's senders ([`super::crowd`]) and builds
/// [`Attempt`]s only for the senders kept.
#[derive(Debug, Default)]
pub struct HandshakeTracker {
    settings: HandshakeSettings,
    addrs: Addrs,
    slots: Vec<Slot>,
    retx: Retx,
    by_tuple: TupleIndex,
    counts: PacketCounts,
    /// Packets taken but not yet tracked, in file order, fewer than [`BATCH`].
    pending: Vec<TcpPacket>,
    /// [`HandshakeReport::untracked`].
    untracked: Option<Problem>,
}

/// Packets a [`HandshakeTracker`] tracks together: the 4-tuple index buckets of a batch's SYNs,
/// SYN-ACKs and RSTs are loaded one after another first, so their cache misses overlap instead
/// of following one another, then the packets are tracked in order (issue 17: that load was
/// nine tenths of `push` on a 2,000,000-sender flood). The result is the same as one by one.
const BATCH: usize = 16;

/// What a TCP segment does to connect attempts ([`role`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A SYN without ACK: opens or retransmits an attempt of its own 4-tuple.
    Syn,
    /// A SYN-ACK (`syn_ack`) or an RST: answers the attempt of the reversed 4-tuple.
    Answer { syn_ack: bool },
    /// Anything else.
    Other,
}

/// The [`Role`] of a segment with TCP flag bits `bits` (module docs).
#[inline(always)]
fn role(bits: u8) -> Role {
    let (syn, ack) = (bits & flags::SYN != 0, bits & flags::ACK != 0);
    if syn && !ack {
        Role::Syn
    } else if syn || bits & flags::RST != 0 {
        Role::Answer { syn_ack: syn }
    } else {
        Role::Other
    }
}

/// The packet counters of [`HandshakeReport`].
#[derive(Debug, Default, Clone, Copy)]
struct PacketCounts {
    tcp_syn: u64,
    syn_retransmissions: u64,
    syn_ack: u64,
    rst: u64,
}

impl HandshakeTracker {
    /// A tracker with the give-up time and limit of `settings`.
    pub fn new(settings: HandshakeSettings) -> Self {
        HandshakeTracker {
            settings,
            ..HandshakeTracker::default()
        }
    }

    /// Takes one TCP packet (in file order).
    pub fn push(&mut self, p: &TcpPacket) {
        if p.frame > MAX_SLOT_FRAME {
            self.untrack(
                p,
                "frame numbers past 4,294,967,295 (32 bits, as in Wireshark): from this \
                 frame on, connect attempts and answers are counted and tracked but shown \
                 at frame 4,294,967,295",
            );
        }
        self.pending.push(*p);
        if self.pending.len() >= BATCH {
            self.track_pending();
        }
    }

    /// Notes the first packet not tracked ([`HandshakeReport::untracked`]).
    #[cold]
    fn untrack(&mut self, p: &TcpPacket, why: &str) {
        self.untracked.get_or_insert_with(|| {
            Problem::new(
                Locator::Frame {
                    number: p.frame,
                    byte: p.byte,
                },
                why,
            )
        });
    }

    /// Tracks the pending packets ([`BATCH`]).
    fn track_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for q in &pending {
            self.touch(q);
        }
        for q in &pending {
            self.track(q);
        }
        self.pending = pending;
        self.pending.clear();
    }

    /// Loads the index bucket `p` will probe ([`BATCH`]): a SYN its own 4-tuple, a SYN-ACK or
    /// RST the reversed one (as [`Self::track`] does).
    fn touch(&self, p: &TcpPacket) {
        let tuple = match role(p.seg.flags) {
            Role::Syn => self.known_tuple(p, false),
            Role::Answer { .. } => self.known_tuple(p, true),
            Role::Other => None,
        };
        if let Some(t) = tuple {
            self.by_tuple.touch(t);
        }
    }

    /// The 4-tuple of `p` (sender first), or of its reverse when `reversed` (an answer's SYN
    /// sender first); `None` when an IPv6 address was never seen. Always inlined: as a call,
    /// the batch's bucket loads no longer overlapped and the 2,000,000-source flood took
    /// 0.70 → 1.05 s (`bash benches/flood.sh`, 2026-12-06).
    #[inline(always)]
    fn known_tuple(&self, p: &TcpPacket, reversed: bool) -> Option<Tuple> {
        let s = &p.seg;
        let (from, to, sport, dport) = if reversed {
            (s.dst, s.src, s.dport, s.sport)
        } else {
            (s.src, s.dst, s.sport, s.dport)
        };
        Some(Tuple {
            src: self.addrs.find(from)?,
            dst: self.addrs.find(to)?,
            sport,
            dport,
        })
    }

    /// Tracks one packet, after the packets before it.
    fn track(&mut self, p: &TcpPacket) {
        if p.seg.flags & flags::RST != 0 {
            self.counts.rst += 1;
        }
        match role(p.seg.flags) {
            Role::Syn => {
                self.counts.tcp_syn += 1;
                self.syn(p);
            }
            Role::Answer { syn_ack } => {
                if syn_ack {
                    self.counts.syn_ack += 1;
                }
                self.answer(p, syn_ack);
            }
            Role::Other => {}
        }
    }

    fn syn(&mut self, p: &TcpPacket) {
        let tuple = Tuple {
            src: self.addrs.key(p.seg.src),
            dst: self.addrs.key(p.seg.dst),
            sport: p.seg.sport,
            dport: p.seg.dport,
        };
        let time = p.time.unix_nanos();
        if let Some(i) = self.by_tuple.get(&self.slots, tuple) {
            if let Some(a) = self.slots.get_mut(i as usize) {
                if a.isn == p.seg.seq {
                    if p.seg.seq != u32::MAX {
                        self.counts.syn_retransmissions += 1;
                    }
                    self.retx.push(a, p.time);
                    return;
                }
                if !a.answer.answered() {
                    a.end = time;
                }
            }
        }
        let Ok(ix) = u32::try_from(self.slots.len()) else {
            self.untrack(
                p,
                "4,294,967,296 connect attempts tracked in this capture: \
                 later new attempts are counted as SYNs only",
            );
            return;
        };
        let mut slot = Slot::new(
            tuple.src,
            tuple.dst,
            (tuple.sport, tuple.dport),
            p.seg.seq,
            frame32(p),
        );
        slot.first_syn = time;
        slot.digits = p.time.digits();
        self.slots.push(slot);
        self.by_tuple.set(&self.slots, ix);
    }

    /// A SYN-ACK (`syn`) or RST: it answers the attempt of the reversed 4-tuple.
    fn answer(&mut self, p: &TcpPacket, syn: bool) {
        let Some(tuple) = self.known_tuple(p, true) else {
            return;
        };
        let Some(i) = self.by_tuple.get(&self.slots, tuple) else {
            return;
        };
        if let Some(a) = self.slots.get_mut(i as usize) {
            if a.answer == Answer::None {
                a.end = p.time.unix_nanos();
                a.answer_digits = p.time.digits();
                a.answer_frame = frame32(p);
                a.answer = if syn { Answer::SynAck } else { Answer::Rst };
            }
        }
    }

    /// Closes the analysis at `capture_end` (time of the last packet), applies the half-open
    /// rule of the module docs to every attempt, and folds a crowd ([`super::crowd`]).
    pub fn finish(mut self, capture_end: Option<UtcTime>) -> HandshakeReport {
        self.track_pending();
        // No packet comes after this: the 4-tuple index goes before the sorts below allocate.
        drop(std::mem::take(&mut self.by_tuple));
        let give_up_ns = self.settings.give_up_ns();
        let mut outcomes = OutcomeCounts::default();
        for s in &mut self.slots {
            outcomes.add(settle(s, &self.retx, give_up_ns, capture_end));
        }
        // The slots at their length before the sort allocates (capacity grew by doubling).
        self.slots.shrink_to_fit();
        let mut order = super::sender_order::sender_order(&self.slots);
        let fold = super::crowd::folded(&self.slots, &order, self.settings.half_open_limit);
        let (mask, mut crowd) = match fold {
            Some((mask, senders)) => (
                mask,
                Some(CrowdFold {
                    senders,
                    ..CrowdFold::default()
                }),
            ),
            None => (Vec::new(), None),
        };
        if let Some(c) = &mut crowd {
            for (s, _) in self.slots.iter().zip(&mask).filter(|(_, f)| **f) {
                c.add(s, &self.retx);
            }
            let mut folded = mask.iter();
            self.slots
                .retain(|_| !folded.next().copied().unwrap_or(false));
            self.slots.shrink_to_fit();
            order = super::sender_order::sender_order(&self.slots);
        }
        let attempts = Attempts {
            addrs: self.addrs,
            slots: self.slots,
            retx: self.retx,
            by_sender: order,
        };
        HandshakeReport {
            tcp_syn: self.counts.tcp_syn,
            syn_retransmissions: self.counts.syn_retransmissions,
            syn_ack: self.counts.syn_ack,
            rst: self.counts.rst,
            attempts,
            outcomes,
            crowd,
            untracked: self.untracked,
        }
    }
}

/// The frame number of `p` in the 32 bits a slot keeps: [`MAX_SLOT_FRAME`] for a later one
/// ([`HandshakeTracker::push`] reports the first of those).
fn frame32(p: &TcpPacket) -> u32 {
    u32::try_from(p.frame).unwrap_or(u32::MAX)
}

/// Ends the half-open interval of `s` (module docs: the answer; else the give-up time, the
/// last SYN or the superseding attempt's first SYN; cut at the capture end) and gives its
/// outcome. Afterwards `s.end`/`s.answer_digits` hold the end.
fn settle(s: &mut Slot, retx: &Retx, give_up_ns: i64, capture_end: Option<UtcTime>) -> Outcome {
    if s.answer.answered() {
        // `end` already holds the answer's time (`Slot::end`).
        return outcome_of(s.answer);
    }
    let first = s.first_syn_time();
    let mut gives_up = first
        .plus_nanos(give_up_ns)
        .max(retx.last(s).unwrap_or(first));
    if s.end != NO_TIME {
        gives_up = gives_up.min(UtcTime::from_unix_nanos(s.end, s.digits));
    }
    let (answer, end) = match capture_end {
        Some(end) if end < gives_up => (Answer::OpenAtEnd, end.max(first)),
        _ => (Answer::GaveUp, gives_up),
    };
    s.answer = answer;
    s.end = end.unix_nanos();
    s.answer_digits = end.digits();
    outcome_of(answer)
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
    fn frames_past_32_bits_are_tracked_and_reported() {
        // Slots keep 32-bit frame numbers: the last one fits exactly; the packets after it (a
        // second attempt's SYN and its retransmission) are still counted and tracked, shown at
        // the last frame, and reported once, at the first of them.
        let last = MAX_SLOT_FRAME;
        let other = |frame, secs, fl| {
            test_packets::tcp(frame, t(secs), "10.0.0.1:2000", "10.0.0.2:80", true, fl, 9)
        };
        let pkts = [
            pkt(last - 1, 0.0, true, SYN, 100),
            pkt(last, 0.1, false, SYNACK, 500),
            other(last + 1, 0.2, SYN),
            other(last + 2, 0.3, SYN),
        ];
        let r = run(&pkts, 1.0);
        assert_eq!((r.tcp_syn, r.syn_retransmissions, r.syn_ack), (3, 1, 1));
        let frames: Vec<_> = r
            .attempts
            .iter()
            .map(|a| (a.frame, a.answer_frame))
            .collect();
        assert_eq!(frames, [(last - 1, Some(last)), (last, None)]);
        let p = r.untracked.expect("the frames past 32 bits are reported");
        assert_eq!(
            p.locator,
            Locator::Frame {
                number: last + 1,
                byte: 0
            }
        );
        assert!(
            p.reason.contains("shown at frame 4,294,967,295"),
            "{}",
            p.reason
        );
        assert_eq!(run(&pkts[..2], 1.0).untracked, None);
    }

    #[test]
    fn packets_are_tracked_in_file_order_across_batches() {
        // 20 connects (ports 2000..2020), each a SYN, its retransmission and then a SYN-ACK or
        // (every 4th) an RST, back to back: 60 packets, so some attempts straddle a batch
        // boundary and every answer is in the batch of its SYN or the next one.
        let mut pkts = Vec::new();
        for (k, frame) in (0..20u16).zip((1u64..).step_by(3)) {
            let c = format!("10.0.0.1:{}", 2000 + k);
            let at = f64::from(k);
            let answer = if k % 4 == 0 { RSTACK } else { SYNACK };
            for (i, (secs, from_client, fl)) in [
                (at, true, SYN),
                (at + 0.5, true, SYN),
                (at + 0.6, false, answer),
            ]
            .into_iter()
            .enumerate()
            {
                let p = test_packets::tcp(
                    frame + i as u64,
                    t(secs),
                    &c,
                    "10.0.0.2:80",
                    from_client,
                    fl,
                    7,
                );
                pkts.push(p);
            }
        }
        assert!(pkts.len() > 3 * BATCH);
        let r = run(&pkts, 30.0);
        assert_eq!(
            (r.tcp_syn, r.syn_retransmissions, r.syn_ack, r.rst),
            (40, 20, 15, 5)
        );
        assert_eq!((r.outcomes.established, r.outcomes.refused), (15, 5));
        let first = r.attempts.get(0).unwrap();
        assert_eq!(
            (first.sport, first.frame, first.answer_frame),
            (2000, 1, Some(3))
        );
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
        let a = &r.attempts.get(0).unwrap();
        assert_eq!(a.outcome, Outcome::Unanswered);
        assert_eq!(a.half_open_until, t(21.0));
        assert_eq!(a.retry_pattern(), vec![3.0, 6.0]);
    }

    #[test]
    fn capture_ending_before_give_up_leaves_the_attempt_open_at_end() {
        let r = run(&[pkt(1, 0.0, true, SYN, 5), pkt(2, 3.0, true, SYN, 5)], 4.0);
        assert_eq!(r.attempts.get(0).unwrap().outcome, Outcome::OpenAtEnd);
        assert_eq!(r.attempts.get(0).unwrap().half_open_until, t(4.0));
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
        let a = &r.attempts.get(0).unwrap();
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
            (
                r.attempts.get(0).unwrap().outcome,
                r.attempts.get(0).unwrap().half_open_until
            ),
            (Outcome::Unanswered, t(2.0))
        );
        assert_eq!(
            (
                r.attempts.get(1).unwrap().outcome,
                r.attempts.get(1).unwrap().half_open_until
            ),
            (Outcome::Established, t(2.1))
        );
    }

    #[test]
    fn an_answered_attempt_keeps_its_answer_time_when_a_new_isn_follows() {
        // The answer time and the superseding SYN share `Slot::end`: the later SYN must not
        // overwrite the answer.
        let r = run(
            &[
                pkt(1, 0.0, true, SYN, 5),
                pkt(2, 0.1, false, SYNACK, 7),
                pkt(3, 2.0, true, SYN, 99),
            ],
            40.0,
        );
        let a = r.attempts.get(0).unwrap();
        assert_eq!(
            (a.outcome, a.answered_at, a.half_open_until, a.answer_frame),
            (Outcome::Established, Some(t(0.1)), t(0.1), Some(2))
        );
        assert_eq!(r.attempts.get(1).unwrap().outcome, Outcome::Unanswered);
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
        assert_eq!(r.attempts.get(0).unwrap().outcome, Outcome::Unanswered);
    }

    #[test]
    fn retransmissions_after_give_up_time_extend_the_interval_to_the_last_syn() {
        let r = run(
            &[pkt(1, 0.0, true, SYN, 5), pkt(2, 25.0, true, SYN, 5)],
            60.0,
        );
        assert_eq!(r.attempts.get(0).unwrap().half_open_until, t(25.0));
    }
}
