//! The same packets in two captures are counted once (issue 20 §3). Customers often send one
//! capture twice (a `.pcapng` and a NetMon `.cap` of it) or two overlapping captures of one host.
//!
//! Rule: a connect attempt of a later capture (input order) is a repeat when an earlier capture
//! holds an attempt with the same 4-tuple and initial sequence number (ISN) whose first SYN is
//! within [`OVERLAP_TOLERANCE_S`] of it, raw capture clocks. The 32-bit ISN (RFC 9293 §3.4.1)
//! makes a chance match between unrelated connections negligible; the tolerance absorbs the
//! precision lost in a format conversion (ns → µs) and small stamp differences between two
//! capture points. A repeat keeps its place in its own capture's counts (the `captures[]` entry
//! states what the file holds) but adds no timeline entry, no SYN retransmission and no
//! unanswered destination to its host; a sender whose every attempt is a repeat adds no
//! half-open entries either, and an alarm gap repeating an earlier capture's gap (same client,
//! provider, start within the tolerance) is dropped.

use crate::analysis::alarm::AlarmGap;
use crate::analysis::handshake::Attempt;
use crate::model::UtcTime;
use schemars::JsonSchema;
use serde::Serialize;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

/// Two first SYNs (or alarm gap starts) this close, in seconds, are the same packet seen twice.
pub const OVERLAP_TOLERANCE_S: f64 = 1.0;

/// An attempt's identity across captures: (source, source port, destination, destination
/// port, ISN).
type AttemptKey = (IpAddr, u16, IpAddr, u16, u32);

/// That part of one capture already seen in an earlier one. JSON (`captures[].overlaps[]`):
/// `{ "path", "attempts", "syn_retransmissions" }`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CaptureOverlap {
    /// The earlier capture, as displayed.
    pub path: String,
    /// Connect attempts of this capture that the earlier one also holds (counted once).
    pub attempts: u64,
    /// Their SYN retransmissions (counted once).
    pub syn_retransmissions: u64,
}

/// Every attempt of the captures walked so far.
#[derive(Default)]
pub(crate) struct SeenAttempts {
    seen: foldhash::HashMap<AttemptKey, Vec<(UtcTime, Arc<Path>)>>,
}

impl SeenAttempts {
    /// Returns the earlier capture that already holds `at` of capture `path`, if any (never
    /// `path` itself); records `at` when `later_captures` may repeat it (the last capture's
    /// attempts, and a single capture's, are never stored).
    pub(crate) fn repeat_of(
        &mut self,
        at: &Attempt,
        path: &Arc<Path>,
        later_captures: bool,
    ) -> Option<Arc<Path>> {
        let key = (at.src, at.sport, at.dst, at.dport, at.isn);
        let close = |(t, p): &&(UtcTime, Arc<Path>)| {
            p != path && at.first_syn.seconds_since(*t).abs() <= OVERLAP_TOLERANCE_S
        };
        if self.seen.is_empty() && !later_captures {
            return None;
        }
        let earlier = self
            .seen
            .get(&key)
            .and_then(|list| list.iter().find(close))
            .map(|(_, p)| p.clone());
        if earlier.is_none() && later_captures {
            self.seen
                .entry(key)
                .or_default()
                .push((at.first_syn, path.clone()));
        }
        earlier
    }
}

/// Adds one repeated attempt of `at` (seen first in `earlier`) to `overlaps`.
pub(crate) fn count_repeat(overlaps: &mut Vec<CaptureOverlap>, earlier: &Path, at: &Attempt) {
    let earlier = earlier.display().to_string();
    let i = match overlaps.iter().position(|o| o.path == earlier) {
        Some(i) => i,
        None => {
            overlaps.push(CaptureOverlap {
                path: earlier,
                attempts: 0,
                syn_retransmissions: 0,
            });
            overlaps.len() - 1
        }
    };
    overlaps[i].attempts += 1;
    overlaps[i].syn_retransmissions += at.retransmissions.len() as u64;
}

/// The warning that capture `path` (with `attempts` connect attempts) repeats earlier captures.
pub(crate) fn overlap_warning(path: &str, attempts: usize, overlaps: &[CaptureOverlap]) -> String {
    let parts: Vec<String> = overlaps
        .iter()
        .map(|o| {
            format!(
                "{} of its {attempts} connect attempts ({} SYN retransmissions) are also in {}",
                o.attempts, o.syn_retransmissions, o.path
            )
        })
        .collect();
    format!(
        "{path} overlaps an earlier capture: {} (same 4-tuple, ISN and first SYN within {} s); \
         they are counted once",
        parts.join("; "),
        OVERLAP_TOLERANCE_S
    )
}

/// True when `g` repeats a gap of another capture already in `gaps`.
pub(crate) fn repeats_gap(gaps: &[AlarmGap], g: &AlarmGap, path: &str) -> bool {
    gaps.iter().any(|o| {
        o.path.as_deref() != Some(path)
            && o.client == g.client
            && o.provider == g.provider
            && g.start.seconds_since(o.start).abs() <= OVERLAP_TOLERANCE_S
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::handshake::Outcome;

    fn attempt(isn: u32, t: i64) -> Attempt {
        let t = UtcTime::from_unix_nanos(t, 9);
        Attempt {
            src: "10.1.1.10".parse().unwrap(),
            sport: 1100,
            dst: "10.1.2.1".parse().unwrap(),
            dport: 445,
            isn,
            frame: 1,
            first_syn: t,
            retransmissions: vec![t.plus_nanos(3_000_000_000)],
            outcome: Outcome::Unanswered,
            answered_at: None,
            half_open_until: t,
            answer_frame: None,
        }
    }

    #[test]
    fn same_tuple_and_isn_within_a_second_in_another_capture_is_a_repeat() {
        let (a, b): (Arc<Path>, Arc<Path>) =
            (Path::new("a.pcapng").into(), Path::new("a.cap").into());
        let mut seen = SeenAttempts::default();
        assert_eq!(seen.repeat_of(&attempt(7, 0), &a, true), None);
        // The NetMon copy: 400 ns later after the conversion.
        assert_eq!(seen.repeat_of(&attempt(7, 400), &b, true), Some(a.clone()));
        // Another ISN, or 2 s apart, or the same capture: not a repeat.
        assert_eq!(seen.repeat_of(&attempt(8, 400), &b, true), None);
        assert_eq!(seen.repeat_of(&attempt(7, 2_000_000_000), &b, true), None);
        assert_eq!(seen.repeat_of(&attempt(7, 10), &a, true), None);
        let mut o = Vec::new();
        count_repeat(&mut o, &a, &attempt(7, 0));
        count_repeat(&mut o, &a, &attempt(9, 0));
        assert_eq!(
            o,
            [CaptureOverlap {
                path: "a.pcapng".into(),
                attempts: 2,
                syn_retransmissions: 2
            }]
        );
    }
}
