//! The order of a capture's connect attempts by sender: each sender's attempts together,
//! oldest first, ties in capture order ([`sender_order`]). The half-open sweep
//! ([`super::attempts::Attempts`]) and the crowd fold ([`super::crowd`]) walk the attempts in
//! it; [`super::handshake::HandshakeTracker::finish`] computes it once per capture.

use super::slots::{Addr, NO_TIME, Slot};

/// Senders beyond which [`sender_order`] sorts keys instead of counting: the sender map then
/// stays small enough for the caches (1 MiB). A scan from 2,000,000 sources counted by sender
/// took a 68 MB map and was slower than the keyed sort (issue 17: 0.55 → 0.76 s, 196 → 268 MB).
const MAX_COUNTED_SENDERS: usize = 1 << 16;

/// The indexes of `slots` in (sender, first SYN, index) order: each sender's attempts together,
/// oldest first, ties in capture order.
///
/// With up to [`MAX_COUNTED_SENDERS`] senders (the usual capture, and a flood from few hosts)
/// this is linear but for the senders themselves (issue 17 §5): a counting sort by sender keeps
/// capture order inside each sender, and a sender's run is then sorted by first SYN only where
/// the capture was not in time order (a stable sort, so ties stay in capture order). With more
/// senders it is one sort of (sender, first SYN, index) keys, the keys themselves and not indexes
/// through a lookup (an indirect sort of 2,000,000 slots was a quarter of a flood's run); of
/// (sender, index) keys in 8 bytes when the capture is in time order ([`time_ordered_order`]).
pub(crate) fn sender_order(slots: &[Slot]) -> SenderOrder {
    match sender_groups(slots) {
        Some((group, senders)) => counted_order(slots, group, senders),
        None => time_ordered_order(slots)
            .or_else(|| packed_order(slots))
            .unwrap_or_else(|| keyed_order(slots)),
    }
}

/// The keyed sort of [`sender_order`] for slots already in first-SYN order (a capture whose
/// clock never steps back, the usual case): then (sender, index) order is (sender, first SYN,
/// index) order, and the key packs into a `u64`: the [`Addr`] bits (below 2^33) above the slot
/// index (below 2^31). Half the bytes of [`packed_order`]'s keys (a 2,000,000-source flood's
/// sort took 32 MB of keys beside 96 MB of slots, its peak). `None` when the slots are not in
/// time order or are 2^31 or more.
fn time_ordered_order(slots: &[Slot]) -> Option<SenderOrder> {
    if slots.len() >= 1 << 31 || !slots.is_sorted_by_key(|s| s.first_syn) {
        return None;
    }
    let mut keys: Vec<u64> = (0u64..)
        .zip(slots)
        .map(|(i, s)| s.src().0 << 31 | i)
        .collect();
    keys.sort_unstable();
    let mut order = SenderOrder::with_capacity(keys.len());
    let mut last = None;
    for k in keys {
        let sender = k >> 31;
        order.push((k & ((1 << 31) - 1)) as u32, last != Some(sender));
        last = Some(sender);
    }
    Some(order)
}

/// A capture's slot numbers in [`sender_order`], with the start of each sender's run marked:
/// the runs come without reading a slot (issue 17: finding them from the slots' senders read
/// every slot again in sender order, a cache miss each, a tenth of a 200-sender flood's run).
/// Costs 4 bytes and 1 bit per attempt.
#[derive(Debug, Clone, Default)]
pub(crate) struct SenderOrder {
    /// Slot numbers, each sender's together, oldest first.
    order: Vec<u32>,
    /// Bit `k % 64` of word `k / 64` is set when `order[k]` is its sender's first.
    starts: Vec<u64>,
}

impl SenderOrder {
    /// Room for `n` slot numbers.
    fn with_capacity(n: usize) -> SenderOrder {
        SenderOrder {
            order: Vec::with_capacity(n),
            starts: vec![0; n.div_ceil(64)],
        }
    }

    /// Appends slot number `i`, the first of a new sender's run when `new_sender`.
    fn push(&mut self, i: u32, new_sender: bool) {
        if new_sender {
            self.mark(self.order.len());
        }
        self.order.push(i);
    }

    /// Marks position `k` as the start of a run.
    fn mark(&mut self, k: usize) {
        if let Some(w) = self.starts.get_mut(k / 64) {
            *w |= 1 << (k % 64);
        }
    }

    /// The slot numbers in order.
    #[cfg(test)]
    fn as_slice(&self) -> &[u32] {
        &self.order
    }

    /// The number of senders.
    pub(crate) fn senders(&self) -> usize {
        self.starts.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Per sender its slot numbers, oldest first, senders by address.
    pub(crate) fn runs(&self) -> impl Iterator<Item = &[u32]> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            let end = self.next_start(at + 1);
            let run = self.order.get(at..end).filter(|r| !r.is_empty())?;
            at = end;
            Some(run)
        })
    }

    /// The first run start at or after position `from`, else the length.
    fn next_start(&self, from: usize) -> usize {
        let len = self.order.len();
        let mut w = from / 64;
        let Some(&first) = self.starts.get(w) else {
            return len;
        };
        let mut bits = first & (u64::MAX << (from % 64));
        while bits == 0 {
            w += 1;
            match self.starts.get(w) {
                Some(&b) => bits = b,
                None => return len,
            }
        }
        (w * 64 + bits.trailing_zeros() as usize).min(len)
    }
}

/// The keyed sort of [`sender_order`] with each (sender, first SYN, index) key packed into one
/// `u128`: the [`Addr`] bits (below 2^33) at the top, the first SYN's nanoseconds after the
/// capture's earliest (below 2^63) in the middle, the slot index in the low 32 bits. The packed
/// keys sort exactly as the tuples do, in 16 bytes instead of 24 (a 2,000,000-source flood's
/// sort took 48 MB beside 144 MB of slots, its peak). `None` when a key does not fit: first
/// SYNs 2^63 ns (292 years) or more apart. Slot numbers are `u32` (the tracker stops making
/// slots at 2^32) and addresses below 2^33 ([`Slot::src`]).
fn packed_order(slots: &[Slot]) -> Option<SenderOrder> {
    let earliest = slots.iter().map(|s| s.first_syn).min().unwrap_or(0);
    let mut keys: Vec<u128> = Vec::with_capacity(slots.len());
    for (s, i) in slots.iter().zip(0u32..) {
        let since = u64::try_from(i128::from(s.first_syn) - i128::from(earliest)).ok()?;
        if since >= 1 << 63 {
            return None;
        }
        keys.push(u128::from(s.src().0) << 95 | u128::from(since) << 32 | u128::from(i));
    }
    keys.sort_unstable();
    let mut order = SenderOrder::with_capacity(keys.len());
    let mut last = None;
    for k in keys {
        let sender = k >> 95;
        order.push(k as u32, last != Some(sender));
        last = Some(sender);
    }
    Some(order)
}

/// The keyed sort of [`sender_order`] with (sender, first SYN, index) tuples: any slots.
fn keyed_order(slots: &[Slot]) -> SenderOrder {
    let mut keyed: Vec<(Addr, i64, u32)> = slots
        .iter()
        .zip(0u32..)
        .map(|(s, i)| (s.src(), s.first_syn, i))
        .collect();
    keyed.sort_unstable();
    let mut order = SenderOrder::with_capacity(keyed.len());
    let mut last = None;
    for (sender, _, i) in keyed {
        order.push(i, last != Some(sender));
        last = Some(sender);
    }
    order
}

/// Per slot its sender's rank by address, and the number of senders; `None` beyond
/// [`MAX_COUNTED_SENDERS`] senders.
fn sender_groups(slots: &[Slot]) -> Option<(Vec<u32>, usize)> {
    let mut rank: foldhash::HashMap<Addr, u32> = foldhash::HashMap::default();
    let mut last: Option<(Addr, u32)> = None;
    // Per slot the sender's first-appearance number, then (below) its rank by address.
    let mut group: Vec<u32> = Vec::with_capacity(slots.len());
    for src in slots.iter().map(Slot::src) {
        let g = match last {
            Some((a, g)) if a == src => g,
            _ => {
                let next = u32::try_from(rank.len()).ok()?;
                let g = *rank.entry(src).or_insert(next);
                if rank.len() > MAX_COUNTED_SENDERS {
                    return None;
                }
                last = Some((src, g));
                g
            }
        };
        group.push(g);
    }
    let mut senders: Vec<(Addr, u32)> = rank.into_iter().collect();
    senders.sort_unstable();
    // First-appearance number → rank by address.
    let mut by_rank = vec![0u32; senders.len()];
    for (r, (_, g)) in (0u32..).zip(&senders) {
        if let Some(slot) = by_rank.get_mut(*g as usize) {
            *slot = r;
        }
    }
    for g in &mut group {
        *g = by_rank.get(*g as usize).copied().unwrap_or(0);
    }
    Some((group, senders.len()))
}

/// The counting sort of [`sender_order`]: `group` holds each slot's sender rank (< `senders`).
fn counted_order(slots: &[Slot], group: Vec<u32>, senders: usize) -> SenderOrder {
    // Each rank's start in the output.
    let mut start = vec![0usize; senders + 1];
    for g in &group {
        if let Some(n) = start.get_mut(*g as usize + 1) {
            *n += 1;
        }
    }
    for r in 1..start.len() {
        start[r] += start[r - 1];
    }
    let mut order = vec![0u32; slots.len()];
    let mut next = start.clone();
    // Per rank the latest first SYN so far and whether its run is in time order, found in
    // this sequential pass: checking the runs afterwards read every slot again in sender
    // order, a cache miss each (issue 17).
    let mut latest = vec![(NO_TIME, true); senders];
    for ((i, g), s) in (0u32..).zip(&group).zip(slots) {
        if let Some(at) = next.get_mut(*g as usize) {
            if let Some(o) = order.get_mut(*at) {
                *o = i;
            }
            *at += 1;
        }
        if let Some((t, in_order)) = latest.get_mut(*g as usize) {
            *in_order &= s.first_syn >= *t;
            *t = s.first_syn;
        }
    }
    let first_syn = |i: &u32| slots.get(*i as usize).map_or(NO_TIME, |s| s.first_syn);
    for (w, _) in start.windows(2).zip(&latest).filter(|(_, l)| !l.1) {
        if let Some(run) = order.get_mut(w[0]..w[1]) {
            run.sort_by_key(first_syn);
        }
    }
    let mut out = SenderOrder {
        starts: vec![0; order.len().div_ceil(64)],
        order,
    };
    // Every rank has a slot, so each rank's start is a run's.
    for &k in start.iter().take(senders) {
        out.mark(k);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::slots::V6_FLAG;

    #[test]
    fn sender_order_is_the_sort_by_sender_first_syn_and_index() {
        // Senders interleaved, some runs out of time order, ties on first SYN, an IPv6 key.
        let mut slots = Vec::new();
        let mut x: u64 = 12345;
        for i in 0..3000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let src = if i % 97 == 0 {
                V6_FLAG | 3
            } else {
                (x >> 33) % 7
            };
            let mut s = Slot::new(Addr(src), Addr(9), (1, 2), 0, i as u32);
            // Mostly rising times, every 5th one earlier, and many equal ones.
            s.first_syn = if i % 5 == 0 {
                i as i64 / 3
            } else {
                i as i64 / 2
            };
            slots.push(s);
        }
        assert!(sender_groups(&slots).is_some(), "counted");
        check(&sender_order(&slots), &slots);
        assert_eq!(sender_order(&[]).runs().count(), 0);
    }

    /// `got` is the order by its definition, and its runs are the definition's runs of equal
    /// senders (each a sender's attempts, every sender once).
    fn check(got: &SenderOrder, slots: &[Slot]) {
        let want = by_definition(slots);
        assert_eq!(got.as_slice(), want);
        let runs: Vec<&[u32]> = want
            .chunk_by(|a, b| slots[*a as usize].src() == slots[*b as usize].src())
            .collect();
        assert_eq!(got.runs().collect::<Vec<_>>(), runs);
        assert_eq!(got.senders(), runs.len());
    }

    /// The order by its definition, written apart from the code under test: a stable sort of
    /// the slot numbers by (sender, first SYN), so ties keep capture order.
    fn by_definition(slots: &[Slot]) -> Vec<u32> {
        let mut order: Vec<u32> = (0..slots.len() as u32).collect();
        order.sort_by_key(|&i| (slots[i as usize].src(), slots[i as usize].first_syn));
        order
    }

    #[test]
    fn sender_order_of_a_scan_from_more_senders_than_counted_is_the_same_sort() {
        // One more sender than the counting sort takes, in falling address order, each with two
        // attempts whose first SYNs fall (the second one earlier), one sender repeated late.
        let n = MAX_COUNTED_SENDERS as u64 + 1;
        let mut slots = Vec::new();
        for i in 0..2 * n {
            let mut s = Slot::new(Addr(n - i % n), Addr(9), (1, 2), 0, i as u32);
            s.first_syn = 10 * n as i64 - i as i64;
            slots.push(s);
        }
        slots.push(Slot::new(Addr(5), Addr(9), (1, 2), 0, 0));
        assert!(sender_groups(&slots).is_none(), "keyed sort");
        let order = sender_order(&slots);
        check(&order, &slots);
        // Sender 1 (the lowest address) first: its second attempt (index 2n - 1) is older.
        assert_eq!(order.as_slice()[..2], [2 * n as u32 - 1, n as u32 - 1]);
        assert_eq!(
            order.runs().next(),
            Some(&[2 * n as u32 - 1, n as u32 - 1][..])
        );
    }

    #[test]
    fn a_capture_in_time_order_sorts_sender_and_index_keys() {
        // More senders than counted, in time order with ties, senders interleaved, the widest
        // addresses (IPv6 flag and all 32 low bits: the key's top bit) among them.
        let n = MAX_COUNTED_SENDERS as u64 + 10;
        let wide = [V6_FLAG | u64::from(u32::MAX), u64::from(u32::MAX), V6_FLAG];
        let mut slots = Vec::new();
        for i in 0..2 * n {
            let src = wide.get(i as usize % 50).copied().unwrap_or(i % n);
            let mut s = Slot::new(Addr(src), Addr(9), (1, 2), 0, i as u32);
            s.first_syn = i as i64 / 3;
            slots.push(s);
        }
        assert!(sender_groups(&slots).is_none(), "keyed sort");
        let order = time_ordered_order(&slots).expect("in time order");
        check(&order, &slots);
        // Its last run is the widest address's: the IPv6 key with all low bits set.
        let last = order.runs().last().unwrap();
        assert_eq!(slots[last[0] as usize].src(), Addr(wide[0]));
        // One slot back in time: not this sort, and sender_order still gives the definition.
        slots[5].first_syn = -1;
        assert!(time_ordered_order(&slots).is_none());
        check(&sender_order(&slots), &slots);
    }

    #[test]
    fn packed_keys_sort_as_the_tuples_and_give_way_when_they_do_not_fit() {
        // More senders than counted, IPv6 keys, first SYNs before and after the Unix epoch.
        let n = 2 * MAX_COUNTED_SENDERS as u64;
        let mut slots = Vec::new();
        for i in 0..n + 50 {
            let src = if i % 11 == 0 {
                V6_FLAG | (i % 5)
            } else {
                n - i % n
            };
            let mut s = Slot::new(Addr(src), Addr(9), (1, 2), 0, i as u32);
            s.first_syn = (i as i64 % 7 - 3) * 1_000_000_000 + (i as i64 % 3);
            slots.push(s);
        }
        assert!(sender_groups(&slots).is_none(), "keyed sort");
        check(&packed_order(&slots).expect("fits"), &slots);
        // The widest keys that fit: the highest addresses (odd ones, whose lowest bit would
        // fall on the span's highest if the fields overlapped), first SYNs up to 2^63 - 1 ns
        // after the earliest, spans with and without bit 62 in one sender.
        let (top, v6_top) = (u64::from(u32::MAX), V6_FLAG | u64::from(u32::MAX));
        let spans = [
            (v6_top, 0),
            (v6_top, 1 << 62),
            (v6_top, 100),
            (top, i64::MAX),
            (top, 1 << 62),
            (top, 5),
            (top - 1, (1 << 62) + 1),
            (1, 7),
        ];
        let wide: Vec<Slot> = (0u64..)
            .zip(spans)
            .map(|(i, (src, span)): (u64, (u64, i64))| {
                let mut s = Slot::new(Addr(src), Addr(9), (1, 2), 0, i as u32);
                s.first_syn = i64::MIN + span;
                s
            })
            .collect();
        check(&packed_order(&wide).expect("fits"), &wide);
        // A slot without a time (i64::MIN) puts the span past 2^63 ns: the tuple sort takes over.
        slots.push(Slot::new(Addr(5), Addr(9), (1, 2), 0, 0));
        assert!(packed_order(&slots).is_none());
        check(&sender_order(&slots), &slots);
    }
}
