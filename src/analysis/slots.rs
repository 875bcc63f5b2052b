//! The compact store of connect attempts while a capture streams (issues 17 §2 and 18 §2).
//!
//! A SYN flood holds millions of attempts outstanding at once (2,000,000 SYNs in 20 s, none
//! answered, all inside the 21 s give-up time), so the state per outstanding attempt is what
//! bounds memory. Here it is one [`Slot`] of 48 bytes plus 16 to 32 bytes of [`TupleIndex`]
//! (8-byte buckets, a quarter to half full):
//! - addresses are [`Addr`] keys (IPv4 inline, IPv6 interned once per capture), 4 bytes and
//!   a flag bit each in a slot;
//! - frame numbers are 32-bit, as Wireshark's are ([`MAX_SLOT_FRAME`]);
//! - times are nanoseconds since the Unix epoch (UTC, capture clock) with the precision kept
//!   in one byte;
//! - SYN retransmission times live in one shared list of [`RetxNode`]s linked backwards from
//!   the attempt (most attempts have none, a Windows XP–7 sender two);
//! - the 4-tuple → latest attempt map is an open-addressing table of `u32` slot numbers whose
//!   keys are read from the slots themselves (no key is stored twice).
//!
//! [`super::handshake::HandshakeTracker`] turns slots into public
//! [`super::handshake::Attempt`]s only for the senders that are kept (see [`super::crowd`]).

use crate::model::UtcTime;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};

/// "No time" in an `i64` nanosecond field.
pub(crate) const NO_TIME: i64 = i64::MIN;
/// The last frame number a slot holds exactly: 2^32 - 1, the last one Wireshark numbers too
/// (its frame numbers are 32-bit). A slot keeps its frames in 4 bytes each; the tracker still
/// tracks the packets past this, shows their frame as this one and reports the first of them
/// as a problem ([`super::handshake::HandshakeReport::untracked`]).
pub(crate) const MAX_SLOT_FRAME: u64 = u32::MAX as u64;
/// "No node" in a `u32` link.
const NO_NODE: u32 = u32::MAX;

/// The bits of a [`TupleIndex`] bucket that hold its tag.
const TAG_BITS: u64 = 0xffff_ffff_0000_0000;

/// An IP address in 8 bytes: an IPv4 address is its 32 bits; an IPv6 address is `1 << 32`
/// plus its index in the capture's [`Addrs`] table. Equal addresses have equal keys within one
/// capture; the order (IPv4 by value, then IPv6 by first appearance) only groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Addr(pub(super) u64);

/// The bit that marks an interned IPv6 address in an [`Addr`].
pub(super) const V6_FLAG: u64 = 1 << 32;

/// The IPv6 addresses of one capture, interned.
#[derive(Debug, Clone, Default)]
pub(crate) struct Addrs {
    v6: Vec<Ipv6Addr>,
    v6_index: HashMap<Ipv6Addr, u32>,
}

impl Addrs {
    /// The key of `ip`, interning it if it is a new IPv6 address.
    pub(crate) fn key(&mut self, ip: IpAddr) -> Addr {
        match ip {
            IpAddr::V4(v4) => Addr(u64::from(u32::from(v4))),
            IpAddr::V6(v6) => {
                let next = u32::try_from(self.v6.len()).unwrap_or(u32::MAX);
                let ix = *self.v6_index.entry(v6).or_insert_with(|| {
                    self.v6.push(v6);
                    next
                });
                Addr(V6_FLAG | u64::from(ix))
            }
        }
    }

    /// The key of `ip` if it has one already (an IPv6 address never seen has none).
    pub(crate) fn find(&self, ip: IpAddr) -> Option<Addr> {
        match ip {
            IpAddr::V4(v4) => Some(Addr(u64::from(u32::from(v4)))),
            IpAddr::V6(v6) => self
                .v6_index
                .get(&v6)
                .map(|&ix| Addr(V6_FLAG | u64::from(ix))),
        }
    }

    /// The address of key `a` (`::` for a key this table did not give, which cannot happen).
    pub(crate) fn ip(&self, a: Addr) -> IpAddr {
        if a.0 & V6_FLAG == 0 {
            IpAddr::V4((a.0 as u32).into())
        } else {
            let ix = (a.0 & !V6_FLAG) as usize;
            IpAddr::V6(self.v6.get(ix).copied().unwrap_or(Ipv6Addr::UNSPECIFIED))
        }
    }
}

/// How an attempt was answered, as far as the packets tell; the last two are set when the
/// capture ends ([`super::handshake::HandshakeTracker::finish`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// No SYN-ACK or RST from the peer (yet).
    None,
    /// A SYN-ACK came back.
    SynAck,
    /// A RST came back first.
    Rst,
    /// Never answered; the sender gave up before the capture ended.
    GaveUp,
    /// Never answered; the capture ended before the give-up time.
    OpenAtEnd,
}

impl Answer {
    /// True for a SYN-ACK or RST.
    pub(crate) fn answered(self) -> bool {
        matches!(self, Answer::SynAck | Answer::Rst)
    }
}

/// One connect attempt, compact: a 4-tuple + ISN and what happened to it (times in ns since
/// the Unix epoch, UTC, capture clock; [`NO_TIME`] when absent).
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    /// The SYN sender's [`Addr`] without its IPv6 bit (that is in `v6`): see [`Slot::src`].
    src: u32,
    /// The destination's, likewise: see [`Slot::dst`].
    dst: u32,
    /// The SYN sender's port.
    pub sport: u16,
    /// The destination port.
    pub dport: u16,
    /// Initial sequence number.
    pub isn: u32,
    /// Frame number of the first SYN (at most [`MAX_SLOT_FRAME`]).
    pub frame: u32,
    /// First SYN.
    pub first_syn: i64,
    /// Frame of the answer (meaningful once `answer` is a SYN-ACK or RST).
    pub answer_frame: u32,
    /// One field for three times that never matter at once (8 bytes of every attempt): once
    /// `answer` is a SYN-ACK or RST, the time of that answer; before, the first SYN of the
    /// attempt that superseded this one on its 4-tuple ([`NO_TIME`] if none); after
    /// [`super::handshake::HandshakeTracker::finish`], the end of the half-open interval (the
    /// answer time for an answered attempt).
    pub end: i64,
    /// The last of this attempt's SYN retransmissions in [`Retx`], or none.
    last_retx: u32,
    /// Fraction digits of `first_syn`.
    pub digits: u8,
    /// Fraction digits of `end` when it is an answer time, and after `finish`.
    pub answer_digits: u8,
    /// The answer.
    pub answer: Answer,
    /// [`V6_FLAG`] of the sender (bit 0) and of the destination (bit 1): an [`Addr`] takes 33
    /// bits, two of them would make the slot 8 bytes longer.
    v6: u8,
}

impl Slot {
    /// A new attempt from its first SYN.
    pub(crate) fn new(src: Addr, dst: Addr, ports: (u16, u16), isn: u32, frame: u32) -> Slot {
        // Keys from `Addrs::key` are below 2^33.
        debug_assert!(src.0 < 1 << 33 && dst.0 < 1 << 33, "not an Addrs key");
        let v6 = |a: Addr, bit: u8| if a.0 & V6_FLAG != 0 { bit } else { 0 };
        Slot {
            src: a_bits(src),
            dst: a_bits(dst),
            v6: v6(src, 1) | v6(dst, 2),
            sport: ports.0,
            dport: ports.1,
            isn,
            frame,
            first_syn: NO_TIME,
            answer_frame: 0,
            end: NO_TIME,
            last_retx: NO_NODE,
            digits: 0,
            answer_digits: 0,
            answer: Answer::None,
        }
    }

    /// The SYN sender.
    pub(crate) fn src(&self) -> Addr {
        Addr(u64::from(self.src) | if self.v6 & 1 != 0 { V6_FLAG } else { 0 })
    }

    /// The destination.
    pub(crate) fn dst(&self) -> Addr {
        Addr(u64::from(self.dst) | if self.v6 & 2 != 0 { V6_FLAG } else { 0 })
    }

    /// Its first SYN time.
    pub(crate) fn first_syn_time(&self) -> UtcTime {
        UtcTime::from_unix_nanos(self.first_syn, self.digits)
    }
}

/// The low 32 bits of `a`: an IPv4 address or an IPv6 address's interned index.
fn a_bits(a: Addr) -> u32 {
    (a.0 & u64::from(u32::MAX)) as u32
}

/// One SYN retransmission time, linked to the attempt's previous one.
#[derive(Debug, Clone, Copy)]
struct RetxNode {
    nanos: i64,
    prev: u32,
    digits: u8,
}

/// The SYN retransmission times of every attempt of one capture, in one list.
#[derive(Debug, Clone, Default)]
pub(crate) struct Retx {
    nodes: Vec<RetxNode>,
}

impl Retx {
    /// Appends `t` to `slot`'s retransmissions.
    pub(crate) fn push(&mut self, slot: &mut Slot, t: UtcTime) {
        let ix = u32::try_from(self.nodes.len()).unwrap_or(NO_NODE);
        if ix == NO_NODE {
            // More than 4 billion retransmissions in one capture (64 GiB of list): the rest
            // are counted by the tracker but not timed.
            return;
        }
        self.nodes.push(RetxNode {
            nanos: t.unix_nanos(),
            prev: slot.last_retx,
            digits: t.digits(),
        });
        slot.last_retx = ix;
    }

    /// The last retransmission of `slot`, if any.
    pub(crate) fn last(&self, slot: &Slot) -> Option<UtcTime> {
        let n = self.nodes.get(slot.last_retx as usize)?;
        Some(UtcTime::from_unix_nanos(n.nanos, n.digits))
    }

    /// The retransmission times of `slot`, oldest first.
    pub(crate) fn times(&self, slot: &Slot) -> Vec<UtcTime> {
        let mut out = Vec::new();
        let mut at = slot.last_retx;
        while let Some(n) = self.nodes.get(at as usize) {
            out.push(UtcTime::from_unix_nanos(n.nanos, n.digits));
            at = n.prev;
        }
        out.reverse();
        out
    }
}

/// The 4-tuple (src, dst, sport, dport) of a SYN's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tuple {
    /// SYN sender.
    pub src: Addr,
    /// Destination.
    pub dst: Addr,
    /// Sender's port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
}

impl Tuple {
    fn of(s: &Slot) -> Tuple {
        Tuple {
            src: s.src(),
            dst: s.dst(),
            sport: s.sport,
            dport: s.dport,
        }
    }

    /// FxHash-style mixing (rustc's): cheap, and collisions only cost a longer probe.
    fn hash(self) -> u64 {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mix = |h: u64, v: u64| (h.rotate_left(5) ^ v).wrapping_mul(K);
        let ports = (u64::from(self.sport) << 16) | u64::from(self.dport);
        mix(mix(mix(0, self.src.0), self.dst.0), ports)
    }
}

/// Open-addressing map from a 4-tuple to its latest attempt's slot number, keys read from the
/// slots (linear probing, at most half full, never shrinks: attempts are not removed). Each
/// bucket also holds the top 32 bits of its tuple's hash, so a probe reads a slot (a cache miss
/// in a large capture) only when those match (issue 17: probing was half of a 2,000,000-sender
/// run), and growing places each entry again from those bits without reading its slot (up to
/// 2^32 buckets; reading the slots was a tenth of that run).
#[derive(Debug)]
pub(crate) struct TupleIndex {
    /// `tag << 32 | slot number` (tag: the top 32 bits of the tuple's hash); [`EMPTY`] when
    /// free.
    buckets: Vec<u64>,
    len: usize,
}

/// A free bucket (slot number [`NO_NODE`]).
const EMPTY: u64 = u64::MAX;

impl Default for TupleIndex {
    fn default() -> Self {
        TupleIndex {
            buckets: vec![EMPTY; 1024],
            len: 0,
        }
    }
}

impl TupleIndex {
    fn mask(&self) -> usize {
        self.buckets.len() - 1
    }

    /// The home bucket of hash `h`: its top bits (Fibonacci hashing; the low bits of a
    /// multiplicative hash depend only on the low bits of the key).
    fn home(&self, h: u64) -> usize {
        let bits = self.buckets.len().trailing_zeros();
        (h >> (64 - bits)) as usize
    }

    /// The bucket holding `t` (hash `h`), or the empty bucket where it would go.
    fn probe(&self, slots: &[Slot], t: Tuple, h: u64) -> usize {
        let mask = self.mask();
        let tag = h >> 32;
        let mut b = self.home(h);
        loop {
            match self.buckets.get(b).copied() {
                Some(EMPTY) | None => return b,
                Some(cell) => {
                    if cell >> 32 == tag
                        && slots
                            .get((cell & 0xffff_ffff) as usize)
                            .is_some_and(|s| Tuple::of(s) == t)
                    {
                        return b;
                    }
                }
            }
            b = (b + 1) & mask;
        }
    }

    /// Loads `t`'s home bucket, so that a probe for `t` soon after finds it in the cache
    /// (`HandshakeTracker` batches).
    pub(crate) fn touch(&self, t: Tuple) {
        std::hint::black_box(self.buckets.get(self.home(t.hash())).copied());
    }

    /// The slot number of `t`'s latest attempt.
    pub(crate) fn get(&self, slots: &[Slot], t: Tuple) -> Option<u32> {
        let b = self.probe(slots, t, t.hash());
        self.buckets
            .get(b)
            .copied()
            .filter(|&c| c != EMPTY)
            .map(|c| (c & 0xffff_ffff) as u32)
    }

    /// Makes slot `ix` (already in `slots`) the latest attempt of its 4-tuple.
    pub(crate) fn set(&mut self, slots: &[Slot], ix: u32) {
        let Some(t) = slots.get(ix as usize).map(Tuple::of) else {
            return;
        };
        if (self.len + 1) * 2 > self.buckets.len() {
            self.grow(slots);
        }
        let h = t.hash();
        let b = self.probe(slots, t, h);
        if let Some(cell) = self.buckets.get_mut(b) {
            if *cell == EMPTY {
                self.len += 1;
            }
            *cell = (h & TAG_BITS) | u64::from(ix);
        }
    }

    /// Doubles the table, placing each entry again by its tuple's hash.
    fn grow(&mut self, slots: &[Slot]) {
        let doubled = vec![EMPTY; self.buckets.len() * 2];
        let old = std::mem::replace(&mut self.buckets, doubled);
        let mask = self.mask();
        // The home bucket is the top bits of the hash: the tag holds them up to 2^32 buckets.
        let tag_is_enough = self.buckets.len().trailing_zeros() <= 32;
        for cell in old.into_iter().filter(|&c| c != EMPTY) {
            let h = if tag_is_enough {
                cell & TAG_BITS
            } else {
                match slots.get((cell & 0xffff_ffff) as usize) {
                    Some(s) => Tuple::of(s).hash(),
                    None => continue,
                }
            };
            let mut b = self.home(h);
            while self.buckets.get(b).is_some_and(|&c| c != EMPTY) {
                b = (b + 1) & mask;
            }
            if let Some(c) = self.buckets.get_mut(b) {
                *c = cell;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip_and_ipv6_is_interned_once() {
        let mut a = Addrs::default();
        let v4: IpAddr = "10.1.1.10".parse().unwrap();
        let v6: IpAddr = "fe80::1".parse().unwrap();
        let (k4, k6) = (a.key(v4), a.key(v6));
        assert_eq!((a.ip(k4), a.ip(k6)), (v4, v6));
        assert_eq!(a.key(v6), k6);
        assert_eq!(a.find("fe80::2".parse().unwrap()), None);
        assert_eq!(a.v6.len(), 1);
        // The module docs' figure: a flood's memory is this times its attempts.
        assert_eq!(std::mem::size_of::<Slot>(), 48);
    }

    #[test]
    fn the_index_finds_the_latest_attempt_of_a_tuple_across_growth() {
        let mut slots = Vec::new();
        let mut index = TupleIndex::default();
        for i in 0..5000u32 {
            slots.push(Slot::new(Addr(u64::from(i)), Addr(7), (1000, 445), i, 1));
            index.set(&slots, i);
        }
        // Tuple 42 again with a new ISN: the index moves to the new slot.
        slots.push(Slot::new(Addr(42), Addr(7), (1000, 445), 9, 2));
        index.set(&slots, 5000);
        let t = |src| Tuple {
            src: Addr(src),
            dst: Addr(7),
            sport: 1000,
            dport: 445,
        };
        assert_eq!(index.get(&slots, t(42)), Some(5000));
        assert_eq!(index.get(&slots, t(4999)), Some(4999));
        assert_eq!(index.get(&slots, t(5001)), None);
        assert_eq!(index.len, 5000);
        assert_eq!(index.buckets.len(), 16384);
    }

    #[test]
    fn a_slot_gives_back_its_ipv4_and_ipv6_addresses() {
        let mut a = Addrs::default();
        let v6 = a.key("fe80::1".parse().unwrap());
        let v4 = a.key("255.255.255.255".parse().unwrap());
        let s = Slot::new(v6, v4, (1, 2), 0, 1);
        assert_eq!((s.src(), s.dst()), (v6, v4));
        let s = Slot::new(v4, v6, (1, 2), 0, 1);
        assert_eq!((s.src(), s.dst()), (v4, v6));
        assert_eq!(a.ip(s.dst()), "fe80::1".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn retransmissions_come_back_in_order_per_attempt() {
        let mut r = Retx::default();
        let mut a = Slot::new(Addr(1), Addr(2), (1, 2), 0, 1);
        let mut b = Slot::new(Addr(3), Addr(2), (1, 2), 0, 2);
        let t = |s: i64| UtcTime::from_unix_nanos(s * 1_000_000_000, 6);
        r.push(&mut a, t(3));
        r.push(&mut b, t(4));
        r.push(&mut a, t(9));
        assert_eq!(r.times(&a), [t(3), t(9)]);
        assert_eq!(r.times(&b), [t(4)]);
        assert_eq!(r.last(&a), Some(t(9)));
        assert_eq!(r.last(&Slot::new(Addr(5), Addr(2), (1, 2), 0, 3)), None);
    }
}
