//! SYN floods and scans from many sources (issue 18 §2): a capture with more than
//! [`CROWD_SENDERS`] SYN senders, most of them far below the half-open limit, is a crowd. Its
//! senders that never come near the limit (peak below half of it) become no host of their own,
//! get no half-open entries and no per-attempt timeline entries: they are counted, and one
//! timeline entry per capture tells how many there were. The state kept is then proportional to
//! the hosts that matter, not to the sources in the capture. Senders near or at the limit keep
//! everything, however many others there are. Captures with few senders are never affected.

use crate::analysis::handshake::{Attempt, Outcome};
use crate::analysis::source::CaptureData;
use crate::model::{EntryKind, Locator, SourceRef, TimelineEntry, UtcTime};
use std::collections::HashSet;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

/// More SYN senders than this in one capture make it a crowd (a scan, a flood, a worm): a
/// workstation, its servers and its alarm clients are far fewer.
pub const CROWD_SENDERS: usize = 64;

/// The senders of `c` that are counted, not listed: empty unless the capture has more than
/// [`CROWD_SENDERS`] senders; then those whose peak of concurrent half-open connections stays
/// below half of `limit`.
pub(crate) fn crowd(c: &CaptureData, limit: u32) -> HashSet<IpAddr> {
    if c.half_open.len() <= CROWD_SENDERS {
        return HashSet::new();
    }
    c.half_open
        .iter()
        .filter(|h| h.peak.saturating_mul(2) < limit)
        .map(|h| h.host)
        .collect()
}

/// What a crowd's attempts add up to.
#[derive(Default)]
pub(crate) struct CrowdTally {
    senders: HashSet<IpAddr>,
    attempts: u64,
    unanswered: u64,
    syn_retx: u64,
    first: Option<(UtcTime, u64)>,
    last: Option<UtcTime>,
}

impl CrowdTally {
    /// Counts one attempt of a crowd sender.
    pub(crate) fn add(&mut self, at: &Attempt) {
        self.senders.insert(at.src);
        self.attempts += 1;
        self.syn_retx += at.retransmissions.len() as u64;
        if matches!(at.outcome, Outcome::Unanswered | Outcome::OpenAtEnd) {
            self.unanswered += 1;
        }
        if self.first.is_none_or(|(t, _)| at.first_syn < t) {
            self.first = Some((at.first_syn, at.frame));
        }
        self.last = Some(self.last.map_or(at.first_syn, |l| l.max(at.first_syn)));
    }

    /// Senders counted.
    pub(crate) fn senders(&self) -> u64 {
        self.senders.len() as u64
    }

    /// The one timeline entry of the crowd of capture `path`, if it had any attempt.
    pub(crate) fn entry(&self, path: &Arc<Path>) -> Option<TimelineEntry> {
        let (first, frame) = self.first?;
        let last = self.last.unwrap_or(first);
        Some(TimelineEntry {
            time: first,
            host: None,
            kind: EntryKind::ConnectUnanswered,
            message: format!(
                "{} connect attempts from {} SYN senders, each far below the half-open limit \
                 (a scan or flood), from {first} to {last}: {} never answered, {} SYN \
                 retransmissions; counted, not listed one by one",
                self.attempts,
                self.senders.len(),
                self.unanswered,
                self.syn_retx
            ),
            source: SourceRef {
                path: path.clone(),
                locator: Locator::FrameNumber(frame),
            },
        })
    }
}
