//! `netstat -s` (per-protocol statistics) and `netstat -e` (interface statistics) text, and the
//! `netstat -r` / `route print` / Linux `netstat -r` headings that are recognised and passed over.
//!
//! Layout (research note §2, from Windows' message file and real numbers): a section heading
//! (`IPv4 Statistics`, `TCP Statistics for IPv4`, `ICMPv4 Statistics`, `Interface Statistics`),
//! then `  Name  = value` lines, or for ICMP and `-e` two-column `  Name  received  sent` lines
//! (the `Received  Sent` heading line itself carries no numbers). Counter names are stored as
//! snake case (`Active Opens` → `active_opens`; a two-column `Messages` → `messages_received`,
//! `messages_sent`), sections as `tcp_ipv4`, `udp_ipv6`, `ipv4`, `icmpv4`, `interface`.

// Input reaches this module: no unwrap/expect/indexing outside tests (issue 18 §4).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

use std::collections::BTreeMap;

/// Counters of one `-s`/`-e` output: section → counter → value. Values are counters since boot
/// (Current Connections is a gauge), not rates.
pub type Sections = BTreeMap<String, BTreeMap<String, u64>>;

/// Snake-case key of a heading or counter name (ASCII letters and digits; the rest `_`).
fn key(s: &str) -> String {
    let mut out = String::new();
    for w in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&w.to_ascii_lowercase());
    }
    out
}

/// The section key of a statistics heading: `TCP Statistics for IPv4` → `tcp_ipv4`,
/// `IPv4 Statistics` → `ipv4`, `IP Statistics` → `ip`, `Interface Statistics` → `interface`.
pub(super) fn section_heading(line: &str) -> Option<String> {
    let t = line.trim();
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    let (proto, family) = match t.split_once(" Statistics") {
        Some((p, rest)) => (p, rest.trim().strip_prefix("for ").map(str::trim)),
        None => return None,
    };
    let known = [
        "IP",
        "IPv4",
        "IPv6",
        "ICMP",
        "ICMPv4",
        "ICMPv6",
        "TCP",
        "UDP",
        "Interface",
    ];
    if !known.contains(&proto) {
        return None;
    }
    match family {
        None if t.ends_with("Statistics") => Some(key(proto)),
        Some(f @ ("IPv4" | "IPv6")) => Some(format!("{}_{}", key(proto), key(f))),
        _ => None,
    }
}

/// A counter line: `  Active Opens     = 64644` → one pair; `  Messages  16443  22923` → two
/// (`_received`, `_sent`). `None` for other lines.
pub(super) fn counter_line(line: &str) -> Option<Vec<(String, u64)>> {
    if !line.starts_with(char::is_whitespace) {
        return None;
    }
    if let Some((name, value)) = line.split_once('=') {
        let v = value.trim().parse::<u64>().ok()?;
        let k = key(name);
        return (!k.is_empty()).then(|| vec![(k, v)]);
    }
    let toks: Vec<&str> = line.split_whitespace().collect();
    let [name @ .., a, b] = toks.as_slice() else {
        return None;
    };
    let (a, b) = (a.parse::<u64>().ok()?, b.parse::<u64>().ok()?);
    let k = key(&name.join(" "));
    (!k.is_empty()).then(|| vec![(format!("{k}_received"), a), (format!("{k}_sent"), b)])
}

/// Headings of routing tables (`netstat -r` = `route print` on Windows: research note §2 and
/// jc's `route.out`; Linux `Kernel IP routing table`; BSD/macOS `Routing tables`) and of other
/// non-connection tables (`Kernel Interface table`). Their lines are passed over.
pub(super) fn is_route_heading(line: &str) -> bool {
    let t = line.trim();
    matches!(
        t,
        "Interface List"
            | "IPv4 Route Table"
            | "IPv6 Route Table"
            | "Active Routes:"
            | "Persistent Routes:"
            | "Kernel IP routing table"
            | "Kernel IPv6 routing table"
            | "Kernel Interface table"
            | "Routing tables"
    )
}

/// Per-counter differences `b - a` for every counter in both (negative after a reboot or a
/// counter wrap).
pub fn delta(a: &Sections, b: &Sections) -> BTreeMap<String, BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for (section, cb) in b {
        let Some(ca) = a.get(section) else { continue };
        let d: BTreeMap<String, i64> = cb
            .iter()
            .filter_map(|(k, vb)| {
                let va = ca.get(k)?;
                let d = i128::from(*vb) - i128::from(*va);
                Some((k.clone(), i64::try_from(d).ok()?))
            })
            .collect();
        if !d.is_empty() {
            out.insert(section.clone(), d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        assert_eq!(
            section_heading("TCP Statistics for IPv4").as_deref(),
            Some("tcp_ipv4")
        );
        assert_eq!(
            section_heading("UDP Statistics for IPv6").as_deref(),
            Some("udp_ipv6")
        );
        assert_eq!(section_heading("IPv4 Statistics").as_deref(), Some("ipv4"));
        assert_eq!(
            section_heading("ICMPv4 Statistics").as_deref(),
            Some("icmpv4")
        );
        assert_eq!(
            section_heading("Interface Statistics").as_deref(),
            Some("interface")
        );
        assert_eq!(section_heading("Active Connections"), None);
        assert_eq!(section_heading("Foo Statistics"), None);
    }

    #[test]
    fn counters() {
        assert_eq!(
            counter_line("  Failed Connection Attempts          = 5800"),
            Some(vec![("failed_connection_attempts".into(), 5800)])
        );
        assert_eq!(
            counter_line("  Messages                  16443       22923"),
            Some(vec![
                ("messages_received".into(), 16443),
                ("messages_sent".into(), 22923)
            ])
        );
        assert_eq!(
            counter_line("                            Received    Sent"),
            None
        );
        assert_eq!(counter_line("Active Opens = 5"), None);
    }

    #[test]
    fn delta_of_counters() {
        let mk = |v: u64| -> Sections {
            [(
                "tcp_ipv4".to_string(),
                [("active_opens".to_string(), v)].into(),
            )]
            .into()
        };
        assert_eq!(
            delta(&mk(10), &mk(25)),
            [(
                "tcp_ipv4".to_string(),
                [("active_opens".to_string(), 15i64)].into()
            )]
            .into()
        );
        assert_eq!(delta(&mk(25), &mk(10))["tcp_ipv4"]["active_opens"], -15);
    }
}
