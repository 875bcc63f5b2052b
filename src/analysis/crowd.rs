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
//! Cost: one sort of `u32` slot numbers by (sender, first SYN), then a sweep per sender with a
//! buffer as long as that sender's attempts: n log n time, 4 bytes per attempt of memory.

use super::sender_order::sender_runs;
use super::slots::{Retx, Slot};
use crate::model::UtcTime;

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
            self.first = Some((t, s.frame));
        }
        self.last = Some(self.last.map_or(t, |l| l.max(t)));
    }
}

/// Marks the slots of senders to fold (see the module docs); `None` when the capture is not a
/// crowd. `slots` must be settled: `end` is the end of each half-open interval; `order` is
/// [`super::sender_order::sender_order`] of `slots`.
pub(crate) fn folded(slots: &[Slot], order: &[u32], limit: u32) -> Option<(Vec<bool>, u64)> {
    if sender_runs(slots, order).count() <= CROWD_SENDERS {
        return None;
    }
    let mut fold = vec![false; slots.len()];
    let mut folded_senders = 0u64;
    let mut closes: Vec<i64> = Vec::new();
    for group in sender_runs(slots, order) {
        if peak(slots, group, &mut closes).saturating_mul(2) < limit {
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

/// The peak of concurrent half-open attempts of one sender's slots (`group`, sorted by first
/// SYN), closes applied before opens at equal times.
fn peak(slots: &[Slot], group: &[u32], closes: &mut Vec<i64>) -> u32 {
    closes.clear();
    let live = |i: &u32| slots.get(*i as usize).filter(|s| s.end > s.first_syn);
    closes.extend(group.iter().filter_map(live).map(|s| s.end));
    closes.sort_unstable();
    let (mut count, mut best, mut c) = (0u32, 0u32, 0usize);
    for s in group.iter().filter_map(live) {
        while closes.get(c).is_some_and(|&e| e <= s.first_syn) {
            count = count.saturating_sub(1);
            c += 1;
        }
        count += 1;
        best = best.max(count);
    }
    best
}
