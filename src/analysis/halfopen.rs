//! Concurrent half-open outgoing connections per sending host.
//!
//! Each [`Attempt`] is half-open on `[first_syn, half_open_until)` (see
//! [`super::handshake`] for how the end is chosen). Per SYN-sending host (source IP) a sweep adds
//! +1 at `first_syn` and −1 at `half_open_until`. **At equal times closes are applied before
//! opens**: a slot freed at t is reused by a connect starting at t, which is how tcpip.sys admits a
//! queued connect when one of its 10 SYN_SENT slots frees (KB969710; see `research/domain.md` §2).
//! (tshark_oracle.sh counts opens first, so its peak can be higher by the number of such ties.)
//! Attempts with `half_open_until <= first_syn` are never half-open for any time and add nothing.
//!
//! **Queued-connect fingerprint** of the Windows limit ([`HostHalfOpen::queued_connect_fingerprint`]).
//! XP SP2 to Vista SP1 (and later systems with `EnableConnectionRateLimiting`) allow 10 outgoing
//! connects in SYN_SENT; further connects wait in a queue, and a queued connect's first SYN
//! leaves when a slot frees: on a SYN-ACK, a RST, or when an attempt gives up (XP–7 defaults
//! `TcpInitialRTT` 3 s and `TcpMaxConnectRetransmissions` 2: SYNs at t, t+3 s, t+9 s, give up at
//! t+21 s; the give-up time is [`super::handshake::HandshakeSettings::give_up_s`]). Sources:
//! KB969710 (limit 10, versions), the XP SP2 "Changes to Functionality" note (queue, Event 4226),
//! Citect KB q5015 (queued attempts wait for a half-open one to complete); `research/domain.md` §2.
//! A host has the fingerprint when **all** of these hold (defaults in [`QueueSettings`]):
//! 1. its peak equals the limit exactly: it reached the limit and never went above it (a scanner
//!    or a Linux host with no limit goes above);
//! 2. it spent at least `min_seconds_at_limit` (3 s = `TcpInitialRTT`, so at least one SYN
//!    retransmission interval) at or above the limit: a count that only touches the limit is not
//!    a queue;
//! 3. at least `min_queued_starts` (3) first SYNs are **queued starts**: they leave within
//!    `tolerance_s` (50 ms; tcpip.sys admits the next connect from the same timer/receive path
//!    that frees the slot, so the gap is the sender's scheduling latency, far below a SYN
//!    retransmission interval) after an attempt of the same host ended *while the count was at
//!    the limit* (a slot freed less than `tolerance_s` earlier and not yet retaken counts as
//!    still held, so one late start does not hide the next). Each freed slot admits at most one
//!    queued start, the most recently freed slot first.
//!
//! Limits: the half-open end of an unanswered attempt is modelled (`first_syn + give_up_s`); if
//! the real give-up comes earlier than the model by more than the tolerance, the next SYN appears
//! before the modelled end and the count exceeds the limit, so rule 1 fails (set `give_up_s` to
//! the site's value). An application that itself keeps at most 10 connects in flight and
//! reconnects at once looks the same as the tcpip.sys queue.

use super::handshake::{Attempt, Attempts};
use crate::model::UtcTime;
use std::net::IpAddr;

/// One host's half-open step series and its summary.
#[derive(Debug, Clone, PartialEq)]
pub struct HostHalfOpen {
    /// The SYN sender.
    pub host: IpAddr,
    /// (time, count after the step), in time order; the count changes at each point.
    pub series: Vec<(UtcTime, u32)>,
    /// Most concurrent half-open outgoing connections.
    pub peak: u32,
    /// First time the peak was reached.
    pub peak_at: Option<UtcTime>,
    /// First time the count reached `limit`, if it did.
    pub limit_reached_at: Option<UtcTime>,
    /// Total seconds with the count at or above `limit`.
    pub seconds_at_limit: f64,
    /// The queued-connect fingerprint of the Windows limit: the count sits at the limit, never
    /// exceeds it, and new first SYNs leave right as earlier attempts end.
    pub queued_connect_fingerprint: bool,
}

/// The rules of the queued-connect fingerprint (module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueSettings {
    /// Concurrent half-open connects at which the limit bites (XP SP2–Vista: 10).
    pub limit: u32,
    /// Seconds after a slot frees within which a first SYN counts as a queued start (0.05).
    pub tolerance_s: f64,
    /// Queued starts needed (3).
    pub min_queued_starts: u32,
    /// Seconds at or above the limit needed (3.0).
    pub min_seconds_at_limit: f64,
}

impl QueueSettings {
    /// The defaults of the module docs for `limit`.
    pub fn with_limit(limit: u32) -> Self {
        QueueSettings {
            limit,
            tolerance_s: 0.05,
            min_queued_starts: 3,
            min_seconds_at_limit: 3.0,
        }
    }
}

/// The half-open series of every host that sent a SYN, sorted by host address.
///
/// `series` holds one point per instant where the count changes (all steps at one instant are
/// applied together, closes first); it starts above 0 and ends at 0. `peak` is 0 with `peak_at`
/// `None` for a host whose attempts all had zero length. `limit` is the Windows XP SP2–Vista limit
/// (10) in practice; `limit_reached_at` is the first point whose count is `>= limit` and
/// `seconds_at_limit` sums the time between such points and the next point (seconds).
pub fn half_open_by_host(attempts: &[Attempt], limit: u32) -> Vec<HostHalfOpen> {
    half_open_by_host_with(attempts, &QueueSettings::with_limit(limit))
}

/// [`half_open_by_host`] with explicit fingerprint rules (`settings.limit` is the limit).
pub fn half_open_by_host_with(attempts: &[Attempt], settings: &QueueSettings) -> Vec<HostHalfOpen> {
    let mut by_host: std::collections::BTreeMap<IpAddr, Vec<(UtcTime, UtcTime)>> =
        std::collections::BTreeMap::new();
    for a in attempts {
        by_host
            .entry(a.src)
            .or_default()
            .push((a.first_syn, a.half_open_until));
    }
    by_host_sweeps(by_host.into_iter(), settings)
}

/// [`half_open_by_host`] over a capture's compact attempts: one sender's intervals at a time,
/// so the memory beyond the attempts themselves is one sender's steps and the series.
pub fn half_open_of(attempts: &Attempts, settings: &QueueSettings) -> Vec<HostHalfOpen> {
    by_host_sweeps(attempts.intervals_by_sender(), settings)
}

/// Sweeps each (sender, half-open intervals) group; the result is sorted by sender address.
fn by_host_sweeps(
    groups: impl Iterator<Item = (IpAddr, Vec<(UtcTime, UtcTime)>)>,
    settings: &QueueSettings,
) -> Vec<HostHalfOpen> {
    let (mut opens, mut closes) = (Vec::new(), Vec::new());
    let mut steps: Vec<(UtcTime, i8)> = Vec::new();
    let mut out: Vec<HostHalfOpen> = groups
        .map(|(host, spans)| {
            opens.clear();
            closes.clear();
            for (from, until) in spans {
                if until > from {
                    opens.push(from);
                    closes.push(until);
                }
            }
            // Each list is usually in time order already (a capture's first SYNs, and ends a
            // fixed give-up time later), which the sort checks in one pass.
            opens.sort_unstable();
            closes.sort_unstable();
            merge_steps(&opens, &closes, &mut steps);
            sweep(host, &steps, settings)
        })
        .collect();
    out.sort_by_key(|h| h.host);
    out
}

/// `steps` := the opens (+1) and closes (-1), both sorted, in time order with the closes
/// first at equal times (the order of sorting by (time, delta)).
fn merge_steps(opens: &[UtcTime], closes: &[UtcTime], steps: &mut Vec<(UtcTime, i8)>) {
    steps.clear();
    steps.reserve(opens.len() + closes.len());
    let (mut o, mut c) = (opens.iter().peekable(), closes.iter().peekable());
    loop {
        match (o.peek(), c.peek()) {
            (Some(&&open), Some(&&close)) if open < close => {
                steps.push((open, 1));
                o.next();
            }
            (_, Some(&&close)) => {
                steps.push((close, -1));
                c.next();
            }
            (Some(&&open), None) => {
                steps.push((open, 1));
                o.next();
            }
            (None, None) => break,
        }
    }
}

/// One host's sweep over its sorted steps.
fn sweep(host: IpAddr, steps: &[(UtcTime, i8)], settings: &QueueSettings) -> HostHalfOpen {
    let limit = settings.limit;
    let tolerance_ns = if settings.tolerance_s.is_finite() && settings.tolerance_s > 0.0 {
        (settings.tolerance_s * 1e9) as i64
    } else {
        0
    };
    // When each slot freed while the count was at the limit was freed (in time order), until a
    // queued start takes it or the tolerance runs out.
    let mut freed: std::collections::VecDeque<UtcTime> = std::collections::VecDeque::new();
    let mut queued_starts: u32 = 0;
    let mut h = HostHalfOpen {
        host,
        series: Vec::new(),
        peak: 0,
        peak_at: None,
        limit_reached_at: None,
        seconds_at_limit: 0.0,
        queued_connect_fingerprint: false,
    };
    let mut count: i64 = 0;
    let mut i = 0;
    while i < steps.len() {
        let t = steps[i].0;
        let before = count;
        let (mut opens, mut closes) = (0u32, 0u32);
        while i < steps.len() && steps[i].0 == t {
            count += i64::from(steps[i].1);
            if steps[i].1 > 0 {
                opens += 1;
            } else {
                closes += 1;
            }
            i += 1;
        }
        // Queued starts (module docs, rule 3): closes are applied before opens at one instant.
        while freed
            .front()
            .is_some_and(|r| t.unix_nanos().saturating_sub(r.unix_nanos()) > tolerance_ns)
        {
            freed.pop_front();
        }
        // A slot freed less than the tolerance ago and not yet retaken still counts as held.
        let held = before.saturating_add(freed.len() as i64);
        if limit > 0 && held >= i64::from(limit) {
            for _ in 0..closes {
                freed.push_back(t);
            }
        }
        // A start takes the most recently freed slot (the close it follows most closely).
        for _ in 0..opens {
            if freed.pop_back().is_none() {
                break;
            }
            queued_starts += 1;
        }
        if count == before {
            continue;
        }
        // Every close belongs to an earlier open (zero-length attempts are dropped), so the
        // count stays >= 0; the property test runs with this assertion on.
        debug_assert!(count >= 0, "half-open count below zero");
        let c = u32::try_from(count).unwrap_or(0);
        if let Some(&(prev_t, prev_c)) = h.series.last() {
            if prev_c >= limit {
                h.seconds_at_limit += t.seconds_since(prev_t);
            }
        }
        if c > h.peak {
            h.peak = c;
            h.peak_at = Some(t);
        }
        if c >= limit && h.limit_reached_at.is_none() {
            h.limit_reached_at = Some(t);
        }
        h.series.push((t, c));
    }
    h.queued_connect_fingerprint = limit > 0
        && h.peak == limit
        && h.seconds_at_limit >= settings.min_seconds_at_limit
        && queued_starts >= settings.min_queued_starts;
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::handshake::Outcome;
    use proptest::prelude::*;

    fn t(s: i64) -> UtcTime {
        UtcTime::from_unix_secs(1_700_000_000 + s)
    }

    fn att(host: &str, from: i64, until: i64) -> Attempt {
        Attempt {
            src: host.parse().unwrap(),
            sport: 1000,
            dst: "10.9.9.9".parse().unwrap(),
            dport: 80,
            isn: 1,
            frame: 1,
            first_syn: t(from),
            retransmissions: Vec::new(),
            outcome: Outcome::Unanswered,
            answered_at: None,
            half_open_until: t(until),
            answer_frame: None,
        }
    }

    #[test]
    fn overlapping_attempts_give_exact_series_peak_and_time_at_limit() {
        let a = [
            att("10.0.0.1", 0, 21),
            att("10.0.0.1", 1, 5),
            att("10.0.0.1", 2, 22),
            att("10.0.0.1", 5, 6), // opens as one closes at 5: slot reused, no point at 5
        ];
        let r = half_open_by_host(&a, 3);
        assert_eq!(r.len(), 1);
        let h = &r[0];
        assert_eq!(
            h.series,
            vec![
                (t(0), 1),
                (t(1), 2),
                (t(2), 3),
                (t(6), 2),
                (t(21), 1),
                (t(22), 0)
            ]
        );
        assert_eq!(
            (h.peak, h.peak_at, h.limit_reached_at),
            (3, Some(t(2)), Some(t(2)))
        );
        assert_eq!(h.seconds_at_limit, 4.0);
    }

    #[test]
    fn hosts_are_sorted_and_zero_length_attempts_add_nothing() {
        let a = [
            att("10.0.0.9", 0, 2),
            att("10.0.0.2", 3, 3),
            att("10.0.0.2", 1, 4),
        ];
        let r = half_open_by_host(&a, 10);
        let hosts: Vec<String> = r.iter().map(|h| h.host.to_string()).collect();
        assert_eq!(hosts, ["10.0.0.2", "10.0.0.9"]);
        assert_eq!(r[0].series, vec![(t(1), 1), (t(4), 0)]);
        assert_eq!((r[0].limit_reached_at, r[0].seconds_at_limit), (None, 0.0));
        assert_eq!(r[1].series, vec![(t(0), 1), (t(2), 0)]);
    }

    /// Demo-like queue: 10 unanswered connects at 0.00–0.09 s give up at 21.00–21.09 s and a
    /// queued connect leaves at each of those instants (some 20 ms late), up to `n` queued.
    fn queue(n: usize, late_ms: i64) -> Vec<Attempt> {
        let ms = |m: i64| UtcTime::from_unix_nanos((1_700_000_000_000 + m) * 1_000_000, 6);
        let mut v = Vec::new();
        for k in 0..10i64 {
            let mut a = att("10.1.1.10", 0, 0);
            (a.first_syn, a.half_open_until) = (ms(k * 10), ms(k * 10 + 21_000));
            v.push(a);
        }
        for k in 0..n as i64 {
            let start = k * 10 + 21_000 + if k % 2 == 1 { late_ms } else { 0 };
            let mut a = att("10.1.1.10", 0, 0);
            (a.first_syn, a.half_open_until) = (ms(start), ms(start + 21_000));
            v.push(a);
        }
        v
    }

    #[test]
    fn windows_queue_pattern_has_the_fingerprint() {
        let r = half_open_by_host(&queue(10, 0), 10);
        assert_eq!((r[0].peak, r[0].queued_connect_fingerprint), (10, true));
        // At the limit from the 10th SYN (0.09 s) until the first queued attempt ends (42.00 s).
        assert!((r[0].seconds_at_limit - 41.91).abs() < 1e-9);
        // Queued SYNs 20 ms after the slot frees (within 50 ms) still match.
        let r = half_open_by_host(&queue(10, 20), 10);
        assert_eq!((r[0].peak, r[0].queued_connect_fingerprint), (10, true));
        // Every second queued SYN 2 s late: those 5 are not queued starts, the 5 on-time ones
        // are (>= 3 needed); needing 6 makes it false.
        let r = half_open_by_host(&queue(10, 2000), 10);
        assert!(r[0].queued_connect_fingerprint);
        let strict = QueueSettings {
            min_queued_starts: 6,
            ..QueueSettings::with_limit(10)
        };
        let r = half_open_by_host_with(&queue(10, 2000), &strict);
        assert!(!r[0].queued_connect_fingerprint);
    }

    #[test]
    fn burst_above_the_limit_has_no_fingerprint() {
        // Scanner/Linux: 15 at once, more as they end.
        let mut a = queue(10, 0);
        for k in 0..5 {
            a.push(att("10.1.1.10", k, 21));
        }
        let r = half_open_by_host(&a, 10);
        assert_eq!((r[0].peak, r[0].queued_connect_fingerprint), (15, false));
    }

    #[test]
    fn count_touching_the_limit_once_has_no_fingerprint() {
        // 10 overlapping for one second, then all end; nothing waits for a slot.
        let a: Vec<Attempt> = (0..10).map(|k| att("10.0.0.5", 0, 1 + k)).collect();
        let r = half_open_by_host(&a, 10);
        assert_eq!((r[0].peak, r[0].seconds_at_limit), (10, 1.0));
        assert!(!r[0].queued_connect_fingerprint);
        // At the limit long enough, but new SYNs leave 2 s after slots free: not queued.
        let mut b: Vec<Attempt> = (0..10).map(|_| att("10.0.0.6", 0, 21)).collect();
        b.extend((0..5).map(|_| att("10.0.0.6", 23, 44)));
        let r = half_open_by_host(&b, 10);
        assert_eq!(r[0].peak, 10);
        assert!(!r[0].queued_connect_fingerprint);
    }

    proptest! {
        #[test]
        fn a_captures_compact_attempts_give_the_same_hosts_as_the_public_ones(
            // (sender, port, second, answered after seconds or never)
            syns in proptest::collection::vec((0u8..4, 1000u16..1006, 0i64..30, proptest::option::of(0i64..4)), 0..60),
        ) {
            use crate::analysis::handshake::{HandshakeSettings, HandshakeTracker};
            use crate::analysis::test_packets::tcp;
            let mut syns = syns;
            syns.sort_by_key(|s| s.2);
            let mut packets = Vec::new();
            for (frame, &(host, port, at, answer)) in (1u64..).zip(&syns) {
                let client = format!("10.0.0.{host}:{port}");
                packets.push(tcp(frame, t(at), &client, "10.9.9.9:80", true, 0x02, 7));
                if let Some(after) = answer {
                    packets.push(tcp(frame + 1000, t(at + after), &client, "10.9.9.9:80", false, 0x12, 9));
                }
            }
            packets.sort_by_key(|p| p.time);
            let mut tracker = HandshakeTracker::new(HandshakeSettings::default());
            for p in &packets {
                tracker.push(p);
            }
            let report = tracker.finish(packets.last().map(|p| p.time));
            let settings = QueueSettings::with_limit(2);
            let compact = half_open_of(&report.attempts, &settings);
            prop_assert_eq!(&compact, &half_open_by_host_with(&report.attempts.to_vec(), &settings));
            let senders: std::collections::BTreeSet<u8> = syns.iter().map(|s| s.0).collect();
            prop_assert_eq!(compact.len(), senders.len());
        }

        #[test]
        fn merged_steps_are_the_steps_sorted_by_time_then_delta(
            spans in proptest::collection::vec((0i64..20, 1i64..10), 0..40),
        ) {
            let mut opens: Vec<UtcTime> = spans.iter().map(|&(f, _)| t(f)).collect();
            let mut closes: Vec<UtcTime> = spans.iter().map(|&(f, l)| t(f + l)).collect();
            let mut sorted: Vec<(UtcTime, i8)> = opens.iter().map(|&o| (o, 1)).collect();
            sorted.extend(closes.iter().map(|&c| (c, -1)));
            sorted.sort_unstable();
            opens.sort_unstable();
            closes.sort_unstable();
            let mut merged = Vec::new();
            merge_steps(&opens, &closes, &mut merged);
            prop_assert_eq!(merged, sorted);
        }

        #[test]
        fn count_never_negative_and_ends_at_zero(
            spans in proptest::collection::vec((0i64..50, 0i64..30, 0usize..3), 0..60),
            limit in 1u32..6,
        ) {
            let hosts = ["10.0.0.1", "10.0.0.2", "::1"];
            let a: Vec<Attempt> = spans
                .iter()
                .map(|&(from, len, h)| att(hosts[h], from, from + len))
                .collect();
            for h in half_open_by_host(&a, limit) {
                let mut prev = None;
                for &(time, c) in &h.series {
                    prop_assert!(prev.is_none_or(|(pt, pc)| time > pt && c != pc));
                    prev = Some((time, c));
                }
                prop_assert_eq!(h.series.last().map(|p| p.1).unwrap_or(0), 0);
                prop_assert!(h.series.iter().all(|p| p.1 <= h.peak));
            }
        }
    }
}
