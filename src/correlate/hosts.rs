//! One identity per machine across sources: union-find over names (first DNS label, case
//! folded) and addresses. Each group records which source said what (`merged_from`).

use crate::ingest::netstat::NetstatFile;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;
use std::path::Path;

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
    pub(crate) fn host_of_name(&self, name: &str) -> Option<String> {
        if name.is_empty() {
            return None;
        }
        self.index
            .get(&format!("n:{}", name_key(name)))
            .map(|&i| self.hosts[i].name.clone())
    }

    pub(crate) fn host_of_addr(&self, a: IpAddr) -> Option<String> {
        self.index
            .get(&format!("a:{a}"))
            .map(|&i| self.hosts[i].name.clone())
    }

    /// The host of an address seen in the capture at `path` (loopback is scoped to the capture).
    pub(crate) fn host_in_capture(&self, a: IpAddr, path: &Path) -> Option<String> {
        if a.is_loopback() {
            self.host_of_name(&loopback_key(a, path))
        } else {
            self.host_of_addr(a)
        }
    }

    pub(crate) fn host_of_netstat(&self, file: &NetstatFile) -> Option<String> {
        let (names, addrs) = netstat_identity(file);
        names
            .iter()
            .find_map(|n| self.host_of_name(n))
            .or_else(|| addrs.iter().find_map(|a| self.host_of_addr(*a)))
    }
}
