//! Concurrent half-open outgoing connections per sending host.
//!
//! Each [`Attempt`] is half-open on `[first_syn, half_open_until)` (see
//! [`super::handshake`] for how the end is chosen). Per SYN-sending host (source IP) a sweep adds
//! +1 at `first_syn` and −1 at `half_open_until`. **At equal times closes are applied before
//! opens**: a slot freed at t is reused by a connect starting at t, which is how tcpip.sys admits a
//! queued connect when one of its 10 SYN_SENT slots frees (KB969710; see `research/domain.md` §2).
//! (tshark_oracle.sh counts opens first, so its peak can be higher by the number of such ties.)
//! Attempts with `half_open_until <= first_syn` are never half-open for any time and add nothing.

use super::handshake::Attempt;
use crate::model::UtcTime;
use std::net::IpAddr;

/// One host's half-open step series and its summary.
#[derive(Debug, Clone, PartialEq)]
pub struct HostHalfOpen {
    pub host: IpAddr,
    /// (time, count after the step), in time order; the count changes at each point.
    pub series: Vec<(UtcTime, u32)>,
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

/// The half-open series of every host that sent a SYN, sorted by host address.
///
/// `series` holds one point per instant where the count changes (all steps at one instant are
/// applied together, closes first); it starts above 0 and ends at 0. `peak` is 0 with `peak_at`
/// `None` for a host whose attempts all had zero length. `limit` is the Windows XP SP2–Vista limit
/// (10) in practice; `limit_reached_at` is the first point whose count is `>= limit` and
/// `seconds_at_limit` sums the time between such points and the next point (seconds).
pub fn half_open_by_host(attempts: &[Attempt], limit: u32) -> Vec<HostHalfOpen> {
    // (host, time, delta): -1 sorts before +1 at equal (host, time).
    let mut steps: Vec<(IpAddr, UtcTime, i8)> = Vec::with_capacity(attempts.len() * 2);
    let mut hosts: Vec<IpAddr> = Vec::new();
    for a in attempts {
        hosts.push(a.src);
        if a.half_open_until > a.first_syn {
            steps.push((a.src, a.first_syn, 1));
            steps.push((a.src, a.half_open_until, -1));
        }
    }
    hosts.sort_unstable();
    hosts.dedup();
    steps.sort_unstable_by_key(|&(host, time, delta)| (host, time, delta));

    let mut out = Vec::with_capacity(hosts.len());
    let mut rest = steps.as_slice();
    for host in hosts {
        let n = rest.iter().take_while(|s| s.0 == host).count();
        let (mine, tail) = rest.split_at(n);
        rest = tail;
        out.push(sweep(host, mine, limit));
    }
    out
}

/// One host's sweep over its sorted steps.
fn sweep(host: IpAddr, steps: &[(IpAddr, UtcTime, i8)], limit: u32) -> HostHalfOpen {
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
        let t = steps[i].1;
        let before = count;
        while i < steps.len() && steps[i].1 == t {
            count += i64::from(steps[i].2);
            i += 1;
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

    proptest! {
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
