//! Connect attempts in their public form ([`Attempt`], [`Outcome`]) and the attempts of one
//! capture as [`super::handshake::HandshakeTracker::finish`] leaves them ([`Attempts`]: compact
//! slots, `analysis::slots`, each [`Attempt`] built when asked for). The rules that decide an
//! attempt's outcome and half-open interval are in [`super::handshake`]'s module docs.

use super::sender_order::SenderOrder;
use super::slots::{Addrs, Answer, Retx, Slot};
use crate::model::UtcTime;
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

/// The connect attempts of one capture, compact (`analysis::slots`); [`Attempts::iter`] builds
/// each [`Attempt`] as it goes, so a capture's attempts are never all held in their public
/// form at once.
#[derive(Debug, Clone, Default)]
pub struct Attempts {
    pub(super) addrs: Addrs,
    pub(super) slots: Vec<Slot>,
    pub(super) retx: Retx,
    /// `slots` in [`super::sender_order::sender_order`], each sender's run marked (computed
    /// on the slots kept after a crowd fold).
    pub(super) by_sender: SenderOrder,
}

impl PartialEq for Attempts {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Attempts {
    /// How many.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The `i`-th attempt (file order of first SYNs).
    pub fn get(&self, i: usize) -> Option<Attempt> {
        self.slots.get(i).map(|s| self.attempt(s))
    }

    /// Every attempt, in order.
    pub fn iter(&self) -> impl Iterator<Item = Attempt> + '_ {
        self.slots.iter().map(|s| self.attempt(s))
    }

    /// Every attempt in its public form (tests and small captures).
    pub fn to_vec(&self) -> Vec<Attempt> {
        self.iter().collect()
    }

    /// The half-open intervals grouped by sender: per sender (any order) its address and its
    /// (first SYN, end of half-open) pairs in first-SYN order. Lazy, one sender at a time: the
    /// intervals of all 2,000,000 attempts of a flood at once were 104 MB (issue 17 §2).
    pub(crate) fn intervals_by_sender(
        &self,
    ) -> impl Iterator<Item = (IpAddr, Vec<(UtcTime, UtcTime)>)> + '_ {
        self.by_sender.runs().filter_map(|group| {
            let first = self.slots.get(*group.first()? as usize)?;
            let spans = group
                .iter()
                .filter_map(|i| self.slots.get(*i as usize))
                .map(|s| {
                    let end = UtcTime::from_unix_nanos(s.end, s.answer_digits);
                    (s.first_syn_time(), end)
                })
                .collect();
            Some((self.addrs.ip(first.src()), spans))
        })
    }

    /// The public form of a settled slot.
    fn attempt(&self, s: &Slot) -> Attempt {
        let answered = s
            .answer
            .answered()
            .then(|| UtcTime::from_unix_nanos(s.end, s.answer_digits));
        Attempt {
            src: self.addrs.ip(s.src()),
            sport: s.sport,
            dst: self.addrs.ip(s.dst()),
            dport: s.dport,
            isn: s.isn,
            frame: u64::from(s.frame),
            first_syn: s.first_syn_time(),
            retransmissions: self.retx.times(s),
            outcome: outcome_of(s.answer),
            answered_at: answered,
            half_open_until: UtcTime::from_unix_nanos(s.end, s.answer_digits),
            answer_frame: answered.map(|_| u64::from(s.answer_frame)),
        }
    }
}

/// The public outcome of a settled slot's answer.
pub(super) fn outcome_of(a: Answer) -> Outcome {
    match a {
        Answer::SynAck => Outcome::Established,
        Answer::Rst => Outcome::Refused,
        Answer::OpenAtEnd => Outcome::OpenAtEnd,
        Answer::None | Answer::GaveUp => Outcome::Unanswered,
    }
}
