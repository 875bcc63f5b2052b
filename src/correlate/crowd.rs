//! Timeline entries for attempts counted rather than listed (issue 18 §2): a crowd's folded
//! senders (`analysis::crowd`: one entry per capture) and the attempts of one sender beyond
//! [`MAX_LISTED_ATTEMPTS`] (one entry per sender and capture). A scan or flood then adds a
//! bounded number of entries, however many SYNs it holds; the counts in `captures[]`, `hosts[]`
//! and the findings still include every attempt.

use crate::analysis::crowd::CrowdFold;
use crate::analysis::handshake::{Attempt, Outcome};
use crate::model::{EntryKind, Locator, SourceRef, TimelineEntry, UtcTime};
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

pub use crate::analysis::crowd::CROWD_SENDERS;

/// Connect attempts of one sender in one capture that get timeline entries of their own (SYN
/// retransmissions, never answered, refused); the rest are counted in one entry. A workstation
/// at the limit makes tens to hundreds (the demo: 40 unreachable destinations, 80 retries);
/// thousands are a scan.
pub const MAX_LISTED_ATTEMPTS: u32 = 1000;

/// The one timeline entry of a crowd's folded senders in capture `path`, if any attempt was
/// folded.
pub(crate) fn entry(f: &CrowdFold, path: &Arc<Path>) -> Option<TimelineEntry> {
    let (first, frame) = f.first?;
    let last = f.last.unwrap_or(first);
    Some(TimelineEntry {
        time: first,
        host: None,
        kind: EntryKind::ConnectUnanswered,
        message: format!(
            "{} connect attempts from {} SYN senders, each far below the half-open limit \
             (a scan or flood), from {first} to {last}: {} never answered, {} SYN \
             retransmissions; counted, not listed one by one",
            f.attempts, f.senders, f.unanswered, f.syn_retransmissions
        ),
        source: SourceRef {
            path: path.clone(),
            locator: Locator::FrameNumber(frame),
        },
    })
}

/// Which attempts of a capture get entries of their own: at most [`MAX_LISTED_ATTEMPTS`] per
/// sender, in file order.
#[derive(Default)]
pub(crate) struct Listing {
    per_sender: foldhash::HashMap<IpAddr, (u32, Option<Unlisted>)>,
}

impl Listing {
    /// True when `at` gets its own entries; otherwise it is counted for its sender. Attempts
    /// that make no entry (answered at once) are not counted against the cap.
    pub(crate) fn lists(&mut self, at: &Attempt) -> bool {
        let makes_entries = !at.retransmissions.is_empty()
            || matches!(at.outcome, Outcome::Unanswered | Outcome::Refused);
        if !makes_entries {
            return true;
        }
        let (listed, rest) = self.per_sender.entry(at.src).or_default();
        if *listed < MAX_LISTED_ATTEMPTS {
            *listed += 1;
            return true;
        }
        rest.get_or_insert_with(|| Unlisted::first(at)).add(at);
        false
    }

    /// The senders with attempts not listed, by address.
    pub(crate) fn unlisted(self) -> Vec<(IpAddr, Unlisted)> {
        let mut out: Vec<_> = self
            .per_sender
            .into_iter()
            .filter_map(|(ip, (_, rest))| Some((ip, rest?)))
            .collect();
        out.sort_by_key(|(ip, _)| *ip);
        out
    }
}

/// The attempts of one sender beyond the cap.
pub(crate) struct Unlisted {
    attempts: u64,
    unanswered: u64,
    refused: u64,
    syn_retx: u64,
    first: (UtcTime, u64),
    last: UtcTime,
}

impl Unlisted {
    fn first(at: &Attempt) -> Unlisted {
        Unlisted {
            attempts: 0,
            unanswered: 0,
            refused: 0,
            syn_retx: 0,
            first: (at.first_syn, at.frame),
            last: at.first_syn,
        }
    }

    fn add(&mut self, at: &Attempt) {
        self.attempts += 1;
        self.syn_retx += at.retransmissions.len() as u64;
        match at.outcome {
            Outcome::Unanswered => self.unanswered += 1,
            Outcome::Refused => self.refused += 1,
            _ => {}
        }
        if at.first_syn < self.first.0 {
            self.first = (at.first_syn, at.frame);
        }
        self.last = self.last.max(at.first_syn);
    }

    /// Its timeline entry (`host`: the sender as displayed).
    pub(crate) fn entry(&self, path: &Arc<Path>, host: Option<String>) -> TimelineEntry {
        let (first, frame) = self.first;
        TimelineEntry {
            time: first,
            host: host.clone(),
            kind: EntryKind::ConnectUnanswered,
            message: format!(
                "{} more connect attempts of {} from {first} to {}: {} never answered, {} \
                 refused, {} SYN retransmissions; counted, not listed one by one (more than \
                 {MAX_LISTED_ATTEMPTS} from one sender)",
                self.attempts,
                host.as_deref().unwrap_or("this sender"),
                self.last,
                self.unanswered,
                self.refused,
                self.syn_retx
            ),
            source: SourceRef {
                path: path.clone(),
                locator: Locator::FrameNumber(frame),
            },
        }
    }
}
