//! Netstat snapshots without a time of their own, placed by the evidence (issue 19 §3). A
//! snapshot read at the file's mtime (usually when the file was copied, not when netstat ran)
//! whose SYN_SENT rows are connect attempts a capture also saw (same local port and remote
//! endpoint; service names such as `microsoft-ds` read as their ports) is moved to the moment
//! all of them were outstanding at once: each matched row's connection was SYN_SENT from the capture's
//! first SYN to the end of its half-open time (answer, give-up or capture end); the snapshot
//! lies in the intersection of those intervals, and is placed at its middle
//! ([`TimeSource::Evidence`]). Raw capture clocks are used (a capture clock offset, estimated
//! later, is usually far smaller than the error of an mtime). Snapshots with no matching row, or
//! whose rows have no common interval, keep the mtime.

use crate::analysis::source::{Input, InputData};
use crate::ingest::netstat::NetstatFile;
use crate::model::{TimeSource, UtcTime};
use std::collections::HashMap;
use std::net::IpAddr;

/// (local port, remote address, remote port): the local address is the netstat host itself and
/// is often printed as its name (`WS-ALARM01:1110`), so it is not part of the key.
type Key = (u16, IpAddr, u16);

/// TCP ports by the service names `netstat` prints without `-n` (the Windows `services` file,
/// %SystemRoot%\system32\drivers\etc\services; IANA port numbers).
const SERVICES: &[(&str, u16)] = &[
    ("echo", 7),
    ("ftp", 21),
    ("ssh", 22),
    ("telnet", 23),
    ("smtp", 25),
    ("domain", 53),
    ("http", 80),
    ("kerberos", 88),
    ("pop3", 110),
    ("epmap", 135),
    ("netbios-ssn", 139),
    ("imap", 143),
    ("ldap", 389),
    ("https", 443),
    ("microsoft-ds", 445),
    ("ms-sql-s", 1433),
    ("ms-wbt-server", 3389),
];

/// A port as netstat prints it: a number or a service name of [`SERVICES`].
fn port(p: &str) -> Option<u16> {
    p.parse().ok().or_else(|| {
        SERVICES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(p))
            .map(|(_, v)| *v)
    })
}

/// Every connect attempt of the captures: its 4-tuple and half-open interval (raw clock).
#[derive(Default)]
pub(crate) struct AttemptIndex {
    by_tuple: HashMap<Key, Vec<(UtcTime, UtcTime)>>,
}

impl AttemptIndex {
    /// The index of every capture among `inputs`; empty (and not built) when no netstat
    /// snapshot among them is at its file's mtime, the only ones placed.
    pub(crate) fn of(inputs: &[Input]) -> AttemptIndex {
        let mut ix = AttemptIndex::default();
        let needed = inputs.iter().any(|i| {
            matches!(&i.data, Ok(InputData::Netstat { times, .. })
                if times.iter().any(|(_, src)| *src == TimeSource::Mtime))
        });
        if !needed {
            return ix;
        }
        for input in inputs {
            if let Ok(InputData::Capture(c)) = &input.data {
                for a in c.handshakes.attempts.iter() {
                    ix.by_tuple
                        .entry((a.sport, a.dst, a.dport))
                        .or_default()
                        .push((a.first_syn, a.half_open_until));
                }
            }
        }
        ix
    }

    /// `times` with each mtime-placed snapshot of `file` moved into the interval its SYN_SENT
    /// rows share with the captures, when there is one; with the number of rows matched.
    pub(crate) fn place(
        &self,
        file: &NetstatFile,
        times: &[(UtcTime, TimeSource)],
    ) -> Vec<((UtcTime, TimeSource), usize)> {
        file.snapshots
            .iter()
            .zip(times)
            .map(|(s, &(t, src))| {
                if src != TimeSource::Mtime || self.by_tuple.is_empty() {
                    return ((t, src), 0);
                }
                let mut span: Option<(UtcTime, UtcTime)> = None;
                let mut matched = 0;
                for r in s
                    .rows
                    .iter()
                    .filter(|r| r.state.as_deref() == Some("SYN_SENT"))
                {
                    let key = (
                        port(&r.local.port),
                        r.foreign.host.parse::<IpAddr>().ok(),
                        port(&r.foreign.port),
                    );
                    let (Some(lp), Some(ra), Some(rp)) = key else {
                        continue;
                    };
                    let Some(list) = self.by_tuple.get(&(lp, ra, rp)) else {
                        continue;
                    };
                    // The row's interval that overlaps the span so far (the first when none).
                    let pick = list
                        .iter()
                        .find(|(a, b)| span.is_none_or(|(lo, hi)| *a <= hi && lo <= *b))
                        .or(list.first());
                    if let Some(&(a, b)) = pick {
                        matched += 1;
                        span = Some(match span {
                            None => (a, b),
                            Some((lo, hi)) => (lo.max(a), hi.min(b)),
                        });
                    }
                }
                match span {
                    Some((lo, hi)) if matched > 0 && lo <= hi => {
                        let mid = lo.plus_nanos((hi.unix_nanos() - lo.unix_nanos()) / 2);
                        ((mid.with_digits(3), TimeSource::Evidence), matched)
                    }
                    _ => ((t, src), 0),
                }
            })
            .collect()
    }
}
