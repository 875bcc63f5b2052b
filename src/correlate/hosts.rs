//! One identity per machine across sources: union-find over names (first DNS label, case
//! folded) and addresses. Each group records which source said what (`merged_from`).
//!
//! [`identify`] walks the inputs once and builds the [`Hosts`] index (name key → host id,
//! address → host id) that every later step reads.

use crate::analysis::source::{Input, InputData};
use crate::ingest::capture::NameSource;
use crate::ingest::netstat::NetstatFile;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;
use std::path::Path;

/// The merged hosts of a run and, per input (by index), the host of a netstat file.
pub(crate) struct Identities {
    /// The merged hosts and their index.
    pub(crate) hosts: Hosts,
    /// Per input (by index): the display name of a netstat file's host.
    pub(crate) netstat_host: Vec<Option<String>>,
}

/// Merges the identities the inputs tell (and `--host NAME=IP`) into hosts, in one walk.
///
/// Groups come from an event log's `Computer` names, a netstat file's local names and addresses
/// (one file = one machine), a capture's SYN senders (loopback scoped to the capture; a
/// crowd's folded senders are none, `analysis::crowd`). Names a
/// capture reveals (DNS/mDNS/LLMNR answers only by address, NetBIOS registrations and DHCP host
/// names by address or name) join only hosts those groups already know: a resolver's answers
/// name far servers, and their first DNS label is not an identity. They never make a host.
pub(crate) fn identify(inputs: &[Input], extra: &[(String, IpAddr)]) -> Identities {
    let mut reg = HostRegistry::default();
    for (name, ip) in extra {
        reg.add_group(
            std::slice::from_ref(name),
            &[*ip],
            &format!("--host {name}={ip}"),
        );
    }
    let mut netstat_ids: Vec<Option<(Vec<String>, Vec<IpAddr>)>> = vec![None; inputs.len()];
    let mut revealed = Vec::new();
    for (k, input) in inputs.iter().enumerate() {
        let shown = input.path.display();
        match &input.data {
            Ok(InputData::EventLog(log)) => {
                let computers: BTreeSet<&str> = log.computer_names();
                // A machine's own outbound connections (Sysmon 3, Security 5156/5157) name its
                // addresses: the source address of a connect it logged is its own.
                let mut own: BTreeMap<&str, BTreeSet<IpAddr>> = BTreeMap::new();
                for r in log.records.iter().filter(|r| !r.computer.is_empty()) {
                    let Some(c) = crate::analysis::connections::connection_of(r) else {
                        continue;
                    };
                    if let (Some(true), Some(ip)) = (c.outbound, c.src) {
                        if !ip.is_loopback() && !ip.is_unspecified() {
                            own.entry(r.computer.as_str()).or_default().insert(ip);
                        }
                    }
                }
                for c in computers {
                    let addrs: Vec<IpAddr> = own.get(c).into_iter().flatten().copied().collect();
                    let what = if addrs.is_empty() {
                        format!("event log {shown} Computer {c}")
                    } else {
                        format!("event log {shown} Computer {c} and its logged connections")
                    };
                    reg.add_group(&[c.to_string()], &addrs, &what);
                }
            }
            Ok(InputData::Netstat { file, .. }) => {
                let (names, addrs) = netstat_identity(file);
                if !names.is_empty() || !addrs.is_empty() {
                    let what = format!("netstat {shown} local addresses");
                    reg.add_group(&names, &addrs, &what);
                }
                netstat_ids[k] = Some((names, addrs));
            }
            Ok(InputData::Capture(c)) => {
                for h in &c.half_open {
                    let what = format!("capture {shown} SYN sender");
                    if h.host.is_loopback() {
                        // Loopback is every machine's own: never merge it across captures.
                        let key = loopback_key(h.host, &input.path);
                        reg.add_group(&[key], &[], &what);
                    } else {
                        reg.add_group(&[], &[h.host], &what);
                    }
                }
                revealed.extend(c.read.names.iter().map(|n| (input, n)));
            }
            _ => {}
        }
    }
    for (input, n) in revealed {
        let (known, how) = match n.how {
            NameSource::Dns => (reg.knows_addr(n.address), "DNS answer"),
            NameSource::Netbios => (
                reg.knows_addr(n.address) || reg.knows_name(&n.name),
                "NetBIOS name",
            ),
            NameSource::Dhcp => (
                reg.knows_addr(n.address) || reg.knows_name(&n.name),
                "DHCP host name",
            ),
        };
        if known && !n.address.is_unspecified() {
            let what = format!(
                "capture {} {how} {} = {} (frame {})",
                input.path.display(),
                n.name,
                n.address,
                n.frame
            );
            reg.add_group(std::slice::from_ref(&n.name), &[n.address], &what);
        }
    }
    let hosts = reg.finish();
    let netstat_host = netstat_ids
        .iter()
        .map(|id| {
            let (names, addrs) = id.as_ref()?;
            names
                .iter()
                .find_map(|n| hosts.host_of_name(n))
                .or_else(|| addrs.iter().find_map(|a| hosts.host_of_addr(*a)))
        })
        .collect();
    Identities {
        hosts,
        netstat_host,
    }
}

/// Local names and addresses of a netstat file: the machine it was run on.
pub(crate) fn netstat_identity(file: &NetstatFile) -> (Vec<String>, Vec<IpAddr>) {
    let mut names = BTreeSet::new();
    let mut addrs = BTreeSet::new();
    for s in &file.snapshots {
        for r in &s.rows {
            let h = r.local.host.as_str();
            match parse_ip(h) {
                Some(ip) => {
                    if !ip.is_unspecified() && !ip.is_loopback() {
                        addrs.insert(ip);
                    }
                }
                None => {
                    if !h.is_empty() && h != "*" && !h.eq_ignore_ascii_case("localhost") {
                        names.insert(h.to_string());
                    }
                }
            }
        }
    }
    (names.into_iter().collect(), addrs.into_iter().collect())
}

/// The host name of a loopback SYN sender in one capture, e.g. `127.0.0.1 in pop3.pcap`, so that
/// two captures' loopback traffic never merges into one host.
pub(crate) fn loopback_key(a: IpAddr, path: &Path) -> String {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{a} in {file}")
}

impl Host {
    /// Whether address `a`, seen in the capture at `path`, belongs to this host.
    pub(crate) fn owns(&self, a: IpAddr, path: &Path) -> bool {
        if a.is_loopback() {
            self.names.iter().any(|n| *n == loopback_key(a, path))
        } else {
            self.addrs.contains(&a)
        }
    }
}

pub(crate) fn parse_ip(h: &str) -> Option<IpAddr> {
    let h = h.split('%').next().unwrap_or(h);
    h.parse().ok()
}

/// The key a host name matches on: its first DNS label, upper case.
pub(crate) fn name_key(name: &str) -> String {
    short_name(name).to_ascii_uppercase()
}

/// A host name's first DNS label (`WS-ALARM01.plant.local` → `WS-ALARM01`); names that start
/// with an address (the scoped loopback names of [`loopback_key`]) are kept whole.
pub(crate) fn short_name(name: &str) -> &str {
    let first_word = name.split(' ').next().unwrap_or(name);
    if parse_ip(first_word).is_some() {
        name
    } else {
        name.split('.').next().unwrap_or(name)
    }
}

#[derive(Default)]
pub(crate) struct HostRegistry {
    /// union-find parent per key index
    parent: Vec<usize>,
    keys: HashMap<String, usize>,
    names: Vec<Vec<String>>,
    addrs: Vec<Vec<IpAddr>>,
    merged_from: Vec<Vec<String>>,
}

impl HostRegistry {
    pub(crate) fn key(&mut self, k: String) -> usize {
        if let Some(&i) = self.keys.get(&k) {
            return i;
        }
        let i = self.parent.len();
        self.parent.push(i);
        self.names.push(Vec::new());
        self.addrs.push(Vec::new());
        self.merged_from.push(Vec::new());
        self.keys.insert(k, i);
        i
    }

    pub(crate) fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Whether a source already named this address.
    pub(crate) fn knows_addr(&self, a: IpAddr) -> bool {
        self.keys.contains_key(&format!("a:{a}"))
    }

    /// Whether a source already named a host with this name (first DNS label, case folded).
    pub(crate) fn knows_name(&self, name: &str) -> bool {
        self.keys.contains_key(&format!("n:{}", name_key(name)))
    }

    pub(crate) fn add_group(&mut self, names: &[String], addrs: &[IpAddr], what: &str) {
        let mut ids = Vec::new();
        for n in names {
            let i = self.key(format!("n:{}", name_key(n)));
            self.names[i].push(n.clone());
            ids.push(i);
        }
        for a in addrs {
            let i = self.key(format!("a:{a}"));
            self.addrs[i].push(*a);
            ids.push(i);
        }
        if let Some(&first) = ids.first() {
            self.merged_from[first].push(what.to_string());
            let root = self.find(first);
            for &i in &ids[1..] {
                let r = self.find(i);
                if r != root {
                    self.parent[r] = root;
                }
            }
        }
    }

    pub(crate) fn finish(mut self) -> Hosts {
        let mut key_of: Vec<String> = vec![String::new(); self.parent.len()];
        for (k, &i) in &self.keys {
            key_of[i] = k.clone();
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..self.parent.len() {
            let r = self.find(i);
            groups.entry(r).or_default().push(i);
        }
        let mut hosts: Vec<Host> = groups
            .values()
            .map(|members| {
                let mut names: Vec<String> = Vec::new();
                let mut addrs = BTreeSet::new();
                let mut merged_from = Vec::new();
                for &i in members {
                    for nm in &self.names[i] {
                        if !names.contains(nm) {
                            names.push(nm.clone());
                        }
                    }
                    addrs.extend(self.addrs[i].iter().copied());
                    merged_from.extend(self.merged_from[i].iter().cloned());
                }
                // Display name: the first name given (short form), else the lowest address.
                let name = names
                    .first()
                    .map(|n| short_name(n).to_string())
                    .or_else(|| addrs.iter().next().map(|a| a.to_string()))
                    .unwrap_or_default();
                let keys = members.iter().map(|&i| key_of[i].clone()).collect();
                Host {
                    name,
                    names,
                    addrs,
                    merged_from,
                    keys,
                }
            })
            .collect();
        hosts.sort_by(|a, b| a.name.cmp(&b.name));
        let mut index = HashMap::new();
        for (i, h) in hosts.iter().enumerate() {
            for k in &h.keys {
                index.insert(k.clone(), i);
            }
        }
        Hosts { hosts, index }
    }
}

pub(crate) struct Host {
    pub(crate) name: String,
    pub(crate) names: Vec<String>,
    pub(crate) addrs: BTreeSet<IpAddr>,
    pub(crate) merged_from: Vec<String>,
    /// The registry keys (`n:NAME`, `a:ADDR`) that make up this host.
    pub(crate) keys: Vec<String>,
}

pub(crate) struct Hosts {
    pub(crate) hosts: Vec<Host>,
    index: HashMap<String, usize>,
}

impl Hosts {
    fn id_of_key(&self, key: &str) -> Option<usize> {
        self.index.get(key).copied()
    }

    /// The host id of a name (first DNS label, case folded); `None` for an empty name.
    pub(crate) fn id_of_name(&self, name: &str) -> Option<usize> {
        if name.is_empty() {
            return None;
        }
        self.id_of_key(&format!("n:{}", name_key(name)))
    }

    /// The host id of an address.
    pub(crate) fn id_of_addr(&self, a: IpAddr) -> Option<usize> {
        self.id_of_key(&format!("a:{a}"))
    }

    /// The display name of a host name's host.
    pub(crate) fn host_of_name(&self, name: &str) -> Option<String> {
        self.id_of_name(name).map(|i| self.hosts[i].name.clone())
    }

    /// The display name of an address's host.
    pub(crate) fn host_of_addr(&self, a: IpAddr) -> Option<String> {
        self.id_of_addr(a).map(|i| self.hosts[i].name.clone())
    }

    /// The host id of an address seen in the capture at `path` (loopback is scoped to the
    /// capture, matched on its name key).
    pub(crate) fn id_in_capture(&self, a: IpAddr, path: &Path) -> Option<usize> {
        if a.is_loopback() {
            self.id_of_name(&loopback_key(a, path))
        } else {
            self.id_of_addr(a)
        }
    }

    /// The host that owns address `a` seen in the capture at `path` ([`Host::owns`]: a loopback
    /// address only when the host has exactly its scoped name).
    pub(crate) fn owner_in_capture(&self, a: IpAddr, path: &Path) -> Option<usize> {
        self.id_in_capture(a, path)
            .filter(|&i| !a.is_loopback() || self.hosts[i].owns(a, path))
    }
}
