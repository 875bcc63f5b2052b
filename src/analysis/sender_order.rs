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
/// through a lookup (an indirect sort of 2,000,000 slots was a quarter of a flood's run).
pub(crate) fn sender_order(slots: &[Slot]) -> Vec<u32> {
    match sender_groups(slots) {
        Some((group, senders)) => counted_order(slots, group, senders),
        None => packed_order(slots).unwrap_or_else(|| keyed_order(slots)),
    }
}

/// The runs of one sender each in `order` ([`sender_order`] of `slots`): per sender its slot
/// numbers, oldest first. An index outside `slots` (none is) would count as [`Addr::NONE`].
pub(crate) fn sender_runs<'a>(
    slots: &'a [Slot],
    order: &'a [u32],
) -> impl Iterator<Item = &'a [u32]> + 'a {
    let sender = |i: &u32| slots.get(*i as usize).map_or(Addr::NONE, Slot::src);
    order.chunk_by(move |a, b| sender(a) == sender(b))
}

/// The keyed sort of [`sender_order`] with each (sender, first SYN, index) key packed into one
/// `u128`: the [`Addr`] bits (below 2^33) at the top, the first SYN's nanoseconds after the
/// capture's earliest (below 2^63) in the middle, the slot index in the low 32 bits. The packed
/// keys sort exactly as the tuples do, in 16 bytes instead of 24 (a 2,000,000-source flood's
/// sort took 48 MB beside 144 MB of slots, its peak). `None` when a key does not fit: first
/// SYNs 2^63 ns (292 years) or more apart. Slot numbers are `u32` (the tracker stops making
/// slots at 2^32) and addresses below 2^33 ([`Slot::src`]).
fn packed_order(slots: &[Slot]) -> Option<Vec<u32>> {
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
    Some(keys.into_iter().map(|k| k as u32).collect())
}

/// The keyed sort of [`sender_order`] with (sender, first SYN, index) tuples: any slots.
fn keyed_order(slots: &[Slot]) -> Vec<u32> {
    let mut keyed: Vec<(Addr, i64, u32)> = slots
        .iter()
        .zip(0u32..)
        .map(|(s, i)| (s.src(), s.first_syn, i))
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, _, i)| i).collect()
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
fn counted_order(slots: &[Slot], group: Vec<u32>, senders: usize) -> Vec<u32> {
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
    for (i, g) in (0u32..).zip(&group) {
        if let Some(at) = next.get_mut(*g as usize) {
            if let Some(o) = order.get_mut(*at) {
                *o = i;
            }
            *at += 1;
        }
    }
    let first_syn = |i: &u32| slots.get(*i as usize).map_or(NO_TIME, |s| s.first_syn);
    for w in start.windows(2) {
        if let Some(run) = order.get_mut(w[0]..w[1]) {
            if !run.is_sorted_by_key(first_syn) {
                run.sort_by_key(first_syn);
            }
        }
    }
    order
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
            let mut s = Slot::new(Addr(src), Addr(9), (1, 2), 0, i);
            // Mostly rising times, every 5th one earlier, and many equal ones.
            s.first_syn = if i % 5 == 0 {
                i as i64 / 3
            } else {
                i as i64 / 2
            };
            slots.push(s);
        }
        assert!(sender_groups(&slots).is_some(), "counted");
        assert_eq!(sender_order(&slots), by_definition(&slots));
        assert!(sender_order(&[]).is_empty());
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
            let mut s = Slot::new(Addr(n - i % n), Addr(9), (1, 2), 0, i);
            s.first_syn = 10 * n as i64 - i as i64;
            slots.push(s);
        }
        slots.push(Slot::new(Addr(5), Addr(9), (1, 2), 0, 0));
        assert!(sender_groups(&slots).is_none(), "keyed sort");
        let order = sender_order(&slots);
        assert_eq!(order, by_definition(&slots));
        // Sender 1 (the lowest address) first: its second attempt (index 2n - 1) is older.
        assert_eq!(order[..2], [2 * n as u32 - 1, n as u32 - 1]);
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
            let mut s = Slot::new(Addr(src), Addr(9), (1, 2), 0, i);
            s.first_syn = (i as i64 % 7 - 3) * 1_000_000_000 + (i as i64 % 3);
            slots.push(s);
        }
        assert!(sender_groups(&slots).is_none(), "keyed sort");
        let packed = packed_order(&slots).expect("fits");
        assert_eq!(packed, by_definition(&slots));
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
                let mut s = Slot::new(Addr(src), Addr(9), (1, 2), 0, i);
                s.first_syn = i64::MIN + span;
                s
            })
            .collect();
        assert_eq!(packed_order(&wide).expect("fits"), by_definition(&wide));
        // A slot without a time (i64::MIN) puts the span past 2^63 ns: the tuple sort takes over.
        slots.push(Slot::new(Addr(5), Addr(9), (1, 2), 0, 0));
        assert_eq!(packed_order(&slots), None);
        assert_eq!(sender_order(&slots), by_definition(&slots));
    }
}
