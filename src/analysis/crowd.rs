//! SYN floods and scans from many sources (issue 18 §2): counted, not kept.
//!
//! Rule: a capture with more than [`CROWD_SENDERS`] SYN senders is a crowd (a scan, a flood, a
//! worm: a workstation, its servers and its alarm clients are far fewer). Its senders whose
//! peak of concurrent half-open attempts stays below half of the half-open limit (10 on
//! XP SP2–Vista, KB969710) never come near the limit: their attempts become one
//! [`CrowdFold`] of counts instead of [`super::handshake::Attempt`]s, so they get no host, no
//! half-open series and no per-attempt timeline entry. Senders near or at the limit keep
//! everything, however many others there are; captures with few senders are never folded.
//! The peak here uses the half-open rule of [`super::halfopen`] (closes before opens at equal
//! times; zero-length intervals add nothing).
//!
//! Cost: the capture's sender order (`analysis::sender_order`; computed again on the kept
//! slots for the half-open sweep), then one pass per sender that keeps at most `limit / 2 + 1` ends in a heap and
//! stops at half the limit: n log limit time, one mark byte per attempt of memory.

use super::sender_order::SenderOrder;
use super::slots::{Retx, Slot};
use crate::model::UtcTime;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// More SYN senders than this in one capture make it a crowd.
pub const CROWD_SENDERS: usize = 64;

/// What the folded attempts of a crowd add up to (all counts over the folded senders only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CrowdFold {
    /// Senders folded.
    pub senders: u64,
    /// Their connect attempts.
    pub attempts: u64,
    /// Attempts never answered (given up or still open when the capture ended).
    pub unanswered: u64,
    /// Their SYN retransmissions.
    pub syn_retransmissions: u64,
    /// The earliest first SYN (UTC, capture clock) and its frame number.
    pub first: Option<(UtcTime, u64)>,
    /// The latest first SYN.
    pub last: Option<UtcTime>,
}

impl CrowdFold {
    /// Counts one folded attempt.
    pub(crate) fn add(&mut self, s: &Slot, retx: &Retx) {
        self.attempts += 1;
        self.syn_retransmissions += retx.times(s).len() as u64;
        if !s.answer.answered() {
            self.unanswered += 1;
        }
        let t = s.first_syn_time();
        if self.first.is_none_or(|(f, _)| t < f) {
            self.first = Some((t, u64::from(s.frame)));
        }
        self.last = Some(self.last.map_or(t, |l| l.max(t)));
    }
}

/// Marks the slots of senders to fold (see the module docs); `None` when the capture is not a
/// crowd. `slots` must be settled: `end` is the end of each half-open interval; `order` is
/// [`super::sender_order::sender_order`] of `slots`.
pub(crate) fn folded(slots: &[Slot], order: &SenderOrder, limit: u32) -> Option<(Vec<bool>, u64)> {
    if order.senders() <= CROWD_SENDERS {
        return None;
    }
    let mut fold = vec![false; slots.len()];
    let mut folded_senders = 0u64;
    let mut ends = BinaryHeap::new();
    for group in order.runs() {
        if stays_below_half(slots, group, limit, &mut ends) {
            folded_senders += 1;
            for &i in group {
                if let Some(f) = fold.get_mut(i as usize) {
                    *f = true;
                }
            }
        }
    }
    Some((fold, folded_senders))
}

/// True when the peak of concurrent half-open attempts of one sender's slots (`group`, sorted
/// by first SYN) stays below half of `limit` (`peak * 2 < limit`), closes applied before opens
/// at equal times. `ends` is a scratch heap.
///
/// Opens come in first-SYN order, so an end at or before the current open is also before every
/// later one: a min-heap of the live attempts' ends holds exactly the attempts half-open at each
/// open. The sweep stops as soon as that count reaches half the limit, so the heap never holds
/// more than `limit / 2 + 1` ends and no sender's closes are sorted (issue 17: the full sweep
/// was a tenth of a 200-sender flood's run, every sender of which is at the limit).
fn stays_below_half(
    slots: &[Slot],
    group: &[u32],
    limit: u32,
    ends: &mut BinaryHeap<Reverse<i64>>,
) -> bool {
    ends.clear();
    if limit == 0 {
        return false;
    }
    let live = |i: &u32| slots.get(*i as usize).filter(|s| s.end > s.first_syn);
    for s in group.iter().filter_map(live) {
        while ends.peek().is_some_and(|&Reverse(e)| e <= s.first_syn) {
            ends.pop();
        }
        ends.push(Reverse(s.end));
        let count = u32::try_from(ends.len()).unwrap_or(u32::MAX);
        if count.saturating_mul(2) >= limit {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::slots::Addr;

    /// The peak by its definition: at each live attempt's open (in `group` order), the live
    /// attempts opened so far whose end is after that open.
    fn peak_by_definition(slots: &[Slot], group: &[u32]) -> u32 {
        let live: Vec<&Slot> = group
            .iter()
            .map(|&i| &slots[i as usize])
            .filter(|s| s.end > s.first_syn)
            .collect();
        (0..live.len())
            .map(|k| {
                let t = live[k].first_syn;
                live[..=k].iter().filter(|s| s.end > t).count() as u32
            })
            .max()
            .unwrap_or(0)
    }

    proptest::proptest! {
        #[test]
        fn stopping_at_half_the_limit_decides_as_the_full_peak(
            spans in proptest::collection::vec((0i64..40, -2i64..30), 0..40),
            limit in 0u32..14,
        ) {
            // One sender: opens at the given times (sorted, as the sender order gives them),
            // each ending `len` later (zero or negative lengths add nothing); equal opens and
            // ends are common at these small times.
            let mut opens: Vec<(i64, i64)> = spans;
            opens.sort_by_key(|&(t, _)| t);
            let slots: Vec<Slot> = opens
                .iter()
                .enumerate()
                .map(|(k, &(t, len))| {
                    let mut s = Slot::new(Addr(1), Addr(2), (1000 + k as u16, 80), 0, k as u32);
                    s.first_syn = t;
                    s.end = t + len;
                    s
                })
                .collect();
            let group: Vec<u32> = (0..slots.len() as u32).collect();
            let want = peak_by_definition(&slots, &group).saturating_mul(2) < limit;
            let got = stays_below_half(&slots, &group, limit, &mut BinaryHeap::new());
            proptest::prop_assert_eq!(got, want);
        }
    }
}
