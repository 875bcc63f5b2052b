//! One finding per host and kind (issue 20 §4): the `half_open_limit` episodes of one host
//! (signs more than [`super::findings`]'s episode gap apart) become one finding with its list of
//! episodes and one fix, instead of one finding per episode repeating the fix. Every finding
//! carries `episodes` (one entry when it has one episode), so scripts read one shape.

use super::result::{Episode, Finding};
use crate::model::{Confidence, FindingKind};

/// `findings` with each host's `half_open_limit` episodes merged into one finding (at the place
/// of its first episode); the other findings unchanged. Each finding's `episodes` is filled.
pub(crate) fn merge_episodes(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    for mut f in findings {
        f.episodes = vec![Episode::of(&f)];
        let same = out
            .iter_mut()
            .find(|o| o.kind == FindingKind::HalfOpenLimit && o.kind == f.kind && o.host == f.host);
        match same {
            Some(o) => absorb(o, f),
            None => out.push(f),
        }
    }
    for f in out.iter_mut().filter(|f| f.episodes.len() > 1) {
        describe(f);
    }
    out
}

/// Adds episode `f` to the merged finding `o`.
fn absorb(o: &mut Finding, f: Finding) {
    o.start = o.start.min(f.start);
    o.end = o.end.max(f.end);
    if f.confidence == Confidence::High {
        o.confidence = Confidence::High;
    }
    o.evidence.extend(f.evidence);
    o.events_4226 += f.events_4226;
    o.peak_half_open = o.peak_half_open.max(f.peak_half_open);
    o.syn_retransmissions += f.syn_retransmissions;
    if o.culprits.is_empty() {
        o.culprits = f.culprits;
    }
    o.unanswered_destinations.extend(f.unanswered_destinations);
    o.episodes.extend(f.episodes);
}

/// The summary of a merged finding: how many episodes, from when to when; its evidence by time
/// and its destinations once each.
fn describe(f: &mut Finding) {
    f.evidence
        .sort_by(|x, y| (x.time, &x.source).cmp(&(y.time, &y.source)));
    f.unanswered_destinations.sort();
    f.unanswered_destinations.dedup();
    f.episodes.sort_by_key(|e| e.start);
    let (first, last) = (&f.episodes[0], &f.episodes[f.episodes.len() - 1]);
    f.summary = format!(
        "{} reached the half-open connection limit in {} separate episodes, the first at {}, the \
         last at {}; {} Events 4226 in all",
        f.host,
        f.episodes.len(),
        first.start,
        last.start,
        f.events_4226
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::findings::test_finding;
    use crate::model::UtcTime;

    #[test]
    fn one_hosts_limit_episodes_become_one_finding_with_its_episodes() {
        let t = |s| UtcTime::from_unix_secs(s);
        let mut a = test_finding(FindingKind::HalfOpenLimit, "WKS", t(0), t(0));
        a.events_4226 = 1;
        let mut b = test_finding(FindingKind::HalfOpenLimit, "WKS", t(86_400), t(86_460));
        b.events_4226 = 2;
        b.confidence = Confidence::High;
        let other = test_finding(FindingKind::HalfOpenLimit, "PC-B", t(10), t(10));
        let gap = test_finding(FindingKind::AlarmClientGap, "WKS", t(5), t(9));
        let out = merge_episodes(vec![a, other, gap, b]);
        assert_eq!(out.len(), 3);
        let wks = &out[0];
        assert_eq!((wks.start, wks.end), (t(0), t(86_460)));
        assert_eq!(wks.events_4226, 3);
        assert_eq!(wks.confidence, Confidence::High);
        assert_eq!(wks.episodes.len(), 2);
        assert_eq!(wks.episodes[1].start, t(86_400));
        assert!(
            wks.summary.contains("in 2 separate episodes"),
            "{}",
            wks.summary
        );
        assert_eq!(out[1].host, "PC-B");
        assert_eq!(out[1].episodes.len(), 1);
        assert_eq!(out[2].kind, FindingKind::AlarmClientGap);
    }
}
